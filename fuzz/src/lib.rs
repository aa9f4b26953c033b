//! What the fuzz targets check beyond "no panic": the invariants of a validated
//! [`NewCase`], the shape of every error (a non-empty, stable dotted code, a field, a
//! message in both languages), the import's [`Sheet`] (rows, lines, fingerprint) and the
//! wire round trips. Shared by the targets in `fuzz_targets/`.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::sync::{Mutex, Once};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use serde_json::Value;

use duban_api::ErrorBody;
use duban_case::Lang;
use duban_case::draft::{
    ADDRESS_MAX, ADDRESS_MIN, CONTENT_MAX, CONTENT_MIN, NAME_MAX, NewCase, SENDER_REF_MAX,
};
use duban_case::error::Errors;
use duban_case::model::{IdNumber, Phone};
use duban_core::CodedError as _;
use duban_intake::{IntakeError, Options, Sheet};

/// The clock of every target: an instant inside the official calendar's years.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 7, 4, 2, 0, 0)
        .single()
        .unwrap_or_default()
}

/// Import options: China time, first sheet, a small row cap (big files are the
/// benchmarks' business; the cap itself is exercised).
pub fn options() -> Options {
    let mut o = Options::new(now());
    o.max_rows = 200;
    o
}

/// A stable code: dotted snake_case segments (`content.too_short`,
/// `import.column_missing`, `complainant.phone.invalid`).
pub fn check_code(code: &str) {
    assert!(code.contains('.'), "code without a dot: {code:?}");
    assert!(
        code.split('.').all(|seg| !seg.is_empty()
            && seg
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')),
        "malformed code {code:?}"
    );
}

/// Validation errors: at least one; each with a code, a field and a message in both
/// languages; their wire form (`ErrorBody`) survives JSON.
pub fn check_case_errors(errs: &Errors) {
    assert!(!errs.is_empty(), "a refusal without an error");
    for e in errs.iter() {
        check_code(&e.code());
        assert!(!e.field().is_empty(), "{e:?} has no field");
        for lang in [Lang::Zh, Lang::En] {
            assert!(!e.message(lang).trim().is_empty(), "{e:?} has no message");
        }
    }
    for lang in [Lang::Zh, Lang::En] {
        let body = ErrorBody::from_case_errors(errs, lang);
        assert_eq!(body.errors.len(), errs.0.len());
        let json = serde_json::to_string(&body).unwrap_or_default();
        let back: Result<ErrorBody, _> = serde_json::from_str(&json);
        assert_eq!(
            back.ok().as_ref(),
            Some(&body),
            "ErrorBody does not round-trip"
        );
    }
}

/// A validated case holds what `NewCase::parse` promises.
pub fn check_new_case(case: &NewCase, now: DateTime<Utc>) {
    let chars = |s: &str| s.chars().count();
    let trimmed = |s: &str| s == s.trim();
    assert!((CONTENT_MIN..=CONTENT_MAX).contains(&chars(case.content())));
    assert!(trimmed(case.content()), "content not trimmed");
    assert!((ADDRESS_MIN..=ADDRESS_MAX).contains(&chars(case.address())));
    assert!(trimmed(case.address()), "address not trimmed");
    if let Some(r) = case.sender_ref() {
        assert!(
            (1..=SENDER_REF_MAX).contains(&chars(r)) && trimmed(r),
            "{r:?}"
        );
    }
    let person = case.complainant();
    if let Some(name) = person.name() {
        assert!(
            (1..=NAME_MAX).contains(&chars(name)) && trimmed(name),
            "{name:?}"
        );
    }
    if let Some(p) = person.phone() {
        assert_eq!(
            Phone::parse(p.as_str()).as_ref(),
            Some(p),
            "phone not canonical"
        );
    }
    if let Some(id) = person.id_number() {
        assert_eq!(
            IdNumber::parse(id.as_str()).as_ref(),
            Some(id),
            "id not canonical"
        );
    }
    assert!(!case.categories().is_empty(), "no category");
    assert!(
        case.categories().windows(2).all(|w| w[0] < w[1]),
        "categories not sorted and unique"
    );
    assert!(
        case.key_classes().windows(2).all(|w| w[0] < w[1]),
        "key classes not sorted and unique"
    );
    let received = case.received_at();
    assert!(
        received <= now + TimeDelta::seconds(300),
        "received in the future"
    );
    assert!(received.timestamp() >= 946_684_800, "received before 2000");
    if let Some(c) = case.coordinates() {
        assert!((30.6..=35.3).contains(&c.lat()) && (116.2..=122.1).contains(&c.lon()));
    }
    assert_eq!(case.batch().is_some(), case.channel().is_inspection());
    if let Some(b) = case.batch() {
        assert!((1..=99).contains(&b.number()));
        assert!(b.date() <= duban_core::china_date(received));
    }
    assert_eq!(
        case.division().as_str().parse().ok(),
        Some(case.division()),
        "division code does not parse back"
    );
    // The stored form survives JSON (floats within a rounding error: serde_json parses
    // floats best-effort unless its `float_roundtrip` feature is on).
    let json = serde_json::to_value(case).unwrap_or_default();
    let text = serde_json::to_string(case).unwrap_or_default();
    let back: Result<NewCase, _> = serde_json::from_str(&text);
    let back = back.map(|b| serde_json::to_value(&b).unwrap_or_default());
    assert!(
        back.as_ref().is_ok_and(|b| approx_eq(&json, b)),
        "NewCase does not round-trip: {back:?}"
    );
}

/// JSON values equal, numbers within 1e-12 relative.
pub fn approx_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            _ if x == y => true,
            (Some(x), Some(y)) => (x - y).abs() <= 1e-12 * x.abs().max(y.abs()),
            _ => false,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| approx_eq(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| approx_eq(v, w)))
        }
        _ => a == b,
    }
}

/// A refused file: a file-level error with a code and messages.
pub fn check_intake_error(e: &IntakeError) {
    check_code(&e.code());
    assert!(e.is_file_level(), "read returned a row error: {e:?}");
    assert!(!e.field().is_empty());
    for lang in [Lang::Zh, Lang::En] {
        assert!(!e.message(lang).trim().is_empty(), "{e:?} has no message");
    }
}

/// A sheet read: rows in order below the header, each either valid (its case exactly
/// what the form makes of its draft) or with errors; the fingerprint recomputes.
pub fn check_sheet(sheet: &Sheet, opts: &Options) {
    assert!(sheet.rows.len() <= opts.max_rows, "row cap passed");
    assert!(!sheet.rows.is_empty() || !sheet.skipped_examples.is_empty());
    if let Some(t) = &sheet.title {
        assert!(!t.is_empty());
    }
    let mut last = sheet.header_line;
    for row in &sheet.rows {
        assert!(row.line > last, "row lines not increasing");
        last = row.line;
        assert_eq!(
            row.case.is_some(),
            row.errors.is_empty(),
            "line {}",
            row.line
        );
        for e in &row.errors {
            check_code(&e.code);
            assert!(!e.field.is_empty(), "{e:?}");
            assert!(!e.zh.trim().is_empty() && !e.en.trim().is_empty(), "{e:?}");
        }
        if let Some(case) = &row.case {
            check_new_case(case, opts.now);
            let again = NewCase::parse(&row.draft, opts.now);
            assert_eq!(again.as_ref().ok(), Some(case), "the form disagrees");
        }
    }
    for line in &sheet.skipped_examples {
        assert!(*line > sheet.header_line);
    }
    assert_eq!(sheet.cases().is_some(), sheet.error_rows() == 0);
    assert_eq!(sheet.fingerprint, duban_intake::fingerprint(&sheet.rows));
    let prefix = format!("v1-{}-", sheet.rows.len());
    let hash = sheet.fingerprint.strip_prefix(&prefix).unwrap_or_default();
    assert!(
        hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        "fingerprint {:?}",
        sheet.fingerprint
    );
}

/// The outcome of one import: the sheet checked, or the error checked.
pub fn check_read(result: &Result<Sheet, IntakeError>, opts: &Options) {
    match result {
        Ok(sheet) => check_sheet(sheet, opts),
        Err(e) => check_intake_error(e),
    }
}

// ---- panics inside the workbook parser ----

/// Crates whose panics `duban-intake` catches on purpose (`source::guarded`: calamine is
/// third-party code fed untrusted bytes; a panic there means "unreadable workbook").
const GUARDED_CRATES: &[&str] = &["/calamine-", "/zip-", "/quick-xml-"];

thread_local! {
    static GUARDED_PANIC: Cell<bool> = const { Cell::new(false) };
}
static SEEN: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

/// libFuzzer's panic hook aborts on every panic, even one that is caught. Let panics
/// raised inside the guarded third-party crates unwind to `duban-intake`'s guard (noting
/// each new place once on stderr); every other panic still aborts as a crash.
pub fn let_guarded_panics_unwind() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let place = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            if GUARDED_CRATES.iter().any(|c| place.contains(c)) {
                GUARDED_PANIC.set(true);
                let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
                if seen.insert(place.clone()) {
                    eprintln!("note: guarded panic in the workbook parser at {place}: {info}");
                }
            } else {
                fuzzer_hook(info);
            }
        }));
    });
}

/// Runs `read`, and if a guarded panic happened inside it, insists that the import
/// answered "unreadable workbook".
pub fn read_guarded(bytes: &[u8], opts: &Options) -> Result<Sheet, IntakeError> {
    GUARDED_PANIC.set(false);
    let result = duban_intake::read(bytes, opts);
    if GUARDED_PANIC.get() {
        assert!(
            matches!(result, Err(IntakeError::Unreadable { .. })),
            "a parser panic did not end as import.unreadable: {result:?}"
        );
    }
    result
}
