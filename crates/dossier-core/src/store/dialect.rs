//! Queries behind the rules that dialects share: the primary case, user numbers, object-family
//! change counters.

use uuid::Uuid;

use super::{Ex, Tx, sql::Sql};
use crate::error::Result;

pub(crate) async fn settings(tx: &mut Tx<'_>, ws: i64) -> Result<String> {
    let sql = if tx.backend() == super::Backend::Postgres {
        // Replicas making the primary case at the same moment: the second waits, then sees it.
        Sql::new("SELECT settings FROM workspaces WHERE id = $1 FOR UPDATE")
    } else {
        Sql::new("SELECT settings FROM workspaces WHERE id = $1")
    };
    let (s,): (String,) = sql.arg(ws).fetch_one(tx).await?;
    Ok(s)
}

pub(crate) async fn settings_of<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64) -> Result<Option<String>> {
    let row: Option<(String,)> = Sql::new("SELECT settings FROM workspaces WHERE id = $1")
        .arg(ws)
        .fetch_optional(ex)
        .await?;
    Ok(row.map(|r| r.0))
}

pub(crate) async fn set_settings(tx: &mut Tx<'_>, ws: i64, settings: &str, now: i64) -> Result<()> {
    Sql::new("UPDATE workspaces SET settings = $1, updated_at = $2 WHERE id = $3")
        .arg(settings)
        .arg(now)
        .arg(ws)
        .execute(tx)
        .await?;
    Ok(())
}

pub(crate) async fn customer_by_name(tx: &mut Tx<'_>, ws: i64, name: &str) -> Result<Option<i64>> {
    let row: Option<(i64,)> = Sql::new("SELECT id FROM customers WHERE workspace_id = $1 AND lower(name) = lower($2)")
        .arg(ws)
        .arg(name)
        .fetch_optional(&mut *tx)
        .await?;
    Ok(row.map(|r| r.0))
}

pub(crate) async fn user_ids<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, uuids: &[Uuid]) -> Result<Vec<(Uuid, i64)>> {
    if uuids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT uuid, id FROM users WHERE uuid IN ");
    sql.bind_list(uuids.iter().copied());
    sql.fetch_all(ex).await
}

/// The newest audit entry of one kind of object in a case: `(activity id, at)`.
pub(crate) async fn last_change<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    case_id: i64,
    kind: &str,
) -> Result<Option<(i64, i64)>> {
    Sql::new("SELECT id, at FROM activities WHERE case_id = $1 AND object_kind = $2 ORDER BY id DESC LIMIT 1")
        .arg(case_id)
        .arg(kind)
        .fetch_optional(ex)
        .await
}

/// A free-text entry a user writes into a case's activity log (IRIS "task log").
pub(crate) async fn insert_log(
    tx: &mut Tx<'_>,
    audit: &super::activity::Audit,
    case_id: i64,
    message: &str,
    at: i64,
) -> Result<i64> {
    let (id,): (i64,) = Sql::new(
        "INSERT INTO activities (uuid, workspace_id, case_id, at, actor_user_id, credential_id, via, request_id, \
         object_kind, object_id, action, message, user_input) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'case', $3, \
         'log', $9, TRUE) RETURNING id",
    )
    .arg(crate::ids::new_uuid())
    .arg(audit.ws)
    .arg(case_id)
    .arg(at)
    .arg(audit.actor)
    .arg(audit.credential)
    .arg(audit.via)
    .arg(audit.request_id.clone())
    .arg(message)
    .fetch_one(tx)
    .await?;
    Ok(id)
}
