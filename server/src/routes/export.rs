use crate::http::register::Routes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use duban_api::export;

use duban_api::{ErrorBody, ListQuery};
use duban_case::Lang;
use duban_text::{Key, key};

use crate::error::{ApiFailure, ApiQuery, ReqLang};

use crate::policy::Actor;
use crate::routes::cases::case_filter;
use crate::service::AppState;

/// This feature's routes, under `/api/v1`.
pub fn routes() -> Routes {
    Routes::new()
        .at(export::ExportCsv, export_csv)
        .at(export::ExportXlsx, export_xlsx)
}

/// Most rows one export carries; a larger selection is refused with a hint to filter.
pub const EXPORT_MAX_ROWS: u64 = 50_000;

/// The export's columns, in order.
const COLUMNS: [Key; 12] = [
    key!("export.col.reference"),
    key!("export.col.sender_ref"),
    key!("export.col.received"),
    key!("export.col.channel"),
    key!("export.col.batch"),
    key!("export.col.division"),
    key!("export.col.categories"),
    key!("export.col.key"),
    key!("export.col.status"),
    key!("export.col.due"),
    key!("export.col.lead"),
    key!("export.col.excerpt"),
];

/// The complainant's contact columns after them, for roles that handle complainants.
const CONTACT: [Key; 2] = [key!("export.col.complainant"), key!("export.col.phone")];

/// The case list with the current filters as a table, newest first. Exports never
/// carry personal data unmasked, whatever the reader's role: administrators,
/// coordinators and handlers get the complainant's name and phone masked as on the case
/// page (`欧**`, `139****1234`), supervisors and leaders no complainant columns at all;
/// the text is redacted for every role ([`duban_case::privacy::redact`]: phone and ID
/// numbers, mail, the complainant's name typed into it).
pub(crate) async fn export_table(
    s: &AppState,
    actor: &Actor,
    q: &ListQuery,
    lang: Lang,
) -> Result<(Vec<&'static str>, Vec<Vec<String>>), ApiFailure> {
    let mut f = case_filter(q, actor, lang)?;
    f.limit = 1000;
    f.after = None;
    // Those who handle complainants get them masked as on the case page (to know whom
    // to call back through the audited reveal); supervisors and leaders get no columns.
    let contact = actor.may_read_personal_data();
    let contact_columns: &[Key] = if contact { &CONTACT } else { &[] };
    let header: Vec<&str> = COLUMNS
        .iter()
        .chain(contact_columns)
        .map(|k| k.get(lang))
        .collect();
    let mut rows = Vec::new();
    loop {
        let (items, total) = s.store.list_cases(&f).await?;
        // The lead unit and the complainant are in the full case, not the summary.
        let full = s.full_cases(&items).await?;
        if total > EXPORT_MAX_ROWS {
            let counts = [
                ("max", EXPORT_MAX_ROWS.to_string()),
                ("total", total.to_string()),
            ];
            let key = key!("err.export.too_large");
            return Err(ApiFailure::Invalid(ErrorBody::text(
                "limit", key, &counts, lang,
            )));
        }
        for c in &items {
            let local = |t: DateTime<Utc>| {
                t.with_timezone(&duban_core::CHINA)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            };
            let cats: Vec<&str> = c.categories.iter().map(|x| x.label(lang)).collect();
            rows.push(vec![
                c.reference.to_string(),
                c.sender_ref.clone().unwrap_or_default(),
                local(c.received_at),
                c.channel.label(lang).to_owned(),
                c.batch.map(|b| b.number().to_string()).unwrap_or_default(),
                c.division_name.clone(),
                cats.join("、"),
                if c.key_classes.is_empty() { "" } else { "★" }.to_owned(),
                c.status.label(lang).to_owned(),
                c.clock
                    .as_ref()
                    .map(|k| local(k.due_at()))
                    .unwrap_or_default(),
                full.get(&c.id)
                    .and_then(|k| k.lead_unit())
                    .map(|u| {
                        s.unit_name(u.as_str())
                            .unwrap_or_else(|| u.as_str().to_owned())
                    })
                    .unwrap_or_default(),
                duban_case::privacy::redact(
                    &c.excerpt,
                    full.get(&c.id).and_then(|k| k.complainant().name()),
                ),
            ]);
            if let (true, Some(row)) = (contact, rows.last_mut()) {
                let person = full.get(&c.id).map(|k| k.complainant().masked());
                row.push(
                    person
                        .as_ref()
                        .and_then(|p| p.name())
                        .unwrap_or_default()
                        .to_owned(),
                );
                row.push(
                    person
                        .as_ref()
                        .and_then(|p| p.phone())
                        .map(|p| p.as_str().to_owned())
                        .unwrap_or_default(),
                );
            }
        }
        match items.last() {
            Some(last) if items.len() as i64 == f.limit => {
                f.after = Some((last.received_at.timestamp_millis(), last.id.to_string()));
            }
            _ => break,
        }
    }
    Ok((header, rows))
}

pub(crate) fn download(s: &AppState, ext: &str, content_type: &str, body: Vec<u8>) -> Response {
    let name = format!(
        "duban-cases-{}.{ext}",
        s.now()
            .with_timezone(&duban_core::CHINA)
            .format("%Y%m%d-%H%M")
    );
    download_named(&name, content_type, body)
}

/// A file to save: an ASCII fallback name and the real one in RFC 5987 form, so that
/// Chinese names survive.
pub(crate) fn download_named(name: &str, content_type: &str, body: Vec<u8>) -> Response {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type.to_owned()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        body,
    )
        .into_response()
}

/// The case list with the current filters as CSV ([`csv_of`]).
pub(crate) async fn export_csv(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, ApiFailure> {
    let (header, rows) = export_table(&s, &actor, &q, lang).await?;
    let body = csv_of(&header, &rows)?;
    tracing::info!(rows = rows.len(), "case export (csv)");
    Ok(download(&s, "csv", "text/csv; charset=utf-8", body))
}

/// The same table as an Excel workbook: a bold frozen header, filters on every
/// column, and widths that fit Chinese text.
pub(crate) async fn export_xlsx(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, ApiFailure> {
    let (header, rows) = export_table(&s, &actor, &q, lang).await?;
    let sheet = key!("export.sheet.cases").get(lang);
    let body =
        xlsx_of(&header, &rows, sheet).map_err(|e| ApiFailure::Unavailable(e.to_string()))?;
    tracing::info!(rows = rows.len(), "case export (xlsx)");
    Ok(download(
        &s,
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        body,
    ))
}

/// A header and text rows as CSV: UTF-8 with a byte-order mark, so that Excel reads the
/// Chinese.
pub(crate) fn csv_of(header: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, ApiFailure> {
    let failed = |e: csv::Error| ApiFailure::Unavailable(e.to_string());
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    out.write_record(header).map_err(failed)?;
    for r in rows {
        out.write_record(r).map_err(failed)?;
    }
    out.into_inner()
        .map_err(|e| ApiFailure::Unavailable(e.to_string()))
}

/// A one-sheet workbook of a header and text rows.
pub fn xlsx_of(
    header: &[&str],
    rows: &[Vec<String>],
    sheet: &str,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet)?;
    let bold = Format::new().set_bold().set_background_color("#E8EEF7");
    let mut widths: Vec<usize> = header.iter().map(|h| display_width(h)).collect();
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, v)?;
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(display_width(v));
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w).clamp(6, 60) as f64 + 1.0)?;
    }
    ws.set_freeze_panes(1, 0)?;
    if !header.is_empty() {
        ws.autofilter(0, 0, rows.len() as u32, header.len() as u16 - 1)?;
    }
    book.save_to_buffer()
}

/// Columns a text takes: CJK characters count twice.
pub(crate) fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}
