//! Fixing a transfer list in the preview (issue 20, point 3): an unknown place name is
//! replaced by a division picked from the list (a functional zone), an unreadable date
//! is corrected, a row is excluded with a reason; the rest imports, all or nothing. A
//! list lacking the channel and batch columns gets both once for the whole file, is
//! imported as historical, and its case says so (points 4 and 7).
//!
//! Run: `DUBAN_DIST=/work/main/dist cargo test -p duban-tests --test workspace browser::import_fix`

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixing_and_excluding_import_rows_in_browser() -> Result<()> {
    in_browser("import-fix", fix_story).await
}

async fn fix_story(
    c: &Client,
    _addr: SocketAddr,
    base: &str,
    shots: &Path,
    state: &duban_server::service::AppState,
) -> Result<()> {
    let today = today_utc8();
    let csv = format!(
        "序号,批次号,交办编号,交办日期,来电/来信,举报内容,行政区域,地址,污染类型\n\
         1,9,F0001,{today},来电,京口区某厂夜间排放刺鼻废气，周边居民难以入睡。,镇江市京口区,{ADDRESS},大气\n\
         2,9,F0002,{today},来电,某企业废水直排河道，河水发黑发臭。,火星市,某路2号,水\n\
         3,9,F0003,2026/13/45,来电,某工地夜间施工噪声扰民，持续一个月。,镇江市京口区,某路3号,噪声\n\
         4,9,F0004,{today},来电,太短,镇江市京口区,某路4号,大气\n"
    );
    let dir = tempdir_in(shots)?;
    let file = dir.join("第9批交办清单.csv");
    std::fs::write(&file, csv)?;

    sign_in(c, base, "coordinator", "/import").await?;
    wait(c, "input#import-file")
        .await?
        .send_keys(&file.display().to_string())
        .await?;
    wait(c, r#"#import-preview[data-total="4"][data-errors="3"]"#).await?;

    // The unknown place: a functional zone picked from the list.
    wait(c, r#"tr.import-row[data-line="3"] select.row-fix-division"#)
        .await?
        .select_by_value("320571")
        .await?;
    wait(c, r#"#import-preview[data-errors="2"]"#).await?;
    // The unreadable date corrected.
    set_value(
        c,
        r#"tr.import-row[data-line="4"] input.row-fix-date"#,
        &today,
        "change",
    )
    .await?;
    wait(c, r#"#import-preview[data-errors="1"]"#).await?;
    // The last row left out, with its reason.
    wait(
        c,
        r#"tr.import-row[data-line="5"] input.row-exclude-reason"#,
    )
    .await?
    .send_keys("内容不全，退回督察组补充")
    .await?;
    wait(c, r#"tr.import-row[data-line="5"] button.row-exclude"#)
        .await?
        .click()
        .await?;
    wait(c, r#"#import-preview[data-errors="0"][data-valid="3"]"#).await?;
    wait(c, r#"tr.import-row.row-excluded[data-line="5"]"#).await?;
    let png = c.screenshot().await?;
    std::fs::write(shots.join("import-fixed.png"), png)?;

    wait(c, "button#import-commit:not([disabled])")
        .await?
        .click()
        .await?;
    wait(c, r#"#import-result[data-count="3"]"#).await?;
    let cases = state
        .store
        .cases(&duban_server::store::CaseFilter::default())
        .await
        .map_err(|e| anyhow!("{e:?}"))?;
    ensure!(cases.len() == 3, "{} cases imported", cases.len());
    ensure!(
        cases.iter().any(|c| c.division().as_str() == "320571"),
        "the row fixed to 苏州工业园区 is not there"
    );

    // A list without channel and batch columns: both set once for the file, imported
    // as historical, and the case page says so.
    let bare = dir.join("无批次清单.csv");
    std::fs::write(
        &bare,
        format!(
            "序号,交办编号,交办日期,举报内容,所属区域,地址,污染类型\n\
             1,G0001,{today},京口区某餐馆油烟直排，邻居无法开窗通风。,昆山开发区,某路5号,大气\n"
        ),
    )?;
    c.goto(&format!("{base}/import")).await?;
    wait(c, "input#import-file")
        .await?
        .send_keys(&bare.display().to_string())
        .await?;
    // Without a channel column the file is refused until one is set for it.
    wait(c, r#"#import-errors [data-code="import.column_missing"]"#).await?;
    wait(c, "select#import-set-channel")
        .await?
        .select_by_value("inspection_phone")
        .await?;
    wait(c, r#"#import-preview[data-total="1"][data-errors="1"]"#).await?;
    wait(c, r#"tr.import-row [data-code="batch.number.required"]"#).await?;
    set_value(c, "input#import-set-batch", "12", "change").await?;
    wait(c, r#"#import-preview[data-total="1"][data-errors="0"]"#).await?;
    wait(c, "input#import-historical").await?.click().await?;
    wait(c, "button#import-commit:not([disabled])")
        .await?
        .click()
        .await?;
    wait(c, r#"#import-result[data-count="1"][data-batch="12"]"#).await?;
    let cases = state
        .store
        .cases(&duban_server::store::CaseFilter::default())
        .await
        .map_err(|e| anyhow!("{e:?}"))?;
    let old = cases
        .iter()
        .find(|c| c.division().as_str() == "320590")
        .ok_or_else(|| anyhow!("no case in 昆山开发区"))?;
    ensure!(old.historical().is_some(), "not imported as historical");
    c.goto(&format!("{base}/cases/{}", old.id())).await?;
    wait(c, "#case-historical").await?;
    println!(
        "import fixes: a zone picked, a date corrected, a row excluded; 3 of 4 imported; \
         channel and batch set for a whole file, imported as historical and shown so"
    );
    Ok(())
}
