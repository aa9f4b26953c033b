//! `/admin/routing`: the routing rules (分办规则) of quick dispatch, in the order they
//! are tried, with how often each one's dispatches came back as misrouted.
//! Administrators reorder, add, change and delete rules in the page, then save the
//! whole list with a reason (the server checks it and records it in the audit trail);
//! everyone else reads the rules.

use duban_api::admin::{ListSupervisors, ListUnits};
use duban_api::routing::{RoutingRules, UpdateRoutingRules};
use duban_api::{ApiError, PersonView, RoutingRulesUpdate, RuleStats, UnitView};
use duban_case::model::{Category, Channel, KeyClass};
use duban_dispatch::{GovLevel, Rule, RuleKind, Target, When};
use duban_text::Key;
use duban_text::key;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{unit_name, unit_options};
use crate::api;
use crate::components::field_errors::{ApiFieldErrors, OtherErrors, local_error};
use crate::components::list_editor::{
    Editing, ListEdit, ListEditor, ListHead, ListNames, RowState,
};
use crate::dispatch_view::{
    RULE_KINDS, division_name, division_text, level_code, parse_divisions, parse_rule_kind,
    rule_error_path, rule_kind_code, rule_kind_key, split_list, target_code,
};
use crate::format::person_text;
use crate::i18n::{I18n, Lang, use_i18n};
use crate::session::use_current_user;

/// The rule list's ids, classes and texts.
const NAMES: ListNames = ListNames {
    one: "rule",
    title: key!("routing.rules_title"),
    add: key!("routing.add_rule"),
    hint: key!("routing.rules_hint"),
    readonly: key!("routing.readonly"),
    many: "rules",
    fields: &["reason", "rules"],
    unsaved: key!("routing.unsaved"),
    empty: key!("routing.empty"),
    no_change: "rules.no_change",
    saved: key!("routing.saved"),
};

/// Fields of the rule form that show their own errors.
const RULE_FIELDS: &[&str] = &["id", "name", "kind", "then", "when"];

/// The condition lists of a rule that are chosen with check boxes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Checks {
    Categories,
    KeyClasses,
    Channels,
}

/// The rule form's inputs, as typed.
#[derive(Clone, Debug, PartialEq)]
struct RuleDraft {
    id: String,
    name: String,
    /// `lead`, `notify` or `supervise`.
    kind: String,
    /// `unit`, `territorial_government` or `person`.
    target: String,
    unit: String,
    /// `city` or `county`.
    level: String,
    username: String,
    keywords: String,
    divisions: String,
    categories: Vec<String>,
    key_classes: Vec<String>,
    channels: Vec<String>,
}

impl Default for RuleDraft {
    fn default() -> Self {
        RuleDraft {
            id: String::new(),
            name: String::new(),
            kind: "notify".into(),
            target: "unit".into(),
            unit: String::new(),
            level: "city".into(),
            username: String::new(),
            keywords: String::new(),
            divisions: String::new(),
            categories: Vec::new(),
            key_classes: Vec::new(),
            channels: Vec::new(),
        }
    }
}

impl RuleDraft {
    fn of(r: &Rule) -> RuleDraft {
        let mut d = RuleDraft {
            id: r.id.clone(),
            name: r.name.clone(),
            kind: rule_kind_code(r.kind).into(),
            target: target_code(&r.then).into(),
            keywords: r.when.keywords.join("、"),
            divisions: r
                .when
                .divisions
                .iter()
                .map(|d| d.short())
                .collect::<Vec<_>>()
                .join(", "),
            categories: r.when.categories.iter().map(|c| c.code().into()).collect(),
            key_classes: r.when.key_classes.iter().map(|c| c.code().into()).collect(),
            channels: r.when.channels.iter().map(|c| c.code().into()).collect(),
            ..RuleDraft::default()
        };
        match &r.then {
            Target::Unit { unit } => d.unit = unit.clone(),
            Target::TerritorialGovernment { level } => d.level = level_code(*level).into(),
            Target::Person { username } => d.username = username.clone(),
        }
        d
    }

    fn checks(&self, which: Checks) -> &Vec<String> {
        match which {
            Checks::Categories => &self.categories,
            Checks::KeyClasses => &self.key_classes,
            Checks::Channels => &self.channels,
        }
    }

    fn checks_mut(&mut self, which: Checks) -> &mut Vec<String> {
        match which {
            Checks::Categories => &mut self.categories,
            Checks::KeyClasses => &mut self.key_classes,
            Checks::Channels => &mut self.channels,
        }
    }

    /// The rule the form describes, or its problems as `(field, code)` in the server's
    /// terms. `others`: the ids of the other rules of the list.
    fn rule(&self, others: &[String]) -> Result<Rule, Vec<(&'static str, &'static str)>> {
        let mut errs = Vec::new();
        let id = self.id.trim().to_owned();
        if id.is_empty() {
            errs.push(("id", "rule.required"));
        } else if id.len() > 40
            || !id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            errs.push(("id", "rule.id_invalid"));
        } else if others.iter().any(|o| o.trim() == id) {
            errs.push(("id", "rule.id_duplicate"));
        }
        let name = self.name.trim().to_owned();
        if name.is_empty() {
            errs.push(("name", "rule.required"));
        }
        let kind = parse_rule_kind(&self.kind).unwrap_or(RuleKind::Notify);
        let then = match self.target.as_str() {
            "person" => Target::Person {
                username: self.username.trim().to_owned(),
            },
            "territorial_government" => Target::TerritorialGovernment {
                level: if self.level == "county" {
                    GovLevel::County
                } else {
                    GovLevel::City
                },
            },
            _ => Target::Unit {
                unit: self.unit.trim().to_owned(),
            },
        };
        match &then {
            Target::Unit { unit } if unit.is_empty() => errs.push(("then.unit", "rule.required")),
            Target::Person { username } if username.is_empty() => {
                errs.push(("then.username", "rule.required"));
            }
            _ => {}
        }
        let fits = match kind {
            RuleKind::Supervise => matches!(then, Target::Person { .. }),
            RuleKind::Lead | RuleKind::Notify => !matches!(then, Target::Person { .. }),
        };
        if !fits {
            errs.push(("then", "rule.target_mismatch"));
        }
        let divisions = parse_divisions(&self.divisions).unwrap_or_else(|_| {
            errs.push(("when.divisions", "rule.division_unknown"));
            Vec::new()
        });
        let when = When {
            divisions,
            categories: self
                .categories
                .iter()
                .filter_map(|c| c.parse().ok())
                .collect(),
            key_classes: self
                .key_classes
                .iter()
                .filter_map(|c| c.parse().ok())
                .collect(),
            keywords: split_list(&self.keywords, false),
            channels: self
                .channels
                .iter()
                .filter_map(|c| c.parse().ok())
                .collect(),
        };
        if errs.is_empty() {
            Ok(Rule {
                id,
                name,
                kind,
                when,
                then,
            })
        } else {
            Err(errs)
        }
    }
}

/// The conditions of a rule for people, one `(code, text)` per list that is not
/// empty; none for a rule that applies to every case.
fn conditions(when: &When, lang: duban_case::Lang) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let mut push = |code: &'static str, items: Vec<String>| {
        if !items.is_empty() {
            out.push((code, items.join("、")));
        }
    };
    push(
        "divisions",
        when.divisions.iter().map(|d| division_name(*d)).collect(),
    );
    push(
        "categories",
        when.categories
            .iter()
            .map(|c| c.label(lang).to_owned())
            .collect(),
    );
    push(
        "key_classes",
        when.key_classes
            .iter()
            .map(|c| c.label(lang).to_owned())
            .collect(),
    );
    push("keywords", when.keywords.clone());
    push(
        "channels",
        when.channels
            .iter()
            .map(|c| c.label(lang).to_owned())
            .collect(),
    );
    out
}

/// Whom a rule names, for people: a unit by name, the territorial government by level,
/// a supervisor by name and username.
fn target_text(i18n: I18n, then: &Target, units: &[UnitView], people: &[PersonView]) -> String {
    match then {
        Target::Unit { unit } => unit_name(units, unit),
        Target::TerritorialGovernment {
            level: GovLevel::City,
        } => i18n.t(key!("routing.target.city")).to_owned(),
        Target::TerritorialGovernment {
            level: GovLevel::County,
        } => i18n.t(key!("routing.target.county")).to_owned(),
        Target::Person { username } => people
            .iter()
            .find(|p| p.username == *username)
            .map_or_else(|| username.clone(), person_text),
    }
}

/// An error of the rules list for people: `第4条“生活污水问题抄送住建厅” · 单位：单位不存在`
/// (the rule's name; its id when it has none).
fn rule_error_text(i18n: I18n, e: &ApiError, rules: &[Rule]) -> String {
    let message = i18n.error(e);
    let Some((index, rest)) = rule_error_path(&e.field) else {
        return message;
    };
    let n = (index + 1).to_string();
    let which = match rules.get(index) {
        Some(r) => {
            let name = if r.name.trim().is_empty() {
                &r.id
            } else {
                &r.name
            };
            key!("routing.error.rule_named").fill(i18n.lang(), &[("n", n), ("name", name.clone())])
        }
        None => key!("routing.error.rule").fill(i18n.lang(), &[("n", n)]),
    };
    let field = i18n
        .try_t(&format!("routing.field.{rest}"))
        .map(|f| format!("{f}{}", i18n.t(key!("routing.colon"))))
        .unwrap_or_default();
    format!("{which} · {field}{message}")
}

#[component]
pub fn AdminRoutingPage() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let admin = Signal::derive(move || user.has_role(&["admin"]));
    // The list as edited, and as the server holds it.
    let list = ListEdit::<Rule, RuleDraft>::new();
    let stats = RwSignal::new(Vec::<RuleStats>::new());
    let units = RwSignal::new(Vec::<UnitView>::new());
    // Who supervise rules may name (administrators and coordinators may ask).
    let people = RwSignal::new(Vec::<PersonView>::new());
    let load_errors = RwSignal::new(Vec::<ApiError>::new());

    let load = Callback::new(move |()| {
        let lang = i18n.lang_untracked();
        spawn_local(async move {
            match api::call::<RoutingRules>(&(), &(), &(), lang).await {
                Ok(v) => {
                    list.set_saved(v.rules.rules().to_vec());
                    stats.set(v.stats);
                    load_errors.set(Vec::new());
                }
                Err(f) => load_errors.set(f.errors().to_vec()),
            }
            list.loaded.set(true);
        });
    });
    load.run(());
    spawn_local(async move {
        let lang = i18n.lang_untracked();
        if let Ok(u) = api::call::<ListUnits>(&(), &(), &(), lang).await {
            units.set(u);
        }
        if let Ok(p) = api::call::<ListSupervisors>(&(), &(), &(), lang).await {
            people.set(p);
        }
    });
    let save = |rules: Vec<Rule>, reason: String, lang: Lang| async move {
        let body = RoutingRulesUpdate { rules, reason };
        api::call::<UpdateRoutingRules>(&(), &(), &body, lang)
            .await
            .map(|v| v.rules.rules().to_vec())
    };
    let row = move |r: &Rule, s: RowState| {
        let i = s.i;
        let kind = r.kind;
        let lang = i18n.lang();
        let stat = stats.with(|figures| figures.iter().find(|f| f.rule == r.id).cloned());
        let when = conditions(&r.when, lang);
        let target =
            units.with(|names| people.with(|persons| target_text(i18n, &r.then, names, persons)));
        view! {
            <tr class="rule-row" data-rule=r.id.clone() data-index=i data-kind=rule_kind_code(kind)
                class:row-changed=s.changed class:row-error=s.has_errors
                class:row-editing=s.editing>
                <td class="num rule-order">{i + 1}</td>
                <td class="nowrap"><span class="rule-kind" data-kind=rule_kind_code(kind)>{i18n.t(rule_kind_key(kind))}</span></td>
                <td class="rule-name">{r.name.clone()}<br/><code class="muted">{r.id.clone()}</code></td>
                <td class="rule-when">
                    {match when.is_empty() {
                        true => view! { <span class="cond cond-always">{i18n.t(key!("routing.cond.always"))}</span> }.into_any(),
                        false => when.into_iter().map(|(code, text)| view! {
                            <span class="cond" data-cond=code>
                                <span class="cond-label">{i18n.try_t(&format!("routing.cond.{code}")).unwrap_or(code)}{i18n.t(key!("routing.colon"))}</span>
                                {text}
                            </span>
                        }).collect_view().into_any(),
                    }}
                </td>
                <td class="rule-target" data-target=target_code(&r.then)>{target}</td>
                <td class="num rule-dispatched">{stat.as_ref().map_or_else(|| "—".to_owned(), |s| s.dispatched.to_string())}</td>
                <td class="num rule-returned">
                    {stat.as_ref().map_or_else(|| "—".to_owned(), |s| s.returned.to_string())}
                    {stat.as_ref().filter(|s| s.misrouting).map(|_| view! {
                        <span class="tag tag-misrouting" title=i18n.t(key!("routing.misrouting_hint"))>{i18n.t(key!("routing.misrouting"))}</span>
                    })}
                </td>
                {s.actions}
            </tr>
        }
    };

    view! {
        <section>
            <ListHead list names=NAMES admin load_errors new_draft=RuleDraft::default/>
            {move || list.editing.get().map(|(mode, draft)| view! { <RuleForm mode draft list units people/> })}
            // The figures come with a fresh read after a save.
            <ListEditor list names=NAMES admin columns=7 draft=RuleDraft::of
                error_index=|f| rule_error_path(f).map(|(i, _)| i) error_text=rule_error_text row save on_saved=load>
                <th class="num">"#"</th>
                <th>{move || i18n.t(key!("routing.col.kind"))}</th>
                <th>{move || i18n.t(key!("routing.col.name"))}</th>
                <th>{move || i18n.t(key!("routing.col.when"))}</th>
                <th>{move || i18n.t(key!("routing.col.target"))}</th>
                <th class="num">{move || i18n.t(key!("routing.col.dispatched"))}</th>
                <th class="num">{move || i18n.t(key!("routing.col.returned"))}</th>
            </ListEditor>
        </section>
    }
}

/// Adds a rule to the list or changes one; the list is saved separately.
#[component]
fn RuleForm(
    mode: Editing,
    draft: RuleDraft,
    list: ListEdit<Rule, RuleDraft>,
    units: RwSignal<Vec<UnitView>>,
    people: RwSignal<Vec<PersonView>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let ListEdit {
        items: rules,
        editing,
        errors,
        notice,
        ..
    } = list;
    let form = RwSignal::new(draft);
    let form_errors = RwSignal::new(Vec::<ApiError>::new());
    let target = Memo::new(move |_| form.with(|d| d.target.clone()));
    let supervise = Memo::new(move |_| form.with(|d| d.kind == "supervise"));
    let node = NodeRef::<leptos::html::Form>::new();
    // Editing a rule far down the list: bring the form into view.
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            el.scroll_into_view();
        }
    });
    let at = match mode {
        Editing::At(i) => Some(i),
        Editing::New => None,
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let others: Vec<String> = rules.with_untracked(|all| {
            all.iter()
                .enumerate()
                .filter(|(i, _)| Some(*i) != at)
                .map(|(_, r)| r.id.clone())
                .collect()
        });
        match form.with_untracked(|d| d.rule(&others)) {
            Ok(rule) => {
                rules.update(|all| match at {
                    Some(i) if i < all.len() => all[i] = rule,
                    _ => all.push(rule),
                });
                // The server's complaints about this rule are answered (or not) by the next save.
                if let Some(i) = at {
                    errors.update(|es| {
                        es.retain(|e| rule_error_path(&e.field).is_none_or(|(j, _)| j != i));
                    });
                }
                notice.set(None);
                editing.set(None);
            }
            Err(problems) => form_errors.set(
                problems
                    .into_iter()
                    .map(|(field, code)| local_error(i18n, field, code))
                    .collect(),
            ),
        }
    };

    let set = move |apply: fn(&mut RuleDraft, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            form.update(|d| apply(d, v));
        }
    };
    let title = if at.is_some() {
        key!("routing.edit_rule")
    } else {
        key!("routing.new_rule")
    };

    view! {
        <form id="rule-form" class="form action-panel" novalidate node_ref=node on:submit=on_submit
            data-mode={if at.is_some() { "edit" } else { "new" }} data-index=at.map(|i| i.to_string())>
            <h3>
                {move || i18n.t(title)}
                {at.map(|i| format!(" #{}", i + 1))}
            </h3>
            <div class="form-grid">
                <label class="field">
                    <span class="label">{move || i18n.t(key!("routing.id"))}</span>
                    <input type="text" name="id" maxlength="40" autocomplete="off"
                        placeholder=move || i18n.t(key!("routing.id.hint"))
                        prop:value=move || form.with(|d| d.id.clone())
                        on:input=set(|d, v| d.id = v)/>
                    <ApiFieldErrors field="id" errors=form_errors/>
                </label>
                <label class="field field-wide2">
                    <span class="label">{move || i18n.t(key!("routing.name"))}</span>
                    <input type="text" name="name" maxlength="100"
                        prop:value=move || form.with(|d| d.name.clone())
                        on:input=set(|d, v| d.name = v)/>
                    <ApiFieldErrors field="name" errors=form_errors/>
                </label>
                <label class="field">
                    <span class="label">{move || i18n.t(key!("routing.col.kind"))}</span>
                    <select name="kind" on:change=set(|d, v| {
                        // Supervise rules name a person, the others a unit.
                        if v == "supervise" {
                            d.target = "person".into();
                        } else if d.target == "person" {
                            d.target = "unit".into();
                        }
                        d.kind = v;
                    })>
                        {RULE_KINDS.into_iter().map(|k| {
                            let code = rule_kind_code(k);
                            view! { <option value=code selected=move || form.with(|d| d.kind == code)>{move || i18n.t(rule_kind_key(k))}</option> }
                        }).collect_view()}
                    </select>
                    <ApiFieldErrors field="kind" errors=form_errors/>
                </label>
                <label class="field">
                    <span class="label">{move || i18n.t(key!("routing.col.target"))}</span>
                    <select name="target" on:change=set(|d, v| d.target = v)>
                        {move || {
                            let codes: &[&'static str] = if supervise.get() { &["person"] } else { &["unit", "territorial_government"] };
                            codes.iter().map(|&code| view! {
                                <option value=code selected=move || target.with(|t| t == code)>
                                    {move || i18n.try_t(&format!("routing.target.{code}")).unwrap_or(code)}
                                </option>
                            }).collect_view()
                        }}
                    </select>
                    <ApiFieldErrors field="then" errors=form_errors/>
                </label>
                {move || match target.get().as_str() {
                    "territorial_government" => view! {
                        <label class="field">
                            <span class="label">{move || i18n.t(key!("routing.level"))}</span>
                            <select name="level" on:change=set(|d, v| d.level = v)>
                                {["city", "county"].into_iter().map(|code| view! {
                                    <option value=code selected=move || form.with(|d| d.level == code)>
                                        {move || i18n.try_t(&format!("routing.level.{code}")).unwrap_or(code)}
                                    </option>
                                }).collect_view()}
                            </select>
                        </label>
                    }.into_any(),
                    // The accounts that may supervise, and the rule's own username
                    // even when it no longer has the role.
                    "person" => view! {
                        <label class="field">
                            <span class="label">{move || i18n.t(key!("routing.username"))}</span>
                            <select name="username" on:change=set(|d, v| d.username = v)>
                                <option value="">{move || i18n.t(key!("common.choose"))}</option>
                                {move || {
                                    let mut list = people.get();
                                    let current = form.with(|d| d.username.trim().to_owned());
                                    if !current.is_empty() && !list.iter().any(|p| p.username == current) {
                                        list.push(PersonView { username: current, display_name: String::new() });
                                    }
                                    list.into_iter().map(|p| {
                                        let chosen = p.username.clone();
                                        view! { <option value=p.username.clone() selected=move || form.with(|d| d.username.trim() == chosen)>{person_text(&p)}</option> }
                                    }).collect_view()
                                }}
                            </select>
                            <Show when=move || people.with(Vec::is_empty)>
                                <span class="hint">{move || i18n.t(key!("supervision.no_supervisors"))}</span>
                            </Show>
                        </label>
                    }.into_any(),
                    _ => view! {
                        <label class="field">
                            <span class="label">{move || i18n.t(key!("action.unit"))}</span>
                            <select name="unit" on:change=set(|d, v| d.unit = v)>
                                <option value="">{move || i18n.t(key!("common.choose"))}</option>
                                {move || unit_options(&units.get(), |_| false).into_iter().map(|(id, label)| {
                                    let chosen = id.clone();
                                    view! { <option value=id selected=move || form.with(|d| d.unit == chosen)>{label}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                    }.into_any(),
                }}
            </div>
            <div class="form-grid">
                <label class="field field-wide2">
                    <span class="label">{move || i18n.t(key!("routing.cond.keywords"))}</span>
                    <input type="text" name="keywords"
                        placeholder=move || i18n.t(key!("routing.keywords.hint"))
                        prop:value=move || form.with(|d| d.keywords.clone())
                        on:input=set(|d, v| d.keywords = v)/>
                    <ApiFieldErrors field="when.keywords" errors=form_errors/>
                </label>
                <label class="field field-wide2">
                    <span class="label">{move || i18n.t(key!("routing.cond.divisions"))}</span>
                    <input type="text" name="divisions" inputmode="numeric"
                        placeholder=move || i18n.t(key!("routing.divisions.hint"))
                        prop:value=move || form.with(|d| d.divisions.clone())
                        on:input=set(|d, v| d.divisions = v)/>
                    <span class="hint division-names">
                        {move || form.with(|d| match parse_divisions(&d.divisions) {
                            Ok(codes) => codes.into_iter().map(division_text).collect::<Vec<_>>().join("、"),
                            Err(bad) => format!("{}{}", i18n.t(key!("routing.divisions.unknown")), bad.join("、")),
                        })}
                    </span>
                    <ApiFieldErrors field="when.divisions" errors=form_errors/>
                </label>
            </div>
            <CheckGroup label=key!("routing.cond.categories") name="categories" which=Checks::Categories form
                codes=Category::ALL.iter().map(|c| c.code()).collect()
                text=category_text/>
            <CheckGroup label=key!("routing.cond.key_classes") name="key_classes" which=Checks::KeyClasses form
                codes=KeyClass::ALL.iter().map(|c| c.code()).collect()
                text=key_class_text/>
            <CheckGroup label=key!("routing.cond.channels") name="channels" which=Checks::Channels form
                codes=Channel::ALL.iter().map(|c| c.code()).collect()
                text=channel_text/>
            <OtherErrors fields=RULE_FIELDS errors=form_errors/>
            <p class="hint">{move || i18n.t(key!("routing.apply_hint"))}</p>
            <div class="actions">
                <button type="submit" class="btn btn-primary" id="apply-rule">{move || i18n.t(key!("routing.apply"))}</button>
                <button type="button" class="btn" id="cancel-rule" on:click=move |_| editing.set(None)>{move || i18n.t(key!("action.cancel"))}</button>
            </div>
        </form>
    }
}

fn category_text(code: &str, lang: duban_case::Lang) -> &'static str {
    code.parse::<Category>().map_or("", |c| c.label(lang))
}

fn key_class_text(code: &str, lang: duban_case::Lang) -> &'static str {
    code.parse::<KeyClass>().map_or("", |c| c.label(lang))
}

fn channel_text(code: &str, lang: duban_case::Lang) -> &'static str {
    code.parse::<Channel>().map_or("", |c| c.label(lang))
}

/// A condition list chosen with check boxes (`input[name=<name>][value=<code>]`).
#[component]
fn CheckGroup(
    label: Key,
    name: &'static str,
    which: Checks,
    form: RwSignal<RuleDraft>,
    codes: Vec<&'static str>,
    text: fn(&str, duban_case::Lang) -> &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="field" data-checks=name>
            <span class="label">{move || i18n.t(label)}</span>
            <div class="checks">
                {codes.into_iter().map(|code| view! {
                    <label class="check">
                        <input type="checkbox" name=name value=code
                            prop:checked=move || form.with(|d| d.checks(which).iter().any(|c| c == code))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                form.update(|d| {
                                    let list = d.checks_mut(which);
                                    list.retain(|c| c != code);
                                    if on {
                                        list.push(code.to_owned());
                                    }
                                });
                            }/>
                        <span>{move || text(code, i18n.lang())}</span>
                    </label>
                }).collect_view()}
            </div>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: &str, kind: RuleKind, then: Target) -> Rule {
        Rule {
            id: id.into(),
            name: format!("规则{id}"),
            kind,
            when: When::default(),
            then,
        }
    }

    #[test]
    fn a_rule_survives_the_form_unchanged() {
        let mut r = rule(
            "notify-housing",
            RuleKind::Notify,
            Target::Unit {
                unit: "dept-zjt".into(),
            },
        );
        r.when.keywords = vec!["污水".into(), "垃圾".into()];
        r.when.divisions = vec![
            "3201"
                .parse()
                .unwrap_or(duban_divisions::DivisionCode::JIANGSU),
        ];
        r.when.categories = vec![Category::Water, Category::Air];
        r.when.channels = vec![Channel::Hotline12345];
        let back = RuleDraft::of(&r).rule(&[]);
        assert_eq!(back, Ok(r));
        let lead = rule(
            "lead-county",
            RuleKind::Lead,
            Target::TerritorialGovernment {
                level: GovLevel::County,
            },
        );
        assert_eq!(RuleDraft::of(&lead).rule(&["other".into()]), Ok(lead));
        let sup = rule(
            "sup",
            RuleKind::Supervise,
            Target::Person {
                username: "supervisor".into(),
            },
        );
        assert_eq!(RuleDraft::of(&sup).rule(&[]), Ok(sup));
    }

    #[test]
    fn the_form_names_its_problems_like_the_server() {
        let d = RuleDraft {
            id: "bad id".into(),
            divisions: "3201, 9999".into(),
            ..RuleDraft::default()
        };
        let errs = d.rule(&[]).err().unwrap_or_default();
        assert!(errs.contains(&("id", "rule.id_invalid")));
        assert!(errs.contains(&("name", "rule.required")));
        assert!(errs.contains(&("then.unit", "rule.required")));
        assert!(errs.contains(&("when.divisions", "rule.division_unknown")));
        let dup = RuleDraft {
            id: "a".into(),
            name: "A".into(),
            unit: "u".into(),
            ..RuleDraft::default()
        };
        assert_eq!(
            dup.rule(&["a".into()]).err(),
            Some(vec![("id", "rule.id_duplicate")])
        );
        let mismatch = RuleDraft {
            kind: "supervise".into(),
            ..dup
        };
        assert_eq!(
            mismatch.rule(&[]).err(),
            Some(vec![("then", "rule.target_mismatch")])
        );
    }

    #[test]
    fn conditions_list_what_is_set() {
        let mut w = When::default();
        assert!(conditions(&w, duban_case::Lang::Zh).is_empty());
        w.keywords = vec!["污水".into(), "垃圾".into()];
        w.categories = vec![Category::Water];
        let c = conditions(&w, duban_case::Lang::Zh);
        assert_eq!(
            c,
            vec![
                ("categories", "水".to_owned()),
                ("keywords", "污水、垃圾".to_owned())
            ]
        );
    }
}
