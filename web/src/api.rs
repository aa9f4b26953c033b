//! Calls to the server's `/api/v1`. Every failure comes back in the server's error shape
//! (`{"errors":[{field, code, message}]}`); network failures get the code
//! `network.unreachable`.

use duban_api::{ApiError, ErrorBody};
use gloo_net::http::{Request, RequestBuilder};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::i18n::{Lang, LangCode as _};

/// A failed call: the HTTP status (0 when the server was not reached) and the errors.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub status: u16,
    pub body: ErrorBody,
    /// The raw body, for 409 responses that carry the current state.
    pub raw: serde_json::Value,
}

impl Failure {
    fn network(e: impl std::fmt::Display, lang: Lang) -> Failure {
        // The browser's own words ("TypeError: Failed to fetch") help no one on the
        // page; they go to the console for whoever investigates.
        leptos::logging::warn!("request failed: {e}");
        let message = match lang {
            Lang::Zh => "无法连接服务器，请检查网络后重试。".to_owned(),
            Lang::En => "Cannot reach the server. Check the network and try again.".to_owned(),
        };
        Failure {
            status: 0,
            body: ErrorBody::single("", "network.unreachable", message),
            raw: serde_json::Value::Null,
        }
    }
    pub fn errors(&self) -> &[ApiError] {
        &self.body.errors
    }
    /// All messages joined, for a banner.
    pub fn summary(&self) -> String {
        self.body
            .errors
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join(";")
    }
}

fn with_lang(r: RequestBuilder, lang: Lang) -> RequestBuilder {
    r.header("Accept-Language", lang.code())
}

/// The session's CSRF token, from the readable `duban_csrf` cookie.
fn csrf_token() -> Option<String> {
    let doc = leptos::prelude::document();
    let cookies = leptos::wasm_bindgen::JsValue::from(doc);
    let raw = js_sys_cookie(&cookies)?;
    raw.split(';')
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == "duban_csrf")
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty())
}

fn js_sys_cookie(doc: &leptos::wasm_bindgen::JsValue) -> Option<String> {
    leptos::web_sys::js_sys::Reflect::get(doc, &"cookie".into())
        .ok()?
        .as_string()
}

/// Header of requests that are not the user's doing (polling): the server does not
/// count them as use of the session, so they do not put off its idle end.
const BACKGROUND_HEADER: &str = "X-Duban-Background";

/// Where the last use of the session is kept, for every tab of the browser alike.
const ACTIVITY_KEY: &str = "duban.activity";

/// When this browser last used the session (ms since the epoch; 0: not known).
pub fn last_activity_ms() -> f64 {
    use gloo_storage::Storage;
    gloo_storage::LocalStorage::get::<f64>(ACTIVITY_KEY).unwrap_or(0.0)
}

fn note_activity() {
    use gloo_storage::Storage;
    let _ = gloo_storage::LocalStorage::set(ACTIVITY_KEY, leptos::web_sys::js_sys::Date::now());
}

/// Not signed in (or the session expired): go to the sign-in page, then come back.
/// `idle`: the session ended for lack of use, which the sign-in page says.
pub fn to_login(idle: bool) {
    let window = leptos::prelude::window();
    let here = window.location().pathname().unwrap_or_default();
    // The public disclosure is for everyone: no sign-in there.
    if here != "/login" && !here.starts_with("/public") {
        // Back to the same address, filters and all (a shared board link).
        let search = window.location().search().unwrap_or_default();
        let next = String::from(leptos::web_sys::js_sys::encode_uri_component(&format!(
            "{here}{search}"
        )));
        let reason = if idle { "&reason=idle" } else { "" };
        let _ = window
            .location()
            .set_href(&format!("/login?next={next}{reason}"));
    }
}

/// Whether a request is the user's doing (it keeps the session alive) or polling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    User,
    Background,
}

fn with_use(r: RequestBuilder, used: Use) -> RequestBuilder {
    match used {
        Use::User => r,
        Use::Background => r.header(BACKGROUND_HEADER, "1"),
    }
}

async fn finish<T: DeserializeOwned>(
    resp: Result<gloo_net::http::Response, gloo_net::Error>,
    used: Use,
    lang: Lang,
) -> Result<T, Failure> {
    let resp = resp.map_err(|e| {
        announce_reach(false);
        Failure::network(e, lang)
    })?;
    let status = resp.status();
    let text = resp.text().await.map_err(|e| {
        announce_reach(false);
        Failure::network(e, lang)
    })?;
    // A gateway in front of the server answering for it (502, 504, or a 503 that is not
    // ours): the server was not reached, as if the network were down.
    if matches!(status, 502..=504) && serde_json::from_str::<ErrorBody>(&text).is_err() {
        announce_reach(false);
        return Err(Failure::network(format!("HTTP {status}"), lang));
    }
    announce_reach(true);
    // Every page asks who is signed in (`/auth/me`) when it opens, so any page without
    // a session leads to sign-in; the sign-in page itself stays put.
    if status == 401 {
        let idle = serde_json::from_str::<ErrorBody>(&text)
            .is_ok_and(|b| b.errors.iter().any(|e| e.code == "session.idle"));
        to_login(idle);
    } else if used == Use::User {
        note_activity();
    }
    if (200..300).contains(&status) {
        return serde_json::from_str(&text).map_err(|e| Failure {
            status,
            body: ErrorBody::single("", "response.unreadable", e.to_string()),
            raw: serde_json::Value::Null,
        });
    }
    let raw: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let body = serde_json::from_value(raw.clone())
        .unwrap_or_else(|_| ErrorBody::single("", "http.error", format!("HTTP {status}")));
    Err(Failure { status, body, raw })
}

pub async fn get<T: DeserializeOwned>(url: &str, lang: Lang) -> Result<T, Failure> {
    read(url, Use::User, lang).await
}

/// A read, the user's or polling (which does not keep the session alive).
pub async fn read<T: DeserializeOwned>(url: &str, used: Use, lang: Lang) -> Result<T, Failure> {
    let req = with_use(with_lang(Request::get(url), lang), used);
    let (req, _timer) = with_timeout(req, GET_TIMEOUT);
    finish(req.send().await, used, lang).await
}

/// The answer of a conditional read.
#[derive(Debug, Clone, PartialEq)]
pub enum Fetched<T> {
    /// New content, with its `ETag` (if the server sent one).
    Changed(T, Option<String>),
    /// `304 Not Modified`: what the page holds is current.
    Unchanged,
}

/// A read with `If-None-Match: <etag>`, for polling: an unchanged resource costs the
/// server one comparison and comes back as [`Fetched::Unchanged`].
pub async fn get_if_changed<T: DeserializeOwned>(
    url: &str,
    etag: Option<&str>,
    used: Use,
    lang: Lang,
) -> Result<Fetched<T>, Failure> {
    let mut req = with_use(with_lang(Request::get(url), lang), used);
    if let Some(tag) = etag {
        req = req.header("If-None-Match", tag);
    }
    let (req, _timer) = with_timeout(req, GET_TIMEOUT);
    let resp = req.send().await;
    if resp.as_ref().is_ok_and(|r| r.status() == 304) {
        return Ok(Fetched::Unchanged);
    }
    let tag = resp.as_ref().ok().and_then(|r| r.headers().get("etag"));
    finish(resp, used, lang)
        .await
        .map(|v| Fetched::Changed(v, tag))
}

pub async fn post<B: Serialize, T: DeserializeOwned>(
    url: &str,
    body: &B,
    if_match: Option<u64>,
    lang: Lang,
) -> Result<T, Failure> {
    send_json(url, Request::post(url), body, if_match, None, lang).await
}

/// A creating request that may be sent again (the outbox): the server carries out one
/// request per `Idempotency-Key` and answers a repeat with the first answer.
pub async fn post_once<B: Serialize, T: DeserializeOwned>(
    url: &str,
    body: &B,
    if_match: Option<u64>,
    key: &str,
    lang: Lang,
) -> Result<T, Failure> {
    send_json(url, Request::post(url), body, if_match, Some(key), lang).await
}

pub async fn patch<B: Serialize, T: DeserializeOwned>(
    url: &str,
    body: &B,
    lang: Lang,
) -> Result<T, Failure> {
    send_json(url, Request::patch(url), body, None, None, lang).await
}

pub async fn put<B: Serialize, T: DeserializeOwned>(
    url: &str,
    body: &B,
    lang: Lang,
) -> Result<T, Failure> {
    send_json(url, Request::put(url), body, None, None, lang).await
}

/// A `DELETE` with the CSRF token and no body.
pub async fn delete<T: DeserializeOwned>(url: &str, lang: Lang) -> Result<T, Failure> {
    let mut req = with_lang(Request::delete(url), lang);
    if let Some(token) = csrf_token() {
        req = req.header("X-CSRF-Token", &token);
    }
    let (req, _timer) = with_timeout(req, SEND_TIMEOUT);
    let result = finish(req.send().await, Use::User, lang).await;
    if result.is_ok() {
        announce_change(url);
    }
    result
}

/// A state-changing request with a JSON body, the CSRF token, an optional `If-Match`
/// version and an optional `Idempotency-Key`.
async fn send_json<B: Serialize, T: DeserializeOwned>(
    url: &str,
    req: RequestBuilder,
    body: &B,
    if_match: Option<u64>,
    idempotency_key: Option<&str>,
    lang: Lang,
) -> Result<T, Failure> {
    let mut req = with_lang(req, lang);
    if let Some(token) = csrf_token() {
        req = req.header("X-CSRF-Token", &token);
    }
    if let Some(key) = idempotency_key {
        req = req.header("Idempotency-Key", key);
    }
    if let Some(v) = if_match {
        req = req.header("If-Match", &v.to_string());
    }
    let (req, _timer) = with_timeout(req, SEND_TIMEOUT);
    let result = match req.json(body) {
        Ok(r) => finish(r.send().await, Use::User, lang).await,
        Err(e) => Err(Failure::network(e, lang)),
    };
    if result.is_ok() {
        announce_change(url);
    }
    result
}

/// Uploads a file as the raw body (`POST /api/v1/cases/{id}/attachments`): its type as
/// `Content-Type`, its name percent-encoded in `X-File-Name`.
pub async fn upload<T: DeserializeOwned>(
    url: &str,
    file: &leptos::web_sys::File,
    lang: Lang,
) -> Result<T, Failure> {
    let kind = match file.type_() {
        t if t.is_empty() => "application/octet-stream".to_owned(),
        t => t,
    };
    let mut req = with_lang(Request::post(url), lang)
        .header("Content-Type", &kind)
        .header(
            "X-File-Name",
            &crate::mechanism_view::percent_encode(&file.name()),
        );
    if let Some(token) = csrf_token() {
        req = req.header("X-CSRF-Token", &token);
    }
    let result = match req.body(file.clone()) {
        Ok(r) => finish(r.send().await, Use::User, lang).await,
        Err(e) => Err(Failure::network(e, lang)),
    };
    if result.is_ok() {
        announce_change(url);
    }
    result
}

/// The window event fired after every change the user made on the server (not
/// sign-in or sign-out): the shell refreshes the inbox count on it.
pub const CHANGED_EVENT: &str = "duban-changed";

/// The window event fired when the server became reachable or unreachable (the
/// browser may say it is online while the server is down or the link drops).
pub const REACH_EVENT: &str = "duban-reach";

static SERVER_REACHED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Whether the last request reached the server.
pub fn server_reached() -> bool {
    SERVER_REACHED.load(std::sync::atomic::Ordering::Relaxed)
}

/// Ask the server whether it answers (`/healthz`): the bar's state follows.
pub async fn probe() {
    let req = with_use(Request::get("/healthz"), Use::Background);
    let (req, _timer) = with_timeout(req, SEND_TIMEOUT);
    match req.send().await {
        Ok(r) if !matches!(r.status(), 502..=504) => announce_reach(true),
        _ => announce_reach(false),
    }
}

/// How long a reading waits for the server's answer.
pub const GET_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
/// How long a submission waits: a stalled link then counts as no network, and the
/// submission goes to the outbox with its key (sent again, it is carried out once).
pub const SEND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// Aborts its request when it fires; dropped (the answer came), it never fires.
struct Timer(Option<leptos::prelude::TimeoutHandle>);

impl Drop for Timer {
    fn drop(&mut self) {
        if let Some(t) = self.0.take() {
            t.clear();
        }
    }
}

/// The request, aborted after `after` unless the returned timer is dropped first.
fn with_timeout(req: RequestBuilder, after: std::time::Duration) -> (RequestBuilder, Timer) {
    let Ok(controller) = leptos::web_sys::AbortController::new() else {
        return (req, Timer(None));
    };
    let req = req.abort_signal(Some(&controller.signal()));
    let timer = leptos::prelude::set_timeout_with_handle(move || controller.abort(), after).ok();
    (req, Timer(timer))
}

fn announce_reach(reached: bool) {
    if SERVER_REACHED.swap(reached, std::sync::atomic::Ordering::Relaxed) == reached {
        return;
    }
    if let Ok(ev) = leptos::web_sys::Event::new(REACH_EVENT) {
        let _ = leptos::prelude::window().dispatch_event(&ev);
    }
}

fn announce_change(url: &str) {
    if url.starts_with("/api/v1/auth/") {
        return;
    }
    if let Ok(ev) = leptos::web_sys::Event::new(CHANGED_EVENT) {
        let _ = leptos::prelude::window().dispatch_event(&ev);
    }
}

/// A query string (`?a=1&b=x%20y`, or empty) from the pairs whose value is not blank,
/// values trimmed and escaped.
pub fn query_string<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    use leptos_router::location::Url;
    let parts: Vec<String> = pairs
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", Url::escape(v.trim())))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}
