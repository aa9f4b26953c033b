//! A batch import of old cases marked historical (issue 20, point 7): the clocks run
//! from the receipt as usual, but ladder steps already reached when the case was
//! imported never fire; later steps do, and replay agrees.

#![allow(clippy::expect_used, clippy::unwrap_used)] // test code may panic

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use duban_calendar::Calendar;
use duban_case::draft::{CaseDraft, NewCase};
use duban_case::lifecycle::{self, Ctx, EventKind};
use duban_case::model::{CaseId, Reference};
use duban_sla::{Stage, Step};

fn t(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 2, 0, 0)
        .single()
        .expect("time")
}

#[test]
fn past_steps_of_a_historical_import_never_fire() {
    let cal = Calendar::official();
    let imported_at = t(2026, 3, 2);
    let draft = CaseDraft {
        channel: "inspection_phone".into(),
        batch_number: Some(3),
        batch_date: "2025-09-25".into(),
        received_at: "2025-09-25T08:30:00+08:00".into(),
        sender_ref: "H0001".into(),
        content: "镇江市京口区某化工企业夜间偷排废气，气味刺鼻。".into(),
        address: "镇江市京口区象山街道".into(),
        division: "321102".into(),
        categories: vec!["air".into()],
        ..CaseDraft::default()
    };
    let new = NewCase::parse(&draft, imported_at).expect("valid");
    let set = duban_sla::defaults::all()
        .into_iter()
        .find(|r| r.id() == lifecycle::rule_set_for(&new))
        .expect("rule set");
    let ctx = Ctx {
        now: imported_at,
        actor: "coord",
        rules: &set,
        calendar: cal,
    };
    let opening = lifecycle::receive(
        CaseId::from_uuid(uuid::Uuid::nil()),
        Reference::for_batch(2025, 3, 1),
        new,
        &ctx,
    );

    // As usual: months after the transfer date the whole ladder fires at once.
    let usual = lifecycle::open(&opening).expect("open");
    let fired = lifecycle::escalate(&usual, imported_at, cal, "system");
    assert!(fired.iter().any(|e| matches!(
        e.kind,
        EventKind::Escalated {
            step: Step::Summon,
            ..
        }
    )));

    // Historical: nothing fires at import, nothing is due, and the choice is recorded.
    let opening = lifecycle::as_historical(opening);
    let case = lifecycle::open(&opening).expect("open");
    assert_eq!(case.historical(), Some(imported_at));
    assert!(lifecycle::escalate(&case, imported_at, cal, "system").is_empty());
    assert!(
        lifecycle::escalate(&case, imported_at + TimeDelta::days(30), cal, "system").is_empty()
    );
    assert_eq!(
        case.next_escalation_at(cal),
        None,
        "every step was past at import"
    );
    assert_eq!(case.current_escalation(), None);
    // The event says so on the wire and replays to the same state.
    let json = serde_json::to_value(&opening).expect("json");
    assert_eq!(
        json["historical"],
        serde_json::json!("2026-03-02T02:00:00Z")
    );
    let replayed = lifecycle::replay(std::slice::from_ref(&opening)).expect("replay");
    assert_eq!(replayed, case);

    // Imported just before the dispatch deadline: the reminder was past and stays
    // quiet; the chase at the deadline still fires, once.
    let usual_dispatch = usual
        .clocks()
        .iter()
        .find(|c| c.stage() == Stage::Dispatch)
        .expect("dispatch clock")
        .clone();
    let mut early = opening.clone();
    early.at = usual_dispatch.due_at() - TimeDelta::minutes(1);
    let early = lifecycle::as_historical(early);
    let case = lifecycle::open(&early).expect("open");
    let after = usual_dispatch.due_at() + TimeDelta::minutes(1);
    let steps: Vec<Step> = lifecycle::escalate(&case, after, cal, "system")
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Escalated {
                stage: Stage::Dispatch,
                step,
                ..
            } => Some(step),
            _ => None,
        })
        .collect();
    assert_eq!(steps, [Step::Chase]);
}
