//! Forms and pages as a new user meets them (issue 20, points 8, 9, 12, 13, 15):
//! decimals typed key by key, a prefilled time limit replaced by typing, the navigation
//! at 1366 px and 390 px, the case list as cards on a phone, the outbox notice in sight
//! and the role in the reader's language, a report with a file attached.
//!
//! Run: `DUBAN_DIST=/work/main/dist cargo test -p duban-tests --test workspace browser::forms`

use fantoccini::key::Key;

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numeric_fields_in_browser() -> Result<()> {
    in_browser("numeric", numeric_story).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn navigation_and_phone_list_in_browser() -> Result<()> {
    in_browser("navigation", navigation_story).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbox_notice_and_role_label_in_browser() -> Result<()> {
    in_browser("notice", notice_story).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_with_attachment_in_browser() -> Result<()> {
    in_browser("report-file", report_file_story).await
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

/// Set the page's viewport to `width`×`height` CSS pixels (media queries follow).
async fn viewport(c: &Client, width: u32, height: u32) -> Result<()> {
    c.issue_cmd(cdp(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}),
    ))
    .await?;
    until(
        c,
        "the viewport size",
        &format!("return window.innerWidth === {width};"),
    )
    .await
}

/// Whether the element `#id` is shown and wholly inside the viewport.
const IN_VIEW: &str = "const el = document.getElementById(arguments[0]);
    if (!el) return 'missing';
    const r = el.getBoundingClientRect();
    // A closed <details> hides its content with content-visibility: not laid out.
    if (r.width === 0 || r.height === 0 || !el.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true}))
        return 'hidden';
    if (r.left < 0 || r.top < 0 || r.right > window.innerWidth + 0.5 || r.bottom > window.innerHeight + 0.5)
        return 'outside ' + JSON.stringify(r) + ' of ' + window.innerWidth + 'x' + window.innerHeight;
    return 'ok';";

async fn in_view(c: &Client, id: &str) -> Result<String> {
    Ok(c.execute(IN_VIEW, vec![json!(id)])
        .await?
        .as_str()
        .unwrap_or("?")
        .to_owned())
}

/// Every navigation item is reachable at this size: the top-level ones in view, each
/// menu's items in view once the menu is opened (by a click, the first by the keyboard),
/// and the navigation does not scroll sideways.
async fn every_nav_item_reachable(c: &Client, width: u32) -> Result<()> {
    let overflow = c
        .execute(
            "const n = document.querySelector('nav.nav');
             return [n.scrollWidth - n.clientWidth, document.documentElement.scrollWidth - window.innerWidth];",
            vec![],
        )
        .await?;
    ensure!(
        overflow == json!([0, 0]),
        "at {width} px the navigation or the page scrolls sideways: {overflow}"
    );
    ensure!(
        in_view(c, "nav-inbox").await? == "ok",
        "at {width} px the inbox link is not in view"
    );
    let menus = [
        (
            "nav-group-cases",
            &["nav-cases", "nav-new-case", "nav-import"][..],
        ),
        (
            "nav-group-mechanisms",
            &["nav-clearing", "nav-referrals", "nav-incidents"][..],
        ),
        (
            "nav-group-board",
            &["nav-board", "nav-public", "nav-calendar"][..],
        ),
        (
            "nav-admin",
            &[
                "nav-admin-users",
                "nav-admin-units",
                "nav-admin-routing",
                "nav-admin-plans",
                "nav-admin-sla",
                "nav-admin-audit",
                "nav-admin-api-clients",
            ][..],
        ),
    ];
    for (i, (menu, items)) in menus.iter().enumerate() {
        let summary = wait(c, &format!("details#{menu} > summary")).await?;
        ensure!(
            in_view(c, menu).await? == "ok",
            "at {width} px the menu {menu} is not in view"
        );
        for item in *items {
            let seen = in_view(c, item).await?;
            ensure!(
                seen == "hidden",
                "at {width} px {item} shows before its menu is opened: {seen}"
            );
        }
        if i == 0 {
            // The keyboard opens a menu: focus its summary and press Enter.
            c.execute(
                "document.querySelector(arguments[0]).focus();",
                vec![json!(format!("details#{menu} > summary"))],
            )
            .await?;
            c.active_element().await?.send_keys(&Key::Enter).await?;
        } else {
            summary.click().await?;
        }
        until(
            c,
            "the menu to open",
            &format!("return document.getElementById('{menu}').open;"),
        )
        .await?;
        for item in *items {
            let seen = in_view(c, item).await?;
            ensure!(
                seen == "ok",
                "at {width} px {item} is not reachable in {menu}: {seen}"
            );
        }
        // Escape closes it again.
        c.active_element().await?.send_keys(&Key::Escape).await?;
        until(
            c,
            "the menu to close",
            &format!("return !document.getElementById('{menu}').open;"),
        )
        .await?;
    }
    // A page chosen from a menu opens.
    wait(c, "details#nav-group-board > summary")
        .await?
        .click()
        .await?;
    wait(c, "#nav-calendar").await?.click().await?;
    until(
        c,
        "the calendar page",
        "return location.pathname === '/calendar';",
    )
    .await?;
    c.back().await?;
    Ok(())
}

/// Point 12: at 1366×768 and at 390×844 every navigation item is reachable without
/// scrolling; at 390 px the case list is a list of cards showing status and deadline.
async fn navigation_story(
    c: &Client,
    _addr: SocketAddr,
    base: &str,
    shots: &Path,
    state: &duban_server::service::AppState,
) -> Result<()> {
    dispatched(state, "京口区某化工企业夜间偷排废气，气味刺鼻。").await?;
    register(
        state,
        4,
        "丹徒区某砂石场粉尘污染严重，居民晾晒衣物落满灰尘。",
    )
    .await?;
    sign_in(c, base, "admin", "/").await?;
    for (width, height) in [(1366, 768), (390, 844)] {
        viewport(c, width, height).await?;
        c.goto(&format!("{base}/")).await?;
        wait(c, "tr.case-row").await?;
        every_nav_item_reachable(c, width).await?;
        if let Ok(png) = c.screenshot().await {
            std::fs::write(shots.join(format!("navigation-{width}.png")), png)?;
        }
    }
    // At 390 px: every case is a card with its status and deadline in view.
    wait(c, "tr.case-row td.cell-deadline [data-sla]").await?;
    let cards = c
        .execute(
            "const bad = [];
             const rows = document.querySelectorAll('#case-table tr.case-row');
             for (const row of rows) {
               if (getComputedStyle(row).display !== 'grid') bad.push('not a card: ' + row.dataset.id);
               for (const cell of ['cell-status', 'cell-deadline']) {
                 const el = row.querySelector('td.' + cell);
                 const r = el ? el.getBoundingClientRect() : null;
                 if (!r || r.width === 0 || r.right > window.innerWidth || r.left < 0)
                   bad.push(cell + ' of ' + row.dataset.id + ' is not in view');
                 else if (!el.textContent.trim()) bad.push(cell + ' of ' + row.dataset.id + ' is empty');
               }
             }
             return [rows.length, bad];",
            vec![],
        )
        .await?;
    ensure!(
        cards[0].as_u64().unwrap_or(0) >= 2 && cards[1] == json!([]),
        "the phone list: {cards}"
    );
    println!(
        "navigation: every item reachable at 1366 and 390 px; phone cards show status and deadline"
    );
    Ok(())
}

/// Point 15: the notice of a case saved to the outbox offline is in view where the form
/// was submitted (its bottom); in English the signed-in role reads in English.
async fn notice_story(
    c: &Client,
    _addr: SocketAddr,
    base: &str,
    _shots: &Path,
    _state: &duban_server::service::AppState,
) -> Result<()> {
    sign_in(c, base, "coordinator", "/cases/new").await?;
    wait(c, "form#case-form").await?;
    viewport(c, 1366, 768).await?;
    wait(c, "textarea[name=content]")
        .await?
        .send_keys(CONTENT)
        .await?;
    fill_intake(c).await?;
    no_field_errors(c).await?;
    network(c, false).await?;
    until(c, "the browser to be offline", "return !navigator.onLine;").await?;
    let submit = wait(c, "button#submit-case").await?;
    c.execute(
        "document.querySelector('button#submit-case').scrollIntoView({block: 'end'});",
        vec![],
    )
    .await?;
    submit.click().await?;
    wait(c, "#case-queued").await?;
    let seen = in_view(c, "case-queued").await?;
    network(c, true).await?;
    ensure!(
        seen == "ok",
        "the outbox notice is not in view after submitting: {seen}"
    );

    // The role in the reader's language (the test account's name is 分办员).
    let shown = wait(c, "#current-user").await?.text().await?;
    ensure!(shown.contains("协调员"), "the role is not shown: {shown:?}");
    // The language switch (the sign-out button shares its look but has no title).
    wait(c, "button.lang-switch[title]").await?.click().await?;
    until(
        c,
        "the page in English",
        "const u = document.getElementById('current-user');
         return document.documentElement.lang === 'en' && !!u && u.textContent.includes('Coordinator');",
    )
    .await?;
    wait(c, "button.lang-switch[title]").await?.click().await?;
    println!("notice: the outbox notice in view; the role reads in English");
    Ok(())
}

/// Point 13: the handler reports a result with a file attached (checked before upload:
/// a text file is refused with the server's code); the case page lists the file.
/// Offline the picker is disabled and says why.
async fn report_file_story(
    c: &Client,
    _addr: SocketAddr,
    base: &str,
    shots: &Path,
    state: &duban_server::service::AppState,
) -> Result<()> {
    let case = signed_for(state, "京口区某企业夜间排放废气，需现场核查。").await?;
    let page = format!("/cases/{}", case.id());
    sign_in(c, base, "zhenjiang", &page).await?;
    wait(c, r#"button[data-action="report"]"#)
        .await?
        .click()
        .await?;
    wait(c, r#"form#action-form[data-action="report"]"#).await?;
    wait(c, "select[name=finding]")
        .await?
        .select_by_value("substantiated")
        .await?;
    fill(
        c,
        "textarea[name=measures]",
        "现场核查：企业废气处理设施未运行，已责令立即整改。",
    )
    .await?;
    fill(
        c,
        "textarea[name=public_summary]",
        "经现场核查，反映问题属实，已责令整改。",
    )
    .await?;

    // Not an accepted type: refused in the form, nothing uploaded.
    let text = shots.join("notes.txt");
    std::fs::write(&text, "整改记录")?;
    wait(c, "#report-files")
        .await?
        .send_keys(&text.display().to_string())
        .await?;
    wait(
        c,
        r#"form#action-form p.field-error[data-code="file.type_unsupported"]"#,
    )
    .await?;
    ensure!(
        c.find_all(Locator::Css("#report-uploads li.upload"))
            .await?
            .is_empty(),
        "a refused file is listed as uploaded"
    );

    // Offline the picker is disabled and says so.
    network(c, false).await?;
    wait(c, "#report-files-offline").await?;
    ensure!(
        wait(c, "#report-files")
            .await?
            .prop("disabled")
            .await?
            .as_deref()
            == Some("true"),
        "the file picker stays enabled offline"
    );
    network(c, true).await?;
    until(
        c,
        "the picker enabled again",
        "return !document.getElementById('report-files').disabled;",
    )
    .await?;

    let photo = shots.join("rectified.png");
    std::fs::write(&photo, PNG_1X1)?;
    wait(c, "#report-files")
        .await?
        .send_keys(&photo.display().to_string())
        .await?;
    let uploaded = wait(c, "#report-uploads li.upload[data-id]").await?;
    let file_id = uploaded.attr("data-id").await?.context("no file id")?;
    wait(c, "button#confirm-action").await?.click().await?;
    until(
        c,
        "the report sent",
        "return !document.querySelector('form#action-form');",
    )
    .await?;
    // The case page lists the file, also when opened afresh.
    c.refresh().await?;
    wait(
        c,
        &format!(r#"section#case-attachments li.upload[data-id="{file_id}"]"#),
    )
    .await?;
    println!("report-file: a result reported with a photo; the case page lists it");
    Ok(())
}
