//! Errors of the board's filter, each with a stable code, a field path and the values
//! its wording (the catalogue's `err.board.*`) names.

use std::borrow::Cow;

use duban_core::{CodedError, Lang};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BoardError {
    #[error("{field} is not a date (YYYY-MM-DD): {value}")]
    DateInvalid { field: &'static str, value: String },
    #[error("the range ends before it starts")]
    RangeReversed,
    #[error("batch must be a whole number from 1: {value}")]
    BatchInvalid { value: String },
    #[error("unknown category: {value}")]
    CategoryUnknown { value: String },
    #[error("unknown key class: {value}")]
    KeyClassUnknown { value: String },
    #[error("not a city of Jiangsu: {value}")]
    CityUnknown { value: String },
    #[error("unknown filter: {name}")]
    ParameterUnknown { name: String },
}

impl CodedError for BoardError {
    /// The stable code (`board.from.invalid`).
    fn code(&self) -> Cow<'static, str> {
        Cow::Borrowed(BoardError::code(self))
    }

    /// The query parameter the error belongs to.
    fn field(&self) -> Cow<'_, str> {
        let field: String = {
            match self {
                BoardError::DateInvalid { field, .. } => (*field).into(),
                BoardError::RangeReversed => "to".into(),
                BoardError::BatchInvalid { .. } => "batch".into(),
                BoardError::CategoryUnknown { .. } => "category".into(),
                BoardError::KeyClassUnknown { .. } => "key".into(),
                BoardError::CityUnknown { .. } => "city".into(),
                BoardError::ParameterUnknown { name } => name.clone(),
            }
        };
        field.into()
    }

    /// The value refused, or the unknown filter's name.
    fn params(&self) -> Vec<(&'static str, String)> {
        match self {
            BoardError::DateInvalid { value, .. }
            | BoardError::BatchInvalid { value }
            | BoardError::CategoryUnknown { value }
            | BoardError::KeyClassUnknown { value }
            | BoardError::CityUnknown { value } => vec![("value", value.clone())],
            BoardError::ParameterUnknown { name } => vec![("name", name.clone())],
            BoardError::RangeReversed => Vec::new(),
        }
    }
}

impl BoardError {
    /// Kept for callers that do not import [`CodedError`]; remove once they do.
    pub fn field(&self) -> String {
        CodedError::field(self).into_owned()
    }
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            BoardError::DateInvalid { field, .. } => {
                if *field == "from" {
                    "board.from.invalid"
                } else {
                    "board.to.invalid"
                }
            }
            BoardError::RangeReversed => "board.range.reversed",
            BoardError::BatchInvalid { .. } => "board.batch.invalid",
            BoardError::CategoryUnknown { .. } => "board.category.unknown",
            BoardError::KeyClassUnknown { .. } => "board.key.unknown",
            BoardError::CityUnknown { .. } => "board.city.unknown",
            BoardError::ParameterUnknown { .. } => "board.parameter.unknown",
        }
    }
    pub fn message(&self, lang: Lang) -> String {
        CodedError::message(self, lang)
    }
}
