//! The command line: `shika serve` (the default), `shika merchant create` and `shika backup`.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use domain::store::{RateLimit, Store};
use domain::{MerchantForCreate, RetrySchedule};
use leptos::config::get_configuration;
use serde_json::json;
use tracing_subscriber::EnvFilter;

use crate::AppState;

const DEFAULT_DATABASE_URL: &str = "sqlite://shika.db?mode=rwc";

/// Shika: customers, payments and subscriptions for merchants — REST API and dashboard.
#[derive(Parser)]
#[command(name = "shika", version, args_conflicts_with_subcommands = true)]
struct Cli {
    /// Database to use, migrated at start: `sqlite://FILE?mode=rwc` (created if missing) or
    /// `postgres://USER:PASSWORD@HOST/DB` (for several processes on one database).
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    database_url: String,
    /// Secret (32+ characters) that keys the stored digests of API keys; the same for every
    /// command on one database. Without it, one is generated and kept in the database.
    #[arg(long, env = "SHIKA_SECRET", global = true, hide_env_values = true)]
    key_secret: Option<String>,
    /// With no command, `shika` serves (`serve`'s options apply).
    #[command(flatten)]
    serve: ServeArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the dashboard and the API on one port (the default command).
    Serve(ServeArgs),
    /// Manage merchant accounts.
    Merchant {
        #[command(subcommand)]
        command: MerchantCommand,
    },
    /// Copy a SQLite database to a new file while the server keeps running, and check the copy.
    /// (On PostgreSQL, use pg_dump.)
    Backup {
        /// The new file to write (it must not exist yet).
        #[arg(long)]
        to: std::path::PathBuf,
    },
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:3000")]
    addr: SocketAddr,
    /// API requests per second per secret key (burst: twice that); 0 turns the limit off.
    #[arg(long, env = "SHIKA_RATE_LIMIT", default_value_t = 100)]
    rate_limit: u32,
    /// Seconds to wait before each retry of a failed webhook delivery, comma-separated; after
    /// the last, the delivery has failed.
    #[arg(
        long,
        env = "SHIKA_WEBHOOK_RETRY_DELAYS",
        default_value = "5,300,1800,7200,18000,36000,36000",
        value_parser = RetrySchedule::parse
    )]
    webhook_retry_delays: RetrySchedule,
    /// Let webhook endpoints be on loopback and private networks (tests, private deployments).
    #[arg(
        long,
        env = "SHIKA_WEBHOOK_ALLOW_PRIVATE",
        action = clap::ArgAction::SetTrue,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    webhook_allow_private: bool,
    /// Run the webhook delivery worker in this process (`0` for a process that only serves, or
    /// for a test run whose endpoints must receive nothing).
    #[arg(
        long,
        env = "SHIKA_DELIVER_WEBHOOKS",
        default_value = "true",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    deliver_webhooks: bool,
    /// Also serve `GET /bench/ceiling` (for `make bench`).
    #[arg(long, hide = true)]
    bench_ceiling: bool,
}

#[derive(Subcommand)]
enum MerchantCommand {
    /// Create a merchant with one test and one live secret key; prints them as JSON.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
        /// Business name shown on the dashboard (defaults to the email).
        #[arg(long)]
        name: Option<String>,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| {
            // PostgreSQL reports "already exists, skipping" for every migration check.
            EnvFilter::new("info,sqlx::postgres::notice=warn")
        }))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return fail(format!("cannot start the async runtime: {error}")),
    };
    let result = runtime.block_on(async move {
        let database = Database {
            url: cli.database_url,
            key_secret: cli.key_secret,
        };
        match cli.command.unwrap_or(Command::Serve(cli.serve)) {
            Command::Serve(args) => serve(&database, args).await,
            Command::Merchant {
                command:
                    MerchantCommand::Create {
                        email,
                        password,
                        name,
                    },
            } => create_merchant(&database, &email, &password, name.as_deref()).await,
            Command::Backup { to } => backup(&database, &to).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(message),
    }
}

fn fail(message: String) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}

/// Where the data is, and the secret that keys API key digests.
struct Database {
    url: String,
    key_secret: Option<String>,
}

async fn open_store(database: &Database) -> Result<Store, String> {
    if database
        .key_secret
        .as_ref()
        .is_some_and(|s| s.chars().count() < 32)
    {
        return Err("SHIKA_SECRET must be at least 32 characters long".into());
    }
    Store::open_with_key_secret(&database.url, database.key_secret.as_deref())
        .await
        .map_err(|_| {
            format!(
                "cannot open the database at {} (see the log above)",
                database.url
            )
        })
}

async fn serve(database: &Database, args: ServeArgs) -> Result<(), String> {
    let addr = args.addr;
    let mut leptos_options = get_configuration(None)
        .map_err(|error| format!("invalid Leptos configuration: {error}"))?
        .leptos_options;
    leptos_options.site_addr = addr;
    // A release build's assets carry content hashes; the pages must name those files.
    leptos_options.hash_files = crate::assets::hashed();
    let store = open_store(database)
        .await?
        .allow_private_webhooks(args.webhook_allow_private);
    if args.deliver_webhooks {
        crate::webhooks::spawn(
            store.clone(),
            crate::webhooks::DeliveryConfig {
                retry_delays: args.webhook_retry_delays,
                allow_private: args.webhook_allow_private,
            },
        )?;
    }
    let shutdown = shutdown_signal()
        .map_err(|error| format!("cannot listen for shutdown signals: {error}"))?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|error| format!("cannot listen on {addr}: {error}"))?;
    let local = listener.local_addr().map_err(|error| error.to_string())?;
    tracing::info!("listening on http://{local}");
    let state = AppState {
        store: store.clone(),
        leptos_options,
        rate_limit: RateLimit::per_second(args.rate_limit),
    };
    let app = if args.bench_ceiling {
        crate::app_with_bench_ceiling(state)
    } else {
        crate::app(state)
    };
    crate::serve(listener, app, store, shutdown)
        .await
        .map_err(|error| format!("server error: {error}"))?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM. The handlers are installed when this is called, not
/// when the future is first polled: axum polls it from a task of its own, which on a busy machine
/// may first run after requests are already served, and a signal before that would end the
/// process at once instead of gracefully.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};

    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
        tracing::info!("shutting down: finishing requests in flight");
    })
}

async fn create_merchant(
    database: &Database,
    email: &str,
    password: &str,
    name: Option<&str>,
) -> Result<(), String> {
    let input = MerchantForCreate::parse(name.unwrap_or(email), email, password)
        .map_err(|error| error.to_string())?;
    let store = open_store(database).await?;
    let (merchant, test, live) = store
        .create_merchant(input)
        .await
        .map_err(|error| error.to_string())?;
    store.close().await;
    let out = json!({
        "id": merchant.id,
        "email": merchant.email,
        "test_secret_key": test.secret,
        "live_secret_key": live.secret,
    });
    println!("{out}");
    Ok(())
}

async fn backup(database: &Database, to: &std::path::Path) -> Result<(), String> {
    let backup = domain::store::backup(&database.url, to).await?;
    if backup.integrity != "ok" {
        return Err(format!(
            "the copy at {} failed its integrity check: {}",
            to.display(),
            backup.integrity
        ));
    }
    println!(
        "{}",
        json!({
            "backup": to.display().to_string(),
            "bytes": backup.bytes,
            "customers": backup.customers,
            "integrity": backup.integrity,
        })
    );
    Ok(())
}
