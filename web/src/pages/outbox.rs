//! `/outbox`: what was submitted without network and waits to be sent, with the
//! online/offline indicator of the navigation bar (`#net-status`, `#outbox-count`).
//!
//! An entry the server refused shows why; one refused because the case changed
//! meanwhile shows the user's version beside the server's ([`ConflictTable`]) and lets
//! the user choose: send theirs against the current version, or keep the server's.

use duban_api::CaseView;
use duban_case::lifecycle::ActionKind;
use duban_case::model::Finding;
use duban_text::key;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::{I18n, use_i18n};
use crate::offline::{Queued, Waiting, new_key, use_offline};

/// The bar's network state and, when something waits, the outbox count.
#[component]
pub fn NetStatus() -> impl IntoView {
    let i18n = use_i18n();
    let off = use_offline();
    view! {
        <span id="net-status" class="net-status" class:offline=move || !off.online() || off.server_unreachable()
            data-online=move || off.online().to_string()
            data-server=move || (!off.server_unreachable()).to_string()
            title=move || i18n.t(if !off.online() { key!("net.offline_hint") } else if off.server_unreachable() { key!("net.server_down_hint") } else { key!("net.online_hint") })>
            {move || i18n.t(if !off.online() { key!("net.offline") } else if off.server_unreachable() { key!("net.server_down") } else { key!("net.online") })}
        </span>
        <Show when=move || { off.count() > 0 }>
            <A href="/outbox" attr:id="outbox-count" attr:class="outbox-count">
                {move || format!("{} {}", i18n.t(key!("outbox.title")), off.count())}
            </A>
        </Show>
    }
}

/// Why an entry waits, as a code (`data-state`, and the list's key with the entry's).
fn waiting_code(w: &Waiting) -> &'static str {
    match w {
        Waiting::Network => "network",
        Waiting::Refused { .. } => "refused",
        Waiting::Conflict { .. } => "conflict",
    }
}

/// What an entry is, for people.
fn what_label(i18n: I18n, what: &str) -> String {
    if what == "case" {
        return i18n.t(key!("outbox.what.case")).to_owned();
    }
    ActionKind::ALL
        .iter()
        .find(|k| k.code() == what)
        .map_or_else(|| what.to_owned(), |k| k.label(i18n.lang()).to_owned())
}

/// The fields of a JSON object, nested objects flattened (`outcome.finding` → `finding`).
fn fields(v: &serde_json::Value, out: &mut Vec<(String, String)>) {
    if let Some(map) = v.as_object() {
        for (k, x) in map {
            match x {
                serde_json::Value::Object(_) => fields(x, out),
                serde_json::Value::String(s) => out.push((k.clone(), s.clone())),
                serde_json::Value::Null => {}
                other => out.push((k.clone(), other.to_string())),
            }
        }
    }
}

/// The order the outcome form asks in; other fields follow.
const FORM_ORDER: [&str; 10] = [
    "action",
    "finding",
    "measures",
    "public_summary",
    "rectification_orders",
    "penalty_cases",
    "fines_yuan",
    "criminal_cases",
    "officials_summoned",
    "officials_accountable",
];

/// A field's value for people: codes become their names.
fn field_value(i18n: I18n, key: &str, value: &str) -> String {
    match key {
        "action" => what_label(i18n, value),
        _ if value.is_empty() => "—".to_owned(),
        "finding" => Finding::ALL
            .iter()
            .find(|f| f.code() == value)
            .map_or_else(|| value.to_owned(), |f| f.label(i18n.lang()).to_owned()),
        _ => value.to_owned(),
    }
}

/// A field's name for people, where the outcome form has one.
fn field_label(i18n: I18n, key: &str) -> String {
    let k = match key {
        "finding" => key!("outcome.finding"),
        "rectification_orders" => key!("outcome.rectification"),
        "penalty_cases" => key!("outcome.penalties"),
        "fines_yuan" => key!("outcome.fines"),
        "criminal_cases" => key!("outcome.criminal"),
        "officials_summoned" => key!("outcome.summoned"),
        "officials_accountable" => key!("outcome.accountable"),
        "measures" => key!("outcome.measures"),
        "public_summary" => key!("outcome.public_summary"),
        "action" => key!("conflict.action"),
        other => return other.to_owned(),
    };
    i18n.t(k).to_owned()
}

/// The user's submission beside the case as the server has it now, field by field;
/// the rows that differ are marked.
#[component]
pub fn ConflictTable(
    mine: serde_json::Value,
    mine_version: u64,
    current: CaseView,
) -> impl IntoView {
    let i18n = use_i18n();
    let mut mine_fields = Vec::new();
    fields(&mine, &mut mine_fields);
    let mut theirs = Vec::new();
    if let Some(o) = current.case.outcome() {
        fields(&serde_json::to_value(o).unwrap_or_default(), &mut theirs);
    }
    let status = current.case.status();
    let paused = current.case.is_paused();
    let version = current.case.version();
    // What the other side did, so the choice is an informed one.
    let updated = crate::format::local_time(current.case.updated_at());
    // The next deadline of the case, with the stage it belongs to.
    let due = current
        .case
        .current_clock()
        .map(|c| (c.stage(), crate::format::local_time(c.due_at())));
    let reason = current.case.last_reason().unwrap_or_default().to_owned();
    mine_fields.sort_by_key(|(k, _)| {
        FORM_ORDER
            .iter()
            .position(|f| f == k)
            .unwrap_or(FORM_ORDER.len())
    });
    let rows: Vec<(String, String, String)> = mine_fields
        .into_iter()
        .map(|(k, v)| {
            let t = if k == "action" {
                String::new()
            } else {
                theirs
                    .iter()
                    .find(|(tk, _)| *tk == k)
                    .map(|(_, tv)| tv.clone())
                    .unwrap_or_default()
            };
            (k, v, t)
        })
        .collect();
    view! {
        <table class="table conflict-table" id="conflict-table">
            <thead><tr>
                <th></th>
                <th>{move || i18n.t(key!("conflict.mine"))}</th>
                <th>{move || i18n.t(key!("conflict.theirs"))}</th>
            </tr></thead>
            <tbody>
                <tr>
                    <th>{move || i18n.t(key!("conflict.version"))}</th>
                    <td data-side="mine">{mine_version}</td>
                    <td data-side="theirs">{version}</td>
                </tr>
                <tr>
                    <th>{move || i18n.t(key!("conflict.status"))}</th>
                    <td></td>
                    <td data-side="theirs" data-field="status">{move || {
                        let mut s = status.label(i18n.lang()).to_owned();
                        if paused {
                            s.push_str(" · ");
                            s.push_str(i18n.t(key!("cases.paused")));
                        }
                        s
                    }}</td>
                </tr>
                <tr>
                    <th>{move || i18n.t(key!("conflict.updated_at"))}</th>
                    <td></td>
                    <td data-side="theirs" data-field="updated_at">{updated}</td>
                </tr>
                <tr>
                    <th>{move || i18n.t(key!("conflict.due_at"))}</th>
                    <td></td>
                    <td data-side="theirs" data-field="due_at">{move || due.clone().map(|(stage, at)| {
                        format!("{at} · {}", crate::sla_view::stage_label(stage, i18n.lang()))
                    })}</td>
                </tr>
                {(!reason.is_empty()).then(|| view! {
                    <tr>
                        <th>{move || i18n.t(key!("conflict.reason"))}</th>
                        <td></td>
                        <td data-side="theirs" data-field="reason">{reason}</td>
                    </tr>
                })}
                {rows.into_iter().map(|(k, v, t)| {
                    let differs = k != "action" && v != t;
                    let label = k.clone();
                    let (k1, k2) = (k.clone(), k.clone());
                    view! {
                        <tr class:differs=differs data-field=k>
                            <th>{move || field_label(i18n, &label)}</th>
                            <td data-side="mine">{move || field_value(i18n, &k1, &v)}</td>
                            <td data-side="theirs">{move || if k2 == "action" { String::new() } else { field_value(i18n, &k2, &t) }}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Where a refused entry is corrected: the draft it goes back to, its value and the
/// page of the form. New cases and verification reports have a form that keeps a draft.
fn restore_target(q: &Queued) -> Option<(String, serde_json::Value, String)> {
    match q.what.as_str() {
        "case" => Some((
            super::case_new::DRAFT.to_owned(),
            q.body.clone(),
            "/cases/new".to_owned(),
        )),
        "report" => {
            let link = q.link.clone()?;
            let id = link.strip_prefix("/cases/")?;
            Some((
                super::case_detail::report_draft(id),
                q.body.get("outcome")?.clone(),
                link,
            ))
        }
        _ => None,
    }
}

#[component]
pub fn OutboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let off = use_offline();
    view! {
        <section>
            <h1>{move || i18n.t(key!("outbox.title"))}</h1>
            <p class="hint">{move || i18n.t(key!("outbox.hint"))}</p>
            <Show when=move || { !off.sent().is_empty() }>
                <div class="banner banner-ok" id="outbox-sent">
                    <p>{move || format!("{} {}", i18n.t(key!("outbox.sent")), off.sent().len())}</p>
                    <ul class="outbox-sent">
                        <For each=move || off.sent() key=|s| s.key.clone() let:s>
                            <li data-key=s.key.clone()>
                                {let what = s.what.clone(); move || what_label(i18n, &what)}
                                " · " {s.detail.clone()}
                                {s.link.clone().map(|l| view! { " · " <A href=l attr:class="outbox-sent-link">{move || i18n.t(key!("outbox.open_result"))}</A> })}
                            </li>
                        </For>
                    </ul>
                </div>
            </Show>
            <div class="actions">
                <button type="button" class="btn" id="outbox-send" disabled=move || !off.online() || off.sending()
                    on:click=move |_| off.flush(i18n)>{move || i18n.t(key!("outbox.send_now"))}</button>
            </div>
            <Show when=move || { off.count() > 0 } fallback=move || view! {
                <p class="empty" id="outbox-empty">{move || i18n.t(key!("outbox.empty"))}</p>
            }>
                <ul class="outbox" id="outbox-list">
                    <For each=move || off.queued() key=|q| (q.key.clone(), waiting_code(&q.waiting)) let:q>
                        <OutboxEntry q/>
                    </For>
                </ul>
            </Show>
            <Show when=move || { off.others() > 0 }>
                <p class="hint" id="outbox-others">{move || format!("{} {}", i18n.t(key!("outbox.others")), off.others())}</p>
            </Show>
        </section>
    }
}

#[component]
fn OutboxEntry(q: Queued) -> impl IntoView {
    let i18n = use_i18n();
    let off = use_offline();
    let what = q.what.clone();
    let key = q.key.clone();
    let discard = {
        let key = key.clone();
        let conflict = matches!(q.waiting, Waiting::Conflict { .. });
        move |_| {
            // Throwing a submission away (also by keeping the server's version) is
            // asked once more.
            let ask = if conflict {
                key!("outbox.conflict_confirm")
            } else {
                key!("outbox.discard_confirm")
            };
            let sure = leptos::web_sys::window()
                .and_then(|w| w.confirm_with_message(i18n.t(ask)).ok())
                .unwrap_or(true);
            if sure {
                off.discard(&key);
            }
        }
    };
    let state = waiting_code(&q.waiting);
    let navigate = leptos_router::hooks::use_navigate();
    // Back into its form as a draft, to be corrected (or kept) and submitted again.
    let edit = {
        let key = key.clone();
        let q = q.clone();
        move || {
            restore_target(&q).map(|(draft, value, href)| {
                let key = key.clone();
                let navigate = navigate.clone();
                view! {
                    <button type="button" class="btn btn-small btn-primary outbox-edit" on:click=move |_| {
                        crate::offline::save_draft(&draft, &value);
                        off.discard(&key);
                        navigate(&href, Default::default());
                    }>{move || i18n.t(key!("outbox.edit"))}</button>
                }
            })
        }
    };
    let body = match q.waiting.clone() {
        Waiting::Network => {
            view! { <p class="hint">{move || i18n.t(key!("outbox.waiting"))}</p> }.into_any()
        }
        Waiting::Refused { errors } => view! {
            <ul class="field-errors">
                {errors.into_iter().map(|e| { let code = e.code.clone(); view! { <li data-code=code>{move || i18n.error(&e)}</li> } }).collect_view()}
            </ul>
            <div class="actions">{edit()}</div>
        }
        .into_any(),
        Waiting::Conflict { current } => match serde_json::from_value::<CaseView>(current) {
            Ok(current) => {
                let version = current.case.version();
                // What the case allows now: a paused or closed case may no longer take
                // the queued action, and then only the server's version can be kept.
                let allowed = current.allowed_actions.iter().any(|k| k.code() == q.what);
                let mine = q.clone();
                let send_mine = move |_| {
                    // The same submission against the version the user has now seen.
                    let mut again = mine.clone();
                    again.key = new_key();
                    again.if_match = Some(version);
                    again.waiting = Waiting::Network;
                    off.replace(&mine.key, again);
                    off.flush(i18n);
                };
                view! {
                    <p class="banner banner-error">{move || i18n.t(if allowed { key!("conflict.explain") } else { key!("conflict.explain_closed") })}</p>
                    <ConflictTable mine=q.body.clone() mine_version=q.if_match.unwrap_or_default() current/>
                    <div class="actions">
                        {allowed.then(|| view! {
                            <button type="button" class="btn btn-primary conflict-mine" on:click=send_mine>{move || i18n.t(key!("conflict.keep_mine"))}</button>
                        })}
                        {edit()}
                    </div>
                    {(!allowed).then(|| view! { <p class="hint" id="conflict-not-allowed">{move || i18n.t(key!("conflict.not_allowed"))}</p> })}
                }
                .into_any()
            }
            Err(_) => view! { <p class="hint">{move || i18n.t(key!("conflict.explain"))}</p> }.into_any(),
        },
    };
    view! {
        <li class="outbox-entry" data-key=key data-state=state>
            <div class="outbox-head">
                <strong>{move || what_label(i18n, &what)}</strong>
                " · " {q.detail.clone()} " · "
                <span class="hint">{crate::format::local_time(
                    chrono::DateTime::parse_from_rfc3339(&q.queued_at).map(|t| t.with_timezone(&chrono::Utc)).unwrap_or_default())}</span>
                {q.link.clone().map(|l| view! { " · " <A href=l>{move || i18n.t(key!("outbox.open_case"))}</A> })}
            </div>
            {body}
            <div class="actions">
                <button type="button" class="btn btn-small outbox-discard" on:click=discard>
                    {move || i18n.t(if state == "conflict" { key!("conflict.keep_theirs") } else { key!("outbox.discard") })}
                </button>
            </div>
        </li>
    }
}
