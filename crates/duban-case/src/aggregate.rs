//! The case as a [`duban_core::Aggregate`]: the life cycle's functions behind the
//! shared contract. A case is not a [`duban_core::Mechanism`]: it is opened by a
//! validated new case and its reference ([`lifecycle::receive`]), not by a command.

use chrono::{DateTime, Utc};
use duban_calendar::Calendar;
use duban_core::{Aggregate, Recorded};

use crate::error::CaseError;
use crate::lifecycle::{self, Case, Command, Ctx, Event};

impl Recorded for Event {
    fn at(&self) -> DateTime<Utc> {
        self.at
    }
    fn actor(&self) -> &str {
        &self.actor
    }
    fn code(&self) -> &'static str {
        self.kind.code()
    }
}

impl Aggregate for Case {
    const KIND: &'static str = "case";
    type Command = Command;
    type Event = Event;
    type Error = CaseError;
    type Ctx<'a> = Ctx<'a>;
    type Calendar = Calendar;

    /// The case's id is in its `received` event.
    fn open(_id: &str, first: &Event) -> Option<Case> {
        lifecycle::open(first)
    }
    fn decide(&self, cmd: &Command, ctx: &Ctx<'_>) -> Result<Vec<Event>, Vec<CaseError>> {
        lifecycle::decide(self, cmd, ctx).map_err(|e| e.0)
    }
    fn apply(self, event: &Event) -> Case {
        lifecycle::apply(self, event)
    }
    fn due_steps(&self, now: DateTime<Utc>, cal: &Calendar, actor: &str) -> Vec<Event> {
        lifecycle::escalate(self, now, cal, actor)
    }
    fn next_step_at(&self, cal: &Calendar) -> Option<DateTime<Utc>> {
        self.next_escalation_at(cal)
    }
    fn version(&self) -> u64 {
        Case::version(self)
    }
}
