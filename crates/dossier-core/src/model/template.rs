//! Case templates: what a new case starts with.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Severity, Timestamp};

/// A task a template creates.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TemplateTask {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub mandatory: bool,
}

/// What a template puts into a new case (all optional).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TemplateContent {
    /// Put in front of the case title (`"[Phishing] "`).
    #[serde(default)]
    pub title_prefix: Option<String>,
    /// The case description when the new case brings none.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub severity: Option<Severity>,
    #[serde(default)]
    pub classification_id: Option<i64>,
    /// Added to the case's own tags.
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub tasks: Vec<TemplateTask>,
    /// Note directories created in the case.
    #[serde(default)]
    pub note_directories: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseTemplate {
    pub id: Uuid,
    pub number: i64,
    pub name: String,
    pub description: Option<String>,
    #[serde(flatten)]
    pub content: TemplateContent,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    pub version: i32,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewCaseTemplate {
    pub name: String,
    pub description: Option<String>,
    /// Replaced as a whole on update.
    pub content: TemplateContent,
    /// On update: the version read (stale → 409).
    pub version: Option<i32>,
}
