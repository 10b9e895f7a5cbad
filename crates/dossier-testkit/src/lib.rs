//! Test support shared by every test of the workspace: one fresh PostgreSQL database per test.
//!
//! - `DOSSIER_TEST_DATABASE_URL` names the server (any database on it: the admin connection).
//!   Unset, PostgreSQL tests are skipped with a visible note — except under `CI=true`, where
//!   they fail: CI must never pass by skipping a backend.
//! - [`PgDatabase::create`] makes `dossier_t_<uuid v7>` (the name `.ci/run` recognises and
//!   cleans up after interrupted runs) and drops it, with `WITH (FORCE)`, when the value drops.
//!
//! Only tests depend on this crate (`[dev-dependencies]`); it panics on purpose when the
//! configured server cannot be used.

use std::{io::Write as _, time::Duration};

use sqlx::Connection as _;

/// The variable that names the PostgreSQL server of the tests.
pub const DATABASE_URL_VAR: &str = "DOSSIER_TEST_DATABASE_URL";

/// How long connecting to the server, or creating a database, may take.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Writes a note the test harness does not capture.
fn note(msg: &str) {
    let _ = writeln!(std::io::stderr(), "{msg}");
}

/// Whether this run is CI (`CI=true`), where a missing backend is a failure.
pub fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// The PostgreSQL admin URL; `None` (after a note naming `what`) when unset.
///
/// # Panics
/// Under `CI=true` when the variable is unset or empty.
pub fn pg_admin_url(what: &str) -> Option<String> {
    admin_url_from(std::env::var(DATABASE_URL_VAR).ok(), is_ci(), what)
}

/// The rule of [`pg_admin_url`], on explicit inputs.
fn admin_url_from(var: Option<String>, ci: bool, what: &str) -> Option<String> {
    match var {
        Some(u) if !u.trim().is_empty() => Some(u),
        _ => {
            if ci {
                panic!("CI must set {DATABASE_URL_VAR} so that the PostgreSQL tests run ({what})");
            }
            note(&format!(
                "SKIPPED: {what} on PostgreSQL (set {DATABASE_URL_VAR} to run it)"
            ));
            None
        }
    }
}

/// `scheme://[user@]host[:port][/db][?query]` with the database replaced by `db`.
pub fn with_database(url: &str, db: &str) -> String {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let after = &url[scheme_end..];
    let authority_end = after.find(['/', '?']).unwrap_or(after.len());
    let query = after[authority_end..]
        .find('?')
        .map_or("", |i| &after[authority_end + i..]);
    format!("{}/{db}{query}", &url[..scheme_end + authority_end])
}

/// A fresh database on the test server, dropped when this value drops.
#[derive(Debug)]
pub struct PgDatabase {
    /// The URL of the new database.
    pub url: String,
    /// Its name, `dossier_t_<uuid v7>`.
    pub name: String,
    admin: String,
}

async fn admin_connection(admin: &str) -> sqlx::PgConnection {
    match tokio::time::timeout(TIMEOUT, sqlx::PgConnection::connect(admin)).await {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => panic!("cannot connect to {DATABASE_URL_VAR}: {e}"),
        Err(_) => panic!("cannot connect to {DATABASE_URL_VAR}: timed out"),
    }
}

impl PgDatabase {
    /// Creates a database for the test `what`; `None` when PostgreSQL is not configured
    /// (see [`pg_admin_url`]).
    ///
    /// # Panics
    /// When the configured server cannot be reached or refuses the database, and under
    /// `CI=true` when no server is configured.
    pub async fn create(what: &str) -> Option<PgDatabase> {
        let admin = pg_admin_url(what)?;
        let name = format!("dossier_t_{}", uuid::Uuid::now_v7().simple());
        let mut c = admin_connection(&admin).await;
        let sql = format!("CREATE DATABASE \"{name}\"");
        match tokio::time::timeout(TIMEOUT, sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut c)).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => panic!("cannot create test database {name}: {e}"),
            Err(_) => panic!("cannot create test database {name}: timed out"),
        }
        let _ = c.close().await;
        Some(PgDatabase {
            url: with_database(&admin, &name),
            name,
            admin,
        })
    }

    /// The admin URL the database was created from (for tests that need another database
    /// on the same server, or its host and port).
    pub fn admin_url(&self) -> &str {
        &self.admin
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        // Drop may run inside the test's runtime, which cannot block: use a thread with its own.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            rt.block_on(async move {
                let Ok(Ok(mut c)) = tokio::time::timeout(TIMEOUT, sqlx::PgConnection::connect(&admin)).await else {
                    return;
                };
                let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                let _ = tokio::time::timeout(TIMEOUT, sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut c)).await;
            });
        })
        .join();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_is_replaced_in_urls() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
        assert_eq!(with_database("postgres://h?a=1", "x"), "postgres://h/x?a=1");
    }

    #[test]
    fn a_missing_server_skips_locally_and_fails_under_ci() {
        assert_eq!(
            admin_url_from(Some("postgres://h".into()), true, "t"),
            Some("postgres://h".into())
        );
        assert_eq!(admin_url_from(None, false, "t"), None);
        assert_eq!(admin_url_from(Some("  ".into()), false, "t"), None);
        assert!(std::panic::catch_unwind(|| admin_url_from(None, true, "t")).is_err());
        assert!(std::panic::catch_unwind(|| admin_url_from(Some(String::new()), true, "t")).is_err());
    }

    #[tokio::test]
    async fn databases_are_created_and_dropped() {
        let Some(db) = PgDatabase::create("testkit").await else {
            return;
        };
        assert!(db.name.starts_with("dossier_t_") && db.name.len() == "dossier_t_".len() + 32);
        let c = sqlx::PgConnection::connect(&db.url)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let _ = c.close().await;
        let (admin, name) = (db.admin.clone(), db.name.clone());
        drop(db);
        let mut c = sqlx::PgConnection::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let left: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_database WHERE datname = $1")
            .bind(&name)
            .fetch_one(&mut c)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(left, 0);
    }
}
