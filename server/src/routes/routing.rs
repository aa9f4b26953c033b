use std::collections::HashMap;

use crate::http::register::Routes;
use axum::extract::{Path, State};
use duban_api::routing;

use crate::error::{ApiFailure, ApiJson, ReqLang};

use crate::policy::{Ability, Actor};
use crate::routes::cases::load;
use crate::service::AppState;
use crate::service::routing::RulesRefused;

/// This feature's routes, under `/api/v1`.
pub fn routes() -> Routes {
    Routes::new()
        .at(routing::CaseRouting, case_routing)
        .at(routing::RoutingRules, routing_rules)
        .at(routing::UpdateRoutingRules, put_routing_rules)
}

/// What the routing rules propose for one case, explained (administrators, coordinators).
pub(crate) async fn case_routing(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<axum::Json<duban_api::RoutingView>, ApiFailure> {
    actor.require(Ability::Dispatch, lang)?;
    let case = load(&s, &id, lang, &actor).await?;
    Ok(axum::Json(duban_api::RoutingView::of(
        &s.route(&case),
        lang,
    )))
}

/// The routing rules in force with how often each one's dispatches came back.
pub(crate) async fn routing_rules(
    State(s): State<AppState>,
    _actor: Actor,
) -> Result<axum::Json<duban_api::RoutingRulesView>, ApiFailure> {
    let rules = s.routing_rules();
    let counts: HashMap<String, i64> = s.store.counters("route:").await?.into_iter().collect();
    let count = |rule: &str, what: &str| {
        counts
            .get(&format!("route:{rule}:{what}"))
            .and_then(|v| u64::try_from(*v).ok())
            .unwrap_or(0)
    };
    let stats = rules
        .rules()
        .iter()
        .map(|r| {
            duban_api::RuleStats::new(
                r.id.clone(),
                count(&r.id, "dispatched"),
                count(&r.id, "returned"),
            )
        })
        .collect();
    Ok(axum::Json(duban_api::RoutingRulesView { rules, stats }))
}

/// Replace the routing rules (administrators); they apply to dispatches from now on.
pub(crate) async fn put_routing_rules(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiJson(body): ApiJson<duban_api::RoutingRulesUpdate>,
) -> Result<axum::Json<duban_api::RoutingRulesView>, ApiFailure> {
    actor.require(Ability::EditRules, lang)?;
    match s
        .set_routing_rules(body.rules, &body.reason, &actor.who)
        .await
    {
        Ok(rules) => {
            let stats = rules
                .rules()
                .iter()
                .map(|r| duban_api::RuleStats::new(r.id.clone(), 0, 0))
                .collect();
            // Fresh figures come with the next GET; the rules are what changed.
            Ok(axum::Json(duban_api::RoutingRulesView { rules, stats }))
        }
        Err(RulesRefused::ReasonRequired) => Err(ApiFailure::refused(
            "reason",
            crate::text::Text::ReasonRequired,
            lang,
        )),
        Err(RulesRefused::Invalid(errs)) => Err(ApiFailure::invalid(&errs, lang)),
        Err(RulesRefused::Store(e)) => Err(ApiFailure::Unavailable(e.to_string())),
    }
}
