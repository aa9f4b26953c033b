//! What a `<select multiple>` holds chosen.

use leptos::ev::Event;
use leptos::wasm_bindgen::JsCast;

/// The values of the options chosen in the `<select multiple>` a change event came from.
pub fn chosen_values(ev: &Event) -> Vec<String> {
    ev.target()
        .and_then(|t| t.dyn_into::<leptos::web_sys::HtmlSelectElement>().ok())
        .map(|sel| {
            let opts = sel.selected_options();
            (0..opts.length())
                .filter_map(|i| opts.item(i))
                .filter_map(|o| o.get_attribute("value"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
}
