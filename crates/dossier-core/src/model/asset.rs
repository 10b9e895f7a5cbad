//! Assets: one inventory identity per (workspace, type, lower-cased name), and what each case
//! says about it on its own link.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{CaseBrief, NamedRef, RefKey, Timestamp, UserRef, double_option};

/// Whether an asset was compromised (IRIS `asset_compromise_status_id` 0–3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CompromiseStatus {
    #[default]
    ToBeDetermined,
    Compromised,
    NotCompromised,
    Unknown,
}

impl CompromiseStatus {
    pub const ALL: &'static [CompromiseStatus] = &[
        CompromiseStatus::ToBeDetermined,
        CompromiseStatus::Compromised,
        CompromiseStatus::NotCompromised,
        CompromiseStatus::Unknown,
    ];

    /// The stored value, equal to the IRIS id.
    pub fn ordinal(self) -> i16 {
        match self {
            CompromiseStatus::ToBeDetermined => 0,
            CompromiseStatus::Compromised => 1,
            CompromiseStatus::NotCompromised => 2,
            CompromiseStatus::Unknown => 3,
        }
    }
    pub fn from_ordinal(v: i16) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.ordinal() == v)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            CompromiseStatus::ToBeDetermined => "to_be_determined",
            CompromiseStatus::Compromised => "compromised",
            CompromiseStatus::NotCompromised => "not_compromised",
            CompromiseStatus::Unknown => "unknown",
        }
    }
    /// The IRIS display name.
    pub fn label(self) -> &'static str {
        match self {
            CompromiseStatus::ToBeDetermined => "To be determined",
            CompromiseStatus::Compromised => "Compromised",
            CompromiseStatus::NotCompromised => "Not compromised",
            CompromiseStatus::Unknown => "Unknown",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.as_str() == s)
    }
    pub fn names() -> String {
        Self::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
    }
}

/// How a request names an object of a case: its number or its UUID.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum LinkKey {
    Number(i64),
    Id(String),
}

/// An observable of the same case that an asset is linked to.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct AssetObservableRef {
    /// The case observable's link id and number.
    pub id: Uuid,
    pub number: i64,
    #[serde(rename = "type")]
    pub observable_type: NamedRef,
    pub value: String,
}

/// An asset in a case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseAsset {
    /// The link's id (IRIS `asset_uuid`).
    pub id: Uuid,
    /// The link's per-workspace number (IRIS `asset_id`).
    pub number: i64,
    /// The workspace-wide inventory identity.
    pub asset_id: Uuid,
    pub name: String,
    #[serde(rename = "type")]
    pub asset_type: NamedRef,
    pub description: Option<String>,
    pub domain: Option<String>,
    /// Canonical IP text.
    pub ip: Option<String>,
    pub info: Option<String>,
    pub tags: Vec<String>,
    pub compromise_status: CompromiseStatus,
    pub analysis_status: NamedRef,
    #[schema(value_type = Object)]
    pub custom: serde_json::Value,
    /// The case's observables linked to this asset (IRIS `ioc_links`), by number.
    pub observables: Vec<AssetObservableRef>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    pub created_by: Option<UserRef>,
    pub version: i32,
}

/// An asset to add to a case.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCaseAsset {
    pub name: String,
    /// Asset type id (IRIS `asset_type_id`, e.g. 9) or exact name (`Windows - Computer`).
    #[serde(rename = "type")]
    pub asset_type: RefKey,
    pub description: Option<String>,
    pub domain: Option<String>,
    /// An IPv4 or IPv6 address; stored in canonical form.
    pub ip: Option<String>,
    pub info: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Default `to_be_determined`.
    pub compromise_status: Option<CompromiseStatus>,
    /// 1–6 built in (1 Unspecified, the default); or a workspace's own.
    pub analysis_status_id: Option<i64>,
    #[schema(value_type = Option<Object>)]
    pub custom: Option<serde_json::Value>,
    /// Observables of the same case (number or link id) to link the asset to.
    #[serde(default)]
    pub observables: Vec<LinkKey>,
}

/// A partial update of a case's asset. Changing `name` or `type` points the link at another
/// inventory identity.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseAssetPatch {
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub asset_type: Option<RefKey>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub domain: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub ip: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub info: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    pub compromise_status: Option<CompromiseStatus>,
    pub analysis_status_id: Option<i64>,
    #[schema(value_type = Option<Object>)]
    pub custom: Option<serde_json::Value>,
    /// Replaces the linked observables.
    pub observables: Option<Vec<LinkKey>>,
    pub version: Option<i32>,
}

/// Filters of a case's assets.
#[derive(Debug, Clone, Default)]
pub struct CaseAssetFilter {
    /// Type ids or exact names; any of them.
    pub types: Vec<String>,
    pub compromise_status: Vec<CompromiseStatus>,
    pub analysis_status: Vec<i64>,
    /// Every tag must be present.
    pub tags: Vec<String>,
    /// Case-insensitive substring of the name, description, domain or IP.
    pub q: Option<String>,
    pub descending: bool,
    pub limit: u32,
    pub cursor: Option<String>,
    pub count: bool,
}

/// An asset of the workspace's inventory.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Asset {
    pub id: Uuid,
    pub name: String,
    #[serde(rename = "type")]
    pub asset_type: NamedRef,
    pub description: Option<String>,
    /// Cases that hold it.
    pub case_count: i64,
    /// Whether some case marks it compromised.
    pub compromised: bool,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Default)]
pub struct AssetFilter {
    pub types: Vec<String>,
    /// Case-insensitive substring of the name.
    pub q: Option<String>,
    /// `true`: compromised in some case; `false`: in none.
    pub compromised: Option<bool>,
    pub limit: u32,
    pub cursor: Option<String>,
    pub count: bool,
}

/// A case that holds an asset, with that case's view of it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssetCase {
    pub case: CaseBrief,
    pub link_id: Uuid,
    pub link_number: i64,
    pub compromise_status: CompromiseStatus,
    pub analysis_status: NamedRef,
    #[schema(value_type = String, format = DateTime)]
    pub linked_at: Timestamp,
}

/// How a writer's asset `ip` is read. A value that is one address is stored canonically either
/// way; `FreeText` (IRIS, where the field is plain text) keeps anything else as typed instead of
/// refusing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AssetIp {
    #[default]
    Address,
    FreeText,
}

/// The same inventory asset in another case of the same customer (IRIS `link`).
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct AssetInOtherCase {
    pub case: CaseBrief,
    #[schema(value_type = String, format = DateTime)]
    pub case_created_at: Timestamp,
    /// The other case's link id and number.
    pub link_id: Uuid,
    pub link_number: i64,
    pub description: Option<String>,
    pub compromise_status: CompromiseStatus,
}
