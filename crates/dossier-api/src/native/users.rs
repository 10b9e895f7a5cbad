//! `/api/v1/users` (workspace admins; server administrators see everyone).

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use dossier_core::{NewUser, UserPatch, model::User};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    error::{ApiResult, Problem},
    extract::{Auth, JsonBody, uuid},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users", responses((status = 200, body = Vec<User>), (status = 403, body = Problem)))]
async fn list(State(s): State<AppState>, Auth(a): Auth) -> ApiResult<Json<Vec<User>>> {
    Ok(Json(s.core.list_users(&a).await?))
}

/// Create a user in your workspace.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewUser,
    responses((status = 201, body = User), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create(State(s): State<AppState>, Auth(a): Auth, JsonBody(u): JsonBody<NewUser>) -> ApiResult<Response> {
    Ok((StatusCode::CREATED, Json(s.core.create_user(&a, u).await?)).into_response())
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = String, Path)),
    responses((status = 200, body = User), (status = 404, body = Problem)))]
async fn get_one(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>) -> ApiResult<Json<User>> {
    Ok(Json(s.core.get_user(&a, uuid(&id, "user")?).await?))
}

/// Change your own name, email or password; admins may also deactivate members.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", request_body = UserPatch, params(("id" = String, Path)),
    responses((status = 200, body = User), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    JsonBody(p): JsonBody<UserPatch>,
) -> ApiResult<Json<User>> {
    Ok(Json(s.core.update_user(&a, uuid(&id, "user")?, p).await?))
}
