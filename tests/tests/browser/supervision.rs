//! Follow-up supervision in the browser.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_up_supervision_in_browser() -> Result<()> {
    in_browser("supervision", supervision_story).await
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
