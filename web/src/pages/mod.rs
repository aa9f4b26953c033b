//! One module per route.

mod admin;
mod calendar;
mod case_detail;
mod case_list;
mod case_new;
mod clearing;
mod login;
mod not_found;

pub use admin::{AdminAuditPage, AdminRoutingPage, AdminUnitsPage, AdminUsersPage};
pub use calendar::CalendarPage;
pub use case_detail::CaseDetailPage;
pub use case_list::CaseListPage;
pub use case_new::CaseNewPage;
pub use clearing::ClearingPage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
