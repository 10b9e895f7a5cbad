//! Cases: the bare-array list (L0), search (L1), the cursor envelope (L3), one case, create,
//! update, delete, and the activity feed (L2). Translation only; every rule is a core service.

use std::collections::HashMap;

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::IntoResponse,
};
use dossier_core::{
    Actor, Key,
    model::{
        Activity, Case, CaseFilter, CasePatch, CaseSort, FieldEntity, NewCase, Page, Priority, Severity, Status, User,
    },
};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::{
    ctx::{Body, Query, TcUser, path_uuid},
    wire::{CaseMinimal, CaseRead, Detail, TcError, TcResult, UserRead, fields, parse_short_id},
};
use crate::{extract::QueryMap, state::AppState};

/// The most cases the bare-array list returns (upstream returns them all; a workspace of a
/// million cases cannot be one answer). Scripts that need more page with `limit`/`cursor`.
pub const BARE_MAX: usize = 10_000;

const STATUS_NAMES: &str = "'unknown', 'new', 'in_progress', 'on_hold', 'resolved', 'closed' or 'other'";
const PRIORITY_NAMES: &str = "'unknown', 'low', 'medium', 'high', 'critical' or 'other'";
const SEVERITY_NAMES: &str = "'unknown', 'informational', 'low', 'medium', 'high', 'critical', 'fatal' or 'other'";

#[derive(Deserialize)]
pub struct CasePath {
    case_id: String,
}

fn not_found(id: Uuid) -> impl Fn(dossier_core::Error) -> TcError {
    move |e| TcError::core(e, &format!("Case with ID {id} not found"))
}

/// Core field names as this dialect names them.
fn renamed(e: TcError) -> TcError {
    match e {
        TcError::Invalid(mut list) => {
            for d in &mut list {
                for part in &mut d.loc {
                    let new = match part.as_str() {
                        Some("title") => "summary",
                        Some("custom") => "fields",
                        Some("assignee") => "assignee_id",
                        _ => continue,
                    };
                    *part = Value::String(new.into());
                }
            }
            TcError::Invalid(list)
        }
        other => other,
    }
}

async fn users(s: &AppState, a: &Actor) -> Result<Vec<User>, TcError> {
    Ok(s.core.workspace_users(a).await?)
}

/// A query parameter naming one enum value (or several, comma-separated or repeated).
fn enums<T: serde::de::DeserializeOwned>(q: &QueryMap, name: &str, names: &str) -> Result<Vec<T>, TcError> {
    q.list(name)
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            serde_json::from_value::<T>(Value::String(v.to_owned())).map_err(|_| {
                let mut d = Detail::new(
                    "enum",
                    &["query", name],
                    format!("Input should be {names}"),
                    Value::String(v.to_owned()),
                );
                d.ctx = Some(json!({ "expected": names }));
                TcError::one(d)
            })
        })
        .collect()
}

/// `order_by` and `sort` into a core sort.
fn sort(q: &QueryMap, default_desc: bool, default: CaseSort) -> Result<(CaseSort, bool), TcError> {
    let by = match q.get("order_by") {
        None => default,
        Some("created_at") => CaseSort::CreatedAt,
        Some("updated_at") => CaseSort::UpdatedAt,
        Some("priority") => CaseSort::Priority,
        Some("severity") => CaseSort::Severity,
        Some("status") => CaseSort::Status,
        Some(other) => {
            return Err(TcError::one(Detail::new(
                "literal_error",
                &["query", "order_by"],
                "Input should be 'created_at', 'updated_at', 'priority', 'severity' or 'status'",
                Value::String(other.to_owned()),
            )));
        }
    };
    let desc = match q.get("sort") {
        None => default_desc,
        Some("asc") => false,
        Some("desc") => true,
        Some(other) => {
            return Err(TcError::one(Detail::new(
                "literal_error",
                &["query", "sort"],
                "Input should be 'asc' or 'desc'",
                Value::String(other.to_owned()),
            )));
        }
    };
    Ok((by, desc))
}

fn limit(q: &QueryMap, default: u32, max: u32) -> Result<u32, TcError> {
    match q.get("limit") {
        None => Ok(default),
        Some(raw) => raw
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| {
                TcError::one(Detail::new(
                    "int_parsing",
                    &["query", "limit"],
                    format!("Input should be an integer from 1 to {max}"),
                    Value::String(raw.to_owned()),
                ))
            }),
    }
}

/// The search filters shared by `/cases/search` and the envelope list.
fn filter(q: &QueryMap) -> Result<CaseFilter, TcError> {
    let search = q.get("search_term").map(str::trim).filter(|t| !t.is_empty());
    Ok(CaseFilter {
        status: enums::<Status>(q, "status", STATUS_NAMES)?,
        priority: enums::<Priority>(q, "priority", PRIORITY_NAMES)?,
        severity: enums::<Severity>(q, "severity", SEVERITY_NAMES)?,
        q: search.map(str::to_owned),
        ..CaseFilter::default()
    })
}

async fn page(s: &AppState, a: &Actor, f: CaseFilter) -> Result<Page<Case>, TcError> {
    s.core.list_cases(a, f).await.map_err(|e| match e {
        // A cursor that does not decode is Tracecat's 400.
        dossier_core::Error::Validation(ref fields) if fields.iter().any(|f| f.field == "cursor") => {
            TcError::bad("Invalid cursor")
        }
        other => TcError::from(other),
    })
}

/// `GET /cases`: a bare array by number (L0); with `limit`, `cursor`, `order_by`, `sort` or
/// `reverse`, and always on `/workspaces/{id}/cases`, the L3 cursor envelope.
pub async fn list(State(s): State<AppState>, TcUser(a): TcUser, Query(q): Query, uri: axum::http::Uri) -> TcResult {
    let canonical = uri.path().starts_with("/tracecat/workspaces/");
    let wants_envelope = ["limit", "cursor", "order_by", "sort", "reverse", "short_id"]
        .iter()
        .any(|k| q.get(k).is_some());
    if canonical || wants_envelope {
        return envelope(&s, &a, &q).await;
    }
    let users = users(&s, &a).await?;
    let mut out: Vec<CaseMinimal> = Vec::new();
    let mut cursor = None;
    loop {
        let p = page(
            &s,
            &a,
            CaseFilter {
                sort: CaseSort::Number,
                descending: false,
                limit: dossier_core::MAX_LIMIT,
                cursor,
                ..CaseFilter::default()
            },
        )
        .await?;
        out.extend(p.items.iter().map(|c| CaseMinimal::of(c, &users)));
        match p.next_cursor {
            Some(c) if out.len() < BARE_MAX => cursor = Some(c),
            _ => break,
        }
    }
    out.truncate(BARE_MAX);
    Ok(Json(out).into_response())
}

async fn envelope(s: &AppState, a: &Actor, q: &QueryMap) -> TcResult {
    if let Some(raw) = q.get("short_id") {
        // `42` or `CASE-0042`: that one case, or none.
        let n = parse_short_id(raw).ok_or_else(|| TcError::bad(format!("Invalid short_id: {raw}")))?;
        let items: Vec<CaseMinimal> = match s.core.get_case(a, Key::Seq(n)).await {
            Ok(c) => vec![CaseMinimal::of(&c, &users(s, a).await?)],
            Err(dossier_core::Error::NotFound { .. }) => Vec::new(),
            Err(e) => return Err(e.into()),
        };
        let total = items.len();
        return Ok(Json(json!({"items": items, "next_cursor": null, "prev_cursor": null,
                              "has_more": false, "has_previous": false, "total_estimate": total}))
        .into_response());
    }
    let (by, desc) = sort(q, true, CaseSort::CreatedAt)?;
    let reverse = match q.get("reverse") {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(TcError::one(Detail::new(
                "bool_parsing",
                &["query", "reverse"],
                "Input should be a valid boolean",
                Value::String(other.to_owned()),
            )));
        }
    };
    let mut f = filter(q)?;
    f.sort = by;
    f.descending = desc != reverse;
    f.limit = limit(q, 20, 200)?;
    f.cursor = q.get("cursor").map(str::to_owned);
    f.count = true;
    let had_cursor = f.cursor.is_some();
    let p = page(s, a, f).await?;
    let users = users(s, a).await?;
    let items: Vec<CaseMinimal> = p.items.iter().map(|c| CaseMinimal::of(c, &users)).collect();
    Ok(Json(json!({
        "items": items,
        "next_cursor": p.next_cursor,
        "prev_cursor": Value::Null,
        "has_more": p.next_cursor.is_some(),
        "has_previous": had_cursor,
        "total_estimate": p.total,
    }))
    .into_response())
}

/// `GET /cases/search` (L1): filters, one order, a bare array.
pub async fn search(State(s): State<AppState>, TcUser(a): TcUser, Query(q): Query) -> TcResult {
    let (by, desc) = sort(&q, true, CaseSort::CreatedAt)?;
    let mut f = filter(&q)?;
    f.sort = by;
    f.descending = desc;
    f.limit = limit(&q, dossier_core::MAX_LIMIT, dossier_core::MAX_LIMIT)?;
    let p = page(&s, &a, f).await?;
    let users = users(&s, &a).await?;
    let items: Vec<CaseMinimal> = p.items.iter().map(|c| CaseMinimal::of(c, &users)).collect();
    Ok(Json(items).into_response())
}

/// `GET /cases/{case_id}`: `CaseRead`, with one entry per defined field.
pub async fn get_one(State(s): State<AppState>, TcUser(a): TcUser, Path(p): Path<CasePath>) -> TcResult {
    let id = path_uuid(&p.case_id, "case_id")?;
    let c = s.core.get_case(&a, Key::Uuid(id)).await.map_err(not_found(id))?;
    let defs = s.core.list_custom_fields(&a, Some(FieldEntity::Case)).await?;
    let users = users(&s, &a).await?;
    let read = CaseRead {
        minimal: CaseMinimal::of(&c, &users),
        description: c.description.clone(),
        fields: fields(&defs, Some(&c.custom), Some(&c)),
    };
    Ok(Json(read).into_response())
}

/// Checks that `fields` names only defined custom fields (upstream fails at the database).
async fn check_field_names(s: &AppState, a: &Actor, m: &Map<String, Value>) -> Result<(), TcError> {
    if m.is_empty() {
        return Ok(());
    }
    let defs = s.core.list_custom_fields(a, Some(FieldEntity::Case)).await?;
    let unknown: Vec<Detail> = m
        .keys()
        .filter(|k| !defs.iter().any(|d| &d.key == *k))
        .map(|k| {
            Detail::new(
                "value_error",
                &["body", "fields", k],
                format!("Value error, no case field named {k}"),
                Value::String(k.clone()),
            )
        })
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(TcError::Invalid(unknown))
    }
}

/// `POST /cases`: 201 with `null` (the new id is not returned, as upstream).
pub async fn create(State(s): State<AppState>, TcUser(a): TcUser, mut b: Body) -> TcResult {
    let summary = b.string("summary", true, 255);
    let description = b.string("description", true, 5000);
    let status = b.choice::<Status>("status", true, STATUS_NAMES);
    let priority = b.choice::<Priority>("priority", true, PRIORITY_NAMES);
    let severity = b.choice::<Severity>("severity", true, SEVERITY_NAMES);
    let custom = b.object("fields");
    let assignee = b.uuid("assignee_id").flatten();
    b.done()?;
    if let Some(m) = &custom {
        check_field_names(&s, &a, m).await?;
    }
    let input = NewCase {
        title: summary.unwrap_or_default(),
        description,
        status,
        priority,
        severity,
        assignee,
        custom: custom.map(Value::Object),
        ..NewCase::default()
    };
    s.core.create_case(&a, input).await.map_err(|e| renamed(e.into()))?;
    Ok((StatusCode::CREATED, Json(Value::Null)).into_response())
}

/// `PATCH /cases/{case_id}`: only the fields sent change; `fields` merges into the case's
/// values. 204.
pub async fn update(State(s): State<AppState>, TcUser(a): TcUser, Path(p): Path<CasePath>, mut b: Body) -> TcResult {
    let id = path_uuid(&p.case_id, "case_id")?;
    let summary = b.string("summary", false, 255);
    let description = b.string("description", false, 5000);
    let status = b.choice::<Status>("status", false, STATUS_NAMES);
    let priority = b.choice::<Priority>("priority", false, PRIORITY_NAMES);
    let severity = b.choice::<Severity>("severity", false, SEVERITY_NAMES);
    let custom = b.object("fields");
    let assignee = b.uuid("assignee_id");
    b.done()?;
    if let Some(m) = &custom {
        check_field_names(&s, &a, m).await?;
    }
    let patch = CasePatch {
        title: summary,
        description,
        status,
        priority,
        severity,
        assignee,
        custom: custom.map(Value::Object),
        merge_custom: true,
        ..CasePatch::default()
    };
    s.core
        .update_case(&a, Key::Uuid(id), patch)
        .await
        .map_err(|e| match e {
            e @ dossier_core::Error::NotFound { .. } => not_found(id)(e),
            other => renamed(other.into()),
        })?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `DELETE /cases/{case_id}`: workspace admins only, as upstream. 204.
pub async fn delete(State(s): State<AppState>, TcUser(a): TcUser, Path(p): Path<CasePath>) -> TcResult {
    let id = path_uuid(&p.case_id, "case_id")?;
    a.require_admin().map_err(|_| TcError::forbidden())?;
    s.core.delete_case(&a, Key::Uuid(id)).await.map_err(not_found(id))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The most audit entries the events feed reads.
const MAX_EVENTS: usize = 2000;

/// `GET /cases/{case_id}/events` (L2): the case's audit trail as Tracecat events, oldest first.
pub async fn events(State(s): State<AppState>, TcUser(a): TcUser, Path(p): Path<CasePath>) -> TcResult {
    let id = path_uuid(&p.case_id, "case_id")?;
    let mut entries: Vec<Activity> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = s
            .core
            .case_activity(&a, Key::Uuid(id), cursor.as_deref(), dossier_core::MAX_LIMIT)
            .await
            .map_err(not_found(id))?;
        entries.extend(page.items);
        match page.next_cursor {
            Some(c) if entries.len() < MAX_EVENTS => cursor = Some(c),
            _ => break,
        }
    }
    entries.reverse();
    let users = users(&s, &a).await?;
    let by_id: HashMap<Uuid, &User> = users.iter().map(|u| (u.id, u)).collect();
    let by_number: HashMap<i64, Uuid> = users.iter().map(|u| (u.number, u.id)).collect();
    let mut seen: Vec<Uuid> = Vec::new();
    let events: Vec<Value> = entries
        .iter()
        .filter(|e| e.object_kind == "case")
        .filter_map(|e| {
            let ev = event(e, &by_number)?;
            if let Some(u) = &e.actor
                && !seen.contains(&u.id)
            {
                seen.push(u.id);
            }
            Some(ev)
        })
        .collect();
    let users: Vec<UserRead> = seen
        .iter()
        .filter_map(|id| by_id.get(id).map(|u| UserRead::of(u)))
        .collect();
    Ok(Json(json!({"events": events, "users": users})).into_response())
}

/// One audit entry of a case as a Tracecat event; entries Tracecat has no event for are left
/// out. Null keys are omitted.
fn event(e: &Activity, users: &HashMap<i64, Uuid>) -> Option<Value> {
    let text = |v: &Option<Value>| v.clone().unwrap_or(Value::Null);
    let mut m = Map::new();
    let kind = match (e.action.as_str(), e.field.as_deref()) {
        ("create", _) => "case_created",
        ("update", Some("title")) => {
            m.insert("field".into(), json!("summary"));
            m.insert("old".into(), text(&e.old));
            m.insert("new".into(), text(&e.new));
            "case_updated"
        }
        ("update", Some("status")) => {
            m.insert("old".into(), text(&e.old));
            m.insert("new".into(), text(&e.new));
            if e.new.as_ref().and_then(Value::as_str) == Some("closed") {
                "case_closed"
            } else if e.old.as_ref().and_then(Value::as_str) == Some("closed") {
                "case_reopened"
            } else {
                "status_changed"
            }
        }
        ("update", Some(f @ ("priority" | "severity"))) => {
            m.insert("old".into(), text(&e.old));
            m.insert("new".into(), text(&e.new));
            if f == "priority" {
                "priority_changed"
            } else {
                "severity_changed"
            }
        }
        ("update", Some("custom")) => {
            let as_map = |v: &Option<Value>| match v {
                Some(Value::Object(m)) => m.clone(),
                _ => Map::new(),
            };
            let (old, new) = (as_map(&e.old), as_map(&e.new));
            let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
            keys.sort();
            keys.dedup();
            let changes: Vec<Value> = keys
                .into_iter()
                .filter(|k| old.get(*k) != new.get(*k))
                .map(|k| json!({"field": k, "old": old.get(k), "new": new.get(k)}))
                .collect();
            m.insert("changes".into(), Value::Array(changes));
            "fields_changed"
        }
        ("update", Some("assignee")) => {
            // The trail names users by number; the event by id.
            let user = |v: &Option<Value>| {
                v.as_ref()
                    .and_then(Value::as_i64)
                    .and_then(|n| users.get(&n))
                    .map(|u| json!(u))
            };
            m.insert("old".into(), user(&e.old).unwrap_or(Value::Null));
            m.insert("new".into(), user(&e.new).unwrap_or(Value::Null));
            "assignee_changed"
        }
        _ => return None,
    };
    m.insert("type".into(), json!(kind));
    if let Some(u) = &e.actor {
        m.insert("user_id".into(), json!(u.id));
    }
    m.insert("created_at".into(), json!(e.at));
    m.retain(|_, v| !v.is_null());
    Some(Value::Object(m))
}
