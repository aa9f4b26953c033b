//! Open311 GeoReport v2 under `/open311/v2/`: discovery, a citizen's report posted by a
//! connected app, the public request list with its filters, and the spec's errors, in
//! JSON and XML.

use super::*;
use duban_api::audit::CaseAudit;
use duban_api::cases::{ActOnCase, CaseComplainant, ComplainantQuery, CreateCase, GetCase};
use duban_api::connect::CreateApiClient;
use duban_api::keys::CaseKey;

use duban_server::store::CaseFilter;
use serde::Deserialize;

#[path = "open311_errors.rs"]
mod errors;
use errors::{refusals, retries};

/// A request with a raw body; answers status, content type and body text.
async fn raw(
    app: &Router,
    method: &str,
    uri: &str,
    content_type: Option<&str>,
    body: Option<String>,
) -> (StatusCode, String, String) {
    let headers: Vec<(&str, &str)> = content_type
        .map(|t| ("content-type", t))
        .into_iter()
        .collect();
    raw_with(app, method, uri, &headers, body).await
}

async fn raw_with(
    app: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> (StatusCode, String, String) {
    let (status, answer, bytes) = exchange(
        app,
        None,
        method,
        uri,
        headers,
        body.map(String::into_bytes),
    )
    .await;
    let content_type = answer
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (
        status,
        content_type,
        String::from_utf8(bytes).expect("utf-8"),
    )
}

const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";
const JSON_TYPE: &str = "application/json; charset=utf-8";
const XML_TYPE: &str = "text/xml; charset=utf-8";
const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";

/// GET as JSON, checking the content type.
async fn get_json(app: &Router, uri: &str) -> (StatusCode, Value) {
    let (s, t, body) = raw(app, "GET", uri, None, None).await;
    assert_eq!(t, JSON_TYPE, "{uri}: {body}");
    (s, serde_json::from_str(&body).expect("json"))
}

/// GET as XML, checking the content type and declaration.
async fn get_xml(app: &Router, uri: &str) -> (StatusCode, String) {
    let (s, t, body) = raw(app, "GET", uri, None, None).await;
    assert_eq!(t, XML_TYPE, "{uri}: {body}");
    assert!(body.starts_with(DECLARATION), "{body}");
    (s, body)
}

fn form(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).expect("form")
}

/// POST a form; answers status, content type and body.
async fn post(app: &Router, uri: &str, pairs: &[(&str, &str)]) -> (StatusCode, String, String) {
    raw(app, "POST", uri, Some(FORM), Some(form(pairs))).await
}

/// The spec's JSON error list as (code, description) pairs.
fn spec_errors(v: &Value) -> Vec<(u64, String)> {
    v.as_array()
        .expect("an error list")
        .iter()
        .map(|e| {
            (
                e["code"].as_u64().expect("code"),
                e["description"].as_str().expect("description").to_owned(),
            )
        })
        .collect()
}

/// The stable codes the descriptions start with.
fn stable(v: &Value) -> Vec<String> {
    spec_errors(v)
        .into_iter()
        .map(|(_, d)| d.split(':').next().unwrap_or("").to_owned())
        .collect()
}

#[derive(Debug, Deserialize)]
struct XmlServices {
    service: Vec<XmlService>,
}

#[derive(Debug, Deserialize)]
struct XmlService {
    service_code: String,
    service_name: String,
    metadata: bool,
    #[serde(rename = "type")]
    kind: String,
    group: String,
}

#[derive(Debug, Deserialize)]
struct XmlDefinition {
    service_code: String,
    attributes: XmlAttributes,
}

#[derive(Debug, Deserialize)]
struct XmlAttributes {
    attribute: Vec<XmlAttribute>,
}

#[derive(Debug, Deserialize)]
struct XmlAttribute {
    code: String,
    datatype: String,
    required: bool,
    order: u32,
    #[serde(default)]
    values: Option<XmlValues>,
}

#[derive(Debug, Deserialize)]
struct XmlValues {
    #[serde(default)]
    value: Vec<XmlValue>,
}

#[derive(Debug, Deserialize)]
struct XmlValue {
    key: String,
    name: String,
}

#[derive(Debug, Deserialize)]
struct XmlRequests {
    request: Vec<XmlRequest>,
}

#[derive(Debug, Deserialize)]
struct XmlRequest {
    service_request_id: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    service_code: Option<String>,
    #[serde(default)]
    token: Option<String>,
}

#[derive(Debug, Deserialize)]
struct XmlErrors {
    error: Vec<XmlError>,
}

#[derive(Debug, Deserialize)]
struct XmlError {
    code: u16,
    description: String,
}

/// Discovery, a report posted with attributes, the request list and its filters, one
/// request, the spec's errors; never any personal data.
async fn open311(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    let state = AppState::new(store.clone()).await.expect("state");
    let app = router(state.clone(), None);
    let admin = Client::signed_in(&app, &state, "o.admin", Role::Admin, None).await;
    let coordinator = Client::signed_in(
        &app,
        &state,
        "o.coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let connect =
        |name: &str, kind: &str| json!({"name": name, "kind": kind, "reason": "接入随手拍应用"});
    let (s, v) = at::<CreateApiClient>(&admin, &(), &(), Some(connect("随手拍", "open311"))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let key = v["api_key"].as_str().expect("key").to_owned();
    let (_, v) =
        at::<CreateApiClient>(&admin, &(), &(), Some(connect("江苏12345", "hotline"))).await;
    let hotline_key = v["api_key"].as_str().expect("key").to_owned();

    // Discovery: JSON.
    let (s, services) = get_json(&app, "/open311/v2/services.json").await;
    assert_eq!(s, StatusCode::OK);
    let list = services.as_array().expect("list");
    assert_eq!(list.len(), 8, "{services}");
    assert_eq!(
        list[0],
        json!({
            "service_code": "air",
            "service_name": "大气",
            "description": list[0]["description"],
            "metadata": true,
            "type": "realtime",
            "keywords": list[0]["keywords"],
            "group": "生态环境"
        })
    );
    assert!(
        list[0]["keywords"]
            .as_str()
            .expect("keywords")
            .contains("油烟")
    );
    let codes_listed: Vec<&str> = list
        .iter()
        .map(|s| s["service_code"].as_str().expect("code"))
        .collect();
    assert_eq!(
        codes_listed,
        [
            "air",
            "water",
            "noise",
            "solid_waste",
            "soil",
            "ecology",
            "radiation",
            "other"
        ]
    );
    // Discovery: XML, read back.
    let (s, body) = get_xml(&app, "/open311/v2/services.xml").await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("<services>"), "{body}");
    let xml: XmlServices = quick_xml::de::from_str(&body).expect("services xml");
    assert_eq!(xml.service.len(), 8);
    assert_eq!(
        (
            xml.service[2].service_code.as_str(),
            xml.service[2].service_name.as_str(),
            xml.service[2].metadata,
            xml.service[2].kind.as_str(),
            xml.service[2].group.as_str()
        ),
        ("noise", "噪声", true, "realtime", "生态环境")
    );
    // English on request.
    let (s, t, body) = raw_with(
        &app,
        "GET",
        "/open311/v2/services.json",
        &[("accept-language", "en")],
        None,
    )
    .await;
    assert_eq!((s, t.as_str()), (StatusCode::OK, JSON_TYPE));
    assert!(body.contains("\"service_name\":\"Noise\""), "{body}");

    // A service definition.
    let (s, def) = get_json(&app, "/open311/v2/services/noise.json").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(def["service_code"], "noise");
    let attrs = def["attributes"].as_array().expect("attributes");
    assert_eq!(attrs.len(), 2, "{def}");
    assert_eq!(
        (
            &attrs[0]["code"],
            &attrs[0]["datatype"],
            &attrs[0]["required"],
            &attrs[0]["variable"],
            &attrs[0]["order"]
        ),
        (
            &json!("night"),
            &json!("singlevaluelist"),
            &json!(true),
            &json!(true),
            &json!(1)
        )
    );
    assert_eq!(
        attrs[0]["values"],
        json!([{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}])
    );
    assert_eq!(
        (
            &attrs[1]["code"],
            &attrs[1]["datatype"],
            &attrs[1]["required"]
        ),
        (&json!("target"), &json!("string"), &json!(false))
    );
    assert!(attrs[1]["description"].is_string() && attrs[1]["datatype_description"].is_string());
    let (s, body) = get_xml(&app, "/open311/v2/services/noise.xml").await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("<service_definition>"), "{body}");
    let xml: XmlDefinition = quick_xml::de::from_str(&body).expect("definition xml");
    assert_eq!(xml.service_code, "noise");
    assert_eq!(xml.attributes.attribute.len(), 2);
    let night = &xml.attributes.attribute[0];
    assert_eq!(
        (
            night.code.as_str(),
            night.datatype.as_str(),
            night.required,
            night.order
        ),
        ("night", "singlevaluelist", true, 1)
    );
    let values = night.values.as_ref().expect("values");
    assert_eq!(
        values
            .value
            .iter()
            .map(|v| (v.key.as_str(), v.name.as_str()))
            .collect::<Vec<_>>(),
        [("yes", "是"), ("no", "否")]
    );
    let (s, v) = get_json(&app, "/open311/v2/services/smog.json").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(stable(&v), ["service_code.not_found"]);
    assert_eq!(spec_errors(&v)[0].0, 404);
    // Unknown formats and resources: 404 in the spec's format.
    let (s, v) = get_json(&app, "/open311/v2/services.yaml").await;
    assert_eq!(
        (s, stable(&v)),
        (StatusCode::NOT_FOUND, vec!["format.unknown".to_owned()])
    );
    let (s, v) = get_json(&app, "/open311/v2/services").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, v) = get_json(&app, "/open311/v2/tokens/12345.json").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    assert_eq!(stable(&v), ["token.not_found"]);
    let (s, body) = get_xml(&app, "/open311/v2/discovery.xml").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let xml: XmlErrors = quick_xml::de::from_str(&body).expect("errors xml");
    assert_eq!(xml.error[0].code, 404);

    // A report from a citizen's app, with attributes.
    let description = "工地夜间打桩噪声很大，凌晨两点还在施工，联系电话13912345678。";
    let report = [
        ("api_key", key.as_str()),
        ("service_code", "noise"),
        ("lat", "32.2"),
        ("long", "119.47"),
        ("address_string", "京口区某小区东门对面工地"),
        ("description", description),
        ("first_name", "三"),
        ("last_name", "张"),
        ("phone", "+86 139 1234 5678"),
        ("email", "zhang.san@example.com"),
        ("device_id", "tt222111"),
        ("account_id", "acct-7"),
        ("media_url", "https://img.example.org/r/1.jpg"),
        ("attribute[night]", "yes"),
        ("attribute[target]", "某建筑工地"),
    ];
    let (s, t, body) = post(&app, "/open311/v2/requests.json", &report).await;
    assert_eq!((s, t.as_str()), (StatusCode::OK, JSON_TYPE), "{body}");
    let created: Value = serde_json::from_str(&body).expect("json");
    let created = created.as_array().expect("list");
    assert_eq!(created.len(), 1);
    let first = created[0]["service_request_id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert!(first.starts_with("JS-") && first.contains("-W-"), "{first}");
    assert_eq!(created[0]["account_id"], "acct-7");
    assert!(
        created[0]["service_notice"]
            .as_str()
            .expect("notice")
            .contains(&first)
    );
    // The token finds the same request, in both formats.
    let token = created[0]["token"].as_str().expect("token").to_owned();
    let (s, v) = get_json(&app, &format!("/open311/v2/tokens/{token}.json")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v,
        serde_json::json!([{"service_request_id": first, "token": token}])
    );
    let (s, body) = get_xml(&app, &format!("/open311/v2/tokens/{token}.xml")).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let xml: XmlRequests = quick_xml::de::from_str(&body).expect("tokens xml");
    assert_eq!(xml.request.len(), 1);
    assert_eq!(xml.request[0].service_request_id, first);
    assert_eq!(xml.request[0].token.as_deref(), Some(token.as_str()));

    // Exactly one case, visible to a coordinator, with the form's data.
    let cases = store.cases(&CaseFilter::default()).await.expect("cases");
    assert_eq!(cases.len(), 1);
    let case_id = cases[0].id().to_string();
    assert_eq!(cases[0].reference().to_string(), first);
    let (s, case) = at::<GetCase>(&coordinator, &CaseKey::new(&*case_id), &(), None).await;
    assert_eq!(s, StatusCode::OK, "{case}");
    assert_eq!(
        (
            case["channel"].as_str(),
            case["request_kind"].as_str(),
            case["division"].as_str(),
            case["categories"].clone(),
            case["address"].as_str()
        ),
        (
            Some("online"),
            Some("complaint"),
            Some("321102"),
            json!(["noise"]),
            Some("京口区某小区东门对面工地")
        ),
        "{case}"
    );
    let content = case["content"].as_str().expect("content");
    assert!(
        content.starts_with("工地夜间打桩")
            && content.contains("【是否夜间发生】是")
            && content.contains("【举报对象名称】某建筑工地"),
        "{content}"
    );
    let (_, person) = at::<CaseComplainant>(
        &coordinator,
        &CaseKey::new(&*case_id),
        &ComplainantQuery {
            purpose: Some("回访".into()),
        },
        None,
    )
    .await;
    assert!(
        person.to_string().contains("张三") && person.to_string().contains("13912345678"),
        "the name and phone are kept for the office: {person}"
    );
    let (_, trail) = at::<CaseAudit>(&coordinator, &CaseKey::new(&*case_id), &(), None).await;
    assert!(trail.to_string().contains("api:随手拍"), "{trail}");

    // A second report in XML, located by its address only (昆山市).
    let second = [
        ("api_key", key.as_str()),
        ("service_code", "water"),
        ("address_string", "苏州市昆山市某工业园区河道"),
        (
            "description",
            "河道里的水发黑发臭，每天傍晚有企业往河里排污水。",
        ),
    ];
    // Whether it happens at night is asked of noise reports only.
    let (_, def) = get_json(&app, "/open311/v2/services/water.json").await;
    assert_eq!(def["attributes"][0]["code"], "night");
    assert_eq!(def["attributes"][0]["required"], false, "{def}");
    let (s, t, body) = post(&app, "/open311/v2/requests.xml", &second).await;
    assert_eq!((s, t.as_str()), (StatusCode::OK, XML_TYPE), "{body}");
    assert!(
        body.starts_with(DECLARATION) && body.contains("<service_requests>"),
        "{body}"
    );
    let xml: XmlRequests = quick_xml::de::from_str(&body).expect("created xml");
    let second_id = xml.request[0].service_request_id.clone();
    assert_ne!(second_id, first);
    let cases = store.cases(&CaseFilter::default()).await.expect("cases");
    assert_eq!(cases.len(), 2);
    let kunshan = cases
        .iter()
        .find(|c| c.reference().to_string() == second_id)
        .expect("second case");
    assert_eq!(kunshan.division().as_str(), "320583");

    // A case typed in by the office is not an Open311 request.
    let (s, _) = at::<CreateCase>(&coordinator, &(), &(), Some(valid_case())).await;
    assert_eq!(s, StatusCode::CREATED);

    // The list: newest first, only Open311 requests, no personal data.
    let (s, all) = get_json(&app, "/open311/v2/requests.json").await;
    assert_eq!(s, StatusCode::OK, "{all}");
    let ids = |v: &Value| -> Vec<String> {
        v.as_array()
            .expect("list")
            .iter()
            .map(|r| r["service_request_id"].as_str().expect("id").to_owned())
            .collect()
    };
    assert_eq!(ids(&all), [second_id.clone(), first.clone()]);
    let mine = &all[1];
    assert_eq!(
        (
            mine["status"].as_str(),
            mine["status_notes"].as_str(),
            mine["service_code"].as_str(),
            mine["service_name"].as_str(),
            mine["address"].as_str(),
            mine["lat"].as_f64(),
            mine["long"].as_f64(),
            mine["media_url"].as_str(),
            mine["agency_responsible"].is_null(),
        ),
        (
            Some("open"),
            Some("待分办"),
            Some("noise"),
            Some("噪声"),
            Some("京口区某小区东门对面工地"),
            Some(32.2),
            Some(119.47),
            Some("https://img.example.org/r/1.jpg"),
            true,
        ),
        "{mine}"
    );
    let text = mine["description"].as_str().expect("description");
    assert!(
        text.contains("联系电话××××") && text.contains("【是否夜间发生】是"),
        "{text}"
    );
    for field in [
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
    ] {
        let t = mine[field].as_str().expect(field);
        assert!(
            t.ends_with("+08:00") && chrono::DateTime::parse_from_rfc3339(t).is_ok(),
            "{field}: {t}"
        );
    }
    assert!(all[0]["media_url"].is_null() && all[0]["lat"].is_null());

    // Filters.
    let listed = |query: String| {
        let app = app.clone();
        async move {
            let (s, v) = get_json(&app, &format!("/open311/v2/requests.json?{query}")).await;
            assert_eq!(s, StatusCode::OK, "{query}: {v}");
            ids(&v)
        }
    };
    assert_eq!(listed("service_code=noise".into()).await, [first.as_str()]);
    assert_eq!(listed("service_code=noise,water".into()).await.len(), 2);
    assert_eq!(listed("service_code=air".into()).await.len(), 0);
    assert_eq!(listed("status=open".into()).await.len(), 2);
    assert_eq!(listed("status=closed".into()).await.len(), 0);
    assert_eq!(listed("status=open&status=closed".into()).await.len(), 2);
    assert_eq!(
        listed(format!("service_request_id={first}")).await,
        [first.as_str()]
    );
    assert_eq!(
        listed(format!(
            "service_request_id={first},{second_id}&status=closed"
        ))
        .await
        .len(),
        2,
        "ids override every other argument"
    );
    let now = chrono::Utc::now();
    let w3c =
        |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let start = w3c(now - chrono::TimeDelta::days(1));
    let end = w3c(now + chrono::TimeDelta::days(1));
    assert_eq!(
        listed(form(&[("start_date", &start), ("end_date", &end)]))
            .await
            .len(),
        2
    );
    assert_eq!(listed(form(&[("start_date", &start)])).await.len(), 2);
    assert_eq!(
        listed("start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00%2B08:00".into())
            .await
            .len(),
        0
    );
    assert_eq!(
        listed("end_date=2020-02-01T00:00:00Z".into()).await.len(),
        0
    );
    // Empty parameters are absent ones.
    assert_eq!(
        listed("status=&service_code=&jurisdiction_id=".into())
            .await
            .len(),
        2
    );
    for (query, code) in [
        ("status=lost", "status.unknown"),
        ("service_code=smog", "service_code.unknown"),
        ("start_date=yesterday", "start_date.invalid"),
        ("end_date=2020-01-01T00:00:00", "end_date.invalid"),
        (
            "start_date=2020-01-01T00:00:00Z&end_date=2020-06-01T00:00:00Z",
            "date_range.too_long",
        ),
        (
            "start_date=2020-02-01T00:00:00Z&end_date=2020-01-01T00:00:00Z",
            "date_range.invalid",
        ),
    ] {
        let (s, v) = get_json(&app, &format!("/open311/v2/requests.json?{query}")).await;
        assert_eq!(
            (s, stable(&v)),
            (StatusCode::BAD_REQUEST, vec![code.to_owned()]),
            "{query}"
        );
        assert_eq!(spec_errors(&v)[0].0, 400);
    }

    // One request, as a one-element list, in both formats.
    let (s, one) = get_json(&app, &format!("/open311/v2/requests/{first}.json")).await;
    assert_eq!(s, StatusCode::OK, "{one}");
    assert_eq!(ids(&one), [first.as_str()]);
    let (s, body) = get_xml(&app, &format!("/open311/v2/requests/{first}.xml")).await;
    assert_eq!(s, StatusCode::OK);
    let xml: XmlRequests = quick_xml::de::from_str(&body).expect("request xml");
    assert_eq!(
        (
            xml.request.len(),
            xml.request[0].service_request_id.as_str(),
            xml.request[0].status.as_deref(),
            xml.request[0].service_code.as_deref()
        ),
        (1, first.as_str(), Some("open"), Some("noise"))
    );
    let (s, v) = get_json(&app, "/open311/v2/requests/JS-2020-W-99999.json").await;
    assert_eq!(
        (s, stable(&v)),
        (
            StatusCode::NOT_FOUND,
            vec!["service_request_id.not_found".to_owned()]
        )
    );
    let office_case = store
        .cases(&CaseFilter::default())
        .await
        .expect("cases")
        .into_iter()
        .find(|c| c.channel().code() == "inspection_phone")
        .expect("office case");
    let (s, _) = get_json(
        &app,
        &format!("/open311/v2/requests/{}.json", office_case.reference()),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "cases from elsewhere are not public"
    );

    // Dispatched: the lead unit answers for it; closed: the public summary.
    let act = |body: Value| {
        let coordinator = coordinator.clone();
        let case = CaseKey::new(&*case_id);
        async move {
            let (s, v) = at::<ActOnCase>(&coordinator, &case, &(), Some(body)).await;
            assert_eq!(s, StatusCode::OK, "{v}");
        }
    };
    act(json!({"action": "dispatch", "lead_unit": "gov-3211"})).await;
    let (_, one) = get_json(&app, &format!("/open311/v2/requests/{first}.json")).await;
    assert_eq!(
        (
            one[0]["status"].as_str(),
            one[0]["agency_responsible"].as_str()
        ),
        (Some("open"), Some("镇江市人民政府")),
        "{one}"
    );
    act(json!({"action": "sign_for"})).await;
    act(json!({"action": "start_handling", "note": "已到现场"})).await;
    act(json!({"action": "report", "outcome": {"finding": "substantiated", "rectification_orders": 1,
        "measures": "责令夜间停工", "public_summary": "经核查反映问题属实，已责令工地夜间停止打桩作业。"}}))
    .await;
    act(json!({"action": "approve", "closure": "closed"})).await;
    let (_, closed) = get_json(&app, "/open311/v2/requests.json?status=closed").await;
    assert_eq!(ids(&closed), [first.as_str()]);
    assert_eq!(
        (
            closed[0]["status"].as_str(),
            closed[0]["status_notes"].as_str(),
            closed[0]["expected_datetime"].is_null()
        ),
        (
            Some("closed"),
            Some("经核查反映问题属实，已责令工地夜间停止打桩作业。"),
            true
        ),
        "{closed}"
    );
    assert_eq!(listed("status=open".into()).await, [second_id.as_str()]);

    refusals(&app, &store, &report, &key, &hotline_key).await;

    // No personal data anywhere in Open311's answers.
    let mut everything = String::new();
    for uri in [
        "/open311/v2/requests.json".to_owned(),
        "/open311/v2/requests.xml".to_owned(),
        format!("/open311/v2/requests/{first}.json"),
        format!("/open311/v2/requests/{first}.xml"),
        format!("/open311/v2/requests.json?service_request_id={first},{second_id}"),
    ] {
        everything.push_str(&raw(&app, "GET", &uri, None, None).await.2);
    }
    everything.push_str(&post(&app, "/open311/v2/requests.json", &report).await.2);
    for personal in [
        "张三",
        "13912345678",
        "1234 5678",
        "zhang.san",
        "example.com",
        "tt222111",
    ] {
        assert!(!everything.contains(personal), "{personal} leaked");
    }

    retries(&app, &store, &report).await;
}

both!(open311, "Open311 test" => open311_on_sqlite, open311_on_postgres);
