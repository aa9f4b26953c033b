//! The case's state: what it records, and the actions it allows now (the state
//! machine [`super::decide`] checks every command against).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use duban_sla::{Clock, Facts, Limit, RequestKind, Stage};

use super::{ActionKind, Escalation, ExtensionRequest, RoutingReason};
use crate::draft::{NewCase, Outcome};
use crate::model::{
    Batch, CaseId, Category, Channel, Complainant, Coordinates, KeyClass, Reference, Satisfaction,
    Status, UnitId,
};

/// A case's current state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub(super) id: CaseId,
    pub(super) reference: Reference,
    #[serde(flatten)]
    pub(super) data: NewCase,
    pub(super) status: Status,
    pub(super) paused: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) lead_unit: Option<UnitId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) co_units: Vec<UnitId>,
    /// The routing rules behind the last dispatch (to see which rules misroute).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) routed_by: Vec<String>,
    /// Why the last dispatch went where it went, as the rules explained it then.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) routed_why: Vec<RoutingReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) outcome: Option<Outcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) satisfaction: Option<Satisfaction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) merged_into: Option<CaseId>,
    /// A coordinator cleared the outcome for the public disclosure (信息公开).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(super) publishable: bool,
    /// Repeats merged into this case (重信重访), with their references.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) repeats: Vec<(CaseId, Reference)>,
    /// The last reason given (return, send-back comments, pause, reopen).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) last_reason: Option<String>,
    pub(super) rule_set: String,
    pub(super) clocks: Vec<Clock>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) extensions: Vec<Limit>,
    /// An extension the handler asked for, waiting for a coordinator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) pending_extension: Option<ExtensionRequest>,
    /// Escalation steps fired, per clock.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) escalations: Vec<Escalation>,
    /// Imported as a historical case at this instant: ladder steps reached before it
    /// never fire (see [`super::EventKind::Received`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) historical: Option<DateTime<Utc>>,
    /// Number of events applied: the optimistic-concurrency version.
    pub(super) version: u64,
    pub(super) created_at: DateTime<Utc>,
    pub(super) updated_at: DateTime<Utc>,
}

impl Case {
    pub fn id(&self) -> CaseId {
        self.id
    }
    pub fn reference(&self) -> &Reference {
        &self.reference
    }
    pub fn status(&self) -> Status {
        self.status
    }
    pub fn is_paused(&self) -> bool {
        self.paused
    }
    pub fn channel(&self) -> Channel {
        self.data.channel
    }
    pub fn request_kind(&self) -> RequestKind {
        self.data.request_kind
    }
    pub fn urgent(&self) -> bool {
        self.data.urgent
    }
    pub fn batch(&self) -> Option<Batch> {
        self.data.batch
    }
    pub fn sender_ref(&self) -> Option<&str> {
        self.data.sender_ref.as_deref()
    }
    pub fn complainant(&self) -> &Complainant {
        &self.data.complainant
    }
    pub fn content(&self) -> &str {
        &self.data.content
    }
    pub fn address(&self) -> &str {
        &self.data.address
    }
    pub fn division(&self) -> duban_divisions::DivisionCode {
        self.data.division
    }
    pub fn coordinates(&self) -> Option<Coordinates> {
        self.data.coordinates
    }
    pub fn categories(&self) -> &[Category] {
        &self.data.categories
    }
    pub fn key_classes(&self) -> &[KeyClass] {
        &self.data.key_classes
    }
    pub fn is_key(&self) -> bool {
        self.data.is_key()
    }
    pub fn received_at(&self) -> DateTime<Utc> {
        self.data.received_at
    }
    pub fn lead_unit(&self) -> Option<&UnitId> {
        self.lead_unit.as_ref()
    }
    /// The extension a handler asked for, if a coordinator has not decided yet.
    pub fn pending_extension(&self) -> Option<&ExtensionRequest> {
        self.pending_extension.as_ref()
    }
    /// Escalation steps fired so far.
    pub fn escalations(&self) -> &[Escalation] {
        &self.escalations
    }
    fn fired(&self, clock: &Clock) -> Vec<duban_sla::Step> {
        self.escalations
            .iter()
            .filter(|e| e.stage == clock.stage() && e.clock_started == clock.started_at())
            .map(|e| e.step)
            .collect()
    }
    /// The steps fired, and for a historical import the steps already reached when it
    /// was imported: those are past, not news, and never fire.
    pub(super) fn settled(
        &self,
        clock: &Clock,
        cal: &duban_calendar::Calendar,
    ) -> Vec<duban_sla::Step> {
        let mut steps = self.fired(clock);
        if let Some(at) = self.historical {
            let past = clock.due_steps(at, cal, &steps);
            steps.extend(past.into_iter().map(|(step, _)| step));
        }
        steps
    }
    /// When the case was imported as historical (old cases whose past ladder steps do
    /// not fire), if it was.
    pub fn historical(&self) -> Option<DateTime<Utc>> {
        self.historical
    }
    /// When the sweeper next has something to fire for this case (none when no clock
    /// runs, or every step has fired).
    pub fn next_escalation_at(&self, cal: &duban_calendar::Calendar) -> Option<DateTime<Utc>> {
        if self.paused {
            return None;
        }
        self.clocks
            .iter()
            .filter_map(|c| c.next_step_at(cal, &self.settled(c, cal)))
            .min()
    }
    /// The highest ladder step a running clock has reached: how far the case has been
    /// escalated now (a case chased before dispatch is not still chased after it).
    pub fn current_escalation(&self) -> Option<duban_sla::Step> {
        self.clocks
            .iter()
            .filter(|c| !c.is_stopped())
            .flat_map(|c| self.fired(c))
            .max()
    }
    /// The routing rules behind the last dispatch.
    pub fn routed_by(&self) -> &[String] {
        &self.routed_by
    }
    /// Why the last dispatch went where it went (empty: units chosen by hand).
    pub fn routed_why(&self) -> &[RoutingReason] {
        &self.routed_why
    }
    pub fn co_units(&self) -> &[UnitId] {
        &self.co_units
    }
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }
    pub fn satisfaction(&self) -> Option<Satisfaction> {
        self.satisfaction
    }
    pub fn merged_into(&self) -> Option<CaseId> {
        self.merged_into
    }
    /// Whether the outcome may appear in the public disclosure.
    pub fn is_publishable(&self) -> bool {
        self.publishable
    }
    /// For a case whose result was reported: whether it was reported within the
    /// handling limit (办理上报), the province's on-time measure. None before a report.
    pub fn handled_on_time(&self) -> Option<bool> {
        let clock = self.clocks.iter().find(|c| c.stage() == Stage::Report)?;
        let stopped = clock.stopped_at()?;
        Some(stopped <= clock.due_at())
    }
    /// Repeats merged into this case, with their references.
    pub fn repeats(&self) -> &[(CaseId, Reference)] {
        &self.repeats
    }
    pub fn last_reason(&self) -> Option<&str> {
        self.last_reason.as_deref()
    }
    pub fn rule_set(&self) -> &str {
        &self.rule_set
    }
    pub fn clocks(&self) -> &[Clock] {
        &self.clocks
    }
    pub fn version(&self) -> u64 {
        self.version
    }
    pub fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
    pub fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }
    /// The same case with the complainant masked (see [`crate::model::Complainant::masked`]).
    pub fn with_complainant_masked(mut self) -> Case {
        self.data.complainant = self.data.complainant.masked();
        self
    }
    /// The case as read by someone without the right to the complainant (supervisors,
    /// leaders): complainant masked and every free text passed through
    /// [`crate::privacy::redact`] with the name the case records.
    pub fn redacted(mut self) -> Case {
        let name = self.data.complainant.name.clone();
        let redact = |t: &str| crate::privacy::redact(t, name.as_deref());
        if let Some(o) = &mut self.outcome {
            crate::privacy::redact_outcome(o, name.as_deref());
        }
        self.last_reason = self.last_reason.as_deref().map(redact);
        if let Some(p) = &mut self.pending_extension {
            p.reason = redact(&p.reason);
        }
        crate::privacy::redact_new_case(&mut self.data);
        self
    }

    /// The running clock that is due first: what the case is waiting for now.
    pub fn current_clock(&self) -> Option<&Clock> {
        self.clocks
            .iter()
            .filter(|c| !c.is_stopped())
            .min_by_key(|c| c.due_at())
    }
    /// The actions allowed now; [`super::decide`] refuses every other.
    pub fn allowed_actions(&self) -> Vec<ActionKind> {
        use ActionKind as A;
        if self.paused {
            return vec![A::Resume];
        }
        match self.status {
            Status::Received | Status::Returned => vec![A::Dispatch, A::Pause, A::Merge],
            Status::Dispatched | Status::SignedFor | Status::InProgress => {
                let mut v = match self.status {
                    Status::Dispatched => vec![A::SignFor, A::Return],
                    Status::SignedFor => vec![A::StartHandling, A::Report],
                    _ => vec![A::Report],
                };
                v.extend([A::Pause, A::Extend]);
                // The handler asks; a coordinator grants (extend) or refuses.
                v.push(if self.pending_extension.is_some() {
                    A::RefuseExtension
                } else {
                    A::RequestExtension
                });
                v.push(A::Merge);
                v
            }
            Status::Reported => vec![A::Approve, A::SendBack],
            Status::StageClosed | Status::Closed | Status::Archived => {
                let mut v = match self.status {
                    Status::StageClosed => vec![A::Close, A::ReturnVisit, A::Reopen],
                    Status::Closed => vec![A::ReturnVisit, A::Reopen],
                    _ => vec![A::Reopen],
                };
                v.push(if self.publishable {
                    A::Unpublish
                } else {
                    A::Publish
                });
                v
            }
            Status::Merged => vec![],
        }
    }
    pub(super) fn facts(&self) -> Facts {
        Facts {
            urgent: self.data.urgent,
            kind: self.data.request_kind,
        }
    }
}
