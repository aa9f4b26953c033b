//! `cargo xtask build-web`: the wasm build, wasm-bindgen, wasm-opt (npm binaryen) and
//! `dist/` with its sizes.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::shell::{cargo, output_of, run_cmd, target_dir, tools_dir, workspace_root};
use crate::{
    BINARYEN_VERSION, RELEASE_PROFILE, WASM_BINDGEN_VERSION, WASM_OPT_FEATURES, WASM_TARGET,
    WEB_PACKAGE, WEB_STEM,
};

pub(crate) fn build_web(release: bool) -> Result<()> {
    let root = workspace_root();
    let web_dir = root.join("web");
    let dist = root.join("dist");
    let profile_dir = if release { RELEASE_PROFILE } else { "debug" };

    // 1. cargo build for wasm32
    let mut build = cargo();
    build
        .current_dir(&root)
        .args(["build", "--package", WEB_PACKAGE, "--target", WASM_TARGET]);
    if release {
        build.args(["--profile", RELEASE_PROFILE]);
    }
    run_cmd(&mut build)?;

    let input = target_dir(&root)
        .join(WASM_TARGET)
        .join(profile_dir)
        .join(format!("{WEB_STEM}.wasm"));
    if !input.is_file() {
        bail!("expected build output {} is missing", input.display());
    }

    // 2. wasm-bindgen into a fresh dist/
    if dist.exists() {
        fs::remove_dir_all(&dist).with_context(|| format!("cannot clear {}", dist.display()))?;
    }
    fs::create_dir_all(&dist)?;
    println!(
        "wasm-bindgen {WASM_BINDGEN_VERSION} (library): {} -> {}",
        input.display(),
        dist.display()
    );
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&input)
        .web(true)?
        .typescript(false)
        .debug(!release)
        .remove_name_section(release)
        .remove_producers_section(release)
        .generate(&dist)
        .context("wasm-bindgen failed")?;

    let js_name = format!("{WEB_STEM}.js");
    let wasm_name = format!("{WEB_STEM}_bg.wasm");
    let wasm_path = dist.join(&wasm_name);

    // 3. wasm-opt -Oz (release only)
    if release {
        let wasm_opt = ensure_wasm_opt(&root)?;
        let before = file_len(&wasm_path)?;
        let mut opt = Command::new(&wasm_opt);
        opt.arg("-Oz")
            .args(WASM_OPT_FEATURES)
            .arg(&wasm_path)
            .arg("-o")
            .arg(&wasm_path);
        run_cmd(&mut opt)?;
        println!(
            "wasm-opt: {} -> {}",
            human(before),
            human(file_len(&wasm_path)?)
        );
    }

    // 4. style.css and index.html with cache-busting ?v= hashes
    let css = fs::read(web_dir.join("style.css")).context("reading web/style.css")?;
    fs::write(dist.join("style.css"), &css)?;

    let js = fs::read(dist.join(&js_name))?;
    let wasm = fs::read(&wasm_path)?;
    let mut app_hash = Fnv64::new();
    app_hash.write(&js);
    app_hash.write(&wasm);
    let app_v = app_hash.short();
    let css_v = {
        let mut h = Fnv64::new();
        h.write(&css);
        h.short()
    };

    // The bootstrap is a file of its own: the page's CSP allows no inline script.
    let fill = |file: &str, boot_href: &str| -> Result<String> {
        let template = fs::read_to_string(web_dir.join(file))
            .with_context(|| format!("reading web/{file}"))?;
        let out = template
            .replace("{{STYLE_HREF}}", &format!("/style.css?v={css_v}"))
            .replace("{{JS_HREF}}", &format!("/{js_name}?v={app_v}"))
            .replace("{{WASM_HREF}}", &format!("/{wasm_name}?v={app_v}"))
            .replace("{{BOOT_HREF}}", boot_href);
        if let Some(pos) = out.find("{{") {
            let end = out[pos..].find("}}").map_or(out.len(), |e| pos + e + 2);
            bail!("web/{file}: unknown placeholder {}", &out[pos..end]);
        }
        Ok(out)
    };
    let boot = fill("boot.js", "")?;
    let boot_v = {
        let mut h = Fnv64::new();
        h.write(boot.as_bytes());
        h.short()
    };
    fs::write(dist.join("boot.js"), &boot)?;
    let boot_href = format!("/boot.js?v={boot_v}");
    fs::write(dist.join("index.html"), fill("index.html", &boot_href)?)?;

    // 5. the service worker, caching exactly this build's shell
    let shell = [
        "/index.html".to_owned(),
        boot_href.clone(),
        format!("/style.css?v={css_v}"),
        format!("/{js_name}?v={app_v}"),
        format!("/{wasm_name}?v={app_v}"),
    ];
    let sw = fs::read_to_string(web_dir.join("sw.js")).context("reading web/sw.js")?;
    let sw = sw
        .replace("{{VERSION}}", &format!("{app_v}-{css_v}"))
        .replace(
            "{{ASSETS}}",
            &shell
                .iter()
                .map(|a| format!("\"{a}\""))
                .collect::<Vec<_>>()
                .join(", "),
        );
    if let Some(pos) = sw.find("{{") {
        bail!("web/sw.js: unknown placeholder at {pos}");
    }
    fs::write(dist.join("sw.js"), sw)?;

    // 6. sizes, then (release) `.br` and `.gz` beside each file: the server sends them
    // to browsers that accept them (`ServeDir::precompressed_*`), compressed once here
    // at the highest levels instead of per request.
    if release {
        precompress(&dist)?;
    }
    report_sizes(&dist)?;
    println!(
        "dist ready ({}): {}",
        if release { "release" } else { "debug" },
        dist.display()
    );
    Ok(())
}

fn file_len(path: &Path) -> Result<u64> {
    Ok(fs::metadata(path)
        .with_context(|| format!("cannot stat {}", path.display()))?
        .len())
}

fn brotli_bytes(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
    Ok(out)
}

fn gzip_bytes(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes)?;
    Ok(enc.finish()?)
}

/// Write `<file>.br` and `<file>.gz` for every file of `dist/` that compresses.
fn precompress(dist: &Path) -> Result<()> {
    let mut files = Vec::new();
    collect_files(dist, &mut files)?;
    for path in files {
        let bytes = fs::read(&path)?;
        let name = path.display().to_string();
        let br = brotli_bytes(&bytes)?;
        if br.len() < bytes.len() {
            fs::write(format!("{name}.br"), br)?;
        }
        let gz = gzip_bytes(&bytes)?;
        if gz.len() < bytes.len() {
            fs::write(format!("{name}.gz"), gz)?;
        }
    }
    Ok(())
}

fn human(n: u64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.2} MiB", n as f64 / (1024.0 * 1024.0))
    } else if n >= 1024 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{n} B")
    }
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn report_sizes(dist: &Path) -> Result<()> {
    let mut files = Vec::new();
    collect_files(dist, &mut files)?;
    files.retain(|p| !matches!(p.extension().and_then(|e| e.to_str()), Some("br" | "gz")));
    files.sort();
    println!(
        "{:<40} {:>12} {:>12} {:>12}",
        "dist/", "raw", "gzip -9", "brotli 11"
    );
    let (mut raw_total, mut gz_total, mut br_total) = (0u64, 0u64, 0u64);
    for path in &files {
        let bytes = fs::read(path)?;
        let raw = bytes.len() as u64;
        // The precompressed files when there are (release), else gzip here; brotli at
        // level 11 only for release (it takes seconds per MiB).
        let beside = |ext: &str| fs::metadata(format!("{}.{ext}", path.display())).ok();
        let gz = match beside("gz") {
            Some(m) => m.len(),
            None => gzip_bytes(&bytes)?.len() as u64,
        };
        let br = beside("br").map_or(raw, |m| m.len());
        raw_total += raw;
        gz_total += gz;
        br_total += br;
        let name = path
            .strip_prefix(dist)
            .unwrap_or(path)
            .display()
            .to_string();
        println!(
            "{name:<40} {:>12} {:>12} {:>12}",
            human(raw),
            human(gz),
            human(br)
        );
    }
    println!(
        "{:<40} {:>12} {:>12} {:>12}",
        "total",
        human(raw_total),
        human(gz_total),
        human(br_total)
    );
    Ok(())
}

/// FNV-1a 64: a tiny, stable content hash for `?v=` cache busting.
struct Fnv64(u64);

impl Fnv64 {
    fn new() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    fn short(&self) -> String {
        format!("{:016x}", self.0)[..10].to_owned()
    }
}

// wasm-opt from npm binaryen

fn wasm_opt_path(root: &Path) -> PathBuf {
    tools_dir(root)
        .join("node_modules")
        .join(".bin")
        .join("wasm-opt")
}

/// `Some(version)` if `wasm-opt --version` runs (e.g. "wasm-opt version 132 (version_132)").
pub(crate) fn wasm_opt_version(path: &Path) -> Option<String> {
    output_of(path, ["--version"]).map(|s| s.trim().to_owned())
}

fn wasm_opt_ok(path: &Path) -> bool {
    wasm_opt_version(path).is_some_and(|v| {
        v.split_whitespace()
            .any(|w| w == BINARYEN_VERSION || w.starts_with(&format!("{BINARYEN_VERSION}.")))
    })
}

/// Returns the path of npm binaryen's wasm-opt, installing it if missing.
pub(crate) fn ensure_wasm_opt(root: &Path) -> Result<PathBuf> {
    let path = wasm_opt_path(root);
    if wasm_opt_ok(&path) {
        return Ok(path);
    }
    let tools = tools_dir(root);
    fs::create_dir_all(&tools)?;
    println!(
        "installing npm binaryen@{BINARYEN_VERSION} into {} (not Debian's binaryen)",
        tools.display()
    );
    let mut npm = Command::new("npm");
    npm.arg("install")
        .arg("--prefix")
        .arg(&tools)
        .args(["--no-audit", "--no-fund"])
        .arg(format!("binaryen@{BINARYEN_VERSION}"));
    run_cmd(&mut npm).context("is npm installed? (`cargo xtask setup`)")?;
    match wasm_opt_version(&path) {
        Some(v) if wasm_opt_ok(&path) => {
            println!("wasm-opt: {v}");
            Ok(path)
        }
        v => bail!(
            "{} does not report binaryen {BINARYEN_VERSION} (got {v:?})",
            path.display()
        ),
    }
}
