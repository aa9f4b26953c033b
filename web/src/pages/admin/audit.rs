//! `/admin/audit`: the audit trail (审计日志), newest first. The filters live in the
//! URL's query string, so a search can be bookmarked, shared and gone back to.

use duban_api::audit::SearchAudit;
use duban_api::{ApiError, AuditQuery, AuditRecord};
use duban_case::lifecycle::ActionKind;
use duban_text::key;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::query_signal;

use super::{AdminOnly, role_label};
use crate::api;
use crate::components::field_errors::OtherErrors;
use crate::format::{actor_label, local_time};
use crate::i18n::{I18n, use_i18n};

/// Audit action prefixes of the mechanisms and the administration of rules, and the
/// sweeper's escalations, in the order the filter lists them after the case actions.
/// A prefix (ending in `.`) matches every action under it.
const MECHANISM_ACTIONS: [&str; 8] = [
    "case.escalate",
    "supervision.",
    "referral.",
    "incident.",
    "routing.",
    "sla.",
    "emergency.",
    "attachment.",
];

/// Audit action codes that are not case actions, in the order the filter lists them.
const OTHER_ACTIONS: [&str; 10] = [
    "import.commit",
    "personal_data.read",
    "user.create",
    "user.update",
    "unit.create",
    "unit.update",
    "routing.update",
    "auth.login",
    "auth.login_failed",
    "auth.logout",
];

/// An audit action code for people: known codes translated (case actions by their
/// life-cycle label), others as they are.
pub fn audit_action_label(i18n: I18n, code: &str) -> String {
    // A prefix of the filter: every action of a kind (`supervision.` → 跟进督办（全部）).
    if let Some(prefix) = code.strip_suffix('.') {
        return i18n
            .try_t(&format!("audit.action.{prefix}_any"))
            .map_or_else(|| code.to_owned(), str::to_owned);
    }
    if let Some(kind) = code
        .strip_prefix("case.")
        .and_then(|k| ActionKind::ALL.iter().find(|a| a.code() == k))
    {
        return format!(
            "{}{}",
            i18n.t(key!("audit.action.case")),
            kind.label(i18n.lang())
        );
    }
    i18n.try_t(&format!("audit.action.{code}"))
        .map_or_else(|| code.to_owned(), str::to_owned)
}

/// The filters of the search, as in the URL.
#[derive(Clone, Debug, Default, PartialEq)]
struct AuditFilters {
    actor: String,
    action: String,
    case_id: String,
    q: String,
    from: String,
    to: String,
}

/// The query-string keys, in the order of [`AuditFilters::values`].
const KEYS: [&str; 6] = ["actor", "action", "case_id", "q", "from", "to"];

impl AuditFilters {
    fn values(&self) -> [&str; 6] {
        [
            &self.actor,
            &self.action,
            &self.case_id,
            &self.q,
            &self.from,
            &self.to,
        ]
    }

    fn from_values(v: [String; 6]) -> AuditFilters {
        let [actor, action, case_id, q, from, to] = v;
        AuditFilters {
            actor,
            action,
            case_id,
            q,
            from,
            to,
        }
    }

    /// The search's query; `before` is the cursor of the page before (the server's).
    fn query(&self, before: Option<&str>) -> AuditQuery {
        let given = |v: &str| {
            let v = v.trim();
            (!v.is_empty()).then(|| v.to_owned())
        };
        AuditQuery {
            actor: given(&self.actor),
            action: given(&self.action),
            case_id: given(&self.case_id),
            q: given(&self.q),
            from: given(&self.from),
            to: given(&self.to),
            before: before.and_then(|b| b.parse().ok()),
            limit: Some(duban_api::DEFAULT_PAGE),
        }
    }
}

#[component]
pub fn AdminAuditPage() -> impl IntoView {
    view! { <AdminOnly><AuditSearch/></AdminOnly> }
}

#[component]
fn AuditSearch() -> impl IntoView {
    let i18n = use_i18n();
    // One signal per filter, kept in step with the URL by the router.
    let query = KEYS.map(query_signal::<String>);
    let applied = Memo::new(move |_| {
        AuditFilters::from_values(query.map(|(get, _)| get.get().unwrap_or_default()))
    });
    // What the form holds until it is submitted.
    let draft = RwSignal::new(applied.get_untracked());
    Effect::new(move |_| draft.set(applied.get()));

    let rows = RwSignal::new(Vec::<AuditRecord>::new());
    let total = RwSignal::new(None::<u64>);
    let cursor = RwSignal::new(None::<String>);
    let errors = RwSignal::new(Vec::<ApiError>::new());
    let loading = RwSignal::new(false);
    // Answers to an older search are dropped.
    let generation = StoredValue::new(0u64);

    let load = move |append: bool| {
        let before = if append { cursor.get_untracked() } else { None };
        let query = applied.get_untracked().query(before.as_deref());
        let lang = i18n.lang_untracked();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        loading.set(true);
        spawn_local(async move {
            let result = api::call::<SearchAudit>(&(), &query, &(), lang).await;
            if generation.get_value() != mine {
                return;
            }
            match result {
                Ok(page) => {
                    errors.set(Vec::new());
                    total.set(Some(page.total));
                    cursor.set(page.next_cursor);
                    if append {
                        rows.update(|r| r.extend(page.items));
                    } else {
                        rows.set(page.items);
                    }
                }
                Err(f) => errors.set(f.errors().to_vec()),
            }
            loading.set(false);
        });
    };
    Effect::new(move |_| {
        applied.track();
        load(false);
    });

    let apply = move |f: AuditFilters| {
        for ((_, set), v) in query.into_iter().zip(f.values()) {
            let v = v.trim();
            set.set((!v.is_empty()).then(|| v.to_owned()));
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let f = draft.get_untracked();
        if f == applied.get_untracked() {
            load(false);
        } else {
            apply(f);
        }
    };
    let set = move |change: fn(&mut AuditFilters, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            draft.update(|f| change(f, v));
        }
    };

    let action_options = move || {
        let mut codes: Vec<String> = vec!["case.".into(), "case.create".into()];
        codes.extend(ActionKind::ALL.iter().map(|k| format!("case.{}", k.code())));
        codes.extend(MECHANISM_ACTIONS.iter().map(|c| (*c).to_owned()));
        codes.extend(OTHER_ACTIONS.iter().map(|c| (*c).to_owned()));
        // A code from a shared link that the list does not know still shows.
        let current = draft.with(|f| f.action.clone());
        if !current.is_empty() && !codes.contains(&current) {
            codes.push(current);
        }
        codes
    };

    view! {
        <section>
            <div class="page-head">
                <h1>{move || i18n.t(key!("audit.title"))}</h1>
                <span class="count">{move || total.get().map(|n| format!("{} {n}", i18n.t(key!("cases.total"))))}</span>
            </div>
            <form class="filters" id="audit-filters" on:submit=on_submit>
                <input type="text" name="actor" placeholder=move || i18n.t(key!("audit.filter.actor"))
                    prop:value=move || draft.with(|f| f.actor.clone()) on:input=set(|f, v| f.actor = v)/>
                <select name="action" on:change=set(|f, v| f.action = v)>
                    <option value="" selected=move || draft.with(|f| f.action.is_empty())>{move || i18n.t(key!("audit.filter.all_actions"))}</option>
                    {move || action_options().into_iter().map(|code| {
                        let chosen = code.clone();
                        let label = code.clone();
                        view! {
                            <option value=code selected=move || draft.with(|f| f.action == chosen)>
                                {move || audit_action_label(i18n, &label)}
                            </option>
                        }
                    }).collect_view()}
                </select>
                <input type="text" name="case_id" class="wide" placeholder=move || i18n.t(key!("audit.filter.case"))
                    prop:value=move || draft.with(|f| f.case_id.clone()) on:input=set(|f, v| f.case_id = v)/>
                <input type="text" name="q" class="wide" placeholder=move || i18n.t(key!("audit.filter.q"))
                    prop:value=move || draft.with(|f| f.q.clone()) on:input=set(|f, v| f.q = v)/>
                <label class="inline-field">
                    {move || i18n.t(key!("audit.filter.from"))}
                    <input type="date" name="from" prop:value=move || draft.with(|f| f.from.clone()) on:input=set(|f, v| f.from = v)/>
                </label>
                <label class="inline-field">
                    {move || i18n.t(key!("audit.filter.to"))}
                    <input type="date" name="to" prop:value=move || draft.with(|f| f.to.clone()) on:input=set(|f, v| f.to = v)/>
                </label>
                <button type="submit" class="btn btn-primary" id="audit-search">{move || i18n.t(key!("audit.search"))}</button>
                <button type="button" class="btn" id="audit-reset" on:click=move |_| apply(AuditFilters::default())>
                    {move || i18n.t(key!("audit.reset"))}
                </button>
            </form>
            <OtherErrors fields=&[] errors/>
            <AuditTable rows=rows.into() with_target=true/>
            <Show when=move || rows.with(Vec::is_empty) && !loading.get() && errors.with(Vec::is_empty)>
                <p class="muted empty-note">{move || i18n.t(key!("audit.empty"))}</p>
            </Show>
            <Show when=move || cursor.get().is_some()>
                <div class="actions">
                    <button type="button" class="btn" id="audit-more" on:click=move |_| load(true) disabled=move || loading.get()>
                        {move || i18n.t(key!("cases.more"))}
                    </button>
                </div>
            </Show>
        </section>
    }
}

/// Audit records as a table, newest first: time (Beijing), actor, role, address,
/// action, target (a link when it is a case) and reason. The case page leaves the
/// target out: it is the case itself.
#[component]
pub fn AuditTable(rows: Signal<Vec<AuditRecord>>, with_target: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="data-table audit-table">
            <thead>
                <tr>
                    <th>{move || i18n.t(key!("audit.col.at"))}</th>
                    <th>{move || i18n.t(key!("audit.col.actor"))}</th>
                    <th>{move || i18n.t(key!("audit.col.role"))}</th>
                    <th>{move || i18n.t(key!("audit.col.ip"))}</th>
                    <th>{move || i18n.t(key!("audit.col.action"))}</th>
                    {with_target.then(|| view! { <th>{move || i18n.t(key!("audit.col.target"))}</th> })}
                    <th>{move || i18n.t(key!("audit.col.reason"))}</th>
                </tr>
            </thead>
            <tbody>
                <For each=move || rows.get() key=|r| r.seq let:r>
                    {
                        let e = r.entry;
                        let role = e.role.clone();
                        let action = e.action.clone();
                        let actor = e.actor.clone();
                        let target = match (&e.case_id, e.target.is_empty()) {
                            (Some(id), empty) => {
                                let text = if empty { id.clone() } else { e.target.clone() };
                                view! { <A href=format!("/cases/{id}") attr:class="case-link">{text}</A> }.into_any()
                            }
                            (None, _) => e.target.clone().into_any(),
                        };
                        view! {
                            <tr class="audit-row" data-seq=r.seq data-action=e.action.clone()>
                                <td class="nowrap">{local_time(e.at)}</td>
                                <td class="nowrap" data-actor=e.actor.clone()>{move || actor_label(&actor, i18n.lang())}</td>
                                <td class="nowrap" data-role=e.role.clone()>
                                    {move || if role.is_empty() { "—".to_owned() } else { role_label(i18n, &role) }}
                                </td>
                                <td class="nowrap" title=e.user_agent.clone()>{if e.ip.is_empty() { "—".to_owned() } else { e.ip.clone() }}</td>
                                <td class="nowrap" data-code=e.action.clone()>{move || audit_action_label(i18n, &action)}</td>
                                {with_target.then(|| view! { <td>{target}</td> })}
                                <td>{e.reason.clone()}</td>
                            </tr>
                        }
                    }
                </For>
            </tbody>
        </table>
    }
}
