//! Clocks: the SLA sweeper and extension requests.

use super::*;
use duban_api::admin::RunSweep;
use duban_api::audit::CaseAudit;
use duban_api::cases::{ActOnCase, CaseEvents, CreateCase, GetCase};
use duban_api::inbox::GetInbox;
use duban_api::keys::{CaseKey, RuleSetKey};
use duban_api::sla::{RuleSets, UpdateRuleSet};
use duban_api::supervision::Supervise;

/// The SLA sweeper: each escalation step fires once per clock, a sweep after downtime
/// catches up, two sweepers racing fire nothing twice; the inbox shows what waits.
async fn sla_sweeper(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    use std::sync::Mutex;
    let t0: chrono::DateTime<chrono::Utc> = "2025-06-03T01:30:00Z".parse().expect("time");
    let clock = Arc::new(Mutex::new(t0 + chrono::TimeDelta::minutes(1)));
    let c2 = clock.clone();
    let state = AppState::with_clock(store, Arc::new(move || *c2.lock().expect("clock")))
        .await
        .expect("state");
    let set = |t: chrono::DateTime<chrono::Utc>| *clock.lock().expect("clock") = t;
    let app = router(state.clone(), None);
    let coordinator = Client::signed_in(
        &app,
        &state,
        "w.coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    // Accounts used after the clock moves (sessions expire; they sign in again).
    let _ = Client::signed_in(&app, &state, "w.admin", Role::Admin, None).await;
    let _ = Client::signed_in(&app, &state, "w.zhenjiang", Role::Handler, Some("gov-3211")).await;
    let _ = Client::signed_in(
        &app,
        &state,
        "w.supervisor",
        Role::Supervisor,
        Some("prov-coord"),
    )
    .await;
    let _ = Client::signed_in(&app, &state, "w.leader", Role::Leader, Some("prov-coord")).await;
    let (_, created) = at::<CreateCase>(&coordinator, &(), &(), Some(valid_case())).await;
    let id = created["id"].as_str().expect("id").to_owned();
    let dispatch_due: chrono::DateTime<chrono::Utc> = created["clocks"]
        .as_array()
        .expect("clocks")
        .iter()
        .find(|c| c["stage"] == "dispatch")
        .and_then(|c| c["due_at"].as_str())
        .expect("dispatch clock")
        .parse()
        .expect("time");
    let steps_of = |events: &Value| -> Vec<String> {
        events
            .as_array()
            .expect("events")
            .iter()
            .filter(|e| e["type"] == "escalated" && e["stage"] == "dispatch")
            .map(|e| e["step"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    let case = CaseKey::new(&*id);

    assert_eq!(
        state.sweep(state.now()).await.expect("sweep").steps,
        0,
        "nothing due yet"
    );
    // 90% of the time used: the reminder, once.
    set(t0 + (dispatch_due - t0) * 9 / 10);
    let coordinator = Client::login(&app, "w.coordinator").await;
    let r = state.sweep(state.now()).await.expect("sweep");
    assert!(r.steps >= 1, "{r:?}");
    assert_eq!(
        state.sweep(state.now()).await.expect("sweep").steps,
        0,
        "fired once"
    );
    assert_eq!(
        steps_of(&at::<CaseEvents>(&coordinator, &case, &(), None).await.1),
        ["remind"]
    );

    // Down for three limits: the sweep catches up on every step passed, each once.
    set(t0 + (dispatch_due - t0) * 3);
    let (coordinator, admin, zhenjiang) = (
        Client::login(&app, "w.coordinator").await,
        Client::login(&app, "w.admin").await,
        Client::login(&app, "w.zhenjiang").await,
    );
    let (s, r) = at::<RunSweep>(&admin, &(), &(), None).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (_, events) = at::<CaseEvents>(&coordinator, &case, &(), None).await;
    assert_eq!(
        steps_of(&events),
        ["remind", "chase", "supervise", "summon"]
    );
    let chase = events
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["step"] == "chase")
        .expect("chase");
    assert_eq!(
        chase["reached_at"]
            .as_str()
            .map(|t| t.parse::<chrono::DateTime<chrono::Utc>>().ok()),
        Some(Some(dispatch_due))
    );
    let (_, trail) = at::<CaseAudit>(&coordinator, &CaseKey::new(&*id), &(), None).await;
    assert!(
        trail
            .as_array()
            .expect("trail")
            .iter()
            .any(|r| r["action"] == "case.escalate" && r["actor"] == "system")
    );

    // The coordinators' inbox shows it, with its highest step.
    let (_, inbox) = at::<GetInbox>(&coordinator, &(), &(), None).await;
    let item = inbox["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == id.as_str() && i["action"] == "dispatch")
        .cloned()
        .expect("in the inbox");
    assert_eq!(item["escalation"].as_str(), Some("summon"));
    // A key case registered at the same time has climbed as far. Without a supervisor,
    // its supervise step waits for the coordinators to name one; the supervisors are not
    // asked for what they cannot act on.
    let mut key: duban_case::draft::CaseDraft =
        serde_json::from_value(valid_case()).expect("draft");
    key.key_classes = vec!["inspection_key".into()];
    let key_id = state
        .create_case_at(
            &key,
            &duban_server::service::Who::system(),
            t0 + chrono::TimeDelta::minutes(1),
        )
        .await
        .expect("key case")
        .id()
        .to_string();
    state.sweep(state.now()).await.expect("catch-up sweep");
    let actions_for = async |who: &str| -> Vec<String> {
        let c = Client::login(&app, who).await;
        let (_, inbox) = at::<GetInbox>(&c, &(), &(), None).await;
        inbox["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|i| i["id"] == key_id.as_str())
            .map(|i| i["action"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    assert!(
        actions_for("w.coordinator")
            .await
            .contains(&"assign_supervisor".to_owned())
    );
    assert!(actions_for("w.supervisor").await.is_empty());
    let coordinator = Client::login(&app, "w.coordinator").await;
    let (s, v) = at::<Supervise>(
        &coordinator,
        &CaseKey::new(&*key_id),
        &(),
        Some(json!({"action": "assign", "supervisor": "w.supervisor"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(
        !actions_for("w.coordinator")
            .await
            .contains(&"assign_supervisor".to_owned())
    );
    assert!(inbox["overdue"].as_u64() >= Some(1));
    assert_eq!(
        at::<GetInbox>(&zhenjiang, &(), &(), None).await.1["total"],
        0
    );
    // Escalated past 150% to its supervisor and past 200% to the leaders.
    for (who, case, action) in [
        ("w.supervisor", &key_id, "supervise_overdue"),
        ("w.leader", &id, "summon"),
    ] {
        let c = Client::login(&app, who).await;
        let (_, inbox) = at::<GetInbox>(&c, &(), &(), None).await;
        assert!(
            inbox["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|i| i["id"] == case.as_str() && i["action"] == action),
            "{who}: {inbox}"
        );
    }
    at::<ActOnCase>(
        &coordinator,
        &CaseKey::new(&*id),
        &(),
        Some(json!({"action": "dispatch", "lead_unit": "gov-3211"})),
    )
    .await;
    let (_, theirs) = at::<GetInbox>(&zhenjiang, &(), &(), None).await;
    assert_eq!(
        (
            theirs["total"].as_u64(),
            theirs["items"][0]["action"].as_str(),
            theirs["items"][0].get("escalation")
        ),
        (Some(1), Some("sign_for"), None),
        "dispatched: a new clock, not yet escalated"
    );
    // Once dispatched, the case is no longer escalated to the leaders.
    let leader = Client::login(&app, "w.leader").await;
    let (_, inbox) = at::<GetInbox>(&leader, &(), &(), None).await;
    assert!(!inbox.to_string().contains(id.as_str()), "{inbox}");

    // Two sweepers racing over a batch of due cases fire every step exactly once.
    let mut ids = Vec::new();
    set(t0 + chrono::TimeDelta::minutes(1));
    let coordinator = Client::login(&app, "w.coordinator").await;
    for _ in 0..6 {
        let (_, v) = at::<CreateCase>(&coordinator, &(), &(), Some(valid_case())).await;
        ids.push(v["id"].as_str().expect("id").to_owned());
    }
    set(t0 + (dispatch_due - t0) * 3);
    let coordinator = Client::login(&app, "w.coordinator").await;
    let (a, b) = tokio::join!(state.sweep(state.now()), state.sweep(state.now()));
    let (a, b) = (a.expect("sweep a"), b.expect("sweep b"));
    assert!(a.steps + b.steps >= 24, "{a:?} {b:?}");
    for id in &ids {
        let (_, events) = at::<CaseEvents>(&coordinator, &CaseKey::new(id), &(), None).await;
        assert_eq!(
            steps_of(&events),
            ["remind", "chase", "supervise", "summon"],
            "case {id}"
        );
    }
}

/// Extensions: the handler asks, a coordinator grants or refuses; both in the inbox.
async fn extension_requests(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    let state = AppState::new(store).await.expect("state");
    let app = router(state.clone(), None);
    let coordinator = Client::signed_in(
        &app,
        &state,
        "x.coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let handler =
        Client::signed_in(&app, &state, "x.handler", Role::Handler, Some("gov-3211")).await;
    let (_, created) = at::<CreateCase>(&coordinator, &(), &(), Some(valid_case())).await;
    let id = created["id"].as_str().expect("id").to_owned();
    let case_key = CaseKey::new(&*id);
    at::<ActOnCase>(
        &coordinator,
        &case_key,
        &(),
        Some(json!({"action": "dispatch", "lead_unit": "gov-3211"})),
    )
    .await;
    let (s, v) = at::<ActOnCase>(
        &handler,
        &case_key,
        &(),
        Some(json!({"action": "sign_for"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let due_before = v["clocks"]
        .as_array()
        .expect("clocks")
        .iter()
        .find(|c| c["stage"] == "report")
        .expect("report clock")["due_at"]
        .clone();

    let ask = json!({"action": "request_extension", "amount": 5, "unit": "working_days", "reason": "需要等待第三方监测报告"});
    let (s, _) = at::<ActOnCase>(
        &handler,
        &case_key,
        &(),
        Some(
            json!({"action": "extend", "amount": 5, "unit": "working_days", "reason": "自己延期"}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "handlers ask, they do not extend");
    let (s, v) = at::<ActOnCase>(
        &handler,
        &case_key,
        &(),
        Some(json!({"action": "request_extension", "amount": 5, "unit": "working_days"})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["reason.required".to_owned()]
        )
    );
    let (s, v) = at::<ActOnCase>(&handler, &case_key, &(), Some(ask.clone())).await;
    assert_eq!(
        (s, v["pending_extension"]["reason"].as_str()),
        (StatusCode::OK, Some("需要等待第三方监测报告")),
        "{v}"
    );
    assert_eq!(
        v["allowed_actions"]
            .as_array()
            .map(|a| a.contains(&json!("request_extension"))),
        Some(false)
    );
    let (_, inbox) = at::<GetInbox>(&coordinator, &(), &(), None).await;
    assert!(
        inbox["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|i| i["id"] == id.as_str() && i["action"] == "decide_extension"),
        "{inbox}"
    );

    let (s, v) = at::<ActOnCase>(
        &coordinator,
        &case_key,
        &(),
        Some(json!({"action": "refuse_extension", "reason": "理由不充分，请按期办结"})),
    )
    .await;
    assert_eq!(
        (s, &v["pending_extension"]),
        (StatusCode::OK, &Value::Null),
        "{v}"
    );
    let (s, _) = at::<ActOnCase>(&handler, &case_key, &(), Some(ask)).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = at::<ActOnCase>(
        &coordinator,
        &case_key,
        &(),
        Some(
            json!({"action": "extend", "amount": 5, "unit": "working_days", "reason": "同意延期"}),
        ),
    )
    .await;
    assert_eq!(
        (s, &v["pending_extension"]),
        (StatusCode::OK, &Value::Null),
        "{v}"
    );
    let due_after = v["clocks"]
        .as_array()
        .expect("clocks")
        .iter()
        .find(|c| c["stage"] == "report")
        .expect("report clock")["due_at"]
        .clone();
    assert_ne!(due_before, due_after, "the deadline moved");
    let first_contact = |v: &Value| {
        v["clocks"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["stage"] == "first_contact"))
            .map(|c| c["extensions"].clone())
    };
    assert_eq!(
        first_contact(&v),
        Some(json!(0)),
        "the notice owed to the complainant is not postponed"
    );
    let (_, events) = at::<CaseEvents>(&coordinator, &CaseKey::new(&*id), &(), None).await;
    let kinds: Vec<&str> = events
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["type"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        &kinds[3..],
        [
            "extension_requested",
            "extension_refused",
            "extension_requested",
            "extended"
        ]
    );

    // Administrators edit rule sets; running clocks keep their limits, new ones use the edit.
    let admin = Client::signed_in(&app, &state, "x.admin", Role::Admin, None).await;
    let (_, sets) = at::<RuleSets>(&admin, &(), &(), None).await;
    let mut set = sets
        .as_array()
        .expect("sets")
        .iter()
        .find(|s| s["id"] == "inspection_transfer")
        .cloned()
        .expect("set");
    for r in set["rules"].as_array_mut().expect("rules") {
        if r["stage"] == "dispatch" {
            r["limit"] = json!({"amount": 2, "unit": "hours"});
        }
    }
    let rule_set = RuleSetKey::new("inspection_transfer");
    let (s, v) = at::<UpdateRuleSet>(
        &admin,
        &rule_set,
        &(),
        Some(json!({"rule_set": set, "reason": ""})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["reason.required".to_owned()]
        )
    );
    let mut bad = set.clone();
    bad["warn_percent"] = json!(0);
    let (s, v) = at::<UpdateRuleSet>(
        &admin,
        &rule_set,
        &(),
        Some(json!({"rule_set": bad, "reason": "试试"})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["rule_set.warn_percent.out_of_range".to_owned()]
        )
    );
    let (s, v) = at::<UpdateRuleSet>(
        &coordinator,
        &rule_set,
        &(),
        Some(json!({"rule_set": set, "reason": "加快分办"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = at::<UpdateRuleSet>(
        &admin,
        &rule_set,
        &(),
        Some(json!({"rule_set": set, "reason": "加快分办"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, old) = at::<GetCase>(&coordinator, &CaseKey::new(&*id), &(), None).await;
    let old_dispatch = old["clocks"]
        .as_array()
        .expect("clocks")
        .iter()
        .find(|c| c["stage"] == "dispatch")
        .cloned()
        .expect("clock");
    assert_eq!(
        old_dispatch["limit"],
        json!({"amount": 24, "unit": "hours"}),
        "started clocks keep their limit"
    );
    let (_, fresh) = at::<CreateCase>(&coordinator, &(), &(), Some(valid_case())).await;
    let dispatch = fresh["clocks"]
        .as_array()
        .expect("clocks")
        .iter()
        .find(|c| c["stage"] == "dispatch")
        .cloned()
        .expect("clock");
    assert_eq!(
        dispatch["limit"],
        json!({"amount": 2, "unit": "hours"}),
        "new clocks use the edit"
    );
}

both!(sla_sweeper, "sweeper test" => sla_sweeper_on_sqlite, sla_sweeper_on_postgres);

both!(extension_requests, "extension test" => extension_requests_on_sqlite, extension_requests_on_postgres);
