//! Units grouped for a `<select>`: cities, their counties, provincial departments and
//! zones, the way the dispatch form and the supervision orders list them.

use duban_api::UnitView;
use duban_text::{Key, key};
use leptos::prelude::*;

use crate::i18n::I18n;

/// A labelled group of units: its heading and which units belong to it.
pub type UnitGroup = (Key, fn(&UnitView) -> bool);

/// The groups, in the order the lists show them.
pub const UNIT_GROUPS: [UnitGroup; 4] = [
    (key!("unit.group.city"), |u| {
        u.kind == "government" && u.parent.as_deref() == Some("prov-coord")
    }),
    (key!("unit.group.county"), |u| {
        u.kind == "government" && u.parent.as_deref() != Some("prov-coord")
    }),
    (key!("unit.group.department"), |u| u.kind == "department"),
    (key!("unit.group.zone"), |u| u.kind == "zone"),
];

/// `<optgroup>`s of the units, `chosen` (a unit id) marking the selected one.
pub fn grouped_unit_options(
    i18n: I18n,
    units: &[UnitView],
    chosen: Signal<String>,
) -> impl IntoView + use<> {
    UNIT_GROUPS
        .into_iter()
        .map(|(label, keep)| {
            let options = units
                .iter()
                .filter(|u| keep(u))
                .map(|u| {
                    let id = u.id.clone();
                    view! {
                        <option value=u.id.clone() selected=move || chosen.with(|c| *c == id)>{u.name.clone()}</option>
                    }
                })
                .collect_view();
            view! { <optgroup label=i18n.t(label)>{options}</optgroup> }
        })
        .collect_view()
}
