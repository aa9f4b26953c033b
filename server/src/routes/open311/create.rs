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

use super::document::{ErrorItem, Failure, item, pairs, pick};
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
        let (code, zh, en) = if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            (
                "body.too_large",
                "请求体过大",
                "The request body is too large",
            )
        } else {
            (
                "body.unreadable",
                "请求体无法读取",
                "The request body cannot be read",
            )
        };
        Failure::bad(code, pick((zh, en), lang))
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
        return Err(Failure::bad(
            "body.content_type",
            pick(
                (
                    "请求须为 application/x-www-form-urlencoded 表单",
                    "Send the request as application/x-www-form-urlencoded",
                ),
                lang,
            ),
        ));
    }
    let Some(code) = param(&form, "service_code") else {
        return Err(Failure::bad(
            "service_code.required",
            pick(("请提供 service_code", "service_code is required"), lang),
        ));
    };
    let Ok(category) = Category::from_str(code) else {
        return Err(Failure::one(
            StatusCode::NOT_FOUND,
            "service_code.not_found",
            match lang {
                Lang::Zh => format!("没有服务“{}”", clean(code, 40)),
                Lang::En => format!("No service “{}”", clean(code, 40)),
            },
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
    let Some(key) = key else {
        return Err(Failure::one(
            StatusCode::FORBIDDEN,
            "api_key.missing",
            pick(
                (
                    "缺少 api_key，无法受理",
                    "api_key is missing -- can't proceed",
                ),
                lang,
            ),
        ));
    };
    match s.api_client(key).await? {
        Some(c) if c.kind == "open311" => Ok(c),
        _ => Err(Failure::one(
            StatusCode::FORBIDDEN,
            "api_key.invalid",
            pick(
                (
                    "api_key 无效或已停用，无法受理",
                    "Invalid api_key received -- can't proceed",
                ),
                lang,
            ),
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
    match lang {
        Lang::Zh => format!(
            "已受理，编号 {}。将交{}依法核查处理，并在规定时限内办结；办结后在此公布处理结果。",
            case.reference(),
            case.division().division().full_name()
        ),
        Lang::En => format!(
            "Received as {}. It goes to the authorities of {} for investigation within the \
             statutory time limits; the result is published here when it closes.",
            case.reference(),
            case.division().division().full_name()
        ),
    }
}
