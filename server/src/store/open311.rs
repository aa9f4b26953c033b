//! Open311 GeoReport v2 (`app/open311.rs`): what a request carried besides its case,
//! and the cases registered from requests.

use duban_case::lifecycle::Case;

use super::sql::{Arg, Db, numbered_where, sql};
use super::{Open311Filter, Open311Request, SqlStore, StoreResult};

fn open311_where(f: &Open311Filter) -> (String, Vec<Arg>) {
    let mut parts: Vec<String> = Vec::new();
    let mut args: Vec<Arg> = Vec::new();
    let mut any_of = |column: &str, values: &Option<Vec<String>>| {
        if let Some(values) = values {
            parts.push(if values.is_empty() {
                "1 = 0".to_owned()
            } else {
                format!("{column} IN ({})", vec!["?"; values.len()].join(", "))
            });
            args.extend(values.iter().map(|v| Arg::Text(v.clone())));
        }
    };
    any_of("c.reference", &f.references);
    any_of("o.external_id", &f.tokens);
    any_of("o.service_code", &f.service_codes);
    any_of("c.status", &f.statuses);
    if let Some(t) = f.from_ms {
        parts.push("c.received_at >= ?".to_owned());
        args.push(Arg::Int(t));
    }
    if let Some(t) = f.to_ms {
        parts.push("c.received_at <= ?".to_owned());
        args.push(Arg::Int(t));
    }
    (numbered_where(&parts), args)
}

impl<DB: Db> SqlStore<DB> {
    pub(super) async fn insert_open311_request(&self, r: &Open311Request) -> StoreResult<()> {
        sql::<DB>(
            "INSERT INTO open311_requests (system, external_id, service_code, media_url, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&r.system)
        .bind(&r.external_id)
        .bind(&r.service_code)
        .bind(&r.media_url)
        .bind(r.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub(super) async fn open311_requests(
        &self,
        f: &Open311Filter,
    ) -> StoreResult<Vec<(Case, Open311Request)>> {
        let (w, args) = open311_where(f);
        let text = format!(
            "SELECT c.state, o.system, o.external_id, o.service_code, o.media_url, o.created_at \
             FROM open311_requests o \
             JOIN external_refs e ON e.system = o.system AND e.external_id = o.external_id \
             JOIN cases c ON c.id = e.case_id{w} \
             ORDER BY c.received_at DESC, c.id DESC LIMIT {}",
            f.limit.clamp(1, 10_000)
        );
        let rows = sql::<DB>(sqlx::AssertSqlSafe(text))
            .bind_args(&args)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    serde_json::from_str(&r.get::<String>(0)?)?,
                    Open311Request {
                        system: r.get(1)?,
                        external_id: r.get(2)?,
                        service_code: r.get(3)?,
                        media_url: r.get(4)?,
                        created_at: r.get(5)?,
                    },
                ))
            })
            .collect()
    }
}
