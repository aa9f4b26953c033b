//! Quick dispatch: routing proposals, batch dispatch, rules as data, the clearing view.

use super::*;
use duban_api::audit::{AuditQuery, SearchAudit};
use duban_api::cases::{ActOnCase, CreateCase, GetCase};
use duban_api::dispatch::{Clearing, DispatchBatch};
use duban_api::keys::CaseKey;
use duban_api::routing::{CaseRouting, RoutingRules, UpdateRoutingRules};

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
        let (s, v) =
            at::<CreateCase>(&coordinator, &(), &(), Some(new_case(division, content))).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        ids.push(v["id"].as_str().expect("id").to_owned());
    }
    let (a, b, c) = (&ids[0], &ids[1], &ids[2]);

    // One case's proposal, explained.
    let (s, r) = at::<CaseRouting>(&coordinator, &CaseKey::new(a), &(), None).await;
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
    let (s, v) = at::<DispatchBatch>(&coordinator, &(), &(), Some(json!({}))).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["dispatch.selection_required".to_owned()]
        )
    );
    let (s, v) = at::<DispatchBatch>(
        &coordinator,
        &(),
        &(),
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
    let (_, case_a) = at::<GetCase>(&coordinator, &CaseKey::new(a), &(), None).await;
    assert_eq!(
        (case_a["status"].as_str(), &case_a["co_units"]),
        (Some("dispatched"), &json!(["dept-zjt"]))
    );
    assert_eq!(case_a["routed_by"], json!(["lead-city", "notify-housing"]));
    let (_, again) = at::<DispatchBatch>(&coordinator, &(), &(), Some(json!({"batch": 5}))).await;
    assert_eq!(
        again["dispatched"],
        json!([]),
        "dispatching twice sends nothing new"
    );
    let (_, trail) = at::<SearchAudit>(
        &admin,
        &(),
        &AuditQuery {
            action: Some("case.dispatch".into()),
            case_id: Some(a.clone()),
            ..Default::default()
        },
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
    let (s, _) = at::<ActOnCase>(
        &zhenjiang,
        &CaseKey::new(a),
        &(),
        Some(json!({"action": "return", "reason": "该小区实际属于句容市管理"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (_, rules) = at::<RoutingRules>(&coordinator, &(), &(), None).await;
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
    let (s, v) = at::<ActOnCase>(
        &coordinator,
        &CaseKey::new(a),
        &(),
        Some(json!({"action": "dispatch", "lead_unit": "gov-3201"})),
    )
    .await;
    assert_eq!((s, &v["routed_by"]), (StatusCode::OK, &Value::Null), "{v}");

    // Rules are data an administrator edits, checked against the unit tree.
    let mut edited: Vec<Value> = rules["rules"].as_array().expect("rules").clone();
    let zone_rule = json!({"id": "lead-kunshan-zone", "name": "昆山开发区内由管委会牵头", "kind": "lead",
        "when": {"divisions": ["320583"], "keywords": ["开发区"]}, "then": {"type": "unit", "unit": "zone-kskfq"}});
    edited.insert(0, zone_rule.clone());
    let (s, v) = at::<UpdateRoutingRules>(
        &coordinator,
        &(),
        &(),
        Some(json!({"rules": edited, "reason": "x"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = at::<UpdateRoutingRules>(&admin, &(), &(), Some(json!({"rules": edited}))).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["reason.required".to_owned()]
        )
    );
    let mut bad = edited.clone();
    bad[0]["then"]["unit"] = json!("zone-nowhere");
    let (s, v) = at::<UpdateRoutingRules>(
        &admin,
        &(),
        &(),
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
    let (s, v) = at::<UpdateRoutingRules>(
        &admin,
        &(),
        &(),
        Some(json!({"rules": edited, "reason": "开发区问题由管委会牵头"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, r) = at::<CaseRouting>(&coordinator, &CaseKey::new(b), &(), None).await;
    assert_eq!(r["lead"]["unit"], "zone-kskfq");
    let (_, changed) = at::<SearchAudit>(
        &admin,
        &(),
        &AuditQuery {
            action: Some("routing.update".into()),
            ..Default::default()
        },
        None,
    )
    .await;
    assert_eq!(changed["items"][0]["reason"], "开发区问题由管委会牵头");
    let restarted = AppState::new(store.clone()).await.expect("state");
    assert_eq!(
        restarted.routing_rules().rules()[0].id,
        "lead-kunshan-zone",
        "edits survive a restart"
    );

    // The daily clearing view, per unit; handlers see their own.
    let (s, view) = at::<Clearing>(&coordinator, &(), &(), None).await;
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
    let (_, theirs) = at::<Clearing>(&zhenjiang, &(), &(), None).await;
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

both!(quick_dispatch, "quick dispatch test" => quick_dispatch_on_sqlite, quick_dispatch_on_postgres);
