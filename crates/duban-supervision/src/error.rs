//! Errors of supervision steps: a field path, a stable code, zh/en messages.

use std::borrow::Cow;

use duban_core::CodedError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SupervisionError {
    #[error("{field} is required")]
    Required { field: String },
    #[error("{field} is too short (at least {min} characters)")]
    TooShort { field: String, min: usize },
    #[error("{field} is too long (at most {max} characters)")]
    TooLong { field: String, max: usize },
    #[error("{field}: {value:?} is not valid")]
    Invalid { field: String, value: String },
    #[error("{field} is above the longest time limit ({max})")]
    AmountAboveMax {
        field: String,
        max: u32,
        /// The maximum counts days (else hours).
        days: bool,
    },
    #[error("no supervisor is assigned yet")]
    NoSupervisor,
    #[error("supervision order {number} does not exist")]
    UnknownOrder { number: String },
    #[error("supervision order {number} is {status}, not {needed}")]
    OrderState {
        number: String,
        status: &'static str,
        needed: &'static str,
    },
    #[error("report {id} does not exist")]
    UnknownReport { id: u32 },
    #[error("report {id} was already reviewed")]
    AlreadyReviewed { id: u32 },
    #[error("a report is waiting for review")]
    ReportPending,
    #[error("attachment {id:?} is unknown or belongs to another case")]
    UnknownAttachment { field: String, id: String },
    #[error("the server gave no order number")]
    NoOrderNumber,
}

impl CodedError for SupervisionError {
    fn field(&self) -> Cow<'_, str> {
        use SupervisionError::*;
        match self {
            Required { field }
            | TooShort { field, .. }
            | TooLong { field, .. }
            | Invalid { field, .. }
            | AmountAboveMax { field, .. }
            | UnknownAttachment { field, .. } => field.as_str().into(),
            NoSupervisor => "supervisor".into(),
            UnknownOrder { .. } | OrderState { .. } | NoOrderNumber => "number".into(),
            UnknownReport { .. } | AlreadyReviewed { .. } | ReportPending => "report".into(),
        }
    }
    fn code(&self) -> Cow<'static, str> {
        use SupervisionError::*;
        let base = |f: &str| {
            f.rsplit('.')
                .next()
                .unwrap_or(f)
                .split('[')
                .next()
                .unwrap_or(f)
                .to_owned()
        };
        match self {
            Required { field } => format!("{}.required", base(field)).into(),
            TooShort { field, .. } => format!("{}.too_short", base(field)).into(),
            TooLong { field, .. } => format!("{}.too_long", base(field)).into(),
            Invalid { field, .. } => format!("{}.invalid", base(field)).into(),
            AmountAboveMax { field, .. } => format!("{}.above_max", base(field)).into(),
            UnknownAttachment { .. } => "attachment.unknown".into(),
            NoSupervisor => "supervisor.required".into(),
            UnknownOrder { .. } => "order.not_found".into(),
            OrderState { .. } => "order.wrong_state".into(),
            UnknownReport { .. } => "report.not_found".into(),
            AlreadyReviewed { .. } => "report.already_reviewed".into(),
            ReportPending => "report.pending".into(),
            NoOrderNumber => "order.number_missing".into(),
        }
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        use SupervisionError::*;
        match self {
            TooShort { min, .. } => vec![("min", min.to_string())],
            TooLong { max, .. } => vec![("max", max.to_string())],
            AmountAboveMax { .. } => vec![
                ("max_days", crate::MAX_ORDER_DAYS.to_string()),
                ("max_hours", crate::MAX_ORDER_HOURS.to_string()),
            ],
            Invalid { value, .. } => vec![("value", value.clone())],
            UnknownOrder { number } | OrderState { number, .. } => {
                vec![("number", number.clone())]
            }
            _ => Vec::new(),
        }
    }
}

/// Every problem of one command.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Errors(pub Vec<SupervisionError>);

impl Errors {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = &SupervisionError> {
        self.0.iter()
    }
}

impl From<SupervisionError> for Errors {
    fn from(e: SupervisionError) -> Self {
        Errors(vec![e])
    }
}
