//! Accounts, passwords, sessions and CSRF protection.
//!
//! Passwords are argon2id; a session is a random 256-bit token in an HttpOnly,
//! SameSite=Strict cookie, stored server-side by its SHA-256; every state-changing
//! request of a session must echo the session's CSRF token in `X-CSRF-Token`. A session
//! ends after [`SESSION_HOURS`], or sooner when unused for the idle time. Repeated
//! failed logins for one username are refused for a while.

use std::collections::HashMap;
use std::sync::Mutex;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::http::HeaderMap;
use chrono::{DateTime, TimeDelta, Utc};
use rand_core::{OsRng, RngCore};

use sha2::{Digest, Sha256};

/// Session cookie name.
pub const SESSION_COOKIE: &str = duban_api::session::SESSION_COOKIE;
/// Readable cookie holding the CSRF token for the browser app.
pub const CSRF_COOKIE: &str = duban_api::session::CSRF_COOKIE;
/// Header a state-changing request must carry.
pub const CSRF_HEADER: &str = duban_api::session::CSRF_HEADER;
/// How long a session lives.
pub const SESSION_HOURS: i64 = 12;
/// Minutes a session may go unused before it ends (`duban serve --idle-minutes`).
pub const IDLE_MINUTES: u32 = 30;
/// A session's last use is written at most this often, to keep writes low; so a session
/// ends between the idle time and this much more after its last use, never earlier.
pub const TOUCH_SECONDS: i64 = 60;
/// Sent (any value) by requests that are not the user's doing (the web app's polling):
/// they do not keep a session alive.
pub const BACKGROUND_HEADER: &str = "x-duban-background";
/// The fewest characters a new password has.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Failed logins allowed per username within [`THROTTLE_MINUTES`].
pub const MAX_FAILURES: usize = 5;
/// Failed logins allowed from one client address within [`THROTTLE_MINUTES`], whatever
/// the usernames: one password sprayed over many accounts is stopped here.
pub const MAX_ADDRESS_FAILURES: usize = 20;
pub const THROTTLE_MINUTES: i64 = 15;
/// Usernames tracked before stale entries are dropped.
const MAX_TRACKED: usize = 10_000;

/// Roles of DOMAIN.md, on the wire as their codes.
pub use duban_api::Role;

/// The role an account row names. Accounts are written only with a [`Role`]'s code; a
/// row edited by hand to another text reads as the read-only leader here, and the
/// `Actor` extractor refuses its requests all the same.
pub fn stored_role(code: &str) -> Role {
    Role::parse(code).unwrap_or(Role::Leader)
}

/// What a request does to its session, from the session's last use: nothing (used
/// within [`TOUCH_SECONDS`], or a background request), record the use, or end it
/// (unused for longer than `idle`, if sessions have an idle time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionUse {
    Fresh,
    Touch,
    Idle,
}

pub fn session_use(
    last_seen: DateTime<Utc>,
    now: DateTime<Utc>,
    idle: Option<TimeDelta>,
    background: bool,
) -> SessionUse {
    let unused = now - last_seen;
    let touch = TimeDelta::seconds(TOUCH_SECONDS);
    match idle {
        // The last use is written late by up to `touch`: the end waits as long.
        Some(idle) if unused >= idle + touch => SessionUse::Idle,
        _ if background || unused < touch => SessionUse::Fresh,
        _ => SessionUse::Touch,
    }
}

/// Whether `password` is among the common passwords shipped with the server
/// (`server/data/common-passwords.txt`), whatever its case.
pub fn is_common_password(password: &str) -> bool {
    static COMMON: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    COMMON
        .get_or_init(|| {
            include_str!("../data/common-passwords.txt")
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .collect()
        })
        .contains(password.to_lowercase().as_str())
}

/// argon2id PHC string of a password.
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` matches a stored PHC string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A PHC string of no password, verified against when a username is unknown so that a
/// wrong username takes as long as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&random_token()).unwrap_or_default())
}

/// 256 random bits, hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A readable one-time password (for bootstrap and `duban user add`).
pub fn one_time_password() -> String {
    random_token().chars().take(16).collect()
}

/// What sessions are stored under.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A cookie's value from the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// `Set-Cookie` values for a new session (`max_age` 0 clears them). `Secure` is added
/// when the request came over https (directly or through a proxy that says so).
pub fn session_cookies(token: &str, csrf: &str, max_age: i64, secure: bool) -> [String; 2] {
    let secure = if secure { "; Secure" } else { "" };
    [
        format!(
            "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
        ),
        format!("{CSRF_COOKIE}={csrf}; Path=/; SameSite=Strict; Max-Age={max_age}{secure}"),
    ]
}

/// Whether the request arrived over https.
pub fn is_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// Failed logins per username in a sliding window.
#[derive(Debug)]
pub struct Throttle {
    max: usize,
    failures: Mutex<HashMap<String, Vec<DateTime<Utc>>>>,
}

impl Throttle {
    /// Failures counted per username ([`MAX_FAILURES`]).
    pub fn per_username() -> Throttle {
        Throttle::new(MAX_FAILURES)
    }
    /// Failures counted per client address ([`MAX_ADDRESS_FAILURES`]).
    pub fn per_address() -> Throttle {
        Throttle::new(MAX_ADDRESS_FAILURES)
    }
    fn new(max: usize) -> Throttle {
        Throttle {
            max,
            failures: Mutex::default(),
        }
    }
    fn key(username: &str) -> String {
        username.trim().to_lowercase()
    }
    /// Whether `username` is locked out at `now`.
    pub fn locked(&self, username: &str, now: DateTime<Utc>) -> bool {
        let window = now - TimeDelta::minutes(THROTTLE_MINUTES);
        self.failures
            .lock()
            .map(|mut m| {
                let list = m.entry(Self::key(username)).or_default();
                list.retain(|t| *t > window);
                list.len() >= self.max
            })
            .unwrap_or(true)
    }
    pub fn fail(&self, username: &str, now: DateTime<Utc>) {
        if let Ok(mut m) = self.failures.lock() {
            // Guessed usernames must not grow the table without bound.
            if m.len() >= MAX_TRACKED {
                let window = now - TimeDelta::minutes(THROTTLE_MINUTES);
                m.retain(|_, list| list.iter().any(|t| *t > window));
            }
            m.entry(Self::key(username)).or_default().push(now);
        }
    }
    pub fn succeed(&self, username: &str) {
        if let Ok(mut m) = self.failures.lock() {
            m.remove(&Self::key(username));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_ends_after_the_idle_time_and_never_earlier() {
        let t0: DateTime<Utc> = "2025-06-03T01:30:00Z".parse().expect("time");
        let idle = Some(TimeDelta::minutes(30));
        let at = |s: i64| t0 + TimeDelta::seconds(s);
        assert_eq!(session_use(t0, at(59), idle, false), SessionUse::Fresh);
        assert_eq!(session_use(t0, at(60), idle, false), SessionUse::Touch);
        assert_eq!(session_use(t0, at(60), idle, true), SessionUse::Fresh);
        // The last use may have been written up to a minute late.
        assert_eq!(
            session_use(t0, at(30 * 60 + 59), idle, false),
            SessionUse::Touch
        );
        assert_eq!(session_use(t0, at(31 * 60), idle, false), SessionUse::Idle);
        assert_eq!(session_use(t0, at(31 * 60), idle, true), SessionUse::Idle);
        assert_eq!(session_use(t0, at(86_400), None, false), SessionUse::Touch);
    }

    #[test]
    fn common_passwords_are_found_whatever_their_case() {
        assert!(is_common_password("password"));
        assert!(is_common_password("1QAZ2wsx3edc"));
        assert!(!is_common_password("quiet-river-7319"));
        // The list's comment lines are not passwords.
        assert!(!is_common_password("# lines starting with # are comments."));
    }
}
