//! Time to first render, for `benches/first_render.rs` (a benchmark, not a test).

use std::time::{Duration, Instant};

use std::sync::Arc;

use anyhow::{Result, anyhow, bail, ensure};
use fantoccini::Client;
use serde_json::{Value, json};

use crate::browser::driver::{Driver, connect};
use crate::browser::env::{Env, TempDir};
use crate::browser::fixtures::register;
use crate::browser::page::sign_in;
use crate::browser::{CONTENT, PASSWORD, WAIT, serve};

/// Time to first render, for `benches/first_render.rs` (a benchmark, not a test: nothing
/// here asserts a time). Each cold run is a new Chromium profile (no HTTP cache, no
/// service worker) opening the sign-in page; each warm run opens the case list (50 of
/// 200 cases) signed in, with the shell cached by the first visit. Figures are the
/// page's own clocks: `first-contentful-paint` (the body is empty until the app
/// renders), the moment the page's element exists, and the WASM's resource timing.
pub async fn first_render(runs: usize) -> Result<Vec<RenderRun>> {
    let Some(env) = Env::find()? else {
        bail!("the web app or Chromium is missing (see the notice above)");
    };
    let tmp = TempDir::new()?;
    let url = format!("sqlite://{}/duban.db", tmp.path().display());
    let store = duban_server::store::SqliteStore::open(&url).await?;
    let state = duban_server::service::AppState::new(Arc::new(store)).await?;
    state
        .create_user(
            "coordinator",
            "分办员",
            duban_server::auth::Role::Coordinator,
            Some("prov-coord"),
            PASSWORD,
            &duban_server::service::Who::system(),
            "first render bench",
        )
        .await
        .map_err(|e| anyhow!("cannot create the bench user: {e:?}"))?;
    for i in 0..200 {
        register(&state, 1 + i % 9, &format!("{CONTENT}（第{i}件）")).await?;
    }
    let (addr, server) = serve(&state, &env.dist).await?;
    let base = format!("http://{addr}");
    let driver = Driver::start(&env.chromedriver, tmp.path())?;
    driver.wait_ready().await?;
    let mut out = Vec::new();
    for run in 0..runs {
        let profile = tmp.path().join(format!("run-{run}"));
        std::fs::create_dir_all(&profile)?;
        let c = connect(&driver, &env.chromium, &profile).await?;
        let result = async {
            c.goto(&format!("{base}/")).await?;
            let cold = page_timing(&c, "form#login-form").await?;
            sign_in(&c, &base, "coordinator", "/").await?;
            c.goto(&format!("{base}/cases")).await?;
            let warm = page_timing(&c, "#case-table tbody tr").await?;
            Ok::<_, anyhow::Error>(RenderRun { cold, warm })
        }
        .await;
        let _ = c.close().await;
        out.push(result?);
    }
    drop(driver);
    server.abort();
    Ok(out)
}

/// One cold and one warm page load.
pub struct RenderRun {
    pub cold: PageTiming,
    pub warm: PageTiming,
}

/// A page load's figures, in milliseconds from the navigation's start.
#[derive(Debug, Clone, Copy)]
pub struct PageTiming {
    pub first_contentful_paint: f64,
    /// When the awaited element was first seen (polled every 5 ms: an upper bound).
    pub element: f64,
    pub wasm_fetch: f64,
    /// Bytes on the wire for the WASM (0 when it came from a cache).
    pub wasm_transfer: f64,
}

async fn page_timing(c: &Client, css: &str) -> Result<PageTiming> {
    let deadline = Instant::now() + WAIT;
    let seen = loop {
        let at = c
            .execute(
                "return document.querySelector(arguments[0]) ? performance.now() : null;",
                vec![json!(css)],
            )
            .await?;
        if let Some(ms) = at.as_f64() {
            break ms;
        }
        ensure!(Instant::now() < deadline, "waiting {WAIT:?} for `{css}`");
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    // The paint entry is queued just after the frame; give it a moment.
    let deadline = Instant::now() + WAIT;
    loop {
        let v = c
            .execute(
                // The preload and the app's own fetch are two entries; the one that came
                // over the network has the size.
                r#"const p = performance.getEntriesByName("first-contentful-paint")[0];
                   const ws = performance.getEntriesByType("resource").filter(r => r.name.includes(".wasm"));
                   const most = (f) => ws.reduce((m, r) => Math.max(m, f(r)), 0);
                   return p ? [p.startTime, most(r => r.responseEnd - r.startTime), most(r => r.transferSize)] : null;"#,
                vec![],
            )
            .await?;
        if let Some([fcp, fetch, transfer]) = v.as_array().and_then(|a| {
            <[Value; 3]>::try_from(a.clone())
                .ok()
                .map(|a| a.map(|x| x.as_f64().unwrap_or(0.0)))
        }) {
            return Ok(PageTiming {
                first_contentful_paint: fcp,
                element: seen,
                wasm_fetch: fetch,
                wasm_transfer: transfer,
            });
        }
        ensure!(Instant::now() < deadline, "no first-contentful-paint entry");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
