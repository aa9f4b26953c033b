//! Connected systems: API clients and the 12345 hotline interface.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::endpoint::payload;
use crate::endpoint::{Answer::*, Doc, Endpoint, Method};
use crate::keys::{ApiClientKey, OrderKey};

/// `POST /api/v1/admin/api-clients`: connect another system.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiClientDraft {
    pub name: String,
    /// `hotline` (a 12345 platform) or `open311`.
    pub kind: String,
    pub reason: String,
}

/// A connected system, without its key.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiClientView {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

/// The answer to connecting a system: the key, shown this once.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiClientCreated {
    pub client: ApiClientView,
    pub api_key: String,
}

/// `PATCH /api/v1/admin/api-clients/{id}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiClientPatch {
    pub disabled: bool,
    pub reason: String,
}

/// The caller of a 12345 work order.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HotlineCaller {
    pub name: String,
    pub phone: String,
}

/// Where a 12345 work order's problem is.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HotlinePlace {
    /// Six-digit division code, or a name such as 京口区 or 镇江市京口区.
    pub division: String,
    pub address: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// `POST /api/v1/hotline/orders`: a work order pushed by a 12345 platform.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HotlineOrder {
    /// The platform's work order number; a second push of the same number creates
    /// nothing new.
    pub order_no: String,
    /// When the call was taken (RFC 3339).
    pub time: String,
    pub caller: HotlineCaller,
    pub content: String,
    pub place: HotlinePlace,
    /// Pollution category: a code (`air`, `water` …) or its Chinese name (大气, 水 …).
    pub category: String,
    /// `normal` or `urgent`.
    pub urgency: String,
    /// `complaint` (default), `report`, `inquiry` or `suggestion`.
    pub kind: String,
}

/// The answer to a pushed work order, and its status pulled back.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HotlineStatus {
    pub order_no: String,
    pub case_id: String,
    pub reference: String,
    /// The case's status code and its Chinese name.
    pub status: String,
    pub status_zh: String,
    /// Whether this push created the case (false: it was there already).
    pub created: bool,
    pub updated_at: DateTime<Utc>,
    /// The published finding and result, once the case is closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
}

payload!(schema: ApiClientDraft, ApiClientView, ApiClientCreated, ApiClientPatch, HotlineOrder, HotlineStatus);

/// The connected systems.
#[derive(Debug, Clone, Copy)]
pub struct ListApiClients;

impl Endpoint for ListApiClients {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/admin/api-clients";
    type Path = ();
    type Query = ();
    type Body = ();
    type Response = Vec<ApiClientView>;
    const DOC: Doc = Doc::new("list_api_clients");
}

/// Connects a system; its key is answered this once.
#[derive(Debug, Clone, Copy)]
pub struct CreateApiClient;

impl Endpoint for CreateApiClient {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v1/admin/api-clients";
    type Path = ();
    type Query = ();
    type Body = ApiClientDraft;
    type Response = ApiClientCreated;
    const DOC: Doc = Doc {
        status: 201,
        says: "The key is in the answer, this once",
        answers: &[Refused(422, "")],
        ..Doc::new("create_api_client")
    };
}

/// Disables or enables a connected system.
#[derive(Debug, Clone, Copy)]
pub struct UpdateApiClient;

impl Endpoint for UpdateApiClient {
    const METHOD: Method = Method::Patch;
    const PATH: &'static str = "/api/v1/admin/api-clients/{id}";
    type Path = ApiClientKey;
    type Query = ();
    type Body = ApiClientPatch;
    type Response = ApiClientView;
    const DOC: Doc = Doc {
        answers: &[Refused(404, ""), Refused(422, "")],
        ..Doc::new("update_api_client")
    };
}

/// A 12345 platform pushes a work order.
#[derive(Debug, Clone, Copy)]
pub struct PushHotlineOrder;

impl Endpoint for PushHotlineOrder {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v1/hotline/orders";
    type Path = ();
    type Query = ();
    type Body = HotlineOrder;
    type Response = HotlineStatus;
    const DOC: Doc = Doc {
        description: "A 12345 platform pushes a work order, with its API key in `X-Api-Key` (or `Authorization: Bearer`). A second push of the same order number creates nothing and answers 200 with the first case.",
        status: 201,
        answers: &[Same(200, ""), Refused(422, "")],
        ..Doc::new("push_hotline_order")
    };
}

/// A pushed work order's status, pulled back by its platform.
#[derive(Debug, Clone, Copy)]
pub struct HotlineOrderStatus;

impl Endpoint for HotlineOrderStatus {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/hotline/orders/{order_no}";
    type Path = OrderKey;
    type Query = ();
    type Body = ();
    type Response = HotlineStatus;
    const DOC: Doc = Doc {
        description: "Status pulled back by the platform that pushed the order.",
        answers: &[Refused(404, "")],
        ..Doc::new("hotline_order_status")
    };
}
