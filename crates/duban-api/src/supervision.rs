//! Follow-up supervision of key cases.

use serde::{Deserialize, Serialize};

use crate::endpoint::payload;
use crate::endpoint::{Answer::*, Doc, Endpoint, Method};
use crate::keys::CaseKey;
use crate::mechanisms::Sequenced;

/// One event of a case's supervision.
pub type SupervisionEventView = Sequenced<duban_supervision::Event>;

/// `GET /api/v1/cases/{id}/supervision`: the supervision of a key case, its events and
/// the commands the reader may run now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupervisionView {
    pub supervision: duban_supervision::Supervision,
    pub events: Vec<SupervisionEventView>,
    /// Command codes (`assign`, `issue_order`, …) the reader's role allows.
    pub allowed: Vec<String>,
}

payload!(schema: duban_supervision::Command);
payload!(SupervisionView);

/// The follow-up supervision of a key case.
#[derive(Debug, Clone, Copy)]
pub struct CaseSupervision;

impl Endpoint for CaseSupervision {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/cases/{id}/supervision";
    type Path = CaseKey;
    type Query = ();
    type Body = ();
    type Response = SupervisionView;
    const DOC: Doc = Doc {
        says: "The case's follow-up supervision: supervisor, orders, visits, reports, events, allowed commands",
        answers: &[Refused(404, "")],
        ..Doc::new("case_supervision")
    };
}

/// Runs a supervision command (assign, issue an order, visit, review …).
#[derive(Debug, Clone, Copy)]
pub struct Supervise;

impl Endpoint for Supervise {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v1/cases/{id}/supervision";
    type Path = CaseKey;
    type Query = ();
    type Body = duban_supervision::Command;
    type Response = SupervisionView;
    const DOC: Doc = Doc {
        says: "The supervision after the command",
        answers: &[Refused(404, ""), Refused(409, ""), Refused(422, "")],
        ..Doc::new("supervise")
    };
}
