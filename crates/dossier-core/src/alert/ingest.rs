//! Ingest: one path for a single alert, a batch and an IRIS record. Validation first (all
//! problems of a request at once), then one transaction: new alerts in multi-row inserts,
//! repeats counted (see the module rules in `alert/mod.rs`).

use std::{collections::HashMap, sync::Arc};

use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{
    items::{self, ItemAsset, ItemObservable, TypeCache, json_doc},
    load,
    query::load_record,
    record::NewAlertRecord,
};
use crate::{
    Core,
    actor::Actor,
    capability::Capability,
    custom_field::check_custom_with,
    error::{Error, Problems, Result},
    ids::{Key, new_uuid},
    model::{AlertIngest, BatchItem, BatchResult, FieldEntity, NewAlert, Pap, Resolution, Severity, Status, Tlp},
    store::{
        self, Ex, Tx,
        activity::{Audit, Entry},
        alert::{AlertInsert, RepeatValues, SignalValues},
        reference::RefTable,
        term::{self, Owner},
    },
    time::now_us,
    validate,
};

/// Most alerts one batch request may carry.
pub const MAX_BATCH: usize = 1000;

/// Whether an ingest deduplicates on (workspace, source, source_ref).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Dedup {
    /// A repeat of a live alert with the same source and source reference counts onto it.
    #[default]
    BySourceRef,
    /// Every alert is new (a protocol whose create call is defined so: IRIS `alerts/add`).
    /// Its alerts carry no dedup key, so later ingests do not count onto them either.
    Never,
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
pub(super) struct Draft {
    insert: AlertInsert,
    tags: Vec<String>,
    category: Vec<String>,
    subcategory: Vec<String>,
    teams: Vec<i64>,
    shares: Vec<i64>,
    observables: Vec<ItemObservable>,
    assets: Vec<ItemAsset>,
    /// The submission's own fields, to refresh a repeated alert with.
    severity_given: Option<i16>,
    description_given: Option<String>,
}

/// The ids an alert names, resolved after the synchronous checks.
struct Names {
    teams: Vec<Uuid>,
    organizations: Vec<Uuid>,
    observables: Vec<crate::model::NewObservable>,
}

fn terms(p: &mut Problems, field: &str, list: &[String]) -> Vec<String> {
    validate::tags(p, field, list)
}

fn prepare(p: &mut Problems, prefix: &str, a: NewAlert, dedup: Dedup) -> (Draft, Names) {
    let f = |name: &str| format!("{prefix}{name}");
    p.text(&f("title"), &a.title, 1, validate::MAX_TITLE);
    p.opt_text(&f("description"), a.description.as_deref(), validate::MAX_DESCRIPTION);
    p.opt_text(&f("source"), a.source.as_deref(), 200);
    p.opt_text(&f("source_ref"), a.source_ref.as_deref(), 500);
    p.opt_text(&f("type"), a.alert_type.as_deref(), 100);
    p.opt_text(&f("subject_email"), a.subject_email.as_deref(), 320);
    p.opt_text(&f("subject_name"), a.subject_name.as_deref(), 200);
    p.opt_text(&f("signal_type"), a.signal_type.as_deref(), 100);
    p.opt_text(&f("platform_event_id"), a.platform_event_id.as_deref(), 500);
    if let Some(e) = a.subject_email.as_deref()
        && !e.trim().is_empty()
        && !e.contains('@')
    {
        p.push(f("subject_email"), "invalid", "subject_email must be an e-mail address");
    }
    validate::link(p, &f("source_link"), a.source_link.as_deref());
    let tags = validate::tags(p, &f("tags"), &a.tags);
    let category = terms(p, &f("category"), &a.category);
    let subcategory = terms(p, &f("subcategory"), &a.subcategory);
    let custom = validate::custom(p, &f("custom"), a.custom.as_ref());
    let count = a.count.unwrap_or(1);
    if !(1..=1_000_000).contains(&count) {
        p.push(f("count"), "out_of_range", "count must be between 1 and 1000000");
    }
    if a.source_ref.as_deref().is_some_and(|r| r.trim().is_empty()) {
        p.push(f("source_ref"), "required", "source_ref must not be empty when given");
    }
    let status = a.status.unwrap_or(Status::New);
    let key = match dedup {
        Dedup::BySourceRef => a.source_ref.as_deref().map(|r| dedup_key(a.source.as_deref(), r)),
        Dedup::Never => None,
    };
    let text = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let signal = SignalValues {
        subject_email: text(a.subject_email).map(|e| e.to_lowercase()),
        subject_name: text(a.subject_name),
        signal_type: text(a.signal_type),
        platform_event_id: text(a.platform_event_id),
        flagged: a.flagged,
        safe: a.safe,
    };
    let draft = Draft {
        insert: AlertInsert {
            uuid: new_uuid(),
            seq: 0,
            title: a.title.trim().to_owned(),
            description: a.description.clone().unwrap_or_default(),
            state_id: status.default_alert_state(),
            status: status.ordinal(),
            severity: a.severity.unwrap_or(Severity::Medium).ordinal(),
            resolution: None,
            source: a.source,
            source_ref: a.source_ref,
            dedup_key: key,
            occurrences: count,
            source_link: a.source_link,
            alert_type: a.alert_type,
            event_time: a.event_time.map(|t| t.0),
            tlp: a.tlp.map(Tlp::ordinal),
            pap: a.pap.map(Pap::ordinal),
            custom,
            owner_id: None,
            customer_id: None,
            classification_id: None,
            note: None,
            tags_raw: None,
            source_content: None,
            context: None,
            signal,
        },
        tags,
        category,
        subcategory,
        teams: Vec::new(),
        shares: Vec::new(),
        observables: Vec::new(),
        assets: Vec::new(),
        severity_given: a.severity.map(Severity::ordinal),
        description_given: a.description,
    };
    let names = Names {
        teams: a.teams,
        organizations: a.organizations,
        observables: a.observables,
    };
    (draft, names)
}

fn push_unique<T: PartialEq + Clone>(to: &mut Vec<T>, from: &[T]) {
    for x in from {
        if !to.contains(x) {
            to.push(x.clone());
        }
    }
}

fn push_unique_names(to: &mut Vec<String>, from: &[String]) {
    for t in from {
        if !to.iter().any(|x| x.eq_ignore_ascii_case(t)) {
            to.push(t.clone());
        }
    }
}

impl Core {
    /// Validates alerts for one ingest: field checks, custom fields (one read of the
    /// definitions), teams, organisations and observables. Field names are prefixed with
    /// `alerts[i].` in a batch.
    async fn drafts(&self, actor: &Actor, inputs: Vec<NewAlert>, batch: bool, dedup: Dedup) -> Result<Vec<Draft>> {
        let ws = actor.workspace_id.0;
        let prefix = |i: usize| if batch { format!("alerts[{i}].") } else { String::new() };
        let mut p = Problems::new();
        let prepared: Vec<(Draft, Names)> = inputs
            .into_iter()
            .enumerate()
            .map(|(i, a)| prepare(&mut p, &prefix(i), a, dedup))
            .collect();
        let defs = self.custom_defs(ws, FieldEntity::Alert).await?;
        let team_uuids: Vec<Uuid> = prepared.iter().flat_map(|(_, n)| n.teams.iter().copied()).collect();
        let teams = store::alert::team_ids(&self.db, ws, &team_uuids).await?;
        let org_uuids: Vec<Uuid> = prepared
            .iter()
            .flat_map(|(_, n)| n.organizations.iter().copied())
            .filter(|u| *u != actor.workspace_uuid)
            .collect();
        let orgs = store::alert::member_workspace_ids(&self.db, actor.user_id.0, &org_uuids).await?;
        let mut cache = TypeCache::default();
        let mut out = Vec::with_capacity(prepared.len());
        for (i, (mut d, names)) in prepared.into_iter().enumerate() {
            let pre = prefix(i);
            d.insert.custom = check_custom_with(&defs, &mut p, &format!("{pre}custom"), &d.insert.custom, true);
            for (j, t) in names.teams.iter().enumerate() {
                match teams.get(t) {
                    Some(id) => push_unique(&mut d.teams, &[*id]),
                    None => p.push(
                        format!("{pre}teams[{j}]"),
                        "unknown_value",
                        format!("{pre}teams[{j}]: no team {t} in this workspace"),
                    ),
                }
            }
            for (j, w) in names.organizations.iter().enumerate() {
                if *w == actor.workspace_uuid {
                    continue;
                }
                match orgs.get(w) {
                    Some(id) => push_unique(&mut d.shares, &[*id]),
                    None => p.push(
                        format!("{pre}organizations[{j}]"),
                        "unknown_value",
                        format!("{pre}organizations[{j}]: no workspace {w} that you belong to"),
                    ),
                }
            }
            d.observables = self
                .alert_observables(&mut p, ws, &pre, &names.observables, &mut cache)
                .await?;
            out.push(d);
        }
        p.into_result()?;
        Ok(out)
    }

    /// Runs one ingest in one transaction; returns, per draft, (alert id, created).
    async fn store_drafts(
        &self,
        actor: &Actor,
        drafts: Vec<Draft>,
    ) -> Result<(Vec<(i64, bool)>, Vec<(i64, Uuid, i64)>)> {
        let audit = Audit::of(actor);
        let items = Arc::new(drafts);
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
                    let numbers = rows.iter().map(|r| (r.id, r.uuid, r.seq)).collect();
                    Ok((out, numbers))
                })
            })
            .await
    }

    /// Creates an alert, or counts a repeat of one with the same source and source_ref.
    pub async fn create_alert(&self, actor: &Actor, input: NewAlert) -> Result<AlertIngest> {
        self.require_capability(actor, Capability::AlertsWrite).await?;
        actor.require_write()?;
        let drafts = self.drafts(actor, vec![input], false, Dedup::BySourceRef).await?;
        let (out, numbers) = self.store_drafts(actor, drafts).await?;
        let (id, created) = out.first().copied().ok_or_else(|| Error::internal("empty ingest"))?;
        let uuid = numbers
            .iter()
            .find(|(i, _, _)| *i == id)
            .map(|(_, u, _)| *u)
            .ok_or(Error::not_found("alert"))?;
        let alert = load(
            Ex::Db(&self.db),
            actor.workspace_id.0,
            actor.workspace_uuid,
            Key::Uuid(uuid),
        )
        .await?;
        Ok(AlertIngest { alert, created })
    }

    /// Stores up to [`MAX_BATCH`] alerts in one transaction: all or nothing.
    pub async fn ingest_alerts(&self, actor: &Actor, inputs: Vec<NewAlert>) -> Result<BatchResult> {
        self.require_capability(actor, Capability::AlertsWrite).await?;
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
        let drafts = self.drafts(actor, inputs, true, Dedup::BySourceRef).await?;
        let (out, numbers) = self.store_drafts(actor, drafts).await?;
        let by_id: HashMap<i64, (Uuid, i64)> = numbers.into_iter().map(|(id, u, n)| (id, (u, n))).collect();
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
    }

    /// Creates an alert with every IRIS detail, its observables and its assets: the same
    /// ingest as [`Core::create_alert`], never deduplicated ([`Dedup::Never`]).
    pub async fn create_alert_record(&self, actor: &Actor, input: NewAlertRecord) -> Result<super::AlertRecord> {
        self.require_capability(actor, Capability::AlertsWrite).await?;
        actor.require_write()?;
        let ws = actor.workspace_id.0;
        let mut p = Problems::new();
        let mut alert = input.alert;
        alert.tags = super::record::raw_tags(&mut p, "tags", input.tags.as_deref());
        p.opt_text("note", input.note.as_deref(), validate::MAX_DESCRIPTION);
        p.opt_text("tags", input.tags.as_deref(), 5000);
        let source_content = json_doc(&mut p, "source_content", input.source_content.as_ref());
        let context = json_doc(&mut p, "context", input.context.as_ref());
        let assets = self.alert_assets(&mut p, ws, &input.assets).await?;
        let drafts = self.drafts(actor, vec![alert], false, Dedup::Never);
        let mut drafts = match (drafts.await, p.into_result()) {
            (Ok(d), Ok(())) => d,
            (Err(Error::Validation(mut a)), Err(Error::Validation(b))) => {
                a.extend(b);
                return Err(Error::Validation(a));
            }
            (Err(e), _) | (Ok(_), Err(e)) => return Err(e),
        };
        let (customer_id, classification_id, status, owner_id) = self
            .record_refs(actor, input.customer, input.classification, input.state_id, input.owner)
            .await?;
        let d = drafts.first_mut().ok_or_else(|| Error::internal("empty ingest"))?;
        if let (Some(state), Some(status)) = (input.state_id, status) {
            d.insert.state_id = state;
            d.insert.status = status.ordinal();
        }
        d.insert.resolution = input.resolution.map(Resolution::ordinal);
        d.insert.owner_id = owner_id;
        d.insert.customer_id = customer_id;
        d.insert.classification_id = classification_id;
        d.insert.note = input.note;
        d.insert.tags_raw = input.tags;
        d.insert.source_content = source_content;
        d.insert.context = context;
        d.assets = assets;
        let (_, numbers) = self.store_drafts(actor, drafts).await?;
        let uuid = numbers.first().map(|(_, u, _)| *u).ok_or(Error::not_found("alert"))?;
        load_record(Ex::Db(&self.db), ws, actor.workspace_uuid, Key::Uuid(uuid)).await
    }

    /// Checks the references a record names; returns (customer id, classification id,
    /// canonical status of the state, owner id).
    pub(super) async fn record_refs(
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
}

/// A repeat of an alert that already exists.
#[derive(Debug, Clone, Default)]
struct Bump {
    values: RepeatValues,
    tags: Vec<String>,
    category: Vec<String>,
    subcategory: Vec<String>,
    teams: Vec<i64>,
    shares: Vec<i64>,
    observables: Vec<ItemObservable>,
}

/// Takes a repeat's values over: the title always, the rest when given; lists are added to.
fn absorb_signal(to: &mut SignalValues, from: &SignalValues) {
    let take = |a: &mut Option<String>, b: &Option<String>| {
        if b.is_some() {
            a.clone_from(b);
        }
    };
    take(&mut to.subject_email, &from.subject_email);
    take(&mut to.subject_name, &from.subject_name);
    take(&mut to.signal_type, &from.signal_type);
    take(&mut to.platform_event_id, &from.platform_event_id);
    to.flagged = from.flagged.or(to.flagged);
    to.safe = from.safe.or(to.safe);
}

/// Stores drafts: new alerts in multi-row inserts, repeats (against stored alerts or earlier
/// in the same batch) counted. Returns, per input, (alert id, created).
async fn ingest(tx: &mut Tx<'_>, audit: &Audit, items: &[Draft], now: i64) -> Result<Vec<(i64, bool)>> {
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
    let mut inserts: Vec<Draft> = Vec::new();
    let mut bumps: HashMap<i64, Bump> = HashMap::new();
    let mut bump_order: Vec<i64> = Vec::new();
    let mut outcome: Vec<Target> = Vec::with_capacity(items.len());
    for it in items {
        let target = it.insert.dedup_key.as_ref().and_then(|k| match seen.get(k) {
            Some(Target::Stored(id)) => Some(Target::Stored(*id)),
            Some(Target::New(i) | Target::Repeat(i)) => Some(Target::New(*i)),
            None => existing.get(k).map(|id| Target::Stored(*id)),
        });
        match target {
            Some(Target::Stored(id)) => {
                if !bumps.contains_key(&id) {
                    bump_order.push(id);
                }
                let b = bumps.entry(id).or_default();
                let v = &mut b.values;
                v.count = v.count.saturating_add(it.insert.occurrences);
                v.title.clone_from(&it.insert.title);
                v.description = it.description_given.clone().or(v.description.take());
                v.severity = it.severity_given.or(v.severity);
                absorb_signal(&mut v.signal, &it.insert.signal);
                push_unique_names(&mut b.tags, &it.tags);
                push_unique_names(&mut b.category, &it.category);
                push_unique_names(&mut b.subcategory, &it.subcategory);
                push_unique(&mut b.teams, &it.teams);
                push_unique(&mut b.shares, &it.shares);
                b.observables.extend(it.observables.iter().cloned());
                if let Some(k) = &it.insert.dedup_key {
                    seen.insert(k.clone(), Target::Stored(id));
                }
                outcome.push(Target::Stored(id));
            }
            Some(Target::New(i) | Target::Repeat(i)) => {
                let first = &mut inserts[i];
                first.insert.occurrences = first.insert.occurrences.saturating_add(it.insert.occurrences);
                first.insert.title.clone_from(&it.insert.title);
                if let Some(d) = &it.description_given {
                    first.insert.description.clone_from(d);
                }
                if let Some(s) = it.severity_given {
                    first.insert.severity = s;
                }
                absorb_signal(&mut first.insert.signal, &it.insert.signal);
                push_unique_names(&mut first.tags, &it.tags);
                push_unique_names(&mut first.category, &it.category);
                push_unique_names(&mut first.subcategory, &it.subcategory);
                push_unique(&mut first.teams, &it.teams);
                push_unique(&mut first.shares, &it.shares);
                first.observables.extend(it.observables.iter().cloned());
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
    let mut entries: Vec<Entry> = Vec::new();
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
        let pairs: Vec<(&Draft, i64)> = inserts.iter().zip(ids_by_index.iter().copied()).collect();
        link_lists(tx, audit, &pairs, now).await?;
        let owners: Vec<(i64, i64)> = pairs
            .iter()
            .filter_map(|(d, id)| d.insert.owner_id.map(|o| (*id, o)))
            .collect();
        store::alert::insert_owners(tx, audit.ws, &owners, now).await?;
        for (d, id) in &pairs {
            items::insert_observables(tx, audit, *id, &d.observables, now).await?;
            items::insert_assets(tx, audit, *id, &d.assets, now).await?;
        }
        let docs: Vec<store::search::Doc<'_>> = pairs
            .iter()
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
        entries.extend(
            pairs
                .iter()
                .map(|(p, id)| Entry::new("alert", *id, p.insert.uuid, "create")),
        );
    }
    for id in bump_order {
        let Some(b) = bumps.get(&id) else { continue };
        store::alert::bump(tx, id, &b.values, now).await?;
        for (kind, list) in [
            (term::TAG, &b.tags),
            (term::CATEGORY, &b.category),
            (term::SUBCATEGORY, &b.subcategory),
        ] {
            if !list.is_empty() {
                store::term::set_terms(tx, Owner::Alert, audit.ws, kind, &[(id, list.clone())], now, false).await?;
            }
        }
        if !b.teams.is_empty() {
            store::alert::add_teams(tx, audit.ws, &[(id, b.teams.clone())], now, false).await?;
        }
        store::alert::add_shares(tx, audit.ws, &[(id, b.shares.clone())], now).await?;
        items::insert_observables(tx, audit, id, &b.observables, now).await?;
        let r = store::alert::get_many(&mut *tx, &[id])
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
                    Some((r.occurrences - b.values.count).to_string()),
                    Some(r.occurrences.to_string()),
                )
                .message(format!("received again {} time(s)", b.values.count)),
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

/// The tags, categories, subcategories, teams and shares of new alerts, each kind in one
/// multi-row statement.
async fn link_lists(tx: &mut Tx<'_>, audit: &Audit, pairs: &[(&Draft, i64)], now: i64) -> Result<()> {
    type Pick = fn(&Draft) -> &Vec<String>;
    let kinds: [(i16, Pick); 3] = [
        (term::TAG, |d| &d.tags),
        (term::CATEGORY, |d| &d.category),
        (term::SUBCATEGORY, |d| &d.subcategory),
    ];
    for (kind, pick) in kinds {
        let links: Vec<(i64, Vec<String>)> = pairs
            .iter()
            .filter(|(d, _)| !pick(d).is_empty())
            .map(|(d, id)| (*id, pick(d).clone()))
            .collect();
        if !links.is_empty() {
            store::term::set_terms(tx, Owner::Alert, audit.ws, kind, &links, now, false).await?;
        }
    }
    let teams: Vec<(i64, Vec<i64>)> = pairs
        .iter()
        .filter(|(d, _)| !d.teams.is_empty())
        .map(|(d, id)| (*id, d.teams.clone()))
        .collect();
    if !teams.is_empty() {
        store::alert::add_teams(tx, audit.ws, &teams, now, true).await?;
    }
    let shares: Vec<(i64, Vec<i64>)> = pairs
        .iter()
        .filter(|(d, _)| !d.shares.is_empty())
        .map(|(d, id)| (*id, d.shares.clone()))
        .collect();
    store::alert::add_shares(tx, audit.ws, &shares, now).await
}
