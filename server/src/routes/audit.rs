use axum::extract::{Path, State};

use crate::http::register::Routes;
use duban_api::Page;
use duban_api::audit;
use duban_case::error::{CaseError, Errors};

use crate::error::{ApiFailure, ApiQuery, ReqLang};

use crate::policy::{Ability, Actor};
use crate::routes::cases::load;
use crate::service::AppState;

/// This feature's routes, under `/api/v1`.
pub fn routes() -> Routes {
    Routes::new()
        .at(audit::CaseAudit, case_audit)
        .at(audit::SearchAudit, audit_search)
}

/// The audit trail of one case (administrators and coordinators).
pub(crate) async fn case_audit(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<duban_api::AuditRecord>>, ApiFailure> {
    actor.require(Ability::ReadCaseAudit, lang)?;
    let case = load(&s, &id, lang, &actor).await?;
    let f = crate::store::AuditFilter {
        case_id: Some(case.id().to_string()),
        limit: 1000,
        ..Default::default()
    };
    Ok(axum::Json(s.store.audit(&f).await?.0))
}

/// The whole audit trail, searchable (administrators).
pub(crate) async fn audit_search(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiQuery(q): ApiQuery<duban_api::AuditQuery>,
) -> Result<axum::Json<Page<duban_api::AuditRecord>>, ApiFailure> {
    actor.require(Ability::SearchAudit, lang)?;
    let text = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let mut errs = Errors::default();
    let mut day = |field: &str, v: &Option<String>, next: bool| -> Option<i64> {
        let v = text(v)?;
        match chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d") {
            Ok(d) => {
                let d = if next { d.succ_opt()? } else { d };
                // Dates are China time (UTC+8).
                Some(d.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis() - 8 * 3_600_000)
            }
            Err(_) => {
                errs.0.push(CaseError::InvalidDate {
                    field: field.into(),
                    value: v,
                });
                None
            }
        }
    };
    let from_ms = day("from", &q.from, false);
    let to_ms = day("to", &q.to, true);
    let limit = q.limit.unwrap_or(duban_api::DEFAULT_PAGE);
    if !(1..=duban_api::MAX_PAGE).contains(&limit) {
        errs.0.push(CaseError::OutOfRange {
            field: "limit".into(),
            min: 1,
            max: i64::from(duban_api::MAX_PAGE),
        });
    }
    if !errs.is_empty() {
        return Err(ApiFailure::invalid(&errs, lang));
    }
    let f = crate::store::AuditFilter {
        actor: text(&q.actor),
        action: text(&q.action),
        case_id: text(&q.case_id),
        q: text(&q.q),
        from_ms,
        to_ms,
        before: q.before.and_then(|b| i64::try_from(b).ok()),
        limit: i64::from(limit),
    };
    let (items, total) = s.store.audit(&f).await?;
    let next_cursor = (items.len() as i64 == f.limit)
        .then(|| items.last().map(|r| r.seq.to_string()))
        .flatten();
    Ok(axum::Json(Page {
        items,
        total,
        total_capped: false,
        next_cursor,
    }))
}
