//! Storage behind one trait, with a SQLite and a PostgreSQL implementation, each with
//! its own migrations. Both run the same SQL text (numbered `$1` placeholders, integer
//! milliseconds for time, JSON as text), generated once by `sql_store!`.

use async_trait::async_trait;
use duban_api::{AuditEntry, AuditRecord, CaseSummary, EventView, UnitView};
use duban_case::lifecycle::{Case, Event};
use duban_sla::RuleSet;

pub mod backup;
pub mod board;
pub mod writer;
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

type UserRow = (String, String, String, String, Option<String>, String, i64);

fn user_of(r: UserRow) -> UserRecord {
    UserRecord {
        id: r.0,
        username: r.1,
        display_name: r.2,
        role: r.3,
        unit_id: r.4,
        password_hash: r.5,
        disabled: r.6 != 0,
    }
}

const USER_COLUMNS: &str =
    "u.id, u.username, u.display_name, u.role, u.unit_id, u.password_hash, u.disabled";

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

/// A [`Change`] owned, to be sent to the writer task.
struct OwnedChange {
    expected: u64,
    case: Case,
    events: Vec<Event>,
    audit: AuditEntry,
    counters: Vec<String>,
}

impl OwnedChange {
    fn of(c: &Change<'_>) -> OwnedChange {
        OwnedChange {
            expected: c.expected,
            case: c.case.clone(),
            events: c.events.to_vec(),
            audit: c.audit.clone(),
            counters: c.counters.to_vec(),
        }
    }
    fn as_change(&self) -> Change<'_> {
        Change {
            expected: self.expected,
            case: &self.case,
            events: &self.events,
            audit: &self.audit,
            counters: &self.counters,
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
    #[allow(clippy::too_many_arguments)]
    async fn save_aggregate(
        &self,
        kind: &str,
        key: &str,
        case_id: Option<&str>,
        expected: u64,
        state: &str,
        events: &[AggregateEvent],
        audit: &AuditEntry,
        access: &AggregateAccess,
    ) -> StoreResult<()>;
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
    async fn insert_session(
        &self,
        token_hash: &str,
        user_id: &str,
        csrf: &str,
        now_ms: i64,
        expires_ms: i64,
    ) -> StoreResult<()>;
    /// The live session's user and CSRF token (expired sessions and disabled users give `None`).
    async fn session(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> StoreResult<Option<(UserRecord, String)>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Drop sessions that expired before `now_ms`; how many went.
    async fn delete_expired_sessions(&self, now_ms: i64) -> StoreResult<u64>;
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

type Open311Row = (String, String, String, String, String, i64);

fn open311_where(f: &Open311Filter) -> (String, Vec<Arg>) {
    let mut parts: Vec<String> = Vec::new();
    let mut args: Vec<Arg> = Vec::new();
    let mut any_of = |column: &str, values: &Option<Vec<String>>| {
        if let Some(values) = values {
            parts.push(if values.is_empty() {
                "1 = 0".to_owned()
            } else {
                format!("{column} IN ({})", vec!["?"; values.len()].join(", "))
            });
            args.extend(values.iter().map(|v| Arg::Text(v.clone())));
        }
    };
    any_of("c.reference", &f.references);
    any_of("o.external_id", &f.tokens);
    any_of("o.service_code", &f.service_codes);
    any_of("c.status", &f.statuses);
    if let Some(t) = f.from_ms {
        parts.push("c.received_at >= ?".to_owned());
        args.push(Arg::Int(t));
    }
    if let Some(t) = f.to_ms {
        parts.push("c.received_at <= ?".to_owned());
        args.push(Arg::Int(t));
    }
    (numbered_where(&parts), args)
}

// ---- end Open311 ----

fn ms(t: chrono::DateTime<chrono::Utc>) -> i64 {
    t.timestamp_millis()
}

/// Columns derived from a case for filtering and listing.
struct Row {
    id: String,
    reference: String,
    status: &'static str,
    channel: &'static str,
    batch: Option<i64>,
    division: i64,
    categories: String,
    is_key: i64,
    received_at: i64,
    due_at: Option<i64>,
    version: i64,
    state: String,
    summary: String,
    updated_at: i64,
    units: String,
    next_escalation_at: Option<i64>,
    /// The running clocks' highest ladder step: 0 none, 1 remind … 4 summon.
    escalation_step: i64,
    repeat_fp: String,
    phone_digest: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    publishable: i64,
}

impl Row {
    fn of(case: &Case) -> StoreResult<Row> {
        let cats: Vec<&str> = case.categories().iter().map(|c| c.code()).collect();
        Ok(Row {
            id: case.id().to_string(),
            reference: case.reference().to_string(),
            status: case.status().code(),
            channel: case.channel().code(),
            batch: case.batch().map(|b| i64::from(b.number())),
            division: i64::from(case.division().as_u32()),
            categories: format!(",{},", cats.join(",")),
            is_key: i64::from(case.is_key()),
            received_at: ms(case.received_at()),
            due_at: case.current_clock().map(|c| ms(c.due_at())),
            version: i64::try_from(case.version()).unwrap_or(i64::MAX),
            state: serde_json::to_string(case)?,
            summary: serde_json::to_string(&CaseSummary::of(case))?,
            updated_at: ms(case.updated_at()),
            next_escalation_at: case
                .next_escalation_at(duban_calendar::Calendar::official())
                .map(ms),
            escalation_step: case.current_escalation().map_or(0, escalation_rank),
            repeat_fp: repeat_fingerprint(case).to_string(),
            phone_digest: phone_digest(case),
            lat: case.coordinates().map(|c| c.lat()),
            lon: case.coordinates().map(|c| c.lon()),
            publishable: i64::from(case.is_publishable()),
            units: {
                let all: Vec<&str> = case
                    .lead_unit()
                    .into_iter()
                    .chain(case.co_units())
                    .map(|u| u.as_str())
                    .collect();
                if all.is_empty() {
                    String::new()
                } else {
                    format!(",{},", all.join(","))
                }
            },
        })
    }
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

fn api_client_of(
    (id, name, kind, key_hash, disabled, created_at): (String, String, String, String, i64, i64),
) -> ApiClientRecord {
    ApiClientRecord {
        id,
        name,
        kind,
        key_hash,
        disabled: disabled != 0,
        created_at,
    }
}

const INSERT_CASE: &str = "INSERT INTO cases (id, reference, status, channel, batch_number, division, categories, \
    is_key, received_at, due_at, version, state, summary, updated_at, units, next_escalation_at, escalation_step, \
    repeat_fp, phone_digest, lat, lon, publishable) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)";
const UPDATE_CASE: &str = "UPDATE cases SET status = $2, due_at = $3, version = $4, state = $5, summary = $6, \
    updated_at = $7, is_key = $8, categories = $9, units = $11, next_escalation_at = $12, \
    escalation_step = $13, repeat_fp = $14, phone_digest = $15, lat = $16, lon = $17, publishable = $18 \
    WHERE id = $1 AND version = $10";
const INSERT_EVENT: &str =
    "INSERT INTO case_events (case_id, seq, at, actor, kind, body) VALUES ($1, $2, $3, $4, $5, $6)";
const BUMP_COUNTER: &str = "INSERT INTO counters (name, value) VALUES ($1, 1) \
    ON CONFLICT (name) DO UPDATE SET value = counters.value + 1";
const NEXT_SERIALS: &str = "INSERT INTO counters (name, value) VALUES ($1, $2) \
    ON CONFLICT (name) DO UPDATE SET value = counters.value + $2 RETURNING value";

/// The WHERE clause and its text/integer arguments, in placeholder order.
#[derive(Debug)]
enum Arg {
    Text(String),
    Int(i64),
}

fn where_clause(f: &CaseFilter, with_cursor: bool) -> (String, Vec<Arg>) {
    // Fragments use `?`; each is numbered `$n` in argument order below.
    let mut parts: Vec<String> = Vec::new();
    let mut args: Vec<Arg> = Vec::new();
    if let Some(s) = &f.status {
        parts.push("status = ?".to_owned());
        args.push(Arg::Text(s.clone()));
    }
    if let Some((lo, hi)) = f.division {
        parts.push("division >= ? AND division < ?".to_owned());
        args.extend([Arg::Int(lo), Arg::Int(hi)]);
    }
    if let Some(c) = &f.category {
        parts.push("categories LIKE ?".to_owned());
        args.push(Arg::Text(format!("%,{c},%")));
    }
    if let Some(k) = f.key {
        parts.push("is_key = ?".to_owned());
        args.push(Arg::Int(i64::from(k)));
    }
    if let Some(b) = f.batch {
        parts.push("batch_number = ?".to_owned());
        args.push(Arg::Int(b));
    }
    if let Some((lo, hi)) = f.received {
        parts.push("received_at >= ? AND received_at < ?".to_owned());
        args.extend([Arg::Int(lo), Arg::Int(hi)]);
    }
    if let Some(n) = f.min_escalation {
        parts.push("escalation_step >= ?".to_owned());
        args.push(Arg::Int(n));
    }
    if f.pending_extension {
        parts.push("state LIKE ?".to_owned());
        args.push(Arg::Text("%\"pending_extension\":%".to_owned()));
    }
    if f.running {
        parts.push("state NOT LIKE ?".to_owned());
        args.push(Arg::Text("%\"paused\":true%".to_owned()));
    }
    if f.with_clock {
        parts.push("due_at IS NOT NULL".to_owned());
    }
    if let Some(units) = &f.units {
        let ors: Vec<&str> = units
            .iter()
            .map(|_| "(units LIKE ? OR referred_units LIKE ?)")
            .collect();
        parts.push(if ors.is_empty() {
            "1 = 0".to_owned()
        } else {
            format!("({})", ors.join(" OR "))
        });
        for u in units {
            args.extend([Arg::Text(format!("%,{u},%")), Arg::Text(format!("%,{u},%"))]);
        }
    }
    if let (true, Some((at, id))) = (with_cursor, &f.after) {
        parts.push("(received_at < ? OR (received_at = ? AND id < ?))".to_owned());
        args.extend([Arg::Int(*at), Arg::Int(*at), Arg::Text(id.clone())]);
    }
    (numbered_where(&parts), args)
}

/// ` WHERE a AND b` with each `?` numbered `$1`, `$2` … in order; empty for no parts.
fn numbered_where(parts: &[String]) -> String {
    if parts.is_empty() {
        return String::new();
    }
    let mut sql = String::from(" WHERE ");
    let mut n = 0;
    for ch in parts.join(" AND ").chars() {
        if ch == '?' {
            n += 1;
            sql.push_str(&format!("${n}"));
        } else {
            sql.push(ch);
        }
    }
    sql
}

fn audit_where(f: &AuditFilter, with_cursor: bool) -> (String, Vec<Arg>) {
    let mut parts: Vec<String> = Vec::new();
    let mut args: Vec<Arg> = Vec::new();
    if let Some(a) = &f.actor {
        parts.push("actor = ?".to_owned());
        args.push(Arg::Text(a.clone()));
    }
    match f.action.as_deref() {
        Some(a) if a.ends_with('.') => {
            parts.push("action LIKE ? ESCAPE '\\'".to_owned());
            args.push(Arg::Text(format!("{}%", like_escape(a))));
        }
        Some(a) => {
            parts.push("action = ?".to_owned());
            args.push(Arg::Text(a.to_owned()));
        }
        None => {}
    }
    if let Some(c) = &f.case_id {
        parts.push("case_id = ?".to_owned());
        args.push(Arg::Text(c.clone()));
    }
    if let Some(q) = &f.q {
        parts.push("(target LIKE ? ESCAPE '\\' OR reason LIKE ? ESCAPE '\\')".to_owned());
        let pat = format!("%{}%", like_escape(q));
        args.extend([Arg::Text(pat.clone()), Arg::Text(pat)]);
    }
    if let Some(t) = f.from_ms {
        parts.push("at >= ?".to_owned());
        args.push(Arg::Int(t));
    }
    if let Some(t) = f.to_ms {
        parts.push("at < ?".to_owned());
        args.push(Arg::Int(t));
    }
    if let (true, Some(b)) = (with_cursor, f.before) {
        parts.push("seq < ?".to_owned());
        args.push(Arg::Int(b));
    }
    (numbered_where(&parts), args)
}

/// A LIKE pattern matching `s` literally (with `ESCAPE '\'`).
fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

const INSERT_AUDIT: &str = "INSERT INTO audit_log (at, actor, role, ip, user_agent, action, case_id, target, reason, detail) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

/// Bind an [`AuditEntry`] to [`INSERT_AUDIT`].
macro_rules! bind_audit {
    ($e:expr) => {{
        let e: &AuditEntry = $e;
        sqlx::query(INSERT_AUDIT)
            .bind(ms(e.at))
            .bind(e.actor.clone())
            .bind(e.role.clone())
            .bind(e.ip.clone())
            .bind(e.user_agent.clone())
            .bind(e.action.clone())
            .bind(e.case_id.clone())
            .bind(e.target.clone())
            .bind(e.reason.clone())
            .bind(e.detail.to_string())
    }};
}

type AttachmentRow = (String, String, String, String, i64, String, String, i64);

fn attachment_of(r: AttachmentRow) -> AttachmentRecord {
    AttachmentRecord {
        id: r.0,
        case_id: r.1,
        name: r.2,
        content_type: r.3,
        size: u64::try_from(r.4).unwrap_or(0),
        sha256: r.5,
        uploaded_by: r.6,
        uploaded_at: chrono::DateTime::from_timestamp_millis(r.7).unwrap_or_default(),
    }
}

type AuditRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
);

fn audit_of(r: AuditRow) -> AuditRecord {
    AuditRecord {
        seq: u64::try_from(r.0).unwrap_or(0),
        entry: AuditEntry {
            at: chrono::DateTime::from_timestamp_millis(r.1).unwrap_or_default(),
            actor: r.2,
            role: r.3,
            ip: r.4,
            user_agent: r.5,
            action: r.6,
            case_id: r.7,
            target: r.8,
            reason: r.9,
            detail: serde_json::from_str(&r.10).unwrap_or(serde_json::Value::Null),
        },
    }
}

macro_rules! bind_args {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                Arg::Text(s) => q.bind(s.clone()),
                Arg::Int(i) => q.bind(*i),
            };
        }
        q
    }};
}

macro_rules! sql_store {
    ($name:ident, $db:ty, $pool:ty, $kind:literal) => {
        #[derive(Debug, Clone)]
        pub struct $name {
            pool: $pool,
            /// Carries out the writes of intake, actions and idempotency records, many
            /// in one transaction (`writer`).
            writer: writer::Writer<$db>,
        }

        impl $name {
            pub fn pool(&self) -> &$pool {
                &self.pool
            }

            fn with_pool(pool: $pool) -> $name {
                let writer = Self::start_writer(pool.clone());
                $name { pool, writer }
            }

            /// The store's writer task: takes every job waiting, runs each under its
            /// own savepoint in one transaction, commits once, then answers them all.
            fn start_writer(pool: $pool) -> writer::Writer<$db> {
                let (w, mut jobs) = writer::Writer::<$db>::channel();
                tokio::spawn(async move {
                    while let Some(first) = jobs.recv().await {
                        let mut group = vec![first];
                        while group.len() < writer::GROUP_MAX {
                            match jobs.try_recv() {
                                Ok(j) => group.push(j),
                                Err(_) => break,
                            }
                        }
                        let mut tx = match pool.begin().await {
                            Ok(tx) => tx,
                            Err(e) => {
                                // The group's jobs are dropped: each caller hears so.
                                tracing::error!(error = %e, jobs = group.len(), "group commit: no transaction");
                                continue;
                            }
                        };
                        let mut answers = Vec::with_capacity(group.len());
                        let mut cells = board::Cells::new();
                        let mut broken = None;
                        for job in group {
                            if let Err(e) = sqlx::query("SAVEPOINT job").execute(&mut *tx).await {
                                broken = Some(e.to_string());
                                break;
                            }
                            let done = job(&mut tx).await;
                            let end = if done.ok { "RELEASE SAVEPOINT job" } else { "ROLLBACK TO SAVEPOINT job" };
                            if done.ok {
                                board::merge_cells(&mut cells, done.cells);
                            }
                            answers.push(done.deliver);
                            if let Err(e) = sqlx::query(end).execute(&mut *tx).await {
                                broken = Some(e.to_string());
                                break;
                            }
                        }
                        // Each cell once for the whole group, in key order.
                        if broken.is_none()
                            && let Err(e) = Self::add_to_cells(&mut tx, cells).await
                        {
                            broken = Some(e.to_string());
                        }
                        let outcome = match broken {
                            Some(e) => {
                                let _ = tx.rollback().await;
                                Err(e)
                            }
                            None => tx.commit().await.map_err(|e| e.to_string()),
                        };
                        if let Err(e) = &outcome {
                            tracing::error!(error = %e, jobs = answers.len(), "group commit failed");
                        }
                        for answer in answers {
                            answer(outcome.clone());
                        }
                    }
                });
                w
            }

            /// Store changes to cases inside the caller's transaction (see
            /// [`Store::update_cases`]); returns the board cell deltas.
            async fn update_rows(
                tx: &mut sqlx::Transaction<'static, $db>,
                changes: &[Change<'_>],
            ) -> StoreResult<board::Cells> {
                for ch in changes {
                    let r = Row::of(ch.case)?;
                    let expected_i = i64::try_from(ch.expected).unwrap_or(i64::MAX);
                    let done = sqlx::query(UPDATE_CASE)
                        .bind(&r.id)
                        .bind(r.status)
                        .bind(r.due_at)
                        .bind(r.version)
                        .bind(&r.state)
                        .bind(&r.summary)
                        .bind(r.updated_at)
                        .bind(r.is_key)
                        .bind(&r.categories)
                                                .bind(expected_i)
                        .bind(&r.units)
                        .bind(r.next_escalation_at)
                        .bind(r.escalation_step)
                        .bind(&r.repeat_fp)
                        .bind(&r.phone_digest)
                        .bind(r.lat)
                        .bind(r.lon)
                        .bind(r.publishable)
                        .execute(&mut **tx)
                        .await?;
                    if done.rows_affected() != 1 {
                        // The writer rolls this job back; the others in its group stay.
                        let current: Option<i64> = sqlx::query_scalar("SELECT version FROM cases WHERE id = $1")
                            .bind(&r.id)
                            .fetch_optional(&mut **tx)
                            .await?;
                        return Err(StoreError::Conflict { current: current.and_then(|v| u64::try_from(v).ok()).unwrap_or(0) });
                    }
                    Self::append_events(tx, &r.id, expected_i + 1, ch.events).await?;
                    bind_audit!(ch.audit).execute(&mut **tx).await?;
                    for name in ch.counters {
                        sqlx::query(BUMP_COUNTER).bind(name).execute(&mut **tx).await?;
                    }
                }
                let facts: Vec<(String, duban_board::fact::Fact)> = changes
                    .iter()
                    .map(|ch| (ch.case.id().to_string(), duban_board::fact::Fact::of(ch.case)))
                    .collect();
                Self::write_board(tx, &facts, true).await
            }

            /// A writer job that changes the board (see [`writer::Writer::write_counting`]),
            /// marking the key of the `Idempotency-Key` request it is made for in the same
            /// transaction (see [`Self::commit`]); the key is read now, when it is queued,
            /// since the writer task runs outside the request.
            async fn write_marked<R, F>(&self, f: F) -> StoreResult<R>
            where
                R: Send + 'static,
                F: for<'c> FnOnce(
                        &'c mut sqlx::Transaction<'static, $db>,
                    ) -> writer::BoxFuture<'c, StoreResult<(R, board::Cells)>>
                    + Send
                    + 'static,
            {
                let mark = IDEMPOTENCY.try_with(Clone::clone).ok();
                self.writer
                    .write_counting(move |tx| {
                        Box::pin(async move {
                            let out = f(tx).await?;
                            Self::mark_committed(tx, mark).await?;
                            Ok(out)
                        })
                    })
                    .await
            }

            /// Mark the key of the `Idempotency-Key` request a write is made for.
            async fn mark_committed(
                tx: &mut sqlx::Transaction<'static, $db>,
                mark: Option<IdempotencyMark>,
            ) -> StoreResult<()> {
                if let Some(m) = mark {
                    sqlx::query(
                        "INSERT INTO idempotency_keys (principal, idem_key, fingerprint, created_at, committed) \
                         VALUES ($1, $2, $3, $4, 1) \
                         ON CONFLICT (principal, idem_key) DO UPDATE SET committed = 1",
                    )
                    .bind(m.principal)
                    .bind(m.key)
                    .bind(m.fingerprint)
                    .bind(m.created_at)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }

            /// Take the next `n` (at least one) serials of counter `name`; the first one.
            async fn next_serials(
                tx: &mut sqlx::Transaction<'static, $db>,
                name: &str,
                n: i64,
            ) -> StoreResult<i64> {
                let n = n.max(1);
                let last: i64 = sqlx::query_scalar(NEXT_SERIALS).bind(name).bind(n).fetch_one(&mut **tx).await?;
                Ok(last - n + 1)
            }

            /// Insert new cases, their opening events, numbers elsewhere and audit entries.
            /// Returns the board cell deltas, for the writer to add with its group's.
            async fn insert_rows(
                tx: &mut sqlx::Transaction<'static, $db>,
                rows: &[Insert<'_>],
            ) -> StoreResult<board::Cells> {
                for ins in rows {
                    let r = Row::of(ins.case)?;
                    sqlx::query(INSERT_CASE)
                        .bind(&r.id)
                        .bind(&r.reference)
                        .bind(r.status)
                        .bind(r.channel)
                        .bind(r.batch)
                        .bind(r.division)
                        .bind(&r.categories)
                        .bind(r.is_key)
                        .bind(r.received_at)
                        .bind(r.due_at)
                        .bind(r.version)
                        .bind(&r.state)
                        .bind(&r.summary)
                        .bind(r.updated_at)
                        .bind(&r.units)
                        .bind(r.next_escalation_at)
                        .bind(r.escalation_step)
                        .bind(&r.repeat_fp)
                        .bind(&r.phone_digest)
                        .bind(r.lat)
                        .bind(r.lon)
                        .bind(r.publishable)
                        .execute(&mut **tx)
                        .await?;
                    Self::append_events(tx, &r.id, 1, std::slice::from_ref(ins.opening)).await?;
                    if let Some((system, external_id)) = ins.external {
                        sqlx::query("INSERT INTO external_refs (system, external_id, case_id, created_at) VALUES ($1, $2, $3, $4)")
                            .bind(system)
                            .bind(external_id)
                            .bind(&r.id)
                            .bind(r.updated_at)
                            .execute(&mut **tx)
                            .await?;
                    }
                    bind_audit!(ins.audit).execute(&mut **tx).await?;
                }
                let facts: Vec<(String, duban_board::fact::Fact)> = rows
                    .iter()
                    .map(|ins| (ins.case.id().to_string(), duban_board::fact::Fact::of(ins.case)))
                    .collect();
                Self::write_board(tx, &facts, false).await
            }

            /// Replace the cases' board facts; returns how their figures move between
            /// cells (the writer adds them for its whole group, in key order).
            async fn write_board(
                tx: &mut sqlx::Transaction<'static, $db>,
                facts: &[(String, duban_board::fact::Fact)],
                may_exist: bool,
            ) -> StoreResult<board::Cells> {
                use sqlx::Row as _;
                let mut deltas = std::collections::BTreeMap::new();
                for (id, new) in facts {
                    let old = if may_exist {
                        let row = sqlx::query(sqlx::AssertSqlSafe(board::SELECT_FACT.as_str()))
                            .bind(id)
                            .fetch_optional(&mut **tx)
                            .await?;
                        match row {
                            None => None,
                            Some(r) => {
                                let mut ints = [0i64; 5];
                                for (i, v) in ints.iter_mut().enumerate() {
                                    *v = r.try_get(i)?;
                                }
                                let unit: String = r.try_get(5)?;
                                let mut m = [0i64; duban_board::fact::N];
                                for (i, v) in m.iter_mut().enumerate() {
                                    *v = r.try_get(6 + i)?;
                                }
                                Some(board::fact_of_row(ints, unit, m))
                            }
                        }
                    } else {
                        None
                    };
                    if old.as_ref() == Some(new) {
                        continue;
                    }
                    board::add_delta(&mut deltas, old.as_ref(), Some(new));
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(board::UPSERT_FACT.as_str()))
                        .bind(id)
                        .bind(i64::from(new.day))
                        .bind(new.batch)
                        .bind(i64::from(new.division))
                        .bind(new.categories)
                        .bind(new.key_classes)
                        .bind(&new.unit);
                    for v in new.measures.to_array() {
                        q = q.bind(v);
                    }
                    q.execute(&mut **tx).await?;
                }
                Ok(deltas)
            }

            /// Commit a write; on behalf of an `Idempotency-Key` request, mark its key in
            /// the same transaction, so that a crash before the answer is stored leaves
            /// a row that says the write happened.
            async fn commit(mut tx: sqlx::Transaction<'static, $db>) -> StoreResult<()> {
                Self::mark_committed(&mut tx, IDEMPOTENCY.try_with(Clone::clone).ok()).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn add_to_cells(
                tx: &mut sqlx::Transaction<'static, $db>,
                deltas: std::collections::BTreeMap<board::CellKey, duban_board::fact::Measures>,
            ) -> StoreResult<()> {
                for ((grain, dim, bucket, cats, keys), m) in deltas {
                    if m.is_zero() {
                        continue;
                    }
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(board::UPSERT_CELL.as_str()))
                        .bind(grain)
                        .bind(dim)
                        .bind(bucket)
                        .bind(cats)
                        .bind(keys);
                    for v in m.to_array() {
                        q = q.bind(v);
                    }
                    q.execute(&mut **tx).await?;
                }
                Ok(())
            }

            /// Append events numbered from `first_seq`, inside the caller's transaction.
            async fn append_events(
                tx: &mut sqlx::Transaction<'static, $db>,
                id: &str,
                first_seq: i64,
                events: &[Event],
            ) -> StoreResult<()> {
                for (i, ev) in events.iter().enumerate() {
                    sqlx::query(INSERT_EVENT)
                        .bind(id)
                        .bind(first_seq + i as i64)
                        .bind(ms(ev.at))
                        .bind(&ev.actor)
                        .bind(ev.kind.code())
                        .bind(serde_json::to_string(ev)?)
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(())
            }
        }

        #[async_trait]
        impl Store for $name {
            fn kind(&self) -> &'static str {
                $kind
            }

            async fn ping(&self) -> StoreResult<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn reserve_serials(&self, name: &str, n: i64) -> StoreResult<i64> {
                let name = name.to_owned();
                self.writer
                    .write(move |tx| {
                        Box::pin(async move { Self::next_serials(tx, &name, n).await })
                    })
                    .await
            }

            async fn insert_numbered(
                &self,
                wanted: std::collections::BTreeMap<String, i64>,
                build: BuildRows,
            ) -> StoreResult<Vec<Case>> {
                self.write_marked(move |tx| {
                    Box::pin(async move {
                        let mut first = std::collections::BTreeMap::new();
                        for (name, n) in wanted {
                            first.insert(name.clone(), Self::next_serials(tx, &name, n).await?);
                        }
                        let rows = build(&first)?;
                        let inserts: Vec<Insert<'_>> = rows.iter().map(NewRow::as_insert).collect();
                        let cells = Self::insert_rows(tx, &inserts).await?;
                        Ok((rows.into_iter().map(|r| r.case).collect(), cells))
                    })
                })
                .await
            }

            async fn insert_cases(&self, rows: &[Insert<'_>]) -> StoreResult<()> {
                let owned: Vec<NewRow> = rows.iter().map(NewRow::of).collect();
                self.write_marked(move |tx| {
                    Box::pin(async move {
                        let rows: Vec<Insert<'_>> = owned.iter().map(NewRow::as_insert).collect();
                        Ok(((), Self::insert_rows(tx, &rows).await?))
                    })
                })
                .await
            }

            async fn repeat_candidates(
                &self,
                division: (i64, i64),
                phone_digest: Option<&str>,
                from_ms: i64,
                to_ms: i64,
                limit: i64,
            ) -> StoreResult<Vec<RepeatRow>> {
                // Two index range scans, joined by UNION.
                let sql = format!(
                    "SELECT id, reference, division, received_at, repeat_fp, phone_digest, lat, lon, status, summary FROM cases \
                     WHERE division >= $1 AND division < $2 AND received_at >= $3 AND received_at <= $4 AND status <> 'merged' \
                     UNION \
                     SELECT id, reference, division, received_at, repeat_fp, phone_digest, lat, lon, status, summary FROM cases \
                     WHERE phone_digest = $5 AND received_at >= $3 AND received_at <= $4 AND status <> 'merged' \
                     ORDER BY received_at DESC LIMIT {}",
                    limit.clamp(1, 20_000)
                );
                type R = (String, String, i64, i64, Option<String>, Option<String>, Option<f64>, Option<f64>, String, String);
                let rows: Vec<R> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(division.0)
                    .bind(division.1)
                    .bind(from_ms)
                    .bind(to_ms)
                    .bind(phone_digest.unwrap_or("-"))
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, reference, division, received_at, repeat_fp, phone_digest, lat, lon, status, summary)| RepeatRow {
                        id,
                        reference,
                        division,
                        received_at,
                        repeat_fp,
                        phone_digest,
                        lat,
                        lon,
                        status,
                        summary,
                    })
                    .collect())
            }

            async fn backfill_repeat_columns(&self, batch: i64) -> StoreResult<u64> {
                let mut done = 0u64;
                loop {
                    let sql = format!("SELECT id, state FROM cases WHERE repeat_fp IS NULL LIMIT {}", batch.clamp(1, 10_000));
                    let rows: Vec<(String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
                    if rows.is_empty() {
                        return Ok(done);
                    }
                    let mut tx = self.pool.begin().await?;
                    for (id, state) in &rows {
                        let case: Case = serde_json::from_str(state)?;
                        sqlx::query("UPDATE cases SET repeat_fp = $2, phone_digest = $3, lat = $4, lon = $5 WHERE id = $1")
                            .bind(id)
                            .bind(repeat_fingerprint(&case).to_string())
                            .bind(phone_digest(&case))
                            .bind(case.coordinates().map(|c| c.lat()))
                            .bind(case.coordinates().map(|c| c.lon()))
                            .execute(&mut *tx)
                            .await?;
                    }
                    Self::commit(tx).await?;
                    done += rows.len() as u64;
                }
            }

            async fn import_by_fingerprint(&self, fingerprint: &str) -> StoreResult<Option<ImportRecord>> {
                let row: Option<(String, String, String, i64, String, i64)> = sqlx::query_as(
                    "SELECT id, fingerprint, file_name, rows, by_user, created_at FROM imports WHERE fingerprint = $1",
                )
                .bind(fingerprint)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|(id, fingerprint, file_name, rows, by_user, created_at)| ImportRecord {
                    id,
                    fingerprint,
                    file_name,
                    rows,
                    by_user,
                    created_at,
                }))
            }

            async fn commit_import(&self, import: &ImportRecord, rows: &[Insert<'_>], refs: &[(String, String, String)], audit: &AuditEntry) -> StoreResult<()> {
                // Through the writer: the board's cells are written by it alone.
                let import = import.clone();
                let refs = refs.to_vec();
                let owned: Vec<NewRow> = rows.iter().map(NewRow::of).collect();
                let audit = audit.clone();
                self.write_marked(move |tx| {
                    Box::pin(async move {
                        sqlx::query("INSERT INTO imports (id, fingerprint, file_name, rows, by_user, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                            .bind(&import.id)
                            .bind(&import.fingerprint)
                            .bind(&import.file_name)
                            .bind(import.rows)
                            .bind(&import.by_user)
                            .bind(import.created_at)
                            .execute(&mut **tx)
                            .await?;
                        let rows: Vec<Insert<'_>> = owned.iter().map(NewRow::as_insert).collect();
                        let cells = Self::insert_rows(tx, &rows).await?;
                        let created_at = import.created_at;
                        for (system, external_id, case_id) in &refs {
                            sqlx::query("INSERT INTO external_refs (system, external_id, case_id, created_at) VALUES ($1, $2, $3, $4)")
                                .bind(system)
                                .bind(external_id)
                                .bind(case_id)
                                .bind(created_at)
                                .execute(&mut **tx)
                                .await?;
                        }
                        bind_audit!(&audit).execute(&mut **tx).await?;
                        Ok(((), cells))
                    })
                })
                .await
            }


            async fn externals_taken(&self, system: &str, external_ids: &[String]) -> StoreResult<Vec<(String, String)>> {
                let mut out = Vec::new();
                // Chunks keep the parameter count far below both databases' limits.
                for chunk in external_ids.chunks(500) {
                    let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
                    let sql = format!(
                        "SELECT e.external_id, c.reference FROM external_refs e JOIN cases c ON c.id = e.case_id \
                         WHERE e.system = $1 AND e.external_id IN ({})",
                        marks.join(", ")
                    );
                    let mut q = sqlx::query_as::<_, (String, String)>(sqlx::AssertSqlSafe(sql)).bind(system);
                    for id in chunk {
                        q = q.bind(id);
                    }
                    out.extend(q.fetch_all(&self.pool).await?);
                }
                Ok(out)
            }

            async fn case_by_external(&self, system: &str, external_id: &str) -> StoreResult<Option<Case>> {
                let state: Option<String> = sqlx::query_scalar(
                    "SELECT c.state FROM external_refs e JOIN cases c ON c.id = e.case_id WHERE e.system = $1 AND e.external_id = $2",
                )
                .bind(system)
                .bind(external_id)
                .fetch_optional(&self.pool)
                .await?;
                Ok(state.map(|s| serde_json::from_str(&s)).transpose()?)
            }

            async fn insert_api_client(&self, c: &ApiClientRecord, audit: &AuditEntry) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("INSERT INTO api_clients (id, name, kind, key_hash, disabled, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(&c.id)
                    .bind(&c.name)
                    .bind(&c.kind)
                    .bind(&c.key_hash)
                    .bind(i64::from(c.disabled))
                    .bind(c.created_at)
                    .execute(&mut *tx)
                    .await?;
                bind_audit!(audit).execute(&mut *tx).await?;
                Self::commit(tx).await?;
                Ok(())
            }

            async fn api_client_by_key_hash(&self, key_hash: &str) -> StoreResult<Option<ApiClientRecord>> {
                let row: Option<(String, String, String, String, i64, i64)> = sqlx::query_as(
                    "SELECT id, name, kind, key_hash, disabled, created_at FROM api_clients WHERE key_hash = $1 AND disabled = 0",
                )
                .bind(key_hash)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(api_client_of))
            }

            async fn api_clients(&self) -> StoreResult<Vec<ApiClientRecord>> {
                let rows: Vec<(String, String, String, String, i64, i64)> = sqlx::query_as(
                    "SELECT id, name, kind, key_hash, disabled, created_at FROM api_clients ORDER BY created_at, id",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(api_client_of).collect())
            }

            async fn set_api_client_disabled(&self, id: &str, disabled: bool, audit: &AuditEntry) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                let done = sqlx::query("UPDATE api_clients SET disabled = $2 WHERE id = $1")
                    .bind(id)
                    .bind(i64::from(disabled))
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() != 1 {
                    return Err(StoreError::NotFound(id.to_owned()));
                }
                bind_audit!(audit).execute(&mut *tx).await?;
                Self::commit(tx).await?;
                Ok(())
            }

            async fn get_case(&self, id: &str) -> StoreResult<Option<Case>> {
                let state: Option<String> =
                    sqlx::query_scalar("SELECT state FROM cases WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
                Ok(state.map(|s| serde_json::from_str(&s)).transpose()?)
            }

            async fn case_id_by_reference(&self, reference: &str) -> StoreResult<Option<String>> {
                Ok(sqlx::query_scalar("SELECT id FROM cases WHERE reference = $1")
                    .bind(reference)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn cases_by_id(&self, ids: &[String]) -> StoreResult<Vec<Case>> {
                if ids.is_empty() {
                    return Ok(vec![]);
                }
                let marks: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
                let sql = format!("SELECT state FROM cases WHERE id IN ({})", marks.join(", "));
                let mut q = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql));
                for id in ids {
                    q = q.bind(id);
                }
                let rows: Vec<String> = q.fetch_all(&self.pool).await?;
                rows.iter().map(|s| Ok(serde_json::from_str(s)?)).collect()
            }

            async fn update_cases(&self, changes: &[Change<'_>]) -> StoreResult<()> {
                let owned: Vec<OwnedChange> = changes.iter().map(OwnedChange::of).collect();
                self.write_marked(move |tx| {
                    Box::pin(async move {
                        let changes: Vec<Change<'_>> = owned.iter().map(OwnedChange::as_change).collect();
                        Ok(((), Self::update_rows(tx, &changes).await?))
                    })
                })
                .await
            }

            async fn cases(&self, f: &CaseFilter) -> StoreResult<Vec<Case>> {
                let (w, args) = where_clause(f, true);
                let limit = if f.limit > 0 { format!(" LIMIT {}", f.limit) } else { String::new() };
                let order = if f.urgent_first { "due_at IS NULL, due_at, received_at, id" } else { "received_at, id" };
                let sql = format!("SELECT state FROM cases{w} ORDER BY {order}{limit}");
                let q = bind_args!(sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql)), &args);
                let rows: Vec<String> = q.fetch_all(&self.pool).await?;
                rows.iter().map(|s| Ok(serde_json::from_str(s)?)).collect()
            }

            async fn board(&self, f: &duban_board::filter::BoardFilter) -> StoreResult<BoardData> {
                use sqlx::Row as _;
                let mut rows = Vec::new();
                for q in board::plan(f) {
                    let query = bind_args!(sqlx::query(sqlx::AssertSqlSafe(q.sql)), &q.args);
                    for r in query.fetch_all(&self.pool).await? {
                        let key: Option<String> = r.try_get(0)?;
                        let mut m = [0i64; duban_board::fact::N];
                        for (i, v) in m.iter_mut().enumerate() {
                            *v = r.try_get::<Option<i64>, _>(1 + i)?.unwrap_or(0);
                        }
                        rows.push((q.panel, key.unwrap_or_default(), duban_board::fact::Measures::from_array(m)));
                    }
                }
                Ok(BoardData::collect(rows))
            }

            async fn rebuild_board(&self, force: bool) -> StoreResult<Option<u64>> {
                const LAYOUT: &str = "2";
                let current: Option<String> = sqlx::query_scalar("SELECT value FROM meta WHERE key = 'board_layout'")
                    .fetch_optional(&self.pool)
                    .await?;
                if !force && current.as_deref() == Some(LAYOUT) {
                    return Ok(None);
                }
                let mut tx = self.pool.begin().await?;
                sqlx::query("DELETE FROM board_cells").execute(&mut *tx).await?;
                sqlx::query("DELETE FROM board_facts").execute(&mut *tx).await?;
                // Sum every case's cells in memory and write each cell once: upserting per
                // page left PostgreSQL a dead row per update, which slowed every later read.
                let mut deltas = std::collections::BTreeMap::new();
                let mut after = String::new();
                let mut counted = 0u64;
                loop {
                    let rows: Vec<(String, String)> =
                        sqlx::query_as("SELECT id, state FROM cases WHERE id > $1 ORDER BY id LIMIT 2000")
                            .bind(&after)
                            .fetch_all(&mut *tx)
                            .await?;
                    let Some((last, _)) = rows.last() else { break };
                    after = last.clone();
                    let mut facts = Vec::with_capacity(rows.len());
                    for (id, state) in &rows {
                        let case: Case = serde_json::from_str(state)?;
                        let fact = duban_board::fact::Fact::of(&case);
                        board::add_delta(&mut deltas, None, Some(&fact));
                        facts.push((id.as_str(), fact));
                    }
                    for chunk in facts.chunks(board::RECOUNT_ROWS) {
                        let sql = board::insert_facts(chunk.len());
                        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                        for (id, f) in chunk {
                            q = q
                                .bind(*id)
                                .bind(i64::from(f.day))
                                .bind(f.batch)
                                .bind(i64::from(f.division))
                                .bind(f.categories)
                                .bind(f.key_classes)
                                .bind(f.unit.as_str());
                            for v in f.measures.to_array() {
                                q = q.bind(v);
                            }
                        }
                        q.execute(&mut *tx).await?;
                    }
                    counted += rows.len() as u64;
                }
                let cells: Vec<_> = deltas.into_iter().filter(|(_, m)| !m.is_zero()).collect();
                for chunk in cells.chunks(board::RECOUNT_ROWS) {
                    let sql = board::insert_cells(chunk.len());
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for ((grain, dim, bucket, cats, keys), m) in chunk {
                        q = q.bind(*grain).bind(dim.as_str()).bind(*bucket).bind(*cats).bind(*keys);
                        for v in m.to_array() {
                            q = q.bind(v);
                        }
                    }
                    q.execute(&mut *tx).await?;
                }
                sqlx::query("INSERT INTO meta (key, value) VALUES ('board_layout', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                    .bind(LAYOUT)
                    .execute(&mut *tx)
                    .await?;
                Self::commit(tx).await?;
                // Fresh statistics for the planner; on PostgreSQL also the visibility map,
                // which the covering index needs to answer the edge days from the index alone.
                let tidy = if $kind == "postgres" {
                    "VACUUM ANALYZE board_cells, board_facts"
                } else {
                    "ANALYZE board_cells"
                };
                sqlx::query(tidy).execute(&self.pool).await?;
                Ok(Some(counted))
            }

            async fn publishable_cases(&self, batch: i64) -> StoreResult<Vec<Case>> {
                let rows: Vec<String> = sqlx::query_scalar(
                    "SELECT state FROM cases WHERE batch_number = $1 AND publishable = 1 ORDER BY reference",
                )
                .bind(batch)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(|s| Ok(serde_json::from_str(s)?)).collect()
            }

            async fn public_batches(&self) -> StoreResult<Vec<(i64, i64, i64)>> {
                let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
                    "SELECT batch_number, CAST(SUM(publishable) AS BIGINT), CAST(COUNT(*) AS BIGINT) FROM cases \
                     WHERE batch_number IS NOT NULL GROUP BY batch_number HAVING SUM(publishable) > 0 ORDER BY batch_number",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows)
            }

            async fn open_work(&self, units: Option<&[String]>, before_ms: i64, limit: i64) -> StoreResult<Vec<(CaseSummary, String)>> {
                let mut sql = String::from(
                    "SELECT summary, units FROM cases WHERE (status IN ('received', 'returned', 'dispatched') \
                     OR (due_at IS NOT NULL AND due_at < $1))",
                );
                let mut args = vec![Arg::Int(before_ms)];
                if let Some(units) = units {
                    let ors: Vec<String> = (0..units.len())
                        .map(|i| format!("(units LIKE ${n} OR referred_units LIKE ${n})", n = i + 2))
                        .collect();
                    sql.push_str(&if ors.is_empty() { " AND 1 = 0".to_owned() } else { format!(" AND ({})", ors.join(" OR ")) });
                    args.extend(units.iter().map(|u| Arg::Text(format!("%,{u},%"))));
                }
                sql.push_str(&format!(" ORDER BY due_at IS NULL, due_at, received_at LIMIT {}", limit.clamp(1, 100_000)));
                let q = bind_args!(sqlx::query_as::<_, (String, String)>(sqlx::AssertSqlSafe(sql)), &args);
                let rows: Vec<(String, String)> = q.fetch_all(&self.pool).await?;
                rows.into_iter().map(|(s, u)| Ok((serde_json::from_str(&s)?, u))).collect()
            }

                        async fn due_escalations(&self, now_ms: i64, limit: i64) -> StoreResult<Vec<Case>> {
                let sql = format!(
                    "SELECT state FROM cases WHERE next_escalation_at <= $1 ORDER BY next_escalation_at, id LIMIT {}",
                    limit.clamp(1, 10_000)
                );
                let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(now_ms).fetch_all(&self.pool).await?;
                rows.iter().map(|s| Ok(serde_json::from_str(s)?)).collect()
            }

            async fn counters(&self, prefix: &str) -> StoreResult<Vec<(String, i64)>> {
                let rows: Vec<(String, i64)> = sqlx::query_as("SELECT name, value FROM counters WHERE name LIKE $1 ESCAPE '\\' ORDER BY name")
                    .bind(format!("{}%", like_escape(prefix)))
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows)
            }

            async fn aggregate(&self, kind: &str, key: &str) -> StoreResult<Option<(String, u64)>> {
                let row: Option<(String, i64)> = sqlx::query_as("SELECT state, version FROM aggregates WHERE kind = $1 AND key = $2")
                    .bind(kind)
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map(|(s, v)| (s, u64::try_from(v).unwrap_or(0))))
            }

            async fn save_aggregate(
                &self,
                kind: &str,
                key: &str,
                case_id: Option<&str>,
                expected: u64,
                state: &str,
                events: &[AggregateEvent],
                audit: &AuditEntry,
                access: &AggregateAccess,
            ) -> StoreResult<()> {
                let parties = if access.parties.is_empty() { String::new() } else { format!(",{},", access.parties.join(",")) };
                let expected_i = i64::try_from(expected).unwrap_or(i64::MAX);
                let version = expected_i + events.len() as i64;
                let now = audit.at.timestamp_millis();
                let next_ms = access.next_step_at.map(|t| t.timestamp_millis());
                let mut tx = self.pool.begin().await?;
                let done = if expected == 0 {
                    sqlx::query(
                        "INSERT INTO aggregates (kind, key, case_id, state, version, updated_at, parties, next_escalation_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                         ON CONFLICT (kind, key) DO NOTHING",
                    )
                    .bind(kind)
                    .bind(key)
                    .bind(case_id)
                    .bind(state)
                    .bind(version)
                    .bind(now)
                    .bind(&parties)
                    .bind(next_ms)
                    .execute(&mut *tx)
                    .await?
                } else {
                    sqlx::query("UPDATE aggregates SET state = $3, version = $4, updated_at = $5, parties = $7, next_escalation_at = $8 WHERE kind = $1 AND key = $2 AND version = $6")
                        .bind(kind)
                        .bind(key)
                        .bind(state)
                        .bind(version)
                        .bind(now)
                        .bind(expected_i)
                        .bind(&parties)
                        .bind(next_ms)
                        .execute(&mut *tx)
                        .await?
                };
                if done.rows_affected() != 1 {
                    tx.rollback().await?;
                    let current = self.aggregate(kind, key).await?.map_or(0, |(_, v)| v);
                    return Err(StoreError::Conflict { current });
                }
                for (i, e) in events.iter().enumerate() {
                    sqlx::query("INSERT INTO aggregate_events (kind, key, seq, at, actor, type, body) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                        .bind(kind)
                        .bind(key)
                        .bind(expected_i + 1 + i as i64)
                        .bind(e.at.timestamp_millis())
                        .bind(&e.actor)
                        .bind(&e.kind)
                        .bind(&e.body)
                        .execute(&mut *tx)
                        .await?;
                }
                if let Some(case_id) = case_id {
                    for unit in &access.grant_case_to {
                        let tag = format!(",{unit},");
                        sqlx::query(
                            "UPDATE cases SET referred_units = CASE WHEN referred_units = '' THEN $2 ELSE referred_units || $3 END \
                             WHERE id = $1 AND referred_units NOT LIKE $4",
                        )
                        .bind(case_id)
                        .bind(&tag)
                        .bind(format!("{unit},"))
                        .bind(format!("%{tag}%"))
                        .execute(&mut *tx)
                        .await?;
                    }
                }
                bind_audit!(audit).execute(&mut *tx).await?;
                Self::commit(tx).await?;
                Ok(())
            }

            async fn due_aggregates(&self, now_ms: i64, limit: i64) -> StoreResult<Vec<DueAggregate>> {
                let sql = format!(
                    "SELECT kind, key, state, version FROM aggregates WHERE next_escalation_at <= $1 ORDER BY next_escalation_at, kind, key LIMIT {}",
                    limit.clamp(1, 10_000)
                );
                let rows: Vec<(String, String, String, i64)> =
                    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(now_ms).fetch_all(&self.pool).await?;
                Ok(rows
                    .into_iter()
                    .map(|(kind, key, state, version)| DueAggregate {
                        kind,
                        key,
                        state,
                        version: u64::try_from(version).unwrap_or(0),
                    })
                    .collect())
            }

            async fn reschedule_aggregate(
                &self,
                kind: &str,
                key: &str,
                expected: u64,
                next_step_at: Option<chrono::DateTime<chrono::Utc>>,
            ) -> StoreResult<()> {
                let done = sqlx::query("UPDATE aggregates SET next_escalation_at = $4 WHERE kind = $1 AND key = $2 AND version = $3")
                    .bind(kind)
                    .bind(key)
                    .bind(i64::try_from(expected).unwrap_or(i64::MAX))
                    .bind(next_step_at.map(|t| t.timestamp_millis()))
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() != 1 {
                    let current = self.aggregate(kind, key).await?.map_or(0, |(_, v)| v);
                    return Err(StoreError::Conflict { current });
                }
                Ok(())
            }

            async fn aggregates(&self, kind: &str, case_id: Option<&str>, units: Option<&[String]>, limit: i64) -> StoreResult<Vec<String>> {
                let mut sql = String::from("SELECT state FROM aggregates WHERE kind = $1");
                let mut args = vec![Arg::Text(kind.to_owned())];
                if let Some(c) = case_id {
                    args.push(Arg::Text(c.to_owned()));
                    sql.push_str(&format!(" AND case_id = ${}", args.len()));
                }
                if let Some(units) = units {
                    let mut ors = Vec::new();
                    for u in units {
                        args.push(Arg::Text(format!("%,{u},%")));
                        ors.push(format!("parties LIKE ${}", args.len()));
                    }
                    sql.push_str(&if ors.is_empty() { " AND 1 = 0".to_owned() } else { format!(" AND ({})", ors.join(" OR ")) });
                }
                sql.push_str(&format!(" ORDER BY updated_at DESC LIMIT {}", limit.clamp(1, 10_000)));
                let q = bind_args!(sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql)), &args);
                Ok(q.fetch_all(&self.pool).await?)
            }

            async fn aggregates_by_key(&self, kind: &str, keys: &[String]) -> StoreResult<Vec<String>> {
                let mut out = Vec::new();
                // In slices, to stay within every database's limit on bound values.
                for slice in keys.chunks(500) {
                    let marks: Vec<String> = (2..slice.len() + 2).map(|n| format!("${n}")).collect();
                    let sql = format!("SELECT state FROM aggregates WHERE kind = $1 AND key IN ({})", marks.join(", "));
                    let mut q = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql)).bind(kind.to_owned());
                    for k in slice {
                        q = q.bind(k.clone());
                    }
                    out.extend(q.fetch_all(&self.pool).await?);
                }
                Ok(out)
            }

            async fn referred_units(&self, case_id: &str) -> StoreResult<String> {
                let v: Option<String> = sqlx::query_scalar("SELECT referred_units FROM cases WHERE id = $1")
                    .bind(case_id)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(v.unwrap_or_default())
            }

            async fn aggregate_events(&self, kind: &str, key: &str) -> StoreResult<Vec<(u64, String)>> {
                let rows: Vec<(i64, String)> = sqlx::query_as("SELECT seq, body FROM aggregate_events WHERE kind = $1 AND key = $2 ORDER BY seq")
                    .bind(kind)
                    .bind(key)
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows.into_iter().map(|(s, b)| (u64::try_from(s).unwrap_or(0), b)).collect())
            }

            async fn insert_attachment(&self, a: &AttachmentRecord, data: &[u8], audit: &AuditEntry) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO attachments (id, case_id, name, content_type, size, sha256, data, uploaded_by, uploaded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(&a.id)
                .bind(&a.case_id)
                .bind(&a.name)
                .bind(&a.content_type)
                .bind(i64::try_from(a.size).unwrap_or(i64::MAX))
                .bind(&a.sha256)
                .bind(data)
                .bind(&a.uploaded_by)
                .bind(a.uploaded_at.timestamp_millis())
                .execute(&mut *tx)
                .await?;
                bind_audit!(audit).execute(&mut *tx).await?;
                Self::commit(tx).await?;
                Ok(())
            }

            async fn attachments(&self, case_id: &str) -> StoreResult<Vec<AttachmentRecord>> {
                let rows: Vec<AttachmentRow> = sqlx::query_as(
                    "SELECT id, case_id, name, content_type, size, sha256, uploaded_by, uploaded_at FROM attachments \
                     WHERE case_id = $1 ORDER BY uploaded_at, id",
                )
                .bind(case_id)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(attachment_of).collect())
            }

            async fn attachment(&self, id: &str) -> StoreResult<Option<(AttachmentRecord, Vec<u8>)>> {
                let row: Option<(String, String, String, String, i64, String, String, i64, Vec<u8>)> = sqlx::query_as(
                    "SELECT id, case_id, name, content_type, size, sha256, uploaded_by, uploaded_at, data FROM attachments WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|r| (attachment_of((r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7)), r.8)))
            }

            async fn set_config(&self, key: &str, value: &str, audit: &AuditEntry) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2")
                    .bind(key)
                    .bind(value)
                    .execute(&mut *tx)
                    .await?;
                bind_audit!(audit).execute(&mut *tx).await?;
                Self::commit(tx).await?;
                Ok(())
            }

            async fn events(&self, id: &str) -> StoreResult<Vec<EventView>> {
                let rows: Vec<(i64, String)> =
                    sqlx::query_as("SELECT seq, body FROM case_events WHERE case_id = $1 ORDER BY seq")
                        .bind(id)
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter()
                    .map(|(seq, body)| {
                        Ok(EventView { seq: u64::try_from(seq).unwrap_or(0), event: serde_json::from_str(&body)? })
                    })
                    .collect()
            }

            async fn list_cases(&self, f: &CaseFilter) -> StoreResult<(Vec<CaseSummary>, u64)> {
                let (w, args) = where_clause(f, true);
                let sql = format!(
                    "SELECT summary FROM cases{w} ORDER BY received_at DESC, id DESC LIMIT {}",
                    f.limit.clamp(1, 1000)
                );
                let q = bind_args!(sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql)), &args);
                let rows: Vec<String> = q.fetch_all(&self.pool).await?;
                let (cw, cargs) = where_clause(f, false);
                let csql = match f.count_up_to {
                    Some(cap) => format!(
                        "SELECT COUNT(*) FROM (SELECT 1 FROM cases{cw} LIMIT {}) AS capped",
                        cap.saturating_add(1).min(i64::MAX as u64)
                    ),
                    None => format!("SELECT COUNT(*) FROM cases{cw}"),
                };
                let cq = bind_args!(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(csql)), &cargs);
                let total: i64 = cq.fetch_one(&self.pool).await?;
                let items = rows.iter().map(|s| serde_json::from_str(s)).collect::<Result<Vec<_>, _>>()?;
                Ok((items, u64::try_from(total).unwrap_or(0)))
            }

            async fn count_due(&self, f: &CaseFilter, now_ms: i64) -> StoreResult<(u64, u64)> {
                let (w, args) = where_clause(f, false);
                // `now_ms` is a number, written into the text rather than numbered after
                // the filter's own placeholders.
                let sql = format!(
                    "SELECT COUNT(*), COUNT(CASE WHEN due_at <= {now_ms} THEN 1 END) FROM cases{w}"
                );
                let q = bind_args!(sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(sql)), &args);
                let (all, due) = q.fetch_one(&self.pool).await?;
                Ok((u64::try_from(all).unwrap_or(0), u64::try_from(due).unwrap_or(0)))
            }

            async fn units(&self) -> StoreResult<Vec<UnitView>> {
                let rows: Vec<(String, String, String, Option<String>, Option<String>)> =
                    sqlx::query_as("SELECT id, name, kind, parent, division FROM units ORDER BY sort, id")
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, name, kind, parent, division)| UnitView { id, name, kind, parent, division })
                    .collect())
            }

            async fn upsert_unit(&self, u: &UnitView, sort: i64) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO units (id, name, kind, parent, division, sort) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(&u.id)
                .bind(&u.name)
                .bind(&u.kind)
                .bind(&u.parent)
                .bind(&u.division)
                .bind(sort)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn insert_unit(&self, u: &UnitView, audit: &AuditEntry) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO units (id, name, kind, parent, division, sort) \
                     VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(MAX(sort), 0) + 1 FROM units))",
                )
                .bind(&u.id)
                .bind(&u.name)
                .bind(&u.kind)
                .bind(&u.parent)
                .bind(&u.division)
                .execute(&mut *tx)
                .await?;
                bind_audit!(audit).execute(&mut *tx).await?;
                Self::commit(tx).await?;
                Ok(())
            }

            async fn update_unit(&self, u: &UnitView, audit: &AuditEntry) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                let done = sqlx::query("UPDATE units SET name = $2, kind = $3, parent = $4, division = $5 WHERE id = $1")
                    .bind(&u.id)
                    .bind(&u.name)
                    .bind(&u.kind)
                    .bind(&u.parent)
                    .bind(&u.division)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() != 1 {
                    return Err(StoreError::NotFound(u.id.clone()));
                }
                bind_audit!(audit).execute(&mut *tx).await?;
                Self::commit(tx).await?;
                Ok(())
            }

            async fn rule_sets(&self) -> StoreResult<Vec<RuleSet>> {
                let rows: Vec<String> =
                    sqlx::query_scalar("SELECT body FROM rule_sets ORDER BY id").fetch_all(&self.pool).await?;
                rows.iter().map(|s| Ok(serde_json::from_str(s)?)).collect()
            }

            async fn seed_rule_set(&self, set: &RuleSet, now_ms: i64) -> StoreResult<()> {
                sqlx::query("INSERT INTO rule_sets (id, body, updated_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING")
                    .bind(set.id())
                    .bind(serde_json::to_string(set)?)
                    .bind(now_ms)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

                        async fn save_rule_set(&self, set: &RuleSet, now_ms: i64, audit: &AuditEntry) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                let done = sqlx::query("UPDATE rule_sets SET body = $2, updated_at = $3 WHERE id = $1")
                    .bind(set.id())
                    .bind(serde_json::to_string(set)?)
                    .bind(now_ms)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() != 1 {
                    return Err(StoreError::NotFound(set.id().to_owned()));
                }
                bind_audit!(audit).execute(&mut *tx).await?;
                Self::commit(tx).await?;
                Ok(())
            }

            async fn count_users(&self) -> StoreResult<u64> {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&self.pool).await?;
                Ok(u64::try_from(n).unwrap_or(0))
            }

            async fn insert_user(&self, u: &UserRecord, now_ms: i64, audit: &AuditEntry) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO users (id, username, display_name, role, unit_id, password_hash, disabled, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(&u.id)
                .bind(&u.username)
                .bind(&u.display_name)
                .bind(&u.role)
                .bind(&u.unit_id)
                .bind(&u.password_hash)
                .bind(i64::from(u.disabled))
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
                bind_audit!(audit).execute(&mut *tx).await?;
                Self::commit(tx).await?;
                Ok(())
            }

            async fn user_by_id(&self, id: &str) -> StoreResult<Option<UserRecord>> {
                let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1");
                let row: Option<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&self.pool).await?;
                Ok(row.map(user_of))
            }

            async fn users(&self) -> StoreResult<Vec<UserRecord>> {
                let sql = format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.username");
                let rows: Vec<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
                Ok(rows.into_iter().map(user_of).collect())
            }

            async fn update_user(&self, u: &UserRecord, end_sessions: bool, audit: &AuditEntry) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                let done = sqlx::query(
                    "UPDATE users SET display_name = $2, role = $3, unit_id = $4, password_hash = $5, disabled = $6 WHERE id = $1",
                )
                .bind(&u.id)
                .bind(&u.display_name)
                .bind(&u.role)
                .bind(&u.unit_id)
                .bind(&u.password_hash)
                .bind(i64::from(u.disabled))
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() != 1 {
                    return Err(StoreError::NotFound(u.id.clone()));
                }
                if end_sessions {
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(&u.id).execute(&mut *tx).await?;
                }
                bind_audit!(audit).execute(&mut *tx).await?;
                Self::commit(tx).await?;
                Ok(())
            }

            async fn user_by_username(&self, username: &str) -> StoreResult<Option<UserRecord>> {
                let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.username = $1");
                let row: Option<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(username).fetch_optional(&self.pool).await?;
                Ok(row.map(user_of))
            }

            async fn insert_session(&self, token_hash: &str, user_id: &str, csrf: &str, now_ms: i64, expires_ms: i64) -> StoreResult<()> {
                sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(token_hash)
                    .bind(user_id)
                    .bind(csrf)
                    .bind(now_ms)
                    .bind(expires_ms)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn session(&self, token_hash: &str, now_ms: i64) -> StoreResult<Option<(UserRecord, String)>> {
                let sql = format!(
                    "SELECT {USER_COLUMNS}, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id \
                     WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0"
                );
                let row: Option<(String, String, String, String, Option<String>, String, i64, String)> =
                    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(token_hash).bind(now_ms).fetch_optional(&self.pool).await?;
                Ok(row.map(|r| (user_of((r.0, r.1, r.2, r.3, r.4, r.5, r.6)), r.7)))
            }

            async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
                Ok(())
            }

            async fn delete_expired_sessions(&self, now_ms: i64) -> StoreResult<u64> {
                let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now_ms).execute(&self.pool).await?;
                Ok(done.rows_affected())
            }

            async fn record_audit(&self, entry: &AuditEntry) -> StoreResult<()> {
                bind_audit!(entry).execute(&self.pool).await?;
                Ok(())
            }

            async fn audit(&self, f: &AuditFilter) -> StoreResult<(Vec<AuditRecord>, u64)> {
                let (w, args) = audit_where(f, true);
                let sql = format!(
                    "SELECT seq, at, actor, role, ip, user_agent, action, case_id, target, reason, detail \
                     FROM audit_log{w} ORDER BY seq DESC LIMIT {}",
                    f.limit.clamp(1, 1000)
                );
                let q = bind_args!(sqlx::query_as::<_, AuditRow>(sqlx::AssertSqlSafe(sql)), &args);
                let rows: Vec<AuditRow> = q.fetch_all(&self.pool).await?;
                let (cw, cargs) = audit_where(f, false);
                let csql = format!("SELECT COUNT(*) FROM audit_log{cw}");
                let cq = bind_args!(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(csql)), &cargs);
                let total: i64 = cq.fetch_one(&self.pool).await?;
                Ok((rows.into_iter().map(audit_of).collect(), u64::try_from(total).unwrap_or(0)))
            }

            async fn meta(&self, key: &str) -> StoreResult<Option<String>> {
                Ok(sqlx::query_scalar("SELECT value FROM meta WHERE key = $1").bind(key).fetch_optional(&self.pool).await?)
            }

            async fn set_meta(&self, key: &str, value: &str) -> StoreResult<()> {
                sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2")
                    .bind(key)
                    .bind(value)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn idempotency_record(
                &self,
                principal: &str,
                key: &str,
                fingerprint: &str,
            ) -> StoreResult<Claim> {
                let row: Option<(String, Option<i64>, Option<String>, Option<Vec<u8>>, i64)> = sqlx::query_as(
                    "SELECT fingerprint, status, content_type, body, committed FROM idempotency_keys \
                     WHERE principal = $1 AND idem_key = $2",
                )
                .bind(principal)
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
                Ok(match row {
                    None => Claim::New,
                    Some((f, _, _, _, _)) if f != fingerprint => Claim::Mismatch,
                    Some((_, Some(status), content_type, body, _)) => Claim::Replay {
                        status: u16::try_from(status).unwrap_or(500),
                        content_type: content_type.unwrap_or_default(),
                        body: body.unwrap_or_default(),
                    },
                    Some((_, None, _, _, committed)) if committed != 0 => Claim::Lost,
                    // A claim of an earlier version that never wrote: nothing happened.
                    Some(_) => Claim::New,
                })
            }

            async fn finish_idempotency(
                &self,
                mark: &IdempotencyMark,
                status: u16,
                content_type: &str,
                body: &[u8],
            ) -> StoreResult<()> {
                let (m, content_type, body) = (mark.clone(), content_type.to_owned(), body.to_vec());
                self.writer
                    .write(move |tx| {
                        Box::pin(async move {
                            sqlx::query(
                                "INSERT INTO idempotency_keys \
                                 (principal, idem_key, fingerprint, created_at, status, content_type, body) \
                                 VALUES ($1, $2, $3, $4, $5, $6, $7) \
                                 ON CONFLICT (principal, idem_key) DO UPDATE \
                                 SET status = excluded.status, content_type = excluded.content_type, body = excluded.body",
                            )
                            .bind(m.principal)
                            .bind(m.key)
                            .bind(m.fingerprint)
                            .bind(m.created_at)
                            .bind(i64::from(status))
                            .bind(content_type)
                            .bind(body)
                            .execute(&mut **tx)
                            .await?;
                            Ok(())
                        })
                    })
                    .await
            }

            async fn idempotency_written(&self, principal: &str, key: &str) -> StoreResult<bool> {
                let committed: Option<i64> = sqlx::query_scalar(
                    "SELECT committed FROM idempotency_keys WHERE principal = $1 AND idem_key = $2",
                )
                .bind(principal)
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
                Ok(committed.is_some_and(|c| c != 0))
            }

            async fn purge_idempotency(&self, before_ms: i64, interrupted: bool) -> StoreResult<u64> {
                let sql = if interrupted {
                    "DELETE FROM idempotency_keys WHERE created_at < $1 OR (status IS NULL AND committed = 0)"
                } else {
                    "DELETE FROM idempotency_keys WHERE created_at < $1"
                };
                Ok(sqlx::query(sql).bind(before_ms).execute(&self.pool).await?.rows_affected())
            }

            // ---- Open311 GeoReport v2 (`app/open311.rs`) ----
            async fn insert_open311_request(&self, r: &Open311Request) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO open311_requests (system, external_id, service_code, media_url, created_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&r.system)
                .bind(&r.external_id)
                .bind(&r.service_code)
                .bind(&r.media_url)
                .bind(r.created_at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn open311_requests(&self, f: &Open311Filter) -> StoreResult<Vec<(Case, Open311Request)>> {
                let (w, args) = open311_where(f);
                let sql = format!(
                    "SELECT c.state, o.system, o.external_id, o.service_code, o.media_url, o.created_at \
                     FROM open311_requests o \
                     JOIN external_refs e ON e.system = o.system AND e.external_id = o.external_id \
                     JOIN cases c ON c.id = e.case_id{w} \
                     ORDER BY c.received_at DESC, c.id DESC LIMIT {}",
                    f.limit.clamp(1, 10_000)
                );
                let q = bind_args!(sqlx::query_as::<_, Open311Row>(sqlx::AssertSqlSafe(sql)), &args);
                let rows: Vec<Open311Row> = q.fetch_all(&self.pool).await?;
                rows.into_iter()
                    .map(|(state, system, external_id, service_code, media_url, created_at)| {
                        Ok((
                            serde_json::from_str(&state)?,
                            Open311Request { system, external_id, service_code, media_url, created_at },
                        ))
                    })
                    .collect()
            }
            // ---- end Open311 ----
        }
    };
}

sql_store!(SqliteStore, sqlx::Sqlite, sqlx::SqlitePool, "sqlite");
sql_store!(PgStore, sqlx::Postgres, sqlx::PgPool, "postgres");

impl SqliteStore {
    /// Open (creating the file and its folder) and migrate. WAL mode with
    /// `synchronous = FULL`: a committed change survives power loss.
    pub async fn open(url: &str) -> anyhow::Result<SqliteStore> {
        use sqlx::sqlite::{
            SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
        };
        use std::str::FromStr;
        let opts = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(10));
        if let Some(path) = opts
            .get_filename()
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(path)?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await?;
        migrator(SQLITE_MIGRATIONS).run(&pool).await?;
        Ok(SqliteStore::with_pool(pool))
    }
}

impl PgStore {
    pub async fn open(url: &str) -> anyhow::Result<PgStore> {
        Self::open_in_schema(url, None).await
    }

    /// Open with every connection's `search_path` set to `schema` (created if missing):
    /// tests use a fresh schema each so that runs never see each other's rows.
    pub async fn open_in_schema(url: &str, schema: Option<&str>) -> anyhow::Result<PgStore> {
        use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
        use std::str::FromStr;
        let mut opts = PgConnectOptions::from_str(url)?;
        if let Some(schema) = schema {
            anyhow::ensure!(
                schema
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_'),
                "bad schema name"
            );
            let admin = PgPoolOptions::new()
                .max_connections(1)
                .connect_with(opts.clone())
                .await?;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "CREATE SCHEMA IF NOT EXISTS {schema}"
            )))
            .execute(&admin)
            .await?;
            admin.close().await;
            opts = opts.options([("search_path", schema)]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect_with(opts)
            .await?;
        migrator(POSTGRES_MIGRATIONS).run(&pool).await?;
        Ok(PgStore::with_pool(pool))
    }
}

/// Migrations, embedded: (version, description, SQL). Each database has its own.
type Migrations = &'static [(i64, &'static str, &'static str)];
const SQLITE_MIGRATIONS: Migrations = &[
    (
        1,
        "init",
        include_str!("../migrations/sqlite/0001_init.sql"),
    ),
    (
        2,
        "accounts",
        include_str!("../migrations/sqlite/0002_accounts.sql"),
    ),
    (
        3,
        "case units",
        include_str!("../migrations/sqlite/0003_case_units.sql"),
    ),
    (
        4,
        "audit",
        include_str!("../migrations/sqlite/0004_audit.sql"),
    ),
    (
        5,
        "due index",
        include_str!("../migrations/sqlite/0005_due_index.sql"),
    ),
    (
        6,
        "mechanisms",
        include_str!("../migrations/sqlite/0006_mechanisms.sql"),
    ),
    (
        7,
        "referrals",
        include_str!("../migrations/sqlite/0007_referrals.sql"),
    ),
    (
        8,
        "escalation",
        include_str!("../migrations/sqlite/0008_escalation.sql"),
    ),
    (
        9,
        "mechanism escalation",
        include_str!("../migrations/sqlite/0009_mechanism_escalation.sql"),
    ),
    (
        10,
        "escalation step",
        include_str!("../migrations/sqlite/0010_escalation_step.sql"),
    ),
    (
        11,
        "connected systems",
        include_str!("../migrations/sqlite/0011_connected_systems.sql"),
    ),
    (
        12,
        "open311",
        include_str!("../migrations/sqlite/0012_open311.sql"),
    ),
    (
        13,
        "imports",
        include_str!("../migrations/sqlite/0013_imports.sql"),
    ),
    (
        14,
        "repeats",
        include_str!("../migrations/sqlite/0014_repeats.sql"),
    ),
    (
        15,
        "open311 tokens",
        include_str!("../migrations/sqlite/0015_open311_tokens.sql"),
    ),
    (
        16,
        "board",
        include_str!("../migrations/sqlite/0016_board.sql"),
    ),
    (
        17,
        "board slices",
        include_str!("../migrations/sqlite/0017_board_slices.sql"),
    ),
    (
        18,
        "idempotency keys",
        include_str!("../migrations/sqlite/0018_idempotency_keys.sql"),
    ),
    (
        19,
        "list filter index",
        include_str!("../migrations/sqlite/0019_list_filter_index.sql"),
    ),
    (
        20,
        "transfer refs",
        include_str!("../migrations/sqlite/0020_transfer_refs.sql"),
    ),
];
const POSTGRES_MIGRATIONS: Migrations = &[
    (
        1,
        "init",
        include_str!("../migrations/postgres/0001_init.sql"),
    ),
    (
        2,
        "accounts",
        include_str!("../migrations/postgres/0002_accounts.sql"),
    ),
    (
        3,
        "case units",
        include_str!("../migrations/postgres/0003_case_units.sql"),
    ),
    (
        4,
        "audit",
        include_str!("../migrations/postgres/0004_audit.sql"),
    ),
    (
        5,
        "due index",
        include_str!("../migrations/postgres/0005_due_index.sql"),
    ),
    (
        6,
        "mechanisms",
        include_str!("../migrations/postgres/0006_mechanisms.sql"),
    ),
    (
        7,
        "referrals",
        include_str!("../migrations/postgres/0007_referrals.sql"),
    ),
    (
        8,
        "escalation",
        include_str!("../migrations/postgres/0008_escalation.sql"),
    ),
    (
        9,
        "mechanism escalation",
        include_str!("../migrations/postgres/0009_mechanism_escalation.sql"),
    ),
    (
        10,
        "escalation step",
        include_str!("../migrations/postgres/0010_escalation_step.sql"),
    ),
    (
        11,
        "connected systems",
        include_str!("../migrations/postgres/0011_connected_systems.sql"),
    ),
    (
        12,
        "open311",
        include_str!("../migrations/postgres/0012_open311.sql"),
    ),
    (
        13,
        "imports",
        include_str!("../migrations/postgres/0013_imports.sql"),
    ),
    (
        14,
        "repeats",
        include_str!("../migrations/postgres/0014_repeats.sql"),
    ),
    (
        15,
        "open311 tokens",
        include_str!("../migrations/postgres/0015_open311_tokens.sql"),
    ),
    (
        16,
        "board",
        include_str!("../migrations/postgres/0016_board.sql"),
    ),
    (
        17,
        "board slices",
        include_str!("../migrations/postgres/0017_board_slices.sql"),
    ),
    (
        18,
        "idempotency keys",
        include_str!("../migrations/postgres/0018_idempotency_keys.sql"),
    ),
    (
        19,
        "list filter index",
        include_str!("../migrations/postgres/0019_list_filter_index.sql"),
    ),
    (
        20,
        "transfer refs",
        include_str!("../migrations/postgres/0020_transfer_refs.sql"),
    ),
];

/// sqlx's migrator over embedded files (what `sqlx::migrate!` generates, without the
/// proc-macro and its build cost).
fn migrator(files: Migrations) -> sqlx::migrate::Migrator {
    use sqlx::migrate::{Migration, MigrationType, Migrator};
    Migrator::with_migrations(
        files
            .iter()
            .map(|&(version, description, sql)| {
                Migration::new(
                    version,
                    description.into(),
                    MigrationType::Simple,
                    sqlx::SqlStr::from_static(sql),
                    false,
                )
            })
            .collect(),
    )
}

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

#[cfg(test)]
mod migration_tests {
    /// A migration file left out of the embedded list would silently never run.
    #[test]
    fn every_migration_file_is_embedded() {
        for (dir, list) in [
            ("sqlite", super::SQLITE_MIGRATIONS),
            ("postgres", super::POSTGRES_MIGRATIONS),
        ] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("migrations")
                .join(dir);
            let mut files: Vec<String> = std::fs::read_dir(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|n| n.ends_with(".sql"))
                .collect();
            files.sort();
            let embedded: Vec<String> = list
                .iter()
                .map(|(v, d, _)| format!("{v:04}_{}.sql", d.replace(" ", "_")))
                .collect();
            assert_eq!(files, embedded, "{dir}");
        }
    }
}
