//! Alerts as the core hands them out and the inputs it takes: one model for every API (the
//! native API, IRIS, and the signal fields the insider-threat feed and CaseBender need).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    AlertObservable, NewObservable, Pap, Resolution, Severity, StateRef, Status, Timestamp, Tlp, UserRef, double_option,
};
use crate::time::Micros;

/// A team or an organisation (workspace) an alert names: its id and name.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct EntityRef {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Alert {
    pub id: Uuid,
    /// Per-workspace alert number (IRIS `alert_id`, CaseBender `tinyId`).
    pub number: i64,
    pub workspace_id: Uuid,
    pub title: String,
    pub description: String,
    pub status: Status,
    pub state: StateRef,
    pub severity: Severity,
    pub resolution: Option<Resolution>,
    pub source: Option<String>,
    pub source_ref: Option<String>,
    pub source_link: Option<String>,
    #[serde(rename = "type")]
    pub alert_type: Option<String>,
    pub tlp: Option<Tlp>,
    pub pap: Option<Pap>,
    pub tags: Vec<String>,
    pub assignee: Option<UserRef>,
    /// The person the alert is about (the insider-threat feed's `user_email`), lower-case.
    pub subject_email: Option<String>,
    /// The person the alert is about (the feed's `user_name`).
    pub subject_name: Option<String>,
    /// The kind of signal, e.g. `core_iam`.
    pub signal_type: Option<String>,
    /// Signal categories, in the order given.
    pub category: Vec<String>,
    /// Signal subcategories, in the order given.
    pub subcategory: Vec<String>,
    /// The event's id in the platform that raised it.
    pub platform_event_id: Option<String>,
    /// The source flagged the signal.
    pub flagged: bool,
    /// The source judged the signal benign.
    pub safe: bool,
    /// Teams the alert is assigned to (CaseBender `teams`).
    pub teams: Vec<EntityRef>,
    /// Other workspaces the alert is shared with (CaseBender `organizations`).
    pub organizations: Vec<EntityRef>,
    /// What the alert says about observables, in the order added.
    pub observables: Vec<AlertObservable>,
    /// How many times this alert was received (deduplicated on source + source_ref).
    pub occurrences: i32,
    #[schema(value_type = String, format = DateTime)]
    pub first_seen_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub last_seen_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub event_time: Option<Timestamp>,
    /// Custom field values (validated against the workspace's alert field definitions).
    #[schema(value_type = Object)]
    pub custom: serde_json::Value,
    /// Ids of the cases this alert was promoted to or merged into, oldest link first.
    pub cases: Vec<Uuid>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    pub version: i32,
}

/// An alert received from a source. With `source_ref`, (workspace, `source`, `source_ref`) is
/// its identity: a repeat updates the stored alert (title; description, severity and signal
/// fields when given; tags, categories, teams, organisations and observables added) and counts
/// it in `occurrences`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAlert {
    pub title: String,
    pub description: Option<String>,
    pub status: Option<Status>,
    pub severity: Option<Severity>,
    pub source: Option<String>,
    /// With `source`, the deduplication key: a repeat updates the alert and counts it.
    pub source_ref: Option<String>,
    pub source_link: Option<String>,
    #[serde(rename = "type")]
    pub alert_type: Option<String>,
    pub tlp: Option<Tlp>,
    pub pap: Option<Pap>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub event_time: Option<Timestamp>,
    /// How many occurrences this submission stands for (default 1).
    pub count: Option<i32>,
    #[schema(value_type = Option<Object>)]
    pub custom: Option<serde_json::Value>,
    /// An e-mail address; stored lower-case.
    pub subject_email: Option<String>,
    pub subject_name: Option<String>,
    pub signal_type: Option<String>,
    #[serde(default)]
    pub category: Vec<String>,
    #[serde(default)]
    pub subcategory: Vec<String>,
    pub platform_event_id: Option<String>,
    /// Default false.
    pub flagged: Option<bool>,
    /// Default false.
    pub safe: Option<bool>,
    /// Ids of teams of the workspace.
    #[serde(default)]
    pub teams: Vec<Uuid>,
    /// Ids of other workspaces the caller belongs to, to share the alert with.
    #[serde(default)]
    pub organizations: Vec<Uuid>,
    /// Observables the alert names, linked in the same transaction.
    #[serde(default)]
    pub observables: Vec<NewObservable>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub status: Option<Status>,
    pub severity: Option<Severity>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Resolution>)]
    pub resolution: Option<Option<Resolution>>,
    pub tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub assignee: Option<Option<Uuid>>,
    #[schema(value_type = Option<Object>)]
    pub custom: Option<serde_json::Value>,
    pub version: Option<i32>,
}

/// Outcome of creating one alert.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AlertIngest {
    pub alert: Alert,
    /// False when the alert was a repeat of an existing one (its `occurrences` grew).
    pub created: bool,
}

/// Outcome of a batch: one entry per submitted alert, in order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BatchResult {
    pub created: u32,
    pub deduplicated: u32,
    pub items: Vec<BatchItem>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BatchItem {
    pub id: Uuid,
    pub number: i64,
    pub created: bool,
}

#[derive(Debug, Clone, Default)]
pub struct AlertFilter {
    pub status: Vec<Status>,
    pub severity: Vec<Severity>,
    pub source: Option<String>,
    pub tags: Vec<String>,
    /// Alerts holding every one of these categories.
    pub category: Vec<String>,
    /// Exact, case-insensitive.
    pub subject_email: Option<String>,
    pub signal_type: Option<String>,
    pub platform_event_id: Option<String>,
    pub flagged: Option<bool>,
    pub safe: Option<bool>,
    pub q: Option<String>,
    pub created_after: Option<Micros>,
    pub created_before: Option<Micros>,
    pub limit: u32,
    pub cursor: Option<String>,
    pub count: bool,
}
