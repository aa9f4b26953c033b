//! The demo set: three inspection batches of cases taken through the real life cycle
//! (`AppState::create_case_at`, `AppState::act`), the oldest concluded, visited and
//! published; then the mechanisms and the connected systems' cases.

use chrono::{DateTime, TimeDelta, Utc};

use duban_case::draft::{CaseDraft, OutcomeDraft};
use duban_case::lifecycle::{Case, Command};
use duban_divisions::Level;

use crate::service::{AppState, Who};

/// A small deterministic generator (SplitMix64) so the demo is the same every time.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// (category, complaint templates with `{p}` for the place).
const TEMPLATES: &[(&str, &[&str])] = &[
    (
        "air",
        &[
            "{p}附近一家化工企业夜间偷排废气，气味刺鼻，周边居民晚上不敢开窗。",
            "{p}有家具厂喷漆车间无组织排放，油漆味很重，要求查处。",
            "{p}一家混凝土搅拌站扬尘严重，道路和居民楼都落满灰。",
        ],
    ),
    (
        "water",
        &[
            "{p}河道边有企业通过暗管排放污水，河水发黑发臭，出现死鱼。",
            "{p}小区生活污水直排雨水管网，最终流入附近河道。",
            "{p}养殖塘尾水未经处理直接排入内河，水面漂浮大量藻类。",
        ],
    ),
    (
        "noise",
        &[
            "{p}建筑工地夜间施工，噪声持续到凌晨两点，严重影响休息。",
            "{p}一家金属加工厂24小时生产，机器轰鸣扰民。",
        ],
    ),
    (
        "solid_waste",
        &[
            "{p}农田旁有人长期倾倒建筑垃圾和工业固废，已堆成小山。",
            "{p}一家废品回收站露天堆放废旧电瓶，雨后渗液流入沟渠。",
        ],
    ),
    (
        "soil",
        &["{p}原化工厂地块未经修复就开工建设，挖出的土壤散发异味。"],
    ),
    (
        "ecology",
        &[
            "{p}自然保护区范围内有人违规采砂，湿地植被被大面积破坏。",
            "{p}饮用水水源保护区内新建农家乐，生活污水直排水库。",
        ],
    ),
    (
        "radiation",
        &["{p}居民楼顶新建通信基站，居民担心电磁辐射影响健康，要求公开检测结果。"],
    ),
    (
        "other",
        &["{p}规模化养猪场粪污处理不当，臭味影响周边三个村庄。"],
    ),
];

const STREETS: &[&str] = &[
    "工业园区",
    "城南街道",
    "新城街道",
    "开发区",
    "沿江镇",
    "高新区",
    "湖滨路",
    "经济开发区",
];
const NAMES: &[&str] = &["张先生", "李女士", "王先生", "刘女士", "陈先生", "周女士"];

/// How far a case has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    Received,
    Dispatched,
    SignedFor,
    Handling,
    /// Handling, paused for a third party's report.
    Paused,
    Reported,
    Concluded,
}

/// How far a case of a batch has come: the oldest batch concluded, the middle one at
/// every step (a few waiting to be signed for long past their time, so that the demo
/// has overdue clocks), the newest just arrived.
fn stage_of(batch: i64, roll: usize) -> Stage {
    match (batch, roll) {
        (1, _) => Stage::Concluded,
        (2, 0..=1) => Stage::Dispatched,
        (2, 2..=3) => Stage::SignedFor,
        (2, 4..=5) => Stage::Handling,
        (2, 6) => Stage::Paused,
        (2, 7) => Stage::Reported,
        (2, _) => Stage::Concluded,
        (_, 0..=3) => Stage::Received,
        (_, _) => Stage::Dispatched,
    }
}

/// One outcome of each kind the board and the disclosure count, in turn: 责令整改 only,
/// 立案处罚 with a fine, 约谈, 问责 (with a penalty; every other time also 立案侦查),
/// and a complaint found untrue. The handler's measures name the complainant, which the
/// disclosure must not show.
pub(super) fn outcome(turn: usize, complainant: &str) -> OutcomeDraft {
    const FINES: [u64; 5] = [30_000, 50_000, 80_000, 120_000, 200_000];
    let told = if complainant.is_empty() {
        "已向举报人反馈处理结果".to_owned()
    } else {
        format!("已向举报人{complainant}反馈处理结果")
    };
    let fine = FINES[turn / 5 % FINES.len()];
    let (finding, rect, penalty, fines, summoned, accountable, measures, summary) = match turn % 5 {
        0 => (
            "partly_substantiated",
            1,
            0,
            0,
            0,
            0,
            "责令企业限期整改，属地生态环境部门跟踪复查",
            "经现场核查，反映问题部分属实。已责令企业限期整改，属地将跟踪复查整改情况。",
        ),
        1 => (
            "substantiated",
            1,
            1,
            fine,
            0,
            0,
            "责令立即停止违法行为，立案处罚",
            "经现场核查，反映问题属实。已责令企业停产整改并立案处罚，整改完成后将组织复查。",
        ),
        2 => (
            "substantiated",
            1,
            0,
            0,
            2,
            0,
            "约谈属地街道和企业负责人，责令限期整改",
            "经现场核查，反映问题属实。已约谈属地街道和企业负责人，督促落实整改。",
        ),
        3 => (
            "substantiated",
            2,
            1,
            fine,
            1,
            1,
            "责令整改、立案处罚，对监管不力的责任人问责",
            "经现场核查，反映问题属实且长期未解决。已立案处罚，并对属地监管不力的1名责任人予以问责。",
        ),
        _ => (
            "unsubstantiated",
            0,
            0,
            0,
            0,
            0,
            "现场核查未发现反映的问题，已向周边居民说明情况",
            "经现场核查和走访，未发现反映的问题，企业各项污染防治设施运行正常。",
        ),
    };
    let criminal = turn % 10 == 8;
    let moved = if criminal {
        "，涉嫌环境污染犯罪的移送公安机关立案侦查"
    } else {
        ""
    };
    OutcomeDraft {
        finding: finding.into(),
        rectification_orders: rect,
        penalty_cases: penalty,
        fines_yuan: fines,
        criminal_cases: u32::from(criminal),
        officials_summoned: summoned,
        officials_accountable: accountable,
        measures: format!("{measures}{moved}；{told}。"),
        public_summary: summary.into(),
    }
}

/// The commands that take a case to its stage, each with the hours after receipt it
/// happened. The oldest batch is also visited (half of it) and cleared for the public
/// disclosure.
fn steps(
    stage: Stage,
    batch: i64,
    i: usize,
    lead: String,
    cat: &str,
    complainant: &str,
) -> Vec<(i64, Command)> {
    let mut steps: Vec<(i64, Command)> = Vec::new();
    if stage >= Stage::Dispatched {
        steps.push((
            3,
            Command::Dispatch {
                lead_unit: lead,
                co_units: if cat == "water" {
                    vec!["dept-zjt".into()]
                } else {
                    vec![]
                },
                note: String::new(),
                routed_by: vec![],
                why: vec![],
            },
        ));
    }
    if stage >= Stage::SignedFor {
        steps.push((20, Command::SignFor));
    }
    if stage >= Stage::Handling {
        steps.push((
            30,
            Command::StartHandling {
                note: "已联系举报人，安排现场核查".into(),
            },
        ));
    }
    if stage == Stage::Handling && i.is_multiple_of(2) {
        // The handler asks for more time; the coordinator's inbox has it to decide.
        steps.push((
            36,
            Command::RequestExtension {
                amount: 5,
                unit: "working_days".into(),
                reason: "需委托第三方检测，检测报告约需一周".into(),
            },
        ));
    }
    if stage == Stage::Paused {
        steps.push((
            40,
            Command::Pause {
                reason: "等待第三方监测报告".into(),
            },
        ));
    }
    if stage >= Stage::Reported {
        steps.push((
            24 * 5,
            Command::Report {
                outcome: outcome(i, complainant),
            },
        ));
    }
    if stage == Stage::Concluded {
        steps.push((
            24 * 6,
            Command::Approve {
                closure: if i % 4 == 2 { "stage_closed" } else { "closed" }.into(),
            },
        ));
    }
    if stage == Stage::Concluded && batch == 1 {
        // A visit archives the case; the stage-closed ones (i % 4 == 2) wait for theirs.
        if i % 4 < 2 {
            steps.push((
                24 * 8,
                Command::ReturnVisit {
                    satisfaction: if i.is_multiple_of(4) {
                        "satisfied"
                    } else {
                        "basically_satisfied"
                    }
                    .into(),
                    note: "电话回访举报人，对处理结果表示认可".into(),
                },
            ));
        }
        steps.push((24 * 9, Command::Publish));
    }
    steps
}

/// Run the steps on a stored case, each at its hour after receipt (never after now).
pub(super) async fn take(
    state: &AppState,
    mut case: Case,
    steps: Vec<(i64, Command)>,
    now: DateTime<Utc>,
) -> anyhow::Result<Case> {
    let system = Who::system();
    let received = case.received_at();
    for (hours, cmd) in steps {
        let at = (received + TimeDelta::hours(hours)).min(now);
        case = match state.act(case, &cmd, &system, at).await {
            Ok(c) => c,
            Err(e) => anyhow::bail!("demo step {cmd:?} failed: {e:?}"),
        };
    }
    Ok(case)
}

/// Load the demo set once: three inspection batches of cases across cities and
/// categories, some key, the oldest concluded, visited and published; the mechanisms at
/// work; cases from a 12345 hotline and an Open311 app. Returns the number of cases made.
pub async fn load_demo(state: &AppState) -> anyhow::Result<usize> {
    if state.store.meta("demo_loaded").await?.is_some() {
        return Ok(0);
    }
    let now = state.now();
    let system = Who::system();
    let mut rng = Mix(20_261_122);
    let counties: Vec<_> = duban_divisions::all()
        .iter()
        .filter(|d| d.level() == Level::County)
        .collect();
    let mut made = 0;
    // Batches handed over 16, 9 and 2 days ago.
    for (batch, days_ago, count) in [(1_i64, 16_i64, 24_usize), (2, 9, 22), (3, 2, 20)] {
        let batch_at = now - TimeDelta::days(days_ago);
        let batch_date = duban_core::china_date(batch_at);
        for i in 0..count {
            let county = *rng.pick(&counties);
            let (cat, texts) = rng.pick(TEMPLATES);
            let place = format!(
                "{}{}{}",
                county.city().map(|c| c.name()).unwrap_or(""),
                county.name(),
                rng.pick(STREETS)
            );
            let content = rng.pick(texts).replace("{p}", &place);
            // Every tenth case is key, and a few more of the open batches, so that
            // several open key cases are followed up.
            let key = rng.below(10) == 0 || (batch == 2 && i % 5 == 3);
            let (lat, lon) = county.centroid();
            let jitter = |r: &mut Mix| (r.below(200) as f64 - 100.0) / 10_000.0;
            let complainant: String = if rng.below(3) == 0 {
                String::new()
            } else {
                (*rng.pick(NAMES)).into()
            };
            let draft = CaseDraft {
                channel: if i % 3 == 0 {
                    "inspection_letter".into()
                } else {
                    "inspection_phone".into()
                },
                batch_number: Some(batch),
                batch_date: batch_date.to_string(),
                sender_ref: format!("D{batch:02}{:04}", i + 1),
                complainant_name: complainant.clone(),
                complainant_phone: if rng.below(2) == 0 {
                    String::new()
                } else {
                    format!("139{:08}", rng.below(100_000_000))
                },
                content,
                address: place,
                division: county.code().as_str(),
                lat: Some(lat + jitter(&mut rng)),
                lon: Some(lon + jitter(&mut rng)),
                categories: vec![(*cat).to_owned()],
                key_classes: if key {
                    vec!["inspection_key".into()]
                } else {
                    vec![]
                },
                received_at: (batch_at + TimeDelta::minutes(10 * i as i64)).to_rfc3339(),
                ..CaseDraft::default()
            };
            let registered = batch_at + TimeDelta::minutes(10 * i as i64);
            let case = match state.create_case_at(&draft, &system, registered).await {
                Ok(c) => c,
                Err(e) => anyhow::bail!("demo case does not validate: {e:?}"),
            };
            let lead =
                crate::seed::government_of(county.city().map_or(county.code(), |c| c.code()));
            // Stages spread evenly over a batch (7 is prime to 10), not by chance.
            let stage = stage_of(batch, i * 7 % 10);
            take(
                state,
                case,
                steps(stage, batch, i, lead, cat, &complainant),
                now,
            )
            .await?;
            made += 1;
        }
    }
    // The mechanisms name the demo supervisor.
    crate::seed::demo_users(state).await?;
    super::mechanisms::demo_mechanisms(state)
        .await
        .map_err(|e| anyhow::anyhow!("demo mechanisms: {e:?}"))?;
    made += super::connected::demo_connected(state).await?;
    state
        .store
        .set_meta("demo_loaded", &now.to_rfc3339())
        .await?;
    Ok(made)
}
