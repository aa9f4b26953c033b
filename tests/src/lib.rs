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
use duban_sla::{Clock, Limit, Stage};

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
                errs.iter().map(|e| (e.field(), e.code())).collect()
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
                    let codes: Vec<String> = errs.iter().map(|e| e.code()).collect();
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
                    let codes: Vec<String> = errs.iter().map(|e| e.code()).collect();
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
