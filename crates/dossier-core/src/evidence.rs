//! Evidence: records of a case with an uploaded file (kept in the blob store) or metadata only
//! (IRIS "received files"); list, read, update (optimistic concurrency), delete (collecting the
//! file when nothing else uses it), download, audit trail.

use std::sync::Arc;

use futures_util::Stream;

use crate::model::FieldEntity;
use crate::{
    Core,
    access::{Need, Owned},
    actor::Actor,
    blob::{StagedUpload, hex},
    case::{json_str, user_ref},
    error::{Error, Problems, Result},
    ids::Key,
    model::{
        Activity, Evidence, EvidenceCase, EvidenceDownload, EvidenceFilter, EvidencePatch, EvidenceTypeRef,
        NewEvidence, Page, Timestamp,
    },
    paging,
    store::{
        self, Ex,
        activity::{Audit, Entry, Scope},
        evidence::{EvidenceRow, EvidenceValues},
        reference::RefTable,
    },
    time::now_us,
    validate,
};

pub const MAX_FILENAME: usize = 255;
pub const MAX_HASH: usize = 512;
pub const MAX_CHAIN_BYTES: usize = 64 * 1024;

/// The name shown for an uploaded file whose own name has nothing left after cleaning.
const FALLBACK_NAME: &str = "unnamed";

/// A client's file name reduced to a safe display name: the part after the last `/` or `\`,
/// without control or bidirectional-override characters, trimmed, at most 255 characters,
/// never `.` or `..` or empty. It is only ever shown, never used as a path.
pub(crate) fn sanitize_filename(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = base
        .chars()
        .filter(|c| {
            !c.is_control()
                && !matches!(*c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect();
    let trimmed = cleaned.trim();
    let name: String = trimmed.chars().take(MAX_FILENAME).collect();
    if name.is_empty() || name == "." || name == ".." {
        FALLBACK_NAME.to_owned()
    } else {
        name
    }
}

fn parse_json(s: Option<&String>) -> Option<serde_json::Value> {
    s.map(|s| serde_json::from_str(s).unwrap_or(serde_json::Value::String(s.clone())))
}

fn view(r: EvidenceRow) -> Evidence {
    let sha256 = r.blob_sha.as_deref().map(hex);
    Evidence {
        id: r.uuid,
        number: r.seq,
        case: EvidenceCase {
            id: r.case_uuid,
            number: r.case_seq,
        },
        filename: r.filename,
        size: r.file_id.and(r.blob_size).or(r.size),
        sha256,
        hash: r.hash,
        description: r.description,
        evidence_type: match (r.type_id, r.type_name) {
            (Some(id), Some(name)) => Some(EvidenceTypeRef { id, name }),
            _ => None,
        },
        acquired_at: r.acquired_at.map(Timestamp),
        start_at: r.start_at.map(Timestamp),
        end_at: r.end_at.map(Timestamp),
        chain_of_custody: parse_json(r.chain_of_custody.as_ref()),
        has_file: r.file_id.is_some(),
        custom: serde_json::from_str(&r.custom).unwrap_or_else(|_| serde_json::json!({})),
        created_at: Timestamp(r.created_at),
        updated_at: Timestamp(r.updated_at),
        created_by: user_ref(r.creator_uuid, r.creator_login, r.creator_name),
        version: r.version,
    }
}

/// Chain of custody: a JSON object or array of bounded size.
fn chain(p: &mut Problems, v: Option<&serde_json::Value>) -> Option<String> {
    match v {
        None | Some(serde_json::Value::Null) => None,
        Some(v @ (serde_json::Value::Object(_) | serde_json::Value::Array(_))) => {
            let s = v.to_string();
            if s.len() > MAX_CHAIN_BYTES {
                p.push(
                    "chain_of_custody",
                    "too_large",
                    format!("chain_of_custody must be at most {MAX_CHAIN_BYTES} bytes of JSON"),
                );
            }
            Some(s)
        }
        Some(_) => {
            p.push(
                "chain_of_custody",
                "invalid",
                "chain_of_custody must be a JSON object or array",
            );
            None
        }
    }
}

/// A metadata record's file name: kept as given (it may be a path on the machine it came
/// from), but 1–255 characters without control characters.
fn record_filename(p: &mut Problems, name: &str) {
    p.text("filename", name, 1, MAX_FILENAME);
    if name.chars().any(char::is_control) {
        p.push("filename", "invalid", "filename must not contain control characters");
    }
}

fn hash_text(p: &mut Problems, hash: Option<&str>) {
    if let Some(h) = hash {
        p.opt_text("hash", Some(h), MAX_HASH);
        if h.chars().any(char::is_control) {
            p.push("hash", "invalid", "hash must not contain control characters");
        }
    }
}

fn times(p: &mut Problems, start: Option<i64>, end: Option<i64>) {
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        p.push("end_at", "invalid", "end_at must not be before start_at");
    }
}

/// Validates the fields common to both kinds of new record; returns the stored values.
fn new_values(p: &mut Problems, input: &NewEvidence, filename: String) -> EvidenceValues {
    p.opt_text("description", input.description.as_deref(), validate::MAX_DESCRIPTION);
    times(p, input.start_at.map(|t| t.0), input.end_at.map(|t| t.0));
    let chain_of_custody = chain(p, input.chain_of_custody.as_ref());
    let custom = validate::custom(p, "custom", input.custom.as_ref());
    EvidenceValues {
        filename,
        description: input.description.clone(),
        size: input.size,
        hash: input.hash.as_deref().map(str::trim).map(str::to_owned),
        type_id: input.type_id,
        acquired_at: input.acquired_at.map(|t| t.0),
        start_at: input.start_at.map(|t| t.0),
        end_at: input.end_at.map(|t| t.0),
        chain_of_custody,
        custom,
    }
}

async fn load(ex: Ex<'_, '_>, ws: i64, key: Key) -> Result<Evidence> {
    store::evidence::get(ex, ws, key)
        .await?
        .map(view)
        .ok_or(Error::not_found("evidence"))
}

impl Core {
    async fn check_evidence_type(&self, ws: i64, id: Option<i64>) -> Result<()> {
        if let Some(id) = id
            && !store::reference::exists(&self.db, RefTable::EvidenceType, ws, id).await?
        {
            return Err(Error::field(
                "type_id",
                "unknown_value",
                format!("type_id: no evidence type {id}"),
            ));
        }
        Ok(())
    }

    /// Streams the bytes of an evidence upload for case `case` to a temporary file (see
    /// `blob.rs`); checks first that the actor may add evidence to that case.
    pub async fn stage_evidence_upload<S, B>(&self, actor: &Actor, case: Key, data: S) -> Result<StagedUpload>
    where
        S: Stream<Item = std::io::Result<B>>,
        B: AsRef<[u8]>,
    {
        self.case_ref(actor, case, Need::Write).await?;
        self.stage_blob(data).await
    }

    /// Creates an evidence record for a staged upload: the blob is stored once per content,
    /// a file row and the evidence row name it; size and SHA-256 are the server's.
    pub async fn add_evidence_file(
        &self,
        actor: &Actor,
        case: Key,
        input: NewEvidence,
        file: StagedUpload,
    ) -> Result<Evidence> {
        let case = self.case_ref(actor, case, Need::Write).await?;
        let mut p = Problems::new();
        if input.size.is_some() {
            p.push("size", "read_only", "size is computed from the uploaded file");
        }
        if input.hash.is_some() {
            p.push("hash", "read_only", "the SHA-256 is computed from the uploaded file");
        }
        let values = new_values(&mut p, &input, sanitize_filename(&input.filename));
        p.into_result()?;
        let mut values = values;
        values.custom = self
            .check_custom(
                actor.workspace_id.0,
                FieldEntity::Evidence,
                "custom",
                &values.custom,
                true,
            )
            .await?;
        let ws = actor.workspace_id.0;
        self.check_evidence_type(ws, values.type_id).await?;
        values.size = i64::try_from(file.size()).ok();
        values.hash = Some(file.sha256_hex());
        let placed = self.place_blob(file).await?;
        let audit = Audit::of(actor);
        let shared = Arc::new((values, placed.sha, placed.storage_key.clone()));
        let result = self
            .db
            .write(move |tx| {
                let shared = Arc::clone(&shared);
                let audit = audit.clone();
                Box::pin(async move {
                    let (values, sha, storage_key) = &*shared;
                    let now = now_us();
                    let size = values.size.unwrap_or(0);
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
                    let file_seq = store::workspace::next_seq(tx, audit.ws, "file", 1).await?;
                    let (file_id, _) = store::blob::insert_file(
                        tx,
                        audit.ws,
                        &store::blob::NewFile {
                            seq: file_seq,
                            case_id: Some(case.id()),
                            blob_id,
                            original_name: &values.filename,
                            description: values.description.as_deref(),
                            is_evidence: true,
                        },
                        audit.actor,
                        now,
                    )
                    .await?;
                    insert_evidence(tx, &audit, case.id(), case.number(), Some(file_id), values, now).await
                })
            })
            .await;
        match result {
            Ok(e) => Ok(e),
            Err(e) => {
                self.abandon_blob(placed).await;
                Err(e)
            }
        }
    }

    /// Creates a metadata-only evidence record (IRIS "received file"): no bytes are stored.
    pub async fn add_evidence(&self, actor: &Actor, case: Key, input: NewEvidence) -> Result<Evidence> {
        let case = self.case_ref(actor, case, Need::Write).await?;
        let mut p = Problems::new();
        record_filename(&mut p, &input.filename);
        if input.size.is_some_and(|s| s < 0) {
            p.push("size", "out_of_range", "size must not be negative");
        }
        hash_text(&mut p, input.hash.as_deref());
        let values = new_values(&mut p, &input, input.filename.trim().to_owned());
        p.into_result()?;
        let mut values = values;
        values.custom = self
            .check_custom(
                actor.workspace_id.0,
                FieldEntity::Evidence,
                "custom",
                &values.custom,
                true,
            )
            .await?;
        self.check_evidence_type(actor.workspace_id.0, values.type_id).await?;
        let audit = Audit::of(actor);
        let values = Arc::new(values);
        self.db
            .write(move |tx| {
                let values = Arc::clone(&values);
                let audit = audit.clone();
                Box::pin(
                    async move { insert_evidence(tx, &audit, case.id(), case.number(), None, &values, now_us()).await },
                )
            })
            .await
    }

    pub async fn get_evidence(&self, actor: &Actor, key: Key) -> Result<Evidence> {
        self.owner_case(actor, Owned::Evidence, key, Need::Read).await?;
        load(Ex::Db(&self.db), actor.workspace_id.0, key).await
    }

    /// A case's evidence, newest first.
    pub async fn list_evidence(&self, actor: &Actor, case: Key, f: EvidenceFilter) -> Result<Page<Evidence>> {
        let case = self.case_ref(actor, case, Need::Read).await?;
        let limit = paging::limit(f.limit)?;
        let before = paging::decode(f.cursor.as_deref(), 1)?.and_then(|v| v.first().copied());
        let mut p = Problems::new();
        if let Some(q) = &f.q {
            p.text("q", q, 1, 200);
        }
        p.into_result()?;
        let ws = actor.workspace_id.0;
        let filter = store::evidence::ListFilter {
            type_ids: f.type_ids.clone(),
            q: f.q.clone(),
            has_file: f.has_file,
        };
        let mut rows =
            store::evidence::list(&self.db, self.db.backend(), ws, case.id(), &filter, before, limit).await?;
        let next_cursor = paging::next(&mut rows, limit, |r| [r.seq].to_vec());
        Ok(Page {
            items: rows.into_iter().map(view).collect(),
            next_cursor,
            total: None,
        })
    }

    /// Changes the metadata. A stored file's size and hash are the server's and stay.
    pub async fn update_evidence(&self, actor: &Actor, key: Key, patch: EvidencePatch) -> Result<Evidence> {
        self.owner_case(actor, Owned::Evidence, key, Need::Write).await?;
        let mut p = Problems::new();
        if let Some(Some(d)) = &patch.description {
            p.opt_text("description", Some(d), validate::MAX_DESCRIPTION);
        }
        if let Some(Some(s)) = patch.size
            && s < 0
        {
            p.push("size", "out_of_range", "size must not be negative");
        }
        if let Some(Some(h)) = &patch.hash {
            hash_text(&mut p, Some(h));
        }
        let chain_of_custody = match &patch.chain_of_custody {
            Some(Some(v)) => Some(chain(&mut p, Some(v))),
            Some(None) => Some(None),
            None => None,
        };
        let custom = patch
            .custom
            .as_ref()
            .map(|c| validate::custom(&mut p, "custom", Some(c)));
        p.into_result()?;
        let custom = match custom {
            Some(c) => Some(
                self.check_custom(actor.workspace_id.0, FieldEntity::Evidence, "custom", &c, true)
                    .await?,
            ),
            None => None,
        };
        let ws = actor.workspace_id.0;
        if let Some(t) = patch.type_id {
            self.check_evidence_type(ws, t).await?;
        }
        let audit = Audit::of(actor);
        let shared = Arc::new((patch, chain_of_custody, custom));
        self.db
            .write(move |tx| {
                let shared = Arc::clone(&shared);
                let audit = audit.clone();
                Box::pin(async move {
                    let (patch, chain_of_custody, custom) = &*shared;
                    let row = store::evidence::get(&mut *tx, audit.ws, key)
                        .await?
                        .ok_or(Error::not_found("evidence"))?;
                    if let Some(v) = patch.version
                        && v != row.version
                    {
                        return Err(Error::Conflict(format!(
                            "the evidence changed since you read it (version {v}, now {}); reload and retry",
                            row.version
                        )));
                    }
                    let has_file = row.file_id.is_some();
                    let mut p = Problems::new();
                    let old = EvidenceValues::of(&row);
                    let mut new = old.clone();
                    if let Some(f) = &patch.filename {
                        if has_file {
                            new.filename = sanitize_filename(f);
                        } else {
                            record_filename(&mut p, f);
                            new.filename = f.trim().to_owned();
                        }
                    }
                    if has_file && (patch.size.is_some() || patch.hash.is_some()) {
                        let field = if patch.size.is_some() { "size" } else { "hash" };
                        p.push(
                            field,
                            "read_only",
                            format!("{field} of a stored file is computed by the server"),
                        );
                    }
                    p.into_result()?;
                    if let Some(v) = patch.size {
                        new.size = v;
                    }
                    if let Some(v) = &patch.hash {
                        new.hash = v.as_deref().map(str::trim).map(str::to_owned);
                    }
                    if let Some(v) = &patch.description {
                        new.description = v.clone();
                    }
                    if let Some(v) = patch.type_id {
                        new.type_id = v;
                    }
                    if let Some(v) = patch.acquired_at {
                        new.acquired_at = v.map(|t| t.0);
                    }
                    if let Some(v) = patch.start_at {
                        new.start_at = v.map(|t| t.0);
                    }
                    if let Some(v) = patch.end_at {
                        new.end_at = v.map(|t| t.0);
                    }
                    if let Some(v) = chain_of_custody {
                        new.chain_of_custody = v.clone();
                    }
                    if let Some(v) = custom {
                        new.custom = v.clone();
                    }
                    let mut p = Problems::new();
                    times(&mut p, new.start_at, new.end_at);
                    p.into_result()?;
                    if new == old {
                        return Ok(view(row));
                    }
                    let mut changes = Vec::new();
                    let mut change = |field: &'static str, o: Option<String>, n: Option<String>| {
                        if o != n {
                            changes.push(
                                Entry::new("evidence", row.id, row.uuid, "update")
                                    .case(row.case_id)
                                    .change(field, o, n),
                            );
                        }
                    };
                    change("filename", json_str(&old.filename), json_str(&new.filename));
                    change("size", json_str(&old.size), json_str(&new.size));
                    change("hash", json_str(&old.hash), json_str(&new.hash));
                    change("description", json_str(&old.description), json_str(&new.description));
                    change("type_id", json_str(&old.type_id), json_str(&new.type_id));
                    change("acquired_at", json_str(&old.acquired_at), json_str(&new.acquired_at));
                    change("start_at", json_str(&old.start_at), json_str(&new.start_at));
                    change("end_at", json_str(&old.end_at), json_str(&new.end_at));
                    change(
                        "chain_of_custody",
                        old.chain_of_custody.clone(),
                        new.chain_of_custody.clone(),
                    );
                    change("custom", Some(old.custom.clone()), Some(new.custom.clone()));
                    let now = now_us();
                    if !store::evidence::update(tx, row.id, row.version, &new, now).await? {
                        return Err(Error::Conflict(
                            "the evidence changed while updating; reload and retry".into(),
                        ));
                    }
                    store::activity::record(tx, &audit, now, &changes).await?;
                    load(Ex::Tx(tx), audit.ws, Key::Uuid(row.uuid)).await
                })
            })
            .await
    }

    /// Deletes an evidence record, and its file row when nothing else uses it; then collects
    /// blobs nothing references any more.
    pub async fn delete_evidence(&self, actor: &Actor, key: Key) -> Result<()> {
        self.owner_case(actor, Owned::Evidence, key, Need::Write).await?;
        let audit = Audit::of(actor);
        let file_deleted = self
            .db
            .write(move |tx| {
                let audit = audit.clone();
                Box::pin(async move {
                    let row = store::evidence::get(&mut *tx, audit.ws, key)
                        .await?
                        .ok_or(Error::not_found("evidence"))?;
                    let now = now_us();
                    let snapshot = json_str(&view(row.clone()));
                    store::evidence::delete(tx, row.id).await?;
                    let file_deleted = match row.file_id {
                        Some(f) => store::blob::delete_file_of_evidence(tx, f, row.id).await?,
                        None => false,
                    };
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("evidence", row.id, row.uuid, "delete")
                            .case(row.case_id)
                            .change("evidence", snapshot, None)
                            .message(format!("evidence #{} deleted", row.seq))],
                    )
                    .await?;
                    Ok(file_deleted)
                })
            })
            .await?;
        if file_deleted {
            self.collect_quietly().await;
        }
        Ok(())
    }

    /// The evidence record's audit trail, newest first.
    pub async fn evidence_activity(
        &self,
        actor: &Actor,
        key: Key,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<Activity>> {
        self.owner_case(actor, Owned::Evidence, key, Need::Read).await?;
        let ws = actor.workspace_id.0;
        let row = store::evidence::get(&self.db, ws, key)
            .await?
            .ok_or(Error::not_found("evidence"))?;
        self.activity_page(ws, Scope::Object("evidence", row.id), cursor, limit)
            .await
    }

    /// Opens the stored file of an evidence record. A metadata-only record: `NotFound` with
    /// entity `stored file`.
    pub async fn open_evidence_file(&self, actor: &Actor, key: Key) -> Result<EvidenceDownload> {
        self.owner_case(actor, Owned::Evidence, key, Need::Read).await?;
        let row = store::evidence::get(&self.db, actor.workspace_id.0, key)
            .await?
            .ok_or(Error::not_found("evidence"))?;
        let (Some(storage_key), Some(sha), Some(size)) = (&row.storage_key, &row.blob_sha, row.blob_size) else {
            return Err(Error::not_found("stored file"));
        };
        let file = self.open_blob(storage_key).await?;
        Ok(EvidenceDownload {
            filename: row.filename.clone(),
            size: u64::try_from(size).unwrap_or(0),
            sha256: hex(sha),
            file,
        })
    }
}

async fn insert_evidence(
    tx: &mut store::Tx<'_>,
    audit: &Audit,
    case_id: i64,
    case_seq: i64,
    file_id: Option<i64>,
    values: &EvidenceValues,
    now: i64,
) -> Result<Evidence> {
    let seq = store::workspace::next_seq(tx, audit.ws, "evidence", 1).await?;
    let (id, uuid) = store::evidence::insert(tx, audit.ws, seq, case_id, file_id, values, audit.actor, now).await?;
    let what = if file_id.is_some() { "file" } else { "record" };
    store::activity::record(
        tx,
        audit,
        now,
        &[Entry::new("evidence", id, uuid, "create")
            .case(case_id)
            .message(format!(
                "evidence #{seq} ({what} {}) added to case #{case_seq}",
                values.filename
            ))],
    )
    .await?;
    load(Ex::Tx(tx), audit.ws, Key::Uuid(uuid)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_become_base_names() {
        assert_eq!(sanitize_filename("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_filename("C:\\x\\y.txt"), "y.txt");
        assert_eq!(sanitize_filename("report.pdf"), "report.pdf");
        assert_eq!(sanitize_filename("a\u{0}b\nc\u{202e}fdp.exe"), "abcfdp.exe");
        assert_eq!(sanitize_filename("dir/"), FALLBACK_NAME);
        assert_eq!(sanitize_filename(".."), FALLBACK_NAME);
        assert_eq!(sanitize_filename("  "), FALLBACK_NAME);
        assert_eq!(sanitize_filename("Überweisung 2026.xlsx"), "Überweisung 2026.xlsx");
        assert_eq!(sanitize_filename(&"x".repeat(300)).chars().count(), MAX_FILENAME);
    }
}
