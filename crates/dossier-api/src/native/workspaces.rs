//! `/api/v1/workspaces`

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use dossier_core::{
    NewWorkspace,
    model::{Member, Role, Workspace},
};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    error::{ApiResult, Problem},
    extract::{Auth, JsonBody, uuid},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one))
        .routes(routes!(members))
        .routes(routes!(set_member, remove_member))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SetRole {
    role: Role,
}

/// Workspaces you belong to (all, for a server administrator).
#[utoipa::path(get, path = "/api/v1/workspaces", tag = "workspaces", responses((status = 200, body = Vec<Workspace>)))]
async fn list(State(s): State<AppState>, Auth(a): Auth) -> ApiResult<Json<Vec<Workspace>>> {
    Ok(Json(s.core.list_workspaces(&a).await?))
}

/// Create a workspace (server administrators); you become its admin.
#[utoipa::path(post, path = "/api/v1/workspaces", tag = "workspaces", request_body = NewWorkspace,
    responses((status = 201, body = Workspace), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create(State(s): State<AppState>, Auth(a): Auth, JsonBody(w): JsonBody<NewWorkspace>) -> ApiResult<Response> {
    Ok((StatusCode::CREATED, Json(s.core.create_workspace(&a, w).await?)).into_response())
}

#[utoipa::path(get, path = "/api/v1/workspaces/{id}", tag = "workspaces", params(("id" = String, Path)),
    responses((status = 200, body = Workspace), (status = 404, body = Problem)))]
async fn get_one(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>) -> ApiResult<Json<Workspace>> {
    Ok(Json(s.core.get_workspace(&a, uuid(&id, "workspace")?).await?))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{id}/members", tag = "workspaces", params(("id" = String, Path)),
    responses((status = 200, body = Vec<Member>), (status = 404, body = Problem)))]
async fn members(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>) -> ApiResult<Json<Vec<Member>>> {
    Ok(Json(s.core.list_members(&a, uuid(&id, "workspace")?).await?))
}

/// Add a member or change their role (workspace admins).
#[utoipa::path(put, path = "/api/v1/workspaces/{id}/members/{user_id}", tag = "workspaces", request_body = SetRole,
    params(("id" = String, Path), ("user_id" = String, Path)),
    responses((status = 200, body = Vec<Member>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn set_member(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, user)): Path<(String, String)>,
    JsonBody(r): JsonBody<SetRole>,
) -> ApiResult<Json<Vec<Member>>> {
    Ok(Json(
        s.core
            .set_member(&a, uuid(&id, "workspace")?, uuid(&user, "user")?, r.role)
            .await?,
    ))
}

/// Remove a member (workspace admins; the last admin stays).
#[utoipa::path(delete, path = "/api/v1/workspaces/{id}/members/{user_id}", tag = "workspaces",
    params(("id" = String, Path), ("user_id" = String, Path)),
    responses((status = 204, description = "Removed"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn remove_member(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, user)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    s.core
        .remove_member(&a, uuid(&id, "workspace")?, uuid(&user, "user")?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
