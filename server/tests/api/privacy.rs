//! Personal data: who reads it, the audit of every read, and logs without it.

use super::*;
use duban_api::admin::{CreateUnit, CreateUser, ListUnits, ListUsers, UpdateUnit, UpdateUser};
use duban_api::audit::{AuditQuery, CaseAudit, SearchAudit};
use duban_api::cases::{
    ActOnCase, CaseComplainant, CaseEvents, ComplainantQuery, CreateCase, ListQuery,
};
use duban_api::export::{ExportCsv, ExportXlsx};
use duban_api::keys::{CaseKey, UnitKey, UserKey};
use duban_api::session::{CurrentUser, Login};

/// Personal data is masked everywhere but the audited complainant endpoint, every read
/// and change is in the audit trail, exports and public outputs and logs carry none.
async fn privacy_and_audit(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    const NAME: &str = "欧阳明远";
    const PHONE: &str = "13955501234";
    const ID: &str = "11010519491231002X";
    let state = AppState::new(store).await.expect("state");
    let app = router(state.clone(), None);
    let coordinator = Client::signed_in(
        &app,
        &state,
        "p.coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let admin = Client::signed_in(&app, &state, "p.admin", Role::Admin, None).await;
    let supervisor = Client::signed_in(
        &app,
        &state,
        "p.supervisor",
        Role::Supervisor,
        Some("prov-coord"),
    )
    .await;
    let handler =
        Client::signed_in(&app, &state, "p.handler", Role::Handler, Some("gov-3211")).await;

    let mut case = valid_case();
    case["complainant_name"] = json!(NAME);
    case["complainant_phone"] = json!(PHONE);
    case["complainant_id_number"] = json!(ID.to_lowercase());
    case["content"] = json!("京口区某厂夜间偷排废气，我的电话13955501234，请尽快处理，谢谢。");
    let (s, created) = at::<CreateCase>(&coordinator, &(), &(), Some(case.clone())).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().expect("id").to_owned();
    let reference = created["reference"].as_str().expect("reference").to_owned();
    assert_eq!(created["complainant"]["name"], "欧**");
    assert_eq!(created["complainant"]["id_number"], "1101************2X");
    let mut bad = case.clone();
    bad["complainant_id_number"] = json!("110105194912310021");
    let (s, v) = at::<CreateCase>(&coordinator, &(), &(), Some(bad)).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["complainant.id_number.invalid".to_owned()]
        )
    );
    assert!(
        !v.to_string().contains("110105194912310021"),
        "errors do not echo ID numbers"
    );

    let (s, _) = at::<ActOnCase>(
        &coordinator,
        &CaseKey::new(&*id),
        &(),
        Some(json!({"action": "dispatch", "lead_unit": "gov-3211", "note": "属地办理"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);

    // Reading the person: allowed roles get it, each read is recorded; others never.
    let case = CaseKey::new(&*id);
    let purpose = ComplainantQuery {
        purpose: Some("回访".into()),
    };
    let (s, person) = at::<CaseComplainant>(&handler, &case, &purpose, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (&person["name"], &person["phone"], &person["id_number"]),
        (&json!(NAME), &json!(PHONE), &json!(ID))
    );
    let (s, v) = at::<CaseComplainant>(&supervisor, &case, &purpose, None).await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::FORBIDDEN, vec!["role.forbidden".to_owned()])
    );
    let (_, events) = at::<CaseEvents>(&coordinator, &CaseKey::new(&*id), &(), None).await;
    let opening = events[0]["case"]["complainant"].to_string();
    assert!(!opening.contains(PHONE) && !opening.contains(NAME) && !opening.contains(ID));

    // The case's audit trail: who, when, from where and why.
    let (s, trail) = at::<CaseAudit>(&coordinator, &CaseKey::new(&*id), &(), None).await;
    assert_eq!(s, StatusCode::OK, "{trail}");
    let actions: Vec<&str> = trail
        .as_array()
        .expect("list")
        .iter()
        .map(|r| r["action"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        actions,
        ["personal_data.read", "case.dispatch", "case.create"],
        "newest first; the refused supervisor read is not a read"
    );
    assert_eq!(
        (
            trail[0]["actor"].as_str(),
            trail[0]["role"].as_str(),
            trail[0]["ip"].as_str(),
            trail[0]["reason"].as_str(),
            trail[0]["target"].as_str()
        ),
        (
            Some("p.handler"),
            Some("handler"),
            Some("192.0.2.7"),
            Some("回访"),
            Some(reference.as_str())
        )
    );
    assert_eq!(trail[1]["reason"], "属地办理");
    assert_eq!(trail[1]["detail"]["to"], "dispatched");
    assert!(
        !trail.to_string().contains(PHONE),
        "the trail holds no personal data"
    );
    let (s, _) = at::<CaseAudit>(&supervisor, &CaseKey::new(&*id), &(), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The searchable trail for administrators.
    let (s, page) = at::<SearchAudit>(
        &admin,
        &(),
        &AuditQuery {
            action: Some("case.".into()),
            limit: Some(1),
            ..Default::default()
        },
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert_eq!(
        (page["total"].as_u64(), page["items"][0]["action"].as_str()),
        (Some(2), Some("case.dispatch"))
    );
    let before = page["next_cursor"].as_str().expect("cursor");
    let (_, next) = at::<SearchAudit>(
        &admin,
        &(),
        &AuditQuery {
            action: Some("case.".into()),
            before: Some(before.parse().expect("cursor")),
            ..Default::default()
        },
        None,
    )
    .await;
    assert_eq!(next["items"][0]["action"], "case.create");
    let (_, logins) = at::<SearchAudit>(
        &admin,
        &(),
        &AuditQuery {
            action: Some("auth.login".into()),
            actor: Some("p.handler".into()),
            ..Default::default()
        },
        None,
    )
    .await;
    assert_eq!(logins["total"], 1);
    let (_, found) = at::<SearchAudit>(
        &admin,
        &(),
        &AuditQuery {
            q: Some(reference.clone()),
            ..Default::default()
        },
        None,
    )
    .await;
    assert_eq!(found["total"], 3);
    let (_, none) = at::<SearchAudit>(
        &admin,
        &(),
        &AuditQuery {
            q: Some("%".into()),
            ..Default::default()
        },
        None,
    )
    .await;
    assert_eq!(none["total"], 0, "% is matched literally");
    let (_, old) = at::<SearchAudit>(
        &admin,
        &(),
        &AuditQuery {
            to: Some("2000-01-01".into()),
            ..Default::default()
        },
        None,
    )
    .await;
    assert_eq!(old["total"], 0);
    let (_, recent) = at::<SearchAudit>(
        &admin,
        &(),
        &AuditQuery {
            from: Some("2000-01-01".into()),
            to: Some("2199-12-31".into()),
            ..Default::default()
        },
        None,
    )
    .await;
    assert!(recent["total"].as_u64() > Some(5));
    let (s, v) = at::<SearchAudit>(
        &admin,
        &(),
        &AuditQuery {
            from: Some("2025-13-01".into()),
            ..Default::default()
        },
        None,
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["from.invalid".to_owned()]
        )
    );
    let (s, _) = at::<SearchAudit>(&coordinator, &(), &AuditQuery::default(), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Exports: the filtered list, no complainant, digit runs in the text masked.
    let batch3 = ListQuery {
        batch: Some(3),
        ..Default::default()
    };
    let (s, csv_text) = get_text(&coordinator, &ExportCsv::url(&(), &batch3)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        csv_text.starts_with('\u{feff}')
            && csv_text.contains("交办编号")
            && csv_text.contains("牵头单位")
    );
    assert!(
        csv_text.contains(&reference) && csv_text.contains("我的电话××××"),
        "{csv_text}"
    );
    for pd in [NAME, PHONE, ID, "张先生"] {
        assert!(!csv_text.contains(pd), "export leaks {pd}");
    }
    // Those who handle complainants get them masked, as on the case page; supervisors
    // get no complainant columns at all.
    let masked_phone = created["complainant"]["phone"]
        .as_str()
        .expect("masked phone")
        .to_owned();
    assert!(masked_phone.contains('*'), "{masked_phone}");
    let row = csv_text
        .lines()
        .find(|l| l.contains(&reference))
        .expect("the case's row");
    assert!(
        csv_text.contains("举报人（脱敏）") && row.contains("欧**") && row.contains(&masked_phone),
        "{csv_text}"
    );
    let (s, theirs) = get_text(&supervisor, &ExportCsv::url(&(), &batch3)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(theirs.contains(&reference), "{theirs}");
    assert!(
        !theirs.contains("举报人") && !theirs.contains("欧**") && !theirs.contains(&masked_phone),
        "{theirs}"
    );
    let (s, v) = at::<ExportCsv>(
        &coordinator,
        &(),
        &ListQuery {
            batch: Some(0),
            ..Default::default()
        },
        None,
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["batch.out_of_range".to_owned()]
        )
    );
    // The same table as a workbook.
    let (s, book) = get_bytes(&coordinator, &ExportXlsx::url(&(), &batch3)).await;
    assert_eq!(s, StatusCode::OK);
    use calamine::Reader as _;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(book)).expect("xlsx");
    let sheet = book.worksheet_range("案件清单").expect("sheet");
    let cells: Vec<String> = sheet.cells().map(|(_, _, c)| c.to_string()).collect();
    assert_eq!(cells.first().map(String::as_str), Some("案件编号"));
    assert!(cells.contains(&reference) && cells.iter().any(|c| c.contains("我的电话××××")));
    for pd in [NAME, PHONE, ID, "张先生"] {
        assert!(!cells.iter().any(|c| c.contains(pd)), "workbook leaks {pd}");
    }
    let foreign =
        Client::signed_in(&app, &state, "p.foreign", Role::Handler, Some("gov-3201")).await;
    let (_, theirs) = get_text(&foreign, &ExportCsv::url(&(), &ListQuery::default())).await;
    assert!(
        !theirs.contains(&reference),
        "exports keep to the jurisdiction"
    );

    // Whatever the public can reach carries no personal data.
    let public = Client::anonymous(&app);
    for (method, path) in duban_server::openapi::operations() {
        let uri = path.replace("{id}", &id).replace("{year}", "2026");
        let (_, body) = get_text_with(&public, &method, &uri).await;
        for pd in [NAME, PHONE, ID] {
            assert!(
                !body.contains(pd),
                "{method} {uri} shows {pd} to the public"
            );
        }
    }

    // Accounts through the API, every change with a reason and an audit entry.
    let (s, made) = at::<CreateUser>(
        &admin,
        &(),
        &(),
        Some(
            json!({"username": "wang.wu", "display_name": "王五", "role": "handler",
                    "unit_id": "gov-3211", "password": "first pass at duban", "reason": "新到岗"}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{made}");
    let uid = made["id"].as_str().expect("id").to_owned();
    assert!(made.get("password_hash").is_none());
    let (s, v) = at::<CreateUser>(
        &admin,
        &(),
        &(),
        Some(json!({"username": "wang.wu", "role": "leader", "password": "whatever it takes"})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["username.taken".to_owned()]
        )
    );
    let (s, v) = at::<CreateUser>(
        &admin,
        &(),
        &(),
        Some(json!({"username": "zhao.liu", "role": "chief", "password": "whatever it takes"})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["role.unknown".to_owned()]
        )
    );
    let wang = {
        let (s, v, cookies) = call_raw(
            &app,
            Login::METHOD.as_str(),
            Login::PATH,
            Some(json!({"username": "wang.wu", "password": "first pass at duban"})),
            &[],
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let cookie = cookies[0].split(';').next().expect("cookie").to_owned();
        Client {
            app: app.clone(),
            session: Some((cookie, v["csrf_token"].as_str().expect("csrf").to_owned())),
        }
    };
    assert_eq!(
        at::<CurrentUser>(&wang, &(), &(), None).await.0,
        StatusCode::OK
    );
    let user = UserKey::new(&*uid);
    let (s, v) = at::<UpdateUser>(&admin, &user, &(), Some(json!({"role": "leader"}))).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["reason.required".to_owned()]
        )
    );
    let (s, v) = at::<UpdateUser>(
        &admin,
        &user,
        &(),
        Some(json!({"role": "leader", "unit_id": "prov-coord", "reason": "调任"})),
    )
    .await;
    assert_eq!(
        (s, v["role"].as_str()),
        (StatusCode::OK, Some("leader")),
        "{v}"
    );
    assert_eq!(
        at::<CurrentUser>(&wang, &(), &(), None).await.0,
        StatusCode::OK
    );
    let (s, _) = at::<UpdateUser>(
        &admin,
        &user,
        &(),
        Some(json!({"disabled": true, "reason": "离职"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        at::<CurrentUser>(&wang, &(), &(), None).await.0,
        StatusCode::UNAUTHORIZED,
        "disabling ends the sessions"
    );
    let (_, me) = at::<CurrentUser>(&admin, &(), &(), None).await;
    let (s, v) = at::<UpdateUser>(
        &admin,
        &UserKey::new(me["id"].as_str().expect("id")),
        &(),
        Some(json!({"role": "leader", "reason": "试试"})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["user.self_lockout".to_owned()]
        )
    );
    let (s, _) = at::<UpdateUser>(
        &admin,
        &UserKey::new("nobody"),
        &(),
        Some(json!({"reason": "x"})),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, users) = at::<ListUsers>(&admin, &(), &(), None).await;
    assert!(users.as_array().is_some_and(|u| {
        u.iter()
            .any(|u| u["username"] == "wang.wu" && u["disabled"] == true)
    }));
    let (_, changes) = at::<SearchAudit>(
        &admin,
        &(),
        &AuditQuery {
            action: Some("user.".into()),
            q: Some("wang.wu".into()),
            ..Default::default()
        },
        None,
    )
    .await;
    let reasons: Vec<&str> = changes["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|r| r["reason"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(reasons, ["离职", "调任", "新到岗"]);
    assert!(
        !changes.to_string().contains("first pass at duban"),
        "passwords never reach the trail"
    );

    // Units: add one below 镇江市; the handler's jurisdiction grows with it.
    let (s, unit) = at::<CreateUnit>(
        &admin,
        &(),
        &(),
        Some(
            json!({"id": "dept-zj-hb", "name": "镇江市生态环境局", "kind": "department",
                    "parent": "gov-3211", "reason": "新增承办单位"}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{unit}");
    assert!(state.subtree("gov-3211").iter().any(|u| u == "dept-zj-hb"));
    let (s, v) = at::<CreateUnit>(
        &admin,
        &(),
        &(),
        Some(json!({"id": "dept-zj-hb", "name": "重复", "kind": "department", "reason": "x"})),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["unit.id_taken".to_owned()]
        )
    );
    let (s, v) = at::<UpdateUnit>(&admin, &UnitKey::new("gov-3211"), &(), Some(json!({"name": "镇江市人民政府", "kind": "government", "parent": "dept-zj-hb", "reason": "x"})))
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["unit.parent_cycle".to_owned()]
        )
    );
    let (s, v) = at::<UpdateUnit>(&admin, &UnitKey::new("dept-zj-hb"), &(), Some(json!({"name": "镇江市生态环境局（京口）", "kind": "department", "parent": "gov-3211", "reason": "更名"})))
    .await;
    assert_eq!(
        (s, v["name"].as_str()),
        (StatusCode::OK, Some("镇江市生态环境局（京口）"))
    );
    let (_, units) = at::<ListUnits>(&coordinator, &(), &(), None).await;
    assert!(units.as_array().is_some_and(|u| {
        u.iter()
            .any(|u| u["id"] == "dept-zj-hb" && u["name"] == "镇江市生态环境局（京口）")
    }));
    let (_, trail) = at::<SearchAudit>(
        &admin,
        &(),
        &AuditQuery {
            action: Some("unit.".into()),
            ..Default::default()
        },
        None,
    )
    .await;
    assert_eq!(trail["total"], 2);
}

/// The logs of the privacy scenario (and of every other test so far) hold no personal data.
#[tokio::test]
async fn logs_carry_no_personal_data() {
    on_sqlite(privacy_and_audit).await;
    let logs = String::from_utf8_lossy(&captured_logs().lock().expect("lock")).into_owned();
    assert!(logs.contains("/api/v1/cases"), "the requests were logged");
    assert!(
        logs.contains("request_id="),
        "the log lines carry request ids"
    );
    for pd in [
        "欧阳明远",
        "13955501234",
        "11010519491231002X",
        "110105194912310021",
    ] {
        assert!(!logs.contains(pd), "the log shows {pd}");
    }
}

both!(privacy_and_audit, "privacy and audit test" => privacy_and_audit_on_sqlite, privacy_and_audit_on_postgres);
