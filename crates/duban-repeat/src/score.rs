//! Scoring a candidate against a new complaint, and ranking candidates.

use chrono::{DateTime, Utc};
use duban_case::Lang;
use duban_core::key;
use serde::{Deserialize, Serialize};

use crate::error::RepeatError;
use crate::fingerprint::Fingerprint;

/// A (weighted) content similarity at or above this counts as full content evidence;
/// from the minimum similarity up to it, the evidence grows linearly. Two callers
/// describing the same problem in their own words share a fifth to a half of their
/// weighted bigrams (tests/vectors/repeats.json), so the range spreads their scores
/// instead of saturating at 0.5 as before, when 50% similar read 90%.
const SIMILARITY_FULL: f32 = 0.45;
/// The similarity any two complaints have by chance (a shared `小区` or `晚上`): the
/// content's strength grows from it.
const SIMILARITY_ZERO: f32 = 0.05;

/// When both texts name kinds of problem and share none (the restaurant's fumes, the
/// KTV's noise), what they share is the place: their similarity counts this much; as
/// much more as the kinds agree, up to all of it.
const OTHER_KIND: f32 = 0.3;

/// At the edge of the time window a score keeps this much less than on the same day:
/// a repeat usually comes within days or weeks.
const TIME_DECAY: f32 = 0.15;

/// Mean Earth radius (IUGG), metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A WGS-84 point, degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
}

impl Point {
    pub fn new(lat: f64, lon: f64) -> Point {
        Point { lat, lon }
    }

    /// Great-circle distance in metres (haversine; at the scale of a city block the
    /// spherical error, under 0.5%, does not matter).
    pub fn distance_m(self, other: Point) -> f64 {
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_M * a.sqrt().min(1.0).asin()
    }
}

/// The new complaint being taken in (at intake or in an import preview).
///
/// It carries no case id: on import it has none yet. The server leaves the case itself
/// out of the candidates when it re-checks a stored case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Probe {
    /// GB/T 2260 code, 2, 4 or 6 digits (`321102`, `3211`, `321100`).
    pub division: String,
    pub fingerprint: Fingerprint,
    /// An opaque digest of the complainant's phone digits (the server's keyed hash).
    /// Compared for equality only; the number never reaches this crate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_digest: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Point>,
    pub received_at: DateTime<Utc>,
}

/// An existing case that may be what the probe repeats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub case_id: String,
    /// The human reference (`JS-2026-B03-0123`), carried into the [`Match`].
    pub reference: String,
    pub division: String,
    pub fingerprint: Fingerprint,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_digest: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Point>,
    pub received_at: DateTime<Utc>,
}

/// The weight of each kind of evidence, each in `[0, 1]`.
///
/// Content and phone are evidence, combined as independent pieces (noisy-OR):
/// `e = 1 − (1 − content × strength)(1 − phone)`. Place only scales it: the score is
/// `e × (1 − nearby − division + place) × time`, where `place` is `division` in the same
/// division (`city` in the same city) plus up to `nearby` for close coordinates, and
/// `time` falls linearly to 0.85 at the edge of the window. So a candidate elsewhere
/// keeps `1 − nearby − division` of its evidence, the place never makes a score of no
/// evidence, and it cannot lift weak content above strong content.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    /// Similar content, at full strength from a (weighted) similarity of 0.45.
    pub content: f32,
    /// The same complainant phone: the same person writing again is the classic 重信.
    pub phone: f32,
    /// Within the radius: full strength at 0 m, half at the radius.
    pub nearby: f32,
    /// The same county-level division (or the same code, when both have only a city):
    /// what a candidate elsewhere loses.
    pub division: f32,
    /// The same city, different county-level divisions (at most `division`).
    pub city: f32,
}

impl Default for Weights {
    fn default() -> Weights {
        Weights {
            content: 0.9,
            phone: 0.4,
            nearby: 0.1,
            division: 0.65,
            city: 0.35,
        }
    }
}

/// Settings as stored and edited (every field optional in JSON, defaults filled in);
/// validated into [`Settings`] by [`Settings::parse`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SettingsDraft {
    /// Cases received more than this many days before or after the probe are not
    /// candidates.
    pub window_days: u32,
    /// Matches scoring lower are not shown.
    pub min_score: f32,
    /// Content less similar than this is no evidence, and no reason shown.
    pub min_similarity: f32,
    /// Points farther apart than this are not "nearby".
    pub radius_m: f64,
    pub weights: Weights,
}

impl Default for SettingsDraft {
    fn default() -> SettingsDraft {
        SettingsDraft {
            window_days: 90,
            min_score: 0.28,
            min_similarity: 0.1,
            radius_m: 500.0,
            weights: Weights::default(),
        }
    }
}

/// Validated settings. The defaults: 90 days, minimum score 0.28 (the threshold for
/// showing a candidate), minimum similarity 0.1, radius 500 m, weights content 0.9,
/// phone 0.4, nearby 0.1, division 0.65, city 0.35. Calibrated on the labelled pairs
/// of `tests/vectors/repeats.json` (precision and recall at the minimum score, the
/// repeat first in every group): the place and district without similar content or the
/// same phone score 0; the same phone alone in the same district (0.36) is shown, from
/// another city (0.1) not; a reworded repeat in its district scores about 0.3 to 0.8.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(try_from = "SettingsDraft", into = "SettingsDraft")]
pub struct Settings {
    draft: SettingsDraft,
}

impl TryFrom<SettingsDraft> for Settings {
    type Error = RepeatError;
    fn try_from(d: SettingsDraft) -> Result<Settings, RepeatError> {
        Settings::parse(d)
    }
}

impl From<Settings> for SettingsDraft {
    fn from(s: Settings) -> SettingsDraft {
        s.draft
    }
}

impl Settings {
    pub const WINDOW_DAYS_MIN: u32 = 1;
    /// Five years: beyond that a complaint is a new one whatever it says.
    pub const WINDOW_DAYS_MAX: u32 = 1826;
    pub const RADIUS_M_MIN: f64 = 1.0;
    /// A city's extent; beyond it "nearby" means nothing.
    pub const RADIUS_M_MAX: f64 = 50_000.0;

    /// Validates settings; the first problem found is the error.
    pub fn parse(d: SettingsDraft) -> Result<Settings, RepeatError> {
        if !(Self::WINDOW_DAYS_MIN..=Self::WINDOW_DAYS_MAX).contains(&d.window_days) {
            return Err(RepeatError::WindowInvalid {
                value: d.window_days,
                min: Self::WINDOW_DAYS_MIN,
                max: Self::WINDOW_DAYS_MAX,
            });
        }
        for (field, value) in [
            ("min_score", d.min_score),
            ("min_similarity", d.min_similarity),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return Err(RepeatError::ShareInvalid { field, value });
            }
        }
        // `contains` is false for NaN, so NaN is refused too.
        if !(Self::RADIUS_M_MIN..=Self::RADIUS_M_MAX).contains(&d.radius_m) {
            return Err(RepeatError::RadiusInvalid {
                value: d.radius_m,
                min: Self::RADIUS_M_MIN,
                max: Self::RADIUS_M_MAX,
            });
        }
        let w = d.weights;
        let weights = [
            ("content", w.content),
            ("phone", w.phone),
            ("nearby", w.nearby),
            ("division", w.division),
            ("city", w.city),
        ];
        for (weight, value) in weights {
            if !(0.0..=1.0).contains(&value) {
                return Err(RepeatError::WeightInvalid { weight, value });
            }
        }
        if weights.iter().all(|(_, v)| *v == 0.0) {
            return Err(RepeatError::WeightsAllZero);
        }
        Ok(Settings { draft: d })
    }

    pub fn window_days(&self) -> u32 {
        self.draft.window_days
    }
    pub fn min_score(&self) -> f32 {
        self.draft.min_score
    }
    pub fn min_similarity(&self) -> f32 {
        self.draft.min_similarity
    }
    pub fn radius_m(&self) -> f64 {
        self.draft.radius_m
    }
    pub fn weights(&self) -> Weights {
        self.draft.weights
    }
}

/// Why a candidate was proposed. Rendered for the coordinator by [`Reason::label`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// Content similarity in `[0, 1]` ([`Fingerprint::similarity`]).
    SimilarContent {
        similarity: f32,
    },
    SamePhone,
    /// Distance between the two locations, whole metres.
    Nearby {
        metres: u32,
    },
    /// Both in this division (the candidate's code as given).
    SameDivision {
        code: String,
    },
    /// Both in this city (four-digit prefix), different county-level divisions.
    SameCity {
        code: String,
    },
}

impl Reason {
    /// The reason as shown to a coordinator: `内容相似度 82%`, `同一举报电话`,
    /// `相距 120 米`, `同在京口区`.
    pub fn label(&self, lang: Lang) -> String {
        match self {
            Reason::SimilarContent { similarity } => key!("repeat.reason.similar_content")
                .fill(lang, &[("percent", percent(*similarity).to_string())]),
            Reason::SamePhone => key!("repeat.reason.same_phone").get(lang).to_owned(),
            Reason::Nearby { metres } if *metres >= 1000 => key!("repeat.reason.nearby_km").fill(
                lang,
                &[("km", format!("{:.1}", f64::from(*metres) / 1000.0))],
            ),
            Reason::Nearby { metres } => {
                key!("repeat.reason.nearby_m").fill(lang, &[("metres", metres.to_string())])
            }
            Reason::SameDivision { code } => {
                key!("repeat.reason.same_division").fill(lang, &[("place", place(code))])
            }
            Reason::SameCity { code } => {
                key!("repeat.reason.same_city").fill(lang, &[("place", place(code))])
            }
        }
    }
}

/// Whole percent, rounded down, so a similarity just under 1 never shows as 100%.
fn percent(share: f32) -> u32 {
    (share.clamp(0.0, 1.0) * 100.0).floor() as u32
}

/// The division's name when the code is a known Jiangsu code, else the code.
fn place(code: &str) -> String {
    code.parse::<duban_divisions::DivisionCode>()
        .map(|c| c.division().name().to_string())
        .unwrap_or_else(|_| code.to_string())
}

/// A proposed repeat: the existing case, its score and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Match {
    pub case_id: String,
    pub reference: String,
    /// In `[0, 1]`; see [`Weights`].
    pub score: f32,
    /// In a fixed order: content, phone, place, division.
    pub reasons: Vec<Reason>,
    /// Whole days between the two receipts (either order).
    pub days_apart: u32,
}

/// `321100` → `3211`, `320000` → `32`: codes compare on their significant digits, so a
/// case coded only to its city (`3211` or `321100`) matches the same city either way.
fn significant(code: &str) -> &str {
    let mut c = code.trim();
    while c.len() > 2 && c.ends_with("00") {
        c = &c[..c.len() - 2];
    }
    c
}

/// What one candidate has in common with the probe, before anything is allocated:
/// ranking evaluates every candidate but builds a [`Match`] only for the best few.
struct Evaluation {
    score: f32,
    similarity: Option<f32>,
    same_phone: bool,
    metres: Option<f64>,
    division: Place,
    apart: chrono::Duration,
}

enum Place {
    Elsewhere,
    SameDivision,
    /// The four-digit city code is the candidate's.
    SameCity,
}

fn evaluate(probe: &Probe, candidate: &Candidate, settings: &Settings) -> Option<Evaluation> {
    let apart = (probe.received_at - candidate.received_at).abs();
    if apart > chrono::Duration::days(i64::from(settings.window_days())) {
        return None;
    }
    let w = settings.weights();
    // The probability that every piece of evidence is coincidence (noisy-OR). Only
    // the content and the phone are evidence; place and time below only scale it.
    let mut chance = 1.0f32;

    let similarity = Some(probe.fingerprint.similarity(&candidate.fingerprint))
        .filter(|&s| s > 0.0 && s >= settings.min_similarity());
    if let Some(s) = similarity {
        let agreement = probe.fingerprint.kind_agreement(&candidate.fingerprint);
        let s = s * (OTHER_KIND + (1.0 - OTHER_KIND) * agreement);
        let strength =
            ((s - SIMILARITY_ZERO) / (SIMILARITY_FULL - SIMILARITY_ZERO)).clamp(0.0, 1.0);
        chance *= 1.0 - w.content * strength;
    }

    let same_phone = matches!(
        (&probe.phone_digest, &candidate.phone_digest),
        (Some(a), Some(b)) if !a.is_empty() && a == b
    );
    if same_phone {
        chance *= 1.0 - w.phone;
    }
    let evidence = 1.0 - chance;

    let metres = match (probe.location, candidate.location) {
        (Some(a), Some(b)) => Some(a.distance_m(b)).filter(|&d| d <= settings.radius_m()),
        _ => None,
    };
    // Place: the share of the evidence kept without it (a case elsewhere, or without
    // coordinates), up to all of it at the same spot in the same division. So the place
    // cannot make a score of weak evidence, nor lift it above strong evidence elsewhere.
    let mut place = (1.0 - w.nearby - w.division).max(0.0);
    if let Some(d) = metres {
        place += w.nearby * (1.0 - 0.5 * d / settings.radius_m()) as f32;
    }

    let (p, c) = (
        significant(&probe.division),
        significant(&candidate.division),
    );
    // The province prefix alone says nothing: every case is in Jiangsu.
    let division = if p.len() >= 4 && p == c {
        place += w.division;
        Place::SameDivision
    } else if matches!((p.get(..4), c.get(..4)), (Some(a), Some(b)) if a == b) {
        place += w.city.min(w.division);
        Place::SameCity
    } else {
        Place::Elsewhere
    };
    let window = chrono::Duration::days(i64::from(settings.window_days()));
    let time = 1.0 - TIME_DECAY * (apart.num_seconds() as f32 / window.num_seconds().max(1) as f32);

    let score = (evidence * place.min(1.0) * time).clamp(0.0, 1.0);
    // A zero weight can leave a reason with no score: that is not a match either.
    if score <= 0.0 || score < settings.min_score() {
        return None;
    }
    Some(Evaluation {
        score,
        similarity,
        same_phone,
        metres,
        division,
        apart,
    })
}

impl Evaluation {
    fn into_match(self, candidate: &Candidate) -> Match {
        let mut reasons = Vec::with_capacity(4);
        if let Some(similarity) = self.similarity {
            reasons.push(Reason::SimilarContent { similarity });
        }
        if self.same_phone {
            reasons.push(Reason::SamePhone);
        }
        if let Some(d) = self.metres {
            reasons.push(Reason::Nearby {
                metres: d.round() as u32,
            });
        }
        match self.division {
            Place::SameDivision => reasons.push(Reason::SameDivision {
                code: candidate.division.trim().to_string(),
            }),
            Place::SameCity => reasons.push(Reason::SameCity {
                code: significant(&candidate.division)
                    .get(..4)
                    .unwrap_or_default()
                    .to_string(),
            }),
            Place::Elsewhere => {}
        }
        Match {
            case_id: candidate.case_id.clone(),
            reference: candidate.reference.clone(),
            score: self.score,
            reasons,
            days_apart: u32::try_from(self.apart.num_days()).unwrap_or(u32::MAX),
        }
    }
}

/// Scores one candidate. `None` when it lies outside the time window, has no reason at
/// all, or scores below the minimum.
pub fn score(probe: &Probe, candidate: &Candidate, settings: &Settings) -> Option<Match> {
    evaluate(probe, candidate, settings).map(|e| e.into_match(candidate))
}

/// Scores every candidate and returns the best `limit` matches, best first. Ties go to
/// the more recent case, then to the smaller case id, so the order never depends on the
/// order the database returned the rows in.
pub fn rank(
    probe: &Probe,
    candidates: &[Candidate],
    settings: &Settings,
    limit: usize,
) -> Vec<Match> {
    let mut found: Vec<(Evaluation, &Candidate)> = candidates
        .iter()
        .filter_map(|c| evaluate(probe, c, settings).map(|e| (e, c)))
        .collect();
    found.sort_unstable_by(|(a, ac), (b, bc)| {
        b.score
            .total_cmp(&a.score)
            .then(bc.received_at.cmp(&ac.received_at))
            .then_with(|| ac.case_id.cmp(&bc.case_id))
    });
    found.truncate(limit);
    found.into_iter().map(|(e, c)| e.into_match(c)).collect()
}
