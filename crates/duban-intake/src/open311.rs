//! Open311 GeoReport v2 service requests (<http://wiki.open311.org/GeoReport_v2>) as
//! case drafts: the `application/x-www-form-urlencoded` body of `POST requests` read
//! into a [`CaseDraft`] (channel `online`, kind `complaint`), its service attributes
//! checked against [`ATTRIBUTES`], its division located from `address_string` or
//! `lat`/`long`. The server's `/open311/v2` (authentication, storage, the answer's JSON
//! or XML) calls these; they hold no HTTP and no IO, so that every decoding decision is
//! testable (and fuzzed) on its own.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use duban_case::Lang;
//! use duban_case::model::Category;
//! use duban_intake::open311;
//!
//! let now = Utc.with_ymd_and_hms(2026, 7, 4, 2, 0, 0).unwrap();
//! let body = "service_code=noise&description=工地夜间施工，噪声扰民严重&address_string=镇江市京口区&attribute[night]=yes";
//! let form = open311::form_pairs(body.as_bytes()).unwrap();
//! assert_eq!(open311::param(&form, "service_code"), Some("noise"));
//! let posted = open311::read_request(&form, Category::Noise, Lang::En, now).unwrap();
//! assert_eq!(posted.draft.division, "321102");
//! let case = open311::new_case(&posted, now).unwrap();
//! assert!(case.content().ends_with("【是否夜间发生】是"));
//!
//! let form = open311::form_pairs(b"service_code=noise&description=short").unwrap();
//! let problems = open311::read_request(&form, Category::Noise, Lang::En, now).unwrap_err();
//! let codes: Vec<&str> = problems.iter().map(|p| p.code.as_str()).collect();
//! assert_eq!(codes, ["attribute.required", "location.required", "content.too_short"]);
//! ```

use duban_core::{CodedError, Key, key};
use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use duban_case::Lang;
use duban_case::draft::{CaseDraft, NewCase};
use duban_case::error::{CaseError, Errors};
use duban_case::model::Category;
use duban_divisions::{Division, DivisionCode, Level};

/// The spec limits a description to 4,000 characters.
pub const DESCRIPTION_MAX: usize = 4000;
pub const MEDIA_URL_MAX: usize = 500;
pub const TARGET_MAX: usize = 100;

/// An attribute of every service's definition; its texts are the catalogue's
/// (duban-text, `open311.attr.*`).
#[derive(Debug)]
pub struct AttributeDef {
    pub code: &'static str,
    pub datatype: &'static str,
    /// The services that require it (night works matter for noise only).
    pub required_for: &'static [Category],
    pub name: Key,
    pub description: Key,
    pub datatype_description: Key,
    /// (key, name) for list types.
    pub values: &'static [(&'static str, Key)],
}

pub const ATTRIBUTES: &[AttributeDef] = &[
    AttributeDef {
        code: "night",
        datatype: "singlevaluelist",
        required_for: &[Category::Noise],
        name: key!("open311.attr.night.name"),
        description: key!("open311.attr.night.description"),
        datatype_description: key!("open311.attr.night.datatype"),
        values: &[
            ("yes", key!("open311.attr.night.yes")),
            ("no", key!("open311.attr.night.no")),
        ],
    },
    AttributeDef {
        code: "target",
        datatype: "string",
        required_for: &[],
        name: key!("open311.attr.target.name"),
        description: key!("open311.attr.target.description"),
        datatype_description: key!("open311.attr.target.datatype"),
        values: &[],
    },
];

/// One problem of a request: a stable code (`location.required`, `content.too_short`)
/// and the message in the language asked for. The server lists it as the spec's
/// `{code: 400, description: "<code>: <message>"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub code: String,
    pub message: String,
}

/// Name/value pairs of a form body or query string, empty values dropped (the spec's
/// "Optional Arguments": empty means absent); `None` when the text does not decode.
pub fn form_pairs(text: &[u8]) -> Option<Vec<(String, String)>> {
    let raw: Vec<(String, String)> = serde_urlencoded::from_bytes(text).ok()?;
    Some(
        raw.into_iter()
            .map(|(k, v)| (k, v.trim().to_owned()))
            .filter(|(_, v)| !v.is_empty())
            .collect(),
    )
}

/// The first value of a parameter.
pub fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// What the connected system posted, checked; the case comes from `draft`.
#[derive(Debug, Clone, PartialEq)]
pub struct Posted {
    pub draft: CaseDraft,
    /// The attributes as lines for the case content (`【是否夜间发生】是`).
    pub attributes: Vec<String>,
    pub media_url: String,
}

/// The case of a request read by [`read_request`]. The description alone is checked
/// first, so that the attribute lines cannot make a too short description long enough;
/// then the attribute lines are appended to the content.
pub fn new_case(posted: &Posted, now: DateTime<Utc>) -> Result<NewCase, Errors> {
    let new = NewCase::parse(&posted.draft, now)?;
    if posted.attributes.is_empty() {
        return Ok(new);
    }
    let mut draft = posted.draft.clone();
    draft.content = format!("{}\n{}", draft.content.trim(), posted.attributes.join("\n"));
    NewCase::parse(&draft, now)
}

/// The posted form as a case draft, or every problem found in it.
pub fn read_request(
    form: &[(String, String)],
    category: Category,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<Posted, Vec<Problem>> {
    let mut errors: Vec<Problem> = Vec::new();
    let mut bad = |code: &str, message: String| {
        errors.push(Problem {
            code: code.to_owned(),
            message,
        });
    };
    let attributes = read_attributes(form, category, lang, &mut bad);

    let description = param(form, "description").map(clean_text);
    if let Some(d) = &description
        && d.chars().count() > DESCRIPTION_MAX
    {
        bad(
            "content.too_long",
            key!("open311.content.too_long").fill(
                lang,
                &[
                    ("max", DESCRIPTION_MAX.to_string()),
                    ("count", d.chars().count().to_string()),
                ],
            ),
        );
    }
    let number = |name: &str, bad: &mut dyn FnMut(&str, String)| -> Option<f64> {
        let v = param(form, name)?;
        match v.parse::<f64>() {
            Ok(n) if n.is_finite() => Some(n),
            _ => {
                bad(
                    "coordinates.invalid",
                    key!("open311.coordinates.invalid").fill(lang, &[("name", name.to_owned())]),
                );
                None
            }
        }
    };
    let lat = number("lat", &mut bad);
    let lon = number("long", &mut bad);
    let address = param(form, "address_string").map(|a| clean(a, usize::MAX));
    let coords = lat.zip(lon);
    let both_given = param(form, "lat").is_some() && param(form, "long").is_some();
    let mut division = String::new();
    if address.is_none() && !both_given {
        if param(form, "address_id").is_some() {
            bad(
                "address_id.unsupported",
                key!("open311.address_id.unsupported").get(lang).to_owned(),
            );
        } else {
            bad(
                "location.required",
                key!("open311.location.required").get(lang).to_owned(),
            );
        }
    } else if address.is_some() || coords.is_some() {
        // (Otherwise the coordinates did not parse, which is reported.)
        match locate(address.as_deref(), coords) {
            Some(d) => division = d.as_str(),
            None => bad(
                "division.unknown",
                key!("open311.division.unknown").get(lang).to_owned(),
            ),
        }
    }
    let media_url = param(form, "media_url").unwrap_or("");
    let media_ok = media_url.is_empty()
        || ((media_url.starts_with("https://") || media_url.starts_with("http://"))
            && media_url.len() <= MEDIA_URL_MAX
            && !media_url
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"')));
    if !media_ok {
        bad(
            "media_url.invalid",
            key!("open311.media_url.invalid").get(lang).to_owned(),
        );
    }
    let name = match (param(form, "first_name"), param(form, "last_name")) {
        (Some(first), Some(last)) if first.is_ascii() && last.is_ascii() => {
            format!("{first} {last}")
        }
        // Chinese order: family name first.
        (first, last) => format!("{}{}", last.unwrap_or(""), first.unwrap_or("")),
    };
    let draft = CaseDraft {
        channel: "online".into(),
        request_kind: "complaint".into(),
        complainant_name: clean(&name, usize::MAX),
        complainant_phone: param(form, "phone").map(phone_of).unwrap_or_default(),
        content: description.unwrap_or_default(),
        address: match (&address, coords) {
            (Some(a), _) => a.clone(),
            (None, Some((lat, lon))) => coordinates_address(&division, lat, lon),
            (None, None) => String::new(),
        },
        division: division.clone(),
        lat,
        lon,
        categories: vec![category.code().to_owned()],
        ..CaseDraft::default()
    };
    // What the form's own parse would say too, so that one answer lists everything.
    if !errors.is_empty() {
        if let Err(e) = NewCase::parse(&draft, now) {
            // An empty division (and an empty address) always comes with a location
            // error of our own.
            let skip = |field: &str| {
                (field == "division" && division.is_empty())
                    || (field == "address" && draft.address.is_empty())
                    || (field == "content" && errors_mention(&errors, "content."))
                    || (field == "coordinates" && errors_mention(&errors, "coordinates."))
            };
            let more: Vec<Problem> = e
                .iter()
                .filter(|e| !skip(&e.field()))
                .map(|e| case_problem(e, lang))
                .collect();
            errors.extend(more);
        }
        return Err(errors);
    }
    Ok(Posted {
        draft,
        attributes,
        media_url: media_url.to_owned(),
    })
}

fn errors_mention(errors: &[Problem], prefix: &str) -> bool {
    errors.iter().any(|e| e.code.starts_with(prefix))
}

/// `attribute[code]=value` pairs (and `attribute[code][]=value`) checked against the
/// definition, as the lines appended to the case content.
fn read_attributes(
    form: &[(String, String)],
    category: Category,
    lang: Lang,
    bad: &mut dyn FnMut(&str, String),
) -> Vec<String> {
    let mut given: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (k, v) in form {
        let Some(rest) = k.strip_prefix("attribute[") else {
            continue;
        };
        match rest.split_once(']') {
            Some((code, "" | "[]")) if !code.is_empty() => {
                given.entry(code).or_default().push(v.as_str());
            }
            _ => bad(
                "attribute.malformed",
                key!("open311.attribute.malformed").fill(lang, &[("name", clean(k, 40))]),
            ),
        }
    }
    let mut lines = Vec::new();
    for (code, values) in &given {
        if !ATTRIBUTES.iter().any(|a| a.code == *code) {
            bad(
                "attribute.unknown",
                key!("open311.attribute.unknown").fill(lang, &[("code", clean(code, 40))]),
            );
        }
        if values.len() > 1 {
            bad(
                "attribute.multiple",
                key!("open311.attribute.multiple").fill(lang, &[("code", clean(code, 40))]),
            );
        }
    }
    for a in ATTRIBUTES {
        let label = a.name.get(lang);
        let named = |more: &[(&'static str, String)]| {
            let mut params = vec![("label", label.to_owned()), ("code", a.code.to_owned())];
            params.extend_from_slice(more);
            params
        };
        let Some(value) = given.get(a.code).and_then(|v| v.first()) else {
            if a.required_for.contains(&category) {
                bad(
                    "attribute.required",
                    key!("open311.attribute.required").fill(lang, &named(&[])),
                );
            }
            continue;
        };
        let text = if a.values.is_empty() {
            let v = clean_text(value).replace('\n', " ");
            if v.chars().count() > TARGET_MAX {
                bad(
                    "attribute.too_long",
                    key!("open311.attribute.too_long")
                        .fill(lang, &named(&[("max", TARGET_MAX.to_string())])),
                );
            }
            v
        } else if let Some(&(_, name)) = a.values.iter().find(|(k, _)| k == value) {
            // The case content is Chinese whatever the client's language.
            name.get(Lang::Zh).to_owned()
        } else {
            let keys: Vec<&str> = a.values.iter().map(|(k, _)| *k).collect();
            let values = keys.join(key!("open311.attribute.or").get(lang));
            bad(
                "attribute.invalid",
                key!("open311.attribute.invalid").fill(lang, &named(&[("values", values)])),
            );
            continue;
        };
        // The case content is Chinese whatever the client's language.
        lines.push(format!("【{}】{text}", a.name.get(Lang::Zh)));
    }
    lines
}

/// A phone number as the form takes it: an international +86 prefix dropped.
fn phone_of(p: &str) -> String {
    let p: String = p.chars().filter(|c| !c.is_whitespace()).collect();
    p.strip_prefix("+86")
        .or_else(|| p.strip_prefix("0086"))
        .unwrap_or(&p)
        .trim_start_matches('-')
        .to_owned()
}

/// An address for a request located by coordinates only.
fn coordinates_address(division: &str, lat: f64, lon: f64) -> String {
    let place = DivisionCode::from_str(division)
        .map(|d| d.division().full_name())
        .unwrap_or_default();
    format!("{place}（坐标 {lat:.5}, {lon:.5} 附近）")
}

/// Which Parameter of the request a case error belongs to.
fn parameter(field: &str) -> &'static str {
    match field.split(['.', '[']).next().unwrap_or("") {
        "content" => "description",
        "address" | "division" => "address_string",
        "coordinates" => "lat/long",
        "categories" => "service_code",
        "complainant" if field.contains("phone") => "phone",
        "complainant" => "first_name/last_name",
        _ => "",
    }
}

/// A case error as a problem of the request, its message naming the parameter it came
/// from (`（参数 description）`).
pub fn case_problem(e: &CaseError, lang: Lang) -> Problem {
    let field = e.field();
    let param = parameter(&field);
    let message = e.message(lang);
    let message = match param {
        "" => message,
        p => key!("open311.parameter")
            .fill(lang, &[("message", message), ("parameter", p.to_owned())]),
    };
    Problem {
        code: e.code().into_owned(),
        message,
    }
}

// ---- the division of a request ----

/// Where a request lies: a Jiangsu code or county named in the address; else the county
/// whose seat is nearest the coordinates (within the city named, if one is); else the
/// city named.
pub fn locate(address: Option<&str>, coords: Option<(f64, f64)>) -> Option<DivisionCode> {
    let address = address.unwrap_or("");
    if let Some(code) = code_in(address) {
        return Some(code);
    }
    let counties = || {
        duban_divisions::all()
            .iter()
            .filter(|d| d.level() == Level::County)
    };
    let cities: Vec<&Division> = duban_divisions::cities()
        .filter(|c| address.contains(c.name()) || address.contains(c.name().trim_end_matches('市')))
        .collect();
    let city = match cities.as_slice() {
        [one] => Some(*one),
        _ => None,
    };
    let in_city = |d: &&Division| city.is_none_or(|c| d.is_within(c));
    let named: Vec<&Division> = counties()
        .filter(|d| address.contains(&d.full_name()))
        .collect();
    if let [one] = named.as_slice() {
        return Some(one.code());
    }
    let named: Vec<&Division> = counties()
        .filter(|d| address.contains(d.name()))
        .filter(in_city)
        .collect();
    if let [one] = named.as_slice() {
        return Some(one.code());
    }
    if let Some((lat, lon)) = coords {
        let scale = lat.to_radians().cos();
        let distance = |d: &Division| {
            let (dlat, dlon) = d.centroid();
            let (y, x) = (lat - dlat, (lon - dlon) * scale);
            y * y + x * x
        };
        return counties()
            .filter(in_city)
            .min_by(|a, b| distance(a).total_cmp(&distance(b)))
            .map(Division::code);
    }
    city.map(Division::code)
}

/// A six-digit city or county code of Jiangsu standing alone in the text.
fn code_in(text: &str) -> Option<DivisionCode> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let mut j = i;
        while j < chars.len() && chars[j].is_ascii_digit() {
            j += 1;
        }
        if j - i == 6 {
            let run: String = chars[i..j].iter().collect();
            if let Ok(code) = DivisionCode::from_str(&run)
                && code.division().level() != Level::Province
            {
                return Some(code);
            }
        }
        i = j.max(i + 1);
    }
    None
}

// ---- text ----

/// Text without control characters but line breaks and tabs, lines trimmed at the ends.
pub fn clean_text(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect::<String>()
        .trim()
        .to_owned()
}

/// One line of at most `max` characters without control characters.
pub fn clean(text: &str, max: usize) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .take(max)
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divisions_come_from_names_codes_and_seats() {
        let code = |a: Option<&str>, c: Option<(f64, f64)>| locate(a, c).map(|d| d.as_str());
        assert_eq!(
            code(Some("镇江市京口区象山街道"), None).as_deref(),
            Some("321102")
        );
        assert_eq!(
            code(Some("昆山市某工业园"), None).as_deref(),
            Some("320583")
        );
        assert_eq!(
            code(Some("区划 321102 附近"), None).as_deref(),
            Some("321102")
        );
        // 鼓楼区 is in 南京 and 徐州: the city decides.
        assert_eq!(
            code(Some("徐州鼓楼区某路"), None).as_deref(),
            Some("320302")
        );
        assert_eq!(code(Some("鼓楼区某路"), None), None);
        assert_eq!(code(Some("南京市某路"), None).as_deref(), Some("320100"));
        // The seat of 京口区 is nearest.
        assert_eq!(code(None, Some((32.2, 119.47))).as_deref(), Some("321102"));
        assert_eq!(code(Some("某路"), None), None);
    }
}
