//! Cases: their rows (state as JSON beside the columns lists and filters use), their
//! events, inserting and changing them, and every read of them.

use duban_api::{AuditEntry, CaseSummary, EventView};
use duban_case::lifecycle::{Case, Event};

use super::sql::{Arg, Db, numbered_where, sql};
use super::{
    CaseFilter, Change, Insert, NewRow, RepeatRow, SqlStore, StoreError, StoreResult, board,
    escalation_rank, ms, phone_digest, repeat_fingerprint,
};

/// A [`Change`] owned, to be sent to the writer task.
struct OwnedChange {
    expected: u64,
    case: Case,
    events: Vec<Event>,
    audit: AuditEntry,
    counters: Vec<String>,
}

impl OwnedChange {
    fn of(c: &Change<'_>) -> OwnedChange {
        OwnedChange {
            expected: c.expected,
            case: c.case.clone(),
            events: c.events.to_vec(),
            audit: c.audit.clone(),
            counters: c.counters.to_vec(),
        }
    }
    fn as_change(&self) -> Change<'_> {
        Change {
            expected: self.expected,
            case: &self.case,
            events: &self.events,
            audit: &self.audit,
            counters: &self.counters,
        }
    }
}

/// Columns derived from a case for filtering and listing.
struct Row {
    id: String,
    reference: String,
    status: &'static str,
    channel: &'static str,
    batch: Option<i64>,
    division: i64,
    categories: String,
    is_key: i64,
    received_at: i64,
    due_at: Option<i64>,
    version: i64,
    state: String,
    summary: String,
    updated_at: i64,
    units: String,
    next_escalation_at: Option<i64>,
    /// The running clocks' highest ladder step: 0 none, 1 remind … 4 summon.
    escalation_step: i64,
    repeat_fp: String,
    phone_digest: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    publishable: i64,
}

impl Row {
    fn of(case: &Case) -> StoreResult<Row> {
        let cats: Vec<&str> = case.categories().iter().map(|c| c.code()).collect();
        Ok(Row {
            id: case.id().to_string(),
            reference: case.reference().to_string(),
            status: case.status().code(),
            channel: case.channel().code(),
            batch: case.batch().map(|b| i64::from(b.number())),
            division: i64::from(case.division().as_u32()),
            categories: format!(",{},", cats.join(",")),
            is_key: i64::from(case.is_key()),
            received_at: ms(case.received_at()),
            due_at: case.current_clock().map(|c| ms(c.due_at())),
            version: i64::try_from(case.version()).unwrap_or(i64::MAX),
            state: serde_json::to_string(case)?,
            summary: serde_json::to_string(&CaseSummary::of(case))?,
            updated_at: ms(case.updated_at()),
            next_escalation_at: case
                .next_escalation_at(duban_calendar::Calendar::official())
                .map(ms),
            escalation_step: case.current_escalation().map_or(0, escalation_rank),
            repeat_fp: repeat_fingerprint(case).to_string(),
            phone_digest: phone_digest(case),
            lat: case.coordinates().map(|c| c.lat()),
            lon: case.coordinates().map(|c| c.lon()),
            publishable: i64::from(case.is_publishable()),
            units: {
                let all: Vec<&str> = case
                    .lead_unit()
                    .into_iter()
                    .chain(case.co_units())
                    .map(|u| u.as_str())
                    .collect();
                if all.is_empty() {
                    String::new()
                } else {
                    format!(",{},", all.join(","))
                }
            },
        })
    }
}

const INSERT_CASE: &str = "INSERT INTO cases (id, reference, status, channel, batch_number, division, categories, \
    is_key, received_at, due_at, version, state, summary, updated_at, units, next_escalation_at, escalation_step, \
    repeat_fp, phone_digest, lat, lon, publishable) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)";
const UPDATE_CASE: &str = "UPDATE cases SET status = $2, due_at = $3, version = $4, state = $5, summary = $6, \
    updated_at = $7, is_key = $8, categories = $9, units = $11, next_escalation_at = $12, \
    escalation_step = $13, repeat_fp = $14, phone_digest = $15, lat = $16, lon = $17, publishable = $18 \
    WHERE id = $1 AND version = $10";
const INSERT_EVENT: &str =
    "INSERT INTO case_events (case_id, seq, at, actor, kind, body) VALUES ($1, $2, $3, $4, $5, $6)";

fn where_clause(f: &CaseFilter, with_cursor: bool) -> (String, Vec<Arg>) {
    // Fragments use `?`; each is numbered `$n` in argument order below.
    let mut parts: Vec<String> = Vec::new();
    let mut args: Vec<Arg> = Vec::new();
    if let Some(s) = &f.status {
        parts.push("status = ?".to_owned());
        args.push(Arg::Text(s.clone()));
    }
    if let Some((lo, hi)) = f.division {
        parts.push("division >= ? AND division < ?".to_owned());
        args.extend([Arg::Int(lo), Arg::Int(hi)]);
    }
    if let Some(c) = &f.category {
        parts.push("categories LIKE ?".to_owned());
        args.push(Arg::Text(format!("%,{c},%")));
    }
    if let Some(k) = f.key {
        parts.push("is_key = ?".to_owned());
        args.push(Arg::Int(i64::from(k)));
    }
    if let Some(b) = f.batch {
        parts.push("batch_number = ?".to_owned());
        args.push(Arg::Int(b));
    }
    if let Some((lo, hi)) = f.received {
        parts.push("received_at >= ? AND received_at < ?".to_owned());
        args.extend([Arg::Int(lo), Arg::Int(hi)]);
    }
    if let Some(n) = f.min_escalation {
        parts.push("escalation_step >= ?".to_owned());
        args.push(Arg::Int(n));
    }
    if f.pending_extension {
        parts.push("state LIKE ?".to_owned());
        args.push(Arg::Text("%\"pending_extension\":%".to_owned()));
    }
    if f.running {
        parts.push("state NOT LIKE ?".to_owned());
        args.push(Arg::Text("%\"paused\":true%".to_owned()));
    }
    if f.with_clock {
        parts.push("due_at IS NOT NULL".to_owned());
    }
    if let Some(units) = &f.units {
        let ors: Vec<&str> = units
            .iter()
            .map(|_| "(units LIKE ? OR referred_units LIKE ?)")
            .collect();
        parts.push(if ors.is_empty() {
            "1 = 0".to_owned()
        } else {
            format!("({})", ors.join(" OR "))
        });
        for u in units {
            args.extend([Arg::Text(format!("%,{u},%")), Arg::Text(format!("%,{u},%"))]);
        }
    }
    if let (true, Some((at, id))) = (with_cursor, &f.after) {
        parts.push("(received_at < ? OR (received_at = ? AND id < ?))".to_owned());
        args.extend([Arg::Int(*at), Arg::Int(*at), Arg::Text(id.clone())]);
    }
    (numbered_where(&parts), args)
}

/// Cases from their stored JSON.
pub(super) fn parse_cases(states: &[String]) -> StoreResult<Vec<Case>> {
    states
        .iter()
        .map(|s| Ok(serde_json::from_str(s)?))
        .collect()
}

impl<DB: Db> SqlStore<DB> {
    /// Store changes to cases inside the caller's transaction (see
    /// [`super::Store::update_cases`]); returns the board cell deltas.
    pub(super) async fn update_rows(
        tx: &mut sqlx::Transaction<'static, DB>,
        changes: &[Change<'_>],
    ) -> StoreResult<board::Cells> {
        for ch in changes {
            let r = Row::of(ch.case)?;
            let expected_i = i64::try_from(ch.expected).unwrap_or(i64::MAX);
            let done = sql::<DB>(UPDATE_CASE)
                .bind(&r.id)
                .bind(r.status)
                .bind(r.due_at)
                .bind(r.version)
                .bind(&r.state)
                .bind(&r.summary)
                .bind(r.updated_at)
                .bind(r.is_key)
                .bind(&r.categories)
                .bind(expected_i)
                .bind(&r.units)
                .bind(r.next_escalation_at)
                .bind(r.escalation_step)
                .bind(&r.repeat_fp)
                .bind(&r.phone_digest)
                .bind(r.lat)
                .bind(r.lon)
                .bind(r.publishable)
                .execute(&mut *tx)
                .await?;
            if done != 1 {
                // The writer rolls this job back; the others in its group stay.
                let current: Option<i64> = sql::<DB>("SELECT version FROM cases WHERE id = $1")
                    .bind(&r.id)
                    .scalar_optional(&mut *tx)
                    .await?;
                return Err(StoreError::Conflict {
                    current: current.and_then(|v| u64::try_from(v).ok()).unwrap_or(0),
                });
            }
            Self::append_events(tx, &r.id, expected_i + 1, ch.events).await?;
            super::audit::entry::<DB>(ch.audit)
                .execute(&mut *tx)
                .await?;
            for name in ch.counters {
                sql::<DB>(super::meta::BUMP_COUNTER)
                    .bind(name)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let cases: Vec<&Case> = changes.iter().map(|ch| ch.case).collect();
        Self::write_board(tx, &cases, true).await
    }

    /// Insert new cases, their opening events, numbers elsewhere and audit entries.
    /// Returns the board cell deltas, for the writer to add with its group's.
    pub(super) async fn insert_rows(
        tx: &mut sqlx::Transaction<'static, DB>,
        rows: &[Insert<'_>],
    ) -> StoreResult<board::Cells> {
        for ins in rows {
            let r = Row::of(ins.case)?;
            sql::<DB>(INSERT_CASE)
                .bind(&r.id)
                .bind(&r.reference)
                .bind(r.status)
                .bind(r.channel)
                .bind(r.batch)
                .bind(r.division)
                .bind(&r.categories)
                .bind(r.is_key)
                .bind(r.received_at)
                .bind(r.due_at)
                .bind(r.version)
                .bind(&r.state)
                .bind(&r.summary)
                .bind(r.updated_at)
                .bind(&r.units)
                .bind(r.next_escalation_at)
                .bind(r.escalation_step)
                .bind(&r.repeat_fp)
                .bind(&r.phone_digest)
                .bind(r.lat)
                .bind(r.lon)
                .bind(r.publishable)
                .execute(&mut *tx)
                .await?;
            Self::append_events(tx, &r.id, 1, std::slice::from_ref(ins.opening)).await?;
            if let Some((system, external_id)) = ins.external {
                super::imports::insert_external::<DB>(system, external_id, &r.id, r.updated_at)
                    .execute(&mut *tx)
                    .await?;
            }
            super::audit::entry::<DB>(ins.audit)
                .execute(&mut *tx)
                .await?;
        }
        let cases: Vec<&Case> = rows.iter().map(|ins| ins.case).collect();
        Self::write_board(tx, &cases, false).await
    }

    /// Append events numbered from `first_seq`, inside the caller's transaction.
    async fn append_events(
        tx: &mut sqlx::Transaction<'static, DB>,
        id: &str,
        first_seq: i64,
        events: &[Event],
    ) -> StoreResult<()> {
        for (i, ev) in events.iter().enumerate() {
            sql::<DB>(INSERT_EVENT)
                .bind(id)
                .bind(first_seq + i as i64)
                .bind(ms(ev.at))
                .bind(&ev.actor)
                .bind(ev.kind.code())
                .bind(serde_json::to_string(ev)?)
                .execute(&mut *tx)
                .await?;
        }
        Ok(())
    }

    pub(super) async fn insert_numbered(
        &self,
        wanted: std::collections::BTreeMap<String, i64>,
        build: super::BuildRows,
    ) -> StoreResult<Vec<Case>> {
        self.write_marked(move |tx| {
            Box::pin(async move {
                let mut first = std::collections::BTreeMap::new();
                for (name, n) in wanted {
                    first.insert(name.clone(), Self::next_serials(tx, &name, n).await?);
                }
                let rows = build(&first)?;
                let inserts: Vec<Insert<'_>> = rows.iter().map(NewRow::as_insert).collect();
                let cells = Self::insert_rows(tx, &inserts).await?;
                Ok((rows.into_iter().map(|r| r.case).collect(), cells))
            })
        })
        .await
    }

    pub(super) async fn insert_cases(&self, rows: &[Insert<'_>]) -> StoreResult<()> {
        let owned: Vec<NewRow> = rows.iter().map(NewRow::of).collect();
        self.write_marked(move |tx| {
            Box::pin(async move {
                let rows: Vec<Insert<'_>> = owned.iter().map(NewRow::as_insert).collect();
                Ok(((), Self::insert_rows(tx, &rows).await?))
            })
        })
        .await
    }

    pub(super) async fn update_cases(&self, changes: &[Change<'_>]) -> StoreResult<()> {
        let owned: Vec<OwnedChange> = changes.iter().map(OwnedChange::of).collect();
        self.write_marked(move |tx| {
            Box::pin(async move {
                let changes: Vec<Change<'_>> = owned.iter().map(OwnedChange::as_change).collect();
                Ok(((), Self::update_rows(tx, &changes).await?))
            })
        })
        .await
    }

    pub(super) async fn repeat_candidates(
        &self,
        division: (i64, i64),
        phone_digest: Option<&str>,
        from_ms: i64,
        to_ms: i64,
        limit: i64,
    ) -> StoreResult<Vec<RepeatRow>> {
        // Two index range scans, joined by UNION.
        let text = format!(
            "SELECT id, reference, division, received_at, repeat_fp, phone_digest, lat, lon, status, summary FROM cases \
             WHERE division >= $1 AND division < $2 AND received_at >= $3 AND received_at <= $4 AND status <> 'merged' \
             UNION \
             SELECT id, reference, division, received_at, repeat_fp, phone_digest, lat, lon, status, summary FROM cases \
             WHERE phone_digest = $5 AND received_at >= $3 AND received_at <= $4 AND status <> 'merged' \
             ORDER BY received_at DESC LIMIT {}",
            limit.clamp(1, 20_000)
        );
        let rows = sql::<DB>(sqlx::AssertSqlSafe(text))
            .bind(division.0)
            .bind(division.1)
            .bind(from_ms)
            .bind(to_ms)
            .bind(phone_digest.unwrap_or("-"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(RepeatRow {
                    id: r.get(0)?,
                    reference: r.get(1)?,
                    division: r.get(2)?,
                    received_at: r.get(3)?,
                    repeat_fp: r.get(4)?,
                    phone_digest: r.get(5)?,
                    lat: r.get(6)?,
                    lon: r.get(7)?,
                    status: r.get(8)?,
                    summary: r.get(9)?,
                })
            })
            .collect()
    }

    pub(super) async fn backfill_repeat_columns(&self, batch: i64) -> StoreResult<u64> {
        let mut done = 0u64;
        loop {
            let text = format!(
                "SELECT id, state FROM cases WHERE repeat_fp IS NULL LIMIT {}",
                batch.clamp(1, 10_000)
            );
            let rows = sql::<DB>(sqlx::AssertSqlSafe(text))
                .fetch_all(&self.pool)
                .await?;
            if rows.is_empty() {
                return Ok(done);
            }
            let mut tx = self.pool.begin().await?;
            for r in &rows {
                let id: String = r.get(0)?;
                let case: Case = serde_json::from_str(&r.get::<String>(1)?)?;
                sql::<DB>(
                    "UPDATE cases SET repeat_fp = $2, phone_digest = $3, lat = $4, lon = $5 WHERE id = $1",
                )
                .bind(&id)
                .bind(repeat_fingerprint(&case).to_string())
                .bind(phone_digest(&case))
                .bind(case.coordinates().map(|c| c.lat()))
                .bind(case.coordinates().map(|c| c.lon()))
                .execute(&mut tx)
                .await?;
            }
            Self::commit(tx).await?;
            done += rows.len() as u64;
        }
    }

    pub(super) async fn get_case(&self, id: &str) -> StoreResult<Option<Case>> {
        let state: Option<String> = sql::<DB>("SELECT state FROM cases WHERE id = $1")
            .bind(id)
            .scalar_optional(&self.pool)
            .await?;
        Ok(state.map(|s| serde_json::from_str(&s)).transpose()?)
    }

    pub(super) async fn case_id_by_reference(
        &self,
        reference: &str,
    ) -> StoreResult<Option<String>> {
        Ok(sql::<DB>("SELECT id FROM cases WHERE reference = $1")
            .bind(reference)
            .scalar_optional(&self.pool)
            .await?)
    }

    pub(super) async fn cases_by_id(&self, ids: &[String]) -> StoreResult<Vec<Case>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let marks = super::sql::placeholders(1, ids.len());
        let text = format!("SELECT state FROM cases WHERE id IN ({marks})");
        let mut q = sql::<DB>(sqlx::AssertSqlSafe(text));
        for id in ids {
            q = q.bind(id);
        }
        parse_cases(&q.scalars(&self.pool).await?)
    }

    pub(super) async fn cases(&self, f: &CaseFilter) -> StoreResult<Vec<Case>> {
        let (w, args) = where_clause(f, true);
        let limit = if f.limit > 0 {
            format!(" LIMIT {}", f.limit)
        } else {
            String::new()
        };
        let order = if f.urgent_first {
            "due_at IS NULL, due_at, received_at, id"
        } else {
            "received_at, id"
        };
        let text = format!("SELECT state FROM cases{w} ORDER BY {order}{limit}");
        let rows = sql::<DB>(sqlx::AssertSqlSafe(text))
            .bind_args(&args)
            .scalars(&self.pool)
            .await?;
        parse_cases(&rows)
    }

    pub(super) async fn publishable_cases(&self, batch: i64) -> StoreResult<Vec<Case>> {
        let rows = sql::<DB>(
            "SELECT state FROM cases WHERE batch_number = $1 AND publishable = 1 ORDER BY reference",
        )
        .bind(batch)
        .scalars(&self.pool)
        .await?;
        parse_cases(&rows)
    }

    pub(super) async fn public_batches(&self) -> StoreResult<Vec<(i64, i64, i64)>> {
        let rows = sql::<DB>(
            "SELECT batch_number, CAST(SUM(publishable) AS BIGINT), CAST(COUNT(*) AS BIGINT) FROM cases \
             WHERE batch_number IS NOT NULL GROUP BY batch_number HAVING SUM(publishable) > 0 ORDER BY batch_number",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .collect::<sqlx::Result<_>>()?)
    }

    pub(super) async fn open_work(
        &self,
        units: Option<&[String]>,
        before_ms: i64,
        limit: i64,
    ) -> StoreResult<Vec<(CaseSummary, String)>> {
        let mut text = String::from(
            "SELECT summary, units FROM cases WHERE (status IN ('received', 'returned', 'dispatched') \
             OR (due_at IS NOT NULL AND due_at < $1))",
        );
        let mut args = vec![Arg::Int(before_ms)];
        if let Some(units) = units {
            let ors: Vec<String> = (0..units.len())
                .map(|i| format!("(units LIKE ${n} OR referred_units LIKE ${n})", n = i + 2))
                .collect();
            text.push_str(&if ors.is_empty() {
                " AND 1 = 0".to_owned()
            } else {
                format!(" AND ({})", ors.join(" OR "))
            });
            args.extend(units.iter().map(|u| Arg::Text(format!("%,{u},%"))));
        }
        text.push_str(&format!(
            " ORDER BY due_at IS NULL, due_at, received_at LIMIT {}",
            limit.clamp(1, 100_000)
        ));
        let rows = sql::<DB>(sqlx::AssertSqlSafe(text))
            .bind_args(&args)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((serde_json::from_str(&r.get::<String>(0)?)?, r.get(1)?)))
            .collect()
    }

    pub(super) async fn due_escalations(&self, now_ms: i64, limit: i64) -> StoreResult<Vec<Case>> {
        let text = format!(
            "SELECT state FROM cases WHERE next_escalation_at <= $1 ORDER BY next_escalation_at, id LIMIT {}",
            limit.clamp(1, 10_000)
        );
        let rows = sql::<DB>(sqlx::AssertSqlSafe(text))
            .bind(now_ms)
            .scalars(&self.pool)
            .await?;
        parse_cases(&rows)
    }

    pub(super) async fn referred_units(&self, case_id: &str) -> StoreResult<String> {
        let v: Option<String> = sql::<DB>("SELECT referred_units FROM cases WHERE id = $1")
            .bind(case_id)
            .scalar_optional(&self.pool)
            .await?;
        Ok(v.unwrap_or_default())
    }

    pub(super) async fn events(&self, id: &str) -> StoreResult<Vec<EventView>> {
        let rows = sql::<DB>("SELECT seq, body FROM case_events WHERE case_id = $1 ORDER BY seq")
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(EventView {
                    seq: u64::try_from(r.get::<i64>(0)?).unwrap_or(0),
                    event: serde_json::from_str(&r.get::<String>(1)?)?,
                })
            })
            .collect()
    }

    pub(super) async fn list_cases(&self, f: &CaseFilter) -> StoreResult<(Vec<CaseSummary>, u64)> {
        let (w, args) = where_clause(f, true);
        let text = format!(
            "SELECT summary FROM cases{w} ORDER BY received_at DESC, id DESC LIMIT {}",
            f.limit.clamp(1, 1000)
        );
        let rows: Vec<String> = sql::<DB>(sqlx::AssertSqlSafe(text))
            .bind_args(&args)
            .scalars(&self.pool)
            .await?;
        let (cw, cargs) = where_clause(f, false);
        let count = match f.count_up_to {
            Some(cap) => format!(
                "SELECT COUNT(*) FROM (SELECT 1 FROM cases{cw} LIMIT {}) AS capped",
                cap.saturating_add(1).min(i64::MAX as u64)
            ),
            None => format!("SELECT COUNT(*) FROM cases{cw}"),
        };
        let total: i64 = sql::<DB>(sqlx::AssertSqlSafe(count))
            .bind_args(&cargs)
            .scalar(&self.pool)
            .await?;
        let items = rows
            .iter()
            .map(|s| serde_json::from_str(s))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((items, u64::try_from(total).unwrap_or(0)))
    }

    pub(super) async fn count_due(&self, f: &CaseFilter, now_ms: i64) -> StoreResult<(u64, u64)> {
        let (w, args) = where_clause(f, false);
        // `now_ms` is a number, written into the text rather than numbered after the
        // filter's own placeholders.
        let text = format!(
            "SELECT COUNT(*), COUNT(CASE WHEN due_at <= {now_ms} THEN 1 END) FROM cases{w}"
        );
        let r = sql::<DB>(sqlx::AssertSqlSafe(text))
            .bind_args(&args)
            .fetch_one(&self.pool)
            .await?;
        let (all, due): (i64, i64) = (r.get(0)?, r.get(1)?);
        Ok((
            u64::try_from(all).unwrap_or(0),
            u64::try_from(due).unwrap_or(0),
        ))
    }
}
