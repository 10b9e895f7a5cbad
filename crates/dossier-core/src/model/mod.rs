//! Entities as the core hands them out, and the inputs it takes. The native API serializes
//! these directly; dialects translate them.

mod alert;
mod asset;
mod custom_field;
mod customer;
mod enums;
mod evidence;
mod note;
mod observable;
mod reference;
mod search;
mod task;
mod template;
mod timeline;
pub use alert::*;
pub use asset::*;
pub use custom_field::*;
pub use customer::*;
pub use enums::*;
pub use evidence::*;
pub use note::*;
pub use observable::*;
pub use reference::*;
pub use search::*;
pub use task::*;
pub use template::*;
pub use timeline::*;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::time::{Micros, parse_rfc3339, rfc3339};

/// A point in time: epoch microseconds inside, RFC 3339 on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub Micros);

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&rfc3339(self.0))
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_rfc3339(&s)
            .map(Timestamp)
            .ok_or_else(|| serde::de::Error::custom("expected an RFC 3339 date-time such as 2026-01-31T12:00:00Z"))
    }
}

/// For PATCH bodies: distinguishes an absent field (`None`) from an explicit `null`
/// (`Some(None)`).
pub fn double_option<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A page of a list, with the cursor of the next page.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// Total matching rows; only when the request asked for it (`count=true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
}

/// One offset page of a list (see [`crate::paging::Offset`]) and the exact number of matching
/// rows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OffsetPage<T> {
    pub items: Vec<T>,
    /// Every matching row, not only this page's.
    pub total: i64,
    /// The rows skipped before this page.
    pub offset: u64,
    /// The page size asked for.
    pub limit: u32,
}

/// A list cut to its most recent entries ("other cases holding this observable"), with how
/// many there are in all.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Capped<T> {
    /// The most recent entries, at most the cap.
    pub items: Vec<T>,
    /// How many entries exist; counted up to [`crate::paging::MAX_COUNTED`], so when
    /// `total_is_lower_bound` is true there are at least this many.
    pub total: i64,
    /// True when the count stopped at its bound.
    pub total_is_lower_bound: bool,
    /// True when more entries exist than `items` shows.
    pub truncated: bool,
}

impl<T> Default for Capped<T> {
    fn default() -> Self {
        Capped {
            items: Vec::new(),
            total: 0,
            total_is_lower_bound: false,
            truncated: false,
        }
    }
}

/// A user as other objects show it.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct UserRef {
    pub id: Uuid,
    pub login: String,
    pub name: String,
}

/// A reference row: id and name.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct NamedRef {
    pub id: i64,
    pub name: String,
}

/// A customer as a case shows it.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct CustomerRef {
    pub id: Uuid,
    pub number: i64,
    pub name: String,
}

/// One saved version of a case's summary (its description).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SummaryVersion {
    pub version: i32,
    pub content: String,
    pub author: Option<UserRef>,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
}

/// A state row (detailed status) of a case or alert.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct StateRef {
    pub id: i64,
    pub code: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Workspace {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub is_default: bool,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// The caller's role here (absent for a server administrator who is not a member).
    pub role: Option<Role>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct User {
    pub id: Uuid,
    /// The user's integer number, shown only by dialects that identify users by integer (IRIS).
    #[serde(skip)]
    #[schema(ignore)]
    pub number: i64,
    pub login: String,
    pub email: String,
    pub name: String,
    pub is_active: bool,
    pub is_superuser: bool,
    pub is_service_account: bool,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_login_at: Option<Timestamp>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Member {
    pub user: UserRef,
    pub role: Role,
    #[schema(value_type = String, format = DateTime)]
    pub since: Timestamp,
}

/// An API key as listed: never the secret.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiKey {
    pub id: Uuid,
    pub name: Option<String>,
    /// The first characters of the key, to recognise it.
    pub prefix: String,
    /// The workspace the key is bound to, if any.
    pub workspace_id: Option<Uuid>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<Timestamp>,
}

/// A newly created API key: the only time the secret is shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NewApiKey {
    #[serde(flatten)]
    pub key: ApiKey,
    pub secret: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Case {
    pub id: Uuid,
    /// Per-workspace case number (IRIS `case_id`, Tracecat `CASE-0001`).
    pub number: i64,
    pub workspace_id: Uuid,
    pub title: String,
    pub description: String,
    pub status: Status,
    pub state: StateRef,
    pub severity: Severity,
    pub priority: Priority,
    pub resolution: Option<Resolution>,
    pub tlp: Tlp,
    pub pap: Pap,
    pub tags: Vec<String>,
    pub assignee: Option<UserRef>,
    /// Who reviews the case (IRIS reviewer).
    pub reviewer: Option<UserRef>,
    /// The customer (IRIS client) the case belongs to.
    pub customer: Option<CustomerRef>,
    /// One of the 36 built-in classifications (`malicious-code:ransomware`, ...) or a workspace's own.
    pub classification: Option<NamedRef>,
    pub external_ref: Option<String>,
    pub external_link: Option<String>,
    pub closing_note: Option<String>,
    /// Custom attributes, checked against the workspace's field definitions.
    #[schema(value_type = Object)]
    pub custom: serde_json::Value,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub occurred_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub closed_at: Option<Timestamp>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    pub created_by: Option<UserRef>,
    /// Optimistic-concurrency token: send it back on update.
    pub version: i32,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCase {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    pub status: Option<Status>,
    pub severity: Option<Severity>,
    pub priority: Option<Priority>,
    pub tlp: Option<Tlp>,
    pub pap: Option<Pap>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// User id (UUID) of the assignee; must be a member of the workspace.
    pub assignee: Option<Uuid>,
    /// User id of the reviewer; must be a member of the workspace.
    pub reviewer: Option<Uuid>,
    /// Customer id (UUID) or number.
    pub customer: Option<String>,
    pub classification_id: Option<i64>,
    /// A detailed state row (e.g. 4 Containment); its canonical status becomes the case's
    /// status. Takes precedence over `status`, which must agree if both are given.
    pub state_id: Option<i64>,
    /// A case template (id or number): its tasks and note directories are created, its tags
    /// added, and its defaults used where this request gives none.
    pub template: Option<String>,
    pub external_ref: Option<String>,
    pub external_link: Option<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub occurred_at: Option<Timestamp>,
    #[schema(value_type = Option<Object>)]
    pub custom: Option<serde_json::Value>,
}

/// A partial update: absent fields stay, `null` clears a nullable field.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CasePatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub status: Option<Status>,
    pub severity: Option<Severity>,
    pub priority: Option<Priority>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Resolution>)]
    pub resolution: Option<Option<Resolution>>,
    pub tlp: Option<Tlp>,
    pub pap: Option<Pap>,
    pub tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub assignee: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub reviewer: Option<Option<Uuid>>,
    /// Customer id (UUID) or number; `null` detaches.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub customer: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub classification_id: Option<Option<i64>>,
    /// A detailed state row; its canonical status becomes the case's status.
    pub state_id: Option<i64>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub external_ref: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub external_link: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub closing_note: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub occurred_at: Option<Option<Timestamp>>,
    #[schema(value_type = Option<Object>)]
    pub custom: Option<serde_json::Value>,
    /// The version read; a stale one fails with 409. May also come as `If-Match`.
    pub version: Option<i32>,
    /// `custom` sets its keys over the stored values (inside the transaction) instead of
    /// replacing them: Tracecat's `fields`. Not part of the native API.
    #[serde(skip)]
    #[schema(ignore)]
    pub merge_custom: bool,
    /// The echo rule for a dialect that shows several severities alike (IRIS shows `fatal` as
    /// `critical`): when the stored severity is one of these, `severity` keeps it. Decided in
    /// the update's transaction against the stored row. Not part of the native API.
    #[serde(skip)]
    #[schema(ignore)]
    pub severity_alike: Vec<Severity>,
    /// The same for `resolution` (IRIS's outcome ids).
    #[serde(skip)]
    #[schema(ignore)]
    pub resolution_alike: Vec<Option<Resolution>>,
}

/// Sort keys a case list accepts; each is backed by an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseSort {
    #[default]
    CreatedAt,
    UpdatedAt,
    Number,
    Severity,
    Priority,
    Status,
}

#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub status: Vec<Status>,
    pub severity: Vec<Severity>,
    pub priority: Vec<Priority>,
    /// `Some(None)` = unassigned.
    pub assignee: Option<Option<Uuid>>,
    /// Customer id (UUID) or number.
    pub customer: Option<String>,
    /// Every tag must be present.
    pub tags: Vec<String>,
    pub q: Option<String>,
    pub created_after: Option<Micros>,
    pub created_before: Option<Micros>,
    pub sort: CaseSort,
    pub descending: bool,
    pub limit: u32,
    pub cursor: Option<String>,
    pub count: bool,
}

/// One case of a batch create: its id and number, in the order submitted.
#[derive(Debug, Clone, Copy, Serialize, ToSchema, PartialEq, Eq)]
pub struct CaseCreated {
    pub id: Uuid,
    pub number: i64,
}

/// What a comment is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    Case,
    Alert,
    CaseAsset,
    CaseObservable,
    Note,
    Task,
    Evidence,
    TimelineEvent,
}

impl TargetKind {
    pub fn ordinal(self) -> i16 {
        match self {
            TargetKind::Case => 0,
            TargetKind::Alert => 1,
            TargetKind::CaseAsset => 2,
            TargetKind::CaseObservable => 3,
            TargetKind::Note => 4,
            TargetKind::Task => 5,
            TargetKind::Evidence => 6,
            TargetKind::TimelineEvent => 7,
        }
    }

    /// The object's name in errors.
    pub fn name(self) -> &'static str {
        match self {
            TargetKind::Case => "case",
            TargetKind::Alert => "alert",
            TargetKind::CaseAsset => "asset",
            TargetKind::CaseObservable => "observable",
            TargetKind::Note => "note",
            TargetKind::Task => "task",
            TargetKind::Evidence => "evidence",
            TargetKind::TimelineEvent => "timeline event",
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Comment {
    pub id: Uuid,
    pub number: i64,
    pub content: String,
    pub author: Option<UserRef>,
    pub parent_id: Option<Uuid>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub edited_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    pub content: String,
    pub parent_id: Option<Uuid>,
}

/// One entry of the audit trail.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Activity {
    pub id: Uuid,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    pub actor: Option<UserRef>,
    /// The API the change came through.
    pub via: String,
    pub request_id: Option<String>,
    pub object_kind: String,
    pub object_id: Option<Uuid>,
    pub action: String,
    pub field: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub old: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub new: Option<serde_json::Value>,
    pub message: Option<String>,
}
