//! Who is signed in: `GET /api/v1/auth/me`, asked once by the shell and shared as
//! context, so that the navigation and the pages can show what the role may use. The
//! server checks every request anyway; this only hides what would be refused.

use duban_api::Me;
use duban_api::session::CurrentUser as CurrentUserEp;
use duban_text::key;
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::i18n::Lang;

/// Roles that may see a complainant's full contact details (handlers only within their
/// jurisdiction, which the server checks).
pub const CONTACT_ROLES: &[&str] = &["admin", "coordinator", "handler"];
/// Roles that may read a case's audit trail.
pub const CASE_AUDIT_ROLES: &[&str] = &["admin", "coordinator"];
/// Roles that may see routing proposals and dispatch (one case or a whole batch).
pub const DISPATCH_ROLES: &[&str] = &["admin", "coordinator"];

/// The signed-in user, provided as context by [`provide_current_user`]. `Copy`.
#[derive(Clone, Copy, Debug)]
pub struct CurrentUser {
    me: RwSignal<Option<Me>>,
}

impl CurrentUser {
    /// The user, once known (tracked).
    pub fn get(&self) -> Option<Me> {
        self.me.get()
    }

    /// The user, once known, without tracking (for event handlers and tasks).
    pub fn get_untracked(&self) -> Option<Me> {
        self.me.get_untracked()
    }

    /// The role code, once known (tracked).
    pub fn role(&self) -> Option<String> {
        self.me
            .with(|m| m.as_ref().map(|m| m.role.code().to_owned()))
    }

    /// Whether the user is known and has one of `roles` (tracked).
    pub fn has_role(&self, roles: &[&str]) -> bool {
        self.me
            .with(|m| m.as_ref().is_some_and(|m| roles.contains(&m.role.code())))
    }
}

/// Asks the server who is signed in and provides the answer as context. Without a
/// session the call leads to the sign-in page (see `api::call`).
pub fn provide_current_user(lang: Lang) -> CurrentUser {
    let user = CurrentUser {
        me: RwSignal::new(None),
    };
    provide_context(user);
    spawn_local(async move {
        match crate::api::call::<CurrentUserEp>(&(), &(), &(), lang).await {
            Ok(m) => {
                let _ = LocalStorage::set(ME_KEY, &m);
                user.me.set(Some(m));
            }
            // Offline: who signed in here last, so that the forms open; the server
            // checks the session again when the outbox is sent.
            Err(f) if f.status == 0 => {
                user.me.set(LocalStorage::get::<Me>(ME_KEY).ok());
            }
            Err(_) => LocalStorage::delete(ME_KEY),
        }
    });
    user
}

/// Where the last signed-in user is kept for offline use (cleared on sign-out).
const ME_KEY: &str = "duban.me";

/// Forget the user kept for offline use (on sign-out).
pub fn forget_offline_user() {
    LocalStorage::delete(ME_KEY);
}

/// The [`CurrentUser`] context. Panics if [`provide_current_user`] was not called above.
pub fn use_current_user() -> CurrentUser {
    expect_context::<CurrentUser>()
}

/// How long before the idle end the warning shows (ms).
const WARN_BEFORE_MS: f64 = 120_000.0;
/// How often the server is asked, once this tab's count has run out, whether it has
/// ended the session (it may end it up to a minute later than the count).
const ASK_EVERY_MS: f64 = 10_000.0;

/// The warning shown two minutes before the server ends a session left unused (the
/// idle time comes with [`Me`]); "stay signed in" is a request of the user's, which
/// keeps the session. Polling does not count as use, in the server or here. At the end
/// the sign-in page says why it shows; drafts are kept in the browser meanwhile.
#[component]
pub fn IdleWarning() -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    let user = use_current_user();
    // Seconds left while the warning shows.
    let left = RwSignal::new(None::<i64>);
    let next_ask = StoredValue::new(0.0_f64);
    let tick = move || {
        let idle = user
            .get_untracked()
            .map_or(0, |m| m.idle_seconds)
            .min(u64::from(u32::MAX));
        let last = crate::api::last_activity_ms();
        if idle == 0 || last <= 0.0 {
            left.set(None);
            return;
        }
        let now = leptos::web_sys::js_sys::Date::now();
        // `idle` fits in u32 (above), so the float is exact.
        #[allow(clippy::cast_precision_loss)]
        let remaining = last + idle as f64 * 1000.0 - now;
        if remaining > WARN_BEFORE_MS {
            left.set(None);
            return;
        }
        #[allow(clippy::cast_possible_truncation)]
        left.set(Some((remaining.max(0.0) / 1000.0).ceil() as i64));
        if remaining <= 0.0 && now >= next_ask.get_value() {
            next_ask.set_value(now + ASK_EVERY_MS);
            let lang = i18n.lang_untracked();
            spawn_local(async move {
                let asked = crate::api::call_with::<CurrentUserEp>(
                    &(),
                    &(),
                    &(),
                    crate::api::Use::Background.into(),
                    lang,
                )
                .await;
                if asked.is_err_and(|f| f.status == 401) {
                    crate::api::to_login(true);
                }
            });
        }
    };
    if let Ok(handle) = set_interval_with_handle(tick, std::time::Duration::from_secs(1)) {
        on_cleanup(move || handle.clear());
    }
    let stay = move |_| {
        let lang = i18n.lang_untracked();
        spawn_local(async move {
            // Any answer but 401 has recorded the use (and 401 leads to sign-in).
            let _ = crate::api::call::<CurrentUserEp>(&(), &(), &(), lang).await;
            left.set(None);
        });
    };
    view! {
        <Show when=move || left.get().is_some()>
            <div class="banner banner-warn idle-warning" id="idle-warning" role="alertdialog"
                data-left=move || left.get().unwrap_or(0)>
                <p>
                    {move || i18n.t(key!("idle.warning"))}
                    " "
                    <span id="idle-left">{move || {
                        let s = left.get().unwrap_or(0);
                        format!("{}:{:02}", s / 60, s % 60)
                    }}</span>
                </p>
                <button type="button" class="btn btn-primary" id="idle-stay" on:click=stay>
                    {move || i18n.t(key!("idle.stay"))}
                </button>
            </div>
        </Show>
    }
}
