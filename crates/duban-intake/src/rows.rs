//! Header detection and the conversion of each data row into a `CaseDraft` validated by
//! the form's own parser.

use duban_core::{CodedError, key};
use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, SecondsFormat, TimeZone, Utc};
use serde::Serialize;

use duban_case::Lang;
use duban_case::draft::{CaseDraft, NewCase};
use duban_case::error::{CaseError, field_label};

use crate::columns::{COLUMNS, Column, halfwidth, match_header};
use crate::divisions::{Miss, Resolver};
use crate::error::{IntakeError, RowError};
use crate::source::{Cell, HEADER_SCAN, RawRow};
use crate::values;
use crate::{Options, ReceivedAt, Row};

/// A header cell recognised as one of the canonical columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnMatch {
    pub column: Column,
    /// The header as written in the file.
    pub header: String,
    /// 0-based column index in the file.
    pub index: usize,
}

pub(crate) struct Header {
    /// Position of the header row in the grid's rows.
    pub position: usize,
    pub columns: Vec<ColumnMatch>,
    pub ignored: Vec<String>,
}

/// The header row: the first of the first rows whose cells name at least three known
/// columns (a title such as `第一批交办信访件清单` may stand above it); failing that, the
/// row naming the most.
pub(crate) fn find_header(
    rows: &[RawRow],
    date1904: bool,
    opts: &Options,
) -> Result<Header, IntakeError> {
    let known = |row: &RawRow| {
        let mut cols: Vec<Column> = row
            .cells
            .iter()
            .filter_map(|(_, c)| match_header(&values::text(c, date1904)))
            .collect();
        cols.sort_unstable();
        cols.dedup();
        cols.len()
    };
    let mut best: Option<(usize, usize)> = None; // (position, columns named)
    for (i, row) in rows.iter().take(HEADER_SCAN).enumerate() {
        let n = known(row);
        if n >= 3 {
            best = Some((i, n));
            break;
        }
        if n > best.map_or(0, |(_, m)| m) {
            best = Some((i, n));
        }
    }
    let (position, _) = best.ok_or(IntakeError::HeaderMissing)?;
    let row = rows.get(position).ok_or(IntakeError::HeaderMissing)?;

    let mut columns: Vec<ColumnMatch> = Vec::new();
    let mut ignored = Vec::new();
    for (index, cell) in &row.cells {
        let header = values::text(cell, date1904);
        match match_header(&header) {
            Some(column) => {
                if let Some(first) = columns.iter().find(|m| m.column == column) {
                    return Err(IntakeError::ColumnDuplicate {
                        column,
                        first: first.header.clone(),
                        second: header,
                    });
                }
                columns.push(ColumnMatch {
                    column,
                    header,
                    index: *index,
                });
            }
            None if header.is_empty() => {}
            None => ignored.push(header),
        }
    }
    for spec in COLUMNS.iter().filter(|s| s.required) {
        let optional = spec.column == Column::Channel
            && (opts.default_channel.is_some() || opts.edits.channel.is_some());
        if !optional && !columns.iter().any(|m| m.column == spec.column) {
            return Err(IntakeError::ColumnMissing {
                column: spec.column,
                ignored: ignored.clone(),
            });
        }
    }
    Ok(Header {
        position,
        columns,
        ignored,
    })
}

/// Per-file state of the conversion.
pub(crate) struct Converter<'a> {
    pub opts: &'a Options,
    pub date1904: bool,
    pub columns: &'a [ColumnMatch],
    /// Headers not recognised, named when a row misses a column (`第几批`).
    pub ignored: &'a [String],
    pub divisions: Resolver,
}

/// 序号 values marking a template's example row, which is skipped rather than imported.
const EXAMPLE_MARKS: &[&str] = &[
    "示例",
    "例",
    "样例",
    "范例",
    "示例行",
    "例子",
    "example",
    "e.g.",
];

/// Names the column in a row error's messages as the file does: `受理时间不是有效时间`
/// rather than the form's `收件时间…` when the list calls it 受理时间. Only the name
/// changes, never the code. The template's name stands in for an English header
/// (`received_at`), and a field filled from several columns (经度/纬度) keeps its name.
pub(crate) fn name_columns(e: &mut RowError, columns: &[ColumnMatch]) {
    let mut fields = vec![base(&e.field).to_owned()];
    if e.code == "batch.date.after_receipt" {
        fields.push("received_at".to_owned());
    }
    for field in fields {
        let mut matches = columns.iter().filter(|m| m.column.spec().field == field);
        let (Some(m), None) = (matches.next(), matches.next()) else {
            continue;
        };
        let spec = m.column.spec();
        let cjk = !m.header.is_ascii();
        let zh = if cjk { m.header.as_str() } else { spec.zh };
        let en = if cjk && m.header != spec.zh {
            format!("{} “{}”", spec.en, m.header)
        } else {
            spec.en.to_owned()
        };
        rename(&mut e.zh, &[field_label(&field, Lang::Zh), spec.zh], zh);
        rename(&mut e.en, &[field_label(&field, Lang::En), spec.en], &en);
    }
}

/// The first of `names` found in `text` replaced, once, by `new`.
fn rename(text: &mut String, names: &[&str], new: &str) {
    if let Some(old) = names.iter().find(|n| text.contains(**n))
        && *old != new
    {
        *text = text.replacen(old, new, 1);
    }
}

/// A row's import-level problems: each keeps the form from reporting its field again
/// (an unparseable batch number is not also "required").
struct Problems {
    list: Vec<RowError>,
}

fn base(field: &str) -> &str {
    field.split('[').next().unwrap_or(field)
}

impl Problems {
    fn push_case(&mut self, e: CaseError) {
        self.list.push(RowError::of(&e));
    }
    fn push_intake(&mut self, e: IntakeError) {
        self.list.push(RowError::of(&e));
    }
    fn covers(&self, field: &str) -> bool {
        self.list.iter().any(|e| base(&e.field) == base(field))
    }
}

fn rfc3339(t: DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, false)
}

impl Converter<'_> {
    fn cell<'r>(&self, row: &'r RawRow, column: Column) -> Option<&'r Cell> {
        let m = self.columns.iter().find(|m| m.column == column)?;
        row.get(m.index)
    }

    fn text(&self, row: &RawRow, column: Column) -> String {
        self.cell(row, column)
            .map(|c| values::text(c, self.date1904))
            .unwrap_or_default()
    }

    /// Whether the row has nothing to import: every mapped cell but 序号 is empty
    /// (templates often come with the numbers filled in ahead).
    pub fn is_empty(&self, row: &RawRow) -> bool {
        self.columns
            .iter()
            .filter(|m| m.column != Column::RowNumber)
            // Readers keep no blank cells, so presence is content.
            .all(|m| row.get(m.index).is_none())
    }

    /// Whether the row is a template's example (序号 `示例`), to be skipped.
    pub fn is_example(&self, row: &RawRow) -> bool {
        let n = self.text(row, Column::RowNumber);
        let n: String = halfwidth(&n)
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        EXAMPLE_MARKS.contains(&n.as_str())
    }

    /// A required-field error for a column the file lacks says so, and names the
    /// unrecognised headers that may be it: "批次号不能为空" on every row would send
    /// people looking at the cells.
    fn absent_column(&self, e: &mut RowError) {
        if !e.code.ends_with(".required") || e.column.is_some() {
            return;
        }
        let Some(spec) = COLUMNS.iter().find(|s| s.field == base(&e.field)) else {
            return;
        };
        let text = if self.ignored.is_empty() {
            key!("intake.absent_column")
        } else {
            key!("intake.absent_column.candidates")
        };
        let note = |message: &str, lang: Lang| {
            let params = [
                ("message", message.to_owned()),
                ("header", spec.zh.to_owned()),
                ("column", spec.name(lang).to_owned()),
                (
                    "ignored",
                    self.ignored.join(key!("intake.list_sep").get(lang)),
                ),
            ];
            text.fill(lang, &params)
        };
        e.zh = note(&e.zh, Lang::Zh);
        e.en = note(&e.en, Lang::En);
    }

    /// The header(s) in the file a form field came from, for the preview.
    fn header_of(&self, field: &str) -> Option<String> {
        let headers: Vec<&str> = self
            .columns
            .iter()
            .filter(|m| m.column.spec().field == base(field))
            .map(|m| m.header.as_str())
            .collect();
        (!headers.is_empty()).then(|| headers.join("/"))
    }

    pub fn convert(&self, raw: &RawRow) -> Row {
        let opts = self.opts;
        let mut p = Problems { list: Vec::new() };
        let mut d = CaseDraft::default();

        let row_number = Some(self.text(raw, Column::RowNumber)).filter(|s| !s.is_empty());

        let edit = opts.edits.row(raw.line);
        let channel = self.text(raw, Column::Channel);
        let channel = match &opts.edits.channel {
            Some(c) if channel.is_empty() => c.trim().to_owned(),
            _ => channel,
        };
        d.channel = if channel.is_empty() {
            opts.default_channel
                .map(|c| c.code().to_owned())
                .unwrap_or_default()
        } else {
            values::channel_code(&duban_hanzi::to_simplified(&channel))
                .map_or(channel, str::to_owned)
        };
        let kind = self.text(raw, Column::RequestKind);
        d.request_kind = values::request_kind_code(&kind).map_or(kind, str::to_owned);
        if let Some(cell) = self.cell(raw, Column::Urgent) {
            let s = values::text(cell, self.date1904);
            match values::parse_flag(&s) {
                Some(b) => d.urgent = b,
                None => p.push_intake(IntakeError::InvalidFlag {
                    column: Column::Urgent,
                    value: s,
                }),
            }
        }

        match self.cell(raw, Column::BatchNumber) {
            Some(cell) => match values::parse_batch_number(cell) {
                Some(n) => d.batch_number = Some(n),
                None => p.push_intake(IntakeError::InvalidBatchNumber {
                    value: values::text(cell, self.date1904),
                }),
            },
            None => d.batch_number = opts.edits.batch_number,
        }
        // A corrected date, else the cell, else the date set for the whole file.
        let date_text = edit
            .and_then(|e| e.batch_date.clone())
            .or_else(|| {
                self.cell(raw, Column::BatchDate)
                    .is_none()
                    .then(|| opts.edits.batch_date.clone())
                    .flatten()
            })
            .map(|s| Cell::Text(s.trim().to_owned()));
        let batch_cell = date_text
            .as_ref()
            .or_else(|| self.cell(raw, Column::BatchDate));
        let batch_date = match batch_cell {
            Some(Cell::Date(serial)) => {
                values::serial_to_datetime(*serial, self.date1904).map(|t| t.date())
            }
            Some(Cell::Number(serial)) if values::plausible_serial(*serial) => {
                values::serial_to_datetime(*serial, self.date1904).map(|t| t.date())
            }
            Some(Cell::Number(_) | Cell::Int(_) | Cell::Bool(_)) | None => None,
            Some(cell) => values::parse_date(&values::text(cell, self.date1904)),
        };
        d.batch_date = match batch_date {
            Some(date) => date.format("%Y-%m-%d").to_string(),
            // Unreadable: passed on for the form's `batch.date.invalid`.
            None => batch_cell
                .map(|c| values::text(c, self.date1904))
                .unwrap_or_default(),
        };
        d.sender_ref = self.text(raw, Column::SenderRef);

        d.content = self.text(raw, Column::Content);
        d.address = self.text(raw, Column::Address);
        d.division = self.division(
            edit.and_then(|e| e.division.clone())
                .unwrap_or_else(|| self.text(raw, Column::Division)),
            &mut p,
        );

        d.categories = self.list(raw, Column::Categories, values::category_code);
        let key = self.text(raw, Column::KeyClasses);
        d.key_classes = match values::parse_flag(&key) {
            // 是 marks the one class the inspection team itself names: its key case.
            Some(true) => vec![duban_case::model::KeyClass::InspectionKey.code().to_owned()],
            Some(false) => Vec::new(),
            None => self.list(raw, Column::KeyClasses, values::key_class_code),
        };

        let personal = |c: Column| {
            let s = self.text(raw, c);
            if values::is_placeholder(&s) {
                String::new()
            } else {
                s
            }
        };
        d.complainant_name = personal(Column::ComplainantName);
        d.complainant_phone = values::phone(&personal(Column::ComplainantPhone));
        d.complainant_id_number = personal(Column::ComplainantIdNumber);

        let lon = self.cell(raw, Column::Lon);
        let lat = self.cell(raw, Column::Lat);
        d.lon = lon.and_then(values::coordinate);
        d.lat = lat.and_then(values::coordinate);
        if (lon.is_some() && d.lon.is_none()) || (lat.is_some() && d.lat.is_none()) {
            p.push_case(CaseError::InvalidCoordinates);
        }

        let received_at = self.received_at(raw, edit, &mut d, batch_date);

        let (case, parse_errors) = match NewCase::parse(&d, opts.now) {
            Ok(case) => (Some(case), Vec::new()),
            Err(errs) => (None, errs.0),
        };
        let mut errors: Vec<RowError> = Vec::new();
        for e in &parse_errors {
            if !p.covers(&e.field()) {
                errors.push(RowError::of(e));
            }
        }
        errors.extend(p.list);
        for e in &mut errors {
            e.column = self.header_of(&e.field);
            name_columns(e, self.columns);
            self.absent_column(e);
        }
        Row {
            line: raw.line,
            row_number,
            case: case.filter(|_| errors.is_empty()),
            errors,
            draft: d,
            received_at,
            excluded: None,
        }
    }

    fn list(
        &self,
        raw: &RawRow,
        column: Column,
        map: fn(&str) -> Option<&'static str>,
    ) -> Vec<String> {
        let text = self.text(raw, column);
        let mut out: Vec<String> = Vec::new();
        for item in values::split_list(&text) {
            let v = map(&duban_hanzi::to_simplified(item))
                .map_or_else(|| item.to_owned(), str::to_owned);
            // Lists are finer than our categories (扬尘、油烟 are both air): one is enough.
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    }

    fn division(&self, text: String, p: &mut Problems) -> String {
        let s = duban_hanzi::to_simplified(&halfwidth(&text));
        let s = s.trim();
        if s.is_empty() || s.bytes().all(|b| b.is_ascii_digit()) {
            // Empty or a code: the form decides.
            return s.to_owned();
        }
        match self.divisions.resolve(s) {
            Ok(code) => code.to_string(),
            Err(Miss::Unknown) => {
                p.push_case(CaseError::UnknownDivision { value: s.into() });
                s.to_owned()
            }
            Err(Miss::CountyUnknown { city, rest }) => {
                p.push_intake(IntakeError::UnknownCounty {
                    value: s.into(),
                    city,
                    rest,
                });
                s.to_owned()
            }
            Err(Miss::Ambiguous(candidates)) => {
                p.push_intake(IntakeError::AmbiguousDivision {
                    value: s.into(),
                    candidates,
                });
                s.to_owned()
            }
        }
    }

    /// The receipt time: the cell when given; else the batch date at the configured
    /// time (08:30 China time by default: the team hands a batch over for that working
    /// day), but never after `now`; else `now`, and the row says so.
    fn received_at(
        &self,
        raw: &RawRow,
        edit: Option<&crate::RowEdit>,
        d: &mut CaseDraft,
        batch_date: Option<chrono::NaiveDate>,
    ) -> ReceivedAt {
        let opts = self.opts;
        let offset = opts.offset;
        let corrected = edit
            .and_then(|e| e.received_at.clone())
            .map(|s| Cell::Text(s.trim().to_owned()));
        let cell = corrected
            .as_ref()
            .or_else(|| self.cell(raw, Column::ReceivedAt));
        let serial = match cell {
            Some(Cell::Date(serial)) => Some(*serial),
            Some(Cell::Number(serial)) if values::plausible_serial(*serial) => Some(*serial),
            _ => None,
        };
        let given = match (serial, cell) {
            (Some(serial), _) => Some(
                values::serial_to_datetime(serial, self.date1904)
                    .map(|t| {
                        // A whole day (a date-formatted cell) reads like a date typed alone.
                        if serial.fract() == 0.0 {
                            t.date().and_time(opts.receipt_time)
                        } else {
                            t
                        }
                    })
                    .and_then(|t| offset.from_local_datetime(&t).single())
                    .map(rfc3339)
                    .unwrap_or_else(|| values::text(&Cell::Number(serial), self.date1904)),
            ),
            (None, Some(cell)) => {
                let s = values::text(cell, self.date1904);
                Some(
                    values::parse_datetime(&s, offset, opts.receipt_time)
                        .map(rfc3339)
                        // Unreadable: passed on for the form's `received_at.invalid`.
                        .unwrap_or(s),
                )
            }
            (None, None) => None,
        };
        if let Some(s) = given.filter(|s| !s.is_empty()) {
            d.received_at = s;
            return ReceivedAt::Given;
        }
        let now_local = opts.now.with_timezone(&offset);
        let morning = batch_date.and_then(|date| {
            offset
                .from_local_datetime(&date.and_time(opts.receipt_time))
                .single()
        });
        if let Some(t) = morning.filter(|t| t.with_timezone(&Utc) <= opts.now) {
            d.received_at = rfc3339(t);
            return ReceivedAt::BatchDate;
        }
        // Written out so that the preview and a later save agree on the instant.
        d.received_at = rfc3339(now_local);
        ReceivedAt::Now
    }
}

/// Marks the second and later rows carrying the same 交办编号 (compared without
/// whitespace, case or width differences).
pub(crate) fn mark_duplicates(rows: &mut [Row], columns: &[ColumnMatch]) {
    let header = columns
        .iter()
        .find(|m| m.column == Column::SenderRef)
        .map(|m| m.header.as_str());
    let mut first: HashMap<String, usize> = HashMap::new();
    for row in rows.iter_mut() {
        let key = ref_key(&row.draft.sender_ref);
        if key.is_empty() {
            continue;
        }
        match first.get(&key) {
            Some(&first_line) => {
                let e = IntakeError::DuplicateInFile {
                    value: row.draft.sender_ref.trim().to_owned(),
                    first_line,
                };
                let mut re = RowError::of(&e);
                re.column = header.map(str::to_owned);
                name_columns(&mut re, columns);
                row.errors.push(re);
                row.case = None;
            }
            None => {
                first.insert(key, row.line);
            }
        }
    }
}

/// A transfer number as compared: without whitespace, case or width differences.
pub fn ref_key(s: &str) -> String {
    halfwidth(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}
