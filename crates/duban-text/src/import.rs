//! Batch import (`/import`).

use crate::Entry;

pub(crate) const STRINGS: &[Entry] = &[
    // batch import (/import)
    ("nav.import", "批量导入", "Import"),
    ("import.title", "批量导入交办清单", "Import a transfer list"),
    (
        "import.hint",
        "选择督察组交办清单（Excel 或 CSV，至多32MB），先逐行校验，不保存。有错误的行可在下方逐行改正（选择行政区域、改正日期）或注明理由后排除；其余各行全部无误后一次性导入。",
        "Choose an inspection team's transfer list (Excel or CSV, at most 32 MB). Every row is checked first and nothing is saved. Rows with errors can be corrected below (pick the division, correct a date) or excluded with a reason; once the other rows have no error, they are imported at once.",
    ),
    (
        "import.template_xlsx",
        "下载模板（Excel）",
        "Template (Excel)",
    ),
    ("import.template_csv", "下载模板（CSV）", "Template (CSV)"),
    (
        "import.drop",
        "将文件拖到此处，或点击选择文件（.xlsx、.xls、.csv）",
        "Drop the file here, or click to choose it (.xlsx, .xls, .csv)",
    ),
    (
        "import.sheet",
        "工作表（默认第一个）",
        "Worksheet (the first by default)",
    ),
    ("import.recheck", "重新校验", "Check again"),
    ("import.uploading", "正在上传", "Uploading"),
    ("import.checking", "正在校验…", "Checking…"),
    ("import.importing", "正在导入…", "Importing…"),
    ("import.preview", "校验结果", "Check result"),
    ("import.file", "文件", "File"),
    (
        "import.format",
        "格式 · 编码 · 工作表",
        "Format · encoding · worksheet",
    ),
    ("import.title_line", "标题", "Title"),
    ("import.header_line", "表头所在行", "Header row"),
    ("import.columns", "已识别列", "Columns recognised"),
    ("import.ignored", "已忽略列", "Columns ignored"),
    (
        "import.counts",
        "共{total}行，可导入{valid}行，{errors}行有错误，{excluded}行已排除",
        "{total} rows: {valid} can be imported, {errors} have errors, {excluded} excluded",
    ),
    (
        "import.already",
        "该批次已于{at}由{by}导入（{rows}件），不会重复创建",
        "This batch was imported on {at} by {by} ({rows} cases); it will not be created again",
    ),
    ("import.commit", "确认导入 {n} 件", "Import {n} cases"),
    (
        "import.commit_blocked",
        "有错误，不能导入",
        "Errors found: cannot import",
    ),
    (
        "import.commit_nothing",
        "没有可导入的案件",
        "Nothing to import",
    ),
    (
        "import.skipped_examples",
        "已跳过示例行（序号为“示例”）：第{lines}行，不计入案件",
        "Example rows skipped (序号 “示例”): line {lines}; not counted as cases",
    ),
    ("import.col.categories", "污染类型", "Categories"),
    ("import.col.key", "重点", "Key"),
    ("import.not_key", "否", "No"),
    (
        "import.blocked",
        "请在下方改正有错误的行，或注明理由将其排除（也可改正文件后重新选择）；其余各行全部无误才能导入。",
        "Correct the rows with errors below, or exclude them with a reason (or correct the file and choose it again): the other rows are imported only when none has an error.",
    ),
    (
        "import.errors_only",
        "只看有错误的行",
        "Only rows with errors",
    ),
    ("import.col.line", "行号", "Line"),
    ("import.col.sender_ref", "交办编号", "Transfer no."),
    ("import.col.division", "行政区域", "Division"),
    ("import.col.excerpt", "内容摘要", "Content"),
    ("import.col.received", "受理时间", "Received"),
    ("import.col.lead", "拟牵头单位", "Proposed lead"),
    ("import.col.repeats", "疑似重复", "Possible repeats"),
    ("import.col.problems", "问题", "Problems"),
    (
        "import.source.batch_date",
        "按交办日期08:30计",
        "From the transfer date, 08:30",
    ),
    (
        "import.source.now",
        "无日期，按导入时间计",
        "No date: the import time",
    ),
    ("import.key", "重点", "Key"),
    ("import.row_number", "序号", "No."),
    ("import.reason_sep", "；", "; "),
    ("import.row_prefix", "第{line}行：", "Line {line}: "),
    ("import.no_rows", "没有要显示的行。", "No rows to show."),
    (
        "import.more",
        "显示更多（还有{n}行）",
        "Show more ({n} more rows)",
    ),
    ("import.done", "已导入 {n} 件", "{n} cases imported"),
    ("import.batch", "（第{n}批）", "(batch {n})"),
    (
        "import.range",
        "案件编号 {first} 至 {last}",
        "Case numbers {first} to {last}",
    ),
    (
        "import.range_one",
        "案件编号 {first}",
        "Case number {first}",
    ),
    ("import.to_dispatch", "去分办", "Dispatch them"),
    ("import.view_cases", "查看案件", "View the cases"),
    ("import.again", "导入其他文件", "Import another file"),
    (
        "import.settings",
        "整个文件统一设置（清单中没有的列）",
        "For the whole file (columns the list lacks)",
    ),
    ("import.set.channel", "来电/来信", "Channel"),
    ("import.set.from_file", "按文件", "As in the file"),
    ("import.set.batch_number", "批次号", "Batch number"),
    ("import.set.batch_date", "交办日期", "Transfer date"),
    (
        "import.historical",
        "按历史件导入",
        "Import as historical cases",
    ),
    (
        "import.historical_hint",
        "勾选后时限仍从交办日期起算，但导入时已到期的提醒、催办、升级不再触发，并在案件上注明；不勾选则按交办日期正常计时和升级。",
        "Checked: clocks still run from the transfer date, but reminders and escalations already due at the import never fire, and the cases say so. Unchecked: clocks and escalations run from the transfer date as usual.",
    ),
    ("import.batch_col", "批次", "Batch"),
    ("import.batch_rows", "行数", "Rows"),
    ("import.batch_valid", "可导入", "Valid"),
    ("import.batch_excluded", "已排除", "Excluded"),
    ("import.excluded", "已排除", "Excluded"),
    ("import.unexclude", "取消排除", "Include again"),
    ("import.fix.division", "选择行政区域", "Choose the division"),
    (
        "import.fix.date",
        "更正交办日期",
        "Correct the transfer date",
    ),
    ("import.exclude_reason", "排除原因", "Reason for excluding"),
    ("import.exclude", "排除此行", "Exclude the row"),
    (
        "case.historical",
        "历史件：{at}导入，导入时已到期的提醒和升级未触发",
        "Historical case: imported {at}; reminders and escalations already due then did not fire",
    ),
    // the server's refusals of an import
    (
        "err.import.empty",
        "请选择要导入的文件",
        "Choose a file to import",
    ),
    (
        "err.import.duplicate",
        "该批次已于{at}由{by}导入（{rows}件），未重复创建",
        "This batch was imported on {at} by {by} ({rows} cases); nothing was created",
    ),
    // `body.too_large` for an import's file
    (
        "srv.import.too_large",
        "文件超过32MB，请拆分后导入",
        "The file exceeds 32 MB; split it",
    ),
    // `import.edits.invalid` with the parser's detail
    (
        "srv.import.edits_invalid",
        "修改内容格式不正确：{detail}",
        "The edits are malformed: {detail}",
    ),
    (
        "import.upload_interrupted",
        "上传中断，请检查网络后重试",
        "The upload was interrupted; check the connection and try again",
    ),
    // `import.already_imported` when the commit finds cases imported meanwhile
    (
        "srv.import.imported_meanwhile",
        "部分案件已由他人导入，请重新预览",
        "Some cases were imported meanwhile; preview again",
    ),
];
