use chrono::{DateTime, Utc};

use duban_api::ErrorBody;
use duban_calendar::Calendar;
use duban_case::Lang;

use crate::error::ApiFailure;

use crate::service::AppState;

/// A mechanism aggregate's events, numbered, oldest first.
pub(crate) async fn event_views<E: serde::de::DeserializeOwned>(
    s: &AppState,
    kind: &str,
    key: &str,
) -> Result<Vec<duban_api::Sequenced<E>>, ApiFailure> {
    s.store
        .aggregate_events(kind, key)
        .await?
        .into_iter()
        .map(|(seq, body)| {
            Ok(duban_api::Sequenced {
                seq,
                event: serde_json::from_str(&body).map_err(crate::store::StoreError::from)?,
            })
        })
        .collect()
}

/// A mechanism's events as stored: time, actor and type code pulled out, the event as JSON.
pub(crate) fn stored_events<E: serde::Serialize>(
    events: &[E],
    meta: impl Fn(&E) -> (DateTime<Utc>, &str, &'static str),
) -> Result<Vec<crate::store::AggregateEvent>, crate::store::StoreError> {
    events
        .iter()
        .map(|e| {
            let (at, actor, kind) = meta(e);
            Ok(crate::store::AggregateEvent {
                at,
                actor: actor.to_owned(),
                kind: kind.to_owned(),
                body: serde_json::to_string(e).map_err(crate::store::StoreError::from)?,
            })
        })
        .collect()
}

/// Store a mechanism aggregate's new state with its events, audit entry and parties; a
/// stale version is a 409 asking the reader to reload.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn save_mechanism(
    s: &AppState,
    kind: &str,
    key: &str,
    case_id: Option<&str>,
    expected: u64,
    state: &impl serde::Serialize,
    events: &[crate::store::AggregateEvent],
    audit: &duban_api::AuditEntry,
    access: &crate::store::AggregateAccess,
    lang: Lang,
) -> Result<(), ApiFailure> {
    let state = serde_json::to_string(state).map_err(crate::store::StoreError::from)?;
    match s
        .store
        .save_aggregate(kind, key, case_id, expected, &state, events, audit, access)
        .await
    {
        Ok(()) => Ok(()),
        Err(crate::store::StoreError::Conflict { .. }) => {
            let message = match lang {
                Lang::Zh => "记录已被他人更新，请刷新后重试",
                Lang::En => "This changed meanwhile; reload and try again",
            };
            Err(ApiFailure::Conflict(
                ErrorBody::single("version", "version.conflict", message),
                None,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) const SUPERVISION: &str = "supervision";

/// Who takes part in a supervision: inboxes find orders by target unit and reviews by
/// supervisor.
pub(crate) fn supervision_access(
    s: &duban_supervision::Supervision,
) -> crate::store::AggregateAccess {
    crate::store::AggregateAccess {
        parties: s
            .orders()
            .iter()
            .map(|o| o.target_unit.clone())
            .chain(s.supervisor().map(|u| format!("user:{u}")))
            .collect(),
        grant_case_to: vec![],
        next_step_at: s.next_step_at(Calendar::official()),
    }
}

/// The receiver and co-handlers are given sight of the case.
pub(crate) fn referral_access(r: &duban_referral::Referral) -> crate::store::AggregateAccess {
    let mut grant = vec![r.to_unit().to_owned()];
    grant.extend(r.co_handlers().iter().cloned());
    crate::store::AggregateAccess {
        parties: r.units().into_iter().map(str::to_owned).collect(),
        grant_case_to: grant,
        next_step_at: r.next_step_at(Calendar::official()),
    }
}

/// Every linked department takes part and sees the case.
pub(crate) fn incident_access(i: &duban_emergency::Incident) -> crate::store::AggregateAccess {
    let units: Vec<String> = i.units().into_iter().map(str::to_owned).collect();
    crate::store::AggregateAccess {
        parties: units.clone(),
        grant_case_to: units,
        next_step_at: i.next_step_at(Calendar::official()),
    }
}

pub(crate) const INCIDENT: &str = "incident";

impl AppState {
    pub fn plans(&self) -> duban_emergency::Plans {
        self.plans
            .read()
            .map(|p| p.clone())
            .unwrap_or_else(|_| duban_emergency::default_plans())
    }
}

pub(crate) const REFERRAL: &str = "referral";
