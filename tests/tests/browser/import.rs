//! A transfer list imported in the browser.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_import_in_browser() -> Result<()> {
    in_browser("import", import_story).await
}

/// A transfer list of batch 9 as an inspection team sends it: a title row, then the
/// template's columns; `contents` one row each, all in 京口区.
fn transfer_list(contents: &[&str]) -> String {
    let mut out = String::from(
        "第9批交办信访件清单\n序号,批次号,交办编号,交办日期,来电/来信,举报内容,行政区域,地址,污染类型,是否重点\n",
    );
    for (i, content) in contents.iter().enumerate() {
        out.push_str(&format!(
            "{n},第9批,D09{n:04},{date},来电,{content},镇江市京口区,{ADDRESS},水,否\n",
            n = i + 1,
            date = today_utc8()
        ));
    }
    out
}

/// Batch import: a transfer list with a bad row is previewed with the form's error on
/// that row and cannot be imported; the corrected file imports all rows at once, shows
/// the repeat of a case already registered, and the batch is dispatched as proposed
/// right away; the same file again is recognised and creates nothing.
async fn import_story(
    c: &Client,
    _addr: SocketAddr,
    base: &str,
    shots: &Path,
    state: &duban_server::service::AppState,
) -> Result<()> {
    const SEWAGE: &str = "京口区某小区生活污水直排入河，夏天臭味很重，影响居民生活。";
    register(state, 7, SEWAGE).await?;
    let rows = [
        SEWAGE,
        "京口区某厂夜间排放刺鼻废气，周边居民难以入睡。",
        "京口区某工地夜间施工噪声扰民，持续一个月。",
    ];
    let dir = tempdir_in(shots)?;
    let file = dir.join("第9批交办清单.csv");
    let mut bad = rows;
    bad[1] = SHORT_CONTENT;
    std::fs::write(&file, transfer_list(&bad))?;

    sign_in(c, base, "coordinator", "/import").await?;
    let input = wait(c, "input#import-file").await?;
    input.send_keys(&file.display().to_string()).await?;
    wait(c, r#"#import-preview[data-total="3"][data-errors="1"]"#).await?;
    let error = wait(c, r#"tr.import-row[data-line="4"] .field-error"#).await?;
    let code = error.attr("data-code").await?;
    ensure!(
        code.as_deref() == Some("content.too_short"),
        "the bad row shows {code:?}, not the form's content.too_short"
    );
    wait(c, "#import-commit-blocked").await?;
    ensure!(
        wait(c, "button#import-commit")
            .await?
            .attr("disabled")
            .await?
            .is_some(),
        "a list with an error row can be imported"
    );
    let png = c.screenshot().await?;
    std::fs::write(shots.join("import-errors.png"), png)?;

    // Corrected, chosen again: every row valid, the first one a repeat.
    std::fs::write(&file, transfer_list(&rows))?;
    wait(c, "input#import-file")
        .await?
        .send_keys(&file.display().to_string())
        .await?;
    wait(c, r#"#import-preview[data-total="3"][data-errors="0"]"#).await?;
    wait(
        c,
        r#"tr.import-row[data-line="3"] .repeats .repeat a.case-link"#,
    )
    .await?;
    wait(c, "button#import-commit:not([disabled])")
        .await?
        .click()
        .await?;
    wait(c, r#"#import-result[data-count="3"][data-batch="9"]"#).await?;
    let imported = state
        .store
        .cases(&duban_server::store::CaseFilter::default())
        .await
        .map_err(|e| anyhow!("{e:?}"))?;
    ensure!(
        imported.len() == 4,
        "{} cases after the import",
        imported.len()
    );

    // Straight on to dispatch the batch as proposed.
    wait(c, "a#import-to-dispatch").await?.click().await?;
    wait(c, "button#dispatch-batch").await?.click().await?;
    wait(c, "#dispatch-batch-confirm").await?.click().await?;
    let result = wait(c, "#dispatch-result").await?;
    let sent = result.attr("data-dispatched").await?;
    ensure!(
        sent.as_deref() == Some("3"),
        "dispatching the imported batch sent {sent:?} cases, not 3"
    );

    // The same list again: recognised, nothing new.
    c.goto(&format!("{base}/import")).await?;
    wait(c, "input#import-file")
        .await?
        .send_keys(&file.display().to_string())
        .await?;
    wait(c, "#import-already").await?;
    let after = state
        .store
        .cases(&duban_server::store::CaseFilter::default())
        .await
        .map_err(|e| anyhow!("{e:?}"))?;
    ensure!(
        after.len() == 4,
        "{} cases after the second upload",
        after.len()
    );
    println!(
        "batch import: errors shown per row, 3 rows imported and dispatched, the repeat upload refused"
    );
    Ok(())
}
