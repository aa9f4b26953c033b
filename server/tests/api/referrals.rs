//! Horizontal referrals between departments.

use super::*;
use duban_api::audit::CaseAudit;
use duban_api::cases::{ActOnCase, CreateCase, GetCase};
use duban_api::keys::{CaseKey, ReferralKey};
use duban_api::referrals::{ActOnReferral, CaseReferrals, GetReferral, MyReferrals, Refer};

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
    let (_, created) = at::<CreateCase>(&coordinator, &(), &(), Some(valid_case())).await;
    let id = created["id"].as_str().expect("id").to_owned();
    at::<ActOnCase>(
        &coordinator,
        &CaseKey::new(&*id),
        &(),
        Some(json!({"action": "dispatch", "lead_unit": "gov-3211"})),
    )
    .await;
    let case = CaseKey::new(&*id);
    assert_eq!(
        at::<GetCase>(&housing, &case, &(), None).await.0,
        StatusCode::NOT_FOUND
    );

    let send = |to: &str| {
        json!({"action": "send", "from_unit": "prov-coord", "to_unit": to,
        "subject": "小区生活污水直排", "text": "请住建厅协同核查该小区雨污管网混接问题。", "amount": 2, "unit": "working_days"})
    };
    let (s, v) = at::<Refer>(&coordinator, &case, &(), Some(send("dept-nowhere"))).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["unit.unknown".to_owned()]
        )
    );
    let (s, v) = at::<Refer>(&coordinator, &case, &(), Some(send("prov-coord"))).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["to_unit.same_as_sender".to_owned()]
        )
    );
    let (s, v) = at::<Refer>(&coordinator, &case, &(), Some(send("dept-zjt"))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["referral"]["clock"]["stage"], "referral");
    let rid = v["referral"]["id"].as_str().expect("id").to_owned();
    let referral = ReferralKey::new(&*rid);

    // The department now sees the case, in its list and its referral inbox.
    assert_eq!(
        at::<GetCase>(&housing, &case, &(), None).await.0,
        StatusCode::OK
    );
    assert_eq!(total(&housing).await, 1);
    let (_, inbox) = at::<MyReferrals>(&housing, &(), &(), None).await;
    assert_eq!(
        (inbox[0]["referral"]["id"].as_str(), &inbox[0]["allowed"]),
        (Some(rid.as_str()), &json!(["acknowledge", "reply"]))
    );
    assert_eq!(
        at::<GetReferral>(&water, &referral, &(), None).await.0,
        StatusCode::NOT_FOUND
    );
    let (s, _) = at::<ActOnReferral>(
        &zhenjiang,
        &referral,
        &(),
        Some(json!({"action": "acknowledge"})),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "the lead unit is not a party");

    let (s, v) = at::<ActOnReferral>(
        &housing,
        &referral,
        &(),
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
        at::<ActOnReferral>(
            &housing,
            &referral,
            &(),
            Some(json!({"action": "acknowledge"}))
        )
        .await
        .0,
        StatusCode::OK
    );
    assert_eq!(
        at::<ActOnReferral>(
            &housing,
            &referral,
            &(),
            Some(json!({"action": "reply", "text": "需要水利厅配合排查排口"}))
        )
        .await
        .0,
        StatusCode::OK
    );
    let (s, v) = at::<ActOnReferral>(
        &housing,
        &referral,
        &(),
        Some(json!({"action": "close", "summary": "结束"})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "not answered yet: {v}");
    let (s, v) = at::<ActOnReferral>(
        &coordinator,
        &referral,
        &(),
        Some(json!({"action": "set_joint", "lead": "dept-zjt", "co_handlers": ["dept-slt"]})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        at::<GetCase>(&water, &case, &(), None).await.0,
        StatusCode::OK,
        "co-handlers see the case"
    );
    assert_eq!(
        at::<ActOnReferral>(
            &water,
            &referral,
            &(),
            Some(json!({"action": "reply", "text": "水利厅已安排排口排查"}))
        )
        .await
        .0,
        StatusCode::OK
    );
    let (s, v) = at::<ActOnReferral>(
        &housing,
        &referral,
        &(),
        Some(json!({"action": "answer", "text": "管网混接点已封堵，限期一月完成改造。"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["referral"]["clock"]["stopped_at"].is_string());
    let (s, _) = at::<ActOnReferral>(
        &housing,
        &referral,
        &(),
        Some(json!({"action": "close", "summary": "结束"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the sender closes");
    let (s, v) = at::<ActOnReferral>(
        &coordinator,
        &referral,
        &(),
        Some(json!({"action": "close", "summary": "住建厅牵头完成整改"})),
    )
    .await;
    assert_eq!(
        (s, v["referral"]["status"].as_str()),
        (StatusCode::OK, Some("closed"))
    );

    // All of it is on the case: its referrals, their events, the audit trail.
    let (_, list) = at::<CaseReferrals>(&zhenjiang, &case, &(), None).await;
    assert_eq!(list[0]["events"].as_array().map(Vec::len), Some(7));
    assert_eq!(list[0]["allowed"], json!([]));
    let (_, trail) = at::<CaseAudit>(&coordinator, &CaseKey::new(&*id), &(), None).await;
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

both!(horizontal_referral, "referral test" => horizontal_referral_on_sqlite, horizontal_referral_on_postgres);
