//! IRIS routes: alerts (`/alerts/*`). An IRIS alert id is the alert's per-workspace number;
//! `alert_status_id` is the alert's state row (IRIS's 1–8 are the built-in rows 1–8),
//! `alert_severity_id` 1–6 and `alert_resolution_status_id` 1–6 map onto the canonical values
//! (crosswalk §2.3–2.4). An alert's IOCs and assets are its observable and asset links; their
//! `ioc_uuid` / `asset_uuid` are what escalation and merging import. Routes are not
//! case-scoped: a `cid` is accepted and ignored.

use std::collections::HashMap;

use crate::kit::route::{Routes, get, post};
use axum::extract::{Path, State};
use dossier_core::{
    Actor, AlertImport, AlertQuery, AlertRecord, AlertRecordPatch, AlertText, Core, Key, NewAlertAsset, NewAlertRecord,
    Selection, Wording,
    model::{Case, NewAlert, NewObservable, RefKey, Resolution, Severity, Status, Timestamp, Tlp, User},
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{
    cases::severity_id,
    common::{FieldMap, history, split_tags, translate},
    ctx::{Body, Fields, IrisUser, Query, lenient_int, path_id},
    wire::{IrisError, IrisResult, datetime, ok, parse_datetime},
};
use crate::{extract::QueryMap, state::AppState};

const NOT_FOUND: &str = "Alert not found";
const NO_CASE: &str = "Target case not found";

pub fn routes() -> Routes {
    Routes::new()
        .route("/alerts/filter", get(filter))
        .route("/alerts/add", post(add))
        .route("/alerts/update/{id}", post(update))
        .route("/alerts/delete/{id}", post(delete))
        .route("/alerts/escalate/{id}", post(escalate))
        .route("/alerts/merge/{id}", post(merge))
        .route("/alerts/unmerge/{id}", post(unmerge))
        .route("/alerts/{id}", get(get_one))
}

// ---- Reference mappings ----

fn severity_of(id: i64) -> Option<Severity> {
    match id {
        1 => Some(Severity::Unknown),
        2 => Some(Severity::Informational),
        3 => Some(Severity::Low),
        4 => Some(Severity::Medium),
        5 => Some(Severity::High),
        6 => Some(Severity::Critical),
        _ => None,
    }
}

fn severity_json(id: i64) -> Value {
    let name = match id {
        2 => "Informational",
        3 => "Low",
        4 => "Medium",
        5 => "High",
        6 => "Critical",
        _ => "Unspecified",
    };
    json!({"severity_id": id, "severity_name": name, "severity_description": name})
}

/// IRIS alert statuses 1–8: the built-in alert state rows of the same ids.
const STATUSES: [(i64, &str, &str); 8] = [
    (1, "Unspecified", "No status has been chosen yet"),
    (2, "New", "Received and not yet looked at"),
    (3, "Assigned", "Someone has taken the alert"),
    (4, "In progress", "The alert is being analysed"),
    (5, "Pending", "Waiting on more information"),
    (6, "Closed", "Analysis of the alert is finished"),
    (7, "Merged", "Attached to an existing case"),
    (8, "Escalated", "Turned into a new case"),
];

/// The IRIS status id of an alert state: the row itself for 1–8, else by canonical status.
fn status_id(state: i64, status: Status) -> i64 {
    match state {
        1..=8 => state,
        _ => match status {
            Status::Unknown | Status::Other => 1,
            Status::New => 2,
            Status::InProgress => 4,
            Status::OnHold => 5,
            Status::Resolved | Status::Closed => 6,
        },
    }
}

fn status_json(id: i64) -> Value {
    let (_, name, description) = STATUSES
        .iter()
        .find(|(i, _, _)| *i == id)
        .copied()
        .unwrap_or(STATUSES[0]);
    json!({"status_id": id, "status_name": name, "status_description": description})
}

/// IRIS alert resolution ids (crosswalk §2.4).
const RESOLUTIONS: [(i64, Resolution, &str); 6] = [
    (1, Resolution::FalsePositive, "False Positive"),
    (2, Resolution::TruePositiveWithImpact, "True Positive With Impact"),
    (3, Resolution::TruePositiveWithoutImpact, "True Positive Without Impact"),
    (4, Resolution::NotApplicable, "Not Applicable"),
    (5, Resolution::Unknown, "Unknown"),
    (6, Resolution::Legitimate, "Legitimate"),
];

fn resolution_of(id: i64) -> Option<Resolution> {
    RESOLUTIONS.iter().find(|(i, _, _)| *i == id).map(|(_, r, _)| *r)
}

fn resolution_id(r: Resolution) -> i64 {
    match r {
        Resolution::Duplicate => 4,
        other => RESOLUTIONS
            .iter()
            .find(|(_, x, _)| *x == other)
            .map_or(5, |(i, _, _)| *i),
    }
}

fn resolution_json(r: Resolution) -> Value {
    let id = resolution_id(r);
    let name = RESOLUTIONS
        .iter()
        .find(|(i, _, _)| *i == id)
        .map_or("Unknown", |(_, _, n)| n);
    json!({"resolution_status_id": id, "resolution_status_name": name, "resolution_status_description": name})
}

/// IRIS TLP ids: 1 red, 2 amber, 3 green, 4 clear, 5 amber+strict.
fn tlp_of(id: i64) -> Option<Tlp> {
    match id {
        1 => Some(Tlp::Red),
        2 => Some(Tlp::Amber),
        3 => Some(Tlp::Green),
        4 => Some(Tlp::Clear),
        5 => Some(Tlp::AmberStrict),
        _ => None,
    }
}

fn tlp_id(t: Tlp) -> i64 {
    match t {
        Tlp::Red => 1,
        Tlp::Amber => 2,
        Tlp::Green => 3,
        Tlp::Clear => 4,
        Tlp::AmberStrict => 5,
    }
}

const FIELDS: &[FieldMap] = &[
    ("title", "alert_title", None),
    ("description", "alert_description", None),
    ("source", "alert_source", None),
    ("source_ref", "alert_source_ref", None),
    ("source_link", "alert_source_link", None),
    ("note", "alert_note", None),
    ("tags", "alert_tags", None),
    ("customer", "alert_customer_id", Some("Invalid customer ID")),
    (
        "classification_id",
        "alert_classification_id",
        Some("Invalid classification ID"),
    ),
    ("state_id", "alert_status_id", Some("Invalid alert status ID")),
    ("owner", "alert_owner_id", Some("Invalid user ID")),
    ("observables", "alert_iocs", Some("Invalid ioc type ID")),
    ("assets", "alert_assets", Some("Invalid asset type ID")),
    ("source_content", "alert_source_content", None),
    ("context", "alert_context", None),
    ("case_title", "case_title", None),
    ("case_tags", "case_tags", None),
    ("note", "note", None),
    ("case_id", "target_case_id", None),
];

fn err(e: dossier_core::Error) -> IrisError {
    translate(e, FIELDS, NOT_FOUND)
}

// ---- Rendering ----

/// Users an alert page names, by their IRIS number.
type Owners = HashMap<i64, User>;

async fn owners(core: &Core, records: &[&AlertRecord]) -> Result<(HashMap<Uuid, i64>, Owners), IrisError> {
    let mut uuids: Vec<Uuid> = Vec::new();
    for r in records {
        if let Some(u) = &r.alert.assignee {
            uuids.push(u.id);
        }
        uuids.extend(r.observables.iter().filter_map(|o| o.created_by.as_ref().map(|u| u.id)));
        uuids.extend(r.assets.iter().filter_map(|a| a.created_by.as_ref().map(|u| u.id)));
    }
    let numbers = core.user_numbers(&uuids).await.map_err(IrisError::from)?;
    let mut users = Owners::new();
    for r in records {
        if let Some(n) = r.alert.assignee.as_ref().and_then(|u| numbers.get(&u.id))
            && !users.contains_key(n)
            && let Ok(u) = core.user_by_number(*n).await
        {
            users.insert(*n, u);
        }
    }
    Ok((numbers, users))
}

fn text(v: Option<&String>) -> Value {
    Value::String(v.cloned().unwrap_or_default())
}

fn alert_json(r: &AlertRecord, numbers: &HashMap<Uuid, i64>, users: &Owners, history: Value) -> Value {
    let a = &r.alert;
    let number_of =
        |u: Option<&dossier_core::model::UserRef>| u.and_then(|u| numbers.get(&u.id)).map_or(Value::Null, |n| json!(n));
    let owner_id = a.assignee.as_ref().and_then(|u| numbers.get(&u.id)).copied();
    let owner = owner_id.and_then(|n| users.get(&n)).map_or(
        Value::Null,
        |u| json!({"id": u.number, "user_name": u.name, "user_login": u.login, "user_email": u.email}),
    );
    let sev = severity_id(a.severity);
    let status = status_id(a.state.id, a.status);
    let customer = r.customer.as_ref().map_or(Value::Null, |c| {
        json!({
            "customer_id": c.number,
            "customer_uuid": c.id,
            "customer_name": c.name,
            "customer_description": c.description,
            "customer_sla": c.sla,
            "custom_attributes": c.custom,
        })
    });
    let classification = r.classification.as_ref().map_or(Value::Null, |c| {
        json!({
            "id": c.id,
            "name": c.name,
            "name_expanded": c.name_expanded,
            "description": c.description,
            "creation_date": datetime(c.created_at),
        })
    });
    let iocs: Vec<Value> = r
        .observables
        .iter()
        .enumerate()
        .map(|(i, o)| {
            json!({
                "ioc_id": i + 1,
                "ioc_uuid": o.id,
                "ioc_value": o.value,
                "ioc_type_id": o.observable_type.id,
                "ioc_type": o.observable_type.name,
                "ioc_description": o.description.clone().unwrap_or_default(),
                "ioc_tags": o.tags.join(","),
                "ioc_tlp_id": o.tlp.map_or(Value::Null, |t| json!(tlp_id(t))),
                "ioc_misp": Value::Null,
                "ioc_enrichment": Value::Null,
                "user_id": number_of(o.created_by.as_ref()),
                "custom_attributes": {},
                "modification_history": {},
            })
        })
        .collect();
    let assets: Vec<Value> = r
        .assets
        .iter()
        .enumerate()
        .map(|(i, x)| {
            json!({
                "asset_id": i + 1,
                "asset_uuid": x.id,
                "asset_name": x.name,
                "asset_description": x.description.clone().unwrap_or_default(),
                "asset_domain": x.domain.clone().unwrap_or_default(),
                "asset_ip": x.ip.clone().unwrap_or_default(),
                "asset_info": x.info.clone().unwrap_or_default(),
                "asset_tags": x.tags.clone().unwrap_or_default(),
                "asset_type_id": x.asset_type.id,
                "asset_type": x.asset_type.name,
                "asset_compromise_status_id": Value::Null,
                "analysis_status_id": Value::Null,
                "asset_enrichment": x.enrichment.clone().unwrap_or(Value::Null),
                "case_id": Value::Null,
                "date_added": datetime(x.created_at),
                "date_update": datetime(x.updated_at),
                "user_id": number_of(x.created_by.as_ref()),
                "custom_attributes": {},
                "modification_history": {},
            })
        })
        .collect();
    json!({
        "alert_id": a.number,
        "alert_uuid": a.id,
        "alert_title": a.title,
        "alert_description": a.description,
        "alert_source": text(a.source.as_ref()),
        "alert_source_ref": text(a.source_ref.as_ref()),
        "alert_source_link": text(a.source_link.as_ref()),
        "alert_source_content": r.source_content.clone().unwrap_or_else(|| json!({})),
        "alert_severity_id": sev,
        "alert_status_id": status,
        "alert_context": r.context.clone().unwrap_or_else(|| json!({})),
        "alert_source_event_time": datetime(a.event_time.unwrap_or(a.created_at)),
        "alert_creation_time": datetime(a.created_at),
        "alert_note": text(r.note.as_ref()),
        "alert_tags": text(r.tags_raw.as_ref()),
        "alert_owner_id": owner_id,
        "alert_customer_id": r.customer.as_ref().map(|c| c.number),
        "alert_classification_id": r.classification.as_ref().map(|c| c.id),
        "alert_resolution_status_id": a.resolution.map(resolution_id),
        "modification_history": history,
        "owner": owner,
        "severity": severity_json(sev),
        "status": status_json(status),
        "customer": customer,
        "classification": classification,
        "resolution_status": a.resolution.map_or(Value::Null, resolution_json),
        "iocs": iocs,
        "assets": assets,
        "comments": r.comment_numbers,
        "cases": r.case_numbers,
    })
}

/// One alert, with its history.
async fn one_alert(s: &AppState, actor: &Actor, r: &AlertRecord) -> Result<Value, IrisError> {
    let (numbers, users) = owners(&s.core, &[r]).await?;
    let trail = s.core.alert_activity(actor, Key::Uuid(r.alert.id), None, 100).await;
    Ok(alert_json(r, &numbers, &users, history(&s.core, trail).await?))
}

/// A case as IRIS's case schema dumps it (what escalation and merging return): the same
/// rendering as case creation and update.
async fn case_json(s: &AppState, actor: &Actor, c: &Case) -> Result<Value, IrisError> {
    super::cases::case_object(s, actor, c).await
}

// ---- Request bodies ----

/// An optional text field; a number or boolean is taken as text.
fn opt_text(f: &Fields, name: &str) -> Result<Option<String>, IrisError> {
    f.opt_str(name)
}

/// A JSON document field (`alert_source_content`, `alert_context`): anything but `null`.
fn opt_doc(f: &Fields, name: &str) -> Option<Value> {
    f.raw(name).filter(|v| !v.is_null()).cloned()
}

fn opt_time(f: &Fields, name: &str) -> Result<Option<Timestamp>, IrisError> {
    match f.opt_str(name)? {
        None => Ok(None),
        Some(s) if s.trim().is_empty() => Ok(None),
        Some(s) => parse_datetime(&s)
            .map(|t| Some(Timestamp(t)))
            .ok_or_else(|| IrisError::field(name, "Not a valid datetime.")),
    }
}

fn severity_field(v: i64) -> Result<Severity, IrisError> {
    severity_of(v).ok_or_else(|| IrisError::field("alert_severity_id", "Invalid severity ID"))
}

fn resolution_field(v: i64) -> Result<Resolution, IrisError> {
    resolution_of(v).ok_or_else(|| IrisError::field("alert_resolution_status_id", "Invalid resolution status ID"))
}

/// A user number as the user's id.
async fn owner_field(core: &Core, n: i64) -> Result<Uuid, IrisError> {
    core.user_by_number(n)
        .await
        .map(|u| u.id)
        .map_err(|_| IrisError::field("alert_owner_id", "Invalid user ID"))
}

/// `alert_iocs`: `[{ioc_value, ioc_type_id, ioc_tlp_id, ioc_description, ioc_tags}]`.
fn iocs_field(f: &Fields) -> Result<Option<Vec<NewObservable>>, IrisError> {
    let list = match f.raw("alert_iocs") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(l)) => l,
        Some(_) => return Err(IrisError::field("alert_iocs", "Not a valid list.")),
    };
    let mut out = Vec::with_capacity(list.len());
    for item in list {
        let Value::Object(m) = item else {
            return Err(IrisError::field("alert_iocs", "Invalid input type."));
        };
        let o = Fields(m.clone());
        let bad = |e: IrisError| IrisError::field("alert_iocs", e_text(&e));
        let value = o.req_str("ioc_value").map_err(bad)?;
        let type_id = o.req_int("ioc_type_id").map_err(bad)?;
        let tlp = match o.opt_int("ioc_tlp_id").map_err(bad)? {
            None => Some(Tlp::Amber),
            Some(t) => Some(tlp_of(t).ok_or_else(|| IrisError::field("alert_iocs", "Invalid TLP ID"))?),
        };
        out.push(NewObservable {
            observable_type: RefKey::Id(type_id),
            value,
            description: o.opt_str("ioc_description").map_err(bad)?,
            tlp,
            tags: split_tags(o.opt_str("ioc_tags").map_err(bad)?.as_deref()),
            is_ioc: Some(true),
            custom: None,
        });
    }
    Ok(Some(out))
}

/// `alert_assets`: `[{asset_name, asset_type_id, asset_description, asset_domain, asset_ip,
/// asset_info, asset_tags, asset_enrichment}]`.
fn assets_field(f: &Fields) -> Result<Option<Vec<NewAlertAsset>>, IrisError> {
    let list = match f.raw("alert_assets") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(l)) => l,
        Some(_) => return Err(IrisError::field("alert_assets", "Not a valid list.")),
    };
    let mut out = Vec::with_capacity(list.len());
    for item in list {
        let Value::Object(m) = item else {
            return Err(IrisError::field("alert_assets", "Invalid input type."));
        };
        let o = Fields(m.clone());
        let bad = |e: IrisError| IrisError::field("alert_assets", e_text(&e));
        out.push(NewAlertAsset {
            name: o.req_str("asset_name").map_err(bad)?,
            asset_type: RefKey::Id(o.req_int("asset_type_id").map_err(bad)?),
            description: o.opt_str("asset_description").map_err(bad)?,
            domain: o.opt_str("asset_domain").map_err(bad)?,
            ip: o.opt_str("asset_ip").map_err(bad)?,
            info: o.opt_str("asset_info").map_err(bad)?,
            tags: o.opt_str("asset_tags").map_err(bad)?,
            enrichment: opt_doc(&o, "asset_enrichment"),
        });
    }
    Ok(Some(out))
}

/// The field and message of a one-field `Data error`, as `"<field>: <message>"`.
fn e_text(e: &IrisError) -> String {
    match &e.data {
        Value::Object(m) => m
            .iter()
            .next()
            .map(|(k, v)| format!("{k}: {}", v.get(0).and_then(Value::as_str).unwrap_or("")))
            .unwrap_or_else(|| e.message.clone()),
        _ => e.message.clone(),
    }
}

/// An import list: UUIDs; `null`, unknown and malformed entries are dropped.
fn uuid_list(f: &Fields, name: &str) -> Vec<Uuid> {
    match f.raw(name) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().and_then(|s| Uuid::parse_str(s.trim()).ok()))
            .collect(),
        Some(Value::String(s)) => s.split(',').filter_map(|p| Uuid::parse_str(p.trim()).ok()).collect(),
        _ => Vec::new(),
    }
}

fn flag(f: &Fields, name: &str) -> bool {
    f.opt_bool(name).ok().flatten().unwrap_or(false)
}

// ---- Handlers ----

async fn get_one(State(s): State<AppState>, IrisUser(a): IrisUser, Path(raw): Path<String>) -> IrisResult {
    let n = path_id(&raw, NOT_FOUND)?;
    let r = s.core.get_alert_record(&a, Key::Seq(n)).await.map_err(err)?;
    let related = s.core.related_alerts(&a, Key::Seq(n)).await.map_err(err)?;
    let mut v = one_alert(&s, &a, &r).await?;
    v["related_alerts"] = json!({"iocs": related.by_observable, "assets": related.by_asset});
    ok("", v)
}

/// An integer query parameter; a value that is not one is ignored, as IRIS does.
fn q_int(q: &QueryMap, key: &str) -> Option<i64> {
    q.get(key).and_then(|v| v.trim().parse::<i64>().ok())
}

fn q_text(q: &QueryMap, key: &str) -> Option<String> {
    q.get(key).map(str::to_owned).filter(|v| !v.trim().is_empty())
}

fn q_time(q: &QueryMap, key: &str) -> Option<i64> {
    q.get(key).and_then(parse_datetime)
}

async fn filter(State(s): State<AppState>, IrisUser(a): IrisUser, Query(q): Query) -> IrisResult {
    let page = q_int(&q, "page").filter(|p| *p > 0).unwrap_or(1);
    let per_page = q_int(&q, "per_page").filter(|p| *p > 0).unwrap_or(10);
    let numbers = match q.get("alert_ids").filter(|v| !v.trim().is_empty()) {
        None => None,
        Some(v) => Some(
            v.split(',')
                .map(|p| p.trim().parse::<i64>())
                .collect::<Result<Vec<i64>, _>>()
                .map_err(|_| IrisError::bad("Invalid alert id"))?,
        ),
    };
    let owner = match q_int(&q, "alert_owner_id") {
        None => None,
        Some(-1) => Some(None),
        Some(n) => match s.core.user_by_number(n).await {
            Ok(u) => Some(Some(u.id)),
            Err(_) => Some(Some(Uuid::nil())),
        },
    };
    let list = |key: &str| -> Vec<String> {
        q.get(key)
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    // An id that names no IRIS severity or resolution matches nothing.
    let severity = q_int(&q, "alert_severity_id").map(severity_of);
    let resolution = q_int(&q, "alert_resolution_id").map(resolution_of);
    let query = AlertQuery {
        title: q_text(&q, "alert_title"),
        description: q_text(&q, "alert_description"),
        source: q_text(&q, "alert_source"),
        tags: q_text(&q, "alert_tags"),
        source_ref: q_text(&q, "source_reference"),
        state_id: q_int(&q, "alert_status_id"),
        matches_nothing: severity == Some(None) || resolution == Some(None),
        severity: severity.flatten(),
        resolution: resolution.flatten(),
        owner,
        customer: q_int(&q, "alert_customer_id"),
        classification: q_int(&q, "alert_classification_id"),
        numbers,
        case: q_int(&q, "case_id"),
        asset_names: list("alert_assets"),
        observable_values: list("alert_iocs"),
        created_after: q_time(&q, "creation_start_date").or_else(|| q_time(&q, "alert_start_date")),
        created_before: q_time(&q, "creation_end_date").or_else(|| q_time(&q, "alert_end_date")),
        event_after: q_time(&q, "source_start_date"),
        event_before: q_time(&q, "source_end_date"),
        ascending: q.get("sort").is_some_and(|v| v.trim().eq_ignore_ascii_case("asc")),
        page: u32::try_from(page).unwrap_or(u32::MAX),
        per_page: u32::try_from(per_page).unwrap_or(u32::MAX),
    };
    let effective_per_page = i64::from(query.per_page.clamp(1, dossier_core::MAX_LIMIT));
    let result = s.core.query_alert_records(&a, query).await.map_err(err)?;
    let refs: Vec<&AlertRecord> = result.items.iter().collect();
    let (numbers, users) = owners(&s.core, &refs).await?;
    let alerts: Vec<Value> = result
        .items
        .iter()
        .map(|r| alert_json(r, &numbers, &users, json!({})))
        .collect();
    let last_page = (result.total + effective_per_page - 1) / effective_per_page;
    let next_page = if page < last_page { json!(page + 1) } else { Value::Null };
    ok(
        "",
        json!({
            "total": result.total,
            "alerts": alerts,
            "last_page": last_page,
            "current_page": page,
            "next_page": next_page,
        }),
    )
}

async fn add(State(s): State<AppState>, IrisUser(a): IrisUser, Body(f): Body) -> IrisResult {
    let title = f.req_str("alert_title")?;
    let severity = severity_field(f.req_int("alert_severity_id")?)?;
    let state = f.req_int("alert_status_id")?;
    let customer = f.req_int("alert_customer_id")?;
    let owner = match f.opt_int("alert_owner_id")? {
        Some(n) => Some(owner_field(&s.core, n).await?),
        None => None,
    };
    let input = NewAlertRecord {
        alert: NewAlert {
            title,
            description: opt_text(&f, "alert_description")?,
            severity: Some(severity),
            source: opt_text(&f, "alert_source")?,
            source_ref: opt_text(&f, "alert_source_ref")?,
            source_link: opt_text(&f, "alert_source_link")?.filter(|l| !l.is_empty()),
            event_time: opt_time(&f, "alert_source_event_time")?,
            observables: iocs_field(&f)?.unwrap_or_default(),
            ..NewAlert::default()
        },
        state_id: Some(state),
        resolution: f
            .opt_int("alert_resolution_status_id")?
            .map(resolution_field)
            .transpose()?,
        owner,
        customer: Some(customer),
        classification: f.opt_int("alert_classification_id")?,
        note: opt_text(&f, "alert_note")?,
        tags: opt_text(&f, "alert_tags")?,
        source_content: opt_doc(&f, "alert_source_content"),
        context: opt_doc(&f, "alert_context"),
        assets: assets_field(&f)?.unwrap_or_default(),
    };
    let r = s.core.create_alert_record(&a, input).await.map_err(err)?;
    ok("Alert created", one_alert(&s, &a, &r).await?)
}

/// A present, nullable text field of an update: `Some(None)` clears it.
fn patch_text(f: &Fields, name: &str) -> Result<Option<Option<String>>, IrisError> {
    if !f.has(name) {
        return Ok(None);
    }
    Ok(Some(f.opt_str(name)?))
}

async fn update(
    State(s): State<AppState>,
    IrisUser(a): IrisUser,
    Path(raw): Path<String>,
    Body(f): Body,
) -> IrisResult {
    let n = path_id(&raw, NOT_FOUND)?;
    // An unknown alert first, whatever the body holds.
    s.core.get_alert_record(&a, Key::Seq(n)).await.map_err(err)?;
    let title = if f.has("alert_title") {
        Some(f.req_str("alert_title")?)
    } else {
        None
    };
    let req_int = |name: &str| -> Result<Option<i64>, IrisError> {
        if f.has(name) {
            f.req_int(name).map(Some)
        } else {
            Ok(None)
        }
    };
    let owner = match f.opt_int("alert_owner_id")? {
        Some(n) => Some(Some(owner_field(&s.core, n).await?)),
        None => None,
    };
    let patch = AlertRecordPatch {
        title,
        description: patch_text(&f, "alert_description")?.map(Option::unwrap_or_default),
        severity: req_int("alert_severity_id")?.map(severity_field).transpose()?,
        state_id: req_int("alert_status_id")?,
        resolution: if f.has("alert_resolution_status_id") {
            Some(
                f.opt_int("alert_resolution_status_id")?
                    .map(resolution_field)
                    .transpose()?,
            )
        } else {
            None
        },
        source: patch_text(&f, "alert_source")?,
        source_ref: patch_text(&f, "alert_source_ref")?,
        source_link: patch_text(&f, "alert_source_link")?.map(|l| l.filter(|l| !l.is_empty())),
        event_time: if f.has("alert_source_event_time") {
            Some(opt_time(&f, "alert_source_event_time")?)
        } else {
            None
        },
        // IRIS: an update that names no owner gives an unowned alert to the updater.
        claim_if_unowned: owner.is_none(),
        owner,
        customer: req_int("alert_customer_id")?,
        classification: if f.has("alert_classification_id") {
            Some(f.opt_int("alert_classification_id")?)
        } else {
            None
        },
        note: patch_text(&f, "alert_note")?,
        tags: patch_text(&f, "alert_tags")?,
        source_content: f
            .has("alert_source_content")
            .then(|| opt_doc(&f, "alert_source_content")),
        context: f.has("alert_context").then(|| opt_doc(&f, "alert_context")),
        observables: iocs_field(&f)?,
        assets: assets_field(&f)?,
    };
    let r = s.core.update_alert_record(&a, Key::Seq(n), patch).await.map_err(err)?;
    ok("Alert updated", one_alert(&s, &a, &r).await?)
}

async fn delete(State(s): State<AppState>, IrisUser(a): IrisUser, Path(raw): Path<String>) -> IrisResult {
    let n = path_id(&raw, NOT_FOUND)?;
    s.core.delete_alert(&a, Key::Seq(n)).await.map_err(err)?;
    ok("Alert deleted", json!({"alert_id": n}))
}

/// How IRIS words an escalation: `[ALERT] <title>` cases and events, Markdown headings in the
/// new case's description and under a merge note.
const IRIS_WORDING: Wording = Wording {
    case_title: |a| format!("[ALERT] {}", a.title),
    case_description: escalation_description,
    merge_note: |a| format!("\n\n### Escalation note\n\n{}\n\n", a.note.unwrap_or_default()),
    event_title: |a| format!("[ALERT] {}", a.title),
};

fn escalation_description(a: &AlertText<'_>) -> String {
    let mut d = format!("*Alert escalated by {}*\n\n", a.by());
    if let Some(n) = a.note {
        d.push_str(&format!("### Escalation note\n\n{n}\n\n"));
    }
    d.push_str(&format!("### Alert description\n\n{}", a.description));
    d
}

/// IRIS imports only what the import lists name.
fn import(f: &Fields) -> Result<AlertImport, IrisError> {
    Ok(AlertImport {
        observables: Selection::Only(uuid_list(f, "iocs_import_list")),
        assets: Selection::Only(uuid_list(f, "assets_import_list")),
        note: f.opt_str("note")?,
        as_event: flag(f, "import_as_event"),
        case_title: f.opt_str("case_title")?.filter(|t| !t.trim().is_empty()),
        case_tags: Some(split_tags(f.opt_str("case_tags")?.as_deref())),
        wording: IRIS_WORDING,
    })
}

async fn escalate(
    State(s): State<AppState>,
    IrisUser(a): IrisUser,
    Path(raw): Path<String>,
    Body(f): Body,
) -> IrisResult {
    let n = path_id(&raw, NOT_FOUND)?;
    s.core.get_alert_record(&a, Key::Seq(n)).await.map_err(err)?;
    let case = s.core.escalate_alert(&a, Key::Seq(n), import(&f)?).await.map_err(err)?;
    ok("Alert escalated", case_json(&s, &a, &case).await?)
}

/// `target_case_id`: required; an id that names no case of the workspace is IRIS's error.
fn target_case(f: &Fields) -> Result<i64, IrisError> {
    match f.raw("target_case_id") {
        None | Some(Value::Null) => Err(IrisError::bad("No target case id provided")),
        Some(v) => lenient_int(v).filter(|n| *n > 0).ok_or_else(|| IrisError::bad(NO_CASE)),
    }
}

async fn merge(State(s): State<AppState>, IrisUser(a): IrisUser, Path(raw): Path<String>, Body(f): Body) -> IrisResult {
    let target = target_case(&f)?;
    let n = path_id(&raw, NOT_FOUND)?;
    s.core.get_alert_record(&a, Key::Seq(n)).await.map_err(err)?;
    if !s.core.case_exists(&a, target).await.map_err(IrisError::from)? {
        return Err(IrisError::bad(NO_CASE));
    }
    let case = s
        .core
        .merge_alert(&a, Key::Seq(n), Key::Seq(target), import(&f)?)
        .await
        .map_err(err)?
        .case;
    ok("Alert merged", case_json(&s, &a, &case).await?)
}

async fn unmerge(
    State(s): State<AppState>,
    IrisUser(a): IrisUser,
    Path(raw): Path<String>,
    Body(f): Body,
) -> IrisResult {
    let target = target_case(&f)?;
    let n = path_id(&raw, NOT_FOUND)?;
    s.core.get_alert_record(&a, Key::Seq(n)).await.map_err(err)?;
    if !s.core.case_exists(&a, target).await.map_err(IrisError::from)? {
        return Err(IrisError::bad(NO_CASE));
    }
    let r = s
        .core
        .unmerge_alert(&a, Key::Seq(n), Key::Seq(target))
        .await
        .map_err(err)?;
    let message = format!("Alert {n} unmerged from case {target}");
    ok(message, one_alert(&s, &a, &r).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for id in 1..=6 {
            let s = severity_of(id).unwrap_or(Severity::Other);
            assert_eq!(severity_id(s), id);
            let r = resolution_of(id).unwrap_or(Resolution::Duplicate);
            assert_eq!(resolution_id(r), id);
        }
        for id in 1..=5 {
            assert_eq!(tlp_of(id).map(tlp_id), Some(id));
        }
        assert_eq!(status_id(9, Status::InProgress), 4);
        assert_eq!(status_id(7, Status::Closed), 7);
        assert_eq!(status_json(3)["status_name"], "Assigned");
    }
}
