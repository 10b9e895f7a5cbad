//! Dossier's domain: entities, the services that are the only way to read or change them
//! (permissions, validation, audit and transactions live here), and the private store.

pub mod actor;
pub mod error;
pub mod ids;
pub mod model;
pub mod secret;
pub mod time;

mod access;
mod alert;
mod asset;
mod auth;
mod blob;
mod capability;
mod case;
mod comment;
mod custom_field;
mod customer;
mod datastore;
mod dialect;
mod evidence;
mod note;
mod observable;
mod paging;
mod reference;
mod search;
mod store;
mod task;
mod team;
mod template;
mod timeline;
mod validate;
mod workspace;

use std::time::Duration;

pub use access::{CaseRef, Need};
pub use actor::{Actor, Via};
pub use alert::{
    AlertAsset, AlertClassification, AlertCustomer, AlertImport, AlertQuery, AlertRecord, AlertRecordPage,
    AlertRecordPatch, AlertText, Dedup, MAX_BATCH, MAX_RECORD_ITEMS, MAX_RECORD_JSON, Merged, NewAlertAsset,
    NewAlertRecord, RelatedAlerts, Selection, Wording,
};
pub use auth::{Bootstrap, BootstrapReport, LoginOutcome};
pub use blob::StagedUpload;
pub use capability::{Capability, role_flags};
pub use datastore::{
    DatastoreDownload, DatastoreFile, DatastoreFilePatch, DatastoreFolder, DatastoreTree, NewDatastoreFile,
};
pub use dialect::{CaseFamily, FamilyState, LogEntry, PRIMARY_CASE_TITLE, PRIMARY_CUSTOMER};
pub use error::{Error, FieldError, Result};
pub use ids::Key;
pub use paging::{DEFAULT_LIMIT, MAX_COUNTED, MAX_LIMIT, OTHER_CASES_SHOWN, Offset};
pub use search::{MAX_MATCHES, MatchCase, ObservableMatch, TextMatch};
pub use store::{Backend, DbOptions, DbTarget};
pub use team::{
    AccessLevel, AccessSource, AccessStep, CaseAccess, CaseAccessTrace, CustomerAccess, NewTeam, Team,
    TeamAccessChange, TeamMember, TeamPatch, TeamRef, UserAccess, WorkspaceMembership,
};
pub use validate::split_tags;
pub use workspace::{Me, NewUser, NewWorkspace, UserPatch, check_strong_password};

/// Settings of the core.
#[derive(Debug, Clone)]
pub struct CoreConfig {
    /// Lifetime of a login session.
    pub session_ttl: Duration,
    /// Failed logins per account within `login_window` before further attempts are refused.
    pub login_max_failures_per_account: i64,
    /// Failed logins per client address within `login_window`.
    pub login_max_failures_per_address: i64,
    pub login_window: Duration,
    /// Where evidence files are kept (content-addressed: `ab/cd/<sha256>`). Replicas share it.
    pub blob_dir: std::path::PathBuf,
    /// Largest accepted upload, bytes.
    pub max_upload_bytes: u64,
}

impl Default for CoreConfig {
    fn default() -> Self {
        Self {
            session_ttl: Duration::from_secs(12 * 3600),
            login_max_failures_per_account: 10,
            login_max_failures_per_address: 50,
            login_window: Duration::from_secs(15 * 60),
            blob_dir: std::path::PathBuf::from("dossier-data/blobs"),
            max_upload_bytes: 1024 * 1024 * 1024,
        }
    }
}

/// The schema version this binary migrates to.
pub fn schema_version() -> i64 {
    store::migrate::latest_version()
}

/// Connection pool figures for `/metrics`.
#[derive(Debug, Clone, Copy)]
pub struct PoolStats {
    pub size: u32,
    pub idle: u32,
    pub max: u32,
}

/// The core: one per process, shared by every API.
pub struct Core {
    db: store::Db,
    cfg: CoreConfig,
    cache: dialect::Cache,
    keys: auth::KeyCache,
}

impl Core {
    /// Opens the database (does not migrate).
    pub async fn open(db: &DbOptions, cfg: CoreConfig) -> Result<Core> {
        Ok(Core {
            db: store::Db::open(db).await?,
            cfg,
            cache: dialect::Cache::default(),
            keys: auth::KeyCache::default(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    /// Applies pending migrations; returns the versions applied now.
    pub async fn migrate(&self) -> Result<Vec<i64>> {
        store::migrate::run(&self.db).await
    }

    /// Ready when the database answers and its schema is the one this binary expects.
    pub async fn ready(&self) -> Result<i64> {
        self.db.ping().await?;
        let v = store::migrate::current_version(&self.db).await?;
        if v < store::migrate::latest_version() {
            return Err(Error::Unavailable(format!(
                "schema version {v}, expected {}; run `dossier migrate`",
                store::migrate::latest_version()
            )));
        }
        Ok(v)
    }

    pub fn pool_stats(&self) -> PoolStats {
        match &self.db {
            store::Db::Sqlite(s) => PoolStats {
                size: s.read.size(),
                idle: u32::try_from(s.read.num_idle()).unwrap_or(u32::MAX),
                max: s.read.options().get_max_connections(),
            },
            store::Db::Postgres(p) => PoolStats {
                size: p.size(),
                idle: u32::try_from(p.num_idle()).unwrap_or(u32::MAX),
                max: p.options().get_max_connections(),
            },
        }
    }

    /// Finishes queued writes and closes the database.
    pub async fn close(&self) {
        self.db.close().await;
    }
}
