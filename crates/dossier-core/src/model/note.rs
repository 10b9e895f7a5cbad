//! Notes of a case: Markdown documents in nestable directories, with their revisions.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Timestamp, UserRef, double_option};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoteDirectory {
    pub id: Uuid,
    /// Per-workspace directory number (IRIS directory id).
    pub number: i64,
    pub case_id: Uuid,
    /// The parent directory; `null` at the root of the case.
    pub parent_id: Option<Uuid>,
    pub name: String,
    /// Notes directly in this directory.
    pub note_count: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    pub created_by: Option<UserRef>,
    pub version: i32,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNoteDirectory {
    pub name: String,
    /// A directory of the same case.
    pub parent_id: Option<Uuid>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteDirectoryPatch {
    pub name: Option<String>,
    /// Moves the directory: a directory of the same case that is not this one or below it;
    /// `null` moves it to the root.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub parent_id: Option<Option<Uuid>>,
    pub version: Option<i32>,
}

/// A directory as a note shows it.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct NoteDirectoryRef {
    pub id: Uuid,
    pub number: i64,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Note {
    pub id: Uuid,
    /// Per-workspace note number (IRIS `note_id`).
    pub number: i64,
    pub case_id: Uuid,
    pub directory: NoteDirectoryRef,
    pub title: String,
    /// Markdown, as written.
    pub content: String,
    /// `content` rendered to HTML and sanitised: no scripts, event handlers or `javascript:`
    /// links survive.
    pub content_html: String,
    /// Grows by one each time the title or content changes (1 at creation).
    pub revision: i32,
    #[schema(value_type = Object)]
    pub custom: serde_json::Value,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    pub created_by: Option<UserRef>,
    pub updated_by: Option<UserRef>,
    pub version: i32,
}

/// A note as lists show it: without its content.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoteSummary {
    pub id: Uuid,
    pub number: i64,
    pub case_id: Uuid,
    pub directory: NoteDirectoryRef,
    pub title: String,
    pub revision: i32,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    pub created_by: Option<UserRef>,
    pub updated_by: Option<UserRef>,
    pub version: i32,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNote {
    pub title: String,
    /// Markdown, at most 1 MiB.
    #[serde(default)]
    pub content: String,
    /// A directory of the same case; by default the case's root directory "Notes", created on
    /// first use.
    pub directory_id: Option<Uuid>,
    #[schema(value_type = Option<Object>)]
    pub custom: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotePatch {
    pub title: Option<String>,
    pub content: Option<String>,
    /// Moves the note to another directory of the same case.
    pub directory_id: Option<Uuid>,
    #[schema(value_type = Option<Object>)]
    pub custom: Option<serde_json::Value>,
    pub version: Option<i32>,
}

/// One saved revision of a note's title and content.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoteRevision {
    pub revision: i32,
    pub title: String,
    pub content: String,
    pub author: Option<UserRef>,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
}

#[derive(Debug, Clone, Default)]
pub struct NoteFilter {
    /// Only notes directly in this directory.
    pub directory: Option<Uuid>,
    /// Case-insensitive substring of title or content.
    pub q: Option<String>,
    pub limit: u32,
    pub cursor: Option<String>,
    pub count: bool,
}
