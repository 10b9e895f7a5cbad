//! Alerts: ingest with deduplication (single and batch), read, list, update, promote to a
//! case, merge into a case.

use std::{collections::HashMap, sync::Arc};

use serde::Serialize;
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
        Activity, Alert, AlertFilter, AlertIngest, AlertObservable, AlertPatch, BatchItem, BatchResult, Case, NamedRef,
        NewAlert, NewObservable, Page, Pap, Priority, RefKey, Resolution, Severity, StateRef, Status, Timestamp, Tlp,
        UserRef, alert_state,
    },
    paging,
    store::{
        self, Ex, Tx,
        activity::{Audit, Entry, Scope},
        alert::{AlertInsert, AlertRow, AlertValues},
        case::CaseValues,
        observable::LinkValues,
        reference::RefTable,
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

// ---- Alert records: an alert with every detail IRIS keeps (customer, classification, note,
// raw tags, source content, context, observables, assets), offset pages, deletion,
// escalation and merging with a chosen part of its observables and assets, unmerging ----

/// Most observables, or assets, one alert record may name.
pub const MAX_RECORD_ITEMS: usize = 1000;
/// Largest JSON document (source content, context, asset enrichment), bytes.
pub const MAX_RECORD_JSON: usize = 1024 * 1024;
/// Most related alerts reported per kind.
const MAX_RELATED: i64 = 100;

/// An asset an alert names (IRIS `alert_assets`): an inventory identity (type, name) and what
/// the alert says about it.
#[derive(Debug, Clone)]
pub struct NewAlertAsset {
    pub name: String,
    /// The asset type's id or exact name.
    pub asset_type: RefKey,
    pub description: Option<String>,
    pub domain: Option<String>,
    pub ip: Option<String>,
    pub info: Option<String>,
    /// Comma-separated, kept as given.
    pub tags: Option<String>,
    pub enrichment: Option<serde_json::Value>,
}

/// An asset of an alert.
#[derive(Debug, Clone, Serialize)]
pub struct AlertAsset {
    /// The alert's link to the asset (IRIS `asset_uuid`, an `assets_import_list` entry).
    pub id: Uuid,
    /// The inventory identity.
    pub asset_id: Uuid,
    pub name: String,
    pub asset_type: NamedRef,
    pub description: Option<String>,
    pub domain: Option<String>,
    pub ip: Option<String>,
    pub info: Option<String>,
    pub tags: Option<String>,
    pub enrichment: Option<serde_json::Value>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub created_by: Option<UserRef>,
}

/// The customer an alert belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct AlertCustomer {
    pub id: Uuid,
    pub number: i64,
    pub name: String,
    pub description: Option<String>,
    pub sla: Option<String>,
    pub custom: serde_json::Value,
}

/// The classification of an alert.
#[derive(Debug, Clone, Serialize)]
pub struct AlertClassification {
    pub id: i64,
    pub name: String,
    pub name_expanded: String,
    pub description: String,
    pub created_at: Timestamp,
}

/// An alert with every detail.
#[derive(Debug, Clone, Serialize)]
pub struct AlertRecord {
    pub alert: Alert,
    pub customer: Option<AlertCustomer>,
    pub classification: Option<AlertClassification>,
    pub note: Option<String>,
    /// The tags as last given, comma-separated (each is also a tag of the alert).
    pub tags_raw: Option<String>,
    pub source_content: Option<serde_json::Value>,
    pub context: Option<serde_json::Value>,
    pub observables: Vec<AlertObservable>,
    pub assets: Vec<AlertAsset>,
    /// Numbers of the cases the alert was escalated or merged into, oldest link first.
    pub case_numbers: Vec<i64>,
    /// Numbers of the alert's comments.
    pub comment_numbers: Vec<i64>,
}

/// A new alert with every detail. A record is never deduplicated: each is a new alert.
#[derive(Debug, Clone, Default)]
pub struct NewAlertRecord {
    pub title: String,
    pub description: Option<String>,
    pub severity: Option<Severity>,
    /// An alert state row (`GET /api/v1/reference/alert-states`); its canonical status follows.
    pub state_id: Option<i64>,
    pub resolution: Option<Resolution>,
    pub source: Option<String>,
    pub source_ref: Option<String>,
    pub source_link: Option<String>,
    pub event_time: Option<Timestamp>,
    pub owner: Option<Uuid>,
    /// Customer number.
    pub customer: Option<i64>,
    pub classification: Option<i64>,
    pub note: Option<String>,
    /// Comma-separated tags.
    pub tags: Option<String>,
    pub source_content: Option<serde_json::Value>,
    pub context: Option<serde_json::Value>,
    pub observables: Vec<NewObservable>,
    pub assets: Vec<NewAlertAsset>,
}

/// A partial update of an alert record: `None` keeps a field; `Some(None)` clears it.
/// `observables` and `assets` replace the lists.
#[derive(Debug, Clone, Default)]
pub struct AlertRecordPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub severity: Option<Severity>,
    pub state_id: Option<i64>,
    pub resolution: Option<Option<Resolution>>,
    pub source: Option<Option<String>>,
    pub source_ref: Option<Option<String>>,
    pub source_link: Option<Option<String>>,
    pub event_time: Option<Option<Timestamp>>,
    pub owner: Option<Option<Uuid>>,
    /// When the patch names no owner and the alert has none, the updater takes it (IRIS).
    pub claim_if_unowned: bool,
    pub customer: Option<i64>,
    pub classification: Option<Option<i64>>,
    pub note: Option<Option<String>>,
    pub tags: Option<Option<String>>,
    pub source_content: Option<Option<serde_json::Value>>,
    pub context: Option<Option<serde_json::Value>>,
    pub observables: Option<Vec<NewObservable>>,
    pub assets: Option<Vec<NewAlertAsset>>,
}

/// Filters of an offset-paged alert query. Text filters are case-insensitive substrings.
#[derive(Debug, Clone, Default)]
pub struct AlertQuery {
    pub title: Option<String>,
    pub description: Option<String>,
    pub source: Option<String>,
    /// A substring of the raw tag string.
    pub tags: Option<String>,
    pub source_ref: Option<String>,
    pub state_id: Option<i64>,
    pub severity: Option<Severity>,
    pub resolution: Option<Resolution>,
    /// `Some(None)`: unassigned alerts.
    pub owner: Option<Option<Uuid>>,
    /// Customer number.
    pub customer: Option<i64>,
    pub classification: Option<i64>,
    pub numbers: Option<Vec<i64>>,
    /// Alerts linked to this case number.
    pub case: Option<i64>,
    /// Alerts naming an asset of one of these names (case-insensitive).
    pub asset_names: Vec<String>,
    /// Alerts naming an observable of one of these exact values.
    pub observable_values: Vec<String>,
    pub created_after: Option<i64>,
    pub created_before: Option<i64>,
    /// On the source event time (the creation time when it has none).
    pub event_after: Option<i64>,
    pub event_before: Option<i64>,
    pub ascending: bool,
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
}

/// One page of alert records and the number of matches.
#[derive(Debug, Clone, Serialize)]
pub struct AlertRecordPage {
    pub total: i64,
    pub items: Vec<AlertRecord>,
}

/// Other alerts that name one of an alert's observables or assets (their numbers).
#[derive(Debug, Clone, Serialize)]
pub struct RelatedAlerts {
    pub by_observable: Vec<i64>,
    pub by_asset: Vec<i64>,
}

/// What an escalation or a merge brings into the case.
#[derive(Debug, Clone, Default)]
pub struct AlertImport {
    /// The alert's observable links to copy (unknown ones are ignored).
    pub observables: Vec<Uuid>,
    /// The alert's asset links to copy (unknown ones are ignored).
    pub assets: Vec<Uuid>,
    pub note: Option<String>,
    /// Also add a timeline event for the alert, linked to what was copied.
    pub as_event: bool,
    /// Escalation only: the new case's title (default `[ALERT] <alert title>`) and tags.
    pub case_title: Option<String>,
    pub case_tags: Vec<String>,
}

/// A validated observable of a record.
#[derive(Debug, Clone)]
struct RecordObservable {
    type_id: i64,
    type_name: String,
    value: String,
    sha: Vec<u8>,
    values: LinkValues,
}

/// A validated asset of a record.
#[derive(Debug, Clone)]
struct RecordAsset {
    type_id: i64,
    type_name: String,
    name: String,
    values: store::alert::AssetValues,
}

fn json_doc(p: &mut Problems, field: &str, v: Option<&serde_json::Value>) -> Option<String> {
    let v = v?;
    if v.is_null() {
        return None;
    }
    let s = v.to_string();
    if s.len() > MAX_RECORD_JSON {
        p.push(
            field,
            "too_large",
            format!("{field} must be at most {MAX_RECORD_JSON} bytes of JSON"),
        );
    }
    Some(s)
}

fn raw_tags(p: &mut Problems, field: &str, raw: Option<&str>) -> Vec<String> {
    let list: Vec<String> = raw
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    validate::tags(p, field, &list)
}

fn parse_doc(s: Option<&String>) -> Option<serde_json::Value> {
    s.map(|s| serde_json::from_str(s).unwrap_or_else(|_| serde_json::Value::String(s.clone())))
}

fn record_view(
    alert: Alert,
    d: Option<store::alert::DetailRow>,
    observables: Vec<store::alert::ObservableRow>,
    assets: Vec<store::alert::AssetRow>,
    case_numbers: Vec<i64>,
    comment_numbers: Vec<i64>,
) -> AlertRecord {
    let (customer, classification, note, tags_raw, source_content, context) = match d {
        Some(d) => {
            let customer = match (d.customer_uuid, d.customer_seq, d.customer_name) {
                (Some(id), Some(number), Some(name)) => Some(AlertCustomer {
                    id,
                    number,
                    name,
                    description: d.customer_description,
                    sla: d.customer_sla,
                    custom: parse_doc(d.customer_custom.as_ref()).unwrap_or_else(|| serde_json::json!({})),
                }),
                _ => None,
            };
            let classification = match (d.classification_id, d.classification_name) {
                (Some(id), Some(name)) => Some(AlertClassification {
                    id,
                    name,
                    name_expanded: d.classification_expanded.unwrap_or_default(),
                    description: d.classification_description.unwrap_or_default(),
                    created_at: Timestamp(d.classification_created_at.unwrap_or_default()),
                }),
                _ => None,
            };
            (
                customer,
                classification,
                d.note,
                d.tags_raw,
                parse_doc(d.source_content.as_ref()),
                parse_doc(d.context.as_ref()),
            )
        }
        None => (None, None, None, None, None, None),
    };
    AlertRecord {
        alert,
        customer,
        classification,
        note,
        tags_raw,
        source_content,
        context,
        observables: observables
            .into_iter()
            .map(|r| AlertObservable {
                id: r.uuid,
                observable_id: r.observable_uuid,
                observable_type: NamedRef {
                    id: r.type_id,
                    name: r.type_name,
                },
                value: r.value,
                description: r.description,
                tlp: r.tlp.and_then(Tlp::from_ordinal),
                tags: crate::validate::split_tags(r.tags_raw.as_deref()),
                is_ioc: r.is_ioc,
                created_at: Timestamp(r.created_at),
                updated_at: Timestamp(r.updated_at),
                created_by: user_ref(r.creator_uuid, r.creator_login, r.creator_name),
                version: r.version,
            })
            .collect(),
        assets: assets
            .into_iter()
            .map(|r| AlertAsset {
                id: r.uuid,
                asset_id: r.asset_uuid,
                name: r.name,
                asset_type: NamedRef {
                    id: r.type_id,
                    name: r.type_name,
                },
                description: r.description,
                domain: r.domain,
                ip: r.ip,
                info: r.info,
                tags: r.tags_raw,
                enrichment: parse_doc(r.enrichment.as_ref()),
                created_at: Timestamp(r.created_at),
                updated_at: Timestamp(r.updated_at),
                created_by: user_ref(r.creator_uuid, r.creator_login, r.creator_name),
            })
            .collect(),
        case_numbers,
        comment_numbers,
    }
}

/// Alert records of these rows, in their order.
async fn records(mut ex: Ex<'_, '_>, ws_uuid: Uuid, rows: Vec<AlertRow>) -> Result<Vec<AlertRecord>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut tags = store::term::tags_of(ex.reborrow(), Owner::Alert, &ids).await?;
    let mut cases = store::alert::cases_of(ex.reborrow(), &ids).await?;
    let mut details = store::alert::details_of(ex.reborrow(), &ids).await?;
    let mut obs = store::alert::observables_of(ex.reborrow(), &ids).await?;
    let mut assets = store::alert::assets_of(ex.reborrow(), &ids).await?;
    let mut case_numbers = store::alert::case_numbers_of(ex.reborrow(), &ids).await?;
    let mut comments = store::alert::comment_numbers_of(ex, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let id = r.id;
            let alert = alert_view(
                r,
                ws_uuid,
                tags.remove(&id).unwrap_or_default(),
                cases.remove(&id).unwrap_or_default(),
            );
            record_view(
                alert,
                details.remove(&id),
                obs.remove(&id).unwrap_or_default(),
                assets.remove(&id).unwrap_or_default(),
                case_numbers.remove(&id).unwrap_or_default(),
                comments.remove(&id).unwrap_or_default(),
            )
        })
        .collect())
}

async fn load_record(mut ex: Ex<'_, '_>, ws: i64, ws_uuid: Uuid, key: Key) -> Result<AlertRecord> {
    let row = store::alert::get(ex.reborrow(), ws, key)
        .await?
        .ok_or(Error::not_found("alert"))?;
    records(ex, ws_uuid, vec![row])
        .await?
        .pop()
        .ok_or(Error::not_found("alert"))
}

/// Links validated observables to an alert (a repeated (type, value) is kept once).
async fn insert_record_observables(
    tx: &mut Tx<'_>,
    audit: &Audit,
    alert_id: i64,
    list: &[RecordObservable],
    now: i64,
) -> Result<()> {
    for o in list {
        let (obs, uuid, created) =
            store::observable::ensure_identity(tx, audit.ws, o.type_id, &o.value, &o.sha, audit.actor, now).await?;
        if created {
            store::observable::index_identity(tx, audit.ws, obs, &o.value, &o.type_name, now).await?;
            store::activity::record(
                tx,
                audit,
                now,
                &[Entry::new("observable", obs, uuid, "create")
                    .change("value", None, json_str(&o.value))
                    .message(format!("observable {} {} first seen", o.type_name, o.value))],
            )
            .await?;
        }
        let values = LinkValues {
            observable_id: obs,
            ..o.values.clone()
        };
        if let Some((id, link_uuid)) =
            store::observable::insert_alert_link(tx, audit.ws, alert_id, &values, audit.actor, now).await?
        {
            store::activity::record(
                tx,
                audit,
                now,
                &[Entry::new("alert_observable", id, link_uuid, "create")
                    .change("value", None, json_str(&o.value))
                    .message(format!("observable ({} {}) added to an alert", o.type_name, o.value))],
            )
            .await?;
        }
    }
    Ok(())
}

/// Adds validated assets to an alert.
async fn insert_record_assets(
    tx: &mut Tx<'_>,
    audit: &Audit,
    alert_id: i64,
    list: &[RecordAsset],
    now: i64,
) -> Result<()> {
    for a in list {
        let (asset, uuid, created) =
            store::asset::ensure_identity(tx, audit.ws, a.type_id, &a.name, audit.actor, now).await?;
        if created {
            store::asset::index_identity(tx, audit.ws, asset, &a.name, now).await?;
            store::activity::record(
                tx,
                audit,
                now,
                &[Entry::new("asset", asset, uuid, "create")
                    .change("name", None, json_str(&a.name))
                    .message(format!("asset {} ({}) added to the inventory", a.name, a.type_name))],
            )
            .await?;
        }
        let values = store::alert::AssetValues {
            asset_id: asset,
            ..a.values.clone()
        };
        let (id, link_uuid) = store::alert::insert_asset(tx, audit.ws, alert_id, &values, audit.actor, now).await?;
        store::activity::record(
            tx,
            audit,
            now,
            &[Entry::new("alert_asset", id, link_uuid, "create")
                .change("name", None, json_str(&a.name))
                .message(format!("asset ({} {}) added to an alert", a.type_name, a.name))],
        )
        .await?;
    }
    Ok(())
}

/// Copies chosen observables and assets of an alert into a case (what the case already holds
/// is reused); new assets are linked to the copied observables. Returns the case's observable
/// and asset link ids.
async fn import_into_case(
    tx: &mut Tx<'_>,
    audit: &Audit,
    case_id: i64,
    alert_id: i64,
    import: &AlertImport,
    now: i64,
) -> Result<(Vec<i64>, Vec<i64>)> {
    use store::observable::Link;
    let mut obs_ids = Vec::new();
    let mut entries = Vec::new();
    let rows = store::alert::observables_of(&mut *tx, &[alert_id])
        .await?
        .remove(&alert_id)
        .unwrap_or_default();
    for r in rows.into_iter().filter(|r| import.observables.contains(&r.uuid)) {
        if let Some(existing) = store::observable::link_of(&mut *tx, Link::Case, case_id, r.observable_id).await? {
            obs_ids.push(existing.id);
            continue;
        }
        let seq = store::workspace::next_seq(tx, audit.ws, "case_observable", 1).await?;
        let values = LinkValues {
            observable_id: r.observable_id,
            tlp: Some(r.tlp.unwrap_or(Tlp::Amber.ordinal())),
            description: r.description.clone(),
            tags_raw: r.tags_raw.clone(),
            is_ioc: r.is_ioc,
            custom: "{}".into(),
        };
        if let Some((id, uuid)) =
            store::observable::insert_case_link(tx, audit.ws, seq, case_id, &values, audit.actor, now).await?
        {
            obs_ids.push(id);
            entries.push(
                Entry::new("case_observable", id, uuid, "create")
                    .case(case_id)
                    .change("value", None, json_str(&r.value))
                    .message(format!(
                        "observable #{seq} ({} {}) imported from an alert",
                        r.type_name, r.value
                    )),
            );
        }
    }
    let mut asset_ids = Vec::new();
    let rows = store::alert::assets_of(&mut *tx, &[alert_id])
        .await?
        .remove(&alert_id)
        .unwrap_or_default();
    for r in rows.into_iter().filter(|r| import.assets.contains(&r.uuid)) {
        if let Some((existing, _)) = store::asset::link_of(&mut *tx, case_id, r.asset_id).await? {
            asset_ids.push(existing);
            continue;
        }
        let seq = store::workspace::next_seq(tx, audit.ws, "case_asset", 1).await?;
        let values = store::asset::CaseAssetValues {
            asset_id: r.asset_id,
            description: r.description.clone(),
            domain: r.domain.clone(),
            ip: r.ip.clone(),
            info: r.info.clone(),
            tags_raw: r.tags_raw.clone(),
            compromise_status: 0,
            analysis_status_id: 1,
            custom: "{}".into(),
        };
        if let Some((id, uuid)) = store::asset::insert(tx, audit.ws, seq, case_id, &values, audit.actor, now).await? {
            store::asset::set_observables(tx, audit.ws, id, &obs_ids, now).await?;
            asset_ids.push(id);
            entries.push(
                Entry::new("case_asset", id, uuid, "create")
                    .case(case_id)
                    .change("name", None, json_str(&r.name))
                    .message(format!(
                        "asset #{seq} ({}, {}) imported from an alert",
                        r.name, r.type_name
                    )),
            );
        }
    }
    store::activity::record(tx, audit, now, &entries).await?;
    Ok((obs_ids, asset_ids))
}

/// A timeline event for an alert in a case, linked to the case's copies of its observables
/// and assets.
async fn alert_event(
    tx: &mut Tx<'_>,
    audit: &Audit,
    case_id: i64,
    a: &AlertRow,
    links: (&[i64], &[i64]),
    now: i64,
) -> Result<()> {
    use store::timeline::Link;
    let d = store::alert::current_details(tx, a.id).await?;
    let raw = d
        .source_content
        .as_deref()
        .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
        .map(|v| serde_json::to_string_pretty(&v).unwrap_or_default());
    let values = store::timeline::EventValues {
        title: format!("[ALERT] {}", a.title),
        content: Some(a.description.clone()),
        raw,
        source: a.source.clone(),
        occurred_at: a.event_time.unwrap_or(a.created_at),
        tz: "+00:00".into(),
        category_id: 1,
        color: String::new(),
        tags_raw: d.tags_raw.clone(),
        in_summary: false,
        in_graph: true,
        flagged: false,
        parent_id: None,
        custom: "{}".into(),
    };
    let seq = store::workspace::next_seq(tx, audit.ws, "timeline_event", 1).await?;
    let (id, uuid) = store::timeline::insert(tx, audit.ws, seq, case_id, &values, audit.actor, now).await?;
    store::timeline::set_links(tx, Link::Asset, audit.ws, id, links.1, now).await?;
    store::timeline::set_links(tx, Link::Observable, audit.ws, id, links.0, now).await?;
    let body = format!("{}\n{}", a.description, a.source.as_deref().unwrap_or(""));
    store::search::upsert(
        tx,
        &store::search::Doc {
            ws: audit.ws,
            kind: "timeline_event",
            object_id: id,
            case_id: Some(case_id),
            title: &values.title,
            body: &body,
        },
        now,
    )
    .await?;
    store::activity::record(
        tx,
        audit,
        now,
        &[Entry::new("timeline_event", id, uuid, "create")
            .case(case_id)
            .change("title", None, json_str(&values.title))
            .message(format!("timeline event #{seq} created from alert #{}", a.seq))],
    )
    .await
}

impl Core {
    /// Validates a record's observables and assets against the workspace's types.
    async fn record_items(
        &self,
        p: &mut Problems,
        ws: i64,
        observables: &[NewObservable],
        assets: &[NewAlertAsset],
    ) -> Result<(Vec<RecordObservable>, Vec<RecordAsset>)> {
        if observables.len() > MAX_RECORD_ITEMS {
            p.push(
                "observables",
                "too_many",
                format!("at most {MAX_RECORD_ITEMS} observables"),
            );
        }
        if assets.len() > MAX_RECORD_ITEMS {
            p.push("assets", "too_many", format!("at most {MAX_RECORD_ITEMS} assets"));
        }
        let mut obs = Vec::with_capacity(observables.len());
        for (i, o) in observables.iter().enumerate().take(MAX_RECORD_ITEMS) {
            let f = |name: &str| format!("observables[{i}].{name}");
            let t = match crate::observable::resolve_type(Ex::Db(&self.db), ws, &o.observable_type, &f("type")).await {
                Ok(t) => t,
                Err(Error::Validation(list)) => {
                    for e in list {
                        p.push(e.field, &e.code, e.message);
                    }
                    continue;
                }
                Err(e) => return Err(e),
            };
            let value = crate::observable::check_value(p, &f("value"), &t, &o.value);
            p.opt_text(&f("description"), o.description.as_deref(), validate::MAX_DESCRIPTION);
            let tags = validate::tags(p, &f("tags"), &o.tags);
            if o.custom.is_some() {
                p.push(
                    f("custom"),
                    "invalid",
                    "an alert's observables have no custom attributes",
                );
            }
            obs.push(RecordObservable {
                type_id: t.id,
                type_name: t.name.clone(),
                sha: crate::observable::value_sha(&value),
                value,
                values: LinkValues {
                    observable_id: 0,
                    tlp: o.tlp.map(Tlp::ordinal),
                    description: o.description.clone(),
                    tags_raw: if tags.is_empty() { None } else { Some(tags.join(",")) },
                    is_ioc: o.is_ioc.unwrap_or(true),
                    custom: "{}".into(),
                },
            });
        }
        let mut out = Vec::with_capacity(assets.len());
        for (i, a) in assets.iter().enumerate().take(MAX_RECORD_ITEMS) {
            let f = |name: &str| format!("assets[{i}].{name}");
            p.text(&f("name"), &a.name, 1, crate::asset::MAX_NAME);
            for (name, v, max) in [
                ("description", &a.description, validate::MAX_DESCRIPTION),
                ("domain", &a.domain, crate::asset::MAX_DOMAIN),
                ("ip", &a.ip, 255),
                ("info", &a.info, validate::MAX_DESCRIPTION),
                ("tags", &a.tags, 5000),
            ] {
                p.opt_text(&f(name), v.as_deref(), max);
            }
            let enrichment = json_doc(p, &f("enrichment"), a.enrichment.as_ref());
            let t = match &a.asset_type {
                RefKey::Id(id) => store::reference::asset_type_by_id(&self.db, ws, *id).await?,
                RefKey::Name(n) => store::reference::asset_type_by_name(&self.db, ws, n).await?,
            };
            let Some(t) = t else {
                p.push(
                    f("type"),
                    "unknown_value",
                    format!("{}: no asset type `{}` in this workspace", f("type"), a.asset_type),
                );
                continue;
            };
            out.push(RecordAsset {
                type_id: t.id,
                type_name: t.name,
                name: a.name.trim().to_owned(),
                values: store::alert::AssetValues {
                    asset_id: 0,
                    description: a.description.clone(),
                    domain: a.domain.clone(),
                    ip: a.ip.clone(),
                    info: a.info.clone(),
                    tags_raw: a.tags.clone(),
                    enrichment,
                },
            });
        }
        Ok((obs, out))
    }

    /// Checks the references a record names; returns (customer id, classification id,
    /// canonical status of the state, owner id).
    async fn record_refs(
        &self,
        actor: &Actor,
        customer: Option<i64>,
        classification: Option<i64>,
        state: Option<i64>,
        owner: Option<Uuid>,
    ) -> Result<(Option<i64>, Option<i64>, Option<Status>, Option<i64>)> {
        let ws = actor.workspace_id.0;
        let customer_id = match customer {
            Some(n) => Some(
                store::alert::customer_id(&self.db, ws, n)
                    .await?
                    .ok_or_else(|| Error::field("customer", "unknown_value", format!("customer: no customer {n}")))?,
            ),
            None => None,
        };
        if let Some(c) = classification
            && !store::reference::exists(&self.db, RefTable::Classification, ws, c).await?
        {
            return Err(Error::field(
                "classification_id",
                "unknown_value",
                format!("classification_id: no classification {c}"),
            ));
        }
        let status = match state {
            Some(s) => {
                let c = store::alert::state_canonical(&self.db, ws, s).await?.ok_or_else(|| {
                    Error::field("state_id", "unknown_value", format!("state_id: no alert state {s}"))
                })?;
                Some(Status::from_ordinal(c).unwrap_or(Status::Unknown))
            }
            None => None,
        };
        let owner_id = match owner {
            Some(u) => Some(self.assignee_id(actor, u, "owner").await?),
            None => None,
        };
        Ok((customer_id, classification, status, owner_id))
    }

    /// Creates an alert with every detail, its observables and its assets, in one transaction.
    pub async fn create_alert_record(&self, actor: &Actor, input: NewAlertRecord) -> Result<AlertRecord> {
        actor.require_write()?;
        let ws = actor.workspace_id.0;
        let mut p = Problems::new();
        let tags = raw_tags(&mut p, "tags", input.tags.as_deref());
        let mut prepared = prepare(
            &mut p,
            "",
            NewAlert {
                title: input.title.clone(),
                description: input.description.clone(),
                status: None,
                severity: input.severity,
                source: input.source.clone(),
                source_ref: input.source_ref.clone(),
                source_link: input.source_link.clone(),
                alert_type: None,
                tlp: None,
                pap: None,
                tags,
                event_time: input.event_time,
                count: None,
                custom: None,
            },
        );
        p.opt_text("note", input.note.as_deref(), validate::MAX_DESCRIPTION);
        p.opt_text("tags", input.tags.as_deref(), 5000);
        let source_content = json_doc(&mut p, "source_content", input.source_content.as_ref());
        let context = json_doc(&mut p, "context", input.context.as_ref());
        let (obs, assets) = self.record_items(&mut p, ws, &input.observables, &input.assets).await?;
        p.into_result()?;
        let (customer_id, classification_id, status, owner_id) = self
            .record_refs(actor, input.customer, input.classification, input.state_id, input.owner)
            .await?;
        // A record is a new alert, never a repeat.
        prepared.insert.dedup_key = None;
        if let (Some(state), Some(status)) = (input.state_id, status) {
            prepared.insert.state_id = state;
            prepared.insert.status = status.ordinal();
        }
        let details = store::alert::DetailValues {
            source: input.source.clone(),
            source_ref: input.source_ref.clone(),
            source_link: input.source_link.clone(),
            event_time: input.event_time.map(|t| t.0),
            customer_id,
            classification_id,
            note: input.note.clone(),
            tags_raw: input.tags.clone(),
            source_content,
            context,
        };
        let resolution = input.resolution;
        let audit = Audit::of(actor);
        let ws_uuid = actor.workspace_uuid;
        let shared = Arc::new((prepared, details, obs, assets));
        self.db
            .write(move |tx| {
                let shared = Arc::clone(&shared);
                let audit = audit.clone();
                Box::pin(async move {
                    let (prepared, details, obs, assets) = &*shared;
                    let now = now_us();
                    let out = ingest(tx, &audit, std::slice::from_ref(prepared), now).await?;
                    let (id, _) = out.first().copied().ok_or_else(|| Error::internal("empty ingest"))?;
                    store::alert::set_details(tx, id, details, now).await?;
                    if owner_id.is_some() || resolution.is_some() {
                        let row = store::alert::get_many(&mut *tx, &[id])
                            .await?
                            .into_iter()
                            .next()
                            .ok_or(Error::not_found("alert"))?;
                        let mut v = AlertValues::of(&row);
                        v.owner_id = owner_id;
                        v.resolution = resolution.map(Resolution::ordinal);
                        store::alert::update(tx, id, row.version, &v, now).await?;
                        store::alert::set_owner(tx, audit.ws, id, owner_id, now).await?;
                    }
                    insert_record_observables(tx, &audit, id, obs, now).await?;
                    insert_record_assets(tx, &audit, id, assets, now).await?;
                    let uuid = store::alert::get_many(&mut *tx, &[id])
                        .await?
                        .first()
                        .map(|r| r.uuid)
                        .ok_or(Error::not_found("alert"))?;
                    load_record(Ex::Tx(tx), audit.ws, ws_uuid, Key::Uuid(uuid)).await
                })
            })
            .await
    }

    pub async fn get_alert_record(&self, actor: &Actor, key: Key) -> Result<AlertRecord> {
        load_record(Ex::Db(&self.db), actor.workspace_id.0, actor.workspace_uuid, key).await
    }

    /// A page of alert records matching the query.
    pub async fn query_alert_records(&self, actor: &Actor, q: AlertQuery) -> Result<AlertRecordPage> {
        let ws = actor.workspace_id.0;
        let per_page = q.per_page.clamp(1, paging::MAX_LIMIT);
        let page = q.page.max(1);
        let customer_id = match q.customer {
            Some(n) => match store::alert::customer_id(&self.db, ws, n).await? {
                Some(id) => Some(id),
                None => {
                    return Ok(AlertRecordPage {
                        total: 0,
                        items: Vec::new(),
                    });
                }
            },
            None => None,
        };
        let owner_id = match q.owner {
            Some(Some(u)) => match store::user::by_uuid(&self.db, u).await? {
                Some(user) => Some(Some(user.id)),
                None => {
                    return Ok(AlertRecordPage {
                        total: 0,
                        items: Vec::new(),
                    });
                }
            },
            Some(None) => Some(None),
            None => None,
        };
        let f = store::alert::QueryFilter {
            title: q.title.filter(|s| !s.trim().is_empty()),
            description: q.description.filter(|s| !s.trim().is_empty()),
            source: q.source.filter(|s| !s.trim().is_empty()),
            tags: q.tags.filter(|s| !s.trim().is_empty()),
            source_ref: q.source_ref.filter(|s| !s.trim().is_empty()),
            state_id: q.state_id,
            severity: q.severity.map(Severity::ordinal),
            resolution: q.resolution.map(Resolution::ordinal),
            owner_id,
            customer_id,
            classification_id: q.classification,
            numbers: q.numbers,
            case_seq: q.case,
            asset_names: q.asset_names,
            observable_values: q.observable_values,
            created_after: q.created_after,
            created_before: q.created_before,
            event_after: q.event_after,
            event_before: q.event_before,
        };
        let total = store::alert::query_count(&self.db, ws, &f).await?;
        let at = paging::Offset::page(u64::from(page), per_page);
        let rows = match paging::window(at.offset, at.limit, total) {
            None => Vec::new(),
            Some(w) => store::alert::query_window(&self.db, ws, &f, q.ascending, w.reversed, w.offset, w.limit).await?,
        };
        let items = records(Ex::Db(&self.db), actor.workspace_uuid, rows).await?;
        Ok(AlertRecordPage { total, items })
    }

    /// Other alerts sharing an observable or an asset with this one.
    pub async fn related_alerts(&self, actor: &Actor, key: Key) -> Result<RelatedAlerts> {
        let ws = actor.workspace_id.0;
        let row = store::alert::get(&self.db, ws, key)
            .await?
            .ok_or(Error::not_found("alert"))?;
        let (by_observable, by_asset) = store::alert::related(&self.db, ws, row.id, MAX_RELATED).await?;
        Ok(RelatedAlerts {
            by_observable,
            by_asset,
        })
    }

    /// Changes an alert record; observable and asset lists, when given, replace the old ones.
    pub async fn update_alert_record(&self, actor: &Actor, key: Key, patch: AlertRecordPatch) -> Result<AlertRecord> {
        actor.require_write()?;
        let ws = actor.workspace_id.0;
        let mut p = Problems::new();
        if let Some(t) = &patch.title {
            p.text("title", t, 1, validate::MAX_TITLE);
        }
        p.opt_text("description", patch.description.as_deref(), validate::MAX_DESCRIPTION);
        p.opt_text("source", patch.source.as_ref().and_then(|s| s.as_deref()), 200);
        p.opt_text("source_ref", patch.source_ref.as_ref().and_then(|s| s.as_deref()), 500);
        if let Some(Some(l)) = &patch.source_link {
            validate::link(&mut p, "source_link", Some(l));
        }
        p.opt_text(
            "note",
            patch.note.as_ref().and_then(|s| s.as_deref()),
            validate::MAX_DESCRIPTION,
        );
        p.opt_text("tags", patch.tags.as_ref().and_then(|s| s.as_deref()), 5000);
        let tags = patch.tags.as_ref().map(|t| raw_tags(&mut p, "tags", t.as_deref()));
        let source_content = patch
            .source_content
            .as_ref()
            .map(|v| json_doc(&mut p, "source_content", v.as_ref()));
        let context = patch.context.as_ref().map(|v| json_doc(&mut p, "context", v.as_ref()));
        let (obs, assets) = self
            .record_items(
                &mut p,
                ws,
                patch.observables.as_deref().unwrap_or_default(),
                patch.assets.as_deref().unwrap_or_default(),
            )
            .await?;
        p.into_result()?;
        let (customer_id, _, status, _) = self
            .record_refs(
                actor,
                patch.customer,
                patch.classification.flatten(),
                patch.state_id,
                None,
            )
            .await?;
        let owner = match patch.owner {
            Some(Some(u)) => Some(Some(self.assignee_id(actor, u, "owner").await?)),
            Some(None) => Some(None),
            None => None,
        };
        let audit = Audit::of(actor);
        let ws_uuid = actor.workspace_uuid;
        let shared = Arc::new((patch, tags, source_content, context, obs, assets));
        self.db
            .write(move |tx| {
                let shared = Arc::clone(&shared);
                let audit = audit.clone();
                Box::pin(async move {
                    let (patch, tags, source_content, context, obs, assets) = &*shared;
                    let now = now_us();
                    let row = store::alert::get(&mut *tx, audit.ws, key)
                        .await?
                        .ok_or(Error::not_found("alert"))?;
                    let old = AlertValues::of(&row);
                    let mut new = old.clone();
                    let old_d = store::alert::current_details(tx, row.id).await?;
                    let mut d = old_d.clone();
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
                    if let Some(v) = &patch.description {
                        new.description = v.clone();
                        change("description", json_str(&old.description), json_str(&new.description));
                    }
                    if let (Some(state), Some(status)) = (patch.state_id, status) {
                        new.state_id = state;
                        new.status = status.ordinal();
                        change("state", json_str(&old.state_id), json_str(&state));
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
                    match owner {
                        Some(o) => new.owner_id = o,
                        None if patch.claim_if_unowned && old.owner_id.is_none() => new.owner_id = audit.actor,
                        None => {}
                    }
                    change("assignee", json_str(&old.owner_id), json_str(&new.owner_id));
                    if let Some(v) = &patch.source {
                        d.source = v.clone();
                        change("source", json_str(&old_d.source), json_str(&d.source));
                    }
                    if let Some(v) = &patch.source_ref {
                        d.source_ref = v.clone();
                        change("source_ref", json_str(&old_d.source_ref), json_str(&d.source_ref));
                    }
                    if let Some(v) = &patch.source_link {
                        d.source_link = v.clone();
                        change("source_link", json_str(&old_d.source_link), json_str(&d.source_link));
                    }
                    if let Some(v) = patch.event_time {
                        d.event_time = v.map(|t| t.0);
                        change("event_time", json_str(&old_d.event_time), json_str(&d.event_time));
                    }
                    if let Some(c) = customer_id {
                        d.customer_id = Some(c);
                        change("customer", json_str(&old_d.customer_id), json_str(&d.customer_id));
                    }
                    if let Some(c) = patch.classification {
                        d.classification_id = c;
                        change(
                            "classification",
                            json_str(&old_d.classification_id),
                            json_str(&d.classification_id),
                        );
                    }
                    if let Some(v) = &patch.note {
                        d.note = v.clone();
                        change("note", json_str(&old_d.note), json_str(&d.note));
                    }
                    if let Some(v) = &patch.tags {
                        d.tags_raw = v.clone();
                        change("tags", json_str(&old_d.tags_raw), json_str(&d.tags_raw));
                    }
                    if let Some(v) = source_content {
                        d.source_content = v.clone();
                        if old_d.source_content != d.source_content {
                            change("source_content", old_d.source_content.clone(), d.source_content.clone());
                        }
                    }
                    if let Some(v) = context {
                        d.context = v.clone();
                        if old_d.context != d.context {
                            change("context", old_d.context.clone(), d.context.clone());
                        }
                    }
                    let lists = patch.observables.is_some() || patch.assets.is_some();
                    if !changes.is_empty() || lists {
                        if !store::alert::update(tx, row.id, row.version, &new, now).await? {
                            return Err(Error::Conflict(
                                "the alert changed while updating; reload and retry".into(),
                            ));
                        }
                        if new.owner_id != old.owner_id {
                            store::alert::set_owner(tx, audit.ws, row.id, new.owner_id, now).await?;
                        }
                        if d != old_d {
                            store::alert::set_details(tx, row.id, &d, now).await?;
                        }
                        if let Some(t) = tags {
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
                        if patch.observables.is_some() {
                            store::alert::delete_observables(tx, row.id).await?;
                            insert_record_observables(tx, &audit, row.id, obs, now).await?;
                            changes.push(Entry::new("alert", row.id, row.uuid, "update").message(format!(
                                "observables of alert #{} replaced ({})",
                                row.seq,
                                obs.len()
                            )));
                        }
                        if patch.assets.is_some() {
                            store::alert::delete_assets(tx, row.id).await?;
                            insert_record_assets(tx, &audit, row.id, assets, now).await?;
                            changes.push(Entry::new("alert", row.id, row.uuid, "update").message(format!(
                                "assets of alert #{} replaced ({})",
                                row.seq,
                                assets.len()
                            )));
                        }
                        store::activity::record(tx, &audit, now, &changes).await?;
                    }
                    load_record(Ex::Tx(tx), audit.ws, ws_uuid, Key::Uuid(row.uuid)).await
                })
            })
            .await
    }

    /// Deletes an alert (a tombstone: it disappears everywhere at once).
    pub async fn delete_alert(&self, actor: &Actor, key: Key) -> Result<()> {
        actor.require_write()?;
        let audit = Audit::of(actor);
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let row = store::alert::get(&mut *tx, audit.ws, key)
                        .await?
                        .ok_or(Error::not_found("alert"))?;
                    store::alert::tombstone(tx, row.id, now).await?;
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("alert", row.id, row.uuid, "delete")
                            .change("title", json_str(&row.title), None)
                            .message(format!("alert #{} deleted", row.seq))],
                    )
                    .await
                })
            })
            .await
    }

    /// Opens a new case from an alert with the chosen observables and assets: title
    /// `[ALERT] <alert title>` unless given, the escalation note and the alert's description
    /// as description, the alert's customer, classification and severity, the given tags.
    /// The alert is linked and marked escalated; it may be escalated again.
    pub async fn escalate_alert(&self, actor: &Actor, key: Key, import: AlertImport) -> Result<Case> {
        actor.require_write()?;
        let mut p = Problems::new();
        if let Some(t) = &import.case_title {
            p.text("case_title", t, 1, validate::MAX_TITLE);
        }
        p.opt_text("note", import.note.as_deref(), validate::MAX_DESCRIPTION);
        let case_tags = validate::tags(&mut p, "case_tags", &import.case_tags);
        p.into_result()?;
        let audit = Audit::of(actor);
        let ws_uuid = actor.workspace_uuid;
        let escalated_by = actor.name.clone();
        let shared = Arc::new((import, case_tags, escalated_by));
        self.db
            .write(move |tx| {
                let shared = Arc::clone(&shared);
                let audit = audit.clone();
                Box::pin(async move {
                    let (import, case_tags, escalated_by) = &*shared;
                    let now = now_us();
                    let a = store::alert::get(&mut *tx, audit.ws, key)
                        .await?
                        .ok_or(Error::not_found("alert"))?;
                    let d = store::alert::current_details(tx, a.id).await?;
                    let mut description = format!("*Alert escalated by {escalated_by}*\n\n");
                    if let Some(n) = import.note.as_deref().filter(|n| !n.trim().is_empty()) {
                        description.push_str(&format!("### Escalation note\n\n{n}\n\n"));
                    }
                    description.push_str(&format!("### Alert description\n\n{}", a.description));
                    let title = match import.case_title.as_deref().map(str::trim) {
                        Some(t) if !t.is_empty() => t.to_owned(),
                        _ => format!("[ALERT] {}", a.title),
                    };
                    let values = CaseValues {
                        title,
                        description: Some(description),
                        state_id: Status::New.default_case_state(),
                        status: Status::New.ordinal(),
                        severity: a.severity,
                        priority: Priority::Unknown.ordinal(),
                        resolution: None,
                        tlp: a.tlp.unwrap_or(Tlp::Amber.ordinal()),
                        pap: a.pap.unwrap_or(Pap::Amber.ordinal()).min(Pap::Red.ordinal()),
                        owner_id: audit.actor,
                        reviewer_id: None,
                        customer_id: d.customer_id,
                        classification_id: d.classification_id,
                        external_ref: Some(a.seq.to_string()),
                        external_link: a.source_link.clone(),
                        closing_note: None,
                        custom: "{}".into(),
                        occurred_at: a.event_time,
                        closed_at: None,
                    };
                    let origin = format!("alert #{}", a.seq);
                    let (case_id, case_uuid) = insert_case(tx, &audit, &values, case_tags, now, Some(&origin)).await?;
                    store::case::link_alert(tx, audit.ws, case_id, a.id, how::ESCALATE, now).await?;
                    let (obs, assets) = import_into_case(tx, &audit, case_id, a.id, import, now).await?;
                    if import.as_event {
                        alert_event(tx, &audit, case_id, &a, (&obs, &assets), now).await?;
                    }
                    mark(
                        tx,
                        &audit,
                        case_id,
                        &a,
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

    /// Attaches an alert to an existing case with the chosen observables and assets; a note
    /// is appended to the case's description. The alert is marked merged.
    pub async fn merge_alert_record(&self, actor: &Actor, key: Key, case: Key, import: AlertImport) -> Result<Case> {
        actor.require_write()?;
        let mut p = Problems::new();
        p.opt_text("note", import.note.as_deref(), validate::MAX_DESCRIPTION);
        p.into_result()?;
        let audit = Audit::of(actor);
        let ws_uuid = actor.workspace_uuid;
        let import = Arc::new(import);
        self.db
            .write(move |tx| {
                let import = Arc::clone(&import);
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let a = store::alert::get(&mut *tx, audit.ws, key)
                        .await?
                        .ok_or(Error::not_found("alert"))?;
                    let c = store::case::get(&mut *tx, audit.ws, case).await?.ok_or_else(|| {
                        Error::field("case_id", "not_found", "case_id: no such case in this workspace")
                    })?;
                    store::case::link_alert(tx, audit.ws, c.id, a.id, how::MERGE, now).await?;
                    let (obs, assets) = import_into_case(tx, &audit, c.id, a.id, &import, now).await?;
                    if import.as_event {
                        alert_event(tx, &audit, c.id, &a, (&obs, &assets), now).await?;
                    }
                    if let Some(n) = import.note.as_deref().filter(|n| !n.trim().is_empty()) {
                        let mut v = CaseValues::of(&c);
                        let before = v.description.clone().unwrap_or_default();
                        let after = format!("{before}\n\n### Escalation note\n\n{n}\n\n");
                        v.description = Some(after.clone());
                        if !store::case::update(tx, c.id, c.version, &v, now).await? {
                            return Err(Error::Conflict("the case changed while merging; retry".into()));
                        }
                        store::case::add_summary_version(tx, audit.ws, c.id, &after, audit.actor, now).await?;
                        store::activity::record(
                            tx,
                            &audit,
                            now,
                            &[Entry::new("case", c.id, c.uuid, "update").case(c.id).change(
                                "description",
                                json_str(&before),
                                json_str(&after),
                            )],
                        )
                        .await?;
                    } else {
                        store::case::touch(tx, c.id, now).await?;
                    }
                    mark(tx, &audit, c.id, &a, (alert_state::MERGED, "merged"), "merge", now).await?;
                    load_case(Ex::Tx(tx), audit.ws, ws_uuid, Key::Uuid(c.uuid)).await
                })
            })
            .await
    }

    /// Detaches an alert from a case it was merged or escalated into. What was copied into the
    /// case stays there.
    pub async fn unmerge_alert(&self, actor: &Actor, key: Key, case: Key) -> Result<AlertRecord> {
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
                    if !store::alert::unlink_case(tx, c.id, a.id).await? {
                        return Err(Error::Conflict(format!(
                            "alert #{} is not merged into case #{}",
                            a.seq, c.seq
                        )));
                    }
                    store::case::touch(tx, c.id, now).await?;
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("alert", a.id, a.uuid, "unmerge")
                            .case(c.id)
                            .message(format!("alert #{} unmerged from case #{}", a.seq, c.seq))],
                    )
                    .await?;
                    load_record(Ex::Tx(tx), audit.ws, ws_uuid, Key::Uuid(a.uuid)).await
                })
            })
            .await
    }
}

/// Marks an alert escalated or merged into a case, with its audit entries.
async fn mark(
    tx: &mut Tx<'_>,
    audit: &Audit,
    case_id: i64,
    a: &AlertRow,
    (state, state_code): (i64, &str),
    action: &'static str,
    now: i64,
) -> Result<()> {
    store::alert::set_state(tx, a.id, state, Status::Closed.ordinal(), now).await?;
    store::activity::record(
        tx,
        audit,
        now,
        &[
            Entry::new("alert", a.id, a.uuid, action)
                .case(case_id)
                .message(format!("alert #{} {action}d into this case", a.seq)),
            Entry::new("alert", a.id, a.uuid, "update").change("state", json_str(&a.state_code), json_str(&state_code)),
        ],
    )
    .await
}
