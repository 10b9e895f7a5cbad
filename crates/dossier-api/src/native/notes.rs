//! Notes: `/api/v1/cases/{id}/note-directories`, `/api/v1/note-directories/{id}`,
//! `/api/v1/cases/{id}/notes`, `/api/v1/notes/{id}` and its revisions.

use axum::{
    Json,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use dossier_core::model::{
    NewNote, NewNoteDirectory, Note, NoteDirectory, NoteDirectoryPatch, NoteFilter, NotePatch, NoteRevision,
    NoteSummary, Page,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{cases::with_etag, if_match, paging};
use crate::{
    error::{ApiResult, Problem},
    extract::{Auth, JsonBody, QueryMap, key, uuid},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_directory, list_directories))
        .routes(routes!(get_directory, update_directory, delete_directory))
        .routes(routes!(create_note, list_notes))
        .routes(routes!(get_note, update_note, delete_note))
        .routes(routes!(revisions))
}

/// Add a note directory to a case.
#[utoipa::path(post, path = "/api/v1/cases/{id}/note-directories", tag = "notes", request_body = NewNoteDirectory,
    params(("id" = String, Path, description = "Case number or UUID")),
    responses((status = 201, body = NoteDirectory), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn create_directory(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<NewNoteDirectory>,
) -> ApiResult<Response> {
    let d = s.core.create_note_directory(&a, key(&id, "case")?, input).await?;
    Ok(with_etag(d.version, (StatusCode::CREATED, Json(d))))
}

/// A case's note directories, flat, sorted by name.
#[utoipa::path(get, path = "/api/v1/cases/{id}/note-directories", tag = "notes",
    params(("id" = String, Path, description = "Case number or UUID"), ("limit" = Option<u32>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = Page<NoteDirectory>), (status = 404, body = Problem)))]
async fn list_directories(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Page<NoteDirectory>>> {
    let q = QueryMap::parse(raw.as_deref());
    q.only(&["limit", "cursor"])?;
    let (cursor, limit) = paging(&q)?;
    Ok(Json(
        s.core
            .list_note_directories(&a, key(&id, "case")?, cursor.as_deref(), limit)
            .await?,
    ))
}

/// One note directory, by number or id.
#[utoipa::path(get, path = "/api/v1/note-directories/{id}", tag = "notes",
    params(("id" = String, Path, description = "Directory number or UUID")),
    responses((status = 200, body = NoteDirectory), (status = 404, body = Problem)))]
async fn get_directory(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>) -> ApiResult<Response> {
    let d = s.core.get_note_directory(&a, key(&id, "directory")?).await?;
    Ok(with_etag(d.version, Json(d)))
}

/// Rename or move a directory (its new parent must be in the same case, and not below it).
#[utoipa::path(patch, path = "/api/v1/note-directories/{id}", tag = "notes", request_body = NoteDirectoryPatch,
    params(("id" = String, Path, description = "Directory number or UUID")),
    responses((status = 200, body = NoteDirectory), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn update_directory(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(mut patch): JsonBody<NoteDirectoryPatch>,
) -> ApiResult<Response> {
    let k = key(&id, "directory")?;
    if patch.version.is_none() {
        patch.version = if_match(&headers)?;
    }
    let d = s.core.update_note_directory(&a, k, patch).await?;
    Ok(with_etag(d.version, Json(d)))
}

/// Delete a directory. One holding notes or subdirectories is a 409 unless `recursive=true`.
#[utoipa::path(delete, path = "/api/v1/note-directories/{id}", tag = "notes",
    params(("id" = String, Path, description = "Directory number or UUID"),
        ("recursive" = Option<bool>, Query, description = "Also delete the subdirectories and notes")),
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn delete_directory(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<StatusCode> {
    let q = QueryMap::parse(raw.as_deref());
    q.only(&["recursive"])?;
    let recursive = q.bool("recursive")?.unwrap_or(false);
    s.core
        .delete_note_directory(&a, key(&id, "directory")?, recursive)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a note to a case (by default in its root directory "Notes").
#[utoipa::path(post, path = "/api/v1/cases/{id}/notes", tag = "notes", request_body = NewNote,
    params(("id" = String, Path, description = "Case number or UUID")),
    responses((status = 201, body = Note), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn create_note(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<NewNote>,
) -> ApiResult<Response> {
    let n = s.core.create_note(&a, key(&id, "case")?, input).await?;
    Ok(with_etag(n.version, (StatusCode::CREATED, Json(n))))
}

/// A case's notes by number, without content.
#[utoipa::path(get, path = "/api/v1/cases/{id}/notes", tag = "notes",
    params(("id" = String, Path, description = "Case number or UUID"),
        ("directory" = Option<String>, Query, description = "Only notes directly in this directory (UUID)"),
        ("q" = Option<String>, Query, description = "Case-insensitive substring of title or content"),
        ("limit" = Option<u32>, Query), ("cursor" = Option<String>, Query), ("count" = Option<bool>, Query)),
    responses((status = 200, body = Page<NoteSummary>), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn list_notes(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Page<NoteSummary>>> {
    let q = QueryMap::parse(raw.as_deref());
    q.only(&["directory", "q", "limit", "cursor", "count"])?;
    let (cursor, limit) = paging(&q)?;
    let directory = match q.get("directory") {
        Some(d) => Some(uuid(d, "directory").map_err(|_| {
            crate::ApiError::field(
                "directory",
                "invalid",
                format!("directory: `{d}` is not a directory UUID"),
            )
        })?),
        None => None,
    };
    let f = NoteFilter {
        directory,
        q: q.get("q").map(str::to_owned),
        limit,
        cursor,
        count: q.bool("count")?.unwrap_or(false),
    };
    Ok(Json(s.core.list_notes(&a, key(&id, "case")?, f).await?))
}

/// One note with its content and the content rendered to sanitised HTML.
#[utoipa::path(get, path = "/api/v1/notes/{id}", tag = "notes",
    params(("id" = String, Path, description = "Note number or UUID")),
    responses((status = 200, body = Note), (status = 404, body = Problem)))]
async fn get_note(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>) -> ApiResult<Response> {
    let n = s.core.get_note(&a, key(&id, "note")?).await?;
    Ok(with_etag(n.version, Json(n)))
}

/// Change a note; a new title or content is a new revision. A stale `version` is a 409.
#[utoipa::path(patch, path = "/api/v1/notes/{id}", tag = "notes", request_body = NotePatch,
    params(("id" = String, Path, description = "Note number or UUID")),
    responses((status = 200, body = Note), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn update_note(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(mut patch): JsonBody<NotePatch>,
) -> ApiResult<Response> {
    let k = key(&id, "note")?;
    if patch.version.is_none() {
        patch.version = if_match(&headers)?;
    }
    let n = s.core.update_note(&a, k, patch).await?;
    Ok(with_etag(n.version, Json(n)))
}

/// Delete a note with its revisions.
#[utoipa::path(delete, path = "/api/v1/notes/{id}", tag = "notes",
    params(("id" = String, Path, description = "Note number or UUID")),
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem)))]
async fn delete_note(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>) -> ApiResult<StatusCode> {
    s.core.delete_note(&a, key(&id, "note")?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A note's revisions (title and content as saved), newest first.
#[utoipa::path(get, path = "/api/v1/notes/{id}/revisions", tag = "notes",
    params(("id" = String, Path, description = "Note number or UUID"), ("limit" = Option<u32>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = Page<NoteRevision>), (status = 404, body = Problem)))]
async fn revisions(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Page<NoteRevision>>> {
    let q = QueryMap::parse(raw.as_deref());
    q.only(&["limit", "cursor"])?;
    let (cursor, limit) = paging(&q)?;
    Ok(Json(
        s.core
            .note_revisions(&a, key(&id, "note")?, cursor.as_deref(), limit)
            .await?,
    ))
}
