//! A day range split for a monthly roll-up.

use chrono::{Datelike, Months, NaiveDate};

use crate::fact::{date_of, day_number, month_of};

/// `[from, to]` (inclusive `yyyymmdd` days) as the whole months inside it, answered by a
/// monthly roll-up, and the days around them, answered case by case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// Whole months, inclusive `yyyymm`; None when the range covers no whole month.
    pub months: Option<(i32, i32)>,
    /// At most two inclusive day ranges not covered by `months`.
    pub days: Vec<(i32, i32)>,
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn last_of_month(d: NaiveDate) -> NaiveDate {
    first_of_month(d)
        .checked_add_months(Months::new(1))
        .and_then(|n| n.pred_opt())
        .unwrap_or(d)
}

/// Split `[from, to]`; days outside any calendar date (0, 99991231) stand for open ends.
pub fn split(from: i32, to: i32) -> Split {
    if from > to {
        return Split {
            months: None,
            days: vec![],
        };
    }
    // Open ends: the months cover everything before or after.
    let from_date = date_of(from);
    let to_date = date_of(to);
    // The first whole month: from's month if from is its first day (or open).
    let first_month = match from_date {
        None => Some(0),
        Some(d) if d.day() == 1 => Some(month_of(from)),
        Some(d) => first_of_month(d)
            .checked_add_months(Months::new(1))
            .map(|n| month_of(day_number(n))),
    };
    let last_month = match to_date {
        None => Some(999_912),
        Some(d) if d == last_of_month(d) => Some(month_of(to)),
        Some(d) => first_of_month(d)
            .pred_opt()
            .map(|p| month_of(day_number(p))),
    };
    match (first_month, last_month) {
        (Some(a), Some(b)) if a <= b => {
            let mut days = Vec::new();
            if let Some(d) = from_date
                && month_of(from) < a
            {
                days.push((from, day_number(last_of_month(d))));
            }
            if let Some(d) = to_date
                && month_of(to) > b
            {
                days.push((day_number(first_of_month(d)), to));
            }
            Split {
                months: Some((a, b)),
                days,
            }
        }
        _ => Split {
            months: None,
            days: vec![(from, to)],
        },
    }
}
