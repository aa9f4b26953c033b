//! What the routing rules propose for a case that waits for dispatch.

use duban_api::{ApiError, ProposalView, RoutingView};
use duban_text::key;
use leptos::prelude::*;

use crate::components::field_errors::OtherErrors;
use crate::dispatch_view::{rule_kind_code, rule_kind_key};
use crate::i18n::use_i18n;
use crate::session::{DISPATCH_ROLES, use_current_user};

/// The units a routing proposes: the lead unit and the notified departments; `None`
/// without a lead.
pub(super) fn proposed_units(r: &RoutingView) -> Option<(String, Vec<String>)> {
    let lead = r.lead.as_ref()?;
    Some((
        lead.proposal.unit.clone(),
        r.notify.iter().map(|p| p.proposal.unit.clone()).collect(),
    ))
}

/// What the routing rules propose for a case waiting for dispatch (administrators and
/// coordinators): each unit with the rule and the reason, and a button that dispatches
/// the case as proposed.
#[component]
pub(super) fn RoutingProposal(
    routing: RwSignal<Option<RoutingView>>,
    errors: RwSignal<Vec<ApiError>>,
    busy: RwSignal<bool>,
    on_dispatch: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let item = move |p: ProposalView| {
        let kind = p.proposal.kind;
        view! {
            <li data-kind=rule_kind_code(kind) data-unit=p.proposal.unit.clone() data-rule=p.proposal.rule.clone()>
                <span class="proposal-kind">{move || i18n.t(rule_kind_key(kind))}</span>
                <span class="proposal-name">{p.proposal.name.clone()}</span>
                <span class="tag proposal-rule" title=move || i18n.t(key!("routing.rule"))>{p.proposal.rule_name.clone()}</span>
                <p class="explanation">{let p = p.proposal.clone(); move || p.explain(i18n.lang())}</p>
            </li>
        }
    };
    view! {
        <Show when=move || user.has_role(DISPATCH_ROLES)>
            <div class="routing-proposal" id="routing-proposal">
                <h2>{move || i18n.t(key!("routing.title"))}</h2>
                <OtherErrors fields=&[] errors/>
                {
                    let on_dispatch = on_dispatch.clone();
                    move || routing.get().map(|r| {
                        let has_lead = r.lead.is_some();
                        let on_dispatch = on_dispatch.clone();
                        view! {
                            <ul class="proposals">
                                {r.lead.clone().map(item)}
                                {r.notify.clone().into_iter().map(item).collect_view()}
                                {r.supervisor.clone().map(item)}
                            </ul>
                            {match has_lead {
                                true => view! {
                                    <div class="actions">
                                        <button type="button" class="btn btn-primary" id="dispatch-as-proposed"
                                            disabled=move || busy.get()
                                            on:click=move |_| on_dispatch()>
                                            {move || i18n.t(key!("routing.dispatch_as_proposed"))}
                                        </button>
                                        <span class="hint">{move || i18n.t(key!("routing.adjust_hint"))}</span>
                                    </div>
                                }.into_any(),
                                false => view! {
                                    <p class="banner banner-warn" id="routing-no-lead">{move || i18n.t(key!("routing.no_lead"))}</p>
                                }.into_any(),
                            }}
                        }
                    })
                }
                <Show when=move || routing.with(Option::is_none) && errors.with(Vec::is_empty)>
                    <p class="muted">{move || i18n.t(key!("common.loading"))}</p>
                </Show>
            </div>
        </Show>
    }
}
