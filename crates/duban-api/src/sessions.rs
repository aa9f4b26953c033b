//! A user's sessions as administrators see them (`/api/v1/admin/users/{id}/sessions`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::endpoint::{Answer::*, Doc, Endpoint, Method};
use crate::endpoint::{params, payload};
use crate::keys::UserKey;

/// One signed-in session: never its token or the token's hash.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// Names the session for `DELETE …/sessions/{session_id}`; not a secret.
    pub id: String,
    pub created_at: DateTime<Utc>,
    /// Its last use, to the minute (background polling does not count).
    pub last_seen_at: DateTime<Utc>,
    /// The end of its lifetime; it ends sooner when unused for the idle time.
    pub expires_at: DateTime<Utc>,
    /// The browser's user agent at sign-in, shortened.
    pub user_agent: String,
    /// The client's address at sign-in.
    pub ip: String,
}

/// `DELETE /api/v1/admin/users/{id}/sessions[/{session_id}]`: how many sessions ended.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionsEnded {
    pub ended: u64,
}

payload!(schema: SessionView, SessionsEnded);

/// A session of an account, by the id its list gives (never the token).
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Path))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct SessionKey {
    /// User id
    pub id: String,
    /// The session's id from the list (not its token)
    pub session_id: String,
}
params!(SessionKey);

/// An account's live sessions, most recently used first (administrators).
#[derive(Debug, Clone, Copy)]
pub struct ListUserSessions;

impl Endpoint for ListUserSessions {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/admin/users/{id}/sessions";
    type Path = UserKey;
    type Query = ();
    type Body = ();
    type Response = Vec<SessionView>;
    const DOC: Doc = Doc {
        says: "The user's live sessions, most recently used first",
        answers: &[Refused(404, "")],
        ..Doc::new("admin_user_sessions")
    };
}

/// Ends every session of an account (audited `user.end_sessions`).
#[derive(Debug, Clone, Copy)]
pub struct EndUserSessions;

impl Endpoint for EndUserSessions {
    const METHOD: Method = Method::Delete;
    const PATH: &'static str = "/api/v1/admin/users/{id}/sessions";
    type Path = UserKey;
    type Query = ();
    type Body = ();
    type Response = SessionsEnded;
    const DOC: Doc = Doc {
        says: "Every session of the user ended (audited `user.end_sessions`)",
        answers: &[Refused(404, "")],
        ..Doc::new("admin_end_sessions")
    };
}

/// Ends one session of an account (audited `user.end_sessions`).
#[derive(Debug, Clone, Copy)]
pub struct EndUserSession;

impl Endpoint for EndUserSession {
    const METHOD: Method = Method::Delete;
    const PATH: &'static str = "/api/v1/admin/users/{id}/sessions/{session_id}";
    type Path = SessionKey;
    type Query = ();
    type Body = ();
    type Response = SessionsEnded;
    const DOC: Doc = Doc {
        says: "The session ended (audited `user.end_sessions`)",
        answers: &[Refused(404, "")],
        ..Doc::new("admin_end_session")
    };
}
