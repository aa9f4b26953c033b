//! Fallback for unknown paths.

use duban_text::key;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::use_i18n;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section>
            <h1>{move || i18n.t(key!("notfound.title"))}</h1>
            <p><A href="/">{move || i18n.t(key!("notfound.back"))}</A></p>
        </section>
    }
}
