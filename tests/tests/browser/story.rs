//! The first story: an invalid case is refused in the browser (validation compiled to
//! WASM), fixed and registered, found again in the list, dispatched to a unit; the API
//! then holds exactly that one case, dispatched. A screenshot of the detail page is
//! written to `target/browser-test/detail.png` (on failure: `failure.png`).

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_story() -> Result<()> {
    in_browser("story", story).await
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
        .send_keys("first pass at duban")
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
