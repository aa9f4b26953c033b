//! Commands into events: the opening event, [`decide`], the sweeper's escalations
//! and the merge of a repeat; free text and units validated here.

use chrono::{DateTime, Utc};

use duban_sla::{Clock, Facts, Limit, Stage, TimeUnit};

use super::{ActionKind, Case, Command, Ctx, Event, EventKind};
use crate::draft::{NewCase, Outcome};
use crate::error::{CaseError, Errors};
use crate::model::{CaseId, Closure, Reference, Satisfaction, Status, UnitId};

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
