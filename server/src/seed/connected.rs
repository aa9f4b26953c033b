//! Cases from connected systems in the demo: a 12345 hotline platform pushing work
//! orders and an Open311 app posting citizens' reports, each with its API key made by
//! the administrators' endpoint and its cases sent through its own endpoint's handler,
//! as the system itself would send them.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use chrono::TimeDelta;
use duban_api::{ApiClientDraft, HotlineCaller, HotlineOrder, HotlinePlace};
use duban_case::Lang;
use duban_case::lifecycle::{Case, Command};

use crate::error::{ApiJson, ReqLang};
use crate::service::AppState;

/// (order number, hours ago, caller, phone, division, address, category, urgency, content).
type Order = (
    &'static str,
    i64,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const HOTLINE_ORDERS: &[Order] = &[
    (
        "GD2026120100317",
        30,
        "孙女士",
        "13952801234",
        "镇江市京口区",
        "京口区象山街道某小区东门",
        "大气",
        "urgent",
        "小区东门旁餐馆油烟直排，每天中午和晚上油烟很大，家里不敢开窗，多次反映未解决。",
    ),
    (
        "GD2026120200842",
        20,
        "赵先生",
        "13813805678",
        "南京市鼓楼区",
        "鼓楼区热河南路某工地",
        "噪声",
        "normal",
        "工地夜间使用挖掘机和破碎锤施工，噪声持续到凌晨一点，附近居民无法休息。",
    ),
    (
        "GD2026120301155",
        6,
        "",
        "",
        "苏州市吴中区",
        "吴中区木渎镇某工业园河道",
        "水",
        "normal",
        "工业园旁河道近几天颜色发红，有刺鼻气味，怀疑有企业偷排印染废水。",
    ),
];

/// (service code, description, address, lat, long, night attribute).
const OPEN311_REQUESTS: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "noise",
        "玄武区某KTV每晚营业到凌晨三点，低音炮声音很大，楼上住户无法入睡。",
        "南京市玄武区珠江路",
        "32.0530",
        "118.7880",
        "yes",
    ),
    (
        "air",
        "附近一家喷涂厂白天也在无组织排放，油漆味很重，路过都要捂鼻子。",
        "常州市武进区湖塘镇",
        "31.7190",
        "119.9400",
        "no",
    ),
];

/// The key of a new connected system, made through the administrators' endpoint.
async fn connect(state: &AppState, name: &str, kind: &str) -> anyhow::Result<(String, String)> {
    let (_, axum::Json(created)) = crate::routes::connect::create_client(
        State(state.clone()),
        ReqLang(Lang::Zh),
        super::mechanisms::system_actor(),
        ApiJson(ApiClientDraft {
            name: name.into(),
            kind: kind.into(),
            reason: "演示：接入外部系统".into(),
        }),
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo API client {name}: {e:?}"))?;
    Ok((created.client.id, created.api_key))
}

/// A case dispatched to its city's government, as a coordinator would, and taken
/// further by `then`.
async fn dispatch(state: &AppState, case: Case, then: Vec<Command>) -> anyhow::Result<()> {
    let city = case
        .division()
        .division()
        .city()
        .map_or(case.division(), |c| c.code());
    let cmd = Command::Dispatch {
        lead_unit: crate::seed::government_of(city),
        co_units: vec![],
        note: String::new(),
        routed_by: vec![],
        why: vec![],
    };
    let steps = std::iter::once(cmd).chain(then).map(|c| (0, c)).collect();
    super::demo::take(state, case, steps, state.now()).await?;
    Ok(())
}

/// Work orders from a 12345 platform and reports from an Open311 app. Returns the
/// number of cases made.
pub(super) async fn demo_connected(state: &AppState) -> anyhow::Result<usize> {
    let now = state.now();
    let mut made = 0;
    let (_, key) = connect(state, "江苏12345政务服务便民热线", "hotline").await?;
    let mut headers = HeaderMap::new();
    headers.insert("x-api-key", HeaderValue::from_str(&key)?);
    for (n, (order_no, hours, name, phone, division, address, category, urgency, content)) in
        HOTLINE_ORDERS.iter().enumerate()
    {
        let order = HotlineOrder {
            order_no: (*order_no).into(),
            time: (now - TimeDelta::hours(*hours)).to_rfc3339(),
            caller: HotlineCaller {
                name: (*name).into(),
                phone: (*phone).into(),
            },
            content: (*content).into(),
            place: HotlinePlace {
                division: (*division).into(),
                address: (*address).into(),
                lat: None,
                lon: None,
            },
            category: (*category).into(),
            urgency: (*urgency).into(),
            kind: String::new(),
        };
        let (_, axum::Json(status)) = crate::routes::connect::push_order(
            State(state.clone()),
            ReqLang(Lang::Zh),
            headers.clone(),
            ApiJson(order),
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo 12345 order {order_no}: {e:?}"))?;
        made += 1;
        if n == 0
            && let Some(case) = state.store.get_case(&status.case_id).await?
        {
            // 镇江's handler has it in hand.
            let then = vec![
                Command::SignFor,
                Command::StartHandling {
                    note: "已联系来电人，安排执法人员现场检查".into(),
                },
            ];
            dispatch(state, case, then).await?;
        }
    }

    let (client, key) = connect(state, "环保随手拍（Open311）", "open311").await?;
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    for (n, (service, description, address, lat, long, night)) in
        OPEN311_REQUESTS.iter().enumerate()
    {
        let form = serde_urlencoded::to_string([
            ("api_key", key.as_str()),
            ("service_code", service),
            ("description", description),
            ("address_string", address),
            ("lat", lat),
            ("long", long),
            ("attribute[night]", night),
        ])?;
        let resp = crate::routes::open311::post_resource(
            State(state.clone()),
            ReqLang(Lang::Zh),
            crate::http::extract::Origin(String::new(), "duban demo".into()),
            Ok(Path("requests.json".into())),
            RawQuery(None),
            headers.clone(),
            Ok(Bytes::from(form)),
        )
        .await;
        let status = resp.status();
        let body = axum::body::to_bytes(resp.into_body(), 1 << 20).await?;
        let created: serde_json::Value = serde_json::from_slice(&body)?;
        let token = created[0]["token"].as_str().unwrap_or_default();
        if !status.is_success() || token.is_empty() {
            anyhow::bail!(
                "demo Open311 request: {status} {}",
                String::from_utf8_lossy(&body)
            );
        }
        made += 1;
        // The first waits for its unit; the second is done, so that the app reads a
        // closed request with the result.
        let then = match n {
            0 => vec![],
            _ => vec![
                Command::SignFor,
                Command::Report {
                    outcome: super::demo::outcome(0, ""),
                },
                Command::Approve {
                    closure: "closed".into(),
                },
            ],
        };
        if let Some(case) = state
            .store
            .case_by_external(&format!("open311:{client}"), token)
            .await?
        {
            dispatch(state, case, then).await?;
        }
    }
    Ok(made)
}
