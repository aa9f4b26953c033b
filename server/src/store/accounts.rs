//! Accounts: users, their sessions, and the units they belong to.

use duban_api::{AuditEntry, UnitView};

use super::sql::{Cols, Db, sql};
use super::{
    LiveSession, NewSession, SessionRecord, SqlStore, StoreError, StoreResult, UserRecord,
};

const USER_COLUMNS: &str =
    "u.id, u.username, u.display_name, u.role, u.unit_id, u.password_hash, u.disabled";

/// A user from the first seven columns ([`USER_COLUMNS`]).
fn user_of<DB: Db>(r: &Cols<DB>) -> sqlx::Result<UserRecord> {
    Ok(UserRecord {
        id: r.get(0)?,
        username: r.get(1)?,
        display_name: r.get(2)?,
        role: r.get(3)?,
        unit_id: r.get(4)?,
        password_hash: r.get(5)?,
        disabled: r.get::<i64>(6)? != 0,
    })
}

impl<DB: Db> SqlStore<DB> {
    pub(super) async fn count_users(&self) -> StoreResult<u64> {
        let n: i64 = sql::<DB>("SELECT COUNT(*) FROM users")
            .scalar(&self.pool)
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    pub(super) async fn insert_user(
        &self,
        u: &UserRecord,
        now_ms: i64,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sql::<DB>(
            "INSERT INTO users (id, username, display_name, role, unit_id, password_hash, disabled, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&u.id)
        .bind(&u.username)
        .bind(&u.display_name)
        .bind(&u.role)
        .bind(&u.unit_id)
        .bind(&u.password_hash)
        .bind(i64::from(u.disabled))
        .bind(now_ms)
        .execute(&mut tx)
        .await?;
        super::audit::entry::<DB>(audit).execute(&mut tx).await?;
        Self::commit(tx).await
    }

    /// The user the one key column `column` (`id`, `username`) names.
    async fn user_where(&self, column: &str, value: &str) -> StoreResult<Option<UserRecord>> {
        let text = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.{column} = $1");
        let row = sql::<DB>(sqlx::AssertSqlSafe(text))
            .bind(value)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(user_of).transpose()?)
    }

    pub(super) async fn user_by_id(&self, id: &str) -> StoreResult<Option<UserRecord>> {
        self.user_where("id", id).await
    }

    pub(super) async fn user_by_username(&self, username: &str) -> StoreResult<Option<UserRecord>> {
        self.user_where("username", username).await
    }

    pub(super) async fn users(&self) -> StoreResult<Vec<UserRecord>> {
        let text = format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.username");
        let rows = sql::<DB>(sqlx::AssertSqlSafe(text))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(user_of).collect::<sqlx::Result<_>>()?)
    }

    pub(super) async fn update_user(
        &self,
        u: &UserRecord,
        end_sessions: bool,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        let done = sql::<DB>(
            "UPDATE users SET display_name = $2, role = $3, unit_id = $4, password_hash = $5, disabled = $6 \
             WHERE id = $1",
        )
        .bind(&u.id)
        .bind(&u.display_name)
        .bind(&u.role)
        .bind(&u.unit_id)
        .bind(&u.password_hash)
        .bind(i64::from(u.disabled))
        .execute(&mut tx)
        .await?;
        if done != 1 {
            return Err(StoreError::NotFound(u.id.clone()));
        }
        if end_sessions {
            sql::<DB>("DELETE FROM sessions WHERE user_id = $1")
                .bind(&u.id)
                .execute(&mut tx)
                .await?;
        }
        super::audit::entry::<DB>(audit).execute(&mut tx).await?;
        Self::commit(tx).await
    }

    pub(super) async fn insert_session(&self, n: &NewSession<'_>) -> StoreResult<()> {
        sql::<DB>(
            "INSERT INTO sessions (token_hash, id, user_id, csrf_token, created_at, last_seen_at, expires_at, user_agent, ip) \
             VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8)",
        )
        .bind(n.token_hash)
        .bind(n.id)
        .bind(n.user_id)
        .bind(n.csrf)
        .bind(n.now_ms)
        .bind(n.expires_ms)
        .bind(n.user_agent)
        .bind(n.ip)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub(super) async fn session(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> StoreResult<Option<LiveSession>> {
        let text = format!(
            "SELECT {USER_COLUMNS}, s.csrf_token, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0"
        );
        let row = sql::<DB>(sqlx::AssertSqlSafe(text))
            .bind(token_hash)
            .bind(now_ms)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row
            .map(|r| {
                Ok::<_, sqlx::Error>(LiveSession {
                    user: user_of(&r)?,
                    csrf: r.get(7)?,
                    last_seen_ms: r.get(8)?,
                })
            })
            .transpose()?)
    }

    pub(super) async fn touch_session(&self, token_hash: &str, now_ms: i64) -> StoreResult<()> {
        // Never backwards: two requests of one session may race.
        sql::<DB>(
            "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $2",
        )
        .bind(token_hash)
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub(super) async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sql::<DB>("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub(super) async fn delete_expired_sessions(
        &self,
        now_ms: i64,
        idle_before_ms: i64,
    ) -> StoreResult<u64> {
        Ok(
            sql::<DB>("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at < $2")
                .bind(now_ms)
                .bind(idle_before_ms)
                .execute(&self.pool)
                .await?,
        )
    }

    pub(super) async fn sessions_of(
        &self,
        user_id: &str,
        now_ms: i64,
    ) -> StoreResult<Vec<SessionRecord>> {
        let rows = sql::<DB>(
            "SELECT id, created_at, last_seen_at, expires_at, user_agent, ip FROM sessions \
             WHERE user_id = $1 AND expires_at > $2 ORDER BY last_seen_at DESC, id",
        )
        .bind(user_id)
        .bind(now_ms)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| {
                Ok(SessionRecord {
                    id: r.get(0)?,
                    created_ms: r.get(1)?,
                    last_seen_ms: r.get(2)?,
                    expires_ms: r.get(3)?,
                    user_agent: r.get(4)?,
                    ip: r.get(5)?,
                })
            })
            .collect::<sqlx::Result<_>>()?)
    }

    pub(super) async fn end_sessions(
        &self,
        user_id: &str,
        session_id: Option<&str>,
        audit: &AuditEntry,
    ) -> StoreResult<u64> {
        let mut tx = self.pool.begin().await?;
        let ended = match session_id {
            Some(id) => {
                sql::<DB>("DELETE FROM sessions WHERE user_id = $1 AND id = $2")
                    .bind(user_id)
                    .bind(id)
                    .execute(&mut tx)
                    .await?
            }
            None => {
                sql::<DB>("DELETE FROM sessions WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut tx)
                    .await?
            }
        };
        if let (Some(id), 0) = (session_id, ended) {
            return Err(StoreError::NotFound(id.to_owned()));
        }
        super::audit::entry::<DB>(audit).execute(&mut tx).await?;
        Self::commit(tx).await?;
        Ok(ended)
    }

    pub(super) async fn units(&self) -> StoreResult<Vec<UnitView>> {
        let rows =
            sql::<DB>("SELECT id, name, kind, parent, division FROM units ORDER BY sort, id")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .iter()
            .map(|r| {
                Ok(UnitView {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    kind: r.get(2)?,
                    parent: r.get(3)?,
                    division: r.get(4)?,
                })
            })
            .collect::<sqlx::Result<_>>()?)
    }

    pub(super) async fn upsert_unit(&self, u: &UnitView, sort: i64) -> StoreResult<()> {
        sql::<DB>(
            "INSERT INTO units (id, name, kind, parent, division, sort) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(&u.id)
        .bind(&u.name)
        .bind(&u.kind)
        .bind(&u.parent)
        .bind(&u.division)
        .bind(sort)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub(super) async fn insert_unit(&self, u: &UnitView, audit: &AuditEntry) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sql::<DB>(
            "INSERT INTO units (id, name, kind, parent, division, sort) \
             VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(MAX(sort), 0) + 1 FROM units))",
        )
        .bind(&u.id)
        .bind(&u.name)
        .bind(&u.kind)
        .bind(&u.parent)
        .bind(&u.division)
        .execute(&mut tx)
        .await?;
        super::audit::entry::<DB>(audit).execute(&mut tx).await?;
        Self::commit(tx).await
    }

    pub(super) async fn update_unit(&self, u: &UnitView, audit: &AuditEntry) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        let done = sql::<DB>(
            "UPDATE units SET name = $2, kind = $3, parent = $4, division = $5 WHERE id = $1",
        )
        .bind(&u.id)
        .bind(&u.name)
        .bind(&u.kind)
        .bind(&u.parent)
        .bind(&u.division)
        .execute(&mut tx)
        .await?;
        if done != 1 {
            return Err(StoreError::NotFound(u.id.clone()));
        }
        super::audit::entry::<DB>(audit).execute(&mut tx).await?;
        Self::commit(tx).await
    }
}
