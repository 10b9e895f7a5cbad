//! `/api/v1/case-templates`

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use dossier_core::model::{CaseTemplate, NewCaseTemplate};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    error::{ApiResult, Problem},
    extract::{Auth, JsonBody, key},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, replace, delete))
}

/// Case templates of the workspace.
#[utoipa::path(get, path = "/api/v1/case-templates", tag = "case templates", responses((status = 200, body = Vec<CaseTemplate>)))]
async fn list(State(s): State<AppState>, Auth(a): Auth) -> ApiResult<Json<Vec<CaseTemplate>>> {
    Ok(Json(s.core.list_case_templates(&a).await?))
}

/// Create a case template (workspace admins). Use it with `template` when creating a case.
#[utoipa::path(post, path = "/api/v1/case-templates", tag = "case templates", request_body = NewCaseTemplate,
    responses((status = 201, body = CaseTemplate), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create(
    State(s): State<AppState>,
    Auth(a): Auth,
    JsonBody(t): JsonBody<NewCaseTemplate>,
) -> ApiResult<Response> {
    Ok((StatusCode::CREATED, Json(s.core.create_case_template(&a, t).await?)).into_response())
}

#[utoipa::path(get, path = "/api/v1/case-templates/{id}", tag = "case templates", params(("id" = String, Path, description = "Number or UUID")),
    responses((status = 200, body = CaseTemplate), (status = 404, body = Problem)))]
async fn get_one(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>) -> ApiResult<Json<CaseTemplate>> {
    Ok(Json(s.core.get_case_template(&a, key(&id, "template")?).await?))
}

/// Replace a template (workspace admins); send the `version` read.
#[utoipa::path(put, path = "/api/v1/case-templates/{id}", tag = "case templates", request_body = NewCaseTemplate,
    params(("id" = String, Path, description = "Number or UUID")),
    responses((status = 200, body = CaseTemplate), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn replace(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    JsonBody(t): JsonBody<NewCaseTemplate>,
) -> ApiResult<Json<CaseTemplate>> {
    Ok(Json(s.core.update_case_template(&a, key(&id, "template")?, t).await?))
}

#[utoipa::path(delete, path = "/api/v1/case-templates/{id}", tag = "case templates", params(("id" = String, Path, description = "Number or UUID")),
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem)))]
async fn delete(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>) -> ApiResult<StatusCode> {
    s.core.delete_case_template(&a, key(&id, "template")?).await?;
    Ok(StatusCode::NO_CONTENT)
}
