//! Who may do what: the access matrix of roles and units.

use super::*;
use duban_api::attachments::{DownloadAttachment, UploadAttachment};
use duban_api::cases::{ActOnCase, CreateCase};
use duban_api::incidents::{DeclareIncident, GetIncident};
use duban_api::keys::CaseKey;
use duban_api::referrals::{GetReferral, Refer};
use duban_api::sla::UpdateRuleSet;

/// Who may call what: every documented operation for every role, a handler of another
/// unit, and no session at all. A new route fails here until it is given a row.
async fn access_matrix(store: Arc<dyn Store>) {
    use duban_server::auth::Role;
    let state = AppState::new(store).await.expect("state");
    let router_ = router(state.clone(), None);
    let coordinator = Client::signed_in(
        &router_,
        &state,
        "m.coordinator",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let (_, created) = at::<CreateCase>(&coordinator, &(), &(), Some(valid_case())).await;
    let id = created["id"].as_str().expect("id").to_owned();
    let (s, _) = at::<ActOnCase>(
        &coordinator,
        &CaseKey::new(&*id),
        &(),
        Some(json!({"action": "dispatch", "lead_unit": "gov-3211"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, file) = upload(
        &coordinator,
        &UploadAttachment::url(&CaseKey::new(&*id), &()),
        PNG,
        "image/png",
        "a.png",
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{file}");
    let attachment = file["id"].as_str().expect("id").to_owned();
    let (s, referral) = at::<Refer>(&coordinator, &CaseKey::new(&*id), &(), Some(json!({"action": "send", "from_unit": "prov-coord", "to_unit": "dept-zjt",
                    "subject": "管网问题", "text": "请协同核查", "amount": 2, "unit": "working_days"})))
    .await;
    assert_eq!(s, StatusCode::CREATED, "{referral}");
    let referral = referral["referral"]["id"].as_str().expect("id").to_owned();
    let (s, incident) = at::<DeclareIncident>(
        &coordinator,
        &(),
        &(),
        Some(
            json!({"action": "declare", "title": "河道发现死鱼", "incident_type": "water_pollution",
                    "severity": "IV", "division": "321102"}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{incident}");
    let incident = incident["incident"]["id"].as_str().expect("id").to_owned();

    let mut clients = vec![("anonymous", Client::anonymous(&router_))];
    for (name, role, unit) in [
        ("m.admin", Role::Admin, None),
        ("m.supervisor", Role::Supervisor, Some("prov-coord")),
        ("m.leader", Role::Leader, Some("prov-coord")),
        ("m.handler", Role::Handler, Some("gov-3211")),
        ("m.foreign", Role::Handler, Some("gov-3201")),
    ] {
        clients.push((
            name,
            Client::signed_in(&router_, &state, name, role, unit).await,
        ));
    }
    clients.push(("m.coordinator", coordinator));

    // Expected outcome per (operation, caller): Allow means neither 401, 403 nor 404.
    #[derive(Debug, PartialEq)]
    enum Want {
        Allow,
        Unauthorized,
        Forbidden,
        NotFound,
    }
    use Want::*;
    let want = |op: &str, who: &str| -> Want {
        let public = matches!(
            op,
            "GET /healthz"
                | "GET /readyz"
                | "GET /api/v1/calendar/{year}"
                | "GET /api/v1/openapi.json"
                | "POST /api/v1/auth/login"
                | "GET /api/v1/geo/jiangsu"
                | "GET /api/v1/public/batches"
        );
        if public {
            return Allow;
        }
        // The disclosure of a batch is for everyone; none is published here (`map_board`
        // reads published ones), so everyone gets a 404, never a 401.
        if op.starts_with("GET /api/v1/public/batches/{batch}") {
            return NotFound;
        }
        if who == "anonymous" {
            return Unauthorized;
        }
        match op {
            "POST /api/v1/cases" | "POST /api/v1/import/preview" | "POST /api/v1/import/commit" => {
                if matches!(who, "m.admin" | "m.coordinator") {
                    Allow
                } else {
                    Forbidden
                }
            }
            "GET /api/v1/cases/{id}"
            | "GET /api/v1/cases/{id}/events"
            | "GET /api/v1/cases/{id}/supervision"
            | "GET /api/v1/cases/{id}/attachments"
            | "GET /api/v1/attachments/{id}" => {
                if who == "m.foreign" {
                    NotFound
                } else {
                    Allow
                }
            }
            "POST /api/v1/incidents" | "PUT /api/v1/emergency/plans" if who == "m.admin" => Allow,
            "POST /api/v1/incidents" => {
                if who == "m.coordinator" {
                    Allow
                } else {
                    Forbidden
                }
            }
            "PUT /api/v1/emergency/plans" => Forbidden,
            "PUT /api/v1/sla/rule-sets/{id}" => {
                if who == "m.admin" {
                    Allow
                } else {
                    Forbidden
                }
            }
            "POST /api/v1/admin/sweep" => {
                if who == "m.admin" {
                    Allow
                } else {
                    Forbidden
                }
            }
            "POST /api/v1/cases/{id}/incidents" => match who {
                "m.foreign" => NotFound,
                "m.admin" | "m.coordinator" => Allow,
                _ => Forbidden,
            },
            // Handlers see incidents their units are linked to.
            "GET /api/v1/incidents/{id}" => match who {
                "m.foreign" | "m.handler" => NotFound,
                _ => Allow,
            },
            "POST /api/v1/incidents/{id}" => match who {
                "m.leader" | "m.supervisor" => Forbidden,
                "m.foreign" | "m.handler" => NotFound,
                _ => Allow,
            },
            "GET /api/v1/cases/{id}/referrals" => {
                if who == "m.foreign" {
                    NotFound
                } else {
                    Allow
                }
            }
            "POST /api/v1/cases/{id}/referrals" => match who {
                "m.foreign" => NotFound,
                "m.leader" | "m.supervisor" => Forbidden,
                _ => Allow,
            },
            // Only the parties' units (and the province) see a referral.
            "GET /api/v1/referrals/{id}" => match who {
                "m.foreign" | "m.handler" => NotFound,
                _ => Allow,
            },
            "POST /api/v1/referrals/{id}" => match who {
                "m.leader" | "m.supervisor" => Forbidden,
                "m.foreign" | "m.handler" => NotFound,
                _ => Allow,
            },
            "POST /api/v1/cases/{id}/supervision" | "POST /api/v1/cases/{id}/attachments" => {
                match who {
                    "m.foreign" => NotFound,
                    "m.leader" => Forbidden,
                    _ => Allow,
                }
            }
            // Personal data: roles that work the case, within their jurisdiction.
            "GET /api/v1/cases/{id}/complainant" => match who {
                "m.foreign" => NotFound,
                "m.admin" | "m.coordinator" | "m.handler" => Allow,
                _ => Forbidden,
            },
            // Connected systems sign with an API key, never a session.
            "POST /api/v1/hotline/orders" | "GET /api/v1/hotline/orders/{order_no}" => Unauthorized,
            "GET /api/v1/admin/api-clients"
            | "POST /api/v1/admin/api-clients"
            | "PATCH /api/v1/admin/api-clients/{id}" => {
                if who == "m.admin" {
                    Allow
                } else {
                    Forbidden
                }
            }
            "POST /api/v1/repeats" => match who {
                "m.admin" | "m.coordinator" => Allow,
                _ => Forbidden,
            },
            "GET /api/v1/cases/{id}/repeats" | "POST /api/v1/cases/{id}/merge" => match who {
                "m.admin" | "m.coordinator" => Allow,
                "m.foreign" => Forbidden,
                _ => Forbidden,
            },
            "PUT /api/v1/repeats/settings" => {
                if who == "m.admin" {
                    Allow
                } else {
                    Forbidden
                }
            }
            "GET /api/v1/repeats/settings" => Allow,
            "GET /api/v1/supervisors" => match who {
                "m.admin" | "m.coordinator" | "m.supervisor" => Allow,
                _ => Forbidden,
            },
            "GET /api/v1/cases/{id}/audit" => match who {
                "m.admin" | "m.coordinator" => Allow,
                _ => Forbidden,
            },
            "GET /api/v1/audit"
            | "GET /api/v1/admin/users"
            | "POST /api/v1/admin/users"
            | "PATCH /api/v1/admin/users/{id}"
            | "POST /api/v1/admin/units"
            | "PATCH /api/v1/admin/units/{id}" => {
                if who == "m.admin" {
                    Allow
                } else {
                    Forbidden
                }
            }
            // The `{id}` here is a case's, which names no account: administrators get
            // through to 404, so no session the matrix uses is ended.
            "GET /api/v1/admin/users/{id}/sessions"
            | "DELETE /api/v1/admin/users/{id}/sessions"
            | "DELETE /api/v1/admin/users/{id}/sessions/{session_id}" => {
                if who == "m.admin" {
                    NotFound
                } else {
                    Forbidden
                }
            }
            // The probe action is a sign-for: handlers of the unit may, readers may not.
            "POST /api/v1/cases/{id}/actions" => match who {
                "m.foreign" => NotFound,
                "m.admin" | "m.coordinator" | "m.handler" => Allow,
                _ => Forbidden,
            },
            "GET /api/v1/cases/{id}/routing" | "POST /api/v1/dispatch" => match who {
                "m.admin" | "m.coordinator" => Allow,
                _ => Forbidden,
            },
            "PUT /api/v1/routing/rules" => {
                if who == "m.admin" {
                    Allow
                } else {
                    Forbidden
                }
            }
            "GET /api/v1/cases"
            | "GET /api/v1/routing/rules"
            | "GET /api/v1/referrals"
            | "GET /api/v1/inbox"
            | "GET /api/v1/incidents"
            | "GET /api/v1/emergency/plans"
            | "GET /api/v1/clearing"
            | "GET /api/v1/cases/export.csv"
            | "GET /api/v1/cases/export.xlsx"
            | "GET /api/v1/import/template.csv"
            | "GET /api/v1/import/template.xlsx"
            | "GET /api/v1/units"
            | "GET /api/v1/sla/rule-sets"
            | "GET /api/v1/auth/me"
            | "POST /api/v1/auth/logout" => Allow,
            // The province's figures: for those who work across units.
            "GET /api/v1/board" => match who {
                "m.handler" | "m.foreign" => Forbidden,
                _ => Allow,
            },
            other => panic!("{other} has no row in the access matrix: decide who may call it"),
        }
    };
    for (method, path) in duban_server::openapi::operations() {
        let op = format!("{method} {path}");
        if op == "POST /api/v1/auth/logout" {
            continue; // would end the sessions the rest of the matrix uses; covered by `accounts`
        }
        let uri = if path == DownloadAttachment::PATH {
            path.replace("{id}", &attachment)
        } else if path == GetReferral::PATH {
            path.replace("{id}", &referral)
        } else if path == GetIncident::PATH {
            path.replace("{id}", &incident)
        } else if path == UpdateRuleSet::PATH {
            path.replace("{id}", "inspection_transfer")
        } else {
            path.replace("{id}", &id)
                .replace("{year}", "2026")
                .replace("{order_no}", "GD001")
        };
        for (who, client) in &clients {
            let body = match op.as_str() {
                "POST /api/v1/cases/{id}/actions" => Some(json!({"action": "sign_for"})),
                "POST /api/v1/auth/login" => Some(json!({"username": "nobody", "password": "x"})),
                _ if matches!(method.as_str(), "POST" | "PATCH" | "PUT") => Some(json!({})),
                _ => None,
            };
            // After the first sign-for the case refuses it (422): access passed all the same.
            let (s, _) = call(client, &method, &uri, body).await;
            let got = match s {
                StatusCode::UNAUTHORIZED if op != "POST /api/v1/auth/login" => Unauthorized,
                StatusCode::FORBIDDEN => Forbidden,
                StatusCode::NOT_FOUND => NotFound,
                _ => Allow,
            };
            assert_eq!(got, want(&op, who), "{op} as {who}: HTTP {s}");
            assert!(!s.is_server_error(), "{op} as {who}: HTTP {s}");
        }
    }
}

both!(access_matrix, "access matrix" => access_matrix_on_sqlite, access_matrix_on_postgres);
