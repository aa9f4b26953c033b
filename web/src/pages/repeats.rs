//! Repeat complaints (重信重访) on a case's page: the candidates the server scored, with
//! their reasons, and merging this case into one of them once a coordinator confirms.

use duban_api::keys::CaseKey;
use duban_api::repeats::{CaseRepeats, MergeRepeat};
use duban_api::{ApiError, MergeRequest, RepeatCandidate};
use duban_text::key;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api;
use crate::components::field_errors::OtherErrors;
use crate::format::local_time;
use crate::i18n::use_i18n;
use crate::session::{DISPATCH_ROLES, use_current_user};

/// The candidates of a stored case; coordinators may merge it into one of them.
#[component]
pub fn RepeatCandidates(case_id: String, merged: bool) -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let found: RwSignal<Option<Vec<RepeatCandidate>>> = RwSignal::new(None);
    let errors: RwSignal<Vec<ApiError>> = RwSignal::new(Vec::new());
    let confirming: RwSignal<Option<RepeatCandidate>> = RwSignal::new(None);
    let reason = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let done: RwSignal<Option<String>> = RwSignal::new(None);
    {
        let case_id = case_id.clone();
        Effect::new(move |_| {
            if !user.has_role(DISPATCH_ROLES) || merged {
                return;
            }
            let case_id = case_id.clone();
            let lang = i18n.lang_untracked();
            spawn_local(async move {
                match api::call::<CaseRepeats>(&CaseKey::new(case_id), &(), &(), lang).await {
                    Ok(list) => found.set(Some(list)),
                    Err(e) => errors.set(e.errors().to_vec()),
                }
            });
        });
    }
    let merge = {
        let case_id = case_id.clone();
        move |primary: RepeatCandidate| {
            let case_id = case_id.clone();
            let lang = i18n.lang_untracked();
            busy.set(true);
            errors.set(Vec::new());
            let body = MergeRequest {
                primary: primary.case_id.clone(),
                reason: reason.get_untracked(),
            };
            spawn_local(async move {
                let answer =
                    api::call::<MergeRepeat>(&CaseKey::new(case_id), &(), &body, lang).await;
                busy.set(false);
                match answer {
                    Ok(_) => {
                        confirming.set(None);
                        done.set(Some(primary.reference.clone()));
                        // The case is merged now: its actions and clocks changed.
                        if let Some(w) = web_sys::window() {
                            let _ = w.location().reload();
                        }
                    }
                    Err(e) => errors.set(e.errors().to_vec()),
                }
            });
        }
    };
    view! {
        <Show when=move || user.has_role(DISPATCH_ROLES) && !merged>
            <section class="repeats" id="repeat-candidates">
                <h2>{move || i18n.t(key!("repeats.title"))}</h2>
                <OtherErrors fields=&[] errors/>
                {move || match found.get() {
                    None => view! { <p class="muted">{i18n.t(key!("repeats.loading"))}</p> }.into_any(),
                    Some(list) if list.is_empty() => view! {
                        <p class="muted" id="repeat-none">{i18n.t(key!("repeats.none"))}</p>
                    }.into_any(),
                    Some(list) => view! {
                        <table class="table">
                            <thead><tr>
                                <th>{i18n.t(key!("repeats.case"))}</th>
                                <th>{i18n.t(key!("repeats.score"))}</th>
                                <th>{i18n.t(key!("repeats.reasons"))}</th>
                                <th>{i18n.t(key!("repeats.received"))}</th>
                                <th>{i18n.t(key!("repeats.status"))}</th>
                                <th></th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|c| {
                                    let pick = c.clone();
                                    view! {
                                        <tr class="repeat-row" data-case=c.case_id.clone()>
                                            <td>
                                                <A href=format!("/cases/{}", c.case_id)>{c.reference.clone()}</A>
                                                <div class="muted small">{c.excerpt.clone()}</div>
                                            </td>
                                            <td>{format!("{:.0}%", c.score * 100.0)}</td>
                                            <td>{c.reasons.join("；")}</td>
                                            <td>{local_time(c.received_at)}</td>
                                            <td>{c.status.clone()}</td>
                                            <td>
                                                <button type="button" class="btn merge-into"
                                                    on:click=move |_| confirming.set(Some(pick.clone()))>
                                                    {move || i18n.t(key!("repeats.merge"))}
                                                </button>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                }}
                {
                    let merge = merge.clone();
                    move || confirming.get().map(|c| {
                        let merge = merge.clone();
                        let target = c.clone();
                        view! {
                            <div class="panel" id="merge-confirm">
                                <p>{i18n.t(key!("repeats.confirm")).replace("{reference}", &c.reference)}</p>
                                <label>
                                    {move || i18n.t(key!("repeats.reason"))}
                                    <input type="text" name="reason" prop:value=move || reason.get()
                                        on:input=move |ev| reason.set(event_target_value(&ev))/>
                                </label>
                                <div class="actions">
                                    <button type="button" class="btn btn-primary" id="merge-submit"
                                        disabled=move || busy.get()
                                        on:click=move |_| merge(target.clone())>
                                        {move || i18n.t(key!("repeats.merge_confirm"))}
                                    </button>
                                    <button type="button" class="btn" on:click=move |_| confirming.set(None)>
                                        {move || i18n.t(key!("action.cancel"))}
                                    </button>
                                </div>
                            </div>
                        }
                    })
                }
                {move || done.get().map(|r| view! {
                    <p class="banner banner-ok">{i18n.t(key!("repeats.merged")).replace("{reference}", &r)}</p>
                })}
            </section>
        </Show>
    }
}
