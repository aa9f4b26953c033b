//! `cargo xtask demo`: set up, build the web app, serve with demo data.

use anyhow::Result;

use crate::build_web::build_web;
use crate::setup::setup_web_tools;
use crate::shell::{cargo, run_cmd, workspace_root};

pub(crate) fn demo(args: &[String]) -> Result<()> {
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
