//! Accounts, units, supervisors and the sweep by hand.

use serde::{Deserialize, Serialize};

use duban_core::Choice;

use crate::Role;
use crate::endpoint::payload;
use crate::endpoint::{Answer::*, Doc, Endpoint, Method};
use crate::keys::{UnitKey, UserKey};

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

/// An account as administrators see it (never the password hash).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
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
    /// A role's code; another text is refused as `role.unknown`.
    #[cfg_attr(feature = "openapi", schema(value_type = Role))]
    pub role: Choice<Role>,
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
    /// A role's code; another text is refused as `role.unknown`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Role>))]
    pub role: Option<Choice<Role>>,
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

/// What one sweep did (`POST /api/v1/admin/sweep`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepReport {
    /// Cases that climbed at least one step.
    pub cases: u64,
    /// Steps fired.
    pub steps: u64,
    /// Supervisions, referrals and incidents whose clocks climbed at least one step.
    pub mechanisms: u64,
    /// Cases and mechanisms skipped because they changed during the sweep.
    pub conflicts: u64,
}

payload!(schema: UnitView, UserView, PersonView, UserDraft, UserPatch, UnitDraft);
payload!(SweepReport);

/// Runs the SLA sweep now.
#[derive(Debug, Clone, Copy)]
pub struct RunSweep;

impl Endpoint for RunSweep {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v1/admin/sweep";
    type Path = ();
    type Query = ();
    type Body = ();
    type Response = SweepReport;
    const DOC: Doc = Doc {
        says: "Run the SLA sweep now: {cases, steps, conflicts}",
        ..Doc::new("run_sweep")
    };
}

/// Who may be named a case's supervisor.
#[derive(Debug, Clone, Copy)]
pub struct ListSupervisors;

impl Endpoint for ListSupervisors {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/supervisors";
    type Path = ();
    type Query = ();
    type Body = ();
    type Response = Vec<PersonView>;
    const DOC: Doc = Doc::new("supervisors");
}

/// Every account.
#[derive(Debug, Clone, Copy)]
pub struct ListUsers;

impl Endpoint for ListUsers {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/admin/users";
    type Path = ();
    type Query = ();
    type Body = ();
    type Response = Vec<UserView>;
    const DOC: Doc = Doc::new("admin_users");
}

/// Creates an account.
#[derive(Debug, Clone, Copy)]
pub struct CreateUser;

impl Endpoint for CreateUser {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v1/admin/users";
    type Path = ();
    type Query = ();
    type Body = UserDraft;
    type Response = UserView;
    const DOC: Doc = Doc {
        status: 201,
        answers: &[Refused(422, "")],
        ..Doc::new("admin_create_user")
    };
}

/// Changes an account.
#[derive(Debug, Clone, Copy)]
pub struct UpdateUser;

impl Endpoint for UpdateUser {
    const METHOD: Method = Method::Patch;
    const PATH: &'static str = "/api/v1/admin/users/{id}";
    type Path = UserKey;
    type Query = ();
    type Body = UserPatch;
    type Response = UserView;
    const DOC: Doc = Doc {
        answers: &[Refused(404, ""), Refused(422, "")],
        ..Doc::new("admin_update_user")
    };
}

/// Adds a unit to the organisation tree.
#[derive(Debug, Clone, Copy)]
pub struct CreateUnit;

impl Endpoint for CreateUnit {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v1/admin/units";
    type Path = ();
    type Query = ();
    type Body = UnitDraft;
    type Response = UnitView;
    const DOC: Doc = Doc {
        status: 201,
        answers: &[Refused(422, "")],
        ..Doc::new("admin_create_unit")
    };
}

/// Changes a unit.
#[derive(Debug, Clone, Copy)]
pub struct UpdateUnit;

impl Endpoint for UpdateUnit {
    const METHOD: Method = Method::Patch;
    const PATH: &'static str = "/api/v1/admin/units/{id}";
    type Path = UnitKey;
    type Query = ();
    type Body = UnitDraft;
    type Response = UnitView;
    const DOC: Doc = Doc {
        answers: &[Refused(404, ""), Refused(422, "")],
        ..Doc::new("admin_update_unit")
    };
}

/// The organisation tree's units.
#[derive(Debug, Clone, Copy)]
pub struct ListUnits;

impl Endpoint for ListUnits {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/units";
    type Path = ();
    type Query = ();
    type Body = ();
    type Response = Vec<UnitView>;
    const DOC: Doc = Doc::new("units");
}
