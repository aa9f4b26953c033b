//! `cargo xtask setup`: what a fresh Debian machine needs for the web build and the
//! browser tests.

use std::path::Path;
use std::process::Command;

use anyhow::Result;

use crate::build_web::{ensure_wasm_opt, wasm_opt_version};
use crate::shell::{apt_get, cargo, output_of, run_cmd, workspace_root};
use crate::{BINARYEN_VERSION, WASM_BINDGEN_VERSION, WASM_TARGET};

/// What the web build needs: the wasm32 target and npm binaryen's wasm-opt.
pub(crate) fn setup_web_tools(root: &Path) -> Result<()> {
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

pub(crate) fn setup() -> Result<()> {
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
