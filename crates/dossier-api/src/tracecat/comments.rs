//! Case comments: list (oldest first), create, edit, delete.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::IntoResponse,
};
use dossier_core::{
    Key,
    model::{NewComment, TargetKind},
};
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use super::{
    ctx::{Body, TcUser, path_uuid},
    wire::{CommentRead, TcError, TcResult},
};
use crate::state::AppState;

/// The most comments one list returns.
const MAX_COMMENTS: usize = 5000;

#[derive(Deserialize)]
pub struct CasePath {
    case_id: String,
}

#[derive(Deserialize)]
pub struct CommentPath {
    case_id: String,
    comment_id: String,
}

fn case_missing(id: Uuid) -> impl Fn(dossier_core::Error) -> TcError {
    move |e| TcError::core(e, &format!("Case with ID {id} not found"))
}

fn comment_missing(id: Uuid) -> impl Fn(dossier_core::Error) -> TcError {
    move |e| TcError::core(e, &format!("Comment with ID {id} not found"))
}

pub async fn list(State(s): State<AppState>, TcUser(a): TcUser, Path(p): Path<CasePath>) -> TcResult {
    let id = path_uuid(&p.case_id, "case_id")?;
    let users = s.core.workspace_users(&a).await?;
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = s
            .core
            .list_comments(
                &a,
                TargetKind::Case,
                Key::Uuid(id),
                cursor.as_deref(),
                dossier_core::MAX_LIMIT,
            )
            .await
            .map_err(case_missing(id))?;
        out.extend(page.items.iter().map(|c| CommentRead::of(c, &users)));
        match page.next_cursor {
            Some(c) if out.len() < MAX_COMMENTS => cursor = Some(c),
            _ => break,
        }
    }
    Ok(Json(out).into_response())
}

/// `content` (1–5000 characters) and an optional `parent_id`.
fn read(b: &mut Body, required: bool) -> Result<(Option<String>, Option<Option<Uuid>>), TcError> {
    let content = b.string("content", required, 5000);
    if content.as_deref().is_some_and(|c| c.is_empty()) {
        b.problems.push(super::wire::Detail::new(
            "string_too_short",
            &["body", "content"],
            "String should have at least 1 character",
            Value::String(String::new()),
        ));
    }
    let parent = b.uuid("parent_id");
    b.done()?;
    Ok((content, parent))
}

pub async fn create(State(s): State<AppState>, TcUser(a): TcUser, Path(p): Path<CasePath>, mut b: Body) -> TcResult {
    let id = path_uuid(&p.case_id, "case_id")?;
    let (content, parent) = read(&mut b, true)?;
    s.core
        .add_comment(
            &a,
            TargetKind::Case,
            Key::Uuid(id),
            NewComment {
                content: content.unwrap_or_default(),
                parent_id: parent.flatten(),
            },
        )
        .await
        .map_err(case_missing(id))?;
    Ok((StatusCode::CREATED, Json(Value::Null)).into_response())
}

/// The comment, checked to be on this case.
async fn on_case(s: &AppState, a: &dossier_core::Actor, p: &CommentPath) -> Result<Uuid, TcError> {
    let case = path_uuid(&p.case_id, "case_id")?;
    let comment = path_uuid(&p.comment_id, "comment_id")?;
    s.core
        .comment_on(
            a,
            Some(Key::Uuid(case)),
            TargetKind::Case,
            Key::Uuid(case),
            Key::Uuid(comment),
        )
        .await
        .map_err(|e| match e {
            dossier_core::Error::NotFound { entity: "case" } => case_missing(case)(e),
            other => comment_missing(comment)(other),
        })?;
    Ok(comment)
}

pub async fn update(State(s): State<AppState>, TcUser(a): TcUser, Path(p): Path<CommentPath>, mut b: Body) -> TcResult {
    let comment = on_case(&s, &a, &p).await?;
    let (content, _) = read(&mut b, false)?;
    if let Some(c) = content {
        s.core
            .edit_comment(&a, comment, c)
            .await
            .map_err(comment_missing(comment))?;
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn delete(State(s): State<AppState>, TcUser(a): TcUser, Path(p): Path<CommentPath>) -> TcResult {
    let comment = on_case(&s, &a, &p).await?;
    s.core
        .delete_comment(&a, comment)
        .await
        .map_err(comment_missing(comment))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
