//! The preview's edits (issue 20): values for the whole file where the list lacks a
//! column (channel, batch number, transfer date), a row's division picked from a list
//! or its date corrected, rows excluded with a reason, and whether the list is imported
//! as historical. They travel as `?edits=` (the JSON of `duban_intake::Edits`) with the
//! preview and the commit, so both read the file the same way.

use duban_text::key;
use std::collections::BTreeMap;

use duban_api::ImportBatch;
use duban_case::model::Channel;
use leptos::prelude::*;
use serde::Serialize;

use crate::i18n::use_i18n;

/// The wire form of `duban_intake::Edits` (the web does not link the import crate).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Edits {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_number: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_date: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub rows: BTreeMap<usize, RowEdit>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub exclude: BTreeMap<usize, String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RowEdit {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub division: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_date: Option<String>,
}

impl Edits {
    /// The `edits` query value; empty when nothing is edited.
    pub fn query(&self) -> String {
        if *self == Edits::default() {
            String::new()
        } else {
            serde_json::to_string(self).unwrap_or_default()
        }
    }
}

fn some(v: String) -> Option<String> {
    Some(v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Channel, batch number and transfer date for the whole file, and the historical
/// choice. A changed value checks the file again.
#[component]
pub fn FileSettings(
    edits: RwSignal<Edits>,
    historical: RwSignal<bool>,
    on_recheck: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    // The preview is drawn anew after each check: the fields show what was set.
    let set = edits.get_untracked();
    let batch = set.batch_number.map(|n| n.to_string()).unwrap_or_default();
    let date = set.batch_date.unwrap_or_default();
    view! {
        <fieldset class="filters" id="import-settings">
            <legend>{move || i18n.t(key!("import.settings"))}</legend>
            <label class="inline-field">
                <span class="label">{move || i18n.t(key!("import.set.channel"))}</span>
                " "
                <select id="import-set-channel" name="channel"
                    on:change=move |ev| {
                        let v = some(event_target_value(&ev));
                        edits.update(|e| e.channel = v);
                        on_recheck();
                    }>
                    <option value="" selected=move || edits.with(|e| e.channel.is_none())>{move || i18n.t(key!("import.set.from_file"))}</option>
                    {Channel::ALL.iter().map(|c| {
                        let code = c.code();
                        view! {
                            <option value=code selected=move || edits.with(|e| e.channel.as_deref() == Some(code))>
                                {move || c.label(i18n.lang())}
                            </option>
                        }
                    }).collect_view()}
                </select>
            </label>
            <label class="inline-field">
                <span class="label">{move || i18n.t(key!("import.set.batch_number"))}</span>
                " "
                // Read on change, not on every key: the field is never re-rendered while typed.
                <input type="text" inputmode="numeric" id="import-set-batch" name="batch_number" size="4" maxlength="3"
                    value=batch
                    on:change=move |ev| {
                        let v = event_target_value(&ev).trim().parse::<i64>().ok();
                        edits.update(|e| e.batch_number = v);
                        on_recheck();
                    }/>
            </label>
            <label class="inline-field">
                <span class="label">{move || i18n.t(key!("import.set.batch_date"))}</span>
                " "
                <input type="date" id="import-set-date" name="batch_date" value=date
                    on:change=move |ev| {
                        let v = some(event_target_value(&ev));
                        edits.update(|e| e.batch_date = v);
                        on_recheck();
                    }/>
            </label>
            <label class="field-check">
                <input type="checkbox" id="import-historical"
                    prop:checked=move || historical.get()
                    on:change=move |ev| historical.set(event_target_checked(&ev))/>
                " "
                <span>{move || i18n.t(key!("import.historical"))}</span>
            </label>
            <p class="hint">{move || i18n.t(key!("import.historical_hint"))}</p>
        </fieldset>
    }
}

/// The file's batches with their rows (a list may hold several, 批次 1–17).
#[component]
pub fn BatchCounts(batches: Vec<ImportBatch>) -> impl IntoView {
    let i18n = use_i18n();
    (batches.len() > 1).then(|| {
        view! {
            <table class="data-table" id="import-batches">
                <thead>
                    <tr>
                        <th>{move || i18n.t(key!("import.batch_col"))}</th>
                        <th>{move || i18n.t(key!("import.batch_rows"))}</th>
                        <th>{move || i18n.t(key!("import.batch_valid"))}</th>
                        <th>{move || i18n.t(key!("import.batch_excluded"))}</th>
                    </tr>
                </thead>
                <tbody>
                    {batches.into_iter().map(|b| view! {
                        <tr class="import-batch" data-batch=b.number.map(|n| n.to_string()).unwrap_or_default()>
                            <td class="num">{b.number.map_or_else(|| "—".to_owned(), |n| n.to_string())}</td>
                            <td class="num">{b.rows}</td>
                            <td class="num">{b.valid}</td>
                            <td class="num">{b.excluded}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    })
}

/// The fixes of one row: its division from the list (zones included) when the name is
/// not known, its transfer date when unreadable, or leaving it out with a reason.
#[component]
pub fn RowFix(
    line: usize,
    division_bad: bool,
    date_bad: bool,
    excluded: Option<String>,
    edits: RwSignal<Edits>,
    on_recheck: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let set_row = move |f: fn(&mut RowEdit, Option<String>), v: String| {
        edits.update(|e| f(e.rows.entry(line).or_default(), some(v)));
        on_recheck();
    };
    if let Some(why) = excluded {
        return view! {
            <div class="row-fix" data-line=line>
                <p class="muted row-excluded">{move || i18n.t(key!("import.excluded"))}{format!("：{why}")}</p>
                <button type="button" class="btn btn-small row-unexclude"
                    on:click=move |_| { edits.update(|e| { e.exclude.remove(&line); }); on_recheck(); }>
                    {move || i18n.t(key!("import.unexclude"))}
                </button>
            </div>
        }
        .into_any();
    }
    view! {
        <div class="row-fix" data-line=line>
            {division_bad.then(|| view! {
                <label class="inline-field">
                    <span class="label">{move || i18n.t(key!("import.fix.division"))}</span>
                    <select class="row-fix-division" name="division"
                        on:change=move |ev| set_row(|r, v| r.division = v, event_target_value(&ev))>
                        <option value="">{move || i18n.t(key!("common.choose"))}</option>
                        {duban_divisions::cities().map(|city| view! {
                            <optgroup label=city.name()>
                                <option value=city.code().as_str()>{city.name()}</option>
                                {duban_divisions::places_in(city.code())
                                    .map(|d| view! { <option value=d.code().as_str()>{d.full_name()}</option> })
                                    .collect_view()}
                            </optgroup>
                        }).collect_view()}
                    </select>
                </label>
            })}
            {date_bad.then(|| view! {
                <label class="inline-field">
                    <span class="label">{move || i18n.t(key!("import.fix.date"))}</span>
                    <input type="date" class="row-fix-date" name="batch_date"
                        on:change=move |ev| set_row(|r, v| r.batch_date = v, event_target_value(&ev))/>
                </label>
            })}
            <label class="inline-field">
                <input type="text" class="row-exclude-reason" name="reason" maxlength="200"
                    placeholder=move || i18n.t(key!("import.exclude_reason"))
                    on:input=move |ev| reason.set(event_target_value(&ev))/>
            </label>
            <button type="button" class="btn btn-small row-exclude"
                on:click=move |_| {
                    let why = reason.get_untracked();
                    if let Some(why) = some(why) {
                        edits.update(|e| { e.exclude.insert(line, why); });
                        on_recheck();
                    }
                }>
                {move || i18n.t(key!("import.exclude"))}
            </button>
        </div>
    }
    .into_any()
}
