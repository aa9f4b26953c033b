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

/// A deadline: one that falls on midnight is shown as 24:00 of the day before
/// (`2025-06-03 24:00`), as official notices write it, so that "end of Tuesday" does
/// not read as Wednesday.
pub fn deadline(t: DateTime<Utc>) -> String {
    let local = t.with_timezone(&CST);
    if local.format("%H:%M:%S").to_string() == "00:00:00" {
        let day = local.date_naive().pred_opt().unwrap_or(local.date_naive());
        format!("{day} 24:00")
    } else {
        local.format("%Y-%m-%d %H:%M").to_string()
    }
}

/// An amount of yuan with thousands separators (`50,000`).
pub fn yuan(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
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
