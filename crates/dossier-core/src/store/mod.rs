//! Storage: private to the core. One `Db` over SQLite or PostgreSQL.
//!
//! * Reads go to a pool (SQLite: read-only connections in WAL mode; Postgres: the pool).
//! * Writes are closures run inside a transaction by [`Db::write`]. On SQLite every write goes
//!   through one writer task that group-commits: it takes every queued job, runs each inside its
//!   own savepoint, commits once and only then answers each caller. On Postgres each write is a
//!   pool transaction, retried on serialization failures and deadlocks.
//!
//! Store functions are written once: `sql::Sql` carries static SQL text with `$n` placeholders
//! and typed arguments, and dispatches to the driver of the executor it is given.

use std::{path::Path, sync::Arc, time::Duration};

use futures_util::future::BoxFuture;
use sqlx::{
    Connection, PgConnection, PgPool, SqliteConnection, SqlitePool,
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};
use tokio::sync::{mpsc, oneshot};

use crate::error::{Error, Result};

pub(crate) mod migrate;
pub(crate) mod sql;

pub(crate) mod access;
pub(crate) mod activity;
pub(crate) mod alert;
pub(crate) mod asset;
pub(crate) mod blob;
pub(crate) mod case;
pub(crate) mod comment;
pub(crate) mod counts;
pub(crate) mod credential;
pub(crate) mod custom_field;
pub(crate) mod customer;
pub(crate) mod datastore;
pub(crate) mod dialect;
pub(crate) mod evidence;
pub(crate) mod note;
pub(crate) mod observable;
pub(crate) mod reference;
pub(crate) mod search;
pub(crate) mod task;
pub(crate) mod team;
pub(crate) mod template;
pub(crate) mod term;
#[cfg(test)]
mod tests;
pub(crate) mod timeline;
pub(crate) mod user;
pub(crate) mod workspace;

/// Which engine a database runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// An open database.
#[derive(Clone)]
pub(crate) enum Db {
    Sqlite(Arc<SqliteDb>),
    Postgres(PgPool),
}

pub(crate) struct SqliteDb {
    pub(crate) read: SqlitePool,
    writer: mpsc::Sender<WriterMsg>,
    writer_done: tokio::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

/// A connection inside a write transaction.
pub(crate) enum Tx<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

/// Either the read pool or a write transaction: read helpers take this so that they can run
/// inside a write as well as outside.
pub(crate) enum Ex<'a, 'c> {
    Db(&'a Db),
    Tx(&'a mut Tx<'c>),
}

impl<'c> Ex<'_, 'c> {
    /// A shorter-lived copy, to run several queries on one executor.
    pub(crate) fn reborrow(&mut self) -> Ex<'_, 'c> {
        match self {
            Ex::Db(db) => Ex::Db(db),
            Ex::Tx(tx) => Ex::Tx(tx),
        }
    }
}

impl<'a> From<&'a Db> for Ex<'a, 'static> {
    fn from(db: &'a Db) -> Self {
        Ex::Db(db)
    }
}
impl<'a, 'c> From<&'a mut Tx<'c>> for Ex<'a, 'c> {
    fn from(tx: &'a mut Tx<'c>) -> Self {
        Ex::Tx(tx)
    }
}

/// A write job for the SQLite writer: runs inside the group transaction and returns the
/// completion to call once the group's commit has finished.
type Completion = Box<dyn FnOnce(Result<()>) + Send>;
type Job = Box<dyn for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, Completion> + Send>;

enum WriterMsg {
    Job(Job),
    Shutdown,
}

/// The most jobs one group commit takes.
const MAX_GROUP: usize = 512;

/// Where to store data.
#[derive(Debug, Clone)]
pub enum DbTarget {
    SqliteFile(std::path::PathBuf),
    Postgres(String),
}

impl DbTarget {
    /// `sqlite://path`, `sqlite:path`, `postgres://…` / `postgresql://…`.
    pub fn parse(url: &str) -> std::result::Result<Self, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DbTarget::Postgres(url.to_owned()))
        } else if let Some(rest) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            let path = rest.split('?').next().unwrap_or(rest);
            if path.is_empty() {
                return Err("a sqlite URL needs a file path (sqlite://PATH)".into());
            }
            Ok(DbTarget::SqliteFile(path.into()))
        } else {
            Err("expected sqlite://PATH or postgres://USER@HOST/DB".into())
        }
    }
}

#[derive(Debug, Clone)]
pub struct DbOptions {
    pub target: DbTarget,
    /// Postgres pool size / SQLite reader count.
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Db {
    pub(crate) async fn open(opts: &DbOptions) -> Result<Db> {
        match &opts.target {
            DbTarget::SqliteFile(path) => open_sqlite(path, opts).await,
            DbTarget::Postgres(url) => {
                let connect: PgConnectOptions = url
                    .parse()
                    .map_err(|e| Error::Unavailable(format!("bad PostgreSQL URL: {e}")))?;
                // One direct connection first: its error names the real cause (refused, auth,
                // unknown database) where a pool would only report a timeout.
                let place = format!(
                    "{}:{}/{}",
                    connect.get_host(),
                    connect.get_port(),
                    connect.get_database().unwrap_or("")
                );
                let probe = tokio::time::timeout(opts.acquire_timeout, PgConnection::connect_with(&connect))
                    .await
                    .map_err(|_| Error::Unavailable(format!("cannot connect to PostgreSQL at {place}: timed out")))?
                    .map_err(|e| Error::Unavailable(format!("cannot connect to PostgreSQL at {place}: {e}")))?;
                let _ = probe.close().await;
                // No test round trip on every acquire (it doubled the statements of a
                // request); a broken connection is dropped by sqlx when a statement fails on it.
                let pool = PgPoolOptions::new()
                    .test_before_acquire(false)
                    .max_connections(opts.max_connections.max(2))
                    .min_connections(1)
                    .acquire_timeout(opts.acquire_timeout)
                    .connect_lazy_with(connect);
                Ok(Db::Postgres(pool))
            }
        }
    }

    pub(crate) fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Runs `f` in a write transaction and returns after the transaction is durable.
    pub(crate) async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'a, 'c> Fn(&'a mut Tx<'c>) -> BoxFuture<'a, Result<T>> + Send + Sync + 'static,
    {
        match self {
            Db::Sqlite(s) => {
                let (reply, rx) = oneshot::channel::<Result<T>>();
                let job: Job = Box::new(move |conn: &mut SqliteConnection| {
                    Box::pin(async move {
                        let outcome = run_in_savepoint(conn, &f).await;
                        let done: Completion = Box::new(move |commit: Result<()>| {
                            let result = match (commit, outcome) {
                                (Ok(()), r) => r,
                                (Err(e), _) => Err(e),
                            };
                            let _ = reply.send(result);
                        });
                        done
                    })
                });
                s.writer
                    .send(WriterMsg::Job(job))
                    .await
                    .map_err(|_| Error::Unavailable("the database is shutting down".into()))?;
                rx.await
                    .map_err(|_| Error::Unavailable("the database writer stopped".into()))?
            }
            Db::Postgres(pool) => {
                let mut attempt = 0u32;
                loop {
                    attempt += 1;
                    let mut txn = pool.begin().await?;
                    let result = {
                        let mut tx = Tx::Postgres(&mut txn);
                        f(&mut tx).await
                    };
                    let outcome = match result {
                        Ok(v) => txn.commit().await.map(|()| v).map_err(Error::from),
                        Err(e) => {
                            let _ = txn.rollback().await;
                            Err(e)
                        }
                    };
                    match outcome {
                        Err(Error::Internal(msg)) if is_retryable(&msg) && attempt < 6 => {
                            tokio::time::sleep(Duration::from_millis(5u64 << attempt)).await;
                        }
                        other => return other,
                    }
                }
            }
        }
    }

    /// Checks that the database answers.
    pub(crate) async fn ping(&self) -> Result<()> {
        match self {
            Db::Sqlite(s) => sqlx::query("SELECT 1").execute(&s.read).await.map(|_| ()),
            Db::Postgres(p) => sqlx::query("SELECT 1").execute(p).await.map(|_| ()),
        }
        .map_err(|e| Error::Unavailable(format!("database unreachable: {e}")))
    }

    /// Finishes every queued write, then closes the pools.
    pub(crate) async fn close(&self) {
        match self {
            Db::Sqlite(s) => {
                let _ = s.writer.send(WriterMsg::Shutdown).await;
                if let Some(handle) = s.writer_done.lock().await.take() {
                    let _ = handle.await;
                }
                s.read.close().await;
            }
            Db::Postgres(p) => p.close().await,
        }
    }
}

/// Marker placed in internal errors that a Postgres write may retry.
const RETRYABLE: &str = "[retryable]";

fn is_retryable(msg: &str) -> bool {
    msg.starts_with(RETRYABLE)
}

async fn run_in_savepoint<T, F>(conn: &mut SqliteConnection, f: &F) -> Result<T>
where
    F: for<'a, 'c> Fn(&'a mut Tx<'c>) -> BoxFuture<'a, Result<T>>,
{
    sqlx::raw_sql("SAVEPOINT w").execute(&mut *conn).await?;
    let result = {
        let mut tx = Tx::Sqlite(&mut *conn);
        f(&mut tx).await
    };
    let end = if result.is_ok() {
        "RELEASE w"
    } else {
        "ROLLBACK TO w; RELEASE w"
    };
    if let Err(e) = sqlx::raw_sql(sqlx::AssertSqlSafe(end)).execute(&mut *conn).await {
        return Err(e.into());
    }
    result
}

async fn open_sqlite(path: &Path, opts: &DbOptions) -> Result<Db> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| Error::Unavailable(format!("cannot create {}: {e}", parent.display())))?;
    }
    let base = SqliteConnectOptions::new()
        .filename(path)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        .pragma("cache_size", "-16000")
        .pragma("temp_store", "memory")
        // A page of rows crosses from the worker thread without it stopping half-way.
        .row_buffer_size(256);
    let mut writer = SqliteConnection::connect_with(&base.clone().create_if_missing(true))
        .await
        .map_err(|e| Error::Unavailable(format!("cannot open SQLite database {}: {e}", path.display())))?;
    sqlx::raw_sql("PRAGMA wal_autocheckpoint = 4000")
        .execute(&mut writer)
        .await?;
    // No ping before each acquire: on SQLite it is one more hop to the connection's worker
    // thread per statement, and a local file connection does not go stale.
    let read = SqlitePoolOptions::new()
        .test_before_acquire(false)
        .max_connections(opts.max_connections.clamp(2, 16))
        .min_connections(1)
        .acquire_timeout(opts.acquire_timeout)
        // A small page cache per reader (SQLite's default 2 MB): sixteen readers with the
        // writer's 16 MB each held 330 MB after a few searches; the OS caches the file anyway.
        .connect_with(base.read_only(true).pragma("cache_size", "-2000"))
        .await
        .map_err(|e| Error::Unavailable(format!("cannot open SQLite database {}: {e}", path.display())))?;
    let (tx, rx) = mpsc::channel(4096);
    let handle = tokio::spawn(writer_loop(writer, rx));
    Ok(Db::Sqlite(Arc::new(SqliteDb {
        read,
        writer: tx,
        writer_done: tokio::sync::Mutex::new(Some(handle)),
    })))
}

async fn writer_loop(mut conn: SqliteConnection, mut rx: mpsc::Receiver<WriterMsg>) {
    let mut stop = false;
    while !stop {
        let Some(first) = rx.recv().await else { break };
        let mut jobs = Vec::with_capacity(16);
        match first {
            WriterMsg::Job(j) => jobs.push(j),
            WriterMsg::Shutdown => break,
        }
        while jobs.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(WriterMsg::Job(j)) => jobs.push(j),
                Ok(WriterMsg::Shutdown) => {
                    stop = true;
                    break;
                }
                Err(_) => break,
            }
        }
        if let Err(e) = sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut conn).await {
            tracing::error!(error = %e, "cannot begin a write transaction");
            // Each job still needs an answer; none of them ran.
            // Dropping a job drops its reply channel: the caller sees `Unavailable`.
            drop(jobs);
            continue;
        }
        let mut completions = Vec::with_capacity(jobs.len());
        for job in jobs {
            completions.push(job(&mut conn).await);
        }
        let commit = sqlx::raw_sql("COMMIT").execute(&mut conn).await;
        let commit: Result<()> = match commit {
            Ok(_) => Ok(()),
            Err(e) => {
                tracing::error!(error = %e, "group commit failed");
                let _ = sqlx::raw_sql("ROLLBACK").execute(&mut conn).await;
                Err(Error::Unavailable("the write could not be committed".into()))
            }
        };
        for done in completions {
            let c = match &commit {
                Ok(()) => Ok(()),
                Err(_) => Err(Error::Unavailable("the write could not be committed".into())),
            };
            done(c);
        }
    }
    // Drain: answer anything still queued so no caller waits forever.
    rx.close();
    while let Ok(msg) = rx.try_recv() {
        drop(msg);
    }
    let _ = conn.close().await;
}

/// Maps driver errors to the core error: constraint violations become conflicts or validation
/// errors, connection trouble becomes `Unavailable`, retryable transaction failures are marked.
pub(crate) fn map_sqlx_error(e: sqlx::Error) -> Error {
    match &e {
        sqlx::Error::RowNotFound => Error::NotFound { entity: "row" },
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => {
            Error::Unavailable(format!("database unavailable: {e}"))
        }
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.to_string()).unwrap_or_default();
            match code.as_str() {
                // Postgres serialization failure, deadlock.
                "40001" | "40P01" => Error::Internal(format!("{RETRYABLE} {e}")),
                // Postgres admin shutdown / connection failures.
                "57P01" | "57P02" | "57P03" | "08000" | "08003" | "08006" => {
                    Error::Unavailable(format!("database unavailable: {e}"))
                }
                // Two concurrent first submissions of one alert: retrying finds the stored alert
                // and counts the repeat.
                _ if db.is_unique_violation() && db.constraint() == Some("ux_alerts_dedup") => {
                    Error::Internal(format!("{RETRYABLE} {e}"))
                }
                _ if db.is_unique_violation() => Error::Conflict(format!(
                    "duplicate value violates {}",
                    db.constraint().unwrap_or("a uniqueness rule")
                )),
                _ if db.is_foreign_key_violation() => Error::invalid("body", "a referenced object does not exist"),
                // SQLite busy/locked (should not happen with one writer) and disk I/O.
                "5" | "6" | "261" | "517" | "10" => Error::Unavailable(format!("database busy: {e}")),
                _ => Error::Internal(e.to_string()),
            }
        }
        _ => Error::Internal(e.to_string()),
    }
}

impl Tx<'_> {
    /// Runs a multi-statement script (migrations).
    pub(crate) async fn script(&mut self, sql: &'static str) -> Result<()> {
        match self {
            Tx::Sqlite(c) => sqlx::raw_sql(sql).execute(&mut **c).await.map(|_| ()),
            Tx::Postgres(c) => sqlx::raw_sql(sql).execute(&mut **c).await.map(|_| ()),
        }
        .map_err(Error::from)
    }

    pub(crate) fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }
}
