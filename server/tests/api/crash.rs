//! Crash safety: the real `duban` process, killed with SIGKILL in the middle of a batch
//! import, restarted on the same database. Each batch is in whole or not at all, is
//! never there twice, and every case has its opening event, its board fact and a
//! reference of its own.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use duban_api::cases::ListCases;
use duban_api::dispatch::DispatchBatch;
use duban_api::health::Healthz;
use duban_api::import::{CommitImport, ImportQuery};
use duban_api::{BatchDispatch, Endpoint, ListQuery};
use duban_testkit::http::{Answer, Session, exchange};
use serde_json::Value;

use super::uuid_like;

const PASSWORD: &str = "crash-test-password";
const ROWS: usize = 1449;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_duban")
}

struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(database_url: &str) -> Server {
        Self::start_sweeping(database_url, 0)
    }

    /// Started with the SLA sweeper on every `sweep_seconds` (0: off); its first sweep
    /// begins as the server starts.
    fn start_sweeping(database_url: &str, sweep_seconds: u64) -> Server {
        let addr = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port");
        let child = Command::new(bin())
            .args(["serve", "--addr", &addr.to_string(), "--database-url"])
            .arg(database_url)
            .args(["--dist", "/nonexistent", "--sweep-seconds"])
            .arg(sweep_seconds.to_string())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("duban serve");
        let started = Instant::now();
        while exchange(addr, "GET", Healthz::PATH, &[], b"").map(|a| a.status) != Ok(200) {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the server did not come up"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Server { child, addr }
    }

    fn sign_in(&self) -> Session {
        Session::sign_in(self.addr, "crash", PASSWORD).expect("signed in")
    }

    fn kill(mut self) {
        // `Child::kill` is SIGKILL on Unix: no shutdown, no flush, no destructor.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Batch `b`'s transfer list: 1,449 rows, like the reference campaign's.
fn transfer_list(b: usize) -> Vec<u8> {
    let mut out = format!(
        "第{b}批交办信访件清单\n序号,批次号,交办编号,交办日期,来电/来信,举报内容,行政区域,地址,污染类型,是否重点\n"
    );
    for i in 0..ROWS {
        out.push_str(&format!(
            "{},第{b}批,D{b:02}{i:04},2025/6/{},来电,某化工企业夜间偷排废气，气味刺鼻，居民反映多次（第{i}件）,321102,某街道某路{i}号,大气,{}\n",
            i + 1,
            b + 1,
            if i % 10 == 0 { "是" } else { "否" }
        ));
    }
    out.into_bytes()
}

/// Commits batch `b`'s transfer list; `None` when the answer was cut off.
fn commit(session: &Session, b: usize) -> Option<(u16, Value)> {
    let query = ImportQuery {
        file_name: Some(format!("batch-{b}.csv")),
        ..Default::default()
    };
    let url = CommitImport::url(&(), &query);
    let answer = session.send(
        CommitImport::METHOD.as_str(),
        &url,
        &[("content-type", "text/csv")],
        &transfer_list(b),
    );
    answer.ok().map(|a| (a.status, a.json()))
}

/// Batch dispatch of batch `b` as the routing rules propose.
fn dispatch(session: &Session, b: usize) -> Option<(u16, Value)> {
    let body = BatchDispatch {
        batch: Some(u16::try_from(b).expect("a batch number")),
        case_ids: Vec::new(),
        note: "按规则批量交办".into(),
    };
    let answer = session.answer::<DispatchBatch>(&(), &(), &body, &[]);
    answer.ok().map(|a: Answer| (a.status, a.json()))
}

/// How many cases of batch `b` the server lists.
fn batch_total(session: &Session, b: usize) -> u64 {
    batch_count(session, b, "")
}

/// How many cases of batch `b` the server lists in `status` (any status when empty).
fn batch_count(session: &Session, b: usize, status: &str) -> u64 {
    let query = ListQuery {
        batch: Some(u16::try_from(b).expect("a batch number")),
        status: (!status.is_empty()).then(|| status.to_owned()),
        limit: Some(1),
        ..Default::default()
    };
    let page = session.call::<ListCases>(&(), &query, &());
    page.expect("the list").total
}

/// Start the server, sign in, send `request` and kill the server `delay_ms` later;
/// the status of the first answer, 0 when the kill cut it off.
fn killed_during(
    database_url: &str,
    delay_ms: u64,
    request: impl FnOnce(&Session) -> Option<(u16, Value)> + Send + 'static,
) -> u16 {
    let server = Server::start(database_url);
    let session = server.sign_in();
    let sender = std::thread::spawn(move || request(&session));
    std::thread::sleep(Duration::from_millis(delay_ms));
    server.kill();
    sender.join().expect("sender").map_or(0, |a| a.0)
}

/// Kill the server at different moments of six imports, restart, and check through
/// the API; returns the first answer of each import (0: cut off by the kill).
pub fn import_survives_sigkill(database_url: &str) -> Vec<u16> {
    let added = Command::new(bin())
        .args([
            "user",
            "add",
            "--username",
            "crash",
            "--role",
            "coordinator",
            "--database-url",
        ])
        .arg(database_url)
        .env("DUBAN_USER_PASSWORD", PASSWORD)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .status()
        .expect("duban user add");
    assert!(added.success());
    let mut first_answers = Vec::new();
    // From before the commit is read to after it has finished.
    for (b, delay_ms) in KILL_AFTER_MS
        .iter()
        .copied()
        .enumerate()
        .map(|(i, d)| (i + 1, d))
    {
        let cut = killed_during(database_url, delay_ms, move |session| commit(session, b));

        // Restarted: the batch is there in whole or not at all.
        let server = Server::start(database_url);
        let session = server.sign_in();
        let total = batch_total(&session, b);
        assert!(
            total == 0 || total == ROWS as u64,
            "batch {b}: {total} of {ROWS} cases after a kill at {delay_ms} ms"
        );
        eprintln!(
            "batch {b}: killed after {delay_ms} ms, first answer {cut}, {total} cases after the restart"
        );
        first_answers.push(cut);
        // Sending it again completes it once, or is refused as imported already.
        let (status, v) = commit(&session, b).expect("the retry answered");
        if total == 0 {
            assert_eq!(status, 201, "batch {b}: {v}");
        } else {
            assert_eq!(status, 409, "batch {b}: {v}");
        }
        assert_eq!(batch_total(&session, b), ROWS as u64);
        drop(server);
    }
    let server = Server::start(database_url);
    let session = server.sign_in();
    for b in 1..=KILL_AFTER_MS.len() {
        assert_eq!(batch_total(&session, b), ROWS as u64);
    }
    drop(server);
    first_answers
}

/// Kill the server at different moments of a batch dispatch of 1,449 cases (one
/// transaction), restart, and check through the API: the batch is dispatched in whole
/// or not at all, and dispatching it again sends exactly the rest.
pub fn dispatch_survives_sigkill(database_url: &str) {
    for (b, delay_ms) in DISPATCH_KILL_AFTER_MS
        .iter()
        .copied()
        .enumerate()
        .map(|(i, d)| (i + 1, d))
    {
        let cut = killed_during(database_url, delay_ms, move |session| dispatch(session, b));

        let server = Server::start(database_url);
        let session = server.sign_in();
        let done = batch_count(&session, b, "dispatched");
        let waiting = batch_count(&session, b, "received");
        eprintln!(
            "dispatch of batch {b}: killed after {delay_ms} ms, first answer {cut}, {done} dispatched and {waiting} waiting after the restart"
        );
        assert!(
            (done, waiting) == (0, ROWS as u64) || (done, waiting) == (ROWS as u64, 0),
            "batch {b}: {done} dispatched, {waiting} waiting after a kill at {delay_ms} ms"
        );
        let (status, v) = dispatch(&session, b).expect("the retry answered");
        assert_eq!(status, 200, "batch {b}: {v}");
        let sent = v["dispatched"].as_array().map_or(0, Vec::len) as u64;
        assert_eq!(sent, waiting, "the retry sends exactly the rest: {v}");
        assert_eq!(batch_count(&session, b, "dispatched"), ROWS as u64);
    }
}

/// Kill the server during SLA sweeps over the batches still waiting for dispatch
/// (received on their transfer lists' dates, long past, so every case is overdue and
/// climbs its ladder). The final check is [`check_logs`] after a sweep that catches up.
pub fn sweep_survives_sigkill(database_url: &str) {
    for delay_ms in SWEEP_KILL_AFTER_MS {
        let server = Server::start_sweeping(database_url, 1);
        std::thread::sleep(Duration::from_millis(delay_ms));
        server.kill();
        eprintln!("SLA sweep: killed after {delay_ms} ms");
    }
}

/// A case's log, checked to be a valid history of the stored case: numbered without
/// gaps, and replaying to exactly the stored state.
pub async fn valid_history(
    store: &dyn duban_server::store::Store,
    stored: &duban_case::lifecycle::Case,
) -> Vec<duban_case::lifecycle::Event> {
    let id = stored.id().to_string();
    let views = store.events(&id).await.expect("events");
    for (i, v) in views.iter().enumerate() {
        assert_eq!(v.seq, i as u64 + 1, "{id}: numbered without gaps");
    }
    let events: Vec<duban_case::lifecycle::Event> = views.into_iter().map(|v| v.event).collect();
    assert_eq!(
        duban_case::lifecycle::replay(&events).as_ref(),
        Some(stored),
        "{id}: the stored state is its log's replay"
    );
    events
}

/// What was checked by [`check_logs`].
#[derive(Debug)]
pub struct LogCheck {
    pub cases: usize,
    pub events: usize,
    pub escalations: usize,
}

/// Catch up with one sweep, as a restarted server does, then read every case and its
/// log: the stored state is the replay of its log, numbered without gaps; every
/// escalation step the ladder has reached by now fired exactly once, with the instant
/// it was reached; and a second sweep finds nothing due.
pub async fn check_logs(store: std::sync::Arc<dyn duban_server::store::Store>) -> LogCheck {
    use duban_case::lifecycle::{self, EventKind};
    let state = duban_server::service::AppState::new(store.clone())
        .await
        .expect("state");
    let now = chrono::Utc::now();
    let caught_up = state.sweep(now).await.expect("catch-up sweep");
    eprintln!("the catch-up sweep after the last kill: {caught_up:?}");
    let again = state.sweep(now).await.expect("second sweep");
    assert_eq!((again.cases, again.steps), (0, 0), "nothing due twice");
    let cases = store
        .cases(&duban_server::store::CaseFilter::default())
        .await
        .expect("cases");
    let cal = duban_calendar::Calendar::official();
    let (mut events_seen, mut escalations) = (0, 0);
    for stored in &cases {
        let id = stored.id().to_string();
        let events = valid_history(store.as_ref(), stored).await;
        events_seen += events.len();
        let first = events
            .iter()
            .position(|e| matches!(e.kind, EventKind::Escalated { .. }))
            .unwrap_or(events.len());
        let fired = &events[first..];
        assert!(
            fired
                .iter()
                .all(|e| matches!(e.kind, EventKind::Escalated { .. })),
            "{id}: nothing but escalations after the first"
        );
        escalations += fired.len();
        let before = lifecycle::replay(&events[..first]).expect("the log before escalating");
        let step = |e: &lifecycle::Event| match &e.kind {
            EventKind::Escalated {
                stage,
                clock_started,
                step,
                reached_at,
            } => Some((*stage, *clock_started, *step, *reached_at)),
            _ => None,
        };
        let want: Vec<_> = lifecycle::escalate(&before, now, cal, "system")
            .iter()
            .filter_map(step)
            .collect();
        let got: Vec<_> = fired.iter().filter_map(step).collect();
        assert_eq!(got, want, "{id}: each step reached fired once");
    }
    LogCheck {
        cases: cases.len(),
        events: events_seen,
        escalations,
    }
}

/// After every kill and the checks of [`check_logs`]: an import was cut off, and the
/// tables (a [`TALLY`]) and the logs hold exactly the work that was asked for.
pub fn assert_whole(answers: &[u16], tally: (i64, i64, i64, i64), logs: &LogCheck) {
    eprintln!("after the kills: {logs:?}");
    let n = CASES;
    assert!(answers.contains(&0), "an import was cut off: {answers:?}");
    assert_eq!(
        tally,
        (n, n, n, IMPORTS),
        "(cases, references, facts, imports)"
    );
    assert_eq!(logs.cases as i64, n);
    assert!(logs.escalations > 0, "the sweeps fired steps: {logs:?}");
    assert_eq!(
        logs.events,
        logs.cases + DISPATCHED * ROWS + logs.escalations,
        "one opening event a case, one dispatch event a dispatched case, the steps"
    );
}

/// What the database holds after the imports, straight from its tables: (cases,
/// distinct references, events, board facts, imports).
pub const TALLY: &str = "SELECT (SELECT COUNT(*) FROM cases), (SELECT COUNT(DISTINCT reference) FROM cases), \
     (SELECT COUNT(*) FROM board_facts), (SELECT COUNT(*) FROM imports)";

const CASES: i64 = (KILL_AFTER_MS.len() * ROWS) as i64;
const IMPORTS: i64 = KILL_AFTER_MS.len() as i64;

/// When each batch's import is killed, from before its file is read to after its
/// commit (a debug build commits 1,449 rows in one to several seconds).
const KILL_AFTER_MS: [u64; 6] = [30, 250, 700, 1200, 2000, 3500];

/// Batches dispatched by [`dispatch_survives_sigkill`].
const DISPATCHED: usize = DISPATCH_KILL_AFTER_MS.len();

/// When each of the first batches' dispatch is killed (the rest stay waiting, for the
/// sweeps).
const DISPATCH_KILL_AFTER_MS: [u64; 3] = [100, 600, 2500];

/// When each sweep is killed after the server starts.
const SWEEP_KILL_AFTER_MS: [u64; 4] = [300, 900, 1800, 3500];

/// SIGKILL in the middle of batch imports, batch dispatches and SLA sweeps, on SQLite
/// (the helpers above).
#[test]
fn work_survives_sigkill_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("duban-crash-{}", uuid_like()));
    let url = format!("sqlite://{}/duban.db", dir.display());
    let answers = import_survives_sigkill(&url);
    eprintln!("first answers of the killed imports: {answers:?}");
    dispatch_survives_sigkill(&url);
    sweep_survives_sigkill(&url);
    let (tally, logs) = tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(async {
            let pool = sqlx::SqlitePool::connect(&url).await.expect("open");
            let tally = sqlx::query_as::<_, (i64, i64, i64, i64)>(TALLY)
                .fetch_one(&pool)
                .await
                .expect("tally");
            pool.close().await;
            let store = duban_server::store::open(&url).await.expect("store");
            (tally, check_logs(store).await)
        });
    assert_whole(&answers, tally, &logs);
    let _ = std::fs::remove_dir_all(dir);
}

/// The same on PostgreSQL, in a database of its own (dropped afterwards).
#[test]
fn work_survives_sigkill_on_postgres() {
    let Ok(url) = std::env::var("DUBAN_TEST_POSTGRES_URL") else {
        eprintln!("notice: DUBAN_TEST_POSTGRES_URL is not set; skipping the PostgreSQL crash test");
        return;
    };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (base, _) = url.rsplit_once('/').expect("a database in the URL");
    let name = format!("duban_crash_{}", uuid_like().replace('-', "_"));
    let admin = format!("{base}/postgres");
    let run = |sql: String| {
        rt.block_on(async {
            let pool = sqlx::PgPool::connect(&admin).await.expect("admin");
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&pool)
                .await
                .expect("admin statement");
        })
    };
    run(format!("CREATE DATABASE {name}"));
    let db_url = format!("{base}/{name}");
    let answers = import_survives_sigkill(&db_url);
    eprintln!("first answers of the killed imports: {answers:?}");
    dispatch_survives_sigkill(&db_url);
    sweep_survives_sigkill(&db_url);
    let (tally, logs) = rt.block_on(async {
        let pool = sqlx::PgPool::connect(&db_url).await.expect("open");
        let t = sqlx::query_as::<_, (i64, i64, i64, i64)>(TALLY)
            .fetch_one(&pool)
            .await
            .expect("tally");
        pool.close().await;
        let store = duban_server::store::open(&db_url).await.expect("store");
        (t, check_logs(store).await)
    });
    run(format!("DROP DATABASE {name} WITH (FORCE)"));
    assert_whole(&answers, tally, &logs);
}
