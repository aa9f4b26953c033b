pub mod extract;
pub mod headers;
pub mod idempotency;
pub mod limit;

use std::path::PathBuf;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get, post};
use tower_http::services::{ServeDir, ServeFile};

use duban_api::ErrorBody;
use duban_case::Lang;

use crate::error::{ApiFailure, ReqLang};

use crate::routes::admin::admin_create_unit;
use crate::routes::admin::admin_create_user;
use crate::routes::admin::admin_update_unit;
use crate::routes::admin::admin_update_user;
use crate::routes::admin::admin_users;
use crate::routes::admin::run_sweep;
use crate::routes::admin::supervisors;
use crate::routes::admin::units;
use crate::routes::attachments::case_attachments;
use crate::routes::attachments::download_attachment;
use crate::routes::attachments::upload_attachment;
use crate::routes::audit::audit_search;
use crate::routes::audit::case_audit;
use crate::routes::board;
use crate::routes::calendar::calendar_year;
use crate::routes::cases::act_on_case;
use crate::routes::cases::case_complainant;
use crate::routes::cases::case_events;
use crate::routes::cases::create_case;
use crate::routes::cases::get_case;
use crate::routes::cases::list_cases;
use crate::routes::connect;
use crate::routes::dispatch::clearing;
use crate::routes::dispatch::dispatch_batch;
use crate::routes::export::export_csv;
use crate::routes::export::export_xlsx;
use crate::routes::health::healthz;
use crate::routes::health::readyz;
use crate::routes::import;
use crate::routes::inbox::inbox;
use crate::routes::incidents::act_on_incident;
use crate::routes::incidents::declare_incident;
use crate::routes::incidents::declare_incident_from_case;
use crate::routes::incidents::emergency_plans;
use crate::routes::incidents::get_incident;
use crate::routes::incidents::incidents;
use crate::routes::incidents::put_emergency_plans;
use crate::routes::open311;
use crate::routes::referrals::act_on_referral;
use crate::routes::referrals::case_referrals;
use crate::routes::referrals::get_referral;
use crate::routes::referrals::my_referrals;
use crate::routes::referrals::refer;
use crate::routes::repeats;
use crate::routes::routing::case_routing;
use crate::routes::routing::put_routing_rules;
use crate::routes::routing::routing_rules;
use crate::routes::session::login;
use crate::routes::session::logout;
use crate::routes::session::me;
use crate::routes::sla::put_rule_set;
use crate::routes::sla::rule_sets;
use crate::routes::supervision::case_supervision;
use crate::routes::supervision::supervise;
use crate::service::AppState;
/// The header that carries a request's id (set when the client sent none).
pub const REQUEST_ID: &str = "x-request-id";

/// Largest accepted request body.
pub const BODY_LIMIT: usize = 256 * 1024;

/// The whole router: API, health, and the single-page app from `dist` (if given).
pub fn router(state: AppState, dist: Option<PathBuf>) -> Router {
    let api = Router::new()
        .route("/cases", get(list_cases).post(create_case))
        .route("/cases/{id}", get(get_case))
        .route("/cases/{id}/actions", post(act_on_case))
        .route("/cases/{id}/events", get(case_events))
        .route("/cases/{id}/complainant", get(case_complainant))
        .route("/cases/{id}/audit", get(case_audit))
        .route("/cases/export.csv", get(export_csv))
        .route("/cases/export.xlsx", get(export_xlsx))
        .route("/audit", get(audit_search))
        .route("/cases/{id}/routing", get(case_routing))
        .route("/routing/rules", get(routing_rules).put(put_routing_rules))
        .route("/dispatch", post(dispatch_batch))
        .route("/clearing", get(clearing))
        .route(
            "/cases/{id}/supervision",
            get(case_supervision).post(supervise),
        )
        .route(
            "/cases/{id}/attachments",
            get(case_attachments)
                .post(upload_attachment)
                .layer(DefaultBodyLimit::max(
                    duban_api::ATTACHMENT_MAX_BYTES + 1024,
                )),
        )
        .route("/attachments/{id}", get(download_attachment))
        .route("/cases/{id}/referrals", get(case_referrals).post(refer))
        .route(
            "/emergency/plans",
            get(emergency_plans).put(put_emergency_plans),
        )
        .route("/incidents", get(incidents).post(declare_incident))
        .route("/cases/{id}/incidents", post(declare_incident_from_case))
        .route("/incidents/{id}", get(get_incident).post(act_on_incident))
        .route("/inbox", get(inbox))
        .route("/admin/sweep", post(run_sweep))
        .route("/referrals", get(my_referrals))
        .route("/referrals/{id}", get(get_referral).post(act_on_referral))
        .route("/supervisors", get(supervisors))
        .route("/admin/users", get(admin_users).post(admin_create_user))
        .route("/admin/users/{id}", axum::routing::patch(admin_update_user))
        .route("/admin/units", post(admin_create_unit))
        .route("/admin/units/{id}", axum::routing::patch(admin_update_unit))
        .route("/calendar/{year}", get(calendar_year))
        .route("/units", get(units))
        .route("/sla/rule-sets", get(rule_sets))
        .route("/sla/rule-sets/{id}", axum::routing::put(put_rule_set))
        .route("/openapi.json", get(openapi))
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/me", get(me))
        .merge(connect::routes())
        .merge(import::routes())
        .merge(repeats::routes())
        .merge(board::routes())
        .route("/{*rest}", any(api_not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            idempotency::layer,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT));
    let app = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .nest("/api/v1", api)
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
    let message = match lang {
        Lang::Zh => "不支持该请求方法",
        Lang::En => "Method not allowed",
    };
    ApiFailure::MethodNotAllowed(ErrorBody::single("method", "method.not_allowed", message))
}

pub(crate) async fn api_not_found(ReqLang(lang): ReqLang) -> ApiFailure {
    ApiFailure::not_found("path", "route.not_found", lang)
}

pub(crate) async fn openapi() -> axum::Json<serde_json::Value> {
    axum::Json(crate::openapi::document())
}
