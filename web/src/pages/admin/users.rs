//! `/admin/users`: accounts (用户管理). Administrators list, create and change users;
//! every change carries a reason, which the server writes to the audit trail.

use duban_api::admin::{CreateUser, ListUnits, ListUsers, UpdateUser};
use duban_api::keys::UserKey;
use duban_api::{ApiError, UnitView, UserDraft, UserPatch, UserView};
use duban_text::Key;
use duban_text::key;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{AdminOnly, ROLES, role_label, unit_name, unit_options};
use crate::api;
use crate::components::field_errors::{ApiFieldErrors, OtherErrors, local_error};
use crate::i18n::use_i18n;

/// Fields of the user forms that show their own errors.
const USER_FIELDS: &[&str] = &[
    "username",
    "display_name",
    "role",
    "unit_id",
    "unit",
    "password",
    "disabled",
    "reason",
];

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    view! { <AdminOnly><UsersAdmin/></AdminOnly> }
}

#[component]
fn UsersAdmin() -> impl IntoView {
    let i18n = use_i18n();
    let users = RwSignal::new(Vec::<UserView>::new());
    let units = RwSignal::new(Vec::<UnitView>::new());
    let load_errors = RwSignal::new(Vec::<ApiError>::new());
    let loaded = RwSignal::new(false);
    let editing = RwSignal::new(None::<String>);
    // The account whose sessions show.
    let sessions_of = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<Key>);

    spawn_local(async move {
        let lang = i18n.lang_untracked();
        if let Ok(u) = api::call::<ListUnits>(&(), &(), &(), lang).await {
            units.set(u);
        }
        match api::call::<ListUsers>(&(), &(), &(), lang).await {
            Ok(u) => users.set(u),
            Err(f) => load_errors.set(f.errors().to_vec()),
        }
        loaded.set(true);
    });

    view! {
        <section>
            <div class="page-head">
                <h1>{move || i18n.t(key!("users.title"))}</h1>
                <span class="count">{move || format!("{} {}", i18n.t(key!("cases.total")), users.with(Vec::len))}</span>
            </div>
            <OtherErrors fields=&[] errors=load_errors/>
            {move || notice.get().map(|n| view! { <p class="banner banner-ok" id="admin-notice">{move || i18n.t(n)}</p> })}
            <table class="data-table" id="user-table">
                <thead>
                    <tr>
                        <th>{move || i18n.t(key!("login.username"))}</th>
                        <th>{move || i18n.t(key!("users.display_name"))}</th>
                        <th>{move || i18n.t(key!("users.role"))}</th>
                        <th>{move || i18n.t(key!("users.unit"))}</th>
                        <th>{move || i18n.t(key!("users.state"))}</th>
                        <th>{move || i18n.t(key!("admin.col.actions"))}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        let all_units = units.get();
                        let open = editing.get();
                        let showing = sessions_of.get();
                        users.get().into_iter().map(|u| {
                            let is_open = open.as_deref() == Some(u.id.as_str());
                            let sessions_open = showing.as_deref() == Some(u.id.as_str());
                            let id = u.id.clone();
                            let sessions_id = u.id.clone();
                            let role = u.role.code();
                            let disabled = u.disabled;
                            let unit = u.unit_id.as_deref().map_or_else(|| "—".to_owned(), |id| unit_name(&all_units, id));
                            let edit = u.clone();
                            view! {
                                <tr class="user-row" class:row-disabled=disabled data-id=u.id.clone() data-username=u.username.clone()>
                                    <td class="nowrap">{u.username.clone()}</td>
                                    <td>{u.display_name.clone()}</td>
                                    <td class="nowrap" data-role=role>{move || role_label(i18n, role)}</td>
                                    <td>{unit}</td>
                                    <td class="nowrap">
                                        {move || if disabled { i18n.t(key!("users.disabled")) } else { i18n.t(key!("users.active")) }}
                                    </td>
                                    <td class="nowrap">
                                        <button type="button" class="btn btn-small edit-user"
                                            on:click=move |_| toggle(editing, &id, notice)>
                                            {move || i18n.t(key!("admin.edit"))}
                                        </button>
                                        " "
                                        <button type="button" class="btn btn-small show-sessions"
                                            on:click=move |_| toggle(sessions_of, &sessions_id, notice)>
                                            {move || i18n.t(key!("users.sessions"))}
                                        </button>
                                    </td>
                                </tr>
                                {sessions_open.then(|| view! {
                                    <tr class="sessions-row">
                                        <td colspan="6"><super::sessions::UserSessions user_id=u.id.clone() notice/></td>
                                    </tr>
                                })}
                                {is_open.then(|| view! {
                                    <tr class="edit-row">
                                        <td colspan="6"><UserEditForm user=edit units users editing notice/></td>
                                    </tr>
                                })}
                            }
                        }).collect_view()
                    }}
                    <Show when=move || loaded.get() && users.with(Vec::is_empty)>
                        <tr><td class="empty" colspan="6">{move || i18n.t(key!("users.empty"))}</td></tr>
                    </Show>
                </tbody>
            </table>
            <h2>{move || i18n.t(key!("users.new"))}</h2>
            <UserCreateForm units users notice/>
        </section>
    }
}

/// Open the panel of the account `id` (its form or its sessions), or close it if open.
fn toggle(open: RwSignal<Option<String>>, id: &str, notice: RwSignal<Option<Key>>) {
    notice.set(None);
    open.update(|o| {
        *o = if o.as_deref() == Some(id) {
            None
        } else {
            Some(id.to_owned())
        };
    });
}

/// The unit `<select>` of the user forms: none, or any unit of the tree.
#[component]
fn UnitSelect(units: RwSignal<Vec<UnitView>>, value: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <select name="unit_id" on:change=move |ev| value.set(event_target_value(&ev))>
            <option value="" selected=move || value.with(String::is_empty)>{move || i18n.t(key!("users.no_unit"))}</option>
            {move || unit_options(&units.get(), |_| false).into_iter().map(|(id, label)| {
                let chosen = id.clone();
                view! { <option value=id selected=move || value.with(|v| *v == chosen)>{label}</option> }
            }).collect_view()}
        </select>
    }
}

/// The role `<select>` of the user forms.
#[component]
fn RoleSelect(value: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <select name="role" on:change=move |ev| value.set(event_target_value(&ev))>
            {ROLES.into_iter().map(|code| view! {
                <option value=code selected=move || value.with(|v| v == code)>{move || role_label(i18n, code)}</option>
            }).collect_view()}
        </select>
    }
}

#[component]
fn UserCreateForm(
    units: RwSignal<Vec<UnitView>>,
    users: RwSignal<Vec<UserView>>,
    notice: RwSignal<Option<Key>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let username = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let role = RwSignal::new("handler".to_owned());
    let unit = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<ApiError>::new());
    let busy = RwSignal::new(false);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        notice.set(None);
        if busy.get_untracked() {
            return;
        }
        if reason.with_untracked(|r| r.trim().is_empty()) {
            errors.set(vec![local_error(i18n, "reason", "reason.required")]);
            return;
        }
        let unit_id = unit.get_untracked();
        let body = UserDraft {
            username: username.get_untracked().trim().to_owned(),
            display_name: display_name.get_untracked().trim().to_owned(),
            role: role.get_untracked().into(),
            unit_id: (!unit_id.is_empty()).then_some(unit_id),
            password: password.get_untracked(),
            reason: reason.get_untracked().trim().to_owned(),
        };
        let lang = i18n.lang_untracked();
        busy.set(true);
        spawn_local(async move {
            match api::call::<CreateUser>(&(), &(), &body, lang).await {
                Ok(created) => {
                    users.update(|all| all.push(created));
                    errors.set(Vec::new());
                    for s in [username, display_name, unit, password, reason] {
                        s.set(String::new());
                    }
                    notice.set(Some(key!("users.created")));
                }
                Err(f) => errors.set(f.errors().to_vec()),
            }
            busy.set(false);
        });
    };

    view! {
        <form id="user-form" class="form action-panel" novalidate on:submit=on_submit>
            <div class="form-grid">
                <label class="field">
                    <span class="label">{move || i18n.t(key!("login.username"))}</span>
                    <input type="text" name="username" autocomplete="off" maxlength="64"
                        prop:value=move || username.get()
                        on:input=move |ev| username.set(event_target_value(&ev))/>
                    <ApiFieldErrors field="username" errors/>
                </label>
                <label class="field">
                    <span class="label">{move || i18n.t(key!("users.display_name"))}</span>
                    <input type="text" name="display_name" maxlength="50"
                        prop:value=move || display_name.get()
                        on:input=move |ev| display_name.set(event_target_value(&ev))/>
                    <ApiFieldErrors field="display_name" errors/>
                </label>
                <label class="field">
                    <span class="label">{move || i18n.t(key!("users.role"))}</span>
                    <RoleSelect value=role/>
                    <ApiFieldErrors field="role" errors/>
                </label>
                <label class="field">
                    <span class="label">{move || i18n.t(key!("users.unit"))}</span>
                    <UnitSelect units value=unit/>
                    <ApiFieldErrors field="unit_id" errors/>
                    <ApiFieldErrors field="unit" errors/>
                </label>
                <label class="field">
                    <span class="label">{move || i18n.t(key!("users.initial_password"))}</span>
                    <input type="password" name="password" autocomplete="new-password"
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev))/>
                    <ApiFieldErrors field="password" errors/>
                </label>
            </div>
            <label class="field field-wide">
                <span class="label">{move || i18n.t(key!("admin.reason"))}</span>
                <input type="text" name="reason" maxlength="200"
                    prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))/>
                <ApiFieldErrors field="reason" errors/>
            </label>
            <OtherErrors fields=USER_FIELDS errors/>
            <div class="actions">
                <button type="submit" class="btn btn-primary" id="create-user" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(key!("common.saving")) } else { i18n.t(key!("users.create")) }}
                </button>
            </div>
        </form>
    }
}

/// Changes to one account: only the fields that differ are sent, with the reason.
#[component]
fn UserEditForm(
    user: UserView,
    units: RwSignal<Vec<UnitView>>,
    users: RwSignal<Vec<UserView>>,
    editing: RwSignal<Option<String>>,
    notice: RwSignal<Option<Key>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let display_name = RwSignal::new(user.display_name.clone());
    let role = RwSignal::new(user.role.code().to_owned());
    let unit = RwSignal::new(user.unit_id.clone().unwrap_or_default());
    let disabled = RwSignal::new(user.disabled);
    let password = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<ApiError>::new());
    let busy = RwSignal::new(false);
    let original = StoredValue::new(user.clone());

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let before = original.get_value();
        let name = display_name.get_untracked().trim().to_owned();
        let new_role = role.get_untracked();
        let new_unit = unit.get_untracked();
        let new_disabled = disabled.get_untracked();
        let new_password = password.get_untracked();
        let patch = UserPatch {
            display_name: (name != before.display_name).then_some(name),
            role: (new_role != before.role.code()).then(|| new_role.into()),
            unit_id: (new_unit != before.unit_id.clone().unwrap_or_default()).then_some(new_unit),
            disabled: (new_disabled != before.disabled).then_some(new_disabled),
            password: (!new_password.is_empty()).then_some(new_password),
            reason: reason.get_untracked().trim().to_owned(),
        };
        let unchanged = patch.display_name.is_none()
            && patch.role.is_none()
            && patch.unit_id.is_none()
            && patch.disabled.is_none()
            && patch.password.is_none();
        let mut local = Vec::new();
        if unchanged {
            local.push(local_error(i18n, "", "users.no_change"));
        }
        if patch.reason.is_empty() {
            local.push(local_error(i18n, "reason", "reason.required"));
        }
        if !local.is_empty() {
            errors.set(local);
            return;
        }
        let lang = i18n.lang_untracked();
        let key = UserKey::new(&*before.id);
        busy.set(true);
        spawn_local(async move {
            match api::call::<UpdateUser>(&key, &(), &patch, lang).await {
                Ok(updated) => {
                    users.update(|all| {
                        if let Some(u) = all.iter_mut().find(|u| u.id == updated.id) {
                            *u = updated;
                        }
                    });
                    editing.set(None);
                    notice.set(Some(key!("users.saved")));
                }
                Err(f) => {
                    errors.set(f.errors().to_vec());
                    busy.set(false);
                }
            }
        });
    };

    view! {
        <form class="form user-edit" data-id=user.id.clone() novalidate on:submit=on_submit>
            <div class="form-grid">
                <label class="field">
                    <span class="label">{move || i18n.t(key!("users.display_name"))}</span>
                    <input type="text" name="display_name" maxlength="50"
                        prop:value=move || display_name.get()
                        on:input=move |ev| display_name.set(event_target_value(&ev))/>
                    <ApiFieldErrors field="display_name" errors/>
                </label>
                <label class="field">
                    <span class="label">{move || i18n.t(key!("users.role"))}</span>
                    <RoleSelect value=role/>
                    <ApiFieldErrors field="role" errors/>
                </label>
                <label class="field">
                    <span class="label">{move || i18n.t(key!("users.unit"))}</span>
                    <UnitSelect units value=unit/>
                    <ApiFieldErrors field="unit_id" errors/>
                    <ApiFieldErrors field="unit" errors/>
                </label>
                <label class="field">
                    <span class="label">{move || i18n.t(key!("users.reset_password"))}</span>
                    <input type="password" name="password" autocomplete="new-password"
                        placeholder=move || i18n.t(key!("users.reset_password.hint"))
                        on:input=move |ev| password.set(event_target_value(&ev))/>
                    <ApiFieldErrors field="password" errors/>
                </label>
                <label class="field field-check">
                    <input type="checkbox" name="disabled"
                        prop:checked=move || disabled.get()
                        on:change=move |ev| disabled.set(event_target_checked(&ev))/>
                    <span>{move || i18n.t(key!("users.disable"))}</span>
                </label>
            </div>
            <label class="field field-wide">
                <span class="label">{move || i18n.t(key!("admin.reason"))}</span>
                <input type="text" name="reason" maxlength="200"
                    on:input=move |ev| reason.set(event_target_value(&ev))/>
                <ApiFieldErrors field="reason" errors/>
            </label>
            <OtherErrors fields=USER_FIELDS errors/>
            <div class="actions">
                <button type="submit" class="btn btn-primary save-user" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(key!("common.saving")) } else { i18n.t(key!("admin.save")) }}
                </button>
                <button type="button" class="btn" on:click=move |_| editing.set(None)>{move || i18n.t(key!("action.cancel"))}</button>
            </div>
        </form>
    }
}
