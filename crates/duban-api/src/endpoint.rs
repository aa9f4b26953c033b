//! Each route of the HTTP API as a type ([`Endpoint`]): its method, its path, what its
//! path and query carry, its body and its answer. The server registers its handlers from
//! these types and makes the OpenAPI document from them; clients build their requests
//! with [`Endpoint::url`].
//!
//! Paths are absolute, in axum 0.8 syntax (`/api/v1/cases/{id}`): the API's own routes
//! start with [`API_BASE`], the health checks do not. Each `{name}` is a field of the
//! endpoint's `Path` type.
//!
//! ```
//! use duban_api::Endpoint;
//! use duban_api::cases::{GetCase, ListCases};
//! use duban_api::keys::CaseKey;
//!
//! let key = CaseKey { id: "2025-0001".into() };
//! assert_eq!(GetCase::url(&key, &()), "/api/v1/cases/2025-0001");
//! let query = duban_api::ListQuery { status: Some("received".into()), ..Default::default() };
//! assert_eq!(ListCases::url(&(), &query), "/api/v1/cases?status=received");
//! ```

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The prefix of the API's own routes.
pub const API_BASE: &str = "/api/v1";

/// The media type of JSON bodies and answers.
pub const JSON: &str = "application/json";
/// The media type of workbooks.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// An HTTP method a route answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    /// The method as HTTP writes it (`GET`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// One route of the API.
pub trait Endpoint {
    const METHOD: Method;
    /// The absolute path in axum 0.8 syntax (`/api/v1/cases/{id}`).
    const PATH: &'static str;
    /// What fills the path's `{params}`: `()` for none, else a struct whose fields are
    /// named like them (see [`crate::keys`]).
    type Path: Serialize + Params;
    /// The query string: `()` for none, else a struct of optional fields.
    type Query: Serialize + Params;
    /// The request body: `()` for none, [`FileUpload`] for a file's raw bytes, else JSON.
    type Body: Serialize + DeserializeOwned + Payload;
    /// The answer: JSON, or a marker ([`Csv`], [`Xlsx`], [`FileDownload`],
    /// `()` for none) for what is not JSON.
    type Response: DeserializeOwned + Payload;
    /// How the OpenAPI document describes the route beyond its types.
    const DOC: Doc;

    /// The URL (path and query, no host) of a request: the path's `{params}` filled and
    /// percent-encoded, the query's fields appended (blank ones left out).
    fn url(path: &Self::Path, query: &Self::Query) -> String {
        let mut url = fill_path(Self::PATH, path);
        url.push_str(&query_string(query));
        url
    }
}

/// What the OpenAPI document says of a route beyond its types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Doc {
    /// The operation id (`get_case`).
    pub id: &'static str,
    /// What the route does, when more than its types tell (empty: nothing).
    pub description: &'static str,
    /// The status of success.
    pub status: u16,
    /// What success answers.
    pub says: &'static str,
    /// Its other answers, besides the refusals every operation may give.
    pub answers: &'static [Answer],
    /// Request headers it reads.
    pub headers: &'static [Header],
    /// What the request body carries, when its type does not say.
    pub body_says: &'static str,
}

impl Doc {
    /// A route answering 200 with nothing more to say.
    pub const fn new(id: &'static str) -> Doc {
        Doc {
            id,
            description: "",
            status: 200,
            says: "",
            answers: &[],
            headers: &[],
            body_says: "",
        }
    }
}

/// An answer of a route besides its success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// A refusal in the [`crate::ErrorBody`] shape.
    Refused(u16, &'static str),
    /// The same body as success under another status (a second push: 200 instead of
    /// 201; an unhealthy check: 503).
    Same(u16, &'static str),
    /// No body (304 Not Modified).
    Empty(u16, &'static str),
}

/// A request header a route reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub name: &'static str,
    pub required: bool,
    pub says: &'static str,
}

/// How a body or an answer travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    /// No body at all.
    Empty,
    /// JSON ([`JSON`]).
    Json,
    /// Bytes of this media type.
    Bytes(&'static str),
    /// A file of the type it was stored with.
    File,
}

/// The component schemas a document collects (utoipa's `ToSchema::schemas`).
#[cfg(feature = "openapi")]
pub type Schemas = Vec<(
    String,
    utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
)>;

/// A request body or an answer: how it travels and, with the `openapi` feature, its
/// schema.
pub trait Payload {
    const MEDIA: Media = Media::Json;
    /// Its schema (a reference to a component added to `schemas`), if documented.
    #[cfg(feature = "openapi")]
    fn schema(
        _schemas: &mut Schemas,
    ) -> Option<utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>> {
        None
    }
}

/// A path or a query type: with the `openapi` feature, its parameters.
pub trait Params {
    #[cfg(feature = "openapi")]
    fn parameters() -> Vec<utoipa::openapi::path::Parameter> {
        Vec::new()
    }
}

impl Params for () {}

impl Payload for () {
    const MEDIA: Media = Media::Empty;
}

impl<T: Payload> Payload for Vec<T> {
    #[cfg(feature = "openapi")]
    fn schema(
        schemas: &mut Schemas,
    ) -> Option<utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>> {
        let item = T::schema(schemas)?;
        Some(
            utoipa::openapi::schema::ArrayBuilder::new()
                .items(item)
                .into(),
        )
    }
}

impl Payload for serde_json::Value {}

/// Payload impls: `payload!(A, B)` for JSON without a documented schema,
/// `payload!(schema: A, B)` for JSON types whose schema (`utoipa::ToSchema`, with the
/// `openapi` feature) the document shows.
macro_rules! payload {
    (schema: $($t:ty),* $(,)?) => {$(
        impl $crate::endpoint::Payload for $t {
            #[cfg(feature = "openapi")]
            fn schema(
                schemas: &mut $crate::endpoint::Schemas,
            ) -> Option<utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>> {
                Some($crate::endpoint::component::<$t>(schemas))
            }
        }
    )*};
    ($($t:ty),* $(,)?) => {$(
        impl $crate::endpoint::Payload for $t {}
    )*};
}
pub(crate) use payload;

/// Params impls for types deriving `utoipa::IntoParams` (with the `openapi` feature).
macro_rules! params {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::endpoint::Params for $t {
            #[cfg(feature = "openapi")]
            fn parameters() -> Vec<utoipa::openapi::path::Parameter> {
                <$t as utoipa::IntoParams>::into_params(|| None)
            }
        }
    )*};
}
pub(crate) use params;

/// A reference to `T`'s component schema, added with the schemas it uses.
#[cfg(feature = "openapi")]
pub fn component<T: utoipa::ToSchema>(
    schemas: &mut Schemas,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    let name = T::name().into_owned();
    T::schemas(schemas);
    schemas.push((name.clone(), T::schema()));
    utoipa::openapi::Ref::from_schema_name(name).into()
}

/// A request body of a file's raw bytes (`application/octet-stream`, or the file's own
/// type), documented as a binary string.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct FileUpload;

impl Payload for FileUpload {
    const MEDIA: Media = Media::Bytes("application/octet-stream");
    #[cfg(feature = "openapi")]
    fn schema(
        schemas: &mut Schemas,
    ) -> Option<utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>> {
        Some(component::<FileBytes>(schemas))
    }
}

/// The schema of a file's bytes: a binary string, not an array of integers.
#[cfg(feature = "openapi")]
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
struct FileBytes(Vec<u8>);

/// An answer in CSV (UTF-8 with BOM), not JSON.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
pub struct Csv;

impl Payload for Csv {
    const MEDIA: Media = Media::Bytes("text/csv");
}

/// An answer that is an Excel workbook.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
pub struct Xlsx;

impl Payload for Xlsx {
    const MEDIA: Media = Media::Bytes(XLSX);
}

/// An answer that is a stored file, of its own type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
pub struct FileDownload;

impl Payload for FileDownload {
    const MEDIA: Media = Media::File;
}

/// What a path segment may hold unescaped: RFC 3986's unreserved characters.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A path template with its `{params}` filled from `params` (a struct by field name, a
/// tuple in order, or one value), each percent-encoded as a segment. A param with no
/// value is left as written.
pub fn fill_path<P: Serialize + ?Sized>(template: &str, params: &P) -> String {
    use serde_json::Value;
    let values = serde_json::to_value(params).unwrap_or(Value::Null);
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    let mut index = 0;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else {
            break;
        };
        out.push_str(&rest[..open]);
        let name = &rest[open + 1..open + len];
        let value = match &values {
            Value::Object(fields) => fields.get(name),
            Value::Array(items) => items.get(index),
            Value::Null => None,
            one => (index == 0).then_some(one),
        };
        match value {
            Some(Value::String(s)) => out.extend(utf8_percent_encode(s, SEGMENT)),
            Some(v @ (Value::Number(_) | Value::Bool(_))) => out.push_str(&v.to_string()),
            _ => out.push_str(&rest[open..=open + len]),
        }
        index += 1;
        rest = &rest[open + len + 1..];
    }
    out.push_str(rest);
    out
}

/// A query string (`?a=1&b=x+y`, or empty) from a struct of fields (`None` and blank
/// values left out), form-encoded as axum's `Query` reads it.
pub fn query_string<Q: Serialize + ?Sized>(query: &Q) -> String {
    let encoded = serde_urlencoded::to_string(query).unwrap_or_default();
    let pairs: Vec<&str> = encoded
        .split('&')
        .filter(|pair| pair.split_once('=').is_some_and(|(_, v)| !v.is_empty()))
        .collect();
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::CaseKey;

    #[derive(Serialize)]
    struct Two {
        a: &'static str,
        b: u32,
    }

    #[test]
    fn a_path_is_filled_by_name_in_order_or_from_one_value_and_escaped() {
        let key = CaseKey {
            id: "2025-0001".into(),
        };
        assert_eq!(
            fill_path("/api/v1/cases/{id}", &key),
            "/api/v1/cases/2025-0001"
        );
        assert_eq!(
            fill_path("/x/{a}/y/{b}", &Two { a: "a b/c?", b: 7 }),
            "/x/a%20b%2Fc%3F/y/7"
        );
        assert_eq!(fill_path("/x/{a}/{b}", &("先", 2)), "/x/%E5%85%88/2");
        assert_eq!(fill_path("/calendar/{year}", &2026), "/calendar/2026");
        assert_eq!(fill_path("/x/{a}", &()), "/x/{a}");
        assert_eq!(fill_path("/x/{a", &"v"), "/x/{a");
        assert_eq!(fill_path("/healthz", &()), "/healthz");
    }

    #[test]
    fn a_query_leaves_out_none_and_blank_values_and_escapes_the_rest() {
        #[derive(Serialize, Default)]
        struct Q {
            status: Option<String>,
            q: Option<String>,
            key: Option<bool>,
            limit: Option<u32>,
        }
        assert_eq!(query_string(&()), "");
        assert_eq!(query_string(&Q::default()), "");
        let q = Q {
            status: Some(String::new()),
            q: Some("张三 & 李四=?".into()),
            key: Some(true),
            limit: Some(20),
        };
        assert_eq!(
            query_string(&q),
            "?q=%E5%BC%A0%E4%B8%89+%26+%E6%9D%8E%E5%9B%9B%3D%3F&key=true&limit=20"
        );
        let back: std::collections::HashMap<String, String> =
            serde_urlencoded::from_str(&query_string(&q)[1..]).unwrap_or_default();
        assert_eq!(back["q"], "张三 & 李四=?");
    }

    #[test]
    fn methods_are_written_as_http_writes_them() {
        assert_eq!(Method::Patch.as_str(), "PATCH");
    }
}
