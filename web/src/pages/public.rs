//! `/public` and `/public/batches/:batch`: the public disclosure (信息公开), open to
//! everyone without signing in. Per batch, the table provinces publish (序号, 交办编号,
//! 行政区域, 污染类型, 调查核实情况, 处理和整改情况, 问责情况) for the cases a
//! coordinator cleared, the batch's totals, CSV and Excel downloads of the same table,
//! and a print layout (the navigation and buttons are not printed).

use duban_api::Endpoint;
use duban_api::keys::BatchKey;
use duban_api::public::{GetPublicBatch, PublicBatches, PublicTableCsv, PublicTableXlsx};
use duban_api::{ApiError, PublicBatch, PublicBatchSummary};
use duban_text::key;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::components::field_errors::{OtherErrors, local_error};
use crate::i18n::use_i18n;

fn fill(template: &str, pairs: &[(&str, String)]) -> String {
    let mut out = template.to_owned();
    for (k, v) in pairs {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

#[component]
pub fn PublicIndexPage() -> impl IntoView {
    let i18n = use_i18n();
    let batches: RwSignal<Option<Vec<PublicBatchSummary>>> = RwSignal::new(None);
    let errors: RwSignal<Vec<ApiError>> = RwSignal::new(Vec::new());
    let lang = i18n.lang_untracked();
    spawn_local(async move {
        match api::call::<PublicBatches>(&(), &(), &(), lang).await {
            Ok(b) => batches.set(Some(b)),
            Err(f) => errors.set(f.errors().to_vec()),
        }
    });
    view! {
        <div class="public">
            <h1>{move || i18n.t(key!("public.title"))}</h1>
            <p class="hint">{move || i18n.t(key!("public.index_intro"))}</p>
            <OtherErrors fields=&[] errors=errors/>
            {move || batches.get().map(|list| {
                if list.is_empty() {
                    view! { <p class="empty-note" id="public-none">{i18n.t(key!("public.none"))}</p> }.into_any()
                } else {
                    let lang = i18n.lang();
                    view! {
                        <ul class="public-batches" id="public-batches">
                            {list.into_iter().map(|b| {
                                let title = fill(i18n.t(key!("public.batch_title")), &[("n", b.batch.to_string())]);
                                let count = key!("public.batch_count").fill(
                                    lang,
                                    &[("published", b.published.to_string()), ("total", b.total.to_string())],
                                );
                                view! {
                                    <li><A href=format!("/public/batches/{}", b.batch)>{title}</A>
                                        <span class="muted">{count}</span></li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            })}
        </div>
    }
}

#[component]
pub fn PublicBatchPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let batch = Memo::new(move |_| params.get().get("batch").unwrap_or_default());
    let data: RwSignal<Option<PublicBatch>> = RwSignal::new(None);
    let errors: RwSignal<Vec<ApiError>> = RwSignal::new(Vec::new());
    Effect::new(move |_| {
        let b = batch.get();
        let lang = i18n.lang();
        data.set(None);
        errors.set(Vec::new());
        // A batch number that is not one is answered as the server would.
        let Ok(b) = b.parse::<u32>() else {
            errors.set(vec![local_error(i18n, "batch", "batch.out_of_range")]);
            return;
        };
        spawn_local(async move {
            match api::call::<GetPublicBatch>(&BatchKey::new(b), &(), &(), lang).await {
                Ok(p) => data.set(Some(p)),
                Err(f) => errors.set(f.errors().to_vec()),
            }
        });
    });
    let print = move |_| {
        let _ = leptos::prelude::window().print();
    };
    view! {
        <div class="public">
            <p class="no-print"><A href="/public">{move || format!("‹ {}", i18n.t(key!("public.back")))}</A></p>
            <OtherErrors fields=&[] errors=errors/>
            {move || data.get().map(|p| {
                let lang = i18n.lang();
                let o = p.outcomes;
                let totals = fill(i18n.t(key!("public.totals")), &[
                    ("total", p.total.to_string()),
                    ("concluded", o.concluded.to_string()),
                    ("rect", o.rectification_orders.to_string()),
                    ("pen", o.penalty_cases.to_string()),
                    ("fines", duban_api::fines_text(o.fines_yuan, lang)),
                    ("crim", o.criminal_cases.to_string()),
                    ("summ", o.officials_summoned.to_string()),
                    ("acct", o.officials_accountable.to_string()),
                ]);
                let n = p.batch;
                view! {
                    <h1 id="public-title">{fill(i18n.t(key!("public.batch_title")), &[("n", n.to_string())])}</h1>
                    <p id="public-totals">{totals}</p>
                    <p class="hint">{format!("{} {}", i18n.t(key!("public.as_of")), crate::format::local_time(p.as_of))}</p>
                    <div class="actions no-print">
                        <button type="button" class="btn" id="public-print" on:click=print>{i18n.t(key!("public.print"))}</button>
                        <a class="btn" id="public-csv" href=PublicTableCsv::url(&BatchKey::new(n), &())>{i18n.t(key!("public.csv"))}</a>
                        <a class="btn" id="public-xlsx" href=PublicTableXlsx::url(&BatchKey::new(n), &())>{i18n.t(key!("public.xlsx"))}</a>
                    </div>
                    <div class="table-scroll">
                    <table class="data-table public-table" id="public-table">
                        <thead><tr>
                            <th>{i18n.t(key!("public.col.number"))}</th>
                            <th>{i18n.t(key!("public.col.reference"))}</th>
                            <th>{i18n.t(key!("public.col.division"))}</th>
                            <th>{i18n.t(key!("public.col.category"))}</th>
                            <th>{i18n.t(key!("public.col.verification"))}</th>
                            <th>{i18n.t(key!("public.col.handling"))}</th>
                            <th>{i18n.t(key!("public.col.accountability"))}</th>
                        </tr></thead>
                        <tbody>
                            {p.rows.into_iter().map(|r| {
                                let cats: Vec<&str> = r.categories.iter().map(|c| c.label(lang)).collect();
                                view! {
                                    <tr>
                                        <td>{r.number}</td>
                                        <td class="nowrap">{r.reference.clone()}</td>
                                        <td class="nowrap">{r.division.clone()}</td>
                                        <td>{cats.join("、")}</td>
                                        <td>{r.verification_text(lang)}</td>
                                        <td>{r.handling_text(lang)}</td>
                                        <td>{r.accountability(lang)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }
            })}
        </div>
    }
}
