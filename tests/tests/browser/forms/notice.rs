//! The outbox notice in sight and the role in the reader's language.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbox_notice_and_role_label_in_browser() -> Result<()> {
    in_browser("notice", notice_story).await
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
