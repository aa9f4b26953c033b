//! The map board and the public disclosure in the browser.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn map_board_and_disclosure_in_browser() -> Result<()> {
    in_browser("board", board_story).await
}

/// A case of batch 6 taken to closed with an outcome whose public summary names the
/// complainant and a phone number (which the disclosure must not show).
async fn closed_case(
    state: &duban_server::service::AppState,
) -> Result<duban_case::lifecycle::Case> {
    use duban_case::lifecycle::Command;
    let draft = duban_case::draft::CaseDraft {
        channel: "inspection_phone".into(),
        batch_number: Some(6),
        batch_date: today_utc8(),
        sender_ref: "D060001".into(),
        complainant_name: COMPLAINANT.into(),
        complainant_phone: PHONE.into(),
        content: CONTENT.into(),
        address: ADDRESS.into(),
        division: DIVISION.into(),
        categories: vec!["air".into()],
        ..duban_case::draft::CaseDraft::default()
    };
    let who = duban_server::service::Who::system();
    let mut case = state
        .create_case(&draft, &who)
        .await
        .map_err(|e| anyhow!("cannot register a case: {e:?}"))?;
    for cmd in [
        Command::Dispatch {
            lead_unit: LEAD_UNIT.into(),
            co_units: vec![],
            note: String::new(),
            routed_by: vec![],
            why: vec![],
        },
        Command::SignFor,
        Command::Report {
            outcome: duban_case::draft::OutcomeDraft {
                finding: "substantiated".into(),
                rectification_orders: 1,
                penalty_cases: 1,
                fines_yuan: 50_000,
                officials_summoned: 2,
                measures: format!("责令企业停产整改，已回复{COMPLAINANT}（{PHONE}）。"),
                public_summary: format!("经核查，{COMPLAINANT}反映的企业夜间排放废气问题属实。"),
                ..Default::default()
            },
        },
        Command::Approve {
            closure: "closed".into(),
        },
    ] {
        case = state
            .act(case, &cmd, &who, state.now())
            .await
            .map_err(|e| anyhow!("cannot {cmd:?}: {e:?}"))?;
    }
    Ok(case)
}

/// The map board: totals and the map from the maintained figures, a city drilled into,
/// a district's cases listed, the filter in the address; then the coordinator clears
/// the closed case for publication and a visitor without an account reads the batch's
/// table, with no personal data, and downloads it.
async fn board_story(
    c: &Client,
    addr: SocketAddr,
    base: &str,
    shots: &Path,
    state: &duban_server::service::AppState,
) -> Result<()> {
    let closed = closed_case(state).await?;
    register(state, 6, "京口区某小区生活污水直排入河，夏天臭味很重。").await?;
    register(state, 6, "京口区某工地夜间施工噪声扰民，持续一个月。").await?;
    sign_in(c, base, "coordinator", "/board").await?;

    let total = wait(c, "#kpi-total .kpi-value").await?.text().await?;
    ensure!(total == "3", "the board counts {total:?} cases, not 3");
    let rate = wait(c, "#kpi-closure .kpi-value").await?.text().await?;
    ensure!(rate == "33.3%", "the closure rate reads {rate:?}");
    let outcomes = wait(c, "#board-outcomes").await?.text().await?;
    ensure!(
        outcomes.contains("5万元") && outcomes.contains("2人"),
        "the outcome totals read {outcomes:?}"
    );
    let png = c.screenshot().await?;
    std::fs::write(shots.join("board.png"), png)?;

    // 镇江 on the map, then its districts.
    wait(c, r#"#board-map path[data-code="321100"]"#)
        .await?
        .click()
        .await?;
    wait(c, "#board-crumbs").await?;
    let url = c.current_url().await?;
    ensure!(
        url.query().is_some_and(|q| q.contains("city=321100")),
        "drilling into 镇江 left the address at {url}"
    );
    wait(c, r#"#board-map path[data-code="321102"]"#)
        .await?
        .click()
        .await?;
    wait(c, "table.data-table tbody tr").await?;
    let url = c.current_url().await?;
    ensure!(
        url.query().is_some_and(|q| q.contains("division=321102")),
        "the district did not open its case list: {url}"
    );
    let rows = c
        .find_all(Locator::Css("table.data-table tbody tr"))
        .await?
        .len();
    ensure!(rows == 3, "京口区 lists {rows} cases, not 3");

    // The filter travels in the address: ordinary cases only leaves the closed one.
    c.goto(&format!("{base}/board?key=none")).await?;
    wait(c, "#board-map path").await?;
    let mut total = String::new();
    for _ in 0..50 {
        total = wait(c, "#kpi-total .kpi-value").await?.text().await?;
        if total == "1" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    ensure!(total == "1", "key=none counts {total:?} cases, not 1");
    // A bad address says what is wrong, in the browser, as the server would.
    c.goto(&format!("{base}/board?from=2026-13-01")).await?;
    let msg = wait(c, "#board-filter-errors").await?.text().await?;
    ensure!(msg.contains("起始日期"), "a bad date reads {msg:?}");

    // The coordinator clears the closed case for publication.
    c.goto(&format!("{base}/cases/{}", closed.id())).await?;
    wait(c, r#"button[data-action="publish"]"#)
        .await?
        .click()
        .await?;
    wait(c, "#confirm-action").await?.click().await?;
    wait(c, "#case-publishable").await?;

    // A visitor without an account.
    c.delete_all_cookies().await?;
    c.goto(&format!("{base}/public")).await?;
    wait(c, r#"#public-batches a[href="/public/batches/6"]"#)
        .await?
        .click()
        .await?;
    let table = wait(c, "#public-table").await?.text().await?;
    ensure!(
        table.contains("D060001") && table.contains("镇江市京口区") && table.contains("约谈2人"),
        "the public table reads {table:?}"
    );
    let page = wait(c, "body").await?.text().await?;
    ensure!(
        !page.contains(COMPLAINANT) && !page.contains(PHONE),
        "the public page shows the complainant: {page:?}"
    );
    let totals = wait(c, "#public-totals").await?.text().await?;
    ensure!(
        totals.contains("本批次共受理3件"),
        "the batch totals read {totals:?}"
    );
    let url = c.current_url().await?;
    ensure!(
        url.path() == "/public/batches/6",
        "the visitor was sent to {url}"
    );
    let (status, csv) = http_get(addr, "/api/v1/public/batches/6/table.csv").await?;
    ensure!(
        status == 200
            && csv.contains("序号")
            && csv.contains("D060001")
            && !csv.contains(COMPLAINANT),
        "the CSV download answered {status}: {csv:?}"
    );
    let png = c.screenshot().await?;
    std::fs::write(shots.join("public.png"), png)?;
    println!(
        "map board: figures, drill-down, filters; disclosure: cleared, public, no personal data"
    );
    Ok(())
}
