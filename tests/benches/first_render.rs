//! Time to first render of the built web app (`dist/`) in headless Chromium, served by
//! the real server on localhost: cold (a new profile opening the sign-in page) and warm
//! (signed in, the case list with its rows). Medians and worst of `DUBAN_RENDER_RUNS`
//! runs (default 7).
//!
//! ```sh
//! cargo xtask build-web --release
//! cargo bench -p duban-tests --bench first_render
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(not(target_arch = "wasm32"))]
use duban_tests::browser::render;

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[cfg(not(target_arch = "wasm32"))]
fn worst(v: &[f64]) -> f64 {
    v.iter().copied().fold(0.0, f64::max)
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let runs = std::env::var("DUBAN_RENDER_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(7usize);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let results = match rt.block_on(render::first_render(runs)) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("first_render: {e:#}");
            std::process::exit(1);
        }
    };
    let mut out = format!(
        "| page ({runs} runs) | first contentful paint | element present | WASM fetch | WASM on the wire |\n| --- | --- | --- | --- | --- |\n"
    );
    for (label, pick) in [
        (
            "cold: sign-in page, new profile",
            (|r: &render::RenderRun| r.cold) as fn(&render::RenderRun) -> render::PageTiming,
        ),
        ("warm: case list, signed in", |r: &render::RenderRun| r.warm),
    ] {
        let t: Vec<render::PageTiming> = results.iter().map(pick).collect();
        let col = |f: fn(&render::PageTiming) -> f64| -> (f64, f64) {
            let v: Vec<f64> = t.iter().map(f).collect();
            (median(v.clone()), worst(&v))
        };
        let (fcp, fcp_w) = col(|p| p.first_contentful_paint);
        let (el, el_w) = col(|p| p.element);
        let (fetch, fetch_w) = col(|p| p.wasm_fetch);
        let (bytes, _) = col(|p| p.wasm_transfer);
        out.push_str(&format!(
            "| {label} | {fcp:.0} ms (worst {fcp_w:.0}) | {el:.0} ms (worst {el_w:.0}) | {fetch:.0} ms (worst {fetch_w:.0}) | {:.0} KiB |\n",
            bytes / 1024.0
        ));
    }
    println!("\n## First render\n\n{out}");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/render-bench");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("report.md"), out).unwrap();
}
