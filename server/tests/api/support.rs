//! Helpers every scenario shares: the signed-in client, requests through the real
//! router, a valid case, the two databases a scenario runs on, and `both!`.

use super::*;
use duban_api::cases::{ListCases, ListQuery};

/// The two tests of one scenario: on SQLite, and on PostgreSQL (skipped, with a notice
/// naming `$what`, without `DUBAN_TEST_POSTGRES_URL`). The test names are written out
/// so that a search for one finds it; `; multi_thread` runs both on two worker threads.
macro_rules! both {
    ($scenario:ident, $what:literal => $sqlite:ident, $postgres:ident) => {
        both!(@tests [tokio::test] $scenario, $what => $sqlite, $postgres);
    };
    ($scenario:ident, $what:literal => $sqlite:ident, $postgres:ident; multi_thread) => {
        both!(
            @tests [tokio::test(flavor = "multi_thread", worker_threads = 2)]
            $scenario, $what => $sqlite, $postgres
        );
    };
    (@tests [$($test:tt)*] $scenario:ident, $what:literal => $sqlite:ident, $postgres:ident) => {
        #[$($test)*]
        async fn $sqlite() {
            on_sqlite($scenario).await;
        }

        #[$($test)*]
        async fn $postgres() {
            on_postgres($what, $scenario).await;
        }
    };
}

/// The password of the accounts the tests make (one the password policy takes).
pub(crate) const PASSWORD: &str = "quiet-river-7319";

/// The router and, when signed in, the session cookie and CSRF token it sends.
#[derive(Clone)]
pub(crate) struct Client {
    pub(crate) app: Router,
    pub(crate) session: Option<(String, String)>,
}

impl Client {
    pub(crate) fn anonymous(app: &Router) -> Client {
        Client {
            app: app.clone(),
            session: None,
        }
    }

    /// Sign in again as an existing account (sessions expire when tests move the clock).
    pub(crate) async fn login(app: &Router, username: &str) -> Client {
        let (s, v, cookies) = call_raw(
            app,
            Login::METHOD.as_str(),
            Login::PATH,
            Some(json!({"username": username, "password": PASSWORD})),
            &[],
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let session = format!("{SESSION_COOKIE}=");
        let cookie = cookies
            .iter()
            .find(|c| c.starts_with(&session))
            .and_then(|c| c.split(';').next())
            .expect("session cookie")
            .to_owned();
        Client {
            app: app.clone(),
            session: Some((cookie, v["csrf_token"].as_str().expect("csrf").to_owned())),
        }
    }

    /// Create an account and sign in as it.
    pub(crate) async fn signed_in(
        app: &Router,
        state: &AppState,
        username: &str,
        role: duban_server::auth::Role,
        unit: Option<&str>,
    ) -> Client {
        state
            .create_user(
                username,
                username,
                role,
                unit,
                PASSWORD,
                &Who::system(),
                "test",
            )
            .await
            .expect("user");
        Client::login(app, username).await
    }
}

/// The endpoint `E` as `client`: its method and URL from `E` (path keys and query), the
/// body as given (JSON, and often wrong on purpose).
pub(crate) async fn at<E: Endpoint>(
    client: &Client,
    path: &E::Path,
    query: &E::Query,
    body: Option<Value>,
) -> (StatusCode, Value) {
    call(client, E::METHOD.as_str(), &E::url(path, query), body).await
}

/// [`at`] with request headers besides the session's.
pub(crate) async fn at_with<E: Endpoint>(
    client: &Client,
    path: &E::Path,
    query: &E::Query,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> (StatusCode, Value) {
    let uri = E::url(path, query);
    let body = body.map(|b| b.to_string());
    call_with(client, E::METHOD.as_str(), &uri, body, headers).await
}

/// The URL of an endpoint without path keys, with an empty query (uploads and
/// downloads, which `at` does not send).
pub(crate) fn plain_url<E: Endpoint<Path = ()>>() -> String
where
    E::Query: Default,
{
    E::url(&(), &E::Query::default())
}

pub(crate) async fn call(
    app: &Client,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    call_with(app, method, uri, body.map(|b| b.to_string()), &[]).await
}

pub(crate) async fn call_with(
    client: &Client,
    method: &str,
    uri: &str,
    body: Option<String>,
    headers: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut all: Vec<(&str, &str)> = headers.to_vec();
    if let Some((cookie, csrf)) = &client.session {
        all.extend([("cookie", cookie.as_str()), ("x-csrf-token", csrf.as_str())]);
    }
    let (status, value, _) = send(&client.app, method, uri, body, &all).await;
    (status, value)
}

pub(crate) fn codes(v: &Value) -> Vec<String> {
    v["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["code"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) use duban_testkit::valid_case;

/// A scenario's server on `store`, with a coordinator of the provincial group signed in.
pub(crate) async fn with_coordinator(
    store: Arc<dyn Store>,
    username: &str,
) -> (AppState, Router, Client) {
    let state = AppState::new(store).await.expect("state");
    let app = router(state.clone(), None);
    let coordinator = Client::signed_in(
        &app,
        &state,
        username,
        duban_server::auth::Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    (state, app, coordinator)
}

pub(crate) async fn total(app: &Client) -> u64 {
    at::<ListCases>(app, &(), &ListQuery::default(), None)
        .await
        .1["total"]
        .as_u64()
        .expect("total")
}

pub(crate) fn uuid_like() -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{}_{t}", std::process::id())
}

/// A request returning status, JSON body and the `Set-Cookie` values.
pub(crate) async fn call_raw(
    app: &Router,
    method: &str,
    uri: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> (StatusCode, Value, Vec<String>) {
    send(app, method, uri, body.map(|b| b.to_string()), headers).await
}

/// A JSON request returning status, JSON body and the `Set-Cookie` values.
pub(crate) async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    body: Option<String>,
    headers: &[(&str, &str)],
) -> (StatusCode, Value, Vec<String>) {
    let mut all: Vec<(&str, &str)> = Vec::with_capacity(headers.len() + 1);
    if body.is_some() {
        all.push(("content-type", "application/json"));
    }
    all.extend_from_slice(headers);
    let (status, answer, bytes) =
        exchange(app, None, method, uri, &all, body.map(String::into_bytes)).await;
    let cookies = answer
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        cookies,
    )
}

/// The one place a test request is built and sent: the session's cookie and CSRF token
/// when given, the headers, the peer address production adds; the answer as status,
/// headers and body bytes.
pub(crate) async fn exchange(
    app: &Router,
    session: Option<&(String, String)>,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<Vec<u8>>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some((cookie, csrf)) = session {
        req = req.header("cookie", cookie).header("x-csrf-token", csrf);
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut req = req
        .body(body.map(Body::from).unwrap_or_else(Body::empty))
        .expect("request");
    // What `into_make_service_with_connect_info` adds in production.
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            [192, 0, 2, 7],
            40_000,
        ))));
    let resp = app.clone().oneshot(req).await.expect("response");
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (status, headers, bytes.to_vec())
}

/// A one-pixel PNG.
pub(crate) const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

/// Upload a file as the browser does: raw bytes, a type and a percent-encoded name.
pub(crate) async fn upload(
    client: &Client,
    uri: &str,
    data: &[u8],
    content_type: &str,
    name: &str,
) -> (StatusCode, Value) {
    let headers = [("content-type", content_type), ("x-file-name", name)];
    let (status, _, bytes) = exchange(
        &client.app,
        client.session.as_ref(),
        "POST",
        uri,
        &headers,
        Some(data.to_vec()),
    )
    .await;
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

pub(crate) async fn get_text(client: &Client, uri: &str) -> (StatusCode, String) {
    get_text_with(client, "GET", uri).await
}

/// A GET whose answer is read as bytes (a workbook).
pub(crate) async fn get_bytes(client: &Client, uri: &str) -> (StatusCode, Vec<u8>) {
    let (status, _, bytes) =
        exchange(&client.app, client.session.as_ref(), "GET", uri, &[], None).await;
    (status, bytes)
}

/// A request whose answer is read as text (CSV, HTML).
pub(crate) async fn get_text_with(
    client: &Client,
    method: &str,
    uri: &str,
) -> (StatusCode, String) {
    let (status, _, bytes) =
        exchange(&client.app, client.session.as_ref(), method, uri, &[], None).await;
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// Run a scenario on a fresh SQLite database in a temporary folder.
pub(crate) async fn on_sqlite<F: std::future::Future<Output = ()>>(
    scenario: impl FnOnce(Arc<dyn Store>) -> F,
) {
    captured_logs();
    let dir = std::env::temp_dir().join(format!("duban-test-{}", uuid_like()));
    let store = SqliteStore::open(&format!("sqlite://{}/duban.db", dir.display()))
        .await
        .expect("sqlite");
    scenario(Arc::new(store)).await;
    let _ = std::fs::remove_dir_all(dir);
}

/// Run a scenario on PostgreSQL in a fresh schema (dropped afterwards), or print a
/// notice and skip without `DUBAN_TEST_POSTGRES_URL`.
pub(crate) async fn on_postgres<F: std::future::Future<Output = ()>>(
    what: &str,
    scenario: impl FnOnce(Arc<dyn Store>) -> F,
) {
    let Ok(url) = std::env::var("DUBAN_TEST_POSTGRES_URL") else {
        eprintln!("notice: DUBAN_TEST_POSTGRES_URL is not set; skipping the PostgreSQL {what}");
        return;
    };
    captured_logs();
    let schema = format!("duban_test_{}", uuid_like());
    let store = PgStore::open_in_schema(&url, Some(&schema))
        .await
        .expect("postgres");
    scenario(Arc::new(store.clone())).await;
    let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(store.pool())
        .await;
}

/// Everything every test of this binary logs, at debug level and above: one global
/// subscriber (a scoped one misses events whose callsites other threads registered).
pub(crate) fn captured_logs() -> &'static std::sync::Mutex<Vec<u8>> {
    use std::sync::{Mutex, OnceLock};
    static LOGS: OnceLock<&'static Mutex<Vec<u8>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buf: &'static Mutex<Vec<u8>> = Box::leak(Box::new(Mutex::new(Vec::new())));
        struct W(&'static Mutex<Vec<u8>>);
        impl std::io::Write for W {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                if let Ok(mut v) = self.0.lock() {
                    v.extend_from_slice(b);
                }
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(move || W(buf))
            .finish();
        let _ = tracing::subscriber::set_global_default(subscriber);
        buf
    })
}

/// Send raw bytes (an uploaded file) as a signed-in client.
pub(crate) async fn upload_raw(client: &Client, uri: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let headers = [("content-type", "application/octet-stream")];
    let (status, _, bytes) = exchange(
        &client.app,
        client.session.as_ref(),
        "POST",
        uri,
        &headers,
        Some(bytes),
    )
    .await;
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

pub(crate) fn transfer_list(rows: &[(&str, &str, &str)]) -> String {
    let mut out = String::from(
        "第7批交办信访件清单\n序号,批次号,交办编号,交办日期,来电/来信,举报内容,行政区域,地址,污染类型,是否重点\n",
    );
    for (i, (sender_ref, content, division)) in rows.iter().enumerate() {
        out.push_str(&format!(
            "{},第7批,{sender_ref},2025/6/2,来电,{content},{division},某街道某路,大气,否\n",
            i + 1
        ));
    }
    out
}
