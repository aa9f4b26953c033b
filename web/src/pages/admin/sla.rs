//! `/admin/sla`: the SLA rule sets (时限规则), for administrators: each set's warning
//! share, longest extension and stage limits. One set is edited at a time and saved
//! with a reason; the page checks the edit with `duban-sla` (the server's own check)
//! before sending it. Edits apply to clocks started from then on: running clocks keep
//! the limits they started with.

use duban_api::keys::RuleSetKey;
use duban_api::sla::{RuleSets, UpdateRuleSet};
use duban_api::{ApiError, RuleSetUpdate};
use duban_case::model::{parse_request_kind, request_kind_code, request_kind_label};
use duban_core::CodedError as _;
use duban_sla::{
    Condition, Limit, RequestKind, RuleSet, RuleSetDraft, SlaError, Stage, StageRule, TimeUnit,
};
use duban_text::Key;
use duban_text::key;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::AdminOnly;
use crate::api;
use crate::components::field_errors::{ApiFieldErrors, FieldErrorsAt, OtherErrors, local_error};
use crate::components::list_editor::{Reorder, RowMoves};
use crate::dispatch_view::rule_error_path;
use crate::i18n::{I18n, Lang, pick, use_i18n};
use crate::numeric::NumericText;
use crate::sla_view::stage_label;

/// Fields of the rule set form that show their own errors (the others go to a banner).
const SET_FIELDS: &[&str] = &["warn_percent", "max_extension", "rules", "reason"];

/// Time units of SLA limits: `(unit, code, string-table key)`, in the order the
/// selects list them.
const LIMIT_UNITS: [(TimeUnit, &str, Key); 5] = [
    (TimeUnit::Minutes, "minutes", key!("unit.minutes")),
    (TimeUnit::Hours, "hours", key!("unit.hours")),
    (
        TimeUnit::WorkingHours,
        "working_hours",
        key!("unit.working_hours"),
    ),
    (
        TimeUnit::NaturalDays,
        "natural_days",
        key!("unit.natural_days"),
    ),
    (
        TimeUnit::WorkingDays,
        "working_days",
        key!("unit.working_days"),
    ),
];

/// The natures of a request a rule may be limited to, in the order the form lists them.
const REQUEST_KINDS: [RequestKind; 4] = [
    RequestKind::Report,
    RequestKind::Complaint,
    RequestKind::Inquiry,
    RequestKind::Suggestion,
];

/// The urgency choices of a rule's condition: `(code, string-table key)`.
const URGENCY: [(&str, Key); 3] = [
    ("any", key!("sla.urgent.any")),
    ("yes", key!("sla.urgent.yes")),
    ("no", key!("sla.urgent.no")),
];

fn unit_code(unit: TimeUnit) -> &'static str {
    LIMIT_UNITS
        .iter()
        .find(|(u, _, _)| *u == unit)
        .map_or("", |(_, code, _)| code)
}

fn parse_unit(code: &str) -> Option<TimeUnit> {
    LIMIT_UNITS
        .iter()
        .find(|(_, c, _)| *c == code)
        .map(|(u, _, _)| *u)
}

/// A stage from its wire code (`dispatch`, `sign_for`, …), the mechanisms' stages too.
fn parse_stage(code: &str) -> Option<Stage> {
    serde_json::from_value(serde_json::Value::String(code.to_owned())).ok()
}

fn limit_text(limit: Limit, lang: Lang) -> String {
    limit.text(lang)
}

/// When a rule applies, for people: `紧急件 · 咨询、建议`, or `全部` for every case.
fn condition_text(i18n: I18n, when: &Condition) -> String {
    let mut parts: Vec<String> = Vec::new();
    match when.urgent {
        Some(true) => parts.push(i18n.t(key!("sla.cond.urgent")).to_owned()),
        Some(false) => parts.push(i18n.t(key!("sla.cond.not_urgent")).to_owned()),
        None => {}
    }
    if !when.kinds.is_empty() {
        let lang = i18n.lang();
        parts.push(
            when.kinds
                .iter()
                .map(|k| request_kind_label(*k, lang))
                .collect::<Vec<_>>()
                .join("、"),
        );
    }
    if parts.is_empty() {
        i18n.t(key!("sla.cond.always")).to_owned()
    } else {
        parts.join(" · ")
    }
}

/// The form field an error of `duban-sla`'s rule set check belongs to.
/// A server error placed on the form's field: the server names it under the rule set
/// (`rule_set.warn_percent`); the form shows it at its field (`warn_percent`).
fn place(e: ApiError) -> ApiError {
    match e.field.strip_prefix("rule_set.") {
        Some(field) => ApiError {
            field: field.to_owned(),
            ..e
        },
        None => e,
    }
}

/// An error of the form for the banner by the save button: `第1条 分办 · 时限须为…`,
/// `预警比例：…`.
fn error_text(i18n: I18n, e: &ApiError, rules: &[StageRuleDraft]) -> String {
    let message = i18n.error(e);
    if let Some((index, _)) = rule_error_path(&e.field) {
        let stage = rules
            .get(index)
            .and_then(|r| parse_stage(&r.stage))
            .map(|s| stage_label(s, i18n.lang()))
            .unwrap_or_default();
        let n = index + 1;
        return key!("sla.error.rule").fill(
            i18n.lang(),
            &[
                ("n", n.to_string()),
                ("stage", stage.to_owned()),
                ("message", message),
            ],
        );
    }
    let label = match e.field.as_str() {
        "warn_percent" => i18n.t(key!("sla.warn_percent")),
        "max_extension" => i18n.t(key!("sla.max_extension")),
        "rules" => i18n.t(key!("sla.field.rules")),
        "reason" => i18n.t(key!("sla.reason")),
        _ => return message,
    };
    format!("{label}{}{message}", i18n.t(key!("routing.colon")))
}

/// The rule set as the form sends it, unchanged.
fn draft_of(set: &RuleSet) -> RuleSetDraft {
    RuleSetDraft {
        id: set.id().to_owned(),
        name_zh: set.name_zh().to_owned(),
        name_en: set.name_en().to_owned(),
        source: set.source().to_owned(),
        warn_percent: set.warn_percent(),
        max_extension: set.max_extension(),
        rules: set.rules().to_vec(),
    }
}

/// One stage rule of the form, as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
struct StageRuleDraft {
    /// A stage code.
    stage: String,
    /// `any`, `yes` or `no`.
    urgent: String,
    /// Request kind codes; none: any kind.
    kinds: Vec<String>,
    amount: String,
    /// A time unit code.
    unit: String,
}

impl Default for StageRuleDraft {
    fn default() -> Self {
        StageRuleDraft {
            stage: Stage::Dispatch.code().into(),
            urgent: "any".into(),
            kinds: Vec::new(),
            amount: "1".into(),
            unit: "working_days".into(),
        }
    }
}

impl StageRuleDraft {
    fn of(r: &StageRule) -> StageRuleDraft {
        StageRuleDraft {
            stage: r.stage.code().into(),
            urgent: match r.when.urgent {
                Some(true) => "yes",
                Some(false) => "no",
                None => "any",
            }
            .into(),
            kinds: r
                .when
                .kinds
                .iter()
                .map(|k| request_kind_code(*k).into())
                .collect(),
            amount: r.limit.amount().to_string(),
            unit: unit_code(r.limit.unit()).into(),
        }
    }
}

/// The rule set form's inputs, as typed; the names and the source are kept as they are.
#[derive(Clone, Debug, PartialEq, Eq)]
struct SetDraft {
    id: String,
    name_zh: String,
    name_en: String,
    source: String,
    warn_percent: String,
    ext_amount: String,
    /// A time unit code, or empty: no extension allowed.
    ext_unit: String,
    rules: Vec<StageRuleDraft>,
}

impl SetDraft {
    fn of(set: &RuleSet) -> SetDraft {
        let ext = set.max_extension();
        SetDraft {
            id: set.id().to_owned(),
            name_zh: set.name_zh().to_owned(),
            name_en: set.name_en().to_owned(),
            source: set.source().to_owned(),
            warn_percent: set.warn_percent().to_string(),
            ext_amount: ext.map(|l| l.amount().to_string()).unwrap_or_default(),
            ext_unit: ext.map(|l| unit_code(l.unit())).unwrap_or_default().into(),
            rules: set.rules().iter().map(StageRuleDraft::of).collect(),
        }
    }

    /// The rule set the form describes, checked by `duban-sla` as the server checks
    /// it, or its problems at the form's fields, with the server's codes
    /// (`rule_set.<duban-sla code>`) and `duban-sla`'s words.
    fn draft(&self, lang: Lang) -> Result<RuleSetDraft, Vec<ApiError>> {
        let mut errs: Vec<ApiError> = Vec::new();
        let problem = |field: String, e: &SlaError| ApiError {
            field,
            code: format!("rule_set.{}", e.code()),
            message: e.message(lang),
            params: Default::default(),
        };
        // Not a number: 0, which the checks name as out of range.
        let amount = |s: &str| s.trim().parse::<u32>().unwrap_or(0);
        let max_extension = match parse_unit(&self.ext_unit) {
            None => None,
            Some(unit) => match Limit::new(amount(&self.ext_amount), unit) {
                Ok(l) => Some(l),
                Err(e) => {
                    errs.push(problem("max_extension".into(), &e));
                    None
                }
            },
        };
        let rules: Vec<StageRule> = self
            .rules
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let unit = parse_unit(&r.unit).unwrap_or(TimeUnit::WorkingDays);
                // A bad limit is reported; a 1-unit stand-in keeps the other checks going.
                let limit = Limit::new(amount(&r.amount), unit)
                    .or_else(|e| {
                        errs.push(problem(format!("rules[{i}].limit"), &e));
                        Limit::new(1, unit)
                    })
                    .ok()?;
                Some(StageRule {
                    stage: parse_stage(&r.stage).unwrap_or(Stage::Dispatch),
                    when: Condition {
                        urgent: match r.urgent.as_str() {
                            "yes" => Some(true),
                            "no" => Some(false),
                            _ => None,
                        },
                        // In the list's own order, whatever order they were ticked in.
                        kinds: REQUEST_KINDS
                            .into_iter()
                            .filter(|k| r.kinds.iter().any(|c| parse_request_kind(c) == Some(*k)))
                            .collect(),
                    },
                    limit,
                })
            })
            .collect();
        let draft = RuleSetDraft {
            id: self.id.clone(),
            name_zh: self.name_zh.clone(),
            name_en: self.name_en.clone(),
            source: self.source.clone(),
            // Out of a byte's range: 0, which the check names as out of range.
            warn_percent: self.warn_percent.trim().parse().unwrap_or(0),
            max_extension,
            rules,
        };
        // `RuleSet::try_from` names the first problem only: put each one right in a
        // copy and ask again, so that every problem shows at once.
        let mut probe = draft.clone();
        for _ in 0..4 {
            let Err(e) = RuleSet::try_from(probe.clone()) else {
                break;
            };
            errs.push(problem(e.field().into_owned(), &e));
            match e {
                SlaError::WarnPercentOutOfRange { .. } => probe.warn_percent = 80,
                SlaError::InvalidId => probe.id = "x".into(),
                SlaError::MissingName => {
                    probe.name_zh = "x".into();
                    probe.name_en = "x".into();
                }
                _ => break,
            }
        }
        if errs.is_empty() {
            Ok(draft)
        } else {
            Err(errs)
        }
    }
}

#[component]
pub fn AdminSlaPage() -> impl IntoView {
    view! { <AdminOnly><SlaAdmin/></AdminOnly> }
}

#[component]
fn SlaAdmin() -> impl IntoView {
    let i18n = use_i18n();
    let sets = RwSignal::new(Vec::<RuleSet>::new());
    let load_errors = RwSignal::new(Vec::<ApiError>::new());
    let loaded = RwSignal::new(false);
    // The id of the rule set being edited.
    let editing = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<Key>);

    let load = Callback::new(move |()| {
        let lang = i18n.lang_untracked();
        spawn_local(async move {
            match api::call::<RuleSets>(&(), &(), &(), lang).await {
                Ok(list) => {
                    sets.set(list);
                    load_errors.set(Vec::new());
                }
                Err(f) => load_errors.set(f.errors().to_vec()),
            }
            loaded.set(true);
        });
    });
    load.run(());

    view! {
        <section id="sla-admin">
            <div class="page-head">
                <h1>{move || i18n.t(key!("sla.title"))}</h1>
            </div>
            <p class="hint">{move || i18n.t(key!("sla.hint"))}</p>
            <p class="banner banner-warn" id="sla-scope">{move || i18n.t(key!("sla.scope"))}</p>
            <OtherErrors fields=&[] errors=load_errors/>
            {move || notice.get().map(|n| view! { <p class="banner banner-ok" id="admin-notice">{move || i18n.t(n)}</p> })}
            <Show when=move || loaded.get() && sets.with(Vec::is_empty)>
                <p class="empty" id="sla-empty">{move || i18n.t(key!("sla.empty"))}</p>
            </Show>
            {move || sets.get().into_iter().map(|set| {
                let id = set.id().to_owned();
                let lang = i18n.lang();
                // The name in the reader's language, the other beside it.
                let (name, other) = pick(
                    lang,
                    (set.name_zh().to_owned(), set.name_en().to_owned()),
                    (set.name_en().to_owned(), set.name_zh().to_owned()),
                );
                let ext = set.max_extension();
                let (open_id, edit_id) = (id.clone(), id.clone());
                let form_set = set.clone();
                view! {
                    <section class="rule-set" data-id=id.clone()>
                        <div class="page-head">
                            <h2 class="rule-set-name">{name}" "<span class="muted">{other}</span></h2>
                            <div class="actions">
                                <button type="button" class="btn btn-small edit-rule-set" data-id=id.clone()
                                    on:click=move |_| {
                                        notice.set(None);
                                        editing.set(Some(edit_id.clone()));
                                    }>
                                    {move || i18n.t(key!("admin.edit"))}
                                </button>
                            </div>
                        </div>
                        <p class="muted rule-set-source">{format!("{}{}", i18n.t(key!("rules.source")), set.source())}</p>
                        <dl class="facts">
                            <dt>{i18n.t(key!("sla.warn_percent"))}</dt>
                            <dd class="rule-set-warn" data-value=set.warn_percent()>{format!("{}%", set.warn_percent())}</dd>
                            <dt>{i18n.t(key!("sla.max_extension"))}</dt>
                            <dd class="rule-set-max-extension"
                                data-amount=ext.map(|l| l.amount().to_string())
                                data-unit=ext.map(|l| unit_code(l.unit()))>
                                {ext.map_or_else(|| i18n.t(key!("sla.no_extension")).to_owned(), |l| limit_text(l, lang))}
                            </dd>
                        </dl>
                        <table class="data-table rules-table stage-rules">
                            <thead><tr>
                                <th>{i18n.t(key!("clock.stage"))}</th>
                                <th>{i18n.t(key!("rules.when"))}</th>
                                <th>{i18n.t(key!("clock.limit"))}</th>
                            </tr></thead>
                            <tbody>
                                {set.rules().iter().enumerate().map(|(i, r)| view! {
                                    <tr class="stage-rule" data-index=i data-stage=r.stage.code()>
                                        <td class="stage-name">{stage_label(r.stage, lang)}</td>
                                        <td class="stage-when">{condition_text(i18n, &r.when)}</td>
                                        <td class="stage-limit" data-amount=r.limit.amount() data-unit=unit_code(r.limit.unit())>
                                            {limit_text(r.limit, lang)}
                                        </td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        {move || (editing.get().as_deref() == Some(open_id.as_str())).then(|| {
                            view! { <RuleSetForm set=form_set.clone() editing notice on_saved=load/> }
                        })}
                    </section>
                }
            }).collect_view()}
        </section>
    }
}

/// `<option>`s of the limit units, the one of `current` chosen.
fn unit_options(i18n: I18n, current: impl Fn() -> String + Copy + Send + 'static) -> impl IntoView {
    LIMIT_UNITS
        .into_iter()
        .map(|(_, code, key)| {
            view! { <option value=code selected=move || current() == code>{move || i18n.t(key)}</option> }
        })
        .collect_view()
}

/// Changes one rule set and saves it with a reason.
#[component]
fn RuleSetForm(
    set: RuleSet,
    editing: RwSignal<Option<String>>,
    notice: RwSignal<Option<Key>>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = set.id().to_owned();
    let (name_zh, name_en) = (set.name_zh().to_owned(), set.name_en().to_owned());
    let title = move || pick(i18n.lang(), name_zh.clone(), name_en.clone());
    let original = StoredValue::new(draft_of(&set));
    let form = RwSignal::new(SetDraft::of(&set));
    let reason = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<ApiError>::new());
    let busy = RwSignal::new(false);
    let count = Memo::new(move |_| form.with(|d| d.rules.len()));
    let node = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            el.scroll_into_view();
        }
    });
    let key = RuleSetKey::new(&*id);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        notice.set(None);
        let built = form.with_untracked(|f| f.draft(i18n.lang_untracked()));
        let mut problems: Vec<ApiError> = match &built {
            Err(p) => p.clone(),
            Ok(d) if original.with_value(|o| o == d) => {
                vec![local_error(i18n, "", "rule_set.no_change")]
            }
            Ok(_) => Vec::new(),
        };
        if reason.with_untracked(|r| r.trim().is_empty()) {
            problems.push(local_error(i18n, "reason", "reason.required"));
        }
        let Ok(draft) = built else {
            errors.set(problems);
            return;
        };
        if !problems.is_empty() {
            errors.set(problems);
            return;
        }
        let body = RuleSetUpdate {
            rule_set: draft,
            reason: reason.get_untracked().trim().to_owned(),
        };
        let key = key.clone();
        let lang = i18n.lang_untracked();
        busy.set(true);
        spawn_local(async move {
            match api::call::<UpdateRuleSet>(&key, &(), &body, lang).await {
                Ok(_) => {
                    busy.set(false);
                    notice.set(Some(key!("sla.saved")));
                    editing.set(None);
                    on_saved.run(());
                }
                Err(f) => {
                    busy.set(false);
                    errors.set(f.errors().iter().cloned().map(place).collect());
                }
            }
        });
    };

    let set_field = move |apply: fn(&mut SetDraft, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            form.update(|d| apply(d, v));
        }
    };
    // Moving or deleting renumbers the rules: the old rule errors no longer point right.
    let rule_op = Callback::new(move |op: Reorder| {
        form.update(|d| op.apply(&mut d.rules));
        errors.update(|es| es.retain(|e| !e.field.starts_with("rules[")));
    });
    let no_extension = Memo::new(move |_| form.with(|d| d.ext_unit.is_empty()));

    view! {
        <form id="rule-set-form" class="form action-panel" novalidate node_ref=node on:submit=on_submit data-id=id>
            <h3>{move || i18n.t(key!("sla.edit_title"))}{title}</h3>
            <div class="form-grid">
                <label class="field">
                    <span class="label">{move || i18n.t(key!("sla.field.warn_percent"))}</span>
                    <NumericText name="warn_percent"
                        text=Signal::derive(move || form.with(|d| d.warn_percent.clone()))
                        on_text=move |v| form.update(|d| d.warn_percent = v)/>
                    <ApiFieldErrors field="warn_percent" errors/>
                </label>
                <label class="field">
                    <span class="label">{move || i18n.t(key!("sla.field.max_extension"))}</span>
                    <NumericText name="max_extension_amount"
                        attr:disabled=move || no_extension.get()
                        text=Signal::derive(move || form.with(|d| d.ext_amount.clone()))
                        on_text=move |v| form.update(|d| d.ext_amount = v)/>
                    <ApiFieldErrors field="max_extension" errors/>
                </label>
                <label class="field">
                    <span class="label">{move || i18n.t(key!("sla.field.max_extension_unit"))}</span>
                    <select name="max_extension_unit" on:change=set_field(|d, v| {
                        if d.ext_amount.trim().is_empty() && !v.is_empty() {
                            d.ext_amount = "1".into();
                        }
                        d.ext_unit = v;
                    })>
                        <option value="" selected=move || no_extension.get()>{move || i18n.t(key!("sla.no_extension"))}</option>
                        {unit_options(i18n, move || form.with(|d| d.ext_unit.clone()))}
                    </select>
                </label>
            </div>
            <div class="field">
                <span class="label">{move || i18n.t(key!("sla.field.rules"))}</span>
                <p class="hint">{move || i18n.t(key!("sla.order_hint"))}</p>
                <div class="stage-rule-list">
                    {move || (0..count.get()).map(|i| {
                        let get = move |f: fn(&StageRuleDraft) -> String| move || form.with(|d| d.rules.get(i).map(f).unwrap_or_default());
                        let put = move |apply: fn(&mut StageRuleDraft, String)| move |ev: leptos::ev::Event| {
                            let v = event_target_value(&ev);
                            form.update(|d| if let Some(x) = d.rules.get_mut(i) { apply(x, v) });
                        };
                        // Stages outside the case life cycle stay choosable where they are used.
                        let mut stages = Stage::ALL.to_vec();
                        let own = form.with_untracked(|d| d.rules.get(i).and_then(|r| parse_stage(&r.stage)));
                        stages.extend(own.filter(|s| !Stage::ALL.contains(s)));
                        view! {
                            <div class="stage-rule-edit" data-index=i data-stage=get(|x| x.stage.clone())>
                                <span class="num rule-order">{i + 1}</span>
                                <label class="field">
                                    <span class="label">{move || i18n.t(key!("clock.stage"))}</span>
                                    <select name="stage" on:change=put(|x, v| x.stage = v)>
                                        {stages.into_iter().map(|s| view! {
                                            <option value=s.code() selected=move || form.with(|d| d.rules.get(i).is_some_and(|x| x.stage == s.code()))>
                                                {move || stage_label(s, i18n.lang())}
                                            </option>
                                        }).collect_view()}
                                    </select>
                                </label>
                                <label class="field">
                                    <span class="label">{move || i18n.t(key!("sla.field.urgent"))}</span>
                                    <select name="urgent" on:change=put(|x, v| x.urgent = v)>
                                        {URGENCY.into_iter().map(|(code, key)| view! {
                                            <option value=code selected=move || form.with(|d| d.rules.get(i).is_some_and(|x| x.urgent == code))>
                                                {move || i18n.t(key)}
                                            </option>
                                        }).collect_view()}
                                    </select>
                                </label>
                                <fieldset class="field" data-checks="kinds">
                                    <span class="label">{move || i18n.t(key!("sla.field.kinds"))}</span>
                                    <div class="checks">
                                        {REQUEST_KINDS.into_iter().map(|k| {
                                            let code = request_kind_code(k);
                                            view! {
                                                <label class="check">
                                                    <input type="checkbox" name="kinds" value=code
                                                        prop:checked=move || form.with(|d| d.rules.get(i).is_some_and(|x| x.kinds.iter().any(|c| c == code)))
                                                        on:change=move |ev| {
                                                            let on = event_target_checked(&ev);
                                                            form.update(|d| if let Some(x) = d.rules.get_mut(i) {
                                                                x.kinds.retain(|c| c != code);
                                                                if on { x.kinds.push(code.to_owned()); }
                                                            });
                                                        }/>
                                                    <span>{move || request_kind_label(k, i18n.lang())}</span>
                                                </label>
                                            }
                                        }).collect_view()}
                                    </div>
                                </fieldset>
                                <label class="field">
                                    <span class="label">{move || i18n.t(key!("sla.field.amount"))}</span>
                                    <NumericText name="amount" text=Signal::derive(get(|x| x.amount.clone()))
                                        on_text=move |v| form.update(|d| if let Some(x) = d.rules.get_mut(i) { x.amount = v })/>
                                    <FieldErrorsAt field=format!("rules[{i}].limit") errors/>
                                </label>
                                <label class="field">
                                    <span class="label">{move || i18n.t(key!("sla.field.unit"))}</span>
                                    <select name="unit" on:change=put(|x, v| x.unit = v)>
                                        {unit_options(i18n, get(|x| x.unit.clone()))}
                                    </select>
                                </label>
                                <span class="nowrap rule-actions">
                                    <RowMoves prefix="stage-rule" i count on_move=rule_op/>
                                </span>
                            </div>
                        }
                    }).collect_view()}
                </div>
                <FieldErrorsAt field="rules".to_owned() errors/>
                <div class="actions">
                    <button type="button" class="btn btn-small" id="add-stage-rule"
                        on:click=move |_| form.update(|d| d.rules.push(StageRuleDraft::default()))>
                        {move || i18n.t(key!("sla.add_rule"))}
                    </button>
                </div>
            </div>
            <label class="field field-wide">
                <span class="label">{move || i18n.t(key!("admin.reason"))}</span>
                <input type="text" name="reason" id="rule-set-reason" maxlength="200"
                    prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))/>
                <ApiFieldErrors field="reason" errors/>
            </label>
            {move || {
                let list: Vec<ApiError> = errors.get().into_iter()
                    .filter(|e| SET_FIELDS.iter().any(|f| e.field == *f || e.field.starts_with(&format!("{f}["))))
                    .collect();
                (!list.is_empty()).then(|| form.with(|d| view! {
                    <div class="banner banner-error" id="rule-set-errors">
                        {list.into_iter().map(|e| {
                            let text = error_text(i18n, &e, &d.rules);
                            view! { <p data-field=e.field data-code=e.code>{text}</p> }
                        }).collect_view()}
                    </div>
                }))
            }}
            <OtherErrors fields=SET_FIELDS errors/>
            <p class="hint" id="rule-set-scope">{move || i18n.t(key!("sla.scope"))}</p>
            <div class="actions">
                <button type="submit" class="btn btn-primary" id="save-rule-set" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(key!("common.saving")) } else { i18n.t(key!("admin.save")) }}
                </button>
                <button type="button" class="btn" id="cancel-rule-set" on:click=move |_| editing.set(None)>
                    {move || i18n.t(key!("action.cancel"))}
                </button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_set_survives_the_form_unchanged() {
        for set in duban_sla::defaults::all() {
            assert_eq!(SetDraft::of(&set).draft(Lang::Zh), Ok(draft_of(&set)));
        }
    }

    #[test]
    fn the_form_builds_what_it_shows() {
        let set = duban_sla::defaults::inspection_transfer();
        let mut d = SetDraft::of(&set);
        d.rules[0].amount = "12".into();
        d.rules[0].unit = "working_hours".into();
        d.rules[0].urgent = "yes".into();
        d.rules[0].kinds = vec!["inquiry".into(), "report".into()];
        d.ext_unit = String::new();
        d.warn_percent = "75".into();
        let draft = d.draft(Lang::Zh).unwrap_or_else(|_| draft_of(&set));
        assert_eq!(draft.warn_percent, 75);
        assert_eq!(draft.max_extension, None);
        assert_eq!(
            Limit::new(12, TimeUnit::WorkingHours).ok(),
            Some(draft.rules[0].limit)
        );
        assert_eq!(draft.rules[0].when.urgent, Some(true));
        assert_eq!(
            draft.rules[0].when.kinds,
            [RequestKind::Report, RequestKind::Inquiry]
        );
    }

    #[test]
    fn the_form_names_its_problems_like_the_server() {
        let mut d = SetDraft::of(&duban_sla::defaults::hotline_12345());
        d.rules[1].amount = "0".into();
        d.rules[2].amount = "abc".into();
        d.warn_percent = "100".into();
        d.ext_unit = "hours".into();
        d.ext_amount = String::new();
        let errs = d.draft(Lang::Zh).err().unwrap_or_default();
        let has = |f: &str, c: &str| errs.iter().any(|e| e.field == f && e.code == c);
        assert!(has("rules[1].limit", "rule_set.limit.out_of_range"));
        assert!(has("rules[2].limit", "rule_set.limit.out_of_range"));
        assert!(has("max_extension", "rule_set.limit.out_of_range"));
        assert!(has("warn_percent", "rule_set.warn_percent.out_of_range"));
        assert_eq!(errs.len(), 4);

        d.warn_percent = "0".into();
        d.rules.clear();
        let errs: Vec<(String, String)> = d
            .draft(Lang::En)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            errs[1..],
            [
                (
                    "warn_percent".to_owned(),
                    "rule_set.warn_percent.out_of_range".to_owned()
                ),
                ("rules".to_owned(), "rule_set.rules.empty".to_owned()),
            ]
        );
    }

    #[test]
    fn server_errors_land_on_their_fields() {
        let e = |field: &str, code: &str| ApiError {
            field: field.into(),
            code: code.into(),
            message: String::new(),
            params: Default::default(),
        };
        assert_eq!(
            place(e(
                "rule_set.warn_percent",
                "rule_set.warn_percent.out_of_range"
            ))
            .field,
            "warn_percent"
        );
        assert_eq!(
            place(e("rule_set.rules", "rule_set.rules.empty")).field,
            "rules"
        );
        assert_eq!(place(e("rule_set.id", "rule_set.id_mismatch")).field, "id");
        assert_eq!(place(e("reason", "reason.required")).field, "reason");
        assert_eq!(place(e("", "role.forbidden")).field, "");
    }

    #[test]
    fn stages_and_units_round_trip() {
        for s in Stage::ALL {
            assert_eq!(parse_stage(s.code()), Some(s));
        }
        assert_eq!(parse_stage("referral"), Some(Stage::Referral));
        for (u, code, _) in LIMIT_UNITS {
            assert_eq!(parse_unit(code), Some(u));
            assert_eq!(unit_code(u), code);
            // The codes are the serde names the server reads.
            assert_eq!(serde_json::to_value(u).ok(), Some(serde_json::json!(code)));
        }
    }
}
