//! Request rate per client address (`duban serve --rate-limit`): a client that sends
//! more than its share is answered 429 `rate.limited` with `Retry-After`, before any
//! work is done for it. The quota is a token bucket per IP address (governor's GCRA):
//! `per_second` sustained, `burst` at once. Health checks are not counted.
//!
//! Requests without a peer address (the in-process router of the tests) are not
//! limited.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use duban_api::ErrorBody;
use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::error::{ApiFailure, ReqLang};
use crate::service::AppState;

/// Forget idle clients every this many requests (the buckets are per address).
const RETAIN_EVERY: u64 = 10_000;

pub struct RateLimit {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
    seen: AtomicU64,
}

impl RateLimit {
    /// `None` when `per_second` is 0 (no limit).
    pub fn new(per_second: u32, burst: u32) -> Option<RateLimit> {
        let rate = NonZeroU32::new(per_second)?;
        let burst = NonZeroU32::new(burst.max(per_second)).unwrap_or(rate);
        Some(RateLimit {
            limiter: DefaultKeyedRateLimiter::keyed(Quota::per_second(rate).allow_burst(burst)),
            clock: DefaultClock::default(),
            seen: AtomicU64::new(0),
        })
    }

    /// Seconds to wait, when `ip` is over its quota.
    fn over(&self, ip: IpAddr) -> Option<u64> {
        if self.seen.fetch_add(1, Ordering::Relaxed) % RETAIN_EVERY == RETAIN_EVERY - 1 {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&ip).err().map(|not_until| {
            not_until
                .wait_time_from(self.clock.now())
                .as_secs_f64()
                .ceil()
                .max(1.0) as u64
        })
    }
}

pub async fn layer(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let (Some(limit), Some(peer)) = (
        s.rate_limit.as_deref(),
        req.extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip()),
    ) else {
        return next.run(req).await;
    };
    if matches!(req.uri().path(), "/healthz" | "/readyz") {
        return next.run(req).await;
    }
    let Some(wait) = limit.over(peer) else {
        return next.run(req).await;
    };
    let (mut parts, _) = req.into_parts();
    let lang = match ReqLang::from_request_parts(&mut parts, &s).await {
        Ok(ReqLang(l)) => l,
        Err(never) => match never {},
    };
    let wait_s = [("wait", wait.to_string())];
    let body = ErrorBody::text("", duban_text::key!("err.rate.limited"), &wait_s, lang);
    let mut resp = ApiFailure::TooManyRequests(body).into_response();
    if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}
