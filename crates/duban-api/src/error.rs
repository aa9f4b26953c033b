//! The one shape of every refusal: `{"errors":[{"field","code","message"}]}`.

use serde::{Deserialize, Serialize};

use duban_case::Lang;
use duban_case::error::Errors;
use duban_core::CodedError;

/// One error: the field path it belongs to, a stable code, a message for people.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// The body of every 4xx response: `{"errors":[{"field","code","message"}]}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ErrorBody {
    pub errors: Vec<ApiError>,
}

impl ErrorBody {
    pub fn single(field: &str, code: &str, message: impl Into<String>) -> ErrorBody {
        ErrorBody {
            errors: vec![ApiError {
                field: field.into(),
                code: code.into(),
                message: message.into(),
            }],
        }
    }
    /// Domain errors as the wire carries them: the one mapping of a [`CodedError`]'s
    /// field, code and message (in `lang`).
    pub fn from_errors<'e, E: CodedError + 'e>(
        errors: impl IntoIterator<Item = &'e E>,
        lang: Lang,
    ) -> ErrorBody {
        ErrorBody {
            errors: errors.into_iter().map(|e| ApiError::of(e, lang)).collect(),
        }
    }
    pub fn from_case_errors(errors: &Errors, lang: Lang) -> ErrorBody {
        ErrorBody::from_errors(errors.iter(), lang)
    }
}

impl ApiError {
    /// A domain error on the wire, its message in `lang`.
    pub fn of(e: &(impl CodedError + ?Sized), lang: Lang) -> ApiError {
        ApiError {
            field: e.field().into_owned(),
            code: e.code().into_owned(),
            message: e.message(lang),
        }
    }
    /// The error with its field path under `prefix` (`settings` + `window_days`).
    pub fn under(self, prefix: &str) -> ApiError {
        ApiError {
            field: format!("{prefix}.{}", self.field),
            ..self
        }
    }
}
