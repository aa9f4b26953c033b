//! `/admin/units`: the organisation tree (单位管理). Administrators add units under a
//! parent and rename or move them; every change carries a reason for the audit trail.

use duban_api::admin::{CreateUnit, ListUnits, UpdateUnit};
use duban_api::keys::UnitKey;
use duban_api::{ApiError, UNIT_KINDS, UnitDraft, UnitView};
use duban_divisions::DivisionCode;
use duban_text::Key;
use duban_text::key;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{AdminOnly, unit_kind_label, unit_options, unit_tree};
use crate::api;
use crate::components::field_errors::{ApiFieldErrors, OtherErrors, local_error};
use crate::i18n::use_i18n;

/// Fields of the unit form that show their own errors.
const UNIT_FIELDS: &[&str] = &["id", "name", "kind", "parent", "division", "reason"];

/// What the unit form does.
#[derive(Clone, Debug, PartialEq)]
enum Mode {
    Create,
    /// Rename or move the unit with this id.
    Edit(String),
}

/// Whether `id` is `ancestor` or lies below it (a unit cannot move under itself).
fn within(units: &[UnitView], id: &str, ancestor: &str) -> bool {
    let mut current = Some(id.to_owned());
    let mut steps = 0;
    while let Some(c) = current {
        if c == ancestor {
            return true;
        }
        steps += 1;
        if steps > units.len() {
            return false;
        }
        current = units
            .iter()
            .find(|u| u.id == c)
            .and_then(|u| u.parent.clone());
    }
    false
}

/// A division code for people: `南京市玄武区（320102）`; the code alone when unknown.
fn division_text(code: &str) -> String {
    match code.parse::<DivisionCode>() {
        Ok(c) => format!("{}（{code}）", c.division().full_name()),
        Err(_) => code.to_owned(),
    }
}

#[component]
pub fn AdminUnitsPage() -> impl IntoView {
    view! { <AdminOnly><UnitsAdmin/></AdminOnly> }
}

#[component]
fn UnitsAdmin() -> impl IntoView {
    let i18n = use_i18n();
    let units = RwSignal::new(Vec::<UnitView>::new());
    let load_errors = RwSignal::new(Vec::<ApiError>::new());
    let loaded = RwSignal::new(false);
    let open = RwSignal::new(None::<(Mode, UnitDraft)>);
    let notice = RwSignal::new(None::<Key>);

    spawn_local(async move {
        match api::call::<ListUnits>(&(), &(), &(), i18n.lang_untracked()).await {
            Ok(u) => units.set(u),
            Err(f) => load_errors.set(f.errors().to_vec()),
        }
        loaded.set(true);
    });

    let start = move |mode: Mode, draft: UnitDraft| {
        notice.set(None);
        open.set(Some((mode, draft)));
    };

    view! {
        <section>
            <div class="page-head">
                <h1>{move || i18n.t(key!("units.title"))}</h1>
                <button type="button" class="btn btn-primary" id="new-unit"
                    on:click=move |_| start(Mode::Create, UnitDraft { kind: "department".into(), ..UnitDraft::default() })>
                    {move || i18n.t(key!("units.new"))}
                </button>
            </div>
            <OtherErrors fields=&[] errors=load_errors/>
            {move || notice.get().map(|n| view! { <p class="banner banner-ok" id="admin-notice">{move || i18n.t(n)}</p> })}
            {move || open.get().map(|(mode, draft)| view! { <UnitForm mode draft units open notice/> })}
            <table class="data-table" id="unit-table">
                <thead>
                    <tr>
                        <th>{move || i18n.t(key!("units.name"))}</th>
                        <th>{move || i18n.t(key!("units.id"))}</th>
                        <th>{move || i18n.t(key!("units.kind"))}</th>
                        <th>{move || i18n.t(key!("units.division"))}</th>
                        <th>{move || i18n.t(key!("admin.col.actions"))}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || unit_tree(&units.get()).into_iter().map(|(depth, u)| {
                        let kind = u.kind.clone();
                        let child = UnitDraft {
                            parent: Some(u.id.clone()),
                            kind: u.kind.clone(),
                            ..UnitDraft::default()
                        };
                        let edit = UnitDraft {
                            id: u.id.clone(),
                            name: u.name.clone(),
                            kind: u.kind.clone(),
                            parent: u.parent.clone(),
                            division: u.division.clone(),
                            reason: String::new(),
                        };
                        let id = u.id.clone();
                        view! {
                            <tr class="unit-row" data-id=u.id.clone() data-parent=u.parent.clone().unwrap_or_default() data-depth=depth>
                                <td>
                                    <span class="tree-name" style=format!("padding-left: {}em", depth * 2)>
                                        {(depth > 0).then_some("└ ")}{u.name.clone()}
                                    </span>
                                </td>
                                <td class="nowrap"><code>{u.id.clone()}</code></td>
                                <td class="nowrap" data-kind=u.kind.clone()>{move || unit_kind_label(i18n, &kind)}</td>
                                <td>{u.division.as_deref().map(division_text)}</td>
                                <td class="nowrap">
                                    <button type="button" class="btn btn-small add-child"
                                        on:click=move |_| start(Mode::Create, child.clone())>
                                        {move || i18n.t(key!("units.add_child"))}
                                    </button>
                                    " "
                                    <button type="button" class="btn btn-small edit-unit"
                                        on:click=move |_| start(Mode::Edit(id.clone()), edit.clone())>
                                        {move || i18n.t(key!("units.edit"))}
                                    </button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                    <Show when=move || loaded.get() && units.with(Vec::is_empty)>
                        <tr><td class="empty" colspan="5">{move || i18n.t(key!("units.empty"))}</td></tr>
                    </Show>
                </tbody>
            </table>
        </section>
    }
}

/// Adds a unit, or renames/moves one; closes itself when the server accepts.
#[component]
fn UnitForm(
    mode: Mode,
    draft: UnitDraft,
    units: RwSignal<Vec<UnitView>>,
    open: RwSignal<Option<(Mode, UnitDraft)>>,
    notice: RwSignal<Option<Key>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let form = RwSignal::new(draft);
    let errors = RwSignal::new(Vec::<ApiError>::new());
    let busy = RwSignal::new(false);
    let editing = match &mode {
        Mode::Edit(id) => Some(id.clone()),
        Mode::Create => None,
    };
    let mode = StoredValue::new(mode);
    let own_id = editing.clone();

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let mut body = form.get_untracked();
        body.id = body.id.trim().to_owned();
        body.name = body.name.trim().to_owned();
        body.reason = body.reason.trim().to_owned();
        body.parent = body.parent.filter(|p| !p.is_empty());
        body.division = body
            .division
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty());
        if body.reason.is_empty() {
            errors.set(vec![local_error(i18n, "reason", "reason.required")]);
            return;
        }
        let lang = i18n.lang_untracked();
        busy.set(true);
        let mode = mode.get_value();
        spawn_local(async move {
            let result = match &mode {
                Mode::Create => api::call::<CreateUnit>(&(), &(), &body, lang).await,
                Mode::Edit(id) => {
                    api::call::<UpdateUnit>(&UnitKey::new(&**id), &(), &body, lang).await
                }
            };
            match result {
                Ok(saved) => {
                    units.update(|all| match all.iter_mut().find(|u| u.id == saved.id) {
                        Some(u) => *u = saved,
                        None => all.push(saved),
                    });
                    open.set(None);
                    notice.set(Some(match mode {
                        Mode::Create => key!("units.created"),
                        Mode::Edit(_) => key!("units.saved"),
                    }));
                }
                Err(f) => {
                    errors.set(f.errors().to_vec());
                    busy.set(false);
                }
            }
        });
    };

    let set = move |apply: fn(&mut UnitDraft, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            form.update(|d| apply(d, v));
        }
    };
    let title = if editing.is_some() {
        key!("units.edit_title")
    } else {
        key!("units.new_title")
    };

    view! {
        <form id="unit-form" class="form action-panel" novalidate on:submit=on_submit>
            <h3>{move || i18n.t(title)}</h3>
            <div class="form-grid">
                <label class="field">
                    <span class="label">{move || i18n.t(key!("units.id"))}</span>
                    {match editing.clone() {
                        Some(id) => view! { <code class="unit-id">{id}</code> }.into_any(),
                        None => view! {
                            <input type="text" name="id" maxlength="64" autocomplete="off"
                                placeholder=move || i18n.t(key!("units.id.hint"))
                                prop:value=move || form.with(|d| d.id.clone())
                                on:input=set(|d, v| d.id = v)/>
                        }.into_any(),
                    }}
                    <ApiFieldErrors field="id" errors/>
                </label>
                <label class="field">
                    <span class="label">{move || i18n.t(key!("units.name"))}</span>
                    <input type="text" name="name" maxlength="100"
                        prop:value=move || form.with(|d| d.name.clone())
                        on:input=set(|d, v| d.name = v)/>
                    <ApiFieldErrors field="name" errors/>
                </label>
                <label class="field">
                    <span class="label">{move || i18n.t(key!("units.kind"))}</span>
                    <select name="kind" on:change=set(|d, v| d.kind = v)>
                        {UNIT_KINDS.into_iter().map(|code| view! {
                            <option value=code selected=move || form.with(|d| d.kind == code)>{move || unit_kind_label(i18n, code)}</option>
                        }).collect_view()}
                    </select>
                    <ApiFieldErrors field="kind" errors/>
                </label>
                <label class="field">
                    <span class="label">{move || i18n.t(key!("units.parent"))}</span>
                    <select name="parent" on:change=set(|d, v| d.parent = Some(v).filter(|p| !p.is_empty()))>
                        <option value="" selected=move || form.with(|d| d.parent.is_none())>{move || i18n.t(key!("units.no_parent"))}</option>
                        {move || {
                            let all = units.get();
                            let own = own_id.clone();
                            unit_options(&all, |u| own.as_deref().is_some_and(|o| within(&all, &u.id, o)))
                                .into_iter()
                                .map(|(id, label)| {
                                    let chosen = id.clone();
                                    view! { <option value=id selected=move || form.with(|d| d.parent.as_deref() == Some(chosen.as_str()))>{label}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                    <ApiFieldErrors field="parent" errors/>
                </label>
                <label class="field">
                    <span class="label">{move || i18n.t(key!("units.division_optional"))}</span>
                    <input type="text" name="division" maxlength="6" inputmode="numeric"
                        prop:value=move || form.with(|d| d.division.clone().unwrap_or_default())
                        on:input=set(|d, v| d.division = Some(v))/>
                    <span class="hint division-name">
                        {move || form.with(|d| d.division.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(|c| {
                            c.parse::<DivisionCode>().map_or_else(|_| i18n.t(key!("units.division_unknown")).to_owned(), |dc| dc.division().full_name())
                        }))}
                    </span>
                    <ApiFieldErrors field="division" errors/>
                </label>
            </div>
            <label class="field field-wide">
                <span class="label">{move || i18n.t(key!("admin.reason"))}</span>
                <input type="text" name="reason" maxlength="200"
                    prop:value=move || form.with(|d| d.reason.clone())
                    on:input=set(|d, v| d.reason = v)/>
                <ApiFieldErrors field="reason" errors/>
            </label>
            <OtherErrors fields=UNIT_FIELDS errors/>
            <div class="actions">
                <button type="submit" class="btn btn-primary" id="save-unit" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(key!("common.saving")) } else { i18n.t(key!("admin.save")) }}
                </button>
                <button type="button" class="btn" on:click=move |_| open.set(None)>{move || i18n.t(key!("action.cancel"))}</button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_is_within_itself_and_its_ancestors_only() {
        let u = |id: &str, parent: Option<&str>| UnitView {
            id: id.into(),
            name: id.into(),
            kind: "government".into(),
            parent: parent.map(Into::into),
            division: None,
        };
        let units = vec![
            u("a", None),
            u("b", Some("a")),
            u("c", Some("b")),
            u("d", None),
        ];
        assert!(within(&units, "c", "a"));
        assert!(within(&units, "b", "b"));
        assert!(!within(&units, "a", "b"));
        assert!(!within(&units, "d", "a"));
        let cycle = vec![u("x", Some("y")), u("y", Some("x"))];
        assert!(!within(&cycle, "x", "z"));
    }
}
