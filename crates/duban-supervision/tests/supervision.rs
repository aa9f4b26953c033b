#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeDelta, Utc};
use duban_calendar::Calendar;
use duban_core::Aggregate as _;
use duban_core::CodedError as _;
use duban_supervision::{
    Attachment, Command, Ctx, Errors, Event, OrderStatus, Supervision, apply, decide,
};

fn t0() -> DateTime<Utc> {
    // Monday 2025-06-09 09:00 China time.
    DateTime::parse_from_rfc3339("2025-06-09T09:00:00+08:00")
        .unwrap()
        .with_timezone(&Utc)
}

struct Run {
    state: Supervision,
    log: Vec<Event>,
    now: DateTime<Utc>,
    photos: Vec<Attachment>,
}

impl Run {
    fn new() -> Run {
        Run {
            state: Supervision::new("case-1".into()),
            log: vec![],
            now: t0(),
            photos: vec![Attachment {
                id: "att-1".into(),
                name: "现场.jpg".into(),
                content_type: "image/jpeg".into(),
                size: 120_000,
            }],
        }
    }
    fn try_do(&mut self, actor: &str, cmd: Command) -> Result<(), Errors> {
        let number = format!("苏督〔2025〕{}号", self.state.orders().len() + 1);
        let ctx = Ctx {
            now: self.now,
            actor,
            calendar: Calendar::official(),
            order_number: Some(&number),
            attachments: &self.photos,
        };
        let events = decide(&self.state, &cmd, &ctx)?;
        for e in events {
            self.state = apply(self.state.clone(), &e);
            self.log.push(e);
        }
        Ok(())
    }
    fn act(&mut self, actor: &str, cmd: Command) {
        self.try_do(actor, cmd).expect("allowed");
    }
    fn refused(&mut self, cmd: Command) -> Vec<String> {
        self.try_do("someone", cmd)
            .expect_err("refused")
            .iter()
            .map(|e| e.code().into_owned())
            .collect()
    }
}

fn order(unit: &str) -> Command {
    Command::IssueOrder {
        target_unit: unit.into(),
        demands: "请于3个工作日内查明偷排情况并报送整改方案".into(),
        amount: 3,
        unit: "working_days".into(),
    }
}

#[test]
fn a_key_case_is_followed_to_the_end() {
    let mut r = Run::new();
    assert_eq!(r.refused(order("gov-3211")), ["supervisor.required"]);
    r.act(
        "coordinator",
        Command::Assign {
            supervisor: "supervisor".into(),
        },
    );

    // The order's clock counts working days on the official calendar.
    r.act("supervisor", order("gov-3211"));
    let o = &r.state.orders()[0];
    assert_eq!(
        (o.number.as_str(), o.status),
        ("苏督〔2025〕1号", OrderStatus::Open)
    );
    let due = o
        .clock
        .due_at()
        .with_timezone(&duban_core::CHINA)
        .format("%F %R")
        .to_string();
    assert_eq!(
        due, "2025-06-13 00:00",
        "the end of the third working day after"
    );
    assert_eq!(
        r.refused(Command::CloseOrder {
            number: o.number.clone(),
            accept: true,
            comments: String::new()
        }),
        ["order.wrong_state"]
    );

    // Answered, sent back (the clock restarts), answered again, closed.
    r.now += TimeDelta::days(1);
    let number = r.state.orders()[0].number.clone();
    r.act(
        "handler",
        Command::AnswerOrder {
            number: number.clone(),
            answer: "已现场查处，企业停产整改。".into(),
        },
    );
    assert!(r.state.orders()[0].clock.is_stopped());
    assert_eq!(
        r.refused(Command::CloseOrder {
            number: number.clone(),
            accept: false,
            comments: String::new()
        }),
        ["comments.required"]
    );
    r.act(
        "supervisor",
        Command::CloseOrder {
            number: number.clone(),
            accept: false,
            comments: "缺少整改方案".into(),
        },
    );
    let reopened = &r.state.orders()[0];
    assert_eq!(reopened.status, OrderStatus::Open);
    assert_eq!(
        reopened.clock.started_at(),
        r.now,
        "a fresh clock from the send-back"
    );
    r.act(
        "handler",
        Command::AnswerOrder {
            number: number.clone(),
            answer: "已补充整改方案，限期两周完成。".into(),
        },
    );
    r.act(
        "supervisor",
        Command::CloseOrder {
            number: number.clone(),
            accept: true,
            comments: String::new(),
        },
    );
    assert_eq!(r.state.orders()[0].status, OrderStatus::Closed);

    // On-site verification with a photo that belongs to the case.
    let visit = |attachments: Vec<&str>, date: &str| Command::RecordVisit {
        date: date.into(),
        inspectors: vec!["李明".into(), "王芳".into()],
        findings: "现场发现企业雨水排口有废水外排痕迹，已取样送检。".into(),
        finding: "substantiated".into(),
        attachments: attachments.into_iter().map(str::to_owned).collect(),
    };
    assert_eq!(
        r.refused(visit(vec!["att-9"], "2025-06-10")),
        ["attachment.unknown"]
    );
    assert_eq!(
        r.refused(visit(vec![], "2025-06-30")),
        ["date.invalid"],
        "not in the future"
    );
    r.act("supervisor", visit(vec!["att-1", "att-1"], "2025-06-10"));
    assert_eq!(r.state.visits()[0].attachments.len(), 1);

    // Reports are reviewed one by one.
    let report = |text: &str| Command::SubmitReport {
        kind: "progress".into(),
        text: text.into(),
    };
    r.act("handler", report("企业已停产，正在拆除违规管道。"));
    assert_eq!(
        r.refused(report("第二份进展报告内容足够长")),
        ["report.pending"]
    );
    assert_eq!(
        r.refused(Command::ReviewReport {
            report: 1,
            approve: false,
            comments: String::new()
        }),
        ["comments.required"]
    );
    r.act(
        "supervisor",
        Command::ReviewReport {
            report: 1,
            approve: false,
            comments: "请附整改照片".into(),
        },
    );
    r.act(
        "handler",
        Command::SubmitReport {
            kind: "result".into(),
            text: "整改完成，照片已上传，监测达标。".into(),
        },
    );
    r.act(
        "supervisor",
        Command::ReviewReport {
            report: 2,
            approve: true,
            comments: String::new(),
        },
    );
    assert_eq!(
        r.refused(Command::ReviewReport {
            report: 2,
            approve: true,
            comments: String::new()
        }),
        ["report.already_reviewed"]
    );
    assert!(r.state.reports().iter().all(|x| x.review.is_some()));

    // Replaying the log gives the same state; state and events survive JSON.
    let replayed = r.log.iter().fold(Supervision::new("case-1".into()), apply);
    assert_eq!(replayed, r.state);
    let json = serde_json::to_string(&r.log).unwrap();
    let back: Vec<Event> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, r.log);
    assert_eq!(r.state.version(), r.log.len() as u64);
}

/// A limit above the longest allowed is refused with its own code (the form once turned a
/// typed 3 after a prefilled 5 into 53 working days); the longest itself is accepted.
#[test]
fn an_order_limit_above_the_maximum_is_refused() {
    let mut r = Run::new();
    r.act(
        "coordinator",
        Command::Assign {
            supervisor: "supervisor".into(),
        },
    );
    let order = |amount: u32, unit: &str| Command::IssueOrder {
        target_unit: "gov-3211".into(),
        demands: "请于时限内完成整改并书面报告结果。".into(),
        amount,
        unit: unit.into(),
    };
    assert_eq!(r.refused(order(53, "working_days")), ["amount.above_max"]);
    assert_eq!(r.refused(order(241, "hours")), ["amount.above_max"]);
    let e = duban_supervision::SupervisionError::AmountAboveMax {
        field: "amount".into(),
        max: duban_supervision::MAX_ORDER_DAYS,
        days: true,
    };
    assert_eq!(
        e.message(duban_case::Lang::Zh),
        "督办时限过长：按日计最多30天（工作日或自然日），按小时计最多240小时"
    );
    assert_eq!(
        duban_supervision::max_order_amount(duban_sla::TimeUnit::WorkingDays),
        30
    );
    r.act("supervisor", order(30, "working_days"));
}

#[test]
fn bad_input_names_every_field() {
    let mut r = Run::new();
    r.act(
        "coordinator",
        Command::Assign {
            supervisor: "supervisor".into(),
        },
    );
    let codes = r.refused(Command::IssueOrder {
        target_unit: " ".into(),
        demands: "太短".into(),
        amount: 0,
        unit: "fortnights".into(),
    });
    assert_eq!(
        codes,
        [
            "target_unit.required",
            "demands.too_short",
            "unit.invalid",
            "amount.invalid"
        ]
    );
    let codes = r.refused(Command::RecordVisit {
        date: "2025-02-30".into(),
        inspectors: vec![],
        findings: String::new(),
        finding: "maybe".into(),
        attachments: vec![],
    });
    assert_eq!(
        codes,
        [
            "date.invalid",
            "inspectors.required",
            "findings.required",
            "finding.invalid"
        ]
    );
    assert_eq!(
        r.refused(Command::AnswerOrder {
            number: "nope".into(),
            answer: "x".into()
        }),
        ["order.not_found"]
    );
    let cmd: Result<Command, _> =
        serde_json::from_str(r#"{"action":"assign","supervisor":"s","extra":1}"#);
    assert!(cmd.is_err(), "unknown fields are refused");
}

#[test]
fn an_unanswered_order_climbs_the_ladder_and_a_reopened_one_starts_afresh() {
    let cal = Calendar::official();
    let mut r = Run::new();
    r.act(
        "coordinator",
        Command::Assign {
            supervisor: "supervisor".into(),
        },
    );
    r.act("supervisor", order("gov-3211"));
    let number = r.state.orders()[0].number.clone();
    assert!(r.state.due_steps(r.now, cal, "system").is_empty());
    // Three weeks later every step has been reached, each fired once, in order.
    let later = r.now + TimeDelta::days(21);
    let fired = r.state.due_steps(later, cal, "system");
    let steps: Vec<_> = fired
        .iter()
        .map(|e| match &e.kind {
            duban_supervision::EventKind::StepFired { order_number, step } => {
                assert_eq!(order_number, &number);
                *step
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(steps, duban_sla::Step::ALL);
    assert!(fired.windows(2).all(|w| w[0].at <= w[1].at));
    for e in &fired {
        r.state = apply(r.state.clone(), e);
    }
    assert!(r.state.due_steps(later, cal, "system").is_empty());
    assert_eq!(r.state.next_step_at(cal), None);
    // Answered on the unit's behalf by a coordinator, sent back: a fresh clock.
    r.now = later;
    let events = decide(
        &r.state,
        &Command::AnswerOrder {
            number: number.clone(),
            answer: "已现场查处，企业停产整改。".into(),
        },
        &Ctx {
            now: r.now,
            actor: "coordinator",
            calendar: cal,
            order_number: None,
            attachments: &[],
        },
    )
    .expect("answer");
    let mut marked = events.clone();
    <duban_supervision::Supervision as duban_core::Mechanism>::mark_on_behalf(
        Some(&r.state),
        &mut marked,
        &["prov-coord".into()],
        None,
    );
    assert!(marked[0].on_behalf);
    for e in &events {
        r.state = apply(r.state.clone(), e);
    }
    r.act(
        "supervisor",
        Command::CloseOrder {
            number: number.clone(),
            accept: false,
            comments: "整改方案不具体，请补充".into(),
        },
    );
    assert!(r.state.orders()[0].fired.is_empty());
    assert!(r.state.next_step_at(cal).is_some_and(|t| t > later));
}

/// The stored JSON of a log and its state, as written before the shared event envelope
/// (issue 21), reads and writes back byte for byte, and the log replays to the state.
#[test]
fn stored_json_round_trips_byte_for_byte() {
    let sample = include_str!("data/stored.jsonl");
    duban_core::conformance::stored_round_trip::<duban_supervision::Supervision>("case-1", sample)
        .unwrap();
}

/// The typed time unit keeps the order's wire form; a unit that names none of the
/// allowed ones still reads, and is refused as a field error.
#[test]
fn the_issue_order_command_keeps_its_wire_form() {
    let wire = r#"{"action":"issue_order","target_unit":"gov-3211","demands":"请于3个工作日内查明偷排情况并报送整改方案","amount":3,"unit":"working_days"}"#;
    let cmd: Command = serde_json::from_str(wire).unwrap();
    assert_eq!(serde_json::to_string(&cmd).unwrap(), wire);
    let mut run = Run::new();
    run.act(
        "coordinator",
        Command::Assign {
            supervisor: "supervisor".into(),
        },
    );
    for bad in ["fortnights", "minutes"] {
        let cmd: Command = serde_json::from_str(&wire.replace("working_days", bad)).unwrap();
        assert_eq!(run.refused(cmd), ["unit.invalid"]);
    }
}
