//! The routing rules and what they propose for a case.

use serde::{Deserialize, Serialize};

use duban_case::Lang;

use crate::endpoint::payload;
use crate::endpoint::{Answer::*, Doc, Endpoint, Method};
use crate::keys::CaseKey;

/// One routing proposal with its explanation in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalView {
    #[serde(flatten)]
    pub proposal: duban_dispatch::Proposal,
    pub explanation: String,
}

/// `GET /api/v1/cases/{id}/routing`: what the routing rules propose for a case.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RoutingView {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<ProposalView>,
    pub notify: Vec<ProposalView>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supervisor: Option<ProposalView>,
}

impl RoutingView {
    pub fn of(r: &duban_dispatch::Routing, lang: Lang) -> RoutingView {
        let view = |p: &duban_dispatch::Proposal| ProposalView {
            explanation: p.explain(lang),
            proposal: p.clone(),
        };
        RoutingView {
            lead: r.lead.as_ref().map(view),
            notify: r.notify.iter().map(view).collect(),
            supervisor: r.supervisor.as_ref().map(view),
        }
    }
}

/// How often a routing rule's dispatches were signed for or returned as misrouted.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleStats {
    pub rule: String,
    pub dispatched: u64,
    pub returned: u64,
    /// Returned at least 3 times and in at least a fifth of its dispatches.
    pub misrouting: bool,
}

impl RuleStats {
    pub fn new(rule: String, dispatched: u64, returned: u64) -> RuleStats {
        RuleStats {
            misrouting: returned >= 3 && returned * 5 >= dispatched,
            rule,
            dispatched,
            returned,
        }
    }
}

/// `GET /api/v1/routing/rules`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingRulesView {
    pub rules: duban_dispatch::RoutingRules,
    pub stats: Vec<RuleStats>,
}

/// `PUT /api/v1/routing/rules` body.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RoutingRulesUpdate {
    pub rules: Vec<duban_dispatch::Rule>,
    pub reason: String,
}

payload!(schema: RoutingRulesView, RoutingRulesUpdate);
payload!(RoutingView);

/// What the routing rules propose for a case, each proposal explained.
#[derive(Debug, Clone, Copy)]
pub struct CaseRouting;

impl Endpoint for CaseRouting {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/cases/{id}/routing";
    type Path = CaseKey;
    type Query = ();
    type Body = ();
    type Response = RoutingView;
    const DOC: Doc = Doc {
        says: "What the routing rules propose: {lead, notify, supervisor}, each with its rule and explanation",
        answers: &[Refused(404, "")],
        ..Doc::new("case_routing")
    };
}

/// The routing rules in order, with their dispatch statistics.
#[derive(Debug, Clone, Copy)]
pub struct RoutingRules;

impl Endpoint for RoutingRules {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/routing/rules";
    type Path = ();
    type Query = ();
    type Body = ();
    type Response = RoutingRulesView;
    const DOC: Doc = Doc {
        says: "The routing rules in order, with dispatches and misrouting returns per rule",
        ..Doc::new("routing_rules")
    };
}

/// Replaces the routing rules.
#[derive(Debug, Clone, Copy)]
pub struct UpdateRoutingRules;

impl Endpoint for UpdateRoutingRules {
    const METHOD: Method = Method::Put;
    const PATH: &'static str = "/api/v1/routing/rules";
    type Path = ();
    type Query = ();
    type Body = RoutingRulesUpdate;
    type Response = RoutingRulesView;
    const DOC: Doc = Doc {
        answers: &[Refused(422, "")],
        ..Doc::new("put_routing_rules")
    };
}
