//! Reference rows (built-in with the IRIS ids, or a workspace's own additions).

use uuid::Uuid;

use super::{Ex, Tx, sql::Sql};
use crate::error::Result;

/// The reference tables. Built-in rows have `workspace_id IS NULL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefTable {
    Classification,
    TaskStatus,
    AnalysisStatus,
    EventCategory,
    EvidenceType,
}

impl RefTable {
    fn exists_sql(self) -> &'static str {
        match self {
            RefTable::Classification => {
                "SELECT id FROM classifications WHERE id = $1 AND (workspace_id IS NULL OR workspace_id = $2)"
            }
            RefTable::TaskStatus => {
                "SELECT id FROM task_statuses WHERE id = $1 AND (workspace_id IS NULL OR workspace_id = $2)"
            }
            RefTable::AnalysisStatus => {
                "SELECT id FROM analysis_statuses WHERE id = $1 AND (workspace_id IS NULL OR workspace_id = $2)"
            }
            RefTable::EventCategory => {
                "SELECT id FROM event_categories WHERE id = $1 AND (workspace_id IS NULL OR workspace_id = $2)"
            }
            RefTable::EvidenceType => {
                "SELECT id FROM evidence_types WHERE id = $1 AND (workspace_id IS NULL OR workspace_id = $2)"
            }
        }
    }
}

/// Whether reference row `id` of `table` is visible in workspace `ws`.
pub(crate) async fn exists<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, table: RefTable, ws: i64, id: i64) -> Result<bool> {
    let row: Option<(i64,)> = Sql::new(table.exists_sql()).arg(id).arg(ws).fetch_optional(ex).await?;
    Ok(row.is_some())
}

// ---- Lists and lookups (observables, assets, the reference route) ----

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ObservableTypeRow {
    pub id: i64,
    pub uuid: uuid::Uuid,
    pub workspace_id: Option<i64>,
    pub name: String,
    pub description: String,
    pub taxonomy: String,
    pub validation_regex: Option<String>,
    pub validation_hint: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct AssetTypeRow {
    pub id: i64,
    pub uuid: uuid::Uuid,
    pub workspace_id: Option<i64>,
    pub name: String,
    pub description: String,
    pub icon_compromised: String,
    pub icon_not_compromised: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ClassificationRefRow {
    pub id: i64,
    pub uuid: uuid::Uuid,
    pub workspace_id: Option<i64>,
    pub name: String,
    pub name_expanded: String,
    pub description: String,
    pub threat_type: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct StateRefRow {
    pub id: i64,
    pub uuid: uuid::Uuid,
    pub workspace_id: Option<i64>,
    pub code: String,
    pub label: String,
    pub description: String,
    pub canonical: i16,
    pub color: String,
    pub protected: bool,
    pub position: i32,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct TaskStatusRefRow {
    pub id: i64,
    pub uuid: uuid::Uuid,
    pub workspace_id: Option<i64>,
    pub name: String,
    pub description: String,
    pub color: String,
    pub canonical: i16,
}

/// A row of analysis_statuses, event_categories or evidence_types.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct NamedRefRow {
    pub id: i64,
    pub uuid: uuid::Uuid,
    pub workspace_id: Option<i64>,
    pub name: String,
    pub description: String,
}

const OBSERVABLE_TYPE_COLS: &str = "SELECT id, uuid, workspace_id, name, description, taxonomy, validation_regex, \
    validation_hint FROM observable_types WHERE (workspace_id IS NULL OR workspace_id = $1)";
const ASSET_TYPE_COLS: &str = "SELECT id, uuid, workspace_id, name, description, icon_compromised, \
    icon_not_compromised FROM asset_types WHERE (workspace_id IS NULL OR workspace_id = $1)";

/// The observable types visible in a workspace, by id.
pub(crate) async fn observable_types<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64) -> Result<Vec<ObservableTypeRow>> {
    let mut q = Sql::new(OBSERVABLE_TYPE_COLS).arg(ws);
    q.push(" ORDER BY id");
    q.fetch_all(ex).await
}

/// One observable type visible in a workspace, by id.
pub(crate) async fn observable_type_by_id<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
    id: i64,
) -> Result<Option<ObservableTypeRow>> {
    let mut q = Sql::new(OBSERVABLE_TYPE_COLS).arg(ws);
    q.push(" AND id = ").bind(id);
    q.fetch_optional(ex).await
}

/// One observable type visible in a workspace, by exact (case-sensitive) name; a built-in
/// type wins over a workspace's own of the same name.
pub(crate) async fn observable_type_by_name<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
    name: &str,
) -> Result<Option<ObservableTypeRow>> {
    let mut q = Sql::new(OBSERVABLE_TYPE_COLS).arg(ws);
    q.push(" AND name = ").bind(name).push(" ORDER BY id LIMIT 1");
    q.fetch_optional(ex).await
}

pub(crate) async fn asset_types<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64) -> Result<Vec<AssetTypeRow>> {
    let mut q = Sql::new(ASSET_TYPE_COLS).arg(ws);
    q.push(" ORDER BY id");
    q.fetch_all(ex).await
}

pub(crate) async fn asset_type_by_id<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
    id: i64,
) -> Result<Option<AssetTypeRow>> {
    let mut q = Sql::new(ASSET_TYPE_COLS).arg(ws);
    q.push(" AND id = ").bind(id);
    q.fetch_optional(ex).await
}

pub(crate) async fn asset_type_by_name<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
    name: &str,
) -> Result<Option<AssetTypeRow>> {
    let mut q = Sql::new(ASSET_TYPE_COLS).arg(ws);
    q.push(" AND name = ").bind(name).push(" ORDER BY id LIMIT 1");
    q.fetch_optional(ex).await
}

pub(crate) async fn classifications<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
) -> Result<Vec<ClassificationRefRow>> {
    Sql::new(
        "SELECT id, uuid, workspace_id, name, name_expanded, description, threat_type, created_at FROM classifications \
         WHERE workspace_id IS NULL OR workspace_id = $1 ORDER BY id",
    )
    .arg(ws)
    .fetch_all(ex)
    .await
}

/// One classification visible in a workspace, by id.
pub(crate) async fn classification_by_id<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
    id: i64,
) -> Result<Option<ClassificationRefRow>> {
    Sql::new(
        "SELECT id, uuid, workspace_id, name, name_expanded, description, threat_type, created_at FROM classifications \
         WHERE id = $1 AND (workspace_id IS NULL OR workspace_id = $2)",
    )
    .arg(id)
    .arg(ws)
    .fetch_optional(ex)
    .await
}

/// Case states (`alert = false`) or alert states.
pub(crate) async fn states<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64, alert: bool) -> Result<Vec<StateRefRow>> {
    let sql = if alert {
        "SELECT id, uuid, workspace_id, code, label, description, canonical, color, protected, position \
         FROM alert_states WHERE workspace_id IS NULL OR workspace_id = $1 ORDER BY id"
    } else {
        "SELECT id, uuid, workspace_id, code, label, description, canonical, color, protected, position \
         FROM case_states WHERE workspace_id IS NULL OR workspace_id = $1 ORDER BY id"
    };
    Sql::new(sql).arg(ws).fetch_all(ex).await
}

pub(crate) async fn task_statuses<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64) -> Result<Vec<TaskStatusRefRow>> {
    Sql::new(
        "SELECT id, uuid, workspace_id, name, description, color, canonical FROM task_statuses \
         WHERE workspace_id IS NULL OR workspace_id = $1 ORDER BY id",
    )
    .arg(ws)
    .fetch_all(ex)
    .await
}

/// Rows of a name-and-description table: analysis statuses, event categories or evidence
/// types (any other table is a programming error and lists nothing).
pub(crate) async fn named_rows<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    table: RefTable,
    ws: i64,
) -> Result<Vec<NamedRefRow>> {
    let sql = match table {
        RefTable::AnalysisStatus => {
            "SELECT id, uuid, workspace_id, name, description FROM analysis_statuses \
             WHERE workspace_id IS NULL OR workspace_id = $1 ORDER BY id"
        }
        RefTable::EventCategory => {
            "SELECT id, uuid, workspace_id, name, description FROM event_categories \
             WHERE workspace_id IS NULL OR workspace_id = $1 ORDER BY id"
        }
        RefTable::EvidenceType => {
            "SELECT id, uuid, workspace_id, name, description FROM evidence_types \
             WHERE workspace_id IS NULL OR workspace_id = $1 ORDER BY id"
        }
        _ => return Ok(Vec::new()),
    };
    Sql::new(sql).arg(ws).fetch_all(ex).await
}

// ---- A workspace's own rows (classifications, observable types, asset types) ----

/// The lists a workspace may add its own rows to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OwnTable {
    Classification,
    ObservableType,
    AssetType,
}

/// The writable columns of a workspace's own row; `extra` holds the list's other columns:
/// classification `[name_expanded]`, observable type `[taxonomy, validation_regex,
/// validation_hint]`, asset type `[icon_compromised, icon_not_compromised]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OwnValues {
    pub name: String,
    pub description: String,
    pub extra: Vec<Option<String>>,
}

/// The visibility and identity of a row: `(workspace_id, uuid)`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct OwnRowHead {
    pub workspace_id: Option<i64>,
    pub uuid: Uuid,
}

/// Row `id` of `table` if workspace `ws` sees it (built-in or its own).
pub(crate) async fn own_row_head<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    table: OwnTable,
    ws: i64,
    id: i64,
) -> Result<Option<OwnRowHead>> {
    let sql = match table {
        OwnTable::Classification => {
            "SELECT workspace_id, uuid FROM classifications WHERE id = $1 AND (workspace_id IS NULL OR workspace_id = $2)"
        }
        OwnTable::ObservableType => {
            "SELECT workspace_id, uuid FROM observable_types WHERE id = $1 AND (workspace_id IS NULL OR workspace_id = $2)"
        }
        OwnTable::AssetType => {
            "SELECT workspace_id, uuid FROM asset_types WHERE id = $1 AND (workspace_id IS NULL OR workspace_id = $2)"
        }
    };
    Sql::new(sql).arg(id).arg(ws).fetch_optional(ex).await
}

/// Whether a row visible in `ws` other than `except` has `name`, case-insensitively.
pub(crate) async fn own_name_taken(
    tx: &mut Tx<'_>,
    table: OwnTable,
    ws: i64,
    name: &str,
    except: Option<i64>,
) -> Result<bool> {
    let sql = match table {
        OwnTable::Classification => {
            "SELECT id FROM classifications WHERE (workspace_id IS NULL OR workspace_id = $1) \
             AND lower(name) = lower($2) AND id <> $3 LIMIT 1"
        }
        OwnTable::ObservableType => {
            "SELECT id FROM observable_types WHERE (workspace_id IS NULL OR workspace_id = $1) \
             AND lower(name) = lower($2) AND id <> $3 LIMIT 1"
        }
        OwnTable::AssetType => {
            "SELECT id FROM asset_types WHERE (workspace_id IS NULL OR workspace_id = $1) \
             AND lower(name) = lower($2) AND id <> $3 LIMIT 1"
        }
    };
    let row: Option<(i64,)> = Sql::new(sql)
        .arg(ws)
        .arg(name)
        .arg(except.unwrap_or(0))
        .fetch_optional(tx)
        .await?;
    Ok(row.is_some())
}

fn extra(v: &OwnValues, i: usize) -> Option<String> {
    v.extra.get(i).cloned().flatten()
}

/// Adds a workspace's own row; returns (id, uuid).
pub(crate) async fn insert_own(
    tx: &mut Tx<'_>,
    table: OwnTable,
    ws: i64,
    v: &OwnValues,
    by: Option<i64>,
    now: i64,
) -> Result<(i64, Uuid)> {
    let uuid = crate::ids::new_uuid();
    let q = match table {
        OwnTable::Classification => Sql::new(
            "INSERT INTO classifications (uuid, workspace_id, name, name_expanded, description, created_at, updated_at, \
             created_by) VALUES ($1, $2, $3, $4, $5, $6, $6, $7) RETURNING id",
        )
        .arg(uuid)
        .arg(ws)
        .arg(&v.name)
        .arg(extra(v, 0).unwrap_or_default())
        .arg(&v.description)
        .arg(now)
        .arg(by),
        OwnTable::ObservableType => Sql::new(
            "INSERT INTO observable_types (uuid, workspace_id, name, description, taxonomy, validation_regex, \
             validation_hint, created_at, updated_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) \
             RETURNING id",
        )
        .arg(uuid)
        .arg(ws)
        .arg(&v.name)
        .arg(&v.description)
        .arg(extra(v, 0).unwrap_or_default())
        .arg(extra(v, 1))
        .arg(extra(v, 2))
        .arg(now)
        .arg(by),
        OwnTable::AssetType => Sql::new(
            "INSERT INTO asset_types (uuid, workspace_id, name, description, icon_compromised, icon_not_compromised, \
             created_at, updated_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) RETURNING id",
        )
        .arg(uuid)
        .arg(ws)
        .arg(&v.name)
        .arg(&v.description)
        .arg(extra(v, 0).unwrap_or_default())
        .arg(extra(v, 1).unwrap_or_default())
        .arg(now)
        .arg(by),
    };
    let (id,): (i64,) = q.fetch_one(tx).await?;
    Ok((id, uuid))
}

/// The current values of a workspace's own row.
pub(crate) async fn own_values(tx: &mut Tx<'_>, table: OwnTable, id: i64) -> Result<Option<OwnValues>> {
    type Row = (String, String, Option<String>, Option<String>, Option<String>);
    let sql = match table {
        OwnTable::Classification => {
            "SELECT name, description, name_expanded, NULL AS b, NULL AS c FROM classifications WHERE id = $1"
        }
        OwnTable::ObservableType => {
            "SELECT name, description, taxonomy, validation_regex, validation_hint FROM observable_types WHERE id = $1"
        }
        OwnTable::AssetType => {
            "SELECT name, description, icon_compromised, icon_not_compromised, NULL AS c FROM asset_types WHERE id = $1"
        }
    };
    let row: Option<Row> = Sql::new(sql).arg(id).fetch_optional(tx).await?;
    Ok(row.map(|(name, description, a, b, c)| {
        let extra = match table {
            OwnTable::Classification => vec![a],
            OwnTable::ObservableType => vec![a, b, c],
            OwnTable::AssetType => vec![a, b],
        };
        OwnValues {
            name,
            description,
            extra,
        }
    }))
}

/// Writes new values to a workspace's own row.
pub(crate) async fn update_own(tx: &mut Tx<'_>, table: OwnTable, id: i64, v: &OwnValues, now: i64) -> Result<()> {
    let q = match table {
        OwnTable::Classification => Sql::new(
            "UPDATE classifications SET name = $2, name_expanded = $3, description = $4, updated_at = $5, \
             version = version + 1 WHERE id = $1",
        )
        .arg(id)
        .arg(&v.name)
        .arg(extra(v, 0).unwrap_or_default())
        .arg(&v.description)
        .arg(now),
        OwnTable::ObservableType => Sql::new(
            "UPDATE observable_types SET name = $2, description = $3, taxonomy = $4, validation_regex = $5, \
             validation_hint = $6, updated_at = $7, version = version + 1 WHERE id = $1",
        )
        .arg(id)
        .arg(&v.name)
        .arg(&v.description)
        .arg(extra(v, 0).unwrap_or_default())
        .arg(extra(v, 1))
        .arg(extra(v, 2))
        .arg(now),
        OwnTable::AssetType => Sql::new(
            "UPDATE asset_types SET name = $2, description = $3, icon_compromised = $4, icon_not_compromised = $5, \
             updated_at = $6, version = version + 1 WHERE id = $1",
        )
        .arg(id)
        .arg(&v.name)
        .arg(&v.description)
        .arg(extra(v, 0).unwrap_or_default())
        .arg(extra(v, 1).unwrap_or_default())
        .arg(now),
    };
    q.execute(tx).await?;
    Ok(())
}

/// How many rows use a workspace's own row (cases and alerts for a classification,
/// observables for an observable type, assets for an asset type).
pub(crate) async fn own_references(tx: &mut Tx<'_>, table: OwnTable, id: i64) -> Result<i64> {
    let sql = match table {
        OwnTable::Classification => {
            "SELECT (SELECT COUNT(*) FROM cases WHERE classification_id = $1) \
             + (SELECT COUNT(*) FROM alerts WHERE classification_id = $1)"
        }
        OwnTable::ObservableType => "SELECT COUNT(*) FROM observables WHERE type_id = $1",
        OwnTable::AssetType => "SELECT COUNT(*) FROM assets WHERE type_id = $1",
    };
    let (n,): (i64,) = Sql::new(sql).arg(id).fetch_one(tx).await?;
    Ok(n)
}

pub(crate) async fn delete_own(tx: &mut Tx<'_>, table: OwnTable, id: i64) -> Result<()> {
    let sql = match table {
        OwnTable::Classification => "DELETE FROM classifications WHERE id = $1",
        OwnTable::ObservableType => "DELETE FROM observable_types WHERE id = $1",
        OwnTable::AssetType => "DELETE FROM asset_types WHERE id = $1",
    };
    Sql::new(sql).arg(id).execute(tx).await?;
    Ok(())
}
