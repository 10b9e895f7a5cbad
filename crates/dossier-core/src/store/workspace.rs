//! Workspaces, memberships and the per-workspace sequence counters.

use sqlx::FromRow;
use uuid::Uuid;

use super::{Ex, Tx, sql::Sql};
use crate::{error::Result, ids::new_uuid, model::Role};

#[derive(Debug, Clone, FromRow)]
pub(crate) struct WorkspaceRow {
    pub id: i64,
    pub uuid: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub is_default: bool,
    pub created_at: i64,
}

#[derive(Debug, Clone, FromRow)]
pub(crate) struct WorkspaceWithRole {
    pub id: i64,
    pub uuid: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub is_default: bool,
    pub created_at: i64,
    pub role: Option<i16>,
}

#[derive(Debug, Clone, FromRow)]
pub(crate) struct MemberRow {
    pub user_uuid: Uuid,
    pub login: String,
    pub name: String,
    pub role: i16,
    pub created_at: i64,
}

const COLS: &str = "SELECT id, uuid, name, description, is_default, created_at FROM workspaces";

pub(crate) async fn insert(
    tx: &mut Tx<'_>,
    name: &str,
    description: Option<&str>,
    is_default: bool,
    now: i64,
) -> Result<(i64, Uuid)> {
    let uuid = new_uuid();
    let (id,): (i64,) = Sql::new(
        "INSERT INTO workspaces (uuid, name, is_default, description, settings, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, '{}', $5, $5) RETURNING id",
    )
    .arg(uuid)
    .arg(name)
    .arg(is_default)
    .arg(description)
    .arg(now)
    .fetch_one(tx)
    .await?;
    Ok((id, uuid))
}

pub(crate) async fn by_uuid<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, uuid: Uuid) -> Result<Option<WorkspaceRow>> {
    let mut q = Sql::new(COLS);
    q.push(" WHERE uuid = ").bind(uuid);
    q.fetch_optional(ex).await
}

pub(crate) async fn by_name<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, name: &str) -> Result<Option<WorkspaceRow>> {
    let mut q = Sql::new(COLS);
    q.push(" WHERE lower(name) = lower(").bind(name).push(")");
    q.fetch_optional(ex).await
}

pub(crate) async fn default_workspace<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>) -> Result<Option<WorkspaceRow>> {
    let mut q = Sql::new(COLS);
    q.push(" WHERE is_default = TRUE");
    q.fetch_optional(ex).await
}

/// Workspaces `user_id` belongs to, or every workspace (with the user's role where a member)
/// when `all` is set.
pub(crate) async fn list_for_user<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    user_id: i64,
    all: bool,
) -> Result<Vec<WorkspaceWithRole>> {
    let mut q =
        Sql::new("SELECT w.id, w.uuid, w.name, w.description, w.is_default, w.created_at, m.role FROM workspaces w ");
    if all {
        q.push("LEFT JOIN memberships m ON m.workspace_id = w.id AND m.user_id = ")
            .bind(user_id);
    } else {
        q.push("JOIN memberships m ON m.workspace_id = w.id AND m.user_id = ")
            .bind(user_id);
    }
    q.push(" ORDER BY w.name, w.id");
    q.fetch_all(ex).await
}

pub(crate) async fn role_of<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64, user_id: i64) -> Result<Option<Role>> {
    let row: Option<(i16,)> = Sql::new("SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2")
        .arg(ws)
        .arg(user_id)
        .fetch_optional(ex)
        .await?;
    Ok(row.and_then(|(r,)| Role::from_ordinal(r)))
}

pub(crate) async fn first_membership<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    user_id: i64,
) -> Result<Option<(i64, Uuid, i16)>> {
    Sql::new(
        "SELECT w.id, w.uuid, m.role FROM memberships m JOIN workspaces w ON w.id = m.workspace_id \
         WHERE m.user_id = $1 ORDER BY w.id LIMIT 1",
    )
    .arg(user_id)
    .fetch_optional(ex)
    .await
}

pub(crate) async fn set_member(tx: &mut Tx<'_>, ws: i64, user_id: i64, role: Role, now: i64) -> Result<()> {
    Sql::new(
        "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = excluded.role",
    )
    .arg(ws)
    .arg(user_id)
    .arg(role.ordinal())
    .arg(now)
    .execute(tx)
    .await?;
    Ok(())
}

pub(crate) async fn remove_member(tx: &mut Tx<'_>, ws: i64, user_id: i64) -> Result<u64> {
    Sql::new("DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2")
        .arg(ws)
        .arg(user_id)
        .execute(tx)
        .await
}

pub(crate) async fn count_admins(tx: &mut Tx<'_>, ws: i64) -> Result<i64> {
    let (n,): (i64,) = Sql::new("SELECT COUNT(*) FROM memberships WHERE workspace_id = $1 AND role = $2")
        .arg(ws)
        .arg(Role::Admin.ordinal())
        .fetch_one(tx)
        .await?;
    Ok(n)
}

pub(crate) async fn members<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64) -> Result<Vec<MemberRow>> {
    Sql::new(
        "SELECT u.uuid AS user_uuid, u.login, u.name, m.role, m.created_at FROM memberships m \
         JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 AND u.deleted_at IS NULL ORDER BY u.login",
    )
    .arg(ws)
    .fetch_all(ex)
    .await
}

/// Reserves `n` consecutive numbers of `kind` in a workspace; returns the first. The counter
/// only moves forward, so a number once shown is never given again (a rolled-back reservation
/// was never visible). On PostgreSQL the counter row stays locked until the transaction ends,
/// which serializes concurrent inserts of one kind in one workspace.
pub(crate) async fn next_seq(tx: &mut Tx<'_>, ws: i64, kind: &str, n: i64) -> Result<i64> {
    let (first,): (i64,) = Sql::new(
        "INSERT INTO workspace_counters (workspace_id, kind, next) VALUES ($1, $2, 1 + $3) \
         ON CONFLICT (workspace_id, kind) DO UPDATE SET next = workspace_counters.next + $3 \
         RETURNING next - $3",
    )
    .arg(ws)
    .arg(kind)
    .arg(n)
    .fetch_one(tx)
    .await?;
    Ok(first)
}

/// Whether `admin` holds the admin role in a workspace that `user` belongs to.
pub(crate) async fn administers<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, admin: i64, user: i64) -> Result<bool> {
    let row: Option<(i64,)> = Sql::new(
        "SELECT a.workspace_id FROM memberships a JOIN memberships m ON m.workspace_id = a.workspace_id \
         WHERE a.user_id = $1 AND a.role = $2 AND m.user_id = $3 LIMIT 1",
    )
    .arg(admin)
    .arg(Role::Admin.ordinal())
    .arg(user)
    .fetch_optional(ex)
    .await?;
    Ok(row.is_some())
}

/// Removes every membership of a user; returns the workspaces they belonged to.
pub(crate) async fn remove_all_memberships(tx: &mut Tx<'_>, user_id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = Sql::new("SELECT workspace_id FROM memberships WHERE user_id = $1 ORDER BY workspace_id")
        .arg(user_id)
        .fetch_all(&mut *tx)
        .await?;
    Sql::new("DELETE FROM memberships WHERE user_id = $1")
        .arg(user_id)
        .execute(tx)
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}
