//! Duban build tasks, run as `cargo xtask <command>` (alias in `.cargo/config.toml`).
//!
//! - `build-web [--release]`: builds `duban-web` for `wasm32-unknown-unknown`, runs
//!   wasm-bindgen (the library, same version as the `wasm-bindgen` crate), for
//!   `--release` also `wasm-opt -Oz` (npm `binaryen`), and writes `dist/` with
//!   `index.html`, `style.css`, the JS glue and the wasm; prints raw and gzip sizes.
//! - `setup`: installs what a fresh Debian machine needs for the web build and the
//!   browser tests (idempotent; prints each step).

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
                          too when DUBAN_TEST_POSTGRES_URL is set), the shared vectors on
                          wasm32 under node, and the browser test in headless Chromium
  setup                   install the wasm target, wasm-bindgen-cli, chromium, chromedriver,
                          CJK fonts and npm binaryen if missing (Debian, root)
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

    let template =
        fs::read_to_string(web_dir.join("index.html")).context("reading web/index.html")?;
    let html = template
        .replace("{{STYLE_HREF}}", &format!("/style.css?v={css_v}"))
        .replace("{{JS_HREF}}", &format!("/{js_name}?v={app_v}"))
        .replace("{{WASM_HREF}}", &format!("/{wasm_name}?v={app_v}"));
    if let Some(pos) = html.find("{{") {
        let end = html[pos..].find("}}").map_or(html.len(), |e| pos + e + 2);
        bail!("web/index.html: unknown placeholder {}", &html[pos..end]);
    }
    fs::write(dist.join("index.html"), html)?;

    // 5. the service worker, caching exactly this build's shell
    let shell = [
        "/index.html".to_owned(),
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
