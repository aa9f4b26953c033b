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
use duban_text::key;

use super::document::{Failure, Format, document, list_param, pairs};
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
            let max = [("max", MAX_REQUESTS.to_string())];
            let key = key!("open311.ids.too_many");
            return Err(Failure::bad_text(
                "service_request_id.too_many",
                key,
                &max,
                lang,
            ));
        }
        filter.references = Some(ids);
    } else {
        let mut codes = Vec::new();
        for code in list_param(&q, "service_code") {
            match Category::from_str(&code) {
                Ok(c) => codes.push(c.code().to_owned()),
                Err(()) => {
                    let named = [("code", clean(&code, 40))];
                    let key = key!("open311.service.unknown");
                    return Err(Failure::bad_text("service_code.unknown", key, &named, lang));
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
                    let key = key!("open311.status.unknown");
                    return Err(Failure::bad_text("status.unknown", key, &[], lang));
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
                    let named = [("name", name.to_owned())];
                    let key = key!("open311.date.invalid");
                    Failure::bad_text(&format!("{name}.invalid"), key, &named, lang)
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
            let key = key!("open311.date_range.reversed");
            return Err(Failure::bad_text("date_range.invalid", key, &[], lang));
        }
        if end - start > window {
            let days = [("days", WINDOW_DAYS.to_string())];
            let key = key!("open311.date_range.too_long");
            return Err(Failure::bad_text("date_range.too_long", key, &days, lang));
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
        Status::Merged => key!("open311.merged").get(lang).to_owned(),
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
