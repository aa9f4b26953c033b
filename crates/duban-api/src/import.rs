//! Batch import of transfer lists (交办清单).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ApiError;
use crate::endpoint::{Answer::*, Doc, Endpoint, Method};
use crate::endpoint::{Csv, FileUpload, Xlsx, params, payload};
use crate::repeats::RepeatCandidate;

/// Most bytes one imported file may have.
pub const IMPORT_MAX_BYTES: usize = 32 * 1024 * 1024;

/// A column of an imported file and what it was taken for.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportColumn {
    /// The header as written in the file.
    pub header: String,
    /// The canonical column (`content`, `batch_number` …).
    pub key: String,
    pub zh: String,
    pub en: String,
}

/// One row of an imported file as the preview shows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportRowView {
    /// Line (CSV) or row number (workbook) in the file.
    pub line: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row_number: Option<String>,
    pub sender_ref: String,
    pub division: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division_name: Option<String>,
    /// The first characters of the content, digit runs masked.
    pub excerpt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<DateTime<Utc>>,
    /// `given`, `batch_date` or `now`: where the receipt time came from.
    pub received_at_source: String,
    pub key: bool,
    /// The routing rules' lead unit for the row, once it is valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposed_lead: Option<String>,
    pub errors: Vec<ApiError>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repeats: Vec<RepeatCandidate>,
    /// The categories as read, so that a mapping (臭气 → 大气) can be checked before
    /// importing.
    #[serde(default)]
    pub categories: Vec<ImportValue>,
    /// The key classes as read.
    #[serde(default)]
    pub key_classes: Vec<ImportValue>,
    /// Why the coordinator left the row out: it is not imported, and its errors do
    /// not block the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded: Option<String>,
}

/// One transfer batch of an imported file (a list may hold several).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportBatch {
    /// The batch number (none: rows without one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<i64>,
    pub rows: usize,
    pub valid: usize,
    pub excluded: usize,
}

/// A value as an import row gave it: its code and name when known, the cell's text
/// otherwise.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportValue {
    pub code: String,
    pub label: String,
    pub known: bool,
}

/// A batch import done before.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRecordView {
    pub id: String,
    pub fingerprint: String,
    pub file_name: String,
    pub rows: u64,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// `POST /api/v1/import/preview`: what an import of the file would do, nothing saved.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    /// `csv`, `xlsx` or `xls`.
    pub format: String,
    pub encoding: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub header_line: usize,
    pub columns: Vec<ImportColumn>,
    pub ignored_columns: Vec<String>,
    pub total: usize,
    pub valid: usize,
    pub error_rows: usize,
    pub fingerprint: String,
    /// Set when this batch was imported already: committing it again creates nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub already_imported: Option<ImportRecordView>,
    pub rows: Vec<ImportRowView>,
    /// Lines of the example rows (序号 `示例`), neither cases nor errors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped_examples: Vec<usize>,
    /// Set when there is nothing to import although no row has an error (an unchanged
    /// template).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nothing_to_import: Option<ApiError>,
    /// The file's batches with their rows, in number order.
    #[serde(default)]
    pub batches: Vec<ImportBatch>,
    /// Rows the coordinator excluded.
    #[serde(default)]
    pub excluded: usize,
}

/// `POST /api/v1/import/commit`: the cases created, all in one transaction.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportResult {
    pub import: ImportRecordView,
    pub case_ids: Vec<String>,
    pub references: Vec<String>,
}

/// `?file_name=&sheet=&edits=&historical=` of a preview or commit.
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImportQuery {
    /// The uploaded file's name, for the record (`第3批交办清单.xlsx`).
    pub file_name: Option<String>,
    /// The worksheet to read (the first by default).
    pub sheet: Option<String>,
    /// What the coordinator set in the preview, as JSON (`duban_intake::Edits`):
    /// channel, batch number and transfer date for the whole file, row corrections,
    /// rows excluded with their reasons.
    pub edits: Option<String>,
    /// Import old cases as historical: their clocks run from the transfer date, but
    /// reminders and escalations already due at the import never fire.
    pub historical: Option<bool>,
}

payload!(schema: ImportPreview, ImportResult);
params!(ImportQuery);

/// The transfer-list template as CSV.
#[derive(Debug, Clone, Copy)]
pub struct ImportTemplateCsv;

impl Endpoint for ImportTemplateCsv {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/import/template.csv";
    type Path = ();
    type Query = ();
    type Body = ();
    type Response = Csv;
    const DOC: Doc = Doc {
        says: "The transfer-list template (UTF-8 with BOM): Chinese headers and an example row",
        ..Doc::new("import_template_csv")
    };
}

/// The transfer-list template as a workbook.
#[derive(Debug, Clone, Copy)]
pub struct ImportTemplateXlsx;

impl Endpoint for ImportTemplateXlsx {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/import/template.xlsx";
    type Path = ();
    type Query = ();
    type Body = ();
    type Response = Xlsx;
    const DOC: Doc = Doc {
        says: "The transfer-list template as a workbook, with notes per column",
        ..Doc::new("import_template_xlsx")
    };
}

/// What importing a transfer list would do; nothing is saved.
#[derive(Debug, Clone, Copy)]
pub struct PreviewImport;

impl Endpoint for PreviewImport {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v1/import/preview";
    type Path = ();
    type Query = ImportQuery;
    type Body = FileUpload;
    type Response = ImportPreview;
    const DOC: Doc = Doc {
        answers: &[Refused(422, "")],
        body_says: "The file: CSV (UTF-8, GBK) or XLSX, at most 32 MB",
        ..Doc::new("import_preview")
    };
}

/// Imports a transfer list, all or nothing.
#[derive(Debug, Clone, Copy)]
pub struct CommitImport;

impl Endpoint for CommitImport {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v1/import/commit";
    type Path = ();
    type Query = ImportQuery;
    type Body = FileUpload;
    type Response = ImportResult;
    const DOC: Doc = Doc {
        status: 201,
        answers: &[
            Refused(409, "The batch was imported already"),
            Refused(422, "Row errors, fields `rows[<line>].<field>`"),
        ],
        body_says: "The same file as the preview",
        ..Doc::new("import_commit")
    };
}
