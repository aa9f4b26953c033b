//! One module per feature: its `routes()` and handlers.

pub mod admin;
pub mod attachments;
pub mod audit;
pub mod board;
pub mod calendar;
pub mod cases;
pub mod connect;
pub mod dispatch;
pub mod export;
pub mod health;
pub mod import;
pub mod inbox;
pub mod incidents;
pub mod open311;
pub mod referrals;
pub mod repeats;
pub mod routing;
pub mod session;
pub mod sla;
pub mod supervision;
