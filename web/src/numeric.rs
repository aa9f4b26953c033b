//! Numeric fields, one way for the whole app.
//!
//! The field shows the text the user typed and the form keeps the parsed number beside
//! it: an input whose value is re-derived from the parsed number loses what does not
//! parse yet (`32.` shows `32`, so `32.05` becomes `325`). The inputs are `type="text"`
//! with an `inputmode` (a phone's number pad) because a `type="number"` input reports an
//! empty value for half-typed text. A prefilled number is selected when the field gets
//! focus, so typing replaces it instead of appending (`5` then `3` is `3`, not `53`).

use std::str::FromStr;

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

/// A numeric field over text the form keeps itself (a string field of a form struct).
/// `decimal` allows a decimal point (the number pad shows one). Other attributes (`id`,
/// `class`, `placeholder`, `disabled`) are given as `attr:…` and land on the input.
#[component]
pub fn NumericText(
    name: &'static str,
    /// The text shown; read again whenever it changes (a reset, a restored draft).
    #[prop(into)]
    text: Signal<String>,
    /// Called with the text as typed.
    #[prop(into)]
    on_text: Callback<String>,
    #[prop(optional)] decimal: bool,
    /// `input` (every key, the default) or `change` (on leaving the field).
    #[prop(optional)]
    on_change_only: bool,
) -> impl IntoView {
    // A mouse click focuses and then places the caret on mouseup, undoing the selection
    // made on focus: skip that one mouseup.
    let just_focused = StoredValue::new(false);
    let typed = move |ev: leptos::ev::Event| on_text.run(event_target_value(&ev));
    view! {
        <input type="text" name=name autocomplete="off"
            inputmode=if decimal { "decimal" } else { "numeric" }
            prop:value=move || text.get()
            on:input=move |ev| if !on_change_only { typed(ev) }
            on:change=move |ev| if on_change_only { typed(ev) }
            on:focus=move |ev: leptos::ev::FocusEvent| {
                if let Some(input) = ev.target().and_then(|t| t.dyn_into::<leptos::web_sys::HtmlInputElement>().ok()) {
                    input.select();
                    just_focused.set_value(true);
                }
            }
            on:mouseup=move |ev: leptos::ev::MouseEvent| {
                if just_focused.get_value() {
                    ev.prevent_default();
                    just_focused.set_value(false);
                }
            }
            on:keydown=move |_| just_focused.set_value(false)/>
    }
}

/// A numeric field over a parsed number the form keeps (`None`: empty or not a number
/// yet). The typed text lives here; the number follows it. When the form's number
/// changes by other means than typing (a reset, a restored draft), the field shows it.
/// Other attributes are given as `attr:…`, as for [`NumericText`].
#[component]
pub fn NumberInput<T>(
    name: &'static str,
    #[prop(into)] value: Signal<Option<T>>,
    #[prop(into)] on_change: Callback<Option<T>>,
    #[prop(optional)] decimal: bool,
) -> impl IntoView
where
    T: FromStr + ToString + PartialEq + Clone + Send + Sync + 'static,
{
    let shown = |v: Option<T>| v.map(|n| n.to_string()).unwrap_or_default();
    let raw = RwSignal::new(shown(value.get_untracked()));
    // The form's number as it was right after our own last change: anything else is a
    // change from outside and replaces the text.
    let seen = StoredValue::new(value.get_untracked());
    Effect::new(move |_| {
        let now = value.get();
        if seen.with_value(|s| *s != now) {
            seen.set_value(now.clone());
            raw.set(shown(now));
        }
    });
    let on_text = Callback::new(move |text: String| {
        let parsed = parse::<T>(&text);
        raw.set(text);
        on_change.run(parsed);
        seen.set_value(value.get_untracked());
    });
    view! { <NumericText name text=raw on_text decimal/> }
}

/// The number in typed text: surrounding spaces and a full-width digit or point (a
/// Chinese input method's) are accepted.
pub fn parse<T: FromStr>(text: &str) -> Option<T> {
    let ascii: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_digit(u32::from(c) - u32::from('０'), 10).unwrap_or(c),
            '．' | '。' => '.',
            '－' => '-',
            other => other,
        })
        .collect();
    ascii.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn typed_text_parses_as_people_type_it() {
        assert_eq!(parse::<f64>("32.05"), Some(32.05));
        assert_eq!(parse::<f64>(" 118.78 "), Some(118.78));
        // Half-typed: a trailing point still reads as the number so far.
        assert_eq!(parse::<f64>("32."), Some(32.0));
        assert_eq!(parse::<u32>("３"), Some(3));
        assert_eq!(parse::<f64>("３２．０５"), Some(32.05));
        assert_eq!(parse::<u32>(""), None);
        assert_eq!(parse::<u32>("5a"), None);
    }
}
