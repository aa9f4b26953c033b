//! Open311 GeoReport v2 (<http://wiki.open311.org/GeoReport_v2>) under `/open311/v2/`:
//! the pollution categories as services, citizens' reports posted by connected apps
//! as cases, and those cases' public status. Reading a posted form into a case draft
//! (parameters, attributes, location) is `duban_intake::open311`: pure, and fuzzed.
//!
//! What conforms:
//! - `GET services.{json|xml}`, `GET services/{service_code}.{json|xml}`,
//!   `POST requests.{json|xml}`, `GET requests.{json|xml}` and
//!   `GET requests/{service_request_id}.{json|xml}`, with the spec's field names, root
//!   elements (`services`, `service_definition`, `service_requests`, `errors`), the XML
//!   declaration, `text/xml` / `application/json` with `charset=utf-8`, and w3c date-times
//!   (China time, `+08:00`).
//! - Errors are the spec's list of `{code, description}`: 403 for a missing or wrong
//!   `api_key` (an enabled connected system of kind `open311`; a 12345 hotline key is
//!   refused), 404 for an unknown service code, request, resource or format, 400 for
//!   everything else, including a failing database (the spec's "general service error";
//!   nothing is written then). The description starts with our stable code, such as
//!   `content.too_short: 举报内容至少10个字，当前5个字（参数 description）`.
//! - Empty parameters count as absent ("Optional Arguments"); `status`, `service_code` and
//!   `service_request_id` take comma lists or repeats; the request list defaults to the
//!   last 90 days, refuses a wider range, and returns at most 1000 requests, newest first.
//!
//! Mapping:
//! - A service is a `Category`; its definition has two attributes, `night` (是否夜间发生,
//!   singlevaluelist `yes`/`no`, required for noise, optional otherwise) and `target` (举报对象名称, string, optional),
//!   which are appended to the case content as `【是否夜间发生】是` lines.
//! - A request becomes a case through `NewCase::parse` like any other (channel `online`,
//!   kind `complaint`, received now), registered once under the external reference
//!   `open311:{client id}` / a fresh id, with the system (`api:{name}`) in the audit
//!   trail. `service_request_id` is the case reference (`JS-2026-W-00042`).
//! - Division: a six-digit Jiangsu code or a county written in `address_string` (with its
//!   city, or a name only one county has) wins; else the county whose seat lies nearest
//!   to `lat`/`long` (among the named city's counties when one is named); else a named
//!   city. `duban-divisions` has seats, not boundaries, so "nearest seat" stands in for
//!   "containing", and may be wrong close to a border.
//! - Status: closed, stage-closed, archived and merged cases are `closed`, all others
//!   `open`; `status_notes` is the outcome's public summary when closed, else the
//!   status's name. `agency_responsible` is the lead unit once dispatched;
//!   `expected_datetime` the running clock's due time and `service_notice` what happens
//!   next, both only while open.
//! - Only cases that came in through Open311 are listed; personal data never leaves:
//!   the name and phone go into the case's complainant (read only through the audited
//!   endpoint), e-mail and device id are not kept at all, and digit runs and e-mail
//!   addresses in the description and address are masked.
//!
//! Left out: service discovery, `jurisdiction_id` (one jurisdiction: ignored),
//! `address_id` (no address register: refused when it is the only location), media
//! upload (only `media_url`, an http(s) link, kept and shown as sent), `batch`/`blackbox`
//! services (every request gets its id at once; its `token` is returned beside the id,
//! and `GET tokens/{token}` answers with both, for clients written for deferred ids),
//! multivaluelist attributes, `zipcode` (always empty), and idempotent retries (the spec
//! has no request key: a repeated POST makes a second case).

mod create;
mod document;
mod list;
mod services;
#[cfg(test)]
mod tests;

use std::str::FromStr;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use serde::Serialize;

use duban_case::Lang;
use duban_case::lifecycle::Case;
use duban_case::model::Category;

use crate::error::ReqLang;
use crate::http::extract::Origin;
use crate::service::AppState;
use crate::store::{Open311Filter, Open311Request};
use create::{RequestsXml, create_request};
use document::{Failure, Format, document, file_of, format_of_path, method_refused, split_format};
use list::{Listed, list_requests, request_view};
use services::services;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{file}", get(get_resource).post(post_resource))
        .route("/services/{file}", get(service_definition))
        .route("/requests/{file}", get(one_request))
        .route("/tokens/{file}", get(token_request))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

// ---- answers to paths and methods that do not exist ----

async fn not_found(ReqLang(lang): ReqLang, uri: Uri) -> Response {
    Failure::not_found("route.not_found", lang).render(format_of_path(uri.path()))
}

async fn method_not_allowed(ReqLang(lang): ReqLang, uri: Uri) -> Response {
    method_refused(lang).render(format_of_path(uri.path()))
}

async fn service_definition(
    ReqLang(lang): ReqLang,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let file = match file_of(path, lang) {
        Ok(f) => f,
        Err(f) => return f.render(Format::Json),
    };
    let Some((code, format)) = split_format(&file) else {
        return Failure::not_found("format.unknown", lang).render(format_of_path(&file));
    };
    let Ok(category) = Category::from_str(code) else {
        return Failure::not_found("service_code.not_found", lang).render(format);
    };
    services::definition(category, lang, format)
}

// ---- GET services.x / requests.x, POST requests.x ----

async fn get_resource(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Response {
    let file = match file_of(path, lang) {
        Ok(f) => f,
        Err(f) => return f.render(Format::Json),
    };
    match split_format(&file) {
        Some(("services", format)) => services(lang, format),
        Some(("requests", format)) => list_requests(&s, lang, query.as_deref())
            .await
            .map_or_else(|f| f.render(format), |r| r.render(format)),
        Some((_, format)) => Failure::not_found("route.not_found", lang).render(format),
        None => Failure::not_found("format.unknown", lang).render(format_of_path(&file)),
    }
}

pub(crate) async fn post_resource(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    Origin(ip, user_agent): Origin,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let file = match file_of(path, lang) {
        Ok(f) => f,
        Err(f) => return f.render(Format::Json),
    };
    match split_format(&file) {
        Some(("requests", format)) => {
            let from = (ip, user_agent);
            match create_request(&s, lang, from, query.as_deref(), &headers, body).await {
                Ok(created) => document(
                    format,
                    StatusCode::OK,
                    &created,
                    RequestsXml { request: &created },
                ),
                Err(f) => f.render(format),
            }
        }
        Some(("services", format)) => method_refused(lang).render(format),
        Some((_, format)) => Failure::not_found("route.not_found", lang).render(format),
        None => Failure::not_found("format.unknown", lang).render(format_of_path(&file)),
    }
}

/// The requests a `{key}.{format}` path names (`requests/{id}`, `tokens/{token}`), with
/// the format asked for; else the answer to a bad path, an unknown key (`missing`) or a
/// failing database.
async fn named_requests(
    s: &AppState,
    lang: Lang,
    path: Result<Path<String>, PathRejection>,
    filter: impl FnOnce(&str) -> Open311Filter,
    missing: &str,
) -> Result<(Vec<(Case, Open311Request)>, Format), Response> {
    let file = file_of(path, lang).map_err(|f| f.render(Format::Json))?;
    let Some((key, format)) = split_format(&file) else {
        return Err(Failure::not_found("format.unknown", lang).render(format_of_path(&file)));
    };
    match s.store.open311_requests(&filter(key)).await {
        Ok(rows) if rows.is_empty() => Err(Failure::not_found(missing, lang).render(format)),
        Ok(rows) => Ok((rows, format)),
        Err(e) => Err(Failure::from(e).render(format)),
    }
}

async fn one_request(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let filter = |id: &str| Open311Filter {
        references: Some(vec![id.to_owned()]),
        limit: 1,
        ..Open311Filter::default()
    };
    match named_requests(&s, lang, path, filter, "service_request_id.not_found").await {
        Ok((rows, format)) => Listed(
            rows.iter()
                .map(|(case, req)| request_view(&s, case, req, lang))
                .collect(),
        )
        .render(format),
        Err(answer) => answer,
    }
}

/// One token's `service_request_id` (`GET tokens/{token}`).
#[derive(Debug, Serialize)]
struct TokenView {
    service_request_id: String,
    token: String,
}

async fn token_request(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let filter = |token: &str| Open311Filter {
        tokens: Some(vec![token.to_owned()]),
        limit: 1,
        ..Open311Filter::default()
    };
    match named_requests(&s, lang, path, filter, "token.not_found").await {
        Ok((rows, format)) => {
            let found: Vec<TokenView> = rows
                .iter()
                .map(|(case, req)| TokenView {
                    service_request_id: case.reference().to_string(),
                    token: req.external_id.clone(),
                })
                .collect();
            document(
                format,
                StatusCode::OK,
                &found,
                RequestsXml { request: &found },
            )
        }
        Err(answer) => answer,
    }
}
