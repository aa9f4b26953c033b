//! The incident aggregate and its linkage board.

use chrono::{DateTime, Utc};
use duban_calendar::Calendar;
use std::borrow::Cow;

use duban_core::field::Problem;
use duban_core::{Choice, CodedError};
use duban_divisions::DivisionCode;
use duban_sla::{Clock, Limit, Stage, Step, TimeUnit};
use serde::{Deserialize, Serialize};

use crate::plan::{IncidentType, Plan, Plans, Severity};

const WARN_PERCENT: u8 = 80;
const TEXT_MAX: usize = 2000;
/// A closing summary says what happened and what was done.
const SUMMARY_MIN: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub division: DivisionCode,
    pub address: String,
}

/// One department's part in an incident: its tasks and acknowledgement clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Linkage {
    pub unit: String,
    pub tasks: Vec<String>,
    pub clock: Clock,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged_by: Option<String>,
    /// Ladder steps the acknowledgement clock has fired.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fired: Vec<Step>,
}

/// A situation report (续报).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SituationReport {
    pub seq: u32,
    pub at: DateTime<Utc>,
    pub by: String,
    pub unit: String,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Active,
    Closed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    case_id: Option<String>,
    title: String,
    incident_type: IncidentType,
    severity: Severity,
    place: Place,
    plan_id: String,
    plan_name: String,
    declared_at: DateTime<Utc>,
    declared_by: String,
    linkages: Vec<Linkage>,
    reports: Vec<SituationReport>,
    status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    version: u64,
}

impl Incident {
    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn case_id(&self) -> Option<&str> {
        self.case_id.as_deref()
    }
    pub fn title(&self) -> &str {
        &self.title
    }
    pub fn incident_type(&self) -> IncidentType {
        self.incident_type
    }
    pub fn severity(&self) -> Severity {
        self.severity
    }
    pub fn place(&self) -> &Place {
        &self.place
    }
    pub fn plan_id(&self) -> &str {
        &self.plan_id
    }
    /// The plan's name when the incident was declared.
    pub fn plan_name(&self) -> &str {
        &self.plan_name
    }
    pub fn declared_at(&self) -> DateTime<Utc> {
        self.declared_at
    }
    /// The username of whoever declared it.
    pub fn declared_by(&self) -> &str {
        &self.declared_by
    }
    pub fn linkages(&self) -> &[Linkage] {
        &self.linkages
    }
    pub fn reports(&self) -> &[SituationReport] {
        &self.reports
    }
    pub fn status(&self) -> Status {
        self.status
    }
    pub fn summary(&self) -> Option<&str> {
        self.summary.as_deref()
    }
    /// The linked departments.
    pub fn units(&self) -> Vec<&str> {
        self.linkages.iter().map(|l| l.unit.as_str()).collect()
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = IncidentCommand))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// Declare an incident (opens it).
    Declare {
        title: String,
        /// `water_pollution`, `air_pollution`, `hazardous_chemicals`, `solid_waste`,
        /// `radiation` or `other`.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        incident_type: Choice<IncidentType>,
        /// `I`, `II`, `III` or `IV`.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        severity: Choice<Severity>,
        division: String,
        #[serde(default)]
        address: String,
    },
    /// A department acknowledges its part.
    Acknowledge { unit: String },
    /// A situation report (续报) from a department or the coordinators.
    Report { unit: String, text: String },
    /// Change the severity; departments the new plan adds are linked with fresh clocks.
    Escalate {
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        severity: Choice<Severity>,
    },
    /// Close with a summary.
    Close { summary: String },
}

/// The instant, the actor and the units the actor speaks for.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub now: DateTime<Utc>,
    pub actor: &'a str,
    pub actor_units: &'a [String],
    pub calendar: &'a Calendar,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    Declared {
        case_id: Option<String>,
        title: String,
        incident_type: IncidentType,
        severity: Severity,
        place: Place,
        plan_id: String,
        plan_name: String,
        linkages: Vec<Linkage>,
    },
    /// Carries the unit's stopped clock, so that replay needs no calendar.
    Acknowledged {
        unit: String,
        clock: Clock,
    },
    Reported {
        unit: String,
        text: String,
    },
    Escalated {
        severity: Severity,
        plan_id: String,
        plan_name: String,
        added: Vec<Linkage>,
    },
    /// Carries the stopped clocks of departments that never acknowledged.
    Closed {
        summary: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        stopped: Vec<(String, Clock)>,
    },
    /// A department's acknowledgement clock reached a rung of the escalation ladder.
    StepFired {
        unit: String,
        step: Step,
    },
}

/// A recorded change of an incident (the shared envelope).
pub type Event = duban_core::Event<EventKind>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EmergencyError {
    #[error("{field} is required")]
    Required { field: String },
    #[error("{field} is too short")]
    TooShort { field: String, min: usize },
    #[error("{field} is too long")]
    TooLong { field: String, max: usize },
    #[error("{field} is not valid")]
    Invalid { field: String },
    #[error("no plan fits this incident")]
    NoPlan,
    #[error("{unit} is not linked to this incident")]
    NotLinked { unit: String },
    #[error("{unit} has acknowledged already")]
    AlreadyAcknowledged { unit: String },
    #[error("the incident is closed")]
    Closed,
    #[error("the actor does not speak for {unit}")]
    NotYourUnit { unit: String },
}

impl CodedError for EmergencyError {
    fn field(&self) -> Cow<'_, str> {
        match self {
            EmergencyError::Required { field }
            | EmergencyError::TooShort { field, .. }
            | EmergencyError::TooLong { field, .. }
            | EmergencyError::Invalid { field } => field.as_str().into(),
            EmergencyError::NoPlan => "incident_type".into(),
            EmergencyError::NotLinked { .. }
            | EmergencyError::AlreadyAcknowledged { .. }
            | EmergencyError::NotYourUnit { .. } => "unit".into(),
            EmergencyError::Closed => "action".into(),
        }
    }
    fn code(&self) -> Cow<'static, str> {
        match self {
            EmergencyError::Required { field } => format!("{field}.required").into(),
            EmergencyError::TooShort { field, .. } => format!("{field}.too_short").into(),
            EmergencyError::TooLong { field, .. } => format!("{field}.too_long").into(),
            EmergencyError::Invalid { field } => format!("{field}.invalid").into(),
            EmergencyError::NoPlan => "plan.none".into(),
            EmergencyError::NotLinked { .. } => "unit.not_linked".into(),
            EmergencyError::AlreadyAcknowledged { .. } => "unit.already_acknowledged".into(),
            EmergencyError::Closed => "incident.closed".into(),
            EmergencyError::NotYourUnit { .. } => "unit.not_yours".into(),
        }
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        match self {
            EmergencyError::TooShort { min, .. } => vec![("min", min.to_string())],
            EmergencyError::TooLong { max, .. } => vec![("max", max.to_string())],
            _ => Vec::new(),
        }
    }
}

fn text(errs: &mut Vec<EmergencyError>, field: &str, s: &str, min: usize, max: usize) -> String {
    let field = field.to_owned();
    duban_core::field::text(s, min, max).unwrap_or_else(|problem| {
        errs.push(match problem {
            Problem::Required => EmergencyError::Required { field },
            Problem::TooShort { min } => EmergencyError::TooShort { field, min },
            Problem::TooLong { max } => EmergencyError::TooLong { field, max },
            _ => EmergencyError::Invalid { field },
        });
        s.trim().to_owned()
    })
}

fn linkages(plan: &Plan, now: DateTime<Utc>, cal: &Calendar, skip: &[&str]) -> Vec<Linkage> {
    plan.departments
        .iter()
        .filter(|d| !skip.contains(&d.unit.as_str()))
        .filter_map(|d| {
            let limit = Limit::new(d.ack_minutes, TimeUnit::Minutes).ok()?;
            Some(Linkage {
                unit: d.unit.clone(),
                tasks: d.tasks.clone(),
                clock: Clock::start(Stage::EmergencyAck, limit, WARN_PERCENT, now, cal),
                acknowledged_at: None,
                acknowledged_by: None,
                fired: vec![],
            })
        })
        .collect()
}

fn speaks_for(ctx: &Ctx<'_>, unit: &str) -> bool {
    ctx.actor_units.iter().any(|u| u == unit)
}

/// Declare an incident: pick its plan and start every department's clock.
pub fn declare(
    case_id: Option<&str>,
    cmd: &Command,
    plans: &Plans,
    ctx: &Ctx<'_>,
) -> Result<Vec<Event>, Vec<EmergencyError>> {
    let Command::Declare {
        title,
        incident_type,
        severity,
        division,
        address,
    } = cmd
    else {
        return Err(vec![EmergencyError::Invalid {
            field: "action".into(),
        }]);
    };
    let mut errs = Vec::new();
    let title = text(&mut errs, "title", title, 4, 100);
    let t = incident_type.known().ok().copied();
    if t.is_none() {
        errs.push(EmergencyError::Invalid {
            field: "incident_type".into(),
        });
    }
    let s = severity.known().ok().copied();
    if s.is_none() {
        errs.push(EmergencyError::Invalid {
            field: "severity".into(),
        });
    }
    let division = division.trim().parse::<DivisionCode>().ok();
    if division.is_none() {
        errs.push(EmergencyError::Invalid {
            field: "division".into(),
        });
    }
    if address.trim().chars().count() > 200 {
        errs.push(EmergencyError::TooLong {
            field: "address".into(),
            max: 200,
        });
    }
    let (Some(t), Some(s), Some(division)) = (t, s, division) else {
        return Err(errs);
    };
    if !errs.is_empty() {
        return Err(errs);
    }
    let plan = plans
        .pick(t, s)
        .ok_or_else(|| vec![EmergencyError::NoPlan])?;
    Ok(vec![Event {
        at: ctx.now,
        actor: ctx.actor.to_owned(),
        on_behalf: false,
        kind: EventKind::Declared {
            case_id: case_id.map(str::to_owned),
            title,
            incident_type: t,
            severity: s,
            place: Place {
                division,
                address: address.trim().to_owned(),
            },
            plan_id: plan.id.clone(),
            plan_name: plan.name.clone(),
            linkages: linkages(plan, ctx.now, ctx.calendar, &[]),
        },
    }])
}

/// Decide a step on a declared incident.
pub fn decide(
    i: &Incident,
    cmd: &Command,
    plans: &Plans,
    ctx: &Ctx<'_>,
) -> Result<Vec<Event>, Vec<EmergencyError>> {
    if i.status == Status::Closed {
        return Err(vec![EmergencyError::Closed]);
    }
    let mut errs = Vec::new();
    let kind = match cmd {
        Command::Declare { .. } => {
            return Err(vec![EmergencyError::Invalid {
                field: "action".into(),
            }]);
        }
        Command::Acknowledge { unit } => {
            let unit = unit.trim();
            let Some(l) = i.linkages.iter().find(|l| l.unit == unit) else {
                return Err(vec![EmergencyError::NotLinked { unit: unit.into() }]);
            };
            if !speaks_for(ctx, unit) {
                return Err(vec![EmergencyError::NotYourUnit { unit: unit.into() }]);
            }
            if l.acknowledged_at.is_some() {
                return Err(vec![EmergencyError::AlreadyAcknowledged {
                    unit: unit.into(),
                }]);
            }
            let mut clock = l.clock.clone();
            clock.stop(ctx.now, ctx.calendar);
            EventKind::Acknowledged {
                unit: unit.into(),
                clock,
            }
        }
        Command::Report { unit, text: t } => {
            let unit = unit.trim();
            if !speaks_for(ctx, unit) {
                return Err(vec![EmergencyError::NotYourUnit { unit: unit.into() }]);
            }
            let t = text(&mut errs, "text", t, 5, TEXT_MAX);
            if !errs.is_empty() {
                return Err(errs);
            }
            EventKind::Reported {
                unit: unit.into(),
                text: t,
            }
        }
        Command::Escalate { severity } => {
            let s = severity.known().ok().copied().ok_or_else(|| {
                vec![EmergencyError::Invalid {
                    field: "severity".into(),
                }]
            })?;
            if s == i.severity {
                return Err(vec![EmergencyError::Invalid {
                    field: "severity".into(),
                }]);
            }
            let plan = plans
                .pick(i.incident_type, s)
                .ok_or_else(|| vec![EmergencyError::NoPlan])?;
            let linked = i.units();
            EventKind::Escalated {
                severity: s,
                plan_id: plan.id.clone(),
                plan_name: plan.name.clone(),
                added: linkages(plan, ctx.now, ctx.calendar, &linked),
            }
        }
        Command::Close { summary } => {
            let summary = text(&mut errs, "summary", summary, SUMMARY_MIN, TEXT_MAX);
            if !errs.is_empty() {
                return Err(errs);
            }
            let stopped = i
                .linkages
                .iter()
                .filter(|l| l.clock.is_running())
                .map(|l| {
                    let mut clock = l.clock.clone();
                    clock.stop(ctx.now, ctx.calendar);
                    (l.unit.clone(), clock)
                })
                .collect();
            EventKind::Closed { summary, stopped }
        }
    };
    Ok(vec![Event {
        at: ctx.now,
        actor: ctx.actor.to_owned(),
        on_behalf: false,
        kind,
    }])
}

/// Fold one event in. The first event must be `Declared`; `apply` starts from it.
pub fn apply(i: Option<Incident>, id: &str, ev: &Event) -> Option<Incident> {
    match i {
        None => open(id, ev),
        Some(i) => Some(fold(i, ev)),
    }
}

/// The incident its `Declared` event makes.
fn open(id: &str, ev: &Event) -> Option<Incident> {
    match &ev.kind {
        EventKind::Declared {
            case_id,
            title,
            incident_type,
            severity,
            place,
            plan_id,
            plan_name,
            linkages,
        } => Some(Incident {
            id: id.to_owned(),
            case_id: case_id.clone(),
            title: title.clone(),
            incident_type: *incident_type,
            severity: *severity,
            place: place.clone(),
            plan_id: plan_id.clone(),
            plan_name: plan_name.clone(),
            declared_at: ev.at,
            declared_by: ev.actor.clone(),
            linkages: linkages.clone(),
            reports: vec![],
            status: Status::Active,
            summary: None,
            version: 1,
        }),
        _ => None,
    }
}

/// Fold an event into a declared incident (a second `Declared` changes nothing but the
/// version).
fn fold(mut i: Incident, ev: &Event) -> Incident {
    match &ev.kind {
        EventKind::Declared { .. } => {}
        EventKind::Acknowledged { unit, clock } => {
            if let Some(l) = i.linkages.iter_mut().find(|l| &l.unit == unit) {
                l.acknowledged_at = Some(ev.at);
                l.acknowledged_by = Some(ev.actor.clone());
                l.clock = clock.clone();
            }
        }
        EventKind::Reported { unit, text } => i.reports.push(SituationReport {
            seq: u32::try_from(i.reports.len()).unwrap_or(u32::MAX) + 1,
            at: ev.at,
            by: ev.actor.clone(),
            unit: unit.clone(),
            text: text.clone(),
        }),
        EventKind::Escalated {
            severity,
            plan_id,
            plan_name,
            added,
        } => {
            i.severity = *severity;
            i.plan_id = plan_id.clone();
            i.plan_name = plan_name.clone();
            i.linkages.extend(added.iter().cloned());
        }
        EventKind::StepFired { unit, step } => {
            if let Some(l) = i.linkages.iter_mut().find(|l| &l.unit == unit)
                && !l.fired.contains(step)
            {
                l.fired.push(*step);
            }
        }
        EventKind::Closed { summary, stopped } => {
            i.status = Status::Closed;
            i.summary = Some(summary.clone());
            for (unit, clock) in stopped {
                if let Some(l) = i.linkages.iter_mut().find(|l| &l.unit == unit) {
                    l.clock = clock.clone();
                }
            }
        }
    }
    i.version += 1;
    i
}

/// What an incident's step needs: the context, and the plans to pick from (declaring
/// and escalating pick a plan).
#[derive(Debug, Clone, Copy)]
pub struct WithPlans<'a> {
    pub ctx: Ctx<'a>,
    pub plans: &'a Plans,
}

impl duban_core::Aggregate for Incident {
    const KIND: &'static str = "incident";
    type Command = Command;
    type Event = Event;
    type Error = EmergencyError;
    type Ctx<'a> = WithPlans<'a>;
    type Calendar = Calendar;

    fn open(id: &str, first: &Event) -> Option<Incident> {
        open(id, first)
    }
    fn decide(&self, cmd: &Command, c: &WithPlans<'_>) -> Result<Vec<Event>, Vec<EmergencyError>> {
        decide(self, cmd, c.plans, &c.ctx)
    }
    fn apply(self, event: &Event) -> Incident {
        fold(self, event)
    }
    /// The ladder steps unacknowledged departments' clocks have reached by `now` and not
    /// yet fired, as events of `actor` (the sweeper), each at the instant it was reached.
    fn due_steps(&self, now: DateTime<Utc>, cal: &Calendar, actor: &str) -> Vec<Event> {
        if self.status == Status::Closed {
            return vec![];
        }
        let clocks = self
            .linkages
            .iter()
            .map(|l| (&l.unit, &l.clock, &l.fired[..]));
        Clock::due_across(clocks, now, cal)
            .into_iter()
            .map(|(unit, step, at)| {
                let unit = unit.clone();
                Event::new(at, actor, EventKind::StepFired { unit, step })
            })
            .collect()
    }
    /// When an unacknowledged department's clock reaches its next ladder step.
    fn next_step_at(&self, cal: &Calendar) -> Option<DateTime<Utc>> {
        if self.status == Status::Closed {
            return None;
        }
        let clocks = self.linkages.iter().map(|l| (&l.clock, &l.fired[..]));
        Clock::next_across(clocks, cal)
    }
    fn version(&self) -> u64 {
        self.version
    }
}

impl duban_core::Mechanism for Incident {
    type Kind = EventKind;

    /// The `declare` command: picks the plan and starts every department's clock.
    fn start(
        _id: &str,
        case_id: Option<&str>,
        cmd: &Command,
        c: &WithPlans<'_>,
    ) -> Result<Vec<Event>, Vec<EmergencyError>> {
        declare(case_id, cmd, c.plans, &c.ctx)
    }
    fn case_id(&self) -> Option<&str> {
        Incident::case_id(self)
    }
    /// Acknowledgements and situation reports are their department's.
    fn entered_for<'a>(
        _before: Option<&'a Incident>,
        kind: &'a EventKind,
        _lead_unit: Option<&'a str>,
    ) -> Option<&'a str> {
        match kind {
            EventKind::Acknowledged { unit, .. } | EventKind::Reported { unit, .. } => {
                Some(unit.as_str())
            }
            _ => None,
        }
    }
}
