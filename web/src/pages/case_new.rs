//! `/cases/new`: case intake (信访件登记). Every keystroke re-runs
//! `duban_case::draft::NewCase::parse`, the function the server runs, so the form shows
//! the server's own codes and messages before anything is sent.
//!
//! The form is kept as a draft in local storage as it is typed and restored after a
//! reload or a browser restart. Submitted without network, the case goes to the outbox
//! (`crate::offline`) with its `Idempotency-Key` and is sent when the network returns.

use duban_text::Key;
use duban_text::key;
use std::collections::HashSet;

use chrono::Utc;
use duban_api::cases::CreateCase;
use duban_api::{ApiError, Endpoint};
use duban_case::draft::{CaseDraft, NewCase};
use duban_case::model::{Category, Channel, KeyClass};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::components::field_errors::belongs;
use crate::i18n::{pick, use_i18n};
use crate::numeric::NumberInput;
use crate::offline::{self, Queued, Waiting, use_offline};

/// The draft's name in local storage.
pub(super) const DRAFT: &str = "case_new";

fn blank_draft() -> CaseDraft {
    CaseDraft {
        channel: "inspection_phone".into(),
        ..CaseDraft::default()
    }
}

/// The errors shown under each field: (field path, code, message).
type Shown = Vec<(String, String, String)>;

#[component]
fn FieldErrors(field: &'static str, errors: Signal<Shown>) -> impl IntoView {
    view! {
        {move || {
            errors
                .get()
                .into_iter()
                .filter(|(path, _, _)| belongs(path, field))
                .map(|(path, code, message)| {
                    view! { <p class="field-error" data-field=path data-code=code>{message}</p> }
                })
                .collect_view()
        }}
    }
}

/// A group of checkboxes editing one list of codes in the draft.
#[component]
fn CheckGroup(
    /// The field name (and the error path it owns).
    name: &'static str,
    /// i18n key of the legend.
    legend: Key,
    /// (code, Chinese label, English label).
    options: Vec<(&'static str, &'static str, &'static str)>,
    list: fn(&mut CaseDraft) -> &mut Vec<String>,
    draft: RwSignal<CaseDraft>,
    touched: RwSignal<HashSet<&'static str>>,
    errors: Signal<Shown>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="field">
            <legend class="label">{move || i18n.t(legend)}</legend>
            <div class="checks">
                {options.into_iter().map(|(code, zh, en)| view! {
                    <label class="check">
                        <input type="checkbox" name=name value=code
                            prop:checked=move || draft.with(|d| list(&mut d.clone()).iter().any(|x| x == code))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                draft.update(|d| {
                                    let l = list(d);
                                    l.retain(|x| x != code);
                                    if on {
                                        l.push(code.to_owned());
                                    }
                                });
                                touched.update(|t| {
                                    t.insert(name);
                                });
                            }/>
                        {move || pick(i18n.lang(), zh, en)}
                    </label>
                }).collect_view()}
            </div>
            <FieldErrors field=name errors/>
        </fieldset>
    }
}

#[component]
pub fn CaseNewPage() -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let off = use_offline();
    let restored_draft = offline::load_draft::<CaseDraft>(DRAFT).filter(|d| *d != blank_draft());
    let restored = RwSignal::new(restored_draft.is_some());
    let queued = RwSignal::new(false);
    let draft = RwSignal::new(restored_draft.unwrap_or_else(blank_draft));
    // Saved as typed: a reload or a closed browser loses nothing.
    Effect::new(move |_| {
        let d = draft.get();
        if d == blank_draft() {
            offline::clear_draft(DRAFT);
        } else {
            offline::save_draft(DRAFT, &d);
        }
    });
    let touched = RwSignal::new(HashSet::<&'static str>::new());
    let submitted = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let server_errors = RwSignal::new(Vec::<ApiError>::new());

    // The same validation as the server, as you type.
    let client_errors = Memo::new(move |_| {
        let lang = i18n.lang();
        match NewCase::parse(&draft.get(), Utc::now()) {
            Ok(_) => Vec::new(),
            Err(errs) => errs
                .iter()
                .map(|e| {
                    let e = ApiError::of(e, lang);
                    (e.field, e.code, e.message)
                })
                .collect::<Shown>(),
        }
    });
    let shown = Signal::derive(move || {
        let all = submitted.get();
        let touched = touched.get();
        let mut out: Shown = client_errors
            .get()
            .into_iter()
            .filter(|(path, _, _)| all || touched.iter().any(|f| belongs(path, f)))
            .collect();
        out.extend(
            server_errors
                .get()
                .into_iter()
                .map(|e| (e.field, e.code, e.message)),
        );
        out
    });

    let touch = move |f: &'static str| {
        touched.update(|t| {
            t.insert(f);
        })
    };
    let set_text = move |f: &'static str, apply: fn(&mut CaseDraft, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            server_errors.set(Vec::new());
            draft.update(|d| apply(d, v));
            touch(f);
        }
    };
    let inspection = move || {
        draft.with(|d| {
            d.channel
                .parse::<Channel>()
                .is_ok_and(Channel::is_inspection)
        })
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        if !client_errors.get_untracked().is_empty() || busy.get_untracked() {
            return;
        }
        let mut body = draft.get_untracked();
        // Received when it was taken, even if it is sent hours later; fixed before the
        // first attempt so that every attempt sends the same request.
        if body.received_at.trim().is_empty() {
            body.received_at = Utc::now().to_rfc3339();
        }
        let key = offline::new_key();
        let lang = i18n.lang_untracked();
        let detail: String = body.content.trim().chars().take(40).collect();
        // Every attempt sends this same value, the first one and the outbox's.
        let body = serde_json::to_value(&body).unwrap_or_default();
        let to_outbox = move |key: String, body: serde_json::Value| {
            off.enqueue(Queued {
                key,
                url: CreateCase::url(&(), &()),
                detail,
                body,
                if_match: None,
                what: "case".into(),
                queued_at: Utc::now().to_rfc3339(),
                waiting: Waiting::Network,
                link: None,
                by: String::new(),
            });
            draft.set(blank_draft());
            touched.set(HashSet::new());
            submitted.set(false);
            restored.set(false);
            queued.set(true);
        };
        queued.set(false);
        if offline::offline_now() {
            to_outbox(key, body);
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::call_json::<CreateCase>(
                &(),
                &(),
                &body,
                api::Options {
                    key: Some(&key),
                    ..Default::default()
                },
                lang,
            )
            .await
            {
                Ok(view) => {
                    draft.set(blank_draft());
                    offline::clear_draft(DRAFT);
                    navigate(&format!("/cases/{}", view.case.id()), Default::default())
                }
                // Perhaps it arrived and the answer was lost: the same key again later.
                Err(f) if offline::unreachable(&f) => to_outbox(key, body),
                Err(f) => server_errors.set(f.errors().to_vec()),
            }
            busy.set(false);
        });
    };
    let discard = move |_| {
        draft.set(blank_draft());
        touched.set(HashSet::new());
        submitted.set(false);
        server_errors.set(Vec::new());
        restored.set(false);
    };

    let content_len = move || draft.with(|d| d.content.trim().chars().count());

    view! {
        <section>
            <h1>{move || i18n.t(key!("new.title"))}</h1>
            <Show when=move || restored.get()>
                <p class="banner" id="draft-restored">
                    {move || i18n.t(key!("draft.restored"))} " "
                    <button type="button" class="btn btn-small" id="draft-discard" on:click=discard>{move || i18n.t(key!("draft.discard"))}</button>
                </p>
            </Show>
            // A toast fixed to the viewport: the form is submitted from its bottom, far
            // below where a notice at the top of the page would be.
            <Show when=move || queued.get()>
                <p class="banner banner-ok toast" id="case-queued" role="status">
                    {move || i18n.t(offline::queued_notice())} " "
                    <leptos_router::components::A href="/outbox">{move || i18n.t(key!("outbox.open"))}</leptos_router::components::A>
                    <button type="button" class="toast-close" title=move || i18n.t(key!("common.close"))
                        on:click=move |_| queued.set(false)>"×"</button>
                </p>
            </Show>
            <form id="case-form" class="form" novalidate on:submit=on_submit>
                <div class="form-grid">
                    <label class="field">
                        <span class="label">{move || i18n.t(key!("field.channel"))}</span>
                        <select name="channel" on:change=set_text("channel", |d, v| {
                            // Batch fields vanish for other channels: drop what they held.
                            if !v.parse::<Channel>().is_ok_and(Channel::is_inspection) {
                                d.batch_number = None;
                                d.batch_date.clear();
                            }
                            d.channel = v;
                        })>
                            {Channel::ALL.iter().map(|c| {
                                let code = c.code();
                                view! {
                                    <option value=code selected=move || draft.with(|d| d.channel == code)>
                                        {move || c.label(i18n.lang())}
                                    </option>
                                }
                            }).collect_view()}
                        </select>
                        <FieldErrors field="channel" errors=shown/>
                    </label>
                    <label class="field">
                        <span class="label">{move || i18n.t(key!("field.request_kind"))}</span>
                        <select name="request_kind" on:change=set_text("request_kind", |d, v| d.request_kind = v)>
                            {["report", "complaint", "inquiry", "suggestion"].into_iter().map(|code| {
                                let kind = duban_case::model::parse_request_kind(code).unwrap_or_default();
                                view! { <option value=code selected=move || draft.with(|d| d.request_kind == code)>{move || duban_case::model::request_kind_label(kind, i18n.lang())}</option> }
                            }).collect_view()}
                        </select>
                        <FieldErrors field="request_kind" errors=shown/>
                    </label>
                    <label class="field field-check">
                        <input type="checkbox" name="urgent"
                            prop:checked=move || draft.with(|d| d.urgent)
                            on:change=move |ev| draft.update(|d| d.urgent = event_target_checked(&ev))/>
                        <span>{move || i18n.t(key!("field.urgent"))}</span>
                    </label>
                </div>

                <Show when=inspection>
                    <div class="form-grid">
                        <label class="field">
                            <span class="label">{move || i18n.t(key!("field.batch_number"))}</span>
                            <NumberInput name="batch_number"
                                value=Signal::derive(move || draft.with(|d| d.batch_number))
                                on_change=move |v| {
                                    draft.update(|d| d.batch_number = v);
                                    touch("batch.number");
                                }/>
                            <FieldErrors field="batch.number" errors=shown/>
                        </label>
                        <label class="field">
                            <span class="label">{move || i18n.t(key!("field.batch_date"))}</span>
                            <input type="date" name="batch_date"
                                prop:value=move || draft.with(|d| d.batch_date.clone())
                                on:input=set_text("batch.date", |d, v| d.batch_date = v)/>
                            <FieldErrors field="batch.date" errors=shown/>
                        </label>
                        <label class="field">
                            <span class="label">{move || i18n.t(key!("field.sender_ref"))}</span>
                            <input type="text" name="sender_ref" maxlength="64"
                                prop:value=move || draft.with(|d| d.sender_ref.clone())
                                on:input=set_text("sender_ref", |d, v| d.sender_ref = v)/>
                            <FieldErrors field="sender_ref" errors=shown/>
                        </label>
                    </div>
                </Show>

                <label class="field field-wide">
                    <span class="label">
                        {move || i18n.t(key!("field.content"))}
                        <span class="counter">{move || format!("{} / {}", content_len(), duban_case::draft::CONTENT_MAX)}</span>
                    </span>
                    <textarea name="content" rows="5"
                        prop:value=move || draft.with(|d| d.content.clone())
                        on:input=set_text("content", |d, v| d.content = v)></textarea>
                    <FieldErrors field="content" errors=shown/>
                </label>

                <div class="form-grid">
                    <label class="field">
                        <span class="label">{move || i18n.t(key!("field.division"))}</span>
                        <select name="division" on:change=set_text("division", |d, v| d.division = v)
                            prop:value=move || draft.with(|d| d.division.clone())>
                            <option value="" selected=move || draft.with(|d| d.division.is_empty())>{move || i18n.t(key!("common.choose"))}</option>
                            {duban_divisions::cities().map(|city| {
                                let code = city.code();
                                let city_code = code.as_str().to_owned();
                                let selected_city = city_code.clone();
                                view! {
                                    <optgroup label=city.name()>
                                        <option value=city_code selected=move || draft.with(|d| d.division == selected_city)>{format!("{}（全市）", city.name())}</option>
                                        {duban_divisions::places_in(code).map(|d| {
                                            let c = d.code().as_str().to_owned();
                                            let sel = c.clone();
                                            view! {
                                            <option value=c selected=move || draft.with(|x| x.division == sel)>{d.full_name()}</option>
                                        }}).collect_view()}
                                    </optgroup>
                                }
                            }).collect_view()}
                        </select>
                        <FieldErrors field="division" errors=shown/>
                    </label>
                    <label class="field field-wide2">
                        <span class="label">{move || i18n.t(key!("field.address"))}</span>
                        <input type="text" name="address" maxlength="200"
                            prop:value=move || draft.with(|d| d.address.clone())
                            on:input=set_text("address", |d, v| d.address = v)/>
                        <FieldErrors field="address" errors=shown/>
                    </label>
                </div>

                <div class="form-grid">
                    <label class="field">
                        <span class="label">{move || i18n.t(key!("field.lat"))}</span>
                        <NumberInput name="lat" decimal=true
                            value=Signal::derive(move || draft.with(|d| d.lat))
                            on_change=move |v| {
                                draft.update(|d| d.lat = v);
                                touch("coordinates");
                            }/>
                    </label>
                    <label class="field">
                        <span class="label">{move || i18n.t(key!("field.lon"))}</span>
                        <NumberInput name="lon" decimal=true
                            value=Signal::derive(move || draft.with(|d| d.lon))
                            on_change=move |v| {
                                draft.update(|d| d.lon = v);
                                touch("coordinates");
                            }/>
                        <FieldErrors field="coordinates" errors=shown/>
                    </label>
                    <label class="field">
                        <span class="label">{move || i18n.t(key!("field.received_at"))}</span>
                        <input type="datetime-local" name="received_at"
                            prop:value=move || draft.with(|d| chrono::DateTime::parse_from_rfc3339(&d.received_at)
                                .map(|t| crate::format::input_time(t.with_timezone(&Utc)))
                                .unwrap_or_default())
                            on:input=move |ev| {
                                let v = crate::format::from_input_time(&event_target_value(&ev));
                                draft.update(|d| d.received_at = v);
                                touch("received_at");
                            }/>
                        <span class="hint">{move || i18n.t(key!("field.received_at.hint"))}</span>
                        <FieldErrors field="received_at" errors=shown/>
                    </label>
                </div>

                <CheckGroup name="categories" legend=key!("field.categories") draft touched errors=shown
                    options=Category::ALL.iter().map(|c| (c.code(), c.label(duban_case::Lang::Zh), c.label(duban_case::Lang::En))).collect()
                    list=|d| &mut d.categories/>
                <CheckGroup name="key_classes" legend=key!("field.key_classes") draft touched errors=shown
                    options=KeyClass::ALL.iter().map(|k| (k.code(), k.label(duban_case::Lang::Zh), k.label(duban_case::Lang::En))).collect()
                    list=|d| &mut d.key_classes/>

                <div class="form-grid">
                    <label class="field">
                        <span class="label">{move || i18n.t(key!("field.complainant_name"))}</span>
                        <input type="text" name="complainant_name" maxlength="50"
                            prop:value=move || draft.with(|d| d.complainant_name.clone())
                            on:input=set_text("complainant.name", |d, v| d.complainant_name = v)/>
                        <FieldErrors field="complainant.name" errors=shown/>
                    </label>
                    <label class="field">
                        <span class="label">{move || i18n.t(key!("field.complainant_phone"))}</span>
                        <input type="tel" name="complainant_phone"
                            prop:value=move || draft.with(|d| d.complainant_phone.clone())
                            on:input=set_text("complainant.phone", |d, v| d.complainant_phone = v)/>
                        <FieldErrors field="complainant.phone" errors=shown/>
                    </label>
                    <label class="field">
                        <span class="label">{move || i18n.t(key!("field.complainant_id_number"))}</span>
                        <input type="text" name="complainant_id_number" maxlength="18" autocomplete="off"
                            prop:value=move || draft.with(|d| d.complainant_id_number.clone())
                            on:input=set_text("complainant.id_number", |d, v| d.complainant_id_number = v)/>
                        <FieldErrors field="complainant.id_number" errors=shown/>
                    </label>
                </div>

                <Show when=move || !server_errors.get().is_empty()>
                    <p class="banner banner-error" id="server-errors">{move || i18n.t(key!("new.server_refused"))}</p>
                </Show>
                <div class="actions">
                    <button type="submit" id="submit-case" class="btn btn-primary" disabled=move || busy.get()>
                        {move || if busy.get() { i18n.t(key!("common.saving")) } else { i18n.t(key!("new.submit")) }}
                    </button>
                    <Show when=move || submitted.get() && !client_errors.get().is_empty()>
                        <span class="hint hint-error">
                            {move || format!("{} {}", client_errors.get().len(), i18n.t(key!("new.errors_left")))}
                        </span>
                    </Show>
                </div>
            </form>
        </section>
    }
}
