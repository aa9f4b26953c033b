//! The router and its handlers.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use chrono::{DateTime, Utc};
use tower_http::services::{ServeDir, ServeFile};

use duban_api::{CaseSummary, CaseView, ErrorBody, Health, ListQuery, Page, UnitView};
use duban_calendar::Calendar;
use duban_case::Lang;
use duban_case::draft::{CaseDraft, NewCase};
use duban_case::error::{CaseError, Errors};
use duban_case::lifecycle::{self, Case, Command, Ctx};
use duban_case::model::{CaseId, Category, Reference, Status};
use duban_divisions::{DivisionCode, Level};
use duban_sla::RuleSet;

use crate::error::{ApiFailure, ApiJson, ApiQuery, ReqLang};
use crate::store::{CaseFilter, Store};
use sha2::Digest as _;

mod board;
mod connect;
mod headers;
mod idempotency;
mod import;
pub mod limit;
mod open311;
mod open_work;
mod redaction;
mod repeats;
mod supervisor_rule;

/// The header that carries a request's id (set when the client sent none).
pub const REQUEST_ID: &str = "x-request-id";

/// Largest accepted request body.
pub const BODY_LIMIT: usize = 256 * 1024;

/// Shared state of the server.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    rules: Arc<RwLock<HashMap<String, RuleSet>>>,
    units: Arc<RwLock<HashMap<String, UnitView>>>,
    /// The clock: `Utc::now` in production; tests may pin it.
    now: Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>,
    throttle: Arc<crate::auth::Throttle>,
    /// Failed sign-ins per client address.
    address_throttle: Arc<crate::auth::Throttle>,
    routing: Arc<RwLock<duban_dispatch::RoutingRules>>,
    plans: Arc<RwLock<duban_emergency::Plans>>,
    /// `Idempotency-Key` requests this process is carrying out now, (principal, key):
    /// the only record of a running request (`idempotency.in_progress`); a key whose
    /// write committed without an answer and that is not here was cut off by a stop
    /// (`idempotency.answer_lost`).
    pub(crate) in_flight: Arc<std::sync::Mutex<std::collections::HashSet<(String, String)>>>,
    /// Set when the server begins to shut down: `/readyz` then says so, while requests
    /// in flight finish.
    draining: Arc<std::sync::atomic::AtomicBool>,
    /// Requests per client address (`duban serve --rate-limit`); none: unlimited.
    rate_limit: Option<Arc<limit::RateLimit>>,
}

/// Where the edited emergency plans are kept (the defaults until someone edits them).
const PLANS_KEY: &str = "plan_templates";

/// A case change decided but not yet stored: expected version, new state, events,
/// audit entry, counters.
type Decided = (
    u64,
    Case,
    Vec<lifecycle::Event>,
    duban_api::AuditEntry,
    Vec<String>,
);

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct SweepReport {
    /// Cases that climbed at least one step.
    pub cases: u64,
    /// Steps fired.
    pub steps: u64,
    /// Supervisions, referrals and incidents whose clocks climbed at least one step.
    pub mechanisms: u64,
    /// Cases and mechanisms skipped because they changed during the sweep.
    pub conflicts: u64,
}

/// A new case ready to be stored.
pub type Prepared = crate::store::NewRow;

fn inserts(built: &[Prepared]) -> Vec<crate::store::Insert<'_>> {
    built.iter().map(Prepared::as_insert).collect()
}

/// Where the edited routing rules are kept (the defaults until someone edits them).
const ROUTING_RULES_KEY: &str = "routing_rules";

impl AppState {
    /// Seed reference data (units, default rule sets) and load it.
    pub async fn new(store: Arc<dyn Store>) -> anyhow::Result<AppState> {
        Self::with_clock(store, Arc::new(Utc::now)).await
    }

    pub async fn with_clock(
        store: Arc<dyn Store>,
        now: Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>,
    ) -> anyhow::Result<AppState> {
        crate::seed::reference_data(store.as_ref(), now()).await?;
        let rules = store
            .rule_sets()
            .await?
            .into_iter()
            .map(|r| (r.id().to_owned(), r))
            .collect();
        let units = store
            .units()
            .await?
            .into_iter()
            .map(|u| (u.id.clone(), u))
            .collect();
        let routing = match store.meta(ROUTING_RULES_KEY).await? {
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| anyhow::anyhow!("stored routing rules do not parse: {e}"))?,
            None => duban_dispatch::default_rules(),
        };
        let plans = match store.meta(PLANS_KEY).await? {
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| anyhow::anyhow!("stored emergency plans do not parse: {e}"))?,
            None => duban_emergency::default_plans(),
        };
        // Cases stored before repeat detection get their fingerprints once.
        let filled = store.backfill_repeat_columns(1000).await?;
        if filled > 0 {
            tracing::info!(cases = filled, "repeat fingerprints filled in");
        }
        // Cases stored before the board (or under an older layout) are counted once.
        if let Some(counted) = store.rebuild_board(false).await? {
            tracing::info!(cases = counted, "map board counted");
        }
        // Nothing runs yet: a claim still open was cut off by a stop, and if its write
        // never committed, its request may be sent again. (One server per database.)
        let keep_from = now() - chrono::TimeDelta::days(idempotency::KEEP_DAYS);
        store
            .purge_idempotency(keep_from.timestamp_millis(), true)
            .await?;
        Ok(AppState {
            store,
            rules: Arc::new(RwLock::new(rules)),
            units: Arc::new(RwLock::new(units)),
            now,
            throttle: Arc::new(crate::auth::Throttle::per_username()),
            address_throttle: Arc::new(crate::auth::Throttle::per_address()),
            routing: Arc::new(RwLock::new(routing)),
            plans: Arc::new(RwLock::new(plans)),
            in_flight: Arc::default(),
            draining: Arc::default(),
            rate_limit: None,
        })
    }

    /// Create an account. The username is 2-32 letters, digits, `.`, `_` or `-`; the
    /// password at least 4 characters (`demo` is the demo password); a unit, if given,
    /// must exist, and a handler needs one.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_user(
        &self,
        username: &str,
        display_name: &str,
        role: crate::auth::Role,
        unit_id: Option<&str>,
        password: &str,
        by: &Who,
        reason: &str,
    ) -> Result<crate::store::UserRecord, UserError> {
        let username = username.trim();
        let ok = (2..=32).contains(&username.len())
            && username
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if !ok {
            return Err(UserError::invalid("username", "username.invalid"));
        }
        check_password(password)?;
        let unit_id = unit_id.map(str::trim).filter(|u| !u.is_empty());
        if let Some(u) = unit_id
            && !self.unit_exists(u)
        {
            return Err(UserError::invalid("unit_id", "unit.unknown"));
        }
        if role == crate::auth::Role::Handler && unit_id.is_none() {
            return Err(UserError::invalid("unit_id", "unit.required"));
        }
        let display_name = display_name.trim();
        if display_name.chars().count() > 50 {
            return Err(UserError::invalid("display_name", "display_name.too_long"));
        }
        let hash = crate::auth::hash_password(password)
            .map_err(|_| UserError::invalid("password", "password.invalid"))?;
        let user = crate::store::UserRecord {
            id: uuid::Uuid::now_v7().to_string(),
            username: username.to_owned(),
            display_name: if display_name.is_empty() {
                username.to_owned()
            } else {
                display_name.to_owned()
            },
            role: role.code().to_owned(),
            unit_id: unit_id.map(str::to_owned),
            password_hash: hash,
            disabled: false,
        };
        let now = self.now();
        let audit = by.entry(
            now,
            "user.create",
            None,
            &user.username,
            reason,
            serde_json::json!({ "role": user.role, "unit_id": user.unit_id }),
        );
        self.store
            .insert_user(&user, now.timestamp_millis(), &audit)
            .await
            .map_err(|e| match e {
                crate::store::StoreError::Duplicate(_) => {
                    UserError::invalid("username", "username.taken")
                }
                e => UserError::Store(e),
            })?;
        Ok(user)
    }

    /// Change an account as an administrator asked, recording why. Nobody can disable
    /// themselves or take away their own administrator role.
    pub async fn update_user(
        &self,
        id: &str,
        patch: &duban_api::UserPatch,
        by: &Actor,
    ) -> Result<crate::store::UserRecord, UserError> {
        let reason = patch.reason.trim();
        if reason.is_empty() {
            return Err(UserError::invalid("reason", "reason.required"));
        }
        let Some(mut user) = self.store.user_by_id(id).await.map_err(UserError::Store)? else {
            return Err(UserError::invalid("id", "user.not_found"));
        };
        let mut changed = serde_json::Map::new();
        if let Some(name) = &patch.display_name {
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 50 {
                return Err(UserError::invalid("display_name", "display_name.invalid"));
            }
            changed.insert("display_name".into(), name.into());
            user.display_name = name.to_owned();
        }
        if let Some(role) = &patch.role {
            let role =
                crate::auth::Role::parse(role).ok_or(UserError::invalid("role", "role.unknown"))?;
            changed.insert("role".into(), role.code().into());
            user.role = role.code().to_owned();
        }
        if let Some(unit) = &patch.unit_id {
            let unit = unit.trim();
            if !unit.is_empty() && !self.unit_exists(unit) {
                return Err(UserError::invalid("unit_id", "unit.unknown"));
            }
            changed.insert("unit_id".into(), unit.into());
            user.unit_id = (!unit.is_empty()).then(|| unit.to_owned());
        }
        if user.role == crate::auth::Role::Handler.code() && user.unit_id.is_none() {
            return Err(UserError::invalid("unit_id", "unit.required"));
        }
        if let Some(disabled) = patch.disabled {
            changed.insert("disabled".into(), disabled.into());
            user.disabled = disabled;
        }
        let mut end_sessions = user.disabled;
        if let Some(pw) = &patch.password {
            check_password(pw)?;
            user.password_hash = crate::auth::hash_password(pw)
                .map_err(|_| UserError::invalid("password", "password.invalid"))?;
            // Only the fact of a reset is recorded, never the password.
            changed.insert("password".into(), "reset".into());
            end_sessions = true;
        }
        if user.id == by.user.id && (user.disabled || user.role != crate::auth::Role::Admin.code())
        {
            return Err(UserError::invalid("id", "user.self_lockout"));
        }
        let audit = by.who.entry(
            self.now(),
            "user.update",
            None,
            &user.username,
            reason,
            serde_json::Value::Object(changed),
        );
        self.store
            .update_user(&user, end_sessions, &audit)
            .await
            .map_err(UserError::Store)?;
        Ok(user)
    }

    /// Add a unit to the tree (`id` given) or change one (`existing`), recording why.
    pub async fn save_unit(
        &self,
        existing: Option<&str>,
        d: &duban_api::UnitDraft,
        by: &Who,
    ) -> Result<UnitView, UserError> {
        let reason = d.reason.trim();
        if reason.is_empty() {
            return Err(UserError::invalid("reason", "reason.required"));
        }
        let id = existing.unwrap_or(d.id.trim()).to_owned();
        let id_ok = (2..=40).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if existing.is_none() && !id_ok {
            return Err(UserError::invalid("id", "unit.id_invalid"));
        }
        if existing.is_some() && !self.unit_exists(&id) {
            return Err(UserError::invalid("id", "unit.not_found"));
        }
        let name = d.name.trim();
        if name.chars().count() < 2 || name.chars().count() > 60 {
            return Err(UserError::invalid("name", "unit.name_invalid"));
        }
        if !duban_api::UNIT_KINDS.contains(&d.kind.trim()) {
            return Err(UserError::invalid("kind", "unit.kind_unknown"));
        }
        let parent = d.parent.as_deref().map(str::trim).filter(|p| !p.is_empty());
        if let Some(p) = parent {
            if !self.unit_exists(p) {
                return Err(UserError::invalid("parent", "unit.parent_unknown"));
            }
            // A unit cannot sit below itself or its own descendants.
            if existing.is_some() && self.subtree(&id).iter().any(|u| u == p) {
                return Err(UserError::invalid("parent", "unit.parent_cycle"));
            }
        }
        let division = match d
            .division
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            Some(v) => Some(
                v.parse::<DivisionCode>()
                    .map_err(|_| UserError::invalid("division", "division.unknown"))?
                    .as_str(),
            ),
            None => None,
        };
        let unit = UnitView {
            id: id.clone(),
            name: name.to_owned(),
            kind: d.kind.trim().to_owned(),
            parent: parent.map(str::to_owned),
            division,
        };
        let before = self.units.read().ok().and_then(|m| m.get(&id).cloned());
        let audit = by.entry(
            self.now(),
            if existing.is_some() {
                "unit.update"
            } else {
                "unit.create"
            },
            None,
            &id,
            reason,
            serde_json::json!({ "before": before, "after": unit }),
        );
        let stored = if existing.is_some() {
            self.store.update_unit(&unit, &audit).await
        } else {
            self.store.insert_unit(&unit, &audit).await
        };
        stored.map_err(|e| match e {
            crate::store::StoreError::Duplicate(_) => UserError::invalid("id", "unit.id_taken"),
            crate::store::StoreError::NotFound(_) => UserError::invalid("id", "unit.not_found"),
            e => UserError::Store(e),
        })?;
        if let Ok(mut units) = self.units.write() {
            units.insert(id, unit.clone());
        }
        Ok(unit)
    }

    /// Limit each client address to `per_second` requests a second, `burst` at once
    /// (0: no limit).
    pub fn with_rate_limit(mut self, per_second: u32, burst: u32) -> AppState {
        self.rate_limit = limit::RateLimit::new(per_second, burst).map(Arc::new);
        self
    }

    /// The server is shutting down: `/readyz` answers 503 from now on.
    pub fn drain(&self) {
        self.draining
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The current instant, to the millisecond (what storage keeps).
    pub fn now(&self) -> DateTime<Utc> {
        let now = (self.now)();
        DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now)
    }

    pub fn rule_set(&self, id: &str) -> Option<RuleSet> {
        let map = self.rules.read().ok()?;
        map.get(id).cloned()
    }

    fn unit_name(&self, id: &str) -> Option<String> {
        self.units.read().ok()?.get(id).map(|u| u.name.clone())
    }

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

    /// The units as routing sees them.
    fn dispatch_units(&self) -> Vec<duban_dispatch::Unit> {
        self.units
            .read()
            .map(|m| {
                m.values()
                    .map(|u| {
                        duban_dispatch::Unit::new(&u.id, &u.name, &u.kind, u.division.as_deref())
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn routing_rules(&self) -> duban_dispatch::RoutingRules {
        self.routing
            .read()
            .map(|r| r.clone())
            .unwrap_or_else(|_| duban_dispatch::default_rules())
    }

    /// What the routing rules propose for a case.
    pub fn route(&self, case: &Case) -> duban_dispatch::Routing {
        let units = self.dispatch_units();
        let rules = self.routing_rules();
        duban_dispatch::route(&duban_dispatch::Facts::of(case), &rules, &units)
    }

    /// Replace the routing rules (checked against the unit tree), recording why.
    pub async fn set_routing_rules(
        &self,
        rules: Vec<duban_dispatch::Rule>,
        reason: &str,
        by: &Who,
    ) -> Result<duban_dispatch::RoutingRules, Vec<(String, String, String)>> {
        let lang = Lang::Zh;
        if reason.trim().is_empty() {
            return Err(vec![(
                "reason".into(),
                "reason.required".into(),
                UserError::message("reason.required", lang).into(),
            )]);
        }
        let units = self.dispatch_units();
        let parsed = duban_dispatch::RoutingRules::parse(rules, Some(&units)).map_err(|errs| {
            errs.iter()
                .map(|e| (e.field(), e.code().to_owned(), e.message(lang)))
                .collect::<Vec<_>>()
        })?;
        let before = self.routing_rules();
        let body = serde_json::to_string(&parsed).unwrap_or_default();
        let audit = by.entry(
            self.now(),
            "routing.update",
            None,
            "routing_rules",
            reason,
            serde_json::json!({ "before": before.rules().len(), "after": parsed.rules().len() }),
        );
        self.store
            .set_config(ROUTING_RULES_KEY, &body, &audit)
            .await
            .map_err(|e| vec![("".into(), "storage.unavailable".into(), e.to_string())])?;
        if let Ok(mut r) = self.routing.write() {
            *r = parsed.clone();
        }
        Ok(parsed)
    }

    /// The routing rules behind a dispatch a person chose: those whose proposal is
    /// among the chosen units (so that returns can be charged to the rule).
    fn attribute(&self, case: &Case, cmd: &Command) -> Command {
        let Command::Dispatch {
            lead_unit,
            co_units,
            note,
            ..
        } = cmd
        else {
            return cmd.clone();
        };
        let routing = self.route(case);
        let chosen: Vec<&duban_dispatch::Proposal> = routing
            .lead
            .iter()
            .filter(|p| p.unit == lead_unit.trim())
            .chain(
                routing
                    .notify
                    .iter()
                    .filter(|p| co_units.iter().any(|u| u.trim() == p.unit)),
            )
            .collect();
        Command::Dispatch {
            lead_unit: lead_unit.clone(),
            co_units: co_units.clone(),
            note: note.clone(),
            routed_by: chosen.iter().map(|p| p.rule.clone()).collect(),
            why: chosen.iter().map(|p| p.reason()).collect(),
        }
    }

    /// Counters a change bumps: dispatches and misrouting returns per routing rule.
    fn routing_counters(before: &Case, events: &[lifecycle::Event]) -> Vec<String> {
        let mut out = Vec::new();
        for e in events {
            match &e.kind {
                lifecycle::EventKind::Dispatched { routed_by, .. } => {
                    out.extend(routed_by.iter().map(|r| format!("route:{r}:dispatched")));
                }
                lifecycle::EventKind::Returned { .. } => {
                    out.extend(
                        before
                            .routed_by()
                            .iter()
                            .map(|r| format!("route:{r}:returned")),
                    );
                }
                _ => {}
            }
        }
        out
    }

    /// Dispatch every case of a selection still waiting for it as the routing rules
    /// propose, in one transaction; cases without a proposal are reported, not touched.
    pub async fn dispatch_selection(
        &self,
        cases: Vec<Case>,
        note: &str,
        by: &Who,
        lang: Lang,
    ) -> Result<duban_api::BatchDispatchResult, ActError> {
        let at = self.now();
        let mut result = duban_api::BatchDispatchResult::default();
        // The rules and the unit directory once for the whole selection.
        let (routing_rules, units) = (self.routing_rules(), self.dispatch_units());
        let mut decided: Vec<Decided> = Vec::new();
        for case in cases {
            let skip = |code: &str, message: String| duban_api::SkippedCase {
                id: case.id().to_string(),
                reference: case.reference().to_string(),
                code: code.to_owned(),
                message,
            };
            if !matches!(case.status(), Status::Received | Status::Returned) || case.is_paused() {
                result.skipped.push(skip(
                    "transition.not_allowed",
                    match lang {
                        Lang::Zh => format!("案件当前为“{}”，不能交办", case.status().label(lang)),
                        Lang::En => format!(
                            "The case is {}; it cannot be dispatched",
                            case.status().label(lang)
                        ),
                    },
                ));
                continue;
            }
            let routing =
                duban_dispatch::route(&duban_dispatch::Facts::of(&case), &routing_rules, &units);
            let Some(cmd) = routing.dispatch_command(note) else {
                result.skipped.push(skip(
                    "routing.no_lead",
                    match lang {
                        Lang::Zh => "没有规则能确定牵头单位，请逐件交办".into(),
                        Lang::En => "No rule names a lead unit; dispatch it by hand".into(),
                    },
                ));
                continue;
            };
            let rules = self.rule_set(case.rule_set()).ok_or_else(|| {
                ActError::Store(crate::store::StoreError::Corrupt("rule set missing".into()))
            })?;
            let ctx = Ctx {
                now: at,
                actor: &by.username,
                rules: &rules,
                calendar: Calendar::official(),
            };
            let events = match lifecycle::decide(&case, &cmd, &ctx) {
                Ok(ev) => ev,
                Err(errs) => {
                    let first = errs.iter().next().map(|e| (e.code(), e.message(lang)));
                    let (code, message) = first.unwrap_or_default();
                    result.skipped.push(skip(&code, message));
                    continue;
                }
            };
            let expected = case.version();
            let counters = Self::routing_counters(&case, &events);
            let next = events.iter().fold(case, lifecycle::apply);
            let audit = by.entry(
                at,
                "case.dispatch",
                Some(next.id().to_string()),
                &next.reference().to_string(),
                note,
                serde_json::json!({ "from": "received", "to": "dispatched", "version": next.version(), "batch": true, "rules": routing.rule_ids() }),
            );
            let lead = routing
                .lead
                .as_ref()
                .map(|p| (p.unit.clone(), p.name.clone()))
                .unwrap_or_default();
            result.dispatched.push(duban_api::DispatchedCase {
                id: next.id().to_string(),
                reference: next.reference().to_string(),
                lead_unit: lead.0,
                lead_unit_name: lead.1,
                co_units: next.co_units().iter().map(|u| u.to_string()).collect(),
                why: next
                    .routed_why()
                    .iter()
                    .map(|r| r.text(lang).to_owned())
                    .collect(),
            });
            decided.push((expected, next, events, audit, counters));
        }
        let changes: Vec<crate::store::Change<'_>> = decided
            .iter()
            .map(
                |(expected, case, events, audit, counters)| crate::store::Change {
                    expected: *expected,
                    case,
                    events,
                    audit,
                    counters,
                },
            )
            .collect();
        if !changes.is_empty() {
            self.store
                .update_cases(&changes)
                .await
                .map_err(ActError::Store)?;
        }
        for (_, case, ..) in &decided {
            self.assign_proposed_supervisor(case, by).await;
        }
        Ok(result)
    }

    /// Fire every escalation step that is due at `now`, case by case, each in its own
    /// transaction with a version check: steps fire once even when two sweepers race,
    /// and a sweep after downtime catches up on everything passed meanwhile.
    pub async fn sweep(&self, now: DateTime<Utc>) -> Result<SweepReport, crate::store::StoreError> {
        let cal = Calendar::official();
        let system = Who::system();
        let mut report = SweepReport::default();
        loop {
            let due = self
                .store
                .due_escalations(now.timestamp_millis(), 500)
                .await?;
            if due.is_empty() {
                break;
            }
            // Decided first, then stored together: each case is its own writer job (a
            // conflict skips only that case), and the jobs share group commits instead
            // of waiting for one commit each.
            let decided: Vec<(u64, Case, Vec<lifecycle::Event>, duban_api::AuditEntry)> = due
                .into_iter()
                .map(|case| {
                    let events = lifecycle::escalate(&case, now, cal, &system.username);
                    let expected = case.version();
                    let steps: Vec<String> = events
                        .iter()
                        .filter_map(|e| match &e.kind {
                            lifecycle::EventKind::Escalated { stage, step, .. } => {
                                Some(format!("{}:{}", stage.code(), step.code()))
                            }
                            _ => None,
                        })
                        .collect();
                    // A due row with nothing to fire only needs its next instant rewritten.
                    let next = events.iter().fold(case, lifecycle::apply);
                    let audit = system.entry(
                        now,
                        "case.escalate",
                        Some(next.id().to_string()),
                        &next.reference().to_string(),
                        "",
                        serde_json::json!({ "steps": steps }),
                    );
                    (expected, next, events, audit)
                })
                .collect();
            let outcomes = futures_util::future::join_all(decided.iter().map(
                |(expected, next, events, audit)| {
                    let change = crate::store::Change {
                        expected: *expected,
                        case: next,
                        events,
                        audit,
                        counters: &[],
                    };
                    async move { self.store.update_cases(&[change]).await }
                },
            ))
            .await;
            let mut progressed = false;
            for ((_, _, events, _), outcome) in decided.iter().zip(outcomes) {
                match outcome {
                    Ok(()) => {
                        progressed = true;
                        report.cases += u64::from(!events.is_empty());
                        report.steps += events.len() as u64;
                    }
                    // Someone changed the case meanwhile; the next sweep sees it fresh.
                    Err(crate::store::StoreError::Conflict { .. }) => report.conflicts += 1,
                    Err(e) => return Err(e),
                }
            }
            if !progressed {
                break;
            }
        }
        loop {
            let due = self
                .store
                .due_aggregates(now.timestamp_millis(), 500)
                .await?;
            if due.is_empty() {
                break;
            }
            let mut progressed = false;
            for row in due {
                match self.sweep_aggregate(&row, now, &system).await {
                    Ok(steps) => {
                        progressed = true;
                        report.mechanisms += u64::from(steps > 0);
                        report.steps += steps;
                    }
                    Err(crate::store::StoreError::Conflict { .. }) => report.conflicts += 1,
                    Err(e) => return Err(e),
                }
            }
            if !progressed {
                break;
            }
        }
        Ok(report)
    }

    /// Fire the ladder steps a mechanism's clocks have reached, with one audit entry,
    /// or just reschedule it when none is due. Returns the steps fired.
    async fn sweep_aggregate(
        &self,
        row: &crate::store::DueAggregate,
        now: DateTime<Utc>,
        system: &Who,
    ) -> Result<u64, crate::store::StoreError> {
        let cal = Calendar::official();
        let actor = system.username.as_str();
        let (stored, state, access, case_id, title) = match row.kind.as_str() {
            SUPERVISION => {
                let st: duban_supervision::Supervision = serde_json::from_str(&row.state)?;
                let events = duban_supervision::due_steps(&st, now, cal, actor);
                let stored = stored_events(&events, |e| (e.at, e.actor.as_str(), e.kind.code()))?;
                let next = events.iter().fold(st, duban_supervision::apply);
                let title = next
                    .orders()
                    .iter()
                    .filter(|o| !o.fired.is_empty())
                    .map(|o| o.number.as_str())
                    .collect::<Vec<_>>()
                    .join("、");
                (
                    stored,
                    serde_json::to_string(&next)?,
                    supervision_access(&next),
                    Some(next.case_id().to_owned()),
                    title,
                )
            }
            REFERRAL => {
                let r: duban_referral::Referral = serde_json::from_str(&row.state)?;
                let events = duban_referral::due_steps(&r, now, cal, actor);
                let stored = stored_events(&events, |e| (e.at, e.actor.as_str(), e.kind.code()))?;
                let next = events.iter().fold(r, duban_referral::apply);
                (
                    stored,
                    serde_json::to_string(&next)?,
                    referral_access(&next),
                    next.case_id().map(str::to_owned),
                    next.subject().to_owned(),
                )
            }
            INCIDENT => {
                let i: duban_emergency::Incident = serde_json::from_str(&row.state)?;
                let events = duban_emergency::due_steps(&i, now, cal, actor);
                let stored = stored_events(&events, |e| (e.at, e.actor.as_str(), e.kind.code()))?;
                let id = i.id().to_owned();
                let next = events
                    .iter()
                    .try_fold(i, |i, e| duban_emergency::apply(Some(i), &id, e))
                    .ok_or(crate::store::StoreError::Conflict {
                        current: row.version,
                    })?;
                (
                    stored,
                    serde_json::to_string(&next)?,
                    incident_access(&next),
                    next.case_id().map(str::to_owned),
                    next.title().to_owned(),
                )
            }
            // A kind this build does not know: leave it alone rather than loop on it.
            _ => {
                self.store
                    .reschedule_aggregate(&row.kind, &row.key, row.version, None)
                    .await?;
                return Ok(0);
            }
        };
        if stored.is_empty() {
            self.store
                .reschedule_aggregate(&row.kind, &row.key, row.version, access.next_step_at)
                .await?;
            return Ok(0);
        }
        let audit = system.entry(
            now,
            &format!("{}.step_fired", row.kind),
            case_id.clone(),
            &title,
            "",
            serde_json::json!({ "key": row.key, "steps": stored.len() }),
        );
        self.store
            .save_aggregate(
                &row.kind,
                &row.key,
                case_id.as_deref(),
                row.version,
                &state,
                &stored,
                &audit,
                &access,
            )
            .await?;
        Ok(stored.len() as u64)
    }

    /// A unit and every unit below it.
    pub fn subtree(&self, root: &str) -> Vec<String> {
        let Ok(units) = self.units.read() else {
            return vec![];
        };
        if !units.contains_key(root) {
            return vec![];
        }
        let mut out = vec![root.to_owned()];
        let mut i = 0;
        while i < out.len() {
            let parent = out[i].clone();
            out.extend(
                units
                    .values()
                    .filter(|u| u.parent.as_deref() == Some(parent.as_str()))
                    .map(|u| u.id.clone()),
            );
            i += 1;
        }
        out
    }

    fn unit_exists(&self, id: &str) -> bool {
        self.units.read().is_ok_and(|m| m.contains_key(id))
    }

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
    fn counter_of(new: &NewCase) -> (String, i32) {
        let year = chrono::Datelike::year(&(new.received_at() + chrono::TimeDelta::hours(8)));
        match new.batch() {
            Some(b) => (format!("{year}-B{:02}", b.number()), year),
            None => (format!("{year}-{}", new.channel().letter()), year),
        }
    }

    /// How many serials each counter must give these cases.
    fn serials_wanted(
        news: &[(NewCase, Option<(String, String)>)],
    ) -> std::collections::BTreeMap<String, i64> {
        let mut wanted = std::collections::BTreeMap::new();
        for (new, _) in news {
            *wanted.entry(Self::counter_of(new).0).or_default() += 1;
        }
        wanted
    }

    /// The new cases, numbered from the first serial reserved for each counter.
    fn build_cases(
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

fn check_password(pw: &str) -> Result<(), UserError> {
    if pw.chars().count() < 4 {
        return Err(UserError::invalid("password", "password.too_short"));
    }
    if pw.len() > 256 {
        return Err(UserError::invalid("password", "password.too_long"));
    }
    Ok(())
}

/// A refused account or unit change.
#[derive(Debug)]
pub enum UserError {
    Invalid {
        field: &'static str,
        code: &'static str,
    },
    Store(crate::store::StoreError),
}

impl UserError {
    fn invalid(field: &'static str, code: &'static str) -> UserError {
        UserError::Invalid { field, code }
    }
    /// The message for a person, by code.
    pub fn message(code: &str, lang: Lang) -> &'static str {
        let (zh, en) = match code {
            "username.invalid" => (
                "用户名应为2-32位字母、数字或 . _ -",
                "A username is 2-32 letters, digits, '.', '_' or '-'",
            ),
            "username.taken" => ("该用户名已被使用", "This username is taken"),
            "password.too_short" => ("密码至少4个字符", "A password has at least 4 characters"),
            "password.too_long" => ("密码过长", "The password is too long"),
            "password.invalid" => ("无法设置该密码", "This password cannot be set"),
            "role.unknown" => ("未知角色", "Unknown role"),
            "unit.unknown" => ("单位不存在", "The unit does not exist"),
            "unit.required" => ("承办人必须属于一个单位", "A handler belongs to a unit"),
            "display_name.too_long" | "display_name.invalid" => {
                ("姓名应为1-50个字符", "A display name has 1-50 characters")
            }
            "reason.required" => ("请填写变更原因", "Give a reason for the change"),
            "user.not_found" => ("账号不存在", "No such account"),
            "user.self_lockout" => (
                "不能停用自己或取消自己的管理员角色",
                "You cannot disable yourself or drop your own administrator role",
            ),
            "unit.id_invalid" => (
                "单位代码应为2-40位小写字母、数字或 -",
                "A unit id is 2-40 lower-case letters, digits or '-'",
            ),
            "unit.id_taken" => ("该单位代码已存在", "This unit id is taken"),
            "unit.not_found" => ("单位不存在", "No such unit"),
            "unit.name_invalid" => ("单位名称应为2-60个字符", "A unit name has 2-60 characters"),
            "unit.kind_unknown" => ("未知单位类型", "Unknown unit kind"),
            "unit.parent_unknown" => ("上级单位不存在", "The parent unit does not exist"),
            "unit.parent_cycle" => (
                "上级单位不能是本单位或其下级",
                "A unit cannot sit below itself or its own sub-units",
            ),
            "division.unknown" => ("不是江苏省的行政区划代码", "Not a Jiangsu division code"),
            _ => ("无效", "Invalid"),
        };
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
    fn into_failure(self, lang: Lang) -> ApiFailure {
        match self {
            UserError::Invalid { field, code } if code.ends_with("not_found") => {
                ApiFailure::NotFound(ErrorBody::single(field, code, Self::message(code, lang)))
            }
            UserError::Invalid { field, code } => {
                ApiFailure::bad_field(field, code, Self::message(code, lang))
            }
            UserError::Store(e) => e.into(),
        }
    }
}

/// Who does something, for the audit trail: the account and where the request came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Who {
    pub username: String,
    pub role: String,
    pub ip: String,
    pub user_agent: String,
}

impl Who {
    /// The server itself (bootstrap, demo data, the command line).
    pub fn system() -> Who {
        Who {
            username: "system".into(),
            role: "system".into(),
            ip: String::new(),
            user_agent: String::new(),
        }
    }
    pub fn entry(
        &self,
        at: DateTime<Utc>,
        action: &str,
        case_id: Option<String>,
        target: &str,
        reason: &str,
        detail: serde_json::Value,
    ) -> duban_api::AuditEntry {
        duban_api::AuditEntry {
            at,
            actor: self.username.clone(),
            role: self.role.clone(),
            ip: self.ip.clone(),
            user_agent: self.user_agent.clone(),
            action: action.to_owned(),
            case_id,
            target: target.chars().take(200).collect(),
            reason: reason.trim().chars().take(500).collect(),
            detail,
        }
    }
}

/// [`origin`] as an extractor, for routes without a signed-in actor (sign-in).
pub struct Origin(pub String, pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Origin {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        let (ip, ua) = origin(parts);
        Ok(Origin(ip, ua))
    }
}

/// Where a request came from: the peer address (or, from a proxy on this machine, the
/// first `X-Forwarded-For` entry) and the user agent.
pub fn origin(parts: &axum::http::request::Parts) -> (String, String) {
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    let forwarded = parts
        .headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        // The entry the proxy in front of us appended; those before it are the
        // client's own word, and a client could rotate them past the sign-in limits.
        .and_then(|v| v.split(',').next_back())
        .map(|v| v.trim().to_owned())
        .filter(|v| v.parse::<std::net::IpAddr>().is_ok());
    let ip = match (peer, forwarded) {
        (Some(p), Some(f)) if p.is_loopback() => f,
        (Some(p), _) => p.to_string(),
        (None, _) => String::new(),
    };
    let ua = parts
        .headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .chars()
        .take(200)
        .collect();
    (ip, ua)
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

/// The signed-in user behind a request. Every API route but sign-in, health, the
/// calendar and the OpenAPI document needs one; state-changing requests must also send
/// the session's CSRF token in `X-CSRF-Token`.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: crate::store::UserRecord,
    pub role: crate::auth::Role,
    /// For handlers: the units of their jurisdiction (their unit and all below it).
    pub jurisdiction: Option<Vec<String>>,
    /// The same person for the audit trail, with where the request came from.
    pub who: Who,
}

impl Actor {
    /// The units the person belongs to (not those a coordinator may speak for): what
    /// they enter for any other unit is marked as entered on its behalf (代录).
    pub fn home_units(&self) -> Vec<String> {
        match self.role {
            crate::auth::Role::Handler => self.jurisdiction.clone().unwrap_or_default(),
            _ => self.user.unit_id.clone().into_iter().collect(),
        }
    }

    /// Whether the role may run this kind of action at all.
    pub fn may(&self, action: lifecycle::ActionKind) -> bool {
        use crate::auth::Role;
        use lifecycle::ActionKind as A;
        match self.role {
            Role::Admin | Role::Coordinator => true,
            Role::Handler => matches!(
                action,
                A::SignFor | A::Return | A::StartHandling | A::Report | A::RequestExtension
            ),
            Role::Supervisor | Role::Leader => false,
        }
    }
    pub fn may_create(&self) -> bool {
        matches!(
            self.role,
            crate::auth::Role::Admin | crate::auth::Role::Coordinator
        )
    }
    /// Whether the role may read the complainant's name, phone and ID number (each
    /// read is recorded); supervisors and leaders only ever see them masked.
    pub fn may_read_personal_data(&self) -> bool {
        use crate::auth::Role;
        matches!(self.role, Role::Admin | Role::Coordinator | Role::Handler)
    }
    /// Refuse unless the actor has one of `roles`.
    pub fn require(&self, roles: &[crate::auth::Role], lang: Lang) -> Result<(), ApiFailure> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiFailure::Forbidden(forbidden(lang)))
        }
    }
    /// Whether the case lies in the actor's jurisdiction.
    pub fn can_see(&self, case: &Case) -> bool {
        match &self.jurisdiction {
            None => true,
            Some(units) => case
                .lead_unit()
                .into_iter()
                .chain(case.co_units())
                .any(|u| units.iter().any(|j| j == u.as_str())),
        }
    }
}

impl axum::extract::FromRequestParts<AppState> for Actor {
    type Rejection = ApiFailure;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        s: &AppState,
    ) -> Result<Self, ApiFailure> {
        let lang = match ReqLang::from_request_parts(parts, s).await {
            Ok(ReqLang(l)) => l,
            Err(never) => match never {},
        };
        let Some((user, csrf, _)) = session_of(s, &parts.headers).await? else {
            return Err(ApiFailure::Unauthorized(auth_error("auth.required", lang)));
        };
        let safe = matches!(
            parts.method,
            axum::http::Method::GET | axum::http::Method::HEAD
        );
        let sent = parts
            .headers
            .get(crate::auth::CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !safe && (sent.is_empty() || sent != csrf) {
            return Err(ApiFailure::Forbidden(auth_error("csrf.invalid", lang)));
        }
        let role = crate::auth::Role::parse(&user.role)
            .ok_or_else(|| ApiFailure::Forbidden(forbidden(lang)))?;
        let jurisdiction = (role == crate::auth::Role::Handler)
            .then(|| s.subtree(user.unit_id.as_deref().unwrap_or("")));
        let (ip, user_agent) = origin(parts);
        let who = Who {
            username: user.username.clone(),
            role: role.code().to_owned(),
            ip,
            user_agent,
        };
        Ok(Actor {
            user,
            role,
            jurisdiction,
            who,
        })
    }
}

fn forbidden(lang: Lang) -> ErrorBody {
    let message = match lang {
        Lang::Zh => "当前角色无权执行此操作",
        Lang::En => "Your role may not do this",
    };
    ErrorBody::single("role", "role.forbidden", message)
}

/// The whole router: API, health, and the single-page app from `dist` (if given).
pub fn router(state: AppState, dist: Option<PathBuf>) -> Router {
    let api = Router::new()
        .route("/cases", get(list_cases).post(create_case))
        .route("/cases/{id}", get(get_case))
        .route("/cases/{id}/actions", post(act_on_case))
        .route("/cases/{id}/events", get(case_events))
        .route("/cases/{id}/complainant", get(case_complainant))
        .route("/cases/{id}/audit", get(case_audit))
        .route("/cases/export.csv", get(export_csv))
        .route("/cases/export.xlsx", get(export_xlsx))
        .route("/audit", get(audit_search))
        .route("/cases/{id}/routing", get(case_routing))
        .route("/routing/rules", get(routing_rules).put(put_routing_rules))
        .route("/dispatch", post(dispatch_batch))
        .route("/clearing", get(clearing))
        .route(
            "/cases/{id}/supervision",
            get(case_supervision).post(supervise),
        )
        .route(
            "/cases/{id}/attachments",
            get(case_attachments)
                .post(upload_attachment)
                .layer(DefaultBodyLimit::max(
                    duban_api::ATTACHMENT_MAX_BYTES + 1024,
                )),
        )
        .route("/attachments/{id}", get(download_attachment))
        .route("/cases/{id}/referrals", get(case_referrals).post(refer))
        .route(
            "/emergency/plans",
            get(emergency_plans).put(put_emergency_plans),
        )
        .route("/incidents", get(incidents).post(declare_incident))
        .route("/cases/{id}/incidents", post(declare_incident_from_case))
        .route("/incidents/{id}", get(get_incident).post(act_on_incident))
        .route("/inbox", get(inbox))
        .route("/admin/sweep", post(run_sweep))
        .route("/referrals", get(my_referrals))
        .route("/referrals/{id}", get(get_referral).post(act_on_referral))
        .route("/supervisors", get(supervisors))
        .route("/admin/users", get(admin_users).post(admin_create_user))
        .route("/admin/users/{id}", axum::routing::patch(admin_update_user))
        .route("/admin/units", post(admin_create_unit))
        .route("/admin/units/{id}", axum::routing::patch(admin_update_unit))
        .route("/calendar/{year}", get(calendar_year))
        .route("/units", get(units))
        .route("/sla/rule-sets", get(rule_sets))
        .route("/sla/rule-sets/{id}", axum::routing::put(put_rule_set))
        .route("/openapi.json", get(openapi))
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/me", get(me))
        .merge(connect::routes())
        .merge(import::routes())
        .merge(repeats::routes())
        .merge(board::routes())
        .route("/{*rest}", any(api_not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            idempotency::layer,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT));
    let app = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .nest("/api/v1", api)
        .nest(
            "/open311/v2",
            open311::routes()
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    idempotency::layer,
                ))
                .layer(DefaultBodyLimit::max(BODY_LIMIT)),
        )
        .route("/api", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found));
    let app = match dist {
        Some(dist) => {
            let index = dist.join("index.html");
            app.fallback_service(
                // The release build writes `.br` and `.gz` beside each file.
                ServeDir::new(dist)
                    .precompressed_br()
                    .precompressed_gzip()
                    .fallback(
                        ServeFile::new(index)
                            .precompressed_br()
                            .precompressed_gzip(),
                    ),
            )
        }
        None => app,
    };
    // Over its rate, a client is answered before any other work (inside the request id
    // and the log, so a refusal is logged with its id).
    let app = app.layer(axum::middleware::from_fn_with_state(
        state.clone(),
        limit::layer,
    ));
    // Every request gets an `x-request-id` (a client's own is kept), carried by its log
    // lines and sent back with the answer. The span names the path, never the query
    // string, which may hold a search for a name or a phone number.
    app.with_state(state)
        // Inside the trace layer, so that a panic's 500 is logged with its request id.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            crate::error::panic_answer,
        ))
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                // One line per answer (status, latency) at the default level.
                .on_response(
                    tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO),
                )
                .make_span_with(|req: &axum::http::Request<axum::body::Body>| {
                    let id = req
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default();
                    tracing::info_span!(
                        "request",
                        method = %req.method(),
                        path = %req.uri().path(),
                        request_id = %id,
                    )
                }),
        )
        .layer(tower_http::request_id::PropagateRequestIdLayer::new(
            axum::http::HeaderName::from_static(REQUEST_ID),
        ))
        .layer(tower_http::request_id::SetRequestIdLayer::new(
            axum::http::HeaderName::from_static(REQUEST_ID),
            tower_http::request_id::MakeRequestUuid,
        ))
        // Outermost: every answer, a refusal or a panic's 500 included.
        .layer(axum::middleware::from_fn(headers::layer))
}

/// Whether to send requests here: the database answers and the server is not
/// shutting down (`/healthz` says whether the process is alive and its database up).
async fn readyz(State(s): State<AppState>) -> Response {
    let db_up = s.store.ping().await.is_ok();
    let status = match (s.is_draining(), db_up) {
        (true, _) => "draining",
        (false, false) => "degraded",
        (false, true) => "ready",
    };
    health_answer(&s, status, status == "ready", false)
}

async fn healthz(State(s): State<AppState>) -> Response {
    let db_up = s.store.ping().await.is_ok();
    let demo = matches!(s.store.meta("demo_loaded").await, Ok(Some(_)));
    health_answer(&s, if db_up { "ok" } else { "degraded" }, db_up, demo)
}

/// The answer of `/healthz` and `/readyz`: 200 when `up`, else 503.
fn health_answer(s: &AppState, status: &str, up: bool, demo: bool) -> Response {
    let body = Health {
        demo,
        status: status.into(),
        database: s.store.kind().into(),
        version: env!("CARGO_PKG_VERSION").into(),
    };
    let code = if up {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, axum::Json(body)).into_response()
}

async fn method_not_allowed(ReqLang(lang): ReqLang) -> ApiFailure {
    let message = match lang {
        Lang::Zh => "不支持该请求方法",
        Lang::En => "Method not allowed",
    };
    ApiFailure::MethodNotAllowed(ErrorBody::single("method", "method.not_allowed", message))
}

async fn api_not_found(ReqLang(lang): ReqLang) -> ApiFailure {
    ApiFailure::not_found("path", "route.not_found", lang)
}

async fn create_case(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiJson(draft): ApiJson<CaseDraft>,
) -> Result<(StatusCode, axum::Json<CaseView>), ApiFailure> {
    if !actor.may_create() {
        return Err(ApiFailure::Forbidden(forbidden(lang)));
    }
    match s.create_case(&draft, &actor.who).await {
        Ok(case) => Ok((StatusCode::CREATED, axum::Json(s.view(case, &actor)))),
        Err(CreateError::Invalid(e)) => Err(ApiFailure::invalid(&e, lang)),
        Err(CreateError::Store(e)) => Err(e.into()),
    }
}

fn parse_id(id: &str, lang: Lang) -> Result<CaseId, ApiFailure> {
    id.parse()
        .map_err(|_| ApiFailure::not_found("id", "case.not_found", lang))
}

/// A case the actor may see; one outside the jurisdiction is "not found" so that its
/// existence does not leak.
async fn load(s: &AppState, id: &str, lang: Lang, actor: &Actor) -> Result<Case, ApiFailure> {
    let id = parse_id(id, lang)?;
    let not_found = || ApiFailure::not_found("id", "case.not_found", lang);
    let case = s
        .store
        .get_case(&id.to_string())
        .await?
        .ok_or_else(not_found)?;
    if actor.can_see(&case) {
        return Ok(case);
    }
    // A department sees what was referred to it.
    let referred = s.store.referred_units(&id.to_string()).await?;
    let units = actor.jurisdiction.as_deref().unwrap_or_default();
    if units.iter().any(|u| referred.contains(&format!(",{u},"))) {
        Ok(case)
    } else {
        Err(not_found())
    }
}

async fn get_case(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<axum::Json<CaseView>, ApiFailure> {
    Ok(axum::Json(
        s.view(load(&s, &id, lang, &actor).await?, &actor),
    ))
}

async fn act_on_case(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<axum::Json<CaseView>, ApiFailure> {
    let case = load(&s, &id, lang, &actor).await?;
    // A merge changes the primary too (it becomes a 重复信访件 key case): the one merge.
    if body.get("action").and_then(|a| a.as_str()) == Some("merge") {
        let text = |k: &str| {
            body.get(k)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let merge = repeats::MergeBody {
            primary: text("primary"),
            reason: text("reason"),
        };
        return repeats::merge_into(&s, &actor, case, &merge, lang).await;
    }
    let cmd = parse_command(body, lang)?;
    if !actor.may(cmd.kind()) {
        return Err(ApiFailure::Forbidden(forbidden(lang)));
    }
    if let Some(expected) = headers.get(axum::http::header::IF_MATCH) {
        let expected = expected
            .to_str()
            .ok()
            .map(|v| v.trim().trim_matches('"'))
            .and_then(|v| v.parse::<u64>().ok());
        match expected {
            Some(v) if v == case.version() => {}
            Some(_) => return Err(conflict(&s, case, lang, &actor)),
            None => {
                return Err(ApiFailure::bad_field(
                    "if-match",
                    "version.invalid",
                    "If-Match must be a case version number",
                ));
            }
        }
    }
    let at = s.now();
    match s.act(case, &cmd, &actor.who, at).await {
        Ok(next) => Ok(axum::Json(s.view(next, &actor))),
        Err(ActError::Invalid(e)) => Err(ApiFailure::invalid(&e, lang)),
        Err(ActError::Store(crate::store::StoreError::Conflict { .. })) => {
            let current = load(&s, &id, lang, &actor).await?;
            Err(conflict(&s, current, lang, &actor))
        }
        Err(ActError::Store(e)) => Err(e.into()),
    }
}

fn conflict(s: &AppState, current: Case, lang: Lang, actor: &Actor) -> ApiFailure {
    let version = current.version();
    let message = match lang {
        Lang::Zh => format!("案件已被他人更新（当前版本 {version}），请查看最新内容后再操作"),
        Lang::En => {
            format!("The case changed meanwhile (now version {version}); review it and try again")
        }
    };
    ApiFailure::Conflict(
        ErrorBody::single("version", "version.conflict", message),
        serde_json::to_value(s.view(current, actor)).ok(),
    )
}

/// Commands arrive as JSON objects tagged by `action`; an unknown action gets its own code.
fn parse_command(body: serde_json::Value, lang: Lang) -> Result<Command, ApiFailure> {
    let action = body
        .get("action")
        .and_then(|a| a.as_str())
        .map(str::to_owned);
    let known = action
        .as_deref()
        .is_some_and(|a| lifecycle::ActionKind::ALL.iter().any(|k| k.code() == a));
    if !known {
        let (code, msg) = match (action, lang) {
            (None, Lang::Zh) => ("action.required", "请指定操作(action)".to_owned()),
            (None, Lang::En) => ("action.required", "Name the action".to_owned()),
            (Some(a), Lang::Zh) => ("action.unknown", format!("不支持的操作：{a}")),
            (Some(a), Lang::En) => ("action.unknown", format!("Unknown action: {a}")),
        };
        return Err(ApiFailure::bad_field("action", code, msg));
    }
    serde_json::from_value(body)
        .map_err(|e| ApiFailure::bad_field("body", "json.invalid", e.to_string()))
}

async fn case_events(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<duban_api::EventView>>, ApiFailure> {
    let case = load(&s, &id, lang, &actor).await?;
    let mut events = s.store.events(&case.id().to_string()).await?;
    let personal = actor.may_read_personal_data();
    for e in &mut events {
        e.event = if personal {
            e.event.clone().with_complainant_masked()
        } else {
            e.event.clone().redacted(case.complainant().name())
        };
    }
    Ok(axum::Json(events))
}

/// Query of `GET /api/v1/cases/{id}/complainant`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct PurposeQuery {
    purpose: String,
}

/// The complainant unmasked, for roles that need the person; every read is recorded.
async fn case_complainant(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PurposeQuery>,
) -> Result<Response, ApiFailure> {
    if !actor.may_read_personal_data() {
        return Err(ApiFailure::Forbidden(forbidden(lang)));
    }
    let case = load(&s, &id, lang, &actor).await?;
    let c = case.complainant();
    let fields: Vec<&str> = [
        c.name().map(|_| "name"),
        c.phone().map(|_| "phone"),
        c.id_number().map(|_| "id_number"),
    ]
    .into_iter()
    .flatten()
    .collect();
    s.store
        .record_audit(&actor.who.entry(
            s.now(),
            "personal_data.read",
            Some(case.id().to_string()),
            &case.reference().to_string(),
            &q.purpose,
            serde_json::json!({ "fields": fields }),
        ))
        .await?;
    let mut resp = axum::Json(c.clone()).into_response();
    // Personal data must not linger in shared caches or the browser's disk cache.
    resp.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    );
    Ok(resp)
}

/// The audit trail of one case (administrators and coordinators).
async fn case_audit(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<duban_api::AuditRecord>>, ApiFailure> {
    use crate::auth::Role;
    actor.require(&[Role::Admin, Role::Coordinator], lang)?;
    let case = load(&s, &id, lang, &actor).await?;
    let f = crate::store::AuditFilter {
        case_id: Some(case.id().to_string()),
        limit: 1000,
        ..Default::default()
    };
    Ok(axum::Json(s.store.audit(&f).await?.0))
}

/// The whole audit trail, searchable (administrators).
async fn audit_search(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiQuery(q): ApiQuery<duban_api::AuditQuery>,
) -> Result<axum::Json<Page<duban_api::AuditRecord>>, ApiFailure> {
    actor.require(&[crate::auth::Role::Admin], lang)?;
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

/// What the routing rules propose for one case, explained (administrators, coordinators).
async fn case_routing(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<axum::Json<duban_api::RoutingView>, ApiFailure> {
    use crate::auth::Role;
    actor.require(&[Role::Admin, Role::Coordinator], lang)?;
    let case = load(&s, &id, lang, &actor).await?;
    Ok(axum::Json(duban_api::RoutingView::of(
        &s.route(&case),
        lang,
    )))
}

/// The routing rules in force with how often each one's dispatches came back.
async fn routing_rules(
    State(s): State<AppState>,
    _actor: Actor,
) -> Result<axum::Json<duban_api::RoutingRulesView>, ApiFailure> {
    let rules = s.routing_rules();
    let counts: HashMap<String, i64> = s.store.counters("route:").await?.into_iter().collect();
    let count = |rule: &str, what: &str| {
        counts
            .get(&format!("route:{rule}:{what}"))
            .and_then(|v| u64::try_from(*v).ok())
            .unwrap_or(0)
    };
    let stats = rules
        .rules()
        .iter()
        .map(|r| {
            duban_api::RuleStats::new(
                r.id.clone(),
                count(&r.id, "dispatched"),
                count(&r.id, "returned"),
            )
        })
        .collect();
    Ok(axum::Json(duban_api::RoutingRulesView { rules, stats }))
}

/// Replace the routing rules (administrators); they apply to dispatches from now on.
async fn put_routing_rules(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiJson(body): ApiJson<duban_api::RoutingRulesUpdate>,
) -> Result<axum::Json<duban_api::RoutingRulesView>, ApiFailure> {
    actor.require(&[crate::auth::Role::Admin], lang)?;
    match s
        .set_routing_rules(body.rules, &body.reason, &actor.who)
        .await
    {
        Ok(rules) => {
            let stats = rules
                .rules()
                .iter()
                .map(|r| duban_api::RuleStats::new(r.id.clone(), 0, 0))
                .collect();
            // Fresh figures come with the next GET; the rules are what changed.
            Ok(axum::Json(duban_api::RoutingRulesView { rules, stats }))
        }
        Err(errs) if errs.iter().any(|e| e.1 == "storage.unavailable") => {
            Err(ApiFailure::Unavailable("storage".into()))
        }
        Err(errs) => {
            let lang_errs = errs
                .into_iter()
                .map(|(field, code, message)| {
                    let message = match (code.as_str(), lang) {
                        ("reason.required", _) => {
                            UserError::message("reason.required", lang).to_owned()
                        }
                        (_, Lang::Zh) => message,
                        (_, Lang::En) => message_en(&field, &code).unwrap_or(message),
                    };
                    duban_api::ApiError {
                        field,
                        code,
                        message,
                    }
                })
                .collect();
            Err(ApiFailure::Invalid(ErrorBody { errors: lang_errs }))
        }
    }
}

/// English messages of routing-rule errors (the domain gives both; the list above
/// carries the Chinese one).
fn message_en(_field: &str, code: &str) -> Option<String> {
    let m = match code {
        "rule.required" => "Required",
        "rule.id_duplicate" => "This rule id is used twice",
        "rule.id_invalid" => "A rule id is 1-40 letters, digits, '-' or '_'",
        "rule.target_mismatch" => {
            "Lead and notify rules name a unit; supervise rules name a supervisor"
        }
        "rule.unit_unknown" => "The unit does not exist",
        "rule.keyword_empty" => "A keyword cannot be empty",
        "rules.too_many" => "Too many rules",
        _ => return None,
    };
    Some(m.to_owned())
}

/// Most cases one batch dispatch takes.
const DISPATCH_MAX: usize = 5_000;

/// Dispatch a batch, or chosen cases, as the routing rules propose; one transaction.
async fn dispatch_batch(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiJson(body): ApiJson<duban_api::BatchDispatch>,
) -> Result<axum::Json<duban_api::BatchDispatchResult>, ApiFailure> {
    use crate::auth::Role;
    actor.require(&[Role::Admin, Role::Coordinator], lang)?;
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
                        return Err(ApiFailure::NotFound(ErrorBody::single(
                            &format!("case_ids[{i}]"),
                            "case.not_found",
                            match lang {
                                Lang::Zh => "未找到",
                                Lang::En => "Not found",
                            },
                        )));
                    }
                }
            }
        }
        _ => {
            let message = match lang {
                Lang::Zh => "请指定批次号或案件（二选一）",
                Lang::En => "Name a batch or cases, one of the two",
            };
            return Err(ApiFailure::bad_field(
                "batch",
                "dispatch.selection_required",
                message,
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
            let message = match lang {
                Lang::Zh => "有案件刚被他人更新，整批未交办，请重试",
                Lang::En => "A case changed meanwhile; nothing was dispatched. Try again.",
            };
            Err(ApiFailure::Conflict(
                ErrorBody::single("batch", "version.conflict", message),
                None,
            ))
        }
        Err(ActError::Store(e)) => Err(e.into()),
    }
}

/// Rows of the clearing view read at most.
const CLEARING_MAX: i64 = 20_000;

/// The daily clearing view (日有日清): per lead unit, what waits for dispatch or
/// sign-for, what is due today and what is overdue; handlers see their own units.
async fn clearing(
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

/// A mechanism aggregate's events, numbered, oldest first.
async fn event_views<E: serde::de::DeserializeOwned>(
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
fn stored_events<E: serde::Serialize>(
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
async fn save_mechanism(
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

const SUPERVISION: &str = "supervision";

/// Who takes part in a supervision: inboxes find orders by target unit and reviews by
/// supervisor.
fn supervision_access(s: &duban_supervision::Supervision) -> crate::store::AggregateAccess {
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
fn referral_access(r: &duban_referral::Referral) -> crate::store::AggregateAccess {
    let mut grant = vec![r.to_unit().to_owned()];
    grant.extend(r.co_handlers().iter().cloned());
    crate::store::AggregateAccess {
        parties: r.units().into_iter().map(str::to_owned).collect(),
        grant_case_to: grant,
        next_step_at: r.next_step_at(Calendar::official()),
    }
}

/// Every linked department takes part and sees the case.
fn incident_access(i: &duban_emergency::Incident) -> crate::store::AggregateAccess {
    let units: Vec<String> = i.units().into_iter().map(str::to_owned).collect();
    crate::store::AggregateAccess {
        parties: units.clone(),
        grant_case_to: units,
        next_step_at: i.next_step_at(Calendar::official()),
    }
}

/// The commands of follow-up supervision a role may run on a case.
fn supervision_allowed(
    actor: &Actor,
    s: &duban_supervision::Supervision,
    case: &Case,
) -> Vec<String> {
    use crate::auth::Role;
    let named = s.supervisor() == Some(actor.user.username.as_str());
    let mut out: Vec<&str> = Vec::new();
    match actor.role {
        Role::Admin | Role::Coordinator => out.extend([
            "assign",
            "issue_order",
            "answer_order",
            "close_order",
            "record_visit",
            "submit_report",
            "review_report",
        ]),
        Role::Supervisor if named => {
            out.extend([
                "issue_order",
                "close_order",
                "record_visit",
                "review_report",
            ]);
        }
        Role::Handler => {
            // A unit answers the open orders addressed to it, not another unit's.
            let mine = |unit: &String| {
                actor
                    .jurisdiction
                    .as_ref()
                    .is_some_and(|units| units.contains(unit))
            };
            if s.orders()
                .iter()
                .any(|o| o.status == duban_supervision::OrderStatus::Open && mine(&o.target_unit))
            {
                out.push("answer_order");
            }
            out.push("submit_report");
        }
        _ => {}
    }
    if !case.is_key() {
        // Only key cases are supervised.
        out.clear();
    }
    out.into_iter().map(str::to_owned).collect()
}

async fn load_supervision(
    s: &AppState,
    case: &Case,
) -> Result<(duban_supervision::Supervision, u64), ApiFailure> {
    match s
        .store
        .aggregate(SUPERVISION, &case.id().to_string())
        .await?
    {
        Some((json, version)) => Ok((
            serde_json::from_str(&json).map_err(crate::store::StoreError::from)?,
            version,
        )),
        None => Ok((
            duban_supervision::Supervision::new(case.id().to_string()),
            0,
        )),
    }
}

async fn supervision_view(
    s: &AppState,
    case: &Case,
    actor: &Actor,
) -> Result<duban_api::SupervisionView, ApiFailure> {
    let (supervision, _) = load_supervision(s, case).await?;
    let events = event_views(s, SUPERVISION, &case.id().to_string()).await?;
    let view = duban_api::SupervisionView {
        allowed: supervision_allowed(actor, &supervision, case),
        supervision,
        events,
    };
    Ok(redaction::for_reader(s, actor, Some(&case.id().to_string()), view).await?)
}

async fn case_supervision(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<axum::Json<duban_api::SupervisionView>, ApiFailure> {
    let case = load(&s, &id, lang, &actor).await?;
    Ok(axum::Json(supervision_view(&s, &case, &actor).await?))
}

fn supervision_errors(errs: &duban_supervision::Errors, lang: Lang) -> ApiFailure {
    ApiFailure::Invalid(ErrorBody {
        errors: errs
            .iter()
            .map(|e| duban_api::ApiError {
                field: e.field(),
                code: e.code(),
                message: e.message(lang),
            })
            .collect(),
    })
}

/// Run a follow-up supervision command on a key case.
pub(crate) async fn supervise(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<axum::Json<duban_api::SupervisionView>, ApiFailure> {
    use crate::auth::Role;
    actor.require(
        &[
            Role::Admin,
            Role::Coordinator,
            Role::Supervisor,
            Role::Handler,
        ],
        lang,
    )?;
    let case = load(&s, &id, lang, &actor).await?;
    let cmd: duban_supervision::Command = serde_json::from_value(body)
        .map_err(|e| ApiFailure::bad_field("body", "json.invalid", e.to_string()))?;
    if !case.is_key() {
        let message = match lang {
            Lang::Zh => "只有重点信访事项才跟进督办",
            Lang::En => "Only key cases are supervised",
        };
        return Err(ApiFailure::bad_field("case", "case.not_key", message));
    }
    let (state, version) = load_supervision(&s, &case).await?;
    if !supervision_allowed(&actor, &state, &case)
        .iter()
        .any(|c| c == cmd.code())
    {
        return Err(ApiFailure::Forbidden(forbidden(lang)));
    }
    // Names in the command must exist: a supervisor account, a target unit.
    match &cmd {
        duban_supervision::Command::Assign { supervisor } => {
            let ok = s
                .store
                .user_by_username(supervisor.trim())
                .await?
                .is_some_and(|u| {
                    !u.disabled && matches!(u.role.as_str(), "supervisor" | "coordinator" | "admin")
                });
            if !ok {
                let message = match lang {
                    Lang::Zh => "督办专员账号不存在或不可用",
                    Lang::En => "No such supervisor account",
                };
                return Err(ApiFailure::bad_field(
                    "supervisor",
                    "supervisor.unknown",
                    message,
                ));
            }
        }
        duban_supervision::Command::IssueOrder { target_unit, .. }
            if !target_unit.trim().is_empty() && !s.unit_exists(target_unit.trim()) =>
        {
            return Err(ApiFailure::bad_field(
                "target_unit",
                "unit.unknown",
                UserError::message("unit.unknown", lang),
            ));
        }
        duban_supervision::Command::AnswerOrder { number, .. } => {
            // A handler answers only orders to its own units.
            let target = state
                .orders()
                .iter()
                .find(|o| o.number == number.trim())
                .map(|o| o.target_unit.clone());
            if let (Some(units), Some(t)) = (&actor.jurisdiction, target)
                && !units.contains(&t)
            {
                return Err(ApiFailure::Forbidden(forbidden(lang)));
            }
        }
        _ => {}
    }
    let now = s.now();
    let number = match &cmd {
        duban_supervision::Command::IssueOrder { .. } => {
            let year = chrono::Datelike::year(&(now + chrono::TimeDelta::hours(8)));
            let n = s.store.next_serial(&format!("order-{year}")).await?;
            Some(format!("苏督〔{year}〕{n}号"))
        }
        _ => None,
    };
    let attachments: Vec<duban_supervision::Attachment> = s
        .store
        .attachments(&case.id().to_string())
        .await?
        .into_iter()
        .map(|a| duban_supervision::Attachment {
            id: a.id,
            name: a.name,
            content_type: a.content_type,
            size: a.size,
        })
        .collect();
    let ctx = duban_supervision::Ctx {
        now,
        actor: &actor.user.username,
        calendar: Calendar::official(),
        order_number: number.as_deref(),
        attachments: &attachments,
    };
    let mut events =
        duban_supervision::decide(&state, &cmd, &ctx).map_err(|e| supervision_errors(&e, lang))?;
    duban_supervision::mark_on_behalf(
        &state,
        &mut events,
        &actor.home_units(),
        case.lead_unit().map(|u| u.as_str()),
    );
    let next = events.iter().fold(state, duban_supervision::apply);
    let stored = stored_events(&events, |e: &duban_supervision::Event| {
        (e.at, e.actor.as_str(), e.kind.code())
    })?;
    let reason = match &cmd {
        duban_supervision::Command::CloseOrder { comments, .. }
        | duban_supervision::Command::ReviewReport { comments, .. } => comments.clone(),
        duban_supervision::Command::IssueOrder { demands, .. } => demands.clone(),
        _ => String::new(),
    };
    let audit = actor.who.entry(
        now,
        &format!("supervision.{}", cmd.code()),
        Some(case.id().to_string()),
        &case.reference().to_string(),
        &reason,
        serde_json::json!({ "events": events.iter().map(|e| e.kind.code()).collect::<Vec<_>>() }),
    );
    save_mechanism(
        &s,
        SUPERVISION,
        &case.id().to_string(),
        Some(&case.id().to_string()),
        version,
        &next,
        &stored,
        &audit,
        &supervision_access(&next),
        lang,
    )
    .await?;
    Ok(axum::Json(supervision_view(&s, &case, &actor).await?))
}

const INCIDENT: &str = "incident";

impl AppState {
    pub fn plans(&self) -> duban_emergency::Plans {
        self.plans
            .read()
            .map(|p| p.clone())
            .unwrap_or_else(|_| duban_emergency::default_plans())
    }
}

async fn emergency_plans(
    State(s): State<AppState>,
    _actor: Actor,
) -> axum::Json<duban_emergency::Plans> {
    axum::Json(s.plans())
}

/// Replace the plan templates (administrators); they apply to incidents declared from
/// now on.
async fn put_emergency_plans(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiJson(body): ApiJson<duban_api::PlansUpdate>,
) -> Result<axum::Json<duban_emergency::Plans>, ApiFailure> {
    actor.require(&[crate::auth::Role::Admin], lang)?;
    if body.reason.trim().is_empty() {
        return Err(ApiFailure::bad_field(
            "reason",
            "reason.required",
            UserError::message("reason.required", lang),
        ));
    }
    let units: Vec<String> = s
        .units
        .read()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let plans = duban_emergency::Plans::parse(body.plans, Some(&units)).map_err(|errs| {
        ApiFailure::Invalid(ErrorBody {
            errors: errs
                .iter()
                .map(|e| duban_api::ApiError {
                    field: e.field(),
                    code: e.code().to_owned(),
                    message: e.message(lang),
                })
                .collect(),
        })
    })?;
    let before = s.plans().plans().len();
    let audit = actor.who.entry(
        s.now(),
        "emergency.plans_update",
        None,
        "plan_templates",
        &body.reason,
        serde_json::json!({ "before": before, "after": plans.plans().len() }),
    );
    let json = serde_json::to_string(&plans).map_err(crate::store::StoreError::from)?;
    s.store.set_config(PLANS_KEY, &json, &audit).await?;
    if let Ok(mut p) = s.plans.write() {
        *p = plans.clone();
    }
    Ok(axum::Json(plans))
}

fn emergency_errors(errs: &[duban_emergency::EmergencyError], lang: Lang) -> ApiFailure {
    if errs.iter().any(|e| e.code() == "unit.not_yours") {
        return ApiFailure::Forbidden(forbidden(lang));
    }
    ApiFailure::Invalid(ErrorBody {
        errors: errs
            .iter()
            .map(|e| duban_api::ApiError {
                field: e.field(),
                code: e.code(),
                message: e.message(lang),
            })
            .collect(),
    })
}

fn incident_allowed(
    i: &duban_emergency::Incident,
    actor: &Actor,
    units: &[String],
) -> (Vec<String>, Vec<String>) {
    use crate::auth::Role;
    if i.status() == duban_emergency::Status::Closed {
        return (vec![], vec![]);
    }
    let mine: Vec<String> = i
        .units()
        .into_iter()
        .filter(|u| units.iter().any(|x| x == u))
        .map(str::to_owned)
        .collect();
    let mut allowed = Vec::new();
    if i.linkages()
        .iter()
        .any(|l| l.acknowledged_at.is_none() && mine.contains(&l.unit))
    {
        allowed.push("acknowledge".to_owned());
    }
    if !mine.is_empty() {
        allowed.push("report".to_owned());
    }
    if matches!(actor.role, Role::Admin | Role::Coordinator) {
        allowed.extend(["escalate".to_owned(), "close".to_owned()]);
    }
    (allowed, mine)
}

async fn incident_view(
    s: &AppState,
    i: duban_emergency::Incident,
    actor: &Actor,
) -> Result<duban_api::IncidentView, ApiFailure> {
    let events = event_views(s, INCIDENT, i.id()).await?;
    let (allowed, my_units) = incident_allowed(&i, actor, &speaking_units(s, actor));
    let case_id = i.case_id().map(str::to_owned);
    let view = duban_api::IncidentView {
        incident: i,
        events,
        allowed,
        my_units,
    };
    Ok(redaction::for_reader(s, actor, case_id.as_deref(), view).await?)
}

async fn save_incident(
    s: &AppState,
    expected: u64,
    next: &duban_emergency::Incident,
    events: &[duban_emergency::Event],
    actor: &Actor,
    lang: Lang,
) -> Result<(), ApiFailure> {
    let stored = stored_events(events, |e| (e.at, e.actor.as_str(), e.kind.code()))?;
    let code = events.first().map(|e| e.kind.code()).unwrap_or("");
    let reason = events
        .iter()
        .find_map(|e| match &e.kind {
            duban_emergency::EventKind::Closed { summary, .. } => Some(summary.clone()),
            duban_emergency::EventKind::Reported { text, .. } => Some(text.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let audit = actor.who.entry(
        s.now(),
        &format!("incident.{code}"),
        next.case_id().map(str::to_owned),
        next.title(),
        &reason,
        serde_json::json!({ "incident": next.id(), "severity": next.severity().code() }),
    );
    let access = incident_access(next);
    save_mechanism(
        s,
        INCIDENT,
        next.id(),
        next.case_id(),
        expected,
        next,
        &stored,
        &audit,
        &access,
        lang,
    )
    .await?;
    Ok(())
}

async fn declare_in(
    s: &AppState,
    actor: &Actor,
    case: Option<&Case>,
    body: serde_json::Value,
    lang: Lang,
) -> Result<(StatusCode, axum::Json<duban_api::IncidentView>), ApiFailure> {
    use crate::auth::Role;
    actor.require(&[Role::Admin, Role::Coordinator], lang)?;
    let cmd: duban_emergency::Command = serde_json::from_value(body)
        .map_err(|e| ApiFailure::bad_field("body", "json.invalid", e.to_string()))?;
    let units = speaking_units(s, actor);
    let ctx = duban_emergency::Ctx {
        now: s.now(),
        actor: &actor.user.username,
        actor_units: &units,
        calendar: Calendar::official(),
    };
    let case_id = case.map(|c| c.id().to_string());
    let plans = s.plans();
    let mut events = duban_emergency::declare(case_id.as_deref(), &cmd, &plans, &ctx)
        .map_err(|e| emergency_errors(&e, lang))?;
    duban_emergency::mark_on_behalf(&mut events, &actor.home_units());
    let id = uuid::Uuid::now_v7().to_string();
    let next = events
        .iter()
        .fold(None, |i, e| duban_emergency::apply(i, &id, e))
        .ok_or_else(|| ApiFailure::Unavailable("incident".into()))?;
    save_incident(s, 0, &next, &events, actor, lang).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(incident_view(s, next, actor).await?),
    ))
}

/// Declare an incident on its own.
async fn declare_incident(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<(StatusCode, axum::Json<duban_api::IncidentView>), ApiFailure> {
    declare_in(&s, &actor, None, body, lang).await
}

/// Declare an incident from a case; the linked departments see the case.
pub(crate) async fn declare_incident_from_case(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<(StatusCode, axum::Json<duban_api::IncidentView>), ApiFailure> {
    let case = load(&s, &id, lang, &actor).await?;
    declare_in(&s, &actor, Some(&case), body, lang).await
}

async fn load_incident(
    s: &AppState,
    id: &str,
    actor: &Actor,
    lang: Lang,
) -> Result<(duban_emergency::Incident, u64), ApiFailure> {
    let not_found = || ApiFailure::not_found("id", "incident.not_found", lang);
    let Some((json, version)) = s.store.aggregate(INCIDENT, id.trim()).await? else {
        return Err(not_found());
    };
    let i: duban_emergency::Incident =
        serde_json::from_str(&json).map_err(crate::store::StoreError::from)?;
    let linked = match &actor.jurisdiction {
        None => true,
        Some(units) => i.units().iter().any(|u| units.iter().any(|j| j == u)),
    };
    if linked {
        Ok((i, version))
    } else {
        Err(not_found())
    }
}

/// The linkage board of one incident. Polling is cheap: send the `ETag` back in
/// `If-None-Match` and an unchanged incident answers 304.
async fn get_incident(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiFailure> {
    let (i, version) = load_incident(&s, &id, &actor, lang).await?;
    let etag = format!("\"v{version}\"");
    let unchanged = headers
        .get(axum::http::header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut resp = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        axum::Json(incident_view(&s, i, &actor).await?).into_response()
    };
    if let Ok(v) = HeaderValue::from_str(&etag) {
        resp.headers_mut().insert(axum::http::header::ETAG, v);
    }
    resp.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache"),
    );
    Ok(resp)
}

pub(crate) async fn act_on_incident(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<axum::Json<duban_api::IncidentView>, ApiFailure> {
    use crate::auth::Role;
    actor.require(&[Role::Admin, Role::Coordinator, Role::Handler], lang)?;
    let (i, version) = load_incident(&s, &id, &actor, lang).await?;
    let cmd: duban_emergency::Command = serde_json::from_value(body)
        .map_err(|e| ApiFailure::bad_field("body", "json.invalid", e.to_string()))?;
    if matches!(
        cmd,
        duban_emergency::Command::Escalate { .. } | duban_emergency::Command::Close { .. }
    ) {
        actor.require(&[Role::Admin, Role::Coordinator], lang)?;
    }
    let units = speaking_units(&s, &actor);
    let ctx = duban_emergency::Ctx {
        now: s.now(),
        actor: &actor.user.username,
        actor_units: &units,
        calendar: Calendar::official(),
    };
    let plans = s.plans();
    let mut events =
        duban_emergency::decide(&i, &cmd, &plans, &ctx).map_err(|e| emergency_errors(&e, lang))?;
    duban_emergency::mark_on_behalf(&mut events, &actor.home_units());
    let iid = i.id().to_owned();
    let next = events
        .iter()
        .try_fold(i, |i, e| duban_emergency::apply(Some(i), &iid, e))
        .ok_or_else(|| ApiFailure::Unavailable("incident".into()))?;
    save_incident(&s, version, &next, &events, &actor, lang).await?;
    Ok(axum::Json(incident_view(&s, next, &actor).await?))
}

/// Incidents, newest first: handlers see those their units are linked to.
async fn incidents(
    State(s): State<AppState>,
    actor: Actor,
) -> Result<axum::Json<Vec<duban_emergency::Incident>>, ApiFailure> {
    let mut out = Vec::new();
    for json in s
        .store
        .aggregates(INCIDENT, None, actor.jurisdiction.as_deref(), 500)
        .await?
    {
        let i: duban_emergency::Incident =
            serde_json::from_str(&json).map_err(crate::store::StoreError::from)?;
        let case_id = i.case_id().map(str::to_owned);
        out.push(redaction::for_reader(&s, &actor, case_id.as_deref(), i).await?);
    }
    Ok(axum::Json(out))
}

/// Run an SLA sweep now (administrators; the server also sweeps on a timer).
async fn run_sweep(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
) -> Result<axum::Json<SweepReport>, ApiFailure> {
    actor.require(&[crate::auth::Role::Admin], lang)?;
    Ok(axum::Json(s.sweep(s.now()).await?))
}

/// Rows of each inbox source read at most.
const INBOX_MAX: i64 = 200;
/// Escalated key cases read at most to tell whose each is (a province has a few hundred
/// key cases a round).
const SUPERVISE_SCAN: i64 = 10_000;

/// What needs the actor's action now: cases by role and status, supervision orders and
/// reports, referrals and incidents of the actor's units; most urgent first.
async fn inbox(
    State(s): State<AppState>,
    actor: Actor,
) -> Result<axum::Json<duban_api::Inbox>, ApiFailure> {
    use crate::auth::Role;
    let now = s.now();
    let mut items: Vec<duban_api::InboxItem> = Vec::new();
    let wanted: &[(Status, &str)] = match actor.role {
        Role::Admin | Role::Coordinator => &[
            (Status::Received, "dispatch"),
            (Status::Returned, "dispatch"),
            (Status::Reported, "review"),
            (Status::Closed, "return_visit"),
            (Status::StageClosed, "return_visit"),
        ],
        Role::Handler => &[
            (Status::Dispatched, "sign_for"),
            (Status::SignedFor, "report"),
            (Status::InProgress, "report"),
        ],
        Role::Supervisor | Role::Leader => &[],
    };
    let mut overflow: Vec<duban_api::InboxOverflow> = Vec::new();
    // Every source's real totals, listed or not: a source lists its INBOX_MAX most
    // urgent items and counts the rest in the database.
    let now_ms = now.timestamp_millis();
    let (mut total, mut overdue) = (0u64, 0u64);
    for (status, action) in wanted {
        let f = CaseFilter {
            status: Some(status.code().to_owned()),
            units: actor.jurisdiction.clone(),
            limit: INBOX_MAX,
            urgent_first: true,
            running: true,
            // Closed cases wait for a return visit only while its clock runs.
            with_clock: *action == "return_visit",
            ..CaseFilter::default()
        };
        let found = s.store.cases(&f).await?;
        let shown = found.len() as u64;
        for c in found {
            let clock = c.current_clock();
            items.push(duban_api::InboxItem {
                kind: "case".into(),
                id: c.id().to_string(),
                case_id: Some(c.id().to_string()),
                title: c.reference().to_string(),
                action: (*action).to_owned(),
                due_at: clock.map(|k| k.due_at()),
                clock: clock.cloned(),
                escalation: c.current_escalation().map(|st| st.code().to_owned()),
            });
        }
        let (all, due) = if shown < INBOX_MAX as u64 {
            let due = items[items.len() - shown as usize..]
                .iter()
                .filter(|i| i.due_at.is_some_and(|d| d <= now))
                .count() as u64;
            (shown, due)
        } else {
            s.store.count_due(&f, now_ms).await?
        };
        total += all;
        overdue += due;
        if all > shown {
            overflow.push(duban_api::InboxOverflow {
                action: (*action).to_owned(),
                status: status.code().to_owned(),
                total: all,
                shown,
            });
        }
    }
    // Overdue cases escalate at 150% of their time to their supervisor (or, while a key
    // case has none, to the coordinators, who name one) and at 200% to the leaders (the
    // ladder's supervise and summon steps): each to someone who can act on it.
    let escalated_to_me = match actor.role {
        Role::Supervisor => Some((duban_sla::Step::Supervise, "supervise_overdue")),
        Role::Admin | Role::Coordinator => Some((duban_sla::Step::Supervise, "assign_supervisor")),
        Role::Leader => Some((duban_sla::Step::Summon, "summon")),
        Role::Handler => None,
    };
    if let Some((step, action)) = escalated_to_me {
        // Only key cases are supervised; the list shows the rest overdue.
        let supervised = step == duban_sla::Step::Supervise;
        let f = CaseFilter {
            min_escalation: Some(crate::store::escalation_rank(step)),
            units: actor.jurisdiction.clone(),
            key: supervised.then_some(true),
            running: true,
            // Whose a supervised case is lies in its supervision, so those are counted
            // here, up to SUPERVISE_SCAN; the leader's are counted in the database.
            limit: if supervised {
                SUPERVISE_SCAN
            } else {
                INBOX_MAX
            },
            urgent_first: true,
            ..CaseFilter::default()
        };
        let found = s.store.cases(&f).await?;
        // The supervisors of these cases, read in one go (none: not yet named).
        let mut supervisor_of: HashMap<String, Option<String>> = HashMap::new();
        if supervised {
            let ids: Vec<String> = found.iter().map(|c| c.id().to_string()).collect();
            for json in s.store.aggregates_by_key(SUPERVISION, &ids).await? {
                let sv: duban_supervision::Supervision =
                    serde_json::from_str(&json).map_err(crate::store::StoreError::from)?;
                supervisor_of.insert(sv.case_id().to_owned(), sv.supervisor().map(str::to_owned));
            }
        }
        let mut listed = 0u64;
        let mut matched = (0u64, 0u64);
        for c in found {
            if supervised {
                let mine = match supervisor_of.get(&c.id().to_string()).cloned().flatten() {
                    Some(name) => name == actor.user.username,
                    None => actor.role != Role::Supervisor,
                };
                if !mine {
                    continue;
                }
            }
            let clock = c.current_clock();
            matched.0 += 1;
            matched.1 += u64::from(clock.is_some_and(|k| k.due_at() <= now));
            if listed == INBOX_MAX as u64 {
                continue;
            }
            listed += 1;
            items.push(duban_api::InboxItem {
                kind: "case".into(),
                id: c.id().to_string(),
                case_id: Some(c.id().to_string()),
                title: c.reference().to_string(),
                action: action.into(),
                due_at: clock.map(|k| k.due_at()),
                escalation: c.current_escalation().map(|st| st.code().to_owned()),
                clock: clock.cloned(),
            });
        }
        let (all, due) = if supervised || listed < INBOX_MAX as u64 {
            matched
        } else {
            s.store.count_due(&f, now_ms).await?
        };
        total += all;
        overdue += due;
        if all > listed {
            overflow.push(duban_api::InboxOverflow {
                action: action.to_owned(),
                // Escalated cases of every status: the list filtered by key cases, or all.
                status: String::new(),
                total: all,
                shown: listed,
            });
        }
    }
    let case_items = items.len();
    // Extension requests wait for a coordinator.
    if matches!(actor.role, Role::Admin | Role::Coordinator) {
        for status in [Status::Dispatched, Status::SignedFor, Status::InProgress] {
            let f = CaseFilter {
                status: Some(status.code().to_owned()),
                pending_extension: true,
                limit: INBOX_MAX,
                ..CaseFilter::default()
            };
            for c in s.store.cases(&f).await? {
                if c.pending_extension().is_some() {
                    items.push(duban_api::InboxItem {
                        kind: "case".into(),
                        id: c.id().to_string(),
                        case_id: Some(c.id().to_string()),
                        title: c.reference().to_string(),
                        action: "decide_extension".into(),
                        due_at: c.current_clock().map(|k| k.due_at()),
                        escalation: None,
                        clock: c.current_clock().cloned(),
                    });
                }
            }
        }
    }
    let mine = speaking_units(&s, &actor);
    let my_units: Vec<String> = match actor.role {
        Role::Admin | Role::Coordinator => vec![],
        _ => actor.jurisdiction.clone().unwrap_or_default(),
    };
    // Supervision: orders to my units; for supervisors, what waits for their review.
    let sup_parties: Vec<String> = my_units
        .iter()
        .cloned()
        .chain(std::iter::once(format!("user:{}", actor.user.username)))
        .collect();
    let sup_filter =
        (!matches!(actor.role, Role::Admin | Role::Coordinator)).then_some(sup_parties.as_slice());
    for json in s
        .store
        .aggregates(SUPERVISION, None, sup_filter, INBOX_MAX)
        .await?
    {
        let sv: duban_supervision::Supervision =
            serde_json::from_str(&json).map_err(crate::store::StoreError::from)?;
        let is_supervisor = sv.supervisor() == Some(actor.user.username.as_str())
            || matches!(actor.role, Role::Admin | Role::Coordinator);
        let title = s
            .store
            .get_case(sv.case_id())
            .await?
            .map(|c| c.reference().to_string())
            .unwrap_or_default();
        for o in sv.orders() {
            let action = match o.status {
                duban_supervision::OrderStatus::Open
                    if mine.contains(&o.target_unit) && actor.role == Role::Handler =>
                {
                    "answer_order"
                }
                duban_supervision::OrderStatus::Answered if is_supervisor => "close_order",
                _ => continue,
            };
            items.push(duban_api::InboxItem {
                kind: "supervision".into(),
                id: sv.case_id().to_owned(),
                case_id: Some(sv.case_id().to_owned()),
                title: format!("{title} {}", o.number),
                action: action.into(),
                due_at: o.clock.is_running().then(|| o.clock.due_at()),
                escalation: o.fired.iter().max().map(|st| st.code().to_owned()),
                clock: o.clock.is_running().then(|| o.clock.clone()),
            });
        }
        if is_supervisor && sv.reports().iter().any(|r| r.review.is_none()) {
            items.push(duban_api::InboxItem {
                kind: "supervision".into(),
                id: sv.case_id().to_owned(),
                case_id: Some(sv.case_id().to_owned()),
                title,
                action: "review_report".into(),
                due_at: None,
                escalation: None,
                clock: None,
            });
        }
    }
    // Referrals: to acknowledge or answer (receivers), to close (senders).
    if actor.role != Role::Leader && actor.role != Role::Supervisor {
        for json in s
            .store
            .aggregates(REFERRAL, None, actor.jurisdiction.as_deref(), INBOX_MAX)
            .await?
        {
            let r: duban_referral::Referral =
                serde_json::from_str(&json).map_err(crate::store::StoreError::from)?;
            let receiver = actor.role == Role::Handler && mine.iter().any(|u| u == r.to_unit());
            let sender = actor.role != Role::Handler || mine.iter().any(|u| u == r.from_unit());
            let action = match r.status() {
                duban_referral::Status::Sent if receiver => "acknowledge_referral",
                duban_referral::Status::Acknowledged if receiver => "answer_referral",
                duban_referral::Status::Answered if sender => "close_referral",
                _ => continue,
            };
            items.push(duban_api::InboxItem {
                kind: "referral".into(),
                id: r.id().to_owned(),
                case_id: r.case_id().map(str::to_owned),
                title: r.subject().to_owned(),
                action: action.into(),
                due_at: r.clock().filter(|c| c.is_running()).map(|c| c.due_at()),
                escalation: r.fired().iter().max().map(|st| st.code().to_owned()),
                clock: r.clock().filter(|c| c.is_running()).cloned(),
            });
        }
        // Incidents: my units' acknowledgements.
        if actor.role == Role::Handler {
            for json in s
                .store
                .aggregates(INCIDENT, None, actor.jurisdiction.as_deref(), INBOX_MAX)
                .await?
            {
                let i: duban_emergency::Incident =
                    serde_json::from_str(&json).map_err(crate::store::StoreError::from)?;
                if i.status() == duban_emergency::Status::Closed {
                    continue;
                }
                for l in i
                    .linkages()
                    .iter()
                    .filter(|l| l.acknowledged_at.is_none() && mine.contains(&l.unit))
                {
                    items.push(duban_api::InboxItem {
                        kind: "incident".into(),
                        id: i.id().to_owned(),
                        case_id: i.case_id().map(str::to_owned),
                        title: i.title().to_owned(),
                        action: "acknowledge_incident".into(),
                        due_at: Some(l.clock.due_at()),
                        escalation: l.fired.iter().max().map(|st| st.code().to_owned()),
                        clock: Some(l.clock.clone()),
                    });
                }
            }
        }
    }
    // The other sources are listed whole.
    let rest = &items[case_items..];
    total += rest.len() as u64;
    overdue += rest
        .iter()
        .filter(|i| i.due_at.is_some_and(|d| d <= now))
        .count() as u64;
    items.sort_by_key(|i| (i.due_at.is_none(), i.due_at));
    Ok(axum::Json(duban_api::Inbox {
        total,
        overdue,
        items,
        overflow,
    }))
}

const REFERRAL: &str = "referral";

/// The units an actor speaks for in a referral: administrators and coordinators for
/// every unit, handlers for their jurisdiction, readers for none.
fn speaking_units(s: &AppState, actor: &Actor) -> Vec<String> {
    use crate::auth::Role;
    match actor.role {
        Role::Admin | Role::Coordinator => s
            .units
            .read()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default(),
        Role::Handler => actor.jurisdiction.clone().unwrap_or_default(),
        Role::Supervisor | Role::Leader => vec![],
    }
}

/// The referral commands the actor could send now (each still checked by the crate).
fn referral_allowed(r: &duban_referral::Referral, units: &[String]) -> Vec<String> {
    use duban_referral::Status;
    let speaks = |u: &str| units.iter().any(|x| x == u);
    let receiver = speaks(r.to_unit());
    let party = receiver || speaks(r.from_unit()) || r.co_handlers().iter().any(|u| speaks(u));
    let sender = speaks(r.from_unit());
    let mut out = Vec::new();
    match r.status() {
        Status::Sent if receiver => out.push("acknowledge"),
        Status::Acknowledged if receiver => out.push("answer"),
        Status::Answered if sender => out.push("close"),
        _ => {}
    }
    if party && r.status() != Status::Closed {
        out.push("reply");
    }
    if sender && matches!(r.status(), Status::Sent | Status::Acknowledged) {
        out.push("set_joint");
    }
    out.into_iter().map(str::to_owned).collect()
}

async fn referral_view(
    s: &AppState,
    r: duban_referral::Referral,
    actor: &Actor,
) -> Result<duban_api::ReferralView, ApiFailure> {
    let events = event_views(s, REFERRAL, r.id()).await?;
    let case_id = r.case_id().map(str::to_owned);
    let view = duban_api::ReferralView {
        allowed: referral_allowed(&r, &speaking_units(s, actor)),
        referral: r,
        events,
    };
    Ok(redaction::for_reader(s, actor, case_id.as_deref(), view).await?)
}

fn referral_errors(errs: &[duban_referral::ReferralError], lang: Lang) -> ApiFailure {
    ApiFailure::Invalid(ErrorBody {
        errors: errs
            .iter()
            .map(|e| duban_api::ApiError {
                field: e.field(),
                code: e.code(),
                message: e.message(lang),
            })
            .collect(),
    })
}

/// Store a referral's new events with its audit entry; the receiver and co-handlers
/// are given sight of the case in the same transaction.
async fn save_referral(
    s: &AppState,
    expected: u64,
    next: &duban_referral::Referral,
    events: &[duban_referral::Event],
    actor: &Actor,
    reference: &str,
    lang: Lang,
) -> Result<(), ApiFailure> {
    let stored = stored_events(events, |e| (e.at, e.actor.as_str(), e.kind.code()))?;
    let code = events.first().map(|e| e.kind.code()).unwrap_or("");
    let reason = events
        .iter()
        .find_map(|e| match &e.kind {
            duban_referral::EventKind::Sent { subject, .. } => Some(subject.clone()),
            duban_referral::EventKind::Closed { summary } => Some(summary.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let audit = actor.who.entry(
        s.now(),
        &format!("referral.{code}"),
        next.case_id().map(str::to_owned),
        reference,
        &reason,
        serde_json::json!({ "referral": next.id(), "to_unit": next.to_unit(), "status": next.status().code() }),
    );
    let access = referral_access(next);
    save_mechanism(
        s,
        REFERRAL,
        next.id(),
        next.case_id(),
        expected,
        next,
        &stored,
        &audit,
        &access,
        lang,
    )
    .await?;
    Ok(())
}

async fn case_referrals(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<duban_api::ReferralView>>, ApiFailure> {
    let case = load(&s, &id, lang, &actor).await?;
    let mut out = Vec::new();
    for json in s
        .store
        .aggregates(REFERRAL, Some(&case.id().to_string()), None, 1000)
        .await?
    {
        let r: duban_referral::Referral =
            serde_json::from_str(&json).map_err(crate::store::StoreError::from)?;
        out.push(referral_view(&s, r, &actor).await?);
    }
    Ok(axum::Json(out))
}

/// Refer a problem of a case to another department.
pub(crate) async fn refer(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<(StatusCode, axum::Json<duban_api::ReferralView>), ApiFailure> {
    use crate::auth::Role;
    actor.require(&[Role::Admin, Role::Coordinator, Role::Handler], lang)?;
    let case = load(&s, &id, lang, &actor).await?;
    let cmd: duban_referral::Command = serde_json::from_value(body)
        .map_err(|e| ApiFailure::bad_field("body", "json.invalid", e.to_string()))?;
    if let duban_referral::Command::Send { to_unit, .. } = &cmd
        && !to_unit.trim().is_empty()
        && !s.unit_exists(to_unit.trim())
    {
        return Err(ApiFailure::bad_field(
            "to_unit",
            "unit.unknown",
            UserError::message("unit.unknown", lang),
        ));
    }
    let units = speaking_units(&s, &actor);
    let ctx = duban_referral::Ctx {
        now: s.now(),
        actor: &actor.user.username,
        actor_units: &units,
        calendar: Calendar::official(),
    };
    let case_id = case.id().to_string();
    let mut events =
        duban_referral::open(Some(&case_id), &cmd, &ctx).map_err(|e| referral_errors(&e, lang))?;
    let rid = uuid::Uuid::now_v7().to_string();
    duban_referral::mark_on_behalf(
        &duban_referral::Referral::empty(&rid),
        &mut events,
        &actor.home_units(),
    );
    let next = events
        .iter()
        .fold(duban_referral::Referral::empty(&rid), duban_referral::apply);
    save_referral(
        &s,
        0,
        &next,
        &events,
        &actor,
        &case.reference().to_string(),
        lang,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(referral_view(&s, next, &actor).await?),
    ))
}

/// A referral the actor takes part in (or may read as a coordinator, supervisor, leader).
async fn load_referral(
    s: &AppState,
    id: &str,
    actor: &Actor,
    lang: Lang,
) -> Result<(duban_referral::Referral, u64, String), ApiFailure> {
    let not_found = || ApiFailure::not_found("id", "referral.not_found", lang);
    let Some((json, version)) = s.store.aggregate(REFERRAL, id.trim()).await? else {
        return Err(not_found());
    };
    let r: duban_referral::Referral =
        serde_json::from_str(&json).map_err(crate::store::StoreError::from)?;
    let party = match &actor.jurisdiction {
        None => true,
        Some(units) => r.units().iter().any(|u| units.iter().any(|j| j == u)),
    };
    if !party {
        return Err(not_found());
    }
    let reference = match r.case_id() {
        Some(c) => s
            .store
            .get_case(c)
            .await?
            .map(|c| c.reference().to_string())
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok((r, version, reference))
}

async fn get_referral(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<axum::Json<duban_api::ReferralView>, ApiFailure> {
    let (r, _, _) = load_referral(&s, &id, &actor, lang).await?;
    Ok(axum::Json(referral_view(&s, r, &actor).await?))
}

pub(crate) async fn act_on_referral(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<axum::Json<duban_api::ReferralView>, ApiFailure> {
    use crate::auth::Role;
    actor.require(&[Role::Admin, Role::Coordinator, Role::Handler], lang)?;
    let (r, version, reference) = load_referral(&s, &id, &actor, lang).await?;
    let cmd: duban_referral::Command = serde_json::from_value(body)
        .map_err(|e| ApiFailure::bad_field("body", "json.invalid", e.to_string()))?;
    if let duban_referral::Command::SetJoint { lead, co_handlers } = &cmd {
        for (field, u) in std::iter::once(("lead".to_owned(), lead)).chain(
            co_handlers
                .iter()
                .enumerate()
                .map(|(i, u)| (format!("co_handlers[{i}]"), u)),
        ) {
            if !u.trim().is_empty() && !s.unit_exists(u.trim()) {
                return Err(ApiFailure::bad_field(
                    &field,
                    "unit.unknown",
                    UserError::message("unit.unknown", lang),
                ));
            }
        }
    }
    let units = speaking_units(&s, &actor);
    let ctx = duban_referral::Ctx {
        now: s.now(),
        actor: &actor.user.username,
        actor_units: &units,
        calendar: Calendar::official(),
    };
    let mut events = duban_referral::decide(&r, &cmd, &ctx).map_err(|e| {
        if e.iter().any(|x| x.code() == "referral.wrong_side") {
            ApiFailure::Forbidden(forbidden(lang))
        } else {
            referral_errors(&e, lang)
        }
    })?;
    duban_referral::mark_on_behalf(&r, &mut events, &actor.home_units());
    let next = events.iter().fold(r, duban_referral::apply);
    save_referral(&s, version, &next, &events, &actor, &reference, lang).await?;
    Ok(axum::Json(referral_view(&s, next, &actor).await?))
}

/// Referrals the actor's units take part in (everything for coordinators), newest first.
async fn my_referrals(
    State(s): State<AppState>,
    actor: Actor,
) -> Result<axum::Json<Vec<duban_api::ReferralView>>, ApiFailure> {
    let mut out = Vec::new();
    for json in s
        .store
        .aggregates(REFERRAL, None, actor.jurisdiction.as_deref(), 500)
        .await?
    {
        let r: duban_referral::Referral =
            serde_json::from_str(&json).map_err(crate::store::StoreError::from)?;
        out.push(referral_view(&s, r, &actor).await?);
    }
    Ok(axum::Json(out))
}

fn attachment_view(a: crate::store::AttachmentRecord) -> duban_api::AttachmentView {
    duban_api::AttachmentView {
        id: a.id,
        name: a.name,
        content_type: a.content_type,
        size: a.size,
        uploaded_by: a.uploaded_by,
        uploaded_at: a.uploaded_at,
    }
}

async fn case_attachments(
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
fn sniff(data: &[u8]) -> Option<&'static str> {
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
async fn upload_attachment(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<(StatusCode, axum::Json<duban_api::AttachmentView>), ApiFailure> {
    use crate::auth::Role;
    actor.require(
        &[
            Role::Admin,
            Role::Coordinator,
            Role::Supervisor,
            Role::Handler,
        ],
        lang,
    )?;
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
    let (zh, en, code, field) = if body.is_empty() {
        ("文件为空", "The file is empty", "file.empty", "file")
    } else if body.len() > duban_api::ATTACHMENT_MAX_BYTES {
        (
            "文件不能超过5 MB",
            "Files are at most 5 MB",
            "file.too_large",
            "file",
        )
    } else if !duban_api::ATTACHMENT_TYPES.contains(&declared.as_str()) {
        (
            "只接受JPEG、PNG、WebP图片或PDF",
            "Only JPEG, PNG, WebP images or PDF",
            "file.type_unsupported",
            "content-type",
        )
    } else if sniff(&body) != Some(declared.as_str()) {
        (
            "文件内容与类型不符",
            "The file's content does not match its type",
            "file.type_mismatch",
            "file",
        )
    } else {
        ("", "", "", "")
    };
    if !code.is_empty() {
        let message = if lang == Lang::Zh { zh } else { en };
        return Err(ApiFailure::bad_field(field, code, message));
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
fn percent_decode(s: &str) -> Option<String> {
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
async fn download_attachment(
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

fn user_view(u: &crate::store::UserRecord) -> duban_api::UserView {
    duban_api::UserView {
        id: u.id.clone(),
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: u.role.clone(),
        unit_id: u.unit_id.clone(),
        disabled: u.disabled,
    }
}

/// Active accounts with the supervisor role, for the people who name a case's
/// supervisor; no roles, units or ids beyond the name.
async fn supervisors(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
) -> Result<axum::Json<Vec<duban_api::PersonView>>, ApiFailure> {
    use crate::auth::Role;
    actor.require(&[Role::Admin, Role::Coordinator, Role::Supervisor], lang)?;
    let supervisor = Role::Supervisor.code();
    Ok(axum::Json(
        s.store
            .users()
            .await?
            .into_iter()
            .filter(|u| !u.disabled && u.role == supervisor)
            .map(|u| duban_api::PersonView {
                username: u.username,
                display_name: u.display_name,
            })
            .collect(),
    ))
}

async fn admin_users(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
) -> Result<axum::Json<Vec<duban_api::UserView>>, ApiFailure> {
    actor.require(&[crate::auth::Role::Admin], lang)?;
    Ok(axum::Json(
        s.store.users().await?.iter().map(user_view).collect(),
    ))
}

async fn admin_create_user(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiJson(d): ApiJson<duban_api::UserDraft>,
) -> Result<(StatusCode, axum::Json<duban_api::UserView>), ApiFailure> {
    actor.require(&[crate::auth::Role::Admin], lang)?;
    let role = crate::auth::Role::parse(&d.role).ok_or_else(|| {
        UserError::Invalid {
            field: "role",
            code: "role.unknown",
        }
        .into_failure(lang)
    })?;
    let user = s
        .create_user(
            &d.username,
            &d.display_name,
            role,
            d.unit_id.as_deref(),
            &d.password,
            &actor.who,
            &d.reason,
        )
        .await
        .map_err(|e| e.into_failure(lang))?;
    Ok((StatusCode::CREATED, axum::Json(user_view(&user))))
}

async fn admin_update_user(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<duban_api::UserPatch>,
) -> Result<axum::Json<duban_api::UserView>, ApiFailure> {
    actor.require(&[crate::auth::Role::Admin], lang)?;
    let user = s
        .update_user(&id, &patch, &actor)
        .await
        .map_err(|e| e.into_failure(lang))?;
    Ok(axum::Json(user_view(&user)))
}

async fn admin_create_unit(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiJson(d): ApiJson<duban_api::UnitDraft>,
) -> Result<(StatusCode, axum::Json<UnitView>), ApiFailure> {
    actor.require(&[crate::auth::Role::Admin], lang)?;
    let unit = s
        .save_unit(None, &d, &actor.who)
        .await
        .map_err(|e| e.into_failure(lang))?;
    Ok((StatusCode::CREATED, axum::Json(unit)))
}

async fn admin_update_unit(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    ApiJson(d): ApiJson<duban_api::UnitDraft>,
) -> Result<axum::Json<UnitView>, ApiFailure> {
    actor.require(&[crate::auth::Role::Admin], lang)?;
    let unit = s
        .save_unit(Some(&id), &d, &actor.who)
        .await
        .map_err(|e| e.into_failure(lang))?;
    Ok(axum::Json(unit))
}

/// The list filters of a query, limited to the actor's jurisdiction.
fn case_filter(q: &ListQuery, actor: &Actor, lang: Lang) -> Result<CaseFilter, ApiFailure> {
    let mut f = CaseFilter {
        limit: i64::from(duban_api::DEFAULT_PAGE),
        units: actor.jurisdiction.clone(),
        ..CaseFilter::default()
    };
    let mut errs = Errors::default();
    let unknown = |field: &str, v: &str| CaseError::UnknownValue {
        field: field.into(),
        value: v.into(),
    };
    if let Some(st) = q.status.as_deref().filter(|v| !v.is_empty()) {
        match st.parse::<Status>() {
            Ok(st) => f.status = Some(st.code().to_owned()),
            Err(()) => errs.0.push(unknown("status", st)),
        }
    }
    if let Some(c) = q.category.as_deref().filter(|v| !v.is_empty()) {
        match c.parse::<Category>() {
            Ok(c) => f.category = Some(c.code().to_owned()),
            Err(()) => errs.0.push(unknown("category", c)),
        }
    }
    if let Some(d) = q.division.as_deref().filter(|v| !v.is_empty()) {
        match d.parse::<DivisionCode>() {
            Ok(code) => {
                let n = i64::from(code.as_u32());
                f.division = Some(match code.division().level() {
                    Level::Province => (n, n + 10_000),
                    Level::City => (n, n + 100),
                    Level::County => (n, n + 1),
                });
            }
            Err(_) => errs.0.push(CaseError::UnknownDivision { value: d.into() }),
        }
    }
    f.key = q.key;
    // The same day range as the board's (China days), with the board's codes.
    let range = duban_board::filter::BoardQuery {
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
        ..Default::default()
    };
    match duban_board::filter::BoardFilter::parse(&range) {
        Ok(r) if r.from().is_some() || r.to().is_some() => {
            let start = |d: chrono::NaiveDate| {
                d.and_hms_opt(0, 0, 0)
                    .map_or(0, |t| t.and_utc().timestamp_millis() - 8 * 3_600_000)
            };
            f.received = Some((
                r.from().map_or(i64::MIN, start),
                r.to().and_then(|d| d.succ_opt()).map_or(i64::MAX, start),
            ));
        }
        Ok(_) => {}
        Err(range_errs) => return Err(board::filter_errors(&range_errs, lang)),
    }
    if let Some(b) = q.batch {
        if !(1..=99).contains(&b) {
            errs.0.push(CaseError::OutOfRange {
                field: "batch".into(),
                min: 1,
                max: 99,
            });
        }
        f.batch = Some(i64::from(b));
    }
    if let Some(limit) = q.limit {
        if !(1..=duban_api::MAX_PAGE).contains(&limit) {
            errs.0.push(CaseError::OutOfRange {
                field: "limit".into(),
                min: 1,
                max: i64::from(duban_api::MAX_PAGE),
            });
        }
        f.limit = i64::from(limit);
    }
    if let Some(c) = q.cursor.as_deref().filter(|v| !v.is_empty()) {
        match decode_cursor(c) {
            Some(after) => f.after = Some(after),
            None => errs.0.push(CaseError::InvalidTime {
                field: "cursor".into(),
                value: c.into(),
            }),
        }
    }
    if !errs.is_empty() {
        return Err(ApiFailure::invalid(&errs, lang));
    }
    Ok(f)
}

async fn list_cases(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<axum::Json<Page<CaseSummary>>, ApiFailure> {
    let f = CaseFilter {
        count_up_to: Some(duban_api::LIST_COUNT_MAX),
        ..case_filter(&q, &actor, lang)?
    };
    let (items, total) = s.store.list_cases(&f).await?;
    let items = redaction::readable_summaries(&s, &actor, items).await?;
    let total_capped = total > duban_api::LIST_COUNT_MAX;
    let total = total.min(duban_api::LIST_COUNT_MAX);
    let next_cursor = (items.len() as i64 == f.limit)
        .then(|| {
            items
                .last()
                .map(|c| format!("{}_{}", c.received_at.timestamp_millis(), c.id))
        })
        .flatten();
    Ok(axum::Json(Page {
        items,
        total,
        total_capped,
        next_cursor,
    }))
}

/// Most rows one export carries; a larger selection is refused with a hint to filter.
pub const EXPORT_MAX_ROWS: u64 = 50_000;

/// The export's contact columns, for roles that handle complainants.
const CONTACT_ZH: [&str; 2] = ["举报人（脱敏）", "联系电话（脱敏）"];
const CONTACT_EN: [&str; 2] = ["Complainant (masked)", "Phone (masked)"];

/// The case list with the current filters as a table, newest first. Exports never
/// carry personal data unmasked, whatever the reader's role: administrators,
/// coordinators and handlers get the complainant's name and phone masked as on the case
/// page (`欧**`, `139****1234`), supervisors and leaders no complainant columns at all;
/// the text is redacted for every role ([`duban_case::privacy::redact`]: phone and ID
/// numbers, mail, the complainant's name typed into it).
async fn export_table(
    s: &AppState,
    actor: &Actor,
    q: &ListQuery,
    lang: Lang,
) -> Result<(Vec<&'static str>, Vec<Vec<String>>), ApiFailure> {
    let mut f = case_filter(q, actor, lang)?;
    f.limit = 1000;
    f.after = None;
    let header: Vec<&str> = match lang {
        Lang::Zh => vec![
            "案件编号",
            "交办编号",
            "接收时间",
            "来源渠道",
            "批次",
            "行政区域",
            "污染类型",
            "重点",
            "状态",
            "办理期限",
            "牵头单位",
            "举报内容摘要",
            CONTACT_ZH[0],
            CONTACT_ZH[1],
        ],
        Lang::En => vec![
            "Case number",
            "Transfer number",
            "Received",
            "Channel",
            "Batch",
            "Division",
            "Categories",
            "Key",
            "Status",
            "Due",
            "Lead unit",
            "Content excerpt",
            CONTACT_EN[0],
            CONTACT_EN[1],
        ],
    };
    // Those who handle complainants get them masked as on the case page (to know whom
    // to call back through the audited reveal); supervisors and leaders get no columns.
    let contact = actor.may_read_personal_data();
    let mut header = header;
    if !contact {
        header.truncate(header.len() - 2);
    }
    let mut rows = Vec::new();
    loop {
        let (items, total) = s.store.list_cases(&f).await?;
        // The lead unit and the complainant are in the full case, not the summary.
        let full = s.full_cases(&items).await?;
        if total > EXPORT_MAX_ROWS {
            let message = match lang {
                Lang::Zh => format!("导出最多{EXPORT_MAX_ROWS}条，当前筛选有{total}条，请缩小范围"),
                Lang::En => format!(
                    "An export holds at most {EXPORT_MAX_ROWS} cases; this selection has {total}. Narrow the filters."
                ),
            };
            return Err(ApiFailure::bad_field("limit", "export.too_large", message));
        }
        for c in &items {
            let local = |t: DateTime<Utc>| {
                (t + chrono::TimeDelta::hours(8))
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            };
            let cats: Vec<&str> = c.categories.iter().map(|x| x.label(lang)).collect();
            rows.push(vec![
                c.reference.to_string(),
                c.sender_ref.clone().unwrap_or_default(),
                local(c.received_at),
                c.channel.label(lang).to_owned(),
                c.batch.map(|b| b.number().to_string()).unwrap_or_default(),
                c.division_name.clone(),
                cats.join("、"),
                if c.key_classes.is_empty() { "" } else { "★" }.to_owned(),
                c.status.label(lang).to_owned(),
                c.clock
                    .as_ref()
                    .map(|k| local(k.due_at()))
                    .unwrap_or_default(),
                full.get(&c.id)
                    .and_then(|k| k.lead_unit())
                    .map(|u| {
                        s.unit_name(u.as_str())
                            .unwrap_or_else(|| u.as_str().to_owned())
                    })
                    .unwrap_or_default(),
                duban_case::privacy::redact(
                    &c.excerpt,
                    full.get(&c.id).and_then(|k| k.complainant().name()),
                ),
            ]);
            if let (true, Some(row)) = (contact, rows.last_mut()) {
                let person = full.get(&c.id).map(|k| k.complainant().masked());
                row.push(
                    person
                        .as_ref()
                        .and_then(|p| p.name())
                        .unwrap_or_default()
                        .to_owned(),
                );
                row.push(
                    person
                        .as_ref()
                        .and_then(|p| p.phone())
                        .map(|p| p.as_str().to_owned())
                        .unwrap_or_default(),
                );
            }
        }
        match items.last() {
            Some(last) if items.len() as i64 == f.limit => {
                f.after = Some((last.received_at.timestamp_millis(), last.id.to_string()));
            }
            _ => break,
        }
    }
    Ok((header, rows))
}

fn download(s: &AppState, ext: &str, content_type: &str, body: Vec<u8>) -> Response {
    let name = format!(
        "duban-cases-{}.{ext}",
        (s.now() + chrono::TimeDelta::hours(8)).format("%Y%m%d-%H%M")
    );
    download_named(&name, content_type, body)
}

/// A file to save: an ASCII fallback name and the real one in RFC 5987 form, so that
/// Chinese names survive.
fn download_named(name: &str, content_type: &str, body: Vec<u8>) -> Response {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type.to_owned()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        body,
    )
        .into_response()
}

/// The case list with the current filters as CSV (UTF-8 with BOM, so that Excel reads
/// the Chinese).
async fn export_csv(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, ApiFailure> {
    let (header, rows) = export_table(&s, &actor, &q, lang).await?;
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let csv_err = |e: csv::Error| ApiFailure::Unavailable(e.to_string());
    out.write_record(&header).map_err(csv_err)?;
    for r in &rows {
        out.write_record(r).map_err(csv_err)?;
    }
    let body = out
        .into_inner()
        .map_err(|e| ApiFailure::Unavailable(e.to_string()))?;
    tracing::info!(rows = rows.len(), "case export (csv)");
    Ok(download(&s, "csv", "text/csv; charset=utf-8", body))
}

/// The same table as an Excel workbook: a bold frozen header, filters on every
/// column, and widths that fit Chinese text.
async fn export_xlsx(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, ApiFailure> {
    let (header, rows) = export_table(&s, &actor, &q, lang).await?;
    let body = xlsx_of(
        &header,
        &rows,
        if lang == Lang::Zh {
            "案件清单"
        } else {
            "Cases"
        },
    )
    .map_err(|e| ApiFailure::Unavailable(e.to_string()))?;
    tracing::info!(rows = rows.len(), "case export (xlsx)");
    Ok(download(
        &s,
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        body,
    ))
}

/// A one-sheet workbook of a header and text rows.
pub fn xlsx_of(
    header: &[&str],
    rows: &[Vec<String>],
    sheet: &str,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet)?;
    let bold = Format::new().set_bold().set_background_color("#E8EEF7");
    let mut widths: Vec<usize> = header.iter().map(|h| display_width(h)).collect();
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, v)?;
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(display_width(v));
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w).clamp(6, 60) as f64 + 1.0)?;
    }
    ws.set_freeze_panes(1, 0)?;
    if !header.is_empty() {
        ws.autofilter(0, 0, rows.len() as u32, header.len() as u16 - 1)?;
    }
    book.save_to_buffer()
}

/// Columns a text takes: CJK characters count twice.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

fn decode_cursor(c: &str) -> Option<(i64, String)> {
    let (ms, id) = c.split_once('_')?;
    let id: CaseId = id.parse().ok()?;
    Some((ms.parse().ok()?, id.to_string()))
}

async fn calendar_year(
    ReqLang(lang): ReqLang,
    Path(year): Path<String>,
) -> Result<Response, ApiFailure> {
    let year: i32 = year
        .parse()
        .ok()
        .filter(|y| (2000..=2199).contains(y))
        .ok_or_else(|| ApiFailure::not_found("year", "year.out_of_range", lang))?;
    let cal = Calendar::official();
    let days: Vec<_> = cal.year(year).collect();
    let basis = match cal.coverage(year) {
        duban_calendar::Basis::Official => "official",
        duban_calendar::Basis::WeekendsOnly => "weekends_only",
    };
    let mut resp = axum::Json(days).into_response();
    resp.headers_mut().insert(
        duban_api::CALENDAR_BASIS_HEADER,
        HeaderValue::from_static(basis),
    );
    Ok(resp)
}

async fn units(
    State(s): State<AppState>,
    _actor: Actor,
) -> Result<axum::Json<Vec<UnitView>>, ApiFailure> {
    Ok(axum::Json(s.store.units().await?))
}

async fn rule_sets(
    State(s): State<AppState>,
    _actor: Actor,
) -> Result<axum::Json<Vec<RuleSet>>, ApiFailure> {
    Ok(axum::Json(s.store.rule_sets().await?))
}

/// Replace an SLA rule set (administrators). Validated by `duban-sla`; clocks already
/// running keep the limits they started with, new clocks use the edit.
async fn put_rule_set(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<axum::Json<RuleSet>, ApiFailure> {
    actor.require(&[crate::auth::Role::Admin], lang)?;
    let body: duban_api::RuleSetUpdate = serde_json::from_value(body)
        .map_err(|e| ApiFailure::bad_field("body", "json.invalid", e.to_string()))?;
    if s.rule_set(&id).is_none() {
        return Err(ApiFailure::not_found("id", "rule_set.not_found", lang));
    }
    if body.reason.trim().is_empty() {
        return Err(ApiFailure::bad_field(
            "reason",
            "reason.required",
            UserError::message("reason.required", lang),
        ));
    }
    if body.rule_set.id != id {
        let message = match lang {
            Lang::Zh => "规则编号与地址不一致",
            Lang::En => "The rule set's id differs from the one in the path",
        };
        return Err(ApiFailure::bad_field(
            "rule_set.id",
            "rule_set.id_mismatch",
            message,
        ));
    }
    let set = RuleSet::try_from(body.rule_set).map_err(|e| {
        ApiFailure::bad_field("rule_set", &format!("rule_set.{}", e.code()), e.to_string())
    })?;
    let now = s.now();
    let audit = actor.who.entry(
        now,
        "sla.rule_set_update",
        None,
        &id,
        &body.reason,
        serde_json::json!({ "rules": set.rules().len(), "warn_percent": set.warn_percent() }),
    );
    s.store
        .save_rule_set(&set, now.timestamp_millis(), &audit)
        .await?;
    if let Ok(mut rules) = s.rules.write() {
        rules.insert(id, set.clone());
    }
    Ok(axum::Json(set))
}

use duban_api::{LoginRequest as LoginBody, LoginResponse as LoginOk};

fn auth_error(code: &str, lang: Lang) -> ErrorBody {
    let message = match (code, lang) {
        ("auth.invalid_credentials", Lang::Zh) => "用户名或密码错误",
        ("auth.invalid_credentials", Lang::En) => "Wrong username or password",
        ("auth.throttled", Lang::Zh) => "登录失败次数过多，请15分钟后再试",
        ("auth.throttled", Lang::En) => "Too many failed logins; try again in 15 minutes",
        ("auth.address_throttled", Lang::Zh) => "此地址登录失败次数过多，请15分钟后再试",
        ("auth.address_throttled", Lang::En) => {
            "Too many failed logins from this address; try again in 15 minutes"
        }
        ("auth.required", Lang::Zh) => "请先登录",
        ("auth.required", Lang::En) => "Please sign in",
        (_, Lang::Zh) => "CSRF 校验失败，请刷新页面后重试",
        (_, Lang::En) => "CSRF check failed; reload the page and try again",
    };
    ErrorBody::single("auth", code, message)
}

async fn login(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    Origin(ip, user_agent): Origin,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Response, ApiFailure> {
    let now = s.now();
    let attempted: String = body.username.trim().chars().take(64).collect();
    let who = |username: &str, role: &str| Who {
        username: username.to_owned(),
        role: role.to_owned(),
        ip: ip.clone(),
        user_agent: user_agent.clone(),
    };
    if s.address_throttle.locked(&ip, now) {
        return Err(ApiFailure::TooManyRequests(auth_error(
            "auth.address_throttled",
            lang,
        )));
    }
    if s.throttle.locked(&body.username, now) {
        return Err(ApiFailure::TooManyRequests(auth_error(
            "auth.throttled",
            lang,
        )));
    }
    let user = s.store.user_by_username(body.username.trim()).await?;
    let hash = user
        .as_ref()
        .map_or(crate::auth::dummy_hash(), |u| u.password_hash.as_str());
    let ok = crate::auth::verify_password(&body.password, hash);
    let Some(user) = user.filter(|u| ok && !u.disabled) else {
        s.throttle.fail(&body.username, now);
        s.address_throttle.fail(&ip, now);
        s.store
            .record_audit(&who("", "").entry(
                now,
                "auth.login_failed",
                None,
                &attempted,
                "",
                serde_json::Value::Null,
            ))
            .await?;
        return Err(ApiFailure::Unauthorized(auth_error(
            "auth.invalid_credentials",
            lang,
        )));
    };
    s.throttle.succeed(&body.username);
    // Sign-in is rare enough to sweep expired sessions and idempotency keys here.
    s.store
        .delete_expired_sessions(now.timestamp_millis())
        .await?;
    s.store
        .purge_idempotency(
            (now - chrono::TimeDelta::days(idempotency::KEEP_DAYS)).timestamp_millis(),
            false,
        )
        .await?;
    s.store
        .record_audit(&who(&user.username, &user.role).entry(
            now,
            "auth.login",
            None,
            &user.username,
            "",
            serde_json::Value::Null,
        ))
        .await?;
    let token = crate::auth::random_token();
    let csrf = crate::auth::random_token();
    let expires = now + chrono::TimeDelta::hours(crate::auth::SESSION_HOURS);
    s.store
        .insert_session(
            &crate::auth::token_hash(&token),
            &user.id,
            &csrf,
            now.timestamp_millis(),
            expires.timestamp_millis(),
        )
        .await?;
    let mut resp = axum::Json(LoginOk {
        user: (&user).into(),
        csrf_token: csrf.clone(),
    })
    .into_response();
    let max_age = crate::auth::SESSION_HOURS * 3600;
    for c in crate::auth::session_cookies(&token, &csrf, max_age, crate::auth::is_https(&headers)) {
        if let Ok(v) = HeaderValue::from_str(&c) {
            resp.headers_mut().append(axum::http::header::SET_COOKIE, v);
        }
    }
    Ok(resp)
}

/// The session behind a request, if any: (user, CSRF token, token hash).
async fn session_of(
    s: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(crate::store::UserRecord, String, String)>, ApiFailure> {
    let Some(token) = crate::auth::cookie(headers, crate::auth::SESSION_COOKIE) else {
        return Ok(None);
    };
    let hash = crate::auth::token_hash(&token);
    Ok(s.store
        .session(&hash, s.now().timestamp_millis())
        .await?
        .map(|(u, csrf)| (u, csrf, hash)))
}

async fn me(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    headers: HeaderMap,
) -> Result<axum::Json<duban_api::Me>, ApiFailure> {
    match session_of(&s, &headers).await? {
        Some((user, _, _)) => Ok(axum::Json((&user).into())),
        None => Err(ApiFailure::Unauthorized(auth_error("auth.required", lang))),
    }
}

async fn logout(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    Origin(ip, user_agent): Origin,
    headers: HeaderMap,
) -> Result<Response, ApiFailure> {
    let Some((user, csrf, hash)) = session_of(&s, &headers).await? else {
        return Err(ApiFailure::Unauthorized(auth_error("auth.required", lang)));
    };
    let sent = headers
        .get(crate::auth::CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if sent.is_empty() || sent != csrf {
        return Err(ApiFailure::Forbidden(auth_error("csrf.invalid", lang)));
    }
    s.store.delete_session(&hash).await?;
    let who = Who {
        username: user.username.clone(),
        role: user.role.clone(),
        ip,
        user_agent,
    };
    s.store
        .record_audit(&who.entry(
            s.now(),
            "auth.logout",
            None,
            &user.username,
            "",
            serde_json::Value::Null,
        ))
        .await?;
    let mut resp = StatusCode::NO_CONTENT.into_response();
    for c in crate::auth::session_cookies("", "", 0, crate::auth::is_https(&headers)) {
        if let Ok(v) = HeaderValue::from_str(&c) {
            resp.headers_mut().append(axum::http::header::SET_COOKIE, v);
        }
    }
    Ok(resp)
}

async fn openapi() -> axum::Json<serde_json::Value> {
    axum::Json(crate::openapi::document())
}
