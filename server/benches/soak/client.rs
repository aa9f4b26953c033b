//! The client: one signed-in coordinator's requests, sent and recorded with their
//! latency from the moment they were due.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::body::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::Value;

use crate::TIMEOUT;
use crate::mix::Op;

pub(crate) type Http = Client<HttpConnector, Full<Bytes>>;

pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Bytes,
}

impl Answer {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    /// The first error code of an error answer.
    pub(crate) fn code(&self) -> String {
        self.json()["errors"][0]["code"]
            .as_str()
            .unwrap_or("-")
            .to_owned()
    }
}

/// One signed-in coordinator and the cases it works on.
pub(crate) struct Coordinator {
    pub(crate) headers: Vec<(String, String)>,
    /// Open cases received now, with their version and the next step of their life cycle.
    pub(crate) open: Mutex<VecDeque<(String, u64, usize)>>,
    /// Every case it created (read by the reading requests).
    pub(crate) ids: Mutex<Vec<String>>,
    /// The next page of its last first-page list.
    pub(crate) cursor: Mutex<Option<String>>,
}

/// One answer: its type, the minute of the run it was due in, its latency in ms.
pub(crate) type Sample = (Op, u32, f64);

pub(crate) struct Run {
    pub(crate) http: Http,
    pub(crate) base: String,
    pub(crate) coords: Vec<Coordinator>,
    pub(crate) started: Instant,
    /// Answers by type, minute and latency (ms).
    pub(crate) samples: Mutex<Vec<Sample>>,
    pub(crate) errors: Mutex<BTreeMap<String, u64>>,
    /// The first answers of each error kind, for the report.
    pub(crate) error_bodies: Mutex<BTreeMap<String, String>>,
    pub(crate) created: AtomicU64,
    pub(crate) imports: AtomicU64,
    pub(crate) races: AtomicU64,
    /// Cases taken to `closed`.
    pub(crate) closed: AtomicU64,
    /// Escalation events seen in event logs read (the sweeper's work).
    pub(crate) escalated_seen: AtomicU64,
    pub(crate) in_flight: AtomicU64,
}

impl Run {
    pub(crate) fn new(http: Http, base: String, coords: Vec<Coordinator>) -> Run {
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

    pub(crate) fn minute(&self, at: Instant) -> u32 {
        (at.saturating_duration_since(self.started).as_secs() / 60) as u32
    }

    pub(crate) fn error(&self, kind: String, body: &str) {
        *self.errors.lock().unwrap().entry(kind.clone()).or_default() += 1;
        self.error_bodies
            .lock()
            .unwrap()
            .entry(kind)
            .or_insert_with(|| body.chars().take(300).collect());
    }

    pub(crate) async fn send(
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
    pub(crate) async fn call(
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

    pub(crate) fn key(&self) -> String {
        static N: AtomicU64 = AtomicU64::new(0);
        format!(
            "soak-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        )
    }

    pub(crate) fn pick_id(&self, c: &Coordinator, r: u64) -> Option<String> {
        let ids = c.ids.lock().unwrap();
        (!ids.is_empty()).then(|| ids[(r % ids.len() as u64) as usize].clone())
    }
}
