//! `POST requests`: a connected app's report registered as a case.

use std::str::FromStr;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use serde::Serialize;

use duban_case::Lang;
use duban_case::lifecycle::Case;
use duban_case::model::Category;
use duban_intake::open311::{self, clean, param};
use duban_text::key;

use super::document::{ErrorItem, Failure, item, pairs};
use crate::service::{AppState, Who};
use crate::store::{ApiClientRecord, Open311Request};

const ACCOUNT_ID_MAX: usize = 64;

#[derive(Debug, Serialize)]
pub(super) struct Created {
    pub(super) service_request_id: String,
    /// The request's own id: `GET tokens/{token}` finds the case by it.
    pub(super) token: String,
    pub(super) service_notice: String,
    pub(super) account_id: Option<String>,
}

#[derive(Serialize)]
#[serde(rename = "service_requests")]
pub(super) struct RequestsXml<'a, T> {
    pub(super) request: &'a [T],
}

pub(super) async fn create_request(
    s: &AppState,
    lang: Lang,
    from: (String, String),
    query: Option<&str>,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Vec<Created>, Failure> {
    let body = body.map_err(|r| {
        let key = if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            key!("err.body.too_large")
        } else {
            key!("err.body.unreadable")
        };
        Failure::coded(StatusCode::BAD_REQUEST, key, lang)
    })?;
    let query = pairs(query.unwrap_or("").as_bytes(), lang)?;
    let form_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    // The key first: nothing else is looked at for an unknown caller.
    let form = if form_type {
        pairs(&body, lang)?
    } else {
        Vec::new()
    };
    let key = param(&form, "api_key").or_else(|| param(&query, "api_key"));
    let client = connected(s, key, lang).await?;
    if !form_type {
        let key = key!("open311.form.required");
        return Err(Failure::bad_text("body.content_type", key, &[], lang));
    }
    let Some(code) = param(&form, "service_code") else {
        let key = key!("open311.service_code.required");
        return Err(Failure::bad_text("service_code.required", key, &[], lang));
    };
    let Ok(category) = Category::from_str(code) else {
        let named = [("code", clean(code, 40))];
        let message = key!("open311.service.unknown").fill(lang, &named);
        return Err(Failure::one(
            StatusCode::NOT_FOUND,
            "service_code.not_found",
            message,
        ));
    };
    let now = s.now();
    let posted = open311::read_request(&form, category, lang, now).map_err(|problems| Failure {
        status: StatusCode::BAD_REQUEST,
        errors: problems.iter().map(problem).collect(),
    })?;
    let new = open311::new_case(&posted, now).map_err(|e| case_errors(&e, lang))?;
    let system = format!("open311:{}", client.id);
    let external_id = uuid::Uuid::now_v7().to_string();
    s.store
        .insert_open311_request(&Open311Request {
            system: system.clone(),
            external_id: external_id.clone(),
            service_code: category.code().to_owned(),
            media_url: posted.media_url,
            created_at: now.timestamp_millis(),
        })
        .await?;
    let who = Who {
        username: format!("api:{}", client.name),
        role: format!("api_client:{}", client.kind),
        ip: from.0,
        user_agent: from.1,
    };
    let (case, _) = s
        .register_external(&system, &external_id, new, &who)
        .await?;
    let account_id = param(&form, "account_id").map(|a| clean(a, ACCOUNT_ID_MAX));
    Ok(vec![Created {
        service_request_id: case.reference().to_string(),
        token: external_id,
        service_notice: notice(&case, lang),
        account_id,
    }])
}

/// The enabled Open311 system holding `key`; 403 otherwise (missing, wrong, disabled,
/// or a key of another kind of system).
async fn connected(
    s: &AppState,
    key: Option<&str>,
    lang: Lang,
) -> Result<ApiClientRecord, Failure> {
    let Some(api_key) = key else {
        let message = key!("open311.api_key.missing").get(lang);
        return Err(Failure::one(
            StatusCode::FORBIDDEN,
            "api_key.missing",
            message,
        ));
    };
    match s.api_client(api_key).await? {
        Some(c) if c.kind == "open311" => Ok(c),
        _ => Err(Failure::coded(
            StatusCode::FORBIDDEN,
            key!("err.api_key.invalid"),
            lang,
        )),
    }
}

fn problem(p: &open311::Problem) -> ErrorItem {
    item(StatusCode::BAD_REQUEST, &p.code, &p.message)
}

fn case_errors(errs: &duban_case::error::Errors, lang: Lang) -> Failure {
    Failure {
        status: StatusCode::BAD_REQUEST,
        errors: errs
            .iter()
            .map(|e| problem(&open311::case_problem(e, lang)))
            .collect(),
    }
}

/// What the office will do with a request.
pub(super) fn notice(case: &Case, lang: Lang) -> String {
    let facts = [
        ("reference", case.reference().to_string()),
        ("division", case.division().division().full_name()),
    ];
    key!("open311.notice").fill(lang, &facts)
}
