//! The map board (挂图作战) at one million cases, on SQLite and on PostgreSQL.
//!
//! Cases are built through the real life cycle (draft → `NewCase::parse` → receive →
//! decide/apply, with the sweeper's `escalate` before every step and at the end) and go
//! in through `Store::insert_cases`, which keeps the board's facts and cells in the same
//! transaction. The seeded databases are kept and reused (`meta.bench_seed`).
//!
//! ```sh
//! cargo bench -p duban-server --bench board
//! DUBAN_BENCH_CASES=20000 cargo bench -p duban-server --bench board
//! DUBAN_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/duban_bench cargo bench -p duban-server --bench board
//! ```
//!
//! `DUBAN_BENCH_CASES` (default 1,000,000) sets the size; SQLite lives in
//! `target/board-bench/board-<size>.db`; PostgreSQL in the database the URL names
//! (created when missing; dropped and seeded anew when it holds another size or an
//! interrupted seed). `DUBAN_BENCH_WRITERS` sets how many transactions write at once
//! while seeding PostgreSQL (default 2; SQLite always uses one writer).
//! `DUBAN_BENCH_RECOUNT=1` counts the board anew from the cases before measuring, as a
//! server does at start-up after a layout change.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod seed;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode};
use duban_board::filter::{BoardFilter, BoardQuery};
use seed::Db;

/// The board's queries benchmarked: (name, filter).
fn filters() -> Vec<(&'static str, BoardFilter)> {
    let q = |f: fn(&mut BoardQuery)| {
        let mut q = BoardQuery::default();
        f(&mut q);
        BoardFilter::parse(&q).unwrap()
    };
    vec![
        ("no_filter", q(|_| {})),
        ("one_batch", q(|q| q.batch = "50".into())),
        ("city_320100", q(|q| q.city = "320100".into())),
        (
            "last_90_days",
            q(|q| {
                q.from = "2026-09-03".into();
                q.to = "2026-11-30".into();
            }),
        ),
        (
            "water_key_any",
            q(|q| {
                q.category = "water".into();
                q.key = "any".into();
            }),
        ),
        (
            "city_320500_one_year",
            q(|q| {
                q.city = "320500".into();
                q.from = "2025-11-15".into();
                q.to = "2026-11-14".into();
            }),
        ),
    ]
}

/// Row counts and a sanity check, printed once per database.
async fn describe(db: &Db, n: u64) {
    let facts = db.scalar("SELECT COUNT(*) FROM board_facts").await;
    let cells = db
        .pairs("SELECT grain, COUNT(*) FROM board_cells GROUP BY grain ORDER BY grain")
        .await;
    let names = [
        "",
        "day × batch",
        "month × division",
        "month × city:unit",
        "day × city:batch",
    ];
    println!("{}: board_facts {facts} rows", db.name);
    for (g, c) in &cells {
        let name = names.get(*g as usize).copied().unwrap_or("?");
        println!("{}: board_cells grain {g} ({name}) {c} rows", db.name);
    }
    let all = db.store.board(&BoardFilter::default()).await.unwrap();
    let m = all
        .divisions
        .iter()
        .fold(duban_board::fact::Measures::default(), |a, (_, m)| {
            a.plus(m)
        });
    println!(
        "{}: board totals: {} cases, {} key, {} open ({} overdue), {} closed, {} stage-closed, {} on time, {} late, {} divisions, {} units, {} batches, {} days",
        db.name,
        m.total,
        m.key_cases,
        m.open,
        m.overdue,
        m.closed,
        m.stage_closed,
        m.on_time,
        m.late,
        all.divisions.len(),
        all.units.len(),
        all.batches.len(),
        all.days.len()
    );
    assert_eq!(m.total, n as i64, "the board counts every case once");
    for (name, f) in filters() {
        let d = db.store.board(&f).await.unwrap();
        let total: i64 = d.divisions.iter().map(|(_, m)| m.total).sum();
        let by_day: i64 = d.days.iter().map(|(_, m)| m.total).sum();
        println!(
            "{}: {name}: {total} cases on the map ({by_day} by day), {} divisions, {} units, {} days",
            db.name,
            d.divisions.len(),
            d.units.len(),
            d.days.len()
        );
    }
}

fn bench_db(c: &mut Criterion, rt: &tokio::runtime::Runtime, db: &Db, n: u64) {
    rt.block_on(describe(db, n));
    let mut g = c.benchmark_group(format!("board_{}_{n}", db.name));
    g.sample_size(20)
        .measurement_time(Duration::from_secs(5))
        .warm_up_time(Duration::from_secs(1))
        .sampling_mode(SamplingMode::Flat);
    for (name, f) in filters() {
        g.bench_function(name, |b| {
            b.iter(|| black_box(rt.block_on(db.store.board(black_box(&f))).unwrap()))
        });
    }
    g.bench_function("naive_facts_scan", |b| {
        b.iter(|| black_box(rt.block_on(db.naive_scan())))
    });
    g.finish();
}

fn main() {
    let mut c = Criterion::default()
        .sample_size(20)
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let n = seed::cases_wanted();

    // SQLite.
    let (db, _) = rt.block_on(seed::sqlite_seeded(n));
    bench_db(&mut c, &rt, &db, n);
    rt.block_on(db.close());

    // PostgreSQL.
    match std::env::var("DUBAN_BENCH_POSTGRES_URL") {
        Err(_) => println!(
            "postgres: skipped; set DUBAN_BENCH_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/duban_bench)"
        ),
        Ok(url) => {
            let db = rt.block_on(seed::pg_seeded(&url, n));
            bench_db(&mut c, &rt, &db, n);
            rt.block_on(db.close());
        }
    }
    c.final_summary();
}
