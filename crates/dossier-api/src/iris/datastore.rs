//! IRIS routes: a case's datastore (`/datastore/*`) and manual module hooks (`/dim/hooks/call`).
//! Folder ids (`path_id`) and file ids (`file_id`) are the per-workspace numbers of the core's
//! datastore folders and files. Uploads (`multipart/form-data`, part `file_content`) are
//! streamed into the blob store; the client's file update may also come as a plain form.

use std::collections::HashMap;

use crate::kit::route::{Routes, get, post};
use axum::{
    body::{Body, Bytes},
    extract::{DefaultBodyLimit, FromRequest as _, Multipart, Path, Request, State, multipart::Field},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use dossier_core::{
    Actor, DatastoreFile, DatastoreFilePatch, DatastoreFolder, Error, Key, NewDatastoreFile, StagedUpload,
};
use futures_util::StreamExt as _;
use http_body_util::BodyExt as _;
use serde_json::{Map, Value, json};
use tokio::io::AsyncReadExt as _;

use super::{
    common::history,
    ctx::{Fields, IrisUser, Query, ReadCase, WriteCase, check_case, lenient_int, path_id, resolve_cid},
    wire::{IrisError, IrisResult, datetime, done, nf, ok},
};
use crate::{extract::QueryMap, state::AppState};

const NO_FILE: &str = "Invalid file ID for this case";
const NO_NODE: &str = "Invalid path node for this case";
const NO_PARENT: &str = "Parent node is invalid for this case";
const NO_DESTINATION: &str = "Invalid destination node ID for this case";
const NO_DOWNLOAD: &str = "Unable to get requested file ID";

/// The most bytes one text part of an upload may hold.
const MAX_TEXT_PART: usize = 1024 * 1024;
/// What an upload may carry besides the file: text parts and framing.
const TEXT_ALLOWANCE: u64 = 8 * MAX_TEXT_PART as u64 + 64 * 1024;
/// Chunk size of a download.
const READ_CHUNK: usize = 64 * 1024;
/// Deepest folder nesting rendered in the tree.
const MAX_DEPTH: usize = 256;

pub fn routes() -> Routes {
    Routes::new()
        // Uploads are bounded by the core's `max_upload_bytes` while streaming.
        .route("/datastore/file/add/{id}", post(add_file))
        .route("/datastore/file/update/{id}", post(update_file))
        .layer(DefaultBodyLimit::disable())
        .merge(
            Routes::new()
                .route("/datastore/list/tree", get(tree))
                .route("/datastore/file/info/{id}", get(file_info))
                .route("/datastore/file/view/{id}", get(view_file))
                .route("/datastore/file/move/{id}", post(move_file))
                .route("/datastore/file/delete/{id}", post(delete_file).get(delete_file))
                .route("/datastore/folder/add", post(add_folder))
                .route("/datastore/folder/rename/{id}", post(rename_folder))
                .route("/datastore/folder/move/{id}", post(move_folder))
                .route("/datastore/folder/delete/{id}", post(delete_folder).get(delete_folder))
                .route("/dim/hooks/call", post(call_hook)),
        )
}

// ---- Rendering ----

fn folder_json(f: &DatastoreFolder) -> Value {
    json!({
        "path_id": f.number,
        "path_uuid": f.id,
        "path_name": f.name,
        "path_parent_id": f.parent.unwrap_or(0),
        "path_case_id": f.case_number,
        "path_is_root": f.is_root,
    })
}

fn file_json(f: &DatastoreFile, added_by: Value, history: Value) -> Value {
    json!({
        "file_id": f.number,
        "file_uuid": f.id,
        "file_original_name": f.name,
        "file_description": f.description.clone().unwrap_or_default(),
        "file_size": f.size,
        "file_sha256": f.sha256,
        "file_is_ioc": f.is_ioc,
        "file_is_evidence": f.is_evidence,
        "file_password": f.password.clone().unwrap_or_default(),
        "file_tags": f.tags.clone().unwrap_or_default(),
        "file_date_added": datetime(f.created_at),
        "file_case_id": f.case_number,
        "file_parent_id": f.folder,
        "added_by_user_id": added_by,
        "modification_history": history,
    })
}

/// One file with its adder's IRIS id and its history.
async fn one_file(s: &AppState, actor: &Actor, case: i64, f: &DatastoreFile) -> Result<Value, IrisError> {
    let added_by = super::common::user_id(&s.core, f.created_by.as_ref()).await?;
    let trail = s
        .core
        .datastore_file_activity(actor, Key::Seq(case), f.number, None, 100)
        .await;
    Ok(file_json(f, added_by, history(&s.core, trail).await?))
}

/// A folder node of the tree with everything below it.
fn node(
    f: &DatastoreFolder,
    folders: &HashMap<i64, Vec<&DatastoreFolder>>,
    files: &HashMap<i64, Vec<Value>>,
    depth: usize,
) -> Value {
    let mut children = Map::new();
    if depth < MAX_DEPTH {
        for c in folders.get(&f.number).map(Vec::as_slice).unwrap_or_default() {
            children.insert(format!("d-{}", c.number), node(c, folders, files, depth + 1));
        }
    }
    for file in files.get(&f.number).map(Vec::as_slice).unwrap_or_default() {
        children.insert(format!("f-{}", file["file_id"]), file.clone());
    }
    let mut n = json!({"name": f.name, "type": "directory", "children": children});
    if f.is_root {
        n["is_root"] = json!(true);
    }
    n
}

// ---- Case resolution for routes whose body the case extractors do not read ----

/// The case of a write whose body is a form: from the query (the client always sends `?cid=`),
/// else the primary case; write access checked.
async fn write_case(s: &AppState, actor: &Actor, q: &QueryMap) -> Result<i64, IrisError> {
    let (case, _) = resolve_cid(s, actor, q, &mut Fields::default()).await?;
    check_case(s, actor, case, true).await?;
    Ok(case)
}

// ---- Upload bodies ----

/// The text fields of a form and its `file_content` part, staged in the blob store.
#[derive(Default)]
struct Form {
    fields: HashMap<String, String>,
    file: Option<(StagedUpload, String)>,
}

impl Form {
    fn get(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

fn content_type(req: &Request) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim_start()
        .to_ascii_lowercase()
}

fn too_large(limit: u64) -> IrisError {
    IrisError::core(Error::PayloadTooLarge { limit }, "")
}

fn multipart_error(e: &axum::extract::multipart::MultipartError) -> IrisError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        IrisError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The request body is too large",
            json!([]),
        )
    } else {
        IrisError::field(
            "file_content",
            format!("The multipart body is malformed: {}", e.body_text()),
        )
    }
}

async fn text_part(mut field: Field<'_>, name: &str) -> Result<String, IrisError> {
    let mut buf = Vec::new();
    loop {
        match field.chunk().await {
            Ok(Some(c)) => {
                if buf.len() + c.len() > MAX_TEXT_PART {
                    return Err(IrisError::field(
                        name,
                        format!("A text field holds at most {MAX_TEXT_PART} bytes"),
                    ));
                }
                buf.extend_from_slice(&c);
            }
            Ok(None) => break,
            Err(e) => return Err(multipart_error(&e)),
        }
    }
    let s = String::from_utf8(buf).map_err(|_| IrisError::field(name, "Not a valid string."))?;
    if s.contains('\0') {
        return Err(IrisError::field(name, "Not a valid string."));
    }
    Ok(s)
}

/// Reads an upload: multipart (the file streamed to the blob store), or a URL-encoded or JSON
/// form without a file.
async fn read_form(s: &AppState, actor: &Actor, case: i64, req: Request) -> Result<Form, IrisError> {
    let ct = content_type(&req);
    if ct.starts_with("multipart/form-data") {
        let max = s.core.max_upload_bytes();
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > max.saturating_add(TEXT_ALLOWANCE)) {
            return Err(too_large(max));
        }
        let mut mp = Multipart::from_request(req, &())
            .await
            .map_err(|e| IrisError::field("file_content", e.body_text()))?;
        let mut form = Form::default();
        loop {
            let field = match mp.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) => return Err(multipart_error(&e)),
            };
            let name = field.name().unwrap_or("").to_owned();
            if name == "file_content" {
                if form.file.is_some() {
                    return Err(IrisError::field("file_content", "Only one file may be uploaded"));
                }
                let part_name = field.file_name().unwrap_or("").to_owned();
                let mut cut = false;
                let data = field.map(|chunk| {
                    chunk.map_err(|e| {
                        cut = true;
                        std::io::Error::other(e.body_text())
                    })
                });
                let staged = s
                    .core
                    .stage_datastore_upload(actor, Key::Seq(case), data)
                    .await
                    .map_err(|e| match e {
                        Error::Validation(_) if cut => IrisError::field(
                            "file_content",
                            "The upload ended before the file was complete; nothing was stored",
                        ),
                        other => IrisError::core(other, NO_FILE),
                    })?;
                form.file = Some((staged, part_name));
            } else {
                let v = text_part(field, &name).await?;
                form.fields.insert(name, v);
            }
        }
        return Ok(form);
    }
    let limit = s.config.max_body_bytes;
    let bytes: Bytes = http_body_util::Limited::new(req.into_body(), limit)
        .collect()
        .await
        .map_err(|e| {
            if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() {
                IrisError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "The request body is too large",
                    json!([]),
                )
            } else {
                IrisError::bad("The request body could not be read")
            }
        })?
        .to_bytes();
    let mut form = Form::default();
    if ct.starts_with("application/json") {
        let f = Fields::parse(&bytes)?;
        for (k, v) in f.0 {
            let text = match v {
                Value::String(s) => s,
                Value::Null => continue,
                other => other.to_string(),
            };
            form.fields.insert(k, text);
        }
    } else {
        let text = std::str::from_utf8(&bytes).map_err(|_| IrisError::bad("The form is not UTF-8 text"))?;
        for (k, v) in QueryMap::parse(Some(text)).0 {
            form.fields.insert(k, v);
        }
    }
    Ok(form)
}

/// D14: `y`, `true`, `1` (any case) are true; anything else is false.
fn flag(v: Option<&str>) -> Option<bool> {
    v.map(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "y" | "yes" | "true" | "1" | "on"
        )
    })
}

fn file_error(e: Error) -> IrisError {
    match e {
        Error::Validation(problems) => {
            let renamed: Vec<_> = problems
                .into_iter()
                .map(|mut p| {
                    let top = p.field.split(['.', '[']).next().unwrap_or(&p.field).to_owned();
                    let iris = match top.as_str() {
                        "name" => "file_original_name",
                        "description" => "file_description",
                        "password" => "file_password",
                        "tags" => "file_tags",
                        "file" => "file_content",
                        _ => top.as_str(),
                    };
                    p.field = iris.to_owned();
                    p
                })
                .collect();
            IrisError::from_fields(&renamed)
        }
        other => IrisError::core(other, NO_FILE),
    }
}

// ---- Tree and folders ----

async fn tree(State(s): State<AppState>, r: ReadCase) -> IrisResult {
    let t = s
        .core
        .datastore_tree(&r.actor, Key::Seq(r.case))
        .await
        .map_err(nf("Invalid case ID"))?;
    let uuids: Vec<_> = t
        .files
        .iter()
        .filter_map(|f| f.created_by.as_ref().map(|u| u.id))
        .collect();
    let numbers = s.core.user_numbers(&uuids).await.map_err(IrisError::from)?;
    let mut files: HashMap<i64, Vec<Value>> = HashMap::new();
    for f in &t.files {
        let by = f
            .created_by
            .as_ref()
            .and_then(|u| numbers.get(&u.id))
            .map_or(Value::Null, |n| json!(n));
        let mut v = file_json(f, by, json!({}));
        v["type"] = json!("file");
        files.entry(f.folder).or_default().push(v);
    }
    let mut folders: HashMap<i64, Vec<&DatastoreFolder>> = HashMap::new();
    for f in t.folders.iter().filter(|f| !f.is_root) {
        if let Some(p) = f.parent {
            folders.entry(p).or_default().push(f);
        }
    }
    let mut out = Map::new();
    if let Some(root) = t.folders.iter().find(|f| f.is_root) {
        out.insert(format!("d-{}", root.number), node(root, &folders, &files, 0));
    }
    ok("", Value::Object(out))
}

fn folder_name(f: &Fields) -> Result<Option<String>, IrisError> {
    match f.raw("folder_name") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(IrisError::field("folder_name", "Not a valid string.")),
    }
}

fn folder_error(e: Error, not_found: &str) -> IrisError {
    IrisError::core(e, not_found).rename(&[("name", "folder_name"), ("parent", "destination-node")])
}

async fn add_folder(State(s): State<AppState>, r: WriteCase) -> IrisResult {
    let parent = r
        .body
        .opt_int("parent_node")
        .map_err(|_| IrisError::bad("Invalid data"))?;
    let name = folder_name(&r.body)?;
    let (Some(parent), Some(name)) = (parent, name) else {
        return Err(IrisError::bad("Invalid data"));
    };
    let f = s
        .core
        .add_datastore_folder(&r.actor, Key::Seq(r.case), parent, &name)
        .await
        .map_err(|e| folder_error(e, NO_PARENT))?;
    ok("Folder added", folder_json(&f))
}

async fn rename_folder(State(s): State<AppState>, Path(raw): Path<String>, r: WriteCase) -> IrisResult {
    let id = path_id(&raw, NO_PARENT)?;
    let Some(name) = folder_name(&r.body)? else {
        return Err(IrisError::bad("Invalid data"));
    };
    // The client repeats the folder's id as `parent_node`; another id is refused, as IRIS does.
    if let Some(p) = r.body.raw("parent_node").filter(|v| !v.is_null())
        && lenient_int(p) != Some(id)
    {
        return Err(IrisError::bad("Invalid data"));
    }
    let f = s
        .core
        .update_datastore_folder(&r.actor, Key::Seq(r.case), id, Some(name), None)
        .await
        .map_err(|e| folder_error(e, NO_PARENT))?;
    ok("Folder renamed", folder_json(&f))
}

fn destination(f: &Fields) -> Result<i64, IrisError> {
    match f.raw("destination-node") {
        None | Some(Value::Null) => Err(IrisError::bad(NO_DESTINATION)),
        Some(v) => lenient_int(v)
            .filter(|n| *n > 0)
            .ok_or_else(|| IrisError::bad(NO_DESTINATION)),
    }
}

async fn move_folder(State(s): State<AppState>, Path(raw): Path<String>, r: WriteCase) -> IrisResult {
    // IRIS answers an unknown folder here with its file message.
    let id = path_id(&raw, NO_FILE)?;
    let case = Key::Seq(r.case);
    let current = s.core.datastore_folder(&r.actor, case, id).await.map_err(nf(NO_FILE))?;
    let dest = destination(&r.body)?;
    let target = s
        .core
        .datastore_folder(&r.actor, case, dest)
        .await
        .map_err(nf(NO_DESTINATION))?;
    if dest == id {
        return Err(IrisError::bad("A folder cannot be moved into itself"));
    }
    let f = s
        .core
        .update_datastore_folder(&r.actor, case, id, None, Some(dest))
        .await
        .map_err(|e| folder_error(e, NO_FILE))?;
    ok(
        format!("Folder \"{}\" successfully moved to \"{}\"", current.name, target.name),
        folder_json(&f),
    )
}

async fn delete_folder(State(s): State<AppState>, Path(raw): Path<String>, r: WriteCase) -> IrisResult {
    let id = path_id(&raw, NO_PARENT)?;
    s.core
        .delete_datastore_folder(&r.actor, Key::Seq(r.case), id)
        .await
        .map_err(nf(NO_PARENT))?;
    done("Folder and children deleted")
}

// ---- Files ----

async fn add_file(
    State(s): State<AppState>,
    IrisUser(actor): IrisUser,
    Query(q): Query,
    Path(raw): Path<String>,
    req: Request,
) -> IrisResult {
    let case = write_case(&s, &actor, &q).await?;
    let parent = path_id(&raw, NO_NODE)?;
    s.core
        .datastore_folder(&actor, Key::Seq(case), parent)
        .await
        .map_err(nf(NO_NODE))?;
    let form = read_form(&s, &actor, case, req).await?;
    let input = NewDatastoreFile {
        name: String::new(),
        description: form.get("file_description").map(str::to_owned),
        password: form.get("file_password").map(str::to_owned),
        tags: form.get("file_tags").map(str::to_owned).filter(|t| !t.is_empty()),
        is_ioc: flag(form.get("file_is_ioc")).unwrap_or(false),
        is_evidence: flag(form.get("file_is_evidence")).unwrap_or(false),
    };
    let given = form.get("file_original_name").map(str::to_owned);
    let Some((staged, part_name)) = form.file else {
        return Err(IrisError::new(
            StatusCode::BAD_REQUEST,
            "Data error",
            json!(["No file provided"]),
        ));
    };
    let input = NewDatastoreFile {
        name: given.filter(|n| !n.trim().is_empty()).unwrap_or(part_name),
        ..input
    };
    let f = s
        .core
        .add_datastore_file(&actor, Key::Seq(case), parent, input, staged)
        .await
        .map_err(file_error)?;
    let message = match (f.is_ioc, f.is_evidence) {
        (true, true) => "File saved in datastore and added in IOC and evidence",
        (true, false) => "File saved in datastore and added in IOC",
        (false, true) => "File saved in datastore and added in evidence",
        (false, false) => "File saved in datastore",
    };
    ok(message, one_file(&s, &actor, case, &f).await?)
}

async fn file_info(State(s): State<AppState>, Path(raw): Path<String>, r: ReadCase) -> IrisResult {
    let id = path_id(&raw, NO_FILE)?;
    let f = s
        .core
        .get_datastore_file(&r.actor, Key::Seq(r.case), id)
        .await
        .map_err(nf(NO_FILE))?;
    ok("", one_file(&s, &r.actor, r.case, &f).await?)
}

async fn update_file(
    State(s): State<AppState>,
    IrisUser(actor): IrisUser,
    Query(q): Query,
    Path(raw): Path<String>,
    req: Request,
) -> IrisResult {
    let case = write_case(&s, &actor, &q).await?;
    let id = path_id(&raw, NO_FILE)?;
    s.core
        .get_datastore_file(&actor, Key::Seq(case), id)
        .await
        .map_err(nf(NO_FILE))?;
    let form = read_form(&s, &actor, case, req).await?;
    let text = |k: &str| form.get(k).map(str::to_owned);
    let patch = DatastoreFilePatch {
        name: text("file_original_name").filter(|n| !n.trim().is_empty()),
        description: text("file_description").map(Some),
        password: text("file_password").map(Some),
        tags: text("file_tags").map(|t| Some(t).filter(|t| !t.is_empty())),
        is_ioc: flag(form.get("file_is_ioc")),
        is_evidence: flag(form.get("file_is_evidence")),
        folder: None,
    };
    let upload = form.file.map(|(staged, _)| staged);
    let f = s
        .core
        .update_datastore_file(&actor, Key::Seq(case), id, patch, upload)
        .await
        .map_err(file_error)?;
    ok("File updated in datastore", one_file(&s, &actor, case, &f).await?)
}

async fn move_file(State(s): State<AppState>, Path(raw): Path<String>, r: WriteCase) -> IrisResult {
    let id = path_id(&raw, NO_FILE)?;
    let case = Key::Seq(r.case);
    s.core
        .get_datastore_file(&r.actor, case, id)
        .await
        .map_err(nf(NO_FILE))?;
    let dest = destination(&r.body)?;
    let target = s
        .core
        .datastore_folder(&r.actor, case, dest)
        .await
        .map_err(nf(NO_DESTINATION))?;
    let patch = DatastoreFilePatch {
        folder: Some(dest),
        ..DatastoreFilePatch::default()
    };
    s.core
        .update_datastore_file(&r.actor, case, id, patch, None)
        .await
        .map_err(file_error)?;
    done(format!("File successfully moved to {}", target.name))
}

async fn delete_file(State(s): State<AppState>, Path(raw): Path<String>, r: WriteCase) -> IrisResult {
    let id = path_id(&raw, NO_FILE)?;
    s.core
        .delete_datastore_file(&r.actor, Key::Seq(r.case), id)
        .await
        .map_err(nf(NO_FILE))?;
    done(format!("File {id} deleted"))
}

/// `inline; filename="…"` with a UTF-8 `filename*` for names that are not plain ASCII.
fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("inline; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

async fn view_file(State(s): State<AppState>, Path(raw): Path<String>, r: ReadCase) -> Result<Response, IrisError> {
    let id = path_id(&raw, NO_DOWNLOAD)?;
    let d = s
        .core
        .open_datastore_file(&r.actor, Key::Seq(r.case), id)
        .await
        .map_err(nf(NO_DOWNLOAD))?;
    let stream = futures_util::stream::unfold(Some(d.file), |file| async move {
        let mut file = file?;
        let mut buf = vec![0u8; READ_CHUNK];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(Bytes::from(buf)), Some(file)))
            }
            Err(e) => {
                tracing::error!(error = %e, "reading a stored datastore file failed");
                Some((Err(e), None))
            }
        }
    });
    let mut res = Body::from_stream(stream).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(d.size));
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    if let Ok(v) = HeaderValue::from_str(&content_disposition(&d.filename)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

// ---- Hooks ----

/// Accepts a manual module hook call and records it in the case's activity. No module runs:
/// Dossier has no module engine, so "queued" is all that happens.
async fn call_hook(State(s): State<AppState>, r: WriteCase) -> IrisResult {
    let text = |k: &str| match r.body.raw(k) {
        Some(Value::String(v)) if !v.trim().is_empty() => Some(v.trim().to_owned()),
        _ => None,
    };
    let hook = text("hook_name").ok_or_else(|| IrisError::bad("Missing hook_name"))?;
    let targets = match r.body.raw("targets") {
        Some(Value::Array(items)) if !items.is_empty() => items
            .iter()
            .map(|v| lenient_int(v).ok_or_else(|| IrisError::bad("Invalid target")))
            .collect::<Result<Vec<i64>, IrisError>>()?,
        Some(Value::Array(_)) | None | Some(Value::Null) => return Err(IrisError::bad("Missing targets")),
        Some(_) => return Err(IrisError::bad("Invalid target")),
    };
    let kind = text("type").ok_or_else(|| IrisError::bad("Missing data type"))?;
    let module = text("module_name").unwrap_or_else(|| "any module".to_owned());
    let ui = text("hook_ui_name").map(|u| format!(" ({u})")).unwrap_or_default();
    let ids: Vec<String> = targets.iter().map(i64::to_string).collect();
    let message = format!("hook {hook}{ui} on {module} queued for {kind} {}", ids.join(", "));
    let message: String = message.chars().take(2000).collect();
    s.core
        .log_case_entry(&r.actor, r.case, &message)
        .await
        .map_err(|e| IrisError::core(e, "Invalid case ID"))?;
    done("Hook queued")
}
