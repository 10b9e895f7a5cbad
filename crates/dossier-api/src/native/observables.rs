//! Observables (IOCs): `/api/v1/cases/{id}/observables`, `/api/v1/alerts/{id}/observables`,
//! `/api/v1/observables` (the workspace's identities) and `/api/v1/cases/{id}/related`.

use axum::{
    Json,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use dossier_core::model::{
    AlertObservable, AlertObservableAdded, Capped, CaseObservable, CaseObservableAdded, LinkFilter, NewObservable,
    Observable, ObservableCase, ObservableFilter, ObservablePatch, Page, RelatedCase, Tlp,
};
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{cases::with_etag, if_match, paging};
use crate::{
    error::{ApiError, ApiResult, Problem},
    extract::{Auth, JsonBody, QueryMap, key, uuid},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(add_to_case, list_of_case))
        .routes(routes!(get_one, update, delete))
        .routes(routes!(add_to_alert, list_of_alert))
        .routes(routes!(list))
        .routes(routes!(get_identity))
        .routes(routes!(cases_of))
        .routes(routes!(related))
}

/// Query parameters of a case's (or an alert's) observables.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct LinkParams {
    /// Type ids or exact names, comma-separated or repeated: `ip-any,76`.
    #[param(rename = "type")]
    observable_type: Option<String>,
    /// TLP levels: `amber,red`.
    tlp: Option<String>,
    /// Every listed tag must be on the observable.
    tags: Option<String>,
    is_ioc: Option<bool>,
    /// Case-insensitive substring of the value or the description.
    q: Option<String>,
    /// `asc` (default: oldest number first) or `desc`.
    order: Option<String>,
    /// 1–200, default 50.
    limit: Option<u32>,
    cursor: Option<String>,
    /// Also return the total number of matching observables.
    count: Option<bool>,
}

const LINK_KEYS: &[&str] = &[
    "type", "tlp", "tags", "is_ioc", "q", "order", "limit", "cursor", "count",
];

/// Query parameters of the workspace's observables.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct ListParams {
    /// Type ids or exact names, comma-separated or repeated.
    #[param(rename = "type")]
    observable_type: Option<String>,
    /// Case-insensitive substring of the value (or of the type name), through the search index.
    q: Option<String>,
    limit: Option<u32>,
    cursor: Option<String>,
    count: Option<bool>,
}

fn descending(q: &QueryMap) -> Result<bool, ApiError> {
    match q.get("order") {
        None | Some("asc") => Ok(false),
        Some("desc") => Ok(true),
        Some(v) => Err(ApiError::field(
            "order",
            "unknown_value",
            format!("order: `{v}` is not asc or desc"),
        )),
    }
}

fn link_filter(raw: Option<&str>) -> Result<LinkFilter, ApiError> {
    let q = QueryMap::parse(raw);
    q.only(LINK_KEYS)?;
    let (cursor, limit) = paging(&q)?;
    Ok(LinkFilter {
        types: q.list("type"),
        tlp: q.enums("tlp", Tlp::parse, &Tlp::names())?,
        tags: q.list("tags"),
        is_ioc: q.bool("is_ioc")?,
        q: q.get("q").map(str::to_owned),
        descending: descending(&q)?,
        limit,
        cursor,
        count: q.bool("count")?.unwrap_or(false),
    })
}

/// 201 for a new link, 200 for the existing one.
fn added(created: bool, body: impl IntoResponse) -> Response {
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    (status, body).into_response()
}

/// Add an observable to a case. The value is normalized for its type and validated; the same
/// (type, value) already in the case answers 200 with the existing observable and
/// `created: false`.
#[utoipa::path(post, path = "/api/v1/cases/{id}/observables", tag = "observables", request_body = NewObservable,
    params(("id" = String, Path, description = "Case number or UUID")),
    responses((status = 201, body = CaseObservableAdded), (status = 200, description = "Already in the case", body = CaseObservableAdded),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn add_to_case(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<NewObservable>,
) -> ApiResult<Response> {
    let out = s.core.add_case_observable(&a, key(&id, "case")?, input).await?;
    Ok(added(out.created, Json(out)))
}

/// A case's observables, by number.
#[utoipa::path(get, path = "/api/v1/cases/{id}/observables", tag = "observables",
    params(("id" = String, Path, description = "Case number or UUID"), LinkParams),
    responses((status = 200, body = Page<CaseObservable>), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn list_of_case(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Page<CaseObservable>>> {
    let f = link_filter(raw.as_deref())?;
    Ok(Json(s.core.list_case_observables(&a, key(&id, "case")?, f).await?))
}

/// One observable of a case, by number or id.
#[utoipa::path(get, path = "/api/v1/cases/{id}/observables/{observable_id}", tag = "observables",
    params(("id" = String, Path, description = "Case number or UUID"), ("observable_id" = String, Path, description = "Observable number or UUID (of the case link)")),
    responses((status = 200, body = CaseObservable), (status = 404, body = Problem)))]
async fn get_one(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, obs)): Path<(String, String)>,
) -> ApiResult<Response> {
    let o = s
        .core
        .get_case_observable(&a, key(&id, "case")?, key(&obs, "observable")?)
        .await?;
    Ok(with_etag(o.version, Json(o)))
}

/// Change what the case says about an observable. Send the `version` you read (or
/// `If-Match`); a stale one is a 409. A new `type` or `value` re-points the link.
#[utoipa::path(patch, path = "/api/v1/cases/{id}/observables/{observable_id}", tag = "observables", request_body = ObservablePatch,
    params(("id" = String, Path, description = "Case number or UUID"), ("observable_id" = String, Path, description = "Observable number or UUID")),
    responses((status = 200, body = CaseObservable), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn update(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, obs)): Path<(String, String)>,
    headers: HeaderMap,
    JsonBody(mut patch): JsonBody<ObservablePatch>,
) -> ApiResult<Response> {
    let (c, k) = (key(&id, "case")?, key(&obs, "observable")?);
    if patch.version.is_none() {
        patch.version = if_match(&headers)?;
    }
    let o = s.core.update_case_observable(&a, c, k, patch).await?;
    Ok(with_etag(o.version, Json(o)))
}

/// Remove an observable from a case (other cases and the identity keep it).
#[utoipa::path(delete, path = "/api/v1/cases/{id}/observables/{observable_id}", tag = "observables",
    params(("id" = String, Path, description = "Case number or UUID"), ("observable_id" = String, Path, description = "Observable number or UUID")),
    responses((status = 204, description = "Removed"), (status = 404, body = Problem)))]
async fn delete(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, obs)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    s.core
        .delete_case_observable(&a, key(&id, "case")?, key(&obs, "observable")?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add an observable to an alert (same identity rules as cases; no custom attributes).
#[utoipa::path(post, path = "/api/v1/alerts/{id}/observables", tag = "observables", request_body = NewObservable,
    params(("id" = String, Path, description = "Alert number or UUID")),
    responses((status = 201, body = AlertObservableAdded), (status = 200, description = "Already on the alert", body = AlertObservableAdded),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn add_to_alert(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<NewObservable>,
) -> ApiResult<Response> {
    let out = s.core.add_alert_observable(&a, key(&id, "alert")?, input).await?;
    Ok(added(out.created, Json(out)))
}

/// An alert's observables, oldest first.
#[utoipa::path(get, path = "/api/v1/alerts/{id}/observables", tag = "observables",
    params(("id" = String, Path, description = "Alert number or UUID"), LinkParams),
    responses((status = 200, body = Page<AlertObservable>), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn list_of_alert(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Page<AlertObservable>>> {
    let f = link_filter(raw.as_deref())?;
    Ok(Json(s.core.list_alert_observables(&a, key(&id, "alert")?, f).await?))
}

/// The workspace's observables (one per type and normalized value), newest first, with how
/// many cases and alerts link each.
#[utoipa::path(get, path = "/api/v1/observables", tag = "observables", params(ListParams),
    responses((status = 200, body = Page<Observable>), (status = 422, body = Problem)))]
async fn list(State(s): State<AppState>, Auth(a): Auth, RawQuery(raw): RawQuery) -> ApiResult<Json<Page<Observable>>> {
    let q = QueryMap::parse(raw.as_deref());
    q.only(&["type", "q", "limit", "cursor", "count"])?;
    let (cursor, limit) = paging(&q)?;
    let f = ObservableFilter {
        types: q.list("type"),
        q: q.get("q").map(str::to_owned),
        limit,
        cursor,
        count: q.bool("count")?.unwrap_or(false),
    };
    Ok(Json(s.core.list_observables(&a, f).await?))
}

/// One observable of the workspace.
#[utoipa::path(get, path = "/api/v1/observables/{id}", tag = "observables",
    params(("id" = String, Path, description = "Observable UUID (`observable_id` of a link)")),
    responses((status = 200, body = Observable), (status = 404, body = Problem)))]
async fn get_identity(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>) -> ApiResult<Json<Observable>> {
    Ok(Json(s.core.get_observable(&a, uuid(&id, "observable")?).await?))
}

/// The cases of this workspace that hold an observable, newest link first: cross-case
/// correlation, in keyset pages (`next_cursor` is present while more follow), with `total`
/// always set to the number of cases holding it.
#[utoipa::path(get, path = "/api/v1/observables/{id}/cases", tag = "observables",
    params(("id" = String, Path, description = "Observable UUID"), ("limit" = Option<u32>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = Page<ObservableCase>), (status = 404, body = Problem)))]
async fn cases_of(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Page<ObservableCase>>> {
    let q = QueryMap::parse(raw.as_deref());
    q.only(&["limit", "cursor"])?;
    let (cursor, limit) = paging(&q)?;
    Ok(Json(
        s.core
            .observable_cases(&a, uuid(&id, "observable")?, cursor.as_deref(), limit)
            .await?,
    ))
}

/// Other cases that share at least one observable with this case, most shared first, with the
/// shared values. Only the top `limit` (default 50) cases, found among the cases of the 500
/// most recent other links of each of the case's values: `total` says how many related cases
/// were found, `truncated` whether more exist than `items` shows, and `total_is_lower_bound`
/// whether a value had more links than were looked at (then `total` and the `shared_count`s are
/// lower bounds).
#[utoipa::path(get, path = "/api/v1/cases/{id}/related", tag = "observables",
    params(("id" = String, Path, description = "Case number or UUID"), ("limit" = Option<u32>, Query)),
    responses((status = 200, body = Capped<RelatedCase>), (status = 404, body = Problem)))]
async fn related(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Capped<RelatedCase>>> {
    let q = QueryMap::parse(raw.as_deref());
    q.only(&["limit"])?;
    let (_, limit) = paging(&q)?;
    Ok(Json(s.core.related_cases(&a, key(&id, "case")?, limit).await?))
}
