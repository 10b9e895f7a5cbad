//! Observables (IOCs): one identity per (workspace, type, normalized value), and what each case
//! or alert says about it on its own link.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{NamedRef, RefKey, Status, Timestamp, Tlp, UserRef, double_option};

/// A case as observables and assets show it.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct CaseBrief {
    pub id: Uuid,
    pub number: i64,
    pub title: String,
    pub status: Status,
}

/// An observable linked to a case: the identity's type and value, and the case's own details.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseObservable {
    /// The link's id (IRIS `ioc_uuid`).
    pub id: Uuid,
    /// The link's per-workspace number (IRIS `ioc_id`).
    pub number: i64,
    /// The workspace-wide identity shared by every case that links the same value.
    pub observable_id: Uuid,
    #[serde(rename = "type")]
    pub observable_type: NamedRef,
    /// The normalized value.
    pub value: String,
    pub description: Option<String>,
    pub tlp: Tlp,
    pub tags: Vec<String>,
    /// Whether this case treats the value as an indicator of compromise.
    pub is_ioc: bool,
    #[schema(value_type = Object)]
    pub custom: serde_json::Value,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    pub created_by: Option<UserRef>,
    /// Optimistic-concurrency token: send it back on update.
    pub version: i32,
}

/// The answer to adding an observable to a case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseObservableAdded {
    pub observable: CaseObservable,
    /// False when the case already had this (type, value): the existing link is returned
    /// unchanged.
    pub created: bool,
}

/// An observable linked to an alert.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AlertObservable {
    pub id: Uuid,
    pub observable_id: Uuid,
    #[serde(rename = "type")]
    pub observable_type: NamedRef,
    pub value: String,
    pub description: Option<String>,
    pub tlp: Option<Tlp>,
    pub tags: Vec<String>,
    pub is_ioc: bool,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    pub created_by: Option<UserRef>,
    pub version: i32,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AlertObservableAdded {
    pub observable: AlertObservable,
    /// False when the alert already had this (type, value).
    pub created: bool,
}

/// An observable to add to a case or an alert.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewObservable {
    /// The type's id (IRIS `ioc_type_id`, e.g. 76) or its exact name (`ip-any`).
    #[serde(rename = "type")]
    pub observable_type: RefKey,
    /// Normalized per type (lower-case domains and hashes, canonical IP text), then checked
    /// against the type's validation pattern.
    pub value: String,
    pub description: Option<String>,
    /// Default `amber` on a case; none on an alert.
    pub tlp: Option<Tlp>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Default true.
    pub is_ioc: Option<bool>,
    /// Case links only.
    #[schema(value_type = Option<Object>)]
    pub custom: Option<serde_json::Value>,
}

/// A partial update of a case's observable. Changing `type` or `value` points the link at
/// another identity.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObservablePatch {
    #[serde(rename = "type")]
    pub observable_type: Option<RefKey>,
    pub value: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    pub tlp: Option<Tlp>,
    pub tags: Option<Vec<String>>,
    pub is_ioc: Option<bool>,
    #[schema(value_type = Option<Object>)]
    pub custom: Option<serde_json::Value>,
    /// The version read; a stale one fails with 409. May also come as `If-Match`.
    pub version: Option<i32>,
}

/// Filters of a case's (or an alert's) observables.
#[derive(Debug, Clone, Default)]
pub struct LinkFilter {
    /// Type ids or exact names; any of them.
    pub types: Vec<String>,
    pub tlp: Vec<Tlp>,
    /// Every tag must be present.
    pub tags: Vec<String>,
    pub is_ioc: Option<bool>,
    /// Case-insensitive substring of the value or the description.
    pub q: Option<String>,
    pub descending: bool,
    pub limit: u32,
    pub cursor: Option<String>,
    pub count: bool,
}

/// An observable identity of the workspace.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Observable {
    pub id: Uuid,
    #[serde(rename = "type")]
    pub observable_type: NamedRef,
    pub value: String,
    /// When a case or an alert first / last linked it.
    #[schema(value_type = String, format = DateTime)]
    pub first_seen_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub last_seen_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// Cases that link it.
    pub case_count: i64,
    /// Alerts that link it.
    pub alert_count: i64,
}

#[derive(Debug, Clone, Default)]
pub struct ObservableFilter {
    /// Type ids or exact names; any of them.
    pub types: Vec<String>,
    /// Case-insensitive substring of the value (or of the type name).
    pub q: Option<String>,
    pub limit: u32,
    pub cursor: Option<String>,
    pub count: bool,
}

/// A case that links an observable, with that case's view of it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ObservableCase {
    pub case: CaseBrief,
    /// The case link's id and number.
    pub link_id: Uuid,
    pub link_number: i64,
    pub tlp: Tlp,
    pub is_ioc: bool,
    #[schema(value_type = String, format = DateTime)]
    pub linked_at: Timestamp,
}

/// A value two cases share.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct SharedObservable {
    pub observable_id: Uuid,
    #[serde(rename = "type")]
    pub observable_type: NamedRef,
    pub value: String,
}

/// Another case that shares observables with a case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RelatedCase {
    pub case: CaseBrief,
    /// How many observables the two cases share.
    pub shared_count: i64,
    /// The shared values (at most 20, oldest identity first).
    pub shared: Vec<SharedObservable>,
}

/// The same observable identity linked to another case (IRIS `link`).
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct ObservableInOtherCase {
    pub case: CaseBrief,
    /// The other case's customer name, if it has one.
    pub customer: Option<String>,
    /// The other case's link id and number.
    pub link_id: Uuid,
    pub link_number: i64,
}

/// How a writer's observable value is read. `Strict` normalizes it for its type (canonical IP
/// text, lower-case host names and hashes) and refuses one that does not parse; `AsTyped` (IRIS,
/// which checks only hash-like types) keeps a value that does not parse exactly as sent, e.g. a
/// defanged `10.0.0[.]1`. The type's validation pattern applies either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ObservableValue {
    #[default]
    Strict,
    AsTyped,
}
