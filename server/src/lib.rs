//! Duban's server: `http` (router, extractors, middleware) over one module per feature in
//! `routes`, which call `service` (no HTTP types) and `policy` (who may do what); the
//! domain crates decide what a case or mechanism may do, `store` keeps it.
//!
//! Invariant: `service`, `policy` and `store` import nothing from axum; SQL lives only in
//! `store` and the migrations.

pub mod auth;
pub mod error;
pub mod http;
pub mod openapi;
pub mod policy;
pub mod routes;
pub mod seed;
pub mod service;
pub mod store;
pub mod text;
