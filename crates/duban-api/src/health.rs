//! Health checks and the API's own description.

use serde::{Deserialize, Serialize};

use crate::endpoint::payload;
use crate::endpoint::{Answer::*, Doc, Endpoint, Method};

/// `GET /healthz`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub database: String,
    pub version: String,
    /// Whether the demo data and demo accounts are loaded.
    #[serde(default)]
    pub demo: bool,
}

payload!(schema: Health);

/// Whether the server is up and its database answers.
#[derive(Debug, Clone, Copy)]
pub struct Healthz;

impl Endpoint for Healthz {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/healthz";
    type Path = ();
    type Query = ();
    type Body = ();
    type Response = Health;
    const DOC: Doc = Doc {
        answers: &[Same(503, "")],
        ..Doc::new("healthz")
    };
}

/// Whether the server is ready to take requests.
#[derive(Debug, Clone, Copy)]
pub struct Readyz;

impl Endpoint for Readyz {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/readyz";
    type Path = ();
    type Query = ();
    type Body = ();
    type Response = Health;
    const DOC: Doc = Doc {
        answers: &[Same(503, "")],
        ..Doc::new("readyz")
    };
}

/// The OpenAPI 3.1 document of the API.
#[derive(Debug, Clone, Copy)]
pub struct OpenApiDocument;

impl Endpoint for OpenApiDocument {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/openapi.json";
    type Path = ();
    type Query = ();
    type Body = ();
    type Response = serde_json::Value;
    const DOC: Doc = Doc {
        says: "This document",
        ..Doc::new("openapi_json")
    };
}
