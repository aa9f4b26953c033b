//! Bytes to a grid of cells: CSV text (UTF-8, UTF-16 with BOM, GBK/GB18030; comma, tab
//! or semicolon) or a workbook (xlsx, and legacy xls). Typed cells are kept typed so that
//! dates, phones and batch numbers stored as numbers come out right later.

use std::borrow::Cow;
use std::io::Cursor;

use calamine::{Data, DataRef, Reader, SheetType, SheetVisible, Xls, Xlsx};
use serde::Serialize;

use crate::error::IntakeError;

/// Excel's own limit for the text of one cell; anything longer is not a spreadsheet
/// cell a person typed (often an unbalanced quote in a CSV swallowing the rest).
pub const MAX_CELL_CHARS: usize = 32_767;
/// Rows above the header that may hold titles (`第一批交办信访件清单`) or notes.
pub(crate) const HEADER_SCAN: usize = 30;

/// The kind of file read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Format {
    Csv,
    Xlsx,
    /// Excel 97-2003 (`.xls`), still common in district offices.
    Xls,
}

/// One cell as stored. Empty cells are not kept.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Text(String),
    Int(i64),
    Number(f64),
    /// An Excel serial date-time (days since the workbook's epoch, fraction = time).
    Date(f64),
    Bool(bool),
}

/// A non-empty row: its 1-based line (CSV) or row number (workbook), and its cells by
/// 0-based column, sorted.
#[derive(Debug, Clone)]
pub(crate) struct RawRow {
    pub line: usize,
    pub cells: Vec<(usize, Cell)>,
}

impl RawRow {
    pub fn get(&self, col: usize) -> Option<&Cell> {
        self.cells
            .binary_search_by_key(&col, |(c, _)| *c)
            .ok()
            .and_then(|i| self.cells.get(i))
            .map(|(_, v)| v)
    }
}

#[derive(Debug)]
pub(crate) struct Grid {
    pub format: Format,
    pub encoding: &'static str,
    pub sheet_name: Option<String>,
    /// The workbook counts days from 1904 (old Mac Excel).
    pub date1904: bool,
    pub rows: Vec<RawRow>,
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Read `bytes`, keeping at most `max_rows` rows below the header (plus the rows that
/// may lie above it).
pub(crate) fn load(
    bytes: &[u8],
    sheet: Option<&str>,
    max_rows: usize,
) -> Result<Grid, IntakeError> {
    let cap = max_rows.saturating_add(HEADER_SCAN);
    if bytes.starts_with(ZIP_MAGIC) {
        guarded(|| load_xlsx(bytes, sheet, cap, max_rows))
    } else if bytes.starts_with(CFB_MAGIC) {
        if cfb_fat_loops(bytes) {
            return Err(IntakeError::Unreadable {
                detail: "the workbook's sector chains loop".into(),
            });
        }
        guarded(|| load_xls(bytes, sheet, cap, max_rows))
    } else {
        load_csv(bytes, cap, max_rows)
    }
}

/// The workbook parser is third-party code fed untrusted bytes, and at least one crafted
/// input (a cell reference past `u32`) makes it overflow, which panics in debug builds.
/// A panic there means "unreadable workbook", not a crashed request. (Where panics
/// abort, as in the wasm release build, this cannot catch; release builds also do not
/// check that overflow.)
fn guarded<T>(
    load: impl FnOnce() -> Result<T, IntakeError> + std::panic::UnwindSafe,
) -> Result<T, IntakeError> {
    std::panic::catch_unwind(load).unwrap_or_else(|_| {
        Err(IntakeError::Unreadable {
            detail: "the workbook parser failed on this file".into(),
        })
    })
}

/// Whether the sector allocation table (FAT) of a compound file (legacy xls) has a
/// cycle. calamine follows FAT chains until their end mark without noticing a cycle, so
/// a few kilobytes whose directory chain loops make it allocate until memory runs out.
/// A chain without a cycle visits each sector of the file once at most; no valid file
/// has a cycle. The FAT is rebuilt here exactly as calamine 0.38 reads it (MS-CFB: the
/// header's 109 DIFAT entries, then the DIFAT chain, each entry naming a FAT sector); a
/// file calamine refuses anyway (bad header, a sector past the end) is left to it.
fn cfb_fat_loops(bytes: &[u8]) -> bool {
    const RESERVED: u32 = 0xFFFF_FFFA;
    const DIFSECT: u32 = 0xFFFF_FFFC;
    let size: usize = match bytes.get(30..32) {
        Some([9, 0]) => 512,
        Some([12, 0]) => 4096,
        _ => return false,
    };
    let (Some(header), Some(file)) = (bytes.get(76..512), bytes.get(size..)) else {
        return false;
    };
    let mut sectors = CfbSectors {
        file,
        size,
        maxid: bytes.len() / size,
        loaded: 0,
    };
    let Some(mut difat) = u32s(header) else {
        return false;
    };
    let mut next = bytes
        .get(68..72)
        .and_then(u32s)
        .and_then(|v| v.first().copied())
        .unwrap_or(RESERVED);
    let mut hops = 0usize;
    while next < RESERVED {
        hops += 1;
        if hops > sectors.maxid.saturating_add(1) {
            return false;
        }
        let Some(more) = sectors.get(next).and_then(|s| u32s(&s)) else {
            return false;
        };
        difat.extend(more);
        let Some(n) = difat.pop() else {
            return false;
        };
        next = n;
    }
    let mut fat = Vec::new();
    for id in difat.into_iter().filter(|id| *id < DIFSECT) {
        let Some(more) = sectors.get(id).and_then(|s| u32s(&s)) else {
            return false;
        };
        fat.extend(more);
    }
    // calamine reads sector `n` only if n <= maxid, then looks up fat[n].
    let nodes = fat.len().min(sectors.maxid.saturating_add(1));
    // Walk every chain once: 1 = on the current walk, 2 = known to end.
    let mut state = vec![0u8; nodes];
    for first in 0..nodes {
        let mut walk = Vec::new();
        let mut at = first;
        let looped = loop {
            match state.get(at) {
                Some(0) => {
                    state[at] = 1;
                    walk.push(at);
                    match fat.get(at).and_then(|n| usize::try_from(*n).ok()) {
                        Some(n) if n < nodes => at = n,
                        _ => break false,
                    }
                }
                Some(1) => break true,
                _ => break false,
            }
        };
        if looped {
            return true;
        }
        for i in walk {
            state[i] = 2;
        }
    }
    false
}

/// Little-endian u32s; `None` for a length calamine's `to_u32` would panic on.
fn u32s(b: &[u8]) -> Option<Vec<u32>> {
    b.len().is_multiple_of(4).then(|| {
        b.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    })
}

/// calamine's sector buffer: the file after the header, read on demand; a sector past
/// the end comes back short the first time and zero-padded afterwards.
struct CfbSectors<'a> {
    file: &'a [u8],
    size: usize,
    maxid: usize,
    /// Bytes of the buffer so far (file bytes, then zeros).
    loaded: usize,
}

impl CfbSectors<'_> {
    /// Sector `id` as calamine returns it; `None` where it fails or panics.
    fn get(&mut self, id: u32) -> Option<Vec<u8>> {
        let id = usize::try_from(id).ok().filter(|id| *id <= self.maxid)?;
        let start = id.checked_mul(self.size)?;
        let end = start.checked_add(self.size)?;
        let stop = if end > self.loaded {
            let before = self.loaded;
            self.loaded = end;
            if self.file.len() >= end {
                end
            } else {
                before.max(self.file.len())
            }
        } else {
            end
        };
        if start > stop {
            return None;
        }
        let mut s = self
            .file
            .get(start..stop.min(self.file.len()))
            .unwrap_or_default()
            .to_vec();
        s.resize(stop - start, 0);
        Some(s)
    }
}

fn check_len(s: &str, line: usize, column: usize) -> Result<(), IntakeError> {
    // Byte length bounds the char count from above; count only when it might matter.
    if s.len() > MAX_CELL_CHARS && s.chars().count() > MAX_CELL_CHARS {
        return Err(IntakeError::CellTooLong {
            line,
            column,
            max: MAX_CELL_CHARS,
        });
    }
    Ok(())
}

// ---- CSV ----

/// Decode text: a BOM decides; else UTF-8 if valid; else GB18030 (a superset of GBK,
/// what Excel on a Chinese Windows writes for "CSV").
fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, &'static str), IntakeError> {
    use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};
    let (text, name): (Cow<'_, str>, &'static str) =
        if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
            let s = std::str::from_utf8(rest).map_err(|_| IntakeError::UnknownEncoding)?;
            (Cow::Borrowed(s), "UTF-8")
        } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
            // Excel's "Unicode text" export: UTF-16LE, tab-separated.
            let s = UTF_16LE
                .decode_without_bom_handling_and_without_replacement(rest)
                .ok_or(IntakeError::UnknownEncoding)?;
            (s, "UTF-16LE")
        } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
            let s = UTF_16BE
                .decode_without_bom_handling_and_without_replacement(rest)
                .ok_or(IntakeError::UnknownEncoding)?;
            (s, "UTF-16BE")
        } else if let Ok(s) = std::str::from_utf8(bytes) {
            (Cow::Borrowed(s), "UTF-8")
        } else {
            let s = GB18030
                .decode_without_bom_handling_and_without_replacement(bytes)
                .ok_or(IntakeError::UnknownEncoding)?;
            (s, "GB18030")
        };
    // NUL never occurs in a typed list; its presence means a binary file.
    if text.contains('\0') {
        return Err(IntakeError::UnknownFormat);
    }
    Ok((text, name))
}

/// Comma unless the first lines clearly use tabs or semicolons (more of them, outside
/// quotes, on some line than commas on any line).
fn sniff_delimiter(text: &str) -> u8 {
    let mut max = [0usize; 3]; // comma, tab, semicolon
    for line in text.lines().take(HEADER_SCAN) {
        let mut counts = [0usize; 3];
        let mut quoted = false;
        for b in line.bytes() {
            match b {
                b'"' => quoted = !quoted,
                b',' if !quoted => counts[0] += 1,
                b'\t' if !quoted => counts[1] += 1,
                b';' if !quoted => counts[2] += 1,
                _ => {}
            }
        }
        for (m, c) in max.iter_mut().zip(counts) {
            *m = (*m).max(c);
        }
    }
    if max[1] > max[0] && max[1] >= max[2] {
        b'\t'
    } else if max[2] > max[0] && max[2] > max[1] {
        b';'
    } else {
        b','
    }
}

/// Line breaks as the csv reader (and an editor) sees them: `\r\n`, `\n`, or a lone `\r`
/// (Excel for Mac's "CSV (Macintosh)").
fn line_breaks(b: &[u8]) -> usize {
    b.iter()
        .enumerate()
        .filter(|&(i, c)| *c == b'\n' || (*c == b'\r' && b.get(i + 1) != Some(&b'\n')))
        .count()
}

fn load_csv(bytes: &[u8], cap: usize, max_rows: usize) -> Result<Grid, IntakeError> {
    let (text, encoding) = decode(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(&text))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let bytes = text.as_bytes();
    // csv's own record position counts blank lines before a record as part of it, so
    // lines are counted here from byte offsets (which only grow).
    let (mut counted_to, mut line) = (0usize, 1usize);
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(IntakeError::Unreadable {
                    detail: e.to_string(),
                });
            }
        }
        let mut start = record
            .position()
            .map_or(counted_to, |p| {
                usize::try_from(p.byte()).unwrap_or(usize::MAX)
            })
            .clamp(counted_to, bytes.len());
        while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        line += bytes.get(counted_to..start).map_or(0, line_breaks);
        counted_to = start;
        let mut cells = Vec::new();
        for (col, field) in record.iter().enumerate() {
            if !field.trim().is_empty() {
                check_len(field, line, col)?;
                cells.push((col, Cell::Text(field.to_owned())));
            }
        }
        if !cells.is_empty() {
            if rows.len() >= cap {
                return Err(IntakeError::TooManyRows { max: max_rows });
            }
            rows.push(RawRow { line, cells });
        }
    }
    Ok(Grid {
        format: Format::Csv,
        encoding,
        sheet_name: None,
        date1904: false,
        rows,
    })
}

// ---- workbooks ----

fn unreadable(e: impl std::fmt::Display) -> IntakeError {
    IntakeError::Unreadable {
        detail: e.to_string(),
    }
}

/// The requested sheet, else the first visible worksheet (chart sheets and hidden
/// helper sheets are skipped), else the first worksheet.
fn choose_sheet(meta: &[calamine::Sheet], wanted: Option<&str>) -> Result<String, IntakeError> {
    let worksheets: Vec<&calamine::Sheet> = meta
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .collect();
    if let Some(name) = wanted {
        let name = name.trim();
        return worksheets
            .iter()
            .find(|s| s.name == name || s.name.trim() == name)
            .map(|s| s.name.clone())
            .ok_or_else(|| IntakeError::SheetNotFound {
                name: name.to_owned(),
                available: worksheets.iter().map(|s| s.name.clone()).collect(),
            });
    }
    worksheets
        .iter()
        .find(|s| s.visible == SheetVisible::Visible)
        .or_else(|| worksheets.first())
        .map(|s| s.name.clone())
        .ok_or(IntakeError::NoWorksheet)
}

fn cell_from_ref(v: DataRef<'_>) -> Option<Cell> {
    Some(match v {
        DataRef::Empty => return None,
        DataRef::String(s) => Cell::Text(s),
        DataRef::SharedString(s) => Cell::Text(s.to_owned()),
        DataRef::Int(i) => Cell::Int(i),
        DataRef::Float(f) => Cell::Number(f),
        DataRef::Bool(b) => Cell::Bool(b),
        DataRef::DateTime(d) if d.is_datetime() => Cell::Date(d.as_f64()),
        DataRef::DateTime(d) => Cell::Number(d.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s),
        DataRef::Error(e) => Cell::Text(e.to_string()),
    })
}

fn cell_from_data(v: &Data) -> Option<Cell> {
    Some(match v {
        Data::Empty => return None,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Int(*i),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(d) if d.is_datetime() => Cell::Date(d.as_f64()),
        Data::DateTime(d) => Cell::Number(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Text(e.to_string()),
    })
}

/// Collects cells (in any order) into sorted, non-empty rows, with the row cap applied
/// as rows appear so that a huge sheet is refused before it is held in memory.
struct RowCollector {
    rows: Vec<RawRow>,
    cap: usize,
    max_rows: usize,
    sorted: bool,
}

impl RowCollector {
    fn new(cap: usize, max_rows: usize) -> Self {
        RowCollector {
            rows: Vec::new(),
            cap,
            max_rows,
            sorted: true,
        }
    }

    fn push(&mut self, row: u32, col: u32, cell: Cell) -> Result<(), IntakeError> {
        let line = (row as usize).saturating_add(1);
        let col = col as usize;
        if let Cell::Text(s) = &cell {
            if s.trim().is_empty() {
                return Ok(());
            }
            check_len(s, line, col)?;
        }
        match self.rows.last_mut() {
            Some(last) if last.line == line => {
                if last.cells.last().is_some_and(|(c, _)| *c >= col) {
                    self.sorted = false;
                }
                last.cells.push((col, cell));
            }
            last => {
                if last.is_some_and(|l| l.line > line) {
                    self.sorted = false;
                }
                if self.rows.len() >= self.cap {
                    return Err(IntakeError::TooManyRows { max: self.max_rows });
                }
                self.rows.push(RawRow {
                    line,
                    cells: vec![(col, cell)],
                });
            }
        }
        Ok(())
    }

    /// Sorted rows and cells; a row or cell given twice keeps its first value. Only a
    /// hand-made file is out of order, so the common path does nothing.
    fn finish(mut self) -> Vec<RawRow> {
        if self.sorted {
            return self.rows;
        }
        self.rows.sort_by_key(|r| r.line);
        let mut out: Vec<RawRow> = Vec::with_capacity(self.rows.len());
        for row in self.rows {
            match out.last_mut() {
                Some(last) if last.line == row.line => last.cells.extend(row.cells),
                _ => out.push(row),
            }
        }
        for row in &mut out {
            row.cells.sort_by_key(|(c, _)| *c);
            row.cells.dedup_by_key(|(c, _)| *c);
        }
        out
    }
}

/// Merged cells keep their value in the top-left cell only; lists often merge 批次号 or
/// 交办日期 down the rows of one batch. Copy the value down into rows that exist.
fn fill_merged(rows: &mut [RawRow], merges: &[calamine::Dimensions]) {
    for m in merges {
        let r0 = (m.start.0 as usize).saturating_add(1);
        let c0 = m.start.1 as usize;
        let r1 = (m.end.0 as usize).saturating_add(1);
        if r1 <= r0 {
            continue;
        }
        let Ok(i0) = rows.binary_search_by_key(&r0, |r| r.line) else {
            continue;
        };
        let Some(value) = rows.get(i0).and_then(|r| r.get(c0)).cloned() else {
            continue;
        };
        for row in rows.iter_mut().skip(i0 + 1) {
            if row.line > r1 {
                break;
            }
            if let Err(at) = row.cells.binary_search_by_key(&c0, |(c, _)| *c) {
                row.cells.insert(at, (c0, value.clone()));
            }
        }
    }
}

fn load_xlsx(
    bytes: &[u8],
    sheet: Option<&str>,
    cap: usize,
    max_rows: usize,
) -> Result<Grid, IntakeError> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let name = choose_sheet(wb.sheets_metadata(), sheet)?;
    let date1904 = wb.has_1904_epoch();
    // Merges are a convenience: a sheet whose merge list cannot be read still imports.
    let merges = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
    let mut collector = RowCollector::new(cap, max_rows);
    {
        let mut cells = wb.worksheet_cells_reader(&name).map_err(unreadable)?;
        while let Some(cell) = cells.next_cell().map_err(unreadable)? {
            let (row, col) = cell.get_position();
            if let Some(v) = cell_from_ref(cell.get_value().clone()) {
                collector.push(row, col, v)?;
            }
        }
    }
    let mut rows = collector.finish();
    fill_merged(&mut rows, &merges);
    Ok(Grid {
        format: Format::Xlsx,
        encoding: "UTF-8",
        sheet_name: Some(name),
        date1904,
        rows,
    })
}

fn load_xls(
    bytes: &[u8],
    sheet: Option<&str>,
    cap: usize,
    max_rows: usize,
) -> Result<Grid, IntakeError> {
    let mut wb: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(unreadable)?;
    let name = choose_sheet(wb.sheets_metadata(), sheet)?;
    let date1904 = wb.has_1904_epoch();
    let merges = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
    // An xls sheet holds at most 65,536 rows, so reading it whole is bounded.
    let range = wb.worksheet_range(&name).map_err(unreadable)?;
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut collector = RowCollector::new(cap, max_rows);
    for (r, c, v) in range.used_cells() {
        if let Some(cell) = cell_from_data(v) {
            let row = r0.saturating_add(u32::try_from(r).unwrap_or(u32::MAX));
            let col = c0.saturating_add(u32::try_from(c).unwrap_or(u32::MAX));
            collector.push(row, col, cell)?;
        }
    }
    let mut rows = collector.finish();
    fill_merged(&mut rows, &merges);
    Ok(Grid {
        format: Format::Xls,
        encoding: "UTF-16LE",
        sheet_name: Some(name),
        date1904,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiter_is_comma_unless_clearly_otherwise() {
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3"), b',');
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t2,5\t3"), b'\t');
        assert_eq!(sniff_delimiter("a;b;c\n1;2;3"), b';');
        assert_eq!(sniff_delimiter("a;b,c"), b',');
        assert_eq!(sniff_delimiter("\"a;b;c\",d"), b',');
    }

    #[test]
    fn decoding_prefers_bom_then_utf8_then_gb18030() {
        let (t, e) = decode(b"\xEF\xBB\xBFabc").unwrap_or_else(|_| unreachable!());
        assert_eq!((t.as_ref(), e), ("abc", "UTF-8"));
        let (gbk, _, _) = encoding_rs::GBK.encode("举报内容");
        let (t, e) = decode(&gbk).unwrap_or_else(|_| unreachable!());
        assert_eq!((t.as_ref(), e), ("举报内容", "GB18030"));
        assert_eq!(decode(b"a\0b").err(), Some(IntakeError::UnknownFormat));
        assert_eq!(
            decode(b"\xFF\xFEa").err(),
            Some(IntakeError::UnknownEncoding)
        );
    }

    #[test]
    fn merged_cells_fill_down_into_existing_rows() {
        let mut rows = vec![
            RawRow {
                line: 2,
                cells: vec![(0, Cell::Int(3)), (1, Cell::Text("a".into()))],
            },
            RawRow {
                line: 3,
                cells: vec![(1, Cell::Text("b".into()))],
            },
            RawRow {
                line: 9,
                cells: vec![(1, Cell::Text("c".into()))],
            },
        ];
        let m = calamine::Dimensions::new((1, 0), (2, 0));
        fill_merged(&mut rows, &[m]);
        assert_eq!(rows[1].get(0), Some(&Cell::Int(3)));
        assert_eq!(rows[2].get(0), None);
    }
}
