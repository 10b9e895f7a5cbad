//! `/api/v1/reference/{kind}`: reference lists (built-in IRIS rows plus the workspace's own).

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use dossier_core::model::{ObservableType, RefKey, ReferenceKind, ReferenceList};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    error::{ApiError, ApiResult, Problem},
    extract::Auth,
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(observable_type))
}

/// One reference list, ordered by id: `observable-types`, `asset-types`, `classifications`,
/// `case-states`, `alert-states`, `task-statuses`, `analysis-statuses`, `event-categories`,
/// `evidence-types`, `compromise-statuses` or `tlp`. Each row has the columns of its list.
#[utoipa::path(get, path = "/api/v1/reference/{kind}", tag = "reference",
    params(("kind" = String, Path, description = "The list, e.g. `observable-types`")),
    responses((status = 200, body = ReferenceList), (status = 404, body = Problem)))]
async fn list(State(s): State<AppState>, Auth(a): Auth, Path(kind): Path<String>) -> ApiResult<Json<ReferenceList>> {
    let k = ReferenceKind::parse(&kind).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no reference list `{kind}`; known: {}", ReferenceKind::names()),
        )
    })?;
    Ok(Json(s.core.reference_list(&a, k).await?))
}

/// One observable type by id (`76`) or exact name (`ip-any`), with its validation pattern and
/// hint.
#[utoipa::path(get, path = "/api/v1/reference/observable-types/{id}", tag = "reference",
    params(("id" = String, Path, description = "Type id or exact name")),
    responses((status = 200, body = ObservableType), (status = 404, body = Problem)))]
async fn observable_type(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ObservableType>> {
    Ok(Json(s.core.find_observable_type(&a, &RefKey::Name(id)).await?))
}
