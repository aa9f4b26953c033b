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
use duban_api::{
    ApiError, AuditRecord, CaseView, EventView, IncidentView, ProposalView, ReferralView,
    RoutingView, SupervisionView, UnitView,
};
use duban_calendar::Calendar;
use duban_case::draft::OutcomeDraft;
use duban_case::lifecycle::{self, ActionKind, Command, Ctx, EventKind};
use duban_case::model::{Closure, Complainant, Finding, Satisfaction};
use duban_sla::RuleSet;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::admin::{AuditTable, OtherErrors, unit_name};
use super::attachments::{AttachmentPicker, CaseAttachments};
use super::incidents::DeclareFromCase;
use super::referrals::CaseReferrals;
use super::repeats::RepeatCandidates;
use super::supervision::SupervisionSection;
use crate::api;
use crate::dispatch_view::{rule_kind_code, rule_kind_key};
use crate::format::{actor_label, actor_text, local_time};
use crate::i18n::{Lang, use_i18n};
use crate::mechanism_view::{
    IncidentHead, LinkedEvent, highest_step, incident_events, linked_line, referral_events,
    source_key, step_label, supervision_events,
};
use crate::numeric::{NumberInput, NumericText};
use crate::offline::{self, Queued, Waiting, use_offline};
use crate::session::{CASE_AUDIT_ROLES, CONTACT_ROLES, DISPATCH_ROLES, use_current_user};
use crate::sla_view::{SlaBadge, stage_label};

/// The on-site verification report's draft in local storage, per case.
pub(super) fn report_draft(case_id: &str) -> String {
    format!("report.{case_id}")
}

/// Inputs of the action forms.
#[derive(Clone, Default)]
struct ActionForm {
    lead_unit: String,
    co_units: Vec<String>,
    text: String,
    closure: String,
    satisfaction: String,
    amount: String,
    unit: String,
    primary: String,
    outcome: OutcomeDraft,
}

impl ActionForm {
    fn command(&self, kind: ActionKind) -> Result<Command, String> {
        let f = self.clone();
        Ok(match kind {
            ActionKind::Dispatch => Command::Dispatch {
                lead_unit: f.lead_unit,
                co_units: f.co_units,
                note: f.text,
                // The server works out which routing rules proposed these units.
                routed_by: vec![],
                why: vec![],
            },
            ActionKind::SignFor => Command::SignFor,
            ActionKind::Return => Command::Return { reason: f.text },
            ActionKind::StartHandling => Command::StartHandling { note: f.text },
            ActionKind::Report => Command::Report { outcome: f.outcome },
            ActionKind::Approve => Command::Approve { closure: f.closure },
            ActionKind::SendBack => Command::SendBack { comments: f.text },
            ActionKind::Close => Command::Close,
            ActionKind::Publish => Command::Publish,
            ActionKind::Unpublish => Command::Unpublish { reason: f.text },
            ActionKind::ReturnVisit => Command::ReturnVisit {
                satisfaction: f.satisfaction,
                note: f.text,
            },
            ActionKind::Reopen => Command::Reopen { reason: f.text },
            ActionKind::Pause => Command::Pause { reason: f.text },
            ActionKind::Resume => Command::Resume,
            ActionKind::Extend => Command::Extend {
                amount: f.amount.trim().parse().unwrap_or(0),
                unit: f.unit,
                reason: f.text,
            },
            ActionKind::RequestExtension => Command::RequestExtension {
                amount: f.amount.trim().parse().unwrap_or(0),
                unit: f.unit,
                reason: f.text,
            },
            ActionKind::RefuseExtension => Command::RefuseExtension { reason: f.text },
            ActionKind::Merge => Command::Merge {
                primary: f.primary.trim().parse().map_err(|_| "primary".to_owned())?,
            },
        })
    }

    /// The merge as sent: the primary by its reference (as people know it) and why;
    /// the server resolves the reference and marks the primary too.
    fn merge_body(&self) -> serde_json::Value {
        serde_json::json!({
            "action": "merge",
            "primary": self.primary.trim(),
            "reason": self.text.trim(),
        })
    }
}

/// The units a routing proposes: the lead unit and the notified departments; `None`
/// without a lead.
fn proposed_units(r: &RoutingView) -> Option<(String, Vec<String>)> {
    let lead = r.lead.as_ref()?;
    Some((
        lead.proposal.unit.clone(),
        r.notify.iter().map(|p| p.proposal.unit.clone()).collect(),
    ))
}

/// One line of the case timeline: an event of the case, or one of its mechanisms.
#[derive(Debug, Clone, PartialEq)]
enum TimelineEntry {
    Case(EventView),
    Linked(LinkedEvent),
}

impl TimelineEntry {
    fn at(&self) -> chrono::DateTime<Utc> {
        match self {
            TimelineEntry::Case(e) => e.event.at,
            TimelineEntry::Linked(l) => l.at,
        }
    }
}

/// The case's events and its mechanisms' in one list by time; at the same instant the
/// case's own event comes first, and each list keeps its order.
fn merge_timeline(case: Vec<EventView>, linked: Vec<LinkedEvent>) -> Vec<TimelineEntry> {
    let mut all: Vec<TimelineEntry> = case
        .into_iter()
        .map(TimelineEntry::Case)
        .chain(linked.into_iter().map(TimelineEntry::Linked))
        .collect();
    all.sort_by_key(TimelineEntry::at);
    all
}

/// The events of a case's supervision (key cases only), its referrals and the
/// incidents declared from it. What the reader may not see is left out; an incident
/// whose board cannot be read shows its declaration.
async fn linked_events(case_id: &str, key: bool, lang: Lang) -> Vec<LinkedEvent> {
    let mut out = Vec::new();
    if key
        && let Ok(s) =
            api::get::<SupervisionView>(&format!("/api/v1/cases/{case_id}/supervision"), lang).await
    {
        out.extend(supervision_events(&s.events));
    }
    if let Ok(list) =
        api::get::<Vec<ReferralView>>(&format!("/api/v1/cases/{case_id}/referrals"), lang).await
    {
        out.extend(list.iter().flat_map(referral_events));
    }
    if let Ok(heads) = api::get::<Vec<IncidentHead>>("/api/v1/incidents", lang).await {
        for head in heads
            .iter()
            .filter(|h| h.case_id.as_deref() == Some(case_id))
        {
            let board = api::get::<IncidentView>(&format!("/api/v1/incidents/{}", head.id), lang)
                .await
                .ok();
            out.extend(incident_events(
                head,
                board.as_ref().map(|b| b.events.as_slice()),
            ));
        }
    }
    out
}

/// What the free-text box of an action is called, if it has one.
fn text_label(kind: ActionKind) -> Option<&'static str> {
    match kind {
        ActionKind::Dispatch | ActionKind::StartHandling => Some("action.note"),
        ActionKind::Return
        | ActionKind::Reopen
        | ActionKind::Pause
        | ActionKind::Extend
        | ActionKind::RequestExtension
        | ActionKind::RefuseExtension
        | ActionKind::Unpublish
        | ActionKind::Merge => Some("action.reason"),
        ActionKind::SendBack => Some("action.comments"),
        ActionKind::ReturnVisit => Some("action.visit_note"),
        _ => None,
    }
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
    let notice = RwSignal::new(None::<&'static str>);
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
            match api::get::<CaseView>(&format!("/api/v1/cases/{id}"), lang).await {
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
                    None => load_error.set(Some(i18n.t("offline.case_not_kept").to_owned())),
                },
                Err(f) => load_error.set(Some(f.summary())),
            }
            if let Ok(evs) =
                api::get::<Vec<EventView>>(&format!("/api/v1/cases/{id}/events"), lang).await
            {
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
            match api::get::<Vec<AuditRecord>>(&format!("/api/v1/cases/{id}/audit"), lang).await {
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
            let url = format!("/api/v1/cases/{}/routing", key.0);
            let result = api::get::<RoutingView>(&url, key.2).await;
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
            let url = format!("/api/v1/cases/{id}/complainant?purpose=case_detail");
            match api::get::<Complainant>(&url, lang).await {
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
        match api::get::<Vec<UnitView>>("/api/v1/units", lang).await {
            Ok(u) => {
                offline::remember("units", &u);
                units.set(u);
            }
            Err(_) => units.set(offline::remembered("units").unwrap_or_default()),
        }
        match api::get::<Vec<RuleSet>>("/api/v1/sla/rule-sets", lang).await {
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
                let message = if lang == Lang::ZhCn {
                    "案件标识无效"
                } else {
                    "Enter a valid case id"
                };
                action_errors.set(vec![ApiError {
                    field,
                    code: "primary.invalid".into(),
                    message: message.into(),
                }]);
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
                action_errors
                    .set(duban_api::ErrorBody::from_case_errors(&errs, lang.domain()).errors);
                return;
            }
        }
        let body = match &cmd {
            Some(cmd) => serde_json::to_value(cmd).unwrap_or_default(),
            None => form.get_untracked().merge_body(),
        };
        let version = view.case.version();
        let id = view.case.id();
        let url = format!("/api/v1/cases/{id}/actions");
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
            match api::post_once::<_, CaseView>(&url, &body, Some(version), &key, lang).await {
                Ok(v) => {
                    case.set(Some(v));
                    open.set(None);
                    form.set(ActionForm::default());
                    action_errors.set(Vec::new());
                    conflict.set(None);
                    offline::clear_draft(&report_draft(&id.to_string()));
                    notice.set(Some("action.done"));
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
            <p><A href="/">{move || i18n.t("detail.back")}</A></p>
            <Show when=move || offline_copy.get()>
                <p class="banner banner-warn" id="case-offline-copy">{move || i18n.t("offline.case_copy")}</p>
            </Show>
            <Show when=move || load_error.get().is_some()>
                <p class="banner banner-error">{move || load_error.get()}</p>
            </Show>
            {move || case.get().map(|v| {
                let c = v.case.clone();
                let lang = i18n.lang().domain();
                let status = c.status();
                view! {
                    <div class="page-head">
                        <h1>
                            <span class="reference" title=i18n.t("cases.col.reference")>{c.reference().to_string()}</span>
                            " "
                            <span class="status case-status" data-status=status.code()>{status.label(lang)}</span>
                            {c.is_paused().then(|| view! { <span class="tag">{i18n.t("cases.paused")}</span> })}
                            {highest_step(c.escalations()).map(|step| view! {
                                <span class="tag tag-escalation" id="case-escalation" data-step=step.code()
                                    title=i18n.t("detail.escalation")>
                                    {step_label(step, i18n.lang())}
                                </span>
                            })}
                        </h1>
                        <span class="muted">{format!("v{}", c.version())}</span>
                    </div>
                    // Imported as historical: past ladder steps did not fire (issue 20).
                    {c.historical().map(|at| view! {
                        <p class="banner banner-warn" id="case-historical">
                            {i18n.t("case.historical").replace("{at}", &crate::format::local_time(at))}
                        </p>
                    })}
                    <div class="detail-grid">
                        <dl class="facts">
                            <dt>{i18n.t("field.channel")}</dt><dd>{c.channel().label(lang)}</dd>
                            {c.batch().map(|b| view! {
                                <dt>{i18n.t("field.batch_number")}</dt>
                                <dd>{format!("{} · {}", b.number(), b.date())}</dd>
                            })}
                            {c.sender_ref().map(|s| view! { <dt>{i18n.t("field.sender_ref")}</dt><dd>{s.to_owned()}</dd> })}
                            <dt>{i18n.t("field.division")}</dt><dd>{v.division_name.clone()}</dd>
                            <dt>{i18n.t("field.address")}</dt><dd>{c.address().to_owned()}</dd>
                            <dt>{i18n.t("field.categories")}</dt>
                            <dd>{c.categories().iter().map(|k| k.label(lang)).collect::<Vec<_>>().join("、")}</dd>
                            {(!c.key_classes().is_empty()).then(|| view! {
                                <dt>{i18n.t("field.key_classes")}</dt>
                                <dd>{c.key_classes().iter().map(|k| k.label(lang)).collect::<Vec<_>>().join("、")}</dd>
                            })}
                            <dt>{i18n.t("field.received_at")}</dt><dd>{local_time(c.received_at())}</dd>
                            <dt>{i18n.t("detail.lead_unit")}</dt>
                            <dd>{v.lead_unit_name.clone().unwrap_or_else(|| "—".into())}</dd>
                            {c.lead_unit().is_some().then(|| view! {
                                <dt>{i18n.t("detail.routed_why")}</dt>
                                <dd id="case-routed-why">
                                    {if c.routed_why().is_empty() {
                                        i18n.t("detail.routed_by_hand").into_any()
                                    } else {
                                        view! { <ul class="plain">{c.routed_why().iter().map(|r| view! { <li>{r.text(lang).to_owned()}</li> }).collect_view()}</ul> }.into_any()
                                    }}
                                </dd>
                            })}
                            {(!c.complainant().is_anonymous()).then(|| view! {
                                <ComplainantFacts masked=c.complainant().clone() revealed errors=reveal_errors on_reveal=reveal/>
                            })}
                            {c.last_reason().map(|r| view! { <dt>{i18n.t("detail.last_reason")}</dt><dd>{r.to_owned()}</dd> })}
                            {c.is_publishable().then(|| {
                                let href = c.batch().map(|b| format!("/public/batches/{}", b.number()));
                                view! {
                                    <dt>{i18n.t("nav.public")}</dt>
                                    <dd id="case-publishable">{match href {
                                        Some(h) => view! { <a href=h>{i18n.t("case.publishable")}</a> }.into_any(),
                                        None => view! { <span>{i18n.t("case.publishable")}</span> }.into_any(),
                                    }}</dd>
                                }
                            })}
                        </dl>
                        <div>
                            <h2>{i18n.t("field.content")}</h2>
                            <p class="content">{c.content().to_owned()}</p>
                            {c.outcome().map(|o| view! {
                                <h2>{i18n.t("detail.outcome")}</h2>
                                <p>{format!("{} · {} {} · {} {} · {} {} {}",
                                    o.finding().label(lang),
                                    i18n.t("outcome.rectification"), o.rectification_orders(),
                                    i18n.t("outcome.penalties"), o.penalty_cases(),
                                    i18n.t("outcome.fines_total"), crate::format::yuan(o.fines_yuan()), i18n.t("unit.yuan"))}</p>
                                <p class="content">{o.public_summary().to_owned()}</p>
                            })}
                        </div>
                    </div>
                    <h2>{i18n.t("detail.clocks")}</h2>
                    <table class="data-table" id="clocks">
                        <thead><tr>
                            <th>{i18n.t("clock.stage")}</th><th>{i18n.t("clock.limit")}</th>
                            <th>{i18n.t("clock.started")}</th><th>{i18n.t("clock.due")}</th><th>{i18n.t("clock.status")}</th>
                        </tr></thead>
                        <tbody>
                            {c.clocks().iter().cloned().map(|clock| {
                                let mut limit = if lang == duban_case::Lang::Zh { clock.limit().to_zh() } else { clock.limit().to_en() };
                                if clock.extensions() > 0 {
                                    limit.push_str(&format!(" {}{}", i18n.t("clock.extended"), clock.extensions()));
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
                    {v.allowed_actions.contains(&ActionKind::Dispatch).then(|| view! {
                        <RoutingProposal routing errors=routing_errors busy on_dispatch=dispatch_as_proposed/>
                    })}
                    <h2>{i18n.t("detail.actions")}</h2>
                    <div class="actions" id="actions">
                        {v.allowed_actions.iter().map(|&kind| view! {
                            <button type="button" class="btn" data-action=kind.code()
                                class:btn-primary=move || open.get() == Some(kind)
                                disabled=move || busy.get()
                                on:click=move |_| choose(kind)>
                                {kind.label(lang)}
                            </button>
                        }).collect_view()}
                        {v.allowed_actions.is_empty().then(|| view! { <span class="muted">{i18n.t("detail.no_actions")}</span> })}
                    </div>
                    // A report typed before (offline, or sent back from the outbox) waits.
                    {
                        let can_report = v.allowed_actions.contains(&ActionKind::Report);
                        view! {
                            <Show when=move || open.get().is_none() && offline::has_draft(&report_draft(&id.get()))>
                                <p class="banner" id="report-draft-waiting">
                                    {move || i18n.t("draft.report_waiting")} " "
                                    {if can_report {
                                        view! { <button type="button" class="btn btn-small btn-primary" id="report-draft-open"
                                            on:click=move |_| choose(ActionKind::Report)>{move || i18n.t("draft.report_open")}</button> }.into_any()
                                    } else {
                                        view! { <span class="muted">{move || i18n.t("draft.report_later")}</span> }.into_any()
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
                    <p class="banner banner-error">{move || i18n.t("conflict.explain")}</p>
                    <super::ConflictTable mine mine_version current/>
                    {(!allowed).then(|| view! { <p class="hint" id="conflict-not-allowed">{move || i18n.t("conflict.not_allowed")}</p> })}
                    <div class="actions">
                        {allowed.then(|| view! {
                        <button type="button" class="btn btn-primary" id="conflict-keep-mine"
                            on:click=move |_| submit(kind)>{move || i18n.t("conflict.keep_mine")}</button>
                        })}
                        <button type="button" class="btn" id="conflict-keep-theirs"
                            on:click=move |_| {
                                conflict.set(None);
                                open.set(None);
                                offline::clear_draft(&report_draft(&id.get_untracked()));
                                form.set(ActionForm::default());
                            }>{move || i18n.t("conflict.keep_theirs")}</button>
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
            {move || notice.get().map(|n| view! { <p class="banner banner-ok toast" id="action-notice" role="status">{i18n.t(n)}<button type="button" class="toast-close" title=move || i18n.t("common.close") on:click=move |_| notice.set(None)>"×"</button></p> })}
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
                <h2>{move || i18n.t("detail.timeline")}</h2>
            </Show>
            <ol class="timeline" id="timeline">
                {move || merge_timeline(events.get(), linked.get()).into_iter().map(|entry| match entry {
                    TimelineEntry::Case(e) => {
                        let lang = i18n.lang().domain();
                        let names = units.get();
                        let detail = event_detail(&e.event.kind, lang, &|id: &str| {
                            names.iter().find(|u| u.id == id).map_or_else(|| id.to_owned(), |u| u.name.clone())
                        });
                        let step = match &e.event.kind {
                            EventKind::Escalated { step, .. } => Some(step.code()),
                            _ => None,
                        };
                        view! {
                            <li data-type=e.event.kind.code() data-step=step>
                                <span class="when">{local_time(e.event.at)}</span>
                                <span class="what">{e.event.kind.label(lang)}</span>
                                <span class="who">{actor_label(&e.event.actor, i18n.lang())}</span>
                                {(!detail.is_empty()).then(|| view! { <span class="detail">{detail}</span> })}
                            </li>
                        }.into_any()
                    }
                    TimelineEntry::Linked(l) => {
                        let lang = i18n.lang();
                        let (what, detail) = units.with(|names| {
                            linked_line(&l, &|id: &str| unit_name(names, id), lang)
                        });
                        let what = what.unwrap_or_else(|| i18n.t(l.label).to_owned());
                        view! {
                            <li class="linked" data-type=l.code data-source=l.source
                                data-step=l.step.map(|s| s.code()) data-on-behalf=l.on_behalf.then_some("true")>
                                <span class="when">{local_time(l.at)}</span>
                                <span class="tag timeline-source">{i18n.t(source_key(l.source))}</span>
                                <span class="what">{what}</span>
                                <span class="who">{actor_text(&l.actor, l.on_behalf, lang)}</span>
                                {(!detail.is_empty()).then(|| view! { <span class="detail">{detail}</span> })}
                            </li>
                        }.into_any()
                    }
                }).collect_view()}
            </ol>
            <Show when=move || user.has_role(CASE_AUDIT_ROLES) && case.with(Option::is_some)>
                <h2>{move || i18n.t("detail.audit")}</h2>
                <OtherErrors fields=&[] errors=audit_errors/>
                <div id="case-audit">
                    <AuditTable rows=audit.into() with_target=false/>
                </div>
                <Show when=move || audit.with(Vec::is_empty) && audit_errors.with(Vec::is_empty)>
                    <p class="muted empty-note">{move || i18n.t("audit.empty")}</p>
                </Show>
            </Show>
        </section>
    }
}

/// The complainant's facts: masked as the case view carries them, or in full once the
/// reader asked (roles that may contact complainants only). Each full read is recorded
/// by the server, and the page says so.
#[component]
fn ComplainantFacts(
    masked: Complainant,
    revealed: RwSignal<Option<Complainant>>,
    errors: RwSignal<Vec<ApiError>>,
    on_reveal: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let lines = move || {
        let (name, phone, id_number, full) = match revealed.get() {
            Some(c) => (
                c.name().map(str::to_owned),
                c.phone().map(|p| p.as_str().to_owned()),
                c.id_number().map(|n| n.as_str().to_owned()),
                true,
            ),
            // Masked by the server already; masking again is harmless.
            None => (
                masked.name().map(str::to_owned),
                masked.phone().map(|p| p.masked()),
                masked.id_number().map(|n| n.masked()),
                false,
            ),
        };
        [
            ("field.complainant_name", "complainant-name", name),
            ("field.complainant_phone", "complainant-phone", phone),
            (
                "field.complainant_id_number",
                "complainant-id-number",
                id_number,
            ),
        ]
        .into_iter()
        .filter_map(|(label, id, value)| {
            value.map(|v| {
                view! {
                    <dt>{move || i18n.t(label)}</dt>
                    <dd id=id class:unmasked=full>{v}</dd>
                }
            })
        })
        .collect_view()
    };
    view! {
        {lines}
        <Show when=move || user.has_role(CONTACT_ROLES)>
            <dt></dt>
            <dd class="contact-actions">
                {
                    let on_reveal = on_reveal.clone();
                    move || match revealed.with(Option::is_some) {
                        false => {
                            let on_reveal = on_reveal.clone();
                            view! {
                                <button type="button" class="btn btn-small" id="show-contact" on:click=move |_| on_reveal()>
                                    {move || i18n.t("detail.show_contact")}
                                </button>
                            }.into_any()
                        }
                        true => view! { <span class="hint" id="contact-logged">{move || i18n.t("detail.contact_logged")}</span> }.into_any(),
                    }
                }
                {move || errors.get().into_iter().map(|e| {
                    let text = i18n.error(&e);
                    view! { <p class="field-error" data-code=e.code>{text}</p> }
                }).collect_view()}
            </dd>
        </Show>
    }
}

/// What the routing rules propose for a case waiting for dispatch (administrators and
/// coordinators): each unit with the rule and the reason, and a button that dispatches
/// the case as proposed.
#[component]
fn RoutingProposal(
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
                <span class="tag proposal-rule" title=move || i18n.t("routing.rule")>{p.proposal.rule_name.clone()}</span>
                <p class="explanation">{let p = p.proposal.clone(); move || crate::dispatch_view::explain(&p, &p.name, i18n.lang())}</p>
            </li>
        }
    };
    view! {
        <Show when=move || user.has_role(DISPATCH_ROLES)>
            <div class="routing-proposal" id="routing-proposal">
                <h2>{move || i18n.t("routing.title")}</h2>
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
                                            {move || i18n.t("routing.dispatch_as_proposed")}
                                        </button>
                                        <span class="hint">{move || i18n.t("routing.adjust_hint")}</span>
                                    </div>
                                }.into_any(),
                                false => view! {
                                    <p class="banner banner-warn" id="routing-no-lead">{move || i18n.t("routing.no_lead")}</p>
                                }.into_any(),
                            }}
                        }
                    })
                }
                <Show when=move || routing.with(Option::is_none) && errors.with(Vec::is_empty)>
                    <p class="muted">{move || i18n.t("common.loading")}</p>
                </Show>
            </div>
        </Show>
    }
}

/// A labelled group of units in the lead-unit list.
type UnitGroup = (&'static str, fn(&UnitView) -> bool);

fn event_detail(
    kind: &EventKind,
    lang: duban_case::Lang,
    unit_name: &dyn Fn(&str) -> String,
) -> String {
    match kind {
        EventKind::Dispatched {
            lead_unit,
            co_units,
            note,
            ..
        } => {
            let mut s = unit_name(lead_unit.as_str());
            if !co_units.is_empty() {
                s.push_str(&format!(
                    " + {}",
                    co_units
                        .iter()
                        .map(|u| unit_name(u.as_str()))
                        .collect::<Vec<_>>()
                        .join("、")
                ));
            }
            if !note.is_empty() {
                s.push_str(&format!(" · {note}"));
            }
            s
        }
        EventKind::Returned { reason }
        | EventKind::Reopened { reason }
        | EventKind::Paused { reason } => reason.clone(),
        EventKind::SentBack { comments } => comments.clone(),
        EventKind::HandlingStarted { note } => note.clone(),
        EventKind::Reported { outcome } => format!(
            "{} · {}",
            outcome.finding().label(lang),
            outcome.public_summary()
        ),
        EventKind::Approved { closure } => closure.label(lang).to_owned(),
        EventKind::ReturnVisited { satisfaction, note } => {
            if note.is_empty() {
                satisfaction.label(lang).to_owned()
            } else {
                format!("{}：{note}", satisfaction.label(lang))
            }
        }
        EventKind::Extended { by, reason } => {
            let by = if lang == duban_case::Lang::Zh {
                by.to_zh()
            } else {
                by.to_en()
            };
            format!("+{by} · {reason}")
        }
        EventKind::Merged {
            primary,
            primary_reference,
        } => primary_reference
            .as_ref()
            .map_or_else(|| primary.to_string(), ToString::to_string),
        EventKind::RepeatAttached { reference, .. } => reference.to_string(),
        // What the handler asked for, so that the coordinator decides knowing it.
        EventKind::ExtensionRequested { by, reason } => {
            let by = if lang == duban_case::Lang::Zh {
                by.to_zh()
            } else {
                by.to_en()
            };
            format!("+{by} · {reason}")
        }
        EventKind::ExtensionRefused { reason } => reason.clone(),

        EventKind::Escalated {
            stage, reached_at, ..
        } => {
            let reached = local_time(*reached_at);
            if lang == duban_case::Lang::Zh {
                format!("{}时限 · {reached} 达到", stage.name_zh())
            } else {
                format!("{} clock · reached {reached}", stage.name_en())
            }
        }
        _ => String::new(),
    }
}

/// A count of the outcome form (`crate::numeric`), empty for 0.
#[component]
fn CountInput(
    name: &'static str,
    form: RwSignal<ActionForm>,
    get: fn(&OutcomeDraft) -> u64,
    set: fn(&mut OutcomeDraft, u64),
) -> impl IntoView {
    view! {
        <NumberInput name
            value=Signal::derive(move || form.with(|f| Some(get(&f.outcome)).filter(|n| *n != 0)))
            on_change={move |n: Option<u64>| form.update(|f| set(&mut f.outcome, n.unwrap_or(0)))}/>
    }
}

#[component]
fn ActionPanel(
    case_id: String,
    kind: ActionKind,
    form: RwSignal<ActionForm>,
    units: RwSignal<Vec<UnitView>>,
    errors: RwSignal<Vec<ApiError>>,
    busy: RwSignal<bool>,
    on_submit: impl Fn() + Clone + Send + Sync + 'static,
    on_cancel: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = move || i18n.lang().domain();
    let field_errors = move |field: &'static str| {
        move || {
            errors
                .get()
                .into_iter()
                .filter(|e| e.field == field || e.field.starts_with(&format!("{field}[")) || e.field.starts_with(&format!("{field}.")))
                .map(|e| view! { <p class="field-error" data-field=e.field.clone() data-code=e.code.clone()>{e.message.clone()}</p> })
                .collect_view()
        }
    };
    let submit = on_submit.clone();
    let initial_co = StoredValue::new(form.with_untracked(|f| f.co_units.clone()));
    // Files of a result report: the case's attachments, uploaded when chosen
    // (`super::attachments`); the report waits for uploads under way.
    let uploads = RwSignal::new(Vec::<duban_api::AttachmentView>::new());
    let uploading = RwSignal::new(0usize);
    view! {
        <form class="form action-panel" id="action-form" data-action=kind.code() novalidate
            on:submit=move |ev| { ev.prevent_default(); if uploading.get_untracked() == 0 { submit(); } }>
            <h3>{move || kind.label(lang())}</h3>
            {(kind == ActionKind::Dispatch).then(|| view! {
                <label class="field">
                    <span class="label">{move || i18n.t("action.lead_unit")}</span>
                    <select name="lead_unit" on:change=move |ev| form.update(|f| f.lead_unit = event_target_value(&ev))>
                        <option value="">{move || i18n.t("common.choose")}</option>
                        {move || {
                            let all = units.get();
                            // Cities, their counties, provincial departments, zones.
                            let groups: [UnitGroup; 4] = [
                                ("unit.group.city", |u| u.kind == "government" && u.parent.as_deref() == Some("prov-coord")),
                                ("unit.group.county", |u| u.kind == "government" && u.parent.as_deref() != Some("prov-coord")),
                                ("unit.group.department", |u| u.kind == "department"),
                                ("unit.group.zone", |u| u.kind == "zone"),
                            ];
                            groups.into_iter().map(|(label, keep)| view! {
                                <optgroup label=i18n.t(label)>
                                    {all.iter().filter(|u| keep(u)).map(|u| {
                                        let id = u.id.clone();
                                        let chosen = id.clone();
                                        view! {
                                            <option value=id selected=move || form.with(|f| f.lead_unit == chosen)>{u.name.clone()}</option>
                                        }
                                    }).collect_view()}
                                </optgroup>
                            }).collect_view()
                        }}
                    </select>
                    {field_errors("lead_unit")}
                </label>
                <label class="field">
                    <span class="label">{move || i18n.t("action.co_units")}</span>
                    <select name="co_units" multiple size="5" on:change=move |ev| {
                        use leptos::wasm_bindgen::JsCast;
                        let chosen = ev.target()
                            .and_then(|t| t.dyn_into::<leptos::web_sys::HtmlSelectElement>().ok())
                            .map(|sel| {
                                let opts = sel.selected_options();
                                (0..opts.length()).filter_map(|i| opts.item(i)).filter_map(|o| o.get_attribute("value")).collect::<Vec<_>>()
                            })
                            .unwrap_or_default();
                        form.update(|f| f.co_units = chosen);
                    }>
                        // Departments, and whichever other units the form started with
                        // (a routing proposal may notify a government or a zone).
                        {move || {
                            let initial = initial_co.get_value();
                            units.get().into_iter().filter(|u| u.kind == "department" || initial.contains(&u.id)).map(|u| {
                                let id = u.id.clone();
                                view! {
                                    <option value=u.id.clone() selected=move || form.with(|f| f.co_units.contains(&id))>{u.name.clone()}</option>
                                }
                            }).collect_view()
                        }}
                    </select>
                    {field_errors("co_units")}
                </label>
            })}
            {(kind == ActionKind::Report).then(|| view! {
                <div class="form-grid">
                    <label class="field">
                        <span class="label">{move || i18n.t("outcome.finding")}</span>
                        <select name="finding" on:change=move |ev| form.update(|f| f.outcome.finding = event_target_value(&ev))>
                            <option value="">{move || i18n.t("common.choose")}</option>
                            {Finding::ALL.iter().map(|x| view! { <option value=x.code() selected=move || form.with(|f| f.outcome.finding == x.code())>{move || x.label(lang())}</option> }).collect_view()}
                        </select>
                        {field_errors("outcome.finding")}
                    </label>
                    <label class="field"><span class="label">{move || i18n.t("outcome.rectification")}</span>
                        <CountInput name="rectification_orders" form get=|o| u64::from(o.rectification_orders) set=|o, n| o.rectification_orders = u32::try_from(n).unwrap_or(u32::MAX)/></label>
                    <label class="field"><span class="label">{move || i18n.t("outcome.penalties")}</span>
                        <CountInput name="penalty_cases" form get=|o| u64::from(o.penalty_cases) set=|o, n| o.penalty_cases = u32::try_from(n).unwrap_or(u32::MAX)/></label>
                    <label class="field"><span class="label">{move || i18n.t("outcome.fines")}</span>
                        <CountInput name="fines_yuan" form get=|o| o.fines_yuan set=|o, n| o.fines_yuan = n/>
                        {field_errors("outcome.fines_yuan")}</label>
                    <label class="field"><span class="label">{move || i18n.t("outcome.criminal")}</span>
                        <CountInput name="criminal_cases" form get=|o| u64::from(o.criminal_cases) set=|o, n| o.criminal_cases = u32::try_from(n).unwrap_or(u32::MAX)/></label>
                    <label class="field"><span class="label">{move || i18n.t("outcome.summoned")}</span>
                        <CountInput name="officials_summoned" form get=|o| u64::from(o.officials_summoned) set=|o, n| o.officials_summoned = u32::try_from(n).unwrap_or(u32::MAX)/></label>
                    <label class="field"><span class="label">{move || i18n.t("outcome.accountable")}</span>
                        <CountInput name="officials_accountable" form get=|o| u64::from(o.officials_accountable) set=|o, n| o.officials_accountable = u32::try_from(n).unwrap_or(u32::MAX)/></label>
                </div>
                <label class="field field-wide"><span class="label">{move || i18n.t("outcome.measures")}</span>
                    <textarea name="measures" rows="3" prop:value=move || form.with(|f| f.outcome.measures.clone()) on:input=move |ev| form.update(|f| f.outcome.measures = event_target_value(&ev))></textarea>
                    {field_errors("outcome.measures")}</label>
                <label class="field field-wide"><span class="label">{move || i18n.t("outcome.public_summary")}</span>
                    <textarea name="public_summary" rows="3" prop:value=move || form.with(|f| f.outcome.public_summary.clone()) on:input=move |ev| form.update(|f| f.outcome.public_summary = event_target_value(&ev))></textarea>
                    {field_errors("outcome.public_summary")}</label>
                <AttachmentPicker case_id=case_id.clone() id="report-files" list_id="report-uploads" label="attachments.files" uploads uploading/>
            })}
            {(kind == ActionKind::Publish).then(|| view! {
                <p class="hint">{move || i18n.t("action.publish_hint")}</p>
            })}
            {(kind == ActionKind::Approve).then(|| view! {
                <label class="field"><span class="label">{move || i18n.t("action.closure")}</span>
                    <select name="closure" on:change=move |ev| form.update(|f| f.closure = event_target_value(&ev))>
                        {Closure::ALL.iter().map(|x| view! { <option value=x.code()>{move || x.label(lang())}</option> }).collect_view()}
                    </select>
                    {field_errors("closure")}</label>
            })}
            {(kind == ActionKind::ReturnVisit).then(|| view! {
                <label class="field"><span class="label">{move || i18n.t("action.satisfaction")}</span>
                    <select name="satisfaction" on:change=move |ev| form.update(|f| f.satisfaction = event_target_value(&ev))>
                        {Satisfaction::ALL.iter().map(|x| view! { <option value=x.code()>{move || x.label(lang())}</option> }).collect_view()}
                    </select>
                    {field_errors("satisfaction")}</label>
            })}
            {matches!(kind, ActionKind::Extend | ActionKind::RequestExtension).then(|| view! {
                <div class="form-grid">
                    <label class="field"><span class="label">{move || i18n.t("action.amount")}</span>
                        <NumericText name="amount" text=Signal::derive(move || form.with(|f| f.amount.clone())) on_text=move |v| form.update(|f| f.amount = v)/>
                        {field_errors("extension")}</label>
                    <label class="field"><span class="label">{move || i18n.t("action.unit")}</span>
                        <select name="unit" on:change=move |ev| form.update(|f| f.unit = event_target_value(&ev))>
                            <option value="working_days">{move || i18n.t("unit.working_days")}</option>
                            <option value="natural_days">{move || i18n.t("unit.natural_days")}</option>
                            <option value="working_hours">{move || i18n.t("unit.working_hours")}</option>
                            <option value="hours">{move || i18n.t("unit.hours")}</option>
                        </select></label>
                </div>
            })}
            {(kind == ActionKind::Merge).then(|| view! {
                <label class="field"><span class="label">{move || i18n.t("action.primary")}</span>
                    <input type="text" name="primary" on:input=move |ev| form.update(|f| f.primary = event_target_value(&ev))/>
                    {field_errors("primary")}</label>
            })}
            {text_label(kind).map(|label| view! {
                <label class="field field-wide"><span class="label">{move || i18n.t(label)}</span>
                    <textarea name="text" rows="2" on:input=move |ev| form.update(|f| f.text = event_target_value(&ev))></textarea>
                    {field_errors("reason")}{field_errors("comments")}{field_errors("note")}</label>
            })}
            {move || {
                let shown = ["lead_unit", "co_units", "outcome", "closure", "satisfaction", "extension", "primary", "reason", "comments", "note"];
                errors.get().into_iter()
                    .filter(|e| !shown.iter().any(|s| e.field.starts_with(s)))
                    .map(|e| view! { <p class="banner banner-error" data-code=e.code.clone()>{e.message.clone()}</p> })
                    .collect_view()
            }}
            <div class="actions">
                <button type="submit" class="btn btn-primary" id="confirm-action" disabled=move || busy.get()>{move || i18n.t("action.confirm")}</button>
                <button type="button" class="btn" on:click=move |_| on_cancel()>{move || i18n.t("action.cancel")}</button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> chrono::DateTime<Utc> {
        s.parse().unwrap_or_default()
    }

    fn case_event(seq: u64, time: &str) -> Option<EventView> {
        serde_json::from_value(serde_json::json!({
            "seq": seq, "at": time, "actor": "handler", "type": "signed_for"
        }))
        .ok()
    }

    fn linked(time: &str, code: &'static str) -> LinkedEvent {
        LinkedEvent {
            at: at(time),
            actor: "coordinator".into(),
            on_behalf: false,
            source: "referral",
            code,
            label: "referral.event.sent",
            unit: None,
            detail: String::new(),
            step: None,
        }
    }

    #[test]
    fn the_timeline_merges_by_time() {
        let case: Vec<EventView> = [
            case_event(1, "2025-06-03T01:00:00Z"),
            case_event(2, "2025-06-03T03:00:00Z"),
        ]
        .into_iter()
        .flatten()
        .collect();
        assert_eq!(case.len(), 2);
        let merged = merge_timeline(
            case,
            vec![
                linked("2025-06-03T03:00:00Z", "acknowledged"),
                linked("2025-06-03T02:00:00Z", "sent"),
            ],
        );
        let order: Vec<String> = merged
            .iter()
            .map(|e| match e {
                TimelineEntry::Case(e) => format!("case{}", e.seq),
                TimelineEntry::Linked(l) => l.code.to_owned(),
            })
            .collect();
        assert_eq!(order, ["case1", "sent", "case2", "acknowledged"]);
    }
}
