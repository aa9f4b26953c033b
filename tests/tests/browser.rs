//! The browser tests: stories against the real server (in-process, fresh SQLite
//! database) serving the built web app (`dist/`), in headless Chromium through
//! chromedriver with fantoccini; one story a module. The harness is the library's
//! `duban_tests::browser`.
//!
//! Needs `dist/index.html` (`cargo xtask build-web --release`; or `DUBAN_DIST`),
//! chromedriver and Chromium (`cargo xtask setup`; or `CHROMEDRIVER` / `CHROME_BIN`).
//! Without them the tests print a notice and pass, except under `CI`, where they fail.
//!
//! Run: `cargo test -p duban-tests --test workspace browser -- --nocapture`

// What the stories share, for their `use super::*`.
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, ensure};
use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use duban_tests::browser::driver::{cdp, network};
use duban_tests::browser::env::tempdir_in;
use duban_tests::browser::fixtures::{PNG_1X1, dispatched, register, signed_for, today_utc8};
use duban_tests::browser::http::{cases, http_get, http_get_with};
use duban_tests::browser::page::{
    fill, fill_intake, no_field_errors, open_order_form, set_value, sign_in, until, wait,
};
use duban_tests::browser::{
    ADDRESS, COMPLAINANT, CONTENT, DIVISION, LEAD_UNIT, PASSWORD, PHONE, SENDER_REF, SHORT_CONTENT,
    in_browser,
};

mod board;
// A demo that shows every page (issue 27, point 3).
mod demo;
mod dispatch;
mod emergency;
// Forms and pages (issue 20): numeric fields, navigation, notices, attachments.
mod forms;
mod import;
// Fixing rows of a transfer list in the preview (issue 20, point 3).
mod import_fix;
mod offline;
mod referral;
// Sign-in hardening (issue 27): the idle warning, sessions ended by administrators.
mod sessions;
mod story;
mod supervision;
