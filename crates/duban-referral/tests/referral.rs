#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeDelta, Utc};
use duban_calendar::Calendar;
use duban_core::Aggregate as _;
use duban_core::CodedError as _;
use duban_referral::{Command, Ctx, Event, Referral, Status, apply, decide, open};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2025-06-09T09:00:00+08:00")
        .unwrap()
        .with_timezone(&Utc)
}

fn ctx<'a>(now: DateTime<Utc>, actor: &'a str, units: &'a [String]) -> Ctx<'a> {
    Ctx {
        now,
        actor,
        actor_units: units,
        calendar: Calendar::official(),
    }
}

fn codes(r: Result<Vec<Event>, Vec<duban_referral::ReferralError>>) -> Vec<String> {
    r.expect_err("refused")
        .iter()
        .map(|e| e.code().into_owned())
        .collect()
}

#[test]
fn a_problem_goes_sideways_and_comes_back_answered() {
    let coord = vec!["prov-coord".to_owned()];
    let housing = vec!["dept-zjt".to_owned()];
    let water = vec!["dept-slt".to_owned()];
    let send = Command::Send {
        from_unit: "prov-coord".into(),
        to_unit: "dept-zjt".into(),
        subject: "小区生活污水直排".into(),
        text: "请住建厅协同核查该小区雨污管网混接问题。".into(),
        amount: 2,
        unit: "working_days".into(),
    };
    assert_eq!(
        codes(open(Some("c1"), &send, &ctx(t0(), "x", &housing))),
        ["referral.wrong_side"]
    );
    let mut log = open(Some("c1"), &send, &ctx(t0(), "coordinator", &coord)).unwrap();
    let mut r = log.iter().fold(Referral::empty("r1"), apply);
    assert_eq!((r.status(), r.case_id()), (Status::Sent, Some("c1")));
    let step =
        |r: &Referral, log: &mut Vec<Event>, cmd: Command, who: &str, units: &[String], h: i64| {
            let events = decide(r, &cmd, &ctx(t0() + TimeDelta::hours(h), who, units))?;
            log.extend(events.clone());
            Ok::<Referral, Vec<duban_referral::ReferralError>>(events.iter().fold(r.clone(), apply))
        };
    assert_eq!(
        step(
            &r,
            &mut log,
            Command::Answer {
                text: "已核查完毕".into()
            },
            "h",
            &housing,
            1
        )
        .unwrap_err()[0]
            .code(),
        "referral.wrong_state",
        "acknowledge first"
    );
    assert_eq!(
        step(&r, &mut log, Command::Acknowledge, "w", &water, 1).unwrap_err()[0].code(),
        "referral.wrong_side"
    );
    r = step(&r, &mut log, Command::Acknowledge, "h", &housing, 1).unwrap();
    r = step(
        &r,
        &mut log,
        Command::Reply {
            text: "需要环保部门提供监测数据".into(),
        },
        "h",
        &housing,
        2,
    )
    .unwrap();
    r = step(
        &r,
        &mut log,
        Command::SetJoint {
            lead: "dept-zjt".into(),
            co_handlers: vec!["dept-slt".into()],
        },
        "c",
        &coord,
        3,
    )
    .unwrap();
    // A co-handler takes part in the thread.
    r = step(
        &r,
        &mut log,
        Command::Reply {
            text: "水利厅已安排河道排口排查".into(),
        },
        "w",
        &water,
        4,
    )
    .unwrap();
    r = step(
        &r,
        &mut log,
        Command::Answer {
            text: "管网混接点已封堵，限期一月完成改造。".into(),
        },
        "h",
        &housing,
        20,
    )
    .unwrap();
    assert!(r.clock().expect("clock").is_stopped());
    assert_eq!(r.thread().len(), 4);
    assert!(r.thread()[3].answer);
    assert_eq!(
        step(
            &r,
            &mut log,
            Command::Close {
                summary: "已办结".into()
            },
            "h",
            &housing,
            21
        )
        .unwrap_err()[0]
            .code(),
        "referral.wrong_side"
    );
    r = step(
        &r,
        &mut log,
        Command::Close {
            summary: "住建厅牵头完成整改".into(),
        },
        "c",
        &coord,
        22,
    )
    .unwrap();
    assert_eq!(r.status(), Status::Closed);
    assert_eq!(r.units(), ["prov-coord", "dept-zjt", "dept-slt"]);
    let replayed = log.iter().fold(Referral::empty("r1"), apply);
    assert_eq!(replayed, r);
}

#[test]
fn sending_checks_every_field() {
    let coord = vec!["prov-coord".to_owned()];
    let bad = Command::Send {
        from_unit: "prov-coord".into(),
        to_unit: "prov-coord".into(),
        subject: " ".into(),
        text: String::new(),
        amount: 0,
        unit: "days".into(),
    };
    assert_eq!(
        codes(open(None, &bad, &ctx(t0(), "c", &coord))),
        [
            "to_unit.same_as_sender",
            "subject.required",
            "text.required",
            "unit.invalid"
        ]
    );
}

#[test]
fn an_unanswered_referral_climbs_the_ladder_once_per_step() {
    let coord = vec!["prov-coord".to_owned()];
    let send = Command::Send {
        from_unit: "prov-coord".into(),
        to_unit: "dept-zjt".into(),
        subject: "管网混接".into(),
        text: "请住建厅核查管网混接。".into(),
        amount: 4,
        unit: "hours".into(),
    };
    let cal = Calendar::official();
    let log = open(Some("c1"), &send, &ctx(t0(), "coordinator", &coord)).unwrap();
    let r = log.iter().fold(Referral::empty("r1"), apply);
    assert!(r.due_steps(t0(), cal, "system").is_empty());
    // Down for five hours: the reminder (80%) and the chase (100%) fire, each at its
    // own instant, and only once.
    let fired = r.due_steps(t0() + TimeDelta::hours(5), cal, "system");
    let at: Vec<_> = fired.iter().map(|e| e.at - t0()).collect();
    assert_eq!(
        at,
        [
            TimeDelta::minutes(192), // 80% of 4 h
            TimeDelta::hours(4)
        ]
    );
    let r = fired.iter().fold(r, apply);
    assert_eq!(r.fired(), [duban_sla::Step::Remind, duban_sla::Step::Chase]);
    assert!(
        r.due_steps(t0() + TimeDelta::hours(5), cal, "system")
            .is_empty()
    );
    assert_eq!(r.next_step_at(cal), Some(t0() + TimeDelta::hours(6)));
    // Acknowledged on the department's behalf by a coordinator, then answered:
    // the stopped clock fires nothing more.
    let mut events = decide(
        &r,
        &Command::Acknowledge,
        &ctx(
            t0() + TimeDelta::hours(5),
            "coordinator",
            &["dept-zjt".into()],
        ),
    )
    .unwrap();
    <duban_referral::Referral as duban_core::Mechanism>::mark_on_behalf(
        Some(&r),
        &mut events,
        &coord,
        None,
    );
    assert!(events[0].on_behalf);
    let r = events.iter().fold(r, apply);
    let mut events = decide(
        &r,
        &Command::Answer {
            text: "已核查，管网已整改。".into(),
        },
        &ctx(t0() + TimeDelta::hours(5), "h", &["dept-zjt".into()]),
    )
    .unwrap();
    <duban_referral::Referral as duban_core::Mechanism>::mark_on_behalf(
        Some(&r),
        &mut events,
        &["dept-zjt".into()],
        None,
    );
    assert!(!events[0].on_behalf);
    let r = events.iter().fold(r, apply);
    assert!(!r.thread().last().unwrap().on_behalf);
    assert_eq!(r.next_step_at(cal), None);
    assert!(
        r.due_steps(t0() + TimeDelta::hours(50), cal, "system")
            .is_empty()
    );
}

/// The stored JSON of a log and its state, as written before the shared event envelope
/// (issue 21), reads and writes back byte for byte, and the log replays to the state.
#[test]
fn stored_json_round_trips_byte_for_byte() {
    let sample = include_str!("data/stored.jsonl");
    duban_core::conformance::stored_round_trip::<duban_referral::Referral>("r1", sample).unwrap();
}

/// The typed time unit keeps the command's wire form; a unit that names none of the
/// allowed ones still reads, and is refused as a field error.
#[test]
fn the_send_command_keeps_its_wire_form() {
    let wire = r#"{"action":"send","from_unit":"prov-coord","to_unit":"dept-zjt","subject":"管网问题","text":"请协同核查","amount":2,"unit":"working_days"}"#;
    let cmd: Command = serde_json::from_str(wire).unwrap();
    assert_eq!(serde_json::to_string(&cmd).unwrap(), wire);
    let coord = vec!["prov-coord".to_owned()];
    for bad in ["fortnights", "minutes", ""] {
        let cmd: Command = serde_json::from_str(&wire.replace("working_days", bad)).unwrap();
        assert_eq!(
            codes(open(None, &cmd, &ctx(t0(), "c", &coord))),
            ["unit.invalid"]
        );
    }
}
