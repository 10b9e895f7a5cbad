//! Reference lists: built-in rows (the exact DFIR-IRIS ids) plus a workspace's own additions,
//! and the fixed lists (TLP, compromise status) that have no table.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Status, Timestamp, Tlp};

/// The reference lists `GET /api/v1/reference/{kind}` serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ReferenceKind {
    ObservableTypes,
    AssetTypes,
    Classifications,
    CaseStates,
    AlertStates,
    TaskStatuses,
    AnalysisStatuses,
    EventCategories,
    EvidenceTypes,
    CompromiseStatuses,
    Tlp,
}

impl ReferenceKind {
    pub const ALL: &'static [ReferenceKind] = &[
        ReferenceKind::ObservableTypes,
        ReferenceKind::AssetTypes,
        ReferenceKind::Classifications,
        ReferenceKind::CaseStates,
        ReferenceKind::AlertStates,
        ReferenceKind::TaskStatuses,
        ReferenceKind::AnalysisStatuses,
        ReferenceKind::EventCategories,
        ReferenceKind::EvidenceTypes,
        ReferenceKind::CompromiseStatuses,
        ReferenceKind::Tlp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReferenceKind::ObservableTypes => "observable-types",
            ReferenceKind::AssetTypes => "asset-types",
            ReferenceKind::Classifications => "classifications",
            ReferenceKind::CaseStates => "case-states",
            ReferenceKind::AlertStates => "alert-states",
            ReferenceKind::TaskStatuses => "task-statuses",
            ReferenceKind::AnalysisStatuses => "analysis-statuses",
            ReferenceKind::EventCategories => "event-categories",
            ReferenceKind::EvidenceTypes => "evidence-types",
            ReferenceKind::CompromiseStatuses => "compromise-statuses",
            ReferenceKind::Tlp => "tlp",
        }
    }

    pub fn parse(s: &str) -> Option<ReferenceKind> {
        Self::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    /// The accepted names, for error messages.
    pub fn names() -> String {
        Self::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
    }
}

/// An observable (IOC) type: one of the 160 built-in MISP/IRIS types or a workspace's own.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct ObservableType {
    /// IRIS `type_id` (76 = `ip-any`, 90 = `md5`, ...).
    pub id: i64,
    pub uuid: Uuid,
    pub name: String,
    pub description: String,
    pub taxonomy: String,
    /// A value must match this (case-insensitively, as a whole) to be accepted.
    pub validation_regex: Option<String>,
    /// What a valid value looks like, shown when one is refused.
    pub validation_hint: Option<String>,
    /// False for a workspace's own addition.
    pub builtin: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct AssetType {
    /// IRIS `asset_id` (9 = `Windows - Computer`, ...).
    pub id: i64,
    pub uuid: Uuid,
    pub name: String,
    pub description: String,
    pub icon_compromised: String,
    pub icon_not_compromised: String,
    pub builtin: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct ClassificationRow {
    pub id: i64,
    pub uuid: Uuid,
    /// `<predicate>:<value>`, e.g. `malicious-code:ransomware`.
    pub name: String,
    pub name_expanded: String,
    pub description: String,
    /// The insider-threat feed's `threat_type`, when it has one.
    pub threat_type: Option<String>,
    pub builtin: bool,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

/// A workspace's own case classification to add, or the changes to one (absent fields keep
/// their value).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassificationInput {
    /// `<predicate>:<value>`; unique among the classifications the workspace sees,
    /// case-insensitively.
    pub name: Option<String>,
    pub name_expanded: Option<String>,
    pub description: Option<String>,
}

/// A workspace's own observable type to add, or the changes to one.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObservableTypeInput {
    /// Unique among the types the workspace sees, case-insensitively.
    pub name: Option<String>,
    pub description: Option<String>,
    pub taxonomy: Option<String>,
    /// A value must match it as a whole; `""` removes it.
    pub validation_regex: Option<String>,
    /// `""` removes it.
    pub validation_hint: Option<String>,
}

/// A workspace's own asset type to add, or the changes to one.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetTypeInput {
    /// Unique among the types the workspace sees, case-insensitively.
    pub name: Option<String>,
    pub description: Option<String>,
    /// Icon file names; by default the question-mark icons.
    pub icon_compromised: Option<String>,
    pub icon_not_compromised: Option<String>,
}

/// A detailed state of a case or an alert.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct StateRow {
    pub id: i64,
    pub uuid: Uuid,
    pub code: String,
    pub label: String,
    pub description: String,
    /// The canonical status this state reads as.
    pub canonical: Status,
    pub color: String,
    pub protected: bool,
    pub position: i32,
    pub builtin: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct TaskStatusRow {
    pub id: i64,
    pub uuid: Uuid,
    pub name: String,
    pub description: String,
    /// IRIS bootstrap colour name (`danger`, `warning`, ...).
    pub color: String,
    /// `todo`, `in_progress`, `on_hold`, `done` or `canceled`.
    pub canonical: String,
    pub builtin: bool,
}

/// A row of a list that has only a name and a description (analysis statuses, event
/// categories, evidence types).
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct NamedRow {
    pub id: i64,
    pub uuid: Uuid,
    pub name: String,
    pub description: String,
    pub builtin: bool,
}

/// A compromise status of an asset in a case (fixed list, IRIS values 0–3).
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct CompromiseStatusRow {
    /// IRIS `value`.
    pub id: i64,
    /// The native wire name (`to_be_determined`, `compromised`, ...).
    pub code: String,
    /// IRIS `name`.
    pub name: String,
}

/// A Traffic Light Protocol level (fixed list).
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct TlpRow {
    /// IRIS `tlp_id`: 1 red, 2 amber, 3 green, 4 clear, 5 amber+strict.
    pub id: i64,
    /// The native wire value.
    pub code: Tlp,
    /// IRIS `tlp_name`.
    pub name: String,
    /// IRIS `tlp_bscolor`.
    pub color: String,
}

/// One row of a reference list; its fields depend on the list.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
#[serde(untagged)]
pub enum ReferenceRow {
    ObservableType(ObservableType),
    AssetType(AssetType),
    Classification(ClassificationRow),
    State(StateRow),
    TaskStatus(TaskStatusRow),
    Named(NamedRow),
    CompromiseStatus(CompromiseStatusRow),
    Tlp(TlpRow),
}

/// A reference list, ordered by id.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReferenceList {
    pub kind: ReferenceKind,
    pub items: Vec<ReferenceRow>,
}

/// How a request names a reference row: by its id, or by its exact name (a string holding
/// only digits is also tried as an id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum RefKey {
    Id(i64),
    Name(String),
}

impl std::fmt::Display for RefKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RefKey::Id(n) => write!(f, "{n}"),
            RefKey::Name(s) => f.write_str(s),
        }
    }
}
