//! Assets. One inventory identity per (workspace, type, lower-cased name); a case links it and
//! keeps its own details (IP, domain, compromise and analysis status, tags, linked observables)
//! on the link. One case holds an asset once: the same name and type again is a conflict.

use std::{collections::HashMap, net::IpAddr, sync::Arc};

use uuid::Uuid;

use crate::model::FieldEntity;
use crate::{
    Core,
    access::Need,
    actor::Actor,
    case::{json_str, user_ref},
    error::{Error, Problems, Result},
    ids::Key,
    model::{
        Activity, Asset, AssetCase, AssetFilter, AssetInOtherCase, AssetIp, AssetObservableRef, Capped, CaseAsset,
        CaseAssetFilter, CaseAssetPatch, CompromiseStatus, LinkKey, NamedRef, NewCaseAsset, Page, RefKey, Timestamp,
    },
    observable::case_brief,
    paging,
    store::{
        self, Ex,
        activity::{Audit, Entry},
        asset::{AssetObservableRow, CaseAssetRow, CaseAssetValues},
        reference::{AssetTypeRow, RefTable},
        term,
    },
    time::now_us,
    validate,
};

pub const MAX_NAME: usize = 255;
pub const MAX_DOMAIN: usize = 255;

const DUPLICATE: &str = "asset already exists in this case";

/// An asset type visible in the workspace, by id or exact name; unknown → 422 on `field`.
async fn resolve_type(ex: Ex<'_, '_>, ws: i64, key: &RefKey, field: &str) -> Result<AssetTypeRow> {
    let found = match key {
        RefKey::Id(id) => store::reference::asset_type_by_id(ex, ws, *id).await?,
        RefKey::Name(name) => {
            let mut ex = ex;
            match store::reference::asset_type_by_name(ex.reborrow(), ws, name).await? {
                Some(t) => Some(t),
                None => match name.trim().parse::<i64>() {
                    Ok(id) if name.trim().bytes().all(|b| b.is_ascii_digit()) => {
                        store::reference::asset_type_by_id(ex, ws, id).await?
                    }
                    _ => None,
                },
            }
        }
    };
    found.ok_or_else(|| {
        Error::field(
            field,
            "unknown_value",
            format!("{field}: no asset type `{key}` in this workspace (see /api/v1/reference/asset-types)"),
        )
    })
}

async fn type_ids(ex: Ex<'_, '_>, ws: i64, types: &[String]) -> Result<Vec<i64>> {
    let mut ex = ex;
    let mut out = Vec::with_capacity(types.len());
    for t in types {
        out.push(
            resolve_type(ex.reborrow(), ws, &RefKey::Name(t.clone()), "type")
                .await?
                .id,
        );
    }
    Ok(out)
}

async fn check_analysis_status(ex: Ex<'_, '_>, ws: i64, id: i64, field: &str) -> Result<()> {
    if store::reference::exists(ex, RefTable::AnalysisStatus, ws, id).await? {
        Ok(())
    } else {
        Err(Error::field(
            field,
            "unknown_value",
            format!("{field}: no analysis status {id} (see /api/v1/reference/analysis-statuses)"),
        ))
    }
}

/// An IP address in canonical form; blank is none. With `AssetIp::FreeText` any other text is
/// kept as typed (bounded like a domain).
fn check_ip(p: &mut Problems, v: Option<&str>, mode: AssetIp) -> Option<String> {
    let v = v.map(str::trim).filter(|s| !s.is_empty())?;
    match (v.parse::<IpAddr>(), mode) {
        (Ok(ip), _) => Some(ip.to_string()),
        (Err(_), AssetIp::FreeText) => {
            p.opt_text("ip", Some(v), MAX_DOMAIN);
            Some(v.to_owned())
        }
        (Err(_), AssetIp::Address) => {
            p.push("ip", "invalid", format!("ip: `{v}` is not an IPv4 or IPv6 address"));
            None
        }
    }
}

fn link_key(k: &LinkKey) -> Option<Key> {
    match k {
        LinkKey::Number(n) if *n > 0 => Some(Key::Seq(*n)),
        LinkKey::Number(_) => None,
        LinkKey::Id(s) => Key::parse(s),
    }
}

/// The case observables (link id, number) named by `keys`; each must be an observable of this
/// case.
async fn observable_links(ex: Ex<'_, '_>, ws: i64, case_id: i64, keys: &[LinkKey]) -> Result<Vec<(i64, i64)>> {
    let mut ex = ex;
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(keys.len());
    let mut p = Problems::new();
    for (i, k) in keys.iter().enumerate() {
        let found = match link_key(k) {
            Some(key) => store::observable::case_link(ex.reborrow(), ws, case_id, key).await?,
            None => None,
        };
        match found {
            Some(l) => {
                if !out.iter().any(|(id, _)| *id == l.id) {
                    out.push((l.id, l.seq));
                }
            }
            None => p.push(
                format!("observables[{i}]"),
                "not_in_case",
                format!("observables[{i}]: no such observable in this case"),
            ),
        }
    }
    p.into_result()?;
    Ok(out)
}

fn tags_raw(tags: &[String]) -> Option<String> {
    if tags.is_empty() { None } else { Some(tags.join(",")) }
}

fn view(r: CaseAssetRow, observables: Vec<AssetObservableRow>) -> CaseAsset {
    CaseAsset {
        id: r.uuid,
        number: r.seq,
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
        tags: crate::validate::split_tags(r.tags_raw.as_deref()),
        compromise_status: CompromiseStatus::from_ordinal(r.compromise_status).unwrap_or_default(),
        analysis_status: NamedRef {
            id: r.analysis_status_id,
            name: r.analysis_status_name,
        },
        custom: serde_json::from_str(&r.custom).unwrap_or_else(|_| serde_json::json!({})),
        observables: observables
            .into_iter()
            .map(|o| AssetObservableRef {
                id: o.uuid,
                number: o.seq,
                observable_type: NamedRef {
                    id: o.type_id,
                    name: o.type_name,
                },
                value: o.value,
            })
            .collect(),
        created_at: Timestamp(r.created_at),
        updated_at: Timestamp(r.updated_at),
        created_by: user_ref(r.creator_uuid, r.creator_login, r.creator_name),
        version: r.version,
    }
}

async fn load(mut ex: Ex<'_, '_>, id: i64) -> Result<CaseAsset> {
    let row = store::asset::by_id(ex.reborrow(), id).await?;
    let obs = store::asset::observables_of(ex, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    Ok(view(row, obs))
}

/// The inventory identity of (type, name), created with its search document when new.
async fn ensure(
    tx: &mut store::Tx<'_>,
    audit: &Audit,
    t: &AssetTypeRow,
    name: &str,
    case_id: i64,
    now: i64,
) -> Result<i64> {
    let (id, uuid, created) = store::asset::ensure_identity(tx, audit.ws, t.id, name, audit.actor, now).await?;
    if created {
        store::asset::index_identity(tx, audit.ws, id, name, now).await?;
        store::activity::record(
            tx,
            audit,
            now,
            &[Entry::new("asset", id, uuid, "create")
                .case(case_id)
                .change("name", None, json_str(&name))
                .message(format!("asset {name} ({}) added to the inventory", t.name))],
        )
        .await?;
    }
    Ok(id)
}

fn asset_view(r: store::asset::IdentityRow) -> Asset {
    Asset {
        id: r.uuid,
        name: r.name,
        asset_type: NamedRef {
            id: r.type_id,
            name: r.type_name,
        },
        description: r.description,
        case_count: r.case_count,
        compromised: r.compromised,
        created_at: Timestamp(r.created_at),
        updated_at: Timestamp(r.updated_at),
    }
}

impl Core {
    /// Adds an asset to a case: 409 when the case already holds the same name and type.
    pub async fn add_case_asset(&self, actor: &Actor, case: Key, input: NewCaseAsset) -> Result<CaseAsset> {
        self.add_case_asset_with(actor, case, input, AssetIp::Address).await
    }

    /// [`Core::add_case_asset`], reading `ip` as `ip_mode` says.
    pub async fn add_case_asset_with(
        &self,
        actor: &Actor,
        case: Key,
        input: NewCaseAsset,
        ip_mode: AssetIp,
    ) -> Result<CaseAsset> {
        let case_id = self.case_ref(actor, case, Need::Write).await?.id();
        let ws = actor.workspace_id.0;
        // An unknown case is a 404 whatever the body holds.
        let mut p = Problems::new();
        p.text("name", &input.name, 1, MAX_NAME);
        p.opt_text("description", input.description.as_deref(), validate::MAX_DESCRIPTION);
        p.opt_text("domain", input.domain.as_deref(), MAX_DOMAIN);
        p.opt_text("info", input.info.as_deref(), validate::MAX_DESCRIPTION);
        let ip = check_ip(&mut p, input.ip.as_deref(), ip_mode);
        let tags = validate::tags(&mut p, "tags", &input.tags);
        let custom = validate::custom(&mut p, "custom", input.custom.as_ref());
        p.into_result()?;
        let custom = self
            .check_custom(actor.workspace_id.0, FieldEntity::CaseAsset, "custom", &custom, true)
            .await?;
        let t = resolve_type(Ex::Db(&self.db), ws, &input.asset_type, "type").await?;
        let status = input.analysis_status_id.unwrap_or(1);
        check_analysis_status(Ex::Db(&self.db), ws, status, "analysis_status_id").await?;
        let audit = Audit::of(actor);
        let name = input.name.trim().to_owned();
        let values = CaseAssetValues {
            asset_id: 0,
            description: input.description.clone(),
            domain: input.domain.clone(),
            ip,
            info: input.info.clone(),
            tags_raw: tags_raw(&tags),
            compromise_status: input.compromise_status.unwrap_or_default().ordinal(),
            analysis_status_id: status,
            custom,
        };
        let shared = Arc::new((values, t, name, tags, input.observables));
        self.db
            .write(move |tx| {
                let shared = Arc::clone(&shared);
                let audit = audit.clone();
                Box::pin(async move {
                    let (values, t, name, tags, observables) = &*shared;
                    let now = now_us();
                    let links = observable_links(Ex::Tx(tx), audit.ws, case_id, observables).await?;
                    let asset_id = ensure(tx, &audit, t, name, case_id, now).await?;
                    if store::asset::link_of(&mut *tx, case_id, asset_id).await?.is_some() {
                        return Err(Error::Conflict(DUPLICATE.into()));
                    }
                    let seq = store::workspace::next_seq(tx, audit.ws, "case_asset", 1).await?;
                    let values = CaseAssetValues {
                        asset_id,
                        ..values.clone()
                    };
                    let (id, uuid) = store::asset::insert(tx, audit.ws, seq, case_id, &values, audit.actor, now)
                        .await?
                        .ok_or_else(|| Error::Conflict(DUPLICATE.into()))?;
                    let ids: Vec<i64> = links.iter().map(|(id, _)| *id).collect();
                    store::asset::set_observables(tx, audit.ws, id, &ids, now).await?;
                    term::ensure(tx, audit.ws, term::TAG, tags, now).await?;
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("case_asset", id, uuid, "create")
                            .case(case_id)
                            .change("name", None, json_str(name))
                            .message(format!("asset #{seq} ({name}, {}) added", t.name))],
                    )
                    .await?;
                    load(Ex::Tx(tx), id).await
                })
            })
            .await
    }

    pub async fn list_case_assets(&self, actor: &Actor, case: Key, f: CaseAssetFilter) -> Result<Page<CaseAsset>> {
        let case_id = self.case_ref(actor, case, Need::Read).await?.id();
        let ws = actor.workspace_id.0;
        let limit = paging::limit(f.limit)?;
        let after = paging::decode(f.cursor.as_deref(), 1)?.and_then(|v| v.first().copied());
        let mut p = Problems::new();
        let tags = validate::tags(&mut p, "tags", &f.tags);
        if let Some(q) = &f.q {
            p.text("q", q, 1, 200);
        }
        p.into_result()?;
        for s in &f.analysis_status {
            check_analysis_status(Ex::Db(&self.db), ws, *s, "analysis_status").await?;
        }
        let filter = store::asset::ListFilter {
            type_ids: type_ids(Ex::Db(&self.db), ws, &f.types).await?,
            compromise_status: f.compromise_status.iter().map(|c| c.ordinal()).collect(),
            analysis_status: f.analysis_status.clone(),
            tags,
            q: f.q.clone(),
        };
        let mut rows: Vec<CaseAssetRow> = store::asset::list_sql(ws, case_id, &filter, after, f.descending, limit)
            .fetch_all(&self.db)
            .await?;
        let next_cursor = paging::next(&mut rows, limit, |r| [r.seq].to_vec());
        let total = if f.count {
            Some(store::asset::count(&self.db, ws, case_id, &filter).await?)
        } else {
            None
        };
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut obs = store::asset::observables_of(&self.db, &ids).await?;
        let items = rows
            .into_iter()
            .map(|r| {
                let o = obs.remove(&r.id).unwrap_or_default();
                view(r, o)
            })
            .collect();
        Ok(Page {
            items,
            next_cursor,
            total,
        })
    }

    pub async fn get_case_asset(&self, actor: &Actor, case: Key, asset: Key) -> Result<CaseAsset> {
        let case_id = self.case_ref(actor, case, Need::Read).await?.id();
        let ws = actor.workspace_id.0;
        let row = store::asset::get(&self.db, ws, case_id, asset)
            .await?
            .ok_or(Error::not_found("asset"))?;
        load(Ex::Db(&self.db), row.id).await
    }

    /// Changes a case's asset. A new `name` or `type` points the link at that inventory
    /// identity (409 if the case already holds it); `observables` replaces the linked ones.
    pub async fn update_case_asset(
        &self,
        actor: &Actor,
        case: Key,
        asset: Key,
        patch: CaseAssetPatch,
    ) -> Result<CaseAsset> {
        self.update_case_asset_with(actor, case, asset, patch, AssetIp::Address)
            .await
    }

    /// [`Core::update_case_asset`], reading `ip` as `ip_mode` says.
    pub async fn update_case_asset_with(
        &self,
        actor: &Actor,
        case: Key,
        asset: Key,
        patch: CaseAssetPatch,
        ip_mode: AssetIp,
    ) -> Result<CaseAsset> {
        let case_id = self.case_ref(actor, case, Need::Write).await?.id();
        let ws = actor.workspace_id.0;
        // An unknown case or asset is a 404 whatever the body holds.
        store::asset::get(&self.db, ws, case_id, asset)
            .await?
            .ok_or(Error::not_found("asset"))?;
        let mut p = Problems::new();
        if let Some(n) = &patch.name {
            p.text("name", n, 1, MAX_NAME);
        }
        if let Some(Some(d)) = &patch.description {
            p.opt_text("description", Some(d), validate::MAX_DESCRIPTION);
        }
        if let Some(Some(d)) = &patch.domain {
            p.opt_text("domain", Some(d), MAX_DOMAIN);
        }
        if let Some(Some(d)) = &patch.info {
            p.opt_text("info", Some(d), validate::MAX_DESCRIPTION);
        }
        let ip = patch.ip.as_ref().map(|v| check_ip(&mut p, v.as_deref(), ip_mode));
        let tags = patch.tags.as_ref().map(|t| validate::tags(&mut p, "tags", t));
        let custom = patch
            .custom
            .as_ref()
            .map(|c| validate::custom(&mut p, "custom", Some(c)));
        p.into_result()?;
        let custom = match custom {
            Some(c) => Some(
                self.check_custom(actor.workspace_id.0, FieldEntity::CaseAsset, "custom", &c, true)
                    .await?,
            ),
            None => None,
        };
        let new_type = match &patch.asset_type {
            Some(k) => Some(resolve_type(Ex::Db(&self.db), ws, k, "type").await?),
            None => None,
        };
        if let Some(s) = patch.analysis_status_id {
            check_analysis_status(Ex::Db(&self.db), ws, s, "analysis_status_id").await?;
        }
        let audit = Audit::of(actor);
        let shared = Arc::new((patch, ip, tags, custom, new_type));
        self.db
            .write(move |tx| {
                let shared = Arc::clone(&shared);
                let audit = audit.clone();
                Box::pin(async move {
                    let (patch, ip, tags, custom, new_type) = &*shared;
                    let now = now_us();
                    let row = store::asset::get(&mut *tx, audit.ws, case_id, asset)
                        .await?
                        .ok_or(Error::not_found("asset"))?;
                    if let Some(v) = patch.version
                        && v != row.version
                    {
                        return Err(Error::Conflict(format!(
                            "the asset changed since you read it (version {v}, now {}); reload and retry",
                            row.version
                        )));
                    }
                    let links = match &patch.observables {
                        Some(keys) => Some(observable_links(Ex::Tx(tx), audit.ws, case_id, keys).await?),
                        None => None,
                    };
                    let old = CaseAssetValues::of(&row);
                    let mut new = old.clone();
                    let mut changes: Vec<Entry> = Vec::new();
                    let mut change = |field: &'static str, o: Option<String>, n: Option<String>| {
                        if o != n {
                            changes.push(
                                Entry::new("case_asset", row.id, row.uuid, "update")
                                    .case(case_id)
                                    .change(field, o, n),
                            );
                        }
                    };
                    let name = patch.name.as_deref().map(str::trim).unwrap_or(&row.name);
                    let type_changed = new_type.as_ref().is_some_and(|t| t.id != row.type_id);
                    if type_changed || name != row.name {
                        let t = match new_type {
                            Some(t) => t.clone(),
                            None => store::reference::asset_type_by_id(&mut *tx, audit.ws, row.type_id)
                                .await?
                                .ok_or_else(|| Error::internal("a linked asset type vanished"))?,
                        };
                        let asset_id = ensure(tx, &audit, &t, name, case_id, now).await?;
                        if asset_id != row.asset_id {
                            if store::asset::link_of(&mut *tx, case_id, asset_id).await?.is_some() {
                                return Err(Error::Conflict(DUPLICATE.into()));
                            }
                            new.asset_id = asset_id;
                        }
                        if name != row.name {
                            change("name", json_str(&row.name), json_str(&name));
                        }
                        if type_changed {
                            change("type", json_str(&row.type_name), json_str(&t.name));
                        }
                    }
                    if let Some(d) = &patch.description {
                        new.description = d.clone();
                        change("description", json_str(&old.description), json_str(&new.description));
                    }
                    if let Some(d) = &patch.domain {
                        new.domain = d.clone();
                        change("domain", json_str(&old.domain), json_str(&new.domain));
                    }
                    if let Some(v) = ip {
                        new.ip = v.clone();
                        change("ip", json_str(&old.ip), json_str(&new.ip));
                    }
                    if let Some(d) = &patch.info {
                        new.info = d.clone();
                        change("info", json_str(&old.info), json_str(&new.info));
                    }
                    if let Some(t) = tags {
                        new.tags_raw = tags_raw(t);
                        change(
                            "tags",
                            json_str(&crate::validate::split_tags(old.tags_raw.as_deref())),
                            json_str(t),
                        );
                    }
                    if let Some(c) = patch.compromise_status {
                        new.compromise_status = c.ordinal();
                        change(
                            "compromise_status",
                            json_str(&CompromiseStatus::from_ordinal(old.compromise_status)),
                            json_str(&c),
                        );
                    }
                    if let Some(s) = patch.analysis_status_id {
                        new.analysis_status_id = s;
                        change("analysis_status_id", json_str(&old.analysis_status_id), json_str(&s));
                    }
                    if let Some(c) = custom {
                        new.custom = c.clone();
                        if old.custom != new.custom {
                            change("custom", Some(old.custom.clone()), Some(new.custom.clone()));
                        }
                    }
                    if let Some(l) = &links {
                        // Compared and recorded as observable numbers.
                        let current: Vec<i64> = store::asset::observables_of(&mut *tx, &[row.id])
                            .await?
                            .remove(&row.id)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|o| o.seq)
                            .collect();
                        let mut wanted: Vec<i64> = l.iter().map(|(_, seq)| *seq).collect();
                        wanted.sort_unstable();
                        if current != wanted {
                            changes.push(
                                Entry::new("case_asset", row.id, row.uuid, "update")
                                    .case(case_id)
                                    .change("observables", json_str(&current), json_str(&wanted)),
                            );
                        }
                    }
                    if changes.is_empty() {
                        return load(Ex::Tx(tx), row.id).await;
                    }
                    let written = if new == old {
                        store::asset::touch(tx, row.id, row.version, now).await?
                    } else {
                        store::asset::update(tx, row.id, row.version, &new, now).await?
                    };
                    if !written {
                        return Err(Error::Conflict(
                            "the asset changed while updating; reload and retry".into(),
                        ));
                    }
                    if let Some(l) = &links {
                        let ids: Vec<i64> = l.iter().map(|(id, _)| *id).collect();
                        store::asset::set_observables(tx, audit.ws, row.id, &ids, now).await?;
                    }
                    if let Some(t) = tags {
                        term::ensure(tx, audit.ws, term::TAG, t, now).await?;
                    }
                    store::activity::record(tx, &audit, now, &changes).await?;
                    load(Ex::Tx(tx), row.id).await
                })
            })
            .await
    }

    /// Removes an asset from a case; the inventory identity stays.
    pub async fn delete_case_asset(&self, actor: &Actor, case: Key, asset: Key) -> Result<()> {
        let case_id = self.case_ref(actor, case, Need::Write).await?.id();
        let audit = Audit::of(actor);
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let row = store::asset::get(&mut *tx, audit.ws, case_id, asset)
                        .await?
                        .ok_or(Error::not_found("asset"))?;
                    let old = load(Ex::Tx(tx), row.id).await?;
                    store::asset::delete(tx, row.id).await?;
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("case_asset", row.id, row.uuid, "delete")
                            .case(case_id)
                            .change("asset", json_str(&old), None)
                            .message(format!("asset #{} ({}) removed", row.seq, row.name))],
                    )
                    .await
                })
            })
            .await
    }

    /// For each asset of a case (by link number), the same inventory asset in the workspace's
    /// other cases of the same customer (IRIS `link`): the most recent
    /// [`paging::OTHER_CASES_SHOWN`] links, with how many there are in all (counted up to
    /// [`paging::MAX_COUNTED`]).
    pub async fn assets_in_other_cases(
        &self,
        actor: &Actor,
        case: Key,
    ) -> Result<HashMap<i64, Capped<AssetInOtherCase>>> {
        let ws = actor.workspace_id.0;
        let case_id = self.case_ref(actor, case, Need::Read).await?.id();
        let scope = self.access_scope(actor).await?;
        let cap = paging::OTHER_CASES_SHOWN;
        let (own, customer) = store::asset::own_assets(&self.db, case_id).await?;
        let mut out = HashMap::new();
        for (own_seq, asset_id) in own {
            // The other cases: chosen in store::asset::elsewhere.
            let rows =
                store::asset::elsewhere(&self.db, ws, &scope, asset_id, case_id, customer, i64::from(cap) + 1).await?;
            if rows.is_empty() {
                continue;
            }
            let counted = if rows.len() > cap as usize {
                store::asset::elsewhere_count(&self.db, &scope, asset_id, case_id, customer, paging::MAX_COUNTED + 1)
                    .await?
            } else {
                rows.len() as i64
            };
            let items = rows
                .into_iter()
                .map(|r| AssetInOtherCase {
                    case: case_brief(r.case_uuid, r.case_seq, r.case_title, r.case_status),
                    case_created_at: Timestamp(r.case_created_at),
                    link_id: r.link_uuid,
                    link_number: r.link_seq,
                    description: r.description,
                    compromise_status: CompromiseStatus::from_ordinal(r.compromise_status).unwrap_or_default(),
                })
                .collect();
            out.insert(own_seq, paging::capped(items, cap, counted));
        }
        Ok(out)
    }

    /// Links each of `observables` to each of `assets`, all of case `case`, keeping the links
    /// the assets already have (IRIS syncs an event's IOCs with its assets this way).
    pub async fn link_case_assets_observables(
        &self,
        actor: &Actor,
        case: Key,
        assets: &[Key],
        observables: &[Key],
    ) -> Result<()> {
        let case_id = self.case_ref(actor, case, Need::Write).await?.id();
        if assets.is_empty() || observables.is_empty() {
            return Ok(());
        }
        let audit = Audit::of(actor);
        let keys = Arc::new((assets.to_vec(), observables.to_vec()));
        self.db
            .write(move |tx| {
                let keys = Arc::clone(&keys);
                let audit = audit.clone();
                Box::pin(async move {
                    let (assets, observables) = &*keys;
                    let now = now_us();
                    // (link id, number) of each observable, once.
                    let mut wanted: Vec<(i64, i64)> = Vec::with_capacity(observables.len());
                    for k in observables {
                        let l = store::observable::case_link(&mut *tx, audit.ws, case_id, *k)
                            .await?
                            .ok_or(Error::not_found("observable"))?;
                        if !wanted.iter().any(|(id, _)| *id == l.id) {
                            wanted.push((l.id, l.seq));
                        }
                    }
                    let ids: Vec<i64> = wanted.iter().map(|(id, _)| *id).collect();
                    let mut changes: Vec<Entry> = Vec::new();
                    let mut done: Vec<i64> = Vec::with_capacity(assets.len());
                    for k in assets {
                        let row = store::asset::get(&mut *tx, audit.ws, case_id, *k)
                            .await?
                            .ok_or(Error::not_found("asset"))?;
                        if done.contains(&row.id) {
                            continue;
                        }
                        done.push(row.id);
                        let current: Vec<i64> = store::asset::observables_of(&mut *tx, &[row.id])
                            .await?
                            .remove(&row.id)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|o| o.seq)
                            .collect();
                        let mut after = current.clone();
                        for (_, seq) in &wanted {
                            if !after.contains(seq) {
                                after.push(*seq);
                            }
                        }
                        if after.len() == current.len() {
                            continue;
                        }
                        after.sort_unstable();
                        if !store::asset::touch(tx, row.id, row.version, now).await? {
                            return Err(Error::Conflict(
                                "the asset changed while linking; reload and retry".into(),
                            ));
                        }
                        store::asset::add_observables(tx, audit.ws, row.id, &ids, now).await?;
                        changes.push(
                            Entry::new("case_asset", row.id, row.uuid, "update")
                                .case(case_id)
                                .change("observables", json_str(&current), json_str(&after)),
                        );
                    }
                    if changes.is_empty() {
                        return Ok(());
                    }
                    store::activity::record(tx, &audit, now, &changes).await
                })
            })
            .await
    }

    /// The audit trail of one asset of a case, newest first.
    pub async fn case_asset_activity(
        &self,
        actor: &Actor,
        case: Key,
        asset: Key,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<Activity>> {
        let case_id = self.case_ref(actor, case, Need::Read).await?.id();
        let ws = actor.workspace_id.0;
        let row = store::asset::get(&self.db, ws, case_id, asset)
            .await?
            .ok_or(Error::not_found("asset"))?;
        self.activity_page(ws, store::activity::Scope::Object("case_asset", row.id), cursor, limit)
            .await
    }

    /// The workspace's asset inventory, newest first.
    pub async fn list_assets(&self, actor: &Actor, f: AssetFilter) -> Result<Page<Asset>> {
        let ws = actor.workspace_id.0;
        let limit = paging::limit(f.limit)?;
        let before = paging::decode(f.cursor.as_deref(), 1)?.and_then(|v| v.first().copied());
        if let Some(q) = &f.q {
            let mut p = Problems::new();
            p.text("q", q, 1, 200);
            p.into_result()?;
        }
        let filter = store::asset::IdentityFilter {
            access: self.access_scope(actor).await?,
            type_ids: type_ids(Ex::Db(&self.db), ws, &f.types).await?,
            q: f.q.clone(),
            compromised: f.compromised,
        };
        let backend = self.db.backend();
        let mut rows: Vec<store::asset::IdentityRow> =
            store::asset::identity_list_sql(backend, ws, &filter, before, limit)
                .fetch_all(&self.db)
                .await?;
        let next_cursor = paging::next(&mut rows, limit, |r| [r.id].to_vec());
        let total = if f.count {
            Some(store::asset::identity_count(&self.db, backend, ws, &filter).await?)
        } else {
            None
        };
        Ok(Page {
            items: rows.into_iter().map(asset_view).collect(),
            next_cursor,
            total,
        })
    }

    pub async fn get_asset(&self, actor: &Actor, id: Uuid) -> Result<Asset> {
        let scope = self.access_scope(actor).await?;
        store::asset::identity(&self.db, actor.workspace_id.0, &scope, id)
            .await?
            .map(asset_view)
            .ok_or(Error::not_found("asset"))
    }

    /// The cases of the workspace that hold an asset, newest link first (keyset pages), with the
    /// number of them all.
    pub async fn asset_cases(
        &self,
        actor: &Actor,
        id: Uuid,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<AssetCase>> {
        let ws = actor.workspace_id.0;
        let limit = paging::limit(limit)?;
        let before = paging::decode(cursor, 1)?.and_then(|v| v.first().copied());
        let scope = self.access_scope(actor).await?;
        let asset = store::asset::identity(&self.db, ws, &scope, id)
            .await?
            .ok_or(Error::not_found("asset"))?;
        let mut rows: Vec<store::asset::IdentityCaseRow> =
            store::asset::identity_cases_sql(ws, &scope, asset.id, before, limit)
                .fetch_all(&self.db)
                .await?;
        let next_cursor = paging::next(&mut rows, limit, |r| [r.link_id].to_vec());
        // Every case holding it, from the index alone.
        let total = store::asset::holders(&self.db, &scope, asset.id).await?;
        let items = rows
            .into_iter()
            .map(|r| AssetCase {
                case: case_brief(r.case_uuid, r.case_seq, r.case_title, r.case_status),
                link_id: r.link_uuid,
                link_number: r.link_seq,
                compromise_status: CompromiseStatus::from_ordinal(r.compromise_status).unwrap_or_default(),
                analysis_status: NamedRef {
                    id: r.analysis_status_id,
                    name: r.analysis_status_name,
                },
                linked_at: Timestamp(r.linked_at),
            })
            .collect();
        Ok(Page {
            items,
            next_cursor,
            total: Some(total),
        })
    }
}

/// The service itself, on both backends.
#[cfg(test)]
mod service_tests {
    use crate::{
        Backend, Error,
        ids::Key,
        model::{AssetFilter, CaseAssetPatch, CompromiseStatus, LinkKey, NewCase, NewCaseAsset, NewObservable, RefKey},
        observable::testkit::{env, on_both},
    };

    on_both!(links_duplicates_and_inventory, validation_versions_and_isolation);

    fn new(name: &str, t: i64) -> NewCaseAsset {
        NewCaseAsset {
            name: name.into(),
            asset_type: RefKey::Id(t),
            description: None,
            domain: None,
            ip: None,
            info: None,
            tags: Vec::new(),
            compromise_status: None,
            analysis_status_id: None,
            custom: None,
            observables: Vec::new(),
        }
    }

    async fn case(core: &crate::Core, actor: &crate::Actor, title: &str) -> i64 {
        core.create_case(
            actor,
            NewCase {
                title: title.into(),
                ..Default::default()
            },
        )
        .await
        .expect("case")
        .number
    }

    async fn links_duplicates_and_inventory(b: Backend) {
        let Some(e) = env(b).await else { return };
        let (core, a) = (&e.core, &e.admin);
        let c1 = case(core, a, "One").await;
        let c2 = case(core, a, "Two").await;
        let obs = core
            .add_case_observable(
                a,
                Key::Seq(c1),
                NewObservable {
                    observable_type: RefKey::Id(76),
                    value: "10.0.0.5".into(),
                    description: None,
                    tlp: None,
                    tags: Vec::new(),
                    is_ioc: None,
                    custom: None,
                },
            )
            .await
            .expect("observable");
        let x = core
            .add_case_asset(
                a,
                Key::Seq(c1),
                NewCaseAsset {
                    ip: Some("10.0.0.5".into()),
                    compromise_status: Some(CompromiseStatus::Compromised),
                    observables: vec![LinkKey::Number(obs.observable.number)],
                    ..new("WS-01", 9)
                },
            )
            .await
            .expect("asset");
        assert_eq!(x.analysis_status.id, 1);
        assert_eq!(x.analysis_status.name, "Unspecified");
        assert_eq!(x.observables.len(), 1);
        assert_eq!(x.observables[0].value, "10.0.0.5");
        // IRIS: the same name (any case) and type in one case is refused.
        let dup = core.add_case_asset(a, Key::Seq(c1), new("ws-01", 9)).await;
        assert!(
            matches!(&dup, Err(Error::Conflict(m)) if m.contains("asset already exists in this case")),
            "{dup:?}"
        );
        // Another case: the same inventory asset.
        let y = core
            .add_case_asset(a, Key::Seq(c2), new("ws-01", 9))
            .await
            .expect("asset");
        assert_eq!(y.asset_id, x.asset_id);
        assert_eq!(y.compromise_status, CompromiseStatus::ToBeDetermined);
        let inv = core.get_asset(a, x.asset_id).await.expect("inventory");
        assert_eq!(inv.case_count, 2);
        assert!(inv.compromised);
        let clean = core
            .list_assets(
                a,
                AssetFilter {
                    compromised: Some(false),
                    ..Default::default()
                },
            )
            .await
            .expect("list");
        assert!(clean.items.is_empty());
        let cases = core.asset_cases(a, x.asset_id, None, 50).await.expect("cases");
        assert_eq!(cases.items.len(), 2);
        assert_eq!(cases.items[0].case.number, c2);
    }

    async fn validation_versions_and_isolation(b: Backend) {
        let Some(e) = env(b).await else { return };
        let (core, a, o) = (&e.core, &e.admin, &e.other);
        let c1 = case(core, a, "One").await;
        let field_of = |r: crate::Result<crate::model::CaseAsset>| match r {
            Err(Error::Validation(f)) => f[0].field.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field_of(
                core.add_case_asset(
                    a,
                    Key::Seq(c1),
                    NewCaseAsset {
                        analysis_status_id: Some(7),
                        ..new("h", 9)
                    }
                )
                .await
            ),
            "analysis_status_id"
        );
        assert_eq!(
            field_of(core.add_case_asset(a, Key::Seq(c1), new("h", 99)).await),
            "type"
        );
        assert_eq!(
            field_of(
                core.add_case_asset(
                    a,
                    Key::Seq(c1),
                    NewCaseAsset {
                        ip: Some("300.1.1.1".into()),
                        ..new("h", 9)
                    }
                )
                .await
            ),
            "ip"
        );
        let x = core.add_case_asset(a, Key::Seq(c1), new("h", 9)).await.expect("asset");
        let u = core
            .update_case_asset(
                a,
                Key::Seq(c1),
                Key::Uuid(x.id),
                CaseAssetPatch {
                    analysis_status_id: Some(6),
                    version: Some(1),
                    ..Default::default()
                },
            )
            .await
            .expect("update");
        assert_eq!((u.version, u.analysis_status.name.as_str()), (2, "Done"));
        let stale = core
            .update_case_asset(
                a,
                Key::Seq(c1),
                Key::Uuid(x.id),
                CaseAssetPatch {
                    info: Some(Some("x".into())),
                    version: Some(1),
                    ..Default::default()
                },
            )
            .await;
        assert!(matches!(stale, Err(Error::Conflict(_))), "{stale:?}");
        // The other workspace sees none of it.
        let oc = case(core, o, "Theirs").await;
        assert!(matches!(
            core.get_case_asset(o, Key::Seq(oc), Key::Uuid(x.id)).await,
            Err(Error::NotFound { .. })
        ));
        assert!(matches!(
            core.get_asset(o, x.asset_id).await,
            Err(Error::NotFound { .. })
        ));
        assert!(matches!(
            core.delete_case_asset(o, Key::Seq(oc), Key::Uuid(x.id)).await,
            Err(Error::NotFound { .. })
        ));
        assert!(
            core.list_assets(o, AssetFilter::default())
                .await
                .expect("list")
                .items
                .is_empty()
        );
        core.delete_case_asset(a, Key::Seq(c1), Key::Seq(x.number))
            .await
            .expect("delete");
        assert_eq!(core.get_asset(a, x.asset_id).await.expect("kept").case_count, 0);
    }
}
