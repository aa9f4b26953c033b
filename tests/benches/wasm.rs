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
#[path = "../../crates/duban-case/benches/draft/mod.rs"]
mod draft;

#[cfg(target_arch = "wasm32")]
mod on_wasm {
    use std::hint::black_box;

    use chrono::{TimeZone, Utc};
    use duban_calendar::Calendar;
    use duban_case::draft::NewCase;
    use wasm_bindgen_test::{Criterion, wasm_bindgen_bench};

    #[wasm_bindgen_bench]
    fn validate(c: &mut Criterion) {
        let now = Utc.with_ymd_and_hms(2025, 6, 3, 2, 0, 0).single().unwrap();
        let valid = crate::draft::typical();
        c.bench_function("wasm: NewCase::parse (valid)", |b| {
            b.iter(|| black_box(NewCase::parse(black_box(&valid), now)))
        });
        let bad = crate::draft::with_two_errors();
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
