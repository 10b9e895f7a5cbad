//! Alert rows. Deduplication on (workspace, dedup key); bulk inserts as multi-row statements.

use std::collections::HashMap;

use sqlx::FromRow;
use uuid::Uuid;

use super::{
    Backend, Ex, Tx,
    case::{push_keyset, push_order},
    counts::{self, Kind},
    search,
    sql::Sql,
};
use crate::{error::Result, ids::Key};

#[derive(Debug, Clone, FromRow)]
pub(crate) struct AlertRow {
    pub id: i64,
    pub uuid: Uuid,
    pub seq: i64,
    pub title: String,
    pub description: String,
    pub state_id: i64,
    pub state_code: String,
    pub state_label: String,
    pub status: i16,
    pub severity: i16,
    pub resolution: Option<i16>,
    pub source: Option<String>,
    pub source_ref: Option<String>,
    pub source_link: Option<String>,
    pub alert_type: Option<String>,
    pub tlp: Option<i16>,
    pub pap: Option<i16>,
    pub owner_id: Option<i64>,
    pub owner_uuid: Option<Uuid>,
    pub owner_login: Option<String>,
    pub owner_name: Option<String>,
    pub occurrences: i32,
    pub first_seen_at: i64,
    pub last_seen_at: i64,
    pub event_time: Option<i64>,
    pub custom: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i32,
}

const SELECT: &str = "SELECT a.id, a.uuid, a.seq, a.title, a.description, a.state_id, s.code AS state_code, \
    s.label AS state_label, a.status, a.severity, a.resolution, a.source, a.source_ref, a.source_link, \
    a.type AS alert_type, a.tlp, a.pap, a.owner_id, o.uuid AS owner_uuid, o.login AS owner_login, \
    o.name AS owner_name, a.occurrences, a.first_seen_at, a.last_seen_at, a.event_time, a.custom, \
    a.created_at, a.updated_at, a.version \
    FROM alerts a JOIN alert_states s ON s.id = a.state_id LEFT JOIN users o ON o.id = a.owner_id";

/// A new alert's stored values.
#[derive(Debug, Clone)]
pub(crate) struct AlertInsert {
    pub uuid: Uuid,
    pub seq: i64,
    pub title: String,
    pub description: String,
    pub state_id: i64,
    pub status: i16,
    pub severity: i16,
    pub source: Option<String>,
    pub source_ref: Option<String>,
    pub dedup_key: Option<Vec<u8>>,
    pub occurrences: i32,
    pub source_link: Option<String>,
    pub alert_type: Option<String>,
    pub event_time: Option<i64>,
    pub tlp: Option<i16>,
    pub pap: Option<i16>,
    pub custom: String,
}

/// Inserts alerts in multi-row statements; returns their ids by seq.
pub(crate) async fn insert_many(
    tx: &mut Tx<'_>,
    ws: i64,
    rows: &[AlertInsert],
    by: Option<i64>,
    now: i64,
) -> Result<HashMap<i64, i64>> {
    let mut ids = HashMap::with_capacity(rows.len());
    // 23 values per row.
    for chunk in rows.chunks(500) {
        let mut q = Sql::new(
            "INSERT INTO alerts (uuid, workspace_id, seq, title, description, state_id, status, severity, source, source_ref, \
             dedup_key, occurrences, first_seen_at, last_seen_at, source_link, type, event_time, tlp, pap, custom, \
             created_at, updated_at, created_by) VALUES ",
        );
        for (i, r) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.push("(")
                .bind(r.uuid)
                .push(", ")
                .bind(ws)
                .push(", ")
                .bind(r.seq)
                .push(", ")
                .bind(&r.title);
            q.push(", ")
                .bind(&r.description)
                .push(", ")
                .bind(r.state_id)
                .push(", ")
                .bind(r.status);
            q.push(", ")
                .bind(r.severity)
                .push(", ")
                .bind(r.source.clone())
                .push(", ")
                .bind(r.source_ref.clone());
            q.push(", ")
                .bind(r.dedup_key.clone())
                .push(", ")
                .bind(r.occurrences)
                .push(", ")
                .bind(now);
            q.push(", ")
                .bind(now)
                .push(", ")
                .bind(r.source_link.clone())
                .push(", ")
                .bind(r.alert_type.clone());
            q.push(", ")
                .bind(r.event_time)
                .push(", ")
                .bind(r.tlp)
                .push(", ")
                .bind(r.pap)
                .push(", ")
                .bind(&r.custom);
            q.push(", ")
                .bind(now)
                .push(", ")
                .bind(now)
                .push(", ")
                .bind(by)
                .push(")");
        }
        q.push(" RETURNING id, seq");
        let got: Vec<(i64, i64)> = q.fetch_all(&mut *tx).await?;
        for (id, seq) in got {
            ids.insert(seq, id);
        }
    }
    let counted = rows
        .iter()
        .filter_map(|r| ids.get(&r.seq).map(|id| (ws, *id, r.state_id, r.status, r.severity)));
    counts::add_new(tx, Kind::Alert, counted).await?;
    Ok(ids)
}

/// Existing live alerts with these dedup keys.
pub(crate) async fn find_by_dedup(tx: &mut Tx<'_>, ws: i64, keys: &[Vec<u8>]) -> Result<HashMap<Vec<u8>, i64>> {
    let mut out = HashMap::new();
    for chunk in keys.chunks(500) {
        let mut q = Sql::new("SELECT dedup_key, id FROM alerts WHERE workspace_id = ");
        q.bind(ws)
            .push(" AND deleted_at IS NULL AND dedup_key IN ")
            .bind_list(chunk.iter().cloned());
        // Planned with its real values each time: a cached generic plan made while the table
        // was small keeps scanning it whole once it has grown (seen at 1M alerts on
        // PostgreSQL: ingest fell below 1,000 alerts/s, every worker inside this query).
        q.one_off();
        let rows: Vec<(Vec<u8>, i64)> = q.fetch_all(&mut *tx).await?;
        out.extend(rows);
    }
    Ok(out)
}

/// A repeat of an existing alert: count it and refresh what the source says now.
pub(crate) async fn bump(
    tx: &mut Tx<'_>,
    id: i64,
    count: i32,
    title: &str,
    description: Option<&str>,
    severity: Option<i16>,
    now: i64,
) -> Result<()> {
    let was = counts::before(tx, Kind::Alert, id).await?;
    Sql::new(
        "UPDATE alerts SET occurrences = occurrences + $2, last_seen_at = $3, updated_at = $3, title = $4, \
         description = COALESCE($5, description), severity = COALESCE($6, severity), version = version + 1 WHERE id = $1",
    )
    .arg(id)
    .arg(count)
    .arg(now)
    .arg(title)
    .arg(description)
    .arg(severity)
    .execute(&mut *tx)
    .await?;
    counts::after(tx, Kind::Alert, id, was).await
}

/// The writable columns of an alert.
#[derive(Debug, Clone)]
pub(crate) struct AlertValues {
    pub title: String,
    pub description: String,
    pub state_id: i64,
    pub status: i16,
    pub severity: i16,
    pub resolution: Option<i16>,
    pub owner_id: Option<i64>,
    pub custom: String,
}

impl AlertValues {
    pub fn of(r: &AlertRow) -> Self {
        AlertValues {
            title: r.title.clone(),
            description: r.description.clone(),
            state_id: r.state_id,
            status: r.status,
            severity: r.severity,
            resolution: r.resolution,
            owner_id: r.owner_id,
            custom: r.custom.clone(),
        }
    }
}

pub(crate) async fn update(tx: &mut Tx<'_>, id: i64, version: i32, v: &AlertValues, now: i64) -> Result<bool> {
    let was = counts::before(tx, Kind::Alert, id).await?;
    let n = Sql::new(
        "UPDATE alerts SET title = $3, description = $4, state_id = $5, status = $6, severity = $7, resolution = $8, \
         owner_id = $9, custom = $10, updated_at = $11, version = version + 1 \
         WHERE id = $1 AND version = $2 AND deleted_at IS NULL",
    )
    .arg(id)
    .arg(version)
    .arg(&v.title)
    .arg(&v.description)
    .arg(v.state_id)
    .arg(v.status)
    .arg(v.severity)
    .arg(v.resolution)
    .arg(v.owner_id)
    .arg(&v.custom)
    .arg(now)
    .execute(&mut *tx)
    .await?;
    counts::after(tx, Kind::Alert, id, was).await?;
    Ok(n == 1)
}

pub(crate) async fn set_state(tx: &mut Tx<'_>, id: i64, state_id: i64, status: i16, now: i64) -> Result<()> {
    let was = counts::before(tx, Kind::Alert, id).await?;
    Sql::new("UPDATE alerts SET state_id = $2, status = $3, updated_at = $4, version = version + 1 WHERE id = $1")
        .arg(id)
        .arg(state_id)
        .arg(status)
        .arg(now)
        .execute(&mut *tx)
        .await?;
    counts::after(tx, Kind::Alert, id, was).await
}

pub(crate) async fn set_owner(tx: &mut Tx<'_>, ws: i64, alert_id: i64, user_id: Option<i64>, now: i64) -> Result<()> {
    Sql::new("DELETE FROM alert_owners WHERE alert_id = $1 AND position = 0")
        .arg(alert_id)
        .execute(&mut *tx)
        .await?;
    if let Some(u) = user_id {
        Sql::new("INSERT INTO alert_owners (alert_id, position, workspace_id, user_id, created_at) VALUES ($1, 0, $2, $3, $4)")
            .arg(alert_id)
            .arg(ws)
            .arg(u)
            .arg(now)
            .execute(tx)
            .await?;
    }
    Ok(())
}

pub(crate) async fn get<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64, key: Key) -> Result<Option<AlertRow>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE a.workspace_id = ")
        .bind(ws)
        .push(" AND a.deleted_at IS NULL AND ");
    match key {
        Key::Uuid(u) => q.push("a.uuid = ").bind(u),
        Key::Seq(n) => q.push("a.seq = ").bind(n),
    };
    q.fetch_optional(ex).await
}

pub(crate) async fn get_many<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ids: &[i64]) -> Result<Vec<AlertRow>> {
    let mut out = Vec::with_capacity(ids.len());
    let mut ex = ex.into();
    for chunk in ids.chunks(500) {
        let mut q = Sql::new(SELECT);
        q.push(" WHERE a.id IN ").bind_list(chunk.iter().copied());
        let rows: Vec<AlertRow> = q.fetch_all(ex.reborrow()).await?;
        out.extend(rows);
    }
    Ok(out)
}

/// Case uuids each alert is linked to, oldest link first.
pub(crate) async fn cases_of<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ids: &[i64]) -> Result<HashMap<i64, Vec<Uuid>>> {
    let mut out: HashMap<i64, Vec<Uuid>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut q = Sql::new(
        "SELECT ca.alert_id, c.uuid FROM case_alerts ca JOIN cases c ON c.id = ca.case_id WHERE ca.alert_id IN ",
    );
    q.bind_list(ids.iter().copied())
        .push(" AND c.deleted_at IS NULL ORDER BY ca.alert_id, ca.linked_at");
    let rows: Vec<(i64, Uuid)> = q.fetch_all(ex).await?;
    for (a, c) in rows {
        out.entry(a).or_default().push(c);
    }
    Ok(out)
}

#[derive(Debug, Clone, Default)]
pub(crate) struct ListFilter {
    pub status: Vec<i16>,
    pub severity: Vec<i16>,
    pub source: Option<String>,
    pub tags: Vec<String>,
    pub q: Option<String>,
    pub created_after: Option<i64>,
    pub created_before: Option<i64>,
}

const SORT: &[&str] = &["a.created_at", "a.id"];

fn push_filters(q: &mut Sql, backend: Backend, ws: i64, f: &ListFilter) {
    q.push(" WHERE a.workspace_id = ")
        .bind(ws)
        .push(" AND a.deleted_at IS NULL");
    if !f.status.is_empty() {
        q.push(" AND a.status IN ").bind_list(f.status.iter().copied());
    }
    if !f.severity.is_empty() {
        q.push(" AND a.severity IN ").bind_list(f.severity.iter().copied());
    }
    if let Some(s) = &f.source {
        q.push(" AND a.source = ").bind(s);
    }
    for tag in &f.tags {
        q.push(" AND a.id IN (SELECT at.alert_id FROM alert_terms at JOIN terms t ON t.id = at.term_id WHERE t.workspace_id = ")
            .bind(ws)
            .push(" AND t.kind = 0 AND lower(t.name) = ")
            .bind(tag.to_lowercase())
            .push(")");
    }
    if let Some(text) = &f.q {
        search::push_contains(q, backend, ws, "alert", "a.id", text);
    }
    if let Some(t) = f.created_after {
        q.push(" AND a.created_at >= ").bind(t);
    }
    if let Some(t) = f.created_before {
        q.push(" AND a.created_at < ").bind(t);
    }
}

/// Newest first.
pub(crate) async fn list<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    backend: Backend,
    ws: i64,
    f: &ListFilter,
    after: Option<&[i64]>,
    limit: u32,
) -> Result<Vec<AlertRow>> {
    let mut q = Sql::new(SELECT);
    push_filters(&mut q, backend, ws, f);
    if let Some(after) = after {
        push_keyset(&mut q, SORT, after, true);
    }
    push_order(&mut q, SORT, true);
    q.limit(i64::from(limit) + 1);
    q.fetch_all(ex).await
}

pub(crate) async fn count<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    backend: Backend,
    ws: i64,
    f: &ListFilter,
) -> Result<i64> {
    let mut q = Sql::new("SELECT COUNT(*) FROM alerts a");
    push_filters(&mut q, backend, ws, f);
    let (n,): (i64,) = q.fetch_one(ex).await?;
    Ok(n)
}

#[cfg(test)]
pub(crate) fn list_sql(backend: Backend, f: &ListFilter, after: bool) -> Sql {
    let mut q = Sql::new(SELECT);
    push_filters(&mut q, backend, 1, f);
    if after {
        push_keyset(&mut q, SORT, &[0, 0], true);
    }
    push_order(&mut q, SORT, true);
    q.push(" LIMIT 51");
    q
}

// ---- Alert records: the details IRIS keeps on an alert, its assets, and offset pages ----

/// The details of an alert beyond its core columns, with the customer and classification they
/// name.
#[derive(Debug, Clone, FromRow)]
pub(crate) struct DetailRow {
    pub id: i64,
    pub customer_seq: Option<i64>,
    pub customer_uuid: Option<Uuid>,
    pub customer_name: Option<String>,
    pub customer_description: Option<String>,
    pub customer_sla: Option<String>,
    pub customer_custom: Option<String>,
    pub classification_id: Option<i64>,
    pub classification_name: Option<String>,
    pub classification_expanded: Option<String>,
    pub classification_description: Option<String>,
    pub classification_created_at: Option<i64>,
    pub note: Option<String>,
    pub tags_raw: Option<String>,
    pub source_content: Option<String>,
    pub context: Option<String>,
}

pub(crate) async fn details_of<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ids: &[i64]) -> Result<HashMap<i64, DetailRow>> {
    let mut out = HashMap::with_capacity(ids.len());
    let mut ex = ex.into();
    for chunk in ids.chunks(500) {
        let mut q = Sql::new(
            "SELECT a.id, cu.seq AS customer_seq, cu.uuid AS customer_uuid, cu.name AS customer_name, \
             cu.description AS customer_description, cu.sla AS customer_sla, cu.custom AS customer_custom, \
             a.classification_id, cl.name AS classification_name, cl.name_expanded AS classification_expanded, \
             cl.description AS classification_description, cl.created_at AS classification_created_at, a.note, \
             a.tags_raw, a.source_content, a.context FROM alerts a LEFT JOIN customers cu ON cu.id = a.customer_id \
             LEFT JOIN classifications cl ON cl.id = a.classification_id WHERE a.id IN ",
        );
        q.bind_list(chunk.iter().copied());
        let rows: Vec<DetailRow> = q.fetch_all(ex.reborrow()).await?;
        for r in rows {
            out.insert(r.id, r);
        }
    }
    Ok(out)
}

/// The detail columns of an alert.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DetailValues {
    pub source: Option<String>,
    pub source_ref: Option<String>,
    pub source_link: Option<String>,
    pub event_time: Option<i64>,
    pub customer_id: Option<i64>,
    pub classification_id: Option<i64>,
    pub note: Option<String>,
    pub tags_raw: Option<String>,
    pub source_content: Option<String>,
    pub context: Option<String>,
}

pub(crate) async fn current_details(tx: &mut Tx<'_>, id: i64) -> Result<DetailValues> {
    type Row = (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let r: Row = Sql::new(
        "SELECT source, source_ref, source_link, event_time, customer_id, classification_id, note, tags_raw, \
         source_content, context FROM alerts WHERE id = $1",
    )
    .arg(id)
    .fetch_one(tx)
    .await?;
    Ok(DetailValues {
        source: r.0,
        source_ref: r.1,
        source_link: r.2,
        event_time: r.3,
        customer_id: r.4,
        classification_id: r.5,
        note: r.6,
        tags_raw: r.7,
        source_content: r.8,
        context: r.9,
    })
}

/// Writes the detail columns (the version moves with the core columns' update).
pub(crate) async fn set_details(tx: &mut Tx<'_>, id: i64, v: &DetailValues, now: i64) -> Result<()> {
    Sql::new(
        "UPDATE alerts SET source = $2, source_ref = $3, source_link = $4, event_time = $5, customer_id = $6, \
         classification_id = $7, note = $8, tags_raw = $9, source_content = $10, context = $11, updated_at = $12 \
         WHERE id = $1",
    )
    .arg(id)
    .arg(v.source.clone())
    .arg(v.source_ref.clone())
    .arg(v.source_link.clone())
    .arg(v.event_time)
    .arg(v.customer_id)
    .arg(v.classification_id)
    .arg(v.note.clone())
    .arg(v.tags_raw.clone())
    .arg(v.source_content.clone())
    .arg(v.context.clone())
    .arg(now)
    .execute(tx)
    .await?;
    Ok(())
}

/// The internal id of a customer of the workspace, by number.
pub(crate) async fn customer_id<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64, number: i64) -> Result<Option<i64>> {
    let row: Option<(i64,)> = Sql::new("SELECT id FROM customers WHERE workspace_id = $1 AND seq = $2")
        .arg(ws)
        .arg(number)
        .fetch_optional(ex)
        .await?;
    Ok(row.map(|(id,)| id))
}

/// The canonical status of an alert state row visible in the workspace.
pub(crate) async fn state_canonical<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64, state: i64) -> Result<Option<i16>> {
    let row: Option<(i16,)> =
        Sql::new("SELECT canonical FROM alert_states WHERE id = $1 AND (workspace_id IS NULL OR workspace_id = $2)")
            .arg(state)
            .arg(ws)
            .fetch_optional(ex)
            .await?;
    Ok(row.map(|(c,)| c))
}

/// Hides an alert (tombstone) and drops its search document.
pub(crate) async fn tombstone(tx: &mut Tx<'_>, id: i64, now: i64) -> Result<()> {
    let was = counts::before(tx, Kind::Alert, id).await?;
    Sql::new("UPDATE alerts SET deleted_at = $2, updated_at = $2, version = version + 1 WHERE id = $1")
        .arg(id)
        .arg(now)
        .execute(&mut *tx)
        .await?;
    counts::after(tx, Kind::Alert, id, was).await?;
    search::delete(tx, "alert", id).await
}

/// Removes the link between a case and an alert; false when there was none.
pub(crate) async fn unlink_case(tx: &mut Tx<'_>, case_id: i64, alert_id: i64) -> Result<bool> {
    let n = Sql::new("DELETE FROM case_alerts WHERE case_id = $1 AND alert_id = $2")
        .arg(case_id)
        .arg(alert_id)
        .execute(tx)
        .await?;
    Ok(n == 1)
}

/// Case numbers each alert is linked to, oldest link first.
pub(crate) async fn case_numbers_of<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<i64>>> {
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut q = Sql::new(
        "SELECT ca.alert_id, c.seq FROM case_alerts ca JOIN cases c ON c.id = ca.case_id WHERE ca.alert_id IN ",
    );
    q.bind_list(ids.iter().copied())
        .push(" AND c.deleted_at IS NULL ORDER BY ca.alert_id, ca.linked_at, c.seq");
    let rows: Vec<(i64, i64)> = q.fetch_all(ex).await?;
    for (a, c) in rows {
        out.entry(a).or_default().push(c);
    }
    Ok(out)
}

/// Comment numbers of each alert, oldest first.
pub(crate) async fn comment_numbers_of<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<i64>>> {
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut q = Sql::new("SELECT alert_id, seq FROM comments WHERE alert_id IN ");
    q.bind_list(ids.iter().copied()).push(" ORDER BY alert_id, seq");
    let rows: Vec<(i64, i64)> = q.fetch_all(ex).await?;
    for (a, c) in rows {
        out.entry(a).or_default().push(c);
    }
    Ok(out)
}

/// An observable an alert names, with its identity and type.
#[derive(Debug, Clone, FromRow)]
pub(crate) struct ObservableRow {
    pub alert_id: i64,
    pub uuid: Uuid,
    pub observable_id: i64,
    pub observable_uuid: Uuid,
    pub type_id: i64,
    pub type_name: String,
    pub value: String,
    pub tlp: Option<i16>,
    pub description: Option<String>,
    pub tags_raw: Option<String>,
    pub is_ioc: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub creator_uuid: Option<Uuid>,
    pub creator_login: Option<String>,
    pub creator_name: Option<String>,
    pub version: i32,
}

/// The observables of each alert, in insertion order.
pub(crate) async fn observables_of<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<ObservableRow>>> {
    let mut out: HashMap<i64, Vec<ObservableRow>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut q = Sql::new(
        "SELECT l.alert_id, l.uuid, l.observable_id, o.uuid AS observable_uuid, o.type_id, t.name AS type_name, \
         o.value, l.tlp, l.description, l.tags_raw, l.is_ioc, l.created_at, l.updated_at, u.uuid AS creator_uuid, \
         u.login AS creator_login, u.name AS creator_name, l.version FROM alert_observables l \
         JOIN observables o ON o.id = l.observable_id JOIN observable_types t ON t.id = o.type_id \
         LEFT JOIN users u ON u.id = l.created_by WHERE l.alert_id IN ",
    );
    q.bind_list(ids.iter().copied()).push(" ORDER BY l.alert_id, l.id");
    let rows: Vec<ObservableRow> = q.fetch_all(ex).await?;
    for r in rows {
        out.entry(r.alert_id).or_default().push(r);
    }
    Ok(out)
}

pub(crate) async fn delete_observables(tx: &mut Tx<'_>, alert_id: i64) -> Result<()> {
    Sql::new("DELETE FROM alert_observables WHERE alert_id = $1")
        .arg(alert_id)
        .execute(tx)
        .await?;
    Ok(())
}

/// An asset an alert names, with its inventory identity and type.
#[derive(Debug, Clone, FromRow)]
pub(crate) struct AssetRow {
    pub alert_id: i64,
    pub uuid: Uuid,
    pub asset_id: i64,
    pub asset_uuid: Uuid,
    pub name: String,
    pub type_id: i64,
    pub type_name: String,
    pub description: Option<String>,
    pub domain: Option<String>,
    pub ip: Option<String>,
    pub info: Option<String>,
    pub tags_raw: Option<String>,
    pub enrichment: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub creator_uuid: Option<Uuid>,
    pub creator_login: Option<String>,
    pub creator_name: Option<String>,
}

/// The assets of each alert, in insertion order.
pub(crate) async fn assets_of<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<AssetRow>>> {
    let mut out: HashMap<i64, Vec<AssetRow>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut q = Sql::new(
        "SELECT l.alert_id, l.uuid, l.asset_id, s.uuid AS asset_uuid, s.name, s.type_id, t.name AS type_name, \
         l.description, l.domain, l.ip, l.info, l.tags_raw, l.enrichment, l.created_at, l.updated_at, \
         u.uuid AS creator_uuid, u.login AS creator_login, u.name AS creator_name FROM alert_assets l \
         JOIN assets s ON s.id = l.asset_id JOIN asset_types t ON t.id = s.type_id \
         LEFT JOIN users u ON u.id = l.created_by WHERE l.alert_id IN ",
    );
    q.bind_list(ids.iter().copied()).push(" ORDER BY l.alert_id, l.id");
    let rows: Vec<AssetRow> = q.fetch_all(ex).await?;
    for r in rows {
        out.entry(r.alert_id).or_default().push(r);
    }
    Ok(out)
}

/// What an alert says about an asset.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AssetValues {
    pub asset_id: i64,
    pub description: Option<String>,
    pub domain: Option<String>,
    pub ip: Option<String>,
    pub info: Option<String>,
    pub tags_raw: Option<String>,
    pub enrichment: Option<String>,
}

pub(crate) async fn insert_asset(
    tx: &mut Tx<'_>,
    ws: i64,
    alert_id: i64,
    v: &AssetValues,
    by: Option<i64>,
    now: i64,
) -> Result<(i64, Uuid)> {
    let uuid = crate::ids::new_uuid();
    let (id,): (i64,) = Sql::new(
        "INSERT INTO alert_assets (uuid, workspace_id, alert_id, asset_id, description, domain, ip, info, tags_raw, \
         enrichment, created_at, updated_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12) \
         RETURNING id",
    )
    .arg(uuid)
    .arg(ws)
    .arg(alert_id)
    .arg(v.asset_id)
    .arg(v.description.clone())
    .arg(v.domain.clone())
    .arg(v.ip.clone())
    .arg(v.info.clone())
    .arg(v.tags_raw.clone())
    .arg(v.enrichment.clone())
    .arg(now)
    .arg(by)
    .fetch_one(tx)
    .await?;
    Ok((id, uuid))
}

pub(crate) async fn delete_assets(tx: &mut Tx<'_>, alert_id: i64) -> Result<()> {
    Sql::new("DELETE FROM alert_assets WHERE alert_id = $1")
        .arg(alert_id)
        .execute(tx)
        .await?;
    Ok(())
}

/// Numbers of other live alerts of the workspace that name one of this alert's observables
/// (first) or assets (second).
pub(crate) async fn related<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
    alert_id: i64,
    limit: i64,
) -> Result<(Vec<i64>, Vec<i64>)> {
    let mut ex = ex.into();
    let mut q = Sql::new(
        "SELECT DISTINCT a.seq FROM alert_observables mine \
         JOIN alert_observables other ON other.observable_id = mine.observable_id AND other.alert_id <> mine.alert_id \
         JOIN alerts a ON a.id = other.alert_id \
         WHERE mine.alert_id = $1 AND a.workspace_id = $2 AND a.deleted_at IS NULL ORDER BY a.seq",
    )
    .arg(alert_id)
    .arg(ws);
    let by_obs: Vec<(i64,)> = q.limit(limit).fetch_all(ex.reborrow()).await?;
    let mut q = Sql::new(
        "SELECT DISTINCT a.seq FROM alert_assets mine \
         JOIN alert_assets other ON other.asset_id = mine.asset_id AND other.alert_id <> mine.alert_id \
         JOIN alerts a ON a.id = other.alert_id \
         WHERE mine.alert_id = $1 AND a.workspace_id = $2 AND a.deleted_at IS NULL ORDER BY a.seq",
    )
    .arg(alert_id)
    .arg(ws);
    let by_asset: Vec<(i64,)> = q.limit(limit).fetch_all(ex).await?;
    Ok((
        by_obs.into_iter().map(|(s,)| s).collect(),
        by_asset.into_iter().map(|(s,)| s).collect(),
    ))
}

/// Filters of an offset-paged alert query (IRIS `alerts/filter`), resolved to stored values.
#[derive(Debug, Clone, Default)]
pub(crate) struct QueryFilter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub source: Option<String>,
    pub tags: Option<String>,
    pub source_ref: Option<String>,
    pub state_id: Option<i64>,
    pub severity: Option<i16>,
    pub resolution: Option<i16>,
    /// `Some(None)`: unassigned alerts.
    pub owner_id: Option<Option<i64>>,
    pub customer_id: Option<i64>,
    pub classification_id: Option<i64>,
    pub numbers: Option<Vec<i64>>,
    pub case_seq: Option<i64>,
    pub asset_names: Vec<String>,
    pub observable_values: Vec<String>,
    pub created_after: Option<i64>,
    pub created_before: Option<i64>,
    pub event_after: Option<i64>,
    pub event_before: Option<i64>,
}

impl QueryFilter {
    /// The filter as a counter query when the counters can answer it (nothing but state and
    /// severity); every field is named so that a new one has to decide.
    pub fn counted(&self) -> Option<counts::CountFilter> {
        let QueryFilter {
            title,
            description,
            source,
            tags,
            source_ref,
            state_id,
            severity,
            resolution,
            owner_id,
            customer_id,
            classification_id,
            numbers,
            case_seq,
            asset_names,
            observable_values,
            created_after,
            created_before,
            event_after,
            event_before,
        } = self;
        let plain = title.is_none()
            && description.is_none()
            && source.is_none()
            && tags.is_none()
            && source_ref.is_none()
            && resolution.is_none()
            && owner_id.is_none()
            && customer_id.is_none()
            && classification_id.is_none()
            && numbers.is_none()
            && case_seq.is_none()
            && asset_names.is_empty()
            && observable_values.is_empty()
            && created_after.is_none()
            && created_before.is_none()
            && event_after.is_none()
            && event_before.is_none();
        plain.then(|| counts::CountFilter {
            status: Vec::new(),
            severity: severity.iter().copied().collect(),
            state_id: *state_id,
        })
    }
}

fn push_like(q: &mut Sql, column: &'static str, text: &str) {
    q.push(" AND lower(COALESCE(")
        .push(column)
        .push(", '')) LIKE ")
        .bind(super::observable::contains_pattern(text))
        .push(" ESCAPE '\\'");
}

fn push_query_filters(q: &mut Sql, ws: i64, f: &QueryFilter) {
    q.push(" WHERE a.workspace_id = ")
        .bind(ws)
        .push(" AND a.deleted_at IS NULL");
    if let Some(t) = &f.title {
        push_like(q, "a.title", t);
    }
    if let Some(t) = &f.description {
        push_like(q, "a.description", t);
    }
    if let Some(t) = &f.source {
        push_like(q, "a.source", t);
    }
    if let Some(t) = &f.tags {
        push_like(q, "a.tags_raw", t);
    }
    if let Some(t) = &f.source_ref {
        push_like(q, "a.source_ref", t);
    }
    if let Some(s) = f.state_id {
        q.push(" AND a.state_id = ").bind(s);
    }
    if let Some(s) = f.severity {
        q.push(" AND a.severity = ").bind(s);
    }
    if let Some(r) = f.resolution {
        q.push(" AND a.resolution = ").bind(r);
    }
    match f.owner_id {
        Some(Some(o)) => {
            q.push(" AND a.owner_id = ").bind(o);
        }
        Some(None) => {
            q.push(" AND a.owner_id IS NULL");
        }
        None => {}
    }
    if let Some(c) = f.customer_id {
        q.push(" AND a.customer_id = ").bind(c);
    }
    if let Some(c) = f.classification_id {
        q.push(" AND a.classification_id = ").bind(c);
    }
    if let Some(n) = &f.numbers {
        if n.is_empty() {
            q.push(" AND 1 = 0");
        } else {
            q.push(" AND a.seq IN ").bind_list(n.iter().copied());
        }
    }
    if let Some(c) = f.case_seq {
        q.push(" AND EXISTS (SELECT 1 FROM case_alerts ca JOIN cases c ON c.id = ca.case_id WHERE ca.alert_id = a.id AND c.seq = ")
            .bind(c)
            .push(" AND c.workspace_id = ")
            .bind(ws)
            .push(")");
    }
    if !f.asset_names.is_empty() {
        q.push(" AND EXISTS (SELECT 1 FROM alert_assets aa JOIN assets s ON s.id = aa.asset_id WHERE aa.alert_id = a.id AND s.name_lower IN ")
            .bind_list(f.asset_names.iter().map(|n| n.to_lowercase()))
            .push(")");
    }
    if !f.observable_values.is_empty() {
        q.push(" AND EXISTS (SELECT 1 FROM alert_observables ao JOIN observables o ON o.id = ao.observable_id WHERE ao.alert_id = a.id AND o.value IN ")
            .bind_list(f.observable_values.iter().cloned())
            .push(")");
    }
    if let Some(t) = f.created_after {
        q.push(" AND a.created_at >= ").bind(t);
    }
    if let Some(t) = f.created_before {
        q.push(" AND a.created_at <= ").bind(t);
    }
    if let Some(t) = f.event_after {
        q.push(" AND COALESCE(a.event_time, a.created_at) >= ").bind(t);
    }
    if let Some(t) = f.event_before {
        q.push(" AND COALESCE(a.event_time, a.created_at) <= ").bind(t);
    }
}

/// Appends the ids of one offset window of alerts by number (the order of arrival, as IRIS
/// sorts by alert id), read from the index alone: the live `(workspace_id[, state_id |
/// severity], seq, id)` indexes serve it without a sort or a row read.
fn push_query_ids(q: &mut Sql, ws: i64, f: &QueryFilter, ascending: bool, offset: i64, limit: i64) {
    q.push("SELECT a.id FROM alerts a");
    push_query_filters(q, ws, f);
    q.push(if ascending {
        " ORDER BY a.seq ASC"
    } else {
        " ORDER BY a.seq DESC"
    });
    q.limit(limit).offset(offset);
}

/// The id window alone, for plan checks.
#[cfg(test)]
pub(crate) fn query_ids_sql(ws: i64, f: &QueryFilter, ascending: bool, offset: i64, limit: i64) -> Sql {
    let mut q = Sql::new("");
    push_query_ids(&mut q, ws, f, ascending, offset, limit);
    q
}

/// One offset window: ids from the index, rows by primary key, in one statement.
pub(crate) fn query_window_sql(ws: i64, f: &QueryFilter, ascending: bool, offset: i64, limit: i64) -> Sql {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE a.id IN (");
    push_query_ids(&mut q, ws, f, ascending, offset, limit);
    q.push(")");
    q
}

/// The rows of one offset window by number, ascending or not as shown; `reversed` reads the
/// window from the other end.
pub(crate) async fn query_window<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
    f: &QueryFilter,
    ascending: bool,
    reversed: bool,
    offset: i64,
    limit: i64,
) -> Result<Vec<AlertRow>> {
    let mut rows: Vec<AlertRow> = query_window_sql(ws, f, ascending != reversed, offset, limit)
        .fetch_all(ex)
        .await?;
    rows.sort_by_key(|r| r.seq);
    if !ascending {
        rows.reverse();
    }
    Ok(rows)
}

/// The number of live alerts matching `f`: from the counters when they can answer, else
/// counted.
pub(crate) async fn query_count<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64, f: &QueryFilter) -> Result<i64> {
    if let Some(cf) = f.counted() {
        return counts::total(ex, ws, Kind::Alert, &cf).await;
    }
    let mut q = Sql::new("SELECT COUNT(*) FROM alerts a");
    push_query_filters(&mut q, ws, f);
    let (n,): (i64,) = q.fetch_one(ex).await?;
    Ok(n)
}
