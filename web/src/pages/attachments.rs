//! Files of a case: the picker the forms share (on-site verification, the handler's
//! result report, the answer to a supervision order) and the case page's list.
//!
//! A file is uploaded as soon as it is chosen (`POST /api/v1/cases/{id}/attachments`),
//! after the checks the server makes on type and size, so a refusal shows before
//! anything is sent. Uploads need the network: the outbox keeps forms, not files, so
//! while offline the picker is disabled and says so.

use duban_api::attachments::{self as endpoints, DownloadAttachment, UploadAttachment};
use duban_api::keys::{AttachmentKey, CaseKey};
use duban_api::{ApiError, AttachmentView, Endpoint};
use duban_text::Key;
use duban_text::key;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::web_sys::{File, HtmlInputElement};

use crate::api;
use crate::components::field_errors::local_error;
use crate::i18n::use_i18n;
use crate::offline::use_offline;

/// A link to a stored file: a thumbnail for images, the name for other files.
#[component]
pub(crate) fn AttachmentLink(id: String, name: String, content_type: String) -> impl IntoView {
    let href = DownloadAttachment::url(&AttachmentKey::new(&*id), &());
    let image = content_type.starts_with("image/");
    view! {
        <a class="attachment" class:attachment-image=image href=href.clone() target="_blank" rel="noopener"
            data-id=id title=name.clone()>
            {match image {
                true => view! { <img class="thumb" src=href.clone() alt=name.clone() loading="lazy"/> }.into_any(),
                false => view! { <span class="attachment-name">{name.clone()}</span> }.into_any(),
            }}
        </a>
    }
}

/// The problem the server would find with a file before it is sent: too large, or not
/// one of the accepted types (`file.too_large`, `file.type_unsupported`).
fn refused(file: &File) -> Option<(&'static str, &'static str)> {
    if file.size() > duban_api::ATTACHMENT_MAX_BYTES as f64 {
        Some(("file", "file.too_large"))
    } else if !duban_api::ATTACHMENT_TYPES.contains(&file.type_().as_str()) {
        Some(("content-type", "file.type_unsupported"))
    } else {
        None
    }
}

/// A file input (`input#<id>`) uploading each chosen file to the case; the uploaded
/// files are listed (`ul#<list_id> li.upload[data-id]`) and can be taken off the form
/// again. `uploading` counts the uploads under way (a form waits for them).
#[component]
pub(crate) fn AttachmentPicker(
    case_id: String,
    id: &'static str,
    list_id: &'static str,
    /// The label's text key.
    label: Key,
    uploads: RwSignal<Vec<AttachmentView>>,
    uploading: RwSignal<usize>,
) -> impl IntoView {
    let i18n = use_i18n();
    let off = use_offline();
    // Problems of single files: (file name, error).
    let file_errors = RwSignal::new(Vec::<(String, ApiError)>::new());
    let key = StoredValue::new(CaseKey::new(&*case_id));
    let upload = move |file: File| {
        let name = file.name();
        if let Some((field, code)) = refused(&file) {
            file_errors.update(|e| e.push((name, local_error(i18n, field, code))));
            return;
        }
        let lang = i18n.lang_untracked();
        uploading.update(|n| *n += 1);
        spawn_local(async move {
            match api::upload::<UploadAttachment>(&key.get_value(), &(), &file, lang).await {
                Ok(a) => uploads.update(|u| u.push(a)),
                Err(f) => file_errors.update(|e| {
                    e.extend(f.errors().iter().cloned().map(|x| (name.clone(), x)));
                }),
            }
            uploading.update(|n| *n = n.saturating_sub(1));
        });
    };
    view! {
        <div class="field field-wide attachment-picker">
            <span class="label">{move || i18n.t(label)}</span>
            <input type="file" id=id name="files" multiple
                accept=duban_api::ATTACHMENT_TYPES.join(",")
                disabled=move || !off.online()
                on:change=move |ev| {
                    let input: HtmlInputElement = event_target(&ev);
                    let chosen: Vec<File> = input
                        .files()
                        .map(|list| (0..list.length()).filter_map(|i| list.item(i)).collect())
                        .unwrap_or_default();
                    // Choosing the same file again should upload it again.
                    input.set_value("");
                    file_errors.set(Vec::new());
                    for file in chosen {
                        upload(file);
                    }
                }/>
            <span class="hint">{move || i18n.t(key!("visit.photos.hint"))}</span>
            <Show when=move || !off.online()>
                <span class="hint banner-warn attachments-offline" id=format!("{id}-offline")>
                    {move || i18n.t(key!("attachments.offline"))}
                </span>
            </Show>
            <Show when=move || { uploading.get() > 0 }>
                <span class="hint" id=format!("{id}-uploading")>{move || i18n.t(key!("visit.uploading"))}</span>
            </Show>
            <ul class="uploads" id=list_id>
                {move || uploads.get().into_iter().map(|a| {
                    let id = a.id.clone();
                    view! {
                        <li class="upload" data-id=a.id.clone()>
                            <AttachmentLink id=a.id.clone() name=a.name.clone() content_type=a.content_type.clone()/>
                            <span class="attachment-caption">{a.name.clone()}</span>
                            <button type="button" class="btn btn-small upload-remove" title=move || i18n.t(key!("routing.delete"))
                                on:click=move |_| uploads.update(|u| u.retain(|x| x.id != id))>"×"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || file_errors.get().into_iter().map(|(name, e)| {
                let text = i18n.error(&e);
                view! { <p class="field-error" data-field="file" data-code=e.code>{format!("{name}{}{text}", i18n.t(key!("routing.colon")))}</p> }
            }).collect_view()}
        </div>
    }
}

/// The case's files (`section#case-attachments`), read again whenever `version`
/// changes (a report or answer sent with files moves the case or its mechanism on).
#[component]
pub(crate) fn CaseAttachments(
    case_id: String,
    #[prop(into)] version: Signal<u64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let files = RwSignal::new(Vec::<AttachmentView>::new());
    let key = StoredValue::new(CaseKey::new(&*case_id));
    Effect::new(move |_| {
        version.track();
        let lang = i18n.lang_untracked();
        spawn_local(async move {
            // Without the network the list shown stays as it was.
            if let Ok(list) =
                api::call::<endpoints::CaseAttachments>(&key.get_value(), &(), &(), lang).await
            {
                files.set(list);
            }
        });
    });
    view! {
        <Show when=move || files.with(|f| !f.is_empty())>
            <section id="case-attachments">
                <h2>{move || i18n.t(key!("attachments.title"))}</h2>
                <ul class="uploads">
                    {move || files.get().into_iter().map(|a| view! {
                        <li class="upload" data-id=a.id.clone()>
                            <AttachmentLink id=a.id.clone() name=a.name.clone() content_type=a.content_type.clone()/>
                            <span class="attachment-caption">{a.name.clone()}</span>
                            <span class="muted">{format!(" · {} · {}", crate::format::actor_label(&a.uploaded_by, i18n.lang()), crate::format::local_time(a.uploaded_at))}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}
