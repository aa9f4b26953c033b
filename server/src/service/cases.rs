use std::collections::HashMap;

use chrono::{DateTime, Utc};

use duban_api::{CaseSummary, CaseView};
use duban_calendar::Calendar;
use duban_case::draft::{CaseDraft, NewCase};
use duban_case::error::{CaseError, Errors};
use duban_case::lifecycle::{self, Case, Command, Ctx};
use duban_case::model::{CaseId, Reference};

use crate::policy::Actor;
use crate::service::AppState;
use crate::service::Prepared;
use crate::service::Who;

impl AppState {
    /// The whole cases behind list rows, by id, in one read.
    pub async fn full_cases(
        &self,
        rows: &[CaseSummary],
    ) -> Result<HashMap<CaseId, Case>, crate::store::StoreError> {
        let ids: Vec<String> = rows.iter().map(|c| c.id.to_string()).collect();
        Ok(self
            .store
            .cases_by_id(&ids)
            .await?
            .into_iter()
            .map(|c| (c.id(), c))
            .collect())
    }
}

impl AppState {
    /// A case as `actor` may see it: actions limited to the role, complainant always
    /// masked (the person is read through the audited complainant endpoint).
    pub fn view(&self, case: Case, actor: &Actor) -> CaseView {
        // Without the personal-data right, free text goes through the same redaction
        // as the public pages (phone and ID numbers, mail, the recorded name).
        let case = if actor.may_read_personal_data() {
            case.with_complainant_masked()
        } else {
            case.redacted()
        };
        CaseView {
            allowed_actions: case
                .allowed_actions()
                .into_iter()
                .filter(|a| actor.may(*a))
                .collect(),
            division_name: case.division().division().full_name(),
            lead_unit_name: case.lead_unit().and_then(|u| self.unit_name(u.as_str())),
            case,
        }
    }

    /// Create a case from a draft: validate, number, store with its opening event.
    pub async fn create_case(&self, draft: &CaseDraft, by: &Who) -> Result<Case, CreateError> {
        self.create_case_at(draft, by, self.now()).await
    }

    /// As [`AppState::create_case`], registered at `now` (the demo back-dates its cases).
    pub async fn create_case_at(
        &self,
        draft: &CaseDraft,
        by: &Who,
        now: DateTime<Utc>,
    ) -> Result<Case, CreateError> {
        let new = NewCase::parse(draft, now).map_err(CreateError::Invalid)?;
        let mut cases = self
            .register(vec![(new, None)], by, now)
            .await
            .map_err(CreateError::Store)?;
        cases
            .pop()
            .ok_or_else(|| CreateError::Store(crate::store::StoreError::Corrupt("register".into())))
    }

    /// Register validated cases in one transaction, all or none: references are
    /// reserved per batch or channel in blocks, each case gets its opening event and
    /// audit entry, and a case from another system its number there (`Duplicate` when
    /// that number is taken).
    pub async fn register(
        &self,
        news: Vec<(NewCase, Option<(String, String)>)>,
        by: &Who,
        now: DateTime<Utc>,
    ) -> Result<Vec<Case>, crate::store::StoreError> {
        // The serials are reserved and the cases stored in one writer job: one commit,
        // and no serial used up by a refused case.
        let wanted = Self::serials_wanted(&news);
        let (state, by) = (self.clone(), by.clone());
        self.store
            .insert_numbered(
                wanted,
                Box::new(move |first| state.build_cases(news, first, &by, now)),
            )
            .await
    }

    /// Build new cases with their references, opening events and audit entries,
    /// ready to be stored together.
    pub async fn prepare_cases(
        &self,
        news: Vec<(NewCase, Option<(String, String)>)>,
        by: &Who,
        now: DateTime<Utc>,
    ) -> Result<Vec<Prepared>, crate::store::StoreError> {
        // One round trip per counter, not per case.
        let mut first = std::collections::BTreeMap::new();
        for (name, n) in Self::serials_wanted(&news) {
            let serial = self.store.reserve_serials(&name, n).await?;
            first.insert(name, serial);
        }
        self.build_cases(news, &first, by, now)
    }

    /// The reference counter a new case numbers from (`2026-B03`, `2026-H`), and its year
    /// in China time.
    pub(crate) fn counter_of(new: &NewCase) -> (String, i32) {
        let year = chrono::Datelike::year(&duban_core::china_date(new.received_at()));
        match new.batch() {
            Some(b) => (format!("{year}-B{:02}", b.number()), year),
            None => (format!("{year}-{}", new.channel().letter()), year),
        }
    }

    /// How many serials each counter must give these cases.
    pub(crate) fn serials_wanted(
        news: &[(NewCase, Option<(String, String)>)],
    ) -> std::collections::BTreeMap<String, i64> {
        let mut wanted = std::collections::BTreeMap::new();
        for (new, _) in news {
            *wanted.entry(Self::counter_of(new).0).or_default() += 1;
        }
        wanted
    }

    /// The new cases, numbered from the first serial reserved for each counter.
    pub(crate) fn build_cases(
        &self,
        news: Vec<(NewCase, Option<(String, String)>)>,
        first: &std::collections::BTreeMap<String, i64>,
        by: &Who,
        now: DateTime<Utc>,
    ) -> Result<Vec<Prepared>, crate::store::StoreError> {
        let mut next = first.clone();
        let mut built = Vec::with_capacity(news.len());
        for (new, external) in news {
            let rules = self
                .rule_set(lifecycle::rule_set_for(&new))
                .ok_or_else(|| crate::store::StoreError::Corrupt("rule set missing".into()))?;
            let (counter, year) = Self::counter_of(&new);
            let serial = next.get_mut(&counter).map_or(0, |v| {
                *v += 1;
                *v - 1
            });
            let serial = u32::try_from(serial).unwrap_or(u32::MAX);
            let reference = match new.batch() {
                Some(b) => Reference::for_batch(year, b.number(), serial),
                None => Reference::for_channel(year, new.channel(), serial),
            };
            let id = CaseId::from_uuid(uuid::Uuid::now_v7());
            let ctx = Ctx {
                now,
                actor: &by.username,
                rules: &rules,
                calendar: Calendar::official(),
            };
            let opening = lifecycle::receive(id, reference, new, &ctx);
            let case = lifecycle::open(&opening)
                .ok_or_else(|| crate::store::StoreError::Corrupt("open".into()))?;
            let audit = by.entry(
                now,
                "case.create",
                Some(case.id().to_string()),
                &case.reference().to_string(),
                "",
                serde_json::json!({ "channel": case.channel().code(), "division": case.division().as_str() }),
            );
            built.push(Prepared {
                case,
                opening,
                audit,
                external,
            });
        }
        Ok(built)
    }

    /// Run a command on a stored case: decide, apply, store events and state together.
    pub async fn act(
        &self,
        case: Case,
        cmd: &Command,
        by: &Who,
        at: DateTime<Utc>,
    ) -> Result<Case, ActError> {
        let mut errs = Errors::default();
        for (field, unit) in cmd.unit_ids() {
            if !unit.trim().is_empty() && !self.unit_exists(unit.trim()) {
                errs.0.push(CaseError::UnknownUnit {
                    field,
                    value: unit.to_owned(),
                });
            }
        }
        if !errs.is_empty() {
            return Err(ActError::Invalid(errs));
        }
        let rules = self.rule_set(case.rule_set()).ok_or_else(|| {
            ActError::Store(crate::store::StoreError::Corrupt("rule set missing".into()))
        })?;
        let ctx = Ctx {
            now: at,
            actor: &by.username,
            rules: &rules,
            calendar: Calendar::official(),
        };
        let cmd = &self.attribute(&case, cmd);
        let events = lifecycle::decide(&case, cmd, &ctx).map_err(ActError::Invalid)?;
        let expected = case.version();
        let from = case.status();
        let counters = Self::routing_counters(&case, &events);
        let next = events.iter().fold(case, lifecycle::apply);
        if duban_case::closing::closes(from, next.status()) {
            let open = self.open_work(&next).await.map_err(ActError::Store)?;
            duban_case::closing::check(from, next.status(), &open).map_err(ActError::Invalid)?;
        }
        let audit = by.entry(
            at,
            &format!("case.{}", cmd.kind().code()),
            Some(next.id().to_string()),
            &next.reference().to_string(),
            cmd.reason(),
            serde_json::json!({ "from": from.code(), "to": next.status().code(), "version": next.version() }),
        );
        self.store
            .update_cases(&[crate::store::Change {
                expected,
                case: &next,
                events: &events,
                audit: &audit,
                counters: &counters,
            }])
            .await
            .map_err(ActError::Store)?;
        if matches!(cmd, Command::Dispatch { .. }) {
            self.assign_proposed_supervisor(&next, by).await;
        }
        Ok(next)
    }
}

#[derive(Debug)]
pub enum CreateError {
    Invalid(Errors),
    Store(crate::store::StoreError),
}

#[derive(Debug)]
pub enum ActError {
    Invalid(Errors),
    Store(crate::store::StoreError),
}
