//! A case is closed (办结) or archived only when nothing on it is still open in the
//! mechanisms: a supervision order, a referral or an incident still running would
//! otherwise be left behind a case that reads as done. Stage-closing (阶段办结) stays
//! possible: the rectification goes on under supervision.
//!
//! The server gathers what is open from the mechanism aggregates (the browser does not
//! hold them) and asks this rule, which names each open item in the refusal.

use duban_text::key;
use serde::{Deserialize, Serialize};

use crate::Lang;
use crate::error::{CaseError, Errors};
use crate::model::Status;

/// Which mechanism the open work belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpenWorkKind {
    /// A supervision order (督办单) not yet closed.
    SupervisionOrder,
    /// A horizontal referral (横向推送) not yet closed.
    Referral,
    /// An emergency incident (突发事件) not yet closed.
    Incident,
}

impl OpenWorkKind {
    /// The stable snake_case code (the serde form), a parameter of `case.open_work`.
    pub fn code(self) -> &'static str {
        match self {
            OpenWorkKind::SupervisionOrder => "supervision_order",
            OpenWorkKind::Referral => "referral",
            OpenWorkKind::Incident => "incident",
        }
    }
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            OpenWorkKind::SupervisionOrder => key!("case.open_work.supervision_order"),
            OpenWorkKind::Referral => key!("case.open_work.referral"),
            OpenWorkKind::Incident => key!("case.open_work.incident"),
        }
        .get(lang)
    }
}

/// One piece of open work on a case: its kind, its id (what to open) and a title for
/// people (an order number, a referral subject, an incident title).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenWork {
    pub kind: OpenWorkKind,
    pub id: String,
    pub title: String,
}

/// Whether a change from status `from` to `to` closes or archives the case.
pub fn closes(from: Status, to: Status) -> bool {
    let done = |s: Status| matches!(s, Status::Closed | Status::Archived);
    done(to) && !done(from)
}

/// Refuse a change from status `from` to a closed or archived `to` while `open` lists
/// work on the case: one `case.open_work` error per item, so the refusal lists them all.
pub fn check(from: Status, to: Status, open: &[OpenWork]) -> Result<(), Errors> {
    if open.is_empty() || !closes(from, to) {
        return Ok(());
    }
    Err(Errors(
        open.iter()
            .enumerate()
            .map(|(index, w)| CaseError::OpenWork {
                index,
                kind: w.kind,
                title: w.title.clone(),
            })
            .collect(),
    ))
}
