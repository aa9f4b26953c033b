use chrono::{DateTime, Utc};

use duban_calendar::Calendar;
use duban_case::lifecycle::{self, Case};

use crate::service::AppState;
use crate::service::Who;
use crate::service::mechanisms::INCIDENT;
use crate::service::mechanisms::REFERRAL;
use crate::service::mechanisms::SUPERVISION;
use crate::service::mechanisms::incident_access;
use crate::service::mechanisms::referral_access;
use crate::service::mechanisms::stored_events;
use crate::service::mechanisms::supervision_access;
use duban_api::SweepReport;

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
        let cal = Calendar::official();
        let actor = system.username.as_str();
        let (stored, state, access, case_id, title) = match row.kind.as_str() {
            SUPERVISION => {
                let st: duban_supervision::Supervision = serde_json::from_str(&row.state)?;
                let events = duban_supervision::due_steps(&st, now, cal, actor);
                let stored = stored_events(&events, |e| (e.at, e.actor.as_str(), e.kind.code()))?;
                let next = events.iter().fold(st, duban_supervision::apply);
                let title = next
                    .orders()
                    .iter()
                    .filter(|o| !o.fired.is_empty())
                    .map(|o| o.number.as_str())
                    .collect::<Vec<_>>()
                    .join("、");
                (
                    stored,
                    serde_json::to_string(&next)?,
                    supervision_access(&next),
                    Some(next.case_id().to_owned()),
                    title,
                )
            }
            REFERRAL => {
                let r: duban_referral::Referral = serde_json::from_str(&row.state)?;
                let events = duban_referral::due_steps(&r, now, cal, actor);
                let stored = stored_events(&events, |e| (e.at, e.actor.as_str(), e.kind.code()))?;
                let next = events.iter().fold(r, duban_referral::apply);
                (
                    stored,
                    serde_json::to_string(&next)?,
                    referral_access(&next),
                    next.case_id().map(str::to_owned),
                    next.subject().to_owned(),
                )
            }
            INCIDENT => {
                let i: duban_emergency::Incident = serde_json::from_str(&row.state)?;
                let events = duban_emergency::due_steps(&i, now, cal, actor);
                let stored = stored_events(&events, |e| (e.at, e.actor.as_str(), e.kind.code()))?;
                let id = i.id().to_owned();
                let next = events
                    .iter()
                    .try_fold(i, |i, e| duban_emergency::apply(Some(i), &id, e))
                    .ok_or(crate::store::StoreError::Conflict {
                        current: row.version,
                    })?;
                (
                    stored,
                    serde_json::to_string(&next)?,
                    incident_access(&next),
                    next.case_id().map(str::to_owned),
                    next.title().to_owned(),
                )
            }
            // A kind this build does not know: leave it alone rather than loop on it.
            _ => {
                self.store
                    .reschedule_aggregate(&row.kind, &row.key, row.version, None)
                    .await?;
                return Ok(0);
            }
        };
        if stored.is_empty() {
            self.store
                .reschedule_aggregate(&row.kind, &row.key, row.version, access.next_step_at)
                .await?;
            return Ok(0);
        }
        let audit = system.entry(
            now,
            &format!("{}.step_fired", row.kind),
            case_id.clone(),
            &title,
            "",
            serde_json::json!({ "key": row.key, "steps": stored.len() }),
        );
        self.store
            .save_aggregate(
                &row.kind,
                &row.key,
                case_id.as_deref(),
                row.version,
                &state,
                &stored,
                &audit,
                &access,
            )
            .await?;
        Ok(stored.len() as u64)
    }
}
