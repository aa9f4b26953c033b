//! Sampling the server: memory, threads and descriptors from `/proc/<pid>`, and the
//! database's size.

use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub(crate) struct Probe {
    pub(crate) t: f64,
    pub(crate) rss: f64,
    pub(crate) hwm: f64,
    pub(crate) threads: u64,
    pub(crate) fds: u64,
    pub(crate) sockets: u64,
    /// Database size in MiB (SQLite: the file; PostgreSQL: `pg_database_size`).
    pub(crate) db: f64,
    /// SQLite's WAL, in MiB.
    pub(crate) wal: f64,
    pub(crate) requests: u64,
    pub(crate) in_flight: u64,
    /// The machine's one-minute load average (other work shares its cores).
    pub(crate) load: f64,
}

pub(crate) fn threads(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

/// Open descriptors: (all, sockets). The sockets follow the connections the client
/// holds open, which grow with the requests in flight at a stall.
pub(crate) fn fds(pid: u32) -> (u64, u64) {
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return (0, 0);
    };
    dir.flatten().fold((0, 0), |(all, sockets), e| {
        let socket =
            std::fs::read_link(e.path()).is_ok_and(|t| t.to_string_lossy().starts_with("socket:"));
        (all + 1, sockets + u64::from(socket))
    })
}

pub(crate) fn mib(path: &Path) -> f64 {
    std::fs::metadata(path).map_or(0.0, |m| m.len() as f64 / 1048576.0)
}

pub(crate) enum Database {
    Sqlite(PathBuf),
    Pg { url: String, pool: sqlx::PgPool },
}

impl Database {
    pub(crate) async fn size(&self) -> (f64, f64) {
        match self {
            Database::Sqlite(p) => (mib(p), mib(Path::new(&format!("{}-wal", p.display())))),
            Database::Pg { pool, .. } => {
                let bytes: i64 = sqlx::query_scalar("SELECT pg_database_size(current_database())")
                    .fetch_one(pool)
                    .await
                    .unwrap_or(0);
                (bytes as f64 / 1048576.0, 0.0)
            }
        }
    }
}
