//! Plain HTTP/1.1 requests to the server under test, beside the browser (the API's view
//! of what the pages did).

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use duban_api::Endpoint;
use duban_api::cases::ListCases;
use duban_api::session::SESSION_COOKIE;
use duban_testkit::http::exchange_within;
use fantoccini::Client;
use serde_json::Value;

/// `GET /api/v1/cases` as JSON, with the browser's session.
pub async fn cases(addr: SocketAddr, c: &Client) -> Result<Value> {
    let session = c
        .get_named_cookie(SESSION_COOKIE)
        .await
        .context("no session cookie")?;
    let header = format!("Cookie: {SESSION_COOKIE}={}\r\n", session.value());
    let url = ListCases::url(&(), &Default::default());
    let (status, body) = http_get_with(addr, &url, &header).await?;
    ensure!(status == 200, "GET {url}: {status} {body}");
    Ok(serde_json::from_str(&body)?)
}

/// A GET of our own server or chromedriver's `/status`, waiting at most 10 s.
pub async fn http_get(addr: SocketAddr, path: &str) -> Result<(u16, String)> {
    http_get_with(addr, path, "").await
}

/// As [`http_get`], with extra header lines (each ending in `\r\n`).
pub async fn http_get_with(addr: SocketAddr, path: &str, headers: &str) -> Result<(u16, String)> {
    let headers: Vec<(String, String)> = headers
        .split("\r\n")
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let path = path.to_owned();
    let answer = tokio::task::spawn_blocking(move || {
        let headers: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain([("accept", "application/json")])
            .collect();
        exchange_within(addr, "GET", &path, &headers, b"", Duration::from_secs(10))
    })
    .await??;
    Ok((answer.status, answer.body))
}
