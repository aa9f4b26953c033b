use duban_api::ErrorBody;
use duban_case::Lang;
use duban_case::lifecycle::{self, Case};

use crate::error::ApiFailure;

use crate::service::AppState;
use crate::service::Who;

/// What a request asks to do, as far as the role alone decides it. Whether the case,
/// order, referral or incident at hand allows it is decided after, by the domain crate
/// and the `*_allowed` functions below.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ability {
    /// Users, units and their accounts.
    ManageAccounts,
    /// Connected systems' API keys.
    ManageApiClients,
    /// SLA rule sets, routing rules, emergency plans, repeat-detection settings.
    EditRules,
    /// Run the escalation sweep by hand.
    RunSweep,
    /// Search the whole audit trail.
    SearchAudit,
    /// Read one case's audit trail.
    ReadCaseAudit,
    /// Dispatch cases and read how a case would be routed.
    Dispatch,
    /// Look at and merge repeated complaints.
    MergeRepeats,
    /// List the supervisors (to name one).
    ListSupervisors,
    /// Send a follow-up supervision command (the role's commands: `supervision_allowed`).
    Supervise,
    /// Refer a problem to another unit and act on referrals.
    Refer,
    /// Declare, escalate and close incidents.
    DirectIncident,
    /// Acknowledge and report on an incident one's unit is linked to.
    TakePartInIncident,
    /// Read the situation board.
    ReadBoard,
    /// Attach a file to a case.
    Attach,
}

impl Ability {
    /// The one table of roles and abilities.
    pub fn allowed_to(self, role: crate::auth::Role) -> bool {
        use crate::auth::Role::{Admin, Coordinator, Handler, Leader, Supervisor};
        match self {
            Ability::ManageAccounts
            | Ability::ManageApiClients
            | Ability::EditRules
            | Ability::RunSweep
            | Ability::SearchAudit => role == Admin,
            Ability::ReadCaseAudit
            | Ability::Dispatch
            | Ability::MergeRepeats
            | Ability::DirectIncident => matches!(role, Admin | Coordinator),
            Ability::ListSupervisors => matches!(role, Admin | Coordinator | Supervisor),
            Ability::Supervise | Ability::Attach => {
                matches!(role, Admin | Coordinator | Supervisor | Handler)
            }
            Ability::Refer | Ability::TakePartInIncident => {
                matches!(role, Admin | Coordinator | Handler)
            }
            Ability::ReadBoard => matches!(role, Admin | Coordinator | Supervisor | Leader),
        }
    }
}

/// The signed-in user behind a request. Every API route but sign-in, health, the
/// calendar and the OpenAPI document needs one; state-changing requests must also send
/// the session's CSRF token in `X-CSRF-Token`.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: crate::store::UserRecord,
    pub role: crate::auth::Role,
    /// For handlers: the units of their jurisdiction (their unit and all below it).
    pub jurisdiction: Option<Vec<String>>,
    /// The same person for the audit trail, with where the request came from.
    pub who: Who,
}

impl Actor {
    /// The units the person belongs to (not those a coordinator may speak for): what
    /// they enter for any other unit is marked as entered on its behalf (代录).
    pub fn home_units(&self) -> Vec<String> {
        match self.role {
            crate::auth::Role::Handler => self.jurisdiction.clone().unwrap_or_default(),
            _ => self.user.unit_id.clone().into_iter().collect(),
        }
    }

    /// Whether the role may run this kind of action at all.
    pub fn may(&self, action: lifecycle::ActionKind) -> bool {
        use crate::auth::Role;
        use lifecycle::ActionKind as A;
        match self.role {
            Role::Admin | Role::Coordinator => true,
            Role::Handler => matches!(
                action,
                A::SignFor | A::Return | A::StartHandling | A::Report | A::RequestExtension
            ),
            Role::Supervisor | Role::Leader => false,
        }
    }
    /// Administrators and coordinators: they register cases and see and speak for
    /// every unit's work.
    pub fn coordinates(&self) -> bool {
        matches!(
            self.role,
            crate::auth::Role::Admin | crate::auth::Role::Coordinator
        )
    }
    pub fn may_create(&self) -> bool {
        self.coordinates()
    }
    /// Whether the role may read the complainant's name, phone and ID number (each
    /// read is recorded); supervisors and leaders only ever see them masked.
    pub fn may_read_personal_data(&self) -> bool {
        use crate::auth::Role;
        matches!(self.role, Role::Admin | Role::Coordinator | Role::Handler)
    }
    /// Refuse unless the actor's role may do `ability`.
    pub fn require(&self, ability: Ability, lang: Lang) -> Result<(), ApiFailure> {
        if ability.allowed_to(self.role) {
            Ok(())
        } else {
            Err(ApiFailure::Forbidden(forbidden(lang)))
        }
    }
    /// Whether the case lies in the actor's jurisdiction.
    pub fn can_see(&self, case: &Case) -> bool {
        match &self.jurisdiction {
            None => true,
            Some(units) => case
                .lead_unit()
                .into_iter()
                .chain(case.co_units())
                .any(|u| units.iter().any(|j| j == u.as_str())),
        }
    }
}

pub(crate) fn forbidden(lang: Lang) -> ErrorBody {
    let text = crate::text::Text::RoleForbidden;
    ErrorBody::single("role", text.code(), text.message(lang))
}

/// The commands of follow-up supervision a role may run on a case.
pub(crate) fn supervision_allowed(
    actor: &Actor,
    s: &duban_supervision::Supervision,
    case: &Case,
) -> Vec<String> {
    use crate::auth::Role;
    let named = s.supervisor() == Some(actor.user.username.as_str());
    let mut out: Vec<&str> = Vec::new();
    match actor.role {
        Role::Admin | Role::Coordinator => out.extend([
            "assign",
            "issue_order",
            "answer_order",
            "close_order",
            "record_visit",
            "submit_report",
            "review_report",
        ]),
        Role::Supervisor if named => {
            out.extend([
                "issue_order",
                "close_order",
                "record_visit",
                "review_report",
            ]);
        }
        Role::Handler => {
            // A unit answers the open orders addressed to it, not another unit's.
            let mine = |unit: &String| {
                actor
                    .jurisdiction
                    .as_ref()
                    .is_some_and(|units| units.contains(unit))
            };
            if s.orders()
                .iter()
                .any(|o| o.status == duban_supervision::OrderStatus::Open && mine(&o.target_unit))
            {
                out.push("answer_order");
            }
            out.push("submit_report");
        }
        _ => {}
    }
    if !case.is_key() {
        // Only key cases are supervised.
        out.clear();
    }
    out.into_iter().map(str::to_owned).collect()
}

pub(crate) fn incident_allowed(
    i: &duban_emergency::Incident,
    actor: &Actor,
    units: &[String],
) -> (Vec<String>, Vec<String>) {
    if i.status() == duban_emergency::Status::Closed {
        return (vec![], vec![]);
    }
    let mine: Vec<String> = i
        .units()
        .into_iter()
        .filter(|u| units.iter().any(|x| x == u))
        .map(str::to_owned)
        .collect();
    let mut allowed = Vec::new();
    if i.linkages()
        .iter()
        .any(|l| l.acknowledged_at.is_none() && mine.contains(&l.unit))
    {
        allowed.push("acknowledge".to_owned());
    }
    if !mine.is_empty() {
        allowed.push("report".to_owned());
    }
    if actor.coordinates() {
        allowed.extend(["escalate".to_owned(), "close".to_owned()]);
    }
    (allowed, mine)
}

/// The units an actor speaks for in a referral: administrators and coordinators for
/// every unit, handlers for their jurisdiction, readers for none.
pub(crate) fn speaking_units(s: &AppState, actor: &Actor) -> Vec<String> {
    use crate::auth::Role;
    match actor.role {
        Role::Admin | Role::Coordinator => s
            .units
            .read()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default(),
        Role::Handler => actor.jurisdiction.clone().unwrap_or_default(),
        Role::Supervisor | Role::Leader => vec![],
    }
}

/// The referral commands the actor could send now (each still checked by the crate).
pub(crate) fn referral_allowed(r: &duban_referral::Referral, units: &[String]) -> Vec<String> {
    use duban_referral::Status;
    let speaks = |u: &str| units.iter().any(|x| x == u);
    let receiver = speaks(r.to_unit());
    let party = receiver || speaks(r.from_unit()) || r.co_handlers().iter().any(|u| speaks(u));
    let sender = speaks(r.from_unit());
    let mut out = Vec::new();
    match r.status() {
        Status::Sent if receiver => out.push("acknowledge"),
        Status::Acknowledged if receiver => out.push("answer"),
        Status::Answered if sender => out.push("close"),
        _ => {}
    }
    if party && r.status() != Status::Closed {
        out.push("reply");
    }
    if sender && matches!(r.status(), Status::Sent | Status::Acknowledged) {
        out.push("set_joint");
    }
    out.into_iter().map(str::to_owned).collect()
}

/// The case statuses waiting in a role's inbox, with the action each asks of it.
pub(crate) fn inbox_case_actions(
    role: crate::auth::Role,
) -> &'static [(duban_case::model::Status, &'static str)] {
    use crate::auth::Role;
    use duban_case::model::Status;
    match role {
        Role::Admin | Role::Coordinator => &[
            (Status::Received, "dispatch"),
            (Status::Returned, "dispatch"),
            (Status::Reported, "review"),
            (Status::Closed, "return_visit"),
            (Status::StageClosed, "return_visit"),
        ],
        Role::Handler => &[
            (Status::Dispatched, "sign_for"),
            (Status::SignedFor, "report"),
            (Status::InProgress, "report"),
        ],
        Role::Supervisor | Role::Leader => &[],
    }
}

/// Overdue cases escalate at 150% of their time to their supervisor (or, while a key
/// case has none, to the coordinators, who name one) and at 200% to the leaders (the
/// ladder's supervise and summon steps): the step that reaches a role, and the action
/// it asks of it.
pub(crate) fn escalated_to(role: crate::auth::Role) -> Option<(duban_sla::Step, &'static str)> {
    use crate::auth::Role;
    match role {
        Role::Supervisor => Some((duban_sla::Step::Supervise, "supervise_overdue")),
        Role::Admin | Role::Coordinator => Some((duban_sla::Step::Supervise, "assign_supervisor")),
        Role::Leader => Some((duban_sla::Step::Summon, "summon")),
        Role::Handler => None,
    }
}
