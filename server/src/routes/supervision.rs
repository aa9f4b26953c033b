use axum::extract::{Path, State};

use crate::http::register::Routes;
use crate::text::Text;
use duban_api::supervision;
use duban_calendar::Calendar;
use duban_case::lifecycle::Case;
use duban_core::Tagged;
use duban_supervision::Supervision;

use crate::error::{ApiFailure, ApiJson, ReqLang};

use crate::policy::forbidden;
use crate::policy::supervision_allowed;
use crate::policy::{Ability, Actor};
use crate::routes::cases::load;
use crate::service::AppState;
use crate::service::mechanisms;

/// This feature's routes, under `/api/v1`.
pub fn routes() -> Routes {
    Routes::new()
        .at(supervision::CaseSupervision, case_supervision)
        .at(supervision::Supervise, supervise)
}

/// A case's supervision (empty before its first command) and its stored version (0:
/// not stored yet).
pub(crate) async fn load_supervision(
    s: &AppState,
    case: &Case,
) -> Result<(Supervision, u64), ApiFailure> {
    let key = case.id().to_string();
    Ok(mechanisms::load(s, &key)
        .await?
        .unwrap_or_else(|| (Supervision::new(key), 0)))
}

pub(crate) async fn supervision_view(
    s: &AppState,
    case: &Case,
    actor: &Actor,
) -> Result<duban_api::SupervisionView, ApiFailure> {
    let (supervision, _) = load_supervision(s, case).await?;
    let allowed = supervision_allowed(actor, &supervision, case);
    Ok(
        mechanisms::view(s, actor, supervision, |supervision, events| {
            duban_api::SupervisionView {
                allowed,
                supervision,
                events,
            }
        })
        .await?,
    )
}

pub(crate) async fn case_supervision(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<axum::Json<duban_api::SupervisionView>, ApiFailure> {
    let case = load(&s, &id, lang, &actor).await?;
    Ok(axum::Json(supervision_view(&s, &case, &actor).await?))
}

/// Run a follow-up supervision command on a key case.
pub(crate) async fn supervise(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<axum::Json<duban_api::SupervisionView>, ApiFailure> {
    actor.require(Ability::Supervise, lang)?;
    let case = load(&s, &id, lang, &actor).await?;
    let cmd: duban_supervision::Command = serde_json::from_value(body)
        .map_err(|e| ApiFailure::bad_field("body", "json.invalid", e.to_string()))?;
    if !case.is_key() {
        return Err(ApiFailure::refused("case", Text::CaseNotKey, lang));
    }
    let (state, version) = load_supervision(&s, &case).await?;
    if !supervision_allowed(&actor, &state, &case)
        .iter()
        .any(|c| c == cmd.code())
    {
        return Err(ApiFailure::Forbidden(forbidden(lang)));
    }
    // Names in the command must exist: a supervisor account, a target unit.
    match &cmd {
        duban_supervision::Command::Assign { supervisor } => {
            let ok = s
                .store
                .user_by_username(supervisor.trim())
                .await?
                .is_some_and(|u| {
                    !u.disabled && matches!(u.role.as_str(), "supervisor" | "coordinator" | "admin")
                });
            if !ok {
                return Err(ApiFailure::refused(
                    "supervisor",
                    Text::SupervisorUnknown,
                    lang,
                ));
            }
        }
        duban_supervision::Command::IssueOrder { target_unit, .. }
            if !target_unit.trim().is_empty() && !s.unit_exists(target_unit.trim()) =>
        {
            return Err(ApiFailure::bad_field(
                "target_unit",
                "unit.unknown",
                crate::text::Text::UnitUnknown.message(lang),
            ));
        }
        duban_supervision::Command::AnswerOrder { number, .. } => {
            // A handler answers only orders to its own units.
            let target = state
                .orders()
                .iter()
                .find(|o| o.number == number.trim())
                .map(|o| o.target_unit.clone());
            if let (Some(units), Some(t)) = (&actor.jurisdiction, target)
                && !units.contains(&t)
            {
                return Err(ApiFailure::Forbidden(forbidden(lang)));
            }
        }
        _ => {}
    }
    let now = s.now();
    let number = match &cmd {
        duban_supervision::Command::IssueOrder { .. } => {
            let year = chrono::Datelike::year(&duban_core::china_date(now));
            let n = s.store.next_serial(&format!("order-{year}")).await?;
            Some(format!("苏督〔{year}〕{n}号"))
        }
        _ => None,
    };
    let attachments: Vec<duban_supervision::Attachment> = s
        .store
        .attachments(&case.id().to_string())
        .await?
        .into_iter()
        .map(|a| duban_supervision::Attachment {
            id: a.id,
            name: a.name,
            content_type: a.content_type,
            size: a.size,
        })
        .collect();
    let ctx = duban_supervision::Ctx {
        now,
        actor: &actor.user.username,
        calendar: Calendar::official(),
        order_number: number.as_deref(),
        attachments: &attachments,
    };
    let (next, events) = mechanisms::act(
        state,
        &cmd,
        &ctx,
        &actor.home_units(),
        case.lead_unit().map(|u| u.as_str()),
        lang,
    )?;
    mechanisms::save(
        &s,
        &actor.who,
        &cmd,
        version,
        &next,
        &events,
        &case.reference().to_string(),
        lang,
    )
    .await?;
    Ok(axum::Json(supervision_view(&s, &case, &actor).await?))
}
