//! What every domain crate of Duban shares: the display language ([`Lang`]), China's
//! offset ([`CHINA`]), the envelope of a recorded event ([`Event`]), errors with a field,
//! a stable code and a message ([`CodedError`]), a closed set of values as a person
//! typed it ([`Choice`]), what can be wrong with a field's value, worded once
//! ([`field::Problem`]), and the event-sourced aggregate ([`Aggregate`], [`Mechanism`]).
//!
//! ```
//! use duban_core::{CHINA, Lang, china_date};
//! let at = chrono::DateTime::parse_from_rfc3339("2025-06-08T17:30:00Z").unwrap().to_utc();
//! assert_eq!(china_date(at).to_string(), "2025-06-09");
//! assert_eq!(at.with_timezone(&CHINA).date_naive(), china_date(at));
//! assert_eq!(Lang::default(), Lang::Zh);
//! ```
//!
//! Invariant: no IO, no clock, no randomness, and no dependency on another Duban crate
//! but the text catalogue (duban-text): every domain crate may depend on this one.

mod aggregate;
mod choice;
#[cfg(feature = "conformance")]
pub mod conformance;
mod error;
mod event;
pub mod field;
mod time;

pub use aggregate::{Aggregate, Mechanism};
pub use choice::Choice;
pub use duban_text::{Key, Lang, key};
pub use error::CodedError;
pub use event::{Event, Recorded, Tagged};
pub use time::{CHINA, china_date};
