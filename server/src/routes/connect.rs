//! Connected systems: API keys for other systems, and the 12345 hotline interface
//! (work orders pushed in, status pulled back by order number).

use crate::http::register::Routes;
use crate::text::Text;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::DateTime;
use duban_api::connect;

use duban_api::{
    ApiClientCreated, ApiClientDraft, ApiClientPatch, ApiClientView, HotlineOrder, HotlineStatus,
};
use duban_case::Lang;
use duban_case::draft::{CaseDraft, NewCase};
use duban_case::lifecycle::Case;

use crate::error::{ApiFailure, ApiJson, ReqLang};
use crate::policy::{Ability, Actor};
use crate::service::AppState;
use crate::service::Who;
use crate::store::{ApiClientRecord, StoreError};

/// The kinds of system that may connect.
pub const CLIENT_KINDS: [&str; 2] = ["hotline", "open311"];

pub fn routes() -> Routes {
    Routes::new()
        .at(connect::ListApiClients, list_clients)
        .at(connect::CreateApiClient, create_client)
        .at(connect::UpdateApiClient, update_client)
        .at(connect::PushHotlineOrder, push_order)
        .at(connect::HotlineOrderStatus, order_status)
}

fn view(c: &ApiClientRecord) -> ApiClientView {
    ApiClientView {
        id: c.id.clone(),
        name: c.name.clone(),
        kind: c.kind.clone(),
        disabled: c.disabled,
        created_at: DateTime::from_timestamp_millis(c.created_at).unwrap_or_default(),
    }
}

async fn list_clients(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
) -> Result<axum::Json<Vec<ApiClientView>>, ApiFailure> {
    actor.require(Ability::ManageApiClients, lang)?;
    Ok(axum::Json(
        s.store.api_clients().await?.iter().map(view).collect(),
    ))
}

pub(crate) async fn create_client(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiJson(d): ApiJson<ApiClientDraft>,
) -> Result<(StatusCode, axum::Json<ApiClientCreated>), ApiFailure> {
    actor.require(Ability::ManageApiClients, lang)?;
    let name = d.name.trim();
    if name.is_empty() || name.chars().count() > 50 {
        return Err(ApiFailure::refused("name", Text::ApiClientName, lang));
    }
    if !CLIENT_KINDS.contains(&d.kind.trim()) {
        return Err(ApiFailure::refused("kind", Text::ApiClientKind, lang));
    }
    if d.reason.trim().is_empty() {
        return Err(ApiFailure::refused("reason", Text::ReasonRequired, lang));
    }
    // The key is shown once; only its hash is kept.
    let key = format!("dbk_{}", crate::auth::random_token());
    let now = s.now();
    let rec = ApiClientRecord {
        id: uuid::Uuid::now_v7().to_string(),
        name: name.to_owned(),
        kind: d.kind.trim().to_owned(),
        key_hash: crate::auth::token_hash(&key),
        disabled: false,
        created_at: now.timestamp_millis(),
    };
    let audit = actor.who.entry(
        now,
        "api_client.create",
        None,
        name,
        d.reason.trim(),
        serde_json::json!({ "id": rec.id, "kind": rec.kind }),
    );
    match s.store.insert_api_client(&rec, &audit).await {
        Ok(()) => {}
        Err(StoreError::Duplicate(_)) => {
            return Err(ApiFailure::refused("name", Text::ApiClientDuplicate, lang));
        }
        Err(e) => return Err(e.into()),
    }
    Ok((
        StatusCode::CREATED,
        axum::Json(ApiClientCreated {
            client: view(&rec),
            api_key: key,
        }),
    ))
}

async fn update_client(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    ApiJson(p): ApiJson<ApiClientPatch>,
) -> Result<axum::Json<ApiClientView>, ApiFailure> {
    actor.require(Ability::ManageApiClients, lang)?;
    if p.reason.trim().is_empty() {
        return Err(ApiFailure::refused("reason", Text::ReasonRequired, lang));
    }
    let Some(rec) = s
        .store
        .api_clients()
        .await?
        .into_iter()
        .find(|c| c.id == id)
    else {
        return Err(ApiFailure::not_found("id", "api_client.not_found", lang));
    };
    let audit = actor.who.entry(
        s.now(),
        if p.disabled {
            "api_client.disable"
        } else {
            "api_client.enable"
        },
        None,
        &rec.name,
        p.reason.trim(),
        serde_json::json!({ "id": rec.id }),
    );
    s.store
        .set_api_client_disabled(&rec.id, p.disabled, &audit)
        .await?;
    Ok(axum::Json(view(&ApiClientRecord {
        disabled: p.disabled,
        ..rec
    })))
}

impl AppState {
    /// The enabled connected system holding `key`.
    pub async fn api_client(&self, key: &str) -> Result<Option<ApiClientRecord>, StoreError> {
        let key = key.trim();
        if key.is_empty() || key.len() > 200 {
            return Ok(None);
        }
        self.store
            .api_client_by_key_hash(&crate::auth::token_hash(key))
            .await
    }

    /// Register a case another system sends under its own number, once: a second
    /// push of the same number returns the case the first one created.
    pub async fn register_external(
        &self,
        system: &str,
        external_id: &str,
        new: NewCase,
        by: &Who,
    ) -> Result<(Case, bool), StoreError> {
        if let Some(c) = self.store.case_by_external(system, external_id).await? {
            return Ok((c, false));
        }
        let now = self.now();
        match self
            .register(
                vec![(new, Some((system.to_owned(), external_id.to_owned())))],
                by,
                now,
            )
            .await
        {
            Ok(mut cases) => cases
                .pop()
                .map(|c| (c, true))
                .ok_or_else(|| StoreError::Corrupt("register".into())),
            // Two pushes racing: the loser answers with the winner's case.
            Err(StoreError::Duplicate(d)) => self
                .store
                .case_by_external(system, external_id)
                .await?
                .map(|c| (c, false))
                .ok_or(StoreError::Duplicate(d)),
            Err(e) => Err(e),
        }
    }
}

/// The system behind an `X-Api-Key` or `Authorization: Bearer` header, of the kind
/// the route serves.
async fn connected(
    s: &AppState,
    headers: &HeaderMap,
    kind: &str,
    lang: Lang,
) -> Result<ApiClientRecord, ApiFailure> {
    let key = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| {
            headers
                .get(axum::http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::to_owned)
        })
        .unwrap_or_default();
    match s.api_client(&key).await? {
        Some(c) if c.kind == kind => Ok(c),
        _ => {
            let key = duban_text::key!("err.api_key.invalid");
            Err(ApiFailure::Unauthorized(duban_api::ErrorBody::text(
                "api_key",
                key,
                &[],
                lang,
            )))
        }
    }
}

/// Who a connected system is in the audit trail.
fn system_who(c: &ApiClientRecord) -> Who {
    Who {
        username: format!("api:{}", c.name),
        role: format!("api_client:{}", c.kind),
        ip: String::new(),
        user_agent: String::new(),
    }
}

/// Work order numbers: what a platform plausibly sends, nothing that could carry
/// markup or paths.
fn order_no_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn order_no_error(lang: Lang) -> ApiFailure {
    let key = duban_text::key!("err.order_no.invalid");
    ApiFailure::Invalid(duban_api::ErrorBody::text("order_no", key, &[], lang))
}

/// A 12345 work order as the case draft the intake form would send.
pub fn hotline_draft(o: &HotlineOrder) -> CaseDraft {
    let division = o.place.division.trim();
    let division = if division.bytes().all(|b| b.is_ascii_digit()) {
        division.to_owned()
    } else {
        duban_divisions::by_name(division)
            .map(|d| d.code().as_str())
            .unwrap_or_else(|| division.to_owned())
    };
    let category = o.category.trim();
    let category = duban_case::model::Category::ALL
        .iter()
        .find(|c| c.label(Lang::Zh) == category || c.label(Lang::En).eq_ignore_ascii_case(category))
        .map_or_else(|| category.to_owned(), |c| c.code().to_owned());
    CaseDraft {
        channel: "hotline_12345".into(),
        request_kind: if o.kind.trim().is_empty() {
            "complaint".into()
        } else {
            o.kind.trim().to_owned()
        },
        urgent: o.urgency.trim() == "urgent",
        batch_number: None,
        batch_date: String::new(),
        sender_ref: o.order_no.trim().to_owned(),
        complainant_name: o.caller.name.clone(),
        complainant_phone: o.caller.phone.clone(),
        complainant_id_number: String::new(),
        content: o.content.clone(),
        address: o.place.address.clone(),
        division,
        lat: o.place.lat,
        lon: o.place.lon,
        categories: if category.is_empty() {
            vec![]
        } else {
            vec![category]
        },
        key_classes: vec![],
        received_at: o.time.trim().to_owned(),
    }
}

fn status_of(order_no: &str, c: &Case, created: bool) -> HotlineStatus {
    HotlineStatus {
        order_no: order_no.to_owned(),
        case_id: c.id().to_string(),
        reference: c.reference().to_string(),
        status: c.status().code().to_owned(),
        status_zh: c.status().label(Lang::Zh).to_owned(),
        created,
        updated_at: c.updated_at(),
        finding: c.outcome().map(|o| o.finding().label(Lang::Zh).to_owned()),
        result: c
            .outcome()
            .map(|o| duban_case::privacy::redact(o.public_summary(), c.complainant().name()))
            .filter(|t| !t.is_empty()),
    }
}

pub(crate) async fn push_order(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    headers: HeaderMap,
    ApiJson(order): ApiJson<HotlineOrder>,
) -> Result<(StatusCode, axum::Json<HotlineStatus>), ApiFailure> {
    let client = connected(&s, &headers, "hotline", lang).await?;
    let order_no = order.order_no.trim();
    if !order_no_ok(order_no) {
        return Err(order_no_error(lang));
    }
    let system = format!("hotline:{}", client.id);
    // A repeated push answers with the case it made, before validating again: the
    // platform retries what it already sent.
    if let Some(c) = s.store.case_by_external(&system, order_no).await? {
        return Ok((StatusCode::OK, axum::Json(status_of(order_no, &c, false))));
    }
    let new = NewCase::parse(&hotline_draft(&order), s.now())
        .map_err(|e| ApiFailure::invalid(&e, lang))?;
    let (case, created) = s
        .register_external(&system, order_no, new, &system_who(&client))
        .await?;
    let code = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((code, axum::Json(status_of(order_no, &case, created))))
}

async fn order_status(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    headers: HeaderMap,
    Path(order_no): Path<String>,
) -> Result<axum::Json<HotlineStatus>, ApiFailure> {
    let client = connected(&s, &headers, "hotline", lang).await?;
    if !order_no_ok(&order_no) {
        return Err(order_no_error(lang));
    }
    // A platform sees its own orders only.
    match s
        .store
        .case_by_external(&format!("hotline:{}", client.id), &order_no)
        .await?
    {
        Some(c) => Ok(axum::Json(status_of(&order_no, &c, false))),
        None => Err(ApiFailure::not_found("order_no", "order.not_found", lang)),
    }
}
