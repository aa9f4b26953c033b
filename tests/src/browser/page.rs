//! Page helpers: waiting for elements, typing, signing in, the intake form.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail, ensure};
use fantoccini::{Client, Locator};
use serde_json::json;

use crate::browser::fixtures::today_utc8;
use crate::browser::{ADDRESS, COMPLAINANT, DIVISION, PASSWORD, PHONE, SENDER_REF, WAIT};

/// Sign in through the page (after dropping any session).
pub async fn sign_in(c: &Client, base: &str, username: &str, next: &str) -> Result<()> {
    c.delete_all_cookies().await?;
    c.goto(&format!("{base}{next}")).await?;
    wait(c, "form#login-form").await?;
    wait(c, "input[name=username]")
        .await?
        .send_keys(username)
        .await?;
    wait(c, "input[name=password]")
        .await?
        .send_keys(PASSWORD)
        .await?;
    wait(c, "button#login-submit").await?.click().await?;
    wait(c, "#current-user").await?;
    Ok(())
}

/// The coordinator names `supervisor` on the key case at `page` (chosen from the
/// accounts with that role); the supervisor signs in and opens the order form.
pub async fn open_order_form(c: &Client, base: &str, page: &str) -> Result<()> {
    sign_in(c, base, "coordinator", page).await?;
    wait(
        c,
        r#"form#assign-supervisor select[name=supervisor] option[value="supervisor"]"#,
    )
    .await?;
    wait(c, "form#assign-supervisor select[name=supervisor]")
        .await?
        .select_by_value("supervisor")
        .await?;
    wait(c, "#assign-submit").await?.click().await?;
    wait(c, r#"#supervision[data-supervisor="supervisor"]"#).await?;
    sign_in(c, base, "supervisor", page).await?;
    wait(c, "#supervision-actions button[data-command=issue_order]")
        .await?
        .click()
        .await?;
    Ok(())
}

/// Type into a field inside a form (clearing it first).
pub async fn fill(c: &Client, css: &str, text: &str) -> Result<()> {
    let field = wait(c, css).await?;
    field.clear().await?;
    field.send_keys(text).await?;
    Ok(())
}

/// The user's story, step by step.
/// The intake form's fields after the content: batch, sender's reference, place,
/// complainant and category.
pub async fn fill_intake(c: &Client) -> Result<()> {
    wait(c, "input[name=batch_number]")
        .await?
        .send_keys("3")
        .await?;
    set_value(c, "input[name=batch_date]", &today_utc8(), "input").await?;
    wait(c, "input[name=sender_ref]")
        .await?
        .send_keys(SENDER_REF)
        .await?;
    wait(c, "select[name=division]")
        .await?
        .select_by_value(DIVISION)
        .await?;
    wait(c, "input[name=address]")
        .await?
        .send_keys(ADDRESS)
        .await?;
    wait(c, "input[name=complainant_name]")
        .await?
        .send_keys(COMPLAINANT)
        .await?;
    wait(c, "input[name=complainant_phone]")
        .await?
        .send_keys(PHONE)
        .await?;
    let air = wait(c, r#"input[name=categories][value="air"]"#).await?;
    air.click().await?;
    ensure!(air.is_selected().await?, "the air category is not ticked");
    Ok(())
}

/// Wait for an element, naming the selector if it never comes. Errors while the page
/// navigates (the app redirects to sign-in, say) are retried like a missing element.
pub async fn wait(c: &Client, css: &str) -> Result<fantoccini::elements::Element> {
    let deadline = Instant::now() + WAIT;
    loop {
        match c.find(Locator::Css(css)).await {
            Ok(el) => return Ok(el),
            Err(e) if Instant::now() > deadline => {
                return Err(anyhow!(e)).with_context(|| format!("waiting {WAIT:?} for `{css}`"));
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// Set an input's value from script and fire the event the app listens to (date inputs
/// do not take typed text reliably; everything else is typed, clicked or selected).
pub async fn set_value(c: &Client, css: &str, value: &str, event: &str) -> Result<()> {
    wait(c, css).await?;
    let found = c
        .execute(
            "const el = document.querySelector(arguments[0]);
             if (!el) return false;
             el.value = arguments[1];
             el.dispatchEvent(new Event(arguments[2], { bubbles: true }));
             return el.value === arguments[1];",
            vec![json!(css), json!(value), json!(event)],
        )
        .await?;
    ensure!(found == json!(true), "could not set `{css}` to {value:?}");
    Ok(())
}

/// Wait (bounded) until the form shows no field error; name the ones left.
pub async fn no_field_errors(c: &Client) -> Result<()> {
    let deadline = Instant::now() + WAIT;
    loop {
        let mut left = Vec::new();
        for p in c
            .find_all(Locator::Css("form#case-form .field-error"))
            .await?
        {
            left.push(format!(
                "{}: {}",
                p.attr("data-code").await?.unwrap_or_default(),
                p.text().await?
            ));
        }
        if left.is_empty() {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("errors still shown after fixing the form: {left:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Wait (bounded) until the script returns true.
pub async fn until(c: &Client, what: &str, script: &str) -> Result<()> {
    let deadline = Instant::now() + WAIT;
    loop {
        if c.execute(script, vec![]).await? == json!(true) {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("waited {WAIT:?} for {what}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
