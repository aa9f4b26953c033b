//! Signing in and out, and who is signed in.

use serde::{Deserialize, Serialize};

use crate::Role;
use crate::endpoint::payload;
use crate::endpoint::{Doc, Endpoint, Header, Method};

/// The session cookie (HTTP only).
pub const SESSION_COOKIE: &str = "duban_session";
/// The readable cookie holding the session's CSRF token, for the browser app.
pub const CSRF_COOKIE: &str = "duban_csrf";
/// The header a state-changing request must carry the CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The signed-in user (`GET /api/v1/auth/me`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<String>,
    /// Seconds a session may go unused before the server ends it (0: no idle end).
    #[serde(default)]
    pub idle_seconds: u64,
}

/// `POST /api/v1/auth/login` body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// `POST /api/v1/auth/login` answer; the session itself travels in an HttpOnly cookie.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub user: Me,
    /// Send back in `X-CSRF-Token` on every state-changing request (also in the
    /// `duban_csrf` cookie).
    pub csrf_token: String,
}

payload!(LoginRequest, LoginResponse, Me);

/// Signs in: sets the session cookie and the CSRF cookie.
#[derive(Debug, Clone, Copy)]
pub struct Login;

impl Endpoint for Login {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v1/auth/login";
    type Path = ();
    type Query = ();
    type Body = LoginRequest;
    type Response = LoginResponse;
    const DOC: Doc = Doc {
        says: "{user, csrf_token}; sets the HttpOnly session cookie and the CSRF cookie",
        body_says: "{\"username\": \"…\", \"password\": \"…\"}",
        ..Doc::new("login")
    };
}

/// Signs out: ends the session and clears its cookies.
#[derive(Debug, Clone, Copy)]
pub struct Logout;

impl Endpoint for Logout {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v1/auth/logout";
    type Path = ();
    type Query = ();
    type Body = ();
    type Response = ();
    const DOC: Doc = Doc {
        status: 204,
        says: "Signed out; cookies cleared",
        headers: &[Header {
            name: "X-CSRF-Token",
            required: true,
            says: "The session's CSRF token",
        }],
        ..Doc::new("logout")
    };
}

/// The signed-in user.
#[derive(Debug, Clone, Copy)]
pub struct CurrentUser;

impl Endpoint for CurrentUser {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/auth/me";
    type Path = ();
    type Query = ();
    type Body = ();
    type Response = Me;
    const DOC: Doc = Doc {
        says: "The signed-in user",
        ..Doc::new("me")
    };
}
