//! Security headers on every answer (OWASP ASVS V14): no sniffing, no framing, no
//! referrer, HSTS behind https, a content security policy the WASM app works under
//! (no inline script: the bootstrap is `boot.js`), a strict one for the API and
//! downloads, and `Cache-Control: no-store` for every API answer that sets no cache
//! policy of its own (lists, case pages, the reveal: personal data).

use axum::extract::Request;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, REFERRER_POLICY,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The app's pages: scripts and styles from the server only; the WASM module needs
/// `'wasm-unsafe-eval'` to be compiled. Style attributes (set by the views, e.g. the
/// map's colours) are allowed; scripts never inline.
pub const APP_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
    font-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// API answers and downloads are data, never a page: nothing runs, nothing loads.
pub const DATA_CSP: &str = "default-src 'none'; frame-ancestors 'none'; sandbox";

const HSTS: &str = "max-age=31536000; includeSubDomains";
const PERMISSIONS_POLICY: &str = "camera=(), microphone=(), payment=(), usb=()";

pub async fn layer(req: Request, next: Next) -> Response {
    let https = crate::auth::is_https(req.headers());
    let path = req.uri().path();
    let data = path.starts_with("/api/") || path.starts_with("/open311/");
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static(PERMISSIONS_POLICY),
    );
    if https {
        h.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    let download = h
        .get(CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("attachment"));
    let csp = if data || download { DATA_CSP } else { APP_CSP };
    h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    if data && !h.contains_key(CACHE_CONTROL) {
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}
