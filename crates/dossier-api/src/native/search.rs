//! `/api/v1/search`

use axum::{
    Json,
    extract::{RawQuery, State},
};
use dossier_core::model::{Page, SearchHit, SearchKind, SearchQuery};
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::paging;
use crate::{
    error::{ApiError, ApiResult, Problem},
    extract::{Auth, QueryMap},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search))
}

/// Query parameters of search (documentation; parsed by `QueryMap`).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct SearchParams {
    /// 1–200 characters. Three or more match any substring (`evil.example.com`, `10.1.2.3`,
    /// part of a hash); whole words always match.
    q: String,
    /// Comma-separated or repeated: `case,alert,observable,note` (default: all).
    kinds: Option<String>,
    /// 1–200, default 50.
    limit: Option<u32>,
    cursor: Option<String>,
}

/// Search the workspace's cases, alerts, observables and notes, newest first.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(SearchParams),
    responses((status = 200, body = Page<SearchHit>), (status = 422, body = Problem)))]
async fn search(State(s): State<AppState>, Auth(a): Auth, RawQuery(raw): RawQuery) -> ApiResult<Json<Page<SearchHit>>> {
    let q = QueryMap::parse(raw.as_deref());
    q.only(&["q", "kinds", "limit", "cursor"])?;
    let (cursor, limit) = paging(&q)?;
    let text = q
        .get("q")
        .ok_or_else(|| ApiError::field("q", "required", "q (the text to search for) is required"))?;
    let kinds = q.enums("kinds", SearchKind::parse, "case, alert, observable, note")?;
    let query = SearchQuery {
        q: text.to_owned(),
        kinds,
        limit,
        cursor,
    };
    Ok(Json(s.core.search(&a, query).await?))
}
