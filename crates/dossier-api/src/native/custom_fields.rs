//! `/api/v1/custom-fields`: definitions that type-check `custom` values.

use axum::{
    Json,
    extract::{Path, RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use dossier_core::model::{CustomField, CustomFieldPatch, FieldEntity, NewCustomField};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    error::{ApiError, ApiResult, Problem},
    extract::{Auth, JsonBody, QueryMap, uuid},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update, delete))
}

/// Field definitions of the workspace, optionally of one entity (`?entity=case`).
#[utoipa::path(get, path = "/api/v1/custom-fields", tag = "custom fields",
    params(("entity" = Option<String>, Query, description = "case, alert, case_asset, case_observable, note, task, evidence, timeline_event, customer")),
    responses((status = 200, body = Vec<CustomField>), (status = 422, body = Problem)))]
async fn list(State(s): State<AppState>, Auth(a): Auth, RawQuery(raw): RawQuery) -> ApiResult<Json<Vec<CustomField>>> {
    let q = QueryMap::parse(raw.as_deref());
    q.only(&["entity"])?;
    let entity = match q.get("entity") {
        None => None,
        Some(e) => Some(
            FieldEntity::parse(e)
                .ok_or_else(|| ApiError::field("entity", "unknown_value", format!("entity: unknown value `{e}`")))?,
        ),
    };
    Ok(Json(s.core.list_custom_fields(&a, entity).await?))
}

/// Define a custom field (workspace admins).
#[utoipa::path(post, path = "/api/v1/custom-fields", tag = "custom fields", request_body = NewCustomField,
    responses((status = 201, body = CustomField), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create(
    State(s): State<AppState>,
    Auth(a): Auth,
    JsonBody(f): JsonBody<NewCustomField>,
) -> ApiResult<Response> {
    Ok((StatusCode::CREATED, Json(s.core.create_custom_field(&a, f).await?)).into_response())
}

/// Change a definition's label, section, default, options or rules (workspace admins).
#[utoipa::path(patch, path = "/api/v1/custom-fields/{id}", tag = "custom fields", request_body = CustomFieldPatch,
    params(("id" = String, Path)),
    responses((status = 200, body = CustomField), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn update(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    JsonBody(p): JsonBody<CustomFieldPatch>,
) -> ApiResult<Json<CustomField>> {
    Ok(Json(
        s.core.update_custom_field(&a, uuid(&id, "custom field")?, p).await?,
    ))
}

/// Remove a definition; stored values stay as free-form keys.
#[utoipa::path(delete, path = "/api/v1/custom-fields/{id}", tag = "custom fields", params(("id" = String, Path)),
    responses((status = 204, description = "Removed"), (status = 404, body = Problem)))]
async fn delete(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>) -> ApiResult<StatusCode> {
    s.core.delete_custom_field(&a, uuid(&id, "custom field")?).await?;
    Ok(StatusCode::NO_CONTENT)
}
