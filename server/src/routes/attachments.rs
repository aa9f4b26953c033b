use crate::http::register::Routes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use duban_api::{ErrorBody, attachments};

use crate::error::{ApiFailure, ReqLang};
use sha2::Digest as _;

use crate::policy::{Ability, Actor};
use crate::routes::cases::load;
use crate::service::AppState;

/// This feature's routes, under `/api/v1`.
pub fn routes() -> Routes {
    Routes::new()
        .at(attachments::CaseAttachments, case_attachments)
        .at_with_body_limit(
            attachments::UploadAttachment,
            upload_attachment,
            duban_api::ATTACHMENT_MAX_BYTES + 1024,
        )
        .at(attachments::DownloadAttachment, download_attachment)
}

pub(crate) fn attachment_view(a: crate::store::AttachmentRecord) -> duban_api::AttachmentView {
    duban_api::AttachmentView {
        id: a.id,
        name: a.name,
        content_type: a.content_type,
        size: a.size,
        uploaded_by: a.uploaded_by,
        uploaded_at: a.uploaded_at,
    }
}

pub(crate) async fn case_attachments(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<duban_api::AttachmentView>>, ApiFailure> {
    let case = load(&s, &id, lang, &actor).await?;
    // A file's name may name the complainant ("王小明举报照片.jpg").
    let personal = actor.may_read_personal_data();
    Ok(axum::Json(
        s.store
            .attachments(&case.id().to_string())
            .await?
            .into_iter()
            .map(|mut a| {
                if !personal {
                    a.name = duban_case::privacy::redact(&a.name, case.complainant().name());
                }
                attachment_view(a)
            })
            .collect(),
    ))
}

/// The type a file's first bytes say it is, among the accepted ones.
pub(crate) fn sniff(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if data.len() > 12 && data.starts_with(b"RIFF") && &data[8..12] == b"WEBP" {
        Some("image/webp")
    } else if data.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// Upload a file to a case: the raw bytes as the body, `Content-Type` one of the
/// accepted types (and matching the bytes), the file name in `X-File-Name`
/// (percent-encoded UTF-8). Anyone who may act on the case may attach.
pub(crate) async fn upload_attachment(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<(StatusCode, axum::Json<duban_api::AttachmentView>), ApiFailure> {
    actor.require(Ability::Attach, lang)?;
    let case = load(&s, &id, lang, &actor).await?;
    let declared = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let refused = if body.is_empty() {
        Some(("file", duban_text::key!("err.file.empty")))
    } else if body.len() > duban_api::ATTACHMENT_MAX_BYTES {
        Some(("file", duban_text::key!("err.file.too_large")))
    } else if !duban_api::ATTACHMENT_TYPES.contains(&declared.as_str()) {
        Some((
            "content-type",
            duban_text::key!("err.file.type_unsupported"),
        ))
    } else if sniff(&body) != Some(declared.as_str()) {
        Some(("file", duban_text::key!("err.file.type_mismatch")))
    } else {
        None
    };
    if let Some((field, key)) = refused {
        return Err(ApiFailure::Invalid(ErrorBody::text(field, key, &[], lang)));
    }
    let raw_name = headers
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let name = percent_decode(raw_name)
        .map(|n| {
            n.replace(['/', '\\', '\0'], "_")
                .trim()
                .chars()
                .take(120)
                .collect::<String>()
        })
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "attachment".to_owned());
    let now = s.now();
    let record = crate::store::AttachmentRecord {
        id: uuid::Uuid::now_v7().to_string(),
        case_id: case.id().to_string(),
        name,
        content_type: declared,
        size: body.len() as u64,
        sha256: hex::encode(sha2::Sha256::digest(&body)),
        uploaded_by: actor.user.username.clone(),
        uploaded_at: now,
    };
    let audit = actor.who.entry(
        now,
        "attachment.upload",
        Some(case.id().to_string()),
        &case.reference().to_string(),
        "",
        serde_json::json!({ "attachment": record.id, "name": record.name, "size": record.size, "type": record.content_type }),
    );
    s.store.insert_attachment(&record, &body, &audit).await?;
    Ok((StatusCode::CREATED, axum::Json(attachment_view(record))))
}

/// `%E7%8E%B0…` → text; `None` when it is not valid percent-encoded UTF-8.
pub(crate) fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A case's file, to those who may see the case.
pub(crate) async fn download_attachment(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiFailure> {
    let not_found = || ApiFailure::not_found("id", "attachment.not_found", lang);
    let Some((a, data)) = s.store.attachment(id.trim()).await? else {
        return Err(not_found());
    };
    // The case decides who may see its files; a foreign case is "not found".
    load(&s, &a.case_id, lang, &actor)
        .await
        .map_err(|_| not_found())?;
    let disposition = format!(
        "attachment; filename=\"attachment\"; filename*=UTF-8''{}",
        a.name
            .bytes()
            .map(|b| if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            })
            .collect::<String>()
    );
    let mut resp = data.into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&a.content_type) {
        h.insert(axum::http::header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(axum::http::header::CONTENT_DISPOSITION, v);
    }
    // A photo may show people: kept nowhere but the server.
    h.insert(
        axum::http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    );
    Ok(resp)
}
