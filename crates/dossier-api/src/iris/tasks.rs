//! Case tasks (`/case/tasks/*`) and global tasks (`/global/tasks/*`), plus the user-number
//! helpers the other work-item modules (notes, evidences, comments) share.

use std::collections::HashMap;

use crate::kit::route::{Routes, get, post};
use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use dossier_core::{
    Actor, CaseFamily, Error, Key, MAX_LIMIT,
    model::{NewTask, ReferenceKind, ReferenceRow, Task, TaskFilter, TaskPatch, TaskScope, UserRef},
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{
    common::{all_pages, family_state, history, number_of, split_tags, user_numbers},
    ctx::{Body, Fields, IrisUser, ReadCase, WriteCase, path_id},
    wire::{IrisError, IrisResult, datetime, done, ok, opt_datetime},
};
use crate::state::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .route("/case/tasks/list", get(list))
        .route("/case/tasks/state", get(state))
        .route("/case/tasks/add", post(add))
        .route("/case/tasks/update/{id}", post(update))
        .route("/case/tasks/delete/{id}", post(delete).get(delete))
        .route("/case/tasks/{id}", get(get_one))
        .route("/global/tasks/list", get(global_list))
        .route("/global/tasks/add", post(global_add))
        .route("/global/tasks/update/{id}", post(global_update))
        .route("/global/tasks/delete/{id}", post(global_delete).get(global_delete))
        .route("/global/tasks/{id}", get(global_get))
}

const NOT_FOUND: &str = "Invalid task ID for this case";

// --- Tasks ---

/// A comma-separated IRIS tag string (a list of strings is also taken); absent → `None`,
/// `null` → no tags.
fn tag_list(f: &Fields, name: &str) -> Result<Option<Vec<String>>, IrisError> {
    match f.raw(name) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(Vec::new())),
        Some(Value::String(s)) => Ok(Some(split_tags(Some(s)))),
        Some(Value::Array(items)) => {
            let mut out = Vec::new();
            for i in items {
                match i {
                    Value::String(s) => out.extend(split_tags(Some(s))),
                    _ => return Err(IrisError::field(name, "Not a valid string.")),
                }
            }
            Ok(Some(out))
        }
        Some(_) => Err(IrisError::field(name, "Not a valid string.")),
    }
}

/// `(id, status_name, status_description, status_bscolor)` of every task status.
struct Statuses(Vec<(i64, String, String, String)>);

impl Statuses {
    async fn load(s: &AppState, actor: &Actor) -> Result<Statuses, IrisError> {
        let list = s.core.reference_list(actor, ReferenceKind::TaskStatuses).await?;
        Ok(Statuses(
            list.items
                .into_iter()
                .filter_map(|r| match r {
                    ReferenceRow::TaskStatus(t) => Some((t.id, t.name, t.description, t.color)),
                    _ => None,
                })
                .collect(),
        ))
    }
    fn json(&self) -> Value {
        Value::Array(
            self.0
                .iter()
                .map(|(id, name, desc, color)| {
                    json!({"id": id, "status_name": name, "status_description": desc, "status_bscolor": color})
                })
                .collect(),
        )
    }
    fn color(&self, id: i64) -> String {
        self.0
            .iter()
            .find(|s| s.0 == id)
            .map(|s| s.3.clone())
            .unwrap_or_default()
    }
}

fn task_user_refs(t: &Task) -> impl Iterator<Item = &UserRef> {
    t.assignees
        .iter()
        .chain(t.created_by.iter())
        .chain(t.updated_by.iter())
        .chain(t.closed_by.iter())
}

fn assignees_json(t: &Task, numbers: &HashMap<Uuid, i64>) -> Value {
    Value::Array(
        t.assignees
            .iter()
            .map(|u| json!({"id": number_of(numbers, Some(u)), "user": u.login, "name": u.name}))
            .collect(),
    )
}

/// A case task as `/case/tasks/<id>`, add and update return it.
async fn case_task_json(s: &AppState, actor: &Actor, t: &Task) -> Result<Value, IrisError> {
    let numbers = user_numbers(s, task_user_refs(t)).await?;
    let trail = s.core.task_activity(actor, Key::Uuid(t.id), None, MAX_LIMIT).await;
    Ok(json!({
        "id": t.number,
        "task_uuid": t.id,
        "task_case_id": t.case_number,
        "task_title": t.title,
        "task_description": t.description,
        "task_tags": t.tags.join(","),
        "task_status_id": t.status.id,
        "task_open_date": datetime(t.created_at),
        "task_close_date": opt_datetime(t.closed_at),
        "task_last_update": datetime(t.updated_at),
        "task_userid_open": number_of(&numbers, t.created_by.as_ref()),
        "task_userid_close": number_of(&numbers, t.closed_by.as_ref()),
        "task_userid_update": number_of(&numbers, t.updated_by.as_ref()),
        "task_assignees": assignees_json(t, &numbers),
        "custom_attributes": t.custom,
        "modification_history": history(&s.core, trail).await?,
    }))
}

/// A global task as its routes return it (the list adds `user_name`, `status_*`).
fn global_task_json(t: &Task, numbers: &HashMap<Uuid, i64>) -> Value {
    json!({
        "task_id": t.number,
        "task_uuid": t.id,
        "task_title": t.title,
        "task_description": t.description,
        "task_tags": t.tags.join(","),
        "task_assignee_id": number_of(numbers, t.assignees.first()),
        "task_status_id": t.status.id,
        "task_open_date": datetime(t.created_at),
        "task_close_date": opt_datetime(t.closed_at),
        "task_last_update": datetime(t.updated_at),
        "task_userid_open": number_of(numbers, t.created_by.as_ref()),
        "task_userid_close": number_of(numbers, t.closed_by.as_ref()),
        "task_userid_update": number_of(numbers, t.updated_by.as_ref()),
    })
}

/// A core error of a task write in IRIS's words.
fn task_error(e: Error, not_found: &str) -> IrisError {
    if let Error::Validation(fields) = &e
        && fields.iter().any(|f| f.field == "status_id")
    {
        return IrisError::field("task_status_id", "Invalid task status ID");
    }
    IrisError::core(e, not_found).rename(&[
        ("title", "task_title"),
        ("description", "task_description"),
        ("tags", "task_tags"),
        ("custom", "custom_attributes"),
        ("assignees", "task_assignees_id"),
    ])
}

/// IRIS's minimum title length.
fn check_title(title: &str) -> Result<(), IrisError> {
    if title.trim().chars().count() < 2 {
        return Err(IrisError::field("task_title", "Shorter than minimum length 2."));
    }
    Ok(())
}

/// The UUIDs of the workspace members among IRIS user numbers; other numbers are skipped, as
/// IRIS skips unknown assignees.
async fn members_by_number(s: &AppState, actor: &Actor, numbers: &[i64]) -> Result<Vec<Uuid>, IrisError> {
    if numbers.is_empty() {
        return Ok(Vec::new());
    }
    let members = s.core.list_members(actor, actor.workspace_uuid).await?;
    let by_uuid = user_numbers(s, members.iter().map(|m| &m.user)).await?;
    let mut out = Vec::new();
    for n in numbers {
        if let Some((u, _)) = by_uuid.iter().find(|(_, v)| *v == n)
            && !out.contains(u)
        {
            out.push(*u);
        }
    }
    Ok(out)
}

/// The assignee numbers of a case-task body: `task_assignees_id` (a list), or the v1.0.1
/// single `task_assignee_id` (D4). `None` when neither is sent.
fn assignee_numbers(f: &Fields) -> Result<Option<Vec<i64>>, IrisError> {
    if f.has("task_assignees_id") {
        return f.int_list("task_assignees_id").map(Some);
    }
    if f.has("task_assignee_id") {
        return Ok(Some(f.opt_int("task_assignee_id")?.into_iter().collect()));
    }
    Ok(None)
}

/// A task of the request's case, by IRIS id.
async fn case_task(s: &AppState, actor: &Actor, case: i64, raw: &str) -> Result<Task, IrisError> {
    let id = path_id(raw, NOT_FOUND)?;
    let t = s
        .core
        .get_task(actor, Key::Seq(id))
        .await
        .map_err(|e| IrisError::core(e, NOT_FOUND))?;
    if t.case_number != Some(case) {
        return Err(IrisError::bad(NOT_FOUND));
    }
    Ok(t)
}

async fn list(State(s): State<AppState>, req: ReadCase) -> IrisResult {
    let statuses = Statuses::load(&s, &req.actor).await?;
    let tasks = all_pages(|cursor| {
        let f = TaskFilter {
            limit: MAX_LIMIT,
            cursor,
            ..TaskFilter::default()
        };
        s.core.list_tasks(&req.actor, Some(Key::Seq(req.case)), f)
    })
    .await?;
    let numbers = user_numbers(&s, tasks.iter().flat_map(|t| t.assignees.iter())).await?;
    let items: Vec<Value> = tasks
        .iter()
        .map(|t| {
            json!({
                "task_id": t.number,
                "task_uuid": t.id,
                "task_title": t.title,
                "task_description": t.description,
                "task_open_date": datetime(t.created_at),
                "task_tags": t.tags.join(","),
                "task_status_id": t.status.id,
                "status_name": t.status.name,
                "status_bscolor": statuses.color(t.status.id),
                "task_assignees": assignees_json(t, &numbers),
            })
        })
        .collect();
    let state = family_state(&s.core, &req.actor, req.case, CaseFamily::Tasks).await?;
    ok(
        "",
        json!({"tasks_status": statuses.json(), "tasks": items, "state": state}),
    )
}

async fn state(State(s): State<AppState>, req: ReadCase) -> IrisResult {
    ok(
        "",
        family_state(&s.core, &req.actor, req.case, CaseFamily::Tasks).await?,
    )
}

async fn get_one(State(s): State<AppState>, Path(id): Path<String>, req: ReadCase) -> IrisResult {
    let t = case_task(&s, &req.actor, req.case, &id).await?;
    ok("", case_task_json(&s, &req.actor, &t).await?)
}

async fn add(State(s): State<AppState>, req: WriteCase) -> IrisResult {
    let f = &req.body;
    let title = f.req_str("task_title")?;
    check_title(&title)?;
    let status = f.req_int("task_status_id")?;
    let numbers = assignee_numbers(f)?.unwrap_or_default();
    let assignees = members_by_number(&s, &req.actor, &numbers).await?;
    let input = NewTask {
        title,
        description: f.opt_str("task_description")?,
        status_id: Some(status),
        assignees,
        tags: tag_list(f, "task_tags")?.unwrap_or_default(),
        custom: f.opt_object("custom_attributes")?.map(Value::Object),
        ..NewTask::default()
    };
    let t = s
        .core
        .create_task(&req.actor, Some(Key::Seq(req.case)), input)
        .await
        .map_err(|e| task_error(e, "Invalid case ID"))?;
    ok(
        format!("Task '{}' added", t.title),
        case_task_json(&s, &req.actor, &t).await?,
    )
}

async fn update(State(s): State<AppState>, Path(id): Path<String>, req: WriteCase) -> IrisResult {
    let t = case_task(&s, &req.actor, req.case, &id).await?;
    let f = &req.body;
    let title = f.opt_str("task_title")?;
    if let Some(t) = &title {
        check_title(t)?;
    }
    let assignees = match assignee_numbers(f)? {
        Some(n) => Some(members_by_number(&s, &req.actor, &n).await?),
        None => None,
    };
    let patch = TaskPatch {
        title,
        description: f
            .has("task_description")
            .then(|| f.opt_str("task_description"))
            .transpose()?,
        status_id: f.opt_int("task_status_id")?,
        assignees,
        tags: tag_list(f, "task_tags")?,
        custom: f.opt_object("custom_attributes")?.map(Value::Object),
        ..TaskPatch::default()
    };
    let t = s
        .core
        .update_task(&req.actor, Key::Uuid(t.id), patch)
        .await
        .map_err(|e| task_error(e, NOT_FOUND))?;
    ok(
        format!("Task '{}' updated", t.title),
        case_task_json(&s, &req.actor, &t).await?,
    )
}

async fn delete(State(s): State<AppState>, Path(id): Path<String>, req: WriteCase) -> IrisResult {
    let t = case_task(&s, &req.actor, req.case, &id).await?;
    s.core
        .delete_task(&req.actor, Key::Uuid(t.id))
        .await
        .map_err(|e| IrisError::core(e, NOT_FOUND))?;
    done("Task deleted")
}

// --- Global tasks ---

/// A global task by IRIS id; a case task is not one.
async fn global_task(s: &AppState, actor: &Actor, id: i64) -> Result<Option<Task>, IrisError> {
    match s.core.get_task(actor, Key::Seq(id)).await {
        Ok(t) if t.case_number.is_none() => Ok(Some(t)),
        Ok(_) | Err(Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The one assignee of a global task: an existing member of the workspace.
async fn global_assignee(s: &AppState, actor: &Actor, f: &Fields, required: bool) -> Result<Option<Uuid>, IrisError> {
    let n = if required {
        Some(f.req_int("task_assignee_id")?)
    } else {
        f.opt_int("task_assignee_id")?
    };
    let Some(n) = n else {
        return Ok(None);
    };
    match members_by_number(s, actor, &[n]).await?.first() {
        Some(u) => Ok(Some(*u)),
        None => Err(IrisError::field("task_assignee_id", "Invalid user ID for assignee")),
    }
}

async fn global_list(State(s): State<AppState>, IrisUser(actor): IrisUser) -> IrisResult {
    let statuses = Statuses::load(&s, &actor).await?;
    let tasks = all_pages(|cursor| {
        let f = TaskFilter {
            scope: TaskScope::Global,
            limit: MAX_LIMIT,
            cursor,
            ..TaskFilter::default()
        };
        s.core.list_tasks(&actor, None, f)
    })
    .await?;
    let numbers = user_numbers(&s, tasks.iter().flat_map(task_user_refs)).await?;
    let items: Vec<Value> = tasks
        .iter()
        .map(|t| {
            let mut v = global_task_json(t, &numbers);
            if let Value::Object(m) = &mut v {
                m.insert("user_name".into(), json!(t.assignees.first().map(|u| u.name.clone())));
                m.insert("status_name".into(), json!(t.status.name));
                m.insert("status_bscolor".into(), json!(statuses.color(t.status.id)));
            }
            v
        })
        .collect();
    ok("", json!({"tasks_status": statuses.json(), "tasks": items}))
}

async fn global_get(State(s): State<AppState>, IrisUser(actor): IrisUser, Path(raw): Path<String>) -> IrisResult {
    let missing = || IrisError::bad(format!("Global task ID {raw} not found"));
    let id = raw.trim().parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(missing)?;
    let t = global_task(&s, &actor, id).await?.ok_or_else(missing)?;
    let numbers = user_numbers(&s, task_user_refs(&t)).await?;
    ok("", global_task_json(&t, &numbers))
}

async fn global_add(State(s): State<AppState>, IrisUser(actor): IrisUser, Body(f): Body) -> IrisResult {
    let title = f.req_str("task_title")?;
    check_title(&title)?;
    let status = f.req_int("task_status_id")?;
    let assignee = global_assignee(&s, &actor, &f, true).await?;
    let input = NewTask {
        title,
        description: f.opt_str("task_description")?,
        status_id: Some(status),
        assignees: assignee.into_iter().collect(),
        tags: tag_list(&f, "task_tags")?.unwrap_or_default(),
        custom: f.opt_object("custom_attributes")?.map(Value::Object),
        ..NewTask::default()
    };
    let t = s
        .core
        .create_task(&actor, None, input)
        .await
        .map_err(|e| task_error(e, "Invalid task ID"))?;
    let numbers = user_numbers(&s, task_user_refs(&t)).await?;
    ok("Task added", global_task_json(&t, &numbers))
}

async fn global_update(
    State(s): State<AppState>,
    IrisUser(actor): IrisUser,
    Path(raw): Path<String>,
    Body(f): Body,
) -> IrisResult {
    let invalid = || IrisError::new(StatusCode::BAD_REQUEST, "Data error", json!("Invalid task ID"));
    let id = path_id(&raw, "Invalid task ID").map_err(|_| invalid())?;
    let t = global_task(&s, &actor, id).await?.ok_or_else(invalid)?;
    let title = f.opt_str("task_title")?;
    if let Some(t) = &title {
        check_title(t)?;
    }
    let assignee = global_assignee(&s, &actor, &f, false).await?;
    let patch = TaskPatch {
        title,
        description: f
            .has("task_description")
            .then(|| f.opt_str("task_description"))
            .transpose()?,
        status_id: f.opt_int("task_status_id")?,
        assignees: assignee.map(|u| vec![u]),
        tags: tag_list(&f, "task_tags")?,
        custom: f.opt_object("custom_attributes")?.map(Value::Object),
        ..TaskPatch::default()
    };
    let t = s
        .core
        .update_task(&actor, Key::Uuid(t.id), patch)
        .await
        .map_err(|e| task_error(e, "Invalid task ID"))?;
    let numbers = user_numbers(&s, task_user_refs(&t)).await?;
    ok("Task updated", global_task_json(&t, &numbers))
}

async fn global_delete(State(s): State<AppState>, IrisUser(actor): IrisUser, Path(raw): Path<String>) -> IrisResult {
    const MSG: &str = "Invalid global task ID";
    let id = path_id(&raw, MSG)?;
    let t = global_task(&s, &actor, id).await?.ok_or_else(|| IrisError::bad(MSG))?;
    s.core
        .delete_task(&actor, Key::Uuid(t.id))
        .await
        .map_err(|e| IrisError::core(e, MSG))?;
    done("Task deleted")
}
