//! Division shapes and their projection to SVG.
//!
//! The shapes are GeoJSON (`data/geo/jiangsu.geojson`): one feature per city and per
//! county, with properties `code`, `name`, `city` and `level`. A province this size
//! (about 5° by 4.5°) draws well in a plate carrée scaled by the cosine of its middle
//! latitude; nothing fancier is needed for a board.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct FeatureCollection {
    pub features: Vec<Feature>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Feature {
    pub properties: Properties,
    pub geometry: Geometry,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Properties {
    pub code: u32,
    pub name: String,
    pub city: u32,
    pub level: Level,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    City,
    County,
}

type Ring = Vec<[f64; 2]>;

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", content = "coordinates")]
pub enum Geometry {
    Polygon(Vec<Ring>),
    MultiPolygon(Vec<Vec<Ring>>),
}

impl Geometry {
    fn rings(&self) -> Box<dyn Iterator<Item = &Ring> + '_> {
        match self {
            Geometry::Polygon(p) => Box::new(p.iter()),
            Geometry::MultiPolygon(m) => Box::new(m.iter().flatten()),
        }
    }
}

impl FeatureCollection {
    pub fn parse(json: &str) -> Result<FeatureCollection, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// The features of one level, optionally only those of one city.
    pub fn of_level(&self, level: Level, city: Option<u32>) -> Vec<&Feature> {
        self.features
            .iter()
            .filter(|f| f.properties.level == level)
            .filter(|f| city.is_none_or(|c| f.properties.city == c))
            .collect()
    }
}

/// A projection fitted to some features: lon/lat to SVG user units, north up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    lon0: f64,
    lat0: f64,
    scale: f64,
    kx: f64,
    pub width: f64,
    pub height: f64,
}

impl Frame {
    /// Fit `features` into `width` units wide with `margin` on every side; the height
    /// follows the shapes' aspect.
    pub fn fit(features: &[&Feature], width: f64, margin: f64) -> Frame {
        let (mut w, mut s, mut e, mut n) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for p in features.iter().flat_map(|f| f.geometry.rings()).flatten() {
            w = w.min(p[0]);
            e = e.max(p[0]);
            s = s.min(p[1]);
            n = n.max(p[1]);
        }
        if w > e {
            // Nothing to fit: a unit square.
            (w, s, e, n) = (0.0, 0.0, 1.0, 1.0);
        }
        let kx = ((s + n) / 2.0).to_radians().cos();
        let span_x = ((e - w) * kx).max(1e-9);
        let span_y = (n - s).max(1e-9);
        let scale = (width - 2.0 * margin) / span_x;
        Frame {
            lon0: w,
            lat0: n,
            scale,
            kx,
            width,
            height: span_y * scale + 2.0 * margin,
        }
        .shifted(margin)
    }

    fn shifted(mut self, margin: f64) -> Frame {
        // Move the origin so (w, n) lands at (margin, margin).
        self.lon0 -= margin / (self.scale * self.kx);
        self.lat0 += margin / self.scale;
        self
    }

    pub fn point(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            (lon - self.lon0) * self.kx * self.scale,
            (self.lat0 - lat) * self.scale,
        )
    }

    /// The SVG path data of a shape, to a tenth of a unit, consecutive duplicate points
    /// dropped.
    pub fn path(&self, g: &Geometry) -> String {
        use std::fmt::Write as _;
        let mut d = String::new();
        for ring in g.rings() {
            let mut last: Option<(i64, i64)> = None;
            let mut first = true;
            for p in ring {
                let (x, y) = self.point(p[0], p[1]);
                let q = ((x * 10.0).round() as i64, (y * 10.0).round() as i64);
                if last == Some(q) {
                    continue;
                }
                last = Some(q);
                let cmd = if first { 'M' } else { 'L' };
                first = false;
                let _ = write!(d, "{cmd}{} {}", tenths(q.0), tenths(q.1));
            }
            if !first {
                d.push('Z');
            }
        }
        d
    }
}

fn tenths(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    if a.is_multiple_of(10) {
        format!("{sign}{}", a / 10)
    } else {
        format!("{sign}{}.{}", a / 10, a % 10)
    }
}
