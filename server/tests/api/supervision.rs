//! Follow-up supervision: orders, answers and attachments.

use super::*;

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

both!(follow_up_supervision, "supervision test" => follow_up_supervision_on_sqlite, follow_up_supervision_on_postgres);
