//! Timeline: `/api/v1/cases/{id}/timeline` and `/api/v1/timeline/{id}`.

use axum::{
    Json,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use dossier_core::model::{NewTimelineEvent, Page, TimelineEvent, TimelineEventPatch, TimelineFilter};
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
        .routes(routes!(create, list))
        .routes(routes!(get_one, update, delete))
}

/// Query parameters of a case's timeline (documentation; parsed leniently by `QueryMap`).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct ListParams {
    /// Event category ids, comma-separated or repeated.
    category: Option<String>,
    /// Every listed tag must be on the event.
    tags: Option<String>,
    /// `occurred_at >= from` (RFC 3339).
    from: Option<String>,
    /// `occurred_at < to` (RFC 3339).
    to: Option<String>,
    /// Events linked to this case asset (link UUID).
    asset: Option<String>,
    /// Events linked to this case observable (link UUID).
    observable: Option<String>,
    /// Case-insensitive substring of title, content, source or raw data.
    q: Option<String>,
    in_summary: Option<bool>,
    /// `asc` (default: oldest first) or `desc`.
    order: Option<String>,
    /// 1–200, default 50.
    limit: Option<u32>,
    cursor: Option<String>,
    /// Also return the total number of matching events.
    count: Option<bool>,
}

const LIST_KEYS: &[&str] = &[
    "category",
    "tags",
    "from",
    "to",
    "asset",
    "observable",
    "q",
    "in_summary",
    "order",
    "limit",
    "cursor",
    "count",
];

fn link_param(q: &QueryMap, name: &'static str) -> Result<Option<Uuid>, ApiError> {
    match q.get(name) {
        None => Ok(None),
        Some(v) => Uuid::parse_str(v.trim())
            .map(Some)
            .map_err(|_| ApiError::field(name, "invalid", format!("{name}: `{v}` is not a UUID"))),
    }
}

/// Add an event to a case's timeline.
#[utoipa::path(post, path = "/api/v1/cases/{id}/timeline", tag = "timeline", request_body = NewTimelineEvent,
    params(("id" = String, Path, description = "Case number or UUID")),
    responses((status = 201, body = TimelineEvent), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn create(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<NewTimelineEvent>,
) -> ApiResult<Response> {
    let e = s.core.create_timeline_event(&a, key(&id, "case")?, input).await?;
    Ok(with_etag(e.version, (StatusCode::CREATED, Json(e))))
}

/// A case's timeline, by time: filters, keyset pagination.
#[utoipa::path(get, path = "/api/v1/cases/{id}/timeline", tag = "timeline",
    params(("id" = String, Path, description = "Case number or UUID"), ListParams),
    responses((status = 200, body = Page<TimelineEvent>), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn list(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Page<TimelineEvent>>> {
    let q = QueryMap::parse(raw.as_deref());
    q.only(LIST_KEYS)?;
    let (cursor, limit) = paging(&q)?;
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
    let category = q
        .list("category")
        .iter()
        .map(|v| {
            v.parse::<i64>().map_err(|_| {
                ApiError::field(
                    "category",
                    "invalid",
                    format!("category: `{v}` is not an event category id"),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let f = TimelineFilter {
        category,
        tags: q.list("tags"),
        from: q.time("from")?,
        to: q.time("to")?,
        asset: link_param(&q, "asset")?,
        observable: link_param(&q, "observable")?,
        q: q.get("q").map(str::to_owned),
        in_summary: q.bool("in_summary")?,
        descending,
        limit,
        cursor,
        count: q.bool("count")?.unwrap_or(false),
    };
    Ok(Json(s.core.list_timeline(&a, key(&id, "case")?, f).await?))
}

/// One timeline event, by number or id.
#[utoipa::path(get, path = "/api/v1/timeline/{id}", tag = "timeline",
    params(("id" = String, Path, description = "Event number or UUID")),
    responses((status = 200, body = TimelineEvent), (status = 404, body = Problem)))]
async fn get_one(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>) -> ApiResult<Response> {
    let e = s.core.get_timeline_event(&a, key(&id, "event")?).await?;
    Ok(with_etag(e.version, Json(e)))
}

/// Change an event; lists (tags, assets, observables) replace. A stale `version` is a 409.
#[utoipa::path(patch, path = "/api/v1/timeline/{id}", tag = "timeline", request_body = TimelineEventPatch,
    params(("id" = String, Path, description = "Event number or UUID")),
    responses((status = 200, body = TimelineEvent), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn update(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(mut patch): JsonBody<TimelineEventPatch>,
) -> ApiResult<Response> {
    let k = key(&id, "event")?;
    if patch.version.is_none() {
        patch.version = if_match(&headers)?;
    }
    let e = s.core.update_timeline_event(&a, k, patch).await?;
    Ok(with_etag(e.version, Json(e)))
}

/// Delete an event (its child events keep existing, without a parent).
#[utoipa::path(delete, path = "/api/v1/timeline/{id}", tag = "timeline",
    params(("id" = String, Path, description = "Event number or UUID")),
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem)))]
async fn delete(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>) -> ApiResult<StatusCode> {
    s.core.delete_timeline_event(&a, key(&id, "event")?).await?;
    Ok(StatusCode::NO_CONTENT)
}
