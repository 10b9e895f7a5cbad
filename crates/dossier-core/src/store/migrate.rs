//! Plain-SQL migrations, one folder per backend, embedded in the binary.

use super::{Backend, Db, sql::Sql};
use crate::error::{Error, Result};

pub(crate) struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

macro_rules! migration {
    ($v:expr, $name:literal) => {
        Migration {
            version: $v,
            name: $name,
            sqlite: include_str!(concat!("../../migrations/sqlite/", $name, ".sql")),
            postgres: include_str!(concat!("../../migrations/postgres/", $name, ".sql")),
        }
    };
}

pub(crate) const MIGRATIONS: &[Migration] = &[
    migration!(1, "0001_core"),
    migration!(2, "0002_reference"),
    migration!(3, "0003_observables"),
    migration!(4, "0004_customers"),
    migration!(5, "0005_dedup_index"),
    migration!(6, "0006_search_order"),
    migration!(7, "0007_alert_model"),
    migration!(8, "0008_counts"),
];

pub(crate) fn latest_version() -> i64 {
    MIGRATIONS.last().map(|m| m.version).unwrap_or(0)
}

/// FNV-1a over the script text: detects an applied migration that was edited afterwards.
fn checksum(s: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (\
    version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)";

/// Applies every pending migration; returns the versions applied now.
pub(crate) async fn run(db: &Db) -> Result<Vec<i64>> {
    db.write(|tx| {
        Box::pin(async move {
            let backend = tx.backend();
            if backend == Backend::Postgres {
                // Two replicas starting together: one migrates, the other waits and sees it done.
                tx.script("SELECT pg_advisory_xact_lock(7201946101)").await?;
            }
            tx.script(CREATE_TABLE).await?;
            let applied: Vec<(i64, String)> =
                Sql::new("SELECT version, checksum FROM schema_migrations ORDER BY version")
                    .fetch_all(&mut *tx)
                    .await?;
            let mut done = Vec::new();
            for m in MIGRATIONS {
                let script = match backend {
                    Backend::Sqlite => m.sqlite,
                    Backend::Postgres => m.postgres,
                };
                let sum = checksum(script);
                if let Some((_, old)) = applied.iter().find(|(v, _)| *v == m.version) {
                    if *old != sum {
                        return Err(Error::Internal(format!(
                            "migration {} ({}) was changed after it was applied",
                            m.version, m.name
                        )));
                    }
                    continue;
                }
                tx.script(script).await?;
                let now = crate::time::now_us();
                Sql::new("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)")
                    .arg(m.version)
                    .arg(m.name)
                    .arg(sum.clone())
                    .arg(now)
                    .execute(&mut *tx)
                    .await?;
                done.push(m.version);
            }
            if let Some(newest) = applied.iter().map(|(v, _)| *v).max()
                && newest > latest_version()
            {
                return Err(Error::Internal(format!(
                    "the database schema (version {newest}) is newer than this binary ({})",
                    latest_version()
                )));
            }
            Ok(done)
        })
    })
    .await
}

/// The newest applied version, or 0 on a fresh database.
pub(crate) async fn current_version(db: &Db) -> Result<i64> {
    let q = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
    let r: std::result::Result<(i64,), sqlx::Error> = match db {
        Db::Sqlite(s) => sqlx::query_as(q).fetch_one(&s.read).await,
        Db::Postgres(p) => sqlx::query_as(q).fetch_one(p).await,
    };
    match r {
        Ok((v,)) => Ok(v),
        Err(sqlx::Error::Database(e)) if e.message().contains("schema_migrations") => Ok(0),
        Err(e) => Err(e.into()),
    }
}
