//! `/calendar`: the official working-day calendar (computed in the browser by
//! `duban-calendar`) and the SLA rule sets in force (from the server).

use chrono::{Datelike, NaiveDate, Utc};
use duban_api::sla::RuleSets;
use duban_calendar::{Calendar, DayKind};
use duban_core::china_date;
use duban_sla::RuleSet;
use duban_text::key;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::i18n::{Lang, pick, use_i18n};
use crate::sla_view::stage_label;

fn kind_class(k: DayKind) -> &'static str {
    match k {
        DayKind::Workday => "day day-work",
        DayKind::Weekend => "day day-weekend",
        DayKind::Holiday => "day day-holiday",
        DayKind::MakeupWorkday => "day day-makeup",
    }
}

#[component]
pub fn CalendarPage() -> impl IntoView {
    let i18n = use_i18n();
    let year = RwSignal::new(china_date(Utc::now()).year());
    let rule_sets = RwSignal::new(Vec::<RuleSet>::new());
    spawn_local(async move {
        if let Ok(r) = api::call::<RuleSets>(&(), &(), &(), i18n.lang_untracked()).await {
            rule_sets.set(r);
        }
    });
    let cal = Calendar::official();
    let today = china_date(Utc::now());

    view! {
        <section>
            <div class="page-head">
                <h1>{move || i18n.t(key!("calendar.title"))}</h1>
                <div class="year-nav">
                    <button type="button" class="btn" on:click=move |_| year.update(|y| *y -= 1)>"‹"</button>
                    <strong id="calendar-year">{move || year.get()}</strong>
                    <button type="button" class="btn" on:click=move |_| year.update(|y| *y += 1)>"›"</button>
                </div>
            </div>
            <p class="hint">{move || i18n.t(key!("calendar.hint"))}</p>
            {move || {
                let y = year.get();
                match cal.source(y) {
                    Some(src) => view! { <p class="muted">{format!("{}{}", i18n.t(key!("calendar.source")), src)}</p> }.into_any(),
                    None => view! { <p class="banner banner-warn" id="calendar-fallback">{i18n.t(key!("calendar.fallback"))}</p> }.into_any(),
                }
            }}
            <p class="legend">
                <span class="day day-work">{move || i18n.t(key!("day.workday"))}</span>
                <span class="day day-weekend">{move || i18n.t(key!("day.weekend"))}</span>
                <span class="day day-holiday">{move || i18n.t(key!("day.holiday"))}</span>
                <span class="day day-makeup">{move || i18n.t(key!("day.makeup"))}</span>
            </p>
            <div class="months">
                {move || {
                    let y = year.get();
                    let zh = i18n.lang() == Lang::Zh;
                    (1..=12u32).map(|m| {
                        let first = NaiveDate::from_ymd_opt(y, m, 1);
                        let offset = first.map_or(0, |d| d.weekday().num_days_from_monday() as usize);
                        let days: Vec<_> = cal.year(y).filter(|d| d.date.month() == m).collect();
                        view! {
                            <div class="month">
                                <h3>{if zh { format!("{m}月") } else { format!("{y}-{m:02}") }}</h3>
                                <div class="month-grid">
                                    {i18n.t(key!("calendar.weekdays")).split_whitespace().map(|w| view! { <span class="day day-head">{w}</span> }).collect_view()}
                                    {(0..offset).map(|_| view! { <span class="day day-blank"></span> }).collect_view()}
                                    {days.into_iter().map(|d| view! {
                                        <span class=kind_class(d.kind) class:day-today=d.date == today title=d.name.unwrap_or("") data-date=d.date.to_string()>{d.date.day()}</span>
                                    }).collect_view()}
                                </div>
                            </div>
                        }
                    }).collect_view()
                }}
            </div>
            <h2>{move || i18n.t(key!("rules.title"))}</h2>
            <p class="hint">{move || i18n.t(key!("rules.hint"))}</p>
            {move || rule_sets.get().into_iter().map(|set| {
                let lang = i18n.lang();
                let name = pick(lang, set.name_zh(), set.name_en()).to_owned();
                view! {
                    <div class="rule-set" data-id=set.id().to_owned()>
                        <h3>{name}</h3>
                        <p class="muted">{format!("{}{}", i18n.t(key!("rules.source")), set.source())}</p>
                        <table class="data-table rules-table">
                            <thead><tr>
                                <th>{i18n.t(key!("clock.stage"))}</th>
                                <th>{i18n.t(key!("rules.when"))}</th>
                                <th>{i18n.t(key!("clock.limit"))}</th>
                            </tr></thead>
                            <tbody>
                                {set.rules().iter().map(|r| {
                                    let when = match (r.when.urgent, r.when.kinds.is_empty()) {
                                        (Some(true), _) => i18n.t(key!("rules.urgent")),
                                        (_, false) => i18n.t(key!("rules.inquiry")),
                                        _ => "",
                                    };
                                    let limit = r.limit.text(lang);
                                    view! { <tr><td>{stage_label(r.stage, lang)}</td><td>{when}</td><td>{limit}</td></tr> }
                                }).collect_view()}
                            </tbody>
                        </table>
                        <p class="muted">{format!("{} {}%", i18n.t(key!("rules.warn")), set.warn_percent())}</p>
                    </div>
                }
            }).collect_view()}
        </section>
    }
}
