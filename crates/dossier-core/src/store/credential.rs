//! API keys and session tokens, stored as SHA-256 digests.

use sqlx::FromRow;
use uuid::Uuid;

use super::{Ex, Tx, sql::Sql};
use crate::{error::Result, ids::new_uuid};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CredentialKind {
    ApiKey,
    LoginToken,
}

impl CredentialKind {
    fn ordinal(self) -> i16 {
        match self {
            CredentialKind::ApiKey => 0,
            CredentialKind::LoginToken => 1,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct NewCredential {
    pub user_id: i64,
    pub workspace_id: Option<i64>,
    pub kind: CredentialKind,
    pub name: Option<String>,
    pub prefix: String,
    pub secret_sha: Vec<u8>,
    pub expires_at: Option<i64>,
}

/// A credential joined with its user and the workspace it resolves to by default.
#[derive(Debug, Clone, FromRow)]
pub(crate) struct AuthRow {
    pub credential_id: i64,
    pub secret_sha: Vec<u8>,
    pub bound_workspace_id: Option<i64>,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub user_id: i64,
    pub user_uuid: Uuid,
    pub login: String,
    pub name: String,
    pub is_superuser: bool,
    pub ws_id: Option<i64>,
    pub ws_uuid: Option<Uuid>,
    pub role: Option<i16>,
}

#[derive(Debug, Clone, FromRow)]
pub(crate) struct CredentialRow {
    pub id: i64,
    pub uuid: Uuid,
    pub user_id: i64,
    pub name: Option<String>,
    pub prefix: String,
    pub workspace_uuid: Option<Uuid>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

const COLS: &str = "SELECT c.id, c.uuid, c.user_id, c.name, c.prefix, w.uuid AS workspace_uuid, c.created_at, \
                    c.last_used_at, c.expires_at, c.revoked_at FROM credentials c LEFT JOIN workspaces w ON w.id = c.workspace_id";

pub(crate) async fn insert(tx: &mut Tx<'_>, c: &NewCredential, now: i64) -> Result<(i64, Uuid)> {
    let uuid = new_uuid();
    let (id,): (i64,) = Sql::new(
        "INSERT INTO credentials (uuid, user_id, workspace_id, kind, name, prefix, secret_sha, expires_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .arg(uuid)
    .arg(c.user_id)
    .arg(c.workspace_id)
    .arg(c.kind.ordinal())
    .arg(c.name.clone())
    .arg(&c.prefix)
    .arg(c.secret_sha.clone())
    .arg(c.expires_at)
    .arg(now)
    .fetch_one(tx)
    .await?;
    Ok((id, uuid))
}

/// One indexed lookup: the credential by digest, its active user, and the default workspace
/// with the user's role there.
pub(crate) async fn resolve<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, sha: &[u8]) -> Result<Option<AuthRow>> {
    Sql::new(
        "SELECT c.id AS credential_id, c.secret_sha, c.workspace_id AS bound_workspace_id, c.expires_at, c.last_used_at, \
         u.id AS user_id, u.uuid AS user_uuid, u.login, u.name, u.is_superuser, \
         w.id AS ws_id, w.uuid AS ws_uuid, m.role \
         FROM credentials c JOIN users u ON u.id = c.user_id \
         LEFT JOIN workspaces w ON w.id = COALESCE(c.workspace_id, u.default_workspace_id) \
         LEFT JOIN memberships m ON m.workspace_id = w.id AND m.user_id = u.id \
         WHERE c.secret_sha = $1 AND c.revoked_at IS NULL AND u.is_active = TRUE AND u.deleted_at IS NULL",
    )
    .arg(sha.to_vec())
    .fetch_optional(ex)
    .await
}

pub(crate) async fn touch(tx: &mut Tx<'_>, id: i64, now: i64) -> Result<()> {
    Sql::new("UPDATE credentials SET last_used_at = $2 WHERE id = $1")
        .arg(id)
        .arg(now)
        .execute(tx)
        .await?;
    Ok(())
}

pub(crate) async fn by_id<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, id: i64) -> Result<CredentialRow> {
    let mut q = Sql::new(COLS);
    q.push(" WHERE c.id = ").bind(id);
    q.fetch_one(ex).await
}

pub(crate) async fn by_uuid<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, uuid: Uuid) -> Result<Option<CredentialRow>> {
    let mut q = Sql::new(COLS);
    q.push(" WHERE c.uuid = ").bind(uuid).push(" AND c.kind = 0");
    q.fetch_optional(ex).await
}

pub(crate) async fn list_keys<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, user_id: i64) -> Result<Vec<CredentialRow>> {
    let mut q = Sql::new(COLS);
    q.push(" WHERE c.user_id = ")
        .bind(user_id)
        .push(" AND c.kind = 0 ORDER BY c.id");
    q.fetch_all(ex).await
}

pub(crate) async fn revoke(tx: &mut Tx<'_>, id: i64, now: i64) -> Result<()> {
    Sql::new("UPDATE credentials SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
        .arg(id)
        .arg(now)
        .execute(tx)
        .await?;
    Ok(())
}

pub(crate) async fn revoke_by_sha(tx: &mut Tx<'_>, sha: &[u8], now: i64) -> Result<()> {
    Sql::new("UPDATE credentials SET revoked_at = $2 WHERE secret_sha = $1 AND revoked_at IS NULL")
        .arg(sha.to_vec())
        .arg(now)
        .execute(tx)
        .await?;
    Ok(())
}

/// Revokes every credential of a user (deactivation already blocks them; this makes it final).
pub(crate) async fn revoke_all_of_user(tx: &mut Tx<'_>, user_id: i64, now: i64) -> Result<()> {
    Sql::new("UPDATE credentials SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
        .arg(user_id)
        .arg(now)
        .execute(tx)
        .await?;
    Ok(())
}
