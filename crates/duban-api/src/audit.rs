//! The audit trail.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::cases::Page;
use crate::endpoint::{Answer::*, Doc, Endpoint, Method};
use crate::endpoint::{params, payload};
use crate::keys::CaseKey;

/// One entry of the audit trail: who did what, when, from where and why. Append-only;
/// `detail` never holds personal data.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// Username, or `system` for the server itself.
    pub actor: String,
    pub role: String,
    /// The client's address as the server saw it (empty for the command line).
    pub ip: String,
    pub user_agent: String,
    /// `case.create`, `case.<action>`, `personal_data.read`, `user.create`,
    /// `user.update`, `unit.create`, `unit.update`, `auth.login`, `auth.login_failed`,
    /// `auth.logout`.
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<String>,
    /// What was touched: a case reference, a username, a unit id.
    pub target: String,
    /// Why, in the actor's words (may be empty for reads and sign-ins).
    pub reason: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub detail: serde_json::Value,
}

/// A stored audit entry with its sequence number (newest first in listings).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub seq: u64,
    #[serde(flatten)]
    pub entry: AuditEntry,
}

/// Filters of `GET /api/v1/audit`.
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuditQuery {
    /// Exact username.
    pub actor: Option<String>,
    /// An action code, or a prefix ending in `.` (`case.`).
    pub action: Option<String>,
    pub case_id: Option<String>,
    /// Text contained in the target or the reason.
    pub q: Option<String>,
    /// Dates (YYYY-MM-DD, China time), inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Keyset cursor: entries with a smaller sequence number.
    pub before: Option<u64>,
    /// Page size, 1 to 200.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
}

payload!(schema: AuditRecord);
params!(AuditQuery);

/// The audit trail, filtered, newest first.
#[derive(Debug, Clone, Copy)]
pub struct SearchAudit;

impl Endpoint for SearchAudit {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/audit";
    type Path = ();
    type Query = AuditQuery;
    type Body = ();
    type Response = Page<AuditRecord>;
    const DOC: Doc = Doc {
        says: "A page of audit records, newest first: {items, total, next_cursor}",
        answers: &[Refused(422, "")],
        ..Doc::new("audit_search")
    };
}

/// A case's audit trail.
#[derive(Debug, Clone, Copy)]
pub struct CaseAudit;

impl Endpoint for CaseAudit {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/cases/{id}/audit";
    type Path = CaseKey;
    type Query = ();
    type Body = ();
    type Response = Vec<AuditRecord>;
    const DOC: Doc = Doc {
        answers: &[Refused(404, "")],
        ..Doc::new("case_audit")
    };
}
