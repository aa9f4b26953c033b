//! What coordinators hit first in the trial (issue 20): personal data typed into free
//! text, the inbox's real totals, why a case was routed where it went, closing with
//! work still open in the mechanisms, and query errors in the reader's language.

use super::*;
use duban_server::auth::Role;

const NAME: &str = "王小明";
const PHONE: &str = "13955556666";
const ID: &str = "320102198001011234";

/// A case whose texts carry the complainant's name, phone and ID number.
fn case_with_personal_text() -> Value {
    let mut case = valid_case();
    case["complainant_name"] = json!(NAME);
    case["complainant_phone"] = json!(PHONE);
    case["content"] = json!(format!(
        "{NAME}电话{PHONE}反映：京口区某化工厂夜间偷排废气，身份证号{ID}，也可打139 5555 6666联系。"
    ));
    case["address"] = json!(format!("镇江市京口区象山街道（{NAME}家旁）"));
    case
}

async fn act(client: &Client, id: &str, body: Value) -> (StatusCode, Value) {
    call(
        client,
        "POST",
        &format!("/api/v1/cases/{id}/actions"),
        Some(body),
    )
    .await
}

async fn text_of(client: &Client, uri: &str) -> String {
    let (s, body) = get_text(client, uri).await;
    assert_eq!(s, StatusCode::OK, "{uri}: {body}");
    body
}

/// Supervisors and leaders have no right to the complainant: no route gives them a
/// phone or ID number or the name typed into any text (content, address, notes, the
/// outcome, the event log, lists, the daily clearing, exports). Coordinators read the
/// text whole; exports carry it redacted for every role.
async fn personal_data_in_text(store: Arc<dyn Store>) {
    let (state, app, coordinator) = with_coordinator(store, "t.coord").await;
    let admin = Client::signed_in(&app, &state, "t.admin", Role::Admin, None).await;
    let handler = Client::signed_in(&app, &state, "t.hand", Role::Handler, Some("gov-3211")).await;
    let supervisor =
        Client::signed_in(&app, &state, "t.sup", Role::Supervisor, Some("prov-coord")).await;
    let leader = Client::signed_in(&app, &state, "t.lead", Role::Leader, Some("prov-coord")).await;

    let mut case = case_with_personal_text();
    case["key_classes"] = json!(["inspection_key"]);
    let (s, v) = call(&coordinator, "POST", "/api/v1/cases", Some(case)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_str().expect("id").to_owned();
    let note = format!("已电话{PHONE}联系{NAME}");
    let (s, v) = act(
        &coordinator,
        &id,
        json!({"action": "dispatch", "lead_unit": "gov-3211", "note": note}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = act(&handler, &id, json!({"action": "sign_for"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let outcome = json!({"finding": "substantiated", "rectification_orders": 1,
        "measures": format!("已回复{NAME}（{PHONE}），责令停产整改"),
        "public_summary": "经核查反映问题属实，已责令整改。"});
    let (s, v) = act(
        &handler,
        &id,
        json!({"action": "report", "outcome": outcome}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // Staff quote the complaint in the mechanisms too.
    let sup_uri = format!("/api/v1/cases/{id}/supervision");
    let (s, v) = call(
        &coordinator,
        "POST",
        &sup_uri,
        Some(json!({"action": "assign", "supervisor": "t.sup"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = call(&supervisor, "POST", &sup_uri, Some(json!({"action": "issue_order", "target_unit": "gov-3211",
        "demands": format!("请核实{NAME}（{PHONE}）反映的偷排问题并报送整改方案"), "amount": 3, "unit": "working_days"}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let number = v["supervision"]["orders"][0]["number"]
        .as_str()
        .expect("number")
        .to_owned();
    let (s, v) = call(
        &handler,
        "POST",
        &sup_uri,
        Some(json!({"action": "answer_order", "number": number,
        "answer": format!("已联系{NAME}（{PHONE}），企业停产整改。")})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = call(&supervisor, "POST", &sup_uri, Some(json!({"action": "close_order", "number": number,
        "accept": true, "comments": format!("经回访{NAME}，电话１３９－５５５５－６６６６，满意")}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = upload(
        &coordinator,
        &format!("/api/v1/cases/{id}/attachments"),
        b"\x89PNG\r\n\x1a\n0000",
        "image/png",
        // 王小明13955556666.png, percent-encoded as the browser sends it.
        &format!("%E7%8E%8B%E5%B0%8F%E6%98%8E{PHONE}.png"),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = call(&coordinator, "POST", &format!("/api/v1/cases/{id}/referrals"), Some(json!({"action": "send",
        "from_unit": "prov-coord", "to_unit": "dept-zjt", "subject": format!("{NAME}反映的管网问题"),
        "text": format!("{NAME}反映，电话{PHONE}，请住建厅协同核查。"), "amount": 2, "unit": "working_days"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let referral = format!(
        "/api/v1/referrals/{}",
        v["referral"]["id"].as_str().expect("rid")
    );
    let (s, v) = call(&coordinator, "POST", &format!("/api/v1/cases/{id}/incidents"), Some(json!({"action": "declare",
        "title": format!("{NAME}报告河道死鱼"), "incident_type": "water_pollution", "severity": "IV",
        "division": "321102", "address": format!("象山街道，联系{PHONE}")}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let incident = format!(
        "/api/v1/incidents/{}",
        v["incident"]["id"].as_str().expect("iid")
    );

    let routes = [
        sup_uri.clone(),
        format!("/api/v1/cases/{id}/attachments"),
        "/api/v1/referrals".to_owned(),
        format!("/api/v1/cases/{id}/referrals"),
        referral,
        "/api/v1/incidents".to_owned(),
        incident,
        format!("/api/v1/cases/{id}"),
        format!("/api/v1/cases/{id}/events"),
        "/api/v1/cases".to_owned(),
        "/api/v1/clearing".to_owned(),
        "/api/v1/inbox".to_owned(),
        "/api/v1/cases/export.csv".to_owned(),
    ];
    let leaks = |text: &str| {
        [
            PHONE,
            "139 5555 6666",
            "１３９－５５５５－６６６６",
            ID,
            NAME,
        ]
        .into_iter()
        .filter(|p| text.contains(p))
        .collect::<Vec<_>>()
    };
    for (who, client) in [("supervisor", &supervisor), ("leader", &leader)] {
        for uri in &routes {
            let text = text_of(client, uri).await;
            assert!(
                leaks(&text).is_empty(),
                "{who} {uri}: {:?} in {text}",
                leaks(&text)
            );
        }
        // The text is there, redacted.
        let (_, case) = call(client, "GET", &format!("/api/v1/cases/{id}"), None).await;
        let content = case["content"].as_str().expect("content");
        assert!(
            content.starts_with("×××电话××××反映") && content.contains("身份证号××××"),
            "{who}: {content}"
        );
    }
    let (_, sv) = call(&supervisor, "GET", &sup_uri, None).await;
    assert_eq!(
        sv["supervision"]["orders"][0]["demands"],
        "请核实×××（××××）反映的偷排问题并报送整改方案"
    );
    let (_, files) = call(
        &coordinator,
        "GET",
        &format!("/api/v1/cases/{id}/attachments"),
        None,
    )
    .await;
    assert_eq!(
        files[0]["name"],
        format!("{NAME}{PHONE}.png"),
        "the right reads the name whole"
    );
    // Those with the right read the text whole on the case page…
    for client in [&coordinator, &admin, &handler] {
        let (_, case) = call(client, "GET", &format!("/api/v1/cases/{id}"), None).await;
        let content = case["content"].as_str().expect("content");
        assert!(
            content.contains(PHONE) && content.contains(NAME),
            "{content}"
        );
        assert_eq!(case["complainant"]["name"], "王**");
    }
    // …and get every export redacted, the name in the text included.
    for client in [&coordinator, &admin, &handler] {
        let csv = text_of(client, "/api/v1/cases/export.csv").await;
        assert!(leaks(&csv).is_empty(), "{:?} in {csv}", leaks(&csv));
    }
}

both!(personal_data_in_text, "personal data in free text" => personal_data_in_text_on_sqlite, personal_data_in_text_on_postgres);

/// The inbox counts everything waiting, listed or not: 201 cases past their dispatch
/// deadline read "201, 201 overdue" with 200 listed; the leader's summon list says
/// that it lists 200 of 201.
async fn inbox_real_totals(store: Arc<dyn Store>) {
    let (state, app, coordinator) = with_coordinator(store, "i.coord").await;
    let draft: duban_case::draft::CaseDraft = serde_json::from_value(valid_case()).expect("draft");
    // Received in June 2025: every dispatch clock is long past.
    for _ in 0..201 {
        state
            .create_case(&draft, &Who::system())
            .await
            .expect("case");
    }
    let (s, inbox) = call(&coordinator, "GET", "/api/v1/inbox", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (
            inbox["total"].as_u64(),
            inbox["overdue"].as_u64(),
            inbox["items"].as_array().map(Vec::len)
        ),
        (Some(201), Some(201), Some(200)),
        "{}",
        inbox["overflow"]
    );

    // The sweep climbs the whole ladder: the leaders are to summon all 201.
    state.sweep(state.now()).await.expect("sweep");
    let leader = Client::signed_in(&app, &state, "i.lead", Role::Leader, Some("prov-coord")).await;
    let (_, inbox) = call(&leader, "GET", "/api/v1/inbox", None).await;
    assert_eq!(
        (inbox["total"].as_u64(), inbox["overdue"].as_u64()),
        (Some(201), Some(201)),
        "{inbox}"
    );
    assert_eq!(
        inbox["overflow"],
        json!([{"action": "summon", "status": "", "total": 201, "shown": 200}])
    );
}

both!(inbox_real_totals, "inbox totals" => inbox_real_totals_on_sqlite, inbox_real_totals_on_postgres);

/// Why a case went where it went stays on the case after dispatch (from the dispatch
/// event), in the batch result too; dispatching as proposed also names the supervisor
/// the rules propose.
async fn routing_reason_kept(store: Arc<dyn Store>) {
    let (state, app, coordinator) = with_coordinator(store, "r.coord").await;
    let _supervisor =
        Client::signed_in(&app, &state, "r.sup", Role::Supervisor, Some("prov-coord")).await;
    let mut rules: Vec<duban_dispatch::Rule> = state.routing_rules().into();
    rules.push(duban_dispatch::Rule {
        id: "supervise-key".into(),
        name: "重点件由督办专员跟进".into(),
        kind: duban_dispatch::RuleKind::Supervise,
        when: duban_dispatch::When {
            key_classes: vec![duban_case::model::KeyClass::InspectionKey],
            ..duban_dispatch::When::default()
        },
        then: duban_dispatch::Target::Person {
            username: "r.sup".into(),
        },
    });
    state
        .set_routing_rules(rules, "测试", &Who::system())
        .await
        .expect("rules");

    let mut key = valid_case();
    key["key_classes"] = json!(["inspection_key"]);
    let (s, v) = call(&coordinator, "POST", "/api/v1/cases", Some(key)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_str().expect("id").to_owned();
    // 按建议交办: the units the routing proposes.
    let (_, routing) = call(
        &coordinator,
        "GET",
        &format!("/api/v1/cases/{id}/routing"),
        None,
    )
    .await;
    let lead = routing["lead"]["unit"].as_str().expect("lead").to_owned();
    let co: Vec<Value> = routing["notify"]
        .as_array()
        .map(|n| n.iter().map(|p| p["unit"].clone()).collect())
        .unwrap_or_default();
    let (s, v) = act(
        &coordinator,
        &id,
        json!({"action": "dispatch", "lead_unit": lead, "co_units": co}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, case) = call(&coordinator, "GET", &format!("/api/v1/cases/{id}"), None).await;
    let why = case["routed_why"].as_array().expect("routed_why");
    assert!(
        why[0]["zh"]
            .as_str()
            .is_some_and(|t| t.starts_with("牵头：镇江市人民政府") && t.contains("属地")),
        "{case}"
    );
    assert!(
        why[0]["en"]
            .as_str()
            .is_some_and(|t| t.starts_with("Lead: "))
    );
    let (_, events) = call(
        &coordinator,
        "GET",
        &format!("/api/v1/cases/{id}/events"),
        None,
    )
    .await;
    assert_eq!(events[1]["type"], "dispatched");
    assert_eq!(&events[1]["why"], &case["routed_why"]);
    let (_, sv) = call(
        &coordinator,
        "GET",
        &format!("/api/v1/cases/{id}/supervision"),
        None,
    )
    .await;
    assert_eq!(sv["supervision"]["supervisor"], "r.sup", "{sv}");

    // By hand to a unit no rule proposes: said so, no reasons invented.
    let (_, v) = call(&coordinator, "POST", "/api/v1/cases", Some(valid_case())).await;
    let by_hand = v["id"].as_str().expect("id").to_owned();
    let (s, v) = act(
        &coordinator,
        &by_hand,
        json!({"action": "dispatch", "lead_unit": "dept-zjt"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v.get("routed_why").is_none(), "{v}");

    // A whole batch: each dispatched case says why, in the reader's language.
    let mut batch = valid_case();
    batch["batch_number"] = json!(7);
    for _ in 0..2 {
        let (s, v) = call(&coordinator, "POST", "/api/v1/cases", Some(batch.clone())).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let (s, result) = call_with(
        &coordinator,
        "POST",
        "/api/v1/dispatch",
        Some(json!({"batch": 7, "case_ids": [], "note": ""}).to_string()),
        &[
            ("content-type", "application/json"),
            ("accept-language", "en"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{result}");
    let sent = result["dispatched"].as_array().expect("dispatched");
    assert_eq!(sent.len(), 2, "{result}");
    for d in sent {
        assert!(
            d["why"][0]
                .as_str()
                .is_some_and(|t| t.starts_with("Lead: ") && t.contains("rule")),
            "{d}"
        );
    }
}

both!(routing_reason_kept, "routing reasons" => routing_reason_kept_on_sqlite, routing_reason_kept_on_postgres);

/// A case is not closed while a supervision order or a referral on it is open: the
/// refusal lists each; stage-closing stays possible; once they are closed, it closes.
async fn closing_with_open_work(store: Arc<dyn Store>) {
    let (state, app, coordinator) = with_coordinator(store, "c.coord").await;
    let supervisor =
        Client::signed_in(&app, &state, "c.sup", Role::Supervisor, Some("prov-coord")).await;
    let handler = Client::signed_in(&app, &state, "c.hand", Role::Handler, Some("gov-3211")).await;
    let housing = Client::signed_in(&app, &state, "c.zjt", Role::Handler, Some("dept-zjt")).await;

    let mut key = valid_case();
    key["key_classes"] = json!(["inspection_key"]);
    let (_, v) = call(&coordinator, "POST", "/api/v1/cases", Some(key)).await;
    let id = v["id"].as_str().expect("id").to_owned();
    for (client, body) in [
        (
            &coordinator,
            json!({"action": "dispatch", "lead_unit": "gov-3211"}),
        ),
        (&handler, json!({"action": "sign_for"})),
        (
            &handler,
            json!({"action": "report", "outcome": {"finding": "substantiated", "rectification_orders": 1,
                "measures": "责令停产整改", "public_summary": "经核查反映问题属实，已责令整改。"}}),
        ),
    ] {
        let (s, v) = act(client, &id, body).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    let sup_uri = format!("/api/v1/cases/{id}/supervision");
    let (s, v) = call(
        &coordinator,
        "POST",
        &sup_uri,
        Some(json!({"action": "assign", "supervisor": "c.sup"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = call(
        &supervisor,
        "POST",
        &sup_uri,
        Some(json!({"action": "issue_order", "target_unit": "gov-3211",
        "demands": "请于3个工作日内报送整改方案", "amount": 3, "unit": "working_days"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let number = v["supervision"]["orders"][0]["number"]
        .as_str()
        .expect("number")
        .to_owned();
    let (s, v) = call(
        &coordinator,
        "POST",
        &format!("/api/v1/cases/{id}/referrals"),
        Some(json!({"action": "send",
        "from_unit": "prov-coord", "to_unit": "dept-zjt", "subject": "小区生活污水直排",
        "text": "请住建厅协同核查雨污管网混接问题。", "amount": 2, "unit": "working_days"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let r_uri = format!(
        "/api/v1/referrals/{}",
        v["referral"]["id"].as_str().expect("rid")
    );

    // Only the unit the order is addressed to is offered to answer it (the department
    // the problem was referred to sees the case, not the order's answer).
    let allowed = |v: &Value| v["allowed"].as_array().cloned().unwrap_or_default();
    let (_, v) = call(&handler, "GET", &sup_uri, None).await;
    assert!(allowed(&v).contains(&json!("answer_order")), "{v}");
    let (_, v) = call(&housing, "GET", &sup_uri, None).await;
    assert!(!allowed(&v).contains(&json!("answer_order")), "{v}");

    // Closing lists both, and nothing changes.
    let (s, v) = act(
        &coordinator,
        &id,
        json!({"action": "approve", "closure": "closed"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(codes(&v), ["case.open_work", "case.open_work"]);
    assert_eq!(v["errors"][0]["field"], "open_work[0]");
    let messages = v["errors"].to_string();
    assert!(
        messages.contains(&number) && messages.contains("小区生活污水直排"),
        "{messages}"
    );
    let (_, case) = call(&coordinator, "GET", &format!("/api/v1/cases/{id}"), None).await;
    assert_eq!(case["status"], "reported");

    // The order answered and closed: the referral is what is left.
    let (s, v) = call(
        &handler,
        "POST",
        &sup_uri,
        Some(json!({"action": "answer_order", "number": number, "answer": "已现场查处，企业停产整改。"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = call(
        &supervisor,
        "POST",
        &sup_uri,
        Some(json!({"action": "close_order", "number": number, "accept": true})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = act(
        &coordinator,
        &id,
        json!({"action": "approve", "closure": "closed"}),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["case.open_work".to_owned()]
        )
    );

    // Stage-closing leaves the rectification under way.
    let (s, v) = act(
        &coordinator,
        &id,
        json!({"action": "approve", "closure": "stage_closed"}),
    )
    .await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("stage_closed")),
        "{v}"
    );
    let (s, v) = act(&coordinator, &id, json!({"action": "close"})).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["case.open_work".to_owned()]
        )
    );

    for (client, body) in [
        (&housing, json!({"action": "acknowledge"})),
        (
            &housing,
            json!({"action": "answer", "text": "管网混接点已封堵。"}),
        ),
        (
            &coordinator,
            json!({"action": "close", "summary": "住建厅完成整改"}),
        ),
    ] {
        let (s, v) = call(client, "POST", &r_uri, Some(body)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    let (s, v) = act(&coordinator, &id, json!({"action": "close"})).await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("closed")),
        "{v}"
    );
}

both!(closing_with_open_work, "closing with open work" => closing_with_open_work_on_sqlite, closing_with_open_work_on_postgres);

/// A query string that does not parse is refused in the request's language.
async fn query_errors(store: Arc<dyn Store>) {
    let (_, _, coordinator) = with_coordinator(store, "q.coord").await;
    for (lang, uri, field, message) in [
        (
            "zh-CN",
            "/api/v1/cases?colour=red",
            "colour",
            "不支持查询参数“colour”",
        ),
        (
            "en",
            "/api/v1/cases?colour=red",
            "colour",
            "Unknown query parameter “colour”",
        ),
        (
            "zh-CN,zh;q=0.9",
            "/api/v1/cases?limit=many",
            "query",
            "查询参数无效：",
        ),
        (
            "en-GB",
            "/api/v1/cases?limit=many",
            "query",
            "Invalid query parameters: ",
        ),
    ] {
        let (s, v) = call_with(&coordinator, "GET", uri, None, &[("accept-language", lang)]).await;
        assert_eq!(
            (s, codes(&v)),
            (StatusCode::BAD_REQUEST, vec!["query.invalid".to_owned()])
        );
        assert_eq!(v["errors"][0]["field"], field, "{v}");
        assert!(
            v["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with(message)),
            "{lang}: {v}"
        );
    }
}

#[tokio::test]
async fn query_errors_speak_the_readers_language() {
    on_sqlite(query_errors).await;
}
