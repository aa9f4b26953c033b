use duban_calendar::Calendar;
use duban_case::Lang;
use duban_case::lifecycle::{self, Case, Ctx};
use duban_case::model::Status;
use duban_core::CodedError as _;

use crate::service::AppState;
use crate::service::Decided;
use crate::service::Who;
use crate::service::cases::ActError;

impl AppState {
    /// Dispatch every case of a selection still waiting for it as the routing rules
    /// propose, in one transaction; cases without a proposal are reported, not touched.
    pub async fn dispatch_selection(
        &self,
        cases: Vec<Case>,
        note: &str,
        by: &Who,
        lang: Lang,
    ) -> Result<duban_api::BatchDispatchResult, ActError> {
        let at = self.now();
        let mut result = duban_api::BatchDispatchResult::default();
        // The rules and the unit directory once for the whole selection.
        let (routing_rules, units) = (self.routing_rules(), self.dispatch_units());
        let mut decided: Vec<Decided> = Vec::new();
        for case in cases {
            let skip = |code: &str, message: String| duban_api::SkippedCase {
                id: case.id().to_string(),
                reference: case.reference().to_string(),
                code: code.to_owned(),
                message,
            };
            if !matches!(case.status(), Status::Received | Status::Returned) || case.is_paused() {
                result.skipped.push(skip(
                    "transition.not_allowed",
                    duban_text::key!("srv.dispatch.not_dispatchable")
                        .fill(lang, &[("status", case.status().label(lang).to_owned())]),
                ));
                continue;
            }
            let routing =
                duban_dispatch::route(&duban_dispatch::Facts::of(&case), &routing_rules, &units);
            let Some(cmd) = routing.dispatch_command(note) else {
                result.skipped.push(skip(
                    "routing.no_lead",
                    duban_text::key!("err.routing.no_lead").get(lang).into(),
                ));
                continue;
            };
            let rules = self.rule_set(case.rule_set()).ok_or_else(|| {
                ActError::Store(crate::store::StoreError::Corrupt("rule set missing".into()))
            })?;
            let ctx = Ctx {
                now: at,
                actor: &by.username,
                rules: &rules,
                calendar: Calendar::official(),
            };
            let events = match lifecycle::decide(&case, &cmd, &ctx) {
                Ok(ev) => ev,
                Err(errs) => {
                    let first = errs
                        .iter()
                        .next()
                        .map(|e| (e.code().into_owned(), e.message(lang)));
                    let (code, message) = first.unwrap_or_default();
                    result.skipped.push(skip(&code, message));
                    continue;
                }
            };
            let expected = case.version();
            let counters = Self::routing_counters(&case, &events);
            let next = events.iter().fold(case, lifecycle::apply);
            let audit = by.entry(
                at,
                "case.dispatch",
                Some(next.id().to_string()),
                &next.reference().to_string(),
                note,
                serde_json::json!({ "from": "received", "to": "dispatched", "version": next.version(), "batch": true, "rules": routing.rule_ids() }),
            );
            let lead = routing
                .lead
                .as_ref()
                .map(|p| (p.unit.clone(), p.name.clone()))
                .unwrap_or_default();
            result.dispatched.push(duban_api::DispatchedCase {
                id: next.id().to_string(),
                reference: next.reference().to_string(),
                lead_unit: lead.0,
                lead_unit_name: lead.1,
                co_units: next.co_units().iter().map(|u| u.to_string()).collect(),
                why: next
                    .routed_why()
                    .iter()
                    .map(|r| r.text(lang).to_owned())
                    .collect(),
            });
            decided.push((expected, next, events, audit, counters));
        }
        let changes: Vec<crate::store::Change<'_>> = decided
            .iter()
            .map(
                |(expected, case, events, audit, counters)| crate::store::Change {
                    expected: *expected,
                    case,
                    events,
                    audit,
                    counters,
                },
            )
            .collect();
        if !changes.is_empty() {
            self.store
                .update_cases(&changes)
                .await
                .map_err(ActError::Store)?;
        }
        for (_, case, ..) in &decided {
            self.assign_proposed_supervisor(case, by).await;
        }
        Ok(result)
    }
}
