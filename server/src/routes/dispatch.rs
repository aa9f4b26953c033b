use axum::extract::State;

use crate::http::register::Routes;
use crate::text::Text;
use duban_api::ErrorBody;
use duban_api::dispatch;
use duban_case::error::{CaseError, Errors};
use duban_case::model::{CaseId, Status};

use crate::error::{ApiFailure, ApiJson, ReqLang};
use crate::store::CaseFilter;

use crate::policy::{Ability, Actor};
use crate::service::AppState;
use crate::service::cases::ActError;
use crate::service::redaction;

/// This feature's routes, under `/api/v1`.
pub fn routes() -> Routes {
    Routes::new()
        .at(dispatch::DispatchBatch, dispatch_batch)
        .at(dispatch::Clearing, clearing)
}

/// Most cases one batch dispatch takes.
pub(crate) const DISPATCH_MAX: usize = 5_000;

/// Dispatch a batch, or chosen cases, as the routing rules propose; one transaction.
pub(crate) async fn dispatch_batch(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiJson(body): ApiJson<duban_api::BatchDispatch>,
) -> Result<axum::Json<duban_api::BatchDispatchResult>, ApiFailure> {
    actor.require(Ability::Dispatch, lang)?;
    let mut cases = Vec::new();
    match (body.batch, body.case_ids.is_empty()) {
        (Some(b), true) => {
            if !(1..=99).contains(&b) {
                return Err(ApiFailure::invalid(
                    &Errors(vec![CaseError::OutOfRange {
                        field: "batch".into(),
                        min: 1,
                        max: 99,
                    }]),
                    lang,
                ));
            }
            for status in [Status::Received, Status::Returned] {
                let f = CaseFilter {
                    batch: Some(i64::from(b)),
                    status: Some(status.code().to_owned()),
                    limit: DISPATCH_MAX as i64 + 1,
                    ..CaseFilter::default()
                };
                cases.extend(s.store.cases(&f).await?);
            }
        }
        (None, false) => {
            if body.case_ids.len() > DISPATCH_MAX {
                return Err(ApiFailure::invalid(
                    &Errors(vec![CaseError::OutOfRange {
                        field: "case_ids".into(),
                        min: 1,
                        max: DISPATCH_MAX as i64,
                    }]),
                    lang,
                ));
            }
            let mut seen = std::collections::HashSet::new();
            for (i, id) in body.case_ids.iter().enumerate() {
                let case = match id.parse::<CaseId>() {
                    Ok(cid) if seen.insert(cid) => s.store.get_case(&cid.to_string()).await?,
                    Ok(_) => continue,
                    Err(_) => None,
                };
                match case {
                    Some(c) => cases.push(c),
                    None => {
                        return Err(ApiFailure::not_found(
                            &format!("case_ids[{i}]"),
                            "case.not_found",
                            lang,
                        ));
                    }
                }
            }
        }
        _ => {
            return Err(ApiFailure::refused(
                "batch",
                Text::DispatchSelectionRequired,
                lang,
            ));
        }
    }
    if cases.len() > DISPATCH_MAX {
        return Err(ApiFailure::invalid(
            &Errors(vec![CaseError::OutOfRange {
                field: "batch".into(),
                min: 1,
                max: DISPATCH_MAX as i64,
            }]),
            lang,
        ));
    }
    let note = body.note.trim();
    if note.chars().count() > 500 {
        return Err(ApiFailure::invalid(
            &Errors(vec![CaseError::TooLong {
                field: "note".into(),
                max: 500,
                actual: note.chars().count(),
            }]),
            lang,
        ));
    }
    match s.dispatch_selection(cases, note, &actor.who, lang).await {
        Ok(r) => Ok(axum::Json(r)),
        Err(ActError::Invalid(e)) => Err(ApiFailure::invalid(&e, lang)),
        Err(ActError::Store(crate::store::StoreError::Conflict { .. })) => {
            let text = Text::DispatchVersionConflict;
            Err(ApiFailure::Conflict(
                ErrorBody::single("batch", text.code(), text.message(lang)),
                None,
            ))
        }
        Err(ActError::Store(e)) => Err(e.into()),
    }
}

/// Rows of the clearing view read at most.
pub(crate) const CLEARING_MAX: i64 = 20_000;

/// The daily clearing view (日有日清): per lead unit, what waits for dispatch or
/// sign-for, what is due today and what is overdue; handlers see their own units.
pub(crate) async fn clearing(
    State(s): State<AppState>,
    actor: Actor,
) -> Result<axum::Json<duban_api::ClearingView>, ApiFailure> {
    let now = s.now();
    let end_of_day = duban_dispatch::end_of_china_day(now).unwrap_or(now);
    let rows = s
        .store
        .open_work(
            actor.jurisdiction.as_deref(),
            end_of_day.timestamp_millis(),
            CLEARING_MAX + 1,
        )
        .await?;
    let truncated = rows.len() as i64 > CLEARING_MAX;
    let mut per_unit: Vec<duban_api::ClearingRow> = Vec::new();
    let mut cases = Vec::new();
    for (summary, units) in rows.into_iter().take(CLEARING_MAX as usize) {
        let due = summary
            .clock
            .as_ref()
            .filter(|c| c.is_running())
            .map(|c| c.due_at());
        let buckets = duban_dispatch::buckets(summary.status, summary.paused, due, now);
        if buckets.is_empty() {
            continue;
        }
        let lead = units
            .trim_matches(',')
            .split(',')
            .next()
            .filter(|u| !u.is_empty())
            .map(str::to_owned);
        let row = match per_unit.iter_mut().position(|r| r.unit_id == lead) {
            Some(i) => &mut per_unit[i],
            None => {
                let unit_name = match &lead {
                    Some(u) => s.unit_name(u).unwrap_or_else(|| u.clone()),
                    None => "待分办".to_owned(),
                };
                per_unit.push(duban_api::ClearingRow {
                    unit_id: lead.clone(),
                    unit_name,
                    not_dispatched: 0,
                    not_signed: 0,
                    due_today: 0,
                    overdue: 0,
                });
                let last = per_unit.len() - 1;
                &mut per_unit[last]
            }
        };
        for b in &buckets {
            match b {
                duban_dispatch::Bucket::NotDispatched => row.not_dispatched += 1,
                duban_dispatch::Bucket::NotSigned => row.not_signed += 1,
                duban_dispatch::Bucket::DueToday => row.due_today += 1,
                duban_dispatch::Bucket::Overdue => row.overdue += 1,
            }
        }
        cases.push(duban_api::ClearingCase {
            summary,
            unit_id: lead,
            buckets,
        });
    }
    per_unit.sort_by(|a, b| {
        (b.overdue, b.due_today, b.not_signed + b.not_dispatched).cmp(&(
            a.overdue,
            a.due_today,
            a.not_signed + a.not_dispatched,
        ))
    });
    let summaries = cases.iter().map(|c| c.summary.clone()).collect();
    for (case, summary) in cases
        .iter_mut()
        .zip(redaction::readable_summaries(&s, &actor, summaries).await?)
    {
        case.summary = summary;
    }
    Ok(axum::Json(duban_api::ClearingView {
        as_of: now,
        rows: per_unit,
        cases,
        truncated,
    }))
}
