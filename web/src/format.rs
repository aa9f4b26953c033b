//! Display helpers: times in China Standard Time, whatever the browser's zone.

use chrono::{DateTime, FixedOffset, Utc};

const CST: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(o) => o,
    None => panic!("UTC+8 is a valid offset"),
};

/// `2025-06-03 09:30` in Beijing time.
pub fn local_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&CST).format("%Y-%m-%d %H:%M").to_string()
}

/// The `datetime-local` input value for an instant (Beijing time).
pub fn input_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&CST).format("%Y-%m-%dT%H:%M").to_string()
}

/// A `datetime-local` value (Beijing time) as RFC 3339, or the text unchanged when it
/// does not parse (validation then names the field).
pub fn from_input_time(s: &str) -> String {
    let s = s.trim();
    if s.is_empty() {
        return String::new();
    }
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .ok()
        .and_then(|n| n.and_local_timezone(CST).single())
        .map(|t| t.with_timezone(&Utc).to_rfc3339())
        .unwrap_or_else(|| s.to_owned())
}
