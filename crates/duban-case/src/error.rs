//! Errors of the case crate. Every variant has a stable snake_case `code()`, a field
//! path (`field()`) and a message in Chinese and English (`message(lang)`).

use crate::Lang;
use crate::model::Status;

/// A validation or life-cycle error.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CaseError {
    #[error("{field} is required")]
    Required { field: String },
    #[error("{field} is too short: at least {min} characters, got {actual}")]
    TooShort { field: String, min: usize, actual: usize },
    #[error("{field} is too long: at most {max} characters, got {actual}")]
    TooLong { field: String, max: usize, actual: usize },
    #[error("{field}: unknown value {value:?}")]
    UnknownValue { field: String, value: String },
    #[error("{field}: duplicate value {value:?}")]
    Duplicate { field: String, value: String },
    #[error("division {value:?} is not a Jiangsu division code")]
    UnknownDivision { value: String },
    #[error("division {value:?} is not a 2, 4 or 6 digit code")]
    MalformedDivision { value: String },
    #[error("phone number {value:?} is not a mainland mobile or landline number")]
    InvalidPhone { value: String },
    #[error("coordinates are not valid numbers")]
    InvalidCoordinates,
    #[error("coordinates ({lat}, {lon}) lie outside Jiangsu")]
    CoordinatesOutsideJiangsu { lat: f64, lon: f64 },
    #[error("latitude and longitude go together")]
    CoordinatesIncomplete,
    #[error("{field}: {value:?} is not a date (YYYY-MM-DD)")]
    InvalidDate { field: String, value: String },
    #[error("{field}: {value:?} is not a time (RFC 3339)")]
    InvalidTime { field: String, value: String },
    #[error("{field} lies in the future")]
    InFuture { field: String },
    #[error("{field} is before 2000")]
    TooEarly { field: String },
    #[error("{field} must be between {min} and {max}")]
    OutOfRange { field: String, min: i64, max: i64 },
    #[error("{field} applies to inspection transfers only")]
    NotApplicable { field: String },
    #[error("the batch date lies after the case was received")]
    BatchAfterReceipt,
    #[error("fines need at least one penalty case")]
    FinesWithoutPenalty,
    #[error("action {action} is not allowed when the case is {from}")]
    TransitionNotAllowed { action: String, from: Status },
    #[error("the case is paused")]
    Paused,
    #[error("the case is not paused")]
    NotPaused,
    #[error("extension exceeds the rule set's maximum")]
    ExtensionTooLong,
    #[error("this rule set allows no extension")]
    ExtensionNotAllowed,
    #[error("no running clock to extend")]
    NothingToExtend,
    #[error("a case cannot be merged into itself")]
    MergeIntoSelf,
    #[error("unit {value:?} does not exist")]
    UnknownUnit { field: String, value: String },
}

impl CaseError {
    /// The field path the error belongs to (`content`, `complainant.phone`,
    /// `categories[1]`); life-cycle errors belong to `action`.
    pub fn field(&self) -> String {
        use CaseError::*;
        match self {
            Required { field }
            | TooShort { field, .. }
            | TooLong { field, .. }
            | UnknownValue { field, .. }
            | Duplicate { field, .. }
            | InvalidDate { field, .. }
            | InvalidTime { field, .. }
            | InFuture { field }
            | TooEarly { field }
            | OutOfRange { field, .. }
            | NotApplicable { field }
            | UnknownUnit { field, .. } => field.clone(),
            UnknownDivision { .. } | MalformedDivision { .. } => "division".into(),
            InvalidPhone { .. } => "complainant.phone".into(),
            InvalidCoordinates | CoordinatesOutsideJiangsu { .. } | CoordinatesIncomplete => "coordinates".into(),
            BatchAfterReceipt => "batch.date".into(),
            FinesWithoutPenalty => "outcome.fines_yuan".into(),
            ExtensionTooLong | ExtensionNotAllowed | NothingToExtend => "extension".into(),
            MergeIntoSelf => "primary".into(),
            TransitionNotAllowed { .. } | Paused | NotPaused => "action".into(),
        }
    }

    /// The stable code: the field's base name and the problem (`content.too_short`).
    pub fn code(&self) -> String {
        use CaseError::*;
        let problem = match self {
            Required { .. } => "required",
            TooShort { .. } => "too_short",
            TooLong { .. } => "too_long",
            UnknownValue { .. } | UnknownDivision { .. } | UnknownUnit { .. } => "unknown",
            Duplicate { .. } => "duplicate",
            MalformedDivision { .. } => "malformed",
            InvalidPhone { .. } | InvalidCoordinates | InvalidDate { .. } | InvalidTime { .. } => "invalid",
            CoordinatesOutsideJiangsu { .. } => "outside_jiangsu",
            CoordinatesIncomplete => "incomplete",
            InFuture { .. } => "in_future",
            TooEarly { .. } => "too_early",
            OutOfRange { .. } => "out_of_range",
            NotApplicable { .. } => "not_applicable",
            BatchAfterReceipt => "after_receipt",
            FinesWithoutPenalty => "without_penalty",
            TransitionNotAllowed { .. } => return "transition.not_allowed".into(),
            Paused => return "case.paused".into(),
            NotPaused => return "case.not_paused".into(),
            ExtensionTooLong => "too_long",
            ExtensionNotAllowed => "not_allowed",
            NothingToExtend => "nothing_running",
            MergeIntoSelf => return "merge.into_self".into(),
        };
        format!("{}.{problem}", base(&self.field()))
    }

    /// The message shown to a person.
    pub fn message(&self, lang: Lang) -> String {
        use CaseError::*;
        let f = field_label(&self.field(), lang);
        match (self, lang) {
            (Required { .. }, Lang::Zh) => format!("{f}不能为空"),
            (Required { .. }, Lang::En) => format!("{f} is required"),
            (TooShort { min, actual, .. }, Lang::Zh) => format!("{f}至少{min}個字,當前{actual}個字"),
            (TooShort { min, actual, .. }, Lang::En) => format!("{f} needs at least {min} characters (now {actual})"),
            (TooLong { max, actual, .. }, Lang::Zh) => format!("{f}最多{max}個字,當前{actual}個字"),
            (TooLong { max, actual, .. }, Lang::En) => format!("{f} allows at most {max} characters (now {actual})"),
            (UnknownValue { value, .. }, Lang::Zh) => format!("{f}不支持“{value}”"),
            (UnknownValue { value, .. }, Lang::En) => format!("{f}: unknown value “{value}”"),
            (Duplicate { value, .. }, Lang::Zh) => format!("{f}重復:“{value}”"),
            (Duplicate { value, .. }, Lang::En) => format!("{f}: “{value}” appears twice"),
            (UnknownDivision { value }, Lang::Zh) => format!("“{value}”不是江蘇省的行政區劃代碼"),
            (UnknownDivision { value }, Lang::En) => format!("“{value}” is not a Jiangsu division code"),
            (MalformedDivision { value }, Lang::Zh) => format!("行政區劃代碼應為2、4或6位數字,“{value}”不符合"),
            (MalformedDivision { value }, Lang::En) => format!("A division code has 2, 4 or 6 digits, not “{value}”"),
            (InvalidPhone { .. }, Lang::Zh) => "聯系電話應為11位手機號或帶區號的固定電話".into(),
            (InvalidPhone { .. }, Lang::En) => "Phone must be an 11-digit mobile or a landline with area code".into(),
            (InvalidCoordinates, Lang::Zh) => "經緯度不是有效數字".into(),
            (InvalidCoordinates, Lang::En) => "Coordinates are not valid numbers".into(),
            (CoordinatesOutsideJiangsu { .. }, Lang::Zh) => "經緯度不在江蘇省范圍內".into(),
            (CoordinatesOutsideJiangsu { .. }, Lang::En) => "Coordinates lie outside Jiangsu".into(),
            (CoordinatesIncomplete, Lang::Zh) => "經度和緯度需同時填寫".into(),
            (CoordinatesIncomplete, Lang::En) => "Give both latitude and longitude".into(),
            (InvalidDate { .. }, Lang::Zh) => format!("{f}不是有效日期(年-月-日)"),
            (InvalidDate { .. }, Lang::En) => format!("{f} is not a valid date (YYYY-MM-DD)"),
            (InvalidTime { .. }, Lang::Zh) => format!("{f}不是有效時間"),
            (InvalidTime { .. }, Lang::En) => format!("{f} is not a valid time"),
            (InFuture { .. }, Lang::Zh) => format!("{f}不能晚于當前時間"),
            (InFuture { .. }, Lang::En) => format!("{f} cannot be in the future"),
            (TooEarly { .. }, Lang::Zh) => format!("{f}不能早于2000年"),
            (TooEarly { .. }, Lang::En) => format!("{f} cannot be before 2000"),
            (OutOfRange { min, max, .. }, Lang::Zh) => format!("{f}應在{min}至{max}之間"),
            (OutOfRange { min, max, .. }, Lang::En) => format!("{f} must be between {min} and {max}"),
            (NotApplicable { .. }, Lang::Zh) => format!("{f}僅適用于督察組交辦件"),
            (NotApplicable { .. }, Lang::En) => format!("{f} applies to inspection transfers only"),
            (BatchAfterReceipt, Lang::Zh) => "交辦日期不能晚于收件時間".into(),
            (BatchAfterReceipt, Lang::En) => "The batch date cannot be after the receipt".into(),
            (FinesWithoutPenalty, Lang::Zh) => "有罰款金額時立案處罰數至少為1".into(),
            (FinesWithoutPenalty, Lang::En) => "Fines need at least one penalty case".into(),
            (TransitionNotAllowed { action, from }, Lang::Zh) => {
                format!("案件處于“{}”狀態,不能執行“{}”", from.label(Lang::Zh), action_label(action, Lang::Zh))
            }
            (TransitionNotAllowed { action, from }, Lang::En) => {
                format!("“{}” is not allowed while the case is {}", action_label(action, Lang::En), from.label(Lang::En))
            }
            (Paused, Lang::Zh) => "案件已掛起,請先恢復".into(),
            (Paused, Lang::En) => "The case is paused; resume it first".into(),
            (NotPaused, Lang::Zh) => "案件未掛起".into(),
            (NotPaused, Lang::En) => "The case is not paused".into(),
            (ExtensionTooLong, Lang::Zh) => "延期超過規則允許的最長期限".into(),
            (ExtensionTooLong, Lang::En) => "The extension exceeds the rule set's maximum".into(),
            (ExtensionNotAllowed, Lang::Zh) => "該規則不允許延期".into(),
            (ExtensionNotAllowed, Lang::En) => "This rule set allows no extension".into(),
            (NothingToExtend, Lang::Zh) => "當前沒有正在計時的環節".into(),
            (NothingToExtend, Lang::En) => "No running clock to extend".into(),
            (MergeIntoSelf, Lang::Zh) => "不能與自身合并".into(),
            (MergeIntoSelf, Lang::En) => "A case cannot be merged into itself".into(),
            (UnknownUnit { value, .. }, Lang::Zh) => format!("單位“{value}”不存在"),
            (UnknownUnit { value, .. }, Lang::En) => format!("Unit “{value}” does not exist"),
        }
    }
}

/// `categories[2]` → `categories`; `complainant.phone` → `complainant.phone`.
fn base(field: &str) -> &str {
    field.split('[').next().unwrap_or(field)
}

/// Display name of a field path.
pub fn field_label(field: &str, lang: Lang) -> &'static str {
    let zh = matches!(lang, Lang::Zh);
    match base(field) {
        "channel" => if zh { "來源渠道" } else { "Channel" },
        "request_kind" => if zh { "訴求類型" } else { "Request kind" },
        "batch.number" => if zh { "批次號" } else { "Batch number" },
        "batch.date" => if zh { "交辦日期" } else { "Batch date" },
        "sender_ref" => if zh { "交辦編號" } else { "Sender's number" },
        "complainant.name" => if zh { "舉報人" } else { "Complainant" },
        "complainant.phone" => if zh { "聯系電話" } else { "Phone" },
        "content" => if zh { "舉報內容" } else { "Content" },
        "address" => if zh { "地址" } else { "Address" },
        "division" => if zh { "行政區域" } else { "Division" },
        "coordinates" => if zh { "經緯度" } else { "Coordinates" },
        "categories" => if zh { "污染類型" } else { "Categories" },
        "key_classes" => if zh { "重點類別" } else { "Key classes" },
        "received_at" => if zh { "收件時間" } else { "Received at" },
        "reason" => if zh { "原因" } else { "Reason" },
        "comments" => if zh { "審核意見" } else { "Comments" },
        "lead_unit" => if zh { "牽頭單位" } else { "Lead unit" },
        "co_units" => if zh { "協辦單位" } else { "Cooperating units" },
        "outcome.measures" => if zh { "整改措施" } else { "Measures" },
        "outcome.public_summary" => if zh { "公開摘要" } else { "Public summary" },
        "outcome.fines_yuan" => if zh { "罰款金額" } else { "Fines" },
        "outcome.finding" => if zh { "核實情況" } else { "Finding" },
        "note" => if zh { "說明" } else { "Note" },
        "extension" => if zh { "延期" } else { "Extension" },
        _ => if zh { "該項" } else { "This field" },
    }
}

/// Display name of a life-cycle action code.
pub fn action_label(action: &str, lang: Lang) -> &'static str {
    crate::lifecycle::ActionKind::ALL
        .iter()
        .find(|a| a.code() == action)
        .map_or(if matches!(lang, Lang::Zh) { "操作" } else { "action" }, |a| a.label(lang))
}

/// Errors of one validation, all reported together.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Errors(pub Vec<CaseError>);

impl Errors {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = &CaseError> {
        self.0.iter()
    }
    pub(crate) fn push(&mut self, e: CaseError) {
        self.0.push(e);
    }
}

impl From<CaseError> for Errors {
    fn from(e: CaseError) -> Self {
        Errors(vec![e])
    }
}
