//! The action forms: what each action asks for, checked as typed, and the command it
//! sends.

use duban_api::{ApiError, UnitView};
use duban_case::draft::OutcomeDraft;
use duban_case::lifecycle::{ActionKind, Command};
use duban_case::model::{Closure, Finding, Satisfaction};
use duban_text::Key;
use duban_text::key;
use leptos::prelude::*;

use crate::components::multi_select::chosen_values;
use crate::components::unit_groups::grouped_unit_options;
use crate::i18n::use_i18n;
use crate::numeric::{NumberInput, NumericText};
use crate::pages::attachments::AttachmentPicker;

/// Inputs of the action forms.
#[derive(Clone, Default)]
pub(super) struct ActionForm {
    pub(super) lead_unit: String,
    pub(super) co_units: Vec<String>,
    pub(super) text: String,
    pub(super) closure: String,
    pub(super) satisfaction: String,
    pub(super) amount: String,
    pub(super) unit: String,
    pub(super) primary: String,
    pub(super) outcome: OutcomeDraft,
}

impl ActionForm {
    pub(super) fn command(&self, kind: ActionKind) -> Result<Command, String> {
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
    pub(super) fn merge_body(&self) -> serde_json::Value {
        serde_json::json!({
            "action": "merge",
            "primary": self.primary.trim(),
            "reason": self.text.trim(),
        })
    }
}

/// What the free-text box of an action is called, if it has one.
fn text_label(kind: ActionKind) -> Option<Key> {
    match kind {
        ActionKind::Dispatch | ActionKind::StartHandling => Some(key!("action.note")),
        ActionKind::Return
        | ActionKind::Reopen
        | ActionKind::Pause
        | ActionKind::Extend
        | ActionKind::RequestExtension
        | ActionKind::RefuseExtension
        | ActionKind::Unpublish
        | ActionKind::Merge => Some(key!("action.reason")),
        ActionKind::SendBack => Some(key!("action.comments")),
        ActionKind::ReturnVisit => Some(key!("action.visit_note")),
        _ => None,
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
pub(super) fn ActionPanel(
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
    let lang = move || i18n.lang();
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
                    <span class="label">{move || i18n.t(key!("action.lead_unit"))}</span>
                    <select name="lead_unit" on:change=move |ev| form.update(|f| f.lead_unit = event_target_value(&ev))>
                        <option value="">{move || i18n.t(key!("common.choose"))}</option>
                        {move || grouped_unit_options(
                            i18n,
                            &units.get(),
                            Signal::derive(move || form.with(|f| f.lead_unit.clone())),
                        )}
                    </select>
                    {field_errors("lead_unit")}
                </label>
                <label class="field">
                    <span class="label">{move || i18n.t(key!("action.co_units"))}</span>
                    <select name="co_units" multiple size="5" on:change=move |ev| form.update(|f| f.co_units = chosen_values(&ev))>
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
                        <span class="label">{move || i18n.t(key!("outcome.finding"))}</span>
                        <select name="finding" on:change=move |ev| form.update(|f| f.outcome.finding = event_target_value(&ev))>
                            <option value="">{move || i18n.t(key!("common.choose"))}</option>
                            {Finding::ALL.iter().map(|x| view! { <option value=x.code() selected=move || form.with(|f| f.outcome.finding == x.code())>{move || x.label(lang())}</option> }).collect_view()}
                        </select>
                        {field_errors("outcome.finding")}
                    </label>
                    <label class="field"><span class="label">{move || i18n.t(key!("outcome.rectification"))}</span>
                        <CountInput name="rectification_orders" form get=|o| u64::from(o.rectification_orders) set=|o, n| o.rectification_orders = u32::try_from(n).unwrap_or(u32::MAX)/></label>
                    <label class="field"><span class="label">{move || i18n.t(key!("outcome.penalties"))}</span>
                        <CountInput name="penalty_cases" form get=|o| u64::from(o.penalty_cases) set=|o, n| o.penalty_cases = u32::try_from(n).unwrap_or(u32::MAX)/></label>
                    <label class="field"><span class="label">{move || i18n.t(key!("outcome.fines"))}</span>
                        <CountInput name="fines_yuan" form get=|o| o.fines_yuan set=|o, n| o.fines_yuan = n/>
                        {field_errors("outcome.fines_yuan")}</label>
                    <label class="field"><span class="label">{move || i18n.t(key!("outcome.criminal"))}</span>
                        <CountInput name="criminal_cases" form get=|o| u64::from(o.criminal_cases) set=|o, n| o.criminal_cases = u32::try_from(n).unwrap_or(u32::MAX)/></label>
                    <label class="field"><span class="label">{move || i18n.t(key!("outcome.summoned"))}</span>
                        <CountInput name="officials_summoned" form get=|o| u64::from(o.officials_summoned) set=|o, n| o.officials_summoned = u32::try_from(n).unwrap_or(u32::MAX)/></label>
                    <label class="field"><span class="label">{move || i18n.t(key!("outcome.accountable"))}</span>
                        <CountInput name="officials_accountable" form get=|o| u64::from(o.officials_accountable) set=|o, n| o.officials_accountable = u32::try_from(n).unwrap_or(u32::MAX)/></label>
                </div>
                <label class="field field-wide"><span class="label">{move || i18n.t(key!("outcome.measures"))}</span>
                    <textarea name="measures" rows="3" prop:value=move || form.with(|f| f.outcome.measures.clone()) on:input=move |ev| form.update(|f| f.outcome.measures = event_target_value(&ev))></textarea>
                    {field_errors("outcome.measures")}</label>
                <label class="field field-wide"><span class="label">{move || i18n.t(key!("outcome.public_summary"))}</span>
                    <textarea name="public_summary" rows="3" prop:value=move || form.with(|f| f.outcome.public_summary.clone()) on:input=move |ev| form.update(|f| f.outcome.public_summary = event_target_value(&ev))></textarea>
                    {field_errors("outcome.public_summary")}</label>
                <AttachmentPicker case_id=case_id.clone() id="report-files" list_id="report-uploads" label=key!("attachments.files") uploads uploading/>
            })}
            {(kind == ActionKind::Publish).then(|| view! {
                <p class="hint">{move || i18n.t(key!("action.publish_hint"))}</p>
            })}
            {(kind == ActionKind::Approve).then(|| view! {
                <label class="field"><span class="label">{move || i18n.t(key!("action.closure"))}</span>
                    <select name="closure" on:change=move |ev| form.update(|f| f.closure = event_target_value(&ev))>
                        {Closure::ALL.iter().map(|x| view! { <option value=x.code()>{move || x.label(lang())}</option> }).collect_view()}
                    </select>
                    {field_errors("closure")}</label>
            })}
            {(kind == ActionKind::ReturnVisit).then(|| view! {
                <label class="field"><span class="label">{move || i18n.t(key!("action.satisfaction"))}</span>
                    <select name="satisfaction" on:change=move |ev| form.update(|f| f.satisfaction = event_target_value(&ev))>
                        {Satisfaction::ALL.iter().map(|x| view! { <option value=x.code()>{move || x.label(lang())}</option> }).collect_view()}
                    </select>
                    {field_errors("satisfaction")}</label>
            })}
            {matches!(kind, ActionKind::Extend | ActionKind::RequestExtension).then(|| view! {
                <div class="form-grid">
                    <label class="field"><span class="label">{move || i18n.t(key!("action.amount"))}</span>
                        <NumericText name="amount" text=Signal::derive(move || form.with(|f| f.amount.clone())) on_text=move |v| form.update(|f| f.amount = v)/>
                        {field_errors("extension")}</label>
                    <label class="field"><span class="label">{move || i18n.t(key!("action.unit"))}</span>
                        <select name="unit" on:change=move |ev| form.update(|f| f.unit = event_target_value(&ev))>
                            <option value="working_days">{move || i18n.t(key!("unit.working_days"))}</option>
                            <option value="natural_days">{move || i18n.t(key!("unit.natural_days"))}</option>
                            <option value="working_hours">{move || i18n.t(key!("unit.working_hours"))}</option>
                            <option value="hours">{move || i18n.t(key!("unit.hours"))}</option>
                        </select></label>
                </div>
            })}
            {(kind == ActionKind::Merge).then(|| view! {
                <label class="field"><span class="label">{move || i18n.t(key!("action.primary"))}</span>
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
                <button type="submit" class="btn btn-primary" id="confirm-action" disabled=move || busy.get()>{move || i18n.t(key!("action.confirm"))}</button>
                <button type="button" class="btn" on:click=move |_| on_cancel()>{move || i18n.t(key!("action.cancel"))}</button>
            </div>
        </form>
    }
}
