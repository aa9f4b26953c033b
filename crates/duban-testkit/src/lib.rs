//! What the workspace's tests, benchmarks, crash tests and `xtask` share, written once:
//! the fixtures they start from ([`valid_case`]) and one HTTP client for a real `duban
//! serve` ([`http`]), with typed calls of `duban-api`'s endpoints.

pub mod http;

use serde_json::{Value, json};

/// A valid case as a coordinator registers it from the inspection team's phone line
/// (batch 3 of 2025, Jingkou district, air): the body of `POST /api/v1/cases`.
pub fn valid_case() -> Value {
    json!({
        "channel": "inspection_phone",
        "batch_number": 3,
        "batch_date": "2025-06-02",
        "sender_ref": "D030123",
        "complainant_name": "张先生",
        "complainant_phone": "13912345678",
        "content": "镇江市京口区某化工企业夜间偷排废气，气味刺鼻，周边居民晚上不敢开窗。",
        "address": "镇江市京口区象山街道",
        "division": "321102",
        "lat": 32.2, "lon": 119.47,
        "categories": ["air"],
        "key_classes": [],
        "received_at": "2025-06-03T01:30:00Z"
    })
}

/// [`valid_case`] transferred on `batch_date` (`2026-11-02`) and received at
/// `received_at` (RFC 3339): for runs whose clocks must start near today.
pub fn valid_case_on(batch_date: &str, received_at: &str) -> Value {
    let mut case = valid_case();
    case["batch_date"] = json!(batch_date);
    case["received_at"] = json!(received_at);
    case
}

#[cfg(test)]
mod tests {
    use super::*;
    use duban_case::draft::CaseDraft;

    #[test]
    fn the_valid_case_parses_as_the_server_parses_it() {
        for case in [
            valid_case(),
            valid_case_on("2026-11-02", "2026-11-03T01:30:00Z"),
        ] {
            let draft = serde_json::from_value::<CaseDraft>(case);
            assert!(draft.is_ok(), "{draft:?}");
            if let Ok(draft) = draft {
                let now = chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z")
                    .map(|t| t.to_utc());
                assert!(now.is_ok());
                if let Ok(now) = now {
                    let parsed = duban_case::draft::NewCase::parse(&draft, now);
                    assert!(parsed.is_ok(), "{:?}", parsed.err());
                }
            }
        }
    }
}
