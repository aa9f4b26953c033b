#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeZone, Utc};
use duban_case::Lang;
use duban_case::model::{Category, Channel, KeyClass, Status};
use duban_dispatch::{
    Bucket, Facts, GovLevel, RoutingRules, Rule, RuleKind, Target, Unit, When, buckets,
    default_rules, route,
};

fn units() -> Vec<Unit> {
    vec![
        Unit::new(
            "prov-coord",
            "省督察协调联络组信访组",
            "coordination",
            Some("320000"),
        ),
        Unit::new(
            "dept-zjt",
            "江苏省住房和城乡建设厅",
            "department",
            Some("320000"),
        ),
        Unit::new("dept-lyj", "江苏省林业局", "department", Some("320000")),
        Unit::new("dept-slt", "江苏省水利厅", "department", Some("320000")),
        Unit::new(
            "dept-nynct",
            "江苏省农业农村厅",
            "department",
            Some("320000"),
        ),
        Unit::new(
            "dept-jtyst",
            "江苏省交通运输厅",
            "department",
            Some("320000"),
        ),
        Unit::new(
            "dept-zrzyt",
            "江苏省自然资源厅",
            "department",
            Some("320000"),
        ),
        Unit::new("gov-3211", "镇江市人民政府", "government", Some("321100")),
        Unit::new(
            "gov-321102",
            "镇江市京口区人民政府",
            "government",
            Some("321102"),
        ),
        Unit::new("gov-3205", "苏州市人民政府", "government", Some("320500")),
        Unit::new("zone-kskfq", "昆山开发区管委会", "zone", Some("320583")),
        Unit::new("zone-320571", "苏州工业园区管委会", "zone", Some("320571")),
        Unit::new(
            "zone-320590",
            "昆山经济技术开发区管委会",
            "zone",
            Some("320590"),
        ),
    ]
}

#[test]
fn a_functional_zone_is_led_by_its_management_committee() {
    for (division, unit) in [("320571", "zone-320571"), ("320590", "zone-320590")] {
        let r = route(
            &facts(division, "某企业夜间偷排废气", &[]),
            &default_rules(),
            &units(),
        );
        let lead = r.lead.expect("lead");
        assert_eq!(
            (lead.unit.as_str(), lead.rule.as_str()),
            (unit, "lead-zone")
        );
        assert!(
            lead.explain(Lang::Zh).contains("功能区管委会牵头"),
            "{}",
            lead.explain(Lang::Zh)
        );
    }
    // A zone without a committee in the directory falls to its city's government.
    let r = route(
        &facts("321171", "某企业夜间偷排废气", &[]),
        &default_rules(),
        &units(),
    );
    assert_eq!(r.lead.map(|l| l.rule), Some("lead-city".into()));
    // A zone inside 昆山市 lies within it for rules naming 昆山市.
    let here: duban_divisions::DivisionCode = "320590".parse().unwrap();
    assert!(
        here.division().is_within(
            "320583"
                .parse::<duban_divisions::DivisionCode>()
                .unwrap()
                .division()
        )
    );
}

fn facts<'a>(division: &str, content: &'a str, keys: &'a [KeyClass]) -> Facts<'a> {
    Facts {
        division: division.parse().unwrap(),
        categories: &[Category::Water],
        key_classes: keys,
        channel: Channel::InspectionPhone,
        content,
    }
}

#[test]
fn the_city_government_leads_and_says_why() {
    let r = route(
        &facts("321102", "某化工厂夜间偷排废气", &[]),
        &default_rules(),
        &units(),
    );
    let lead = r.lead.clone().expect("lead");
    assert_eq!(
        (lead.unit.as_str(), lead.rule.as_str()),
        ("gov-3211", "lead-city")
    );
    assert_eq!(
        lead.explain(Lang::Zh),
        "牵头：镇江市人民政府，依据规则“属地政府牵头（设区市）”：行政区域镇江市京口区属镇江市属地管理"
    );
    assert!(
        lead.explain(Lang::En)
            .starts_with("Lead: 镇江市人民政府, because 镇江市京口区 is governed by 镇江市")
    );
    assert!(r.notify.is_empty() && r.supervisor.is_none());
    let cmd = r.dispatch_command("按规则分办").expect("command");
    assert_eq!(
        serde_json::to_value(&cmd).unwrap(),
        serde_json::json!({"action": "dispatch", "lead_unit": "gov-3211", "co_units": [], "note": "按规则分办", "routed_by": ["lead-city"],
            "why": [{"zh": lead.explain(Lang::Zh), "en": lead.explain(Lang::En)}]})
    );
}

#[test]
fn departments_are_notified_by_what_the_content_is_about() {
    let r = route(
        &facts(
            "321102",
            "小区生活污水直排，旁边就是自然保护区，污水发黑",
            &[],
        ),
        &default_rules(),
        &units(),
    );
    let notified: Vec<&str> = r.notify.iter().map(|p| p.unit.as_str()).collect();
    assert_eq!(notified, ["dept-zjt", "dept-lyj"]);
    assert_eq!(
        r.notify[0].explain(Lang::Zh),
        "抄送：江苏省住房和城乡建设厅，依据规则“生活污水、垃圾问题抄送住建厅”：内容含“污水”"
    );
    assert_eq!(
        r.rule_ids(),
        ["lead-city", "notify-housing", "notify-forestry"]
    );
}

#[test]
fn the_first_matching_lead_rule_wins_and_unresolvable_targets_fall_through() {
    let mut rules: Vec<Rule> = default_rules().into();
    rules.insert(
        0,
        Rule {
            id: "lead-kunshan-zone".into(),
            name: "昆山开发区内的问题由管委会牵头".into(),
            kind: RuleKind::Lead,
            when: When {
                divisions: vec!["320583".parse().unwrap()],
                keywords: vec!["开发区".into()],
                ..When::default()
            },
            then: Target::Unit {
                unit: "zone-kskfq".into(),
            },
        },
    );
    rules.insert(
        1,
        Rule {
            id: "lead-county".into(),
            name: "区县政府牵头".into(),
            kind: RuleKind::Lead,
            when: When::default(),
            then: Target::TerritorialGovernment {
                level: GovLevel::County,
            },
        },
    );
    let rules = RoutingRules::parse(rules, Some(&units())).expect("valid");
    let zone = route(
        &facts("320583", "开发区某企业噪声扰民", &[]),
        &rules,
        &units(),
    );
    let lead = zone.lead.expect("lead");
    assert_eq!(lead.unit, "zone-kskfq");
    let why = lead.explain(Lang::Zh);
    assert!(
        why.ends_with("行政区域为苏州市昆山市；内容含“开发区”"),
        "{why}"
    );
    // 京口区 has its own government unit; 昆山市 has none here, so the city leads.
    let county = route(&facts("321102", "噪声", &[]), &rules, &units());
    assert_eq!(county.lead.expect("lead").unit, "gov-321102");
    let fallback = route(&facts("320583", "噪声", &[]), &rules, &units());
    assert_eq!(fallback.lead.expect("lead").unit, "gov-3205");
    // A province-level case has no territorial government: no lead is proposed.
    let province = route(&facts("320000", "噪声", &[]), &default_rules(), &units());
    assert!(province.lead.is_none() && province.dispatch_command("").is_none());
}

#[test]
fn key_cases_get_their_supervisor() {
    let mut rules: Vec<Rule> = default_rules().into();
    rules.push(Rule {
        id: "supervise-key".into(),
        name: "督察组重点件由督办专员跟进".into(),
        kind: RuleKind::Supervise,
        when: When {
            key_classes: vec![KeyClass::InspectionKey, KeyClass::SensitiveArea],
            ..When::default()
        },
        then: Target::Person {
            username: "supervisor".into(),
        },
    });
    let rules = RoutingRules::parse(rules, Some(&units())).expect("valid");
    let key = route(
        &facts("321102", "噪声", &[KeyClass::SensitiveArea]),
        &rules,
        &units(),
    );
    let sup = key.supervisor.expect("supervisor");
    assert_eq!(sup.unit, "supervisor");
    assert!(sup.explain(Lang::Zh).contains("重点类别为敏感区域件"));
    assert!(
        route(&facts("321102", "噪声", &[]), &rules, &units())
            .supervisor
            .is_none()
    );
}

#[test]
fn rule_sets_are_checked_with_field_paths_and_codes() {
    let raw = serde_json::json!([
        {"id": "a", "name": "x", "kind": "lead", "then": {"type": "person", "username": "s"}},
        {"id": "a", "name": "", "kind": "notify", "when": {"keywords": [" "]},
         "then": {"type": "unit", "unit": "dept-nowhere"}},
        {"id": "bad id!", "name": "y", "kind": "supervise", "then": {"type": "person", "username": ""}}
    ]);
    let rules: Vec<Rule> = serde_json::from_value(raw).unwrap();
    let errs = RoutingRules::parse(rules.clone(), Some(&units())).unwrap_err();
    let got: Vec<(String, &str)> = errs.iter().map(|e| (e.field(), e.code())).collect();
    assert_eq!(
        got,
        [
            ("rules[0].then".to_owned(), "rule.target_mismatch"),
            ("rules[1].id".to_owned(), "rule.id_duplicate"),
            ("rules[1].name".to_owned(), "rule.required"),
            ("rules[1].then.unit".to_owned(), "rule.unit_unknown"),
            ("rules[1].when.keywords".to_owned(), "rule.keyword_empty"),
            ("rules[2].id".to_owned(), "rule.id_invalid"),
            ("rules[2].then.username".to_owned(), "rule.required"),
        ]
    );
    assert!(errs.iter().all(|e| !e.message(Lang::Zh).is_empty()));
    // Deserializing checks the structure too; unknown fields are refused.
    assert!(serde_json::from_str::<RoutingRules>(&serde_json::to_string(&rules).unwrap()).is_err());
    let defaults = serde_json::to_string(&default_rules()).unwrap();
    assert_eq!(
        serde_json::from_str::<RoutingRules>(&defaults).unwrap(),
        default_rules()
    );
    assert!(
        serde_json::from_str::<Rule>(
            r#"{"id":"a","name":"b","kind":"lead","then":{"type":"unit","unit":"u"},"extra":1}"#
        )
        .is_err()
    );
}

fn at(h: u32, m: u32) -> DateTime<Utc> {
    // China time on 2025-06-03.
    Utc.with_ymd_and_hms(2025, 6, 2, 16, 0, 0).unwrap()
        + chrono::TimeDelta::minutes(i64::from(h * 60 + m))
}

#[test]
fn daily_clearing_buckets() {
    let now = at(9, 0);
    assert_eq!(
        buckets(Status::Received, false, Some(at(8, 0)), now),
        [Bucket::NotDispatched, Bucket::Overdue]
    );
    assert_eq!(
        buckets(Status::Dispatched, false, Some(at(23, 59)), now),
        [Bucket::NotSigned, Bucket::DueToday]
    );
    assert_eq!(
        buckets(Status::InProgress, false, Some(at(24, 0)), now),
        [],
        "midnight is tomorrow"
    );
    assert_eq!(
        buckets(Status::InProgress, true, Some(at(8, 0)), now),
        [],
        "a paused clock is not overdue"
    );
    assert_eq!(
        buckets(Status::Returned, false, None, now),
        [Bucket::NotDispatched]
    );
    assert_eq!(
        buckets(Status::Closed, false, Some(now), now),
        [Bucket::Overdue],
        "due exactly now is overdue"
    );
}
