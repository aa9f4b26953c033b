//! Sign-in hardening (issue 27): one password sprayed over many usernames from one
//! address is stopped by a per-address failure limit, while other addresses sign in.

use super::*;
use duban_server::auth::MAX_ADDRESS_FAILURES;

/// A sign-in from `peer` (the client address the server sees).
async fn login_from(
    app: &Router,
    peer: [u8; 4],
    username: &str,
    password: &str,
) -> (StatusCode, Value) {
    let body = json!({"username": username, "password": password}).to_string();
    let mut req = Request::builder()
        .method(Login::METHOD.as_str())
        .uri(Login::PATH)
        .header("content-type", "application/json")
        .body(Body::from(body))
        .expect("request");
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            peer, 40_000,
        ))));
    let resp = app.clone().oneshot(req).await.expect("response");
    let status = resp.status();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn password_spraying(store: Arc<dyn Store>) {
    let (_, app, _) = with_coordinator(store, "s.coord").await;
    const SPRAYER: [u8; 4] = [198, 51, 100, 9];
    // One wrong password per username: no username reaches its own limit.
    for i in 0..MAX_ADDRESS_FAILURES {
        let (s, v) = login_from(&app, SPRAYER, &format!("user{i}"), "Spring2026!").await;
        assert_eq!(
            (s, codes(&v)),
            (
                StatusCode::UNAUTHORIZED,
                vec!["auth.invalid_credentials".to_owned()]
            ),
            "{i}"
        );
    }
    let (s, v) = login_from(&app, SPRAYER, "user-next", "Spring2026!").await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::TOO_MANY_REQUESTS,
            vec!["auth.address_throttled".to_owned()]
        )
    );
    // The right password does not get through from there either…
    let (s, _) = login_from(&app, SPRAYER, "s.coord", PASSWORD).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    // …while the account signs in from elsewhere.
    let (s, v) = login_from(&app, [203, 0, 113, 5], "s.coord", PASSWORD).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

#[tokio::test]
async fn password_spraying_is_stopped_per_address() {
    on_sqlite(password_spraying).await;
}
