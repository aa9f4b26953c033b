//! chromedriver: the process on a free port, a headless Chromium session, and the
//! commands of its own (DevTools, the console log) beyond W3C WebDriver.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

use crate::browser::WAIT;
use crate::browser::http::http_get;

/// A chromedriver process on a free port, killed on drop.
pub struct Driver {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
}

impl Driver {
    pub fn start(chromedriver: &Path, tmp: &Path) -> Result<Driver> {
        let addr = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
        let log = tmp.join("chromedriver.log");
        let out = std::fs::File::create(&log)?;
        let child = Command::new(chromedriver)
            .arg(format!("--port={}", addr.port()))
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()
            .with_context(|| format!("starting {}", chromedriver.display()))?;
        Ok(Driver { child, addr, log })
    }

    /// Poll `/status` until chromedriver says it is ready.
    pub async fn wait_ready(&self) -> Result<()> {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok((200, body)) = http_get(self.addr, "/status").await {
                let status: Value = serde_json::from_str(&body).unwrap_or_default();
                if status["value"]["ready"] == true {
                    return Ok(());
                }
            }
            if Instant::now() > deadline {
                bail!("chromedriver did not become ready: {}", self.log_text());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A new headless Chromium session with a profile of its own.
pub async fn connect(driver: &Driver, chromium: &Path, tmp: &Path) -> Result<Client> {
    let profile = tmp.join("profile");
    std::fs::create_dir_all(&profile)?;
    let options = json!({
        "binary": chromium,
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            format!("--user-data-dir={}", profile.display()),
            "--window-size=1400,1000",
            "--lang=zh-CN",
        ],
    });
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), options);
    // The console, for the content security policy's refusals (csp_violations).
    caps.insert("goog:loggingPrefs".into(), json!({"browser": "ALL"}));
    ClientBuilder::rustls()?
        .capabilities(caps)
        .connect(&driver.url())
        .await
        .map_err(|e| {
            anyhow!(
                "starting Chromium via chromedriver: {e}\n{}",
                driver.log_text()
            )
        })
}

/// A chromedriver command of its own (beyond W3C WebDriver): `POST
/// /session/{id}/{path}` with a JSON body.
#[derive(Debug)]
pub struct Chromedriver {
    path: &'static str,
    body: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Chromedriver {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }
    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}

/// A Chrome DevTools Protocol command.
pub fn cdp(cmd: &str, params: Value) -> Chromedriver {
    Chromedriver {
        path: "goog/cdp/execute",
        body: json!({"cmd": cmd, "params": params}),
    }
}

/// The browser console's entries since the last read.
fn browser_log() -> Chromedriver {
    Chromedriver {
        path: "se/log",
        body: json!({"type": "browser"}),
    }
}

/// What the page's content security policy refused, as the console says it.
pub async fn csp_violations(c: &Client) -> Result<Vec<String>> {
    let log = c.issue_cmd(browser_log()).await?;
    Ok(log
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|entry| entry["message"].as_str())
        .filter(|m| m.contains("Content Security Policy"))
        .map(str::to_owned)
        .collect())
}

/// Switch the page's network off or on through the DevTools protocol.
pub async fn network(c: &Client, online: bool) -> Result<()> {
    c.issue_cmd(cdp("Network.enable", json!({}))).await?;
    c.issue_cmd(cdp(
        "Network.emulateNetworkConditions",
        json!({"offline": !online, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}),
    ))
    .await?;
    Ok(())
}
