//! Jiangsu province (江苏省) administrative divisions: GB/T 2260 six-digit codes and
//! names for the province, its 13 prefecture-level cities and their 95 county-level
//! divisions, as static data with lookup by code and by name.
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
    pub fn full_name(&self) -> String {
        match (self.level, self.city()) {
            (Level::County, Some(city)) => format!("{}{}", city.name, self.name),
            _ => self.name.to_owned(),
        }
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
    /// Whether `self` is `other` or lies below it in the tree.
    pub fn is_within(&self, other: &Division) -> bool {
        match other.level {
            Level::Province => self.code / 10_000 == other.code / 10_000,
            Level::City => self.code / 100 == other.code / 100,
            Level::County => self.code == other.code,
        }
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
    // The table is sorted by code.
    data::DIVISIONS
        .binary_search_by_key(&code, |d| d.code)
        .ok()
        .map(|i| &data::DIVISIONS[i])
}

/// Every division, sorted by code; the province first.
pub fn all() -> &'static [Division] {
    data::DIVISIONS
}

/// The 13 prefecture-level cities.
pub fn cities() -> impl Iterator<Item = &'static Division> {
    data::DIVISIONS.iter().filter(|d| d.level == Level::City)
}

/// The direct children of a division.
pub fn children(code: DivisionCode) -> impl Iterator<Item = &'static Division> {
    data::DIVISIONS
        .iter()
        .filter(move |d| d.parent().map(|p| p.code) == Some(code.0))
}

/// Look a division up by its name: exact (`昆山市`), or with its city prefixed
/// (`南京市鼓楼区`). A bare name shared by two divisions (`鼓楼区`) is ambiguous and
/// gives `None`.
pub fn by_name(name: &str) -> Option<&'static Division> {
    let name = name.trim();
    let mut exact = data::DIVISIONS.iter().filter(|d| d.name == name);
    if let Some(first) = exact.next() {
        return if exact.next().is_none() {
            Some(first)
        } else {
            None
        };
    }
    data::DIVISIONS
        .iter()
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
        assert_eq!(children(nanjing).count(), 11);
        let xuanwu = by_name("玄武区").expect("xuanwu");
        assert!(xuanwu.is_within(nanjing.division()));
        assert!(!xuanwu.is_within(by_name("无锡市").expect("wuxi")));
        assert_eq!(DivisionCode::JIANGSU.short(), "32");
        assert_eq!(nanjing.short(), "3201");
    }

    #[test]
    fn serde_round_trip() {
        let c: DivisionCode = serde_json::from_str("\"3211\"").expect("parse");
        assert_eq!(serde_json::to_string(&c).expect("ser"), "\"321100\"");
        assert!(serde_json::from_str::<DivisionCode>("\"9999\"").is_err());
    }
}
