//! Batch import of transfer lists (CSV, GBK, XLSX).

use super::*;
use duban_api::cases::{ListCases, ListQuery};
use duban_api::import::{
    CommitImport, ImportQuery, ImportTemplateCsv, ImportTemplateXlsx, PreviewImport,
};

/// A transfer list imported from CSV (UTF-8 or GBK) or XLSX: preview with the form's
/// codes and routing proposals, all-or-nothing commit, the same batch never twice.
async fn batch_import(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    let state = AppState::new(store).await.expect("state");
    let app = router(state.clone(), None);
    let coordinator = Client::signed_in(
        &app,
        &state,
        "i.coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let handler =
        Client::signed_in(&app, &state, "i.handler", Role::Handler, Some("gov-3211")).await;

    let (s, template) = get_text(&coordinator, &plain_url::<ImportTemplateCsv>()).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        template.starts_with('\u{feff}') && template.contains("举报内容"),
        "{template}"
    );
    let (s, book) = get_bytes(&coordinator, &plain_url::<ImportTemplateXlsx>()).await;
    assert_eq!((s, book.get(..2)), (StatusCode::OK, Some(&b"PK"[..])));
    // The notes are comments on the header cells, not a row of the data.
    assert!(
        book.windows(16).any(|w| w == b"xl/comments1.xml"),
        "header notes"
    );

    // Either template unchanged: its example row is skipped, nothing to import, no error.
    for (name, bytes) in [("csv", template.clone().into_bytes()), ("xlsx", book)] {
        let (s, p) = upload_raw(&coordinator, &plain_url::<PreviewImport>(), bytes.clone()).await;
        assert_eq!(s, StatusCode::OK, "{name}: {p}");
        assert_eq!(
            (
                p["total"].as_u64(),
                p["error_rows"].as_u64(),
                p["columns"].as_array().map(Vec::len)
            ),
            (Some(0), Some(0), Some(duban_intake::COLUMNS.len())),
            "{name}: {p}"
        );
        assert_eq!(p["skipped_examples"], json!([2]), "{name}: {p}");
        assert_eq!(
            p["nothing_to_import"]["code"], "import.nothing_to_import",
            "{name}: {p}"
        );
        let (s, v) = upload_raw(&coordinator, &plain_url::<CommitImport>(), bytes).await;
        assert_eq!(
            (s, codes(&v)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                vec!["import.nothing_to_import".to_owned()]
            ),
            "{name}: {v}"
        );
    }
    assert_eq!(total(&coordinator).await, 0);

    // Every Open311 keyword of a category is read as that category in a list.
    let (s, services) = get_text(&coordinator, "/open311/v2/services.json").await;
    assert_eq!(s, StatusCode::OK, "{services}");
    let services: Value = serde_json::from_str(&services).expect("services");
    let mut keywords =
        String::from("序号,批次号,交办编号,交办日期,来电/来信,举报内容,行政区域,地址,污染类型\n");
    let mut want = Vec::new();
    for service in services.as_array().expect("services") {
        let code = service["service_code"].as_str().expect("code");
        for kw in service["keywords"].as_str().expect("keywords").split(',') {
            want.push((kw.to_owned(), code.to_owned()));
            keywords.push_str(&format!(
                "{n},7,K{n},2025/6/2,来电,京口区某企业环境问题，周边居民反映强烈。,京口区,某路,{kw}\n",
                n = want.len()
            ));
        }
    }
    let (s, p) = upload_raw(
        &coordinator,
        &plain_url::<PreviewImport>(),
        keywords.into_bytes(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    for (i, (kw, code)) in want.iter().enumerate() {
        let got = &p["rows"][i]["categories"][0];
        assert_eq!(
            (got["code"].as_str(), got["known"].as_bool()),
            (Some(code.as_str()), Some(true)),
            "{kw}: {got}"
        );
    }

    let good = [
        (
            "D070001",
            "京口区某化工企业夜间偷排废气，气味刺鼻，居民不敢开窗。",
            "镇江市京口区",
        ),
        (
            "D070002",
            "润州区某工地夜间施工噪声扰民，持续到凌晨两点。",
            "321111",
        ),
        (
            "D070003",
            "丹阳市某印染厂废水直排河道，河水发黑发臭。",
            "丹阳市",
        ),
    ];
    let csv = transfer_list(&good);
    let (s, v) = upload_raw(
        &handler,
        &plain_url::<PreviewImport>(),
        csv.clone().into_bytes(),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, p) = upload_raw(
        &coordinator,
        &plain_url::<PreviewImport>(),
        csv.clone().into_bytes(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(
        (
            p["total"].as_u64(),
            p["valid"].as_u64(),
            p["format"].as_str()
        ),
        (Some(3), Some(3), Some("csv")),
        "{p}"
    );
    assert_eq!(p["title"], "第7批交办信访件清单");
    assert_eq!(p["rows"][0]["proposed_lead"], "镇江市人民政府", "{p}");
    // The categories and key classes as read, to check the mapping before importing.
    assert_eq!(
        (
            &p["rows"][0]["line"],
            &p["rows"][0]["categories"],
            &p["rows"][0]["key_classes"]
        ),
        (
            &json!(3),
            &json!([{"code": "air", "label": "大气", "known": true}]),
            &json!([])
        ),
        "{p}"
    );
    assert_eq!(total(&coordinator).await, 0, "a preview saves nothing");

    // One bad row blocks the whole file, with the form's codes per line.
    let mut bad = good.to_vec();
    bad.push(("D070004", "太吵", "火星市"));
    let (s, v) = upload_raw(
        &coordinator,
        &plain_url::<CommitImport>(),
        transfer_list(&bad).into_bytes(),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let fields: Vec<String> = v["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["field"].as_str().unwrap_or(""),
                e["code"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert!(
        fields.contains(&"rows[6].content content.too_short".to_owned()),
        "{fields:?}"
    );
    assert_eq!(total(&coordinator).await, 0);

    // A city followed by no county of it is an error, not the whole city; a row with
    // an error still shows its division by name.
    let mut towns = good.to_vec();
    towns.push((
        "D070005",
        "某化工厂夜间偷排废气，气味刺鼻难闻。",
        "镇江市火星区",
    ));
    towns.push((
        "D070006",
        "某化工厂夜间偷排废气，气味刺鼻难闻。",
        "南京市江北新区",
    ));
    towns.push(("D070007", "太吵", "321102"));
    let (s, p) = upload_raw(
        &coordinator,
        &plain_url::<PreviewImport>(),
        transfer_list(&towns).into_bytes(),
    )
    .await;
    // 南京市江北新区 is a functional zone, a place of its own (issue 20).
    assert_eq!(
        (s, p["error_rows"].as_u64()),
        (StatusCode::OK, Some(2)),
        "{p}"
    );
    let row = |line: u64| {
        p["rows"]
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["line"].as_u64() == Some(line)))
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(
        row(6)["errors"][0]["code"],
        "division.county_unknown",
        "{p}"
    );
    assert_eq!(
        row(6)["errors"][0]["message"],
        "“镇江市火星区”中的“火星区”不是镇江市的区县，请核对名称或填写区划代码"
    );
    assert_eq!(
        (
            row(7)["errors"].clone(),
            row(7)["division_name"].clone(),
            row(7)["proposed_lead"].clone()
        ),
        (
            json!([]),
            json!("南京市江北新区"),
            json!("南京市江北新区管委会")
        ),
        "{p}"
    );
    assert_eq!(row(8)["division_name"], "镇江市京口区", "{p}");

    let (s, done) = upload_raw(
        &coordinator,
        &CommitImport::url(
            &(),
            &ImportQuery {
                file_name: Some("第7批.csv".into()),
                ..Default::default()
            },
        ),
        csv.clone().into_bytes(),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{done}");
    assert_eq!(done["references"].as_array().map(Vec::len), Some(3));
    assert_eq!(done["import"]["file_name"], "第7批.csv");
    assert_eq!(total(&coordinator).await, 3);
    let (_, list) = at::<ListCases>(
        &coordinator,
        &(),
        &ListQuery {
            batch: Some(7),
            ..Default::default()
        },
        None,
    )
    .await;
    assert_eq!(list["total"], 3);

    // The same batch again, even reordered: nothing new.
    let (s, v) = upload_raw(
        &coordinator,
        &plain_url::<CommitImport>(),
        csv.clone().into_bytes(),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::CONFLICT, vec!["import.duplicate".to_owned()]),
        "{v}"
    );
    let reordered = transfer_list(&[good[2], good[0], good[1]]);
    let (_, p) = upload_raw(
        &coordinator,
        &plain_url::<PreviewImport>(),
        reordered.into_bytes(),
    )
    .await;
    assert!(p["already_imported"]["id"].is_string(), "{p}");
    // A new file that repeats one imported number: that row is refused.
    let overlap = transfer_list(&[
        good[0],
        (
            "D070009",
            "扬中市某码头扬尘污染严重，周边车辆全是灰。",
            "扬中市",
        ),
    ]);
    let (s, v) = upload_raw(
        &coordinator,
        &plain_url::<CommitImport>(),
        overlap.clone().into_bytes(),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(
        codes(&v).contains(&"import.already_imported".to_owned()),
        "{v}"
    );
    assert_eq!(total(&coordinator).await, 3);

    // GBK text and a workbook read the same way.
    let text = transfer_list(&[(
        "D070010",
        "句容市某石材厂粉尘污染，周边农田一层白灰。",
        "句容市",
    )]);
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let (s, p) = upload_raw(
        &coordinator,
        &plain_url::<PreviewImport>(),
        gbk.into_owned(),
    )
    .await;
    assert_eq!((s, p["valid"].as_u64()), (StatusCode::OK, Some(1)), "{p}");
    assert!(
        p["encoding"].as_str().is_some_and(|e| e.starts_with("G")),
        "{p}"
    );
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in [
        "交办编号",
        "批次号",
        "交办日期",
        "来电/来信",
        "举报内容",
        "行政区域",
        "地址",
        "污染类型",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).expect("cell");
    }
    for (c, v) in [
        "D070011",
        "7",
        "2025-06-02",
        "来信",
        "扬中市某船厂喷漆废气直排，味道很大。",
        "扬中市",
        "三茅街道某船厂",
        "大气",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(1, c as u16, *v).expect("cell");
    }
    let xlsx = wb.save_to_buffer().expect("xlsx");
    let (s, done) = upload_raw(
        &coordinator,
        &CommitImport::url(
            &(),
            &ImportQuery {
                file_name: Some("a.xlsx".into()),
                ..Default::default()
            },
        ),
        xlsx,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{done}");
    assert_eq!(total(&coordinator).await, 4);

    // Files that are no list at all.
    let (s, v) = upload_raw(&coordinator, &plain_url::<PreviewImport>(), vec![]).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["import.empty".to_owned()]
        )
    );
    let (s, v) = upload_raw(
        &coordinator,
        &plain_url::<PreviewImport>(),
        vec![0, 159, 146, 150, 0, 1, 2],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = upload_raw(
        &coordinator,
        &plain_url::<PreviewImport>(),
        "名字,年龄\n张三,3\n".as_bytes().to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // A file over the upload limit is refused before it is read; nothing is stored.
    let (s, v) = upload_raw(
        &coordinator,
        &CommitImport::url(
            &(),
            &ImportQuery {
                file_name: Some("big.csv".into()),
                ..Default::default()
            },
        ),
        vec![b'x'; duban_api::IMPORT_MAX_BYTES + 1],
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            vec!["body.too_large".to_owned()]
        ),
        "{v}"
    );
    assert_eq!(v["errors"][0]["field"], "file");
    assert_eq!(total(&coordinator).await, 4);
}

both!(batch_import, "import test" => batch_import_on_sqlite, batch_import_on_postgres);
