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
//! Each route is a type implementing [`Endpoint`] (method, path, path and query
//! parameters, body, answer), in the module of its feature: `cases::GetCase`,
//! `admin::CreateUser` … The server registers its handlers from them and documents them
//! in its OpenAPI document (the `openapi` feature gives their schemas); clients build
//! their URLs with [`Endpoint::url`].
//!
//! Invariant: types only; no HTTP client or server, no IO.

pub mod admin;
pub mod attachments;
pub mod audit;
pub mod board;
pub mod calendar;
pub mod cases;
pub mod connect;
pub mod dispatch;
pub mod endpoint;
mod error;
pub mod export;
pub mod health;
pub mod import;
pub mod inbox;
pub mod incidents;
pub mod keys;
pub mod mechanisms;
pub mod public;
pub mod referrals;
pub mod repeats;
mod role;
pub mod routing;
pub mod session;
pub mod sessions;
pub mod sla;
pub mod supervision;

// The wire types at the crate's root, where the server, the web and the tests name them.
pub use admin::{
    PersonView, SweepReport, UNIT_KINDS, UnitDraft, UnitView, UserDraft, UserPatch, UserView,
};
pub use attachments::{ATTACHMENT_MAX_BYTES, ATTACHMENT_TYPES, AttachmentView};
pub use audit::{AuditEntry, AuditQuery, AuditRecord};
pub use board::{
    AreaFigures, BoardView, CategoryCount, Figures, OutcomeTotals, SeriesPoint, UnitFigures,
    fines_text,
};
pub use calendar::{CALENDAR_BASIS_HEADER, CalendarDay};
pub use cases::{
    CaseSummary, CaseView, ComplainantQuery, DEFAULT_PAGE, EventView, LIST_COUNT_MAX, ListQuery,
    MAX_PAGE, Page,
};
pub use connect::{
    ApiClientCreated, ApiClientDraft, ApiClientPatch, ApiClientView, HotlineCaller, HotlineOrder,
    HotlinePlace, HotlineStatus,
};
pub use dispatch::{
    BatchDispatch, BatchDispatchResult, ClearingCase, ClearingRow, ClearingView, DispatchedCase,
    SkippedCase,
};
pub use endpoint::{Endpoint, Method};
pub use error::{ApiError, ErrorBody};
pub use health::Health;
pub use import::{
    IMPORT_MAX_BYTES, ImportBatch, ImportColumn, ImportPreview, ImportQuery, ImportRecordView,
    ImportResult, ImportRowView, ImportValue,
};
pub use inbox::{Inbox, InboxItem, InboxOverflow};
pub use incidents::{IncidentEventView, IncidentView, PlansUpdate};
pub use mechanisms::Sequenced;
pub use public::{PublicBatch, PublicBatchSummary, PublicRow};
pub use referrals::{ReferralEventView, ReferralView};
pub use repeats::{MergeRequest, RepeatCandidate, RepeatSettingsUpdate};
pub use role::Role;
pub use routing::{ProposalView, RoutingRulesUpdate, RoutingRulesView, RoutingView, RuleStats};
pub use session::{LoginRequest, LoginResponse, Me};
pub use sla::RuleSetUpdate;
pub use supervision::{SupervisionEventView, SupervisionView};
