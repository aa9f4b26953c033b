//! The map board and the public disclosure.

use super::*;
use duban_api::board::GetBoard;
use duban_api::cases::{ActOnCase, CreateCase};
use duban_api::keys::{BatchKey, CaseKey};
use duban_api::public::{GetPublicBatch, PublicBatches, PublicTableCsv, PublicTableXlsx};
use duban_board::filter::BoardQuery;

/// The map board: figures kept with every write agree with a recount, every filter
/// (batch, city, day ranges across whole months and edge days, category, key class)
/// selects what it says, bad filters get their codes; the public disclosure shows
/// only cleared cases, without personal data.
async fn map_board(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    let state = AppState::new(store.clone()).await.expect("state");
    let app = router(state.clone(), None);
    let coordinator = Client::signed_in(
        &app,
        &state,
        "b.coord",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let handler =
        Client::signed_in(&app, &state, "b.handler", Role::Handler, Some("gov-3211")).await;
    let create = |patch: Value| {
        let mut body = valid_case();
        for (k, v) in patch.as_object().expect("object") {
            body[k] = v.clone();
        }
        let c = coordinator.clone();
        async move {
            let (s, v) = at::<CreateCase>(&c, &(), &(), Some(body)).await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
            v["id"].as_str().expect("id").to_owned()
        }
    };
    // 南京 玄武区, batch 3, a key case of water.
    let a = create(
        json!({"division": "320102", "address": "南京市玄武区某路", "lat": 32.05, "lon": 118.8,
        "categories": ["water"], "key_classes": ["inspection_key"], "sender_ref": "D030001"}),
    )
    .await;
    // 镇江 京口区, batch 3, air and noise; closed below.
    let b = create(json!({"categories": ["air", "noise"], "sender_ref": "D030002"})).await;
    // 镇江 京口区, no batch, a month and a half later.
    let _c = create(
        json!({"channel": "hotline_12345", "batch_number": null, "batch_date": "",
        "sender_ref": "", "received_at": "2025-07-15T02:00:00Z"}),
    )
    .await;
    let act = |id: &str, body: Value| {
        let case = CaseKey::new(id);
        let c = coordinator.clone();
        async move { at::<ActOnCase>(&c, &case, &(), Some(body)).await }
    };
    for body in [
        json!({"action": "dispatch", "lead_unit": "gov-3211"}),
        json!({"action": "sign_for"}),
        json!({"action": "report", "outcome": {"finding": "substantiated", "rectification_orders": 2,
            "penalty_cases": 1, "fines_yuan": 120000, "criminal_cases": 1, "officials_summoned": 3,
            "officials_accountable": 1, "measures": "责令停产整改，张先生已知悉，电话13912345678。",
            "public_summary": "经核查，张先生反映的夜间偷排废气问题属实。"}}),
        json!({"action": "approve", "closure": "closed"}),
    ] {
        let (s, v) = act(&b, body).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }

    let board = |q: BoardQuery| {
        let c = coordinator.clone();
        async move {
            let (s, v) = at::<GetBoard>(&c, &(), &q, None).await;
            assert_eq!(s, StatusCode::OK, "{q:?}: {v}");
            v
        }
    };
    let area = |v: &Value, code: u64| -> i64 {
        v["areas"]
            .as_array()
            .expect("areas")
            .iter()
            .find(|a| a["code"] == code)
            .map_or(-1, |a| a["figures"]["total"].as_i64().expect("total"))
    };
    let all = board(BoardQuery::default()).await;
    assert_eq!(all["totals"]["total"], 3, "{all}");
    assert_eq!(all["totals"]["concluded"], 1);
    assert_eq!(all["totals"]["key_cases"], 1);
    assert_eq!(all["totals"]["on_time"], 1);
    assert_eq!(all["outcomes"]["fines_yuan"], 120000);
    assert_eq!(all["outcomes"]["officials_summoned"], 3);
    assert_eq!(all["outcomes"]["criminal_cases"], 1);
    assert_eq!(
        (area(&all, 320100), area(&all, 321100), area(&all, 320200)),
        (1, 2, 0)
    );
    assert_eq!(all["areas"].as_array().map(Vec::len), Some(13));
    let cat = |v: &Value, c: &str| {
        v["categories"]
            .as_array()
            .expect("categories")
            .iter()
            .find(|x| x["category"] == c)
            .map_or(0, |x| x["total"].as_i64().expect("n"))
    };
    assert_eq!(
        (cat(&all, "air"), cat(&all, "water"), cat(&all, "noise")),
        (2, 1, 1)
    );
    assert_eq!(
        all["batches"],
        json!([{"key": "0", "total": 1, "concluded": 0}, {"key": "3", "total": 2, "concluded": 1}])
    );
    assert_eq!(all["days"][0]["key"], "2025-06-03");
    assert_eq!(all["days"][1]["key"], "2025-07-15");
    let unit = all["units"].as_array().expect("units");
    assert_eq!(unit.len(), 1, "{all}");
    assert_eq!(unit[0]["unit_id"], "gov-3211");
    assert_eq!(unit[0]["figures"]["concluded"], 1);

    let city = board(BoardQuery {
        city: "321100".into(),
        ..Default::default()
    })
    .await;
    assert_eq!(city["totals"]["total"], 2);
    assert_eq!(area(&city, 321102), 2);
    assert_eq!(
        area(&city, 320102),
        -1,
        "another city's district is on the city's map"
    );
    let batch = board(BoardQuery {
        batch: "3".into(),
        ..Default::default()
    })
    .await;
    assert_eq!(batch["totals"]["total"], 2);
    assert_eq!((area(&batch, 320100), area(&batch, 321100)), (1, 1));
    assert_eq!(
        board(BoardQuery {
            batch: "3".into(),
            city: "321100".into(),
            ..Default::default()
        })
        .await["totals"]["total"],
        1
    );
    // Day ranges: inside one day; across a month edge (edge days only); whole months
    // with edges around them; whole months after an edge.
    for (q, n) in [
        (
            BoardQuery {
                from: "2025-06-03".into(),
                to: "2025-06-03".into(),
                ..Default::default()
            },
            2,
        ),
        (
            BoardQuery {
                from: "2025-06-02".into(),
                to: "2025-07-15".into(),
                ..Default::default()
            },
            3,
        ),
        (
            BoardQuery {
                from: "2025-05-20".into(),
                to: "2025-08-10".into(),
                ..Default::default()
            },
            3,
        ),
        (
            BoardQuery {
                from: "2025-06-04".into(),
                to: "2025-08-31".into(),
                ..Default::default()
            },
            1,
        ),
        (
            BoardQuery {
                from: "2025-07-16".into(),
                ..Default::default()
            },
            0,
        ),
    ] {
        let v = board(q.clone()).await;
        assert_eq!(v["totals"]["total"], n, "{q:?}");
        let mapped: i64 = v["areas"]
            .as_array()
            .expect("areas")
            .iter()
            .map(|a| a["figures"]["total"].as_i64().expect("n"))
            .sum();
        assert_eq!(mapped, n, "{q:?}: the map disagrees with the totals");
    }
    assert_eq!(
        board(BoardQuery {
            key: "any".into(),
            ..Default::default()
        })
        .await["totals"]["total"],
        1
    );
    assert_eq!(
        board(BoardQuery {
            key: "none".into(),
            ..Default::default()
        })
        .await["totals"]["total"],
        2
    );
    assert_eq!(
        board(BoardQuery {
            key: "inspection_key".into(),
            category: "water".into(),
            ..Default::default()
        })
        .await["totals"]["total"],
        1
    );
    assert_eq!(
        board(BoardQuery {
            key: "repeated".into(),
            ..Default::default()
        })
        .await["totals"]["total"],
        0
    );
    assert_eq!(
        board(BoardQuery {
            category: "air".into(),
            ..Default::default()
        })
        .await["totals"]["total"],
        2
    );
    assert_eq!(
        board(BoardQuery {
            category: "air".into(),
            city: "320100".into(),
            ..Default::default()
        })
        .await["totals"]["total"],
        0
    );

    // Bad filters: every one named, with its code; no session: 401.
    let (s, v) = at::<GetBoard>(
        &coordinator,
        &(),
        &BoardQuery {
            from: "2025-13-01".into(),
            city: "320102".into(),
            key: "vip".into(),
            ..Default::default()
        },
        None,
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![
                "board.from.invalid".to_owned(),
                "board.key.unknown".to_owned(),
                "board.city.unknown".to_owned()
            ]
        )
    );
    let (s, v) = at::<GetBoard>(
        &coordinator,
        &(),
        &BoardQuery {
            from: "2025-07-02".into(),
            to: "2025-07-01".into(),
            ..Default::default()
        },
        None,
    )
    .await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["board.range.reversed".to_owned()]
        )
    );
    // raw on purpose: a parameter the board does not know
    let (s, _) = call(&coordinator, "GET", "/api/v1/board?nonsense=1", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = at::<GetBoard>(&Client::anonymous(&app), &(), &BoardQuery::default(), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, v) = at::<GetBoard>(&handler, &(), &BoardQuery::default(), None).await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "a unit's handler gets the province's figures: {v}"
    );
    // Polling: an unchanged board answers 304.
    let (s, headers, _) = exchange(
        &coordinator.app,
        coordinator.session.as_ref(),
        GetBoard::METHOD.as_str(),
        &GetBoard::url(&(), &BoardQuery::default()),
        &[],
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let etag = headers
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .expect("etag")
        .to_owned();
    let (s, _, _) = exchange(
        &coordinator.app,
        coordinator.session.as_ref(),
        GetBoard::METHOD.as_str(),
        &GetBoard::url(&(), &BoardQuery::default()),
        &[("if-none-match", &etag)],
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_MODIFIED);

    // The figures kept with every write are what a recount from the cases gives.
    let strip = |mut v: Value| {
        v["as_of"] = Value::Null;
        v
    };
    let filters = [
        BoardQuery::default(),
        BoardQuery {
            city: "321100".into(),
            ..Default::default()
        },
        BoardQuery {
            batch: "3".into(),
            ..Default::default()
        },
        BoardQuery {
            from: "2025-05-20".into(),
            to: "2025-08-10".into(),
            ..Default::default()
        },
    ];
    let kept: Vec<Value> = {
        let mut out = Vec::new();
        for q in filters.clone() {
            out.push(strip(board(q).await));
        }
        out
    };
    assert_eq!(store.rebuild_board(true).await.expect("rebuild"), Some(3));
    for (q, before) in filters.into_iter().zip(&kept) {
        assert_eq!(
            &strip(board(q.clone()).await),
            before,
            "{q:?}: kept figures differ from a recount"
        );
    }
    assert_eq!(
        store.rebuild_board(false).await.expect("rebuild"),
        None,
        "an up-to-date board is recounted"
    );

    // Publication: coordinators only, concluded cases only, a reason to withdraw.
    let (s, v) = at::<ActOnCase>(
        &handler,
        &CaseKey::new(&*b),
        &(),
        Some(json!({"action": "publish"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = act(&a, json!({"action": "publish"})).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["transition.not_allowed".to_owned()]
        ),
        "{v}"
    );
    let anon = Client::anonymous(&app);
    let (s, v) = at::<PublicBatches>(&anon, &(), &(), None).await;
    assert_eq!((s, v), (StatusCode::OK, json!([])));
    let (s, v) = act(&b, json!({"action": "publish"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, v) = at::<PublicBatches>(&anon, &(), &(), None).await;
    assert_eq!(v, json!([{"batch": 3, "published": 1, "total": 2}]));
    let (s, v) = at::<GetPublicBatch>(&anon, &BatchKey { batch: 3 }, &(), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["total"], 2);
    assert_eq!(v["outcomes"]["penalty_cases"], 1);
    assert_eq!(v["rows"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["rows"][0]["reference"], "D030002");
    assert_eq!(v["rows"][0]["division"], "镇江市京口区");
    let text = v.to_string();
    assert!(
        !text.contains("张先生") && !text.contains("13912345678") && !text.contains("345678"),
        "{text}"
    );
    assert!(text.contains("罚款12万元"), "{text}");
    let (s, csv) = get_text(&anon, &PublicTableCsv::url(&BatchKey { batch: 3 }, &())).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        csv.starts_with(
            "\u{feff}序号,交办编号,行政区域,污染类型,调查核实情况,处理和整改情况,问责情况"
        ),
        "{csv}"
    );
    assert!(
        csv.contains("约谈3人，问责1人") && !csv.contains("张先生"),
        "{csv}"
    );
    let (s, xlsx) = get_bytes(&anon, &PublicTableXlsx::url(&BatchKey { batch: 3 }, &())).await;
    assert_eq!(s, StatusCode::OK);
    assert!(xlsx.starts_with(b"PK"));
    let (s, v) = at::<GetPublicBatch>(&anon, &BatchKey { batch: 4 }, &(), None).await;
    assert_eq!(
        (s, codes(&v)),
        (
            StatusCode::NOT_FOUND,
            vec!["public.batch_not_found".to_owned()]
        )
    );
    let (s, v) = act(&b, json!({"action": "unpublish"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = act(
        &b,
        json!({"action": "unpublish", "reason": "发现摘要需修改"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, _) = at::<GetPublicBatch>(&anon, &BatchKey { batch: 3 }, &(), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "a withdrawn case is still public");
    // Cleared again, then reopened: the new outcome must be cleared anew.
    act(&b, json!({"action": "publish"})).await;
    let (s, v) = act(&b, json!({"action": "reopen", "reason": "群众再次反映"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, _) = at::<GetPublicBatch>(&anon, &BatchKey { batch: 3 }, &(), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "a reopened case stays public");
    assert_eq!(
        board(BoardQuery::default()).await["totals"]["concluded"],
        0,
        "the reopened case still counts as concluded"
    );
}

both!(map_board, "map board" => map_board_on_sqlite, map_board_on_postgres);
