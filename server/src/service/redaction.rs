//! What roles without the right to the complainant (supervisors, leaders) read: list
//! rows made anew from their redacted cases, and the mechanisms' views (supervision,
//! referrals, incidents) with every free text in them, of the state and of its events
//! alike, passed through [`duban_case::privacy::redact`] with the name the case
//! records. Staff write these texts, and they quote the complaint
//! ("已电话联系王小明13955556666").

use duban_api::CaseSummary;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::policy::Actor;
use crate::service::AppState;
use crate::store::StoreError;

/// The free-text fields of the mechanism crates' states and events, by name (file
/// names included: "王小明举报照片.jpg"). Ids, unit ids, numbers, codes and instants
/// are never among them: an id's digit groups could read as a phone number.
const FREE_TEXT: &[&str] = &[
    "demands",
    "answer",
    "findings",
    "comments",
    "closing_comments",
    "text",
    "summary",
    "subject",
    "title",
    "address",
    "note",
    "reason",
    "tasks",
    "name",
];

/// `view` as `actor` may read it, `case_id` naming the case it belongs to (if any).
pub(crate) async fn for_reader<T: Serialize + DeserializeOwned>(
    s: &AppState,
    actor: &Actor,
    case_id: Option<&str>,
    view: T,
) -> Result<T, StoreError> {
    if actor.may_read_personal_data() {
        return Ok(view);
    }
    let name = match case_id {
        Some(id) => s
            .store
            .get_case(id)
            .await?
            .and_then(|c| c.complainant().name().map(str::to_owned)),
        None => None,
    };
    redacted(view, name.as_deref())
}

/// List rows as `actor` may read them: without the personal-data right, each row is
/// made anew from its case redacted (the excerpt may name the complainant, whose name
/// only the full case holds).
pub(crate) async fn readable_summaries(
    s: &AppState,
    actor: &Actor,
    items: Vec<CaseSummary>,
) -> Result<Vec<CaseSummary>, crate::store::StoreError> {
    if actor.may_read_personal_data() {
        return Ok(items);
    }
    let mut full = s.full_cases(&items).await?;
    Ok(items
        .into_iter()
        .map(|row| match full.remove(&row.id) {
            Some(case) => CaseSummary::of(&case.redacted()),
            // Gone between the two reads: the row keeps no text.
            None => CaseSummary {
                excerpt: String::new(),
                ..row
            },
        })
        .collect())
}

fn redacted<T: Serialize + DeserializeOwned>(view: T, name: Option<&str>) -> Result<T, StoreError> {
    let mut value = serde_json::to_value(view)?;
    redact_value(&mut value, name, false);
    Ok(serde_json::from_value(value)?)
}

fn redact_value(value: &mut Value, name: Option<&str>, free_text: bool) {
    match value {
        Value::String(text) if free_text => *text = duban_case::privacy::redact(text, name),
        Value::Array(items) => {
            for item in items {
                redact_value(item, name, free_text);
            }
        }
        Value::Object(fields) => {
            for (key, field) in fields {
                redact_value(field, name, FREE_TEXT.contains(&key.as_str()));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn only_free_text_fields_are_redacted() {
        let mut v = json!({
            "id": "12345678-aaaa", "number": "苏督〔2026〕1234567号",
            "orders": [{"demands": "联系王小明13955556666", "target_unit": "gov-3211"}],
            "events": [{"type": "answered", "answer": "已回复王小明", "at": "2026-12-04T08:00:00Z"}],
        });
        crate::service::redaction::redact_value(&mut v, Some("王小明"), false);
        assert_eq!(
            v,
            json!({
                "id": "12345678-aaaa", "number": "苏督〔2026〕1234567号",
                "orders": [{"demands": "联系×××××××", "target_unit": "gov-3211"}],
                "events": [{"type": "answered", "answer": "已回复×××", "at": "2026-12-04T08:00:00Z"}],
            })
        );
    }
}
