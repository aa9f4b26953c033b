//! Horizontal referral of key problems (重点问题横向推送): a problem is pushed to another
//! department at the same level (sewage and garbage to 住建厅, a nature reserve to
//! 林业局 …), by rule or by hand, with a response deadline on its own clock; the receiver
//! acknowledges, the two sides write in a thread, the receiver answers (which stops the
//! clock); handling can be made joint, with one lead and co-handlers.
//!
//! An event-sourced aggregate with pure steps, like the case:
//!
//! ```
//! use duban_referral::{Command, Ctx, Referral, Status, decide, apply, open};
//! let now = chrono::DateTime::from_timestamp(1_750_000_000, 0).unwrap();
//! let ctx = Ctx { now, actor: "coordinator", actor_units: &["prov-coord".into()],
//!                 calendar: duban_calendar::Calendar::official() };
//! let send = Command::Send { from_unit: "prov-coord".into(), to_unit: "dept-zjt".into(),
//!     subject: "小区生活污水直排".into(), text: "请住建厅协同核查管网问题。".into(),
//!     amount: 3, unit: "working_days".into() };
//! let first = open(Some("case-1"), &send, &ctx).unwrap();
//! let r = first.iter().fold(Referral::empty("r-1"), apply);
//! assert_eq!(r.status(), Status::Sent);
//! ```
//!
//! Invariant: no IO, no clock, no randomness.

mod model;

pub use model::{
    Command, Ctx, Event, EventKind, Message, Referral, ReferralError, Status, apply, decide, open,
};
