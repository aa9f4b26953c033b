use crate::http::register::Routes;
use axum::extract::Path;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use duban_api::calendar;

use duban_calendar::Calendar;

use crate::error::{ApiFailure, ReqLang};

/// This feature's routes, under `/api/v1`.
pub fn routes() -> Routes {
    Routes::new().at(calendar::CalendarYear, calendar_year)
}

pub(crate) async fn calendar_year(
    ReqLang(lang): ReqLang,
    Path(year): Path<String>,
) -> Result<Response, ApiFailure> {
    let year: i32 = year
        .parse()
        .ok()
        .filter(|y| (2000..=2199).contains(y))
        .ok_or_else(|| ApiFailure::not_found("year", "year.out_of_range", lang))?;
    let cal = Calendar::official();
    let days: Vec<_> = cal.year(year).collect();
    let basis = match cal.coverage(year) {
        duban_calendar::Basis::Official => "official",
        duban_calendar::Basis::WeekendsOnly => "weekends_only",
    };
    let mut resp = axum::Json(days).into_response();
    resp.headers_mut().insert(
        duban_api::CALENDAR_BASIS_HEADER,
        HeaderValue::from_static(basis),
    );
    Ok(resp)
}
