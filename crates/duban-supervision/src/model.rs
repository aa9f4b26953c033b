//! The supervision aggregate, its commands and events.

use chrono::{DateTime, NaiveDate, Utc};
use duban_calendar::Calendar;
use duban_case::model::Finding;
use duban_core::Choice;
use duban_core::field::Problem;
use duban_sla::{Clock, Limit, Stage, Step, TimeUnit};
use serde::{Deserialize, Serialize};

use crate::error::{Errors, SupervisionError as E};

/// Warn at this share of an order's time, as case clocks do by default.
const WARN_PERCENT: u8 = 80;
const TEXT_MIN: usize = 5;
const TEXT_MAX: usize = 2000;
const MAX_INSPECTORS: usize = 10;
const MAX_ATTACHMENTS: usize = 20;

/// A stored file as supervision refers to it (the bytes stay in the server).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: String,
    pub name: String,
    pub content_type: String,
    pub size: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Issued; the target unit owes an answer by the clock.
    Open,
    /// Answered; waiting for the supervisor to close it.
    Answered,
    Closed,
}

impl OrderStatus {
    pub fn code(self) -> &'static str {
        match self {
            OrderStatus::Open => "open",
            OrderStatus::Answered => "answered",
            OrderStatus::Closed => "closed",
        }
    }
}

/// A supervision order (督办单).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub number: String,
    pub target_unit: String,
    pub demands: String,
    pub issued_at: DateTime<Utc>,
    pub issued_by: String,
    pub clock: Clock,
    pub status: OrderStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closing_comments: Option<String>,
    /// Ladder steps the current clock has fired (a reopened order starts afresh).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fired: Vec<Step>,
}

/// An on-site verification (现场核查).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    pub seq: u32,
    pub date: NaiveDate,
    pub inspectors: Vec<String>,
    pub findings: String,
    /// Substantiated, partly, or not.
    pub finding: Finding,
    pub attachments: Vec<Attachment>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// 进展报告
    Progress,
    /// 结果报告
    Result,
}

/// The code (the serde form), exactly.
impl std::str::FromStr for ReportKind {
    type Err = ();
    fn from_str(s: &str) -> Result<ReportKind, ()> {
        match s {
            "progress" => Ok(ReportKind::Progress),
            "result" => Ok(ReportKind::Result),
            _ => Err(()),
        }
    }
}

/// A review of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub approved: bool,
    pub comments: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// A progress or result report by the handling unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub id: u32,
    pub kind: ReportKind,
    pub text: String,
    pub by: String,
    pub at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<Review>,
}

/// The supervision of one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supervision {
    case_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    supervisor: Option<String>,
    orders: Vec<Order>,
    visits: Vec<Visit>,
    reports: Vec<Report>,
    version: u64,
}

impl Supervision {
    /// Nothing yet: the state before the first event.
    pub fn new(case_id: String) -> Supervision {
        Supervision {
            case_id,
            supervisor: None,
            orders: vec![],
            visits: vec![],
            reports: vec![],
            version: 0,
        }
    }
    pub fn case_id(&self) -> &str {
        &self.case_id
    }
    pub fn supervisor(&self) -> Option<&str> {
        self.supervisor.as_deref()
    }
    pub fn orders(&self) -> &[Order] {
        &self.orders
    }
    pub fn visits(&self) -> &[Visit] {
        &self.visits
    }
    pub fn reports(&self) -> &[Report] {
        &self.reports
    }
    /// The open orders' clocks (for the sweeper and the inbox).
    pub fn open_clocks(&self) -> impl Iterator<Item = (&str, &Clock)> {
        self.orders
            .iter()
            .filter(|o| o.status == OrderStatus::Open)
            .map(|o| (o.number.as_str(), &o.clock))
    }
    fn order(&self, number: &str) -> Result<&Order, E> {
        self.orders
            .iter()
            .find(|o| o.number == number.trim())
            .ok_or_else(|| E::UnknownOrder {
                number: number.trim().to_owned(),
            })
    }
}

/// What a person asks for. Tagged by `action`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = SupervisionCommand))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// Name the supervisor (督办专员).
    Assign { supervisor: String },
    /// Issue a supervision order to a unit with demands and a time limit.
    IssueOrder {
        target_unit: String,
        demands: String,
        amount: u32,
        /// `hours`, `working_hours`, `natural_days` or `working_days`.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        unit: Choice<TimeUnit>,
    },
    /// The target unit answers an order.
    AnswerOrder { number: String, answer: String },
    /// The supervisor closes an answered order, or sends it back open with comments.
    CloseOrder {
        number: String,
        #[serde(default)]
        accept: bool,
        #[serde(default)]
        comments: String,
    },
    /// Record an on-site verification.
    RecordVisit {
        /// YYYY-MM-DD
        date: String,
        inspectors: Vec<String>,
        findings: String,
        /// `substantiated`, `partly_substantiated` or `unsubstantiated`.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        finding: Choice<Finding>,
        #[serde(default)]
        attachments: Vec<String>,
    },
    /// The handling unit reports progress or the result.
    SubmitReport {
        /// `progress` or `result`
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        kind: Choice<ReportKind>,
        text: String,
    },
    /// Approve a report, or send it back to be redone with comments (退回重办).
    ReviewReport {
        report: u32,
        approve: bool,
        #[serde(default)]
        comments: String,
    },
}

/// What a step needs besides the state: the instant, the actor, the calendar, the next
/// order number (for `issue_order`) and the case's uploaded attachments.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub now: DateTime<Utc>,
    pub actor: &'a str,
    pub calendar: &'a Calendar,
    pub order_number: Option<&'a str>,
    pub attachments: &'a [Attachment],
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    SupervisorAssigned {
        supervisor: String,
    },
    OrderIssued {
        order: Box<Order>,
    },
    /// Carries the order's stopped clock, so that replay needs no calendar.
    OrderAnswered {
        number: String,
        answer: String,
        clock: Clock,
    },
    OrderClosed {
        number: String,
        comments: String,
    },
    /// Sent back: open again with a fresh clock of the same limit.
    OrderReopened {
        number: String,
        comments: String,
        clock: Clock,
    },
    VisitRecorded {
        visit: Box<Visit>,
    },
    ReportSubmitted {
        report: Box<Report>,
    },
    ReportReviewed {
        report: u32,
        review: Review,
    },
    /// An open order's clock reached a rung of the escalation ladder (the sweeper).
    StepFired {
        order_number: String,
        step: Step,
    },
}

/// A recorded change of a supervision (the shared envelope).
pub type Event = duban_core::Event<EventKind>;

fn text(errs: &mut Vec<E>, field: &str, s: &str, min: usize, max: usize) -> String {
    let field = field.to_owned();
    duban_core::field::text(s, min, max).unwrap_or_else(|problem| {
        errs.push(match problem {
            Problem::Required => E::Required { field },
            Problem::TooShort { min } => E::TooShort { field, min },
            _ => E::TooLong { field, max },
        });
        s.trim().to_owned()
    })
}

fn id_like(errs: &mut Vec<E>, field: &str, s: &str) -> String {
    let t = s.trim();
    if t.is_empty() {
        errs.push(E::Required {
            field: field.into(),
        });
    } else if t.len() > 64
        || !t
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        errs.push(E::Invalid {
            field: field.into(),
            value: t.chars().take(64).collect(),
        });
    }
    t.to_owned()
}

fn done(errs: Vec<E>) -> Result<(), Errors> {
    if errs.is_empty() {
        Ok(())
    } else {
        Err(Errors(errs))
    }
}

/// The longest time limit of a supervision order, in days (natural or working): an order
/// asks for a result within weeks; a longer limit is a typing slip (a prefilled 5 and a
/// typed 3 sent 53 working days).
pub const MAX_ORDER_DAYS: u32 = 30;
/// The longest time limit of a supervision order, in hours (natural or working).
pub const MAX_ORDER_HOURS: u32 = 240;

/// The longest time limit a supervision order may be given in `unit`: a longer one is
/// refused (`amount.above_max`), in the browser and on the server alike. (Minutes are
/// not a unit of an order; they count as hours here.)
pub const fn max_order_amount(unit: TimeUnit) -> u32 {
    match unit {
        TimeUnit::Minutes | TimeUnit::Hours | TimeUnit::WorkingHours => MAX_ORDER_HOURS,
        TimeUnit::NaturalDays | TimeUnit::WorkingDays => MAX_ORDER_DAYS,
    }
}

/// Decide what a command does to the supervision, or why it cannot.
pub fn decide(s: &Supervision, cmd: &Command, ctx: &Ctx<'_>) -> Result<Vec<Event>, Errors> {
    let mut errs = Vec::new();
    let kind = match cmd {
        Command::Assign { supervisor } => {
            let supervisor = id_like(&mut errs, "supervisor", supervisor);
            done(errs)?;
            EventKind::SupervisorAssigned { supervisor }
        }
        Command::IssueOrder {
            target_unit,
            demands,
            amount,
            unit,
        } => {
            if s.supervisor.is_none() {
                errs.push(E::NoSupervisor);
            }
            let target_unit = id_like(&mut errs, "target_unit", target_unit);
            let demands = text(&mut errs, "demands", demands, 10, TEXT_MAX);
            // Minutes are not a unit of an order's limit.
            let unit = match unit.known() {
                Ok(u) if *u != TimeUnit::Minutes => Some(*u),
                other => {
                    let typed = other.map_or_else(|t| t, |u| u.code());
                    errs.push(E::Invalid {
                        field: "unit".into(),
                        value: typed.chars().take(32).collect(),
                    });
                    None
                }
            };
            let max = max_order_amount(unit.unwrap_or(TimeUnit::WorkingDays));
            if *amount == 0 {
                errs.push(E::Invalid {
                    field: "amount".into(),
                    value: amount.to_string(),
                });
            } else if *amount > max {
                errs.push(E::AmountAboveMax {
                    field: "amount".into(),
                    max,
                    days: max == MAX_ORDER_DAYS,
                });
            }
            let number = ctx.order_number.map(str::to_owned);
            if number.is_none() {
                errs.push(E::NoOrderNumber);
            }
            done(errs)?;
            let (Some(unit), Some(number)) = (unit, number) else {
                return Err(E::NoOrderNumber.into());
            };
            let limit = Limit::new(*amount, unit).map_err(|_| E::Invalid {
                field: "amount".into(),
                value: amount.to_string(),
            })?;
            let clock = Clock::start(
                Stage::SupervisionOrder,
                limit,
                WARN_PERCENT,
                ctx.now,
                ctx.calendar,
            );
            EventKind::OrderIssued {
                order: Box::new(Order {
                    number,
                    target_unit,
                    demands,
                    issued_at: ctx.now,
                    issued_by: ctx.actor.to_owned(),
                    clock,
                    status: OrderStatus::Open,
                    answer: None,
                    closing_comments: None,
                    fired: vec![],
                }),
            }
        }
        Command::AnswerOrder { number, answer } => {
            let order = s.order(number)?;
            if order.status != OrderStatus::Open {
                errs.push(E::OrderState {
                    number: order.number.clone(),
                    status: order.status.code(),
                    needed: "open",
                });
            }
            let answer = text(&mut errs, "answer", answer, 10, TEXT_MAX);
            done(errs)?;
            let mut clock = order.clock.clone();
            clock.stop(ctx.now, ctx.calendar);
            EventKind::OrderAnswered {
                number: order.number.clone(),
                answer,
                clock,
            }
        }
        Command::CloseOrder {
            number,
            accept,
            comments,
        } => {
            let order = s.order(number)?;
            if order.status != OrderStatus::Answered {
                errs.push(E::OrderState {
                    number: order.number.clone(),
                    status: order.status.code(),
                    needed: "answered",
                });
            }
            // Sending an answer back needs the reason; accepting it may carry one.
            let min = if *accept { 0 } else { TEXT_MIN };
            let comments = text(&mut errs, "comments", comments, min, TEXT_MAX);
            done(errs)?;
            let number = order.number.clone();
            if *accept {
                EventKind::OrderClosed { number, comments }
            } else {
                let clock = Clock::start(
                    Stage::SupervisionOrder,
                    order.clock.limit(),
                    WARN_PERCENT,
                    ctx.now,
                    ctx.calendar,
                );
                EventKind::OrderReopened {
                    number,
                    comments,
                    clock,
                }
            }
        }
        Command::RecordVisit {
            date,
            inspectors,
            findings,
            finding,
            attachments,
        } => {
            let day = match NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d") {
                Ok(d) if d > duban_core::china_date(ctx.now) => {
                    errs.push(E::Invalid {
                        field: "date".into(),
                        value: date.trim().chars().take(32).collect(),
                    });
                    None
                }
                Ok(d) if chrono::Datelike::year(&d) < 2000 => {
                    errs.push(E::Invalid {
                        field: "date".into(),
                        value: date.trim().chars().take(32).collect(),
                    });
                    None
                }
                Ok(d) => Some(d),
                Err(_) if date.trim().is_empty() => {
                    errs.push(E::Required {
                        field: "date".into(),
                    });
                    None
                }
                Err(_) => {
                    errs.push(E::Invalid {
                        field: "date".into(),
                        value: date.trim().chars().take(32).collect(),
                    });
                    None
                }
            };
            let names: Vec<String> = inspectors
                .iter()
                .enumerate()
                .map(|(i, n)| text(&mut errs, &format!("inspectors[{i}]"), n, 1, 50))
                .collect();
            if names.is_empty() {
                errs.push(E::Required {
                    field: "inspectors".into(),
                });
            } else if names.len() > MAX_INSPECTORS {
                errs.push(E::TooLong {
                    field: "inspectors".into(),
                    max: MAX_INSPECTORS,
                });
            }
            let findings = text(&mut errs, "findings", findings, 10, TEXT_MAX);
            let finding = match finding.known() {
                Ok(f) => Some(*f),
                Err(typed) => {
                    errs.push(if typed.is_empty() {
                        E::Required {
                            field: "finding".into(),
                        }
                    } else {
                        E::Invalid {
                            field: "finding".into(),
                            value: typed.chars().take(32).collect(),
                        }
                    });
                    None
                }
            };
            if attachments.len() > MAX_ATTACHMENTS {
                errs.push(E::TooLong {
                    field: "attachments".into(),
                    max: MAX_ATTACHMENTS,
                });
            }
            let mut files = Vec::new();
            for (i, id) in attachments.iter().enumerate() {
                match ctx.attachments.iter().find(|a| a.id == id.trim()) {
                    Some(a) if !files.contains(a) => files.push(a.clone()),
                    Some(_) => {}
                    None => errs.push(E::UnknownAttachment {
                        field: format!("attachments[{i}]"),
                        id: id.chars().take(64).collect(),
                    }),
                }
            }
            done(errs)?;
            let (Some(date), Some(finding)) = (day, finding) else {
                return Err(E::Required {
                    field: "date".into(),
                }
                .into());
            };
            EventKind::VisitRecorded {
                visit: Box::new(Visit {
                    seq: u32::try_from(s.visits.len()).unwrap_or(u32::MAX) + 1,
                    date,
                    inspectors: names,
                    findings,
                    finding,
                    attachments: files,
                    recorded_by: ctx.actor.to_owned(),
                    recorded_at: ctx.now,
                }),
            }
        }
        Command::SubmitReport { kind, text: t } => {
            let kind = match kind.known() {
                Ok(k) => Some(*k),
                Err(other) => {
                    errs.push(E::Invalid {
                        field: "kind".into(),
                        value: other.chars().take(32).collect(),
                    });
                    None
                }
            };
            if s.reports.iter().any(|r| r.review.is_none()) {
                errs.push(E::ReportPending);
            }
            let body = text(&mut errs, "text", t, 10, TEXT_MAX);
            done(errs)?;
            let Some(kind) = kind else {
                return Err(E::Required {
                    field: "kind".into(),
                }
                .into());
            };
            EventKind::ReportSubmitted {
                report: Box::new(Report {
                    id: u32::try_from(s.reports.len()).unwrap_or(u32::MAX) + 1,
                    kind,
                    text: body,
                    by: ctx.actor.to_owned(),
                    at: ctx.now,
                    review: None,
                }),
            }
        }
        Command::ReviewReport {
            report,
            approve,
            comments,
        } => {
            let Some(r) = s.reports.iter().find(|r| r.id == *report) else {
                return Err(E::UnknownReport { id: *report }.into());
            };
            if r.review.is_some() {
                errs.push(E::AlreadyReviewed { id: *report });
            }
            let min = if *approve { 0 } else { TEXT_MIN };
            let comments = text(&mut errs, "comments", comments, min, TEXT_MAX);
            done(errs)?;
            EventKind::ReportReviewed {
                report: *report,
                review: Review {
                    approved: *approve,
                    comments,
                    by: ctx.actor.to_owned(),
                    at: ctx.now,
                },
            }
        }
    };
    // Answering an order stops its clock; the clock is in the state, stopped in apply.
    Ok(vec![Event {
        at: ctx.now,
        actor: ctx.actor.to_owned(),
        on_behalf: false,
        kind,
    }])
}

/// Fold one event into the state. Events carry every clock they change, so folding
/// needs neither the calendar nor the clock.
pub fn apply(mut s: Supervision, ev: &Event) -> Supervision {
    match &ev.kind {
        EventKind::SupervisorAssigned { supervisor } => s.supervisor = Some(supervisor.clone()),
        EventKind::OrderIssued { order } => s.orders.push((**order).clone()),
        EventKind::OrderAnswered {
            number,
            answer,
            clock,
        } => {
            if let Some(o) = s.orders.iter_mut().find(|o| &o.number == number) {
                o.status = OrderStatus::Answered;
                o.answer = Some(answer.clone());
                o.clock = clock.clone();
            }
        }
        EventKind::OrderClosed { number, comments } => {
            if let Some(o) = s.orders.iter_mut().find(|o| &o.number == number) {
                o.status = OrderStatus::Closed;
                o.closing_comments = Some(comments.clone());
            }
        }
        EventKind::OrderReopened {
            number,
            comments,
            clock,
        } => {
            if let Some(o) = s.orders.iter_mut().find(|o| &o.number == number) {
                o.status = OrderStatus::Open;
                o.closing_comments = Some(comments.clone());
                o.clock = clock.clone();
                o.fired.clear();
            }
        }
        EventKind::VisitRecorded { visit } => s.visits.push((**visit).clone()),
        EventKind::ReportSubmitted { report } => s.reports.push((**report).clone()),
        EventKind::ReportReviewed { report, review } => {
            if let Some(r) = s.reports.iter_mut().find(|r| r.id == *report) {
                r.review = Some(review.clone());
            }
        }
        EventKind::StepFired { order_number, step } => {
            if let Some(o) = s.orders.iter_mut().find(|o| &o.number == order_number)
                && !o.fired.contains(step)
            {
                o.fired.push(*step);
            }
        }
    }
    s.version += 1;
    s
}

/// The supervision of a case is keyed by the case's id and exists, empty, before its
/// first event: any command may come first.
impl duban_core::Aggregate for Supervision {
    const KIND: &'static str = "supervision";
    type Command = Command;
    type Event = Event;
    type Error = E;
    type Ctx<'a> = Ctx<'a>;
    type Calendar = Calendar;

    fn open(id: &str, first: &Event) -> Option<Supervision> {
        Some(apply(Supervision::new(id.to_owned()), first))
    }
    fn decide(&self, cmd: &Command, ctx: &Ctx<'_>) -> Result<Vec<Event>, Vec<E>> {
        decide(self, cmd, ctx).map_err(|e| e.0)
    }
    fn apply(self, event: &Event) -> Supervision {
        apply(self, event)
    }
    /// The ladder steps open orders' clocks have reached by `now` and not yet fired, as
    /// events of `actor` (the sweeper), each at the instant its step was reached.
    fn due_steps(&self, now: DateTime<Utc>, cal: &Calendar, actor: &str) -> Vec<Event> {
        let open = self.orders.iter().filter(|o| o.status == OrderStatus::Open);
        let clocks = open.map(|o| (&o.number, &o.clock, &o.fired[..]));
        Clock::due_across(clocks, now, cal)
            .into_iter()
            .map(|(number, step, at)| {
                let order_number = number.clone();
                Event::new(at, actor, EventKind::StepFired { order_number, step })
            })
            .collect()
    }
    /// When an open order's clock reaches its next ladder step, the earliest of all.
    fn next_step_at(&self, cal: &Calendar) -> Option<DateTime<Utc>> {
        let open = self.orders.iter().filter(|o| o.status == OrderStatus::Open);
        Clock::next_across(open.map(|o| (&o.clock, &o.fired[..])), cal)
    }
    fn version(&self) -> u64 {
        self.version
    }
}

impl duban_core::Mechanism for Supervision {
    type Kind = EventKind;

    /// `id` is the case's id; the first command runs on the empty supervision.
    fn start(
        id: &str,
        _case_id: Option<&str>,
        cmd: &Command,
        ctx: &Ctx<'_>,
    ) -> Result<Vec<Event>, Vec<E>> {
        duban_core::Aggregate::decide(&Supervision::new(id.to_owned()), cmd, ctx)
    }
    fn case_id(&self) -> Option<&str> {
        Some(Supervision::case_id(self))
    }
    /// An order's answer is its target unit's; reports are the handling unit's (the
    /// case's lead unit, when it has one).
    fn entered_for<'a>(
        before: Option<&'a Supervision>,
        kind: &'a EventKind,
        lead_unit: Option<&'a str>,
    ) -> Option<&'a str> {
        match kind {
            EventKind::OrderAnswered { number, .. } => before?
                .orders()
                .iter()
                .find(|o| &o.number == number)
                .map(|o| o.target_unit.as_str()),
            EventKind::ReportSubmitted { .. } => lead_unit,
            _ => None,
        }
    }
}
