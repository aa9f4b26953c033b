//! `/admin/*`: accounts, units, routing rules, emergency plans, SLA rule sets and the
//! audit trail, for administrators.
//! The server refuses these calls to everyone else; the pages say so before asking
//! (routing rules and emergency plans are shown to everyone read-only, and edited by
//! administrators).

mod api_clients;
mod audit;
mod plans;
mod routing;
mod sessions;
mod sla;
mod units;
mod users;

pub use api_clients::AdminApiClientsPage;
pub use audit::{AdminAuditPage, AuditTable};
pub use plans::AdminPlansPage;
pub use routing::AdminRoutingPage;
pub use sla::AdminSlaPage;
pub use units::AdminUnitsPage;
pub use users::AdminUsersPage;

use duban_api::UnitView;
use duban_text::key;
use leptos::prelude::*;

use crate::i18n::{I18n, use_i18n};
use crate::session::use_current_user;

/// Role codes, in the order the role lists show them.
pub const ROLES: [&str; 5] = ["admin", "coordinator", "supervisor", "handler", "leader"];

/// A role code for people: 管理员 / Administrator; unknown codes as they are.
pub fn role_label(i18n: I18n, code: &str) -> String {
    i18n.try_t(&format!("role.{code}"))
        .map_or_else(|| code.to_owned(), str::to_owned)
}

/// A unit kind code for people: 协调 / Coordination; unknown codes as they are.
pub fn unit_kind_label(i18n: I18n, code: &str) -> String {
    i18n.try_t(&format!("unit_kind.{code}"))
        .map_or_else(|| code.to_owned(), str::to_owned)
}

/// The units in tree order (each parent before its children, siblings in the server's
/// order), with their depth. Units whose parent is unknown are roots; a cycle cannot
/// hide a unit.
pub fn unit_tree(units: &[UnitView]) -> Vec<(usize, UnitView)> {
    let known = |id: &str| units.iter().any(|u| u.id == id);
    let mut out = Vec::with_capacity(units.len());
    let mut seen = std::collections::HashSet::new();
    let roots: Vec<&UnitView> = units
        .iter()
        .filter(|u| u.parent.as_deref().is_none_or(|p| !known(p)))
        .collect();
    let mut stack: Vec<(usize, &UnitView)> = roots.into_iter().rev().map(|u| (0, u)).collect();
    loop {
        while let Some((depth, u)) = stack.pop() {
            if !seen.insert(u.id.clone()) {
                continue;
            }
            out.push((depth, u.clone()));
            let children: Vec<&UnitView> = units
                .iter()
                .filter(|c| c.parent.as_deref() == Some(u.id.as_str()))
                .collect();
            stack.extend(children.into_iter().rev().map(|c| (depth + 1, c)));
        }
        // Units only reachable through a cycle: show them as roots.
        match units.iter().find(|u| !seen.contains(&u.id)) {
            Some(u) => stack.push((0, u)),
            None => break,
        }
    }
    out
}

/// A unit's name by id, or the id when the unit is unknown.
pub fn unit_name(units: &[UnitView], id: &str) -> String {
    units
        .iter()
        .find(|u| u.id == id)
        .map_or_else(|| id.to_owned(), |u| u.name.clone())
}

/// (id, label) pairs for `<option>`s: every unit not skipped, in tree order, names
/// indented by depth.
pub fn unit_options(units: &[UnitView], skip: impl Fn(&UnitView) -> bool) -> Vec<(String, String)> {
    unit_tree(units)
        .into_iter()
        .filter(|(_, u)| !skip(u))
        .map(|(depth, u)| {
            (
                u.id.clone(),
                format!("{}{}", "\u{3000}".repeat(depth), u.name),
            )
        })
        .collect()
}

/// Whether the signed-in user may open administration pages.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    Unknown,
    Allowed,
    Denied,
}

/// Shows `children` to administrators, a "no permission" notice to everyone else, and
/// nothing while it is not yet known who is signed in.
#[component]
pub fn AdminOnly(children: ChildrenFn) -> impl IntoView {
    view! { <RolesOnly roles=&["admin"] children/> }
}

/// Its children for the given roles only; anyone else sees a clear "no permission"
/// (the server refuses them anyway).
#[component]
pub fn RolesOnly(roles: &'static [&'static str], children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let access = Memo::new(move |_| match user.role() {
        None => Access::Unknown,
        Some(r) if roles.contains(&r.as_str()) => Access::Allowed,
        Some(_) => Access::Denied,
    });
    move || {
        match access.get() {
        Access::Unknown => view! { <p class="muted">{move || i18n.t(key!("common.loading"))}</p> }.into_any(),
        Access::Allowed => children().into_any(),
        Access::Denied => view! {
            <section>
                <p class="banner banner-error" id="no-permission">{move || i18n.t(if roles == ["admin"] { key!("admin.forbidden") } else { key!("role.forbidden") })}</p>
            </section>
        }
        .into_any(),
    }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: &str, parent: Option<&str>) -> UnitView {
        UnitView {
            id: id.into(),
            name: id.to_uppercase(),
            kind: "government".into(),
            parent: parent.map(Into::into),
            division: None,
        }
    }

    #[test]
    fn tree_puts_parents_first_and_keeps_every_unit() {
        let units = vec![
            unit("c1", Some("root")),
            unit("root", None),
            unit("c1a", Some("c1")),
            unit("c2", Some("root")),
            unit("orphan", Some("gone")),
            // A cycle: neither is reachable from a root.
            unit("x", Some("y")),
            unit("y", Some("x")),
        ];
        let tree: Vec<(usize, String)> = unit_tree(&units)
            .into_iter()
            .map(|(d, u)| (d, u.id))
            .collect();
        let ids: Vec<&str> = tree.iter().map(|(_, id)| id.as_str()).collect();
        assert_eq!(&ids[..5], ["root", "c1", "c1a", "c2", "orphan"]);
        assert_eq!(tree.len(), units.len());
        assert_eq!(tree[2], (2, "c1a".to_owned()));
        assert_eq!(tree[4], (0, "orphan".to_owned()));
    }

    #[test]
    fn options_indent_by_depth() {
        let units = vec![unit("root", None), unit("c1", Some("root"))];
        let opts = unit_options(&units, |u| u.id == "nothing");
        assert_eq!(opts[1], ("c1".to_owned(), "\u{3000}C1".to_owned()));
        assert_eq!(unit_options(&units, |u| u.id == "root").len(), 1);
    }
}
