//! A report with a file attached.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_with_attachment_in_browser() -> Result<()> {
    in_browser("report-file", report_file_story).await
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
