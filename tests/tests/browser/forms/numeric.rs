//! Decimals typed key by key and a prefilled time limit replaced by typing.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numeric_fields_in_browser() -> Result<()> {
    in_browser("numeric", numeric_story).await
}

/// Point 8: coordinates typed key by key keep their decimals and are what is sent.
/// Point 9: the prefilled 5 of a supervision order's limit is replaced by a typed 3, and
/// 53 working days are refused in the form with `amount.above_max`.
async fn numeric_story(
    c: &Client,
    addr: SocketAddr,
    base: &str,
    _shots: &Path,
    state: &duban_server::service::AppState,
) -> Result<()> {
    sign_in(c, base, "coordinator", "/cases/new").await?;
    wait(c, "form#case-form").await?;
    wait(c, "textarea[name=content]")
        .await?
        .send_keys(CONTENT)
        .await?;
    fill_intake(c).await?;
    type_slowly(c, "input[name=lat]", "32.05").await?;
    type_slowly(c, "input[name=lon]", "118.78").await?;
    no_field_errors(c).await?;
    wait(c, "button#submit-case").await?.click().await?;
    wait(c, "span.reference").await?;
    let at = c.current_url().await?;
    let id = at
        .path()
        .strip_prefix("/cases/")
        .filter(|id| !id.is_empty() && *id != "new")
        .with_context(|| format!("not a case page: {at}"))?
        .to_owned();
    let case = api_json(addr, c, &format!("/api/v1/cases/{id}")).await?;
    let text = case.to_string();
    ensure!(
        text.contains(r#""lat":32.05"#) && text.contains(r#""lon":118.78"#),
        "the case was not stored at 32.05, 118.78: {text}"
    );

    // The supervision order's limit.
    let key = dispatched(
        state,
        "京口区某化工企业夜间偷排废气，气味刺鼻，周边居民反映强烈。",
    )
    .await?;
    let page = format!("/cases/{}", key.id());
    open_order_form(c, base, &page).await?;
    let amount = "form#issue-order input[name=amount]";
    ensure!(
        value_of(c, amount).await? == "5",
        "the limit is not prefilled"
    );
    // Click into the prefilled field and type: the 5 is replaced, not appended to.
    wait(c, amount).await?.click().await?;
    wait(c, amount).await?.send_keys("3").await?;
    let now = value_of(c, amount).await?;
    ensure!(now == "3", "typing 3 into the prefilled 5 gave {now:?}");
    wait(
        c,
        &format!(r#"form#issue-order select[name=target_unit] option[value="{LEAD_UNIT}"]"#),
    )
    .await?;
    wait(c, "form#issue-order select[name=target_unit]")
        .await?
        .select_by_value(LEAD_UNIT)
        .await?;
    fill(
        c,
        "form#issue-order textarea[name=demands]",
        "请于时限内查明偷排情况并报送整改方案",
    )
    .await?;
    fill(c, amount, "53").await?;
    wait(c, "#issue-order-submit").await?.click().await?;
    wait(
        c,
        r#"form#issue-order p.field-error[data-field="amount"][data-code="amount.above_max"]"#,
    )
    .await?;
    ensure!(
        c.find_all(Locator::Css("table#orders tr.order"))
            .await?
            .is_empty(),
        "an order of 53 working days was issued"
    );
    fill(c, amount, "3").await?;
    wait(c, "#issue-order-submit").await?.click().await?;
    wait(c, r#"table#orders tr.order[data-status="open"]"#).await?;
    println!("numeric: 32.05 / 118.78 typed and stored; order limit 5 → 3, 53 refused");
    Ok(())
}

/// The value property of the first element matching `css`.
async fn value_of(c: &Client, css: &str) -> Result<String> {
    Ok(wait(c, css).await?.prop("value").await?.unwrap_or_default())
}

/// Type `text` one key at a time; after each key the field holds exactly what was typed
/// so far (a field re-derived from the parsed number turned `32.05` into `325`).
async fn type_slowly(c: &Client, css: &str, text: &str) -> Result<()> {
    let field = wait(c, css).await?;
    let mut typed = String::new();
    for ch in text.chars() {
        field.send_keys(&ch.to_string()).await?;
        typed.push(ch);
        // Let the app re-render before looking.
        tokio::time::sleep(Duration::from_millis(60)).await;
        let now = value_of(c, css).await?;
        ensure!(now == typed, "`{css}` shows {now:?} after typing {typed:?}");
    }
    Ok(())
}

/// GET a path of the API as JSON with the browser's session.
async fn api_json(addr: SocketAddr, c: &Client, path: &str) -> Result<Value> {
    let session = c
        .get_named_cookie("duban_session")
        .await
        .context("no session cookie")?;
    let header = format!("Cookie: duban_session={}\r\n", session.value());
    let (status, body) = http_get_with(addr, path, &header).await?;
    ensure!(status == 200, "GET {path}: {status} {body}");
    Ok(serde_json::from_str(&body)?)
}
