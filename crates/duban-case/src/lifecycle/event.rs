//! What a case's log records: events, their codes and labels, and what they carry.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use duban_sla::{Clock, Limit, Stage};

use crate::Lang;
use crate::draft::{NewCase, Outcome};
use crate::model::{CaseId, Closure, Reference, Satisfaction, UnitId};
use duban_text::key;

/// A recorded change: who, when, what, and the clocks it started or changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub actor: String,
    #[serde(flatten)]
    pub kind: EventKind,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clocks: Vec<Clock>,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    Received {
        id: CaseId,
        reference: Reference,
        rule_set: String,
        case: Box<NewCase>,
        /// Set when a batch import registered old cases as historical: the clocks run
        /// from their receipt as usual, but ladder steps already reached at this
        /// instant never fire.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        historical: Option<DateTime<Utc>>,
    },
    Dispatched {
        lead_unit: UnitId,
        co_units: Vec<UnitId>,
        note: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        routed_by: Vec<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        why: Vec<RoutingReason>,
    },
    SignedFor,
    Returned {
        reason: String,
    },
    HandlingStarted {
        note: String,
    },
    Reported {
        outcome: Outcome,
    },
    Approved {
        closure: Closure,
    },
    SentBack {
        comments: String,
    },
    Closed,
    ReturnVisited {
        satisfaction: Satisfaction,
        note: String,
    },
    Reopened {
        reason: String,
    },
    Paused {
        reason: String,
    },
    Resumed,
    Extended {
        by: Limit,
        reason: String,
    },
    Merged {
        primary: CaseId,
        /// The primary's reference, for people reading this case's history.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        primary_reference: Option<Reference>,
    },
    /// On the primary: a repeat was merged into it. The primary becomes a key case
    /// of the class 重复信访件; its own clocks run on.
    RepeatAttached {
        repeat: CaseId,
        reference: Reference,
    },
    /// The handler asks for more time; a coordinator extends or refuses.
    ExtensionRequested {
        by: Limit,
        reason: String,
    },
    ExtensionRefused {
        reason: String,
    },
    /// A coordinator cleared the outcome for publication.
    Published,
    /// Taken off the public page again.
    Unpublished {
        reason: String,
    },
    /// A clock climbed a rung of the escalation ladder (fired by the server's sweeper).
    Escalated {
        stage: Stage,
        /// When the clock it belongs to started (a restarted clock climbs anew).
        clock_started: DateTime<Utc>,
        step: duban_sla::Step,
        /// When the step was reached (earlier than the event after downtime).
        reached_at: DateTime<Utc>,
    },
}

/// One routing rule's explanation of a dispatch ("牵头：镇江市人民政府，依据规则…"), kept
/// in both languages as the rules gave it at the time, so a later edit of the rules
/// does not rewrite why a case went where it went.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingReason {
    pub zh: String,
    pub en: String,
}

impl RoutingReason {
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// An extension asked for and not yet decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionRequest {
    pub by: Limit,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
}

/// A step of the escalation ladder a clock has fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Escalation {
    pub stage: Stage,
    pub clock_started: DateTime<Utc>,
    pub step: duban_sla::Step,
    pub reached_at: DateTime<Utc>,
    pub fired_at: DateTime<Utc>,
}

impl Event {
    /// The same event with any complainant data masked.
    pub fn with_complainant_masked(mut self) -> Event {
        if let EventKind::Received { case, .. } = &mut self.kind {
            case.complainant = case.complainant.masked();
        }
        self
    }
    /// The event as read without the right to the complainant: complainant masked and
    /// every free text passed through [`crate::privacy::redact`] with `name`, the name
    /// the case records.
    pub fn redacted(mut self, name: Option<&str>) -> Event {
        let redact = |t: &mut String| *t = crate::privacy::redact(t, name);
        match &mut self.kind {
            EventKind::Received { case, .. } => crate::privacy::redact_new_case(case),
            EventKind::Reported { outcome } => crate::privacy::redact_outcome(outcome, name),
            EventKind::Dispatched { note, .. }
            | EventKind::HandlingStarted { note }
            | EventKind::ReturnVisited { note, .. } => redact(note),
            EventKind::SentBack { comments } => redact(comments),
            EventKind::Returned { reason }
            | EventKind::Reopened { reason }
            | EventKind::Paused { reason }
            | EventKind::Extended { reason, .. }
            | EventKind::ExtensionRequested { reason, .. }
            | EventKind::ExtensionRefused { reason }
            | EventKind::Unpublished { reason } => redact(reason),
            EventKind::SignedFor
            | EventKind::Approved { .. }
            | EventKind::Closed
            | EventKind::Resumed
            | EventKind::Merged { .. }
            | EventKind::RepeatAttached { .. }
            | EventKind::Published
            | EventKind::Escalated { .. } => {}
        }
        self
    }
}

impl EventKind {
    pub fn code(&self) -> &'static str {
        match self {
            EventKind::Received { .. } => "received",
            EventKind::Dispatched { .. } => "dispatched",
            EventKind::SignedFor => "signed_for",
            EventKind::Returned { .. } => "returned",
            EventKind::HandlingStarted { .. } => "handling_started",
            EventKind::Reported { .. } => "reported",
            EventKind::Approved { .. } => "approved",
            EventKind::SentBack { .. } => "sent_back",
            EventKind::Closed => "closed",
            EventKind::ReturnVisited { .. } => "return_visited",
            EventKind::Reopened { .. } => "reopened",
            EventKind::Paused { .. } => "paused",
            EventKind::Resumed => "resumed",
            EventKind::Extended { .. } => "extended",
            EventKind::Merged { .. } => "merged",
            EventKind::RepeatAttached { .. } => "repeat_attached",
            EventKind::Escalated { .. } => "escalated",
            EventKind::Published => "published",
            EventKind::Unpublished { .. } => "unpublished",
            EventKind::ExtensionRequested { .. } => "extension_requested",
            EventKind::ExtensionRefused { .. } => "extension_refused",
        }
    }
    /// The display name: the catalogue's `case.event.<code>`, or for an escalation the
    /// ladder's step's, `sla.step.<code>` (through duban-sla).
    pub fn label(&self, lang: Lang) -> &'static str {
        let key = match self {
            EventKind::Escalated { step, .. } => return step.name(lang),
            EventKind::Received { .. } => key!("case.event.received"),
            EventKind::Dispatched { .. } => key!("case.event.dispatched"),
            EventKind::SignedFor => key!("case.event.signed_for"),
            EventKind::Returned { .. } => key!("case.event.returned"),
            EventKind::HandlingStarted { .. } => key!("case.event.handling_started"),
            EventKind::Reported { .. } => key!("case.event.reported"),
            EventKind::Approved { .. } => key!("case.event.approved"),
            EventKind::SentBack { .. } => key!("case.event.sent_back"),
            EventKind::Closed => key!("case.event.closed"),
            EventKind::ReturnVisited { .. } => key!("case.event.return_visited"),
            EventKind::Reopened { .. } => key!("case.event.reopened"),
            EventKind::Paused { .. } => key!("case.event.paused"),
            EventKind::Resumed => key!("case.event.resumed"),
            EventKind::Extended { .. } => key!("case.event.extended"),
            EventKind::Merged { .. } => key!("case.event.merged"),
            EventKind::RepeatAttached { .. } => key!("case.event.repeat_attached"),
            EventKind::Published => key!("case.event.published"),
            EventKind::Unpublished { .. } => key!("case.event.unpublished"),
            EventKind::ExtensionRequested { .. } => key!("case.event.extension_requested"),
            EventKind::ExtensionRefused { .. } => key!("case.event.extension_refused"),
        };
        key.get(lang)
    }
}
