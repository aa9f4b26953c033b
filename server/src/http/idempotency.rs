//! `Idempotency-Key` on every creating request (`POST` under `/api/v1` and
//! `/open311/v2`).
//!
//! A key belongs to its principal (the signed-in account, or the API key of a
//! connected system, also Open311's `api_key` field). While its request runs, the key
//! is held in memory ([`AppState::in_flight`]; one server process per database): a
//! second request with it answers `idempotency.in_progress`. The key's row is written by
//! the request's first committed write, in that write's own transaction
//! (`Store::commit`, the writer's jobs), and its answer is kept with it: a retry with the
//! same key and the same request gets that answer again (`Idempotent-Replayed: true`)
//! and creates nothing, also after a restart. The same key with another request is
//! refused (`idempotency.key_reused`).
//!
//! Answers that wrote nothing and may change on a retry (sign-in needed, a CSRF
//! refusal, a version conflict, rate limiting, a server failure) leave no row, so the
//! key may be used again. A request whose write committed but whose answer was never
//! kept (the server stopped in between) is not carried out twice: it answers
//! `idempotency.answer_lost`. Nothing is written for a key before its request's own
//! write, so a request costs no extra commit.

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use duban_api::ErrorBody;
use duban_case::Lang;
use duban_text::{Key, key};
use sha2::{Digest, Sha256};

use crate::error::{ApiFailure, ReqLang};
use crate::service::AppState;
use crate::store::{Claim, IDEMPOTENCY, IdempotencyMark};

pub const HEADER: &str = "idempotency-key";
/// Set on an answer given again from the record.
pub const REPLAYED: &str = "idempotent-replayed";
const KEY_MAX: usize = 255;
/// How long keys are kept: an inspector may be offline for days.
pub const KEEP_DAYS: i64 = 7;
/// The largest request body fingerprinted (the attachment limit and some).
const REQUEST_MAX: usize = duban_api::ATTACHMENT_MAX_BYTES + 64 * 1024;
/// The largest answer kept; creating requests answer with one record.
const ANSWER_MAX: usize = 8 * 1024 * 1024;

fn valid_key(k: &str) -> bool {
    !k.is_empty() && k.len() <= KEY_MAX && k.bytes().all(|b| b.is_ascii_graphic())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Who the key belongs to: keys of different accounts never meet.
async fn principal(
    s: &AppState,
    headers: &HeaderMap,
    lang: Lang,
) -> Result<Option<String>, ApiFailure> {
    if let Some((user, _, _)) = crate::routes::session::session_of(s, headers, lang).await? {
        return Ok(Some(format!("user:{}", user.id)));
    }
    let api_key = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .or_else(|| {
            headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
        });
    Ok(api_key.map(key_principal))
}

fn key_principal(api_key: &str) -> String {
    format!("key:{}", hex(&Sha256::digest(api_key.as_bytes())))
}

/// Open311 clients send their `api_key` as a form field or in the query string.
fn open311_key(parts: &axum::http::request::Parts, body: &[u8]) -> Option<String> {
    let find = |pairs: Vec<(String, String)>| {
        pairs
            .into_iter()
            .find(|(k, v)| k == "api_key" && !v.is_empty())
            .map(|(_, v)| v)
    };
    find(serde_urlencoded::from_bytes(body).unwrap_or_default()).or_else(|| {
        find(serde_urlencoded::from_str(parts.uri.query().unwrap_or_default()).unwrap_or_default())
    })
}

/// JSON written again with sorted keys and no spacing: a client that resends the
/// same object from its outbox may serialise it in another key order.
fn canonical_json(value: &serde_json::Value, out: &mut Vec<u8>) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push(b'{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                canonical_json(&Value::String(k.clone()), out);
                out.push(b':');
                canonical_json(v, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                canonical_json(v, out);
            }
            out.push(b']');
        }
        scalar => out.extend_from_slice(scalar.to_string().as_bytes()),
    }
}

fn is_json(parts: &axum::http::request::Parts) -> bool {
    parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| {
            let m = m.trim().to_ascii_lowercase();
            m == "application/json" || m.ends_with("+json")
        })
}

/// What makes two requests the same: method, path and query, version and body (a
/// JSON body by its meaning, not its spelling).
fn fingerprint(parts: &axum::http::request::Parts, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(parts.method.as_str());
    h.update([0]);
    h.update(parts.uri.path_and_query().map_or("", |p| p.as_str()));
    h.update([0]);
    for name in [header::IF_MATCH, header::CONTENT_TYPE] {
        h.update(
            parts
                .headers
                .get(&name)
                .map_or(&b""[..], HeaderValue::as_bytes),
        );
        h.update([0]);
    }
    let json = is_json(parts)
        .then(|| serde_json::from_slice::<serde_json::Value>(body).ok())
        .flatten();
    match json {
        Some(value) => {
            let mut canonical = Vec::with_capacity(body.len());
            canonical_json(&value, &mut canonical);
            h.update(canonical);
        }
        None => h.update(body),
    }
    hex(&h.finalize())
}

/// A key in [`AppState::in_flight`] while its request runs (also if the request is
/// dropped half-way: the guard takes it out).
struct Running {
    set: std::sync::Arc<std::sync::Mutex<std::collections::HashSet<(String, String)>>>,
    entry: (String, String),
}

impl Running {
    /// Take the key for this request; `None` when a request with it runs already.
    fn start(s: &AppState, principal: &str, key: &str) -> Option<Running> {
        let entry = (principal.to_owned(), key.to_owned());
        // A poisoned lock only means another request panicked holding it.
        let mut set = s.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        set.insert(entry.clone()).then(|| Running {
            set: s.in_flight.clone(),
            entry,
        })
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let mut set = self.set.lock().unwrap_or_else(|e| e.into_inner());
        set.remove(&self.entry);
    }
}

/// A refusal of the key (`err.idempotency.*`), at the `Idempotency-Key` header.
fn refusal(status: StatusCode, key: Key, lang: Lang) -> Response {
    let body = ErrorBody::text("Idempotency-Key", key, &[], lang);
    let mut resp = (status, axum::Json(body)).into_response();
    if key == key!("err.idempotency.in_progress") {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    resp
}

/// Whether an answer is the request's outcome, to be given again: a success, or a
/// refusal that the same request would meet again.
fn keeps(status: StatusCode) -> bool {
    status.is_success()
        || (status.is_client_error()
            && !matches!(
                status,
                StatusCode::UNAUTHORIZED
                    | StatusCode::FORBIDDEN
                    | StatusCode::REQUEST_TIMEOUT
                    | StatusCode::CONFLICT
                    | StatusCode::TOO_MANY_REQUESTS
            ))
}

pub async fn layer(State(s): State<AppState>, req: Request, next: Next) -> Response {
    // Inside `nest` the path is the nested one; the full path says where we are.
    let path = req
        .extensions()
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| req.uri().path().to_owned(), |u| u.path().to_owned());
    if req.method() != Method::POST || path.starts_with("/api/v1/auth/") {
        return next.run(req).await;
    }
    let open311 = path.starts_with("/open311/");
    let Some(raw) = req.headers().get(HEADER).cloned() else {
        return next.run(req).await;
    };
    let (mut parts, body) = req.into_parts();
    let lang = match ReqLang::from_request_parts(&mut parts, &s).await {
        Ok(ReqLang(l)) => l,
        Err(never) => match never {},
    };
    let key = match raw.to_str() {
        Ok(k) if valid_key(k) => k.to_owned(),
        _ => {
            return refusal(
                StatusCode::BAD_REQUEST,
                key!("err.idempotency.key_invalid"),
                lang,
            );
        }
    };
    let Ok(bytes) = axum::body::to_bytes(body, REQUEST_MAX).await else {
        let key = key!("err.body.too_large");
        return ApiFailure::TooLarge(ErrorBody::text("", key, &[], lang)).into_response();
    };
    let principal = match principal(&s, &parts.headers, lang).await {
        Ok(Some(p)) => p,
        Ok(None) => match open311.then(|| open311_key(&parts, &bytes)).flatten() {
            Some(k) => key_principal(&k),
            // Nobody to keep it for: the handler refuses the request anyway.
            None => {
                return next
                    .run(Request::from_parts(parts, Body::from(bytes)))
                    .await;
            }
        },
        Err(e) => return e.into_response(),
    };
    let fp = fingerprint(&parts, &bytes);
    // Taken in memory first, then the record read: a request with the same key that
    // finished in between has left its record by then, so it is replayed, not redone.
    let Some(running) = Running::start(&s, &principal, &key) else {
        return refusal(
            StatusCode::CONFLICT,
            key!("err.idempotency.in_progress"),
            lang,
        );
    };
    match s.store.idempotency_record(&principal, &key, &fp).await {
        Err(e) => return ApiFailure::from(e).into_response(),
        Ok(Claim::New) => {}
        Ok(Claim::Replay {
            status,
            content_type,
            body,
        }) => {
            let mut resp = Response::new(Body::from(body));
            *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            if let Ok(v) = HeaderValue::from_str(&content_type) {
                resp.headers_mut().insert(header::CONTENT_TYPE, v);
            }
            resp.headers_mut()
                .insert(REPLAYED, HeaderValue::from_static("true"));
            return resp;
        }
        Ok(Claim::Mismatch) => {
            return refusal(
                StatusCode::UNPROCESSABLE_ENTITY,
                key!("err.idempotency.key_reused"),
                lang,
            );
        }
        // Committed and not answered, and not running here: cut off by a stop.
        Ok(Claim::Lost) => {
            return refusal(
                StatusCode::CONFLICT,
                key!("err.idempotency.answer_lost"),
                lang,
            );
        }
    }
    let mark = IdempotencyMark {
        principal,
        key,
        fingerprint: fp,
        created_at: s.now().timestamp_millis(),
    };
    let req = Request::from_parts(parts, Body::from(bytes));
    let resp = IDEMPOTENCY.scope(mark.clone(), next.run(req)).await;
    if !keeps(resp.status()) {
        match s
            .store
            .idempotency_written(&mark.principal, &mark.key)
            .await
        {
            // Nothing was written: nothing is kept, the key may be used again.
            Ok(false) => return resp,
            // A write committed: its answer is the outcome, whatever it says.
            Ok(true) => {}
            Err(e) => {
                tracing::error!(error = %e, "idempotency key not checked");
                return resp;
            }
        }
    }
    let (head, body) = resp.into_parts();
    let bytes = match axum::body::to_bytes(body, ANSWER_MAX).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "answer not kept for its idempotency key");
            return ApiFailure::Unavailable(e.to_string()).into_response();
        }
    };
    let content_type = head
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    if let Err(e) = s
        .store
        .finish_idempotency(&mark, head.status.as_u16(), &content_type, &bytes)
        .await
    {
        tracing::error!(error = %e, "answer not kept for its idempotency key");
    }
    // Out of the running set only once the answer is kept (or given up).
    drop(running);
    Response::from_parts(head, Body::from(bytes))
}
