use crate::http::register::Routes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use duban_api::incidents;

use duban_api::ErrorBody;
use duban_calendar::Calendar;
use duban_case::Lang;
use duban_case::lifecycle::Case;

use crate::error::{ApiFailure, ApiJson, ReqLang};

use crate::policy::forbidden;
use crate::policy::incident_allowed;
use crate::policy::speaking_units;
use crate::policy::{Ability, Actor};
use crate::routes::cases::load;
use crate::service::AppState;
use crate::service::PLANS_KEY;
use crate::service::mechanisms::INCIDENT;
use crate::service::mechanisms::event_views;
use crate::service::mechanisms::incident_access;
use crate::service::mechanisms::save_mechanism;
use crate::service::mechanisms::stored_events;
use crate::service::redaction;
use crate::service::users::UserError;

/// This feature's routes, under `/api/v1`.
pub fn routes() -> Routes {
    Routes::new()
        .at(incidents::EmergencyPlans, emergency_plans)
        .at(incidents::UpdateEmergencyPlans, put_emergency_plans)
        .at(incidents::ListIncidents, incidents)
        .at(incidents::DeclareIncident, declare_incident)
        .at(
            incidents::DeclareIncidentFromCase,
            declare_incident_from_case,
        )
        .at(incidents::GetIncident, get_incident)
        .at(incidents::ActOnIncident, act_on_incident)
}

pub(crate) async fn emergency_plans(
    State(s): State<AppState>,
    _actor: Actor,
) -> axum::Json<duban_emergency::Plans> {
    axum::Json(s.plans())
}

/// Replace the plan templates (administrators); they apply to incidents declared from
/// now on.
pub(crate) async fn put_emergency_plans(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiJson(body): ApiJson<duban_api::PlansUpdate>,
) -> Result<axum::Json<duban_emergency::Plans>, ApiFailure> {
    actor.require(Ability::EditRules, lang)?;
    if body.reason.trim().is_empty() {
        return Err(ApiFailure::bad_field(
            "reason",
            "reason.required",
            UserError::message("reason.required", lang),
        ));
    }
    let units: Vec<String> = s
        .units
        .read()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let plans = duban_emergency::Plans::parse(body.plans, Some(&units)).map_err(|errs| {
        ApiFailure::Invalid(ErrorBody {
            errors: errs
                .iter()
                .map(|e| duban_api::ApiError {
                    field: e.field(),
                    code: e.code().to_owned(),
                    message: e.message(lang),
                })
                .collect(),
        })
    })?;
    let before = s.plans().plans().len();
    let audit = actor.who.entry(
        s.now(),
        "emergency.plans_update",
        None,
        "plan_templates",
        &body.reason,
        serde_json::json!({ "before": before, "after": plans.plans().len() }),
    );
    let json = serde_json::to_string(&plans).map_err(crate::store::StoreError::from)?;
    s.store.set_config(PLANS_KEY, &json, &audit).await?;
    if let Ok(mut p) = s.plans.write() {
        *p = plans.clone();
    }
    Ok(axum::Json(plans))
}

pub(crate) fn emergency_errors(errs: &[duban_emergency::EmergencyError], lang: Lang) -> ApiFailure {
    if errs.iter().any(|e| e.code() == "unit.not_yours") {
        return ApiFailure::Forbidden(forbidden(lang));
    }
    ApiFailure::Invalid(ErrorBody {
        errors: errs
            .iter()
            .map(|e| duban_api::ApiError {
                field: e.field(),
                code: e.code(),
                message: e.message(lang),
            })
            .collect(),
    })
}

pub(crate) async fn incident_view(
    s: &AppState,
    i: duban_emergency::Incident,
    actor: &Actor,
) -> Result<duban_api::IncidentView, ApiFailure> {
    let events = event_views(s, INCIDENT, i.id()).await?;
    let (allowed, my_units) = incident_allowed(&i, actor, &speaking_units(s, actor));
    let case_id = i.case_id().map(str::to_owned);
    let view = duban_api::IncidentView {
        incident: i,
        events,
        allowed,
        my_units,
    };
    Ok(redaction::for_reader(s, actor, case_id.as_deref(), view).await?)
}

pub(crate) async fn save_incident(
    s: &AppState,
    expected: u64,
    next: &duban_emergency::Incident,
    events: &[duban_emergency::Event],
    actor: &Actor,
    lang: Lang,
) -> Result<(), ApiFailure> {
    let stored = stored_events(events, |e| (e.at, e.actor.as_str(), e.kind.code()))?;
    let code = events.first().map(|e| e.kind.code()).unwrap_or("");
    let reason = events
        .iter()
        .find_map(|e| match &e.kind {
            duban_emergency::EventKind::Closed { summary, .. } => Some(summary.clone()),
            duban_emergency::EventKind::Reported { text, .. } => Some(text.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let audit = actor.who.entry(
        s.now(),
        &format!("incident.{code}"),
        next.case_id().map(str::to_owned),
        next.title(),
        &reason,
        serde_json::json!({ "incident": next.id(), "severity": next.severity().code() }),
    );
    let access = incident_access(next);
    save_mechanism(
        s,
        INCIDENT,
        next.id(),
        next.case_id(),
        expected,
        next,
        &stored,
        &audit,
        &access,
        lang,
    )
    .await?;
    Ok(())
}

pub(crate) async fn declare_in(
    s: &AppState,
    actor: &Actor,
    case: Option<&Case>,
    body: serde_json::Value,
    lang: Lang,
) -> Result<(StatusCode, axum::Json<duban_api::IncidentView>), ApiFailure> {
    actor.require(Ability::DirectIncident, lang)?;
    let cmd: duban_emergency::Command = serde_json::from_value(body)
        .map_err(|e| ApiFailure::bad_field("body", "json.invalid", e.to_string()))?;
    let units = speaking_units(s, actor);
    let ctx = duban_emergency::Ctx {
        now: s.now(),
        actor: &actor.user.username,
        actor_units: &units,
        calendar: Calendar::official(),
    };
    let case_id = case.map(|c| c.id().to_string());
    let plans = s.plans();
    let mut events = duban_emergency::declare(case_id.as_deref(), &cmd, &plans, &ctx)
        .map_err(|e| emergency_errors(&e, lang))?;
    duban_emergency::mark_on_behalf(&mut events, &actor.home_units());
    let id = uuid::Uuid::now_v7().to_string();
    let next = events
        .iter()
        .fold(None, |i, e| duban_emergency::apply(i, &id, e))
        .ok_or_else(|| ApiFailure::Unavailable("incident".into()))?;
    save_incident(s, 0, &next, &events, actor, lang).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(incident_view(s, next, actor).await?),
    ))
}

/// Declare an incident on its own.
pub(crate) async fn declare_incident(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<(StatusCode, axum::Json<duban_api::IncidentView>), ApiFailure> {
    declare_in(&s, &actor, None, body, lang).await
}

/// Declare an incident from a case; the linked departments see the case.
pub(crate) async fn declare_incident_from_case(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<(StatusCode, axum::Json<duban_api::IncidentView>), ApiFailure> {
    let case = load(&s, &id, lang, &actor).await?;
    declare_in(&s, &actor, Some(&case), body, lang).await
}

pub(crate) async fn load_incident(
    s: &AppState,
    id: &str,
    actor: &Actor,
    lang: Lang,
) -> Result<(duban_emergency::Incident, u64), ApiFailure> {
    let not_found = || ApiFailure::not_found("id", "incident.not_found", lang);
    let Some((json, version)) = s.store.aggregate(INCIDENT, id.trim()).await? else {
        return Err(not_found());
    };
    let i: duban_emergency::Incident =
        serde_json::from_str(&json).map_err(crate::store::StoreError::from)?;
    let linked = match &actor.jurisdiction {
        None => true,
        Some(units) => i.units().iter().any(|u| units.iter().any(|j| j == u)),
    };
    if linked {
        Ok((i, version))
    } else {
        Err(not_found())
    }
}

/// The linkage board of one incident. Polling is cheap: send the `ETag` back in
/// `If-None-Match` and an unchanged incident answers 304.
pub(crate) async fn get_incident(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiFailure> {
    let (i, version) = load_incident(&s, &id, &actor, lang).await?;
    let etag = format!("\"v{version}\"");
    let unchanged = headers
        .get(axum::http::header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut resp = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        axum::Json(incident_view(&s, i, &actor).await?).into_response()
    };
    if let Ok(v) = HeaderValue::from_str(&etag) {
        resp.headers_mut().insert(axum::http::header::ETAG, v);
    }
    resp.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache"),
    );
    Ok(resp)
}

pub(crate) async fn act_on_incident(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<axum::Json<duban_api::IncidentView>, ApiFailure> {
    actor.require(Ability::TakePartInIncident, lang)?;
    let (i, version) = load_incident(&s, &id, &actor, lang).await?;
    let cmd: duban_emergency::Command = serde_json::from_value(body)
        .map_err(|e| ApiFailure::bad_field("body", "json.invalid", e.to_string()))?;
    if matches!(
        cmd,
        duban_emergency::Command::Escalate { .. } | duban_emergency::Command::Close { .. }
    ) {
        actor.require(Ability::DirectIncident, lang)?;
    }
    let units = speaking_units(&s, &actor);
    let ctx = duban_emergency::Ctx {
        now: s.now(),
        actor: &actor.user.username,
        actor_units: &units,
        calendar: Calendar::official(),
    };
    let plans = s.plans();
    let mut events =
        duban_emergency::decide(&i, &cmd, &plans, &ctx).map_err(|e| emergency_errors(&e, lang))?;
    duban_emergency::mark_on_behalf(&mut events, &actor.home_units());
    let iid = i.id().to_owned();
    let next = events
        .iter()
        .try_fold(i, |i, e| duban_emergency::apply(Some(i), &iid, e))
        .ok_or_else(|| ApiFailure::Unavailable("incident".into()))?;
    save_incident(&s, version, &next, &events, &actor, lang).await?;
    Ok(axum::Json(incident_view(&s, next, &actor).await?))
}

/// Incidents, newest first: handlers see those their units are linked to.
pub(crate) async fn incidents(
    State(s): State<AppState>,
    actor: Actor,
) -> Result<axum::Json<Vec<duban_emergency::Incident>>, ApiFailure> {
    let mut out = Vec::new();
    for json in s
        .store
        .aggregates(INCIDENT, None, actor.jurisdiction.as_deref(), 500)
        .await?
    {
        let i: duban_emergency::Incident =
            serde_json::from_str(&json).map_err(crate::store::StoreError::from)?;
        let case_id = i.case_id().map(str::to_owned);
        out.push(redaction::for_reader(&s, &actor, case_id.as_deref(), i).await?);
    }
    Ok(axum::Json(out))
}
