//! Cases set up through the server rather than the pages, for stories that start later
//! in a case's life; the day and a tiny image the pages take.

use anyhow::{Result, anyhow};

use crate::browser::{ADDRESS, DIVISION, LEAD_UNIT};

/// A case registered through the server (the intake form has its own story).
pub async fn register(
    state: &duban_server::service::AppState,
    batch: i64,
    content: &str,
) -> Result<duban_case::lifecycle::Case> {
    let draft = duban_case::draft::CaseDraft {
        channel: "inspection_phone".into(),
        batch_number: Some(batch),
        batch_date: today_utc8(),
        sender_ref: format!("D{batch:02}{:04}", content.chars().count()),
        content: content.into(),
        address: ADDRESS.into(),
        division: DIVISION.into(),
        categories: vec!["water".into()],
        key_classes: vec!["inspection_key".into()],
        ..duban_case::draft::CaseDraft::default()
    };
    state
        .create_case(&draft, &duban_server::service::Who::system())
        .await
        .map_err(|e| anyhow!("cannot register a case: {e:?}"))
}

/// A case registered and dispatched to 镇江 through the server.
pub async fn dispatched(
    state: &duban_server::service::AppState,
    content: &str,
) -> Result<duban_case::lifecycle::Case> {
    let case = register(state, 8, content).await?;
    let cmd = duban_case::lifecycle::Command::Dispatch {
        lead_unit: LEAD_UNIT.into(),
        co_units: vec![],
        note: String::new(),
        routed_by: vec![],
        why: vec![],
    };
    state
        .act(
            case,
            &cmd,
            &duban_server::service::Who::system(),
            state.now(),
        )
        .await
        .map_err(|e| anyhow!("cannot dispatch: {e:?}"))
}

/// A case registered, dispatched to 镇江 and signed for through the server.
pub async fn signed_for(
    state: &duban_server::service::AppState,
    content: &str,
) -> Result<duban_case::lifecycle::Case> {
    let case = dispatched(state, content).await?;
    state
        .act(
            case,
            &duban_case::lifecycle::Command::SignFor,
            &duban_server::service::Who::system(),
            state.now(),
        )
        .await
        .map_err(|e| anyhow!("cannot sign for: {e:?}"))
}

/// A one-pixel PNG.
pub const PNG_1X1: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// Today's date in China (UTC+8), as a date input wants it.
pub fn today_utc8() -> String {
    duban_core::china_date(chrono::Utc::now())
        .format("%Y-%m-%d")
        .to_string()
}
