//! Opening a store: each database's connection options, then its migrations.

use std::str::FromStr;

use super::sql::Kind;
use super::{PgStore, SqlStore, SqliteStore};

impl SqliteStore {
    /// Open (creating the file and its folder) and migrate. WAL mode with
    /// `synchronous = FULL`: a committed change survives power loss.
    pub async fn open(url: &str) -> anyhow::Result<SqliteStore> {
        use sqlx::sqlite::{
            SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
        };
        let opts = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(10));
        if let Some(path) = opts
            .get_filename()
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(path)?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await?;
        migrator(Kind::Sqlite).run(&pool).await?;
        Ok(SqlStore::with_pool(pool))
    }
}

impl PgStore {
    pub async fn open(url: &str) -> anyhow::Result<PgStore> {
        Self::open_in_schema(url, None).await
    }

    /// Open with every connection's `search_path` set to `schema` (created if missing):
    /// tests use a fresh schema each so that runs never see each other's rows.
    pub async fn open_in_schema(url: &str, schema: Option<&str>) -> anyhow::Result<PgStore> {
        use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
        let mut opts = PgConnectOptions::from_str(url)?;
        if let Some(schema) = schema {
            anyhow::ensure!(
                schema
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_'),
                "bad schema name"
            );
            let admin = PgPoolOptions::new()
                .max_connections(1)
                .connect_with(opts.clone())
                .await?;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "CREATE SCHEMA IF NOT EXISTS {schema}"
            )))
            .execute(&admin)
            .await?;
            admin.close().await;
            opts = opts.options([("search_path", schema)]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect_with(opts)
            .await?;
        migrator(Kind::Postgres).run(&pool).await?;
        Ok(SqlStore::with_pool(pool))
    }
}

/// Migrations, embedded: (version, description, SQLite's SQL, PostgreSQL's SQL). Each
/// database has its own folder; a version is the same change in both.
type Migrations = &'static [(i64, &'static str, &'static str, &'static str)];
const MIGRATIONS: Migrations = &[
    (
        1,
        "init",
        include_str!("../../migrations/sqlite/0001_init.sql"),
        include_str!("../../migrations/postgres/0001_init.sql"),
    ),
    (
        2,
        "accounts",
        include_str!("../../migrations/sqlite/0002_accounts.sql"),
        include_str!("../../migrations/postgres/0002_accounts.sql"),
    ),
    (
        3,
        "case units",
        include_str!("../../migrations/sqlite/0003_case_units.sql"),
        include_str!("../../migrations/postgres/0003_case_units.sql"),
    ),
    (
        4,
        "audit",
        include_str!("../../migrations/sqlite/0004_audit.sql"),
        include_str!("../../migrations/postgres/0004_audit.sql"),
    ),
    (
        5,
        "due index",
        include_str!("../../migrations/sqlite/0005_due_index.sql"),
        include_str!("../../migrations/postgres/0005_due_index.sql"),
    ),
    (
        6,
        "mechanisms",
        include_str!("../../migrations/sqlite/0006_mechanisms.sql"),
        include_str!("../../migrations/postgres/0006_mechanisms.sql"),
    ),
    (
        7,
        "referrals",
        include_str!("../../migrations/sqlite/0007_referrals.sql"),
        include_str!("../../migrations/postgres/0007_referrals.sql"),
    ),
    (
        8,
        "escalation",
        include_str!("../../migrations/sqlite/0008_escalation.sql"),
        include_str!("../../migrations/postgres/0008_escalation.sql"),
    ),
    (
        9,
        "mechanism escalation",
        include_str!("../../migrations/sqlite/0009_mechanism_escalation.sql"),
        include_str!("../../migrations/postgres/0009_mechanism_escalation.sql"),
    ),
    (
        10,
        "escalation step",
        include_str!("../../migrations/sqlite/0010_escalation_step.sql"),
        include_str!("../../migrations/postgres/0010_escalation_step.sql"),
    ),
    (
        11,
        "connected systems",
        include_str!("../../migrations/sqlite/0011_connected_systems.sql"),
        include_str!("../../migrations/postgres/0011_connected_systems.sql"),
    ),
    (
        12,
        "open311",
        include_str!("../../migrations/sqlite/0012_open311.sql"),
        include_str!("../../migrations/postgres/0012_open311.sql"),
    ),
    (
        13,
        "imports",
        include_str!("../../migrations/sqlite/0013_imports.sql"),
        include_str!("../../migrations/postgres/0013_imports.sql"),
    ),
    (
        14,
        "repeats",
        include_str!("../../migrations/sqlite/0014_repeats.sql"),
        include_str!("../../migrations/postgres/0014_repeats.sql"),
    ),
    (
        15,
        "open311 tokens",
        include_str!("../../migrations/sqlite/0015_open311_tokens.sql"),
        include_str!("../../migrations/postgres/0015_open311_tokens.sql"),
    ),
    (
        16,
        "board",
        include_str!("../../migrations/sqlite/0016_board.sql"),
        include_str!("../../migrations/postgres/0016_board.sql"),
    ),
    (
        17,
        "board slices",
        include_str!("../../migrations/sqlite/0017_board_slices.sql"),
        include_str!("../../migrations/postgres/0017_board_slices.sql"),
    ),
    (
        18,
        "idempotency keys",
        include_str!("../../migrations/sqlite/0018_idempotency_keys.sql"),
        include_str!("../../migrations/postgres/0018_idempotency_keys.sql"),
    ),
    (
        19,
        "list filter index",
        include_str!("../../migrations/sqlite/0019_list_filter_index.sql"),
        include_str!("../../migrations/postgres/0019_list_filter_index.sql"),
    ),
    (
        20,
        "transfer refs",
        include_str!("../../migrations/sqlite/0020_transfer_refs.sql"),
        include_str!("../../migrations/postgres/0020_transfer_refs.sql"),
    ),
    (
        21,
        "session activity",
        include_str!("../../migrations/sqlite/0021_session_activity.sql"),
        include_str!("../../migrations/postgres/0021_session_activity.sql"),
    ),
];

/// sqlx's migrator over the embedded files of one database (what `sqlx::migrate!`
/// generates, without the proc-macro and its build cost).
pub(super) fn migrator(kind: Kind) -> sqlx::migrate::Migrator {
    use sqlx::migrate::{Migration, MigrationType, Migrator};
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .map(|&(version, description, sqlite, postgres)| {
                let sql = match kind {
                    Kind::Sqlite => sqlite,
                    Kind::Postgres => postgres,
                };
                Migration::new(
                    version,
                    description.into(),
                    MigrationType::Simple,
                    sqlx::SqlStr::from_static(sql),
                    false,
                )
            })
            .collect(),
    )
}

#[cfg(test)]
mod migration_tests {
    /// A migration file left out of the embedded list would silently never run.
    #[test]
    fn every_migration_file_is_embedded() {
        for dir in ["sqlite", "postgres"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("migrations")
                .join(dir);
            let mut files: Vec<String> = std::fs::read_dir(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|n| n.ends_with(".sql"))
                .collect();
            files.sort();
            let embedded: Vec<String> = super::MIGRATIONS
                .iter()
                .map(|(v, d, _, _)| format!("{v:04}_{}.sql", d.replace(" ", "_")))
                .collect();
            assert_eq!(files, embedded, "{dir}");
        }
    }
}
