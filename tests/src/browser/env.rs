//! What the browser tests need from the machine (the built web app, chromedriver,
//! Chromium) and the temporary folders they work in.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};

/// A fresh folder under `parent` for files the browser uploads.
pub fn tempdir_in(parent: &Path) -> Result<PathBuf> {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
    let dir = parent.join(format!("uploads-{nanos}"));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// What the test needs from the machine.
pub struct Env {
    pub(crate) dist: PathBuf,
    pub(crate) chromedriver: PathBuf,
    pub(crate) chromium: PathBuf,
    /// Where screenshots go.
    pub(crate) shots: PathBuf,
}

impl Env {
    /// `None` (with a notice) when something is missing outside CI; an error under CI.
    pub fn find() -> Result<Option<Env>> {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .context("no workspace above tests/")?
            .to_path_buf();
        let dist = std::env::var_os("DUBAN_DIST")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace.join("dist"));
        let chromedriver = std::env::var_os("CHROMEDRIVER")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"));
        let chromium = std::env::var_os("CHROME_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));

        let mut missing = Vec::new();
        if !dist.join("index.html").is_file() {
            missing.push(format!(
                "{} (run `cargo xtask build-web --release` or set DUBAN_DIST)",
                dist.join("index.html").display()
            ));
        }
        for (what, path) in [("chromedriver", &chromedriver), ("chromium", &chromium)] {
            if !path.is_file() {
                missing.push(format!(
                    "{what} at {} (run `cargo xtask setup`)",
                    path.display()
                ));
            }
        }
        if !missing.is_empty() {
            let why = missing.join("; ");
            if std::env::var_os("CI").is_some() {
                panic!("the browser test must run in CI, but it is missing: {why}");
            }
            eprintln!("skipping browser test: missing {why}");
            return Ok(None);
        }
        if let Some(newer) = newer_source(&workspace, &dist) {
            eprintln!(
                "note: {} is newer than {}; run `cargo xtask build-web --release` to test current code",
                newer.display(),
                dist.display()
            );
        }

        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .map(|t| {
                if t.is_relative() {
                    workspace.join(t)
                } else {
                    t
                }
            })
            .unwrap_or_else(|| workspace.join("target"));
        let shots = target.join("browser-test");
        std::fs::create_dir_all(&shots).with_context(|| format!("creating {}", shots.display()))?;
        Ok(Some(Env {
            dist,
            chromedriver,
            chromium,
            shots,
        }))
    }
}

/// A web or domain source file changed after the bundle was built, if any.
fn newer_source(workspace: &Path, dist: &Path) -> Option<PathBuf> {
    let built = std::fs::metadata(dist.join("index.html"))
        .and_then(|m| m.modified())
        .ok()?;
    let mut dirs = vec![workspace.join("web")];
    if let Ok(crates) = std::fs::read_dir(workspace.join("crates")) {
        dirs.extend(crates.flatten().map(|e| e.path()));
    }
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).ok()?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|m| m > built)
            {
                return Some(path);
            }
        }
    }
    None
}

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> Result<TempDir> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let path =
            std::env::temp_dir().join(format!("duban-browser-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path)?;
        Ok(TempDir(path))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
