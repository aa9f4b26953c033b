//! The case list as files.

use crate::cases::ListQuery;
use crate::endpoint::{Answer::*, Doc, Endpoint, Method};
use crate::endpoint::{Csv, Xlsx};

/// The filtered case list as CSV, without personal data.
#[derive(Debug, Clone, Copy)]
pub struct ExportCsv;

impl Endpoint for ExportCsv {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/cases/export.csv";
    type Path = ();
    type Query = ListQuery;
    type Body = ();
    type Response = Csv;
    const DOC: Doc = Doc {
        says: "The filtered case list as CSV (UTF-8 with BOM), without personal data",
        answers: &[Refused(422, "")],
        ..Doc::new("export_csv")
    };
}

/// The filtered case list as a workbook, without personal data.
#[derive(Debug, Clone, Copy)]
pub struct ExportXlsx;

impl Endpoint for ExportXlsx {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/cases/export.xlsx";
    type Path = ();
    type Query = ListQuery;
    type Body = ();
    type Response = Xlsx;
    const DOC: Doc = Doc {
        says: "The filtered case list as an Excel workbook, without personal data",
        answers: &[Refused(422, "")],
        ..Doc::new("export_xlsx")
    };
}
