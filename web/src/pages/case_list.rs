//! `/`: the case list (信访件列表) with filters, keyset paging and live SLA badges.
//! With a batch chosen, administrators and coordinators can dispatch the whole batch as
//! the routing rules propose (整批交办), after confirming on the page.

use duban_api::cases::ListCases;
use duban_api::dispatch::DispatchBatch;
use duban_api::export::{ExportCsv, ExportXlsx};
use duban_api::{ApiError, BatchDispatch, BatchDispatchResult, CaseSummary, Endpoint, ListQuery};
use duban_case::model::{Category, Status};
use duban_text::key;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::components::field_errors::{ApiFieldErrors, OtherErrors, local_error};
use crate::i18n::use_i18n;
use crate::numeric::NumericText;
use crate::session::{DISPATCH_ROLES, use_current_user};
use crate::sla_view::SlaBadge;

/// The list's filters, as in the address's query string (`/?status=reported&batch=3`):
/// a filtered list can be bookmarked, shared, and is there again after going back.
#[derive(Clone, Debug, Default, PartialEq)]
struct Filters {
    status: String,
    division: String,
    category: String,
    key: String,
    batch: String,
    /// Received from / to (`2023-07-01`): what the map board links with.
    from: String,
    to: String,
}

/// The query-string keys, in the order of [`Filters::values`].
const KEYS: [&str; 7] = [
    "status", "division", "category", "key", "batch", "from", "to",
];

impl Filters {
    fn values(&self) -> [&str; 7] {
        [
            &self.status,
            &self.division,
            &self.category,
            &self.key,
            &self.batch,
            &self.from,
            &self.to,
        ]
    }

    /// The filters an address names (`get`: a query parameter's value); blank and
    /// missing ones are "any".
    fn from_query(get: impl Fn(&str) -> Option<String>) -> Filters {
        let [status, division, category, key, batch, from, to] =
            KEYS.map(|k| get(k).map(|v| v.trim().to_owned()).unwrap_or_default());
        Filters {
            status,
            division,
            category,
            key,
            batch,
            from,
            to,
        }
    }

    /// The query string of these filters (`?status=reported`, empty for none).
    fn search(&self) -> String {
        crate::api::query_string(KEYS.into_iter().zip(self.values()))
    }

    /// The list's query for these filters: a batch or key the address spells wrongly
    /// is refused here (the field and the error code), as the server would.
    fn list_query(&self) -> Result<ListQuery, (&'static str, &'static str)> {
        let given = |v: &str| (!v.is_empty()).then(|| v.to_owned());
        let batch = match self.batch.as_str() {
            "" => None,
            b => Some(b.parse().map_err(|_| ("batch", "batch.out_of_range"))?),
        };
        let key = match self.key.as_str() {
            "" => None,
            "true" => Some(true),
            "false" => Some(false),
            _ => return Err(("key", "query.invalid")),
        };
        Ok(ListQuery {
            status: given(&self.status),
            division: given(&self.division),
            category: given(&self.category),
            key,
            batch,
            from: given(&self.from),
            to: given(&self.to),
            cursor: None,
            limit: None,
        })
    }

    /// The CSV export of every case these filters match (no paging); none for filters
    /// the list refuses.
    fn export_href(&self) -> Option<String> {
        self.list_query().ok().map(|q| ExportCsv::url(&(), &q))
    }

    /// The same table as an Excel workbook.
    fn export_xlsx_href(&self) -> Option<String> {
        self.list_query().ok().map(|q| ExportXlsx::url(&(), &q))
    }
}

#[component]
pub fn CaseListPage() -> impl IntoView {
    let i18n = use_i18n();
    // The address is where the filters live: read from it, written to it.
    let query = use_query_map();
    let filters = Memo::new(move |_| query.with(|q| Filters::from_query(|k| q.get(k))));
    let navigate = use_navigate();
    let rows = RwSignal::new(Vec::<CaseSummary>::new());
    let total = RwSignal::new(None::<(u64, bool)>);
    let cursor = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    // The server was not reached: the cases kept on this device are offered instead.
    let unreachable = RwSignal::new(false);
    let loading = RwSignal::new(false);
    // Answers to an older reading (filters changed, back or forward) are dropped.
    let generation = StoredValue::new(0u64);

    let load = move |append: bool| {
        let query = filters.get_untracked().list_query().map(|q| ListQuery {
            cursor: if append { cursor.get_untracked() } else { None },
            limit: Some(duban_api::DEFAULT_PAGE),
            ..q
        });
        let query = match query {
            Ok(q) => q,
            Err((field, code)) => {
                rows.set(Vec::new());
                total.set(None);
                error.set(Some(local_error(i18n, field, code).message));
                return;
            }
        };
        let lang = i18n.lang_untracked();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        loading.set(true);
        spawn_local(async move {
            let result = api::call::<ListCases>(&(), &query, &(), lang).await;
            if generation.get_value() != mine {
                return;
            }
            match result {
                Ok(page) => {
                    error.set(None);
                    unreachable.set(false);
                    total.set(Some((page.total, page.total_capped)));
                    cursor.set(page.next_cursor);
                    if append {
                        rows.update(|r| r.extend(page.items));
                    } else {
                        rows.set(page.items);
                    }
                }
                Err(f) => {
                    unreachable.set(crate::offline::unreachable(&f));
                    error.set(Some(f.summary()));
                }
            }
            loading.set(false);
        });
    };
    // The server answers again: read the list it could not give.
    let back = window_event_listener_untyped(crate::api::REACH_EVENT, move |_| {
        if crate::api::server_reached() && unreachable.get_untracked() {
            load(false);
        }
    });
    on_cleanup(move || back.remove());
    Effect::new(move |_| {
        filters.track();
        load(false);
    });

    // Dispatching the chosen batch: confirm, send, report.
    let user = use_current_user();
    let batch = Memo::new(move |_| filters.with(|f| f.batch.clone()));
    let confirming = RwSignal::new(false);
    let dispatch_note = RwSignal::new(String::new());
    let dispatch_busy = RwSignal::new(false);
    let dispatch_errors = RwSignal::new(Vec::<ApiError>::new());
    let dispatch_result = RwSignal::new(None::<BatchDispatchResult>);
    Effect::new(move |_| {
        batch.track();
        confirming.set(false);
        dispatch_errors.set(Vec::new());
        dispatch_result.set(None);
    });
    let dispatch_batch = move || {
        if dispatch_busy.get_untracked() {
            return;
        }
        let Ok(number) = batch.get_untracked().trim().parse::<u16>() else {
            dispatch_errors.set(vec![local_error(i18n, "batch", "batch.out_of_range")]);
            return;
        };
        let body = BatchDispatch {
            batch: Some(number),
            case_ids: Vec::new(),
            note: dispatch_note.get_untracked().trim().to_owned(),
        };
        let lang = i18n.lang_untracked();
        dispatch_busy.set(true);
        spawn_local(async move {
            match api::call::<DispatchBatch>(&(), &(), &body, lang).await {
                Ok(r) => {
                    dispatch_result.set(Some(r));
                    dispatch_errors.set(Vec::new());
                    confirming.set(false);
                    dispatch_note.set(String::new());
                    load(false);
                }
                Err(f) => dispatch_errors.set(f.errors().to_vec()),
            }
            dispatch_busy.set(false);
        });
    };

    // A choice from a list is a step of its own (back returns to the list before it);
    // typing a batch number replaces the address as it goes.
    let set_text = move |apply: fn(&mut Filters, String), replace: bool| {
        let navigate = navigate.clone();
        move |v: String| {
            let mut next = filters.get_untracked();
            apply(&mut next, v);
            if next == filters.get_untracked() {
                return;
            }
            let options = NavigateOptions {
                replace,
                scroll: false,
                ..NavigateOptions::default()
            };
            navigate(&format!("/{}", next.search()), options);
        }
    };
    let set = {
        let set_text = set_text.clone();
        move |apply: fn(&mut Filters, String), replace: bool| {
            let set = set_text.clone()(apply, replace);
            move |ev: leptos::ev::Event| set(event_target_value(&ev))
        }
    };

    view! {
        <section>
            <div class="page-head">
                <h1>{move || i18n.t(key!("cases.title"))}</h1>
                <div class="actions">
                    // A plain link: `download` keeps the router out and saves the file.
                    <a class="btn" id="export-csv" rel="external" download=""
                        href=move || filters.with(Filters::export_href)>
                        {move || i18n.t(key!("cases.export_csv"))}
                    </a>
                    <a class="btn" id="export-xlsx" rel="external" download=""
                        href=move || filters.with(Filters::export_xlsx_href)>
                        {move || i18n.t(key!("cases.export_xlsx"))}
                    </a>
                    <Show when=move || user.has_role(DISPATCH_ROLES) && batch.with(|b| !b.is_empty())>
                        <button type="button" class="btn" id="dispatch-batch"
                            disabled=move || dispatch_busy.get() || confirming.get()
                            on:click=move |_| {
                                dispatch_result.set(None);
                                dispatch_errors.set(Vec::new());
                                confirming.set(true);
                            }>
                            {move || i18n.t(key!("dispatch.batch"))}
                        </button>
                    </Show>
                    <Show when=move || crate::session::use_current_user().has_role(crate::session::DISPATCH_ROLES)>
                        <A href="/cases/new" attr:class="btn btn-primary" attr:id="new-case">{move || i18n.t(key!("nav.new_case"))}</A>
                    </Show>
                </div>
            </div>
            <div class="filters">
                <select name="status" on:change=set(|f, v| f.status = v, false)>
                    <option value="" selected=move || filters.with(|f| f.status.is_empty())>{move || i18n.t(key!("filter.all_status"))}</option>
                    {Status::ALL.iter().map(|s| view! {
                        <option value=s.code() selected=move || filters.with(|f| f.status == s.code())>{move || s.label(i18n.lang())}</option>
                    }).collect_view()}
                </select>
                <select name="division" on:change=set(|f, v| f.division = v, false)>
                    <option value="" selected=move || filters.with(|f| f.division.is_empty())>{move || i18n.t(key!("filter.all_cities"))}</option>
                    {duban_divisions::cities().map(|c| {
                        let code = c.code().short();
                        let chosen = code.clone();
                        view! {
                            <option value=code selected=move || filters.with(|f| f.division == chosen)>{c.name()}</option>
                        }
                    }).collect_view()}
                </select>
                <select name="category" on:change=set(|f, v| f.category = v, false)>
                    <option value="" selected=move || filters.with(|f| f.category.is_empty())>{move || i18n.t(key!("filter.all_categories"))}</option>
                    {Category::ALL.iter().map(|c| view! {
                        <option value=c.code() selected=move || filters.with(|f| f.category == c.code())>{move || c.label(i18n.lang())}</option>
                    }).collect_view()}
                </select>
                <select name="key" on:change=set(|f, v| f.key = v, false)>
                    <option value="" selected=move || filters.with(|f| f.key.is_empty())>{move || i18n.t(key!("filter.key_any"))}</option>
                    <option value="true" selected=move || filters.with(|f| f.key == "true")>{move || i18n.t(key!("filter.key_only"))}</option>
                    <option value="false" selected=move || filters.with(|f| f.key == "false")>{move || i18n.t(key!("filter.key_none"))}</option>
                </select>
                <NumericText name="batch" attr:placeholder=move || i18n.t(key!("filter.batch"))
                    text=Signal::derive(move || filters.with(|f| f.batch.clone()))
                    on_text=set_text(|f, v| f.batch = v.trim().to_owned(), true)/>
                <input type="date" name="from" title=move || i18n.t(key!("board.from"))
                    prop:value=move || filters.with(|f| f.from.clone())
                    on:change=set(|f, v| f.from = v.trim().to_owned(), false)/>
                <input type="date" name="to" title=move || i18n.t(key!("board.to"))
                    prop:value=move || filters.with(|f| f.to.clone())
                    on:change=set(|f, v| f.to = v.trim().to_owned(), false)/>
                <span class="count">
                    {move || total.get().map(|(n, capped)| format!("{} {n}{}", i18n.t(key!("cases.total")), if capped { "+" } else { "" }))}
                </span>
            </div>
            <Show when=move || error.get().is_some() && !unreachable.get()>
                <p class="banner banner-error" id="cases-error">{move || error.get()}</p>
            </Show>
            <Show when=move || unreachable.get()>
                <div class="banner banner-warn" id="cases-offline">
                    <p>{move || i18n.t(key!("offline.cases_kept"))}</p>
                    <ul>
                        {crate::offline::remembered_cases().into_iter().map(|(id, reference, place)| view! {
                            <li><A href=format!("/cases/{id}")>{reference}</A> " · " {place}</li>
                        }).collect_view()}
                    </ul>
                </div>
            </Show>
            <Show when=move || confirming.get()>
                <form class="form action-panel" id="dispatch-confirm" novalidate
                    on:submit=move |ev| { ev.prevent_default(); dispatch_batch(); }>
                    <h3>{move || i18n.t(key!("dispatch.batch"))}</h3>
                    <p id="dispatch-confirm-text">
                        {move || format!("{}{}{}", i18n.t(key!("dispatch.confirm_before")), batch.get().trim(), i18n.t(key!("dispatch.confirm_after")))}
                    </p>
                    <label class="field field-wide">
                        <span class="label">{move || i18n.t(key!("action.note"))}</span>
                        <textarea name="note" id="dispatch-note" rows="2" maxlength="500"
                            prop:value=move || dispatch_note.get()
                            on:input=move |ev| dispatch_note.set(event_target_value(&ev))></textarea>
                        <ApiFieldErrors field="note" errors=dispatch_errors/>
                    </label>
                    <OtherErrors fields=&["note"] errors=dispatch_errors/>
                    <div class="actions">
                        <button type="submit" class="btn btn-primary" id="dispatch-batch-confirm" disabled=move || dispatch_busy.get()>
                            {move || if dispatch_busy.get() { i18n.t(key!("common.saving")) } else { i18n.t(key!("dispatch.confirm")) }}
                        </button>
                        <button type="button" class="btn" id="dispatch-batch-cancel"
                            on:click=move |_| { confirming.set(false); dispatch_errors.set(Vec::new()); }>
                            {move || i18n.t(key!("action.cancel"))}
                        </button>
                    </div>
                </form>
            </Show>
            {move || dispatch_result.get().map(|r| view! { <DispatchResult result=r on_close=move || dispatch_result.set(None)/> })}
            <table class="data-table" id="case-table">
                <thead>
                    <tr>
                        <th>{move || i18n.t(key!("cases.col.reference"))}</th>
                        <th>{move || i18n.t(key!("cases.col.division"))}</th>
                        <th>{move || i18n.t(key!("cases.col.category"))}</th>
                        <th>{move || i18n.t(key!("cases.col.content"))}</th>
                        <th>{move || i18n.t(key!("cases.col.received"))}</th>
                        <th>{move || i18n.t(key!("cases.col.status"))}</th>
                        <th>{move || i18n.t(key!("cases.col.deadline"))}</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || rows.get() key=|c| (c.id, c.version) let:c>
                        <CaseRow c=c/>
                    </For>
                    <Show when=move || rows.with(Vec::is_empty) && !loading.get() && error.get().is_none()>
                        <tr><td class="empty" colspan="7">
                            {move || if filters.get() == Filters::default() { i18n.t(key!("cases.empty")) } else { i18n.t(key!("cases.no_match")) }}
                        </td></tr>
                    </Show>
                </tbody>
            </table>
            <Show when=move || cursor.get().is_some()>
                <div class="actions">
                    <button type="button" class="btn" on:click=move |_| load(true) disabled=move || loading.get()>
                        {move || i18n.t(key!("cases.more"))}
                    </button>
                </div>
            </Show>
            <p class="legend">
                <span class="legend-label">{move || i18n.t(key!("cases.legend"))}</span>
                <span class="badge badge-ok">{move || i18n.t(key!("status.on_time"))}</span>
                <span class="badge badge-warn">{move || i18n.t(key!("status.due_soon"))}</span>
                <span class="badge badge-overdue">{move || i18n.t(key!("status.overdue"))}</span>
            </p>
        </section>
    }
}

/// What a batch dispatch did: how many cases went out, and which were left alone and
/// why.
#[component]
fn DispatchResult(
    result: BatchDispatchResult,
    on_close: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let BatchDispatchResult {
        dispatched: sent,
        skipped: left,
    } = result;
    let (done, skipped) = (sent.len(), left.len());
    let class = if skipped == 0 {
        "banner banner-ok dispatch-result"
    } else {
        "banner banner-warn dispatch-result"
    };
    view! {
        <div class=class id="dispatch-result" data-dispatched=done data-skipped=skipped>
            <p>
                {move || i18n.t(key!("dispatch.result_dispatched"))}
                " "<strong id="dispatched-count">{done}</strong>" "
                {move || i18n.t(key!("dispatch.cases"))}
                {move || i18n.t(key!("dispatch.result_sep"))}
                {move || i18n.t(key!("dispatch.result_skipped"))}
                " "<strong id="skipped-count">{skipped}</strong>" "
                {move || i18n.t(key!("dispatch.cases"))}
                <button type="button" class="btn btn-small result-close" id="dispatch-result-close" on:click=move |_| on_close()>
                    {move || i18n.t(key!("dispatch.close"))}
                </button>
            </p>
            {(done == 0 && skipped == 0).then(|| view! {
                <p id="dispatch-nothing">{move || i18n.t(key!("dispatch.nothing"))}</p>
            })}
            {(skipped > 0).then(move || view! {
                <p class="result-head">{move || i18n.t(key!("dispatch.skipped_title"))}</p>
                <ul class="result-list" id="skipped-list">
                    {left.into_iter().map(|s| {
                        let reason = ApiError { field: String::new(), code: s.code.clone(), message: s.message, params: Default::default(), };
                        view! {
                            <li class="skipped-case" data-id=s.id.clone() data-code=s.code>
                                <A href=format!("/cases/{}", s.id) attr:class="case-link">{s.reference}</A>
                                "："
                                <span class="reason">{move || i18n.error(&reason)}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            {(done > 0).then(move || view! {
                <details class="result-details">
                    <summary>{move || i18n.t(key!("dispatch.dispatched_title"))}</summary>
                    <ul class="result-list" id="dispatched-list">
                        {sent.into_iter().map(|d| view! {
                            <li class="dispatched-case" data-id=d.id.clone() data-unit=d.lead_unit>
                                <A href=format!("/cases/{}", d.id) attr:class="case-link">{d.reference}</A>
                                " → "{d.lead_unit_name}
                                {(!d.why.is_empty()).then(|| view! {
                                    <span class="muted routed-why">"（"{d.why.join("；")}"）"</span>
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                </details>
            })}
        </div>
    }
}

#[component]
fn CaseRow(c: CaseSummary) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/cases/{}", c.id);
    let status = c.status;
    let paused = c.paused;
    let key = !c.key_classes.is_empty();
    let cats = c.categories.clone();
    view! {
        // On a phone the row is a card (web/style.css): the cells' classes place them,
        // `data-label` names the ones whose meaning is not plain from the value.
        <tr class="case-row" data-id=c.id.to_string() data-status=status.code()>
            <td class="nowrap cell-ref">
                <A href=href attr:class="case-link">{c.reference.to_string()}</A>
                {key.then(|| view! { <span class="tag tag-key">{move || i18n.t(key!("cases.key"))}</span> })}
            </td>
            <td class="cell-division">{c.division_name.clone()}</td>
            <td class="cell-category">{move || cats.iter().map(|k| k.label(i18n.lang())).collect::<Vec<_>>().join("、")}</td>
            <td class="excerpt cell-excerpt">{c.excerpt.clone()}</td>
            <td class="nowrap cell-received" data-label=move || i18n.t(key!("cases.col.received"))>{crate::format::local_time(c.received_at)}</td>
            <td class="nowrap cell-status">
                <span class="status" data-status=status.code()>{move || status.label(i18n.lang())}</span>
                {paused.then(|| view! { <span class="tag">{move || i18n.t(key!("cases.paused"))}</span> })}
            </td>
            <td class="nowrap cell-deadline" data-label=move || i18n.t(key!("cases.col.deadline"))>{c.clock.clone().map(|clock| view! { <SlaBadge clock=clock with_stage=true/> })}</td>
        </tr>
    }
}
