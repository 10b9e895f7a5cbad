//! Comments: `/api/v1/cases/{id}/comments`, `/api/v1/alerts/{id}/comments`, `/api/v1/comments/{id}`.

use axum::{
    Json,
    extract::{Path, RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use dossier_core::model::{Comment, NewComment, Page, TargetKind};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::paging;
use crate::{
    error::{ApiResult, Problem},
    extract::{Auth, JsonBody, QueryMap, key, uuid},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_case, add_case))
        .routes(routes!(list_alert, add_alert))
        .routes(routes!(list_task, add_task))
        .routes(routes!(list_note, add_note))
        .routes(routes!(list_timeline, add_timeline))
        .routes(routes!(list_evidence, add_evidence))
        .routes(routes!(list_asset, add_asset))
        .routes(routes!(list_observable, add_observable))
        .routes(routes!(edit, delete))
}

/// Comment routes of an object addressed on its own (`/api/v1/<objects>/{id}/comments`).
macro_rules! flat_comments {
    ($list:ident, $add:ident, $path:literal, $kind:expr, $what:literal) => {
        #[doc = concat!("Comments on a ", $what, ", oldest first.")]
        #[utoipa::path(get, path = $path, tag = "comments",
            params(("id" = String, Path, description = "Number or UUID"), ("limit" = Option<u32>, Query), ("cursor" = Option<String>, Query)),
            responses((status = 200, body = Page<Comment>), (status = 404, body = Problem)))]
        async fn $list(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>, RawQuery(raw): RawQuery) -> ApiResult<Json<Page<Comment>>> {
            list_of(&s, &a, $kind, $what, &id, raw.as_deref()).await
        }

        #[doc = concat!("Comment on a ", $what, ".")]
        #[utoipa::path(post, path = $path, tag = "comments", request_body = NewComment,
            params(("id" = String, Path, description = "Number or UUID")),
            responses((status = 201, body = Comment), (status = 404, body = Problem), (status = 422, body = Problem)))]
        async fn $add(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>, JsonBody(c): JsonBody<NewComment>) -> ApiResult<Response> {
            add_to(&s, &a, $kind, $what, &id, c).await
        }
    };
}

flat_comments!(
    list_task,
    add_task,
    "/api/v1/tasks/{id}/comments",
    TargetKind::Task,
    "task"
);
flat_comments!(
    list_note,
    add_note,
    "/api/v1/notes/{id}/comments",
    TargetKind::Note,
    "note"
);
flat_comments!(
    list_timeline,
    add_timeline,
    "/api/v1/timeline/{id}/comments",
    TargetKind::TimelineEvent,
    "timeline event"
);
flat_comments!(
    list_evidence,
    add_evidence,
    "/api/v1/evidence/{id}/comments",
    TargetKind::Evidence,
    "evidence"
);

/// Comment routes of an object addressed within its case (`/api/v1/cases/{case}/<objects>/{id}/comments`).
macro_rules! nested_comments {
    ($list:ident, $add:ident, $path:literal, $kind:expr, $what:literal) => {
        #[doc = concat!("Comments on a case's ", $what, ", oldest first.")]
        #[utoipa::path(get, path = $path, tag = "comments",
            params(("case" = String, Path, description = "Case number or UUID"), ("id" = String, Path, description = "Number or UUID"),
                ("limit" = Option<u32>, Query), ("cursor" = Option<String>, Query)),
            responses((status = 200, body = Page<Comment>), (status = 404, body = Problem)))]
        async fn $list(
            State(s): State<AppState>,
            Auth(a): Auth,
            Path((case, id)): Path<(String, String)>,
            RawQuery(raw): RawQuery,
        ) -> ApiResult<Json<Page<Comment>>> {
            let q = QueryMap::parse(raw.as_deref());
            q.only(&["limit", "cursor"])?;
            let (cursor, limit) = paging(&q)?;
            let (c, k) = (key(&case, "case")?, key(&id, $what)?);
            Ok(Json(s.core.list_comments_in(&a, Some(c), $kind, k, cursor.as_deref(), limit).await?))
        }

        #[doc = concat!("Comment on a case's ", $what, ".")]
        #[utoipa::path(post, path = $path, tag = "comments", request_body = NewComment,
            params(("case" = String, Path, description = "Case number or UUID"), ("id" = String, Path, description = "Number or UUID")),
            responses((status = 201, body = Comment), (status = 404, body = Problem), (status = 422, body = Problem)))]
        async fn $add(
            State(s): State<AppState>,
            Auth(a): Auth,
            Path((case, id)): Path<(String, String)>,
            JsonBody(c): JsonBody<NewComment>,
        ) -> ApiResult<Response> {
            let (cs, k) = (key(&case, "case")?, key(&id, $what)?);
            let comment = s.core.add_comment_in(&a, Some(cs), $kind, k, c).await?;
            Ok((StatusCode::CREATED, Json(comment)).into_response())
        }
    };
}

nested_comments!(
    list_asset,
    add_asset,
    "/api/v1/cases/{case}/assets/{id}/comments",
    TargetKind::CaseAsset,
    "asset"
);
nested_comments!(
    list_observable,
    add_observable,
    "/api/v1/cases/{case}/observables/{id}/comments",
    TargetKind::CaseObservable,
    "observable"
);

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct Edit {
    content: String,
}

async fn list_of(
    s: &AppState,
    a: &dossier_core::Actor,
    kind: TargetKind,
    what: &str,
    id: &str,
    raw: Option<&str>,
) -> ApiResult<Json<Page<Comment>>> {
    let q = QueryMap::parse(raw);
    q.only(&["limit", "cursor"])?;
    let (cursor, limit) = paging(&q)?;
    Ok(Json(
        s.core
            .list_comments(a, kind, key(id, what)?, cursor.as_deref(), limit)
            .await?,
    ))
}

async fn add_to(
    s: &AppState,
    a: &dossier_core::Actor,
    kind: TargetKind,
    what: &str,
    id: &str,
    c: NewComment,
) -> ApiResult<Response> {
    let comment = s.core.add_comment(a, kind, key(id, what)?, c).await?;
    Ok((StatusCode::CREATED, Json(comment)).into_response())
}

/// Comments on a case, oldest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/comments", tag = "comments",
    params(("id" = String, Path, description = "Case number or UUID"), ("limit" = Option<u32>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = Page<Comment>), (status = 404, body = Problem)))]
async fn list_case(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Page<Comment>>> {
    list_of(&s, &a, TargetKind::Case, "case", &id, raw.as_deref()).await
}

#[utoipa::path(post, path = "/api/v1/cases/{id}/comments", tag = "comments", request_body = NewComment,
    params(("id" = String, Path, description = "Case number or UUID")),
    responses((status = 201, body = Comment), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn add_case(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    JsonBody(c): JsonBody<NewComment>,
) -> ApiResult<Response> {
    add_to(&s, &a, TargetKind::Case, "case", &id, c).await
}

/// Comments on an alert, oldest first.
#[utoipa::path(get, path = "/api/v1/alerts/{id}/comments", tag = "comments",
    params(("id" = String, Path, description = "Alert number or UUID"), ("limit" = Option<u32>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = Page<Comment>), (status = 404, body = Problem)))]
async fn list_alert(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Page<Comment>>> {
    list_of(&s, &a, TargetKind::Alert, "alert", &id, raw.as_deref()).await
}

#[utoipa::path(post, path = "/api/v1/alerts/{id}/comments", tag = "comments", request_body = NewComment,
    params(("id" = String, Path, description = "Alert number or UUID")),
    responses((status = 201, body = Comment), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn add_alert(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    JsonBody(c): JsonBody<NewComment>,
) -> ApiResult<Response> {
    add_to(&s, &a, TargetKind::Alert, "alert", &id, c).await
}

/// Edit your comment.
#[utoipa::path(patch, path = "/api/v1/comments/{id}", tag = "comments", request_body = Edit,
    params(("id" = String, Path, description = "Comment UUID")),
    responses((status = 200, body = Comment), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn edit(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    JsonBody(e): JsonBody<Edit>,
) -> ApiResult<Json<Comment>> {
    Ok(Json(s.core.edit_comment(&a, uuid(&id, "comment")?, e.content).await?))
}

/// Delete a comment (its author or a workspace admin).
#[utoipa::path(delete, path = "/api/v1/comments/{id}", tag = "comments",
    params(("id" = String, Path, description = "Comment UUID")),
    responses((status = 204, description = "Deleted"), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn delete(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>) -> ApiResult<StatusCode> {
    s.core.delete_comment(&a, uuid(&id, "comment")?).await?;
    Ok(StatusCode::NO_CONTENT)
}
