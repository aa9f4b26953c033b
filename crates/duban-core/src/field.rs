//! What can be wrong with one field's value, worded once for every domain crate.

use crate::Lang;

/// A problem with a field's value that any form may have. Crates keep their own error
/// variants (with the field's path) and take the code's suffix and the wording from here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Problem {
    Required,
    /// Fewer characters than `min` (trimmed, counted as characters, not bytes).
    TooShort {
        min: usize,
    },
    TooLong {
        max: usize,
    },
    Invalid,
}

impl Problem {
    /// The last part of the error code: `content.too_short`.
    pub const fn suffix(self) -> &'static str {
        match self {
            Problem::Required => "required",
            Problem::TooShort { .. } => "too_short",
            Problem::TooLong { .. } => "too_long",
            Problem::Invalid => "invalid",
        }
    }

    /// The code of this problem in the field `field` (`co_handlers[1]` counts as
    /// `co_handlers`): `co_handlers.invalid`.
    pub fn code(self, field: &str) -> String {
        let base = field.split('[').next().unwrap_or(field);
        format!("{base}.{}", self.suffix())
    }

    /// The problem in the reader's language.
    pub fn message(self, lang: Lang) -> String {
        match (self, lang) {
            (Problem::Required, Lang::Zh) => "必填".into(),
            (Problem::Required, Lang::En) => "Required".into(),
            (Problem::TooShort { min }, Lang::Zh) => format!("至少{min}个字"),
            (Problem::TooShort { min }, Lang::En) => format!("At least {min} characters"),
            (Problem::TooLong { max }, Lang::Zh) => format!("最多{max}个字"),
            (Problem::TooLong { max }, Lang::En) => format!("At most {max} characters"),
            (Problem::Invalid, Lang::Zh) => "无效".into(),
            (Problem::Invalid, Lang::En) => "Not valid".into(),
        }
    }
}

/// A text field, trimmed, between `min` and `max` characters long; `min` 0 makes it
/// optional (empty is fine), any other `min` required. The trimmed text, or its problem.
///
/// ```
/// use duban_core::field::{Problem, text};
/// assert_eq!(text("  河道死鱼 ", 2, 10), Ok("河道死鱼".to_owned()));
/// assert_eq!(text("   ", 2, 10), Err(Problem::Required));
/// assert_eq!(text("鱼", 2, 10), Err(Problem::TooShort { min: 2 }));
/// assert_eq!(text("河道发现大量死鱼", 2, 4), Err(Problem::TooLong { max: 4 }));
/// assert_eq!(text("  ", 0, 4), Ok(String::new()));
/// ```
pub fn text(s: &str, min: usize, max: usize) -> Result<String, Problem> {
    let t = s.trim();
    let n = t.chars().count();
    if n == 0 && min > 0 {
        Err(Problem::Required)
    } else if n < min {
        Err(Problem::TooShort { min })
    } else if n > max {
        Err(Problem::TooLong { max })
    } else {
        Ok(t.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_the_base_of_the_field() {
        assert_eq!(
            Problem::Invalid.code("co_handlers[1]"),
            "co_handlers.invalid"
        );
        assert_eq!(
            Problem::TooShort { min: 10 }.code("demands"),
            "demands.too_short"
        );
        assert_eq!(
            Problem::TooShort { min: 10 }.message(Lang::Zh),
            "至少10个字"
        );
        assert_eq!(
            Problem::TooLong { max: 5 }.message(Lang::En),
            "At most 5 characters"
        );
    }
}
