//! Batch imports and the numbers other systems give cases (`external_refs`).

use duban_api::AuditEntry;
use duban_case::lifecycle::Case;

use super::sql::{Db, Sql, placeholders, sql};
use super::{ImportRecord, Insert, NewRow, SqlStore, StoreResult};

/// The statement that records a case's number in another system.
pub(super) fn insert_external<DB: Db>(
    system: &str,
    external_id: &str,
    case_id: &str,
    created_at: i64,
) -> Sql<DB> {
    sql::<DB>(
        "INSERT INTO external_refs (system, external_id, case_id, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(system)
    .bind(external_id)
    .bind(case_id)
    .bind(created_at)
}

impl<DB: Db> SqlStore<DB> {
    pub(super) async fn import_by_fingerprint(
        &self,
        fingerprint: &str,
    ) -> StoreResult<Option<ImportRecord>> {
        let row = sql::<DB>(
            "SELECT id, fingerprint, file_name, rows, by_user, created_at FROM imports WHERE fingerprint = $1",
        )
        .bind(fingerprint)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row
            .map(|r| {
                Ok::<_, sqlx::Error>(ImportRecord {
                    id: r.get(0)?,
                    fingerprint: r.get(1)?,
                    file_name: r.get(2)?,
                    rows: r.get(3)?,
                    by_user: r.get(4)?,
                    created_at: r.get(5)?,
                })
            })
            .transpose()?)
    }

    pub(super) async fn commit_import(
        &self,
        import: &ImportRecord,
        rows: &[Insert<'_>],
        refs: &[(String, String, String)],
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        // Through the writer: the board's cells are written by it alone.
        let import = import.clone();
        let refs = refs.to_vec();
        let owned: Vec<NewRow> = rows.iter().map(NewRow::of).collect();
        let audit = audit.clone();
        self.write_marked(move |tx| {
            Box::pin(async move {
                sql::<DB>(
                    "INSERT INTO imports (id, fingerprint, file_name, rows, by_user, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&import.id)
                .bind(&import.fingerprint)
                .bind(&import.file_name)
                .bind(import.rows)
                .bind(&import.by_user)
                .bind(import.created_at)
                .execute(&mut *tx)
                .await?;
                let rows: Vec<Insert<'_>> = owned.iter().map(NewRow::as_insert).collect();
                let cells = Self::insert_rows(tx, &rows).await?;
                for (system, external_id, case_id) in &refs {
                    insert_external::<DB>(system, external_id, case_id, import.created_at)
                        .execute(&mut *tx)
                        .await?;
                }
                super::audit::entry::<DB>(&audit).execute(&mut *tx).await?;
                Ok(((), cells))
            })
        })
        .await
    }

    pub(super) async fn externals_taken(
        &self,
        system: &str,
        external_ids: &[String],
    ) -> StoreResult<Vec<(String, String)>> {
        let mut out = Vec::new();
        // Chunks keep the parameter count far below both databases' limits.
        for chunk in external_ids.chunks(500) {
            let text = format!(
                "SELECT e.external_id, c.reference FROM external_refs e JOIN cases c ON c.id = e.case_id \
                 WHERE e.system = $1 AND e.external_id IN ({})",
                placeholders(2, chunk.len())
            );
            let mut q = sql::<DB>(sqlx::AssertSqlSafe(text)).bind(system);
            for id in chunk {
                q = q.bind(id);
            }
            for r in q.fetch_all(&self.pool).await? {
                out.push((r.get(0)?, r.get(1)?));
            }
        }
        Ok(out)
    }

    pub(super) async fn case_by_external(
        &self,
        system: &str,
        external_id: &str,
    ) -> StoreResult<Option<Case>> {
        let state: Option<String> = sql::<DB>(
            "SELECT c.state FROM external_refs e JOIN cases c ON c.id = e.case_id \
             WHERE e.system = $1 AND e.external_id = $2",
        )
        .bind(system)
        .bind(external_id)
        .scalar_optional(&self.pool)
        .await?;
        Ok(state.map(|s| serde_json::from_str(&s)).transpose()?)
    }
}
