//! The data set of the server's benches: `n` cases built through the real life cycle
//! (draft → `NewCase::parse` → receive → decide/apply, with the sweeper's `escalate`
//! before every step and at the end), stored through `Store::insert_cases`, and kept
//! for later runs (`meta.bench_seed`). Shared by the board bench and the load harness.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use duban_api::AuditEntry;
use duban_calendar::Calendar;
use duban_case::draft::{CaseDraft, NewCase, OutcomeDraft};
use duban_case::lifecycle::{self, Case, Command, Ctx, Event};
use duban_case::model::{CaseId, Reference};
use duban_divisions::{Division, Level};
use duban_server::service::Who;
use duban_server::store::{Insert, PgStore, SqliteStore, Store};
use duban_sla::RuleSet;

/// Cases are received from 2024-12-01 to 2026-11-30, China time.
pub const DAYS: u64 = 730;
/// Inspection batches (numbers 1–99 are what a draft accepts), one after another.
const BATCHES: u64 = 99;
/// Cases per `insert_cases` call (one transaction).
const CHUNK: usize = 2_000;

fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 12, 1).unwrap()
}

/// Midnight of a CST date, in UTC.
fn cst_midnight(d: NaiveDate) -> DateTime<Utc> {
    duban_core::CHINA
        .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap())
        .unwrap()
        .to_utc()
}

/// The bench's "now": 2026-12-01 00:00 China time, after the last case.
pub fn now() -> DateTime<Utc> {
    cst_midnight(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())
}

/// SplitMix64, seeded per case so that any case can be built on its own.
struct Mix(u64);

impl Mix {
    fn new(i: u64) -> Mix {
        Mix(i.wrapping_mul(0xA076_1D64_78BD_642F) ^ 0x2026_1201)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    /// Uniform in [a, b) hours.
    fn hours(&mut self, a: f64, b: f64) -> TimeDelta {
        TimeDelta::seconds(((a + (b - a) * self.unit()) * 3600.0) as i64)
    }
    fn weighted<T: Copy>(&mut self, xs: &[(T, u32)]) -> T {
        let total: u32 = xs.iter().map(|(_, w)| w).sum();
        let mut r = self.below(u64::from(total)) as u32;
        for (x, w) in xs {
            if r < *w {
                return *x;
            }
            r -= w;
        }
        xs[0].0
    }
}

/// Category codes with their shares (percent of first categories).
const CATEGORIES: &[(&str, u32)] = &[
    ("air", 30),
    ("water", 24),
    ("noise", 20),
    ("solid_waste", 10),
    ("ecology", 6),
    ("soil", 4),
    ("other", 5),
    ("radiation", 1),
];

/// Key classes of key cases outside batches.
const KEY_CLASSES: &[(&str, u32)] = &[
    ("leader_instructed", 20),
    ("repeated", 30),
    ("collective", 15),
    ("public_opinion", 15),
    ("sensitive_area", 12),
    ("sudden_incident", 8),
];

/// Channels of cases outside batches.
const CHANNELS: &[(&str, u32)] = &[
    ("hotline_12345", 45),
    ("online", 25),
    ("letter_visit", 15),
    ("media", 5),
    ("self_discovered", 5),
    ("leader_instruction", 5),
];

fn complaint(category: &str, place: &str, r: &mut Mix) -> String {
    let texts: &[&str] = match category {
        "air" => &[
            "附近一家化工企业夜间偷排废气，气味刺鼻，周边居民晚上不敢开窗。",
            "有家具厂喷漆车间无组织排放，油漆味很重，要求查处。",
            "一家混凝土搅拌站扬尘严重，道路和居民楼都落满灰。",
        ],
        "water" => &[
            "河道边有企业通过暗管排放污水，河水发黑发臭，出现死鱼。",
            "小区生活污水直排雨水管网，最终流入附近河道。",
            "养殖塘尾水未经处理直接排入内河，水面漂浮大量藻类。",
        ],
        "noise" => &[
            "建筑工地夜间施工，噪声持续到凌晨两点，严重影响休息。",
            "一家金属加工厂24小时生产，机器轰鸣扰民。",
        ],
        "solid_waste" => &[
            "农田旁有人长期倾倒建筑垃圾和工业固废，已堆成小山。",
            "一家废品回收站露天堆放废旧电瓶，雨后渗液流入沟渠。",
        ],
        "soil" => &["原化工厂地块未经修复就开工建设，挖出的土壤散发异味。"],
        "ecology" => &[
            "自然保护区范围内有人违规采砂，湿地植被被大面积破坏。",
            "饮用水水源保护区内新建农家乐，生活污水直排水库。",
        ],
        "radiation" => &["居民楼顶新建通信基站，居民担心电磁辐射影响健康，要求公开检测结果。"],
        _ => &["规模化养猪场粪污处理不当，臭味影响周边三个村庄。"],
    };
    format!("{place}{}", texts[r.below(texts.len() as u64) as usize])
}

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
const DEPARTMENTS: &[&str] = &[
    "dept-sthjt",
    "dept-zjt",
    "dept-slt",
    "dept-nynct",
    "dept-zrzyt",
];

/// What every case is built with.
struct Gen {
    n: u64,
    counties: Vec<&'static Division>,
    /// Cumulative weights over `counties`: a Zipf-like skew (the busiest county gets
    /// about 24 times the cases of the quietest).
    cumulative: Vec<f64>,
    rules: HashMap<String, RuleSet>,
    /// Reference serials per counter (`2025-B03`, `2026-H`), shared by the generators.
    serials: Mutex<HashMap<String, u32>>,
    who: Who,
}

/// One case ready for `insert_cases`.
struct Built {
    case: Case,
    opening: Event,
    audit: AuditEntry,
}

impl Gen {
    fn new(n: u64) -> Gen {
        let mut counties: Vec<&'static Division> = duban_divisions::all()
            .iter()
            .filter(|d| d.level() == Level::County)
            .collect();
        // A fixed shuffle, so that the busy counties are spread over the cities.
        counties.sort_by_key(|d| Mix::new(u64::from(d.code().as_u32())).next());
        let mut acc = 0.0;
        let cumulative = (0..counties.len())
            .map(|rank| {
                acc += 1.0 / ((rank + 1) as f64).powf(0.7);
                acc
            })
            .collect();
        let rules = duban_sla::defaults::all()
            .into_iter()
            .map(|r| (r.id().to_owned(), r))
            .collect();
        Gen {
            n,
            counties,
            cumulative,
            rules,
            serials: Mutex::new(HashMap::new()),
            who: Who::system(),
        }
    }

    fn county(&self, r: &mut Mix) -> &'static Division {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let x = r.unit() * total;
        let i = self.cumulative.partition_point(|c| *c <= x);
        self.counties[i.min(self.counties.len() - 1)]
    }

    fn serial(&self, counter: String) -> u32 {
        let mut map = self.serials.lock().unwrap();
        let v = map.entry(counter).or_insert(0);
        *v += 1;
        *v
    }

    /// Case `i` of `n`: its day follows `i`, everything else comes from its own seed.
    fn build(&self, i: u64) -> Built {
        let mut r = Mix::new(i);
        let cal = Calendar::official();
        let day = i * DAYS / self.n;
        let date = first_day() + TimeDelta::days(day as i64);
        let received = cst_midnight(date) + r.hours(7.0, 23.0);
        let county = self.county(&mut r);
        let city = county.city().unwrap_or(county);
        let inspection = r.chance(0.4);
        let batch = day * BATCHES / DAYS + 1;
        // The batch's date: the first day that falls in it.
        let batch_day = ((batch - 1) * DAYS).div_ceil(BATCHES);
        let batch_date = first_day() + TimeDelta::days(batch_day as i64);
        let channel = if inspection {
            if r.chance(1.0 / 3.0) {
                "inspection_letter"
            } else {
                "inspection_phone"
            }
        } else {
            r.weighted(CHANNELS)
        };
        let first = r.weighted(CATEGORIES);
        let mut categories = vec![first.to_owned()];
        if r.chance(0.25) {
            let second = r.weighted(CATEGORIES);
            if second != first {
                categories.push(second.to_owned());
            }
        }
        let mut key_classes = Vec::new();
        if r.chance(0.1) {
            key_classes.push(if inspection && r.chance(0.6) {
                "inspection_key"
            } else {
                r.weighted(KEY_CLASSES)
            });
            if r.chance(0.05) {
                let k = r.weighted(KEY_CLASSES);
                if !key_classes.contains(&k) {
                    key_classes.push(k);
                }
            }
        }
        let place = format!(
            "{}{}{}",
            city.name(),
            county.name(),
            STREETS[r.below(STREETS.len() as u64) as usize]
        );
        let (lat, lon) = county.centroid();
        let located = r.chance(0.8);
        let draft = CaseDraft {
            channel: channel.into(),
            urgent: r.chance(0.02),
            batch_number: inspection.then_some(batch as i64),
            batch_date: if inspection {
                batch_date.to_string()
            } else {
                String::new()
            },
            sender_ref: if inspection {
                format!("D{batch:02}{:05}", i % 100_000)
            } else {
                String::new()
            },
            complainant_name: if r.chance(1.0 / 3.0) {
                String::new()
            } else {
                NAMES[r.below(NAMES.len() as u64) as usize].into()
            },
            complainant_phone: if r.chance(0.5) {
                String::new()
            } else {
                format!("139{:08}", r.below(100_000_000))
            },
            content: complaint(first, &place, &mut r),
            address: place,
            division: county.code().as_str(),
            lat: located.then(|| lat + (r.unit() - 0.5) / 50.0),
            lon: located.then(|| lon + (r.unit() - 0.5) / 50.0),
            categories,
            key_classes: key_classes.iter().map(|k| (*k).to_owned()).collect(),
            received_at: received.to_rfc3339(),
            ..CaseDraft::default()
        };
        let registered = received + TimeDelta::minutes(5);
        let new = NewCase::parse(&draft, registered)
            .unwrap_or_else(|e| panic!("case {i} does not validate: {e:?}"));
        let rule_set = lifecycle::rule_set_for(&new);
        let rules = &self.rules[rule_set];
        let year = chrono::Datelike::year(&date);
        let reference = match new.batch() {
            Some(b) => Reference::for_batch(
                year,
                b.number(),
                self.serial(format!("{year}-B{:02}", b.number())),
            ),
            None => {
                let ch = new.channel();
                Reference::for_channel(year, ch, self.serial(format!("{year}-{}", ch.letter())))
            }
        };
        let id = CaseId::from_uuid(uuid::Uuid::now_v7());
        let ctx = Ctx {
            now: registered,
            actor: &self.who.username,
            rules,
            calendar: cal,
        };
        let opening = lifecycle::receive(id, reference, new, &ctx);
        let mut case = lifecycle::open(&opening).expect("a received event opens a case");
        let audit = self.who.entry(
            registered,
            "case.create",
            Some(case.id().to_string()),
            &case.reference().to_string(),
            "",
            serde_json::json!({ "channel": channel, "division": case.division().as_str() }),
        );
        for (at, cmd) in self.steps(&case, rule_set, county, city, &mut r) {
            if at >= now() {
                break;
            }
            // The sweeper fired whatever was due before this step.
            case = lifecycle::escalate(&case, at, cal, "system")
                .iter()
                .fold(case, lifecycle::apply);
            let ctx = Ctx {
                now: at,
                actor: "handler",
                rules,
                calendar: cal,
            };
            let events = lifecycle::decide(&case, &cmd, &ctx)
                .unwrap_or_else(|e| panic!("case {i}: {cmd:?} refused: {e:?}"));
            case = events.iter().fold(case, lifecycle::apply);
        }
        case = lifecycle::escalate(&case, now(), cal, "system")
            .iter()
            .fold(case, lifecycle::apply);
        Built {
            case,
            opening,
            audit,
        }
    }

    /// The commands a case goes through, with their times; the caller stops at `now`.
    fn steps(
        &self,
        case: &Case,
        rule_set: &str,
        county: &Division,
        city: &Division,
        r: &mut Mix,
    ) -> Vec<(DateTime<Utc>, Command)> {
        // How far it is meant to get (before `now` cuts it short).
        let target = r.weighted(&[
            ("concluded", 60),
            ("received", 6),
            ("dispatched", 6),
            ("signed_for", 6),
            ("in_progress", 10),
            ("paused", 6),
            ("reported", 6),
        ]);
        let key = case.is_key();
        let lead = match r.below(10) {
            0..=6 => duban_server::seed::government_of(county.code()),
            7 | 8 => duban_server::seed::government_of(city.code()),
            _ => DEPARTMENTS[r.below(DEPARTMENTS.len() as u64) as usize].to_owned(),
        };
        let water = case
            .categories()
            .contains(&duban_case::model::Category::Water);
        let mut t = case.received_at();
        let mut out = Vec::new();
        if target == "received" {
            return out;
        }
        t += if r.chance(0.05) {
            r.hours(25.0, 60.0)
        } else if key {
            r.hours(0.5, 3.0)
        } else {
            r.hours(1.0, 20.0)
        };
        out.push((
            t,
            Command::Dispatch {
                lead_unit: lead.clone(),
                co_units: if water && lead != "dept-zjt" && r.chance(0.3) {
                    vec!["dept-zjt".into()]
                } else {
                    vec![]
                },
                note: String::new(),
                routed_by: vec![],
                why: vec![],
            },
        ));
        if target == "dispatched" {
            return out;
        }
        t += r.hours(0.5, 8.0);
        out.push((t, Command::SignFor));
        if target == "signed_for" {
            return out;
        }
        t += r.hours(1.0, 30.0);
        out.push((
            t,
            Command::StartHandling {
                note: "已联系举报人，安排现场核查".into(),
            },
        ));
        if target == "in_progress" {
            return out;
        }
        if target == "paused" {
            t += r.hours(24.0, 120.0);
            out.push((
                t,
                Command::Pause {
                    reason: "等待第三方监测报告".into(),
                },
            ));
            return out;
        }
        // The report limit in calendar days, roughly (working days × 1.4).
        let limit_days = match rule_set {
            "key_items" => 7.0,
            "inspection_transfer" => 9.8,
            "hotline_12345" => 21.0,
            _ => 60.0,
        };
        let share = if r.chance(0.85) {
            0.2 + 0.65 * r.unit()
        } else {
            1.1 + r.unit()
        };
        t = case.received_at()
            + r.hours(limit_days * share * 24.0, limit_days * share * 24.0 + 1.0);
        let finding = match r.below(10) {
            0..=5 => "substantiated",
            6..=8 => "partly_substantiated",
            _ => "unsubstantiated",
        };
        let founded = finding != "unsubstantiated";
        let penalised = founded && r.chance(0.35);
        out.push((
            t,
            Command::Report {
                outcome: OutcomeDraft {
                    finding: finding.into(),
                    rectification_orders: if founded { 1 + r.below(3) as u32 } else { 0 },
                    penalty_cases: u32::from(penalised),
                    fines_yuan: if penalised {
                        10_000 * (1 + r.below(50))
                    } else {
                        0
                    },
                    criminal_cases: u32::from(penalised && r.chance(0.02)),
                    officials_summoned: if founded && r.chance(0.08) {
                        1 + r.below(2) as u32
                    } else {
                        0
                    },
                    officials_accountable: u32::from(founded && r.chance(0.03)),
                    measures: "责令立即停止违法行为，限期整改".into(),
                    public_summary: if penalised {
                        "经现场核查，反映问题基本属实。已责令企业停产整改并立案处罚，整改完成后将组织复查。"
                    } else {
                        "经现场核查，反映问题部分属实。已责令企业限期整改，属地将跟踪复查整改情况。"
                    }
                    .into(),
                },
            },
        ));
        if target == "reported" {
            return out;
        }
        t += r.hours(12.0, 72.0);
        out.push((
            t,
            Command::Approve {
                closure: if r.chance(0.25) {
                    "stage_closed".into()
                } else {
                    "closed".into()
                },
            },
        ));
        out
    }
}

/// A store under test with direct access to its pool for the raw queries.
pub struct Db {
    pub name: &'static str,
    pub store: Arc<dyn Store>,
    pub pool: Pool,
}

pub enum Pool {
    Sqlite(sqlx::SqlitePool),
    Pg(sqlx::PgPool),
}

macro_rules! on_pool {
    ($pool:expr, |$p:ident| $body:expr) => {
        match $pool {
            $crate::seed::Pool::Sqlite($p) => $body,
            $crate::seed::Pool::Pg($p) => $body,
        }
    };
}

impl Db {
    pub async fn scalar(&self, sql: &str) -> i64 {
        on_pool!(&self.pool, |p| sqlx::query_scalar::<_, i64>(
            sqlx::AssertSqlSafe(sql.to_owned())
        )
        .fetch_one(p)
        .await
        .unwrap())
    }

    pub async fn pairs(&self, sql: &str) -> Vec<(i64, i64)> {
        on_pool!(&self.pool, |p| sqlx::query_as::<_, (i64, i64)>(
            sqlx::AssertSqlSafe(sql.to_owned())
        )
        .fetch_all(p)
        .await
        .unwrap())
    }

    /// The map panel straight from the facts: one row per case, grouped by division.
    pub async fn naive_scan(&self) -> usize {
        use sqlx::Row as _;
        let sums: Vec<String> = duban_board::fact::Measures::COLUMNS
            .iter()
            .map(|c| format!("CAST(SUM({c}) AS BIGINT)"))
            .collect();
        let sql = format!(
            "SELECT CAST(division AS TEXT), {} FROM board_facts GROUP BY 1",
            sums.join(", ")
        );
        on_pool!(&self.pool, |p| {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(p)
                .await
                .unwrap();
            rows.iter()
                .map(|r| r.try_get::<i64, _>(1).unwrap_or(0))
                .sum::<i64>() as usize
        })
    }

    pub async fn close(&self) {
        on_pool!(&self.pool, |p| p.close().await);
    }
}

pub async fn open_sqlite(path: &std::path::Path) -> Db {
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let s = SqliteStore::open(&url).await.unwrap();
    Db {
        name: "sqlite",
        pool: Pool::Sqlite(s.pool().clone()),
        store: Arc::new(s),
    }
}

pub async fn open_pg(url: &str) -> Db {
    let s = PgStore::open(url).await.unwrap();
    Db {
        name: "postgres",
        pool: Pool::Pg(s.pool().clone()),
        store: Arc::new(s),
    }
}

/// Create (or, with `fresh`, drop and create) the database a PostgreSQL URL names.
pub async fn pg_database(url: &str, fresh: bool) {
    use sqlx::ConnectOptions as _;
    let opts = sqlx::postgres::PgConnectOptions::from_str(url).unwrap();
    let name = opts.get_database().unwrap_or("postgres").to_owned();
    assert!(
        name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
        "database name {name:?}"
    );
    let mut admin = opts.database("postgres").connect().await.unwrap();
    if fresh {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&mut admin)
        .await
        .unwrap();
    }
    let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(&name)
        .fetch_optional(&mut admin)
        .await
        .unwrap();
    if exists.is_none() {
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .unwrap();
    }
}

/// What the server does at start-up: count the board anew when its layout changed
/// since the seed (a migration dropped the cells), or always with `DUBAN_BENCH_RECOUNT=1`.
pub async fn recount(db: &Db, name: &str) {
    let t = Instant::now();
    let force = std::env::var("DUBAN_BENCH_RECOUNT").is_ok_and(|v| v == "1");
    if let Some(n) = db.store.rebuild_board(force).await.unwrap() {
        println!(
            "{name}: board recounted from {n} cases in {:.1?}",
            t.elapsed()
        );
    }
}

/// Whether the store holds a complete seed of `n` cases.
pub async fn seeded(db: &Db, n: u64) -> Option<bool> {
    let mark = db.store.meta("bench_seed").await.unwrap();
    if mark.as_deref() == Some(n.to_string().as_str()) {
        return Some(true);
    }
    let cases = db.scalar("SELECT COUNT(*) FROM cases").await;
    (cases == 0).then_some(false)
}

/// Build `n` cases and store them, `writers` transactions at a time (each writer takes
/// a contiguous stretch of the timeline, so they rarely meet on a month's cells).
pub async fn seed(db: &Db, n: u64, writers: u64) {
    duban_server::seed::reference_data(&*db.store, now())
        .await
        .unwrap();
    // What the server does at start-up: an empty store's board is current.
    db.store.rebuild_board(false).await.unwrap();
    let generator = Arc::new(Gen::new(n));
    let done = Arc::new(AtomicU64::new(0));
    let insert_time = Arc::new(Mutex::new(Duration::ZERO));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..writers {
        let (lo, hi) = (n * w / writers, n * (w + 1) / writers);
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Built>>(3);
        let g = generator.clone();
        std::thread::spawn(move || {
            let mut i = lo;
            while i < hi {
                let end = (i + CHUNK as u64).min(hi);
                let chunk: Vec<Built> = (i..end).map(|k| g.build(k)).collect();
                if tx.blocking_send(chunk).is_err() {
                    return;
                }
                i = end;
            }
        });
        let store = db.store.clone();
        let done = done.clone();
        let insert_time = insert_time.clone();
        tasks.push(tokio::spawn(async move {
            while let Some(chunk) = rx.recv().await {
                let rows: Vec<Insert<'_>> = chunk
                    .iter()
                    .map(|b| Insert {
                        case: &b.case,
                        opening: &b.opening,
                        audit: &b.audit,
                        external: None,
                    })
                    .collect();
                let t = Instant::now();
                store.insert_cases(&rows).await.unwrap();
                *insert_time.lock().unwrap() += t.elapsed();
                let total =
                    done.fetch_add(rows.len() as u64, Ordering::Relaxed) + rows.len() as u64;
                if total % 50_000 < rows.len() as u64 {
                    let s = started.elapsed().as_secs_f64();
                    eprintln!(
                        "  {total:>9} cases  {s:>7.1} s  {:>6.0} cases/s",
                        total as f64 / s
                    );
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let s = started.elapsed().as_secs_f64();
    let busy = insert_time.lock().unwrap().as_secs_f64();
    println!(
        "{}: seeded {n} cases in {s:.1} s ({:.0} cases/s; {writers} writer(s), {busy:.1} s inside insert_cases)",
        db.name,
        n as f64 / s
    );
    db.store
        .set_meta("bench_seed", &n.to_string())
        .await
        .unwrap();
}

/// Open cases of the seed's mix, built in memory (no store), until their running clocks
/// number at least `clocks`: `distinct` open cases picked across the seed's two years,
/// then copies of them (each copy its own allocation, as a million loaded cases would be).
pub fn open_cases(clocks: usize, distinct: usize) -> Vec<Case> {
    let generator = Gen::new(1_000_000);
    let running = |c: &Case| c.clocks().iter().filter(|k| !k.is_stopped()).count();
    let mut base: Vec<Case> = Vec::new();
    let mut j: u64 = 0;
    while base.len() < distinct {
        // 7,919 is prime to a million: the cases come from all over the two years.
        let built = generator.build(j * 7_919 % 1_000_000);
        j += 1;
        if running(&built.case) > 0 {
            base.push(built.case);
        }
    }
    let mut out = Vec::new();
    let mut total = 0;
    'fill: loop {
        for c in &base {
            if total >= clocks {
                break 'fill;
            }
            total += running(c);
            out.push(c.clone());
        }
    }
    out
}

/// Copy a SQLite database file (and its WAL) over `to`.
pub fn copy_sqlite(from: &std::path::Path, to: &std::path::Path) {
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", to.display()));
    }
    std::fs::copy(from, to).unwrap();
    let wal = std::path::PathBuf::from(format!("{}-wal", from.display()));
    if wal.exists() {
        std::fs::copy(&wal, format!("{}-wal", to.display())).unwrap();
    }
}

/// A fresh copy of the PostgreSQL database `url` names, called `<name>_<suffix>`
/// (`CREATE DATABASE … TEMPLATE`); returns its URL.
pub async fn pg_copy(url: &str, suffix: &str) -> String {
    use sqlx::Connection as _;
    let (base, seed_db) = url.rsplit_once('/').expect("a database in the URL");
    let copy = format!("{seed_db}_{suffix}");
    let mut admin = sqlx::PgConnection::connect(&format!("{base}/postgres"))
        .await
        .unwrap();
    for sql in [
        format!("DROP DATABASE IF EXISTS {copy} WITH (FORCE)"),
        format!("CREATE DATABASE {copy} TEMPLATE {seed_db}"),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut admin)
            .await
            .unwrap();
    }
    format!("{base}/{copy}")
}

/// The benches' tokio runtime: two workers, one per core of the machine they run on.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// `target/<name>`, created, for a bench's copies and reports.
pub fn out_dir(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target")
        .join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir.canonicalize().unwrap()
}

/// How many cases the benches want: `DUBAN_BENCH_CASES`, default 1,000,000.
pub fn cases_wanted() -> u64 {
    std::env::var("DUBAN_BENCH_CASES")
        .ok()
        .and_then(|s| s.replace('_', "").parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(1_000_000)
}

/// `1m` for a million, the number otherwise: the seeded files' names.
pub fn label(n: u64) -> String {
    if n.is_multiple_of(1_000_000) {
        format!("{}m", n / 1_000_000)
    } else {
        n.to_string()
    }
}

/// The SQLite database of `n` seeded cases, `target/board-bench/board-<label>.db`,
/// seeded first when it is not.
pub async fn sqlite_seeded(n: u64) -> (Db, std::path::PathBuf) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/board-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let dir = dir.canonicalize().unwrap();
    let path = dir.join(format!("board-{}.db", label(n)));
    let db = open_sqlite(&path).await;
    let db = match seeded(&db, n).await {
        Some(true) => {
            println!("sqlite: {} holds {n} cases already", path.display());
            recount(&db, "sqlite").await;
            db
        }
        state => {
            let db = if state.is_none() {
                println!(
                    "sqlite: {} holds an unfinished seed; starting again",
                    path.display()
                );
                db.close().await;
                for ext in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
                }
                open_sqlite(&path).await
            } else {
                db
            };
            seed(&db, n, 1).await;
            db
        }
    };
    if let Ok(meta) = std::fs::metadata(&path) {
        println!(
            "sqlite: database file {:.0} MiB",
            meta.len() as f64 / 1048576.0
        );
    }
    (db, path)
}

/// The PostgreSQL database `url` names with `n` seeded cases, seeded first when it
/// is not (`DUBAN_BENCH_WRITERS` transactions at once, default 2).
pub async fn pg_seeded(url: &str, n: u64) -> Db {
    let writers = std::env::var("DUBAN_BENCH_WRITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|w| *w > 0)
        .unwrap_or(2);
    pg_database(url, false).await;
    let db = open_pg(url).await;
    let db = match seeded(&db, n).await {
        Some(true) => {
            println!("postgres: {url} holds {n} cases already");
            recount(&db, "postgres").await;
            db
        }
        state => {
            let db = if state.is_none() {
                println!("postgres: {url} holds another seed; starting again");
                db.close().await;
                pg_database(url, true).await;
                open_pg(url).await
            } else {
                db
            };
            seed(&db, n, writers).await;
            // What autovacuum does after a load, done now so that the figures do not
            // depend on when it gets round to it.
            let t = Instant::now();
            for table in ["board_cells", "board_facts", "cases"] {
                if let Pool::Pg(p) = &db.pool {
                    sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM ANALYZE {table}")))
                        .execute(p)
                        .await
                        .unwrap();
                }
            }
            println!(
                "postgres: VACUUM ANALYZE in {:.1} s",
                t.elapsed().as_secs_f64()
            );
            db
        }
    };
    let size = db
        .scalar("SELECT pg_database_size(current_database())")
        .await;
    println!("postgres: database {:.0} MiB", size as f64 / 1048576.0);
    db
}
