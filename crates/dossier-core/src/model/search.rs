//! Full-text search across a workspace's objects.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::Timestamp;

/// The kinds of object search covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SearchKind {
    Case,
    Alert,
    Observable,
    Note,
}

impl SearchKind {
    pub const ALL: [SearchKind; 4] = [
        SearchKind::Case,
        SearchKind::Alert,
        SearchKind::Observable,
        SearchKind::Note,
    ];

    /// The `search_docs.kind` value.
    pub fn as_str(self) -> &'static str {
        match self {
            SearchKind::Case => "case",
            SearchKind::Alert => "alert",
            SearchKind::Observable => "observable",
            SearchKind::Note => "note",
        }
    }

    pub fn parse(s: &str) -> Option<SearchKind> {
        SearchKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The case a hit belongs to.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct SearchCaseRef {
    pub id: Uuid,
    pub number: i64,
    pub title: String,
}

/// One object whose text matches.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchHit {
    pub kind: SearchKind,
    /// The object's id (UUID).
    pub id: Uuid,
    /// The object's per-workspace number; null for an observable (one identity per
    /// workspace, shared by the cases that mention it).
    pub number: Option<i64>,
    pub title: String,
    /// A short excerpt around the match.
    pub snippet: String,
    /// The case the object belongs to (absent for cases themselves and for alerts).
    pub case: Option<SearchCaseRef>,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    /// 1 to 200 characters. Three or more match any substring (`evil.example.com`, `10.1.2.3`,
    /// part of a hash); whole words always match.
    pub q: String,
    /// Empty: every kind.
    pub kinds: Vec<SearchKind>,
    pub limit: u32,
    pub cursor: Option<String>,
}
