//! Calls to the server's `/api/v1`. Every failure comes back in the server's error shape
//! (`{"errors":[{field, code, message}]}`); network failures get the code
//! `network.unreachable`.

use duban_api::endpoint::{FileUpload, Media, Payload};
use duban_api::{ApiError, Endpoint, ErrorBody, Method};
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
        let message = duban_text::key!("api.unreachable").get(lang).to_owned();
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
pub(crate) fn csrf_token() -> Option<String> {
    let doc = leptos::prelude::document();
    let cookies = leptos::wasm_bindgen::JsValue::from(doc);
    let raw = js_sys_cookie(&cookies)?;
    raw.split(';')
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == duban_api::session::CSRF_COOKIE)
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
        // An answer without a body (204) reads as JSON `null`: `()` for endpoints
        // that answer nothing.
        let text = if text.is_empty() {
            "null"
        } else {
            text.as_str()
        };
        return serde_json::from_str(text).map_err(|e| Failure {
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

/// How a call goes beyond what its endpoint's types say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options<'a> {
    /// The version the change is based on (`If-Match`): a stale one is refused (409).
    pub if_match: Option<u64>,
    /// The `Idempotency-Key` of a request that may be sent again (the outbox): the
    /// server carries out one request per key and answers a repeat with the first answer.
    pub key: Option<&'a str>,
    /// Polling rather than the user's doing: it does not keep the session alive.
    pub background: bool,
}

impl From<Use> for Options<'_> {
    fn from(used: Use) -> Self {
        Options {
            background: used == Use::Background,
            ..Options::default()
        }
    }
}

impl Options<'_> {
    fn used(&self) -> Use {
        if self.background {
            Use::Background
        } else {
            Use::User
        }
    }
}

/// One call of the endpoint `E`: its URL from `path` and `query`, its method, its body
/// and the type of its answer all come from `E`, as the server registers it.
pub async fn call<E: Endpoint>(
    path: &E::Path,
    query: &E::Query,
    body: &E::Body,
    lang: Lang,
) -> Result<E::Response, Failure> {
    call_with::<E>(path, query, body, Options::default(), lang).await
}

/// As [`call`], with an `If-Match` version, an idempotency key or as polling.
pub async fn call_with<E: Endpoint>(
    path: &E::Path,
    query: &E::Query,
    body: &E::Body,
    options: Options<'_>,
    lang: Lang,
) -> Result<E::Response, Failure> {
    let url = E::url(path, query);
    if E::METHOD == Method::Get {
        let used = options.used();
        let req = with_use(with_lang(Request::get(&url), lang), used);
        let (req, _timer) = with_timeout(req, GET_TIMEOUT);
        return finish(req.send().await, used, lang).await;
    }
    let body = (<E::Body as Payload>::MEDIA != Media::Empty).then_some(body);
    send(&url, request(E::METHOD, &url), body, options, lang).await
}

/// As [`call_with`], with the body as JSON already made: what the outbox keeps, sent
/// first here and again by [`resend`] byte for byte.
pub async fn call_json<E: Endpoint>(
    path: &E::Path,
    query: &E::Query,
    body: &serde_json::Value,
    options: Options<'_>,
    lang: Lang,
) -> Result<E::Response, Failure> {
    let url = E::url(path, query);
    send(&url, request(E::METHOD, &url), Some(body), options, lang).await
}

/// A request of this method to `url`.
fn request(method: Method, url: &str) -> RequestBuilder {
    match method {
        Method::Get => Request::get(url),
        Method::Post => Request::post(url),
        Method::Put => Request::put(url),
        Method::Patch => Request::patch(url),
        Method::Delete => Request::delete(url),
    }
}

/// A conditional read of `E` with `If-None-Match: <etag>`, for polling: an unchanged
/// resource costs the server one comparison and comes back as [`Fetched::Unchanged`].
pub async fn call_if_changed<E: Endpoint>(
    path: &E::Path,
    query: &E::Query,
    etag: Option<&str>,
    used: Use,
    lang: Lang,
) -> Result<Fetched<E::Response>, Failure> {
    let url = E::url(path, query);
    let mut req = with_use(with_lang(Request::get(&url), lang), used);
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

/// The answer of a conditional read.
#[derive(Debug, Clone, PartialEq)]
pub enum Fetched<T> {
    /// New content, with its `ETag` (if the server sent one).
    Changed(T, Option<String>),
    /// `304 Not Modified`: what the page holds is current.
    Unchanged,
}

/// Sends again a request the outbox kept (its URL, JSON body, version and key), as it
/// was first sent: the server answers a repeat of the key with the first answer.
pub async fn resend(
    url: &str,
    body: &serde_json::Value,
    if_match: Option<u64>,
    key: &str,
    lang: Lang,
) -> Result<serde_json::Value, Failure> {
    let options = Options {
        if_match,
        key: Some(key),
        background: false,
    };
    send(url, Request::post(url), Some(body), options, lang).await
}

/// A state-changing request: the CSRF token, the JSON body if any, an optional
/// `If-Match` version and an optional `Idempotency-Key`.
async fn send<B: Serialize, T: DeserializeOwned>(
    url: &str,
    req: RequestBuilder,
    body: Option<&B>,
    options: Options<'_>,
    lang: Lang,
) -> Result<T, Failure> {
    let mut req = with_lang(req, lang);
    if let Some(token) = csrf_token() {
        req = req.header(duban_api::session::CSRF_HEADER, &token);
    }
    if let Some(key) = options.key {
        req = req.header("Idempotency-Key", key);
    }
    if let Some(v) = options.if_match {
        req = req.header("If-Match", &v.to_string());
    }
    let (req, _timer) = with_timeout(req, SEND_TIMEOUT);
    let req = match body {
        Some(body) => req.json(body),
        None => req.build(),
    };
    let result = match req {
        Ok(r) => finish(r.send().await, Use::User, lang).await,
        Err(e) => Err(Failure::network(e, lang)),
    };
    if result.is_ok() {
        announce_change(url);
    }
    result
}

/// Uploads a file to `E` as the raw body: its type as `Content-Type`, its name
/// percent-encoded in `X-File-Name`.
pub async fn upload<E: Endpoint<Body = FileUpload>>(
    path: &E::Path,
    query: &E::Query,
    file: &leptos::web_sys::File,
    lang: Lang,
) -> Result<E::Response, Failure> {
    let url = E::url(path, query);
    let kind = match file.type_() {
        t if t.is_empty() => "application/octet-stream".to_owned(),
        t => t,
    };
    let mut req = with_lang(Request::post(&url), lang)
        .header("Content-Type", &kind)
        .header(
            "X-File-Name",
            &crate::mechanism_view::percent_encode(&file.name()),
        );
    if let Some(token) = csrf_token() {
        req = req.header(duban_api::session::CSRF_HEADER, &token);
    }
    let result = match req.body(file.clone()) {
        Ok(r) => finish(r.send().await, Use::User, lang).await,
        Err(e) => Err(Failure::network(e, lang)),
    };
    if result.is_ok() {
        announce_change(&url);
    }
    result
}

/// Sign-in and sign-out are not changes the shell refreshes for.
const AUTH_PREFIX: &str = "/api/v1/auth/";

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
    let req = with_use(
        Request::get(duban_api::health::Healthz::PATH),
        Use::Background,
    );
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
    if url.starts_with(AUTH_PREFIX) {
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
