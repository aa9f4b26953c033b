//! Supervision on the shared contract ([`duban_core::Aggregate`]).

use chrono::{DateTime, Utc};
use duban_calendar::Calendar;

use crate::error::SupervisionError as E;
use crate::model::{Command, Ctx, Event, EventKind, Supervision, apply, decide, due_steps};

impl duban_core::Tagged for Command {
    fn code(&self) -> &'static str {
        Command::code(self)
    }
}

impl duban_core::Tagged for EventKind {
    fn code(&self) -> &'static str {
        EventKind::code(self)
    }
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
    fn due_steps(&self, now: DateTime<Utc>, cal: &Calendar, actor: &str) -> Vec<Event> {
        due_steps(self, now, cal, actor)
    }
    fn next_step_at(&self, cal: &Calendar) -> Option<DateTime<Utc>> {
        Supervision::next_step_at(self, cal)
    }
    fn version(&self) -> u64 {
        Supervision::version(self)
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
