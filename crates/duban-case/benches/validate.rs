//! Validation of a typical case draft (what the browser runs on every keystroke).

use std::hint::black_box;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use duban_case::draft::NewCase;

mod draft;

fn bench(c: &mut Criterion) {
    let now = Utc
        .with_ymd_and_hms(2025, 6, 3, 2, 0, 0)
        .single()
        .unwrap_or_default();
    let draft = draft::typical();
    c.bench_function("NewCase::parse (valid)", |b| {
        b.iter(|| black_box(NewCase::parse(black_box(&draft), now)))
    });
    let bad = draft::with_two_errors();
    c.bench_function("NewCase::parse (two errors)", |b| {
        b.iter(|| black_box(NewCase::parse(black_box(&bad), now)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
