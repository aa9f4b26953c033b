//! `/clearing`: the daily clearing view (日有日清). One row per lead unit with what waits
//! for dispatch or sign-for, what falls due today and what is overdue; a count picks
//! the cases below. Handlers see their own jurisdiction (the server decides). The view
//! refreshes itself every minute.

use duban_api::dispatch::Clearing;
use duban_text::key;
use std::time::Duration;

use duban_api::{ApiError, ClearingCase, ClearingRow, ClearingView};
use duban_dispatch::Bucket;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api;
use crate::components::field_errors::OtherErrors;
use crate::dispatch_view::{bucket_code, bucket_key};
use crate::format::local_time;
use crate::i18n::use_i18n;
use crate::sla_view::SlaBadge;

/// How often the view asks the server again.
const REFRESH: Duration = Duration::from_secs(60);
/// Cases listed at most below the table, unpicked.
const SHOWN_MAX: usize = 500;

/// A count clicked in the table: the cases of one unit (`None`: not yet dispatched,
/// so no unit) in one column.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Pick {
    unit: Option<String>,
    bucket: Bucket,
}

fn count(row: &ClearingRow, b: Bucket) -> u64 {
    match b {
        Bucket::NotDispatched => row.not_dispatched,
        Bucket::NotSigned => row.not_signed,
        Bucket::DueToday => row.due_today,
        Bucket::Overdue => row.overdue,
    }
}

/// The cases a pick selects, all of them without one.
fn picked<'a>(cases: &'a [ClearingCase], pick: Option<&Pick>) -> Vec<&'a ClearingCase> {
    cases
        .iter()
        .filter(|c| pick.is_none_or(|p| c.unit_id == p.unit && c.buckets.contains(&p.bucket)))
        .collect()
}

#[component]
pub fn ClearingPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = RwSignal::new(None::<ClearingView>);
    let errors = RwSignal::new(Vec::<ApiError>::new());
    let loading = RwSignal::new(false);
    let pick = RwSignal::new(None::<Pick>);

    let load = move |used: api::Use| {
        if loading.get_untracked() {
            return;
        }
        loading.set(true);
        let lang = i18n.lang_untracked();
        spawn_local(async move {
            match api::call_with::<Clearing>(&(), &(), &(), used.into(), lang).await {
                Ok(v) => {
                    data.set(Some(v));
                    errors.set(Vec::new());
                }
                Err(f) => errors.set(f.errors().to_vec()),
            }
            loading.set(false);
        });
    };
    load(api::Use::User);
    // Refresh in place; the interval ends with the page.
    if let Ok(handle) = set_interval_with_handle(move || load(api::Use::Background), REFRESH) {
        on_cleanup(move || handle.clear());
    }

    // The name of a row's unit: "not yet dispatched" in the reader's language.
    let unit_label = move |row: &ClearingRow| match row.unit_id {
        Some(_) => row.unit_name.clone(),
        None => i18n.t(key!("clearing.unassigned")).to_owned(),
    };

    view! {
        <section>
            <div class="page-head">
                <h1>{move || i18n.t(key!("clearing.title"))}</h1>
                <div class="actions">
                    <span class="muted" id="clearing-as-of">
                        {move || data.with(|d| d.as_ref().map(|d| format!(
                            "{}{}{}", i18n.t(key!("clearing.as_of")), local_time(d.as_of), i18n.t(key!("clearing.china_time")))))}
                    </span>
                    <button type="button" class="btn" id="clearing-refresh" disabled=move || loading.get()
                        on:click=move |_| load(api::Use::User)>
                        {move || i18n.t(key!("clearing.refresh"))}
                    </button>
                </div>
            </div>
            <p class="hint">{move || i18n.t(key!("clearing.hint"))}</p>
            <OtherErrors fields=&[] errors/>
            <Show when=move || data.with(|d| d.as_ref().is_some_and(|d| d.truncated))>
                <p class="banner banner-warn" id="clearing-truncated">{move || i18n.t(key!("clearing.truncated"))}</p>
            </Show>
            <table class="data-table clearing-table" id="clearing-table">
                <thead>
                    <tr>
                        <th>{move || i18n.t(key!("clearing.col.unit"))}</th>
                        {Bucket::ALL.into_iter().map(|b| view! {
                            <th class="num" data-bucket=bucket_code(b)>{move || i18n.t(bucket_key(b))}</th>
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {move || data.get().map(|d| d.rows.into_iter().map(|row| {
                        let unit = row.unit_id.clone();
                        let name = unit_label(&row);
                        let this = unit.clone();
                        view! {
                            <tr class="clearing-row" data-unit=unit.clone().unwrap_or_default()
                                class:row-picked=move || pick.with(|p| p.as_ref().is_some_and(|p| p.unit == this))>
                                <td class="unit-name">{name}</td>
                                {Bucket::ALL.into_iter().map(|b| view! {
                                    <CountCell n=count(&row, b) bucket=b unit=unit.clone() pick/>
                                }).collect_view()}
                            </tr>
                        }
                    }).collect_view())}
                    <Show when=move || data.with(|d| d.as_ref().is_some_and(|d| d.rows.is_empty()))>
                        <tr><td class="empty" colspan="5" id="clearing-empty">{move || i18n.t(key!("clearing.empty"))}</td></tr>
                    </Show>
                    <Show when=move || data.with(Option::is_none) && errors.with(Vec::is_empty)>
                        <tr><td class="empty" colspan="5">{move || i18n.t(key!("common.loading"))}</td></tr>
                    </Show>
                </tbody>
                <Show when=move || data.with(|d| d.as_ref().is_some_and(|d| d.rows.len() > 1))>
                    <tfoot>
                        <tr class="clearing-total">
                            <th>{move || i18n.t(key!("clearing.total"))}</th>
                            {Bucket::ALL.into_iter().map(|b| view! {
                                <td class="num" data-bucket=bucket_code(b)>
                                    {move || data.with(|d| d.as_ref().map_or(0, |d| d.rows.iter().map(|r| count(r, b)).sum::<u64>()))}
                                </td>
                            }).collect_view()}
                        </tr>
                    </tfoot>
                </Show>
            </table>

            <div class="page-head clearing-cases-head">
                <h2 id="clearing-cases-title">
                    {move || {
                        let base = i18n.t(key!("clearing.cases"));
                        match pick.get() {
                            None => base.to_owned(),
                            Some(p) => {
                                let unit = data.with(|d| d.as_ref().and_then(|d| d.rows.iter().find(|r| r.unit_id == p.unit).map(unit_label)))
                                    .unwrap_or_else(|| p.unit.clone().unwrap_or_default());
                                format!("{base} · {unit} · {}", i18n.t(bucket_key(p.bucket)))
                            }
                        }
                    }}
                </h2>
                <Show when=move || pick.with(Option::is_some)>
                    <button type="button" class="btn btn-small" id="clearing-show-all" on:click=move |_| pick.set(None)>
                        {move || i18n.t(key!("clearing.show_all"))}
                    </button>
                </Show>
            </div>
            <table class="data-table" id="clearing-cases">
                <thead>
                    <tr>
                        <th>{move || i18n.t(key!("cases.col.reference"))}</th>
                        <th>{move || i18n.t(key!("cases.col.division"))}</th>
                        <th>{move || i18n.t(key!("cases.col.lead_unit"))}</th>
                        <th>{move || i18n.t(key!("cases.col.status"))}</th>
                        <th>{move || i18n.t(key!("cases.col.deadline"))}</th>
                        <th>{move || i18n.t(key!("clearing.col.buckets"))}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || data.with(|d| {
                        let Some(d) = d else { return ().into_any() };
                        let chosen = pick.get();
                        let shown = picked(&d.cases, chosen.as_ref());
                        let more = shown.len().saturating_sub(SHOWN_MAX);
                        let empty = shown.is_empty();
                        let rows = shown.into_iter().take(SHOWN_MAX).map(|c| {
                            let unit = d.rows.iter().find(|r| r.unit_id == c.unit_id).map(unit_label).unwrap_or_default();
                            view! { <ClearingCaseRow c=c.clone() unit/> }
                        }).collect_view();
                        view! {
                            {rows}
                            {empty.then(|| view! { <tr><td class="empty" colspan="6">{move || i18n.t(key!("clearing.no_cases"))}</td></tr> })}
                            {(more > 0).then(|| view! {
                                <tr><td class="empty" colspan="6" id="clearing-cases-more">
                                    {move || format!("{}{more}{}", i18n.t(key!("clearing.more_before")), i18n.t(key!("clearing.more_after")))}
                                </td></tr>
                            })}
                        }.into_any()
                    })}
                </tbody>
            </table>
        </section>
    }
}

/// One count of the table: a muted zero, or a number that picks its cases (overdue in
/// red).
#[component]
fn CountCell(
    n: u64,
    bucket: Bucket,
    unit: Option<String>,
    pick: RwSignal<Option<Pick>>,
) -> impl IntoView {
    let code = bucket_code(bucket);
    let this = Pick { unit, bucket };
    let mine = this.clone();
    view! {
        <td class="num" data-bucket=code data-count=n>
            {match n {
                0 => view! { <span class="muted count-zero">"0"</span> }.into_any(),
                _ => view! {
                    <button type="button" class="count-link"
                        class:count-overdue={bucket == Bucket::Overdue}
                        class:picked=move || pick.with(|p| p.as_ref() == Some(&mine))
                        on:click=move |_| {
                            let next = this.clone();
                            pick.update(|p| *p = if p.as_ref() == Some(&next) { None } else { Some(next) });
                        }>
                        {n}
                    </button>
                }.into_any(),
            }}
        </td>
    }
}

/// One case of the view: reference, division, lead unit, status, live SLA badge and the
/// columns it falls in.
#[component]
fn ClearingCaseRow(c: ClearingCase, unit: String) -> impl IntoView {
    let i18n = use_i18n();
    let s = c.summary;
    let status = s.status;
    view! {
        <tr class="clearing-case" data-id=s.id.to_string() data-unit=c.unit_id.clone().unwrap_or_default()>
            <td class="nowrap">
                <A href=format!("/cases/{}", s.id) attr:class="case-link">{s.reference.to_string()}</A>
                {(!s.key_classes.is_empty()).then(|| view! { <span class="tag tag-key">{move || i18n.t(key!("cases.key"))}</span> })}
            </td>
            <td>{s.division_name.clone()}</td>
            <td>{unit}</td>
            <td class="nowrap">
                <span class="status" data-status=status.code()>{move || status.label(i18n.lang())}</span>
                {s.paused.then(|| view! { <span class="tag">{move || i18n.t(key!("cases.paused"))}</span> })}
            </td>
            <td class="nowrap">{s.clock.clone().map(|clock| view! { <SlaBadge clock=clock with_stage=true/> })}</td>
            <td class="buckets">
                {c.buckets.iter().map(|&b| view! {
                    <span class="tag bucket" class:tag-overdue={b == Bucket::Overdue} data-bucket=bucket_code(b)>
                        {move || i18n.t(bucket_key(b))}
                    </span>
                }).collect_view()}
            </td>
        </tr>
    }
}
