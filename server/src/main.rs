//! `duban`: the server binary.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "duban",
    version,
    about = "督办 Duban: environmental complaint case handling"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the web server.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "DUBAN_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// `postgres://…` for PostgreSQL; otherwise a SQLite URL or file path.
        #[arg(
            long,
            env = "DATABASE_URL",
            default_value = "sqlite://duban-data/duban.db"
        )]
        database_url: String,
        /// Folder of the built web app (from `cargo xtask build-web`).
        #[arg(long, env = "DUBAN_DIST", default_value = "dist")]
        dist: PathBuf,
        /// Load the demo data set (once).
        #[arg(long)]
        demo: bool,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    match Cli::parse().command {
        Cmd::Serve {
            addr,
            database_url,
            dist,
            demo,
        } => serve(addr, &database_url, dist, demo).await,
    }
}

async fn serve(
    addr: SocketAddr,
    database_url: &str,
    dist: PathBuf,
    demo: bool,
) -> anyhow::Result<()> {
    let store = duban_server::store::open(database_url).await?;
    tracing::info!(database = store.kind(), "storage ready");
    let state = duban_server::app::AppState::new(store).await?;
    if demo {
        let n = duban_server::seed::load_demo(&state).await?;
        if n > 0 {
            tracing::info!(cases = n, "demo data loaded");
        } else {
            tracing::info!("demo data already present");
        }
    }
    let dist = if dist.join("index.html").exists() {
        Some(dist)
    } else {
        tracing::warn!(dist = %dist.display(), "no built web app found; run `cargo xtask build-web` (serving the API only)");
        None
    };
    let app = duban_server::app::router(state, dist);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("Duban listening on http://{addr}");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

/// Ctrl-C or SIGTERM: stop accepting, let in-flight requests finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    tracing::info!("shutting down");
}
