//! The OpenAPI 3.1 document, made from the routes the router serves: each registration
//! (`crate::http::register::Routes::at`) records its endpoint, and the endpoint's type
//! in `duban-api` gives the method, the path, the parameters, the body and the answer
//! with their schemas (utoipa, through `duban-api`'s `openapi` feature) and what the
//! route says of itself (`Endpoint::DOC`). No operation is written here.

use std::sync::OnceLock;

use utoipa::openapi::path::{
    HttpMethod, Operation, OperationBuilder, Parameter, ParameterBuilder, ParameterIn,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::{
    ComponentsBuilder, Content, ContentBuilder, InfoBuilder, LicenseBuilder, ObjectBuilder,
    OpenApiBuilder, Paths, Ref, RefOr, Required, Response, ResponseBuilder, Type,
};

use duban_api::endpoint::{API_BASE, Answer, JSON, Media, Payload, Schemas};
use duban_api::{Endpoint, ErrorBody, Method, health};

use crate::http::register::Routes;

/// `GET /api/v1/openapi.json`.
pub fn routes() -> Routes {
    Routes::new().at(health::OpenApiDocument, openapi)
}

async fn openapi() -> axum::Json<serde_json::Value> {
    axum::Json(document().clone())
}

/// The document as JSON (made once).
pub fn document() -> &'static serde_json::Value {
    static DOCUMENT: OnceLock<serde_json::Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| serde_json::to_value(build()).unwrap_or_default())
}

/// Every documented (method, path): every registered route.
pub fn operations() -> Vec<(String, String)> {
    crate::http::registered()
        .into_iter()
        .map(|r| (r.method.as_str().to_owned(), r.path.to_owned()))
        .collect()
}

fn build() -> utoipa::openapi::OpenApi {
    let mut schemas = Schemas::new();
    duban_api::endpoint::component::<ErrorBody>(&mut schemas);
    let mut paths = Paths::new();
    for route in crate::http::registered() {
        let operation = (route.operation)(&mut schemas);
        paths.add_path_operation(route.path, vec![http_method(route.method)], operation);
    }
    let license = LicenseBuilder::new()
        .name(env!("CARGO_PKG_LICENSE"))
        .identifier(Some(env!("CARGO_PKG_LICENSE")))
        .build();
    let info = InfoBuilder::new()
        .title("Duban API")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some("督办: environmental complaint case handling"))
        .license(Some(license))
        .build();
    OpenApiBuilder::new()
        .info(info)
        .paths(paths)
        .components(Some(
            ComponentsBuilder::new().schemas_from_iter(schemas).build(),
        ))
        .build()
}

fn http_method(method: Method) -> HttpMethod {
    match method {
        Method::Get => HttpMethod::Get,
        Method::Post => HttpMethod::Post,
        Method::Put => HttpMethod::Put,
        Method::Patch => HttpMethod::Patch,
        Method::Delete => HttpMethod::Delete,
    }
}

/// The operation of endpoint `E`, the schemas it uses added to `schemas`.
pub fn operation<E: Endpoint>(schemas: &mut Schemas) -> Operation {
    let doc = E::DOC;
    let mut parameters: Vec<Parameter> = <E::Path as duban_api::endpoint::Params>::parameters();
    parameters.extend(<E::Query as duban_api::endpoint::Params>::parameters());
    parameters.extend(doc.headers.iter().map(|h| {
        header(
            h.name,
            h.says,
            h.required,
            ObjectBuilder::new().schema_type(Type::String),
        )
    }));
    if takes_idempotency_key::<E>() {
        parameters.push(idempotency_key());
    }
    let success = answer::<E::Response>(doc.says, schemas);
    let mut op = OperationBuilder::new()
        .operation_id(Some(doc.id))
        .tag(feature_of::<E>())
        .description((!doc.description.is_empty()).then_some(doc.description))
        .parameters(Some(parameters))
        .request_body(request_body::<E::Body>(doc.body_says, schemas))
        .response(doc.status.to_string(), success.clone());
    if E::PATH.starts_with(API_BASE) {
        for (status, says) in COMMON_REFUSALS {
            op = op.response(status, refusal(says));
        }
    }
    // After the common refusals: a route's own word on a status wins.
    for a in doc.answers {
        let (status, response) = match *a {
            Answer::Refused(status, says) => (status, refusal(says)),
            Answer::Same(status, says) => (status, with_description(success.clone(), says)),
            Answer::Empty(status, says) => {
                (status, ResponseBuilder::new().description(says).build())
            }
        };
        op = op.response(status.to_string(), response);
    }
    op.build()
}

/// The feature module the endpoint lives in (`duban_api::cases::GetCase` → `cases`),
/// its tag in the document.
fn feature_of<E>() -> &'static str {
    let path = std::any::type_name::<E>();
    path.rsplit("::").nth(1).unwrap_or(path)
}

fn request_body<B: Payload>(
    says: &str,
    schemas: &mut Schemas,
) -> Option<utoipa::openapi::request_body::RequestBody> {
    let (media, schema) = match B::MEDIA {
        Media::Empty => return None,
        // A JSON body whose type documents no schema is at least an object.
        Media::Json => (
            JSON,
            B::schema(schemas).unwrap_or_else(|| ObjectBuilder::new().into()),
        ),
        Media::Bytes(media) => (media, B::schema(schemas)?),
        Media::File => ("application/octet-stream", B::schema(schemas)?),
    };
    Some(
        RequestBodyBuilder::new()
            .description((!says.is_empty()).then_some(says))
            .required(Some(Required::True))
            .content(media, Content::new(Some(schema)))
            .build(),
    )
}

/// A successful answer: its media type, with the schema when the type documents one.
fn answer<R: Payload>(says: &str, schemas: &mut Schemas) -> Response {
    let response = ResponseBuilder::new().description(says);
    match R::MEDIA {
        Media::Empty | Media::File => response,
        Media::Json => match R::schema(schemas) {
            Some(schema) => response.content(JSON, Content::new(Some(schema))),
            None => response,
        },
        Media::Bytes(media) => response.content(
            media,
            ContentBuilder::new().schema(R::schema(schemas)).build(),
        ),
    }
    .build()
}

fn with_description(mut response: Response, says: &str) -> Response {
    says.clone_into(&mut response.description);
    response
}

fn refusal(says: &str) -> Response {
    ResponseBuilder::new()
        .description(says)
        .content(
            JSON,
            Content::new(Some(RefOr::Ref(Ref::from_schema_name("ErrorBody")))),
        )
        .build()
}

/// The refusals any operation under `/api/v1` may answer besides its own, all in the
/// `ErrorBody` shape: a body that is no JSON or of the wrong type (400, 415) or too
/// large (413), no session (401), no right or no CSRF token (403), over the request
/// rate (429), the database down (503), and a bug (500). Listed so that a client (and
/// schema-driven fuzzing) knows every answer it can get.
const COMMON_REFUSALS: [(&str, &str); 8] = [
    (
        "400",
        "A malformed request (`json.syntax`, a bad parameter)",
    ),
    (
        "401",
        "Not signed in (`auth.required`), or the session went unused for the idle time (`session.idle`; a request with `X-Duban-Background` does not count as use)",
    ),
    ("403", "Not allowed for this account, or no CSRF token"),
    ("413", "The body is over its limit (`body.too_large`)"),
    ("415", "The body is not of the type the operation takes"),
    (
        "429",
        "Over the request rate (`rate.limited`, with Retry-After)",
    ),
    ("500", "A bug (`internal`); nothing half-written is kept"),
    (
        "503",
        "The database does not answer (`storage.unavailable`); nothing was written",
    ),
];

/// Every creating request under `/api/v1` (each `POST` but sign-in and sign-out) takes
/// an `Idempotency-Key` (see `http::idempotency`).
fn takes_idempotency_key<E: Endpoint>() -> bool {
    E::METHOD == Method::Post
        && E::PATH.starts_with(API_BASE)
        && !E::PATH.starts_with("/api/v1/auth/")
}

fn idempotency_key() -> Parameter {
    header(
        "Idempotency-Key",
        "Up to 255 visible ASCII characters, unique per request. A retry with the same key \
         and the same request gets the first answer again (`Idempotent-Replayed: true`) and \
         creates nothing, also after a restart; the same key with another request is refused \
         (422 `idempotency.key_reused`); one still running answers 409 \
         `idempotency.in_progress`. Keys are kept for 7 days.",
        false,
        ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(255)),
    )
}

fn header(name: &str, says: &str, required: bool, schema: ObjectBuilder) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .required(if required {
            Required::True
        } else {
            Required::False
        })
        .description((!says.is_empty()).then_some(says))
        .schema(Some(schema))
        .build()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The document describes every registered route, each once, and nothing else; each
    /// path's `{params}` are the operation's path parameters.
    #[test]
    fn the_document_has_every_registered_route_with_its_path_parameters() {
        let doc = document();
        let registered = crate::http::registered();
        let mut seen = BTreeSet::new();
        let mut ids = BTreeSet::new();
        for r in &registered {
            let method = r.method.as_str().to_lowercase();
            assert!(
                seen.insert((r.path, r.method.as_str())),
                "{} {} twice",
                r.method.as_str(),
                r.path
            );
            let op = &doc["paths"][r.path][&method];
            assert!(op.is_object(), "{method} {} undocumented", r.path);
            let id = op["operationId"].as_str().unwrap_or_default();
            assert!(ids.insert(id.to_owned()), "operation id {id} twice");
            let in_path: BTreeSet<&str> = r
                .path
                .split('{')
                .skip(1)
                .filter_map(|s| s.split_once('}').map(|(name, _)| name))
                .collect();
            let params: BTreeSet<&str> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "path")
                .filter_map(|p| p["name"].as_str())
                .collect();
            assert_eq!(in_path, params, "{method} {}", r.path);
        }
        let documented: usize = doc["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(_, item)| item.as_object().map_or(0, |ops| ops.len()))
            .sum();
        assert_eq!(documented, registered.len());
        assert_eq!(doc["openapi"], "3.1.0");
    }

    /// Every `$ref` names a component of the document.
    #[test]
    fn every_reference_resolves() {
        fn refs<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a str>) {
            match v {
                serde_json::Value::Object(m) => {
                    if let Some(r) = m.get("$ref").and_then(|r| r.as_str()) {
                        out.push(r);
                    }
                    m.values().for_each(|v| refs(v, out));
                }
                serde_json::Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
                _ => {}
            }
        }
        let doc = document();
        let mut found = Vec::new();
        refs(doc, &mut found);
        assert!(!found.is_empty());
        for r in found {
            let name = r.trim_start_matches("#/components/schemas/");
            assert!(doc["components"]["schemas"].get(name).is_some(), "{r}");
        }
    }
}
