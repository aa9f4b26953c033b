//! Errors as people and programs see them.

use std::borrow::Cow;

use crate::Lang;

/// A domain error: the field path it belongs to (`content`, `co_handlers[1]`), a stable
/// code (`content.too_short`) that clients and tests match on, the values its wording
/// names (`min`: `10`), and a message in the reader's language. The code is often built
/// from the field's base name, hence a `Cow`.
///
/// The message comes from the text catalogue (duban-text) by code and parameters, so
/// the server and the browser word an error the same way from the same data.
pub trait CodedError {
    fn field(&self) -> Cow<'_, str>;
    fn code(&self) -> Cow<'static, str>;
    /// The values the wording names, by parameter name (`min`, `max`, `number`, …).
    fn params(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
    /// The catalogue's wording of the code with the parameters (the code itself if the
    /// catalogue has none, which a crate's tests rule out).
    fn message(&self, lang: Lang) -> String {
        let code = self.code();
        duban_text::error(&code, &self.params(), lang).unwrap_or_else(|| code.into_owned())
    }
}
