//! A horizontal referral in the browser.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn horizontal_referral_in_browser() -> Result<()> {
    in_browser("referral", referral_story).await
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
