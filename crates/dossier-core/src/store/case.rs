//! Case rows: reads with their state, owner and creator joined in; keyset-paged lists.

use sqlx::FromRow;
use uuid::Uuid;

use super::{
    Backend, Ex, Tx,
    counts::{self, Kind},
    search,
    sql::Sql,
};
use crate::{error::Result, ids::Key, model::CaseSort};

#[derive(Debug, Clone, FromRow)]
pub(crate) struct CaseRow {
    pub id: i64,
    pub uuid: Uuid,
    pub seq: i64,
    pub title: String,
    pub description: Option<String>,
    pub state_id: i64,
    pub state_code: String,
    pub state_label: String,
    pub status: i16,
    pub severity: i16,
    pub priority: i16,
    pub resolution: Option<i16>,
    pub tlp: i16,
    pub pap: i16,
    pub owner_id: Option<i64>,
    pub owner_uuid: Option<Uuid>,
    pub owner_login: Option<String>,
    pub owner_name: Option<String>,
    pub reviewer_id: Option<i64>,
    pub reviewer_uuid: Option<Uuid>,
    pub reviewer_login: Option<String>,
    pub reviewer_name: Option<String>,
    pub customer_id: Option<i64>,
    pub customer_uuid: Option<Uuid>,
    pub customer_seq: Option<i64>,
    pub customer_name: Option<String>,
    pub classification_id: Option<i64>,
    pub classification_name: Option<String>,
    pub external_ref: Option<String>,
    pub external_link: Option<String>,
    pub closing_note: Option<String>,
    pub custom: String,
    pub occurred_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub creator_uuid: Option<Uuid>,
    pub creator_login: Option<String>,
    pub creator_name: Option<String>,
    pub version: i32,
}

const SELECT: &str = "SELECT c.id, c.uuid, c.seq, c.title, c.description, c.state_id, s.code AS state_code, \
    s.label AS state_label, c.status, c.severity, c.priority, c.resolution, c.tlp, c.pap, c.owner_id, \
    o.uuid AS owner_uuid, o.login AS owner_login, o.name AS owner_name, \
    c.reviewer_id, rv.uuid AS reviewer_uuid, rv.login AS reviewer_login, rv.name AS reviewer_name, \
    c.customer_id, cu.uuid AS customer_uuid, cu.seq AS customer_seq, cu.name AS customer_name, \
    c.classification_id, cl.name AS classification_name, c.external_ref, c.external_link, \
    c.closing_note, c.custom, c.occurred_at, c.closed_at, c.created_at, c.updated_at, \
    cb.uuid AS creator_uuid, cb.login AS creator_login, cb.name AS creator_name, c.version \
    FROM cases c JOIN case_states s ON s.id = c.state_id LEFT JOIN users o ON o.id = c.owner_id \
    LEFT JOIN users cb ON cb.id = c.created_by LEFT JOIN users rv ON rv.id = c.reviewer_id \
    LEFT JOIN customers cu ON cu.id = c.customer_id LEFT JOIN classifications cl ON cl.id = c.classification_id";

/// The writable columns of a case.
#[derive(Debug, Clone)]
pub(crate) struct CaseValues {
    pub title: String,
    pub description: Option<String>,
    pub state_id: i64,
    pub status: i16,
    pub severity: i16,
    pub priority: i16,
    pub resolution: Option<i16>,
    pub tlp: i16,
    pub pap: i16,
    pub owner_id: Option<i64>,
    pub reviewer_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub classification_id: Option<i64>,
    pub external_ref: Option<String>,
    pub external_link: Option<String>,
    pub closing_note: Option<String>,
    pub custom: String,
    pub occurred_at: Option<i64>,
    pub closed_at: Option<i64>,
}

impl CaseValues {
    pub fn of(r: &CaseRow) -> Self {
        CaseValues {
            title: r.title.clone(),
            description: r.description.clone(),
            state_id: r.state_id,
            status: r.status,
            severity: r.severity,
            priority: r.priority,
            resolution: r.resolution,
            tlp: r.tlp,
            pap: r.pap,
            owner_id: r.owner_id,
            reviewer_id: r.reviewer_id,
            customer_id: r.customer_id,
            classification_id: r.classification_id,
            external_ref: r.external_ref.clone(),
            external_link: r.external_link.clone(),
            closing_note: r.closing_note.clone(),
            custom: r.custom.clone(),
            occurred_at: r.occurred_at,
            closed_at: r.closed_at,
        }
    }
}

pub(crate) async fn insert(
    tx: &mut Tx<'_>,
    ws: i64,
    seq: i64,
    v: &CaseValues,
    by: Option<i64>,
    now: i64,
) -> Result<(i64, Uuid)> {
    let uuid = crate::ids::new_uuid();
    let (id,): (i64,) = Sql::new(
        "INSERT INTO cases (uuid, workspace_id, seq, title, description, state_id, status, severity, priority, resolution, \
         tlp, pap, owner_id, external_ref, external_link, closing_note, custom, occurred_at, closed_at, reported_at, \
         created_at, updated_at, created_by, reviewer_id, customer_id, classification_id) VALUES ($1, $2, $3, $4, $5, $6, \
         $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20, $20, $21, $22, $23, $24) RETURNING id",
    )
    .arg(uuid)
    .arg(ws)
    .arg(seq)
    .arg(&v.title)
    .arg(v.description.clone())
    .arg(v.state_id)
    .arg(v.status)
    .arg(v.severity)
    .arg(v.priority)
    .arg(v.resolution)
    .arg(v.tlp)
    .arg(v.pap)
    .arg(v.owner_id)
    .arg(v.external_ref.clone())
    .arg(v.external_link.clone())
    .arg(v.closing_note.clone())
    .arg(&v.custom)
    .arg(v.occurred_at)
    .arg(v.closed_at)
    .arg(now)
    .arg(by)
    .arg(v.reviewer_id)
    .arg(v.customer_id)
    .arg(v.classification_id)
    .fetch_one(&mut *tx)
    .await?;
    counts::add_new(tx, Kind::Case, [(ws, id, v.state_id, v.status, v.severity)]).await?;
    Ok((id, uuid))
}

/// Writes new values if the row is still at `version`; false when it moved on.
pub(crate) async fn update(tx: &mut Tx<'_>, id: i64, version: i32, v: &CaseValues, now: i64) -> Result<bool> {
    let was = counts::before(tx, Kind::Case, id).await?;
    let n = Sql::new(
        "UPDATE cases SET title = $3, description = $4, state_id = $5, status = $6, severity = $7, priority = $8, \
         resolution = $9, tlp = $10, pap = $11, owner_id = $12, external_ref = $13, external_link = $14, \
         closing_note = $15, custom = $16, occurred_at = $17, closed_at = $18, updated_at = $19, reviewer_id = $20, \
         customer_id = $21, classification_id = $22, version = version + 1 \
         WHERE id = $1 AND version = $2 AND deleted_at IS NULL",
    )
    .arg(id)
    .arg(version)
    .arg(&v.title)
    .arg(v.description.clone())
    .arg(v.state_id)
    .arg(v.status)
    .arg(v.severity)
    .arg(v.priority)
    .arg(v.resolution)
    .arg(v.tlp)
    .arg(v.pap)
    .arg(v.owner_id)
    .arg(v.external_ref.clone())
    .arg(v.external_link.clone())
    .arg(v.closing_note.clone())
    .arg(&v.custom)
    .arg(v.occurred_at)
    .arg(v.closed_at)
    .arg(now)
    .arg(v.reviewer_id)
    .arg(v.customer_id)
    .arg(v.classification_id)
    .execute(&mut *tx)
    .await?;
    counts::after(tx, Kind::Case, id, was).await?;
    Ok(n == 1)
}

/// Keeps `case_owners` position 0 in step with `cases.owner_id`.
pub(crate) async fn set_owner(tx: &mut Tx<'_>, ws: i64, case_id: i64, user_id: Option<i64>, now: i64) -> Result<()> {
    Sql::new("DELETE FROM case_owners WHERE case_id = $1 AND position = 0")
        .arg(case_id)
        .execute(&mut *tx)
        .await?;
    if let Some(u) = user_id {
        Sql::new(
            "INSERT INTO case_owners (case_id, position, workspace_id, user_id, created_at) VALUES ($1, 0, $2, $3, $4)",
        )
        .arg(case_id)
        .arg(ws)
        .arg(u)
        .arg(now)
        .execute(tx)
        .await?;
    }
    Ok(())
}

pub(crate) async fn get<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64, key: Key) -> Result<Option<CaseRow>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE c.workspace_id = ")
        .bind(ws)
        .push(" AND c.deleted_at IS NULL AND ");
    match key {
        Key::Uuid(u) => q.push("c.uuid = ").bind(u),
        Key::Seq(n) => q.push("c.seq = ").bind(n),
    };
    q.fetch_optional(ex).await
}

/// Deletes a case; its children go with it by foreign-key cascade (tasks, notes, events,
/// evidence rows, comments, observable and asset links), and so do the search documents of the
/// case and of everything in it. Shared identities (observables, assets) stay.
pub(crate) async fn delete(tx: &mut Tx<'_>, id: i64) -> Result<()> {
    let was = counts::before(tx, Kind::Case, id).await?;
    if tx.backend() == Backend::Sqlite {
        // The FTS indexes are external-content tables: each row leaves with its old text.
        for table in [
            "INSERT INTO search_docs_fts (search_docs_fts, rowid, title, body) \
             SELECT 'delete', id, title, body FROM search_docs WHERE case_id = $1 OR (kind = 'case' AND object_id = $1)",
            "INSERT INTO search_docs_tri (search_docs_tri, rowid, title, body) \
             SELECT 'delete', id, title, body FROM search_docs WHERE case_id = $1 OR (kind = 'case' AND object_id = $1)",
        ] {
            Sql::new(table).arg(id).execute(&mut *tx).await?;
        }
    }
    Sql::new("DELETE FROM search_docs WHERE case_id = $1 OR (kind = 'case' AND object_id = $1)")
        .arg(id)
        .execute(&mut *tx)
        .await?;
    Sql::new("DELETE FROM cases WHERE id = $1")
        .arg(id)
        .execute(&mut *tx)
        .await?;
    counts::after(tx, Kind::Case, id, was).await
}

/// List filters, already resolved to stored values.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListFilter {
    pub status: Vec<i16>,
    pub severity: Vec<i16>,
    pub priority: Vec<i16>,
    /// `Some(None)`: unassigned.
    pub owner: Option<Option<Uuid>>,
    pub tags: Vec<String>,
    pub q: Option<String>,
    pub created_after: Option<i64>,
    pub created_before: Option<i64>,
    pub customer_id: Option<i64>,
    /// The actor's case access: cases they may not read are left out, inside the query.
    pub access: super::access::Scope,
}

impl ListFilter {
    /// The same filter as a counter query, when the counters can answer it (no filter, or only
    /// status and severity); `None` when the rows must be counted. Every field is named here,
    /// so a new filter field has to decide whether the counters can serve it.
    pub fn counted(&self) -> Option<counts::CountFilter> {
        let ListFilter {
            status,
            severity,
            priority,
            owner,
            tags,
            q,
            created_after,
            created_before,
            customer_id,
            access,
        } = self;
        // Counters count every case: they answer only for someone who reads every case.
        let plain = access.reads_all()
            && priority.is_empty()
            && owner.is_none()
            && tags.is_empty()
            && q.is_none()
            && created_after.is_none()
            && created_before.is_none()
            && customer_id.is_none();
        plain.then(|| counts::CountFilter {
            status: status.clone(),
            severity: severity.clone(),
            state_id: None,
        })
    }
}

fn push_filters(q: &mut Sql, backend: Backend, ws: i64, f: &ListFilter) {
    q.push(" WHERE c.workspace_id = ")
        .bind(ws)
        .push(" AND c.deleted_at IS NULL");
    f.access.push_readable(q, "c.id");
    if !f.status.is_empty() {
        q.push(" AND c.status IN ").bind_list(f.status.iter().copied());
    }
    if !f.severity.is_empty() {
        q.push(" AND c.severity IN ").bind_list(f.severity.iter().copied());
    }
    if !f.priority.is_empty() {
        q.push(" AND c.priority IN ").bind_list(f.priority.iter().copied());
    }
    match &f.owner {
        None => {}
        Some(None) => {
            q.push(" AND c.owner_id IS NULL");
        }
        Some(Some(u)) => {
            q.push(" AND c.owner_id = (SELECT id FROM users WHERE uuid = ")
                .bind(*u)
                .push(")");
        }
    }
    if let Some(cust) = f.customer_id {
        q.push(" AND c.customer_id = ").bind(cust);
    }
    for tag in &f.tags {
        q.push(" AND c.id IN (SELECT ct.case_id FROM case_terms ct JOIN terms t ON t.id = ct.term_id WHERE t.workspace_id = ")
            .bind(ws)
            .push(" AND t.kind = 0 AND lower(t.name) = ")
            .bind(tag.to_lowercase())
            .push(")");
    }
    if let Some(text) = &f.q {
        search::push_contains(q, backend, ws, "case", "c.id", text);
    }
    if let Some(t) = f.created_after {
        q.push(" AND c.created_at >= ").bind(t);
    }
    if let Some(t) = f.created_before {
        q.push(" AND c.created_at < ").bind(t);
    }
}

/// The key columns of a sort, most significant first; the last is always unique.
pub(crate) fn sort_columns(sort: CaseSort) -> &'static [&'static str] {
    match sort {
        CaseSort::CreatedAt => &["c.created_at", "c.id"],
        CaseSort::UpdatedAt => &["c.updated_at", "c.id"],
        CaseSort::Number => &["c.seq"],
        CaseSort::Severity => &["c.severity", "c.created_at", "c.id"],
        CaseSort::Priority => &["c.priority", "c.created_at", "c.id"],
        CaseSort::Status => &["c.status", "c.created_at", "c.id"],
    }
}

/// The sort key values of a row, in `sort_columns` order.
pub(crate) fn sort_values(sort: CaseSort, r: &CaseRow) -> Vec<i64> {
    match sort {
        CaseSort::CreatedAt => vec![r.created_at, r.id],
        CaseSort::UpdatedAt => vec![r.updated_at, r.id],
        CaseSort::Number => vec![r.seq],
        CaseSort::Severity => vec![i64::from(r.severity), r.created_at, r.id],
        CaseSort::Priority => vec![i64::from(r.priority), r.created_at, r.id],
        CaseSort::Status => vec![i64::from(r.status), r.created_at, r.id],
    }
}

/// Appends `(a, b) < ($x, $y)` (or `>`), the keyset condition after `after`.
pub(crate) fn push_keyset(q: &mut Sql, cols: &[&'static str], after: &[i64], descending: bool) {
    q.push(" AND (");
    for (i, c) in cols.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.push(c);
    }
    q.push(if descending { ") < (" } else { ") > (" });
    for (i, v) in after.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.bind(*v);
    }
    q.push(")");
}

pub(crate) fn push_order(q: &mut Sql, cols: &[&'static str], descending: bool) {
    q.push(" ORDER BY ");
    for (i, c) in cols.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.push(c).push(if descending { " DESC" } else { " ASC" });
    }
}

/// One page (plus one row, to know whether another page follows).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn list<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    backend: Backend,
    ws: i64,
    f: &ListFilter,
    sort: CaseSort,
    descending: bool,
    after: Option<&[i64]>,
    limit: u32,
) -> Result<Vec<CaseRow>> {
    let cols = sort_columns(sort);
    let mut q = Sql::new(SELECT);
    push_filters(&mut q, backend, ws, f);
    if let Some(after) = after {
        push_keyset(&mut q, cols, after, descending);
    }
    push_order(&mut q, cols, descending);
    q.limit(i64::from(limit) + 1);
    q.fetch_all(ex).await
}

/// The number of live cases matching `f`: from the counters when they can answer, else
/// counted (through the same indexes as the list).
pub(crate) async fn count<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    backend: Backend,
    ws: i64,
    f: &ListFilter,
) -> Result<i64> {
    if let Some(cf) = f.counted() {
        return counts::total(ex, ws, Kind::Case, &cf).await;
    }
    let mut q = Sql::new("SELECT COUNT(*) FROM cases c");
    push_filters(&mut q, backend, ws, f);
    let (n,): (i64,) = q.fetch_one(ex).await?;
    Ok(n)
}

/// Appends the ids of one offset window of the list, read from the index alone (no row is
/// read for the rows skipped).
#[allow(clippy::too_many_arguments)]
fn push_window_ids(
    q: &mut Sql,
    backend: Backend,
    ws: i64,
    f: &ListFilter,
    sort: CaseSort,
    descending: bool,
    offset: i64,
    limit: i64,
) {
    q.push("SELECT c.id FROM cases c");
    push_filters(q, backend, ws, f);
    push_order(q, sort_columns(sort), descending);
    q.limit(limit).offset(offset);
}

/// The id window alone, for plan checks.
#[cfg(test)]
pub(crate) fn window_ids_sql(
    backend: Backend,
    ws: i64,
    f: &ListFilter,
    sort: CaseSort,
    descending: bool,
    offset: i64,
    limit: i64,
) -> Sql {
    let mut q = Sql::new("");
    push_window_ids(&mut q, backend, ws, f, sort, descending, offset, limit);
    q
}

/// One offset window of the list: its ids from the index, then their rows by primary key, in
/// one statement. The rows come back in no particular order; [`window`] sorts them.
#[allow(clippy::too_many_arguments)]
pub(crate) fn window_sql(
    backend: Backend,
    ws: i64,
    f: &ListFilter,
    sort: CaseSort,
    descending: bool,
    offset: i64,
    limit: i64,
) -> Sql {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE c.id IN (");
    push_window_ids(&mut q, backend, ws, f, sort, descending, offset, limit);
    q.push(")");
    q
}

/// The rows of one offset window, in the list's order (`descending` is the order the page
/// is shown in; `reversed` reads the window from the other end).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn window<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    backend: Backend,
    ws: i64,
    f: &ListFilter,
    sort: CaseSort,
    descending: bool,
    reversed: bool,
    offset: i64,
    limit: i64,
) -> Result<Vec<CaseRow>> {
    let mut rows: Vec<CaseRow> = window_sql(backend, ws, f, sort, descending != reversed, offset, limit)
        .fetch_all(ex)
        .await?;
    rows.sort_by_key(|r| sort_values(sort, r));
    if descending {
        rows.reverse();
    }
    Ok(rows)
}

/// The SQL of a list query, for EXPLAIN checks.
#[cfg(test)]
pub(crate) fn list_sql(backend: Backend, f: &ListFilter, sort: CaseSort, descending: bool, after: bool) -> Sql {
    let cols = sort_columns(sort);
    let mut q = Sql::new(SELECT);
    push_filters(&mut q, backend, 1, f);
    if after {
        push_keyset(&mut q, cols, &vec![0; cols.len()], descending);
    }
    push_order(&mut q, cols, descending);
    q.push(" LIMIT 51");
    q
}

/// Links an alert to a case.
pub(crate) async fn link_alert(
    tx: &mut Tx<'_>,
    ws: i64,
    case_id: i64,
    alert_id: i64,
    how: i16,
    now: i64,
) -> Result<()> {
    Sql::new(
        "INSERT INTO case_alerts (case_id, alert_id, workspace_id, linked_at, how, created_at) VALUES ($1, $2, $3, $4, $5, $4) \
         ON CONFLICT (case_id, alert_id) DO NOTHING",
    )
    .arg(case_id)
    .arg(alert_id)
    .arg(ws)
    .arg(now)
    .arg(how)
    .execute(tx)
    .await?;
    Ok(())
}

/// Moves the case's linked alerts that are not on the closed row to it; returns each moved
/// alert's (id, uuid, previous state row).
pub(crate) async fn close_linked_alerts(
    tx: &mut Tx<'_>,
    case_id: i64,
    closed_state: i64,
    closed_status: i16,
    now: i64,
) -> Result<Vec<(i64, Uuid, i64)>> {
    let moving: Vec<(i64, Uuid, i64)> = Sql::new(
        "SELECT a.id, a.uuid, a.state_id FROM case_alerts l JOIN alerts a ON a.id = l.alert_id \
         WHERE l.case_id = $1 AND a.state_id <> $2 AND a.deleted_at IS NULL ORDER BY a.id",
    )
    .arg(case_id)
    .arg(closed_state)
    .fetch_all(&mut *tx)
    .await?;
    if moving.is_empty() {
        return Ok(moving);
    }
    let mut was = Vec::with_capacity(moving.len());
    for a in &moving {
        was.push((a.0, counts::before(tx, Kind::Alert, a.0).await?));
    }
    let mut q = Sql::new("UPDATE alerts SET state_id = ");
    q.bind(closed_state)
        .push(", status = ")
        .bind(closed_status)
        .push(", updated_at = ")
        .bind(now)
        .push(", version = version + 1 WHERE id IN ")
        .bind_list(moving.iter().map(|a| a.0));
    q.execute(&mut *tx).await?;
    for (id, b) in was {
        counts::after(tx, Kind::Alert, id, b).await?;
    }
    Ok(moving)
}

/// Bumps `updated_at` and `version` after a change to something the case shows (its alerts).
pub(crate) async fn touch(tx: &mut Tx<'_>, id: i64, now: i64) -> Result<()> {
    Sql::new("UPDATE cases SET updated_at = $2, version = version + 1 WHERE id = $1")
        .arg(id)
        .arg(now)
        .execute(tx)
        .await?;
    Ok(())
}

/// Records a version of the case summary (its description).
pub(crate) async fn add_summary_version(
    tx: &mut Tx<'_>,
    ws: i64,
    case_id: i64,
    content: &str,
    author: Option<i64>,
    now: i64,
) -> Result<()> {
    Sql::new(
        "INSERT INTO case_summary_versions (case_id, workspace_id, version, content, author_id, at) \
         SELECT $1, $2, COALESCE(MAX(version), 0) + 1, $3, $4, $5 FROM case_summary_versions WHERE case_id = $1",
    )
    .arg(case_id)
    .arg(ws)
    .arg(content)
    .arg(author)
    .arg(now)
    .execute(tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub(crate) struct SummaryRow {
    pub version: i32,
    pub content: String,
    pub author_uuid: Option<Uuid>,
    pub author_login: Option<String>,
    pub author_name: Option<String>,
    pub at: i64,
}

/// Summary versions, newest first.
pub(crate) async fn summary_versions<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, case_id: i64) -> Result<Vec<SummaryRow>> {
    Sql::new(
        "SELECT v.version, v.content, u.uuid AS author_uuid, u.login AS author_login, u.name AS author_name, v.at \
         FROM case_summary_versions v LEFT JOIN users u ON u.id = v.author_id WHERE v.case_id = $1 ORDER BY v.version DESC",
    )
    .arg(case_id)
    .fetch_all(ex)
    .await
}

/// A customer of the workspace by number or UUID: its internal id.
pub(crate) async fn customer_id<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64, key: Key) -> Result<Option<i64>> {
    let mut q = Sql::new("SELECT id FROM customers WHERE workspace_id = ");
    q.bind(ws).push(" AND ");
    match key {
        Key::Uuid(u) => q.push("uuid = ").bind(u),
        Key::Seq(n) => q.push("seq = ").bind(n),
    };
    let row: Option<(i64,)> = q.fetch_optional(ex).await?;
    Ok(row.map(|r| r.0))
}

/// The canonical status of a case state row visible in the workspace.
pub(crate) async fn state_canonical<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
    state_id: i64,
) -> Result<Option<i16>> {
    let row: Option<(i16,)> =
        Sql::new("SELECT canonical FROM case_states WHERE id = $1 AND (workspace_id IS NULL OR workspace_id = $2)")
            .arg(state_id)
            .arg(ws)
            .fetch_optional(ex)
            .await?;
    Ok(row.map(|r| r.0))
}

pub(crate) async fn seq_of(tx: &mut Tx<'_>, id: i64) -> Result<i64> {
    let (seq,): (i64,) = Sql::new("SELECT seq FROM cases WHERE id = $1")
        .arg(id)
        .fetch_one(tx)
        .await?;
    Ok(seq)
}
