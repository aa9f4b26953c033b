use super::*;
use chrono::TimeZone;

fn cst(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    // China Standard Time to UTC.
    duban_core::CHINA
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("valid")
        .to_utc()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid")
}

#[test]
fn notices_are_consistent() {
    let cal = Calendar::official();
    for notice in data::NOTICES {
        for &(name, at) in notice.makeup {
            let d = from_date(at);
            assert!(
                matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
                "{d} makeup for {name} is a weekday"
            );
            assert_eq!(cal.day(d).kind, DayKind::MakeupWorkday);
        }
        for &(_, from, to) in notice.holidays {
            assert!(from_date(from) <= from_date(to));
            assert_eq!(cal.day(from_date(from)).kind, DayKind::Holiday);
            assert_eq!(cal.day(from_date(to)).kind, DayKind::Holiday);
        }
    }
    assert_eq!(
        cal.official_years().collect::<Vec<_>>(),
        (2020..=2026).collect::<Vec<_>>()
    );
}

#[test]
fn known_days() {
    let cal = Calendar::official();
    let d = cal.day(date(2025, 1, 26));
    assert_eq!(
        (d.kind, d.workday, d.name),
        (DayKind::MakeupWorkday, true, Some("春节"))
    );
    assert_eq!(cal.day(date(2025, 1, 29)).kind, DayKind::Holiday);
    assert_eq!(cal.day(date(2025, 1, 25)).kind, DayKind::Weekend);
    assert_eq!(cal.day(date(2025, 1, 24)).kind, DayKind::Workday);
    assert_eq!(cal.day(date(2026, 2, 23)).kind, DayKind::Holiday);
    assert_eq!(cal.day(date(2026, 2, 28)).kind, DayKind::MakeupWorkday);
    assert_eq!(cal.day(date(2022, 12, 31)).name, Some("元旦"));
    assert_eq!(cal.year(2024).count(), 366);
    assert_eq!(cal.year(2025).count(), 365);
    // 2025: 261 weekdays, 18 of them in breaks, 5 make-up days.
    assert_eq!(cal.year(2025).filter(|d| d.workday).count(), 248);
    assert_eq!(cal.year(2024).filter(|d| d.workday).count(), 251);
}

#[test]
fn working_days_skip_holidays_and_count_makeup_days() {
    let cal = Calendar::official();
    // Friday before the 2025 Spring Festival; the next working day is Sunday 26 Jan.
    let r = cal.add_working_days(cst(2025, 1, 24, 15, 0), 1);
    assert_eq!(r.value, cst(2025, 1, 27, 0, 0));
    assert_eq!(r.basis, Basis::Official);
    // Two working days: 26 Jan, 27 Jan, then the break until 4 Feb; 3rd is 5 Feb.
    assert_eq!(
        cal.add_working_days(cst(2025, 1, 24, 15, 0), 3).value,
        cst(2025, 2, 6, 0, 0)
    );
    // The start day does not count, even early in the morning.
    assert_eq!(
        cal.add_working_days(cst(2025, 3, 3, 0, 1), 1).value,
        cst(2025, 3, 5, 0, 0)
    );
    assert_eq!(
        cal.add_working_days(cst(2025, 3, 3, 0, 1), 0).value,
        cst(2025, 3, 3, 0, 1)
    );
}

#[test]
fn uncovered_years_fall_back_and_say_so() {
    let cal = Calendar::official();
    assert_eq!(cal.coverage(2027), Basis::WeekendsOnly);
    let r = cal.add_working_days(cst(2026, 12, 30, 10, 0), 5);
    assert_eq!(r.basis, Basis::WeekendsOnly);
    // 31 Dec (Thu), 1 Jan (Fri), 4, 5, 6 Jan 2027: no 2027 holidays known.
    assert_eq!(r.value, cst(2027, 1, 7, 0, 0));
    assert_eq!(cal.day(date(2027, 1, 1)).kind, DayKind::Workday);
}

#[test]
fn office_hours() {
    let cal = Calendar::official();
    // Monday 3 March 2025, 11:00 + 2 office hours = 14:30 (lunch 12:00–13:30 skipped).
    let r = cal.add(cst(2025, 3, 3, 11, 0), 2 * 3600, Measure::OfficeHours);
    assert_eq!(r.value, cst(2025, 3, 3, 14, 30));
    // Friday 16:30 + 2 hours = Monday 09:30.
    assert_eq!(
        cal.add(cst(2025, 3, 7, 16, 30), 2 * 3600, Measure::OfficeHours)
            .value,
        cst(2025, 3, 10, 9, 30)
    );
    // Exactly to the close: ends at 17:30, not the next morning.
    assert_eq!(
        cal.add(cst(2025, 3, 7, 16, 30), 3600, Measure::OfficeHours)
            .value,
        cst(2025, 3, 7, 17, 30)
    );
    // Starting at night counts from the next opening.
    assert_eq!(
        cal.add(cst(2025, 3, 7, 20, 0), 3600, Measure::OfficeHours)
            .value,
        cst(2025, 3, 10, 9, 30)
    );
    let e = cal.elapsed(
        cst(2025, 3, 7, 16, 30),
        cst(2025, 3, 10, 9, 30),
        Measure::OfficeHours,
    );
    assert_eq!(e.value, 2 * 3600);
}

#[test]
fn measures_are_inverse_of_elapsed() {
    let cal = Calendar::official();
    let starts = [
        cst(2025, 1, 24, 15, 0),
        cst(2024, 9, 30, 23, 59),
        cst(2026, 10, 9, 12, 30),
        cst(2020, 1, 1, 0, 0),
    ];
    for m in [Measure::Natural, Measure::WorkdayTime, Measure::OfficeHours] {
        for &s in &starts {
            for secs in [1, 59, 3600, 27_000, 86_400, 86_401, 10 * 86_400, 123_457] {
                let due = cal.add(s, secs, m).value;
                assert!(due > s, "{m:?} {s} {secs}");
                // Adding then measuring gives the amount back, unless the start lies outside
                // counted time (then the count starts at the next counted instant).
                let back = cal.elapsed(s, due, m).value;
                assert_eq!(back, secs, "{m:?} {s} {secs}");
            }
        }
    }
}

#[test]
fn working_days_match_workday_time() {
    let cal = Calendar::official();
    let s = cst(2025, 9, 26, 9, 0);
    for n in 1..30 {
        let due = cal.add_working_days(s, n).value;
        let day_end = cst(2025, 9, 27, 0, 0);
        let total = cal.elapsed(day_end, due, Measure::WorkdayTime).value;
        assert_eq!(total, i64::from(n) * DAY, "n={n}");
    }
}

#[test]
fn serde_forms() {
    let info = Calendar::official().day(date(2025, 1, 26));
    let json = serde_json::to_string(&info).expect("json");
    assert_eq!(
        json,
        r#"{"date":"2025-01-26","workday":true,"kind":"makeup_workday","name":"春节"}"#
    );
}
