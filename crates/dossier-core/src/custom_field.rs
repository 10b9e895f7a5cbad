//! Custom field definitions and the check every `custom` object goes through.
//!
//! Defined keys are type-checked, mandatory ones required on creation, and defaults filled in
//! on creation. Keys without a definition are kept as they are: several dialects carry
//! free-form custom fields (CaseBender's `customFields`), and they must read back verbatim.

use std::sync::Arc;

use serde_json::{Map, Value};
use uuid::Uuid;

use crate::{
    Core,
    actor::Actor,
    error::{Error, Problems, Result},
    model::{CustomField, CustomFieldPatch, FieldEntity, FieldType, NewCustomField, Timestamp},
    store::{
        self,
        activity::{Audit, Entry},
        custom_field::{FieldRow, FieldValues},
    },
    time::{now_us, parse_rfc3339},
};

/// Keys Tracecat reserves for its own columns.
const RESERVED: &[&str] = &["id", "created_at", "updated_at", "case_id"];

fn view(r: FieldRow) -> CustomField {
    CustomField {
        id: r.uuid,
        entity: FieldEntity::from_ordinal(r.entity_kind).unwrap_or(FieldEntity::Case),
        key: r.key,
        field_type: FieldType::from_ordinal(r.field_type).unwrap_or(FieldType::Text),
        label: r.label,
        section: r.section,
        nullable: r.nullable,
        mandatory: r.mandatory,
        default: r.default_value.and_then(|d| serde_json::from_str(&d).ok()),
        options: r.options.and_then(|o| serde_json::from_str(&o).ok()),
        created_at: Timestamp(r.created_at),
        version: r.version,
    }
}

/// Whether `v` is a valid value of type `t` (null handled by the caller).
fn type_ok(t: FieldType, options: Option<&[String]>, v: &Value) -> Result<(), String> {
    let in_options = |s: &str| options.is_some_and(|o| o.iter().any(|x| x == s));
    match t {
        FieldType::Text if v.is_string() => Ok(()),
        FieldType::Integer if v.as_i64().is_some() => Ok(()),
        FieldType::Decimal | FieldType::Numeric if v.is_number() => Ok(()),
        FieldType::Boolean if v.is_boolean() => Ok(()),
        FieldType::Timestamp | FieldType::Timestamptz => match v.as_str().and_then(parse_rfc3339) {
            Some(_) => Ok(()),
            None => Err("an RFC 3339 date-time".into()),
        },
        FieldType::Date => match v
            .as_str()
            .map(|s| time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")))
        {
            Some(Ok(_)) => Ok(()),
            _ => Err("a date like 2026-01-31".into()),
        },
        FieldType::Json => Ok(()),
        FieldType::Uuid => match v.as_str().map(Uuid::parse_str) {
            Some(Ok(_)) => Ok(()),
            _ => Err("a UUID".into()),
        },
        FieldType::Select => match v.as_str() {
            Some(s) if in_options(s) => Ok(()),
            _ => Err(format!("one of {}", options.map(|o| o.join(", ")).unwrap_or_default())),
        },
        FieldType::MultiSelect => match v.as_array() {
            Some(a) if a.iter().all(|x| x.as_str().is_some_and(in_options)) => Ok(()),
            _ => Err(format!(
                "a list of values from {}",
                options.map(|o| o.join(", ")).unwrap_or_default()
            )),
        },
        FieldType::Text => Err("text".into()),
        FieldType::Integer => Err("an integer".into()),
        FieldType::Decimal | FieldType::Numeric => Err("a number".into()),
        FieldType::Boolean => Err("true or false".into()),
    }
}

impl Core {
    /// Checks a `custom` object against the workspace's definitions for `entity`. On creation
    /// fills in defaults and requires mandatory keys. Returns the object to store, as JSON text.
    pub(crate) async fn check_custom(
        &self,
        ws: i64,
        entity: FieldEntity,
        field: &str,
        custom: &str,
        creating: bool,
    ) -> Result<String> {
        let defs = self.custom_defs(ws, entity).await?;
        let mut p = Problems::new();
        let out = check_custom_with(&defs, &mut p, field, custom, creating);
        p.into_result()?;
        Ok(out)
    }

    /// The definitions of one object kind, to check many objects with [`check_custom_with`].
    pub(crate) async fn custom_defs(&self, ws: i64, entity: FieldEntity) -> Result<Vec<CustomField>> {
        Ok(store::custom_field::list(&self.db, ws, Some(entity.ordinal()))
            .await?
            .into_iter()
            .map(view)
            .collect())
    }

    pub async fn list_custom_fields(&self, actor: &Actor, entity: Option<FieldEntity>) -> Result<Vec<CustomField>> {
        let rows = store::custom_field::list(&self.db, actor.workspace_id.0, entity.map(FieldEntity::ordinal)).await?;
        Ok(rows.into_iter().map(view).collect())
    }

    pub async fn create_custom_field(&self, actor: &Actor, input: NewCustomField) -> Result<CustomField> {
        actor.require_admin()?;
        let mut p = Problems::new();
        let key_ok = !input.key.is_empty()
            && input.key.len() <= 100
            && input
                .key
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && input.key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !key_ok {
            p.push(
                "key",
                "invalid",
                "key must match ^[A-Za-z_][A-Za-z0-9_]*$ (at most 100 characters)",
            );
        } else if RESERVED.contains(&input.key.as_str()) {
            p.push("key", "reserved", format!("`{}` is reserved", input.key));
        }
        p.opt_text("label", input.label.as_deref(), 200);
        p.opt_text("section", input.section.as_deref(), 100);
        let values = field_values(
            &mut p,
            input.field_type,
            input.nullable.unwrap_or(true),
            input.mandatory,
            input.label.clone(),
            input.section.clone(),
            input.default.as_ref(),
            input.options.clone(),
        );
        p.into_result()?;
        let audit = Audit::of(actor);
        let shared = Arc::new((input, values));
        let row = self
            .db
            .write(move |tx| {
                let shared = Arc::clone(&shared);
                let audit = audit.clone();
                Box::pin(async move {
                    let (input, values) = &*shared;
                    let now = now_us();
                    let (id, uuid) = store::custom_field::insert(
                        tx,
                        audit.ws,
                        input.entity.ordinal(),
                        &input.key,
                        input.field_type.ordinal(),
                        values,
                        audit.actor,
                        now,
                    )
                    .await?;
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("custom_field", id, uuid, "create")
                            .message(format!("custom field {} defined", input.key))],
                    )
                    .await?;
                    store::custom_field::get(&mut *tx, audit.ws, uuid)
                        .await?
                        .ok_or(Error::not_found("custom field"))
                })
            })
            .await
            .map_err(|e| match e {
                Error::Conflict(_) => Error::field("key", "taken", "a field with that key exists for this entity"),
                other => other,
            })?;
        Ok(view(row))
    }

    pub async fn update_custom_field(&self, actor: &Actor, id: Uuid, patch: CustomFieldPatch) -> Result<CustomField> {
        actor.require_admin()?;
        let row = store::custom_field::get(&self.db, actor.workspace_id.0, id)
            .await?
            .ok_or(Error::not_found("custom field"))?;
        if patch.version.is_some_and(|v| v != row.version) {
            return Err(Error::Conflict(format!(
                "the field changed since you read it (now version {})",
                row.version
            )));
        }
        let current = view(row.clone());
        let mut p = Problems::new();
        if let Some(Some(l)) = &patch.label {
            p.opt_text("label", Some(l), 200);
        }
        let label = patch.label.clone().unwrap_or(current.label.clone());
        let section = patch.section.clone().unwrap_or(current.section.clone());
        let default = patch.default.clone().unwrap_or(current.default.clone());
        let options = patch.options.clone().or(current.options.clone());
        let values = field_values(
            &mut p,
            current.field_type,
            patch.nullable.unwrap_or(current.nullable),
            patch.mandatory.unwrap_or(current.mandatory),
            label,
            section,
            default.as_ref(),
            options,
        );
        p.into_result()?;
        let audit = Audit::of(actor);
        let values = Arc::new(values);
        let (rid, uuid, version) = (row.id, row.uuid, row.version);
        let row = self
            .db
            .write(move |tx| {
                let values = Arc::clone(&values);
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    if !store::custom_field::update(tx, rid, version, &values, now).await? {
                        return Err(Error::Conflict(
                            "the field changed while updating; reload and retry".into(),
                        ));
                    }
                    store::activity::record(tx, &audit, now, &[Entry::new("custom_field", rid, uuid, "update")])
                        .await?;
                    store::custom_field::get(&mut *tx, audit.ws, uuid)
                        .await?
                        .ok_or(Error::not_found("custom field"))
                })
            })
            .await?;
        Ok(view(row))
    }

    /// Deletes a definition; values already stored stay in the objects as free-form keys.
    pub async fn delete_custom_field(&self, actor: &Actor, id: Uuid) -> Result<()> {
        actor.require_admin()?;
        let row = store::custom_field::get(&self.db, actor.workspace_id.0, id)
            .await?
            .ok_or(Error::not_found("custom field"))?;
        let audit = Audit::of(actor);
        let (rid, uuid, key) = (row.id, row.uuid, row.key);
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                let key = key.clone();
                Box::pin(async move {
                    let now = now_us();
                    store::custom_field::delete(tx, rid).await?;
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("custom_field", rid, uuid, "delete")
                            .message(format!("custom field {key} removed"))],
                    )
                    .await
                })
            })
            .await
    }
}

/// Checks a `custom` object (JSON text) against definitions, recording problems in `p`.
/// On creation fills in defaults and requires mandatory keys. Returns the object to store.
pub(crate) fn check_custom_with(
    defs: &[CustomField],
    p: &mut Problems,
    field: &str,
    custom: &str,
    creating: bool,
) -> String {
    if defs.is_empty() {
        return custom.to_owned();
    }
    let mut obj: Map<String, Value> = serde_json::from_str(custom).unwrap_or_default();
    for d in defs {
        let path = format!("{field}.{}", d.key);
        let label = d.label.as_deref().unwrap_or(&d.key);
        match obj.get(&d.key) {
            None => {
                if creating {
                    if let Some(def) = &d.default {
                        obj.insert(d.key.clone(), def.clone());
                    } else if d.mandatory {
                        p.push(path, "required", format!("{label} is mandatory"));
                    }
                }
            }
            Some(Value::Null) => {
                if !d.nullable || d.mandatory {
                    p.push(path, "required", format!("{label} must have a value"));
                }
            }
            Some(v) => {
                if let Err(expected) = type_ok(d.field_type, d.options.as_deref(), v) {
                    p.push(path.clone(), "invalid", format!("{path} must be {expected}"));
                }
            }
        }
    }
    Value::Object(obj).to_string()
}

#[allow(clippy::too_many_arguments)]
fn field_values(
    p: &mut Problems,
    t: FieldType,
    nullable: bool,
    mandatory: bool,
    label: Option<String>,
    section: Option<String>,
    default: Option<&Value>,
    options: Option<Vec<String>>,
) -> FieldValues {
    let needs_options = matches!(t, FieldType::Select | FieldType::MultiSelect);
    match &options {
        Some(o) if needs_options && (o.is_empty() || o.iter().any(|x| x.trim().is_empty())) => {
            p.push(
                "options",
                "invalid",
                "options must be a non-empty list of non-empty values",
            );
        }
        None if needs_options => p.push("options", "required", "a select field needs options"),
        Some(_) if !needs_options => p.push("options", "invalid", "only select and multi_select fields take options"),
        _ => {}
    }
    if let Some(d) = default.filter(|d| !d.is_null())
        && let Err(expected) = type_ok(t, options.as_deref(), d)
    {
        p.push("default", "invalid", format!("default must be {expected}"));
    }
    FieldValues {
        nullable,
        default_value: default.filter(|d| !d.is_null()).map(Value::to_string),
        options: options.map(|o| Value::from(o).to_string()),
        section,
        label,
        mandatory,
    }
}
