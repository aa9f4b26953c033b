//! Errors of the repeat crate: settings refused on validation and stored fingerprints that
//! cannot be read. Each has a stable `code()`, a field path (`field()`) and a message in
//! Chinese and English (`message(lang)`).

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

    /// The message shown to a person.
    fn message(&self, lang: Lang) -> String {
        use RepeatError::*;
        match (self, lang) {
            (WindowInvalid { min, max, .. }, Lang::Zh) => {
                format!("时间窗口应为{min}至{max}天")
            }
            (WindowInvalid { min, max, .. }, Lang::En) => {
                format!("The time window must be {min} to {max} days")
            }
            (RadiusInvalid { min, max, .. }, Lang::Zh) => {
                format!("距离半径应为{min}至{max}米")
            }
            (RadiusInvalid { min, max, .. }, Lang::En) => {
                format!("The radius must be {min} to {max} metres")
            }
            (ShareInvalid { field, .. }, Lang::Zh) => {
                let name = if *field == "min_score" {
                    "最低得分"
                } else {
                    "最低内容相似度"
                };
                format!("{name}应为0到1之间的数")
            }
            (ShareInvalid { field, .. }, Lang::En) => {
                let name = if *field == "min_score" {
                    "The minimum score"
                } else {
                    "The minimum content similarity"
                };
                format!("{name} must be a number from 0 to 1")
            }
            (WeightInvalid { weight, .. }, Lang::Zh) => {
                format!("权重“{}”应为0到1之间的数", weight_label(weight, lang))
            }
            (WeightInvalid { weight, .. }, Lang::En) => {
                format!(
                    "The weight of “{}” must be a number from 0 to 1",
                    weight_label(weight, lang)
                )
            }
            (WeightsAllZero, Lang::Zh) => "权重不能全部为0，否则不会发现任何重复件".into(),
            (WeightsAllZero, Lang::En) => {
                "The weights cannot all be 0: nothing would ever match".into()
            }
            (FingerprintMalformed, Lang::Zh) => "内容指纹格式无效".into(),
            (FingerprintMalformed, Lang::En) => "The content fingerprint is not valid".into(),
            (FingerprintStale { .. }, Lang::Zh) => "内容指纹版本过旧，需要重新计算".into(),
            (FingerprintStale { .. }, Lang::En) => {
                "The content fingerprint is of an old version and must be recomputed".into()
            }
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

fn weight_label(weight: &str, lang: Lang) -> &'static str {
    match (weight, lang) {
        ("content", Lang::Zh) => "内容相似",
        ("content", Lang::En) => "similar content",
        ("phone", Lang::Zh) => "同一举报电话",
        ("phone", Lang::En) => "same phone",
        ("nearby", Lang::Zh) => "位置相近",
        ("nearby", Lang::En) => "nearby",
        ("division", Lang::Zh) => "同一区县",
        ("division", Lang::En) => "same district",
        ("city", Lang::Zh) => "同一设区市",
        ("city", Lang::En) => "same city",
        (_, Lang::Zh) => "未知",
        (_, Lang::En) => "unknown",
    }
}
