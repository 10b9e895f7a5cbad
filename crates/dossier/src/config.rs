//! Configuration: defaults, then an optional TOML file, then environment (`DOSSIER_*`) and flags.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};
use dossier_core::{DbOptions, DbTarget};
use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use serde::{Deserialize, Serialize};

use crate::Command;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// Dossier: security case management.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    /// TOML configuration file.
    #[arg(long, global = true, env = "DOSSIER_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, global = true, env = "DOSSIER_LISTEN")]
    pub listen: Option<String>,
    /// Directory for the SQLite database (and, later, evidence blobs).
    #[arg(long, global = true, env = "DOSSIER_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// `sqlite://PATH` or `postgres://USER@HOST/DB`; default: SQLite in the data directory.
    #[arg(long, global = true, env = "DOSSIER_DATABASE_URL")]
    pub database_url: Option<String>,
    #[arg(long, global = true, env = "DOSSIER_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub listen: String,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub log_format: LogFormat,
    /// Largest JSON request body, bytes.
    pub max_body_bytes: usize,
    /// Largest evidence upload, bytes (default 1 GiB).
    pub max_upload_bytes: u64,
    pub request_timeout_secs: u64,
    /// Database pool size (PostgreSQL) / reader connections (SQLite).
    pub db_max_connections: u32,
    pub db_acquire_timeout_secs: u64,
    /// Mark the session cookie `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// The API range the IRIS dialect advertises at `/api/versions`; `dfir-iris-client` X.Y.Z
    /// connects when `iris_api_min <= X.Y.Z <= iris_api_current` (set `2.0.0` to admit 2.0.1).
    pub iris_api_min: String,
    pub iris_api_current: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: "127.0.0.1:8080".into(),
            data_dir: "dossier-data".into(),
            database_url: None,
            log_format: LogFormat::Text,
            max_body_bytes: 16 * 1024 * 1024,
            max_upload_bytes: 1024 * 1024 * 1024,
            request_timeout_secs: 30,
            db_max_connections: 16,
            db_acquire_timeout_secs: 5,
            secure_cookies: false,
            iris_api_min: "2.0.4".into(),
            iris_api_current: "2.0.5".into(),
        }
    }
}

/// Flags and environment that were given, layered over the file.
#[derive(Debug, Serialize)]
struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    listen: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    log_format: Option<LogFormat>,
}

impl Settings {
    pub fn load(cli: &Cli) -> Result<Settings, String> {
        let mut fig = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(path) = &cli.config {
            if !path.exists() {
                return Err(format!("configuration file {} does not exist", path.display()));
            }
            fig = fig.merge(Toml::file(path));
        }
        // Settings without a flag: DOSSIER_MAX_BODY_BYTES, DOSSIER_REQUEST_TIMEOUT_SECS, ...
        fig = fig.merge(Env::prefixed("DOSSIER_").only(&[
            "max_body_bytes",
            "max_upload_bytes",
            "request_timeout_secs",
            "db_max_connections",
            "db_acquire_timeout_secs",
            "secure_cookies",
            "iris_api_min",
            "iris_api_current",
        ]));
        fig = fig.merge(Serialized::defaults(Overrides {
            listen: cli.listen.clone(),
            data_dir: cli.data_dir.clone(),
            database_url: cli.database_url.clone(),
            log_format: cli.log_format,
        }));
        fig.extract().map_err(|e| format!("bad configuration: {e}"))
    }

    pub fn db_options(&self) -> Result<DbOptions, String> {
        let target = match &self.database_url {
            Some(url) => DbTarget::parse(url).map_err(|e| format!("bad --database-url: {e}"))?,
            None => DbTarget::SqliteFile(self.data_dir.join("dossier.db")),
        };
        Ok(DbOptions {
            target,
            max_connections: self.db_max_connections,
            acquire_timeout: std::time::Duration::from_secs(self.db_acquire_timeout_secs),
        })
    }
}

pub fn init_logging(settings: &Settings) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_http=warn,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match settings.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}
