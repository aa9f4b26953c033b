//! `/board`: the map board (挂图作战). A map of Jiangsu shaded by open, overdue or key
//! cases per city (click a city for its districts, a district for its cases), beside it
//! the totals and rates, the outcome totals as the province reports them, charts by
//! category, batch and day, and the units ranked by overdue cases and by on-time
//! closure. The filter lives in the address (`/board?batch=3&key=any`), is checked by
//! the same `BoardFilter::parse` as the server's, and the figures refresh every 30 s
//! without reloading (a 304 when nothing changed).

use duban_text::Key;
use duban_text::key;
use std::sync::Arc;
use std::time::Duration;

use duban_api::board::{GeoJiangsu, GetBoard};
use duban_api::{ApiError, AreaFigures, BoardView, Figures, SeriesPoint, UnitFigures};
use duban_board::filter::{BoardFilter, BoardQuery};
use duban_board::geo::{FeatureCollection, Frame, Level};
use duban_case::model::{Category, KeyClass};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::{self, Fetched};
use crate::components::field_errors::OtherErrors;
use crate::i18n::{I18n, use_i18n};
use crate::numeric::NumericText;

const POLL: Duration = Duration::from_secs(30);
const MAP_WIDTH: f64 = 640.0;

/// The filter's query-string keys, in [`BoardQuery`]'s order.
const KEYS: [&str; 6] = ["batch", "from", "to", "category", "key", "city"];

fn query_of(get: impl Fn(&str) -> Option<String>) -> BoardQuery {
    let [batch, from, to, category, key, city] =
        KEYS.map(|k| get(k).map(|v| v.trim().to_owned()).unwrap_or_default());
    BoardQuery {
        batch,
        from,
        to,
        category,
        key,
        city,
    }
}

fn search_of(q: &BoardQuery) -> String {
    api::query_string(KEYS.into_iter().zip([
        q.batch.as_str(),
        &q.from,
        &q.to,
        &q.category,
        &q.key,
        &q.city,
    ]))
}

/// What the map is shaded by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Metric {
    Open,
    Overdue,
    Key,
}

impl Metric {
    fn of(self, f: &Figures) -> i64 {
        match self {
            Metric::Open => f.open,
            Metric::Overdue => f.overdue,
            Metric::Key => f.key_cases,
        }
    }
    fn key(self) -> Key {
        match self {
            Metric::Open => key!("board.metric.open"),
            Metric::Overdue => key!("board.metric.overdue"),
            Metric::Key => key!("board.metric.key"),
        }
    }
    /// Five classes from light to dark.
    fn ramp(self) -> [&'static str; 5] {
        match self {
            Metric::Open => ["#e3ecf7", "#b9cfe9", "#84aad6", "#4f80bd", "#1d3f6e"],
            Metric::Overdue => ["#fbe6e4", "#f3b8b2", "#e5837a", "#c9483f", "#8e1c16"],
            Metric::Key => ["#fdf0d8", "#f8d49a", "#eeb158", "#d48a1f", "#8a5a00"],
        }
    }
}

/// Up to five classes of whole numbers covering `1..=max`, as inclusive bounds: one per
/// value when there are few, else equal steps.
fn classes(max: i64) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = Vec::new();
    for i in 1..=5_i64 {
        let hi = (max * i + 4) / 5;
        let lo = out.last().map_or(1, |(_, h)| h + 1);
        if hi >= lo {
            out.push((lo, hi));
        }
    }
    out
}

/// The class of `v`; None for zero.
fn class_of(v: i64, classes: &[(i64, i64)]) -> Option<usize> {
    (v > 0).then(|| {
        classes
            .iter()
            .position(|(_, hi)| v <= *hi)
            .unwrap_or(classes.len().saturating_sub(1))
    })
}

fn percent(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), |p| format!("{p:.1}%"))
}

/// One shape of the map, projected.
#[derive(Debug, Clone, PartialEq)]
struct Shape {
    code: u32,
    name: String,
    d: String,
    label: (f64, f64),
}

/// The case list's address for a district (or city) under the board's filter.
fn list_href(q: &BoardQuery, division: u32) -> String {
    let key = match q.key.as_str() {
        "" => "",
        "none" => "false",
        _ => "true",
    };
    let division = division.to_string();
    format!(
        "/{}",
        api::query_string([
            ("division", division.as_str()),
            ("batch", &q.batch),
            ("category", &q.category),
            ("key", key),
            ("from", &q.from),
            ("to", &q.to),
        ])
    )
}

#[component]
pub fn BoardPage() -> impl IntoView {
    let i18n = use_i18n();
    let query_map = use_query_map();
    let navigate = use_navigate();
    let query = Memo::new(move |_| {
        let m = query_map.get();
        query_of(|k| m.get(k))
    });
    let parsed = Memo::new(move |_| BoardFilter::parse(&query.get()));
    let board: RwSignal<Option<BoardView>> = RwSignal::new(None);
    let etag: RwSignal<Option<String>> = RwSignal::new(None);
    let load_errors: RwSignal<Vec<ApiError>> = RwSignal::new(Vec::new());
    let geo: RwSignal<Option<Arc<FeatureCollection>>> = RwSignal::new(None);
    let metric = RwSignal::new(Metric::Open);
    let checked_at: RwSignal<Option<String>> = RwSignal::new(None);

    let query_now = move || parsed.get_untracked().ok().map(|f| f.to_query());
    let load = move |used: api::Use| {
        let Some(asked) = query_now() else { return };
        let tag = etag.get_untracked();
        let lang = i18n.lang_untracked();
        spawn_local(async move {
            let result =
                api::call_if_changed::<GetBoard>(&(), &asked, tag.as_deref(), used, lang).await;
            // An answer for a filter no longer shown is dropped.
            if query_now().as_ref() != Some(&asked) {
                return;
            }
            match result {
                Ok(Fetched::Changed(v, tag)) => {
                    board.set(Some(v));
                    etag.set(tag);
                    load_errors.set(Vec::new());
                }
                Ok(Fetched::Unchanged) => {}
                Err(f) => load_errors.set(f.errors().to_vec()),
            }
            checked_at.set(Some(
                crate::format::local_time(chrono::Utc::now())
                    .chars()
                    .skip(11)
                    .collect(),
            ));
        });
    };
    Effect::new(move |_| {
        // A filter that does not parse shows its errors, not the last figures.
        if parsed.with(Result::is_err) {
            board.set(None);
        }
        etag.set(None);
        load(api::Use::User);
    });
    if let Ok(handle) = set_interval_with_handle(move || load(api::Use::Background), POLL) {
        on_cleanup(move || handle.clear());
    }
    {
        let lang = i18n.lang_untracked();
        spawn_local(async move {
            match api::call::<GeoJiangsu>(&(), &(), &(), lang).await {
                Ok(fc) => geo.set(Some(Arc::new(fc))),
                Err(f) => load_errors.update(|e| e.extend(f.errors().iter().cloned())),
            }
        });
    }

    let go = {
        let navigate = navigate.clone();
        move |q: BoardQuery| {
            navigate(
                &format!("/board{}", search_of(&q)),
                NavigateOptions::default(),
            )
        }
    };
    let city = Memo::new(move |_| parsed.get().ok().and_then(|f| f.city()));
    let shapes = Memo::new(move |_| {
        let g = geo.get()?;
        let feats = match city.get() {
            None => g.of_level(Level::City, None),
            Some(c) => g.of_level(Level::County, Some(c)),
        };
        let frame = Frame::fit(&feats, MAP_WIDTH, 10.0);
        let shapes: Vec<Shape> = feats
            .iter()
            .map(|f| {
                let code = f.properties.code;
                let seat = duban_divisions::DivisionCode::try_from(code)
                    .ok()
                    .map(|c| c.division().centroid());
                Shape {
                    code,
                    name: f.properties.name.clone(),
                    d: frame.path(&f.geometry),
                    label: seat.map_or((0.0, 0.0), |(lat, lon)| frame.point(lon, lat)),
                }
            })
            .collect();
        Some((frame.width, frame.height, shapes))
    });

    let map = {
        let go = go.clone();
        move || {
            let (w, h, shapes) = shapes.get()?;
            let b = board.get()?;
            let m = metric.get();
            let in_city = city.get().is_some();
            let value = |code: u32| -> (i64, Option<AreaFigures>) {
                let a = b.areas.iter().find(|a| a.code == code).cloned();
                (a.as_ref().map_or(0, |a| m.of(&a.figures)), a)
            };
            let max = b.areas.iter().map(|a| m.of(&a.figures)).max().unwrap_or(0);
            let bins = classes(max);
            // The darkest colour for the top class, however few classes there are.
            let ramp: Vec<&str> = {
                let all = m.ramp();
                let skip = 5 - bins.len().min(5);
                all[skip..].to_vec()
            };
            let q = b.query.clone();
            let paths = shapes
                .iter()
                .map(|s| {
                    let (v, area) = value(s.code);
                    let fill = class_of(v, &bins).map_or("#f3f4f6", |c| ramp[c]);
                    let f = area.map(|a| a.figures).unwrap_or_default();
                    let title = format!(
                        "{}\n{} {}  {} {}  {} {}  {} {}",
                        s.name,
                        i18n.t(key!("board.total")),
                        f.total,
                        i18n.t(key!("board.metric.open")),
                        f.open,
                        i18n.t(key!("board.metric.overdue")),
                        f.overdue,
                        i18n.t(key!("board.metric.key")),
                        f.key_cases
                    );
                    let code = s.code;
                    let go = go.clone();
                    let q = q.clone();
                    let href = list_href(&q, code);
                    let navigate = use_navigate();
                    let open = move || {
                        if in_city {
                            navigate(&href, NavigateOptions::default());
                        } else {
                            let mut next = q.clone();
                            next.city = code.to_string();
                            go(next);
                        }
                    };
                    let open_key = open.clone();
                    view! {
                        <path
                            class="area"
                            data-code=code.to_string()
                            d=s.d.clone()
                            fill=fill
                            role="button"
                            tabindex="0"
                            on:click=move |_| open()
                            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                                if ev.key() == "Enter" || ev.key() == " " {
                                    ev.prevent_default();
                                    open_key();
                                }
                            }
                        >
                            <title>{title}</title>
                        </path>
                    }
                })
                .collect_view();
            let labels = shapes
                .iter()
                .map(|s| {
                    let (v, _) = value(s.code);
                    let (x, y) = s.label;
                    let short = s
                        .name
                        .trim_end_matches('市')
                        .trim_end_matches('区')
                        .trim_end_matches('县')
                        .to_owned();
                    let short = if short.chars().count() < 2 { s.name.clone() } else { short };
                    view! {
                        <text class="area-label" x=format!("{x:.1}") y=format!("{y:.1}")>
                            <tspan x=format!("{x:.1}") dy="-2">{short}</tspan>
                            <tspan class="area-value" x=format!("{x:.1}") dy="14">{v.to_string()}</tspan>
                        </text>
                    }
                })
                .collect_view();
            let legend = bins
                .iter()
                .zip(&ramp)
                .map(|((lo, hi), colour)| {
                    let text = if lo == hi { lo.to_string() } else { format!("{lo}–{hi}") };
                    view! {
                        <span class="legend-item"><i style=format!("background:{colour}")></i>{text}</span>
                    }
                })
                .collect_view();
            Some(view! {
                <svg id="board-map" class="board-map" viewBox=format!("0 0 {w:.0} {h:.0}")
                    role="img" aria-label=move || i18n.t(key!("board.map"))>
                    {paths}
                    <g class="labels" aria-hidden="true">{labels}</g>
                </svg>
                <div class="map-legend">
                    <span>{i18n.t(m.key())}</span>
                    <span class="legend-item"><i style="background:#f3f4f6"></i>"0"</span>
                    {legend}
                </div>
            })
        }
    };

    let filter_bar = {
        let go = go.clone();
        move || {
            let q = query.get();
            let set = {
                let go = go.clone();
                let q = q.clone();
                move |key: &'static str, v: String| {
                    let mut next = q.clone();
                    match key {
                        "batch" => next.batch = v,
                        "from" => next.from = v,
                        "to" => next.to = v,
                        "category" => next.category = v,
                        "key" => next.key = v,
                        _ => {}
                    }
                    go(next);
                }
            };
            let lang = i18n.lang();
            let s1 = set.clone();
            let s2 = set.clone();
            let s3 = set.clone();
            let s4 = set.clone();
            let s5 = set.clone();
            let go_reset = go.clone();
            view! {
                <div class="filters board-filters">
                    <label class="inline-field">{i18n.t(key!("board.batch"))}
                        <NumericText name="batch" attr:id="board-batch" attr:class="input-narrow" text=q.batch.clone()
                            on_change_only=true on_text=move |v| s1("batch", v)/>
                    </label>
                    <label class="inline-field">{i18n.t(key!("board.from"))}
                        <input id="board-from" type="date" prop:value=q.from.clone()
                            on:change=move |ev| s2("from", event_target_value(&ev))/>
                    </label>
                    <label class="inline-field">{i18n.t(key!("board.to"))}
                        <input id="board-to" type="date" prop:value=q.to.clone()
                            on:change=move |ev| s3("to", event_target_value(&ev))/>
                    </label>
                    <select id="board-category" prop:value=q.category.clone()
                        on:change=move |ev| s4("category", event_target_value(&ev))>
                        <option value="">{i18n.t(key!("board.all_categories"))}</option>
                        {Category::ALL.iter().map(|c| view! {
                            <option value=c.code()>{c.label(lang)}</option>
                        }).collect_view()}
                    </select>
                    <select id="board-key" prop:value=q.key.clone()
                        on:change=move |ev| s5("key", event_target_value(&ev))>
                        <option value="">{i18n.t(key!("board.all_cases"))}</option>
                        <option value="any">{i18n.t(key!("board.key_any"))}</option>
                        <option value="none">{i18n.t(key!("board.key_none"))}</option>
                        {KeyClass::ALL.iter().map(|k| view! {
                            <option value=k.code()>{k.label(lang)}</option>
                        }).collect_view()}
                    </select>
                    <button type="button" class="btn btn-small" id="board-reset"
                        on:click=move |_| go_reset(BoardQuery::default())>{i18n.t(key!("board.reset"))}</button>
                </div>
            }
        }
    };

    let parse_errors = move || {
        let lang = i18n.lang();
        match parsed.get() {
            Ok(_) => None,
            Err(errs) => Some(view! {
                <div class="banner banner-error" id="board-filter-errors">
                    {errs.iter().map(|e| view! { <div>{e.message(lang)}</div> }).collect_view()}
                </div>
            }),
        }
    };

    let crumbs = {
        let go = go.clone();
        move || {
            let c = city.get()?;
            let name = duban_divisions::DivisionCode::try_from(c)
                .map(|d| d.division().name().to_owned())
                .unwrap_or_default();
            let go = go.clone();
            Some(view! {
                <nav class="crumbs" id="board-crumbs">
                    <button type="button" class="link-button" on:click=move |_| {
                        let mut q = query.get_untracked();
                        q.city = String::new();
                        go(q);
                    }>{i18n.t(key!("board.province"))}</button>
                    " › "
                    <strong>{name}</strong>
                    <span class="hint">" "{i18n.t(key!("board.drill_hint"))}</span>
                </nav>
            })
        }
    };

    view! {
        <div class="page-head">
            <h1>{move || i18n.t(key!("board.title"))}</h1>
            <span class="hint" id="board-updated">{move || checked_at.get().map(|t| format!("{} {t}", i18n.t(key!("board.updated"))))}</span>
        </div>
        {filter_bar}
        {parse_errors}
        <OtherErrors fields=&[] errors=load_errors/>
        {crumbs}
        <div class="board-grid">
            <section class="board-map-panel">
                <div class="metric-switch" role="group">
                    {[Metric::Open, Metric::Overdue, Metric::Key].into_iter().map(|m| view! {
                        <button type="button" class="btn btn-small"
                            class:btn-primary=move || metric.get() == m
                            attr:aria-pressed=move || (metric.get() == m).to_string()
                            on:click=move |_| metric.set(m)>{move || i18n.t(m.key())}</button>
                    }).collect_view()}
                </div>
                {map}
                {move || (board.get().is_none() && load_errors.get().is_empty() && parsed.with(Result::is_ok)).then(|| view! {
                    <p class="placeholder">{i18n.t(key!("board.loading"))}</p>
                })}
            </section>
            <section class="board-side">
                {move || {
                    i18n.lang();
                    board.get().map(|b| view! { <Totals b=b/> })
                }}
            </section>
        </div>
        {move || {
            i18n.lang();
            board.get().map(|b| view! { <Charts b=b/> })
        }}
    }
}

#[component]
fn Totals(b: BoardView) -> impl IntoView {
    let i18n = use_i18n();
    let t = b.totals;
    let o = b.outcomes;
    let lang = i18n.lang_untracked();
    let tile = |id: &'static str, label: Key, value: String, class: &'static str| {
        view! {
            <div class=format!("kpi {class}") id=id>
                <div class="kpi-value">{value}</div>
                <div class="kpi-label">{i18n.t(label)}</div>
            </div>
        }
    };
    view! {
        <div class="kpis">
            {tile("kpi-total", key!("board.total"), t.total.to_string(), "")}
            {tile("kpi-open", key!("board.metric.open"), t.open.to_string(), "")}
            {tile("kpi-overdue", key!("board.metric.overdue"), t.overdue.to_string(), if t.overdue > 0 { "kpi-alert" } else { "" })}
            {tile("kpi-key", key!("board.metric.key"), t.key_cases.to_string(), "")}
            {tile("kpi-closure", key!("board.closure_rate"), percent(t.closure_rate), "")}
            {tile("kpi-ontime", key!("board.on_time_rate"), percent(t.on_time_rate), "")}
        </div>
        <h2>{i18n.t(key!("board.outcomes"))}</h2>
        <table class="data-table outcomes" id="board-outcomes">
            <tbody>
                <tr><th>{i18n.t(key!("board.o.concluded"))}</th><td>{o.concluded}{i18n.t(key!("unit.cases"))}</td></tr>
                <tr><th>{i18n.t(key!("board.o.rectification"))}</th><td>{o.rectification_orders}{i18n.t(key!("unit.enterprises"))}</td></tr>
                <tr><th>{i18n.t(key!("board.o.penalty"))}</th><td>{o.penalty_cases}{i18n.t(key!("unit.cases_filed"))}</td></tr>
                <tr><th>{i18n.t(key!("board.o.fines"))}</th><td>{duban_api::fines_text(o.fines_yuan, lang)}</td></tr>
                <tr><th>{i18n.t(key!("board.o.criminal"))}</th><td>{o.criminal_cases}{i18n.t(key!("unit.cases_filed"))}</td></tr>
                <tr><th>{i18n.t(key!("board.o.summoned"))}</th><td>{o.officials_summoned}{i18n.t(key!("unit.persons"))}</td></tr>
                <tr><th>{i18n.t(key!("board.o.accountable"))}</th><td>{o.officials_accountable}{i18n.t(key!("unit.persons"))}</td></tr>
            </tbody>
        </table>
        <p class="hint">{i18n.t(key!("board.rates_note"))}</p>
    }
}

/// Horizontal bars, one per row: label, bar, value.
fn bars(rows: Vec<(String, i64, i64)>, id: &'static str) -> AnyView {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    view! {
        <ul class="bars" id=id>
            {rows.into_iter().map(|(label, total, part)| {
                let w = total as f64 * 100.0 / max as f64;
                let p = if total > 0 { part as f64 * 100.0 / total as f64 } else { 0.0 };
                view! {
                    <li>
                        <span class="bar-label">{label}</span>
                        <span class="bar-track">
                            <span class="bar" style=format!("width:{w:.1}%")>
                                <span class="bar-part" style=format!("width:{p:.1}%")></span>
                            </span>
                        </span>
                        <span class="bar-value">{total}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// Columns over time or batches: the total, with the concluded share darker.
fn columns(points: &[SeriesPoint], label: impl Fn(&str) -> String, id: &'static str) -> AnyView {
    let max = points.iter().map(|p| p.total).max().unwrap_or(0).max(1);
    let n = points.len().max(1) as f64;
    let (w, h) = (640.0_f64, 160.0_f64);
    let bw = (w / n).min(48.0);
    let values = points.len() <= 31;
    let every = ((points.len() as f64) / 12.0).ceil().max(1.0) as usize;
    let bars = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let x = i as f64 * bw;
            let th = p.total as f64 * (h - 36.0) / max as f64;
            let ch = p.concluded as f64 * (h - 36.0) / max as f64;
            let tick = (i % every == 0).then(|| {
                view! { <text class="col-tick" x=format!("{:.1}", x + bw / 2.0) y=format!("{:.0}", h - 3.0)>{label(&p.key)}</text> }
            });
            let value = values.then(|| {
                view! { <text class="col-value" x=format!("{:.1}", x + bw / 2.0) y=format!("{:.1}", h - 19.0 - th)>{p.total}</text> }
            });
            view! {
                <g>
                    <rect class="col" x=format!("{:.1}", x + 1.0) y=format!("{:.1}", h - 16.0 - th)
                        width=format!("{:.1}", (bw - 2.0).max(1.0)) height=format!("{th:.1}")>
                        <title>{format!("{}: {} / {}", label(&p.key), p.total, p.concluded)}</title>
                    </rect>
                    <rect class="col-part" x=format!("{:.1}", x + 1.0) y=format!("{:.1}", h - 16.0 - ch)
                        width=format!("{:.1}", (bw - 2.0).max(1.0)) height=format!("{ch:.1}")/>
                    {tick}
                    {value}
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="columns" id=id viewBox=format!("0 0 {w:.0} {h:.0}") role="img">
            {bars}
        </svg>
    }
    .into_any()
}

/// Days as given, or summed by month when there are too many for bars.
fn by_month_if_long(days: &[SeriesPoint]) -> (Vec<SeriesPoint>, bool) {
    if days.len() <= 62 {
        return (days.to_vec(), false);
    }
    let mut out: Vec<SeriesPoint> = Vec::new();
    for d in days {
        let month: String = d.key.chars().take(7).collect();
        match out.last_mut() {
            Some(last) if last.key == month => {
                last.total += d.total;
                last.concluded += d.concluded;
            }
            _ => out.push(SeriesPoint {
                key: month,
                total: d.total,
                concluded: d.concluded,
            }),
        }
    }
    (out, true)
}

fn ranking(units: &[UnitFigures], i18n: I18n, by_overdue: bool) -> AnyView {
    let mut rows: Vec<UnitFigures> = units
        .iter()
        .filter(|u| {
            if by_overdue {
                u.figures.overdue > 0
            } else {
                u.figures.on_time + u.figures.late > 0
            }
        })
        .cloned()
        .collect();
    if by_overdue {
        rows.sort_by(|a, b| {
            b.figures
                .overdue
                .cmp(&a.figures.overdue)
                .then(a.name.cmp(&b.name))
        });
    } else {
        rows.sort_by(|a, b| {
            b.figures
                .on_time_rate
                .unwrap_or(0.0)
                .total_cmp(&a.figures.on_time_rate.unwrap_or(0.0))
                .then(b.figures.concluded.cmp(&a.figures.concluded))
                .then(a.name.cmp(&b.name))
        });
    }
    rows.truncate(10);
    let id = if by_overdue {
        "rank-overdue"
    } else {
        "rank-ontime"
    };
    if rows.is_empty() {
        return view! { <p class="empty-note" id=id>{i18n.t(key!("board.rank_empty"))}</p> }
            .into_any();
    }
    view! {
        <table class="data-table ranking" id=id>
            <thead><tr>
                <th>"#"</th>
                <th>{i18n.t(key!("board.unit"))}</th>
                {if by_overdue {
                    view! { <th>{i18n.t(key!("board.metric.overdue"))}</th><th>{i18n.t(key!("board.metric.open"))}</th> }.into_any()
                } else {
                    view! { <th>{i18n.t(key!("board.on_time_rate"))}</th><th>{i18n.t(key!("board.o.concluded"))}</th> }.into_any()
                }}
            </tr></thead>
            <tbody>
                {rows.into_iter().enumerate().map(|(i, u)| view! {
                    <tr>
                        <td>{i + 1}</td>
                        <td>{u.name.clone()}</td>
                        {if by_overdue {
                            {
                                let hot = u.figures.overdue > 0;
                                view! { <td class:overdue-cell=hot>{u.figures.overdue}</td><td>{u.figures.open}</td> }.into_any()
                            }
                        } else {
                            view! { <td>{percent(u.figures.on_time_rate)}</td><td>{u.figures.concluded}</td> }.into_any()
                        }}
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn Charts(b: BoardView) -> impl IntoView {
    let i18n = use_i18n();
    let lang = i18n.lang_untracked();
    let cats: Vec<(String, i64, i64)> = b
        .categories
        .iter()
        .map(|c| (c.category.label(lang).to_owned(), c.total, c.total - c.open))
        .collect();
    let batch_label = move |k: &str| {
        if k == "0" {
            i18n.t(key!("board.no_batch")).to_owned()
        } else {
            key!("board.chart.batch").fill(lang, &[("n", k.to_owned())])
        }
    };
    let (days, monthly) = by_month_if_long(&b.days);
    let day_label = move |k: &str| k.chars().skip(5).collect::<String>();
    let month_label = move |k: &str| k.to_owned();
    let batch_chart = columns(&b.batches, batch_label, "chart-batches");
    let day_chart = if monthly {
        columns(&days, month_label, "chart-days").into_any()
    } else {
        columns(&days, day_label, "chart-days").into_any()
    };
    let rank_overdue = ranking(&b.units, i18n, true);
    let rank_ontime = ranking(&b.units, i18n, false);
    view! {
        <div class="board-charts">
            <section>
                <h2>{i18n.t(key!("board.by_category"))}</h2>
                {bars(cats, "chart-categories")}
                <p class="hint">{i18n.t(key!("board.by_category_note"))}</p>
            </section>
            <section>
                <h2>{i18n.t(key!("board.by_batch"))}</h2>
                {batch_chart}
                <h2>{move || if monthly { i18n.t(key!("board.by_month")) } else { i18n.t(key!("board.by_day")) }}</h2>
                {day_chart}
                <p class="hint"><span class="swatch swatch-total"></span>{i18n.t(key!("board.total"))}" "<span class="swatch swatch-part"></span>{i18n.t(key!("board.o.concluded"))}</p>
            </section>
            <section>
                <h2>{i18n.t(key!("board.rank_overdue"))}</h2>
                {rank_overdue}
            </section>
            <section>
                <h2>{i18n.t(key!("board.rank_ontime"))}</h2>
                {rank_ontime}
                <p class="hint">{i18n.t(key!("board.rank_note"))}</p>
            </section>
        </div>
    }
}

/// The link to the board, for the navigation bar.
#[component]
pub fn BoardNavLink() -> impl IntoView {
    let i18n = use_i18n();
    view! { <A href="/board" attr:id="nav-board">{move || i18n.t(key!("nav.board"))}</A> }
}
