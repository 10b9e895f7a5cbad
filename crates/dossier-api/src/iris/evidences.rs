//! Case evidences (`/case/evidences/*`): IRIS "received files", records of metadata (name,
//! size, hash, dates); nothing is uploaded through these routes.

use std::collections::HashMap;

use crate::kit::route::{Routes, get, post};
use axum::extract::{Path, State};
use dossier_core::{
    Actor, CaseFamily, Error, Key, MAX_LIMIT,
    model::{Evidence, EvidenceFilter, EvidencePatch, NewEvidence, ReferenceKind, ReferenceRow, Timestamp, UserRef},
};
use serde_json::{Value, json};

use super::{
    common::{all_pages, family_state, history, number_of, user_numbers},
    ctx::{Fields, ReadCase, WriteCase, path_id},
    wire::{IrisError, IrisResult, datetime, done, ok, opt_datetime, parse_datetime},
};
use crate::state::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .route("/case/evidences/list", get(list))
        .route("/case/evidences/state", get(state))
        .route("/case/evidences/add", post(add))
        .route("/case/evidences/update/{id}", post(update))
        .route("/case/evidences/delete/{id}", post(delete).get(delete))
        .route("/case/evidences/{id}", get(get_one))
}

const NOT_FOUND: &str = "Invalid evidence ID for this case";

/// An evidence of the request's case by IRIS id.
async fn case_evidence(s: &AppState, actor: &Actor, case: i64, raw: &str) -> Result<Evidence, IrisError> {
    let id = path_id(raw, NOT_FOUND)?;
    let e = s
        .core
        .get_evidence(actor, Key::Seq(id))
        .await
        .map_err(|e| IrisError::core(e, NOT_FOUND))?;
    if e.case.number != case {
        return Err(IrisError::bad(NOT_FOUND));
    }
    Ok(e)
}

/// The evidence as `/case/evidences/<id>`, add and update return it.
/// An evidence as IRIS shows it. `modification_history` is read for one evidence, and `{}` in
/// lists, where it would cost a query per row.
async fn evidence_json(s: &AppState, actor: &Actor, e: &Evidence, with_history: bool) -> Result<Value, IrisError> {
    let numbers = user_numbers(s, e.created_by.iter()).await?;
    let history = if with_history {
        let trail = s.core.evidence_activity(actor, Key::Uuid(e.id), None, MAX_LIMIT).await;
        history(&s.core, trail).await?
    } else {
        json!({})
    };
    Ok(json!({
        "id": e.number,
        "file_uuid": e.id,
        "filename": e.filename,
        "date_added": datetime(e.created_at),
        "acquisition_date": opt_datetime(e.acquired_at),
        "file_hash": e.hash,
        "file_description": e.description,
        "file_size": e.size,
        "start_date": opt_datetime(e.start_at),
        "end_date": opt_datetime(e.end_at),
        "case_id": e.case.number,
        "user_id": number_of(&numbers, e.created_by.as_ref()),
        "type_id": e.evidence_type.as_ref().map(|t| t.id),
        "custom_attributes": e.custom,
        "chain_of_custody": e.chain_of_custody,
        "modification_history": history,
    }))
}

/// A core error of an evidence write in IRIS's words.
fn evidence_error(e: Error, missing: &str) -> IrisError {
    IrisError::core(e, missing).rename(&[
        ("size", "file_size"),
        ("hash", "file_hash"),
        ("description", "file_description"),
        ("acquired_at", "acquisition_date"),
        ("start_at", "start_date"),
        ("end_at", "end_date"),
        ("custom", "custom_attributes"),
    ])
}

/// An optional IRIS date-time field: absent → `None`, `null`/`""` → `Some(None)`.
fn date_field(f: &Fields, name: &str) -> Result<Option<Option<Timestamp>>, IrisError> {
    if !f.has(name) {
        return Ok(None);
    }
    match f.opt_str(name)?.filter(|s| !s.trim().is_empty()) {
        None => Ok(Some(None)),
        Some(s) => parse_datetime(&s)
            .map(|t| Some(Some(Timestamp(t))))
            .ok_or_else(|| IrisError::field(name, "Not a valid datetime.")),
    }
}

/// A present nullable field: absent → `None`, present → `Some(value or None)`.
fn present<T>(f: &Fields, name: &str, v: Option<T>) -> Option<Option<T>> {
    f.has(name).then_some(v)
}

async fn list(State(s): State<AppState>, req: ReadCase) -> IrisResult {
    let items = all_pages(|cursor| {
        let f = EvidenceFilter {
            limit: MAX_LIMIT,
            cursor,
            ..EvidenceFilter::default()
        };
        s.core.list_evidence(&req.actor, Key::Seq(req.case), f)
    })
    .await?;
    let types: HashMap<i64, Value> = s
        .core
        .reference_list(&req.actor, ReferenceKind::EvidenceTypes)
        .await?
        .items
        .into_iter()
        .filter_map(|r| match r {
            ReferenceRow::Named(t) => Some((t.id, json!({"id": t.id, "name": t.name, "description": t.description}))),
            _ => None,
        })
        .collect();
    let numbers = user_numbers(&s, items.iter().filter_map(|e| e.created_by.as_ref())).await?;
    let mut emails: HashMap<i64, String> = HashMap::new();
    let mut out = Vec::with_capacity(items.len());
    for e in &items {
        let mut v = evidence_json(&s, &req.actor, e, false).await?;
        let user = match e.created_by.as_ref() {
            Some(u) => user_json(&s, &numbers, &mut emails, u).await?,
            None => Value::Null,
        };
        if let Value::Object(m) = &mut v {
            let ty = e.evidence_type.as_ref().map_or(Value::Null, |t| {
                types
                    .get(&t.id)
                    .cloned()
                    .unwrap_or_else(|| json!({"id": t.id, "name": t.name}))
            });
            m.insert("type".into(), ty);
            m.insert("user".into(), user);
            m.insert("username".into(), json!(e.created_by.as_ref().map(|u| u.login.clone())));
        }
        out.push(v);
    }
    let state = family_state(&s.core, &req.actor, req.case, CaseFamily::Evidences).await?;
    ok("", json!({"evidences": out, "state": state}))
}

/// `{id, user_name, user_login, user_email}` of the user who added an evidence.
async fn user_json(
    s: &AppState,
    numbers: &HashMap<uuid::Uuid, i64>,
    emails: &mut HashMap<i64, String>,
    u: &UserRef,
) -> Result<Value, IrisError> {
    let n = numbers.get(&u.id).copied();
    let email = match n {
        Some(n) => match emails.get(&n) {
            Some(e) => Some(e.clone()),
            None => match s.core.user_by_number(n).await {
                Ok(user) => {
                    emails.insert(n, user.email.clone());
                    Some(user.email)
                }
                Err(Error::NotFound { .. }) => None,
                Err(e) => return Err(e.into()),
            },
        },
        None => None,
    };
    Ok(json!({"id": n, "user_name": u.name, "user_login": u.login, "user_email": email}))
}

async fn state(State(s): State<AppState>, req: ReadCase) -> IrisResult {
    ok(
        "",
        family_state(&s.core, &req.actor, req.case, CaseFamily::Evidences).await?,
    )
}

async fn get_one(State(s): State<AppState>, Path(id): Path<String>, req: ReadCase) -> IrisResult {
    let e = case_evidence(&s, &req.actor, req.case, &id).await?;
    ok("", evidence_json(&s, &req.actor, &e, true).await?)
}

async fn add(State(s): State<AppState>, req: WriteCase) -> IrisResult {
    let f = &req.body;
    let input = NewEvidence {
        filename: f.req_str("filename")?,
        size: f.opt_int("file_size")?,
        hash: f.opt_str("file_hash")?,
        description: f.opt_str("file_description")?,
        type_id: f.opt_int("type_id")?,
        acquired_at: date_field(f, "acquisition_date")?.flatten(),
        start_at: date_field(f, "start_date")?.flatten(),
        end_at: date_field(f, "end_date")?.flatten(),
        chain_of_custody: f.raw("chain_of_custody").filter(|v| !v.is_null()).cloned(),
        custom: f.opt_object("custom_attributes")?.map(Value::Object),
    };
    let e = s
        .core
        .add_evidence(&req.actor, Key::Seq(req.case), input)
        .await
        .map_err(|e| evidence_error(e, "Invalid case ID"))?;
    ok("Evidence added", evidence_json(&s, &req.actor, &e, true).await?)
}

async fn update(State(s): State<AppState>, Path(id): Path<String>, req: WriteCase) -> IrisResult {
    let e = case_evidence(&s, &req.actor, req.case, &id).await?;
    let f = &req.body;
    // A full update re-sends every field; a stored file's own size and hash are not the
    // client's to change, so sending them back unchanged is no change.
    let mut size = present(f, "file_size", f.opt_int("file_size")?);
    let mut hash = present(f, "file_hash", f.opt_str("file_hash")?);
    if e.has_file {
        size = size.filter(|v| *v != e.size);
        hash = hash.filter(|v| *v != e.hash);
    }
    let patch = EvidencePatch {
        filename: f.opt_str("filename")?,
        size,
        hash,
        description: present(f, "file_description", f.opt_str("file_description")?),
        type_id: present(f, "type_id", f.opt_int("type_id")?),
        acquired_at: date_field(f, "acquisition_date")?,
        start_at: date_field(f, "start_date")?,
        end_at: date_field(f, "end_date")?,
        chain_of_custody: present(
            f,
            "chain_of_custody",
            f.raw("chain_of_custody").filter(|v| !v.is_null()).cloned(),
        ),
        custom: f.opt_object("custom_attributes")?.map(Value::Object),
        version: None,
    };
    let e = s
        .core
        .update_evidence(&req.actor, Key::Uuid(e.id), patch)
        .await
        .map_err(|e| evidence_error(e, NOT_FOUND))?;
    ok(
        format!("Evidence {} updated", e.filename),
        evidence_json(&s, &req.actor, &e, true).await?,
    )
}

async fn delete(State(s): State<AppState>, Path(id): Path<String>, req: WriteCase) -> IrisResult {
    let e = case_evidence(&s, &req.actor, req.case, &id).await?;
    s.core
        .delete_evidence(&req.actor, Key::Uuid(e.id))
        .await
        .map_err(|e| IrisError::core(e, NOT_FOUND))?;
    done("Evidence deleted")
}
