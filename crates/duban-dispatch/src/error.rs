//! Errors of routing-rule validation, each with a field path and a stable code.

use std::borrow::Cow;

use duban_core::{CodedError, Lang};

/// Why a routing rule set was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RuleError {
    #[error("rules[{index}].{field} is required")]
    Required { index: usize, field: &'static str },
    #[error("rules[{index}].id {id:?} is used twice")]
    DuplicateId { index: usize, id: String },
    #[error("rules[{index}].id must be 1-40 letters, digits, '-' or '_'")]
    InvalidId { index: usize },
    #[error("rules[{index}]: a {kind} rule cannot target {target}")]
    TargetMismatch {
        index: usize,
        kind: &'static str,
        target: &'static str,
    },
    #[error("rules[{index}].then.unit {unit:?} does not exist")]
    UnknownUnit { index: usize, unit: String },
    #[error("rules[{index}].when.keywords has an empty keyword")]
    EmptyKeyword { index: usize },
    #[error("at most {max} rules")]
    TooMany { max: usize },
}

impl CodedError for RuleError {
    fn field(&self) -> Cow<'_, str> {
        let field: String = {
            match self {
                RuleError::Required { index, field } => format!("rules[{index}].{field}"),
                RuleError::DuplicateId { index, .. } | RuleError::InvalidId { index } => {
                    format!("rules[{index}].id")
                }
                RuleError::TargetMismatch { index, .. } => format!("rules[{index}].then"),
                RuleError::UnknownUnit { index, .. } => format!("rules[{index}].then.unit"),
                RuleError::EmptyKeyword { index } => format!("rules[{index}].when.keywords"),
                RuleError::TooMany { .. } => "rules".into(),
            }
        };
        field.into()
    }
    fn code(&self) -> Cow<'static, str> {
        Cow::Borrowed(RuleError::code(self))
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        match self {
            RuleError::DuplicateId { id, .. } => vec![("id", id.clone())],
            RuleError::UnknownUnit { unit, .. } => vec![("unit", unit.clone())],
            RuleError::TooMany { max } => vec![("max", max.to_string())],
            _ => Vec::new(),
        }
    }
}

impl RuleError {
    /// Kept for callers that do not import [`CodedError`]; remove once they do.
    pub fn field(&self) -> String {
        CodedError::field(self).into_owned()
    }
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            RuleError::Required { .. } => "rule.required",
            RuleError::DuplicateId { .. } => "rule.id_duplicate",
            RuleError::InvalidId { .. } => "rule.id_invalid",
            RuleError::TargetMismatch { .. } => "rule.target_mismatch",
            RuleError::UnknownUnit { .. } => "rule.unit_unknown",
            RuleError::EmptyKeyword { .. } => "rule.keyword_empty",
            RuleError::TooMany { .. } => "rules.too_many",
        }
    }
    pub fn message(&self, lang: Lang) -> String {
        CodedError::message(self, lang)
    }
}
