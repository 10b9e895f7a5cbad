//! Custom field definitions (built-in rows have no workspace).

use sqlx::FromRow;
use uuid::Uuid;

use super::{Ex, Tx, sql::Sql};
use crate::error::Result;

#[derive(Debug, Clone, FromRow)]
pub(crate) struct FieldRow {
    pub id: i64,
    pub uuid: Uuid,
    pub entity_kind: i16,
    pub key: String,
    pub field_type: i16,
    pub nullable: bool,
    pub default_value: Option<String>,
    pub options: Option<String>,
    pub section: Option<String>,
    pub label: Option<String>,
    pub mandatory: bool,
    pub created_at: i64,
    pub version: i32,
}

const SELECT: &str = "SELECT id, uuid, entity_kind, key, type AS field_type, nullable, default_value, options, section, label, \
    mandatory, created_at, version FROM custom_field_defs";

#[derive(Debug, Clone)]
pub(crate) struct FieldValues {
    pub nullable: bool,
    pub default_value: Option<String>,
    pub options: Option<String>,
    pub section: Option<String>,
    pub label: Option<String>,
    pub mandatory: bool,
}

/// Definitions visible in a workspace, optionally of one entity kind, by key.
pub(crate) async fn list<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64, entity: Option<i16>) -> Result<Vec<FieldRow>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE (workspace_id IS NULL OR workspace_id = ")
        .bind(ws)
        .push(")");
    if let Some(e) = entity {
        q.push(" AND entity_kind = ").bind(e);
    }
    q.push(" ORDER BY entity_kind, key");
    q.fetch_all(ex).await
}

pub(crate) async fn get<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64, uuid: Uuid) -> Result<Option<FieldRow>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE workspace_id = ")
        .bind(ws)
        .push(" AND uuid = ")
        .bind(uuid);
    q.fetch_optional(ex).await
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert(
    tx: &mut Tx<'_>,
    ws: i64,
    entity: i16,
    key: &str,
    field_type: i16,
    v: &FieldValues,
    by: Option<i64>,
    now: i64,
) -> Result<(i64, Uuid)> {
    let uuid = crate::ids::new_uuid();
    let (id,): (i64,) = Sql::new(
        "INSERT INTO custom_field_defs (uuid, workspace_id, entity_kind, key, type, nullable, default_value, options, \
         section, label, mandatory, created_at, updated_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13) RETURNING id",
    )
    .arg(uuid)
    .arg(ws)
    .arg(entity)
    .arg(key)
    .arg(field_type)
    .arg(v.nullable)
    .arg(v.default_value.clone())
    .arg(v.options.clone())
    .arg(v.section.clone())
    .arg(v.label.clone())
    .arg(v.mandatory)
    .arg(now)
    .arg(by)
    .fetch_one(tx)
    .await?;
    Ok((id, uuid))
}

pub(crate) async fn update(tx: &mut Tx<'_>, id: i64, version: i32, v: &FieldValues, now: i64) -> Result<bool> {
    let n = Sql::new(
        "UPDATE custom_field_defs SET nullable = $3, default_value = $4, options = $5, section = $6, label = $7, \
         mandatory = $8, updated_at = $9, version = version + 1 WHERE id = $1 AND version = $2",
    )
    .arg(id)
    .arg(version)
    .arg(v.nullable)
    .arg(v.default_value.clone())
    .arg(v.options.clone())
    .arg(v.section.clone())
    .arg(v.label.clone())
    .arg(v.mandatory)
    .arg(now)
    .execute(tx)
    .await?;
    Ok(n == 1)
}

pub(crate) async fn delete(tx: &mut Tx<'_>, id: i64) -> Result<()> {
    Sql::new("DELETE FROM custom_field_defs WHERE id = $1")
        .arg(id)
        .execute(tx)
        .await?;
    Ok(())
}
