//! The domain's hot paths compiled to wasm32 and timed under node, to compare with the
//! native criterion benches of the same code (`duban-case`'s `validate`,
//! `duban-calendar`'s `deadline`): the budget is validation within 3× of native.
//!
//! ```sh
//! CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!   cargo bench -p duban-tests --bench wasm --target wasm32-unknown-unknown
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(target_arch = "wasm32")]
mod on_wasm {
    use std::hint::black_box;

    use chrono::{TimeZone, Utc};
    use duban_calendar::Calendar;
    use duban_case::draft::{CaseDraft, NewCase};
    use wasm_bindgen_test::{Criterion, wasm_bindgen_bench};

    /// The draft of `duban-case/benches/validate.rs`.
    fn draft() -> CaseDraft {
        CaseDraft {
            channel: "inspection_phone".into(),
            batch_number: Some(3),
            batch_date: "2025-06-02".into(),
            sender_ref: "D030123".into(),
            complainant_name: "Zhang".into(),
            complainant_phone: "13912345678".into(),
            content: "镇江市京口区某化工企业夜间偷排废气，气味刺鼻，周边居民晚上不敢开窗。"
                .repeat(4),
            address: "镇江市京口区象山街道".into(),
            division: "321102".into(),
            lat: Some(32.2),
            lon: Some(119.47),
            categories: vec!["air".into(), "noise".into()],
            key_classes: vec!["repeated".into()],
            received_at: "2025-06-03T01:30:00Z".into(),
            ..CaseDraft::default()
        }
    }

    #[wasm_bindgen_bench]
    fn validate(c: &mut Criterion) {
        let now = Utc.with_ymd_and_hms(2025, 6, 3, 2, 0, 0).single().unwrap();
        let valid = draft();
        c.bench_function("wasm: NewCase::parse (valid)", |b| {
            b.iter(|| black_box(NewCase::parse(black_box(&valid), now)))
        });
        let mut bad = draft();
        bad.content = "短".into();
        bad.division = "3299".into();
        c.bench_function("wasm: NewCase::parse (two errors)", |b| {
            b.iter(|| black_box(NewCase::parse(black_box(&bad), now)))
        });
    }

    #[wasm_bindgen_bench]
    fn deadline(c: &mut Criterion) {
        let cal = Calendar::official();
        // The starts of `duban-calendar/benches/deadline.rs`: 2020-2026, holidays, nights.
        let starts: Vec<_> = (0..64)
            .filter_map(|i| Utc.timestamp_opt(1_577_836_800 + i * 3_456_789, 0).single())
            .collect();
        let mut i = 0;
        c.bench_function("wasm: add_working_days(15)", |b| {
            b.iter(|| {
                i = (i + 1) % starts.len();
                black_box(cal.add_working_days(black_box(starts[i]), 15))
            })
        });
    }
}

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    println!(
        "this bench runs on wasm32: CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo bench -p duban-tests --bench wasm --target wasm32-unknown-unknown"
    );
}
