// Unit tests live beside the shared vectors in tests/; here only what vectors cannot say.
use crate::model::Phone;

#[test]
fn phones() {
    assert!(Phone::parse("13812345678").is_some());
    assert!(Phone::parse("025-83456789").is_some());
    assert!(Phone::parse("02583456789").is_some());
    assert!(Phone::parse("12812345678").is_none());
    assert!(Phone::parse("1381234567").is_none());
    assert!(Phone::parse("138-1234-5678").is_none());
    assert_eq!(
        Phone::parse("13812345678").map(|p| p.masked()),
        Some("138****5678".into())
    );
}
