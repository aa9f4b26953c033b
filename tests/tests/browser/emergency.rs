//! Emergency linkage in the browser.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emergency_linkage_in_browser() -> Result<()> {
    in_browser("emergency", emergency_story).await
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
