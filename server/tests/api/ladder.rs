//! The escalation ladder of supervision orders, referrals and incidents.

use super::*;
use duban_api::audit::CaseAudit;
use duban_api::cases::{ActOnCase, CreateCase};
use duban_api::inbox::GetInbox;
use duban_api::incidents::{DeclareIncidentFromCase, GetIncident};
use duban_api::keys::{CaseKey, IncidentKey, ReferralKey};
use duban_api::referrals::{ActOnReferral, GetReferral, Refer};
use duban_api::supervision::{CaseSupervision, Supervise};

/// Supervision orders, referral responses and incident acknowledgements climb the
/// escalation ladder of their own, once per step, catching up after downtime; what a
/// coordinator enters for a department is marked 代录.
async fn mechanism_ladder(store: Arc<dyn Store>) {
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
        "l.coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let supervisor = Client::signed_in(
        &app,
        &state,
        "l.supervisor",
        Role::Supervisor,
        Some("prov-coord"),
    )
    .await;
    let _ = Client::signed_in(&app, &state, "l.housing", Role::Handler, Some("dept-zjt")).await;
    let _ = Client::signed_in(&app, &state, "l.zhenjiang", Role::Handler, Some("gov-3211")).await;
    let mut key = valid_case();
    key["key_classes"] = json!(["inspection_key"]);
    let (_, created) = at::<CreateCase>(&coordinator, &(), &(), Some(key)).await;
    let id = created["id"].as_str().expect("id").to_owned();
    at::<ActOnCase>(
        &coordinator,
        &CaseKey::new(&*id),
        &(),
        Some(json!({"action": "dispatch", "lead_unit": "gov-3211"})),
    )
    .await;
    let case = CaseKey::new(&*id);
    for body in [
        json!({"action": "assign", "supervisor": "l.supervisor"}),
        json!({"action": "issue_order", "target_unit": "gov-3211",
               "demands": "请于2小时内报送偷排核查情况及整改措施", "amount": 2, "unit": "hours"}),
    ] {
        let who = supervisor_or(&coordinator, &supervisor, &body);
        let (s, v) = at::<Supervise>(who, &case, &(), Some(body)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    let (s, referral) = at::<Refer>(
        &coordinator,
        &case,
        &(),
        Some(json!({"action": "send", "from_unit": "prov-coord", "to_unit": "dept-zjt",
                    "subject": "管网问题", "text": "请协同核查雨污管网", "amount": 4, "unit": "hours"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{referral}");
    let rid = referral["referral"]["id"].as_str().expect("id").to_owned();
    let referral_key = ReferralKey::new(&*rid);
    let (s, incident) = at::<DeclareIncidentFromCase>(
        &coordinator,
        &case,
        &(),
        Some(
            json!({"action": "declare", "title": "河道发现死鱼", "incident_type": "water_pollution",
                    "severity": "IV", "division": "321102"}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{incident}");
    let iid = incident["incident"]["id"].as_str().expect("id").to_owned();
    assert_eq!(state.sweep(state.now()).await.expect("sweep").mechanisms, 0);

    // Three and a half hours later: the order (2 h) is past 150%; the referral (4 h)
    // reminded (80%);
    // every unacknowledged department of the incident has climbed all four steps.
    set(t0 + chrono::TimeDelta::minutes(210));
    let r = state.sweep(state.now()).await.expect("sweep");
    assert_eq!(r.mechanisms, 3, "{r:?}");
    let again = state.sweep(state.now()).await.expect("sweep");
    assert_eq!((again.steps, again.mechanisms), (0, 0), "fired once");
    let coordinator = Client::login(&app, "l.coordinator").await;
    let fired = |v: &Value| -> Vec<String> {
        v["events"]
            .as_array()
            .expect("events")
            .iter()
            .filter(|e| e["body"]["type"] == "step_fired" || e["type"] == "step_fired")
            .map(|e| {
                let b = if e["body"].is_object() { &e["body"] } else { e };
                b["step"].as_str().unwrap_or("").to_owned()
            })
            .collect()
    };
    let (_, sup) = at::<CaseSupervision>(&coordinator, &case, &(), None).await;
    assert_eq!(fired(&sup), ["remind", "chase", "supervise"], "{sup}");
    let (_, rv) = at::<GetReferral>(&coordinator, &referral_key, &(), None).await;
    assert_eq!(fired(&rv), ["remind"], "{rv}");
    let (_, iv) = at::<GetIncident>(&coordinator, &IncidentKey::new(&*iid), &(), None).await;
    let incident_steps = fired(&iv);
    assert!(
        incident_steps.iter().filter(|s| *s == "summon").count() >= 1,
        "{iv}"
    );

    // The inbox of the unit that owes the answer shows how far the order has climbed.
    let zhenjiang = Client::login(&app, "l.zhenjiang").await;
    let (_, inbox) = at::<GetInbox>(&zhenjiang, &(), &(), None).await;
    let escalation = |kind: &str| {
        inbox["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["kind"] == kind)
            .map(|i| i["escalation"].clone())
    };
    assert_eq!(
        escalation("supervision"),
        Some(json!("supervise")),
        "{inbox}"
    );
    let (_, audit) = at::<CaseAudit>(&coordinator, &case, &(), None).await;
    assert!(
        audit.to_string().contains("supervision.step_fired"),
        "{audit}"
    );

    // A coordinator acknowledges for 住建厅: 代录 in the thread; the referral's clock is
    // then only stopped by the answer.
    let (s, v) = at::<ActOnReferral>(
        &coordinator,
        &referral_key,
        &(),
        Some(json!({"action": "acknowledge"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let ack = v["events"]
        .as_array()
        .expect("events")
        .iter()
        .rev()
        .find(|e| e["type"] == "acknowledged" || e["body"]["type"] == "acknowledged")
        .expect("acknowledged")
        .to_string();
    assert!(ack.contains("\"on_behalf\":true"), "{ack}");
    let housing = Client::login(&app, "l.housing").await;
    let (s, v) = at::<ActOnReferral>(
        &housing,
        &referral_key,
        &(),
        Some(json!({"action": "answer", "text": "已核查，管网混接已整改"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let thread = v["referral"]["thread"].as_array().expect("thread");
    assert!(
        thread.last().is_some_and(|m| m.get("on_behalf").is_none()),
        "{v}"
    );
    // Much later: the answered referral fires nothing more; the order goes on to summon.
    set(t0 + chrono::TimeDelta::hours(30));
    state.sweep(state.now()).await.expect("sweep");
    let coordinator = Client::login(&app, "l.coordinator").await;
    let (_, rv) = at::<GetReferral>(&coordinator, &referral_key, &(), None).await;
    assert_eq!(fired(&rv), ["remind"]);
    let (_, sup) = at::<CaseSupervision>(&coordinator, &case, &(), None).await;
    assert_eq!(fired(&sup), ["remind", "chase", "supervise", "summon"]);
}

fn supervisor_or<'a>(coordinator: &'a Client, supervisor: &'a Client, body: &Value) -> &'a Client {
    if body["action"] == "assign" {
        coordinator
    } else {
        supervisor
    }
}

both!(mechanism_ladder, "mechanism ladder test" => mechanism_ladder_on_sqlite, mechanism_ladder_on_postgres);
