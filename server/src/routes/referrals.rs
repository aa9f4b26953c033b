use crate::http::register::Routes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use duban_api::referrals;

use duban_calendar::Calendar;
use duban_referral::Referral;

use crate::error::{ApiFailure, ApiJson, ReqLang};

use crate::policy::referral_allowed;
use crate::policy::speaking_units;
use crate::policy::{Ability, Actor};
use crate::routes::cases::load;
use crate::service::AppState;
use crate::service::mechanisms;

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
    r: Referral,
    actor: &Actor,
) -> Result<duban_api::ReferralView, ApiFailure> {
    let allowed = referral_allowed(&r, &speaking_units(s, actor));
    Ok(
        mechanisms::view(s, actor, r, |referral, events| duban_api::ReferralView {
            allowed,
            referral,
            events,
        })
        .await?,
    )
}

pub(crate) async fn case_referrals(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<duban_api::ReferralView>>, ApiFailure> {
    let case = load(&s, &id, lang, &actor).await?;
    let mut out = Vec::new();
    for r in mechanisms::of_case::<Referral>(&s, &case.id().to_string()).await? {
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
            crate::text::Text::UnitUnknown.message(lang),
        ));
    }
    let units = speaking_units(&s, &actor);
    let ctx = ctx(&s, &actor, &units);
    let case_id = case.id().to_string();
    let rid = uuid::Uuid::now_v7().to_string();
    let (next, events) =
        mechanisms::start::<Referral>(&rid, Some(&case_id), &cmd, &ctx, &actor.home_units(), lang)?;
    mechanisms::save(
        &s,
        &actor.who,
        &cmd,
        0,
        &next,
        &events,
        &case.reference().to_string(),
        lang,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(referral_view(&s, next, &actor).await?),
    ))
}

pub(crate) async fn get_referral(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<axum::Json<duban_api::ReferralView>, ApiFailure> {
    let (r, _) = mechanisms::load_for::<Referral>(&s, &id, &actor, lang).await?;
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
    let (r, version) = mechanisms::load_for::<Referral>(&s, &id, &actor, lang).await?;
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
                    crate::text::Text::UnitUnknown.message(lang),
                ));
            }
        }
    }
    let units = speaking_units(&s, &actor);
    let ctx = ctx(&s, &actor, &units);
    let reference = mechanisms::reference_of(&s, r.case_id()).await?;
    let (next, events) = mechanisms::act(r, &cmd, &ctx, &actor.home_units(), None, lang)?;
    mechanisms::save(
        &s, &actor.who, &cmd, version, &next, &events, &reference, lang,
    )
    .await?;
    Ok(axum::Json(referral_view(&s, next, &actor).await?))
}

/// Referrals the actor's units take part in (everything for coordinators), newest first.
pub(crate) async fn my_referrals(
    State(s): State<AppState>,
    actor: Actor,
) -> Result<axum::Json<Vec<duban_api::ReferralView>>, ApiFailure> {
    let mut out = Vec::new();
    for r in mechanisms::of_units::<Referral>(&s, actor.jurisdiction.as_deref(), 500).await? {
        out.push(referral_view(&s, r, &actor).await?);
    }
    Ok(axum::Json(out))
}

/// What a step needs to know: now, who, for which units, in which calendar.
fn ctx<'a>(s: &AppState, actor: &'a Actor, units: &'a [String]) -> duban_referral::Ctx<'a> {
    duban_referral::Ctx {
        now: s.now(),
        actor: &actor.user.username,
        actor_units: units,
        calendar: Calendar::official(),
    }
}
