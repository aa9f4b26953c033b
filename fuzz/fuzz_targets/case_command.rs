//! `POST /api/v1/cases/{id}/actions`: JSON commands tagged by `action`, decoded as the
//! server does (an unknown action is refused before serde), then decided and applied by
//! the pure life cycle. The first byte picks the case (a 12345 hotline case or an
//! inspection transfer); every further line is one command, a few minutes apart.
//!
//! Checks: a decoded command round-trips; an accepted command was allowed and gave
//! events; a refusal has errors with stable codes; after every step the case replays
//! from its log, keeps one clock per stage, and its status agrees with its data.
#![no_main]

use chrono::TimeDelta;
use duban_calendar::Calendar;
use duban_case::draft::{CaseDraft, NewCase};
use duban_case::lifecycle::{self, ActionKind, Case, Command, Ctx, Event};
use duban_case::model::{CaseId, Reference, Status};
use libfuzzer_sys::fuzz_target;

fn new_case(hotline: bool) -> Option<NewCase> {
    let draft = CaseDraft {
        channel: if hotline {
            "hotline_12345"
        } else {
            "inspection_phone"
        }
        .into(),
        batch_number: (!hotline).then_some(3),
        batch_date: if hotline { "" } else { "2026-07-03" }.into(),
        sender_ref: "D030001".into(),
        content: "镇江市京口区某化工企业夜间偷排废气，气味刺鼻。".into(),
        address: "镇江市京口区象山街道".into(),
        division: "321102".into(),
        categories: vec!["air".into()],
        ..CaseDraft::default()
    };
    NewCase::parse(&draft, duban_fuzz::now()).ok()
}

/// The server's `parse_command`: the action must be one we know, then serde decides.
fn decode(line: &[u8]) -> Option<Command> {
    let body: serde_json::Value = serde_json::from_slice(line).ok()?;
    let action = body.get("action")?.as_str()?;
    if !ActionKind::ALL.iter().any(|k| k.code() == action) {
        return None;
    }
    serde_json::from_value(body).ok()
}

fn check(case: &Case, log: &[Event]) {
    assert_eq!(case.version(), log.len() as u64);
    assert_eq!(
        lifecycle::replay(log).as_ref(),
        Some(case),
        "replay differs"
    );
    let mut stages: Vec<_> = case.clocks().iter().map(|c| c.stage()).collect();
    stages.sort();
    stages.dedup();
    assert_eq!(stages.len(), case.clocks().len(), "one clock per stage");
    for c in case.clocks() {
        assert!(c.due_at() >= c.started_at(), "deadline before start");
    }
    if case.is_paused() {
        assert_eq!(case.allowed_actions(), vec![ActionKind::Resume]);
    }
    if case.status() == Status::Merged {
        assert!(case.allowed_actions().is_empty() && case.merged_into().is_some());
    }
    if matches!(
        case.status(),
        Status::Reported | Status::Closed | Status::StageClosed
    ) {
        assert!(
            case.outcome().is_some(),
            "{:?} without an outcome",
            case.status()
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Some(new) = new_case(first & 1 == 0) else {
        panic!("the fixed case does not validate");
    };
    let cal = Calendar::official();
    let rules = duban_sla::defaults::all();
    let Some(set) = rules
        .iter()
        .find(|r| r.id() == lifecycle::rule_set_for(&new))
    else {
        panic!("no rule set for the fixed case");
    };
    let mut now = duban_fuzz::now();
    let ctx = Ctx {
        now,
        actor: "fuzz",
        rules: set,
        calendar: cal,
    };
    let opening = lifecycle::receive(
        CaseId::from_uuid(uuid::Uuid::nil()),
        Reference::for_batch(2026, 3, 1),
        new,
        &ctx,
    );
    let Some(mut case) = lifecycle::open(&opening) else {
        panic!("the opening event does not open a case");
    };
    let mut log = vec![opening];
    for line in rest.split(|b| *b == b'\n').take(64) {
        let Some(cmd) = decode(line) else {
            continue;
        };
        let again: Option<Command> = serde_json::to_vec(&cmd)
            .ok()
            .and_then(|j| serde_json::from_slice(&j).ok());
        assert_eq!(again.as_ref(), Some(&cmd), "Command does not round-trip");

        now += TimeDelta::minutes(37);
        let ctx = Ctx { now, ..ctx };
        let allowed = case.allowed_actions().contains(&cmd.kind());
        match lifecycle::decide(&case, &cmd, &ctx) {
            Ok(events) => {
                assert!(allowed, "{:?} accepted in {:?}", cmd.kind(), case.status());
                assert!(!events.is_empty(), "accepted without events");
                case = events.iter().fold(case, lifecycle::apply);
                log.extend(events);
            }
            Err(errs) => duban_fuzz::check_case_errors(&errs),
        }
        let fired = lifecycle::escalate(&case, now, cal, "system");
        case = fired.iter().fold(case, lifecycle::apply);
        log.extend(fired);
        check(&case, &log);
    }
});
