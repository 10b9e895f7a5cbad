//! The datastore of a case (IRIS): a folder tree whose first read makes a root with the
//! folders `Evidences`, `IOCs` and `Images`, and files uploaded into it. Uploads are streamed
//! to the blob store (never held whole in memory) and stored once per content. A file flagged
//! as an IOC also becomes a `sha256` observable of the case; one flagged as evidence also
//! becomes an evidence record (once per hash and case). Deleting a folder deletes everything
//! below it; the root itself may go (the next read makes a new one).

use std::sync::Arc;

use futures_util::Stream;
use serde::Serialize;
use uuid::Uuid;

use crate::{
    Core,
    access::Need,
    actor::Actor,
    blob::{StagedUpload, hex},
    case::{json_str, user_ref},
    error::{Error, Problems, Result},
    evidence::sanitize_filename,
    ids::Key,
    model::{Activity, NewEvidence, NewObservable, Page, RefKey, Timestamp, Tlp, UserRef},
    store::{
        self, Tx,
        activity::{Audit, Entry, Scope},
        datastore::{FileRow, FileValues, FolderRow},
        term,
    },
    time::now_us,
    validate,
};

/// Longest folder name.
pub const MAX_FOLDER_NAME: usize = 255;
/// Longest stored file password (kept as given; the bytes are not encrypted with it).
pub const MAX_PASSWORD: usize = 255;
/// Longest raw tag string of a file.
pub const MAX_FILE_TAGS: usize = 5000;

/// The folders a new root starts with.
const DEFAULT_FOLDERS: [&str; 3] = ["Evidences", "IOCs", "Images"];

/// A folder of a case's datastore.
#[derive(Debug, Clone, Serialize)]
pub struct DatastoreFolder {
    pub id: Uuid,
    /// Per-workspace number (IRIS `path_id`).
    pub number: i64,
    pub case_number: i64,
    /// The parent folder's number; none for the root.
    pub parent: Option<i64>,
    pub name: String,
    pub is_root: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A file of a case's datastore.
#[derive(Debug, Clone, Serialize)]
pub struct DatastoreFile {
    pub id: Uuid,
    /// Per-workspace number (IRIS `file_id`).
    pub number: i64,
    pub case_number: i64,
    /// The folder's number.
    pub folder: i64,
    pub name: String,
    pub description: Option<String>,
    pub password: Option<String>,
    /// Comma-separated, as given.
    pub tags: Option<String>,
    pub is_ioc: bool,
    pub is_evidence: bool,
    pub size: i64,
    pub sha256: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub created_by: Option<UserRef>,
    pub version: i32,
}

/// A case's whole datastore: the root first, then the other folders by number; files by number.
#[derive(Debug, Clone, Serialize)]
pub struct DatastoreTree {
    pub folders: Vec<DatastoreFolder>,
    pub files: Vec<DatastoreFile>,
}

/// What a new file says besides its bytes.
#[derive(Debug, Clone, Default)]
pub struct NewDatastoreFile {
    pub name: String,
    pub description: Option<String>,
    pub password: Option<String>,
    pub tags: Option<String>,
    pub is_ioc: bool,
    pub is_evidence: bool,
}

/// A partial update of a file: absent fields stay. `folder` moves it.
#[derive(Debug, Clone, Default)]
pub struct DatastoreFilePatch {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub password: Option<Option<String>>,
    pub tags: Option<Option<String>>,
    pub is_ioc: Option<bool>,
    pub is_evidence: Option<bool>,
    pub folder: Option<i64>,
}

/// A stored file opened for reading.
#[derive(Debug)]
pub struct DatastoreDownload {
    pub filename: String,
    pub size: u64,
    pub sha256: String,
    pub file: tokio::fs::File,
}

fn folder_view(r: FolderRow) -> DatastoreFolder {
    DatastoreFolder {
        id: r.uuid,
        number: r.seq,
        case_number: r.case_seq,
        parent: r.parent_seq,
        name: r.name,
        is_root: r.is_root,
        created_at: Timestamp(r.created_at),
        updated_at: Timestamp(r.updated_at),
    }
}

fn file_view(r: FileRow) -> DatastoreFile {
    DatastoreFile {
        id: r.uuid,
        number: r.seq,
        case_number: r.case_seq,
        folder: r.folder_seq,
        name: r.original_name,
        description: r.description,
        password: r.password,
        tags: r.tags_raw,
        is_ioc: r.is_ioc,
        is_evidence: r.is_evidence,
        size: r.size,
        sha256: hex(&r.sha),
        created_at: Timestamp(r.created_at),
        updated_at: Timestamp(r.updated_at),
        created_by: user_ref(r.creator_uuid, r.creator_login, r.creator_name),
        version: r.version,
    }
}

fn check_folder_name(p: &mut Problems, name: &str) {
    p.text("name", name, 1, MAX_FOLDER_NAME);
    if name.chars().any(char::is_control) {
        p.push("name", "invalid", "name must not contain control characters");
    }
}

/// The tags of a raw tag string (comma-separated), checked.
fn file_tags(p: &mut Problems, raw: Option<&str>) -> Vec<String> {
    let Some(raw) = raw else {
        return Vec::new();
    };
    if raw.chars().count() > MAX_FILE_TAGS {
        p.push(
            "tags",
            "too_long",
            format!("tags must have at most {MAX_FILE_TAGS} characters"),
        );
        return Vec::new();
    }
    let list: Vec<String> = raw
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    validate::tags(p, "tags", &list)
}

fn check_file_fields(p: &mut Problems, description: Option<&str>, password: Option<&str>) {
    p.opt_text("description", description, validate::MAX_DESCRIPTION);
    p.opt_text("password", password, MAX_PASSWORD);
}

/// The root of a case, made with its default folders when missing.
async fn ensure_root(tx: &mut Tx<'_>, audit: &Audit, case_id: i64, case_seq: i64, now: i64) -> Result<FolderRow> {
    if let Some(root) = store::datastore::root_of(&mut *tx, case_id).await? {
        return Ok(root);
    }
    let seq = store::workspace::next_seq(tx, audit.ws, "folder", 1 + DEFAULT_FOLDERS.len() as i64).await?;
    let name = format!("Case {case_seq}");
    let (root_id, root_uuid) =
        store::datastore::insert_folder(tx, audit.ws, seq, case_id, None, &name, true, audit.actor, now).await?;
    let mut entries = vec![
        Entry::new("folder", root_id, root_uuid, "create")
            .case(case_id)
            .message(format!("datastore of case #{case_seq} created")),
    ];
    for (i, n) in DEFAULT_FOLDERS.iter().enumerate() {
        let s = seq + 1 + i as i64;
        let (id, uuid) =
            store::datastore::insert_folder(tx, audit.ws, s, case_id, Some(root_id), n, false, audit.actor, now)
                .await?;
        entries.push(
            Entry::new("folder", id, uuid, "create")
                .case(case_id)
                .change("name", None, json_str(n)),
        );
    }
    store::activity::record(tx, audit, now, &entries).await?;
    store::datastore::folder_by_id(&mut *tx, root_id).await
}

impl Core {
    /// The datastore of a case; the first read makes its root and default folders.
    pub async fn datastore_tree(&self, actor: &Actor, case: Key) -> Result<DatastoreTree> {
        let case_ref = self.case_ref(actor, case, Need::Read).await?;
        let case_id = case_ref.id();
        let case_seq = case_ref.number();
        if store::datastore::root_of(&self.db, case_id).await?.is_none() {
            // Making the structure is not a change of the user's: readers may trigger it too.
            let audit = Audit::of(actor);
            self.db
                .write(move |tx| {
                    let audit = audit.clone();
                    Box::pin(async move { ensure_root(tx, &audit, case_id, case_seq, now_us()).await.map(|_| ()) })
                })
                .await?;
        }
        let folders = store::datastore::folders_of(&self.db, case_id).await?;
        let files = store::datastore::files_of(&self.db, case_id).await?;
        Ok(DatastoreTree {
            folders: folders.into_iter().map(folder_view).collect(),
            files: files.into_iter().map(file_view).collect(),
        })
    }

    /// One folder of a case's datastore, by number.
    pub async fn datastore_folder(&self, actor: &Actor, case: Key, folder: i64) -> Result<DatastoreFolder> {
        let case_ref = self.case_ref(actor, case, Need::Read).await?;
        let case_id = case_ref.id();
        let ws = actor.workspace_id.0;
        store::datastore::folder(&self.db, ws, case_id, folder)
            .await?
            .map(folder_view)
            .ok_or(Error::not_found("folder"))
    }

    /// Adds a folder under `parent` (a folder of the same case).
    pub async fn add_datastore_folder(
        &self,
        actor: &Actor,
        case: Key,
        parent: i64,
        name: &str,
    ) -> Result<DatastoreFolder> {
        let case_ref = self.case_ref(actor, case, Need::Write).await?;
        let case_id = case_ref.id();
        let mut p = Problems::new();
        check_folder_name(&mut p, name);
        p.into_result()?;
        let audit = Audit::of(actor);
        let name = Arc::new(name.trim().to_owned());
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                let name = Arc::clone(&name);
                Box::pin(async move {
                    let now = now_us();
                    let parent = store::datastore::folder(&mut *tx, audit.ws, case_id, parent)
                        .await?
                        .ok_or(Error::not_found("folder"))?;
                    let seq = store::workspace::next_seq(tx, audit.ws, "folder", 1).await?;
                    let (id, uuid) = store::datastore::insert_folder(
                        tx,
                        audit.ws,
                        seq,
                        case_id,
                        Some(parent.id),
                        &name,
                        false,
                        audit.actor,
                        now,
                    )
                    .await?;
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("folder", id, uuid, "create")
                            .case(case_id)
                            .change("name", None, json_str(&*name))
                            .message(format!("folder {name} added under {}", parent.name))],
                    )
                    .await?;
                    store::datastore::folder_by_id(&mut *tx, id).await.map(folder_view)
                })
            })
            .await
    }

    /// Renames a folder (`name`) and/or moves it under another folder of the case (`parent`):
    /// never under itself or one of its own folders.
    pub async fn update_datastore_folder(
        &self,
        actor: &Actor,
        case: Key,
        folder: i64,
        name: Option<String>,
        parent: Option<i64>,
    ) -> Result<DatastoreFolder> {
        let case_ref = self.case_ref(actor, case, Need::Write).await?;
        let case_id = case_ref.id();
        if let Some(n) = &name {
            let mut p = Problems::new();
            check_folder_name(&mut p, n);
            p.into_result()?;
        }
        let audit = Audit::of(actor);
        let name = Arc::new(name.map(|n| n.trim().to_owned()));
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                let name = Arc::clone(&name);
                Box::pin(async move {
                    let now = now_us();
                    let row = store::datastore::folder(&mut *tx, audit.ws, case_id, folder)
                        .await?
                        .ok_or(Error::not_found("folder"))?;
                    let mut entries = Vec::new();
                    let mut new_parent = row.parent_id;
                    if let Some(dest) = parent {
                        let d = store::datastore::folder(&mut *tx, audit.ws, case_id, dest)
                            .await?
                            .ok_or_else(|| {
                                Error::field("parent", "not_found", "parent: no such folder in this case")
                            })?;
                        if row.is_root {
                            return Err(Error::field("parent", "invalid", "the root folder cannot be moved"));
                        }
                        if store::datastore::is_within(tx, row.id, d.id).await? {
                            return Err(Error::field(
                                "parent",
                                "invalid",
                                "a folder cannot move into itself or one of its own folders",
                            ));
                        }
                        if Some(d.id) != row.parent_id {
                            new_parent = Some(d.id);
                            entries.push(
                                Entry::new("folder", row.id, row.uuid, "update")
                                    .case(case_id)
                                    .change("parent", json_str(&row.parent_seq), json_str(&d.seq))
                                    .message(format!("folder {} moved to {}", row.name, d.name)),
                            );
                        }
                    }
                    let new_name = name.as_deref().unwrap_or(&row.name).to_owned();
                    if new_name != row.name {
                        entries.push(Entry::new("folder", row.id, row.uuid, "update").case(case_id).change(
                            "name",
                            json_str(&row.name),
                            json_str(&new_name),
                        ));
                    }
                    if !entries.is_empty() {
                        store::datastore::update_folder(tx, row.id, &new_name, new_parent, now).await?;
                        store::activity::record(tx, &audit, now, &entries).await?;
                    }
                    store::datastore::folder_by_id(&mut *tx, row.id).await.map(folder_view)
                })
            })
            .await
    }

    /// Deletes a folder with every folder and file below it; then collects blobs nothing
    /// references any more.
    pub async fn delete_datastore_folder(&self, actor: &Actor, case: Key, folder: i64) -> Result<()> {
        let case_ref = self.case_ref(actor, case, Need::Write).await?;
        let case_id = case_ref.id();
        let audit = Audit::of(actor);
        let removed_files = self
            .db
            .write(move |tx| {
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let row = store::datastore::folder(&mut *tx, audit.ws, case_id, folder)
                        .await?
                        .ok_or(Error::not_found("folder"))?;
                    let ids = store::datastore::subtree(tx, row.id).await?;
                    let files: Vec<FileRow> = store::datastore::files_of(&mut *tx, case_id)
                        .await?
                        .into_iter()
                        .filter(|f| ids.contains(&f.folder_id))
                        .collect();
                    let mut entries: Vec<Entry> = files
                        .iter()
                        .map(|f| {
                            Entry::new("file", f.id, f.uuid, "delete").case(case_id).change(
                                "name",
                                json_str(&f.original_name),
                                None,
                            )
                        })
                        .collect();
                    entries.push(
                        Entry::new("folder", row.id, row.uuid, "delete")
                            .case(case_id)
                            .change("name", json_str(&row.name), None)
                            .message(format!(
                                "folder {} deleted with {} folder(s) and {} file(s) below it",
                                row.name,
                                ids.len().saturating_sub(1),
                                files.len()
                            )),
                    );
                    store::datastore::delete_folders(tx, &ids).await?;
                    store::activity::record(tx, &audit, now, &entries).await?;
                    Ok(files.len())
                })
            })
            .await?;
        if removed_files > 0 {
            self.collect_quietly().await;
        }
        Ok(())
    }

    /// Streams the bytes of a datastore upload for `case` to a temporary file (see `blob.rs`);
    /// checks first that the actor may write to that case.
    pub async fn stage_datastore_upload<S, B>(&self, actor: &Actor, case: Key, data: S) -> Result<StagedUpload>
    where
        S: Stream<Item = std::io::Result<B>>,
        B: AsRef<[u8]>,
    {
        self.case_ref(actor, case, Need::Write).await?;
        self.stage_blob(data).await
    }

    /// Stores a staged upload as a file of `folder`; the flags add the file's SHA-256 as an
    /// observable and/or an evidence record of the case.
    pub async fn add_datastore_file(
        &self,
        actor: &Actor,
        case: Key,
        folder: i64,
        input: NewDatastoreFile,
        upload: StagedUpload,
    ) -> Result<DatastoreFile> {
        let case_ref = self.case_ref(actor, case, Need::Write).await?;
        let case_id = case_ref.id();
        let mut p = Problems::new();
        check_file_fields(&mut p, input.description.as_deref(), input.password.as_deref());
        let tags = file_tags(&mut p, input.tags.as_deref());
        p.into_result()?;
        let size = i64::try_from(upload.size()).unwrap_or(i64::MAX);
        let placed = self.place_blob(upload).await?;
        let audit = Audit::of(actor);
        let values = FileValues {
            folder_id: 0,
            blob_id: 0,
            original_name: sanitize_filename(&input.name),
            description: input.description.clone(),
            password: input.password.clone().filter(|p| !p.is_empty()),
            tags_raw: input.tags.clone(),
            is_ioc: input.is_ioc,
            is_evidence: input.is_evidence,
        };
        let shared = Arc::new((values, tags, placed.sha, placed.storage_key.clone()));
        let result = self
            .db
            .write(move |tx| {
                let shared = Arc::clone(&shared);
                let audit = audit.clone();
                Box::pin(async move {
                    let (values, tags, sha, storage_key) = &*shared;
                    let now = now_us();
                    let dir = store::datastore::folder(&mut *tx, audit.ws, case_id, folder)
                        .await?
                        .ok_or(Error::not_found("folder"))?;
                    let blob_id = store::blob::upsert(
                        tx,
                        audit.ws,
                        sha,
                        size,
                        "application/octet-stream",
                        storage_key,
                        audit.actor,
                        now,
                    )
                    .await?;
                    let seq = store::workspace::next_seq(tx, audit.ws, "file", 1).await?;
                    let values = FileValues {
                        folder_id: dir.id,
                        blob_id,
                        ..values.clone()
                    };
                    let (id, uuid) =
                        store::datastore::insert_file(tx, audit.ws, seq, case_id, &values, audit.actor, now).await?;
                    term::ensure(tx, audit.ws, term::TAG, tags, now).await?;
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("file", id, uuid, "create")
                            .case(case_id)
                            .change("name", None, json_str(&values.original_name))
                            .message(format!(
                                "file {} ({size} bytes) added to the datastore folder {}",
                                values.original_name, dir.name
                            ))],
                    )
                    .await?;
                    store::datastore::file_by_id(&mut *tx, id).await.map(file_view)
                })
            })
            .await;
        let file = match result {
            Ok(f) => f,
            Err(e) => {
                self.abandon_blob(placed).await;
                return Err(e);
            }
        };
        drop(placed);
        self.datastore_flags(actor, case, &file).await?;
        Ok(file)
    }

    /// One file of a case's datastore, by number.
    pub async fn get_datastore_file(&self, actor: &Actor, case: Key, file: i64) -> Result<DatastoreFile> {
        let case_ref = self.case_ref(actor, case, Need::Read).await?;
        let case_id = case_ref.id();
        let ws = actor.workspace_id.0;
        store::datastore::file(&self.db, ws, case_id, file)
            .await?
            .map(file_view)
            .ok_or(Error::not_found("file"))
    }

    /// Changes a file's metadata, moves it (`folder`), and/or replaces its bytes (`upload`).
    pub async fn update_datastore_file(
        &self,
        actor: &Actor,
        case: Key,
        file: i64,
        patch: DatastoreFilePatch,
        upload: Option<StagedUpload>,
    ) -> Result<DatastoreFile> {
        let case_ref = self.case_ref(actor, case, Need::Write).await?;
        let case_id = case_ref.id();
        let mut p = Problems::new();
        check_file_fields(
            &mut p,
            patch.description.as_ref().and_then(|d| d.as_deref()),
            patch.password.as_ref().and_then(|d| d.as_deref()),
        );
        let tags = file_tags(&mut p, patch.tags.as_ref().and_then(|t| t.as_deref()));
        p.into_result()?;
        let (size, placed) = match upload {
            Some(u) => {
                let size = i64::try_from(u.size()).unwrap_or(i64::MAX);
                (size, Some(self.place_blob(u).await?))
            }
            None => (0, None),
        };
        let blob = placed.as_ref().map(|b| (b.sha, b.storage_key.clone()));
        let audit = Audit::of(actor);
        let shared = Arc::new((patch, tags, blob));
        let result = self
            .db
            .write(move |tx| {
                let shared = Arc::clone(&shared);
                let audit = audit.clone();
                Box::pin(async move {
                    let (patch, tags, blob) = &*shared;
                    let now = now_us();
                    let row = store::datastore::file(&mut *tx, audit.ws, case_id, file)
                        .await?
                        .ok_or(Error::not_found("file"))?;
                    let old = FileValues::of(&row);
                    let mut new = old.clone();
                    let mut entries = Vec::new();
                    let mut change = |field: &'static str, o: Option<String>, n: Option<String>| {
                        if o != n {
                            entries.push(
                                Entry::new("file", row.id, row.uuid, "update")
                                    .case(case_id)
                                    .change(field, o, n),
                            );
                        }
                    };
                    if let Some(dest) = patch.folder {
                        let d = store::datastore::folder(&mut *tx, audit.ws, case_id, dest)
                            .await?
                            .ok_or_else(|| {
                                Error::field("folder", "not_found", "folder: no such folder in this case")
                            })?;
                        new.folder_id = d.id;
                        change("folder", json_str(&row.folder_seq), json_str(&d.seq));
                    }
                    if let Some(n) = &patch.name {
                        new.original_name = sanitize_filename(n);
                        change("name", json_str(&old.original_name), json_str(&new.original_name));
                    }
                    if let Some(d) = &patch.description {
                        new.description = d.clone();
                        change("description", json_str(&old.description), json_str(&new.description));
                    }
                    if let Some(pw) = &patch.password {
                        new.password = pw.clone().filter(|p| !p.is_empty());
                        // The password itself is not written to the audit trail.
                        if new.password != old.password {
                            change("password", None, Some("\"(changed)\"".into()));
                        }
                    }
                    if let Some(t) = &patch.tags {
                        new.tags_raw = t.clone();
                        change("tags", json_str(&old.tags_raw), json_str(&new.tags_raw));
                    }
                    if let Some(b) = patch.is_ioc {
                        new.is_ioc = b;
                        change("is_ioc", json_str(&old.is_ioc), json_str(&b));
                    }
                    if let Some(b) = patch.is_evidence {
                        new.is_evidence = b;
                        change("is_evidence", json_str(&old.is_evidence), json_str(&b));
                    }
                    if let Some((sha, key)) = blob {
                        let blob_id = store::blob::upsert(
                            tx,
                            audit.ws,
                            sha,
                            size,
                            "application/octet-stream",
                            key,
                            audit.actor,
                            now,
                        )
                        .await?;
                        new.blob_id = blob_id;
                        change("sha256", json_str(&hex(&row.sha)), json_str(&hex(sha)));
                    }
                    if new != old {
                        if !store::datastore::update_file(tx, row.id, row.version, &new, now).await? {
                            return Err(Error::Conflict(
                                "the file changed while updating; reload and retry".into(),
                            ));
                        }
                        term::ensure(tx, audit.ws, term::TAG, tags, now).await?;
                        store::activity::record(tx, &audit, now, &entries).await?;
                    }
                    let replaced = new.blob_id != old.blob_id;
                    let f = store::datastore::file_by_id(&mut *tx, row.id).await.map(file_view)?;
                    Ok((f, replaced))
                })
            })
            .await;
        let (file, replaced) = match result {
            Ok(v) => v,
            Err(e) => {
                if let Some(p) = placed {
                    self.abandon_blob(p).await;
                }
                return Err(e);
            }
        };
        drop(placed);
        if replaced {
            self.collect_quietly().await;
        }
        self.datastore_flags(actor, case, &file).await?;
        Ok(file)
    }

    /// Deletes a file; then collects blobs nothing references any more.
    pub async fn delete_datastore_file(&self, actor: &Actor, case: Key, file: i64) -> Result<()> {
        let case_ref = self.case_ref(actor, case, Need::Write).await?;
        let case_id = case_ref.id();
        let audit = Audit::of(actor);
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let row = store::datastore::file(&mut *tx, audit.ws, case_id, file)
                        .await?
                        .ok_or(Error::not_found("file"))?;
                    store::datastore::delete_file(tx, row.id).await?;
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("file", row.id, row.uuid, "delete")
                            .case(case_id)
                            .change("name", json_str(&row.original_name), None)
                            .message(format!("file {} deleted from the datastore", row.original_name))],
                    )
                    .await
                })
            })
            .await?;
        self.collect_quietly().await;
        Ok(())
    }

    /// The audit trail of a datastore file, newest first.
    pub async fn datastore_file_activity(
        &self,
        actor: &Actor,
        case: Key,
        file: i64,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<Activity>> {
        let case_ref = self.case_ref(actor, case, Need::Read).await?;
        let case_id = case_ref.id();
        let ws = actor.workspace_id.0;
        let row = store::datastore::file(&self.db, ws, case_id, file)
            .await?
            .ok_or(Error::not_found("file"))?;
        self.activity_page(ws, Scope::Object("file", row.id), cursor, limit)
            .await
    }

    /// Opens the bytes of a datastore file.
    pub async fn open_datastore_file(&self, actor: &Actor, case: Key, file: i64) -> Result<DatastoreDownload> {
        let case_ref = self.case_ref(actor, case, Need::Read).await?;
        let case_id = case_ref.id();
        let ws = actor.workspace_id.0;
        let row = store::datastore::file(&self.db, ws, case_id, file)
            .await?
            .ok_or(Error::not_found("file"))?;
        let handle = self.open_blob(&row.storage_key).await?;
        Ok(DatastoreDownload {
            filename: row.original_name,
            size: u64::try_from(row.size).unwrap_or(0),
            sha256: hex(&row.sha),
            file: handle,
        })
    }

    /// What a file's flags bring into its case: a `sha256` observable (an existing one is kept
    /// as is) and an evidence record (unless the case has one with that hash).
    async fn datastore_flags(&self, actor: &Actor, case: Key, file: &DatastoreFile) -> Result<()> {
        let case_ref = self.case_ref(actor, case, Need::Read).await?;
        let case_id = case_ref.id();
        if file.is_ioc {
            self.add_case_observable(
                actor,
                case,
                NewObservable {
                    observable_type: RefKey::Name("sha256".into()),
                    value: file.sha256.clone(),
                    description: Some(format!("SHA256 of {}. Imported from datastore.", file.name)),
                    tlp: Some(Tlp::Amber),
                    tags: vec!["datastore".into()],
                    is_ioc: Some(true),
                    custom: None,
                },
            )
            .await?;
        }
        if file.is_evidence && !store::datastore::evidence_with_hash(&self.db, case_id, &file.sha256).await? {
            let description = match file.description.as_deref() {
                Some(d) if !d.is_empty() => format!("Imported from datastore. {d}"),
                _ => "Imported from datastore.".to_owned(),
            };
            self.add_evidence(
                actor,
                case,
                NewEvidence {
                    filename: file.name.clone(),
                    size: Some(file.size),
                    hash: Some(file.sha256.clone()),
                    description: Some(description),
                    ..NewEvidence::default()
                },
            )
            .await?;
        }
        Ok(())
    }
}
