//! Emergency linkage: incidents declared and acknowledged.

use super::*;
use duban_api::audit::{AuditQuery, SearchAudit};
use duban_api::cases::{CreateCase, GetCase};
use duban_api::incidents::{
    ActOnIncident, DeclareIncident, DeclareIncidentFromCase, EmergencyPlans, GetIncident,
    ListIncidents, UpdateEmergencyPlans,
};
use duban_api::keys::{CaseKey, IncidentKey};

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
    let (_, created) = at::<CreateCase>(&coordinator, &(), &(), Some(valid_case())).await;
    let id = created["id"].as_str().expect("id").to_owned();

    let declare = json!({"action": "declare", "title": "化工园区废水泄漏入河", "incident_type": "water_pollution",
        "severity": "III", "division": "321102", "address": "京口区某化工园区排口"});
    let (s, v) = at::<DeclareIncident>(&zhenjiang, &(), &(), Some(declare.clone())).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let mut bad = declare.clone();
    bad["severity"] = json!("V");
    let (s, v) =
        at::<DeclareIncidentFromCase>(&coordinator, &CaseKey::new(&*id), &(), Some(bad)).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["severity.invalid".to_owned()]
        )
    );
    let (s, v) =
        at::<DeclareIncidentFromCase>(&coordinator, &CaseKey::new(&*id), &(), Some(declare)).await;
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
    let incident = IncidentKey::new(&*iid);

    // The linked department sees the incident and its case, acknowledges and reports.
    let (_, mine) = at::<ListIncidents>(&env, &(), &(), None).await;
    assert_eq!(mine[0]["id"].as_str(), Some(iid.as_str()));
    assert_eq!(
        at::<GetCase>(&env, &CaseKey::new(&*id), &(), None).await.0,
        StatusCode::OK
    );
    let (_, board) = at::<GetIncident>(&env, &incident, &(), None).await;
    assert_eq!(
        (&board["allowed"], &board["my_units"]),
        (&json!(["acknowledge", "report"]), &json!(["dept-sthjt"]))
    );
    let (s, _) = at::<ActOnIncident>(
        &env,
        &incident,
        &(),
        Some(json!({"action": "acknowledge", "unit": "dept-slt"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "only for its own unit");
    assert_eq!(
        at::<ActOnIncident>(
            &env,
            &incident,
            &(),
            Some(json!({"action": "acknowledge", "unit": "dept-sthjt"}))
        )
        .await
        .0,
        StatusCode::OK
    );
    let (s, v) = at::<ActOnIncident>(&env, &incident, &(), Some(json!({"action": "report", "unit": "dept-sthjt", "text": "已在下游500米处设置监测点，COD超标3倍。"}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["incident"]["linkages"][0]["acknowledged_at"].is_string());
    assert_eq!(
        at::<GetIncident>(&zhenjiang, &incident, &(), None).await.0,
        StatusCode::NOT_FOUND
    );

    // Polling: an unchanged board is a 304.
    let (s, answer, _) = exchange(
        &app,
        env.session.as_ref(),
        GetIncident::METHOD.as_str(),
        &GetIncident::url(&incident, &()),
        &[],
        None,
    )
    .await;
    let etag = answer
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert_eq!((s, etag.as_str()), (StatusCode::OK, "\"v3\""));
    let (s, _) =
        at_with::<GetIncident>(&env, &incident, &(), None, &[("if-none-match", &etag)]).await;
    assert_eq!(s, StatusCode::NOT_MODIFIED);

    // Escalation adds the graver plan's departments.
    let (s, _) = at::<ActOnIncident>(
        &env,
        &incident,
        &(),
        Some(json!({"action": "escalate", "severity": "II"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = at::<ActOnIncident>(
        &coordinator,
        &incident,
        &(),
        Some(json!({"action": "escalate", "severity": "II"})),
    )
    .await;
    assert_eq!(
        (s, v["incident"]["linkages"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(6))
    );
    let (s, v) = at::<ActOnIncident>(
        &coordinator,
        &incident,
        &(),
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
    let (s, v) = at::<ActOnIncident>(&coordinator, &incident, &(), Some(json!({"action": "close", "summary": "泄漏点已封堵，下游水质于次日恢复达标，责任企业已立案调查。"}))).await;
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
    let (_, plans) = at::<EmergencyPlans>(&coordinator, &(), &(), None).await;
    let mut edited = plans.as_array().expect("plans").clone();
    edited.reverse();
    let mut bad = edited.clone();
    bad[0]["departments"][0]["unit"] = json!("dept-nowhere");
    let (s, v) = at::<UpdateEmergencyPlans>(
        &admin,
        &(),
        &(),
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
    let (s, _) = at::<UpdateEmergencyPlans>(
        &admin,
        &(),
        &(),
        Some(json!({"plans": edited, "reason": "通用预案优先"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (_, plans) = at::<EmergencyPlans>(&coordinator, &(), &(), None).await;
    assert_eq!(plans[0]["id"], "general");
    let (_, trail) = at::<SearchAudit>(
        &admin,
        &(),
        &AuditQuery {
            action: Some("emergency.".into()),
            ..Default::default()
        },
        None,
    )
    .await;
    assert_eq!(trail["items"][0]["reason"], "通用预案优先");
}

both!(emergency_linkage, "emergency test" => emergency_linkage_on_sqlite, emergency_linkage_on_postgres);
