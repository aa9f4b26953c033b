//! Open311 GeoReport v2 (<http://wiki.open311.org/GeoReport_v2>) under `/open311/v2/`:
//! the pollution categories as services, citizens' reports posted by connected apps
//! as cases, and those cases' public status. Reading a posted form into a case draft
//! (parameters, attributes, location) is `duban_intake::open311`: pure, and fuzzed.
//!
//! What conforms:
//! - `GET services.{json|xml}`, `GET services/{service_code}.{json|xml}`,
//!   `POST requests.{json|xml}`, `GET requests.{json|xml}` and
//!   `GET requests/{service_request_id}.{json|xml}`, with the spec's field names, root
//!   elements (`services`, `service_definition`, `service_requests`, `errors`), the XML
//!   declaration, `text/xml` / `application/json` with `charset=utf-8`, and w3c date-times
//!   (China time, `+08:00`).
//! - Errors are the spec's list of `{code, description}`: 403 for a missing or wrong
//!   `api_key` (an enabled connected system of kind `open311`; a 12345 hotline key is
//!   refused), 404 for an unknown service code, request, resource or format, 400 for
//!   everything else, including a failing database (the spec's "general service error";
//!   nothing is written then). The description starts with our stable code, such as
//!   `content.too_short: 举报内容至少10个字，当前5个字（参数 description）`.
//! - Empty parameters count as absent ("Optional Arguments"); `status`, `service_code` and
//!   `service_request_id` take comma lists or repeats; the request list defaults to the
//!   last 90 days, refuses a wider range, and returns at most 1000 requests, newest first.
//!
//! Mapping:
//! - A service is a `Category`; its definition has two attributes, `night` (是否夜间发生,
//!   singlevaluelist `yes`/`no`, required for noise, optional otherwise) and `target` (举报对象名称, string, optional),
//!   which are appended to the case content as `【是否夜间发生】是` lines.
//! - A request becomes a case through `NewCase::parse` like any other (channel `online`,
//!   kind `complaint`, received now), registered once under the external reference
//!   `open311:{client id}` / a fresh id, with the system (`api:{name}`) in the audit
//!   trail. `service_request_id` is the case reference (`JS-2026-W-00042`).
//! - Division: a six-digit Jiangsu code or a county written in `address_string` (with its
//!   city, or a name only one county has) wins; else the county whose seat lies nearest
//!   to `lat`/`long` (among the named city's counties when one is named); else a named
//!   city. `duban-divisions` has seats, not boundaries, so "nearest seat" stands in for
//!   "containing", and may be wrong close to a border.
//! - Status: closed, stage-closed, archived and merged cases are `closed`, all others
//!   `open`; `status_notes` is the outcome's public summary when closed, else the
//!   status's name. `agency_responsible` is the lead unit once dispatched;
//!   `expected_datetime` the running clock's due time and `service_notice` what happens
//!   next, both only while open.
//! - Only cases that came in through Open311 are listed; personal data never leaves:
//!   the name and phone go into the case's complainant (read only through the audited
//!   endpoint), e-mail and device id are not kept at all, and digit runs and e-mail
//!   addresses in the description and address are masked.
//!
//! Left out: service discovery, `jurisdiction_id` (one jurisdiction: ignored),
//! `address_id` (no address register: refused when it is the only location), media
//! upload (only `media_url`, an http(s) link, kept and shown as sent), `batch`/`blackbox`
//! services (every request gets its id at once; its `token` is returned beside the id,
//! and `GET tokens/{token}` answers with both, for clients written for deferred ids),
//! multivaluelist attributes, `zipcode` (always empty), and idempotent retries (the spec
//! has no request key: a repeated POST makes a second case).

use std::fmt::Display;
use std::str::FromStr;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, RawQuery, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, FixedOffset, Offset as _, SecondsFormat, TimeDelta, Utc};
use serde::Serialize;

use duban_case::Lang;
use duban_case::lifecycle::Case;
use duban_case::model::{Category, Status};
use duban_intake::open311::{self, ATTRIBUTES, clean, clean_text, param};

use crate::error::ReqLang;
use crate::http::extract::Origin;
use crate::service::AppState;
use crate::service::Who;
use crate::store::{ApiClientRecord, Open311Filter, Open311Request, StoreError};

const JSON_TYPE: &str = "application/json; charset=utf-8";
const XML_TYPE: &str = "text/xml; charset=utf-8";
const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
/// The spec's default window and volume of `GET requests`.
const WINDOW_DAYS: i64 = 90;
const MAX_REQUESTS: usize = 1000;
const ACCOUNT_ID_MAX: usize = 64;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{file}", get(get_resource).post(post_resource))
        .route("/services/{file}", get(service_definition))
        .route("/requests/{file}", get(one_request))
        .route("/tokens/{file}", get(token_request))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

// ---- formats and errors ----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
}

/// `services.json` → (`services`, JSON); `None` for a missing or unknown format.
fn split_format(file: &str) -> Option<(&str, Format)> {
    let (name, ext) = file.rsplit_once('.')?;
    let format = match ext {
        "json" => Format::Json,
        "xml" => Format::Xml,
        _ => return None,
    };
    (!name.is_empty()).then_some((name, format))
}

/// The format a path asks for, for answers to paths that do not exist.
fn format_of_path(path: &str) -> Format {
    if path.ends_with(".xml") {
        Format::Xml
    } else {
        Format::Json
    }
}

/// One error of the spec's error list.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
struct ErrorItem {
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
struct Failure {
    status: StatusCode,
    errors: Vec<ErrorItem>,
}

impl Failure {
    fn one(status: StatusCode, code: &str, message: impl Display) -> Failure {
        Failure {
            status,
            errors: vec![item(status, code, message)],
        }
    }
    fn bad(code: &str, message: impl Display) -> Failure {
        Failure::one(StatusCode::BAD_REQUEST, code, message)
    }
    fn not_found(code: &str, lang: Lang) -> Failure {
        let message = match lang {
            Lang::Zh => "未找到",
            Lang::En => "Not found",
        };
        Failure::one(StatusCode::NOT_FOUND, code, message)
    }
    fn render(self, format: Format) -> Response {
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

fn item(status: StatusCode, code: &str, message: impl Display) -> ErrorItem {
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
fn document<J: Serialize + ?Sized, X: Serialize>(
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

fn xml_string<T: Serialize>(value: &T) -> Result<String, quick_xml::se::SeError> {
    let mut out = String::from(XML_DECLARATION);
    let mut ser = quick_xml::se::Serializer::new(&mut out);
    ser.indent(' ', 2);
    value.serialize(ser)?;
    out.push('\n');
    Ok(out)
}

async fn not_found(ReqLang(lang): ReqLang, uri: Uri) -> Response {
    Failure::not_found("route.not_found", lang).render(format_of_path(uri.path()))
}

async fn method_not_allowed(ReqLang(lang): ReqLang, uri: Uri) -> Response {
    method_refused(lang).render(format_of_path(uri.path()))
}

fn method_refused(lang: Lang) -> Failure {
    let message = match lang {
        Lang::Zh => "不支持该请求方法",
        Lang::En => "Method not allowed",
    };
    Failure::one(
        StatusCode::METHOD_NOT_ALLOWED,
        "method.not_allowed",
        message,
    )
}

/// The path's file name, or a 400 when it does not decode.
fn file_of(path: Result<Path<String>, PathRejection>, lang: Lang) -> Result<String, Failure> {
    path.map(|Path(p)| p).map_err(|_| {
        Failure::bad(
            "path.invalid",
            match lang {
                Lang::Zh => "路径无法解析",
                Lang::En => "The path does not decode",
            },
        )
    })
}

// ---- services ----

/// The service behind each category: description and keywords (Chinese, English).
fn service_text(c: Category) -> (&'static str, &'static str, &'static str, &'static str) {
    match c {
        Category::Air => (
            "废气、烟尘、异味、油烟、扬尘等大气污染",
            "Air pollution: exhaust gas, smoke, odour, cooking fumes, dust",
            "废气,烟尘,异味,臭味,油烟,扬尘",
            "exhaust, smoke, odour, fumes, dust",
        ),
        Category::Water => (
            "污水直排偷排、河道黑臭、水体异常等水污染",
            "Water pollution: sewage discharge, black and smelly rivers, discoloured water",
            "污水,废水,偷排,黑臭水体,排污口",
            "sewage, wastewater, illegal discharge, outfall",
        ),
        Category::Noise => (
            "工业、建筑施工、社会生活和交通噪声扰民",
            "Noise from industry, construction, neighbourhood life or traffic",
            "噪声,噪音,施工噪声,夜间施工,扰民",
            "noise, construction noise, night works",
        ),
        Category::SolidWaste => (
            "固体废物、危险废物非法倾倒、堆放、焚烧",
            "Solid or hazardous waste dumped, piled up or burnt",
            "固废,危废,倾倒,堆放,焚烧",
            "waste, hazardous waste, dumping, burning",
        ),
        Category::Soil => (
            "土壤污染、污染地块",
            "Soil pollution and contaminated land",
            "土壤污染,污染地块,重金属",
            "soil, contaminated land, heavy metals",
        ),
        Category::Ecology => (
            "破坏生态：非法采砂、毁林、侵占湿地或自然保护地等",
            "Damage to ecosystems: illegal sand mining, logging, wetland or reserve encroachment",
            "生态破坏,非法采砂,湿地,自然保护区",
            "ecology, sand mining, wetland, nature reserve",
        ),
        Category::Radiation => (
            "电磁辐射、放射源等辐射环境问题",
            "Electromagnetic or ionising radiation",
            "辐射,电磁,基站,放射源",
            "radiation, electromagnetic, radioactive source",
        ),
        Category::Other => (
            "其他生态环境问题",
            "Other environmental problems",
            "其他,生态环境",
            "other, environment",
        ),
    }
}

#[derive(Debug, Serialize)]
struct Service {
    service_code: &'static str,
    service_name: &'static str,
    description: &'static str,
    metadata: bool,
    #[serde(rename = "type")]
    kind: &'static str,
    keywords: &'static str,
    group: &'static str,
}

#[derive(Serialize)]
#[serde(rename = "services")]
struct ServicesXml<'a> {
    service: &'a [Service],
}

fn service(c: Category, lang: Lang) -> Service {
    let (zh, en, kw_zh, kw_en) = service_text(c);
    Service {
        service_code: c.code(),
        service_name: c.label(lang),
        description: match lang {
            Lang::Zh => zh,
            Lang::En => en,
        },
        metadata: !ATTRIBUTES.is_empty(),
        kind: "realtime",
        keywords: match lang {
            Lang::Zh => kw_zh,
            Lang::En => kw_en,
        },
        group: match lang {
            Lang::Zh => "生态环境",
            Lang::En => "Environment",
        },
    }
}

fn pick(pair: (&'static str, &'static str), lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => pair.0,
        Lang::En => pair.1,
    }
}

#[derive(Debug, Serialize)]
struct AttributeValue {
    key: &'static str,
    name: &'static str,
}

#[derive(Debug, Serialize)]
struct Attribute<V> {
    variable: bool,
    code: &'static str,
    datatype: &'static str,
    required: bool,
    datatype_description: &'static str,
    order: u32,
    description: &'static str,
    values: V,
}

#[derive(Debug, Serialize)]
#[serde(rename = "service_definition")]
struct Definition<A> {
    service_code: &'static str,
    attributes: A,
}

#[derive(Serialize)]
struct ValuesXml<'a> {
    value: &'a [AttributeValue],
}

#[derive(Serialize)]
struct AttributesXml<'a> {
    attribute: Vec<Attribute<ValuesXml<'a>>>,
}

fn services(lang: Lang, format: Format) -> Response {
    let list: Vec<Service> = Category::ALL.iter().map(|c| service(*c, lang)).collect();
    document(
        format,
        StatusCode::OK,
        &list,
        ServicesXml { service: &list },
    )
}

async fn service_definition(
    ReqLang(lang): ReqLang,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let file = match file_of(path, lang) {
        Ok(f) => f,
        Err(f) => return f.render(Format::Json),
    };
    let Some((code, format)) = split_format(&file) else {
        return Failure::not_found("format.unknown", lang).render(format_of_path(&file));
    };
    let Ok(category) = Category::from_str(code) else {
        return Failure::not_found("service_code.not_found", lang).render(format);
    };
    let attributes: Vec<Attribute<Vec<AttributeValue>>> = ATTRIBUTES
        .iter()
        .zip(1..)
        .map(|(a, order)| Attribute {
            variable: true,
            code: a.code,
            datatype: a.datatype,
            required: a.required_for.contains(&category),
            datatype_description: pick(a.datatype_description, lang),
            order,
            description: pick(a.description, lang),
            values: a
                .values
                .iter()
                .map(|&(key, zh, en)| AttributeValue {
                    key,
                    name: pick((zh, en), lang),
                })
                .collect(),
        })
        .collect();
    let xml = Definition {
        service_code: category.code(),
        attributes: AttributesXml {
            attribute: attributes
                .iter()
                .map(|a| Attribute {
                    variable: a.variable,
                    code: a.code,
                    datatype: a.datatype,
                    required: a.required,
                    datatype_description: a.datatype_description,
                    order: a.order,
                    description: a.description,
                    values: ValuesXml { value: &a.values },
                })
                .collect(),
        },
    };
    let json = Definition {
        service_code: category.code(),
        attributes: &attributes,
    };
    document(format, StatusCode::OK, &json, xml)
}

// ---- GET services.x / requests.x, POST requests.x ----

async fn get_resource(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Response {
    let file = match file_of(path, lang) {
        Ok(f) => f,
        Err(f) => return f.render(Format::Json),
    };
    match split_format(&file) {
        Some(("services", format)) => services(lang, format),
        Some(("requests", format)) => list_requests(&s, lang, query.as_deref())
            .await
            .map_or_else(|f| f.render(format), |r| r.render(format)),
        Some((_, format)) => Failure::not_found("route.not_found", lang).render(format),
        None => Failure::not_found("format.unknown", lang).render(format_of_path(&file)),
    }
}

pub(crate) async fn post_resource(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    Origin(ip, user_agent): Origin,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let file = match file_of(path, lang) {
        Ok(f) => f,
        Err(f) => return f.render(Format::Json),
    };
    match split_format(&file) {
        Some(("requests", format)) => {
            let from = (ip, user_agent);
            match create_request(&s, lang, from, query.as_deref(), &headers, body).await {
                Ok(created) => document(
                    format,
                    StatusCode::OK,
                    &created,
                    RequestsXml { request: &created },
                ),
                Err(f) => f.render(format),
            }
        }
        Some(("services", format)) => method_refused(lang).render(format),
        Some((_, format)) => Failure::not_found("route.not_found", lang).render(format),
        None => Failure::not_found("format.unknown", lang).render(format_of_path(&file)),
    }
}

/// Name/value pairs of a form body or query string, empty values dropped (the spec's
/// "Optional Arguments": empty means absent).
fn pairs(text: &[u8], lang: Lang) -> Result<Vec<(String, String)>, Failure> {
    open311::form_pairs(text).ok_or_else(|| {
        Failure::bad(
            "body.unreadable",
            match lang {
                Lang::Zh => "参数无法解析（须为 application/x-www-form-urlencoded）",
                Lang::En => "The parameters do not parse (application/x-www-form-urlencoded)",
            },
        )
    })
}

/// Every value of a parameter that may repeat and hold comma lists.
fn list_param(pairs: &[(String, String)], name: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .flat_map(|(_, v)| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect()
}

// ---- POST requests ----

#[derive(Debug, Serialize)]
struct Created {
    service_request_id: String,
    /// The request's own id: `GET tokens/{token}` finds the case by it.
    token: String,
    service_notice: String,
    account_id: Option<String>,
}

#[derive(Serialize)]
#[serde(rename = "service_requests")]
struct RequestsXml<'a, T> {
    request: &'a [T],
}

async fn create_request(
    s: &AppState,
    lang: Lang,
    from: (String, String),
    query: Option<&str>,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Vec<Created>, Failure> {
    let body = body.map_err(|r| {
        let (code, zh, en) = if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            (
                "body.too_large",
                "请求体过大",
                "The request body is too large",
            )
        } else {
            (
                "body.unreadable",
                "请求体无法读取",
                "The request body cannot be read",
            )
        };
        Failure::bad(code, pick((zh, en), lang))
    })?;
    let query = pairs(query.unwrap_or("").as_bytes(), lang)?;
    let form_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    // The key first: nothing else is looked at for an unknown caller.
    let form = if form_type {
        pairs(&body, lang)?
    } else {
        Vec::new()
    };
    let key = param(&form, "api_key").or_else(|| param(&query, "api_key"));
    let client = connected(s, key, lang).await?;
    if !form_type {
        return Err(Failure::bad(
            "body.content_type",
            pick(
                (
                    "请求须为 application/x-www-form-urlencoded 表单",
                    "Send the request as application/x-www-form-urlencoded",
                ),
                lang,
            ),
        ));
    }
    let Some(code) = param(&form, "service_code") else {
        return Err(Failure::bad(
            "service_code.required",
            pick(("请提供 service_code", "service_code is required"), lang),
        ));
    };
    let Ok(category) = Category::from_str(code) else {
        return Err(Failure::one(
            StatusCode::NOT_FOUND,
            "service_code.not_found",
            match lang {
                Lang::Zh => format!("没有服务“{}”", clean(code, 40)),
                Lang::En => format!("No service “{}”", clean(code, 40)),
            },
        ));
    };
    let now = s.now();
    let posted = open311::read_request(&form, category, lang, now).map_err(|problems| Failure {
        status: StatusCode::BAD_REQUEST,
        errors: problems.iter().map(problem).collect(),
    })?;
    let new = open311::new_case(&posted, now).map_err(|e| case_errors(&e, lang))?;
    let system = format!("open311:{}", client.id);
    let external_id = uuid::Uuid::now_v7().to_string();
    s.store
        .insert_open311_request(&Open311Request {
            system: system.clone(),
            external_id: external_id.clone(),
            service_code: category.code().to_owned(),
            media_url: posted.media_url,
            created_at: now.timestamp_millis(),
        })
        .await?;
    let who = Who {
        username: format!("api:{}", client.name),
        role: format!("api_client:{}", client.kind),
        ip: from.0,
        user_agent: from.1,
    };
    let (case, _) = s
        .register_external(&system, &external_id, new, &who)
        .await?;
    let account_id = param(&form, "account_id").map(|a| clean(a, ACCOUNT_ID_MAX));
    Ok(vec![Created {
        service_request_id: case.reference().to_string(),
        token: external_id,
        service_notice: notice(&case, lang),
        account_id,
    }])
}

/// The enabled Open311 system holding `key`; 403 otherwise (missing, wrong, disabled,
/// or a key of another kind of system).
async fn connected(
    s: &AppState,
    key: Option<&str>,
    lang: Lang,
) -> Result<ApiClientRecord, Failure> {
    let Some(key) = key else {
        return Err(Failure::one(
            StatusCode::FORBIDDEN,
            "api_key.missing",
            pick(
                (
                    "缺少 api_key，无法受理",
                    "api_key is missing -- can't proceed",
                ),
                lang,
            ),
        ));
    };
    match s.api_client(key).await? {
        Some(c) if c.kind == "open311" => Ok(c),
        _ => Err(Failure::one(
            StatusCode::FORBIDDEN,
            "api_key.invalid",
            pick(
                (
                    "api_key 无效或已停用，无法受理",
                    "Invalid api_key received -- can't proceed",
                ),
                lang,
            ),
        )),
    }
}

fn problem(p: &open311::Problem) -> ErrorItem {
    item(StatusCode::BAD_REQUEST, &p.code, &p.message)
}

fn case_errors(errs: &duban_case::error::Errors, lang: Lang) -> Failure {
    Failure {
        status: StatusCode::BAD_REQUEST,
        errors: errs
            .iter()
            .map(|e| problem(&open311::case_problem(e, lang)))
            .collect(),
    }
}

/// What the office will do with a request.
fn notice(case: &Case, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "已受理，编号 {}。将交{}依法核查处理，并在规定时限内办结；办结后在此公布处理结果。",
            case.reference(),
            case.division().division().full_name()
        ),
        Lang::En => format!(
            "Received as {}. It goes to the authorities of {} for investigation within the \
             statutory time limits; the result is published here when it closes.",
            case.reference(),
            case.division().division().full_name()
        ),
    }
}

// ---- GET requests ----

/// A service request as the spec lists it.
#[derive(Debug, Serialize)]
struct RequestView {
    service_request_id: String,
    status: &'static str,
    status_notes: Option<String>,
    service_name: &'static str,
    service_code: &'static str,
    description: String,
    agency_responsible: Option<String>,
    service_notice: Option<String>,
    requested_datetime: String,
    updated_datetime: String,
    expected_datetime: Option<String>,
    address: String,
    zipcode: Option<String>,
    lat: Option<f64>,
    long: Option<f64>,
    media_url: Option<String>,
}

struct Listed(Vec<RequestView>);

impl Listed {
    fn render(self, format: Format) -> Response {
        document(
            format,
            StatusCode::OK,
            &self.0,
            RequestsXml { request: &self.0 },
        )
    }
}

/// Whether a status counts as Open311's `closed`.
fn is_closed(status: Status) -> bool {
    matches!(
        status,
        Status::Closed | Status::StageClosed | Status::Archived | Status::Merged
    )
}

/// w3c date-time with a time zone (`2010-01-01T00:00:00Z`, seconds optional).
fn w3c(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M%:z"))
        .or_else(|_| DateTime::parse_from_str(&s.replace('Z', "+00:00"), "%Y-%m-%dT%H:%M%:z"))
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn china_time(t: DateTime<Utc>) -> String {
    let offset = FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix());
    t.with_timezone(&offset)
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

async fn list_requests(s: &AppState, lang: Lang, query: Option<&str>) -> Result<Listed, Failure> {
    let q = pairs(query.unwrap_or("").as_bytes(), lang)?;
    let ids = list_param(&q, "service_request_id");
    let mut filter = Open311Filter {
        limit: MAX_REQUESTS as i64,
        ..Open311Filter::default()
    };
    if !ids.is_empty() {
        // The ids override every other argument.
        if ids.len() > MAX_REQUESTS {
            return Err(Failure::bad(
                "service_request_id.too_many",
                pick(
                    ("一次至多查询1000个编号", "At most 1000 ids at a time"),
                    lang,
                ),
            ));
        }
        filter.references = Some(ids);
    } else {
        let mut codes = Vec::new();
        for code in list_param(&q, "service_code") {
            match Category::from_str(&code) {
                Ok(c) => codes.push(c.code().to_owned()),
                Err(()) => {
                    return Err(Failure::bad(
                        "service_code.unknown",
                        match lang {
                            Lang::Zh => format!("没有服务“{}”", clean(&code, 40)),
                            Lang::En => format!("No service “{}”", clean(&code, 40)),
                        },
                    ));
                }
            }
        }
        if !codes.is_empty() {
            filter.service_codes = Some(codes);
        }
        let mut statuses: Vec<String> = Vec::new();
        for wanted in list_param(&q, "status") {
            let closed = match wanted.as_str() {
                "open" => false,
                "closed" => true,
                _ => {
                    return Err(Failure::bad(
                        "status.unknown",
                        pick(
                            ("status 须为 open 或 closed", "status is open or closed"),
                            lang,
                        ),
                    ));
                }
            };
            statuses.extend(
                Status::ALL
                    .iter()
                    .filter(|st| is_closed(**st) == closed)
                    .map(|st| st.code().to_owned()),
            );
        }
        if !statuses.is_empty() {
            filter.statuses = Some(statuses);
        }
        let date = |name: &str| -> Result<Option<DateTime<Utc>>, Failure> {
            match param(&q, name) {
                None => Ok(None),
                Some(v) => w3c(v).map(Some).ok_or_else(|| {
                    Failure::bad(
                        &format!("{name}.invalid"),
                        match lang {
                            Lang::Zh => format!(
                                "{name} 须为带时区的 w3c 时间，如 2010-01-01T00:00:00Z"
                            ),
                            Lang::En => format!(
                                "{name} must be a w3c date-time with a time zone, e.g. 2010-01-01T00:00:00Z"
                            ),
                        },
                    )
                }),
            }
        };
        let window = TimeDelta::days(WINDOW_DAYS);
        let (start, end) = match (date("start_date")?, date("end_date")?) {
            (None, None) => {
                let now = s.now();
                (now - window, now)
            }
            (Some(start), None) => (start, start + window),
            (None, Some(end)) => (end - window, end),
            (Some(start), Some(end)) => (start, end),
        };
        if end < start {
            return Err(Failure::bad(
                "date_range.invalid",
                pick(
                    ("end_date 早于 start_date", "end_date is before start_date"),
                    lang,
                ),
            ));
        }
        if end - start > window {
            return Err(Failure::bad(
                "date_range.too_long",
                pick(
                    (
                        "查询范围不能超过90天",
                        "The range may not span more than 90 days",
                    ),
                    lang,
                ),
            ));
        }
        filter.from_ms = Some(start.timestamp_millis());
        filter.to_ms = Some(end.timestamp_millis());
    }
    let rows = s.store.open311_requests(&filter).await?;
    Ok(Listed(
        rows.iter()
            .map(|(case, req)| request_view(s, case, req, lang))
            .collect(),
    ))
}

/// The requests a `{key}.{format}` path names (`requests/{id}`, `tokens/{token}`), with
/// the format asked for; else the answer to a bad path, an unknown key (`missing`) or a
/// failing database.
async fn named_requests(
    s: &AppState,
    lang: Lang,
    path: Result<Path<String>, PathRejection>,
    filter: impl FnOnce(&str) -> Open311Filter,
    missing: &str,
) -> Result<(Vec<(Case, Open311Request)>, Format), Response> {
    let file = file_of(path, lang).map_err(|f| f.render(Format::Json))?;
    let Some((key, format)) = split_format(&file) else {
        return Err(Failure::not_found("format.unknown", lang).render(format_of_path(&file)));
    };
    match s.store.open311_requests(&filter(key)).await {
        Ok(rows) if rows.is_empty() => Err(Failure::not_found(missing, lang).render(format)),
        Ok(rows) => Ok((rows, format)),
        Err(e) => Err(Failure::from(e).render(format)),
    }
}

async fn one_request(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let filter = |id: &str| Open311Filter {
        references: Some(vec![id.to_owned()]),
        limit: 1,
        ..Open311Filter::default()
    };
    match named_requests(&s, lang, path, filter, "service_request_id.not_found").await {
        Ok((rows, format)) => Listed(
            rows.iter()
                .map(|(case, req)| request_view(&s, case, req, lang))
                .collect(),
        )
        .render(format),
        Err(answer) => answer,
    }
}

/// One token's `service_request_id` (`GET tokens/{token}`).
#[derive(Debug, Serialize)]
struct TokenView {
    service_request_id: String,
    token: String,
}

async fn token_request(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let filter = |token: &str| Open311Filter {
        tokens: Some(vec![token.to_owned()]),
        limit: 1,
        ..Open311Filter::default()
    };
    match named_requests(&s, lang, path, filter, "token.not_found").await {
        Ok((rows, format)) => {
            let found: Vec<TokenView> = rows
                .iter()
                .map(|(case, req)| TokenView {
                    service_request_id: case.reference().to_string(),
                    token: req.external_id.clone(),
                })
                .collect();
            document(
                format,
                StatusCode::OK,
                &found,
                RequestsXml { request: &found },
            )
        }
        Err(answer) => answer,
    }
}

/// A case as a public service request: no complainant, digits and e-mail addresses in
/// free text masked.
fn request_view(s: &AppState, case: &Case, req: &Open311Request, lang: Lang) -> RequestView {
    let category = Category::from_str(&req.service_code)
        .ok()
        .or_else(|| case.categories().first().copied())
        .unwrap_or(Category::Other);
    let closed = is_closed(case.status());
    let status_notes = match case.status() {
        Status::Merged => pick(
            (
                "已与同一问题的其他举报合并办理",
                "Handled together with another report of the same problem",
            ),
            lang,
        )
        .to_owned(),
        st if closed => case
            .outcome()
            .map(|o| public_text(case, o.public_summary()))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| st.label(lang).to_owned()),
        st => st.label(lang).to_owned(),
    };
    RequestView {
        service_request_id: case.reference().to_string(),
        status: if closed { "closed" } else { "open" },
        status_notes: Some(status_notes),
        service_name: category.label(lang),
        service_code: category.code(),
        description: public_text(case, case.content()),
        agency_responsible: case.lead_unit().and_then(|u| s.unit_name(u.as_str())),
        service_notice: (!closed).then(|| notice(case, lang)),
        requested_datetime: china_time(case.received_at()),
        updated_datetime: china_time(case.updated_at()),
        // A closed case may still run a clock of its own (the return visit): nothing
        // more is expected for the request.
        expected_datetime: case
            .current_clock()
            .filter(|_| !closed)
            .map(|c| china_time(c.due_at())),
        address: public_text(case, case.address()),
        zipcode: None,
        lat: case.coordinates().map(|c| c.lat()),
        long: case.coordinates().map(|c| c.lon()),
        media_url: Some(req.media_url.clone()).filter(|m| !m.is_empty()),
    }
}

// ---- text ----

/// Free text fit for the public: control characters (which XML cannot carry) dropped,
/// and what could identify the complainant taken out ([`duban_case::privacy::redact`]).
fn public_text(case: &Case, text: &str) -> String {
    duban_case::privacy::redact(&clean_text(text), case.complainant().name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_split_off_the_file_name() {
        assert_eq!(
            split_format("services.json"),
            Some(("services", Format::Json))
        );
        assert_eq!(
            split_format("JS-2026-W-00042.xml"),
            Some(("JS-2026-W-00042", Format::Xml))
        );
        assert_eq!(split_format("services.yaml"), None);
        assert_eq!(split_format("services"), None);
        assert_eq!(split_format(".json"), None);
    }

    #[test]
    fn w3c_times_need_a_zone() {
        assert!(w3c("2010-01-01T00:00:00Z").is_some());
        assert!(w3c("2010-01-01T08:00:00+08:00").is_some());
        assert!(w3c("2010-01-01T08:00+08:00").is_some());
        assert!(w3c("2010-01-01T08:00Z").is_some());
        assert!(w3c("2010-01-01T08:00:00").is_none());
        assert!(w3c("yesterday").is_none());
    }

    #[test]
    fn xml_has_the_declaration_and_empty_elements_for_none() {
        let created = [Created {
            service_request_id: "JS-2026-W-00001".into(),
            token: "0190a1b2".into(),
            service_notice: "a < b".into(),
            account_id: None,
        }];
        let xml = xml_string(&RequestsXml { request: &created }).unwrap_or_default();
        assert!(xml.starts_with(XML_DECLARATION), "{xml}");
        assert!(xml.contains("<service_requests>"), "{xml}");
        assert!(
            xml.contains("<service_notice>a &lt; b</service_notice>"),
            "{xml}"
        );
    }
}
