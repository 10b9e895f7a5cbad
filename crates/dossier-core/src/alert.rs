//! Alerts: ingest with deduplication (single and batch), read, list, update, promote to a
//! case, merge into a case.

use std::{collections::HashMap, sync::Arc};

use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{
    Core,
    actor::Actor,
    case::{insert_case, json_str, load as load_case, user_ref},
    custom_field::check_custom_with,
    error::{Error, Problems, Result},
    ids::{Key, new_uuid},
    model::FieldEntity,
    model::{
        Activity, Alert, AlertFilter, AlertIngest, AlertPatch, BatchItem, BatchResult, Case, NewAlert, Page, Pap,
        Priority, Resolution, Severity, StateRef, Status, Timestamp, Tlp, alert_state,
    },
    paging,
    store::{
        self, Ex, Tx,
        activity::{Audit, Entry, Scope},
        alert::{AlertInsert, AlertRow, AlertValues},
        case::CaseValues,
        term::Owner,
    },
    time::now_us,
    validate,
};

/// Most alerts one batch request may carry.
pub const MAX_BATCH: usize = 1000;

/// How an alert came to a case (`case_alerts.how`).
mod how {
    pub const MERGE: i16 = 0;
    pub const ESCALATE: i16 = 1;
}

fn alert_view(r: AlertRow, ws: Uuid, tags: Vec<String>, cases: Vec<Uuid>) -> Alert {
    Alert {
        id: r.uuid,
        number: r.seq,
        workspace_id: ws,
        title: r.title,
        description: r.description,
        status: Status::from_ordinal(r.status).unwrap_or(Status::Unknown),
        state: StateRef {
            id: r.state_id,
            code: r.state_code,
            label: r.state_label,
        },
        severity: Severity::from_ordinal(r.severity).unwrap_or(Severity::Unknown),
        resolution: r.resolution.and_then(Resolution::from_ordinal),
        source: r.source,
        source_ref: r.source_ref,
        source_link: r.source_link,
        alert_type: r.alert_type,
        tlp: r.tlp.and_then(Tlp::from_ordinal),
        pap: r.pap.and_then(Pap::from_ordinal),
        tags,
        assignee: user_ref(r.owner_uuid, r.owner_login, r.owner_name),
        occurrences: r.occurrences,
        first_seen_at: Timestamp(r.first_seen_at),
        last_seen_at: Timestamp(r.last_seen_at),
        event_time: r.event_time.map(Timestamp),
        custom: serde_json::from_str(&r.custom).unwrap_or_else(|_| serde_json::json!({})),
        cases,
        created_at: Timestamp(r.created_at),
        updated_at: Timestamp(r.updated_at),
        version: r.version,
    }
}

async fn load(mut ex: Ex<'_, '_>, ws: i64, ws_uuid: Uuid, key: Key) -> Result<Alert> {
    let row = store::alert::get(ex.reborrow(), ws, key)
        .await?
        .ok_or(Error::not_found("alert"))?;
    let tags = store::term::tags_of(ex.reborrow(), Owner::Alert, &[row.id])
        .await?
        .remove(&row.id)
        .unwrap_or_default();
    let cases = store::alert::cases_of(ex, &[row.id])
        .await?
        .remove(&row.id)
        .unwrap_or_default();
    Ok(alert_view(row, ws_uuid, tags, cases))
}

/// SHA-256 of source ␟ source_ref: the deduplication identity.
fn dedup_key(source: Option<&str>, source_ref: &str) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(source.unwrap_or("").as_bytes());
    h.update([0x1f]);
    h.update(source_ref.as_bytes());
    h.finalize().to_vec()
}

/// A validated alert ready to store.
#[derive(Debug, Clone)]
struct Prepared {
    insert: AlertInsert,
    tags: Vec<String>,
    /// The submission's own fields, to refresh a repeated alert with.
    severity_given: Option<i16>,
    description_given: Option<String>,
}

fn prepare(p: &mut Problems, prefix: &str, a: NewAlert) -> Prepared {
    let f = |name: &str| format!("{prefix}{name}");
    p.text(&f("title"), &a.title, 1, validate::MAX_TITLE);
    p.opt_text(&f("description"), a.description.as_deref(), validate::MAX_DESCRIPTION);
    p.opt_text(&f("source"), a.source.as_deref(), 200);
    p.opt_text(&f("source_ref"), a.source_ref.as_deref(), 500);
    p.opt_text(&f("type"), a.alert_type.as_deref(), 100);
    validate::link(p, &f("source_link"), a.source_link.as_deref());
    let tags = validate::tags(p, &f("tags"), &a.tags);
    let custom = validate::custom(p, &f("custom"), a.custom.as_ref());
    let count = a.count.unwrap_or(1);
    if !(1..=1_000_000).contains(&count) {
        p.push(f("count"), "out_of_range", "count must be between 1 and 1000000");
    }
    if a.source_ref.as_deref().is_some_and(|r| r.trim().is_empty()) {
        p.push(f("source_ref"), "required", "source_ref must not be empty when given");
    }
    let status = a.status.unwrap_or(Status::New);
    let dedup = a.source_ref.as_deref().map(|r| dedup_key(a.source.as_deref(), r));
    Prepared {
        insert: AlertInsert {
            uuid: new_uuid(),
            seq: 0,
            title: a.title.trim().to_owned(),
            description: a.description.clone().unwrap_or_default(),
            state_id: status.default_alert_state(),
            status: status.ordinal(),
            severity: a.severity.unwrap_or(Severity::Medium).ordinal(),
            source: a.source,
            source_ref: a.source_ref,
            dedup_key: dedup,
            occurrences: count,
            source_link: a.source_link,
            alert_type: a.alert_type,
            event_time: a.event_time.map(|t| t.0),
            tlp: a.tlp.map(Tlp::ordinal),
            pap: a.pap.map(Pap::ordinal),
            custom,
        },
        tags,
        severity_given: a.severity.map(Severity::ordinal),
        description_given: a.description,
    }
}

/// A repeat of an alert that already exists.
#[derive(Debug, Clone)]
struct Bump {
    id: i64,
    count: i32,
    title: String,
    description: Option<String>,
    severity: Option<i16>,
    tags: Vec<String>,
}

/// Stores a batch: new alerts in multi-row inserts, repeats (against stored alerts or earlier in
/// the same batch) counted. Returns, per input, (alert id, created).
async fn ingest(tx: &mut Tx<'_>, audit: &Audit, items: &[Prepared], now: i64) -> Result<Vec<(i64, bool)>> {
    let keys: Vec<Vec<u8>> = items.iter().filter_map(|p| p.insert.dedup_key.clone()).collect();
    let existing = if keys.is_empty() {
        HashMap::new()
    } else {
        store::alert::find_by_dedup(tx, audit.ws, &keys).await?
    };

    enum Target {
        Stored(i64),
        New(usize),
        /// A repeat, within this batch, of an alert this batch creates.
        Repeat(usize),
    }
    let mut seen: HashMap<Vec<u8>, Target> = HashMap::new();
    let mut inserts: Vec<Prepared> = Vec::new();
    let mut bumps: HashMap<i64, Bump> = HashMap::new();
    // Per input: index into `inserts` (new) or a stored id (repeat).
    let mut outcome: Vec<Target> = Vec::with_capacity(items.len());
    for it in items {
        let target = it.insert.dedup_key.as_ref().and_then(|k| match seen.get(k) {
            Some(Target::Stored(id)) => Some(Target::Stored(*id)),
            Some(Target::New(i) | Target::Repeat(i)) => Some(Target::New(*i)),
            None => existing.get(k).map(|id| Target::Stored(*id)),
        });
        match target {
            Some(Target::Stored(id)) => {
                let b = bumps.entry(id).or_insert_with(|| Bump {
                    id,
                    count: 0,
                    title: String::new(),
                    description: None,
                    severity: None,
                    tags: Vec::new(),
                });
                b.count = b.count.saturating_add(it.insert.occurrences);
                b.title = it.insert.title.clone();
                b.description = it.description_given.clone().or(b.description.take());
                b.severity = it.severity_given.or(b.severity);
                for t in &it.tags {
                    if !b.tags.iter().any(|x| x.eq_ignore_ascii_case(t)) {
                        b.tags.push(t.clone());
                    }
                }
                if let Some(k) = &it.insert.dedup_key {
                    seen.insert(k.clone(), Target::Stored(id));
                }
                outcome.push(Target::Stored(id));
            }
            Some(Target::New(i) | Target::Repeat(i)) => {
                let first = &mut inserts[i];
                first.insert.occurrences = first.insert.occurrences.saturating_add(it.insert.occurrences);
                first.insert.title = it.insert.title.clone();
                if let Some(d) = &it.description_given {
                    first.insert.description = d.clone();
                }
                if let Some(s) = it.severity_given {
                    first.insert.severity = s;
                }
                for t in &it.tags {
                    if !first.tags.iter().any(|x| x.eq_ignore_ascii_case(t)) {
                        first.tags.push(t.clone());
                    }
                }
                outcome.push(Target::Repeat(i));
            }
            None => {
                if let Some(k) = &it.insert.dedup_key {
                    seen.insert(k.clone(), Target::New(inserts.len()));
                }
                outcome.push(Target::New(inserts.len()));
                inserts.push(it.clone());
            }
        }
    }

    let mut ids_by_index: Vec<i64> = Vec::with_capacity(inserts.len());
    if !inserts.is_empty() {
        let n = i64::try_from(inserts.len()).unwrap_or(i64::MAX);
        let first = store::workspace::next_seq(tx, audit.ws, "alert", n).await?;
        let rows: Vec<AlertInsert> = inserts
            .iter()
            .enumerate()
            .map(|(i, p)| AlertInsert {
                seq: first + i64::try_from(i).unwrap_or(0),
                ..p.insert.clone()
            })
            .collect();
        let by_seq = store::alert::insert_many(tx, audit.ws, &rows, audit.actor, now).await?;
        for r in &rows {
            ids_by_index.push(
                *by_seq
                    .get(&r.seq)
                    .ok_or_else(|| Error::internal("inserted alert not returned"))?,
            );
        }
        let links: Vec<(i64, Vec<String>)> = inserts
            .iter()
            .zip(&ids_by_index)
            .filter(|(p, _)| !p.tags.is_empty())
            .map(|(p, id)| (*id, p.tags.clone()))
            .collect();
        if !links.is_empty() {
            store::term::set_tags(tx, Owner::Alert, audit.ws, &links, now, false).await?;
        }
        let docs: Vec<store::search::Doc<'_>> = inserts
            .iter()
            .zip(&ids_by_index)
            .map(|(p, id)| store::search::Doc {
                ws: audit.ws,
                kind: "alert",
                object_id: *id,
                case_id: None,
                title: &p.insert.title,
                body: &p.insert.description,
            })
            .collect();
        store::search::insert_many(tx, &docs, now).await?;
    }
    let mut entries: Vec<Entry> = rows_entries(&inserts, &ids_by_index);
    for b in bumps.values() {
        store::alert::bump(tx, b.id, b.count, &b.title, b.description.as_deref(), b.severity, now).await?;
        if !b.tags.is_empty() {
            store::term::set_tags(tx, Owner::Alert, audit.ws, &[(b.id, b.tags.clone())], now, false).await?;
        }
        let r = store::alert::get_many(&mut *tx, &[b.id])
            .await?
            .into_iter()
            .next()
            .ok_or(Error::not_found("alert"))?;
        store::search::upsert(
            tx,
            &store::search::Doc {
                ws: audit.ws,
                kind: "alert",
                object_id: r.id,
                case_id: None,
                title: &r.title,
                body: &r.description,
            },
            now,
        )
        .await?;
        entries.push(
            Entry::new("alert", r.id, r.uuid, "repeat")
                .change(
                    "occurrences",
                    Some((r.occurrences - b.count).to_string()),
                    Some(r.occurrences.to_string()),
                )
                .message(format!("received again {} time(s)", b.count)),
        );
    }
    store::activity::record(tx, audit, now, &entries).await?;
    Ok(outcome
        .into_iter()
        .map(|t| match t {
            Target::Stored(id) => (id, false),
            Target::New(i) => (ids_by_index.get(i).copied().unwrap_or_default(), true),
            Target::Repeat(i) => (ids_by_index.get(i).copied().unwrap_or_default(), false),
        })
        .collect())
}

fn rows_entries(inserts: &[Prepared], ids: &[i64]) -> Vec<Entry> {
    inserts
        .iter()
        .zip(ids)
        .map(|(p, id)| Entry::new("alert", *id, p.insert.uuid, "create"))
        .collect()
}

impl Core {
    /// Creates an alert, or counts a repeat of one with the same source and source_ref.
    pub async fn create_alert(&self, actor: &Actor, input: NewAlert) -> Result<AlertIngest> {
        actor.require_write()?;
        let mut p = Problems::new();
        let mut prepared = prepare(&mut p, "", input);
        let defs = self.custom_defs(actor.workspace_id.0, FieldEntity::Alert).await?;
        prepared.insert.custom = check_custom_with(&defs, &mut p, "custom", &prepared.insert.custom, true);
        p.into_result()?;
        let audit = Audit::of(actor);
        let ws_uuid = actor.workspace_uuid;
        let items = Arc::new(vec![prepared]);
        self.db
            .write(move |tx| {
                let items = Arc::clone(&items);
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let out = ingest(tx, &audit, &items, now).await?;
                    let (id, created) = out.first().copied().ok_or_else(|| Error::internal("empty ingest"))?;
                    let row = store::alert::get_many(&mut *tx, &[id])
                        .await?
                        .into_iter()
                        .next()
                        .ok_or(Error::not_found("alert"))?;
                    let alert = load(Ex::Tx(tx), audit.ws, ws_uuid, Key::Uuid(row.uuid)).await?;
                    Ok(AlertIngest { alert, created })
                })
            })
            .await
    }

    /// Stores up to [`MAX_BATCH`] alerts in one transaction: all or nothing.
    pub async fn ingest_alerts(&self, actor: &Actor, inputs: Vec<NewAlert>) -> Result<BatchResult> {
        actor.require_write()?;
        if inputs.is_empty() {
            return Err(Error::field(
                "alerts",
                "required",
                "alerts must hold at least one alert",
            ));
        }
        if inputs.len() > MAX_BATCH {
            return Err(Error::field(
                "alerts",
                "too_many",
                format!("at most {MAX_BATCH} alerts per batch"),
            ));
        }
        let mut p = Problems::new();
        let mut prepared: Vec<Prepared> = inputs
            .into_iter()
            .enumerate()
            .map(|(i, a)| prepare(&mut p, &format!("alerts[{i}]."), a))
            .collect();
        // One read of the definitions for the whole batch.
        let defs = self.custom_defs(actor.workspace_id.0, FieldEntity::Alert).await?;
        for (i, it) in prepared.iter_mut().enumerate() {
            it.insert.custom =
                check_custom_with(&defs, &mut p, &format!("alerts[{i}].custom"), &it.insert.custom, true);
        }
        p.into_result()?;
        let audit = Audit::of(actor);
        let items = Arc::new(prepared);
        self.db
            .write(move |tx| {
                let items = Arc::clone(&items);
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let out = ingest(tx, &audit, &items, now).await?;
                    let mut ids: Vec<i64> = out.iter().map(|(id, _)| *id).collect();
                    ids.sort_unstable();
                    ids.dedup();
                    let rows = store::alert::get_many(&mut *tx, &ids).await?;
                    let by_id: HashMap<i64, (Uuid, i64)> = rows.iter().map(|r| (r.id, (r.uuid, r.seq))).collect();
                    let mut result = BatchResult {
                        created: 0,
                        deduplicated: 0,
                        items: Vec::with_capacity(out.len()),
                    };
                    for (id, created) in out {
                        if created {
                            result.created += 1;
                        } else {
                            result.deduplicated += 1;
                        }
                        let (uuid, number) = by_id.get(&id).copied().unwrap_or_default();
                        result.items.push(BatchItem {
                            id: uuid,
                            number,
                            created,
                        });
                    }
                    Ok(result)
                })
            })
            .await
    }

    pub async fn get_alert(&self, actor: &Actor, key: Key) -> Result<Alert> {
        load(Ex::Db(&self.db), actor.workspace_id.0, actor.workspace_uuid, key).await
    }

    pub async fn list_alerts(&self, actor: &Actor, f: AlertFilter) -> Result<Page<Alert>> {
        let limit = paging::limit(f.limit)?;
        let after = paging::decode(f.cursor.as_deref(), 2)?;
        let mut p = Problems::new();
        let tags = validate::tags(&mut p, "tags", &f.tags);
        if let Some(q) = &f.q {
            p.text("q", q, 1, 200);
        }
        p.into_result()?;
        let filter = store::alert::ListFilter {
            status: f.status.iter().map(|s| s.ordinal()).collect(),
            severity: f.severity.iter().map(|s| s.ordinal()).collect(),
            source: f.source.clone(),
            tags,
            q: f.q.clone(),
            created_after: f.created_after,
            created_before: f.created_before,
        };
        let ws = actor.workspace_id.0;
        let backend = self.db.backend();
        let mut rows = store::alert::list(&self.db, backend, ws, &filter, after.as_deref(), limit).await?;
        let next_cursor = paging::next(&mut rows, limit, |r| [r.created_at, r.id].to_vec());
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut tags = store::term::tags_of(&self.db, Owner::Alert, &ids).await?;
        let mut cases = store::alert::cases_of(&self.db, &ids).await?;
        let total = if f.count {
            Some(store::alert::count(&self.db, backend, ws, &filter).await?)
        } else {
            None
        };
        let items = rows
            .into_iter()
            .map(|r| {
                let (t, c) = (
                    tags.remove(&r.id).unwrap_or_default(),
                    cases.remove(&r.id).unwrap_or_default(),
                );
                alert_view(r, actor.workspace_uuid, t, c)
            })
            .collect();
        Ok(Page {
            items,
            next_cursor,
            total,
        })
    }

    pub async fn update_alert(&self, actor: &Actor, key: Key, patch: AlertPatch) -> Result<Alert> {
        actor.require_write()?;
        let mut p = Problems::new();
        if let Some(t) = &patch.title {
            p.text("title", t, 1, validate::MAX_TITLE);
        }
        p.opt_text("description", patch.description.as_deref(), validate::MAX_DESCRIPTION);
        let tags = patch.tags.as_ref().map(|t| validate::tags(&mut p, "tags", t));
        let custom = patch
            .custom
            .as_ref()
            .map(|c| validate::custom(&mut p, "custom", Some(c)));
        p.into_result()?;
        let custom = match custom {
            Some(c) => Some(
                self.check_custom(actor.workspace_id.0, FieldEntity::Alert, "custom", &c, true)
                    .await?,
            ),
            None => None,
        };
        let owner = match patch.assignee {
            Some(Some(u)) => Some(Some(self.assignee_id(actor, u, "assignee").await?)),
            Some(None) => Some(None),
            None => None,
        };
        let audit = Audit::of(actor);
        let ws_uuid = actor.workspace_uuid;
        let shared = Arc::new((patch, tags, custom, owner));
        self.db
            .write(move |tx| {
                let shared = Arc::clone(&shared);
                let audit = audit.clone();
                Box::pin(async move {
                    let (patch, tags, custom, owner) = &*shared;
                    let now = now_us();
                    let row = store::alert::get(&mut *tx, audit.ws, key)
                        .await?
                        .ok_or(Error::not_found("alert"))?;
                    if patch.version.is_some_and(|v| v != row.version) {
                        return Err(Error::Conflict(format!(
                            "the alert changed since you read it (now version {}); reload and retry",
                            row.version
                        )));
                    }
                    let old = AlertValues::of(&row);
                    let mut new = old.clone();
                    let mut changes: Vec<Entry> = Vec::new();
                    let mut change = |field: &'static str, o: Option<String>, n: Option<String>| {
                        if o != n {
                            changes.push(Entry::new("alert", row.id, row.uuid, "update").change(field, o, n));
                        }
                    };
                    if let Some(t) = &patch.title {
                        new.title = t.trim().to_owned();
                        change("title", json_str(&old.title), json_str(&new.title));
                    }
                    if let Some(d) = &patch.description {
                        new.description = d.clone();
                        change("description", json_str(&old.description), json_str(&new.description));
                    }
                    if let Some(s) = patch.status
                        && s.ordinal() != old.status
                    {
                        new.status = s.ordinal();
                        new.state_id = s.default_alert_state();
                        change("status", json_str(&Status::from_ordinal(old.status)), json_str(&s));
                    }
                    if let Some(v) = patch.severity {
                        new.severity = v.ordinal();
                        change(
                            "severity",
                            json_str(&Severity::from_ordinal(old.severity)),
                            json_str(&v),
                        );
                    }
                    if let Some(v) = patch.resolution {
                        new.resolution = v.map(Resolution::ordinal);
                        change(
                            "resolution",
                            json_str(&old.resolution.and_then(Resolution::from_ordinal)),
                            json_str(&v),
                        );
                    }
                    if let Some(v) = owner {
                        new.owner_id = *v;
                        change("assignee", json_str(&old.owner_id), json_str(&new.owner_id));
                    }
                    if let Some(c) = custom {
                        new.custom = c.clone();
                        if old.custom != new.custom {
                            change("custom", Some(old.custom.clone()), Some(new.custom.clone()));
                        }
                    }
                    let mut tags_changed = false;
                    if let Some(t) = tags {
                        let current = store::term::tags_of(&mut *tx, Owner::Alert, &[row.id])
                            .await?
                            .remove(&row.id)
                            .unwrap_or_default();
                        if current != *t {
                            tags_changed = true;
                            change("tags", json_str(&current), json_str(t));
                        }
                    }
                    if !changes.is_empty() {
                        if !store::alert::update(tx, row.id, row.version, &new, now).await? {
                            return Err(Error::Conflict(
                                "the alert changed while updating; reload and retry".into(),
                            ));
                        }
                        if new.owner_id != old.owner_id {
                            store::alert::set_owner(tx, audit.ws, row.id, new.owner_id, now).await?;
                        }
                        if tags_changed && let Some(t) = tags {
                            store::term::set_tags(tx, Owner::Alert, audit.ws, &[(row.id, t.clone())], now, true)
                                .await?;
                        }
                        if new.title != old.title || new.description != old.description {
                            store::search::upsert(
                                tx,
                                &store::search::Doc {
                                    ws: audit.ws,
                                    kind: "alert",
                                    object_id: row.id,
                                    case_id: None,
                                    title: &new.title,
                                    body: &new.description,
                                },
                                now,
                            )
                            .await?;
                        }
                        store::activity::record(tx, &audit, now, &changes).await?;
                    }
                    load(Ex::Tx(tx), audit.ws, ws_uuid, Key::Uuid(row.uuid)).await
                })
            })
            .await
    }

    /// Opens a new case from an alert: title, description, severity and tags carry over; the
    /// alert is linked and marked escalated.
    pub async fn promote_alert(&self, actor: &Actor, key: Key, title: Option<String>) -> Result<Case> {
        actor.require_write()?;
        if let Some(t) = &title {
            let mut p = Problems::new();
            p.text("title", t, 1, validate::MAX_TITLE);
            p.into_result()?;
        }
        let audit = Audit::of(actor);
        let ws_uuid = actor.workspace_uuid;
        let title = Arc::new(title);
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                let title = Arc::clone(&title);
                Box::pin(async move {
                    let now = now_us();
                    let a = store::alert::get(&mut *tx, audit.ws, key)
                        .await?
                        .ok_or(Error::not_found("alert"))?;
                    if a.state_id == alert_state::ESCALATED {
                        let cases = store::alert::cases_of(&mut *tx, &[a.id])
                            .await?
                            .remove(&a.id)
                            .unwrap_or_default();
                        let to = cases.first().map(|c| format!(" (case {c})")).unwrap_or_default();
                        return Err(Error::Conflict(format!("alert #{} was already promoted{to}", a.seq)));
                    }
                    let tags = store::term::tags_of(&mut *tx, Owner::Alert, &[a.id])
                        .await?
                        .remove(&a.id)
                        .unwrap_or_default();
                    let values = CaseValues {
                        title: title.as_deref().map(str::trim).unwrap_or(&a.title).to_owned(),
                        description: Some(a.description.clone()),
                        state_id: Status::New.default_case_state(),
                        status: Status::New.ordinal(),
                        severity: a.severity,
                        priority: Priority::Unknown.ordinal(),
                        resolution: None,
                        tlp: a.tlp.unwrap_or(Tlp::Amber.ordinal()),
                        pap: a.pap.unwrap_or(Pap::Amber.ordinal()).min(Pap::Red.ordinal()),
                        owner_id: a.owner_id,
                        reviewer_id: None,
                        customer_id: None,
                        classification_id: None,
                        external_ref: None,
                        external_link: a.source_link.clone(),
                        closing_note: None,
                        custom: "{}".into(),
                        occurred_at: a.event_time,
                        closed_at: None,
                    };
                    let origin = format!("alert #{}", a.seq);
                    let (case_id, case_uuid) = insert_case(tx, &audit, &values, &tags, now, Some(&origin)).await?;
                    link(
                        tx,
                        &audit,
                        case_id,
                        &a,
                        how::ESCALATE,
                        (alert_state::ESCALATED, "escalated"),
                        "escalate",
                        now,
                    )
                    .await?;
                    load_case(Ex::Tx(tx), audit.ws, ws_uuid, Key::Uuid(case_uuid)).await
                })
            })
            .await
    }

    /// Attaches an alert to an existing case and marks it merged.
    pub async fn merge_alert(&self, actor: &Actor, key: Key, case: Key) -> Result<Alert> {
        actor.require_write()?;
        let audit = Audit::of(actor);
        let ws_uuid = actor.workspace_uuid;
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let a = store::alert::get(&mut *tx, audit.ws, key)
                        .await?
                        .ok_or(Error::not_found("alert"))?;
                    let c = store::case::get(&mut *tx, audit.ws, case).await?.ok_or_else(|| {
                        Error::field("case_id", "not_found", "case_id: no such case in this workspace")
                    })?;
                    link(
                        tx,
                        &audit,
                        c.id,
                        &a,
                        how::MERGE,
                        (alert_state::MERGED, "merged"),
                        "merge",
                        now,
                    )
                    .await?;
                    store::case::touch(tx, c.id, now).await?;
                    load(Ex::Tx(tx), audit.ws, ws_uuid, Key::Uuid(a.uuid)).await
                })
            })
            .await
    }

    pub async fn alert_activity(
        &self,
        actor: &Actor,
        key: Key,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<Activity>> {
        let ws = actor.workspace_id.0;
        let row = store::alert::get(&self.db, ws, key)
            .await?
            .ok_or(Error::not_found("alert"))?;
        self.activity_page(ws, Scope::Object("alert", row.id), cursor, limit)
            .await
    }
}

#[allow(clippy::too_many_arguments)]
async fn link(
    tx: &mut Tx<'_>,
    audit: &Audit,
    case_id: i64,
    a: &AlertRow,
    how: i16,
    (state, state_code): (i64, &str),
    action: &'static str,
    now: i64,
) -> Result<()> {
    store::case::link_alert(tx, audit.ws, case_id, a.id, how, now).await?;
    let carried = store::observable::copy_alert_links_to_case(tx, audit.ws, a.id, case_id, audit.actor, now).await?;
    store::alert::set_state(tx, a.id, state, Status::Closed.ordinal(), now).await?;
    store::activity::record(
        tx,
        audit,
        now,
        &[
            Entry::new("alert", a.id, a.uuid, action).case(case_id).message(format!(
                "alert #{} {action}d into this case with {carried} observable(s)",
                a.seq
            )),
            Entry::new("alert", a.id, a.uuid, "update").change("state", json_str(&a.state_code), json_str(&state_code)),
        ],
    )
    .await
}
