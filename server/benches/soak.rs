//! The soak: the real `duban serve` for ten minutes of mixed load at a steady,
//! open-loop rate on loopback, with the SLA sweeper on, counting every error and
//! watching the server's memory, file descriptors and database size.
//!
//! ```sh
//! cargo bench -p duban-server --bench soak
//! DUBAN_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/duban_bench \
//!   cargo bench -p duban-server --bench soak
//! DUBAN_SOAK_SECONDS=60 DUBAN_SOAK_RATE=50 cargo bench -p duban-server --bench soak  # a quick look
//! ```
//!
//! The database is fresh: a new SQLite file (`target/soak/soak.db`, removed after a
//! passing run), or, with `DUBAN_BENCH_POSTGRES_URL`, a database `<its name>_soak` made
//! beside the one the URL names and dropped after the run (the named one is not touched).
//! The server runs with `--sweep-seconds 5 --rate-limit 0`; `DUBAN_SOAK_COORDINATORS`
//! (default 4) coordinators are made with `duban user add` and sign in.
//!
//! Every `1 / DUBAN_SOAK_RATE` seconds (default 100 requests/s) one request of the mix
//! is sent, whatever the earlier ones are doing (open loop; at most 1,000 in flight, more
//! counts as an error), for `DUBAN_SOAK_SECONDS` (default 600), each for a coordinator in
//! turn:
//!
//! | share | request |
//! | --- | --- |
//! | 18 % | `POST /api/v1/cases`, a fresh `Idempotency-Key`; three in four received now (these are then taken through their life cycle), one in four received 1–20 days ago (the sweeper escalates those; they are only read) |
//! | 20 % | `POST /api/v1/cases/{id}/actions`, the next step of one of the coordinator's open cases with its `If-Match` version: dispatch, sign for, start handling, pause, resume, report, approve |
//! | 15 % | `GET /api/v1/cases` (first page; one in three the next page by cursor) |
//! | 11 % | `GET /api/v1/cases?…` filtered (status, city, category, batch, days, key) |
//! | 17 % | `GET /api/v1/cases/{id}` |
//! | 9 % | `GET /api/v1/cases/{id}/events` |
//! | 8 % | `GET /api/v1/board` (six filters in turn) |
//! | 1 % | `GET /api/v1/inbox` (up to 200 full cases per status it lists) |
//! | 0.7 % | `GET /api/v1/cases/export.csv` (a batch's cases; every other one for one city) |
//! | 0.3 % | `GET /api/v1/cases/export.xlsx` (likewise) |
//!
//! On top of the rate: every `DUBAN_SOAK_IMPORT_SECONDS` (default 30) a transfer list of
//! 20 rows is imported (`POST /api/v1/import/commit`, CSV), and every 15 s a deliberate
//! race: the same step of one case sent twice at once with the same `If-Match`, where
//! exactly one `200` and one `409 version.conflict` is the right answer (anything else is
//! an error). Every other answer that is not 2xx, every transport error and every
//! request over 30 s is an error.
//!
//! Every 10 s the server's `VmRSS`, `VmHWM`, threads and open file descriptors (from
//! `/proc/<pid>`), the database's size and the machine's load average are sampled. Memory is flat when the mean RSS
//! of the last third of the run exceeds that of the middle third (the first third is
//! warm-up) by no more than 16 MiB or 10 %, whichever is larger; open descriptors other
//! than sockets (which follow the client's connections) are flat when their mean grows
//! by no more than 32 between the same thirds. The run fails
//! (exit code 1) on any error or on growth beyond that. The report, with p50/p99 latency
//! per request type per minute (measured from the moment the request was due, so a
//! stall is not hidden), is printed and written to `target/soak/report-<database>.md`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod seed;
mod serve;

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use chrono::{TimeDelta, Utc};
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};

const PASSWORD: &str = "soak-bench-password";
/// Seconds between samples of the server's memory and descriptors.
const SAMPLE_SECONDS: u64 = 10;
/// Requests in flight beyond which a due request is not sent (and counted as an error).
const MAX_IN_FLIGHT: usize = 1000;
const TIMEOUT: Duration = Duration::from_secs(30);
/// Rows of each imported transfer list.
const IMPORT_ROWS: usize = 20;
const RACE_SECONDS: u64 = 15;
/// Memory growth allowed between the middle and the last third: the larger of these.
const GROWTH_MIB: f64 = 16.0;
const GROWTH_SHARE: f64 = 0.10;
const FD_GROWTH: f64 = 32.0;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.replace('_', "").parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(default)
}

// ---- the client --------------------------------------------------------------------

type Http = Client<HttpConnector, Full<Bytes>>;

struct Answer {
    status: u16,
    body: Bytes,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    /// The first error code of an error answer.
    fn code(&self) -> String {
        self.json()["errors"][0]["code"]
            .as_str()
            .unwrap_or("-")
            .to_owned()
    }
}

/// One signed-in coordinator and the cases it works on.
struct Coordinator {
    headers: Vec<(String, String)>,
    /// Open cases received now, with their version and the next step of their life cycle.
    open: Mutex<VecDeque<(String, u64, usize)>>,
    /// Every case it created (read by the reading requests).
    ids: Mutex<Vec<String>>,
    /// The next page of its last first-page list.
    cursor: Mutex<Option<String>>,
}

/// The life cycle of a case received now, one request per step.
fn step_body(step: usize) -> Option<Value> {
    Some(match step {
        0 => json!({"action": "dispatch", "lead_unit": "gov-3211", "co_units": ["dept-zjt"]}),
        1 => json!({"action": "sign_for"}),
        2 => json!({"action": "start_handling", "note": "已联系举报人，安排现场检查"}),
        3 => json!({"action": "pause", "reason": "等待监测报告"}),
        4 => json!({"action": "resume"}),
        5 => json!({"action": "report", "outcome": {
            "finding": "substantiated", "rectification_orders": 1, "penalty_cases": 1,
            "fines_yuan": 50000, "measures": "责令停产整改",
            "public_summary": "经核查反映问题属实，已责令整改并立案处罚。"}}),
        6 => json!({"action": "approve", "closure": "closed"}),
        _ => return None,
    })
}

const DIVISIONS: [(&str, &str); 4] = [
    ("321102", "镇江市京口区象山街道"),
    ("321111", "镇江市润州区金山街道"),
    ("321112", "镇江市丹徒区高资街道"),
    ("321181", "丹阳市云阳街道"),
];

const COMPLAINTS: [(&str, &str); 5] = [
    (
        "air",
        "某化工企业夜间偷排废气，气味刺鼻，周边居民晚上不敢开窗。",
    ),
    (
        "water",
        "河道边有企业通过暗管排放污水，河水发黑发臭，出现死鱼。",
    ),
    (
        "noise",
        "建筑工地夜间施工，噪声持续到凌晨两点，严重影响休息。",
    ),
    (
        "solid_waste",
        "农田旁有人长期倾倒建筑垃圾和工业固废，已堆成小山。",
    ),
    ("air", "一家混凝土搅拌站扬尘严重，道路和居民楼都落满灰。"),
];

/// The `n`th case a coordinator registers; `aged`: received days ago.
fn case_body(n: u64, aged: bool) -> Value {
    let (division, place) = DIVISIONS[(n % 4) as usize];
    let (category, text) = COMPLAINTS[(n / 4 % 5) as usize];
    let now = Utc::now();
    let received = if aged {
        now - TimeDelta::hours(24 + (n % 480) as i64)
    } else {
        now - TimeDelta::seconds(30)
    };
    let batch_date = (received + TimeDelta::hours(8) - TimeDelta::days(1)).date_naive();
    let mut v = json!({
        "complainant_name": "张先生",
        "complainant_phone": format!("139{:08}", n % 100_000_000),
        "content": format!("{place}{text}（第{n}件）"),
        "address": place,
        "division": division,
        "lat": 32.2, "lon": 119.47,
        "categories": [category],
        "key_classes": [],
        "received_at": received.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    });
    if n.is_multiple_of(2) {
        v["channel"] = json!("inspection_phone");
        v["batch_number"] = json!(1 + n % 99);
        v["batch_date"] = json!(batch_date.format("%Y-%m-%d").to_string());
        v["sender_ref"] = json!(format!("D{:07}", n % 10_000_000));
    } else {
        v["channel"] = json!("hotline_12345");
    }
    v
}

/// A transfer list of [`IMPORT_ROWS`] rows, the `k`th of the run (its own numbers).
fn transfer_list(k: u64) -> Vec<u8> {
    let b = 1 + k % 99;
    let day = (Utc::now() + TimeDelta::hours(8) - TimeDelta::days(2)).date_naive();
    let mut out = format!(
        "第{b}批交办信访件清单\n序号,批次号,交办编号,交办日期,来电/来信,举报内容,行政区域,地址,污染类型,是否重点\n"
    );
    for i in 0..IMPORT_ROWS {
        out.push_str(&format!(
            "{},第{b}批,S{k:05}{i:03},{},来电,某化工企业夜间偷排废气，气味刺鼻，居民反映多次（第{k}批第{i}件）,321102,某街道某路{i}号,大气,{}\n",
            i + 1,
            day.format("%Y/%-m/%-d"),
            if i % 10 == 0 { "是" } else { "否" }
        ));
    }
    out.into_bytes()
}

const BOARD_QUERIES: [&str; 6] = [
    "",
    "?batch=3",
    "?city=321100",
    "?from=2026-09-03&to=2026-12-31",
    "?category=water&key=any",
    "?city=320500&from=2025-11-15&to=2026-11-14",
];

const FILTERS: [&str; 6] = [
    "?status=dispatched",
    "?division=3211&category=air",
    "?status=in_progress&division=321102",
    "?batch=3&limit=20",
    "?from=2026-11-01&to=2026-12-31&limit=100",
    "?key=true",
];

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Op {
    Create,
    Action,
    List,
    ListFiltered,
    Case,
    Events,
    Board,
    Inbox,
    ExportCsv,
    ExportXlsx,
    Import,
    Race,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Create => "create case",
            Op::Action => "case action",
            Op::List => "list",
            Op::ListFiltered => "list, filtered",
            Op::Case => "case by id",
            Op::Events => "case events",
            Op::Board => "board",
            Op::Inbox => "inbox",
            Op::ExportCsv => "export csv",
            Op::ExportXlsx => "export xlsx",
            Op::Import => "import (20 rows)",
            Op::Race => "race (two at once)",
        }
    }
}

/// The mix, in requests per thousand.
const MIX: [(Op, u32); 10] = [
    (Op::Create, 180),
    (Op::Action, 200),
    (Op::List, 150),
    (Op::ListFiltered, 110),
    (Op::Case, 170),
    (Op::Events, 90),
    (Op::Board, 80),
    (Op::Inbox, 10),
    (Op::ExportCsv, 7),
    (Op::ExportXlsx, 3),
];

/// One answer: its type, the minute of the run it was due in, its latency in ms.
type Sample = (Op, u32, f64);

struct Run {
    http: Http,
    base: String,
    coords: Vec<Coordinator>,
    started: Instant,
    /// Answers by type, minute and latency (ms).
    samples: Mutex<Vec<Sample>>,
    errors: Mutex<BTreeMap<String, u64>>,
    /// The first answers of each error kind, for the report.
    error_bodies: Mutex<BTreeMap<String, String>>,
    created: AtomicU64,
    imports: AtomicU64,
    races: AtomicU64,
    /// Cases taken to `closed`.
    closed: AtomicU64,
    /// Escalation events seen in event logs read (the sweeper's work).
    escalated_seen: AtomicU64,
    in_flight: AtomicU64,
}

impl Run {
    fn new(http: Http, base: String, coords: Vec<Coordinator>) -> Run {
        Run {
            http,
            base,
            coords,
            started: Instant::now(),
            samples: Mutex::new(Vec::new()),
            errors: Mutex::new(BTreeMap::new()),
            error_bodies: Mutex::new(BTreeMap::new()),
            created: AtomicU64::new(0),
            imports: AtomicU64::new(0),
            races: AtomicU64::new(0),
            closed: AtomicU64::new(0),
            escalated_seen: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
        }
    }

    fn minute(&self, at: Instant) -> u32 {
        (at.saturating_duration_since(self.started).as_secs() / 60) as u32
    }

    fn error(&self, kind: String, body: &str) {
        *self.errors.lock().unwrap().entry(kind.clone()).or_default() += 1;
        self.error_bodies
            .lock()
            .unwrap()
            .entry(kind)
            .or_insert_with(|| body.chars().take(300).collect());
    }

    async fn send(
        &self,
        c: &Coordinator,
        method: &str,
        path: &str,
        extra: &[(&str, String)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<Answer, String> {
        let mut req = axum::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        for (k, v) in &c.headers {
            req = req.header(k.as_str(), v.as_str());
        }
        for (k, v) in extra {
            req = req.header(*k, v.as_str());
        }
        let body = match body {
            Some((ct, b)) => {
                req = req.header("content-type", ct);
                Full::new(Bytes::from(b))
            }
            None => Full::new(Bytes::new()),
        };
        let req = req.body(body).map_err(|e| format!("request: {e}"))?;
        let answer = async {
            let resp = self
                .http
                .request(req)
                .await
                .map_err(|e| format!("transport: {e:?}"))?;
            let status = resp.status().as_u16();
            let body = resp
                .into_body()
                .collect()
                .await
                .map_err(|e| format!("body: {e}"))?
                .to_bytes();
            Ok(Answer { status, body })
        };
        tokio::time::timeout(TIMEOUT, answer)
            .await
            .map_err(|_| "timeout (30 s)".to_owned())?
    }

    /// Sends and records the outcome (latency from `due`); the answer when 2xx.
    #[allow(clippy::too_many_arguments)]
    async fn call(
        &self,
        op: Op,
        due: Instant,
        c: &Coordinator,
        method: &str,
        path: &str,
        extra: &[(&str, String)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Option<Answer> {
        let result = self.send(c, method, path, extra, body).await;
        let ms = due.elapsed().as_secs_f64() * 1000.0;
        self.samples
            .lock()
            .unwrap()
            .push((op, self.minute(due), ms));
        match result {
            Ok(a) if (200..300).contains(&a.status) => Some(a),
            Ok(a) => {
                self.error(
                    format!("{}: {} {}", op.name(), a.status, a.code()),
                    &String::from_utf8_lossy(&a.body),
                );
                None
            }
            Err(e) => {
                let kind = e.split(['(', ':']).next().unwrap_or("").trim().to_owned();
                self.error(format!("{}: {kind}", op.name()), &e);
                None
            }
        }
    }

    fn key(&self) -> String {
        static N: AtomicU64 = AtomicU64::new(0);
        format!(
            "soak-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        )
    }

    fn pick_id(&self, c: &Coordinator, r: u64) -> Option<String> {
        let ids = c.ids.lock().unwrap();
        (!ids.is_empty()).then(|| ids[(r % ids.len() as u64) as usize].clone())
    }

    async fn create(&self, due: Instant, c: &Coordinator, n: u64, aged: bool) {
        let body = case_body(n, aged).to_string().into_bytes();
        let key = self.key();
        let Some(a) = self
            .call(
                Op::Create,
                due,
                c,
                "POST",
                "/api/v1/cases",
                &[("idempotency-key", key)],
                Some(("application/json", body)),
            )
            .await
        else {
            return;
        };
        let v = a.json();
        let (Some(id), Some(version)) = (v["id"].as_str(), v["version"].as_u64()) else {
            self.error("create case: answer without id".into(), &v.to_string());
            return;
        };
        self.created.fetch_add(1, Ordering::Relaxed);
        c.ids.lock().unwrap().push(id.to_owned());
        if !aged {
            c.open
                .lock()
                .unwrap()
                .push_back((id.to_owned(), version, 0));
        }
    }

    /// The next step of the coordinator's oldest open case.
    async fn action(&self, due: Instant, c: &Coordinator) {
        let Some((id, version, step)) = c.open.lock().unwrap().pop_front() else {
            // Nothing open yet (the first seconds): read instead.
            return self.read(Op::List, due, c, 0).await;
        };
        let body = step_body(step).unwrap().to_string().into_bytes();
        let Some(a) = self
            .call(
                Op::Action,
                due,
                c,
                "POST",
                &format!("/api/v1/cases/{id}/actions"),
                &[
                    ("if-match", version.to_string()),
                    ("idempotency-key", self.key()),
                ],
                Some(("application/json", body)),
            )
            .await
        else {
            return;
        };
        let Some(v) = a.json()["version"].as_u64() else {
            self.error("case action: answer without version".into(), "");
            return;
        };
        if step_body(step + 1).is_some() {
            c.open.lock().unwrap().push_back((id, v, step + 1));
        } else {
            self.closed.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The same step of one case twice at once with the same version: one wins.
    async fn race(&self, due: Instant, c: &Coordinator) {
        let Some((id, version, step)) = c.open.lock().unwrap().pop_front() else {
            return;
        };
        let path = format!("/api/v1/cases/{id}/actions");
        let body = step_body(step).unwrap().to_string().into_bytes();
        let go = || async {
            let headers = [
                ("if-match", version.to_string()),
                ("idempotency-key", self.key()),
            ];
            self.send(
                c,
                "POST",
                &path,
                &headers,
                Some(("application/json", body.clone())),
            )
            .await
        };
        let (a, b) = tokio::join!(go(), go());
        let ms = due.elapsed().as_secs_f64() * 1000.0;
        self.samples
            .lock()
            .unwrap()
            .push((Op::Race, self.minute(due), ms));
        self.races.fetch_add(1, Ordering::Relaxed);
        match (a, b) {
            (Ok(a), Ok(b)) => {
                let (win, lose) = if a.status == 200 { (a, b) } else { (b, a) };
                if win.status == 200 && lose.status == 409 && lose.code() == "version.conflict" {
                    let v = win.json()["version"].as_u64().unwrap_or(version + 1);
                    if step_body(step + 1).is_some() {
                        c.open.lock().unwrap().push_back((id, v, step + 1));
                    } else {
                        self.closed.fetch_add(1, Ordering::Relaxed);
                    }
                } else {
                    self.error(
                        format!(
                            "race: {} {} and {} {} (want 200 and 409)",
                            win.status,
                            win.code(),
                            lose.status,
                            lose.code()
                        ),
                        &String::from_utf8_lossy(&lose.body),
                    );
                }
            }
            (Err(e), _) | (_, Err(e)) => self.error(format!("race: {e}"), &e),
        }
    }

    async fn import(&self, due: Instant, c: &Coordinator, k: u64) {
        let path = format!("/api/v1/import/commit?file_name=soak-{k}.csv");
        if let Some(a) = self
            .call(
                Op::Import,
                due,
                c,
                "POST",
                &path,
                &[("idempotency-key", self.key())],
                Some(("text/csv", transfer_list(k))),
            )
            .await
        {
            let v = a.json();
            let rows = v["import"]["rows"].as_u64().unwrap_or(0);
            // Its cases are read like the others.
            if let Some(ids) = v["case_ids"].as_array() {
                c.ids
                    .lock()
                    .unwrap()
                    .extend(ids.iter().filter_map(|id| id.as_str().map(str::to_owned)));
            }
            if rows != IMPORT_ROWS as u64 {
                self.error(
                    format!("import: {rows} rows imported"),
                    &String::from_utf8_lossy(&a.body),
                );
            }
            self.imports.fetch_add(1, Ordering::Relaxed);
        }
    }

    async fn read(&self, op: Op, due: Instant, c: &Coordinator, r: u64) {
        let path = match op {
            Op::List => match c.cursor.lock().unwrap().take() {
                Some(cursor) if r.is_multiple_of(3) => format!("/api/v1/cases?cursor={cursor}"),
                _ => "/api/v1/cases".to_owned(),
            },
            Op::ListFiltered => format!("/api/v1/cases{}", FILTERS[(r % 6) as usize]),
            Op::Case | Op::Events => {
                let Some(id) = self.pick_id(c, r) else {
                    return Box::pin(self.read(Op::List, due, c, r)).await;
                };
                if op == Op::Case {
                    format!("/api/v1/cases/{id}")
                } else {
                    format!("/api/v1/cases/{id}/events")
                }
            }
            Op::Board => format!("/api/v1/board{}", BOARD_QUERIES[(r % 6) as usize]),
            Op::Inbox => "/api/v1/inbox".to_owned(),
            Op::ExportCsv | Op::ExportXlsx => format!(
                "/api/v1/cases/export.{}{}",
                if op == Op::ExportCsv { "csv" } else { "xlsx" },
                // A batch's table, as a coordinator exports it each day (half of them
                // for one city); an export of everything grows with the data, not with
                // time, and is the load bench's business.
                if r.is_multiple_of(2) {
                    format!("?batch={}&division=3211", 1 + r % 99)
                } else {
                    format!("?batch={}", 1 + r % 99)
                }
            ),
            _ => unreachable!(),
        };
        let Some(a) = self.call(op, due, c, "GET", &path, &[], None).await else {
            return;
        };
        match op {
            Op::List if !path.contains("cursor") => {
                if let Some(next) = a.json()["next_cursor"].as_str() {
                    *c.cursor.lock().unwrap() = Some(next.to_owned());
                }
            }
            Op::Events => {
                let n = a.json().as_array().map_or(0, |es| {
                    es.iter().filter(|e| e["type"] == "escalated").count()
                });
                self.escalated_seen.fetch_add(n as u64, Ordering::Relaxed);
            }
            _ => {}
        }
    }
}

/// SplitMix64: the mix's choices, reproducible run to run.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn op(&mut self) -> Op {
        let mut r = (self.next() % 1000) as u32;
        for (op, w) in MIX {
            if r < w {
                return op;
            }
            r -= w;
        }
        Op::List
    }
}

// ---- sampling ----------------------------------------------------------------------

#[derive(Clone, Debug)]
struct Probe {
    t: f64,
    rss: f64,
    hwm: f64,
    threads: u64,
    fds: u64,
    sockets: u64,
    /// Database size in MiB (SQLite: the file; PostgreSQL: `pg_database_size`).
    db: f64,
    /// SQLite's WAL, in MiB.
    wal: f64,
    requests: u64,
    in_flight: u64,
    /// The machine's one-minute load average (other work shares its cores).
    load: f64,
}

fn threads(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

/// Open descriptors: (all, sockets). The sockets follow the connections the client
/// holds open, which grow with the requests in flight at a stall.
fn fds(pid: u32) -> (u64, u64) {
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return (0, 0);
    };
    dir.flatten().fold((0, 0), |(all, sockets), e| {
        let socket =
            std::fs::read_link(e.path()).is_ok_and(|t| t.to_string_lossy().starts_with("socket:"));
        (all + 1, sockets + u64::from(socket))
    })
}

fn mib(path: &Path) -> f64 {
    std::fs::metadata(path).map_or(0.0, |m| m.len() as f64 / 1048576.0)
}

enum Database {
    Sqlite(PathBuf),
    Pg { url: String, pool: sqlx::PgPool },
}

impl Database {
    async fn size(&self) -> (f64, f64) {
        match self {
            Database::Sqlite(p) => (mib(p), mib(Path::new(&format!("{}-wal", p.display())))),
            Database::Pg { pool, .. } => {
                let bytes: i64 = sqlx::query_scalar("SELECT pg_database_size(current_database())")
                    .fetch_one(pool)
                    .await
                    .unwrap_or(0);
                (bytes as f64 / 1048576.0, 0.0)
            }
        }
    }
}

// ---- the report --------------------------------------------------------------------

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let (s, n) = xs.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    if n == 0 { f64::NAN } else { s / n as f64 }
}

/// Least-squares slope of RSS over time, MiB per minute.
fn slope(points: &[(f64, f64)]) -> f64 {
    let mx = mean(points.iter().map(|p| p.0));
    let my = mean(points.iter().map(|p| p.1));
    let num: f64 = points.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let den: f64 = points.iter().map(|(x, _)| (x - mx) * (x - mx)).sum();
    if den == 0.0 { 0.0 } else { num / den * 60.0 }
}

struct Verdict {
    text: String,
    pass: bool,
}

#[allow(clippy::too_many_arguments)]
fn report(
    db_name: &str,
    run: &Run,
    rate: u64,
    seconds: u64,
    import_seconds: u64,
    probes: &[Probe],
    log: &str,
    elapsed: f64,
) -> Verdict {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let samples = run.samples.lock().unwrap();
    let errors = run.errors.lock().unwrap();
    let total_errors: u64 = errors.values().sum();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### Soak, {db_name} ({}, {cores} cores)\n",
        Utc::now().format("%Y-%m-%d")
    );
    let env = if db_name == "SQLite" {
        String::new()
    } else {
        "DUBAN_BENCH_POSTGRES_URL=… ".to_owned()
    };
    let _ = writeln!(
        out,
        "`{env}DUBAN_SOAK_RATE={rate} DUBAN_SOAK_SECONDS={seconds} cargo bench -p duban-server --bench soak`: \
         {} coordinators, {rate} requests/s open loop for {seconds} s ({elapsed:.0} s with the drain), \
         an import of {IMPORT_ROWS} rows every {import_seconds} s and a deliberate race every {RACE_SECONDS} s, \
         sweeper every 5 s, no rate limit.\n",
        run.coords.len()
    );
    let _ = writeln!(
        out,
        "Requests: {} answered; {} cases created, {} taken through to closed, {} imports, {} races; \
         {} escalation events seen in the event logs read.\n",
        samples.len(),
        run.created.load(Ordering::Relaxed),
        run.closed.load(Ordering::Relaxed),
        run.imports.load(Ordering::Relaxed),
        run.races.load(Ordering::Relaxed),
        run.escalated_seen.load(Ordering::Relaxed)
    );
    // The sweeper's own account, from the server's log.
    let sweeps: Vec<&str> = log.lines().filter(|l| l.contains("SLA sweep")).collect();
    let steps: u64 = sweeps
        .iter()
        .filter_map(|l| l.split("steps=").nth(1))
        .filter_map(|s| s.split_whitespace().next())
        .filter_map(|n| n.parse::<u64>().ok())
        .sum();
    let warnings = log
        .lines()
        .filter(|l| l.contains("WARN") || l.contains("ERROR"))
        .filter(|l| !l.contains("no built web app"))
        .count();
    let _ = writeln!(
        out,
        "Sweeper: {} sweeps fired escalation steps ({steps} steps); the server logged {warnings} warnings or errors.\n",
        sweeps.len()
    );

    // Errors.
    if total_errors == 0 {
        let _ = writeln!(out, "Errors: **0**.\n");
    } else {
        let _ = writeln!(
            out,
            "Errors: **{total_errors}**.\n\n| kind | count | first answer |\n| --- | --- | --- |"
        );
        let bodies = run.error_bodies.lock().unwrap();
        for (k, n) in errors.iter() {
            let b = bodies
                .get(k)
                .cloned()
                .unwrap_or_default()
                .replace('|', "\\|");
            let _ = writeln!(out, "| {k} | {n} | `{b}` |");
        }
        out.push('\n');
    }

    // Latency by type, overall and per minute.
    let minutes = (seconds.div_ceil(60)) as u32;
    let mut by_op: BTreeMap<Op, Vec<Vec<f64>>> = BTreeMap::new();
    for (op, m, ms) in samples.iter() {
        let v = by_op
            .entry(*op)
            .or_insert_with(|| vec![Vec::new(); minutes as usize + 1]);
        let m = (*m).min(minutes) as usize;
        v[m].push(*ms);
    }
    let _ = write!(
        out,
        "Latency, ms (p50 / p99), from the moment each request was due:\n\n| request | count | all | max |"
    );
    for m in 1..=minutes {
        let _ = write!(out, " min {m} |");
    }
    let _ = write!(out, "\n| --- | --- | --- | --- |");
    for _ in 1..=minutes {
        out.push_str(" --- |");
    }
    out.push('\n');
    for (op, per_min) in by_op.iter_mut() {
        let mut all: Vec<f64> = per_min.iter().flatten().copied().collect();
        all.sort_by(f64::total_cmp);
        let _ = write!(
            out,
            "| {} | {} | {:.1} / {:.1} | {:.0} |",
            op.name(),
            all.len(),
            percentile(&all, 0.5),
            percentile(&all, 0.99),
            all.last().copied().unwrap_or(f64::NAN)
        );
        for v in per_min.iter_mut().take(minutes as usize) {
            v.sort_by(f64::total_cmp);
            if v.is_empty() {
                out.push_str(" – |");
            } else {
                let _ = write!(
                    out,
                    " {:.1} / {:.0} |",
                    percentile(v, 0.5),
                    percentile(v, 0.99)
                );
            }
        }
        out.push('\n');
    }
    out.push('\n');

    // Memory and descriptors.
    let third = seconds as f64 / 3.0;
    let middle: Vec<&Probe> = probes
        .iter()
        .filter(|p| p.t >= third && p.t < 2.0 * third)
        .collect();
    let last: Vec<&Probe> = probes
        .iter()
        .filter(|p| p.t >= 2.0 * third && p.t <= seconds as f64 + 1.0)
        .collect();
    let rss_mid = mean(middle.iter().map(|p| p.rss));
    let rss_last = mean(last.iter().map(|p| p.rss));
    let growth = rss_last - rss_mid;
    let allowed = GROWTH_MIB.max(GROWTH_SHARE * rss_mid);
    let fd_growth = mean(last.iter().map(|p| (p.fds - p.sockets) as f64))
        - mean(middle.iter().map(|p| (p.fds - p.sockets) as f64));
    let after_warmup: Vec<(f64, f64)> = probes
        .iter()
        .filter(|p| p.t >= third)
        .map(|p| (p.t, p.rss))
        .collect();
    let rss_min = probes.iter().map(|p| p.rss).fold(f64::INFINITY, f64::min);
    let rss_max = probes.iter().map(|p| p.rss).fold(0.0, f64::max);
    let mem_ok = middle.len() >= 2 && last.len() >= 2 && growth <= allowed;
    let fd_ok = fd_growth.is_nan() || fd_growth <= FD_GROWTH;
    let first = probes.first();
    let end = probes.last();
    let _ = writeln!(
        out,
        "Memory: RSS {:.1} MiB after start-up, {rss_min:.1}–{rss_max:.1} MiB over the run, peak (VmHWM) {:.1} MiB; \
         mean {rss_mid:.1} MiB in the middle third, {rss_last:.1} MiB in the last: {growth:+.1} MiB \
         (allowed {allowed:.1}: {}); slope after warm-up {:+.2} MiB/min. \
         Open descriptors {} → {}, of which sockets (the client's keep-alive connections) {} → {}; \
         the others' mean {fd_growth:+.1} between the thirds: {}; threads {} → {}. \
         Database {:.1} → {:.1} MiB{}.\n",
        first.map_or(f64::NAN, |p| p.rss),
        end.map_or(f64::NAN, |p| p.hwm),
        if mem_ok { "flat" } else { "**GROWING**" },
        slope(&after_warmup),
        first.map_or(0, |p| p.fds),
        end.map_or(0, |p| p.fds),
        first.map_or(0, |p| p.sockets),
        end.map_or(0, |p| p.sockets),
        if fd_ok { "flat" } else { "**GROWING**" },
        first.map_or(0, |p| p.threads),
        end.map_or(0, |p| p.threads),
        first.map_or(0.0, |p| p.db),
        end.map_or(0.0, |p| p.db),
        end.filter(|p| p.wal > 0.0)
            .map(|p| format!(" (WAL {:.1} MiB at the end)", p.wal))
            .unwrap_or_default(),
    );
    let _ = writeln!(
        out,
        "<details><summary>Samples every {SAMPLE_SECONDS} s</summary>\n\n| s | RSS MiB | fds (sockets) | threads | database MiB | WAL MiB | answered | in flight | load avg |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    );
    for p in probes {
        let _ = writeln!(
            out,
            "| {:.0} | {:.1} | {} ({}) | {} | {:.1} | {:.1} | {} | {} | {:.1} |",
            p.t, p.rss, p.fds, p.sockets, p.threads, p.db, p.wal, p.requests, p.in_flight, p.load
        );
    }
    let _ = writeln!(out, "\n</details>\n");
    let pass = total_errors == 0 && mem_ok && fd_ok;
    let _ = writeln!(out, "Verdict: **{}**.", if pass { "pass" } else { "FAIL" });
    Verdict { text: out, pass }
}

// ---- the run -----------------------------------------------------------------------

/// The log without its colours (`tracing-subscriber` writes them to files too).
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

async fn drop_pg(url: &str) {
    use sqlx::Connection as _;
    let (base, name) = url.rsplit_once('/').unwrap();
    let mut admin = sqlx::PgConnection::connect(&format!("{base}/postgres"))
        .await
        .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await
    .unwrap();
}

fn main() {
    let rate = env_u64("DUBAN_SOAK_RATE", 100);
    let seconds = env_u64("DUBAN_SOAK_SECONDS", 600);
    let n_coords = env_u64("DUBAN_SOAK_COORDINATORS", 4);
    let import_seconds = env_u64("DUBAN_SOAK_IMPORT_SECONDS", 30);
    let dir = seed::out_dir("soak");
    let rt = seed::runtime();

    // A fresh database.
    let (name, file, db_url, database) = match std::env::var("DUBAN_BENCH_POSTGRES_URL") {
        Ok(url) => {
            let (base, named) = url.rsplit_once('/').expect("a database in the URL");
            let named = named.split('?').next().unwrap_or(named);
            let soak_url = format!("{base}/{named}_soak");
            let pool = rt.block_on(async {
                seed::pg_database(&soak_url, true).await;
                sqlx::postgres::PgPoolOptions::new()
                    .max_connections(1)
                    .connect(&soak_url)
                    .await
                    .unwrap()
            });
            println!("postgres: fresh database {soak_url}");
            (
                "PostgreSQL",
                "postgres",
                soak_url.clone(),
                Database::Pg {
                    url: soak_url,
                    pool,
                },
            )
        }
        Err(_) => {
            let path = dir.join("soak.db");
            for ext in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
            }
            println!("sqlite: fresh database {}", path.display());
            (
                "SQLite",
                "sqlite",
                format!("sqlite://{}?mode=rwc", path.display()),
                Database::Sqlite(path),
            )
        }
    };

    let users: Vec<String> = (1..=n_coords).map(|i| format!("soak{i}")).collect();
    for u in &users {
        serve::add_user(&db_url, u, "coordinator", PASSWORD);
    }
    let server = serve::start_duban(
        &db_url,
        &dir,
        &["--sweep-seconds", "5", "--rate-limit", "0"],
        "warn,duban=info",
    );
    let pid = server.pid();
    let coords: Vec<Coordinator> = users
        .iter()
        .map(|u| Coordinator {
            headers: serve::sign_in(server.addr, u, PASSWORD),
            open: Mutex::new(VecDeque::new()),
            ids: Mutex::new(Vec::new()),
            cursor: Mutex::new(None),
        })
        .collect();

    let run = Run::new(
        Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build_http(),
        format!("http://{}", server.addr),
        coords,
    );

    // Every request of the mix answers before the run: a wrong body would only measure
    // errors. One case of each kind is taken through the whole life cycle.
    rt.block_on(async {
        let run = &run;
        let c = &run.coords[0];
        let t = Instant::now();
        run.create(t, c, 0, false).await;
        run.create(t, c, 1, true).await;
        for _ in 0..7 {
            run.action(t, c).await;
        }
        for op in [
            Op::List,
            Op::List,
            Op::Case,
            Op::Events,
            Op::Board,
            Op::Inbox,
            Op::ExportCsv,
            Op::ExportXlsx,
        ] {
            for r in 0..6 {
                run.read(op, t, c, r).await;
            }
        }
        for r in 0..6 {
            run.read(Op::ListFiltered, t, c, r).await;
        }
        run.import(t, c, 0).await;
        let errors = run.errors.lock().unwrap();
        assert!(
            errors.is_empty() && run.closed.load(Ordering::Relaxed) == 1,
            "the probe requests failed: {errors:?} {:?}",
            run.error_bodies.lock().unwrap()
        );
    });
    // The probes are not part of the run.
    let run = Arc::new(Run::new(run.http.clone(), run.base.clone(), run.coords));

    println!(
        "soak: {name}, {rate} requests/s for {seconds} s, {} coordinators (pid {pid}, http://{})",
        run.coords.len(),
        server.addr
    );

    let probes: Vec<Probe> = rt.block_on(async {
        let end = run.started + Duration::from_secs(seconds);
        // The sampler.
        let sampler = {
            let run = run.clone();
            let database = &database;
            async move {
                let mut probes = Vec::new();
                let mut tick = tokio::time::interval(Duration::from_secs(SAMPLE_SECONDS));
                loop {
                    tick.tick().await;
                    let (hwm, rss) = serve::memory(pid);
                    let (db, wal) = database.size().await;
                    let p = Probe {
                        t: run.started.elapsed().as_secs_f64(),
                        rss,
                        hwm,
                        threads: threads(pid),
                        fds: fds(pid).0,
                        sockets: fds(pid).1,
                        db,
                        wal,
                        requests: run.samples.lock().unwrap().len() as u64,
                        in_flight: run.in_flight.load(Ordering::Relaxed),
                        load: std::fs::read_to_string("/proc/loadavg")
                            .ok()
                            .and_then(|l| l.split_whitespace().next()?.parse().ok())
                            .unwrap_or(f64::NAN),
                    };
                    let errors: u64 = run.errors.lock().unwrap().values().sum();
                    println!(
                        "  {:>4.0} s  RSS {:>6.1} MiB  fds {:>4} ({:>4} sockets)  threads {:>3}  db {:>7.1} MiB  wal {:>5.1} MiB  answered {:>6}  in flight {:>3}  load {:>4.1}  errors {errors}",
                        p.t, p.rss, p.fds, p.sockets, p.threads, p.db, p.wal, p.requests, p.in_flight, p.load
                    );
                    probes.push(p);
                    if Instant::now() >= end {
                        return probes;
                    }
                }
            }
        };
        // The imports and the races, on their own clocks.
        let periodic = |every: u64, op: Op| {
            let run = run.clone();
            tokio::spawn(async move {
                let mut k: u64 = 1;
                let mut tick = tokio::time::interval_at(
                    tokio::time::Instant::now() + Duration::from_secs(every),
                    Duration::from_secs(every),
                );
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                while Instant::now() + Duration::from_secs(1) < end {
                    tick.tick().await;
                    let c = &run.coords[(k % run.coords.len() as u64) as usize];
                    let due = Instant::now();
                    if op == Op::Import {
                        run.import(due, c, k).await;
                    } else {
                        run.race(due, c).await;
                    }
                    k += 1;
                }
            })
        };
        let imports = periodic(import_seconds, Op::Import);
        let races = periodic(RACE_SECONDS, Op::Race);
        // The steady rate.
        let driver = {
            let run = run.clone();
            tokio::spawn(async move {
                let mut mix = Mix(0x2026_1203);
                let period = Duration::from_secs_f64(1.0 / rate as f64);
                let mut tasks = tokio::task::JoinSet::new();
                let mut n_create: u64 = 0;
                for i in 0u64.. {
                    let due = run.started + period.mul_f64(i as f64);
                    if due >= end {
                        break;
                    }
                    tokio::time::sleep_until(due.into()).await;
                    while tasks.try_join_next().is_some() {}
                    if tasks.len() >= MAX_IN_FLIGHT {
                        run.error("client: over 1,000 requests in flight".into(), "");
                        continue;
                    }
                    let op = mix.op();
                    let r = mix.next();
                    let ci = (i % run.coords.len() as u64) as usize;
                    let n = if op == Op::Create {
                        n_create += 1;
                        n_create
                    } else {
                        0
                    };
                    let run = run.clone();
                    tasks.spawn(async move {
                        run.in_flight.fetch_add(1, Ordering::Relaxed);
                        let c = &run.coords[ci];
                        match op {
                            // Case numbers start at 2: the probes used 0 and 1.
                            Op::Create => run.create(due, c, n + 1, r.is_multiple_of(4)).await,
                            Op::Action => run.action(due, c).await,
                            op => run.read(op, due, c, r).await,
                        }
                        run.in_flight.fetch_sub(1, Ordering::Relaxed);
                    });
                }
                while tasks.join_next().await.is_some() {}
            })
        };
        let probes = sampler.await;
        driver.await.unwrap();
        imports.await.unwrap();
        races.await.unwrap();
        probes
    });
    let elapsed = run.started.elapsed().as_secs_f64();
    let (hwm, rss) = serve::memory(pid);
    println!("soak: done in {elapsed:.0} s; RSS {rss:.1} MiB (peak {hwm:.1} MiB)");
    drop(server);
    let log = strip_ansi(&std::fs::read_to_string(dir.join("duban.log")).unwrap_or_default());
    let verdict = report(
        name,
        &run,
        rate,
        seconds,
        import_seconds,
        &probes,
        &log,
        elapsed,
    );
    let path = dir.join(format!("report-{file}.md"));
    std::fs::write(&path, &verdict.text).unwrap();
    println!("\n{}\n(written to {})", verdict.text, path.display());
    match database {
        Database::Pg { url, pool } => rt.block_on(async {
            pool.close().await;
            drop_pg(&url).await;
            println!("postgres: dropped {url}");
        }),
        Database::Sqlite(path) => {
            if verdict.pass && std::env::var("DUBAN_SOAK_KEEP").is_err() {
                for ext in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
                }
            }
        }
    }
    if !verdict.pass {
        std::process::exit(1);
    }
}
