//! Evidence rows: reads with their case, type, stored file and creator joined in; keyset-paged
//! lists of a case by number, newest first.

use sqlx::FromRow;
use uuid::Uuid;

use super::{Backend, Ex, Tx, customer::push_like, sql::Sql};
use crate::{error::Result, ids::Key};

#[derive(Debug, Clone, FromRow)]
pub(crate) struct EvidenceRow {
    pub id: i64,
    pub uuid: Uuid,
    pub seq: i64,
    pub case_id: i64,
    pub case_uuid: Uuid,
    pub case_seq: i64,
    pub filename: String,
    pub description: Option<String>,
    pub size: Option<i64>,
    pub hash: Option<String>,
    pub type_id: Option<i64>,
    pub type_name: Option<String>,
    pub acquired_at: Option<i64>,
    pub start_at: Option<i64>,
    pub end_at: Option<i64>,
    pub chain_of_custody: Option<String>,
    pub file_id: Option<i64>,
    pub blob_sha: Option<Vec<u8>>,
    pub blob_size: Option<i64>,
    pub storage_key: Option<String>,
    pub custom: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub creator_uuid: Option<Uuid>,
    pub creator_login: Option<String>,
    pub creator_name: Option<String>,
    pub version: i32,
}

const SELECT: &str = "SELECT e.id, e.uuid, e.seq, e.case_id, c.uuid AS case_uuid, c.seq AS case_seq, e.filename, \
    e.description, e.size, e.hash, e.type_id, t.name AS type_name, e.acquired_at, e.start_at, e.end_at, \
    e.chain_of_custody, e.file_id, b.sha AS blob_sha, b.size AS blob_size, b.storage_key, e.custom, e.created_at, \
    e.updated_at, u.uuid AS creator_uuid, u.login AS creator_login, u.name AS creator_name, e.version \
    FROM evidences e JOIN cases c ON c.id = e.case_id LEFT JOIN evidence_types t ON t.id = e.type_id \
    LEFT JOIN files f ON f.id = e.file_id LEFT JOIN blobs b ON b.id = f.blob_id \
    LEFT JOIN users u ON u.id = e.created_by";

/// The writable columns of an evidence record.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EvidenceValues {
    pub filename: String,
    pub description: Option<String>,
    pub size: Option<i64>,
    pub hash: Option<String>,
    pub type_id: Option<i64>,
    pub acquired_at: Option<i64>,
    pub start_at: Option<i64>,
    pub end_at: Option<i64>,
    /// JSON.
    pub chain_of_custody: Option<String>,
    /// JSON object.
    pub custom: String,
}

impl EvidenceValues {
    pub fn of(r: &EvidenceRow) -> Self {
        EvidenceValues {
            filename: r.filename.clone(),
            description: r.description.clone(),
            size: r.size,
            hash: r.hash.clone(),
            type_id: r.type_id,
            acquired_at: r.acquired_at,
            start_at: r.start_at,
            end_at: r.end_at,
            chain_of_custody: r.chain_of_custody.clone(),
            custom: r.custom.clone(),
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert(
    tx: &mut Tx<'_>,
    ws: i64,
    seq: i64,
    case_id: i64,
    file_id: Option<i64>,
    v: &EvidenceValues,
    by: Option<i64>,
    now: i64,
) -> Result<(i64, Uuid)> {
    let uuid = crate::ids::new_uuid();
    let (id,): (i64,) = Sql::new(
        "INSERT INTO evidences (uuid, workspace_id, seq, case_id, filename, description, size, hash, type_id, \
         acquired_at, start_at, end_at, chain_of_custody, file_id, custom, created_at, updated_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17) RETURNING id",
    )
    .arg(uuid)
    .arg(ws)
    .arg(seq)
    .arg(case_id)
    .arg(&v.filename)
    .arg(v.description.clone())
    .arg(v.size)
    .arg(v.hash.clone())
    .arg(v.type_id)
    .arg(v.acquired_at)
    .arg(v.start_at)
    .arg(v.end_at)
    .arg(v.chain_of_custody.clone())
    .arg(file_id)
    .arg(&v.custom)
    .arg(now)
    .arg(by)
    .fetch_one(tx)
    .await?;
    Ok((id, uuid))
}

/// Writes new values if the row is still at `version`; false when it moved on.
pub(crate) async fn update(tx: &mut Tx<'_>, id: i64, version: i32, v: &EvidenceValues, now: i64) -> Result<bool> {
    let n = Sql::new(
        "UPDATE evidences SET filename = $3, description = $4, size = $5, hash = $6, type_id = $7, acquired_at = $8, \
         start_at = $9, end_at = $10, chain_of_custody = $11, custom = $12, updated_at = $13, version = version + 1 \
         WHERE id = $1 AND version = $2",
    )
    .arg(id)
    .arg(version)
    .arg(&v.filename)
    .arg(v.description.clone())
    .arg(v.size)
    .arg(v.hash.clone())
    .arg(v.type_id)
    .arg(v.acquired_at)
    .arg(v.start_at)
    .arg(v.end_at)
    .arg(v.chain_of_custody.clone())
    .arg(&v.custom)
    .arg(now)
    .execute(tx)
    .await?;
    Ok(n == 1)
}

pub(crate) async fn get<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64, key: Key) -> Result<Option<EvidenceRow>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE e.workspace_id = ")
        .bind(ws)
        .push(" AND c.deleted_at IS NULL AND ");
    match key {
        Key::Uuid(u) => q.push("e.uuid = ").bind(u),
        Key::Seq(n) => q.push("e.seq = ").bind(n),
    };
    q.fetch_optional(ex).await
}

/// Deletes an evidence row and the comments on it (comments have no foreign key to their
/// target).
pub(crate) async fn delete(tx: &mut Tx<'_>, id: i64) -> Result<()> {
    super::comment::delete_on(tx, crate::model::TargetKind::Evidence, id).await?;
    Sql::new("DELETE FROM evidences WHERE id = $1")
        .arg(id)
        .execute(tx)
        .await?;
    Ok(())
}

/// List filters, already resolved to stored values.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListFilter {
    pub type_ids: Vec<i64>,
    pub q: Option<String>,
    pub has_file: Option<bool>,
}

/// One page of a case's evidence, newest (highest number) first, plus one row.
pub(crate) async fn list<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    backend: Backend,
    ws: i64,
    case_id: i64,
    f: &ListFilter,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<EvidenceRow>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE e.case_id = ")
        .bind(case_id)
        .push(" AND e.workspace_id = ")
        .bind(ws);
    if !f.type_ids.is_empty() {
        q.push(" AND e.type_id IN ").bind_list(f.type_ids.iter().copied());
    }
    match f.has_file {
        Some(true) => {
            q.push(" AND e.file_id IS NOT NULL");
        }
        Some(false) => {
            q.push(" AND e.file_id IS NULL");
        }
        None => {}
    }
    if let Some(text) = &f.q {
        let pattern = super::customer::like_pattern(text.trim());
        q.push(" AND (");
        push_like(&mut q, backend, "e.filename", &pattern);
        q.push(" OR ");
        push_like(&mut q, backend, "e.description", &pattern);
        q.push(")");
    }
    if let Some(b) = before {
        q.push(" AND e.seq < ").bind(b);
    }
    q.push(" ORDER BY e.seq DESC").limit(i64::from(limit) + 1);
    q.fetch_all(ex).await
}
