//! Reference rows (built-in with the IRIS ids, or a workspace's own additions).

use super::{Ex, sql::Sql};
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
        "SELECT id, uuid, workspace_id, name, name_expanded, description, threat_type FROM classifications \
         WHERE workspace_id IS NULL OR workspace_id = $1 ORDER BY id",
    )
    .arg(ws)
    .fetch_all(ex)
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
