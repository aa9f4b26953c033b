//! Every error this crate makes, for the check that the catalogue words each code.

use super::error::CaseError::{self, *};
use crate::closing::OpenWorkKind;
use crate::model::Status;

fn f(s: &str) -> String {
    s.to_owned()
}

/// One of each error the crate's own validation and life cycle can return.
pub(crate) fn every_error() -> Vec<CaseError> {
    let v = || "⟦V⟧".to_owned();
    let (min, max, actual) = (9001, 9002, 9003);
    let mut out = Vec::new();
    for field in [
        "content",
        "address",
        "outcome.public_summary",
        "reason",
        "note",
        "comments",
    ] {
        out.push(Required { field: f(field) });
        out.push(TooShort {
            field: f(field),
            min,
            actual,
        });
        out.push(TooLong {
            field: f(field),
            max,
            actual,
        });
    }
    for field in ["complainant.name", "sender_ref", "outcome.measures"] {
        out.push(TooLong {
            field: f(field),
            max,
            actual,
        });
    }
    for field in [
        "channel",
        "categories",
        "sender_ref",
        "batch.date",
        "batch.number",
        "outcome.finding",
        "lead_unit",
        "co_units[0]",
        "satisfaction",
        "extension.unit",
        "division",
    ] {
        out.push(Required { field: f(field) });
    }
    for field in [
        "channel",
        "request_kind",
        "categories[0]",
        "key_classes[0]",
        "outcome.finding",
        "routed_by[0]",
        "why[0]",
        "closure",
        "satisfaction",
        "extension.unit",
    ] {
        out.push(UnknownValue {
            field: f(field),
            value: v(),
        });
    }
    for field in ["categories[0]", "key_classes[0]", "co_units[0]"] {
        out.push(Duplicate {
            field: f(field),
            value: v(),
        });
    }
    for field in ["lead_unit", "co_units[0]"] {
        out.push(UnknownUnit {
            field: f(field),
            value: v(),
        });
    }
    for field in ["batch.number", "extension.amount"] {
        out.push(OutOfRange {
            field: f(field),
            min: 9001,
            max: 9002,
        });
    }
    for field in ["batch.number", "batch.date"] {
        out.push(NotApplicable { field: f(field) });
    }
    for field in ["received_at", "batch.date"] {
        out.push(TooEarly { field: f(field) });
    }
    out.extend([
        UnknownDivision { value: v() },
        MalformedDivision { value: v() },
        InvalidPhone { value: v() },
        InvalidIdNumber,
        InvalidCoordinates,
        CoordinatesOutsideJiangsu { lat: 1.0, lon: 1.0 },
        CoordinatesIncomplete,
        InvalidDate {
            field: f("batch.date"),
            value: v(),
        },
        InvalidTime {
            field: f("received_at"),
            value: v(),
        },
        InFuture {
            field: f("received_at"),
        },
        BatchAfterReceipt,
        FinesWithoutPenalty,
        TransitionNotAllowed {
            action: f("sign_for"),
            from: Status::Received,
        },
        Paused,
        NotPaused,
        ExtensionTooLong,
        ExtensionNotAllowed,
        NothingToExtend,
        MergeIntoSelf,
        OpenWork {
            index: 0,
            kind: OpenWorkKind::Referral,
            title: f("⟦T⟧"),
        },
    ]);
    out
}

#[test]
fn the_catalogue_words_every_error_by_its_own_code() {
    use duban_core::CodedError;
    for e in every_error() {
        let code = e.code();
        assert!(
            duban_text::Key::find(&format!("err.{code}")).is_some(),
            "no err.{code} in the catalogue"
        );
        for lang in [crate::Lang::Zh, crate::Lang::En] {
            let m = e.message(lang);
            assert!(!m.contains('{'), "{code}: {m}");
            assert!(
                duban_text::error_complete(&code, &e.params(), lang).is_some(),
                "{code}: a value the text names is not a parameter"
            );
        }
    }
}

#[test]
fn coded_values_read_in_the_reader_language() {
    use duban_core::CodedError;
    let e = TransitionNotAllowed {
        action: f("sign_for"),
        from: Status::Received,
    };
    assert_eq!(
        e.message(crate::Lang::Zh),
        "案件处于“待分办”状态，不能执行“签收”"
    );
    assert_eq!(
        e.message(crate::Lang::En),
        "“Sign for” is not allowed while the case is Received"
    );
    let e = OpenWork {
        index: 1,
        kind: OpenWorkKind::SupervisionOrder,
        title: f("DB-2026-0001"),
    };
    assert_eq!(e.field(), "open_work[1]");
    assert_eq!(
        e.message(crate::Lang::Zh),
        "督办单“DB-2026-0001”尚未办结：请先将其办结，再办结或归档本案"
    );
    let e = TooLong {
        field: f("note"),
        max: 500,
        actual: 501,
    };
    assert_eq!(
        e.message(crate::Lang::En),
        "The note allows at most 500 characters (now 501)"
    );
}
