//! Reference data every database gets (the Jiangsu units tree and the default SLA rule
//! sets), and the demo set `duban serve --demo` loads once.

use chrono::{DateTime, TimeDelta, Utc};

use duban_api::UnitView;
use duban_case::draft::{CaseDraft, OutcomeDraft};
use duban_case::lifecycle::Command;
use duban_divisions::Level;

use crate::service::AppState;
use crate::store::Store;

const COORDINATION: &str = "prov-coord";

/// Provincial departments: (id, name).
pub const DEPARTMENTS: &[(&str, &str)] = &[
    ("dept-sthjt", "江苏省生态环境厅"),
    ("dept-zjt", "江苏省住房和城乡建设厅"),
    ("dept-lyj", "江苏省林业局"),
    ("dept-slt", "江苏省水利厅"),
    ("dept-jtyst", "江苏省交通运输厅"),
    ("dept-nynct", "江苏省农业农村厅"),
    ("dept-zrzyt", "江苏省自然资源厅"),
    ("dept-yjglt", "江苏省应急管理厅"),
    ("dept-wsjkw", "江苏省卫生健康委员会"),
    ("dept-gat", "江苏省公安厅"),
    ("dept-xfj", "江苏省信访局"),
];

/// The unit id of the government of a division (`gov-3211`, `gov-320583`).
pub fn government_of(code: duban_divisions::DivisionCode) -> String {
    format!("gov-{}", code.short())
}

/// The default units tree: the coordination group, departments, the 13 city
/// governments, every county-level government, and each functional zone's committee.
pub fn default_units() -> Vec<UnitView> {
    let mut units = vec![UnitView {
        id: COORDINATION.into(),
        name: "省督察协调联络组信访组".into(),
        kind: "coordination".into(),
        parent: None,
        division: Some("320000".into()),
    }];
    units.extend(DEPARTMENTS.iter().map(|(id, name)| UnitView {
        id: (*id).into(),
        name: (*name).into(),
        kind: "department".into(),
        parent: Some(COORDINATION.into()),
        division: Some("320000".into()),
    }));
    for d in duban_divisions::all()
        .iter()
        .filter(|d| d.level() != Level::Province)
    {
        let parent = match d.level() {
            Level::County => d.parent().map(|p| government_of(p.code())),
            _ => Some(COORDINATION.into()),
        };
        units.push(UnitView {
            id: government_of(d.code()),
            name: format!("{}人民政府", d.full_name()),
            kind: "government".into(),
            parent,
            division: Some(d.code().as_str()),
        });
    }
    // Each functional zone's management committee (管委会), under the government of
    // the city or county it lies in; routing's `lead-zone` rule finds it by division.
    units.extend(duban_divisions::zones().iter().map(|z| UnitView {
        id: zone_unit_of(z.code()),
        name: format!("{}管委会", zone_name(z)),
        kind: "zone".into(),
        parent: z.parent().map(|p| government_of(p.code())),
        division: Some(z.code().as_str()),
    }));
    units
}

/// The unit id of a zone's management committee (`zone-320571`); 昆山开发区 keeps the
/// id it had before zones had codes.
pub fn zone_unit_of(code: duban_divisions::DivisionCode) -> String {
    match code.as_u32() {
        320590 => "zone-kskfq".into(),
        n => format!("zone-{n}"),
    }
}

/// A zone as its committee is named: `苏州工业园区`, `南京市江北新区`, `昆山经济技术开发区`.
fn zone_name(z: &duban_divisions::Division) -> String {
    match z.parent() {
        Some(p) if p.level() == Level::County => z.name().to_owned(),
        _ => z.full_name(),
    }
}

/// Units and default rule sets; existing rows are kept (edits survive restarts).
pub async fn reference_data(store: &dyn Store, now: DateTime<Utc>) -> anyhow::Result<()> {
    for (i, u) in default_units().iter().enumerate() {
        store.upsert_unit(u, i as i64).await?;
    }
    for set in duban_sla::defaults::all() {
        store.seed_rule_set(&set, now.timestamp_millis()).await?;
    }
    Ok(())
}

/// Demo accounts, one per role, password `demo` (demo mode only). Existing usernames
/// are left alone.
pub async fn demo_users(state: &AppState) -> anyhow::Result<()> {
    use crate::auth::Role;
    let users = [
        ("admin", "管理员", Role::Admin, None),
        (
            "coordinator",
            "省协调联络组 协调员",
            Role::Coordinator,
            Some("prov-coord"),
        ),
        (
            "supervisor",
            "督办专员",
            Role::Supervisor,
            Some("prov-coord"),
        ),
        ("handler", "镇江市承办人", Role::Handler, Some("gov-3211")),
        ("leader", "领导", Role::Leader, Some("prov-coord")),
    ];
    let system = crate::service::Who::system();
    for (username, name, role, unit) in users {
        if state.store.user_by_username(username).await?.is_none()
            && let Err(e) = state
                .create_user(
                    username,
                    name,
                    role,
                    unit,
                    "duban-demo-2025",
                    &system,
                    "demo mode",
                )
                .await
        {
            anyhow::bail!("demo user {username}: {e:?}");
        }
    }
    Ok(())
}

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
const RECTIFY_SUMMARY: &str =
    "经现场核查，反映问题部分属实。已责令企业限期整改，属地将跟踪复查整改情况。";
const REPORT_SUMMARY: &str =
    "经现场核查，反映问题基本属实。已责令企业停产整改并立案处罚，整改完成后将组织复查。";

/// Load the demo set once: three inspection batches of cases across cities and
/// categories, some key, some handled, some overdue. Returns the number of cases made.
pub async fn load_demo(state: &AppState) -> anyhow::Result<usize> {
    if state.store.meta("demo_loaded").await?.is_some() {
        return Ok(0);
    }
    let now = state.now();
    let system = crate::service::Who::system();
    let mut rng = Mix(20_261_122);
    let counties: Vec<_> = duban_divisions::all()
        .iter()
        .filter(|d| d.level() == Level::County)
        .collect();
    let mut made = 0;
    // Batches handed over 16, 9 and 2 days ago.
    for (batch, days_ago, count) in [(1_i64, 16_i64, 24_usize), (2, 9, 22), (3, 2, 20)] {
        let batch_at = now - TimeDelta::days(days_ago);
        let batch_date = (batch_at + TimeDelta::hours(8)).date_naive();
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
            let key = rng.below(10) == 0;
            let (lat, lon) = county.centroid();
            let jitter = |r: &mut Mix| (r.below(200) as f64 - 100.0) / 10_000.0;
            let draft = CaseDraft {
                channel: if i % 3 == 0 {
                    "inspection_letter".into()
                } else {
                    "inspection_phone".into()
                },
                batch_number: Some(batch),
                batch_date: batch_date.to_string(),
                sender_ref: format!("D{batch:02}{:04}", i + 1),
                complainant_name: if rng.below(3) == 0 {
                    String::new()
                } else {
                    (*rng.pick(NAMES)).into()
                },
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
            let received = case.received_at();
            let lead =
                crate::seed::government_of(county.city().map_or(county.code(), |c| c.code()));
            // How far this case has come: older batches further along; a few stay behind
            // so that the demo has overdue clocks.
            let stage = match (batch, rng.below(10)) {
                (1, 0) => 0,
                (1, 1) => 3,
                (1, 2) => 4,
                (1, _) => 5,
                (2, 0..=1) => 1,
                (2, 2..=5) => 2,
                (2, 6) => 6,
                (2, _) => 3,
                (_, 0..=3) => 0,
                (_, _) => 1,
            };
            let mut steps: Vec<(i64, Command)> = Vec::new();
            if stage >= 1 {
                steps.push((
                    3,
                    Command::Dispatch {
                        lead_unit: lead,
                        co_units: if *cat == "water" {
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
            if stage >= 2 {
                steps.push((20, Command::SignFor));
            }
            if stage >= 3 {
                steps.push((
                    30,
                    Command::StartHandling {
                        note: "已联系举报人，安排现场核查".into(),
                    },
                ));
            }
            if stage == 6 {
                steps.push((
                    40,
                    Command::Pause {
                        reason: "等待第三方监测报告".into(),
                    },
                ));
            }
            let penalised = rng.below(2) == 0;
            if (4..=5).contains(&stage) {
                steps.push((
                    24 * 5,
                    Command::Report {
                        outcome: OutcomeDraft {
                            finding: if rng.below(4) == 0 {
                                "partly_substantiated".into()
                            } else {
                                "substantiated".into()
                            },
                            rectification_orders: 1,
                            penalty_cases: u32::from(penalised),
                            fines_yuan: if penalised { 50_000 } else { 0 },
                            criminal_cases: 0,
                            officials_summoned: 0,
                            officials_accountable: 0,
                            measures: "责令立即停止违法行为，限期整改".into(),
                            public_summary: if penalised {
                                REPORT_SUMMARY
                            } else {
                                RECTIFY_SUMMARY
                            }
                            .into(),
                        },
                    },
                ));
            }
            if stage == 5 {
                steps.push((
                    24 * 6,
                    Command::Approve {
                        closure: if rng.below(3) == 0 {
                            "stage_closed".into()
                        } else {
                            "closed".into()
                        },
                    },
                ));
            }
            let mut case = case;
            for (hours, cmd) in steps {
                let at = (received + TimeDelta::hours(hours)).min(now);
                case = match state.act(case, &cmd, &system, at).await {
                    Ok(c) => c,
                    Err(e) => anyhow::bail!("demo step {cmd:?} failed: {e:?}"),
                };
            }
            made += 1;
        }
    }
    // The mechanisms name the demo supervisor.
    demo_users(state).await?;
    demo_mechanisms(state)
        .await
        .map_err(|e| anyhow::anyhow!("demo mechanisms: {e:?}"))?;
    state
        .store
        .set_meta("demo_loaded", &now.to_rfc3339())
        .await?;
    Ok(made)
}

/// The four mechanisms at work in the demo: a supervise rule for key cases, supervised key
/// cases with orders and a visit, a referral to 住建厅, an active incident. Everything
/// goes through the same handlers as the browser, as the server itself.
async fn demo_mechanisms(state: &AppState) -> Result<(), crate::error::ApiFailure> {
    use axum::extract::{Path, State};
    use duban_case::Lang;
    use serde_json::json;

    use crate::error::{ApiJson, ReqLang};
    let actor = crate::policy::Actor {
        user: crate::store::UserRecord {
            id: "system".into(),
            username: "system".into(),
            display_name: "系统".into(),
            role: "admin".into(),
            unit_id: None,
            password_hash: String::new(),
            disabled: false,
        },
        role: crate::auth::Role::Admin,
        jurisdiction: None,
        who: crate::service::Who::system(),
    };
    let mut rules: Vec<duban_dispatch::Rule> = state.routing_rules().into();
    rules.push(duban_dispatch::Rule {
        id: "supervise-key".into(),
        name: "督察组交办重点件由督办专员跟进".into(),
        kind: duban_dispatch::RuleKind::Supervise,
        when: duban_dispatch::When {
            key_classes: vec![duban_case::model::KeyClass::InspectionKey],
            ..duban_dispatch::When::default()
        },
        then: duban_dispatch::Target::Person {
            username: "supervisor".into(),
        },
    });
    if let Err(e) = state
        .set_routing_rules(rules, "演示：重点件由督办专员跟进", &actor.who)
        .await
    {
        tracing::warn!(?e, "demo routing rule not added");
    }
    let f = crate::store::CaseFilter {
        limit: 500,
        ..crate::store::CaseFilter::default()
    };
    let cases = state.store.cases(&f).await?;
    let lang = || ReqLang(Lang::Zh);
    let id_of = |c: &duban_case::lifecycle::Case| Path(c.id().to_string());

    // Follow-up supervision of the first dispatched key cases.
    let key: Vec<_> = cases
        .iter()
        .filter(|c| c.is_key() && c.lead_unit().is_some())
        .take(3)
        .collect();
    for (n, case) in key.iter().enumerate() {
        let lead = case.lead_unit().map(|u| u.to_string()).unwrap_or_default();
        let _ = crate::routes::supervision::supervise(
            State(state.clone()),
            lang(),
            actor.clone(),
            id_of(case),
            ApiJson(json!({"action": "assign", "supervisor": "supervisor"})),
        )
        .await?;
        let _ = crate::routes::supervision::supervise(
            State(state.clone()),
            lang(),
            actor.clone(),
            id_of(case),
            ApiJson(json!({"action": "issue_order", "target_unit": lead,
                "demands": "请于3个工作日内查明情况，报送调查处理结果和整改方案", "amount": 3, "unit": "working_days"})),
        )
        .await?;
        if n == 0 {
            let date = (state.now() + TimeDelta::hours(8)).date_naive().to_string();
            let _ = crate::routes::supervision::supervise(
                State(state.clone()),
                lang(),
                actor.clone(),
                id_of(case),
                ApiJson(json!({"action": "record_visit", "date": date, "inspectors": ["李明", "王芳"],
                    "findings": "现场核查发现企业废气收集设施未正常运行，已责令立即整改。", "finding": "substantiated"})),
            )
            .await?;
        }
    }

    // A referral of a sewage problem to 住建厅, acknowledged.
    if let Some(case) = cases
        .iter()
        .find(|c| c.lead_unit().is_some() && c.content().contains("污水"))
    {
        let (_, axum::Json(view)) = crate::routes::referrals::refer(
            State(state.clone()),
            lang(),
            actor.clone(),
            id_of(case),
            ApiJson(json!({"action": "send", "from_unit": "prov-coord", "to_unit": "dept-zjt",
                "subject": "生活污水管网问题", "text": "该件涉及城镇生活污水管网，请住建厅协同核查并答复。",
                "amount": 3, "unit": "working_days"})),
        )
        .await?;
        let _ = crate::routes::referrals::act_on_referral(
            State(state.clone()),
            lang(),
            actor.clone(),
            Path(view.referral.id().to_owned()),
            ApiJson(json!({"action": "acknowledge"})),
        )
        .await?;
    }

    // An active incident, from a case, with one department acknowledged.
    if let Some(case) = cases
        .iter()
        .find(|c| c.categories().contains(&duban_case::model::Category::Water))
    {
        let (_, axum::Json(view)) = crate::routes::incidents::declare_incident_from_case(
            State(state.clone()),
            lang(),
            actor.clone(),
            id_of(case),
            ApiJson(json!({"action": "declare", "title": "河道出现大面积死鱼", "incident_type": "water_pollution",
                "severity": "III", "division": case.division().as_str(), "address": case.address()})),
        )
        .await?;
        let _ = crate::routes::incidents::act_on_incident(
            State(state.clone()),
            lang(),
            actor.clone(),
            Path(view.incident.id().to_owned()),
            ApiJson(json!({"action": "acknowledge", "unit": "dept-sthjt"})),
        )
        .await?;
    }
    Ok(())
}
