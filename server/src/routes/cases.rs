use crate::http::register::Routes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use duban_api::cases;

use duban_api::{CaseSummary, CaseView, ErrorBody, ListQuery, Page};
use duban_case::Lang;
use duban_case::draft::CaseDraft;
use duban_case::error::{CaseError, Errors};
use duban_case::lifecycle::{self, Case, Command};
use duban_case::model::{CaseId, Category, Status};
use duban_divisions::{DivisionCode, Level};

use crate::error::{ApiFailure, ApiJson, ApiQuery, ReqLang};
use crate::store::CaseFilter;

use crate::policy::Actor;
use crate::policy::forbidden;
use crate::routes::board;
use crate::routes::repeats;
use crate::service::AppState;
use crate::service::cases::ActError;
use crate::service::cases::CreateError;
use crate::service::redaction;

/// This feature's routes, under `/api/v1`.
pub fn routes() -> Routes {
    Routes::new()
        .at(cases::ListCases, list_cases)
        .at(cases::CreateCase, create_case)
        .at(cases::GetCase, get_case)
        .at(cases::ActOnCase, act_on_case)
        .at(cases::CaseEvents, case_events)
        .at(cases::CaseComplainant, case_complainant)
}

pub(crate) async fn create_case(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiJson(draft): ApiJson<CaseDraft>,
) -> Result<(StatusCode, axum::Json<CaseView>), ApiFailure> {
    if !actor.may_create() {
        return Err(ApiFailure::Forbidden(forbidden(lang)));
    }
    match s.create_case(&draft, &actor.who).await {
        Ok(case) => Ok((StatusCode::CREATED, axum::Json(s.view(case, &actor)))),
        Err(CreateError::Invalid(e)) => Err(ApiFailure::invalid(&e, lang)),
        Err(CreateError::Store(e)) => Err(e.into()),
    }
}

pub(crate) fn parse_id(id: &str, lang: Lang) -> Result<CaseId, ApiFailure> {
    id.parse()
        .map_err(|_| ApiFailure::not_found("id", "case.not_found", lang))
}

/// A case the actor may see; one outside the jurisdiction is "not found" so that its
/// existence does not leak.
pub(crate) async fn load(
    s: &AppState,
    id: &str,
    lang: Lang,
    actor: &Actor,
) -> Result<Case, ApiFailure> {
    let id = parse_id(id, lang)?;
    let not_found = || ApiFailure::not_found("id", "case.not_found", lang);
    let case = s
        .store
        .get_case(&id.to_string())
        .await?
        .ok_or_else(not_found)?;
    if actor.can_see(&case) {
        return Ok(case);
    }
    // A department sees what was referred to it.
    let referred = s.store.referred_units(&id.to_string()).await?;
    let units = actor.jurisdiction.as_deref().unwrap_or_default();
    if units.iter().any(|u| referred.contains(&format!(",{u},"))) {
        Ok(case)
    } else {
        Err(not_found())
    }
}

pub(crate) async fn get_case(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<axum::Json<CaseView>, ApiFailure> {
    Ok(axum::Json(
        s.view(load(&s, &id, lang, &actor).await?, &actor),
    ))
}

pub(crate) async fn act_on_case(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<axum::Json<CaseView>, ApiFailure> {
    let case = load(&s, &id, lang, &actor).await?;
    // A merge changes the primary too (it becomes a 重复信访件 key case): the one merge.
    if body.get("action").and_then(|a| a.as_str()) == Some("merge") {
        let text = |k: &str| {
            body.get(k)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let merge = duban_api::MergeRequest {
            primary: text("primary"),
            reason: text("reason"),
        };
        return repeats::merge_into(&s, &actor, case, &merge, lang).await;
    }
    let cmd = parse_command(body, lang)?;
    if !actor.may(cmd.kind()) {
        return Err(ApiFailure::Forbidden(forbidden(lang)));
    }
    if let Some(expected) = headers.get(axum::http::header::IF_MATCH) {
        let expected = expected
            .to_str()
            .ok()
            .map(|v| v.trim().trim_matches('"'))
            .and_then(|v| v.parse::<u64>().ok());
        match expected {
            Some(v) if v == case.version() => {}
            Some(_) => return Err(conflict(&s, case, lang, &actor)),
            None => {
                return Err(ApiFailure::bad_field(
                    "if-match",
                    "version.invalid",
                    "If-Match must be a case version number",
                ));
            }
        }
    }
    let at = s.now();
    match s.act(case, &cmd, &actor.who, at).await {
        Ok(next) => Ok(axum::Json(s.view(next, &actor))),
        Err(ActError::Invalid(e)) => Err(ApiFailure::invalid(&e, lang)),
        Err(ActError::Store(crate::store::StoreError::Conflict { .. })) => {
            let current = load(&s, &id, lang, &actor).await?;
            Err(conflict(&s, current, lang, &actor))
        }
        Err(ActError::Store(e)) => Err(e.into()),
    }
}

pub(crate) fn conflict(s: &AppState, current: Case, lang: Lang, actor: &Actor) -> ApiFailure {
    let key = duban_text::key!("err.version.conflict");
    ApiFailure::Conflict(
        ErrorBody::text("version", key, &[], lang),
        serde_json::to_value(s.view(current, actor)).ok(),
    )
}

/// Commands arrive as JSON objects tagged by `action`; an unknown action gets its own code.
pub(crate) fn parse_command(body: serde_json::Value, lang: Lang) -> Result<Command, ApiFailure> {
    let action = body
        .get("action")
        .and_then(|a| a.as_str())
        .map(str::to_owned);
    let known = action
        .as_deref()
        .is_some_and(|a| lifecycle::ActionKind::ALL.iter().any(|k| k.code() == a));
    if !known {
        let body = match action {
            None => ErrorBody::text("action", duban_text::key!("err.action.required"), &[], lang),
            Some(a) => {
                let key = duban_text::key!("err.action.unknown");
                ErrorBody::text("action", key, &[("action", a)], lang)
            }
        };
        return Err(ApiFailure::Invalid(body));
    }
    serde_json::from_value(body)
        .map_err(|e| ApiFailure::bad_field("body", "json.invalid", e.to_string()))
}

pub(crate) async fn case_events(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<duban_api::EventView>>, ApiFailure> {
    let case = load(&s, &id, lang, &actor).await?;
    let mut events = s.store.events(&case.id().to_string()).await?;
    let personal = actor.may_read_personal_data();
    for e in &mut events {
        e.event = if personal {
            e.event.clone().with_complainant_masked()
        } else {
            e.event.clone().redacted(case.complainant().name())
        };
    }
    Ok(axum::Json(events))
}

/// Query of `GET /api/v1/cases/{id}/complainant`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct PurposeQuery {
    purpose: String,
}

/// The complainant unmasked, for roles that need the person; every read is recorded.
pub(crate) async fn case_complainant(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PurposeQuery>,
) -> Result<Response, ApiFailure> {
    if !actor.may_read_personal_data() {
        return Err(ApiFailure::Forbidden(forbidden(lang)));
    }
    let case = load(&s, &id, lang, &actor).await?;
    let c = case.complainant();
    let fields: Vec<&str> = [
        c.name().map(|_| "name"),
        c.phone().map(|_| "phone"),
        c.id_number().map(|_| "id_number"),
    ]
    .into_iter()
    .flatten()
    .collect();
    s.store
        .record_audit(&actor.who.entry(
            s.now(),
            "personal_data.read",
            Some(case.id().to_string()),
            &case.reference().to_string(),
            &q.purpose,
            serde_json::json!({ "fields": fields }),
        ))
        .await?;
    let mut resp = axum::Json(c.clone()).into_response();
    // Personal data must not linger in shared caches or the browser's disk cache.
    resp.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    );
    Ok(resp)
}

/// The list filters of a query, limited to the actor's jurisdiction.
pub(crate) fn case_filter(
    q: &ListQuery,
    actor: &Actor,
    lang: Lang,
) -> Result<CaseFilter, ApiFailure> {
    let mut f = CaseFilter {
        limit: i64::from(duban_api::DEFAULT_PAGE),
        units: actor.jurisdiction.clone(),
        ..CaseFilter::default()
    };
    let mut errs = Errors::default();
    let unknown = |field: &str, v: &str| CaseError::UnknownValue {
        field: field.into(),
        value: v.into(),
    };
    if let Some(st) = q.status.as_deref().filter(|v| !v.is_empty()) {
        match st.parse::<Status>() {
            Ok(st) => f.status = Some(st.code().to_owned()),
            Err(()) => errs.0.push(unknown("status", st)),
        }
    }
    if let Some(c) = q.category.as_deref().filter(|v| !v.is_empty()) {
        match c.parse::<Category>() {
            Ok(c) => f.category = Some(c.code().to_owned()),
            Err(()) => errs.0.push(unknown("category", c)),
        }
    }
    if let Some(d) = q.division.as_deref().filter(|v| !v.is_empty()) {
        match d.parse::<DivisionCode>() {
            Ok(code) => {
                let n = i64::from(code.as_u32());
                f.division = Some(match code.division().level() {
                    Level::Province => (n, n + 10_000),
                    Level::City => (n, n + 100),
                    Level::County => (n, n + 1),
                });
            }
            Err(_) => errs.0.push(CaseError::UnknownDivision { value: d.into() }),
        }
    }
    f.key = q.key;
    // The same day range as the board's (China days), with the board's codes.
    let range = duban_board::filter::BoardQuery {
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
        ..Default::default()
    };
    match duban_board::filter::BoardFilter::parse(&range) {
        Ok(r) if r.from().is_some() || r.to().is_some() => {
            let start = |d: chrono::NaiveDate| {
                d.and_hms_opt(0, 0, 0)
                    .map_or(0, |t| t.and_utc().timestamp_millis() - 8 * 3_600_000)
            };
            f.received = Some((
                r.from().map_or(i64::MIN, start),
                r.to().and_then(|d| d.succ_opt()).map_or(i64::MAX, start),
            ));
        }
        Ok(_) => {}
        Err(range_errs) => return Err(board::filter_errors(&range_errs, lang)),
    }
    if let Some(b) = q.batch {
        if !(1..=99).contains(&b) {
            errs.0.push(CaseError::OutOfRange {
                field: "batch".into(),
                min: 1,
                max: 99,
            });
        }
        f.batch = Some(i64::from(b));
    }
    if let Some(limit) = q.limit {
        if !(1..=duban_api::MAX_PAGE).contains(&limit) {
            errs.0.push(CaseError::OutOfRange {
                field: "limit".into(),
                min: 1,
                max: i64::from(duban_api::MAX_PAGE),
            });
        }
        f.limit = i64::from(limit);
    }
    if let Some(c) = q.cursor.as_deref().filter(|v| !v.is_empty()) {
        match decode_cursor(c) {
            Some(after) => f.after = Some(after),
            None => errs.0.push(CaseError::InvalidTime {
                field: "cursor".into(),
                value: c.into(),
            }),
        }
    }
    if !errs.is_empty() {
        return Err(ApiFailure::invalid(&errs, lang));
    }
    Ok(f)
}

pub(crate) async fn list_cases(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<axum::Json<Page<CaseSummary>>, ApiFailure> {
    let f = CaseFilter {
        count_up_to: Some(duban_api::LIST_COUNT_MAX),
        ..case_filter(&q, &actor, lang)?
    };
    let (items, total) = s.store.list_cases(&f).await?;
    let items = redaction::readable_summaries(&s, &actor, items).await?;
    let total_capped = total > duban_api::LIST_COUNT_MAX;
    let total = total.min(duban_api::LIST_COUNT_MAX);
    let next_cursor = (items.len() as i64 == f.limit)
        .then(|| {
            items
                .last()
                .map(|c| format!("{}_{}", c.received_at.timestamp_millis(), c.id))
        })
        .flatten();
    Ok(axum::Json(Page {
        items,
        total,
        total_capped,
        next_cursor,
    }))
}

pub(crate) fn decode_cursor(c: &str) -> Option<(i64, String)> {
    let (ms, id) = c.split_once('_')?;
    let id: CaseId = id.parse().ok()?;
    Some((ms.parse().ok()?, id.to_string()))
}
