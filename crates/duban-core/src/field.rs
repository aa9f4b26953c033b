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

    /// The values its wording names (`min`, `max`).
    pub fn params(self) -> Vec<(&'static str, String)> {
        match self {
            Problem::TooShort { min } => vec![("min", min.to_string())],
            Problem::TooLong { max } => vec![("max", max.to_string())],
            Problem::Required | Problem::Invalid => Vec::new(),
        }
    }

    /// The problem in the reader's language, as the catalogue words it.
    pub fn message(self, lang: Lang) -> String {
        let key = match self {
            Problem::Required => duban_text::key!("problem.required"),
            Problem::TooShort { .. } => duban_text::key!("problem.too_short"),
            Problem::TooLong { .. } => duban_text::key!("problem.too_long"),
            Problem::Invalid => duban_text::key!("problem.invalid"),
        };
        key.fill(lang, &self.params())
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
