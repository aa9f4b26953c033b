//! Errors of the case crate. Every variant has a stable snake_case `code()`, a field
//! path (`field()`) and a message in Chinese and English (`message(lang)`).

use std::borrow::Cow;

use duban_core::CodedError;

use crate::Lang;
use crate::model::Status;

/// A validation or life-cycle error.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CaseError {
    #[error("{field} is required")]
    Required { field: String },
    #[error("{field} is too short: at least {min} characters, got {actual}")]
    TooShort {
        field: String,
        min: usize,
        actual: usize,
    },
    #[error("{field} is too long: at most {max} characters, got {actual}")]
    TooLong {
        field: String,
        max: usize,
        actual: usize,
    },
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
    /// The number itself is not kept: it is personal data.
    #[error("identity card number is not valid")]
    InvalidIdNumber,
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
    #[error("{title} is still open")]
    OpenWork {
        index: usize,
        kind: crate::closing::OpenWorkKind,
        title: String,
    },
}

impl CodedError for CaseError {
    /// The field path the error belongs to (`content`, `complainant.phone`,
    /// `categories[1]`); life-cycle errors belong to `action`.
    fn field(&self) -> Cow<'_, str> {
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
            | UnknownUnit { field, .. } => field.as_str().into(),
            UnknownDivision { .. } | MalformedDivision { .. } => "division".into(),
            InvalidPhone { .. } => "complainant.phone".into(),
            InvalidIdNumber => "complainant.id_number".into(),
            InvalidCoordinates | CoordinatesOutsideJiangsu { .. } | CoordinatesIncomplete => {
                "coordinates".into()
            }
            BatchAfterReceipt => "batch.date".into(),
            FinesWithoutPenalty => "outcome.fines_yuan".into(),
            ExtensionTooLong | ExtensionNotAllowed | NothingToExtend => "extension".into(),
            MergeIntoSelf => "primary".into(),
            TransitionNotAllowed { .. } | Paused | NotPaused => "action".into(),
            OpenWork { index, .. } => format!("open_work[{index}]").into(),
        }
    }

    /// The stable code: the field's base name and the problem (`content.too_short`).
    fn code(&self) -> Cow<'static, str> {
        use CaseError::*;
        let problem = match self {
            Required { .. } => "required",
            TooShort { .. } => "too_short",
            TooLong { .. } => "too_long",
            UnknownValue { .. } | UnknownDivision { .. } | UnknownUnit { .. } => "unknown",
            Duplicate { .. } => "duplicate",
            MalformedDivision { .. } => "malformed",
            InvalidPhone { .. }
            | InvalidIdNumber
            | InvalidCoordinates
            | InvalidDate { .. }
            | InvalidTime { .. } => "invalid",
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
            OpenWork { .. } => return "case.open_work".into(),
        };
        format!("{}.{problem}", base(&CodedError::field(self))).into()
    }

    /// The message shown to a person.
    fn message(&self, lang: Lang) -> String {
        use CaseError::*;
        let f = field_label(&CodedError::field(self), lang);
        match (self, lang) {
            (Required { .. }, Lang::Zh) => format!("{f}不能为空"),
            (Required { .. }, Lang::En) => format!("{f}: required"),
            (TooShort { min, actual, .. }, Lang::Zh) => {
                format!("{f}至少{min}个字，当前{actual}个字")
            }
            (TooShort { min, actual, .. }, Lang::En) => {
                format!("{f} needs at least {min} characters (now {actual})")
            }
            (TooLong { max, actual, .. }, Lang::Zh) => {
                format!("{f}最多{max}个字，当前{actual}个字")
            }
            (TooLong { max, actual, .. }, Lang::En) => {
                format!("{f} allows at most {max} characters (now {actual})")
            }
            (UnknownValue { value, .. }, Lang::Zh) => format!("{f}不支持“{value}”"),
            (UnknownValue { value, .. }, Lang::En) => format!("{f}: unknown value “{value}”"),
            (Duplicate { value, .. }, Lang::Zh) => format!("{f}重复：“{value}”"),
            (Duplicate { value, .. }, Lang::En) => format!("{f}: “{value}” appears twice"),
            (UnknownDivision { value }, Lang::Zh) => format!("“{value}”不是江苏省的行政区划代码"),
            (UnknownDivision { value }, Lang::En) => {
                format!("“{value}” is not a Jiangsu division code")
            }
            (MalformedDivision { value }, Lang::Zh) => {
                format!("行政区划代码应为2、4或6位数字，“{value}”不符合")
            }
            (MalformedDivision { value }, Lang::En) => {
                format!("A division code has 2, 4 or 6 digits, not “{value}”")
            }
            (InvalidPhone { .. }, Lang::Zh) => "联系电话应为11位手机号或带区号的固定电话".into(),
            (InvalidPhone { .. }, Lang::En) => {
                "Phone must be an 11-digit mobile or a landline with area code".into()
            }
            (InvalidIdNumber, Lang::Zh) => "身份证号应为18位，且校验位正确".into(),
            (InvalidIdNumber, Lang::En) => {
                "An identity card number has 18 characters and a valid check digit".into()
            }
            (InvalidCoordinates, Lang::Zh) => "经纬度不是有效数字".into(),
            (InvalidCoordinates, Lang::En) => "Coordinates are not valid numbers".into(),
            (CoordinatesOutsideJiangsu { .. }, Lang::Zh) => "经纬度不在江苏省范围内".into(),
            (CoordinatesOutsideJiangsu { .. }, Lang::En) => {
                "Coordinates lie outside Jiangsu".into()
            }
            (CoordinatesIncomplete, Lang::Zh) => "经度和纬度需同时填写".into(),
            (CoordinatesIncomplete, Lang::En) => "Give both latitude and longitude".into(),
            (InvalidDate { .. }, Lang::Zh) => format!("{f}不是有效日期（年-月-日）"),
            (InvalidDate { .. }, Lang::En) => format!("{f} is not a valid date (YYYY-MM-DD)"),
            (InvalidTime { .. }, Lang::Zh) => format!("{f}不是有效时间"),
            (InvalidTime { .. }, Lang::En) => format!("{f} is not a valid time"),
            (InFuture { .. }, Lang::Zh) => format!("{f}不能晚于当前时间"),
            (InFuture { .. }, Lang::En) => format!("{f} cannot be in the future"),
            (TooEarly { .. }, Lang::Zh) => format!("{f}不能早于2000年"),
            (TooEarly { .. }, Lang::En) => format!("{f} cannot be before 2000"),
            (OutOfRange { min, max, .. }, Lang::Zh) => format!("{f}应在{min}至{max}之间"),
            (OutOfRange { min, max, .. }, Lang::En) => {
                format!("{f} must be between {min} and {max}")
            }
            (NotApplicable { .. }, Lang::Zh) => format!("{f}仅适用于督察组交办件"),
            (NotApplicable { .. }, Lang::En) => format!("{f} applies to inspection transfers only"),
            (BatchAfterReceipt, Lang::Zh) => "交办日期不能晚于收件时间".into(),
            (BatchAfterReceipt, Lang::En) => "The batch date cannot be after the receipt".into(),
            (FinesWithoutPenalty, Lang::Zh) => "有罚款金额时立案处罚数至少为1".into(),
            (FinesWithoutPenalty, Lang::En) => "Fines need at least one penalty case".into(),
            (TransitionNotAllowed { action, from }, Lang::Zh) => {
                format!(
                    "案件处于“{}”状态，不能执行“{}”",
                    from.label(Lang::Zh),
                    action_label(action, Lang::Zh)
                )
            }
            (TransitionNotAllowed { action, from }, Lang::En) => {
                format!(
                    "“{}” is not allowed while the case is {}",
                    action_label(action, Lang::En),
                    from.label(Lang::En)
                )
            }
            (Paused, Lang::Zh) => "案件已挂起，请先恢复".into(),
            (Paused, Lang::En) => "The case is paused; resume it first".into(),
            (NotPaused, Lang::Zh) => "案件未挂起".into(),
            (NotPaused, Lang::En) => "The case is not paused".into(),
            (ExtensionTooLong, Lang::Zh) => "延期超过规则允许的最长期限".into(),
            (ExtensionTooLong, Lang::En) => "The extension exceeds the rule set's maximum".into(),
            (ExtensionNotAllowed, Lang::Zh) => "该规则不允许延期".into(),
            (ExtensionNotAllowed, Lang::En) => "This rule set allows no extension".into(),
            (NothingToExtend, Lang::Zh) => "当前没有正在计时的环节".into(),
            (NothingToExtend, Lang::En) => "No running clock to extend".into(),
            (MergeIntoSelf, Lang::Zh) => "不能与自身合并".into(),
            (MergeIntoSelf, Lang::En) => "A case cannot be merged into itself".into(),
            (UnknownUnit { value, .. }, Lang::Zh) => format!("单位“{value}”不存在"),
            (UnknownUnit { value, .. }, Lang::En) => format!("Unit “{value}” does not exist"),
            (OpenWork { kind, title, .. }, Lang::Zh) => {
                format!(
                    "{}“{title}”尚未办结：请先将其办结，再办结或归档本案",
                    kind.label(lang)
                )
            }
            (OpenWork { kind, title, .. }, Lang::En) => format!(
                "{} “{title}” is still open: close it before closing or archiving the case",
                kind.label(lang)
            ),
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
        "channel" => {
            if zh {
                "来源渠道"
            } else {
                "Channel"
            }
        }
        "request_kind" => {
            if zh {
                "诉求类型"
            } else {
                "Request kind"
            }
        }
        "batch.number" => {
            if zh {
                "批次号"
            } else {
                "Batch number"
            }
        }
        "batch.date" => {
            if zh {
                "交办日期"
            } else {
                "Batch date"
            }
        }
        "sender_ref" => {
            if zh {
                "交办编号"
            } else {
                "Transfer number"
            }
        }
        "complainant.name" => {
            if zh {
                "举报人"
            } else {
                "Complainant"
            }
        }
        "complainant.phone" => {
            if zh {
                "联系电话"
            } else {
                "Phone"
            }
        }
        "complainant.id_number" => {
            if zh {
                "身份证号"
            } else {
                "ID number"
            }
        }
        "content" => {
            if zh {
                "举报内容"
            } else {
                "Content"
            }
        }
        "address" => {
            if zh {
                "地址"
            } else {
                "Address"
            }
        }
        "division" => {
            if zh {
                "行政区域"
            } else {
                "Division"
            }
        }
        "coordinates" => {
            if zh {
                "经纬度"
            } else {
                "Coordinates"
            }
        }
        "categories" => {
            if zh {
                "污染类型"
            } else {
                "Categories"
            }
        }
        "key_classes" => {
            if zh {
                "重点类别"
            } else {
                "Key classes"
            }
        }
        "received_at" => {
            if zh {
                "收件时间"
            } else {
                "Received at"
            }
        }
        "reason" => {
            if zh {
                "原因"
            } else {
                "Reason"
            }
        }
        "comments" => {
            if zh {
                "审核意见"
            } else {
                "Comments"
            }
        }
        "lead_unit" => {
            if zh {
                "牵头单位"
            } else {
                "Lead unit"
            }
        }
        "co_units" => {
            if zh {
                "协办单位"
            } else {
                "Cooperating units"
            }
        }
        "outcome.measures" => {
            if zh {
                "整改措施"
            } else {
                "Measures"
            }
        }
        "outcome.public_summary" => {
            if zh {
                "公开摘要"
            } else {
                "Public summary"
            }
        }
        "outcome.fines_yuan" => {
            if zh {
                "罚款金额"
            } else {
                "Fines"
            }
        }
        "outcome.finding" => {
            if zh {
                "核实情况"
            } else {
                "Finding"
            }
        }
        "note" => {
            if zh {
                "说明"
            } else {
                "Note"
            }
        }
        "extension" => {
            if zh {
                "延期"
            } else {
                "Extension"
            }
        }
        _ => {
            if zh {
                "该项"
            } else {
                "This field"
            }
        }
    }
}

/// Display name of a life-cycle action code.
pub fn action_label(action: &str, lang: Lang) -> &'static str {
    crate::lifecycle::ActionKind::ALL
        .iter()
        .find(|a| a.code() == action)
        .map_or(
            if matches!(lang, Lang::Zh) {
                "操作"
            } else {
                "action"
            },
            |a| a.label(lang),
        )
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

impl<'a> IntoIterator for &'a Errors {
    type Item = &'a CaseError;
    type IntoIter = std::slice::Iter<'a, CaseError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl From<CaseError> for Errors {
    fn from(e: CaseError) -> Self {
        Errors(vec![e])
    }
}
