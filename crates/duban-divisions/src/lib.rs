//! Jiangsu province (江苏省) administrative divisions: GB/T 2260 six-digit codes and
//! names for the province, its 13 prefecture-level cities and their 95 county-level
//! divisions, as static data with lookup by code and by name; and the functional zones
//! (功能区: 苏州工业园区, 南京江北新区, the development zones) as places of their own,
//! each with a code, its city (and county when it lies inside one) and the names lists
//! write for it ([`zones`], [`Division::is_zone`]).
//!
//! Codes may be given in short form: `"32"` is the province, `"3211"` is 镇江市
//! (`321100`), `"321102"` is 京口区. They serialize as six-digit strings.
//!
//! ```
//! use duban_divisions::{DivisionCode, Level};
//!
//! let code: DivisionCode = "3211".parse().unwrap();
//! assert_eq!(code.as_str(), "321100");
//! let zhenjiang = code.division();
//! assert_eq!(zhenjiang.name(), "镇江市");
//! assert_eq!(zhenjiang.level(), Level::City);
//!
//! let kunshan = duban_divisions::by_name("昆山市").unwrap();
//! assert_eq!(kunshan.city().map(|c| c.name()), Some("苏州市"));
//! assert_eq!(duban_divisions::cities().count(), 13);
//! ```
//!
//! Invariant: no IO, no dependencies beyond serde; the data is compiled in.

mod data;

use std::fmt;
use std::str::FromStr;

/// Level in the administrative tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 省
    Province,
    /// 地级市
    City,
    /// 县级: district (区), county (县) or county-level city (县级市)
    County,
}

/// One division.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Division {
    code: u32,
    name: &'static str,
    level: Level,
    lat: f64,
    lon: f64,
    /// The parent's code when it is not the arithmetic one (a zone inside a county).
    parent: u32,
    /// A functional zone (功能区) rather than a GB/T 2260 division.
    zone: bool,
    /// Other names that stand alone (`昆山开发区`, `苏州高新区` for 虎丘区).
    aliases: &'static [&'static str],
    /// Names meaningful only after the parent's name (`开发区` in `昆山市开发区`).
    local_names: &'static [&'static str],
}

impl Division {
    /// The six-digit code.
    pub fn code(&self) -> DivisionCode {
        DivisionCode(self.code)
    }
    /// The official Chinese name (e.g. `镇江市`).
    pub fn name(&self) -> &'static str {
        self.name
    }
    /// Name with its city prefixed for county-level divisions (`苏州市昆山市`), so that
    /// same-named districts such as 南京 and 徐州's 鼓楼区 are told apart.
    /// A zone whose name starts with its city's (`苏州工业园区`) is its own full name.
    pub fn full_name(&self) -> String {
        match (self.level, self.city()) {
            (Level::County, Some(city))
                if !(self.zone && self.name.starts_with(city.name.trim_end_matches('市'))) =>
            {
                format!("{}{}", city.name, self.name)
            }
            _ => self.name.to_owned(),
        }
    }
    /// Whether this is a functional zone (功能区: development zone, new area, industrial
    /// park) rather than a GB/T 2260 division. A zone is county-level: its city is the
    /// city its code starts with, and it may lie inside a county ([`Division::parent`]).
    pub fn is_zone(&self) -> bool {
        self.zone
    }
    /// Other names by which lists know the place, each meaningful alone.
    pub fn aliases(&self) -> &'static [&'static str] {
        self.aliases
    }
    /// Names meaningful only after the parent's (`开发区`: `昆山市开发区`).
    pub fn local_names(&self) -> &'static [&'static str] {
        self.local_names
    }
    pub fn level(&self) -> Level {
        self.level
    }
    /// Approximate seat of government (latitude, longitude; WGS-84).
    pub fn centroid(&self) -> (f64, f64) {
        (self.lat, self.lon)
    }
    /// The parent division (`None` for the province).
    pub fn parent(&self) -> Option<&'static Division> {
        if self.parent != 0 {
            return find(self.parent);
        }
        match self.level {
            Level::Province => None,
            Level::City => find(self.code / 10_000 * 10_000),
            Level::County => find(self.code / 100 * 100),
        }
    }
    /// The prefecture-level city this division belongs to, or itself when it is one.
    pub fn city(&self) -> Option<&'static Division> {
        match self.level {
            Level::Province => None,
            Level::City | Level::County => find(self.code / 100 * 100),
        }
    }
    /// Whether `self` is `other` or lies below it in the tree (a zone inside 昆山市
    /// lies within 昆山市, 苏州市 and the province).
    pub fn is_within(&self, other: &Division) -> bool {
        let mut at = Some(self);
        while let Some(d) = at {
            if d.code == other.code {
                return true;
            }
            at = d.parent();
        }
        false
    }
}

/// A known Jiangsu division code, normalized to six digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DivisionCode(u32);

/// Why a text is not a known division code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseDivisionError {
    /// Not 2, 4 or 6 ASCII digits.
    Malformed,
    /// Well-formed but not a Jiangsu division.
    Unknown,
}

impl fmt::Display for ParseDivisionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Malformed => "division code must be 2, 4 or 6 digits",
            Self::Unknown => "unknown Jiangsu division code",
        })
    }
}

impl std::error::Error for ParseDivisionError {}

impl DivisionCode {
    /// The province, 江苏省 (`320000`).
    pub const JIANGSU: DivisionCode = DivisionCode(320000);

    /// The division this code names (always present: codes are only made from data).
    pub fn division(self) -> &'static Division {
        find(self.0).unwrap_or(&data::DIVISIONS[0])
    }
    /// The code as a number (e.g. `321100`).
    pub fn as_u32(self) -> u32 {
        self.0
    }
    /// The six-digit form (`"321100"`).
    pub fn as_str(self) -> String {
        self.0.to_string()
    }
    /// The shortest form used in routing rules: `"32"`, `"3211"` or `"321102"`.
    pub fn short(self) -> String {
        match self.division().level {
            Level::Province => (self.0 / 10_000).to_string(),
            Level::City => (self.0 / 100).to_string(),
            Level::County => self.0.to_string(),
        }
    }
}

impl FromStr for DivisionCode {
    type Err = ParseDivisionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if !matches!(s.len(), 2 | 4 | 6) || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseDivisionError::Malformed);
        }
        let n: u32 = s.parse().map_err(|_| ParseDivisionError::Malformed)?;
        let six = match s.len() {
            2 => n * 10_000,
            4 => n * 100,
            _ => n,
        };
        find(six)
            .map(|d| DivisionCode(d.code))
            .ok_or(ParseDivisionError::Unknown)
    }
}

impl TryFrom<u32> for DivisionCode {
    type Error = ParseDivisionError;
    fn try_from(n: u32) -> Result<Self, Self::Error> {
        find(n)
            .map(|d| DivisionCode(d.code))
            .ok_or(ParseDivisionError::Unknown)
    }
}

impl fmt::Display for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:06}", self.0)
    }
}

impl serde::Serialize for DivisionCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for DivisionCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

fn find(code: u32) -> Option<&'static Division> {
    // Both tables are sorted by code.
    [data::DIVISIONS, data::ZONES]
        .into_iter()
        .find_map(|table| {
            table
                .binary_search_by_key(&code, |d| d.code)
                .ok()
                .and_then(|i| table.get(i))
        })
}

/// Every GB/T 2260 division, sorted by code; the province first. Zones are not among
/// them: see [`zones`].
pub fn all() -> &'static [Division] {
    data::DIVISIONS
}

/// The functional zones (功能区), sorted by code (see the data's source notes).
pub fn zones() -> &'static [Division] {
    data::ZONES
}

/// The 13 prefecture-level cities.
pub fn cities() -> impl Iterator<Item = &'static Division> {
    data::DIVISIONS.iter().filter(|d| d.level == Level::City)
}

/// The direct children of a division: its counties, then the zones directly under it.
pub fn children(code: DivisionCode) -> impl Iterator<Item = &'static Division> {
    data::DIVISIONS
        .iter()
        .chain(data::ZONES)
        .filter(move |d| d.parent().map(|p| p.code) == Some(code.0))
}

/// What a picker lists under a city: its counties, then every zone of the city, also
/// those inside one of its counties (`昆山经济技术开发区` under 苏州市).
pub fn places_in(city: DivisionCode) -> impl Iterator<Item = &'static Division> {
    children(city).filter(|d| !d.zone).chain(
        data::ZONES
            .iter()
            .filter(move |z| z.city().map(|c| c.code) == Some(city.0)),
    )
}

/// Look a division or zone up by its name: exact (`昆山市`, `苏州工业园区`), or with its
/// city prefixed (`南京市鼓楼区`). A bare name shared by two divisions (`鼓楼区`) is
/// ambiguous and gives `None`.
pub fn by_name(name: &str) -> Option<&'static Division> {
    let name = name.trim();
    let mut exact = data::DIVISIONS
        .iter()
        .chain(data::ZONES)
        .filter(|d| d.name == name);
    if let Some(first) = exact.next() {
        return if exact.next().is_none() {
            Some(first)
        } else {
            None
        };
    }
    data::DIVISIONS
        .iter()
        .chain(data::ZONES)
        .find(|d| d.level == Level::County && d.full_name() == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_is_sorted_unique_and_well_formed() {
        let all = all();
        assert!(all.windows(2).all(|w| w[0].code < w[1].code));
        assert_eq!(all.iter().filter(|d| d.level == Level::County).count(), 95);
        for d in all {
            assert_eq!(d.code / 10_000, 32);
            if d.level != Level::Province {
                assert!(d.parent().is_some(), "{} has no parent", d.code);
            }
            let (lat, lon) = d.centroid();
            assert!(
                (30.7..35.2).contains(&lat) && (116.3..121.98).contains(&lon),
                "{}",
                d.name
            );
        }
    }

    #[test]
    fn parses_short_and_long_codes() {
        assert_eq!("32".parse::<DivisionCode>().map(|c| c.as_u32()), Ok(320000));
        assert_eq!(
            "3205".parse::<DivisionCode>().map(|c| c.as_u32()),
            Ok(320500)
        );
        assert_eq!(
            "320583"
                .parse::<DivisionCode>()
                .map(|c| c.division().name()),
            Ok("昆山市")
        );
        assert_eq!(
            "3299".parse::<DivisionCode>(),
            Err(ParseDivisionError::Unknown)
        );
        assert_eq!(
            "110000".parse::<DivisionCode>(),
            Err(ParseDivisionError::Unknown)
        );
        assert_eq!(
            "32a".parse::<DivisionCode>(),
            Err(ParseDivisionError::Malformed)
        );
        assert_eq!(
            "".parse::<DivisionCode>(),
            Err(ParseDivisionError::Malformed)
        );
    }

    #[test]
    fn names_and_tree() {
        assert_eq!(by_name("鼓楼区"), None);
        assert_eq!(by_name("徐州市鼓楼区").map(|d| d.code), Some(320302));
        assert_eq!(children(DivisionCode::JIANGSU).count(), 13);
        let nanjing: DivisionCode = "3201".parse().expect("nanjing");
        assert_eq!(children(nanjing).filter(|d| !d.is_zone()).count(), 11);
        assert_eq!(children(nanjing).count(), 12, "11 districts and 江北新区");
        let xuanwu = by_name("玄武区").expect("xuanwu");
        assert!(xuanwu.is_within(nanjing.division()));
        assert!(!xuanwu.is_within(by_name("无锡市").expect("wuxi")));
        assert_eq!(DivisionCode::JIANGSU.short(), "32");
        assert_eq!(nanjing.short(), "3201");
    }

    #[test]
    fn zones_are_places_of_their_cities() {
        let zones = zones();
        assert!(zones.windows(2).all(|w| w[0].code < w[1].code));
        for z in zones {
            assert!(z.is_zone() && z.level() == Level::County, "{}", z.name);
            assert!(find(z.code).is_some_and(|f| f.code == z.code));
            assert!(
                !all().iter().any(|d| d.code == z.code),
                "{} is a division",
                z.code
            );
            let city = z.city().expect("city");
            assert_eq!(city.level(), Level::City);
            assert!(z.is_within(city) && z.is_within(DivisionCode::JIANGSU.division()));
            let (lat, lon) = z.centroid();
            assert!((30.7..35.2).contains(&lat) && (116.3..121.98).contains(&lon));
        }
        let sip: DivisionCode = "320571".parse().expect("苏州工业园区");
        assert_eq!(sip.division().name(), "苏州工业园区");
        assert_eq!(sip.division().full_name(), "苏州工业园区");
        assert_eq!(sip.short(), "320571");
        let suzhou: DivisionCode = "3205".parse().expect("suzhou");
        assert!(children(suzhou).any(|d| d.code == 320571));
        let jiangbei = by_name("江北新区").expect("江北新区");
        assert_eq!(jiangbei.full_name(), "南京市江北新区");
        assert_eq!(by_name("南京市江北新区"), Some(jiangbei));
        // A zone inside a county lies within it, but is none of its city's children.
        let kunshan = by_name("昆山市").expect("kunshan");
        let ksz = by_name("昆山经济技术开发区").expect("昆山开发区");
        assert_eq!(ksz.parent(), Some(kunshan));
        assert!(ksz.is_within(kunshan) && !kunshan.is_within(ksz));
        assert!(!children(suzhou).any(|d| d.code == ksz.code));
        assert!(children(kunshan.code()).any(|d| d.code == ksz.code));
        assert!(!sip.division().is_within(kunshan));
        assert!(places_in(suzhou).any(|d| d.code == ksz.code));
        assert!(places_in(suzhou).any(|d| d.code == 320571));
        assert_eq!(places_in(suzhou).filter(|d| !d.is_zone()).count(), 9);
    }

    #[test]
    fn serde_round_trip() {
        let c: DivisionCode = serde_json::from_str("\"3211\"").expect("parse");
        assert_eq!(serde_json::to_string(&c).expect("ser"), "\"321100\"");
        assert!(serde_json::from_str::<DivisionCode>("\"9999\"").is_err());
    }
}
