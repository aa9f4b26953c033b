//! Plain HTTP/1.1 requests to the server under test, beside the browser (the API's view
//! of what the pages did).

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use fantoccini::Client;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// `GET /api/v1/cases` as JSON, with the browser's session.
pub async fn cases(addr: SocketAddr, c: &Client) -> Result<Value> {
    let session = c
        .get_named_cookie("duban_session")
        .await
        .context("no session cookie")?;
    let header = format!("Cookie: duban_session={}\r\n", session.value());
    let (status, body) = http_get_with(addr, "/api/v1/cases", &header).await?;
    ensure!(status == 200, "GET /api/v1/cases: {status} {body}");
    Ok(serde_json::from_str(&body)?)
}

/// A minimal HTTP/1.1 GET, enough for our own server and chromedriver's `/status`
/// (which keeps the connection open: the body ends at its `Content-Length`).
pub async fn http_get(addr: SocketAddr, path: &str) -> Result<(u16, String)> {
    http_get_with(addr, path, "").await
}

/// As [`http_get`], with extra header lines (each ending in `\r\n`).
pub async fn http_get_with(addr: SocketAddr, path: &str, headers: &str) -> Result<(u16, String)> {
    let exchange = async {
        let mut s = tokio::net::TcpStream::connect(addr).await?;
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\n{headers}Connection: close\r\n\r\n"
        );
        s.write_all(req.as_bytes()).await?;
        let mut buf = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            let n = s.read(&mut chunk).await?;
            buf.extend_from_slice(&chunk[..n]);
            if n == 0 || response_complete(&buf) {
                return anyhow::Ok(buf);
            }
        }
    };
    let buf = tokio::time::timeout(Duration::from_secs(10), exchange)
        .await
        .with_context(|| format!("GET {path} timed out"))??;
    let (head, body) = split_response(&buf).context("no end of headers")?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("bad status line")?;
    let body = if is_chunked(&head) {
        dechunk(body)?
    } else {
        body.to_vec()
    };
    Ok((status, String::from_utf8(body)?))
}

/// The head (lower-cased) and the raw body of a response.
fn split_response(buf: &[u8]) -> Option<(String, &[u8])> {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
    Some((head, &buf[end + 4..]))
}

fn is_chunked(head: &str) -> bool {
    head.lines()
        .any(|l| l.starts_with("transfer-encoding:") && l.contains("chunked"))
}

/// Whether the whole response has arrived (by `Content-Length` or the last chunk).
fn response_complete(buf: &[u8]) -> bool {
    let Some((head, body)) = split_response(buf) else {
        return false;
    };
    if is_chunked(&head) {
        return body.ends_with(b"0\r\n\r\n");
    }
    head.lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|n| n.trim().parse::<usize>().ok())
        .is_some_and(|n| body.len() >= n)
}

fn dechunk(mut rest: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let eol = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .context("bad chunk")?;
        let size = std::str::from_utf8(&rest[..eol])?;
        let size = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16)?;
        rest = &rest[eol + 2..];
        if size == 0 {
            return Ok(out);
        }
        let chunk = rest.get(..size).context("short chunk")?;
        out.extend_from_slice(chunk);
        rest = rest.get(size + 2..).context("short chunk")?;
    }
}
