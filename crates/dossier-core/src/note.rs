//! Notes: Markdown documents of a case in nestable directories. A change of title or content
//! is a new revision (kept in `note_revisions`); content is rendered to sanitised HTML.

use std::sync::Arc;

use uuid::Uuid;

use crate::model::FieldEntity;
use crate::{
    Core,
    access::{Need, Owned},
    actor::Actor,
    case::{json_str, user_ref},
    error::{Error, Problems, Result},
    ids::Key,
    model::{
        Activity, NewNote, NewNoteDirectory, Note, NoteDirectory, NoteDirectoryPatch, NoteDirectoryRef, NoteFilter,
        NotePatch, NoteRevision, NoteSummary, Page, Timestamp,
    },
    paging,
    store::{
        self, Ex, Tx,
        activity::{Audit, Entry, Scope},
        note::{DirRow, NoteRow, NoteValues},
    },
    time::now_us,
    validate,
};

pub const MAX_NOTE_TITLE: usize = 154;
/// Largest note content, bytes (1 MiB).
pub const MAX_NOTE_BYTES: usize = 1024 * 1024;
pub const MAX_DIRECTORY_NAME: usize = 255;

#[cfg(test)]
use crate::store::search::MAX_INDEXED_BYTES;
/// The search text of notes, tasks and events is capped like every search document.
pub(crate) use crate::store::search::capped as indexed;

/// Markdown to HTML, then sanitised: only harmless tags and attributes survive, links get
/// `rel="noopener noreferrer"`, and URL schemes are limited to ammonia's safe list (no
/// `javascript:`).
pub fn render_markdown(md: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let opts =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS | Options::ENABLE_FOOTNOTES;
    let mut raw = String::with_capacity(md.len() + md.len() / 2);
    html::push_html(&mut raw, Parser::new_ext(md, opts));
    ammonia::clean(&raw)
}

fn dir_view(r: DirRow) -> NoteDirectory {
    NoteDirectory {
        id: r.uuid,
        number: r.seq,
        case_id: r.case_uuid,
        parent_id: r.parent_uuid,
        name: r.name,
        note_count: r.note_count,
        created_at: Timestamp(r.created_at),
        updated_at: Timestamp(r.updated_at),
        created_by: user_ref(r.creator_uuid, r.creator_login, r.creator_name),
        version: r.version,
    }
}

fn note_view(r: NoteRow) -> Note {
    let content_html = render_markdown(&r.content);
    Note {
        id: r.uuid,
        number: r.seq,
        case_id: r.case_uuid,
        directory: NoteDirectoryRef {
            id: r.dir_uuid,
            number: r.dir_seq,
            name: r.dir_name,
        },
        title: r.title,
        content: r.content,
        content_html,
        revision: r.revision,
        custom: serde_json::from_str(&r.custom).unwrap_or_else(|_| serde_json::json!({})),
        created_at: Timestamp(r.created_at),
        updated_at: Timestamp(r.updated_at),
        created_by: user_ref(r.creator_uuid, r.creator_login, r.creator_name),
        updated_by: user_ref(r.updater_uuid, r.updater_login, r.updater_name),
        version: r.version,
    }
}

fn summary_view(r: NoteRow) -> NoteSummary {
    NoteSummary {
        id: r.uuid,
        number: r.seq,
        case_id: r.case_uuid,
        directory: NoteDirectoryRef {
            id: r.dir_uuid,
            number: r.dir_seq,
            name: r.dir_name,
        },
        title: r.title,
        revision: r.revision,
        created_at: Timestamp(r.created_at),
        updated_at: Timestamp(r.updated_at),
        created_by: user_ref(r.creator_uuid, r.creator_login, r.creator_name),
        updated_by: user_ref(r.updater_uuid, r.updater_login, r.updater_name),
        version: r.version,
    }
}

async fn load_dir(ex: Ex<'_, '_>, ws: i64, key: Key) -> Result<NoteDirectory> {
    store::note::get_dir(ex, ws, key)
        .await?
        .map(dir_view)
        .ok_or(Error::not_found("note directory"))
}

async fn load_note(ex: Ex<'_, '_>, ws: i64, key: Key) -> Result<Note> {
    store::note::get_note(ex, ws, key)
        .await?
        .map(note_view)
        .ok_or(Error::not_found("note"))
}

fn check_name(p: &mut Problems, name: &str) {
    p.text("name", name, 1, MAX_DIRECTORY_NAME);
}

fn check_note(p: &mut Problems, title: Option<&str>, content: Option<&str>) {
    if let Some(t) = title {
        p.text("title", t, 1, MAX_NOTE_TITLE);
    }
    if let Some(c) = content
        && c.len() > MAX_NOTE_BYTES
    {
        p.push(
            "content",
            "too_long",
            format!("content must be at most {MAX_NOTE_BYTES} bytes"),
        );
    }
}

/// A directory of the workspace named in a body field; it must belong to `case_id`.
async fn dir_in_case(tx: &mut Tx<'_>, ws: i64, case_id: i64, field: &str, id: Uuid) -> Result<DirRow> {
    let d = store::note::get_dir(&mut *tx, ws, Key::Uuid(id))
        .await?
        .ok_or_else(|| Error::field(field, "not_found", format!("{field}: no such note directory")))?;
    if d.case_id != case_id {
        return Err(Error::field(
            field,
            "other_case",
            format!("{field}: that directory belongs to another case"),
        ));
    }
    Ok(d)
}

/// The case's default directory, created on first use.
async fn default_dir(tx: &mut Tx<'_>, audit: &Audit, case_id: i64, now: i64) -> Result<i64> {
    if let Some(id) = store::note::default_dir(tx, case_id).await? {
        return Ok(id);
    }
    // The counter row stays locked until commit (PostgreSQL), so a concurrent first note waits
    // here and then finds the directory this one creates.
    let seq = store::workspace::next_seq(tx, audit.ws, "note_directory", 1).await?;
    if let Some(id) = store::note::default_dir(tx, case_id).await? {
        return Ok(id);
    }
    let name = store::note::DEFAULT_DIRECTORY;
    let (id, uuid) = store::note::insert_dir(tx, audit.ws, seq, case_id, None, name, audit.actor, now).await?;
    store::activity::record(
        tx,
        audit,
        now,
        &[Entry::new("note_directory", id, uuid, "create")
            .case(case_id)
            .change("name", None, json_str(&name))
            .message(format!("note directory #{seq} created"))],
    )
    .await?;
    Ok(id)
}

async fn index_note(tx: &mut Tx<'_>, ws: i64, id: i64, case_id: i64, v: &NoteValues, now: i64) -> Result<()> {
    store::search::upsert(
        tx,
        &store::search::Doc {
            ws,
            kind: "note",
            object_id: id,
            case_id: Some(case_id),
            title: &v.title,
            body: indexed(&v.content),
        },
        now,
    )
    .await
}

impl Core {
    // --- Directories ---

    pub async fn create_note_directory(
        &self,
        actor: &Actor,
        case: Key,
        input: NewNoteDirectory,
    ) -> Result<NoteDirectory> {
        let c = self.case_ref(actor, case, Need::Write).await?;
        let mut p = Problems::new();
        check_name(&mut p, &input.name);
        p.into_result()?;
        let audit = Audit::of(actor);
        let input = Arc::new(input);
        self.db
            .write(move |tx| {
                let input = Arc::clone(&input);
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let parent = match input.parent_id {
                        Some(u) => Some(dir_in_case(tx, audit.ws, c.id(), "parent_id", u).await?.id),
                        None => None,
                    };
                    let name = input.name.trim();
                    let seq = store::workspace::next_seq(tx, audit.ws, "note_directory", 1).await?;
                    let (id, uuid) =
                        store::note::insert_dir(tx, audit.ws, seq, c.id(), parent, name, audit.actor, now).await?;
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("note_directory", id, uuid, "create")
                            .case(c.id())
                            .change("name", None, json_str(&name))
                            .message(format!("note directory #{seq} created"))],
                    )
                    .await?;
                    load_dir(Ex::Tx(tx), audit.ws, Key::Uuid(uuid)).await
                })
            })
            .await
    }

    pub async fn get_note_directory(&self, actor: &Actor, key: Key) -> Result<NoteDirectory> {
        self.owner_case(actor, Owned::NoteDirectory, key, Need::Read).await?;
        load_dir(Ex::Db(&self.db), actor.workspace_id.0, key).await
    }

    /// The case's directories, flat, sorted by name; the cursor is the last directory seen.
    pub async fn list_note_directories(
        &self,
        actor: &Actor,
        case: Key,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<NoteDirectory>> {
        let c = self.case_ref(actor, case, Need::Read).await?;
        let limit = paging::limit(limit)?;
        let after = paging::decode(cursor, 1)?.and_then(|v| v.first().copied());
        if let Some(a) = after
            && !store::note::dir_in_case(&self.db, c.id(), a).await?
        {
            return Err(Error::field(
                "cursor",
                "invalid",
                "cursor names a directory that is gone; start again without it",
            ));
        }
        let mut rows = store::note::list_dirs(&self.db, c.id(), after, limit).await?;
        let next_cursor = paging::next(&mut rows, limit, |r| [r.id].to_vec());
        Ok(Page {
            items: rows.into_iter().map(dir_view).collect(),
            next_cursor,
            total: None,
        })
    }

    /// Renames or moves a directory. The new parent must be in the same case and not the
    /// directory itself or one below it.
    pub async fn update_note_directory(
        &self,
        actor: &Actor,
        key: Key,
        patch: NoteDirectoryPatch,
    ) -> Result<NoteDirectory> {
        self.owner_case(actor, Owned::NoteDirectory, key, Need::Write).await?;
        let mut p = Problems::new();
        if let Some(n) = &patch.name {
            check_name(&mut p, n);
        }
        p.into_result()?;
        let audit = Audit::of(actor);
        let patch = Arc::new(patch);
        self.db
            .write(move |tx| {
                let patch = Arc::clone(&patch);
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let d = store::note::get_dir(&mut *tx, audit.ws, key)
                        .await?
                        .ok_or(Error::not_found("note directory"))?;
                    if let Some(v) = patch.version
                        && v != d.version
                    {
                        return Err(Error::Conflict(format!(
                            "the directory changed since you read it (version {v}, now {}); reload and retry",
                            d.version
                        )));
                    }
                    let mut changes = Vec::new();
                    let entry = |field, o, n| {
                        Entry::new("note_directory", d.id, d.uuid, "update")
                            .case(d.case_id)
                            .change(field, o, n)
                    };
                    let name = patch.name.as_deref().map_or(d.name.clone(), |n| n.trim().to_owned());
                    if name != d.name {
                        changes.push(entry("name", json_str(&d.name), json_str(&name)));
                    }
                    let mut parent = d.parent_id;
                    if let Some(new_parent) = patch.parent_id {
                        parent = match new_parent {
                            None => None,
                            Some(u) => {
                                let pd = dir_in_case(tx, audit.ws, d.case_id, "parent_id", u).await?;
                                if store::note::is_within(tx, d.id, pd.id).await? {
                                    return Err(Error::field(
                                        "parent_id",
                                        "cycle",
                                        "parent_id: a directory cannot move into itself or one of its subdirectories",
                                    ));
                                }
                                Some(pd.id)
                            }
                        };
                        if parent != d.parent_id {
                            let new_uuid = match patch.parent_id {
                                Some(Some(u)) => Some(u),
                                _ => None,
                            };
                            changes.push(entry("parent_id", json_str(&d.parent_uuid), json_str(&new_uuid)));
                        }
                    }
                    if changes.is_empty() {
                        return load_dir(Ex::Tx(tx), audit.ws, Key::Uuid(d.uuid)).await;
                    }
                    if !store::note::update_dir(tx, d.id, d.version, &name, parent, now).await? {
                        return Err(Error::Conflict(
                            "the directory changed while updating; reload and retry".into(),
                        ));
                    }
                    store::activity::record(tx, &audit, now, &changes).await?;
                    load_dir(Ex::Tx(tx), audit.ws, Key::Uuid(d.uuid)).await
                })
            })
            .await
    }

    /// Deletes a directory. One that holds notes or subdirectories is a conflict unless
    /// `recursive`, which deletes everything below it.
    pub async fn delete_note_directory(&self, actor: &Actor, key: Key, recursive: bool) -> Result<()> {
        self.owner_case(actor, Owned::NoteDirectory, key, Need::Write).await?;
        let audit = Audit::of(actor);
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let d = store::note::get_dir(&mut *tx, audit.ws, key)
                        .await?
                        .ok_or(Error::not_found("note directory"))?;
                    let (dirs, notes) = store::note::dir_contents(tx, d.id).await?;
                    if (dirs > 0 || notes > 0) && !recursive {
                        return Err(Error::Conflict(format!(
                            "the directory holds {dirs} subdirectories and {notes} notes; \
                             delete with ?recursive=true to remove them too"
                        )));
                    }
                    let (all_dirs, all_notes) = store::note::delete_dir_tree(tx, d.id).await?;
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("note_directory", d.id, d.uuid, "delete")
                            .case(d.case_id)
                            .change("name", json_str(&d.name), None)
                            .message(format!(
                                "note directory #{} deleted with {} subdirectories and {all_notes} notes",
                                d.seq,
                                all_dirs - 1
                            ))],
                    )
                    .await
                })
            })
            .await
    }

    // --- Notes ---

    pub async fn create_note(&self, actor: &Actor, case: Key, input: NewNote) -> Result<Note> {
        let c = self.case_ref(actor, case, Need::Write).await?;
        let mut p = Problems::new();
        check_note(&mut p, Some(&input.title), Some(&input.content));
        let custom = validate::custom(&mut p, "custom", input.custom.as_ref());
        p.into_result()?;
        let custom = self
            .check_custom(actor.workspace_id.0, FieldEntity::Note, "custom", &custom, true)
            .await?;
        let audit = Audit::of(actor);
        let shared = Arc::new((input, custom));
        self.db
            .write(move |tx| {
                let shared = Arc::clone(&shared);
                let audit = audit.clone();
                Box::pin(async move {
                    let (input, custom) = &*shared;
                    let now = now_us();
                    let directory_id = match input.directory_id {
                        Some(u) => dir_in_case(tx, audit.ws, c.id(), "directory_id", u).await?.id,
                        None => default_dir(tx, &audit, c.id(), now).await?,
                    };
                    let values = NoteValues {
                        directory_id,
                        title: input.title.trim().to_owned(),
                        content: input.content.clone(),
                        custom: custom.clone(),
                    };
                    let seq = store::workspace::next_seq(tx, audit.ws, "note", 1).await?;
                    let (id, uuid) =
                        store::note::insert_note(tx, audit.ws, seq, c.id(), &values, audit.actor, now).await?;
                    store::note::insert_revision(tx, audit.ws, id, 1, &values.title, &values.content, audit.actor, now)
                        .await?;
                    index_note(tx, audit.ws, id, c.id(), &values, now).await?;
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("note", id, uuid, "create")
                            .case(c.id())
                            .change("title", None, json_str(&values.title))
                            .message(format!("note #{seq} created"))],
                    )
                    .await?;
                    load_note(Ex::Tx(tx), audit.ws, Key::Uuid(uuid)).await
                })
            })
            .await
    }

    pub async fn get_note(&self, actor: &Actor, key: Key) -> Result<Note> {
        self.owner_case(actor, Owned::Note, key, Need::Read).await?;
        load_note(Ex::Db(&self.db), actor.workspace_id.0, key).await
    }

    /// A case's notes by number, without content; filtered by directory and text.
    pub async fn list_notes(&self, actor: &Actor, case: Key, f: NoteFilter) -> Result<Page<NoteSummary>> {
        let c = self.case_ref(actor, case, Need::Read).await?;
        let limit = paging::limit(f.limit)?;
        let after = paging::decode(f.cursor.as_deref(), 1)?.and_then(|v| v.first().copied());
        let mut p = Problems::new();
        if let Some(q) = &f.q {
            p.text("q", q, 1, 200);
        }
        p.into_result()?;
        let ws = actor.workspace_id.0;
        let directory_id = match f.directory {
            Some(u) => {
                let d = store::note::get_dir(&self.db, ws, Key::Uuid(u))
                    .await?
                    .filter(|d| d.case_id == c.id())
                    .ok_or_else(|| {
                        Error::field("directory", "not_found", "directory: no such directory in this case")
                    })?;
                Some(d.id)
            }
            None => None,
        };
        let filter = store::note::ListFilter {
            case_id: c.id(),
            directory_id,
            q: f.q.clone(),
        };
        let backend = self.db.backend();
        let mut rows = store::note::list_notes(&self.db, backend, ws, &filter, after, limit).await?;
        let next_cursor = paging::next(&mut rows, limit, |r| [r.seq].to_vec());
        let total = if f.count {
            Some(store::note::count_notes(&self.db, backend, ws, &filter).await?)
        } else {
            None
        };
        Ok(Page {
            items: rows.into_iter().map(summary_view).collect(),
            next_cursor,
            total,
        })
    }

    /// Changes a note. A new title or content is a new revision.
    pub async fn update_note(&self, actor: &Actor, key: Key, patch: NotePatch) -> Result<Note> {
        self.owner_case(actor, Owned::Note, key, Need::Write).await?;
        let mut p = Problems::new();
        check_note(&mut p, patch.title.as_deref(), patch.content.as_deref());
        let custom = patch
            .custom
            .as_ref()
            .map(|c| validate::custom(&mut p, "custom", Some(c)));
        p.into_result()?;
        let custom = match custom {
            Some(c) => Some(
                self.check_custom(actor.workspace_id.0, FieldEntity::Note, "custom", &c, true)
                    .await?,
            ),
            None => None,
        };
        let audit = Audit::of(actor);
        let shared = Arc::new((patch, custom));
        self.db
            .write(move |tx| {
                let shared = Arc::clone(&shared);
                let audit = audit.clone();
                Box::pin(async move {
                    let (patch, custom) = &*shared;
                    let now = now_us();
                    let row = store::note::get_note(&mut *tx, audit.ws, key)
                        .await?
                        .ok_or(Error::not_found("note"))?;
                    if let Some(v) = patch.version
                        && v != row.version
                    {
                        return Err(Error::Conflict(format!(
                            "the note changed since you read it (version {v}, now {}); reload and retry",
                            row.version
                        )));
                    }
                    let old = NoteValues {
                        directory_id: row.directory_id,
                        title: row.title.clone(),
                        content: row.content.clone(),
                        custom: row.custom.clone(),
                    };
                    let mut new = old.clone();
                    let mut changes = Vec::new();
                    let entry = |field, o, n| {
                        Entry::new("note", row.id, row.uuid, "update")
                            .case(row.case_id)
                            .change(field, o, n)
                    };
                    if let Some(t) = &patch.title {
                        new.title = t.trim().to_owned();
                        if new.title != old.title {
                            changes.push(entry("title", json_str(&old.title), json_str(&new.title)));
                        }
                    }
                    if let Some(c) = &patch.content {
                        new.content = c.clone();
                    }
                    // The content itself is kept in the revisions; the trail records the step.
                    if new.content != old.content || new.title != old.title {
                        changes.push(entry(
                            "revision",
                            json_str(&row.revision),
                            json_str(&(row.revision + 1)),
                        ));
                    }
                    if let Some(u) = patch.directory_id {
                        let d = dir_in_case(tx, audit.ws, row.case_id, "directory_id", u).await?;
                        new.directory_id = d.id;
                        if d.id != old.directory_id {
                            changes.push(entry("directory_id", json_str(&row.dir_uuid), json_str(&d.uuid)));
                        }
                    }
                    if let Some(c) = custom {
                        new.custom = c.clone();
                        if new.custom != old.custom {
                            changes.push(entry("custom", Some(old.custom.clone()), Some(new.custom.clone())));
                        }
                    }
                    if changes.is_empty() {
                        return load_note(Ex::Tx(tx), audit.ws, Key::Uuid(row.uuid)).await;
                    }
                    let new_revision = new.title != old.title || new.content != old.content;
                    if !store::note::update_note(tx, row.id, row.version, &new, new_revision, audit.actor, now).await? {
                        return Err(Error::Conflict(
                            "the note changed while updating; reload and retry".into(),
                        ));
                    }
                    if new_revision {
                        store::note::insert_revision(
                            tx,
                            audit.ws,
                            row.id,
                            row.revision + 1,
                            &new.title,
                            &new.content,
                            audit.actor,
                            now,
                        )
                        .await?;
                        index_note(tx, audit.ws, row.id, row.case_id, &new, now).await?;
                    }
                    store::activity::record(tx, &audit, now, &changes).await?;
                    load_note(Ex::Tx(tx), audit.ws, Key::Uuid(row.uuid)).await
                })
            })
            .await
    }

    pub async fn delete_note(&self, actor: &Actor, key: Key) -> Result<()> {
        self.owner_case(actor, Owned::Note, key, Need::Write).await?;
        let audit = Audit::of(actor);
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let row = store::note::get_note(&mut *tx, audit.ws, key)
                        .await?
                        .ok_or(Error::not_found("note"))?;
                    store::note::delete_note(tx, row.id).await?;
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("note", row.id, row.uuid, "delete")
                            .case(row.case_id)
                            .change("title", json_str(&row.title), None)
                            .message(format!("note #{} deleted at revision {}", row.seq, row.revision))],
                    )
                    .await
                })
            })
            .await
    }

    /// The note's audit trail, newest first.
    pub async fn note_activity(
        &self,
        actor: &Actor,
        key: Key,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<Activity>> {
        self.owner_case(actor, Owned::Note, key, Need::Read).await?;
        let ws = actor.workspace_id.0;
        let row = store::note::get_note(&self.db, ws, key)
            .await?
            .ok_or(Error::not_found("note"))?;
        self.activity_page(ws, Scope::Object("note", row.id), cursor, limit)
            .await
    }

    /// A note's revisions, newest first.
    pub async fn note_revisions(
        &self,
        actor: &Actor,
        key: Key,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<NoteRevision>> {
        self.owner_case(actor, Owned::Note, key, Need::Read).await?;
        let limit = paging::limit(limit)?;
        let before = paging::decode(cursor, 1)?.and_then(|v| v.first().copied());
        let row = store::note::get_note(&self.db, actor.workspace_id.0, key)
            .await?
            .ok_or(Error::not_found("note"))?;
        let mut rows = store::note::revisions(&self.db, row.id, before, limit).await?;
        let next_cursor = paging::next(&mut rows, limit, |r| [i64::from(r.revision)].to_vec());
        Ok(Page {
            items: rows
                .into_iter()
                .map(|r| NoteRevision {
                    revision: r.revision,
                    title: r.title,
                    content: r.content,
                    author: user_ref(r.author_uuid, r.author_login, r.author_name),
                    at: Timestamp(r.at),
                })
                .collect(),
            next_cursor,
            total: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexed_text_is_cut_at_a_char_boundary() {
        assert_eq!(indexed("short"), "short");
        let s = "é".repeat(MAX_INDEXED_BYTES);
        let cut = indexed(&s);
        assert!(cut.len() <= MAX_INDEXED_BYTES && cut.len() > MAX_INDEXED_BYTES - 2);
        assert!(cut.chars().all(|c| c == 'é'));
    }

    #[test]
    fn markdown_keeps_formatting_and_drops_scripts() {
        let html = render_markdown("# T\n\n<script>x()</script>\n\n[a](javascript:y) `c`");
        assert!(html.contains("<h1>T</h1>") && html.contains("<code>c</code>"), "{html}");
        assert!(!html.contains("script") && !html.contains("javascript"), "{html}");
        // Text after a raw `<script>` on the same line stays inert text.
        let html = render_markdown("<script>x()</script>[a](javascript:y)");
        assert!(!html.contains("<script") && !html.contains("href"), "{html}");
    }
}
