use crate::http::register::Routes;
use crate::text::Text;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use duban_api::admin;
use duban_api::sessions;

use duban_api::UnitView;
use duban_api::sessions::{SessionView, SessionsEnded};
use duban_case::Lang;

use crate::error::{ApiFailure, ApiJson, ReqLang};

use crate::policy::{Ability, Actor};
use crate::service::AppState;
use crate::service::users::UserError;
use duban_api::SweepReport;

/// This feature's routes, under `/api/v1`.
pub fn routes() -> Routes {
    Routes::new()
        .at(admin::RunSweep, run_sweep)
        .at(admin::ListSupervisors, supervisors)
        .at(admin::ListUsers, admin_users)
        .at(admin::CreateUser, admin_create_user)
        .at(admin::UpdateUser, admin_update_user)
        .at(sessions::ListUserSessions, admin_user_sessions)
        .at(sessions::EndUserSessions, admin_end_sessions)
        .at(sessions::EndUserSession, admin_end_session)
        .at(admin::CreateUnit, admin_create_unit)
        .at(admin::UpdateUnit, admin_update_unit)
        .at(admin::ListUnits, units)
}

/// Run an SLA sweep now (administrators; the server also sweeps on a timer).
pub(crate) async fn run_sweep(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
) -> Result<axum::Json<SweepReport>, ApiFailure> {
    actor.require(Ability::RunSweep, lang)?;
    Ok(axum::Json(s.sweep(s.now()).await?))
}

pub(crate) fn user_view(u: &crate::store::UserRecord) -> duban_api::UserView {
    duban_api::UserView {
        id: u.id.clone(),
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: crate::auth::stored_role(&u.role),
        unit_id: u.unit_id.clone(),
        disabled: u.disabled,
    }
}

/// Active accounts with the supervisor role, for the people who name a case's
/// supervisor; no roles, units or ids beyond the name.
pub(crate) async fn supervisors(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
) -> Result<axum::Json<Vec<duban_api::PersonView>>, ApiFailure> {
    actor.require(Ability::ListSupervisors, lang)?;
    let supervisor = crate::auth::Role::Supervisor.code();
    Ok(axum::Json(
        s.store
            .users()
            .await?
            .into_iter()
            .filter(|u| !u.disabled && u.role == supervisor)
            .map(|u| duban_api::PersonView {
                username: u.username,
                display_name: u.display_name,
            })
            .collect(),
    ))
}

pub(crate) async fn admin_users(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
) -> Result<axum::Json<Vec<duban_api::UserView>>, ApiFailure> {
    actor.require(Ability::ManageAccounts, lang)?;
    Ok(axum::Json(
        s.store.users().await?.iter().map(user_view).collect(),
    ))
}

pub(crate) async fn admin_create_user(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiJson(d): ApiJson<duban_api::UserDraft>,
) -> Result<(StatusCode, axum::Json<duban_api::UserView>), ApiFailure> {
    actor.require(Ability::ManageAccounts, lang)?;
    let role = d
        .role
        .known()
        .copied()
        .map_err(|_| ApiFailure::refused("role", Text::RoleUnknown, lang))?;
    let user = s
        .create_user(
            &d.username,
            &d.display_name,
            role,
            d.unit_id.as_deref(),
            &d.password,
            &actor.who,
            &d.reason,
        )
        .await
        .map_err(|e| e.into_failure(lang))?;
    Ok((StatusCode::CREATED, axum::Json(user_view(&user))))
}

pub(crate) async fn admin_update_user(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<duban_api::UserPatch>,
) -> Result<axum::Json<duban_api::UserView>, ApiFailure> {
    actor.require(Ability::ManageAccounts, lang)?;
    let user = s
        .update_user(&id, &patch, &actor)
        .await
        .map_err(|e| e.into_failure(lang))?;
    Ok(axum::Json(user_view(&user)))
}

/// A user's live sessions (administrators).
pub(crate) async fn admin_user_sessions(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<SessionView>>, ApiFailure> {
    actor.require(Ability::ManageAccounts, lang)?;
    let sessions = s
        .user_sessions(&id)
        .await
        .map_err(|e| e.into_failure(lang))?;
    Ok(axum::Json(sessions))
}

/// Sign a user out everywhere (administrators; audited).
pub(crate) async fn admin_end_sessions(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<axum::Json<SessionsEnded>, ApiFailure> {
    actor.require(Ability::ManageAccounts, lang)?;
    let ended = s
        .end_user_sessions(&id, None, &actor.who)
        .await
        .map_err(|e| e.into_failure(lang))?;
    Ok(axum::Json(SessionsEnded { ended }))
}

/// End one of a user's sessions, named by its id (administrators; audited).
pub(crate) async fn admin_end_session(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path((id, session_id)): Path<(String, String)>,
) -> Result<axum::Json<SessionsEnded>, ApiFailure> {
    actor.require(Ability::ManageAccounts, lang)?;
    let ended = s
        .end_user_sessions(&id, Some(&session_id), &actor.who)
        .await
        .map_err(|e| e.into_failure(lang))?;
    Ok(axum::Json(SessionsEnded { ended }))
}

pub(crate) async fn admin_create_unit(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiJson(d): ApiJson<duban_api::UnitDraft>,
) -> Result<(StatusCode, axum::Json<UnitView>), ApiFailure> {
    actor.require(Ability::ManageAccounts, lang)?;
    let unit = s
        .save_unit(None, &d, &actor.who)
        .await
        .map_err(|e| e.into_failure(lang))?;
    Ok((StatusCode::CREATED, axum::Json(unit)))
}

pub(crate) async fn admin_update_unit(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    ApiJson(d): ApiJson<duban_api::UnitDraft>,
) -> Result<axum::Json<UnitView>, ApiFailure> {
    actor.require(Ability::ManageAccounts, lang)?;
    let unit = s
        .save_unit(Some(&id), &d, &actor.who)
        .await
        .map_err(|e| e.into_failure(lang))?;
    Ok(axum::Json(unit))
}

pub(crate) async fn units(
    State(s): State<AppState>,
    _actor: Actor,
) -> Result<axum::Json<Vec<UnitView>>, ApiFailure> {
    Ok(axum::Json(s.store.units().await?))
}

impl UserError {
    fn into_failure(self, lang: Lang) -> ApiFailure {
        match self {
            UserError::Invalid { field, text } => ApiFailure::refused(field, text, lang),
            UserError::Store(e) => e.into(),
        }
    }
}
