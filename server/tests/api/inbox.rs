//! The inbox when more waits than it lists.

use super::*;
use duban_api::inbox::GetInbox;

/// More waiting than the inbox lists: the most urgent are listed, the count is the
/// real one, and the overflow says where the rest are.
async fn inbox_overflow(store: Arc<dyn Store>) {
    let (state, _, coordinator) = with_coordinator(store, "o.coordinator").await;
    let draft: duban_case::draft::CaseDraft = serde_json::from_value(valid_case()).expect("draft");
    for _ in 0..201 {
        state
            .create_case(&draft, &duban_server::service::Who::system())
            .await
            .expect("case");
    }
    let (s, inbox) = at::<GetInbox>(&coordinator, &(), &(), None).await;
    assert_eq!(s, StatusCode::OK);
    let items = inbox["items"].as_array().expect("items");
    assert_eq!(
        (inbox["total"].as_u64(), items.len()),
        (Some(201), 200),
        "{}",
        inbox["overflow"]
    );
    assert_eq!(
        inbox["overflow"],
        json!([{"action": "dispatch", "status": "received", "total": 201, "shown": 200}])
    );
    let due: Vec<&str> = items
        .iter()
        .map(|i| i["due_at"].as_str().expect("due"))
        .collect();
    assert!(due.windows(2).all(|w| w[0] <= w[1]), "most urgent first");
}

both!(inbox_overflow, "inbox overflow test" => inbox_overflow_on_sqlite, inbox_overflow_on_postgres);
