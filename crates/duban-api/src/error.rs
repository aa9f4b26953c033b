//! The one shape of every refusal: `{"errors":[{"field","code","message"}]}`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use duban_case::Lang;
use duban_case::error::Errors;
use duban_core::CodedError;

/// One error: the field path it belongs to, a stable code, a message for people, and
/// the values the message names (`min`: `10`), so a client words the code itself from
/// the same catalogue (duban-text) in the language it shows.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub field: String,
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
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
                params: BTreeMap::new(),
            }],
        }
    }
    /// One refusal worded by the catalogue's text `key` (`err.<code>`) with `params`.
    pub fn text(
        field: &str,
        key: duban_text::Key,
        params: &[(&str, String)],
        lang: Lang,
    ) -> ErrorBody {
        ErrorBody {
            errors: vec![ApiError::from_text(field, key, params, lang)],
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

impl From<ApiError> for ErrorBody {
    fn from(e: ApiError) -> ErrorBody {
        ErrorBody { errors: vec![e] }
    }
}

impl ApiError {
    /// The message in `lang` as the catalogue words the code with the parameters; the
    /// message as sent where the catalogue does not know the code or its text names a
    /// value the error lacks.
    pub fn worded(&self, lang: Lang) -> String {
        let params: Vec<(&str, String)> = self
            .params
            .iter()
            .map(|(name, value)| (name.as_str(), value.clone()))
            .collect();
        duban_text::error_complete(&self.code, &params, lang)
            .unwrap_or_else(|| self.message.clone())
    }
    /// A refusal worded by the catalogue's text `key` (`err.<code>`) with `params`, at
    /// `field`: the code is the key's.
    pub fn from_text(
        field: &str,
        key: duban_text::Key,
        params: &[(&str, String)],
        lang: Lang,
    ) -> ApiError {
        ApiError {
            field: field.to_owned(),
            code: key.code().to_owned(),
            message: key.fill(lang, params),
            params: params
                .iter()
                .map(|(name, value)| ((*name).to_owned(), value.clone()))
                .collect(),
        }
    }
    /// A domain error on the wire, its message in `lang`.
    pub fn of(e: &(impl CodedError + ?Sized), lang: Lang) -> ApiError {
        ApiError {
            field: e.field().into_owned(),
            code: e.code().into_owned(),
            message: e.message(lang),
            params: e
                .params()
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value))
                .collect(),
        }
    }
    /// The error under another stable code: a text worded for one context (`srv.*`,
    /// with parameters the code's own text lacks) of a code clients already match on.
    pub fn with_code(self, code: &str) -> ApiError {
        ApiError {
            code: code.to_owned(),
            ..self
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
