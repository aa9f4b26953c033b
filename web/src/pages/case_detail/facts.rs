//! The case's head, its facts, its content and outcome, and its clocks.

use duban_api::{ApiError, CaseView};
use duban_case::model::Complainant;
use duban_text::key;
use leptos::prelude::*;

use super::complainant::ComplainantFacts;
use crate::format::local_time;
use crate::i18n::use_i18n;
use crate::mechanism_view::{highest_step, step_label};
use crate::sla_view::{SlaBadge, stage_label};

/// The case as read: reference, status and tags, the facts (the complainant masked
/// until asked for), the content and outcome, and the clocks.
#[component]
pub(super) fn CaseFacts(
    v: CaseView,
    revealed: RwSignal<Option<Complainant>>,
    reveal_errors: RwSignal<Vec<ApiError>>,
    on_reveal: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let c = v.case.clone();
    let lang = i18n.lang();
    let status = c.status();
    view! {
        <div class="page-head">
            <h1>
                <span class="reference" title=i18n.t(key!("cases.col.reference"))>{c.reference().to_string()}</span>
                " "
                <span class="status case-status" data-status=status.code()>{status.label(lang)}</span>
                {c.is_paused().then(|| view! { <span class="tag">{i18n.t(key!("cases.paused"))}</span> })}
                {highest_step(c.escalations()).map(|step| view! {
                    <span class="tag tag-escalation" id="case-escalation" data-step=step.code()
                        title=i18n.t(key!("detail.escalation"))>
                        {step_label(step, i18n.lang())}
                    </span>
                })}
            </h1>
            <span class="muted">{format!("v{}", c.version())}</span>
        </div>
        // Imported as historical: past ladder steps did not fire (issue 20).
        {c.historical().map(|at| view! {
            <p class="banner banner-warn" id="case-historical">
                {i18n.t(key!("case.historical")).replace("{at}", &crate::format::local_time(at))}
            </p>
        })}
        <div class="detail-grid">
            <dl class="facts">
                <dt>{i18n.t(key!("field.channel"))}</dt><dd>{c.channel().label(lang)}</dd>
                {c.batch().map(|b| view! {
                    <dt>{i18n.t(key!("field.batch_number"))}</dt>
                    <dd>{format!("{} · {}", b.number(), b.date())}</dd>
                })}
                {c.sender_ref().map(|s| view! { <dt>{i18n.t(key!("field.sender_ref"))}</dt><dd>{s.to_owned()}</dd> })}
                <dt>{i18n.t(key!("field.division"))}</dt><dd>{v.division_name.clone()}</dd>
                <dt>{i18n.t(key!("field.address"))}</dt><dd>{c.address().to_owned()}</dd>
                <dt>{i18n.t(key!("field.categories"))}</dt>
                <dd>{c.categories().iter().map(|k| k.label(lang)).collect::<Vec<_>>().join("、")}</dd>
                {(!c.key_classes().is_empty()).then(|| view! {
                    <dt>{i18n.t(key!("field.key_classes"))}</dt>
                    <dd>{c.key_classes().iter().map(|k| k.label(lang)).collect::<Vec<_>>().join("、")}</dd>
                })}
                <dt>{i18n.t(key!("field.received_at"))}</dt><dd>{local_time(c.received_at())}</dd>
                <dt>{i18n.t(key!("detail.lead_unit"))}</dt>
                <dd>{v.lead_unit_name.clone().unwrap_or_else(|| "—".into())}</dd>
                {c.lead_unit().is_some().then(|| view! {
                    <dt>{i18n.t(key!("detail.routed_why"))}</dt>
                    <dd id="case-routed-why">
                        {if c.routed_why().is_empty() {
                            i18n.t(key!("detail.routed_by_hand")).into_any()
                        } else {
                            view! { <ul class="plain">{c.routed_why().iter().map(|r| view! { <li>{r.text(lang).to_owned()}</li> }).collect_view()}</ul> }.into_any()
                        }}
                    </dd>
                })}
                {(!c.complainant().is_anonymous()).then(|| view! {
                    <ComplainantFacts masked=c.complainant().clone() revealed errors=reveal_errors on_reveal=on_reveal.clone()/>
                })}
                {c.last_reason().map(|r| view! { <dt>{i18n.t(key!("detail.last_reason"))}</dt><dd>{r.to_owned()}</dd> })}
                {c.is_publishable().then(|| {
                    let href = c.batch().map(|b| format!("/public/batches/{}", b.number()));
                    view! {
                        <dt>{i18n.t(key!("nav.public"))}</dt>
                        <dd id="case-publishable">{match href {
                            Some(h) => view! { <a href=h>{i18n.t(key!("case.publishable"))}</a> }.into_any(),
                            None => view! { <span>{i18n.t(key!("case.publishable"))}</span> }.into_any(),
                        }}</dd>
                    }
                })}
            </dl>
            <div>
                <h2>{i18n.t(key!("field.content"))}</h2>
                <p class="content">{c.content().to_owned()}</p>
                {c.outcome().map(|o| view! {
                    <h2>{i18n.t(key!("detail.outcome"))}</h2>
                    <p>{format!("{} · {} {} · {} {} · {} {} {}",
                        o.finding().label(lang),
                        i18n.t(key!("outcome.rectification")), o.rectification_orders(),
                        i18n.t(key!("outcome.penalties")), o.penalty_cases(),
                        i18n.t(key!("outcome.fines_total")), crate::format::yuan(o.fines_yuan()), i18n.t(key!("unit.yuan")))}</p>
                    <p class="content">{o.public_summary().to_owned()}</p>
                })}
            </div>
        </div>
        <h2>{i18n.t(key!("detail.clocks"))}</h2>
        <table class="data-table" id="clocks">
            <thead><tr>
                <th>{i18n.t(key!("clock.stage"))}</th><th>{i18n.t(key!("clock.limit"))}</th>
                <th>{i18n.t(key!("clock.started"))}</th><th>{i18n.t(key!("clock.due"))}</th><th>{i18n.t(key!("clock.status"))}</th>
            </tr></thead>
            <tbody>
                {c.clocks().iter().cloned().map(|clock| {
                    let mut limit = clock.limit().text(lang);
                    if clock.extensions() > 0 {
                        limit.push_str(&format!(" {}{}", i18n.t(key!("clock.extended")), clock.extensions()));
                    }
                    let (stage, started, due) = (clock.stage(), clock.started_at(), clock.due_at());
                    view! {
                        <tr data-stage=stage.code()>
                            <td>{stage_label(stage, i18n.lang())}</td>
                            <td>{limit}</td>
                            <td>{local_time(started)}</td>
                            <td>{crate::format::deadline(due)}</td>
                            <td><SlaBadge clock=clock/></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
