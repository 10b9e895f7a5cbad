//! Users and login attempts.

use sqlx::FromRow;
use uuid::Uuid;

use super::{Ex, Tx, sql::Sql};
use crate::{error::Result, ids::new_uuid};

#[derive(Debug, Clone, FromRow)]
pub(crate) struct UserRow {
    pub id: i64,
    pub uuid: Uuid,
    pub login: String,
    pub email: String,
    pub name: String,
    pub password_hash: Option<String>,
    pub is_active: bool,
    pub is_superuser: bool,
    pub is_service_account: bool,
    pub last_login_at: Option<i64>,
    pub deleted_at: Option<i64>,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct NewUserRow {
    pub login: String,
    pub email: String,
    pub name: String,
    pub password_hash: Option<String>,
    pub is_superuser: bool,
    pub is_service_account: bool,
    pub default_workspace_id: Option<i64>,
}

const COLS: &str = "SELECT id, uuid, login, email, name, password_hash, is_active, is_superuser, is_service_account, \
                    last_login_at, deleted_at, created_at FROM users";

pub(crate) async fn count<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>) -> Result<i64> {
    let (n,): (i64,) = Sql::new("SELECT COUNT(*) FROM users").fetch_one(ex).await?;
    Ok(n)
}

pub(crate) async fn insert(tx: &mut Tx<'_>, u: &NewUserRow, now: i64) -> Result<(i64, Uuid)> {
    let uuid = new_uuid();
    let (id,): (i64,) = Sql::new(
        "INSERT INTO users (uuid, login, email, name, password_hash, is_active, is_superuser, is_service_account, \
         default_workspace_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, TRUE, $6, $7, $8, $9, $9) RETURNING id",
    )
    .arg(uuid)
    .arg(&u.login)
    .arg(&u.email)
    .arg(&u.name)
    .arg(u.password_hash.clone())
    .arg(u.is_superuser)
    .arg(u.is_service_account)
    .arg(u.default_workspace_id)
    .arg(now)
    .fetch_one(tx)
    .await?;
    Ok((id, uuid))
}

pub(crate) async fn by_uuid<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, uuid: Uuid) -> Result<Option<UserRow>> {
    let mut q = Sql::new(COLS);
    q.push(" WHERE uuid = ").bind(uuid).push(" AND deleted_at IS NULL");
    q.fetch_optional(ex).await
}

pub(crate) async fn by_id<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, id: i64) -> Result<Option<UserRow>> {
    let mut q = Sql::new(COLS);
    q.push(" WHERE id = ").bind(id);
    q.fetch_optional(ex).await
}

pub(crate) async fn by_login<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, login: &str) -> Result<Option<UserRow>> {
    let mut q = Sql::new(COLS);
    q.push(" WHERE lower(login) = lower(")
        .bind(login)
        .push(") AND deleted_at IS NULL");
    q.fetch_optional(ex).await
}

pub(crate) async fn by_login_or_email<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, login: &str) -> Result<Option<UserRow>> {
    let mut q = Sql::new(COLS);
    q.push(" WHERE (lower(login) = lower(")
        .bind(login)
        .push(") OR lower(email) = lower(")
        .bind(login)
        .push(")) AND deleted_at IS NULL ORDER BY id LIMIT 1");
    q.fetch_optional(ex).await
}

pub(crate) async fn by_email<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, email: &str) -> Result<Option<UserRow>> {
    let mut q = Sql::new(COLS);
    q.push(" WHERE lower(email) = lower(")
        .bind(email)
        .push(") AND deleted_at IS NULL");
    q.fetch_optional(ex).await
}

/// The user's default workspace (the one their keys act in unless told otherwise).
pub(crate) async fn default_workspace_of<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, id: i64) -> Result<Option<i64>> {
    let row: Option<(Option<i64>,)> = Sql::new("SELECT default_workspace_id FROM users WHERE id = $1")
        .arg(id)
        .fetch_optional(ex)
        .await?;
    Ok(row.and_then(|r| r.0))
}

/// Members of one workspace, deactivated ones included (not deleted ones), by number.
pub(crate) async fn members_of<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64) -> Result<Vec<UserRow>> {
    let mut q = Sql::new(COLS);
    q.push(" WHERE deleted_at IS NULL AND id IN (SELECT user_id FROM memberships WHERE workspace_id = ")
        .bind(ws)
        .push(") ORDER BY id");
    q.fetch_all(ex).await
}

/// Tombstones a user: deactivated, login and email replaced by unique placeholders so that
/// they can be used again; the row stays for the history that names it.
pub(crate) async fn tombstone(tx: &mut Tx<'_>, id: i64, login: &str, email: &str, now: i64) -> Result<u64> {
    Sql::new(
        "UPDATE users SET login = $2, email = $3, password_hash = NULL, is_active = FALSE, deleted_at = $4, \
         updated_at = $4, version = version + 1 WHERE id = $1 AND deleted_at IS NULL",
    )
    .arg(id)
    .arg(login)
    .arg(email)
    .arg(now)
    .execute(tx)
    .await
}

/// All users (for a server administrator) or the members of one workspace.
pub(crate) async fn list<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: Option<i64>) -> Result<Vec<UserRow>> {
    let mut q = Sql::new(COLS);
    match ws {
        Some(ws) => {
            q.push(" WHERE deleted_at IS NULL AND id IN (SELECT user_id FROM memberships WHERE workspace_id = ")
                .bind(ws)
                .push(")");
        }
        None => {
            q.push(" WHERE deleted_at IS NULL");
        }
    }
    q.push(" ORDER BY login");
    q.fetch_all(ex).await
}

pub(crate) struct UserChanges {
    pub email: Option<String>,
    pub name: Option<String>,
    pub password_hash: Option<String>,
    pub is_active: Option<bool>,
}

pub(crate) async fn update(tx: &mut Tx<'_>, id: i64, c: &UserChanges, now: i64) -> Result<u64> {
    Sql::new(
        "UPDATE users SET email = COALESCE($2, email), name = COALESCE($3, name), \
         password_hash = COALESCE($4, password_hash), is_active = COALESCE($5, is_active), \
         updated_at = $6, version = version + 1 WHERE id = $1 AND deleted_at IS NULL",
    )
    .arg(id)
    .arg(c.email.clone())
    .arg(c.name.clone())
    .arg(c.password_hash.clone())
    .arg(c.is_active)
    .arg(now)
    .execute(tx)
    .await
}

pub(crate) async fn set_last_login(tx: &mut Tx<'_>, id: i64, now: i64) -> Result<()> {
    Sql::new("UPDATE users SET last_login_at = $2 WHERE id = $1")
        .arg(id)
        .arg(now)
        .execute(tx)
        .await?;
    Ok(())
}

pub(crate) async fn failures_since<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, key: &str, since: i64) -> Result<i64> {
    let (n,): (i64,) = Sql::new("SELECT COUNT(*) FROM login_attempts WHERE key = $1 AND at > $2 AND succeeded = FALSE")
        .arg(key)
        .arg(since)
        .fetch_one(ex)
        .await?;
    Ok(n)
}

/// Records a failed login and forgets attempts older than the window.
pub(crate) async fn record_failure(tx: &mut Tx<'_>, key: &str, now: i64, forget_before: i64) -> Result<()> {
    Sql::new("DELETE FROM login_attempts WHERE at < $1")
        .arg(forget_before)
        .execute(tx)
        .await?;
    Sql::new("INSERT INTO login_attempts (key, at, succeeded) VALUES ($1, $2, FALSE)")
        .arg(key)
        .arg(now)
        .execute(tx)
        .await?;
    Ok(())
}
