//! Custom field definitions: per workspace and object kind, they type-check `custom` values.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Timestamp, double_option};

/// Which objects a definition applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldEntity {
    Case,
    Alert,
    CaseAsset,
    CaseObservable,
    Note,
    Task,
    Evidence,
    TimelineEvent,
    Customer,
}

impl FieldEntity {
    pub fn ordinal(self) -> i16 {
        match self {
            FieldEntity::Case => 0,
            FieldEntity::Alert => 1,
            FieldEntity::CaseAsset => 2,
            FieldEntity::CaseObservable => 3,
            FieldEntity::Note => 4,
            FieldEntity::Task => 5,
            FieldEntity::Evidence => 6,
            FieldEntity::TimelineEvent => 7,
            FieldEntity::Customer => 8,
        }
    }
    pub fn from_ordinal(v: i16) -> Option<Self> {
        [
            FieldEntity::Case,
            FieldEntity::Alert,
            FieldEntity::CaseAsset,
            FieldEntity::CaseObservable,
            FieldEntity::Note,
            FieldEntity::Task,
            FieldEntity::Evidence,
            FieldEntity::TimelineEvent,
            FieldEntity::Customer,
        ]
        .into_iter()
        .find(|e| e.ordinal() == v)
    }
    pub fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
    }
}

/// The value type of a custom field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Integer,
    Decimal,
    Numeric,
    Boolean,
    Timestamp,
    Timestamptz,
    Date,
    Json,
    Uuid,
    Select,
    MultiSelect,
}

impl FieldType {
    pub fn ordinal(self) -> i16 {
        match self {
            FieldType::Text => 0,
            FieldType::Integer => 1,
            FieldType::Decimal => 2,
            FieldType::Numeric => 3,
            FieldType::Boolean => 4,
            FieldType::Timestamp => 5,
            FieldType::Timestamptz => 6,
            FieldType::Date => 7,
            FieldType::Json => 8,
            FieldType::Uuid => 9,
            FieldType::Select => 10,
            FieldType::MultiSelect => 11,
        }
    }
    pub fn from_ordinal(v: i16) -> Option<Self> {
        (0..=11).map(Self::by_index).find(|t| t.ordinal() == v)
    }
    fn by_index(i: i16) -> Self {
        match i {
            0 => FieldType::Text,
            1 => FieldType::Integer,
            2 => FieldType::Decimal,
            3 => FieldType::Numeric,
            4 => FieldType::Boolean,
            5 => FieldType::Timestamp,
            6 => FieldType::Timestamptz,
            7 => FieldType::Date,
            8 => FieldType::Json,
            9 => FieldType::Uuid,
            10 => FieldType::Select,
            _ => FieldType::MultiSelect,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CustomField {
    pub id: Uuid,
    pub entity: FieldEntity,
    pub key: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    pub label: Option<String>,
    /// Grouping for display (IRIS shows custom attributes in tabs).
    pub section: Option<String>,
    pub nullable: bool,
    pub mandatory: bool,
    #[schema(value_type = Option<Object>)]
    pub default: Option<serde_json::Value>,
    /// The allowed values of a select or multi_select field.
    pub options: Option<Vec<String>>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    pub version: i32,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCustomField {
    pub entity: FieldEntity,
    /// `^[A-Za-z_][A-Za-z0-9_]*$`, at most 100 characters; unique per workspace and entity.
    pub key: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    pub label: Option<String>,
    pub section: Option<String>,
    /// May the value be `null` (default true).
    pub nullable: Option<bool>,
    /// Must a new object carry a value (default false).
    #[serde(default)]
    pub mandatory: bool,
    #[schema(value_type = Option<Object>)]
    pub default: Option<serde_json::Value>,
    pub options: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomFieldPatch {
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub label: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub section: Option<Option<String>>,
    pub nullable: Option<bool>,
    pub mandatory: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Object>)]
    pub default: Option<Option<serde_json::Value>>,
    pub options: Option<Vec<String>>,
    pub version: Option<i32>,
}
