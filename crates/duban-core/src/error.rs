//! Errors as people and programs see them.

use std::borrow::Cow;

use crate::Lang;

/// A domain error: the field path it belongs to (`content`, `co_handlers[1]`), a stable
/// code (`content.too_short`) that clients and tests match on, and a message in the
/// reader's language. The code is often built from the field's base name, hence a
/// `Cow`.
pub trait CodedError {
    fn field(&self) -> Cow<'_, str>;
    fn code(&self) -> Cow<'static, str>;
    fn message(&self, lang: Lang) -> String;
}
