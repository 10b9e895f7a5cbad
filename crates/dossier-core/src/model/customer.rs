//! Customers (IRIS "clients", CaseBender clients, CISO Assistant entities).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Timestamp, UserRef, double_option};

/// A person to call about a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Customer {
    pub id: Uuid,
    /// Per-workspace customer number (IRIS `customer_id`).
    pub number: i64,
    pub name: String,
    pub description: Option<String>,
    /// Service level agreement, free text (IRIS `customer_sla`).
    pub sla: Option<String>,
    pub contacts: Vec<Contact>,
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

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCustomer {
    /// Unique in the workspace, case-insensitively.
    pub name: String,
    pub description: Option<String>,
    pub sla: Option<String>,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    #[schema(value_type = Option<Object>)]
    pub custom: Option<serde_json::Value>,
}

/// A partial update: absent fields stay, `null` clears a nullable field.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerPatch {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub sla: Option<Option<String>>,
    /// Replaces the whole list.
    pub contacts: Option<Vec<Contact>>,
    #[schema(value_type = Option<Object>)]
    pub custom: Option<serde_json::Value>,
    /// The version read; a stale one fails with 409. May also come as `If-Match`.
    pub version: Option<i32>,
}

#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    /// Case-insensitive substring of the name or description.
    pub q: Option<String>,
    pub limit: u32,
    pub cursor: Option<String>,
}
