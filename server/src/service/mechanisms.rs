//! The one path of the mechanisms (supervision, referral, incident) through the server:
//! load a state, decide a command on it (marking what was entered on another unit's
//! behalf), store the new state with its events, audit entry and parties under the
//! version it was loaded at, and show it with its log to a reader. What differs
//! between them is said once per mechanism, by [`Stored`].

use duban_api::{ErrorBody, Sequenced};
use duban_calendar::Calendar;
use duban_case::Lang;
use duban_core::{Aggregate, Mechanism, Recorded, Tagged};
use duban_emergency::Incident;
use duban_referral::Referral;
use duban_supervision::Supervision;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::ApiFailure;
use crate::policy::{Actor, forbidden};
use crate::service::{AppState, Who, redaction};
use crate::store::{AggregateAccess, AggregateEvent, AggregateSave, StoreError};

/// The kinds' names, for the inbox's queries.
pub(crate) const SUPERVISION: &str = Supervision::KIND;
pub(crate) const REFERRAL: &str = Referral::KIND;
pub(crate) const INCIDENT: &str = Incident::KIND;

/// A mechanism as the server keeps it: under which key, who takes part, what its
/// audit entries say.
pub(crate) trait Stored:
    Mechanism + Aggregate<Calendar = Calendar> + Serialize + DeserializeOwned
{
    /// Its key in storage.
    fn key(&self) -> &str;
    /// Who takes part: units (and `user:` supervisors) whose inboxes and lists show it.
    fn parties(&self) -> Vec<String>;
    /// The units given sight of its case.
    fn sees_case(&self) -> Vec<String>;
    /// An error that says the actor stands on the wrong side of it: a 403, not a
    /// mistake in the form.
    fn refuses(_e: &Self::Error) -> bool {
        false
    }
    /// The audit code after the kind (`referral.sent`): the first event's.
    fn audit_code(_cmd: &Self::Command, events: &[Self::Event]) -> &'static str {
        events.first().map_or("", Recorded::code)
    }
    /// The audit entry's reason: the text the command gave.
    fn audit_reason(cmd: &Self::Command, events: &[Self::Event]) -> String;
    /// The audit entry's detail: what changed, by id, unit or event code.
    fn audit_detail(&self, events: &[Self::Event]) -> serde_json::Value;
    /// What the audit entry names (by default the case's reference).
    fn audit_target(&self, reference: &str) -> String {
        reference.to_owned()
    }
    /// What the sweeper's audit entry names.
    fn sweep_title(&self) -> String;

    fn access(&self) -> AggregateAccess {
        AggregateAccess {
            parties: self.parties(),
            grant_case_to: self.sees_case(),
            next_step_at: self.next_step_at(Calendar::official()),
        }
    }
}

/// A case's supervision is kept under the case's id.
impl Stored for Supervision {
    fn key(&self) -> &str {
        self.case_id()
    }
    /// Inboxes find orders by target unit and reviews by supervisor.
    fn parties(&self) -> Vec<String> {
        self.orders()
            .iter()
            .map(|o| o.target_unit.clone())
            .chain(self.supervisor().map(|u| format!("user:{u}")))
            .collect()
    }
    fn sees_case(&self) -> Vec<String> {
        vec![]
    }
    /// The command's code (`supervision.issue_order`).
    fn audit_code(
        cmd: &duban_supervision::Command,
        _: &[duban_supervision::Event],
    ) -> &'static str {
        cmd.code()
    }
    fn audit_reason(cmd: &duban_supervision::Command, _: &[duban_supervision::Event]) -> String {
        use duban_supervision::Command;
        match cmd {
            Command::CloseOrder { comments, .. } | Command::ReviewReport { comments, .. } => {
                comments.clone()
            }
            Command::IssueOrder { demands, .. } => demands.clone(),
            _ => String::new(),
        }
    }
    fn audit_detail(&self, events: &[duban_supervision::Event]) -> serde_json::Value {
        serde_json::json!({ "events": events.iter().map(Recorded::code).collect::<Vec<_>>() })
    }
    /// The orders whose clocks climbed.
    fn sweep_title(&self) -> String {
        self.orders()
            .iter()
            .filter(|o| !o.fired.is_empty())
            .map(|o| o.number.as_str())
            .collect::<Vec<_>>()
            .join("、")
    }
}

/// The receiver and co-handlers are given sight of the case.
impl Stored for Referral {
    fn key(&self) -> &str {
        self.id()
    }
    fn parties(&self) -> Vec<String> {
        self.units().into_iter().map(str::to_owned).collect()
    }
    fn sees_case(&self) -> Vec<String> {
        let mut grant = vec![self.to_unit().to_owned()];
        grant.extend(self.co_handlers().iter().cloned());
        grant
    }
    fn refuses(e: &duban_referral::ReferralError) -> bool {
        matches!(e, duban_referral::ReferralError::WrongSide { .. })
    }
    fn audit_reason(_: &duban_referral::Command, events: &[duban_referral::Event]) -> String {
        use duban_referral::EventKind;
        events
            .iter()
            .find_map(|e| match &e.kind {
                EventKind::Sent { subject, .. } => Some(subject.clone()),
                EventKind::Closed { summary } => Some(summary.clone()),
                _ => None,
            })
            .unwrap_or_default()
    }
    fn audit_detail(&self, _: &[duban_referral::Event]) -> serde_json::Value {
        serde_json::json!({ "referral": self.id(), "to_unit": self.to_unit(), "status": self.status().code() })
    }
    fn sweep_title(&self) -> String {
        self.subject().to_owned()
    }
}

/// Every linked department takes part and sees the case.
impl Stored for Incident {
    fn key(&self) -> &str {
        self.id()
    }
    fn parties(&self) -> Vec<String> {
        self.units().into_iter().map(str::to_owned).collect()
    }
    fn sees_case(&self) -> Vec<String> {
        self.parties()
    }
    fn refuses(e: &duban_emergency::EmergencyError) -> bool {
        matches!(e, duban_emergency::EmergencyError::NotYourUnit { .. })
    }
    fn audit_reason(_: &duban_emergency::Command, events: &[duban_emergency::Event]) -> String {
        use duban_emergency::EventKind;
        events
            .iter()
            .find_map(|e| match &e.kind {
                EventKind::Closed { summary, .. } => Some(summary.clone()),
                EventKind::Reported { text, .. } => Some(text.clone()),
                _ => None,
            })
            .unwrap_or_default()
    }
    fn audit_detail(&self, _: &[duban_emergency::Event]) -> serde_json::Value {
        serde_json::json!({ "incident": self.id(), "severity": self.severity().code() })
    }
    fn audit_target(&self, _reference: &str) -> String {
        self.title().to_owned()
    }
    fn sweep_title(&self) -> String {
        self.title().to_owned()
    }
}

/// A stored mechanism with its version, or `None`.
pub(crate) async fn load<M: Stored>(
    s: &AppState,
    key: &str,
) -> Result<Option<(M, u64)>, StoreError> {
    match s.store.aggregate(M::KIND, key).await? {
        Some((json, version)) => Ok(Some((serde_json::from_str(&json)?, version))),
        None => Ok(None),
    }
}

/// A mechanism the actor takes part in (or may read as a coordinator, supervisor,
/// leader); to anyone else it does not exist (`referral.not_found`).
pub(crate) async fn load_for<M: Stored>(
    s: &AppState,
    id: &str,
    actor: &Actor,
    lang: Lang,
) -> Result<(M, u64), ApiFailure> {
    let not_found = || ApiFailure::not_found("id", &format!("{}.not_found", M::KIND), lang);
    let (m, version) = load::<M>(s, id.trim()).await?.ok_or_else(not_found)?;
    let party = match &actor.jurisdiction {
        None => true,
        Some(units) => m.parties().iter().any(|u| units.contains(u)),
    };
    if party {
        Ok((m, version))
    } else {
        Err(not_found())
    }
}

/// The mechanisms of one kind about a case.
pub(crate) async fn of_case<M: Stored>(s: &AppState, case_id: &str) -> Result<Vec<M>, StoreError> {
    parse_all(
        s.store
            .aggregates(M::KIND, Some(case_id), None, 1000)
            .await?,
    )
}

/// The mechanisms of one kind the units take part in (all: `None`), newest first.
pub(crate) async fn of_units<M: Stored>(
    s: &AppState,
    units: Option<&[String]>,
    limit: i64,
) -> Result<Vec<M>, StoreError> {
    parse_all(s.store.aggregates(M::KIND, None, units, limit).await?)
}

fn parse_all<M: Stored>(states: Vec<String>) -> Result<Vec<M>, StoreError> {
    states
        .iter()
        .map(|json| Ok(serde_json::from_str(json)?))
        .collect()
}

/// The events `cmd` makes on `state`, marked when entered for a unit the actor does
/// not belong to (`home_units`; `lead_unit`: the case's), and the state they make. An
/// error saying the actor is on the wrong side is a 403.
pub(crate) fn act<M: Stored>(
    state: M,
    cmd: &M::Command,
    ctx: &M::Ctx<'_>,
    home_units: &[String],
    lead_unit: Option<&str>,
    lang: Lang,
) -> Result<(M, Vec<M::Event>), ApiFailure> {
    let mut events = state.decide(cmd, ctx).map_err(|errs| {
        if errs.iter().any(M::refuses) {
            ApiFailure::Forbidden(forbidden(lang))
        } else {
            ApiFailure::invalid(&errs, lang)
        }
    })?;
    M::mark_on_behalf(Some(&state), &mut events, home_units, lead_unit);
    let next = events.iter().fold(state, M::apply);
    Ok((next, events))
}

/// The events that open mechanism `id` (about `case_id`), marked like [`act`]'s, and
/// the state they make.
pub(crate) fn start<M: Stored>(
    id: &str,
    case_id: Option<&str>,
    cmd: &M::Command,
    ctx: &M::Ctx<'_>,
    home_units: &[String],
    lang: Lang,
) -> Result<(M, Vec<M::Event>), ApiFailure> {
    let mut events = M::start(id, case_id, cmd, ctx).map_err(|e| ApiFailure::invalid(&e, lang))?;
    M::mark_on_behalf(None, &mut events, home_units, None);
    let next = M::replay(id, &events).ok_or_else(|| ApiFailure::Unavailable(M::KIND.into()))?;
    Ok((next, events))
}

/// Store a mechanism's new state with its events, audit entry and parties, if its
/// stored version is still `expected`.
pub(crate) async fn store<M: Stored>(
    s: &AppState,
    expected: u64,
    next: &M,
    events: &[M::Event],
    audit: &duban_api::AuditEntry,
) -> Result<(), StoreError> {
    let stored = events
        .iter()
        .map(|e| {
            Ok(AggregateEvent {
                at: e.at(),
                actor: e.actor().to_owned(),
                kind: e.code().to_owned(),
                body: serde_json::to_string(e)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let state = serde_json::to_string(next)?;
    s.store
        .save_aggregate(AggregateSave {
            kind: M::KIND,
            key: next.key(),
            case_id: next.case_id(),
            expected,
            state: &state,
            events: &stored,
            audit,
            access: &next.access(),
        })
        .await
}

/// Store what `who`'s command did (see [`store`]) with its audit entry, `reference`
/// naming the case; a stale version is a 409 asking the reader to reload.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn save<M: Stored>(
    s: &AppState,
    who: &Who,
    cmd: &M::Command,
    expected: u64,
    next: &M,
    events: &[M::Event],
    reference: &str,
    lang: Lang,
) -> Result<(), ApiFailure> {
    let audit = who.entry(
        s.now(),
        &format!("{}.{}", M::KIND, M::audit_code(cmd, events)),
        next.case_id().map(str::to_owned),
        &next.audit_target(reference),
        &M::audit_reason(cmd, events),
        next.audit_detail(events),
    );
    match store(s, expected, next, events, &audit).await {
        Ok(()) => Ok(()),
        Err(StoreError::Conflict { .. }) => {
            let key = duban_text::key!("err.version.conflict");
            Err(ApiFailure::Conflict(
                ErrorBody::text("version", key, &[], lang),
                None,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// A mechanism's view as `actor` may read it: `make` puts it beside its numbered log,
/// and a reader without the personal-data right gets its free text redacted.
pub(crate) async fn view<M: Stored, V: Serialize + DeserializeOwned>(
    s: &AppState,
    actor: &Actor,
    m: M,
    make: impl FnOnce(M, Vec<Sequenced<M::Event>>) -> V,
) -> Result<V, StoreError> {
    let case_id = m.case_id().map(str::to_owned);
    let events = s
        .store
        .aggregate_events(M::KIND, m.key())
        .await?
        .into_iter()
        .map(|(seq, body)| {
            Ok(Sequenced {
                seq,
                event: serde_json::from_str(&body)?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    redaction::for_reader(s, actor, case_id.as_deref(), make(m, events)).await
}

/// The case's reference, for the audit trail (empty when there is no case).
pub(crate) async fn reference_of(
    s: &AppState,
    case_id: Option<&str>,
) -> Result<String, StoreError> {
    Ok(match case_id {
        Some(c) => s
            .store
            .get_case(c)
            .await?
            .map(|c| c.reference().to_string())
            .unwrap_or_default(),
        None => String::new(),
    })
}

impl AppState {
    pub fn plans(&self) -> duban_emergency::Plans {
        self.plans
            .read()
            .map(|p| p.clone())
            .unwrap_or_else(|_| duban_emergency::default_plans())
    }
}
