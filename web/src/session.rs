//! Who is signed in: `GET /api/v1/auth/me`, asked once by the shell and shared as
//! context, so that the navigation and the pages can show what the role may use. The
//! server checks every request anyway; this only hides what would be refused.

use duban_api::Me;
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
/// session the call leads to the sign-in page (see `api::get`).
pub fn provide_current_user(lang: Lang) -> CurrentUser {
    let user = CurrentUser {
        me: RwSignal::new(None),
    };
    provide_context(user);
    spawn_local(async move {
        match crate::api::get::<Me>("/api/v1/auth/me", lang).await {
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
