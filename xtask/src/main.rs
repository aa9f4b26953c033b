//! Duban build tasks, run as `cargo xtask <command>` (alias in `.cargo/config.toml`).
//!
//! - `build-web [--release]`: builds `duban-web` for `wasm32-unknown-unknown`, runs
//!   wasm-bindgen (the library, same version as the `wasm-bindgen` crate), for
//!   `--release` also `wasm-opt -Oz` (npm `binaryen`), and writes `dist/` with
//!   `index.html`, `style.css`, the JS glue and the wasm; prints raw and gzip sizes.
//! - `setup`: installs what a fresh Debian machine needs for the web build and the
//!   browser tests (idempotent; prints each step).
//! - `fuzz [--seconds N] [target…]`: installs cargo-fuzz if missing and runs the fuzz
//!   targets of `fuzz/` (all by default) for N seconds each; fails if any crashes.
//! - `api-fuzz [--examples N] [--seed S] [--checks LIST]`: schema-driven fuzzing of the
//!   HTTP API with Schemathesis (pinned, in a venv under `target/`) against the real
//!   `duban serve` on a fresh SQLite database, as an anonymous caller, a coordinator
//!   and an administrator; fails on any 5xx (or dropped connection).

use std::env;
use std::ffi::OsStr;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};

/// The web crate and its artifact stem (`duban-web` -> `duban_web`).
const WEB_PACKAGE: &str = "duban-web";
const WEB_STEM: &str = "duban_web";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// Cargo profile for `--release` (defined in the root `Cargo.toml`).
const RELEASE_PROFILE: &str = "wasm-release";
/// Must equal the `=` version of `wasm-bindgen` in the root `Cargo.toml`.
const WASM_BINDGEN_VERSION: &str = "0.2.130";
/// npm `binaryen` major version. Debian's binaryen (108) is too old for the wasm that
/// current rustc emits and silently produces broken bundles: never use it.
const BINARYEN_VERSION: &str = "132";
/// wasm features rustc enables by default for wasm32-unknown-unknown (1.82+);
/// wasm-opt must accept them (and wasm-bindgen uses reference types when present).
const WASM_OPT_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-reference-types",
    "--enable-multivalue",
];

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  build-web [--release]   build the web app into dist/ (release: wasm-release profile + wasm-opt -Oz)
  demo                    set up, build the web app and run Duban with SQLite and demo data
                          on http://127.0.0.1:8080 (extra arguments go to `duban serve`)
  test                    set up, then run every check and test: formatting, clippy, the
                          wasm32 build and dependency checks, all native tests (PostgreSQL
                          too when DUBAN_TEST_POSTGRES_URL is set, the crash tests and the
                          browser tests in headless Chromium), the fuzz targets over their
                          checked-in inputs, a short API fuzzing run, and the shared
                          vectors on wasm32 under node
  api-fuzz [--examples N] [--seed S] [--checks LIST]
                          fuzz the HTTP API from its OpenAPI document with Schemathesis
                          (installed into target/api-fuzz/venv) against `duban serve` on a
                          fresh SQLite database, anonymous, as coordinator and as admin;
                          N examples per operation (default 25), checks default
                          not_a_server_error; fails on any 5xx
  setup                   install the wasm target, wasm-bindgen-cli, chromium, chromedriver,
                          CJK fonts and npm binaryen if missing (Debian, root)
  fuzz [--seconds N] [target...]
                          run the fuzz targets in fuzz/ (default: all, 10 s each) with
                          cargo-fuzz (installed if missing); fails if any target crashes
  fuzz --replay           run every fuzz target once over its checked-in inputs
                          (fuzz/corpus, fuzz/regressions): a plain build, seconds (in test)
  help                    this text";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = env::args().skip(1).collect();
    let (cmd, rest) = match args.split_first() {
        Some((cmd, rest)) => (cmd.as_str(), rest),
        None => ("help", &[][..]),
    };
    match cmd {
        "build-web" => {
            let mut release = false;
            for arg in rest {
                match arg.as_str() {
                    "--release" | "-r" => release = true,
                    other => bail!("build-web: unknown argument {other:?}\n\n{USAGE}"),
                }
            }
            build_web(release)
        }
        "setup" => {
            if let Some(arg) = rest.first() {
                bail!("setup: unknown argument {arg:?}\n\n{USAGE}");
            }
            setup()
        }
        "demo" => demo(rest),
        "test" => {
            if let Some(arg) = rest.first() {
                bail!("test: unknown argument {arg:?}\n\n{USAGE}");
            }
            test()
        }
        "api-fuzz" => {
            let mut opts = FuzzOptions::default();
            let mut it = rest.iter();
            while let Some(arg) = it.next() {
                let mut value = |name: &str| {
                    it.next()
                        .cloned()
                        .with_context(|| format!("api-fuzz: {name} needs a value"))
                };
                match arg.as_str() {
                    "--examples" | "-n" => {
                        opts.examples = value("--examples")?
                            .parse()
                            .context("api-fuzz: --examples takes a whole number")?;
                    }
                    "--seed" => opts.seed = Some(value("--seed")?),
                    "--checks" | "-c" => opts.checks = value("--checks")?,
                    other => bail!("api-fuzz: unknown argument {other:?}\n\n{USAGE}"),
                }
            }
            api_fuzz(&opts)
        }
        "fuzz" => fuzz(rest),
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown command {other:?}\n\n{USAGE}"),
    }
}

// ---------------------------------------------------------------------------
// paths and processes

fn workspace_root() -> PathBuf {
    // xtask/ sits directly under the workspace root.
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or(manifest_dir)
}

fn target_dir(root: &Path) -> PathBuf {
    match env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            }
        }
        _ => root.join("target"),
    }
}

/// npm prefix for build tools (`<target>/tools/node_modules/...`).
fn tools_dir(root: &Path) -> PathBuf {
    target_dir(root).join("tools")
}

fn cargo() -> Command {
    Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn show(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        s.push(' ');
        s.push_str(&arg.to_string_lossy());
    }
    s
}

/// Runs `cmd`, echoing it, and fails unless it exits successfully.
fn run_cmd(cmd: &mut Command) -> Result<()> {
    println!("$ {}", show(cmd));
    let status = cmd
        .status()
        .with_context(|| format!("cannot start `{}`", show(cmd)))?;
    if !status.success() {
        bail!("`{}` failed: {status}", show(cmd));
    }
    Ok(())
}

/// Runs `program args` quietly and returns its stdout, or `None` if it cannot run or fails.
fn output_of<I, S>(program: impl AsRef<OsStr>, args: I) -> Option<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn is_root() -> bool {
    output_of("id", ["-u"]).is_some_and(|s| s.trim() == "0")
}

/// `apt-get` with `sudo` when not root.
fn apt_get(args: &[&str]) -> Command {
    let mut cmd = if is_root() {
        Command::new("apt-get")
    } else {
        let mut c = Command::new("sudo");
        c.arg("apt-get");
        c
    };
    cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
    cmd
}

// ---------------------------------------------------------------------------
// build-web

fn build_web(release: bool) -> Result<()> {
    let root = workspace_root();
    let web_dir = root.join("web");
    let dist = root.join("dist");
    let profile_dir = if release { RELEASE_PROFILE } else { "debug" };

    // 1. cargo build for wasm32
    let mut build = cargo();
    build
        .current_dir(&root)
        .args(["build", "--package", WEB_PACKAGE, "--target", WASM_TARGET]);
    if release {
        build.args(["--profile", RELEASE_PROFILE]);
    }
    run_cmd(&mut build)?;

    let input = target_dir(&root)
        .join(WASM_TARGET)
        .join(profile_dir)
        .join(format!("{WEB_STEM}.wasm"));
    if !input.is_file() {
        bail!("expected build output {} is missing", input.display());
    }

    // 2. wasm-bindgen into a fresh dist/
    if dist.exists() {
        fs::remove_dir_all(&dist).with_context(|| format!("cannot clear {}", dist.display()))?;
    }
    fs::create_dir_all(&dist)?;
    println!(
        "wasm-bindgen {WASM_BINDGEN_VERSION} (library): {} -> {}",
        input.display(),
        dist.display()
    );
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&input)
        .web(true)?
        .typescript(false)
        .debug(!release)
        .remove_name_section(release)
        .remove_producers_section(release)
        .generate(&dist)
        .context("wasm-bindgen failed")?;

    let js_name = format!("{WEB_STEM}.js");
    let wasm_name = format!("{WEB_STEM}_bg.wasm");
    let wasm_path = dist.join(&wasm_name);

    // 3. wasm-opt -Oz (release only)
    if release {
        let wasm_opt = ensure_wasm_opt(&root)?;
        let before = file_len(&wasm_path)?;
        let mut opt = Command::new(&wasm_opt);
        opt.arg("-Oz")
            .args(WASM_OPT_FEATURES)
            .arg(&wasm_path)
            .arg("-o")
            .arg(&wasm_path);
        run_cmd(&mut opt)?;
        println!(
            "wasm-opt: {} -> {}",
            human(before),
            human(file_len(&wasm_path)?)
        );
    }

    // 4. style.css and index.html with cache-busting ?v= hashes
    let css = fs::read(web_dir.join("style.css")).context("reading web/style.css")?;
    fs::write(dist.join("style.css"), &css)?;

    let js = fs::read(dist.join(&js_name))?;
    let wasm = fs::read(&wasm_path)?;
    let mut app_hash = Fnv64::new();
    app_hash.write(&js);
    app_hash.write(&wasm);
    let app_v = app_hash.short();
    let css_v = {
        let mut h = Fnv64::new();
        h.write(&css);
        h.short()
    };

    // The bootstrap is a file of its own: the page's CSP allows no inline script.
    let fill = |file: &str, boot_href: &str| -> Result<String> {
        let template = fs::read_to_string(web_dir.join(file))
            .with_context(|| format!("reading web/{file}"))?;
        let out = template
            .replace("{{STYLE_HREF}}", &format!("/style.css?v={css_v}"))
            .replace("{{JS_HREF}}", &format!("/{js_name}?v={app_v}"))
            .replace("{{WASM_HREF}}", &format!("/{wasm_name}?v={app_v}"))
            .replace("{{BOOT_HREF}}", boot_href);
        if let Some(pos) = out.find("{{") {
            let end = out[pos..].find("}}").map_or(out.len(), |e| pos + e + 2);
            bail!("web/{file}: unknown placeholder {}", &out[pos..end]);
        }
        Ok(out)
    };
    let boot = fill("boot.js", "")?;
    let boot_v = {
        let mut h = Fnv64::new();
        h.write(boot.as_bytes());
        h.short()
    };
    fs::write(dist.join("boot.js"), &boot)?;
    let boot_href = format!("/boot.js?v={boot_v}");
    fs::write(dist.join("index.html"), fill("index.html", &boot_href)?)?;

    // 5. the service worker, caching exactly this build's shell
    let shell = [
        "/index.html".to_owned(),
        boot_href.clone(),
        format!("/style.css?v={css_v}"),
        format!("/{js_name}?v={app_v}"),
        format!("/{wasm_name}?v={app_v}"),
    ];
    let sw = fs::read_to_string(web_dir.join("sw.js")).context("reading web/sw.js")?;
    let sw = sw
        .replace("{{VERSION}}", &format!("{app_v}-{css_v}"))
        .replace(
            "{{ASSETS}}",
            &shell
                .iter()
                .map(|a| format!("\"{a}\""))
                .collect::<Vec<_>>()
                .join(", "),
        );
    if let Some(pos) = sw.find("{{") {
        bail!("web/sw.js: unknown placeholder at {pos}");
    }
    fs::write(dist.join("sw.js"), sw)?;

    // 6. sizes, then (release) `.br` and `.gz` beside each file: the server sends them
    // to browsers that accept them (`ServeDir::precompressed_*`), compressed once here
    // at the highest levels instead of per request.
    if release {
        precompress(&dist)?;
    }
    report_sizes(&dist)?;
    println!(
        "dist ready ({}): {}",
        if release { "release" } else { "debug" },
        dist.display()
    );
    Ok(())
}

fn file_len(path: &Path) -> Result<u64> {
    Ok(fs::metadata(path)
        .with_context(|| format!("cannot stat {}", path.display()))?
        .len())
}

fn brotli_bytes(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
    Ok(out)
}

fn gzip_bytes(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes)?;
    Ok(enc.finish()?)
}

/// Write `<file>.br` and `<file>.gz` for every file of `dist/` that compresses.
fn precompress(dist: &Path) -> Result<()> {
    let mut files = Vec::new();
    collect_files(dist, &mut files)?;
    for path in files {
        let bytes = fs::read(&path)?;
        let name = path.display().to_string();
        let br = brotli_bytes(&bytes)?;
        if br.len() < bytes.len() {
            fs::write(format!("{name}.br"), br)?;
        }
        let gz = gzip_bytes(&bytes)?;
        if gz.len() < bytes.len() {
            fs::write(format!("{name}.gz"), gz)?;
        }
    }
    Ok(())
}

fn human(n: u64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.2} MiB", n as f64 / (1024.0 * 1024.0))
    } else if n >= 1024 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{n} B")
    }
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn report_sizes(dist: &Path) -> Result<()> {
    let mut files = Vec::new();
    collect_files(dist, &mut files)?;
    files.retain(|p| !matches!(p.extension().and_then(|e| e.to_str()), Some("br" | "gz")));
    files.sort();
    println!(
        "{:<40} {:>12} {:>12} {:>12}",
        "dist/", "raw", "gzip -9", "brotli 11"
    );
    let (mut raw_total, mut gz_total, mut br_total) = (0u64, 0u64, 0u64);
    for path in &files {
        let bytes = fs::read(path)?;
        let raw = bytes.len() as u64;
        // The precompressed files when there are (release), else gzip here; brotli at
        // level 11 only for release (it takes seconds per MiB).
        let beside = |ext: &str| fs::metadata(format!("{}.{ext}", path.display())).ok();
        let gz = match beside("gz") {
            Some(m) => m.len(),
            None => gzip_bytes(&bytes)?.len() as u64,
        };
        let br = beside("br").map_or(raw, |m| m.len());
        raw_total += raw;
        gz_total += gz;
        br_total += br;
        let name = path
            .strip_prefix(dist)
            .unwrap_or(path)
            .display()
            .to_string();
        println!(
            "{name:<40} {:>12} {:>12} {:>12}",
            human(raw),
            human(gz),
            human(br)
        );
    }
    println!(
        "{:<40} {:>12} {:>12} {:>12}",
        "total",
        human(raw_total),
        human(gz_total),
        human(br_total)
    );
    Ok(())
}

/// FNV-1a 64: a tiny, stable content hash for `?v=` cache busting.
struct Fnv64(u64);

impl Fnv64 {
    fn new() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    fn short(&self) -> String {
        format!("{:016x}", self.0)[..10].to_owned()
    }
}

// ---------------------------------------------------------------------------
// wasm-opt from npm binaryen

fn wasm_opt_path(root: &Path) -> PathBuf {
    tools_dir(root)
        .join("node_modules")
        .join(".bin")
        .join("wasm-opt")
}

/// `Some(version)` if `wasm-opt --version` runs (e.g. "wasm-opt version 132 (version_132)").
fn wasm_opt_version(path: &Path) -> Option<String> {
    output_of(path, ["--version"]).map(|s| s.trim().to_owned())
}

fn wasm_opt_ok(path: &Path) -> bool {
    wasm_opt_version(path).is_some_and(|v| {
        v.split_whitespace()
            .any(|w| w == BINARYEN_VERSION || w.starts_with(&format!("{BINARYEN_VERSION}.")))
    })
}

/// Returns the path of npm binaryen's wasm-opt, installing it if missing.
fn ensure_wasm_opt(root: &Path) -> Result<PathBuf> {
    let path = wasm_opt_path(root);
    if wasm_opt_ok(&path) {
        return Ok(path);
    }
    let tools = tools_dir(root);
    fs::create_dir_all(&tools)?;
    println!(
        "installing npm binaryen@{BINARYEN_VERSION} into {} (not Debian's binaryen)",
        tools.display()
    );
    let mut npm = Command::new("npm");
    npm.arg("install")
        .arg("--prefix")
        .arg(&tools)
        .args(["--no-audit", "--no-fund"])
        .arg(format!("binaryen@{BINARYEN_VERSION}"));
    run_cmd(&mut npm).context("is npm installed? (`cargo xtask setup`)")?;
    match wasm_opt_version(&path) {
        Some(v) if wasm_opt_ok(&path) => {
            println!("wasm-opt: {v}");
            Ok(path)
        }
        v => bail!(
            "{} does not report binaryen {BINARYEN_VERSION} (got {v:?})",
            path.display()
        ),
    }
}

// ---------------------------------------------------------------------------
// demo and test

fn demo(args: &[String]) -> Result<()> {
    let root = workspace_root();
    setup_web_tools(&root)?;
    build_web(true)?;
    run_cmd(
        cargo()
            .current_dir(&root)
            .args([
                "run",
                "--package",
                "duban-server",
                "--bin",
                "duban",
                "--",
                "serve",
                "--demo",
            ])
            .args(args),
    )
}

/// Crates that must build for wasm32 without tokio, mio, sqlx or axum.
const WASM_CRATES: &[&str] = &[
    "duban-hanzi",
    "duban-divisions",
    "duban-calendar",
    "duban-sla",
    "duban-case",
    "duban-dispatch",
    "duban-supervision",
    "duban-referral",
    "duban-emergency",
    "duban-intake",
    "duban-repeat",
    "duban-board",
    "duban-api",
    "duban-web",
];
const SERVER_ONLY: &[&str] = &["tokio", "mio", "sqlx", "axum"];

fn test() -> Result<()> {
    let root = workspace_root();
    setup()?;

    println!("== formatting");
    run_cmd(
        cargo()
            .current_dir(&root)
            .args(["fmt", "--all", "--", "--check"]),
    )?;

    println!("== clippy");
    run_cmd(cargo().current_dir(&root).args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;

    println!("== wasm32 builds and dependency trees");
    // The domain crates in the debug profile (the wasm vector tests reuse these
    // artifacts); the web app is built once, below, in release.
    let mut build = cargo();
    build
        .current_dir(&root)
        .args(["build", "--target", WASM_TARGET]);
    for krate in WASM_CRATES.iter().filter(|k| **k != WEB_PACKAGE) {
        build.args(["--package", krate]);
    }
    run_cmd(&mut build)?;
    for krate in WASM_CRATES {
        for dep in SERVER_ONLY {
            let out = cargo()
                .current_dir(&root)
                .args([
                    "tree",
                    "--package",
                    krate,
                    "--target",
                    WASM_TARGET,
                    "--edges",
                    "normal,build",
                    "--invert",
                    dep,
                ])
                .output()
                .context("cannot run cargo tree")?;
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            // Absent: either the package is not in the lock file at all ("did not match
            // any packages", exit 101), or it is there for other targets only (exit 0,
            // "nothing to print", empty stdout; e.g. tokio for duban-web).
            let absent = stdout.trim().is_empty()
                && (out.status.success() || stderr.contains("did not match any packages"));
            if !absent {
                bail!("{krate} pulls {dep} into its wasm32 build:\n{stdout}{stderr}");
            }
        }
        println!(
            "ok: {krate} builds for {WASM_TARGET} without {}",
            SERVER_ONLY.join(", ")
        );
    }

    println!("== web app (release)");
    build_web(true)?;

    println!("== fuzz targets over their checked-in inputs");
    fuzz_replay()?;

    println!("== native tests");
    if env::var_os("DUBAN_TEST_POSTGRES_URL").is_none() {
        println!("notice: DUBAN_TEST_POSTGRES_URL is not set; PostgreSQL tests will be skipped");
    }
    run_cmd(
        cargo()
            .current_dir(&root)
            .env("DUBAN_DIST", root.join("dist"))
            .args(["test", "--workspace"]),
    )?;

    // A short, seeded run, so that CI answers alike for the same code; the long search
    // with fresh seeds is `cargo xtask api-fuzz --examples 100` (RELIABILITY.md).
    println!("== API fuzzing from the OpenAPI document (short)");
    api_fuzz(&FuzzOptions {
        examples: 10,
        seed: Some("1".to_owned()),
        ..FuzzOptions::default()
    })?;

    // Last, so that CI's final test line counts the vectors (not an empty doc-test run).
    println!("== shared vectors on wasm32 (node)");
    run_cmd(
        cargo()
            .current_dir(&root)
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                "wasm-bindgen-test-runner",
            )
            .args([
                "test",
                "--package",
                "duban-tests",
                "--target",
                WASM_TARGET,
                "--test",
                "workspace",
            ]),
    )?;
    println!("all checks passed");
    Ok(())
}

// ---------------------------------------------------------------------------
// setup

/// What the web build needs: the wasm32 target and npm binaryen's wasm-opt.
fn setup_web_tools(root: &Path) -> Result<()> {
    println!("== rust target {WASM_TARGET}");
    let installed = output_of("rustup", ["target", "list", "--installed"]).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        println!("ok: already installed");
    } else {
        run_cmd(
            Command::new("rustup")
                .current_dir(root)
                .args(["target", "add", WASM_TARGET]),
        )?;
    }
    if output_of("npm", ["--version"]).is_none() {
        run_cmd(&mut apt_get(&["update"]))?;
        run_cmd(&mut apt_get(&["install", "-y", "npm"]))?;
    }
    println!("== npm binaryen@{BINARYEN_VERSION} (wasm-opt)");
    let wasm_opt = ensure_wasm_opt(root)?;
    println!(
        "ok: {} ({})",
        wasm_opt.display(),
        wasm_opt_version(&wasm_opt).unwrap_or_default()
    );
    Ok(())
}

fn setup() -> Result<()> {
    let root = workspace_root();
    setup_web_tools(&root)?;

    println!("== wasm-bindgen-cli {WASM_BINDGEN_VERSION} (wasm-bindgen-test-runner)");
    let runner = output_of("wasm-bindgen-test-runner", ["--version"]).unwrap_or_default();
    if runner.split_whitespace().any(|w| w == WASM_BINDGEN_VERSION) {
        println!("ok: {}", runner.trim());
    } else {
        if !runner.is_empty() {
            println!("found {}, need {WASM_BINDGEN_VERSION}", runner.trim());
        }
        run_cmd(cargo().current_dir(&root).args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &format!("={WASM_BINDGEN_VERSION}"),
        ]))?;
    }

    println!("== apt packages: chromium, chromium-driver, fonts-noto-cjk");
    let mut missing: Vec<&str> = Vec::new();
    if !Path::new("/usr/bin/chromium").exists() {
        missing.push("chromium");
    }
    if !Path::new("/usr/bin/chromedriver").exists() {
        missing.push("chromium-driver");
    }
    // Without a CJK font, headless screenshots show Chinese as boxes.
    let cjk = output_of("fc-list", [":lang=zh", "family"]).unwrap_or_default();
    if cjk.trim().is_empty() {
        missing.push("fonts-noto-cjk");
    }
    if missing.is_empty() {
        println!("ok: all present");
    } else {
        println!("missing: {}", missing.join(", "));
        run_cmd(&mut apt_get(&["update"]))?;
        let mut args = vec!["install", "-y"];
        args.extend(&missing);
        run_cmd(&mut apt_get(&args))?;
    }

    println!("setup done");
    Ok(())
}

// ---------------------------------------------------------------------------
// api-fuzz

/// Schemathesis, pinned: a new release may generate other data (and find other
/// things); bump it on purpose.
const SCHEMATHESIS_VERSION: &str = "4.32.5";
/// The fuzzing accounts' password (a throwaway database).
const FUZZ_PASSWORD: &str = "api-fuzz-password";

struct FuzzOptions {
    /// Examples per operation and phase (`--max-examples`).
    examples: u32,
    seed: Option<String>,
    checks: String,
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

/// A minimal HTTP/1.1 exchange with the server under test: status, head, body.
fn http(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<(u16, String, String)> {
    use std::io::Read as _;
    let mut s = std::net::TcpStream::connect(addr)?;
    s.set_read_timeout(Some(std::time::Duration::from_secs(60)))?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes())?;
    s.write_all(body)?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, rest) = text
        .split_once("\r\n\r\n")
        .with_context(|| format!("{method} {path}: no HTTP answer"))?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("{method} {path}: no status"))?;
    Ok((status, head.to_owned(), rest.to_owned()))
}

/// A signed-in fuzzing account: its cookie and CSRF token.
struct Session {
    cookie: String,
    csrf: String,
}

impl Session {
    fn login(addr: std::net::SocketAddr, username: &str) -> Result<Session> {
        let body = serde_json::json!({"username": username, "password": FUZZ_PASSWORD});
        let (status, head, body) = http(
            addr,
            "POST",
            "/api/v1/auth/login",
            &[("content-type", "application/json")],
            body.to_string().as_bytes(),
        )?;
        if status != 200 {
            bail!("signing in as {username}: {status} {body}");
        }
        let cookie = head
            .lines()
            .filter_map(|l| {
                l.split_once(':')
                    .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
                    .map(|(_, v)| v.trim())
            })
            .find(|c| c.starts_with("duban_session="))
            .and_then(|c| c.split(';').next())
            .context("no session cookie")?
            .to_owned();
        let v: serde_json::Value = serde_json::from_str(&body)?;
        let csrf = v["csrf_token"]
            .as_str()
            .context("no csrf_token")?
            .to_owned();
        Ok(Session { cookie, csrf })
    }

    /// A JSON (or raw) write; the created object's JSON.
    fn send(
        &self,
        addr: std::net::SocketAddr,
        path: &str,
        content_type: &str,
        body: &[u8],
        extra: &[(&str, &str)],
    ) -> Result<serde_json::Value> {
        let mut headers = vec![
            ("cookie", self.cookie.as_str()),
            ("x-csrf-token", self.csrf.as_str()),
            ("content-type", content_type),
        ];
        headers.extend_from_slice(extra);
        let (status, _, answer) = http(addr, "POST", path, &headers, body)?;
        if !(200..300).contains(&status) {
            bail!("seeding: POST {path}: {status} {answer}");
        }
        Ok(serde_json::from_str(&answer)?)
    }

    fn post(
        &self,
        addr: std::net::SocketAddr,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value> {
        self.send(
            addr,
            path,
            "application/json",
            body.to_string().as_bytes(),
            &[],
        )
    }
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
fn seed_fuzz_data(addr: std::net::SocketAddr, coordinator: &Session) -> Result<Vec<String>> {
    let case = serde_json::json!({
        "channel": "inspection_phone",
        "batch_number": 3,
        "batch_date": "2025-06-02",
        "sender_ref": "D030123",
        "complainant_name": "张先生",
        "complainant_phone": "13912345678",
        "content": "镇江市京口区某化工企业夜间偷排废气，气味刺鼻，周边居民晚上不敢开窗。",
        "address": "镇江市京口区象山街道",
        "division": "321102",
        "lat": 32.2, "lon": 119.47,
        "categories": ["air"],
        "key_classes": [],
        "received_at": "2025-06-03T01:30:00Z"
    });
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
        ids.push(id(&coordinator.post(addr, "/api/v1/cases", &body)?, "/id")?);
    }
    for case_id in &ids[1..] {
        coordinator.post(
            addr,
            &format!("/api/v1/cases/{case_id}/actions"),
            &serde_json::json!({"action": "dispatch", "lead_unit": "gov-3211"}),
        )?;
    }
    const PNG: &[u8] =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    let attachment = coordinator.send(
        addr,
        &format!("/api/v1/cases/{}/attachments", ids[1]),
        "image/png",
        PNG,
        &[("x-file-name", "a.png")],
    )?;
    let referral = coordinator.post(
        addr,
        &format!("/api/v1/cases/{}/referrals", ids[1]),
        &serde_json::json!({"action": "send", "from_unit": "prov-coord", "to_unit": "dept-zjt",
            "subject": "管网问题", "text": "请协同核查", "amount": 2, "unit": "working_days"}),
    )?;
    let declare = serde_json::json!({"action": "declare", "title": "河道发现死鱼",
        "incident_type": "water_pollution", "severity": "IV", "division": "321102"});
    let incident = coordinator.post(addr, "/api/v1/incidents", &declare)?;
    let from_case = coordinator.post(
        addr,
        &format!("/api/v1/cases/{}/incidents", ids[2]),
        &declare,
    )?;
    coordinator
        .post(
            addr,
            &format!("/api/v1/cases/{}/supervision", ids[3]),
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

fn api_fuzz(opts: &FuzzOptions) -> Result<()> {
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
    while http(server.addr, "GET", "/healthz", &[], b"")
        .map(|r| r.0)
        .ok()
        != Some(200)
    {
        if up.elapsed() > std::time::Duration::from_secs(60) {
            bail!("duban serve did not come up; see {}", log_path.display());
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }

    let admin = Session::login(addr, "fz-admin")?;
    let coordinator = Session::login(addr, "fz-coordinator")?;
    let ids = seed_fuzz_data(addr, &coordinator)?;
    println!("seeded {} objects", ids.len());
    let config = work.join("schemathesis.toml");
    fs::write(&config, fuzz_config(&ids))?;

    let schema = format!("http://{addr}/api/v1/openapi.json");
    let mut runs = Vec::new();
    let identities: [(&'static str, Option<&Session>); 3] = [
        ("anonymous", None),
        ("coordinator", Some(&coordinator)),
        ("admin", Some(&admin)),
    ];
    for (identity, session) in identities {
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
            cmd.args(["--exclude-path", "/api/v1/auth/logout"])
                .args(["--header", &format!("Cookie: {}", session.cookie)])
                .args(["--header", &format!("X-CSRF-Token: {}", session.csrf)]);
        }
        let mut shown = show(&cmd);
        if let Some(session) = session {
            shown = shown
                .replace(&session.cookie, "duban_session=…")
                .replace(&session.csrf, "…");
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

// ---------------------------------------------------------------------------
// fuzz

/// cargo-fuzz, pinned (builds with the pinned toolchain; `cargo install --locked`).
const CARGO_FUZZ_VERSION: &str = "0.13.2";
/// The targets in `fuzz/fuzz_targets/`, in the order they run.
const FUZZ_TARGETS: &[&str] = &[
    "import_csv",
    "import_xlsx",
    "import_gbk",
    "case_json",
    "case_command",
    "open311_form",
];
const FUZZ_SECONDS: u64 = 10;

/// Runs every fuzz target once over each input checked in for it: the seeds
/// (`fuzz/corpus/<target>`) and `fuzz/regressions/<target>`, a coverage-minimised set
/// of what long runs found (`-set_cover_merge=1`). A plain debug build in the shared
/// target directory, no cargo-fuzz and no sanitizer: libFuzzer's `-runs=0` only runs
/// the inputs it is given. CI's share of the fuzzing; `cargo xtask fuzz` is the search.
fn fuzz_replay() -> Result<()> {
    let root = workspace_root();
    let dir = root.join("fuzz");
    let target = target_dir(&root);
    run_cmd(
        cargo()
            .current_dir(&root)
            .env("CARGO_TARGET_DIR", &target)
            .args(["build", "--bins", "--manifest-path"])
            .arg(dir.join("Cargo.toml")),
    )?;
    for name in FUZZ_TARGETS {
        run_cmd(
            Command::new(target.join("debug").join(name))
                .arg("-runs=0")
                .arg(dir.join("corpus").join(name))
                .arg(dir.join("regressions").join(name)),
        )
        .with_context(|| format!("fuzz target {name} fails on a checked-in input"))?;
    }
    println!(
        "ok: {} fuzz targets over their checked-in inputs",
        FUZZ_TARGETS.len()
    );
    Ok(())
}

/// Runs the fuzz targets for `--seconds` each, every one over its checked-in seeds
/// (`fuzz/corpus/<target>`), the checked-in regressions (`fuzz/regressions/<target>`)
/// and what earlier runs found (`fuzz/grown/<target>`, not checked in). The toolchain is stable: `RUSTC_BOOTSTRAP=1` lets cargo-fuzz pass its
/// `-Z` flags (AddressSanitizer, coverage). A crash leaves its input in
/// `fuzz/artifacts/<target>/`; replay it with `cargo fuzz run <target> <file>` there.
fn fuzz(args: &[String]) -> Result<()> {
    if args.iter().any(|a| a == "--replay") {
        if args.len() > 1 {
            bail!("fuzz: --replay takes no other argument\n\n{USAGE}");
        }
        return fuzz_replay();
    }
    let mut seconds = FUZZ_SECONDS;
    let mut targets: Vec<&str> = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let value = match arg.as_str() {
            "--seconds" => rest.next().map(String::as_str),
            a if a.starts_with("--seconds=") => a.strip_prefix("--seconds="),
            a if a.starts_with('-') => bail!("fuzz: unknown argument {a:?}\n\n{USAGE}"),
            a => match FUZZ_TARGETS.iter().find(|t| **t == a) {
                Some(t) => {
                    targets.push(t);
                    continue;
                }
                None => bail!(
                    "fuzz: unknown target {a:?}; targets: {}",
                    FUZZ_TARGETS.join(", ")
                ),
            },
        };
        seconds = match value.map(str::parse::<u64>) {
            Some(Ok(n)) if n > 0 => n,
            _ => bail!("fuzz: --seconds needs a positive number of seconds\n\n{USAGE}"),
        };
    }
    if targets.is_empty() {
        targets = FUZZ_TARGETS.to_vec();
    }
    let root = workspace_root();
    let dir = root.join("fuzz");

    println!("== cargo-fuzz {CARGO_FUZZ_VERSION}");
    let found = output_of(cargo().get_program(), ["fuzz", "--version"]).unwrap_or_default();
    if found.split_whitespace().any(|w| w == CARGO_FUZZ_VERSION) {
        println!("ok: {}", found.trim());
    } else {
        if !found.is_empty() {
            println!("found {}, need {CARGO_FUZZ_VERSION}", found.trim());
        }
        run_cmd(cargo().current_dir(&root).args([
            "install",
            "cargo-fuzz",
            "--version",
            &format!("={CARGO_FUZZ_VERSION}"),
            "--locked",
        ]))?;
    }

    let fuzz_cmd = || {
        let mut cmd = cargo();
        cmd.current_dir(&dir)
            .env("RUSTC_BOOTSTRAP", "1")
            .arg("fuzz");
        cmd
    };
    println!("== build");
    if targets.len() == FUZZ_TARGETS.len() {
        run_cmd(fuzz_cmd().arg("build"))?;
    } else {
        for target in &targets {
            run_cmd(fuzz_cmd().args(["build", target]))?;
        }
    }

    let mut crashed = Vec::new();
    for target in &targets {
        println!("== fuzz {target} ({seconds} s)");
        let grown = dir.join("grown").join(target);
        fs::create_dir_all(&grown).with_context(|| format!("cannot create {}", grown.display()))?;
        let mut cmd = fuzz_cmd();
        cmd.args(["run", target])
            .arg(&grown)
            .arg(dir.join("corpus").join(target))
            .arg(dir.join("regressions").join(target))
            .args([
                "--".to_owned(),
                format!("-max_total_time={seconds}"),
                // Slow inputs are findings too (hostile input), and so is memory.
                "-timeout=10".to_owned(),
                "-rss_limit_mb=2048".to_owned(),
                "-print_final_stats=1".to_owned(),
            ]);
        let dict = dir.join("dict").join(format!("{target}.dict"));
        if dict.exists() {
            cmd.arg(format!("-dict={}", dict.display()));
        }
        if let Err(e) = run_cmd(&mut cmd) {
            eprintln!("xtask: {target} crashed: {e:#}");
            crashed.push(*target);
        }
    }
    if !crashed.is_empty() {
        bail!(
            "fuzz targets crashed: {} (inputs in {})",
            crashed.join(", "),
            dir.join("artifacts").display()
        );
    }
    println!(
        "fuzz: {} targets ran {seconds} s each without a crash",
        targets.len()
    );
    Ok(())
}
