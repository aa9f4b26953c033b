//! Concurrent writers: many changes to one case, racing imports and batch dispatches.

use super::*;
use duban_api::cases::{ActOnCase, CaseEvents, CreateCase, GetCase, ListCases, ListQuery};
use duban_api::dispatch::DispatchBatch;
use duban_api::import::{CommitImport, ImportQuery};
use duban_api::keys::CaseKey;

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
    let (s, v) = at::<CreateCase>(&app, &(), &(), Some(valid_case())).await;
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
                let (s, case) = at::<GetCase>(&app, &CaseKey::new(&*id), &(), None).await;
                assert_eq!(s, StatusCode::OK, "{case}");
                let version = case["version"].as_u64().expect("version");
                let body = if case["paused"] == true {
                    json!({"action": "resume"})
                } else {
                    json!({"action": "pause", "reason": "等待监测报告"})
                };
                let (s, v) = at_with::<ActOnCase>(
                    &app,
                    &CaseKey::new(id.as_str()),
                    &(),
                    Some(body),
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
    let (_, case) = at::<GetCase>(&app, &CaseKey::new(&*id), &(), None).await;
    assert_eq!(case["version"].as_u64(), Some(1 + landed), "no change lost");
    assert_eq!(case["paused"], json!(landed % 2 == 1));
    let (_, events) = at::<CaseEvents>(&app, &CaseKey::new(&*id), &(), None).await;
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
    let commit = CommitImport::url(
        &(),
        &ImportQuery {
            file_name: Some("b7.csv".into()),
            ..Default::default()
        },
    );
    let imports = futures_util::future::join_all((0..CLIENTS).map(|_| {
        let (app, list, uri) = (app.clone(), list.clone(), commit.clone());
        async move { upload_raw(&app, &uri, list).await }
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
    let (_, page) = at::<ListCases>(
        &app,
        &(),
        &ListQuery {
            batch: Some(7),
            limit: Some(200),
            ..Default::default()
        },
        None,
    )
    .await;
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
                let (s, v) = at::<DispatchBatch>(&app, &(), &(), Some(body)).await;
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
                    let (_, case) = at::<GetCase>(&app, &CaseKey::new(id), &(), None).await;
                    let body = if action == "pause" {
                        json!({"action": "pause", "reason": "等待监测报告"})
                    } else {
                        json!({"action": "resume"})
                    };
                    let (s, v) = at_with::<ActOnCase>(
                        &app,
                        &CaseKey::new(id.as_str()),
                        &(),
                        Some(body),
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
        let (_, case) = at::<GetCase>(&app, &CaseKey::new(id), &(), None).await;
        if case["paused"] == true {
            let (s, v) = at_with::<ActOnCase>(
                &app,
                &CaseKey::new(id.as_str()),
                &(),
                Some(json!({"action": "resume"})),
                &[("if-match", &case["version"].to_string())],
            )
            .await;
            assert_eq!(s, StatusCode::OK, "{v}");
        }
    }
    let (s, v) =
        at::<DispatchBatch>(&app, &(), &(), Some(json!({"batch": 7, "note": "补交办"}))).await;
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

both!(concurrent_batch, "concurrent batch test" => concurrent_batch_on_sqlite, concurrent_batch_on_postgres; multi_thread);

both!(concurrent_changes, "concurrency test" => concurrent_changes_on_sqlite, concurrent_changes_on_postgres; multi_thread);
