//! `cargo xtask test`: every check and test, in the order CI runs them.

use std::env;

use anyhow::{Context, Result, bail};

use crate::api_fuzz::{FuzzOptions, api_fuzz};
use crate::build_web::build_web;
use crate::fuzz::fuzz_replay;
use crate::setup::setup;
use crate::shell::{cargo, run_cmd, workspace_root};
use crate::{WASM_TARGET, WEB_PACKAGE};

/// Crates that must build for wasm32 without tokio, mio, sqlx or axum.
const WASM_CRATES: &[&str] = &[
    "duban-text",
    "duban-core",
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

pub(crate) fn test() -> Result<()> {
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
