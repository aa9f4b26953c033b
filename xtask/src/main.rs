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
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

mod api_fuzz;
mod build_web;
mod demo;
mod fuzz;
mod setup;
mod shell;
mod test;

use api_fuzz::{FuzzOptions, api_fuzz};
use build_web::build_web;
use demo::demo;
use fuzz::fuzz;
use setup::setup;
use test::test;

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
