use crate::http::register::Routes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use duban_api::session;

use duban_api::ErrorBody;
use duban_case::Lang;
use duban_text::{Key, key};

use crate::error::{ApiFailure, ApiJson, ReqLang};

use crate::http::extract::Origin;
use crate::http::idempotency;
use crate::service::AppState;
use crate::service::Who;

use duban_api::{LoginRequest as LoginBody, LoginResponse as LoginOk};

/// This feature's routes, under `/api/v1`.
pub fn routes() -> Routes {
    Routes::new()
        .at(session::Login, login)
        .at(session::Logout, logout)
        .at(session::CurrentUser, me)
}

/// A refusal of signing in or of the session (`err.auth.*`, `err.session.*`,
/// `err.csrf.invalid`).
pub(crate) fn auth_error(key: Key, lang: Lang) -> ErrorBody {
    let field = if key.code().starts_with("session.") {
        "session"
    } else {
        "auth"
    };
    ErrorBody::text(field, key, &[], lang)
}

pub(crate) async fn login(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    Origin(ip, user_agent): Origin,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Response, ApiFailure> {
    let now = s.now();
    let attempted: String = body.username.trim().chars().take(64).collect();
    let who = |username: &str, role: &str| Who {
        username: username.to_owned(),
        role: role.to_owned(),
        ip: ip.clone(),
        user_agent: user_agent.clone(),
    };
    if s.address_throttle.locked(&ip, now) {
        return Err(ApiFailure::TooManyRequests(auth_error(
            key!("err.auth.address_throttled"),
            lang,
        )));
    }
    if s.throttle.locked(&body.username, now) {
        return Err(ApiFailure::TooManyRequests(auth_error(
            key!("err.auth.throttled"),
            lang,
        )));
    }
    let user = s.store.user_by_username(body.username.trim()).await?;
    let hash = user
        .as_ref()
        .map_or(crate::auth::dummy_hash(), |u| u.password_hash.as_str());
    let ok = crate::auth::verify_password(&body.password, hash);
    let Some(user) = user.filter(|u| ok && !u.disabled) else {
        s.throttle.fail(&body.username, now);
        s.address_throttle.fail(&ip, now);
        s.store
            .record_audit(&who("", "").entry(
                now,
                "auth.login_failed",
                None,
                &attempted,
                "",
                serde_json::Value::Null,
            ))
            .await?;
        return Err(ApiFailure::Unauthorized(auth_error(
            key!("err.auth.invalid_credentials"),
            lang,
        )));
    };
    s.throttle.succeed(&body.username);
    // Sign-in is rare enough to sweep ended sessions and idempotency keys here.
    let idle_before = s.idle_timeout.map_or(i64::MIN, |idle| {
        (now - idle - chrono::TimeDelta::seconds(crate::auth::TOUCH_SECONDS)).timestamp_millis()
    });
    s.store
        .delete_expired_sessions(now.timestamp_millis(), idle_before)
        .await?;
    s.store
        .purge_idempotency(
            (now - chrono::TimeDelta::days(idempotency::KEEP_DAYS)).timestamp_millis(),
            false,
        )
        .await?;
    s.store
        .record_audit(&who(&user.username, &user.role).entry(
            now,
            "auth.login",
            None,
            &user.username,
            "",
            serde_json::Value::Null,
        ))
        .await?;
    let token = crate::auth::random_token();
    let csrf = crate::auth::random_token();
    let expires = now + chrono::TimeDelta::hours(crate::auth::SESSION_HOURS);
    // Shown to administrators; a short user agent is enough to tell browsers apart.
    let user_agent: String = user_agent.chars().take(120).collect();
    s.store
        .insert_session(&crate::store::NewSession {
            token_hash: &crate::auth::token_hash(&token),
            id: &crate::auth::random_token()[..32],
            user_id: &user.id,
            csrf: &csrf,
            now_ms: now.timestamp_millis(),
            expires_ms: expires.timestamp_millis(),
            user_agent: &user_agent,
            ip: &ip,
        })
        .await?;
    let mut resp = axum::Json(LoginOk {
        user: me_of(&s, &user),
        csrf_token: csrf.clone(),
    })
    .into_response();
    let max_age = crate::auth::SESSION_HOURS * 3600;
    for c in crate::auth::session_cookies(&token, &csrf, max_age, crate::auth::is_https(&headers)) {
        if let Ok(v) = HeaderValue::from_str(&c) {
            resp.headers_mut().append(axum::http::header::SET_COOKIE, v);
        }
    }
    Ok(resp)
}

/// What `GET /auth/me` and the sign-in answer say of a user.
fn me_of(s: &AppState, u: &crate::store::UserRecord) -> duban_api::Me {
    duban_api::Me {
        id: u.id.clone(),
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: crate::auth::stored_role(&u.role),
        unit_id: u.unit_id.clone(),
        idle_seconds: s.idle_seconds(),
    }
}

/// The session behind a request, if any: (user, CSRF token, token hash). A use of the
/// session is recorded unless the request says it is background work
/// ([`BACKGROUND_HEADER`]); a session unused for the idle time is ended here
/// (`session.idle`).
///
/// [`BACKGROUND_HEADER`]: crate::auth::BACKGROUND_HEADER
pub(crate) async fn session_of(
    s: &AppState,
    headers: &HeaderMap,
    lang: Lang,
) -> Result<Option<(crate::store::UserRecord, String, String)>, ApiFailure> {
    let Some(token) = crate::auth::cookie(headers, crate::auth::SESSION_COOKIE) else {
        return Ok(None);
    };
    let hash = crate::auth::token_hash(&token);
    let now = s.now();
    let Some(live) = s.store.session(&hash, now.timestamp_millis()).await? else {
        return Ok(None);
    };
    let last_seen = chrono::DateTime::from_timestamp_millis(live.last_seen_ms).unwrap_or(now);
    let background = headers.contains_key(crate::auth::BACKGROUND_HEADER);
    match crate::auth::session_use(last_seen, now, s.idle_timeout, background) {
        crate::auth::SessionUse::Fresh => {}
        crate::auth::SessionUse::Touch => {
            s.store.touch_session(&hash, now.timestamp_millis()).await?;
        }
        crate::auth::SessionUse::Idle => {
            s.store.delete_session(&hash).await?;
            return Err(ApiFailure::Unauthorized(auth_error(
                key!("err.session.idle"),
                lang,
            )));
        }
    }
    Ok(Some((live.user, live.csrf, hash)))
}

pub(crate) async fn me(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    headers: HeaderMap,
) -> Result<axum::Json<duban_api::Me>, ApiFailure> {
    match session_of(&s, &headers, lang).await? {
        Some((user, _, _)) => Ok(axum::Json(me_of(&s, &user))),
        None => Err(ApiFailure::Unauthorized(auth_error(
            key!("err.auth.required"),
            lang,
        ))),
    }
}

pub(crate) async fn logout(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    Origin(ip, user_agent): Origin,
    headers: HeaderMap,
) -> Result<Response, ApiFailure> {
    let Some((user, csrf, hash)) = session_of(&s, &headers, lang).await? else {
        return Err(ApiFailure::Unauthorized(auth_error(
            key!("err.auth.required"),
            lang,
        )));
    };
    let sent = headers
        .get(crate::auth::CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if sent.is_empty() || sent != csrf {
        return Err(ApiFailure::Forbidden(auth_error(
            key!("err.csrf.invalid"),
            lang,
        )));
    }
    s.store.delete_session(&hash).await?;
    let who = Who {
        username: user.username.clone(),
        role: user.role.clone(),
        ip,
        user_agent,
    };
    s.store
        .record_audit(&who.entry(
            s.now(),
            "auth.logout",
            None,
            &user.username,
            "",
            serde_json::Value::Null,
        ))
        .await?;
    let mut resp = StatusCode::NO_CONTENT.into_response();
    for c in crate::auth::session_cookies("", "", 0, crate::auth::is_https(&headers)) {
        if let Ok(v) = HeaderValue::from_str(&c) {
            resp.headers_mut().append(axum::http::header::SET_COOKIE, v);
        }
    }
    Ok(resp)
}
