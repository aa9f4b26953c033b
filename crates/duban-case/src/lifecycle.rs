//! The life cycle as pure functions: [`decide`] turns a command into events or an error,
//! [`apply`] folds an event into the state. Time, ids, the actor, the rule set and the
//! calendar all come in through [`Ctx`]; nothing here reads a clock.
//!
//! Events carry the SLA clocks they start or change, so replaying a log needs neither
//! the calendar nor the rule set and gives the same state even after either changed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use duban_calendar::Calendar;
use duban_sla::{Clock, Facts, Limit, RequestKind, RuleSet, Stage, TimeUnit};

use crate::Lang;
use crate::draft::{NewCase, Outcome, OutcomeDraft};
use crate::error::{CaseError, Errors};
use crate::model::{
    Batch, CaseId, Category, Channel, Closure, Complainant, Coordinates, KeyClass, Reference,
    Satisfaction, Status, UnitId,
};

/// What a decision needs from outside.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub now: DateTime<Utc>,
    /// Who acts (a user id or `system`).
    pub actor: &'a str,
    /// The rule set the case runs under.
    pub rules: &'a RuleSet,
    pub calendar: &'a Calendar,
}

/// The rule set a new case runs under (an id of [`duban_sla::defaults`]).
pub fn rule_set_for(case: &NewCase) -> &'static str {
    if case.is_key() {
        "key_items"
    } else {
        match case.channel {
            Channel::Hotline12345 => "hotline_12345",
            Channel::LetterVisit | Channel::Online => "petitions_2022",
            _ => "inspection_transfer",
        }
    }
}

/// A case's current state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    id: CaseId,
    reference: Reference,
    #[serde(flatten)]
    data: NewCase,
    status: Status,
    paused: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lead_unit: Option<UnitId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    co_units: Vec<UnitId>,
    /// The routing rules behind the last dispatch (to see which rules misroute).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    routed_by: Vec<String>,
    /// Why the last dispatch went where it went, as the rules explained it then.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    routed_why: Vec<RoutingReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    outcome: Option<Outcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    satisfaction: Option<Satisfaction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    merged_into: Option<CaseId>,
    /// A coordinator cleared the outcome for the public disclosure (信息公开).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    publishable: bool,
    /// Repeats merged into this case (重信重访), with their references.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    repeats: Vec<(CaseId, Reference)>,
    /// The last reason given (return, send-back comments, pause, reopen).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_reason: Option<String>,
    rule_set: String,
    clocks: Vec<Clock>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    extensions: Vec<Limit>,
    /// An extension the handler asked for, waiting for a coordinator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pending_extension: Option<ExtensionRequest>,
    /// Escalation steps fired, per clock.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    escalations: Vec<Escalation>,
    /// Imported as a historical case at this instant: ladder steps reached before it
    /// never fire (see [`EventKind::Received`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    historical: Option<DateTime<Utc>>,
    /// Number of events applied: the optimistic-concurrency version.
    version: u64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
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
    fn settled(&self, clock: &Clock, cal: &duban_calendar::Calendar) -> Vec<duban_sla::Step> {
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
    /// The actions allowed now; [`decide`] refuses every other.
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
    fn facts(&self) -> Facts {
        Facts {
            urgent: self.data.urgent,
            kind: self.data.request_kind,
        }
    }
}

macro_rules! actions {
    ($($variant:ident = $code:literal, $zh:literal, $en:literal;)+) => {
        /// The kinds of life-cycle action.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum ActionKind { $($variant,)+ }
        impl ActionKind {
            pub const ALL: &'static [ActionKind] = &[$(ActionKind::$variant,)+];
            pub fn code(self) -> &'static str { match self { $(ActionKind::$variant => $code,)+ } }
            pub fn label(self, lang: Lang) -> &'static str {
                match (self, lang) { $((ActionKind::$variant, Lang::Zh) => $zh, (ActionKind::$variant, Lang::En) => $en,)+ }
            }
        }
    };
}

actions! {
    Dispatch = "dispatch", "交办", "Dispatch";
    SignFor = "sign_for", "签收", "Sign for";
    Return = "return", "退回（错派）", "Return as misrouted";
    StartHandling = "start_handling", "开始办理", "Start handling";
    Report = "report", "上报结果", "Report result";
    Approve = "approve", "审核通过", "Approve";
    SendBack = "send_back", "退回重办", "Send back to redo";
    Close = "close", "办结", "Close";
    ReturnVisit = "return_visit", "回访", "Return visit";
    Reopen = "reopen", "重新办理", "Reopen";
    Pause = "pause", "挂起", "Pause";
    Resume = "resume", "恢复", "Resume";
        Extend = "extend", "延期", "Extend deadline";
    RequestExtension = "request_extension", "申请延期", "Request an extension";
    RefuseExtension = "refuse_extension", "驳回延期申请", "Refuse the extension";
    Merge = "merge", "合并到主件", "Merge into primary";
    Publish = "publish", "同意公开", "Clear for publication";
    Unpublish = "unpublish", "撤回公开", "Withdraw from publication";
}

/// A command as sent by a person. Free text is validated by [`decide`].
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = CaseCommand))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Command {
    Dispatch {
        lead_unit: String,
        #[serde(default)]
        co_units: Vec<String>,
        #[serde(default)]
        note: String,
        /// Ids of the routing rules that proposed these units (set by the server).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        routed_by: Vec<String>,
        /// Those rules' explanations (set by the server with `routed_by`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        why: Vec<RoutingReason>,
    },
    SignFor,
    Return {
        #[serde(default)]
        reason: String,
    },
    StartHandling {
        #[serde(default)]
        note: String,
    },
    Report {
        #[serde(default)]
        outcome: OutcomeDraft,
    },
    Approve {
        #[serde(default)]
        closure: String,
    },
    SendBack {
        #[serde(default)]
        comments: String,
    },
    Close,
    ReturnVisit {
        #[serde(default)]
        satisfaction: String,
        #[serde(default)]
        note: String,
    },
    Reopen {
        #[serde(default)]
        reason: String,
    },
    Pause {
        #[serde(default)]
        reason: String,
    },
    Resume,
    Extend {
        #[serde(default)]
        amount: u32,
        #[serde(default)]
        unit: String,
        #[serde(default)]
        reason: String,
    },
    RequestExtension {
        #[serde(default)]
        amount: u32,
        #[serde(default)]
        unit: String,
        #[serde(default)]
        reason: String,
    },
    RefuseExtension {
        #[serde(default)]
        reason: String,
    },
    Merge {
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
        primary: CaseId,
    },
    /// Clear the outcome for the public disclosure page.
    Publish,
    Unpublish {
        #[serde(default)]
        reason: String,
    },
}

impl Command {
    pub fn kind(&self) -> ActionKind {
        match self {
            Command::Dispatch { .. } => ActionKind::Dispatch,
            Command::SignFor => ActionKind::SignFor,
            Command::Return { .. } => ActionKind::Return,
            Command::StartHandling { .. } => ActionKind::StartHandling,
            Command::Report { .. } => ActionKind::Report,
            Command::Approve { .. } => ActionKind::Approve,
            Command::SendBack { .. } => ActionKind::SendBack,
            Command::Close => ActionKind::Close,
            Command::ReturnVisit { .. } => ActionKind::ReturnVisit,
            Command::Reopen { .. } => ActionKind::Reopen,
            Command::Pause { .. } => ActionKind::Pause,
            Command::Resume => ActionKind::Resume,
            Command::Extend { .. } => ActionKind::Extend,
            Command::RequestExtension { .. } => ActionKind::RequestExtension,
            Command::RefuseExtension { .. } => ActionKind::RefuseExtension,
            Command::Merge { .. } => ActionKind::Merge,
            Command::Publish => ActionKind::Publish,
            Command::Unpublish { .. } => ActionKind::Unpublish,
        }
    }
    /// The reason or note a person gave with the command (for the audit trail); empty
    /// when the command carries none.
    pub fn reason(&self) -> &str {
        match self {
            Command::Dispatch { note, .. }
            | Command::StartHandling { note }
            | Command::ReturnVisit { note, .. } => note,
            Command::Return { reason }
            | Command::Reopen { reason }
            | Command::Pause { reason }
            | Command::Extend { reason, .. }
            | Command::RequestExtension { reason, .. }
            | Command::RefuseExtension { reason }
            | Command::Unpublish { reason } => reason,
            Command::SendBack { comments } => comments,
            Command::Report { .. }
            | Command::SignFor
            | Command::Approve { .. }
            | Command::Close
            | Command::Resume
            | Command::Merge { .. }
            | Command::Publish => "",
        }
    }
    /// Unit ids the command names (the caller checks they exist).
    pub fn unit_ids(&self) -> Vec<(String, &str)> {
        match self {
            Command::Dispatch {
                lead_unit,
                co_units,
                ..
            } => std::iter::once(("lead_unit".to_owned(), lead_unit.as_str()))
                .chain(
                    co_units
                        .iter()
                        .enumerate()
                        .map(|(i, u)| (format!("co_units[{i}]"), u.as_str())),
                )
                .collect(),
            _ => vec![],
        }
    }
}

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
    pub fn label(&self, lang: Lang) -> &'static str {
        let zh = matches!(lang, Lang::Zh);
        match self {
            EventKind::Received { .. } => {
                if zh {
                    "收件登记"
                } else {
                    "Received"
                }
            }
            EventKind::Dispatched { .. } => {
                if zh {
                    "交办"
                } else {
                    "Dispatched"
                }
            }
            EventKind::SignedFor => {
                if zh {
                    "签收"
                } else {
                    "Signed for"
                }
            }
            EventKind::Returned { .. } => {
                if zh {
                    "退回（错派）"
                } else {
                    "Returned as misrouted"
                }
            }
            EventKind::HandlingStarted { .. } => {
                if zh {
                    "开始办理"
                } else {
                    "Handling started"
                }
            }
            EventKind::Reported { .. } => {
                if zh {
                    "上报办理结果"
                } else {
                    "Result reported"
                }
            }
            EventKind::Approved { .. } => {
                if zh {
                    "审核通过"
                } else {
                    "Approved"
                }
            }
            EventKind::SentBack { .. } => {
                if zh {
                    "退回重办"
                } else {
                    "Sent back to redo"
                }
            }
            EventKind::Closed => {
                if zh {
                    "办结"
                } else {
                    "Closed"
                }
            }
            EventKind::ReturnVisited { .. } => {
                if zh {
                    "回访"
                } else {
                    "Return visit"
                }
            }
            EventKind::Reopened { .. } => {
                if zh {
                    "重新办理"
                } else {
                    "Reopened"
                }
            }
            EventKind::Paused { .. } => {
                if zh {
                    "挂起"
                } else {
                    "Paused"
                }
            }
            EventKind::Resumed => {
                if zh {
                    "恢复"
                } else {
                    "Resumed"
                }
            }
            EventKind::Extended { .. } => {
                if zh {
                    "延期"
                } else {
                    "Deadline extended"
                }
            }
            EventKind::Merged { .. } => {
                if zh {
                    "合并到主件"
                } else {
                    "Merged into primary"
                }
            }
            EventKind::RepeatAttached { .. } => {
                if zh {
                    "重复件并入"
                } else {
                    "Repeat merged in"
                }
            }
            EventKind::Published => {
                if zh {
                    "同意公开"
                } else {
                    "Cleared for publication"
                }
            }
            EventKind::Unpublished { .. } => {
                if zh {
                    "撤回公开"
                } else {
                    "Withdrawn from publication"
                }
            }
            EventKind::Escalated { step, .. } => {
                if zh {
                    step.name_zh()
                } else {
                    step.name_en()
                }
            }
            EventKind::ExtensionRequested { .. } => {
                if zh {
                    "申请延期"
                } else {
                    "Extension requested"
                }
            }
            EventKind::ExtensionRefused { .. } => {
                if zh {
                    "延期申请被驳回"
                } else {
                    "Extension refused"
                }
            }
        }
    }
}

/// The event that opens a case; its clocks start at the receipt time.
pub fn receive(id: CaseId, reference: Reference, case: NewCase, ctx: &Ctx<'_>) -> Event {
    let facts = Facts {
        urgent: case.urgent,
        kind: case.request_kind,
    };
    let clocks = [Stage::Dispatch, Stage::Acceptance]
        .into_iter()
        .filter_map(|s| ctx.rules.start(s, &facts, case.received_at, ctx.calendar))
        .collect();
    Event {
        at: ctx.now,
        actor: ctx.actor.to_owned(),
        kind: EventKind::Received {
            id,
            reference,
            rule_set: ctx.rules.id().to_owned(),
            case: Box::new(case),
            historical: None,
        },
        clocks,
    }
}

/// The opening event of a case imported as historical at `ev.at`: reminders and
/// escalations already due at the import never fire (the coordinator's choice on
/// importing an old list).
pub fn as_historical(mut ev: Event) -> Event {
    if let EventKind::Received { historical, .. } = &mut ev.kind {
        *historical = Some(ev.at);
    }
    ev
}

/// The state after the opening event; `None` when it is not a `Received` event.
pub fn open(ev: &Event) -> Option<Case> {
    let EventKind::Received {
        id,
        reference,
        rule_set,
        case,
        historical,
    } = &ev.kind
    else {
        return None;
    };
    Some(Case {
        id: *id,
        reference: reference.clone(),
        data: (**case).clone(),
        status: Status::Received,
        paused: false,
        lead_unit: None,
        co_units: vec![],
        routed_by: vec![],
        routed_why: vec![],
        outcome: None,
        satisfaction: None,
        merged_into: None,
        publishable: false,
        repeats: vec![],
        last_reason: None,
        rule_set: rule_set.clone(),
        clocks: ev.clocks.clone(),
        extensions: vec![],
        pending_extension: None,
        escalations: vec![],
        historical: *historical,
        version: 1,
        created_at: ev.at,
        updated_at: ev.at,
    })
}

/// Rebuild a state from its whole log.
pub fn replay<'a>(events: impl IntoIterator<Item = &'a Event>) -> Option<Case> {
    let mut it = events.into_iter();
    let first = open(it.next()?)?;
    Some(it.fold(first, apply))
}

const REASON_MIN: usize = 2;
const REASON_MAX: usize = 1000;

fn reason(field: &str, s: &str) -> Result<String, CaseError> {
    let t = s.trim();
    let n = t.chars().count();
    if n == 0 {
        Err(CaseError::Required {
            field: field.into(),
        })
    } else if n < REASON_MIN {
        Err(CaseError::TooShort {
            field: field.into(),
            min: REASON_MIN,
            actual: n,
        })
    } else if n > REASON_MAX {
        Err(CaseError::TooLong {
            field: field.into(),
            max: REASON_MAX,
            actual: n,
        })
    } else {
        Ok(t.to_owned())
    }
}

fn note(field: &str, s: &str) -> Result<String, CaseError> {
    if s.trim().is_empty() {
        Ok(String::new())
    } else {
        reason(field, s)
    }
}

fn unit(field: &str, s: &str) -> Result<UnitId, CaseError> {
    if s.trim().is_empty() {
        return Err(CaseError::Required {
            field: field.into(),
        });
    }
    UnitId::parse(s).ok_or_else(|| CaseError::UnknownUnit {
        field: field.into(),
        value: s.into(),
    })
}

/// Decide what a command does to a case: the events to record, or why not.
pub fn decide(case: &Case, cmd: &Command, ctx: &Ctx<'_>) -> Result<Vec<Event>, Errors> {
    let kind = cmd.kind();
    if !case.allowed_actions().contains(&kind) {
        return Err(if case.paused && kind == ActionKind::Pause {
            CaseError::Paused
        } else if !case.paused && kind == ActionKind::Resume {
            CaseError::NotPaused
        } else {
            CaseError::TransitionNotAllowed {
                action: kind.code().into(),
                from: case.status,
            }
        }
        .into());
    }
    let now = ctx.now;
    let cal = ctx.calendar;
    let facts = case.facts();
    let start = |stage: Stage| ctx.rules.start(stage, &facts, now, cal);
    let stop = |stages: &[Stage]| -> Vec<Clock> {
        case.clocks
            .iter()
            .filter(|c| stages.contains(&c.stage()) && !c.is_stopped())
            .cloned()
            .map(|mut c| {
                c.stop(now, cal);
                c
            })
            .collect()
    };
    let event = |kind: EventKind, clocks: Vec<Clock>| Event {
        at: now,
        actor: ctx.actor.to_owned(),
        kind,
        clocks,
    };

    let events = match cmd {
        Command::Dispatch {
            lead_unit,
            co_units,
            note: n,
            routed_by,
            why,
        } => {
            let mut errs = Errors::default();
            let lead = unit("lead_unit", lead_unit).map_err(|e| errs.push(e)).ok();
            let mut cos: Vec<UnitId> = Vec::new();
            for (i, u) in co_units.iter().enumerate() {
                let field = format!("co_units[{i}]");
                match unit(&field, u) {
                    Ok(u) if Some(&u) == lead.as_ref() || cos.contains(&u) => {
                        errs.push(CaseError::Duplicate {
                            field,
                            value: u.to_string(),
                        })
                    }
                    Ok(u) => cos.push(u),
                    Err(e) => errs.push(e),
                }
            }
            let n = note("note", n).map_err(|e| errs.push(e)).ok();
            for (i, r) in routed_by.iter().enumerate() {
                let ok = !r.is_empty()
                    && r.len() <= 40
                    && r.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                if !ok || i >= 20 {
                    errs.push(CaseError::UnknownValue {
                        field: format!("routed_by[{i}]"),
                        value: r.clone(),
                    });
                }
            }
            for (i, r) in why.iter().enumerate() {
                let long = |t: &str| t.chars().count() > REASON_MAX;
                if i >= 20 || long(&r.zh) || long(&r.en) {
                    errs.push(CaseError::UnknownValue {
                        field: format!("why[{i}]"),
                        value: r.zh.chars().take(40).collect(),
                    });
                }
            }
            let (Some(lead), Some(n)) = (lead, n) else {
                return Err(errs);
            };
            if !errs.is_empty() {
                return Err(errs);
            }
            let clocks = stop(&[Stage::Dispatch])
                .into_iter()
                .chain(start(Stage::SignFor))
                .collect();
            vec![event(
                EventKind::Dispatched {
                    lead_unit: lead,
                    co_units: cos,
                    note: n,
                    routed_by: routed_by.clone(),
                    why: why.clone(),
                },
                clocks,
            )]
        }
        Command::SignFor => {
            let clocks = stop(&[Stage::SignFor])
                .into_iter()
                .chain(start(Stage::FirstContact))
                .chain(start(Stage::Report))
                .collect();
            vec![event(EventKind::SignedFor, clocks)]
        }
        Command::Return { reason: r } => {
            let r = reason("reason", r)?;
            let clocks = stop(&[Stage::SignFor])
                .into_iter()
                .chain(start(Stage::Dispatch))
                .collect();
            vec![event(EventKind::Returned { reason: r }, clocks)]
        }
        Command::StartHandling { note: n } => {
            let n = note("note", n)?;
            vec![event(
                EventKind::HandlingStarted { note: n },
                stop(&[Stage::FirstContact, Stage::Acceptance]),
            )]
        }
        Command::Report { outcome } => {
            let outcome = Outcome::parse(outcome)?;
            let clocks = stop(&[Stage::Report, Stage::FirstContact, Stage::Acceptance])
                .into_iter()
                .chain(start(Stage::Review))
                .collect();
            vec![event(EventKind::Reported { outcome }, clocks)]
        }
        Command::Approve { closure } => {
            let closure = match closure.trim() {
                "" => Closure::Closed,
                s => s.parse::<Closure>().map_err(|_| CaseError::UnknownValue {
                    field: "closure".into(),
                    value: s.into(),
                })?,
            };
            let clocks = stop(&[Stage::Review])
                .into_iter()
                .chain(start(Stage::ReturnVisit))
                .collect();
            vec![event(EventKind::Approved { closure }, clocks)]
        }
        Command::SendBack { comments } => {
            let c = reason("comments", comments)?;
            let clocks = stop(&[Stage::Review])
                .into_iter()
                .chain(start(Stage::Report))
                .collect();
            vec![event(EventKind::SentBack { comments: c }, clocks)]
        }
        Command::Close => vec![event(EventKind::Closed, vec![])],
        Command::Publish => vec![event(EventKind::Published, vec![])],
        Command::Unpublish { reason: r } => {
            let r = reason("reason", r)?;
            vec![event(EventKind::Unpublished { reason: r }, vec![])]
        }
        Command::ReturnVisit {
            satisfaction,
            note: n,
        } => {
            let s = match satisfaction.trim() {
                "" => {
                    return Err(CaseError::Required {
                        field: "satisfaction".into(),
                    }
                    .into());
                }
                s => s
                    .parse::<Satisfaction>()
                    .map_err(|_| CaseError::UnknownValue {
                        field: "satisfaction".into(),
                        value: s.into(),
                    })?,
            };
            let n = if s == Satisfaction::Unsatisfied {
                reason("note", n)?
            } else {
                note("note", n)?
            };
            let visited = event(
                EventKind::ReturnVisited {
                    satisfaction: s,
                    note: n.clone(),
                },
                stop(&[Stage::ReturnVisit]),
            );
            if s == Satisfaction::Unsatisfied {
                vec![
                    visited,
                    event(
                        EventKind::Reopened { reason: n },
                        start(Stage::Report).into_iter().collect(),
                    ),
                ]
            } else {
                vec![visited]
            }
        }
        Command::Reopen { reason: r } => {
            let r = reason("reason", r)?;
            let clocks = stop(&[Stage::ReturnVisit])
                .into_iter()
                .chain(start(Stage::Report))
                .collect();
            vec![event(EventKind::Reopened { reason: r }, clocks)]
        }
        Command::Pause { reason: r } => {
            let r = reason("reason", r)?;
            let clocks = running(case)
                .map(|mut c| {
                    let _ = c.pause(now);
                    c
                })
                .collect();
            vec![event(EventKind::Paused { reason: r }, clocks)]
        }
        Command::Resume => {
            let clocks = case
                .clocks
                .iter()
                .filter(|c| c.paused_at().is_some() && !c.is_stopped())
                .cloned()
                .map(|mut c| {
                    let _ = c.resume(now, cal);
                    c
                })
                .collect();
            vec![event(EventKind::Resumed, clocks)]
        }
        Command::RequestExtension {
            amount,
            unit: u,
            reason: r,
        } => {
            let (by, r) = extension(case, *amount, u, r, ctx)?;
            if extendable(case).next().is_none() {
                return Err(CaseError::NothingToExtend.into());
            }
            vec![event(
                EventKind::ExtensionRequested { by, reason: r },
                vec![],
            )]
        }
        Command::RefuseExtension { reason: r } => {
            if case.pending_extension.is_none() {
                return Err(CaseError::TransitionNotAllowed {
                    action: ActionKind::RefuseExtension.code().into(),
                    from: case.status,
                }
                .into());
            }
            let r = reason("reason", r)?;
            vec![event(EventKind::ExtensionRefused { reason: r }, vec![])]
        }
        Command::Extend {
            amount,
            unit: u,
            reason: r,
        } => {
            let (by, r) = extension(case, *amount, u, r, ctx)?;
            let clocks: Vec<Clock> = extendable(case)
                .map(|mut c| {
                    let _ = c.extend(by, cal);
                    c
                })
                .collect();
            if clocks.is_empty() {
                return Err(CaseError::NothingToExtend.into());
            }
            vec![event(EventKind::Extended { by, reason: r }, clocks)]
        }
        Command::Merge { primary } => {
            if *primary == case.id {
                return Err(CaseError::MergeIntoSelf.into());
            }
            let all: Vec<Stage> = Stage::ALL.to_vec();
            vec![event(
                EventKind::Merged {
                    primary: *primary,
                    primary_reference: None,
                },
                stop(&all),
            )]
        }
    };
    Ok(events)
}

/// A valid extension of the running clocks: a known unit, a reason, and within the rule
/// set's maximum counted together with earlier extensions.
fn extension(
    case: &Case,
    amount: u32,
    unit: &str,
    r: &str,
    ctx: &Ctx<'_>,
) -> Result<(Limit, String), Errors> {
    let (now, cal) = (ctx.now, ctx.calendar);
    let mut errs = Errors::default();
    let unit = parse_unit(unit).map_err(|e| errs.push(e)).ok();
    let r = reason("reason", r).map_err(|e| errs.push(e)).ok();
    let (Some(unit), Some(r)) = (unit, r) else {
        return Err(errs);
    };
    let by = Limit::new(amount, unit).map_err(|_| CaseError::OutOfRange {
        field: "extension.amount".into(),
        min: 1,
        max: 100_000,
    })?;
    let max = ctx
        .rules
        .max_extension()
        .ok_or(CaseError::ExtensionNotAllowed)?;
    // Compare lengths from now so that different units compare fairly.
    let used = case
        .extensions
        .iter()
        .fold(now, |t, l| l.extend_from(t, cal));
    let total = by.extend_from(used, cal);
    if total > max.extend_from(now, cal) {
        return Err(CaseError::ExtensionTooLong.into());
    }
    Ok((by, r))
}

/// The escalation steps the case's running clocks have reached by `now` and not fired:
/// one event each, in ladder order, by `actor` (the sweeper). Firing them again finds
/// nothing: each step fires once per clock.
pub fn escalate(
    case: &Case,
    now: DateTime<Utc>,
    cal: &duban_calendar::Calendar,
    actor: &str,
) -> Vec<Event> {
    if case.paused {
        return vec![];
    }
    let mut out = Vec::new();
    for clock in &case.clocks {
        for (step, reached_at) in clock.due_steps(now, cal, &case.settled(clock, cal)) {
            out.push(Event {
                at: now,
                actor: actor.to_owned(),
                kind: EventKind::Escalated {
                    stage: clock.stage(),
                    clock_started: clock.started_at(),
                    step,
                    reached_at,
                },
                clocks: vec![],
            });
        }
    }
    out
}

/// Merge a confirmed repeat into its primary: the repeat's `Merged` (its clocks stop,
/// its history stays) and the primary's `RepeatAttached` (it becomes a 重复信访件 key
/// case; its own clocks run on). Both are stored together.
pub fn merge_repeat(
    repeat: &Case,
    primary: &Case,
    ctx: &Ctx<'_>,
) -> Result<(Vec<Event>, Vec<Event>), Errors> {
    if primary.status == Status::Merged {
        return Err(CaseError::TransitionNotAllowed {
            action: "merge".into(),
            from: primary.status,
        }
        .into());
    }
    let mut merged = decide(
        repeat,
        &Command::Merge {
            primary: primary.id,
        },
        ctx,
    )?;
    for e in &mut merged {
        if let EventKind::Merged {
            primary_reference, ..
        } = &mut e.kind
        {
            *primary_reference = Some(primary.reference.clone());
        }
    }
    let attached = vec![Event {
        at: ctx.now,
        actor: ctx.actor.to_owned(),
        kind: EventKind::RepeatAttached {
            repeat: repeat.id,
            reference: repeat.reference.clone(),
        },
        clocks: vec![],
    }];
    Ok((merged, attached))
}

/// The running clocks an extension moves: the handling deadlines, not the notices owed
/// to the complainant (acceptance, first contact), which no extension postpones.
fn extendable(case: &Case) -> impl Iterator<Item = Clock> + '_ {
    running(case).filter(|c| !matches!(c.stage(), Stage::Acceptance | Stage::FirstContact))
}

fn running(case: &Case) -> impl Iterator<Item = Clock> + '_ {
    case.clocks.iter().filter(|c| c.is_running()).cloned()
}

fn parse_unit(s: &str) -> Result<TimeUnit, CaseError> {
    let v = s.trim().parse::<TimeUnit>().ok();
    v.ok_or_else(|| {
        if s.trim().is_empty() {
            CaseError::Required {
                field: "extension.unit".into(),
            }
        } else {
            CaseError::UnknownValue {
                field: "extension.unit".into(),
                value: s.into(),
            }
        }
    })
}

/// Fold one event into the state. Total: an event that does not fit is still recorded
/// in the version (the log is the truth; `decide` keeps it consistent).
pub fn apply(mut case: Case, ev: &Event) -> Case {
    match &ev.kind {
        EventKind::Received { .. } => {}
        EventKind::Dispatched {
            lead_unit,
            co_units,
            routed_by,
            why,
            ..
        } => {
            case.status = Status::Dispatched;
            case.lead_unit = Some(lead_unit.clone());
            case.co_units = co_units.clone();
            case.routed_by = routed_by.clone();
            case.routed_why = why.clone();
        }
        EventKind::SignedFor => case.status = Status::SignedFor,
        EventKind::Returned { reason } => {
            case.status = Status::Returned;
            case.last_reason = Some(reason.clone());
        }
        EventKind::HandlingStarted { .. } => case.status = Status::InProgress,
        EventKind::Reported { outcome } => {
            case.status = Status::Reported;
            case.outcome = Some(outcome.clone());
        }
        EventKind::Approved { closure } => {
            case.status = match closure {
                Closure::Closed => Status::Closed,
                Closure::StageClosed => Status::StageClosed,
            }
        }
        EventKind::SentBack { comments } => {
            case.status = Status::InProgress;
            case.outcome = None;
            case.last_reason = Some(comments.clone());
        }
        EventKind::Closed => case.status = Status::Closed,
        EventKind::ReturnVisited { satisfaction, .. } => {
            case.satisfaction = Some(*satisfaction);
            if *satisfaction != Satisfaction::Unsatisfied {
                case.status = Status::Archived;
            }
        }
        EventKind::Reopened { reason } => {
            // The earlier outcome stays in the log; the case needs a new one, and
            // publication waits for it.
            case.status = Status::InProgress;
            case.outcome = None;
            case.publishable = false;
            case.last_reason = Some(reason.clone());
        }
        EventKind::Paused { reason } => {
            case.paused = true;
            case.last_reason = Some(reason.clone());
        }
        EventKind::Resumed => {
            case.paused = false;
            case.last_reason = None;
        }
        EventKind::Extended { by, reason } => {
            case.extensions.push(*by);
            case.last_reason = Some(reason.clone());
            case.pending_extension = None;
        }
        EventKind::ExtensionRequested { by, reason } => {
            case.pending_extension = Some(ExtensionRequest {
                by: *by,
                reason: reason.clone(),
                requested_by: ev.actor.clone(),
                requested_at: ev.at,
            });
        }
        EventKind::ExtensionRefused { reason } => {
            case.pending_extension = None;
            case.last_reason = Some(reason.clone());
        }
        EventKind::Published => case.publishable = true,
        EventKind::Unpublished { reason } => {
            case.publishable = false;
            case.last_reason = Some(reason.clone());
        }
        EventKind::Merged { primary, .. } => {
            case.status = Status::Merged;
            case.merged_into = Some(*primary);
        }
        EventKind::RepeatAttached { repeat, reference } => {
            if !case.repeats.iter().any(|(id, _)| id == repeat) {
                case.repeats.push((*repeat, reference.clone()));
            }
            if !case.data.key_classes.contains(&KeyClass::Repeated) {
                case.data.key_classes.push(KeyClass::Repeated);
            }
        }
        EventKind::Escalated {
            stage,
            clock_started,
            step,
            reached_at,
        } => case.escalations.push(Escalation {
            stage: *stage,
            clock_started: *clock_started,
            step: *step,
            reached_at: *reached_at,
            fired_at: ev.at,
        }),
    }
    // A request nobody decided lapses when the case moves past handling.
    if !matches!(
        case.status,
        Status::Dispatched | Status::SignedFor | Status::InProgress
    ) {
        case.pending_extension = None;
    }
    for clock in &ev.clocks {
        match case.clocks.iter_mut().find(|c| c.stage() == clock.stage()) {
            Some(slot) => *slot = clock.clone(),
            None => case.clocks.push(clock.clone()),
        }
    }
    case.version += 1;
    case.updated_at = ev.at;
    case
}
