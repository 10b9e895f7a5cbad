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
    term,
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
    pub subject_email: Option<String>,
    pub subject_name: Option<String>,
    pub signal_type: Option<String>,
    pub platform_event_id: Option<String>,
    pub flagged: bool,
    pub safe: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i32,
}

const SELECT: &str = "SELECT a.id, a.uuid, a.seq, a.title, a.description, a.state_id, s.code AS state_code, \
    s.label AS state_label, a.status, a.severity, a.resolution, a.source, a.source_ref, a.source_link, \
    a.type AS alert_type, a.tlp, a.pap, a.owner_id, o.uuid AS owner_uuid, o.login AS owner_login, \
    o.name AS owner_name, a.occurrences, a.first_seen_at, a.last_seen_at, a.event_time, a.custom, \
    a.subject_email, a.subject_name, a.signal_type, a.platform_event_id, a.flagged, a.safe, a.created_at, a.updated_at, a.version \
    FROM alerts a JOIN alert_states s ON s.id = a.state_id LEFT JOIN users o ON o.id = a.owner_id";

/// A new alert's stored values: every column, so one multi-row statement stores a batch.
#[derive(Debug, Clone)]
pub(crate) struct AlertInsert {
    pub uuid: Uuid,
    pub seq: i64,
    pub title: String,
    pub description: String,
    pub state_id: i64,
    pub status: i16,
    pub severity: i16,
    pub resolution: Option<i16>,
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
    pub owner_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub classification_id: Option<i64>,
    pub note: Option<String>,
    pub tags_raw: Option<String>,
    pub source_content: Option<String>,
    pub context: Option<String>,
    pub signal: SignalValues,
}

/// The signal columns of an alert (subject person, signal kind, the platform's flags).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct SignalValues {
    pub subject_email: Option<String>,
    pub subject_name: Option<String>,
    pub signal_type: Option<String>,
    pub platform_event_id: Option<String>,
    pub flagged: Option<bool>,
    pub safe: Option<bool>,
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
    // 38 values per row: 400 rows stay under both backends' bound-parameter limits.
    for chunk in rows.chunks(400) {
        let mut q = Sql::new(
            "INSERT INTO alerts (uuid, workspace_id, seq, title, description, state_id, status, severity, resolution, \
             source, source_ref, dedup_key, occurrences, first_seen_at, last_seen_at, source_link, type, event_time, \
             tlp, pap, custom, owner_id, customer_id, classification_id, note, tags_raw, source_content, context, \
             subject_email, subject_name, signal_type, platform_event_id, flagged, safe, \
             created_at, updated_at, created_by) VALUES ",
        );
        for (i, r) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.push("(").bind(r.uuid).push(", ").bind(ws).push(", ").bind(r.seq);
            q.push(", ").bind(&r.title).push(", ").bind(&r.description);
            q.push(", ").bind(r.state_id).push(", ").bind(r.status);
            q.push(", ").bind(r.severity).push(", ").bind(r.resolution);
            q.push(", ")
                .bind(r.source.clone())
                .push(", ")
                .bind(r.source_ref.clone());
            q.push(", ").bind(r.dedup_key.clone()).push(", ").bind(r.occurrences);
            q.push(", ").bind(now).push(", ").bind(now);
            q.push(", ")
                .bind(r.source_link.clone())
                .push(", ")
                .bind(r.alert_type.clone());
            q.push(", ")
                .bind(r.event_time)
                .push(", ")
                .bind(r.tlp)
                .push(", ")
                .bind(r.pap);
            q.push(", ").bind(&r.custom).push(", ").bind(r.owner_id);
            q.push(", ").bind(r.customer_id).push(", ").bind(r.classification_id);
            q.push(", ").bind(r.note.clone()).push(", ").bind(r.tags_raw.clone());
            q.push(", ")
                .bind(r.source_content.clone())
                .push(", ")
                .bind(r.context.clone());
            q.push(", ")
                .bind(r.signal.subject_email.clone())
                .push(", ")
                .bind(r.signal.subject_name.clone());
            q.push(", ")
                .bind(r.signal.signal_type.clone())
                .push(", ")
                .bind(r.signal.platform_event_id.clone());
            q.push(", ").bind(r.signal.flagged.unwrap_or(false));
            q.push(", ").bind(r.signal.safe.unwrap_or(false));
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

/// What a repeat of an alert brings: its count and the values it refreshes.
#[derive(Debug, Clone, Default)]
pub(crate) struct RepeatValues {
    pub count: i32,
    pub title: String,
    pub description: Option<String>,
    pub severity: Option<i16>,
    pub signal: SignalValues,
}

/// A repeat of an existing alert: count it and refresh what the source says now (the title
/// always; the other fields when the repeat gives them).
pub(crate) async fn bump(tx: &mut Tx<'_>, id: i64, v: &RepeatValues, now: i64) -> Result<()> {
    let was = counts::before(tx, Kind::Alert, id).await?;
    Sql::new(
        "UPDATE alerts SET occurrences = occurrences + $2, last_seen_at = $3, updated_at = $3, title = $4, \
         description = COALESCE($5, description), severity = COALESCE($6, severity), \
         subject_email = COALESCE($7, subject_email), subject_name = COALESCE($8, subject_name), \
         signal_type = COALESCE($9, signal_type), platform_event_id = COALESCE($10, platform_event_id), \
         flagged = COALESCE($11, flagged), safe = COALESCE($12, safe), version = version + 1 WHERE id = $1",
    )
    .arg(id)
    .arg(v.count)
    .arg(now)
    .arg(v.title.clone())
    .arg(v.description.clone())
    .arg(v.severity)
    .arg(v.signal.subject_email.clone())
    .arg(v.signal.subject_name.clone())
    .arg(v.signal.signal_type.clone())
    .arg(v.signal.platform_event_id.clone())
    .arg(v.signal.flagged)
    .arg(v.signal.safe)
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

/// Marks an alert changed (its version moves).
pub(crate) async fn touch(tx: &mut Tx<'_>, id: i64, now: i64) -> Result<()> {
    Sql::new("UPDATE alerts SET updated_at = $2, version = version + 1 WHERE id = $1")
        .arg(id)
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
    pub category: Vec<String>,
    pub subject_email: Option<String>,
    pub signal_type: Option<String>,
    pub platform_event_id: Option<String>,
    pub flagged: Option<bool>,
    pub safe: Option<bool>,
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
    if let Some(v) = &f.subject_email {
        q.push(" AND a.subject_email = ").bind(v);
    }
    if let Some(v) = &f.signal_type {
        q.push(" AND a.signal_type = ").bind(v);
    }
    if let Some(v) = &f.platform_event_id {
        q.push(" AND a.platform_event_id = ").bind(v);
    }
    if let Some(v) = f.flagged {
        q.push(" AND a.flagged = ").bind(v);
    }
    if let Some(v) = f.safe {
        q.push(" AND a.safe = ").bind(v);
    }
    for (kind, names) in [(term::TAG, &f.tags), (term::CATEGORY, &f.category)] {
        for name in names {
            q.push(" AND a.id IN (SELECT at.alert_id FROM alert_terms at JOIN terms t ON t.id = at.term_id WHERE t.workspace_id = ")
                .bind(ws)
                .push(" AND t.kind = ")
                .bind(kind)
                .push(" AND lower(t.name) = ")
                .bind(name.to_lowercase())
                .push(")");
        }
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

// ---- Teams and organisations of an alert ----

/// Adds teams to alerts: `alert_owners` rows naming a team, after the assignee's position 0
/// and the teams they already have. `fresh`: the alerts are new (no rows to look at).
pub(crate) async fn add_teams(
    tx: &mut Tx<'_>,
    ws: i64,
    links: &[(i64, Vec<i64>)],
    now: i64,
    fresh: bool,
) -> Result<()> {
    let mut rows: Vec<(i64, i32, i64)> = Vec::new();
    for (alert_id, teams) in links {
        if teams.is_empty() {
            continue;
        }
        let (mut next, have) = if fresh {
            (1, Vec::new())
        } else {
            let (max,): (Option<i32>,) = Sql::new("SELECT MAX(position) FROM alert_owners WHERE alert_id = $1")
                .arg(*alert_id)
                .fetch_one(&mut *tx)
                .await?;
            let have: Vec<(i64,)> =
                Sql::new("SELECT team_id FROM alert_owners WHERE alert_id = $1 AND team_id IS NOT NULL")
                    .arg(*alert_id)
                    .fetch_all(&mut *tx)
                    .await?;
            (max.unwrap_or(0).max(0) + 1, have)
        };
        for t in teams {
            if have.iter().any(|(h,)| h == t) || rows.iter().any(|(a, _, x)| a == alert_id && x == t) {
                continue;
            }
            rows.push((*alert_id, next, *t));
            next += 1;
        }
    }
    for chunk in rows.chunks(500) {
        let mut q =
            Sql::new("INSERT INTO alert_owners (alert_id, position, workspace_id, team_id, created_at) VALUES ");
        for (i, (a, pos, t)) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.push("(").bind(*a).push(", ").bind(*pos).push(", ").bind(ws);
            q.push(", ").bind(*t).push(", ").bind(now).push(")");
        }
        q.execute(&mut *tx).await?;
    }
    Ok(())
}

/// The teams of each alert (uuid, name), in position order.
pub(crate) async fn teams_of<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<(Uuid, String)>>> {
    let mut out: HashMap<i64, Vec<(Uuid, String)>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut q = Sql::new(
        "SELECT ao.alert_id, t.uuid, t.name FROM alert_owners ao JOIN teams t ON t.id = ao.team_id WHERE ao.alert_id IN ",
    );
    q.bind_list(ids.iter().copied())
        .push(" ORDER BY ao.alert_id, ao.position");
    let rows: Vec<(i64, Uuid, String)> = q.fetch_all(ex).await?;
    for (a, u, n) in rows {
        out.entry(a).or_default().push((u, n));
    }
    Ok(out)
}

/// Shares alerts with other workspaces (`alert_shares`); a share already there is kept.
pub(crate) async fn add_shares(tx: &mut Tx<'_>, ws: i64, links: &[(i64, Vec<i64>)], now: i64) -> Result<()> {
    let rows: Vec<(i64, i64)> = links
        .iter()
        .flat_map(|(a, list)| list.iter().map(move |w| (*a, *w)))
        .collect();
    for chunk in rows.chunks(500) {
        let mut q =
            Sql::new("INSERT INTO alert_shares (alert_id, shared_workspace_id, workspace_id, created_at) VALUES ");
        for (i, (a, w)) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.push("(").bind(*a).push(", ").bind(*w).push(", ").bind(ws);
            q.push(", ").bind(now).push(")");
        }
        q.push(" ON CONFLICT DO NOTHING");
        q.execute(&mut *tx).await?;
    }
    Ok(())
}

/// The workspaces each alert is shared with (uuid, name), by name.
pub(crate) async fn shares_of<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<(Uuid, String)>>> {
    let mut out: HashMap<i64, Vec<(Uuid, String)>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut q = Sql::new(
        "SELECT s.alert_id, w.uuid, w.name FROM alert_shares s JOIN workspaces w ON w.id = s.shared_workspace_id \
         WHERE s.alert_id IN ",
    );
    q.bind_list(ids.iter().copied()).push(" ORDER BY s.alert_id, w.name");
    let rows: Vec<(i64, Uuid, String)> = q.fetch_all(ex).await?;
    for (a, u, n) in rows {
        out.entry(a).or_default().push((u, n));
    }
    Ok(out)
}

/// Assignees of several new alerts at once (position 0 of `alert_owners`).
pub(crate) async fn insert_owners(tx: &mut Tx<'_>, ws: i64, rows: &[(i64, i64)], now: i64) -> Result<()> {
    for chunk in rows.chunks(500) {
        let mut q =
            Sql::new("INSERT INTO alert_owners (alert_id, position, workspace_id, user_id, created_at) VALUES ");
        for (i, (a, u)) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.push("(").bind(*a).push(", 0, ").bind(ws);
            q.push(", ").bind(*u).push(", ").bind(now).push(")");
        }
        q.execute(&mut *tx).await?;
    }
    Ok(())
}

/// Team ids of the workspace among these uuids.
pub(crate) async fn team_ids<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
    uuids: &[Uuid],
) -> Result<HashMap<Uuid, i64>> {
    if uuids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut q = Sql::new("SELECT uuid, id FROM teams WHERE workspace_id = ");
    q.bind(ws).push(" AND uuid IN ").bind_list(uuids.iter().copied());
    let rows: Vec<(Uuid, i64)> = q.fetch_all(ex).await?;
    Ok(rows.into_iter().collect())
}

/// Workspaces among these uuids that the user belongs to (any role).
pub(crate) async fn member_workspace_ids<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    user_id: i64,
    uuids: &[Uuid],
) -> Result<HashMap<Uuid, i64>> {
    if uuids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut q = Sql::new(
        "SELECT w.uuid, w.id FROM workspaces w JOIN memberships m ON m.workspace_id = w.id WHERE m.user_id = ",
    );
    q.bind(user_id).push(" AND w.uuid IN ").bind_list(uuids.iter().copied());
    let rows: Vec<(Uuid, i64)> = q.fetch_all(ex).await?;
    Ok(rows.into_iter().collect())
}
