//! `/import`: batch import of an inspection team's transfer list (批量导入交办清单), for
//! administrators and coordinators. The chosen file (Excel or CSV) goes to
//! `POST /api/v1/import/preview`, which saves nothing and answers with every row checked;
//! once no row has an error, the same file goes to `POST /api/v1/import/commit`, which
//! creates every case in one transaction or none.
//!
//! Files are sent with `XMLHttpRequest` rather than `fetch`, for the upload progress of
//! large workbooks; the request carries the same headers as [`crate::api`]'s calls.

use duban_text::Key;
use duban_text::key;
use std::rc::Rc;
use std::sync::Arc;

use duban_api::cases::GetCase;
use duban_api::endpoint::FileUpload;
use duban_api::import::{
    CommitImport, ImportQuery, ImportTemplateCsv, ImportTemplateXlsx, PreviewImport,
};
use duban_api::keys::CaseKey;
use duban_api::{
    ApiError, Endpoint, ErrorBody, IMPORT_MAX_BYTES, ImportPreview, ImportResult, ImportRowView,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_bindgen::closure::Closure;
use leptos::wasm_bindgen::{JsCast, JsValue};
use leptos::web_sys::{self, File, HtmlInputElement, ProgressEvent, XmlHttpRequest, js_sys};
use leptos_router::components::A;
use serde::de::DeserializeOwned;

use super::RolesOnly;
use super::import_fix::{BatchCounts, Edits, FileSettings, RowFix};
use crate::api::{self, Failure};
use crate::format::local_time;
use crate::i18n::{I18n, Lang, LangCode as _, pick, use_i18n};
use crate::session::DISPATCH_ROLES;

/// Rows rendered at first, and added by each "show more".
const PAGE_ROWS: usize = 200;

/// `template` with each `{name}` replaced by its value.
fn fill(template: &str, values: &[(&str, String)]) -> String {
    values.iter().fold(template.to_owned(), |s, (k, v)| {
        s.replace(&format!("{{{k}}}"), v)
    })
}

// ---- sending a file ---------------------------------------------------------------

/// How far a file upload is.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Upload {
    /// The share of the bytes sent so far, 0 to 1.
    Sent(f64),
    /// Every byte is sent; the server is reading the file.
    Sent100,
}

fn failure(status: u16, code: &str, text: Key, lang: Lang) -> Failure {
    Failure {
        status,
        body: ErrorBody::single("file", code, text.get(lang).to_owned()),
        raw: serde_json::Value::Null,
    }
}

fn interrupted(lang: Lang) -> Failure {
    let text = key!("import.upload_interrupted");
    failure(0, "network.unreachable", text, lang)
}

fn too_large(lang: Lang) -> Failure {
    failure(413, "body.too_large", key!("srv.import.too_large"), lang)
}

/// The answer of a call, as `api.rs` reads one: 2xx is `T`, anything else the errors;
/// 401 leads to sign-in.
fn answer<T: DeserializeOwned>(status: u16, text: &str, lang: Lang) -> Result<T, Failure> {
    if status == 401 {
        api::to_login(false);
    }
    if (200..300).contains(&status) {
        return serde_json::from_str(text).map_err(|e| Failure {
            status,
            body: ErrorBody::single("", "response.unreadable", e.to_string()),
            raw: serde_json::Value::Null,
        });
    }
    let raw: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
    match serde_json::from_value::<ErrorBody>(raw.clone()) {
        Ok(body) => Err(Failure { status, body, raw }),
        // A proxy's own 413 page.
        Err(_) if status == 413 => Err(too_large(lang)),
        Err(_) => Err(Failure {
            status,
            body: ErrorBody::single("", "http.error", format!("HTTP {status}")),
            raw,
        }),
    }
}

/// The file to `E` as the raw body (`application/octet-stream`), with the language and
/// the CSRF token, telling `progress` how far the upload is.
async fn post_file<E: Endpoint<Path = (), Body = FileUpload>>(
    query: &E::Query,
    file: &File,
    lang: Lang,
    progress: impl Fn(Upload) + 'static,
) -> Result<E::Response, Failure> {
    let url = E::url(&(), query);
    let url = url.as_str();
    let progress = Rc::new(progress);
    let xhr = XmlHttpRequest::new().map_err(|_| interrupted(lang))?;
    let prepared = (|| -> Result<(), JsValue> {
        xhr.open_with_async("POST", url, true)?;
        xhr.set_request_header("Accept-Language", lang.code())?;
        xhr.set_request_header("Content-Type", "application/octet-stream")?;
        if let Some(token) = api::csrf_token() {
            xhr.set_request_header(duban_api::session::CSRF_HEADER, &token)?;
        }
        Ok(())
    })();
    prepared.map_err(|_| interrupted(lang))?;
    let upload = xhr.upload().map_err(|_| interrupted(lang))?;
    let p = Rc::clone(&progress);
    let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |ev: ProgressEvent| {
        if ev.length_computable() && ev.total() > 0.0 {
            p(Upload::Sent((ev.loaded() / ev.total()).clamp(0.0, 1.0)));
        }
    });
    let p = Rc::clone(&progress);
    let on_sent = Closure::<dyn FnMut()>::new(move || p(Upload::Sent100));
    upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    upload.set_onload(Some(on_sent.as_ref().unchecked_ref()));
    // Settled when the answer is in (load) or the request failed.
    let settled = js_sys::Promise::new(&mut |resolve, reject| {
        xhr.set_onload(Some(&resolve));
        xhr.set_onerror(Some(&reject));
        xhr.set_onabort(Some(&reject));
        xhr.set_ontimeout(Some(&reject));
    });
    let blob: &web_sys::Blob = file;
    progress(Upload::Sent(0.0));
    let outcome = match xhr.send_with_opt_blob(Some(blob)) {
        Ok(()) => wasm_bindgen_futures::JsFuture::from(settled)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    upload.set_onprogress(None);
    upload.set_onload(None);
    drop(on_progress);
    drop(on_sent);
    outcome.map_err(|_| interrupted(lang))?;
    let status = xhr.status().map_err(|_| interrupted(lang))?;
    let text = xhr.response_text().ok().flatten().unwrap_or_default();
    answer(status, &text, lang)
}

/// `?file_name=…&sheet=…&edits=…&historical=true` of a preview or commit.
fn import_query(file_name: &str, sheet: &str, edits: &Edits, historical: bool) -> ImportQuery {
    let given = |v: &str| (!v.is_empty()).then(|| v.to_owned());
    ImportQuery {
        file_name: given(file_name),
        sheet: given(sheet),
        edits: given(&edits.query()),
        historical: historical.then_some(true),
    }
}

/// The batch number every imported case shares, judged by the first and last case.
async fn shared_batch(ids: &[String], lang: Lang) -> Option<u16> {
    let batch_of = |id: String| async move {
        api::call::<GetCase>(&CaseKey::new(id), &(), &(), lang)
            .await
            .ok()?
            .case
            .batch()
            .map(|b| b.number())
    };
    let first = batch_of(ids.first()?.clone()).await?;
    let last = match ids.last() {
        Some(id) if ids.len() > 1 => batch_of(id.clone()).await?,
        _ => first,
    };
    (first == last).then_some(first)
}

// ---- the page -----------------------------------------------------------------------

/// What the page is doing with the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Busy {
    Idle,
    Previewing,
    Committing,
}

/// A finished import, with the batch its cases share (if one).
#[derive(Clone, Debug, PartialEq)]
struct Done {
    result: ImportResult,
    batch: Option<u16>,
}

#[component]
pub fn ImportPage() -> impl IntoView {
    view! { <RolesOnly roles=DISPATCH_ROLES><ImportView/></RolesOnly> }
}

#[component]
fn ImportView() -> impl IntoView {
    let i18n = use_i18n();
    let file = StoredValue::new_local(None::<File>);
    let file_name = RwSignal::new(None::<String>);
    let sheet = RwSignal::new(String::new());
    // The worksheet the shown preview read, which the commit reads too.
    let previewed_sheet = StoredValue::new(String::new());
    let busy = RwSignal::new(Busy::Idle);
    // `None` while nothing is being sent; 1.0 once the server has every byte.
    let sent = RwSignal::new(None::<f64>);
    let preview = RwSignal::new(None::<Arc<ImportPreview>>);
    let errors = RwSignal::new(Vec::<ApiError>::new());
    let done = RwSignal::new(None::<Done>);
    let dragging = RwSignal::new(false);
    // Answers about a file replaced meanwhile are dropped.
    let generation = StoredValue::new(0u64);
    // What the coordinator set in the preview; sent with the preview and the commit.
    let edits = RwSignal::new(Edits::default());
    let historical = RwSignal::new(false);

    let progress = move |u: Upload| {
        sent.set(Some(match u {
            Upload::Sent(share) => share,
            Upload::Sent100 => 1.0,
        }));
    };

    let run_preview = move || {
        let Some(f) = file.get_value() else {
            return;
        };
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        let lang = i18n.lang_untracked();
        preview.set(None);
        done.set(None);
        errors.set(Vec::new());
        if f64::from(u32::try_from(IMPORT_MAX_BYTES).unwrap_or(u32::MAX)) < f.size() {
            errors.set(too_large(lang).errors().to_vec());
            return;
        }
        let asked = sheet.get_untracked();
        let query = import_query(
            &f.name(),
            &asked,
            &edits.get_untracked(),
            historical.get_untracked(),
        );
        busy.set(Busy::Previewing);
        spawn_local(async move {
            let answer = post_file::<PreviewImport>(&query, &f, lang, move |u| {
                if generation.get_value() == mine {
                    progress(u);
                }
            })
            .await;
            if generation.get_value() != mine {
                return;
            }
            match answer {
                Ok(p) => {
                    let used = p.sheet_name.clone().unwrap_or(asked);
                    if p.format != "csv" {
                        sheet.set(used.clone());
                    }
                    previewed_sheet.set_value(used);
                    preview.set(Some(Arc::new(p)));
                }
                Err(e) => errors.set(e.errors().to_vec()),
            }
            sent.set(None);
            busy.set(Busy::Idle);
        });
    };

    let choose = move |f: File| {
        file_name.set(Some(f.name()));
        sheet.set(String::new());
        edits.set(Edits::default());
        historical.set(false);
        file.set_value(Some(f));
        run_preview();
    };

    let commit = move || {
        let Some(f) = file.get_value() else {
            return;
        };
        if busy.get_untracked() != Busy::Idle {
            return;
        }
        let mine = generation.get_value();
        let lang = i18n.lang_untracked();
        let query = import_query(
            &f.name(),
            &previewed_sheet.get_value(),
            &edits.get_untracked(),
            historical.get_untracked(),
        );
        errors.set(Vec::new());
        busy.set(Busy::Committing);
        spawn_local(async move {
            let answer = post_file::<CommitImport>(&query, &f, lang, move |u| {
                if generation.get_value() == mine {
                    progress(u);
                }
            })
            .await;
            match answer {
                Ok(result) => {
                    if let Ok(ev) = web_sys::Event::new(api::CHANGED_EVENT) {
                        let _ = window().dispatch_event(&ev);
                    }
                    let batch = shared_batch(&result.case_ids, lang).await;
                    preview.set(None);
                    file.set_value(None);
                    done.set(Some(Done { result, batch }));
                }
                Err(e) => errors.set(e.errors().to_vec()),
            }
            sent.set(None);
            busy.set(Busy::Idle);
        });
    };

    let reset = move || {
        generation.update_value(|g| *g += 1);
        file.set_value(None);
        file_name.set(None);
        sheet.set(String::new());
        preview.set(None);
        errors.set(Vec::new());
        done.set(None);
        sent.set(None);
        busy.set(Busy::Idle);
    };

    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if busy.get_untracked() == Busy::Committing {
            return;
        }
        if let Some(f) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|l| l.item(0))
        {
            choose(f);
        }
    };

    let is_workbook = move || {
        preview.with(|p| p.as_ref().is_some_and(|p| p.format != "csv"))
            || file_name.with(|n| {
                n.as_deref().is_some_and(|n| {
                    let n = n.to_lowercase();
                    n.ends_with(".xlsx") || n.ends_with(".xls")
                })
            })
    };

    view! {
        <section id="import-page">
            <div class="page-head">
                <h1>{move || i18n.t(key!("import.title"))}</h1>
                <div class="actions">
                    // Plain links: `download` keeps the router out and saves the file.
                    <a class="btn" id="import-template-xlsx" rel="external" download=""
                        href=ImportTemplateXlsx::PATH>{move || i18n.t(key!("import.template_xlsx"))}</a>
                    <a class="btn" id="import-template-csv" rel="external" download=""
                        href=ImportTemplateCsv::PATH>{move || i18n.t(key!("import.template_csv"))}</a>
                </div>
            </div>
            <p class="hint">{move || i18n.t(key!("import.hint"))}</p>
            <label class="drop-zone" id="import-drop" for="import-file"
                class:dragging=move || dragging.get()
                style=move || format!(
                    "display:block;margin:12px 0;padding:24px 16px;text-align:center;cursor:pointer;\
                     border:2px dashed var(--c-border-strong);border-radius:var(--radius);background:{}",
                    if dragging.get() { "var(--c-head)" } else { "var(--c-surface)" })
                on:dragenter=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
                on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop>
                <span style="display:block;margin-bottom:8px">{move || i18n.t(key!("import.drop"))}</span>
                <input type="file" id="import-file" name="file" accept=".xlsx,.xls,.csv"
                    disabled=move || busy.get() == Busy::Committing
                    on:change=move |ev| {
                        let input: HtmlInputElement = event_target(&ev);
                        let chosen = input.files().and_then(|l| l.item(0));
                        // Choosing the same file again (after correcting it) reads it again.
                        input.set_value("");
                        if let Some(f) = chosen {
                            choose(f);
                        }
                    }/>
                {move || file_name.get().map(|n| view! {
                    <span class="muted" id="import-file-name" style="display:block;margin-top:8px">{n}</span>
                })}
            </label>
            <Show when=is_workbook>
                <div class="filters">
                    <label class="inline-field">
                        <span class="label">{move || i18n.t(key!("import.sheet"))}</span>
                        " "
                        <input type="text" id="import-sheet" name="sheet" maxlength="100"
                            prop:value=move || sheet.get()
                            on:input=move |ev| sheet.set(event_target_value(&ev))/>
                    </label>
                    <button type="button" class="btn" id="import-recheck"
                        disabled=move || busy.get() != Busy::Idle || file.with_value(Option::is_none)
                        on:click=move |_| run_preview()>
                        {move || i18n.t(key!("import.recheck"))}
                    </button>
                </div>
            </Show>
            // Also when the file is refused for lacking a column the settings supply.
            {move || (file_name.with(Option::is_some) && done.with(Option::is_none))
                .then(|| view! { <FileSettings edits historical on_recheck=run_preview/> })}
            <UploadProgress busy sent/>
            <Show when=move || errors.with(|e| !e.is_empty())>
                <div class="banner banner-error form-errors" id="import-errors">
                    {move || errors.get().into_iter().map(|e| {
                        let text = error_text(i18n, &e);
                        view! { <p data-code=e.code.clone() data-field=e.field.clone() title=e.code>{text}</p> }
                    }).collect_view()}
                </div>
            </Show>
            {move || done.get().map(|d| view! { <ImportDone done=d on_again=reset/> })}
            {move || preview.get().map(|p| view! {
                <PreviewView p file_name=file_name.get_untracked().unwrap_or_default() busy on_commit=commit
                    edits on_recheck=run_preview/>
            })}
        </section>
    }
}

/// A server error for people: its own message (in the language asked for), with the
/// row of a commit's row errors (`rows[12].division`) in front.
fn error_text(i18n: I18n, e: &ApiError) -> String {
    let line = e
        .field
        .strip_prefix("rows[")
        .and_then(|rest| rest.split_once(']'))
        .map(|(n, _)| n.to_owned());
    let message = if e.message.is_empty() {
        i18n.error(e)
    } else {
        e.message.clone()
    };
    match line {
        Some(n) => format!(
            "{}{message}",
            fill(i18n.t(key!("import.row_prefix")), &[("line", n)])
        ),
        None => message,
    }
}

/// The upload's progress bar and percentage, then "checking" while the server reads.
#[component]
fn UploadProgress(busy: RwSignal<Busy>, sent: RwSignal<Option<f64>>) -> impl IntoView {
    let i18n = use_i18n();
    let percent = move || sent.get().map(|s| (s * 100.0).floor().clamp(0.0, 100.0));
    view! {
        <Show when=move || busy.get() != Busy::Idle>
            <div class="import-progress" id="import-progress" role="status"
                data-stage=move || if sent.get().is_some_and(|s| s >= 1.0) { "checking" } else { "uploading" }
                style="display:flex;align-items:center;gap:12px;margin:8px 0">
                <progress max="100" style="flex:0 1 360px;width:360px"
                    value=move || percent().unwrap_or(0.0).to_string()></progress>
                <span id="import-progress-text">
                    {move || {
                        let p = percent().unwrap_or(0.0);
                        if p >= 100.0 {
                            if busy.get() == Busy::Committing { i18n.t(key!("import.importing")) } else { i18n.t(key!("import.checking")) }
                                .to_owned()
                        } else {
                            format!("{} {p}%", i18n.t(key!("import.uploading")))
                        }
                    }}
                </span>
            </div>
        </Show>
    }
}

/// What the file holds and what importing it would do.
#[component]
fn PreviewView(
    p: Arc<ImportPreview>,
    file_name: String,
    busy: RwSignal<Busy>,
    on_commit: impl Fn() + Copy + Send + Sync + 'static,
    edits: RwSignal<Edits>,
    on_recheck: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let errors_only = RwSignal::new(false);
    let batches = p.batches.clone();
    let shown = RwSignal::new(PAGE_ROWS);
    // Rows with errors first, each group in file order.
    let order: Arc<Vec<usize>> = Arc::new({
        let mut o: Vec<usize> = (0..p.rows.len()).collect();
        o.sort_by_key(|&i| p.rows[i].errors.is_empty());
        o
    });
    let matching = {
        let (p, order) = (Arc::clone(&p), Arc::clone(&order));
        move || -> Vec<usize> {
            let only = errors_only.get();
            order
                .iter()
                .copied()
                .filter(|&i| !only || !p.rows[i].errors.is_empty())
                .collect()
        }
    };
    let matching = Memo::new(move |_| matching());
    let visible = move || {
        let n = shown.get();
        matching.with(|m| m.iter().copied().take(n).collect::<Vec<usize>>())
    };
    let hidden = move || matching.with(Vec::len).saturating_sub(shown.get());

    let may_commit = p.error_rows == 0
        && p.already_imported.is_none()
        && p.valid > 0
        && p.nothing_to_import.is_none();
    let valid = p.valid;
    let skipped = (!p.skipped_examples.is_empty()).then(|| {
        let lines: Vec<String> = p.skipped_examples.iter().map(ToString::to_string).collect();
        let lines = lines.join("、");
        move || {
            fill(
                i18n.t(key!("import.skipped_examples")),
                &[("lines", lines.clone())],
            )
        }
    });
    let nothing = p.nothing_to_import.clone();
    let counts = {
        let (total, valid, bad, excluded) = (p.total, p.valid, p.error_rows, p.excluded);
        move || {
            fill(
                i18n.t(key!("import.counts")),
                &[
                    ("total", total.to_string()),
                    ("valid", valid.to_string()),
                    ("errors", bad.to_string()),
                    ("excluded", excluded.to_string()),
                ],
            )
        }
    };
    let already = p.already_imported.clone().map(|a| {
        move || {
            fill(
                i18n.t(key!("import.already")),
                &[
                    ("at", local_time(a.at)),
                    ("by", a.by.clone()),
                    ("rows", a.rows.to_string()),
                ],
            )
        }
    });
    let sheet_text = format!(
        "{}{}{}",
        p.format.to_uppercase(),
        if p.encoding.is_empty() {
            String::new()
        } else {
            format!(" · {}", p.encoding)
        },
        p.sheet_name
            .as_deref()
            .map(|s| format!(" · {s}"))
            .unwrap_or_default(),
    );
    let columns = p.columns.clone();
    let ignored = p.ignored_columns.join("、");
    let has_ignored = !p.ignored_columns.is_empty();
    let title = p.title.clone();
    let header_line = p.header_line;
    let has_errors = p.error_rows > 0;
    let rows = Arc::clone(&p);

    view! {
        <div id="import-preview" data-total=p.total data-valid=p.valid data-errors=p.error_rows
            data-fingerprint=p.fingerprint.clone()>
            <h2>{move || i18n.t(key!("import.preview"))}</h2>
            <dl class="facts" id="import-summary">
                <dt>{move || i18n.t(key!("import.file"))}</dt>
                <dd id="import-summary-file">{file_name}</dd>
                <dt>{move || i18n.t(key!("import.format"))}</dt>
                <dd id="import-format">{sheet_text}</dd>
                {title.map(|t| view! {
                    <dt>{move || i18n.t(key!("import.title_line"))}</dt>
                    <dd id="import-title">{t}</dd>
                })}
                <dt>{move || i18n.t(key!("import.header_line"))}</dt>
                <dd>{header_line}</dd>
                <dt>{move || i18n.t(key!("import.columns"))}</dt>
                <dd id="import-columns">
                    {columns.into_iter().map(|c| {
                        let same = c.header == c.zh;
                        view! {
                            <span class="tag import-column" data-key=c.key.clone() title=c.key.clone()>
                                {move || {
                                    let name = pick(i18n.lang(), c.zh.clone(), c.en.clone());
                                    if same && i18n.lang() == Lang::Zh { name } else { format!("{} → {name}", c.header) }
                                }}
                            </span>
                        }
                    }).collect_view()}
                </dd>
                {has_ignored.then(|| view! {
                    <dt>{move || i18n.t(key!("import.ignored"))}</dt>
                    <dd id="import-ignored">{ignored}</dd>
                })}
            </dl>
            <p class="count" id="import-counts" class:hint-error=has_errors>{counts}</p>
            <BatchCounts batches/>
            {already.map(|text| view! {
                <p class="banner banner-warn" id="import-already">{text}</p>
            })}
            {nothing.map(|e| view! {
                <p class="banner banner-warn" id="import-nothing" data-code=e.code.clone()>{e.message}</p>
            })}
            {skipped.map(|text| view! {
                <p class="hint" id="import-skipped">{text}</p>
            })}
            <div class="actions">
                <button type="button" class="btn btn-primary" id="import-commit"
                    disabled=move || !may_commit || busy.get() != Busy::Idle
                    on:click=move |_| on_commit()>
                    {move || if busy.get() == Busy::Committing {
                        i18n.t(key!("import.importing")).to_owned()
                    } else if has_errors {
                        // Not "import 17 cases" on a button that cannot import them.
                        i18n.t(key!("import.commit_blocked")).to_owned()
                    } else if valid == 0 {
                        i18n.t(key!("import.commit_nothing")).to_owned()
                    } else {
                        fill(i18n.t(key!("import.commit")), &[("n", valid.to_string())])
                    }}
                </button>
                {has_errors.then(|| view! {
                    <span class="hint-error" id="import-commit-blocked">{move || i18n.t(key!("import.blocked"))}</span>
                })}
            </div>
            <div class="filters">
                <label class="field-check">
                    <input type="checkbox" id="import-errors-only"
                        prop:checked=move || errors_only.get()
                        on:change=move |ev| { errors_only.set(event_target_checked(&ev)); shown.set(PAGE_ROWS); }/>
                    " "
                    <span>{move || i18n.t(key!("import.errors_only"))}</span>
                </label>
            </div>
            <table class="data-table" id="import-rows">
                <thead>
                    <tr>
                        <th>{move || i18n.t(key!("import.col.line"))}</th>
                        <th>{move || i18n.t(key!("import.col.sender_ref"))}</th>
                        <th>{move || i18n.t(key!("import.col.division"))}</th>
                        <th>{move || i18n.t(key!("import.col.categories"))}</th>
                        <th>{move || i18n.t(key!("import.col.key"))}</th>
                        <th>{move || i18n.t(key!("import.col.excerpt"))}</th>
                        <th>{move || i18n.t(key!("import.col.received"))}</th>
                        <th>{move || i18n.t(key!("import.col.lead"))}</th>
                        <th>{move || i18n.t(key!("import.col.repeats"))}</th>
                        <th>{move || i18n.t(key!("import.col.problems"))}</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=visible key=|i| *i let:i>
                        <RowView row=rows.rows[i].clone() edits on_recheck/>
                    </For>
                    <Show when=move || matching.with(Vec::is_empty)>
                        <tr><td class="empty" colspan="10">{move || i18n.t(key!("import.no_rows"))}</td></tr>
                    </Show>
                </tbody>
            </table>
            <Show when=move || { hidden() > 0 }>
                <div class="actions">
                    <button type="button" class="btn" id="import-more"
                        on:click=move |_| shown.update(|n| *n += PAGE_ROWS)>
                        {move || fill(i18n.t(key!("import.more")), &[("n", hidden().to_string())])}
                    </button>
                </div>
            </Show>
        </div>
    }
}

/// One row of the file.
#[component]
fn RowView(
    row: ImportRowView,
    edits: RwSignal<Edits>,
    on_recheck: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let excluded = row.excluded.clone();
    let bad = !row.errors.is_empty() && excluded.is_none();
    let division_bad = row.errors.iter().any(|e| e.field == "division");
    let date_bad = row.errors.iter().any(|e| e.field.starts_with("batch.date"));
    let fixable = !row.errors.is_empty() || excluded.is_some();
    let is_excluded = excluded.is_some();
    let line = row.line;
    let division = row
        .division_name
        .clone()
        .unwrap_or_else(|| row.division.clone());
    let received = row.received_at.map_or_else(|| "—".to_owned(), local_time);
    let source_note: Option<Key> = match row.received_at_source.as_str() {
        "batch_date" => Some(key!("import.source.batch_date")),
        "now" => Some(key!("import.source.now")),
        _ => None,
    };
    let lead = row.proposed_lead.clone().unwrap_or_else(|| "—".to_owned());
    let key = row.key;
    let error_count = row.errors.len();
    view! {
        <tr class="import-row" class:row-error=bad class:row-excluded=is_excluded
            data-line=row.line data-errors=error_count
            style=bad.then_some("background: var(--c-over-bg)")>
            <td class="nowrap num">
                {row.line}
                {row.row_number.clone().map(|n| view! {
                    <span class="muted" style="display:block;font-size:12px">
                        {move || format!("{}{}{n}", i18n.t(key!("import.row_number")), i18n.t(key!("routing.colon")))}
                    </span>
                })}
            </td>
            <td class="nowrap">{row.sender_ref.clone()}</td>
            <td>{division}</td>
            <td class="categories">
                {row.categories.clone().into_iter().map(|c| view! {
                    <span class="tag" class:hint-error=!c.known data-code=c.code title=c.label.clone()>{c.label.clone()}</span>
                }).collect_view()}
            </td>
            <td class="key-classes nowrap">
                {if row.key_classes.is_empty() {
                    view! { <span class="muted">{move || i18n.t(key!("import.not_key"))}</span> }.into_any()
                } else {
                    row.key_classes.clone().into_iter().map(|k| view! {
                        <span class="tag tag-key" class:hint-error=!k.known data-code=k.code>{k.label}</span>
                    }).collect_view().into_any()
                }}
            </td>
            <td class="excerpt">
                {row.excerpt.clone()}
                {key.then(|| view! { <span class="tag tag-key">{move || i18n.t(key!("import.key"))}</span> })}
            </td>
            <td class="nowrap">
                {received}
                {source_note.map(|k| view! {
                    <span class="muted received-source" data-source=row.received_at_source.clone()
                        style="display:block;font-size:12px">{move || i18n.t(k)}</span>
                })}
            </td>
            <td>{lead}</td>
            <td class="repeats">
                {row.repeats.into_iter().map(|c| {
                    let percent = (c.score * 100.0).round();
                    let reasons = c.reasons;
                    view! {
                        <p class="repeat" style="margin:0 0 4px">
                            <A href=format!("/cases/{}", c.case_id) attr:class="case-link">{c.reference}</A>
                            {format!(" {percent}%")}
                            <span class="muted" style="display:block;font-size:12px">
                                {move || reasons.join(i18n.t(key!("import.reason_sep")))}
                            </span>
                        </p>
                    }
                }).collect_view()}
            </td>
            <td class="problems">
                {row.errors.into_iter().map(|e| view! {
                    <p class="field-error" data-code=e.code.clone() data-field=e.field title=e.code>
                        {e.message}
                    </p>
                }).collect_view()}
                {fixable.then(|| view! { <RowFix line division_bad date_bad excluded edits on_recheck/> })}
            </td>
        </tr>
    }
}

/// The cases created: how many, their numbers, and where to go next.
#[component]
fn ImportDone(done: Done, on_again: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let n = done.result.case_ids.len();
    let refs = &done.result.references;
    let range = match (refs.first(), refs.last()) {
        (Some(a), Some(b)) if refs.len() > 1 => Some((a.clone(), b.clone())),
        (Some(a), _) => Some((a.clone(), a.clone())),
        _ => None,
    };
    let (dispatch_href, cases_href) = match done.batch {
        Some(b) => (
            format!("/?status=received&batch={b}"),
            format!("/?batch={b}"),
        ),
        None => ("/?status=received".to_owned(), "/".to_owned()),
    };
    let batch = done.batch;
    view! {
        <div class="banner banner-ok" id="import-result" data-count=n
            data-batch=batch.map(|b| b.to_string()).unwrap_or_default()>
            <p id="import-result-count">
                <strong>{move || fill(i18n.t(key!("import.done")), &[("n", n.to_string())])}</strong>
                {batch.map(|b| view! { " " <span>{move || fill(i18n.t(key!("import.batch")), &[("n", b.to_string())])}</span> })}
            </p>
            {range.map(|(first, last)| view! {
                <p id="import-result-range">
                    {move || if first == last {
                        fill(i18n.t(key!("import.range_one")), &[("first", first.clone())])
                    } else {
                        fill(i18n.t(key!("import.range")), &[("first", first.clone()), ("last", last.clone())])
                    }}
                </p>
            })}
            <div class="actions">
                <A href=dispatch_href attr:class="btn btn-primary" attr:id="import-to-dispatch">{move || i18n.t(key!("import.to_dispatch"))}</A>
                <A href=cases_href attr:class="btn" attr:id="import-view-cases">{move || i18n.t(key!("import.view_cases"))}</A>
                <button type="button" class="btn" id="import-again" on:click=move |_| on_again()>{move || i18n.t(key!("import.again"))}</button>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_every_placeholder() {
        assert_eq!(
            fill(
                "共{total}行，可导入{valid}行",
                &[("total", "3".into()), ("valid", "2".into())]
            ),
            "共3行，可导入2行"
        );
    }

    #[test]
    fn the_preview_reads_with_or_without_the_optional_fields() {
        let base = serde_json::json!({
            "format": "csv", "encoding": "UTF-8", "header_line": 1, "columns": [],
            "ignored_columns": [], "total": 0, "valid": 0, "error_rows": 0,
            "fingerprint": "v1-0-0", "rows": []
        });
        let plain: ImportPreview =
            serde_json::from_value(base.clone()).unwrap_or_else(|e| panic!("{e}"));
        assert!(plain.skipped_examples.is_empty() && plain.nothing_to_import.is_none());
        let mut more = base;
        more["skipped_examples"] = serde_json::json!([2]);
        more["nothing_to_import"] = serde_json::json!({
            "field": "file", "code": "import.nothing_to_import", "message": "只有示例行"
        });
        more["rows"] = serde_json::json!([{
            "line": 3, "sender_ref": "D1", "division": "321102", "excerpt": "…",
            "received_at_source": "now", "key": false, "errors": [],
            "categories": [{"code": "air", "label": "大气", "known": true}]
        }]);
        let p: ImportPreview = serde_json::from_value(more).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (p.format.as_str(), p.skipped_examples.as_slice()),
            ("csv", &[2][..])
        );
        assert_eq!(p.rows[0].categories[0].label, "大气");
        assert!(p.rows[0].key_classes.is_empty());
    }
}
