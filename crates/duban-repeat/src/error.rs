//! Errors of the repeat crate: settings refused on validation and stored fingerprints that
//! cannot be read. Each has a stable `code()`, a field path (`field()`) and the values
//! its wording names; the words are the catalogue's (duban-text, `err.repeat.*`).

use std::borrow::Cow;

use duban_core::{CodedError, Lang};

/// Why settings or a stored fingerprint were refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RepeatError {
    #[error("window_days must be between {min} and {max}, got {value}")]
    WindowInvalid { value: u32, min: u32, max: u32 },
    #[error("radius_m must be between {min} and {max} metres, got {value}")]
    RadiusInvalid { value: f64, min: f64, max: f64 },
    #[error("{field} must be a number between 0 and 1, got {value}")]
    ShareInvalid { field: &'static str, value: f32 },
    #[error("weights.{weight} must be a number between 0 and 1, got {value}")]
    WeightInvalid { weight: &'static str, value: f32 },
    #[error("every weight is 0: nothing could ever match")]
    WeightsAllZero,
    #[error("the fingerprint is not valid")]
    FingerprintMalformed,
    /// Recompute the fingerprint from the content with [`crate::Fingerprint::of`].
    #[error("the fingerprint has version {version}, this build reads version {current}", current = crate::FINGERPRINT_VERSION)]
    FingerprintStale { version: u8 },
}

impl CodedError for RepeatError {
    /// The stable code (`repeat.window.invalid`).
    fn code(&self) -> Cow<'static, str> {
        Cow::Borrowed(RepeatError::code(self))
    }

    /// The field path the error belongs to (`window_days`, `weights.phone`).
    fn field(&self) -> Cow<'_, str> {
        let field: String = {
            match self {
                RepeatError::WindowInvalid { .. } => "window_days".into(),
                RepeatError::RadiusInvalid { .. } => "radius_m".into(),
                RepeatError::ShareInvalid { field, .. } => (*field).into(),
                RepeatError::WeightInvalid { weight, .. } => format!("weights.{weight}"),
                RepeatError::WeightsAllZero => "weights".into(),
                RepeatError::FingerprintMalformed | RepeatError::FingerprintStale { .. } => {
                    "fingerprint".into()
                }
            }
        };
        field.into()
    }

    /// The bounds a setting must lie within, and a weight by its code (the catalogue
    /// names it in the reader's language: `{weight:repeat.weight}`).
    fn params(&self) -> Vec<(&'static str, String)> {
        match self {
            RepeatError::WindowInvalid { min, max, .. } => {
                vec![("min", min.to_string()), ("max", max.to_string())]
            }
            RepeatError::RadiusInvalid { min, max, .. } => {
                vec![("min", min.to_string()), ("max", max.to_string())]
            }
            RepeatError::WeightInvalid { weight, .. } => vec![("weight", (*weight).to_owned())],
            _ => Vec::new(),
        }
    }
}

impl RepeatError {
    /// Kept for callers that do not import [`CodedError`]; remove once they do.
    pub fn field(&self) -> String {
        CodedError::field(self).into_owned()
    }
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            RepeatError::WindowInvalid { .. } => "repeat.window.invalid",
            RepeatError::RadiusInvalid { .. } => "repeat.radius.invalid",
            RepeatError::ShareInvalid { field, .. } => match *field {
                "min_score" => "repeat.min_score.invalid",
                _ => "repeat.min_similarity.invalid",
            },
            RepeatError::WeightInvalid { .. } => "repeat.weight.invalid",
            RepeatError::WeightsAllZero => "repeat.weights.all_zero",
            RepeatError::FingerprintMalformed => "repeat.fingerprint.malformed",
            RepeatError::FingerprintStale { .. } => "repeat.fingerprint.stale",
        }
    }
    pub fn message(&self, lang: Lang) -> String {
        CodedError::message(self, lang)
    }
}
