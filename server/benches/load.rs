//! The load harness: the real `duban` server at one million cases, driven over HTTP by
//! `wrk` at 64 connections, beside a naive axum + sqlx baseline measured in the same run
//! on the same machine, so that Duban's figures can be read as ratios to it.
//!
//! ```sh
//! apt-get install -y wrk
//! cargo bench -p duban-server --bench load
//! DUBAN_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/duban_bench \
//!   cargo bench -p duban-server --bench load
//! ```
//!
//! Per database: the seeded data set of the board bench (`seed`, `DUBAN_BENCH_CASES`,
//! default 1,000,000; kept and reused) is copied (SQLite: the file; PostgreSQL: a
//! database made from it as a template), so every run starts from the same state. The
//! baseline gets a table of as many rows. Then, each for `DUBAN_LOAD_SECONDS` (default
//! 10) at `DUBAN_LOAD_CONNECTIONS` (default 64):
//!
//! - Duban: `GET /api/v1/cases` (the first page of 50, and one filtered), `GET
//!   /api/v1/cases/{id}` (1,000 cases picked at random), `GET /api/v1/board` (the board
//!   bench's filters in turn), `POST /api/v1/cases` (a valid case, a fresh
//!   `Idempotency-Key` each time), signed in as a coordinator;
//! - baseline: a bare JSON handler, an insert of the same case as one row with one
//!   plain `INSERT … RETURNING` per request, and a list of the 50 newest full rows.
//!
//! Reported: requests/s, p50/p99 latency, errors (non-2xx and socket errors), the
//! server's peak RSS (`VmHWM`). The report is printed and written to
//! `target/load-bench/report-<database>.md`. The SLA sweeper is off during the run
//! (`--sweep-seconds 0`): its own figure comes from its own bench.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod seed;
mod serve;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serve::{Server, free_addr, http, memory, wait_until_up};

use serde_json::{Value, json};

const PASSWORD: &str = "load-bench-password";

/// A valid case as a coordinator registers it (the body of every intake request).
fn case_body() -> Value {
    json!({
        "channel": "inspection_phone",
        "batch_number": 3,
        "batch_date": "2026-11-02",
        "sender_ref": "D030123",
        "complainant_name": "张先生",
        "complainant_phone": "13912345678",
        "content": "镇江市京口区某化工企业夜间偷排废气，气味刺鼻，周边居民晚上不敢开窗。",
        "address": "镇江市京口区象山街道",
        "division": "321102",
        "lat": 32.2, "lon": 119.47,
        "categories": ["air"],
        "key_classes": [],
        "received_at": "2026-11-03T01:30:00Z"
    })
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.replace('_', "").parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(default)
}

/// One `wrk` run's figures.
#[derive(Debug, Clone)]
struct Figures {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    requests: u64,
    errors: u64,
}

fn millis(s: &str) -> f64 {
    let s = s.trim();
    let (num, unit) = s
        .find(|c: char| c.is_ascii_alphabetic())
        .map_or((s, "ms"), |i| s.split_at(i));
    let v: f64 = num.parse().unwrap_or(f64::NAN);
    match unit {
        "us" => v / 1000.0,
        "ms" => v,
        "s" => v * 1000.0,
        "m" => v * 60_000.0,
        _ => f64::NAN,
    }
}

/// Reads `wrk --latency` output (plus the script's count of non-2xx answers).
fn parse_wrk(out: &str) -> Figures {
    let mut f = Figures {
        rps: 0.0,
        p50_ms: f64::NAN,
        p99_ms: f64::NAN,
        requests: 0,
        errors: 0,
    };
    for line in out.lines() {
        let l = line.trim();
        if let Some(v) = l.strip_prefix("Requests/sec:") {
            f.rps = v.trim().parse().unwrap_or(0.0);
        } else if let Some(v) = l.strip_prefix("50%") {
            f.p50_ms = millis(v);
        } else if let Some(v) = l.strip_prefix("99%") {
            f.p99_ms = millis(v);
        } else if l.contains("requests in") {
            f.requests = l
                .split_whitespace()
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
        } else if let Some(v) = l.strip_prefix("Non-2xx or 3xx responses:") {
            f.errors += v.trim().parse::<u64>().unwrap_or(0);
        } else if let Some(v) = l.strip_prefix("Socket errors:") {
            // "connect 0, read 0, write 0, timeout 0"
            f.errors += v
                .split(',')
                .filter_map(|p| p.split_whitespace().nth(1))
                .filter_map(|n| n.parse::<u64>().ok())
                .sum::<u64>();
        }
    }
    f
}

/// A Lua string literal.
fn lua_str(s: &str) -> String {
    let mut out = String::from("\"");
    for b in s.bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03}")),
        }
    }
    out.push('"');
    out
}

/// A wrk script: the requests in turn (or a fresh idempotency key per request), with
/// the headers given.
fn script(
    dir: &Path,
    name: &str,
    method: &str,
    paths: &[String],
    headers: &[(String, String)],
    body: Option<&str>,
    fresh_key: bool,
) -> PathBuf {
    let mut lua = String::new();
    lua.push_str("-- generated by server/benches/load.rs\n");
    lua.push_str("local paths = {");
    for p in paths {
        lua.push_str(&lua_str(p));
        lua.push(',');
    }
    lua.push_str("}\n");
    lua.push_str("local headers = {");
    for (k, v) in headers {
        lua.push_str(&format!("[{}] = {},", lua_str(k), lua_str(v)));
    }
    if body.is_some() {
        lua.push_str("[\"Content-Type\"] = \"application/json\",");
    }
    lua.push_str("}\n");
    lua.push_str(&format!(
        "local body = {}\n",
        body.map_or("nil".to_owned(), lua_str)
    ));
    lua.push_str(&format!("local method = {}\n", lua_str(method)));
    lua.push_str(&format!(
        "local fresh_key = {}\nlocal run = {}\n",
        fresh_key,
        lua_str(&format!(
            "{}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ))
    ));
    lua.push_str(
        r#"local threads = {}
local thread_n = 0
function setup(thread)
  thread_n = thread_n + 1
  thread:set("tid", thread_n)
  table.insert(threads, thread)
end
local i = 0
function request()
  i = i + 1
  if fresh_key then
    headers["Idempotency-Key"] = run .. "-" .. tid .. "-" .. i
  end
  return wrk.format(method, paths[(i % #paths) + 1], headers, body)
end
local bad = 0
function response(status, hdrs, b)
  if status < 200 or status > 299 then
    bad = bad + 1
    if bad <= 3 then io.stderr:write("status " .. status .. ": " .. string.sub(b, 1, 300) .. "\n") end
  end
end
"#,
    );
    let path = dir.join(format!("{name}.lua"));
    std::fs::write(&path, lua).unwrap();
    path
}

fn wrk(addr: SocketAddr, script: &Path, seconds: u64, connections: u64) -> Figures {
    let out = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "--timeout",
            "10s",
            "--latency",
            "-s",
        ])
        .arg(script)
        .arg(format!("http://{addr}"))
        .output()
        .expect("wrk (apt-get install -y wrk)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !stderr.trim().is_empty() {
        eprintln!("{}", stderr.trim());
    }
    parse_wrk(&stdout)
}

/// One line of the report.
struct Row {
    name: String,
    figures: Figures,
    /// The baseline row this one is compared with, by name.
    baseline: Option<&'static str>,
}

// ---- the naive baseline ------------------------------------------------------------

/// The baseline server (this same program, started again with `DUBAN_LOAD_NAIVE`).
mod naive {
    use axum::extract::State;
    use axum::routing::get;
    use axum::{Json, Router};
    use serde_json::{Value, json};
    use sqlx::Row as _;

    #[derive(Clone)]
    enum Pool {
        Sqlite(sqlx::SqlitePool),
        Pg(sqlx::PgPool),
    }

    const COLUMNS: &str = "id, reference, division, status, received_at, body";

    fn row_json(
        id: i64,
        reference: String,
        division: String,
        status: String,
        received_at: String,
        body: String,
    ) -> Value {
        json!({
            "id": id, "reference": reference, "division": division, "status": status,
            "received_at": received_at,
            "case": serde_json::from_str::<Value>(&body).unwrap_or(Value::Null),
        })
    }

    macro_rules! fields {
        ($r:expr) => {
            row_json(
                $r.get(0),
                $r.get(1),
                $r.get(2),
                $r.get(3),
                $r.get(4),
                $r.get(5),
            )
        };
    }

    /// Insert the case as one row with one statement, and return it.
    async fn insert(State(pool): State<Pool>, Json(case): Json<Value>) -> Json<Value> {
        let reference = format!("N-{}", uuid_like());
        let division = case["division"].as_str().unwrap_or_default().to_owned();
        let received = case["received_at"].as_str().unwrap_or_default().to_owned();
        let body = case.to_string();
        let sql_sqlite = format!(
            "INSERT INTO naive_cases (reference, division, status, received_at, body) VALUES (?, ?, 'received', ?, ?) RETURNING {COLUMNS}"
        );
        let sql_pg = format!(
            "INSERT INTO naive_cases (reference, division, status, received_at, body) VALUES ($1, $2, 'received', $3, $4) RETURNING {COLUMNS}"
        );
        let v = match pool {
            Pool::Sqlite(p) => {
                let r = sqlx::query(sqlx::AssertSqlSafe(sql_sqlite))
                    .bind(reference)
                    .bind(division)
                    .bind(received)
                    .bind(body)
                    .fetch_one(&p)
                    .await
                    .unwrap();
                fields!(r)
            }
            Pool::Pg(p) => {
                let r = sqlx::query(sqlx::AssertSqlSafe(sql_pg))
                    .bind(reference)
                    .bind(division)
                    .bind(received)
                    .bind(body)
                    .fetch_one(&p)
                    .await
                    .unwrap();
                fields!(r)
            }
        };
        Json(v)
    }

    /// The 50 newest rows, in full.
    async fn list(State(pool): State<Pool>) -> Json<Value> {
        let sql = format!("SELECT {COLUMNS} FROM naive_cases ORDER BY id DESC LIMIT 50");
        let rows: Vec<Value> = match pool {
            Pool::Sqlite(p) => sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(&p)
                .await
                .unwrap()
                .iter()
                .map(|r| fields!(r))
                .collect(),
            Pool::Pg(p) => sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(&p)
                .await
                .unwrap()
                .iter()
                .map(|r| fields!(r))
                .collect(),
        };
        Json(json!({ "items": rows }))
    }

    fn uuid_like() -> String {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        format!(
            "{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        )
    }

    /// Open the baseline's database; with `rows`, its table is made to hold that many
    /// rows (filled anew when it holds another number).
    async fn open(url: &str, rows: Option<u64>) -> Pool {
        if url.starts_with("postgres") {
            let p = sqlx::postgres::PgPoolOptions::new()
                .max_connections(8)
                .connect(url)
                .await
                .unwrap();
            sqlx::query("CREATE TABLE IF NOT EXISTS naive_cases (id BIGSERIAL PRIMARY KEY, reference TEXT NOT NULL UNIQUE, division TEXT NOT NULL, status TEXT NOT NULL, received_at TEXT NOT NULL, body TEXT NOT NULL)")
                .execute(&p)
                .await
                .unwrap();
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM naive_cases")
                .fetch_one(&p)
                .await
                .unwrap();
            if let Some(rows) = rows.filter(|r| *r != n as u64) {
                sqlx::query("TRUNCATE naive_cases RESTART IDENTITY")
                    .execute(&p)
                    .await
                    .unwrap();
                sqlx::query("INSERT INTO naive_cases (reference, division, status, received_at, body) SELECT 'S-' || g, '321102', 'received', '2026-11-03T01:30:00Z', $1 FROM generate_series(1, $2) g")
                    .bind(super::case_body().to_string())
                    .bind(rows as i64)
                    .execute(&p)
                    .await
                    .unwrap();
                sqlx::query("VACUUM ANALYZE naive_cases")
                    .execute(&p)
                    .await
                    .unwrap();
            }
            Pool::Pg(p)
        } else {
            use sqlx::sqlite::{
                SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
            };
            use std::str::FromStr as _;
            // The settings Duban's own store uses, so the two write alike.
            let opts = SqliteConnectOptions::from_str(url)
                .unwrap()
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(std::time::Duration::from_secs(10));
            let p = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(opts)
                .await
                .unwrap();
            sqlx::query("CREATE TABLE IF NOT EXISTS naive_cases (id INTEGER PRIMARY KEY, reference TEXT NOT NULL UNIQUE, division TEXT NOT NULL, status TEXT NOT NULL, received_at TEXT NOT NULL, body TEXT NOT NULL)")
                .execute(&p)
                .await
                .unwrap();
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM naive_cases")
                .fetch_one(&p)
                .await
                .unwrap();
            if let Some(rows) = rows.filter(|r| *r != n as u64) {
                sqlx::query("DELETE FROM naive_cases")
                    .execute(&p)
                    .await
                    .unwrap();
                sqlx::query("WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < ?) INSERT INTO naive_cases (reference, division, status, received_at, body) SELECT 'S-' || x, '321102', 'received', '2026-11-03T01:30:00Z', ? FROM g")
                    .bind(rows as i64)
                    .bind(super::case_body().to_string())
                    .execute(&p)
                    .await
                    .unwrap();
            }
            Pool::Sqlite(p)
        }
    }

    pub fn prepare(url: &str, rows: u64) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            match open(url, Some(rows)).await {
                Pool::Sqlite(p) => p.close().await,
                Pool::Pg(p) => p.close().await,
            }
        });
    }

    pub fn serve(url: &str, addr: std::net::SocketAddr) {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let pool = open(url, None).await;
            let app = Router::new()
                .route("/healthz", get(|| async { "ok" }))
                .route("/naive/hello", get(|| async { Json(json!({"ok": true})) }))
                .route("/naive/cases", get(list).post(insert))
                .with_state(pool);
            let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    }
}

// ---- the run -----------------------------------------------------------------------

fn start_duban(db_url: &str, dir: &Path) -> Server {
    serve::add_user(db_url, "load", "coordinator", PASSWORD);
    serve::start_duban(
        db_url,
        dir,
        &["--sweep-seconds", "0", "--rate-limit", "0"],
        "warn",
    )
}

fn start_naive(db_url: &str, dir: &Path) -> Server {
    let addr = free_addr();
    let log = std::fs::File::create(dir.join("naive.log")).unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env("DUBAN_LOAD_NAIVE", db_url)
        .env("DUBAN_LOAD_NAIVE_ADDR", addr.to_string())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    wait_until_up(addr, &mut child, "baseline");
    Server { child, addr }
}

/// Signs in; the headers every request then carries (session and CSRF token).
fn sign_in(addr: SocketAddr) -> Vec<(String, String)> {
    serve::sign_in(addr, "load", PASSWORD)
}

const BOARD_QUERIES: [&str; 6] = [
    "",
    "?batch=50",
    "?city=320100",
    "?from=2026-09-03&to=2026-11-30",
    "?category=water&key=any",
    "?city=320500&from=2025-11-15&to=2026-11-14",
];

/// Requests loaded in one `wrk` run.
struct Scenario<'a> {
    row: &'static str,
    method: &'static str,
    /// Taken in turn.
    paths: Vec<String>,
    body: Option<&'a str>,
    /// A fresh `Idempotency-Key` per request.
    fresh_key: bool,
    /// The baseline row the figures are read against.
    baseline: Option<&'static str>,
}

/// The whole run against one database: Duban's scenarios, then the baseline's.
fn run_suite(
    name: &str,
    duban_url: &str,
    naive_url: &str,
    ids: &[String],
    n: u64,
    dir: &Path,
) -> (Vec<Row>, (f64, f64)) {
    let seconds = env_u64("DUBAN_LOAD_SECONDS", 10);
    let conns = env_u64("DUBAN_LOAD_CONNECTIONS", 64);
    let mut rows = Vec::new();
    let body = case_body().to_string();

    // The baseline first: its figures are what the rest is read against.
    naive::prepare(naive_url, n);
    {
        let naive = start_naive(naive_url, dir);
        let none: &[(String, String)] = &[];
        for (row, method, path, body, baseline) in [
            (
                "baseline: bare JSON handler",
                "GET",
                "/naive/hello",
                None,
                None,
            ),
            (
                "baseline: list 50 full rows",
                "GET",
                "/naive/cases",
                None,
                None,
            ),
            (
                "baseline: insert one row",
                "POST",
                "/naive/cases",
                Some(body.as_str()),
                None,
            ),
        ] {
            let s = script(
                dir,
                &format!("{name}-{}", path.replace('/', "_")),
                method,
                &[path.to_owned()],
                none,
                body,
                false,
            );
            let figures = wrk(naive.addr, &s, seconds, conns);
            println!("{name}: {row}: {figures:?}");
            rows.push(Row {
                name: row.to_owned(),
                figures,
                baseline,
            });
        }
    }

    let duban = start_duban(duban_url, dir);
    let auth = sign_in(duban.addr);
    let get = |row, paths: Vec<String>, baseline| Scenario {
        row,
        method: "GET",
        paths,
        body: None,
        fresh_key: false,
        baseline,
    };
    let runs = [
        get(
            "list, first page of 50",
            vec!["/api/v1/cases".to_owned()],
            Some("baseline: list 50 full rows"),
        ),
        get(
            "list, filtered (status and city)",
            vec!["/api/v1/cases?status=in_progress&division=320500".to_owned()],
            Some("baseline: list 50 full rows"),
        ),
        get(
            "case by id (1,000 at random)",
            ids.iter().map(|id| format!("/api/v1/cases/{id}")).collect(),
            Some("baseline: bare JSON handler"),
        ),
        get(
            "board (six filters in turn)",
            BOARD_QUERIES
                .iter()
                .map(|q| format!("/api/v1/board{q}"))
                .collect(),
            None,
        ),
        Scenario {
            row: "intake: POST a case (fresh Idempotency-Key)",
            method: "POST",
            paths: vec!["/api/v1/cases".to_owned()],
            body: Some(body.as_str()),
            fresh_key: true,
            baseline: Some("baseline: insert one row"),
        },
    ];
    for (i, sc) in runs.into_iter().enumerate() {
        let Scenario {
            row,
            method,
            paths,
            body,
            fresh_key: fresh,
            baseline,
        } = sc;
        // Each path answers before it is loaded: a wrong path would measure errors.
        let probe = http(
            duban.addr,
            method,
            &paths[0],
            &auth
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .chain(fresh.then_some(("Idempotency-Key", "probe")))
                .collect::<Vec<_>>(),
            body,
        );
        assert!(
            (200..300).contains(&probe.0),
            "{row}: {} {}: {} {}",
            method,
            paths[0],
            probe.0,
            probe.2
        );
        let s = script(
            dir,
            &format!("{name}-duban-{i}"),
            method,
            &paths,
            &auth,
            body,
            fresh,
        );
        let figures = wrk(duban.addr, &s, seconds, conns);
        let (peak, now) = memory(duban.pid());
        println!("{name}: {row}: {figures:?}; RSS {now:.0} MiB (peak {peak:.0} MiB)");
        rows.push(Row {
            name: row.to_owned(),
            figures,
            baseline,
        });
    }
    let mem = memory(duban.pid());
    (rows, mem)
}

fn report(name: &str, n: u64, rows: &[Row], (peak, now): (f64, f64)) -> String {
    let mut out = format!(
        "### {name}, {n} cases\n\n| scenario | req/s | p50 | p99 | errors | vs baseline |\n| --- | --- | --- | --- | --- | --- |\n"
    );
    for r in rows {
        let f = &r.figures;
        let ratio = r
            .baseline
            .and_then(|b| rows.iter().find(|x| x.name == b))
            .map(|b| {
                format!(
                    "{:.2}× {}",
                    f.rps / b.figures.rps,
                    b.name.trim_start_matches("baseline: ")
                )
            })
            .unwrap_or_default();
        out.push_str(&format!(
            "| {} | {:.0} | {:.2} ms | {:.2} ms | {} of {} | {} |\n",
            r.name, f.rps, f.p50_ms, f.p99_ms, f.errors, f.requests, ratio
        ));
    }
    out.push_str(&format!(
        "\nDuban's server: peak RSS {peak:.0} MiB, {now:.0} MiB at the end.\n"
    ));
    out
}

fn main() {
    if let Ok(url) = std::env::var("DUBAN_LOAD_NAIVE") {
        let addr = std::env::var("DUBAN_LOAD_NAIVE_ADDR")
            .unwrap()
            .parse()
            .unwrap();
        naive::serve(&url, addr);
        return;
    }
    // `cargo bench` passes `--bench`; nothing else is taken.
    if Command::new("wrk").arg("--version").output().is_err() {
        eprintln!("load: wrk is missing: apt-get install -y wrk");
        std::process::exit(1);
    }
    let n = seed::cases_wanted();
    let dir = seed::out_dir("load-bench");
    let rt = seed::runtime();
    let pick_ids = |db: &seed::Db| -> Vec<String> {
        rt.block_on(async {
            let sql = "SELECT CAST(id AS TEXT) FROM cases ORDER BY random() LIMIT 1000";
            on_pool!(&db.pool, |p| sqlx::query_scalar::<_, String>(sql)
                .fetch_all(p)
                .await
                .unwrap())
        })
    };
    let mut reports = Vec::new();

    // SQLite.
    let (db, seeded) = rt.block_on(seed::sqlite_seeded(n));
    let ids = pick_ids(&db);
    rt.block_on(db.close());
    let copy = dir.join(format!("duban-{}.db", seed::label(n)));
    let t = Instant::now();
    seed::copy_sqlite(&seeded, &copy);
    println!(
        "sqlite: copied the seed in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let duban_url = format!("sqlite://{}", copy.display());
    let naive_url = format!(
        "sqlite://{}",
        dir.join(format!("naive-{}.db", seed::label(n))).display()
    );
    let (rows, mem) = run_suite("sqlite", &duban_url, &naive_url, &ids, n, &dir);
    reports.push(report("SQLite", n, &rows, mem));

    // PostgreSQL.
    match std::env::var("DUBAN_BENCH_POSTGRES_URL") {
        Err(_) => println!(
            "postgres: skipped; set DUBAN_BENCH_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/duban_bench)"
        ),
        Ok(url) => {
            let db = rt.block_on(seed::pg_seeded(&url, n));
            let ids = pick_ids(&db);
            rt.block_on(db.close());
            let (base, seed_db) = url.rsplit_once('/').expect("a database in the URL");
            let naive_db = format!("{seed_db}_naive");
            let load_url = rt.block_on(async {
                let t = Instant::now();
                let load_url = seed::pg_copy(&url, "load").await;
                println!(
                    "postgres: copied the seed in {:.1} s",
                    t.elapsed().as_secs_f64()
                );
                seed::pg_database(&format!("{base}/{naive_db}"), false).await;
                load_url
            });
            let (rows, mem) = run_suite(
                "postgres",
                &load_url,
                &format!("{base}/{naive_db}"),
                &ids,
                n,
                &dir,
            );
            reports.push(report("PostgreSQL", n, &rows, mem));
        }
    }
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    println!("\n## Load ({cores} cores)\n");
    for (r, name) in reports.iter().zip(["sqlite", "postgres"]) {
        println!("{r}");
        std::fs::write(dir.join(format!("report-{name}.md")), r).unwrap();
    }
}
