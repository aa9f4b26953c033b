//! The map board (挂图作战) and the public disclosure (信息公开).
//!
//! The board reads the cells `store::board` keeps with every case write; the shapes it
//! draws are `data/geo/jiangsu.geojson`, built in. The disclosure is public: no session,
//! only cases a coordinator cleared, no personal data.

use crate::http::register::Routes;
use duban_api::{board, public};
use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use duban_api::{
    AreaFigures, BoardView, CategoryCount, Figures, OutcomeTotals, PublicBatch, PublicBatchSummary,
    PublicRow, SeriesPoint, UnitFigures,
};
use duban_board::fact::{Measures, city_of, date_of};
use duban_board::filter::{BoardFilter, BoardQuery};
use duban_case::Lang;
use duban_case::lifecycle::Case;
use duban_text::key;

use crate::error::{ApiFailure, ApiQuery, ReqLang};
use crate::policy::{Ability, Actor};
use crate::service::AppState;

/// Jiangsu's cities and counties (source and preparation: `data/geo/SOURCE.md`).
const JIANGSU_GEOJSON: &str = include_str!("../../../data/geo/jiangsu.geojson");

pub fn routes() -> Routes {
    Routes::new()
        .at(board::GetBoard, board)
        .at(board::GeoJiangsu, geo)
        .at(public::PublicBatches, public_batches)
        .at(public::GetPublicBatch, public_batch)
        .at(public::PublicTableCsv, public_csv)
        .at(public::PublicTableXlsx, public_xlsx)
}

fn filter_of(q: &BoardQuery, lang: Lang) -> Result<BoardFilter, ApiFailure> {
    BoardFilter::parse(q).map_err(|errs| filter_errors(&errs, lang))
}

/// A filter's errors (the board's, or the case list's day range) as a 422.
pub(crate) fn filter_errors(errs: &[duban_board::error::BoardError], lang: Lang) -> ApiFailure {
    ApiFailure::invalid(errs, lang)
}

/// Answer 304 when the client holds this body already, else the body with its ETag.
fn with_etag(headers: &HeaderMap, tag_of: &str, body: Response, cache: &'static str) -> Response {
    use sha2::Digest as _;
    let etag = format!(
        "\"{}\"",
        &hex::encode(sha2::Sha256::digest(tag_of.as_bytes()))[..20]
    );
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut resp = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        body
    };
    if let Ok(v) = HeaderValue::from_str(&etag) {
        resp.headers_mut().insert(header::ETAG, v);
    }
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    resp
}

/// The board's figures for a filter, for the province's coordinators, supervisors and
/// leaders: they are the whole province's, so a unit's handler (who sees only the unit's
/// cases) is refused rather than shown figures whose cases he cannot open. Poll with
/// `If-None-Match`; unchanged figures answer 304.
async fn board(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<BoardQuery>,
) -> Result<Response, ApiFailure> {
    actor.require(Ability::ReadBoard, lang)?;
    let f = filter_of(&q, lang)?;
    let view = board_view(&s, &f).await?;
    // The figures, not the time they were read, decide whether anything changed.
    let tag = serde_json::to_string(&(
        &view.query,
        &view.totals,
        &view.areas,
        &view.categories,
        &view.batches,
        &view.days,
        &view.units,
        &view.outcomes,
    ))
    .unwrap_or_default();
    Ok(with_etag(
        &headers,
        &tag,
        axum::Json(view).into_response(),
        "no-cache",
    ))
}

pub(crate) async fn board_view(s: &AppState, f: &BoardFilter) -> Result<BoardView, ApiFailure> {
    let data = s.store.board(f).await?;
    // Every case is in exactly one batch slot (0: none), so the batches add up to all.
    let totals = data
        .batches
        .iter()
        .fold(Measures::default(), |acc, (_, m)| acc.plus(m));
    let mut categories: Vec<CategoryCount> = data
        .categories
        .iter()
        .filter_map(|(slice, m)| {
            let i = usize::try_from(*slice).ok()?.checked_sub(1)?;
            Some(CategoryCount {
                category: *duban_case::model::Category::ALL.get(i)?,
                total: m.total,
                open: m.open,
            })
        })
        .collect();
    categories.sort_by(|a, b| b.total.cmp(&a.total).then(a.category.cmp(&b.category)));
    // The map: every city (or every district of the city), with zeros where nothing is.
    let mut areas: BTreeMap<u32, Measures> = BTreeMap::new();
    match f.city() {
        None => {
            for c in duban_divisions::cities() {
                areas.insert(c.code().as_u32(), Measures::default());
            }
        }
        Some(city) => {
            if let Ok(code) = duban_divisions::DivisionCode::try_from(city) {
                for d in duban_divisions::children(code) {
                    areas.insert(d.code().as_u32(), Measures::default());
                }
            }
        }
    }
    for (division, m) in &data.divisions {
        let key = if f.city().is_some() {
            *division
        } else {
            city_of(*division)
        };
        let e = areas.entry(key).or_default();
        *e = e.plus(m);
    }
    let areas = areas
        .into_iter()
        .filter(|(code, m)| {
            // The province itself or a city without its county only when something is there.
            m.total > 0
                || !code.is_multiple_of(100)
                || f.city().is_none() && !code.is_multiple_of(10_000)
        })
        .map(|(code, m)| AreaFigures {
            code,
            name: area_name(code, f.city().is_some()),
            figures: Figures::of(&m),
        })
        .collect();
    let point = |key: String, m: &Measures| SeriesPoint {
        key,
        total: m.total,
        concluded: m.concluded(),
    };
    let mut units: Vec<UnitFigures> = data
        .units
        .iter()
        .filter(|(id, _)| !id.is_empty())
        .map(|(id, m)| UnitFigures {
            unit_id: id.clone(),
            name: s.unit_name(id).unwrap_or_else(|| id.clone()),
            figures: Figures::of(m),
        })
        .collect();
    units.sort_by(|a, b| {
        b.figures
            .overdue
            .cmp(&a.figures.overdue)
            .then(b.figures.total.cmp(&a.figures.total))
            .then(a.unit_id.cmp(&b.unit_id))
    });
    Ok(BoardView {
        query: f.to_query(),
        totals: Figures::of(&totals),
        outcomes: OutcomeTotals::of(&totals),
        areas,
        categories,
        batches: data
            .batches
            .iter()
            .map(|(b, m)| point(b.to_string(), m))
            .collect(),
        days: data
            .days
            .iter()
            .filter_map(|(d, m)| {
                let date = date_of(i32::try_from(*d).ok()?)?;
                Some(point(date.to_string(), m))
            })
            .collect(),
        units,
        as_of: s.now(),
    })
}

fn area_name(code: u32, in_city: bool) -> String {
    let name = duban_divisions::DivisionCode::try_from(code)
        .map(|c| c.division().name().to_owned())
        .unwrap_or_else(|_| code.to_string());
    if in_city && code.is_multiple_of(100) {
        // Cases placed in the city without a district.
        format!("{name}（未分县区）")
    } else {
        name
    }
}

/// The boundaries the board draws, built in (they change with the binary only).
async fn geo(headers: HeaderMap) -> Response {
    with_etag(
        &headers,
        JIANGSU_GEOJSON,
        (
            [(header::CONTENT_TYPE, "application/geo+json")],
            JIANGSU_GEOJSON,
        )
            .into_response(),
        "public, max-age=86400",
    )
}

/// Batches with at least one case cleared for publication.
async fn public_batches(State(s): State<AppState>) -> Result<Response, ApiFailure> {
    let rows = s.store.public_batches().await?;
    let list: Vec<PublicBatchSummary> = rows
        .into_iter()
        .filter_map(|(batch, published, total)| {
            Some(PublicBatchSummary {
                batch: u32::try_from(batch).ok()?,
                published,
                total,
            })
        })
        .collect();
    Ok(axum::Json(list).into_response())
}

/// Text written for the public without what could identify the complainant
/// ([`duban_case::privacy::redact`]).
fn public_text(case: &Case, text: &str) -> String {
    duban_case::privacy::redact(text, case.complainant().name())
}

fn handling_text(case: &Case, o: &duban_case::draft::Outcome) -> String {
    let mut parts: Vec<String> = Vec::new();
    let m = public_text(case, o.measures());
    if !m.trim().is_empty() {
        parts.push(m.trim().to_owned());
    }
    let mut counts = Vec::new();
    if o.rectification_orders() > 0 {
        counts.push(format!("责令整改{}家", o.rectification_orders()));
    }
    if o.penalty_cases() > 0 {
        counts.push(format!("立案处罚{}起", o.penalty_cases()));
    }
    if o.fines_yuan() > 0 {
        counts.push(format!(
            "罚款{}",
            duban_api::fines_text(i64::try_from(o.fines_yuan()).unwrap_or(i64::MAX), Lang::Zh)
        ));
    }
    if o.criminal_cases() > 0 {
        counts.push(format!("立案侦查{}起", o.criminal_cases()));
    }
    if !counts.is_empty() {
        parts.push(format!("{}。", counts.join("，")));
    }
    if parts.is_empty() {
        return "—".into();
    }
    // Sentences end with a full stop, whether the handler typed one or not.
    parts
        .iter()
        .map(|p| {
            if p.ends_with(['。', '；', '！', '.', ';']) {
                p.clone()
            } else {
                format!("{p}。")
            }
        })
        .collect()
}

async fn load_public(s: &AppState, batch: &str, lang: Lang) -> Result<PublicBatch, ApiFailure> {
    let not_found = || ApiFailure::not_found("batch", "public.batch_not_found", lang);
    let Ok(n) = batch.trim().parse::<u32>() else {
        return Err(not_found());
    };
    let cases = s.store.publishable_cases(i64::from(n)).await?;
    if cases.is_empty() {
        return Err(not_found());
    }
    let rows: Vec<PublicRow> = cases
        .iter()
        .filter_map(|c| Some((c, c.outcome()?)))
        .enumerate()
        .map(|(i, (c, o))| PublicRow {
            number: i + 1,
            reference: c
                .sender_ref()
                .map_or_else(|| c.reference().to_string(), str::to_owned),
            division: c.division().division().full_name(),
            categories: c.categories().to_vec(),
            finding: o.finding(),
            verification: public_text(c, o.public_summary()),
            handling: handling_text(c, o),
            officials_summoned: o.officials_summoned(),
            officials_accountable: o.officials_accountable(),
            stage_closed: c.status() == duban_case::model::Status::StageClosed,
        })
        .collect();
    let q = BoardQuery {
        batch: n.to_string(),
        ..BoardQuery::default()
    };
    let view = board_view(s, &filter_of(&q, lang)?).await?;
    Ok(PublicBatch {
        batch: n,
        total: view.totals.total,
        outcomes: view.outcomes,
        rows,
        as_of: s.now(),
    })
}

async fn public_batch(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(batch): Path<String>,
) -> Result<Response, ApiFailure> {
    Ok(axum::Json(load_public(&s, &batch, lang).await?).into_response())
}

/// The published table's header and rows, in the reader's language.
fn public_table(p: &PublicBatch, lang: Lang) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let header = [
        key!("public.col.number"),
        key!("public.col.reference"),
        key!("public.col.division"),
        key!("public.col.category"),
        key!("public.col.verification"),
        key!("public.col.handling"),
        key!("public.col.accountability"),
    ]
    .iter()
    .map(|k| k.get(lang))
    .collect();
    let rows = p
        .rows
        .iter()
        .map(|r| {
            let cats: Vec<&str> = r.categories.iter().map(|c| c.label(lang)).collect();
            vec![
                r.number.to_string(),
                r.reference.clone(),
                r.division.clone(),
                cats.join("、"),
                r.verification_text(lang),
                r.handling_text(lang),
                r.accountability(lang),
            ]
        })
        .collect();
    (header, rows)
}

fn public_file(batch: u32, ext: &str, content_type: &str, body: Vec<u8>) -> Response {
    crate::routes::export::download_named(
        &format!("duban-public-batch-{batch}.{ext}"),
        content_type,
        body,
    )
}

async fn public_csv(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(batch): Path<String>,
) -> Result<Response, ApiFailure> {
    let p = load_public(&s, &batch, lang).await?;
    let (header, rows) = public_table(&p, lang);
    let body = crate::routes::export::csv_of(&header, &rows)?;
    Ok(public_file(p.batch, "csv", "text/csv; charset=utf-8", body))
}

async fn public_xlsx(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(batch): Path<String>,
) -> Result<Response, ApiFailure> {
    let p = load_public(&s, &batch, lang).await?;
    let (header, rows) = public_table(&p, lang);
    let sheet = key!("export.sheet.batch").fill(lang, &[("n", p.batch.to_string())]);
    let body = crate::routes::export::xlsx_of(&header, &rows, &sheet)
        .map_err(|e| ApiFailure::Unavailable(e.to_string()))?;
    Ok(public_file(
        p.batch,
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        body,
    ))
}
