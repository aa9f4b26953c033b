//! Follow-up supervision of key items (重点事项跟进督办): a key case gets a named
//! supervisor and supervision orders (督办单: number, target unit, demands, deadline)
//! each with its own clock; on-site verification records (现场核查) with photos; progress
//! and result reports reviewed one by one (approve, or send back with comments).
//!
//! Like the case, supervision is an event-sourced aggregate with pure steps:
//! `decide(&state, &command, &ctx) -> Result<Vec<Event>, Errors>` and
//! `apply(state, &event) -> state`. Order numbers, attachment metadata and the instant
//! are arguments.
//!
//! ```
//! use duban_supervision::{Command, Ctx, Supervision, decide, apply};
//! let now = chrono::DateTime::from_timestamp(1_750_000_000, 0).unwrap();
//! let ctx = Ctx { now, actor: "coordinator", calendar: duban_calendar::Calendar::official(),
//!                 order_number: None, attachments: &[] };
//! let s = Supervision::new("0197…".into());
//! let events = decide(&s, &Command::Assign { supervisor: "supervisor".into() }, &ctx).unwrap();
//! let s = events.iter().fold(s, apply);
//! assert_eq!(s.supervisor(), Some("supervisor"));
//! ```
//!
//! Invariant: no IO, no clock, no randomness.

mod error;
mod model;

pub use error::{Errors, SupervisionError};
pub use model::{
    Attachment, Command, Ctx, Event, EventKind, MAX_ORDER_DAYS, MAX_ORDER_HOURS, Order,
    OrderStatus, Report, ReportKind, Review, Supervision, Visit, apply, decide, max_order_amount,
};
