//! The commands a person sends, and the kinds of action they name.

use serde::{Deserialize, Serialize};

use super::RoutingReason;
use crate::Lang;
use crate::draft::OutcomeDraft;
use crate::model::CaseId;

macro_rules! actions {
    ($($variant:ident = $code:literal;)+) => {
        /// The kinds of life-cycle action.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum ActionKind { $($variant,)+ }
        impl ActionKind {
            pub const ALL: &'static [ActionKind] = &[$(ActionKind::$variant,)+];
            pub fn code(self) -> &'static str { match self { $(ActionKind::$variant => $code,)+ } }
            /// The display name, the catalogue's `case.action.<code>` (checked at build).
            pub fn label(self, lang: Lang) -> &'static str {
                let key = match self {
                    $(ActionKind::$variant => {
                        const KEY: duban_text::Key = duban_text::Key::new(concat!("case.action.", $code));
                        KEY
                    })+
                };
                key.get(lang)
            }
        }
    };
}

actions! {
    Dispatch = "dispatch";
    SignFor = "sign_for";
    Return = "return";
    StartHandling = "start_handling";
    Report = "report";
    Approve = "approve";
    SendBack = "send_back";
    Close = "close";
    ReturnVisit = "return_visit";
    Reopen = "reopen";
    Pause = "pause";
    Resume = "resume";
    Extend = "extend";
    RequestExtension = "request_extension";
    RefuseExtension = "refuse_extension";
    Merge = "merge";
    Publish = "publish";
    Unpublish = "unpublish";
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
