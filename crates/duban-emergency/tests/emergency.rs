#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeDelta, Utc};
use duban_calendar::Calendar;
use duban_core::Aggregate as _;
use duban_core::CodedError as _;
use duban_emergency::{
    Command, Ctx, Event, Incident, IncidentType, Plans, Severity, Status, apply, decide, declare,
    default_plans,
};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2025-06-08T22:10:00+08:00")
        .unwrap()
        .with_timezone(&Utc)
}

fn ctx<'a>(minutes: i64, actor: &'a str, units: &'a [String]) -> Ctx<'a> {
    Ctx {
        now: t0() + TimeDelta::minutes(minutes),
        actor,
        actor_units: units,
        calendar: Calendar::official(),
    }
}

fn fold(log: &[Event]) -> Incident {
    log.iter()
        .fold(None, |i, e| apply(i, "inc-1", e))
        .expect("declared")
}

fn codes(r: Result<Vec<Event>, Vec<duban_emergency::EmergencyError>>) -> Vec<String> {
    r.expect_err("refused")
        .iter()
        .map(|e| e.code().into_owned())
        .collect()
}

#[test]
fn an_incident_links_the_plans_departments_with_minute_clocks() {
    let all: Vec<String> = vec!["prov-coord".into(), "dept-sthjt".into(), "dept-slt".into()];
    let sthjt = vec!["dept-sthjt".to_owned()];
    let plans = default_plans();
    let cmd = Command::Declare {
        title: "某化工园区废水泄漏入河".into(),
        incident_type: "water_pollution".into(),
        severity: "III".into(),
        division: "321102".into(),
        address: "京口区某化工园区排口".into(),
    };
    let mut log = declare(Some("case-9"), &cmd, &plans, &ctx(0, "coordinator", &all)).unwrap();
    let i = fold(&log);
    assert_eq!(
        (i.plan_id(), i.status(), i.case_id()),
        ("water", Status::Active, Some("case-9"))
    );
    assert_eq!(i.units(), ["dept-sthjt", "dept-slt", "dept-xfj"]);
    // 15 minutes for environmental monitoring, even at night.
    assert_eq!(
        i.linkages()[0].clock.due_at(),
        t0() + TimeDelta::minutes(15)
    );

    let step = |log: &mut Vec<Event>, cmd: Command, m: i64, units: &[String]| {
        let i = fold(log);
        let ev = decide(&i, &cmd, &plans, &ctx(m, "someone", units))?;
        log.extend(ev);
        Ok::<Incident, Vec<duban_emergency::EmergencyError>>(fold(log))
    };
    assert_eq!(
        codes(
            step(
                &mut log,
                Command::Acknowledge {
                    unit: "dept-slt".into()
                },
                3,
                &sthjt
            )
            .map(|_| vec![])
        ),
        ["unit.not_yours"]
    );
    assert_eq!(
        codes(
            step(
                &mut log,
                Command::Acknowledge {
                    unit: "dept-gat".into()
                },
                3,
                &all
            )
            .map(|_| vec![])
        ),
        ["unit.not_linked"]
    );
    let i = step(
        &mut log,
        Command::Acknowledge {
            unit: "dept-sthjt".into(),
        },
        9,
        &sthjt,
    )
    .unwrap();
    let l = &i.linkages()[0];
    assert!(l.clock.is_stopped() && l.acknowledged_at == Some(t0() + TimeDelta::minutes(9)));
    assert_eq!(
        codes(
            step(
                &mut log,
                Command::Acknowledge {
                    unit: "dept-sthjt".into()
                },
                10,
                &sthjt
            )
            .map(|_| vec![])
        ),
        ["unit.already_acknowledged"]
    );
    step(
        &mut log,
        Command::Report {
            unit: "dept-sthjt".into(),
            text: "已在下游500米处设置监测点，COD超标3倍。".into(),
        },
        40,
        &sthjt,
    )
    .unwrap();

    // Escalation brings in the departments of the graver plan, each with a fresh clock.
    let i = step(
        &mut log,
        Command::Escalate {
            severity: "II".into(),
        },
        60,
        &all,
    )
    .unwrap();
    assert_eq!(i.severity(), Severity::II);
    assert_eq!(
        i.units(),
        [
            "dept-sthjt",
            "dept-slt",
            "dept-xfj",
            "dept-yjglt",
            "dept-wsjkw",
            "dept-gat"
        ]
    );
    let gat = i.linkages().iter().find(|l| l.unit == "dept-gat").unwrap();
    assert_eq!(gat.clock.started_at(), t0() + TimeDelta::minutes(60));

    assert_eq!(
        codes(
            step(
                &mut log,
                Command::Close {
                    summary: "已处置".into()
                },
                300,
                &all
            )
            .map(|_| vec![])
        ),
        ["summary.too_short"]
    );
    let i = step(
        &mut log,
        Command::Close {
            summary: "泄漏点已封堵，下游水质于次日恢复达标，责任企业已立案调查。".into(),
        },
        600,
        &all,
    )
    .unwrap();
    assert_eq!(i.status(), Status::Closed);
    assert!(
        i.linkages().iter().all(|l| !l.clock.is_running()),
        "closing stops every clock"
    );
    assert_eq!(
        codes(
            step(
                &mut log,
                Command::Report {
                    unit: "dept-sthjt".into(),
                    text: "再报一次情况".into()
                },
                601,
                &sthjt
            )
            .map(|_| vec![])
        ),
        ["incident.closed"]
    );
    let json = serde_json::to_string(&log).unwrap();
    assert_eq!(fold(&serde_json::from_str::<Vec<Event>>(&json).unwrap()), i);
}

#[test]
fn plans_are_data_checked_against_the_units() {
    let plans = default_plans();
    assert_eq!(
        plans.pick(IncidentType::Radiation, Severity::I).unwrap().id,
        "general"
    );
    let units: Vec<String> = ["dept-sthjt", "dept-xfj"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let errs = Plans::parse(plans.plans().to_vec(), Some(&units)).unwrap_err();
    assert!(
        errs.iter().all(|e| e.code() == "plan.unit_unknown"),
        "{errs:?}"
    );
    assert_eq!(errs[0].field(), "plans[0].departments[0].unit");
    let mut bad = plans.plans().to_vec();
    bad[1].id = bad[0].id.clone();
    bad[1].departments[0].ack_minutes = 0;
    let errs = Plans::parse(bad, None).unwrap_err();
    let got: Vec<(String, &str)> = errs.iter().map(|e| (e.field(), e.code())).collect();
    assert_eq!(
        got,
        [
            ("plans[1].id".to_owned(), "plan.id_duplicate"),
            (
                "plans[1].departments[0].ack_minutes".to_owned(),
                "plan.invalid"
            )
        ]
    );
    let bad_declare = Command::Declare {
        title: "x".into(),
        incident_type: "flood".into(),
        severity: "V".into(),
        division: "99".into(),
        address: String::new(),
    };
    let all = vec!["prov-coord".to_owned()];
    let codes: Vec<String> = declare(None, &bad_declare, &plans, &ctx(0, "c", &all))
        .unwrap_err()
        .iter()
        .map(|e| e.code().into_owned())
        .collect();
    assert_eq!(
        codes,
        [
            "title.too_short",
            "incident_type.invalid",
            "severity.invalid",
            "division.invalid"
        ]
    );
}

#[test]
fn unacknowledged_departments_climb_the_ladder_until_they_answer() {
    let all: Vec<String> = vec!["prov-coord".into(), "dept-sthjt".into(), "dept-slt".into()];
    let plans = default_plans();
    let cal = Calendar::official();
    let cmd = Command::Declare {
        title: "某化工园区废水泄漏入河".into(),
        incident_type: "water_pollution".into(),
        severity: "III".into(),
        division: "321102".into(),
        address: String::new(),
    };
    let log = declare(None, &cmd, &plans, &ctx(0, "coordinator", &all)).unwrap();
    let i = fold(&log);
    // 15 minutes for environmental monitoring: at 20 minutes it has been reminded
    // (12 min) and chased (15 min).
    let fired = i.due_steps(t0() + TimeDelta::minutes(20), cal, "system");
    let sthjt: Vec<_> = fired
        .iter()
        .filter_map(|e| match &e.kind {
            duban_emergency::EventKind::StepFired { unit, step } if unit == "dept-sthjt" => {
                Some((*step, e.at - t0()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        sthjt,
        [
            (duban_sla::Step::Remind, TimeDelta::minutes(12)),
            (duban_sla::Step::Chase, TimeDelta::minutes(15))
        ]
    );
    let mut log = log;
    log.extend(fired);
    let i = fold(&log);
    assert!(
        i.due_steps(t0() + TimeDelta::minutes(20), cal, "system")
            .is_empty()
    );
    // A coordinator acknowledges for the department: marked as entered on its behalf,
    // and the department's clock fires nothing more.
    let mut ev = decide(
        &i,
        &Command::Acknowledge {
            unit: "dept-sthjt".into(),
        },
        &plans,
        &ctx(21, "coordinator", &all),
    )
    .unwrap();
    <duban_emergency::Incident as duban_core::Mechanism>::mark_on_behalf(
        Some(&i),
        &mut ev,
        &["prov-coord".into()],
        None,
    );
    assert!(ev[0].on_behalf);
    log.extend(ev);
    let i = fold(&log);
    assert!(
        i.due_steps(t0() + TimeDelta::hours(9), cal, "system")
            .iter()
            .all(|e| !matches!(&e.kind, duban_emergency::EventKind::StepFired { unit, .. } if unit == "dept-sthjt"))
    );
    // Closing stops every clock left.
    let ev = decide(
        &i,
        &Command::Close {
            summary: "泄漏已封堵，下游水质监测连续达标，应急响应终止。".into(),
        },
        &plans,
        &ctx(30, "coordinator", &all),
    )
    .unwrap();
    log.extend(ev);
    let i = fold(&log);
    assert_eq!(i.next_step_at(cal), None);
}

/// The stored JSON of a log and its state, as written before the shared event envelope
/// (issue 21), reads and writes back byte for byte, and the log replays to the state.
#[test]
fn stored_json_round_trips_byte_for_byte() {
    let sample = include_str!("data/stored.jsonl");
    duban_core::conformance::stored_round_trip::<duban_emergency::Incident>("inc-1", sample)
        .unwrap();
}
