use chrono::{DateTime, Duration, TimeZone, Utc};
use duban_case::Lang;
use proptest::prelude::*;

use crate::*;

// Realistic complaints, as callers to 12345 or the inspection team's hotline word them.
// A: one chemical plant's night-time exhaust, reported by different callers.
const A1: &str = "镇江市京口区象山街道宏达化工有限公司长期在夜间偷排废气，气味刺鼻，像烂鸡蛋一样，附近幸福花园小区居民晚上不敢开窗，很多老人孩子咳嗽头晕，希望相关部门尽快查处。";
const A2: &str = "我家住幸福花园小区，旁边宏达化工每天半夜十二点以后就开始排放废气，臭味很重，刺激喉咙，睡觉都要关窗，举报过几次了还是这样。";
/// A short follow-up that names the plant.
const A3: &str = "宏达化工又在半夜排放了，上次反映的问题没解决";
/// The same follow-up without the name: only the phone can link it.
const A4: &str = "又在半夜排放了，上次反映的问题没解决";
/// Same housing estate as A, a different problem (restaurant fumes and noise).
const B1: &str = "幸福花园小区3栋楼下的饭店油烟直排，厨房排风扇正对居民窗户，油烟味很大，晚上营业到凌晨两点，噪音扰民。";
/// Another city, another problem.
const C1: &str =
    "苏州市吴江区某印染厂将未经处理的污水通过暗管排入太浦河，河水发黑发臭，鱼大量死亡。";
/// Same district, also air pollution from a plant, a different plant.
const C2: &str =
    "京口区谏壁镇金鑫钢铁厂烧结车间烟尘无组织排放，厂区周边落满黑灰，晾晒的衣服都是黑的。";
/// D: night-time piling on one construction site, twice; D3 is the same road, another
/// number and problem.
const D1: &str =
    "京口区学府路88号工地夜间施工，打桩机噪声很大，超过晚上十点还在作业，严重影响休息。";
const D2: &str =
    "学府路88号那个工地每天晚上十一二点还在打桩，吵得根本睡不着，能不能管一管夜间施工。";
const D3: &str = "学府路12号小区垃圾站垃圾堆放多日无人清运，臭气熏天，夏天苍蝇蚊子很多。";
/// E: a pig farm's slurry, twice, worded differently.
const E1: &str = "丹徒区辛丰镇某养猪场粪污直接排入附近沟渠，流进农田，臭味很大。";
const E2: &str = "辛丰镇那家养猪场的猪粪水又排到沟里了，农田都被污染了，味道特别难闻。";

/// About 200 characters, the size of a typical transfer-list row.
pub(crate) const LONG: &str = "镇江市京口区象山街道学府路88号附近的宏达化工有限公司，自今年三月以来长期在夜间十点以后偷排废气，气味刺鼻，像烂鸡蛋和油漆混合的味道，周边幸福花园小区、象山新村的居民晚上不敢开窗，很多老人和孩子出现咳嗽、头晕、喉咙痛等症状。该公司厂区东侧的2号排口还有污水直接排入古运河，河面经常漂着白色泡沫。居民多次拨打12345热线反映，工作人员来过几次，但白天检查时企业停产，晚上又继续排放，问题一直没有得到解决。";

// Places: the plant in 京口区, the estate next to it, the site on 学府路, the farm in 丹徒区.
const PLANT: Point = Point {
    lat: 32.2040,
    lon: 119.4600,
};
const ESTATE: Point = Point {
    lat: 32.2048,
    lon: 119.4608,
};
const SITE: Point = Point {
    lat: 32.1905,
    lon: 119.4410,
};
const FARM: Point = Point {
    lat: 32.0950,
    lon: 119.3500,
};

fn day(d: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap() + Duration::days(d)
}

fn probe(text: &str, division: &str, location: Option<Point>, received: i64) -> Probe {
    Probe {
        division: division.into(),
        fingerprint: Fingerprint::of(text),
        phone_digest: None,
        location,
        received_at: day(received),
    }
}

fn cand(id: &str, text: &str, division: &str, location: Option<Point>, received: i64) -> Candidate {
    Candidate {
        case_id: id.into(),
        reference: format!("JS-2026-B01-{id}"),
        division: division.into(),
        fingerprint: Fingerprint::of(text),
        phone_digest: None,
        location,
        received_at: day(received),
    }
}

/// The existing cases of 镇江 (and one of 苏州) within the window.
fn pool() -> Vec<Candidate> {
    vec![
        cand("a1", A1, "321102", Some(PLANT), 0),
        cand("b1", B1, "321102", Some(ESTATE), 5),
        cand("c1", C1, "320509", None, 3),
        cand("c2", C2, "321102", Some(Point::new(32.2100, 119.5600)), 4),
        cand("d1", D1, "321102", Some(SITE), 6),
        cand("d3", D3, "321102", Some(Point::new(32.1880, 119.4385)), 7),
        cand("e1", E1, "321112", Some(FARM), 8),
    ]
}

fn ids(found: &[Match]) -> Vec<&str> {
    found.iter().map(|m| m.case_id.as_str()).collect()
}

fn labels(m: &Match, lang: Lang) -> Vec<String> {
    m.reasons.iter().map(|r| r.label(lang)).collect()
}

#[test]
fn second_caller_about_the_same_plant_finds_the_first() {
    let s = Settings::default();
    let p = probe(A2, "321102", Some(ESTATE), 20);
    let found = rank(&p, &pool(), &s, 10);
    // The restaurant in the same estate shares the place, not the problem: below the
    // minimum score, as is everything unrelated.
    assert_eq!(ids(&found), ["a1"], "{found:#?}");
    let m = &found[0];
    // 27% similar (weighted) and close by: a clear candidate, not a certainty.
    assert!(m.score > 0.4, "{m:?}");
    assert_eq!(m.days_apart, 20);
    let zh = labels(m, Lang::Zh);
    assert!(zh[0].starts_with("内容相似度 "), "{zh:?}");
    assert!(
        zh.iter()
            .any(|l| l.starts_with("相距 ") && l.ends_with(" 米"))
    );
    assert!(zh.contains(&"同在京口区".to_string()));

    // Even a lower bar does not show the restaurant: it shares the estate's name and
    // the district, but its fumes and noise are not the plant's exhaust, and the place
    // alone is no evidence.
    let low = Settings::parse(SettingsDraft {
        min_score: 0.01,
        ..SettingsDraft::default()
    })
    .unwrap();
    let found = rank(&p, &pool(), &low, 10);
    assert_eq!(ids(&found), ["a1"], "{found:#?}");
}

#[test]
fn short_follow_up_naming_the_plant_finds_both_earlier_calls() {
    let s = Settings::default();
    let mut cases = pool();
    cases.push(cand("a2", A2, "321102", Some(ESTATE), 20));
    // A follow-up by phone: no coordinates, only the district.
    let p = probe(A3, "321102", None, 40);
    let found = rank(&p, &cases, &s, 10);
    // A2 says 半夜排放 too, so it ranks above the first call.
    assert_eq!(ids(&found), ["a2", "a1"], "{found:#?}");
}

#[test]
fn follow_up_without_the_name_is_linked_by_the_phone() {
    let s = Settings::default();
    let mut cases = pool();
    cases[0].phone_digest = Some("h:5be1".into());
    let mut p = probe(A4, "321102", None, 30);
    p.phone_digest = Some("h:5be1".into());
    let found = rank(&p, &cases, &s, 10);
    assert_eq!(ids(&found), ["a1"], "{found:#?}");
    assert_eq!(
        labels(&found[0], Lang::En),
        ["same complainant phone", "same district: 京口区"]
    );
    // Without the phone nothing links it: the text names neither plant nor place.
    p.phone_digest = None;
    assert!(rank(&p, &cases, &s, 10).is_empty());
}

#[test]
fn repeated_construction_noise_not_the_neighbouring_number() {
    let s = Settings::default();
    let p = probe(D2, "321102", Some(Point::new(32.1907, 119.4412)), 12);
    let found = rank(&p, &pool(), &s, 10);
    // 学府路12号's rubbish station is 350 m away on the same road, a different problem.
    assert_eq!(ids(&found), ["d1"], "{found:#?}");
    assert!(found[0].score > 0.75, "{:?}", found[0]);
}

#[test]
fn pig_farm_slurry_worded_differently() {
    let s = Settings::default();
    // Reported without coordinates and coded only to the city.
    let p = probe(E2, "3211", None, 15);
    let found = rank(&p, &pool(), &s, 10);
    assert_eq!(ids(&found), ["e1"], "{found:#?}");
    assert_eq!(
        labels(&found[0], Lang::Zh)[1..],
        ["同在镇江市".to_string()],
        "{found:?}"
    );
}

#[test]
fn unrelated_complaints_score_below_the_minimum() {
    let s = Settings::default();
    let cases = pool();
    for case in &cases {
        // Each against all the others, as if all had been reported in one district.
        let p = Probe {
            division: "321102".into(),
            fingerprint: case.fingerprint.clone(),
            phone_digest: None,
            location: None,
            received_at: day(10),
        };
        let others: Vec<Candidate> = cases
            .iter()
            .filter(|c| c.case_id != case.case_id)
            .cloned()
            .collect();
        let found = rank(&p, &others, &s, 10);
        assert!(found.is_empty(), "{}: {found:#?}", case.case_id);
    }
}

#[test]
fn similarity_orders_realistic_pairs() {
    let f = Fingerprint::of;
    // The true repeat is more similar than the same place with another problem.
    assert!(f(A2).similarity(&f(A1)) > f(A2).similarity(&f(B1)));
    assert!(f(D2).similarity(&f(D1)) > f(D2).similarity(&f(D3)));
    // Containment lets the short follow-up reach its long original, which Dice alone
    // would put below the default minimum similarity (0.2).
    assert!(f(A3).dice(&f(A1)) < 0.15);
    assert!(f(A3).similarity(&f(A1)) > 0.2);
    // Different problems, different places: nothing.
    assert!(f(C1).similarity(&f(E1)) < 0.1);
    assert!(f(A1).similarity(&f(C2)) < 0.1);
}

#[test]
fn normalisation() {
    let f = Fingerprint::of;
    // Full-width ASCII, as typed with a Chinese IME, and case.
    assert_eq!(f("ＣＯＤ超标，２号排口"), f("cod超标,2号排口"));
    assert_eq!(f("COD超标"), f("cod超标"));
    // Punctuation and spaces only cut the text.
    assert_eq!(f("废气 刺鼻！！"), f("废气，刺鼻"));
    // Phone and identity-card numbers do not count (and are not in the fingerprint).
    assert_eq!(
        f("工地夜间施工，联系电话13912345678"),
        f("工地夜间施工，联系电话")
    );
    assert_eq!(f("身份证32110219800101123X夜间施工"), f("身份证，夜间施工"));
    // Division names are left out: the division is weighed from its code.
    assert_eq!(f("镇江市京口区学府路88号"), f("学府路88号"));
    assert!(f("江苏省镇江市京口区").is_empty());
    assert!(!f("小区").is_empty());
    // House numbers do.
    assert_ne!(f("学府路88号"), f("学府路12号"));
    assert_eq!(f("学府路88号").similarity(&f("学府路88号")), 1.0);
    // Boilerplate alone is nothing.
    assert!(f("希望相关部门尽快处理解决问题").is_empty());
    assert!(f("").is_empty());
    assert_eq!(f("").similarity(&f("")), 0.0);
}

#[test]
fn traditional_script_and_grouped_numbers() {
    let f = Fingerprint::of;
    // The same complaint typed with a traditional input method.
    assert_eq!(
        f("洛社鎮華豐印染廠晚上偷偷往石塘灣河裡排污水，氣味很難聞"),
        f("洛社镇华丰印染厂晚上偷偷往石塘湾河里排污水，气味很难闻")
    );
    // A phone number in groups is one number, dropped like the number without spaces.
    let plain = f("喷漆房天天排油漆味，电话13912345678");
    assert_eq!(f("喷漆房天天排油漆味，电话139 1234 5678"), plain);
    assert_eq!(f("喷漆房天天排油漆味，电话139-1234-5678"), plain);
    assert_eq!(f("喷漆房天天排油漆味，电话0511-8888 6666"), plain);
    // Short groups stay (a house number range is not a phone number).
    assert_ne!(f("学府路88-90号"), f("学府路号"));
}

#[test]
fn the_frame_of_a_complaint_is_no_similarity() {
    let f = Fingerprint::of;
    // Two 12345 orders in the same words about different places and sources.
    let site =
        f("群众反映：清江浦区健康西路万达广场工地夜间施工噪声扰民，影响周边居民休息，请尽快处理。");
    let ac = f("群众反映：清江浦区淮海南路某饭店空调外机噪声扰民，影响周边居民休息，请尽快处理。");
    // Unweighted, a quarter of their bigrams are shared; weighted, about half that,
    // below a reworded repeat of the same site.
    assert!(site.dice(&ac) > 0.25, "{}", site.dice(&ac));
    assert!(site.similarity(&ac) < 0.15, "{}", site.similarity(&ac));
    // The same site in a caller's own words shares the subject's words.
    let again = f("健康西路万达那个工地天天晚上打桩，十一二点了还在干，住在对面的人根本睡不着。");
    assert!(site.similarity(&again) > site.similarity(&ac));
    // A transfer's frame alone weighs nothing.
    assert_eq!(
        f("中央生态环境保护督察组交办，依法查处并反馈结果").similarity(&f("依法查处，反馈结果")),
        0.0
    );
}

#[test]
fn kinds_of_problem_agree_or_not() {
    let f = Fingerprint::of;
    // One building: a restaurant's fumes, a KTV's noise.
    let fumes = f("文昌中路218号一楼的川菜馆油烟直排，油烟直冲楼上住户窗户。");
    let ktv = f("文昌中路218号楼上的KTV每天深夜唱歌声音很大，楼上住户无法休息。");
    let fumes_again = f("文昌中路那家川菜馆排油烟的管子对着我们家窗户，整个屋子都是油烟味。");
    assert_eq!(fumes.kind_agreement(&ktv), 0.0);
    assert_eq!(fumes.kind_agreement(&fumes_again), 1.0);
    // A text naming no kind agrees with any.
    assert_eq!(fumes.kind_agreement(&f("文昌中路218号")), 1.0);
    // The place's words make them similar; the kinds tell the repeat apart.
    let s = Settings::default();
    let p = probe(
        "文昌中路218号一楼的川菜馆油烟直排，油烟直冲楼上住户窗户。",
        "321002",
        None,
        5,
    );
    let found = rank(
        &p,
        &[
            cand(
                "ktv",
                "文昌中路218号楼上的KTV每天深夜唱歌声音很大，楼上住户无法休息。",
                "321002",
                None,
                4,
            ),
            cand(
                "again",
                "文昌中路那家川菜馆排油烟的管子对着我们家窗户，整个屋子都是油烟味。",
                "321002",
                None,
                0,
            ),
        ],
        &s,
        10,
    );
    assert_eq!(ids(&found), ["again"], "{found:#?}");
}

#[test]
fn window_edges() {
    let s = Settings::default();
    let p = probe(D2, "321102", None, 90);
    let at = |d: DateTime<Utc>| {
        let mut c = cand("d1", D1, "321102", None, 0);
        c.received_at = d;
        score(&p, &c, &s)
    };
    assert!(at(day(0)).is_some(), "exactly 90 days before is inside");
    assert!(at(day(0) - Duration::seconds(1)).is_none());
    assert_eq!(at(day(0)).map(|m| m.days_apart), Some(90));
    // On import an older complaint may be the probe: the window looks both ways.
    assert!(at(day(180)).is_some());
    assert!(at(day(180) + Duration::seconds(1)).is_none());

    let narrow = Settings::parse(SettingsDraft {
        window_days: 30,
        ..SettingsDraft::default()
    })
    .unwrap();
    let mut c = cand("d1", D1, "321102", None, 59);
    assert!(score(&p, &c, &narrow).is_none());
    c.received_at = day(60);
    assert!(score(&p, &c, &narrow).is_some());
}

#[test]
fn phone_only() {
    let s = Settings::default();
    // Same caller, another problem, same district: shown, the phone says why (0.4 of
    // evidence, nine tenths kept in the same district, a little less ten days later).
    let mut p = probe(C1, "321112", None, 10);
    p.phone_digest = Some("h:77aa".into());
    let mut c = cand("e1", E1, "321112", None, 0);
    c.phone_digest = Some("h:77aa".into());
    let m = score(&p, &c, &s).unwrap();
    assert_eq!(
        m.reasons,
        [
            Reason::SamePhone,
            Reason::SameDivision {
                code: "321112".into()
            }
        ]
    );
    let expected = 0.4 * 0.9 * (1.0 - 0.15 * 10.0 / 90.0);
    assert!((m.score - expected).abs() < 1e-6, "{m:?}");
    assert_eq!(m.reasons[0].label(Lang::Zh), "同一举报电话");
    // From another city the phone alone is a weak hint, below the minimum score.
    p.division = "320509".into();
    assert!(score(&p, &c, &s).is_none());
    let low = Settings::parse(SettingsDraft {
        min_score: 0.01,
        ..SettingsDraft::default()
    })
    .unwrap();
    assert_eq!(
        score(&p, &c, &low).map(|m| m.reasons),
        Some(vec![Reason::SamePhone])
    );
    p.division = "321112".into();
    // Different digests, a missing one, or two empty ones: no reason.
    c.phone_digest = Some("h:77ab".into());
    assert!(score(&p, &c, &s).is_none());
    c.phone_digest = None;
    assert!(score(&p, &c, &s).is_none());
    p.phone_digest = Some(String::new());
    c.phone_digest = Some(String::new());
    assert!(score(&p, &c, &s).is_none());
}

#[test]
fn distance() {
    let a = Point::new(32.0, 119.0);
    // One thousandth of a degree of latitude is 111.2 m anywhere.
    let d = a.distance_m(Point::new(32.001, 119.0));
    assert!((d - 111.2).abs() < 0.1, "{d}");
    assert_eq!(a.distance_m(a), 0.0);
    // Nanjing (新街口) to Zhenjiang: about 65 km.
    let nj = Point::new(32.0416, 118.7784);
    let zj = Point::new(32.1880, 119.4250);
    let d = nj.distance_m(zj);
    assert!((60_000.0..70_000.0).contains(&d), "{d}");
    assert!((d - zj.distance_m(nj)).abs() < 1e-6);

    // At the radius is nearby, just beyond is not.
    let s = Settings::default();
    let north = |m: f64| Point::new(32.0 + m / 111_195.0, 119.0);
    let mut p = probe(C1, "", Some(a), 0);
    // Nearby alone is no evidence: the place only scales what content or phone say.
    assert!(score(&p, &cand("x", E1, "", Some(north(100.0)), 0), &s).is_none());
    let low = Settings::parse(SettingsDraft {
        min_score: 0.01,
        ..SettingsDraft::default()
    })
    .unwrap();
    assert!(score(&p, &cand("x", E1, "", Some(north(100.0)), 0), &low).is_none());
    // With the same phone, the distance is a reason and scales the score.
    p.phone_digest = Some("h:1".into());
    let c = |m: f64| {
        let mut c = cand("x", E1, "", Some(north(m)), 0);
        c.phone_digest = Some("h:1".into());
        c
    };
    let m = score(&p, &c(120.0), &low).unwrap();
    assert_eq!(
        m.reasons,
        [Reason::SamePhone, Reason::Nearby { metres: 120 }]
    );
    assert_eq!(m.reasons[1].label(Lang::Zh), "相距 120 米");
    assert_eq!(m.reasons[1].label(Lang::En), "120 m apart");
    // Beyond the radius the phone still counts, without the distance.
    let reasons = |m: f64| score(&p, &c(m), &low).map(|m| m.reasons);
    assert_eq!(
        reasons(499.0),
        Some(vec![Reason::SamePhone, Reason::Nearby { metres: 499 }])
    );
    assert_eq!(reasons(501.0), Some(vec![Reason::SamePhone]));
    // Closer scores higher.
    assert!(score(&p, &c(10.0), &low).unwrap().score > score(&p, &c(400.0), &low).unwrap().score);
}

#[test]
fn reasons_render_in_both_languages() {
    let r = Reason::SimilarContent { similarity: 0.826 };
    assert_eq!(r.label(Lang::Zh), "内容相似度 82%");
    assert_eq!(r.label(Lang::En), "content 82% similar");
    let r = Reason::SimilarContent { similarity: 0.9999 };
    assert_eq!(r.label(Lang::Zh), "内容相似度 99%");
    let r = Reason::Nearby { metres: 1250 };
    assert_eq!(r.label(Lang::Zh), "相距 1.2 公里");
    assert_eq!(r.label(Lang::En), "1.2 km apart");
    let r = Reason::SameDivision {
        code: "321102".into(),
    };
    assert_eq!(r.label(Lang::Zh), "同在京口区");
    assert_eq!(r.label(Lang::En), "same district: 京口区");
    let r = Reason::SameCity {
        code: "3211".into(),
    };
    assert_eq!(r.label(Lang::Zh), "同在镇江市");
    assert_eq!(r.label(Lang::En), "same city: 镇江市");
    // An unknown code is shown as given.
    let r = Reason::SameDivision {
        code: "999999".into(),
    };
    assert_eq!(r.label(Lang::Zh), "同在999999");
}

#[test]
fn reasons_serialize_tagged() {
    let r = Reason::Nearby { metres: 120 };
    assert_eq!(
        serde_json::to_string(&r).unwrap(),
        r#"{"kind":"nearby","metres":120}"#
    );
    assert_eq!(
        serde_json::to_string(&Reason::SamePhone).unwrap(),
        r#"{"kind":"same_phone"}"#
    );
}

#[test]
fn divisions() {
    let s = Settings::parse(SettingsDraft {
        min_score: 0.01,
        ..SettingsDraft::default()
    })
    .unwrap();
    // The place is no evidence alone: the same phone gives the score it scales.
    let phoned = |text: &str, code: &str| {
        let mut c = cand("x", text, code, None, 0);
        c.phone_digest = Some("h:1".into());
        c
    };
    let mut p = probe(C1, "321102", None, 0);
    p.phone_digest = Some("h:1".into());
    let reasons = |code: &str| {
        score(&p, &phoned(E1, code), &s)
            .map(|m| m.reasons[1..].to_vec())
            .unwrap_or_default()
    };
    assert_eq!(
        reasons("321102"),
        [Reason::SameDivision {
            code: "321102".into()
        }]
    );
    assert_eq!(
        reasons("321112"),
        [Reason::SameCity {
            code: "3211".into()
        }]
    );
    // City-level codes in either form.
    assert_eq!(
        reasons("321100"),
        [Reason::SameCity {
            code: "3211".into()
        }]
    );
    let mut p = probe(C1, "3211", None, 0);
    p.phone_digest = Some("h:1".into());
    assert_eq!(
        score(&p, &phoned(E1, "321100"), &s).map(|m| m.reasons),
        Some(vec![
            Reason::SamePhone,
            Reason::SameDivision {
                code: "321100".into()
            }
        ])
    );
    // The same district keeps more of the evidence than the same city, and that more
    // than another city.
    let at = |code: &str| score(&p, &phoned(E1, code), &s).map_or(0.0, |m| m.score);
    assert!(at("321100") > at("321112") && at("321112") > at("320509"));
    // Another city, or the province alone: nothing.
    assert!(reasons("320509").is_empty());
    assert!(reasons("320000").is_empty());
    assert!(reasons("32").is_empty());
    assert!(reasons("京口").is_empty());
}

#[test]
fn rank_is_deterministic() {
    let s = Settings::default();
    let p = probe(D2, "321102", None, 10);
    // Three identical candidates: the most recent first, then by id.
    let cases = vec![
        cand("c", D1, "321102", None, 1),
        cand("a", D1, "321102", None, 1),
        cand("b", D1, "321102", None, 2),
        cand("z", D3, "321102", None, 2),
    ];
    let found = rank(&p, &cases, &s, 10);
    assert_eq!(ids(&found), ["b", "a", "c"]);
    let mut reversed = cases.clone();
    reversed.reverse();
    assert_eq!(rank(&p, &reversed, &s, 10), found);
    assert_eq!(ids(&rank(&p, &cases, &s, 2)), ["b", "a"]);
    assert!(rank(&p, &cases, &s, 0).is_empty());
    assert!(rank(&p, &[], &s, 10).is_empty());
}

#[test]
fn settings_defaults_and_validation() {
    let s = Settings::default();
    assert_eq!(Settings::parse(SettingsDraft::default()), Ok(s.clone()));
    assert_eq!(s.window_days(), 90);
    assert_eq!(s.radius_m(), 500.0);
    // Missing fields take their defaults; the stored form round-trips.
    let s: Settings =
        serde_json::from_str(r#"{"window_days": 30, "weights": {"phone": 0.8}}"#).unwrap();
    assert_eq!(s.window_days(), 30);
    assert_eq!(s.weights().phone, 0.8);
    assert_eq!(s.weights().content, 0.9);
    assert_eq!(s.min_score(), 0.28);
    let back: Settings = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
    assert_eq!(back, s);
    assert!(serde_json::from_str::<Settings>(r#"{"window": 30}"#).is_err());
    assert!(serde_json::from_str::<Settings>(r#"{"window_days": 0}"#).is_err());

    let bad = |d: SettingsDraft| Settings::parse(d).unwrap_err();
    let d = SettingsDraft::default;
    let e = bad(SettingsDraft {
        window_days: 0,
        ..d()
    });
    assert_eq!(
        (e.code(), e.field().as_str()),
        ("repeat.window.invalid", "window_days")
    );
    assert_eq!(e.message(Lang::Zh), "时间窗口应为1至1826天");
    let e = bad(SettingsDraft {
        window_days: 5000,
        ..d()
    });
    assert_eq!(e.code(), "repeat.window.invalid");
    let e = bad(SettingsDraft {
        min_score: 1.5,
        ..d()
    });
    assert_eq!(
        (e.code(), e.field().as_str()),
        ("repeat.min_score.invalid", "min_score")
    );
    let e = bad(SettingsDraft {
        min_similarity: -0.1,
        ..d()
    });
    assert_eq!(e.code(), "repeat.min_similarity.invalid");
    assert_eq!(e.field(), "min_similarity");
    let e = bad(SettingsDraft {
        radius_m: f64::NAN,
        ..d()
    });
    assert_eq!(
        (e.code(), e.field().as_str()),
        ("repeat.radius.invalid", "radius_m")
    );
    let e = bad(SettingsDraft {
        radius_m: 0.0,
        ..d()
    });
    assert_eq!(e.code(), "repeat.radius.invalid");
    let e = bad(SettingsDraft {
        weights: Weights {
            phone: 1.2,
            ..Weights::default()
        },
        ..d()
    });
    assert_eq!(
        (e.code(), e.field().as_str()),
        ("repeat.weight.invalid", "weights.phone")
    );
    assert_eq!(e.message(Lang::Zh), "权重“同一举报电话”应为0到1之间的数");
    let e = bad(SettingsDraft {
        weights: Weights {
            content: f32::NAN,
            ..Weights::default()
        },
        ..d()
    });
    assert_eq!(e.field(), "weights.content");
    let e = bad(SettingsDraft {
        weights: Weights {
            content: 0.0,
            phone: 0.0,
            nearby: 0.0,
            division: 0.0,
            city: 0.0,
        },
        ..d()
    });
    assert_eq!(
        (e.code(), e.field().as_str()),
        ("repeat.weights.all_zero", "weights")
    );
    for lang in [Lang::Zh, Lang::En] {
        assert!(!e.message(lang).is_empty());
    }
}

#[test]
fn fingerprint_storage() {
    let text: String = LONG.chars().take(200).collect();
    let f = Fingerprint::of(&text);
    // A 200-character complaint: about 115 bigrams, 4 bytes each (461 bytes, 615 as text).
    let bytes = f.to_bytes();
    assert_eq!(bytes.len(), 1 + 4 * f.len());
    assert!((100..=160).contains(&f.len()), "{}", f.len());
    assert_eq!(Fingerprint::from_bytes(&bytes).unwrap(), f);
    let s = f.to_string();
    assert_eq!(s.len(), (bytes.len() * 4).div_ceil(3));
    assert!(
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    assert_eq!(Fingerprint::parse(&s).unwrap(), f);
    assert_eq!(s.parse::<Fingerprint>().unwrap(), f);
    // serde uses the text form.
    let json = serde_json::to_string(&f).unwrap();
    assert_eq!(json, format!("\"{s}\""));
    assert_eq!(serde_json::from_str::<Fingerprint>(&json).unwrap(), f);
    // The empty fingerprint is the version byte alone.
    assert_eq!(Fingerprint::default().to_string(), "AQ");
    assert_eq!(Fingerprint::parse("AQ").unwrap(), Fingerprint::default());
}

#[test]
fn fingerprint_refused() {
    let e = Fingerprint::from_bytes(&[9, 0, 0, 0, 1]).unwrap_err();
    assert_eq!(e, RepeatError::FingerprintStale { version: 9 });
    assert_eq!(e.code(), "repeat.fingerprint.stale");
    assert_eq!(e.field(), "fingerprint");
    for bad in [
        &[][..],
        &[1, 0, 0, 0][..],
        // Not ascending.
        &[1, 2, 0, 0, 0, 1, 0, 0, 0][..],
        &[1, 1, 0, 0, 0, 1, 0, 0, 0][..],
    ] {
        let e = Fingerprint::from_bytes(bad).unwrap_err();
        assert_eq!(e.code(), "repeat.fingerprint.malformed", "{bad:?}");
    }
    for bad in ["", "A", "AQ=", "AQ==", "A Q", "AR", "中文"] {
        assert!(Fingerprint::parse(bad).is_err(), "{bad:?}");
    }
    assert!(serde_json::from_str::<Fingerprint>("\"!!\"").is_err());
}

/// Short Chinese-ish text: common complaint characters, digits, Latin, punctuation.
fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            proptest::sample::select(
                "宏达化工夜间排放废气刺鼻小区居民晚上噪声施工河水污染的了反映问题"
                    .chars()
                    .collect::<Vec<_>>()
            ),
            proptest::char::range('0', '9'),
            proptest::char::range('a', 'z'),
            proptest::sample::select(vec!['，', '。', ' ', '！', 'Ａ', '１']),
            any::<char>(),
        ],
        0..80,
    )
    .prop_map(|v| v.into_iter().collect())
}

proptest! {
    #[test]
    fn similarity_properties(a in text(), b in text()) {
        let (fa, fb) = (Fingerprint::of(&a), Fingerprint::of(&b));
        for v in [fa.dice(&fb), fa.containment(&fb), fa.similarity(&fb)] {
            prop_assert!((0.0..=1.0).contains(&v));
        }
        prop_assert_eq!(fa.dice(&fb), fb.dice(&fa));
        prop_assert_eq!(fa.similarity(&fb), fb.similarity(&fa));
        prop_assert_eq!(fa.kind_agreement(&fb), fb.kind_agreement(&fa));
        prop_assert!((0.0..=1.0).contains(&fa.kind_agreement(&fb)));
        if !fa.is_empty() {
            prop_assert_eq!(fa.dice(&fa), 1.0);
            // Weighted: 1 unless every bigram is of a complaint's frame (weight 0).
            let own = fa.similarity(&Fingerprint::of(&a));
            prop_assert!(own == 1.0 || own == 0.0, "{}", own);
        }
    }

    #[test]
    fn storage_round_trips(a in text()) {
        let f = Fingerprint::of(&a);
        prop_assert_eq!(Fingerprint::from_bytes(&f.to_bytes()).unwrap(), f.clone());
        prop_assert_eq!(Fingerprint::parse(&f.to_string()).unwrap(), f);
    }

    #[test]
    fn base64url_round_trips(bytes in proptest::collection::vec(any::<u8>(), 1..64)) {
        let s = crate::fingerprint::base64url::encode(&bytes);
        prop_assert_eq!(crate::fingerprint::base64url::decode(&s), Some(bytes));
    }

    #[test]
    fn scores_stay_in_range(a in text(), b in text(), days in 0i64..200, metres in 0.0f64..2000.0) {
        let s = Settings::parse(SettingsDraft { min_score: 0.0, ..SettingsDraft::default() }).unwrap();
        let mut p = probe(&a, "321102", Some(Point::new(32.0, 119.0)), days);
        p.phone_digest = Some("h".into());
        let mut c = cand("x", &b, "321102", Some(Point::new(32.0 + metres / 111_195.0, 119.0)), 0);
        c.phone_digest = Some("h".into());
        let m = score(&p, &c, &s);
        prop_assert_eq!(m.is_some(), days <= 90);
        if let Some(m) = m {
            prop_assert!((0.0..=1.0).contains(&m.score));
        }
    }
}

#[test]
fn every_error_is_worded_by_the_catalogue() {
    let all = [
        RepeatError::WindowInvalid {
            value: 0,
            min: 1,
            max: 1826,
        },
        RepeatError::RadiusInvalid {
            value: 0.0,
            min: 50.0,
            max: 5000.0,
        },
        RepeatError::ShareInvalid {
            field: "min_score",
            value: 2.0,
        },
        RepeatError::ShareInvalid {
            field: "min_similarity",
            value: 2.0,
        },
        RepeatError::WeightInvalid {
            weight: "phone",
            value: 2.0,
        },
        RepeatError::WeightsAllZero,
        RepeatError::FingerprintMalformed,
        RepeatError::FingerprintStale { version: 9 },
    ];
    for e in &all {
        for lang in [Lang::Zh, Lang::En] {
            let m = e.message(lang);
            assert!(m != e.code() && !m.contains('{'), "{}: {m}", e.code());
        }
    }
    assert_eq!(
        all[1].message(Lang::En),
        "The radius must be 50 to 5000 metres"
    );
    assert_eq!(
        all[4].message(Lang::En),
        "The weight of “same phone” must be a number from 0 to 1"
    );
}
