//! The soak: the real `duban serve` for ten minutes of mixed load at a steady,
//! open-loop rate on loopback, with the SLA sweeper on, counting every error and
//! watching the server's memory, file descriptors and database size.
//!
//! ```sh
//! cargo bench -p duban-server --bench soak
//! DUBAN_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/duban_bench \
//!   cargo bench -p duban-server --bench soak
//! DUBAN_SOAK_SECONDS=60 DUBAN_SOAK_RATE=50 cargo bench -p duban-server --bench soak  # a quick look
//! ```
//!
//! The database is fresh: a new SQLite file (`target/soak/soak.db`, removed after a
//! passing run), or, with `DUBAN_BENCH_POSTGRES_URL`, a database `<its name>_soak` made
//! beside the one the URL names and dropped after the run (the named one is not touched).
//! The server runs with `--sweep-seconds 5 --rate-limit 0`; `DUBAN_SOAK_COORDINATORS`
//! (default 4) coordinators are made with `duban user add` and sign in.
//!
//! Every `1 / DUBAN_SOAK_RATE` seconds (default 100 requests/s) one request of the mix
//! is sent, whatever the earlier ones are doing (open loop; at most 1,000 in flight, more
//! counts as an error), for `DUBAN_SOAK_SECONDS` (default 600), each for a coordinator in
//! turn:
//!
//! | share | request |
//! | --- | --- |
//! | 18 % | `POST /api/v1/cases`, a fresh `Idempotency-Key`; three in four received now (these are then taken through their life cycle), one in four received 1–20 days ago (the sweeper escalates those; they are only read) |
//! | 20 % | `POST /api/v1/cases/{id}/actions`, the next step of one of the coordinator's open cases with its `If-Match` version: dispatch, sign for, start handling, pause, resume, report, approve |
//! | 15 % | `GET /api/v1/cases` (first page; one in three the next page by cursor) |
//! | 11 % | `GET /api/v1/cases?…` filtered (status, city, category, batch, days, key) |
//! | 17 % | `GET /api/v1/cases/{id}` |
//! | 9 % | `GET /api/v1/cases/{id}/events` |
//! | 8 % | `GET /api/v1/board` (six filters in turn) |
//! | 1 % | `GET /api/v1/inbox` (up to 200 full cases per status it lists) |
//! | 0.7 % | `GET /api/v1/cases/export.csv` (a batch's cases; every other one for one city) |
//! | 0.3 % | `GET /api/v1/cases/export.xlsx` (likewise) |
//!
//! On top of the rate: every `DUBAN_SOAK_IMPORT_SECONDS` (default 30) a transfer list of
//! 20 rows is imported (`POST /api/v1/import/commit`, CSV), and every 15 s a deliberate
//! race: the same step of one case sent twice at once with the same `If-Match`, where
//! exactly one `200` and one `409 version.conflict` is the right answer (anything else is
//! an error). Every other answer that is not 2xx, every transport error and every
//! request over 30 s is an error.
//!
//! Every 10 s the server's `VmRSS`, `VmHWM`, threads and open file descriptors (from
//! `/proc/<pid>`), the database's size and the machine's load average are sampled. Memory is flat when the mean RSS
//! of the last third of the run exceeds that of the middle third (the first third is
//! warm-up) by no more than 16 MiB or 10 %, whichever is larger; open descriptors other
//! than sockets (which follow the client's connections) are flat when their mean grows
//! by no more than 32 between the same thirds. The run fails
//! (exit code 1) on any error or on growth beyond that. The report, with p50/p99 latency
//! per request type per minute (measured from the moment the request was due, so a
//! stall is not hidden), is printed and written to `target/soak/report-<database>.md`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
#[path = "../seed/mod.rs"]
mod seed;
#[path = "../serve/mod.rs"]
mod serve;

mod client;
mod mix;
mod report;
mod sampling;

use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use client::{Coordinator, Run};
use mix::{Mix, Op};
use report::report;
use sampling::{Database, Probe, fds, threads};

const PASSWORD: &str = "soak-bench-password";
/// Seconds between samples of the server's memory and descriptors.
const SAMPLE_SECONDS: u64 = 10;
/// Requests in flight beyond which a due request is not sent (and counted as an error).
const MAX_IN_FLIGHT: usize = 1000;
const TIMEOUT: Duration = Duration::from_secs(30);
/// Rows of each imported transfer list.
const IMPORT_ROWS: usize = 20;
const RACE_SECONDS: u64 = 15;
/// Memory growth allowed between the middle and the last third: the larger of these.
const GROWTH_MIB: f64 = 16.0;
const GROWTH_SHARE: f64 = 0.10;
const FD_GROWTH: f64 = 32.0;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.replace('_', "").parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(default)
}

/// The log without its colours (`tracing-subscriber` writes them to files too).
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

async fn drop_pg(url: &str) {
    use sqlx::Connection as _;
    let (base, name) = url.rsplit_once('/').unwrap();
    let mut admin = sqlx::PgConnection::connect(&format!("{base}/postgres"))
        .await
        .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await
    .unwrap();
}

fn main() {
    let rate = env_u64("DUBAN_SOAK_RATE", 100);
    let seconds = env_u64("DUBAN_SOAK_SECONDS", 600);
    let n_coords = env_u64("DUBAN_SOAK_COORDINATORS", 4);
    let import_seconds = env_u64("DUBAN_SOAK_IMPORT_SECONDS", 30);
    let dir = seed::out_dir("soak");
    let rt = seed::runtime();

    // A fresh database.
    let (name, file, db_url, database) = match std::env::var("DUBAN_BENCH_POSTGRES_URL") {
        Ok(url) => {
            let (base, named) = url.rsplit_once('/').expect("a database in the URL");
            let named = named.split('?').next().unwrap_or(named);
            let soak_url = format!("{base}/{named}_soak");
            let pool = rt.block_on(async {
                seed::pg_database(&soak_url, true).await;
                sqlx::postgres::PgPoolOptions::new()
                    .max_connections(1)
                    .connect(&soak_url)
                    .await
                    .unwrap()
            });
            println!("postgres: fresh database {soak_url}");
            (
                "PostgreSQL",
                "postgres",
                soak_url.clone(),
                Database::Pg {
                    url: soak_url,
                    pool,
                },
            )
        }
        Err(_) => {
            let path = dir.join("soak.db");
            for ext in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
            }
            println!("sqlite: fresh database {}", path.display());
            (
                "SQLite",
                "sqlite",
                format!("sqlite://{}?mode=rwc", path.display()),
                Database::Sqlite(path),
            )
        }
    };

    let users: Vec<String> = (1..=n_coords).map(|i| format!("soak{i}")).collect();
    for u in &users {
        serve::add_user(&db_url, u, "coordinator", PASSWORD);
    }
    let server = serve::start_duban(
        &db_url,
        &dir,
        &["--sweep-seconds", "5", "--rate-limit", "0"],
        "warn,duban=info",
    );
    let pid = server.pid();
    let coords: Vec<Coordinator> = users
        .iter()
        .map(|u| Coordinator {
            headers: serve::sign_in(server.addr, u, PASSWORD),
            open: Mutex::new(VecDeque::new()),
            ids: Mutex::new(Vec::new()),
            cursor: Mutex::new(None),
        })
        .collect();

    let run = Run::new(
        Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build_http(),
        format!("http://{}", server.addr),
        coords,
    );

    // Every request of the mix answers before the run: a wrong body would only measure
    // errors. One case of each kind is taken through the whole life cycle.
    rt.block_on(async {
        let run = &run;
        let c = &run.coords[0];
        let t = Instant::now();
        run.create(t, c, 0, false).await;
        run.create(t, c, 1, true).await;
        for _ in 0..7 {
            run.action(t, c).await;
        }
        for op in [
            Op::List,
            Op::List,
            Op::Case,
            Op::Events,
            Op::Board,
            Op::Inbox,
            Op::ExportCsv,
            Op::ExportXlsx,
        ] {
            for r in 0..6 {
                run.read(op, t, c, r).await;
            }
        }
        for r in 0..6 {
            run.read(Op::ListFiltered, t, c, r).await;
        }
        run.import(t, c, 0).await;
        let errors = run.errors.lock().unwrap();
        assert!(
            errors.is_empty() && run.closed.load(Ordering::Relaxed) == 1,
            "the probe requests failed: {errors:?} {:?}",
            run.error_bodies.lock().unwrap()
        );
    });
    // The probes are not part of the run.
    let run = Arc::new(Run::new(run.http.clone(), run.base.clone(), run.coords));

    println!(
        "soak: {name}, {rate} requests/s for {seconds} s, {} coordinators (pid {pid}, http://{})",
        run.coords.len(),
        server.addr
    );

    let probes: Vec<Probe> = rt.block_on(async {
        let end = run.started + Duration::from_secs(seconds);
        // The sampler.
        let sampler = {
            let run = run.clone();
            let database = &database;
            async move {
                let mut probes = Vec::new();
                let mut tick = tokio::time::interval(Duration::from_secs(SAMPLE_SECONDS));
                loop {
                    tick.tick().await;
                    let (hwm, rss) = serve::memory(pid);
                    let (db, wal) = database.size().await;
                    let p = Probe {
                        t: run.started.elapsed().as_secs_f64(),
                        rss,
                        hwm,
                        threads: threads(pid),
                        fds: fds(pid).0,
                        sockets: fds(pid).1,
                        db,
                        wal,
                        requests: run.samples.lock().unwrap().len() as u64,
                        in_flight: run.in_flight.load(Ordering::Relaxed),
                        load: std::fs::read_to_string("/proc/loadavg")
                            .ok()
                            .and_then(|l| l.split_whitespace().next()?.parse().ok())
                            .unwrap_or(f64::NAN),
                    };
                    let errors: u64 = run.errors.lock().unwrap().values().sum();
                    println!(
                        "  {:>4.0} s  RSS {:>6.1} MiB  fds {:>4} ({:>4} sockets)  threads {:>3}  db {:>7.1} MiB  wal {:>5.1} MiB  answered {:>6}  in flight {:>3}  load {:>4.1}  errors {errors}",
                        p.t, p.rss, p.fds, p.sockets, p.threads, p.db, p.wal, p.requests, p.in_flight, p.load
                    );
                    probes.push(p);
                    if Instant::now() >= end {
                        return probes;
                    }
                }
            }
        };
        // The imports and the races, on their own clocks.
        let periodic = |every: u64, op: Op| {
            let run = run.clone();
            tokio::spawn(async move {
                let mut k: u64 = 1;
                let mut tick = tokio::time::interval_at(
                    tokio::time::Instant::now() + Duration::from_secs(every),
                    Duration::from_secs(every),
                );
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                while Instant::now() + Duration::from_secs(1) < end {
                    tick.tick().await;
                    let c = &run.coords[(k % run.coords.len() as u64) as usize];
                    let due = Instant::now();
                    if op == Op::Import {
                        run.import(due, c, k).await;
                    } else {
                        run.race(due, c).await;
                    }
                    k += 1;
                }
            })
        };
        let imports = periodic(import_seconds, Op::Import);
        let races = periodic(RACE_SECONDS, Op::Race);
        // The steady rate.
        let driver = {
            let run = run.clone();
            tokio::spawn(async move {
                let mut mix = Mix(0x2026_1203);
                let period = Duration::from_secs_f64(1.0 / rate as f64);
                let mut tasks = tokio::task::JoinSet::new();
                let mut n_create: u64 = 0;
                for i in 0u64.. {
                    let due = run.started + period.mul_f64(i as f64);
                    if due >= end {
                        break;
                    }
                    tokio::time::sleep_until(due.into()).await;
                    while tasks.try_join_next().is_some() {}
                    if tasks.len() >= MAX_IN_FLIGHT {
                        run.error("client: over 1,000 requests in flight".into(), "");
                        continue;
                    }
                    let op = mix.op();
                    let r = mix.next();
                    let ci = (i % run.coords.len() as u64) as usize;
                    let n = if op == Op::Create {
                        n_create += 1;
                        n_create
                    } else {
                        0
                    };
                    let run = run.clone();
                    tasks.spawn(async move {
                        run.in_flight.fetch_add(1, Ordering::Relaxed);
                        let c = &run.coords[ci];
                        match op {
                            // Case numbers start at 2: the probes used 0 and 1.
                            Op::Create => run.create(due, c, n + 1, r.is_multiple_of(4)).await,
                            Op::Action => run.action(due, c).await,
                            op => run.read(op, due, c, r).await,
                        }
                        run.in_flight.fetch_sub(1, Ordering::Relaxed);
                    });
                }
                while tasks.join_next().await.is_some() {}
            })
        };
        let probes = sampler.await;
        driver.await.unwrap();
        imports.await.unwrap();
        races.await.unwrap();
        probes
    });
    let elapsed = run.started.elapsed().as_secs_f64();
    let (hwm, rss) = serve::memory(pid);
    println!("soak: done in {elapsed:.0} s; RSS {rss:.1} MiB (peak {hwm:.1} MiB)");
    drop(server);
    let log = strip_ansi(&std::fs::read_to_string(dir.join("duban.log")).unwrap_or_default());
    let verdict = report(
        name,
        &run,
        rate,
        seconds,
        import_seconds,
        &probes,
        &log,
        elapsed,
    );
    let path = dir.join(format!("report-{file}.md"));
    std::fs::write(&path, &verdict.text).unwrap();
    println!("\n{}\n(written to {})", verdict.text, path.display());
    match database {
        Database::Pg { url, pool } => rt.block_on(async {
            pool.close().await;
            drop_pg(&url).await;
            println!("postgres: dropped {url}");
        }),
        Database::Sqlite(path) => {
            if verdict.pass && std::env::var("DUBAN_SOAK_KEEP").is_err() {
                for ext in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
                }
            }
        }
    }
    if !verdict.pass {
        std::process::exit(1);
    }
}
