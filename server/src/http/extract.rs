use crate::error::{ApiFailure, ReqLang};

use crate::policy::Actor;
use crate::policy::forbidden;
use crate::routes::session::auth_error;
use crate::routes::session::session_of;
use crate::service::AppState;
use crate::service::Who;
use duban_text::key;

/// [`origin`] as an extractor, for routes without a signed-in actor (sign-in).
pub struct Origin(pub String, pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Origin {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        let (ip, ua) = origin(parts);
        Ok(Origin(ip, ua))
    }
}

/// Where a request came from: the peer address (or, from a proxy on this machine, the
/// first `X-Forwarded-For` entry) and the user agent.
pub fn origin(parts: &axum::http::request::Parts) -> (String, String) {
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    let forwarded = parts
        .headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        // The entry the proxy in front of us appended; those before it are the
        // client's own word, and a client could rotate them past the sign-in limits.
        .and_then(|v| v.split(',').next_back())
        .map(|v| v.trim().to_owned())
        .filter(|v| v.parse::<std::net::IpAddr>().is_ok());
    let ip = match (peer, forwarded) {
        (Some(p), Some(f)) if p.is_loopback() => f,
        (Some(p), _) => p.to_string(),
        (None, _) => String::new(),
    };
    let ua = parts
        .headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .chars()
        .take(200)
        .collect();
    (ip, ua)
}

impl axum::extract::FromRequestParts<AppState> for Actor {
    type Rejection = ApiFailure;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        s: &AppState,
    ) -> Result<Self, ApiFailure> {
        let lang = match ReqLang::from_request_parts(parts, s).await {
            Ok(ReqLang(l)) => l,
            Err(never) => match never {},
        };
        let Some((user, csrf, _)) = session_of(s, &parts.headers, lang).await? else {
            return Err(ApiFailure::Unauthorized(auth_error(
                key!("err.auth.required"),
                lang,
            )));
        };
        let safe = matches!(
            parts.method,
            axum::http::Method::GET | axum::http::Method::HEAD
        );
        let sent = parts
            .headers
            .get(crate::auth::CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !safe && (sent.is_empty() || sent != csrf) {
            return Err(ApiFailure::Forbidden(auth_error(
                key!("err.csrf.invalid"),
                lang,
            )));
        }
        let role = crate::auth::Role::parse(&user.role)
            .ok_or_else(|| ApiFailure::Forbidden(forbidden(lang)))?;
        let jurisdiction = (role == crate::auth::Role::Handler)
            .then(|| s.subtree(user.unit_id.as_deref().unwrap_or("")));
        let (ip, user_agent) = origin(parts);
        let who = Who {
            username: user.username.clone(),
            role: role.code().to_owned(),
            ip,
            user_agent,
        };
        Ok(Actor {
            user,
            role,
            jurisdiction,
            who,
        })
    }
}
