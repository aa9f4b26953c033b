//! The Chinese official working-day calendar and deadline arithmetic.
//!
//! Public holidays and the make-up working weekends (调休上班) are data, one entry per
//! State Council General Office notice, for 2020 through 2026. For any other year the
//! calendar falls back to "Monday to Friday" and says so: every computed result carries
//! a [`Basis`] telling whether official data covered the whole span.
//!
//! Time is China Standard Time (UTC+8, no daylight saving). Instants are
//! `DateTime<Utc>`; days are local dates.
//!
//! Three ways to measure time ([`Measure`]):
//! - `Natural`: wall-clock time;
//! - `WorkdayTime`: only the 24 hours of working days count (the measure behind
//!   "N working days", whose deadline is the end of the Nth working day after the start
//!   day: the start day itself is not counted);
//! - `OfficeHours`: only office hours of working days count (08:30–12:00 and
//!   13:30–17:30, 7.5 hours a day; the measure behind "N working hours").
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use duban_calendar::{Basis, Calendar, DayKind};
//!
//! let cal = Calendar::official();
//! // Sunday 26 January 2025 was a make-up working day for the Spring Festival.
//! let day = cal.day(chrono::NaiveDate::from_ymd_opt(2025, 1, 26).unwrap());
//! assert_eq!(day.kind, DayKind::MakeupWorkday);
//! assert_eq!(day.name, Some("春节"));
//!
//! // Received on Friday 30 Sep 2022 at 10:00 Beijing time (02:00 UTC);
//! // 1 working day later is the end of Saturday 8 Oct (a make-up working day).
//! let from = Utc.with_ymd_and_hms(2022, 9, 30, 2, 0, 0).unwrap();
//! let due = cal.add_working_days(from, 1);
//! assert_eq!(due.value, Utc.with_ymd_and_hms(2022, 10, 8, 16, 0, 0).unwrap());
//! assert_eq!(due.basis, Basis::Official);
//! ```
//!
//! Invariant: no IO and no clock: the caller passes every instant.

mod data;

use std::sync::OnceLock;

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// What kind of day a date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    Workday,
    Weekend,
    /// Inside an official holiday break (including the weekend days within it).
    Holiday,
    /// A weekend day worked to make up for a holiday (调休上班).
    MakeupWorkday,
}

impl DayKind {
    pub fn is_workday(self) -> bool {
        matches!(self, DayKind::Workday | DayKind::MakeupWorkday)
    }
}

/// One date of the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DayInfo {
    pub date: NaiveDate,
    pub workday: bool,
    pub kind: DayKind,
    /// The holiday's name for holidays and make-up working days (`春节`).
    pub name: Option<&'static str>,
}

/// Whether a result rests on official data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Every day of the span is covered by a State Council notice.
    Official,
    /// Some year of the span has no notice in the data: weekends only were assumed.
    WeekendsOnly,
}

/// A computed value and the basis it rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Reckoned<T> {
    pub value: T,
    pub basis: Basis,
}

/// How time is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Natural,
    WorkdayTime,
    OfficeHours,
}

const DAY: i64 = 86_400;
/// Seconds from the Unix epoch to 2000-01-01T00:00 in UTC+8.
const EPOCH_LOCAL_OFFSET: i64 = 946_684_800 - 8 * 3_600;
const FIRST_YEAR: i32 = 2000;
const LAST_YEAR: i32 = 2199;
/// Office hours as seconds after local midnight: 08:30–12:00 and 13:30–17:30.
const OFFICE: [(i64, i64); 2] = [
    (8 * 3600 + 1800, 12 * 3600),
    (13 * 3600 + 1800, 17 * 3600 + 1800),
];
const OFFICE_DAY: i64 = (OFFICE[0].1 - OFFICE[0].0) + (OFFICE[1].1 - OFFICE[1].0);

/// The calendar: one byte per day from 2000 to 2199 (kind and holiday name) and
/// prefix counts of working days, so that adding N working days is a binary search.
#[derive(Debug)]
pub struct Calendar {
    epoch: NaiveDate,
    /// Low 2 bits: kind; the rest: 1 + index into `names` (0 = no name).
    days: Vec<u8>,
    /// `prefix[i]`: working days in `[0, i)`.
    prefix: Vec<u32>,
    /// `uncovered[i]`: days in `[0, i)` of years without official data.
    uncovered: Vec<u32>,
    names: Vec<&'static str>,
}

impl Calendar {
    /// The official calendar of the People's Republic of China, built once.
    pub fn official() -> &'static Calendar {
        static CAL: OnceLock<Calendar> = OnceLock::new();
        CAL.get_or_init(Calendar::build)
    }

    fn build() -> Calendar {
        let epoch = ymd(FIRST_YEAR, 1, 1);
        let end = ymd(LAST_YEAR + 1, 1, 1);
        let n = usize::try_from((end - epoch).num_days()).unwrap_or(0);
        let mut days = Vec::with_capacity(n);
        let mut d = epoch;
        while d < end {
            let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
            days.push(if weekend {
                kind_bits(DayKind::Weekend)
            } else {
                kind_bits(DayKind::Workday)
            });
            d = d.succ_opt().unwrap_or(d);
        }
        let mut names: Vec<&'static str> = Vec::new();
        let mut name_id = |name: &'static str| -> u8 {
            let i = names.iter().position(|n| *n == name).unwrap_or_else(|| {
                names.push(name);
                names.len() - 1
            });
            u8::try_from(i + 1).unwrap_or(0) << 2
        };
        for notice in data::NOTICES {
            for &(name, from, to) in notice.holidays {
                let id = name_id(name);
                let (mut day, last) = (from_date(from), from_date(to));
                while day <= last {
                    if let Some(slot) = index(epoch, day).and_then(|i| days.get_mut(i)) {
                        *slot = kind_bits(DayKind::Holiday) | id;
                    }
                    let Some(next) = day.succ_opt() else { break };
                    day = next;
                }
            }
            for &(name, at) in notice.makeup {
                let id = name_id(name);
                if let Some(slot) = index(epoch, from_date(at)).and_then(|i| days.get_mut(i)) {
                    *slot = kind_bits(DayKind::MakeupWorkday) | id;
                }
            }
        }
        let mut prefix = Vec::with_capacity(days.len() + 1);
        let mut count = 0u32;
        prefix.push(0);
        for &b in &days {
            count += u32::from(decode_kind(b).is_workday());
            prefix.push(count);
        }
        let mut uncovered = Vec::with_capacity(days.len() + 1);
        let mut count = 0u32;
        uncovered.push(0);
        let mut d = epoch;
        for _ in &days {
            count += u32::from(!data::NOTICES.iter().any(|n| n.year == d.year()));
            uncovered.push(count);
            d = d.succ_opt().unwrap_or(d);
        }
        Calendar {
            epoch,
            days,
            prefix,
            uncovered,
            names,
        }
    }

    /// Years for which a State Council notice is in the data.
    pub fn official_years(&self) -> impl Iterator<Item = i32> + '_ {
        data::NOTICES.iter().map(|n| n.year)
    }

    /// The notice a year's data comes from, if any.
    pub fn source(&self, year: i32) -> Option<&'static str> {
        data::NOTICES
            .iter()
            .find(|n| n.year == year)
            .map(|n| n.source)
    }

    /// Whether official data covers `year`.
    pub fn coverage(&self, year: i32) -> Basis {
        if data::NOTICES.iter().any(|n| n.year == year) {
            Basis::Official
        } else {
            Basis::WeekendsOnly
        }
    }

    /// What kind of day `date` is.
    pub fn day(&self, date: NaiveDate) -> DayInfo {
        let (kind, name) = match index(self.epoch, date).and_then(|i| self.days.get(i)) {
            Some(&b) => {
                let name = usize::from(b >> 2)
                    .checked_sub(1)
                    .and_then(|i| self.names.get(i))
                    .copied();
                (decode_kind(b), name)
            }
            None if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) => {
                (DayKind::Weekend, None)
            }
            None => (DayKind::Workday, None),
        };
        DayInfo {
            date,
            workday: kind.is_workday(),
            kind,
            name,
        }
    }

    /// Every date of a year.
    pub fn year(&self, year: i32) -> impl Iterator<Item = DayInfo> + '_ {
        let first = NaiveDate::from_ymd_opt(year, 1, 1);
        first
            .into_iter()
            .flat_map(|d| d.iter_days())
            .take_while(move |d| d.year() == year)
            .map(|d| self.day(d))
    }

    pub fn is_workday(&self, date: NaiveDate) -> bool {
        self.day(date).workday
    }

    /// The end of the `n`th working day after the local day of `from` (the start day
    /// does not count); `n = 0` gives `from` itself.
    pub fn add_working_days(&self, from: DateTime<Utc>, n: u32) -> Reckoned<DateTime<Utc>> {
        if n == 0 {
            return Reckoned {
                value: from,
                basis: self.basis_between(from, from),
            };
        }
        let (day, _) = self.split(from);
        let target = self.prefix[day + 1] + n;
        let due = self
            .day_reaching(target, day)
            .map_or_else(|| self.end_instant(), |j| self.day_start(j + 1));
        Reckoned {
            value: due,
            basis: self.basis_between(from, due),
        }
    }

    /// `from` plus `seconds` of time counted in `measure`: the earliest instant at which
    /// that much time has passed.
    pub fn add(
        &self,
        from: DateTime<Utc>,
        seconds: i64,
        measure: Measure,
    ) -> Reckoned<DateTime<Utc>> {
        let hint = self.split(from).0;
        let due = self.instant_at(self.position(from, measure) + seconds.max(0), measure, hint);
        Reckoned {
            value: due,
            basis: self.basis_between(from, due),
        }
    }

    /// Time counted in `measure` from `a` to `b`, in seconds (negative if `b < a`).
    pub fn elapsed(&self, a: DateTime<Utc>, b: DateTime<Utc>, measure: Measure) -> Reckoned<i64> {
        Reckoned {
            value: self.position(b, measure) - self.position(a, measure),
            basis: self.basis_between(a.min(b), a.max(b)),
        }
    }

    fn basis_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> Basis {
        let (da, db) = (self.split(a).0, self.split(b).0);
        if self.uncovered[db + 1] == self.uncovered[da] {
            Basis::Official
        } else {
            Basis::WeekendsOnly
        }
    }

    /// Day index and seconds into the day, clamped to the calendar's range.
    fn split(&self, t: DateTime<Utc>) -> (usize, i64) {
        let local = t.timestamp() - EPOCH_LOCAL_OFFSET;
        let day = local.div_euclid(DAY);
        let last = self.days.len() as i64 - 1;
        if day < 0 {
            (0, 0)
        } else if day > last {
            (last as usize, DAY - 1)
        } else {
            (day as usize, local.rem_euclid(DAY))
        }
    }

    fn workday_at(&self, day: usize) -> bool {
        self.days
            .get(day)
            .is_some_and(|&b| decode_kind(b).is_workday())
    }

    fn day_start(&self, day: usize) -> DateTime<Utc> {
        from_ts(EPOCH_LOCAL_OFFSET + day as i64 * DAY)
    }

    fn end_instant(&self) -> DateTime<Utc> {
        self.day_start(self.days.len())
    }

    /// The day on which the working-day count reaches `n` (n ≥ 1), searching from day
    /// `lo` (a hint: any day not after the answer) in a window that holidays cannot
    /// outrun, so the search stays in a few cache lines.
    fn day_reaching(&self, n: u32, lo: usize) -> Option<usize> {
        let len = self.prefix.len();
        let lo = if lo < len && self.prefix[lo] < n {
            lo
        } else {
            0
        };
        let need = (n - self.prefix[lo]) as usize;
        let hi = lo.saturating_add(2 * need + 64).min(len);
        let p = if self.prefix[hi - 1] >= n {
            lo + self.prefix[lo..hi].partition_point(|&c| c < n)
        } else {
            self.prefix.partition_point(|&c| c < n)
        };
        (p >= 1 && p < len).then(|| p - 1)
    }

    fn position(&self, t: DateTime<Utc>, measure: Measure) -> i64 {
        let (day, sod) = self.split(t);
        let before = i64::from(self.prefix[day]);
        let work = self.workday_at(day);
        match measure {
            Measure::Natural => t.timestamp() - EPOCH_LOCAL_OFFSET,
            Measure::WorkdayTime => before * DAY + if work { sod } else { 0 },
            Measure::OfficeHours => before * OFFICE_DAY + if work { office_before(sod) } else { 0 },
        }
    }

    fn instant_at(&self, pos: i64, measure: Measure, hint: usize) -> DateTime<Utc> {
        let per_day = match measure {
            Measure::Natural => return from_ts(pos + EPOCH_LOCAL_OFFSET),
            Measure::WorkdayTime => DAY,
            Measure::OfficeHours => OFFICE_DAY,
        };
        let (full, rest) = (pos.div_euclid(per_day), pos.rem_euclid(per_day));
        let full = u32::try_from(full.max(0)).unwrap_or(u32::MAX);
        if rest == 0 {
            if full == 0 {
                return self.day_start(0);
            }
            // The earliest instant is the close of the `full`th working day.
            return match self.day_reaching(full, hint) {
                Some(j) if measure == Measure::OfficeHours => self.day_start(j) + secs(OFFICE[1].1),
                Some(j) => self.day_start(j + 1),
                None => self.end_instant(),
            };
        }
        match self.day_reaching(full + 1, hint) {
            Some(j) if measure == Measure::OfficeHours => {
                self.day_start(j) + secs(office_instant(rest))
            }
            Some(j) => self.day_start(j) + secs(rest),
            None => self.end_instant(),
        }
    }
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn from_date((y, m, d): (i32, u32, u32)) -> NaiveDate {
    ymd(y, m, d)
}

fn index(epoch: NaiveDate, date: NaiveDate) -> Option<usize> {
    usize::try_from((date - epoch).num_days()).ok()
}

fn kind_bits(kind: DayKind) -> u8 {
    match kind {
        DayKind::Workday => 0,
        DayKind::Weekend => 1,
        DayKind::Holiday => 2,
        DayKind::MakeupWorkday => 3,
    }
}

fn decode_kind(b: u8) -> DayKind {
    match b & 3 {
        0 => DayKind::Workday,
        1 => DayKind::Weekend,
        2 => DayKind::Holiday,
        _ => DayKind::MakeupWorkday,
    }
}

/// Office seconds elapsed in a working day by second-of-day `sod`.
fn office_before(sod: i64) -> i64 {
    OFFICE.iter().map(|&(a, b)| (sod.min(b) - a).max(0)).sum()
}

/// Second-of-day at which `office` (0 < office < OFFICE_DAY) office seconds have passed.
fn office_instant(mut office: i64) -> i64 {
    for &(a, b) in &OFFICE {
        if office <= b - a {
            return a + office;
        }
        office -= b - a;
    }
    OFFICE[1].1
}

fn from_ts(ts: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(ts, 0).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn secs(s: i64) -> chrono::TimeDelta {
    chrono::TimeDelta::seconds(s)
}

#[cfg(test)]
mod tests;
