//! Runners for the shared JSON test vectors in `tests/vectors/`. The same functions run
//! natively (`cargo test -p duban-tests`) and in wasm32 under node
//! (`wasm-bindgen-test`), so browser/server parity is checked, not assumed. Each runner
//! returns the list of failures (empty when all vectors pass).

use chrono::{DateTime, Utc};
use serde_json::Value;

use duban_calendar::{Basis, Calendar};
use duban_case::Lang;
use duban_case::draft::{CaseDraft, NewCase};
use duban_case::lifecycle::{self, Command, Ctx};
use duban_case::model::{CaseId, Reference};
use duban_core::CodedError as _;
use duban_sla::{Clock, Limit, Stage};

/// The browser tests' harness (native only: it runs the server and Chromium).
#[cfg(not(target_arch = "wasm32"))]
pub mod browser;

pub const VALIDATION: &str = include_str!("../vectors/validation.json");
pub const LIFECYCLE: &str = include_str!("../vectors/lifecycle.json");
pub const DEADLINES: &str = include_str!("../vectors/deadlines.json");
pub const BOARD: &str = include_str!("../vectors/board.json");
/// Random command sequences drawn by `duban-case`'s property test, with the answers it
/// got natively (written by `random_sequences_vector_is_current`).
pub const LIFECYCLE_RANDOM: &str = include_str!("../vectors/lifecycle_random.json");

fn time(v: &Value) -> Result<DateTime<Utc>, String> {
    v.as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| format!("not a time: {v}"))
}

fn draft(base: &Value, patch: &Value) -> Result<CaseDraft, String> {
    let mut d = base.clone();
    if let (Some(obj), Some(p)) = (d.as_object_mut(), patch.as_object()) {
        for (k, v) in p {
            // "@N" stands for a text of N characters.
            let v = match v
                .as_str()
                .and_then(|s| s.strip_prefix('@'))
                .and_then(|n| n.parse::<usize>().ok())
            {
                Some(n) => Value::String("污".repeat(n)),
                None => v.clone(),
            };
            obj.insert(k.clone(), v);
        }
    }
    serde_json::from_value(d).map_err(|e| e.to_string())
}

/// Validation vectors: each draft gives exactly the listed (field, code) pairs.
pub fn run_validation() -> Vec<String> {
    let mut fails = Vec::new();
    let Ok(doc) = serde_json::from_str::<Value>(VALIDATION) else {
        return vec!["validation.json does not parse".into()];
    };
    let Ok(now) = time(&doc["now"]) else {
        return vec!["bad now".into()];
    };
    if doc["cases"].as_array().is_none_or(Vec::is_empty) {
        fails.push("no validation vectors".into());
    }
    for case in doc["cases"].as_array().into_iter().flatten() {
        let name = case["name"].as_str().unwrap_or("?");
        let d = match draft(&doc["base"], &case["patch"]) {
            Ok(d) => d,
            Err(e) => {
                fails.push(format!("{name}: draft: {e}"));
                continue;
            }
        };
        let expected: Vec<(String, String)> = case["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                (
                    p[0].as_str().unwrap_or("").to_owned(),
                    p[1].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect();
        let got: Vec<(String, String)> = match NewCase::parse(&d, now) {
            Ok(_) => vec![],
            Err(errs) => {
                if let Some(first) = errs.iter().next() {
                    for (key, lang) in [("message_zh", Lang::Zh), ("message_en", Lang::En)] {
                        if let Some(m) = case[key].as_str()
                            && first.message(lang) != m
                        {
                            fails.push(format!("{name}: {key} {:?} != {m:?}", first.message(lang)));
                        }
                    }
                }
                errs.iter()
                    .map(|e| (e.field().into_owned(), e.code().into_owned()))
                    .collect()
            }
        };
        if got != expected {
            fails.push(format!("{name}: expected {expected:?}, got {got:?}"));
        }
    }
    fails
}

/// Life-cycle vectors: each step ends in the listed status, or fails with `!code`.
pub fn run_lifecycle() -> Vec<String> {
    let mut fails = Vec::new();
    let (Ok(doc), Ok(base)) = (
        serde_json::from_str::<Value>(LIFECYCLE),
        serde_json::from_str::<Value>(VALIDATION),
    ) else {
        return vec!["vectors do not parse".into()];
    };
    let Ok(now) = time(&doc["now"]) else {
        return vec!["bad now".into()];
    };
    let Ok(d) = draft(&base["base"], &Value::Null) else {
        return vec!["bad base".into()];
    };
    let Ok(new) = NewCase::parse(&d, now) else {
        return vec!["base case invalid".into()];
    };
    let rules = duban_sla::defaults::all()
        .into_iter()
        .find(|r| r.id() == lifecycle::rule_set_for(&new))
        .unwrap_or_else(duban_sla::defaults::inspection_transfer);
    if doc["cases"].as_array().is_none_or(Vec::is_empty) {
        fails.push("no life-cycle vectors".into());
    }
    for case in doc["cases"].as_array().into_iter().flatten() {
        let name = case["name"].as_str().unwrap_or("?");
        let ctx = Ctx {
            now,
            actor: "vector",
            rules: &rules,
            calendar: Calendar::official(),
        };
        let opening = lifecycle::receive(
            CaseId::from_uuid(uuid::Uuid::nil()),
            Reference::for_batch(2025, 3, 1),
            new.clone(),
            &ctx,
        );
        let Some(mut state) = lifecycle::open(&opening) else {
            return vec!["open failed".into()];
        };
        let mut log = vec![opening];
        for (i, step) in case["steps"].as_array().into_iter().flatten().enumerate() {
            let at = now + chrono::TimeDelta::minutes(10 * (i as i64 + 1));
            let ctx = Ctx { now: at, ..ctx };
            let expect = step[1].as_str().unwrap_or("");
            let cmd: Command = match serde_json::from_value(step[0].clone()) {
                Ok(c) => c,
                Err(e) => {
                    fails.push(format!("{name} step {i}: command: {e}"));
                    break;
                }
            };
            match (
                lifecycle::decide(&state, &cmd, &ctx),
                expect.strip_prefix('!'),
            ) {
                (Ok(events), None) => {
                    state = events.iter().fold(state, lifecycle::apply);
                    log.extend(events);
                    if state.status().code() != expect {
                        fails.push(format!(
                            "{name} step {i}: status {} != {expect}",
                            state.status().code()
                        ));
                    }
                }
                (Ok(_), Some(code)) => fails.push(format!(
                    "{name} step {i}: expected error {code}, it succeeded"
                )),
                (Err(errs), Some(code)) => {
                    let codes: Vec<String> = errs.iter().map(|e| e.code().into_owned()).collect();
                    if codes != [code] {
                        fails.push(format!("{name} step {i}: expected [{code}], got {codes:?}"));
                    }
                }
                (Err(errs), None) => {
                    fails.push(format!("{name} step {i}: unexpected error {:?}", errs))
                }
            }
        }
        if lifecycle::replay(&log).as_ref() != Some(&state) {
            fails.push(format!("{name}: replaying the log does not give the state"));
        }
    }
    fails
}

/// Random life-cycle sequences: from each opening event, every command gets the
/// recorded answer (the status reached, or `!codes` refused), the sweeper fires as many
/// steps after it, the final version matches, and replaying the log gives the state.
pub fn run_lifecycle_random() -> Vec<String> {
    let mut fails = Vec::new();
    let Ok(doc) = serde_json::from_str::<Value>(LIFECYCLE_RANDOM) else {
        return vec!["lifecycle_random.json does not parse".into()];
    };
    let rules = duban_sla::defaults::all();
    let cal = Calendar::official();
    let sequences = doc["sequences"].as_array().map_or(&[][..], Vec::as_slice);
    if sequences.is_empty() {
        fails.push("no random life-cycle sequences".into());
    }
    for (n, seq) in sequences.iter().enumerate() {
        let opening: lifecycle::Event = match serde_json::from_value(seq["opening"].clone()) {
            Ok(e) => e,
            Err(e) => {
                fails.push(format!("sequence {n}: opening: {e}"));
                continue;
            }
        };
        let Some(mut state) = lifecycle::open(&opening) else {
            fails.push(format!("sequence {n}: the opening event opens no case"));
            continue;
        };
        let Some(set) = rules.iter().find(|r| r.id() == state.rule_set()) else {
            fails.push(format!("sequence {n}: no rule set {}", state.rule_set()));
            continue;
        };
        let mut log = vec![opening];
        for (i, step) in seq["steps"].as_array().into_iter().flatten().enumerate() {
            let (at, cmd) = match (
                time(&step["at"]),
                serde_json::from_value::<Command>(step["command"].clone()),
            ) {
                (Ok(at), Ok(cmd)) => (at, cmd),
                _ => {
                    fails.push(format!("sequence {n} step {i}: unreadable {step}"));
                    break;
                }
            };
            let ctx = Ctx {
                now: at,
                actor: "vector",
                rules: set,
                calendar: cal,
            };
            let got = match lifecycle::decide(&state, &cmd, &ctx) {
                Ok(events) => {
                    state = events.iter().fold(state, lifecycle::apply);
                    log.extend(events);
                    state.status().code().to_owned()
                }
                Err(errs) => {
                    let codes: Vec<String> = errs.iter().map(|e| e.code().into_owned()).collect();
                    format!("!{}", codes.join(","))
                }
            };
            if step["expect"].as_str() != Some(got.as_str()) {
                fails.push(format!(
                    "sequence {n} step {i}: {} expected, {got} answered",
                    step["expect"]
                ));
            }
            let fired = lifecycle::escalate(&state, at, cal, "system");
            if step["fired"].as_u64() != Some(fired.len() as u64) {
                fails.push(format!(
                    "sequence {n} step {i}: {} steps expected to fire, {} fired",
                    step["fired"],
                    fired.len()
                ));
            }
            state = fired.iter().fold(state, lifecycle::apply);
            log.extend(fired);
        }
        if seq["version"].as_u64() != Some(state.version()) {
            fails.push(format!("sequence {n}: version {}", state.version()));
        }
        if lifecycle::replay(&log).as_ref() != Some(&state) {
            fails.push(format!(
                "sequence {n}: replaying the log does not give the state"
            ));
        }
    }
    fails
}

/// Board vectors: the filter as parsed in the browser and the server, day ranges split
/// into whole months and edge days, the China day of an instant.
pub fn run_board() -> Vec<String> {
    use duban_board::filter::{BoardFilter, BoardQuery};
    let mut fails = Vec::new();
    let Ok(doc) = serde_json::from_str::<Value>(BOARD) else {
        return vec!["board.json does not parse".into()];
    };
    for key in ["filters", "splits", "days"] {
        if doc[key].as_array().is_none_or(Vec::is_empty) {
            fails.push(format!("no {key} vectors"));
        }
    }
    for v in doc["filters"].as_array().into_iter().flatten() {
        let name = v["name"].as_str().unwrap_or("?");
        let Ok(q) = serde_json::from_value::<BoardQuery>(v["query"].clone()) else {
            fails.push(format!("{name}: bad vector"));
            continue;
        };
        match (BoardFilter::parse(&q), v.get("ok")) {
            (Ok(f), Some(want)) => {
                let got = serde_json::to_value(f.to_query()).unwrap_or_default();
                if &got != want {
                    fails.push(format!("{name}: {got} != {want}"));
                }
            }
            (Err(errs), None) => {
                let got: Vec<Value> = errs
                    .iter()
                    .map(|e| serde_json::json!([e.field(), e.code()]))
                    .collect();
                if Value::Array(got.clone()) != v["errors"] {
                    fails.push(format!("{name}: errors {got:?} != {}", v["errors"]));
                }
            }
            (got, _) => fails.push(format!("{name}: unexpected {got:?}")),
        }
    }
    for v in doc["splits"].as_array().into_iter().flatten() {
        let name = v["name"].as_str().unwrap_or("?");
        let (Some(from), Some(to)) = (v["from"].as_i64(), v["to"].as_i64()) else {
            fails.push(format!("{name}: bad vector"));
            continue;
        };
        let s = duban_board::range::split(from as i32, to as i32);
        let got = serde_json::json!({"months": s.months, "days": s.days});
        let want = serde_json::json!({"months": v["months"], "days": v["days"]});
        if got != want {
            fails.push(format!("{name}: {got} != {want}"));
        }
    }
    for v in doc["days"].as_array().into_iter().flatten() {
        let name = v["name"].as_str().unwrap_or("?");
        match time(&v["at"]) {
            Ok(at) if Some(i64::from(duban_board::fact::day_of(at))) == v["day"].as_i64() => {}
            other => fails.push(format!("{name}: {other:?}")),
        }
    }
    fails
}

/// Deadline, status and calendar vectors.
pub fn run_deadlines() -> Vec<String> {
    let mut fails = Vec::new();
    let Ok(doc) = serde_json::from_str::<Value>(DEADLINES) else {
        return vec!["deadlines.json does not parse".into()];
    };
    let cal = Calendar::official();
    for key in ["limits", "statuses", "days"] {
        if doc[key].as_array().is_none_or(Vec::is_empty) {
            fails.push(format!("no {key} vectors"));
        }
    }
    for v in doc["limits"].as_array().into_iter().flatten() {
        let name = v["name"].as_str().unwrap_or("?");
        let (Ok(from), Ok(due), Ok(limit)) = (
            time(&v["from"]),
            time(&v["due"]),
            serde_json::from_value::<Limit>(v["limit"].clone()),
        ) else {
            fails.push(format!("{name}: bad vector"));
            continue;
        };
        let (got, basis) = limit.due_from(from, cal);
        if got != due {
            fails.push(format!("{name}: due {got} != {due}"));
        }
        let want_basis = if v["basis"] == "weekends_only" {
            Basis::WeekendsOnly
        } else {
            Basis::Official
        };
        if basis != want_basis {
            fails.push(format!("{name}: basis {basis:?} != {want_basis:?}"));
        }
    }
    for v in doc["statuses"].as_array().into_iter().flatten() {
        let name = v["name"].as_str().unwrap_or("?");
        let (Ok(from), Ok(at), Ok(limit)) = (
            time(&v["from"]),
            time(&v["at"]),
            serde_json::from_value::<Limit>(v["limit"].clone()),
        ) else {
            fails.push(format!("{name}: bad vector"));
            continue;
        };
        let clock = Clock::start(Stage::Report, limit, 80, from, cal);
        let status = serde_json::to_value(clock.status(at, cal).status).unwrap_or_default();
        if status != v["status"] {
            fails.push(format!("{name}: status {status} != {}", v["status"]));
        }
    }
    for v in doc["days"].as_array().into_iter().flatten() {
        let Some(date) = v["date"]
            .as_str()
            .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        else {
            fails.push(format!("bad date {v}"));
            continue;
        };
        let info = cal.day(date);
        let kind = serde_json::to_value(info.kind).unwrap_or_default();
        if kind != v["kind"] || info.name != v["name"].as_str() {
            fails.push(format!(
                "{date}: {kind} {:?} != {} {}",
                info.name, v["kind"], v["name"]
            ));
        }
    }
    fails
}

pub const REPEATS: &str = include_str!("../vectors/repeats.json");

/// How repeat detection does on the labelled pairs and groups of `repeats.json`, at the
/// default settings (whose minimum score is the server's threshold for a candidate).
#[derive(Debug, Clone, Default)]
pub struct RepeatFigures {
    pub threshold: f32,
    /// Pairs labelled `repeat` scored at or above the threshold.
    pub found: usize,
    /// Pairs labelled `repeat` below it.
    pub missed: usize,
    /// Pairs labelled `different` at or above it.
    pub wrong: usize,
    /// Pairs labelled `different` below it.
    pub rejected: usize,
    pub precision: f64,
    pub recall: f64,
    pub bar_precision: f64,
    pub bar_recall: f64,
    pub groups: usize,
    /// Groups whose repeat ranked first.
    pub groups_first: usize,
    /// One line per pair and group, misjudged ones marked `✗`.
    pub lines: Vec<String>,
}

impl std::fmt::Display for RepeatFigures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for l in &self.lines {
            writeln!(f, "{l}")?;
        }
        write!(
            f,
            "at min_score {:.2}: precision {:.3} ({} of {} shown are repeats), recall {:.3} ({} of {} repeats shown); the repeat ranked first in {} of {} groups (bar: precision ≥ {}, recall ≥ {}, every group)",
            self.threshold,
            self.precision,
            self.found,
            self.found + self.wrong,
            self.recall,
            self.found,
            self.found + self.missed,
            self.groups_first,
            self.groups,
            self.bar_precision,
            self.bar_recall,
        )
    }
}

/// The complaint a `repeats.json` case stands for, as an existing case.
fn repeat_case(
    key: &str,
    v: &Value,
    base: DateTime<Utc>,
) -> Result<duban_repeat::Candidate, String> {
    let text = v["text"].as_str().ok_or(format!("{key}: no text"))?;
    let day = v["day"].as_i64().ok_or(format!("{key}: no day"))?;
    let location = match &v["at"] {
        Value::Null => None,
        at => Some(duban_repeat::Point::new(
            at[0].as_f64().ok_or(format!("{key}: bad at"))?,
            at[1].as_f64().ok_or(format!("{key}: bad at"))?,
        )),
    };
    // As the server's digest: the digits of the parsed phone (any spacing or dashes).
    let phone_digest = match v["phone"].as_str() {
        None => None,
        Some(p) => {
            let phone = duban_case::model::Phone::parse(p).ok_or(format!("{key}: bad phone"))?;
            Some(
                phone
                    .as_str()
                    .chars()
                    .filter(char::is_ascii_digit)
                    .collect(),
            )
        }
    };
    Ok(duban_repeat::Candidate {
        case_id: key.to_owned(),
        reference: key.to_owned(),
        division: v["division"].as_str().unwrap_or_default().to_owned(),
        fingerprint: duban_repeat::Fingerprint::of(text),
        phone_digest,
        location,
        received_at: base + chrono::TimeDelta::days(day),
    })
}

fn repeat_probe(c: &duban_repeat::Candidate) -> duban_repeat::Probe {
    duban_repeat::Probe {
        division: c.division.clone(),
        fingerprint: c.fingerprint.clone(),
        phone_digest: c.phone_digest.clone(),
        location: c.location,
        received_at: c.received_at,
    }
}

/// Scores every labelled pair and ranks every group of `repeats.json`.
pub fn repeat_figures() -> Result<RepeatFigures, String> {
    use duban_repeat::{Settings, SettingsDraft, rank, score};
    let doc = serde_json::from_str::<Value>(REPEATS).map_err(|e| format!("repeats.json: {e}"))?;
    let base = time(&doc["base"])?;
    let mut cases = std::collections::HashMap::new();
    for (key, v) in doc["cases"].as_object().into_iter().flatten() {
        cases.insert(key.as_str(), repeat_case(key, v, base)?);
    }
    let get = |k: &Value| {
        k.as_str()
            .and_then(|k| cases.get(k))
            .ok_or(format!("no case {k}"))
    };
    let shown = Settings::default();
    // Every score, also those below the threshold, so that the lines show how far off.
    let all = Settings::parse(SettingsDraft {
        min_score: 0.0,
        ..SettingsDraft::default()
    })
    .map_err(|e| e.to_string())?;
    let mut f = RepeatFigures {
        threshold: shown.min_score(),
        bar_precision: doc["bar"]["precision"].as_f64().unwrap_or(1.0),
        bar_recall: doc["bar"]["recall"].as_f64().unwrap_or(1.0),
        ..RepeatFigures::default()
    };
    let pairs = doc["pairs"].as_array().map_or(&[][..], Vec::as_slice);
    if pairs.is_empty() {
        return Err("no repeat pairs".into());
    }
    for p in pairs {
        let (a, b) = (get(&p["a"])?, get(&p["b"])?);
        let m = score(&repeat_probe(a), b, &all);
        let s = m.as_ref().map_or(0.0, |m| m.score);
        let shown = m.is_some() && s >= f.threshold;
        let label = p["label"].as_str().unwrap_or("?");
        let ok = match (label, shown) {
            ("repeat", true) => {
                f.found += 1;
                true
            }
            ("repeat", false) => {
                f.missed += 1;
                false
            }
            ("different", true) => {
                f.wrong += 1;
                false
            }
            ("different", false) => {
                f.rejected += 1;
                true
            }
            ("weak", _) => true,
            _ => return Err(format!("{}–{}: label {label}", a.case_id, b.case_id)),
        };
        let why: Vec<String> = m
            .iter()
            .flat_map(|m| &m.reasons)
            .map(|r| r.label(duban_case::Lang::En))
            .collect();
        f.lines.push(format!(
            "{} {:<9} {:<12} {:.2} {}–{} [{}]",
            if ok { " " } else { "✗" },
            label,
            p["kind"].as_str().unwrap_or("?"),
            s,
            a.case_id,
            b.case_id,
            why.join(", ")
        ));
    }
    let share = |n: usize, of: usize| if of == 0 { 0.0 } else { n as f64 / of as f64 };
    f.precision = share(f.found, f.found + f.wrong);
    f.recall = share(f.found, f.found + f.missed);
    for g in doc["groups"].as_array().into_iter().flatten() {
        let name = g["name"].as_str().unwrap_or("?");
        let probe = repeat_probe(get(&g["probe"])?);
        let repeat = get(&g["repeat"])?;
        let mut candidates = vec![repeat.clone()];
        for o in g["others"].as_array().into_iter().flatten() {
            candidates.push(get(o)?.clone());
        }
        let order: Vec<String> = rank(&probe, &candidates, &all, candidates.len())
            .into_iter()
            .map(|m| format!("{} {:.2}", m.case_id, m.score))
            .collect();
        let first = rank(&probe, &candidates, &shown, 1)
            .first()
            .is_some_and(|m| m.case_id == repeat.case_id);
        f.groups += 1;
        f.groups_first += usize::from(first);
        f.lines.push(format!(
            "{} group {name}: {}",
            if first { " " } else { "✗" },
            order.join(" > ")
        ));
    }
    Ok(f)
}

/// Repeat vectors: precision and recall at the server's threshold reach the set's bar,
/// and in every group the repeat ranks first (and is shown).
pub fn run_repeats() -> Vec<String> {
    let f = match repeat_figures() {
        Ok(f) => f,
        Err(e) => return vec![e],
    };
    let mut fails = Vec::new();
    if f.precision < f.bar_precision || f.recall < f.bar_recall {
        fails.push(format!(
            "precision {:.3} and recall {:.3}, the bar is {} and {}",
            f.precision, f.recall, f.bar_precision, f.bar_recall
        ));
    }
    if f.groups == 0 {
        fails.push("no repeat groups".into());
    }
    if f.groups_first < f.groups {
        fails.push(format!(
            "the repeat ranked first in {} of {} groups",
            f.groups_first, f.groups
        ));
    }
    if !fails.is_empty() {
        fails.push(f.to_string());
    }
    fails
}
