//! What waits for the reader.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use duban_sla::Clock;

use crate::endpoint::payload;
use crate::endpoint::{Doc, Endpoint, Method};

/// One thing waiting for the reader (`GET /api/v1/inbox`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxItem {
    /// `case`, `supervision`, `referral` or `incident`.
    pub kind: String,
    /// The case, referral or incident id (supervision: the case id).
    pub id: String,
    /// What to open: the case id for cases and supervision, else none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<String>,
    /// A case reference, a referral subject or an incident title.
    pub title: String,
    /// What is expected: an action code (`dispatch`, `sign_for`, `report`, `review`,
    /// `return_visit`, `answer_order`, `close_order`, `review_report`,
    /// `acknowledge_referral`, `answer_referral`, `close_referral`,
    /// `acknowledge_incident`, `decide_extension`; for supervisors `supervise_overdue`,
    /// for leaders `summon`: cases escalated to them by the ladder).
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<DateTime<Utc>>,
    /// The highest escalation step the case's clocks have fired (`remind`, `chase`,
    /// `supervise`, `summon`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation: Option<String>,
    /// The running clock behind `due_at`, so the browser computes warning and overdue
    /// with the same rule (the rule set's warning share) as every other view.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<Clock>,
}

/// `GET /api/v1/inbox`: what needs the reader's action now, most urgent first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Inbox {
    /// Everything waiting, listed or not (see `overflow`).
    pub total: u64,
    pub overdue: u64,
    /// The most urgent items of each source.
    pub items: Vec<InboxItem>,
    /// Sources with more waiting than the inbox lists: the list page has them all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overflow: Vec<InboxOverflow>,
}

/// Cases of one status waiting for one action, more than the inbox lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxOverflow {
    pub action: String,
    /// The case status to filter the case list by (`received`); empty for escalated
    /// cases, which come in every status.
    pub status: String,
    /// How many cases have that status in the reader's jurisdiction.
    pub total: u64,
    /// How many of them the inbox lists.
    pub shown: u64,
}

payload!(Inbox);

/// What needs the reader's action now, most urgent first.
#[derive(Debug, Clone, Copy)]
pub struct GetInbox;

impl Endpoint for GetInbox {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/inbox";
    type Path = ();
    type Query = ();
    type Body = ();
    type Response = Inbox;
    const DOC: Doc = Doc {
        says: "What needs the reader's action now: {total, overdue, items}, most urgent first",
        ..Doc::new("inbox")
    };
}
