//! Datastore rows: a case's folder tree (`folders`) and the files in it (`files` with a
//! `folder_id`), each file naming a content-addressed blob.

use sqlx::FromRow;
use uuid::Uuid;

use super::{Ex, Tx, sql::Sql};
use crate::error::Result;

#[derive(Debug, Clone, FromRow)]
pub(crate) struct FolderRow {
    pub id: i64,
    pub uuid: Uuid,
    pub seq: i64,
    pub case_seq: i64,
    pub parent_id: Option<i64>,
    pub parent_seq: Option<i64>,
    pub name: String,
    pub is_root: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

const FOLDER_SELECT: &str = "SELECT f.id, f.uuid, f.seq, c.seq AS case_seq, f.parent_id, \
    p.seq AS parent_seq, f.name, f.is_root, f.created_at, f.updated_at \
    FROM folders f JOIN cases c ON c.id = f.case_id LEFT JOIN folders p ON p.id = f.parent_id";

/// The root folder of a case, if it has one.
pub(crate) async fn root_of<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, case_id: i64) -> Result<Option<FolderRow>> {
    let mut q = Sql::new(FOLDER_SELECT);
    q.push(" WHERE f.case_id = ")
        .bind(case_id)
        .push(" AND f.is_root = ")
        .bind(true)
        .push(" ORDER BY f.id LIMIT 1");
    q.fetch_optional(ex).await
}

/// Every folder of a case, root first, then by number.
pub(crate) async fn folders_of<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, case_id: i64) -> Result<Vec<FolderRow>> {
    let mut q = Sql::new(FOLDER_SELECT);
    q.push(" WHERE f.case_id = ")
        .bind(case_id)
        .push(" ORDER BY f.is_root DESC, f.seq");
    q.fetch_all(ex).await
}

/// A folder of a case by number.
pub(crate) async fn folder<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
    case_id: i64,
    seq: i64,
) -> Result<Option<FolderRow>> {
    let mut q = Sql::new(FOLDER_SELECT);
    q.push(" WHERE f.workspace_id = ")
        .bind(ws)
        .push(" AND f.seq = ")
        .bind(seq)
        .push(" AND f.case_id = ")
        .bind(case_id);
    q.fetch_optional(ex).await
}

pub(crate) async fn folder_by_id<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, id: i64) -> Result<FolderRow> {
    let mut q = Sql::new(FOLDER_SELECT);
    q.push(" WHERE f.id = ").bind(id);
    q.fetch_one(ex).await
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_folder(
    tx: &mut Tx<'_>,
    ws: i64,
    seq: i64,
    case_id: i64,
    parent_id: Option<i64>,
    name: &str,
    is_root: bool,
    by: Option<i64>,
    now: i64,
) -> Result<(i64, Uuid)> {
    let uuid = crate::ids::new_uuid();
    let (id,): (i64,) = Sql::new(
        "INSERT INTO folders (uuid, workspace_id, seq, case_id, parent_id, name, is_root, created_at, updated_at, \
         created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING id",
    )
    .arg(uuid)
    .arg(ws)
    .arg(seq)
    .arg(case_id)
    .arg(parent_id)
    .arg(name)
    .arg(is_root)
    .arg(now)
    .arg(by)
    .fetch_one(tx)
    .await?;
    Ok((id, uuid))
}

/// Renames and/or moves a folder.
pub(crate) async fn update_folder(
    tx: &mut Tx<'_>,
    id: i64,
    name: &str,
    parent_id: Option<i64>,
    now: i64,
) -> Result<()> {
    Sql::new("UPDATE folders SET name = $2, parent_id = $3, updated_at = $4, version = version + 1 WHERE id = $1")
        .arg(id)
        .arg(name)
        .arg(parent_id)
        .arg(now)
        .execute(tx)
        .await?;
    Ok(())
}

/// Whether `candidate` is `folder` or lies below it (walking up from `candidate`).
pub(crate) async fn is_within(tx: &mut Tx<'_>, folder: i64, candidate: i64) -> Result<bool> {
    let row: Option<(i64,)> = Sql::new(
        "WITH RECURSIVE up(id, parent_id, depth) AS ( \
           SELECT id, parent_id, 0 FROM folders WHERE id = $1 \
           UNION ALL SELECT f.id, f.parent_id, up.depth + 1 FROM folders f JOIN up ON f.id = up.parent_id \
           WHERE up.depth < 10000) \
         SELECT id FROM up WHERE id = $2 LIMIT 1",
    )
    .arg(candidate)
    .arg(folder)
    .fetch_optional(tx)
    .await?;
    Ok(row.is_some())
}

/// A folder and every folder below it.
pub(crate) async fn subtree(tx: &mut Tx<'_>, folder: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = Sql::new(
        "WITH RECURSIVE down(id, depth) AS ( \
           SELECT id, 0 FROM folders WHERE id = $1 \
           UNION ALL SELECT f.id, down.depth + 1 FROM folders f JOIN down ON f.parent_id = down.id \
           WHERE down.depth < 10000) \
         SELECT id FROM down",
    )
    .arg(folder)
    .fetch_all(tx)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Deletes folders and the files in them.
pub(crate) async fn delete_folders(tx: &mut Tx<'_>, ids: &[i64]) -> Result<()> {
    for chunk in ids.chunks(500) {
        let mut q = Sql::new("DELETE FROM files WHERE folder_id IN ");
        q.bind_list(chunk.iter().copied());
        q.execute(&mut *tx).await?;
    }
    // Children first is not needed: a parent's deletion cascades, and the ids cover them all.
    for chunk in ids.chunks(500) {
        let mut q = Sql::new("DELETE FROM folders WHERE id IN ");
        q.bind_list(chunk.iter().copied());
        q.execute(&mut *tx).await?;
    }
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub(crate) struct FileRow {
    pub id: i64,
    pub uuid: Uuid,
    pub seq: i64,
    pub case_seq: i64,
    pub folder_id: i64,
    pub folder_seq: i64,
    pub blob_id: i64,
    pub original_name: String,
    pub description: Option<String>,
    pub password: Option<String>,
    pub tags_raw: Option<String>,
    pub is_ioc: bool,
    pub is_evidence: bool,
    pub size: i64,
    pub sha: Vec<u8>,
    pub storage_key: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub creator_uuid: Option<Uuid>,
    pub creator_login: Option<String>,
    pub creator_name: Option<String>,
    pub version: i32,
}

const FILE_SELECT: &str = "SELECT f.id, f.uuid, f.seq, c.seq AS case_seq, f.folder_id, \
    d.seq AS folder_seq, f.blob_id, f.original_name, f.description, f.password, f.tags_raw, f.is_ioc, \
    f.is_evidence, b.size, b.sha, b.storage_key, f.created_at, f.updated_at, u.uuid AS creator_uuid, \
    u.login AS creator_login, u.name AS creator_name, f.version \
    FROM files f JOIN folders d ON d.id = f.folder_id JOIN cases c ON c.id = f.case_id \
    JOIN blobs b ON b.id = f.blob_id LEFT JOIN users u ON u.id = f.created_by";

/// Every datastore file of a case, by number.
pub(crate) async fn files_of<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, case_id: i64) -> Result<Vec<FileRow>> {
    let mut q = Sql::new(FILE_SELECT);
    q.push(" WHERE f.case_id = ").bind(case_id).push(" ORDER BY f.seq");
    q.fetch_all(ex).await
}

/// A datastore file of a case by number (files outside the datastore are not found).
pub(crate) async fn file<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
    case_id: i64,
    seq: i64,
) -> Result<Option<FileRow>> {
    let mut q = Sql::new(FILE_SELECT);
    q.push(" WHERE f.workspace_id = ")
        .bind(ws)
        .push(" AND f.seq = ")
        .bind(seq)
        .push(" AND f.case_id = ")
        .bind(case_id);
    q.fetch_optional(ex).await
}

pub(crate) async fn file_by_id<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, id: i64) -> Result<FileRow> {
    let mut q = Sql::new(FILE_SELECT);
    q.push(" WHERE f.id = ").bind(id);
    q.fetch_one(ex).await
}

/// The writable columns of a datastore file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileValues {
    pub folder_id: i64,
    pub blob_id: i64,
    pub original_name: String,
    pub description: Option<String>,
    pub password: Option<String>,
    pub tags_raw: Option<String>,
    pub is_ioc: bool,
    pub is_evidence: bool,
}

impl FileValues {
    pub fn of(r: &FileRow) -> Self {
        FileValues {
            folder_id: r.folder_id,
            blob_id: r.blob_id,
            original_name: r.original_name.clone(),
            description: r.description.clone(),
            password: r.password.clone(),
            tags_raw: r.tags_raw.clone(),
            is_ioc: r.is_ioc,
            is_evidence: r.is_evidence,
        }
    }
}

pub(crate) async fn insert_file(
    tx: &mut Tx<'_>,
    ws: i64,
    seq: i64,
    case_id: i64,
    v: &FileValues,
    by: Option<i64>,
    now: i64,
) -> Result<(i64, Uuid)> {
    let uuid = crate::ids::new_uuid();
    let (id,): (i64,) = Sql::new(
        "INSERT INTO files (uuid, workspace_id, seq, case_id, folder_id, blob_id, original_name, description, \
         password, tags_raw, is_ioc, is_evidence, created_at, updated_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14) RETURNING id",
    )
    .arg(uuid)
    .arg(ws)
    .arg(seq)
    .arg(case_id)
    .arg(v.folder_id)
    .arg(v.blob_id)
    .arg(&v.original_name)
    .arg(v.description.clone())
    .arg(v.password.clone())
    .arg(v.tags_raw.clone())
    .arg(v.is_ioc)
    .arg(v.is_evidence)
    .arg(now)
    .arg(by)
    .fetch_one(tx)
    .await?;
    Ok((id, uuid))
}

/// Writes new values if the row is still at `version`; false when it moved on.
pub(crate) async fn update_file(tx: &mut Tx<'_>, id: i64, version: i32, v: &FileValues, now: i64) -> Result<bool> {
    let n = Sql::new(
        "UPDATE files SET folder_id = $3, blob_id = $4, original_name = $5, description = $6, password = $7, \
         tags_raw = $8, is_ioc = $9, is_evidence = $10, updated_at = $11, version = version + 1 \
         WHERE id = $1 AND version = $2",
    )
    .arg(id)
    .arg(version)
    .arg(v.folder_id)
    .arg(v.blob_id)
    .arg(&v.original_name)
    .arg(v.description.clone())
    .arg(v.password.clone())
    .arg(v.tags_raw.clone())
    .arg(v.is_ioc)
    .arg(v.is_evidence)
    .arg(now)
    .execute(tx)
    .await?;
    Ok(n == 1)
}

pub(crate) async fn delete_file(tx: &mut Tx<'_>, id: i64) -> Result<()> {
    Sql::new("DELETE FROM files WHERE id = $1").arg(id).execute(tx).await?;
    Ok(())
}

/// Whether the case already has an evidence record with this hash (case-insensitive).
pub(crate) async fn evidence_with_hash<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    case_id: i64,
    hash: &str,
) -> Result<bool> {
    let row: Option<(i64,)> = Sql::new("SELECT id FROM evidences WHERE case_id = $1 AND lower(hash) = $2 LIMIT 1")
        .arg(case_id)
        .arg(hash.to_lowercase())
        .fetch_optional(ex)
        .await?;
    Ok(row.is_some())
}
