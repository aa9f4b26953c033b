//! Quick dispatch in the browser.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_dispatch_in_browser() -> Result<()> {
    in_browser("dispatch", dispatch_story).await
}

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
