//! Tracecat's wire shapes: FastAPI errors, the case models, users, comments and fields.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use dossier_core::{
    Error,
    model::{Case, Comment, CustomField, Priority, Severity, Status, Timestamp, User},
};
use serde::Serialize;

use super::mapping::field_type;
use serde_json::{Value, json};
use uuid::Uuid;

/// One entry of FastAPI's 422 `detail` list.
#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub loc: Vec<Value>,
    pub msg: String,
    pub input: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ctx: Option<Value>,
}

impl Detail {
    pub fn new(kind: &'static str, loc: &[&str], msg: impl Into<String>, input: Value) -> Detail {
        Detail {
            kind,
            loc: loc.iter().map(|s| Value::String((*s).to_owned())).collect(),
            msg: msg.into(),
            input,
            ctx: None,
        }
    }
    pub fn missing(loc: &[&str]) -> Detail {
        Detail::new("missing", loc, "Field required", Value::Null)
    }
    pub fn uuid(loc: &[&str], input: &str) -> Detail {
        Detail::new(
            "uuid_parsing",
            loc,
            "Input should be a valid UUID, invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-]",
            Value::String(input.to_owned()),
        )
    }
}

/// A refusal in Tracecat's shape: `{"detail": "…"}`, or 422 with the `detail` list.
#[derive(Debug)]
pub enum TcError {
    Status(StatusCode, String),
    Invalid(Vec<Detail>),
    Internal,
}

pub type TcResult<T = Response> = Result<T, TcError>;

impl TcError {
    pub fn forbidden() -> TcError {
        TcError::Status(StatusCode::FORBIDDEN, "Forbidden".into())
    }
    pub fn not_found(msg: impl Into<String>) -> TcError {
        TcError::Status(StatusCode::NOT_FOUND, msg.into())
    }
    pub fn bad(msg: impl Into<String>) -> TcError {
        TcError::Status(StatusCode::BAD_REQUEST, msg.into())
    }
    pub fn one(d: Detail) -> TcError {
        TcError::Invalid(vec![d])
    }

    /// A core error, with the route's own not-found text. Field errors keep the core's field
    /// names under `body` (callers rename them to the dialect's first).
    pub fn core(e: Error, not_found: &str) -> TcError {
        match e {
            Error::NotFound { .. } => TcError::not_found(not_found),
            Error::Forbidden(_) | Error::Unauthenticated => TcError::forbidden(),
            Error::Validation(fields) => TcError::Invalid(
                fields
                    .iter()
                    .map(|f| {
                        let kind = match f.code.as_str() {
                            "required" => "missing",
                            "too_long" => "string_too_long",
                            "too_short" | "empty" => "string_too_short",
                            "unknown_value" => "enum",
                            _ => "value_error",
                        };
                        let loc: Vec<&str> = ["body"].into_iter().chain(f.field.split('.')).collect();
                        Detail::new(kind, &loc, f.message.clone(), Value::Null)
                    })
                    .collect(),
            ),
            Error::Conflict(m) => TcError::Status(StatusCode::CONFLICT, m),
            Error::PayloadTooLarge { .. } => {
                TcError::Status(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large".into())
            }
            Error::RateLimited { .. } => TcError::Status(StatusCode::TOO_MANY_REQUESTS, "Too many requests".into()),
            Error::Unavailable(cause) => {
                tracing::warn!(%cause, "tracecat request: service unavailable");
                TcError::Status(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Service unavailable, retry shortly".into(),
                )
            }
            Error::Internal(cause) => {
                tracing::error!(%cause, "tracecat request failed");
                TcError::Internal
            }
        }
    }
}

impl From<Error> for TcError {
    fn from(e: Error) -> Self {
        TcError::core(e, "Not found")
    }
}

impl IntoResponse for TcError {
    fn into_response(self) -> Response {
        match self {
            TcError::Status(s, detail) => (s, Json(json!({ "detail": detail }))).into_response(),
            TcError::Invalid(details) => {
                (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({ "detail": details }))).into_response()
            }
            TcError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(json!({"message": "An unexpected error occurred. Please try again later."})),
            )
                .into_response(),
        }
    }
}

/// `CASE-0007`: the case number, zero-padded to four digits.
pub fn short_id(number: i64) -> String {
    format!("CASE-{number:04}")
}

/// The case number a `short_id` or a bare number names (`42`, `CASE-0042`, any case).
pub fn parse_short_id(raw: &str) -> Option<i64> {
    let t = raw.trim();
    let digits = match t.get(..5) {
        Some(p) if p.eq_ignore_ascii_case("case-") => &t[5..],
        _ => t,
    };
    if digits.is_empty() || digits.len() > 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|n| *n > 0)
}

/// `UserRead`.
#[derive(Debug, Clone, Serialize)]
pub struct UserRead {
    pub id: Uuid,
    pub email: String,
    pub is_active: bool,
    pub is_superuser: bool,
    pub is_verified: bool,
    pub role: &'static str,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub settings: Value,
}

impl UserRead {
    pub fn of(u: &User) -> UserRead {
        let (first, last) = match u.name.trim().split_once(' ') {
            Some((f, l)) => (Some(f.to_owned()), Some(l.trim().to_owned())),
            None if u.name.trim().is_empty() => (None, None),
            None => (Some(u.name.trim().to_owned()), None),
        };
        UserRead {
            id: u.id,
            email: u.email.clone(),
            is_active: u.is_active,
            is_superuser: u.is_superuser,
            is_verified: true,
            role: if u.is_superuser { "admin" } else { "basic" },
            first_name: first,
            last_name: last,
            settings: json!({}),
        }
    }
}

/// `CaseReadMinimal`, with L1's `assignee`.
#[derive(Debug, Clone, Serialize)]
pub struct CaseMinimal {
    pub id: Uuid,
    pub short_id: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub summary: String,
    pub status: Status,
    pub priority: Priority,
    pub severity: Severity,
    pub assignee: Option<UserRead>,
}

impl CaseMinimal {
    pub fn of(c: &Case, users: &[User]) -> CaseMinimal {
        CaseMinimal {
            id: c.id,
            short_id: short_id(c.number),
            created_at: c.created_at,
            updated_at: c.updated_at,
            summary: c.title.clone(),
            status: c.status,
            priority: c.priority,
            severity: c.severity,
            assignee: assignee(c, users),
        }
    }
}

/// The user a case is assigned to, from the workspace's users.
pub fn assignee(c: &Case, users: &[User]) -> Option<UserRead> {
    let a = c.assignee.as_ref()?;
    users.iter().find(|u| u.id == a.id).map(UserRead::of)
}

/// `CaseRead`.
#[derive(Debug, Clone, Serialize)]
pub struct CaseRead {
    #[serde(flatten)]
    pub minimal: CaseMinimal,
    pub description: String,
    pub fields: Vec<FieldRead>,
}

/// A custom case field (`CaseCustomFieldRead`, and `CaseFieldRead` without `value`).
#[derive(Debug, Clone, Serialize)]
pub struct FieldRead {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub description: String,
    pub nullable: bool,
    pub default: Option<String>,
    pub reserved: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
}

/// The four columns every case table has (`reserved: true`).
pub const RESERVED: [(&str, &str); 4] = [
    ("id", "UUID"),
    ("created_at", "TIMESTAMPTZ"),
    ("updated_at", "TIMESTAMPTZ"),
    ("case_id", "UUID"),
];

/// The reserved columns, then the workspace's case fields, with the case's values when given.
pub fn fields(defs: &[CustomField], values: Option<&Value>, case: Option<&Case>) -> Vec<FieldRead> {
    let reserved = RESERVED.iter().map(|(name, kind)| {
        let value = case.map(|c| match *name {
            "id" | "case_id" => json!(c.id),
            "created_at" => json!(c.created_at),
            _ => json!(c.updated_at),
        });
        FieldRead {
            id: (*name).to_owned(),
            kind,
            description: String::new(),
            nullable: false,
            default: None,
            reserved: true,
            value,
        }
    });
    reserved
        .chain(defs.iter().map(|d| FieldRead {
            id: d.key.clone(),
            kind: field_type::to_dialect(d.field_type),
            description: d.label.clone().unwrap_or_default(),
            nullable: d.nullable,
            default: d.default.as_ref().map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            }),
            reserved: false,
            value: values.map(|v| v.get(&d.key).cloned().unwrap_or(Value::Null)),
        }))
        .collect()
}

/// `CaseCommentRead`.
#[derive(Debug, Clone, Serialize)]
pub struct CommentRead {
    pub id: Uuid,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub content: String,
    pub parent_id: Option<Uuid>,
    pub user: Option<UserRead>,
    pub last_edited_at: Option<Timestamp>,
}

impl CommentRead {
    pub fn of(c: &Comment, users: &[User]) -> CommentRead {
        CommentRead {
            id: c.id,
            created_at: c.created_at,
            updated_at: c.edited_at.unwrap_or(c.created_at),
            content: c.content.clone(),
            parent_id: c.parent_id,
            user: c
                .author
                .as_ref()
                .and_then(|a| users.iter().find(|u| u.id == a.id))
                .map(UserRead::of),
            last_edited_at: c.edited_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ids_pad_to_four_digits() {
        assert_eq!(short_id(7), "CASE-0007");
        assert_eq!(short_id(123), "CASE-0123");
        assert_eq!(short_id(12345), "CASE-12345");
        assert_eq!(parse_short_id("case-0042"), Some(42));
        assert_eq!(parse_short_id("42"), Some(42));
        assert_eq!(parse_short_id("CASE-"), None);
        assert_eq!(parse_short_id("CASE-12345678901"), None);
        assert_eq!(parse_short_id("x42"), None);
    }
}
