//! The forms' numbers on the server: a supervision order's time limit above the longest
//! allowed is refused with its own code (a typed 3 after a prefilled 5 once sent 53
//! working days), and nothing is stored for it.

use super::*;
use duban_api::cases::CreateCase;
use duban_api::keys::CaseKey;
use duban_api::supervision::{CaseSupervision, Supervise};

use duban_server::auth::Role;

async fn order_limit_above_the_maximum(store: Arc<dyn Store>) {
    let state = AppState::new(store).await.expect("state");
    let app = router(state.clone(), None);
    let coordinator = Client::signed_in(
        &app,
        &state,
        "f.coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let supervisor = Client::signed_in(
        &app,
        &state,
        "f.supervisor",
        Role::Supervisor,
        Some("prov-coord"),
    )
    .await;
    let mut key = valid_case();
    key["key_classes"] = json!(["inspection_key"]);
    let (_, created) = at::<CreateCase>(&coordinator, &(), &(), Some(key)).await;
    let id = created["id"].as_str().expect("id").to_owned();
    let case = CaseKey::new(&*id);
    let (s, v) = at::<Supervise>(
        &coordinator,
        &case,
        &(),
        Some(json!({"action": "assign", "supervisor": "f.supervisor"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    let order = |amount: u32, unit: &str| {
        json!({"action": "issue_order", "target_unit": "gov-3211",
            "demands": "请于时限内查明偷排情况并报送整改方案", "amount": amount, "unit": unit})
    };
    for (amount, unit) in [(53, "working_days"), (31, "natural_days"), (241, "hours")] {
        let (s, v) = at::<Supervise>(&supervisor, &case, &(), Some(order(amount, unit))).await;
        assert_eq!(
            (s, codes(&v)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                vec!["amount.above_max".to_owned()]
            ),
            "{amount} {unit}: {v}"
        );
        assert_eq!(v["errors"][0]["field"], "amount", "{v}");
    }
    // The message follows the request's language.
    let (_, v) = at::<Supervise>(&supervisor, &case, &(), Some(order(53, "working_days"))).await;
    assert_eq!(
        v["errors"][0]["message"],
        "督办时限过长：按日计最多30天（工作日或自然日），按小时计最多240小时",
        "{v}"
    );
    let (s, v) = at::<CaseSupervision>(&supervisor, &case, &(), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["supervision"]["orders"], json!([]), "nothing stored: {v}");

    // The longest limit itself is accepted.
    let (s, v) = at::<Supervise>(&supervisor, &case, &(), Some(order(30, "working_days"))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v["supervision"]["orders"][0]["clock"]["limit"]["amount"], 30,
        "{v}"
    );
}

both!(order_limit_above_the_maximum, "order limit above the maximum" => order_limit_above_the_maximum_on_sqlite, order_limit_above_the_maximum_on_postgres);
