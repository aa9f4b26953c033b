//! A form's error texts: under the field they belong to, or as a banner of the rest.

use duban_api::ApiError;
use leptos::prelude::*;

use crate::i18n::{I18n, use_i18n};

/// Whether the error path `path` belongs to `field`: the field itself, one of its items
/// (`field[2]`) or one of its parts (`field.unit`).
pub fn belongs(path: &str, field: &str) -> bool {
    path == field
        || path
            .strip_prefix(field)
            .is_some_and(|rest| rest.starts_with('[') || rest.starts_with('.'))
}

/// The server's errors for one field, translated by code where the table knows it.
#[component]
pub fn ApiFieldErrors(field: &'static str, errors: RwSignal<Vec<ApiError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        errors
            .get()
            .into_iter()
            .filter(|e| belongs(&e.field, field))
            .map(|e| {
                let text = i18n.error(&e);
                view! { <p class="field-error" data-field=e.field data-code=e.code>{text}</p> }
            })
            .collect_view()
    }
}

/// The errors that belong to none of `fields`, as a banner.
#[component]
pub fn OtherErrors(
    fields: &'static [&'static str],
    errors: RwSignal<Vec<ApiError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let rest: Vec<ApiError> = errors
            .get()
            .into_iter()
            .filter(|e| !fields.iter().any(|f| belongs(&e.field, f)))
            .collect();
        (!rest.is_empty()).then(|| {
            view! {
                <div class="banner banner-error form-errors">
                    {rest.into_iter().map(|e| {
                        let text = i18n.error(&e);
                        view! { <p data-code=e.code>{text}</p> }
                    }).collect_view()}
                </div>
            }
        })
    }
}

/// The errors of exactly one field path (`plans[0].departments[1].unit`).
#[component]
pub fn FieldErrorsAt(field: String, errors: RwSignal<Vec<ApiError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        errors
            .get()
            .into_iter()
            .filter(|e| e.field == field)
            .map(|e| {
                let text = i18n.error(&e);
                view! { <p class="field-error" data-field=e.field data-code=e.code>{text}</p> }
            })
            .collect_view()
    }
}

/// An error found in the browser, in the server's shape (so it shows the same way).
pub fn local_error(i18n: I18n, field: &str, code: &str) -> ApiError {
    let message =
        duban_text::error(code, &[], i18n.lang_untracked()).unwrap_or_else(|| code.to_owned());
    ApiError {
        field: field.to_owned(),
        code: code.to_owned(),
        message,
        params: Default::default(),
    }
}
