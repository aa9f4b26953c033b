//! The only place that maps errors to HTTP statuses. Every error body has the shape
//! `{"errors":[{"field","code","message"}]}`.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use duban_api::ErrorBody;
use duban_case::Lang;
use duban_core::CodedError;

use crate::store::StoreError;
use crate::text::Text;

/// A failed request.
#[derive(Debug)]
pub enum ApiFailure {
    /// 400: the request is malformed (JSON syntax, query string).
    BadRequest(ErrorBody),
    /// 404
    NotFound(ErrorBody),
    /// 401: not signed in, or wrong credentials.
    Unauthorized(ErrorBody),
    /// 403: signed in but not allowed (or a missing CSRF token).
    Forbidden(ErrorBody),
    /// 405
    MethodNotAllowed(ErrorBody),
    /// 429
    TooManyRequests(ErrorBody),
    /// 409: the case changed meanwhile; carries the current state.
    Conflict(ErrorBody, Option<serde_json::Value>),
    /// 413
    TooLarge(ErrorBody),
    /// 415
    UnsupportedMediaType(ErrorBody),
    /// 422: well-formed but invalid.
    Invalid(ErrorBody),
    /// 503: the database failed; nothing was written.
    Unavailable(String),
}

impl ApiFailure {
    /// Domain errors (a case's, a supervision's, an import's …) as a 422, each with its
    /// field, code and message in `lang`.
    pub fn invalid<'e, E: CodedError + 'e>(
        errors: impl IntoIterator<Item = &'e E>,
        lang: Lang,
    ) -> ApiFailure {
        ApiFailure::Invalid(ErrorBody::from_errors(errors, lang))
    }
    pub fn not_found(field: &str, code: &str, lang: Lang) -> ApiFailure {
        let message = duban_text::key!("problem.not_found").get(lang);
        ApiFailure::NotFound(ErrorBody::single(field, code, message))
    }
    pub fn bad_field(field: &str, code: &str, message: impl Into<String>) -> ApiFailure {
        ApiFailure::Invalid(ErrorBody::single(field, code, message))
    }
    /// A refusal in the server's own words ([`Text`]) at `field`: 404 for what does
    /// not exist, else 422.
    pub fn refused(field: &str, text: Text, lang: Lang) -> ApiFailure {
        let body = ErrorBody::single(field, text.code(), text.message(lang));
        if text.is_not_found() {
            ApiFailure::NotFound(body)
        } else {
            ApiFailure::Invalid(body)
        }
    }
}

impl From<StoreError> for ApiFailure {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { current } => ApiFailure::Conflict(
                ErrorBody::single(
                    "version",
                    "version.conflict",
                    format!("the case changed meanwhile (now version {current})"),
                ),
                None,
            ),
            other => {
                tracing::error!(error = %other, "storage failure");
                ApiFailure::Unavailable(other.to_string())
            }
        }
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            ApiFailure::BadRequest(b) => (StatusCode::BAD_REQUEST, serde_json::to_value(b)),
            ApiFailure::NotFound(b) => (StatusCode::NOT_FOUND, serde_json::to_value(b)),
            ApiFailure::Unauthorized(b) => (StatusCode::UNAUTHORIZED, serde_json::to_value(b)),
            ApiFailure::Forbidden(b) => (StatusCode::FORBIDDEN, serde_json::to_value(b)),
            ApiFailure::TooManyRequests(b) => {
                (StatusCode::TOO_MANY_REQUESTS, serde_json::to_value(b))
            }
            ApiFailure::MethodNotAllowed(b) => {
                (StatusCode::METHOD_NOT_ALLOWED, serde_json::to_value(b))
            }
            ApiFailure::TooLarge(b) => (StatusCode::PAYLOAD_TOO_LARGE, serde_json::to_value(b)),
            ApiFailure::UnsupportedMediaType(b) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, serde_json::to_value(b))
            }
            ApiFailure::Invalid(b) => (StatusCode::UNPROCESSABLE_ENTITY, serde_json::to_value(b)),
            ApiFailure::Conflict(b, current) => {
                let mut v = serde_json::to_value(b).unwrap_or_default();
                if let (Some(obj), Some(cur)) = (v.as_object_mut(), current) {
                    obj.insert("current".into(), cur);
                }
                (StatusCode::CONFLICT, Ok(v))
            }
            ApiFailure::Unavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                serde_json::to_value(ErrorBody::single(
                    "",
                    "storage.unavailable",
                    "storage is unavailable; nothing was written",
                )),
            ),
        };
        (status, axum::Json(body.unwrap_or_default())).into_response()
    }
}

/// The answer to a request whose handler panicked (tower-http's `CatchPanicLayer`): a
/// 500 in our error shape instead of a dropped connection, and the server goes on. The
/// panic's own text goes to stderr through the panic hook, not into the log, as it may
/// quote input; the log line carries the request id and path.
pub fn panic_answer(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("the handler panicked; answered 500");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        axum::Json(ErrorBody::single(
            "",
            "internal",
            "服务器内部错误，已记录，请稍后重试 (internal error; it has been logged)",
        )),
    )
        .into_response()
}

/// The reader's language from `Accept-Language`: English if it prefers `en`, else Chinese.
pub struct ReqLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for ReqLang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ReqLang(lang_of(parts)))
    }
}

/// The request's language: English when `Accept-Language` starts with `en`, else Chinese.
fn lang_of(parts: &Parts) -> Lang {
    let en = parts
        .headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("en"));
    if en { Lang::En } else { Lang::Zh }
}

/// `axum::Json` whose rejection uses our error shape.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiFailure;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(r: JsonRejection) -> ApiFailure {
    let text = r.body_text();
    match r {
        JsonRejection::JsonDataError(_) => {
            ApiFailure::Invalid(ErrorBody::single("body", "json.invalid", text))
        }
        JsonRejection::JsonSyntaxError(_) => {
            ApiFailure::BadRequest(ErrorBody::single("body", "json.syntax", text))
        }
        JsonRejection::MissingJsonContentType(_) => {
            ApiFailure::UnsupportedMediaType(ErrorBody::single("body", "json.content_type", text))
        }
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiFailure::TooLarge(ErrorBody::single("body", "body.too_large", text))
        }
        _ => ApiFailure::BadRequest(ErrorBody::single("body", "body.unreadable", text)),
    }
}

/// `axum::extract::Query` whose rejection uses our error shape.
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiFailure;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(r) => Err(ApiFailure::BadRequest(query_rejection(
                &r.body_text(),
                lang_of(parts),
            ))),
        }
    }
}

/// A query string that does not parse, said in the request's language: an unknown
/// parameter by its name, otherwise the parser's detail (which names the value).
fn query_rejection(text: &str, lang: Lang) -> ErrorBody {
    let detail = text
        .strip_prefix("Failed to deserialize query string: ")
        .unwrap_or(text);
    // serde_urlencoded names an unknown parameter between backticks.
    let unknown = detail
        .split_once("unknown field `")
        .and_then(|(_, rest)| rest.split('`').next());
    let error = match unknown {
        Some(name) => {
            let named = [("name", name.to_owned())];
            let key = duban_text::key!("srv.query.unknown_parameter");
            duban_api::ApiError::from_text(name, key, &named, lang)
        }
        None => {
            let detail = [("detail", detail.to_owned())];
            let key = duban_text::key!("srv.query.invalid_detail");
            duban_api::ApiError::from_text("query", key, &detail, lang)
        }
    };
    error
        .with_code(duban_text::key!("err.query.invalid").code())
        .into()
}
