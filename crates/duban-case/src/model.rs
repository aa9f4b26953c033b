//! Value types of a case. Each enum has a stable snake_case serde form, used on the
//! wire and in storage, and a name for display in the text catalogue under
//! `<prefix>.<code>` (`case.status.received`).

use std::fmt;
use std::str::FromStr;

use duban_text::key;
use serde::{Deserialize, Serialize};

use crate::Lang;

macro_rules! labelled_enum {
    ($prefix:literal, $(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal $(| $alias:literal)?;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        // The serde form is the code, so the wire and the form agree (`hotline_12345`).
        pub enum $name { $(#[serde(rename = $code $(, alias = $alias)?)] $variant,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];
            /// The stable snake_case code (the serde form).
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }
            /// The display name; a code without a text in the catalogue fails the build.
            pub fn label(self, lang: Lang) -> &'static str {
                let key = match self {
                    $($name::$variant => {
                        const KEY: duban_text::Key = duban_text::Key::new(concat!($prefix, ".", $code));
                        KEY
                    })+
                };
                key.get(lang)
            }
        }

        impl FromStr for $name {
            type Err = ();
            fn from_str(s: &str) -> Result<Self, ()> {
                match s { $($code => Ok($name::$variant),)+ _ => Err(()) }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

labelled_enum! {
    "case.channel",
    /// How a case reached the office.
    Channel {
        InspectionPhone = "inspection_phone";
        InspectionLetter = "inspection_letter";
        // Stored before the serde form followed the code.
        Hotline12345 = "hotline_12345" | "hotline12345";
        LetterVisit = "letter_visit";
        Online = "online";
        Media = "media";
        LeaderInstruction = "leader_instruction";
        SelfDiscovered = "self_discovered";
    }
}

impl Channel {
    /// Cases handed over by a central inspection team come in numbered batches.
    pub fn is_inspection(self) -> bool {
        matches!(self, Channel::InspectionPhone | Channel::InspectionLetter)
    }
    /// The letter used in references of cases outside inspection batches.
    pub fn letter(self) -> char {
        match self {
            Channel::InspectionPhone | Channel::InspectionLetter => 'B',
            Channel::Hotline12345 => 'H',
            Channel::LetterVisit => 'X',
            Channel::Online => 'W',
            Channel::Media => 'M',
            Channel::LeaderInstruction => 'L',
            Channel::SelfDiscovered => 'S',
        }
    }
}

labelled_enum! {
    "case.category",
    /// Pollution category (污染类型).
    Category {
        Air = "air";
        Water = "water";
        Noise = "noise";
        SolidWaste = "solid_waste";
        Soil = "soil";
        Ecology = "ecology";
        Radiation = "radiation";
        Other = "other";
    }
}

labelled_enum! {
    "case.key_class",
    /// Key-item class (重点信访事项).
    KeyClass {
        InspectionKey = "inspection_key";
        LeaderInstructed = "leader_instructed";
        Repeated = "repeated";
        Collective = "collective";
        PublicOpinion = "public_opinion";
        SensitiveArea = "sensitive_area";
        SuddenIncident = "sudden_incident";
    }
}

/// Display name of a request kind.
pub fn request_kind_label(kind: duban_sla::RequestKind, lang: Lang) -> &'static str {
    use duban_sla::RequestKind as K;
    match kind {
        K::Report => key!("case.request_kind.report"),
        K::Complaint => key!("case.request_kind.complaint"),
        K::Inquiry => key!("case.request_kind.inquiry"),
        K::Suggestion => key!("case.request_kind.suggestion"),
    }
    .get(lang)
}

/// Parse a request kind's snake_case code.
pub fn parse_request_kind(s: &str) -> Option<duban_sla::RequestKind> {
    use duban_sla::RequestKind as K;
    [K::Report, K::Complaint, K::Inquiry, K::Suggestion]
        .into_iter()
        .find(|k| request_kind_code(*k) == s)
}

pub fn request_kind_code(kind: duban_sla::RequestKind) -> &'static str {
    use duban_sla::RequestKind as K;
    match kind {
        K::Report => "report",
        K::Complaint => "complaint",
        K::Inquiry => "inquiry",
        K::Suggestion => "suggestion",
    }
}

labelled_enum! {
    "case.status",
    /// Where a case is in its life cycle.
    Status {
        Received = "received";
        Dispatched = "dispatched";
        Returned = "returned";
        SignedFor = "signed_for";
        InProgress = "in_progress";
        Reported = "reported";
        StageClosed = "stage_closed";
        Closed = "closed";
        Archived = "archived";
        Merged = "merged";
    }
}

labelled_enum! {
    "case.finding",
    /// Verification finding (调查核实情况).
    Finding {
        Substantiated = "substantiated";
        PartlySubstantiated = "partly_substantiated";
        Unsubstantiated = "unsubstantiated";
    }
}

labelled_enum! {
    "case.satisfaction",
    /// Complainant's satisfaction at the return visit (回访).
    Satisfaction {
        Satisfied = "satisfied";
        BasicallySatisfied = "basically_satisfied";
        Unsatisfied = "unsatisfied";
    }
}

labelled_enum! {
    "case.closure",
    /// How an approved report closes the case.
    Closure {
        Closed = "closed";
        StageClosed = "stage_closed";
    }
}

/// Stable case id, made by the caller (the server) and passed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CaseId(uuid::Uuid);

impl CaseId {
    pub fn from_uuid(id: uuid::Uuid) -> CaseId {
        CaseId(id)
    }
    pub fn as_uuid(self) -> uuid::Uuid {
        self.0
    }
}

impl FromStr for CaseId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        uuid::Uuid::parse_str(s).map(CaseId)
    }
}

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Human reference: `JS-2026-B03-0123` for inspection batch 3, serial 123; other
/// channels use their letter and five digits (`JS-2026-H-00042`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Reference(String);

impl Reference {
    pub fn for_batch(year: i32, batch: u16, serial: u32) -> Reference {
        Reference(format!("JS-{year}-B{batch:02}-{serial:04}"))
    }
    pub fn for_channel(year: i32, channel: Channel, serial: u32) -> Reference {
        Reference(format!("JS-{year}-{}-{serial:05}", channel.letter()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A unit (单位) id such as `gov-3211` or `dept-sthjt`: 1-64 ASCII letters, digits, `-`
/// or `_`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String")]
pub struct UnitId(String);

impl UnitId {
    pub fn parse(s: &str) -> Option<UnitId> {
        let s = s.trim();
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| UnitId(s.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for UnitId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        UnitId::parse(&s).ok_or_else(|| "invalid unit id".to_owned())
    }
}

impl fmt::Display for UnitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An inspection batch: its number and the date it was handed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Batch {
    pub(crate) number: u16,
    pub(crate) date: chrono::NaiveDate,
}

impl Batch {
    pub fn number(self) -> u16 {
        self.number
    }
    pub fn date(self) -> chrono::NaiveDate {
        self.date
    }
}

/// Latitude and longitude (WGS-84), within Jiangsu's bounding box.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Coordinates {
    pub(crate) lat: f64,
    pub(crate) lon: f64,
}

impl Coordinates {
    pub fn lat(self) -> f64 {
        self.lat
    }
    pub fn lon(self) -> f64 {
        self.lon
    }
}

/// A mainland phone number: mobile `1[3-9]` + 9 digits, or landline `0` + area code +
/// number, with an optional `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    pub fn parse(s: &str) -> Option<Phone> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let digits: String = s.chars().filter(|&c| c != '-').collect();
        if !digits.bytes().all(|b| b.is_ascii_digit()) || s.matches('-').count() > 1 {
            return None;
        }
        let b = digits.as_bytes();
        let mobile =
            b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && !s.contains('-');
        let landline = (10..=12).contains(&b.len()) && b[0] == b'0' && b.get(1) != Some(&b'0');
        (mobile || landline).then_some(Phone(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// `138****5678`: for roles that need not see the number.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        let n = chars.len();
        chars
            .iter()
            .enumerate()
            .map(|(i, c)| if i >= 3 && i + 4 < n { '*' } else { *c })
            .collect()
    }
}

/// A resident identity card number (GB 11643-1999): 17 digits and a check character
/// (ISO 7064 MOD 11-2), with a real birth date in positions 7-14.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IdNumber(String);

impl IdNumber {
    pub fn parse(s: &str) -> Option<IdNumber> {
        let s = s.trim().to_ascii_uppercase();
        let b = s.as_bytes();
        if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
            return None;
        }
        const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = b[..17]
            .iter()
            .zip(WEIGHTS)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        let check = b"10X98765432"[(sum % 11) as usize];
        let birth = chrono::NaiveDate::parse_from_str(&s[6..14], "%Y%m%d").ok()?;
        let plausible = (1900..=2100).contains(&chrono::Datelike::year(&birth));
        (b[17] == check && plausible && b[0] != b'0').then_some(IdNumber(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// `3201************1X`: region and birth date hidden.
    pub fn masked(&self) -> String {
        let n = self.0.chars().count();
        self.0
            .chars()
            .enumerate()
            .map(|(i, c)| if i >= 4 && i + 2 < n { '*' } else { c })
            .collect()
    }
}

/// The person who complained; any part may be absent (anonymous complaints).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Complainant {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) phone: Option<Phone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) id_number: Option<IdNumber>,
}

impl Complainant {
    /// The same person with name and phone masked (`张**`, `139****5678`), for readers
    /// who do not need them.
    pub fn masked(&self) -> Complainant {
        Complainant {
            name: self.name.as_ref().map(|n| {
                let first: String = n.chars().take(1).collect();
                format!("{first}**")
            }),
            phone: self.phone.as_ref().map(|p| Phone(p.masked())),
            id_number: self.id_number.as_ref().map(|n| IdNumber(n.masked())),
        }
    }
    pub fn id_number(&self) -> Option<&IdNumber> {
        self.id_number.as_ref()
    }
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    pub fn phone(&self) -> Option<&Phone> {
        self.phone.as_ref()
    }
    pub fn is_anonymous(&self) -> bool {
        self.name.is_none() && self.phone.is_none() && self.id_number.is_none()
    }
}

#[cfg(test)]
mod id_number_tests {
    use super::IdNumber;

    #[test]
    fn check_digit_birth_date_and_mask() {
        let n = IdNumber::parse(" 11010519491231002x ").expect("valid");
        assert_eq!(n.as_str(), "11010519491231002X");
        assert_eq!(n.masked(), "1101************2X");
        assert!(
            IdNumber::parse("110105194912310021").is_none(),
            "check digit"
        );
        assert!(
            IdNumber::parse("110105194902310026").is_none(),
            "31 February"
        );
        assert!(IdNumber::parse("1101051949123100").is_none(), "length");
        assert!(
            IdNumber::parse("32011119800101123４").is_none(),
            "non-ASCII"
        );
    }
}
