//! Comments on a case's objects: `/case/<obj>/<id>/comments/{list,add,<c>,<c>/edit,<c>/delete}`
//! for assets, IOCs, notes, tasks, evidences and timeline events (also as `/case/events/`, the
//! path the client uses, D5). Listing answers GET and POST (the client posts, D5). The object id
//! is its IRIS id in the request's case; the comment id is the comment's number.

use crate::kit::route::{Routes, get, post};
use axum::extract::{Path, State};
use dossier_core::{
    Actor, Error, Key, MAX_LIMIT,
    model::{Comment, NewComment, TargetKind},
};
use serde_json::{Value, json};

use super::{
    common::{all_pages, number_of, user_numbers},
    ctx::{ReadCase, WriteCase, path_id},
    wire::{IrisError, IrisResult, datetime, done, ok},
};
use crate::state::AppState;

/// A kind of object that takes comments, as IRIS names it.
#[derive(Debug, Clone, Copy)]
struct Obj {
    kind: TargetKind,
    /// The message for an object that is not in the case.
    not_found: &'static str,
    /// The message of a new comment.
    added: &'static str,
}

const OBJECTS: [(&str, Obj); 7] = [
    (
        "assets",
        Obj {
            kind: TargetKind::CaseAsset,
            not_found: "Invalid asset ID for this case",
            added: "Asset commented",
        },
    ),
    (
        "ioc",
        Obj {
            kind: TargetKind::CaseObservable,
            not_found: "Invalid IOC ID for this case",
            added: "IOC commented",
        },
    ),
    (
        "notes",
        Obj {
            kind: TargetKind::Note,
            not_found: "Invalid note ID for this case",
            added: "Note commented",
        },
    ),
    (
        "tasks",
        Obj {
            kind: TargetKind::Task,
            not_found: "Invalid task ID for this case",
            added: "Task commented",
        },
    ),
    (
        "evidences",
        Obj {
            kind: TargetKind::Evidence,
            not_found: "Invalid evidence ID for this case",
            added: "Evidence commented",
        },
    ),
    (
        "timeline/events",
        Obj {
            kind: TargetKind::TimelineEvent,
            not_found: "Invalid event ID for this case",
            added: "Event commented",
        },
    ),
    (
        "events",
        Obj {
            kind: TargetKind::TimelineEvent,
            not_found: "Invalid event ID for this case",
            added: "Event commented",
        },
    ),
];

const NO_COMMENT: &str = "Invalid comment ID";

pub fn routes() -> Routes {
    let mut r = Routes::new();
    for (name, o) in OBJECTS {
        let base = format!("/case/{name}/{{id}}/comments");
        r = r
            .route(
                &format!("{base}/list"),
                get(move |s: State<AppState>, p: Path<String>, req: ReadCase| list(o, s, p, req))
                    .post(move |s: State<AppState>, p: Path<String>, req: ReadCase| list(o, s, p, req)),
            )
            .route(
                &format!("{base}/add"),
                post(move |s: State<AppState>, p: Path<String>, req: WriteCase| add(o, s, p, req)),
            )
            .route(
                &format!("{base}/{{comment}}"),
                get(move |s: State<AppState>, p: Path<(String, String)>, req: ReadCase| get_one(o, s, p, req)),
            )
            .route(
                &format!("{base}/{{comment}}/edit"),
                post(move |s: State<AppState>, p: Path<(String, String)>, req: WriteCase| edit(o, s, p, req)),
            )
            .route(
                &format!("{base}/{{comment}}/delete"),
                post(move |s: State<AppState>, p: Path<(String, String)>, req: WriteCase| delete(o, s, p, req))
                    .get(move |s: State<AppState>, p: Path<(String, String)>, req: WriteCase| delete(o, s, p, req)),
            );
    }
    r
}

/// `{comment_id, comment_uuid, comment_text, comment_date, comment_update_date,
/// comment_user_id, name, user}`. A comment never edited shows its creation time as its update
/// time (the client reads a string there).
fn comment_json(c: &Comment, numbers: &std::collections::HashMap<uuid::Uuid, i64>) -> Value {
    json!({
        "comment_id": c.number,
        "comment_uuid": c.id,
        "comment_text": c.content,
        "comment_date": datetime(c.created_at),
        "comment_update_date": datetime(c.edited_at.unwrap_or(c.created_at)),
        "comment_user_id": number_of(numbers, c.author.as_ref()),
        "name": c.author.as_ref().map(|u| u.name.clone()),
        "user": c.author.as_ref().map(|u| u.login.clone()),
    })
}

async fn one_json(s: &AppState, c: &Comment) -> Result<Value, IrisError> {
    let numbers = user_numbers(s, c.author.iter()).await?;
    Ok(comment_json(c, &numbers))
}

/// A core error in IRIS's words: an unknown comment, or an object not in the case.
fn comment_error(o: Obj) -> impl Fn(Error) -> IrisError {
    move |e| {
        let missing = match &e {
            Error::NotFound { entity } if *entity == "comment" => NO_COMMENT,
            _ => o.not_found,
        };
        IrisError::core(e, missing).rename(&[("content", "comment_text")])
    }
}

/// The comment `raw_c` on object `raw_id` of the case.
async fn find(s: &AppState, actor: &Actor, case: i64, o: Obj, raw_id: &str, raw_c: &str) -> Result<Comment, IrisError> {
    let id = path_id(raw_id, o.not_found)?;
    let c = path_id(raw_c, NO_COMMENT)?;
    s.core
        .comment_on(actor, Some(Key::Seq(case)), o.kind, Key::Seq(id), Key::Seq(c))
        .await
        .map_err(comment_error(o))
}

async fn list(o: Obj, State(s): State<AppState>, Path(raw): Path<String>, req: ReadCase) -> IrisResult {
    let id = path_id(&raw, o.not_found)?;
    let case = Some(Key::Seq(req.case));
    let (core, actor) = (&s.core, &req.actor);
    let items = all_pages(|cursor| async move {
        core.list_comments_in(actor, case, o.kind, Key::Seq(id), cursor.as_deref(), MAX_LIMIT)
            .await
    })
    .await
    .map_err(comment_error(o))?;
    let numbers = user_numbers(&s, items.iter().filter_map(|c| c.author.as_ref())).await?;
    ok("", items.iter().map(|c| comment_json(c, &numbers)).collect::<Vec<_>>())
}

async fn add(o: Obj, State(s): State<AppState>, Path(raw): Path<String>, req: WriteCase) -> IrisResult {
    let id = path_id(&raw, o.not_found)?;
    let content = req.body.req_str("comment_text")?;
    let c = s
        .core
        .add_comment_in(
            &req.actor,
            Some(Key::Seq(req.case)),
            o.kind,
            Key::Seq(id),
            NewComment {
                content,
                parent_id: None,
            },
        )
        .await
        .map_err(comment_error(o))?;
    ok(o.added, one_json(&s, &c).await?)
}

async fn get_one(
    o: Obj,
    State(s): State<AppState>,
    Path((raw_id, raw_c)): Path<(String, String)>,
    req: ReadCase,
) -> IrisResult {
    let c = find(&s, &req.actor, req.case, o, &raw_id, &raw_c).await?;
    ok("", one_json(&s, &c).await?)
}

async fn edit(
    o: Obj,
    State(s): State<AppState>,
    Path((raw_id, raw_c)): Path<(String, String)>,
    req: WriteCase,
) -> IrisResult {
    let c = find(&s, &req.actor, req.case, o, &raw_id, &raw_c).await?;
    let content = req.body.req_str("comment_text")?;
    let c = s
        .core
        .edit_comment(&req.actor, c.id, content)
        .await
        .map_err(comment_error(o))?;
    ok("Comment edited", one_json(&s, &c).await?)
}

async fn delete(
    o: Obj,
    State(s): State<AppState>,
    Path((raw_id, raw_c)): Path<(String, String)>,
    req: WriteCase,
) -> IrisResult {
    let c = find(&s, &req.actor, req.case, o, &raw_id, &raw_c).await?;
    s.core
        .delete_comment(&req.actor, c.id)
        .await
        .map_err(comment_error(o))?;
    done("Comment deleted")
}
