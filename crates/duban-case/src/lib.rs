//! The environmental complaint case (信访件): its validated model, its life cycle and
//! its errors.
//!
//! - [`draft`]: raw input ([`draft::CaseDraft`]) parsed into a [`draft::NewCase`]; every
//!   problem is a [`error::CaseError`] with a field path, a stable code
//!   (`content.too_short`, `division.unknown`) and parameters, worded in Chinese and
//!   English by the duban-text catalogue.
//! - [`lifecycle`]: `decide(&case, &command, &ctx) -> events` and
//!   `apply(case, &event) -> case`; illegal transitions are `transition.not_allowed`.
//! - [`model`]: channels, categories, key classes, statuses, references.
//! - [`closing`]: no closing or archiving while mechanism work on the case is open.
//! - [`privacy`]: [`privacy::redact`], personal data out of free text.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use duban_calendar::Calendar;
//! use duban_case::draft::{CaseDraft, NewCase};
//! use duban_case::lifecycle::{self, Command, Ctx};
//! use duban_case::model::{CaseId, Reference, Status};
//! use duban_case::Lang;
//! use duban_core::CodedError as _;
//!
//! let now = Utc.with_ymd_and_hms(2025, 6, 3, 2, 0, 0).unwrap();
//! let mut draft = CaseDraft {
//!     channel: "hotline_12345".into(),
//!     content: "短".into(),
//!     address: "镇江市京口区象山街道".into(),
//!     division: "321102".into(),
//!     categories: vec!["noise".into()],
//!     ..CaseDraft::default()
//! };
//! let errors = NewCase::parse(&draft, now).unwrap_err();
//! let e = errors.iter().next().unwrap();
//! assert_eq!((e.field().as_ref(), e.code().as_ref()), ("content", "content.too_short"));
//! assert_eq!(e.message(Lang::Zh), "举报内容至少10个字，当前1个字");
//!
//! draft.content = "夜间施工噪声扰民，持续到凌晨两点。".into();
//! let new_case = NewCase::parse(&draft, now).unwrap();
//! let rules = duban_sla::defaults::hotline_12345();
//! let ctx = Ctx { now, actor: "coordinator", rules: &rules, calendar: Calendar::official() };
//! let id = CaseId::from_uuid(uuid::Uuid::nil());
//! let opened = lifecycle::receive(id, Reference::for_channel(2025, new_case.channel(), 1), new_case, &ctx);
//! let case = lifecycle::open(&opened).unwrap();
//! assert_eq!(case.status(), Status::Received);
//!
//! // Signing for a case that was never dispatched is refused.
//! let err = lifecycle::decide(&case, &Command::SignFor, &ctx).unwrap_err();
//! assert_eq!(err.iter().next().unwrap().code(), "transition.not_allowed");
//!
//! let cmd = Command::Dispatch { lead_unit: "gov-3211".into(), co_units: vec![], note: String::new(), routed_by: vec![], why: vec![] };
//! let events = lifecycle::decide(&case, &cmd, &ctx).unwrap();
//! let case = events.iter().fold(case, lifecycle::apply);
//! assert_eq!(case.status(), Status::Dispatched);
//! ```
//!
//! Invariant: no IO, no clock, no randomness. Ids, instants and the actor are arguments.

mod aggregate;
pub mod closing;
pub mod draft;
pub mod error;
pub mod lifecycle;
pub mod model;
pub mod privacy;

/// The display language lives in `duban-core`; this name is kept for its many users.
pub use duban_core::Lang;

#[cfg(test)]
mod error_catalogue_tests;
#[cfg(test)]
mod tests;
