//! Every text Duban shows a person, in Chinese and English, in one catalogue: the pages'
//! labels, the server's own refusals and the domain crates' errors. A text is named by a
//! dotted key (`nav.cases`, `err.plan.none`) and taken with [`key!`], which checks the
//! key when the program compiles: a missing text is a build error, not a blank.
//!
//! ```
//! use duban_text::{Lang, key};
//! assert_eq!(key!("nav.cases").get(Lang::Zh), "信访件");
//! assert_eq!(key!("nav.cases").get(Lang::En), "Cases");
//! // An error is worded from its code and parameters, the same way everywhere.
//! assert_eq!(duban_text::error("demands.too_short", &[], Lang::Zh).as_deref(), Some("督办要求至少10个字"));
//! assert_eq!(duban_text::error("remark.too_short", &[("min", "5".into())], Lang::En).as_deref(), Some("At least 5 characters"));
//! ```
//!
//! Invariant: data and lookups only; no IO, no clock, no dependency on another Duban
//! crate, so every crate (and the browser) can take its words from here.

mod admin;
mod api_clients;
mod board;
mod case_errors;
mod case_labels;
mod cases;
mod dispatch_rules;
mod domain;
mod errors;
mod export;
mod import;
mod intake_errors;
mod lang;
mod mechanism_errors;
mod mechanisms;
mod open311;
mod plans;
mod repeat;
mod server;
mod shell;
mod sla;

pub use lang::Lang;

/// A text of the catalogue: `(key, zh-CN, en)`. Keys are dotted, grouped by feature;
/// `{name}` in a text is a parameter filled by [`Key::fill`]. `{name:prefix}` words the
/// value through the catalogue: a status code `received` reads as the text of
/// `prefix.received`, so a parameter stays a code on the wire and every reader gets
/// their own language's word for it.
type Entry = (&'static str, &'static str, &'static str);

/// The tables, one a feature; a key stands in one table only.
const TABLES: &[&[Entry]] = &[
    shell::STRINGS,
    admin::STRINGS,
    cases::STRINGS,
    case_labels::STRINGS,
    case_errors::STRINGS,
    dispatch_rules::STRINGS,
    errors::STRINGS,
    mechanisms::STRINGS,
    mechanism_errors::STRINGS,
    sla::STRINGS,
    import::STRINGS,
    intake_errors::STRINGS,
    api_clients::STRINGS,
    board::STRINGS,
    domain::STRINGS,
    server::STRINGS,
    export::STRINGS,
    open311::STRINGS,
    plans::STRINGS,
    repeat::STRINGS,
];

/// A key known to be in the catalogue (made by [`key!`] or [`Key::find`]); it holds
/// the text's place, so taking the text is no search.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    table: u16,
    index: u16,
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

impl Key {
    /// The key `name`, or `None` if the catalogue has no such text. Usable in constants:
    /// that is how [`key!`] fails the build on a missing key.
    pub const fn find(name: &str) -> Option<Key> {
        let mut t = 0;
        while t < TABLES.len() {
            let table = TABLES[t];
            let mut i = 0;
            while i < table.len() {
                if same(table[i].0, name) {
                    return Some(Key {
                        table: t as u16,
                        index: i as u16,
                    });
                }
                i += 1;
            }
            t += 1;
        }
        None
    }

    /// The key `name`; a build error in a constant (and a panic elsewhere) if the
    /// catalogue has no such text. Prefer [`key!`].
    pub const fn new(name: &str) -> Key {
        match Key::find(name) {
            Some(k) => k,
            None => panic!("duban-text: the catalogue has no text of this key"),
        }
    }

    const fn entry(self) -> &'static Entry {
        &TABLES[self.table as usize][self.index as usize]
    }

    /// The dotted key.
    pub const fn name(self) -> &'static str {
        self.entry().0
    }

    /// For an error text (`err.plan.none`), the code it words (`plan.none`).
    pub fn code(self) -> &'static str {
        let name = self.name();
        name.strip_prefix("err.").unwrap_or(name)
    }

    /// The text in `lang`.
    pub const fn get(self, lang: Lang) -> &'static str {
        let e = self.entry();
        match lang {
            Lang::Zh => e.1,
            Lang::En => e.2,
        }
    }

    /// The text in `lang` with each `{name}` replaced by its value.
    pub fn fill(self, lang: Lang, params: &[(&str, String)]) -> String {
        fill(self.get(lang), lang, params)
    }
}

/// The text of `key` in the catalogue, checked when the program compiles.
///
/// ```compile_fail
/// let _ = duban_text::key!("no.such.text");
/// ```
#[macro_export]
macro_rules! key {
    ($name:literal) => {{
        const KEY: $crate::Key = $crate::Key::new($name);
        KEY
    }};
}

/// `text` with each `{name}` replaced by its value; a parameter not given is left out,
/// so a text worded with a value still reads where the value is unknown.
fn fill(text: &str, lang: Lang, params: &[(&str, String)]) -> String {
    fill_counting(text, lang, params).0
}

/// A placeholder's inside, `name` or `name:prefix`, if it is one.
fn placeholder(inside: &str) -> Option<(&str, Option<&str>)> {
    let (name, prefix) = match inside.split_once(':') {
        Some((name, prefix)) => (name, Some(prefix)),
        None => (inside, None),
    };
    let name_ok = !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    let prefix_ok = prefix.is_none_or(|p| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'.')
    });
    (name_ok && prefix_ok).then_some((name, prefix))
}

/// [`fill`], and how many parameters the text names that were not given.
fn fill_counting(text: &str, lang: Lang, params: &[(&str, String)]) -> (String, usize) {
    let mut missing = 0;
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let found = after
            .find('}')
            .and_then(|close| Some((close, placeholder(&after[..close])?)));
        match found {
            Some((close, (name, prefix))) => {
                match params.iter().find(|(n, _)| *n == name) {
                    // A value the catalogue does not know is shown as it is.
                    Some((_, value)) => match prefix {
                        Some(p) => out.push_str(
                            lookup(lang, &format!("{p}.{value}")).unwrap_or(value.as_str()),
                        ),
                        None => out.push_str(value),
                    },
                    None => missing += 1,
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    (out, missing)
}

/// The text of a key built at run time (a code from the server, a value's name), if the
/// catalogue has it.
pub fn lookup(lang: Lang, name: &str) -> Option<&'static str> {
    Key::find(name).map(|k| k.get(lang))
}

/// How an error of code `code` (`demands.too_short`) reads in `lang`: its own text
/// (`err.<code>`) when the catalogue has one, otherwise the wording of its kind of
/// problem (`…required`, `…too_short`, `…too_long`, `…invalid`), with `params` filled
/// (`min`, `max`, …); a value not given is left out. `None` for a code the catalogue
/// cannot word.
pub fn error(code: &str, params: &[(&str, String)], lang: Lang) -> Option<String> {
    error_text(code).map(|k| k.fill(lang, params))
}

/// [`error`], but `None` also when the text names a value `params` lack: for an error
/// that came with a message of its own, which then says more.
pub fn error_complete(code: &str, params: &[(&str, String)], lang: Lang) -> Option<String> {
    let (text, missing) = fill_counting(error_text(code)?.get(lang), lang, params);
    (missing == 0).then_some(text)
}

fn error_text(code: &str) -> Option<Key> {
    let own = Key::find(&format!("err.{code}"));
    let generic = || {
        let suffix = code.rsplit('.').next()?;
        Key::find(&format!("problem.{suffix}"))
    };
    own.or_else(generic)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn keys_are_unique_and_texts_non_empty() {
        let mut seen = HashSet::new();
        for &(key, zh, en) in TABLES.iter().flat_map(|t| t.iter()) {
            assert!(seen.insert(key), "duplicate key {key}");
            assert!(!zh.trim().is_empty(), "empty zh-CN text for {key}");
            assert!(!en.trim().is_empty(), "empty en text for {key}");
        }
        assert!(TABLES.iter().all(|t| t.len() < usize::from(u16::MAX)));
    }

    #[test]
    fn parameters_are_the_same_in_both_languages() {
        let names = |s: &str| -> Vec<String> {
            let mut v: Vec<String> = s
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_owned()))
                .collect();
            v.sort();
            v
        };
        for &(key, zh, en) in TABLES.iter().flat_map(|t| t.iter()) {
            assert_eq!(names(zh), names(en), "parameters of {key}");
        }
    }

    #[test]
    fn lookup_picks_language() {
        assert_eq!(lookup(Lang::Zh, "nav.cases"), Some("信访件"));
        assert_eq!(lookup(Lang::En, "nav.cases"), Some("Cases"));
        assert_eq!(lookup(Lang::En, "no.such.key"), None);
        assert_eq!(key!("nav.cases").name(), "nav.cases");
    }

    #[test]
    fn errors_have_their_own_words_or_their_problems() {
        assert_eq!(
            error("demands.too_short", &[], Lang::En).as_deref(),
            Some("Demands need at least 10 characters")
        );
        assert_eq!(error("lat.invalid", &[], Lang::Zh).as_deref(), Some("无效"));
        assert_eq!(
            error("amount.invalid", &[], Lang::En).as_deref(),
            Some("Not a valid limit: 1 to 720 hours, 1 to 90 days")
        );
        assert_eq!(
            error("x.too_long", &[("max", "9".into())], Lang::Zh).as_deref(),
            Some("最多9个字")
        );
        assert_eq!(error("nothing_known", &[], Lang::Zh), None);
        assert_eq!(
            error("order.not_found", &[("number", "DB-1".into())], Lang::Zh).as_deref(),
            Some("督办单DB-1不存在")
        );
        assert_eq!(
            error("order.not_found", &[], Lang::Zh).as_deref(),
            Some("督办单不存在")
        );
        assert_eq!(error_complete("order.not_found", &[], Lang::Zh), None);
        assert_eq!(
            error_complete("order.not_found", &[("number", "DB-1".into())], Lang::En).as_deref(),
            error("order.not_found", &[("number", "DB-1".into())], Lang::En).as_deref()
        );
        assert_eq!(key!("err.plan.none").code(), "plan.none");
    }

    #[test]
    fn a_coded_value_is_worded_through_the_catalogue() {
        let params = [
            ("from", "received".to_owned()),
            ("action", "sign_for".to_owned()),
        ];
        assert_eq!(
            error("transition.not_allowed", &params, Lang::Zh).as_deref(),
            Some("案件处于“待分办”状态，不能执行“签收”")
        );
        assert_eq!(
            error("transition.not_allowed", &params, Lang::En).as_deref(),
            Some("“Sign for” is not allowed while the case is Received")
        );
        // An unknown code reads as itself; a missing one counts as missing.
        let odd = [("from", "x".to_owned()), ("action", "y".to_owned())];
        assert_eq!(
            error("transition.not_allowed", &odd, Lang::En).as_deref(),
            Some("“y” is not allowed while the case is x")
        );
        assert_eq!(
            error_complete("transition.not_allowed", &[], Lang::En),
            None
        );
        assert_eq!(fill("{a:b.c", Lang::En, &[]), "{a:b.c");
    }
}
