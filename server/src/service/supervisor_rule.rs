//! The supervisor the routing rules propose, named on a key case when it is
//! dispatched (按建议交办) and has none yet.

use duban_calendar::Calendar;
use duban_case::Lang;
use duban_case::lifecycle::Case;

use crate::service::AppState;
use crate::service::Who;
use crate::service::mechanisms;
use duban_core::Aggregate;
use duban_supervision::Supervision;

impl AppState {
    /// After a key case is dispatched: name the supervisor the routing rules propose,
    /// unless the case has one already (a coordinator's choice stands). A failure here
    /// leaves the dispatch standing and the case in the coordinators' inbox to name one.
    pub(crate) async fn assign_proposed_supervisor(&self, case: &Case, by: &Who) {
        if !case.is_key() {
            return;
        }
        let Some(proposal) = self.route(case).supervisor else {
            return;
        };
        if let Err(e) = self.assign_supervisor(case, &proposal, by).await {
            tracing::warn!(case = %case.id(), error = %e, "proposed supervisor not assigned");
        }
    }

    async fn assign_supervisor(
        &self,
        case: &Case,
        proposal: &duban_dispatch::Proposal,
        by: &Who,
    ) -> Result<(), crate::store::StoreError> {
        let key = case.id().to_string();
        // A case's supervision exists, empty, before its first command.
        let (state, version) = mechanisms::load(self, &key)
            .await?
            .unwrap_or_else(|| (Supervision::new(key.clone()), 0));
        let usable = self
            .store
            .user_by_username(&proposal.unit)
            .await?
            .is_some_and(|u| !u.disabled && u.role == crate::auth::Role::Supervisor.code());
        if state.supervisor().is_some() || !usable {
            return Ok(());
        }
        let now = self.now();
        let ctx = duban_supervision::Ctx {
            now,
            actor: &by.username,
            calendar: Calendar::official(),
            order_number: None,
            attachments: &[],
        };
        let cmd = duban_supervision::Command::Assign {
            supervisor: proposal.unit.clone(),
        };
        let Ok(events) = state.decide(&cmd, &ctx) else {
            return Ok(());
        };
        let next = events.iter().fold(state, Supervision::apply);
        let audit = by.entry(
            now,
            "supervision.assign",
            Some(key),
            &case.reference().to_string(),
            &proposal.explain(Lang::Zh),
            serde_json::json!({ "events": ["supervisor_assigned"], "rule": proposal.rule }),
        );
        mechanisms::store(self, version, &next, &events, &audit).await
    }
}
