//! `/api/v1/customers`

use axum::{
    Json,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use dossier_core::model::{Customer, CustomerFilter, CustomerPatch, NewCustomer, Page};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{cases::with_etag, if_match, paging};
use crate::{
    error::{ApiResult, Problem},
    extract::{Auth, JsonBody, QueryMap, key},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(get_one, update, delete))
}

/// Add a customer (workspace admins). The name is unique in the workspace, case-insensitively.
#[utoipa::path(post, path = "/api/v1/customers", tag = "customers", request_body = NewCustomer,
    responses((status = 201, description = "Created", body = Customer), (status = 422, body = Problem),
        (status = 403, body = Problem)))]
async fn create(
    State(s): State<AppState>,
    Auth(a): Auth,
    JsonBody(input): JsonBody<NewCustomer>,
) -> ApiResult<Response> {
    let c = s.core.create_customer(&a, input).await?;
    Ok(with_etag(c.version, (StatusCode::CREATED, Json(c))))
}

/// List customers by number; `q` matches the name or description.
#[utoipa::path(get, path = "/api/v1/customers", tag = "customers",
    params(("q" = Option<String>, Query, description = "Case-insensitive substring of name or description"),
        ("limit" = Option<u32>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = Page<Customer>), (status = 422, body = Problem)))]
async fn list(State(s): State<AppState>, Auth(a): Auth, RawQuery(raw): RawQuery) -> ApiResult<Json<Page<Customer>>> {
    let q = QueryMap::parse(raw.as_deref());
    q.only(&["q", "limit", "cursor"])?;
    let (cursor, limit) = paging(&q)?;
    let filter = CustomerFilter {
        q: q.get("q").map(str::to_owned),
        limit,
        cursor,
    };
    Ok(Json(s.core.list_customers(&a, filter).await?))
}

/// One customer, by number or id.
#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers",
    params(("id" = String, Path, description = "Customer number or UUID")),
    responses((status = 200, body = Customer), (status = 404, body = Problem)))]
async fn get_one(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>) -> ApiResult<Response> {
    let c = s.core.get_customer(&a, key(&id, "customer")?).await?;
    Ok(with_etag(c.version, Json(c)))
}

/// Change a customer (workspace admins). Send the `version` you read (or `If-Match`).
#[utoipa::path(patch, path = "/api/v1/customers/{id}", tag = "customers", request_body = CustomerPatch,
    params(("id" = String, Path, description = "Customer number or UUID")),
    responses((status = 200, body = Customer), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn update(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(mut patch): JsonBody<CustomerPatch>,
) -> ApiResult<Response> {
    let k = key(&id, "customer")?;
    if patch.version.is_none() {
        patch.version = if_match(&headers)?;
    }
    let c = s.core.update_customer(&a, k, patch).await?;
    Ok(with_etag(c.version, Json(c)))
}

/// Delete a customer (workspace admins); refused (409) while a case or an alert names it.
#[utoipa::path(delete, path = "/api/v1/customers/{id}", tag = "customers",
    params(("id" = String, Path, description = "Customer number or UUID")),
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn delete(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>) -> ApiResult<impl IntoResponse> {
    s.core.delete_customer(&a, key(&id, "customer")?).await?;
    Ok(StatusCode::NO_CONTENT)
}
