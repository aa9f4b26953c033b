//! The official working-day calendar.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use duban_calendar::DayKind;

use crate::endpoint::payload;
use crate::endpoint::{Answer::*, Doc, Endpoint, Method};
use crate::keys::YearKey;

/// Header naming the basis of `GET /api/v1/calendar/{year}`: `official` or
/// `weekends_only`.
pub const CALENDAR_BASIS_HEADER: &str = "x-duban-calendar-basis";

/// One date of `GET /api/v1/calendar/{year}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub workday: bool,
    pub kind: DayKind,
    /// The holiday's name for holidays and make-up working days (`春节`).
    pub name: Option<String>,
}

payload!(CalendarDay);

/// Every date of a year: working day or not, and why.
#[derive(Debug, Clone, Copy)]
pub struct CalendarYear;

impl Endpoint for CalendarYear {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/calendar/{year}";
    type Path = YearKey;
    type Query = ();
    type Body = ();
    type Response = Vec<CalendarDay>;
    const DOC: Doc = Doc {
        says: "Every date of the year: {date, workday, kind, name}; header x-duban-calendar-basis",
        answers: &[Refused(404, "")],
        ..Doc::new("calendar_year")
    };
}
