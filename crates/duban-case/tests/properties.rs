//! Properties of the life cycle over random command sequences: no sequence reaches an
//! inconsistent state, a refused command changes nothing, and replaying the log always
//! gives the state.

#![allow(clippy::expect_used, clippy::unwrap_used)] // test code may panic

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use duban_calendar::Calendar;
use duban_case::draft::{CaseDraft, NewCase, OutcomeDraft};
use duban_case::lifecycle::{self, ActionKind, Case, Command, Ctx, Event};
use duban_case::model::{CaseId, Reference, Status};
use duban_core::CodedError as _;
use proptest::prelude::*;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 9, 26, 2, 0, 0)
        .single()
        .expect("time")
}

fn new_case(hotline: bool) -> NewCase {
    let draft = CaseDraft {
        channel: if hotline {
            "hotline_12345"
        } else {
            "inspection_phone"
        }
        .into(),
        batch_number: (!hotline).then_some(3),
        batch_date: if hotline {
            String::new()
        } else {
            "2025-09-25".into()
        },
        sender_ref: "D030001".into(),
        content: "镇江市京口区某化工企业夜间偷排废气，气味刺鼻。".into(),
        address: "镇江市京口区象山街道".into(),
        division: "321102".into(),
        categories: vec!["air".into()],
        ..CaseDraft::default()
    };
    NewCase::parse(&draft, start()).expect("valid case")
}

/// A new case received at [`start`] by `actor`: its rule set and its opening event.
fn received(hotline: bool, actor: &str) -> (duban_sla::RuleSet, Event) {
    let new = new_case(hotline);
    let set = duban_sla::defaults::all()
        .into_iter()
        .find(|r| r.id() == lifecycle::rule_set_for(&new))
        .expect("rule set");
    let ctx = Ctx {
        now: start(),
        actor,
        rules: &set,
        calendar: Calendar::official(),
    };
    let opening = lifecycle::receive(
        CaseId::from_uuid(uuid::Uuid::nil()),
        Reference::for_batch(2025, 3, 1),
        new,
        &ctx,
    );
    (set, opening)
}

fn outcome(good: bool) -> OutcomeDraft {
    OutcomeDraft {
        finding: if good { "substantiated" } else { "" }.into(),
        penalty_cases: 1,
        fines_yuan: 1000,
        public_summary: "经核查反映问题属实，已责令整改。".into(),
        ..OutcomeDraft::default()
    }
}

/// Commands with valid and invalid payloads.
fn command() -> impl Strategy<Value = Command> {
    let text = prop_oneof![Just(String::new()), Just("原因说明".to_owned())];
    // Weighted towards the main path, so that sequences reach the later states often;
    // a merge ends a case, so it is drawn rarely.
    prop_oneof![
        6 => prop_oneof![Just("gov-3211"), Just(""), Just("bad unit!")].prop_map(|u| {
            Command::Dispatch {
                lead_unit: u.into(),
                co_units: vec![],
                note: String::new(),
                routed_by: vec![],
                why: vec![],
            }
        }),
        5 => Just(Command::SignFor),
        2 => text.clone().prop_map(|reason| Command::Return { reason }),
        5 => Just(Command::StartHandling {
            note: String::new()
        }),
        5 => any::<bool>().prop_map(|g| Command::Report {
            outcome: outcome(g)
        }),
        5 => prop_oneof![Just(""), Just("stage_closed"), Just("bogus")]
            .prop_map(|c| Command::Approve { closure: c.into() }),
        2 => text.clone()
            .prop_map(|comments| Command::SendBack { comments }),
        3 => Just(Command::Close),
        3 => (
            prop_oneof![Just("satisfied"), Just("unsatisfied"), Just("")],
            text.clone()
        )
            .prop_map(|(s, note)| Command::ReturnVisit {
                satisfaction: s.into(),
                note
            }),
        2 => text.clone().prop_map(|reason| Command::Reopen { reason }),
        2 => text.clone().prop_map(|reason| Command::Pause { reason }),
        2 => Just(Command::Resume),
        2 => (
            0u32..12,
            prop_oneof![Just("working_days"), Just("hours"), Just("eons")],
            text
        )
            .prop_map(|(amount, unit, reason)| Command::Extend {
                amount,
                unit: unit.into(),
                reason
            }),
        1 => Just(Command::Merge {
            primary: CaseId::from_uuid(uuid::Uuid::from_u128(7))
        }),
        2 => (0u32..6, prop_oneof![Just("working_days"), Just("")]).prop_map(|(amount, unit)| {
            Command::RequestExtension {
                amount,
                unit: unit.into(),
                reason: "需要补充监测数据".into(),
            }
        }),
        2 => prop_oneof![Just(""), Just("理由不充分")]
            .prop_map(|r| Command::RefuseExtension { reason: r.into() }),
    ]
}

/// One step of a sequence: candidate commands, a draw, the minutes before it.
type Step = (Vec<Command>, u8, i64);

fn step() -> impl Strategy<Value = Step> {
    (
        proptest::collection::vec(command(), 12),
        any::<u8>(),
        1i64..600,
    )
}

/// The command a step sends: mostly the first candidate the case allows other than a
/// merge (so sequences go deep; a merge ends them), one time in four the first
/// candidate whatever it is (mostly a refusal).
fn pick(case: &Case, (candidates, draw, _): &Step) -> Command {
    let allowed = case.allowed_actions();
    let chosen = (!draw.is_multiple_of(4))
        .then(|| {
            candidates
                .iter()
                .find(|c| c.kind() != ActionKind::Merge && allowed.contains(&c.kind()))
        })
        .flatten();
    chosen.unwrap_or(&candidates[0]).clone()
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
        if case.is_paused() && !c.is_stopped() {
            assert!(c.paused_at().is_some(), "a paused case has a running clock");
        }
    }
    if case.is_paused() {
        assert_eq!(case.allowed_actions(), vec![ActionKind::Resume]);
    }
    if case.pending_extension().is_some() {
        assert!(matches!(
            case.status(),
            Status::Dispatched | Status::SignedFor | Status::InProgress
        ));
    }
    if case.status() == Status::Merged {
        assert!(case.allowed_actions().is_empty() && case.merged_into().is_some());
        assert!(case.clocks().iter().all(|c| c.is_stopped()));
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_command_sequences_keep_the_case_consistent(
        hotline in any::<bool>(),
        steps in proptest::collection::vec(step(), 1..40),
    ) {
        let cal = Calendar::official();
        let (set, opening) = received(hotline, "prop");
        let mut now = start();
        let ctx = Ctx { now, actor: "prop", rules: &set, calendar: cal };
        let mut case = lifecycle::open(&opening).expect("open");
        let mut log = vec![opening];
        for step in steps {
            now += TimeDelta::minutes(step.2);
            let cmd = pick(&case, &step);
            let ctx = Ctx { now, ..ctx };
            let allowed = case.allowed_actions().contains(&cmd.kind());
            match lifecycle::decide(&case, &cmd, &ctx) {
                Ok(events) => {
                    prop_assert!(allowed, "{:?} accepted in {:?}", cmd.kind(), case.status());
                    prop_assert!(!events.is_empty());
                    case = events.iter().fold(case, lifecycle::apply);
                    log.extend(events);
                }
                                Err(errs) => prop_assert!(!errs.is_empty()),
            }
            // The sweeper may run between any two commands: what it fires is final,
            // and running it again at the same instant fires nothing.
            let fired = lifecycle::escalate(&case, now, cal, "system");
            case = fired.iter().fold(case, lifecycle::apply);
            log.extend(fired);
            prop_assert!(lifecycle::escalate(&case, now, cal, "system").is_empty());
            check(&case, &log);
        }
    }
}

/// The ladder fires each step once per clock, in order, and catches up after downtime.
#[test]
fn escalation_fires_each_step_once_and_catches_up() {
    let cal = Calendar::official();
    let (_, opening) = received(false, "c");
    let t0 = start();
    let case = lifecycle::open(&opening).expect("open");
    let dispatch = case
        .clocks()
        .iter()
        .find(|c| c.stage() == duban_sla::Stage::Dispatch)
        .expect("dispatch clock")
        .clone();
    let next = case.next_escalation_at(cal).expect("a step ahead");
    assert!(next > t0);
    assert!(
        lifecycle::escalate(&case, t0, cal, "system").is_empty(),
        "nothing yet"
    );

    // Down for three times the dispatch limit: every step the clock passed fires now,
    // once, in ladder order, each saying when it was reached.
    let later = t0 + (dispatch.due_at() - t0) * 3;
    let fired = lifecycle::escalate(&case, later, cal, "system");
    let steps: Vec<(duban_sla::Stage, duban_sla::Step)> = fired
        .iter()
        .filter_map(|e| match &e.kind {
            lifecycle::EventKind::Escalated { stage, step, .. } => Some((*stage, *step)),
            _ => None,
        })
        .filter(|(stage, _)| *stage == duban_sla::Stage::Dispatch)
        .collect();
    use duban_sla::Step::*;
    assert_eq!(
        steps,
        [Remind, Chase, Supervise, Summon]
            .map(|s| (duban_sla::Stage::Dispatch, s))
            .to_vec()
    );
    let chase_at = fired.iter().find_map(|e| match &e.kind {
        lifecycle::EventKind::Escalated {
            stage: duban_sla::Stage::Dispatch,
            step: Chase,
            reached_at,
            ..
        } => Some(*reached_at),
        _ => None,
    });
    assert_eq!(
        chase_at,
        Some(dispatch.due_at()),
        "the chase is due at the deadline"
    );
    let case = fired.iter().fold(case, lifecycle::apply);
    assert!(
        lifecycle::escalate(&case, later, cal, "system").is_empty(),
        "fired once"
    );
    assert!(
        case.next_escalation_at(cal).is_none_or(|t| t > later),
        "nothing left behind"
    );
}

/// Sequences in the shared vector `tests/vectors/lifecycle_random.json`.
const VECTOR_SEQUENCES: usize = 60;

/// Random command sequences as a shared vector: drawn here by the strategy above (with
/// proptest's fixed seed), with what the domain answered natively at each step. The
/// tests crate replays the file natively and in wasm32, so the browser and the server
/// are proven to answer every step alike. Fails when the domain answers differently
/// from the file; `DUBAN_BLESS_VECTORS=1` writes it anew.
#[test]
fn random_sequences_vector_is_current() {
    use proptest::strategy::ValueTree as _;
    use serde_json::json;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = (any::<bool>(), proptest::collection::vec(step(), 1..40));
    let cal = Calendar::official();
    let mut lines = Vec::new();
    for _ in 0..VECTOR_SEQUENCES {
        let (hotline, steps) = strategy.new_tree(&mut runner).expect("tree").current();
        let (set, opening) = received(hotline, "vector");
        let mut now = start();
        let ctx = Ctx {
            now,
            actor: "vector",
            rules: &set,
            calendar: cal,
        };
        let mut case = lifecycle::open(&opening).expect("open");
        let mut out = Vec::new();
        for step in steps {
            now += TimeDelta::minutes(step.2);
            let cmd = pick(&case, &step);
            let ctx = Ctx { now, ..ctx };
            let expect = match lifecycle::decide(&case, &cmd, &ctx) {
                Ok(events) => {
                    case = events.iter().fold(case, lifecycle::apply);
                    case.status().code().to_owned()
                }
                Err(errs) => {
                    let codes: Vec<String> = errs.iter().map(|e| e.code().into_owned()).collect();
                    format!("!{}", codes.join(","))
                }
            };
            let fired = lifecycle::escalate(&case, now, cal, "system");
            case = fired.iter().fold(case, lifecycle::apply);
            out.push(json!({"at": now, "command": cmd, "expect": expect, "fired": fired.len()}));
        }
        lines
            .push(json!({"opening": opening, "steps": out, "version": case.version()}).to_string());
    }
    let text = format!("{{\"sequences\": [\n{}\n]}}\n", lines.join(",\n"));
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/lifecycle_random.json"
    );
    if std::env::var_os("DUBAN_BLESS_VECTORS").is_some() {
        std::fs::write(path, &text).expect("write the vector");
    }
    let stored = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        stored == text,
        "{path} is not what the domain answers now; if the change is meant, write it anew: \
         DUBAN_BLESS_VECTORS=1 cargo test -p duban-case --test properties"
    );
}
