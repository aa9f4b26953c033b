//! Emergency linkage (突发事件应急联动处置): an incident is declared, from a case or on
//! its own, with type, severity (I 特别重大 … IV 一般) and place; the plan template
//! (预案) for its type and severity names the departments, their tasks and how many
//! minutes each has to acknowledge; departments acknowledge, anyone taking part files
//! situation reports (续报); closing needs a summary.
//!
//! ```
//! use duban_emergency::{default_plans, IncidentType, Severity};
//! let plans = default_plans();
//! let plan = plans.pick(IncidentType::WaterPollution, Severity::II).unwrap();
//! assert!(plan.departments.iter().any(|d| d.unit == "dept-sthjt" && d.ack_minutes <= 15));
//! ```
//!
//! Invariant: no IO, no clock, no randomness; plans are data.

mod incident;
mod plan;

pub use incident::{
    Command, Ctx, EmergencyError, Event, EventKind, Incident, Linkage, Place, SituationReport,
    Status, WithPlans, apply, decide, declare,
};
pub use plan::{IncidentType, Plan, PlanDepartment, PlanError, Plans, Severity, default_plans};
