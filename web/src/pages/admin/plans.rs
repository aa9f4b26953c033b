//! `/admin/plans`: the emergency plan templates (应急预案) in the order they are tried:
//! the first plan whose types and severities fit an incident names its departments,
//! their tasks and how many minutes each has to acknowledge. Administrators add,
//! reorder, change and delete plans and departments in the page, then save the whole
//! list with a reason; everyone else reads the plans.

use duban_api::admin::ListUnits;
use duban_api::incidents::{EmergencyPlans, UpdateEmergencyPlans};
use duban_api::{ApiError, PlansUpdate, UnitView};
use duban_emergency::{IncidentType, Plan, PlanDepartment, Plans, Severity};
use duban_text::key;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{unit_name, unit_options};
use crate::api;
use crate::components::field_errors::{ApiFieldErrors, FieldErrorsAt, OtherErrors, local_error};
use crate::components::list_editor::{
    Editing, ListEdit, ListEditor, ListHead, ListNames, Reorder, RowMoves, RowState,
};
use crate::i18n::{I18n, Lang, use_i18n};
use crate::mechanism_view::{parse_tasks, plan_error_path};
use crate::numeric::NumericText;
use crate::session::use_current_user;

/// The plan list's ids, classes and texts.
const NAMES: ListNames = ListNames {
    one: "plan",
    title: key!("plans.title"),
    add: key!("plans.add"),
    hint: key!("plans.hint"),
    readonly: key!("plans.readonly"),
    many: "plans",
    fields: &["reason", "plans"],
    unsaved: key!("plans.unsaved"),
    empty: key!("plans.empty"),
    no_change: "plans.no_change",
    saved: key!("plans.saved"),
};

/// One department of the plan form, as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
struct DeptDraft {
    unit: String,
    /// One task per line.
    tasks: String,
    ack_minutes: String,
}

impl Default for DeptDraft {
    fn default() -> Self {
        DeptDraft {
            unit: String::new(),
            tasks: String::new(),
            ack_minutes: "30".into(),
        }
    }
}

/// The plan form's inputs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct PlanDraft {
    id: String,
    name: String,
    types: Vec<String>,
    severities: Vec<String>,
    departments: Vec<DeptDraft>,
}

impl PlanDraft {
    fn new_plan() -> PlanDraft {
        PlanDraft {
            departments: vec![DeptDraft::default()],
            ..PlanDraft::default()
        }
    }

    fn of(p: &Plan) -> PlanDraft {
        PlanDraft {
            id: p.id.clone(),
            name: p.name.clone(),
            types: p.types.iter().map(|t| t.code().to_owned()).collect(),
            severities: p.severities.iter().map(|s| s.code().to_owned()).collect(),
            departments: p
                .departments
                .iter()
                .map(|d| DeptDraft {
                    unit: d.unit.clone(),
                    tasks: d.tasks.join("\n"),
                    ack_minutes: d.ack_minutes.to_string(),
                })
                .collect(),
        }
    }

    /// The plan the form describes, or its problems as `(field, code)` in the server's
    /// terms (without the `plans[i].` prefix). `others`: the ids of the other plans;
    /// `units`: the known unit ids (unchecked while unknown).
    fn plan(
        &self,
        others: &[String],
        units: &[String],
    ) -> Result<Plan, Vec<(String, &'static str)>> {
        let mut errs: Vec<(String, &'static str)> = Vec::new();
        let departments = self
            .departments
            .iter()
            .map(|d| PlanDepartment {
                unit: d.unit.trim().to_owned(),
                tasks: parse_tasks(&d.tasks),
                // Not a number: 0, which the check names as invalid.
                ack_minutes: d.ack_minutes.trim().parse().unwrap_or(0),
            })
            .collect();
        let plan = Plan {
            id: self.id.trim().to_owned(),
            name: self.name.trim().to_owned(),
            // Kept in the lists' own order, whatever order they were ticked in.
            types: IncidentType::ALL
                .into_iter()
                .filter(|t| self.types.iter().any(|c| c == t.code()))
                .collect(),
            severities: Severity::ALL
                .into_iter()
                .filter(|s| self.severities.iter().any(|c| c == s.code()))
                .collect(),
            departments,
        };
        if !plan.id.is_empty() && others.iter().any(|o| o.trim() == plan.id) {
            errs.push(("id".into(), "plan.id_duplicate"));
        }
        let known = (!units.is_empty()).then_some(units);
        if let Err(problems) = Plans::parse(vec![plan.clone()], known) {
            for e in problems {
                let field = e.field();
                let field = field.strip_prefix("plans[0].").unwrap_or(&field).to_owned();
                errs.push((field, e.code()));
            }
        }
        if errs.is_empty() { Ok(plan) } else { Err(errs) }
    }
}

/// A server error of the plan list for people: `第1个预案 water · 第2个部门 · 单位：单位不存在`.
fn plan_error_text(i18n: I18n, e: &ApiError, plans: &[Plan]) -> String {
    let message = i18n.error(e);
    let Some((index, dept, rest)) = plan_error_path(&e.field) else {
        return message;
    };
    let id = plans.get(index).map(|p| p.id.as_str()).unwrap_or_default();
    let lang = i18n.lang();
    let mut out = key!("plans.error.plan").fill(
        lang,
        &[("n", (index + 1).to_string()), ("id", id.to_owned())],
    );
    if let Some(d) = dept {
        out.push_str(" · ");
        out.push_str(&key!("plans.error.department").fill(lang, &[("n", (d + 1).to_string())]));
    }
    let field = i18n
        .try_t(&format!("plans.field.{rest}"))
        .map(|f| format!("{f}{}", i18n.t(key!("routing.colon"))))
        .unwrap_or_default();
    format!("{out} · {field}{message}")
}

#[component]
pub fn AdminPlansPage() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let admin = Signal::derive(move || user.has_role(&["admin"]));
    let list = ListEdit::<Plan, PlanDraft>::new();
    let units = RwSignal::new(Vec::<UnitView>::new());
    let load_errors = RwSignal::new(Vec::<ApiError>::new());

    let lang = i18n.lang_untracked();
    spawn_local(async move {
        match api::call::<EmergencyPlans>(&(), &(), &(), lang).await {
            Ok(p) => list.set_saved(p.plans().to_vec()),
            Err(f) => load_errors.set(f.errors().to_vec()),
        }
        list.loaded.set(true);
        if let Ok(u) = api::call::<ListUnits>(&(), &(), &(), lang).await {
            units.set(u);
        }
    });
    let save = |plans: Vec<Plan>, reason: String, lang: Lang| async move {
        let body = PlansUpdate { plans, reason };
        api::call::<UpdateEmergencyPlans>(&(), &(), &body, lang)
            .await
            .map(|p| p.plans().to_vec())
    };
    let row = move |p: &Plan, s: RowState| {
        let lang = i18n.lang();
        view! {
            <tr class="plan-row" data-plan=p.id.clone() data-index=s.i
                class:row-changed=s.changed class:row-error=s.has_errors
                class:row-editing=s.editing>
                <td class="num">{s.i + 1}</td>
                <td class="plan-name">{p.name.clone()}<br/><code class="muted">{p.id.clone()}</code></td>
                <td class="plan-types">{p.types.iter().map(|t| t.label(lang)).collect::<Vec<_>>().join("、")}</td>
                <td class="plan-severities">
                    {p.severities.iter().map(|s| view! { <span class="tag tag-severity" data-severity=s.code()>{s.label(lang)}</span> }).collect_view()}
                </td>
                <td class="plan-depts-cell">
                    <ol class="plan-depts">
                        {p.departments.iter().map(|d| view! {
                            <li class="plan-dept" data-unit=d.unit.clone()>
                                <span class="dept-name">{units.with(|names| unit_name(names, &d.unit))}</span>
                                <span class="tag dept-ack">{format!("{}{}", d.ack_minutes, i18n.t(key!("plans.minutes")))}</span>
                                <span class="muted dept-tasks">{d.tasks.join("；")}</span>
                            </li>
                        }).collect_view()}
                    </ol>
                </td>
                {s.actions}
            </tr>
        }
    };

    view! {
        <section>
            <ListHead list names=NAMES admin load_errors new_draft=PlanDraft::new_plan/>
            {move || list.editing.get().map(|(mode, draft)| view! { <PlanForm mode draft list units/> })}
            <ListEditor list names=NAMES admin columns=5 draft=PlanDraft::of
                error_index=|f| plan_error_path(f).map(|(i, _, _)| i) error_text=plan_error_text row save>
                <th class="num">"#"</th>
                <th>{move || i18n.t(key!("plans.col.name"))}</th>
                <th>{move || i18n.t(key!("plans.col.types"))}</th>
                <th>{move || i18n.t(key!("plans.col.severities"))}</th>
                <th>{move || i18n.t(key!("plans.col.departments"))}</th>
            </ListEditor>
        </section>
    }
}

/// Adds a plan to the list or changes one; the list is saved separately.
#[component]
fn PlanForm(
    mode: Editing,
    draft: PlanDraft,
    list: ListEdit<Plan, PlanDraft>,
    units: RwSignal<Vec<UnitView>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let ListEdit {
        items: plans,
        editing,
        errors,
        notice,
        ..
    } = list;
    let at = match mode {
        Editing::At(i) => Some(i),
        Editing::New => None,
    };
    // The server's complaints about this plan, shown in the form without their prefix.
    let form_errors = RwSignal::new(at.map_or_else(Vec::new, |i| {
        errors.with_untracked(|es| {
            es.iter()
                .filter(|e| plan_error_path(&e.field).is_some_and(|(j, _, _)| j == i))
                .map(|e| ApiError {
                    field: e
                        .field
                        .strip_prefix(&format!("plans[{i}]."))
                        .unwrap_or(&e.field)
                        .to_owned(),
                    ..e.clone()
                })
                .collect()
        })
    }));
    let form = RwSignal::new(draft);
    let node = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            el.scroll_into_view();
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let others: Vec<String> = plans.with_untracked(|all| {
            all.iter()
                .enumerate()
                .filter(|(i, _)| Some(*i) != at)
                .map(|(_, p)| p.id.clone())
                .collect()
        });
        let known: Vec<String> = units.with_untracked(|u| u.iter().map(|u| u.id.clone()).collect());
        match form.with_untracked(|d| d.plan(&others, &known)) {
            Ok(plan) => {
                plans.update(|all| match at {
                    Some(i) if i < all.len() => all[i] = plan,
                    _ => all.push(plan),
                });
                if let Some(i) = at {
                    errors.update(|es| {
                        es.retain(|e| plan_error_path(&e.field).is_none_or(|(j, _, _)| j != i));
                    });
                }
                notice.set(None);
                editing.set(None);
            }
            Err(problems) => form_errors.set(
                problems
                    .into_iter()
                    .map(|(field, code)| local_error(i18n, &field, code))
                    .collect(),
            ),
        }
    };
    let set = move |apply: fn(&mut PlanDraft, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            form.update(|d| apply(d, v));
        }
    };
    let dept_op = Callback::new(move |op: Reorder| {
        form.update(|d| op.apply(&mut d.departments));
        // Positions changed: the old department errors no longer point right.
        form_errors.update(|es| es.retain(|e| !e.field.starts_with("departments[")));
    });
    let title = if at.is_some() {
        key!("plans.edit")
    } else {
        key!("plans.new")
    };
    let count = Memo::new(move |_| form.with(|d| d.departments.len()));

    view! {
        <form id="plan-form" class="form action-panel" novalidate node_ref=node on:submit=on_submit
            data-mode={if at.is_some() { "edit" } else { "new" }} data-index=at.map(|i| i.to_string())>
            <h3>{move || i18n.t(title)}{at.map(|i| format!(" #{}", i + 1))}</h3>
            <div class="form-grid">
                <label class="field">
                    <span class="label">{move || i18n.t(key!("plans.field.id"))}</span>
                    <input type="text" name="id" maxlength="40" autocomplete="off"
                        placeholder=move || i18n.t(key!("plans.id.hint"))
                        prop:value=move || form.with(|d| d.id.clone())
                        on:input=set(|d, v| d.id = v)/>
                    <ApiFieldErrors field="id" errors=form_errors/>
                </label>
                <label class="field field-wide2">
                    <span class="label">{move || i18n.t(key!("plans.field.name"))}</span>
                    <input type="text" name="name" maxlength="100"
                        prop:value=move || form.with(|d| d.name.clone())
                        on:input=set(|d, v| d.name = v)/>
                    <ApiFieldErrors field="name" errors=form_errors/>
                </label>
            </div>
            <fieldset class="field" data-checks="types">
                <span class="label">{move || i18n.t(key!("plans.field.types"))}</span>
                <div class="checks">
                    {IncidentType::ALL.into_iter().map(|t| view! {
                        <label class="check">
                            <input type="checkbox" name="types" value=t.code()
                                prop:checked=move || form.with(|d| d.types.iter().any(|c| c == t.code()))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    form.update(|d| {
                                        d.types.retain(|c| c != t.code());
                                        if on { d.types.push(t.code().to_owned()); }
                                    });
                                }/>
                            <span>{move || t.label(i18n.lang())}</span>
                        </label>
                    }).collect_view()}
                </div>
                <ApiFieldErrors field="types" errors=form_errors/>
            </fieldset>
            <fieldset class="field" data-checks="severities">
                <span class="label">{move || i18n.t(key!("plans.field.severities"))}</span>
                <div class="checks">
                    {Severity::ALL.into_iter().map(|s| view! {
                        <label class="check">
                            <input type="checkbox" name="severities" value=s.code()
                                prop:checked=move || form.with(|d| d.severities.iter().any(|c| c == s.code()))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    form.update(|d| {
                                        d.severities.retain(|c| c != s.code());
                                        if on { d.severities.push(s.code().to_owned()); }
                                    });
                                }/>
                            <span>{move || s.label(i18n.lang())}</span>
                        </label>
                    }).collect_view()}
                </div>
                <ApiFieldErrors field="severities" errors=form_errors/>
            </fieldset>
            <div class="field">
                <span class="label">{move || i18n.t(key!("plans.field.departments"))}</span>
                <p class="hint">{move || i18n.t(key!("plans.tasks.hint"))}</p>
                <div class="plan-dept-list">
                    {move || (0..count.get()).map(|i| {
                        let get = move |f: fn(&DeptDraft) -> String| move || form.with(|d| d.departments.get(i).map(f).unwrap_or_default());
                        let put = move |apply: fn(&mut DeptDraft, String)| move |ev: leptos::ev::Event| {
                            let v = event_target_value(&ev);
                            form.update(|d| if let Some(x) = d.departments.get_mut(i) { apply(x, v) });
                        };
                        view! {
                            <div class="plan-dept-edit" data-index=i>
                                <span class="num dept-order">{i + 1}</span>
                                <label class="field">
                                    <span class="label">{move || i18n.t(key!("plans.field.unit"))}</span>
                                    <select name="unit" on:change=put(|x, v| x.unit = v)>
                                        <option value="">{move || i18n.t(key!("common.choose"))}</option>
                                        {move || unit_options(&units.get(), |u| u.kind == "coordination").into_iter().map(|(id, label)| {
                                            let chosen = id.clone();
                                            view! { <option value=id selected=move || form.with(|d| d.departments.get(i).is_some_and(|x| x.unit == chosen))>{label}</option> }
                                        }).collect_view()}
                                    </select>
                                    <FieldErrorsAt field=format!("departments[{i}].unit") errors=form_errors/>
                                </label>
                                <label class="field">
                                    <span class="label">{move || i18n.t(key!("plans.field.tasks"))}</span>
                                    <textarea name="tasks" rows="2" prop:value=get(|x| x.tasks.clone()) on:input=put(|x, v| x.tasks = v)></textarea>
                                    <FieldErrorsAt field=format!("departments[{i}].tasks") errors=form_errors/>
                                </label>
                                <label class="field">
                                    <span class="label">{move || i18n.t(key!("plans.field.ack_minutes"))}</span>
                                    <NumericText name="ack_minutes" text=Signal::derive(get(|x| x.ack_minutes.clone()))
                                        on_text=move |v| form.update(|d| if let Some(x) = d.departments.get_mut(i) { x.ack_minutes = v })/>
                                    <FieldErrorsAt field=format!("departments[{i}].ack_minutes") errors=form_errors/>
                                </label>
                                <span class="nowrap rule-actions">
                                    <RowMoves prefix="dept" i count on_move=dept_op/>
                                </span>
                            </div>
                        }
                    }).collect_view()}
                </div>
                <FieldErrorsAt field="departments".to_owned() errors=form_errors/>
                <div class="actions">
                    <button type="button" class="btn btn-small" id="add-dept"
                        on:click=move |_| form.update(|d| d.departments.push(DeptDraft::default()))>
                        {move || i18n.t(key!("plans.add_dept"))}
                    </button>
                </div>
            </div>
            <OtherErrors fields=&["id", "name", "types", "severities", "departments"] errors=form_errors/>
            <p class="hint">{move || i18n.t(key!("plans.apply_hint"))}</p>
            <div class="actions">
                <button type="submit" class="btn btn-primary" id="apply-plan">{move || i18n.t(key!("routing.apply"))}</button>
                <button type="button" class="btn" id="cancel-plan" on:click=move |_| editing.set(None)>{move || i18n.t(key!("action.cancel"))}</button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_survives_the_form_unchanged() {
        let plans = duban_emergency::default_plans();
        for p in plans.plans() {
            assert_eq!(PlanDraft::of(p).plan(&[], &[]), Ok(p.clone()));
        }
    }

    #[test]
    fn the_form_names_its_problems_like_the_server() {
        let mut d = PlanDraft::new_plan();
        d.departments[0].ack_minutes = "0".into();
        d.departments[0].unit = "dept-x".into();
        let errs = d
            .plan(&[], &["dept-sthjt".into()])
            .err()
            .unwrap_or_default();
        let has = |f: &str, c: &str| errs.iter().any(|(x, y)| x == f && *y == c);
        assert!(has("id", "plan.required"));
        assert!(has("name", "plan.required"));
        assert!(has("types", "plan.required"));
        assert!(has("severities", "plan.required"));
        assert!(has("departments[0].unit", "plan.unit_unknown"));
        assert!(has("departments[0].ack_minutes", "plan.invalid"));
        assert!(has("departments[0].tasks", "plan.invalid"));
        let dup = PlanDraft::of(&duban_emergency::default_plans().plans()[0]);
        let errs = dup
            .plan(&["water-major".into()], &[])
            .err()
            .unwrap_or_default();
        assert_eq!(errs, vec![("id".to_owned(), "plan.id_duplicate")]);
    }
}
