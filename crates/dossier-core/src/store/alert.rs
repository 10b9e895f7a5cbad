//! Alert rows. Deduplication on (workspace, dedup key); bulk inserts as multi-row statements.

use std::collections::HashMap;

use sqlx::FromRow;
use uuid::Uuid;

use super::{
    Backend, Ex, Tx,
    case::{push_keyset, push_order},
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
    .execute(tx)
    .await?;
    Ok(())
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
    .execute(tx)
    .await?;
    Ok(n == 1)
}

pub(crate) async fn set_state(tx: &mut Tx<'_>, id: i64, state_id: i64, status: i16, now: i64) -> Result<()> {
    Sql::new("UPDATE alerts SET state_id = $2, status = $3, updated_at = $4, version = version + 1 WHERE id = $1")
        .arg(id)
        .arg(state_id)
        .arg(status)
        .arg(now)
        .execute(tx)
        .await?;
    Ok(())
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
    q.push(" LIMIT ").bind(i64::from(limit) + 1);
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
