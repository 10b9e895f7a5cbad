//! Note directories, notes and note revisions.

use sqlx::FromRow;
use uuid::Uuid;

use super::{Backend, Ex, Tx, search, sql::Sql};
use crate::{error::Result, ids::Key, model::TargetKind};

// --- Directories ---

#[derive(Debug, Clone, FromRow)]
pub(crate) struct DirRow {
    pub id: i64,
    pub uuid: Uuid,
    pub seq: i64,
    pub case_id: i64,
    pub case_uuid: Uuid,
    pub parent_id: Option<i64>,
    pub parent_uuid: Option<Uuid>,
    pub name: String,
    pub note_count: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub creator_uuid: Option<Uuid>,
    pub creator_login: Option<String>,
    pub creator_name: Option<String>,
    pub version: i32,
}

const DIR_SELECT: &str = "SELECT d.id, d.uuid, d.seq, d.case_id, c.uuid AS case_uuid, d.parent_id, \
    p.uuid AS parent_uuid, d.name, (SELECT COUNT(*) FROM notes n WHERE n.directory_id = d.id) AS note_count, \
    d.created_at, d.updated_at, cb.uuid AS creator_uuid, cb.login AS creator_login, cb.name AS creator_name, \
    d.version FROM note_directories d JOIN cases c ON c.id = d.case_id \
    LEFT JOIN note_directories p ON p.id = d.parent_id LEFT JOIN users cb ON cb.id = d.created_by";

/// The name of the root directory a note goes to when none is given.
pub(crate) const DEFAULT_DIRECTORY: &str = "Notes";

#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_dir(
    tx: &mut Tx<'_>,
    ws: i64,
    seq: i64,
    case_id: i64,
    parent_id: Option<i64>,
    name: &str,
    by: Option<i64>,
    now: i64,
) -> Result<(i64, Uuid)> {
    let uuid = crate::ids::new_uuid();
    let (id,): (i64,) = Sql::new(
        "INSERT INTO note_directories (uuid, workspace_id, seq, case_id, parent_id, name, created_at, updated_at, \
         created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) RETURNING id",
    )
    .arg(uuid)
    .arg(ws)
    .arg(seq)
    .arg(case_id)
    .arg(parent_id)
    .arg(name)
    .arg(now)
    .arg(by)
    .fetch_one(tx)
    .await?;
    Ok((id, uuid))
}

/// A directory of the workspace by number or UUID.
pub(crate) async fn get_dir<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64, key: Key) -> Result<Option<DirRow>> {
    let mut q = Sql::new(DIR_SELECT);
    q.push(" WHERE d.workspace_id = ").bind(ws).push(" AND ");
    match key {
        Key::Uuid(u) => q.push("d.uuid = ").bind(u),
        Key::Seq(n) => q.push("d.seq = ").bind(n),
    };
    q.fetch_optional(ex).await
}

/// The case's default directory: the oldest root directory named [`DEFAULT_DIRECTORY`].
pub(crate) async fn default_dir(tx: &mut Tx<'_>, case_id: i64) -> Result<Option<i64>> {
    let row: Option<(i64,)> = Sql::new(
        "SELECT id FROM note_directories WHERE case_id = $1 AND name = $2 AND parent_id IS NULL ORDER BY id LIMIT 1",
    )
    .arg(case_id)
    .arg(DEFAULT_DIRECTORY)
    .fetch_optional(tx)
    .await?;
    Ok(row.map(|r| r.0))
}

/// Whether `candidate` is `dir` or lies below it.
pub(crate) async fn is_within(tx: &mut Tx<'_>, dir: i64, candidate: i64) -> Result<bool> {
    let row: Option<(i64,)> = Sql::new(
        "WITH RECURSIVE up(id, parent_id, depth) AS ( \
           SELECT id, parent_id, 0 FROM note_directories WHERE id = $1 \
           UNION ALL SELECT d.id, d.parent_id, up.depth + 1 FROM note_directories d JOIN up ON d.id = up.parent_id \
           WHERE up.depth < 10000) \
         SELECT id FROM up WHERE id = $2 LIMIT 1",
    )
    .arg(candidate)
    .arg(dir)
    .fetch_optional(tx)
    .await?;
    Ok(row.is_some())
}

pub(crate) async fn update_dir(
    tx: &mut Tx<'_>,
    id: i64,
    version: i32,
    name: &str,
    parent_id: Option<i64>,
    now: i64,
) -> Result<bool> {
    let n = Sql::new(
        "UPDATE note_directories SET name = $3, parent_id = $4, updated_at = $5, version = version + 1 \
         WHERE id = $1 AND version = $2",
    )
    .arg(id)
    .arg(version)
    .arg(name)
    .arg(parent_id)
    .arg(now)
    .execute(tx)
    .await?;
    Ok(n == 1)
}

/// How many subdirectories and notes a directory holds directly.
pub(crate) async fn dir_contents(tx: &mut Tx<'_>, id: i64) -> Result<(i64, i64)> {
    let (dirs, notes): (i64, i64) = Sql::new(
        "SELECT (SELECT COUNT(*) FROM note_directories WHERE parent_id = $1), \
         (SELECT COUNT(*) FROM notes WHERE directory_id = $1)",
    )
    .arg(id)
    .fetch_one(tx)
    .await?;
    Ok((dirs, notes))
}

/// Deletes a directory with everything below it; returns (directories, notes) removed.
pub(crate) async fn delete_dir_tree(tx: &mut Tx<'_>, id: i64) -> Result<(i64, i64)> {
    let dirs: Vec<(i64,)> = Sql::new(
        "WITH RECURSIVE sub(id, depth) AS ( \
           SELECT id, 0 FROM note_directories WHERE id = $1 \
           UNION ALL SELECT d.id, sub.depth + 1 FROM note_directories d JOIN sub ON d.parent_id = sub.id \
           WHERE sub.depth < 10000) \
         SELECT id FROM sub",
    )
    .arg(id)
    .fetch_all(&mut *tx)
    .await?;
    let mut notes = 0i64;
    for chunk in dirs.chunks(500) {
        let mut q = Sql::new("SELECT id FROM notes WHERE directory_id IN ");
        q.bind_list(chunk.iter().map(|d| d.0));
        let ids: Vec<(i64,)> = q.fetch_all(&mut *tx).await?;
        for (n,) in ids {
            search::delete(tx, "note", n).await?;
            super::comment::delete_on(tx, TargetKind::Note, n).await?;
            notes += 1;
        }
    }
    // Notes and subdirectories go with it (ON DELETE CASCADE).
    Sql::new("DELETE FROM note_directories WHERE id = $1")
        .arg(id)
        .execute(tx)
        .await?;
    Ok((i64::try_from(dirs.len()).unwrap_or(i64::MAX), notes))
}

/// One page of a case's directories by name (then id), after the directory `after`.
pub(crate) async fn list_dirs<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    case_id: i64,
    after: Option<i64>,
    limit: u32,
) -> Result<Vec<DirRow>> {
    list_dirs_sql(case_id, after, limit).fetch_all(ex).await
}

/// The query of [`list_dirs`].
pub(crate) fn list_dirs_sql(case_id: i64, after: Option<i64>, limit: u32) -> Sql {
    let mut q = Sql::new(DIR_SELECT);
    q.push(" WHERE d.case_id = ").bind(case_id);
    if let Some(a) = after {
        q.push(" AND (d.name, d.id) > (SELECT a.name, a.id FROM note_directories a WHERE a.id = ")
            .bind(a)
            .push(")");
    }
    q.push(" ORDER BY d.name, d.id").limit(i64::from(limit) + 1);
    q
}

/// Whether a directory id still belongs to the case (a cursor's anchor).
pub(crate) async fn dir_in_case<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, case_id: i64, id: i64) -> Result<bool> {
    let row: Option<(i64,)> = Sql::new("SELECT id FROM note_directories WHERE id = $1 AND case_id = $2")
        .arg(id)
        .arg(case_id)
        .fetch_optional(ex)
        .await?;
    Ok(row.is_some())
}

// --- Notes ---

#[derive(Debug, Clone, FromRow)]
pub(crate) struct NoteRow {
    pub id: i64,
    pub uuid: Uuid,
    pub seq: i64,
    pub case_id: i64,
    pub case_uuid: Uuid,
    pub directory_id: i64,
    pub dir_uuid: Uuid,
    pub dir_seq: i64,
    pub dir_name: String,
    pub title: String,
    /// Empty in list rows.
    pub content: String,
    pub revision: i32,
    pub custom: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub creator_uuid: Option<Uuid>,
    pub creator_login: Option<String>,
    pub creator_name: Option<String>,
    pub updater_uuid: Option<Uuid>,
    pub updater_login: Option<String>,
    pub updater_name: Option<String>,
    pub version: i32,
}

const NOTE_SELECT: &str = "SELECT n.id, n.uuid, n.seq, n.case_id, c.uuid AS case_uuid, n.directory_id, \
    d.uuid AS dir_uuid, d.seq AS dir_seq, d.name AS dir_name, n.title, n.content, n.revision, n.custom, \
    n.created_at, n.updated_at, cb.uuid AS creator_uuid, cb.login AS creator_login, cb.name AS creator_name, \
    ub.uuid AS updater_uuid, ub.login AS updater_login, ub.name AS updater_name, n.version \
    FROM notes n JOIN cases c ON c.id = n.case_id JOIN note_directories d ON d.id = n.directory_id \
    LEFT JOIN users cb ON cb.id = n.created_by LEFT JOIN users ub ON ub.id = n.updated_by";

/// The same columns without the content, for lists.
const NOTE_LIST_SELECT: &str = "SELECT n.id, n.uuid, n.seq, n.case_id, c.uuid AS case_uuid, n.directory_id, \
    d.uuid AS dir_uuid, d.seq AS dir_seq, d.name AS dir_name, n.title, '' AS content, n.revision, n.custom, \
    n.created_at, n.updated_at, cb.uuid AS creator_uuid, cb.login AS creator_login, cb.name AS creator_name, \
    ub.uuid AS updater_uuid, ub.login AS updater_login, ub.name AS updater_name, n.version \
    FROM notes n JOIN cases c ON c.id = n.case_id JOIN note_directories d ON d.id = n.directory_id \
    LEFT JOIN users cb ON cb.id = n.created_by LEFT JOIN users ub ON ub.id = n.updated_by";

/// The writable columns of a note.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NoteValues {
    pub directory_id: i64,
    pub title: String,
    pub content: String,
    pub custom: String,
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_note(
    tx: &mut Tx<'_>,
    ws: i64,
    seq: i64,
    case_id: i64,
    v: &NoteValues,
    by: Option<i64>,
    now: i64,
) -> Result<(i64, Uuid)> {
    let uuid = crate::ids::new_uuid();
    let (id,): (i64,) = Sql::new(
        "INSERT INTO notes (uuid, workspace_id, seq, case_id, directory_id, title, content, revision, updated_by, \
         custom, created_at, updated_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9, $10, $10, $8) \
         RETURNING id",
    )
    .arg(uuid)
    .arg(ws)
    .arg(seq)
    .arg(case_id)
    .arg(v.directory_id)
    .arg(&v.title)
    .arg(&v.content)
    .arg(by)
    .arg(&v.custom)
    .arg(now)
    .fetch_one(tx)
    .await?;
    Ok((id, uuid))
}

/// Writes new values if the row is still at `version`; `new_revision` bumps `revision`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn update_note(
    tx: &mut Tx<'_>,
    id: i64,
    version: i32,
    v: &NoteValues,
    new_revision: bool,
    by: Option<i64>,
    now: i64,
) -> Result<bool> {
    let n = Sql::new(
        "UPDATE notes SET directory_id = $3, title = $4, content = $5, custom = $6, updated_by = $7, updated_at = $8, \
         revision = revision + $9, version = version + 1 WHERE id = $1 AND version = $2",
    )
    .arg(id)
    .arg(version)
    .arg(v.directory_id)
    .arg(&v.title)
    .arg(&v.content)
    .arg(&v.custom)
    .arg(by)
    .arg(now)
    .arg(i32::from(new_revision))
    .execute(tx)
    .await?;
    Ok(n == 1)
}

/// A note of the workspace by number or UUID, with its content.
pub(crate) async fn get_note<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64, key: Key) -> Result<Option<NoteRow>> {
    let mut q = Sql::new(NOTE_SELECT);
    q.push(" WHERE n.workspace_id = ").bind(ws).push(" AND ");
    match key {
        Key::Uuid(u) => q.push("n.uuid = ").bind(u),
        Key::Seq(n) => q.push("n.seq = ").bind(n),
    };
    q.fetch_optional(ex).await
}

pub(crate) async fn delete_note(tx: &mut Tx<'_>, id: i64) -> Result<()> {
    search::delete(tx, "note", id).await?;
    super::comment::delete_on(tx, TargetKind::Note, id).await?;
    Sql::new("DELETE FROM notes WHERE id = $1").arg(id).execute(tx).await?;
    Ok(())
}

/// List filters, already resolved to stored values.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListFilter {
    pub case_id: i64,
    pub directory_id: Option<i64>,
    pub q: Option<String>,
}

fn push_filters(q: &mut Sql, backend: Backend, ws: i64, f: &ListFilter) {
    q.push(" WHERE n.case_id = ").bind(f.case_id);
    if let Some(d) = f.directory_id {
        q.push(" AND n.directory_id = ").bind(d);
    }
    if let Some(text) = &f.q {
        search::push_contains(q, backend, ws, "note", "n.id", text);
    }
}

fn list_query(backend: Backend, ws: i64, f: &ListFilter, after: Option<i64>, limit: u32) -> Sql {
    let mut q = Sql::new(NOTE_LIST_SELECT);
    push_filters(&mut q, backend, ws, f);
    if let Some(a) = after {
        q.push(" AND n.seq > ").bind(a);
    }
    q.push(" ORDER BY n.seq").limit(i64::from(limit) + 1);
    q
}

/// One page by number, without content.
pub(crate) async fn list_notes<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    backend: Backend,
    ws: i64,
    f: &ListFilter,
    after: Option<i64>,
    limit: u32,
) -> Result<Vec<NoteRow>> {
    list_query(backend, ws, f, after, limit).fetch_all(ex).await
}

pub(crate) async fn count_notes<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    backend: Backend,
    ws: i64,
    f: &ListFilter,
) -> Result<i64> {
    let mut q = Sql::new("SELECT COUNT(*) FROM notes n");
    push_filters(&mut q, backend, ws, f);
    let (n,): (i64,) = q.fetch_one(ex).await?;
    Ok(n)
}

/// The SQL of a list query, for EXPLAIN checks.
#[cfg(test)]
pub(crate) fn list_sql(backend: Backend, f: &ListFilter, after: bool) -> Sql {
    list_query(backend, 1, f, after.then_some(0), 50)
}

// --- Revisions ---

#[derive(Debug, Clone, FromRow)]
pub(crate) struct RevisionRow {
    pub revision: i32,
    pub title: String,
    pub content: String,
    pub author_uuid: Option<Uuid>,
    pub author_login: Option<String>,
    pub author_name: Option<String>,
    pub at: i64,
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_revision(
    tx: &mut Tx<'_>,
    ws: i64,
    note_id: i64,
    revision: i32,
    title: &str,
    content: &str,
    author: Option<i64>,
    at: i64,
) -> Result<()> {
    Sql::new(
        "INSERT INTO note_revisions (note_id, revision, workspace_id, title, content, author_id, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .arg(note_id)
    .arg(revision)
    .arg(ws)
    .arg(title)
    .arg(content)
    .arg(author)
    .arg(at)
    .execute(tx)
    .await?;
    Ok(())
}

/// Newest first, keyset-paged on the revision number.
pub(crate) async fn revisions<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    note_id: i64,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<RevisionRow>> {
    let mut q = Sql::new(
        "SELECT r.revision, r.title, r.content, u.uuid AS author_uuid, u.login AS author_login, \
         u.name AS author_name, r.at FROM note_revisions r LEFT JOIN users u ON u.id = r.author_id \
         WHERE r.note_id = ",
    );
    q.bind(note_id);
    if let Some(b) = before {
        q.push(" AND r.revision < ").bind(b);
    }
    q.push(" ORDER BY r.revision DESC").limit(i64::from(limit) + 1);
    q.fetch_all(ex).await
}

// --- Case deletion ---
