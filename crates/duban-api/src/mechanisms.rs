//! What the views of the mechanisms (supervision, referral, incident) share.

use serde::{Deserialize, Serialize};

/// An event of a mechanism (supervision, referral, incident) with its number in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequenced<E> {
    pub seq: u64,
    #[serde(flatten)]
    pub event: E,
}
