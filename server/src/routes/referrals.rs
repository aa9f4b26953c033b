use crate::http::register::Routes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use duban_api::referrals;

use duban_api::ErrorBody;
use duban_calendar::Calendar;
use duban_case::Lang;

use crate::error::{ApiFailure, ApiJson, ReqLang};

use crate::policy::forbidden;
use crate::policy::referral_allowed;
use crate::policy::speaking_units;
use crate::policy::{Ability, Actor};
use crate::routes::cases::load;
use crate::service::AppState;
use crate::service::mechanisms::REFERRAL;
use crate::service::mechanisms::event_views;
use crate::service::mechanisms::referral_access;
use crate::service::mechanisms::save_mechanism;
use crate::service::mechanisms::stored_events;
use crate::service::redaction;
use crate::service::users::UserError;

/// This feature's routes, under `/api/v1`.
pub fn routes() -> Routes {
    Routes::new()
        .at(referrals::CaseReferrals, case_referrals)
        .at(referrals::Refer, refer)
        .at(referrals::MyReferrals, my_referrals)
        .at(referrals::GetReferral, get_referral)
        .at(referrals::ActOnReferral, act_on_referral)
}

pub(crate) async fn referral_view(
    s: &AppState,
    r: duban_referral::Referral,
    actor: &Actor,
) -> Result<duban_api::ReferralView, ApiFailure> {
    let events = event_views(s, REFERRAL, r.id()).await?;
    let case_id = r.case_id().map(str::to_owned);
    let view = duban_api::ReferralView {
        allowed: referral_allowed(&r, &speaking_units(s, actor)),
        referral: r,
        events,
    };
    Ok(redaction::for_reader(s, actor, case_id.as_deref(), view).await?)
}

pub(crate) fn referral_errors(errs: &[duban_referral::ReferralError], lang: Lang) -> ApiFailure {
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

/// Store a referral's new events with its audit entry; the receiver and co-handlers
/// are given sight of the case in the same transaction.
pub(crate) async fn save_referral(
    s: &AppState,
    expected: u64,
    next: &duban_referral::Referral,
    events: &[duban_referral::Event],
    actor: &Actor,
    reference: &str,
    lang: Lang,
) -> Result<(), ApiFailure> {
    let stored = stored_events(events, |e| (e.at, e.actor.as_str(), e.kind.code()))?;
    let code = events.first().map(|e| e.kind.code()).unwrap_or("");
    let reason = events
        .iter()
        .find_map(|e| match &e.kind {
            duban_referral::EventKind::Sent { subject, .. } => Some(subject.clone()),
            duban_referral::EventKind::Closed { summary } => Some(summary.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let audit = actor.who.entry(
        s.now(),
        &format!("referral.{code}"),
        next.case_id().map(str::to_owned),
        reference,
        &reason,
        serde_json::json!({ "referral": next.id(), "to_unit": next.to_unit(), "status": next.status().code() }),
    );
    let access = referral_access(next);
    save_mechanism(
        s,
        REFERRAL,
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

pub(crate) async fn case_referrals(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<duban_api::ReferralView>>, ApiFailure> {
    let case = load(&s, &id, lang, &actor).await?;
    let mut out = Vec::new();
    for json in s
        .store
        .aggregates(REFERRAL, Some(&case.id().to_string()), None, 1000)
        .await?
    {
        let r: duban_referral::Referral =
            serde_json::from_str(&json).map_err(crate::store::StoreError::from)?;
        out.push(referral_view(&s, r, &actor).await?);
    }
    Ok(axum::Json(out))
}

/// Refer a problem of a case to another department.
pub(crate) async fn refer(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<(StatusCode, axum::Json<duban_api::ReferralView>), ApiFailure> {
    actor.require(Ability::Refer, lang)?;
    let case = load(&s, &id, lang, &actor).await?;
    let cmd: duban_referral::Command = serde_json::from_value(body)
        .map_err(|e| ApiFailure::bad_field("body", "json.invalid", e.to_string()))?;
    if let duban_referral::Command::Send { to_unit, .. } = &cmd
        && !to_unit.trim().is_empty()
        && !s.unit_exists(to_unit.trim())
    {
        return Err(ApiFailure::bad_field(
            "to_unit",
            "unit.unknown",
            UserError::message("unit.unknown", lang),
        ));
    }
    let units = speaking_units(&s, &actor);
    let ctx = duban_referral::Ctx {
        now: s.now(),
        actor: &actor.user.username,
        actor_units: &units,
        calendar: Calendar::official(),
    };
    let case_id = case.id().to_string();
    let mut events =
        duban_referral::open(Some(&case_id), &cmd, &ctx).map_err(|e| referral_errors(&e, lang))?;
    let rid = uuid::Uuid::now_v7().to_string();
    duban_referral::mark_on_behalf(
        &duban_referral::Referral::empty(&rid),
        &mut events,
        &actor.home_units(),
    );
    let next = events
        .iter()
        .fold(duban_referral::Referral::empty(&rid), duban_referral::apply);
    save_referral(
        &s,
        0,
        &next,
        &events,
        &actor,
        &case.reference().to_string(),
        lang,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(referral_view(&s, next, &actor).await?),
    ))
}

/// A referral the actor takes part in (or may read as a coordinator, supervisor, leader).
pub(crate) async fn load_referral(
    s: &AppState,
    id: &str,
    actor: &Actor,
    lang: Lang,
) -> Result<(duban_referral::Referral, u64, String), ApiFailure> {
    let not_found = || ApiFailure::not_found("id", "referral.not_found", lang);
    let Some((json, version)) = s.store.aggregate(REFERRAL, id.trim()).await? else {
        return Err(not_found());
    };
    let r: duban_referral::Referral =
        serde_json::from_str(&json).map_err(crate::store::StoreError::from)?;
    let party = match &actor.jurisdiction {
        None => true,
        Some(units) => r.units().iter().any(|u| units.iter().any(|j| j == u)),
    };
    if !party {
        return Err(not_found());
    }
    let reference = match r.case_id() {
        Some(c) => s
            .store
            .get_case(c)
            .await?
            .map(|c| c.reference().to_string())
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok((r, version, reference))
}

pub(crate) async fn get_referral(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<axum::Json<duban_api::ReferralView>, ApiFailure> {
    let (r, _, _) = load_referral(&s, &id, &actor, lang).await?;
    Ok(axum::Json(referral_view(&s, r, &actor).await?))
}

pub(crate) async fn act_on_referral(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<axum::Json<duban_api::ReferralView>, ApiFailure> {
    actor.require(Ability::Refer, lang)?;
    let (r, version, reference) = load_referral(&s, &id, &actor, lang).await?;
    let cmd: duban_referral::Command = serde_json::from_value(body)
        .map_err(|e| ApiFailure::bad_field("body", "json.invalid", e.to_string()))?;
    if let duban_referral::Command::SetJoint { lead, co_handlers } = &cmd {
        for (field, u) in std::iter::once(("lead".to_owned(), lead)).chain(
            co_handlers
                .iter()
                .enumerate()
                .map(|(i, u)| (format!("co_handlers[{i}]"), u)),
        ) {
            if !u.trim().is_empty() && !s.unit_exists(u.trim()) {
                return Err(ApiFailure::bad_field(
                    &field,
                    "unit.unknown",
                    UserError::message("unit.unknown", lang),
                ));
            }
        }
    }
    let units = speaking_units(&s, &actor);
    let ctx = duban_referral::Ctx {
        now: s.now(),
        actor: &actor.user.username,
        actor_units: &units,
        calendar: Calendar::official(),
    };
    let mut events = duban_referral::decide(&r, &cmd, &ctx).map_err(|e| {
        if e.iter().any(|x| x.code() == "referral.wrong_side") {
            ApiFailure::Forbidden(forbidden(lang))
        } else {
            referral_errors(&e, lang)
        }
    })?;
    duban_referral::mark_on_behalf(&r, &mut events, &actor.home_units());
    let next = events.iter().fold(r, duban_referral::apply);
    save_referral(&s, version, &next, &events, &actor, &reference, lang).await?;
    Ok(axum::Json(referral_view(&s, next, &actor).await?))
}

/// Referrals the actor's units take part in (everything for coordinators), newest first.
pub(crate) async fn my_referrals(
    State(s): State<AppState>,
    actor: Actor,
) -> Result<axum::Json<Vec<duban_api::ReferralView>>, ApiFailure> {
    let mut out = Vec::new();
    for json in s
        .store
        .aggregates(REFERRAL, None, actor.jurisdiction.as_deref(), 500)
        .await?
    {
        let r: duban_referral::Referral =
            serde_json::from_str(&json).map_err(crate::store::StoreError::from)?;
        out.push(referral_view(&s, r, &actor).await?);
    }
    Ok(axum::Json(out))
}
