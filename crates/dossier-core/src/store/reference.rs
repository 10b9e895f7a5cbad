//! Reference rows (built-in with the IRIS ids, or a workspace's own additions).

use super::{Ex, sql::Sql};
use crate::error::Result;

/// The reference tables. Built-in rows have `workspace_id IS NULL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefTable {
    ObservableType,
    AssetType,
    Classification,
    CaseState,
    AlertState,
    TaskStatus,
    AnalysisStatus,
    EventCategory,
    EvidenceType,
}

impl RefTable {
    pub(crate) fn table(self) -> &'static str {
        match self {
            RefTable::ObservableType => "observable_types",
            RefTable::AssetType => "asset_types",
            RefTable::Classification => "classifications",
            RefTable::CaseState => "case_states",
            RefTable::AlertState => "alert_states",
            RefTable::TaskStatus => "task_statuses",
            RefTable::AnalysisStatus => "analysis_statuses",
            RefTable::EventCategory => "event_categories",
            RefTable::EvidenceType => "evidence_types",
        }
    }

    fn exists_sql(self) -> &'static str {
        match self {
            RefTable::ObservableType => {
                "SELECT id FROM observable_types WHERE id = $1 AND (workspace_id IS NULL OR workspace_id = $2)"
            }
            RefTable::AssetType => {
                "SELECT id FROM asset_types WHERE id = $1 AND (workspace_id IS NULL OR workspace_id = $2)"
            }
            RefTable::Classification => {
                "SELECT id FROM classifications WHERE id = $1 AND (workspace_id IS NULL OR workspace_id = $2)"
            }
            RefTable::CaseState => {
                "SELECT id FROM case_states WHERE id = $1 AND (workspace_id IS NULL OR workspace_id = $2)"
            }
            RefTable::AlertState => {
                "SELECT id FROM alert_states WHERE id = $1 AND (workspace_id IS NULL OR workspace_id = $2)"
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
