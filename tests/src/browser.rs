//! The browser tests' harness: the real server (in-process, fresh SQLite database)
//! serving the built web app (`dist/`), driven in headless Chromium through chromedriver
//! with fantoccini. The stories are in `tests/tests/browser/`; `benches/first_render.rs`
//! times the first render with the same harness.
//!
//! Needs `dist/index.html` (`cargo xtask build-web --release`; or `DUBAN_DIST`),
//! chromedriver and Chromium (`cargo xtask setup`; or `CHROMEDRIVER` / `CHROME_BIN`).
//! Without them a story prints a notice and passes, except under `CI`, where it fails.

pub mod driver;
pub mod env;
pub mod fixtures;
pub mod http;
pub mod page;
pub mod render;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use fantoccini::Client;

use crate::browser::driver::{Driver, connect, csp_violations};
use crate::browser::env::{Env, TempDir};

/// How long to wait for any one element (the WASM app renders after load).
pub const WAIT: Duration = Duration::from_secs(20);

pub const DIVISION: &str = "321102";

pub const LEAD_UNIT: &str = "gov-3211";

pub const SENDER_REF: &str = "D030001";

pub const SHORT_CONTENT: &str = "太短";

pub const CONTENT: &str = "镇江市京口区某化工企业夜间偷排废气，气味刺鼻。";

pub const ADDRESS: &str = "镇江市京口区象山街道";

pub const COMPLAINANT: &str = "欧阳明远";

pub const PHONE: &str = "13955501234";

/// One browser test at a time: two Chromiums on two cores only slow each other down.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Run a story against the real server (fresh SQLite database, accounts `coordinator`
/// and `admin`) in headless Chromium; on failure keep a screenshot `<name>-failure.png`.
pub async fn in_browser(
    name: &str,
    story: impl AsyncFnOnce(
        &Client,
        SocketAddr,
        &str,
        &Path,
        &duban_server::service::AppState,
    ) -> Result<()>,
) -> Result<()> {
    let Some(env) = Env::find()? else {
        return Ok(());
    };
    let _turn = ONE_AT_A_TIME.lock().await;
    let started = Instant::now();
    let tmp = TempDir::new()?;

    // The real server on a free port, with a fresh database.
    let url = format!("sqlite://{}/duban.db", tmp.path().display());
    let store = duban_server::store::SqliteStore::open(&url).await?;
    let state = duban_server::service::AppState::new(Arc::new(store)).await?;
    for (username, display, role, unit) in [
        (
            "coordinator",
            "分办员",
            duban_server::auth::Role::Coordinator,
            Some("prov-coord"),
        ),
        ("admin", "管理员", duban_server::auth::Role::Admin, None),
        (
            "supervisor",
            "督办专员",
            duban_server::auth::Role::Supervisor,
            Some("prov-coord"),
        ),
        (
            "zhenjiang",
            "镇江市承办人",
            duban_server::auth::Role::Handler,
            Some("gov-3211"),
        ),
        (
            "housing",
            "住建厅承办人",
            duban_server::auth::Role::Handler,
            Some("dept-zjt"),
        ),
        (
            "env",
            "生态环境厅值班员",
            duban_server::auth::Role::Handler,
            Some("dept-sthjt"),
        ),
    ] {
        state
            .create_user(
                username,
                display,
                role,
                unit,
                PASSWORD,
                &duban_server::service::Who::system(),
                "browser test",
            )
            .await
            .map_err(|e| anyhow::anyhow!("cannot create the test user {username}: {e:?}"))?;
    }
    let (addr, server) = serve(&state, &env.dist).await?;
    let base = format!("http://{addr}");

    // chromedriver on a free port, killed on every way out of this function.
    let driver = Driver::start(&env.chromedriver, tmp.path())?;
    driver.wait_ready().await?;
    let client = connect(&driver, &env.chromium, tmp.path()).await?;

    let mut result = story(&client, addr, &base, &env.shots, &state).await;
    // Every story runs under the server's content security policy: a refusal the
    // browser logged fails it.
    if result.is_ok() {
        result = match csp_violations(&client).await {
            Ok(found) if found.is_empty() => Ok(()),
            Ok(found) => Err(anyhow!(
                "content security policy violations:\n{}",
                found.join("\n")
            )),
            Err(e) => Err(e),
        };
    }
    if let Err(e) = &result {
        let at = client.current_url().await.map(|u| u.to_string());
        eprintln!("browser test {name} failed at {at:?}: {e:#}");
        if let Ok(png) = client.screenshot().await {
            let path = env.shots.join(format!("{name}-failure.png"));
            if std::fs::write(&path, png).is_ok() {
                eprintln!("screenshot: {}", path.display());
            }
        }
    }
    let closed = client.close().await;
    drop(driver);
    server.abort();
    result?;
    closed.context("closing the browser session")?;
    println!("browser test {name} passed in {:.1?}", started.elapsed());
    Ok(())
}

/// The real server serving `dist` on a free port of localhost (abort the task to stop).
pub async fn serve(
    state: &duban_server::service::AppState,
    dist: &Path,
) -> Result<(SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>)> {
    let app = duban_server::http::router(state.clone(), Some(dist.to_path_buf()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });
    Ok((addr, server))
}

/// The test user's password.
pub const PASSWORD: &str = "browser-test-7319";
