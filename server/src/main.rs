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
        /// Load the demo data set (once) and the demo users (password `duban-demo-2025`).
        #[arg(long)]
        demo: bool,
        /// Seconds between SLA sweeps that fire escalation steps (0: no sweeper).
        #[arg(long, env = "DUBAN_SWEEP_SECONDS", default_value_t = 60)]
        sweep_seconds: u64,
        /// On SIGTERM or Ctrl-C, seconds to answer `/readyz` with 503 before new
        /// connections are refused (for a load balancer to notice); requests in flight
        /// always finish.
        #[arg(long, env = "DUBAN_DRAIN_SECONDS", default_value_t = 0)]
        drain_seconds: u64,
        /// Requests a second per client address, sustained (0: no limit); over it a
        /// client gets 429 `rate.limited` with Retry-After.
        #[arg(long, env = "DUBAN_RATE_LIMIT", default_value_t = 50)]
        rate_limit: u32,
        /// Requests per client address at once, above the sustained rate.
        #[arg(long, env = "DUBAN_RATE_BURST", default_value_t = 200)]
        rate_burst: u32,
        /// Minutes a session may go unused before it ends, besides its 12-hour
        /// lifetime (0: no idle end).
        #[arg(long, env = "DUBAN_IDLE_MINUTES", default_value_t = duban_server::auth::IDLE_MINUTES)]
        idle_minutes: u32,
    },
    /// Write a consistent copy of a running SQLite database (PostgreSQL: use pg_dump).
    Backup {
        #[arg(
            long,
            env = "DATABASE_URL",
            default_value = "sqlite://duban-data/duban.db"
        )]
        database_url: String,
        /// The backup file to write (it must not exist).
        #[arg(long)]
        to: PathBuf,
    },
    /// Put a backup in place of a SQLite database no server is using; the database it
    /// replaces is kept beside it (`<file>.before-restore-<time>`).
    Restore {
        /// The backup file (from `duban backup`).
        #[arg(long)]
        from: PathBuf,
        #[arg(
            long,
            env = "DATABASE_URL",
            default_value = "sqlite://duban-data/duban.db"
        )]
        database_url: String,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCmd,
    },
}

#[derive(Subcommand)]
enum UserCmd {
    /// Add an account. The password comes from DUBAN_USER_PASSWORD, or a one-time
    /// password is generated and printed.
    Add {
        #[arg(long)]
        username: String,
        /// admin, coordinator, supervisor, handler or leader.
        #[arg(long)]
        role: String,
        /// The unit the account belongs to (required for handlers), e.g. gov-3211.
        #[arg(long)]
        unit: Option<String>,
        #[arg(long, default_value = "")]
        display_name: String,
        #[arg(
            long,
            env = "DATABASE_URL",
            default_value = "sqlite://duban-data/duban.db"
        )]
        database_url: String,
    },
}

// glibc's malloc keeps an arena per thread (tokio's workers, sqlx's SQLite threads) and
// holds on to memory freed in each: in the soak the server's RSS grew about 5 MiB a
// minute with the data, and stayed flat with MALLOC_ARENA_MAX=2 (RELIABILITY.md, "Soak").
// mimalloc gives freed memory back.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn".into());
    // `DUBAN_LOG_FORMAT=json`: one JSON object per line (with the request's span and
    // its `request_id`), for a log collector.
    if std::env::var("DUBAN_LOG_FORMAT").is_ok_and(|f| f == "json") {
        tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    match Cli::parse().command {
        Cmd::Serve {
            addr,
            database_url,
            dist,
            demo,
            sweep_seconds,
            drain_seconds,
            rate_limit,
            rate_burst,
            idle_minutes,
        } => {
            let limits = Limits {
                sweep_seconds,
                drain_seconds,
                rate_limit,
                rate_burst,
                idle_minutes,
            };
            serve(addr, &database_url, dist, demo, limits).await
        }
        Cmd::Backup { database_url, to } => {
            let c = duban_server::store::backup::backup(&database_url, &to).await?;
            println!(
                "backup written to {}: {} cases, {} events, {} bytes, integrity ok",
                to.display(),
                c.cases,
                c.events,
                c.bytes
            );
            Ok(())
        }
        Cmd::Restore { from, database_url } => {
            let (c, aside) = duban_server::store::backup::restore(&from, &database_url).await?;
            println!(
                "restored {} ({} cases, {} events)",
                from.display(),
                c.cases,
                c.events
            );
            if let Some(aside) = aside {
                println!("the database it replaced is kept at {}", aside.display());
            }
            Ok(())
        }
        Cmd::User {
            command:
                UserCmd::Add {
                    username,
                    role,
                    unit,
                    display_name,
                    database_url,
                },
        } => {
            let role = duban_server::auth::Role::parse(&role).ok_or_else(|| {
                anyhow::anyhow!(
                    "unknown role {role:?}: admin, coordinator, supervisor, handler or leader"
                )
            })?;
            if role == duban_server::auth::Role::Handler && unit.is_none() {
                anyhow::bail!("a handler needs --unit");
            }
            let store = duban_server::store::open(&database_url).await?;
            let state = duban_server::service::AppState::new(store).await?;
            let (password, generated) = match std::env::var("DUBAN_USER_PASSWORD") {
                Ok(p) if !p.is_empty() => (p, false),
                _ => (duban_server::auth::one_time_password(), true),
            };
            // The audit trail names the operating-system account that ran the command.
            let who = duban_server::service::Who {
                username: format!(
                    "cli:{}",
                    std::env::var("USER").unwrap_or_else(|_| "unknown".into())
                ),
                role: "system".into(),
                ip: String::new(),
                user_agent: "duban user add".into(),
            };
            let user = state
                .create_user(
                    &username,
                    &display_name,
                    role,
                    unit.as_deref(),
                    &password,
                    &who,
                    "duban user add",
                )
                .await
                .map_err(|e| match e {
                    duban_server::service::users::UserError::Invalid { field, text } => {
                        anyhow::anyhow!("{field}: {}", text.message(duban_case::Lang::En))
                    }
                    duban_server::service::users::UserError::Store(e) => anyhow::anyhow!(e),
                })?;
            println!("added {} ({})", user.username, user.role);
            if generated {
                println!("one-time password: {password}");
            }
            Ok(())
        }
    }
}

async fn serve(
    addr: SocketAddr,
    database_url: &str,
    dist: PathBuf,
    demo: bool,
    limits: Limits,
) -> anyhow::Result<()> {
    let Limits {
        sweep_seconds,
        drain_seconds,
        rate_limit,
        rate_burst,
        idle_minutes,
    } = limits;
    // SQLite: this process holds the file while it serves (no second server, no
    // restore underneath it).
    let _held = match duban_server::store::backup::sqlite_path(database_url) {
        Ok(path) => Some(duban_server::store::backup::hold(&path)?),
        Err(_) => None,
    };
    let store = duban_server::store::open(database_url).await?;
    tracing::info!(database = store.kind(), "storage ready");
    let state = duban_server::service::AppState::new(store)
        .await?
        .with_rate_limit(rate_limit, rate_burst)
        .with_idle_minutes(idle_minutes);
    if demo {
        duban_server::seed::demo_users(&state).await?;
    }
    if state.store.count_users().await? == 0 {
        // First start: an administrator, so that someone can sign in.
        let (password, generated) = match std::env::var("DUBAN_ADMIN_PASSWORD") {
            Ok(p) if !p.is_empty() => (p, false),
            _ => (duban_server::auth::one_time_password(), true),
        };
        state
            .create_user(
                "admin",
                "管理员",
                duban_server::auth::Role::Admin,
                None,
                &password,
                &duban_server::service::Who::system(),
                "first start",
            )
            .await
            .map_err(|e| anyhow::anyhow!("cannot create the administrator: {e:?}"))?;
        if generated {
            println!("created administrator `admin` with one-time password: {password}");
        } else {
            tracing::info!("created administrator `admin` from DUBAN_ADMIN_PASSWORD");
        }
    }
    if demo {
        let started = std::time::Instant::now();
        let n = duban_server::seed::load_demo(&state).await?;
        if n > 0 {
            let ms = started.elapsed().as_millis();
            tracing::info!(cases = n, ms, "demo data loaded");
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
    if sweep_seconds > 0 {
        let sweeper = state.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(sweep_seconds));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                match sweeper.sweep(sweeper.now()).await {
                    Ok(r) if r.steps > 0 || r.conflicts > 0 => {
                        tracing::info!(
                            cases = r.cases,
                            steps = r.steps,
                            conflicts = r.conflicts,
                            "SLA sweep"
                        );
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "SLA sweep failed; retrying at the next tick")
                    }
                }
            }
        });
    }
    let app = duban_server::http::router(state.clone(), dist);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("Duban listening on http://{addr}");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal(state, drain_seconds))
    .await?;
    Ok(())
}

/// Ctrl-C or SIGTERM: stop accepting, let in-flight requests finish.
/// The timing and rate settings of `duban serve`.
struct Limits {
    sweep_seconds: u64,
    drain_seconds: u64,
    rate_limit: u32,
    rate_burst: u32,
    idle_minutes: u32,
}

async fn shutdown_signal(state: duban_server::service::AppState, drain_seconds: u64) {
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
    state.drain();
    tracing::info!(
        drain_seconds,
        "shutting down: not ready; requests in flight finish"
    );
    tokio::time::sleep(std::time::Duration::from_secs(drain_seconds)).await;
}
