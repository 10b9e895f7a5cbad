//! Assets: `/api/v1/cases/{id}/assets` and `/api/v1/assets` (the workspace's inventory).

use axum::{
    Json,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use dossier_core::model::{
    Asset, AssetCase, AssetFilter, CaseAsset, CaseAssetFilter, CaseAssetPatch, CompromiseStatus, NewCaseAsset, Page,
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
        .routes(routes!(add, list_of_case))
        .routes(routes!(get_one, update, delete))
        .routes(routes!(list))
        .routes(routes!(get_identity))
        .routes(routes!(cases_of))
}

/// Query parameters of a case's assets.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct CaseListParams {
    /// Asset type ids or exact names, comma-separated or repeated.
    #[param(rename = "type")]
    asset_type: Option<String>,
    /// `to_be_determined`, `compromised`, `not_compromised`, `unknown`.
    compromise_status: Option<String>,
    /// Analysis status ids (1–6 built in).
    analysis_status: Option<String>,
    /// Every listed tag must be on the asset.
    tags: Option<String>,
    /// Case-insensitive substring of the name, description, domain or IP.
    q: Option<String>,
    /// `asc` (default: oldest number first) or `desc`.
    order: Option<String>,
    limit: Option<u32>,
    cursor: Option<String>,
    count: Option<bool>,
}

/// Query parameters of the workspace's assets.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct ListParams {
    #[param(rename = "type")]
    asset_type: Option<String>,
    /// Case-insensitive substring of the name.
    q: Option<String>,
    /// `true`: compromised in some case; `false`: in none.
    compromised: Option<bool>,
    limit: Option<u32>,
    cursor: Option<String>,
    count: Option<bool>,
}

fn ids(q: &QueryMap, key: &str) -> Result<Vec<i64>, ApiError> {
    q.list(key)
        .iter()
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| ApiError::field(key, "invalid", format!("{key}: `{v}` is not an id")))
        })
        .collect()
}

/// Add an asset to a case. The same name (any case) and type already in the case is a 409.
#[utoipa::path(post, path = "/api/v1/cases/{id}/assets", tag = "assets", request_body = NewCaseAsset,
    params(("id" = String, Path, description = "Case number or UUID")),
    responses((status = 201, body = CaseAsset), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn add(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<NewCaseAsset>,
) -> ApiResult<Response> {
    let asset = s.core.add_case_asset(&a, key(&id, "case")?, input).await?;
    Ok(with_etag(
        asset.version,
        (StatusCode::CREATED, Json(asset)).into_response(),
    ))
}

/// A case's assets, by number.
#[utoipa::path(get, path = "/api/v1/cases/{id}/assets", tag = "assets",
    params(("id" = String, Path, description = "Case number or UUID"), CaseListParams),
    responses((status = 200, body = Page<CaseAsset>), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn list_of_case(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Page<CaseAsset>>> {
    let q = QueryMap::parse(raw.as_deref());
    q.only(&[
        "type",
        "compromise_status",
        "analysis_status",
        "tags",
        "q",
        "order",
        "limit",
        "cursor",
        "count",
    ])?;
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
    let f = CaseAssetFilter {
        types: q.list("type"),
        compromise_status: q.enums("compromise_status", CompromiseStatus::parse, &CompromiseStatus::names())?,
        analysis_status: ids(&q, "analysis_status")?,
        tags: q.list("tags"),
        q: q.get("q").map(str::to_owned),
        descending,
        limit,
        cursor,
        count: q.bool("count")?.unwrap_or(false),
    };
    Ok(Json(s.core.list_case_assets(&a, key(&id, "case")?, f).await?))
}

/// One asset of a case, by number or id.
#[utoipa::path(get, path = "/api/v1/cases/{id}/assets/{asset_id}", tag = "assets",
    params(("id" = String, Path, description = "Case number or UUID"), ("asset_id" = String, Path, description = "Asset number or UUID (of the case link)")),
    responses((status = 200, body = CaseAsset), (status = 404, body = Problem)))]
async fn get_one(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, asset)): Path<(String, String)>,
) -> ApiResult<Response> {
    let x = s
        .core
        .get_case_asset(&a, key(&id, "case")?, key(&asset, "asset")?)
        .await?;
    Ok(with_etag(x.version, Json(x)))
}

/// Change a case's asset. Send the `version` you read (or `If-Match`); a stale one is a 409.
/// `observables` replaces the linked observables.
#[utoipa::path(patch, path = "/api/v1/cases/{id}/assets/{asset_id}", tag = "assets", request_body = CaseAssetPatch,
    params(("id" = String, Path, description = "Case number or UUID"), ("asset_id" = String, Path, description = "Asset number or UUID")),
    responses((status = 200, body = CaseAsset), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn update(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, asset)): Path<(String, String)>,
    headers: HeaderMap,
    JsonBody(mut patch): JsonBody<CaseAssetPatch>,
) -> ApiResult<Response> {
    let (c, k) = (key(&id, "case")?, key(&asset, "asset")?);
    if patch.version.is_none() {
        patch.version = if_match(&headers)?;
    }
    let x = s.core.update_case_asset(&a, c, k, patch).await?;
    Ok(with_etag(x.version, Json(x)))
}

/// Remove an asset from a case (the inventory keeps it).
#[utoipa::path(delete, path = "/api/v1/cases/{id}/assets/{asset_id}", tag = "assets",
    params(("id" = String, Path, description = "Case number or UUID"), ("asset_id" = String, Path, description = "Asset number or UUID")),
    responses((status = 204, description = "Removed"), (status = 404, body = Problem)))]
async fn delete(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, asset)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    s.core
        .delete_case_asset(&a, key(&id, "case")?, key(&asset, "asset")?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The workspace's asset inventory, newest first.
#[utoipa::path(get, path = "/api/v1/assets", tag = "assets", params(ListParams),
    responses((status = 200, body = Page<Asset>), (status = 422, body = Problem)))]
async fn list(State(s): State<AppState>, Auth(a): Auth, RawQuery(raw): RawQuery) -> ApiResult<Json<Page<Asset>>> {
    let q = QueryMap::parse(raw.as_deref());
    q.only(&["type", "q", "compromised", "limit", "cursor", "count"])?;
    let (cursor, limit) = paging(&q)?;
    let f = AssetFilter {
        types: q.list("type"),
        q: q.get("q").map(str::to_owned),
        compromised: q.bool("compromised")?,
        limit,
        cursor,
        count: q.bool("count")?.unwrap_or(false),
    };
    Ok(Json(s.core.list_assets(&a, f).await?))
}

/// One asset of the inventory.
#[utoipa::path(get, path = "/api/v1/assets/{id}", tag = "assets",
    params(("id" = String, Path, description = "Asset UUID (`asset_id` of a case asset)")),
    responses((status = 200, body = Asset), (status = 404, body = Problem)))]
async fn get_identity(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>) -> ApiResult<Json<Asset>> {
    Ok(Json(s.core.get_asset(&a, uuid(&id, "asset")?).await?))
}

/// The cases of this workspace that hold an asset, newest link first, in keyset pages
/// (`next_cursor` is present while more follow), with `total` always set to the number of
/// cases holding it.
#[utoipa::path(get, path = "/api/v1/assets/{id}/cases", tag = "assets",
    params(("id" = String, Path, description = "Asset UUID"), ("limit" = Option<u32>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = Page<AssetCase>), (status = 404, body = Problem)))]
async fn cases_of(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Page<AssetCase>>> {
    let q = QueryMap::parse(raw.as_deref());
    q.only(&["limit", "cursor"])?;
    let (cursor, limit) = paging(&q)?;
    Ok(Json(
        s.core
            .asset_cases(&a, uuid(&id, "asset")?, cursor.as_deref(), limit)
            .await?,
    ))
}
