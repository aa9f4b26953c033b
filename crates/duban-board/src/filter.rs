//! The board's filter, as it travels in the URL (`?batch=3&from=2023-07-01&key=any`).

use chrono::{Datelike as _, NaiveDate};
use duban_case::model::{Category, KeyClass};
use serde::{Deserialize, Serialize};

use crate::error::BoardError;
use crate::fact::{category_bit, day_number, key_class_bit};

/// The filter as typed: every field a string, empty for "all".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BoardQuery {
    pub batch: String,
    pub from: String,
    pub to: String,
    pub category: String,
    /// `any` (every key case), `none` (ordinary cases only) or a key class code.
    pub key: String,
    /// A city code (320100): the map shows its districts and every figure is the city's.
    pub city: String,
}

/// Which cases by key class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFilter {
    Any,
    None,
    Class(KeyClass),
}

/// A parsed filter; only valid filters exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BoardFilter {
    batch: Option<u32>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    category: Option<Category>,
    key: Option<KeyFilter>,
    city: Option<u32>,
}

/// Years a filter date may name: four digits, so that every day is a positive
/// `yyyymmdd` number within the open ends of [`BoardFilter::day_range`] (chrono
/// also reads `-262143-01-01` and `+262142-12-31`, whose day numbers overflow).
const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

fn date(field: &'static str, raw: &str) -> Result<Option<NaiveDate>, BoardError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .filter(|d| YEARS.contains(&d.year()))
        .map(Some)
        .ok_or_else(|| BoardError::DateInvalid {
            field,
            value: raw.to_owned(),
        })
}

impl BoardFilter {
    /// Every error of the query, not just the first.
    pub fn parse(q: &BoardQuery) -> Result<BoardFilter, Vec<BoardError>> {
        let mut errs = Vec::new();
        let batch = match q.batch.trim() {
            "" => None,
            b => match b.parse::<u32>() {
                Ok(n) if n >= 1 => Some(n),
                _ => {
                    errs.push(BoardError::BatchInvalid {
                        value: b.to_owned(),
                    });
                    None
                }
            },
        };
        let from = date("from", &q.from)
            .map_err(|e| errs.push(e))
            .ok()
            .flatten();
        let to = date("to", &q.to).map_err(|e| errs.push(e)).ok().flatten();
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            errs.push(BoardError::RangeReversed);
        }
        let category = match q.category.trim() {
            "" => None,
            c => match c.parse::<Category>() {
                Ok(c) => Some(c),
                Err(()) => {
                    errs.push(BoardError::CategoryUnknown {
                        value: c.to_owned(),
                    });
                    None
                }
            },
        };
        let key = match q.key.trim() {
            "" => None,
            "any" => Some(KeyFilter::Any),
            "none" => Some(KeyFilter::None),
            k => match k.parse::<KeyClass>() {
                Ok(k) => Some(KeyFilter::Class(k)),
                Err(()) => {
                    errs.push(BoardError::KeyClassUnknown {
                        value: k.to_owned(),
                    });
                    None
                }
            },
        };
        let city = match q.city.trim() {
            "" => None,
            c => {
                let known = c
                    .parse::<u32>()
                    .ok()
                    .filter(|code| duban_divisions::cities().any(|d| d.code().as_u32() == *code));
                if known.is_none() {
                    errs.push(BoardError::CityUnknown {
                        value: c.to_owned(),
                    });
                }
                known
            }
        };
        if errs.is_empty() {
            Ok(BoardFilter {
                batch,
                from,
                to,
                category,
                key,
                city,
            })
        } else {
            Err(errs)
        }
    }

    /// The query that parses back to this filter (for links and the URL).
    pub fn to_query(&self) -> BoardQuery {
        BoardQuery {
            batch: self.batch.map(|b| b.to_string()).unwrap_or_default(),
            from: self.from.map(|d| d.to_string()).unwrap_or_default(),
            to: self.to.map(|d| d.to_string()).unwrap_or_default(),
            category: self
                .category
                .map(|c| c.code().to_owned())
                .unwrap_or_default(),
            key: match self.key {
                None => String::new(),
                Some(KeyFilter::Any) => "any".into(),
                Some(KeyFilter::None) => "none".into(),
                Some(KeyFilter::Class(k)) => k.code().into(),
            },
            city: self.city.map(|c| c.to_string()).unwrap_or_default(),
        }
    }

    pub fn batch(&self) -> Option<u32> {
        self.batch
    }
    pub fn from(&self) -> Option<NaiveDate> {
        self.from
    }
    pub fn to(&self) -> Option<NaiveDate> {
        self.to
    }
    pub fn category(&self) -> Option<Category> {
        self.category
    }
    pub fn key(&self) -> Option<KeyFilter> {
        self.key
    }
    pub fn city(&self) -> Option<u32> {
        self.city
    }

    /// The same filter for one city (drilling into the map).
    pub fn in_city(mut self, city: Option<u32>) -> BoardFilter {
        self.city = city;
        self
    }

    /// The day range as `yyyymmdd` numbers, open ends as the widest days.
    pub fn day_range(&self) -> (i32, i32) {
        (
            self.from.map_or(0, day_number),
            self.to.map_or(99_991_231, day_number),
        )
    }

    /// The category bit to test, if any.
    pub fn category_bit(&self) -> Option<i64> {
        self.category.map(category_bit)
    }

    /// Whether a case with these key-class bits passes.
    pub fn passes_key(&self, key_bits: i64) -> bool {
        match self.key {
            None => true,
            Some(KeyFilter::Any) => key_bits != 0,
            Some(KeyFilter::None) => key_bits == 0,
            Some(KeyFilter::Class(k)) => key_bits & key_class_bit(k) != 0,
        }
    }

    /// Whether a division lies in the filter's city.
    pub fn passes_division(&self, division: u32) -> bool {
        self.city
            .is_none_or(|c| crate::fact::city_of(division) == c)
    }
}
