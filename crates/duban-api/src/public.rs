//! The public disclosure (信息公开): no session, no personal data.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use duban_case::Lang;
use duban_case::model::Category;

use crate::board::OutcomeTotals;
use crate::endpoint::{Answer::*, Doc, Endpoint, Method};
use crate::endpoint::{Csv, Xlsx, payload};
use crate::keys::BatchKey;

/// A batch on the public disclosure index.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicBatchSummary {
    pub batch: u32,
    /// Cases of the batch cleared for publication.
    pub published: i64,
    /// All cases of the batch.
    pub total: i64,
}

/// A row of the published table (信息公开), with no personal data.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicRow {
    /// 序号.
    pub number: usize,
    /// 交办编号: the inspection team's number, or ours when it gave none.
    pub reference: String,
    /// 行政区域.
    pub division: String,
    /// 污染类型.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub categories: Vec<Category>,
    /// 调查核实情况: the finding and the published summary.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "substantiated"))]
    pub finding: duban_case::model::Finding,
    pub verification: String,
    /// 处理和整改情况.
    pub handling: String,
    /// 问责情况 as counts; [`PublicRow::accountability`] words them.
    pub officials_summoned: u32,
    pub officials_accountable: u32,
    pub stage_closed: bool,
}

impl PublicRow {
    /// 调查核实情况 as published: the finding, then the summary.
    pub fn verification_text(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!(
                "核查结论：{}。{}",
                self.finding.label(lang),
                self.verification
            ),
            Lang::En => format!(
                "Finding: {}. {}",
                self.finding.label(lang),
                self.verification
            ),
        }
    }
    /// 处理和整改情况 as published, marked when the case is stage-closed.
    pub fn handling_text(&self, lang: Lang) -> String {
        match (self.stage_closed, lang) {
            (false, _) => self.handling.clone(),
            (true, Lang::Zh) => format!("{}（阶段性办结）", self.handling),
            (true, Lang::En) => format!("{} (stage-closed)", self.handling),
        }
    }
    /// 问责情况 in words.
    pub fn accountability(&self, lang: Lang) -> String {
        let (s, a) = (self.officials_summoned, self.officials_accountable);
        match (lang, s, a) {
            (Lang::Zh, 0, 0) => "无".into(),
            (Lang::Zh, s, 0) => format!("约谈{s}人"),
            (Lang::Zh, 0, a) => format!("问责{a}人"),
            (Lang::Zh, s, a) => format!("约谈{s}人，问责{a}人"),
            (Lang::En, 0, 0) => "None".into(),
            (Lang::En, s, 0) => format!("{s} summoned"),
            (Lang::En, 0, a) => format!("{a} held accountable"),
            (Lang::En, s, a) => format!("{s} summoned, {a} held accountable"),
        }
    }
}

/// `GET /api/v1/public/batches/{batch}`: a batch's published table and its totals.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicBatch {
    pub batch: u32,
    /// All cases of the batch (published or not).
    pub total: i64,
    /// The outcome totals of the whole batch.
    pub outcomes: OutcomeTotals,
    pub rows: Vec<PublicRow>,
    pub as_of: DateTime<Utc>,
}

payload!(schema: PublicBatch, PublicBatchSummary);

/// The batches with cases cleared for publication.
#[derive(Debug, Clone, Copy)]
pub struct PublicBatches;

impl Endpoint for PublicBatches {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/public/batches";
    type Path = ();
    type Query = ();
    type Body = ();
    type Response = Vec<PublicBatchSummary>;
    const DOC: Doc = Doc {
        description: "The public disclosure (信息公开), no session: batches with cases cleared for publication.",
        ..Doc::new("public_batches")
    };
}

/// A batch's published table and its totals.
#[derive(Debug, Clone, Copy)]
pub struct GetPublicBatch;

impl Endpoint for GetPublicBatch {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/public/batches/{batch}";
    type Path = BatchKey;
    type Query = ();
    type Body = ();
    type Response = PublicBatch;
    const DOC: Doc = Doc {
        description: "A batch's published table and its totals, no session, no personal data.",
        answers: &[Refused(404, "public.batch_not_found")],
        ..Doc::new("public_batch")
    };
}

/// A batch's published table as CSV.
#[derive(Debug, Clone, Copy)]
pub struct PublicTableCsv;

impl Endpoint for PublicTableCsv {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/public/batches/{batch}/table.csv";
    type Path = BatchKey;
    type Query = ();
    type Body = ();
    type Response = Csv;
    const DOC: Doc = Doc {
        says: "The published table (UTF-8 with BOM)",
        answers: &[Refused(404, "")],
        ..Doc::new("public_table_csv")
    };
}

/// A batch's published table as a workbook.
#[derive(Debug, Clone, Copy)]
pub struct PublicTableXlsx;

impl Endpoint for PublicTableXlsx {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/public/batches/{batch}/table.xlsx";
    type Path = BatchKey;
    type Query = ();
    type Body = ();
    type Response = Xlsx;
    const DOC: Doc = Doc {
        says: "The published table as a workbook",
        answers: &[Refused(404, "")],
        ..Doc::new("public_table_xlsx")
    };
}
