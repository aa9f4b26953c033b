//! The commands a person sends, and the kinds of action they name.

use serde::{Deserialize, Serialize};

use super::RoutingReason;
use crate::Lang;
use crate::draft::OutcomeDraft;
use crate::model::CaseId;

macro_rules! actions {
    ($($variant:ident = $code:literal, $zh:literal, $en:literal;)+) => {
        /// The kinds of life-cycle action.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum ActionKind { $($variant,)+ }
        impl ActionKind {
            pub const ALL: &'static [ActionKind] = &[$(ActionKind::$variant,)+];
            pub fn code(self) -> &'static str { match self { $(ActionKind::$variant => $code,)+ } }
            pub fn label(self, lang: Lang) -> &'static str {
                match (self, lang) { $((ActionKind::$variant, Lang::Zh) => $zh, (ActionKind::$variant, Lang::En) => $en,)+ }
            }
        }
    };
}

actions! {
    Dispatch = "dispatch", "交办", "Dispatch";
    SignFor = "sign_for", "签收", "Sign for";
    Return = "return", "退回（错派）", "Return as misrouted";
    StartHandling = "start_handling", "开始办理", "Start handling";
    Report = "report", "上报结果", "Report result";
    Approve = "approve", "审核通过", "Approve";
    SendBack = "send_back", "退回重办", "Send back to redo";
    Close = "close", "办结", "Close";
    ReturnVisit = "return_visit", "回访", "Return visit";
    Reopen = "reopen", "重新办理", "Reopen";
    Pause = "pause", "挂起", "Pause";
    Resume = "resume", "恢复", "Resume";
    Extend = "extend", "延期", "Extend deadline";
    RequestExtension = "request_extension", "申请延期", "Request an extension";
    RefuseExtension = "refuse_extension", "驳回延期申请", "Refuse the extension";
    Merge = "merge", "合并到主件", "Merge into primary";
    Publish = "publish", "同意公开", "Clear for publication";
    Unpublish = "unpublish", "撤回公开", "Withdraw from publication";
}

/// A command as sent by a person. Free text is validated by [`super::decide`].
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = CaseCommand))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(tag = "action", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Command {
    Dispatch {
        lead_unit: String,
        #[serde(default)]
        co_units: Vec<String>,
        #[serde(default)]
        note: String,
        /// Ids of the routing rules that proposed these units (set by the server).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        routed_by: Vec<String>,
        /// Those rules' explanations (set by the server with `routed_by`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        why: Vec<RoutingReason>,
    },
    SignFor,
    Return {
        #[serde(default)]
        reason: String,
    },
    StartHandling {
        #[serde(default)]
        note: String,
    },
    Report {
        #[serde(default)]
        outcome: OutcomeDraft,
    },
    Approve {
        #[serde(default)]
        closure: String,
    },
    SendBack {
        #[serde(default)]
        comments: String,
    },
    Close,
    ReturnVisit {
        #[serde(default)]
        satisfaction: String,
        #[serde(default)]
        note: String,
    },
    Reopen {
        #[serde(default)]
        reason: String,
    },
    Pause {
        #[serde(default)]
        reason: String,
    },
    Resume,
    Extend {
        #[serde(default)]
        amount: u32,
        #[serde(default)]
        unit: String,
        #[serde(default)]
        reason: String,
    },
    RequestExtension {
        #[serde(default)]
        amount: u32,
        #[serde(default)]
        unit: String,
        #[serde(default)]
        reason: String,
    },
    RefuseExtension {
        #[serde(default)]
        reason: String,
    },
    Merge {
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
        primary: CaseId,
    },
    /// Clear the outcome for the public disclosure page.
    Publish,
    Unpublish {
        #[serde(default)]
        reason: String,
    },
}

impl Command {
    pub fn kind(&self) -> ActionKind {
        match self {
            Command::Dispatch { .. } => ActionKind::Dispatch,
            Command::SignFor => ActionKind::SignFor,
            Command::Return { .. } => ActionKind::Return,
            Command::StartHandling { .. } => ActionKind::StartHandling,
            Command::Report { .. } => ActionKind::Report,
            Command::Approve { .. } => ActionKind::Approve,
            Command::SendBack { .. } => ActionKind::SendBack,
            Command::Close => ActionKind::Close,
            Command::ReturnVisit { .. } => ActionKind::ReturnVisit,
            Command::Reopen { .. } => ActionKind::Reopen,
            Command::Pause { .. } => ActionKind::Pause,
            Command::Resume => ActionKind::Resume,
            Command::Extend { .. } => ActionKind::Extend,
            Command::RequestExtension { .. } => ActionKind::RequestExtension,
            Command::RefuseExtension { .. } => ActionKind::RefuseExtension,
            Command::Merge { .. } => ActionKind::Merge,
            Command::Publish => ActionKind::Publish,
            Command::Unpublish { .. } => ActionKind::Unpublish,
        }
    }
    /// The reason or note a person gave with the command (for the audit trail); empty
    /// when the command carries none.
    pub fn reason(&self) -> &str {
        match self {
            Command::Dispatch { note, .. }
            | Command::StartHandling { note }
            | Command::ReturnVisit { note, .. } => note,
            Command::Return { reason }
            | Command::Reopen { reason }
            | Command::Pause { reason }
            | Command::Extend { reason, .. }
            | Command::RequestExtension { reason, .. }
            | Command::RefuseExtension { reason }
            | Command::Unpublish { reason } => reason,
            Command::SendBack { comments } => comments,
            Command::Report { .. }
            | Command::SignFor
            | Command::Approve { .. }
            | Command::Close
            | Command::Resume
            | Command::Merge { .. }
            | Command::Publish => "",
        }
    }
    /// Unit ids the command names (the caller checks they exist).
    pub fn unit_ids(&self) -> Vec<(String, &str)> {
        match self {
            Command::Dispatch {
                lead_unit,
                co_units,
                ..
            } => std::iter::once(("lead_unit".to_owned(), lead_unit.as_str()))
                .chain(
                    co_units
                        .iter()
                        .enumerate()
                        .map(|(i, u)| (format!("co_units[{i}]"), u.as_str())),
                )
                .collect(),
            _ => vec![],
        }
    }
}
