//! Errors of the import. File-level errors refuse the whole file ([`crate::read`] returns
//! them); row-level errors are reported per row as [`RowError`], next to the form's own
//! [`CaseError`]s. Every error has a stable snake_case dotted `code()`, a `field()` and a
//! message in Chinese and English, like the errors of `duban-case`.

use serde::Serialize;

use std::borrow::Cow;

use duban_core::{CodedError, Lang};

use crate::columns::Column;

/// Why a file, or one of its rows, cannot be imported.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum IntakeError {
    /// Binary content that is neither a workbook nor text.
    #[error("the file is neither CSV text nor an Excel workbook")]
    UnknownFormat,
    #[error("the text is neither UTF-8, UTF-16 nor GBK/GB18030")]
    UnknownEncoding,
    #[error("the workbook cannot be read: {detail}")]
    Unreadable { detail: String },
    #[error("the workbook has no worksheet")]
    NoWorksheet,
    #[error("worksheet {name:?} not found")]
    SheetNotFound {
        name: String,
        available: Vec<String>,
    },
    #[error("no header row with known column names")]
    HeaderMissing,
    /// `ignored` holds the file's unrecognised headers: one of them is likely the column
    /// under another name, and the message says so.
    #[error("required column {column} is missing")]
    ColumnMissing {
        column: Column,
        ignored: Vec<String>,
    },
    #[error("columns {first:?} and {second:?} both mean {column}")]
    ColumnDuplicate {
        column: Column,
        first: String,
        second: String,
    },
    #[error("the file has no data rows")]
    NoRows,
    /// Every data row is an example row (序号 `示例`): an unchanged template. Not
    /// returned by [`crate::read`], which gives the sheet with its skipped rows; the
    /// caller refuses to commit it with this error.
    #[error("the file has only example rows")]
    NothingToImport { examples: Vec<usize> },
    #[error("the file has more than {max} rows")]
    TooManyRows { max: usize },
    #[error("the cell at line {line}, column {column} exceeds {max} characters")]
    CellTooLong {
        line: usize,
        column: usize,
        max: usize,
    },
    /// An edit of the preview names a line the file does not have.
    #[error("no row on line {line}")]
    EditLineUnknown { line: usize },
    #[error("excluding line {line} needs a reason")]
    ExcludeReasonRequired { line: usize },
    #[error("the reason for excluding line {line} exceeds {max} characters")]
    ExcludeReasonTooLong { line: usize, max: usize },
    // Row-level.
    #[error("sender's number {value:?} already appears on line {first_line}")]
    DuplicateInFile { value: String, first_line: usize },
    #[error("batch number {value:?} is not a number")]
    InvalidBatchNumber { value: String },
    #[error("{column}: {value:?} is neither yes nor no")]
    InvalidFlag { column: Column, value: String },
    /// A division name shared by several divisions (`鼓楼区`). Same code as the form's
    /// unknown division, with the candidates in the message.
    #[error("division {value:?} is ambiguous: {candidates:?}")]
    AmbiguousDivision {
        value: String,
        candidates: Vec<String>,
    },
    /// A city followed by a name that is none of its counties (`镇江市火星区`).
    #[error("{rest:?} in {value:?} is not a county or district of {city}")]
    UnknownCounty {
        value: String,
        city: String,
        rest: String,
    },
}

impl CodedError for IntakeError {
    /// `file` for errors of the whole file, `sheet` for the choice of worksheet, the
    /// column key (`content`) for header errors, a form field path for row errors.
    fn field(&self) -> Cow<'_, str> {
        let field: String = {
            use IntakeError::*;
            match self {
                UnknownFormat
                | UnknownEncoding
                | Unreadable { .. }
                | HeaderMissing
                | NoRows
                | NothingToImport { .. }
                | TooManyRows { .. }
                | CellTooLong { .. } => "file".into(),
                NoWorksheet | SheetNotFound { .. } => "sheet".into(),
                EditLineUnknown { line } => format!("edits.rows[{line}]"),
                ExcludeReasonRequired { line } | ExcludeReasonTooLong { line, .. } => {
                    format!("edits.exclude[{line}]")
                }
                ColumnMissing { column, .. } | ColumnDuplicate { column, .. } => {
                    column.key().into()
                }
                DuplicateInFile { .. } => "sender_ref".into(),
                InvalidBatchNumber { .. } => "batch.number".into(),
                InvalidFlag { column, .. } => column.spec().field.into(),
                AmbiguousDivision { .. } | UnknownCounty { .. } => "division".into(),
            }
        };
        field.into()
    }

    /// The stable code (`import.column_missing`, `batch.number.invalid`).
    fn code(&self) -> Cow<'static, str> {
        use IntakeError::*;
        match self {
            UnknownFormat => "import.format_unknown",
            UnknownEncoding => "import.encoding_unknown",
            Unreadable { .. } => "import.unreadable",
            NoWorksheet => "import.no_sheet",
            SheetNotFound { .. } => "import.sheet_not_found",
            HeaderMissing => "import.header_missing",
            ColumnMissing { .. } => "import.column_missing",
            ColumnDuplicate { .. } => "import.column_duplicate",
            NoRows => "import.no_rows",
            NothingToImport { .. } => "import.nothing_to_import",
            TooManyRows { .. } => "import.too_many_rows",
            CellTooLong { .. } => "import.cell_too_long",
            EditLineUnknown { .. } => "import.edit.line_unknown",
            ExcludeReasonRequired { .. } => "import.exclude.reason_required",
            ExcludeReasonTooLong { .. } => "import.exclude.reason_too_long",
            DuplicateInFile { .. } => "import.duplicate_in_file",
            InvalidBatchNumber { .. } => "batch.number.invalid",
            InvalidFlag { column, .. } => return format!("{}.invalid", column.spec().field).into(),
            // The form's code for a division it does not know.
            AmbiguousDivision { .. } => "division.unknown",
            UnknownCounty { .. } => "division.county_unknown",
        }
        .into()
    }

    /// The message shown to a person.
    fn message(&self, lang: Lang) -> String {
        use IntakeError::*;
        match (self, lang) {
            (UnknownFormat, Lang::Zh) => "无法识别文件格式，请上传CSV或Excel（xlsx）文件".into(),
            (UnknownFormat, Lang::En) => "Unknown file format: upload CSV or Excel (xlsx)".into(),
            (UnknownEncoding, Lang::Zh) => {
                "无法识别文件编码，请另存为UTF-8或GBK编码的CSV，或xlsx文件".into()
            }
            (UnknownEncoding, Lang::En) => {
                "Unknown text encoding: save as UTF-8 or GBK CSV, or as xlsx".into()
            }
            (Unreadable { .. }, Lang::Zh) => {
                "Excel文件已损坏或格式不受支持，请用Excel或WPS另存为xlsx后重试".into()
            }
            (Unreadable { .. }, Lang::En) => {
                "The workbook is damaged or unsupported; save it again as xlsx".into()
            }
            (NoWorksheet, Lang::Zh) => "工作簿中没有工作表".into(),
            (NoWorksheet, Lang::En) => "The workbook has no worksheet".into(),
            (SheetNotFound { name, available }, Lang::Zh) => {
                format!("找不到工作表“{name}”，现有：{}", available.join("、"))
            }
            (SheetNotFound { name, available }, Lang::En) => {
                format!(
                    "No worksheet “{name}”; the workbook has: {}",
                    available.join(", ")
                )
            }
            (HeaderMissing, Lang::Zh) => {
                "找不到表头行：前30行中没有可识别的列名（如“举报内容”“行政区域”）".into()
            }
            (HeaderMissing, Lang::En) => {
                "No header row: none of the first 30 rows names known columns (举报内容, 行政区域 …)"
                    .into()
            }
            (ColumnMissing { column, ignored }, Lang::Zh) => {
                let zh = column.spec().zh;
                if ignored.is_empty() {
                    format!("缺少“{zh}”列")
                } else {
                    format!(
                        "缺少“{zh}”列。未识别的列：{}；如其中之一是{zh}，请将表头改为“{zh}”",
                        ignored.join("、")
                    )
                }
            }
            (ColumnMissing { column, ignored }, Lang::En) => {
                let spec = column.spec();
                if ignored.is_empty() {
                    format!("The column “{}” is missing", spec.en)
                } else {
                    format!(
                        "The column “{}” is missing. Unrecognised columns: {}; if one of them is the {}, rename its header to “{}”",
                        spec.en,
                        ignored.join(", "),
                        spec.en.to_lowercase(),
                        spec.zh
                    )
                }
            }
            (ColumnDuplicate { first, second, .. }, Lang::Zh) => {
                format!("“{first}”和“{second}”两列含义相同，请删除其中一列")
            }
            (
                ColumnDuplicate {
                    column,
                    first,
                    second,
                },
                Lang::En,
            ) => format!(
                "Columns “{first}” and “{second}” both mean {}; remove one",
                column.spec().en
            ),
            (NoRows, Lang::Zh) => "文件中没有数据行".into(),
            (NoRows, Lang::En) => "The file has no data rows".into(),
            (NothingToImport { examples }, Lang::Zh) => format!(
                "文件中只有示例行（第{}行，序号为“示例”），没有可导入的案件：请在示例行下方逐行填写案件后再上传",
                lines(examples, "、")
            ),
            (NothingToImport { examples }, Lang::En) => format!(
                "The file holds only example rows (line {}, 序号 “示例”), nothing to import: add the cases below the example and upload again",
                lines(examples, ", ")
            ),
            (TooManyRows { max }, Lang::Zh) => format!("文件超过{max}行，请拆分后导入"),
            (TooManyRows { max }, Lang::En) => {
                format!("The file has more than {max} rows; split it")
            }
            (CellTooLong { line, column, max }, Lang::Zh) => {
                format!("第{line}行第{}列超过{max}个字", column + 1)
            }
            (CellTooLong { line, column, max }, Lang::En) => format!(
                "The cell at line {line}, column {} exceeds {max} characters",
                column + 1
            ),
            (EditLineUnknown { line }, Lang::Zh) => {
                format!("文件中没有第{line}行，请重新校验后再修改")
            }
            (EditLineUnknown { line }, Lang::En) => {
                format!("The file has no line {line}; check it again before editing")
            }
            (ExcludeReasonRequired { line }, Lang::Zh) => format!("排除第{line}行须填写原因"),
            (ExcludeReasonRequired { line }, Lang::En) => {
                format!("Excluding line {line} needs a reason")
            }
            (ExcludeReasonTooLong { line, max }, Lang::Zh) => {
                format!("排除第{line}行的原因超过{max}字")
            }
            (ExcludeReasonTooLong { line, max }, Lang::En) => {
                format!("The reason for excluding line {line} exceeds {max} characters")
            }
            (DuplicateInFile { value, first_line }, Lang::Zh) => {
                format!("交办编号“{value}”与第{first_line}行重复")
            }
            (DuplicateInFile { value, first_line }, Lang::En) => {
                format!("Sender's number “{value}” already appears on line {first_line}")
            }
            (InvalidBatchNumber { value }, Lang::Zh) => {
                format!("批次号“{value}”不是数字（可写“3”或“第3批”）")
            }
            (InvalidBatchNumber { value }, Lang::En) => {
                format!("Batch number “{value}” is not a number (write “3” or “第3批”)")
            }
            (InvalidFlag { column, value }, Lang::Zh) => {
                format!("{}应填“是”或“否”，不是“{value}”", column.spec().zh)
            }
            (InvalidFlag { column, value }, Lang::En) => {
                format!("{} must be yes or no, not “{value}”", column.spec().en)
            }
            (AmbiguousDivision { value, candidates }, Lang::Zh) => format!(
                "“{value}”对应多个行政区划（{}），请写明所属城市或填写区划代码",
                candidates.join("、")
            ),
            (AmbiguousDivision { value, candidates }, Lang::En) => format!(
                "“{value}” names several divisions ({}); add the city or give the code",
                candidates.join(", ")
            ),
            (UnknownCounty { value, city, rest }, Lang::Zh) => {
                format!("“{value}”中的“{rest}”不是{city}的区县，请核对名称或填写区划代码")
            }
            (UnknownCounty { value, city, rest }, Lang::En) => format!(
                "In “{value}”, “{rest}” is not a county or district of {city}; check the name or give the code"
            ),
        }
    }
}

impl IntakeError {
    /// Whether this error refuses the whole file rather than one row.
    pub fn is_file_level(&self) -> bool {
        use IntakeError::*;
        !matches!(
            self,
            DuplicateInFile { .. }
                | InvalidBatchNumber { .. }
                | InvalidFlag { .. }
                | AmbiguousDivision { .. }
                | UnknownCounty { .. }
        )
    }
}

/// `2、5、9`, at most five lines then `…`.
fn lines(lines: &[usize], sep: &str) -> String {
    let mut out: Vec<String> = lines.iter().take(5).map(ToString::to_string).collect();
    if lines.len() > 5 {
        out.push("…".into());
    }
    out.join(sep)
}

/// One problem of one row, from the form's validation or from the import itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// The form's field path (`content`, `categories[1]`, `batch.number`).
    pub field: String,
    /// The stable code (`content.too_short`, `import.duplicate_in_file`).
    pub code: String,
    /// The header in the file the field came from, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    pub zh: String,
    pub en: String,
}

impl CodedError for RowError {
    fn field(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.field)
    }
    fn code(&self) -> Cow<'static, str> {
        Cow::Owned(self.code.clone())
    }
    fn message(&self, lang: Lang) -> String {
        RowError::message(self, lang).to_owned()
    }
}

impl RowError {
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
    /// A case's or the import's own error, in both languages.
    pub(crate) fn of(e: &impl CodedError) -> RowError {
        RowError {
            field: e.field().into_owned(),
            code: e.code().into_owned(),
            column: None,
            zh: e.message(Lang::Zh),
            en: e.message(Lang::En),
        }
    }
}
