//! The wire types of Duban's HTTP API (`/api/v1`), shared by the server and the browser
//! so that both sides agree by construction.
//!
//! Errors always take one shape:
//!
//! ```
//! use duban_api::{ApiError, ErrorBody};
//! use duban_case::draft::{CaseDraft, NewCase};
//! use duban_case::Lang;
//!
//! let now = chrono::DateTime::from_timestamp(1_750_000_000, 0).unwrap();
//! let errors = NewCase::parse(&CaseDraft::default(), now).unwrap_err();
//! let body = ErrorBody::from_case_errors(&errors, Lang::En);
//! let json = serde_json::to_value(&body).unwrap();
//! assert_eq!(json["errors"][0]["field"], "channel");
//! assert_eq!(json["errors"][0]["code"], "channel.required");
//! assert_eq!(json["errors"][0]["message"], "Channel: required");
//! ```
//!
//! Invariant: types only; no HTTP client or server, no IO.

pub mod sessions;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use duban_case::Lang;
use duban_case::error::Errors;
use duban_case::lifecycle::{ActionKind, Case, Event};
use duban_case::model::{Batch, CaseId, Category, Channel, KeyClass, Reference, Status};
use duban_sla::Clock;

/// One error: the field path it belongs to, a stable code, a message for people.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// The body of every 4xx response: `{"errors":[{"field","code","message"}]}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ErrorBody {
    pub errors: Vec<ApiError>,
}

impl ErrorBody {
    pub fn single(field: &str, code: &str, message: impl Into<String>) -> ErrorBody {
        ErrorBody {
            errors: vec![ApiError {
                field: field.into(),
                code: code.into(),
                message: message.into(),
            }],
        }
    }
    pub fn from_case_errors(errors: &Errors, lang: Lang) -> ErrorBody {
        ErrorBody {
            errors: errors
                .iter()
                .map(|e| ApiError {
                    field: e.field(),
                    code: e.code(),
                    message: e.message(lang),
                })
                .collect(),
        }
    }
}

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

/// A unit (单位) of the organisation tree.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitView {
    pub id: String,
    pub name: String,
    /// `coordination`, `department`, `government` or `zone`.
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division: Option<String>,
}

/// The signed-in user (`GET /api/v1/auth/me`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub id: String,
    pub username: String,
    pub display_name: String,
    /// `admin`, `coordinator`, `supervisor`, `handler` or `leader`.
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<String>,
    /// Seconds a session may go unused before the server ends it (0: no idle end).
    #[serde(default)]
    pub idle_seconds: u64,
}

/// `POST /api/v1/auth/login` body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// `POST /api/v1/auth/login` answer; the session itself travels in an HttpOnly cookie.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub user: Me,
    /// Send back in `X-CSRF-Token` on every state-changing request (also in the
    /// `duban_csrf` cookie).
    pub csrf_token: String,
}

/// `GET /healthz`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub database: String,
    pub version: String,
    /// Whether the demo data and demo accounts are loaded.
    #[serde(default)]
    pub demo: bool,
}

/// Header naming the basis of `GET /api/v1/calendar/{year}`: `official` or
/// `weekends_only`.
pub const CALENDAR_BASIS_HEADER: &str = "x-duban-calendar-basis";

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

/// An account as administrators see it (never the password hash).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<String>,
    pub disabled: bool,
}

/// `GET /api/v1/supervisors`: who may be named a case's supervisor.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonView {
    pub username: String,
    pub display_name: String,
}

/// `POST /api/v1/admin/users` body.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UserDraft {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub unit_id: Option<String>,
    pub password: String,
    pub reason: String,
}

/// `PATCH /api/v1/admin/users/{id}` body: the fields to change and why. `unit_id: ""`
/// removes the unit; a new password or disabling ends the user's sessions.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UserPatch {
    pub display_name: Option<String>,
    pub role: Option<String>,
    pub unit_id: Option<String>,
    pub disabled: Option<bool>,
    pub password: Option<String>,
    pub reason: String,
}

/// `POST /api/v1/admin/units` body, and `PATCH /api/v1/admin/units/{id}` (id ignored).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UnitDraft {
    pub id: String,
    pub name: String,
    /// `coordination`, `department`, `government` or `zone`.
    pub kind: String,
    pub parent: Option<String>,
    /// A division code for governments and zones.
    pub division: Option<String>,
    pub reason: String,
}

/// Unit kinds of [`UnitView::kind`].
pub const UNIT_KINDS: [&str; 4] = ["coordination", "department", "government", "zone"];

/// One routing proposal with its explanation in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalView {
    #[serde(flatten)]
    pub proposal: duban_dispatch::Proposal,
    pub explanation: String,
}

/// `GET /api/v1/cases/{id}/routing`: what the routing rules propose for a case.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RoutingView {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<ProposalView>,
    pub notify: Vec<ProposalView>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supervisor: Option<ProposalView>,
}

impl RoutingView {
    pub fn of(r: &duban_dispatch::Routing, lang: Lang) -> RoutingView {
        let view = |p: &duban_dispatch::Proposal| ProposalView {
            explanation: p.explain(lang),
            proposal: p.clone(),
        };
        RoutingView {
            lead: r.lead.as_ref().map(view),
            notify: r.notify.iter().map(view).collect(),
            supervisor: r.supervisor.as_ref().map(view),
        }
    }
}

/// How often a routing rule's dispatches were signed for or returned as misrouted.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleStats {
    pub rule: String,
    pub dispatched: u64,
    pub returned: u64,
    /// Returned at least 3 times and in at least a fifth of its dispatches.
    pub misrouting: bool,
}

impl RuleStats {
    pub fn new(rule: String, dispatched: u64, returned: u64) -> RuleStats {
        RuleStats {
            misrouting: returned >= 3 && returned * 5 >= dispatched,
            rule,
            dispatched,
            returned,
        }
    }
}

/// `GET /api/v1/routing/rules`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingRulesView {
    pub rules: duban_dispatch::RoutingRules,
    pub stats: Vec<RuleStats>,
}

/// `PUT /api/v1/routing/rules` body.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RoutingRulesUpdate {
    pub rules: Vec<duban_dispatch::Rule>,
    pub reason: String,
}

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

/// An event of a mechanism (supervision, referral, incident) with its number in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequenced<E> {
    pub seq: u64,
    #[serde(flatten)]
    pub event: E,
}

/// One event of a case's supervision.
pub type SupervisionEventView = Sequenced<duban_supervision::Event>;

/// `GET /api/v1/cases/{id}/supervision`: the supervision of a key case, its events and
/// the commands the reader may run now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupervisionView {
    pub supervision: duban_supervision::Supervision,
    pub events: Vec<SupervisionEventView>,
    /// Command codes (`assign`, `issue_order`, …) the reader's role allows.
    pub allowed: Vec<String>,
}

/// A file attached to a case (`POST /api/v1/cases/{id}/attachments`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentView {
    pub id: String,
    pub name: String,
    pub content_type: String,
    pub size: u64,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

/// Largest attachment accepted.
pub const ATTACHMENT_MAX_BYTES: usize = 5 * 1024 * 1024;
/// Types accepted, checked against the file's first bytes.
pub const ATTACHMENT_TYPES: [&str; 4] =
    ["image/jpeg", "image/png", "image/webp", "application/pdf"];

/// One event of a referral.
pub type ReferralEventView = Sequenced<duban_referral::Event>;

/// A referral with its events and what the reader may do now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralView {
    pub referral: duban_referral::Referral,
    pub events: Vec<ReferralEventView>,
    /// Command codes the reader may send (`acknowledge`, `reply`, …).
    pub allowed: Vec<String>,
}

/// One event of an incident.
pub type IncidentEventView = Sequenced<duban_emergency::Event>;

/// An incident's linkage board: the incident, its timeline and what the reader may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentView {
    pub incident: duban_emergency::Incident,
    pub events: Vec<IncidentEventView>,
    /// Command codes the reader may send (`acknowledge`, `report`, `escalate`, `close`).
    pub allowed: Vec<String>,
    /// Units the reader may acknowledge or report for.
    pub my_units: Vec<String>,
}

/// `PUT /api/v1/emergency/plans` body.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlansUpdate {
    pub plans: Vec<duban_emergency::Plan>,
    pub reason: String,
}

/// One thing waiting for the reader (`GET /api/v1/inbox`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxItem {
    /// `case`, `supervision`, `referral` or `incident`.
    pub kind: String,
    /// The case, referral or incident id (supervision: the case id).
    pub id: String,
    /// What to open: the case id for cases and supervision, else none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<String>,
    /// A case reference, a referral subject or an incident title.
    pub title: String,
    /// What is expected: an action code (`dispatch`, `sign_for`, `report`, `review`,
    /// `return_visit`, `answer_order`, `close_order`, `review_report`,
    /// `acknowledge_referral`, `answer_referral`, `close_referral`,
    /// `acknowledge_incident`, `decide_extension`; for supervisors `supervise_overdue`,
    /// for leaders `summon`: cases escalated to them by the ladder).
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<DateTime<Utc>>,
    /// The highest escalation step the case's clocks have fired (`remind`, `chase`,
    /// `supervise`, `summon`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation: Option<String>,
    /// The running clock behind `due_at`, so the browser computes warning and overdue
    /// with the same rule (the rule set's warning share) as every other view.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<Clock>,
}

/// `GET /api/v1/inbox`: what needs the reader's action now, most urgent first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Inbox {
    /// Everything waiting, listed or not (see `overflow`).
    pub total: u64,
    pub overdue: u64,
    /// The most urgent items of each source.
    pub items: Vec<InboxItem>,
    /// Sources with more waiting than the inbox lists: the list page has them all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overflow: Vec<InboxOverflow>,
}

/// Cases of one status waiting for one action, more than the inbox lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxOverflow {
    pub action: String,
    /// The case status to filter the case list by (`received`); empty for escalated
    /// cases, which come in every status.
    pub status: String,
    /// How many cases have that status in the reader's jurisdiction.
    pub total: u64,
    /// How many of them the inbox lists.
    pub shown: u64,
}

/// `PUT /api/v1/sla/rule-sets/{id}` body: the edited rule set and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSetUpdate {
    pub rule_set: duban_sla::RuleSetDraft,
    #[serde(default)]
    pub reason: String,
}

/// `POST /api/v1/admin/api-clients`: connect another system.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiClientDraft {
    pub name: String,
    /// `hotline` (a 12345 platform) or `open311`.
    pub kind: String,
    pub reason: String,
}

/// A connected system, without its key.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiClientView {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

/// The answer to connecting a system: the key, shown this once.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiClientCreated {
    pub client: ApiClientView,
    pub api_key: String,
}

/// `PATCH /api/v1/admin/api-clients/{id}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiClientPatch {
    pub disabled: bool,
    pub reason: String,
}

/// The caller of a 12345 work order.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HotlineCaller {
    pub name: String,
    pub phone: String,
}

/// Where a 12345 work order's problem is.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HotlinePlace {
    /// Six-digit division code, or a name such as 京口区 or 镇江市京口区.
    pub division: String,
    pub address: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// `POST /api/v1/hotline/orders`: a work order pushed by a 12345 platform.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HotlineOrder {
    /// The platform's work order number; a second push of the same number creates
    /// nothing new.
    pub order_no: String,
    /// When the call was taken (RFC 3339).
    pub time: String,
    pub caller: HotlineCaller,
    pub content: String,
    pub place: HotlinePlace,
    /// Pollution category: a code (`air`, `water` …) or its Chinese name (大气, 水 …).
    pub category: String,
    /// `normal` or `urgent`.
    pub urgency: String,
    /// `complaint` (default), `report`, `inquiry` or `suggestion`.
    pub kind: String,
}

/// The answer to a pushed work order, and its status pulled back.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HotlineStatus {
    pub order_no: String,
    pub case_id: String,
    pub reference: String,
    /// The case's status code and its Chinese name.
    pub status: String,
    pub status_zh: String,
    /// Whether this push created the case (false: it was there already).
    pub created: bool,
    pub updated_at: DateTime<Utc>,
    /// The published finding and result, once the case is closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
}

/// Most bytes one imported file may have.
pub const IMPORT_MAX_BYTES: usize = 32 * 1024 * 1024;

/// A column of an imported file and what it was taken for.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportColumn {
    /// The header as written in the file.
    pub header: String,
    /// The canonical column (`content`, `batch_number` …).
    pub key: String,
    pub zh: String,
    pub en: String,
}

/// A case already stored that a new one may repeat (重信重访).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepeatCandidate {
    pub case_id: String,
    pub reference: String,
    /// 0 to 1.
    pub score: f32,
    /// Why, in the reader's language (`内容相似度 82%`, `同一举报电话`).
    pub reasons: Vec<String>,
    pub received_at: DateTime<Utc>,
    pub status: String,
    pub excerpt: String,
}

/// One row of an imported file as the preview shows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportRowView {
    /// Line (CSV) or row number (workbook) in the file.
    pub line: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row_number: Option<String>,
    pub sender_ref: String,
    pub division: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division_name: Option<String>,
    /// The first characters of the content, digit runs masked.
    pub excerpt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<DateTime<Utc>>,
    /// `given`, `batch_date` or `now`: where the receipt time came from.
    pub received_at_source: String,
    pub key: bool,
    /// The routing rules' lead unit for the row, once it is valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposed_lead: Option<String>,
    pub errors: Vec<ApiError>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repeats: Vec<RepeatCandidate>,
    /// The categories as read, so that a mapping (臭气 → 大气) can be checked before
    /// importing.
    #[serde(default)]
    pub categories: Vec<ImportValue>,
    /// The key classes as read.
    #[serde(default)]
    pub key_classes: Vec<ImportValue>,
    /// Why the coordinator left the row out: it is not imported, and its errors do
    /// not block the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded: Option<String>,
}

/// One transfer batch of an imported file (a list may hold several).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportBatch {
    /// The batch number (none: rows without one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<i64>,
    pub rows: usize,
    pub valid: usize,
    pub excluded: usize,
}

/// A value as an import row gave it: its code and name when known, the cell's text
/// otherwise.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportValue {
    pub code: String,
    pub label: String,
    pub known: bool,
}

/// A batch import done before.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRecordView {
    pub id: String,
    pub fingerprint: String,
    pub file_name: String,
    pub rows: u64,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// `POST /api/v1/import/preview`: what an import of the file would do, nothing saved.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    /// `csv`, `xlsx` or `xls`.
    pub format: String,
    pub encoding: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub header_line: usize,
    pub columns: Vec<ImportColumn>,
    pub ignored_columns: Vec<String>,
    pub total: usize,
    pub valid: usize,
    pub error_rows: usize,
    pub fingerprint: String,
    /// Set when this batch was imported already: committing it again creates nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub already_imported: Option<ImportRecordView>,
    pub rows: Vec<ImportRowView>,
    /// Lines of the example rows (序号 `示例`), neither cases nor errors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped_examples: Vec<usize>,
    /// Set when there is nothing to import although no row has an error (an unchanged
    /// template).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nothing_to_import: Option<ApiError>,
    /// The file's batches with their rows, in number order.
    #[serde(default)]
    pub batches: Vec<ImportBatch>,
    /// Rows the coordinator excluded.
    #[serde(default)]
    pub excluded: usize,
}

/// `POST /api/v1/import/commit`: the cases created, all in one transaction.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportResult {
    pub import: ImportRecordView,
    pub case_ids: Vec<String>,
    pub references: Vec<String>,
}

/// Figures of a set of cases on the map board.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Figures {
    pub total: i64,
    pub key_cases: i64,
    pub open: i64,
    pub overdue: i64,
    /// Closed (or archived) and stage-closed: 办结（含阶段性办结）.
    pub concluded: i64,
    pub closed: i64,
    pub stage_closed: i64,
    /// Repeats merged into a primary; left out of the rates.
    pub merged: i64,
    pub on_time: i64,
    pub late: i64,
    /// Concluded in percent of the cases that count (not merged); None without any.
    pub closure_rate: Option<f64>,
    /// Reported within the limit in percent of concluded cases; None without any.
    pub on_time_rate: Option<f64>,
}

impl Figures {
    pub fn of(m: &duban_board::fact::Measures) -> Figures {
        Figures {
            total: m.total,
            key_cases: m.key_cases,
            open: m.open,
            overdue: m.overdue,
            concluded: m.concluded(),
            closed: m.closed,
            stage_closed: m.stage_closed,
            merged: m.merged,
            on_time: m.on_time,
            late: m.late,
            closure_rate: m.closure_rate(),
            on_time_rate: m.on_time_rate(),
        }
    }
}

/// The outcome totals as the province reports them.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OutcomeTotals {
    /// 办结（含阶段性办结）.
    pub concluded: i64,
    /// 责令整改 (enterprises).
    pub rectification_orders: i64,
    /// 立案处罚.
    pub penalty_cases: i64,
    /// 罚款 in yuan.
    pub fines_yuan: i64,
    /// 立案侦查.
    pub criminal_cases: i64,
    /// 约谈 (officials).
    pub officials_summoned: i64,
    /// 问责 (officials).
    pub officials_accountable: i64,
}

impl OutcomeTotals {
    pub fn of(m: &duban_board::fact::Measures) -> OutcomeTotals {
        OutcomeTotals {
            concluded: m.concluded(),
            rectification_orders: m.rectification_orders,
            penalty_cases: m.penalty_cases,
            fines_yuan: m.fines_yuan,
            criminal_cases: m.criminal_cases,
            officials_summoned: m.officials_summoned,
            officials_accountable: m.officials_accountable,
        }
    }
}

/// A city or county on the board's map.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaFigures {
    pub code: u32,
    pub name: String,
    pub figures: Figures,
}

/// Cases of one category (a case with two categories counts under both).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryCount {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "water"))]
    pub category: Category,
    pub total: i64,
    pub open: i64,
}

/// A bar of the per-batch or per-day chart.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesPoint {
    /// The batch number (0: cases outside any batch) or the day (`2023-07-01`).
    pub key: String,
    pub total: i64,
    pub concluded: i64,
}

/// A lead unit's figures, for the rankings.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitFigures {
    pub unit_id: String,
    pub name: String,
    pub figures: Figures,
}

/// `GET /api/v1/board`: the map board for a filter.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardView {
    /// The filter as understood (normalised), to put back in the URL.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub query: duban_board::filter::BoardQuery,
    pub totals: Figures,
    pub outcomes: OutcomeTotals,
    /// The cities, or the districts of the filter's city.
    pub areas: Vec<AreaFigures>,
    pub categories: Vec<CategoryCount>,
    pub batches: Vec<SeriesPoint>,
    pub days: Vec<SeriesPoint>,
    /// Cases not yet dispatched have no lead unit and are left out.
    pub units: Vec<UnitFigures>,
    pub as_of: DateTime<Utc>,
}

/// Fines as the province words them: 万元 from ten thousand yuan on (`12万元`,
/// `1.25万元`, `800元`).
pub fn fines_text(yuan: i64, lang: Lang) -> String {
    match lang {
        Lang::Zh if yuan >= 10_000 => {
            let s = format!("{:.2}", yuan as f64 / 10_000.0);
            format!("{}万元", s.trim_end_matches('0').trim_end_matches('.'))
        }
        Lang::Zh => format!("{yuan}元"),
        Lang::En => format!("¥{yuan}"),
    }
}

/// A batch on the public disclosure index.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicBatchSummary {
    pub batch: u32,
    /// Cases of the batch cleared for publication.
    pub published: i64,
    /// All cases of the batch.
    pub total: i64,
}

/// A row of the published table (信息公开), with no personal data.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicRow {
    /// 序号.
    pub number: usize,
    /// 交办编号: the inspection team's number, or ours when it gave none.
    pub reference: String,
    /// 行政区域.
    pub division: String,
    /// 污染类型.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub categories: Vec<Category>,
    /// 调查核实情况: the finding and the published summary.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "substantiated"))]
    pub finding: duban_case::model::Finding,
    pub verification: String,
    /// 处理和整改情况.
    pub handling: String,
    /// 问责情况 as counts; [`PublicRow::accountability`] words them.
    pub officials_summoned: u32,
    pub officials_accountable: u32,
    pub stage_closed: bool,
}

impl PublicRow {
    /// 调查核实情况 as published: the finding, then the summary.
    pub fn verification_text(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!(
                "核查结论：{}。{}",
                self.finding.label(lang),
                self.verification
            ),
            Lang::En => format!(
                "Finding: {}. {}",
                self.finding.label(lang),
                self.verification
            ),
        }
    }
    /// 处理和整改情况 as published, marked when the case is stage-closed.
    pub fn handling_text(&self, lang: Lang) -> String {
        match (self.stage_closed, lang) {
            (false, _) => self.handling.clone(),
            (true, Lang::Zh) => format!("{}（阶段性办结）", self.handling),
            (true, Lang::En) => format!("{} (stage-closed)", self.handling),
        }
    }
    /// 问责情况 in words.
    pub fn accountability(&self, lang: Lang) -> String {
        let (s, a) = (self.officials_summoned, self.officials_accountable);
        match (lang, s, a) {
            (Lang::Zh, 0, 0) => "无".into(),
            (Lang::Zh, s, 0) => format!("约谈{s}人"),
            (Lang::Zh, 0, a) => format!("问责{a}人"),
            (Lang::Zh, s, a) => format!("约谈{s}人，问责{a}人"),
            (Lang::En, 0, 0) => "None".into(),
            (Lang::En, s, 0) => format!("{s} summoned"),
            (Lang::En, 0, a) => format!("{a} held accountable"),
            (Lang::En, s, a) => format!("{s} summoned, {a} held accountable"),
        }
    }
}

/// `GET /api/v1/public/batches/{batch}`: a batch's published table and its totals.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicBatch {
    pub batch: u32,
    /// All cases of the batch (published or not).
    pub total: i64,
    /// The outcome totals of the whole batch.
    pub outcomes: OutcomeTotals,
    pub rows: Vec<PublicRow>,
    pub as_of: DateTime<Utc>,
}
