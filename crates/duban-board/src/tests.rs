use chrono::{TimeZone, Utc};

use crate::fact::{Measures, city_of, day_of};
use crate::filter::{BoardFilter, BoardQuery, KeyFilter};
use crate::geo::{FeatureCollection, Frame, Level};
use crate::range::{Split, split};

#[test]
fn the_day_is_chinas() {
    // 16:30 UTC on 30 June is 00:30 on 1 July in Nanjing.
    let at = Utc.with_ymd_and_hms(2023, 6, 30, 16, 30, 0).single();
    assert_eq!(at.map(day_of), Some(20230701));
    let at = Utc.with_ymd_and_hms(2023, 6, 30, 15, 59, 0).single();
    assert_eq!(at.map(day_of), Some(20230630));
}

#[test]
fn cities_of_divisions() {
    assert_eq!(city_of(320102), 320100);
    assert_eq!(city_of(320100), 320100);
    assert_eq!(city_of(320000), 320000);
    assert_eq!(city_of(321324), 321300);
}

#[test]
fn rates_leave_merged_repeats_out() {
    let m = Measures {
        total: 10,
        merged: 2,
        closed: 3,
        stage_closed: 1,
        on_time: 3,
        late: 1,
        ..Measures::default()
    };
    assert_eq!(m.closure_rate(), Some(50.0));
    assert_eq!(m.on_time_rate(), Some(75.0));
    assert_eq!(Measures::default().closure_rate(), None);
    assert!(m.minus(&m).is_zero());
    assert_eq!(m.plus(&m).total, 20);
}

fn q(pairs: &[(&str, &str)]) -> BoardQuery {
    let mut q = BoardQuery::default();
    for (k, v) in pairs {
        let v = (*v).to_owned();
        match *k {
            "batch" => q.batch = v,
            "from" => q.from = v,
            "to" => q.to = v,
            "category" => q.category = v,
            "key" => q.key = v,
            "city" => q.city = v,
            _ => {}
        }
    }
    q
}

#[test]
fn a_filter_round_trips_through_its_query() {
    let query = q(&[
        ("batch", "3"),
        ("from", "2023-07-01"),
        ("to", "2023-07-31"),
        ("category", "water"),
        ("key", "repeated"),
        ("city", "320100"),
    ]);
    let f = BoardFilter::parse(&query);
    assert_eq!(f.map(|f| f.to_query()), Ok(query));
}

#[test]
fn every_bad_parameter_is_named() {
    let Err(errs) = BoardFilter::parse(&q(&[
        ("batch", "0"),
        ("from", "2023-13-01"),
        ("category", "smell"),
        ("key", "vip"),
        ("city", "320102"),
    ])) else {
        panic!("a bad query parsed");
    };
    let codes: Vec<&str> = errs.iter().map(|e| e.code()).collect();
    assert_eq!(
        codes,
        [
            "board.batch.invalid",
            "board.from.invalid",
            "board.category.unknown",
            "board.key.unknown",
            "board.city.unknown"
        ]
    );
    let Err(errs) = BoardFilter::parse(&q(&[("from", "2023-07-02"), ("to", "2023-07-01")])) else {
        panic!("a reversed range parsed");
    };
    assert_eq!(errs[0].code(), "board.range.reversed");
    assert_eq!(errs[0].field(), "to");
}

/// chrono reads years of up to six digits and negative years; their `yyyymmdd` day
/// numbers overflow `i32` (found by API fuzzing: `GET /board?from=-262143-01-01`
/// panicked). Only four-digit years are dates here.
#[test]
fn extreme_years_are_invalid_dates() {
    for (field, raw) in [
        ("from", "-262143-01-01"),
        ("to", "+262142-12-31"),
        ("from", "0000-01-01"),
        ("to", "-0001-12-31"),
        ("from", "10000-01-01"),
    ] {
        let Err(errs) = BoardFilter::parse(&q(&[(field, raw)])) else {
            panic!("{field}={raw} parsed");
        };
        assert_eq!(errs[0].field(), field, "{raw}");
    }
    let f = BoardFilter::parse(&q(&[("from", "0001-01-01"), ("to", "9999-12-31")]));
    assert_eq!(f.map(|f| f.day_range()), Ok((10_101, 99_991_231)));
}

#[test]
fn key_filters() {
    let any = BoardFilter::parse(&q(&[("key", "any")])).unwrap_or_default();
    assert_eq!(any.key(), Some(KeyFilter::Any));
    assert!(any.passes_key(0b100));
    assert!(!any.passes_key(0));
    let none = BoardFilter::parse(&q(&[("key", "none")])).unwrap_or_default();
    assert!(none.passes_key(0) && !none.passes_key(1));
    let repeated = BoardFilter::parse(&q(&[("key", "repeated")])).unwrap_or_default();
    assert!(repeated.passes_key(crate::fact::key_class_bit(
        duban_case::model::KeyClass::Repeated
    )));
    assert!(!repeated.passes_key(1));
}

#[test]
fn ranges_split_into_months_and_edges() {
    assert_eq!(
        split(20230715, 20230720),
        Split {
            months: None,
            days: vec![(20230715, 20230720)]
        }
    );
    assert_eq!(
        split(20230715, 20230831),
        Split {
            months: Some((202308, 202308)),
            days: vec![(20230715, 20230731)]
        }
    );
    assert_eq!(
        split(20230701, 20231015),
        Split {
            months: Some((202307, 202309)),
            days: vec![(20231001, 20231015)]
        }
    );
    assert_eq!(
        split(0, 99_991_231),
        Split {
            months: Some((0, 999_912)),
            days: vec![]
        }
    );
    assert_eq!(
        split(20240210, 99_991_231),
        Split {
            months: Some((202403, 999_912)),
            days: vec![(20240210, 20240229)]
        }
    );
    assert_eq!(
        split(0, 20231215),
        Split {
            months: Some((0, 202311)),
            days: vec![(20231201, 20231215)]
        }
    );
}

proptest::proptest! {
    /// Months and edges together cover exactly the days of the range, once each.
    #[test]
    fn a_split_covers_every_day_once(a in 0_i64..1200, len in 0_i64..800) {
        let base = chrono::NaiveDate::from_ymd_opt(2022, 1, 1).unwrap_or_default();
        let from = base + chrono::Duration::days(a);
        let to = from + chrono::Duration::days(len);
        let s = split(crate::fact::day_number(from), crate::fact::day_number(to));
        let mut d = from;
        while d <= to {
            let n = crate::fact::day_number(d);
            let in_months = s.months.is_some_and(|(x, y)| (x..=y).contains(&(n / 100)));
            let in_days = s.days.iter().filter(|(x, y)| (*x..=*y).contains(&n)).count();
            proptest::prop_assert_eq!(usize::from(in_months) + in_days, 1, "day {}", n);
            d += chrono::Duration::days(1);
        }
        // Nothing outside the range is covered.
        for (x, y) in &s.days {
            proptest::prop_assert!(*x >= crate::fact::day_number(from) && *y <= crate::fact::day_number(to));
        }
        if let Some((x, y)) = s.months {
            proptest::prop_assert!(x * 100 + 1 >= crate::fact::day_number(from));
            proptest::prop_assert!(y * 100 + 31 >= crate::fact::day_number(to) || y * 100 < crate::fact::day_number(to));
        }
    }
}

const SQUARE: &str = r#"{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"code":320100,"name":"南京市","city":320100,"level":"city"},
  "geometry":{"type":"Polygon","coordinates":[[[118,31],[119,31],[119,32],[118,32],[118,31]]]}},
 {"type":"Feature","properties":{"code":320102,"name":"玄武区","city":320100,"level":"county"},
  "geometry":{"type":"MultiPolygon","coordinates":[[[[118,31],[118.5,31],[118.5,31.5],[118,31]]]]}}]}"#;

#[test]
fn shapes_project_north_up_into_the_frame() {
    let fc = FeatureCollection::parse(SQUARE).unwrap_or_else(|e| panic!("{e}"));
    let cities = fc.of_level(Level::City, None);
    assert_eq!(cities.len(), 1);
    assert_eq!(fc.of_level(Level::County, Some(320100)).len(), 1);
    assert!(fc.of_level(Level::County, Some(320200)).is_empty());
    let frame = Frame::fit(&cities, 100.0, 5.0);
    let (x, y) = frame.point(118.0, 32.0);
    assert!((x - 5.0).abs() < 1e-6 && (y - 5.0).abs() < 1e-6, "{x} {y}");
    let (x, _) = frame.point(119.0, 31.0);
    assert!((x - 95.0).abs() < 1e-6);
    // A degree of latitude is longer than a degree of longitude at 31.5°N.
    assert!(frame.height > frame.width);
    let d = frame.path(&cities[0].geometry);
    assert!(d.starts_with("M5 ") && d.ends_with('Z'), "{d}");
}

#[test]
fn every_error_is_worded_by_the_catalogue() {
    use crate::error::BoardError;
    use duban_core::Lang;
    let value = || "x".to_owned();
    let all = [
        BoardError::DateInvalid {
            field: "from",
            value: value(),
        },
        BoardError::DateInvalid {
            field: "to",
            value: value(),
        },
        BoardError::RangeReversed,
        BoardError::BatchInvalid { value: value() },
        BoardError::CategoryUnknown { value: value() },
        BoardError::KeyClassUnknown { value: value() },
        BoardError::CityUnknown { value: value() },
        BoardError::ParameterUnknown { name: value() },
    ];
    for e in &all {
        for lang in [Lang::Zh, Lang::En] {
            let m = e.message(lang);
            assert!(m != e.code() && !m.contains('{'), "{}: {m}", e.code());
        }
    }
    assert_eq!(
        all[0].message(Lang::Zh),
        "起始日期应为“年-月-日”格式（如2023-07-01），而不是“x”"
    );
}
