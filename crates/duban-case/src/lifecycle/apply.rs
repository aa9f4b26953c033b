//! Events into state: the opening event, one event folded in, a whole log replayed.

use super::{Case, Escalation, Event, EventKind, ExtensionRequest};
use crate::model::{Closure, KeyClass, Satisfaction, Status};

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
