//! Cases: the list, one case, its actions, events and complainant.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use duban_case::draft::CaseDraft;
use duban_case::lifecycle::{ActionKind, Case, Command, Event};
use duban_case::model::{
    Batch, CaseId, Category, Channel, Complainant, KeyClass, Reference, Status,
};
use duban_sla::Clock;

use crate::endpoint::{Answer::*, Doc, Endpoint, Header, Method};
use crate::endpoint::{params, payload};
use crate::keys::CaseKey;

/// A case as the API returns it: its whole state plus what the reader may do next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseView {
    #[serde(flatten)]
    pub case: Case,
    pub allowed_actions: Vec<ActionKind>,
    pub division_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_unit_name: Option<String>,
}

/// A row of the case list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub id: CaseId,
    pub reference: Reference,
    pub status: Status,
    pub paused: bool,
    pub channel: Channel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<Batch>,
    pub division: duban_divisions::DivisionCode,
    pub division_name: String,
    /// The sender's own number for the case (an inspection team's 交办编号, a 12345
    /// work order number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_ref: Option<String>,
    pub categories: Vec<Category>,
    pub key_classes: Vec<KeyClass>,
    /// The first characters of the content.
    pub excerpt: String,
    pub received_at: DateTime<Utc>,
    /// The running clock due first, for the SLA badge the browser computes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<Clock>,
    pub version: u64,
}

const EXCERPT_CHARS: usize = 60;

impl CaseSummary {
    pub fn of(case: &Case) -> CaseSummary {
        let mut excerpt: String = case.content().chars().take(EXCERPT_CHARS).collect();
        if case.content().chars().count() > EXCERPT_CHARS {
            excerpt.push('…');
        }
        CaseSummary {
            id: case.id(),
            reference: case.reference().clone(),
            status: case.status(),
            paused: case.is_paused(),
            channel: case.channel(),
            batch: case.batch(),
            division: case.division(),
            division_name: case.division().division().full_name(),
            sender_ref: case.sender_ref().map(str::to_owned),
            categories: case.categories().to_vec(),
            key_classes: case.key_classes().to_vec(),
            excerpt,
            received_at: case.received_at(),
            clock: case.current_clock().cloned(),
            version: case.version(),
        }
    }
}

/// A page of results with a cursor for the next one (keyset pagination).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    /// `total` is a floor: more match, and counting them all was not worth it (a case
    /// list counts at most [`LIST_COUNT_MAX`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub total_capped: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// The most cases a list page counts for its total; beyond, it says "at least".
pub const LIST_COUNT_MAX: u64 = 10_000;

/// Filters of `GET /api/v1/cases`.
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ListQuery {
    pub status: Option<String>,
    /// A division code (2, 4 or 6 digits): cases in it or below it.
    pub division: Option<String>,
    pub category: Option<String>,
    pub key: Option<bool>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 99))]
    pub batch: Option<u16>,
    /// Received on or after this day (`2023-07-01`, China time).
    pub from: Option<String>,
    /// Received on or before this day.
    pub to: Option<String>,
    pub cursor: Option<String>,
    /// Page size, 1 to [`MAX_PAGE`] (default [`DEFAULT_PAGE`]).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
}

pub const DEFAULT_PAGE: u32 = 50;
pub const MAX_PAGE: u32 = 200;

/// One entry of a case's event log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventView {
    pub seq: u64,
    #[serde(flatten)]
    pub event: Event,
}

/// `?purpose=` of `GET /api/v1/cases/{id}/complainant`.
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ComplainantQuery {
    /// Why the person is read (kept in the audit trail)
    pub purpose: Option<String>,
}

impl<T> crate::endpoint::Payload for Page<T> {}

payload!(schema: CaseDraft, Command);
payload!(CaseView, EventView, Complainant);
params!(ListQuery, ComplainantQuery);

/// A page of the cases the reader may see, filtered.
#[derive(Debug, Clone, Copy)]
pub struct ListCases;

impl Endpoint for ListCases {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/cases";
    type Path = ();
    type Query = ListQuery;
    type Body = ();
    type Response = Page<CaseSummary>;
    const DOC: Doc = Doc {
        says: "A page of case summaries: {items, total, next_cursor}",
        answers: &[Refused(422, "")],
        ..Doc::new("list_cases")
    };
}

/// Registers a new case with its opening event and SLA clocks.
#[derive(Debug, Clone, Copy)]
pub struct CreateCase;

impl Endpoint for CreateCase {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v1/cases";
    type Path = ();
    type Query = ();
    type Body = CaseDraft;
    type Response = CaseView;
    const DOC: Doc = Doc {
        status: 201,
        says: "The new case with its SLA clocks",
        answers: &[Refused(422, "")],
        ..Doc::new("create_case")
    };
}

/// One case with its SLA clocks and what the reader may do next.
#[derive(Debug, Clone, Copy)]
pub struct GetCase;

impl Endpoint for GetCase {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/cases/{id}";
    type Path = CaseKey;
    type Query = ();
    type Body = ();
    type Response = CaseView;
    const DOC: Doc = Doc {
        says: "The case with its SLA clocks and allowed actions",
        answers: &[Refused(404, "")],
        ..Doc::new("get_case")
    };
}

/// Runs an action (sign for, report, close …) on a case, guarded by its version.
#[derive(Debug, Clone, Copy)]
pub struct ActOnCase;

impl Endpoint for ActOnCase {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v1/cases/{id}/actions";
    type Path = CaseKey;
    type Query = ();
    type Body = Command;
    type Response = CaseView;
    const DOC: Doc = Doc {
        says: "The case after the action",
        answers: &[
            Refused(404, ""),
            Refused(409, "Version conflict; `current` holds the case"),
            Refused(422, ""),
        ],
        headers: &[Header {
            name: "If-Match",
            required: false,
            says: "Expected case version",
        }],
        ..Doc::new("act_on_case")
    };
}

/// A case's event log, oldest first.
#[derive(Debug, Clone, Copy)]
pub struct CaseEvents;

impl Endpoint for CaseEvents {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/cases/{id}/events";
    type Path = CaseKey;
    type Query = ();
    type Body = ();
    type Response = Vec<EventView>;
    const DOC: Doc = Doc {
        says: "The case's event log, oldest first",
        answers: &[Refused(404, "")],
        ..Doc::new("case_events")
    };
}

/// The complainant unmasked, for roles that need the person; the read is recorded.
#[derive(Debug, Clone, Copy)]
pub struct CaseComplainant;

impl Endpoint for CaseComplainant {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/cases/{id}/complainant";
    type Path = CaseKey;
    type Query = ComplainantQuery;
    type Body = ();
    type Response = Complainant;
    const DOC: Doc = Doc {
        says: "The complainant unmasked: {name, phone, id_number}; the read is recorded",
        answers: &[Refused(404, "")],
        ..Doc::new("case_complainant")
    };
}
