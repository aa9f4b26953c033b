//! Raw input (as typed in a form or sent as JSON) and its parsing into validated values.
//! The browser and the server call the same `parse`, so a form shows exactly the errors
//! the server would return.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use duban_divisions::{DivisionCode, ParseDivisionError};
use duban_sla::RequestKind;

use crate::error::{CaseError, Errors};
use crate::model::{
    Batch, Category, Channel, Complainant, Coordinates, IdNumber, KeyClass, Phone,
    parse_request_kind,
};

pub const CONTENT_MIN: usize = 10;
pub const CONTENT_MAX: usize = 5000;
pub const ADDRESS_MIN: usize = 2;
pub const ADDRESS_MAX: usize = 200;
pub const NAME_MAX: usize = 50;
pub const SENDER_REF_MAX: usize = 64;
pub const TEXT_MAX: usize = 5000;
pub const SUMMARY_MAX: usize = 2000;
/// Tolerated clock skew between a browser and the server for "not in the future".
const SKEW_SECONDS: i64 = 300;
/// Jiangsu's bounding box, with a margin.
const LAT: (f64, f64) = (30.6, 35.3);
const LON: (f64, f64) = (116.2, 122.1);

/// A new case as entered. Every field is optional text or a plain number so that every
/// problem, including an unknown enum value, is reported against its field.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CaseDraft {
    pub channel: String,
    pub request_kind: String,
    pub urgent: bool,
    pub batch_number: Option<i64>,
    pub batch_date: String,
    pub sender_ref: String,
    pub complainant_name: String,
    pub complainant_phone: String,
    /// Resident identity card number (18 characters), optional.
    pub complainant_id_number: String,
    pub content: String,
    pub address: String,
    pub division: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub categories: Vec<String>,
    pub key_classes: Vec<String>,
    /// RFC 3339; empty means "now".
    pub received_at: String,
}

/// A validated new case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewCase {
    pub(crate) channel: Channel,
    pub(crate) request_kind: RequestKind,
    pub(crate) urgent: bool,
    pub(crate) batch: Option<Batch>,
    pub(crate) sender_ref: Option<String>,
    pub(crate) complainant: Complainant,
    pub(crate) content: String,
    pub(crate) address: String,
    pub(crate) division: DivisionCode,
    pub(crate) coordinates: Option<Coordinates>,
    pub(crate) categories: Vec<Category>,
    pub(crate) key_classes: Vec<KeyClass>,
    pub(crate) received_at: DateTime<Utc>,
}

impl NewCase {
    /// Validate a draft; `now` is the caller's clock (checks "not in the future" and fills
    /// an empty receipt time). All problems are returned together.
    pub fn parse(d: &CaseDraft, now: DateTime<Utc>) -> Result<NewCase, Errors> {
        let mut errs = Errors::default();
        let channel = required_enum::<Channel>(&mut errs, "channel", &d.channel);
        let request_kind = if d.request_kind.trim().is_empty() {
            Some(RequestKind::default())
        } else {
            parse_request_kind(d.request_kind.trim()).or_else(|| {
                errs.push(CaseError::UnknownValue {
                    field: "request_kind".into(),
                    value: d.request_kind.clone(),
                });
                None
            })
        };
        let content = text(&mut errs, "content", &d.content, CONTENT_MIN, CONTENT_MAX);
        let address = text(&mut errs, "address", &d.address, ADDRESS_MIN, ADDRESS_MAX);
        let division = match d.division.trim() {
            "" => {
                errs.push(CaseError::Required {
                    field: "division".into(),
                });
                None
            }
            s => match s.parse::<DivisionCode>() {
                Ok(c) => Some(c),
                Err(ParseDivisionError::Malformed) => {
                    errs.push(CaseError::MalformedDivision { value: s.into() });
                    None
                }
                Err(_) => {
                    errs.push(CaseError::UnknownDivision { value: s.into() });
                    None
                }
            },
        };
        let coordinates = match (d.lat, d.lon) {
            (None, None) => None,
            (Some(lat), Some(lon)) if !lat.is_finite() || !lon.is_finite() => {
                errs.push(CaseError::InvalidCoordinates);
                None
            }
            (Some(lat), Some(lon))
                if (LAT.0..=LAT.1).contains(&lat) && (LON.0..=LON.1).contains(&lon) =>
            {
                Some(Coordinates { lat, lon })
            }
            (Some(lat), Some(lon)) => {
                errs.push(CaseError::CoordinatesOutsideJiangsu { lat, lon });
                None
            }
            _ => {
                errs.push(CaseError::CoordinatesIncomplete);
                None
            }
        };
        let categories = enum_list::<Category>(&mut errs, "categories", &d.categories);
        if d.categories.is_empty() {
            errs.push(CaseError::Required {
                field: "categories".into(),
            });
        }
        let key_classes = enum_list::<KeyClass>(&mut errs, "key_classes", &d.key_classes);

        let name = optional_text(&mut errs, "complainant.name", &d.complainant_name, NAME_MAX);
        let phone = match d.complainant_phone.trim() {
            "" => None,
            s => Phone::parse(s).or_else(|| {
                errs.push(CaseError::InvalidPhone { value: s.into() });
                None
            }),
        };
        let id_number = match d.complainant_id_number.trim() {
            "" => None,
            s => IdNumber::parse(s).or_else(|| {
                errs.push(CaseError::InvalidIdNumber);
                None
            }),
        };
        let sender_ref = optional_text(&mut errs, "sender_ref", &d.sender_ref, SENDER_REF_MAX);

        let received_at = match d.received_at.trim() {
            "" => Some(now),
            s => match DateTime::parse_from_rfc3339(s) {
                Ok(t) => {
                    let t = t.with_timezone(&Utc);
                    if (t - now).num_seconds() > SKEW_SECONDS {
                        errs.push(CaseError::InFuture {
                            field: "received_at".into(),
                        });
                        None
                    } else if t.timestamp() < 946_684_800 {
                        errs.push(CaseError::TooEarly {
                            field: "received_at".into(),
                        });
                        None
                    } else {
                        Some(t)
                    }
                }
                Err(_) => {
                    errs.push(CaseError::InvalidTime {
                        field: "received_at".into(),
                        value: s.into(),
                    });
                    None
                }
            },
        };

        let inspection = channel.is_some_and(Channel::is_inspection);
        let batch_date = match d.batch_date.trim() {
            "" => None,
            s => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                // Like the receipt time: no campaign is older (chrono reads year 0 too).
                Ok(date) if chrono::Datelike::year(&date) < 2000 => {
                    errs.push(CaseError::TooEarly {
                        field: "batch.date".into(),
                    });
                    None
                }
                Ok(date) => Some(date),
                Err(_) => {
                    errs.push(CaseError::InvalidDate {
                        field: "batch.date".into(),
                        value: s.into(),
                    });
                    None
                }
            },
        };
        let mut batch = None;
        if inspection {
            let number = match d.batch_number {
                None => {
                    errs.push(CaseError::Required {
                        field: "batch.number".into(),
                    });
                    None
                }
                Some(n) if !(1..=99).contains(&n) => {
                    errs.push(CaseError::OutOfRange {
                        field: "batch.number".into(),
                        min: 1,
                        max: 99,
                    });
                    None
                }
                Some(n) => u16::try_from(n).ok(),
            };
            if d.batch_date.trim().is_empty() {
                errs.push(CaseError::Required {
                    field: "batch.date".into(),
                });
            }
            if sender_ref.is_none() && d.sender_ref.trim().is_empty() {
                errs.push(CaseError::Required {
                    field: "sender_ref".into(),
                });
            }
            if let (Some(date), Some(at)) = (batch_date, received_at) {
                let received_local = duban_core::china_date(at);
                if date > received_local {
                    errs.push(CaseError::BatchAfterReceipt);
                }
            }
            if let (Some(number), Some(date)) = (number, batch_date) {
                batch = Some(Batch { number, date });
            }
        } else if channel.is_some() {
            if d.batch_number.is_some() {
                errs.push(CaseError::NotApplicable {
                    field: "batch.number".into(),
                });
            }
            if !d.batch_date.trim().is_empty() {
                errs.push(CaseError::NotApplicable {
                    field: "batch.date".into(),
                });
            }
        }

        match (
            channel,
            request_kind,
            content,
            address,
            division,
            received_at,
        ) {
            (
                Some(channel),
                Some(request_kind),
                Some(content),
                Some(address),
                Some(division),
                Some(received_at),
            ) if errs.is_empty() => Ok(NewCase {
                channel,
                request_kind,
                urgent: d.urgent,
                batch,
                sender_ref,
                complainant: Complainant {
                    name,
                    phone,
                    id_number,
                },
                content,
                address,
                division,
                coordinates,
                categories,
                key_classes,
                received_at,
            }),
            _ => Err(errs),
        }
    }
}

impl NewCase {
    pub fn channel(&self) -> Channel {
        self.channel
    }
    pub fn batch(&self) -> Option<Batch> {
        self.batch
    }
    pub fn received_at(&self) -> DateTime<Utc> {
        self.received_at
    }
    pub fn division(&self) -> DivisionCode {
        self.division
    }
    pub fn is_key(&self) -> bool {
        !self.key_classes.is_empty()
    }
    pub fn categories(&self) -> &[Category] {
        &self.categories
    }
    pub fn key_classes(&self) -> &[KeyClass] {
        &self.key_classes
    }
    pub fn content(&self) -> &str {
        &self.content
    }
    pub fn address(&self) -> &str {
        &self.address
    }
    pub fn sender_ref(&self) -> Option<&str> {
        self.sender_ref.as_deref()
    }
    pub fn coordinates(&self) -> Option<Coordinates> {
        self.coordinates
    }
    pub fn complainant(&self) -> &Complainant {
        &self.complainant
    }
}

fn text(errs: &mut Errors, field: &str, s: &str, min: usize, max: usize) -> Option<String> {
    let t = s.trim();
    let n = t.chars().count();
    if n == 0 {
        errs.push(CaseError::Required {
            field: field.into(),
        });
        None
    } else if n < min {
        errs.push(CaseError::TooShort {
            field: field.into(),
            min,
            actual: n,
        });
        None
    } else if n > max {
        errs.push(CaseError::TooLong {
            field: field.into(),
            max,
            actual: n,
        });
        None
    } else {
        Some(t.to_owned())
    }
}

fn optional_text(errs: &mut Errors, field: &str, s: &str, max: usize) -> Option<String> {
    if s.trim().is_empty() {
        None
    } else {
        text(errs, field, s, 1, max)
    }
}

fn required_enum<T: std::str::FromStr>(errs: &mut Errors, field: &str, s: &str) -> Option<T> {
    let s = s.trim();
    if s.is_empty() {
        errs.push(CaseError::Required {
            field: field.into(),
        });
        return None;
    }
    s.parse::<T>().ok().or_else(|| {
        errs.push(CaseError::UnknownValue {
            field: field.into(),
            value: s.into(),
        });
        None
    })
}

fn enum_list<T: std::str::FromStr + PartialEq + Ord + Copy>(
    errs: &mut Errors,
    field: &str,
    items: &[String],
) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for (i, raw) in items.iter().enumerate() {
        let path = format!("{field}[{i}]");
        match raw.trim().parse::<T>() {
            Ok(v) if out.contains(&v) => errs.push(CaseError::Duplicate {
                field: path,
                value: raw.clone(),
            }),
            Ok(v) => out.push(v),
            Err(_) => errs.push(CaseError::UnknownValue {
                field: path,
                value: raw.clone(),
            }),
        }
    }
    out.sort();
    out
}

/// A handling outcome as entered.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutcomeDraft {
    pub finding: String,
    pub rectification_orders: u32,
    pub penalty_cases: u32,
    pub fines_yuan: u64,
    pub criminal_cases: u32,
    pub officials_summoned: u32,
    pub officials_accountable: u32,
    pub measures: String,
    pub public_summary: String,
}

/// A validated outcome (处理结果).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub(crate) finding: crate::model::Finding,
    pub(crate) rectification_orders: u32,
    pub(crate) penalty_cases: u32,
    pub(crate) fines_yuan: u64,
    pub(crate) criminal_cases: u32,
    pub(crate) officials_summoned: u32,
    pub(crate) officials_accountable: u32,
    pub(crate) measures: String,
    pub(crate) public_summary: String,
}

impl Outcome {
    pub fn parse(d: &OutcomeDraft) -> Result<Outcome, Errors> {
        let mut errs = Errors::default();
        let finding =
            required_enum::<crate::model::Finding>(&mut errs, "outcome.finding", &d.finding);
        let measures =
            optional_text(&mut errs, "outcome.measures", &d.measures, TEXT_MAX).unwrap_or_default();
        let summary = text(
            &mut errs,
            "outcome.public_summary",
            &d.public_summary,
            10,
            SUMMARY_MAX,
        );
        if d.fines_yuan > 0 && d.penalty_cases == 0 {
            errs.push(CaseError::FinesWithoutPenalty);
        }
        match (finding, summary) {
            (Some(finding), Some(public_summary)) if errs.is_empty() => Ok(Outcome {
                finding,
                rectification_orders: d.rectification_orders,
                penalty_cases: d.penalty_cases,
                fines_yuan: d.fines_yuan,
                criminal_cases: d.criminal_cases,
                officials_summoned: d.officials_summoned,
                officials_accountable: d.officials_accountable,
                measures,
                public_summary,
            }),
            _ => Err(errs),
        }
    }
    pub fn finding(&self) -> crate::model::Finding {
        self.finding
    }
    pub fn rectification_orders(&self) -> u32 {
        self.rectification_orders
    }
    pub fn penalty_cases(&self) -> u32 {
        self.penalty_cases
    }
    pub fn fines_yuan(&self) -> u64 {
        self.fines_yuan
    }
    pub fn criminal_cases(&self) -> u32 {
        self.criminal_cases
    }
    pub fn officials_summoned(&self) -> u32 {
        self.officials_summoned
    }
    pub fn officials_accountable(&self) -> u32 {
        self.officials_accountable
    }
    pub fn measures(&self) -> &str {
        &self.measures
    }
    pub fn public_summary(&self) -> &str {
        &self.public_summary
    }
}
