//! Sign-in hardening (issue 27): sessions end after an idle time, background polling
//! does not keep them alive, administrators see and end a user's sessions, and new
//! passwords are long and not common.

use super::*;
use chrono::{DateTime, TimeDelta, Utc};
use duban_api::admin::{CreateUser, UpdateUser};
use duban_api::audit::{AuditQuery, SearchAudit};
use duban_api::cases::{CreateCase, ListCases, ListQuery};
use duban_api::inbox::GetInbox;
use duban_api::keys::UserKey;
use duban_api::session::{CurrentUser, Login};
use duban_api::sessions::{EndUserSession, EndUserSessions, ListUserSessions, SessionKey};
use duban_server::auth::Role;
use std::sync::Mutex;

const BACKGROUND: (&str, &str) = ("x-duban-background", "1");

/// A server whose clock the test moves, and a way to move it.
async fn pinned(
    store: Arc<dyn Store>,
) -> (
    AppState,
    Router,
    impl Fn(TimeDelta) -> DateTime<Utc>,
    DateTime<Utc>,
) {
    let t0: DateTime<Utc> = "2025-06-03T01:30:00Z".parse().expect("time");
    let clock = Arc::new(Mutex::new(t0));
    let c2 = clock.clone();
    let state = AppState::with_clock(store, Arc::new(move || *c2.lock().expect("clock")))
        .await
        .expect("state");
    let app = router(state.clone(), None);
    let set_clock = move |after: TimeDelta| {
        let t = t0 + after;
        *clock.lock().expect("clock") = t;
        t
    };
    (state, app, set_clock, t0)
}

fn minutes(m: i64) -> TimeDelta {
    TimeDelta::minutes(m)
}

async fn idle_end(store: Arc<dyn Store>) {
    let (state, app, set_clock, _) = pinned(store).await;
    let coord = Client::signed_in(&app, &state, "i.coord", Role::Coordinator, None).await;

    // The browser learns the idle time to warn before it.
    let (s, me) = at::<CurrentUser>(&coord, &(), &(), None).await;
    assert_eq!(
        (s, me["idle_seconds"].as_u64()),
        (StatusCode::OK, Some(1800))
    );

    // Polling does not count as use: 20 minutes in, a background read is answered…
    set_clock(minutes(20));
    let (s, v) = at_with::<GetInbox>(&coord, &(), &(), None, &[BACKGROUND]).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // …but 32 minutes after sign-in the session has ended, and its row is gone.
    set_clock(minutes(32));
    let (s, v) = at::<ListCases>(&coord, &(), &ListQuery::default(), None).await;
    assert_eq!(
        (s, codes(&v), v["errors"][0]["field"].as_str()),
        (
            StatusCode::UNAUTHORIZED,
            vec!["session.idle".to_owned()],
            Some("session")
        )
    );
    let (s, v) = at::<CurrentUser>(&coord, &(), &(), None).await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::UNAUTHORIZED, vec!["auth.required".to_owned()])
    );

    // The user's own requests keep a session alive, each within the idle time of the
    // last, hours past what one idle time would allow.
    let coord = Client::login(&app, "i.coord").await;
    for step in 1..=6 {
        set_clock(minutes(32 + 25 * step));
        let (s, v) = at::<ListCases>(&coord, &(), &ListQuery::default(), None).await;
        assert_eq!(s, StatusCode::OK, "step {step}: {v}");
    }
    // A state-changing request counts too (and is refused only for its content).
    set_clock(minutes(32 + 25 * 7));
    let (s, v) = at::<CreateCase>(&coord, &(), &(), Some(json!({}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // Idle past the limit, a background request is told so as well.
    set_clock(minutes(32 + 25 * 7 + 32));
    let (s, v) = at_with::<GetInbox>(&coord, &(), &(), None, &[BACKGROUND]).await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::UNAUTHORIZED, vec!["session.idle".to_owned()])
    );

    // A use is written at most once a minute, and never lets a session end early: 29
    // minutes after a use 30 seconds past the last write, it is alive.
    let coord = Client::login(&app, "i.coord").await;
    let start = minutes(32 + 25 * 7 + 32);
    set_clock(start + TimeDelta::seconds(30));
    let (s, _) = at::<ListCases>(&coord, &(), &ListQuery::default(), None).await;
    assert_eq!(s, StatusCode::OK);
    set_clock(start + TimeDelta::seconds(30) + minutes(30));
    let (s, v) = at::<ListCases>(&coord, &(), &ListQuery::default(), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // The lifetime still ends a session that is used all along.
    let coord = Client::login(&app, "i.coord").await;
    let signed = start + TimeDelta::seconds(30) + minutes(30);
    let mut used = signed;
    while used < signed + TimeDelta::hours(12) - minutes(20) {
        used += minutes(20);
        set_clock(used);
        let (s, _) = at::<ListCases>(&coord, &(), &ListQuery::default(), None).await;
        assert_eq!(s, StatusCode::OK);
    }
    set_clock(signed + TimeDelta::hours(12));
    let (s, v) = at::<ListCases>(&coord, &(), &ListQuery::default(), None).await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::UNAUTHORIZED, vec!["auth.required".to_owned()])
    );

    // `--idle-minutes 0`: no idle end, and the browser is told so.
    let no_idle = router(state.clone().with_idle_minutes(0), None);
    let coord = Client::login(&no_idle, "i.coord").await;
    let (_, me) = at::<CurrentUser>(&coord, &(), &(), None).await;
    assert_eq!(me["idle_seconds"].as_u64(), Some(0));
    set_clock(signed + TimeDelta::hours(17));
    let (s, v) = at::<ListCases>(&coord, &(), &ListQuery::default(), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

both!(idle_end, "idle sign-out test" => idle_end_on_sqlite, idle_end_on_postgres);

async fn admin_sessions(store: Arc<dyn Store>) {
    let (state, app, set_clock, t0) = pinned(store).await;
    let admin = Client::signed_in(&app, &state, "a.admin", Role::Admin, None).await;
    let coord = Client::signed_in(&app, &state, "a.coord", Role::Coordinator, None).await;
    let coord_id = state
        .store
        .user_by_username("a.coord")
        .await
        .expect("user")
        .expect("a.coord")
        .id;
    // A second session from another browser, a minute later.
    set_clock(minutes(1));
    let (s, v, cookies) = call_raw(
        &app,
        Login::METHOD.as_str(),
        Login::PATH,
        Some(json!({"username": "a.coord", "password": PASSWORD})),
        &[(
            "user-agent",
            "Mozilla/5.0 (X11; Linux x86_64) TestBrowser/1.0",
        )],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let phone = Client {
        app: app.clone(),
        session: Some((
            cookies[0].split(';').next().expect("cookie").to_owned(),
            v["csrf_token"].as_str().expect("csrf").to_owned(),
        )),
    };
    set_clock(minutes(3));
    let _ = at::<ListCases>(&phone, &(), &ListQuery::default(), None).await;

    let user = UserKey::new(coord_id.to_string());
    let (s, list) = at::<ListUserSessions>(&admin, &user, &(), None).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let list = list.as_array().expect("list").clone();
    assert_eq!(list.len(), 2, "{list:?}");
    // Most recently used first; never the token or its hash.
    let newest = &list[0];
    let mut keys: Vec<&str> = newest
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "created_at",
            "expires_at",
            "id",
            "ip",
            "last_seen_at",
            "user_agent"
        ]
    );
    let time = |v: &Value| {
        v.as_str()
            .expect("time")
            .parse::<DateTime<Utc>>()
            .expect("time")
    };
    assert_eq!(
        (
            newest["user_agent"].as_str(),
            newest["ip"].as_str(),
            time(&newest["created_at"]),
            time(&newest["last_seen_at"]),
            time(&newest["expires_at"]),
        ),
        (
            Some("Mozilla/5.0 (X11; Linux x86_64) TestBrowser/1.0"),
            Some("192.0.2.7"),
            t0 + minutes(1),
            t0 + minutes(3),
            t0 + minutes(1) + TimeDelta::hours(12),
        )
    );
    let phone_session = newest["id"].as_str().expect("id").to_owned();
    let (_, phone_me) = at::<CurrentUser>(&phone, &(), &(), None).await;
    let token_of =
        |c: &Client| c.session.as_ref().expect("session").0["duban_session=".len()..].to_owned();
    let listed = serde_json::to_string(&list).expect("json");
    for c in [&coord, &phone] {
        let token = token_of(c);
        assert!(!listed.contains(&token));
        assert!(!listed.contains(&duban_server::auth::token_hash(&token)));
    }
    assert_eq!(phone_me["username"], "a.coord");

    // Only administrators.
    let (s, _) = at::<ListUserSessions>(&coord, &user, &(), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = at::<EndUserSessions>(&coord, &user, &(), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = at::<ListUserSessions>(&admin, &UserKey::new("nobody"), &(), None).await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::NOT_FOUND, vec!["user.not_found".to_owned()])
    );

    // One session ended by its id: that browser is signed out, the other is not.
    let phone_key = SessionKey {
        id: user.id.clone(),
        session_id: phone_session.clone(),
    };
    let (s, v) = at::<EndUserSession>(&admin, &phone_key, &(), None).await;
    assert_eq!((s, v["ended"].as_u64()), (StatusCode::OK, Some(1)), "{v}");
    let (s, _) = at::<CurrentUser>(&phone, &(), &(), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = at::<CurrentUser>(&coord, &(), &(), None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = at::<EndUserSession>(&admin, &phone_key, &(), None).await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::NOT_FOUND, vec!["session.not_found".to_owned()])
    );
    // Another user's session cannot be named under this one.
    let admin_id = state
        .store
        .user_by_username("a.admin")
        .await
        .expect("user")
        .expect("a.admin")
        .id;
    let (_, mine) =
        at::<ListUserSessions>(&admin, &UserKey::new(admin_id.to_string()), &(), None).await;
    let admin_session = mine[0]["id"].as_str().expect("id");
    let (s, _) = at::<EndUserSession>(
        &admin,
        &SessionKey {
            id: user.id.clone(),
            session_id: admin_session.to_owned(),
        },
        &(),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // All of them.
    let (s, v) = at::<EndUserSessions>(&admin, &user, &(), None).await;
    assert_eq!((s, v["ended"].as_u64()), (StatusCode::OK, Some(1)), "{v}");
    let (s, _) = at::<CurrentUser>(&coord, &(), &(), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (_, list) = at::<ListUserSessions>(&admin, &user, &(), None).await;
    assert_eq!(list, json!([]));

    // Both acts are in the audit trail, by the administrator, naming the account.
    let (_, trail) = at::<SearchAudit>(
        &admin,
        &(),
        &AuditQuery {
            action: Some("user.end_sessions".into()),
            ..Default::default()
        },
        None,
    )
    .await;
    assert_eq!(trail["total"], 2, "{trail}");
    assert_eq!(
        (
            trail["items"][0]["actor"].as_str(),
            trail["items"][0]["target"].as_str(),
            trail["items"][1]["detail"]["session_id"].as_str(),
        ),
        (
            Some("a.admin"),
            Some("a.coord"),
            Some(phone_session.as_str())
        )
    );
}

both!(admin_sessions, "admin sessions test" => admin_sessions_on_sqlite, admin_sessions_on_postgres);

async fn password_policy(store: Arc<dyn Store>) {
    let (state, app, _, _) = pinned(store).await;
    let admin = Client::signed_in(&app, &state, "p.admin", Role::Admin, None).await;
    let refused = |r: Result<_, duban_server::service::users::UserError>| match r {
        Err(duban_server::service::users::UserError::Invalid { field, text }) => {
            (field, text.code())
        }
        other => panic!("expected a refusal, got {other:?}"),
    };
    let sys = Who::system();
    for (password, code) in [
        ("short-pass1", "password.too_short"),
        ("1QAZ2WSX3EDC", "password.common"),
        ("Qwerty123456", "password.common"),
        ("zzzzzzzzzzzzzzzz", "password.common"),
        ("Wang.XiaoMing", "password.common"),
    ] {
        assert_eq!(
            refused(
                state
                    .create_user("wang.xiaoming", "", Role::Leader, None, password, &sys, "")
                    .await
            ),
            ("password", code),
            "{password}"
        );
    }
    state
        .create_user(
            "wang.xiaoming",
            "",
            Role::Leader,
            None,
            "a fine long passphrase",
            &sys,
            "",
        )
        .await
        .expect("a good password");

    // The same rules through the API, for a new account and a reset.
    let (s, v) = at::<CreateUser>(
        &admin,
        &(),
        &(),
        Some(
            json!({"username": "li.si", "role": "leader", "password": "demo", "reason": "新到岗"}),
        ),
    )
    .await;
    assert_eq!(
        (s, codes(&v), v["errors"][0]["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["password.too_short".to_owned()],
            Some("password")
        )
    );
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("12"))
    );
    let (s, made) = at::<CreateUser>(&admin, &(), &(), Some(
            json!({"username": "li.si", "role": "leader", "password": "lantern-harbor-51", "reason": "新到岗"}),
        ))
    .await;
    assert_eq!(s, StatusCode::CREATED, "{made}");
    let li = made["id"].as_str().expect("id");
    let reset = |pw: &str| json!({"password": pw, "reason": "忘记密码"});
    let (s, v) =
        at::<UpdateUser>(&admin, &UserKey::new(li), &(), Some(reset("LeaveMeAlone"))).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["password.common".to_owned()]
        )
    );
    let (s, v) = at::<UpdateUser>(
        &admin,
        &UserKey::new(li),
        &(),
        Some(reset("another-harbor-52")),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // An account made before the policy still signs in with its old password.
    let old = duban_server::store::UserRecord {
        id: "old-account".into(),
        username: "old.timer".into(),
        display_name: "old".into(),
        role: "leader".into(),
        unit_id: None,
        password_hash: duban_server::auth::hash_password("demo").expect("hash"),
        disabled: false,
    };
    let entry = sys.entry(
        state.now(),
        "user.create",
        None,
        "old.timer",
        "",
        Value::Null,
    );
    state
        .store
        .insert_user(&old, 0, &entry)
        .await
        .expect("old account");
    let (s, v, _) = call_raw(
        &app,
        Login::METHOD.as_str(),
        Login::PATH,
        Some(json!({"username": "old.timer", "password": "demo"})),
        &[],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

both!(password_policy, "password policy test" => password_policy_on_sqlite, password_policy_on_postgres);
