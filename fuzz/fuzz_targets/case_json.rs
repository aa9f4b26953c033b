//! `POST /api/v1/cases`: the JSON body decoded as the wire type `CaseDraft` (as the
//! server's JSON extractor does), then validated by `NewCase::parse`, the function the
//! browser runs too. A decoded draft round-trips; a valid case holds its invariants; a
//! refusal lists errors with stable codes, whose `ErrorBody` round-trips.
#![no_main]

use duban_case::draft::{CaseDraft, NewCase};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(draft) = serde_json::from_slice::<CaseDraft>(data) else {
        return; // 400 json.invalid / 422 json.data: the extractor's business
    };
    let json = serde_json::to_value(&draft).unwrap_or_default();
    let text = serde_json::to_string(&draft).unwrap_or_default();
    let back: Result<CaseDraft, _> = serde_json::from_str(&text);
    let back = back.map(|b| serde_json::to_value(&b).unwrap_or_default());
    assert!(
        back.as_ref().is_ok_and(|b| duban_fuzz::approx_eq(&json, b)),
        "CaseDraft does not round-trip: {back:?}"
    );

    let now = duban_fuzz::now();
    let result = NewCase::parse(&draft, now);
    match &result {
        Ok(case) => duban_fuzz::check_new_case(case, now),
        Err(errs) => duban_fuzz::check_case_errors(errs),
    }
    assert_eq!(
        NewCase::parse(&draft, now),
        result,
        "parse is not deterministic"
    );
});
