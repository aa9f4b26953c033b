use duban_case::lifecycle::{self, Case, Command};

use crate::service::AppState;
use crate::service::ROUTING_RULES_KEY;
use crate::service::Who;

/// Why routing rules were not saved; the route words it in the reader's language.
#[derive(Debug)]
pub enum RulesRefused {
    /// No reason given for the change.
    ReasonRequired,
    /// The rules themselves, each error at its field.
    Invalid(Vec<duban_dispatch::RuleError>),
    /// The database failed; nothing was written.
    Store(crate::store::StoreError),
}

impl AppState {
    /// The units as routing sees them.
    pub(crate) fn dispatch_units(&self) -> Vec<duban_dispatch::Unit> {
        self.units
            .read()
            .map(|m| {
                m.values()
                    .map(|u| {
                        duban_dispatch::Unit::new(&u.id, &u.name, &u.kind, u.division.as_deref())
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn routing_rules(&self) -> duban_dispatch::RoutingRules {
        self.routing
            .read()
            .map(|r| r.clone())
            .unwrap_or_else(|_| duban_dispatch::default_rules())
    }

    /// What the routing rules propose for a case.
    pub fn route(&self, case: &Case) -> duban_dispatch::Routing {
        let units = self.dispatch_units();
        let rules = self.routing_rules();
        duban_dispatch::route(&duban_dispatch::Facts::of(case), &rules, &units)
    }

    /// Replace the routing rules (checked against the unit tree), recording why.
    pub async fn set_routing_rules(
        &self,
        rules: Vec<duban_dispatch::Rule>,
        reason: &str,
        by: &Who,
    ) -> Result<duban_dispatch::RoutingRules, RulesRefused> {
        if reason.trim().is_empty() {
            return Err(RulesRefused::ReasonRequired);
        }
        let units = self.dispatch_units();
        let parsed = duban_dispatch::RoutingRules::parse(rules, Some(&units))
            .map_err(RulesRefused::Invalid)?;
        let before = self.routing_rules();
        let body = serde_json::to_string(&parsed).unwrap_or_default();
        let audit = by.entry(
            self.now(),
            "routing.update",
            None,
            "routing_rules",
            reason,
            serde_json::json!({ "before": before.rules().len(), "after": parsed.rules().len() }),
        );
        self.store
            .set_config(ROUTING_RULES_KEY, &body, &audit)
            .await
            .map_err(RulesRefused::Store)?;
        if let Ok(mut r) = self.routing.write() {
            *r = parsed.clone();
        }
        Ok(parsed)
    }

    /// The routing rules behind a dispatch a person chose: those whose proposal is
    /// among the chosen units (so that returns can be charged to the rule).
    pub(crate) fn attribute(&self, case: &Case, cmd: &Command) -> Command {
        let Command::Dispatch {
            lead_unit,
            co_units,
            note,
            ..
        } = cmd
        else {
            return cmd.clone();
        };
        let routing = self.route(case);
        let chosen: Vec<&duban_dispatch::Proposal> = routing
            .lead
            .iter()
            .filter(|p| p.unit == lead_unit.trim())
            .chain(
                routing
                    .notify
                    .iter()
                    .filter(|p| co_units.iter().any(|u| u.trim() == p.unit)),
            )
            .collect();
        Command::Dispatch {
            lead_unit: lead_unit.clone(),
            co_units: co_units.clone(),
            note: note.clone(),
            routed_by: chosen.iter().map(|p| p.rule.clone()).collect(),
            why: chosen.iter().map(|p| p.reason()).collect(),
        }
    }

    /// Counters a change bumps: dispatches and misrouting returns per routing rule.
    pub(crate) fn routing_counters(before: &Case, events: &[lifecycle::Event]) -> Vec<String> {
        let mut out = Vec::new();
        for e in events {
            match &e.kind {
                lifecycle::EventKind::Dispatched { routed_by, .. } => {
                    out.extend(routed_by.iter().map(|r| format!("route:{r}:dispatched")));
                }
                lifecycle::EventKind::Returned { .. } => {
                    out.extend(
                        before
                            .routed_by()
                            .iter()
                            .map(|r| format!("route:{r}:returned")),
                    );
                }
                _ => {}
            }
        }
        out
    }
}
