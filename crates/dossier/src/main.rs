//! The `dossier` binary: server and operator commands.

mod config;
mod demo;

use std::{io::Read as _, net::SocketAddr, process::ExitCode, sync::Arc};

use clap::{Parser, Subcommand};
use dossier_api::{ApiConfig, AppState};
use dossier_core::{Bootstrap, Core, CoreConfig, NewUser, NewWorkspace, UserPatch, model::Role};

use crate::config::{Cli, Settings};

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the server (the default).
    Serve,
    /// Apply database migrations and exit (run before rolling out new replicas).
    Migrate,
    /// Manage users.
    #[command(subcommand)]
    User(UserCmd),
    /// Manage API keys.
    #[command(subcommand)]
    Apikey(KeyCmd),
    /// Manage workspaces.
    #[command(subcommand)]
    Workspace(WorkspaceCmd),
    /// Load a realistic demo data set (workspaces, cases, alerts, comments).
    Demo,
    /// Print the OpenAPI document of the native API.
    Openapi,
}

#[derive(Debug, Subcommand)]
pub enum UserCmd {
    /// Create a user in a workspace.
    Create {
        #[arg(long)]
        login: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Read the password from standard input (one line).
        #[arg(long)]
        password_stdin: bool,
        #[arg(long, default_value = "analyst")]
        role: String,
        /// Workspace name (default: the default workspace).
        #[arg(long)]
        workspace: Option<String>,
        #[arg(long)]
        superuser: bool,
    },
    /// List users.
    List,
    /// Set a user's password, read from standard input.
    SetPassword {
        #[arg(long)]
        login: String,
    },
    /// Deactivate a user: every key and session stops working at once.
    Disable {
        #[arg(long)]
        login: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyCmd {
    /// Create an API key for a user; prints the secret once.
    Create {
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: Option<String>,
        /// Bind the key to this workspace.
        #[arg(long)]
        workspace: Option<String>,
    },
    /// List a user's keys.
    List {
        #[arg(long)]
        login: String,
    },
    /// Revoke a key by id.
    Revoke {
        #[arg(long)]
        id: uuid::Uuid,
    },
}

#[derive(Debug, Subcommand)]
pub enum WorkspaceCmd {
    /// Create a workspace.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        description: Option<String>,
    },
    /// List workspaces.
    List,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(&cli) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("dossier: {e}");
            return ExitCode::from(2);
        }
    };
    config::init_logging(&settings);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("dossier: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command.unwrap_or(Command::Serve), settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dossier: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn open(settings: &Settings) -> Result<Core, String> {
    let cfg = CoreConfig {
        blob_dir: settings.data_dir.join("blobs"),
        max_upload_bytes: settings.max_upload_bytes,
        ..CoreConfig::default()
    };
    let core = Core::open(&settings.db_options()?, cfg)
        .await
        .map_err(|e| e.to_string())?;
    Ok(core)
}

async fn run(cmd: Command, settings: Settings) -> Result<(), String> {
    if let Command::Openapi = cmd {
        println!("{}", dossier_api::openapi_json());
        return Ok(());
    }
    let core = open(&settings).await?;

    match cmd {
        Command::Serve => serve(core, &settings).await,
        Command::Migrate => {
            let done = core.migrate().await.map_err(|e| e.to_string())?;
            if done.is_empty() {
                println!("database schema is up to date");
            } else {
                println!("applied migrations {done:?}");
            }
            core.close().await;
            Ok(())
        }
        other => {
            core.migrate().await.map_err(|e| e.to_string())?;
            bootstrap(&core).await?;
            let r = operator(&core, other).await;
            core.close().await;
            r
        }
    }
}

async fn serve(core: Core, settings: &Settings) -> Result<(), String> {
    let started = std::time::Instant::now();
    core.migrate().await.map_err(|e| e.to_string())?;
    bootstrap(&core).await?;
    let listener = tokio::net::TcpListener::bind(&settings.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", settings.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let core = Arc::new(core);
    let state = AppState::new(
        Arc::clone(&core),
        ApiConfig {
            max_body_bytes: settings.max_body_bytes,
            request_timeout: std::time::Duration::from_secs(settings.request_timeout_secs),
            secure_cookies: settings.secure_cookies,
            iris_api_min: settings.iris_api_min.clone(),
            iris_api_current: settings.iris_api_current.clone(),
            ..ApiConfig::default()
        },
    );
    let app = dossier_api::app(state);
    tracing::info!(%addr, backend = ?core.backend(), startup_ms = started.elapsed().as_millis() as u64, "listening");
    println!("dossier listening on http://{addr}");
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let server = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).with_graceful_shutdown(
        async move {
            shutdown_signal().await;
            let _ = stop_tx.send(true);
        },
    );
    // In-flight requests get a grace period; a client that stalls (say, half a request head)
    // does not hold the stop up beyond it.
    let deadline = async move {
        let mut rx = stop_rx;
        while !*rx.borrow() {
            if rx.changed().await.is_err() {
                return;
            }
        }
        tokio::time::sleep(SHUTDOWN_GRACE).await;
        tracing::warn!(
            grace_secs = SHUTDOWN_GRACE.as_secs(),
            "connections still open after the grace period; closing them"
        );
    };
    tokio::select! {
        r = server => r.map_err(|e| format!("server error: {e}"))?,
        () = deadline => {}
    }
    tracing::info!("shutting down: finishing queued writes");
    core.close().await;
    Ok(())
}

/// First start on an empty database: creates the default workspace and the admin, and prints
/// their credentials once.
async fn bootstrap(core: &Core) -> Result<(), String> {
    let boot = Bootstrap {
        admin_password: std::env::var("DOSSIER_BOOTSTRAP_ADMIN_PASSWORD")
            .ok()
            .filter(|s| !s.is_empty()),
        api_key: std::env::var("DOSSIER_BOOTSTRAP_API_KEY")
            .ok()
            .filter(|s| !s.is_empty()),
    };
    if let Some(report) = core.bootstrap(boot).await.map_err(|e| e.to_string())? {
        println!(
            "First start: created workspace \"{}\" and user \"{}\".",
            report.workspace, report.admin_login
        );
        println!("  admin password: {}", report.admin_password);
        println!("  admin API key:  {}", report.api_key);
        println!("These are shown once; store them now.");
    }
    Ok(())
}

/// How long a stop waits for open connections.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

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
        () = ctrl_c => {},
        () = term => {},
    }
}

fn read_secret_line() -> Result<String, String> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    let line = s.lines().next().unwrap_or("").to_owned();
    if line.is_empty() {
        return Err("expected the password on standard input".into());
    }
    Ok(line)
}

async fn operator(core: &Core, cmd: Command) -> Result<(), String> {
    let e = |e: dossier_core::Error| e.to_string();
    match cmd {
        Command::User(UserCmd::Create {
            login,
            email,
            name,
            password_stdin,
            role,
            workspace,
            superuser,
        }) => {
            let actor = core.operator(workspace.as_deref()).await.map_err(e)?;
            let role =
                Role::parse(&role).ok_or_else(|| format!("unknown role `{role}`; expected {}", Role::names()))?;
            let password = if password_stdin {
                Some(read_secret_line()?)
            } else {
                None
            };
            let user = core
                .create_user(
                    &actor,
                    NewUser {
                        login,
                        email,
                        name,
                        password,
                        role: Some(role),
                        is_superuser: superuser,
                        is_service_account: false,
                    },
                )
                .await
                .map_err(e)?;
            println!("created user {} ({})", user.login, user.id);
        }
        Command::User(UserCmd::List) => {
            let actor = core.operator(None).await.map_err(e)?;
            for u in core.list_users(&actor).await.map_err(e)? {
                let flags = format!(
                    "{}{}",
                    if u.is_superuser { " superuser" } else { "" },
                    if u.is_active { "" } else { " disabled" }
                );
                println!("{}  {:<20} {:<30} {}{}", u.id, u.login, u.email, u.name, flags);
            }
        }
        Command::User(UserCmd::SetPassword { login }) => {
            let actor = core.operator(None).await.map_err(e)?;
            let user = core.user_by_login(&login).await.map_err(e)?;
            let password = read_secret_line()?;
            core.update_user(
                &actor,
                user.id,
                UserPatch {
                    password: Some(password),
                    ..UserPatch::default()
                },
            )
            .await
            .map_err(e)?;
            println!("password of {login} changed");
        }
        Command::User(UserCmd::Disable { login }) => {
            let actor = core.operator(None).await.map_err(e)?;
            let user = core.user_by_login(&login).await.map_err(e)?;
            core.update_user(
                &actor,
                user.id,
                UserPatch {
                    is_active: Some(false),
                    ..UserPatch::default()
                },
            )
            .await
            .map_err(e)?;
            println!("{login} disabled; every key and session of theirs is revoked");
        }
        Command::Apikey(KeyCmd::Create { login, name, workspace }) => {
            let actor = core.operator(workspace.as_deref()).await.map_err(e)?;
            let user = core.user_by_login(&login).await.map_err(e)?;
            let key = core
                .create_api_key(&actor, Some(user.id), name, workspace.is_some(), None)
                .await
                .map_err(e)?;
            println!("API key {} for {login} (shown once):\n{}", key.key.id, key.secret);
        }
        Command::Apikey(KeyCmd::List { login }) => {
            let actor = core.operator(None).await.map_err(e)?;
            let user = core.user_by_login(&login).await.map_err(e)?;
            for k in core.list_api_keys(&actor, Some(user.id)).await.map_err(e)? {
                let state = if k.revoked_at.is_some() { "revoked" } else { "active" };
                println!("{}  {:<14} {:<8} {}", k.id, k.prefix, state, k.name.unwrap_or_default());
            }
        }
        Command::Apikey(KeyCmd::Revoke { id }) => {
            let actor = core.operator(None).await.map_err(e)?;
            core.revoke_api_key(&actor, id).await.map_err(e)?;
            println!("revoked {id}");
        }
        Command::Workspace(WorkspaceCmd::Create { name, description }) => {
            let actor = core.operator(None).await.map_err(e)?;
            let ws = core
                .create_workspace(&actor, NewWorkspace { name, description })
                .await
                .map_err(e)?;
            println!("created workspace {} ({})", ws.name, ws.id);
        }
        Command::Workspace(WorkspaceCmd::List) => {
            let actor = core.operator(None).await.map_err(e)?;
            for w in core.list_workspaces(&actor).await.map_err(e)? {
                println!("{}  {}{}", w.id, w.name, if w.is_default { " (default)" } else { "" });
            }
        }
        Command::Demo => demo::load(core).await?,
        Command::Serve | Command::Migrate | Command::Openapi => {}
    }
    Ok(())
}
