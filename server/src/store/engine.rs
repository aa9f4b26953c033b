//! The store over one database: the writer task that carries out writes in groups, how
//! a write commits (with its `Idempotency-Key` mark), and the [`Store`] impl, which
//! forwards each method to the module of its concern.

use async_trait::async_trait;
use duban_api::{AuditEntry, AuditRecord, CaseSummary, EventView, UnitView};
use duban_case::lifecycle::Case;
use duban_sla::RuleSet;

use super::board::{self, BoardData};
use super::sql::{Db, sql};
use super::{
    AggregateSave, ApiClientRecord, AttachmentRecord, AuditFilter, BuildRows, CaseFilter, Change,
    Claim, DueAggregate, IDEMPOTENCY, IdempotencyMark, ImportRecord, Insert, LiveSession,
    NewSession, Open311Filter, Open311Request, RepeatRow, SessionRecord, SqlStore, Store,
    StoreResult, UserRecord, writer,
};

impl<DB: Db> SqlStore<DB> {
    pub(super) fn with_pool(pool: sqlx::Pool<DB>) -> SqlStore<DB> {
        let writer = Self::start_writer(pool.clone());
        SqlStore { pool, writer }
    }

    /// The store's writer task: takes every job waiting, runs each under its own
    /// savepoint in one transaction, commits once, then answers them all.
    fn start_writer(pool: sqlx::Pool<DB>) -> writer::Writer<DB> {
        let (w, mut jobs) = writer::Writer::<DB>::channel();
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
                    if let Err(e) = sql::<DB>("SAVEPOINT job").execute(&mut tx).await {
                        broken = Some(e.to_string());
                        break;
                    }
                    let done = job(&mut tx).await;
                    let end = if done.ok {
                        "RELEASE SAVEPOINT job"
                    } else {
                        "ROLLBACK TO SAVEPOINT job"
                    };
                    if done.ok {
                        board::merge_cells(&mut cells, done.cells);
                    }
                    answers.push(done.deliver);
                    if let Err(e) = sql::<DB>(end).execute(&mut tx).await {
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

    /// A writer job that changes the board (see [`writer::Writer::write_counting`]),
    /// marking the key of the `Idempotency-Key` request it is made for in the same
    /// transaction (see [`Self::commit`]); the key is read now, when it is queued, since
    /// the writer task runs outside the request.
    pub(super) async fn write_marked<R, F>(&self, f: F) -> StoreResult<R>
    where
        R: Send + 'static,
        F: for<'c> FnOnce(
                &'c mut sqlx::Transaction<'static, DB>,
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

    /// Commit a write; on behalf of an `Idempotency-Key` request, mark its key in the
    /// same transaction, so that a crash before the answer is stored leaves a row that
    /// says the write happened.
    pub(super) async fn commit(mut tx: sqlx::Transaction<'static, DB>) -> StoreResult<()> {
        Self::mark_committed(&mut tx, IDEMPOTENCY.try_with(Clone::clone).ok()).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn ping(&self) -> StoreResult<()> {
        sql::<DB>("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

#[async_trait]
impl<DB: Db> Store for SqlStore<DB> {
    fn kind(&self) -> &'static str {
        DB::KIND.code()
    }

    async fn ping(&self) -> StoreResult<()> {
        SqlStore::ping(self).await
    }

    async fn reserve_serials(&self, name: &str, n: i64) -> StoreResult<i64> {
        SqlStore::reserve_serials(self, name, n).await
    }

    async fn insert_cases(&self, rows: &[Insert<'_>]) -> StoreResult<()> {
        SqlStore::insert_cases(self, rows).await
    }

    async fn insert_numbered(
        &self,
        wanted: std::collections::BTreeMap<String, i64>,
        build: BuildRows,
    ) -> StoreResult<Vec<Case>> {
        SqlStore::insert_numbered(self, wanted, build).await
    }

    async fn repeat_candidates(
        &self,
        division: (i64, i64),
        phone_digest: Option<&str>,
        from_ms: i64,
        to_ms: i64,
        limit: i64,
    ) -> StoreResult<Vec<RepeatRow>> {
        SqlStore::repeat_candidates(self, division, phone_digest, from_ms, to_ms, limit).await
    }

    async fn backfill_repeat_columns(&self, batch: i64) -> StoreResult<u64> {
        SqlStore::backfill_repeat_columns(self, batch).await
    }

    async fn import_by_fingerprint(&self, fingerprint: &str) -> StoreResult<Option<ImportRecord>> {
        SqlStore::import_by_fingerprint(self, fingerprint).await
    }

    async fn commit_import(
        &self,
        import: &ImportRecord,
        rows: &[Insert<'_>],
        refs: &[(String, String, String)],
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        SqlStore::commit_import(self, import, rows, refs, audit).await
    }

    async fn case_by_external(&self, system: &str, external_id: &str) -> StoreResult<Option<Case>> {
        SqlStore::case_by_external(self, system, external_id).await
    }

    async fn externals_taken(
        &self,
        system: &str,
        external_ids: &[String],
    ) -> StoreResult<Vec<(String, String)>> {
        SqlStore::externals_taken(self, system, external_ids).await
    }

    async fn insert_api_client(&self, c: &ApiClientRecord, audit: &AuditEntry) -> StoreResult<()> {
        SqlStore::insert_api_client(self, c, audit).await
    }

    async fn api_client_by_key_hash(&self, key_hash: &str) -> StoreResult<Option<ApiClientRecord>> {
        SqlStore::api_client_by_key_hash(self, key_hash).await
    }

    async fn api_clients(&self) -> StoreResult<Vec<ApiClientRecord>> {
        SqlStore::api_clients(self).await
    }

    async fn set_api_client_disabled(
        &self,
        id: &str,
        disabled: bool,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        SqlStore::set_api_client_disabled(self, id, disabled, audit).await
    }

    async fn get_case(&self, id: &str) -> StoreResult<Option<Case>> {
        SqlStore::get_case(self, id).await
    }

    async fn case_id_by_reference(&self, reference: &str) -> StoreResult<Option<String>> {
        SqlStore::case_id_by_reference(self, reference).await
    }

    async fn cases_by_id(&self, ids: &[String]) -> StoreResult<Vec<Case>> {
        SqlStore::cases_by_id(self, ids).await
    }

    async fn update_cases(&self, changes: &[Change<'_>]) -> StoreResult<()> {
        SqlStore::update_cases(self, changes).await
    }

    async fn cases(&self, f: &CaseFilter) -> StoreResult<Vec<Case>> {
        SqlStore::cases(self, f).await
    }

    async fn board(&self, f: &duban_board::filter::BoardFilter) -> StoreResult<BoardData> {
        SqlStore::board(self, f).await
    }

    async fn rebuild_board(&self, force: bool) -> StoreResult<Option<u64>> {
        SqlStore::rebuild_board(self, force).await
    }

    async fn publishable_cases(&self, batch: i64) -> StoreResult<Vec<Case>> {
        SqlStore::publishable_cases(self, batch).await
    }

    async fn public_batches(&self) -> StoreResult<Vec<(i64, i64, i64)>> {
        SqlStore::public_batches(self).await
    }

    async fn open_work(
        &self,
        units: Option<&[String]>,
        before_ms: i64,
        limit: i64,
    ) -> StoreResult<Vec<(CaseSummary, String)>> {
        SqlStore::open_work(self, units, before_ms, limit).await
    }

    async fn due_escalations(&self, now_ms: i64, limit: i64) -> StoreResult<Vec<Case>> {
        SqlStore::due_escalations(self, now_ms, limit).await
    }

    async fn counters(&self, prefix: &str) -> StoreResult<Vec<(String, i64)>> {
        SqlStore::counters(self, prefix).await
    }

    async fn aggregate(&self, kind: &str, key: &str) -> StoreResult<Option<(String, u64)>> {
        SqlStore::aggregate(self, kind, key).await
    }

    async fn save_aggregate(&self, save: AggregateSave<'_>) -> StoreResult<()> {
        SqlStore::save_aggregate(self, save).await
    }

    async fn aggregates(
        &self,
        kind: &str,
        case_id: Option<&str>,
        units: Option<&[String]>,
        limit: i64,
    ) -> StoreResult<Vec<String>> {
        SqlStore::aggregates(self, kind, case_id, units, limit).await
    }

    async fn due_aggregates(&self, now_ms: i64, limit: i64) -> StoreResult<Vec<DueAggregate>> {
        SqlStore::due_aggregates(self, now_ms, limit).await
    }

    async fn reschedule_aggregate(
        &self,
        kind: &str,
        key: &str,
        expected: u64,
        next_step_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> StoreResult<()> {
        SqlStore::reschedule_aggregate(self, kind, key, expected, next_step_at).await
    }

    async fn aggregates_by_key(&self, kind: &str, keys: &[String]) -> StoreResult<Vec<String>> {
        SqlStore::aggregates_by_key(self, kind, keys).await
    }

    async fn referred_units(&self, case_id: &str) -> StoreResult<String> {
        SqlStore::referred_units(self, case_id).await
    }

    async fn aggregate_events(&self, kind: &str, key: &str) -> StoreResult<Vec<(u64, String)>> {
        SqlStore::aggregate_events(self, kind, key).await
    }

    async fn insert_attachment(
        &self,
        a: &AttachmentRecord,
        data: &[u8],
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        SqlStore::insert_attachment(self, a, data, audit).await
    }

    async fn attachments(&self, case_id: &str) -> StoreResult<Vec<AttachmentRecord>> {
        SqlStore::attachments(self, case_id).await
    }

    async fn attachment(&self, id: &str) -> StoreResult<Option<(AttachmentRecord, Vec<u8>)>> {
        SqlStore::attachment(self, id).await
    }

    async fn set_config(&self, key: &str, value: &str, audit: &AuditEntry) -> StoreResult<()> {
        SqlStore::set_config(self, key, value, audit).await
    }

    async fn events(&self, id: &str) -> StoreResult<Vec<EventView>> {
        SqlStore::events(self, id).await
    }

    async fn list_cases(&self, f: &CaseFilter) -> StoreResult<(Vec<CaseSummary>, u64)> {
        SqlStore::list_cases(self, f).await
    }

    async fn count_due(&self, f: &CaseFilter, now_ms: i64) -> StoreResult<(u64, u64)> {
        SqlStore::count_due(self, f, now_ms).await
    }

    async fn units(&self) -> StoreResult<Vec<UnitView>> {
        SqlStore::units(self).await
    }

    async fn upsert_unit(&self, unit: &UnitView, sort: i64) -> StoreResult<()> {
        SqlStore::upsert_unit(self, unit, sort).await
    }

    async fn insert_unit(&self, unit: &UnitView, audit: &AuditEntry) -> StoreResult<()> {
        SqlStore::insert_unit(self, unit, audit).await
    }

    async fn update_unit(&self, unit: &UnitView, audit: &AuditEntry) -> StoreResult<()> {
        SqlStore::update_unit(self, unit, audit).await
    }

    async fn rule_sets(&self) -> StoreResult<Vec<RuleSet>> {
        SqlStore::rule_sets(self).await
    }

    async fn seed_rule_set(&self, set: &RuleSet, now_ms: i64) -> StoreResult<()> {
        SqlStore::seed_rule_set(self, set, now_ms).await
    }

    async fn save_rule_set(
        &self,
        set: &RuleSet,
        now_ms: i64,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        SqlStore::save_rule_set(self, set, now_ms, audit).await
    }

    async fn count_users(&self) -> StoreResult<u64> {
        SqlStore::count_users(self).await
    }

    async fn insert_user(
        &self,
        user: &UserRecord,
        now_ms: i64,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        SqlStore::insert_user(self, user, now_ms, audit).await
    }

    async fn user_by_username(&self, username: &str) -> StoreResult<Option<UserRecord>> {
        SqlStore::user_by_username(self, username).await
    }

    async fn user_by_id(&self, id: &str) -> StoreResult<Option<UserRecord>> {
        SqlStore::user_by_id(self, id).await
    }

    async fn users(&self) -> StoreResult<Vec<UserRecord>> {
        SqlStore::users(self).await
    }

    async fn update_user(
        &self,
        user: &UserRecord,
        end_sessions: bool,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        SqlStore::update_user(self, user, end_sessions, audit).await
    }

    async fn insert_session(&self, session: &NewSession<'_>) -> StoreResult<()> {
        SqlStore::insert_session(self, session).await
    }

    async fn session(&self, token_hash: &str, now_ms: i64) -> StoreResult<Option<LiveSession>> {
        SqlStore::session(self, token_hash, now_ms).await
    }

    async fn touch_session(&self, token_hash: &str, now_ms: i64) -> StoreResult<()> {
        SqlStore::touch_session(self, token_hash, now_ms).await
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        SqlStore::delete_session(self, token_hash).await
    }

    async fn delete_expired_sessions(&self, now_ms: i64, idle_before_ms: i64) -> StoreResult<u64> {
        SqlStore::delete_expired_sessions(self, now_ms, idle_before_ms).await
    }

    async fn sessions_of(&self, user_id: &str, now_ms: i64) -> StoreResult<Vec<SessionRecord>> {
        SqlStore::sessions_of(self, user_id, now_ms).await
    }

    async fn end_sessions(
        &self,
        user_id: &str,
        session_id: Option<&str>,
        audit: &AuditEntry,
    ) -> StoreResult<u64> {
        SqlStore::end_sessions(self, user_id, session_id, audit).await
    }

    async fn record_audit(&self, entry: &AuditEntry) -> StoreResult<()> {
        SqlStore::record_audit(self, entry).await
    }

    async fn audit(&self, f: &AuditFilter) -> StoreResult<(Vec<AuditRecord>, u64)> {
        SqlStore::audit(self, f).await
    }

    async fn meta(&self, key: &str) -> StoreResult<Option<String>> {
        SqlStore::meta(self, key).await
    }

    async fn set_meta(&self, key: &str, value: &str) -> StoreResult<()> {
        SqlStore::set_meta(self, key, value).await
    }

    async fn idempotency_record(
        &self,
        principal: &str,
        key: &str,
        fingerprint: &str,
    ) -> StoreResult<Claim> {
        SqlStore::idempotency_record(self, principal, key, fingerprint).await
    }

    async fn finish_idempotency(
        &self,
        mark: &IdempotencyMark,
        status: u16,
        content_type: &str,
        body: &[u8],
    ) -> StoreResult<()> {
        SqlStore::finish_idempotency(self, mark, status, content_type, body).await
    }

    async fn idempotency_written(&self, principal: &str, key: &str) -> StoreResult<bool> {
        SqlStore::idempotency_written(self, principal, key).await
    }

    async fn purge_idempotency(&self, before_ms: i64, interrupted: bool) -> StoreResult<u64> {
        SqlStore::purge_idempotency(self, before_ms, interrupted).await
    }

    async fn insert_open311_request(&self, r: &Open311Request) -> StoreResult<()> {
        SqlStore::insert_open311_request(self, r).await
    }

    async fn open311_requests(
        &self,
        f: &Open311Filter,
    ) -> StoreResult<Vec<(Case, Open311Request)>> {
        SqlStore::open311_requests(self, f).await
    }
}
