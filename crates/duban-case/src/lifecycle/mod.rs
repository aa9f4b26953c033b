//! The life cycle as pure functions: [`decide`] turns a command into events or an error,
//! [`apply`] folds an event into the state. Time, ids, the actor, the rule set and the
//! calendar all come in through [`Ctx`]; nothing here reads a clock.
//!
//! Events carry the SLA clocks they start or change, so replaying a log needs neither
//! the calendar nor the rule set and gives the same state even after either changed.
//!
//! One file per concern: [`Case`] and the actions it allows (`state`), [`Command`] and
//! [`ActionKind`] (`command`), [`Event`] and what it carries (`event`), commands into
//! events (`decide`), events into state (`apply`).

mod apply;
mod command;
mod decide;
mod event;
mod state;

use chrono::{DateTime, Utc};

use duban_calendar::Calendar;
use duban_sla::RuleSet;

use crate::draft::NewCase;
use crate::model::Channel;

pub use apply::{apply, open, replay};
pub use command::{ActionKind, Command};
pub use decide::{as_historical, decide, escalate, merge_repeat, receive};
pub use event::{Escalation, Event, EventKind, ExtensionRequest, RoutingReason};
pub use state::Case;

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
