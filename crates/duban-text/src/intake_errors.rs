//! The import's errors (duban-intake's `IntakeError`) and the notes it adds to a row's
//! errors. A value naming a column is in the reader's language (`地址`, `Address`);
//! `{header}` is the template's Chinese header, the one to write in the file.

use crate::Entry;

pub(crate) const STRINGS: &[Entry] = &[
    // between the items of a list inside a text (lines, sheets, headers, divisions)
    ("intake.list_sep", "、", ", "),
    (
        "err.import.format_unknown",
        "无法识别文件格式，请上传CSV或Excel（xlsx）文件",
        "Unknown file format: upload CSV or Excel (xlsx)",
    ),
    (
        "err.import.encoding_unknown",
        "无法识别文件编码，请另存为UTF-8或GBK编码的CSV，或xlsx文件",
        "Unknown text encoding: save as UTF-8 or GBK CSV, or as xlsx",
    ),
    (
        "err.import.unreadable",
        "Excel文件已损坏或格式不受支持，请用Excel或WPS另存为xlsx后重试",
        "The workbook is damaged or unsupported; save it again as xlsx",
    ),
    (
        "err.import.no_sheet",
        "工作簿中没有工作表",
        "The workbook has no worksheet",
    ),
    (
        "err.import.sheet_not_found",
        "找不到工作表“{name}”，现有：{available}",
        "No worksheet “{name}”; the workbook has: {available}",
    ),
    (
        "err.import.header_missing",
        "找不到表头行：前30行中没有可识别的列名（如“举报内容”“行政区域”）",
        "No header row: none of the first 30 rows names known columns (举报内容, 行政区域 …)",
    ),
    (
        "err.import.column_missing",
        "缺少“{column}”列",
        "The column “{column}” is missing",
    ),
    // the same code, when the file has headers the import does not know
    (
        "intake.column_missing.candidates",
        "缺少“{column}”列。未识别的列：{ignored}；如其中之一是{column}，请将表头改为“{header}”",
        "The column “{column}” is missing. Unrecognised columns: {ignored}; if one of them is the {column} column, rename its header to “{header}”",
    ),
    (
        "err.import.column_duplicate",
        "“{first}”和“{second}”两列都表示{column}，请删除其中一列",
        "Columns “{first}” and “{second}” both mean {column}; remove one",
    ),
    (
        "err.import.no_rows",
        "文件中没有数据行",
        "The file has no data rows",
    ),
    (
        "err.import.nothing_to_import",
        "文件中只有示例行（第{lines}行，序号为“示例”），没有可导入的案件：请在示例行下方逐行填写案件后再上传",
        "The file holds only example rows (line {lines}, 序号 “示例”), nothing to import: add the cases below the example and upload again",
    ),
    (
        "err.import.too_many_rows",
        "文件超过{max}行，请拆分后导入",
        "The file has more than {max} rows; split it",
    ),
    (
        "err.import.cell_too_long",
        "第{line}行第{column}列超过{max}个字",
        "The cell at line {line}, column {column} exceeds {max} characters",
    ),
    (
        "err.import.duplicate_in_file",
        "交办编号“{value}”与第{first_line}行重复",
        "Sender's number “{value}” already appears on line {first_line}",
    ),
    (
        "err.batch.number.invalid",
        "批次号“{value}”不是数字（可写“3”或“第3批”）",
        "Batch number “{value}” is not a number (write “3” or “第3批”)",
    ),
    // a yes/no column (`<field>.invalid`, the form's own code)
    (
        "intake.flag.invalid",
        "{column}应填“是”或“否”，不是“{value}”",
        "{column} must be yes or no, not “{value}”",
    ),
    // a division name shared by several divisions (the form's `division.unknown`)
    (
        "intake.division.ambiguous",
        "“{value}”对应多个行政区划（{candidates}），请写明所属城市或填写区划代码",
        "“{value}” names several divisions ({candidates}); add the city or give the code",
    ),
    (
        "err.division.county_unknown",
        "“{value}”中的“{rest}”不是{city}的区县，请核对名称或填写区划代码",
        "In “{value}”, “{rest}” is not a county or district of {city}; check the name or give the code",
    ),
    // a row's required field whose column the file lacks, after the form's message
    (
        "intake.absent_column",
        "{message}：文件中没有“{header}”列",
        "{message}: the file has no “{header}” column",
    ),
    (
        "intake.absent_column.candidates",
        "{message}：文件中没有“{header}”列。未识别的列：{ignored}；如其中之一是{column}，请将表头改为“{header}”",
        "{message}: the file has no “{header}” column. Unrecognised columns: {ignored}; if one of them is the {column} column, rename its header to “{header}”",
    ),
];
