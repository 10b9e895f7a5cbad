//! `/api/v1/cases`

use axum::{
    Json,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use dossier_core::model::{
    Activity, Case, CaseCreated, CaseFilter, CasePatch, CaseSort, NewCase, Page, Priority, Severity, Status,
    SummaryVersion,
};
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{if_match, paging};
use crate::{
    error::{ApiError, ApiResult, Problem},
    extract::{Auth, JsonBody, QueryMap, key},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(create_batch))
        .routes(routes!(get_one, update, delete))
        .routes(routes!(activity))
        .routes(routes!(summary_versions))
}

/// Every saved version of the case summary (its description), newest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/summary-versions", tag = "cases",
    params(("id" = String, Path, description = "Case number or UUID")),
    responses((status = 200, body = Vec<SummaryVersion>), (status = 404, body = Problem)))]
async fn summary_versions(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<SummaryVersion>>> {
    Ok(Json(s.core.case_summary_versions(&a, key(&id, "case")?).await?))
}

/// Query parameters of the case list (documentation; parsed leniently by `QueryMap`).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct ListParams {
    /// Comma-separated or repeated: `new,in_progress`.
    status: Option<String>,
    severity: Option<String>,
    priority: Option<String>,
    /// A user id, or `none` for unassigned cases.
    assignee: Option<String>,
    /// Every listed tag must be on the case.
    tags: Option<String>,
    /// Customer id or number.
    customer: Option<String>,
    /// Case-insensitive substring of title, description or external reference.
    q: Option<String>,
    created_after: Option<String>,
    created_before: Option<String>,
    /// `created_at` (default), `updated_at`, `number`, `severity`, `priority`, `status`.
    sort: Option<String>,
    /// `desc` (default) or `asc`.
    order: Option<String>,
    /// 1–200, default 50.
    limit: Option<u32>,
    cursor: Option<String>,
    /// Also return the total number of matching cases.
    count: Option<bool>,
}

const LIST_KEYS: &[&str] = &[
    "customer",
    "status",
    "severity",
    "priority",
    "assignee",
    "tags",
    "q",
    "created_after",
    "created_before",
    "sort",
    "order",
    "limit",
    "cursor",
    "count",
];

pub(crate) fn with_etag(version: i32, body: impl IntoResponse) -> Response {
    let mut res = body.into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("\"{version}\"")) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

/// Open a case.
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = NewCase,
    responses((status = 201, description = "Created", body = Case), (status = 422, body = Problem), (status = 401, body = Problem)))]
async fn create(State(s): State<AppState>, Auth(a): Auth, JsonBody(input): JsonBody<NewCase>) -> ApiResult<Response> {
    let case = s.core.create_case(&a, input).await?;
    Ok(with_etag(case.version, (StatusCode::CREATED, Json(case))))
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CaseBatch {
    /// 1 to 1000 cases, created in one transaction (all or none).
    cases: Vec<NewCase>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
struct CaseBatchResult {
    /// One entry per submitted case, in order.
    created: Vec<CaseCreated>,
}

/// Open up to 1000 cases at once (imports, migrations from another tool). All or none: a bad
/// case is reported as `cases[i].field` and nothing is written.
#[utoipa::path(post, path = "/api/v1/cases/batch", tag = "cases", request_body = CaseBatch,
    responses((status = 201, body = CaseBatchResult), (status = 422, body = Problem), (status = 401, body = Problem)))]
async fn create_batch(
    State(s): State<AppState>,
    Auth(a): Auth,
    JsonBody(input): JsonBody<CaseBatch>,
) -> ApiResult<(StatusCode, Json<CaseBatchResult>)> {
    let created = s.core.create_cases(&a, input.cases).await?;
    Ok((StatusCode::CREATED, Json(CaseBatchResult { created })))
}

/// List cases: filters, sort, keyset pagination.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(ListParams),
    responses((status = 200, body = Page<Case>), (status = 422, body = Problem)))]
async fn list(State(s): State<AppState>, Auth(a): Auth, RawQuery(raw): RawQuery) -> ApiResult<Json<Page<Case>>> {
    let q = QueryMap::parse(raw.as_deref());
    q.only(LIST_KEYS)?;
    let (cursor, limit) = paging(&q)?;
    let sort = match q.get("sort") {
        None => CaseSort::CreatedAt,
        Some(v) => serde_json::from_value(serde_json::Value::String(v.to_owned())).map_err(|_| {
            ApiError::field(
                "sort",
                "unknown_value",
                format!("sort: unknown key `{v}`; expected created_at, updated_at, number, severity, priority, status"),
            )
        })?,
    };
    let descending = match q.get("order") {
        None | Some("desc") => true,
        Some("asc") => false,
        Some(v) => {
            return Err(ApiError::field(
                "order",
                "unknown_value",
                format!("order: `{v}` is not asc or desc"),
            ));
        }
    };
    let assignee = match q.get("assignee") {
        None => None,
        Some("none") => Some(None),
        Some(v) => Some(Some(Uuid::parse_str(v).map_err(|_| {
            ApiError::field("assignee", "invalid", "assignee must be a user id or `none`")
        })?)),
    };
    let filter = CaseFilter {
        status: q.enums("status", Status::parse, &Status::names())?,
        severity: q.enums("severity", Severity::parse, &Severity::names())?,
        priority: q.enums("priority", Priority::parse, &Priority::names())?,
        assignee,
        customer: q.get("customer").map(str::to_owned),
        tags: q.list("tags"),
        q: q.get("q").map(str::to_owned),
        created_after: q.time("created_after")?,
        created_before: q.time("created_before")?,
        sort,
        descending,
        limit,
        cursor,
        count: q.bool("count")?.unwrap_or(false),
    };
    Ok(Json(s.core.list_cases(&a, filter).await?))
}

/// One case, by number or id.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases",
    params(("id" = String, Path, description = "Case number or UUID")),
    responses((status = 200, body = Case), (status = 404, body = Problem)))]
async fn get_one(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>) -> ApiResult<Response> {
    let case = s.core.get_case(&a, key(&id, "case")?).await?;
    Ok(with_etag(case.version, Json(case)))
}

/// Change a case. Send the `version` you read (or `If-Match`); a stale one is a 409.
#[utoipa::path(patch, path = "/api/v1/cases/{id}", tag = "cases", request_body = CasePatch,
    params(("id" = String, Path, description = "Case number or UUID")),
    responses((status = 200, body = Case), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn update(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(mut patch): JsonBody<CasePatch>,
) -> ApiResult<Response> {
    let k = key(&id, "case")?;
    if patch.version.is_none() {
        patch.version = if_match(&headers)?;
    }
    let case = s.core.update_case(&a, k, patch).await?;
    Ok(with_etag(case.version, Json(case)))
}

/// Delete a case with its tasks, notes, comments and links.
#[utoipa::path(delete, path = "/api/v1/cases/{id}", tag = "cases",
    params(("id" = String, Path, description = "Case number or UUID")),
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem)))]
async fn delete(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>) -> ApiResult<StatusCode> {
    s.core.delete_case(&a, key(&id, "case")?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The case's audit trail, newest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/activity", tag = "cases",
    params(("id" = String, Path, description = "Case number or UUID"), ("limit" = Option<u32>, Query), ("cursor" = Option<String>, Query)),
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
            .case_activity(&a, key(&id, "case")?, cursor.as_deref(), limit)
            .await?,
    ))
}
