//! One module per route.

mod admin;
mod attachments;
mod board;
mod calendar;
mod case_detail;
mod case_list;
mod case_new;
mod clearing;
mod import;
mod import_fix;
mod inbox;
mod incidents;
mod login;
mod not_found;
mod outbox;
mod public;
mod referrals;
mod repeats;
mod supervision;

pub use admin::{
    AdminApiClientsPage, AdminAuditPage, AdminPlansPage, AdminRoutingPage, AdminSlaPage,
    AdminUnitsPage, AdminUsersPage, RolesOnly, role_label,
};
pub use board::{BoardNavLink, BoardPage};
pub use calendar::CalendarPage;
pub use case_detail::CaseDetailPage;
pub use case_list::CaseListPage;
pub use case_new::CaseNewPage;
pub use clearing::ClearingPage;
pub use import::ImportPage;
pub use inbox::{InboxNavLink, InboxPage, provide_inbox};
pub use incidents::{IncidentBoardPage, IncidentsPage};
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use outbox::{ConflictTable, NetStatus, OutboxPage};
pub use public::{PublicBatchPage, PublicIndexPage};
pub use referrals::ReferralsPage;
