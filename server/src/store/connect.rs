//! Connected systems: the API clients (`hotline` for a 12345 platform, `open311`).

use duban_api::AuditEntry;

use super::sql::{Cols, Db, sql};
use super::{ApiClientRecord, SqlStore, StoreError, StoreResult};

const COLUMNS: &str = "id, name, kind, key_hash, disabled, created_at";

fn api_client_of<DB: Db>(r: &Cols<DB>) -> sqlx::Result<ApiClientRecord> {
    Ok(ApiClientRecord {
        id: r.get(0)?,
        name: r.get(1)?,
        kind: r.get(2)?,
        key_hash: r.get(3)?,
        disabled: r.get::<i64>(4)? != 0,
        created_at: r.get(5)?,
    })
}

impl<DB: Db> SqlStore<DB> {
    pub(super) async fn insert_api_client(
        &self,
        c: &ApiClientRecord,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sql::<DB>(
            "INSERT INTO api_clients (id, name, kind, key_hash, disabled, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&c.id)
        .bind(&c.name)
        .bind(&c.kind)
        .bind(&c.key_hash)
        .bind(i64::from(c.disabled))
        .bind(c.created_at)
        .execute(&mut tx)
        .await?;
        super::audit::entry::<DB>(audit).execute(&mut tx).await?;
        Self::commit(tx).await
    }

    pub(super) async fn api_client_by_key_hash(
        &self,
        key_hash: &str,
    ) -> StoreResult<Option<ApiClientRecord>> {
        let text =
            format!("SELECT {COLUMNS} FROM api_clients WHERE key_hash = $1 AND disabled = 0");
        let row = sql::<DB>(sqlx::AssertSqlSafe(text))
            .bind(key_hash)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(api_client_of).transpose()?)
    }

    pub(super) async fn api_clients(&self) -> StoreResult<Vec<ApiClientRecord>> {
        let text = format!("SELECT {COLUMNS} FROM api_clients ORDER BY created_at, id");
        let rows = sql::<DB>(sqlx::AssertSqlSafe(text))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(api_client_of)
            .collect::<sqlx::Result<_>>()?)
    }

    pub(super) async fn set_api_client_disabled(
        &self,
        id: &str,
        disabled: bool,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        let done = sql::<DB>("UPDATE api_clients SET disabled = $2 WHERE id = $1")
            .bind(id)
            .bind(i64::from(disabled))
            .execute(&mut tx)
            .await?;
        if done != 1 {
            return Err(StoreError::NotFound(id.to_owned()));
        }
        super::audit::entry::<DB>(audit).execute(&mut tx).await?;
        Self::commit(tx).await
    }
}
