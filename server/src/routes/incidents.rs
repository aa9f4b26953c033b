use crate::http::register::Routes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use duban_api::incidents;

use duban_calendar::Calendar;
use duban_case::Lang;
use duban_case::lifecycle::Case;
use duban_emergency::{Incident, WithPlans};

use crate::error::{ApiFailure, ApiJson, ReqLang};

use crate::policy::incident_allowed;
use crate::policy::speaking_units;
use crate::policy::{Ability, Actor};
use crate::routes::cases::load;
use crate::service::AppState;
use crate::service::PLANS_KEY;
use crate::service::mechanisms;
use crate::service::redaction;

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
            crate::text::Text::ReasonRequired.message(lang),
        ));
    }
    let units: Vec<String> = s
        .units
        .read()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let plans = duban_emergency::Plans::parse(body.plans, Some(&units))
        .map_err(|errs| ApiFailure::invalid(&errs, lang))?;
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

pub(crate) async fn incident_view(
    s: &AppState,
    i: Incident,
    actor: &Actor,
) -> Result<duban_api::IncidentView, ApiFailure> {
    let (allowed, my_units) = incident_allowed(&i, actor, &speaking_units(s, actor));
    Ok(
        mechanisms::view(s, actor, i, |incident, events| duban_api::IncidentView {
            incident,
            events,
            allowed,
            my_units,
        })
        .await?,
    )
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
    let ctx = ctx(s, actor, &units);
    let case_id = case.map(|c| c.id().to_string());
    let plans = s.plans();
    let id = uuid::Uuid::now_v7().to_string();
    let (next, events) = mechanisms::start::<Incident>(
        &id,
        case_id.as_deref(),
        &cmd,
        &WithPlans { ctx, plans: &plans },
        &actor.home_units(),
        lang,
    )?;
    mechanisms::save(s, &actor.who, &cmd, 0, &next, &events, "", lang).await?;
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

/// The linkage board of one incident. Polling is cheap: send the `ETag` back in
/// `If-None-Match` and an unchanged incident answers 304.
pub(crate) async fn get_incident(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiFailure> {
    let (i, version) = mechanisms::load_for::<Incident>(&s, &id, &actor, lang).await?;
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
    let (i, version) = mechanisms::load_for::<Incident>(&s, &id, &actor, lang).await?;
    let cmd: duban_emergency::Command = serde_json::from_value(body)
        .map_err(|e| ApiFailure::bad_field("body", "json.invalid", e.to_string()))?;
    if matches!(
        cmd,
        duban_emergency::Command::Escalate { .. } | duban_emergency::Command::Close { .. }
    ) {
        actor.require(Ability::DirectIncident, lang)?;
    }
    let units = speaking_units(&s, &actor);
    let ctx = ctx(&s, &actor, &units);
    let plans = s.plans();
    let ctx = WithPlans { ctx, plans: &plans };
    let (next, events) = mechanisms::act(i, &cmd, &ctx, &actor.home_units(), None, lang)?;
    mechanisms::save(&s, &actor.who, &cmd, version, &next, &events, "", lang).await?;
    Ok(axum::Json(incident_view(&s, next, &actor).await?))
}

/// Incidents, newest first: handlers see those their units are linked to.
pub(crate) async fn incidents(
    State(s): State<AppState>,
    actor: Actor,
) -> Result<axum::Json<Vec<duban_emergency::Incident>>, ApiFailure> {
    let mut out = Vec::new();
    for i in mechanisms::of_units::<Incident>(&s, actor.jurisdiction.as_deref(), 500).await? {
        let case_id = i.case_id().map(str::to_owned);
        out.push(redaction::for_reader(&s, &actor, case_id.as_deref(), i).await?);
    }
    Ok(axum::Json(out))
}

/// What a step needs to know: now, who, for which units, in which calendar.
fn ctx<'a>(s: &AppState, actor: &'a Actor, units: &'a [String]) -> duban_emergency::Ctx<'a> {
    duban_emergency::Ctx {
        now: s.now(),
        actor: &actor.user.username,
        actor_units: units,
        calendar: Calendar::official(),
    }
}
