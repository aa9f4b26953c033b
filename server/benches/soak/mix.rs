//! The mix: what each request sends (case bodies, life-cycle steps, transfer lists,
//! list and board queries), its shares, and the requests of a run by type.

use std::sync::atomic::Ordering;
use std::time::Instant;

use chrono::{TimeDelta, Utc};
use serde_json::{Value, json};

use crate::IMPORT_ROWS;
use crate::client::{Coordinator, Run};

/// The life cycle of a case received now, one request per step.
pub(crate) fn step_body(step: usize) -> Option<Value> {
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

pub(crate) const DIVISIONS: [(&str, &str); 4] = [
    ("321102", "镇江市京口区象山街道"),
    ("321111", "镇江市润州区金山街道"),
    ("321112", "镇江市丹徒区高资街道"),
    ("321181", "丹阳市云阳街道"),
];

pub(crate) const COMPLAINTS: [(&str, &str); 5] = [
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
pub(crate) fn case_body(n: u64, aged: bool) -> Value {
    let (division, place) = DIVISIONS[(n % 4) as usize];
    let (category, text) = COMPLAINTS[(n / 4 % 5) as usize];
    let now = Utc::now();
    let received = if aged {
        now - TimeDelta::hours(24 + (n % 480) as i64)
    } else {
        now - TimeDelta::seconds(30)
    };
    let batch_date = duban_core::china_date(received) - TimeDelta::days(1);
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
pub(crate) fn transfer_list(k: u64) -> Vec<u8> {
    let b = 1 + k % 99;
    let day = duban_core::china_date(Utc::now()) - TimeDelta::days(2);
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

pub(crate) const BOARD_QUERIES: [&str; 6] = [
    "",
    "?batch=3",
    "?city=321100",
    "?from=2026-09-03&to=2026-12-31",
    "?category=water&key=any",
    "?city=320500&from=2025-11-15&to=2026-11-14",
];

pub(crate) const FILTERS: [&str; 6] = [
    "?status=dispatched",
    "?division=3211&category=air",
    "?status=in_progress&division=321102",
    "?batch=3&limit=20",
    "?from=2026-11-01&to=2026-12-31&limit=100",
    "?key=true",
];

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(crate) enum Op {
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
    pub(crate) fn name(self) -> &'static str {
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
pub(crate) const MIX: [(Op, u32); 10] = [
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

impl Run {
    pub(crate) async fn create(&self, due: Instant, c: &Coordinator, n: u64, aged: bool) {
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
    pub(crate) async fn action(&self, due: Instant, c: &Coordinator) {
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
    pub(crate) async fn race(&self, due: Instant, c: &Coordinator) {
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

    pub(crate) async fn import(&self, due: Instant, c: &Coordinator, k: u64) {
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

    pub(crate) async fn read(&self, op: Op, due: Instant, c: &Coordinator, r: u64) {
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
pub(crate) struct Mix(pub(crate) u64);

impl Mix {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(crate) fn op(&mut self) -> Op {
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
