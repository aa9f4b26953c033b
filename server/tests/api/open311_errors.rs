//! Open311's refusals (each bad report answered with the spec's status and body, in
//! JSON and XML, and nothing written) and its retries under one Idempotency-Key.

use super::*;

/// Post `report` with parameters changed in every way the spec refuses; `key` is the
/// app's API key, `hotline_key` a 12345 platform's, which Open311 does not take.
pub(super) async fn refusals(
    app: &Router,
    store: &Arc<dyn Store>,
    report: &[(&str, &str)],
    key: &str,
    hotline_key: &str,
) {
    // The report with some parameters replaced (`Some`) or left out (`None`).
    let with = |changes: &[(&str, Option<&str>)]| -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = report
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        for (k, v) in changes {
            pairs.retain(|(name, _)| name != k);
            if let Some(v) = v {
                pairs.push(((*k).to_owned(), (*v).to_owned()));
            }
        }
        pairs
    };
    let refused = |pairs: Vec<(String, String)>, format: &str| {
        let app = app.clone();
        let uri = format!("/open311/v2/requests.{format}");
        async move {
            let refs: Vec<(&str, &str)> = pairs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            post(&app, &uri, &refs).await
        }
    };
    let json_refused = |pairs: Vec<(String, String)>| {
        let answer = refused(pairs, "json");
        async move {
            let (s, t, body) = answer.await;
            assert_eq!(t, JSON_TYPE, "{body}");
            (s, serde_json::from_str::<Value>(&body).expect("json"))
        }
    };
    let (s, v) = json_refused(with(&[("api_key", None)])).await;
    assert_eq!(
        (s, spec_errors(&v)[0].0, stable(&v)),
        (
            StatusCode::FORBIDDEN,
            403,
            vec!["api_key.missing".to_owned()]
        )
    );
    let (s, v) = json_refused(with(&[("api_key", Some("dbk_wrong"))])).await;
    assert_eq!(
        (s, spec_errors(&v)[0].0, stable(&v)),
        (
            StatusCode::FORBIDDEN,
            403,
            vec!["api_key.invalid".to_owned()]
        )
    );
    let (s, v) = json_refused(with(&[("api_key", Some(hotline_key))])).await;
    assert_eq!(
        (s, stable(&v)),
        (StatusCode::FORBIDDEN, vec!["api_key.invalid".to_owned()]),
        "a 12345 key does not post Open311 requests"
    );
    let (s, v) = json_refused(with(&[("service_code", Some("smog"))])).await;
    assert_eq!(
        (s, spec_errors(&v)[0].0, stable(&v)),
        (
            StatusCode::NOT_FOUND,
            404,
            vec!["service_code.not_found".to_owned()]
        )
    );
    let (s, v) = json_refused(with(&[("service_code", None)])).await;
    assert_eq!(
        (s, stable(&v)),
        (
            StatusCode::BAD_REQUEST,
            vec!["service_code.required".to_owned()]
        )
    );
    let (s, v) = json_refused(with(&[
        ("lat", None),
        ("long", None),
        ("address_string", None),
    ]))
    .await;
    assert_eq!(
        (s, spec_errors(&v)[0].0, stable(&v)),
        (
            StatusCode::BAD_REQUEST,
            400,
            vec!["location.required".to_owned()]
        )
    );
    let (s, v) = json_refused(with(&[("description", Some("太吵了"))])).await;
    assert_eq!(
        (s, stable(&v)),
        (
            StatusCode::BAD_REQUEST,
            vec!["content.too_short".to_owned()]
        )
    );
    assert!(
        spec_errors(&v)[0]
            .1
            .starts_with("content.too_short: 举报内容至少10个字")
            && spec_errors(&v)[0].1.contains("description"),
        "{v}"
    );
    let (s, v) = json_refused(with(&[("attribute[night]", None)])).await;
    assert_eq!(
        (s, stable(&v)),
        (
            StatusCode::BAD_REQUEST,
            vec!["attribute.required".to_owned()]
        )
    );
    let (s, v) = json_refused(with(&[
        ("attribute[night]", Some("sometimes")),
        ("attribute[colour]", Some("red")),
        ("media_url", Some("javascript:alert(1)")),
        ("lat", Some("north")),
    ]))
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let found = stable(&v);
    for code in [
        "attribute.unknown",
        "attribute.invalid",
        "media_url.invalid",
        "coordinates.invalid",
    ] {
        assert!(found.contains(&code.to_owned()), "{code}: {v}");
    }
    let (s, v) = json_refused(with(&[
        ("lat", Some("40.0")),
        ("long", Some("116.4")),
        ("address_string", None),
    ]))
    .await;
    assert_eq!(
        (s, stable(&v)),
        (
            StatusCode::BAD_REQUEST,
            vec!["coordinates.outside_jiangsu".to_owned()]
        )
    );
    let (s, v) = json_refused(with(&[
        ("lat", None),
        ("long", None),
        ("address_string", Some("某小区门口")),
    ]))
    .await;
    assert_eq!(
        (s, stable(&v)),
        (StatusCode::BAD_REQUEST, vec!["division.unknown".to_owned()])
    );
    let (s, v) = json_refused(with(&[("phone", Some("12345"))])).await;
    assert_eq!(
        (s, stable(&v)),
        (
            StatusCode::BAD_REQUEST,
            vec!["complainant.phone.invalid".to_owned()]
        )
    );
    // XML errors.
    let (s, t, body) = refused(with(&[("description", Some("太吵了"))]), "xml").await;
    assert_eq!((s, t.as_str()), (StatusCode::BAD_REQUEST, XML_TYPE));
    assert!(
        body.starts_with(DECLARATION) && body.contains("<errors>"),
        "{body}"
    );
    let xml: XmlErrors = quick_xml::de::from_str(&body).expect("errors xml");
    assert_eq!(xml.error.len(), 1);
    assert_eq!(xml.error[0].code, 400);
    assert!(xml.error[0].description.starts_with("content.too_short: "));
    let (s, t, body) = refused(with(&[("api_key", None)]), "xml").await;
    assert_eq!((s, t.as_str()), (StatusCode::FORBIDDEN, XML_TYPE));
    let xml: XmlErrors = quick_xml::de::from_str(&body).expect("errors xml");
    assert_eq!(xml.error[0].code, 403);
    // Not a form, an unknown format, a wrong method.
    let (s, _, body) = raw(
        app,
        "POST",
        "/open311/v2/requests.json",
        Some("application/json"),
        Some(json!({"api_key": key}).to_string()),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "the key is a form parameter: {body}"
    );
    let (s, _, body) = raw(
        app,
        "POST",
        &format!("/open311/v2/requests.json?api_key={key}"),
        Some("application/json"),
        Some("{}".into()),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("body.content_type"), "{body}");
    let (s, _, _) = post(app, "/open311/v2/requests.yaml", report).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, t, _) = post(app, "/open311/v2/services.json", report).await;
    assert_eq!((s, t.as_str()), (StatusCode::METHOD_NOT_ALLOWED, JSON_TYPE));
    let (s, t, _) = raw(app, "DELETE", "/open311/v2/requests.xml", None, None).await;
    assert_eq!((s, t.as_str()), (StatusCode::METHOD_NOT_ALLOWED, XML_TYPE));
    let (s, _, _) = raw(
        app,
        "POST",
        "/open311/v2/requests.json",
        Some(FORM),
        Some(format!(
            "api_key={key}&description={}",
            "污".repeat(300 * 1024)
        )),
    )
    .await;
    assert!(s.is_client_error(), "{s}");
    assert_eq!(
        store
            .cases(&CaseFilter::default())
            .await
            .expect("cases")
            .len(),
        3,
        "bad requests write nothing"
    );
}

/// A retry with the same Idempotency-Key (the answer was lost on the way) is answered
/// from the record and creates nothing; the same key with another report is refused.
pub(super) async fn retries(app: &Router, store: &Arc<dyn Store>, report: &[(&str, &str)]) {
    let before = store
        .cases(&CaseFilter::default())
        .await
        .expect("cases")
        .len();
    let keyed = [("content-type", FORM), ("idempotency-key", "o311-retry-1")];
    let first_try = raw_with(
        app,
        "POST",
        "/open311/v2/requests.json",
        &keyed,
        Some(form(report)),
    )
    .await;
    assert_eq!(first_try.0, StatusCode::OK, "{}", first_try.2);
    let retry = raw_with(
        app,
        "POST",
        "/open311/v2/requests.json",
        &keyed,
        Some(form(report)),
    )
    .await;
    assert_eq!(retry, first_try, "the retry gets the first answer");
    let after = store
        .cases(&CaseFilter::default())
        .await
        .expect("cases")
        .len();
    assert_eq!(after, before + 1, "one request, one case");
    let mut other = report.to_vec();
    other.retain(|(k, _)| *k != "description");
    other.push(("description", "另一处工地夜间施工噪声扰民，持续到凌晨。"));
    let (s, _, body) = raw_with(
        app,
        "POST",
        "/open311/v2/requests.json",
        &keyed,
        Some(form(&other)),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("idempotency.key_reused"), "{body}");
    assert_eq!(
        store
            .cases(&CaseFilter::default())
            .await
            .expect("cases")
            .len(),
        after
    );
}
