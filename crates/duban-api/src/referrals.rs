//! Horizontal referrals between departments.

use serde::{Deserialize, Serialize};

use crate::endpoint::payload;
use crate::endpoint::{Answer::*, Doc, Endpoint, Method};
use crate::keys::{CaseKey, ReferralKey};
use crate::mechanisms::Sequenced;

/// One event of a referral.
pub type ReferralEventView = Sequenced<duban_referral::Event>;

/// A referral with its events and what the reader may do now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralView {
    pub referral: duban_referral::Referral,
    pub events: Vec<ReferralEventView>,
    /// Command codes the reader may send (`acknowledge`, `reply`, …).
    pub allowed: Vec<String>,
}

payload!(schema: duban_referral::Command);
payload!(ReferralView);

/// A case's referrals.
#[derive(Debug, Clone, Copy)]
pub struct CaseReferrals;

impl Endpoint for CaseReferrals {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/cases/{id}/referrals";
    type Path = CaseKey;
    type Query = ();
    type Body = ();
    type Response = Vec<ReferralView>;
    const DOC: Doc = Doc {
        says: "The case's referrals with their threads and allowed commands",
        answers: &[Refused(404, "")],
        ..Doc::new("case_referrals")
    };
}

/// Refers a case to another department.
#[derive(Debug, Clone, Copy)]
pub struct Refer;

impl Endpoint for Refer {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v1/cases/{id}/referrals";
    type Path = CaseKey;
    type Query = ();
    type Body = duban_referral::Command;
    type Response = ReferralView;
    const DOC: Doc = Doc {
        status: 201,
        says: "The new referral",
        answers: &[Refused(404, ""), Refused(422, "")],
        ..Doc::new("refer")
    };
}

/// Referrals the reader's units take part in.
#[derive(Debug, Clone, Copy)]
pub struct MyReferrals;

impl Endpoint for MyReferrals {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/referrals";
    type Path = ();
    type Query = ();
    type Body = ();
    type Response = Vec<ReferralView>;
    const DOC: Doc = Doc {
        says: "Referrals the reader's units take part in, newest first",
        ..Doc::new("my_referrals")
    };
}

/// One referral.
#[derive(Debug, Clone, Copy)]
pub struct GetReferral;

impl Endpoint for GetReferral {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/referrals/{id}";
    type Path = ReferralKey;
    type Query = ();
    type Body = ();
    type Response = ReferralView;
    const DOC: Doc = Doc {
        says: "The referral",
        answers: &[Refused(404, "")],
        ..Doc::new("get_referral")
    };
}

/// Runs a referral command (acknowledge, reply, close …).
#[derive(Debug, Clone, Copy)]
pub struct ActOnReferral;

impl Endpoint for ActOnReferral {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v1/referrals/{id}";
    type Path = ReferralKey;
    type Query = ();
    type Body = duban_referral::Command;
    type Response = ReferralView;
    const DOC: Doc = Doc {
        says: "The referral after the command",
        answers: &[Refused(404, ""), Refused(409, ""), Refused(422, "")],
        ..Doc::new("act_on_referral")
    };
}
