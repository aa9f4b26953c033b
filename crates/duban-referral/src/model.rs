//! The referral aggregate.

use chrono::{DateTime, Utc};
use duban_calendar::Calendar;
use std::borrow::Cow;

use duban_core::field::Problem;
use duban_core::{Choice, CodedError};
use duban_sla::{Clock, Limit, Stage, Step, TimeUnit};
use serde::{Deserialize, Serialize};

const WARN_PERCENT: u8 = 80;
const TEXT_MAX: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Sent; the receiver has not acknowledged yet.
    Sent,
    /// Acknowledged; the answer is due by the clock.
    Acknowledged,
    /// Answered; the sender may close it.
    Answered,
    Closed,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Sent => "sent",
            Status::Acknowledged => "acknowledged",
            Status::Answered => "answered",
            Status::Closed => "closed",
        }
    }
}

/// One message of a referral's thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub at: DateTime<Utc>,
    pub by: String,
    pub unit: String,
    pub text: String,
    /// The receiver's answer (stops the clock).
    #[serde(default)]
    pub answer: bool,
    /// Entered by the coordinators on the unit's behalf (代录).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub on_behalf: bool,
}

/// A referral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    case_id: Option<String>,
    from_unit: String,
    to_unit: String,
    subject: String,
    status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    clock: Option<Clock>,
    thread: Vec<Message>,
    /// Joint handling: the lead unit, and co-handlers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    joint_lead: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    co_handlers: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    /// Ladder steps the response clock has fired.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    fired: Vec<Step>,
    version: u64,
}

impl Referral {
    /// Before its first event.
    pub fn empty(id: &str) -> Referral {
        Referral {
            id: id.to_owned(),
            case_id: None,
            from_unit: String::new(),
            to_unit: String::new(),
            subject: String::new(),
            status: Status::Sent,
            clock: None,
            thread: vec![],
            joint_lead: None,
            co_handlers: vec![],
            summary: None,
            fired: vec![],
            version: 0,
        }
    }
    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn case_id(&self) -> Option<&str> {
        self.case_id.as_deref()
    }
    pub fn from_unit(&self) -> &str {
        &self.from_unit
    }
    pub fn to_unit(&self) -> &str {
        &self.to_unit
    }
    pub fn subject(&self) -> &str {
        &self.subject
    }
    pub fn status(&self) -> Status {
        self.status
    }
    pub fn clock(&self) -> Option<&Clock> {
        self.clock.as_ref()
    }
    pub fn thread(&self) -> &[Message] {
        &self.thread
    }
    pub fn joint_lead(&self) -> Option<&str> {
        self.joint_lead.as_deref()
    }
    pub fn co_handlers(&self) -> &[String] {
        &self.co_handlers
    }
    /// Ladder steps the response clock has fired, in order.
    pub fn fired(&self) -> &[Step] {
        &self.fired
    }
    /// Every unit taking part: sender, receiver and co-handlers.
    pub fn units(&self) -> Vec<&str> {
        let mut out = vec![self.from_unit.as_str(), self.to_unit.as_str()];
        out.extend(self.co_handlers.iter().map(String::as_str));
        out.dedup();
        out
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ReferralCommand))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// Refer a problem (opens the referral).
    Send {
        from_unit: String,
        to_unit: String,
        subject: String,
        text: String,
        amount: u32,
        /// `hours`, `working_hours`, `natural_days` or `working_days`.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        unit: Choice<TimeUnit>,
    },
    /// The receiver acknowledges (签收).
    Acknowledge,
    /// A message in the thread, from either side.
    Reply { text: String },
    /// The receiver's answer: stops the clock.
    Answer { text: String },
    /// Make handling joint: one lead unit and co-handlers.
    SetJoint {
        lead: String,
        #[serde(default)]
        co_handlers: Vec<String>,
    },
    /// The sender closes it with a summary.
    Close { summary: String },
}

/// The instant, the actor and the units the actor speaks for.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub now: DateTime<Utc>,
    pub actor: &'a str,
    /// The actor's units (their jurisdiction); the provincial coordination group speaks
    /// for every unit.
    pub actor_units: &'a [String],
    pub calendar: &'a Calendar,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    Sent {
        case_id: Option<String>,
        from_unit: String,
        to_unit: String,
        subject: String,
        text: String,
        clock: Clock,
    },
    Acknowledged {
        unit: String,
    },
    Replied {
        unit: String,
        text: String,
    },
    Answered {
        unit: String,
        text: String,
        clock: Clock,
    },
    JointSet {
        lead: String,
        co_handlers: Vec<String>,
    },
    Closed {
        summary: String,
    },
    /// The response clock reached a rung of the escalation ladder (fired by the sweeper).
    StepFired {
        step: Step,
    },
}

/// A recorded change of a referral (the shared envelope).
pub type Event = duban_core::Event<EventKind>;

fn event(ctx: &Ctx<'_>, kind: EventKind) -> Event {
    Event::new(ctx.now, ctx.actor, kind)
}

/// Why a referral step was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReferralError {
    #[error("{field} is required")]
    Required { field: String },
    #[error("{field} is too long")]
    TooLong { field: String, max: usize },
    #[error("{field} is not valid")]
    Invalid { field: String },
    #[error("a referral goes to another unit")]
    SameUnit,
    #[error("not allowed while the referral is {status}")]
    WrongState { status: &'static str },
    #[error("only {side} may do this")]
    WrongSide { side: &'static str },
}

impl CodedError for ReferralError {
    fn field(&self) -> Cow<'_, str> {
        match self {
            ReferralError::Required { field }
            | ReferralError::TooLong { field, .. }
            | ReferralError::Invalid { field } => field.as_str().into(),
            ReferralError::SameUnit => "to_unit".into(),
            ReferralError::WrongState { .. } | ReferralError::WrongSide { .. } => "action".into(),
        }
    }
    fn code(&self) -> Cow<'static, str> {
        let base = |f: &str| f.split('[').next().unwrap_or(f).to_owned();
        match self {
            ReferralError::Required { field } => format!("{}.required", base(field)).into(),
            ReferralError::TooLong { field, .. } => format!("{}.too_long", base(field)).into(),
            ReferralError::Invalid { field } => format!("{}.invalid", base(field)).into(),
            ReferralError::SameUnit => "to_unit.same_as_sender".into(),
            ReferralError::WrongState { .. } => "referral.wrong_state".into(),
            ReferralError::WrongSide { .. } => "referral.wrong_side".into(),
        }
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        match self {
            ReferralError::TooLong { max, .. } => vec![("max", max.to_string())],
            ReferralError::WrongSide { side } => vec![("side", (*side).to_owned())],
            _ => Vec::new(),
        }
    }
}

fn text(errs: &mut Vec<ReferralError>, field: &str, s: &str, max: usize) -> String {
    let field = field.to_owned();
    duban_core::field::text(s, 1, max).unwrap_or_else(|problem| {
        errs.push(match problem {
            Problem::TooLong { max } => ReferralError::TooLong { field, max },
            _ => ReferralError::Required { field },
        });
        s.trim().to_owned()
    })
}

fn unit_id(errs: &mut Vec<ReferralError>, field: &str, s: &str) -> String {
    let t = s.trim();
    if t.is_empty() {
        errs.push(ReferralError::Required {
            field: field.into(),
        });
    } else if t.len() > 64
        || !t
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        errs.push(ReferralError::Invalid {
            field: field.into(),
        });
    }
    t.to_owned()
}

fn speaks_for(ctx: &Ctx<'_>, unit: &str) -> bool {
    ctx.actor_units.iter().any(|u| u == unit)
}

/// Open a referral: the `Send` command on an empty referral.
pub fn open(
    case_id: Option<&str>,
    cmd: &Command,
    ctx: &Ctx<'_>,
) -> Result<Vec<Event>, Vec<ReferralError>> {
    let Command::Send {
        from_unit,
        to_unit,
        subject,
        text: body,
        amount,
        unit,
    } = cmd
    else {
        return Err(vec![ReferralError::WrongState { status: "new" }]);
    };
    let mut errs = Vec::new();
    let from = unit_id(&mut errs, "from_unit", from_unit);
    let to = unit_id(&mut errs, "to_unit", to_unit);
    if !from.is_empty() && from == to {
        errs.push(ReferralError::SameUnit);
    }
    if !from.is_empty() && !speaks_for(ctx, &from) {
        errs.push(ReferralError::WrongSide { side: "sender" });
    }
    let subject = text(&mut errs, "subject", subject, 100);
    let body = text(&mut errs, "text", body, TEXT_MAX);
    // Minutes are not a unit of a referral's limit.
    let unit = match unit.known() {
        Ok(u) if *u != TimeUnit::Minutes => Some(*u),
        _ => {
            errs.push(ReferralError::Invalid {
                field: "unit".into(),
            });
            None
        }
    };
    let limit = unit.and_then(|u| {
        let max = if matches!(u, TimeUnit::Hours | TimeUnit::WorkingHours) {
            720
        } else {
            90
        };
        (1..=max)
            .contains(amount)
            .then(|| Limit::new(*amount, u).ok())
            .flatten()
    });
    if unit.is_some() && limit.is_none() {
        errs.push(ReferralError::Invalid {
            field: "amount".into(),
        });
    }
    let Some(limit) = limit.filter(|_| errs.is_empty()) else {
        return Err(errs);
    };
    let clock = Clock::start(Stage::Referral, limit, WARN_PERCENT, ctx.now, ctx.calendar);
    Ok(vec![event(
        ctx,
        EventKind::Sent {
            case_id: case_id.map(str::to_owned),
            from_unit: from,
            to_unit: to,
            subject,
            text: body,
            clock,
        },
    )])
}

/// Decide a step on an open referral.
pub fn decide(
    r: &Referral,
    cmd: &Command,
    ctx: &Ctx<'_>,
) -> Result<Vec<Event>, Vec<ReferralError>> {
    let mut errs = Vec::new();
    let receiver = speaks_for(ctx, &r.to_unit) || r.co_handlers.iter().any(|u| speaks_for(ctx, u));
    let sender = speaks_for(ctx, &r.from_unit);
    let state = |allowed: &[Status]| {
        if allowed.contains(&r.status) {
            Ok(())
        } else {
            Err(vec![ReferralError::WrongState {
                status: r.status.code(),
            }])
        }
    };
    let kind = match cmd {
        Command::Send { .. } => {
            return Err(vec![ReferralError::WrongState {
                status: r.status.code(),
            }]);
        }
        Command::Acknowledge => {
            state(&[Status::Sent])?;
            if !speaks_for(ctx, &r.to_unit) {
                return Err(vec![ReferralError::WrongSide { side: "receiver" }]);
            }
            EventKind::Acknowledged {
                unit: r.to_unit.clone(),
            }
        }
        Command::Reply { text: t } => {
            state(&[Status::Sent, Status::Acknowledged, Status::Answered])?;
            if !(receiver || sender) {
                return Err(vec![ReferralError::WrongSide { side: "party" }]);
            }
            let t = text(&mut errs, "text", t, TEXT_MAX);
            if !errs.is_empty() {
                return Err(errs);
            }
            let unit = if sender { &r.from_unit } else { &r.to_unit };
            EventKind::Replied {
                unit: unit.clone(),
                text: t,
            }
        }
        Command::Answer { text: t } => {
            state(&[Status::Acknowledged])?;
            if !speaks_for(ctx, &r.to_unit) {
                return Err(vec![ReferralError::WrongSide { side: "receiver" }]);
            }
            let t = text(&mut errs, "text", t, TEXT_MAX);
            if !errs.is_empty() {
                return Err(errs);
            }
            let mut clock = r.clock.clone().ok_or_else(|| {
                vec![ReferralError::WrongState {
                    status: r.status.code(),
                }]
            })?;
            clock.stop(ctx.now, ctx.calendar);
            EventKind::Answered {
                unit: r.to_unit.clone(),
                text: t,
                clock,
            }
        }
        Command::SetJoint { lead, co_handlers } => {
            state(&[Status::Sent, Status::Acknowledged])?;
            if !sender {
                return Err(vec![ReferralError::WrongSide { side: "sender" }]);
            }
            let lead = unit_id(&mut errs, "lead", lead);
            let mut cos: Vec<String> = Vec::new();
            for (i, u) in co_handlers.iter().enumerate() {
                let u = unit_id(&mut errs, &format!("co_handlers[{i}]"), u);
                if u == lead || cos.contains(&u) {
                    errs.push(ReferralError::Invalid {
                        field: format!("co_handlers[{i}]"),
                    });
                } else {
                    cos.push(u);
                }
            }
            if lead != r.to_unit && !cos.contains(&r.to_unit) && !lead.is_empty() {
                // The receiver stays in: as lead or as co-handler.
                errs.push(ReferralError::Invalid {
                    field: "lead".into(),
                });
            }
            if !errs.is_empty() {
                return Err(errs);
            }
            EventKind::JointSet {
                lead,
                co_handlers: cos,
            }
        }
        Command::Close { summary } => {
            state(&[Status::Answered])?;
            if !sender {
                return Err(vec![ReferralError::WrongSide { side: "sender" }]);
            }
            let summary = text(&mut errs, "summary", summary, TEXT_MAX);
            if !errs.is_empty() {
                return Err(errs);
            }
            EventKind::Closed { summary }
        }
    };
    Ok(vec![event(ctx, kind)])
}

/// Fold one event in (events carry their clocks: no calendar needed).
pub fn apply(mut r: Referral, ev: &Event) -> Referral {
    match &ev.kind {
        EventKind::Sent {
            case_id,
            from_unit,
            to_unit,
            subject,
            text,
            clock,
        } => {
            r.case_id = case_id.clone();
            r.from_unit = from_unit.clone();
            r.to_unit = to_unit.clone();
            r.subject = subject.clone();
            r.status = Status::Sent;
            r.clock = Some(clock.clone());
            r.thread.push(Message {
                at: ev.at,
                by: ev.actor.clone(),
                unit: from_unit.clone(),
                text: text.clone(),
                answer: false,
                on_behalf: ev.on_behalf,
            });
        }
        EventKind::Acknowledged { .. } => r.status = Status::Acknowledged,
        EventKind::Replied { unit, text } => r.thread.push(Message {
            at: ev.at,
            by: ev.actor.clone(),
            unit: unit.clone(),
            text: text.clone(),
            answer: false,
            on_behalf: ev.on_behalf,
        }),
        EventKind::Answered { unit, text, clock } => {
            r.status = Status::Answered;
            r.clock = Some(clock.clone());
            r.thread.push(Message {
                at: ev.at,
                by: ev.actor.clone(),
                unit: unit.clone(),
                text: text.clone(),
                answer: true,
                on_behalf: ev.on_behalf,
            });
        }
        EventKind::JointSet { lead, co_handlers } => {
            r.joint_lead = Some(lead.clone());
            r.co_handlers = co_handlers.clone();
        }
        EventKind::Closed { summary } => {
            r.status = Status::Closed;
            r.summary = Some(summary.clone());
        }
        EventKind::StepFired { step } => {
            if !r.fired.contains(step) {
                r.fired.push(*step);
            }
        }
    }
    r.version += 1;
    r
}

impl duban_core::Aggregate for Referral {
    const KIND: &'static str = "referral";
    type Command = Command;
    type Event = Event;
    type Error = ReferralError;
    type Ctx<'a> = Ctx<'a>;
    type Calendar = Calendar;

    fn open(id: &str, first: &Event) -> Option<Referral> {
        matches!(first.kind, EventKind::Sent { .. }).then(|| apply(Referral::empty(id), first))
    }
    fn decide(&self, cmd: &Command, ctx: &Ctx<'_>) -> Result<Vec<Event>, Vec<ReferralError>> {
        decide(self, cmd, ctx)
    }
    fn apply(self, event: &Event) -> Referral {
        apply(self, event)
    }
    /// The ladder steps the response clock has reached by `now` and not yet fired, as
    /// events of the `actor` (the sweeper), each at the instant its step was reached.
    fn due_steps(&self, now: DateTime<Utc>, cal: &Calendar, actor: &str) -> Vec<Event> {
        let clock = self.clock.iter().map(|c| ((), c, &self.fired[..]));
        Clock::due_across(clock, now, cal)
            .into_iter()
            .map(|((), step, at)| Event::new(at, actor, EventKind::StepFired { step }))
            .collect()
    }
    /// When the response clock reaches its next ladder step (none once answered).
    fn next_step_at(&self, cal: &Calendar) -> Option<DateTime<Utc>> {
        Clock::next_across(self.clock.iter().map(|c| (c, &self.fired[..])), cal)
    }
    fn version(&self) -> u64 {
        self.version
    }
}

impl duban_core::Mechanism for Referral {
    type Kind = EventKind;

    /// The `send` command on an empty referral.
    fn start(
        _id: &str,
        case_id: Option<&str>,
        cmd: &Command,
        ctx: &Ctx<'_>,
    ) -> Result<Vec<Event>, Vec<ReferralError>> {
        open(case_id, cmd, ctx)
    }
    fn case_id(&self) -> Option<&str> {
        Referral::case_id(self)
    }
    /// Sending, joint handling and closing are the sender's; acknowledging, replying
    /// and answering name their unit.
    fn entered_for<'a>(
        before: Option<&'a Referral>,
        kind: &'a EventKind,
        _lead_unit: Option<&'a str>,
    ) -> Option<&'a str> {
        match kind {
            EventKind::Sent { from_unit, .. } => Some(from_unit.as_str()),
            EventKind::Acknowledged { unit }
            | EventKind::Replied { unit, .. }
            | EventKind::Answered { unit, .. } => Some(unit.as_str()),
            EventKind::JointSet { .. } | EventKind::Closed { .. } => {
                before.map(|r| r.from_unit.as_str())
            }
            EventKind::StepFired { .. } => None,
        }
    }
}
