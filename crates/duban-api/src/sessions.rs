//! A user's sessions as administrators see them (`/api/v1/admin/users/{id}/sessions`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
