//! `GET requests`: cases that came in through Open311 as public service requests.

use std::str::FromStr;

use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use serde::Serialize;

use duban_case::Lang;
use duban_case::lifecycle::Case;
use duban_case::model::{Category, Status};
use duban_intake::open311::{clean, clean_text, param};

use super::create::{RequestsXml, notice};
use super::document::{Failure, Format, document, list_param, pairs, pick};
use crate::service::AppState;
use crate::store::{Open311Filter, Open311Request};

/// The spec's default window and volume of `GET requests`.
const WINDOW_DAYS: i64 = 90;
const MAX_REQUESTS: usize = 1000;

/// A service request as the spec lists it.
#[derive(Debug, Serialize)]
pub(super) struct RequestView {
    service_request_id: String,
    status: &'static str,
    status_notes: Option<String>,
    service_name: &'static str,
    service_code: &'static str,
    description: String,
    agency_responsible: Option<String>,
    service_notice: Option<String>,
    requested_datetime: String,
    updated_datetime: String,
    expected_datetime: Option<String>,
    address: String,
    zipcode: Option<String>,
    lat: Option<f64>,
    long: Option<f64>,
    media_url: Option<String>,
}

pub(super) struct Listed(pub(super) Vec<RequestView>);

impl Listed {
    pub(super) fn render(self, format: Format) -> Response {
        document(
            format,
            StatusCode::OK,
            &self.0,
            RequestsXml { request: &self.0 },
        )
    }
}

/// Whether a status counts as Open311's `closed`.
fn is_closed(status: Status) -> bool {
    matches!(
        status,
        Status::Closed | Status::StageClosed | Status::Archived | Status::Merged
    )
}

/// w3c date-time with a time zone (`2010-01-01T00:00:00Z`, seconds optional).
pub(super) fn w3c(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M%:z"))
        .or_else(|_| DateTime::parse_from_str(&s.replace('Z', "+00:00"), "%Y-%m-%dT%H:%M%:z"))
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn china_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&duban_core::CHINA)
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(super) async fn list_requests(
    s: &AppState,
    lang: Lang,
    query: Option<&str>,
) -> Result<Listed, Failure> {
    let q = pairs(query.unwrap_or("").as_bytes(), lang)?;
    let ids = list_param(&q, "service_request_id");
    let mut filter = Open311Filter {
        limit: MAX_REQUESTS as i64,
        ..Open311Filter::default()
    };
    if !ids.is_empty() {
        // The ids override every other argument.
        if ids.len() > MAX_REQUESTS {
            return Err(Failure::bad(
                "service_request_id.too_many",
                pick(
                    ("一次至多查询1000个编号", "At most 1000 ids at a time"),
                    lang,
                ),
            ));
        }
        filter.references = Some(ids);
    } else {
        let mut codes = Vec::new();
        for code in list_param(&q, "service_code") {
            match Category::from_str(&code) {
                Ok(c) => codes.push(c.code().to_owned()),
                Err(()) => {
                    return Err(Failure::bad(
                        "service_code.unknown",
                        match lang {
                            Lang::Zh => format!("没有服务“{}”", clean(&code, 40)),
                            Lang::En => format!("No service “{}”", clean(&code, 40)),
                        },
                    ));
                }
            }
        }
        if !codes.is_empty() {
            filter.service_codes = Some(codes);
        }
        let mut statuses: Vec<String> = Vec::new();
        for wanted in list_param(&q, "status") {
            let closed = match wanted.as_str() {
                "open" => false,
                "closed" => true,
                _ => {
                    return Err(Failure::bad(
                        "status.unknown",
                        pick(
                            ("status 须为 open 或 closed", "status is open or closed"),
                            lang,
                        ),
                    ));
                }
            };
            statuses.extend(
                Status::ALL
                    .iter()
                    .filter(|st| is_closed(**st) == closed)
                    .map(|st| st.code().to_owned()),
            );
        }
        if !statuses.is_empty() {
            filter.statuses = Some(statuses);
        }
        let date = |name: &str| -> Result<Option<DateTime<Utc>>, Failure> {
            match param(&q, name) {
                None => Ok(None),
                Some(v) => w3c(v).map(Some).ok_or_else(|| {
                    Failure::bad(
                        &format!("{name}.invalid"),
                        match lang {
                            Lang::Zh => format!(
                                "{name} 须为带时区的 w3c 时间，如 2010-01-01T00:00:00Z"
                            ),
                            Lang::En => format!(
                                "{name} must be a w3c date-time with a time zone, e.g. 2010-01-01T00:00:00Z"
                            ),
                        },
                    )
                }),
            }
        };
        let window = TimeDelta::days(WINDOW_DAYS);
        let (start, end) = match (date("start_date")?, date("end_date")?) {
            (None, None) => {
                let now = s.now();
                (now - window, now)
            }
            (Some(start), None) => (start, start + window),
            (None, Some(end)) => (end - window, end),
            (Some(start), Some(end)) => (start, end),
        };
        if end < start {
            return Err(Failure::bad(
                "date_range.invalid",
                pick(
                    ("end_date 早于 start_date", "end_date is before start_date"),
                    lang,
                ),
            ));
        }
        if end - start > window {
            return Err(Failure::bad(
                "date_range.too_long",
                pick(
                    (
                        "查询范围不能超过90天",
                        "The range may not span more than 90 days",
                    ),
                    lang,
                ),
            ));
        }
        filter.from_ms = Some(start.timestamp_millis());
        filter.to_ms = Some(end.timestamp_millis());
    }
    let rows = s.store.open311_requests(&filter).await?;
    Ok(Listed(
        rows.iter()
            .map(|(case, req)| request_view(s, case, req, lang))
            .collect(),
    ))
}

/// A case as a public service request: no complainant, digits and e-mail addresses in
/// free text masked.
pub(super) fn request_view(
    s: &AppState,
    case: &Case,
    req: &Open311Request,
    lang: Lang,
) -> RequestView {
    let category = Category::from_str(&req.service_code)
        .ok()
        .or_else(|| case.categories().first().copied())
        .unwrap_or(Category::Other);
    let closed = is_closed(case.status());
    let status_notes = match case.status() {
        Status::Merged => pick(
            (
                "已与同一问题的其他举报合并办理",
                "Handled together with another report of the same problem",
            ),
            lang,
        )
        .to_owned(),
        st if closed => case
            .outcome()
            .map(|o| public_text(case, o.public_summary()))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| st.label(lang).to_owned()),
        st => st.label(lang).to_owned(),
    };
    RequestView {
        service_request_id: case.reference().to_string(),
        status: if closed { "closed" } else { "open" },
        status_notes: Some(status_notes),
        service_name: category.label(lang),
        service_code: category.code(),
        description: public_text(case, case.content()),
        agency_responsible: case.lead_unit().and_then(|u| s.unit_name(u.as_str())),
        service_notice: (!closed).then(|| notice(case, lang)),
        requested_datetime: china_time(case.received_at()),
        updated_datetime: china_time(case.updated_at()),
        // A closed case may still run a clock of its own (the return visit): nothing
        // more is expected for the request.
        expected_datetime: case
            .current_clock()
            .filter(|_| !closed)
            .map(|c| china_time(c.due_at())),
        address: public_text(case, case.address()),
        zipcode: None,
        lat: case.coordinates().map(|c| c.lat()),
        long: case.coordinates().map(|c| c.lon()),
        media_url: Some(req.media_url.clone()).filter(|m| !m.is_empty()),
    }
}

// ---- text ----

/// Free text fit for the public: control characters (which XML cannot carry) dropped,
/// and what could identify the complainant taken out ([`duban_case::privacy::redact`]).
fn public_text(case: &Case, text: &str) -> String {
    duban_case::privacy::redact(&clean_text(text), case.complainant().name())
}
