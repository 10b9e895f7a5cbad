//! `/api/v1/me` and the caller's API keys.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use dossier_core::{
    Me,
    model::{ApiKey, NewApiKey, Timestamp},
};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::{
    error::{ApiResult, Problem},
    extract::{Auth, JsonBody, uuid},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(list_keys, create_key))
        .routes(routes!(revoke_key))
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
struct NewKey {
    name: Option<String>,
    /// Create the key for another user (workspace admins).
    user_id: Option<Uuid>,
    /// Bind the key to the current workspace: it cannot act in any other.
    #[serde(default)]
    bind_workspace: bool,
    #[schema(value_type = Option<String>, format = DateTime)]
    expires_at: Option<Timestamp>,
}

/// Who you are, in which workspace, with which role.
#[utoipa::path(get, path = "/api/v1/me", tag = "me", responses((status = 200, body = Me), (status = 401, body = Problem)))]
async fn me(State(s): State<AppState>, Auth(a): Auth) -> ApiResult<Json<Me>> {
    Ok(Json(s.core.me(&a).await?))
}

/// Your API keys (never their secrets).
#[utoipa::path(get, path = "/api/v1/api-keys", tag = "me", responses((status = 200, body = Vec<ApiKey>)))]
async fn list_keys(State(s): State<AppState>, Auth(a): Auth) -> ApiResult<Json<Vec<ApiKey>>> {
    Ok(Json(s.core.list_api_keys(&a, None).await?))
}

/// Create an API key. The secret is in this response only.
#[utoipa::path(post, path = "/api/v1/api-keys", tag = "me", request_body = NewKey,
    responses((status = 201, body = NewApiKey), (status = 422, body = Problem)))]
async fn create_key(State(s): State<AppState>, Auth(a): Auth, JsonBody(k): JsonBody<NewKey>) -> ApiResult<Response> {
    let key = s
        .core
        .create_api_key(&a, k.user_id, k.name, k.bind_workspace, k.expires_at.map(|t| t.0))
        .await?;
    Ok((StatusCode::CREATED, Json(key)).into_response())
}

/// Revoke an API key at once.
#[utoipa::path(delete, path = "/api/v1/api-keys/{id}", tag = "me", params(("id" = String, Path)),
    responses((status = 204, description = "Revoked"), (status = 404, body = Problem)))]
async fn revoke_key(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>) -> ApiResult<StatusCode> {
    s.core.revoke_api_key(&a, uuid(&id, "API key")?).await?;
    Ok(StatusCode::NO_CONTENT)
}
