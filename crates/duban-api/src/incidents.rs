//! Emergency linkage: plan templates and incidents.

use serde::{Deserialize, Serialize};

use duban_emergency::{Incident, Plans};

use crate::endpoint::payload;
use crate::endpoint::{Answer::*, Doc, Endpoint, Header, Method};
use crate::keys::{CaseKey, IncidentKey};
use crate::mechanisms::Sequenced;

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

payload!(schema: duban_emergency::Command, Plans, PlansUpdate);
payload!(IncidentView, Incident);

/// The emergency plan templates (预案).
#[derive(Debug, Clone, Copy)]
pub struct EmergencyPlans;

impl Endpoint for EmergencyPlans {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/emergency/plans";
    type Path = ();
    type Query = ();
    type Body = ();
    type Response = Plans;
    const DOC: Doc = Doc {
        says: "The plan templates (预案) in order",
        ..Doc::new("emergency_plans")
    };
}

/// Replaces the emergency plan templates.
#[derive(Debug, Clone, Copy)]
pub struct UpdateEmergencyPlans;

impl Endpoint for UpdateEmergencyPlans {
    const METHOD: Method = Method::Put;
    const PATH: &'static str = "/api/v1/emergency/plans";
    type Path = ();
    type Query = ();
    type Body = PlansUpdate;
    type Response = Plans;
    const DOC: Doc = Doc {
        answers: &[Refused(422, "")],
        ..Doc::new("put_emergency_plans")
    };
}

/// Incidents, newest first.
#[derive(Debug, Clone, Copy)]
pub struct ListIncidents;

impl Endpoint for ListIncidents {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/incidents";
    type Path = ();
    type Query = ();
    type Body = ();
    type Response = Vec<Incident>;
    const DOC: Doc = Doc {
        says: "Incidents, newest first (handlers: those their units are linked to)",
        ..Doc::new("incidents")
    };
}

/// Declares an incident.
#[derive(Debug, Clone, Copy)]
pub struct DeclareIncident;

impl Endpoint for DeclareIncident {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v1/incidents";
    type Path = ();
    type Query = ();
    type Body = duban_emergency::Command;
    type Response = IncidentView;
    const DOC: Doc = Doc {
        status: 201,
        says: "The declared incident's board",
        answers: &[Refused(422, "")],
        ..Doc::new("declare_incident")
    };
}

/// Declares an incident from a case.
#[derive(Debug, Clone, Copy)]
pub struct DeclareIncidentFromCase;

impl Endpoint for DeclareIncidentFromCase {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v1/cases/{id}/incidents";
    type Path = CaseKey;
    type Query = ();
    type Body = duban_emergency::Command;
    type Response = IncidentView;
    const DOC: Doc = Doc {
        status: 201,
        says: "The declared incident's board",
        answers: &[Refused(404, ""), Refused(422, "")],
        ..Doc::new("declare_incident_from_case")
    };
}

/// An incident's linkage board.
#[derive(Debug, Clone, Copy)]
pub struct GetIncident;

impl Endpoint for GetIncident {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/incidents/{id}";
    type Path = IncidentKey;
    type Query = ();
    type Body = ();
    type Response = IncidentView;
    const DOC: Doc = Doc {
        says: "The linkage board: incident, timeline, allowed commands",
        answers: &[Empty(304, "Unchanged since the ETag"), Refused(404, "")],
        headers: &[Header {
            name: "If-None-Match",
            required: false,
            says: "The ETag of the last answer: 304 when unchanged",
        }],
        ..Doc::new("get_incident")
    };
}

/// Runs an incident command (acknowledge, report, escalate, close).
#[derive(Debug, Clone, Copy)]
pub struct ActOnIncident;

impl Endpoint for ActOnIncident {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v1/incidents/{id}";
    type Path = IncidentKey;
    type Query = ();
    type Body = duban_emergency::Command;
    type Response = IncidentView;
    const DOC: Doc = Doc {
        says: "The board after the command",
        answers: &[Refused(404, ""), Refused(409, ""), Refused(422, "")],
        ..Doc::new("act_on_incident")
    };
}
