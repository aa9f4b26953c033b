use axum::extract::{Path, State};

use crate::http::register::Routes;
use duban_api::sla;
use duban_sla::RuleSet;

use crate::error::{ApiFailure, ApiJson, ReqLang};
use crate::policy::{Ability, Actor};
use crate::service::AppState;

/// This feature's routes, under `/api/v1`.
pub fn routes() -> Routes {
    Routes::new()
        .at(sla::RuleSets, rule_sets)
        .at(sla::UpdateRuleSet, put_rule_set)
}

pub(crate) async fn rule_sets(
    State(s): State<AppState>,
    _actor: Actor,
) -> Result<axum::Json<Vec<RuleSet>>, ApiFailure> {
    Ok(axum::Json(s.store.rule_sets().await?))
}

/// Replace an SLA rule set (administrators). Validated by `duban-sla`; clocks already
/// running keep the limits they started with, new clocks use the edit.
pub(crate) async fn put_rule_set(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<axum::Json<RuleSet>, ApiFailure> {
    actor.require(Ability::EditRules, lang)?;
    let body: duban_api::RuleSetUpdate = serde_json::from_value(body)
        .map_err(|e| ApiFailure::bad_field("body", "json.invalid", e.to_string()))?;
    if s.rule_set(&id).is_none() {
        return Err(ApiFailure::not_found("id", "rule_set.not_found", lang));
    }
    if body.reason.trim().is_empty() {
        return Err(ApiFailure::bad_field(
            "reason",
            "reason.required",
            crate::text::Text::ReasonRequired.message(lang),
        ));
    }
    if body.rule_set.id != id {
        return Err(ApiFailure::refused(
            "rule_set.id",
            crate::text::Text::RuleSetIdMismatch,
            lang,
        ));
    }
    let set = RuleSet::try_from(body.rule_set).map_err(|e| {
        let e = duban_api::ApiError::of(&e, lang);
        ApiFailure::bad_field(
            &format!("rule_set.{}", e.field),
            &format!("rule_set.{}", e.code),
            e.message,
        )
    })?;
    let now = s.now();
    let audit = actor.who.entry(
        now,
        "sla.rule_set_update",
        None,
        &id,
        &body.reason,
        serde_json::json!({ "rules": set.rules().len(), "warn_percent": set.warn_percent() }),
    );
    s.store
        .save_rule_set(&set, now.timestamp_millis(), &audit)
        .await?;
    if let Ok(mut rules) = s.rules.write() {
        rules.insert(id, set.clone());
    }
    Ok(axum::Json(set))
}
