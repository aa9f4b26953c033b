//! The benches' case drafts, shared with the WASM bench (`tests/benches/wasm.rs`) so
//! that native and WASM time the same work.

use duban_case::draft::CaseDraft;

/// A typical valid draft: an inspection batch's phone complaint, two categories, a key
/// class, coordinates and a complainant.
pub fn typical() -> CaseDraft {
    CaseDraft {
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
    }
}

/// The typical draft with two mistakes: content too short, a division that is no code.
pub fn with_two_errors() -> CaseDraft {
    let mut bad = typical();
    bad.content = "短".into();
    bad.division = "3299".into();
    bad
}
