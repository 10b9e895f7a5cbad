//! Task rows, their assignees, and the `tags_raw` tag lists that tasks and timeline events share.

use std::collections::HashMap;

use sqlx::FromRow;
use uuid::Uuid;

use super::{Backend, Ex, Tx, search, sql::Sql, term};
use crate::{
    error::Result,
    model::{TargetKind, TaskSort},
};

#[derive(Debug, Clone, FromRow)]
pub(crate) struct TaskRow {
    pub id: i64,
    pub uuid: Uuid,
    pub seq: i64,
    pub case_id: Option<i64>,
    pub case_uuid: Option<Uuid>,
    pub case_seq: Option<i64>,
    pub title: String,
    pub description: Option<String>,
    pub status_id: i64,
    pub status_name: String,
    pub tags_raw: Option<String>,
    pub due_at: Option<i64>,
    pub mandatory: bool,
    pub flagged: bool,
    pub closed_at: Option<i64>,
    pub closed_by: Option<i64>,
    pub closer_uuid: Option<Uuid>,
    pub closer_login: Option<String>,
    pub closer_name: Option<String>,
    pub updater_uuid: Option<Uuid>,
    pub updater_login: Option<String>,
    pub updater_name: Option<String>,
    pub custom: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub creator_uuid: Option<Uuid>,
    pub creator_login: Option<String>,
    pub creator_name: Option<String>,
    pub version: i32,
}

const SELECT: &str = "SELECT t.id, t.uuid, t.seq, t.case_id, c.uuid AS case_uuid, c.seq AS case_seq, t.title, \
    t.description, t.status_id, s.name AS status_name, t.tags_raw, t.due_at, t.mandatory, t.flagged, t.closed_at, \
    t.closed_by, xb.uuid AS closer_uuid, xb.login AS closer_login, xb.name AS closer_name, ub.uuid AS updater_uuid, \
    ub.login AS updater_login, ub.name AS updater_name, t.custom, t.created_at, t.updated_at, \
    cb.uuid AS creator_uuid, cb.login AS creator_login, cb.name AS creator_name, t.version \
    FROM tasks t JOIN task_statuses s ON s.id = t.status_id LEFT JOIN cases c ON c.id = t.case_id \
    LEFT JOIN users xb ON xb.id = t.closed_by LEFT JOIN users ub ON ub.id = t.updated_by \
    LEFT JOIN users cb ON cb.id = t.created_by";

/// The writable columns of a task.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TaskValues {
    pub title: String,
    pub description: Option<String>,
    pub status_id: i64,
    pub tags_raw: Option<String>,
    pub due_at: Option<i64>,
    pub mandatory: bool,
    pub flagged: bool,
    pub closed_at: Option<i64>,
    pub closed_by: Option<i64>,
    pub custom: String,
}

impl TaskValues {
    pub fn of(r: &TaskRow) -> Self {
        TaskValues {
            title: r.title.clone(),
            description: r.description.clone(),
            status_id: r.status_id,
            tags_raw: r.tags_raw.clone(),
            due_at: r.due_at,
            mandatory: r.mandatory,
            flagged: r.flagged,
            closed_at: r.closed_at,
            closed_by: r.closed_by,
            custom: r.custom.clone(),
        }
    }
}

pub(crate) async fn insert(
    tx: &mut Tx<'_>,
    ws: i64,
    seq: i64,
    case_id: Option<i64>,
    v: &TaskValues,
    by: Option<i64>,
    now: i64,
) -> Result<(i64, Uuid)> {
    let uuid = crate::ids::new_uuid();
    let (id,): (i64,) = Sql::new(
        "INSERT INTO tasks (uuid, workspace_id, seq, case_id, title, description, status_id, tags_raw, due_at, \
         mandatory, flagged, closed_at, closed_by, updated_by, custom, created_at, updated_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $14) RETURNING id",
    )
    .arg(uuid)
    .arg(ws)
    .arg(seq)
    .arg(case_id)
    .arg(&v.title)
    .arg(v.description.clone())
    .arg(v.status_id)
    .arg(v.tags_raw.clone())
    .arg(v.due_at)
    .arg(v.mandatory)
    .arg(v.flagged)
    .arg(v.closed_at)
    .arg(v.closed_by)
    .arg(by)
    .arg(&v.custom)
    .arg(now)
    .fetch_one(tx)
    .await?;
    Ok((id, uuid))
}

/// Writes new values if the row is still at `version`; false when it moved on.
pub(crate) async fn update(
    tx: &mut Tx<'_>,
    id: i64,
    version: i32,
    v: &TaskValues,
    by: Option<i64>,
    now: i64,
) -> Result<bool> {
    let n = Sql::new(
        "UPDATE tasks SET title = $3, description = $4, status_id = $5, tags_raw = $6, due_at = $7, mandatory = $8, \
         flagged = $9, closed_at = $10, closed_by = $11, custom = $12, updated_by = $13, updated_at = $14, \
         version = version + 1 WHERE id = $1 AND version = $2",
    )
    .arg(id)
    .arg(version)
    .arg(&v.title)
    .arg(v.description.clone())
    .arg(v.status_id)
    .arg(v.tags_raw.clone())
    .arg(v.due_at)
    .arg(v.mandatory)
    .arg(v.flagged)
    .arg(v.closed_at)
    .arg(v.closed_by)
    .arg(&v.custom)
    .arg(by)
    .arg(now)
    .execute(tx)
    .await?;
    Ok(n == 1)
}

/// A task of the workspace by number or UUID.
pub(crate) async fn get<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
    key: crate::ids::Key,
) -> Result<Option<TaskRow>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE t.workspace_id = ").bind(ws).push(" AND ");
    match key {
        crate::ids::Key::Uuid(u) => q.push("t.uuid = ").bind(u),
        crate::ids::Key::Seq(n) => q.push("t.seq = ").bind(n),
    };
    q.fetch_optional(ex).await
}

pub(crate) async fn delete(tx: &mut Tx<'_>, id: i64) -> Result<()> {
    search::delete(tx, "task", id).await?;
    super::comment::delete_on(tx, TargetKind::Task, id).await?;
    Sql::new("DELETE FROM tasks WHERE id = $1").arg(id).execute(tx).await?;
    Ok(())
}

/// Replaces the assignees of a task.
pub(crate) async fn set_assignees(tx: &mut Tx<'_>, ws: i64, task_id: i64, users: &[i64], now: i64) -> Result<()> {
    Sql::new("DELETE FROM task_assignees WHERE task_id = $1")
        .arg(task_id)
        .execute(&mut *tx)
        .await?;
    if users.is_empty() {
        return Ok(());
    }
    let mut q = Sql::new("INSERT INTO task_assignees (task_id, user_id, workspace_id, created_at) VALUES ");
    for (i, u) in users.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.push("(")
            .bind(task_id)
            .push(", ")
            .bind(*u)
            .push(", ")
            .bind(ws)
            .push(", ")
            .bind(now)
            .push(")");
    }
    q.push(" ON CONFLICT DO NOTHING");
    q.execute(tx).await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub(crate) struct AssigneeRow {
    pub task_id: i64,
    pub user_id: i64,
    pub uuid: Uuid,
    pub login: String,
    pub name: String,
}

/// The assignees of each task, ordered by login.
pub(crate) async fn assignees_of<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<AssigneeRow>>> {
    let mut out: HashMap<i64, Vec<AssigneeRow>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut q = Sql::new(
        "SELECT a.task_id, a.user_id, u.uuid, u.login, u.name FROM task_assignees a JOIN users u ON u.id = a.user_id \
         WHERE a.task_id IN ",
    );
    q.bind_list(ids.iter().copied()).push(" ORDER BY a.task_id, u.login");
    let rows: Vec<AssigneeRow> = q.fetch_all(ex).await?;
    for r in rows {
        out.entry(r.task_id).or_default().push(r);
    }
    Ok(out)
}

/// Which tasks a list covers.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scope {
    Case(i64),
    Global,
    /// Global tasks and the tasks of every case the actor may read.
    All(super::access::Scope),
}

/// List filters, already resolved to stored values.
#[derive(Debug, Clone)]
pub(crate) struct ListFilter {
    pub scope: Scope,
    pub status: Vec<i64>,
    /// `Some(None)`: tasks nobody is assigned to.
    pub assignee: Option<Option<AssigneeKey>>,
    pub tags: Vec<String>,
    pub q: Option<String>,
    pub due_after: Option<i64>,
    pub due_before: Option<i64>,
}

/// An assignee, by internal id or by UUID.
#[derive(Debug, Clone, Copy)]
pub(crate) enum AssigneeKey {
    Id(i64),
    Uuid(Uuid),
}

fn push_filters(q: &mut Sql, backend: Backend, ws: i64, f: &ListFilter) {
    q.push(" WHERE t.workspace_id = ").bind(ws);
    match f.scope {
        Scope::Case(c) => {
            q.push(" AND t.case_id = ").bind(c);
        }
        Scope::Global => {
            q.push(" AND t.case_id IS NULL");
        }
        Scope::All(access) => access.push_readable_or_none(q, "t.case_id"),
    }
    if !f.status.is_empty() {
        q.push(" AND t.status_id IN ").bind_list(f.status.iter().copied());
    }
    match f.assignee {
        None => {}
        Some(None) => {
            q.push(" AND NOT EXISTS (SELECT 1 FROM task_assignees xa WHERE xa.task_id = t.id)");
        }
        Some(Some(AssigneeKey::Id(u))) => {
            q.push(" AND t.id IN (SELECT xa.task_id FROM task_assignees xa WHERE xa.user_id = ")
                .bind(u)
                .push(")");
        }
        Some(Some(AssigneeKey::Uuid(u))) => {
            q.push(" AND t.id IN (SELECT xa.task_id FROM task_assignees xa WHERE xa.user_id = ")
                .push("(SELECT xu.id FROM users xu WHERE xu.uuid = ")
                .bind(u)
                .push("))");
        }
    }
    for tag in &f.tags {
        push_tag(q, backend, "t.tags_raw", tag);
    }
    if let Some(text) = &f.q {
        search::push_contains(q, backend, ws, "task", "t.id", text);
    }
    if let Some(t) = f.due_after {
        q.push(" AND t.due_at >= ").bind(t);
    }
    if let Some(t) = f.due_before {
        q.push(" AND t.due_at < ").bind(t);
    }
}

/// Sort key expressions, most significant first; the last is unique. Undated tasks sort after
/// dated ones (ascending).
fn sort_columns(sort: TaskSort) -> &'static [&'static str] {
    match sort {
        TaskSort::Number => &["t.seq"],
        TaskSort::DueAt => &[
            "(CASE WHEN t.due_at IS NULL THEN 1 ELSE 0 END)",
            "COALESCE(t.due_at, 0)",
            "t.id",
        ],
    }
}

pub(crate) fn sort_len(sort: TaskSort) -> usize {
    sort_columns(sort).len()
}

/// The sort key values of a row, in `sort_columns` order.
pub(crate) fn sort_values(sort: TaskSort, r: &TaskRow) -> Vec<i64> {
    match sort {
        TaskSort::Number => vec![r.seq],
        TaskSort::DueAt => vec![i64::from(r.due_at.is_none()), r.due_at.unwrap_or(0), r.id],
    }
}

fn list_query(
    backend: Backend,
    ws: i64,
    f: &ListFilter,
    sort: TaskSort,
    descending: bool,
    after: Option<&[i64]>,
    limit: u32,
) -> Sql {
    let cols = sort_columns(sort);
    let mut q = Sql::new(SELECT);
    push_filters(&mut q, backend, ws, f);
    if let Some(after) = after {
        super::case::push_keyset(&mut q, cols, after, descending);
    }
    super::case::push_order(&mut q, cols, descending);
    q.limit(i64::from(limit) + 1);
    q
}

/// One page (plus one row, to know whether another page follows).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn list<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    backend: Backend,
    ws: i64,
    f: &ListFilter,
    sort: TaskSort,
    descending: bool,
    after: Option<&[i64]>,
    limit: u32,
) -> Result<Vec<TaskRow>> {
    list_query(backend, ws, f, sort, descending, after, limit)
        .fetch_all(ex)
        .await
}

pub(crate) async fn count<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    backend: Backend,
    ws: i64,
    f: &ListFilter,
) -> Result<i64> {
    let mut q = Sql::new("SELECT COUNT(*) FROM tasks t");
    push_filters(&mut q, backend, ws, f);
    let (n,): (i64,) = q.fetch_one(ex).await?;
    Ok(n)
}

/// The SQL of a list query, for EXPLAIN checks.
#[cfg(test)]
pub(crate) fn list_sql(backend: Backend, f: &ListFilter, sort: TaskSort, descending: bool, after: bool) -> Sql {
    let zeros = vec![0; sort_columns(sort).len()];
    list_query(backend, 1, f, sort, descending, after.then_some(&zeros[..]), 50)
}

// --- Tags kept in `tags_raw` (tasks and timeline events have no term link table) ---

/// Registers the tags in the workspace's vocabulary and returns them in the vocabulary's
/// spelling (the first one used), joined as `tags_raw` (`None` for no tags).
pub(crate) async fn canonical_tags(tx: &mut Tx<'_>, ws: i64, tags: &[String], now: i64) -> Result<Option<String>> {
    if tags.is_empty() {
        return Ok(None);
    }
    let ids = term::ensure(tx, ws, term::TAG, tags, now).await?;
    let mut names: HashMap<i64, String> = HashMap::new();
    if !ids.is_empty() {
        let mut q = Sql::new("SELECT id, name FROM terms WHERE id IN ");
        q.bind_list(ids.values().copied());
        let rows: Vec<(i64, String)> = q.fetch_all(&mut *tx).await?;
        names.extend(rows);
    }
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for t in tags {
        let name = ids
            .get(&t.to_lowercase())
            .and_then(|id| names.get(id))
            .cloned()
            .unwrap_or_else(|| t.clone());
        if !out.iter().any(|o| o.to_lowercase() == name.to_lowercase()) {
            out.push(name);
        }
    }
    Ok(Some(out.join(",")))
}

/// `%,<tag>,%` with LIKE wildcards escaped.
fn tag_pattern(tag: &str) -> String {
    let mut p = String::with_capacity(tag.len() + 4);
    p.push_str("%,");
    for ch in tag.trim().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push_str(",%");
    p
}

/// Appends ` AND <column> holds <tag>` (case-insensitive) for a comma-joined tag column.
pub(crate) fn push_tag(q: &mut Sql, backend: Backend, column: &'static str, tag: &str) {
    q.push(" AND (',' || COALESCE(").push(column).push(", '') || ',')");
    match backend {
        Backend::Sqlite => q.push(" LIKE "),
        Backend::Postgres => q.push(" ILIKE "),
    };
    q.bind(tag_pattern(tag)).push(" ESCAPE '\\'");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip_and_patterns_escape() {
        assert_eq!(crate::validate::split_tags(Some("a, b,,c ")), vec!["a", "b", "c"]);
        assert!(crate::validate::split_tags(None).is_empty());
        assert_eq!(tag_pattern("50%_x"), "%,50\\%\\_x,%");
    }
}
