//! Case notes and their directories (`/case/notes/*`). The notes groups of IRIS < 2.4 are
//! gone (410); `group_id` is still taken as the directory of a new note.

use std::collections::HashMap;

use crate::kit::route::{Routes, any, get, post};
use axum::extract::{Path, State};
use dossier_core::{
    Actor, CaseFamily, Error, Key, MAX_LIMIT,
    model::{NewNote, NewNoteDirectory, Note, NoteDirectory, NoteDirectoryPatch, NoteFilter, NotePatch, NoteSummary},
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{
    common::{all_pages, family_state, history, number_of, user_numbers},
    ctx::{IrisUser, ReadCase, WriteCase, path_id},
    wire::{IrisError, IrisResult, datetime, done, ok},
};
use crate::state::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .route("/case/notes/directories/filter", get(directories))
        .route("/case/notes/directories/add", post(directory_add))
        .route("/case/notes/directories/update/{id}", post(directory_update))
        .route(
            "/case/notes/directories/delete/{id}",
            post(directory_delete).get(directory_delete),
        )
        .route("/case/notes/directories/{id}", get(directory_get))
        .route("/case/notes/add", post(add))
        .route("/case/notes/update/{id}", post(update))
        .route("/case/notes/delete/{id}", post(delete).get(delete))
        .route("/case/notes/search", get(search).post(search))
        .route("/case/notes/state", get(state))
        .route("/case/notes/{id}", get(get_one))
        .route("/case/notes/groups/list", any(gone))
        .route("/case/notes/groups/add", any(gone))
        .route("/case/notes/groups/update", any(gone))
        .route("/case/notes/groups/update/{id}", any(gone))
        .route("/case/notes/groups/delete/{id}", any(gone))
        .route("/case/notes/groups/{id}", any(gone))
}

const NO_DIRECTORY: &str = "Invalid directory ID";
const NO_NOTE: &str = "Invalid note ID";
const NO_NOTE_HERE: &str = "Invalid note ID for this case";

async fn gone(IrisUser(_): IrisUser) -> IrisResult {
    Err(IrisError::gone(
        "Endpoint deprecated in v2.4.0. Use /case/notes/directories/... .",
    ))
}

/// Every directory of a case (sorted by name), to map between IRIS numbers and core UUIDs.
struct Dirs {
    case: i64,
    list: Vec<NoteDirectory>,
}

impl Dirs {
    async fn load(s: &AppState, actor: &Actor, case: i64) -> Result<Dirs, IrisError> {
        let core = &s.core;
        let list = all_pages(|cursor| async move {
            core.list_note_directories(actor, Key::Seq(case), cursor.as_deref(), MAX_LIMIT)
                .await
        })
        .await?;
        Ok(Dirs { case, list })
    }
    fn by_number(&self, n: i64) -> Option<&NoteDirectory> {
        self.list.iter().find(|d| d.number == n)
    }
    fn number_of(&self, id: Option<Uuid>) -> Option<i64> {
        id.and_then(|u| self.list.iter().find(|d| d.id == u)).map(|d| d.number)
    }
    /// `{id, name, parent_id, case_id}`.
    fn json(&self, d: &NoteDirectory) -> Value {
        json!({
            "id": d.number,
            "name": d.name,
            "parent_id": self.number_of(d.parent_id),
            "case_id": self.case,
        })
    }
    /// A directory of this case named by an IRIS id in `field` (`0` or `null` is the root).
    fn parent(&self, raw: Option<i64>) -> Result<Option<Uuid>, IrisError> {
        match raw.filter(|n| *n != 0) {
            None => Ok(None),
            Some(n) => self
                .by_number(n)
                .map(|d| Some(d.id))
                .ok_or_else(|| IrisError::field("parent_id", "Invalid parent id for the directory")),
        }
    }
}

/// A core error of a directory write in IRIS's words.
fn dir_error(e: Error) -> IrisError {
    IrisError::core(e, NO_DIRECTORY)
}

async fn directory_get(State(s): State<AppState>, Path(id): Path<String>, req: ReadCase) -> IrisResult {
    let n = path_id(&id, NO_DIRECTORY)?;
    let dirs = Dirs::load(&s, &req.actor, req.case).await?;
    let d = dirs.by_number(n).ok_or_else(|| IrisError::bad(NO_DIRECTORY))?;
    ok("", dirs.json(d))
}

async fn directory_add(State(s): State<AppState>, req: WriteCase) -> IrisResult {
    let name = req.body.req_str("name")?;
    let dirs = Dirs::load(&s, &req.actor, req.case).await?;
    let parent_id = dirs.parent(req.body.opt_int("parent_id")?)?;
    let d = s
        .core
        .create_note_directory(&req.actor, Key::Seq(req.case), NewNoteDirectory { name, parent_id })
        .await
        .map_err(dir_error)?;
    ok("Directory added", dirs.json(&d))
}

async fn directory_update(State(s): State<AppState>, Path(id): Path<String>, req: WriteCase) -> IrisResult {
    let n = path_id(&id, NO_DIRECTORY)?;
    let dirs = Dirs::load(&s, &req.actor, req.case).await?;
    let d = dirs.by_number(n).ok_or_else(|| IrisError::bad(NO_DIRECTORY))?;
    let f = &req.body;
    let parent_id = if f.has("parent_id") {
        Some(dirs.parent(f.opt_int("parent_id")?)?)
    } else {
        None
    };
    let patch = NoteDirectoryPatch {
        name: f.opt_str("name")?,
        parent_id,
        version: None,
    };
    let d = s
        .core
        .update_note_directory(&req.actor, Key::Uuid(d.id), patch)
        .await
        .map_err(dir_error)?;
    ok("Directory modified", dirs.json(&d))
}

async fn directory_delete(State(s): State<AppState>, Path(id): Path<String>, req: WriteCase) -> IrisResult {
    let n = path_id(&id, NO_DIRECTORY)?;
    let dirs = Dirs::load(&s, &req.actor, req.case).await?;
    let d = dirs.by_number(n).ok_or_else(|| IrisError::bad(NO_DIRECTORY))?;
    s.core
        .delete_note_directory(&req.actor, Key::Uuid(d.id), true)
        .await
        .map_err(dir_error)?;
    done("Directory deleted")
}

/// Every note of a case, without content.
async fn case_notes(s: &AppState, actor: &Actor, case: i64, q: Option<String>) -> Result<Vec<NoteSummary>, IrisError> {
    Ok(all_pages(|cursor| {
        let f = NoteFilter {
            q: q.clone(),
            limit: MAX_LIMIT,
            cursor,
            ..NoteFilter::default()
        };
        s.core.list_notes(actor, Key::Seq(case), f)
    })
    .await?)
}

/// The subdirectories of `parent`, each with its own (bounded depth: the core keeps the tree
/// acyclic, the bound keeps a reply finite whatever happens).
fn subdirectories(dirs: &Dirs, parent: Uuid, depth: usize) -> Value {
    if depth > 64 {
        return json!([]);
    }
    Value::Array(
        dirs.list
            .iter()
            .filter(|d| d.parent_id == Some(parent))
            .map(|d| {
                json!({
                    "id": d.number,
                    "name": d.name,
                    "note_count": d.note_count,
                    "subdirectories": subdirectories(dirs, d.id, depth + 1),
                })
            })
            .collect(),
    )
}

/// Every directory of the case, sorted by name, with its subdirectories and its notes.
async fn directories(State(s): State<AppState>, req: ReadCase) -> IrisResult {
    let dirs = Dirs::load(&s, &req.actor, req.case).await?;
    let notes = case_notes(&s, &req.actor, req.case, None).await?;
    let mut by_dir: HashMap<Uuid, Vec<Value>> = HashMap::new();
    for n in &notes {
        by_dir
            .entry(n.directory.id)
            .or_default()
            .push(json!({"id": n.number, "title": n.title}));
    }
    let out: Vec<Value> = dirs
        .list
        .iter()
        .map(|d| {
            json!({
                "id": d.number,
                "name": d.name,
                "note_count": d.note_count,
                "subdirectories": subdirectories(&dirs, d.id, 0),
                "notes": by_dir.remove(&d.id).unwrap_or_default(),
            })
        })
        .collect();
    ok("", out)
}

/// A note of the request's case by IRIS id (a note is in the case when its directory is).
async fn case_note(s: &AppState, actor: &Actor, dirs: &Dirs, raw: &str, missing: &str) -> Result<Note, IrisError> {
    let id = path_id(raw, missing)?;
    let n = s
        .core
        .get_note(actor, Key::Seq(id))
        .await
        .map_err(|e| IrisError::core(e, missing))?;
    if dirs
        .by_number(n.directory.number)
        .is_none_or(|d| d.id != n.directory.id)
    {
        return Err(IrisError::bad(missing));
    }
    Ok(n)
}

async fn note_json(s: &AppState, actor: &Actor, dirs: &Dirs, n: &Note) -> Result<Value, IrisError> {
    let numbers = user_numbers(s, n.created_by.iter()).await?;
    let trail = s.core.note_activity(actor, Key::Uuid(n.id), None, MAX_LIMIT).await;
    let directory = dirs
        .list
        .iter()
        .find(|d| d.id == n.directory.id)
        .map_or(Value::Null, |d| dirs.json(d));
    Ok(json!({
        "note_id": n.number,
        "note_uuid": n.id,
        "note_title": n.title,
        "note_content": n.content,
        "note_user": number_of(&numbers, n.created_by.as_ref()),
        "note_creationdate": datetime(n.created_at),
        "note_lastupdate": datetime(n.updated_at),
        "note_case_id": dirs.case,
        "directory_id": n.directory.number,
        "directory": directory,
        "custom_attributes": n.custom,
        "modification_history": history(&s.core, trail).await?,
    }))
}

/// A core error of a note write in IRIS's words.
fn note_error(e: Error, missing: &str) -> IrisError {
    IrisError::core(e, missing).rename(&[
        ("title", "note_title"),
        ("content", "note_content"),
        ("custom", "custom_attributes"),
    ])
}

async fn get_one(State(s): State<AppState>, Path(id): Path<String>, req: ReadCase) -> IrisResult {
    let dirs = Dirs::load(&s, &req.actor, req.case).await?;
    let n = case_note(&s, &req.actor, &dirs, &id, NO_NOTE).await?;
    ok("", note_json(&s, &req.actor, &dirs, &n).await?)
}

async fn add(State(s): State<AppState>, req: WriteCase) -> IrisResult {
    let f = &req.body;
    let title = f.req_str("note_title")?;
    let dir_field = if f.has("directory_id") || !f.has("group_id") {
        "directory_id"
    } else {
        "group_id"
    };
    let dir = f.req_int(dir_field)?;
    let dirs = Dirs::load(&s, &req.actor, req.case).await?;
    let d = dirs.by_number(dir).ok_or_else(|| IrisError::bad(NO_DIRECTORY))?;
    let input = NewNote {
        title,
        content: f.opt_str("note_content")?.unwrap_or_default(),
        directory_id: Some(d.id),
        custom: f.opt_object("custom_attributes")?.map(Value::Object),
    };
    let n = s
        .core
        .create_note(&req.actor, Key::Seq(req.case), input)
        .await
        .map_err(|e| note_error(e, "Invalid case ID"))?;
    ok(
        format!("Note ID {} created", n.number),
        note_json(&s, &req.actor, &dirs, &n).await?,
    )
}

async fn update(State(s): State<AppState>, Path(id): Path<String>, req: WriteCase) -> IrisResult {
    let dirs = Dirs::load(&s, &req.actor, req.case).await?;
    let n = case_note(&s, &req.actor, &dirs, &id, NO_NOTE_HERE).await?;
    let f = &req.body;
    let directory_id = match f.opt_int("directory_id")? {
        Some(d) => Some(dirs.by_number(d).ok_or_else(|| IrisError::bad(NO_DIRECTORY))?.id),
        None => None,
    };
    let patch = NotePatch {
        title: f.opt_str("note_title")?,
        content: f.opt_str("note_content")?,
        directory_id,
        custom: f.opt_object("custom_attributes")?.map(Value::Object),
        version: None,
    };
    let n = s
        .core
        .update_note(&req.actor, Key::Uuid(n.id), patch)
        .await
        .map_err(|e| note_error(e, NO_NOTE_HERE))?;
    ok(
        format!("Note ID {} saved", n.number),
        note_json(&s, &req.actor, &dirs, &n).await?,
    )
}

async fn delete(State(s): State<AppState>, Path(id): Path<String>, req: WriteCase) -> IrisResult {
    let dirs = Dirs::load(&s, &req.actor, req.case).await?;
    let n = case_note(&s, &req.actor, &dirs, &id, NO_NOTE_HERE).await?;
    s.core
        .delete_note(&req.actor, Key::Uuid(n.id))
        .await
        .map_err(|e| IrisError::core(e, NO_NOTE_HERE))?;
    done(format!("Note deleted {}", n.number))
}

/// Notes whose title or content holds the term (case-insensitive). The term is the client's
/// body `search_term` or IRIS's query `search_input` (D7); IRIS wraps it in `%…%`, so edge
/// `%` wildcards are dropped and a term of only wildcards matches every note.
async fn search(State(s): State<AppState>, req: ReadCase) -> IrisResult {
    let term = match req.body.opt_str("search_term")? {
        Some(t) => Some(t),
        None => req
            .query
            .get("search_input")
            .or_else(|| req.query.get("search_term"))
            .map(str::to_owned),
    };
    let term = term
        .map(|t| t.trim().trim_matches('%').trim().to_owned())
        .filter(|t| !t.is_empty());
    let notes = case_notes(&s, &req.actor, req.case, term)
        .await
        .map_err(|e| e.rename(&[("q", "search_term")]))?;
    let numbers = user_numbers(&s, notes.iter().filter_map(|n| n.created_by.as_ref())).await?;
    let out: Vec<Value> = notes
        .iter()
        .map(|n| {
            json!({
                "note_id": n.number,
                "note_uuid": n.id,
                "note_title": n.title,
                "note_user": number_of(&numbers, n.created_by.as_ref()),
                "note_creationdate": datetime(n.created_at),
                "note_lastupdate": datetime(n.updated_at),
                "note_case_id": req.case,
                "directory_id": n.directory.number,
            })
        })
        .collect();
    ok("", out)
}

async fn state(State(s): State<AppState>, req: ReadCase) -> IrisResult {
    ok(
        "",
        family_state(&s.core, &req.actor, req.case, CaseFamily::Notes).await?,
    )
}
