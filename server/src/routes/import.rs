//! Batch import of an inspection team's transfer list: the template, a preview that
//! saves nothing, and an all-or-nothing commit. Reading and validation are
//! `duban-intake`'s; this module adds what needs the database: batches and numbers
//! imported before, routing proposals and repeat candidates.

use crate::http::register::Routes;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Datelike as _};
use duban_api::import;

use duban_api::{
    ApiError, ErrorBody, IMPORT_MAX_BYTES, ImportBatch, ImportColumn, ImportPreview, ImportQuery,
    ImportRecordView, ImportResult, ImportRowView, ImportValue,
};
use duban_case::Lang;
use duban_case::draft::NewCase;
use duban_text::key;

use crate::error::{ApiFailure, ApiQuery, ReqLang};
use crate::policy::Actor;
use crate::service::AppState;
use crate::service::inserts;
use crate::store::{ImportRecord, StoreError};

pub fn routes() -> Routes {
    Routes::new()
        .at(import::ImportTemplateCsv, template_csv)
        .at(import::ImportTemplateXlsx, template_xlsx)
        .at_with_body_limit(import::PreviewImport, preview, IMPORT_MAX_BYTES)
        .at_with_body_limit(import::CommitImport, commit, IMPORT_MAX_BYTES)
}

/// The system that numbers an inspection team's transfers, for `external_refs`.
const INSPECTION: &str = "inspection";
/// A transfer number whatever its batch (`2026-D3200001`), also in `external_refs`:
/// the same number in a later batch is a duplicate row, never a second case.
const TRANSFER: &str = "inspection-ref";

async fn template_csv(_actor: Actor) -> Response {
    crate::routes::export::download_named(
        "交办清单模板.csv",
        "text/csv; charset=utf-8",
        duban_intake::template_csv().into_bytes(),
    )
}

async fn template_xlsx(_actor: Actor) -> Result<Response, ApiFailure> {
    let body = template_book().map_err(|e| ApiFailure::Unavailable(e.to_string()))?;
    Ok(crate::routes::export::download_named(
        "交办清单模板.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        body,
    ))
}

/// The XLSX template: headers (required ones in red) with how to fill each as a note on
/// its cell, one example row numbered `示例` (skipped by the import), and the notes again
/// on a second sheet 填表说明. Nothing but cases may stand below the header: a help row
/// there was read as a case and failed on every column.
fn template_book() -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Note, Workbook};
    let columns = duban_intake::COLUMNS;
    let note = |c: &duban_intake::ColumnSpec| {
        format!("{}{}", if c.required { "必填。" } else { "" }, c.note_zh)
    };
    let head = Format::new().set_bold().set_background_color("#E8EEF7");
    let required = head.clone().set_font_color("#C00000");
    let example = Format::new().set_italic().set_font_color("#808080");
    // Numbers typed here must stay as written (no 1.39E+10, no lost leading zero).
    let text = Format::new().set_num_format("@");
    let as_text = |c: &duban_intake::ColumnSpec| {
        matches!(
            c.column,
            duban_intake::Column::SenderRef
                | duban_intake::Column::ComplainantPhone
                | duban_intake::Column::ComplainantIdNumber
        )
    };
    let width = |s: &str| {
        s.chars()
            .map(|c| if c.is_ascii() { 1 } else { 2 })
            .sum::<usize>()
    };
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("交办清单")?;
    for (i, c) in columns.iter().enumerate() {
        let col = u16::try_from(i).unwrap_or(u16::MAX);
        if as_text(c) {
            ws.set_column_format(col, &text)?;
        }
        ws.write_string_with_format(0, col, c.zh, if c.required { &required } else { &head })?;
        ws.insert_note(
            0,
            col,
            &Note::new(note(c))
                .add_author_prefix(false)
                .set_width(240)
                .set_height(90),
        )?;
        let cell = if as_text(c) {
            example.clone().set_num_format("@")
        } else {
            example.clone()
        };
        ws.write_string_with_format(1, col, c.example, &cell)?;
        let w = width(c.zh).max(width(c.example)).clamp(6, 40);
        ws.set_column_width(col, w as f64 + 2.0)?;
    }
    ws.set_freeze_panes(1, 0)?;

    let help = book.add_worksheet();
    help.set_name("填表说明")?;
    help.write_string_with_format(
        0,
        0,
        "请在“交办清单”工作表中填写，每行一件；第2行（序号为“示例”）是填写示例，导入时自动跳过，可保留或删除。红色列名为必填列。",
        &Format::new().set_bold(),
    )?;
    for (c, h) in ["列名", "是否必填", "填写说明", "示例"].iter().enumerate() {
        help.write_string_with_format(2, c as u16, *h, &head)?;
    }
    for (i, c) in columns.iter().enumerate() {
        let row = 3 + u32::try_from(i).unwrap_or(0);
        help.write_string(row, 0, c.zh)?;
        help.write_string(row, 1, if c.required { "必填" } else { "选填" })?;
        help.write_string(row, 2, c.note_zh)?;
        help.write_string(row, 3, c.example)?;
    }
    for (c, w) in [14.0, 10.0, 80.0, 40.0].into_iter().enumerate() {
        help.set_column_width(c as u16, w)?;
    }
    book.save_to_buffer()
}

/// Values as read, named when known (`air` → 大气), as the cell gave them otherwise.
fn labelled<T: std::str::FromStr>(
    codes: &[String],
    label: impl Fn(T) -> &'static str,
) -> Vec<ImportValue> {
    codes
        .iter()
        .map(|code| match code.parse::<T>() {
            Ok(v) => ImportValue {
                code: code.clone(),
                label: label(v).to_owned(),
                known: true,
            },
            Err(_) => ImportValue {
                code: code.clone(),
                label: code.clone(),
                known: false,
            },
        })
        .collect()
}

fn file_error(e: &duban_intake::IntakeError, lang: Lang) -> ApiFailure {
    ApiFailure::invalid([e], lang)
}

fn body_of(body: Result<Bytes, BytesRejection>, lang: Lang) -> Result<Bytes, ApiFailure> {
    match body {
        Ok(b) if b.is_empty() => Err(ApiFailure::Invalid(ErrorBody::text(
            "file",
            key!("err.import.empty"),
            &[],
            lang,
        ))),
        Ok(b) => Ok(b),
        Err(_) => {
            let too_large = ApiError::from_text("file", key!("srv.import.too_large"), &[], lang);
            let code = key!("err.body.too_large").code();
            Err(ApiFailure::TooLarge(too_large.with_code(code).into()))
        }
    }
}

/// The file read and every row validated, with what the database knows of it.
struct Read {
    sheet: duban_intake::Sheet,
    /// Per row: the reference of a case already holding its batch and number.
    stored: Vec<Option<String>>,
    /// Per row: the reference of a case holding its transfer number in another batch.
    transfers: Vec<Option<String>>,
    already: Option<ImportRecord>,
    /// Stored cases per city over the rows' receipt window, for repeat candidates.
    pools:
        std::collections::HashMap<String, Vec<(duban_repeat::Candidate, crate::store::RepeatRow)>>,
    settings: duban_repeat::Settings,
}

/// The year and transfer number of an import row (`2026-D3200001`), whatever its batch.
fn transfer_key(new: &NewCase) -> Option<String> {
    let batch = new.batch()?;
    let key = duban_intake::ref_key(new.sender_ref()?);
    (!key.is_empty()).then(|| format!("{}-{key}", batch.date().year()))
}

fn edits_of(q: &ImportQuery, lang: Lang) -> Result<duban_intake::Edits, ApiFailure> {
    match q.edits.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        None => Ok(duban_intake::Edits::default()),
        Some(json) => serde_json::from_str(json).map_err(|e| {
            let detail = [("detail", e.to_string())];
            let key = key!("srv.import.edits_invalid");
            let error = ApiError::from_text("edits", key, &detail, lang);
            let code = key!("err.import.edits.invalid").code();
            ApiFailure::Invalid(error.with_code(code).into())
        }),
    }
}

fn external_id(new: &NewCase) -> Option<String> {
    let batch = new.batch()?;
    let sender_ref = new.sender_ref()?.trim();
    (!sender_ref.is_empty()).then(|| {
        format!(
            "{}-B{:02}-{sender_ref}",
            batch.date().year(),
            batch.number()
        )
    })
}

/// Read the file and what the database knows of its numbers and batch; with
/// `candidates`, also the stored cases repeat detection compares its rows with.
async fn read(
    s: &AppState,
    bytes: &[u8],
    q: &ImportQuery,
    lang: Lang,
    candidates: bool,
) -> Result<Read, ApiFailure> {
    let mut opts = duban_intake::Options::new(s.now());
    opts.sheet = q.sheet.clone().filter(|n| !n.trim().is_empty());
    opts.edits = edits_of(q, lang)?;
    // Parsing a large workbook is CPU work: keep it off the async workers.
    let owned = bytes.to_vec();
    let sheet = tokio::task::spawn_blocking(move || duban_intake::read(&owned, &opts))
        .await
        .map_err(|e| ApiFailure::Unavailable(e.to_string()))?
        .map_err(|e| file_error(&e, lang))?;
    let ids: Vec<Option<String>> = sheet
        .rows
        .iter()
        .map(|r| r.case.as_ref().and_then(external_id))
        .collect();
    let wanted: Vec<String> = ids.iter().flatten().cloned().collect();
    let taken: std::collections::HashMap<String, String> = s
        .store
        .externals_taken(INSPECTION, &wanted)
        .await?
        .into_iter()
        .collect();
    let stored: Vec<Option<String>> = ids
        .iter()
        .map(|id| id.as_ref().and_then(|i| taken.get(i).cloned()))
        .collect();
    let keys: Vec<Option<String>> = sheet
        .rows
        .iter()
        .map(|r| r.case.as_ref().and_then(transfer_key))
        .collect();
    let wanted: Vec<String> = keys.iter().flatten().cloned().collect();
    let taken: std::collections::HashMap<String, String> = s
        .store
        .externals_taken(TRANSFER, &wanted)
        .await?
        .into_iter()
        .collect();
    let transfers: Vec<Option<String>> = keys
        .iter()
        .map(|k| k.as_ref().and_then(|k| taken.get(k).cloned()))
        .collect();
    let already = s.store.import_by_fingerprint(&sheet.fingerprint).await?;
    // One read per city over the whole window of its rows, not one per row.
    let settings = s.repeat_settings().await;
    let window = chrono::TimeDelta::days(i64::from(settings.window_days()));
    let mut spans: std::collections::HashMap<
        String,
        (DateTime<chrono::Utc>, DateTime<chrono::Utc>),
    > = std::collections::HashMap::new();
    for c in sheet.rows.iter().filter_map(|r| r.case.as_ref()) {
        let city: String = c.division().as_str().chars().take(4).collect();
        let t = c.received_at();
        let e = spans.entry(city).or_insert((t, t));
        e.0 = e.0.min(t);
        e.1 = e.1.max(t);
    }
    let mut pools = std::collections::HashMap::new();
    for (city, (from, to)) in spans.into_iter().filter(|_| candidates) {
        let pool = s
            .repeat_pool_between(&format!("{city}00"), None, from - window, to + window)
            .await?;
        pools.insert(city, pool);
    }
    Ok(Read {
        sheet,
        stored,
        transfers,
        already,
        pools,
        settings,
    })
}

fn record_view(r: &ImportRecord) -> ImportRecordView {
    ImportRecordView {
        id: r.id.clone(),
        fingerprint: r.fingerprint.clone(),
        file_name: r.file_name.clone(),
        rows: u64::try_from(r.rows).unwrap_or(0),
        by: r.by_user.clone(),
        at: DateTime::from_timestamp_millis(r.created_at).unwrap_or_default(),
    }
}

fn already_error(reference: &str, lang: Lang) -> ApiError {
    let number = [("reference", reference.to_owned())];
    ApiError::from_text(
        "sender_ref",
        key!("err.import.already_imported"),
        &number,
        lang,
    )
}

fn transfer_error(reference: &str, lang: Lang) -> ApiError {
    let number = [("reference", reference.to_owned())];
    ApiError::from_text(
        "sender_ref",
        key!("err.import.sender_ref.imported"),
        &number,
        lang,
    )
}

fn preview_of(s: &AppState, r: &Read, lang: Lang) -> ImportPreview {
    use duban_case::model::{Category, KeyClass};
    let units = s.dispatch_units();
    let rules = s.routing_rules();
    let rows: Vec<ImportRowView> = r
        .sheet
        .rows
        .iter()
        .zip(r.stored.iter().zip(&r.transfers))
        .map(|(row, (stored, transfer))| {
            let mut errors: Vec<ApiError> =
                row.errors.iter().map(|e| ApiError::of(e, lang)).collect();
            if let Some(reference) = stored {
                errors.push(already_error(reference, lang));
            } else if let Some(reference) = transfer {
                errors.push(transfer_error(reference, lang));
            }
            let mut excerpt: String = row.draft.content.chars().take(60).collect();
            if row.draft.content.chars().count() > 60 {
                excerpt.push('…');
            }
            let proposed_lead = row.case.as_ref().and_then(|c| {
                duban_dispatch::route(&duban_dispatch::Facts::of_new(c), &rules, &units)
                    .lead
                    .map(|p| p.name)
            });
            ImportRowView {
                line: row.line,
                row_number: row.row_number.clone(),
                sender_ref: row.draft.sender_ref.clone(),
                division: row.draft.division.clone(),
                // Known codes are named on rows with errors too (not `321102`).
                division_name: row
                    .case
                    .as_ref()
                    .map(|c| c.division())
                    .or_else(|| row.draft.division.parse().ok())
                    .map(|c: duban_divisions::DivisionCode| c.division().full_name()),
                excerpt: duban_case::privacy::redact(&excerpt, None),
                received_at: row.case.as_ref().map(NewCase::received_at),
                received_at_source: serde_json::to_value(row.received_at)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                key: row.case.as_ref().is_some_and(NewCase::is_key),
                proposed_lead,
                errors,
                categories: labelled(&row.draft.categories, |c: Category| c.label(lang)),
                key_classes: labelled(&row.draft.key_classes, |k: KeyClass| k.label(lang)),
                repeats: row
                    .case
                    .as_ref()
                    .map(|c| {
                        let probe = crate::routes::repeats::ProbeOf::of_new(c);
                        let city: String = probe.division.chars().take(4).collect();
                        r.pools
                            .get(&city)
                            .map(|pool| {
                                AppState::rank_repeats(&probe, pool, None, &r.settings, lang)
                            })
                            .unwrap_or_default()
                    })
                    .unwrap_or_default(),
                excluded: row.excluded.clone(),
            }
        })
        .collect();
    let blocking = |r: &ImportRowView| r.excluded.is_none() && !r.errors.is_empty();
    let error_rows = rows.iter().filter(|r| blocking(r)).count();
    let excluded = rows.iter().filter(|r| r.excluded.is_some()).count();
    let batches = duban_intake::count_batches(r.sheet.rows.iter().zip(&rows).map(|(row, v)| {
        (
            row.draft.batch_number,
            v.errors.is_empty(),
            v.excluded.is_some(),
        )
    }))
    .into_iter()
    .map(|b| ImportBatch {
        number: b.number,
        rows: b.rows,
        valid: b.valid,
        excluded: b.excluded,
    })
    .collect();
    ImportPreview {
        format: serde_json::to_value(r.sheet.format)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        encoding: r.sheet.encoding.to_owned(),
        sheet_name: r.sheet.sheet_name.clone(),
        title: r.sheet.title.clone(),
        header_line: r.sheet.header_line,
        columns: r
            .sheet
            .columns
            .iter()
            .map(|m| {
                let spec = m.column.spec();
                ImportColumn {
                    header: m.header.clone(),
                    key: spec.key.to_owned(),
                    zh: spec.zh.to_owned(),
                    en: spec.en.to_owned(),
                }
            })
            .collect(),
        ignored_columns: r.sheet.ignored_columns.clone(),
        total: rows.len(),
        valid: rows.len() - error_rows - excluded,
        error_rows,
        excluded,
        batches,
        fingerprint: r.sheet.fingerprint.clone(),
        already_imported: r.already.as_ref().map(record_view),
        rows,
        skipped_examples: r.sheet.skipped_examples.clone(),
        nothing_to_import: r.sheet.nothing_to_import().map(|e| ApiError::of(&e, lang)),
    }
}

/// What importing the file would do; nothing is saved.
async fn preview(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Result<axum::Json<ImportPreview>, ApiFailure> {
    if !actor.may_create() {
        return Err(ApiFailure::Forbidden(crate::policy::forbidden(lang)));
    }
    let bytes = body_of(body, lang)?;
    let r = read(&s, &bytes, &q, lang, true).await?;
    Ok(axum::Json(preview_of(&s, &r, lang)))
}

/// Import every row of the file in one transaction, or none.
async fn commit(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, axum::Json<ImportResult>), ApiFailure> {
    if !actor.may_create() {
        return Err(ApiFailure::Forbidden(crate::policy::forbidden(lang)));
    }
    let started = std::time::Instant::now();
    let bytes = body_of(body, lang)?;
    let r = read(&s, &bytes, &q, lang, false).await?;
    if let Some(prev) = &r.already {
        return Err(duplicate(prev, lang));
    }
    // An unchanged template: no case, and no import record of nothing.
    if let Some(e) = r.sheet.nothing_to_import() {
        return Err(file_error(&e, lang));
    }
    let preview = preview_of(&s, &r, lang);
    if preview.error_rows > 0 {
        // Every row's errors, with the row's line in the field path.
        let errors = preview
            .rows
            .iter()
            .filter(|row| row.excluded.is_none())
            .flat_map(|row| {
                row.errors.iter().map(move |e| ApiError {
                    field: format!("rows[{}].{}", row.line, e.field),
                    ..e.clone()
                })
            })
            .collect();
        return Err(ApiFailure::Invalid(ErrorBody { errors }));
    }
    let now = s.now();
    let historical = q.historical.unwrap_or(false);
    let excluded: Vec<serde_json::Value> = r
        .sheet
        .rows
        .iter()
        .filter_map(|row| {
            let reason = row.excluded.as_ref()?;
            Some(serde_json::json!({ "line": row.line, "sender_ref": row.draft.sender_ref, "reason": reason }))
        })
        .collect();
    let batches: Vec<Option<i64>> = preview.batches.iter().map(|b| b.number).collect();
    let news: Vec<(NewCase, Option<(String, String)>)> = r
        .sheet
        .rows
        .into_iter()
        .filter(|row| row.excluded.is_none())
        .filter_map(|row| row.case)
        .map(|c| {
            let ext = external_id(&c).map(|e| (INSPECTION.to_owned(), e));
            (c, ext)
        })
        .collect();
    let transfer_keys: Vec<Option<String>> = news.iter().map(|(c, _)| transfer_key(c)).collect();
    let checked_ms = started.elapsed().as_millis() as u64;
    let mut built = s.prepare_cases(news, &actor.who, now).await?;
    if historical {
        // The coordinator's choice, kept in each case's opening event.
        for p in &mut built {
            p.opening = duban_case::lifecycle::as_historical(p.opening.clone());
            if let Some(case) = duban_case::lifecycle::open(&p.opening) {
                p.case = case;
            }
        }
    }
    let refs: Vec<(String, String, String)> = built
        .iter()
        .zip(transfer_keys)
        .filter_map(|(p, key)| Some((TRANSFER.to_owned(), key?, p.case.id().to_string())))
        .collect();
    let prepared_ms = started.elapsed().as_millis() as u64;
    let file_name: String = q
        .file_name
        .as_deref()
        .unwrap_or("")
        .trim()
        .chars()
        .take(200)
        .collect();
    let record = ImportRecord {
        id: uuid::Uuid::now_v7().to_string(),
        fingerprint: r.sheet.fingerprint.clone(),
        file_name: file_name.clone(),
        rows: i64::try_from(built.len()).unwrap_or(i64::MAX),
        by_user: actor.user.username.clone(),
        created_at: now.timestamp_millis(),
    };
    let audit = actor.who.entry(
        now,
        "import.commit",
        None,
        &file_name,
        "",
        serde_json::json!({
            "import": record.id,
            "rows": built.len(),
            "fingerprint": record.fingerprint,
            "batches": batches,
            "historical": historical,
            "excluded": excluded,
        }),
    );
    match s
        .store
        .commit_import(&record, &inserts(&built), &refs, &audit)
        .await
    {
        Ok(()) => {}
        // Imported meanwhile by someone else (the batch, or one of its numbers).
        Err(StoreError::Duplicate(_)) => {
            return Err(
                match s.store.import_by_fingerprint(&record.fingerprint).await? {
                    Some(prev) => duplicate(&prev, lang),
                    None => {
                        let key = key!("srv.import.imported_meanwhile");
                        let error = ApiError::from_text("rows", key, &[], lang);
                        let code = key!("err.import.already_imported").code();
                        ApiFailure::Conflict(error.with_code(code).into(), None)
                    }
                },
            );
        }
        Err(e) => return Err(e.into()),
    }
    tracing::info!(
        rows = built.len(),
        checked_ms,
        prepared_ms,
        ms = started.elapsed().as_millis() as u64,
        "batch import"
    );
    Ok((
        StatusCode::CREATED,
        axum::Json(ImportResult {
            import: record_view(&record),
            case_ids: built.iter().map(|p| p.case.id().to_string()).collect(),
            references: built
                .iter()
                .map(|p| p.case.reference().to_string())
                .collect(),
        }),
    ))
}

fn duplicate(prev: &ImportRecord, lang: Lang) -> ApiFailure {
    let at = DateTime::from_timestamp_millis(prev.created_at)
        .map(|t| {
            t.with_timezone(&duban_core::CHINA)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default();
    let record = [
        ("at", at),
        ("by", prev.by_user.clone()),
        ("rows", prev.rows.to_string()),
    ];
    let key = key!("err.import.duplicate");
    ApiFailure::Conflict(ErrorBody::text("file", key, &record, lang), None)
}
