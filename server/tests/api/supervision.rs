//! Follow-up supervision: orders, answers and attachments.

use super::*;
use duban_api::attachments::{DownloadAttachment, UploadAttachment};
use duban_api::audit::CaseAudit;
use duban_api::cases::{ActOnCase, CreateCase};
use duban_api::keys::{AttachmentKey, CaseKey};
use duban_api::supervision::{CaseSupervision, Supervise};

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
    let (_, created) = at::<CreateCase>(&coordinator, &(), &(), Some(key)).await;
    let id = created["id"].as_str().expect("id").to_owned();
    let (_, plain) = at::<CreateCase>(&coordinator, &(), &(), Some(valid_case())).await;
    let plain_id = plain["id"].as_str().expect("id").to_owned();
    at::<ActOnCase>(
        &coordinator,
        &CaseKey::new(&*id),
        &(),
        Some(json!({"action": "dispatch", "lead_unit": "gov-3211"})),
    )
    .await;
    let case = CaseKey::new(&*id);

    let (s, v) = at::<Supervise>(
        &coordinator,
        &CaseKey::new(&*plain_id),
        &(),
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
    let (s, v) = at::<Supervise>(
        &coordinator,
        &case,
        &(),
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
    let (s, v) = at::<Supervise>(
        &supervisor,
        &case,
        &(),
        Some(json!({"action": "assign", "supervisor": "s.supervisor"})),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "supervisors do not assign themselves: {v}"
    );
    let (s, v) = at::<Supervise>(
        &coordinator,
        &case,
        &(),
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
    let (s, _) = at::<Supervise>(&other_sup, &case, &(), Some(order.clone())).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = at::<Supervise>(&supervisor, &case, &(), Some(order.clone())).await;
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
    let (s, v) = at::<Supervise>(&supervisor, &case, &(), Some(bad)).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["unit.unknown".to_owned()]
        )
    );

    // The unit answers; the supervisor accepts.
    let (s, v) = at::<Supervise>(&zhenjiang, &case, &(), Some(json!({"action": "answer_order", "number": number, "answer": "已现场查处，企业停产整改。"}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["supervision"]["orders"][0]["clock"]["stopped_at"].is_string());
    let (s, _) = at::<Supervise>(
        &supervisor,
        &case,
        &(),
        Some(json!({"action": "close_order", "number": number, "accept": true})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);

    // A photo: type and size are checked against the bytes.
    let files = UploadAttachment::url(&case, &());
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
    let (s, bytes) = get_text(
        &zhenjiang,
        &DownloadAttachment::url(&AttachmentKey::new(&*photo_id), &()),
    )
    .await;
    assert_eq!(
        (s, bytes.len()),
        (StatusCode::OK, String::from_utf8_lossy(PNG).len())
    );
    let nanjing =
        Client::signed_in(&app, &state, "s.nanjing", Role::Handler, Some("gov-3201")).await;
    let (s, _) = get_text(
        &nanjing,
        &DownloadAttachment::url(&AttachmentKey::new(&*photo_id), &()),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "files keep to the case's jurisdiction"
    );

    let visit = json!({"action": "record_visit", "date": "2025-06-04", "inspectors": ["李明", "王芳"],
        "findings": "现场发现企业雨水排口有废水外排痕迹，已取样送检。", "finding": "substantiated",
        "attachments": [photo_id]});
    let (s, v) = at::<Supervise>(&supervisor, &case, &(), Some(visit)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v["supervision"]["visits"][0]["attachments"][0]["name"],
        "现场.png"
    );

    // Reports, reviewed one by one; the leader only reads.
    let (s, _) = at::<Supervise>(&zhenjiang, &case, &(), Some(json!({"action": "submit_report", "kind": "progress", "text": "企业已停产，正在拆除违规管道。"}))).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = at::<Supervise>(
        &supervisor,
        &case,
        &(),
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
    let (s, _) = at::<Supervise>(&supervisor, &case, &(), Some(json!({"action": "review_report", "report": 1, "approve": false, "comments": "请附整改照片"}))).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = at::<Supervise>(
        &leader,
        &case,
        &(),
        Some(json!({"action": "review_report", "report": 1, "approve": true})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, view) = at::<CaseSupervision>(&leader, &case, &(), None).await;
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
    let (_, trail) = at::<CaseAudit>(&coordinator, &CaseKey::new(&*id), &(), None).await;
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
