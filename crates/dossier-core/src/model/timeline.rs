//! Timeline events of a case.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Timestamp, UserRef, double_option};
use crate::time::Micros;

/// An event category: the 15 IRIS ones (1 Unspecified … 15 Impact) or a workspace's own.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct EventCategoryRef {
    pub id: i64,
    pub name: String,
}

/// An asset of the case linked to an event.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct EventAssetRef {
    /// The case asset (link) id.
    pub id: Uuid,
    pub name: String,
}

/// An observable (IOC) of the case linked to an event.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct EventObservableRef {
    /// The case observable (link) id.
    pub id: Uuid,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TimelineEvent {
    pub id: Uuid,
    /// Per-workspace event number (IRIS `event_id`).
    pub number: i64,
    pub case_id: Uuid,
    /// The instant, in UTC.
    #[schema(value_type = String, format = DateTime)]
    pub occurred_at: Timestamp,
    /// The offset the time was given in, `+HH:MM`.
    pub tz: String,
    /// The same instant as wall time in `tz` (`2026-01-02T10:00:00.000000+02:00`).
    pub occurred_at_local: String,
    pub title: String,
    pub content: Option<String>,
    /// Raw data (a log line, a JSON record).
    pub raw: Option<String>,
    pub source: Option<String>,
    pub category: EventCategoryRef,
    /// `#RRGGBB`, or `""`.
    pub color: String,
    pub tags: Vec<String>,
    pub in_summary: bool,
    pub in_graph: bool,
    pub flagged: bool,
    /// Another event of the same case.
    pub parent_id: Option<Uuid>,
    /// Ordered by name.
    pub assets: Vec<EventAssetRef>,
    /// Ordered by value.
    pub observables: Vec<EventObservableRef>,
    #[schema(value_type = Object)]
    pub custom: serde_json::Value,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    pub created_by: Option<UserRef>,
    pub version: i32,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTimelineEvent {
    /// RFC 3339 with an offset (`2026-01-02T10:00:00+02:00`); the offset is kept as `tz`.
    pub occurred_at: String,
    pub title: String,
    pub content: Option<String>,
    pub raw: Option<String>,
    pub source: Option<String>,
    /// An event category id (default 1, Unspecified).
    pub category_id: Option<i64>,
    /// `#RRGGBB` or `""` (default).
    pub color: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub in_summary: bool,
    /// Default true.
    pub in_graph: Option<bool>,
    #[serde(default)]
    pub flagged: bool,
    /// Another event of the same case.
    pub parent_id: Option<Uuid>,
    /// Case asset (link) ids of the same case.
    #[serde(default)]
    pub assets: Vec<Uuid>,
    /// Case observable (link) ids of the same case.
    #[serde(default)]
    pub observables: Vec<Uuid>,
    #[schema(value_type = Option<Object>)]
    pub custom: Option<serde_json::Value>,
}

/// A partial update: absent fields stay, `null` clears a nullable field; lists replace.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimelineEventPatch {
    pub occurred_at: Option<String>,
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub content: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub raw: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub source: Option<Option<String>>,
    pub category_id: Option<i64>,
    pub color: Option<String>,
    pub tags: Option<Vec<String>>,
    pub in_summary: Option<bool>,
    pub in_graph: Option<bool>,
    pub flagged: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub parent_id: Option<Option<Uuid>>,
    pub assets: Option<Vec<Uuid>>,
    pub observables: Option<Vec<Uuid>>,
    #[schema(value_type = Option<Object>)]
    pub custom: Option<serde_json::Value>,
    pub version: Option<i32>,
}

#[derive(Debug, Clone, Default)]
pub struct TimelineFilter {
    /// Category ids; any of them.
    pub category: Vec<i64>,
    /// Every tag must be present.
    pub tags: Vec<String>,
    /// `occurred_at >= from`.
    pub from: Option<Micros>,
    /// `occurred_at < to`.
    pub to: Option<Micros>,
    /// Events linked to this case asset.
    pub asset: Option<Uuid>,
    /// Events linked to this case observable.
    pub observable: Option<Uuid>,
    /// Case-insensitive substring of title, content, source or raw.
    pub q: Option<String>,
    pub in_summary: Option<bool>,
    pub descending: bool,
    pub limit: u32,
    pub cursor: Option<String>,
    pub count: bool,
}
