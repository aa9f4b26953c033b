//! Reference data every database gets (the Jiangsu units tree and the default SLA rule
//! sets), and the demo set `duban serve --demo` loads once (`demo`, with the mechanisms
//! in `mechanisms` and the connected systems' cases in `connected`).

mod connected;
mod demo;
mod mechanisms;

pub use demo::load_demo;

use chrono::{DateTime, Utc};

use duban_api::UnitView;
use duban_divisions::Level;

use crate::service::AppState;
use crate::store::Store;

const COORDINATION: &str = "prov-coord";

/// Provincial departments: (id, name).
pub const DEPARTMENTS: &[(&str, &str)] = &[
    ("dept-sthjt", "江苏省生态环境厅"),
    ("dept-zjt", "江苏省住房和城乡建设厅"),
    ("dept-lyj", "江苏省林业局"),
    ("dept-slt", "江苏省水利厅"),
    ("dept-jtyst", "江苏省交通运输厅"),
    ("dept-nynct", "江苏省农业农村厅"),
    ("dept-zrzyt", "江苏省自然资源厅"),
    ("dept-yjglt", "江苏省应急管理厅"),
    ("dept-wsjkw", "江苏省卫生健康委员会"),
    ("dept-gat", "江苏省公安厅"),
    ("dept-xfj", "江苏省信访局"),
];

/// The unit id of the government of a division (`gov-3211`, `gov-320583`).
pub fn government_of(code: duban_divisions::DivisionCode) -> String {
    format!("gov-{}", code.short())
}

/// The default units tree: the coordination group, departments, the 13 city
/// governments, every county-level government, and each functional zone's committee.
pub fn default_units() -> Vec<UnitView> {
    let mut units = vec![UnitView {
        id: COORDINATION.into(),
        name: "省督察协调联络组信访组".into(),
        kind: "coordination".into(),
        parent: None,
        division: Some("320000".into()),
    }];
    units.extend(DEPARTMENTS.iter().map(|(id, name)| UnitView {
        id: (*id).into(),
        name: (*name).into(),
        kind: "department".into(),
        parent: Some(COORDINATION.into()),
        division: Some("320000".into()),
    }));
    for d in duban_divisions::all()
        .iter()
        .filter(|d| d.level() != Level::Province)
    {
        let parent = match d.level() {
            Level::County => d.parent().map(|p| government_of(p.code())),
            _ => Some(COORDINATION.into()),
        };
        units.push(UnitView {
            id: government_of(d.code()),
            name: format!("{}人民政府", d.full_name()),
            kind: "government".into(),
            parent,
            division: Some(d.code().as_str()),
        });
    }
    // Each functional zone's management committee (管委会), under the government of
    // the city or county it lies in; routing's `lead-zone` rule finds it by division.
    units.extend(duban_divisions::zones().iter().map(|z| UnitView {
        id: zone_unit_of(z.code()),
        name: format!("{}管委会", zone_name(z)),
        kind: "zone".into(),
        parent: z.parent().map(|p| government_of(p.code())),
        division: Some(z.code().as_str()),
    }));
    units
}

/// The unit id of a zone's management committee (`zone-320571`); 昆山开发区 keeps the
/// id it had before zones had codes.
pub fn zone_unit_of(code: duban_divisions::DivisionCode) -> String {
    match code.as_u32() {
        320590 => "zone-kskfq".into(),
        n => format!("zone-{n}"),
    }
}

/// A zone as its committee is named: `苏州工业园区`, `南京市江北新区`, `昆山经济技术开发区`.
fn zone_name(z: &duban_divisions::Division) -> String {
    match z.parent() {
        Some(p) if p.level() == Level::County => z.name().to_owned(),
        _ => z.full_name(),
    }
}

/// Units and default rule sets; existing rows are kept (edits survive restarts).
pub async fn reference_data(store: &dyn Store, now: DateTime<Utc>) -> anyhow::Result<()> {
    for (i, u) in default_units().iter().enumerate() {
        store.upsert_unit(u, i as i64).await?;
    }
    for set in duban_sla::defaults::all() {
        store.seed_rule_set(&set, now.timestamp_millis()).await?;
    }
    Ok(())
}

/// Demo accounts, one per role, password `duban-demo-2025` (demo mode only). Existing usernames
/// are left alone.
pub async fn demo_users(state: &AppState) -> anyhow::Result<()> {
    use crate::auth::Role;
    let users = [
        ("admin", "管理员", Role::Admin, None),
        (
            "coordinator",
            "省协调联络组 协调员",
            Role::Coordinator,
            Some("prov-coord"),
        ),
        (
            "supervisor",
            "督办专员",
            Role::Supervisor,
            Some("prov-coord"),
        ),
        ("handler", "镇江市承办人", Role::Handler, Some("gov-3211")),
        ("leader", "领导", Role::Leader, Some("prov-coord")),
    ];
    let system = crate::service::Who::system();
    for (username, name, role, unit) in users {
        if state.store.user_by_username(username).await?.is_none()
            && let Err(e) = state
                .create_user(
                    username,
                    name,
                    role,
                    unit,
                    "duban-demo-2025",
                    &system,
                    "demo mode",
                )
                .await
        {
            anyhow::bail!("demo user {username}: {e:?}");
        }
    }
    Ok(())
}
