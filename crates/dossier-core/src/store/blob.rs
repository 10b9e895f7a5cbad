//! Blob rows (content-addressed per workspace) and the file rows that point at them.

use uuid::Uuid;

use super::{Ex, Tx, sql::Sql};
use crate::error::Result;

/// Inserts the blob row of `sha` in workspace `ws`, or returns the existing one's id.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn upsert(
    tx: &mut Tx<'_>,
    ws: i64,
    sha: &[u8],
    size: i64,
    mime: &str,
    storage_key: &str,
    by: Option<i64>,
    now: i64,
) -> Result<i64> {
    let (id,): (i64,) = Sql::new(
        "INSERT INTO blobs (uuid, workspace_id, sha, size, mime, storage_key, created_at, updated_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) \
         ON CONFLICT (workspace_id, sha) DO UPDATE SET updated_at = excluded.updated_at RETURNING id",
    )
    .arg(crate::ids::new_uuid())
    .arg(ws)
    .arg(sha.to_vec())
    .arg(size)
    .arg(mime)
    .arg(storage_key)
    .arg(now)
    .arg(by)
    .fetch_one(tx)
    .await?;
    Ok(id)
}

/// What a new file row holds.
pub(crate) struct NewFile<'a> {
    pub seq: i64,
    pub case_id: Option<i64>,
    pub blob_id: i64,
    pub original_name: &'a str,
    pub description: Option<&'a str>,
    pub is_evidence: bool,
}

pub(crate) async fn insert_file(
    tx: &mut Tx<'_>,
    ws: i64,
    f: &NewFile<'_>,
    by: Option<i64>,
    now: i64,
) -> Result<(i64, Uuid)> {
    let uuid = crate::ids::new_uuid();
    let (id,): (i64,) = Sql::new(
        "INSERT INTO files (uuid, workspace_id, seq, case_id, blob_id, original_name, description, is_evidence, \
         created_at, updated_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id",
    )
    .arg(uuid)
    .arg(ws)
    .arg(f.seq)
    .arg(f.case_id)
    .arg(f.blob_id)
    .arg(f.original_name)
    .arg(f.description)
    .arg(f.is_evidence)
    .arg(now)
    .arg(by)
    .fetch_one(tx)
    .await?;
    Ok((id, uuid))
}

/// Deletes a file row that only `evidence_id` used: not in a datastore folder, not an alert's
/// attachment, named by no other evidence and no template. Returns whether it was deleted.
pub(crate) async fn delete_file_of_evidence(tx: &mut Tx<'_>, file_id: i64, evidence_id: i64) -> Result<bool> {
    let n = Sql::new(
        "DELETE FROM files WHERE id = $1 AND folder_id IS NULL AND alert_id IS NULL \
         AND NOT EXISTS (SELECT 1 FROM evidences e WHERE e.file_id = $1 AND e.id <> $2) \
         AND NOT EXISTS (SELECT 1 FROM templates t WHERE t.file_id = $1)",
    )
    .arg(file_id)
    .arg(evidence_id)
    .execute(tx)
    .await?;
    Ok(n == 1)
}

/// Deletes up to `batch` blob rows that no file row references; returns their SHA-256s.
pub(crate) async fn delete_unreferenced(tx: &mut Tx<'_>, batch: i64) -> Result<Vec<Vec<u8>>> {
    let mut q = Sql::new(
        "DELETE FROM blobs WHERE id IN (SELECT b.id FROM blobs b \
         WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.blob_id = b.id)",
    );
    let rows: Vec<(Vec<u8>,)> = q.limit(batch).push(") RETURNING sha").fetch_all(tx).await?;
    Ok(rows.into_iter().map(|(s,)| s).collect())
}

/// Whether any workspace still has a blob row for `sha`.
pub(crate) async fn sha_in_use<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, sha: &[u8]) -> Result<bool> {
    let row: Option<(i64,)> = Sql::new("SELECT id FROM blobs WHERE sha = $1 LIMIT 1")
        .arg(sha.to_vec())
        .fetch_optional(ex)
        .await?;
    Ok(row.is_some())
}
