//! The daily clearing view (日有日清): what each unit must move today.

use chrono::{DateTime, Utc};
use duban_case::model::Status;
use serde::{Deserialize, Serialize};

/// A column of the daily clearing view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bucket {
    /// Received (or returned as misrouted) and not yet dispatched.
    NotDispatched,
    /// Dispatched and not yet signed for.
    NotSigned,
    /// The running clock falls due before midnight, China time.
    DueToday,
    /// The running clock is past due.
    Overdue,
}

impl Bucket {
    pub const ALL: [Bucket; 4] = [
        Bucket::NotDispatched,
        Bucket::NotSigned,
        Bucket::DueToday,
        Bucket::Overdue,
    ];
}

/// The end of `now`'s day in China (UTC+8, no daylight saving): what "due today" means.
pub fn end_of_china_day(now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let next = duban_core::china_date(now)
        .succ_opt()?
        .and_hms_opt(0, 0, 0)?;
    Some(
        next.and_local_timezone(duban_core::CHINA)
            .single()?
            .to_utc(),
    )
}

/// The buckets a case falls in at `now`, given its status, whether it is paused and
/// when its running clock is due.
pub fn buckets(
    status: Status,
    paused: bool,
    due_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Vec<Bucket> {
    let mut out = Vec::new();
    match status {
        Status::Received | Status::Returned => out.push(Bucket::NotDispatched),
        Status::Dispatched => out.push(Bucket::NotSigned),
        _ => {}
    }
    if let (false, Some(due)) = (paused, due_at) {
        if due <= now {
            out.push(Bucket::Overdue);
        } else if end_of_china_day(now).is_some_and(|end| due < end) {
            out.push(Bucket::DueToday);
        }
    }
    out
}
