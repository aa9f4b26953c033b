//! Batch dispatch and the daily clearing view (日有日清).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::cases::CaseSummary;
use crate::endpoint::payload;
use crate::endpoint::{Answer::*, Doc, Endpoint, Method};

/// `POST /api/v1/dispatch` body: a whole batch, or chosen cases, dispatched as the
/// routing rules propose, all in one transaction.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BatchDispatch {
    pub batch: Option<u16>,
    pub case_ids: Vec<String>,
    pub note: String,
}

/// A case a batch dispatch sent on.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DispatchedCase {
    pub id: String,
    pub reference: String,
    pub lead_unit: String,
    pub lead_unit_name: String,
    pub co_units: Vec<String>,
    /// Why the rules sent it there, in the request's language.
    #[serde(default)]
    pub why: Vec<String>,
}

/// A case a batch dispatch left alone, and why (a stable code).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedCase {
    pub id: String,
    pub reference: String,
    pub code: String,
    pub message: String,
}

/// `POST /api/v1/dispatch` answer.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BatchDispatchResult {
    pub dispatched: Vec<DispatchedCase>,
    pub skipped: Vec<SkippedCase>,
}

/// One unit's row of the daily clearing view (日有日清).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClearingRow {
    /// The lead unit; none for cases not yet dispatched (the coordination group's work).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<String>,
    pub unit_name: String,
    pub not_dispatched: u64,
    pub not_signed: u64,
    pub due_today: u64,
    pub overdue: u64,
}

/// A case of the daily clearing view with the columns it falls in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClearingCase {
    #[serde(flatten)]
    pub summary: CaseSummary,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<String>,
    pub buckets: Vec<duban_dispatch::Bucket>,
}

/// `GET /api/v1/clearing`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClearingView {
    pub as_of: DateTime<Utc>,
    pub rows: Vec<ClearingRow>,
    pub cases: Vec<ClearingCase>,
    /// More open work exists than one view shows.
    pub truncated: bool,
}

payload!(schema: BatchDispatch, BatchDispatchResult);
payload!(ClearingView);

/// Dispatches a batch or chosen cases as the routing rules propose, all in one transaction.
#[derive(Debug, Clone, Copy)]
pub struct DispatchBatch;

impl Endpoint for DispatchBatch {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v1/dispatch";
    type Path = ();
    type Query = ();
    type Body = BatchDispatch;
    type Response = BatchDispatchResult;
    const DOC: Doc = Doc {
        says: "Dispatched and skipped cases; all dispatches in one transaction",
        answers: &[Refused(404, ""), Refused(409, ""), Refused(422, "")],
        ..Doc::new("dispatch_batch")
    };
}

/// The daily clearing view (日有日清).
#[derive(Debug, Clone, Copy)]
pub struct Clearing;

impl Endpoint for Clearing {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/clearing";
    type Path = ();
    type Query = ();
    type Body = ();
    type Response = ClearingView;
    const DOC: Doc = Doc {
        says: "The daily clearing view: per lead unit not dispatched, not signed, due today, overdue; with the cases",
        ..Doc::new("clearing")
    };
}
