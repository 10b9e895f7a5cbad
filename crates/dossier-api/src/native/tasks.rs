//! Tasks: `/api/v1/cases/{id}/tasks` (case tasks), `/api/v1/tasks` (global tasks, and every task
//! by number or UUID).

use axum::{
    Json,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use dossier_core::model::{Activity, NewTask, Page, Task, TaskAssignee, TaskFilter, TaskPatch, TaskScope, TaskSort};
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{cases::with_etag, if_match, paging};
use crate::{
    error::{ApiError, ApiResult, Problem},
    extract::{Auth, JsonBody, QueryMap, key},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_in_case, list_in_case))
        .routes(routes!(create_global, list))
        .routes(routes!(get_one, update, delete))
        .routes(routes!(activity))
}

/// Query parameters of a task list (documentation; parsed leniently by `QueryMap`).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct ListParams {
    /// `global` (default, tasks of no case) or `all`.
    scope: Option<String>,
    /// Only the tasks of this case (number or UUID); overrides `scope`.
    case: Option<String>,
    /// Task status ids, comma-separated or repeated: `1,2`.
    status: Option<String>,
    /// A user id, `me`, or `none` for unassigned tasks.
    assignee: Option<String>,
    /// Every listed tag must be on the task.
    tags: Option<String>,
    /// `due_at >= due_after` (RFC 3339).
    due_after: Option<String>,
    /// `due_at < due_before` (RFC 3339).
    due_before: Option<String>,
    /// Case-insensitive substring of title or description.
    q: Option<String>,
    /// `number` (default) or `due_at` (undated tasks last).
    sort: Option<String>,
    /// `asc` (default) or `desc`.
    order: Option<String>,
    /// 1–200, default 50.
    limit: Option<u32>,
    cursor: Option<String>,
    /// Also return the total number of matching tasks.
    count: Option<bool>,
}

/// Query parameters of a case's task list.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct CaseListParams {
    /// Task status ids, comma-separated or repeated: `1,2`.
    status: Option<String>,
    /// A user id, `me`, or `none` for unassigned tasks.
    assignee: Option<String>,
    /// Every listed tag must be on the task.
    tags: Option<String>,
    /// `due_at >= due_after` (RFC 3339).
    due_after: Option<String>,
    /// `due_at < due_before` (RFC 3339).
    due_before: Option<String>,
    /// Case-insensitive substring of title or description.
    q: Option<String>,
    /// `number` (default) or `due_at` (undated tasks last).
    sort: Option<String>,
    /// `asc` (default) or `desc`.
    order: Option<String>,
    /// 1–200, default 50.
    limit: Option<u32>,
    cursor: Option<String>,
    /// Also return the total number of matching tasks.
    count: Option<bool>,
}

const CASE_KEYS: &[&str] = &[
    "status",
    "assignee",
    "tags",
    "due_after",
    "due_before",
    "q",
    "sort",
    "order",
    "limit",
    "cursor",
    "count",
];

const ALL_KEYS: &[&str] = &[
    "scope",
    "case",
    "status",
    "assignee",
    "tags",
    "due_after",
    "due_before",
    "q",
    "sort",
    "order",
    "limit",
    "cursor",
    "count",
];

fn filter(raw: Option<&str>, global: bool) -> Result<TaskFilter, ApiError> {
    let q = QueryMap::parse(raw);
    q.only(if global { ALL_KEYS } else { CASE_KEYS })?;
    let (cursor, limit) = paging(&q)?;
    let scope = match q.get("scope") {
        None | Some("global") => TaskScope::Global,
        Some("all") => TaskScope::All,
        Some(v) => {
            return Err(ApiError::field(
                "scope",
                "unknown_value",
                format!("scope: `{v}` is not global or all"),
            ));
        }
    };
    let case = match q.get("case") {
        None => None,
        Some(v) => Some(
            key(v, "case")
                .map_err(|_| ApiError::field("case", "invalid", format!("case: `{v}` is not a case number or UUID")))?,
        ),
    };
    let sort = match q.get("sort") {
        None | Some("number") => TaskSort::Number,
        Some("due_at") => TaskSort::DueAt,
        Some(v) => {
            return Err(ApiError::field(
                "sort",
                "unknown_value",
                format!("sort: unknown key `{v}`; expected number or due_at"),
            ));
        }
    };
    let descending = match q.get("order") {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(v) => {
            return Err(ApiError::field(
                "order",
                "unknown_value",
                format!("order: `{v}` is not asc or desc"),
            ));
        }
    };
    let status = q
        .list("status")
        .iter()
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| ApiError::field("status", "invalid", format!("status: `{v}` is not a task status id")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let assignee = match q.get("assignee") {
        None => None,
        Some("me") => Some(TaskAssignee::Me),
        Some("none") => Some(TaskAssignee::Nobody),
        Some(v) => Some(TaskAssignee::User(Uuid::parse_str(v).map_err(|_| {
            ApiError::field("assignee", "invalid", "assignee must be a user id, `me` or `none`")
        })?)),
    };
    Ok(TaskFilter {
        scope,
        case,
        status,
        assignee,
        tags: q.list("tags"),
        due_after: q.time("due_after")?,
        due_before: q.time("due_before")?,
        q: q.get("q").map(str::to_owned),
        sort,
        descending,
        limit,
        cursor,
        count: q.bool("count")?.unwrap_or(false),
    })
}

/// Add a task to a case.
#[utoipa::path(post, path = "/api/v1/cases/{id}/tasks", tag = "tasks", request_body = NewTask,
    params(("id" = String, Path, description = "Case number or UUID")),
    responses((status = 201, body = Task), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn create_in_case(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<NewTask>,
) -> ApiResult<Response> {
    let t = s.core.create_task(&a, Some(key(&id, "case")?), input).await?;
    Ok(with_etag(t.version, (StatusCode::CREATED, Json(t))))
}

/// A case's tasks: filters, keyset pagination.
#[utoipa::path(get, path = "/api/v1/cases/{id}/tasks", tag = "tasks",
    params(("id" = String, Path, description = "Case number or UUID"), CaseListParams),
    responses((status = 200, body = Page<Task>), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn list_in_case(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Page<Task>>> {
    let f = filter(raw.as_deref(), false)?;
    Ok(Json(s.core.list_tasks(&a, Some(key(&id, "case")?), f).await?))
}

/// Add a global task (one that belongs to no case).
#[utoipa::path(post, path = "/api/v1/tasks", tag = "tasks", request_body = NewTask,
    responses((status = 201, body = Task), (status = 422, body = Problem)))]
async fn create_global(
    State(s): State<AppState>,
    Auth(a): Auth,
    JsonBody(input): JsonBody<NewTask>,
) -> ApiResult<Response> {
    let t = s.core.create_task(&a, None, input).await?;
    Ok(with_etag(t.version, (StatusCode::CREATED, Json(t))))
}

/// Global tasks (default), every task (`scope=all`) or one case's (`case=`).
#[utoipa::path(get, path = "/api/v1/tasks", tag = "tasks", params(ListParams),
    responses((status = 200, body = Page<Task>), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn list(State(s): State<AppState>, Auth(a): Auth, RawQuery(raw): RawQuery) -> ApiResult<Json<Page<Task>>> {
    let f = filter(raw.as_deref(), true)?;
    Ok(Json(s.core.list_tasks(&a, None, f).await?))
}

/// One task (case or global), by number or id.
#[utoipa::path(get, path = "/api/v1/tasks/{id}", tag = "tasks",
    params(("id" = String, Path, description = "Task number or UUID")),
    responses((status = 200, body = Task), (status = 404, body = Problem)))]
async fn get_one(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>) -> ApiResult<Response> {
    let t = s.core.get_task(&a, key(&id, "task")?).await?;
    Ok(with_etag(t.version, Json(t)))
}

/// Change a task. Send the `version` you read (or `If-Match`); a stale one is a 409.
#[utoipa::path(patch, path = "/api/v1/tasks/{id}", tag = "tasks", request_body = TaskPatch,
    params(("id" = String, Path, description = "Task number or UUID")),
    responses((status = 200, body = Task), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn update(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(mut patch): JsonBody<TaskPatch>,
) -> ApiResult<Response> {
    let k = key(&id, "task")?;
    if patch.version.is_none() {
        patch.version = if_match(&headers)?;
    }
    let t = s.core.update_task(&a, k, patch).await?;
    Ok(with_etag(t.version, Json(t)))
}

/// Delete a task.
#[utoipa::path(delete, path = "/api/v1/tasks/{id}", tag = "tasks",
    params(("id" = String, Path, description = "Task number or UUID")),
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem)))]
async fn delete(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>) -> ApiResult<StatusCode> {
    s.core.delete_task(&a, key(&id, "task")?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The task's audit trail, newest first.
#[utoipa::path(get, path = "/api/v1/tasks/{id}/activity", tag = "tasks",
    params(("id" = String, Path, description = "Task number or UUID"), ("limit" = Option<u32>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = Page<Activity>), (status = 404, body = Problem)))]
async fn activity(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Page<Activity>>> {
    let q = QueryMap::parse(raw.as_deref());
    q.only(&["limit", "cursor"])?;
    let (cursor, limit) = paging(&q)?;
    Ok(Json(
        s.core
            .task_activity(&a, key(&id, "task")?, cursor.as_deref(), limit)
            .await?,
    ))
}
