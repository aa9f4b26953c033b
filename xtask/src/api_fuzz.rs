//! `cargo xtask api-fuzz`: Schemathesis against the real `duban serve`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use duban_api::Endpoint;
use duban_api::attachments::UploadAttachment;
use duban_api::cases::{ActOnCase, CreateCase};
use duban_api::health::{Healthz, OpenApiDocument};
use duban_api::incidents::{DeclareIncident, DeclareIncidentFromCase};
use duban_api::keys::CaseKey;
use duban_api::referrals::Refer;
use duban_api::session::Logout;
use duban_api::supervision::Supervise;
use duban_testkit::http::{Session, exchange};

use crate::shell::{cargo, output_of, run_cmd, show, target_dir, workspace_root};

/// Schemathesis, pinned: a new release may generate other data (and find other
/// things); bump it on purpose.
const SCHEMATHESIS_VERSION: &str = "4.32.5";
/// The fuzzing accounts' password (a throwaway database).
const FUZZ_PASSWORD: &str = "api-fuzz-password";

pub(crate) struct FuzzOptions {
    /// Examples per operation and phase (`--max-examples`).
    pub(crate) examples: u32,
    pub(crate) seed: Option<String>,
    pub(crate) checks: String,
}

impl Default for FuzzOptions {
    fn default() -> Self {
        FuzzOptions {
            examples: 25,
            seed: None,
            checks: "not_a_server_error".to_owned(),
        }
    }
}

/// The venv's `st`, installing Schemathesis if it is missing or another version.
fn ensure_schemathesis(root: &Path) -> Result<PathBuf> {
    let venv = target_dir(root).join("api-fuzz").join("venv");
    let st = venv.join("bin").join("st");
    let wanted = |st: &Path| {
        output_of(st, ["--version"]).is_some_and(|v| {
            v.split(|c: char| c.is_whitespace() || c == ',')
                .any(|w| w == SCHEMATHESIS_VERSION)
        })
    };
    if wanted(&st) {
        return Ok(st);
    }
    println!(
        "== installing schemathesis=={SCHEMATHESIS_VERSION} into {}",
        venv.display()
    );
    if !venv.join("bin").join("pip").is_file() {
        run_cmd(Command::new("python3").arg("-m").arg("venv").arg(&venv))
            .context("is python3 with venv installed? (apt-get install python3-venv)")?;
    }
    run_cmd(
        Command::new(venv.join("bin").join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .arg(format!("schemathesis=={SCHEMATHESIS_VERSION}")),
    )?;
    if !wanted(&st) {
        bail!("{} does not report {SCHEMATHESIS_VERSION}", st.display());
    }
    Ok(st)
}

/// Signs a fuzzing account in.
fn login(addr: std::net::SocketAddr, username: &str) -> Result<Session> {
    Session::sign_in(addr, username, FUZZ_PASSWORD)
        .with_context(|| format!("signing in as {username}"))
}

/// A write to `E` with a JSON body; the created object's JSON.
fn post<E: Endpoint<Query = ()>>(
    session: &Session,
    path: &E::Path,
    body: &serde_json::Value,
) -> Result<serde_json::Value> {
    send::<E>(
        session,
        path,
        ("application/json", &body.to_string().into_bytes()),
        &[],
    )
}

/// A write to `E` of bytes of a content type, with headers besides.
fn send<E: Endpoint<Query = ()>>(
    session: &Session,
    path: &E::Path,
    (content_type, body): (&str, &[u8]),
    extra: &[(&str, &str)],
) -> Result<serde_json::Value> {
    let url = E::url(path, &());
    let mut headers = vec![("content-type", content_type)];
    headers.extend_from_slice(extra);
    let answer = session.send(E::METHOD.as_str(), &url, &headers, body)?;
    if !answer.is_success() {
        bail!(
            "seeding: {} {url}: {} {}",
            E::METHOD.as_str(),
            answer.status,
            answer.body
        );
    }
    Ok(answer.json())
}

/// The `duban serve` under test; killed when dropped.
struct FuzzServer {
    child: std::process::Child,
    addr: std::net::SocketAddr,
}

impl Drop for FuzzServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Cases in a few states, an attachment, a referral and two incidents, so that path
/// parameters can name real objects. Answers their ids.
fn seed_fuzz_data(coordinator: &Session) -> Result<Vec<String>> {
    let case = duban_testkit::valid_case();
    let id = |v: &serde_json::Value, pointer: &str| -> Result<String> {
        v.pointer(pointer)
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
            .with_context(|| format!("seeding: no {pointer} in {v}"))
    };
    let mut ids = Vec::new();
    for key in [false, false, true, true] {
        let mut body = case.clone();
        if key {
            body["key_classes"] = serde_json::json!(["repeated"]);
        }
        ids.push(id(&post::<CreateCase>(coordinator, &(), &body)?, "/id")?);
    }
    for case_id in &ids[1..] {
        post::<ActOnCase>(
            coordinator,
            &CaseKey::new(case_id),
            &serde_json::json!({"action": "dispatch", "lead_unit": "gov-3211"}),
        )?;
    }
    const PNG: &[u8] =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    let attachment = send::<UploadAttachment>(
        coordinator,
        &CaseKey::new(&*ids[1]),
        ("image/png", PNG),
        &[("x-file-name", "a.png")],
    )?;
    let referral = post::<Refer>(
        coordinator,
        &CaseKey::new(&*ids[1]),
        &serde_json::json!({"action": "send", "from_unit": "prov-coord", "to_unit": "dept-zjt",
            "subject": "管网问题", "text": "请协同核查", "amount": 2, "unit": "working_days"}),
    )?;
    let declare = serde_json::json!({"action": "declare", "title": "河道发现死鱼",
        "incident_type": "water_pollution", "severity": "IV", "division": "321102"});
    let incident = post::<DeclareIncident>(coordinator, &(), &declare)?;
    let from_case =
        post::<DeclareIncidentFromCase>(coordinator, &CaseKey::new(&*ids[2]), &declare)?;
    post::<Supervise>(
        coordinator,
        &CaseKey::new(&*ids[3]),
        &serde_json::json!({"action": "assign", "supervisor": "fz-coordinator"}),
    )
    .ok();
    ids.push(id(&attachment, "/id")?);
    ids.push(id(&referral, "/referral/id")?);
    ids.push(id(&incident, "/incident/id")?);
    ids.push(id(&from_case, "/incident/id")?);
    Ok(ids)
}

/// `schemathesis.toml`: real objects for `{id}` and `{batch}` path parameters, half the
/// time (the other half Schemathesis makes up its own).
fn fuzz_config(ids: &[String]) -> String {
    let mut values: Vec<String> = ids.iter().map(|i| format!("{i:?}")).collect();
    // Units, a rule set, the seeded batch's reference prefix.
    for extra in [
        "gov-3211",
        "prov-coord",
        "dept-zjt",
        "inspection_transfer",
        "JS-2025-B03-0001",
    ] {
        values.push(format!("{extra:?}"));
    }
    format!(
        "# Written by `cargo xtask api-fuzz`.\n\
         [dictionaries.objects]\nvalues = [{}]\n\n\
         [dictionaries.batches]\nvalues = [3, 1, 99]\n\n\
         [dictionaries.years]\nvalues = [2025, 2026, 2000, 2199]\n\n\
         [parameters]\n\
         \"path.id\" = {{ dictionary = \"objects\", probability = 0.5 }}\n\
         \"path.batch\" = {{ dictionary = \"batches\", probability = 0.5 }}\n\
         \"path.year\" = {{ dictionary = \"years\", probability = 0.5 }}\n",
        values.join(", ")
    )
}

/// What one identity's run found, from Schemathesis's summary.
struct FuzzRun {
    identity: &'static str,
    ok: bool,
    summary: String,
    seconds: f64,
}

pub(crate) fn api_fuzz(opts: &FuzzOptions) -> Result<()> {
    use std::io::BufRead as _;
    let started = std::time::Instant::now();
    let root = workspace_root();
    let st = ensure_schemathesis(&root)?;

    println!("== building duban");
    run_cmd(cargo().current_dir(&root).args([
        "build",
        "--package",
        "duban-server",
        "--bin",
        "duban",
    ]))?;
    let duban = target_dir(&root).join("debug").join("duban");

    let work = target_dir(&root)
        .join("api-fuzz")
        .join(format!("run-{}", std::process::id()));
    if work.exists() {
        fs::remove_dir_all(&work)?;
    }
    fs::create_dir_all(&work)?;
    let db = work.join("duban.db");
    let db_url = format!("sqlite://{}", db.display());

    println!("== accounts");
    for (username, role, unit) in [
        ("fz-admin", "admin", None),
        ("fz-coordinator", "coordinator", Some("prov-coord")),
    ] {
        let mut add = Command::new(&duban);
        add.args(["user", "add", "--username", username, "--role", role])
            .args(["--database-url", &db_url])
            .env("DUBAN_USER_PASSWORD", FUZZ_PASSWORD)
            .env("RUST_LOG", "warn");
        if let Some(unit) = unit {
            add.args(["--unit", unit]);
        }
        run_cmd(&mut add)?;
    }

    let addr = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    let log_path = work.join("server.log");
    println!(
        "== duban serve on {addr} (log: {}, database: {})",
        log_path.display(),
        db.display()
    );
    let log = fs::File::create(&log_path)?;
    let child = Command::new(&duban)
        .args([
            "serve",
            "--addr",
            &addr.to_string(),
            "--database-url",
            &db_url,
        ])
        .args([
            "--dist",
            "/nonexistent",
            "--rate-limit",
            "0",
            "--sweep-seconds",
            "0",
        ])
        .env("RUST_LOG", "warn")
        .env("RUST_BACKTRACE", "1")
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .spawn()
        .context("cannot start duban serve")?;
    let server = FuzzServer { child, addr };
    let up = std::time::Instant::now();
    while exchange(server.addr, "GET", Healthz::PATH, &[], b"").map(|a| a.status) != Ok(200) {
        if up.elapsed() > std::time::Duration::from_secs(60) {
            bail!("duban serve did not come up; see {}", log_path.display());
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }

    let admin = login(addr, "fz-admin")?;
    let coordinator = login(addr, "fz-coordinator")?;
    let ids = seed_fuzz_data(&coordinator)?;
    println!("seeded {} objects", ids.len());
    let config = work.join("schemathesis.toml");
    fs::write(&config, fuzz_config(&ids))?;

    let schema = format!("http://{addr}{}", OpenApiDocument::PATH);
    let mut runs = Vec::new();
    let identities: [(&'static str, Option<&Session>); 3] = [
        ("anonymous", None),
        ("coordinator", Some(&coordinator)),
        ("admin", Some(&admin)),
    ];
    // A run that failed only because Schemathesis itself broke (a "Runtime Error", no
    // failed check) is run once more: that is the tool's fault, not the API's.
    let mut attempts = identities
        .iter()
        .map(|&(id, s)| (id, s, 1))
        .collect::<Vec<_>>();
    attempts.reverse();
    while let Some((identity, session, attempt)) = attempts.pop() {
        println!("== schemathesis as {identity}");
        let t = std::time::Instant::now();
        let mut cmd = Command::new(&st);
        cmd.current_dir(&work)
            .arg("--config-file")
            .arg(&config)
            .args(["run", &schema, "--checks", &opts.checks])
            .args(["--max-examples", &opts.examples.to_string()])
            .args(["--workers", "2", "--no-color", "--request-timeout", "30"])
            .args(["--generation-database", "none"])
            .arg("--report")
            .arg("junit")
            .arg("--report-junit-path")
            .arg(work.join(format!("junit-{identity}.xml")))
            .env("PYTHONUNBUFFERED", "1");
        if let Some(seed) = &opts.seed {
            cmd.args(["--seed", seed]);
        }
        if let Some(session) = session {
            // Signing out would end the session the rest of the run uses.
            cmd.args(["--exclude-path", Logout::PATH]);
            for (name, value) in session.headers() {
                cmd.args(["--header", &format!("{name}: {value}")]);
            }
        }
        let mut shown = show(&cmd);
        if let Some(session) = session {
            for (_, value) in session.headers() {
                shown = shown.replace(value, "…");
            }
        }
        println!("$ {shown}");
        let mut child = cmd
            .stdout(std::process::Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start {}", st.display()))?;
        let mut summary = String::new();
        let mut in_summary = false;
        if let Some(out) = child.stdout.take() {
            for line in std::io::BufReader::new(out).lines() {
                let line = line?;
                println!("{line}");
                if line.contains("SUMMARY") {
                    in_summary = true;
                }
                if in_summary {
                    summary.push_str(&line);
                    summary.push('\n');
                }
            }
        }
        let status = child.wait()?;
        let tool_broke = summary.contains("Runtime Error") && every_case_passed(&summary);
        if !status.success() && tool_broke && attempt == 1 {
            println!("== Schemathesis broke with no failed check; running {identity} again");
            attempts.push((identity, session, 2));
            continue;
        }
        runs.push(FuzzRun {
            identity,
            ok: status.success(),
            summary,
            seconds: t.elapsed().as_secs_f64(),
        });
    }

    // A panic in a handler drops the connection (Schemathesis reports a network error);
    // the log says where.
    let log_text = fs::read_to_string(&log_path).unwrap_or_default();
    let panics: Vec<&str> = log_text
        .lines()
        .filter(|l| l.contains("panicked at"))
        .collect();
    drop(server);

    println!("== api-fuzz: {} s in all", started.elapsed().as_secs());
    for run in &runs {
        let cases = run
            .summary
            .lines()
            .skip_while(|l| !l.starts_with("Test cases:"))
            .nth(1)
            .unwrap_or("")
            .trim();
        println!(
            "{:<12} {:>6.0} s  {}  {cases}",
            run.identity,
            run.seconds,
            if run.ok { "ok    " } else { "FAILED" }
        );
    }
    for p in &panics {
        println!("server panic: {p}");
    }
    let failed: Vec<&str> = runs.iter().filter(|r| !r.ok).map(|r| r.identity).collect();
    if !failed.is_empty() || !panics.is_empty() {
        bail!(
            "api-fuzz found failures (runs: {}; server panics: {}); reports and the server log are in {}",
            if failed.is_empty() {
                "none".to_owned()
            } else {
                failed.join(", ")
            },
            panics.len(),
            work.display()
        );
    }
    fs::remove_dir_all(&work).ok();
    println!(
        "api-fuzz: no 5xx ({} examples per operation)",
        opts.examples
    );
    Ok(())
}

/// Whether a Schemathesis summary says every generated case passed
/// (`3701 generated, 3701 passed`).
fn every_case_passed(summary: &str) -> bool {
    summary.lines().any(|line| {
        let Some((generated, passed)) = line.trim().split_once(" generated, ") else {
            return false;
        };
        passed.strip_suffix(" passed") == Some(generated)
    })
}

#[cfg(test)]
mod tests {
    use super::every_case_passed;

    #[test]
    fn a_summary_passes_only_when_every_generated_case_did() {
        assert!(every_case_passed(
            "Test cases:\n  3701 generated, 3701 passed\n"
        ));
        assert!(!every_case_passed(
            "Test cases:\n  3701 generated, 3699 passed, 2 failed\n"
        ));
        assert!(!every_case_passed(
            "Test cases:\n  3701 generated, 3700 passed\n"
        ));
        assert!(!every_case_passed("Runtime Error\n"));
    }
}
