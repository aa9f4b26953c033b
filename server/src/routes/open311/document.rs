//! Formats and errors: `{name}.json` / `{name}.xml`, the spec's error list, and the
//! answer written in the format asked for.

use std::fmt::Display;

use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use duban_case::Lang;
use duban_intake::open311;
use duban_text::{Key, key};

use crate::store::StoreError;

const JSON_TYPE: &str = "application/json; charset=utf-8";
const XML_TYPE: &str = "text/xml; charset=utf-8";
pub(super) const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Json,
    Xml,
}

/// `services.json` → (`services`, JSON); `None` for a missing or unknown format.
pub(super) fn split_format(file: &str) -> Option<(&str, Format)> {
    let (name, ext) = file.rsplit_once('.')?;
    let format = match ext {
        "json" => Format::Json,
        "xml" => Format::Xml,
        _ => return None,
    };
    (!name.is_empty()).then_some((name, format))
}

/// The format a path asks for, for answers to paths that do not exist.
pub(super) fn format_of_path(path: &str) -> Format {
    if path.ends_with(".xml") {
        Format::Xml
    } else {
        Format::Json
    }
}

/// One error of the spec's error list.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(super) struct ErrorItem {
    code: u16,
    description: String,
}

#[derive(Serialize)]
#[serde(rename = "errors")]
struct ErrorsXml<'a> {
    error: &'a [ErrorItem],
}

/// A refused request: its HTTP status and the errors to list.
#[derive(Debug)]
pub(super) struct Failure {
    pub(super) status: StatusCode,
    pub(super) errors: Vec<ErrorItem>,
}

impl Failure {
    pub(super) fn one(status: StatusCode, code: &str, message: impl Display) -> Failure {
        Failure {
            status,
            errors: vec![item(status, code, message)],
        }
    }
    pub(super) fn bad(code: &str, message: impl Display) -> Failure {
        Failure::one(StatusCode::BAD_REQUEST, code, message)
    }
    /// A 400 worded by the catalogue's `key` (`params` filled) under `code`.
    pub(super) fn bad_text(code: &str, key: Key, params: &[(&str, String)], lang: Lang) -> Failure {
        Failure::bad(code, key.fill(lang, params))
    }
    /// One error of an `err.<code>` text, under its code.
    pub(super) fn coded(status: StatusCode, key: Key, lang: Lang) -> Failure {
        Failure::one(status, key.code(), key.get(lang))
    }
    pub(super) fn not_found(code: &str, lang: Lang) -> Failure {
        let message = key!("problem.not_found").get(lang);
        Failure::one(StatusCode::NOT_FOUND, code, message)
    }
    pub(super) fn render(self, format: Format) -> Response {
        document(
            format,
            self.status,
            &self.errors,
            ErrorsXml {
                error: &self.errors,
            },
        )
    }
}

pub(super) fn item(status: StatusCode, code: &str, message: impl Display) -> ErrorItem {
    ErrorItem {
        code: status.as_u16(),
        description: format!("{code}: {message}"),
    }
}

/// A failing database is the spec's "general service error" (400): nothing was written,
/// and the client is to tell us.
impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "storage failure (open311)");
        Failure::bad(
            "storage.unavailable",
            "存储暂不可用，未写入任何数据 (storage is unavailable; nothing was written)",
        )
    }
}

/// The answer in the format asked for: `json` serialized as JSON, `xml` (the same data
/// with the spec's wrapping elements) as XML after the declaration.
pub(super) fn document<J: Serialize + ?Sized, X: Serialize>(
    format: Format,
    status: StatusCode,
    json: &J,
    xml: X,
) -> Response {
    let rendered = match format {
        Format::Json => serde_json::to_string(json)
            .map(|b| (b, JSON_TYPE))
            .map_err(|e| e.to_string()),
        Format::Xml => xml_string(&xml)
            .map(|b| (b, XML_TYPE))
            .map_err(|e| e.to_string()),
    };
    match rendered {
        Ok((body, content_type)) => (status, [(CONTENT_TYPE, content_type)], body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "open311 answer does not serialize");
            let errors = [item(
                StatusCode::BAD_REQUEST,
                "answer.unserializable",
                "the answer could not be written",
            )];
            let (body, content_type) = match format {
                Format::Json => (
                    serde_json::to_string(&errors).unwrap_or_default(),
                    JSON_TYPE,
                ),
                Format::Xml => (
                    xml_string(&ErrorsXml { error: &errors }).unwrap_or_default(),
                    XML_TYPE,
                ),
            };
            (
                StatusCode::BAD_REQUEST,
                [(CONTENT_TYPE, content_type)],
                body,
            )
                .into_response()
        }
    }
}

pub(super) fn xml_string<T: Serialize>(value: &T) -> Result<String, quick_xml::se::SeError> {
    let mut out = String::from(XML_DECLARATION);
    let mut ser = quick_xml::se::Serializer::new(&mut out);
    ser.indent(' ', 2);
    value.serialize(ser)?;
    out.push('\n');
    Ok(out)
}

pub(super) fn method_refused(lang: Lang) -> Failure {
    let key = key!("err.method.not_allowed");
    Failure::coded(StatusCode::METHOD_NOT_ALLOWED, key, lang)
}

/// The path's file name, or a 400 when it does not decode.
pub(super) fn file_of(
    path: Result<Path<String>, PathRejection>,
    lang: Lang,
) -> Result<String, Failure> {
    path.map(|Path(p)| p)
        .map_err(|_| Failure::coded(StatusCode::BAD_REQUEST, key!("err.path.invalid"), lang))
}

/// Name/value pairs of a form body or query string, empty values dropped (the spec's
/// "Optional Arguments": empty means absent).
pub(super) fn pairs(text: &[u8], lang: Lang) -> Result<Vec<(String, String)>, Failure> {
    open311::form_pairs(text).ok_or_else(|| {
        let key = key!("open311.form.unreadable");
        Failure::bad_text(key!("err.body.unreadable").code(), key, &[], lang)
    })
}

/// Every value of a parameter that may repeat and hold comma lists.
pub(super) fn list_param(pairs: &[(String, String)], name: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .flat_map(|(_, v)| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect()
}
