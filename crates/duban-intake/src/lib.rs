//! Batch import of an inspection team's transfer list (督察组交办清单).
//!
//! Coordinators upload the list as CSV (UTF-8 with or without BOM, GBK/GB18030, or
//! Excel's UTF-16 "Unicode text"; comma, tab or semicolon) or as a workbook (xlsx, and
//! legacy xls). [`read`] turns the bytes into a [`Sheet`]: the columns recognised (by
//! Chinese name, English key or alias, in any order, with a title row allowed above the
//! header), the columns ignored, and one [`Row`] per non-empty data row holding its
//! [`CaseDraft`] and either the validated [`NewCase`] or its errors. Rows are validated
//! by `NewCase::parse`, the function behind the web form, so a row's errors carry the
//! form's codes and field paths (`content.too_short`, `channel.unknown`,
//! `division.unknown`). Problems of the whole file are an [`IntakeError`]
//! (`import.column_missing`, `import.too_many_rows` …).
//!
//! The import is all-or-nothing: the server saves only a sheet whose every row is valid
//! ([`Sheet::cases`]), and uses [`Sheet::fingerprint`] to notice a batch imported twice.
//! [`template_csv`] and [`COLUMNS`] describe the expected columns.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use duban_intake::{Options, read};
//!
//! let csv = "第3批交办信访件清单\n\
//!            序号,批次号,交办编号,交办日期,来电/来信,举报内容,行政区域,地址,污染类型,是否重点\n\
//!            1,第3批,D001,2026/7/3,来电,夜间施工噪声扰民，持续到凌晨两点。,镇江市京口区,象山街道某工地,噪声,是\n\
//!            2,3,D002,2026/7/3,传真,某厂废水直排,京口区,某厂,水污染,否\n";
//! let now = Utc.with_ymd_and_hms(2026, 7, 4, 2, 0, 0).unwrap();
//! let sheet = read(csv.as_bytes(), &Options::new(now)).unwrap();
//! assert_eq!(sheet.title.as_deref(), Some("第3批交办信访件清单"));
//!
//! let ok = &sheet.rows[0];
//! assert_eq!((ok.line, ok.draft.division.as_str()), (3, "321102"));
//! let case = ok.case.as_ref().unwrap();
//! assert!(case.is_key());
//! // No receipt time in the list: the batch date at 08:30 China time.
//! assert_eq!(case.received_at(), Utc.with_ymd_and_hms(2026, 7, 3, 0, 30, 0).unwrap());
//!
//! let bad = &sheet.rows[1];
//! let codes: Vec<&str> = bad.errors.iter().map(|e| e.code.as_str()).collect();
//! assert_eq!(codes, ["channel.unknown", "content.too_short"]);
//! assert!(sheet.cases().is_none(), "one bad row blocks the whole batch");
//! ```
//!
//! Invariant: no IO, no clock, no randomness: the instant `now` and the time zone are
//! [`Options`]. Builds for `wasm32-unknown-unknown`, so the browser can preview a file
//! before uploading it.

mod columns;
mod divisions;
mod edits;
mod error;
pub mod open311;
mod rows;
mod source;
mod template;
mod values;

use chrono::{DateTime, FixedOffset, NaiveTime, Utc};
use serde::Serialize;

use duban_case::draft::{CaseDraft, NewCase};
use duban_case::model::Channel;

pub use columns::{COLUMNS, Column, ColumnSpec, match_header, normalise_header};
pub use edits::{Edits, REASON_MAX, RowEdit};
pub use error::{IntakeError, RowError};
pub use rows::{ColumnMatch, ref_key};
pub use source::{Format, MAX_CELL_CHARS};
pub use template::template_csv;

/// Default limit of data rows in one file (the seed's whole campaign was 1,449 cases).
pub const MAX_ROWS: usize = 100_000;

/// China Standard Time (UTC+8), the default wall clock of lists.
pub const CHINA_TIME: FixedOffset = duban_core::CHINA;

/// 08:30, the default [`Options::receipt_time`].
pub const RECEIPT_TIME: NaiveTime = match NaiveTime::from_hms_opt(8, 30, 0) {
    Some(t) => t,
    None => panic!("08:30 is a valid time"),
};

/// What the import needs from its caller.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The caller's clock: receipt times may not lie after it.
    pub now: DateTime<Utc>,
    /// Wall-clock offset of dates and times in the list (China time by default).
    pub offset: FixedOffset,
    /// Worksheet to read; `None` reads the first visible worksheet.
    pub sheet: Option<String>,
    /// Largest number of data rows accepted (`import.too_many_rows` above it).
    pub max_rows: usize,
    /// Channel of rows whose 来电/来信 cell is empty, and of every row when the file has
    /// no such column (a list of letters only, say). `None`: the column is required.
    pub default_channel: Option<Channel>,
    /// Time of day of the receipt when a row gives only a batch date (08:30: the team's
    /// handover is counted from the start of that working day).
    pub receipt_time: NaiveTime,
    /// What the coordinator set in the preview: whole-file values, row corrections and
    /// excluded rows.
    pub edits: Edits,
}

impl Options {
    /// China time, first worksheet, [`MAX_ROWS`], no default channel, 08:30.
    pub fn new(now: DateTime<Utc>) -> Options {
        Options {
            now,
            offset: CHINA_TIME,
            sheet: None,
            max_rows: MAX_ROWS,
            default_channel: None,
            receipt_time: RECEIPT_TIME,
            edits: Edits::default(),
        }
    }
}

/// Where a row's receipt time came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReceivedAt {
    /// The 受理时间 column.
    Given,
    /// The batch date at [`Options::receipt_time`].
    BatchDate,
    /// Neither was usable (no batch date, or it lies after `now`): `now`. The preview
    /// should say so.
    Now,
}

/// One data row of the file.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// 1-based line of the CSV record, or row number of the worksheet.
    pub line: usize,
    /// The list's own 序号, if it has one.
    pub row_number: Option<String>,
    /// What the form would have been given.
    pub draft: CaseDraft,
    pub received_at: ReceivedAt,
    /// Every problem of the row: the form's, then the import's.
    pub errors: Vec<RowError>,
    /// The validated case, when `errors` is empty.
    pub case: Option<NewCase>,
    /// Why the coordinator left the row out, when excluded: it is neither imported nor
    /// an error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded: Option<String>,
}

impl Row {
    /// Valid, or excluded: nothing stops the import.
    pub fn is_valid(&self) -> bool {
        self.case.is_some() || self.excluded.is_some()
    }
}

/// A transfer batch of the file and its rows (a list may hold several: 批次 1–17).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchCount {
    /// The batch number (`None`: rows without one).
    pub number: Option<i64>,
    pub rows: usize,
    /// Rows without errors (excluded rows are not counted).
    pub valid: usize,
    pub excluded: usize,
}

/// A file read and every row validated.
#[derive(Debug, Clone, Serialize)]
pub struct Sheet {
    pub format: Format,
    /// Text encoding of a CSV (`UTF-8`, `GB18030`, `UTF-16LE`); that of the workbook's
    /// strings otherwise.
    pub encoding: &'static str,
    /// The worksheet read, for workbooks.
    pub sheet_name: Option<String>,
    /// Text above the header row (`第一批交办信访件清单`), if any.
    pub title: Option<String>,
    /// 1-based line or row number of the header.
    pub header_line: usize,
    pub columns: Vec<ColumnMatch>,
    /// Headers of columns that are not imported (`备注`), for "ignored column X".
    pub ignored_columns: Vec<String>,
    pub rows: Vec<Row>,
    /// Lines of the example rows skipped (序号 `示例` or `例`, as in the template): they
    /// are neither cases nor errors.
    pub skipped_examples: Vec<usize>,
    /// Identity of the batch: see [`fingerprint`].
    pub fingerprint: String,
}

impl Sheet {
    /// Rows with at least one error.
    pub fn error_rows(&self) -> usize {
        self.rows.iter().filter(|r| !r.is_valid()).count()
    }
    /// Every row's case but the excluded rows', or `None` if any other row has an
    /// error: the import saves all rows or none.
    pub fn cases(&self) -> Option<Vec<&NewCase>> {
        self.rows
            .iter()
            .filter(|r| r.excluded.is_none())
            .map(|r| r.case.as_ref())
            .collect()
    }
    /// The batches of the file in number order, with their rows.
    pub fn batches(&self) -> Vec<BatchCount> {
        count_batches(
            self.rows
                .iter()
                .map(|r| (r.draft.batch_number, r.case.is_some(), r.excluded.is_some())),
        )
    }
    /// Why the sheet cannot be saved although no row has an error: it has only
    /// example rows (an unchanged template).
    pub fn nothing_to_import(&self) -> Option<IntakeError> {
        self.rows.is_empty().then(|| IntakeError::NothingToImport {
            examples: self.skipped_examples.clone(),
        })
    }
}

/// Rows counted per batch, in number order (rows without a number last), from each
/// row's (batch number, valid, excluded); an excluded row is not counted as valid.
pub fn count_batches(rows: impl IntoIterator<Item = (Option<i64>, bool, bool)>) -> Vec<BatchCount> {
    let mut out: Vec<BatchCount> = Vec::new();
    for (number, valid, excluded) in rows {
        let i = match out.iter().position(|b| b.number == number) {
            Some(i) => i,
            None => {
                out.push(BatchCount {
                    number,
                    rows: 0,
                    valid: 0,
                    excluded: 0,
                });
                out.len() - 1
            }
        };
        if let Some(b) = out.get_mut(i) {
            b.rows += 1;
            if excluded {
                b.excluded += 1;
            } else if valid {
                b.valid += 1;
            }
        }
    }
    out.sort_by_key(|b| (b.number.is_none(), b.number));
    out
}

/// Read a transfer list. File-level problems are the `Err`; row problems are in each
/// [`Row`].
pub fn read(bytes: &[u8], opts: &Options) -> Result<Sheet, IntakeError> {
    let grid = source::load(bytes, opts.sheet.as_deref(), opts.max_rows)?;
    let header = rows::find_header(&grid.rows, grid.date1904, opts)?;
    let title_rows = grid.rows.get(..header.position).unwrap_or_default();
    let title: String = title_rows
        .iter()
        .flat_map(|r| &r.cells)
        .map(|(_, c)| values::text(c, grid.date1904))
        .collect::<Vec<_>>()
        .join(" ");
    let header_line = grid.rows.get(header.position).map_or(0, |r| r.line);

    let converter = rows::Converter {
        opts,
        date1904: grid.date1904,
        columns: &header.columns,
        ignored: &header.ignored,
        divisions: divisions::Resolver::new(),
    };
    let mut out = Vec::new();
    let mut skipped_examples = Vec::new();
    for raw in grid.rows.iter().skip(header.position + 1) {
        if converter.is_empty(raw) {
            continue;
        }
        if converter.is_example(raw) {
            skipped_examples.push(raw.line);
            continue;
        }
        if out.len() >= opts.max_rows {
            return Err(IntakeError::TooManyRows { max: opts.max_rows });
        }
        out.push(converter.convert(raw));
    }
    // An unchanged template is a sheet with nothing to import, not an error: the
    // preview says so (see `Sheet::nothing_to_import`).
    if out.is_empty() && skipped_examples.is_empty() {
        return Err(IntakeError::NoRows);
    }
    rows::mark_duplicates(&mut out, &header.columns);
    edits::exclude(&mut out, &opts.edits)?;
    // The batch is what is imported: excluded rows are not part of it.
    let fingerprint = fingerprint_of(out.iter().filter(|r| r.excluded.is_none()));
    Ok(Sheet {
        format: grid.format,
        encoding: grid.encoding,
        sheet_name: grid.sheet_name,
        title: Some(title).filter(|t| !t.is_empty()),
        header_line,
        columns: header.columns,
        ignored_columns: header.ignored,
        rows: out,
        skipped_examples,
        fingerprint,
    })
}

/// The identity of a batch, `v1-<rows>-<16 hex digits>`.
///
/// Two files are **the same batch** when they hold the same set of cases, each case
/// known by its (批次号, 交办编号) pair, or, for a row without 交办编号, by its division,
/// address and content. Row order, column order, extra columns, file format and text
/// encoding do not matter, nor do corrections of other cells (a re-upload of batch 3
/// with a typo fixed is still batch 3). The hash is FNV-1a (64 bit) over the sorted row
/// keys: stable across versions and platforms, not a defence against forgery.
pub fn fingerprint(rows: &[Row]) -> String {
    fingerprint_of(rows.iter())
}

fn fingerprint_of<'a>(rows: impl Iterator<Item = &'a Row>) -> String {
    let squash = |s: &str| -> String {
        columns::halfwidth(s)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    };
    let mut keys: Vec<String> = rows
        .map(|r| {
            let d = &r.draft;
            let sender_ref = rows::ref_key(&d.sender_ref);
            if sender_ref.is_empty() {
                format!(
                    "C\u{1f}{}\u{1f}{}\u{1f}{}",
                    squash(&d.division),
                    squash(&d.address),
                    squash(&d.content)
                )
            } else {
                let batch = d.batch_number.map(|n| n.to_string()).unwrap_or_default();
                format!("R\u{1f}{batch}\u{1f}{sender_ref}")
            }
        })
        .collect();
    keys.sort_unstable();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in keys.iter().flat_map(|k| k.bytes().chain([0x1e])) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("v1-{}-{hash:016x}", keys.len())
}
