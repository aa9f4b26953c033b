//! `Idempotency-Key` records (`app/idempotency.rs`): the mark a write leaves in its own
//! transaction, the first answer, and their purge.

use super::sql::{Db, sql};
use super::{Claim, IdempotencyMark, SqlStore, StoreResult};

impl<DB: Db> SqlStore<DB> {
    /// Mark the key of the `Idempotency-Key` request a write is made for.
    pub(super) async fn mark_committed(
        tx: &mut sqlx::Transaction<'static, DB>,
        mark: Option<IdempotencyMark>,
    ) -> StoreResult<()> {
        if let Some(m) = mark {
            sql::<DB>(
                "INSERT INTO idempotency_keys (principal, idem_key, fingerprint, created_at, committed) \
                 VALUES ($1, $2, $3, $4, 1) \
                 ON CONFLICT (principal, idem_key) DO UPDATE SET committed = 1",
            )
            .bind(m.principal)
            .bind(m.key)
            .bind(m.fingerprint)
            .bind(m.created_at)
            .execute(tx)
            .await?;
        }
        Ok(())
    }

    pub(super) async fn idempotency_record(
        &self,
        principal: &str,
        key: &str,
        fingerprint: &str,
    ) -> StoreResult<Claim> {
        let row = sql::<DB>(
            "SELECT fingerprint, status, content_type, body, committed FROM idempotency_keys \
             WHERE principal = $1 AND idem_key = $2",
        )
        .bind(principal)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else {
            return Ok(Claim::New);
        };
        if r.get::<String>(0)? != fingerprint {
            return Ok(Claim::Mismatch);
        }
        Ok(match r.get::<Option<i64>>(1)? {
            Some(status) => Claim::Replay {
                status: u16::try_from(status).unwrap_or(500),
                content_type: r.get::<Option<String>>(2)?.unwrap_or_default(),
                body: r.get::<Option<Vec<u8>>>(3)?.unwrap_or_default(),
            },
            None if r.get::<i64>(4)? != 0 => Claim::Lost,
            // A claim of an earlier version that never wrote: nothing happened.
            None => Claim::New,
        })
    }

    pub(super) async fn finish_idempotency(
        &self,
        mark: &IdempotencyMark,
        status: u16,
        content_type: &str,
        body: &[u8],
    ) -> StoreResult<()> {
        let (m, content_type, body) = (mark.clone(), content_type.to_owned(), body.to_vec());
        self.writer
            .write(move |tx| {
                Box::pin(async move {
                    sql::<DB>(
                        "INSERT INTO idempotency_keys \
                         (principal, idem_key, fingerprint, created_at, status, content_type, body) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7) \
                         ON CONFLICT (principal, idem_key) DO UPDATE \
                         SET status = excluded.status, content_type = excluded.content_type, body = excluded.body",
                    )
                    .bind(m.principal)
                    .bind(m.key)
                    .bind(m.fingerprint)
                    .bind(m.created_at)
                    .bind(i64::from(status))
                    .bind(content_type)
                    .bind(body.as_slice())
                    .execute(tx)
                    .await?;
                    Ok(())
                })
            })
            .await
    }

    pub(super) async fn idempotency_written(
        &self,
        principal: &str,
        key: &str,
    ) -> StoreResult<bool> {
        let committed: Option<i64> = sql::<DB>(
            "SELECT committed FROM idempotency_keys WHERE principal = $1 AND idem_key = $2",
        )
        .bind(principal)
        .bind(key)
        .scalar_optional(&self.pool)
        .await?;
        Ok(committed.is_some_and(|c| c != 0))
    }

    pub(super) async fn purge_idempotency(
        &self,
        before_ms: i64,
        interrupted: bool,
    ) -> StoreResult<u64> {
        let text = if interrupted {
            "DELETE FROM idempotency_keys WHERE created_at < $1 OR (status IS NULL AND committed = 0)"
        } else {
            "DELETE FROM idempotency_keys WHERE created_at < $1"
        };
        Ok(sql::<DB>(text).bind(before_ms).execute(&self.pool).await?)
    }
}
