//! The main story: sign-in, the case list and forms, the lifecycle, and every
//! documented operation answering.

use super::*;
use duban_api::admin::ListUnits;
use duban_api::calendar::CalendarYear;
use duban_api::cases::{
    ActOnCase, CaseComplainant, CaseEvents, ComplainantQuery, CreateCase, GetCase, ListCases,
    ListQuery,
};
use duban_api::health::{Healthz, OpenApiDocument};
use duban_api::keys::{CaseKey, YearKey};
use duban_api::sla::RuleSets;

async fn story(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    let state = AppState::new(store).await.expect("state");
    let router_ = router(state.clone(), None);
    let app = Client::signed_in(
        &router_,
        &state,
        "coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let anonymous = Client::anonymous(&router_);

    // Without a session only health, sign-in, the calendar and the OpenAPI document answer.
    let (s, v) = at::<ListCases>(&anonymous, &(), &ListQuery::default(), None).await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::UNAUTHORIZED, vec!["auth.required".to_owned()])
    );
    let (s, _) = at::<CreateCase>(&anonymous, &(), &(), Some(valid_case())).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    for open in [
        Healthz::url(&(), &()),
        CalendarYear::url(&YearKey::new(2026), &()),
        OpenApiDocument::url(&(), &()),
    ] {
        assert_eq!(
            call(&anonymous, "GET", &open, None).await.0,
            StatusCode::OK,
            "{open}"
        );
    }
    // A session without its CSRF token cannot change anything.
    let no_csrf = Client {
        app: router_.clone(),
        session: app.session.clone().map(|(c, _)| (c, "forged".to_owned())),
    };
    let (s, v) = at::<CreateCase>(&no_csrf, &(), &(), Some(valid_case())).await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::FORBIDDEN, vec!["csrf.invalid".to_owned()])
    );

    let (s, v) = call(&app, "GET", "/healthz", None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(total(&app).await, 0);

    // Invalid input of every kind: a 4xx with a code, nothing written.
    let mut bad = valid_case();
    bad["content"] = json!("太短");
    bad["division"] = json!("3299");
    bad["complainant_phone"] = json!("12345");
    bad["categories"] = json!(["air", "smog"]);
    let (s, v) = at::<CreateCase>(&app, &(), &(), Some(bad)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        codes(&v),
        [
            "content.too_short",
            "division.unknown",
            "categories.unknown",
            "complainant.phone.invalid"
        ]
    );
    assert_eq!(v["errors"][0]["field"], "content");
    assert_eq!(v["errors"][2]["field"], "categories[1]");

    let mut unknown_enum = valid_case();
    unknown_enum["channel"] = json!("carrier_pigeon");
    let (s, v) = at::<CreateCase>(&app, &(), &(), Some(unknown_enum)).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["channel.unknown".to_owned()]
        )
    );

    let mut impossible = valid_case();
    impossible["batch_date"] = json!("2025-02-30");
    let (s, v) = at::<CreateCase>(&app, &(), &(), Some(impossible)).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["batch.date.invalid".to_owned()]
        )
    );

    let mut oversized = valid_case();
    oversized["content"] = json!("污".repeat(6000));
    let (s, v) = at::<CreateCase>(&app, &(), &(), Some(oversized)).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["content.too_long".to_owned()]
        )
    );

    let (s, v) = call_with(
        &app,
        CreateCase::METHOD.as_str(),
        CreateCase::PATH,
        Some("{\"channel\": ".into()),
        &[],
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["json.syntax".to_owned()])
    );
    let (s, v) = call_with(
        &app,
        CreateCase::METHOD.as_str(),
        CreateCase::PATH,
        Some("x".repeat(300 * 1024)),
        &[],
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            vec!["body.too_large".to_owned()]
        )
    );
    let (s, v) = at::<CreateCase>(
        &app,
        &(),
        &(),
        Some(json!({"channel": "online", "colour": "red"})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["json.invalid".to_owned()]
        )
    );
    let (s, v) = at::<CreateCase>(&app, &(), &(), Some(json!([1, 2]))).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["json.invalid".to_owned()]
        )
    );

    // English on request.
    let (_, v) = at_with::<CreateCase>(
        &app,
        &(),
        &(),
        Some(json!({})),
        &[("accept-language", "en-GB,en")],
    )
    .await;
    assert_eq!(v["errors"][0]["message"], "Channel: required");
    assert_eq!(total(&app).await, 0, "nothing may be written by bad input");

    // A valid case.
    let (s, created) = at::<CreateCase>(&app, &(), &(), Some(valid_case())).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    assert_eq!(created["reference"], "JS-2025-B03-0001");
    assert_eq!(created["status"], "received");
    assert_eq!(created["division_name"], "镇江市京口区");
    assert_eq!(created["clocks"][0]["stage"], "dispatch");
    assert_eq!(
        created["allowed_actions"],
        json!(["dispatch", "pause", "merge"])
    );
    let id = created["id"].as_str().expect("id").to_owned();
    let (_, second) = at::<CreateCase>(&app, &(), &(), Some(valid_case())).await;
    assert_eq!(second["reference"], "JS-2025-B03-0002");

    // Listing and filters.
    let (s, page) = at::<ListCases>(
        &app,
        &(),
        &ListQuery {
            division: Some("3211".into()),
            category: Some("air".into()),
            batch: Some(3),
            limit: Some(1),
            ..Default::default()
        },
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (
            page["total"].as_u64(),
            page["items"].as_array().map(Vec::len)
        ),
        (Some(2), Some(1))
    );
    let cursor = page["next_cursor"].as_str().expect("cursor").to_owned();
    let (_, page2) = at::<ListCases>(
        &app,
        &(),
        &ListQuery {
            division: Some("3211".into()),
            limit: Some(1),
            cursor: Some(cursor.clone()),
            ..Default::default()
        },
        None,
    )
    .await;
    assert_eq!(
        page2["items"][0]["id"],
        json!(id),
        "the second page holds the older case"
    );
    let (_, none) = at::<ListCases>(
        &app,
        &(),
        &ListQuery {
            division: Some("3201".into()),
            ..Default::default()
        },
        None,
    )
    .await;
    assert_eq!(none["total"], 0);
    let (s, v) = at::<ListCases>(
        &app,
        &(),
        &ListQuery {
            status: Some("lost".into()),
            limit: Some(0),
            ..Default::default()
        },
        None,
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["status.unknown".to_owned(), "limit.out_of_range".to_owned()]
        )
    );
    // raw on purpose: a limit that is not a number
    let (s, _) = call(&app, "GET", "/api/v1/cases?limit=many", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // Unknown ids.
    let (s, v) = at::<GetCase>(&app, &CaseKey::new("not-a-uuid"), &(), None).await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::NOT_FOUND, vec!["case.not_found".to_owned()])
    );
    let (s, _) = at::<GetCase>(
        &app,
        &CaseKey::new("01a200b4-f0de-72fe-9cbb-5f2a55872ed5"),
        &(),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // raw on purpose: no route answers DELETE here
    let (s, v) = call(&app, "DELETE", "/api/v1/cases", None).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::METHOD_NOT_ALLOWED,
            vec!["method.not_allowed".to_owned()]
        )
    );
    // raw on purpose: no such route
    let (s, v) = call(&app, "GET", "/api/v1/nowhere", None).await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::NOT_FOUND, vec!["route.not_found".to_owned()])
    );

    // The life cycle.
    let case = CaseKey::new(&*id);
    let act = |body: Value| {
        let app = app.clone();
        let case = case.clone();
        async move { at::<ActOnCase>(&app, &case, &(), Some(body)).await }
    };
    let (s, v) = act(json!({"action": "sign_for"})).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["transition.not_allowed".to_owned()]
        )
    );
    let (s, v) = act(json!({"action": "teleport"})).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["action.unknown".to_owned()]
        )
    );
    let (s, v) = act(json!({"action": "dispatch", "lead_unit": "gov-9999"})).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["lead_unit.unknown".to_owned()]
        )
    );
    let (s, v) =
        act(json!({"action": "dispatch", "lead_unit": "gov-3211", "co_units": ["dept-zjt"]})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["status"].as_str(), v["lead_unit_name"].as_str()),
        (Some("dispatched"), Some("镇江市人民政府"))
    );
    assert_eq!(v["version"], 2);

    // A stale version is refused with the current state.
    let (s, v) = at_with::<ActOnCase>(
        &app,
        &case,
        &(),
        Some(json!({"action": "sign_for"})),
        &[("if-match", "1")],
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::CONFLICT, vec!["version.conflict".to_owned()])
    );
    assert_eq!(v["current"]["version"], 2);
    let (s, _) = at_with::<ActOnCase>(
        &app,
        &case,
        &(),
        Some(json!({"action": "sign_for"})),
        &[("if-match", "2")],
    )
    .await;
    assert_eq!(s, StatusCode::OK);

    let (s, _) = act(json!({"action": "start_handling", "note": "已联系举报人"})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = act(json!({"action": "report", "outcome": {"finding": "maybe", "fines_yuan": 5000, "public_summary": "短"}})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        codes(&v),
        [
            "outcome.finding.unknown",
            "outcome.public_summary.too_short",
            "outcome.fines_yuan.without_penalty"
        ]
    );
    let outcome = json!({"finding": "substantiated", "rectification_orders": 1, "penalty_cases": 1, "fines_yuan": 50000,
        "measures": "责令停产整改", "public_summary": "经核查反映问题属实，已责令整改并立案处罚。"});
    let (s, v) = act(json!({"action": "report", "outcome": outcome})).await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("reported"))
    );
    let (s, v) = act(json!({"action": "send_back", "comments": ""})).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["comments.required".to_owned()]
        )
    );
    let (_, v) = act(json!({"action": "approve", "closure": "closed"})).await;
    assert_eq!(v["status"], "closed");
    let (_, v) =
        act(json!({"action": "return_visit", "satisfaction": "unsatisfied", "note": "异味仍在"}))
            .await;
    assert_eq!(
        (v["status"].as_str(), v["satisfaction"].as_str()),
        (Some("in_progress"), Some("unsatisfied"))
    );
    let (_, v) = act(json!({"action": "pause", "reason": "等待监测报告"})).await;
    assert_eq!(
        (v["paused"].as_bool(), v["allowed_actions"].clone()),
        (Some(true), json!(["resume"]))
    );
    let (_, v) = act(json!({"action": "resume"})).await;
    assert_eq!(v["paused"], false);

    // The log is a valid history: numbered from 1, and replaying it gives the state.
    let (s, events) = at::<CaseEvents>(&app, &CaseKey::new(&*id), &(), None).await;
    assert_eq!(s, StatusCode::OK);
    let events = events.as_array().expect("events").clone();
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["type"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        kinds,
        [
            "received",
            "dispatched",
            "signed_for",
            "handling_started",
            "reported",
            "approved",
            "return_visited",
            "reopened",
            "paused",
            "resumed"
        ]
    );
    assert!(
        events
            .iter()
            .enumerate()
            .all(|(i, e)| e["seq"] == json!(i + 1))
    );
    let parsed: Vec<duban_case::lifecycle::Event> = events
        .iter()
        .map(|e| serde_json::from_value(e.clone()).expect("event"))
        .collect();
    let replayed = duban_case::lifecycle::replay(&parsed).expect("replay");
    let (_, current) = at::<GetCase>(&app, &CaseKey::new(&*id), &(), None).await;
    let stored: duban_case::lifecycle::Case =
        serde_json::from_value(current.clone()).expect("case");
    assert_eq!(replayed, stored);
    assert_eq!(current["version"], json!(events.len()));

    // Calendar.
    let (s, days) = at::<CalendarYear>(&app, &YearKey::new(2025), &(), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(days.as_array().map(Vec::len), Some(365));
    assert_eq!(
        days[25],
        json!({"date": "2025-01-26", "workday": true, "kind": "makeup_workday", "name": "春节"})
    );
    let (s, _) = at::<CalendarYear>(&app, &YearKey::new(1900), &(), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Reference data.
    let (_, units) = at::<ListUnits>(&app, &(), &(), None).await;
    assert!(units.as_array().is_some_and(|u| u.len() > 100));
    let (_, sets) = at::<RuleSets>(&app, &(), &(), None).await;
    assert_eq!(sets.as_array().map(Vec::len), Some(4));

    // Roles and jurisdiction. The case above is dispatched to 镇江市 (gov-3211) with 住建厅.
    let leader =
        Client::signed_in(&router_, &state, "leader", Role::Leader, Some("prov-coord")).await;
    let (s, page) = at::<ListCases>(&leader, &(), &ListQuery::default(), None).await;
    assert_eq!((s, page["total"].as_u64()), (StatusCode::OK, Some(2)));
    let (_, seen) = at::<GetCase>(&leader, &CaseKey::new(&*id), &(), None).await;
    assert_eq!(
        seen["complainant"]["phone"], "139****5678",
        "leaders see masked personal data"
    );
    assert_eq!(seen["complainant"]["name"], "张**");
    assert_eq!(seen["allowed_actions"], json!([]));
    let (_, log) = at::<CaseEvents>(&leader, &CaseKey::new(&*id), &(), None).await;
    assert_eq!(log[0]["case"]["complainant"]["phone"], "139****5678");
    let (s, v) = at::<CreateCase>(&leader, &(), &(), Some(valid_case())).await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::FORBIDDEN, vec!["role.forbidden".to_owned()])
    );
    let (s, _) = at::<ActOnCase>(
        &leader,
        &CaseKey::new(&*id),
        &(),
        Some(json!({"action": "pause", "reason": "试试"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, full) = at::<GetCase>(&app, &CaseKey::new(&*id), &(), None).await;
    assert_eq!(
        full["complainant"]["phone"], "139****5678",
        "case views mask the person for everyone"
    );
    let (s, person) = at::<CaseComplainant>(
        &app,
        &CaseKey::new(&*id),
        &ComplainantQuery {
            purpose: Some("callback".into()),
        },
        None,
    )
    .await;
    assert_eq!(
        (s, &person["phone"]),
        (StatusCode::OK, &json!("13912345678")),
        "coordinators read the person through the audited endpoint"
    );

    // Jurisdiction runs down the unit tree: a handler of 南京 sees nothing of 镇江; a
    // handler of 镇江市, or of 住建厅 (co-handling), sees the case.
    let nanjing = Client::signed_in(
        &router_,
        &state,
        "nj.handler",
        Role::Handler,
        Some("gov-3201"),
    )
    .await;
    let (_, page) = at::<ListCases>(&nanjing, &(), &ListQuery::default(), None).await;
    assert_eq!(page["total"], 0);
    let (s, _) = at::<GetCase>(&nanjing, &CaseKey::new(&*id), &(), None).await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "outside the jurisdiction a case does not exist"
    );
    let zhenjiang = Client::signed_in(
        &router_,
        &state,
        "zj.handler",
        Role::Handler,
        Some("gov-3211"),
    )
    .await;
    let (_, page) = at::<ListCases>(&zhenjiang, &(), &ListQuery::default(), None).await;
    assert_eq!(
        (page["total"].as_u64(), page["items"][0]["id"].as_str()),
        (Some(1), Some(id.as_str()))
    );
    let (_, seen) = at::<GetCase>(&zhenjiang, &CaseKey::new(&*id), &(), None).await;
    assert_eq!(
        seen["allowed_actions"],
        json!(["report", "request_extension"]),
        "a handler reports and may ask for more time, but does not pause or extend"
    );
    let (s, v) = at::<ActOnCase>(
        &zhenjiang,
        &CaseKey::new(&*id),
        &(),
        Some(
            json!({"action": "extend", "amount": 1, "unit": "working_days", "reason": "需要时间"}),
        ),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::FORBIDDEN, vec!["role.forbidden".to_owned()])
    );
    let ministry = Client::signed_in(
        &router_,
        &state,
        "zjt.handler",
        Role::Handler,
        Some("dept-zjt"),
    )
    .await;
    let (_, page) = at::<ListCases>(&ministry, &(), &ListQuery::default(), None).await;
    assert_eq!(
        page["total"], 1,
        "a co-handling department sees the case too"
    );

    // Every documented operation answers (none is a stray 404 or 405).
    for (method, path) in duban_server::openapi::operations() {
        let uri = path.replace("{id}", &id).replace("{year}", "2026");
        let body = (method == "POST").then(|| json!({}));
        let (s, v) = call(&app, &method, &uri, body).await;
        assert!(
            s != StatusCode::METHOD_NOT_ALLOWED && codes(&v) != ["route.not_found"],
            "{method} {uri}: {s}"
        );
        assert!(!s.is_server_error(), "{method} {uri}: {s}");
    }
}

both!(story, "story" => story_on_sqlite, story_on_postgres);
