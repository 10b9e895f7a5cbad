//! Comments on any object.

use sqlx::FromRow;
use uuid::Uuid;

use super::{Ex, Tx, sql::Sql};
use crate::error::Result;

#[derive(Debug, Clone, FromRow)]
pub(crate) struct CommentRow {
    pub id: i64,
    pub uuid: Uuid,
    pub seq: i64,
    pub case_id: Option<i64>,
    pub target_kind: i16,
    pub target_id: i64,
    pub parent_uuid: Option<Uuid>,
    pub author_id: Option<i64>,
    pub author_uuid: Option<Uuid>,
    pub author_login: Option<String>,
    pub author_name: Option<String>,
    pub content: String,
    pub edited_at: Option<i64>,
    pub created_at: i64,
}

const SELECT: &str = "SELECT m.id, m.uuid, m.seq, m.case_id, m.target_kind, m.target_id, p.uuid AS parent_uuid, \
    m.author_id, u.uuid AS author_uuid, u.login AS author_login, u.name AS author_name, m.content, m.edited_at, m.created_at \
    FROM comments m LEFT JOIN users u ON u.id = m.author_id LEFT JOIN comments p ON p.id = m.parent_id";

pub(crate) struct NewCommentRow {
    pub uuid: Uuid,
    pub seq: i64,
    pub case_id: Option<i64>,
    pub alert_id: Option<i64>,
    pub target_kind: i16,
    pub target_id: i64,
    pub parent_id: Option<i64>,
    pub author_id: Option<i64>,
    pub content: String,
}

pub(crate) async fn insert(tx: &mut Tx<'_>, ws: i64, c: &NewCommentRow, now: i64) -> Result<i64> {
    let (id,): (i64,) = Sql::new(
        "INSERT INTO comments (uuid, workspace_id, seq, case_id, alert_id, target_kind, target_id, parent_id, author_id, \
         content, created_at, updated_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $9) RETURNING id",
    )
    .arg(c.uuid)
    .arg(ws)
    .arg(c.seq)
    .arg(c.case_id)
    .arg(c.alert_id)
    .arg(c.target_kind)
    .arg(c.target_id)
    .arg(c.parent_id)
    .arg(c.author_id)
    .arg(&c.content)
    .arg(now)
    .fetch_one(tx)
    .await?;
    Ok(id)
}

pub(crate) async fn by_uuid<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64, uuid: Uuid) -> Result<Option<CommentRow>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE m.workspace_id = ")
        .bind(ws)
        .push(" AND m.uuid = ")
        .bind(uuid);
    q.fetch_optional(ex).await
}

/// A comment of the workspace by number or UUID.
pub(crate) async fn by_key<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
    key: crate::ids::Key,
) -> Result<Option<CommentRow>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE m.workspace_id = ").bind(ws).push(" AND ");
    match key {
        crate::ids::Key::Uuid(u) => q.push("m.uuid = ").bind(u),
        crate::ids::Key::Seq(n) => q.push("m.seq = ").bind(n),
    };
    q.fetch_optional(ex).await
}

pub(crate) async fn by_id<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, id: i64) -> Result<CommentRow> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE m.id = ").bind(id);
    q.fetch_one(ex).await
}

/// Oldest first, keyset-paged on id.
pub(crate) async fn list<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
    target_kind: i16,
    target_id: i64,
    after_id: Option<i64>,
    limit: u32,
) -> Result<Vec<CommentRow>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE m.target_kind = ")
        .bind(target_kind)
        .push(" AND m.target_id = ")
        .bind(target_id);
    q.push(" AND m.workspace_id = ").bind(ws);
    if let Some(a) = after_id {
        q.push(" AND m.id > ").bind(a);
    }
    q.push(" ORDER BY m.id").limit(i64::from(limit) + 1);
    q.fetch_all(ex).await
}

pub(crate) async fn set_content(tx: &mut Tx<'_>, id: i64, content: &str, now: i64) -> Result<()> {
    Sql::new("UPDATE comments SET content = $2, edited_at = $3, updated_at = $3, version = version + 1 WHERE id = $1")
        .arg(id)
        .arg(content)
        .arg(now)
        .execute(tx)
        .await?;
    Ok(())
}

pub(crate) async fn delete(tx: &mut Tx<'_>, id: i64) -> Result<()> {
    Sql::new("DELETE FROM comments WHERE id = $1")
        .arg(id)
        .execute(tx)
        .await?;
    Ok(())
}

/// A commentable child object of a workspace by number or UUID: (id, case id).
pub(crate) async fn target<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    table: &'static str,
    ws: i64,
    key: crate::ids::Key,
) -> Result<Option<(i64, Option<i64>)>> {
    // `table` is one of a fixed set of names chosen by the caller, never user input.
    let mut q = Sql::new("SELECT id, case_id FROM ");
    q.push(table).push(" WHERE workspace_id = ").bind(ws).push(" AND ");
    match key {
        crate::ids::Key::Uuid(u) => q.push("uuid = ").bind(u),
        crate::ids::Key::Seq(n) => q.push("seq = ").bind(n),
    };
    q.fetch_optional(ex).await
}

/// Removes the comments on an object that is being deleted (comments have no foreign key to
/// their target, and SQLite may reuse a deleted row's id).
pub(crate) async fn delete_on(tx: &mut Tx<'_>, kind: crate::model::TargetKind, id: i64) -> Result<()> {
    Sql::new("DELETE FROM comments WHERE target_kind = $1 AND target_id = $2")
        .arg(kind.ordinal())
        .arg(id)
        .execute(tx)
        .await?;
    Ok(())
}
