//! Files attached to cases.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::endpoint::{Answer::*, Doc, Endpoint, Method};
use crate::endpoint::{FileDownload, FileUpload, Header, payload};
use crate::keys::{AttachmentKey, CaseKey};

/// A file attached to a case (`POST /api/v1/cases/{id}/attachments`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentView {
    pub id: String,
    pub name: String,
    pub content_type: String,
    pub size: u64,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

/// Largest attachment accepted.
pub const ATTACHMENT_MAX_BYTES: usize = 5 * 1024 * 1024;
/// Types accepted, checked against the file's first bytes.
pub const ATTACHMENT_TYPES: [&str; 4] =
    ["image/jpeg", "image/png", "image/webp", "application/pdf"];

payload!(schema: AttachmentView);

/// The files attached to a case.
#[derive(Debug, Clone, Copy)]
pub struct CaseAttachments;

impl Endpoint for CaseAttachments {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/cases/{id}/attachments";
    type Path = CaseKey;
    type Query = ();
    type Body = ();
    type Response = Vec<AttachmentView>;
    const DOC: Doc = Doc {
        answers: &[Refused(404, "")],
        ..Doc::new("case_attachments")
    };
}

/// Attaches a file to a case.
#[derive(Debug, Clone, Copy)]
pub struct UploadAttachment;

impl Endpoint for UploadAttachment {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v1/cases/{id}/attachments";
    type Path = CaseKey;
    type Query = ();
    type Body = FileUpload;
    type Response = AttachmentView;
    const DOC: Doc = Doc {
        status: 201,
        answers: &[Refused(404, ""), Refused(422, "")],
        headers: &[Header {
            name: "X-File-Name",
            required: false,
            says: "The file name, percent-encoded UTF-8",
        }],
        body_says: "The file's bytes; Content-Type image/jpeg, image/png, image/webp or application/pdf (matching the bytes); at most 5 MB",
        ..Doc::new("upload_attachment")
    };
}

/// A stored attachment's file.
#[derive(Debug, Clone, Copy)]
pub struct DownloadAttachment;

impl Endpoint for DownloadAttachment {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/attachments/{id}";
    type Path = AttachmentKey;
    type Query = ();
    type Body = ();
    type Response = FileDownload;
    const DOC: Doc = Doc {
        says: "The file, with its type",
        answers: &[Refused(404, "")],
        ..Doc::new("download_attachment")
    };
}
