//! The demo as a new user meets it (issue 27, point 3): the server loads the demo set
//! (`duban_server::seed::load_demo`, then the first sweep, as `duban serve --demo` does),
//! and each demo role visits every page of the app, by the navigation where it has a
//! link; every page must show real content, not an empty table. Screenshots of each
//! page are kept as `demo-<page>.png`.
//!
//! Run: `cargo test -p duban-tests --test browser -- demo`

use std::time::Instant;

use anyhow::bail;

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_shows_every_page() -> Result<()> {
    in_browser("demo", demo_story).await
}

/// Names the demo's outcomes give complainants; the public pages must not show them.
const DEMO_NAMES: [&str; 6] = ["张先生", "李女士", "王先生", "刘女士", "陈先生", "周女士"];

async fn demo_story(
    c: &Client,
    addr: SocketAddr,
    base: &str,
    shots: &Path,
    state: &duban_server::service::AppState,
) -> Result<()> {
    use duban_server::auth::Role;
    // The demo's handler and leader with the test password (the harness made the
    // coordinator, administrator and supervisor; the demo keeps existing accounts).
    for (username, name, role, unit) in [
        ("handler", "镇江市承办人", Role::Handler, Some(LEAD_UNIT)),
        ("leader", "领导", Role::Leader, Some("prov-coord")),
    ] {
        state
            .create_user(
                username,
                name,
                role,
                unit,
                PASSWORD,
                &duban_server::service::Who::system(),
                "browser test",
            )
            .await
            .map_err(|e| anyhow!("cannot create {username}: {e:?}"))?;
    }
    let made = duban_server::seed::load_demo(state).await?;
    ensure!(made >= 70, "the demo made {made} cases");
    state.sweep(state.now()).await?;
    let shot = |name: &'static str| async move {
        let png = c.screenshot().await?;
        std::fs::write(shots.join(format!("demo-{name}.png")), png)?;
        anyhow::Ok(())
    };

    visitor(c, base).await?;
    shot("public").await?;
    coordinator(c, addr, base, &shot).await?;
    administrator(c, base, &shot).await?;
    handler(c, base).await?;
    shot("handler-case").await?;
    supervisor(c, base).await?;
    shot("supervisor-case").await?;
    leader(c, base).await?;
    shot("leader-board").await?;
    println!("demo: every page of every demo role shows the demo's content");
    Ok(())
}

/// Wait (bounded) until at least `n` elements match, and answer how many do.
async fn at_least(c: &Client, css: &str, n: usize) -> Result<usize> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let found = c.find_all(Locator::Css(css)).await?.len();
        if found >= n {
            return Ok(found);
        }
        if Instant::now() > deadline {
            bail!("`{css}` matches {found} elements, not at least {n}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn text(c: &Client, css: &str) -> Result<String> {
    Ok(wait(c, css).await?.text().await?)
}

/// Choose a page from a menu of the navigation, as a user does.
async fn nav(c: &Client, menu: &str, link: &str) -> Result<()> {
    wait(c, &format!("details#{menu} > summary"))
        .await?
        .click()
        .await?;
    until(
        c,
        "the menu to open",
        &format!("return document.getElementById('{menu}').open;"),
    )
    .await?;
    wait(c, &format!("#{link}")).await?.click().await?;
    Ok(())
}

/// A visitor without an account reads the published batch: outcomes of every kind,
/// no complainant.
async fn visitor(c: &Client, base: &str) -> Result<()> {
    c.delete_all_cookies().await?;
    c.goto(&format!("{base}/public")).await?;
    wait(c, r#"#public-batches a[href="/public/batches/1"]"#)
        .await?
        .click()
        .await?;
    let rows = at_least(c, "#public-table tbody tr", 24).await?;
    let table = text(c, "#public-table").await?;
    for shown in [
        "D010001",
        "责令整改",
        "立案处罚",
        "罚款",
        "立案侦查",
        "约谈",
        "问责",
        "不属实",
    ] {
        ensure!(
            table.contains(shown),
            "the public table lacks {shown}: {table}"
        );
    }
    let page = text(c, "body").await?;
    if let Some(name) = DEMO_NAMES.iter().find(|n| page.contains(*n)) {
        bail!("the public page shows the complainant {name}");
    }
    let totals = text(c, "#public-totals").await?;
    ensure!(
        totals.contains("本批次共受理24件"),
        "the batch totals read {totals:?}"
    );
    println!("public: batch 1, {rows} rows with every kind of outcome");
    Ok(())
}

/// The coordinator's pages: the list, the form, the import, the inbox, the four
/// mechanisms, the board, the calendar, the outbox, a published case with its return
/// visit, a case with repeat candidates, the routing rules.
async fn coordinator<F: std::future::Future<Output = Result<()>>>(
    c: &Client,
    addr: SocketAddr,
    base: &str,
    shot: &impl Fn(&'static str) -> F,
) -> Result<()> {
    sign_in(c, base, "coordinator", "/").await?;
    let listed = at_least(c, "#case-table tbody tr", 20).await?;
    shot("cases").await?;

    nav(c, "nav-group-cases", "nav-new-case").await?;
    at_least(c, "form#case-form select[name=division] option", 90).await?;
    shot("new-case").await?;
    nav(c, "nav-group-cases", "nav-import").await?;
    wait(c, "#import-template-xlsx").await?;
    wait(c, "#import-file").await?;
    shot("import").await?;

    wait(c, "#nav-inbox").await?.click().await?;
    at_least(c, "#inbox tr.inbox-item", 10).await?;
    for action in ["dispatch", "review", "return_visit", "decide_extension"] {
        at_least(
            c,
            &format!(r#"#inbox tr.inbox-item[data-action="{action}"]"#),
            1,
        )
        .await
        .with_context(|| format!("the coordinator's inbox has nothing to {action}"))?;
    }
    shot("inbox").await?;

    nav(c, "nav-group-mechanisms", "nav-clearing").await?;
    at_least(c, "#clearing-table tr.clearing-row", 3).await?;
    shot("clearing").await?;
    nav(c, "nav-group-mechanisms", "nav-referrals").await?;
    at_least(c, r#"article.referral[data-status="acknowledged"]"#, 1).await?;
    shot("referrals").await?;
    nav(c, "nav-group-mechanisms", "nav-incidents").await?;
    wait(
        c,
        r#"#incidents tr.incident-row[data-status="active"] a.incident-link"#,
    )
    .await?
    .click()
    .await?;
    at_least(c, r#"#linkage tr.linkage-row[data-acknowledged="true"]"#, 1).await?;
    at_least(
        c,
        r#"#linkage tr.linkage-row[data-acknowledged="false"]"#,
        1,
    )
    .await?;
    wait(c, r#"#incident-timeline li[data-type="reported"]"#)
        .await
        .context("the incident has no situation report")?;
    shot("incident").await?;

    nav(c, "nav-group-board", "nav-board").await?;
    outcome_figures(c).await?;
    at_least(c, "#board-map path", 13).await?;
    shot("board").await?;
    nav(c, "nav-group-board", "nav-calendar").await?;
    at_least(c, "span.day-holiday[data-date]", 10).await?;
    shot("calendar").await?;
    c.goto(&format!("{base}/outbox")).await?;
    // Nothing a new user sent offline waits: the page says so.
    wait(c, "#outbox-empty").await?;

    // A case of the published batch: concluded, visited, cleared for the public.
    let list = all_cases(addr, c).await?;
    let first = list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|i| i["sender_ref"] == "D010001")
        .context("no case D010001")?;
    c.goto(&format!(
        "{base}/cases/{}",
        first["id"].as_str().unwrap_or("")
    ))
    .await?;
    wait(c, "#case-publishable").await?;
    for step in ["reported", "approved", "return_visited", "published"] {
        wait(c, &format!(r#"#timeline li[data-type="{step}"]"#))
            .await
            .with_context(|| format!("the case's timeline lacks {step}"))?;
    }
    shot("case").await?;
    repeats(c, addr, base).await?;
    shot("repeats").await?;

    nav(c, "nav-admin", "nav-admin-routing").await?;
    at_least(c, r#"tr.rule-row[data-kind="supervise"]"#, 1).await?;
    println!("coordinator: {listed} cases listed; inbox, mechanisms, board, calendar, case pages");
    Ok(())
}

/// The board's outcome table: 责令整改, 立案处罚, 罚款, 立案侦查, 约谈 and 问责 are
/// not zero.
async fn outcome_figures(c: &Client) -> Result<()> {
    let table = wait(c, "#board-outcomes").await?;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let mut zero = Vec::new();
        for row in table.find_all(Locator::Css("tr")).await? {
            let line = row.text().await?;
            let counted = ["责令整改", "立案处罚", "罚款", "立案侦查", "约谈", "问责"]
                .iter()
                .any(|k| line.starts_with(k));
            let value = line.split_whitespace().last().unwrap_or("");
            if counted && (value.starts_with('0') || value.is_empty()) {
                zero.push(line);
            }
        }
        if zero.is_empty() {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("the board's outcomes read zero: {zero:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The browser's session as a request header line.
async fn session(c: &Client) -> Result<String> {
    let session = c
        .get_named_cookie("duban_session")
        .await
        .context("no session cookie")?;
    Ok(format!("Cookie: duban_session={}\r\n", session.value()))
}

/// Every case the signed-in user may see (the demo has fewer than 200).
async fn all_cases(addr: SocketAddr, c: &Client) -> Result<Value> {
    let (status, body) = http_get_with(addr, "/api/v1/cases?limit=200", &session(c).await?).await?;
    ensure!(status == 200, "GET /api/v1/cases: {status} {body}");
    Ok(serde_json::from_str(&body)?)
}

/// A case whose repeat candidates the server found (重信重访), as its page lists them.
async fn repeats(c: &Client, addr: SocketAddr, base: &str) -> Result<()> {
    let header = session(c).await?;
    let list = all_cases(addr, c).await?;
    for item in list["items"].as_array().into_iter().flatten() {
        let id = item["id"].as_str().unwrap_or("");
        let (status, body) =
            http_get_with(addr, &format!("/api/v1/cases/{id}/repeats"), &header).await?;
        let found: Value = serde_json::from_str(&body).unwrap_or_default();
        if status == 200 && found.as_array().is_some_and(|a| !a.is_empty()) {
            c.goto(&format!("{base}/cases/{id}")).await?;
            at_least(c, "#repeat-candidates tr.repeat-row", 1).await?;
            return Ok(());
        }
    }
    bail!("no demo case has repeat candidates")
}

/// The administrator's pages: accounts, units, plans, rule sets, the audit trail and
/// the connected systems the demo made.
async fn administrator<F: std::future::Future<Output = Result<()>>>(
    c: &Client,
    base: &str,
    shot: &impl Fn(&'static str) -> F,
) -> Result<()> {
    sign_in(c, base, "admin", "/").await?;
    nav(c, "nav-admin", "nav-admin-users").await?;
    at_least(c, "#user-table tr.user-row", 8).await?;
    nav(c, "nav-admin", "nav-admin-units").await?;
    at_least(c, "#unit-table tr.unit-row", 100).await?;
    nav(c, "nav-admin", "nav-admin-plans").await?;
    at_least(c, "tr.plan-row", 1).await?;
    nav(c, "nav-admin", "nav-admin-sla").await?;
    at_least(c, "tr.stage-rule", 3).await?;
    nav(c, "nav-admin", "nav-admin-audit").await?;
    at_least(c, "tr.audit-row", 20).await?;
    shot("audit").await?;
    nav(c, "nav-admin", "nav-admin-api-clients").await?;
    at_least(c, "#api-client-table tr.api-client-row", 2).await?;
    let clients = text(c, "#api-client-table").await?;
    ensure!(
        clients.contains("12345") && clients.contains("Open311"),
        "the connected systems read {clients:?}"
    );
    shot("api-clients").await?;
    println!("administrator: users, units, plans, rule sets, audit, connected systems");
    Ok(())
}

/// 镇江's handler: work waiting in the inbox, a case in hand opened from it.
async fn handler(c: &Client, base: &str) -> Result<()> {
    sign_in(c, base, "handler", "/inbox").await?;
    wait(
        c,
        r#"#inbox tr.inbox-item[data-action="report"] a.inbox-link"#,
    )
    .await?
    .click()
    .await?;
    wait(c, "#timeline li").await?;
    wait(c, "#actions button").await?;
    c.goto(&format!("{base}/cases")).await?;
    let listed = at_least(c, "#case-table tbody tr", 3).await?;
    println!("handler: inbox, a case in hand, {listed} cases of 镇江");
    Ok(())
}

/// The supervisor: an answered order to close and a report to review, from the inbox.
async fn supervisor(c: &Client, base: &str) -> Result<()> {
    sign_in(c, base, "supervisor", "/inbox").await?;
    at_least(c, r#"#inbox tr.inbox-item[data-action="review_report"]"#, 1).await?;
    wait(
        c,
        r#"#inbox tr.inbox-item[data-action="close_order"] a.inbox-link"#,
    )
    .await?
    .click()
    .await?;
    wait(c, r#"#orders tr.order[data-status="answered"]"#).await?;
    println!("supervisor: an answered order to close, a report to review");
    Ok(())
}

/// The leader: the board's figures and the overdue cases escalated to summon.
async fn leader(c: &Client, base: &str) -> Result<()> {
    sign_in(c, base, "leader", "/inbox").await?;
    at_least(c, r#"#inbox tr.inbox-item[data-action="summon"]"#, 1).await?;
    nav(c, "nav-group-board", "nav-board").await?;
    outcome_figures(c).await?;
    println!("leader: cases to summon for, the board's outcomes");
    Ok(())
}
