//! What one case adds to the board.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use duban_case::lifecycle::Case;
use duban_case::model::{Category, KeyClass, Status};

/// Additive figures: a cell's figures are the sums of its cases' facts, so a change to a
/// case is "subtract the old, add the new".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Measures {
    pub total: i64,
    /// Key cases (重点件): any key class.
    pub key_cases: i64,
    /// Not yet closed, stage-closed, archived or merged.
    pub open: i64,
    /// Open and past the deadline of the stage it waits in (the chase notice fired).
    pub overdue: i64,
    /// Closed or archived.
    pub closed: i64,
    pub stage_closed: i64,
    /// Merged into a primary as a repeat: counted once, in `total` only.
    pub merged: i64,
    /// Closed or stage-closed with the result reported within the handling limit.
    pub on_time: i64,
    /// Closed or stage-closed with the result reported late.
    pub late: i64,
    // The outcome of closed and stage-closed cases, as the province reports it.
    pub rectification_orders: i64,
    pub penalty_cases: i64,
    pub fines_yuan: i64,
    pub criminal_cases: i64,
    pub officials_summoned: i64,
    pub officials_accountable: i64,
}

/// How many figures a fact carries.
pub const N: usize = 15;

impl Measures {
    /// The columns in storage order, with their names.
    pub const COLUMNS: [&'static str; N] = [
        "total",
        "key_cases",
        "open",
        "overdue",
        "closed",
        "stage_closed",
        "merged",
        "on_time",
        "late",
        "rectification_orders",
        "penalty_cases",
        "fines_yuan",
        "criminal_cases",
        "officials_summoned",
        "officials_accountable",
    ];

    pub fn to_array(&self) -> [i64; N] {
        [
            self.total,
            self.key_cases,
            self.open,
            self.overdue,
            self.closed,
            self.stage_closed,
            self.merged,
            self.on_time,
            self.late,
            self.rectification_orders,
            self.penalty_cases,
            self.fines_yuan,
            self.criminal_cases,
            self.officials_summoned,
            self.officials_accountable,
        ]
    }

    pub fn from_array(a: [i64; N]) -> Measures {
        Measures {
            total: a[0],
            key_cases: a[1],
            open: a[2],
            overdue: a[3],
            closed: a[4],
            stage_closed: a[5],
            merged: a[6],
            on_time: a[7],
            late: a[8],
            rectification_orders: a[9],
            penalty_cases: a[10],
            fines_yuan: a[11],
            criminal_cases: a[12],
            officials_summoned: a[13],
            officials_accountable: a[14],
        }
    }

    pub fn plus(&self, other: &Measures) -> Measures {
        let (a, b) = (self.to_array(), other.to_array());
        Measures::from_array(std::array::from_fn(|i| a[i].saturating_add(b[i])))
    }

    pub fn minus(&self, other: &Measures) -> Measures {
        let (a, b) = (self.to_array(), other.to_array());
        Measures::from_array(std::array::from_fn(|i| a[i].saturating_sub(b[i])))
    }

    pub fn is_zero(&self) -> bool {
        self.to_array().iter().all(|v| *v == 0)
    }

    /// Closed or stage-closed: what the province reports as 办结（含阶段性办结）.
    pub fn concluded(&self) -> i64 {
        self.closed + self.stage_closed
    }

    /// Concluded cases among those that count (repeats merged away do not), in percent.
    pub fn closure_rate(&self) -> Option<f64> {
        let base = self.total - self.merged;
        (base > 0).then(|| self.concluded() as f64 * 100.0 / base as f64)
    }

    /// Concluded cases reported within the limit, in percent of concluded cases.
    pub fn on_time_rate(&self) -> Option<f64> {
        let base = self.on_time + self.late;
        (base > 0).then(|| self.on_time as f64 * 100.0 / base as f64)
    }
}

/// The dimensions a case is counted under, and what it adds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fact {
    /// The day it was received, in China Standard Time, as `yyyymmdd`.
    pub day: i32,
    /// The inspection batch, 0 for none.
    pub batch: i64,
    /// The division's GB/T 2260 code (a county, or a city when no county is known).
    pub division: u32,
    /// Bit `i` set for `Category::ALL[i]`.
    pub categories: i64,
    /// Bit `i` set for `KeyClass::ALL[i]`; 0 for an ordinary case.
    pub key_classes: i64,
    /// The lead unit's id, empty before dispatch.
    pub unit: String,
    pub measures: Measures,
}

/// China Standard Time (UTC+8, no daylight saving).
const CST: FixedOffset = duban_core::CHINA;

/// The calendar day of an instant in China, as `yyyymmdd`.
pub fn day_of(at: DateTime<Utc>) -> i32 {
    day_number(at.with_timezone(&CST).date_naive())
}

/// A date as `yyyymmdd`.
pub fn day_number(d: NaiveDate) -> i32 {
    d.year() * 10_000 + d.month() as i32 * 100 + d.day() as i32
}

/// The date of a `yyyymmdd` number.
pub fn date_of(day: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(day / 10_000, (day / 100 % 100) as u32, (day % 100) as u32)
}

/// The month of a `yyyymmdd` day, as `yyyymm`.
pub fn month_of(day: i32) -> i32 {
    day / 100
}

pub fn category_bit(c: Category) -> i64 {
    Category::ALL
        .iter()
        .position(|x| *x == c)
        .map_or(0, |i| 1_i64 << i)
}

pub fn key_class_bit(k: KeyClass) -> i64 {
    KeyClass::ALL
        .iter()
        .position(|x| *x == k)
        .map_or(0, |i| 1_i64 << i)
}

/// The categories whose bits are set.
pub fn categories_of(bits: i64) -> impl Iterator<Item = Category> {
    Category::ALL
        .iter()
        .enumerate()
        .filter(move |(i, _)| bits & (1_i64 << i) != 0)
        .map(|(_, c)| *c)
}

impl Fact {
    pub fn of(case: &Case) -> Fact {
        let status = case.status();
        let concluded = matches!(
            status,
            Status::Closed | Status::StageClosed | Status::Archived
        );
        let open = !concluded && status != Status::Merged;
        let overdue = open
            && case
                .current_escalation()
                .is_some_and(|s| s >= duban_sla::Step::Chase);
        let mut m = Measures {
            total: 1,
            key_cases: i64::from(case.is_key()),
            open: i64::from(open),
            overdue: i64::from(overdue),
            closed: i64::from(matches!(status, Status::Closed | Status::Archived)),
            stage_closed: i64::from(status == Status::StageClosed),
            merged: i64::from(status == Status::Merged),
            ..Measures::default()
        };
        if concluded {
            match case.handled_on_time() {
                Some(true) => m.on_time = 1,
                Some(false) => m.late = 1,
                None => {}
            }
            if let Some(o) = case.outcome() {
                m.rectification_orders = i64::from(o.rectification_orders());
                m.penalty_cases = i64::from(o.penalty_cases());
                m.fines_yuan = i64::try_from(o.fines_yuan()).unwrap_or(i64::MAX);
                m.criminal_cases = i64::from(o.criminal_cases());
                m.officials_summoned = i64::from(o.officials_summoned());
                m.officials_accountable = i64::from(o.officials_accountable());
            }
        }
        Fact {
            day: day_of(case.received_at()),
            batch: case.batch().map_or(0, |b| i64::from(b.number())),
            division: case.division().as_u32(),
            categories: case
                .categories()
                .iter()
                .fold(0, |acc, c| acc | category_bit(*c)),
            key_classes: case
                .key_classes()
                .iter()
                .fold(0, |acc, k| acc | key_class_bit(*k)),
            unit: case.lead_unit().map(|u| u.to_string()).unwrap_or_default(),
            measures: m,
        }
    }

    /// The city (设区市) the division belongs to, as a code.
    pub fn city(&self) -> u32 {
        city_of(self.division)
    }
}

/// The city code of a division code (its first four digits); the province itself maps
/// to itself.
pub fn city_of(division: u32) -> u32 {
    if division.is_multiple_of(10_000) {
        division
    } else {
        division / 100 * 100
    }
}
