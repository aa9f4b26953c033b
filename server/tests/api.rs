//! The API story, through the real router, on SQLite and (when
//! `DUBAN_TEST_POSTGRES_URL` is set) on PostgreSQL: one scenario family a module;
//! `both!` makes a scenario's SQLite and PostgreSQL tests.

#![allow(clippy::expect_used, clippy::unwrap_used)] // test code may panic

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use duban_api::Endpoint;
use duban_api::session::{Login, SESSION_COOKIE};
use duban_server::http::router;
use duban_server::service::AppState;
use duban_server::service::Who;
use duban_server::store::{PgStore, SqliteStore, Store};

#[macro_use]
#[path = "api/support.rs"]
mod support;
use support::*;

#[path = "api/access.rs"]
mod access;
#[path = "api/accounts.rs"]
mod accounts;
#[path = "api/board.rs"]
mod board;
#[path = "api/concurrency.rs"]
mod concurrency;
#[path = "api/crash.rs"]
mod crash;
#[path = "api/demo.rs"]
mod demo;
#[path = "api/dispatch.rs"]
mod dispatch;
#[path = "api/forms.rs"]
mod forms;
#[path = "api/headers.rs"]
mod headers;
#[path = "api/hostile.rs"]
mod hostile;
#[path = "api/hotline.rs"]
mod hotline;
#[path = "api/idempotency.rs"]
mod idempotency;
#[path = "api/import.rs"]
mod import;
#[path = "api/import_real.rs"]
mod import_real;
#[path = "api/inbox.rs"]
mod inbox;
#[path = "api/incidents.rs"]
mod incidents;
#[path = "api/ladder.rs"]
mod ladder;
#[path = "api/open311.rs"]
mod open311;
#[path = "api/operations.rs"]
mod operations;
#[path = "api/privacy.rs"]
mod privacy;
#[path = "api/referrals.rs"]
mod referrals;
#[path = "api/repeats.rs"]
mod repeats;
#[path = "api/sessions.rs"]
mod sessions;
#[path = "api/signin.rs"]
mod signin;
#[path = "api/sla.rs"]
mod sla;
#[path = "api/story.rs"]
mod story;
#[path = "api/supervision.rs"]
mod supervision;
#[path = "api/trial.rs"]
mod trial;
