//! The complainant's contact details, masked until asked for.

use duban_api::ApiError;
use duban_case::model::Complainant;
use duban_text::key;
use leptos::prelude::*;

use crate::i18n::use_i18n;
use crate::session::{CONTACT_ROLES, use_current_user};

/// The complainant's facts: masked as the case view carries them, or in full once the
/// reader asked (roles that may contact complainants only). Each full read is recorded
/// by the server, and the page says so.
#[component]
pub(super) fn ComplainantFacts(
    masked: Complainant,
    revealed: RwSignal<Option<Complainant>>,
    errors: RwSignal<Vec<ApiError>>,
    on_reveal: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let lines = move || {
        let (name, phone, id_number, full) = match revealed.get() {
            Some(c) => (
                c.name().map(str::to_owned),
                c.phone().map(|p| p.as_str().to_owned()),
                c.id_number().map(|n| n.as_str().to_owned()),
                true,
            ),
            // Masked by the server already; masking again is harmless.
            None => (
                masked.name().map(str::to_owned),
                masked.phone().map(|p| p.masked()),
                masked.id_number().map(|n| n.masked()),
                false,
            ),
        };
        [
            (key!("field.complainant_name"), "complainant-name", name),
            (key!("field.complainant_phone"), "complainant-phone", phone),
            (
                key!("field.complainant_id_number"),
                "complainant-id-number",
                id_number,
            ),
        ]
        .into_iter()
        .filter_map(|(label, id, value)| {
            value.map(|v| {
                view! {
                    <dt>{move || i18n.t(label)}</dt>
                    <dd id=id class:unmasked=full>{v}</dd>
                }
            })
        })
        .collect_view()
    };
    view! {
        {lines}
        <Show when=move || user.has_role(CONTACT_ROLES)>
            <dt></dt>
            <dd class="contact-actions">
                {
                    let on_reveal = on_reveal.clone();
                    move || match revealed.with(Option::is_some) {
                        false => {
                            let on_reveal = on_reveal.clone();
                            view! {
                                <button type="button" class="btn btn-small" id="show-contact" on:click=move |_| on_reveal()>
                                    {move || i18n.t(key!("detail.show_contact"))}
                                </button>
                            }.into_any()
                        }
                        true => view! { <span class="hint" id="contact-logged">{move || i18n.t(key!("detail.contact_logged"))}</span> }.into_any(),
                    }
                }
                {move || errors.get().into_iter().map(|e| {
                    let text = i18n.error(&e);
                    view! { <p class="field-error" data-code=e.code>{text}</p> }
                }).collect_view()}
            </dd>
        </Show>
    }
}
