//! The browser test: the real server (in-process, fresh SQLite database) serving the built
//! web app (`dist/`), driven in headless Chromium through chromedriver with fantoccini.
//!
//! The story: an invalid case is refused in the browser (validation compiled to WASM),
//! fixed and registered, found again in the list, dispatched to a unit; the API then holds
//! exactly that one case, dispatched. A screenshot of the detail page is written to
//! `target/browser-test/detail.png` (on failure: `failure.png`).
//!
//! Needs `dist/index.html` (`cargo xtask build-web --release`; or `DUBAN_DIST`),
//! chromedriver and Chromium (`cargo xtask setup`; or `CHROMEDRIVER` / `CHROME_BIN`).
//! Without them the test prints a notice and passes, except under `CI`, where it fails.
//!
//! Run: `cargo test -p duban-tests --test workspace browser -- --nocapture`

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow, bail, ensure};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How long to wait for any one element (the WASM app renders after load).
const WAIT: Duration = Duration::from_secs(20);
const DIVISION: &str = "321102";
const LEAD_UNIT: &str = "gov-3211";
const SENDER_REF: &str = "D030001";
const SHORT_CONTENT: &str = "太短";
const CONTENT: &str = "镇江市京口区某化工企业夜间偷排废气，气味刺鼻。";
const ADDRESS: &str = "镇江市京口区象山街道";
const COMPLAINANT: &str = "欧阳明远";
const PHONE: &str = "13955501234";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_story() -> Result<()> {
    in_browser("story", story).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_dispatch_in_browser() -> Result<()> {
    in_browser("dispatch", dispatch_story).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_import_in_browser() -> Result<()> {
    in_browser("import", import_story).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_up_supervision_in_browser() -> Result<()> {
    in_browser("supervision", supervision_story).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn horizontal_referral_in_browser() -> Result<()> {
    in_browser("referral", referral_story).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emergency_linkage_in_browser() -> Result<()> {
    in_browser("emergency", emergency_story).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn map_board_and_disclosure_in_browser() -> Result<()> {
    in_browser("board", board_story).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_forms_in_browser() -> Result<()> {
    in_browser("offline", offline_story).await
}

// Forms and pages (issue 20): numeric fields, navigation, notices, attachments. The
// path is spelt out: the benches include this file from another folder.
#[path = "browser/forms.rs"]
mod forms;
// Fixing rows of a transfer list in the preview (issue 20, point 3).
#[path = "browser/import_fix.rs"]
mod import_fix;

/// One browser test at a time: two Chromiums on two cores only slow each other down.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Run a story against the real server (fresh SQLite database, accounts `coordinator`
/// and `admin`) in headless Chromium; on failure keep a screenshot `<name>-failure.png`.
async fn in_browser(
    name: &str,
    story: impl AsyncFnOnce(
        &Client,
        SocketAddr,
        &str,
        &Path,
        &duban_server::service::AppState,
    ) -> Result<()>,
) -> Result<()> {
    let Some(env) = Env::find()? else {
        return Ok(());
    };
    let _turn = ONE_AT_A_TIME.lock().await;
    let started = Instant::now();
    let tmp = TempDir::new()?;

    // The real server on a free port, with a fresh database.
    let url = format!("sqlite://{}/duban.db", tmp.path().display());
    let store = duban_server::store::SqliteStore::open(&url).await?;
    let state = duban_server::service::AppState::new(Arc::new(store)).await?;
    for (username, display, role, unit) in [
        (
            "coordinator",
            "分办员",
            duban_server::auth::Role::Coordinator,
            Some("prov-coord"),
        ),
        ("admin", "管理员", duban_server::auth::Role::Admin, None),
        (
            "supervisor",
            "督办专员",
            duban_server::auth::Role::Supervisor,
            Some("prov-coord"),
        ),
        (
            "zhenjiang",
            "镇江市承办人",
            duban_server::auth::Role::Handler,
            Some("gov-3211"),
        ),
        (
            "housing",
            "住建厅承办人",
            duban_server::auth::Role::Handler,
            Some("dept-zjt"),
        ),
        (
            "env",
            "生态环境厅值班员",
            duban_server::auth::Role::Handler,
            Some("dept-sthjt"),
        ),
    ] {
        state
            .create_user(
                username,
                display,
                role,
                unit,
                PASSWORD,
                &duban_server::service::Who::system(),
                "browser test",
            )
            .await
            .map_err(|e| anyhow::anyhow!("cannot create the test user {username}: {e:?}"))?;
    }
    let (addr, server) = serve(&state, &env.dist).await?;
    let base = format!("http://{addr}");

    // chromedriver on a free port, killed on every way out of this function.
    let driver = Driver::start(&env.chromedriver, tmp.path())?;
    driver.wait_ready().await?;
    let client = connect(&driver, &env.chromium, tmp.path()).await?;

    let mut result = story(&client, addr, &base, &env.shots, &state).await;
    // Every story runs under the server's content security policy: a refusal the
    // browser logged fails it.
    if result.is_ok() {
        result = match csp_violations(&client).await {
            Ok(found) if found.is_empty() => Ok(()),
            Ok(found) => Err(anyhow!(
                "content security policy violations:\n{}",
                found.join("\n")
            )),
            Err(e) => Err(e),
        };
    }
    if let Err(e) = &result {
        let at = client.current_url().await.map(|u| u.to_string());
        eprintln!("browser test {name} failed at {at:?}: {e:#}");
        if let Ok(png) = client.screenshot().await {
            let path = env.shots.join(format!("{name}-failure.png"));
            if std::fs::write(&path, png).is_ok() {
                eprintln!("screenshot: {}", path.display());
            }
        }
    }
    let closed = client.close().await;
    drop(driver);
    server.abort();
    result?;
    closed.context("closing the browser session")?;
    println!("browser test {name} passed in {:.1?}", started.elapsed());
    Ok(())
}

/// The real server serving `dist` on a free port of localhost (abort the task to stop).
async fn serve(
    state: &duban_server::service::AppState,
    dist: &Path,
) -> Result<(SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>)> {
    let app = duban_server::http::router(state.clone(), Some(dist.to_path_buf()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });
    Ok((addr, server))
}

/// Sign in through the page (after dropping any session).
async fn sign_in(c: &Client, base: &str, username: &str, next: &str) -> Result<()> {
    c.delete_all_cookies().await?;
    c.goto(&format!("{base}{next}")).await?;
    wait(c, "form#login-form").await?;
    wait(c, "input[name=username]")
        .await?
        .send_keys(username)
        .await?;
    wait(c, "input[name=password]")
        .await?
        .send_keys(PASSWORD)
        .await?;
    wait(c, "button#login-submit").await?.click().await?;
    wait(c, "#current-user").await?;
    Ok(())
}

/// A case registered through the server (the intake form has its own story).
async fn register(
    state: &duban_server::service::AppState,
    batch: i64,
    content: &str,
) -> Result<duban_case::lifecycle::Case> {
    let draft = duban_case::draft::CaseDraft {
        channel: "inspection_phone".into(),
        batch_number: Some(batch),
        batch_date: today_utc8(),
        sender_ref: format!("D{batch:02}{:04}", content.chars().count()),
        content: content.into(),
        address: ADDRESS.into(),
        division: DIVISION.into(),
        categories: vec!["water".into()],
        key_classes: vec!["inspection_key".into()],
        ..duban_case::draft::CaseDraft::default()
    };
    state
        .create_case(&draft, &duban_server::service::Who::system())
        .await
        .map_err(|e| anyhow!("cannot register a case: {e:?}"))
}

/// A case registered and dispatched to 镇江 through the server.
async fn dispatched(
    state: &duban_server::service::AppState,
    content: &str,
) -> Result<duban_case::lifecycle::Case> {
    let case = register(state, 8, content).await?;
    let cmd = duban_case::lifecycle::Command::Dispatch {
        lead_unit: LEAD_UNIT.into(),
        co_units: vec![],
        note: String::new(),
        routed_by: vec![],
        why: vec![],
    };
    state
        .act(case, &cmd, &duban_server::service::Who::system(), state.now())
        .await
        .map_err(|e| anyhow!("cannot dispatch: {e:?}"))
}

/// The coordinator names `supervisor` on the key case at `page` (chosen from the
/// accounts with that role); the supervisor signs in and opens the order form.
async fn open_order_form(c: &Client, base: &str, page: &str) -> Result<()> {
    sign_in(c, base, "coordinator", page).await?;
    wait(
        c,
        r#"form#assign-supervisor select[name=supervisor] option[value="supervisor"]"#,
    )
    .await?;
    wait(c, "form#assign-supervisor select[name=supervisor]")
        .await?
        .select_by_value("supervisor")
        .await?;
    wait(c, "#assign-submit").await?.click().await?;
    wait(c, r#"#supervision[data-supervisor="supervisor"]"#).await?;
    sign_in(c, base, "supervisor", page).await?;
    wait(c, "#supervision-actions button[data-command=issue_order]")
        .await?
        .click()
        .await?;
    Ok(())
}

/// A case registered, dispatched to 镇江 and signed for through the server.
async fn signed_for(
    state: &duban_server::service::AppState,
    content: &str,
) -> Result<duban_case::lifecycle::Case> {
    let case = dispatched(state, content).await?;
    state
        .act(
            case,
            &duban_case::lifecycle::Command::SignFor,
            &duban_server::service::Who::system(),
            state.now(),
        )
        .await
        .map_err(|e| anyhow!("cannot sign for: {e:?}"))
}

/// Type into a field inside a form (clearing it first).
async fn fill(c: &Client, css: &str, text: &str) -> Result<()> {
    let field = wait(c, css).await?;
    field.clear().await?;
    field.send_keys(text).await?;
    Ok(())
}

/// Follow-up supervision: the coordinator names the supervisor; the supervisor issues a
/// supervision order and records an on-site visit with a photo; the unit finds the
/// order in its inbox and answers; the supervisor accepts.
async fn supervision_story(
    c: &Client,
    _addr: SocketAddr,
    base: &str,
    shots: &Path,
    state: &duban_server::service::AppState,
) -> Result<()> {
    let case = dispatched(
        state,
        "京口区某化工企业夜间偷排废气，气味刺鼻，周边居民反映强烈。",
    )
    .await?;
    let page = format!("/cases/{}", case.id());
    open_order_form(c, base, &page).await?;
    wait(
        c,
        &format!(r#"form#issue-order select[name=target_unit] option[value="{LEAD_UNIT}"]"#),
    )
    .await?;
    // The order goes to the case's lead unit unless the supervisor picks another.
    let chosen = wait(c, "form#issue-order select[name=target_unit]")
        .await?
        .prop("value")
        .await?;
    ensure!(
        chosen.as_deref() == Some(LEAD_UNIT),
        "the order's target is not the lead unit: {chosen:?}"
    );
    fill(
        c,
        "form#issue-order textarea[name=demands]",
        "请于3个工作日内查明偷排情况并报送整改方案",
    )
    .await?;
    fill(c, "form#issue-order input[name=amount]", "3").await?;
    wait(c, "form#issue-order select[name=unit]")
        .await?
        .select_by_value("working_days")
        .await?;
    wait(c, "#issue-order-submit").await?.click().await?;
    let order = wait(c, r#"table#orders tr.order[data-status="open"]"#).await?;
    let number = order
        .attr("data-number")
        .await?
        .context("no order number")?;

    // An on-site visit with a photo, uploaded from the form.
    let photo = shots.join("visit-photo.png");
    std::fs::write(&photo, PNG_1X1)?;
    wait(c, "#supervision-actions button[data-command=record_visit]")
        .await?
        .click()
        .await?;
    set_value(
        c,
        "form#record-visit input[name=date]",
        &today_utc8(),
        "input",
    )
    .await?;
    fill(c, "form#record-visit input[name=inspectors]", "李明、王芳").await?;
    wait(c, "form#record-visit select[name=finding]")
        .await?
        .select_by_value("substantiated")
        .await?;
    fill(
        c,
        "form#record-visit textarea[name=findings]",
        "现场发现企业雨水排口有废水外排痕迹，已取样送检。",
    )
    .await?;
    wait(c, "#visit-photos")
        .await?
        .send_keys(&photo.display().to_string())
        .await?;
    wait(c, "#visit-uploads li.upload[data-id]").await?;
    wait(c, "#record-visit-submit").await?.click().await?;
    wait(c, "ul#visits li").await?;

    // The unit sees the order waiting in its inbox and answers it.
    sign_in(c, base, "zhenjiang", "/inbox").await?;
    wait(
        c,
        r#"table#inbox tr.inbox-item[data-action="answer_order"]"#,
    )
    .await?;
    let badge = wait(c, "#inbox-count").await?;
    ensure!(
        badge.attr("data-total").await?.is_some_and(|n| n != "0"),
        "the navigation shows no work waiting"
    );
    c.goto(&format!("{base}{page}")).await?;
    wait(
        c,
        &format!(r#"button.answer-order[data-number="{number}"]"#),
    )
    .await?
    .click()
    .await?;
    fill(
        c,
        "form#answer-order textarea[name=answer]",
        "已现场查处，企业停产整改，限期两周完成。",
    )
    .await?;
    wait(c, "#answer-order-submit").await?.click().await?;
    wait(c, r#"table#orders tr.order[data-status="answered"]"#).await?;

    sign_in(c, base, "supervisor", &page).await?;
    wait(c, "button.close-order").await?.click().await?;
    wait(c, "#close-order-accept").await?.click().await?;
    wait(c, r#"table#orders tr.order[data-status="closed"]"#).await?;
    println!("supervision: order {number} issued, answered and closed; visit with a photo");
    Ok(())
}

/// Horizontal referral: the coordinator refers a sewage problem to 住建厅; the department
/// sees the case, acknowledges and answers; the coordinator closes it.
async fn referral_story(
    c: &Client,
    _addr: SocketAddr,
    base: &str,
    _shots: &Path,
    state: &duban_server::service::AppState,
) -> Result<()> {
    let case = dispatched(state, "京口区某小区生活污水管网破损，污水直排入河。").await?;
    let page = format!("/cases/{}", case.id());
    sign_in(c, base, "coordinator", &page).await?;
    wait(c, "#open-refer").await?.click().await?;
    wait(
        c,
        r#"form#refer select[name=to_unit] option[value="dept-zjt"]"#,
    )
    .await?;
    wait(c, "form#refer select[name=to_unit]")
        .await?
        .select_by_value("dept-zjt")
        .await?;
    fill(c, "form#refer input[name=subject]", "生活污水管网问题").await?;
    fill(
        c,
        "form#refer textarea[name=text]",
        "请住建厅协同核查该小区雨污管网混接问题。",
    )
    .await?;
    wait(c, "#refer-submit").await?.click().await?;
    wait(c, r#"#referrals article.referral[data-status="sent"]"#).await?;

    sign_in(c, base, "housing", "/referrals").await?;
    wait(c, "article.referral button.referral-ack")
        .await?
        .click()
        .await?;
    wait(c, r#"article.referral[data-status="acknowledged"]"#).await?;
    fill(
        c,
        "article.referral form.referral-compose textarea[name=text]",
        "管网混接点已封堵，限期一月完成改造。",
    )
    .await?;
    wait(c, "article.referral button.referral-answer")
        .await?
        .click()
        .await?;
    wait(
        c,
        r#"article.referral[data-status="answered"] li.message[data-answer="true"]"#,
    )
    .await?;
    // The department may open the case referred to it.
    c.goto(&format!("{base}{page}")).await?;
    wait(c, "span.reference").await?;

    sign_in(c, base, "coordinator", &page).await?;
    fill(
        c,
        "#referrals form.referral-close textarea[name=summary]",
        "住建厅牵头完成管网整改",
    )
    .await?;
    wait(c, "#referrals .referral-close-submit")
        .await?
        .click()
        .await?;
    wait(c, r#"#referrals article.referral[data-status="closed"]"#).await?;
    println!("referral: sent, acknowledged, answered, closed");
    Ok(())
}

/// Emergency linkage: the coordinator declares an incident from a case; the linked
/// department acknowledges on the board and files a situation report; the coordinator's
/// board shows it without a reload; closing needs a summary.
async fn emergency_story(
    c: &Client,
    _addr: SocketAddr,
    base: &str,
    shots: &Path,
    state: &duban_server::service::AppState,
) -> Result<()> {
    let case = dispatched(state, "京口区某化工园区废水泄漏入河，下游出现死鱼。").await?;
    sign_in(c, base, "coordinator", &format!("/cases/{}", case.id())).await?;
    wait(c, "#declare-incident-button").await?.click().await?;
    fill(
        c,
        "form#declare-incident input[name=title]",
        "化工园区废水泄漏入河",
    )
    .await?;
    wait(c, "form#declare-incident select[name=incident_type]")
        .await?
        .select_by_value("water_pollution")
        .await?;
    wait(c, "form#declare-incident select[name=severity]")
        .await?
        .select_by_value("III")
        .await?;
    wait(c, "#declare-incident-submit").await?.click().await?;
    wait(
        c,
        r#"#incident-board tr.linkage-row[data-unit="dept-sthjt"][data-acknowledged="false"]"#,
    )
    .await?;
    let board = c.current_url().await?;

    sign_in(c, base, "env", board.path()).await?;
    wait(c, r#"button.ack[data-unit="dept-sthjt"]"#)
        .await?
        .click()
        .await?;
    wait(
        c,
        r#"tr.linkage-row[data-unit="dept-sthjt"][data-acknowledged="true"]"#,
    )
    .await?;
    fill(
        c,
        "form#situation-report textarea[name=text]",
        "已在下游500米处设置监测点，COD超标3倍。",
    )
    .await?;
    wait(c, "#situation-report-submit").await?.click().await?;
    wait(c, r#"#incident-timeline li[data-type="reported"]"#).await?;

    // The coordinator's board, opened before the department's report, catches up by itself.
    sign_in(c, base, "coordinator", board.path()).await?;
    wait(
        c,
        r#"tr.linkage-row[data-unit="dept-sthjt"][data-acknowledged="true"]"#,
    )
    .await?;
    fill(
        c,
        "form#close-incident textarea[name=summary]",
        "泄漏点已封堵，下游水质于次日恢复达标，责任企业已立案调查。",
    )
    .await?;
    wait(c, "#close-incident-submit").await?.click().await?;
    wait(c, "#incident-summary").await?;
    let png = c.screenshot().await?;
    std::fs::write(shots.join("incident.png"), png)?;
    println!("emergency: declared, acknowledged, reported, closed");
    Ok(())
}

/// A one-pixel PNG.
const PNG_1X1: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// Quick dispatch: a case goes where its explained proposal says in one click; a whole
/// batch goes at once; the daily clearing view counts what waits for sign-for; the
/// routing rules and their figures are there to read.
async fn dispatch_story(
    c: &Client,
    _addr: SocketAddr,
    base: &str,
    shots: &Path,
    state: &duban_server::service::AppState,
) -> Result<()> {
    let one = register(state, 7, "京口区某小区生活污水直排入河，夏天臭味很重。").await?;
    register(state, 7, "京口区某厂夜间排放刺鼻废气，周边居民难以入睡。").await?;
    register(state, 7, "京口区某工地夜间施工噪声扰民，持续一个月。").await?;
    sign_in(c, base, "coordinator", &format!("/cases/{}", one.id())).await?;

    // The proposal explains itself; one click dispatches as proposed.
    let lead = wait(
        c,
        r#"#routing-proposal li[data-kind="lead"][data-unit="gov-3211"]"#,
    )
    .await?;
    let why = lead.text().await?;
    ensure!(
        why.contains("镇江市京口区属镇江市"),
        "the lead proposal does not explain itself: {why:?}"
    );
    wait(
        c,
        r#"#routing-proposal li[data-kind="notify"][data-unit="dept-zjt"]"#,
    )
    .await?;
    wait(c, "button#dispatch-as-proposed")
        .await?
        .click()
        .await?;
    wait(c, r#"span.case-status[data-status="dispatched"]"#).await?;
    // Why it went there stays on the case after dispatch (issue 20, point 11).
    let kept = wait(c, "#case-routed-why li").await?.text().await?;
    ensure!(
        kept.starts_with("牵头：镇江市人民政府") && kept.contains("属地管理"),
        "the case page does not say why it was routed: {kept:?}"
    );
    std::fs::write(shots.join("dispatched.png"), c.screenshot().await?)?;

    // The rest of batch 7 in one action.
    c.goto(&format!("{base}/")).await?;
    wait(c, "input[name=batch]").await?.send_keys("7").await?;
    wait(c, "button#dispatch-batch").await?.click().await?;
    wait(c, "#dispatch-batch-confirm").await?.click().await?;
    let result = wait(c, "#dispatch-result").await?;
    let sent = result.attr("data-dispatched").await?;
    ensure!(
        sent.as_deref() == Some("2"),
        "the batch dispatch sent {sent:?} cases, not 2"
    );
    let why = wait(c, "#dispatched-list li .routed-why")
        .await?
        .prop("textContent")
        .await?
        .unwrap_or_default();
    ensure!(
        why.contains("依据规则"),
        "the batch result does not say why: {why:?}"
    );

    // Daily clearing: 镇江 has three cases to sign for today.
    c.goto(&format!("{base}/clearing")).await?;
    let cell = wait(
        c,
        r#"tr.clearing-row[data-unit="gov-3211"] td[data-bucket="not_signed"]"#,
    )
    .await?;
    let count = cell.attr("data-count").await?;
    ensure!(
        count.as_deref() == Some("3"),
        "the clearing view counts {count:?} cases to sign for"
    );

    // The rules, with how often each dispatched.
    c.goto(&format!("{base}/admin/routing")).await?;
    wait(c, r#"tr.rule-row[data-rule="lead-city"]"#).await?;
    let png = c.screenshot().await?;
    std::fs::write(shots.join("routing.png"), png)?;
    println!("quick dispatch: one case as proposed, the rest of the batch at once");
    Ok(())
}

/// A case of batch 6 taken to closed with an outcome whose public summary names the
/// complainant and a phone number (which the disclosure must not show).
async fn closed_case(state: &duban_server::service::AppState) -> Result<duban_case::lifecycle::Case> {
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

/// A transfer list of batch 9 as an inspection team sends it: a title row, then the
/// template's columns; `contents` one row each, all in 京口区.
fn transfer_list(contents: &[&str]) -> String {
    let mut out = String::from(
        "第9批交办信访件清单\n序号,批次号,交办编号,交办日期,来电/来信,举报内容,行政区域,地址,污染类型,是否重点\n",
    );
    for (i, content) in contents.iter().enumerate() {
        out.push_str(&format!(
            "{n},第9批,D09{n:04},{date},来电,{content},镇江市京口区,{ADDRESS},水,否\n",
            n = i + 1,
            date = today_utc8()
        ));
    }
    out
}

/// Batch import: a transfer list with a bad row is previewed with the form's error on
/// that row and cannot be imported; the corrected file imports all rows at once, shows
/// the repeat of a case already registered, and the batch is dispatched as proposed
/// right away; the same file again is recognised and creates nothing.
async fn import_story(
    c: &Client,
    _addr: SocketAddr,
    base: &str,
    shots: &Path,
    state: &duban_server::service::AppState,
) -> Result<()> {
    const SEWAGE: &str = "京口区某小区生活污水直排入河，夏天臭味很重，影响居民生活。";
    register(state, 7, SEWAGE).await?;
    let rows = [
        SEWAGE,
        "京口区某厂夜间排放刺鼻废气，周边居民难以入睡。",
        "京口区某工地夜间施工噪声扰民，持续一个月。",
    ];
    let dir = tempdir_in(shots)?;
    let file = dir.join("第9批交办清单.csv");
    let mut bad = rows;
    bad[1] = SHORT_CONTENT;
    std::fs::write(&file, transfer_list(&bad))?;

    sign_in(c, base, "coordinator", "/import").await?;
    let input = wait(c, "input#import-file").await?;
    input.send_keys(&file.display().to_string()).await?;
    wait(c, r#"#import-preview[data-total="3"][data-errors="1"]"#).await?;
    let error = wait(c, r#"tr.import-row[data-line="4"] .field-error"#).await?;
    let code = error.attr("data-code").await?;
    ensure!(
        code.as_deref() == Some("content.too_short"),
        "the bad row shows {code:?}, not the form's content.too_short"
    );
    wait(c, "#import-commit-blocked").await?;
    ensure!(
        wait(c, "button#import-commit")
            .await?
            .attr("disabled")
            .await?
            .is_some(),
        "a list with an error row can be imported"
    );
    let png = c.screenshot().await?;
    std::fs::write(shots.join("import-errors.png"), png)?;

    // Corrected, chosen again: every row valid, the first one a repeat.
    std::fs::write(&file, transfer_list(&rows))?;
    wait(c, "input#import-file")
        .await?
        .send_keys(&file.display().to_string())
        .await?;
    wait(c, r#"#import-preview[data-total="3"][data-errors="0"]"#).await?;
    wait(
        c,
        r#"tr.import-row[data-line="3"] .repeats .repeat a.case-link"#,
    )
    .await?;
    wait(c, "button#import-commit:not([disabled])")
        .await?
        .click()
        .await?;
    wait(c, r#"#import-result[data-count="3"][data-batch="9"]"#).await?;
    let imported = state
        .store
        .cases(&duban_server::store::CaseFilter::default())
        .await
        .map_err(|e| anyhow!("{e:?}"))?;
    ensure!(
        imported.len() == 4,
        "{} cases after the import",
        imported.len()
    );

    // Straight on to dispatch the batch as proposed.
    wait(c, "a#import-to-dispatch").await?.click().await?;
    wait(c, "button#dispatch-batch").await?.click().await?;
    wait(c, "#dispatch-batch-confirm").await?.click().await?;
    let result = wait(c, "#dispatch-result").await?;
    let sent = result.attr("data-dispatched").await?;
    ensure!(
        sent.as_deref() == Some("3"),
        "dispatching the imported batch sent {sent:?} cases, not 3"
    );

    // The same list again: recognised, nothing new.
    c.goto(&format!("{base}/import")).await?;
    wait(c, "input#import-file")
        .await?
        .send_keys(&file.display().to_string())
        .await?;
    wait(c, "#import-already").await?;
    let after = state
        .store
        .cases(&duban_server::store::CaseFilter::default())
        .await
        .map_err(|e| anyhow!("{e:?}"))?;
    ensure!(
        after.len() == 4,
        "{} cases after the second upload",
        after.len()
    );
    println!(
        "batch import: errors shown per row, 3 rows imported and dispatched, the repeat upload refused"
    );
    Ok(())
}

/// A fresh folder under `parent` for files the browser uploads.
fn tempdir_in(parent: &Path) -> Result<PathBuf> {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
    let dir = parent.join(format!("uploads-{nanos}"));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// The test user's password.
const PASSWORD: &str = "browser-test";

/// The user's story, step by step.
/// The intake form's fields after the content: batch, sender's reference, place,
/// complainant and category.
async fn fill_intake(c: &Client) -> Result<()> {
    wait(c, "input[name=batch_number]")
        .await?
        .send_keys("3")
        .await?;
    set_value(c, "input[name=batch_date]", &today_utc8(), "input").await?;
    wait(c, "input[name=sender_ref]")
        .await?
        .send_keys(SENDER_REF)
        .await?;
    wait(c, "select[name=division]")
        .await?
        .select_by_value(DIVISION)
        .await?;
    wait(c, "input[name=address]")
        .await?
        .send_keys(ADDRESS)
        .await?;
    wait(c, "input[name=complainant_name]")
        .await?
        .send_keys(COMPLAINANT)
        .await?;
    wait(c, "input[name=complainant_phone]")
        .await?
        .send_keys(PHONE)
        .await?;
    let air = wait(c, r#"input[name=categories][value="air"]"#).await?;
    air.click().await?;
    ensure!(air.is_selected().await?, "the air category is not ticked");
    Ok(())
}

async fn story(
    c: &Client,
    addr: SocketAddr,
    base: &str,
    shots: &Path,
    _state: &duban_server::service::AppState,
) -> Result<()> {
    // 0. Any page without a session leads to sign-in; signing in comes back.
    c.goto(&format!("{base}/cases/new")).await?;
    wait(c, "form#login-form").await?;
    wait(c, "input[name=username]")
        .await?
        .send_keys("coordinator")
        .await?;
    wait(c, "input[name=password]")
        .await?
        .send_keys(PASSWORD)
        .await?;
    wait(c, "button#login-submit").await?.click().await?;
    wait(c, r#"#current-user[data-role="coordinator"]"#).await?;

    // 1. An invalid case: refused in the browser, nothing sent.
    c.goto(&format!("{base}/cases/new")).await?;
    wait(c, "form#case-form").await?;
    let content = wait(c, "textarea[name=content]").await?;
    content.send_keys(SHORT_CONTENT).await?;
    wait(c, "button#submit-case").await?.click().await?;
    wait(
        c,
        r#"p.field-error[data-field="content"][data-code="content.too_short"]"#,
    )
    .await?;
    let page = cases(addr, c).await?;
    ensure!(
        page["total"] == 0,
        "an invalid case must not reach the server: {page}"
    );

    // 2. Fix it: every error goes away, then it is registered.
    content.clear().await?;
    content.send_keys(CONTENT).await?;
    ensure!(
        content.prop("value").await?.as_deref() == Some(CONTENT),
        "the content field does not hold what was typed"
    );
    fill_intake(c).await?;
    no_field_errors(c).await?;
    wait(c, "button#submit-case").await?.click().await?;

    // 3. The detail page of the new case.
    let reference = wait(c, "span.reference").await?.text().await?;
    ensure!(
        reference.starts_with("JS-"),
        "unexpected reference {reference:?}"
    );
    wait(c, r#"span.case-status[data-status="received"]"#).await?;
    wait(c, "table#clocks span[data-sla]").await?;
    let detail = c.current_url().await?;
    let id = detail
        .path()
        .strip_prefix("/cases/")
        .filter(|id| !id.is_empty() && *id != "new")
        .with_context(|| format!("not a case page: {detail}"))?
        .to_owned();

    // 4. The list shows it; its link leads back to the detail page.
    c.goto(&format!("{base}/")).await?;
    wait(c, "tr.case-row").await?;
    let mut link = None;
    for a in c.find_all(Locator::Css("tr.case-row a.case-link")).await? {
        if a.text().await?.trim() == reference {
            link = Some(a);
        }
    }
    let link = link.with_context(|| format!("no row for {reference} in the list"))?;
    let row = c
        .find(Locator::Css(&format!(r#"tr.case-row[data-id="{id}"]"#)))
        .await
        .with_context(|| format!("no row with data-id {id}"))?;
    ensure!(
        row.attr("data-status").await?.as_deref() == Some("received"),
        "the list row is not `received`"
    );
    link.click().await?;
    let again = wait(c, "span.reference").await?.text().await?;
    ensure!(
        again == reference,
        "the link led to {again:?}, not {reference:?}"
    );
    let at = c.current_url().await?;
    ensure!(at.path() == format!("/cases/{id}"), "the link led to {at}");

    // 5. Dispatch it to the city government.
    wait(c, r#"button[data-action="dispatch"]"#)
        .await?
        .click()
        .await?;
    wait(c, r#"form#action-form[data-action="dispatch"]"#).await?;
    wait(
        c,
        &format!(r#"select[name=lead_unit] option[value="{LEAD_UNIT}"]"#),
    )
    .await?;
    wait(c, "select[name=lead_unit]")
        .await?
        .select_by_value(LEAD_UNIT)
        .await?;
    wait(c, "button#confirm-action").await?.click().await?;
    wait(c, r#"span.case-status[data-status="dispatched"]"#).await?;
    wait(c, r#"ol#timeline li[data-type="dispatched"]"#).await?;
    wait(c, r#"ol#timeline li[data-type="received"]"#).await?;

    // 6. The complainant is masked until asked for; the read lands in the audit trail.
    let masked = wait(c, "#complainant-phone").await?.text().await?;
    ensure!(
        masked == "139****1234",
        "the phone is not masked: {masked:?}"
    );
    ensure!(
        !c.source().await?.contains(PHONE),
        "the full phone is in the page before anyone asked for it"
    );
    wait(c, "button#show-contact").await?.click().await?;
    wait(c, "#contact-logged").await?;
    let full = wait(c, "#complainant-phone.unmasked").await?.text().await?;
    ensure!(full == PHONE, "the revealed phone is {full:?}");
    wait(
        c,
        r#"#case-audit tr.audit-row[data-action="personal_data.read"]"#,
    )
    .await?;
    wait(
        c,
        r#"#case-audit tr.audit-row[data-action="case.dispatch"]"#,
    )
    .await?;

    // 7. The server holds exactly that case, dispatched.
    let page = cases(addr, c).await?;
    ensure!(page["total"] == 1, "expected exactly one case: {page}");
    let items = page["items"].as_array().context("no items")?;
    ensure!(items.len() == 1, "expected exactly one item: {page}");
    ensure!(
        items[0]["id"] == id.as_str(),
        "the case listed is not ours: {page}"
    );
    ensure!(
        items[0]["reference"] == reference.as_str(),
        "reference differs: {page}"
    );
    ensure!(
        items[0]["status"] == "dispatched",
        "the case is not dispatched: {page}"
    );

    c.execute("window.scrollTo(0, 0);", vec![]).await?;
    let png = c.screenshot().await?;
    std::fs::write(shots.join("detail.png"), png)?;
    println!("case {reference} ({id}) registered and dispatched");
    println!("screenshot: {}", shots.join("detail.png").display());

    // 8. A coordinator has no administration; an administrator adds an account with a
    //    reason, and finds the change in the audit trail.
    c.goto(&format!("{base}/admin/users")).await?;
    wait(c, "#no-permission").await?;
    c.delete_all_cookies().await?;
    c.goto(&format!("{base}/admin/users")).await?;
    wait(c, "form#login-form").await?;
    wait(c, "input[name=username]")
        .await?
        .send_keys("admin")
        .await?;
    wait(c, "input[name=password]")
        .await?
        .send_keys(PASSWORD)
        .await?;
    wait(c, "button#login-submit").await?.click().await?;
    wait(c, r#"#current-user[data-role="admin"]"#).await?;
    wait(c, "table#user-table").await?;
    let form = "form#user-form";
    wait(c, &format!("{form} input[name=username]"))
        .await?
        .send_keys("wang.wu")
        .await?;
    wait(c, &format!("{form} input[name=display_name]"))
        .await?
        .send_keys("王五")
        .await?;
    wait(c, &format!("{form} select[name=role]"))
        .await?
        .select_by_value("handler")
        .await?;
    wait(
        c,
        &format!(r#"{form} select[name=unit_id] option[value="{LEAD_UNIT}"]"#),
    )
    .await?;
    wait(c, &format!("{form} select[name=unit_id]"))
        .await?
        .select_by_value(LEAD_UNIT)
        .await?;
    wait(c, &format!("{form} input[name=password]"))
        .await?
        .send_keys("first pass")
        .await?;
    // Without a reason the browser refuses, naming the field.
    wait(c, "button#create-user").await?.click().await?;
    wait(c, r#"p.field-error[data-code="reason.required"]"#).await?;
    wait(c, &format!("{form} input[name=reason]"))
        .await?
        .send_keys("新到岗承办人")
        .await?;
    wait(c, "button#create-user").await?.click().await?;
    wait(c, r#"tr.user-row[data-username="wang.wu"]"#).await?;
    c.goto(&format!("{base}/admin/audit?action=user.create"))
        .await?;
    let row = wait(c, r#"tr.audit-row[data-action="user.create"]"#).await?;
    let text = row.text().await?;
    ensure!(
        text.contains("wang.wu") && text.contains("新到岗承办人") && text.contains("admin"),
        "the audit row does not say who, what and why: {text:?}"
    );
    println!("administrator added wang.wu; the audit trail shows it");
    Ok(())
}

/// Wait for an element, naming the selector if it never comes. Errors while the page
/// navigates (the app redirects to sign-in, say) are retried like a missing element.
async fn wait(c: &Client, css: &str) -> Result<fantoccini::elements::Element> {
    let deadline = Instant::now() + WAIT;
    loop {
        match c.find(Locator::Css(css)).await {
            Ok(el) => return Ok(el),
            Err(e) if Instant::now() > deadline => {
                return Err(anyhow!(e)).with_context(|| format!("waiting {WAIT:?} for `{css}`"));
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// Set an input's value from script and fire the event the app listens to (date inputs
/// do not take typed text reliably; everything else is typed, clicked or selected).
async fn set_value(c: &Client, css: &str, value: &str, event: &str) -> Result<()> {
    wait(c, css).await?;
    let found = c
        .execute(
            "const el = document.querySelector(arguments[0]);
             if (!el) return false;
             el.value = arguments[1];
             el.dispatchEvent(new Event(arguments[2], { bubbles: true }));
             return el.value === arguments[1];",
            vec![json!(css), json!(value), json!(event)],
        )
        .await?;
    ensure!(found == json!(true), "could not set `{css}` to {value:?}");
    Ok(())
}

/// Wait (bounded) until the form shows no field error; name the ones left.
async fn no_field_errors(c: &Client) -> Result<()> {
    let deadline = Instant::now() + WAIT;
    loop {
        let mut left = Vec::new();
        for p in c
            .find_all(Locator::Css("form#case-form .field-error"))
            .await?
        {
            left.push(format!(
                "{}: {}",
                p.attr("data-code").await?.unwrap_or_default(),
                p.text().await?
            ));
        }
        if left.is_empty() {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("errors still shown after fixing the form: {left:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `GET /api/v1/cases` as JSON, with the browser's session.
async fn cases(addr: SocketAddr, c: &Client) -> Result<Value> {
    let session = c
        .get_named_cookie("duban_session")
        .await
        .context("no session cookie")?;
    let header = format!("Cookie: duban_session={}\r\n", session.value());
    let (status, body) = http_get_with(addr, "/api/v1/cases", &header).await?;
    ensure!(status == 200, "GET /api/v1/cases: {status} {body}");
    Ok(serde_json::from_str(&body)?)
}

/// A minimal HTTP/1.1 GET, enough for our own server and chromedriver's `/status`
/// (which keeps the connection open: the body ends at its `Content-Length`).
async fn http_get(addr: SocketAddr, path: &str) -> Result<(u16, String)> {
    http_get_with(addr, path, "").await
}

/// As [`http_get`], with extra header lines (each ending in `\r\n`).
async fn http_get_with(addr: SocketAddr, path: &str, headers: &str) -> Result<(u16, String)> {
    let exchange = async {
        let mut s = tokio::net::TcpStream::connect(addr).await?;
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\n{headers}Connection: close\r\n\r\n"
        );
        s.write_all(req.as_bytes()).await?;
        let mut buf = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            let n = s.read(&mut chunk).await?;
            buf.extend_from_slice(&chunk[..n]);
            if n == 0 || response_complete(&buf) {
                return anyhow::Ok(buf);
            }
        }
    };
    let buf = tokio::time::timeout(Duration::from_secs(10), exchange)
        .await
        .with_context(|| format!("GET {path} timed out"))??;
    let (head, body) = split_response(&buf).context("no end of headers")?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("bad status line")?;
    let body = if is_chunked(&head) {
        dechunk(body)?
    } else {
        body.to_vec()
    };
    Ok((status, String::from_utf8(body)?))
}

/// The head (lower-cased) and the raw body of a response.
fn split_response(buf: &[u8]) -> Option<(String, &[u8])> {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
    Some((head, &buf[end + 4..]))
}

fn is_chunked(head: &str) -> bool {
    head.lines()
        .any(|l| l.starts_with("transfer-encoding:") && l.contains("chunked"))
}

/// Whether the whole response has arrived (by `Content-Length` or the last chunk).
fn response_complete(buf: &[u8]) -> bool {
    let Some((head, body)) = split_response(buf) else {
        return false;
    };
    if is_chunked(&head) {
        return body.ends_with(b"0\r\n\r\n");
    }
    head.lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|n| n.trim().parse::<usize>().ok())
        .is_some_and(|n| body.len() >= n)
}

fn dechunk(mut rest: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let eol = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .context("bad chunk")?;
        let size = std::str::from_utf8(&rest[..eol])?;
        let size = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16)?;
        rest = &rest[eol + 2..];
        if size == 0 {
            return Ok(out);
        }
        let chunk = rest.get(..size).context("short chunk")?;
        out.extend_from_slice(chunk);
        rest = rest.get(size + 2..).context("short chunk")?;
    }
}

/// Today's date in China (UTC+8), as a date input wants it.
fn today_utc8() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let secs = i64::try_from(secs).unwrap_or(0) + 8 * 3600;
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|t| t.date_naive().format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// What the test needs from the machine.
struct Env {
    dist: PathBuf,
    chromedriver: PathBuf,
    chromium: PathBuf,
    /// Where screenshots go.
    shots: PathBuf,
}

impl Env {
    /// `None` (with a notice) when something is missing outside CI; an error under CI.
    fn find() -> Result<Option<Env>> {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .context("no workspace above tests/")?
            .to_path_buf();
        let dist = std::env::var_os("DUBAN_DIST")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace.join("dist"));
        let chromedriver = std::env::var_os("CHROMEDRIVER")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"));
        let chromium = std::env::var_os("CHROME_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));

        let mut missing = Vec::new();
        if !dist.join("index.html").is_file() {
            missing.push(format!(
                "{} (run `cargo xtask build-web --release` or set DUBAN_DIST)",
                dist.join("index.html").display()
            ));
        }
        for (what, path) in [("chromedriver", &chromedriver), ("chromium", &chromium)] {
            if !path.is_file() {
                missing.push(format!(
                    "{what} at {} (run `cargo xtask setup`)",
                    path.display()
                ));
            }
        }
        if !missing.is_empty() {
            let why = missing.join("; ");
            if std::env::var_os("CI").is_some() {
                panic!("the browser test must run in CI, but it is missing: {why}");
            }
            eprintln!("skipping browser test: missing {why}");
            return Ok(None);
        }
        if let Some(newer) = newer_source(&workspace, &dist) {
            eprintln!(
                "note: {} is newer than {}; run `cargo xtask build-web --release` to test current code",
                newer.display(),
                dist.display()
            );
        }

        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .map(|t| {
                if t.is_relative() {
                    workspace.join(t)
                } else {
                    t
                }
            })
            .unwrap_or_else(|| workspace.join("target"));
        let shots = target.join("browser-test");
        std::fs::create_dir_all(&shots).with_context(|| format!("creating {}", shots.display()))?;
        Ok(Some(Env {
            dist,
            chromedriver,
            chromium,
            shots,
        }))
    }
}

/// A web or domain source file changed after the bundle was built, if any.
fn newer_source(workspace: &Path, dist: &Path) -> Option<PathBuf> {
    let built = std::fs::metadata(dist.join("index.html"))
        .and_then(|m| m.modified())
        .ok()?;
    let mut dirs = vec![workspace.join("web")];
    if let Ok(crates) = std::fs::read_dir(workspace.join("crates")) {
        dirs.extend(crates.flatten().map(|e| e.path()));
    }
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).ok()?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|m| m > built)
            {
                return Some(path);
            }
        }
    }
    None
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let path =
            std::env::temp_dir().join(format!("duban-browser-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path)?;
        Ok(TempDir(path))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A chromedriver process on a free port, killed on drop.
struct Driver {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
}

impl Driver {
    fn start(chromedriver: &Path, tmp: &Path) -> Result<Driver> {
        let addr = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
        let log = tmp.join("chromedriver.log");
        let out = std::fs::File::create(&log)?;
        let child = Command::new(chromedriver)
            .arg(format!("--port={}", addr.port()))
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()
            .with_context(|| format!("starting {}", chromedriver.display()))?;
        Ok(Driver { child, addr, log })
    }

    /// Poll `/status` until chromedriver says it is ready.
    async fn wait_ready(&self) -> Result<()> {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok((200, body)) = http_get(self.addr, "/status").await {
                let status: Value = serde_json::from_str(&body).unwrap_or_default();
                if status["value"]["ready"] == true {
                    return Ok(());
                }
            }
            if Instant::now() > deadline {
                bail!("chromedriver did not become ready: {}", self.log_text());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A new headless Chromium session with a profile of its own.
async fn connect(driver: &Driver, chromium: &Path, tmp: &Path) -> Result<Client> {
    let profile = tmp.join("profile");
    std::fs::create_dir_all(&profile)?;
    let options = json!({
        "binary": chromium,
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            format!("--user-data-dir={}", profile.display()),
            "--window-size=1400,1000",
            "--lang=zh-CN",
        ],
    });
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), options);
    // The console, for the content security policy's refusals (csp_violations).
    caps.insert("goog:loggingPrefs".into(), json!({"browser": "ALL"}));
    ClientBuilder::rustls()?
        .capabilities(caps)
        .connect(&driver.url())
        .await
        .map_err(|e| {
            anyhow!(
                "starting Chromium via chromedriver: {e}\n{}",
                driver.log_text()
            )
        })
}

/// A chromedriver command of its own (beyond W3C WebDriver): `POST
/// /session/{id}/{path}` with a JSON body.
#[derive(Debug)]
struct Chromedriver {
    path: &'static str,
    body: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Chromedriver {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }
    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}

/// A Chrome DevTools Protocol command.
fn cdp(cmd: &str, params: Value) -> Chromedriver {
    Chromedriver {
        path: "goog/cdp/execute",
        body: json!({"cmd": cmd, "params": params}),
    }
}

/// The browser console's entries since the last read.
fn browser_log() -> Chromedriver {
    Chromedriver {
        path: "se/log",
        body: json!({"type": "browser"}),
    }
}

/// What the page's content security policy refused, as the console says it.
async fn csp_violations(c: &Client) -> Result<Vec<String>> {
    let log = c.issue_cmd(browser_log()).await?;
    Ok(log
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|entry| entry["message"].as_str())
        .filter(|m| m.contains("Content Security Policy"))
        .map(str::to_owned)
        .collect())
}

/// Switch the page's network off or on through the DevTools protocol.
async fn network(c: &Client, online: bool) -> Result<()> {
    c.issue_cmd(cdp("Network.enable", json!({}))).await?;
    c.issue_cmd(cdp(
        "Network.emulateNetworkConditions",
        json!({"offline": !online, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}),
    ))
    .await?;
    Ok(())
}

/// Wait (bounded) until the script returns true.
async fn until(c: &Client, what: &str, script: &str) -> Result<()> {
    let deadline = Instant::now() + WAIT;
    loop {
        if c.execute(script, vec![]).await? == json!(true) {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("waited {WAIT:?} for {what}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Offline intake: after one visit the app opens from the service worker's cache;
/// the form is kept as it is typed and restored after a reload without network; a
/// case submitted offline waits in the outbox and is sent once the network returns,
/// exactly once, even when the same request is sent again.
async fn offline_story(
    c: &Client,
    addr: SocketAddr,
    base: &str,
    shots: &Path,
    state: &duban_server::service::AppState,
) -> Result<()> {
    sign_in(c, base, "coordinator", "/cases/new").await?;
    wait(c, "form#case-form").await?;
    // The service worker has cached the shell and controls the page.
    until(
        c,
        "the service worker to control the page",
        "return !!navigator.serviceWorker && !!navigator.serviceWorker.controller",
    )
    .await
    .or_else(|_| Ok::<(), anyhow::Error>(()))?;
    c.refresh().await?;
    until(
        c,
        "the service worker to control the page",
        "return !!navigator.serviceWorker.controller",
    )
    .await?;
    wait(c, "form#case-form").await?;

    // The network goes away: the bar says so.
    network(c, false).await?;
    wait(c, r#"#net-status[data-online="false"]"#).await?;

    // Fill the form offline: the domain crate checks it in the browser.
    let content = wait(c, "textarea[name=content]").await?;
    content.send_keys(SHORT_CONTENT).await?;
    wait(c, "button#submit-case").await?.click().await?;
    wait(
        c,
        r#"p.field-error[data-field="content"][data-code="content.too_short"]"#,
    )
    .await?;
    content.clear().await?;
    content.send_keys(CONTENT).await?;
    fill_intake(c).await?;

    // Reload without network: the shell comes from the cache, the draft from storage.
    c.refresh().await?;
    wait(c, "#draft-restored").await?;
    wait(c, "form#case-form").await?;
    ensure!(
        wait(c, "textarea[name=content]")
            .await?
            .prop("value")
            .await?
            .as_deref()
            == Some(CONTENT),
        "the content is not restored"
    );
    ensure!(
        wait(c, "select[name=division]")
            .await?
            .prop("value")
            .await?
            .as_deref()
            == Some(DIVISION),
        "the division is not restored"
    );
    ensure!(
        wait(c, "input[name=sender_ref]")
            .await?
            .prop("value")
            .await?
            .as_deref()
            == Some(SENDER_REF),
        "the sender's reference is not restored"
    );
    ensure!(
        wait(c, "input[name=complainant_name]")
            .await?
            .prop("value")
            .await?
            .as_deref()
            == Some(COMPLAINANT),
        "the complainant is not restored"
    );
    ensure!(
        wait(c, r#"input[name=categories][value="air"]"#)
            .await?
            .is_selected()
            .await?,
        "the category is not restored"
    );
    wait(c, r#"#net-status[data-online="false"]"#).await?;
    no_field_errors(c).await?;

    // Submit offline: into the outbox, nothing on the server.
    wait(c, "button#submit-case").await?.click().await?;
    wait(c, "#case-queued").await?;
    wait(c, "#outbox-count").await?;
    let page = cases(addr, c).await?;
    ensure!(
        page["total"] == 0,
        "nothing may reach the server offline: {page}"
    );
    let queued = c
        .execute("return localStorage.getItem('duban.outbox')", vec![])
        .await?;
    let queued: Value = serde_json::from_str(queued.as_str().context("no outbox stored")?)?;
    let entry = queued[0].clone();
    ensure!(
        entry["key"].as_str().is_some_and(|k| k.len() == 36),
        "the entry has no idempotency key: {entry}"
    );
    c.goto(&format!("{base}/outbox")).await?;
    wait(c, r#"li.outbox-entry[data-state="network"]"#).await?;
    if let Ok(png) = c.screenshot().await {
        let _ = std::fs::write(shots.join("outbox.png"), png);
    }

    // The network returns: the outbox is sent, once.
    network(c, true).await?;
    wait(c, r#"#net-status[data-online="true"]"#).await?;
    wait(c, "#outbox-empty").await?;
    // The bar says the server answers again (it is asked while it did not).
    wait(c, r#"#net-status[data-server="true"]"#).await?;
    let page = cases(addr, c).await?;
    ensure!(
        page["total"] == 1,
        "exactly one case after going online: {page}"
    );
    // What was sent links to the case it made.
    let made = wait(c, "#outbox-sent a.outbox-sent-link")
        .await?
        .attr("href")
        .await?
        .unwrap_or_default();
    ensure!(
        page["items"][0]["id"]
            .as_str()
            .is_some_and(|id| made == format!("/cases/{id}")),
        "the sent entry links to {made:?}, not to the case made: {page}"
    );
    ensure!(
        page["items"][0]["content"]
            .as_str()
            .is_some_and(|t| t.contains("偷排废气"))
            || page.to_string().contains("偷排废气"),
        "the case sent is not the one typed: {page}"
    );

    // The same request again (an answer lost on the way): the first answer, nothing new.
    let replay = c
        .execute_async(
            "const [entry, done] = arguments;
             const csrf = (document.cookie.split('; ').find((c) => c.startsWith('duban_csrf=')) || '').slice(11);
             fetch(entry.url, {
               method: 'POST',
               headers: { 'Content-Type': 'application/json', 'Idempotency-Key': entry.key, 'X-CSRF-Token': csrf },
               body: JSON.stringify(entry.body),
             }).then((r) => done([r.status, r.headers.get('idempotent-replayed')]), (e) => done(String(e)));",
            vec![entry],
        )
        .await?;
    ensure!(
        replay == json!([201, "true"]),
        "a repeat must be answered from the record: {replay}"
    );
    let page = cases(addr, c).await?;
    ensure!(
        page["total"] == 1,
        "a repeat must not create a case: {page}"
    );

    // The draft is gone once the case was queued.
    c.goto(&format!("{base}/cases/new")).await?;
    wait(c, "form#case-form").await?;
    ensure!(
        c.find(Locator::Css("#draft-restored")).await.is_err(),
        "the sent draft came back"
    );

    offline_conflict(c, addr, base, shots, state).await
}

/// On-site verification: the report is kept as it is typed; sent offline, it meets a
/// case the office changed meanwhile (an extension): the handler sees both versions,
/// keeps the report, and the extension stays.
async fn offline_conflict(
    c: &Client,
    addr: SocketAddr,
    base: &str,
    shots: &Path,
    state: &duban_server::service::AppState,
) -> Result<()> {
    use duban_case::lifecycle::Command;
    const MEASURES: &str = "现场核查：企业废气处理设施未运行，已责令立即整改。";
    const SUMMARY: &str = "经现场核查，反映问题属实，已责令整改。";
    const EXTENDED: &str = "需补充监测数据";
    let case = signed_for(state, "京口区某企业夜间排放废气，需现场核查。").await?;
    let page = format!("/cases/{}", case.id());
    sign_in(c, base, "zhenjiang", &page).await?;

    // Typed on site, where the network is gone; after a reload without network the case
    // opens from the copy of the last visit and the report comes back.
    wait(c, r#"button[data-action="report"]"#)
        .await?
        .click()
        .await?;
    wait(c, r#"form#action-form[data-action="report"]"#).await?;
    network(c, false).await?;
    wait(c, r#"#net-status[data-online="false"]"#).await?;
    wait(c, "select[name=finding]")
        .await?
        .select_by_value("substantiated")
        .await?;
    fill(c, "textarea[name=measures]", MEASURES).await?;
    fill(c, "textarea[name=public_summary]", SUMMARY).await?;
    c.refresh().await?;
    wait(c, "#case-offline-copy").await?;
    wait(c, r#"button[data-action="report"]"#)
        .await?
        .click()
        .await?;
    ensure!(
        wait(c, "textarea[name=measures]")
            .await?
            .prop("value")
            .await?
            .as_deref()
            == Some(MEASURES),
        "the verification report is not restored"
    );

    // Sent without network: into the outbox, with the version the handler saw.
    wait(c, "button#confirm-action").await?.click().await?;
    wait(c, "#action-notice").await?;
    wait(c, "#outbox-count").await?;

    // Meanwhile the office extends the deadline.
    let extended = state
        .act(
            case,
            &Command::Extend {
                amount: 2,
                unit: "working_days".into(),
                reason: EXTENDED.into(),
            },
            &duban_server::service::Who::system(),
            state.now(),
        )
        .await
        .map_err(|e| anyhow!("cannot extend: {e:?}"))?;

    // Back online, the outbox meets the newer version: both are shown, nothing is sent.
    c.goto(&format!("{base}/outbox")).await?;
    wait(c, "#outbox-list").await?;
    network(c, true).await?;
    wait(c, r#"li.outbox-entry[data-state="conflict"]"#).await?;
    let reason = wait(c, r#"#conflict-table td[data-field="reason"]"#)
        .await?
        .text()
        .await?;
    ensure!(
        reason.contains(EXTENDED),
        "their change is not shown: {reason}"
    );
    let mine = wait(
        c,
        r#"#conflict-table tr[data-field="measures"] td[data-side="mine"]"#,
    )
    .await?
    .text()
    .await?;
    ensure!(
        mine.contains("废气处理设施"),
        "my report is not shown: {mine}"
    );
    if let Ok(png) = c.screenshot().await {
        let _ = std::fs::write(shots.join("conflict.png"), png);
    }
    let session = c
        .get_named_cookie("duban_session")
        .await
        .context("no session cookie")?;
    let cookie = format!("Cookie: duban_session={}\r\n", session.value());
    let (_, body) = http_get_with(addr, &format!("/api/v1{page}"), &cookie).await?;
    let now: Value = serde_json::from_str(&body)?;
    ensure!(
        now["status"] == "signed_for" && now["version"] == json!(extended.version()),
        "nothing may be sent before the user chose: {now}"
    );

    // The handler keeps the report: sent against the version now seen; the extension stays.
    wait(c, "button.conflict-mine").await?.click().await?;
    wait(c, "#outbox-empty").await?;
    let (_, body) = http_get_with(addr, &format!("/api/v1{page}"), &cookie).await?;
    let now: Value = serde_json::from_str(&body)?;
    ensure!(
        now["status"] == "reported",
        "the report was not sent: {now}"
    );
    ensure!(
        now["outcome"]["measures"] == MEASURES,
        "the report sent is not the one typed: {now}"
    );
    ensure!(
        body.contains(EXTENDED) || body.contains("\"extensions\":1"),
        "the extension was overwritten: {now}"
    );
    Ok(())
}

/// Time to first render, for `benches/first_render.rs` (a benchmark, not a test: nothing
/// here asserts a time). Each cold run is a new Chromium profile (no HTTP cache, no
/// service worker) opening the sign-in page; each warm run opens the case list (50 of
/// 200 cases) signed in, with the shell cached by the first visit. Figures are the
/// page's own clocks: `first-contentful-paint` (the body is empty until the app
/// renders), the moment the page's element exists, and the WASM's resource timing.
#[allow(dead_code)]
pub(crate) async fn first_render(runs: usize) -> Result<Vec<RenderRun>> {
    let Some(env) = Env::find()? else {
        bail!("the web app or Chromium is missing (see the notice above)");
    };
    let tmp = TempDir::new()?;
    let url = format!("sqlite://{}/duban.db", tmp.path().display());
    let store = duban_server::store::SqliteStore::open(&url).await?;
    let state = duban_server::service::AppState::new(Arc::new(store)).await?;
    state
        .create_user(
            "coordinator",
            "分办员",
            duban_server::auth::Role::Coordinator,
            Some("prov-coord"),
            PASSWORD,
            &duban_server::service::Who::system(),
            "first render bench",
        )
        .await
        .map_err(|e| anyhow!("cannot create the bench user: {e:?}"))?;
    for i in 0..200 {
        register(&state, 1 + i % 9, &format!("{CONTENT}（第{i}件）")).await?;
    }
    let (addr, server) = serve(&state, &env.dist).await?;
    let base = format!("http://{addr}");
    let driver = Driver::start(&env.chromedriver, tmp.path())?;
    driver.wait_ready().await?;
    let mut out = Vec::new();
    for run in 0..runs {
        let profile = tmp.path().join(format!("run-{run}"));
        std::fs::create_dir_all(&profile)?;
        let c = connect(&driver, &env.chromium, &profile).await?;
        let result = async {
            c.goto(&format!("{base}/")).await?;
            let cold = page_timing(&c, "form#login-form").await?;
            sign_in(&c, &base, "coordinator", "/").await?;
            c.goto(&format!("{base}/cases")).await?;
            let warm = page_timing(&c, "#case-table tbody tr").await?;
            Ok::<_, anyhow::Error>(RenderRun { cold, warm })
        }
        .await;
        let _ = c.close().await;
        out.push(result?);
    }
    drop(driver);
    server.abort();
    Ok(out)
}

/// One cold and one warm page load.
#[allow(dead_code)]
pub(crate) struct RenderRun {
    pub cold: PageTiming,
    pub warm: PageTiming,
}

/// A page load's figures, in milliseconds from the navigation's start.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct PageTiming {
    pub first_contentful_paint: f64,
    /// When the awaited element was first seen (polled every 5 ms: an upper bound).
    pub element: f64,
    pub wasm_fetch: f64,
    /// Bytes on the wire for the WASM (0 when it came from a cache).
    pub wasm_transfer: f64,
}

async fn page_timing(c: &Client, css: &str) -> Result<PageTiming> {
    let deadline = Instant::now() + WAIT;
    let seen = loop {
        let at = c
            .execute(
                "return document.querySelector(arguments[0]) ? performance.now() : null;",
                vec![json!(css)],
            )
            .await?;
        if let Some(ms) = at.as_f64() {
            break ms;
        }
        ensure!(Instant::now() < deadline, "waiting {WAIT:?} for `{css}`");
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    // The paint entry is queued just after the frame; give it a moment.
    let deadline = Instant::now() + WAIT;
    loop {
        let v = c
            .execute(
                // The preload and the app's own fetch are two entries; the one that came
                // over the network has the size.
                r#"const p = performance.getEntriesByName("first-contentful-paint")[0];
                   const ws = performance.getEntriesByType("resource").filter(r => r.name.includes(".wasm"));
                   const most = (f) => ws.reduce((m, r) => Math.max(m, f(r)), 0);
                   return p ? [p.startTime, most(r => r.responseEnd - r.startTime), most(r => r.transferSize)] : null;"#,
                vec![],
            )
            .await?;
        if let Some([fcp, fetch, transfer]) = v.as_array().and_then(|a| {
            <[Value; 3]>::try_from(a.clone())
                .ok()
                .map(|a| a.map(|x| x.as_f64().unwrap_or(0.0)))
        }) {
            return Ok(PageTiming {
                first_contentful_paint: fcp,
                element: seen,
                wasm_fetch: fetch,
                wasm_transfer: transfer,
            });
        }
        ensure!(Instant::now() < deadline, "no first-contentful-paint entry");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
