//! One pass over a million-row transfer list (CSV, UTF-8): decoding, header matching,
//! value mapping and the form's validation of every row, timed once (a criterion
//! sample of ten such passes would take minutes). The budget: one million rows under
//! 60 s, read and stored; the store's part is the seed's `insert_cases` figure
//! (BENCHMARKS.md). `DUBAN_IMPORT_ROWS` sets the size.
//!
//! ```sh
//! cargo bench -p duban-intake --bench import_1m
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)] // the XLSX writer is for the other bench
mod list;

use std::time::Instant;

use chrono::{TimeZone, Utc};
use duban_intake::{Options, read};

fn main() {
    let rows = std::env::var("DUBAN_IMPORT_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000usize);
    let t = Instant::now();
    let csv = list::csv(rows);
    println!(
        "import_1m: {rows} rows, {:.0} MiB of CSV, generated in {:.1} s",
        csv.len() as f64 / 1048576.0,
        t.elapsed().as_secs_f64()
    );
    let mut opts = Options::new(Utc.with_ymd_and_hms(2026, 8, 1, 0, 0, 0).single().unwrap());
    opts.max_rows = rows;
    for pass in 1..=3 {
        let t = Instant::now();
        let sheet = read(&csv, &opts).unwrap();
        let s = t.elapsed().as_secs_f64();
        println!(
            "import_1m: pass {pass}: read and validated {} rows ({} with errors) in {s:.2} s, {:.0} rows/s",
            sheet.rows.len(),
            sheet.error_rows(),
            sheet.rows.len() as f64 / s
        );
    }
}
