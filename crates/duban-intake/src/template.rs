//! The downloadable template, generated from [`COLUMNS`](crate::COLUMNS).

use crate::columns::COLUMNS;

/// The template as CSV: a UTF-8 BOM (so that Excel opens it as Chinese rather than as
/// ANSI), the Chinese headers of every column and one example row, numbered `示例` so
/// that the import skips it: an unchanged template imports nothing. The server builds an
/// XLSX template from [`COLUMNS`](crate::COLUMNS) the same way, with the notes as
/// comments on the header cells (CSV has no place for them outside the data).
pub fn template_csv() -> String {
    let mut out = String::from("\u{FEFF}");
    push_line(&mut out, COLUMNS.iter().map(|c| c.zh));
    push_line(&mut out, COLUMNS.iter().map(|c| c.example));
    out
}

fn push_line<'a>(out: &mut String, cells: impl Iterator<Item = &'a str>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if cell.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(cell);
        }
    }
    // CRLF: what Excel writes and expects.
    out.push_str("\r\n");
}
