//! Forms and pages as a new user meets them (issue 20, points 8, 9, 12, 13, 15):
//! decimals typed key by key, a prefilled time limit replaced by typing, the navigation
//! at 1366 px and 390 px, the case list as cards on a phone, the outbox notice in sight
//! and the role in the reader's language, a report with a file attached.
//!
//! Run: `DUBAN_DIST=/work/main/dist cargo test -p duban-tests --test workspace browser::forms`

use super::*;

mod navigation;
mod notice;
mod numeric;
mod report_file;

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
