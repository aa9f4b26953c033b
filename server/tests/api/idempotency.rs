//! `Idempotency-Key`: retries answered from the record.

use super::*;
use duban_api::cases::{ActOnCase, CreateCase, ListCases, ListQuery};
use duban_api::keys::CaseKey;

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
        let (s, v) = at::<ListCases>(&c, &(), &ListQuery::default(), None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v["total"].as_u64().expect("total")
    };

    let cases = CreateCase::url(&(), &());
    // The first request creates; its retry is the same answer and creates nothing.
    let key = "9b2f6c1e-6a57-4f0e-8d1e-3c1f0e6d4a21";
    let (s, first, replayed) = post(&coordinator, &cases, key, valid_case(), None).await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    assert!(!replayed);
    let (s, again, replayed) = post(&coordinator, &cases, key, valid_case(), None).await;
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
        CreateCase::METHOD.as_str(),
        &cases,
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
    let (s, v, _) = post(&coordinator, &cases, key, changed.clone(), None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(codes(&v), ["idempotency.key_reused"]);
    assert_eq!(total(coordinator.clone()).await, 1);

    // Keys are per account: another account's key is its own.
    let (s, theirs, replayed) = post(&other, &cases, key, valid_case(), None).await;
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
        let (s, v, _) = post(&coordinator, &cases, bad, valid_case(), None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad:?}: {v}");
        assert_eq!(codes(&v), ["idempotency.key_invalid"]);
    }

    // A validation refusal is the request's outcome: the retry gets it again.
    let mut invalid = valid_case();
    invalid["content"] = json!("");
    let (s, refused, _) = post(&coordinator, &cases, "k-invalid", invalid.clone(), None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let (s, v, replayed) = post(&coordinator, &cases, "k-invalid", invalid, None).await;
    assert_eq!(
        (s, replayed),
        (StatusCode::UNPROCESSABLE_ENTITY, true),
        "{v}"
    );
    assert_eq!(v, refused);

    // A version conflict writes nothing and gives the key back.
    let id = first["id"].as_str().expect("id").to_owned();
    let version = first["version"].as_u64().expect("version");
    let actions = ActOnCase::url(&CaseKey::new(&*id), &());
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
    let (s, v, replayed) = post(&coordinator, &cases, key, valid_case(), None).await;
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
                    PASSWORD,
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
    assert!(takes_key(CreateCase::PATH));
    assert!(takes_key(ActOnCase::PATH));
    assert!(!takes_key(Login::PATH));
}

both!(idempotency, "idempotency keys" => idempotency_on_sqlite, idempotency_on_postgres);
