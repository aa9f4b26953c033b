//! China Standard Time: the office's days, years and dates are counted in it.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// UTC+8, China Standard Time (no daylight saving since 1991).
pub const CHINA: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(o) => o,
    None => panic!("UTC+8 is a valid offset"),
};

/// The date in China at an instant.
pub fn china_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&CHINA).date_naive()
}
