//! Tasks: work items of a case, or global tasks that belong to no case.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Timestamp, UserRef, double_option};
use crate::{ids::Key, time::Micros};

/// A task status row: the IRIS ones (1 To do, 2 In progress, 3 On hold, 4 Done, 5 Canceled) or a
/// workspace's own.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct TaskStatusRef {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Task {
    pub id: Uuid,
    /// Per-workspace task number (IRIS `task_id`), shared by case and global tasks.
    pub number: i64,
    /// The case (UUID); `null` for a global task.
    pub case_id: Option<Uuid>,
    /// The case's number; `null` for a global task.
    pub case_number: Option<i64>,
    pub title: String,
    /// `""` when empty.
    pub description: String,
    pub status: TaskStatusRef,
    /// Ordered by login.
    pub assignees: Vec<UserRef>,
    pub tags: Vec<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub due_at: Option<Timestamp>,
    pub mandatory: bool,
    pub flagged: bool,
    #[schema(value_type = Object)]
    pub custom: serde_json::Value,
    /// Set only explicitly (never derived from the status; IRIS expects it null after Done).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub closed_at: Option<Timestamp>,
    /// Who set `closed_at`.
    pub closed_by: Option<UserRef>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    pub created_by: Option<UserRef>,
    pub updated_by: Option<UserRef>,
    /// Optimistic-concurrency token: send it back on update.
    pub version: i32,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTask {
    pub title: String,
    pub description: Option<String>,
    /// A task status id (default 1, To do).
    pub status_id: Option<i64>,
    /// User ids; each must be a member of the workspace.
    #[serde(default)]
    pub assignees: Vec<Uuid>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub due_at: Option<Timestamp>,
    #[serde(default)]
    pub mandatory: bool,
    #[serde(default)]
    pub flagged: bool,
    /// When the task was closed; recorded with the caller as `closed_by`.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub closed_at: Option<Timestamp>,
    #[schema(value_type = Option<Object>)]
    pub custom: Option<serde_json::Value>,
}

/// A partial update: absent fields stay, `null` clears a nullable field.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskPatch {
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    pub status_id: Option<i64>,
    /// Replaces the assignees.
    pub assignees: Option<Vec<Uuid>>,
    /// Replaces the tags.
    pub tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub due_at: Option<Option<Timestamp>>,
    pub mandatory: Option<bool>,
    pub flagged: Option<bool>,
    /// A time sets `closed_at` and makes the caller `closed_by`; `null` clears both.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub closed_at: Option<Option<Timestamp>>,
    #[schema(value_type = Option<Object>)]
    pub custom: Option<serde_json::Value>,
    /// The version read; a stale one fails with 409. May also come as `If-Match`.
    pub version: Option<i32>,
}

/// Which tasks `GET /api/v1/tasks` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskScope {
    /// Tasks that belong to no case.
    #[default]
    Global,
    /// Every task of the workspace.
    All,
}

/// Sort keys of a task list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskSort {
    #[default]
    Number,
    /// Due date; tasks without one come after the dated ones (before them when descending).
    DueAt,
}

/// An assignee filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskAssignee {
    /// The caller.
    Me,
    /// Tasks nobody is assigned to.
    Nobody,
    User(Uuid),
}

#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    /// Ignored when the list is of one case (by path or by `case`).
    pub scope: TaskScope,
    /// Only the tasks of this case.
    pub case: Option<Key>,
    /// Status ids; any of them.
    pub status: Vec<i64>,
    pub assignee: Option<TaskAssignee>,
    /// Every tag must be present.
    pub tags: Vec<String>,
    pub due_after: Option<Micros>,
    pub due_before: Option<Micros>,
    /// Case-insensitive substring of title or description.
    pub q: Option<String>,
    pub sort: TaskSort,
    pub descending: bool,
    pub limit: u32,
    pub cursor: Option<String>,
    pub count: bool,
}
