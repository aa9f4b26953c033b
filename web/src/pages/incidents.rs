//! Emergency linkage (突发事件应急联动处置): `/incidents` lists incidents and lets
//! administrators and coordinators declare one; `/incidents/:id` is the live linkage
//! board: one row per linked department with its tasks and acknowledgement clock,
//! situation reports, the timeline, escalation and closing. The board asks the server
//! every five seconds with `If-None-Match`, so an unchanged incident costs a 304.
//!
//! The case page declares an incident from a case with the same form.

use duban_core::{Aggregate as _, Tagged as _};
use duban_text::Key;
use duban_text::key;
use std::time::Duration;

use chrono::Utc;
use duban_api::admin::ListUnits;
use duban_api::incidents::{
    ActOnIncident, DeclareIncident, DeclareIncidentFromCase, GetIncident, ListIncidents,
};
use duban_api::keys::{CaseKey, IncidentKey};
use duban_api::{ApiError, CaseView, IncidentView, UnitView};
use duban_calendar::Calendar;
use duban_emergency::{Command, Ctx, EventKind, IncidentType, Severity};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::admin::unit_name;
use crate::api::{self, Fetched};
use crate::components::field_errors::{ApiFieldErrors, OtherErrors};
use crate::format::{actor_label, actor_text, local_time};
use crate::i18n::{I18n, use_i18n};
use crate::mechanism_view::{IncidentHead, incident_status_code, incident_type_for, step_text};
use crate::session::{DISPATCH_ROLES, use_current_user};
use crate::sla_view::SlaBadge;

/// How often the board asks whether the incident changed.
const POLL: Duration = Duration::from_secs(5);
/// A closing summary needs this many characters (as the server checks).
const SUMMARY_MIN: usize = 20;

/// The declare form's inputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DeclareDraft {
    title: String,
    incident_type: String,
    severity: String,
    division: String,
    address: String,
}

impl Default for DeclareDraft {
    fn default() -> Self {
        DeclareDraft {
            title: String::new(),
            incident_type: IncidentType::WaterPollution.code().to_owned(),
            severity: Severity::IV.code().to_owned(),
            division: String::new(),
            address: String::new(),
        }
    }
}

impl DeclareDraft {
    /// A draft from a case: its reference and the start of its content as the title,
    /// the type its categories suggest, its place.
    fn of_case(v: &CaseView) -> DeclareDraft {
        let c = &v.case;
        let excerpt: String = c.content().chars().take(40).collect();
        DeclareDraft {
            title: format!("{} {excerpt}", c.reference()),
            incident_type: incident_type_for(c.categories()).code().to_owned(),
            severity: Severity::IV.code().to_owned(),
            division: c.division().as_str(),
            address: c.address().to_owned(),
        }
    }

    fn command(&self) -> Command {
        Command::Declare {
            title: self.title.clone(),
            incident_type: self.incident_type.as_str().into(),
            severity: self.severity.as_str().into(),
            division: self.division.clone(),
            address: self.address.clone(),
        }
    }
}

fn severity_label(s: Severity, i18n: I18n) -> &'static str {
    s.label(i18n.lang())
}

fn type_label(t: IncidentType, i18n: I18n) -> &'static str {
    t.label(i18n.lang())
}

/// The board: the view and the incident's head.
fn board_of(view: IncidentView) -> (IncidentView, IncidentHead) {
    let head = IncidentHead::from(&view.incident);
    (view, head)
}

/// `/incidents`: incidents, newest first, and the declare form for administrators and
/// coordinators.
#[component]
pub fn IncidentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let list = RwSignal::new(Vec::<IncidentHead>::new());
    let errors = RwSignal::new(Vec::<ApiError>::new());
    let loaded = RwSignal::new(false);
    let lang = i18n.lang_untracked();
    spawn_local(async move {
        match api::call::<ListIncidents>(&(), &(), &(), lang).await {
            Ok(v) => list.set(v.iter().map(IncidentHead::from).collect()),
            Err(f) => errors.set(f.errors().to_vec()),
        }
        loaded.set(true);
    });
    view! {
        <section>
            <div class="page-head">
                <h1>{move || i18n.t(key!("incident.page_title"))}</h1>
            </div>
            <p class="hint">{move || i18n.t(key!("incident.hint"))}</p>
            <OtherErrors fields=&[] errors/>
            <Show when=move || user.has_role(DISPATCH_ROLES)>
                <DeclareIncidentForm from_case=None draft=DeclareDraft::default()/>
            </Show>
            <table class="data-table" id="incidents">
                <thead><tr>
                    <th>{move || i18n.t(key!("incident.title"))}</th>
                    <th>{move || i18n.t(key!("incident.type"))}</th>
                    <th>{move || i18n.t(key!("incident.severity"))}</th>
                    <th>{move || i18n.t(key!("incident.status"))}</th>
                    <th>{move || i18n.t(key!("incident.declared_at"))}</th>
                </tr></thead>
                <tbody>
                    {move || list.get().into_iter().map(|h| {
                        let (t, s, status) = (h.incident_type, h.severity, h.status);
                        view! {
                            <tr class="incident-row" data-id=h.id.clone() data-status=incident_status_code(status)
                                data-severity=s.code() data-type=t.code()>
                                <td><A href=format!("/incidents/{}", h.id) attr:class="incident-link">{h.title.clone()}</A></td>
                                <td>{move || type_label(t, i18n)}</td>
                                <td><span class="severity" data-severity=s.code()>{move || severity_label(s, i18n)}</span></td>
                                <td><span class="status incident-status" data-status=incident_status_code(status)>
                                    {move || i18n.t(if status == duban_emergency::Status::Closed { key!("incident.status.closed") } else { key!("incident.status.active") })}
                                </span></td>
                                <td class="nowrap">{local_time(h.declared_at)}</td>
                            </tr>
                        }
                    }).collect_view()}
                    <Show when=move || loaded.get() && list.with(Vec::is_empty)>
                        <tr><td class="empty" colspan="5">{move || i18n.t(key!("incident.none"))}</td></tr>
                    </Show>
                </tbody>
            </table>
        </section>
    }
}

/// The "declare incident" button of a case page (administrators and coordinators): it
/// opens the declare form filled from the case, which posts to the case's incidents.
#[component]
pub fn DeclareFromCase(case: RwSignal<Option<CaseView>>) -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let open = RwSignal::new(None::<DeclareDraft>);
    view! {
        <Show when=move || user.has_role(DISPATCH_ROLES)>
            <div class="mechanism" id="case-incident">
                <button type="button" class="btn btn-danger" id="declare-incident-button"
                    on:click=move |_| {
                        let draft = case.with_untracked(|c| c.as_ref().map(DeclareDraft::of_case));
                        open.update(|o| *o = if o.is_some() { None } else { draft });
                    }>
                    {move || i18n.t(key!("incident.declare"))}
                </button>
                {move || open.get().map(|draft| {
                    let from_case = case.with_untracked(|c| c.as_ref().map(|v| CaseKey::new(v.case.id().to_string())));
                    view! { <DeclareIncidentForm from_case draft/> }
                })}
            </div>
        </Show>
    }
}

/// Declares an incident (`form#declare-incident`), from a case or not, and opens its
/// board.
#[component]
fn DeclareIncidentForm(from_case: Option<CaseKey>, draft: DeclareDraft) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let form = RwSignal::new(draft);
    let errors = RwSignal::new(Vec::<ApiError>::new());
    let busy = RwSignal::new(false);
    let from_case = StoredValue::new(from_case);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let lang = i18n.lang_untracked();
        let cmd = form.with_untracked(DeclareDraft::command);
        // The fields as the server checks them; which plan applies is the server's.
        let ctx = Ctx {
            now: Utc::now(),
            actor: "browser",
            actor_units: &[],
            calendar: Calendar::official(),
        };
        if let Err(problems) =
            duban_emergency::declare(None, &cmd, &duban_emergency::default_plans(), &ctx)
        {
            let shown: Vec<ApiError> = duban_api::ErrorBody::from_errors(&problems, lang)
                .errors
                .into_iter()
                .filter(|e| e.code != "plan.none")
                .collect();
            if !shown.is_empty() {
                errors.set(shown);
                return;
            }
        }
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let declared = match from_case.get_value() {
                Some(case) => api::call::<DeclareIncidentFromCase>(&case, &(), &cmd, lang).await,
                None => api::call::<DeclareIncident>(&(), &(), &cmd, lang).await,
            };
            match declared {
                Ok(v) => navigate(
                    &format!("/incidents/{}", v.incident.id()),
                    Default::default(),
                ),
                Err(f) => errors.set(f.errors().to_vec()),
            }
            busy.set(false);
        });
    };
    let set = move |apply: fn(&mut DeclareDraft, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            form.update(|d| apply(d, v));
        }
    };
    view! {
        <form class="form action-panel declare-form" id="declare-incident" novalidate on:submit=submit>
            <h3>{move || i18n.t(key!("incident.declare"))}</h3>
            <label class="field field-wide">
                <span class="label">{move || i18n.t(key!("incident.title"))}</span>
                <input type="text" name="title" maxlength="100" prop:value=move || form.with(|d| d.title.clone())
                    on:input=set(|d, v| d.title = v)/>
                <ApiFieldErrors field="title" errors/>
            </label>
            <div class="form-grid">
                <label class="field">
                    <span class="label">{move || i18n.t(key!("incident.type"))}</span>
                    <select name="incident_type" on:change=set(|d, v| d.incident_type = v)>
                        {IncidentType::ALL.into_iter().map(|t| view! {
                            <option value=t.code() selected=move || form.with(|d| d.incident_type == t.code())>{move || type_label(t, i18n)}</option>
                        }).collect_view()}
                    </select>
                    <ApiFieldErrors field="incident_type" errors/>
                </label>
                <label class="field">
                    <span class="label">{move || i18n.t(key!("incident.severity"))}</span>
                    <select name="severity" on:change=set(|d, v| d.severity = v)>
                        {Severity::ALL.into_iter().map(|s| view! {
                            <option value=s.code() selected=move || form.with(|d| d.severity == s.code())>{move || severity_label(s, i18n)}</option>
                        }).collect_view()}
                    </select>
                    <ApiFieldErrors field="severity" errors/>
                </label>
                <label class="field">
                    <span class="label">{move || i18n.t(key!("field.division"))}</span>
                    <select name="division" on:change=set(|d, v| d.division = v)>
                        <option value="">{move || i18n.t(key!("common.choose"))}</option>
                        {duban_divisions::cities().map(|city| {
                            let code = city.code().as_str();
                            let chosen = code.clone();
                            view! {
                                <optgroup label=city.name()>
                                    <option value=code.clone() selected=move || form.with(|d| d.division == chosen)>
                                        {move || format!("{}{}", city.name(), i18n.t(key!("incident.whole_city")))}
                                    </option>
                                    {duban_divisions::children(city.code()).map(|d| {
                                        let code = d.code().as_str();
                                        let chosen = code.clone();
                                        view! { <option value=code selected=move || form.with(|f| f.division == chosen)>{d.full_name()}</option> }
                                    }).collect_view()}
                                </optgroup>
                            }
                        }).collect_view()}
                    </select>
                    <ApiFieldErrors field="division" errors/>
                </label>
                <label class="field field-wide2">
                    <span class="label">{move || i18n.t(key!("field.address"))}</span>
                    <input type="text" name="address" maxlength="200" prop:value=move || form.with(|d| d.address.clone())
                        on:input=set(|d, v| d.address = v)/>
                    <ApiFieldErrors field="address" errors/>
                </label>
            </div>
            <OtherErrors fields=&["title", "incident_type", "severity", "division", "address"] errors/>
            <div class="actions">
                <button type="submit" class="btn btn-danger" id="declare-incident-submit" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(key!("common.saving")) } else { i18n.t(key!("incident.declare_submit")) }}
                </button>
            </div>
        </form>
    }
}

/// A timeline entry of an incident for people: what happened and the detail.
fn event_text(kind: &EventKind, i18n: I18n, units: &[UnitView]) -> (String, String) {
    if let EventKind::StepFired { unit, step } = kind {
        let what = step_text("incident", &unit_name(units, unit), *step, i18n.lang());
        return (what, String::new());
    }
    let (key, detail) = event_key_text(kind, i18n, units);
    (i18n.t(key).to_owned(), detail)
}

/// The string-table key and the detail of an incident event other than a ladder step.
fn event_key_text(kind: &EventKind, i18n: I18n, units: &[UnitView]) -> (Key, String) {
    let lang = i18n.lang();
    match kind {
        EventKind::Declared {
            severity,
            plan_name,
            linkages,
            ..
        } => (
            key!("incident.event.declared"),
            format!(
                "{} · {plan_name} · {}",
                severity.label(lang),
                linkages
                    .iter()
                    .map(|l| unit_name(units, &l.unit))
                    .collect::<Vec<_>>()
                    .join("、")
            ),
        ),
        EventKind::Acknowledged { unit, .. } => {
            (key!("incident.event.acknowledged"), unit_name(units, unit))
        }
        EventKind::Reported { unit, text } => (
            key!("incident.event.reported"),
            format!(
                "{}{}{text}",
                unit_name(units, unit),
                i18n.t(key!("routing.colon"))
            ),
        ),
        EventKind::Escalated {
            severity,
            plan_name,
            added,
            ..
        } => {
            let mut s = format!("{} · {plan_name}", severity.label(lang));
            if !added.is_empty() {
                s.push_str(&format!(
                    " · {}{}",
                    i18n.t(key!("incident.added")),
                    added
                        .iter()
                        .map(|l| unit_name(units, &l.unit))
                        .collect::<Vec<_>>()
                        .join("、")
                ));
            }
            (key!("incident.event.escalated"), s)
        }
        EventKind::Closed { summary, .. } => (key!("incident.event.closed"), summary.clone()),
        EventKind::StepFired { unit, .. } => (key!("timeline.step_fired"), unit_name(units, unit)),
    }
}

/// `/incidents/:id`: the live linkage board.
#[component]
pub fn IncidentBoardPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let board = RwSignal::new(None::<(IncidentView, IncidentHead)>);
    let etag = RwSignal::new(None::<String>);
    let load_errors = RwSignal::new(Vec::<ApiError>::new());
    let errors = RwSignal::new(Vec::<ApiError>::new());
    let busy = RwSignal::new(false);
    let polling = RwSignal::new(false);
    let notice = RwSignal::new(None::<Key>);
    let units = RwSignal::new(Vec::<UnitView>::new());

    let poll = move |used: api::Use| {
        if polling.get_untracked() {
            return;
        }
        polling.set(true);
        let lang = i18n.lang_untracked();
        let want = id.get_untracked();
        let tag = etag.get_untracked();
        spawn_local(async move {
            let key = IncidentKey::new(&*want);
            let result =
                api::call_if_changed::<GetIncident>(&key, &(), tag.as_deref(), used, lang).await;
            // An answer for an incident no longer shown is dropped.
            if id.get_untracked() == want {
                match result {
                    Ok(Fetched::Changed(v, tag)) => {
                        board.set(Some(board_of(v)));
                        etag.set(tag);
                        load_errors.set(Vec::new());
                    }
                    Ok(Fetched::Unchanged) => {}
                    Err(f) => load_errors.set(f.errors().to_vec()),
                }
            }
            polling.set(false);
        });
    };
    Effect::new(move |_| {
        id.track();
        board.set(None);
        etag.set(None);
        poll(api::Use::User);
    });
    if let Ok(handle) = set_interval_with_handle(move || poll(api::Use::Background), POLL) {
        on_cleanup(move || handle.clear());
    }
    let lang = i18n.lang_untracked();
    spawn_local(async move {
        if let Ok(u) = api::call::<ListUnits>(&(), &(), &(), lang).await {
            units.set(u);
        }
    });

    let act = move |cmd: Command| {
        if busy.get_untracked() {
            return;
        }
        let lang = i18n.lang_untracked();
        notice.set(None);
        // The checks that need no plan, as the server makes them.
        if matches!(cmd, Command::Close { .. } | Command::Report { .. })
            && let Some((v, _)) = board.get_untracked()
        {
            let ctx = Ctx {
                now: Utc::now(),
                actor: "browser",
                actor_units: &v.my_units,
                calendar: Calendar::official(),
            };
            if let Err(problems) =
                duban_emergency::decide(&v.incident, &cmd, &duban_emergency::default_plans(), &ctx)
            {
                errors.set(duban_api::ErrorBody::from_errors(&problems, lang).errors);
                return;
            }
        }
        busy.set(true);
        let done = if matches!(cmd, Command::Report { .. }) {
            key!("incident.reported")
        } else {
            key!("action.done")
        };
        let key = IncidentKey::new(id.get_untracked());
        spawn_local(async move {
            match api::call::<ActOnIncident>(&key, &(), &cmd, lang).await {
                Ok(v) => {
                    board.set(Some(board_of(v)));
                    // The next poll reads the new version in full.
                    etag.set(None);
                    errors.set(Vec::new());
                    notice.set(Some(done));
                }
                Err(f) => {
                    errors.set(f.errors().to_vec());
                    if f.status == 409 {
                        etag.set(None);
                        poll(api::Use::User);
                    }
                }
            }
            busy.set(false);
        });
    };
    let on_act = Callback::new(act);

    let allowed = move |code: &str| {
        board.with(|b| {
            b.as_ref()
                .is_some_and(|(v, _)| v.allowed.iter().any(|c| c == code))
        })
    };
    // The forms follow only what they depend on, so that a poll does not clear them.
    let report_units = Memo::new(move |_| {
        allowed("report")
            .then(|| board.with(|b| b.as_ref().map(|(v, _)| v.my_units.clone())))
            .flatten()
    });
    let escalate_from = Memo::new(move |_| {
        allowed("escalate")
            .then(|| board.with(|b| b.as_ref().map(|(_, h)| h.severity)))
            .flatten()
    });
    let may_close = Memo::new(move |_| allowed("close"));
    let head = move |f: fn(&IncidentView, &IncidentHead) -> String| {
        move || board.with(|b| b.as_ref().map(|(v, h)| f(v, h)).unwrap_or_default())
    };

    view! {
        <section>
            <p><A href="/incidents">{move || i18n.t(key!("incident.back"))}</A></p>
            <OtherErrors fields=&[] errors=load_errors/>
            <div id="incident-board" data-id=head(|_, h| h.id.clone())
                data-status=head(|_, h| incident_status_code(h.status).to_owned())
                data-severity=head(|_, h| h.severity.code().to_owned())
                data-version=head(|v, _| v.incident.version().to_string())>
                {move || board.get().map(|(v, h)| {
                    let status = h.status;
                    let closed = status == duban_emergency::Status::Closed;
                    let (t, s) = (h.incident_type, h.severity);
                    let names = units.get();
                    let can_ack = v.allowed.iter().any(|c| c == "acknowledge");
                    let my_units = v.my_units.clone();
                    let place = format!("{} {}", h.place.division.division().full_name(), h.place.address);
                    view! {
                        <div class="page-head">
                            <h1>
                                <span class="incident-title">{h.title.clone()}</span>
                                " "
                                <span class="status incident-status" data-status=incident_status_code(status)>
                                    {i18n.t(if closed { key!("incident.status.closed") } else { key!("incident.status.active") })}
                                </span>
                                <span class="tag tag-severity" data-severity=s.code()>{severity_label(s, i18n)}</span>
                            </h1>
                            <span class="muted" id="board-live">{i18n.t(key!("incident.live"))}</span>
                        </div>
                        <dl class="facts">
                            <dt>{i18n.t(key!("incident.type"))}</dt><dd>{type_label(t, i18n)}</dd>
                            <dt>{i18n.t(key!("incident.plan"))}</dt><dd id="incident-plan" data-plan=h.plan_id.clone()>{h.plan_name.clone()}</dd>
                            <dt>{i18n.t(key!("incident.place"))}</dt><dd>{place}</dd>
                            <dt>{i18n.t(key!("incident.declared_at"))}</dt><dd>{format!("{} · {}", local_time(h.declared_at), actor_label(&h.declared_by, i18n.lang()))}</dd>
                            {h.case_id.clone().map(|c| view! {
                                <dt>{i18n.t(key!("incident.case"))}</dt>
                                <dd><A href=format!("/cases/{c}") attr:class="case-link" attr:id="incident-case">{move || i18n.t(key!("referral.open_case"))}</A></dd>
                            })}
                            {h.summary.clone().map(|s| view! { <dt>{i18n.t(key!("incident.summary"))}</dt><dd id="incident-summary">{s}</dd> })}
                        </dl>
                        <h2>{i18n.t(key!("incident.linkage"))}</h2>
                        <table class="data-table linkage-table" id="linkage">
                            <thead><tr>
                                <th>{i18n.t(key!("incident.unit"))}</th>
                                <th>{i18n.t(key!("incident.tasks"))}</th>
                                <th>{i18n.t(key!("incident.ack_clock"))}</th>
                                <th>{i18n.t(key!("incident.acknowledged_at"))}</th>
                                <th>{i18n.t(key!("incident.acknowledged_by"))}</th>
                                <th>{i18n.t(key!("admin.col.actions"))}</th>
                            </tr></thead>
                            <tbody>
                                {v.incident.linkages().iter().map(|l| {
                                    let acked = l.acknowledged_at.is_some();
                                    // Acknowledged by the coordinators for the department (代录)?
                                    let for_unit = v.events.iter().any(|e| e.event.on_behalf
                                        && matches!(&e.event.kind, EventKind::Acknowledged { unit, .. } if *unit == l.unit));
                                    let ack_by = l.acknowledged_by.as_deref()
                                        .map_or_else(|| "—".to_owned(), |by| actor_text(by, for_unit, i18n.lang()));
                                    let unit = l.unit.clone();
                                    let show_ack = can_ack && !acked && my_units.contains(&l.unit);
                                    view! {
                                        <tr class="linkage-row" data-unit=l.unit.clone() data-acknowledged=acked.to_string()
                                            class:row-acknowledged=acked>
                                            <td class="unit-name">{unit_name(&names, &l.unit)}</td>
                                            <td><ul class="tasks">{l.tasks.iter().map(|t| view! { <li>{t.clone()}</li> }).collect_view()}</ul></td>
                                            <td class="nowrap"><SlaBadge clock=l.clock.clone() seconds=true/></td>
                                            <td class="nowrap ack-at">{l.acknowledged_at.map(local_time).unwrap_or_else(|| "—".into())}</td>
                                            <td class="ack-by" data-on-behalf=for_unit.then_some("true")>{ack_by}</td>
                                            <td class="nowrap">
                                                {show_ack.then(|| view! {
                                                    <button type="button" class="btn btn-primary btn-small ack" data-unit=unit.clone()
                                                        disabled=move || busy.get()
                                                        on:click=move |_| on_act.run(Command::Acknowledge { unit: unit.clone() })>
                                                        {move || i18n.t(key!("incident.acknowledge"))}
                                                    </button>
                                                })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }
                })}
                {move || notice.get().map(|n| view! { <p class="banner banner-ok" id="incident-notice">{move || i18n.t(n)}</p> })}
                <OtherErrors fields=&["unit", "text", "severity", "summary"] errors/>
                {move || report_units.get().map(|my_units| view! { <SituationReportForm my_units units errors busy notice on_act/> })}
                <Show when=move || board.with(Option::is_some)>
                    <h2>{move || i18n.t(key!("incident.timeline"))}</h2>
                </Show>
                <ol class="timeline" id="incident-timeline">
                    {move || board.with(|b| b.as_ref().map(|(v, _)| {
                        let names = units.get();
                        v.events.iter().map(|e| {
                            let (what, detail) = event_text(&e.event.kind, i18n, &names);
                            let step = match &e.event.kind {
                                EventKind::StepFired { step, .. } => Some(step.code()),
                                _ => None,
                            };
                            view! {
                                <li data-type=e.event.kind.code() data-step=step
                                    data-on-behalf=e.event.on_behalf.then_some("true")>
                                    <span class="when">{local_time(e.event.at)}</span>
                                    <span class="what">{what}</span>
                                    <span class="who">{actor_text(&e.event.actor, e.event.on_behalf, i18n.lang())}</span>
                                    {(!detail.is_empty()).then(|| view! { <span class="detail">{detail}</span> })}
                                </li>
                            }
                        }).collect_view()
                    }))}
                </ol>
                <Show when=move || escalate_from.get().is_some() || may_close.get()>
                    <h2>{move || i18n.t(key!("incident.command"))}</h2>
                </Show>
                {move || escalate_from.get().map(|current| view! { <EscalateForm current errors busy on_act/> })}
                <Show when=move || may_close.get()>
                    <CloseIncidentForm errors busy on_act/>
                </Show>
            </div>
            <Show when=move || board.with(Option::is_none) && load_errors.with(Vec::is_empty)>
                <p class="muted">{move || i18n.t(key!("common.loading"))}</p>
            </Show>
        </section>
    }
}

/// A situation report (续报) for one of the reader's linked units.
#[component]
fn SituationReportForm(
    my_units: Vec<String>,
    units: RwSignal<Vec<UnitView>>,
    errors: RwSignal<Vec<ApiError>>,
    busy: RwSignal<bool>,
    notice: RwSignal<Option<Key>>,
    on_act: Callback<Command>,
) -> impl IntoView {
    let i18n = use_i18n();
    let unit = RwSignal::new(my_units.first().cloned().unwrap_or_default());
    let text = RwSignal::new(String::new());
    // A report that went through empties the box.
    Effect::new(move |_| {
        if notice.get() == Some(key!("incident.reported")) {
            text.set(String::new());
        }
    });
    view! {
        <form class="form action-panel" id="situation-report" novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                on_act.run(Command::Report { unit: unit.get_untracked(), text: text.get_untracked() });
            }>
            <h3>{move || i18n.t(key!("incident.report"))}</h3>
            <div class="form-grid">
                <label class="field">
                    <span class="label">{move || i18n.t(key!("incident.unit"))}</span>
                    <select name="unit" on:change=move |ev| unit.set(event_target_value(&ev))>
                        {my_units.into_iter().map(|u| {
                            let chosen = u.clone();
                            let label = u.clone();
                            view! { <option value=u selected=move || unit.with(|x| *x == chosen)>{move || unit_name(&units.get(), &label)}</option> }
                        }).collect_view()}
                    </select>
                    <ApiFieldErrors field="unit" errors/>
                </label>
            </div>
            <label class="field field-wide">
                <span class="label">{move || i18n.t(key!("incident.report_text"))}</span>
                <textarea name="text" rows="3" prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                <ApiFieldErrors field="text" errors/>
            </label>
            <div class="actions">
                <button type="submit" class="btn btn-primary" id="situation-report-submit" disabled=move || busy.get()>{move || i18n.t(key!("incident.report_submit"))}</button>
            </div>
        </form>
    }
}

#[component]
fn EscalateForm(
    current: Severity,
    errors: RwSignal<Vec<ApiError>>,
    busy: RwSignal<bool>,
    on_act: Callback<Command>,
) -> impl IntoView {
    let i18n = use_i18n();
    let severity = RwSignal::new(current.code().to_owned());
    view! {
        <form class="form action-panel inline-row" id="escalate-incident" novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                on_act.run(Command::Escalate { severity: severity.get_untracked().into() });
            }>
            <label class="field">
                <span class="label">{move || i18n.t(key!("incident.escalate_to"))}</span>
                <select name="severity" on:change=move |ev| severity.set(event_target_value(&ev))>
                    {Severity::ALL.into_iter().map(|s| view! {
                        <option value=s.code() selected=move || severity.with(|x| x == s.code())>{move || severity_label(s, i18n)}</option>
                    }).collect_view()}
                </select>
                <ApiFieldErrors field="severity" errors/>
            </label>
            <div class="actions">
                <button type="submit" class="btn" id="escalate-submit"
                    disabled=move || busy.get() || severity.with(|x| x == current.code())>
                    {move || i18n.t(key!("incident.escalate"))}
                </button>
            </div>
        </form>
    }
}

#[component]
fn CloseIncidentForm(
    errors: RwSignal<Vec<ApiError>>,
    busy: RwSignal<bool>,
    on_act: Callback<Command>,
) -> impl IntoView {
    let i18n = use_i18n();
    let summary = RwSignal::new(String::new());
    let count = move || summary.with(|s| s.trim().chars().count());
    view! {
        <form class="form action-panel" id="close-incident" novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                on_act.run(Command::Close { summary: summary.get_untracked() });
            }>
            <label class="field field-wide">
                <span class="label">
                    {move || i18n.t(key!("incident.summary"))}
                    <span class="counter" class:hint-error=move || count() < SUMMARY_MIN>
                        {move || format!("{} / {SUMMARY_MIN}+", count())}
                    </span>
                </span>
                <textarea name="summary" rows="3" placeholder=move || i18n.t(key!("incident.summary_hint"))
                    prop:value=move || summary.get()
                    on:input=move |ev| summary.set(event_target_value(&ev))></textarea>
                <ApiFieldErrors field="summary" errors/>
            </label>
            <div class="actions">
                <button type="submit" class="btn btn-danger" id="close-incident-submit" disabled=move || busy.get()>{move || i18n.t(key!("incident.close"))}</button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_board_reads_the_head_from_the_wire() {
        let json = serde_json::json!({
            "incident": {
                "id": "i-1", "title": "某河段突发水污染", "incident_type": "water_pollution",
                "severity": "II", "place": {"division": "321102", "address": "京口区"},
                "plan_id": "water-major", "plan_name": "预案", "declared_at": "2025-06-03T01:00:00Z",
                "declared_by": "coordinator", "linkages": [], "reports": [], "status": "active",
                "version": 1
            },
            "events": [], "allowed": ["escalate"], "my_units": []
        });
        let parsed = serde_json::from_value::<IncidentView>(json).map(board_of);
        assert!(parsed.is_ok());
        if let Ok((v, h)) = parsed {
            assert_eq!(h.plan_name, "预案");
            assert_eq!(h.severity, Severity::II);
            assert_eq!(v.incident.id(), "i-1");
        }
    }

    #[test]
    fn a_draft_makes_the_declare_command() {
        let d = DeclareDraft {
            title: "标题".into(),
            division: "321102".into(),
            ..DeclareDraft::default()
        };
        let json = serde_json::to_value(d.command()).unwrap_or_default();
        assert_eq!(json["action"], "declare");
        assert_eq!(json["severity"], "IV");
        assert_eq!(json["incident_type"], "water_pollution");
    }
}
