//! Validation of a typical case draft (what the browser runs on every keystroke).

use std::hint::black_box;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use duban_case::draft::{CaseDraft, NewCase};

fn bench(c: &mut Criterion) {
    let now = Utc
        .with_ymd_and_hms(2025, 6, 3, 2, 0, 0)
        .single()
        .unwrap_or_default();
    let draft = CaseDraft {
        channel: "inspection_phone".into(),
        batch_number: Some(3),
        batch_date: "2025-06-02".into(),
        sender_ref: "D030123".into(),
        complainant_name: "Zhang".into(),
        complainant_phone: "13912345678".into(),
        content: "镇江市京口区某化工企业夜间偷排废气，气味刺鼻，周边居民晚上不敢开窗。".repeat(4),
        address: "镇江市京口区象山街道".into(),
        division: "321102".into(),
        lat: Some(32.2),
        lon: Some(119.47),
        categories: vec!["air".into(), "noise".into()],
        key_classes: vec!["repeated".into()],
        received_at: "2025-06-03T01:30:00Z".into(),
        ..CaseDraft::default()
    };
    c.bench_function("NewCase::parse (valid)", |b| {
        b.iter(|| black_box(NewCase::parse(black_box(&draft), now)))
    });
    let mut bad = draft.clone();
    bad.content = "短".into();
    bad.division = "3299".into();
    c.bench_function("NewCase::parse (two errors)", |b| {
        b.iter(|| black_box(NewCase::parse(black_box(&bad), now)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
