//! `/admin/api-clients`: connected systems (系统对接). Administrators connect a 12345
//! hotline platform or an Open311 client, which gets a key shown once, and disable or
//! enable it later; every change carries a reason for the audit trail.

use duban_api::Endpoint;
use duban_api::connect::{
    CreateApiClient, HotlineOrderStatus, ListApiClients, PushHotlineOrder, UpdateApiClient,
};
use duban_api::keys::ApiClientKey;
use duban_api::{ApiClientCreated, ApiClientDraft, ApiClientPatch, ApiClientView, ApiError};
use duban_text::Key;
use duban_text::key;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_bindgen::JsValue;
use leptos::web_sys::js_sys;

use super::AdminOnly;
use crate::api;
use crate::components::field_errors::{ApiFieldErrors, OtherErrors, local_error};
use crate::format::local_time;
use crate::i18n::{I18n, use_i18n};

/// The kinds of system that may connect, as the server names them.
const KINDS: [&str; 2] = ["hotline", "open311"];

/// Fields of the forms that show their own errors.
const CLIENT_FIELDS: &[&str] = &["name", "kind", "reason"];

/// A kind for people: 12345热线 / Open311; unknown codes as they are.
fn kind_label(i18n: I18n, code: &str) -> String {
    i18n.try_t(&format!("api_clients.kind.{code}"))
        .map_or_else(|| code.to_owned(), str::to_owned)
}

/// How the API reference names a route: `POST /api/v1/hotline/orders`.
fn route<E: Endpoint>() -> String {
    format!("{} {}", E::METHOD.as_str(), E::PATH)
}

#[component]
pub fn AdminApiClientsPage() -> impl IntoView {
    view! { <AdminOnly><ApiClientsAdmin/></AdminOnly> }
}

#[component]
fn ApiClientsAdmin() -> impl IntoView {
    let i18n = use_i18n();
    let clients = RwSignal::new(Vec::<ApiClientView>::new());
    let load_errors = RwSignal::new(Vec::<ApiError>::new());
    let loaded = RwSignal::new(false);
    // The client whose disable/enable asks for a reason.
    let toggling = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<Key>);
    let created = RwSignal::new(None::<ApiClientCreated>);

    spawn_local(async move {
        match api::call::<ListApiClients>(&(), &(), &(), i18n.lang_untracked()).await {
            Ok(c) => clients.set(c),
            Err(f) => load_errors.set(f.errors().to_vec()),
        }
        loaded.set(true);
    });

    view! {
        <section id="api-clients">
            <div class="page-head">
                <h1>{move || i18n.t(key!("api_clients.title"))}</h1>
                <span class="count">{move || format!("{} {}", i18n.t(key!("cases.total")), clients.with(Vec::len))}</span>
            </div>
            <p class="hint">{move || i18n.t(key!("api_clients.hint"))}</p>
            <OtherErrors fields=&[] errors=load_errors/>
            {move || notice.get().map(|n| view! { <p class="banner banner-ok" id="admin-notice">{move || i18n.t(n)}</p> })}
            {move || created.get().map(|c| view! { <KeyBox created=c on_done=move || created.set(None)/> })}
            <table class="data-table" id="api-client-table">
                <thead>
                    <tr>
                        <th>{move || i18n.t(key!("api_clients.col.name"))}</th>
                        <th>{move || i18n.t(key!("api_clients.col.kind"))}</th>
                        <th>{move || i18n.t(key!("api_clients.col.state"))}</th>
                        <th>{move || i18n.t(key!("api_clients.col.created"))}</th>
                        <th>{move || i18n.t(key!("admin.col.actions"))}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        let open = toggling.get();
                        clients.get().into_iter().map(|c| {
                            let is_open = open.as_deref() == Some(c.id.as_str());
                            let id = c.id.clone();
                            let kind = c.kind.clone();
                            let disabled = c.disabled;
                            let client = c.clone();
                            view! {
                                <tr class="api-client-row" class:row-disabled=disabled data-id=c.id.clone()
                                    data-kind=c.kind.clone() data-disabled=disabled.to_string()>
                                    <td>{c.name.clone()}</td>
                                    <td class="nowrap">{move || kind_label(i18n, &kind)}</td>
                                    <td class="nowrap client-state">
                                        {move || if disabled { i18n.t(key!("api_clients.disabled")) } else { i18n.t(key!("api_clients.enabled")) }}
                                    </td>
                                    <td class="nowrap">{local_time(c.created_at)}</td>
                                    <td class="nowrap">
                                        <button type="button" class="btn btn-small toggle-client"
                                            class:btn-danger=!disabled
                                            on:click=move |_| {
                                                notice.set(None);
                                                toggling.update(|t| {
                                                    *t = if t.as_deref() == Some(id.as_str()) { None } else { Some(id.clone()) };
                                                });
                                            }>
                                            {move || if disabled { i18n.t(key!("api_clients.enable")) } else { i18n.t(key!("api_clients.disable")) }}
                                        </button>
                                    </td>
                                </tr>
                                {is_open.then(|| view! {
                                    <tr class="edit-row">
                                        <td colspan="5"><ToggleForm client clients toggling notice/></td>
                                    </tr>
                                })}
                            }
                        }).collect_view()
                    }}
                    <Show when=move || loaded.get() && clients.with(Vec::is_empty)>
                        <tr><td class="empty" colspan="5">{move || i18n.t(key!("api_clients.empty"))}</td></tr>
                    </Show>
                </tbody>
            </table>
            <h2>{move || i18n.t(key!("api_clients.new"))}</h2>
            <CreateForm clients created notice/>
        </section>
    }
}

/// Disable (or enable again) one system, with the reason.
#[component]
fn ToggleForm(
    client: ApiClientView,
    clients: RwSignal<Vec<ApiClientView>>,
    toggling: RwSignal<Option<String>>,
    notice: RwSignal<Option<Key>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<ApiError>::new());
    let busy = RwSignal::new(false);
    let disable = !client.disabled;
    let id = client.id.clone();

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let why = reason.get_untracked().trim().to_owned();
        if why.is_empty() {
            errors.set(vec![local_error(i18n, "reason", "reason.required")]);
            return;
        }
        let body = ApiClientPatch {
            disabled: disable,
            reason: why,
        };
        let key = ApiClientKey::new(&*id);
        let lang = i18n.lang_untracked();
        busy.set(true);
        spawn_local(async move {
            match api::call::<UpdateApiClient>(&key, &(), &body, lang).await {
                Ok(updated) => {
                    clients.update(|all| {
                        if let Some(c) = all.iter_mut().find(|c| c.id == updated.id) {
                            *c = updated;
                        }
                    });
                    toggling.set(None);
                    notice.set(Some(if disable {
                        key!("api_clients.saved_disabled")
                    } else {
                        key!("api_clients.saved_enabled")
                    }));
                }
                Err(f) => {
                    errors.set(f.errors().to_vec());
                    busy.set(false);
                }
            }
        });
    };

    view! {
        <form class="form inline-row client-toggle" data-id=client.id.clone() novalidate on:submit=on_submit>
            <label class="field field-wide">
                <span class="label">{move || i18n.t(key!("admin.reason"))}</span>
                <input type="text" name="reason" class="client-reason" maxlength="200"
                    on:input=move |ev| reason.set(event_target_value(&ev))/>
                <ApiFieldErrors field="reason" errors/>
            </label>
            <OtherErrors fields=&["reason"] errors/>
            <div class="actions">
                <button type="submit" class="btn btn-primary client-toggle-confirm" class:btn-danger=disable
                    disabled=move || busy.get()>
                    {move || if busy.get() {
                        i18n.t(key!("common.saving"))
                    } else if disable {
                        i18n.t(key!("api_clients.confirm_disable"))
                    } else {
                        i18n.t(key!("api_clients.confirm_enable"))
                    }}
                </button>
                <button type="button" class="btn" on:click=move |_| toggling.set(None)>{move || i18n.t(key!("action.cancel"))}</button>
            </div>
        </form>
    }
}

#[component]
fn CreateForm(
    clients: RwSignal<Vec<ApiClientView>>,
    created: RwSignal<Option<ApiClientCreated>>,
    notice: RwSignal<Option<Key>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(KINDS[0].to_owned());
    let reason = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<ApiError>::new());
    let busy = RwSignal::new(false);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        notice.set(None);
        if busy.get_untracked() {
            return;
        }
        let mut local = Vec::new();
        if name.with_untracked(|n| n.trim().is_empty()) {
            local.push(local_error(i18n, "name", "api_client.name"));
        }
        if reason.with_untracked(|r| r.trim().is_empty()) {
            local.push(local_error(i18n, "reason", "reason.required"));
        }
        if !local.is_empty() {
            errors.set(local);
            return;
        }
        let body = ApiClientDraft {
            name: name.get_untracked().trim().to_owned(),
            kind: kind.get_untracked(),
            reason: reason.get_untracked().trim().to_owned(),
        };
        let lang = i18n.lang_untracked();
        busy.set(true);
        created.set(None);
        spawn_local(async move {
            match api::call::<CreateApiClient>(&(), &(), &body, lang).await {
                Ok(c) => {
                    clients.update(|all| all.push(c.client.clone()));
                    created.set(Some(c));
                    errors.set(Vec::new());
                    name.set(String::new());
                    reason.set(String::new());
                }
                Err(f) => errors.set(f.errors().to_vec()),
            }
            busy.set(false);
        });
    };

    view! {
        <form id="api-client-form" class="form action-panel" novalidate on:submit=on_submit>
            <div class="form-grid">
                <label class="field">
                    <span class="label">{move || i18n.t(key!("api_clients.name"))}</span>
                    <input type="text" id="api-client-name" name="name" autocomplete="off" maxlength="50"
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))/>
                    <ApiFieldErrors field="name" errors/>
                </label>
                <label class="field">
                    <span class="label">{move || i18n.t(key!("api_clients.kind"))}</span>
                    <select id="api-client-kind" name="kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                        {KINDS.into_iter().map(|code| view! {
                            <option value=code selected=move || kind.with(|k| k == code)>{move || kind_label(i18n, code)}</option>
                        }).collect_view()}
                    </select>
                    <ApiFieldErrors field="kind" errors/>
                </label>
            </div>
            <label class="field field-wide">
                <span class="label">{move || i18n.t(key!("admin.reason"))}</span>
                <input type="text" id="api-client-reason" name="reason" maxlength="200"
                    prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))/>
                <ApiFieldErrors field="reason" errors/>
            </label>
            <OtherErrors fields=CLIENT_FIELDS errors/>
            <div class="actions">
                <button type="submit" class="btn btn-primary" id="api-client-create" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(key!("common.saving")) } else { i18n.t(key!("api_clients.create")) }}
                </button>
            </div>
        </form>
    }
}

/// Copies `text` with the asynchronous clipboard API; `false` where the browser has
/// none (an insecure origin) or refuses.
async fn copy_text(text: &str) -> bool {
    let navigator = window().navigator();
    let has_clipboard =
        js_sys::Reflect::get(&JsValue::from(navigator.clone()), &"clipboard".into())
            .is_ok_and(|c| !c.is_undefined() && !c.is_null());
    if !has_clipboard {
        return false;
    }
    wasm_bindgen_futures::JsFuture::from(navigator.clipboard().write_text(text))
        .await
        .is_ok()
}

/// The new system's key, shown this once, with a copy button and how to use it.
#[component]
fn KeyBox(created: ApiClientCreated, on_done: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let key_node = NodeRef::<leptos::html::Code>::new();
    let copied = RwSignal::new(None::<Key>);
    let key = created.api_key.clone();
    let name = created.client.name.clone();
    let hotline = created.client.kind == "hotline";

    let copy = move |_| {
        let key = key.clone();
        spawn_local(async move {
            if copy_text(&key).await {
                copied.set(Some(key!("api_clients.copied")));
                return;
            }
            // No clipboard: select the key for Ctrl+C.
            if let (Some(node), Ok(Some(sel))) =
                (key_node.get_untracked(), window().get_selection())
            {
                let _ = sel.select_all_children(&node);
            }
            copied.set(Some(key!("api_clients.copy_manual")));
        });
    };

    let usage = if hotline {
        view! {
            <ul class="api-client-usage" data-kind="hotline">
                <li>
                    {move || i18n.t(key!("api_clients.usage.hotline_push"))}{move || i18n.t(key!("routing.colon"))}
                    <code>{route::<PushHotlineOrder>()}</code>
                    {move || i18n.t(key!("api_clients.usage.header"))}
                    <code>"X-Api-Key: <key>"</code>
                </li>
                <li>
                    {move || i18n.t(key!("api_clients.usage.hotline_status"))}{move || i18n.t(key!("routing.colon"))}
                    <code>{route::<HotlineOrderStatus>()}</code>
                    {move || i18n.t(key!("api_clients.usage.same_header"))}
                </li>
            </ul>
        }
        .into_any()
    } else {
        view! {
            <ul class="api-client-usage" data-kind="open311">
                <li>
                    {move || i18n.t(key!("api_clients.usage.open311_services"))}{move || i18n.t(key!("routing.colon"))}
                    <code>"GET /open311/v2/services.json"</code>
                </li>
                <li>
                    {move || i18n.t(key!("api_clients.usage.open311_post"))}{move || i18n.t(key!("routing.colon"))}
                    <code>"POST /open311/v2/requests.json"</code>
                    {move || i18n.t(key!("api_clients.usage.form_field"))}
                    <code>"api_key=<key>"</code>
                </li>
            </ul>
        }
        .into_any()
    };

    view! {
        <div class="banner banner-warn" id="api-client-created" data-id=created.client.id.clone()>
            <p><strong>{move || format!("{}{}", name, i18n.t(key!("api_clients.key_of")))}</strong></p>
            <p style="margin:8px 0">
                <code id="api-client-key" node_ref=key_node
                    style="user-select:all;font-size:15px;padding:4px 8px;background:var(--c-surface);border:1px solid var(--c-warn-bd);word-break:break-all">
                    {created.api_key.clone()}
                </code>
                " "
                <button type="button" class="btn btn-small" id="api-client-copy" on:click=copy>
                    {move || i18n.t(key!("api_clients.copy"))}
                </button>
                {move || copied.get().map(|k| view! { " " <span id="api-client-copied">{move || i18n.t(k)}</span> })}
            </p>
            <p id="api-client-key-once"><strong>{move || i18n.t(key!("api_clients.key_once"))}</strong></p>
            <p>{move || i18n.t(key!("api_clients.usage"))}</p>
            {usage}
            <div class="actions">
                <button type="button" class="btn" id="api-client-key-done" on:click=move |_| on_done()>
                    {move || i18n.t(key!("api_clients.key_done"))}
                </button>
            </div>
        </div>
    }
}
