//! An account's sessions on `/admin/users` (会话): where and when it is signed in, and
//! the buttons that end one session or all of them (the server audits both).

use duban_api::ApiError;
use duban_api::keys::UserKey;
use duban_api::sessions::SessionView;
use duban_api::sessions::{EndUserSession, EndUserSessions, ListUserSessions, SessionKey};
use duban_text::Key;
use duban_text::key;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::field_errors::OtherErrors;
use crate::format::local_time;
use crate::i18n::use_i18n;

#[component]
pub(super) fn UserSessions(user_id: String, notice: RwSignal<Option<Key>>) -> impl IntoView {
    let i18n = use_i18n();
    let sessions = RwSignal::new(None::<Vec<SessionView>>);
    let errors = RwSignal::new(Vec::<ApiError>::new());
    let busy = RwSignal::new(false);
    let user = StoredValue::new(UserKey::new(&*user_id));

    let load = move || {
        let lang = i18n.lang_untracked();
        spawn_local(async move {
            match api::call::<ListUserSessions>(&user.get_value(), &(), &(), lang).await {
                Ok(list) => sessions.set(Some(list)),
                Err(f) => errors.set(f.errors().to_vec()),
            }
        });
    };
    load();
    // `None`: every session of the account.
    let end = move |one: Option<String>| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        notice.set(None);
        let lang = i18n.lang_untracked();
        let id = user.get_value().id;
        spawn_local(async move {
            let ended = match one {
                Some(session_id) => {
                    let key = SessionKey { id, session_id };
                    api::call::<EndUserSession>(&key, &(), &(), lang).await
                }
                None => api::call::<EndUserSessions>(&UserKey::new(id), &(), &(), lang).await,
            };
            match ended {
                Ok(_) => {
                    errors.set(Vec::new());
                    notice.set(Some(key!("users.sessions.ended")));
                    load();
                }
                Err(f) => errors.set(f.errors().to_vec()),
            }
            busy.set(false);
        });
    };

    view! {
        <div class="user-sessions" data-user=user_id.clone()>
            <div class="page-head">
                <h3>{move || i18n.t(key!("users.sessions"))}</h3>
                <button type="button" class="btn btn-danger" id="end-all-sessions"
                    disabled=move || busy.get() || sessions.with(|s| s.as_ref().is_none_or(Vec::is_empty))
                    on:click=move |_| end(None)>
                    {move || i18n.t(key!("users.sessions.end_all"))}
                </button>
            </div>
            <OtherErrors fields=&[] errors/>
            <table class="data-table session-table">
                <thead>
                    <tr>
                        <th>{move || i18n.t(key!("users.sessions.created"))}</th>
                        <th>{move || i18n.t(key!("users.sessions.last_seen"))}</th>
                        <th>{move || i18n.t(key!("users.sessions.expires"))}</th>
                        <th>{move || i18n.t(key!("users.sessions.from"))}</th>
                        <th>{move || i18n.t(key!("admin.col.actions"))}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || sessions.get().unwrap_or_default().into_iter().map(|s| {
                        let id = s.id.clone();
                        view! {
                            <tr class="session-row" data-id=s.id.clone()>
                                <td class="nowrap">{local_time(s.created_at)}</td>
                                <td class="nowrap">{local_time(s.last_seen_at)}</td>
                                <td class="nowrap">{local_time(s.expires_at)}</td>
                                <td>
                                    <span class="nowrap">{s.ip.clone()}</span>
                                    " "
                                    <span class="muted">{s.user_agent.clone()}</span>
                                </td>
                                <td class="nowrap">
                                    <button type="button" class="btn btn-small end-session"
                                        disabled=move || busy.get()
                                        on:click=move |_| end(Some(id.clone()))>
                                        {move || i18n.t(key!("users.sessions.end"))}
                                    </button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                    <Show when=move || sessions.with(|s| s.as_ref().is_some_and(Vec::is_empty))>
                        <tr><td class="empty" colspan="5">{move || i18n.t(key!("users.sessions.none"))}</td></tr>
                    </Show>
                </tbody>
            </table>
        </div>
    }
}
