//! Files attached to cases, their bytes in the database.

use duban_api::AuditEntry;

use super::sql::{Cols, Db, sql};
use super::{AttachmentRecord, SqlStore, StoreResult};

const COLUMNS: &str = "id, case_id, name, content_type, size, sha256, uploaded_by, uploaded_at";

/// An attachment from the first eight columns ([`COLUMNS`]).
fn attachment_of<DB: Db>(r: &Cols<DB>) -> sqlx::Result<AttachmentRecord> {
    Ok(AttachmentRecord {
        id: r.get(0)?,
        case_id: r.get(1)?,
        name: r.get(2)?,
        content_type: r.get(3)?,
        size: u64::try_from(r.get::<i64>(4)?).unwrap_or(0),
        sha256: r.get(5)?,
        uploaded_by: r.get(6)?,
        uploaded_at: chrono::DateTime::from_timestamp_millis(r.get(7)?).unwrap_or_default(),
    })
}

impl<DB: Db> SqlStore<DB> {
    pub(super) async fn insert_attachment(
        &self,
        a: &AttachmentRecord,
        data: &[u8],
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sql::<DB>(
            "INSERT INTO attachments (id, case_id, name, content_type, size, sha256, data, uploaded_by, uploaded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&a.id)
        .bind(&a.case_id)
        .bind(&a.name)
        .bind(&a.content_type)
        .bind(i64::try_from(a.size).unwrap_or(i64::MAX))
        .bind(&a.sha256)
        .bind(data)
        .bind(&a.uploaded_by)
        .bind(a.uploaded_at.timestamp_millis())
        .execute(&mut tx)
        .await?;
        super::audit::entry::<DB>(audit).execute(&mut tx).await?;
        Self::commit(tx).await
    }

    pub(super) async fn attachments(&self, case_id: &str) -> StoreResult<Vec<AttachmentRecord>> {
        let text = format!(
            "SELECT {COLUMNS} FROM attachments WHERE case_id = $1 ORDER BY uploaded_at, id"
        );
        let rows = sql::<DB>(sqlx::AssertSqlSafe(text))
            .bind(case_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(attachment_of)
            .collect::<sqlx::Result<_>>()?)
    }

    pub(super) async fn attachment(
        &self,
        id: &str,
    ) -> StoreResult<Option<(AttachmentRecord, Vec<u8>)>> {
        let text = format!("SELECT {COLUMNS}, data FROM attachments WHERE id = $1");
        let row = sql::<DB>(sqlx::AssertSqlSafe(text))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row
            .map(|r| Ok::<_, sqlx::Error>((attachment_of(&r)?, r.get(8)?)))
            .transpose()?)
    }
}
