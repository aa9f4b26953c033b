//! The envelope of a recorded event: who, when, on whose behalf, and what.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A recorded change of a mechanism (supervision, referral, incident): `kind` says what
/// happened and carries its data, flattened beside the envelope's fields. The stored
/// JSON is `{"at":…,"actor":…,"on_behalf":true,"type":…,…}`, `on_behalf` only when set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event<K> {
    pub at: DateTime<Utc>,
    pub actor: String,
    /// Entered by the coordinators on the acting unit's behalf (代录).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub on_behalf: bool,
    #[serde(flatten)]
    pub kind: K,
}

impl<K> Event<K> {
    /// An event of `actor` at `at`, entered by the actor for their own unit.
    pub fn new(at: DateTime<Utc>, actor: &str, kind: K) -> Event<K> {
        Event {
            at,
            actor: actor.to_owned(),
            on_behalf: false,
            kind,
        }
    }
}

/// A command or an event kind: its stable snake_case name, the wire's `action` or
/// `type` tag (used in audit codes and event lists). Derive it with
/// `#[derive(strum::IntoStaticStr)] #[strum(serialize_all = "snake_case")]`, which
/// names the variants as serde's `rename_all = "snake_case"` tags them.
pub trait Tagged {
    fn code(&self) -> &'static str;
}

impl<T> Tagged for T
where
    for<'a> &'a T: Into<&'static str>,
{
    fn code(&self) -> &'static str {
        self.into()
    }
}

/// What the store keeps beside an event's JSON: when, by whom, and its kind's code.
pub trait Recorded {
    fn at(&self) -> DateTime<Utc>;
    fn actor(&self) -> &str;
    fn code(&self) -> &'static str;
}

impl<K: Tagged> Recorded for Event<K> {
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
