//! The map board (挂图作战).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use duban_board::filter::BoardQuery;
use duban_board::geo::FeatureCollection;
use duban_case::Lang;
use duban_case::model::Category;

use crate::endpoint::{Answer::*, Doc, Endpoint, Method};
use crate::endpoint::{Media, Payload, payload};

/// Figures of a set of cases on the map board.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Figures {
    pub total: i64,
    pub key_cases: i64,
    pub open: i64,
    pub overdue: i64,
    /// Closed (or archived) and stage-closed: 办结（含阶段性办结）.
    pub concluded: i64,
    pub closed: i64,
    pub stage_closed: i64,
    /// Repeats merged into a primary; left out of the rates.
    pub merged: i64,
    pub on_time: i64,
    pub late: i64,
    /// Concluded in percent of the cases that count (not merged); None without any.
    pub closure_rate: Option<f64>,
    /// Reported within the limit in percent of concluded cases; None without any.
    pub on_time_rate: Option<f64>,
}

impl Figures {
    pub fn of(m: &duban_board::fact::Measures) -> Figures {
        Figures {
            total: m.total,
            key_cases: m.key_cases,
            open: m.open,
            overdue: m.overdue,
            concluded: m.concluded(),
            closed: m.closed,
            stage_closed: m.stage_closed,
            merged: m.merged,
            on_time: m.on_time,
            late: m.late,
            closure_rate: m.closure_rate(),
            on_time_rate: m.on_time_rate(),
        }
    }
}

/// The outcome totals as the province reports them.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OutcomeTotals {
    /// 办结（含阶段性办结）.
    pub concluded: i64,
    /// 责令整改 (enterprises).
    pub rectification_orders: i64,
    /// 立案处罚.
    pub penalty_cases: i64,
    /// 罚款 in yuan.
    pub fines_yuan: i64,
    /// 立案侦查.
    pub criminal_cases: i64,
    /// 约谈 (officials).
    pub officials_summoned: i64,
    /// 问责 (officials).
    pub officials_accountable: i64,
}

impl OutcomeTotals {
    pub fn of(m: &duban_board::fact::Measures) -> OutcomeTotals {
        OutcomeTotals {
            concluded: m.concluded(),
            rectification_orders: m.rectification_orders,
            penalty_cases: m.penalty_cases,
            fines_yuan: m.fines_yuan,
            criminal_cases: m.criminal_cases,
            officials_summoned: m.officials_summoned,
            officials_accountable: m.officials_accountable,
        }
    }
}

/// A city or county on the board's map.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaFigures {
    pub code: u32,
    pub name: String,
    pub figures: Figures,
}

/// Cases of one category (a case with two categories counts under both).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryCount {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "water"))]
    pub category: Category,
    pub total: i64,
    pub open: i64,
}

/// A bar of the per-batch or per-day chart.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesPoint {
    /// The batch number (0: cases outside any batch) or the day (`2023-07-01`).
    pub key: String,
    pub total: i64,
    pub concluded: i64,
}

/// A lead unit's figures, for the rankings.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitFigures {
    pub unit_id: String,
    pub name: String,
    pub figures: Figures,
}

/// `GET /api/v1/board`: the map board for a filter.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardView {
    /// The filter as understood (normalised), to put back in the URL.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub query: duban_board::filter::BoardQuery,
    pub totals: Figures,
    pub outcomes: OutcomeTotals,
    /// The cities, or the districts of the filter's city.
    pub areas: Vec<AreaFigures>,
    pub categories: Vec<CategoryCount>,
    pub batches: Vec<SeriesPoint>,
    pub days: Vec<SeriesPoint>,
    /// Cases not yet dispatched have no lead unit and are left out.
    pub units: Vec<UnitFigures>,
    pub as_of: DateTime<Utc>,
}

/// Fines as the province words them: 万元 from ten thousand yuan on (`12万元`,
/// `1.25万元`, `800元`).
pub fn fines_text(yuan: i64, lang: Lang) -> String {
    match lang {
        Lang::Zh if yuan >= 10_000 => {
            let s = format!("{:.2}", yuan as f64 / 10_000.0);
            format!("{}万元", s.trim_end_matches('0').trim_end_matches('.'))
        }
        Lang::Zh => format!("{yuan}元"),
        Lang::En => format!("¥{yuan}"),
    }
}

payload!(schema: BoardView);

/// The map board (挂图作战) for a filter.
#[derive(Debug, Clone, Copy)]
pub struct GetBoard;

impl Endpoint for GetBoard {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/board";
    type Path = ();
    type Query = BoardQuery;
    type Body = ();
    type Response = BoardView;
    const DOC: Doc = Doc {
        description: "The map board (挂图作战): totals, outcome totals, areas, categories, batches, days and lead units for a filter. Send the ETag back in If-None-Match; unchanged figures answer 304.",
        answers: &[
            Empty(304, "Unchanged"),
            Refused(
                422,
                "board.from.invalid, board.range.reversed, board.city.unknown …",
            ),
        ],
        ..Doc::new("board")
    };
}

/// Jiangsu's cities and counties as GeoJSON.
#[derive(Debug, Clone, Copy)]
pub struct GeoJiangsu;

impl Endpoint for GeoJiangsu {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v1/geo/jiangsu";
    type Path = ();
    type Query = ();
    type Body = ();
    type Response = FeatureCollection;
    const DOC: Doc = Doc {
        description: "Jiangsu's cities and counties as GeoJSON (properties code, name, city, level); source in data/geo/SOURCE.md.",
        says: "GeoJSON FeatureCollection",
        ..Doc::new("geo_jiangsu")
    };
}

/// The board's filter in the query string: every field a string, empty for "all".
impl crate::endpoint::Params for BoardQuery {
    #[cfg(feature = "openapi")]
    fn parameters() -> Vec<utoipa::openapi::path::Parameter> {
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::{ObjectBuilder, Required, Type};
        let text = || ObjectBuilder::new().schema_type(Type::String);
        let batch = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Int32,
            )))
            .minimum(Some(0));
        [
            ("batch", batch, ""),
            (
                "from",
                text(),
                "Received on or after (YYYY-MM-DD, China time)",
            ),
            ("to", text(), ""),
            ("category", text(), ""),
            ("key", text(), "`any`, `none` or a key class code"),
            ("city", text(), "A city code: its districts and figures"),
        ]
        .into_iter()
        .map(|(name, schema, says)| {
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description((!says.is_empty()).then_some(says))
                .schema(Some(schema))
                .build()
        })
        .collect()
    }
}

/// The map travels as GeoJSON (`application/geo+json`), not as a documented schema.
impl Payload for FeatureCollection {
    const MEDIA: Media = Media::Bytes("application/geo+json");
}
