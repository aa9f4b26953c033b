//! Storage behind one trait, [`Store`], implemented once by [`SqlStore`] over SQLite
//! ([`SqliteStore`]) and PostgreSQL ([`PgStore`]), each database with its own migrations.
//! Both run the same SQL text (numbered `$1` placeholders, integer milliseconds for time,
//! JSON as text).
//!
//! Why generic over `sqlx::Database` rather than `sqlx::Any`: callers (tests, benches)
//! keep each database's own pool (`SqliteStore::pool()` is a `SqlitePool`, the backup
//! round trip closes it); `Any` converts every argument and every row value once more
//! on the store's hottest paths (case JSON on every list and write); and `Any` opens
//! SQLite without `SqliteConnectOptions` (WAL, `synchronous`, busy timeout would become
//! pragmas run after connecting). The cost of generic sqlx code, a where-clause per value
//! type at every generic function, is paid once in [`sql`]. What differs between the
//! databases stays explicit and small: [`sql::Kind`] (`kind()`, the statistics pass after
//! a board recount), `open.rs` (connection options), `backup.rs` (SQLite only).
//!
//! One module per concern: `cases`, `board`, `imports`, `connect` (connected systems),
//! `accounts` (users, sessions, units), `audit`, `aggregates` (mechanisms),
//! `attachments`, `idempotency`, `open311`, `meta` (meta, configuration, rule sets,
//! serials, counters); `engine` holds the writer path and the [`Store`] impl that
//! forwards to them; `open` connects and migrates.
use async_trait::async_trait;
use duban_api::{AuditEntry, AuditRecord, CaseSummary, EventView, UnitView};
use duban_case::lifecycle::{Case, Event};
use duban_sla::RuleSet;

pub mod backup;
pub mod board;
pub mod writer;

mod accounts;
mod aggregates;
mod attachments;
mod audit;
mod cases;
mod connect;
mod engine;
mod idempotency;
mod imports;
mod meta;
mod open;
mod open311;
#[cfg(test)]
mod schema_tests;
mod sql;

use board::BoardData;

tokio::task_local! {
    /// The `Idempotency-Key` request being served, if any: every write transaction
    /// committed on its behalf writes the key's row in that same transaction (see
    /// [`Claim::Lost`]).
    pub static IDEMPOTENCY: IdempotencyMark;
}

/// Whose key a write is made for, and the request it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyMark {
    pub principal: String,
    pub key: String,
    pub fingerprint: String,
    /// When the request came (milliseconds), for purging old keys.
    pub created_at: i64,
}

/// What the store holds for an `Idempotency-Key`. Requests running now are not stored:
/// the server tracks them in memory (one server process per database).
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// Not used yet, or used by a request that wrote nothing and kept no answer.
    New,
    /// Answered before: the first answer.
    Replay {
        status: u16,
        content_type: String,
        body: Vec<u8>,
    },
    /// The key was used for a different request.
    Mismatch,
    /// The first request's write committed but its answer was lost (the server stopped
    /// in between): it is done, and must not be done again.
    Lost,
}

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The case changed since it was read (optimistic concurrency).
    #[error("version conflict (current version {current})")]
    Conflict { current: u64 },
    #[error("database error: {0}")]
    Database(sqlx::Error),
    #[error("stored data does not parse: {0}")]
    Corrupt(String),
    /// A unique key is taken (a username, say).
    #[error("already exists: {0}")]
    Duplicate(String),
    /// A row the change needs is not there (an unknown user or unit id).
    #[error("not found: {0}")]
    NotFound(String),
    /// The write could not be carried out (its group's transaction failed).
    #[error("storage unavailable: {0}")]
    Unavailable(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Duplicate(db.message().to_owned())
            }
            _ => StoreError::Database(e),
        }
    }
}

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: String,
    pub username: String,
    pub display_name: String,
    /// A role code (`admin`, `coordinator`, `supervisor`, `handler`, `leader`).
    pub role: String,
    pub unit_id: Option<String>,
    /// argon2id PHC string.
    pub password_hash: String,
    pub disabled: bool,
}

/// A session to store at sign-in (the token only by its SHA-256).
#[derive(Debug, Clone, Copy)]
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    /// Names the session to administrators; not a secret.
    pub id: &'a str,
    pub user_id: &'a str,
    pub csrf: &'a str,
    pub now_ms: i64,
    pub expires_ms: i64,
    pub user_agent: &'a str,
    pub ip: &'a str,
}

/// The session behind a request: its user, CSRF token and last use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveSession {
    pub user: UserRecord,
    pub csrf: String,
    pub last_seen_ms: i64,
}

/// A session as administrators see it (never its token or token hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id: String,
    pub created_ms: i64,
    pub last_seen_ms: i64,
    pub expires_ms: i64,
    pub user_agent: String,
    pub ip: String,
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Filters for listing, already parsed.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub status: Option<String>,
    /// Half-open range of six-digit division codes.
    pub division: Option<(i64, i64)>,
    pub category: Option<String>,
    pub key: Option<bool>,
    pub batch: Option<i64>,
    /// Received in `[from, to)`, milliseconds.
    pub received: Option<(i64, i64)>,
    /// Only cases with an extension request waiting for a decision.
    pub pending_extension: bool,
    /// Only cases whose running clocks have climbed at least this far (see
    /// [`escalation_rank`]).
    pub min_escalation: Option<i64>,
    /// Only cases dispatched to one of these units (a handler's jurisdiction).
    pub units: Option<Vec<String>>,
    /// Keyset: strictly after this (received_at ms, id) in descending order.
    pub after: Option<(i64, String)>,
    pub limit: i64,
    /// `cases`: the earliest due first (cases without a running clock last) instead of
    /// the earliest received; what the inbox lists when more waits than it shows.
    pub urgent_first: bool,
    /// `list_cases`: count the total only up to one more than this (a page's "at
    /// least"): an exact count of a million rows costs more than the page itself.
    pub count_up_to: Option<u64>,
    /// Only cases not paused (a paused case waits for nobody).
    pub running: bool,
    /// Only cases with a running clock.
    pub with_clock: bool,
}

/// Filters of the audit trail, already parsed.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    /// Exact action code, or a prefix when it ends in `.`.
    pub action: Option<String>,
    pub case_id: Option<String>,
    /// Substring of target or reason.
    pub q: Option<String>,
    /// Half-open range of milliseconds.
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    /// Keyset: entries with a smaller sequence number.
    pub before: Option<i64>,
    pub limit: i64,
}

/// One case's change: its new state, the events that led there, the audit entry, and
/// named counters to bump (routing statistics), all stored together.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    /// The version the change was decided on (optimistic concurrency).
    pub expected: u64,
    pub case: &'a Case,
    pub events: &'a [Event],
    pub audit: &'a AuditEntry,
    pub counters: &'a [String],
}

/// An event of a mechanism aggregate, serialized by its crate.
#[derive(Debug, Clone)]
pub struct AggregateEvent {
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    /// The event's type code.
    pub kind: String,
    /// The event as JSON.
    pub body: String,
}

/// A mechanism aggregate's new state and events, with the audit entry and who takes
/// part, to be stored if its stored version is still `expected` (0: not stored yet).
#[derive(Debug, Clone, Copy)]
pub struct AggregateSave<'a> {
    pub kind: &'a str,
    pub key: &'a str,
    pub case_id: Option<&'a str>,
    pub expected: u64,
    /// The state as JSON.
    pub state: &'a str,
    pub events: &'a [AggregateEvent],
    pub audit: &'a AuditEntry,
    pub access: &'a AggregateAccess,
}

/// Who takes part in an aggregate: its parties (for inboxes) and units to be given
/// sight of its case (a referral's receiver and co-handlers).
#[derive(Debug, Clone, Default)]
pub struct AggregateAccess {
    pub parties: Vec<String>,
    pub grant_case_to: Vec<String>,
    /// When the sweeper next has a ladder step to fire for the aggregate's clocks.
    pub next_step_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// One new case to store: with its opening event, audit entry and, when it came from
/// another system, that system's name and number for it.
#[derive(Debug, Clone, Copy)]
pub struct Insert<'a> {
    pub case: &'a Case,
    pub opening: &'a Event,
    pub audit: &'a AuditEntry,
    pub external: Option<(&'a str, &'a str)>,
}

/// A new case ready to be stored: an [`Insert`] owned, to be sent to the writer task.
#[derive(Debug, Clone)]
pub struct NewRow {
    pub case: Case,
    pub opening: Event,
    pub audit: AuditEntry,
    /// The case's number in another system: (system, number).
    pub external: Option<(String, String)>,
}

/// Makes the new cases inside the writer's transaction from the first reference
/// serial reserved for each counter (see [`Store::insert_numbered`]).
pub type BuildRows =
    Box<dyn FnOnce(&std::collections::BTreeMap<String, i64>) -> StoreResult<Vec<NewRow>> + Send>;

impl NewRow {
    fn of(i: &Insert<'_>) -> NewRow {
        NewRow {
            case: i.case.clone(),
            opening: i.opening.clone(),
            audit: i.audit.clone(),
            external: i.external.map(|(a, b)| (a.to_owned(), b.to_owned())),
        }
    }
    pub fn as_insert(&self) -> Insert<'_> {
        Insert {
            case: &self.case,
            opening: &self.opening,
            audit: &self.audit,
            external: self
                .external
                .as_ref()
                .map(|(a, b)| (a.as_str(), b.as_str())),
        }
    }
}

/// A committed batch import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRecord {
    pub id: String,
    pub fingerprint: String,
    pub file_name: String,
    pub rows: i64,
    pub by_user: String,
    pub created_at: i64,
}

/// A system connected through an API key (`hotline` for a 12345 platform, `open311`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiClientRecord {
    pub id: String,
    pub name: String,
    pub kind: String,
    /// SHA-256 of the key, hex.
    pub key_hash: String,
    pub disabled: bool,
    pub created_at: i64,
}

/// A mechanism aggregate the sweeper has to look at.
#[derive(Debug, Clone)]
pub struct DueAggregate {
    pub kind: String,
    pub key: String,
    pub state: String,
    pub version: u64,
}

/// A file attached to a case, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRecord {
    pub id: String,
    pub case_id: String,
    pub name: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: chrono::DateTime<chrono::Utc>,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// `sqlite` or `postgres`.
    fn kind(&self) -> &'static str;
    async fn ping(&self) -> StoreResult<()>;
    /// Next value of a named counter (reference serials), atomically.
    async fn next_serial(&self, name: &str) -> StoreResult<i64> {
        self.reserve_serials(name, 1).await
    }
    /// Reserve `n` (at least one) consecutive values of a named counter at once; returns
    /// the first.
    async fn reserve_serials(&self, name: &str, n: i64) -> StoreResult<i64>;
    /// Store a new case, its opening event and its audit entry in one transaction.
    async fn insert_case(
        &self,
        case: &Case,
        opening: &Event,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        self.insert_cases(&[Insert {
            case,
            opening,
            audit,
            external: None,
        }])
        .await
    }
    /// Store new cases with their opening events, audit entries and numbers in other
    /// systems, all in one transaction or none (a number already taken: `Duplicate`).
    async fn insert_cases(&self, rows: &[Insert<'_>]) -> StoreResult<()>;
    /// Reserve reference serials (counter → how many) and store the cases `build` makes
    /// from the first serial of each counter, in one transaction: serials are not used
    /// up when the cases are refused (a number elsewhere already taken: `Duplicate`).
    async fn insert_numbered(
        &self,
        wanted: std::collections::BTreeMap<String, i64>,
        build: BuildRows,
    ) -> StoreResult<Vec<Case>>;
    /// Cases received in `[from_ms, to_ms]` in divisions `[lo, hi)` or with this phone
    /// digest, not merged, at most `limit`, newest first: repeat candidates.
    async fn repeat_candidates(
        &self,
        division: (i64, i64),
        phone_digest: Option<&str>,
        from_ms: i64,
        to_ms: i64,
        limit: i64,
    ) -> StoreResult<Vec<RepeatRow>>;
    /// Fill the repeat columns of cases stored before they existed; returns how many.
    async fn backfill_repeat_columns(&self, batch: i64) -> StoreResult<u64>;
    /// The import of the batch with this fingerprint, if it was imported.
    async fn import_by_fingerprint(&self, fingerprint: &str) -> StoreResult<Option<ImportRecord>>;
    /// Store an import and all its cases in one transaction, or nothing (`Duplicate`
    /// when the batch, or one of its numbers, was imported meanwhile).
    /// `refs` are further numbers of the new cases, (system, number, case id), unique
    /// like the cases' own: a transfer number once per year whatever its batch.
    async fn commit_import(
        &self,
        import: &ImportRecord,
        rows: &[Insert<'_>],
        refs: &[(String, String, String)],
        audit: &AuditEntry,
    ) -> StoreResult<()>;
    /// The case another system knows by `external_id`.
    async fn case_by_external(&self, system: &str, external_id: &str) -> StoreResult<Option<Case>>;
    /// Which of these numbers another system's cases already hold: (number, reference).
    async fn externals_taken(
        &self,
        system: &str,
        external_ids: &[String],
    ) -> StoreResult<Vec<(String, String)>>;
    /// Register a connected system with its audit entry.
    async fn insert_api_client(&self, c: &ApiClientRecord, audit: &AuditEntry) -> StoreResult<()>;
    /// The enabled connected system holding this key (by its SHA-256).
    async fn api_client_by_key_hash(&self, key_hash: &str) -> StoreResult<Option<ApiClientRecord>>;
    async fn api_clients(&self) -> StoreResult<Vec<ApiClientRecord>>;
    /// Enable or disable a connected system, with its audit entry.
    async fn set_api_client_disabled(
        &self,
        id: &str,
        disabled: bool,
        audit: &AuditEntry,
    ) -> StoreResult<()>;
    async fn get_case(&self, id: &str) -> StoreResult<Option<Case>>;
    /// The id of the case with this reference (`JS-2026-B03-0015`).
    async fn case_id_by_reference(&self, reference: &str) -> StoreResult<Option<String>>;
    /// The cases of these ids that exist, in no particular order.
    async fn cases_by_id(&self, ids: &[String]) -> StoreResult<Vec<Case>>;
    /// Store changes to several cases in one transaction: all of them, or none when any
    /// case's stored version is no longer the one its change expected (`Conflict`).
    async fn update_cases(&self, changes: &[Change<'_>]) -> StoreResult<()>;
    /// Append events, store the new state and the audit entry in one transaction, if
    /// the stored version is still `expected`.
    async fn update_case(
        &self,
        expected: u64,
        case: &Case,
        events: &[Event],
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        self.update_cases(&[Change {
            expected,
            case,
            events,
            audit,
            counters: &[],
        }])
        .await
    }
    /// Full cases matching a filter (no paging; callers bound the selection).
    async fn cases(&self, f: &CaseFilter) -> StoreResult<Vec<Case>>;
    /// The map board's figures for a filter, from the maintained cells.
    async fn board(&self, f: &duban_board::filter::BoardFilter) -> StoreResult<BoardData>;
    /// Count every stored case into the board anew when the board's layout changed
    /// (or was never filled); returns how many cases were counted, None when current.
    async fn rebuild_board(&self, force: bool) -> StoreResult<Option<u64>>;
    /// A batch's cases cleared for publication, in reference order.
    async fn publishable_cases(&self, batch: i64) -> StoreResult<Vec<Case>>;
    /// Batches with cases cleared for publication: (batch, cleared, all cases).
    async fn public_batches(&self) -> StoreResult<Vec<(i64, i64, i64)>>;
    /// Open work for the daily clearing view: cases waiting for dispatch or sign-for,
    /// and cases whose running clock falls due before `before_ms`; with their units
    /// column (`,lead,co,…,`). At most `limit` rows, most urgent first.
    async fn open_work(
        &self,
        units: Option<&[String]>,
        before_ms: i64,
        limit: i64,
    ) -> StoreResult<Vec<(CaseSummary, String)>>;
    /// Cases with an escalation step due by `now_ms`, most overdue first.
    async fn due_escalations(&self, now_ms: i64, limit: i64) -> StoreResult<Vec<Case>>;
    /// Named counters whose name starts with `prefix`.
    async fn counters(&self, prefix: &str) -> StoreResult<Vec<(String, i64)>>;
    /// A mechanism aggregate's state (JSON) and version.
    async fn aggregate(&self, kind: &str, key: &str) -> StoreResult<Option<(String, u64)>>;
    /// Store an aggregate's new state and events with the audit entry, if its stored
    /// version is still `expected` (0: not stored yet).
    async fn save_aggregate(&self, save: AggregateSave<'_>) -> StoreResult<()>;
    /// States of the aggregates of a kind that a case has, or that these units take
    /// part in (newest first, at most `limit`).
    async fn aggregates(
        &self,
        kind: &str,
        case_id: Option<&str>,
        units: Option<&[String]>,
        limit: i64,
    ) -> StoreResult<Vec<String>>;
    /// Aggregates whose next ladder step is due by `now_ms`, earliest first.
    async fn due_aggregates(&self, now_ms: i64, limit: i64) -> StoreResult<Vec<DueAggregate>>;
    /// Rewrite when an aggregate's next ladder step is due, if its version is still
    /// `expected` (a sweep that found nothing to fire).
    async fn reschedule_aggregate(
        &self,
        kind: &str,
        key: &str,
        expected: u64,
        next_step_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> StoreResult<()>;
    /// The units a case was referred to (`,dept-zjt,`).
    /// States of the aggregates of a kind kept under these keys (a supervision's key is
    /// its case id), in no particular order; keys without one are left out.
    async fn aggregates_by_key(&self, kind: &str, keys: &[String]) -> StoreResult<Vec<String>>;
    async fn referred_units(&self, case_id: &str) -> StoreResult<String>;
    /// An aggregate's events as stored JSON, oldest first, with their sequence numbers.
    async fn aggregate_events(&self, kind: &str, key: &str) -> StoreResult<Vec<(u64, String)>>;
    /// Store an uploaded file with its audit entry.
    async fn insert_attachment(
        &self,
        a: &AttachmentRecord,
        data: &[u8],
        audit: &AuditEntry,
    ) -> StoreResult<()>;
    async fn attachments(&self, case_id: &str) -> StoreResult<Vec<AttachmentRecord>>;
    async fn attachment(&self, id: &str) -> StoreResult<Option<(AttachmentRecord, Vec<u8>)>>;
    /// Set a configuration value (routing rules …) with its audit entry.
    async fn set_config(&self, key: &str, value: &str, audit: &AuditEntry) -> StoreResult<()>;
    async fn events(&self, id: &str) -> StoreResult<Vec<EventView>>;
    async fn list_cases(&self, f: &CaseFilter) -> StoreResult<(Vec<CaseSummary>, u64)>;
    /// How many cases match a filter (its cursor and limit aside), and how many of them
    /// have their running clock due by `now_ms`: the inbox's real totals.
    async fn count_due(&self, f: &CaseFilter, now_ms: i64) -> StoreResult<(u64, u64)>;
    async fn units(&self) -> StoreResult<Vec<UnitView>>;
    /// Seed a unit unless its id exists (reference data, not audited).
    async fn upsert_unit(&self, unit: &UnitView, sort: i64) -> StoreResult<()>;
    /// Add a unit (a taken id is `Duplicate`) with its audit entry.
    async fn insert_unit(&self, unit: &UnitView, audit: &AuditEntry) -> StoreResult<()>;
    /// Change a unit's name, kind, parent or division, with its audit entry.
    async fn update_unit(&self, unit: &UnitView, audit: &AuditEntry) -> StoreResult<()>;
    async fn rule_sets(&self) -> StoreResult<Vec<RuleSet>>;
    /// Store a rule set unless one with its id exists (defaults never overwrite edits).
    async fn seed_rule_set(&self, set: &RuleSet, now_ms: i64) -> StoreResult<()>;
    /// Replace an existing rule set with its audit entry.
    async fn save_rule_set(
        &self,
        set: &RuleSet,
        now_ms: i64,
        audit: &AuditEntry,
    ) -> StoreResult<()>;
    async fn count_users(&self) -> StoreResult<u64>;
    /// Store a new account with its audit entry; a taken username is `Duplicate`.
    async fn insert_user(
        &self,
        user: &UserRecord,
        now_ms: i64,
        audit: &AuditEntry,
    ) -> StoreResult<()>;
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<UserRecord>>;
    async fn user_by_id(&self, id: &str) -> StoreResult<Option<UserRecord>>;
    async fn users(&self) -> StoreResult<Vec<UserRecord>>;
    /// Store a changed account with its audit entry; `end_sessions` signs the user out
    /// everywhere (new password, disabled).
    async fn update_user(
        &self,
        user: &UserRecord,
        end_sessions: bool,
        audit: &AuditEntry,
    ) -> StoreResult<()>;
    async fn insert_session(&self, session: &NewSession<'_>) -> StoreResult<()>;
    /// The live session's user, CSRF token and last use (expired sessions and disabled
    /// users give `None`; whether it has been idle too long is the caller's question).
    async fn session(&self, token_hash: &str, now_ms: i64) -> StoreResult<Option<LiveSession>>;
    /// Record that the session was used at `now_ms`.
    async fn touch_session(&self, token_hash: &str, now_ms: i64) -> StoreResult<()>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Drop sessions that expired before `now_ms` or were last used before
    /// `idle_before_ms`; how many went.
    async fn delete_expired_sessions(&self, now_ms: i64, idle_before_ms: i64) -> StoreResult<u64>;
    /// A user's unexpired sessions, most recently used first.
    async fn sessions_of(&self, user_id: &str, now_ms: i64) -> StoreResult<Vec<SessionRecord>>;
    /// End a user's sessions (all, or the one `session_id` names) with the audit entry
    /// of the act; how many ended. A named session the user does not have is `NotFound`.
    async fn end_sessions(
        &self,
        user_id: &str,
        session_id: Option<&str>,
        audit: &AuditEntry,
    ) -> StoreResult<u64>;
    /// Append one audit entry on its own (reads, sign-ins).
    async fn record_audit(&self, entry: &AuditEntry) -> StoreResult<()>;
    /// Audit entries, newest first, and how many match in all.
    async fn audit(&self, f: &AuditFilter) -> StoreResult<(Vec<AuditRecord>, u64)>;
    async fn meta(&self, key: &str) -> StoreResult<Option<String>>;
    async fn set_meta(&self, key: &str, value: &str) -> StoreResult<()>;

    // ---- Idempotency-Key (`app/idempotency.rs`) ----
    /// What became of `key` of `principal` for a request with `fingerprint` (a read: the
    /// row is written by the request's first committed write, or with its answer).
    async fn idempotency_record(
        &self,
        principal: &str,
        key: &str,
        fingerprint: &str,
    ) -> StoreResult<Claim>;
    /// Keep the first answer to the request.
    async fn finish_idempotency(
        &self,
        mark: &IdempotencyMark,
        status: u16,
        content_type: &str,
        body: &[u8],
    ) -> StoreResult<()>;
    /// Whether a write committed on behalf of the key (then its answer is the outcome).
    async fn idempotency_written(&self, principal: &str, key: &str) -> StoreResult<bool>;
    /// Forget keys used before `before_ms`; with `interrupted`, also every row of a
    /// request that never wrote nor answered (claims of an earlier version).
    async fn purge_idempotency(&self, before_ms: i64, interrupted: bool) -> StoreResult<u64>;

    // ---- Open311 GeoReport v2 (`app/open311.rs`) ----
    /// Record what an Open311 request carried besides its case, under the external
    /// reference its case is then registered with (written first: a row whose case
    /// never came is never listed).
    async fn insert_open311_request(&self, r: &Open311Request) -> StoreResult<()>;
    /// Cases registered from Open311 requests, with what each request carried, newest
    /// received first.
    async fn open311_requests(&self, f: &Open311Filter)
    -> StoreResult<Vec<(Case, Open311Request)>>;
}

// ---- Open311 GeoReport v2 (`app/open311.rs`) ----

/// What an Open311 request carried besides its case: the service it was filed under and
/// its media link, keyed like the case's external reference (`system`, `external_id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open311Request {
    pub system: String,
    pub external_id: String,
    pub service_code: String,
    /// Empty when none was sent.
    pub media_url: String,
    pub created_at: i64,
}

/// Filters of the Open311 request list, already parsed; every one given must hold.
#[derive(Debug, Clone, Default)]
pub struct Open311Filter {
    /// Case references (the requests' `service_request_id`).
    pub references: Option<Vec<String>>,
    /// The requests' tokens (their `external_id`).
    pub tokens: Option<Vec<String>>,
    pub service_codes: Option<Vec<String>>,
    /// Case status codes.
    pub statuses: Option<Vec<String>>,
    /// Inclusive range of receipt times, in milliseconds.
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    pub limit: i64,
}

fn ms(t: chrono::DateTime<chrono::Utc>) -> i64 {
    t.timestamp_millis()
}

/// What repeat detection compares of a case's text: its address and content.
pub fn repeat_fingerprint(case: &Case) -> duban_repeat::Fingerprint {
    duban_repeat::Fingerprint::of(&format!("{}\n{}", case.address(), case.content()))
}

/// A digest of the complainant's phone digits: equal phones give equal digests, and the
/// column holds no number to read off.
pub fn phone_digest(case: &Case) -> Option<String> {
    use sha2::Digest as _;
    let phone = case.complainant().phone()?;
    let digits: String = phone
        .as_str()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    (!digits.is_empty()).then(|| {
        hex::encode(sha2::Sha256::digest(
            format!("duban-phone:{digits}").as_bytes(),
        ))
        .chars()
        .take(32)
        .collect()
    })
}

/// A stored case as repeat detection sees it.
#[derive(Debug, Clone)]
pub struct RepeatRow {
    pub id: String,
    pub reference: String,
    pub division: i64,
    pub received_at: i64,
    pub repeat_fp: Option<String>,
    pub phone_digest: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub status: String,
    pub summary: String,
}

/// A ladder step as stored in `cases.escalation_step`.
pub fn escalation_rank(step: duban_sla::Step) -> i64 {
    match step {
        duban_sla::Step::Remind => 1,
        duban_sla::Step::Chase => 2,
        duban_sla::Step::Supervise => 3,
        duban_sla::Step::Summon => 4,
    }
}

/// The store over one database: its pool, and the task that carries out the writes of
/// intake, actions and idempotency records, many in one transaction (`writer`).
#[derive(Debug)]
pub struct SqlStore<DB: sqlx::Database> {
    pool: sqlx::Pool<DB>,
    writer: writer::Writer<DB>,
}

impl<DB: sqlx::Database> Clone for SqlStore<DB> {
    fn clone(&self) -> Self {
        SqlStore {
            pool: self.pool.clone(),
            writer: self.writer.clone(),
        }
    }
}

impl<DB: sqlx::Database> SqlStore<DB> {
    pub fn pool(&self) -> &sqlx::Pool<DB> {
        &self.pool
    }
}

/// The store on SQLite (the embedded default).
pub type SqliteStore = SqlStore<sqlx::Sqlite>;
/// The store on PostgreSQL.
pub type PgStore = SqlStore<sqlx::Postgres>;

/// Open the store a URL names: `postgres://…` or `sqlite://…` (a bare path is SQLite).
pub async fn open(url: &str) -> anyhow::Result<std::sync::Arc<dyn Store>> {
    match sqlite_url(url) {
        None => Ok(std::sync::Arc::new(PgStore::open(url).await?)),
        Some(url) => Ok(std::sync::Arc::new(SqliteStore::open(&url).await?)),
    }
}

/// The SQLite URL a database URL or bare path means, or `None` for PostgreSQL.
pub fn sqlite_url(url: &str) -> Option<String> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        None
    } else if url.starts_with("sqlite:") {
        Some(url.to_owned())
    } else {
        Some(format!("sqlite://{url}"))
    }
}
