//! Errors of the board's filter, each with a stable code and a field path.

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

    fn message(&self, lang: Lang) -> String {
        use BoardError::*;
        match (self, lang) {
            (DateInvalid { field, value }, Lang::Zh) => {
                let name = if *field == "from" {
                    "起始日期"
                } else {
                    "截止日期"
                };
                format!("{name}应为“年-月-日”格式（如2023-07-01），而不是“{value}”")
            }
            (DateInvalid { field, value }, Lang::En) => {
                let name = if *field == "from" {
                    "The start date"
                } else {
                    "The end date"
                };
                format!("{name} must be a date like 2023-07-01, not “{value}”")
            }
            (RangeReversed, Lang::Zh) => "截止日期早于起始日期".into(),
            (RangeReversed, Lang::En) => "The end date is before the start date".into(),
            (BatchInvalid { value }, Lang::Zh) => format!("批次应为从1起的整数，而不是“{value}”"),
            (BatchInvalid { value }, Lang::En) => {
                format!("The batch must be a whole number from 1, not “{value}”")
            }
            (CategoryUnknown { value }, Lang::Zh) => format!("没有“{value}”这一污染类型"),
            (CategoryUnknown { value }, Lang::En) => format!("There is no category “{value}”"),
            (KeyClassUnknown { value }, Lang::Zh) => format!("没有“{value}”这一重点件类别"),
            (KeyClassUnknown { value }, Lang::En) => format!("There is no key class “{value}”"),
            (CityUnknown { value }, Lang::Zh) => format!("“{value}”不是江苏省的设区市"),
            (CityUnknown { value }, Lang::En) => format!("“{value}” is not a city of Jiangsu"),
            (ParameterUnknown { name }, Lang::Zh) => format!("不认识的筛选条件“{name}”"),
            (ParameterUnknown { name }, Lang::En) => format!("Unknown filter “{name}”"),
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
