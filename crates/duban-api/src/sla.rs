//! The SLA rule sets.

use serde::{Deserialize, Serialize};

use duban_sla::RuleSet;

use crate::endpoint::payload;
use crate::endpoint::{Answer::*, Doc, Endpoint, Method};
use crate::keys::RuleSetKey;

/// `PUT /api/v1/sla/rule-sets/{id}` body: the edited rule set and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSetUpdate {
    pub rule_set: duban_sla::RuleSetDraft,
    #[serde(default)]
    pub reason: String,
}

payload!(RuleSetUpdate, RuleSet);

/// The SLA rule sets in force.
#[derive(Debug, Clone, Copy)]
pub struct RuleSets;

impl Endpoint for RuleSets {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/sla/rule-sets";
    type Path = ();
    type Query = ();
    type Body = ();
    type Response = Vec<RuleSet>;
    const DOC: Doc = Doc {
        says: "The SLA rule sets in force",
        ..Doc::new("rule_sets")
    };
}

/// Replaces an SLA rule set; new clocks use it.
#[derive(Debug, Clone, Copy)]
pub struct UpdateRuleSet;

impl Endpoint for UpdateRuleSet {
    const METHOD: Method = Method::Put;
    const PATH: &'static str = "/api/v1/sla/rule-sets/{id}";
    type Path = RuleSetKey;
    type Query = ();
    type Body = RuleSetUpdate;
    type Response = RuleSet;
    const DOC: Doc = Doc {
        says: "The rule set in force; new clocks use it",
        answers: &[Refused(404, ""), Refused(422, "")],
        body_says: "{\"rule_set\": {id, name_zh, name_en, source, warn_percent, max_extension, rules}, \"reason\": \"…\"}",
        ..Doc::new("put_rule_set")
    };
}
