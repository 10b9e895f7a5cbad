//! IRIS routes: a case's assets (`/case/assets/*`). An IRIS asset id is the number of the
//! case's link to an inventory asset; its `ioc_links` are the case's observables linked to it.

use std::collections::HashMap;

use crate::kit::route::{Routes, get, post};
use axum::extract::{Path, State};
use dossier_core::{
    Actor, CaseFamily, Core, Error, Key, MAX_LIMIT,
    model::{
        AssetIp, AssetType, CaseAsset, CaseAssetFilter, CaseAssetPatch, CaseObservable, CompromiseStatus, LinkFilter,
        LinkKey, NewCaseAsset, RefKey, ReferenceKind, ReferenceRow,
    },
};
use serde_json::{Value, json};

use super::{
    common::{FieldMap, all_pages, case_name, family_state, history, joined_tags, split_tags, translate, user_id},
    ctx::{Fields, ReadCase, WriteCase, path_id},
    iocs::Tlps,
    wire::{IrisError, IrisResult, datetime, ok},
};
use crate::state::AppState;

const NOT_FOUND: &str = "Invalid asset ID for this case";
const LINK_ERROR: &str = "Encountered errors while linking IOC. Asset has still been updated.";

pub fn routes() -> Routes {
    Routes::new()
        .route("/case/assets/list", get(list))
        .route("/case/assets/state", get(state))
        .route("/case/assets/add", post(add))
        .route("/case/assets/update/{id}", post(update))
        .route("/case/assets/delete/{id}", post(delete).get(delete))
        .route("/case/assets/{id}", get(get_one))
}

// ---- Assets ----

const FIELDS: &[FieldMap] = &[
    ("name", "asset_name", None),
    ("type", "asset_type_id", Some("Invalid asset type ID")),
    (
        "analysis_status_id",
        "analysis_status_id",
        Some("Invalid analysis status ID"),
    ),
    ("description", "asset_description", None),
    ("domain", "asset_domain", None),
    ("ip", "asset_ip", None),
    ("info", "asset_info", None),
    ("tags", "asset_tags", None),
    ("custom", "custom_attributes", None),
    ("observables", "ioc_links", None),
];

fn core_error(e: Error) -> IrisError {
    match e {
        // The only conflict of an asset write: the case already holds this name and type.
        Error::Conflict(_) => IrisError::field("asset_name", "Asset name already exists in this case"),
        other => translate(other, FIELDS, NOT_FOUND),
    }
}

/// The workspace's asset types by id (icons come from the type).
async fn asset_types(core: &Core, actor: &Actor) -> Result<HashMap<i64, AssetType>, IrisError> {
    let list = core
        .reference_list(actor, ReferenceKind::AssetTypes)
        .await
        .map_err(IrisError::from)?;
    Ok(list
        .items
        .into_iter()
        .filter_map(|r| match r {
            ReferenceRow::AssetType(t) => Some((t.id, t)),
            _ => None,
        })
        .collect())
}

/// The case's observables by link id (for `linked_ioc`).
async fn case_observables(core: &Core, actor: &Actor, case: i64) -> Result<Vec<CaseObservable>, IrisError> {
    all_pages(|cursor| async move {
        core.list_case_observables(
            actor,
            Key::Seq(case),
            LinkFilter {
                limit: MAX_LIMIT,
                cursor,
                ..Default::default()
            },
        )
        .await
    })
    .await
    .map_err(IrisError::from)
}

/// One asset as `GET /case/assets/<id>` (and add, update) shows it.
async fn detail(core: &Core, actor: &Actor, case: i64, a: &CaseAsset) -> Result<Value, IrisError> {
    let linked_ioc = if a.observables.is_empty() {
        Vec::new()
    } else {
        let tlps = Tlps::load(core, actor).await?;
        let all = case_observables(core, actor, case).await?;
        a.observables
            .iter()
            .filter_map(|r| all.iter().find(|o| o.id == r.id))
            .map(|o| {
                json!({
                    "ioc_id": o.number,
                    "ioc_value": o.value,
                    "ioc_type_id": o.observable_type.id,
                    "type_name": o.observable_type.name,
                    "ioc_tlp_id": tlps.iris_id(o.tlp),
                    "ioc_description": o.description,
                    "ioc_tags": joined_tags(&o.tags),
                })
            })
            .collect()
    };
    let trail = core
        .case_asset_activity(actor, Key::Seq(case), Key::Uuid(a.id), None, MAX_LIMIT)
        .await;
    Ok(json!({
        "asset_id": a.number,
        "asset_uuid": a.id,
        "asset_name": a.name,
        "asset_description": a.description,
        "asset_domain": a.domain,
        "asset_ip": a.ip,
        "asset_info": a.info,
        "asset_tags": joined_tags(&a.tags),
        "asset_type_id": a.asset_type.id,
        "asset_compromise_status_id": a.compromise_status.ordinal(),
        "analysis_status_id": a.analysis_status.id,
        "case_id": case,
        "user_id": user_id(core, a.created_by.as_ref()).await?,
        "date_added": datetime(a.created_at),
        "date_update": datetime(a.updated_at),
        "custom_attributes": a.custom,
        "asset_enrichment": Value::Null,
        "modification_history": history(core, trail).await?,
        "linked_ioc": linked_ioc,
    }))
}

async fn list(State(s): State<AppState>, req: ReadCase) -> IrisResult {
    let (core, actor, case) = (&*s.core, &req.actor, req.case);
    let assets = all_pages(|cursor| async move {
        core.list_case_assets(
            actor,
            Key::Seq(case),
            CaseAssetFilter {
                limit: MAX_LIMIT,
                cursor,
                ..Default::default()
            },
        )
        .await
    })
    .await
    .map_err(|e| IrisError::core(e, NOT_FOUND))?;
    let types = asset_types(core, actor).await?;
    let mut elsewhere = core
        .assets_in_other_cases(actor, Key::Seq(case))
        .await
        .map_err(|e| IrisError::core(e, NOT_FOUND))?;
    let items: Vec<Value> = assets
        .iter()
        .map(|a| {
            let t = types.get(&a.asset_type.id);
            let links: Vec<Value> = elsewhere
                .remove(&a.number)
                .unwrap_or_default()
                .items
                .into_iter()
                .map(|o| {
                    json!({
                        "asset_id": o.link_number,
                        "case_id": o.case.number,
                        "case_name": case_name(o.case.number, &o.case.title),
                        "case_open_date": datetime(o.case_created_at),
                        "asset_description": o.description,
                        "asset_compromise_status_id": o.compromise_status.ordinal(),
                    })
                })
                .collect();
            let ioc_links: Vec<Value> = a
                .observables
                .iter()
                .map(|o| json!({"ioc_id": o.number, "ioc_value": o.value}))
                .collect();
            json!({
                "asset_id": a.number,
                "asset_uuid": a.id,
                "asset_name": a.name,
                "asset_description": a.description,
                "asset_domain": a.domain,
                "asset_ip": a.ip,
                "asset_tags": joined_tags(&a.tags),
                "asset_type_id": a.asset_type.id,
                "asset_type": a.asset_type.name,
                "asset_icon_compromised": t.map(|t| t.icon_compromised.clone()),
                "asset_icon_not_compromised": t.map(|t| t.icon_not_compromised.clone()),
                "asset_compromise_status_id": a.compromise_status.ordinal(),
                "analysis_status_id": a.analysis_status.id,
                "analysis_status": a.analysis_status.name,
                "ioc_links": ioc_links,
                "link": links,
            })
        })
        .collect();
    let state = family_state(core, actor, case, CaseFamily::Assets).await?;
    ok("", json!({"assets": items, "state": state}))
}

async fn state(State(s): State<AppState>, req: ReadCase) -> IrisResult {
    ok(
        "",
        family_state(&s.core, &req.actor, req.case, CaseFamily::Assets).await?,
    )
}

async fn get_one(State(s): State<AppState>, Path(id): Path<String>, req: ReadCase) -> IrisResult {
    let id = path_id(&id, NOT_FOUND)?;
    let a = s
        .core
        .get_case_asset(&req.actor, Key::Seq(req.case), Key::Seq(id))
        .await
        .map_err(|e| IrisError::core(e, NOT_FOUND))?;
    ok("", detail(&s.core, &req.actor, req.case, &a).await?)
}

/// `asset_compromise_status_id` (0–3), else the v1.0.1 `asset_compromised` boolean.
fn compromise_status(f: &Fields) -> Result<Option<CompromiseStatus>, IrisError> {
    if let Some(n) = f.opt_int("asset_compromise_status_id")? {
        return i16::try_from(n)
            .ok()
            .and_then(CompromiseStatus::from_ordinal)
            .map(Some)
            .ok_or_else(|| IrisError::field("asset_compromise_status_id", "Invalid compromise status ID"));
    }
    Ok(f.opt_bool("asset_compromised")?.map(|b| {
        if b {
            CompromiseStatus::Compromised
        } else {
            CompromiseStatus::NotCompromised
        }
    }))
}

/// The `ioc_links` that name observables of the case, and whether some did not.
async fn ioc_links(core: &Core, actor: &Actor, case: i64, f: &Fields) -> Result<(Vec<LinkKey>, bool), IrisError> {
    let mut found = Vec::new();
    let mut bad = false;
    let Some(raw) = f.raw("ioc_links") else {
        return Ok((found, bad));
    };
    let items: Vec<&Value> = match raw {
        Value::Array(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    };
    for v in items {
        let n = match super::ctx::lenient_int(v) {
            Some(n) if n > 0 => n,
            _ => {
                bad = true;
                continue;
            }
        };
        match core.get_case_observable(actor, Key::Seq(case), Key::Seq(n)).await {
            Ok(o) => found.push(LinkKey::Number(o.number)),
            Err(Error::NotFound { .. }) => bad = true,
            Err(e) => return Err(IrisError::from(e)),
        }
    }
    Ok((found, bad))
}

async fn add(State(s): State<AppState>, req: WriteCase) -> IrisResult {
    let (core, actor, case, f) = (&*s.core, &req.actor, req.case, &req.body);
    let name = f.req_str("asset_name")?;
    let type_id = f.req_int("asset_type_id")?;
    let input = NewCaseAsset {
        name,
        asset_type: RefKey::Id(type_id),
        description: f.opt_str("asset_description")?,
        domain: f.opt_str("asset_domain")?,
        ip: f.opt_str("asset_ip")?,
        info: f.opt_str("asset_info")?,
        tags: split_tags(f.opt_str("asset_tags")?.as_deref()),
        compromise_status: compromise_status(f)?,
        analysis_status_id: f.opt_int("analysis_status_id")?,
        custom: f.opt_object("custom_attributes")?.map(Value::Object),
        observables: Vec::new(),
    };
    let given_status = input.compromise_status.is_some();
    let given_custom = input.custom.is_some();
    let (links, bad_links) = ioc_links(core, actor, case, f).await?;
    let input = NewCaseAsset {
        observables: links,
        ..input
    };
    let a = core
        .add_case_asset_with(actor, Key::Seq(case), input, AssetIp::FreeText)
        .await
        .map_err(core_error)?;
    if bad_links {
        return Err(IrisError::bad(LINK_ERROR));
    }
    let mut data = detail(core, actor, case, &a).await?;
    // IRIS answers an add with what was sent: optionals left out read `null`.
    if let Value::Object(m) = &mut data {
        if !given_status {
            m.insert("asset_compromise_status_id".into(), Value::Null);
        }
        if !given_custom {
            m.insert("custom_attributes".into(), Value::Null);
        }
    }
    ok("Asset added", data)
}

/// A present key of a full update: `Some(value)` (`Some(None)` for `null`), absent is `None`.
fn present(f: &Fields, key: &str) -> Result<Option<Option<String>>, IrisError> {
    if f.has(key) {
        Ok(Some(f.opt_str(key)?))
    } else {
        Ok(None)
    }
}

async fn update(State(s): State<AppState>, Path(id): Path<String>, req: WriteCase) -> IrisResult {
    let (core, actor, case, f) = (&*s.core, &req.actor, req.case, &req.body);
    let id = path_id(&id, NOT_FOUND)?;
    // An unknown asset is reported before anything in the body.
    core.get_case_asset(actor, Key::Seq(case), Key::Seq(id))
        .await
        .map_err(|e| IrisError::core(e, NOT_FOUND))?;
    let (links, bad_links) = if f.has("ioc_links") {
        let (l, bad) = ioc_links(core, actor, case, f).await?;
        (Some(l), bad)
    } else {
        (None, false)
    };
    let patch = CaseAssetPatch {
        name: f.opt_str("asset_name")?,
        asset_type: f.opt_int("asset_type_id")?.map(RefKey::Id),
        description: present(f, "asset_description")?,
        domain: present(f, "asset_domain")?,
        ip: present(f, "asset_ip")?,
        info: present(f, "asset_info")?,
        tags: present(f, "asset_tags")?.map(|t| split_tags(t.as_deref())),
        compromise_status: compromise_status(f)?,
        analysis_status_id: f.opt_int("analysis_status_id")?,
        custom: f.opt_object("custom_attributes")?.map(Value::Object),
        observables: links,
        version: None,
    };
    let a = core
        .update_case_asset_with(actor, Key::Seq(case), Key::Seq(id), patch, AssetIp::FreeText)
        .await
        .map_err(core_error)?;
    if bad_links {
        return Err(IrisError::bad(LINK_ERROR));
    }
    let message = format!("Updated asset {}", a.name);
    ok(message, detail(core, actor, case, &a).await?)
}

async fn delete(State(s): State<AppState>, Path(id): Path<String>, req: WriteCase) -> IrisResult {
    let id = path_id(&id, NOT_FOUND)?;
    s.core
        .delete_case_asset(&req.actor, Key::Seq(req.case), Key::Seq(id))
        .await
        .map_err(|e| IrisError::core(e, NOT_FOUND))?;
    super::wire::done("Deleted")
}
