//! The event-sourced aggregate: the one shape of the case and the mechanisms.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{CodedError, Event, Recorded, Tagged};

/// An event-sourced aggregate with pure steps: [`decide`](Aggregate::decide) turns a
/// command into events or refuses it with every problem found, [`apply`](Aggregate::apply)
/// folds an event into the state. Events carry the clocks they start or change, so a
/// replay needs neither the calendar nor the rules. The server loads the state, decides,
/// applies, and stores the new state with the events under the version it loaded; its
/// sweeper fires [`due_steps`](Aggregate::due_steps) the same way.
pub trait Aggregate: Sized {
    /// The aggregate's kind in storage (`aggregates.kind`) and in audit codes
    /// (`referral.sent`).
    const KIND: &'static str;
    /// What a person asks for (deserialized from the request body).
    type Command: Tagged;
    /// What happened; stored as JSON in the aggregate's log.
    type Event: Recorded;
    type Error: CodedError;
    /// What a decision needs besides the state: the instant, the actor, the calendar,
    /// and what this aggregate needs more (the rule set, the units the actor speaks
    /// for, the plans, a number drawn by the server).
    type Ctx<'a>;
    /// The calendar the clocks count in (`duban_calendar::Calendar` for all of them; a
    /// type here so that this crate stays below the calendar's).
    type Calendar: ?Sized;

    /// The state its log's first event makes (`id`: the aggregate's key); `None` when
    /// that event opens nothing.
    fn open(id: &str, first: &Self::Event) -> Option<Self>;
    /// The events a command makes, or why it cannot be done (every problem found).
    fn decide(
        &self,
        cmd: &Self::Command,
        ctx: &Self::Ctx<'_>,
    ) -> Result<Vec<Self::Event>, Vec<Self::Error>>;
    /// Fold one event in; the version goes up by one.
    fn apply(self, event: &Self::Event) -> Self;
    /// The escalation steps the clocks have reached by `now` and not fired yet, as
    /// events of `actor` (the sweeper). Applying them and asking again gives none.
    fn due_steps(&self, now: DateTime<Utc>, cal: &Self::Calendar, actor: &str) -> Vec<Self::Event>;
    /// When the next escalation step falls due (`None`: nothing to sweep).
    fn next_step_at(&self, cal: &Self::Calendar) -> Option<DateTime<Utc>>;
    /// How many events the state has folded (the optimistic-concurrency guard).
    fn version(&self) -> u64;

    /// The state a whole log makes.
    fn replay<'e>(id: &str, log: impl IntoIterator<Item = &'e Self::Event>) -> Option<Self>
    where
        Self::Event: 'e,
    {
        let mut log = log.into_iter();
        let first = Self::open(id, log.next()?)?;
        Some(log.fold(first, Self::apply))
    }
}

/// A mechanism (supervision, referral, incident): an aggregate opened by a command,
/// about a case or on its own, stored in the `aggregates` table under its id. Its log
/// is of envelopes ([`Event`]) around its own event kinds.
pub trait Mechanism: Aggregate<Event = Event<<Self as Mechanism>::Kind>> {
    /// What happened, inside the envelope; stored as JSON.
    type Kind: Tagged + Serialize + DeserializeOwned;

    /// The events that open a mechanism `id` (about case `case_id`), or why not.
    /// Fold them with [`Aggregate::replay`].
    fn start(
        id: &str,
        case_id: Option<&str>,
        cmd: &Self::Command,
        ctx: &Self::Ctx<'_>,
    ) -> Result<Vec<Self::Event>, Vec<Self::Error>>;
    /// The case it is about, if any.
    fn case_id(&self) -> Option<&str>;
    /// The unit an event is entered for, if it speaks for one (an answer for the
    /// order's target unit, an acknowledgement for its department; `lead_unit`: the
    /// case's lead unit, whose reports they are). `before`: the state the event was
    /// decided on, `None` for the events that open the mechanism.
    fn entered_for<'a>(
        before: Option<&'a Self>,
        kind: &'a Self::Kind,
        lead_unit: Option<&'a str>,
    ) -> Option<&'a str>;

    /// Mark the events entered for a unit the actor does not belong to (`home_units`)
    /// as entered on its behalf (代录), so the log shows who really wrote what. Done
    /// before they are applied: a thread keeps the mark.
    fn mark_on_behalf(
        before: Option<&Self>,
        events: &mut [Self::Event],
        home_units: &[String],
        lead_unit: Option<&str>,
    ) {
        for e in events {
            e.on_behalf = Self::entered_for(before, &e.kind, lead_unit)
                .is_some_and(|u| !home_units.iter().any(|h| h == u));
        }
    }
}
