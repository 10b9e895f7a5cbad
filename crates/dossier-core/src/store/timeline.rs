//! Timeline event rows and their links to case assets and case observables.

use std::collections::HashMap;

use sqlx::FromRow;
use uuid::Uuid;

use super::{Backend, Ex, Tx, search, sql::Sql};
use crate::{error::Result, ids::Key, model::TargetKind};

#[derive(Debug, Clone, FromRow)]
pub(crate) struct EventRow {
    pub id: i64,
    pub uuid: Uuid,
    pub seq: i64,
    pub case_id: i64,
    pub case_uuid: Uuid,
    pub title: String,
    pub content: Option<String>,
    pub raw: Option<String>,
    pub source: Option<String>,
    pub occurred_at: i64,
    pub tz: String,
    pub category_id: i64,
    pub category_name: String,
    pub color: String,
    pub tags_raw: Option<String>,
    pub in_summary: bool,
    pub in_graph: bool,
    pub flagged: bool,
    pub parent_id: Option<i64>,
    pub parent_uuid: Option<Uuid>,
    pub custom: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub creator_uuid: Option<Uuid>,
    pub creator_login: Option<String>,
    pub creator_name: Option<String>,
    pub version: i32,
}

const SELECT: &str = "SELECT e.id, e.uuid, e.seq, e.case_id, c.uuid AS case_uuid, e.title, e.content, e.raw, e.source, \
    e.occurred_at, e.tz, e.category_id, k.name AS category_name, e.color, e.tags_raw, e.in_summary, e.in_graph, \
    e.flagged, e.parent_id, p.uuid AS parent_uuid, e.custom, e.created_at, e.updated_at, cb.uuid AS creator_uuid, \
    cb.login AS creator_login, cb.name AS creator_name, e.version \
    FROM timeline_events e JOIN cases c ON c.id = e.case_id JOIN event_categories k ON k.id = e.category_id \
    LEFT JOIN timeline_events p ON p.id = e.parent_id LEFT JOIN users cb ON cb.id = e.created_by";

/// The writable columns of an event.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EventValues {
    pub title: String,
    pub content: Option<String>,
    pub raw: Option<String>,
    pub source: Option<String>,
    pub occurred_at: i64,
    pub tz: String,
    pub category_id: i64,
    pub color: String,
    pub tags_raw: Option<String>,
    pub in_summary: bool,
    pub in_graph: bool,
    pub flagged: bool,
    pub parent_id: Option<i64>,
    pub custom: String,
}

impl EventValues {
    pub fn of(r: &EventRow) -> Self {
        EventValues {
            title: r.title.clone(),
            content: r.content.clone(),
            raw: r.raw.clone(),
            source: r.source.clone(),
            occurred_at: r.occurred_at,
            tz: r.tz.clone(),
            category_id: r.category_id,
            color: r.color.clone(),
            tags_raw: r.tags_raw.clone(),
            in_summary: r.in_summary,
            in_graph: r.in_graph,
            flagged: r.flagged,
            parent_id: r.parent_id,
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
    v: &EventValues,
    by: Option<i64>,
    now: i64,
) -> Result<(i64, Uuid)> {
    let uuid = crate::ids::new_uuid();
    let (id,): (i64,) = Sql::new(
        "INSERT INTO timeline_events (uuid, workspace_id, seq, case_id, title, content, raw, source, occurred_at, tz, \
         category_id, color, tags_raw, in_summary, in_graph, flagged, parent_id, author_id, custom, created_at, \
         updated_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
         $18, $19, $20, $20, $18) RETURNING id",
    )
    .arg(uuid)
    .arg(ws)
    .arg(seq)
    .arg(case_id)
    .arg(&v.title)
    .arg(v.content.clone())
    .arg(v.raw.clone())
    .arg(v.source.clone())
    .arg(v.occurred_at)
    .arg(&v.tz)
    .arg(v.category_id)
    .arg(&v.color)
    .arg(v.tags_raw.clone())
    .arg(v.in_summary)
    .arg(v.in_graph)
    .arg(v.flagged)
    .arg(v.parent_id)
    .arg(by)
    .arg(&v.custom)
    .arg(now)
    .fetch_one(tx)
    .await?;
    Ok((id, uuid))
}

/// Writes new values if the row is still at `version`; false when it moved on.
pub(crate) async fn update(tx: &mut Tx<'_>, id: i64, version: i32, v: &EventValues, now: i64) -> Result<bool> {
    let n = Sql::new(
        "UPDATE timeline_events SET title = $3, content = $4, raw = $5, source = $6, occurred_at = $7, tz = $8, \
         category_id = $9, color = $10, tags_raw = $11, in_summary = $12, in_graph = $13, flagged = $14, \
         parent_id = $15, custom = $16, updated_at = $17, version = version + 1 WHERE id = $1 AND version = $2",
    )
    .arg(id)
    .arg(version)
    .arg(&v.title)
    .arg(v.content.clone())
    .arg(v.raw.clone())
    .arg(v.source.clone())
    .arg(v.occurred_at)
    .arg(&v.tz)
    .arg(v.category_id)
    .arg(&v.color)
    .arg(v.tags_raw.clone())
    .arg(v.in_summary)
    .arg(v.in_graph)
    .arg(v.flagged)
    .arg(v.parent_id)
    .arg(&v.custom)
    .arg(now)
    .execute(tx)
    .await?;
    Ok(n == 1)
}

/// An event of the workspace by number or UUID.
pub(crate) async fn get<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64, key: Key) -> Result<Option<EventRow>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE e.workspace_id = ").bind(ws).push(" AND ");
    match key {
        Key::Uuid(u) => q.push("e.uuid = ").bind(u),
        Key::Seq(n) => q.push("e.seq = ").bind(n),
    };
    q.fetch_optional(ex).await
}

pub(crate) async fn delete(tx: &mut Tx<'_>, id: i64) -> Result<()> {
    search::delete(tx, "timeline_event", id).await?;
    super::comment::delete_on(tx, TargetKind::TimelineEvent, id).await?;
    // Children keep existing without a parent (ON DELETE SET NULL); links cascade.
    Sql::new("DELETE FROM timeline_events WHERE id = $1")
        .arg(id)
        .execute(tx)
        .await?;
    Ok(())
}

/// Whether `candidate` is `event` or one of its descendants (walking up from `candidate`).
pub(crate) async fn is_within(tx: &mut Tx<'_>, event: i64, candidate: i64) -> Result<bool> {
    let row: Option<(i64,)> = Sql::new(
        "WITH RECURSIVE up(id, parent_id, depth) AS ( \
           SELECT id, parent_id, 0 FROM timeline_events WHERE id = $1 \
           UNION ALL SELECT e.id, e.parent_id, up.depth + 1 FROM timeline_events e JOIN up ON e.id = up.parent_id \
           WHERE up.depth < 10000) \
         SELECT id FROM up WHERE id = $2 LIMIT 1",
    )
    .arg(candidate)
    .arg(event)
    .fetch_optional(tx)
    .await?;
    Ok(row.is_some())
}

// --- Links ---

/// Which link table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Link {
    Asset,
    Observable,
}

impl Link {
    pub(crate) fn what(self) -> &'static str {
        match self {
            Link::Asset => "asset",
            Link::Observable => "observable",
        }
    }
    fn resolve_sql(self) -> &'static str {
        match self {
            Link::Asset => "SELECT id, uuid FROM case_assets WHERE case_id = $1 AND uuid IN ",
            Link::Observable => "SELECT id, uuid FROM case_observables WHERE case_id = $1 AND uuid IN ",
        }
    }
    fn delete_sql(self) -> &'static str {
        match self {
            Link::Asset => "DELETE FROM timeline_event_assets WHERE event_id = $1",
            Link::Observable => "DELETE FROM timeline_event_observables WHERE event_id = $1",
        }
    }
    fn insert_head(self) -> &'static str {
        match self {
            Link::Asset => {
                "INSERT INTO timeline_event_assets (event_id, case_asset_id, workspace_id, created_at) VALUES "
            }
            Link::Observable => {
                "INSERT INTO timeline_event_observables (event_id, case_observable_id, workspace_id, created_at) VALUES "
            }
        }
    }
}

/// Internal ids of the case's asset or observable links named by UUID (missing ones absent).
pub(crate) async fn resolve_links(
    tx: &mut Tx<'_>,
    link: Link,
    case_id: i64,
    uuids: &[Uuid],
) -> Result<HashMap<Uuid, i64>> {
    let mut out = HashMap::new();
    for chunk in uuids.chunks(500) {
        let mut q = Sql::new(link.resolve_sql()).arg(case_id);
        q.bind_list(chunk.iter().copied());
        let rows: Vec<(i64, Uuid)> = q.fetch_all(&mut *tx).await?;
        for (id, u) in rows {
            out.insert(u, id);
        }
    }
    Ok(out)
}

/// Replaces an event's links of one kind.
pub(crate) async fn set_links(
    tx: &mut Tx<'_>,
    link: Link,
    ws: i64,
    event_id: i64,
    ids: &[i64],
    now: i64,
) -> Result<()> {
    Sql::new(link.delete_sql()).arg(event_id).execute(&mut *tx).await?;
    for chunk in ids.chunks(500) {
        let mut q = Sql::new(link.insert_head());
        for (i, id) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.push("(")
                .bind(event_id)
                .push(", ")
                .bind(*id)
                .push(", ")
                .bind(ws)
                .push(", ")
                .bind(now)
                .push(")");
        }
        q.push(" ON CONFLICT DO NOTHING");
        q.execute(&mut *tx).await?;
    }
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub(crate) struct LinkRow {
    pub event_id: i64,
    pub link_id: i64,
    pub uuid: Uuid,
    pub label: String,
}

/// The assets (by name) or observables (by value) linked to each event.
pub(crate) async fn links_of<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    link: Link,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<LinkRow>>> {
    let mut out: HashMap<i64, Vec<LinkRow>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut q = match link {
        Link::Asset => Sql::new(
            "SELECT l.event_id, ca.id AS link_id, ca.uuid, a.name AS label FROM timeline_event_assets l \
             JOIN case_assets ca ON ca.id = l.case_asset_id JOIN assets a ON a.id = ca.asset_id WHERE l.event_id IN ",
        ),
        Link::Observable => Sql::new(
            "SELECT l.event_id, co.id AS link_id, co.uuid, o.value AS label FROM timeline_event_observables l \
             JOIN case_observables co ON co.id = l.case_observable_id JOIN observables o ON o.id = co.observable_id \
             WHERE l.event_id IN ",
        ),
    };
    q.bind_list(ids.iter().copied()).push(" ORDER BY 1, 4, 2");
    let rows: Vec<LinkRow> = q.fetch_all(ex).await?;
    for r in rows {
        out.entry(r.event_id).or_default().push(r);
    }
    Ok(out)
}

// --- Lists ---

/// List filters, already resolved to stored values.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListFilter {
    pub case_id: i64,
    pub category: Vec<i64>,
    pub tags: Vec<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub asset: Option<Uuid>,
    pub observable: Option<Uuid>,
    pub q: Option<String>,
    pub in_summary: Option<bool>,
}

const SORT: &[&str] = &["e.occurred_at", "e.id"];

fn push_filters(q: &mut Sql, backend: Backend, ws: i64, f: &ListFilter) {
    q.push(" WHERE e.case_id = ").bind(f.case_id);
    if !f.category.is_empty() {
        q.push(" AND e.category_id IN ").bind_list(f.category.iter().copied());
    }
    for tag in &f.tags {
        super::task::push_tag(q, backend, "e.tags_raw", tag);
    }
    if let Some(t) = f.from {
        q.push(" AND e.occurred_at >= ").bind(t);
    }
    if let Some(t) = f.to {
        q.push(" AND e.occurred_at < ").bind(t);
    }
    if let Some(a) = f.asset {
        q.push(
            " AND e.id IN (SELECT la.event_id FROM timeline_event_assets la JOIN case_assets xa \
             ON xa.id = la.case_asset_id WHERE xa.uuid = ",
        )
        .bind(a)
        .push(" AND xa.case_id = ")
        .bind(f.case_id)
        .push(")");
    }
    if let Some(o) = f.observable {
        q.push(
            " AND e.id IN (SELECT lo.event_id FROM timeline_event_observables lo JOIN case_observables xo \
             ON xo.id = lo.case_observable_id WHERE xo.uuid = ",
        )
        .bind(o)
        .push(" AND xo.case_id = ")
        .bind(f.case_id)
        .push(")");
    }
    if let Some(text) = &f.q {
        search::push_contains(q, backend, ws, "timeline_event", "e.id", text);
    }
    if let Some(s) = f.in_summary {
        q.push(" AND e.in_summary = ").bind(s);
    }
}

fn list_query(backend: Backend, ws: i64, f: &ListFilter, descending: bool, after: Option<&[i64]>, limit: u32) -> Sql {
    let mut q = Sql::new(SELECT);
    push_filters(&mut q, backend, ws, f);
    if let Some(after) = after {
        super::case::push_keyset(&mut q, SORT, after, descending);
    }
    super::case::push_order(&mut q, SORT, descending);
    q.limit(i64::from(limit) + 1);
    q
}

/// One page by time then id (plus one row, to know whether another page follows).
pub(crate) async fn list<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    backend: Backend,
    ws: i64,
    f: &ListFilter,
    descending: bool,
    after: Option<&[i64]>,
    limit: u32,
) -> Result<Vec<EventRow>> {
    list_query(backend, ws, f, descending, after, limit).fetch_all(ex).await
}

pub(crate) async fn count<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    backend: Backend,
    ws: i64,
    f: &ListFilter,
) -> Result<i64> {
    let mut q = Sql::new("SELECT COUNT(*) FROM timeline_events e");
    push_filters(&mut q, backend, ws, f);
    let (n,): (i64,) = q.fetch_one(ex).await?;
    Ok(n)
}

/// The SQL of a list query, for EXPLAIN checks.
#[cfg(test)]
pub(crate) fn list_sql(backend: Backend, f: &ListFilter, descending: bool, after: bool) -> Sql {
    list_query(backend, 1, f, descending, after.then_some(&[0, 0][..]), 50)
}

/// The list queries of tasks, notes and timeline events use indexes on both backends: no full
/// scan of the listed table, and no sort where the order can come from an index.
#[cfg(test)]
#[allow(clippy::expect_used)]
mod plans {
    use super::super::{Backend, Db, note, task};
    use crate::model::TaskSort;

    /// `sorted`: the order must come from the index (no sort step).
    fn check(backend: Backend, table: &str, alias: &str, what: &str, plan: &str, sorted: bool) {
        match backend {
            Backend::Sqlite => {
                for l in plan.lines() {
                    let full = l.starts_with(&format!("SCAN {alias}")) && !l.contains("USING");
                    assert!(!full, "{what}: full scan of {table}:\n{plan}");
                }
                if sorted {
                    assert!(!plan.contains("TEMP B-TREE"), "{what}: sorts:\n{plan}");
                }
            }
            Backend::Postgres => {
                assert!(
                    !plan.contains(&format!("Seq Scan on {table}")),
                    "{what}: full scan:\n{plan}"
                );
                if sorted {
                    assert!(!plan.contains("Sort  ("), "{what}: sorts:\n{plan}");
                }
            }
        }
    }

    async fn explain_all(db: &Db) {
        let b = db.backend();
        // Tasks: of a case, global, all; by number (index order) and by due date.
        for scope in [
            task::Scope::Case(1),
            task::Scope::Global,
            task::Scope::All(crate::store::access::Scope::Uniform(crate::store::access::FULL_ACCESS)),
        ] {
            let f = task::ListFilter {
                scope,
                status: vec![],
                assignee: None,
                tags: vec![],
                q: None,
                due_after: None,
                due_before: None,
            };
            for desc in [false, true] {
                for after in [false, true] {
                    let what = format!("tasks {scope:?} by number desc={desc} after={after}");
                    let p = super::super::tests::plan(db, &task::list_sql(b, &f, TaskSort::Number, desc, after))
                        .await
                        .join("\n");
                    check(b, "tasks", "t", &what, &p, true);
                    let what = format!("tasks {scope:?} by due date desc={desc} after={after}");
                    let p = super::super::tests::plan(db, &task::list_sql(b, &f, TaskSort::DueAt, desc, after))
                        .await
                        .join("\n");
                    check(b, "tasks", "t", &what, &p, false);
                }
            }
        }
        let filtered = task::ListFilter {
            scope: task::Scope::All(crate::store::access::Scope::Uniform(crate::store::access::FULL_ACCESS)),
            status: vec![2],
            assignee: Some(Some(task::AssigneeKey::Id(1))),
            tags: vec!["x".into()],
            q: Some("evil.example".into()),
            due_after: Some(1),
            due_before: Some(2),
        };
        let p = super::super::tests::plan(db, &task::list_sql(b, &filtered, TaskSort::Number, false, true))
            .await
            .join("\n");
        check(b, "tasks", "t", "tasks with every filter", &p, false);
        let p = super::super::tests::plan(db, &task::list_sql(b, &filtered, TaskSort::DueAt, false, false))
            .await
            .join("\n");
        check(b, "tasks", "t", "tasks with every filter by due date", &p, false);
        // Notes of a case by number, with and without a directory and text.
        let f = note::ListFilter {
            case_id: 1,
            directory_id: None,
            q: None,
        };
        for after in [false, true] {
            let p = super::super::tests::plan(db, &note::list_sql(b, &f, after))
                .await
                .join("\n");
            check(b, "notes", "n", &format!("notes after={after}"), &p, true);
        }
        let f = note::ListFilter {
            case_id: 1,
            directory_id: Some(3),
            q: Some("beacon".into()),
        };
        let p = super::super::tests::plan(db, &note::list_sql(b, &f, true))
            .await
            .join("\n");
        check(b, "notes", "n", "notes by directory and text", &p, false);
        // Timeline of a case by time, both ways, with every filter.
        for desc in [false, true] {
            for after in [false, true] {
                let f = super::ListFilter {
                    case_id: 1,
                    ..Default::default()
                };
                let what = format!("timeline desc={desc} after={after}");
                let p = super::super::tests::plan(db, &super::list_sql(b, &f, desc, after))
                    .await
                    .join("\n");
                check(b, "timeline_events", "e", &what, &p, true);
            }
        }
        let f = super::ListFilter {
            case_id: 1,
            category: vec![5],
            tags: vec!["c2".into()],
            from: Some(1),
            to: Some(2),
            asset: Some(uuid::Uuid::nil()),
            observable: Some(uuid::Uuid::nil()),
            q: Some("beacon".into()),
            in_summary: Some(true),
        };
        let p = super::super::tests::plan(db, &super::list_sql(b, &f, false, true))
            .await
            .join("\n");
        check(b, "timeline_events", "e", "timeline with every filter", &p, true);
        // The directory list of a case, by name (PostgreSQL adds an incremental sort on id).
        for after in [None, Some(1)] {
            let p = super::super::tests::plan(db, &note::list_dirs_sql(1, after, 50))
                .await
                .join("\n");
            check(
                b,
                "note_directories",
                "d",
                "directories by name",
                &p,
                b == Backend::Sqlite,
            );
        }
    }

    #[tokio::test]
    async fn list_queries_use_indexes_on_sqlite() {
        let (db, dir) = super::super::tests::open_sqlite().await;
        explain_all(&db).await;
        db.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn list_queries_use_indexes_on_postgres() {
        let Some((db, _guard)) = super::super::tests::open_pg().await else {
            return;
        };
        explain_all(&db).await;
        db.close().await;
    }
}
