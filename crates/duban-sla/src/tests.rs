use super::*;
use chrono::TimeZone;

fn cst(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    duban_core::CHINA
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("valid")
        .to_utc()
}

fn cal() -> &'static Calendar {
    Calendar::official()
}

#[test]
fn hotline_limits_depend_on_urgency_and_kind() {
    let r = defaults::hotline_12345();
    let normal = Facts::default();
    let urgent = Facts {
        urgent: true,
        ..Facts::default()
    };
    let inquiry = Facts {
        kind: RequestKind::Inquiry,
        ..Facts::default()
    };
    assert_eq!(
        r.limit_for(Stage::Dispatch, &urgent),
        Limit::new(2, TimeUnit::Hours).ok()
    );
    assert_eq!(
        r.limit_for(Stage::Dispatch, &normal),
        Limit::new(24, TimeUnit::Hours).ok()
    );
    assert_eq!(
        r.limit_for(Stage::Report, &inquiry),
        Limit::new(5, TimeUnit::WorkingDays).ok()
    );
    assert_eq!(
        r.limit_for(Stage::Report, &normal),
        Limit::new(15, TimeUnit::WorkingDays).ok()
    );
    assert_eq!(r.limit_for(Stage::Acceptance, &normal), None);
}

#[test]
fn status_moves_from_on_time_to_warning_to_overdue() {
    let limit = Limit::new(10, TimeUnit::Hours).expect("limit");
    let start = cst(2025, 3, 3, 9, 0);
    let c = Clock::start(Stage::Dispatch, limit, 80, start, cal());
    assert_eq!(c.due_at(), cst(2025, 3, 3, 19, 0));
    assert_eq!(
        c.status(cst(2025, 3, 3, 16, 59), cal()).status,
        Status::OnTime
    );
    assert_eq!(
        c.status(cst(2025, 3, 3, 17, 0), cal()).status,
        Status::Warning
    );
    let s = c.status(cst(2025, 3, 3, 19, 0), cal());
    assert_eq!((s.status, s.seconds_left), (Status::Overdue, 0));
}

#[test]
fn pauses_and_extensions_move_the_deadline() {
    let limit = Limit::new(2, TimeUnit::WorkingDays).expect("limit");
    // Monday 3 March 2025; due end of Wednesday.
    let mut c = Clock::start(Stage::Report, limit, 80, cst(2025, 3, 3, 10, 0), cal());
    assert_eq!(c.due_at(), cst(2025, 3, 6, 0, 0));
    // Paused Tuesday 00:00 to Thursday 00:00: two working days stopped.
    c.pause(cst(2025, 3, 4, 0, 0)).expect("pause");
    assert_eq!(c.pause(cst(2025, 3, 4, 1, 0)), Err(SlaError::AlreadyPaused));
    assert_eq!(
        c.status(cst(2025, 3, 10, 0, 0), cal()).status,
        Status::Paused
    );
    c.resume(cst(2025, 3, 6, 0, 0), cal()).expect("resume");
    // Two more working days: Thursday and Friday; due end of Friday.
    assert_eq!(c.due_at(), cst(2025, 3, 8, 0, 0));
    c.extend(Limit::new(1, TimeUnit::WorkingDays).expect("limit"), cal())
        .expect("extend");
    // The weekend is skipped: due end of Monday.
    assert_eq!(c.due_at(), cst(2025, 3, 11, 0, 0));
    c.stop(cst(2025, 3, 10, 12, 0), cal());
    assert_eq!(c.status(cst(2025, 4, 1, 0, 0), cal()).status, Status::Met);
}

#[test]
fn natural_days_end_at_midnight() {
    let limit = Limit::new(15, TimeUnit::NaturalDays).expect("limit");
    let c = Clock::start(Stage::Acceptance, limit, 80, cst(2025, 1, 1, 23, 30), cal());
    assert_eq!(c.due_at(), cst(2025, 1, 17, 0, 0));
}

#[test]
fn working_day_clock_does_not_advance_over_the_spring_festival() {
    let limit = Limit::new(1, TimeUnit::WorkingDays).expect("limit");
    let c = Clock::start(Stage::SignFor, limit, 80, cst(2025, 1, 27, 23, 0), cal());
    // 27 Jan is a working day; the break runs to 4 Feb; due end of 5 Feb.
    assert_eq!(c.due_at(), cst(2025, 2, 6, 0, 0));
    let during = c.status(cst(2025, 2, 3, 12, 0), cal());
    assert_eq!(during.status, Status::OnTime);
    assert!(during.used_percent < 5.0, "{}", during.used_percent);
}

#[test]
fn bad_rules_are_refused() {
    assert_eq!(
        Limit::new(0, TimeUnit::Hours),
        Err(SlaError::LimitOutOfRange { amount: 0 })
    );
    let bad: Result<Limit, _> = serde_json::from_str(r#"{"amount":0,"unit":"hours"}"#);
    assert!(bad.is_err());
    let mut json = serde_json::to_value(defaults::key_items()).expect("json");
    json["warn_percent"] = 120.into();
    assert!(serde_json::from_value::<RuleSet>(json).is_err());
    for set in defaults::all() {
        let back: RuleSet =
            serde_json::from_value(serde_json::to_value(&set).expect("json")).expect("parse");
        assert_eq!(back, set);
        assert!(!set.source().is_empty());
    }
}

#[test]
fn extensions_add_exactly_their_amount() {
    // Due end of Monday 10 March 2025; +1 working day is the end of Tuesday, +5 the end
    // of the following Monday; +1 natural day the end of Tuesday.
    let limit = Limit::new(1, TimeUnit::WorkingDays).expect("limit");
    let start = cst(2025, 3, 7, 10, 0);
    let base = Clock::start(Stage::Report, limit, 80, start, cal());
    assert_eq!(base.due_at(), cst(2025, 3, 11, 0, 0));
    for (amount, unit, due) in [
        (1, TimeUnit::WorkingDays, cst(2025, 3, 12, 0, 0)),
        (5, TimeUnit::WorkingDays, cst(2025, 3, 18, 0, 0)),
        (1, TimeUnit::NaturalDays, cst(2025, 3, 12, 0, 0)),
        (2, TimeUnit::WorkingHours, cst(2025, 3, 11, 10, 30)),
    ] {
        let mut c = base.clone();
        c.extend(Limit::new(amount, unit).expect("limit"), cal())
            .expect("extend");
        assert_eq!(c.due_at(), due, "{amount} {unit:?}");
    }
}

#[test]
fn names_and_limits_read_as_before_the_catalogue() {
    // The texts moved to duban-text; pin the wording pages and events showed.
    let limit = |n, unit| Limit::new(n, unit).expect("limit");
    assert_eq!(limit(3, TimeUnit::WorkingDays).text(Lang::Zh), "3个工作日");
    assert_eq!(
        limit(3, TimeUnit::WorkingDays).text(Lang::En),
        "3 working days"
    );
    assert_eq!(
        limit(1, TimeUnit::WorkingDays).text(Lang::En),
        "1 working day"
    );
    assert_eq!(limit(1, TimeUnit::Hours).text(Lang::En), "1 hour");
    assert_eq!(
        limit(2, TimeUnit::WorkingHours).text(Lang::Zh),
        "2个工作小时"
    );
    assert_eq!(limit(30, TimeUnit::Minutes).text(Lang::En), "30 minutes");
    assert_eq!(limit(15, TimeUnit::NaturalDays).text(Lang::Zh), "15日");
    assert_eq!(Stage::Acceptance.name(Lang::Zh), "受理告知");
    assert_eq!(
        Stage::EmergencyAck.name(Lang::En),
        "Emergency acknowledgement"
    );
    assert_eq!(Step::Remind.name(Lang::Zh), "临期提醒");
    assert_eq!(Step::Supervise.name(Lang::En), "Supervision order");
}
