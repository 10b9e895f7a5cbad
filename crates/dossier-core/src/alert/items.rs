//! An alert's observables and assets: validated against the workspace's types, then stored
//! (the inventory identity first, then the alert's link to it).

use std::collections::HashMap;

use crate::{
    Core,
    case::json_str,
    error::{Error, Problems, Result},
    model::{NewObservable, RefKey, Tlp},
    store::{
        self, Ex, Tx,
        activity::{Audit, Entry},
        observable::LinkValues,
        reference::ObservableTypeRow,
    },
    validate,
};

use super::record::NewAlertAsset;

/// Most observables, or assets, one alert may name in one request.
pub const MAX_RECORD_ITEMS: usize = 1000;
/// Largest JSON document (source content, context, asset enrichment), bytes.
pub const MAX_RECORD_JSON: usize = 1024 * 1024;

/// A validated observable of an alert.
#[derive(Debug, Clone)]
pub(super) struct ItemObservable {
    type_id: i64,
    type_name: String,
    value: String,
    sha: Vec<u8>,
    values: LinkValues,
}

/// A validated asset of an alert.
#[derive(Debug, Clone)]
pub(super) struct ItemAsset {
    type_id: i64,
    type_name: String,
    name: String,
    values: store::alert::AssetValues,
}

/// A JSON document as stored (`None` for none or null), checked for size.
pub(super) fn json_doc(p: &mut Problems, field: &str, v: Option<&serde_json::Value>) -> Option<String> {
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

/// Observable types already resolved within one request (a batch names the same few often).
#[derive(Default)]
pub(super) struct TypeCache(HashMap<String, ObservableTypeRow>);

impl Core {
    /// Validates observables an alert names; problems go under `<prefix>observables[i]`.
    pub(super) async fn alert_observables(
        &self,
        p: &mut Problems,
        ws: i64,
        prefix: &str,
        observables: &[NewObservable],
        cache: &mut TypeCache,
    ) -> Result<Vec<ItemObservable>> {
        if observables.len() > MAX_RECORD_ITEMS {
            p.push(
                format!("{prefix}observables"),
                "too_many",
                format!("at most {MAX_RECORD_ITEMS} observables"),
            );
        }
        let mut out = Vec::with_capacity(observables.len());
        for (i, o) in observables.iter().enumerate().take(MAX_RECORD_ITEMS) {
            let f = |name: &str| format!("{prefix}observables[{i}].{name}");
            let k = format!("{:?}", o.observable_type);
            let t = match cache.0.get(&k) {
                Some(t) => t.clone(),
                None => {
                    match crate::observable::resolve_type(Ex::Db(&self.db), ws, &o.observable_type, &f("type")).await {
                        Ok(t) => {
                            cache.0.insert(k, t.clone());
                            t
                        }
                        Err(Error::Validation(list)) => {
                            for e in list {
                                p.push(e.field, &e.code, e.message);
                            }
                            continue;
                        }
                        Err(e) => return Err(e),
                    }
                }
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
            out.push(ItemObservable {
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
        Ok(out)
    }

    /// Validates assets an alert names (IRIS `alert_assets`).
    pub(super) async fn alert_assets(
        &self,
        p: &mut Problems,
        ws: i64,
        assets: &[NewAlertAsset],
    ) -> Result<Vec<ItemAsset>> {
        if assets.len() > MAX_RECORD_ITEMS {
            p.push("assets", "too_many", format!("at most {MAX_RECORD_ITEMS} assets"));
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
            out.push(ItemAsset {
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
        Ok(out)
    }
}

/// Links validated observables to an alert; one the alert already names is kept once.
pub(super) async fn insert_observables(
    tx: &mut Tx<'_>,
    audit: &Audit,
    alert_id: i64,
    list: &[ItemObservable],
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
pub(super) async fn insert_assets(
    tx: &mut Tx<'_>,
    audit: &Audit,
    alert_id: i64,
    list: &[ItemAsset],
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
