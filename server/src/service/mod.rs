pub mod cases;
pub mod dispatch;
pub mod mechanisms;
pub mod open_work;
pub mod redaction;
pub mod routing;
pub mod supervisor_rule;
pub mod sweep;
pub mod users;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};

use duban_api::UnitView;
use duban_case::lifecycle::{self, Case};
use duban_sla::RuleSet;

use crate::store::Store;

use crate::http::idempotency;
use crate::http::limit;
/// Shared state of the server.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub(crate) rules: Arc<RwLock<HashMap<String, RuleSet>>>,
    pub(crate) units: Arc<RwLock<HashMap<String, UnitView>>>,
    /// The clock: `Utc::now` in production; tests may pin it.
    pub(crate) now: Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>,
    pub(crate) throttle: Arc<crate::auth::Throttle>,
    /// Failed sign-ins per client address.
    pub(crate) address_throttle: Arc<crate::auth::Throttle>,
    pub(crate) routing: Arc<RwLock<duban_dispatch::RoutingRules>>,
    pub(crate) plans: Arc<RwLock<duban_emergency::Plans>>,
    /// `Idempotency-Key` requests this process is carrying out now, (principal, key):
    /// the only record of a running request (`idempotency.in_progress`); a key whose
    /// write committed without an answer and that is not here was cut off by a stop
    /// (`idempotency.answer_lost`).
    pub(crate) in_flight: Arc<std::sync::Mutex<std::collections::HashSet<(String, String)>>>,
    /// Set when the server begins to shut down: `/readyz` then says so, while requests
    /// in flight finish.
    pub(crate) draining: Arc<std::sync::atomic::AtomicBool>,
    /// Requests per client address (`duban serve --rate-limit`); none: unlimited.
    pub(crate) rate_limit: Option<Arc<limit::RateLimit>>,
    /// How long a session may go unused (`duban serve --idle-minutes`); none: no limit
    /// but the session's lifetime.
    pub(crate) idle_timeout: Option<chrono::TimeDelta>,
}

/// Where the edited emergency plans are kept (the defaults until someone edits them).
pub(crate) const PLANS_KEY: &str = "plan_templates";

/// A case change decided but not yet stored: expected version, new state, events,
/// audit entry, counters.
pub(crate) type Decided = (
    u64,
    Case,
    Vec<lifecycle::Event>,
    duban_api::AuditEntry,
    Vec<String>,
);

/// A new case ready to be stored.
pub type Prepared = crate::store::NewRow;

pub(crate) fn inserts(built: &[Prepared]) -> Vec<crate::store::Insert<'_>> {
    built.iter().map(Prepared::as_insert).collect()
}

/// Where the edited routing rules are kept (the defaults until someone edits them).
pub(crate) const ROUTING_RULES_KEY: &str = "routing_rules";

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
            idle_timeout: idle_timeout(crate::auth::IDLE_MINUTES),
        })
    }
}

impl AppState {
    /// Limit each client address to `per_second` requests a second, `burst` at once
    /// (0: no limit).
    pub fn with_rate_limit(mut self, per_second: u32, burst: u32) -> AppState {
        self.rate_limit = limit::RateLimit::new(per_second, burst).map(Arc::new);
        self
    }

    /// End sessions unused for `minutes` (0: only at the end of their lifetime).
    pub fn with_idle_minutes(mut self, minutes: u32) -> AppState {
        self.idle_timeout = idle_timeout(minutes);
        self
    }

    /// The idle time in seconds, for the browser's warning (0: none).
    pub fn idle_seconds(&self) -> u64 {
        self.idle_timeout
            .map_or(0, |t| u64::try_from(t.num_seconds()).unwrap_or(0))
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

    pub(crate) fn unit_name(&self, id: &str) -> Option<String> {
        self.units.read().ok()?.get(id).map(|u| u.name.clone())
    }
}

impl AppState {
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

    pub(crate) fn unit_exists(&self, id: &str) -> bool {
        self.units.read().is_ok_and(|m| m.contains_key(id))
    }
}

fn idle_timeout(minutes: u32) -> Option<chrono::TimeDelta> {
    (minutes > 0).then(|| chrono::TimeDelta::minutes(i64::from(minutes)))
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
