//! Real transfer lists (issue 20, points 2–7), on both databases: a real-shaped list of
//! 1,449 rows with 55 rows in functional zones, traditional headers and 17 batches in
//! one file, imported whole as historical; a transfer number already imported flagged
//! in a later batch; rows corrected or excluded in the preview; channel, batch and date
//! set once for a file lacking them; an old list imported as usual fires its ladder.

use super::*;
use duban_api::audit::{AuditQuery, SearchAudit};
use duban_api::board::GetBoard;
use duban_api::cases::GetCase;
use duban_api::import::{CommitImport, ImportQuery, PreviewImport};
use duban_api::keys::CaseKey;
use duban_board::filter::BoardQuery;

/// The query string's form of a value (RFC 3986 unreserved characters kept).
/// The import's query carrying these edits.
fn with_edits(edits: &Value) -> ImportQuery {
    ImportQuery {
        edits: Some(edits.to_string()),
        ..Default::default()
    }
}

const ZONES: &[(&str, u32)] = &[
    ("南京市江北新区", 320190),
    ("苏州工业园区", 320571),
    ("苏州市工业园区", 320571),
    ("昆山开发区", 320590),
    ("徐州经济技术开发区", 320371),
    ("镇江新区", 321171),
    ("连云港经济技术开发区", 320771),
];
const COUNTIES: &[&str] = &[
    "镇江市京口区",
    "南京市玄武区",
    "昆山市",
    "徐州市鼓楼区",
    "无锡市滨湖区",
    "扬州市邗江区",
    "盐城市亭湖区",
    "苏州市吴中区",
];

/// 1,449 rows in 17 batches (a 批次 column), 55 of them in zones, with the headers of
/// a list typed in traditional script.
fn real_list() -> (String, usize) {
    let mut csv = String::from(
        "江蘇省第二輪生態環境保護督察交辦信訪件清單\n\
         序號,批次,交辦編號,交辦日期,反映渠道,舉報內容,所屬區域,地址,污染類型,是否重點\n",
    );
    let mut in_suzhou = 0;
    for i in 0..1449_usize {
        let batch = i % 17 + 1;
        let place = if i % 26 == 5 && i / 26 < 55 {
            ZONES[(i / 26) % ZONES.len()].0
        } else {
            COUNTIES[i % COUNTIES.len()]
        };
        if place.starts_with("苏州") || place.starts_with("昆山") {
            in_suzhou += 1;
        }
        csv.push_str(&format!(
            "{n},第{batch}批,R{n:05},2025/5/{day},{channel},第{n}号反映：某企业夜间排放刺鼻废气，周边居民无法开窗。,{place},某路{n}号,大气,否\n",
            n = i + 1,
            day = batch,
            channel = if i % 2 == 0 { "來電" } else { "来信" },
        ));
    }
    (csv, in_suzhou)
}

async fn real_transfer_lists(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    let state = AppState::new(store).await.expect("state");
    let app = router(state.clone(), None);
    let coordinator = Client::signed_in(
        &app,
        &state,
        "rl.coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let admin = Client::signed_in(&app, &state, "rl.admin", Role::Admin, None).await;

    // Points 2, 4, 5: the real-shaped list previews clean, per batch.
    let (csv, in_suzhou) = real_list();
    let zone_rows = csv
        .lines()
        .filter(|l| ZONES.iter().any(|(z, _)| l.contains(&format!(",{z},"))))
        .count();
    assert_eq!(zone_rows, 55);
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
            p["error_rows"].as_u64(),
            p["valid"].as_u64()
        ),
        (Some(1449), Some(0), Some(1449)),
        "{}",
        p["rows"]
            .as_array()
            .map(|r| r
                .iter()
                .filter(|r| r["errors"] != json!([]))
                .take(3)
                .cloned()
                .collect::<Vec<_>>())
            .unwrap_or_default()
            .iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
    let batches = p["batches"].as_array().expect("batches");
    assert_eq!(batches.len(), 17, "{}", p["batches"]);
    assert_eq!(batches[0]["number"], 1);
    assert_eq!(batches[16]["number"], 17);
    assert_eq!(batches[0]["rows"], 86);
    assert_eq!(
        batches
            .iter()
            .map(|b| b["valid"].as_u64().unwrap_or(0))
            .sum::<u64>(),
        1449
    );
    let row = p["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["division"] == "320571")
        .expect("a row in 苏州工业园区");
    assert_eq!(row["division_name"], "苏州工业园区");
    assert_eq!(row["proposed_lead"], "苏州工业园区管委会", "{row}");

    // Point 7: imported as historical, nothing of the ladder fires.
    let (s, v) = upload_raw(
        &coordinator,
        &CommitImport::url(
            &(),
            &ImportQuery {
                historical: Some(true),
                file_name: Some("real.csv".into()),
                ..Default::default()
            },
        ),
        csv.into_bytes(),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let ids = v["case_ids"].as_array().expect("ids").clone();
    assert_eq!(ids.len(), 1449);
    assert!(
        v["references"][1]
            .as_str()
            .is_some_and(|r| r.contains("-B02-")),
        "imported as its batches: {}",
        v["references"][1]
    );
    let report = state.sweep(state.now()).await.expect("sweep");
    assert_eq!((report.cases, report.steps), (0, 0), "no ladder at import");
    let id = ids[0].as_str().expect("id");
    let (_, case) = at::<GetCase>(&coordinator, &CaseKey::new(id), &(), None).await;
    assert!(case["historical"].is_string(), "shown on the case: {case}");

    // Point 2: the board counts zone cases in their city.
    let (s, board) = at::<GetBoard>(&coordinator, &(), &BoardQuery::default(), None).await;
    assert_eq!(s, StatusCode::OK, "{board}");
    let suzhou = board["areas"]
        .as_array()
        .expect("areas")
        .iter()
        .find(|a| a["code"] == 320500)
        .map(|a| a["figures"]["total"].clone());
    assert_eq!(suzhou, Some(json!(in_suzhou)), "{}", board["areas"]);

    // Point 6: the same transfer number in a later batch is a duplicate row.
    let later = "序号,批次号,交办编号,交办日期,来电/来信,举报内容,行政区域,地址,污染类型\n\
         1,18,R00001,2025/6/1,来电,某企业夜间排放刺鼻废气，周边居民无法开窗。,镇江市京口区,某路1号,大气\n\
         2,18,N00002,2025/6/1,来电,某工地夜间施工噪声扰民，持续到凌晨。,火星市,某路2号,噪声\n\
         3,18,N00003,2025/13/45,来电,某餐馆油烟直排，邻居无法开窗通风。,镇江市京口区,某路3号,大气\n\
         4,18,N00004,2025/6/1,来电,某企业废水直排河道，河水发黑发臭。,昆山市开发区,某路4号,水\n";
    let (s, p) = upload_raw(
        &coordinator,
        &plain_url::<PreviewImport>(),
        later.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    let row_codes = |p: &Value, i: usize| -> Vec<String> {
        p["rows"][i]["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["code"].as_str().unwrap_or("").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(row_codes(&p, 0), ["import.sender_ref.imported"]);
    assert_eq!(row_codes(&p, 1), ["division.unknown"]);
    assert_eq!(row_codes(&p, 2), ["batch.date.invalid"]);
    assert!(row_codes(&p, 3).is_empty());
    let before = total(&coordinator).await;
    let (s, v) = upload_raw(
        &coordinator,
        &plain_url::<CommitImport>(),
        later.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(
        codes(&v).contains(&"import.sender_ref.imported".to_owned()),
        "{v}"
    );
    assert_eq!(total(&coordinator).await, before, "never silently doubled");

    // Point 3: fix the place and the date in the preview, exclude the duplicate with a
    // reason, import the rest.
    let edits = json!({
        "rows": {"3": {"division": "320571"}, "4": {"batch_date": "2025-06-01"}},
        "exclude": {"2": "交办编号与第1批重复，已核实为同一件"}
    });
    let (s, p) = upload_raw(
        &coordinator,
        &PreviewImport::url(&(), &with_edits(&edits)),
        later.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(
        (
            p["error_rows"].as_u64(),
            p["excluded"].as_u64(),
            p["valid"].as_u64()
        ),
        (Some(0), Some(1), Some(3)),
        "{p}"
    );
    assert_eq!(
        p["rows"][0]["excluded"],
        "交办编号与第1批重复，已核实为同一件"
    );
    assert_eq!(p["rows"][1]["division"], "320571");
    let (s, v) = upload_raw(
        &coordinator,
        &CommitImport::url(
            &(),
            &ImportQuery {
                file_name: Some("b18.csv".into()),
                ..with_edits(&edits)
            },
        ),
        later.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["case_ids"].as_array().map(Vec::len), Some(3));
    assert_eq!(total(&coordinator).await, before + 3);
    let (s, trail) = at::<SearchAudit>(
        &admin,
        &(),
        &AuditQuery {
            action: Some("import.commit".into()),
            limit: Some(1),
            ..Default::default()
        },
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{trail}");
    let detail = &trail["items"][0]["detail"];
    assert_eq!(detail["excluded"][0]["line"], 2, "{trail}");
    assert_eq!(
        detail["excluded"][0]["reason"],
        "交办编号与第1批重复，已核实为同一件"
    );
    assert_eq!(detail["historical"], false);
    // An exclusion without a reason, or malformed edits, are refused with a code.
    let (s, v) = upload_raw(
        &coordinator,
        &PreviewImport::url(&(), &with_edits(&json!({"exclude": {"2": " "}}))),
        later.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["import.exclude.reason_required".to_owned()]
        )
    );
    let (s, v) = upload_raw(
        &coordinator,
        &PreviewImport::url(
            &(),
            &ImportQuery {
                edits: Some("{nope".into()),
                ..Default::default()
            },
        ),
        later.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["import.edits.invalid".to_owned()]
        )
    );

    // Point 4: a list without channel, batch and date columns, set once for the file.
    let bare = "序号,交办编号,举报内容,所在地区,地址,污染类型\n\
         1,W00001,某企业夜间排放刺鼻废气，周边居民无法开窗。,南京市江北新区,某路1号,大气\n\
         2,W00002,某工地夜间施工噪声扰民，持续到凌晨。,镇江市京口区,某路2号,噪声\n";
    let (s, v) = upload_raw(
        &coordinator,
        &plain_url::<PreviewImport>(),
        bare.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["import.column_missing".to_owned()]
        )
    );
    let whole = json!({"channel": "来信", "batch_number": 19, "batch_date": "2025-06-03"});
    let (s, v) = upload_raw(
        &coordinator,
        &CommitImport::url(&(), &with_edits(&whole)),
        bare.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert!(
        v["references"][0]
            .as_str()
            .is_some_and(|r| r.contains("-B19-")),
        "{v}"
    );

    // Point 7, the other choice: an old list imported as usual fires its ladder.
    let old = transfer_list(&[
        (
            "U001",
            "某企业夜间排放刺鼻废气，周边居民无法开窗。",
            "镇江市京口区",
        ),
        (
            "U002",
            "某工地夜间施工噪声扰民，持续到凌晨。",
            "苏州工业园区",
        ),
    ]);
    let (s, v) = upload_raw(&coordinator, &plain_url::<CommitImport>(), old.into_bytes()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let report = state.sweep(state.now()).await.expect("sweep");
    assert!(report.cases >= 2 && report.steps > 0, "{report:?}");
}

both!(real_transfer_lists, "real transfer lists" => real_transfer_lists_on_sqlite, real_transfer_lists_on_postgres);
