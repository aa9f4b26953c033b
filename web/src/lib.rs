//! Duban (督办) browser front end.
//!
//! A Leptos 0.8 client-side rendered (CSR) application compiled to
//! `wasm32-unknown-unknown`. `cargo xtask build-web [--release]` builds it and runs
//! wasm-bindgen (and wasm-opt for release) into `dist/` at the workspace root.
//!
//! Layout:
//! - [`app`]: the shell (`<App/>`): router, top navigation bar, route table.
//! - [`i18n`]: UI language (`Lang`) and the reactive language context; the texts are duban-text's catalogue, taken with `key!`.
//! - [`pages`]: one module per route.
//! - [`components`]: widgets several pages share (field errors, list editors, ...).
//! - [`session`]: the signed-in user, shared as context.
//! - [`offline`]: the network state, drafts kept as typed, and the outbox of
//!   submissions made offline (each with its `Idempotency-Key`).
//! - [`dispatch_view`]: quick dispatch for people: rule kinds, clearing buckets, lists.
//! - [`mechanism_view`]: supervision, referral, emergency linkage, inbox and escalations
//!   for people: units spoken for, links, plan error paths.
//! - [`numeric`]: numeric fields (typed text kept, number parsed beside it).

pub mod api;
pub mod app;
pub mod components;
pub mod dispatch_view;
pub mod format;
pub mod i18n;
pub mod mechanism_view;
pub mod numeric;
pub mod offline;
pub mod pages;
pub mod session;
pub mod sla_view;

use wasm_bindgen::prelude::wasm_bindgen;

/// Entry point, called by the generated JS glue (`init()` in `index.html`) once the
/// module is instantiated: mounts `<App/>` to `<body>`.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
