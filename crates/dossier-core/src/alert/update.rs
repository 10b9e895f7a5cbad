//! Changing alerts: the native patch, the IRIS record patch, deletion.

use std::sync::Arc;

use super::{
    items::{self, TypeCache, json_doc},
    load,
    query::load_record,
    record::{AlertRecord, AlertRecordPatch, raw_tags},
};
use crate::{
    Core,
    actor::Actor,
    capability::Capability,
    case::json_str,
    error::{Error, Problems, Result},
    ids::Key,
    model::{Alert, AlertPatch, FieldEntity, Resolution, Severity, Status},
    store::{
        self, Ex,
        activity::{Audit, Entry},
        alert::AlertValues,
        term::Owner,
    },
    time::now_us,
    validate,
};

impl Core {
    pub async fn update_alert(&self, actor: &Actor, key: Key, patch: AlertPatch) -> Result<Alert> {
        self.require_capability(actor, Capability::AlertsWrite).await?;
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
                        reindex(tx, audit.ws, row.id, &old, &new, now).await?;
                        store::activity::record(tx, &audit, now, &changes).await?;
                    }
                    load(Ex::Tx(tx), audit.ws, ws_uuid, Key::Uuid(row.uuid)).await
                })
            })
            .await
    }

    /// Changes an alert record; observable and asset lists, when given, replace the old ones.
    pub async fn update_alert_record(&self, actor: &Actor, key: Key, patch: AlertRecordPatch) -> Result<AlertRecord> {
        self.require_capability(actor, Capability::AlertsWrite).await?;
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
        let obs = self
            .alert_observables(
                &mut p,
                ws,
                "",
                patch.observables.as_deref().unwrap_or_default(),
                &mut TypeCache::default(),
            )
            .await?;
        let assets = self
            .alert_assets(&mut p, ws, patch.assets.as_deref().unwrap_or_default())
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
                        reindex(tx, audit.ws, row.id, &old, &new, now).await?;
                        if patch.observables.is_some() {
                            store::alert::delete_observables(tx, row.id).await?;
                            items::insert_observables(tx, &audit, row.id, obs, now).await?;
                            changes.push(Entry::new("alert", row.id, row.uuid, "update").message(format!(
                                "observables of alert #{} replaced ({})",
                                row.seq,
                                obs.len()
                            )));
                        }
                        if patch.assets.is_some() {
                            store::alert::delete_assets(tx, row.id).await?;
                            items::insert_assets(tx, &audit, row.id, assets, now).await?;
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
        self.require_capability(actor, Capability::AlertsDelete).await?;
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
}

/// Rewrites the alert's search document when its title or description changed.
async fn reindex(
    tx: &mut store::Tx<'_>,
    ws: i64,
    id: i64,
    old: &store::alert::AlertValues,
    new: &store::alert::AlertValues,
    now: i64,
) -> Result<()> {
    if new.title == old.title && new.description == old.description {
        return Ok(());
    }
    let doc = store::search::Doc {
        ws,
        kind: "alert",
        object_id: id,
        case_id: None,
        title: &new.title,
        body: &new.description,
    };
    store::search::upsert(tx, &doc, now).await
}
