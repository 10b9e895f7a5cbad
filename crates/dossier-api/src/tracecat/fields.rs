//! Custom case fields (`/case-fields`): the columns every case may carry. A field's `id` is
//! its column name (the core definition's `key`); the four reserved columns are listed first
//! and cannot be changed.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::IntoResponse,
};
use dossier_core::model::{CustomField, CustomFieldPatch, FieldEntity, FieldType, NewCustomField};
use serde_json::Value;

use super::{
    ctx::{Body, TcUser},
    mapping::field_type,
    wire::{Detail, RESERVED, TcError, TcResult, fields},
};
use crate::state::AppState;

const TYPES: &str = "'TEXT', 'INTEGER', 'DECIMAL', 'BOOLEAN', 'TIMESTAMP', 'TIMESTAMPTZ', 'JSONB' or 'UUID'";

pub async fn list(State(s): State<AppState>, TcUser(a): TcUser) -> TcResult {
    let defs = s.core.list_custom_fields(&a, Some(FieldEntity::Case)).await?;
    Ok(Json(fields(&defs, None, None)).into_response())
}

fn is_reserved(name: &str) -> bool {
    RESERVED.iter().any(|(r, _)| *r == name)
}

/// A column name: a letter or `_`, then letters, digits and `_`; 1–100 characters.
fn valid_name(name: &str) -> bool {
    (1..=100).contains(&name.len())
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn read_type(b: &mut Body, required: bool) -> Option<FieldType> {
    let raw = b.string("type", required, 20)?;
    match field_type::to_core(raw.as_str()) {
        Some(t) => Some(t),
        None => {
            let mut d = Detail::new(
                "enum",
                &["body", "type"],
                format!("Input should be {TYPES}"),
                Value::String(raw),
            );
            d.ctx = Some(serde_json::json!({"expected": TYPES}));
            b.problems.push(d);
            None
        }
    }
}

/// Upstream's `default` is the column's SQL default, as text; the core keeps a typed value.
fn typed_default(t: FieldType, raw: &str) -> Value {
    match t {
        FieldType::Integer => raw
            .trim()
            .parse::<i64>()
            .map_or(Value::String(raw.to_owned()), Value::from),
        FieldType::Decimal | FieldType::Numeric => raw
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::String(raw.to_owned()), Value::Number),
        FieldType::Boolean => match raw.trim().to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(raw.to_owned()),
        },
        FieldType::Json => serde_json::from_str(raw).unwrap_or(Value::String(raw.to_owned())),
        _ => Value::String(raw.to_owned()),
    }
}

fn core_error(e: dossier_core::Error) -> TcError {
    match e {
        dossier_core::Error::Conflict(_) => TcError::Status(StatusCode::CONFLICT, "Field already exists".into()),
        dossier_core::Error::Validation(ref f) if f.iter().any(|f| f.field == "key" && f.code == "taken") => {
            TcError::Status(StatusCode::CONFLICT, "Field already exists".into())
        }
        other => TcError::core(other, "Field not found"),
    }
}

/// `POST /case-fields`: admins only. 201 with `null`.
pub async fn create(State(s): State<AppState>, TcUser(a): TcUser, mut b: Body) -> TcResult {
    let name = b.string("name", true, 100);
    let kind = read_type(&mut b, true);
    let nullable = b.boolean("nullable").unwrap_or(true);
    let default = b.string("default", false, 1000);
    if let Some(n) = &name {
        if !valid_name(n) {
            b.problems.push(Detail::new(
                "string_pattern_mismatch",
                &["body", "name"],
                "String should match pattern '^[a-zA-Z_][a-zA-Z0-9_]*$'",
                Value::String(n.clone()),
            ));
        } else if is_reserved(n) {
            b.problems.push(Detail::new(
                "value_error",
                &["body", "name"],
                format!("Value error, {n} is a reserved column"),
                Value::String(n.clone()),
            ));
        }
    }
    b.done()?;
    let (Some(name), Some(kind)) = (name, kind) else {
        return Err(TcError::one(Detail::missing(&["body", "name"])));
    };
    a.require_admin().map_err(|_| TcError::forbidden())?;
    s.core
        .create_custom_field(
            &a,
            NewCustomField {
                entity: FieldEntity::Case,
                key: name,
                field_type: kind,
                label: None,
                section: None,
                nullable: Some(nullable),
                mandatory: false,
                default: default.map(|d| typed_default(kind, &d)),
                options: None,
            },
        )
        .await
        .map_err(core_error)?;
    Ok((StatusCode::CREATED, Json(Value::Null)).into_response())
}

async fn find(s: &AppState, a: &dossier_core::Actor, name: &str) -> Result<CustomField, TcError> {
    if is_reserved(name) {
        return Err(TcError::one(Detail::new(
            "value_error",
            &["path", "field_id"],
            format!("Value error, {name} is a reserved column"),
            Value::String(name.to_owned()),
        )));
    }
    s.core
        .list_custom_fields(a, Some(FieldEntity::Case))
        .await?
        .into_iter()
        .find(|d| d.key == name)
        .ok_or_else(|| TcError::not_found(format!("Field {name} not found")))
}

/// `PATCH /case-fields/{field_id}`: `nullable` and `default` change; a field keeps its name
/// and type (the values cases hold were checked against them), so a different one is a 422.
pub async fn update(State(s): State<AppState>, TcUser(a): TcUser, Path(field): Path<String>, mut b: Body) -> TcResult {
    a.require_admin().map_err(|_| TcError::forbidden())?;
    let def = find(&s, &a, &field).await?;
    let name = b.string("name", false, 100);
    let kind = read_type(&mut b, false);
    let nullable = b.boolean("nullable");
    let default = b.string("default", false, 1000);
    b.boolean("is_index");
    if name.as_deref().is_some_and(|n| n != def.key) {
        b.problems.push(Detail::new(
            "value_error",
            &["body", "name"],
            "Value error, a field keeps its name; add a new field instead",
            Value::String(name.clone().unwrap_or_default()),
        ));
    }
    if kind.is_some_and(|k| k != def.field_type) {
        b.problems.push(Detail::new(
            "value_error",
            &["body", "type"],
            format!(
                "Value error, a field keeps its type ({})",
                field_type::to_dialect(def.field_type)
            ),
            Value::Null,
        ));
    }
    b.done()?;
    let patch = CustomFieldPatch {
        nullable,
        default: default.map(|d| Some(typed_default(def.field_type, &d))),
        ..CustomFieldPatch::default()
    };
    s.core
        .update_custom_field(&a, def.id, patch)
        .await
        .map_err(core_error)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `DELETE /case-fields/{field_id}`: admins only; reserved columns are refused (422).
pub async fn delete(State(s): State<AppState>, TcUser(a): TcUser, Path(field): Path<String>) -> TcResult {
    a.require_admin().map_err(|_| TcError::forbidden())?;
    let def = find(&s, &a, &field).await?;
    s.core.delete_custom_field(&a, def.id).await.map_err(core_error)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
