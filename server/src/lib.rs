//! Duban's server: the axum router over a storage trait with SQLite and PostgreSQL
//! implementations. The domain crates make every decision; this crate stores, serves
//! and maps errors to HTTP.
//!
//! Invariant: the only place with HTTP status codes is `error.rs`; the only place with
//! SQL is `store.rs` and the migrations.

pub mod auth;
pub mod error;
pub mod http;
pub mod openapi;
pub mod policy;
pub mod routes;
pub mod seed;
pub mod service;
pub mod store;
