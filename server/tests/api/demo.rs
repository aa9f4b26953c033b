//! The demo set (`duban serve --demo`): after `load_demo` and the first sweep every
//! public endpoint answers real content, and each role finds work waiting.

use super::*;
use duban_api::board::{GeoJiangsu, GetBoard};
use duban_api::calendar::CalendarYear;
use duban_api::cases::{ListCases, ListQuery};
use duban_api::connect::ListApiClients;
use duban_api::dispatch::Clearing;
use duban_api::health::OpenApiDocument;
use duban_api::inbox::GetInbox;
use duban_api::incidents::{GetIncident, ListIncidents};
use duban_api::keys::{BatchKey, IncidentKey, YearKey};
use duban_api::public::{GetPublicBatch, PublicBatches, PublicTableCsv, PublicTableXlsx};
use duban_api::referrals::MyReferrals;
use duban_board::filter::BoardQuery;

/// GET without a session: status and body bytes.
async fn public_get(app: &Router, uri: &str) -> (StatusCode, Vec<u8>) {
    let (status, _, body) = exchange(app, None, "GET", uri, &[], None).await;
    (status, body)
}

/// GET without a session, as JSON; the answer must be 200.
async fn public_json(app: &Router, uri: &str) -> Value {
    let (status, body) = public_get(app, uri).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{uri}: {}",
        String::from_utf8_lossy(&body)
    );
    serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{uri}: {e}"))
}

fn non_empty(v: &Value) -> bool {
    v.as_array().is_some_and(|a| !a.is_empty())
}

/// The actions waiting in a user's inbox.
async fn inbox_actions(app: &Client) -> Vec<String> {
    let (s, inbox) = at::<GetInbox>(app, &(), &(), None).await;
    assert_eq!(s, StatusCode::OK, "{inbox}");
    inbox["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["action"].as_str().map(str::to_owned))
        .collect()
}

async fn demo_content(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    let state = AppState::new(store).await.expect("state");
    let app = router(state.clone(), None);
    // The demo's accounts with a known password (the demo keeps existing accounts).
    let coordinator = Client::signed_in(
        &app,
        &state,
        "coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let admin = Client::signed_in(&app, &state, "admin", Role::Admin, None).await;
    let handler = Client::signed_in(&app, &state, "handler", Role::Handler, Some("gov-3211")).await;
    let supervisor = Client::signed_in(
        &app,
        &state,
        "supervisor",
        Role::Supervisor,
        Some("prov-coord"),
    )
    .await;
    let leader = Client::signed_in(&app, &state, "leader", Role::Leader, Some("prov-coord")).await;
    let made = duban_server::seed::load_demo(&state).await.expect("demo");
    assert!(made >= 70, "{made} cases");
    assert_eq!(
        duban_server::seed::load_demo(&state).await.expect("again"),
        0
    );
    // What `duban serve` does first: a sweep fires the steps that are due.
    state.sweep(state.now()).await.expect("sweep");
    assert_eq!(total(&coordinator).await, made as u64);

    // The public disclosure: a published batch with every kind of outcome, no names.
    let batches = public_json(&app, &PublicBatches::url(&(), &())).await;
    assert_eq!(batches[0]["batch"], 1, "{batches}");
    assert_eq!(batches[0]["published"], batches[0]["total"], "{batches}");
    let batch = public_json(&app, &GetPublicBatch::url(&BatchKey { batch: 1 }, &())).await;
    let o = &batch["outcomes"];
    for figure in [
        "concluded",
        "rectification_orders",
        "penalty_cases",
        "fines_yuan",
        "criminal_cases",
        "officials_summoned",
        "officials_accountable",
    ] {
        assert!(o[figure].as_i64() > Some(0), "{figure}: {o}");
    }
    assert!(
        batch["rows"].as_array().map(Vec::len) == batch["total"].as_u64().map(|n| n as usize),
        "every case of batch 1 is published: {batch}"
    );
    let text = batch.to_string();
    for name in [
        "张先生",
        "李女士",
        "王先生",
        "刘女士",
        "陈先生",
        "周女士",
        "139",
    ] {
        assert!(!text.contains(name), "the disclosure shows {name}: {text}");
    }
    let first = BatchKey { batch: 1 };
    for (ext, uri) in [
        ("csv", PublicTableCsv::url(&first, &())),
        ("xlsx", PublicTableXlsx::url(&first, &())),
    ] {
        let (s, body) = public_get(&app, &uri).await;
        assert_eq!(s, StatusCode::OK, "{ext}");
        assert!(body.len() > 500, "the {ext} table has {} bytes", body.len());
    }

    // Open311: services, the requests the app posted (one closed with its result).
    assert!(non_empty(
        &public_json(&app, "/open311/v2/services.json").await
    ));
    let noise = public_json(&app, "/open311/v2/services/noise.json").await;
    assert!(non_empty(&noise["attributes"]), "{noise}");
    let requests = public_json(&app, "/open311/v2/requests.json").await;
    let list = requests.as_array().expect("requests");
    assert!(list.len() >= 2, "{requests}");
    assert!(
        list.iter()
            .any(|r| r["status"] == "closed"
                && r["status_notes"].as_str().is_some_and(|n| n.len() > 20)),
        "a closed request with its result: {requests}"
    );
    let id = list[0]["service_request_id"].as_str().expect("id");
    assert!(non_empty(
        &public_json(&app, &format!("/open311/v2/requests/{id}.json")).await
    ));
    let (s, xml) = public_get(&app, "/open311/v2/requests.xml").await;
    assert!(s == StatusCode::OK && xml.len() > 500, "{s}");

    // The other pages without a session: boundaries, the calendar, the API document.
    let geo = public_json(&app, &GeoJiangsu::url(&(), &())).await;
    assert!(non_empty(&geo["features"]));
    let year = chrono::Datelike::year(&chrono::Utc::now());
    let calendar = public_json(&app, &CalendarYear::url(&YearKey::new(year), &())).await;
    assert!(calendar.as_array().is_some_and(|d| d.len() >= 365));
    let api = public_json(&app, &OpenApiDocument::url(&(), &())).await;
    assert!(api["paths"].as_object().is_some_and(|p| p.len() > 20));

    // Each role finds its work.
    let mine = inbox_actions(&coordinator).await;
    for action in ["dispatch", "review", "return_visit", "decide_extension"] {
        assert!(mine.iter().any(|a| a == action), "coordinator: {mine:?}");
    }
    let mine = inbox_actions(&supervisor).await;
    for action in ["close_order", "review_report"] {
        assert!(mine.iter().any(|a| a == action), "supervisor: {mine:?}");
    }
    let mine = inbox_actions(&handler).await;
    assert!(mine.iter().any(|a| a == "report"), "handler: {mine:?}");
    let mine = inbox_actions(&leader).await;
    assert!(mine.iter().any(|a| a == "summon"), "leader: {mine:?}");

    // The mechanisms and the board.
    let (_, incidents) = at::<ListIncidents>(&coordinator, &(), &(), None).await;
    let running = &incidents[0];
    assert_ne!(running["status"], "closed", "{incidents}");
    let (_, one) = at::<GetIncident>(
        &coordinator,
        &IncidentKey::new(running["id"].as_str().expect("id")),
        &(),
        None,
    )
    .await;
    assert!(
        one["incident"]["linkages"].as_array().map(Vec::len) > Some(1),
        "linked departments: {one}"
    );
    let (_, referrals) = at::<MyReferrals>(&coordinator, &(), &(), None).await;
    assert_eq!(referrals.as_array().map(Vec::len), Some(1), "{referrals}");
    let (_, board) = at::<GetBoard>(&leader, &(), &BoardQuery::default(), None).await;
    assert!(
        board["outcomes"]["rectification_orders"].as_i64() > Some(0),
        "{board}"
    );
    assert!(board["totals"]["overdue"].as_i64() > Some(0), "{board}");
    let (_, clearing) = at::<Clearing>(&coordinator, &(), &(), None).await;
    assert!(non_empty(&clearing["rows"]), "{clearing}");
    let (_, clients) = at::<ListApiClients>(&admin, &(), &(), None).await;
    let kinds: Vec<&str> = clients
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"hotline") && kinds.contains(&"open311"),
        "{clients}"
    );
    let (_, cases) = at::<ListCases>(
        &coordinator,
        &(),
        &ListQuery {
            limit: Some(200),
            ..Default::default()
        },
        None,
    )
    .await;
    let channels: Vec<&str> = cases["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["channel"].as_str())
        .collect();
    assert!(
        channels.contains(&"hotline_12345") && channels.contains(&"online"),
        "{channels:?}"
    );
}

both!(demo_content, "demo content" => demo_content_on_sqlite, demo_content_on_postgres);
