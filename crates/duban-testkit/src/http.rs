//! One HTTP client for a real server under test (`duban serve` on a loopback port): each
//! request on its own connection, any status an [`Answer`] (a refusal is what many
//! tests look for), and a signed-in [`Session`] that carries the cookie and the CSRF
//! token and calls `duban-api`'s endpoints by type.
//!
//! Blocking on purpose: the crash tests, the benches' set-up and `xtask` run no async
//! runtime; async callers wrap it in `spawn_blocking`.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use duban_api::Endpoint;
use duban_api::endpoint::{Media, Payload};
use duban_api::session::{CSRF_COOKIE, CSRF_HEADER, Login, SESSION_COOKIE};
use serde_json::Value;

/// How long one exchange may take before it counts as lost: a batch import of 1,449
/// rows on a busy machine takes tens of seconds.
pub const TIMEOUT: Duration = Duration::from_secs(120);

/// An answer of the server, whatever its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    /// Header names lower-case, in the order sent.
    headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as JSON (`null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value a `Set-Cookie` header gives the cookie `name`.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k == "set-cookie")
            .filter_map(|(_, v)| v.split(';').next())
            .find_map(|c| c.strip_prefix(name)?.strip_prefix('='))
    }

    /// The headers as `name: value` lines, for messages.
    pub fn head(&self) -> String {
        self.headers
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// No answer: the server was not reached, or the connection died (a killed server).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lost(pub String);

impl fmt::Display for Lost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no answer: {}", self.0)
    }
}

impl std::error::Error for Lost {}

/// One request on its own connection, waiting at most [`TIMEOUT`].
pub fn exchange(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<Answer, Lost> {
    exchange_within(addr, method, path, headers, body, TIMEOUT)
}

/// As [`exchange`], waiting at most `timeout`.
pub fn exchange_within(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    timeout: Duration,
) -> Result<Answer, Lost> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        // One connection per request, as a client that retries after a kill would.
        .max_idle_connections(0)
        .build()
        .into();
    let mut request = ureq::http::Request::builder()
        .method(method)
        .uri(format!("http://{addr}{path}"));
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let request = request
        .body(body.to_vec())
        .map_err(|e| Lost(format!("{method} {path}: {e}")))?;
    let mut response = agent
        .run(request)
        .map_err(|e| Lost(format!("{method} {path}: {e}")))?;
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = response
        .body_mut()
        .with_config()
        .limit(u64::MAX)
        .read_to_vec()
        .map_err(|e| Lost(format!("{method} {path}: the body: {e}")))?;
    Ok(Answer {
        status: response.status().as_u16(),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// A typed call that did not give its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    Lost(Lost),
    /// Not 2xx: the answer (in the API's error shape).
    Refused(Answer),
    /// 2xx, but not the endpoint's answer type.
    Unreadable(Answer, String),
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Lost(l) => l.fmt(f),
            CallError::Refused(a) => write!(f, "refused: {} {}", a.status, a.body),
            CallError::Unreadable(a, e) => write!(f, "unreadable answer ({e}): {}", a.body),
        }
    }
}

impl std::error::Error for CallError {}

impl From<Lost> for CallError {
    fn from(l: Lost) -> CallError {
        CallError::Lost(l)
    }
}

/// A signed-in account on the server at `addr`: every request carries its session
/// cookie and its CSRF token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    addr: SocketAddr,
    /// The `Cookie` header: the session and the CSRF cookie.
    cookie: String,
    csrf: String,
}

impl Session {
    /// Signs in (`POST /api/v1/auth/login`).
    pub fn sign_in(addr: SocketAddr, username: &str, password: &str) -> Result<Session, CallError> {
        let body = serde_json::json!({"username": username, "password": password}).to_string();
        let answer = exchange(
            addr,
            Login::METHOD.as_str(),
            Login::PATH,
            &[("content-type", duban_api::endpoint::JSON)],
            body.as_bytes(),
        )?;
        let (Some(session), Some(csrf)) =
            (answer.cookie(SESSION_COOKIE), answer.cookie(CSRF_COOKIE))
        else {
            return Err(CallError::Refused(answer));
        };
        Ok(Session {
            addr,
            cookie: format!("{SESSION_COOKIE}={session}; {CSRF_COOKIE}={csrf}"),
            csrf: csrf.to_owned(),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The headers that make a request this account's: `Cookie` and the CSRF header.
    pub fn headers(&self) -> [(&str, &str); 2] {
        [("cookie", &self.cookie), (CSRF_HEADER, &self.csrf)]
    }

    /// Any request as this account, with `headers` besides its own.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Answer, Lost> {
        let mut all = self.headers().to_vec();
        all.extend_from_slice(headers);
        exchange(self.addr, method, path, &all, body)
    }

    /// The endpoint `E` as this account, whatever the answer: its URL, method and body
    /// (JSON unless `E` takes none) from `E`, with `headers` besides.
    pub fn answer<E: Endpoint>(
        &self,
        path: &E::Path,
        query: &E::Query,
        body: &E::Body,
        headers: &[(&str, &str)],
    ) -> Result<Answer, CallError> {
        let url = E::url(path, query);
        let method = E::METHOD.as_str();
        let mut all = headers.to_vec();
        let json = match <E::Body as Payload>::MEDIA {
            Media::Empty => Vec::new(),
            _ => {
                all.push(("content-type", duban_api::endpoint::JSON));
                serde_json::to_vec(body)
                    .map_err(|e| CallError::Lost(Lost(format!("{method} {url}: {e}"))))?
            }
        };
        Ok(self.send(method, &url, &all, &json)?)
    }

    /// The endpoint `E` as this account: its answer, or why there is none.
    pub fn call<E: Endpoint>(
        &self,
        path: &E::Path,
        query: &E::Query,
        body: &E::Body,
    ) -> Result<E::Response, CallError> {
        let answer = self.answer::<E>(path, query, body, &[])?;
        if !answer.is_success() {
            return Err(CallError::Refused(answer));
        }
        let text = if answer.body.is_empty() {
            "null"
        } else {
            &answer.body
        };
        serde_json::from_str(text).map_err(|e| {
            let e = e.to_string();
            CallError::Unreadable(answer, e)
        })
    }
}
