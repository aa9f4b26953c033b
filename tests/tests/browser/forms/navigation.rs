//! The navigation at 1366 px and 390 px, and the case list as cards on a phone.

use fantoccini::key::Key;

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn navigation_and_phone_list_in_browser() -> Result<()> {
    in_browser("navigation", navigation_story).await
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
