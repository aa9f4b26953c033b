use crate::http::register::Routes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use duban_api::health;

use duban_api::Health;

use crate::service::AppState;

/// `/healthz` and `/readyz`, at the root (not under `/api/v1`).
pub fn routes() -> Routes {
    Routes::new()
        .at(health::Healthz, healthz)
        .at(health::Readyz, readyz)
}

/// Whether to send requests here: the database answers and the server is not
/// shutting down (`/healthz` says whether the process is alive and its database up).
pub(crate) async fn readyz(State(s): State<AppState>) -> Response {
    let db_up = s.store.ping().await.is_ok();
    let status = match (s.is_draining(), db_up) {
        (true, _) => "draining",
        (false, false) => "degraded",
        (false, true) => "ready",
    };
    health_answer(&s, status, status == "ready", false)
}

pub(crate) async fn healthz(State(s): State<AppState>) -> Response {
    let db_up = s.store.ping().await.is_ok();
    let demo = matches!(s.store.meta("demo_loaded").await, Ok(Some(_)));
    health_answer(&s, if db_up { "ok" } else { "degraded" }, db_up, demo)
}

/// The answer of `/healthz` and `/readyz`: 200 when `up`, else 503.
pub(crate) fn health_answer(s: &AppState, status: &str, up: bool, demo: bool) -> Response {
    let body = Health {
        demo,
        status: status.into(),
        database: s.store.kind().into(),
        version: env!("CARGO_PKG_VERSION").into(),
    };
    let code = if up {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, axum::Json(body)).into_response()
}
