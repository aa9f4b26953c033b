//! Accounts and sessions: users created, signing in and out, passwords, expiry.

use super::*;
use duban_api::session::{CurrentUser, Logout};

async fn accounts(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    let state = AppState::new(store).await.expect("state");
    state
        .create_user(
            "zhang.san",
            "张三",
            Role::Coordinator,
            Some("prov-coord"),
            "correct horse",
            &Who::system(),
            "test",
        )
        .await
        .expect("user");
    let refused = |r: Result<_, duban_server::service::users::UserError>| match r {
        Err(duban_server::service::users::UserError::Invalid { text, .. }) => text.code(),
        other => panic!("expected a refusal, got {other:?}"),
    };
    let sys = Who::system();
    assert_eq!(
        refused(
            state
                .create_user(
                    "zhang.san",
                    "again",
                    Role::Leader,
                    None,
                    "whatever it takes",
                    &sys,
                    ""
                )
                .await
        ),
        "username.taken"
    );
    assert_eq!(
        refused(
            state
                .create_user("x", "", Role::Leader, None, "long enough to pass", &sys, "")
                .await
        ),
        "username.invalid"
    );
    assert_eq!(
        refused(
            state
                .create_user(
                    "nobody",
                    "",
                    Role::Handler,
                    Some("gov-9999"),
                    "long enough to pass",
                    &sys,
                    ""
                )
                .await
        ),
        "unit.unknown"
    );
    assert_eq!(
        refused(
            state
                .create_user(
                    "nobody",
                    "",
                    Role::Handler,
                    None,
                    "long enough to pass",
                    &sys,
                    ""
                )
                .await
        ),
        "unit.required"
    );
    let app = router(state, None);

    let (s, v, _) = call_raw(
        &app,
        CurrentUser::METHOD.as_str(),
        CurrentUser::PATH,
        None,
        &[],
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::UNAUTHORIZED, vec!["auth.required".to_owned()])
    );

    // Wrong password and unknown user look the same.
    let (s, v, cookies) = call_raw(
        &app,
        Login::METHOD.as_str(),
        Login::PATH,
        Some(json!({"username": "zhang.san", "password": "wrong"})),
        &[],
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNAUTHORIZED,
            vec!["auth.invalid_credentials".to_owned()]
        )
    );
    assert!(cookies.is_empty());
    let (s, v, _) = call_raw(
        &app,
        Login::METHOD.as_str(),
        Login::PATH,
        Some(json!({"username": "li.si", "password": "wrong"})),
        &[],
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNAUTHORIZED,
            vec!["auth.invalid_credentials".to_owned()]
        )
    );

    // Signing in sets an HttpOnly, SameSite=Strict session cookie and a CSRF token.
    let (s, v, cookies) = call_raw(
        &app,
        Login::METHOD.as_str(),
        Login::PATH,
        Some(json!({"username": "zhang.san", "password": "correct horse"})),
        &[],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (
            v["user"]["role"].as_str(),
            v["user"]["display_name"].as_str()
        ),
        (Some("coordinator"), Some("张三"))
    );
    let session = cookies
        .iter()
        .find(|c| c.starts_with("duban_session="))
        .expect("session cookie");
    assert!(
        session.contains("HttpOnly")
            && session.contains("SameSite=Strict")
            && !session.contains("Secure")
    );
    let token = session.split(';').next().expect("pair").to_owned();
    let csrf = v["csrf_token"].as_str().expect("csrf").to_owned();
    let (_, _, https) = call_raw(
        &app,
        Login::METHOD.as_str(),
        Login::PATH,
        Some(json!({"username": "zhang.san", "password": "correct horse"})),
        &[("x-forwarded-proto", "https")],
    )
    .await;
    assert!(https.iter().all(|c| c.contains("; Secure")), "{https:?}");

    let (s, v, _) = call_raw(
        &app,
        CurrentUser::METHOD.as_str(),
        CurrentUser::PATH,
        None,
        &[("cookie", &token)],
    )
    .await;
    assert_eq!(
        (s, v["username"].as_str()),
        (StatusCode::OK, Some("zhang.san"))
    );

    // Logging out needs the CSRF token.
    let (s, v, _) = call_raw(
        &app,
        Logout::METHOD.as_str(),
        Logout::PATH,
        None,
        &[("cookie", &token)],
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::FORBIDDEN, vec!["csrf.invalid".to_owned()])
    );
    let (s, _, _) = call_raw(
        &app,
        Logout::METHOD.as_str(),
        Logout::PATH,
        None,
        &[("cookie", &token), ("x-csrf-token", "forged")],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, cleared) = call_raw(
        &app,
        Logout::METHOD.as_str(),
        Logout::PATH,
        None,
        &[("cookie", &token), ("x-csrf-token", &csrf)],
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert!(
        cleared
            .iter()
            .any(|c| c.starts_with("duban_session=;") && c.contains("Max-Age=0"))
    );
    let (s, _, _) = call_raw(
        &app,
        CurrentUser::METHOD.as_str(),
        CurrentUser::PATH,
        None,
        &[("cookie", &token)],
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "the session is gone");

    // Throttling: after 5 failures even the right password is refused for a while.
    for _ in 0..5 {
        let (s, _, _) = call_raw(
            &app,
            Login::METHOD.as_str(),
            Login::PATH,
            Some(json!({"username": "zhang.san", "password": "nope"})),
            &[],
        )
        .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    let (s, v, _) = call_raw(
        &app,
        Login::METHOD.as_str(),
        Login::PATH,
        Some(json!({"username": "ZHANG.SAN", "password": "correct horse"})),
        &[],
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::TOO_MANY_REQUESTS,
            vec!["auth.throttled".to_owned()]
        )
    );
}

both!(accounts, "accounts test" => accounts_on_sqlite, accounts_on_postgres);
