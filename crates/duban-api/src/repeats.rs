//! Repeat complaints (重信重访): candidates, merging, settings.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use duban_case::draft::CaseDraft;
use duban_repeat::{Settings, SettingsDraft};

use crate::cases::CaseView;
use crate::endpoint::payload;
use crate::endpoint::{Answer::*, Doc, Endpoint, Method};
use crate::keys::CaseKey;

/// A case already stored that a new one may repeat (重信重访).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepeatCandidate {
    pub case_id: String,
    pub reference: String,
    /// 0 to 1.
    pub score: f32,
    /// Why, in the reader's language (`内容相似度 82%`, `同一举报电话`).
    pub reasons: Vec<String>,
    pub received_at: DateTime<Utc>,
    pub status: String,
    pub excerpt: String,
}

/// `POST /api/v1/cases/{id}/merge` body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MergeRequest {
    /// The primary case: its reference (`JS-2026-B03-0015`) or its id.
    pub primary: String,
    pub reason: String,
}

/// `PUT /api/v1/repeats/settings` body: the settings and why.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RepeatSettingsUpdate {
    pub settings: SettingsDraft,
    pub reason: String,
}

payload!(schema: RepeatCandidate);
payload!(MergeRequest, RepeatSettingsUpdate, Settings);

/// Repeat candidates for a case not registered yet.
#[derive(Debug, Clone, Copy)]
pub struct CheckRepeats;

impl Endpoint for CheckRepeats {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v1/repeats";
    type Path = ();
    type Query = ();
    type Body = CaseDraft;
    type Response = Vec<RepeatCandidate>;
    const DOC: Doc = Doc {
        description: "Repeat candidates (重信重访) for a case not registered yet: same city within the window, similar content, same phone, nearby.",
        answers: &[Refused(422, "")],
        ..Doc::new("check_repeats")
    };
}

/// Stored cases a case may repeat.
#[derive(Debug, Clone, Copy)]
pub struct CaseRepeats;

impl Endpoint for CaseRepeats {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/cases/{id}/repeats";
    type Path = CaseKey;
    type Query = ();
    type Body = ();
    type Response = Vec<RepeatCandidate>;
    const DOC: Doc = Doc {
        answers: &[Refused(404, "")],
        ..Doc::new("case_repeats")
    };
}

/// Merges a confirmed repeat into its primary case.
#[derive(Debug, Clone, Copy)]
pub struct MergeRepeat;

impl Endpoint for MergeRepeat {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v1/cases/{id}/merge";
    type Path = CaseKey;
    type Query = ();
    type Body = MergeRequest;
    type Response = CaseView;
    const DOC: Doc = Doc {
        description: "Merge this case, a confirmed repeat, into its primary: both histories stay, the repeat's clocks stop, the primary becomes a 重复信访件 key case.",
        says: "The repeat, now merged",
        answers: &[Refused(404, ""), Refused(409, ""), Refused(422, "")],
        body_says: "`{\"primary\": <case id or reference>, \"reason\": …}`",
        ..Doc::new("merge_repeat")
    };
}

/// The settings of repeat detection.
#[derive(Debug, Clone, Copy)]
pub struct RepeatSettings;

impl Endpoint for RepeatSettings {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/repeats/settings";
    type Path = ();
    type Query = ();
    type Body = ();
    type Response = Settings;
    const DOC: Doc = Doc {
        says: "Window, radius, minimum scores and weights of repeat detection",
        ..Doc::new("repeat_settings")
    };
}

/// Changes the settings of repeat detection.
#[derive(Debug, Clone, Copy)]
pub struct UpdateRepeatSettings;

impl Endpoint for UpdateRepeatSettings {
    const METHOD: Method = Method::Put;
    const PATH: &'static str = "/api/v1/repeats/settings";
    type Path = ();
    type Query = ();
    type Body = RepeatSettingsUpdate;
    type Response = Settings;
    const DOC: Doc = Doc {
        says: "The settings in force",
        answers: &[Refused(422, "")],
        body_says: "`{\"settings\": {...}, \"reason\": …}`",
        ..Doc::new("put_repeat_settings")
    };
}
