//! `cargo xtask fuzz`: the cargo-fuzz targets, and their replay over checked-in inputs.

use std::fs;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::USAGE;
use crate::shell::{cargo, output_of, run_cmd, target_dir, workspace_root};

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
pub(crate) fn fuzz_replay() -> Result<()> {
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
pub(crate) fn fuzz(args: &[String]) -> Result<()> {
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
