//! Checks every aggregate crate runs in its own tests (feature `conformance`), so that
//! what the shared contract promises is tested once, the same way for each.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::Aggregate;

/// A stored log and its state (`jsonl`: one event per line, the state last) read and
/// write back byte for byte, and the log replays (as aggregate `id`) to that state:
/// what the database holds stays readable as the types change.
pub fn stored_round_trip<A>(id: &str, jsonl: &str) -> Result<(), String>
where
    A: Aggregate + Serialize + DeserializeOwned,
    A::Event: Serialize + DeserializeOwned,
{
    let lines: Vec<&str> = jsonl.lines().collect();
    let (state_line, event_lines) = lines.split_last().ok_or("the sample is empty")?;
    let mut log = Vec::new();
    for line in event_lines {
        let event: A::Event = serde_json::from_str(line).map_err(|e| format!("{e}: {line}"))?;
        same(&event, line)?;
        log.push(event);
    }
    let state: A = serde_json::from_str(state_line).map_err(|e| e.to_string())?;
    same(&state, state_line)?;
    let replayed = A::replay(id, &log).ok_or("the log opens nothing")?;
    same(&replayed, state_line)
}

fn same<T: Serialize>(value: &T, stored: &str) -> Result<(), String> {
    let written = serde_json::to_string(value).map_err(|e| e.to_string())?;
    if written == stored {
        Ok(())
    } else {
        Err(format!("stored:  {stored}\nwritten: {written}"))
    }
}
