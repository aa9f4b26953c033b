//! Offline intake: the app from the service worker's cache, the form kept, the outbox.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_forms_in_browser() -> Result<()> {
    in_browser("offline", offline_story).await
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
