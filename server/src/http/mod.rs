pub mod extract;
pub mod headers;
pub mod idempotency;
pub mod limit;
pub mod register;

use std::path::PathBuf;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::any;
use tower_http::services::{ServeDir, ServeFile};

use duban_api::ErrorBody;
use duban_api::endpoint::API_BASE;

use crate::error::{ApiFailure, ReqLang};
use crate::http::register::{Registered, Routes};

use crate::routes;
use crate::routes::open311;
use crate::service::AppState;
/// The header that carries a request's id (set when the client sent none).
pub const REQUEST_ID: &str = "x-request-id";

/// Largest accepted request body.
pub const BODY_LIMIT: usize = 256 * 1024;

/// Every route of the API (under [`API_BASE`]), feature by feature.
fn api_routes() -> Routes {
    Routes::new()
        .merge(routes::admin::routes())
        .merge(routes::attachments::routes())
        .merge(routes::audit::routes())
        .merge(routes::board::routes())
        .merge(routes::calendar::routes())
        .merge(routes::cases::routes())
        .merge(routes::connect::routes())
        .merge(routes::dispatch::routes())
        .merge(routes::export::routes())
        .merge(routes::import::routes())
        .merge(routes::inbox::routes())
        .merge(routes::incidents::routes())
        .merge(routes::referrals::routes())
        .merge(routes::repeats::routes())
        .merge(routes::routing::routes())
        .merge(routes::session::routes())
        .merge(routes::sla::routes())
        .merge(routes::supervision::routes())
        .merge(crate::openapi::routes())
}

/// Every route registered by endpoint (the API's and the health checks), in order: what
/// the OpenAPI document describes.
pub fn registered() -> Vec<Registered> {
    let (api, health) = (api_routes(), routes::health::routes());
    api.registered().chain(health.registered()).collect()
}

/// The whole router: API, health, and the single-page app from `dist` (if given).
pub fn router(state: AppState, dist: Option<PathBuf>) -> Router {
    let api = api_routes()
        .into_router(API_BASE)
        .route("/{*rest}", any(api_not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            idempotency::layer,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT));
    let app = routes::health::routes()
        .into_router("")
        .nest(API_BASE, api)
        .nest(
            "/open311/v2",
            open311::routes()
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    idempotency::layer,
                ))
                .layer(DefaultBodyLimit::max(BODY_LIMIT)),
        )
        .route("/api", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found));
    let app = match dist {
        Some(dist) => {
            let index = dist.join("index.html");
            app.fallback_service(
                // The release build writes `.br` and `.gz` beside each file.
                ServeDir::new(dist)
                    .precompressed_br()
                    .precompressed_gzip()
                    .fallback(
                        ServeFile::new(index)
                            .precompressed_br()
                            .precompressed_gzip(),
                    ),
            )
        }
        None => app,
    };
    // Over its rate, a client is answered before any other work (inside the request id
    // and the log, so a refusal is logged with its id).
    let app = app.layer(axum::middleware::from_fn_with_state(
        state.clone(),
        limit::layer,
    ));
    // Every request gets an `x-request-id` (a client's own is kept), carried by its log
    // lines and sent back with the answer. The span names the path, never the query
    // string, which may hold a search for a name or a phone number.
    app.with_state(state)
        // Inside the trace layer, so that a panic's 500 is logged with its request id.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            crate::error::panic_answer,
        ))
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                // One line per answer (status, latency) at the default level.
                .on_response(
                    tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO),
                )
                .make_span_with(|req: &axum::http::Request<axum::body::Body>| {
                    let id = req
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default();
                    tracing::info_span!(
                        "request",
                        method = %req.method(),
                        path = %req.uri().path(),
                        request_id = %id,
                    )
                }),
        )
        .layer(tower_http::request_id::PropagateRequestIdLayer::new(
            axum::http::HeaderName::from_static(REQUEST_ID),
        ))
        .layer(tower_http::request_id::SetRequestIdLayer::new(
            axum::http::HeaderName::from_static(REQUEST_ID),
            tower_http::request_id::MakeRequestUuid,
        ))
        // Outermost: every answer, a refusal or a panic's 500 included.
        .layer(axum::middleware::from_fn(headers::layer))
}

pub(crate) async fn method_not_allowed(ReqLang(lang): ReqLang) -> ApiFailure {
    let key = duban_text::key!("err.method.not_allowed");
    ApiFailure::MethodNotAllowed(ErrorBody::text("method", key, &[], lang))
}

pub(crate) async fn api_not_found(ReqLang(lang): ReqLang) -> ApiFailure {
    ApiFailure::not_found("path", "route.not_found", lang)
}
