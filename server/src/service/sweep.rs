use chrono::{DateTime, Utc};

use duban_calendar::Calendar;
use duban_case::lifecycle::{self, Case};

use crate::service::AppState;
use crate::service::Who;
use crate::service::mechanisms::{self, Stored};
use duban_api::SweepReport;
use duban_core::Aggregate;
use duban_emergency::Incident;
use duban_referral::Referral;
use duban_supervision::Supervision;

impl AppState {
    /// Fire every escalation step that is due at `now`, case by case, each in its own
    /// transaction with a version check: steps fire once even when two sweepers race,
    /// and a sweep after downtime catches up on everything passed meanwhile.
    pub async fn sweep(&self, now: DateTime<Utc>) -> Result<SweepReport, crate::store::StoreError> {
        let cal = Calendar::official();
        let system = Who::system();
        let mut report = SweepReport::default();
        loop {
            let due = self
                .store
                .due_escalations(now.timestamp_millis(), 500)
                .await?;
            if due.is_empty() {
                break;
            }
            // Decided first, then stored together: each case is its own writer job (a
            // conflict skips only that case), and the jobs share group commits instead
            // of waiting for one commit each.
            let decided: Vec<(u64, Case, Vec<lifecycle::Event>, duban_api::AuditEntry)> = due
                .into_iter()
                .map(|case| {
                    let events = lifecycle::escalate(&case, now, cal, &system.username);
                    let expected = case.version();
                    let steps: Vec<String> = events
                        .iter()
                        .filter_map(|e| match &e.kind {
                            lifecycle::EventKind::Escalated { stage, step, .. } => {
                                Some(format!("{}:{}", stage.code(), step.code()))
                            }
                            _ => None,
                        })
                        .collect();
                    // A due row with nothing to fire only needs its next instant rewritten.
                    let next = events.iter().fold(case, lifecycle::apply);
                    let audit = system.entry(
                        now,
                        "case.escalate",
                        Some(next.id().to_string()),
                        &next.reference().to_string(),
                        "",
                        serde_json::json!({ "steps": steps }),
                    );
                    (expected, next, events, audit)
                })
                .collect();
            let outcomes = futures_util::future::join_all(decided.iter().map(
                |(expected, next, events, audit)| {
                    let change = crate::store::Change {
                        expected: *expected,
                        case: next,
                        events,
                        audit,
                        counters: &[],
                    };
                    async move { self.store.update_cases(&[change]).await }
                },
            ))
            .await;
            let mut progressed = false;
            for ((_, _, events, _), outcome) in decided.iter().zip(outcomes) {
                match outcome {
                    Ok(()) => {
                        progressed = true;
                        report.cases += u64::from(!events.is_empty());
                        report.steps += events.len() as u64;
                    }
                    // Someone changed the case meanwhile; the next sweep sees it fresh.
                    Err(crate::store::StoreError::Conflict { .. }) => report.conflicts += 1,
                    Err(e) => return Err(e),
                }
            }
            if !progressed {
                break;
            }
        }
        loop {
            let due = self
                .store
                .due_aggregates(now.timestamp_millis(), 500)
                .await?;
            if due.is_empty() {
                break;
            }
            let mut progressed = false;
            for row in due {
                match self.sweep_aggregate(&row, now, &system).await {
                    Ok(steps) => {
                        progressed = true;
                        report.mechanisms += u64::from(steps > 0);
                        report.steps += steps;
                    }
                    Err(crate::store::StoreError::Conflict { .. }) => report.conflicts += 1,
                    Err(e) => return Err(e),
                }
            }
            if !progressed {
                break;
            }
        }
        Ok(report)
    }

    /// Fire the ladder steps a mechanism's clocks have reached, with one audit entry,
    /// or just reschedule it when none is due. Returns the steps fired.
    pub(crate) async fn sweep_aggregate(
        &self,
        row: &crate::store::DueAggregate,
        now: DateTime<Utc>,
        system: &Who,
    ) -> Result<u64, crate::store::StoreError> {
        match row.kind.as_str() {
            Supervision::KIND => self.sweep_one::<Supervision>(row, now, system).await,
            Referral::KIND => self.sweep_one::<Referral>(row, now, system).await,
            Incident::KIND => self.sweep_one::<Incident>(row, now, system).await,
            // A kind this build does not know: leave it alone rather than loop on it.
            _ => {
                self.store
                    .reschedule_aggregate(&row.kind, &row.key, row.version, None)
                    .await?;
                Ok(0)
            }
        }
    }

    async fn sweep_one<M: Stored>(
        &self,
        row: &crate::store::DueAggregate,
        now: DateTime<Utc>,
        system: &Who,
    ) -> Result<u64, crate::store::StoreError> {
        let cal = Calendar::official();
        let state: M = serde_json::from_str(&row.state)?;
        let events = state.due_steps(now, cal, &system.username);
        if events.is_empty() {
            self.store
                .reschedule_aggregate(M::KIND, &row.key, row.version, state.next_step_at(cal))
                .await?;
            return Ok(0);
        }
        let next = events.iter().fold(state, M::apply);
        let audit = system.entry(
            now,
            &format!("{}.step_fired", M::KIND),
            next.case_id().map(str::to_owned),
            &next.sweep_title(),
            "",
            serde_json::json!({ "key": row.key, "steps": events.len() }),
        );
        mechanisms::store(self, row.version, &next, &events, &audit).await?;
        Ok(events.len() as u64)
    }
}
