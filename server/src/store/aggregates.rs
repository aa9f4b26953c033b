//! Mechanism aggregates (supervision, referral, emergency …): their state, events, who
//! takes part, and when the sweeper next looks at them.

use super::sql::{Arg, Db, placeholders, sql};
use super::{AggregateSave, DueAggregate, SqlStore, StoreError, StoreResult};

impl<DB: Db> SqlStore<DB> {
    pub(super) async fn aggregate(
        &self,
        kind: &str,
        key: &str,
    ) -> StoreResult<Option<(String, u64)>> {
        let row = sql::<DB>("SELECT state, version FROM aggregates WHERE kind = $1 AND key = $2")
            .bind(kind)
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row
            .map(|r| {
                Ok::<_, sqlx::Error>((r.get(0)?, u64::try_from(r.get::<i64>(1)?).unwrap_or(0)))
            })
            .transpose()?)
    }

    pub(super) async fn save_aggregate(&self, save: AggregateSave<'_>) -> StoreResult<()> {
        let AggregateSave {
            kind,
            key,
            case_id,
            expected,
            state,
            events,
            audit,
            access,
        } = save;
        let parties = if access.parties.is_empty() {
            String::new()
        } else {
            format!(",{},", access.parties.join(","))
        };
        let expected_i = i64::try_from(expected).unwrap_or(i64::MAX);
        let version = expected_i + events.len() as i64;
        let now = audit.at.timestamp_millis();
        let next_ms = access.next_step_at.map(|t| t.timestamp_millis());
        let mut tx = self.pool.begin().await?;
        let done = if expected == 0 {
            sql::<DB>(
                "INSERT INTO aggregates (kind, key, case_id, state, version, updated_at, parties, next_escalation_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (kind, key) DO NOTHING",
            )
            .bind(kind)
            .bind(key)
            .bind(case_id)
            .bind(state)
            .bind(version)
            .bind(now)
            .bind(&parties)
            .bind(next_ms)
            .execute(&mut tx)
            .await?
        } else {
            sql::<DB>(
                "UPDATE aggregates SET state = $3, version = $4, updated_at = $5, parties = $7, next_escalation_at = $8 \
                 WHERE kind = $1 AND key = $2 AND version = $6",
            )
            .bind(kind)
            .bind(key)
            .bind(state)
            .bind(version)
            .bind(now)
            .bind(expected_i)
            .bind(&parties)
            .bind(next_ms)
            .execute(&mut tx)
            .await?
        };
        if done != 1 {
            tx.rollback().await?;
            let current = self.aggregate(kind, key).await?.map_or(0, |(_, v)| v);
            return Err(StoreError::Conflict { current });
        }
        for (i, e) in events.iter().enumerate() {
            sql::<DB>(
                "INSERT INTO aggregate_events (kind, key, seq, at, actor, type, body) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(kind)
            .bind(key)
            .bind(expected_i + 1 + i as i64)
            .bind(e.at.timestamp_millis())
            .bind(&e.actor)
            .bind(&e.kind)
            .bind(&e.body)
            .execute(&mut tx)
            .await?;
        }
        if let Some(case_id) = case_id {
            for unit in &access.grant_case_to {
                let tag = format!(",{unit},");
                sql::<DB>(
                    "UPDATE cases SET referred_units = CASE WHEN referred_units = '' THEN $2 ELSE referred_units || $3 END \
                     WHERE id = $1 AND referred_units NOT LIKE $4",
                )
                .bind(case_id)
                .bind(&tag)
                .bind(format!("{unit},"))
                .bind(format!("%{tag}%"))
                .execute(&mut tx)
                .await?;
            }
        }
        super::audit::entry::<DB>(audit).execute(&mut tx).await?;
        Self::commit(tx).await
    }

    pub(super) async fn due_aggregates(
        &self,
        now_ms: i64,
        limit: i64,
    ) -> StoreResult<Vec<DueAggregate>> {
        let text = format!(
            "SELECT kind, key, state, version FROM aggregates WHERE next_escalation_at <= $1 \
             ORDER BY next_escalation_at, kind, key LIMIT {}",
            limit.clamp(1, 10_000)
        );
        let rows = sql::<DB>(sqlx::AssertSqlSafe(text))
            .bind(now_ms)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| {
                Ok(DueAggregate {
                    kind: r.get(0)?,
                    key: r.get(1)?,
                    state: r.get(2)?,
                    version: u64::try_from(r.get::<i64>(3)?).unwrap_or(0),
                })
            })
            .collect::<sqlx::Result<_>>()?)
    }

    pub(super) async fn reschedule_aggregate(
        &self,
        kind: &str,
        key: &str,
        expected: u64,
        next_step_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> StoreResult<()> {
        let done = sql::<DB>(
            "UPDATE aggregates SET next_escalation_at = $4 WHERE kind = $1 AND key = $2 AND version = $3",
        )
        .bind(kind)
        .bind(key)
        .bind(i64::try_from(expected).unwrap_or(i64::MAX))
        .bind(next_step_at.map(|t| t.timestamp_millis()))
        .execute(&self.pool)
        .await?;
        if done != 1 {
            let current = self.aggregate(kind, key).await?.map_or(0, |(_, v)| v);
            return Err(StoreError::Conflict { current });
        }
        Ok(())
    }

    pub(super) async fn aggregates(
        &self,
        kind: &str,
        case_id: Option<&str>,
        units: Option<&[String]>,
        limit: i64,
    ) -> StoreResult<Vec<String>> {
        let mut text = String::from("SELECT state FROM aggregates WHERE kind = $1");
        let mut args = vec![Arg::Text(kind.to_owned())];
        if let Some(c) = case_id {
            args.push(Arg::Text(c.to_owned()));
            text.push_str(&format!(" AND case_id = ${}", args.len()));
        }
        if let Some(units) = units {
            let mut ors = Vec::new();
            for u in units {
                args.push(Arg::Text(format!("%,{u},%")));
                ors.push(format!("parties LIKE ${}", args.len()));
            }
            text.push_str(&if ors.is_empty() {
                " AND 1 = 0".to_owned()
            } else {
                format!(" AND ({})", ors.join(" OR "))
            });
        }
        text.push_str(&format!(
            " ORDER BY updated_at DESC LIMIT {}",
            limit.clamp(1, 10_000)
        ));
        Ok(sql::<DB>(sqlx::AssertSqlSafe(text))
            .bind_args(&args)
            .scalars(&self.pool)
            .await?)
    }

    pub(super) async fn aggregates_by_key(
        &self,
        kind: &str,
        keys: &[String],
    ) -> StoreResult<Vec<String>> {
        let mut out = Vec::new();
        // In slices, to stay within every database's limit on bound values.
        for slice in keys.chunks(500) {
            let text = format!(
                "SELECT state FROM aggregates WHERE kind = $1 AND key IN ({})",
                placeholders(2, slice.len())
            );
            let mut q = sql::<DB>(sqlx::AssertSqlSafe(text)).bind(kind);
            for k in slice {
                q = q.bind(k);
            }
            out.extend(q.scalars::<String>(&self.pool).await?);
        }
        Ok(out)
    }

    pub(super) async fn aggregate_events(
        &self,
        kind: &str,
        key: &str,
    ) -> StoreResult<Vec<(u64, String)>> {
        let rows = sql::<DB>(
            "SELECT seq, body FROM aggregate_events WHERE kind = $1 AND key = $2 ORDER BY seq",
        )
        .bind(kind)
        .bind(key)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| Ok((u64::try_from(r.get::<i64>(0)?).unwrap_or(0), r.get(1)?)))
            .collect::<sqlx::Result<_>>()?)
    }
}
