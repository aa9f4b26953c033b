//! Errors of the import. File-level errors refuse the whole file ([`crate::read`] returns
//! them); row-level errors are reported per row as [`RowError`], next to the form's own
//! [`CaseError`]s. Every error has a stable snake_case dotted `code()`, a `field()` and
//! the values its wording names; the words are the catalogue's (duban-text,
//! `err.import.*`), like the errors of `duban-case`.

use serde::Serialize;

use std::borrow::Cow;

use duban_core::{CodedError, Lang, key};

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

    /// The values the wording names that read the same in every language; the names of
    /// columns and the lists are left out, so that a client wording the code itself
    /// takes the message as sent (`duban_text::error_complete`).
    fn params(&self) -> Vec<(&'static str, String)> {
        self.params_in(None)
    }

    /// The catalogue's text of the code, with column names and lists in `lang`. Three
    /// errors have a text of their own: a missing column with headers that may be it,
    /// and two that carry a form's code (`division.unknown`, `<field>.invalid`) whose
    /// own text says less.
    fn message(&self, lang: Lang) -> String {
        use IntakeError::*;
        let params = self.params_in(Some(lang));
        let own = match self {
            ColumnMissing { ignored, .. } if !ignored.is_empty() => {
                Some(key!("intake.column_missing.candidates"))
            }
            InvalidFlag { .. } => Some(key!("intake.flag.invalid")),
            AmbiguousDivision { .. } => Some(key!("intake.division.ambiguous")),
            _ => None,
        };
        match own {
            Some(k) => k.fill(lang, &params),
            None => {
                let code = self.code();
                duban_text::error(&code, &params, lang).unwrap_or_else(|| code.into_owned())
            }
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

impl IntakeError {
    /// The values the wording names; with `lang`, also those that depend on it (a
    /// column's name, the separator of a list).
    fn params_in(&self, lang: Option<Lang>) -> Vec<(&'static str, String)> {
        use IntakeError::*;
        let list = |items: &[String]| lang.map(|l| items.join(key!("intake.list_sep").get(l)));
        let column_name = |c: &Column| lang.map(|l| c.name(l).to_owned());
        let params: Vec<(&'static str, Option<String>)> = match self {
            SheetNotFound { name, available } => {
                vec![("name", Some(name.clone())), ("available", list(available))]
            }
            ColumnMissing { column, ignored } => vec![
                ("column", column_name(column)),
                ("ignored", list(ignored)),
                ("header", Some(column.spec().zh.to_owned())),
            ],
            ColumnDuplicate {
                column,
                first,
                second,
            } => vec![
                ("column", column_name(column)),
                ("first", Some(first.clone())),
                ("second", Some(second.clone())),
            ],
            NothingToImport { examples } => vec![("lines", list(&lines(examples)))],
            TooManyRows { max } => vec![("max", Some(max.to_string()))],
            CellTooLong { line, column, max } => vec![
                ("line", Some(line.to_string())),
                // Counted from 1, as a spreadsheet shows it.
                ("column", Some((column + 1).to_string())),
                ("max", Some(max.to_string())),
            ],
            EditLineUnknown { line } | ExcludeReasonRequired { line } => {
                vec![("line", Some(line.to_string()))]
            }
            ExcludeReasonTooLong { line, max } => vec![
                ("line", Some(line.to_string())),
                ("max", Some(max.to_string())),
            ],
            DuplicateInFile { value, first_line } => vec![
                ("value", Some(value.clone())),
                ("first_line", Some(first_line.to_string())),
            ],
            InvalidBatchNumber { value } => vec![("value", Some(value.clone()))],
            InvalidFlag { column, value } => {
                vec![
                    ("column", column_name(column)),
                    ("value", Some(value.clone())),
                ]
            }
            AmbiguousDivision { value, candidates } => vec![
                ("value", Some(value.clone())),
                ("candidates", list(candidates)),
            ],
            UnknownCounty { value, city, rest } => vec![
                ("value", Some(value.clone())),
                ("city", Some(city.clone())),
                ("rest", Some(rest.clone())),
            ],
            UnknownFormat
            | UnknownEncoding
            | Unreadable { .. }
            | NoWorksheet
            | HeaderMissing
            | NoRows => Vec::new(),
        };
        params
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect()
    }
}

/// `2、5、9`: at most five lines then `…`.
fn lines(lines: &[usize]) -> Vec<String> {
    let mut out: Vec<String> = lines.iter().take(5).map(ToString::to_string).collect();
    if lines.len() > 5 {
        out.push("…".into());
    }
    out
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
