//! Division names as lists write them (`镇江市京口区`, `京口区`, `昆山`, `江苏省南京市`,
//! `昆山市开发区`) resolved to GB/T 2260 codes with `duban-divisions`.

use std::collections::HashMap;

use duban_divisions::{Division, Level};

/// Why a name did not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Miss {
    Unknown,
    /// A city followed by text that names none of its counties (`镇江市火星区`): taking
    /// the city alone would silently widen the case to the whole city.
    CountyUnknown {
        city: String,
        rest: String,
    },
    /// Full names of the candidates (`南京市鼓楼区`, `徐州市鼓楼区`).
    Ambiguous(Vec<String>),
}

/// The names each division is known by, built once per file.
pub(crate) struct Resolver {
    /// (form, code, tier): tier 0 = official or city-prefixed name, 1 = a short form.
    forms: Vec<(String, u32, u8)>,
    /// Exact lookups, the common case of every row: form → codes of tier 0 and tier 1.
    exact: HashMap<String, [Vec<u32>; 2]>,
}

fn short(name: &str) -> Option<&str> {
    // `京口区` → `京口`, `昆山市` → `昆山`; never below two characters (`盐都区` stays).
    let stem = name
        .strip_suffix('市')
        .or_else(|| name.strip_suffix('区'))
        .or_else(|| name.strip_suffix('县'))?;
    (stem.chars().count() >= 2).then_some(stem)
}

impl Resolver {
    pub fn new() -> Resolver {
        let mut forms = Vec::new();
        for d in duban_divisions::all()
            .iter()
            .chain(duban_divisions::zones())
        {
            let code = d.code().as_u32();
            forms.push((d.name().to_owned(), code, 0));
            forms.extend(d.aliases().iter().map(|a| ((*a).to_owned(), code, 0)));
            if d.level() == Level::County {
                forms.push((d.full_name(), code, 0));
                // Every name after every way of writing the places above it:
                // `南京市江北新区`, `昆山市开发区`, `苏州市昆山市开发区`, `镇江京口区`.
                let names = [d.name()]
                    .iter()
                    .chain(d.aliases())
                    .chain(d.local_names())
                    .copied()
                    .collect::<Vec<_>>();
                for (prefix, tier) in prefixes(d) {
                    for name in &names {
                        forms.push((format!("{prefix}{name}"), code, tier));
                    }
                    // `镇江京口` but not `镇江市京口`, whose `京口去` is a typo to refuse.
                    if let Some(ds) = short(d.name()).filter(|_| tier == 1 && !d.is_zone()) {
                        forms.push((format!("{prefix}{ds}"), code, 1));
                    }
                }
            }
            if let Some(s) = short(d.name()).filter(|_| !d.is_zone()) {
                forms.push((s.to_owned(), code, 1));
            }
            if d.level() == Level::Province {
                forms.push(("江苏".to_owned(), code, 1));
            }
        }
        let mut exact: HashMap<String, [Vec<u32>; 2]> = HashMap::new();
        for (form, code, tier) in &forms {
            let codes = &mut exact.entry(form.clone()).or_default()[usize::from(*tier)];
            if !codes.contains(code) {
                codes.push(*code);
            }
        }
        Resolver { forms, exact }
    }

    /// The code of the division `name` means. Exact names win over short forms; failing
    /// both, the longest known name the text starts with (`昆山市开发区` → 昆山市), which
    /// must be unique and, if more text follows, a county: `南京市江北新区` is refused
    /// rather than read as the whole of 南京市.
    pub fn resolve(&self, name: &str) -> Result<u32, Miss> {
        let name: String = name.chars().filter(|c| !c.is_whitespace()).collect();
        let name = match name
            .strip_prefix("江苏省")
            .or_else(|| name.strip_prefix("江苏"))
        {
            Some(rest) if !rest.is_empty() => rest.to_owned(),
            _ => name,
        };
        for codes in self.exact.get(&name).into_iter().flatten() {
            match codes.as_slice() {
                [] => {}
                [one] => return Ok(*one),
                many => return Err(ambiguous(many)),
            }
        }
        let longest = self
            .forms
            .iter()
            .filter(|(f, _, _)| name.starts_with(f.as_str()))
            .map(|(f, _, _)| f.len())
            .max()
            .ok_or(Miss::Unknown)?;
        let codes = distinct(
            self.forms
                .iter()
                .filter(|(f, _, _)| f.len() == longest && name.starts_with(f.as_str()))
                .map(|(_, c, _)| *c),
        );
        match codes.as_slice() {
            [one] => {
                let rest = name.get(longest..).unwrap_or_default();
                let city = duban_divisions::DivisionCode::try_from(*one)
                    .ok()
                    .map(|c| c.division())
                    .filter(|d| d.level() != Level::County);
                match city {
                    Some(city) if !CITY_LEVEL.contains(&rest) => Err(Miss::CountyUnknown {
                        city: city.name().to_owned(),
                        rest: rest.to_owned(),
                    }),
                    _ => Ok(*one),
                }
            }
            [] => Err(Miss::Unknown),
            many => Err(ambiguous(many)),
        }
    }
}

/// The ways lists write the places above a county-level division or zone, each with
/// its tier: the city (`苏州市`, tier 0; `苏州`, tier 1) and, for a zone inside a county,
/// the county alone or after its city (`昆山市`, `苏州市昆山市`).
fn prefixes(d: &Division) -> Vec<(String, u8)> {
    let mut out = Vec::new();
    let Some(city) = d.city() else {
        return out;
    };
    let mut cities = vec![(city.name().to_owned(), 0)];
    cities.extend(short(city.name()).map(|s| (s.to_owned(), 1)));
    out.extend(cities.iter().cloned());
    if let Some(county) = d.parent().filter(|p| p.level() == Level::County) {
        let mut counties = vec![(county.name().to_owned(), 0)];
        counties.extend(short(county.name()).map(|s| (s.to_owned(), 1)));
        for (c, ct) in &counties {
            out.push((c.clone(), *ct));
            for (p, pt) in &cities {
                out.push((format!("{p}{c}"), (*ct).max(*pt)));
            }
        }
    }
    out
}

/// What lists write after a city to mean the city itself (`南京市本级`, `镇江市区`).
const CITY_LEVEL: &[&str] = &[
    "本级",
    "市本级",
    "市区",
    "市辖区",
    "全市",
    "（市本级）",
    "(市本级)",
];

fn distinct(codes: impl Iterator<Item = u32>) -> Vec<u32> {
    let mut v: Vec<u32> = codes.collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn ambiguous(codes: &[u32]) -> Miss {
    Miss::Ambiguous(
        codes
            .iter()
            .filter_map(|c| duban_divisions::DivisionCode::try_from(*c).ok())
            .map(|c| {
                let d: &Division = c.division();
                d.full_name()
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve() {
        let r = Resolver::new();
        assert_eq!(r.resolve("镇江市京口区"), Ok(321102));
        assert_eq!(r.resolve("京口区"), Ok(321102));
        assert_eq!(r.resolve("京口"), Ok(321102));
        assert_eq!(r.resolve("镇江京口区"), Ok(321102));
        assert_eq!(r.resolve("江苏省镇江市京口区"), Ok(321102));
        assert_eq!(r.resolve("南京市"), Ok(320100));
        assert_eq!(r.resolve("南京"), Ok(320100));
        assert_eq!(r.resolve("昆山市"), Ok(320583));
        assert_eq!(r.resolve("苏州市昆山市"), Ok(320583));
        assert_eq!(r.resolve("江苏省"), Ok(320000));
        assert_eq!(r.resolve("南京市鼓楼区"), Ok(320106));
        assert_eq!(r.resolve("南京市本级"), Ok(320100));
        assert_eq!(r.resolve("南京市江北新区"), Ok(320190));
        assert_eq!(r.resolve("江北新区"), Ok(320190));
        assert_eq!(r.resolve("苏州工业园区"), Ok(320571));
        assert_eq!(r.resolve("苏州市工业园区"), Ok(320571));
        assert_eq!(r.resolve("江苏省苏州工业园区"), Ok(320571));
        assert_eq!(r.resolve("徐州经济技术开发区"), Ok(320371));
        assert_eq!(r.resolve("徐州市经开区"), Ok(320371));
        assert_eq!(r.resolve("昆山开发区"), Ok(320590));
        assert_eq!(r.resolve("苏州市昆山市开发区"), Ok(320590));
        assert_eq!(r.resolve("昆山高新区"), Ok(320591));
        assert_eq!(r.resolve("苏州高新区"), Ok(320505));
        // A zone name with more text after it is still the zone.
        assert_eq!(r.resolve("苏州工业园区娄葑街道"), Ok(320571));
        assert_eq!(
            r.resolve("南京市火星新区"),
            Err(Miss::CountyUnknown {
                city: "南京市".into(),
                rest: "火星新区".into()
            })
        );
        assert_eq!(
            r.resolve("镇江市京口去"),
            Err(Miss::CountyUnknown {
                city: "镇江市".into(),
                rest: "京口去".into()
            })
        );
        assert!(matches!(
            r.resolve("镇江火星区"),
            Err(Miss::CountyUnknown { .. })
        ));
        assert_eq!(r.resolve("昆山市开发区"), Ok(320590));
        assert_eq!(r.resolve("昆山市周市镇"), Ok(320583));
        // Local names mean nothing alone: many zones are a 开发区.
        assert_eq!(r.resolve("开发区"), Err(Miss::Unknown));
        assert!(matches!(r.resolve("鼓楼区"), Err(Miss::Ambiguous(c)) if c.len() == 2));
        assert_eq!(r.resolve("北京市朝阳区"), Err(Miss::Unknown));
        assert_eq!(r.resolve(""), Err(Miss::Unknown));
    }
}
