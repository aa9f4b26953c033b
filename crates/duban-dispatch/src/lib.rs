//! Quick dispatch (信访任务快速交办): which unit leads a case, which departments are
//! notified and who supervises it, decided by ordered routing rules that are data and
//! explain themselves; and the daily clearing view (日有日清).
//!
//! ```
//! use duban_dispatch::{Facts, Unit, default_rules, route};
//! use duban_case::Lang;
//!
//! let units = [Unit::new("gov-3211", "镇江市人民政府", "government", Some("321100"))];
//! let facts = Facts {
//!     division: "321102".parse().unwrap(),
//!     categories: &[],
//!     key_classes: &[],
//!     channel: duban_case::model::Channel::InspectionPhone,
//!     content: "夜间偷排废气",
//! };
//! let routing = route(&facts, &default_rules(), &units);
//! let lead = routing.lead.unwrap();
//! assert_eq!(lead.unit, "gov-3211");
//! assert!(lead.explain(Lang::Zh).contains("镇江市京口区属镇江市属地管理"));
//! ```
//!
//! Invariant: no IO and no clock; the unit directory and the instant are arguments.

mod clearing;
mod error;
mod rules;

pub use clearing::{Bucket, buckets, end_of_china_day};
pub use error::RuleError;
pub use rules::{
    Because, Facts, GovLevel, Proposal, Routing, RoutingRules, Rule, RuleKind, Target, Unit, When,
    default_rules, route,
};
