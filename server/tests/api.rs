//! The API story, through the real router, on SQLite and (when
//! `DUBAN_TEST_POSTGRES_URL` is set) on PostgreSQL.

#![allow(clippy::expect_used, clippy::unwrap_used)] // test code may panic

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use duban_server::http::router;
use duban_server::service::AppState;
use duban_server::service::Who;
use duban_server::store::{PgStore, SqliteStore, Store};

#[path = "api/crash.rs"]
mod crash;
#[path = "api/forms.rs"]
mod forms;
#[path = "api/headers.rs"]
mod headers;
#[path = "api/hostile.rs"]
mod hostile;
#[path = "api/import_real.rs"]
mod import_real;
#[path = "api/open311.rs"]
mod open311;
#[path = "api/signin.rs"]
mod signin;
#[path = "api/trial.rs"]
mod trial;

/// The router and, when signed in, the session cookie and CSRF token it sends.
#[derive(Clone)]
struct Client {
    app: Router,
    session: Option<(String, String)>,
}

impl Client {
    fn anonymous(app: &Router) -> Client {
        Client {
            app: app.clone(),
            session: None,
        }
    }

    /// Sign in again as an existing account (sessions expire when tests move the clock).
    async fn login(app: &Router, username: &str) -> Client {
        let (s, v, cookies) = call_raw(
            app,
            "POST",
            "/api/v1/auth/login",
            Some(json!({"username": username, "password": "password"})),
            &[],
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let cookie = cookies
            .iter()
            .find(|c| c.starts_with("duban_session="))
            .and_then(|c| c.split(';').next())
            .expect("session cookie")
            .to_owned();
        Client {
            app: app.clone(),
            session: Some((cookie, v["csrf_token"].as_str().expect("csrf").to_owned())),
        }
    }

    /// Create an account and sign in as it.
    async fn signed_in(
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
                "password",
                &Who::system(),
                "test",
            )
            .await
            .expect("user");
        let (s, v, cookies) = call_raw(
            app,
            "POST",
            "/api/v1/auth/login",
            Some(json!({"username": username, "password": "password"})),
            &[],
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let cookie = cookies
            .iter()
            .find(|c| c.starts_with("duban_session="))
            .and_then(|c| c.split(';').next())
            .expect("session cookie")
            .to_owned();
        Client {
            app: app.clone(),
            session: Some((cookie, v["csrf_token"].as_str().expect("csrf").to_owned())),
        }
    }
}

async fn call(app: &Client, method: &str, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
    call_with(app, method, uri, body.map(|b| b.to_string()), &[]).await
}

async fn call_with(
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

fn codes(v: &Value) -> Vec<String> {
    v["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["code"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn valid_case() -> Value {
    json!({
        "channel": "inspection_phone",
        "batch_number": 3,
        "batch_date": "2025-06-02",
        "sender_ref": "D030123",
        "complainant_name": "张先生",
        "complainant_phone": "13912345678",
        "content": "镇江市京口区某化工企业夜间偷排废气，气味刺鼻，周边居民晚上不敢开窗。",
        "address": "镇江市京口区象山街道",
        "division": "321102",
        "lat": 32.2, "lon": 119.47,
        "categories": ["air"],
        "key_classes": [],
        "received_at": "2025-06-03T01:30:00Z"
    })
}

/// A scenario's server on `store`, with a coordinator of the provincial group signed in.
async fn with_coordinator(store: Arc<dyn Store>, username: &str) -> (AppState, Router, Client) {
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

async fn total(app: &Client) -> u64 {
    call(app, "GET", "/api/v1/cases", None).await.1["total"]
        .as_u64()
        .expect("total")
}

async fn story(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    let state = AppState::new(store).await.expect("state");
    let router_ = router(state.clone(), None);
    let app = Client::signed_in(
        &router_,
        &state,
        "coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let anonymous = Client::anonymous(&router_);

    // Without a session only health, sign-in, the calendar and the OpenAPI document answer.
    let (s, v) = call(&anonymous, "GET", "/api/v1/cases", None).await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::UNAUTHORIZED, vec!["auth.required".to_owned()])
    );
    let (s, _) = call(&anonymous, "POST", "/api/v1/cases", Some(valid_case())).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    for open in ["/healthz", "/api/v1/calendar/2026", "/api/v1/openapi.json"] {
        assert_eq!(
            call(&anonymous, "GET", open, None).await.0,
            StatusCode::OK,
            "{open}"
        );
    }
    // A session without its CSRF token cannot change anything.
    let no_csrf = Client {
        app: router_.clone(),
        session: app.session.clone().map(|(c, _)| (c, "forged".to_owned())),
    };
    let (s, v) = call(&no_csrf, "POST", "/api/v1/cases", Some(valid_case())).await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::FORBIDDEN, vec!["csrf.invalid".to_owned()])
    );

    let (s, v) = call(&app, "GET", "/healthz", None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(total(&app).await, 0);

    // Invalid input of every kind: a 4xx with a code, nothing written.
    let mut bad = valid_case();
    bad["content"] = json!("太短");
    bad["division"] = json!("3299");
    bad["complainant_phone"] = json!("12345");
    bad["categories"] = json!(["air", "smog"]);
    let (s, v) = call(&app, "POST", "/api/v1/cases", Some(bad)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        codes(&v),
        [
            "content.too_short",
            "division.unknown",
            "categories.unknown",
            "complainant.phone.invalid"
        ]
    );
    assert_eq!(v["errors"][0]["field"], "content");
    assert_eq!(v["errors"][2]["field"], "categories[1]");

    let mut unknown_enum = valid_case();
    unknown_enum["channel"] = json!("carrier_pigeon");
    let (s, v) = call(&app, "POST", "/api/v1/cases", Some(unknown_enum)).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["channel.unknown".to_owned()]
        )
    );

    let mut impossible = valid_case();
    impossible["batch_date"] = json!("2025-02-30");
    let (s, v) = call(&app, "POST", "/api/v1/cases", Some(impossible)).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["batch.date.invalid".to_owned()]
        )
    );

    let mut oversized = valid_case();
    oversized["content"] = json!("污".repeat(6000));
    let (s, v) = call(&app, "POST", "/api/v1/cases", Some(oversized)).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["content.too_long".to_owned()]
        )
    );

    let (s, v) = call_with(
        &app,
        "POST",
        "/api/v1/cases",
        Some("{\"channel\": ".into()),
        &[],
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["json.syntax".to_owned()])
    );
    let (s, v) = call_with(
        &app,
        "POST",
        "/api/v1/cases",
        Some("x".repeat(300 * 1024)),
        &[],
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            vec!["body.too_large".to_owned()]
        )
    );
    let (s, v) = call(
        &app,
        "POST",
        "/api/v1/cases",
        Some(json!({"channel": "online", "colour": "red"})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["json.invalid".to_owned()]
        )
    );
    let (s, v) = call(&app, "POST", "/api/v1/cases", Some(json!([1, 2]))).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["json.invalid".to_owned()]
        )
    );

    // English on request.
    let (_, v) = call_with(
        &app,
        "POST",
        "/api/v1/cases",
        Some("{}".into()),
        &[("accept-language", "en-GB,en")],
    )
    .await;
    assert_eq!(v["errors"][0]["message"], "Channel: required");
    assert_eq!(total(&app).await, 0, "nothing may be written by bad input");

    // A valid case.
    let (s, created) = call(&app, "POST", "/api/v1/cases", Some(valid_case())).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    assert_eq!(created["reference"], "JS-2025-B03-0001");
    assert_eq!(created["status"], "received");
    assert_eq!(created["division_name"], "镇江市京口区");
    assert_eq!(created["clocks"][0]["stage"], "dispatch");
    assert_eq!(
        created["allowed_actions"],
        json!(["dispatch", "pause", "merge"])
    );
    let id = created["id"].as_str().expect("id").to_owned();
    let (_, second) = call(&app, "POST", "/api/v1/cases", Some(valid_case())).await;
    assert_eq!(second["reference"], "JS-2025-B03-0002");

    // Listing and filters.
    let (s, page) = call(
        &app,
        "GET",
        "/api/v1/cases?division=3211&category=air&batch=3&limit=1",
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (
            page["total"].as_u64(),
            page["items"].as_array().map(Vec::len)
        ),
        (Some(2), Some(1))
    );
    let cursor = page["next_cursor"].as_str().expect("cursor").to_owned();
    let (_, page2) = call(
        &app,
        "GET",
        &format!("/api/v1/cases?division=3211&limit=1&cursor={cursor}"),
        None,
    )
    .await;
    assert_eq!(
        page2["items"][0]["id"],
        json!(id),
        "the second page holds the older case"
    );
    let (_, none) = call(&app, "GET", "/api/v1/cases?division=3201", None).await;
    assert_eq!(none["total"], 0);
    let (s, v) = call(&app, "GET", "/api/v1/cases?status=lost&limit=0", None).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["status.unknown".to_owned(), "limit.out_of_range".to_owned()]
        )
    );
    let (s, _) = call(&app, "GET", "/api/v1/cases?limit=many", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // Unknown ids.
    let (s, v) = call(&app, "GET", "/api/v1/cases/not-a-uuid", None).await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::NOT_FOUND, vec!["case.not_found".to_owned()])
    );
    let (s, _) = call(
        &app,
        "GET",
        "/api/v1/cases/01a200b4-f0de-72fe-9cbb-5f2a55872ed5",
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = call(&app, "DELETE", "/api/v1/cases", None).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::METHOD_NOT_ALLOWED,
            vec!["method.not_allowed".to_owned()]
        )
    );
    let (s, v) = call(&app, "GET", "/api/v1/nowhere", None).await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::NOT_FOUND, vec!["route.not_found".to_owned()])
    );

    // The life cycle.
    let act = |body: Value| {
        let app = app.clone();
        let uri = format!("/api/v1/cases/{id}/actions");
        async move { call(&app, "POST", &uri, Some(body)).await }
    };
    let (s, v) = act(json!({"action": "sign_for"})).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["transition.not_allowed".to_owned()]
        )
    );
    let (s, v) = act(json!({"action": "teleport"})).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["action.unknown".to_owned()]
        )
    );
    let (s, v) = act(json!({"action": "dispatch", "lead_unit": "gov-9999"})).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["lead_unit.unknown".to_owned()]
        )
    );
    let (s, v) =
        act(json!({"action": "dispatch", "lead_unit": "gov-3211", "co_units": ["dept-zjt"]})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["status"].as_str(), v["lead_unit_name"].as_str()),
        (Some("dispatched"), Some("镇江市人民政府"))
    );
    assert_eq!(v["version"], 2);

    // A stale version is refused with the current state.
    let uri = format!("/api/v1/cases/{id}/actions");
    let (s, v) = call_with(
        &app,
        "POST",
        &uri,
        Some(json!({"action": "sign_for"}).to_string()),
        &[("if-match", "1")],
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::CONFLICT, vec!["version.conflict".to_owned()])
    );
    assert_eq!(v["current"]["version"], 2);
    let (s, _) = call_with(
        &app,
        "POST",
        &uri,
        Some(json!({"action": "sign_for"}).to_string()),
        &[("if-match", "2")],
    )
    .await;
    assert_eq!(s, StatusCode::OK);

    let (s, _) = act(json!({"action": "start_handling", "note": "已联系举报人"})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = act(json!({"action": "report", "outcome": {"finding": "maybe", "fines_yuan": 5000, "public_summary": "短"}})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        codes(&v),
        [
            "outcome.finding.unknown",
            "outcome.public_summary.too_short",
            "outcome.fines_yuan.without_penalty"
        ]
    );
    let outcome = json!({"finding": "substantiated", "rectification_orders": 1, "penalty_cases": 1, "fines_yuan": 50000,
        "measures": "责令停产整改", "public_summary": "经核查反映问题属实，已责令整改并立案处罚。"});
    let (s, v) = act(json!({"action": "report", "outcome": outcome})).await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("reported"))
    );
    let (s, v) = act(json!({"action": "send_back", "comments": ""})).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["comments.required".to_owned()]
        )
    );
    let (_, v) = act(json!({"action": "approve", "closure": "closed"})).await;
    assert_eq!(v["status"], "closed");
    let (_, v) =
        act(json!({"action": "return_visit", "satisfaction": "unsatisfied", "note": "异味仍在"}))
            .await;
    assert_eq!(
        (v["status"].as_str(), v["satisfaction"].as_str()),
        (Some("in_progress"), Some("unsatisfied"))
    );
    let (_, v) = act(json!({"action": "pause", "reason": "等待监测报告"})).await;
    assert_eq!(
        (v["paused"].as_bool(), v["allowed_actions"].clone()),
        (Some(true), json!(["resume"]))
    );
    let (_, v) = act(json!({"action": "resume"})).await;
    assert_eq!(v["paused"], false);

    // The log is a valid history: numbered from 1, and replaying it gives the state.
    let (s, events) = call(&app, "GET", &format!("/api/v1/cases/{id}/events"), None).await;
    assert_eq!(s, StatusCode::OK);
    let events = events.as_array().expect("events").clone();
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["type"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        kinds,
        [
            "received",
            "dispatched",
            "signed_for",
            "handling_started",
            "reported",
            "approved",
            "return_visited",
            "reopened",
            "paused",
            "resumed"
        ]
    );
    assert!(
        events
            .iter()
            .enumerate()
            .all(|(i, e)| e["seq"] == json!(i + 1))
    );
    let parsed: Vec<duban_case::lifecycle::Event> = events
        .iter()
        .map(|e| serde_json::from_value(e.clone()).expect("event"))
        .collect();
    let replayed = duban_case::lifecycle::replay(&parsed).expect("replay");
    let (_, current) = call(&app, "GET", &format!("/api/v1/cases/{id}"), None).await;
    let stored: duban_case::lifecycle::Case =
        serde_json::from_value(current.clone()).expect("case");
    assert_eq!(replayed, stored);
    assert_eq!(current["version"], json!(events.len()));

    // Calendar.
    let (s, days) = call(&app, "GET", "/api/v1/calendar/2025", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(days.as_array().map(Vec::len), Some(365));
    assert_eq!(
        days[25],
        json!({"date": "2025-01-26", "workday": true, "kind": "makeup_workday", "name": "春节"})
    );
    let (s, _) = call(&app, "GET", "/api/v1/calendar/1900", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Reference data.
    let (_, units) = call(&app, "GET", "/api/v1/units", None).await;
    assert!(units.as_array().is_some_and(|u| u.len() > 100));
    let (_, sets) = call(&app, "GET", "/api/v1/sla/rule-sets", None).await;
    assert_eq!(sets.as_array().map(Vec::len), Some(4));

    // Roles and jurisdiction. The case above is dispatched to 镇江市 (gov-3211) with 住建厅.
    let leader =
        Client::signed_in(&router_, &state, "leader", Role::Leader, Some("prov-coord")).await;
    let (s, page) = call(&leader, "GET", "/api/v1/cases", None).await;
    assert_eq!((s, page["total"].as_u64()), (StatusCode::OK, Some(2)));
    let (_, seen) = call(&leader, "GET", &format!("/api/v1/cases/{id}"), None).await;
    assert_eq!(
        seen["complainant"]["phone"], "139****5678",
        "leaders see masked personal data"
    );
    assert_eq!(seen["complainant"]["name"], "张**");
    assert_eq!(seen["allowed_actions"], json!([]));
    let (_, log) = call(&leader, "GET", &format!("/api/v1/cases/{id}/events"), None).await;
    assert_eq!(log[0]["case"]["complainant"]["phone"], "139****5678");
    let (s, v) = call(&leader, "POST", "/api/v1/cases", Some(valid_case())).await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::FORBIDDEN, vec!["role.forbidden".to_owned()])
    );
    let (s, _) = call(
        &leader,
        "POST",
        &format!("/api/v1/cases/{id}/actions"),
        Some(json!({"action": "pause", "reason": "试试"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, full) = call(&app, "GET", &format!("/api/v1/cases/{id}"), None).await;
    assert_eq!(
        full["complainant"]["phone"], "139****5678",
        "case views mask the person for everyone"
    );
    let (s, person) = call(
        &app,
        "GET",
        &format!("/api/v1/cases/{id}/complainant?purpose=callback"),
        None,
    )
    .await;
    assert_eq!(
        (s, &person["phone"]),
        (StatusCode::OK, &json!("13912345678")),
        "coordinators read the person through the audited endpoint"
    );

    // Jurisdiction runs down the unit tree: a handler of 南京 sees nothing of 镇江; a
    // handler of 镇江市, or of 住建厅 (co-handling), sees the case.
    let nanjing = Client::signed_in(
        &router_,
        &state,
        "nj.handler",
        Role::Handler,
        Some("gov-3201"),
    )
    .await;
    let (_, page) = call(&nanjing, "GET", "/api/v1/cases", None).await;
    assert_eq!(page["total"], 0);
    let (s, _) = call(&nanjing, "GET", &format!("/api/v1/cases/{id}"), None).await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "outside the jurisdiction a case does not exist"
    );
    let zhenjiang = Client::signed_in(
        &router_,
        &state,
        "zj.handler",
        Role::Handler,
        Some("gov-3211"),
    )
    .await;
    let (_, page) = call(&zhenjiang, "GET", "/api/v1/cases", None).await;
    assert_eq!(
        (page["total"].as_u64(), page["items"][0]["id"].as_str()),
        (Some(1), Some(id.as_str()))
    );
    let (_, seen) = call(&zhenjiang, "GET", &format!("/api/v1/cases/{id}"), None).await;
    assert_eq!(
        seen["allowed_actions"],
        json!(["report", "request_extension"]),
        "a handler reports and may ask for more time, but does not pause or extend"
    );
    let (s, v) = call(
        &zhenjiang,
        "POST",
        &format!("/api/v1/cases/{id}/actions"),
        Some(
            json!({"action": "extend", "amount": 1, "unit": "working_days", "reason": "需要时间"}),
        ),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::FORBIDDEN, vec!["role.forbidden".to_owned()])
    );
    let ministry = Client::signed_in(
        &router_,
        &state,
        "zjt.handler",
        Role::Handler,
        Some("dept-zjt"),
    )
    .await;
    let (_, page) = call(&ministry, "GET", "/api/v1/cases", None).await;
    assert_eq!(
        page["total"], 1,
        "a co-handling department sees the case too"
    );

    // Every documented operation answers (none is a stray 404 or 405).
    for (method, path) in duban_server::openapi::operations() {
        let uri = path.replace("{id}", &id).replace("{year}", "2026");
        let body = (method == "POST").then(|| json!({}));
        let (s, v) = call(&app, &method, &uri, body).await;
        assert!(
            s != StatusCode::METHOD_NOT_ALLOWED && codes(&v) != ["route.not_found"],
            "{method} {uri}: {s}"
        );
        assert!(!s.is_server_error(), "{method} {uri}: {s}");
    }
}

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
    let (_, incidents) = call(&app, "GET", "/api/v1/incidents", None).await;
    assert_eq!(incidents.as_array().map(Vec::len), Some(1));
    let (_, referrals) = call(&app, "GET", "/api/v1/referrals", None).await;
    assert_eq!(referrals.as_array().map(Vec::len), Some(1));
    let (_, inbox) = call(&app, "GET", "/api/v1/inbox", None).await;
    assert!(inbox["total"].as_u64() > Some(0));
    let (_, rules) = call(&app, "GET", "/api/v1/routing/rules", None).await;
    assert!(
        rules["rules"]
            .as_array()
            .is_some_and(|r| r.iter().any(|r| r["kind"] == "supervise"))
    );
    let (_, page) = call(&app, "GET", "/api/v1/cases?limit=200", None).await;
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

/// SIGKILL in the middle of batch imports, batch dispatches and SLA sweeps, on SQLite
/// (see `api/crash.rs`).
#[test]
fn work_survives_sigkill_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("duban-crash-{}", uuid_like()));
    let url = format!("sqlite://{}/duban.db", dir.display());
    let answers = crash::import_survives_sigkill(&url);
    eprintln!("first answers of the killed imports: {answers:?}");
    crash::dispatch_survives_sigkill(&url);
    crash::sweep_survives_sigkill(&url);
    let (tally, logs) = tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(async {
            let pool = sqlx::SqlitePool::connect(&url).await.expect("open");
            let tally = sqlx::query_as::<_, (i64, i64, i64, i64)>(crash::TALLY)
                .fetch_one(&pool)
                .await
                .expect("tally");
            pool.close().await;
            let store = duban_server::store::open(&url).await.expect("store");
            (tally, crash::check_logs(store).await)
        });
    crash::assert_whole(&answers, tally, &logs);
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
    let answers = crash::import_survives_sigkill(&db_url);
    eprintln!("first answers of the killed imports: {answers:?}");
    crash::dispatch_survives_sigkill(&db_url);
    crash::sweep_survives_sigkill(&db_url);
    let (tally, logs) = rt.block_on(async {
        let pool = sqlx::PgPool::connect(&db_url).await.expect("open");
        let t = sqlx::query_as::<_, (i64, i64, i64, i64)>(crash::TALLY)
            .fetch_one(&pool)
            .await
            .expect("tally");
        pool.close().await;
        let store = duban_server::store::open(&db_url).await.expect("store");
        (t, crash::check_logs(store).await)
    });
    run(format!("DROP DATABASE {name} WITH (FORCE)"));
    crash::assert_whole(&answers, tally, &logs);
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

fn uuid_like() -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{}_{t}", std::process::id())
}

/// A request returning status, JSON body and the `Set-Cookie` values.
async fn call_raw(
    app: &Router,
    method: &str,
    uri: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> (StatusCode, Value, Vec<String>) {
    send(app, method, uri, body.map(|b| b.to_string()), headers).await
}

/// A JSON request returning status, JSON body and the `Set-Cookie` values.
async fn send(
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
async fn exchange(
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

async fn accounts(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    let state = AppState::new(store).await.expect("state");
    state
        .create_user(
            "zhang.san",
            "张三",
            Role::Coordinator,
            Some("prov-coord"),
            "correct horse",
            &Who::system(),
            "test",
        )
        .await
        .expect("user");
    let refused = |r: Result<_, duban_server::service::users::UserError>| match r {
        Err(duban_server::service::users::UserError::Invalid { code, .. }) => code,
        other => panic!("expected a refusal, got {other:?}"),
    };
    let sys = Who::system();
    assert_eq!(
        refused(
            state
                .create_user(
                    "zhang.san",
                    "again",
                    Role::Leader,
                    None,
                    "whatever",
                    &sys,
                    ""
                )
                .await
        ),
        "username.taken"
    );
    assert_eq!(
        refused(
            state
                .create_user("x", "", Role::Leader, None, "long enough", &sys, "")
                .await
        ),
        "username.invalid"
    );
    assert_eq!(
        refused(
            state
                .create_user(
                    "nobody",
                    "",
                    Role::Handler,
                    Some("gov-9999"),
                    "long enough",
                    &sys,
                    ""
                )
                .await
        ),
        "unit.unknown"
    );
    assert_eq!(
        refused(
            state
                .create_user("nobody", "", Role::Handler, None, "long enough", &sys, "")
                .await
        ),
        "unit.required"
    );
    let app = router(state, None);

    let (s, v, _) = call_raw(&app, "GET", "/api/v1/auth/me", None, &[]).await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::UNAUTHORIZED, vec!["auth.required".to_owned()])
    );

    // Wrong password and unknown user look the same.
    let (s, v, cookies) = call_raw(
        &app,
        "POST",
        "/api/v1/auth/login",
        Some(json!({"username": "zhang.san", "password": "wrong"})),
        &[],
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNAUTHORIZED,
            vec!["auth.invalid_credentials".to_owned()]
        )
    );
    assert!(cookies.is_empty());
    let (s, v, _) = call_raw(
        &app,
        "POST",
        "/api/v1/auth/login",
        Some(json!({"username": "li.si", "password": "wrong"})),
        &[],
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNAUTHORIZED,
            vec!["auth.invalid_credentials".to_owned()]
        )
    );

    // Signing in sets an HttpOnly, SameSite=Strict session cookie and a CSRF token.
    let (s, v, cookies) = call_raw(
        &app,
        "POST",
        "/api/v1/auth/login",
        Some(json!({"username": "zhang.san", "password": "correct horse"})),
        &[],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (
            v["user"]["role"].as_str(),
            v["user"]["display_name"].as_str()
        ),
        (Some("coordinator"), Some("张三"))
    );
    let session = cookies
        .iter()
        .find(|c| c.starts_with("duban_session="))
        .expect("session cookie");
    assert!(
        session.contains("HttpOnly")
            && session.contains("SameSite=Strict")
            && !session.contains("Secure")
    );
    let token = session.split(';').next().expect("pair").to_owned();
    let csrf = v["csrf_token"].as_str().expect("csrf").to_owned();
    let (_, _, https) = call_raw(
        &app,
        "POST",
        "/api/v1/auth/login",
        Some(json!({"username": "zhang.san", "password": "correct horse"})),
        &[("x-forwarded-proto", "https")],
    )
    .await;
    assert!(https.iter().all(|c| c.contains("; Secure")), "{https:?}");

    let (s, v, _) = call_raw(&app, "GET", "/api/v1/auth/me", None, &[("cookie", &token)]).await;
    assert_eq!(
        (s, v["username"].as_str()),
        (StatusCode::OK, Some("zhang.san"))
    );

    // Logging out needs the CSRF token.
    let (s, v, _) = call_raw(
        &app,
        "POST",
        "/api/v1/auth/logout",
        None,
        &[("cookie", &token)],
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::FORBIDDEN, vec!["csrf.invalid".to_owned()])
    );
    let (s, _, _) = call_raw(
        &app,
        "POST",
        "/api/v1/auth/logout",
        None,
        &[("cookie", &token), ("x-csrf-token", "forged")],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, cleared) = call_raw(
        &app,
        "POST",
        "/api/v1/auth/logout",
        None,
        &[("cookie", &token), ("x-csrf-token", &csrf)],
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert!(
        cleared
            .iter()
            .any(|c| c.starts_with("duban_session=;") && c.contains("Max-Age=0"))
    );
    let (s, _, _) = call_raw(&app, "GET", "/api/v1/auth/me", None, &[("cookie", &token)]).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "the session is gone");

    // Throttling: after 5 failures even the right password is refused for a while.
    for _ in 0..5 {
        let (s, _, _) = call_raw(
            &app,
            "POST",
            "/api/v1/auth/login",
            Some(json!({"username": "zhang.san", "password": "nope"})),
            &[],
        )
        .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    let (s, v, _) = call_raw(
        &app,
        "POST",
        "/api/v1/auth/login",
        Some(json!({"username": "ZHANG.SAN", "password": "correct horse"})),
        &[],
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::TOO_MANY_REQUESTS,
            vec!["auth.throttled".to_owned()]
        )
    );
}

/// Who may call what: every documented operation for every role, a handler of another
/// unit, and no session at all. A new route fails here until it is given a row.
async fn access_matrix(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    let state = AppState::new(store).await.expect("state");
    let router_ = router(state.clone(), None);
    let coordinator = Client::signed_in(
        &router_,
        &state,
        "m.coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let (_, created) = call(&coordinator, "POST", "/api/v1/cases", Some(valid_case())).await;
    let id = created["id"].as_str().expect("id").to_owned();
    let (s, _) = call(
        &coordinator,
        "POST",
        &format!("/api/v1/cases/{id}/actions"),
        Some(json!({"action": "dispatch", "lead_unit": "gov-3211"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, file) = upload(
        &coordinator,
        &format!("/api/v1/cases/{id}/attachments"),
        PNG,
        "image/png",
        "a.png",
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{file}");
    let attachment = file["id"].as_str().expect("id").to_owned();
    let (s, referral) = call(
        &coordinator,
        "POST",
        &format!("/api/v1/cases/{id}/referrals"),
        Some(json!({"action": "send", "from_unit": "prov-coord", "to_unit": "dept-zjt",
                    "subject": "管网问题", "text": "请协同核查", "amount": 2, "unit": "working_days"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{referral}");
    let referral = referral["referral"]["id"].as_str().expect("id").to_owned();
    let (s, incident) = call(
        &coordinator,
        "POST",
        "/api/v1/incidents",
        Some(
            json!({"action": "declare", "title": "河道发现死鱼", "incident_type": "water_pollution",
                    "severity": "IV", "division": "321102"}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{incident}");
    let incident = incident["incident"]["id"].as_str().expect("id").to_owned();

    let mut clients = vec![("anonymous", Client::anonymous(&router_))];
    for (name, role, unit) in [
        ("m.admin", Role::Admin, None),
        ("m.supervisor", Role::Supervisor, Some("prov-coord")),
        ("m.leader", Role::Leader, Some("prov-coord")),
        ("m.handler", Role::Handler, Some("gov-3211")),
        ("m.foreign", Role::Handler, Some("gov-3201")),
    ] {
        clients.push((
            name,
            Client::signed_in(&router_, &state, name, role, unit).await,
        ));
    }
    clients.push(("m.coordinator", coordinator));

    // Expected outcome per (operation, caller): Allow means neither 401, 403 nor 404.
    #[derive(Debug, PartialEq)]
    enum Want {
        Allow,
        Unauthorized,
        Forbidden,
        NotFound,
    }
    use Want::*;
    let want = |op: &str, who: &str| -> Want {
        let public = matches!(
            op,
            "GET /healthz"
                | "GET /readyz"
                | "GET /api/v1/calendar/{year}"
                | "GET /api/v1/openapi.json"
                | "POST /api/v1/auth/login"
                | "GET /api/v1/geo/jiangsu"
                | "GET /api/v1/public/batches"
        );
        if public {
            return Allow;
        }
        // The disclosure of a batch is for everyone; none is published here (`map_board`
        // reads published ones), so everyone gets a 404, never a 401.
        if op.starts_with("GET /api/v1/public/batches/{batch}") {
            return NotFound;
        }
        if who == "anonymous" {
            return Unauthorized;
        }
        match op {
            "POST /api/v1/cases" | "POST /api/v1/import/preview" | "POST /api/v1/import/commit" => {
                if matches!(who, "m.admin" | "m.coordinator") {
                    Allow
                } else {
                    Forbidden
                }
            }
            "GET /api/v1/cases/{id}"
            | "GET /api/v1/cases/{id}/events"
            | "GET /api/v1/cases/{id}/supervision"
            | "GET /api/v1/cases/{id}/attachments"
            | "GET /api/v1/attachments/{id}" => {
                if who == "m.foreign" {
                    NotFound
                } else {
                    Allow
                }
            }
            "POST /api/v1/incidents" | "PUT /api/v1/emergency/plans" if who == "m.admin" => Allow,
            "POST /api/v1/incidents" => {
                if who == "m.coordinator" {
                    Allow
                } else {
                    Forbidden
                }
            }
            "PUT /api/v1/emergency/plans" => Forbidden,
            "PUT /api/v1/sla/rule-sets/{id}" => {
                if who == "m.admin" {
                    Allow
                } else {
                    Forbidden
                }
            }
            "POST /api/v1/admin/sweep" => {
                if who == "m.admin" {
                    Allow
                } else {
                    Forbidden
                }
            }
            "POST /api/v1/cases/{id}/incidents" => match who {
                "m.foreign" => NotFound,
                "m.admin" | "m.coordinator" => Allow,
                _ => Forbidden,
            },
            // Handlers see incidents their units are linked to.
            "GET /api/v1/incidents/{id}" => match who {
                "m.foreign" | "m.handler" => NotFound,
                _ => Allow,
            },
            "POST /api/v1/incidents/{id}" => match who {
                "m.leader" | "m.supervisor" => Forbidden,
                "m.foreign" | "m.handler" => NotFound,
                _ => Allow,
            },
            "GET /api/v1/cases/{id}/referrals" => {
                if who == "m.foreign" {
                    NotFound
                } else {
                    Allow
                }
            }
            "POST /api/v1/cases/{id}/referrals" => match who {
                "m.foreign" => NotFound,
                "m.leader" | "m.supervisor" => Forbidden,
                _ => Allow,
            },
            // Only the parties' units (and the province) see a referral.
            "GET /api/v1/referrals/{id}" => match who {
                "m.foreign" | "m.handler" => NotFound,
                _ => Allow,
            },
            "POST /api/v1/referrals/{id}" => match who {
                "m.leader" | "m.supervisor" => Forbidden,
                "m.foreign" | "m.handler" => NotFound,
                _ => Allow,
            },
            "POST /api/v1/cases/{id}/supervision" | "POST /api/v1/cases/{id}/attachments" => {
                match who {
                    "m.foreign" => NotFound,
                    "m.leader" => Forbidden,
                    _ => Allow,
                }
            }
            // Personal data: roles that work the case, within their jurisdiction.
            "GET /api/v1/cases/{id}/complainant" => match who {
                "m.foreign" => NotFound,
                "m.admin" | "m.coordinator" | "m.handler" => Allow,
                _ => Forbidden,
            },
            // Connected systems sign with an API key, never a session.
            "POST /api/v1/hotline/orders" | "GET /api/v1/hotline/orders/{order_no}" => Unauthorized,
            "GET /api/v1/admin/api-clients"
            | "POST /api/v1/admin/api-clients"
            | "PATCH /api/v1/admin/api-clients/{id}" => {
                if who == "m.admin" {
                    Allow
                } else {
                    Forbidden
                }
            }
            "POST /api/v1/repeats" => match who {
                "m.admin" | "m.coordinator" => Allow,
                _ => Forbidden,
            },
            "GET /api/v1/cases/{id}/repeats" | "POST /api/v1/cases/{id}/merge" => match who {
                "m.admin" | "m.coordinator" => Allow,
                "m.foreign" => Forbidden,
                _ => Forbidden,
            },
            "PUT /api/v1/repeats/settings" => {
                if who == "m.admin" {
                    Allow
                } else {
                    Forbidden
                }
            }
            "GET /api/v1/repeats/settings" => Allow,
            "GET /api/v1/supervisors" => match who {
                "m.admin" | "m.coordinator" | "m.supervisor" => Allow,
                _ => Forbidden,
            },
            "GET /api/v1/cases/{id}/audit" => match who {
                "m.admin" | "m.coordinator" => Allow,
                _ => Forbidden,
            },
            "GET /api/v1/audit"
            | "GET /api/v1/admin/users"
            | "POST /api/v1/admin/users"
            | "PATCH /api/v1/admin/users/{id}"
            | "POST /api/v1/admin/units"
            | "PATCH /api/v1/admin/units/{id}" => {
                if who == "m.admin" {
                    Allow
                } else {
                    Forbidden
                }
            }
            // The probe action is a sign-for: handlers of the unit may, readers may not.
            "POST /api/v1/cases/{id}/actions" => match who {
                "m.foreign" => NotFound,
                "m.admin" | "m.coordinator" | "m.handler" => Allow,
                _ => Forbidden,
            },
            "GET /api/v1/cases/{id}/routing" | "POST /api/v1/dispatch" => match who {
                "m.admin" | "m.coordinator" => Allow,
                _ => Forbidden,
            },
            "PUT /api/v1/routing/rules" => {
                if who == "m.admin" {
                    Allow
                } else {
                    Forbidden
                }
            }
            "GET /api/v1/cases"
            | "GET /api/v1/routing/rules"
            | "GET /api/v1/referrals"
            | "GET /api/v1/inbox"
            | "GET /api/v1/incidents"
            | "GET /api/v1/emergency/plans"
            | "GET /api/v1/clearing"
            | "GET /api/v1/cases/export.csv"
            | "GET /api/v1/cases/export.xlsx"
            | "GET /api/v1/import/template.csv"
            | "GET /api/v1/import/template.xlsx"
            | "GET /api/v1/units"
            | "GET /api/v1/sla/rule-sets"
            | "GET /api/v1/auth/me"
            | "POST /api/v1/auth/logout" => Allow,
            // The province's figures: for those who work across units.
            "GET /api/v1/board" => match who {
                "m.handler" | "m.foreign" => Forbidden,
                _ => Allow,
            },
            other => panic!("{other} has no row in the access matrix: decide who may call it"),
        }
    };
    for (method, path) in duban_server::openapi::operations() {
        let op = format!("{method} {path}");
        if op == "POST /api/v1/auth/logout" {
            continue; // would end the sessions the rest of the matrix uses; covered by `accounts`
        }
        let uri = if path == "/api/v1/attachments/{id}" {
            path.replace("{id}", &attachment)
        } else if path == "/api/v1/referrals/{id}" {
            path.replace("{id}", &referral)
        } else if path == "/api/v1/incidents/{id}" {
            path.replace("{id}", &incident)
        } else if path == "/api/v1/sla/rule-sets/{id}" {
            path.replace("{id}", "inspection_transfer")
        } else {
            path.replace("{id}", &id)
                .replace("{year}", "2026")
                .replace("{order_no}", "GD001")
        };
        for (who, client) in &clients {
            let body = match op.as_str() {
                "POST /api/v1/cases/{id}/actions" => Some(json!({"action": "sign_for"})),
                "POST /api/v1/auth/login" => Some(json!({"username": "nobody", "password": "x"})),
                _ if matches!(method.as_str(), "POST" | "PATCH" | "PUT") => Some(json!({})),
                _ => None,
            };
            // After the first sign-for the case refuses it (422): access passed all the same.
            let (s, _) = call(client, &method, &uri, body).await;
            let got = match s {
                StatusCode::UNAUTHORIZED if op != "POST /api/v1/auth/login" => Unauthorized,
                StatusCode::FORBIDDEN => Forbidden,
                StatusCode::NOT_FOUND => NotFound,
                _ => Allow,
            };
            assert_eq!(got, want(&op, who), "{op} as {who}: HTTP {s}");
            assert!(!s.is_server_error(), "{op} as {who}: HTTP {s}");
        }
    }
}

/// Personal data is masked everywhere but the audited complainant endpoint, every read
/// and change is in the audit trail, exports and public outputs and logs carry none.
async fn privacy_and_audit(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    const NAME: &str = "欧阳明远";
    const PHONE: &str = "13955501234";
    const ID: &str = "11010519491231002X";
    let state = AppState::new(store).await.expect("state");
    let app = router(state.clone(), None);
    let coordinator = Client::signed_in(
        &app,
        &state,
        "p.coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let admin = Client::signed_in(&app, &state, "p.admin", Role::Admin, None).await;
    let supervisor = Client::signed_in(
        &app,
        &state,
        "p.supervisor",
        Role::Supervisor,
        Some("prov-coord"),
    )
    .await;
    let handler =
        Client::signed_in(&app, &state, "p.handler", Role::Handler, Some("gov-3211")).await;

    let mut case = valid_case();
    case["complainant_name"] = json!(NAME);
    case["complainant_phone"] = json!(PHONE);
    case["complainant_id_number"] = json!(ID.to_lowercase());
    case["content"] = json!("京口区某厂夜间偷排废气，我的电话13955501234，请尽快处理，谢谢。");
    let (s, created) = call(&coordinator, "POST", "/api/v1/cases", Some(case.clone())).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().expect("id").to_owned();
    let reference = created["reference"].as_str().expect("reference").to_owned();
    assert_eq!(created["complainant"]["name"], "欧**");
    assert_eq!(created["complainant"]["id_number"], "1101************2X");
    let mut bad = case.clone();
    bad["complainant_id_number"] = json!("110105194912310021");
    let (s, v) = call(&coordinator, "POST", "/api/v1/cases", Some(bad)).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["complainant.id_number.invalid".to_owned()]
        )
    );
    assert!(
        !v.to_string().contains("110105194912310021"),
        "errors do not echo ID numbers"
    );

    let (s, _) = call(
        &coordinator,
        "POST",
        &format!("/api/v1/cases/{id}/actions"),
        Some(json!({"action": "dispatch", "lead_unit": "gov-3211", "note": "属地办理"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);

    // Reading the person: allowed roles get it, each read is recorded; others never.
    let person_uri = format!("/api/v1/cases/{id}/complainant?purpose=%E5%9B%9E%E8%AE%BF");
    let (s, person) = call(&handler, "GET", &person_uri, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (&person["name"], &person["phone"], &person["id_number"]),
        (&json!(NAME), &json!(PHONE), &json!(ID))
    );
    let (s, v) = call(&supervisor, "GET", &person_uri, None).await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::FORBIDDEN, vec!["role.forbidden".to_owned()])
    );
    let (_, events) = call(
        &coordinator,
        "GET",
        &format!("/api/v1/cases/{id}/events"),
        None,
    )
    .await;
    let opening = events[0]["case"]["complainant"].to_string();
    assert!(!opening.contains(PHONE) && !opening.contains(NAME) && !opening.contains(ID));

    // The case's audit trail: who, when, from where and why.
    let (s, trail) = call(
        &coordinator,
        "GET",
        &format!("/api/v1/cases/{id}/audit"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{trail}");
    let actions: Vec<&str> = trail
        .as_array()
        .expect("list")
        .iter()
        .map(|r| r["action"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        actions,
        ["personal_data.read", "case.dispatch", "case.create"],
        "newest first; the refused supervisor read is not a read"
    );
    assert_eq!(
        (
            trail[0]["actor"].as_str(),
            trail[0]["role"].as_str(),
            trail[0]["ip"].as_str(),
            trail[0]["reason"].as_str(),
            trail[0]["target"].as_str()
        ),
        (
            Some("p.handler"),
            Some("handler"),
            Some("192.0.2.7"),
            Some("回访"),
            Some(reference.as_str())
        )
    );
    assert_eq!(trail[1]["reason"], "属地办理");
    assert_eq!(trail[1]["detail"]["to"], "dispatched");
    assert!(
        !trail.to_string().contains(PHONE),
        "the trail holds no personal data"
    );
    let (s, _) = call(
        &supervisor,
        "GET",
        &format!("/api/v1/cases/{id}/audit"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The searchable trail for administrators.
    let (s, page) = call(&admin, "GET", "/api/v1/audit?action=case.&limit=1", None).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert_eq!(
        (page["total"].as_u64(), page["items"][0]["action"].as_str()),
        (Some(2), Some("case.dispatch"))
    );
    let before = page["next_cursor"].as_str().expect("cursor");
    let (_, next) = call(
        &admin,
        "GET",
        &format!("/api/v1/audit?action=case.&before={before}"),
        None,
    )
    .await;
    assert_eq!(next["items"][0]["action"], "case.create");
    let (_, logins) = call(
        &admin,
        "GET",
        "/api/v1/audit?action=auth.login&actor=p.handler",
        None,
    )
    .await;
    assert_eq!(logins["total"], 1);
    let (_, found) = call(&admin, "GET", &format!("/api/v1/audit?q={reference}"), None).await;
    assert_eq!(found["total"], 3);
    let (_, none) = call(&admin, "GET", "/api/v1/audit?q=%25", None).await;
    assert_eq!(none["total"], 0, "% is matched literally");
    let (_, old) = call(&admin, "GET", "/api/v1/audit?to=2000-01-01", None).await;
    assert_eq!(old["total"], 0);
    let (_, recent) = call(
        &admin,
        "GET",
        "/api/v1/audit?from=2000-01-01&to=2199-12-31",
        None,
    )
    .await;
    assert!(recent["total"].as_u64() > Some(5));
    let (s, v) = call(&admin, "GET", "/api/v1/audit?from=2025-13-01", None).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["from.invalid".to_owned()]
        )
    );
    let (s, _) = call(&coordinator, "GET", "/api/v1/audit", None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Exports: the filtered list, no complainant, digit runs in the text masked.
    let (s, csv_text) = get_text(&coordinator, "/api/v1/cases/export.csv?batch=3").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        csv_text.starts_with('\u{feff}')
            && csv_text.contains("交办编号")
            && csv_text.contains("牵头单位")
    );
    assert!(
        csv_text.contains(&reference) && csv_text.contains("我的电话××××"),
        "{csv_text}"
    );
    for pd in [NAME, PHONE, ID, "张先生"] {
        assert!(!csv_text.contains(pd), "export leaks {pd}");
    }
    // Those who handle complainants get them masked, as on the case page; supervisors
    // get no complainant columns at all.
    let masked_phone = created["complainant"]["phone"]
        .as_str()
        .expect("masked phone")
        .to_owned();
    assert!(masked_phone.contains('*'), "{masked_phone}");
    let row = csv_text
        .lines()
        .find(|l| l.contains(&reference))
        .expect("the case's row");
    assert!(
        csv_text.contains("举报人（脱敏）") && row.contains("欧**") && row.contains(&masked_phone),
        "{csv_text}"
    );
    let (s, theirs) = get_text(&supervisor, "/api/v1/cases/export.csv?batch=3").await;
    assert_eq!(s, StatusCode::OK);
    assert!(theirs.contains(&reference), "{theirs}");
    assert!(
        !theirs.contains("举报人") && !theirs.contains("欧**") && !theirs.contains(&masked_phone),
        "{theirs}"
    );
    let (s, v) = call(
        &coordinator,
        "GET",
        "/api/v1/cases/export.csv?batch=0",
        None,
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["batch.out_of_range".to_owned()]
        )
    );
    // The same table as a workbook.
    let (s, book) = get_bytes(&coordinator, "/api/v1/cases/export.xlsx?batch=3").await;
    assert_eq!(s, StatusCode::OK);
    use calamine::Reader as _;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(book)).expect("xlsx");
    let sheet = book.worksheet_range("案件清单").expect("sheet");
    let cells: Vec<String> = sheet.cells().map(|(_, _, c)| c.to_string()).collect();
    assert_eq!(cells.first().map(String::as_str), Some("案件编号"));
    assert!(cells.contains(&reference) && cells.iter().any(|c| c.contains("我的电话××××")));
    for pd in [NAME, PHONE, ID, "张先生"] {
        assert!(!cells.iter().any(|c| c.contains(pd)), "workbook leaks {pd}");
    }
    let foreign =
        Client::signed_in(&app, &state, "p.foreign", Role::Handler, Some("gov-3201")).await;
    let (_, theirs) = get_text(&foreign, "/api/v1/cases/export.csv").await;
    assert!(
        !theirs.contains(&reference),
        "exports keep to the jurisdiction"
    );

    // Whatever the public can reach carries no personal data.
    let public = Client::anonymous(&app);
    for (method, path) in duban_server::openapi::operations() {
        let uri = path.replace("{id}", &id).replace("{year}", "2026");
        let (_, body) = get_text_with(&public, &method, &uri).await;
        for pd in [NAME, PHONE, ID] {
            assert!(
                !body.contains(pd),
                "{method} {uri} shows {pd} to the public"
            );
        }
    }

    // Accounts through the API, every change with a reason and an audit entry.
    let (s, made) = call(
        &admin,
        "POST",
        "/api/v1/admin/users",
        Some(
            json!({"username": "wang.wu", "display_name": "王五", "role": "handler",
                    "unit_id": "gov-3211", "password": "first pass", "reason": "新到岗"}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{made}");
    let uid = made["id"].as_str().expect("id").to_owned();
    assert!(made.get("password_hash").is_none());
    let (s, v) = call(
        &admin,
        "POST",
        "/api/v1/admin/users",
        Some(json!({"username": "wang.wu", "role": "leader", "password": "whatever"})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["username.taken".to_owned()]
        )
    );
    let (s, v) = call(
        &admin,
        "POST",
        "/api/v1/admin/users",
        Some(json!({"username": "zhao.liu", "role": "chief", "password": "whatever"})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["role.unknown".to_owned()]
        )
    );
    let wang = {
        let (s, v, cookies) = call_raw(
            &app,
            "POST",
            "/api/v1/auth/login",
            Some(json!({"username": "wang.wu", "password": "first pass"})),
            &[],
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let cookie = cookies[0].split(';').next().expect("cookie").to_owned();
        Client {
            app: app.clone(),
            session: Some((cookie, v["csrf_token"].as_str().expect("csrf").to_owned())),
        }
    };
    assert_eq!(
        call(&wang, "GET", "/api/v1/auth/me", None).await.0,
        StatusCode::OK
    );
    let patch_uri = format!("/api/v1/admin/users/{uid}");
    let (s, v) = call(&admin, "PATCH", &patch_uri, Some(json!({"role": "leader"}))).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["reason.required".to_owned()]
        )
    );
    let (s, v) = call(
        &admin,
        "PATCH",
        &patch_uri,
        Some(json!({"role": "leader", "unit_id": "prov-coord", "reason": "调任"})),
    )
    .await;
    assert_eq!(
        (s, v["role"].as_str()),
        (StatusCode::OK, Some("leader")),
        "{v}"
    );
    assert_eq!(
        call(&wang, "GET", "/api/v1/auth/me", None).await.0,
        StatusCode::OK
    );
    let (s, _) = call(
        &admin,
        "PATCH",
        &patch_uri,
        Some(json!({"disabled": true, "reason": "离职"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        call(&wang, "GET", "/api/v1/auth/me", None).await.0,
        StatusCode::UNAUTHORIZED,
        "disabling ends the sessions"
    );
    let (_, me) = call(&admin, "GET", "/api/v1/auth/me", None).await;
    let (s, v) = call(
        &admin,
        "PATCH",
        &format!("/api/v1/admin/users/{}", me["id"].as_str().expect("id")),
        Some(json!({"role": "leader", "reason": "试试"})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["user.self_lockout".to_owned()]
        )
    );
    let (s, _) = call(
        &admin,
        "PATCH",
        "/api/v1/admin/users/nobody",
        Some(json!({"reason": "x"})),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, users) = call(&admin, "GET", "/api/v1/admin/users", None).await;
    assert!(users.as_array().is_some_and(|u| {
        u.iter()
            .any(|u| u["username"] == "wang.wu" && u["disabled"] == true)
    }));
    let (_, changes) = call(&admin, "GET", "/api/v1/audit?action=user.&q=wang.wu", None).await;
    let reasons: Vec<&str> = changes["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|r| r["reason"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(reasons, ["离职", "调任", "新到岗"]);
    assert!(
        !changes.to_string().contains("first pass"),
        "passwords never reach the trail"
    );

    // Units: add one below 镇江市; the handler's jurisdiction grows with it.
    let (s, unit) = call(
        &admin,
        "POST",
        "/api/v1/admin/units",
        Some(
            json!({"id": "dept-zj-hb", "name": "镇江市生态环境局", "kind": "department",
                    "parent": "gov-3211", "reason": "新增承办单位"}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{unit}");
    assert!(state.subtree("gov-3211").iter().any(|u| u == "dept-zj-hb"));
    let (s, v) = call(
        &admin,
        "POST",
        "/api/v1/admin/units",
        Some(json!({"id": "dept-zj-hb", "name": "重复", "kind": "department", "reason": "x"})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["unit.id_taken".to_owned()]
        )
    );
    let (s, v) = call(
        &admin,
        "PATCH",
        "/api/v1/admin/units/gov-3211",
        Some(json!({"name": "镇江市人民政府", "kind": "government", "parent": "dept-zj-hb", "reason": "x"})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["unit.parent_cycle".to_owned()]
        )
    );
    let (s, v) = call(
        &admin,
        "PATCH",
        "/api/v1/admin/units/dept-zj-hb",
        Some(json!({"name": "镇江市生态环境局（京口）", "kind": "department", "parent": "gov-3211", "reason": "更名"})),
    )
    .await;
    assert_eq!(
        (s, v["name"].as_str()),
        (StatusCode::OK, Some("镇江市生态环境局（京口）"))
    );
    let (_, units) = call(&coordinator, "GET", "/api/v1/units", None).await;
    assert!(units.as_array().is_some_and(|u| {
        u.iter()
            .any(|u| u["id"] == "dept-zj-hb" && u["name"] == "镇江市生态环境局（京口）")
    }));
    let (_, trail) = call(&admin, "GET", "/api/v1/audit?action=unit.", None).await;
    assert_eq!(trail["total"], 2);
}

/// Quick dispatch: routing proposals that explain themselves, a whole batch dispatched in
/// one transaction, misrouting charged to the rule, rules edited as data, the daily
/// clearing view.
async fn quick_dispatch(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    let state = AppState::new(store.clone()).await.expect("state");
    let app = router(state.clone(), None);
    let coordinator = Client::signed_in(
        &app,
        &state,
        "d.coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let admin = Client::signed_in(&app, &state, "d.admin", Role::Admin, None).await;
    let zhenjiang =
        Client::signed_in(&app, &state, "d.zhenjiang", Role::Handler, Some("gov-3211")).await;
    let new_case = |division: &str, content: &str| {
        let mut c = valid_case();
        c["batch_number"] = json!(5);
        c["division"] = json!(division);
        c["content"] = json!(content);
        c.as_object_mut().expect("object").remove("lat");
        c.as_object_mut().expect("object").remove("lon");
        c
    };
    let mut ids = Vec::new();
    for (division, content) in [
        (
            "321102",
            "小区生活污水直排入河，夏天臭味很重，已经持续两个月了。",
        ),
        (
            "320583",
            "开发区某电镀厂夜间排放刺鼻废气，周边居民难以入睡。",
        ),
        ("32", "全省多地秸秆焚烧，烟雾弥漫，希望省里统一督促处理。"),
    ] {
        let (s, v) = call(
            &coordinator,
            "POST",
            "/api/v1/cases",
            Some(new_case(division, content)),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        ids.push(v["id"].as_str().expect("id").to_owned());
    }
    let (a, b, c) = (&ids[0], &ids[1], &ids[2]);

    // One case's proposal, explained.
    let (s, r) = call(
        &coordinator,
        "GET",
        &format!("/api/v1/cases/{a}/routing"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        (r["lead"]["unit"].as_str(), r["lead"]["rule"].as_str()),
        (Some("gov-3211"), Some("lead-city"))
    );
    assert!(
        r["lead"]["explanation"]
            .as_str()
            .is_some_and(|e| e.contains("镇江市京口区属镇江市属地管理")),
        "{r}"
    );
    assert_eq!(r["notify"][0]["unit"], "dept-zjt");
    assert!(
        r["notify"][0]["explanation"]
            .as_str()
            .is_some_and(|e| e.contains("污水"))
    );

    // The whole batch at once: what has a proposal goes, the rest is reported.
    let (s, v) = call(&coordinator, "POST", "/api/v1/dispatch", Some(json!({}))).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["dispatch.selection_required".to_owned()]
        )
    );
    let (s, v) = call(
        &coordinator,
        "POST",
        "/api/v1/dispatch",
        Some(json!({"batch": 5, "note": "按规则批量交办"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let sent: Vec<&str> = v["dispatched"]
        .as_array()
        .expect("list")
        .iter()
        .map(|d| d["lead_unit"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(sent, ["gov-3211", "gov-3205"]);
    assert_eq!(
        (
            v["skipped"][0]["id"].as_str(),
            v["skipped"][0]["code"].as_str()
        ),
        (Some(c.as_str()), Some("routing.no_lead"))
    );
    let (_, case_a) = call(&coordinator, "GET", &format!("/api/v1/cases/{a}"), None).await;
    assert_eq!(
        (case_a["status"].as_str(), &case_a["co_units"]),
        (Some("dispatched"), &json!(["dept-zjt"]))
    );
    assert_eq!(case_a["routed_by"], json!(["lead-city", "notify-housing"]));
    let (_, again) = call(
        &coordinator,
        "POST",
        "/api/v1/dispatch",
        Some(json!({"batch": 5})),
    )
    .await;
    assert_eq!(
        again["dispatched"],
        json!([]),
        "dispatching twice sends nothing new"
    );
    let (_, trail) = call(
        &admin,
        "GET",
        &format!("/api/v1/audit?action=case.dispatch&case_id={a}"),
        None,
    )
    .await;
    assert_eq!(
        (
            trail["total"].as_u64(),
            trail["items"][0]["reason"].as_str()
        ),
        (Some(1), Some("按规则批量交办"))
    );

    // 镇江 returns A as misrouted: the rules that sent it are charged.
    let (s, _) = call(
        &zhenjiang,
        "POST",
        &format!("/api/v1/cases/{a}/actions"),
        Some(json!({"action": "return", "reason": "该小区实际属于句容市管理"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (_, rules) = call(&coordinator, "GET", "/api/v1/routing/rules", None).await;
    let stat = |rule: &str| {
        rules["stats"]
            .as_array()
            .expect("stats")
            .iter()
            .find(|s| s["rule"] == rule)
            .cloned()
            .expect("stat")
    };
    assert_eq!(
        (
            stat("lead-city")["dispatched"].as_u64(),
            stat("lead-city")["returned"].as_u64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(stat("notify-housing")["returned"], 1);
    assert_eq!(stat("lead-city")["misrouting"], false);
    assert!(duban_api::RuleStats::new("x".into(), 10, 3).misrouting);
    // Re-dispatched by hand to a unit no rule proposed: no rule is charged with it.
    let (s, v) = call(
        &coordinator,
        "POST",
        &format!("/api/v1/cases/{a}/actions"),
        Some(json!({"action": "dispatch", "lead_unit": "gov-3201"})),
    )
    .await;
    assert_eq!((s, &v["routed_by"]), (StatusCode::OK, &Value::Null), "{v}");

    // Rules are data an administrator edits, checked against the unit tree.
    let mut edited: Vec<Value> = rules["rules"].as_array().expect("rules").clone();
    let zone_rule = json!({"id": "lead-kunshan-zone", "name": "昆山开发区内由管委会牵头", "kind": "lead",
        "when": {"divisions": ["320583"], "keywords": ["开发区"]}, "then": {"type": "unit", "unit": "zone-kskfq"}});
    edited.insert(0, zone_rule.clone());
    let (s, v) = call(
        &coordinator,
        "PUT",
        "/api/v1/routing/rules",
        Some(json!({"rules": edited, "reason": "x"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = call(
        &admin,
        "PUT",
        "/api/v1/routing/rules",
        Some(json!({"rules": edited})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["reason.required".to_owned()]
        )
    );
    let mut bad = edited.clone();
    bad[0]["then"]["unit"] = json!("zone-nowhere");
    let (s, v) = call(
        &admin,
        "PUT",
        "/api/v1/routing/rules",
        Some(json!({"rules": bad, "reason": "试试"})),
    )
    .await;
    assert_eq!(
        (
            s,
            v["errors"][0]["field"].as_str(),
            v["errors"][0]["code"].as_str()
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("rules[0].then.unit"),
            Some("rule.unit_unknown")
        )
    );
    let (s, v) = call(
        &admin,
        "PUT",
        "/api/v1/routing/rules",
        Some(json!({"rules": edited, "reason": "开发区问题由管委会牵头"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, r) = call(
        &coordinator,
        "GET",
        &format!("/api/v1/cases/{b}/routing"),
        None,
    )
    .await;
    assert_eq!(r["lead"]["unit"], "zone-kskfq");
    let (_, changed) = call(&admin, "GET", "/api/v1/audit?action=routing.update", None).await;
    assert_eq!(changed["items"][0]["reason"], "开发区问题由管委会牵头");
    let restarted = AppState::new(store.clone()).await.expect("state");
    assert_eq!(
        restarted.routing_rules().rules()[0].id,
        "lead-kunshan-zone",
        "edits survive a restart"
    );

    // The daily clearing view, per unit; handlers see their own.
    let (s, view) = call(&coordinator, "GET", "/api/v1/clearing", None).await;
    assert_eq!(s, StatusCode::OK, "{view}");
    let row = |unit: Option<&str>| {
        view["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["unit_id"].as_str() == unit)
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(row(None)["not_dispatched"], 1, "{view}");
    assert_eq!(row(Some("gov-3201"))["not_signed"], 1, "{view}");
    assert_eq!(row(Some("gov-3205"))["not_signed"], 1, "{view}");
    let (_, theirs) = call(&zhenjiang, "GET", "/api/v1/clearing", None).await;
    assert_eq!(
        theirs["rows"],
        json!([]),
        "nothing of 镇江 is open: {theirs}"
    );

    // A batch is all or nothing: a stale change undoes the whole transaction.
    let fresh = store.get_case(b).await.expect("read").expect("case");
    let audit = Who::system().entry(chrono::Utc::now(), "test", None, "", "", Value::Null);
    let before = store
        .audit(&duban_server::store::AuditFilter {
            limit: 1000,
            ..Default::default()
        })
        .await
        .expect("audit")
        .1;
    let change = |expected| duban_server::store::Change {
        expected,
        case: &fresh,
        events: &[],
        audit: &audit,
        counters: &[],
    };
    let result = store
        .update_cases(&[change(fresh.version()), change(fresh.version() + 7)])
        .await;
    assert!(
        matches!(
            result,
            Err(duban_server::store::StoreError::Conflict { .. })
        ),
        "{result:?}"
    );
    let after = store
        .audit(&duban_server::store::AuditFilter {
            limit: 1000,
            ..Default::default()
        })
        .await
        .expect("audit")
        .1;
    assert_eq!(before, after, "the first change was rolled back");
}

/// A one-pixel PNG.
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

/// Upload a file as the browser does: raw bytes, a type and a percent-encoded name.
async fn upload(
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

/// Follow-up supervision of a key case: supervisor, order with its clock, answer by the
/// unit, on-site visit with a photo, reports reviewed one by one.
async fn follow_up_supervision(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    let state = AppState::new(store).await.expect("state");
    let app = router(state.clone(), None);
    let coordinator = Client::signed_in(
        &app,
        &state,
        "s.coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let supervisor = Client::signed_in(
        &app,
        &state,
        "s.supervisor",
        Role::Supervisor,
        Some("prov-coord"),
    )
    .await;
    let other_sup = Client::signed_in(
        &app,
        &state,
        "s.other",
        Role::Supervisor,
        Some("prov-coord"),
    )
    .await;
    let zhenjiang =
        Client::signed_in(&app, &state, "s.zhenjiang", Role::Handler, Some("gov-3211")).await;
    let leader =
        Client::signed_in(&app, &state, "s.leader", Role::Leader, Some("prov-coord")).await;

    let mut key = valid_case();
    key["key_classes"] = json!(["inspection_key"]);
    let (_, created) = call(&coordinator, "POST", "/api/v1/cases", Some(key)).await;
    let id = created["id"].as_str().expect("id").to_owned();
    let (_, plain) = call(&coordinator, "POST", "/api/v1/cases", Some(valid_case())).await;
    let plain_id = plain["id"].as_str().expect("id").to_owned();
    call(
        &coordinator,
        "POST",
        &format!("/api/v1/cases/{id}/actions"),
        Some(json!({"action": "dispatch", "lead_unit": "gov-3211"})),
    )
    .await;
    let sup_uri = format!("/api/v1/cases/{id}/supervision");

    let (s, v) = call(
        &coordinator,
        "POST",
        &format!("/api/v1/cases/{plain_id}/supervision"),
        Some(json!({"action": "assign", "supervisor": "s.supervisor"})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["case.not_key".to_owned()]
        )
    );
    let (s, v) = call(
        &coordinator,
        "POST",
        &sup_uri,
        Some(json!({"action": "assign", "supervisor": "nobody"})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["supervisor.unknown".to_owned()]
        )
    );
    let (s, v) = call(
        &supervisor,
        "POST",
        &sup_uri,
        Some(json!({"action": "assign", "supervisor": "s.supervisor"})),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "supervisors do not assign themselves: {v}"
    );
    let (s, v) = call(
        &coordinator,
        "POST",
        &sup_uri,
        Some(json!({"action": "assign", "supervisor": "s.supervisor"})),
    )
    .await;
    assert_eq!(
        (s, v["supervision"]["supervisor"].as_str()),
        (StatusCode::OK, Some("s.supervisor")),
        "{v}"
    );

    // Only the named supervisor issues the order; its number and clock come from the server.
    let order = json!({"action": "issue_order", "target_unit": "gov-3211",
        "demands": "请于3个工作日内查明偷排情况并报送整改方案", "amount": 3, "unit": "working_days"});
    let (s, _) = call(&other_sup, "POST", &sup_uri, Some(order.clone())).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = call(&supervisor, "POST", &sup_uri, Some(order.clone())).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let number = v["supervision"]["orders"][0]["number"]
        .as_str()
        .expect("number")
        .to_owned();
    assert!(
        number.starts_with("苏督〔") && number.ends_with("1号"),
        "{number}"
    );
    assert_eq!(
        v["supervision"]["orders"][0]["clock"]["stage"],
        "supervision_order"
    );
    let mut bad = order.clone();
    bad["target_unit"] = json!("gov-9999");
    let (s, v) = call(&supervisor, "POST", &sup_uri, Some(bad)).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["unit.unknown".to_owned()]
        )
    );

    // The unit answers; the supervisor accepts.
    let (s, v) = call(&zhenjiang, "POST", &sup_uri, Some(json!({"action": "answer_order", "number": number, "answer": "已现场查处，企业停产整改。"}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["supervision"]["orders"][0]["clock"]["stopped_at"].is_string());
    let (s, _) = call(
        &supervisor,
        "POST",
        &sup_uri,
        Some(json!({"action": "close_order", "number": number, "accept": true})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);

    // A photo: type and size are checked against the bytes.
    let files = format!("/api/v1/cases/{id}/attachments");
    let (s, v) = upload(&supervisor, &files, b"not an image", "image/jpeg", "x.jpg").await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["file.type_mismatch".to_owned()]
        )
    );
    let (s, v) = upload(
        &supervisor,
        &files,
        b"MZ\x90\0",
        "application/x-msdownload",
        "x.exe",
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["file.type_unsupported".to_owned()]
        )
    );
    let big = vec![0xFFu8; duban_api::ATTACHMENT_MAX_BYTES + 1];
    let (s, _) = upload(&supervisor, &files, &big, "image/jpeg", "big.jpg").await;
    assert!(
        s == StatusCode::UNPROCESSABLE_ENTITY || s == StatusCode::PAYLOAD_TOO_LARGE,
        "{s}"
    );
    let (s, photo) = upload(
        &supervisor,
        &files,
        PNG,
        "image/png",
        "%E7%8E%B0%E5%9C%BA.png",
    )
    .await;
    assert_eq!(
        (s, photo["name"].as_str()),
        (StatusCode::CREATED, Some("现场.png")),
        "{photo}"
    );
    let photo_id = photo["id"].as_str().expect("id").to_owned();
    let (s, bytes) = get_text(&zhenjiang, &format!("/api/v1/attachments/{photo_id}")).await;
    assert_eq!(
        (s, bytes.len()),
        (StatusCode::OK, String::from_utf8_lossy(PNG).len())
    );
    let nanjing =
        Client::signed_in(&app, &state, "s.nanjing", Role::Handler, Some("gov-3201")).await;
    let (s, _) = get_text(&nanjing, &format!("/api/v1/attachments/{photo_id}")).await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "files keep to the case's jurisdiction"
    );

    let visit = json!({"action": "record_visit", "date": "2025-06-04", "inspectors": ["李明", "王芳"],
        "findings": "现场发现企业雨水排口有废水外排痕迹，已取样送检。", "finding": "substantiated",
        "attachments": [photo_id]});
    let (s, v) = call(&supervisor, "POST", &sup_uri, Some(visit)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v["supervision"]["visits"][0]["attachments"][0]["name"],
        "现场.png"
    );

    // Reports, reviewed one by one; the leader only reads.
    let (s, _) = call(&zhenjiang, "POST", &sup_uri, Some(json!({"action": "submit_report", "kind": "progress", "text": "企业已停产，正在拆除违规管道。"}))).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = call(
        &supervisor,
        "POST",
        &sup_uri,
        Some(json!({"action": "review_report", "report": 1, "approve": false})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["comments.required".to_owned()]
        )
    );
    let (s, _) = call(&supervisor, "POST", &sup_uri, Some(json!({"action": "review_report", "report": 1, "approve": false, "comments": "请附整改照片"}))).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = call(
        &leader,
        "POST",
        &sup_uri,
        Some(json!({"action": "review_report", "report": 1, "approve": true})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, view) = call(&leader, "GET", &sup_uri, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(view["allowed"], json!([]));
    let kinds: Vec<&str> = view["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["type"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        kinds,
        [
            "supervisor_assigned",
            "order_issued",
            "order_answered",
            "order_closed",
            "visit_recorded",
            "report_submitted",
            "report_reviewed"
        ]
    );
    let (_, trail) = call(
        &coordinator,
        "GET",
        &format!("/api/v1/cases/{id}/audit"),
        None,
    )
    .await;
    let actions: Vec<&str> = trail
        .as_array()
        .expect("trail")
        .iter()
        .map(|r| r["action"].as_str().unwrap_or(""))
        .collect();
    assert!(
        actions.contains(&"supervision.review_report") && actions.contains(&"attachment.upload"),
        "{actions:?}"
    );
}

/// Horizontal referral: a department sees what was referred to it, acknowledges, talks in
/// a thread, answers by its deadline; joint handling brings in a co-handler.
async fn horizontal_referral(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    let state = AppState::new(store).await.expect("state");
    let app = router(state.clone(), None);
    let coordinator = Client::signed_in(
        &app,
        &state,
        "r.coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let housing =
        Client::signed_in(&app, &state, "r.housing", Role::Handler, Some("dept-zjt")).await;
    let water = Client::signed_in(&app, &state, "r.water", Role::Handler, Some("dept-slt")).await;
    let zhenjiang =
        Client::signed_in(&app, &state, "r.zhenjiang", Role::Handler, Some("gov-3211")).await;
    let (_, created) = call(&coordinator, "POST", "/api/v1/cases", Some(valid_case())).await;
    let id = created["id"].as_str().expect("id").to_owned();
    call(
        &coordinator,
        "POST",
        &format!("/api/v1/cases/{id}/actions"),
        Some(json!({"action": "dispatch", "lead_unit": "gov-3211"})),
    )
    .await;
    let case_uri = format!("/api/v1/cases/{id}");
    assert_eq!(
        call(&housing, "GET", &case_uri, None).await.0,
        StatusCode::NOT_FOUND
    );

    let send = |to: &str| {
        json!({"action": "send", "from_unit": "prov-coord", "to_unit": to,
        "subject": "小区生活污水直排", "text": "请住建厅协同核查该小区雨污管网混接问题。", "amount": 2, "unit": "working_days"})
    };
    let refs = format!("/api/v1/cases/{id}/referrals");
    let (s, v) = call(&coordinator, "POST", &refs, Some(send("dept-nowhere"))).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["unit.unknown".to_owned()]
        )
    );
    let (s, v) = call(&coordinator, "POST", &refs, Some(send("prov-coord"))).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["to_unit.same_as_sender".to_owned()]
        )
    );
    let (s, v) = call(&coordinator, "POST", &refs, Some(send("dept-zjt"))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["referral"]["clock"]["stage"], "referral");
    let rid = v["referral"]["id"].as_str().expect("id").to_owned();
    let r_uri = format!("/api/v1/referrals/{rid}");

    // The department now sees the case, in its list and its referral inbox.
    assert_eq!(
        call(&housing, "GET", &case_uri, None).await.0,
        StatusCode::OK
    );
    assert_eq!(total(&housing).await, 1);
    let (_, inbox) = call(&housing, "GET", "/api/v1/referrals", None).await;
    assert_eq!(
        (inbox[0]["referral"]["id"].as_str(), &inbox[0]["allowed"]),
        (Some(rid.as_str()), &json!(["acknowledge", "reply"]))
    );
    assert_eq!(
        call(&water, "GET", &r_uri, None).await.0,
        StatusCode::NOT_FOUND
    );
    let (s, _) = call(
        &zhenjiang,
        "POST",
        &r_uri,
        Some(json!({"action": "acknowledge"})),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "the lead unit is not a party");

    let (s, v) = call(
        &housing,
        "POST",
        &r_uri,
        Some(json!({"action": "answer", "text": "已核查"})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["referral.wrong_state".to_owned()]
        )
    );
    assert_eq!(
        call(
            &housing,
            "POST",
            &r_uri,
            Some(json!({"action": "acknowledge"}))
        )
        .await
        .0,
        StatusCode::OK
    );
    assert_eq!(
        call(
            &housing,
            "POST",
            &r_uri,
            Some(json!({"action": "reply", "text": "需要水利厅配合排查排口"}))
        )
        .await
        .0,
        StatusCode::OK
    );
    let (s, v) = call(
        &housing,
        "POST",
        &r_uri,
        Some(json!({"action": "close", "summary": "结束"})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "not answered yet: {v}");
    let (s, v) = call(
        &coordinator,
        "POST",
        &r_uri,
        Some(json!({"action": "set_joint", "lead": "dept-zjt", "co_handlers": ["dept-slt"]})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        call(&water, "GET", &case_uri, None).await.0,
        StatusCode::OK,
        "co-handlers see the case"
    );
    assert_eq!(
        call(
            &water,
            "POST",
            &r_uri,
            Some(json!({"action": "reply", "text": "水利厅已安排排口排查"}))
        )
        .await
        .0,
        StatusCode::OK
    );
    let (s, v) = call(
        &housing,
        "POST",
        &r_uri,
        Some(json!({"action": "answer", "text": "管网混接点已封堵，限期一月完成改造。"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["referral"]["clock"]["stopped_at"].is_string());
    let (s, _) = call(
        &housing,
        "POST",
        &r_uri,
        Some(json!({"action": "close", "summary": "结束"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the sender closes");
    let (s, v) = call(
        &coordinator,
        "POST",
        &r_uri,
        Some(json!({"action": "close", "summary": "住建厅牵头完成整改"})),
    )
    .await;
    assert_eq!(
        (s, v["referral"]["status"].as_str()),
        (StatusCode::OK, Some("closed"))
    );

    // All of it is on the case: its referrals, their events, the audit trail.
    let (_, list) = call(&zhenjiang, "GET", &refs, None).await;
    assert_eq!(list[0]["events"].as_array().map(Vec::len), Some(7));
    assert_eq!(list[0]["allowed"], json!([]));
    let (_, trail) = call(
        &coordinator,
        "GET",
        &format!("/api/v1/cases/{id}/audit"),
        None,
    )
    .await;
    let actions: Vec<&str> = trail
        .as_array()
        .expect("trail")
        .iter()
        .map(|r| r["action"].as_str().unwrap_or(""))
        .collect();
    assert!(
        actions.contains(&"referral.sent") && actions.contains(&"referral.closed"),
        "{actions:?}"
    );
}

/// Emergency linkage: an incident declared from a case links the plan's departments
/// with minute clocks; they acknowledge and report; escalation adds departments; the
/// board is cheap to poll; closing needs a summary; plans are data.
async fn emergency_linkage(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    let state = AppState::new(store).await.expect("state");
    let app = router(state.clone(), None);
    let coordinator = Client::signed_in(
        &app,
        &state,
        "e.coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let admin = Client::signed_in(&app, &state, "e.admin", Role::Admin, None).await;
    let env = Client::signed_in(&app, &state, "e.env", Role::Handler, Some("dept-sthjt")).await;
    let zhenjiang =
        Client::signed_in(&app, &state, "e.zhenjiang", Role::Handler, Some("gov-3211")).await;
    let (_, created) = call(&coordinator, "POST", "/api/v1/cases", Some(valid_case())).await;
    let id = created["id"].as_str().expect("id").to_owned();

    let declare = json!({"action": "declare", "title": "化工园区废水泄漏入河", "incident_type": "water_pollution",
        "severity": "III", "division": "321102", "address": "京口区某化工园区排口"});
    let (s, v) = call(
        &zhenjiang,
        "POST",
        "/api/v1/incidents",
        Some(declare.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let mut bad = declare.clone();
    bad["severity"] = json!("V");
    let (s, v) = call(
        &coordinator,
        "POST",
        &format!("/api/v1/cases/{id}/incidents"),
        Some(bad),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["severity.invalid".to_owned()]
        )
    );
    let (s, v) = call(
        &coordinator,
        "POST",
        &format!("/api/v1/cases/{id}/incidents"),
        Some(declare),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["incident"]["plan_id"], "water");
    let units: Vec<&str> = v["incident"]["linkages"]
        .as_array()
        .expect("linkages")
        .iter()
        .map(|l| l["unit"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(units, ["dept-sthjt", "dept-slt", "dept-xfj"]);
    assert_eq!(
        v["incident"]["linkages"][0]["clock"]["stage"],
        "emergency_ack"
    );
    let iid = v["incident"]["id"].as_str().expect("id").to_owned();
    let uri = format!("/api/v1/incidents/{iid}");

    // The linked department sees the incident and its case, acknowledges and reports.
    let (_, mine) = call(&env, "GET", "/api/v1/incidents", None).await;
    assert_eq!(mine[0]["id"].as_str(), Some(iid.as_str()));
    assert_eq!(
        call(&env, "GET", &format!("/api/v1/cases/{id}"), None)
            .await
            .0,
        StatusCode::OK
    );
    let (_, board) = call(&env, "GET", &uri, None).await;
    assert_eq!(
        (&board["allowed"], &board["my_units"]),
        (&json!(["acknowledge", "report"]), &json!(["dept-sthjt"]))
    );
    let (s, _) = call(
        &env,
        "POST",
        &uri,
        Some(json!({"action": "acknowledge", "unit": "dept-slt"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "only for its own unit");
    assert_eq!(
        call(
            &env,
            "POST",
            &uri,
            Some(json!({"action": "acknowledge", "unit": "dept-sthjt"}))
        )
        .await
        .0,
        StatusCode::OK
    );
    let (s, v) = call(&env, "POST", &uri, Some(json!({"action": "report", "unit": "dept-sthjt", "text": "已在下游500米处设置监测点，COD超标3倍。"}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["incident"]["linkages"][0]["acknowledged_at"].is_string());
    assert_eq!(
        call(&zhenjiang, "GET", &uri, None).await.0,
        StatusCode::NOT_FOUND
    );

    // Polling: an unchanged board is a 304.
    let (s, answer, _) = exchange(&app, env.session.as_ref(), "GET", &uri, &[], None).await;
    let etag = answer
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert_eq!((s, etag.as_str()), (StatusCode::OK, "\"v3\""));
    let (s, _) = call_with(&env, "GET", &uri, None, &[("if-none-match", &etag)]).await;
    assert_eq!(s, StatusCode::NOT_MODIFIED);

    // Escalation adds the graver plan's departments.
    let (s, _) = call(
        &env,
        "POST",
        &uri,
        Some(json!({"action": "escalate", "severity": "II"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = call(
        &coordinator,
        "POST",
        &uri,
        Some(json!({"action": "escalate", "severity": "II"})),
    )
    .await;
    assert_eq!(
        (s, v["incident"]["linkages"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(6))
    );
    let (s, v) = call(
        &coordinator,
        "POST",
        &uri,
        Some(json!({"action": "close", "summary": "已处置"})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["summary.too_short".to_owned()]
        )
    );
    let (s, v) = call(&coordinator, "POST", &uri, Some(json!({"action": "close", "summary": "泄漏点已封堵，下游水质于次日恢复达标，责任企业已立案调查。"}))).await;
    assert_eq!(
        (s, v["incident"]["status"].as_str(), &v["allowed"]),
        (StatusCode::OK, Some("closed"), &json!([]))
    );
    let kinds: Vec<&str> = v["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["type"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        kinds,
        [
            "declared",
            "acknowledged",
            "reported",
            "escalated",
            "closed"
        ]
    );

    // Plans are data, checked against the unit tree, edited with a reason.
    let (_, plans) = call(&coordinator, "GET", "/api/v1/emergency/plans", None).await;
    let mut edited = plans.as_array().expect("plans").clone();
    edited.reverse();
    let mut bad = edited.clone();
    bad[0]["departments"][0]["unit"] = json!("dept-nowhere");
    let (s, v) = call(
        &admin,
        "PUT",
        "/api/v1/emergency/plans",
        Some(json!({"plans": bad, "reason": "试试"})),
    )
    .await;
    assert_eq!(
        (
            s,
            v["errors"][0]["field"].as_str(),
            v["errors"][0]["code"].as_str()
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("plans[0].departments[0].unit"),
            Some("plan.unit_unknown")
        )
    );
    let (s, _) = call(
        &admin,
        "PUT",
        "/api/v1/emergency/plans",
        Some(json!({"plans": edited, "reason": "通用预案优先"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (_, plans) = call(&coordinator, "GET", "/api/v1/emergency/plans", None).await;
    assert_eq!(plans[0]["id"], "general");
    let (_, trail) = call(&admin, "GET", "/api/v1/audit?action=emergency.", None).await;
    assert_eq!(trail["items"][0]["reason"], "通用预案优先");
}

/// The SLA sweeper: each escalation step fires once per clock, a sweep after downtime
/// catches up, two sweepers racing fire nothing twice; the inbox shows what waits.
async fn sla_sweeper(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    use std::sync::Mutex;
    let t0: chrono::DateTime<chrono::Utc> = "2025-06-03T01:30:00Z".parse().expect("time");
    let clock = Arc::new(Mutex::new(t0 + chrono::TimeDelta::minutes(1)));
    let c2 = clock.clone();
    let state = AppState::with_clock(store, Arc::new(move || *c2.lock().expect("clock")))
        .await
        .expect("state");
    let set = |t: chrono::DateTime<chrono::Utc>| *clock.lock().expect("clock") = t;
    let app = router(state.clone(), None);
    let coordinator = Client::signed_in(
        &app,
        &state,
        "w.coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    // Accounts used after the clock moves (sessions expire; they sign in again).
    let _ = Client::signed_in(&app, &state, "w.admin", Role::Admin, None).await;
    let _ = Client::signed_in(&app, &state, "w.zhenjiang", Role::Handler, Some("gov-3211")).await;
    let _ = Client::signed_in(
        &app,
        &state,
        "w.supervisor",
        Role::Supervisor,
        Some("prov-coord"),
    )
    .await;
    let _ = Client::signed_in(&app, &state, "w.leader", Role::Leader, Some("prov-coord")).await;
    let (_, created) = call(&coordinator, "POST", "/api/v1/cases", Some(valid_case())).await;
    let id = created["id"].as_str().expect("id").to_owned();
    let dispatch_due: chrono::DateTime<chrono::Utc> = created["clocks"]
        .as_array()
        .expect("clocks")
        .iter()
        .find(|c| c["stage"] == "dispatch")
        .and_then(|c| c["due_at"].as_str())
        .expect("dispatch clock")
        .parse()
        .expect("time");
    let steps_of = |events: &Value| -> Vec<String> {
        events
            .as_array()
            .expect("events")
            .iter()
            .filter(|e| e["type"] == "escalated" && e["stage"] == "dispatch")
            .map(|e| e["step"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    let events_uri = format!("/api/v1/cases/{id}/events");

    assert_eq!(
        state.sweep(state.now()).await.expect("sweep").steps,
        0,
        "nothing due yet"
    );
    // 90% of the time used: the reminder, once.
    set(t0 + (dispatch_due - t0) * 9 / 10);
    let coordinator = Client::login(&app, "w.coordinator").await;
    let r = state.sweep(state.now()).await.expect("sweep");
    assert!(r.steps >= 1, "{r:?}");
    assert_eq!(
        state.sweep(state.now()).await.expect("sweep").steps,
        0,
        "fired once"
    );
    assert_eq!(
        steps_of(&call(&coordinator, "GET", &events_uri, None).await.1),
        ["remind"]
    );

    // Down for three limits: the sweep catches up on every step passed, each once.
    set(t0 + (dispatch_due - t0) * 3);
    let (coordinator, admin, zhenjiang) = (
        Client::login(&app, "w.coordinator").await,
        Client::login(&app, "w.admin").await,
        Client::login(&app, "w.zhenjiang").await,
    );
    let (s, r) = call(&admin, "POST", "/api/v1/admin/sweep", None).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (_, events) = call(&coordinator, "GET", &events_uri, None).await;
    assert_eq!(
        steps_of(&events),
        ["remind", "chase", "supervise", "summon"]
    );
    let chase = events
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["step"] == "chase")
        .expect("chase");
    assert_eq!(
        chase["reached_at"]
            .as_str()
            .map(|t| t.parse::<chrono::DateTime<chrono::Utc>>().ok()),
        Some(Some(dispatch_due))
    );
    let (_, trail) = call(
        &coordinator,
        "GET",
        &format!("/api/v1/cases/{id}/audit"),
        None,
    )
    .await;
    assert!(
        trail
            .as_array()
            .expect("trail")
            .iter()
            .any(|r| r["action"] == "case.escalate" && r["actor"] == "system")
    );

    // The coordinators' inbox shows it, with its highest step.
    let (_, inbox) = call(&coordinator, "GET", "/api/v1/inbox", None).await;
    let item = inbox["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == id.as_str() && i["action"] == "dispatch")
        .cloned()
        .expect("in the inbox");
    assert_eq!(item["escalation"].as_str(), Some("summon"));
    // A key case registered at the same time has climbed as far. Without a supervisor,
    // its supervise step waits for the coordinators to name one; the supervisors are not
    // asked for what they cannot act on.
    let mut key: duban_case::draft::CaseDraft =
        serde_json::from_value(valid_case()).expect("draft");
    key.key_classes = vec!["inspection_key".into()];
    let key_id = state
        .create_case_at(
            &key,
            &duban_server::service::Who::system(),
            t0 + chrono::TimeDelta::minutes(1),
        )
        .await
        .expect("key case")
        .id()
        .to_string();
    state.sweep(state.now()).await.expect("catch-up sweep");
    let actions_for = async |who: &str| -> Vec<String> {
        let c = Client::login(&app, who).await;
        let (_, inbox) = call(&c, "GET", "/api/v1/inbox", None).await;
        inbox["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|i| i["id"] == key_id.as_str())
            .map(|i| i["action"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    assert!(
        actions_for("w.coordinator")
            .await
            .contains(&"assign_supervisor".to_owned())
    );
    assert!(actions_for("w.supervisor").await.is_empty());
    let coordinator = Client::login(&app, "w.coordinator").await;
    let (s, v) = call(
        &coordinator,
        "POST",
        &format!("/api/v1/cases/{key_id}/supervision"),
        Some(json!({"action": "assign", "supervisor": "w.supervisor"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(
        !actions_for("w.coordinator")
            .await
            .contains(&"assign_supervisor".to_owned())
    );
    assert!(inbox["overdue"].as_u64() >= Some(1));
    assert_eq!(
        call(&zhenjiang, "GET", "/api/v1/inbox", None).await.1["total"],
        0
    );
    // Escalated past 150% to its supervisor and past 200% to the leaders.
    for (who, case, action) in [
        ("w.supervisor", &key_id, "supervise_overdue"),
        ("w.leader", &id, "summon"),
    ] {
        let c = Client::login(&app, who).await;
        let (_, inbox) = call(&c, "GET", "/api/v1/inbox", None).await;
        assert!(
            inbox["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|i| i["id"] == case.as_str() && i["action"] == action),
            "{who}: {inbox}"
        );
    }
    call(
        &coordinator,
        "POST",
        &format!("/api/v1/cases/{id}/actions"),
        Some(json!({"action": "dispatch", "lead_unit": "gov-3211"})),
    )
    .await;
    let (_, theirs) = call(&zhenjiang, "GET", "/api/v1/inbox", None).await;
    assert_eq!(
        (
            theirs["total"].as_u64(),
            theirs["items"][0]["action"].as_str(),
            theirs["items"][0].get("escalation")
        ),
        (Some(1), Some("sign_for"), None),
        "dispatched: a new clock, not yet escalated"
    );
    // Once dispatched, the case is no longer escalated to the leaders.
    let leader = Client::login(&app, "w.leader").await;
    let (_, inbox) = call(&leader, "GET", "/api/v1/inbox", None).await;
    assert!(!inbox.to_string().contains(id.as_str()), "{inbox}");

    // Two sweepers racing over a batch of due cases fire every step exactly once.
    let mut ids = Vec::new();
    set(t0 + chrono::TimeDelta::minutes(1));
    let coordinator = Client::login(&app, "w.coordinator").await;
    for _ in 0..6 {
        let (_, v) = call(&coordinator, "POST", "/api/v1/cases", Some(valid_case())).await;
        ids.push(v["id"].as_str().expect("id").to_owned());
    }
    set(t0 + (dispatch_due - t0) * 3);
    let coordinator = Client::login(&app, "w.coordinator").await;
    let (a, b) = tokio::join!(state.sweep(state.now()), state.sweep(state.now()));
    let (a, b) = (a.expect("sweep a"), b.expect("sweep b"));
    assert!(a.steps + b.steps >= 24, "{a:?} {b:?}");
    for id in &ids {
        let (_, events) = call(
            &coordinator,
            "GET",
            &format!("/api/v1/cases/{id}/events"),
            None,
        )
        .await;
        assert_eq!(
            steps_of(&events),
            ["remind", "chase", "supervise", "summon"],
            "case {id}"
        );
    }
}

/// Extensions: the handler asks, a coordinator grants or refuses; both in the inbox.
async fn extension_requests(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    let state = AppState::new(store).await.expect("state");
    let app = router(state.clone(), None);
    let coordinator = Client::signed_in(
        &app,
        &state,
        "x.coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let handler =
        Client::signed_in(&app, &state, "x.handler", Role::Handler, Some("gov-3211")).await;
    let (_, created) = call(&coordinator, "POST", "/api/v1/cases", Some(valid_case())).await;
    let id = created["id"].as_str().expect("id").to_owned();
    let act = format!("/api/v1/cases/{id}/actions");
    call(
        &coordinator,
        "POST",
        &act,
        Some(json!({"action": "dispatch", "lead_unit": "gov-3211"})),
    )
    .await;
    let (s, v) = call(&handler, "POST", &act, Some(json!({"action": "sign_for"}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let due_before = v["clocks"]
        .as_array()
        .expect("clocks")
        .iter()
        .find(|c| c["stage"] == "report")
        .expect("report clock")["due_at"]
        .clone();

    let ask = json!({"action": "request_extension", "amount": 5, "unit": "working_days", "reason": "需要等待第三方监测报告"});
    let (s, _) = call(
        &handler,
        "POST",
        &act,
        Some(
            json!({"action": "extend", "amount": 5, "unit": "working_days", "reason": "自己延期"}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "handlers ask, they do not extend");
    let (s, v) = call(
        &handler,
        "POST",
        &act,
        Some(json!({"action": "request_extension", "amount": 5, "unit": "working_days"})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["reason.required".to_owned()]
        )
    );
    let (s, v) = call(&handler, "POST", &act, Some(ask.clone())).await;
    assert_eq!(
        (s, v["pending_extension"]["reason"].as_str()),
        (StatusCode::OK, Some("需要等待第三方监测报告")),
        "{v}"
    );
    assert_eq!(
        v["allowed_actions"]
            .as_array()
            .map(|a| a.contains(&json!("request_extension"))),
        Some(false)
    );
    let (_, inbox) = call(&coordinator, "GET", "/api/v1/inbox", None).await;
    assert!(
        inbox["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|i| i["id"] == id.as_str() && i["action"] == "decide_extension"),
        "{inbox}"
    );

    let (s, v) = call(
        &coordinator,
        "POST",
        &act,
        Some(json!({"action": "refuse_extension", "reason": "理由不充分，请按期办结"})),
    )
    .await;
    assert_eq!(
        (s, &v["pending_extension"]),
        (StatusCode::OK, &Value::Null),
        "{v}"
    );
    let (s, _) = call(&handler, "POST", &act, Some(ask)).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = call(
        &coordinator,
        "POST",
        &act,
        Some(
            json!({"action": "extend", "amount": 5, "unit": "working_days", "reason": "同意延期"}),
        ),
    )
    .await;
    assert_eq!(
        (s, &v["pending_extension"]),
        (StatusCode::OK, &Value::Null),
        "{v}"
    );
    let due_after = v["clocks"]
        .as_array()
        .expect("clocks")
        .iter()
        .find(|c| c["stage"] == "report")
        .expect("report clock")["due_at"]
        .clone();
    assert_ne!(due_before, due_after, "the deadline moved");
    let first_contact = |v: &Value| {
        v["clocks"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["stage"] == "first_contact"))
            .map(|c| c["extensions"].clone())
    };
    assert_eq!(
        first_contact(&v),
        Some(json!(0)),
        "the notice owed to the complainant is not postponed"
    );
    let (_, events) = call(
        &coordinator,
        "GET",
        &format!("/api/v1/cases/{id}/events"),
        None,
    )
    .await;
    let kinds: Vec<&str> = events
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["type"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        &kinds[3..],
        [
            "extension_requested",
            "extension_refused",
            "extension_requested",
            "extended"
        ]
    );

    // Administrators edit rule sets; running clocks keep their limits, new ones use the edit.
    let admin = Client::signed_in(&app, &state, "x.admin", Role::Admin, None).await;
    let (_, sets) = call(&admin, "GET", "/api/v1/sla/rule-sets", None).await;
    let mut set = sets
        .as_array()
        .expect("sets")
        .iter()
        .find(|s| s["id"] == "inspection_transfer")
        .cloned()
        .expect("set");
    for r in set["rules"].as_array_mut().expect("rules") {
        if r["stage"] == "dispatch" {
            r["limit"] = json!({"amount": 2, "unit": "hours"});
        }
    }
    let uri = "/api/v1/sla/rule-sets/inspection_transfer";
    let (s, v) = call(
        &admin,
        "PUT",
        uri,
        Some(json!({"rule_set": set, "reason": ""})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["reason.required".to_owned()]
        )
    );
    let mut bad = set.clone();
    bad["warn_percent"] = json!(0);
    let (s, v) = call(
        &admin,
        "PUT",
        uri,
        Some(json!({"rule_set": bad, "reason": "试试"})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["rule_set.warn_percent.out_of_range".to_owned()]
        )
    );
    let (s, v) = call(
        &coordinator,
        "PUT",
        uri,
        Some(json!({"rule_set": set, "reason": "加快分办"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = call(
        &admin,
        "PUT",
        uri,
        Some(json!({"rule_set": set, "reason": "加快分办"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, old) = call(&coordinator, "GET", &format!("/api/v1/cases/{id}"), None).await;
    let old_dispatch = old["clocks"]
        .as_array()
        .expect("clocks")
        .iter()
        .find(|c| c["stage"] == "dispatch")
        .cloned()
        .expect("clock");
    assert_eq!(
        old_dispatch["limit"],
        json!({"amount": 24, "unit": "hours"}),
        "started clocks keep their limit"
    );
    let (_, fresh) = call(&coordinator, "POST", "/api/v1/cases", Some(valid_case())).await;
    let dispatch = fresh["clocks"]
        .as_array()
        .expect("clocks")
        .iter()
        .find(|c| c["stage"] == "dispatch")
        .cloned()
        .expect("clock");
    assert_eq!(
        dispatch["limit"],
        json!({"amount": 2, "unit": "hours"}),
        "new clocks use the edit"
    );
}

async fn get_text(client: &Client, uri: &str) -> (StatusCode, String) {
    get_text_with(client, "GET", uri).await
}

/// A GET whose answer is read as bytes (a workbook).
async fn get_bytes(client: &Client, uri: &str) -> (StatusCode, Vec<u8>) {
    let (status, _, bytes) =
        exchange(&client.app, client.session.as_ref(), "GET", uri, &[], None).await;
    (status, bytes)
}

/// A request whose answer is read as text (CSV, HTML).
async fn get_text_with(client: &Client, method: &str, uri: &str) -> (StatusCode, String) {
    let (status, _, bytes) =
        exchange(&client.app, client.session.as_ref(), method, uri, &[], None).await;
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// Run a scenario on a fresh SQLite database in a temporary folder.
async fn on_sqlite<F: std::future::Future<Output = ()>>(
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
async fn on_postgres<F: std::future::Future<Output = ()>>(
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

#[tokio::test]
async fn story_on_sqlite() {
    on_sqlite(story).await;
}

#[tokio::test]
async fn story_on_postgres() {
    on_postgres("story", story).await;
}

#[tokio::test]
async fn accounts_on_sqlite() {
    on_sqlite(accounts).await;
}

#[tokio::test]
async fn accounts_on_postgres() {
    on_postgres("accounts test", accounts).await;
}

#[tokio::test]
async fn privacy_and_audit_on_sqlite() {
    on_sqlite(privacy_and_audit).await;
}

#[tokio::test]
async fn privacy_and_audit_on_postgres() {
    on_postgres("privacy and audit test", privacy_and_audit).await;
}

/// Everything every test of this binary logs, at debug level and above: one global
/// subscriber (a scoped one misses events whose callsites other threads registered).
fn captured_logs() -> &'static std::sync::Mutex<Vec<u8>> {
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

/// The logs of the privacy scenario (and of every other test so far) hold no personal data.
#[tokio::test]
async fn logs_carry_no_personal_data() {
    on_sqlite(privacy_and_audit).await;
    let logs = String::from_utf8_lossy(&captured_logs().lock().expect("lock")).into_owned();
    assert!(logs.contains("/api/v1/cases"), "the requests were logged");
    assert!(
        logs.contains("request_id="),
        "the log lines carry request ids"
    );
    for pd in [
        "欧阳明远",
        "13955501234",
        "11010519491231002X",
        "110105194912310021",
    ] {
        assert!(!logs.contains(pd), "the log shows {pd}");
    }
}

/// Many clients change one case at once, each with the version it read: every change
/// either lands on that version or is refused (409, with the current state), never
/// lost, and the log is a valid history of exactly the changes that landed.
async fn concurrent_changes(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    let state = AppState::new(store).await.expect("state");
    let router_ = router(state.clone(), None);
    let app = Client::signed_in(
        &router_,
        &state,
        "coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let (s, v) = call(&app, "POST", "/api/v1/cases", Some(valid_case())).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_str().expect("id").to_owned();
    const CLIENTS: usize = 16;
    const TRIES: usize = 8;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..CLIENTS {
        let (app, id) = (app.clone(), id.clone());
        tasks.spawn(async move {
            let (mut landed, mut refused) = (0u64, 0u64);
            for _ in 0..TRIES {
                let (s, case) = call(&app, "GET", &format!("/api/v1/cases/{id}"), None).await;
                assert_eq!(s, StatusCode::OK, "{case}");
                let version = case["version"].as_u64().expect("version");
                let body = if case["paused"] == true {
                    json!({"action": "resume"})
                } else {
                    json!({"action": "pause", "reason": "等待监测报告"})
                };
                let (s, v) = call_with(
                    &app,
                    "POST",
                    &format!("/api/v1/cases/{id}/actions"),
                    Some(body.to_string()),
                    &[("if-match", &version.to_string())],
                )
                .await;
                match s {
                    StatusCode::OK => {
                        assert_eq!(v["version"].as_u64(), Some(version + 1), "{v}");
                        landed += 1;
                    }
                    StatusCode::CONFLICT => {
                        assert_eq!(codes(&v), ["version.conflict"], "{v}");
                        assert!(v["current"]["version"].as_u64() > Some(version), "{v}");
                        refused += 1;
                    }
                    other => panic!("{other}: {v}"),
                }
            }
            (landed, refused)
        });
    }
    let (mut landed, mut refused) = (0, 0);
    while let Some(done) = tasks.join_next().await {
        let (l, r) = done.expect("client");
        landed += l;
        refused += r;
    }
    assert_eq!(landed + refused, (CLIENTS * TRIES) as u64);
    assert!(landed > 0);
    let (_, case) = call(&app, "GET", &format!("/api/v1/cases/{id}"), None).await;
    assert_eq!(case["version"].as_u64(), Some(1 + landed), "no change lost");
    assert_eq!(case["paused"], json!(landed % 2 == 1));
    let (_, events) = call(&app, "GET", &format!("/api/v1/cases/{id}/events"), None).await;
    let events = events.as_array().expect("events");
    assert_eq!(events.len() as u64, 1 + landed);
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e["seq"], json!(i + 1), "numbered without gaps");
        let want = match i {
            0 => "received",
            i if i % 2 == 1 => "paused",
            _ => "resumed",
        };
        assert_eq!(e["type"], want, "{e}");
    }
    let parsed: Vec<duban_case::lifecycle::Event> = events
        .iter()
        .map(|e| serde_json::from_value(e.clone()).expect("event"))
        .collect();
    let replayed = duban_case::lifecycle::replay(&parsed).expect("replay");
    assert_eq!(
        replayed.version(),
        1 + landed,
        "replaying the log gives the state"
    );
    assert_eq!(replayed.is_paused(), landed % 2 == 1);
}

/// Many clients at once on one batch: the same transfer list imported by eight at once
/// (one import, the rest refused as duplicates), then eight batch dispatches racing
/// eight clients who pause and resume its cases. Every answer is a success or a 409
/// with a stable code, never a 5xx; no case is dispatched twice; and every case's log
/// is a valid history: gapless, one dispatch, replaying to the stored state.
async fn concurrent_batch(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    const CLIENTS: usize = 8;
    const ROWS: usize = 60;
    let state = AppState::new(store.clone()).await.expect("state");
    let router_ = router(state.clone(), None);
    let app = Client::signed_in(
        &router_,
        &state,
        "coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let refs: Vec<String> = (0..ROWS).map(|i| format!("D07{i:04}")).collect();
    let rows: Vec<(&str, &str, &str)> = refs
        .iter()
        .map(|r| {
            (
                r.as_str(),
                "某化工企业夜间偷排废气，气味刺鼻，居民反映多次",
                "321102",
            )
        })
        .collect();
    let list = transfer_list(&rows).into_bytes();
    let imports = futures_util::future::join_all((0..CLIENTS).map(|_| {
        let (app, list) = (app.clone(), list.clone());
        async move { upload_raw(&app, "/api/v1/import/commit?file_name=b7.csv", list).await }
    }))
    .await;
    let created = imports
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    for (s, v) in &imports {
        assert!(
            *s == StatusCode::CREATED
                || (*s == StatusCode::CONFLICT && codes(v) == ["import.duplicate"]),
            "{s}: {v}"
        );
    }
    assert_eq!(created, 1, "one import of the batch");
    let (_, page) = call(&app, "GET", "/api/v1/cases?batch=7&limit=200", None).await;
    let ids: Vec<String> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(ids.len(), ROWS);

    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..CLIENTS {
        let app = app.clone();
        tasks.spawn(async move {
            let (mut sent, mut conflicts) = (0, 0);
            for _ in 0..4 {
                let body = json!({"batch": 7, "note": "按规则批量交办"});
                let (s, v) = call(&app, "POST", "/api/v1/dispatch", Some(body)).await;
                match s {
                    StatusCode::OK => {
                        sent += v["dispatched"].as_array().map_or(0, Vec::len);
                    }
                    StatusCode::CONFLICT => {
                        assert_eq!(codes(&v), ["version.conflict"], "{v}");
                        conflicts += 1;
                    }
                    other => panic!("dispatch: {other}: {v}"),
                }
            }
            (sent, conflicts)
        });
    }
    for c in 0..CLIENTS {
        let (app, ids) = (app.clone(), ids.clone());
        tasks.spawn(async move {
            for t in 0..6 {
                let id = &ids[(c * 7 + t * 13) % ids.len()];
                for action in ["pause", "resume"] {
                    let (_, case) = call(&app, "GET", &format!("/api/v1/cases/{id}"), None).await;
                    let body = if action == "pause" {
                        json!({"action": "pause", "reason": "等待监测报告"})
                    } else {
                        json!({"action": "resume"})
                    };
                    let (s, v) = call_with(
                        &app,
                        "POST",
                        &format!("/api/v1/cases/{id}/actions"),
                        Some(body.to_string()),
                        &[("if-match", &case["version"].to_string())],
                    )
                    .await;
                    let refused = codes(&v);
                    assert!(
                        s == StatusCode::OK
                            || (s == StatusCode::CONFLICT && refused == ["version.conflict"])
                            || (s == StatusCode::UNPROCESSABLE_ENTITY
                                && (refused == ["case.paused"]
                                    || refused == ["case.not_paused"]
                                    || refused == ["transition.not_allowed"])),
                        "{action}: {s}: {v}"
                    );
                }
            }
            (0, 0)
        });
    }
    let (mut sent, mut conflicts) = (0, 0);
    while let Some(done) = tasks.join_next().await {
        let (s, c) = done.expect("client");
        sent += s;
        conflicts += c;
    }
    eprintln!(
        "{sent} of {ROWS} dispatched during the race, {conflicts} batch dispatches refused as stale"
    );
    // Cases left paused by the race are resumed; then one more dispatch sends the rest.
    for id in &ids {
        let (_, case) = call(&app, "GET", &format!("/api/v1/cases/{id}"), None).await;
        if case["paused"] == true {
            let (s, v) = call_with(
                &app,
                "POST",
                &format!("/api/v1/cases/{id}/actions"),
                Some(json!({"action": "resume"}).to_string()),
                &[("if-match", &case["version"].to_string())],
            )
            .await;
            assert_eq!(s, StatusCode::OK, "{v}");
        }
    }
    let (s, v) = call(
        &app,
        "POST",
        "/api/v1/dispatch",
        Some(json!({"batch": 7, "note": "补交办"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    sent += v["dispatched"].as_array().map_or(0, Vec::len);
    assert_eq!(sent, ROWS, "every case dispatched exactly once");
    for id in &ids {
        let stored = store.get_case(id).await.expect("read").expect("case");
        assert_eq!(stored.status(), duban_case::model::Status::Dispatched);
        let events = crash::valid_history(store.as_ref(), &stored).await;
        let dispatches = events
            .iter()
            .filter(|e| e.kind.code() == "dispatched")
            .count();
        assert_eq!(dispatches, 1, "{id}: one dispatch");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_batch_on_sqlite() {
    on_sqlite(concurrent_batch).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_batch_on_postgres() {
    on_postgres("concurrent batch test", concurrent_batch).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_changes_on_sqlite() {
    on_sqlite(concurrent_changes).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_changes_on_postgres() {
    on_postgres("concurrency test", concurrent_changes).await;
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
        let from = |ip: [u8; 4], uri: &'static str| {
            let app = app.clone();
            async move {
                let mut req = Request::builder()
                    .uri(uri)
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
            let (s, _, _) = from([10, 0, 0, 1], "/api/v1/calendar/2026").await;
            assert_eq!(s, StatusCode::OK);
        }
        let (s, codes, retry) = from([10, 0, 0, 1], "/api/v1/calendar/2026").await;
        assert_eq!(
            (s, codes),
            (
                StatusCode::TOO_MANY_REQUESTS,
                vec!["rate.limited".to_owned()]
            )
        );
        assert!(retry.is_some(), "Retry-After");
        assert_eq!(from([10, 0, 0, 1], "/healthz").await.0, StatusCode::OK);
        assert_eq!(
            from([10, 0, 0, 2], "/api/v1/calendar/2026").await.0,
            StatusCode::OK
        );
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

#[tokio::test]
async fn quick_dispatch_on_sqlite() {
    on_sqlite(quick_dispatch).await;
}

#[tokio::test]
async fn quick_dispatch_on_postgres() {
    on_postgres("quick dispatch test", quick_dispatch).await;
}

#[tokio::test]
async fn follow_up_supervision_on_sqlite() {
    on_sqlite(follow_up_supervision).await;
}

#[tokio::test]
async fn follow_up_supervision_on_postgres() {
    on_postgres("supervision test", follow_up_supervision).await;
}

#[tokio::test]
async fn horizontal_referral_on_sqlite() {
    on_sqlite(horizontal_referral).await;
}

#[tokio::test]
async fn horizontal_referral_on_postgres() {
    on_postgres("referral test", horizontal_referral).await;
}

#[tokio::test]
async fn emergency_linkage_on_sqlite() {
    on_sqlite(emergency_linkage).await;
}

#[tokio::test]
async fn emergency_linkage_on_postgres() {
    on_postgres("emergency test", emergency_linkage).await;
}

/// Supervision orders, referral responses and incident acknowledgements climb the
/// escalation ladder of their own, once per step, catching up after downtime; what a
/// coordinator enters for a department is marked 代录.
async fn mechanism_ladder(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    use std::sync::Mutex;
    let t0: chrono::DateTime<chrono::Utc> = "2025-06-03T01:30:00Z".parse().expect("time");
    let clock = Arc::new(Mutex::new(t0 + chrono::TimeDelta::minutes(1)));
    let c2 = clock.clone();
    let state = AppState::with_clock(store, Arc::new(move || *c2.lock().expect("clock")))
        .await
        .expect("state");
    let set = |t: chrono::DateTime<chrono::Utc>| *clock.lock().expect("clock") = t;
    let app = router(state.clone(), None);
    let coordinator = Client::signed_in(
        &app,
        &state,
        "l.coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let supervisor = Client::signed_in(
        &app,
        &state,
        "l.supervisor",
        Role::Supervisor,
        Some("prov-coord"),
    )
    .await;
    let _ = Client::signed_in(&app, &state, "l.housing", Role::Handler, Some("dept-zjt")).await;
    let _ = Client::signed_in(&app, &state, "l.zhenjiang", Role::Handler, Some("gov-3211")).await;
    let mut key = valid_case();
    key["key_classes"] = json!(["inspection_key"]);
    let (_, created) = call(&coordinator, "POST", "/api/v1/cases", Some(key)).await;
    let id = created["id"].as_str().expect("id").to_owned();
    call(
        &coordinator,
        "POST",
        &format!("/api/v1/cases/{id}/actions"),
        Some(json!({"action": "dispatch", "lead_unit": "gov-3211"})),
    )
    .await;
    let sup_uri = format!("/api/v1/cases/{id}/supervision");
    for body in [
        json!({"action": "assign", "supervisor": "l.supervisor"}),
        json!({"action": "issue_order", "target_unit": "gov-3211",
               "demands": "请于2小时内报送偷排核查情况及整改措施", "amount": 2, "unit": "hours"}),
    ] {
        let (s, v) = call(
            supervisor_or(&coordinator, &supervisor, &body),
            "POST",
            &sup_uri,
            Some(body),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    let (s, referral) = call(
        &coordinator,
        "POST",
        &format!("/api/v1/cases/{id}/referrals"),
        Some(json!({"action": "send", "from_unit": "prov-coord", "to_unit": "dept-zjt",
                    "subject": "管网问题", "text": "请协同核查雨污管网", "amount": 4, "unit": "hours"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{referral}");
    let rid = referral["referral"]["id"].as_str().expect("id").to_owned();
    let (s, incident) = call(
        &coordinator,
        "POST",
        &format!("/api/v1/cases/{id}/incidents"),
        Some(
            json!({"action": "declare", "title": "河道发现死鱼", "incident_type": "water_pollution",
                    "severity": "IV", "division": "321102"}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{incident}");
    let iid = incident["incident"]["id"].as_str().expect("id").to_owned();
    assert_eq!(state.sweep(state.now()).await.expect("sweep").mechanisms, 0);

    // Three and a half hours later: the order (2 h) is past 150%; the referral (4 h)
    // reminded (80%);
    // every unacknowledged department of the incident has climbed all four steps.
    set(t0 + chrono::TimeDelta::minutes(210));
    let r = state.sweep(state.now()).await.expect("sweep");
    assert_eq!(r.mechanisms, 3, "{r:?}");
    let again = state.sweep(state.now()).await.expect("sweep");
    assert_eq!((again.steps, again.mechanisms), (0, 0), "fired once");
    let coordinator = Client::login(&app, "l.coordinator").await;
    let fired = |v: &Value| -> Vec<String> {
        v["events"]
            .as_array()
            .expect("events")
            .iter()
            .filter(|e| e["body"]["type"] == "step_fired" || e["type"] == "step_fired")
            .map(|e| {
                let b = if e["body"].is_object() { &e["body"] } else { e };
                b["step"].as_str().unwrap_or("").to_owned()
            })
            .collect()
    };
    let (_, sup) = call(&coordinator, "GET", &sup_uri, None).await;
    assert_eq!(fired(&sup), ["remind", "chase", "supervise"], "{sup}");
    let (_, rv) = call(
        &coordinator,
        "GET",
        &format!("/api/v1/referrals/{rid}"),
        None,
    )
    .await;
    assert_eq!(fired(&rv), ["remind"], "{rv}");
    let (_, iv) = call(
        &coordinator,
        "GET",
        &format!("/api/v1/incidents/{iid}"),
        None,
    )
    .await;
    let incident_steps = fired(&iv);
    assert!(
        incident_steps.iter().filter(|s| *s == "summon").count() >= 1,
        "{iv}"
    );

    // The inbox of the unit that owes the answer shows how far the order has climbed.
    let zhenjiang = Client::login(&app, "l.zhenjiang").await;
    let (_, inbox) = call(&zhenjiang, "GET", "/api/v1/inbox", None).await;
    let escalation = |kind: &str| {
        inbox["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["kind"] == kind)
            .map(|i| i["escalation"].clone())
    };
    assert_eq!(
        escalation("supervision"),
        Some(json!("supervise")),
        "{inbox}"
    );
    let (_, audit) = call(
        &coordinator,
        "GET",
        &format!("/api/v1/cases/{id}/audit"),
        None,
    )
    .await;
    assert!(
        audit.to_string().contains("supervision.step_fired"),
        "{audit}"
    );

    // A coordinator acknowledges for 住建厅: 代录 in the thread; the referral's clock is
    // then only stopped by the answer.
    let (s, v) = call(
        &coordinator,
        "POST",
        &format!("/api/v1/referrals/{rid}"),
        Some(json!({"action": "acknowledge"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let ack = v["events"]
        .as_array()
        .expect("events")
        .iter()
        .rev()
        .find(|e| e["type"] == "acknowledged" || e["body"]["type"] == "acknowledged")
        .expect("acknowledged")
        .to_string();
    assert!(ack.contains("\"on_behalf\":true"), "{ack}");
    let housing = Client::login(&app, "l.housing").await;
    let (s, v) = call(
        &housing,
        "POST",
        &format!("/api/v1/referrals/{rid}"),
        Some(json!({"action": "answer", "text": "已核查，管网混接已整改"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let thread = v["referral"]["thread"].as_array().expect("thread");
    assert!(
        thread.last().is_some_and(|m| m.get("on_behalf").is_none()),
        "{v}"
    );
    // Much later: the answered referral fires nothing more; the order goes on to summon.
    set(t0 + chrono::TimeDelta::hours(30));
    state.sweep(state.now()).await.expect("sweep");
    let coordinator = Client::login(&app, "l.coordinator").await;
    let (_, rv) = call(
        &coordinator,
        "GET",
        &format!("/api/v1/referrals/{rid}"),
        None,
    )
    .await;
    assert_eq!(fired(&rv), ["remind"]);
    let (_, sup) = call(&coordinator, "GET", &sup_uri, None).await;
    assert_eq!(fired(&sup), ["remind", "chase", "supervise", "summon"]);
}

fn supervisor_or<'a>(coordinator: &'a Client, supervisor: &'a Client, body: &Value) -> &'a Client {
    if body["action"] == "assign" {
        coordinator
    } else {
        supervisor
    }
}

/// A 12345 platform pushes work orders with its own API key and pulls their status
/// back; a repeated push creates nothing new; bad orders get the form's codes.
async fn hotline_12345(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    let state = AppState::new(store).await.expect("state");
    let app = router(state.clone(), None);
    let admin = Client::signed_in(&app, &state, "h.admin", Role::Admin, None).await;
    let coordinator = Client::signed_in(
        &app,
        &state,
        "h.coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let connect =
        |name: &str, kind: &str| json!({"name": name, "kind": kind, "reason": "接入12345热线平台"});
    let (s, v) = call(
        &admin,
        "POST",
        "/api/v1/admin/api-clients",
        Some(json!({"name": "", "kind": "fax", "reason": ""})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["api_client.name".to_owned()]
        )
    );
    let (s, v) = call(
        &admin,
        "POST",
        "/api/v1/admin/api-clients",
        Some(connect("江苏12345", "hotline")),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let key = v["api_key"].as_str().expect("key").to_owned();
    let client_id = v["client"]["id"].as_str().expect("id").to_owned();
    let (_, v) = call(
        &admin,
        "POST",
        "/api/v1/admin/api-clients",
        Some(connect("镇江12345", "hotline")),
    )
    .await;
    let other_key = v["api_key"].as_str().expect("key").to_owned();
    let (_, v) = call(
        &admin,
        "POST",
        "/api/v1/admin/api-clients",
        Some(connect("某开放平台", "open311")),
    )
    .await;
    let open311_key = v["api_key"].as_str().expect("key").to_owned();
    let (_, list) = call(&admin, "GET", "/api/v1/admin/api-clients", None).await;
    assert_eq!(list.as_array().map(Vec::len), Some(3));
    assert!(
        !list.to_string().contains(&key),
        "keys are never shown again"
    );

    let order = json!({
        "order_no": "GD20250603001",
        "time": "2025-06-03T09:30:00+08:00",
        "caller": {"name": "李女士", "phone": "13912345678"},
        "content": "京口区某小区旁餐馆油烟直排，每天中午晚上油烟很大，影响居民生活。",
        "place": {"division": "镇江市京口区", "address": "京口区某小区东门"},
        "category": "大气",
        "urgency": "urgent"
    });
    let push = |key: &str, body: &Value| {
        let key = key.to_owned();
        let body = body.to_string();
        let anon = Client::anonymous(&app);
        async move {
            call_with(
                &anon,
                "POST",
                "/api/v1/hotline/orders",
                Some(body),
                &[("x-api-key", &key)],
            )
            .await
        }
    };
    let (s, v) = push("dbk_wrong", &order).await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::UNAUTHORIZED, vec!["api_key.invalid".to_owned()])
    );
    let (s, _) = push(&open311_key, &order).await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "an Open311 key does not push 12345 orders"
    );
    let (s, first) = push(&key, &order).await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    assert_eq!(
        (first["created"].as_bool(), first["status"].as_str()),
        (Some(true), Some("received"))
    );
    let (s, again) = push(&key, &order).await;
    assert_eq!(s, StatusCode::OK, "{again}");
    assert_eq!(
        (again["created"].as_bool(), &again["case_id"]),
        (Some(false), &first["case_id"])
    );
    // Another platform's number space is its own.
    let (s, theirs) = push(&other_key, &order).await;
    assert_eq!(s, StatusCode::CREATED, "{theirs}");
    assert_ne!(theirs["case_id"], first["case_id"]);

    let case_id = first["case_id"].as_str().expect("id");
    let (_, case) = call(
        &coordinator,
        "GET",
        &format!("/api/v1/cases/{case_id}"),
        None,
    )
    .await;
    assert_eq!(
        (
            case["channel"].as_str(),
            case["sender_ref"].as_str(),
            case["division"].as_str(),
            case["urgent"].as_bool()
        ),
        (
            Some("hotline_12345"),
            Some("GD20250603001"),
            Some("321102"),
            Some(true)
        ),
        "{case}"
    );
    let (_, trail) = call(
        &coordinator,
        "GET",
        &format!("/api/v1/cases/{case_id}/audit"),
        None,
    )
    .await;
    assert!(trail.to_string().contains("api:江苏12345"), "{trail}");

    // Bad orders: the form's codes, nothing stored.
    let mut bad = order.clone();
    bad["order_no"] = json!("GD-2");
    bad["content"] = json!("太吵");
    bad["place"]["division"] = json!("火星市");
    let (s, v) = push(&key, &bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let c = codes(&v);
    assert!(
        c.contains(&"content.too_short".to_owned()) && c.contains(&"division.malformed".to_owned()),
        "{v}"
    );
    let mut bad = order.clone();
    bad["order_no"] = json!("<script>");
    assert_eq!(codes(&push(&key, &bad).await.1), ["order_no.invalid"]);
    let mut bad = order.clone();
    bad["extra"] = json!(1);
    assert_eq!(push(&key, &bad).await.0, StatusCode::UNPROCESSABLE_ENTITY);

    // Status pulled back, by the platform that pushed it only.
    let get = |key: &str, no: &str| {
        let key = key.to_owned();
        let uri = format!("/api/v1/hotline/orders/{no}");
        let anon = Client::anonymous(&app);
        async move {
            call_with(
                &anon,
                "GET",
                &uri,
                None,
                &[("authorization", &format!("Bearer {key}"))],
            )
            .await
        }
    };
    let (s, v) = get(&key, "GD20250603001").await;
    assert_eq!(
        (s, v["status_zh"].as_str()),
        (StatusCode::OK, Some("待分办")),
        "{v}"
    );
    call(
        &coordinator,
        "POST",
        &format!("/api/v1/cases/{case_id}/actions"),
        Some(json!({"action": "dispatch", "lead_unit": "gov-3211"})),
    )
    .await;
    assert_eq!(get(&key, "GD20250603001").await.1["status"], "dispatched");
    assert_eq!(get(&key, "GD404").await.0, StatusCode::NOT_FOUND);
    let (s, v) = get(&other_key, "GD20250603001").await;
    assert_ne!(v["case_id"], first["case_id"], "{s} {v}");

    // A disabled platform is shut out at once.
    let (s, _) = call(
        &admin,
        "PATCH",
        &format!("/api/v1/admin/api-clients/{client_id}"),
        Some(json!({"disabled": true, "reason": "平台停用"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(get(&key, "GD20250603001").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(push(&key, &order).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn hotline_12345_on_sqlite() {
    on_sqlite(hotline_12345).await;
}

#[tokio::test]
async fn hotline_12345_on_postgres() {
    on_postgres("hotline test", hotline_12345).await;
}

/// Send raw bytes (an uploaded file) as a signed-in client.
async fn upload_raw(client: &Client, uri: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
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

fn transfer_list(rows: &[(&str, &str, &str)]) -> String {
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

/// A transfer list imported from CSV (UTF-8 or GBK) or XLSX: preview with the form's
/// codes and routing proposals, all-or-nothing commit, the same batch never twice.
async fn batch_import(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    let state = AppState::new(store).await.expect("state");
    let app = router(state.clone(), None);
    let coordinator = Client::signed_in(
        &app,
        &state,
        "i.coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let handler =
        Client::signed_in(&app, &state, "i.handler", Role::Handler, Some("gov-3211")).await;

    let (s, template) = get_text(&coordinator, "/api/v1/import/template.csv").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        template.starts_with('\u{feff}') && template.contains("举报内容"),
        "{template}"
    );
    let (s, book) = get_bytes(&coordinator, "/api/v1/import/template.xlsx").await;
    assert_eq!((s, book.get(..2)), (StatusCode::OK, Some(&b"PK"[..])));
    // The notes are comments on the header cells, not a row of the data.
    assert!(
        book.windows(16).any(|w| w == b"xl/comments1.xml"),
        "header notes"
    );

    // Either template unchanged: its example row is skipped, nothing to import, no error.
    for (name, bytes) in [("csv", template.clone().into_bytes()), ("xlsx", book)] {
        let (s, p) = upload_raw(&coordinator, "/api/v1/import/preview", bytes.clone()).await;
        assert_eq!(s, StatusCode::OK, "{name}: {p}");
        assert_eq!(
            (
                p["total"].as_u64(),
                p["error_rows"].as_u64(),
                p["columns"].as_array().map(Vec::len)
            ),
            (Some(0), Some(0), Some(duban_intake::COLUMNS.len())),
            "{name}: {p}"
        );
        assert_eq!(p["skipped_examples"], json!([2]), "{name}: {p}");
        assert_eq!(
            p["nothing_to_import"]["code"], "import.nothing_to_import",
            "{name}: {p}"
        );
        let (s, v) = upload_raw(&coordinator, "/api/v1/import/commit", bytes).await;
        assert_eq!(
            (s, codes(&v)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                vec!["import.nothing_to_import".to_owned()]
            ),
            "{name}: {v}"
        );
    }
    assert_eq!(total(&coordinator).await, 0);

    // Every Open311 keyword of a category is read as that category in a list.
    let (s, services) = get_text(&coordinator, "/open311/v2/services.json").await;
    assert_eq!(s, StatusCode::OK, "{services}");
    let services: Value = serde_json::from_str(&services).expect("services");
    let mut keywords =
        String::from("序号,批次号,交办编号,交办日期,来电/来信,举报内容,行政区域,地址,污染类型\n");
    let mut want = Vec::new();
    for service in services.as_array().expect("services") {
        let code = service["service_code"].as_str().expect("code");
        for kw in service["keywords"].as_str().expect("keywords").split(',') {
            want.push((kw.to_owned(), code.to_owned()));
            keywords.push_str(&format!(
                "{n},7,K{n},2025/6/2,来电,京口区某企业环境问题，周边居民反映强烈。,京口区,某路,{kw}\n",
                n = want.len()
            ));
        }
    }
    let (s, p) = upload_raw(
        &coordinator,
        "/api/v1/import/preview",
        keywords.into_bytes(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    for (i, (kw, code)) in want.iter().enumerate() {
        let got = &p["rows"][i]["categories"][0];
        assert_eq!(
            (got["code"].as_str(), got["known"].as_bool()),
            (Some(code.as_str()), Some(true)),
            "{kw}: {got}"
        );
    }

    let good = [
        (
            "D070001",
            "京口区某化工企业夜间偷排废气，气味刺鼻，居民不敢开窗。",
            "镇江市京口区",
        ),
        (
            "D070002",
            "润州区某工地夜间施工噪声扰民，持续到凌晨两点。",
            "321111",
        ),
        (
            "D070003",
            "丹阳市某印染厂废水直排河道，河水发黑发臭。",
            "丹阳市",
        ),
    ];
    let csv = transfer_list(&good);
    let (s, v) = upload_raw(&handler, "/api/v1/import/preview", csv.clone().into_bytes()).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, p) = upload_raw(
        &coordinator,
        "/api/v1/import/preview",
        csv.clone().into_bytes(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(
        (
            p["total"].as_u64(),
            p["valid"].as_u64(),
            p["format"].as_str()
        ),
        (Some(3), Some(3), Some("csv")),
        "{p}"
    );
    assert_eq!(p["title"], "第7批交办信访件清单");
    assert_eq!(p["rows"][0]["proposed_lead"], "镇江市人民政府", "{p}");
    // The categories and key classes as read, to check the mapping before importing.
    assert_eq!(
        (
            &p["rows"][0]["line"],
            &p["rows"][0]["categories"],
            &p["rows"][0]["key_classes"]
        ),
        (
            &json!(3),
            &json!([{"code": "air", "label": "大气", "known": true}]),
            &json!([])
        ),
        "{p}"
    );
    assert_eq!(total(&coordinator).await, 0, "a preview saves nothing");

    // One bad row blocks the whole file, with the form's codes per line.
    let mut bad = good.to_vec();
    bad.push(("D070004", "太吵", "火星市"));
    let (s, v) = upload_raw(
        &coordinator,
        "/api/v1/import/commit",
        transfer_list(&bad).into_bytes(),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let fields: Vec<String> = v["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["field"].as_str().unwrap_or(""),
                e["code"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert!(
        fields.contains(&"rows[6].content content.too_short".to_owned()),
        "{fields:?}"
    );
    assert_eq!(total(&coordinator).await, 0);

    // A city followed by no county of it is an error, not the whole city; a row with
    // an error still shows its division by name.
    let mut towns = good.to_vec();
    towns.push((
        "D070005",
        "某化工厂夜间偷排废气，气味刺鼻难闻。",
        "镇江市火星区",
    ));
    towns.push((
        "D070006",
        "某化工厂夜间偷排废气，气味刺鼻难闻。",
        "南京市江北新区",
    ));
    towns.push(("D070007", "太吵", "321102"));
    let (s, p) = upload_raw(
        &coordinator,
        "/api/v1/import/preview",
        transfer_list(&towns).into_bytes(),
    )
    .await;
    // 南京市江北新区 is a functional zone, a place of its own (issue 20).
    assert_eq!(
        (s, p["error_rows"].as_u64()),
        (StatusCode::OK, Some(2)),
        "{p}"
    );
    let row = |line: u64| {
        p["rows"]
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["line"].as_u64() == Some(line)))
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(
        row(6)["errors"][0]["code"],
        "division.county_unknown",
        "{p}"
    );
    assert_eq!(
        row(6)["errors"][0]["message"],
        "“镇江市火星区”中的“火星区”不是镇江市的区县，请核对名称或填写区划代码"
    );
    assert_eq!(
        (
            row(7)["errors"].clone(),
            row(7)["division_name"].clone(),
            row(7)["proposed_lead"].clone()
        ),
        (
            json!([]),
            json!("南京市江北新区"),
            json!("南京市江北新区管委会")
        ),
        "{p}"
    );
    assert_eq!(row(8)["division_name"], "镇江市京口区", "{p}");

    let (s, done) = upload_raw(
        &coordinator,
        "/api/v1/import/commit?file_name=第7批.csv",
        csv.clone().into_bytes(),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{done}");
    assert_eq!(done["references"].as_array().map(Vec::len), Some(3));
    assert_eq!(done["import"]["file_name"], "第7批.csv");
    assert_eq!(total(&coordinator).await, 3);
    let (_, list) = call(&coordinator, "GET", "/api/v1/cases?batch=7", None).await;
    assert_eq!(list["total"], 3);

    // The same batch again, even reordered: nothing new.
    let (s, v) = upload_raw(
        &coordinator,
        "/api/v1/import/commit",
        csv.clone().into_bytes(),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::CONFLICT, vec!["import.duplicate".to_owned()]),
        "{v}"
    );
    let reordered = transfer_list(&[good[2], good[0], good[1]]);
    let (_, p) = upload_raw(
        &coordinator,
        "/api/v1/import/preview",
        reordered.into_bytes(),
    )
    .await;
    assert!(p["already_imported"]["id"].is_string(), "{p}");
    // A new file that repeats one imported number: that row is refused.
    let overlap = transfer_list(&[
        good[0],
        (
            "D070009",
            "扬中市某码头扬尘污染严重，周边车辆全是灰。",
            "扬中市",
        ),
    ]);
    let (s, v) = upload_raw(
        &coordinator,
        "/api/v1/import/commit",
        overlap.clone().into_bytes(),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(
        codes(&v).contains(&"import.already_imported".to_owned()),
        "{v}"
    );
    assert_eq!(total(&coordinator).await, 3);

    // GBK text and a workbook read the same way.
    let text = transfer_list(&[(
        "D070010",
        "句容市某石材厂粉尘污染，周边农田一层白灰。",
        "句容市",
    )]);
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let (s, p) = upload_raw(&coordinator, "/api/v1/import/preview", gbk.into_owned()).await;
    assert_eq!((s, p["valid"].as_u64()), (StatusCode::OK, Some(1)), "{p}");
    assert!(
        p["encoding"].as_str().is_some_and(|e| e.starts_with("G")),
        "{p}"
    );
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in [
        "交办编号",
        "批次号",
        "交办日期",
        "来电/来信",
        "举报内容",
        "行政区域",
        "地址",
        "污染类型",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).expect("cell");
    }
    for (c, v) in [
        "D070011",
        "7",
        "2025-06-02",
        "来信",
        "扬中市某船厂喷漆废气直排，味道很大。",
        "扬中市",
        "三茅街道某船厂",
        "大气",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(1, c as u16, *v).expect("cell");
    }
    let xlsx = wb.save_to_buffer().expect("xlsx");
    let (s, done) = upload_raw(&coordinator, "/api/v1/import/commit?file_name=a.xlsx", xlsx).await;
    assert_eq!(s, StatusCode::CREATED, "{done}");
    assert_eq!(total(&coordinator).await, 4);

    // Files that are no list at all.
    let (s, v) = upload_raw(&coordinator, "/api/v1/import/preview", vec![]).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["import.empty".to_owned()]
        )
    );
    let (s, v) = upload_raw(
        &coordinator,
        "/api/v1/import/preview",
        vec![0, 159, 146, 150, 0, 1, 2],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = upload_raw(
        &coordinator,
        "/api/v1/import/preview",
        "名字,年龄\n张三,3\n".as_bytes().to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // A file over the upload limit is refused before it is read; nothing is stored.
    let (s, v) = upload_raw(
        &coordinator,
        "/api/v1/import/commit?file_name=big.csv",
        vec![b'x'; duban_api::IMPORT_MAX_BYTES + 1],
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            vec!["body.too_large".to_owned()]
        ),
        "{v}"
    );
    assert_eq!(v["errors"][0]["field"], "file");
    assert_eq!(total(&coordinator).await, 4);
}

#[tokio::test]
async fn batch_import_on_sqlite() {
    on_sqlite(batch_import).await;
}

#[tokio::test]
async fn batch_import_on_postgres() {
    on_postgres("import test", batch_import).await;
}

/// Repeat complaints: candidates with their reasons for a draft and a stored case; a
/// confirmed merge keeps both histories and marks the primary 重复信访件.
async fn repeat_complaints(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    let state = AppState::new(store).await.expect("state");
    let app = router(state.clone(), None);
    let admin = Client::signed_in(&app, &state, "r.admin", Role::Admin, None).await;
    let coordinator = Client::signed_in(
        &app,
        &state,
        "r.coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let handler =
        Client::signed_in(&app, &state, "r.handler", Role::Handler, Some("gov-3211")).await;
    let (_, a) = call(&coordinator, "POST", "/api/v1/cases", Some(valid_case())).await;
    let a_id = a["id"].as_str().expect("id").to_owned();
    let mut other = valid_case();
    other["content"] = json!("丹阳市某印染厂废水直排河道，河水发黑发臭，鱼都死了。");
    other["division"] = json!("321181");
    other["address"] = json!("丹阳市开发区");
    other["complainant_phone"] = json!("13800001111");
    other["lat"] = json!(32.0);
    other["lon"] = json!(119.6);
    call(&coordinator, "POST", "/api/v1/cases", Some(other.clone())).await;

    // The same factory again, worded differently by the same caller.
    let mut again = valid_case();
    again["content"] =
        json!("京口区那家化工企业又在夜里偷排废气了，味道刺鼻，上次反映的问题还没解决。");
    again["sender_ref"] = json!("D030999");
    let (s, found) = call(&coordinator, "POST", "/api/v1/repeats", Some(again.clone())).await;
    assert_eq!(s, StatusCode::OK, "{found}");
    let first = &found[0];
    assert_eq!(first["case_id"], a_id.as_str(), "{found}");
    assert!(
        first["reasons"].to_string().contains("同一举报电话"),
        "{found}"
    );
    assert!(
        !found.to_string().contains("13912345678"),
        "no phone in candidates"
    );
    let (s, _) = call(&handler, "POST", "/api/v1/repeats", Some(again.clone())).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let mut unrelated = again.clone();
    unrelated["content"] = json!("南京市鼓楼区某酒吧深夜噪声扰民，音乐声很大。");
    unrelated["division"] = json!("320106");
    unrelated["complainant_phone"] = json!("13700002222");
    unrelated["lat"] = json!(32.06);
    unrelated["lon"] = json!(118.77);
    let (_, none) = call(&coordinator, "POST", "/api/v1/repeats", Some(unrelated)).await;
    assert_eq!(none, json!([]), "{none}");

    let (_, b) = call(&coordinator, "POST", "/api/v1/cases", Some(again)).await;
    let b_id = b["id"].as_str().expect("id").to_owned();
    let (s, cands) = call(
        &coordinator,
        "GET",
        &format!("/api/v1/cases/{b_id}/repeats"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{cands}");
    assert_eq!(cands[0]["case_id"], a_id.as_str(), "{cands}");
    assert!(
        !cands.to_string().contains(&b_id),
        "a case is no repeat of itself"
    );

    let merge_uri = format!("/api/v1/cases/{b_id}/merge");
    let (s, v) = call(
        &coordinator,
        "POST",
        &merge_uri,
        Some(json!({"primary": b_id, "reason": "重复"})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["merge.into_self".to_owned()]
        ),
        "{v}"
    );
    let (s, v) = call(&handler, "POST", &merge_uri, Some(json!({"primary": a_id}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    // People name the primary by its reference, and say why.
    let a_ref = a["reference"].as_str().expect("reference").to_owned();
    let (s, v) = call(
        &coordinator,
        "POST",
        &merge_uri,
        Some(json!({"primary": a_ref, "reason": " "})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["reason.required".to_owned()]
        ),
        "{v}"
    );
    let (s, v) = call(
        &coordinator,
        "POST",
        &merge_uri,
        Some(json!({"primary": "JS-2026-B99-9999", "reason": "重复"})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["primary.unknown".to_owned()]
        ),
        "{v}"
    );
    // The case page's merge action takes the same way, so the primary is marked too.
    let (s, merged) = call(
        &coordinator,
        "POST",
        &format!("/api/v1/cases/{b_id}/actions"),
        Some(json!({"action": "merge", "primary": a_ref, "reason": "同一企业同一问题"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{merged}");
    assert_eq!(merged["status"], "merged");
    let (_, primary) = call(&coordinator, "GET", &format!("/api/v1/cases/{a_id}"), None).await;
    assert!(
        primary["key_classes"].to_string().contains("repeated"),
        "{primary}"
    );
    let (_, events) = call(
        &coordinator,
        "GET",
        &format!("/api/v1/cases/{a_id}/events"),
        None,
    )
    .await;
    assert!(
        events.to_string().contains("repeat_attached")
            && events
                .to_string()
                .contains(b["reference"].as_str().expect("ref")),
        "{events}"
    );
    let (_, events) = call(
        &coordinator,
        "GET",
        &format!("/api/v1/cases/{b_id}/events"),
        None,
    )
    .await;
    assert!(
        events.to_string().contains("\"type\":\"received\""),
        "the repeat keeps its history: {events}"
    );
    assert!(
        events
            .to_string()
            .contains(&format!("\"primary_reference\":\"{a_ref}\"")),
        "the repeat's history names its primary: {events}"
    );
    // Merged cases are no longer candidates.
    let (_, cands) = call(
        &coordinator,
        "GET",
        &format!("/api/v1/cases/{a_id}/repeats"),
        None,
    )
    .await;
    assert!(!cands.to_string().contains(&b_id), "{cands}");

    // Settings: administrators only, checked by the crate.
    let (s, v) = call(
        &coordinator,
        "PUT",
        "/api/v1/repeats/settings",
        Some(json!({"settings": {"window_days": 30}, "reason": "缩短"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = call(
        &admin,
        "PUT",
        "/api/v1/repeats/settings",
        Some(json!({"settings": {"window_days": 0}, "reason": "试"})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["repeat.window.invalid".to_owned()]
        ),
        "{v}"
    );
    let (s, v) = call(
        &admin,
        "PUT",
        "/api/v1/repeats/settings",
        Some(json!({"settings": {"window_days": 30}, "reason": "缩短窗口"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        call(&coordinator, "GET", "/api/v1/repeats/settings", None)
            .await
            .1["window_days"],
        30
    );
}

#[tokio::test]
async fn repeat_complaints_on_sqlite() {
    on_sqlite(repeat_complaints).await;
}

#[tokio::test]
async fn repeat_complaints_on_postgres() {
    on_postgres("repeat test", repeat_complaints).await;
}

#[tokio::test]
async fn mechanism_ladder_on_sqlite() {
    on_sqlite(mechanism_ladder).await;
}

#[tokio::test]
async fn mechanism_ladder_on_postgres() {
    on_postgres("mechanism ladder test", mechanism_ladder).await;
}

/// More waiting than the inbox lists: the most urgent are listed, the count is the
/// real one, and the overflow says where the rest are.
async fn inbox_overflow(store: Arc<dyn Store>) {
    let (state, _, coordinator) = with_coordinator(store, "o.coordinator").await;
    let draft: duban_case::draft::CaseDraft = serde_json::from_value(valid_case()).expect("draft");
    for _ in 0..201 {
        state
            .create_case(&draft, &duban_server::service::Who::system())
            .await
            .expect("case");
    }
    let (s, inbox) = call(&coordinator, "GET", "/api/v1/inbox", None).await;
    assert_eq!(s, StatusCode::OK);
    let items = inbox["items"].as_array().expect("items");
    assert_eq!(
        (inbox["total"].as_u64(), items.len()),
        (Some(201), 200),
        "{}",
        inbox["overflow"]
    );
    assert_eq!(
        inbox["overflow"],
        json!([{"action": "dispatch", "status": "received", "total": 201, "shown": 200}])
    );
    let due: Vec<&str> = items
        .iter()
        .map(|i| i["due_at"].as_str().expect("due"))
        .collect();
    assert!(due.windows(2).all(|w| w[0] <= w[1]), "most urgent first");
}

#[tokio::test]
async fn inbox_overflow_on_sqlite() {
    on_sqlite(inbox_overflow).await;
}

#[tokio::test]
async fn inbox_overflow_on_postgres() {
    on_postgres("inbox overflow test", inbox_overflow).await;
}

#[tokio::test]
async fn sla_sweeper_on_sqlite() {
    on_sqlite(sla_sweeper).await;
}

#[tokio::test]
async fn sla_sweeper_on_postgres() {
    on_postgres("sweeper test", sla_sweeper).await;
}

#[tokio::test]
async fn extension_requests_on_sqlite() {
    on_sqlite(extension_requests).await;
}

#[tokio::test]
async fn extension_requests_on_postgres() {
    on_postgres("extension test", extension_requests).await;
}

#[tokio::test]
async fn access_matrix_on_sqlite() {
    on_sqlite(access_matrix).await;
}

#[tokio::test]
async fn access_matrix_on_postgres() {
    on_postgres("access matrix", access_matrix).await;
}

/// The map board: figures kept with every write agree with a recount, every filter
/// (batch, city, day ranges across whole months and edge days, category, key class)
/// selects what it says, bad filters get their codes; the public disclosure shows
/// only cleared cases, without personal data.
async fn map_board(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    let state = AppState::new(store.clone()).await.expect("state");
    let app = router(state.clone(), None);
    let coordinator = Client::signed_in(
        &app,
        &state,
        "b.coord",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let handler =
        Client::signed_in(&app, &state, "b.handler", Role::Handler, Some("gov-3211")).await;
    let create = |patch: Value| {
        let mut body = valid_case();
        for (k, v) in patch.as_object().expect("object") {
            body[k] = v.clone();
        }
        let c = coordinator.clone();
        async move {
            let (s, v) = call(&c, "POST", "/api/v1/cases", Some(body)).await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
            v["id"].as_str().expect("id").to_owned()
        }
    };
    // 南京 玄武区, batch 3, a key case of water.
    let a = create(
        json!({"division": "320102", "address": "南京市玄武区某路", "lat": 32.05, "lon": 118.8,
        "categories": ["water"], "key_classes": ["inspection_key"], "sender_ref": "D030001"}),
    )
    .await;
    // 镇江 京口区, batch 3, air and noise; closed below.
    let b = create(json!({"categories": ["air", "noise"], "sender_ref": "D030002"})).await;
    // 镇江 京口区, no batch, a month and a half later.
    let _c = create(
        json!({"channel": "hotline_12345", "batch_number": null, "batch_date": "",
        "sender_ref": "", "received_at": "2025-07-15T02:00:00Z"}),
    )
    .await;
    let act = |id: &str, body: Value| {
        let uri = format!("/api/v1/cases/{id}/actions");
        let c = coordinator.clone();
        async move { call(&c, "POST", &uri, Some(body)).await }
    };
    for body in [
        json!({"action": "dispatch", "lead_unit": "gov-3211"}),
        json!({"action": "sign_for"}),
        json!({"action": "report", "outcome": {"finding": "substantiated", "rectification_orders": 2,
            "penalty_cases": 1, "fines_yuan": 120000, "criminal_cases": 1, "officials_summoned": 3,
            "officials_accountable": 1, "measures": "责令停产整改，张先生已知悉，电话13912345678。",
            "public_summary": "经核查，张先生反映的夜间偷排废气问题属实。"}}),
        json!({"action": "approve", "closure": "closed"}),
    ] {
        let (s, v) = act(&b, body).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }

    let board = |q: &str| {
        let uri = format!("/api/v1/board{q}");
        let c = coordinator.clone();
        async move {
            let (s, v) = call(&c, "GET", &uri, None).await;
            assert_eq!(s, StatusCode::OK, "{uri}: {v}");
            v
        }
    };
    let area = |v: &Value, code: u64| -> i64 {
        v["areas"]
            .as_array()
            .expect("areas")
            .iter()
            .find(|a| a["code"] == code)
            .map_or(-1, |a| a["figures"]["total"].as_i64().expect("total"))
    };
    let all = board("").await;
    assert_eq!(all["totals"]["total"], 3, "{all}");
    assert_eq!(all["totals"]["concluded"], 1);
    assert_eq!(all["totals"]["key_cases"], 1);
    assert_eq!(all["totals"]["on_time"], 1);
    assert_eq!(all["outcomes"]["fines_yuan"], 120000);
    assert_eq!(all["outcomes"]["officials_summoned"], 3);
    assert_eq!(all["outcomes"]["criminal_cases"], 1);
    assert_eq!(
        (area(&all, 320100), area(&all, 321100), area(&all, 320200)),
        (1, 2, 0)
    );
    assert_eq!(all["areas"].as_array().map(Vec::len), Some(13));
    let cat = |v: &Value, c: &str| {
        v["categories"]
            .as_array()
            .expect("categories")
            .iter()
            .find(|x| x["category"] == c)
            .map_or(0, |x| x["total"].as_i64().expect("n"))
    };
    assert_eq!(
        (cat(&all, "air"), cat(&all, "water"), cat(&all, "noise")),
        (2, 1, 1)
    );
    assert_eq!(
        all["batches"],
        json!([{"key": "0", "total": 1, "concluded": 0}, {"key": "3", "total": 2, "concluded": 1}])
    );
    assert_eq!(all["days"][0]["key"], "2025-06-03");
    assert_eq!(all["days"][1]["key"], "2025-07-15");
    let unit = all["units"].as_array().expect("units");
    assert_eq!(unit.len(), 1, "{all}");
    assert_eq!(unit[0]["unit_id"], "gov-3211");
    assert_eq!(unit[0]["figures"]["concluded"], 1);

    let city = board("?city=321100").await;
    assert_eq!(city["totals"]["total"], 2);
    assert_eq!(area(&city, 321102), 2);
    assert_eq!(
        area(&city, 320102),
        -1,
        "another city's district is on the city's map"
    );
    let batch = board("?batch=3").await;
    assert_eq!(batch["totals"]["total"], 2);
    assert_eq!((area(&batch, 320100), area(&batch, 321100)), (1, 1));
    assert_eq!(board("?batch=3&city=321100").await["totals"]["total"], 1);
    // Day ranges: inside one day; across a month edge (edge days only); whole months
    // with edges around them; whole months after an edge.
    for (q, n) in [
        ("?from=2025-06-03&to=2025-06-03", 2),
        ("?from=2025-06-02&to=2025-07-15", 3),
        ("?from=2025-05-20&to=2025-08-10", 3),
        ("?from=2025-06-04&to=2025-08-31", 1),
        ("?from=2025-07-16", 0),
    ] {
        let v = board(q).await;
        assert_eq!(v["totals"]["total"], n, "{q}");
        let mapped: i64 = v["areas"]
            .as_array()
            .expect("areas")
            .iter()
            .map(|a| a["figures"]["total"].as_i64().expect("n"))
            .sum();
        assert_eq!(mapped, n, "{q}: the map disagrees with the totals");
    }
    assert_eq!(board("?key=any").await["totals"]["total"], 1);
    assert_eq!(board("?key=none").await["totals"]["total"], 2);
    assert_eq!(
        board("?key=inspection_key&category=water").await["totals"]["total"],
        1
    );
    assert_eq!(board("?key=repeated").await["totals"]["total"], 0);
    assert_eq!(board("?category=air").await["totals"]["total"], 2);
    assert_eq!(
        board("?category=air&city=320100").await["totals"]["total"],
        0
    );

    // Bad filters: every one named, with its code; no session: 401.
    let (s, v) = call(
        &coordinator,
        "GET",
        "/api/v1/board?from=2025-13-01&city=320102&key=vip",
        None,
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![
                "board.from.invalid".to_owned(),
                "board.key.unknown".to_owned(),
                "board.city.unknown".to_owned()
            ]
        )
    );
    let (s, v) = call(
        &coordinator,
        "GET",
        "/api/v1/board?from=2025-07-02&to=2025-07-01",
        None,
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["board.range.reversed".to_owned()]
        )
    );
    let (s, _) = call(&coordinator, "GET", "/api/v1/board?nonsense=1", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = call(&Client::anonymous(&app), "GET", "/api/v1/board", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, v) = call(&handler, "GET", "/api/v1/board", None).await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "a unit's handler gets the province's figures: {v}"
    );
    // Polling: an unchanged board answers 304.
    let (s, headers, _) = exchange(
        &coordinator.app,
        coordinator.session.as_ref(),
        "GET",
        "/api/v1/board",
        &[],
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let etag = headers
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .expect("etag")
        .to_owned();
    let (s, _, _) = exchange(
        &coordinator.app,
        coordinator.session.as_ref(),
        "GET",
        "/api/v1/board",
        &[("if-none-match", &etag)],
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_MODIFIED);

    // The figures kept with every write are what a recount from the cases gives.
    let strip = |mut v: Value| {
        v["as_of"] = Value::Null;
        v
    };
    let kept: Vec<Value> = {
        let mut out = Vec::new();
        for q in [
            "",
            "?city=321100",
            "?batch=3",
            "?from=2025-05-20&to=2025-08-10",
        ] {
            out.push(strip(board(q).await));
        }
        out
    };
    assert_eq!(store.rebuild_board(true).await.expect("rebuild"), Some(3));
    for (q, before) in [
        "",
        "?city=321100",
        "?batch=3",
        "?from=2025-05-20&to=2025-08-10",
    ]
    .iter()
    .zip(&kept)
    {
        assert_eq!(
            &strip(board(q).await),
            before,
            "{q}: kept figures differ from a recount"
        );
    }
    assert_eq!(
        store.rebuild_board(false).await.expect("rebuild"),
        None,
        "an up-to-date board is recounted"
    );

    // Publication: coordinators only, concluded cases only, a reason to withdraw.
    let (s, v) = call(
        &handler,
        "POST",
        &format!("/api/v1/cases/{b}/actions"),
        Some(json!({"action": "publish"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = act(&a, json!({"action": "publish"})).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["transition.not_allowed".to_owned()]
        ),
        "{v}"
    );
    let anon = Client::anonymous(&app);
    let (s, v) = call(&anon, "GET", "/api/v1/public/batches", None).await;
    assert_eq!((s, v), (StatusCode::OK, json!([])));
    let (s, v) = act(&b, json!({"action": "publish"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, v) = call(&anon, "GET", "/api/v1/public/batches", None).await;
    assert_eq!(v, json!([{"batch": 3, "published": 1, "total": 2}]));
    let (s, v) = call(&anon, "GET", "/api/v1/public/batches/3", None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["total"], 2);
    assert_eq!(v["outcomes"]["penalty_cases"], 1);
    assert_eq!(v["rows"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["rows"][0]["reference"], "D030002");
    assert_eq!(v["rows"][0]["division"], "镇江市京口区");
    let text = v.to_string();
    assert!(
        !text.contains("张先生") && !text.contains("13912345678") && !text.contains("345678"),
        "{text}"
    );
    assert!(text.contains("罚款12万元"), "{text}");
    let (s, csv) = get_text(&anon, "/api/v1/public/batches/3/table.csv").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        csv.starts_with(
            "\u{feff}序号,交办编号,行政区域,污染类型,调查核实情况,处理和整改情况,问责情况"
        ),
        "{csv}"
    );
    assert!(
        csv.contains("约谈3人，问责1人") && !csv.contains("张先生"),
        "{csv}"
    );
    let (s, xlsx) = get_bytes(&anon, "/api/v1/public/batches/3/table.xlsx").await;
    assert_eq!(s, StatusCode::OK);
    assert!(xlsx.starts_with(b"PK"));
    let (s, v) = call(&anon, "GET", "/api/v1/public/batches/4", None).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::NOT_FOUND,
            vec!["public.batch_not_found".to_owned()]
        )
    );
    let (s, v) = act(&b, json!({"action": "unpublish"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = act(
        &b,
        json!({"action": "unpublish", "reason": "发现摘要需修改"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, _) = call(&anon, "GET", "/api/v1/public/batches/3", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "a withdrawn case is still public");
    // Cleared again, then reopened: the new outcome must be cleared anew.
    act(&b, json!({"action": "publish"})).await;
    let (s, v) = act(&b, json!({"action": "reopen", "reason": "群众再次反映"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, _) = call(&anon, "GET", "/api/v1/public/batches/3", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "a reopened case stays public");
    assert_eq!(
        board("").await["totals"]["concluded"],
        0,
        "the reopened case still counts as concluded"
    );
}

#[tokio::test]
async fn map_board_on_sqlite() {
    on_sqlite(map_board).await;
}

#[tokio::test]
async fn map_board_on_postgres() {
    on_postgres("map board", map_board).await;
}

/// `Idempotency-Key`: a retry is answered with the first answer and creates nothing,
/// also after a restart; another request under the same key is refused; refusals that
/// may pass later give the key back; a write that committed before a stop is not done
/// again.
async fn idempotency(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    use duban_server::store::{Claim, IDEMPOTENCY, IdempotencyMark};
    let state = AppState::new(store.clone()).await.expect("state");
    let app = router(state.clone(), None);
    let coordinator = Client::signed_in(
        &app,
        &state,
        "i.coord",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let other = Client::signed_in(
        &app,
        &state,
        "i.other",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let post = |c: &Client, uri: &str, key: &str, body: Value, version: Option<u64>| {
        let (c, uri, key) = (c.clone(), uri.to_owned(), key.to_owned());
        async move {
            let mut headers = vec![
                ("content-type", "application/json".to_owned()),
                ("idempotency-key", key),
            ];
            if let Some(v) = version {
                headers.push(("if-match", v.to_string()));
            }
            let headers: Vec<(&str, &str)> =
                headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (s, h, b) = exchange(
                &c.app,
                c.session.as_ref(),
                "POST",
                &uri,
                &headers,
                Some(body.to_string().into_bytes()),
            )
            .await;
            let replayed = h.get("idempotent-replayed").is_some();
            (
                s,
                serde_json::from_slice::<Value>(&b).unwrap_or(Value::Null),
                replayed,
            )
        }
    };
    let total = |c: Client| async move {
        let (s, v) = call(&c, "GET", "/api/v1/cases", None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v["total"].as_u64().expect("total")
    };

    // The first request creates; its retry is the same answer and creates nothing.
    let key = "9b2f6c1e-6a57-4f0e-8d1e-3c1f0e6d4a21";
    let (s, first, replayed) = post(&coordinator, "/api/v1/cases", key, valid_case(), None).await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    assert!(!replayed);
    let (s, again, replayed) = post(&coordinator, "/api/v1/cases", key, valid_case(), None).await;
    assert_eq!(s, StatusCode::CREATED, "{again}");
    assert!(replayed, "a retry is marked as replayed");
    assert_eq!(again, first, "a retry gets the first answer");
    assert_eq!(total(coordinator.clone()).await, 1);

    // The same object spelled with its keys in another order and spacing is the same
    // request: an outbox resends what it stored, not the bytes first sent.
    let reordered = {
        let case = valid_case();
        let fields: Vec<String> = case
            .as_object()
            .expect("object")
            .iter()
            .rev()
            .map(|(k, v)| format!("{}: {}", Value::String(k.clone()), v))
            .collect();
        format!("{{ {} }}", fields.join(", \n  "))
    };
    assert_ne!(reordered, valid_case().to_string());
    let (s, h, b) = exchange(
        &coordinator.app,
        coordinator.session.as_ref(),
        "POST",
        "/api/v1/cases",
        &[
            ("content-type", "application/json"),
            ("idempotency-key", key),
        ],
        Some(reordered.into_bytes()),
    )
    .await;
    let again: Value = serde_json::from_slice(&b).unwrap_or(Value::Null);
    assert_eq!(s, StatusCode::CREATED, "{again}");
    assert!(
        h.get("idempotent-replayed").is_some(),
        "reordered keys replay"
    );
    assert_eq!(again, first);
    assert_eq!(total(coordinator.clone()).await, 1);

    // The same key with another request is refused, and creates nothing.
    let mut changed = valid_case();
    changed["address"] = json!("另一个地址 8 号");
    let (s, v, _) = post(&coordinator, "/api/v1/cases", key, changed.clone(), None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(codes(&v), ["idempotency.key_reused"]);
    assert_eq!(total(coordinator.clone()).await, 1);

    // Keys are per account: another account's key is its own.
    let (s, theirs, replayed) = post(&other, "/api/v1/cases", key, valid_case(), None).await;
    assert_eq!(s, StatusCode::CREATED, "{theirs}");
    assert!(!replayed);
    assert_ne!(theirs["id"], first["id"]);
    assert_eq!(total(coordinator.clone()).await, 2);

    // A list page counts its total only so far: beyond the cap it says "at least".
    let capped = duban_server::store::CaseFilter {
        limit: 1,
        count_up_to: Some(0),
        ..Default::default()
    };
    let (items, counted) = store.list_cases(&capped).await.expect("list");
    assert_eq!(
        (items.len(), counted),
        (1, 1),
        "counted up to cap + 1, of 2"
    );
    let exact = duban_server::store::CaseFilter {
        limit: 1,
        ..Default::default()
    };
    assert_eq!(store.list_cases(&exact).await.expect("list").1, 2);

    // A malformed key is refused with its code.
    for bad in ["", "has space", &"k".repeat(256)] {
        let (s, v, _) = post(&coordinator, "/api/v1/cases", bad, valid_case(), None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad:?}: {v}");
        assert_eq!(codes(&v), ["idempotency.key_invalid"]);
    }

    // A validation refusal is the request's outcome: the retry gets it again.
    let mut invalid = valid_case();
    invalid["content"] = json!("");
    let (s, refused, _) = post(
        &coordinator,
        "/api/v1/cases",
        "k-invalid",
        invalid.clone(),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let (s, v, replayed) = post(&coordinator, "/api/v1/cases", "k-invalid", invalid, None).await;
    assert_eq!(
        (s, replayed),
        (StatusCode::UNPROCESSABLE_ENTITY, true),
        "{v}"
    );
    assert_eq!(v, refused);

    // A version conflict writes nothing and gives the key back.
    let id = first["id"].as_str().expect("id").to_owned();
    let version = first["version"].as_u64().expect("version");
    let actions = format!("/api/v1/cases/{id}/actions");
    let dispatch = json!({"action": "dispatch", "lead_unit": "gov-3211"});
    let (s, v, _) = post(
        &coordinator,
        &actions,
        "k-act",
        dispatch.clone(),
        Some(version + 5),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let (s, done, replayed) = post(
        &coordinator,
        &actions,
        "k-act",
        dispatch.clone(),
        Some(version),
    )
    .await;
    assert_eq!((s, replayed), (StatusCode::OK, false), "{done}");
    assert_eq!(done["status"], "dispatched", "{done}");

    // After a restart the record is still there.
    let state = AppState::new(store.clone()).await.expect("restart");
    let app = router(state.clone(), None);
    let coordinator = Client {
        app,
        session: coordinator.session,
    };
    let (s, v, replayed) = post(&coordinator, "/api/v1/cases", key, valid_case(), None).await;
    assert_eq!((s, replayed), (StatusCode::CREATED, true), "{v}");
    assert_eq!(v, first);
    let (s, v, replayed) = post(&coordinator, &actions, "k-act", dispatch, Some(version)).await;
    assert_eq!((s, replayed), (StatusCode::OK, true), "{v}");
    assert_eq!(v, done);
    assert_eq!(total(coordinator.clone()).await, 2);

    // A stop between a committed write and its kept answer: the write is not done
    // again. A stop before any write committed leaves nothing: the request may run again.
    let now = chrono::Utc::now().timestamp_millis();
    assert_eq!(
        store
            .idempotency_record("p", "lost", "f")
            .await
            .expect("record"),
        Claim::New
    );
    let mark = IdempotencyMark {
        principal: "p".to_owned(),
        key: "lost".to_owned(),
        fingerprint: "f".to_owned(),
        created_at: now,
    };
    IDEMPOTENCY
        .scope(mark, async {
            state
                .create_user(
                    "i.lost",
                    "i.lost",
                    Role::Leader,
                    None,
                    "password",
                    &Who::system(),
                    "test",
                )
                .await
                .expect("user");
        })
        .await;
    let _restarted = AppState::new(store.clone()).await.expect("restart");
    assert_eq!(
        store
            .idempotency_record("p", "lost", "f")
            .await
            .expect("record"),
        Claim::Lost
    );
    assert_eq!(
        store
            .idempotency_record("p", "lost", "other")
            .await
            .expect("record"),
        Claim::Mismatch
    );
    assert!(store.idempotency_written("p", "lost").await.expect("read"));
    assert!(!store.idempotency_written("p", "cut").await.expect("read"));
    assert_eq!(
        store
            .idempotency_record("p", "cut", "f")
            .await
            .expect("record"),
        Claim::New
    );

    // The document says so for every creating request, and not for signing in.
    let doc = duban_server::openapi::document();
    let takes_key = |path: &str| {
        doc["paths"][path]["post"]["parameters"]
            .as_array()
            .is_some_and(|ps| {
                ps.iter()
                    .any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header")
            })
    };
    assert!(takes_key("/api/v1/cases"));
    assert!(takes_key("/api/v1/cases/{id}/actions"));
    assert!(!takes_key("/api/v1/auth/login"));
}

#[tokio::test]
async fn idempotency_on_sqlite() {
    on_sqlite(idempotency).await;
}

#[tokio::test]
async fn idempotency_on_postgres() {
    on_postgres("idempotency keys", idempotency).await;
}
