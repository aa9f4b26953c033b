//! Sign-in hardening in the browser (issue 27): the idle warning and its "stay signed
//! in", an account's sessions ended by an administrator, and the sign-in page after an
//! idle end.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_warning_and_sessions_in_browser() -> Result<()> {
    in_browser("sessions", sessions_story).await
}

async fn shot(c: &Client, shots: &Path, name: &str) -> Result<()> {
    std::fs::write(shots.join(format!("{name}.png")), c.screenshot().await?)?;
    Ok(())
}

async fn sessions_story(
    c: &Client,
    _addr: SocketAddr,
    base: &str,
    shots: &Path,
    _state: &duban_server::service::AppState,
) -> Result<()> {
    // The coordinator signs in here; the browser then drops the cookie for the
    // administrator's, and the coordinator's session lives on in the server.
    sign_in(c, base, "coordinator", "/inbox").await?;
    sign_in(c, base, "admin", "/admin/users").await?;
    wait(c, "table#user-table").await?;

    // As if unused for 28⅓ of the 30 minutes: the warning shows, with the time left.
    c.execute(
        "localStorage.setItem('duban.activity', String(Date.now() - 1700 * 1000));",
        vec![],
    )
    .await?;
    wait(c, "#idle-warning").await?;
    let left = wait(c, "#idle-left").await?.text().await?;
    ensure!(
        left.starts_with("1:"),
        "about 100 seconds should be left: {left:?}"
    );
    shot(c, shots, "sessions-idle-warning").await?;
    // "Stay signed in" is a request of the user's: the count starts again.
    wait(c, "#idle-stay").await?.click().await?;
    until(
        c,
        "the idle warning to go",
        "return !document.getElementById('idle-warning');",
    )
    .await?;

    // The coordinator's sessions, ended by the administrator.
    wait(
        c,
        r#"tr.user-row[data-username="coordinator"] button.show-sessions"#,
    )
    .await?
    .click()
    .await?;
    wait(c, ".user-sessions tr.session-row").await?;
    let rows = c
        .find_all(Locator::Css(".user-sessions tr.session-row"))
        .await?
        .len();
    ensure!(rows == 1, "one session of the coordinator, not {rows}");
    shot(c, shots, "sessions-admin-view").await?;
    wait(c, "#end-all-sessions").await?.click().await?;
    wait(c, "#admin-notice").await?;
    until(
        c,
        "the session list to be empty",
        "return document.querySelectorAll('.user-sessions tr.session-row').length === 0
            && !!document.querySelector('.user-sessions td.empty');",
    )
    .await?;

    // After an idle end the sign-in page says why it shows.
    c.goto(&format!("{base}/login?next=%2Finbox&reason=idle"))
        .await?;
    wait(c, "#login-idle").await?;
    shot(c, shots, "sessions-login-idle").await?;
    println!("sessions: idle warning and stay, sessions ended by an administrator");
    Ok(())
}
