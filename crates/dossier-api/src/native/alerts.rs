//! `/api/v1/alerts`

use axum::{
    Json,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use dossier_core::AlertImport;
use dossier_core::model::{
    Activity, Alert, AlertFilter, AlertIngest, AlertPatch, BatchResult, Case, NewAlert, Page, Severity, Status,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{cases::with_etag, if_match, paging};
use crate::{
    error::{ApiResult, Problem},
    extract::{Auth, JsonBody, OptionalJsonBody, QueryMap, key},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(batch))
        .routes(routes!(get_one, update))
        .routes(routes!(promote))
        .routes(routes!(merge))
        .routes(routes!(activity))
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct ListParams {
    status: Option<String>,
    severity: Option<String>,
    source: Option<String>,
    tags: Option<String>,
    /// Alerts holding every one of these categories (comma-separated).
    category: Option<String>,
    /// Exact, case-insensitive.
    subject_email: Option<String>,
    signal_type: Option<String>,
    platform_event_id: Option<String>,
    flagged: Option<bool>,
    safe: Option<bool>,
    /// Case-insensitive substring of title or description.
    q: Option<String>,
    created_after: Option<String>,
    created_before: Option<String>,
    limit: Option<u32>,
    cursor: Option<String>,
    count: Option<bool>,
}

const LIST_KEYS: &[&str] = &[
    "status",
    "severity",
    "source",
    "tags",
    "category",
    "subject_email",
    "signal_type",
    "platform_event_id",
    "flagged",
    "safe",
    "q",
    "created_after",
    "created_before",
    "limit",
    "cursor",
    "count",
];

/// A batch of alerts.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct Batch {
    /// 1 to 1000 alerts, stored in one transaction (all or none).
    alerts: Vec<NewAlert>,
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
struct Promote {
    /// Title of the new case (default: the alert's title).
    title: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct Merge {
    /// Number or UUID of the case to merge into.
    case_id: String,
}

/// Receive an alert. A repeat (same `source` and `source_ref`) updates the stored alert and
/// counts it: 200 instead of 201, `created: false`.
#[utoipa::path(post, path = "/api/v1/alerts", tag = "alerts", request_body = NewAlert,
    responses((status = 201, body = AlertIngest), (status = 200, description = "A repeat, counted", body = AlertIngest),
        (status = 422, body = Problem)))]
async fn create(State(s): State<AppState>, Auth(a): Auth, JsonBody(input): JsonBody<NewAlert>) -> ApiResult<Response> {
    let out = s.core.create_alert(&a, input).await?;
    let status = if out.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(out)).into_response())
}

/// Receive up to 1000 alerts in one request, deduplicated like single ones.
#[utoipa::path(post, path = "/api/v1/alerts/batch", tag = "alerts", request_body = Batch,
    responses((status = 200, body = BatchResult), (status = 422, body = Problem), (status = 413, body = Problem)))]
async fn batch(
    State(s): State<AppState>,
    Auth(a): Auth,
    JsonBody(input): JsonBody<Batch>,
) -> ApiResult<Json<BatchResult>> {
    Ok(Json(s.core.ingest_alerts(&a, input.alerts).await?))
}

/// List alerts, newest first.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "alerts", params(ListParams),
    responses((status = 200, body = Page<Alert>), (status = 422, body = Problem)))]
async fn list(State(s): State<AppState>, Auth(a): Auth, RawQuery(raw): RawQuery) -> ApiResult<Json<Page<Alert>>> {
    let q = QueryMap::parse(raw.as_deref());
    q.only(LIST_KEYS)?;
    let (cursor, limit) = paging(&q)?;
    let filter = AlertFilter {
        status: q.enums("status", Status::parse, &Status::names())?,
        severity: q.enums("severity", Severity::parse, &Severity::names())?,
        source: q.get("source").map(str::to_owned),
        tags: q.list("tags"),
        category: q.list("category"),
        subject_email: q.get("subject_email").map(str::to_owned),
        signal_type: q.get("signal_type").map(str::to_owned),
        platform_event_id: q.get("platform_event_id").map(str::to_owned),
        flagged: q.bool("flagged")?,
        safe: q.bool("safe")?,
        q: q.get("q").map(str::to_owned),
        created_after: q.time("created_after")?,
        created_before: q.time("created_before")?,
        limit,
        cursor,
        count: q.bool("count")?.unwrap_or(false),
    };
    Ok(Json(s.core.list_alerts(&a, filter).await?))
}

#[utoipa::path(get, path = "/api/v1/alerts/{id}", tag = "alerts",
    params(("id" = String, Path, description = "Alert number or UUID")),
    responses((status = 200, body = Alert), (status = 404, body = Problem)))]
async fn get_one(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>) -> ApiResult<Response> {
    let alert = s.core.get_alert(&a, key(&id, "alert")?).await?;
    Ok(with_etag(alert.version, Json(alert)))
}

#[utoipa::path(patch, path = "/api/v1/alerts/{id}", tag = "alerts", request_body = AlertPatch,
    params(("id" = String, Path, description = "Alert number or UUID")),
    responses((status = 200, body = Alert), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn update(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(mut patch): JsonBody<AlertPatch>,
) -> ApiResult<Response> {
    let k = key(&id, "alert")?;
    if patch.version.is_none() {
        patch.version = if_match(&headers)?;
    }
    let alert = s.core.update_alert(&a, k, patch).await?;
    Ok(with_etag(alert.version, Json(alert)))
}

/// Open a new case from the alert (title, description, severity, TLP, PAP, tags, customer,
/// classification and every observable and asset carried; owned by the alert's assignee, else
/// by the caller); the alert is linked and marked escalated. An escalated alert: 409.
#[utoipa::path(post, path = "/api/v1/alerts/{id}/promote", tag = "alerts", request_body = Promote,
    params(("id" = String, Path, description = "Alert number or UUID")),
    responses((status = 201, body = Case), (status = 404, body = Problem)))]
async fn promote(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    OptionalJsonBody(p): OptionalJsonBody<Promote>,
) -> ApiResult<Response> {
    let k = key(&id, "alert")?;
    let import = AlertImport {
        case_title: p.title,
        ..AlertImport::default()
    };
    let case = s.core.escalate_alert(&a, k, import).await?;
    Ok((StatusCode::CREATED, Json(case)).into_response())
}

/// Attach the alert to an existing case with every observable and asset; the alert is marked
/// merged (an escalated alert stays escalated).
#[utoipa::path(post, path = "/api/v1/alerts/{id}/merge", tag = "alerts", request_body = Merge,
    params(("id" = String, Path, description = "Alert number or UUID")),
    responses((status = 200, body = Alert), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn merge(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    JsonBody(m): JsonBody<Merge>,
) -> ApiResult<Json<Alert>> {
    let k = key(&id, "alert")?;
    let case = dossier_core::Key::parse(&m.case_id)
        .ok_or_else(|| crate::ApiError::field("case_id", "invalid_id", "case_id must be a case number or UUID"))?;
    Ok(Json(
        s.core.merge_alert(&a, k, case, AlertImport::default()).await?.alert,
    ))
}

#[utoipa::path(get, path = "/api/v1/alerts/{id}/activity", tag = "alerts",
    params(("id" = String, Path, description = "Alert number or UUID"), ("limit" = Option<u32>, Query), ("cursor" = Option<String>, Query)),
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
            .alert_activity(&a, key(&id, "alert")?, cursor.as_deref(), limit)
            .await?,
    ))
}
