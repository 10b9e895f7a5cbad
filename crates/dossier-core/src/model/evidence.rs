//! Evidence records (IRIS evidences / "received files"), with or without a stored file.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Timestamp, UserRef, double_option};

/// An evidence type row (IRIS evidence types: 1 Unspecified … 58 Generic - Data blob).
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct EvidenceTypeRef {
    pub id: i64,
    pub name: String,
}

/// The case an evidence belongs to.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct EvidenceCase {
    pub id: Uuid,
    pub number: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Evidence {
    pub id: Uuid,
    /// Per-workspace evidence number (IRIS evidence id).
    pub number: i64,
    pub case: EvidenceCase,
    /// Display name. For an upload: the client's file name reduced to its base name, without
    /// control characters, at most 255 characters. Never used as a path.
    pub filename: String,
    /// Size in bytes: computed by the server for a stored file, as given for a metadata record.
    pub size: Option<i64>,
    /// SHA-256 (hex) computed by the server; only for a stored file.
    pub sha256: Option<String>,
    /// The hash as recorded: the SHA-256 for a stored file, the client's value otherwise.
    pub hash: Option<String>,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub evidence_type: Option<EvidenceTypeRef>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub acquired_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub start_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub end_at: Option<Timestamp>,
    #[schema(value_type = Option<Object>)]
    pub chain_of_custody: Option<serde_json::Value>,
    /// Whether the bytes are stored (download them from `/api/v1/evidence/{id}/download`).
    pub has_file: bool,
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

/// A new evidence record. As JSON it is a metadata-only record (`filename` required); with an
/// upload the file name, size and hash come from the file.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEvidence {
    #[serde(default)]
    pub filename: String,
    /// Bytes; metadata records only.
    pub size: Option<i64>,
    /// Any hash the client recorded; metadata records only.
    pub hash: Option<String>,
    pub description: Option<String>,
    /// An evidence type id (`GET /api/v1/reference/evidence-types`).
    pub type_id: Option<i64>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub acquired_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub start_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub end_at: Option<Timestamp>,
    /// Chain-of-custody entries: any JSON object or array.
    #[schema(value_type = Option<Object>)]
    pub chain_of_custody: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub custom: Option<serde_json::Value>,
}

/// A partial update of the metadata: absent fields stay, `null` clears a nullable field.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidencePatch {
    pub filename: Option<String>,
    /// Metadata records only: a stored file's size is the server's.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub size: Option<Option<i64>>,
    /// Metadata records only: a stored file's hash is the server's.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub hash: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub type_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub acquired_at: Option<Option<Timestamp>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub start_at: Option<Option<Timestamp>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub end_at: Option<Option<Timestamp>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Object>)]
    pub chain_of_custody: Option<Option<serde_json::Value>>,
    #[schema(value_type = Option<Object>)]
    pub custom: Option<serde_json::Value>,
    /// The version read; a stale one fails with 409. May also come as `If-Match`.
    pub version: Option<i32>,
}

#[derive(Debug, Clone, Default)]
pub struct EvidenceFilter {
    /// Any of these evidence type ids.
    pub type_ids: Vec<i64>,
    /// Case-insensitive substring of the file name or description.
    pub q: Option<String>,
    /// Only records with (true) or without (false) a stored file.
    pub has_file: Option<bool>,
    pub limit: u32,
    pub cursor: Option<String>,
}

/// A stored evidence file, opened for reading.
#[derive(Debug)]
pub struct EvidenceDownload {
    /// The display name (already a base name without control characters).
    pub filename: String,
    pub size: u64,
    pub sha256: String,
    pub file: tokio::fs::File,
}
