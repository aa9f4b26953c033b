//! Deadline arithmetic on the official calendar.

use std::hint::black_box;

use chrono::{DateTime, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use duban_calendar::{Calendar, Measure};

fn starts() -> Vec<DateTime<Utc>> {
    // A spread of instants over 2020-2026, including holidays and nights.
    (0..64)
        .filter_map(|i| Utc.timestamp_opt(1_577_836_800 + i * 3_456_789, 0).single())
        .collect()
}

fn bench(c: &mut Criterion) {
    let cal = Calendar::official();
    let starts = starts();
    let mut i = 0;
    c.bench_function("add_working_days(15)", |b| {
        b.iter(|| {
            i = (i + 1) % starts.len();
            black_box(cal.add_working_days(black_box(starts[i]), 15))
        })
    });
    c.bench_function("add 4 office hours", |b| {
        b.iter(|| {
            i = (i + 1) % starts.len();
            black_box(cal.add(black_box(starts[i]), 4 * 3600, Measure::OfficeHours))
        })
    });
    c.bench_function("elapsed in workday time", |b| {
        b.iter(|| {
            i = (i + 1) % starts.len();
            let j = (i + 7) % starts.len();
            black_box(cal.elapsed(
                black_box(starts[i]),
                black_box(starts[j]),
                Measure::WorkdayTime,
            ))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
