//! The board's storage: facts per case, sums per cell, the queries over them, and the
//! store's reads and writes of them.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use duban_board::fact::{Fact, Measures, N, city_of, month_of};
use duban_board::filter::{BoardFilter, KeyFilter};
use duban_board::range::split;

use duban_case::lifecycle::Case;

use super::sql::{Arg, Db, Kind, numbered_where, placeholders, sql};
use super::{SqlStore, StoreResult};

/// Day × batch (the whole province).
const GRAIN_DAY_BATCH: i64 = 1;
/// Month × division.
const GRAIN_MONTH_DIVISION: i64 = 2;
/// Month × city and lead unit (`320100:unit-id`).
const GRAIN_MONTH_UNIT: i64 = 3;
/// Day × city and batch (`320100:3`).
const GRAIN_DAY_CITY_BATCH: i64 = 4;

/// A cell: grain, dim, bucket, category slice, key slice. Writing cells in this order
/// (one total order for every writer) keeps concurrent transactions from deadlocking.
pub(crate) type CellKey = (i64, String, i64, i64, i64);

/// Changes to cells, by cell.
pub(crate) type Cells = BTreeMap<CellKey, duban_board::fact::Measures>;

/// Add `more` into `cells`.
pub(crate) fn merge_cells(cells: &mut Cells, more: Cells) {
    for (k, m) in more {
        let e = cells.entry(k).or_default();
        *e = e.plus(&m);
    }
}

/// The category slice of all categories; slice `i + 1` is `Category::ALL[i]`.
const ALL_CATEGORIES: i64 = 0;
/// Key slices: every case, key cases, ordinary cases, and `KEY_CLASS + i` for
/// `KeyClass::ALL[i]`.
const ALL_CASES: i64 = 0;
const KEY_ANY: i64 = 1;
const KEY_NONE: i64 = 2;
const KEY_CLASS: i64 = 10;

fn bits(set: i64) -> impl Iterator<Item = i64> {
    (0..63).filter(move |i| set & (1_i64 << i) != 0)
}

/// A case counts in the cells of every slice it belongs to: all categories and each of
/// its own, all cases and its key slices. A filter is then an equality on the cell's
/// key, and a case with two categories counts once in the totals and under each.
fn slices(f: &Fact) -> Vec<(i64, i64)> {
    let cats: Vec<i64> = std::iter::once(ALL_CATEGORIES)
        .chain(bits(f.categories).map(|i| i + 1))
        .collect();
    let mut keys = vec![ALL_CASES];
    if f.key_classes == 0 {
        keys.push(KEY_NONE);
    } else {
        keys.push(KEY_ANY);
        keys.extend(bits(f.key_classes).map(|i| KEY_CLASS + i));
    }
    cats.iter()
        .flat_map(|c| keys.iter().map(move |k| (*c, *k)))
        .collect()
}

fn cells_of(f: &Fact) -> Vec<CellKey> {
    let day = i64::from(f.day);
    let month = i64::from(month_of(f.day));
    let city = city_of(f.division);
    let places = [
        (GRAIN_DAY_BATCH, f.batch.to_string(), day),
        (GRAIN_MONTH_DIVISION, f.division.to_string(), month),
        (GRAIN_MONTH_UNIT, format!("{city}:{}", f.unit), month),
        (GRAIN_DAY_CITY_BATCH, format!("{city}:{}", f.batch), day),
    ];
    let slices = slices(f);
    places
        .iter()
        .flat_map(|(g, d, b)| slices.iter().map(move |(c, k)| (*g, d.clone(), *b, *c, *k)))
        .collect()
}

/// The filter's category and key slices.
fn slice_of(f: &BoardFilter) -> (i64, i64) {
    let cat = f
        .category()
        .and_then(|c| {
            duban_case::model::Category::ALL
                .iter()
                .position(|x| *x == c)
        })
        .map_or(ALL_CATEGORIES, |i| i as i64 + 1);
    let key = match f.key() {
        None => ALL_CASES,
        Some(KeyFilter::Any) => KEY_ANY,
        Some(KeyFilter::None) => KEY_NONE,
        Some(KeyFilter::Class(k)) => duban_case::model::KeyClass::ALL
            .iter()
            .position(|x| *x == k)
            .map_or(ALL_CASES, |i| KEY_CLASS + i as i64),
    };
    (cat, key)
}

/// Add to `deltas` what replacing `old` by `new` changes in the cells.
pub(crate) fn add_delta(
    deltas: &mut BTreeMap<CellKey, Measures>,
    old: Option<&Fact>,
    new: Option<&Fact>,
) {
    if let Some(o) = old {
        for key in cells_of(o) {
            let e = deltas.entry(key).or_default();
            *e = e.minus(&o.measures);
        }
    }
    if let Some(n) = new {
        for key in cells_of(n) {
            let e = deltas.entry(key).or_default();
            *e = e.plus(&n.measures);
        }
    }
}

fn measure_list(prefix: &str) -> String {
    Measures::COLUMNS
        .iter()
        .map(|c| format!("{prefix}{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Insert a cell or add to it: binds grain, dim, bucket, categories, key classes, then
/// the measures.
pub(crate) static UPSERT_CELL: LazyLock<String> = LazyLock::new(|| {
    let sets: Vec<String> = Measures::COLUMNS
        .iter()
        .map(|c| format!("{c} = board_cells.{c} + excluded.{c}"))
        .collect();
    format!(
        "INSERT INTO board_cells (grain, dim, bucket, categories, key_classes, {}) VALUES ({}) \
         ON CONFLICT (grain, categories, key_classes, dim, bucket) DO UPDATE SET {}",
        measure_list(""),
        placeholders(1, 5 + N),
        sets.join(", ")
    )
});

/// Insert or replace a case's fact: binds case id, day, batch, division, categories,
/// key classes, unit, then the measures.
pub(crate) static UPSERT_FACT: LazyLock<String> = LazyLock::new(|| {
    let mut sets: Vec<String> = [
        "day",
        "batch",
        "division",
        "categories",
        "key_classes",
        "unit",
    ]
    .iter()
    .chain(Measures::COLUMNS.iter())
    .map(|c| format!("{c} = excluded.{c}"))
    .collect();
    sets.shrink_to_fit();
    format!(
        "INSERT INTO board_facts (case_id, day, batch, division, categories, key_classes, unit, {}) \
         VALUES ({}) ON CONFLICT (case_id) DO UPDATE SET {}",
        measure_list(""),
        placeholders(1, 7 + N),
        sets.join(", ")
    )
});

/// Rows per multi-row insert of a recount: 22 binds a fact and 20 a cell keep a statement
/// well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
pub(crate) const RECOUNT_ROWS: usize = 500;

/// Insert `rows` facts into the emptied table at once; binds as [`UPSERT_FACT`], row by row.
pub(crate) fn insert_facts(rows: usize) -> String {
    let width = 7 + N;
    let values: Vec<String> = (0..rows)
        .map(|r| format!("({})", placeholders(1 + r * width, width)))
        .collect();
    format!(
        "INSERT INTO board_facts (case_id, day, batch, division, categories, key_classes, unit, {}) VALUES {}",
        measure_list(""),
        values.join(", ")
    )
}

/// Insert `rows` cells into the emptied table at once; binds as [`UPSERT_CELL`], row by row.
pub(crate) fn insert_cells(rows: usize) -> String {
    let width = 5 + N;
    let values: Vec<String> = (0..rows)
        .map(|r| format!("({})", placeholders(1 + r * width, width)))
        .collect();
    format!(
        "INSERT INTO board_cells (grain, dim, bucket, categories, key_classes, {}) VALUES {}",
        measure_list(""),
        values.join(", ")
    )
}

/// A case's stored fact: day, batch, division, categories, key classes, unit, measures.
pub(crate) static SELECT_FACT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT day, batch, division, categories, key_classes, unit, {} FROM board_facts WHERE case_id = $1",
        measure_list("")
    )
});

pub(crate) fn fact_of_row(ints: [i64; 5], unit: String, m: [i64; N]) -> Fact {
    Fact {
        day: i32::try_from(ints[0]).unwrap_or(0),
        batch: ints[1],
        division: u32::try_from(ints[2]).unwrap_or(0),
        categories: ints[3],
        key_classes: ints[4],
        unit,
        measures: Measures::from_array(m),
    }
}

/// One grouped query: rows of (group key as text, the summed measures).
#[derive(Debug)]
pub(super) struct Query {
    pub(super) panel: Panel,
    pub(super) sql: String,
    pub(super) args: Vec<Arg>,
}

/// Which figure a query's rows feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Panel {
    Categories,
    Batches,
    Days,
    Divisions,
    Units,
}

/// Sums of measures grouped as each panel needs, as read.
#[derive(Debug, Default)]
pub struct BoardData {
    /// By category slice (`i + 1` for `Category::ALL[i]`): a case counts under each of
    /// its categories.
    pub categories: Vec<(i64, Measures)>,
    pub batches: Vec<(i64, Measures)>,
    /// By `yyyymmdd`.
    pub days: Vec<(i64, Measures)>,
    pub divisions: Vec<(u32, Measures)>,
    pub units: Vec<(String, Measures)>,
}

impl BoardData {
    /// Fold rows into the panels, adding rows of the same key (months and edge days).
    pub(super) fn collect(rows: Vec<(Panel, String, Measures)>) -> BoardData {
        let mut maps: BTreeMap<(u8, String), Measures> = BTreeMap::new();
        for (panel, key, m) in rows {
            let e = maps.entry((panel as u8, key)).or_default();
            *e = e.plus(&m);
        }
        let mut out = BoardData::default();
        for ((p, key), m) in maps {
            if m.total == 0 {
                continue;
            }
            let int = key.parse::<i64>().unwrap_or(0);
            match p {
                x if x == Panel::Categories as u8 => out.categories.push((int, m)),
                x if x == Panel::Batches as u8 => out.batches.push((int, m)),
                x if x == Panel::Days as u8 => out.days.push((int, m)),
                x if x == Panel::Divisions as u8 => {
                    out.divisions.push((u32::try_from(int).unwrap_or(0), m));
                }
                _ => out.units.push((key, m)),
            }
        }
        out.batches.sort_by_key(|(b, _)| *b);
        out.days.sort_by_key(|(d, _)| *d);
        out
    }
}

/// Conditions on the categories and key classes of facts (bit sets).
fn class_conditions(f: &BoardFilter, parts: &mut Vec<String>, args: &mut Vec<Arg>) {
    if let Some(bit) = f.category_bit() {
        parts.push("(categories & ?) <> 0".into());
        args.push(Arg::Int(bit));
    }
    match f.key() {
        None => {}
        Some(KeyFilter::Any) => parts.push("key_classes <> 0".into()),
        Some(KeyFilter::None) => parts.push("key_classes = 0".into()),
        Some(KeyFilter::Class(k)) => {
            parts.push("(key_classes & ?) <> 0".into());
            args.push(Arg::Int(duban_board::fact::key_class_bit(k)));
        }
    }
}

fn grouped(panel: Panel, key: &str, table: &str, parts: Vec<String>, args: Vec<Arg>) -> Query {
    let sums: Vec<String> = Measures::COLUMNS
        .iter()
        .map(|c| format!("CAST(SUM({c}) AS BIGINT)"))
        .collect();
    Query {
        panel,
        sql: format!(
            "SELECT {key}, {} FROM {table}{} GROUP BY 1",
            sums.join(", "),
            numbered_where(&parts)
        ),
        args,
    }
}

/// A query over the cells of one grain.
fn on_cells(
    f: &BoardFilter,
    panel: Panel,
    key: &str,
    grain: i64,
    dim: DimMatch,
    buckets: (i64, i64),
) -> Query {
    let mut parts = vec!["grain = ?".to_owned()];
    let mut args = vec![Arg::Int(grain)];
    match dim {
        DimMatch::All => {}
        DimMatch::Exact(d) => {
            parts.push("dim = ?".into());
            args.push(Arg::Text(d));
        }
        DimMatch::Range(lo, hi) => {
            parts.push("dim >= ? AND dim < ?".into());
            args.extend([Arg::Text(lo), Arg::Text(hi)]);
        }
    }
    parts.push("bucket >= ? AND bucket <= ?".into());
    args.extend([Arg::Int(buckets.0), Arg::Int(buckets.1)]);
    let (cat, key_slice) = slice_of(f);
    if panel == Panel::Categories && f.category().is_none() {
        // Each category's own slice; IN lets both databases seek each one.
        let n = duban_case::model::Category::ALL.len();
        parts.push(format!("categories IN ({})", vec!["?"; n].join(", ")));
        args.extend((1..=n as i64).map(Arg::Int));
    } else {
        parts.push("categories = ?".into());
        args.push(Arg::Int(cat));
    }
    parts.push("key_classes = ?".into());
    args.push(Arg::Int(key_slice));
    grouped(panel, key, "board_cells", parts, args)
}

/// A query over the facts of cases received in `days`.
fn on_facts(f: &BoardFilter, panel: Panel, key: &str, days: (i64, i64)) -> Query {
    let mut parts = vec!["day >= ? AND day <= ?".to_owned()];
    let mut args = vec![Arg::Int(days.0), Arg::Int(days.1)];
    if let Some(b) = f.batch() {
        parts.push("batch = ?".into());
        args.push(Arg::Int(i64::from(b)));
    }
    if let Some(c) = f.city() {
        parts.push("division >= ? AND division < ?".into());
        args.extend([Arg::Int(i64::from(c)), Arg::Int(i64::from(c) + 100)]);
    }
    class_conditions(f, &mut parts, &mut args);
    grouped(panel, key, "board_facts", parts, args)
}

enum DimMatch {
    All,
    Exact(String),
    Range(String, String),
}

/// The queries that answer the board for `f`. Figures by day come from day cells; the
/// map and the units from month cells for the whole months of the range and from the
/// cases themselves for the days around them, or for a single batch.
pub(super) fn plan(f: &BoardFilter) -> Vec<Query> {
    let (from, to) = f.day_range();
    let days = (i64::from(from), i64::from(to));
    let mut out = Vec::new();
    // Categories, batches and days.
    let (grain, dim, batch_key) = match (f.city(), f.batch()) {
        (None, None) => (GRAIN_DAY_BATCH, DimMatch::All, "dim"),
        (None, Some(b)) => (GRAIN_DAY_BATCH, DimMatch::Exact(b.to_string()), "dim"),
        (Some(c), None) => (
            GRAIN_DAY_CITY_BATCH,
            DimMatch::Range(format!("{c}:"), format!("{c};")),
            "substr(dim, 8)",
        ),
        (Some(c), Some(b)) => (
            GRAIN_DAY_CITY_BATCH,
            DimMatch::Exact(format!("{c}:{b}")),
            "substr(dim, 8)",
        ),
    };
    let same_dim = |d: &DimMatch| match d {
        DimMatch::All => DimMatch::All,
        DimMatch::Exact(s) => DimMatch::Exact(s.clone()),
        DimMatch::Range(a, b) => DimMatch::Range(a.clone(), b.clone()),
    };
    out.push(on_cells(
        f,
        Panel::Categories,
        "CAST(categories AS TEXT)",
        grain,
        same_dim(&dim),
        days,
    ));
    out.push(on_cells(
        f,
        Panel::Batches,
        batch_key,
        grain,
        same_dim(&dim),
        days,
    ));
    out.push(on_cells(
        f,
        Panel::Days,
        "CAST(bucket AS TEXT)",
        grain,
        dim,
        days,
    ));
    // The map and the units.
    if f.batch().is_some() {
        out.push(on_facts(
            f,
            Panel::Divisions,
            "CAST(division AS TEXT)",
            days,
        ));
        out.push(on_facts(f, Panel::Units, "unit", days));
        return out;
    }
    let s = split(from, to);
    if let Some((m0, m1)) = s.months {
        let months = (i64::from(m0), i64::from(m1));
        let (div_dim, unit_dim) = match f.city() {
            None => (DimMatch::All, DimMatch::All),
            Some(c) => (
                DimMatch::Range(c.to_string(), (c + 100).to_string()),
                DimMatch::Range(format!("{c}:"), format!("{c};")),
            ),
        };
        out.push(on_cells(
            f,
            Panel::Divisions,
            "dim",
            GRAIN_MONTH_DIVISION,
            div_dim,
            months,
        ));
        out.push(on_cells(
            f,
            Panel::Units,
            "substr(dim, 8)",
            GRAIN_MONTH_UNIT,
            unit_dim,
            months,
        ));
    }
    for (a, b) in s.days {
        let edge = (i64::from(a), i64::from(b));
        out.push(on_facts(
            f,
            Panel::Divisions,
            "CAST(division AS TEXT)",
            edge,
        ));
        out.push(on_facts(f, Panel::Units, "unit", edge));
    }
    out
}

impl<DB: Db> SqlStore<DB> {
    /// Replace the cases' board facts; returns how their figures move between cells
    /// (the writer adds them for its whole group, in key order).
    pub(super) async fn write_board(
        tx: &mut sqlx::Transaction<'static, DB>,
        cases: &[&Case],
        may_exist: bool,
    ) -> StoreResult<Cells> {
        let mut deltas = BTreeMap::new();
        for case in cases {
            let id = case.id().to_string();
            let new = &Fact::of(case);
            let old = if may_exist {
                let row = sql::<DB>(sqlx::AssertSqlSafe(SELECT_FACT.as_str()))
                    .bind(&id)
                    .fetch_optional(&mut *tx)
                    .await?;
                match row {
                    None => None,
                    Some(r) => {
                        let mut ints = [0i64; 5];
                        for (i, v) in ints.iter_mut().enumerate() {
                            *v = r.get(i)?;
                        }
                        let unit: String = r.get(5)?;
                        let mut m = [0i64; N];
                        for (i, v) in m.iter_mut().enumerate() {
                            *v = r.get(6 + i)?;
                        }
                        Some(fact_of_row(ints, unit, m))
                    }
                }
            } else {
                None
            };
            if old.as_ref() == Some(new) {
                continue;
            }
            add_delta(&mut deltas, old.as_ref(), Some(new));
            let mut q = sql::<DB>(sqlx::AssertSqlSafe(UPSERT_FACT.as_str()))
                .bind(&id)
                .bind(i64::from(new.day))
                .bind(new.batch)
                .bind(i64::from(new.division))
                .bind(new.categories)
                .bind(new.key_classes)
                .bind(&new.unit);
            for v in new.measures.to_array() {
                q = q.bind(v);
            }
            q.execute(&mut *tx).await?;
        }
        Ok(deltas)
    }

    /// Add a group's cell deltas, each cell once, in key order.
    pub(super) async fn add_to_cells(
        tx: &mut sqlx::Transaction<'static, DB>,
        deltas: Cells,
    ) -> StoreResult<()> {
        for ((grain, dim, bucket, cats, keys), m) in deltas {
            if m.is_zero() {
                continue;
            }
            let mut q = sql::<DB>(sqlx::AssertSqlSafe(UPSERT_CELL.as_str()))
                .bind(grain)
                .bind(dim)
                .bind(bucket)
                .bind(cats)
                .bind(keys);
            for v in m.to_array() {
                q = q.bind(v);
            }
            q.execute(&mut *tx).await?;
        }
        Ok(())
    }

    pub(super) async fn board(&self, f: &BoardFilter) -> StoreResult<BoardData> {
        let mut rows = Vec::new();
        for q in plan(f) {
            let found = sql::<DB>(sqlx::AssertSqlSafe(q.sql))
                .bind_args(&q.args)
                .fetch_all(&self.pool)
                .await?;
            for r in found {
                let key: Option<String> = r.get(0)?;
                let mut m = [0i64; N];
                for (i, v) in m.iter_mut().enumerate() {
                    *v = r.get::<Option<i64>>(1 + i)?.unwrap_or(0);
                }
                rows.push((q.panel, key.unwrap_or_default(), Measures::from_array(m)));
            }
        }
        Ok(BoardData::collect(rows))
    }

    pub(super) async fn rebuild_board(&self, force: bool) -> StoreResult<Option<u64>> {
        const LAYOUT: &str = "2";
        let current: Option<String> =
            sql::<DB>("SELECT value FROM meta WHERE key = 'board_layout'")
                .scalar_optional(&self.pool)
                .await?;
        if !force && current.as_deref() == Some(LAYOUT) {
            return Ok(None);
        }
        let mut tx = self.pool.begin().await?;
        sql::<DB>("DELETE FROM board_cells")
            .execute(&mut tx)
            .await?;
        sql::<DB>("DELETE FROM board_facts")
            .execute(&mut tx)
            .await?;
        // Sum every case's cells in memory and write each cell once: upserting per page
        // left PostgreSQL a dead row per update, which slowed every later read.
        let mut deltas = BTreeMap::new();
        let mut after = String::new();
        let mut counted = 0u64;
        loop {
            let rows =
                sql::<DB>("SELECT id, state FROM cases WHERE id > $1 ORDER BY id LIMIT 2000")
                    .bind(&after)
                    .fetch_all(&mut tx)
                    .await?;
            let Some(last) = rows.last() else { break };
            after = last.get(0)?;
            let mut facts = Vec::with_capacity(rows.len());
            for r in &rows {
                let id: String = r.get(0)?;
                let case: Case = serde_json::from_str(&r.get::<String>(1)?)?;
                let fact = Fact::of(&case);
                add_delta(&mut deltas, None, Some(&fact));
                facts.push((id, fact));
            }
            for chunk in facts.chunks(RECOUNT_ROWS) {
                let mut q = sql::<DB>(sqlx::AssertSqlSafe(insert_facts(chunk.len())));
                for (id, f) in chunk {
                    q = q
                        .bind(id)
                        .bind(i64::from(f.day))
                        .bind(f.batch)
                        .bind(i64::from(f.division))
                        .bind(f.categories)
                        .bind(f.key_classes)
                        .bind(&f.unit);
                    for v in f.measures.to_array() {
                        q = q.bind(v);
                    }
                }
                q.execute(&mut tx).await?;
            }
            counted += rows.len() as u64;
        }
        let cells: Vec<_> = deltas.into_iter().filter(|(_, m)| !m.is_zero()).collect();
        for chunk in cells.chunks(RECOUNT_ROWS) {
            let mut q = sql::<DB>(sqlx::AssertSqlSafe(insert_cells(chunk.len())));
            for ((grain, dim, bucket, cats, keys), m) in chunk {
                q = q
                    .bind(*grain)
                    .bind(dim)
                    .bind(*bucket)
                    .bind(*cats)
                    .bind(*keys);
                for v in m.to_array() {
                    q = q.bind(v);
                }
            }
            q.execute(&mut tx).await?;
        }
        sql::<DB>(
            "INSERT INTO meta (key, value) VALUES ('board_layout', $1) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(LAYOUT)
        .execute(&mut tx)
        .await?;
        Self::commit(tx).await?;
        // Fresh statistics for the planner; on PostgreSQL also the visibility map, which
        // the covering index needs to answer the edge days from the index alone.
        let tidy = match DB::KIND {
            Kind::Postgres => "VACUUM ANALYZE board_cells, board_facts",
            Kind::Sqlite => "ANALYZE board_cells",
        };
        sql::<DB>(tidy).execute(&self.pool).await?;
        Ok(Some(counted))
    }
}
