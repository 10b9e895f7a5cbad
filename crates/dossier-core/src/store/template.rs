//! Case templates (`templates.kind` 0).

use sqlx::FromRow;
use uuid::Uuid;

use super::{Ex, Tx, sql::Sql};
use crate::{error::Result, ids::Key};

const CASE: i16 = 0;

#[derive(Debug, Clone, FromRow)]
pub(crate) struct TemplateRow {
    pub id: i64,
    pub uuid: Uuid,
    pub seq: i64,
    pub name: String,
    pub description: Option<String>,
    pub body: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i32,
}

const SELECT: &str = "SELECT id, uuid, seq, name, description, body, created_at, updated_at, version FROM templates";

#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert(
    tx: &mut Tx<'_>,
    ws: i64,
    seq: i64,
    name: &str,
    description: Option<&str>,
    body: &str,
    by: Option<i64>,
    now: i64,
) -> Result<(i64, Uuid)> {
    let uuid = crate::ids::new_uuid();
    let (id,): (i64,) = Sql::new(
        "INSERT INTO templates (uuid, workspace_id, seq, kind, name, description, body, created_at, updated_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING id",
    )
    .arg(uuid)
    .arg(ws)
    .arg(seq)
    .arg(CASE)
    .arg(name)
    .arg(description)
    .arg(body)
    .arg(now)
    .arg(by)
    .fetch_one(tx)
    .await?;
    Ok((id, uuid))
}

pub(crate) async fn update(
    tx: &mut Tx<'_>,
    id: i64,
    version: i32,
    name: &str,
    description: Option<&str>,
    body: &str,
    now: i64,
) -> Result<bool> {
    let n = Sql::new(
        "UPDATE templates SET name = $3, description = $4, body = $5, updated_at = $6, version = version + 1 \
         WHERE id = $1 AND version = $2",
    )
    .arg(id)
    .arg(version)
    .arg(name)
    .arg(description)
    .arg(body)
    .arg(now)
    .execute(tx)
    .await?;
    Ok(n == 1)
}

pub(crate) async fn get<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64, key: Key) -> Result<Option<TemplateRow>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE workspace_id = ")
        .bind(ws)
        .push(" AND kind = ")
        .bind(CASE)
        .push(" AND ");
    match key {
        Key::Uuid(u) => q.push("uuid = ").bind(u),
        Key::Seq(n) => q.push("seq = ").bind(n),
    };
    q.fetch_optional(ex).await
}

pub(crate) async fn by_name<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64, name: &str) -> Result<Option<TemplateRow>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE workspace_id = ")
        .bind(ws)
        .push(" AND kind = ")
        .bind(CASE)
        .push(" AND lower(name) = lower(")
        .bind(name)
        .push(")");
    q.fetch_optional(ex).await
}

pub(crate) async fn list<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64) -> Result<Vec<TemplateRow>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE workspace_id = ")
        .bind(ws)
        .push(" AND kind = ")
        .bind(CASE)
        .push(" ORDER BY name, id");
    q.fetch_all(ex).await
}

pub(crate) async fn delete(tx: &mut Tx<'_>, id: i64) -> Result<()> {
    Sql::new("DELETE FROM templates WHERE id = $1")
        .arg(id)
        .execute(tx)
        .await?;
    Ok(())
}
