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
}

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
        Ok(AppState {
            store,
            rules: Arc::new(RwLock::new(rules)),
            units: Arc::new(RwLock::new(units)),
            now,
            throttle: Arc::default(),
        })
    }

    /// Create an account. The username is 2-32 letters, digits, `.`, `_` or `-`; the
    /// password at least 4 characters (`demo` is the demo password); a unit, if given,
    /// must exist.
    pub async fn create_user(
        &self,
        username: &str,
        display_name: &str,
        role: crate::auth::Role,
        unit_id: Option<&str>,
        password: &str,
    ) -> Result<crate::store::UserRecord, UserError> {
        let username = username.trim();
        let ok = (2..=32).contains(&username.len())
            && username
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if !ok {
            return Err(UserError::Invalid(
                "username",
                "username must be 2-32 letters, digits, '.', '_' or '-'",
            ));
        }
        if password.chars().count() < 4 {
            return Err(UserError::Invalid(
                "password",
                "password must have at least 4 characters",
            ));
        }
        if let Some(u) = unit_id
            && !self.unit_exists(u)
        {
            return Err(UserError::Invalid("unit", "unknown unit"));
        }
        let hash = crate::auth::hash_password(password)
            .map_err(|_| UserError::Invalid("password", "cannot hash the password"))?;
        let user = crate::store::UserRecord {
            id: uuid::Uuid::now_v7().to_string(),
            username: username.to_owned(),
            display_name: if display_name.trim().is_empty() {
                username.to_owned()
            } else {
                display_name.trim().to_owned()
            },
            role: role.code().to_owned(),
            unit_id: unit_id.map(str::to_owned),
            password_hash: hash,
            disabled: false,
        };
        self.store
            .insert_user(&user, self.now().timestamp_millis())
            .await
            .map_err(UserError::Store)?;
        Ok(user)
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

    /// A case as `actor` may see it: actions limited to the role, complainant masked
    /// for roles that do not need the person.
    pub fn view(&self, case: Case, actor: &Actor) -> CaseView {
        let case = if actor.sees_complainant() {
            case
        } else {
            case.with_complainant_masked()
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
    pub async fn create_case(&self, draft: &CaseDraft, actor: &str) -> Result<Case, CreateError> {
        self.create_case_at(draft, actor, self.now()).await
    }

    /// As [`AppState::create_case`], registered at `now` (the demo back-dates its cases).
    pub async fn create_case_at(
        &self,
        draft: &CaseDraft,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Case, CreateError> {
        let new = NewCase::parse(draft, now).map_err(CreateError::Invalid)?;
        let rules = self
            .rule_set(lifecycle::rule_set_for(&new))
            .ok_or_else(|| {
                CreateError::Store(crate::store::StoreError::Corrupt("rule set missing".into()))
            })?;
        let year = chrono::Datelike::year(&(new.received_at() + chrono::TimeDelta::hours(8)));
        let (counter, batch) = match new.batch() {
            Some(b) => (format!("{year}-B{:02}", b.number()), Some(b.number())),
            None => (format!("{year}-{}", new.channel().letter()), None),
        };
        let serial = u32::try_from(
            self.store
                .next_serial(&counter)
                .await
                .map_err(CreateError::Store)?,
        )
        .unwrap_or(u32::MAX);
        let reference = match batch {
            Some(n) => Reference::for_batch(year, n, serial),
            None => Reference::for_channel(year, new.channel(), serial),
        };
        let id = CaseId::from_uuid(uuid::Uuid::now_v7());
        let ctx = Ctx {
            now,
            actor,
            rules: &rules,
            calendar: Calendar::official(),
        };
        let opening = lifecycle::receive(id, reference, new, &ctx);
        let case = lifecycle::open(&opening)
            .ok_or_else(|| CreateError::Store(crate::store::StoreError::Corrupt("open".into())))?;
        self.store
            .insert_case(&case, &opening)
            .await
            .map_err(CreateError::Store)?;
        Ok(case)
    }

    /// Run a command on a stored case: decide, apply, store events and state together.
    pub async fn act(
        &self,
        case: Case,
        cmd: &Command,
        actor: &str,
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
            actor,
            rules: &rules,
            calendar: Calendar::official(),
        };
        let events = lifecycle::decide(&case, cmd, &ctx).map_err(ActError::Invalid)?;
        let expected = case.version();
        let next = events.iter().fold(case, lifecycle::apply);
        self.store
            .update_case(expected, &next, &events)
            .await
            .map_err(ActError::Store)?;
        Ok(next)
    }
}

#[derive(Debug)]
pub enum UserError {
    /// (field, message)
    Invalid(&'static str, &'static str),
    Store(crate::store::StoreError),
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
}

impl Actor {
    /// Whether the role may run this kind of action at all.
    pub fn may(&self, action: lifecycle::ActionKind) -> bool {
        use crate::auth::Role;
        use lifecycle::ActionKind as A;
        match self.role {
            Role::Admin | Role::Coordinator => true,
            Role::Handler => matches!(
                action,
                A::SignFor | A::Return | A::StartHandling | A::Report
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
    /// Whether the complainant's name and phone are shown unmasked.
    pub fn sees_complainant(&self) -> bool {
        use crate::auth::Role;
        matches!(self.role, Role::Admin | Role::Coordinator | Role::Handler)
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
        Ok(Actor {
            user,
            role,
            jurisdiction,
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
        .route("/calendar/{year}", get(calendar_year))
        .route("/units", get(units))
        .route("/sla/rule-sets", get(rule_sets))
        .route("/openapi.json", get(openapi))
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/me", get(me))
        .route("/{*rest}", any(api_not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT));
    let app = Router::new()
        .route("/healthz", get(healthz))
        .nest("/api/v1", api)
        .route("/api", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found));
    let app = match dist {
        Some(dist) => {
            let index = dist.join("index.html");
            app.fallback_service(ServeDir::new(dist).fallback(ServeFile::new(index)))
        }
        None => app,
    };
    app.with_state(state)
        .layer(tower_http::trace::TraceLayer::new_for_http())
}

async fn healthz(State(s): State<AppState>) -> Response {
    let db = s.store.ping().await;
    let demo = matches!(s.store.meta("demo_loaded").await, Ok(Some(_)));
    let body = Health {
        demo,
        status: if db.is_ok() {
            "ok".into()
        } else {
            "degraded".into()
        },
        database: s.store.kind().into(),
        version: env!("CARGO_PKG_VERSION").into(),
    };
    let code = if db.is_ok() {
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
    match s.create_case(&draft, &actor.user.username).await {
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
    s.store
        .get_case(&id.to_string())
        .await?
        .filter(|c| actor.can_see(c))
        .ok_or_else(|| ApiFailure::not_found("id", "case.not_found", lang))
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
    match s.act(case, &cmd, &actor.user.username, at).await {
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
    if !actor.sees_complainant() {
        for e in &mut events {
            e.event = e.event.clone().with_complainant_masked();
        }
    }
    Ok(axum::Json(events))
}

async fn list_cases(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<axum::Json<Page<CaseSummary>>, ApiFailure> {
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
    let (items, total) = s.store.list_cases(&f).await?;
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
        next_cursor,
    }))
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

use duban_api::{LoginRequest as LoginBody, LoginResponse as LoginOk};

fn auth_error(code: &str, lang: Lang) -> ErrorBody {
    let message = match (code, lang) {
        ("auth.invalid_credentials", Lang::Zh) => "用户名或密码错误",
        ("auth.invalid_credentials", Lang::En) => "Wrong username or password",
        ("auth.throttled", Lang::Zh) => "登录失败次数过多，请15分钟后再试",
        ("auth.throttled", Lang::En) => "Too many failed logins; try again in 15 minutes",
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
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Response, ApiFailure> {
    let now = s.now();
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
        return Err(ApiFailure::Unauthorized(auth_error(
            "auth.invalid_credentials",
            lang,
        )));
    };
    s.throttle.succeed(&body.username);
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
    headers: HeaderMap,
) -> Result<Response, ApiFailure> {
    let Some((_, csrf, hash)) = session_of(&s, &headers).await? else {
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
