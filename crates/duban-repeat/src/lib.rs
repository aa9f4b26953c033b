//! Repeat complaints (重信重访): which existing cases a new complaint may repeat, with a
//! score and reasons a coordinator can read, before they confirm a merge.
//!
//! The server keeps a small [`Fingerprint`] per case (the character-bigram hashes of its
//! address and content). At intake or import it fetches the cases of the same division
//! or city within the window, plus those with the same phone digest, and ranks them in
//! memory with [`rank`]. Evidence: similar content ([`Fingerprint::similarity`], with
//! the words every complaint uses weighing less than the subject's own, and scaled by
//! how far the kinds of problem named agree, [`Fingerprint::kind_agreement`]) and the
//! same complainant phone (an opaque digest: this crate never sees the number). The
//! place (the same division or city, coordinates within [`Settings::radius_m`]) and
//! the time apart (within [`Settings::window_days`]) only scale that evidence: they
//! never make a score alone. Calibrated on the labelled pairs of
//! `tests/vectors/repeats.json` (precision and recall at the default minimum score).
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use duban_case::Lang;
//! use duban_repeat::{Candidate, Fingerprint, Probe, Settings, rank};
//!
//! let at = |d| Utc.with_ymd_and_hms(2026, 5, d, 9, 0, 0).unwrap();
//! let earlier = Candidate {
//!     case_id: "c-1".into(),
//!     reference: "JS-2026-B03-0123".into(),
//!     division: "321102".into(),
//!     fingerprint: Fingerprint::of("宏达化工长期在夜间偷排废气，气味刺鼻，幸福花园小区居民晚上不敢开窗。"),
//!     phone_digest: Some("k1:9f2c".into()),
//!     location: None,
//!     received_at: at(2),
//! };
//! let probe = Probe {
//!     division: "321102".into(),
//!     fingerprint: Fingerprint::of("宏达化工又在半夜排放废气了，上次反映的问题没解决"),
//!     phone_digest: Some("k1:9f2c".into()),
//!     location: None,
//!     received_at: at(20),
//! };
//! let found = rank(&probe, &[earlier], &Settings::default(), 10);
//! assert_eq!(found[0].reference, "JS-2026-B03-0123");
//! let why: Vec<String> = found[0].reasons.iter().map(|r| r.label(Lang::Zh)).collect();
//! assert!(why.contains(&"同一举报电话".to_string()));
//! assert!(why.contains(&"同在京口区".to_string()));
//! ```
//!
//! Invariant: no IO, no clock, no randomness: instants are arguments. Builds for
//! wasm32-unknown-unknown.

mod error;
mod fingerprint;
mod score;
mod vocabulary;

pub use error::RepeatError;
pub use fingerprint::{FINGERPRINT_VERSION, Fingerprint};
pub use score::{
    Candidate, Match, Point, Probe, Reason, Settings, SettingsDraft, Weights, rank, score,
};

#[cfg(test)]
mod tests;
