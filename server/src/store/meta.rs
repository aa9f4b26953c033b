//! Small keyed state: meta values, configuration (audited), rule sets, reference serials
//! and named counters.

use duban_api::AuditEntry;
use duban_sla::RuleSet;

use super::sql::{Db, like_escape, sql};
use super::{SqlStore, StoreError, StoreResult};

/// Add one to a named counter (routing statistics).
pub(super) const BUMP_COUNTER: &str = "INSERT INTO counters (name, value) VALUES ($1, 1) \
    ON CONFLICT (name) DO UPDATE SET value = counters.value + 1";
const NEXT_SERIALS: &str = "INSERT INTO counters (name, value) VALUES ($1, $2) \
    ON CONFLICT (name) DO UPDATE SET value = counters.value + $2 RETURNING value";
const SET_META: &str =
    "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2";

impl<DB: Db> SqlStore<DB> {
    /// Take the next `n` (at least one) serials of counter `name`; the first one.
    pub(super) async fn next_serials(
        tx: &mut sqlx::Transaction<'static, DB>,
        name: &str,
        n: i64,
    ) -> StoreResult<i64> {
        let n = n.max(1);
        let last: i64 = sql::<DB>(NEXT_SERIALS)
            .bind(name)
            .bind(n)
            .scalar(&mut *tx)
            .await?;
        Ok(last - n + 1)
    }

    pub(super) async fn reserve_serials(&self, name: &str, n: i64) -> StoreResult<i64> {
        let name = name.to_owned();
        self.writer
            .write(move |tx| Box::pin(async move { Self::next_serials(tx, &name, n).await }))
            .await
    }

    pub(super) async fn counters(&self, prefix: &str) -> StoreResult<Vec<(String, i64)>> {
        let rows = sql::<DB>(
            "SELECT name, value FROM counters WHERE name LIKE $1 ESCAPE '\\' ORDER BY name",
        )
        .bind(format!("{}%", like_escape(prefix)))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| Ok((r.get(0)?, r.get(1)?)))
            .collect::<sqlx::Result<_>>()?)
    }

    pub(super) async fn meta(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(sql::<DB>("SELECT value FROM meta WHERE key = $1")
            .bind(key)
            .scalar_optional(&self.pool)
            .await?)
    }

    pub(super) async fn set_meta(&self, key: &str, value: &str) -> StoreResult<()> {
        sql::<DB>(SET_META)
            .bind(key)
            .bind(value)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub(super) async fn set_config(
        &self,
        key: &str,
        value: &str,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sql::<DB>(SET_META)
            .bind(key)
            .bind(value)
            .execute(&mut tx)
            .await?;
        super::audit::entry::<DB>(audit).execute(&mut tx).await?;
        Self::commit(tx).await
    }

    pub(super) async fn rule_sets(&self) -> StoreResult<Vec<RuleSet>> {
        let rows: Vec<String> = sql::<DB>("SELECT body FROM rule_sets ORDER BY id")
            .scalars(&self.pool)
            .await?;
        rows.iter().map(|s| Ok(serde_json::from_str(s)?)).collect()
    }

    pub(super) async fn seed_rule_set(&self, set: &RuleSet, now_ms: i64) -> StoreResult<()> {
        sql::<DB>("INSERT INTO rule_sets (id, body, updated_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING")
            .bind(set.id())
            .bind(serde_json::to_string(set)?)
            .bind(now_ms)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub(super) async fn save_rule_set(
        &self,
        set: &RuleSet,
        now_ms: i64,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        let done = sql::<DB>("UPDATE rule_sets SET body = $2, updated_at = $3 WHERE id = $1")
            .bind(set.id())
            .bind(serde_json::to_string(set)?)
            .bind(now_ms)
            .execute(&mut tx)
            .await?;
        if done != 1 {
            return Err(StoreError::NotFound(set.id().to_owned()));
        }
        super::audit::entry::<DB>(audit).execute(&mut tx).await?;
        Self::commit(tx).await
    }
}
