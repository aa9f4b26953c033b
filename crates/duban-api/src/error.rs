//! The one shape of every refusal: `{"errors":[{"field","code","message"}]}`.

use serde::{Deserialize, Serialize};

use duban_case::Lang;
use duban_case::error::Errors;

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
    pub fn from_case_errors(errors: &Errors, lang: Lang) -> ErrorBody {
        ErrorBody {
            errors: errors
                .iter()
                .map(|e| ApiError {
                    field: e.field(),
                    code: e.code(),
                    message: e.message(lang),
                })
                .collect(),
        }
    }
}
