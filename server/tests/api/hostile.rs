//! Hostile input found by schema-driven fuzzing (`cargo xtask api-fuzz`, Schemathesis
//! against the OpenAPI document): each answer is a 4xx in our error shape with a
//! stable code, never a 5xx or a dropped connection; and the document describes the
//! requests the handlers take, so that a fuzzer (or a client generator) sends them.

use super::*;

/// The single error's (field, code), asserting the shape `{"errors":[{field, code,
/// message}]}`.
fn only_error(v: &Value) -> (String, String) {
    let errors = v["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{v}");
    let e = &errors[0];
    assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
    (
        e["field"].as_str().expect("field").to_owned(),
        e["code"].as_str().expect("code").to_owned(),
    )
}

/// `from`/`to` with years chrono reads but a `yyyymmdd` day number cannot hold
/// (`-262143-01-01` overflowed `i32` and the board handler panicked: the connection
/// dropped with no answer). The board, the case list and both exports share the
/// filter.
async fn extreme_filter_dates(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    let state = AppState::new(store).await.expect("state");
    let app = router(state.clone(), None);
    let coordinator = Client::signed_in(
        &app,
        &state,
        "h.coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let (s, created) = call(&coordinator, "POST", "/api/v1/cases", Some(valid_case())).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");

    for path in [
        "/api/v1/board",
        "/api/v1/cases",
        "/api/v1/cases/export.csv",
        "/api/v1/cases/export.xlsx",
    ] {
        for (field, raw) in [
            ("from", "-262143-01-01"),
            ("to", "%2B262142-12-31"),
            ("from", "0000-01-01"),
            ("to", "-0001-12-31"),
            ("from", "10000-01-01"),
        ] {
            let uri = format!("{path}?{field}={raw}");
            let (s, v) = call(&coordinator, "GET", &uri, None).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{uri}: {v}");
            assert_eq!(
                only_error(&v),
                (field.to_owned(), format!("board.{field}.invalid")),
                "{uri}"
            );
        }
        // The widest four-digit range is fine.
        let uri = format!("{path}?from=0001-01-01&to=9999-12-31");
        let (s, v) = call(&coordinator, "GET", &uri, None).await;
        assert_eq!(s, StatusCode::OK, "{uri}: {v}");
    }
    let (_, board) = call(
        &coordinator,
        "GET",
        "/api/v1/board?from=0001-01-01&to=9999-12-31",
        None,
    )
    .await;
    assert_eq!(board["totals"]["total"], 1, "{board}");
}

both!(extreme_filter_dates, "extreme filter dates" => extreme_filter_dates_on_sqlite, extreme_filter_dates_on_postgres);

/// The document told fuzzers the wrong bodies: the case, supervision, referral and
/// incident commands were all one `Command` schema (the last registered, the
/// incident's, won), file uploads were arrays of integers and two JSON objects were
/// strings.
#[test]
fn the_document_describes_the_bodies_handlers_take() {
    let doc = duban_server::openapi::document();
    let body = |method: &str, path: &str, content_type: &str| {
        doc["paths"][path][method]["requestBody"]["content"][content_type]["schema"].clone()
    };
    let schemas = &doc["components"]["schemas"];
    for (path, name, action) in [
        ("/api/v1/cases/{id}/actions", "CaseCommand", "sign_for"),
        (
            "/api/v1/cases/{id}/supervision",
            "SupervisionCommand",
            "issue_order",
        ),
        ("/api/v1/cases/{id}/referrals", "ReferralCommand", "send"),
        ("/api/v1/referrals/{id}", "ReferralCommand", "acknowledge"),
        ("/api/v1/incidents", "IncidentCommand", "declare"),
        ("/api/v1/incidents/{id}", "IncidentCommand", "acknowledge"),
        ("/api/v1/cases/{id}/incidents", "IncidentCommand", "declare"),
    ] {
        assert_eq!(
            body("post", path, "application/json")["$ref"],
            format!("#/components/schemas/{name}"),
            "{path}"
        );
        let actions: Vec<&str> = schemas[name]["oneOf"]
            .as_array()
            .expect("oneOf")
            .iter()
            .filter_map(|v| v["properties"]["action"]["enum"][0].as_str())
            .collect();
        assert!(actions.contains(&action), "{name}: {actions:?}");
    }
    assert!(schemas.get("Command").is_none(), "one name for four types");

    for (path, content_type) in [
        ("/api/v1/import/preview", "application/octet-stream"),
        ("/api/v1/import/commit", "application/octet-stream"),
        ("/api/v1/cases/{id}/attachments", "application/octet-stream"),
    ] {
        assert_eq!(
            body("post", path, content_type)["$ref"],
            "#/components/schemas/FileBytes",
            "{path}"
        );
    }
    assert_eq!(schemas["FileBytes"]["type"], "string");
    assert_eq!(schemas["FileBytes"]["format"], "binary");

    assert_eq!(
        body("post", "/api/v1/cases/{id}/merge", "application/json")["type"],
        "object"
    );
    assert_eq!(
        body("put", "/api/v1/repeats/settings", "application/json")["type"],
        "object"
    );

    // Every operation lists the refusals any request may get, in our shape.
    for (path, item) in doc["paths"].as_object().expect("paths") {
        if !path.starts_with("/api/v1/") {
            continue;
        }
        for (method, op) in item.as_object().expect("operations") {
            for status in ["400", "401", "403", "413", "415", "429", "500", "503"] {
                assert_eq!(
                    op["responses"][status]["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/ErrorBody",
                    "{method} {path} {status}"
                );
            }
        }
    }

    // The ranges the handlers enforce (422 `limit.out_of_range`, `batch.out_of_range`).
    let range = |path: &str, name: &str| {
        let p = doc["paths"][path]["get"]["parameters"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["name"] == name).cloned())
            .unwrap_or_else(|| panic!("{path} {name}"));
        (
            p["schema"]["minimum"].clone(),
            p["schema"]["maximum"].clone(),
        )
    };
    for path in [
        "/api/v1/cases",
        "/api/v1/cases/export.csv",
        "/api/v1/cases/export.xlsx",
    ] {
        assert_eq!(range(path, "limit"), (json!(1), json!(200)), "{path}");
        assert_eq!(range(path, "batch"), (json!(1), json!(99)), "{path}");
    }
    assert_eq!(range("/api/v1/audit", "limit"), (json!(1), json!(200)));
}

/// Should a handler ever panic, the client gets a 500 in our error shape (the same
/// layer `router` puts around every route) instead of a dropped connection, and the
/// server answers the next request.
#[tokio::test]
async fn a_panicking_handler_is_answered_in_our_shape() {
    let app: Router = Router::new()
        .route(
            "/boom",
            axum::routing::get(|| async {
                if std::hint::black_box(true) {
                    panic!("a bug");
                }
                "unreachable"
            }),
        )
        .route("/fine", axum::routing::get(|| async { "fine" }))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            duban_server::error::panic_answer,
        ));
    let client = Client::anonymous(&app);
    let (s, v) = call(&client, "GET", "/boom", None).await;
    assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(only_error(&v), (String::new(), "internal".to_owned()));
    let (s, _) = get_text(&client, "/fine").await;
    assert_eq!(s, StatusCode::OK);
}
