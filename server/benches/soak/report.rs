//! The report: errors, latency per request type per minute, and whether memory and
//! descriptors stayed flat.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::Ordering;

use chrono::Utc;

use crate::client::Run;
use crate::mix::Op;
use crate::sampling::Probe;
use crate::{FD_GROWTH, GROWTH_MIB, GROWTH_SHARE, IMPORT_ROWS, RACE_SECONDS, SAMPLE_SECONDS};

pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

pub(crate) fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let (s, n) = xs.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    if n == 0 { f64::NAN } else { s / n as f64 }
}

/// Least-squares slope of RSS over time, MiB per minute.
pub(crate) fn slope(points: &[(f64, f64)]) -> f64 {
    let mx = mean(points.iter().map(|p| p.0));
    let my = mean(points.iter().map(|p| p.1));
    let num: f64 = points.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let den: f64 = points.iter().map(|(x, _)| (x - mx) * (x - mx)).sum();
    if den == 0.0 { 0.0 } else { num / den * 60.0 }
}

pub(crate) struct Verdict {
    pub(crate) text: String,
    pub(crate) pass: bool,
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn report(
    db_name: &str,
    run: &Run,
    rate: u64,
    seconds: u64,
    import_seconds: u64,
    probes: &[Probe],
    log: &str,
    elapsed: f64,
) -> Verdict {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let samples = run.samples.lock().unwrap();
    let errors = run.errors.lock().unwrap();
    let total_errors: u64 = errors.values().sum();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### Soak, {db_name} ({}, {cores} cores)\n",
        Utc::now().format("%Y-%m-%d")
    );
    let env = if db_name == "SQLite" {
        String::new()
    } else {
        "DUBAN_BENCH_POSTGRES_URL=… ".to_owned()
    };
    let _ = writeln!(
        out,
        "`{env}DUBAN_SOAK_RATE={rate} DUBAN_SOAK_SECONDS={seconds} cargo bench -p duban-server --bench soak`: \
         {} coordinators, {rate} requests/s open loop for {seconds} s ({elapsed:.0} s with the drain), \
         an import of {IMPORT_ROWS} rows every {import_seconds} s and a deliberate race every {RACE_SECONDS} s, \
         sweeper every 5 s, no rate limit.\n",
        run.coords.len()
    );
    let _ = writeln!(
        out,
        "Requests: {} answered; {} cases created, {} taken through to closed, {} imports, {} races; \
         {} escalation events seen in the event logs read.\n",
        samples.len(),
        run.created.load(Ordering::Relaxed),
        run.closed.load(Ordering::Relaxed),
        run.imports.load(Ordering::Relaxed),
        run.races.load(Ordering::Relaxed),
        run.escalated_seen.load(Ordering::Relaxed)
    );
    // The sweeper's own account, from the server's log.
    let sweeps: Vec<&str> = log.lines().filter(|l| l.contains("SLA sweep")).collect();
    let steps: u64 = sweeps
        .iter()
        .filter_map(|l| l.split("steps=").nth(1))
        .filter_map(|s| s.split_whitespace().next())
        .filter_map(|n| n.parse::<u64>().ok())
        .sum();
    let warnings = log
        .lines()
        .filter(|l| l.contains("WARN") || l.contains("ERROR"))
        .filter(|l| !l.contains("no built web app"))
        .count();
    let _ = writeln!(
        out,
        "Sweeper: {} sweeps fired escalation steps ({steps} steps); the server logged {warnings} warnings or errors.\n",
        sweeps.len()
    );

    // Errors.
    if total_errors == 0 {
        let _ = writeln!(out, "Errors: **0**.\n");
    } else {
        let _ = writeln!(
            out,
            "Errors: **{total_errors}**.\n\n| kind | count | first answer |\n| --- | --- | --- |"
        );
        let bodies = run.error_bodies.lock().unwrap();
        for (k, n) in errors.iter() {
            let b = bodies
                .get(k)
                .cloned()
                .unwrap_or_default()
                .replace('|', "\\|");
            let _ = writeln!(out, "| {k} | {n} | `{b}` |");
        }
        out.push('\n');
    }

    // Latency by type, overall and per minute.
    let minutes = (seconds.div_ceil(60)) as u32;
    let mut by_op: BTreeMap<Op, Vec<Vec<f64>>> = BTreeMap::new();
    for (op, m, ms) in samples.iter() {
        let v = by_op
            .entry(*op)
            .or_insert_with(|| vec![Vec::new(); minutes as usize + 1]);
        let m = (*m).min(minutes) as usize;
        v[m].push(*ms);
    }
    let _ = write!(
        out,
        "Latency, ms (p50 / p99), from the moment each request was due:\n\n| request | count | all | max |"
    );
    for m in 1..=minutes {
        let _ = write!(out, " min {m} |");
    }
    let _ = write!(out, "\n| --- | --- | --- | --- |");
    for _ in 1..=minutes {
        out.push_str(" --- |");
    }
    out.push('\n');
    for (op, per_min) in by_op.iter_mut() {
        let mut all: Vec<f64> = per_min.iter().flatten().copied().collect();
        all.sort_by(f64::total_cmp);
        let _ = write!(
            out,
            "| {} | {} | {:.1} / {:.1} | {:.0} |",
            op.name(),
            all.len(),
            percentile(&all, 0.5),
            percentile(&all, 0.99),
            all.last().copied().unwrap_or(f64::NAN)
        );
        for v in per_min.iter_mut().take(minutes as usize) {
            v.sort_by(f64::total_cmp);
            if v.is_empty() {
                out.push_str(" – |");
            } else {
                let _ = write!(
                    out,
                    " {:.1} / {:.0} |",
                    percentile(v, 0.5),
                    percentile(v, 0.99)
                );
            }
        }
        out.push('\n');
    }
    out.push('\n');

    // Memory and descriptors.
    let third = seconds as f64 / 3.0;
    let middle: Vec<&Probe> = probes
        .iter()
        .filter(|p| p.t >= third && p.t < 2.0 * third)
        .collect();
    let last: Vec<&Probe> = probes
        .iter()
        .filter(|p| p.t >= 2.0 * third && p.t <= seconds as f64 + 1.0)
        .collect();
    let rss_mid = mean(middle.iter().map(|p| p.rss));
    let rss_last = mean(last.iter().map(|p| p.rss));
    let growth = rss_last - rss_mid;
    let allowed = GROWTH_MIB.max(GROWTH_SHARE * rss_mid);
    let fd_growth = mean(last.iter().map(|p| (p.fds - p.sockets) as f64))
        - mean(middle.iter().map(|p| (p.fds - p.sockets) as f64));
    let after_warmup: Vec<(f64, f64)> = probes
        .iter()
        .filter(|p| p.t >= third)
        .map(|p| (p.t, p.rss))
        .collect();
    let rss_min = probes.iter().map(|p| p.rss).fold(f64::INFINITY, f64::min);
    let rss_max = probes.iter().map(|p| p.rss).fold(0.0, f64::max);
    let mem_ok = middle.len() >= 2 && last.len() >= 2 && growth <= allowed;
    let fd_ok = fd_growth.is_nan() || fd_growth <= FD_GROWTH;
    let first = probes.first();
    let end = probes.last();
    let _ = writeln!(
        out,
        "Memory: RSS {:.1} MiB after start-up, {rss_min:.1}–{rss_max:.1} MiB over the run, peak (VmHWM) {:.1} MiB; \
         mean {rss_mid:.1} MiB in the middle third, {rss_last:.1} MiB in the last: {growth:+.1} MiB \
         (allowed {allowed:.1}: {}); slope after warm-up {:+.2} MiB/min. \
         Open descriptors {} → {}, of which sockets (the client's keep-alive connections) {} → {}; \
         the others' mean {fd_growth:+.1} between the thirds: {}; threads {} → {}. \
         Database {:.1} → {:.1} MiB{}.\n",
        first.map_or(f64::NAN, |p| p.rss),
        end.map_or(f64::NAN, |p| p.hwm),
        if mem_ok { "flat" } else { "**GROWING**" },
        slope(&after_warmup),
        first.map_or(0, |p| p.fds),
        end.map_or(0, |p| p.fds),
        first.map_or(0, |p| p.sockets),
        end.map_or(0, |p| p.sockets),
        if fd_ok { "flat" } else { "**GROWING**" },
        first.map_or(0, |p| p.threads),
        end.map_or(0, |p| p.threads),
        first.map_or(0.0, |p| p.db),
        end.map_or(0.0, |p| p.db),
        end.filter(|p| p.wal > 0.0)
            .map(|p| format!(" (WAL {:.1} MiB at the end)", p.wal))
            .unwrap_or_default(),
    );
    let _ = writeln!(
        out,
        "<details><summary>Samples every {SAMPLE_SECONDS} s</summary>\n\n| s | RSS MiB | fds (sockets) | threads | database MiB | WAL MiB | answered | in flight | load avg |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    );
    for p in probes {
        let _ = writeln!(
            out,
            "| {:.0} | {:.1} | {} ({}) | {} | {:.1} | {:.1} | {} | {} | {:.1} |",
            p.t, p.rss, p.fds, p.sockets, p.threads, p.db, p.wal, p.requests, p.in_flight, p.load
        );
    }
    let _ = writeln!(out, "\n</details>\n");
    let pass = total_errors == 0 && mem_ok && fd_ok;
    let _ = writeln!(out, "Verdict: **{}**.", if pass { "pass" } else { "FAIL" });
    Verdict { text: out, pass }
}
