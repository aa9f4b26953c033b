//! What the coordinator sets in the preview instead of editing the spreadsheet: values
//! for the whole file where the list lacks a column (channel, batch number, transfer
//! date), corrections of one row (its division picked from a list, a date), and rows
//! excluded with a reason. The same edits give the same sheet in the browser's preview
//! and in the server's commit.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::IntakeError;

/// Edits of a file's rows, by line (the row's 1-based line or worksheet row).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Edits {
    /// Channel of every row whose cell is empty or whose file has no such column
    /// (`来电`, `phone` …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// Batch number of every row without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_number: Option<i64>,
    /// Transfer date (交办日期) of every row without one (`2026-07-03`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_date: Option<String>,
    /// Corrections of single rows, by line.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub rows: BTreeMap<usize, RowEdit>,
    /// Rows left out of the import, by line, each with its reason (kept in the
    /// import's audit entry).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub exclude: BTreeMap<usize, String>,
}

/// A correction of one row: each value given replaces the cell's.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RowEdit {
    /// A division code or name (`320571`, `苏州工业园区`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub division: Option<String>,
    /// The transfer date (`2026-07-03`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_date: Option<String>,
    /// The receipt time (`2026-07-03 09:00`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received_at: Option<String>,
}

impl Edits {
    /// Whether nothing is edited.
    pub fn is_empty(&self) -> bool {
        *self == Edits::default()
    }
    pub(crate) fn row(&self, line: usize) -> Option<&RowEdit> {
        self.rows.get(&line)
    }
}

/// Longest reason kept for an excluded row.
pub const REASON_MAX: usize = 200;

/// Marks the excluded rows; an edit naming a line the file does not have, or an
/// exclusion without a reason, refuses the file (the preview is out of step with it).
pub(crate) fn exclude(rows: &mut [crate::Row], edits: &Edits) -> Result<(), IntakeError> {
    for line in edits.rows.keys().chain(edits.exclude.keys()) {
        if !rows.iter().any(|r| r.line == *line) {
            return Err(IntakeError::EditLineUnknown { line: *line });
        }
    }
    for (line, reason) in &edits.exclude {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(IntakeError::ExcludeReasonRequired { line: *line });
        }
        if reason.chars().count() > REASON_MAX {
            return Err(IntakeError::ExcludeReasonTooLong {
                line: *line,
                max: REASON_MAX,
            });
        }
        for r in rows.iter_mut().filter(|r| r.line == *line) {
            r.excluded = Some(reason.to_owned());
        }
    }
    Ok(())
}
