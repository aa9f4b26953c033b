//! The audit trail: entries written with the change they record, and read back filtered.

use duban_api::{AuditEntry, AuditRecord};

use super::sql::{Arg, Cols, Db, Sql, like_escape, numbered_where, sql};
use super::{AuditFilter, SqlStore, StoreResult, ms};

const INSERT_AUDIT: &str = "INSERT INTO audit_log (at, actor, role, ip, user_agent, action, case_id, target, reason, detail) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

/// The statement that appends `e`, to run in the transaction of the change it records.
pub(super) fn entry<DB: Db>(e: &AuditEntry) -> Sql<DB> {
    sql::<DB>(INSERT_AUDIT)
        .bind(ms(e.at))
        .bind(&e.actor)
        .bind(&e.role)
        .bind(&e.ip)
        .bind(&e.user_agent)
        .bind(&e.action)
        .bind(&e.case_id)
        .bind(&e.target)
        .bind(&e.reason)
        .bind(e.detail.to_string())
}

fn audit_where(f: &AuditFilter, with_cursor: bool) -> (String, Vec<Arg>) {
    let mut parts: Vec<String> = Vec::new();
    let mut args: Vec<Arg> = Vec::new();
    if let Some(a) = &f.actor {
        parts.push("actor = ?".to_owned());
        args.push(Arg::Text(a.clone()));
    }
    match f.action.as_deref() {
        Some(a) if a.ends_with('.') => {
            parts.push("action LIKE ? ESCAPE '\\'".to_owned());
            args.push(Arg::Text(format!("{}%", like_escape(a))));
        }
        Some(a) => {
            parts.push("action = ?".to_owned());
            args.push(Arg::Text(a.to_owned()));
        }
        None => {}
    }
    if let Some(c) = &f.case_id {
        parts.push("case_id = ?".to_owned());
        args.push(Arg::Text(c.clone()));
    }
    if let Some(q) = &f.q {
        parts.push("(target LIKE ? ESCAPE '\\' OR reason LIKE ? ESCAPE '\\')".to_owned());
        let pat = format!("%{}%", like_escape(q));
        args.extend([Arg::Text(pat.clone()), Arg::Text(pat)]);
    }
    if let Some(t) = f.from_ms {
        parts.push("at >= ?".to_owned());
        args.push(Arg::Int(t));
    }
    if let Some(t) = f.to_ms {
        parts.push("at < ?".to_owned());
        args.push(Arg::Int(t));
    }
    if let (true, Some(b)) = (with_cursor, f.before) {
        parts.push("seq < ?".to_owned());
        args.push(Arg::Int(b));
    }
    (numbered_where(&parts), args)
}

fn audit_of<DB: Db>(r: &Cols<DB>) -> sqlx::Result<AuditRecord> {
    Ok(AuditRecord {
        seq: u64::try_from(r.get::<i64>(0)?).unwrap_or(0),
        entry: AuditEntry {
            at: chrono::DateTime::from_timestamp_millis(r.get(1)?).unwrap_or_default(),
            actor: r.get(2)?,
            role: r.get(3)?,
            ip: r.get(4)?,
            user_agent: r.get(5)?,
            action: r.get(6)?,
            case_id: r.get(7)?,
            target: r.get(8)?,
            reason: r.get(9)?,
            detail: serde_json::from_str(&r.get::<String>(10)?).unwrap_or(serde_json::Value::Null),
        },
    })
}

impl<DB: Db> SqlStore<DB> {
    pub(super) async fn record_audit(&self, e: &AuditEntry) -> StoreResult<()> {
        entry::<DB>(e).execute(&self.pool).await?;
        Ok(())
    }

    pub(super) async fn audit(&self, f: &AuditFilter) -> StoreResult<(Vec<AuditRecord>, u64)> {
        let (w, args) = audit_where(f, true);
        let text = format!(
            "SELECT seq, at, actor, role, ip, user_agent, action, case_id, target, reason, detail \
             FROM audit_log{w} ORDER BY seq DESC LIMIT {}",
            f.limit.clamp(1, 1000)
        );
        let rows = sql::<DB>(sqlx::AssertSqlSafe(text))
            .bind_args(&args)
            .fetch_all(&self.pool)
            .await?;
        let (cw, cargs) = audit_where(f, false);
        let total: i64 = sql::<DB>(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM audit_log{cw}"
        )))
        .bind_args(&cargs)
        .scalar(&self.pool)
        .await?;
        let records = rows
            .iter()
            .map(audit_of)
            .collect::<sqlx::Result<Vec<_>>>()?;
        Ok((records, u64::try_from(total).unwrap_or(0)))
    }
}
