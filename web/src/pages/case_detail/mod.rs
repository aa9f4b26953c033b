//! `/cases/:id`: a case with its clocks, its timeline and the legal next actions.
//! Action forms are checked in the browser by `duban_case::lifecycle::decide`, the
//! function the server runs, before anything is sent.
//!
//! The complainant arrives masked; roles that may contact them can ask for the full
//! details (the server records each such read in the audit trail). Administrators and
//! coordinators also see the case's audit trail.
//!
//! Administrators and coordinators see what the routing rules propose for a case that
//! waits for dispatch, each unit with the reason; the dispatch form starts from that
//! proposal, and one button dispatches the case exactly as proposed.
//!
//! Below the actions come the mechanisms: follow-up supervision of a key case
//! (`#supervision`), horizontal referrals (`#referrals`) and, for administrators and
//! coordinators, declaring an emergency incident from the case. Escalation steps the
//! sweeper fired show in the timeline, and the highest one as a red tag by the status.
//!
//! The timeline (`ol#timeline`) is the case's one history: its own events and, by time
//! among them, those of its supervision, its referrals and the incidents declared from
//! it (`li[data-source]`), read again after every change the user makes.

use chrono::Utc;
use duban_api::admin::ListUnits;
use duban_api::audit::CaseAudit;
use duban_api::cases::{ActOnCase, CaseComplainant, CaseEvents, ComplainantQuery, GetCase};
use duban_api::keys::CaseKey;
use duban_api::routing::CaseRouting;
use duban_api::sla::RuleSets;
use duban_api::{ApiError, AuditRecord, CaseView, Endpoint, EventView, RoutingView, UnitView};
use duban_calendar::Calendar;
use duban_case::draft::OutcomeDraft;
use duban_case::lifecycle::{self, ActionKind, Ctx};
use duban_case::model::Complainant;
use duban_sla::RuleSet;
use duban_text::Key;
use duban_text::key;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::admin::AuditTable;
use super::attachments::CaseAttachments;
use super::incidents::DeclareFromCase;
use super::referrals::CaseReferrals;
use super::repeats::RepeatCandidates;
use super::supervision::SupervisionSection;
use crate::api;
use crate::components::field_errors::OtherErrors;
use crate::i18n::use_i18n;
use crate::mechanism_view::LinkedEvent;
use crate::offline::{self, Queued, Waiting, use_offline};
use crate::session::{CASE_AUDIT_ROLES, DISPATCH_ROLES, use_current_user};
use actions::{ActionForm, ActionPanel};
use facts::CaseFacts;
use routing::{RoutingProposal, proposed_units};
use timeline::{Timeline, linked_events};

mod actions;
mod complainant;
mod facts;
mod routing;
mod timeline;

/// The on-site verification report's draft in local storage, per case.
pub(super) fn report_draft(case_id: &str) -> String {
    format!("report.{case_id}")
}

#[component]
pub fn CaseDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    // A memo, read untracked by `reload`: reload also runs from event handlers and
    // tasks, where a tracked read of the route's parameters makes Leptos warn.
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let case = RwSignal::new(None::<CaseView>);
    let events = RwSignal::new(Vec::<EventView>::new());
    let load_error = RwSignal::new(None::<String>);
    let units = RwSignal::new(Vec::<UnitView>::new());
    let rule_sets = RwSignal::new(Vec::<RuleSet>::new());
    let open = RwSignal::new(None::<ActionKind>);
    let form = RwSignal::new(ActionForm::default());
    let action_errors = RwSignal::new(Vec::<ApiError>::new());
    let notice = RwSignal::new(None::<Key>);
    let busy = RwSignal::new(false);
    // A submission refused because the case changed meanwhile: what was sent, and the
    // version it was made against; the case shown is the server's current one.
    let conflict = RwSignal::new(None::<(serde_json::Value, u64)>);
    // The case shown is the copy kept from the last visit (no network).
    let offline_copy = RwSignal::new(false);
    let off = use_offline();
    let user = use_current_user();
    // The verification report is kept as typed, per case.
    Effect::new(move |_| {
        if open.get() == Some(ActionKind::Report) {
            let outcome = form.with(|f| f.outcome.clone());
            let name = report_draft(&id.get_untracked());
            if outcome == OutcomeDraft::default() {
                offline::clear_draft(&name);
            } else {
                offline::save_draft(&name, &outcome);
            }
        }
    });
    // The complainant's full details, once asked for.
    let revealed = RwSignal::new(None::<Complainant>);
    let reveal_errors = RwSignal::new(Vec::<ApiError>::new());
    let audit = RwSignal::new(Vec::<AuditRecord>::new());
    let audit_errors = RwSignal::new(Vec::<ApiError>::new());
    // Bumped whenever the audit trail may have grown.
    let audit_tick = RwSignal::new(0u32);
    // What the routing rules propose, for a case that waits for dispatch.
    let routing = RwSignal::new(None::<RoutingView>);
    let routing_errors = RwSignal::new(Vec::<ApiError>::new());
    // The mechanisms' events for the timeline, asked for again after every change.
    let linked = RwSignal::new(Vec::<LinkedEvent>::new());
    let linked_tick = RwSignal::new(0u32);

    let reload = move || {
        let id = id.get_untracked();
        let lang = i18n.lang_untracked();
        spawn_local(async move {
            match api::call::<GetCase>(&CaseKey::new(&*id), &(), &(), lang).await {
                Ok(v) => {
                    offline::remember_case(&v);
                    case.set(Some(v));
                    load_error.set(None);
                    offline_copy.set(false);
                }
                // Without network, the case as last read here: the report can be typed
                // and queued; the outbox sends it against this version.
                Err(f) if offline::unreachable(&f) => match offline::remembered_case(&id) {
                    Some(v) => {
                        case.set(Some(v));
                        load_error.set(None);
                        offline_copy.set(true);
                    }
                    None => load_error.set(Some(i18n.t(key!("offline.case_not_kept")).to_owned())),
                },
                Err(f) => load_error.set(Some(f.summary())),
            }
            if let Ok(evs) = api::call::<CaseEvents>(&CaseKey::new(&*id), &(), &(), lang).await {
                events.set(evs);
            }
        });
        audit_tick.update(|t| *t += 1);
    };
    Effect::new(move |_| {
        id.track();
        revealed.set(None);
        reveal_errors.set(Vec::new());
        reload();
    });
    Effect::new(move |_| {
        audit_tick.track();
        if !user.has_role(CASE_AUDIT_ROLES) {
            return;
        }
        let id = id.get_untracked();
        let lang = i18n.lang_untracked();
        spawn_local(async move {
            match api::call::<CaseAudit>(&CaseKey::new(&*id), &(), &(), lang).await {
                Ok(records) => {
                    audit.set(records);
                    audit_errors.set(Vec::new());
                }
                Err(f) => audit_errors.set(f.errors().to_vec()),
            }
        });
    });
    // The proposal is asked for again when the case changes or the language does (the
    // explanations come in the reader's language).
    let routing_key = Memo::new(move |_| {
        if !user.has_role(DISPATCH_ROLES) {
            return None;
        }
        let lang = i18n.lang();
        case.with(|c| {
            c.as_ref()
                .filter(|v| v.allowed_actions.contains(&ActionKind::Dispatch))
                .map(|v| (v.case.id().to_string(), v.case.version(), lang))
        })
    });
    Effect::new(move |_| {
        let Some(key) = routing_key.get() else {
            routing.set(None);
            routing_errors.set(Vec::new());
            return;
        };
        spawn_local(async move {
            let result = api::call::<CaseRouting>(&CaseKey::new(&*key.0), &(), &(), key.2).await;
            // An answer for a case or version no longer shown is dropped.
            if routing_key.get_untracked().as_ref() != Some(&key) {
                return;
            }
            match result {
                Ok(r) => {
                    routing.set(Some(r));
                    routing_errors.set(Vec::new());
                }
                Err(f) => {
                    routing.set(None);
                    routing_errors.set(f.errors().to_vec());
                }
            }
        });
    });
    let reveal = move || {
        let id = id.get_untracked();
        let lang = i18n.lang_untracked();
        spawn_local(async move {
            let purpose = ComplainantQuery {
                purpose: Some("case_detail".into()),
            };
            match api::call::<CaseComplainant>(&CaseKey::new(&*id), &purpose, &(), lang).await {
                Ok(full) => {
                    revealed.set(Some(full));
                    reveal_errors.set(Vec::new());
                    audit_tick.update(|t| *t += 1);
                }
                Err(f) => reveal_errors.set(f.errors().to_vec()),
            }
        });
    };
    spawn_local(async move {
        let lang = i18n.lang_untracked();
        match api::call::<ListUnits>(&(), &(), &(), lang).await {
            Ok(u) => {
                offline::remember("units", &u);
                units.set(u);
            }
            Err(_) => units.set(offline::remembered("units").unwrap_or_default()),
        }
        match api::call::<RuleSets>(&(), &(), &(), lang).await {
            Ok(r) => {
                offline::remember("rule_sets", &r);
                rule_sets.set(r);
            }
            Err(_) => rule_sets.set(offline::remembered("rule_sets").unwrap_or_default()),
        }
    });

    let submit = move |kind: ActionKind| {
        let Some(view) = case.get_untracked() else {
            return;
        };
        let lang = i18n.lang_untracked();
        let cmd = match form.get_untracked().command(kind) {
            // A merge names its primary by reference, with a reason: the server
            // resolves and checks both.
            _ if kind == ActionKind::Merge => None,
            Ok(c) => Some(c),
            Err(field) => {
                action_errors.set(vec![ApiError::from_text(
                    &field,
                    key!("err.primary.invalid"),
                    &[],
                    lang,
                )]);
                return;
            }
        };
        // The same decision the server makes, first in the browser.
        if let (Some(cmd), Some(rules)) = (
            &cmd,
            rule_sets
                .get_untracked()
                .into_iter()
                .find(|r| r.id() == view.case.rule_set()),
        ) {
            let ctx = Ctx {
                now: Utc::now(),
                actor: "browser",
                rules: &rules,
                calendar: Calendar::official(),
            };
            if let Err(errs) = lifecycle::decide(&view.case, cmd, &ctx) {
                action_errors.set(duban_api::ErrorBody::from_case_errors(&errs, lang).errors);
                return;
            }
        }
        let body = match &cmd {
            Some(cmd) => serde_json::to_value(cmd).unwrap_or_default(),
            None => form.get_untracked().merge_body(),
        };
        let version = view.case.version();
        let id = view.case.id();
        let path = CaseKey::new(id.to_string());
        let url = ActOnCase::url(&path, &());
        let key = offline::new_key();
        let draft_name = report_draft(&id.to_string());
        let reference = view.case.reference().to_string();
        let to_outbox = {
            let url = url.clone();
            move |key: String, body: serde_json::Value| {
                off.enqueue(Queued {
                    key,
                    url,
                    body,
                    if_match: Some(version),
                    what: kind.code().to_owned(),
                    detail: reference,
                    queued_at: Utc::now().to_rfc3339(),
                    waiting: Waiting::Network,
                    link: Some(format!("/cases/{id}")),
                    by: String::new(),
                });
                offline::clear_draft(&draft_name);
                open.set(None);
                form.set(ActionForm::default());
                action_errors.set(Vec::new());
                conflict.set(None);
                notice.set(Some(offline::queued_notice()));
            }
        };
        if offline::offline_now() {
            to_outbox(key, body);
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match api::call_json::<ActOnCase>(
                &path,
                &(),
                &body,
                api::Options {
                    if_match: Some(version),
                    key: Some(&key),
                    ..Default::default()
                },
                lang,
            )
            .await
            {
                Ok(v) => {
                    case.set(Some(v));
                    open.set(None);
                    form.set(ActionForm::default());
                    action_errors.set(Vec::new());
                    conflict.set(None);
                    offline::clear_draft(&report_draft(&id.to_string()));
                    notice.set(Some(key!("action.done")));
                    reload();
                }
                // Perhaps it arrived and the answer was lost: the same key again later.
                Err(f) if offline::unreachable(&f) => to_outbox(key, body),
                Err(f) if f.status == 409 => {
                    if let Ok(current) =
                        serde_json::from_value::<CaseView>(f.raw["current"].clone())
                    {
                        case.set(Some(current));
                    }
                    // The form stays as typed: the user compares and chooses.
                    conflict.set(Some((body, version)));
                    action_errors.set(Vec::new());
                    reload();
                }
                Err(f) => action_errors.set(f.errors().to_vec()),
            }
            busy.set(false);
        });
    };

    let choose = move |kind: ActionKind| {
        action_errors.set(Vec::new());
        notice.set(None);
        let needs_form = !matches!(
            kind,
            ActionKind::SignFor | ActionKind::Close | ActionKind::Resume
        );
        if needs_form {
            // Dispatch starts from the routing proposal; without one, from the
            // government of the case's city.
            let proposed = routing
                .get_untracked()
                .filter(|_| kind == ActionKind::Dispatch)
                .as_ref()
                .and_then(proposed_units);
            let (lead_unit, co_units) = match proposed {
                Some(units) => units,
                None => (
                    case.get_untracked()
                        .filter(|_| kind == ActionKind::Dispatch)
                        .and_then(|v| {
                            v.case
                                .division()
                                .division()
                                .city()
                                .map(|c| format!("gov-{}", c.code().short()))
                        })
                        .unwrap_or_default(),
                    Vec::new(),
                ),
            };
            // A verification report typed before (even offline, even before a restart).
            let outcome = if kind == ActionKind::Report {
                offline::load_draft::<OutcomeDraft>(&report_draft(&id.get_untracked()))
                    .unwrap_or_default()
            } else {
                OutcomeDraft::default()
            };
            form.set(ActionForm {
                lead_unit,
                co_units,
                closure: "closed".into(),
                satisfaction: "satisfied".into(),
                unit: "working_days".into(),
                outcome,
                ..ActionForm::default()
            });
            conflict.set(None);
            open.set(Some(kind));
        } else {
            open.set(None);
            submit(kind);
        }
    };

    // One click: the proposal's units, the note typed so far (if the dispatch form is
    // open), the same local check as the form, then the command.
    let dispatch_as_proposed = move || {
        let Some((lead_unit, co_units)) = routing.get_untracked().as_ref().and_then(proposed_units)
        else {
            return;
        };
        let text = if open.get_untracked() == Some(ActionKind::Dispatch) {
            form.get_untracked().text
        } else {
            String::new()
        };
        action_errors.set(Vec::new());
        notice.set(None);
        form.set(ActionForm {
            lead_unit,
            co_units,
            text,
            ..ActionForm::default()
        });
        submit(ActionKind::Dispatch);
    };

    // The case and whether it is merged already, for the repeat candidates.
    let repeat_probe = Memo::new(move |_| {
        case.with(|c| {
            c.as_ref().map(|v| {
                (
                    v.case.id().to_string(),
                    v.case.status() == duban_case::model::Status::Merged,
                )
            })
        })
    });
    // The case and whether it is key, for the mechanism sections.
    let lead_unit = Signal::derive(move || {
        case.with(|c| {
            c.as_ref()
                .and_then(|v| v.case.lead_unit().map(|u| u.to_string()))
        })
    });
    let mechanisms = Memo::new(move |_| {
        case.with(|c| {
            c.as_ref()
                .map(|v| (v.case.id().to_string(), v.case.is_key()))
        })
    });
    Effect::new(move |_| {
        let tick = linked_tick.get();
        let Some((case_id, key)) = mechanisms.get() else {
            linked.set(Vec::new());
            return;
        };
        let lang = i18n.lang_untracked();
        spawn_local(async move {
            let found = linked_events(&case_id, key, lang).await;
            // An answer for another case, or overtaken by a newer reading, is dropped.
            let current = mechanisms.with_untracked(|m| m.as_ref().map(|(c, _)| c == &case_id));
            if current == Some(true) && linked_tick.get_untracked() == tick {
                linked.set(found);
            }
        });
    });
    let listener = window_event_listener_untyped(api::CHANGED_EVENT, move |_| {
        linked_tick.update(|t| *t += 1);
    });
    on_cleanup(move || listener.remove());

    view! {
        <section>
            <p><A href="/">{move || i18n.t(key!("detail.back"))}</A></p>
            <Show when=move || offline_copy.get()>
                <p class="banner banner-warn" id="case-offline-copy">{move || i18n.t(key!("offline.case_copy"))}</p>
            </Show>
            <Show when=move || load_error.get().is_some()>
                <p class="banner banner-error">{move || load_error.get()}</p>
            </Show>
            {move || case.get().map(|v| {
                let lang = i18n.lang();
                view! {
                    <CaseFacts v=v.clone() revealed reveal_errors on_reveal=reveal/>
                    {v.allowed_actions.contains(&ActionKind::Dispatch).then(|| view! {
                        <RoutingProposal routing errors=routing_errors busy on_dispatch=dispatch_as_proposed/>
                    })}
                    <h2>{i18n.t(key!("detail.actions"))}</h2>
                    <div class="actions" id="actions">
                        {v.allowed_actions.iter().map(|&kind| view! {
                            <button type="button" class="btn" data-action=kind.code()
                                class:btn-primary=move || open.get() == Some(kind)
                                disabled=move || busy.get()
                                on:click=move |_| choose(kind)>
                                {kind.label(lang)}
                            </button>
                        }).collect_view()}
                        {v.allowed_actions.is_empty().then(|| view! { <span class="muted">{i18n.t(key!("detail.no_actions"))}</span> })}
                    </div>
                    // A report typed before (offline, or sent back from the outbox) waits.
                    {
                        let can_report = v.allowed_actions.contains(&ActionKind::Report);
                        view! {
                            <Show when=move || open.get().is_none() && offline::has_draft(&report_draft(&id.get()))>
                                <p class="banner" id="report-draft-waiting">
                                    {move || i18n.t(key!("draft.report_waiting"))} " "
                                    {if can_report {
                                        view! { <button type="button" class="btn btn-small btn-primary" id="report-draft-open"
                                            on:click=move |_| choose(ActionKind::Report)>{move || i18n.t(key!("draft.report_open"))}</button> }.into_any()
                                    } else {
                                        view! { <span class="muted">{move || i18n.t(key!("draft.report_later"))}</span> }.into_any()
                                    }}
                                </p>
                            </Show>
                        }
                    }
                }
            })}
            // Refused because the case changed meanwhile: both versions, and the choice.
            {move || conflict.get().zip(case.get()).zip(open.get()).map(|(((mine, mine_version), current), kind)| {
                // A case paused or moved on meanwhile may no longer take this action.
                let allowed = current.allowed_actions.contains(&kind);
                view! {
                <div class="conflict" id="conflict">
                    <p class="banner banner-error">{move || i18n.t(key!("conflict.explain"))}</p>
                    <super::ConflictTable mine mine_version current/>
                    {(!allowed).then(|| view! { <p class="hint" id="conflict-not-allowed">{move || i18n.t(key!("conflict.not_allowed"))}</p> })}
                    <div class="actions">
                        {allowed.then(|| view! {
                        <button type="button" class="btn btn-primary" id="conflict-keep-mine"
                            on:click=move |_| submit(kind)>{move || i18n.t(key!("conflict.keep_mine"))}</button>
                        })}
                        <button type="button" class="btn" id="conflict-keep-theirs"
                            on:click=move |_| {
                                conflict.set(None);
                                open.set(None);
                                offline::clear_draft(&report_draft(&id.get_untracked()));
                                form.set(ActionForm::default());
                            }>{move || i18n.t(key!("conflict.keep_theirs"))}</button>
                    </div>
                </div>
                }
            })}
            {move || open.get().map(|kind| view! { <ActionPanel case_id=id.get_untracked() kind form units errors=action_errors busy on_submit=move || submit(kind) on_cancel=move || { conflict.set(None); open.set(None) }/> })}
            <Show when=move || open.get().is_none() && !action_errors.get().is_empty()>
                <div class="banner banner-error" id="action-errors">
                    {move || action_errors.get().into_iter().map(|e| view! { <p data-code=e.code.clone()>{e.message.clone()}</p> }).collect_view()}
                </div>
            </Show>
            // A toast fixed to the viewport (the forms end far below this point).
            {move || notice.get().map(|n| view! { <p class="banner banner-ok toast" id="action-notice" role="status">{i18n.t(n)}<button type="button" class="toast-close" title=move || i18n.t(key!("common.close")) on:click=move |_| notice.set(None)>"×"</button></p> })}
            // The mechanisms keep their own state: rebuilt only for another case.
            {move || repeat_probe.get().map(|(case_id, merged)| view! {
                <RepeatCandidates case_id merged/>
            })}
            {move || mechanisms.get().map(|(case_id, key)| view! {
                {key.then(|| view! { <SupervisionSection case_id=case_id.clone() units lead=lead_unit/> })}
                <CaseReferrals case_id=case_id.clone() units/>
                <CaseAttachments case_id=case_id.clone() version=Signal::derive(move || case.with(|c| c.as_ref().map_or(0, |v| v.case.version())))/>
                <DeclareFromCase case/>
            })}
            <Show when=move || case.get().is_some()>
                <h2>{move || i18n.t(key!("detail.timeline"))}</h2>
            </Show>
            <Timeline events linked units/>
            <Show when=move || user.has_role(CASE_AUDIT_ROLES) && case.with(Option::is_some)>
                <h2>{move || i18n.t(key!("detail.audit"))}</h2>
                <OtherErrors fields=&[] errors=audit_errors/>
                <div id="case-audit">
                    <AuditTable rows=audit.into() with_target=false/>
                </div>
                <Show when=move || audit.with(Vec::is_empty) && audit_errors.with(Vec::is_empty)>
                    <p class="muted empty-note">{move || i18n.t(key!("audit.empty"))}</p>
                </Show>
            </Show>
        </section>
    }
}
