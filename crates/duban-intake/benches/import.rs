//! Reading a whole campaign's transfer list (the seed's 17 batches, 1,449 cases) as CSV
//! and as XLSX: decoding, header matching, value mapping and the form's validation of
//! every row.

use std::hint::black_box;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use duban_intake::{Options, read};

mod list;

const ROWS: usize = 1449;

fn bench(c: &mut Criterion) {
    let opts = Options::new(
        Utc.with_ymd_and_hms(2026, 8, 1, 0, 0, 0)
            .single()
            .unwrap_or_default(),
    );
    let csv = list::csv(ROWS);
    let xlsx = list::xlsx(ROWS);
    for (name, bytes) in [("csv", &csv), ("xlsx", &xlsx)] {
        let sheet = read(bytes, &opts).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(sheet.rows.len(), ROWS, "{name}");
        assert_eq!(sheet.error_rows(), 0, "{name}: {:?}", sheet.rows[0].errors);
    }
    c.bench_function("read 1449-row CSV (UTF-8)", |b| {
        b.iter(|| black_box(read(black_box(&csv), &opts)))
    });
    let (gbk, _, _) = encoding_rs::GBK.encode(std::str::from_utf8(&csv[3..]).unwrap_or(""));
    c.bench_function("read 1449-row CSV (GBK)", |b| {
        b.iter(|| black_box(read(black_box(&gbk), &opts)))
    });
    c.bench_function("read 1449-row XLSX", |b| {
        b.iter(|| black_box(read(black_box(&xlsx), &opts)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
