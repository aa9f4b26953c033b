//! The SLA sweep at provincial scale.
//!
//! 1. In memory (criterion): the sweeper's decision, `lifecycle::escalate`, and the
//!    clocks' status, over open cases of the seed's mix holding one million running
//!    clocks (`DUBAN_SWEEP_CLOCKS`), a day after the seed's "now".
//! 2. Through the server: `AppState::sweep` on a copy of the seeded database (the board
//!    bench's seed, `DUBAN_BENCH_CASES`, default 1,000,000), at the seed's "now" (nothing
//!    due), then an hour, a day and a week later, each pass firing what came due since
//!    the last: cases, steps and time per pass.
//!
//! ```sh
//! cargo bench -p duban-server --bench sweep
//! DUBAN_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/duban_bench cargo bench -p duban-server --bench sweep
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod seed;

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use criterion::Criterion;
use duban_calendar::Calendar;
use duban_case::lifecycle;
use duban_server::service::AppState;

fn in_memory(c: &mut Criterion) {
    let clocks = std::env::var("DUBAN_SWEEP_CLOCKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000usize);
    let t = Instant::now();
    let cases = seed::open_cases(clocks, 20_000);
    let running: usize = cases
        .iter()
        .map(|c| c.clocks().iter().filter(|k| !k.is_stopped()).count())
        .sum();
    println!(
        "in memory: {} open cases holding {running} running clocks, built in {:.1} s",
        cases.len(),
        t.elapsed().as_secs_f64()
    );
    let cal = Calendar::official();
    let at = seed::now() + TimeDelta::days(1);
    let due: usize = cases
        .iter()
        .map(|c| lifecycle::escalate(c, at, cal, "system").len())
        .sum();
    println!("in memory: {due} escalation steps due a day after the seed's now");
    let mut g = c.benchmark_group("sweep_1m_clocks");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    g.bench_function("escalate", |b| {
        b.iter(|| {
            cases
                .iter()
                .map(|c| lifecycle::escalate(black_box(c), at, cal, "system").len())
                .sum::<usize>()
        })
    });
    g.bench_function("clock_status", |b| {
        b.iter(|| {
            cases
                .iter()
                .flat_map(|c| c.clocks())
                .filter(|k| !k.is_stopped())
                .map(|k| black_box(k.status(at, cal)).seconds_left)
                .fold(0i64, i64::wrapping_add)
        })
    });
    g.finish();
}

/// One sweep pass through the server at `at`.
struct Pass {
    label: &'static str,
    cases: u64,
    steps: u64,
    seconds: f64,
}

async fn passes(name: &str, store: Arc<dyn duban_server::store::Store>) -> Vec<Pass> {
    let base = seed::now();
    let clock_at = Arc::new(std::sync::Mutex::new(base));
    let read = clock_at.clone();
    let state = AppState::with_clock(store, Arc::new(move || *read.lock().expect("clock lock")))
        .await
        .unwrap();
    let mut out = Vec::new();
    let plan: [(&'static str, DateTime<Utc>); 4] = [
        ("at the seed's now (nothing due)", base),
        ("one hour later", base + TimeDelta::hours(1)),
        ("one day later", base + TimeDelta::days(1)),
        ("one week later", base + TimeDelta::days(7)),
    ];
    for (label, at) in plan {
        *clock_at.lock().expect("clock lock") = at;
        let t = Instant::now();
        let report = state.sweep(at).await.unwrap();
        let seconds = t.elapsed().as_secs_f64();
        println!(
            "{name}: sweep {label}: {} cases, {} steps, {} conflicts in {seconds:.3} s",
            report.cases, report.steps, report.conflicts
        );
        out.push(Pass {
            label,
            cases: report.cases,
            steps: report.steps,
            seconds,
        });
    }
    out
}

fn table(name: &str, n: u64, open: i64, rows: &[Pass]) -> String {
    let mut s = format!(
        "### {name}, {} cases ({open} with a pending escalation)\n\n| pass | cases | steps | time | cases/s |\n| --- | --- | --- | --- | --- |\n",
        seed::label(n)
    );
    for r in rows {
        s.push_str(&format!(
            "| {} | {} | {} | {:.3} s | {:.0} |\n",
            r.label,
            r.cases,
            r.steps,
            r.seconds,
            r.cases as f64 / r.seconds.max(1e-9)
        ));
    }
    s
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    in_memory(&mut c);

    let n = seed::cases_wanted();
    let dir = seed::out_dir("sweep-bench");
    let rt = seed::runtime();
    let pending = "SELECT COUNT(*) FROM cases WHERE next_escalation_at IS NOT NULL";
    let mut tables = Vec::new();

    let (db, seeded) = rt.block_on(seed::sqlite_seeded(n));
    rt.block_on(db.close());
    let copy = dir.join(format!("sweep-{}.db", seed::label(n)));
    seed::copy_sqlite(&seeded, &copy);
    let db = rt.block_on(seed::open_sqlite(&copy));
    let open = rt.block_on(db.scalar(pending));
    let rows = rt.block_on(passes("sqlite", db.store.clone()));
    tables.push(table("SQLite", n, open, &rows));
    rt.block_on(db.close());
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", copy.display()));
    }

    match std::env::var("DUBAN_BENCH_POSTGRES_URL") {
        Err(_) => println!(
            "postgres: skipped; set DUBAN_BENCH_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/duban_bench)"
        ),
        Ok(url) => {
            let db = rt.block_on(seed::pg_seeded(&url, n));
            rt.block_on(db.close());
            let copy = rt.block_on(seed::pg_copy(&url, "sweep"));
            let db = rt.block_on(seed::open_pg(&copy));
            let open = rt.block_on(db.scalar(pending));
            let rows = rt.block_on(passes("postgres", db.store.clone()));
            tables.push(table("PostgreSQL", n, open, &rows));
            rt.block_on(db.close());
        }
    }
    let report = tables.join("\n");
    println!("\n## Sweep through the server\n\n{report}");
    std::fs::write(dir.join("report.md"), report).unwrap();
    c.final_summary();
}
