//! One module per route. Each page is a placeholder to be filled in.

mod calendar;
mod case_detail;
mod case_list;
mod case_new;
mod login;
mod not_found;

pub use calendar::CalendarPage;
pub use case_detail::CaseDetailPage;
pub use case_list::CaseListPage;
pub use case_new::CaseNewPage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
