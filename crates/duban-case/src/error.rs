//! Errors of the case crate. Every variant has a stable snake_case `code()`, a field
//! path (`field()`) and the values its wording names (`params()`); the text catalogue
//! (duban-text, `err.<code>`) words it, so the server and the browser say the same.

use std::borrow::Cow;

use duban_core::CodedError;
use duban_text::key;

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

    /// The values the wording names. Codes stay codes (`from`: `received`): the
    /// catalogue's text words them in the reader's language. No personal data: a phone
    /// or identity number is not repeated back.
    fn params(&self) -> Vec<(&'static str, String)> {
        use CaseError::*;
        match self {
            TooShort { min, actual, .. } => {
                vec![("min", min.to_string()), ("actual", actual.to_string())]
            }
            TooLong { max, actual, .. } => {
                vec![("max", max.to_string()), ("actual", actual.to_string())]
            }
            UnknownValue { value, .. }
            | Duplicate { value, .. }
            | UnknownDivision { value }
            | MalformedDivision { value }
            | UnknownUnit { value, .. } => vec![("value", value.clone())],
            OutOfRange { min, max, .. } => {
                vec![("min", min.to_string()), ("max", max.to_string())]
            }
            TransitionNotAllowed { action, from } => {
                vec![("action", action.clone()), ("from", from.code().to_owned())]
            }
            OpenWork { kind, title, .. } => {
                vec![("kind", kind.code().to_owned()), ("title", title.clone())]
            }
            _ => Vec::new(),
        }
    }
}

/// `categories[2]` → `categories`; `complainant.phone` → `complainant.phone`.
fn base(field: &str) -> &str {
    field.split('[').next().unwrap_or(field)
}

/// Display name of a field path (`categories[1]` → 污染类型); the form's own label
/// where it reads the same.
pub fn field_label(field: &str, lang: Lang) -> &'static str {
    let key = match base(field) {
        "channel" => key!("field.channel"),
        "request_kind" => key!("field.request_kind"),
        "batch.number" => key!("field.batch_number"),
        "batch.date" => key!("field.batch_date"),
        "sender_ref" => key!("field.sender_ref"),
        "complainant.name" => key!("field.complainant_name"),
        "complainant.phone" => key!("field.complainant_phone"),
        "complainant.id_number" => key!("field.complainant_id_number"),
        "content" => key!("field.content"),
        "address" => key!("field.address"),
        "division" => key!("field.division"),
        "coordinates" => key!("case.field.coordinates"),
        "categories" => key!("field.categories"),
        "key_classes" => key!("field.key_classes"),
        "received_at" => key!("field.received_at"),
        "reason" => key!("action.reason"),
        "comments" => key!("case.field.comments"),
        "lead_unit" => key!("action.lead_unit"),
        "co_units" => key!("case.field.co_units"),
        "outcome.measures" => key!("outcome.measures"),
        "outcome.public_summary" => key!("outcome.public_summary"),
        "outcome.fines_yuan" => key!("case.field.fines_yuan"),
        "outcome.finding" => key!("outcome.finding"),
        "note" => key!("case.field.note"),
        "extension" => key!("case.field.extension"),
        "extension.amount" => key!("case.field.extension_amount"),
        "extension.unit" => key!("case.field.extension_unit"),
        "closure" => key!("case.field.closure"),
        "satisfaction" => key!("case.field.satisfaction"),
        "routed_by" => key!("case.field.routed_by"),
        "why" => key!("case.field.why"),
        _ => key!("case.field.other"),
    };
    key.get(lang)
}

/// Display name of a life-cycle action code.
pub fn action_label(action: &str, lang: Lang) -> &'static str {
    crate::lifecycle::ActionKind::ALL
        .iter()
        .find(|a| a.code() == action)
        .map_or(key!("case.action.other").get(lang), |a| a.label(lang))
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
