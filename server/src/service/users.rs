use crate::text::Text;
use duban_api::UnitView;
use duban_divisions::DivisionCode;

use crate::policy::Actor;
use crate::service::AppState;
use crate::service::Who;

impl AppState {
    /// Create an account. The username is 2-32 letters, digits, `.`, `_` or `-`; the
    /// password passes [`check_password`]; a unit, if given, must exist, and a handler
    /// needs one.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_user(
        &self,
        username: &str,
        display_name: &str,
        role: crate::auth::Role,
        unit_id: Option<&str>,
        password: &str,
        by: &Who,
        reason: &str,
    ) -> Result<crate::store::UserRecord, UserError> {
        let username = username.trim();
        let ok = (2..=32).contains(&username.len())
            && username
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if !ok {
            return Err(UserError::invalid("username", Text::UsernameInvalid));
        }
        check_password(password, username)?;
        let unit_id = unit_id.map(str::trim).filter(|u| !u.is_empty());
        if let Some(u) = unit_id
            && !self.unit_exists(u)
        {
            return Err(UserError::invalid("unit_id", Text::UnitUnknown));
        }
        if role == crate::auth::Role::Handler && unit_id.is_none() {
            return Err(UserError::invalid("unit_id", Text::UnitRequired));
        }
        let display_name = display_name.trim();
        if display_name.chars().count() > 50 {
            return Err(UserError::invalid("display_name", Text::DisplayNameTooLong));
        }
        let hash = crate::auth::hash_password(password)
            .map_err(|_| UserError::invalid("password", Text::PasswordInvalid))?;
        let user = crate::store::UserRecord {
            id: uuid::Uuid::now_v7().to_string(),
            username: username.to_owned(),
            display_name: if display_name.is_empty() {
                username.to_owned()
            } else {
                display_name.to_owned()
            },
            role: role.code().to_owned(),
            unit_id: unit_id.map(str::to_owned),
            password_hash: hash,
            disabled: false,
        };
        let now = self.now();
        let audit = by.entry(
            now,
            "user.create",
            None,
            &user.username,
            reason,
            serde_json::json!({ "role": user.role, "unit_id": user.unit_id }),
        );
        self.store
            .insert_user(&user, now.timestamp_millis(), &audit)
            .await
            .map_err(|e| match e {
                crate::store::StoreError::Duplicate(_) => {
                    UserError::invalid("username", Text::UsernameTaken)
                }
                e => UserError::Store(e),
            })?;
        Ok(user)
    }

    /// Change an account as an administrator asked, recording why. Nobody can disable
    /// themselves or take away their own administrator role.
    pub async fn update_user(
        &self,
        id: &str,
        patch: &duban_api::UserPatch,
        by: &Actor,
    ) -> Result<crate::store::UserRecord, UserError> {
        let reason = patch.reason.trim();
        if reason.is_empty() {
            return Err(UserError::invalid("reason", Text::ReasonRequired));
        }
        let mut user = self.existing_user(id).await?;
        let mut changed = serde_json::Map::new();
        if let Some(name) = &patch.display_name {
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 50 {
                return Err(UserError::invalid("display_name", Text::DisplayNameInvalid));
            }
            changed.insert("display_name".into(), name.into());
            user.display_name = name.to_owned();
        }
        if let Some(role) = &patch.role {
            let role = *role
                .known()
                .map_err(|_| UserError::invalid("role", Text::RoleUnknown))?;
            changed.insert("role".into(), role.code().into());
            user.role = role.code().to_owned();
        }
        if let Some(unit) = &patch.unit_id {
            let unit = unit.trim();
            if !unit.is_empty() && !self.unit_exists(unit) {
                return Err(UserError::invalid("unit_id", Text::UnitUnknown));
            }
            changed.insert("unit_id".into(), unit.into());
            user.unit_id = (!unit.is_empty()).then(|| unit.to_owned());
        }
        if user.role == crate::auth::Role::Handler.code() && user.unit_id.is_none() {
            return Err(UserError::invalid("unit_id", Text::UnitRequired));
        }
        if let Some(disabled) = patch.disabled {
            changed.insert("disabled".into(), disabled.into());
            user.disabled = disabled;
        }
        let mut end_sessions = user.disabled;
        if let Some(pw) = &patch.password {
            check_password(pw, &user.username)?;
            user.password_hash = crate::auth::hash_password(pw)
                .map_err(|_| UserError::invalid("password", Text::PasswordInvalid))?;
            // Only the fact of a reset is recorded, never the password.
            changed.insert("password".into(), "reset".into());
            end_sessions = true;
        }
        if user.id == by.user.id && (user.disabled || user.role != crate::auth::Role::Admin.code())
        {
            return Err(UserError::invalid("id", Text::UserSelfLockout));
        }
        let audit = by.who.entry(
            self.now(),
            "user.update",
            None,
            &user.username,
            reason,
            serde_json::Value::Object(changed),
        );
        self.store
            .update_user(&user, end_sessions, &audit)
            .await
            .map_err(UserError::Store)?;
        Ok(user)
    }

    /// A user's live sessions, most recently used first.
    pub async fn user_sessions(
        &self,
        id: &str,
    ) -> Result<Vec<duban_api::sessions::SessionView>, UserError> {
        let user = self.existing_user(id).await?;
        let now = self.now();
        let sessions = self
            .store
            .sessions_of(&user.id, now.timestamp_millis())
            .await
            .map_err(UserError::Store)?;
        let at = |ms: i64| chrono::DateTime::from_timestamp_millis(ms).unwrap_or(now);
        Ok(sessions
            .into_iter()
            .filter(|r| {
                // Ended by the idle time, though not yet swept.
                crate::auth::session_use(at(r.last_seen_ms), now, self.idle_timeout, true)
                    != crate::auth::SessionUse::Idle
            })
            .map(|r| duban_api::sessions::SessionView {
                created_at: at(r.created_ms),
                last_seen_at: at(r.last_seen_ms),
                expires_at: at(r.expires_ms),
                id: r.id,
                user_agent: r.user_agent,
                ip: r.ip,
            })
            .collect())
    }

    /// End a user's sessions, all or the one `session_id` names, as an administrator
    /// asked (audited); how many ended.
    pub async fn end_user_sessions(
        &self,
        id: &str,
        session_id: Option<&str>,
        by: &Who,
    ) -> Result<u64, UserError> {
        let user = self.existing_user(id).await?;
        let audit = by.entry(
            self.now(),
            "user.end_sessions",
            None,
            &user.username,
            "",
            serde_json::json!({ "session_id": session_id }),
        );
        self.store
            .end_sessions(&user.id, session_id, &audit)
            .await
            .map_err(|e| match e {
                crate::store::StoreError::NotFound(_) => {
                    UserError::invalid("session_id", Text::SessionNotFound)
                }
                e => UserError::Store(e),
            })
    }

    async fn existing_user(&self, id: &str) -> Result<crate::store::UserRecord, UserError> {
        self.store
            .user_by_id(id)
            .await
            .map_err(UserError::Store)?
            .ok_or(UserError::invalid("id", Text::UserNotFound))
    }

    /// Add a unit to the tree (`id` given) or change one (`existing`), recording why.
    pub async fn save_unit(
        &self,
        existing: Option<&str>,
        d: &duban_api::UnitDraft,
        by: &Who,
    ) -> Result<UnitView, UserError> {
        let reason = d.reason.trim();
        if reason.is_empty() {
            return Err(UserError::invalid("reason", Text::ReasonRequired));
        }
        let id = existing.unwrap_or(d.id.trim()).to_owned();
        let id_ok = (2..=40).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if existing.is_none() && !id_ok {
            return Err(UserError::invalid("id", Text::UnitIdInvalid));
        }
        if existing.is_some() && !self.unit_exists(&id) {
            return Err(UserError::invalid("id", Text::UnitNotFound));
        }
        let name = d.name.trim();
        if name.chars().count() < 2 || name.chars().count() > 60 {
            return Err(UserError::invalid("name", Text::UnitNameInvalid));
        }
        if !duban_api::UNIT_KINDS.contains(&d.kind.trim()) {
            return Err(UserError::invalid("kind", Text::UnitKindUnknown));
        }
        let parent = d.parent.as_deref().map(str::trim).filter(|p| !p.is_empty());
        if let Some(p) = parent {
            if !self.unit_exists(p) {
                return Err(UserError::invalid("parent", Text::UnitParentUnknown));
            }
            // A unit cannot sit below itself or its own descendants.
            if existing.is_some() && self.subtree(&id).iter().any(|u| u == p) {
                return Err(UserError::invalid("parent", Text::UnitParentCycle));
            }
        }
        let division = match d
            .division
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            Some(v) => Some(
                v.parse::<DivisionCode>()
                    .map_err(|_| UserError::invalid("division", Text::DivisionUnknown))?
                    .as_str(),
            ),
            None => None,
        };
        let unit = UnitView {
            id: id.clone(),
            name: name.to_owned(),
            kind: d.kind.trim().to_owned(),
            parent: parent.map(str::to_owned),
            division,
        };
        let before = self.units.read().ok().and_then(|m| m.get(&id).cloned());
        let audit = by.entry(
            self.now(),
            if existing.is_some() {
                "unit.update"
            } else {
                "unit.create"
            },
            None,
            &id,
            reason,
            serde_json::json!({ "before": before, "after": unit }),
        );
        let stored = if existing.is_some() {
            self.store.update_unit(&unit, &audit).await
        } else {
            self.store.insert_unit(&unit, &audit).await
        };
        stored.map_err(|e| match e {
            crate::store::StoreError::Duplicate(_) => UserError::invalid("id", Text::UnitIdTaken),
            crate::store::StoreError::NotFound(_) => UserError::invalid("id", Text::UnitNotFound),
            e => UserError::Store(e),
        })?;
        if let Ok(mut units) = self.units.write() {
            units.insert(id, unit.clone());
        }
        Ok(unit)
    }
}

/// A new password (not a sign-in's): at least [`MIN_PASSWORD_CHARS`] characters, at
/// most 256 bytes, and not easy to guess: not among the common passwords, not the
/// username, not one character repeated.
///
/// [`MIN_PASSWORD_CHARS`]: crate::auth::MIN_PASSWORD_CHARS
pub(crate) fn check_password(pw: &str, username: &str) -> Result<(), UserError> {
    if pw.chars().count() < crate::auth::MIN_PASSWORD_CHARS {
        return Err(UserError::invalid("password", Text::PasswordTooShort));
    }
    if pw.len() > 256 {
        return Err(UserError::invalid("password", Text::PasswordTooLong));
    }
    let mut chars = pw.chars();
    let repeated = chars.next().is_some_and(|first| chars.all(|c| c == first));
    if repeated
        || pw.trim().eq_ignore_ascii_case(username.trim())
        || crate::auth::is_common_password(pw)
    {
        return Err(UserError::invalid("password", Text::PasswordCommon));
    }
    Ok(())
}

/// A refused account or unit change.
#[derive(Debug)]
pub enum UserError {
    Invalid { field: &'static str, text: Text },
    Store(crate::store::StoreError),
}

impl UserError {
    pub(crate) fn invalid(field: &'static str, text: Text) -> UserError {
        UserError::Invalid { field, text }
    }
}
