//! Repeat complaints: found, confirmed and merged.

use super::*;
use duban_api::cases::{ActOnCase, CaseEvents, CreateCase, GetCase};
use duban_api::keys::CaseKey;
use duban_api::repeats::{
    CaseRepeats, CheckRepeats, MergeRepeat, RepeatSettings, UpdateRepeatSettings,
};

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
    let (_, a) = at::<CreateCase>(&coordinator, &(), &(), Some(valid_case())).await;
    let a_id = a["id"].as_str().expect("id").to_owned();
    let mut other = valid_case();
    other["content"] = json!("丹阳市某印染厂废水直排河道，河水发黑发臭，鱼都死了。");
    other["division"] = json!("321181");
    other["address"] = json!("丹阳市开发区");
    other["complainant_phone"] = json!("13800001111");
    other["lat"] = json!(32.0);
    other["lon"] = json!(119.6);
    at::<CreateCase>(&coordinator, &(), &(), Some(other.clone())).await;

    // The same factory again, worded differently by the same caller.
    let mut again = valid_case();
    again["content"] =
        json!("京口区那家化工企业又在夜里偷排废气了，味道刺鼻，上次反映的问题还没解决。");
    again["sender_ref"] = json!("D030999");
    let (s, found) = at::<CheckRepeats>(&coordinator, &(), &(), Some(again.clone())).await;
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
    let (s, _) = at::<CheckRepeats>(&handler, &(), &(), Some(again.clone())).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let mut unrelated = again.clone();
    unrelated["content"] = json!("南京市鼓楼区某酒吧深夜噪声扰民，音乐声很大。");
    unrelated["division"] = json!("320106");
    unrelated["complainant_phone"] = json!("13700002222");
    unrelated["lat"] = json!(32.06);
    unrelated["lon"] = json!(118.77);
    let (_, none) = at::<CheckRepeats>(&coordinator, &(), &(), Some(unrelated)).await;
    assert_eq!(none, json!([]), "{none}");

    let (_, b) = at::<CreateCase>(&coordinator, &(), &(), Some(again)).await;
    let b_id = b["id"].as_str().expect("id").to_owned();
    let (s, cands) = at::<CaseRepeats>(&coordinator, &CaseKey::new(&*b_id), &(), None).await;
    assert_eq!(s, StatusCode::OK, "{cands}");
    assert_eq!(cands[0]["case_id"], a_id.as_str(), "{cands}");
    assert!(
        !cands.to_string().contains(&b_id),
        "a case is no repeat of itself"
    );

    let b_case = CaseKey::new(&*b_id);
    let (s, v) = at::<MergeRepeat>(
        &coordinator,
        &b_case,
        &(),
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
    let (s, v) = at::<MergeRepeat>(&handler, &b_case, &(), Some(json!({"primary": a_id}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    // People name the primary by its reference, and say why.
    let a_ref = a["reference"].as_str().expect("reference").to_owned();
    let (s, v) = at::<MergeRepeat>(
        &coordinator,
        &b_case,
        &(),
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
    let (s, v) = at::<MergeRepeat>(
        &coordinator,
        &b_case,
        &(),
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
    let (s, merged) = at::<ActOnCase>(
        &coordinator,
        &CaseKey::new(&*b_id),
        &(),
        Some(json!({"action": "merge", "primary": a_ref, "reason": "同一企业同一问题"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{merged}");
    assert_eq!(merged["status"], "merged");
    let (_, primary) = at::<GetCase>(&coordinator, &CaseKey::new(&*a_id), &(), None).await;
    assert!(
        primary["key_classes"].to_string().contains("repeated"),
        "{primary}"
    );
    let (_, events) = at::<CaseEvents>(&coordinator, &CaseKey::new(&*a_id), &(), None).await;
    assert!(
        events.to_string().contains("repeat_attached")
            && events
                .to_string()
                .contains(b["reference"].as_str().expect("ref")),
        "{events}"
    );
    let (_, events) = at::<CaseEvents>(&coordinator, &CaseKey::new(&*b_id), &(), None).await;
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
    let (_, cands) = at::<CaseRepeats>(&coordinator, &CaseKey::new(&*a_id), &(), None).await;
    assert!(!cands.to_string().contains(&b_id), "{cands}");

    // Settings: administrators only, checked by the crate.
    let (s, v) = at::<UpdateRepeatSettings>(
        &coordinator,
        &(),
        &(),
        Some(json!({"settings": {"window_days": 30}, "reason": "缩短"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = at::<UpdateRepeatSettings>(
        &admin,
        &(),
        &(),
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
    let (s, v) = at::<UpdateRepeatSettings>(
        &admin,
        &(),
        &(),
        Some(json!({"settings": {"window_days": 30}, "reason": "缩短窗口"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        at::<RepeatSettings>(&coordinator, &(), &(), None).await.1["window_days"],
        30
    );
}

both!(repeat_complaints, "repeat test" => repeat_complaints_on_sqlite, repeat_complaints_on_postgres);
