//! UI language: the [`Lang`] enum and a reactive language context persisted in
//! `localStorage`; the texts are the catalogue's (duban-text).
//!
//! Usage in a component:
//! ```ignore
//! let i18n = use_i18n();
//! view! { <h1>{move || i18n.t(key!("cases.title"))}</h1> }
//! ```
//! Wrap lookups in a closure (`move || i18n.t(..)`) so the text follows language
//! changes. Add new texts to the feature's table in duban-text: Chinese (zh-CN,
//! simplified) first, then English. A key missing from the catalogue does not compile.

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;

/// `localStorage` key holding the chosen language code (`"zh-CN"` or `"en"`).
pub const STORAGE_KEY: &str = "duban.lang";

/// Interface language: the domain crates' one [`duban_core::Lang`]; Chinese first.
pub use duban_core::Lang;

/// What only the browser needs of a language: its BCP 47 tag, parsing one, and the
/// switch between the two.
pub trait LangCode: Sized {
    /// BCP 47 tag, also used for `<html lang>`, `Accept-Language` and the stored value.
    fn code(self) -> &'static str;
    /// Parses a stored/BCP 47 code; anything Chinese maps to `Zh`.
    fn from_code(code: &str) -> Option<Self>;
    /// The other language (there are two).
    fn toggled(self) -> Self;
}

impl LangCode for Lang {
    fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        let lower = code.trim().to_ascii_lowercase();
        if lower == "en" || lower.starts_with("en-") {
            Some(Lang::En)
        } else if lower == "zh" || lower.starts_with("zh-") {
            Some(Lang::Zh)
        } else {
            None
        }
    }

    fn toggled(self) -> Self {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }
}

/// Of a name the domain keeps in both languages (a stage, a rule set, a limit), the one
/// for `lang`: such names are data of their crates, not texts of the catalogue.
pub fn pick<T>(lang: Lang, zh: T, en: T) -> T {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// The text catalogue's lookup of a key built at run time.
pub use duban_text::lookup;

/// Reactive language handle, provided as context by [`provide_i18n`]. `Copy`, so it
/// can be moved into any number of closures.
#[derive(Clone, Copy, Debug)]
pub struct I18n {
    lang: RwSignal<Lang>,
}

impl I18n {
    /// Current language (tracked: re-runs the enclosing closure on change).
    pub fn lang(&self) -> Lang {
        self.lang.get()
    }

    /// Current language, without tracking (for event handlers).
    pub fn lang_untracked(&self) -> Lang {
        self.lang.get_untracked()
    }

    /// Sets the language; persisted and applied to `<html lang>` by an effect.
    pub fn set_lang(&self, lang: Lang) {
        self.lang.set(lang);
    }

    /// Switches between Chinese and English.
    pub fn toggle(&self) {
        self.lang.update(|l| *l = l.toggled());
    }

    /// The text of `key` (made by `duban_text::key!`, so it exists) in the current
    /// language (tracked).
    pub fn t(&self, key: duban_text::Key) -> &'static str {
        key.get(self.lang.get())
    }

    /// The UI string for a key built at run time (tracked), if the table has it.
    pub fn try_t(&self, key: &str) -> Option<&'static str> {
        lookup(self.lang.get(), key)
    }

    /// An error from the server for people, worded by the catalogue from its code and
    /// parameters in the current language (tracked); the server's own message where the
    /// catalogue does not know the code.
    pub fn error(&self, e: &duban_api::ApiError) -> String {
        e.worded(self.lang.get())
    }

    /// The underlying signal, for components that need it directly.
    pub fn signal(&self) -> RwSignal<Lang> {
        self.lang
    }
}

/// Reads the stored language (default `Zh`), provides an [`I18n`] context and keeps
/// `localStorage` and `<html lang>` in step with it. Call once, at the root.
pub fn provide_i18n() -> I18n {
    let initial = LocalStorage::get::<String>(STORAGE_KEY)
        .ok()
        .and_then(|code| Lang::from_code(&code))
        .unwrap_or_default();
    let i18n = I18n {
        lang: RwSignal::new(initial),
    };
    provide_context(i18n);

    Effect::new(move |_| {
        let lang = i18n.lang.get();
        if let Err(e) = LocalStorage::set(STORAGE_KEY, lang.code()) {
            leptos::logging::warn!("i18n: cannot persist language: {e}");
        }
        if let Some(root) = document().document_element() {
            // `lang` lets the browser pick CJK fonts and line breaking correctly.
            let _ = root.set_attribute("lang", lang.code());
        }
        document().set_title(duban_text::key!("app.title").get(lang));
    });

    i18n
}

/// The [`I18n`] context. Panics if [`provide_i18n`] was not called above.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_codes_round_trip() {
        for lang in [Lang::Zh, Lang::En] {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
            assert_eq!(lang.toggled().toggled(), lang);
        }
        assert_eq!(Lang::from_code("zh-Hans-CN"), Some(Lang::Zh));
        assert_eq!(Lang::from_code("EN-gb"), Some(Lang::En));
        assert_eq!(Lang::from_code("fr"), None);
        assert_eq!(Lang::default(), Lang::Zh);
    }

    #[test]
    fn lookup_picks_language() {
        assert_eq!(lookup(Lang::Zh, "nav.cases"), Some("信访件"));
        assert_eq!(lookup(Lang::En, "nav.cases"), Some("Cases"));
        assert_eq!(lookup(Lang::En, "no.such.key"), None);
    }
}
