//! Running the server: the demo data, backup and restore, readiness while draining,
//! rate limits, request ids and the append-only history.

use super::*;
use duban_api::calendar::CalendarYear;
use duban_api::cases::{ListCases, ListQuery};
use duban_api::inbox::GetInbox;
use duban_api::incidents::ListIncidents;
use duban_api::keys::YearKey;
use duban_api::referrals::MyReferrals;
use duban_api::routing::RoutingRules;

#[tokio::test]
async fn demo_loads_once() {
    let dir = std::env::temp_dir().join(format!("duban-demo-{}", uuid_like()));
    let store = SqliteStore::open(&format!("sqlite://{}/duban.db", dir.display()))
        .await
        .expect("sqlite");
    let state = AppState::new(Arc::new(store)).await.expect("state");
    let first = duban_server::seed::load_demo(&state).await.expect("demo");
    assert!(first >= 60);
    assert_eq!(
        duban_server::seed::load_demo(&state).await.expect("again"),
        0
    );
    let router_ = router(state.clone(), None);
    let app = Client::signed_in(
        &router_,
        &state,
        "t.coordinator",
        duban_server::auth::Role::Coordinator,
        None,
    )
    .await;
    // The mechanisms are at work too.
    let (_, incidents) = at::<ListIncidents>(&app, &(), &(), None).await;
    assert_eq!(incidents.as_array().map(Vec::len), Some(1));
    let (_, referrals) = at::<MyReferrals>(&app, &(), &(), None).await;
    assert_eq!(referrals.as_array().map(Vec::len), Some(1));
    let (_, inbox) = at::<GetInbox>(&app, &(), &(), None).await;
    assert!(inbox["total"].as_u64() > Some(0));
    let (_, rules) = at::<RoutingRules>(&app, &(), &(), None).await;
    assert!(
        rules["rules"]
            .as_array()
            .is_some_and(|r| r.iter().any(|r| r["kind"] == "supervise"))
    );
    let (_, page) = at::<ListCases>(
        &app,
        &(),
        &ListQuery {
            limit: Some(200),
            ..Default::default()
        },
        None,
    )
    .await;
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len(), first);
    let statuses: std::collections::HashSet<&str> =
        items.iter().filter_map(|c| c["status"].as_str()).collect();
    assert!(statuses.len() >= 4, "{statuses:?}");
    assert!(
        items
            .iter()
            .any(|c| !c["key_classes"].as_array().is_some_and(Vec::is_empty))
    );
    let now = chrono::Utc::now();
    let overdue = items
        .iter()
        .filter_map(|c| c["clock"]["due_at"].as_str())
        .filter(|d| chrono::DateTime::parse_from_rfc3339(d).is_ok_and(|d| d < now))
        .count();
    assert!(overdue > 0, "the demo shows overdue cases");
    let _ = std::fs::remove_dir_all(dir);
}

/// `duban backup` / `duban restore` on SQLite: a backup taken while the server writes
/// is the database as of one instant; a restore refuses a held database, a damaged or
/// foreign file, and keeps what it replaces.
#[tokio::test]
async fn backup_and_restore_round_trip() {
    use duban_server::store::backup;
    let dir = std::env::temp_dir().join(format!("duban-backup-{}", uuid_like()));
    let live = dir.join("live.db");
    let live_url = format!("sqlite://{}", live.display());
    let store = SqliteStore::open(&live_url).await.expect("sqlite");
    let pool = store.pool().clone();
    let state = AppState::new(Arc::new(store)).await.expect("state");
    let loaded = duban_server::seed::load_demo(&state).await.expect("demo") as i64;
    let rows = |pool: sqlx::SqlitePool| async move {
        sqlx::query_as::<_, (String, i64)>("SELECT id, version FROM cases ORDER BY id")
            .fetch_all(&pool)
            .await
            .expect("rows")
    };
    let at_backup = rows(pool.clone()).await;

    // Online: the live store stays open and is written to right after.
    let copy = dir.join("backups/monday.db");
    let taken = backup::backup(&live_url, &copy).await.expect("backup");
    assert_eq!(taken.cases, loaded);
    assert!(taken.events >= loaded);
    let draft: duban_case::draft::CaseDraft = serde_json::from_value(valid_case()).expect("draft");
    state
        .create_case(&draft, &Who::system())
        .await
        .expect("a case after the backup");
    let err = backup::backup(&live_url, &copy)
        .await
        .expect_err("no overwrite");
    assert!(err.to_string().contains("never overwrites"), "{err:#}");

    // Into a new place.
    let fresh = dir.join("fresh/duban.db");
    let fresh_url = format!("sqlite://{}", fresh.display());
    let (restored, aside) = backup::restore(&copy, &fresh_url).await.expect("restore");
    assert_eq!((restored.cases, aside), (loaded, None));
    let reopened = SqliteStore::open(&fresh_url)
        .await
        .expect("open the restored");
    assert_eq!(rows(reopened.pool().clone()).await, at_backup);
    reopened.pool().close().await;

    // Over a database a server holds: refused, nothing moved.
    let held = backup::hold(&live).expect("hold");
    let err = backup::restore(&copy, &live_url).await.expect_err("in use");
    assert!(err.to_string().contains("in use"), "{err:#}");
    drop(held);
    // Stopped: the live database (one case newer) is kept beside the restored one.
    pool.close().await;
    let (_, aside) = backup::restore(&copy, &live_url).await.expect("restore");
    let aside = aside.expect("the replaced database is kept");
    assert_eq!(
        backup::check(&aside).await.expect("aside").cases,
        loaded + 1
    );
    assert_eq!(backup::check(&live).await.expect("live").cases, loaded);

    // Not backups: refused with a reason.
    let junk = dir.join("junk.db");
    std::fs::write(&junk, b"not a database at all").expect("junk");
    let err = backup::restore(&junk, &fresh_url).await.expect_err("junk");
    assert!(
        format!("{err:#}").contains("not a SQLite database"),
        "{err:#}"
    );
    let err = backup::backup("postgres://postgres@127.0.0.1/test", &dir.join("pg.db"))
        .await
        .expect_err("PostgreSQL");
    assert!(err.to_string().contains("pg_dump"), "{err:#}");
    let _ = std::fs::remove_dir_all(dir);
}

/// `/readyz` is 200 while the server takes requests and 503 once it drains for a
/// shutdown; `/healthz` (alive) stays 200.
#[tokio::test]
async fn ready_until_draining() {
    on_sqlite(|store| async move {
        let state = AppState::new(store).await.expect("state");
        let app = router(state.clone(), None);
        let get = |uri: &'static str| {
            let app = app.clone();
            async move {
                let resp = app
                    .oneshot(
                        Request::builder()
                            .uri(uri)
                            .body(Body::empty())
                            .expect("request"),
                    )
                    .await
                    .expect("answer");
                let status = resp.status();
                let body = resp.into_body().collect().await.expect("body").to_bytes();
                let v: Value = serde_json::from_slice(&body).expect("json");
                (status, v["status"].as_str().unwrap_or_default().to_owned())
            }
        };
        assert_eq!(get("/readyz").await, (StatusCode::OK, "ready".to_owned()));
        state.drain();
        assert_eq!(
            get("/readyz").await,
            (StatusCode::SERVICE_UNAVAILABLE, "draining".to_owned())
        );
        assert_eq!(get("/healthz").await.0, StatusCode::OK);
    })
    .await;
}

/// A client over its rate gets 429 `rate.limited` with Retry-After, before any work;
/// other clients and the health checks go on.
#[tokio::test]
async fn clients_over_their_rate_are_refused() {
    on_sqlite(|store| async move {
        let state = AppState::new(store)
            .await
            .expect("state")
            .with_rate_limit(3, 3);
        let app = router(state, None);
        let calendar = CalendarYear::url(&YearKey::new(2026), &());
        let from = |ip: [u8; 4], uri: &str| {
            let app = app.clone();
            let uri = uri.to_owned();
            async move {
                let mut req = Request::builder()
                    .uri(&uri)
                    .header("accept-language", "en")
                    .body(Body::empty())
                    .expect("request");
                req.extensions_mut().insert(axum::extract::ConnectInfo(
                    std::net::SocketAddr::from((ip, 40000)),
                ));
                let resp = app.oneshot(req).await.expect("answer");
                let status = resp.status();
                let retry = resp.headers().get("retry-after").cloned();
                let body = resp.into_body().collect().await.expect("body").to_bytes();
                let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                (status, codes(&v), retry)
            }
        };
        for _ in 0..3 {
            let (s, _, _) = from([10, 0, 0, 1], &calendar).await;
            assert_eq!(s, StatusCode::OK);
        }
        let (s, codes, retry) = from([10, 0, 0, 1], &calendar).await;
        assert_eq!(
            (s, codes),
            (
                StatusCode::TOO_MANY_REQUESTS,
                vec!["rate.limited".to_owned()]
            )
        );
        assert!(retry.is_some(), "Retry-After");
        assert_eq!(from([10, 0, 0, 1], "/healthz").await.0, StatusCode::OK);
        assert_eq!(from([10, 0, 0, 2], &calendar).await.0, StatusCode::OK);
    })
    .await;
}

/// Every answer carries an `x-request-id`: the client's own when it sent one, else a
/// fresh one.
#[tokio::test]
async fn answers_carry_request_ids() {
    on_sqlite(|store| async move {
        let app = router(AppState::new(store).await.expect("state"), None);
        let ask = |id: Option<&'static str>| {
            let app = app.clone();
            async move {
                let mut req = Request::builder().uri("/healthz");
                if let Some(id) = id {
                    req = req.header("x-request-id", id);
                }
                let resp = app
                    .oneshot(req.body(Body::empty()).expect("request"))
                    .await
                    .expect("answer");
                resp.headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            }
        };
        assert_eq!(ask(Some("trace-42")).await.as_deref(), Some("trace-42"));
        let (a, b) = (ask(None).await, ask(None).await);
        assert!(a.as_ref().is_some_and(|a| a.len() == 36), "{a:?}");
        assert_ne!(a, b);
    })
    .await;
}

/// Case events and the audit trail refuse UPDATE and DELETE, whatever the caller.
#[tokio::test]
async fn history_is_append_only() {
    let dir = std::env::temp_dir().join(format!("duban-test-{}", uuid_like()));
    let sqlite = SqliteStore::open(&format!("sqlite://{}/duban.db", dir.display()))
        .await
        .expect("sqlite");
    let state = AppState::new(Arc::new(sqlite.clone()))
        .await
        .expect("state");
    let draft: duban_case::draft::CaseDraft = serde_json::from_value(valid_case()).expect("draft");
    state
        .create_case(&draft, &Who::system())
        .await
        .expect("case");
    for sql in [
        "UPDATE case_events SET actor = 'x'",
        "DELETE FROM case_events",
        "UPDATE audit_log SET reason = 'x'",
        "DELETE FROM audit_log",
    ] {
        let err = sqlx::query(sql)
            .execute(sqlite.pool())
            .await
            .expect_err(sql);
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    let _ = std::fs::remove_dir_all(dir);
    let Ok(url) = std::env::var("DUBAN_TEST_POSTGRES_URL") else {
        eprintln!(
            "notice: DUBAN_TEST_POSTGRES_URL is not set; skipping the PostgreSQL append-only check"
        );
        return;
    };
    let schema = format!("duban_test_{}", uuid_like());
    let pg = PgStore::open_in_schema(&url, Some(&schema))
        .await
        .expect("postgres");
    let state = AppState::new(Arc::new(pg.clone())).await.expect("state");
    state
        .create_case(&draft, &Who::system())
        .await
        .expect("case");
    for sql in [
        "UPDATE case_events SET actor = 'x'",
        "DELETE FROM case_events",
        "UPDATE audit_log SET reason = 'x'",
        "DELETE FROM audit_log",
    ] {
        let err = sqlx::query(sql).execute(pg.pool()).await.expect_err(sql);
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(pg.pool())
        .await;
}
