//! What intake costs: the fingerprint of a typical complaint, and ranking one new
//! complaint against the 1,000 cases a busy city receives within the window.

use std::hint::black_box;

use chrono::{Duration, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use duban_repeat::{Candidate, Fingerprint, Point, Probe, Settings, rank};

/// About 200 characters, the size of a typical transfer-list row.
const LONG: &str = "镇江市京口区象山街道学府路88号附近的宏达化工有限公司，自今年三月以来长期在夜间十点以后偷排废气，气味刺鼻，像烂鸡蛋和油漆混合的味道，周边幸福花园小区、象山新村的居民晚上不敢开窗，很多老人和孩子出现咳嗽、头晕、喉咙痛等症状。该公司厂区东侧的2号排口还有污水直接排入古运河，河面经常漂着白色泡沫。居民多次拨打12345热线反映，工作人员来过几次，但白天检查时企业停产，晚上又继续排放，问题一直没有得到解决。";

/// Pieces of complaints, combined differently for each candidate so that the pool has
/// the overlap of a real one (shared place names, shared problems).
const PIECES: &[&str] = &[
    "京口区象山街道",
    "丹徒区辛丰镇",
    "润州区金山街道",
    "学府路88号工地",
    "幸福花园小区",
    "某化工企业夜间偷排废气",
    "养猪场粪污直排沟渠",
    "饭店油烟直排",
    "打桩机噪声扰民",
    "垃圾站无人清运臭气熏天",
    "污水通过暗管排入古运河",
    "钢铁厂烧结车间烟尘无组织排放",
    "河水发黑发臭，鱼大量死亡",
    "气味刺鼻，晚上不敢开窗",
    "白天停产晚上继续排放",
    "希望相关部门尽快查处",
];

fn bench(c: &mut Criterion) {
    let text: String = LONG.chars().take(200).collect();
    c.bench_function("fingerprint (200 characters)", |b| {
        b.iter(|| black_box(Fingerprint::of(black_box(&text))))
    });

    let t0 = Utc
        .with_ymd_and_hms(2026, 3, 1, 8, 0, 0)
        .single()
        .unwrap_or_default();
    let candidates: Vec<Candidate> = (0..1000usize)
        .map(|i| {
            // Five to eight pieces each, about 60-120 characters.
            let content: String = (0..5 + i % 4)
                .map(|k| PIECES[(i * 7 + k * 3 + k * k) % PIECES.len()])
                .collect::<Vec<_>>()
                .join("，");
            Candidate {
                case_id: format!("case-{i:04}"),
                reference: format!("JS-2026-B{:02}-{i:04}", i % 17 + 1),
                division: if i % 3 == 0 { "321102" } else { "321112" }.into(),
                fingerprint: Fingerprint::of(&content),
                phone_digest: (i % 10 == 0).then(|| format!("h:{:04x}", i % 50)),
                location: Some(Point::new(
                    32.19 + (i % 37) as f64 * 0.001,
                    119.44 + (i % 41) as f64 * 0.001,
                )),
                received_at: t0 + Duration::hours(i as i64 * 2),
            }
        })
        .collect();
    let probe = Probe {
        division: "321102".into(),
        fingerprint: Fingerprint::of(&text),
        phone_digest: Some("h:0000".into()),
        location: Some(Point::new(32.2040, 119.4600)),
        received_at: t0 + Duration::days(80),
    };
    let settings = Settings::default();
    let found = rank(&probe, &candidates, &settings, 20);
    assert!(!found.is_empty());
    c.bench_function("rank 1,000 candidates", |b| {
        b.iter(|| black_box(rank(black_box(&probe), &candidates, &settings, 20)))
    });

    // The alternative to storing fingerprints: recompute them from the content.
    let contents: Vec<String> = (0..1000).map(|_| text.clone()).collect();
    c.bench_function(
        "fingerprint 1,000 contents (recompute instead of store)",
        |b| {
            b.iter(|| {
                for t in &contents {
                    black_box(Fingerprint::of(t));
                }
            })
        },
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
