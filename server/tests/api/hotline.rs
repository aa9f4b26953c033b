//! The 12345 hotline platform: work orders pushed in, their status pulled back.

use super::*;
use duban_api::audit::CaseAudit;
use duban_api::cases::{ActOnCase, GetCase};
use duban_api::connect::{
    CreateApiClient, HotlineOrderStatus, ListApiClients, PushHotlineOrder, UpdateApiClient,
};
use duban_api::keys::{ApiClientKey, CaseKey, OrderKey};

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
    let (s, v) = at::<CreateApiClient>(
        &admin,
        &(),
        &(),
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
    let (s, v) =
        at::<CreateApiClient>(&admin, &(), &(), Some(connect("江苏12345", "hotline"))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let key = v["api_key"].as_str().expect("key").to_owned();
    let client_id = v["client"]["id"].as_str().expect("id").to_owned();
    let (_, v) =
        at::<CreateApiClient>(&admin, &(), &(), Some(connect("镇江12345", "hotline"))).await;
    let other_key = v["api_key"].as_str().expect("key").to_owned();
    let (_, v) =
        at::<CreateApiClient>(&admin, &(), &(), Some(connect("某开放平台", "open311"))).await;
    let open311_key = v["api_key"].as_str().expect("key").to_owned();
    let (_, list) = at::<ListApiClients>(&admin, &(), &(), None).await;
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
        let body = body.clone();
        let anon = Client::anonymous(&app);
        async move {
            at_with::<PushHotlineOrder>(&anon, &(), &(), Some(body), &[("x-api-key", &key)]).await
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
    let (_, case) = at::<GetCase>(&coordinator, &CaseKey::new(case_id), &(), None).await;
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
    let (_, trail) = at::<CaseAudit>(&coordinator, &CaseKey::new(case_id), &(), None).await;
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
        let order_key = OrderKey::new(no);
        let anon = Client::anonymous(&app);
        async move {
            at_with::<HotlineOrderStatus>(
                &anon,
                &order_key,
                &(),
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
    at::<ActOnCase>(
        &coordinator,
        &CaseKey::new(case_id),
        &(),
        Some(json!({"action": "dispatch", "lead_unit": "gov-3211"})),
    )
    .await;
    assert_eq!(get(&key, "GD20250603001").await.1["status"], "dispatched");
    assert_eq!(get(&key, "GD404").await.0, StatusCode::NOT_FOUND);
    let (s, v) = get(&other_key, "GD20250603001").await;
    assert_ne!(v["case_id"], first["case_id"], "{s} {v}");

    // A disabled platform is shut out at once.
    let (s, _) = at::<UpdateApiClient>(
        &admin,
        &ApiClientKey::new(&*client_id),
        &(),
        Some(json!({"disabled": true, "reason": "平台停用"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(get(&key, "GD20250603001").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(push(&key, &order).await.0, StatusCode::UNAUTHORIZED);
}

both!(hotline_12345, "hotline test" => hotline_12345_on_sqlite, hotline_12345_on_postgres);
