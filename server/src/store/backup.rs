//! Backup and restore of the embedded SQLite database (`duban backup`, `duban restore`).
//!
//! A backup is taken online with `VACUUM INTO`: one read transaction, so the copy is
//! the database as of one instant, while the server goes on reading and writing. It is
//! checked before it is reported (`PRAGMA integrity_check`, Duban's tables present).
//! A restore checks the backup the same way, refuses while a server holds the target,
//! and keeps the database it replaces beside it (`<file>.before-restore-<time>`), so a
//! restore never loses what was stored. PostgreSQL has its own tools (`pg_dump -Fc`,
//! `pg_restore`); these functions say so instead of wrapping them.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{Context, bail, ensure};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions as _, Connection as _};

/// What a backup or a restore holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    pub cases: i64,
    pub events: i64,
    pub bytes: u64,
}

const PG_GUIDANCE: &str = "PostgreSQL is backed up with its own tools: \
     `pg_dump -Fc -d <url> -f duban.dump` (online, consistent), and restored into an \
     empty database with `pg_restore -d <url> duban.dump`";

/// The SQLite file a database URL (or bare path) names; PostgreSQL URLs are refused
/// with the commands to use instead.
pub fn sqlite_path(database_url: &str) -> anyhow::Result<PathBuf> {
    let Some(url) = super::sqlite_url(database_url) else {
        bail!("{PG_GUIDANCE}");
    };
    let opts = SqliteConnectOptions::from_str(&url)
        .with_context(|| format!("not a SQLite URL or path: {database_url}"))?;
    let path = opts.get_filename().to_path_buf();
    ensure!(
        path.as_os_str() != ":memory:",
        "an in-memory database has nothing to back up"
    );
    Ok(path)
}

/// The folder a file lies in, when its path names one.
fn parent(path: &Path) -> Option<&Path> {
    path.parent().filter(|d| !d.as_os_str().is_empty())
}

/// Hold the database at `path` for this process: `duban serve` holds it while it
/// runs, and `duban restore` while it replaces it, so neither meets the other, nor a
/// second server (a running request's `Idempotency-Key` is known only to its process).
/// The lock is the operating system's, on `<file>.lock`: it goes with the process.
pub fn hold(path: &Path) -> anyhow::Result<std::fs::File> {
    if let Some(dir) = parent(path) {
        std::fs::create_dir_all(dir)?;
    }
    let lock = PathBuf::from(format!("{}.lock", path.display()));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock)
        .with_context(|| format!("cannot open {}", lock.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => bail!(
            "{} is in use by another Duban process (a running server?); stop it first",
            path.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock {}", lock.display()))
        }
    }
}

/// Check a Duban SQLite file: whole (`integrity_check`), and Duban's (its migrations
/// and tables are there).
pub async fn check(path: &Path) -> anyhow::Result<Checked> {
    ensure!(path.is_file(), "{} is not a file", path.display());
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .connect()
        .await
        .with_context(|| format!("cannot open {}", path.display()))?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .with_context(|| format!("{} is not a SQLite database", path.display()))?;
    ensure!(
        integrity == "ok",
        "{} is damaged: {integrity}",
        path.display()
    );
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' \
         AND name IN ('_sqlx_migrations', 'cases', 'case_events', 'audit_log')",
    )
    .fetch_one(&mut conn)
    .await?;
    ensure!(
        tables == 4,
        "{} is a SQLite database but not Duban's",
        path.display()
    );
    let cases: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases")
        .fetch_one(&mut conn)
        .await?;
    let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_events")
        .fetch_one(&mut conn)
        .await?;
    conn.close().await?;
    Ok(Checked {
        cases,
        events,
        bytes: std::fs::metadata(path)?.len(),
    })
}

/// Write a consistent copy of the live database `database_url` names to `to` (which
/// must not exist), then check it.
pub async fn backup(database_url: &str, to: &Path) -> anyhow::Result<Checked> {
    let from = sqlite_path(database_url)?;
    ensure!(from.is_file(), "no database at {}", from.display());
    ensure!(
        !to.exists(),
        "{} exists already; a backup never overwrites a file",
        to.display()
    );
    if let Some(dir) = parent(to) {
        std::fs::create_dir_all(dir)?;
    }
    let target = to
        .to_str()
        .with_context(|| format!("{} is not UTF-8", to.display()))?;
    // Not read-only: the first reader of a WAL database may have to create its index.
    let mut conn = SqliteConnectOptions::new()
        .filename(&from)
        .busy_timeout(std::time::Duration::from_secs(30))
        .connect()
        .await
        .with_context(|| format!("cannot open {}", from.display()))?;
    sqlx::query("VACUUM INTO ?")
        .bind(target)
        .execute(&mut conn)
        .await
        .with_context(|| format!("backing up {} to {}", from.display(), to.display()))?;
    conn.close().await?;
    check(to).await
}

/// Put the backup `from` in place of the database `database_url` names. The target
/// must not be in use (see [`hold`]); an existing target is kept beside it, never
/// deleted.
pub async fn restore(
    from: &Path,
    database_url: &str,
) -> anyhow::Result<(Checked, Option<PathBuf>)> {
    let checked = check(from)
        .await
        .with_context(|| format!("{} cannot be restored", from.display()))?;
    let to = sqlite_path(database_url)?;
    let _held = hold(&to)?;
    let aside = if to.exists() {
        let mut conn = SqliteConnectOptions::new()
            .filename(&to)
            .connect()
            .await
            .with_context(|| format!("cannot open {}", to.display()))?;
        // Its last changes may still be in the WAL: fold them in before it is moved.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut conn)
            .await?;
        // Closed before the files move: the last connection removes its WAL.
        conn.close().await?;
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        let aside = PathBuf::from(format!("{}.before-restore-{stamp}", to.display()));
        for ext in ["", "-wal", "-shm"] {
            let old = PathBuf::from(format!("{}{ext}", to.display()));
            if old.exists() {
                std::fs::rename(&old, format!("{}{ext}", aside.display()))
                    .with_context(|| format!("moving {} aside", old.display()))?;
            }
        }
        Some(aside)
    } else {
        if let Some(dir) = parent(&to) {
            std::fs::create_dir_all(dir)?;
        }
        None
    };
    // Copied under a temporary name and renamed: a crash leaves the old state or the
    // new one, never half a file under the database's name.
    let partial = PathBuf::from(format!("{}.restoring", to.display()));
    std::fs::copy(from, &partial)
        .with_context(|| format!("copying {} to {}", from.display(), partial.display()))?;
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, &to)?;
    if let Some(dir) = parent(&to) {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok((checked, aside))
}
