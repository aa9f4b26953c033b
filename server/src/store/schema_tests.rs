//! The two migration folders must build the same schema: a fresh SQLite database and a
//! fresh PostgreSQL schema, migrated, are compared by introspection, each described as a
//! set of lines (tables; columns with type class and nullability; primary keys; indexes
//! with their columns, direction, uniqueness and partiality; triggers).
//!
//! What differs by design is described alike: SQLite's declared types by their affinity
//! (`INTEGER` and `BIGINT` are both `integer`); a SQLite primary-key column counts as
//! NOT NULL, as PostgreSQL makes it; indexes behind UNIQUE constraints are named by
//! their columns (each database names them its own way); an index's INCLUDE columns
//! count as its columns (SQLite has no INCLUDE, its covering index lists them as keys);
//! triggers by table, timing and event (SQLite has one trigger per event,
//! `audit_log_no_update` and `audit_log_no_delete`, where PostgreSQL has
//! `audit_log_append_only` for both).

use std::collections::BTreeSet;

use super::open::migrator;
use super::sql::Kind;

/// The class of a SQLite declared type (its affinity, by SQLite's own rules).
fn sqlite_class(declared: &str) -> &'static str {
    let t = declared.to_ascii_uppercase();
    if t.contains("INT") {
        "integer"
    } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
        "text"
    } else if t.contains("BLOB") || t.is_empty() {
        "blob"
    } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
        "real"
    } else if t.contains("BOOL") {
        "bool"
    } else {
        "numeric"
    }
}

/// The class of a PostgreSQL type (`information_schema.columns.data_type`).
fn postgres_class(data_type: &str) -> String {
    match data_type {
        "bigint" | "integer" | "smallint" => "integer",
        "text" | "character varying" | "character" => "text",
        "double precision" | "real" => "real",
        "bytea" => "blob",
        "boolean" => "bool",
        other => return format!("other:{other}"),
    }
    .to_owned()
}

fn column(table: &str, name: &str, class: &str, not_null: bool) -> String {
    let null = if not_null { "NOT NULL" } else { "NULL" };
    format!("column {table}.{name} {class} {null}")
}

fn index(table: &str, name: &str, columns: &[String], unique: bool, partial: bool) -> String {
    format!(
        "index {table} {name} ({}){}{}",
        columns.join(", "),
        if unique { " unique" } else { "" },
        if partial { " partial" } else { "" }
    )
}

/// The events a SQLite trigger's definition names (`… BEFORE UPDATE ON t …`).
fn sqlite_trigger(table: &str, definition: &str) -> Vec<String> {
    let sql = definition.to_ascii_uppercase();
    let head = sql.split(" ON ").next().unwrap_or_default();
    let timing = ["INSTEAD OF", "BEFORE", "AFTER"]
        .into_iter()
        .find(|t| head.contains(t))
        .unwrap_or("BEFORE");
    ["INSERT", "UPDATE", "DELETE"]
        .into_iter()
        .filter(|e| head.contains(e))
        .map(|e| format!("trigger {table} {timing} {e}"))
        .collect()
}

async fn sqlite_schema() -> BTreeSet<String> {
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .expect("sqlite");
    migrator(Kind::Sqlite).run(&pool).await.expect("migrate");
    let mut out = BTreeSet::new();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(&pool)
    .await
    .expect("tables");
    for t in &tables {
        out.insert(format!("table {t}"));
        let cols: Vec<(String, String, i64, i64)> = sqlx::query_as(
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info($1) ORDER BY cid",
        )
        .bind(t)
        .fetch_all(&pool)
        .await
        .expect("columns");
        let mut pk: Vec<(i64, String)> = Vec::new();
        for (name, declared, not_null, in_pk) in cols {
            out.insert(column(
                t,
                &name,
                sqlite_class(&declared),
                not_null != 0 || in_pk > 0,
            ));
            if in_pk > 0 {
                pk.push((in_pk, name));
            }
        }
        if !pk.is_empty() {
            pk.sort();
            let names: Vec<String> = pk.into_iter().map(|(_, n)| n).collect();
            out.insert(format!("primary key {t} ({})", names.join(", ")));
        }
        let indexes: Vec<(String, i64, String, i64)> =
            sqlx::query_as("SELECT name, \"unique\", origin, partial FROM pragma_index_list($1)")
                .bind(t)
                .fetch_all(&pool)
                .await
                .expect("indexes");
        for (name, unique, origin, partial) in indexes {
            if origin == "pk" {
                continue;
            }
            let keys: Vec<(Option<String>, i64)> = sqlx::query_as(
                "SELECT name, \"desc\" FROM pragma_index_xinfo($1) WHERE key = 1 ORDER BY seqno",
            )
            .bind(&name)
            .fetch_all(&pool)
            .await
            .expect("index columns");
            let columns: Vec<String> = keys
                .into_iter()
                .map(|(c, desc)| {
                    let c = c.unwrap_or_else(|| "<expr>".into());
                    if desc != 0 { format!("{c} DESC") } else { c }
                })
                .collect();
            let name = if origin == "u" { "<constraint>" } else { &name };
            out.insert(index(t, name, &columns, unique != 0, partial != 0));
        }
    }
    let triggers: Vec<(String, String)> =
        sqlx::query_as("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
            .fetch_all(&pool)
            .await
            .expect("triggers");
    for (table, definition) in triggers {
        out.extend(sqlite_trigger(&table, &definition));
    }
    pool.close().await;
    out
}

/// Table, index, unique, primary, partial, owned by a constraint, columns.
type PgIndex = (String, String, bool, bool, bool, bool, Vec<String>);

async fn postgres_schema(url: &str) -> BTreeSet<String> {
    let schema = format!("duban_schema_{}", uuid::Uuid::now_v7().simple());
    let store = super::PgStore::open_in_schema(url, Some(&schema))
        .await
        .expect("postgres");
    let pool = store.pool();
    let mut out = BTreeSet::new();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
         AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .expect("tables");
    out.extend(tables.iter().map(|t| format!("table {t}")));
    let cols: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text \
         FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .expect("columns");
    for (t, name, data_type, nullable) in cols {
        out.insert(column(
            &t,
            &name,
            &postgres_class(&data_type),
            nullable == "NO",
        ));
    }
    // Every index with its columns in order (INCLUDE columns after the keys), whether it
    // is the primary key, and whether a constraint owns it.
    let indexes: Vec<PgIndex> = sqlx::query_as(
        "SELECT t.relname::text, i.relname::text, ix.indisunique, ix.indisprimary, \
           ix.indpred IS NOT NULL, \
           EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid), \
           ARRAY(SELECT COALESCE(a.attname::text, '<expr>') \
                   || CASE WHEN k.ord <= ix.indnkeyatts \
                        AND (ix.indoption[k.ord - 1] & 1) = 1 THEN ' DESC' ELSE '' END \
                 FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
                 LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
                 ORDER BY k.ord) \
         FROM pg_index ix \
         JOIN pg_class i ON i.oid = ix.indexrelid \
         JOIN pg_class t ON t.oid = ix.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = current_schema() AND t.relname <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .expect("indexes");
    for (t, name, unique, primary, partial, constraint, columns) in indexes {
        if primary {
            out.insert(format!("primary key {t} ({})", columns.join(", ")));
        } else {
            let name = if constraint { "<constraint>" } else { &name };
            out.insert(index(&t, name, &columns, unique, partial));
        }
    }
    let triggers: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT event_object_table::text, action_timing::text, event_manipulation::text \
         FROM information_schema.triggers WHERE trigger_schema = current_schema()",
    )
    .fetch_all(pool)
    .await
    .expect("triggers");
    for (table, timing, event) in triggers {
        out.insert(format!("trigger {table} {timing} {event}"));
    }
    let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(pool)
        .await;
    out
}

/// A migration written for one database and not (or otherwise) for the other fails here.
#[tokio::test]
async fn sqlite_and_postgres_migrations_build_the_same_schema() {
    let sqlite = sqlite_schema().await;
    assert!(
        sqlite.iter().any(|l| l.starts_with("trigger ")) && sqlite.len() > 100,
        "the SQLite introspection found too little: {sqlite:#?}"
    );
    let Ok(url) = std::env::var("DUBAN_TEST_POSTGRES_URL") else {
        eprintln!(
            "notice: DUBAN_TEST_POSTGRES_URL is not set; skipping the SQLite/PostgreSQL schema comparison"
        );
        return;
    };
    let postgres = postgres_schema(&url).await;
    let only_sqlite: Vec<&String> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<&String> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "the migrations drifted apart\nonly on SQLite: {only_sqlite:#?}\nonly on PostgreSQL: {only_postgres:#?}"
    );
}
