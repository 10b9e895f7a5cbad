//! IRIS reference lookups under `/manage/*`: asset types, IOC types, analysis statuses, event
//! categories, task statuses, compromise and outcome statuses, TLP, case classifications, alert
//! statuses and resolutions, case states, severities and evidence types. Any user reads them
//! (`/list` and `/<id>`); admins add, change and delete the workspace's own classifications,
//! IOC types and asset types. The client resolves names to ids by listing these, so the field
//! names are the contract.

use crate::kit::route::{Routes, get, post};
use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, header},
};
use dossier_core::{
    Actor,
    model::{
        AssetType, AssetTypeInput, ClassificationInput, ClassificationRow, ObservableType, ObservableTypeInput,
        ReferenceKind, ReferenceRow, Resolution, Severity,
    },
};
use serde_json::{Value, json};

use super::{
    cases::{OUTCOMES, severity_id},
    ctx::{Body, Fields, IrisUser, path_id, require_admin},
    wire::{IrisError, IrisResult, datetime, done, ok},
};
use crate::state::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .route("/manage/asset-type/list", get(asset_types))
        .route("/manage/asset-type/{id}", get(asset_type))
        .route("/manage/asset-type/add", post(add_asset_type))
        .route("/manage/asset-type/update/{id}", post(update_asset_type))
        .route(
            "/manage/asset-type/delete/{id}",
            post(delete_asset_type).get(delete_asset_type),
        )
        .route("/manage/ioc-types/list", get(ioc_types))
        .route("/manage/ioc-types/{id}", get(ioc_type))
        .route("/manage/ioc-types/add", post(add_ioc_type))
        .route("/manage/ioc-types/update/{id}", post(update_ioc_type))
        .route(
            "/manage/ioc-types/delete/{id}",
            post(delete_ioc_type).get(delete_ioc_type),
        )
        .route("/manage/case-classifications/list", get(classifications))
        .route("/manage/case-classifications/{id}", get(classification))
        .route("/manage/case-classifications/add", post(add_classification))
        .route("/manage/case-classifications/update/{id}", post(update_classification))
        .route(
            "/manage/case-classifications/delete/{id}",
            post(delete_classification).get(delete_classification),
        )
        .route("/manage/analysis-status/list", get(analysis_statuses))
        .route("/manage/analysis-status/{id}", get(analysis_status))
        .route("/manage/event-categories/list", get(event_categories))
        .route("/manage/event-categories/{id}", get(event_category))
        .route("/manage/task-status/list", get(task_statuses))
        .route("/manage/task-status/{id}", get(task_status))
        .route("/manage/compromise-status/list", get(compromise_statuses))
        .route("/manage/outcome-status/list", get(outcome_statuses))
        .route("/manage/tlp/list", get(tlps))
        .route("/manage/tlp/{id}", get(tlp))
        .route("/manage/alert-status/list", get(alert_statuses))
        .route("/manage/alert-status/{id}", get(alert_status))
        .route("/manage/alert-resolutions/list", get(alert_resolutions))
        .route("/manage/alert-resolutions/{id}", get(alert_resolution))
        .route("/manage/case-states/list", get(case_states))
        .route("/manage/case-states/{id}", get(case_state))
        .route("/manage/severities/list", get(severities))
        .route("/manage/severities/{id}", get(severity))
        .route("/manage/evidence-types/list", get(evidence_types))
        .route("/manage/evidence-types/{id}", get(evidence_type))
}

// ---- Shapes ----

fn asset_type_json(t: &AssetType) -> Value {
    json!({
        "asset_id": t.id,
        "asset_name": t.name,
        "asset_description": t.description,
        "asset_icon_compromised": t.icon_compromised,
        "asset_icon_not_compromised": t.icon_not_compromised,
    })
}

fn ioc_type_json(t: &ObservableType) -> Value {
    json!({
        "type_id": t.id,
        "type_name": t.name,
        "type_description": t.description,
        "type_taxonomy": t.taxonomy,
        "type_validation_regex": t.validation_regex,
        "type_validation_expect": t.validation_hint,
    })
}

fn classification_json(c: &ClassificationRow) -> Value {
    json!({
        "id": c.id,
        "name": c.name,
        "name_expanded": c.name_expanded,
        "description": c.description,
        "creation_date": datetime(c.created_at),
    })
}

/// One reference list's rows in IRIS's shape.
async fn rows(s: &AppState, actor: &Actor, kind: ReferenceKind) -> Result<Vec<(i64, Value)>, IrisError> {
    let list = s
        .core
        .reference_list(actor, kind)
        .await
        .map_err(|e| IrisError::core(e, "Invalid reference list"))?;
    Ok(list
        .items
        .iter()
        .map(|row| match row {
            ReferenceRow::ObservableType(t) => (t.id, ioc_type_json(t)),
            ReferenceRow::AssetType(t) => (t.id, asset_type_json(t)),
            ReferenceRow::Classification(c) => (c.id, classification_json(c)),
            ReferenceRow::State(st) if kind == ReferenceKind::AlertStates => (
                st.id,
                json!({"status_id": st.id, "status_name": st.label, "status_description": st.description}),
            ),
            ReferenceRow::State(st) => (
                st.id,
                json!({"state_id": st.id, "state_name": st.label, "state_description": st.description,
                       "protected": st.protected}),
            ),
            ReferenceRow::TaskStatus(t) => (
                t.id,
                json!({"id": t.id, "status_name": t.name, "status_description": t.description,
                       "status_bscolor": t.color}),
            ),
            ReferenceRow::Named(n) if kind == ReferenceKind::EvidenceTypes => {
                (n.id, json!({"id": n.id, "name": n.name, "description": n.description}))
            }
            ReferenceRow::Named(n) => (n.id, json!({"id": n.id, "name": n.name})),
            ReferenceRow::CompromiseStatus(c) => (c.id, json!({"value": c.id, "name": c.name})),
            ReferenceRow::Tlp(t) => (
                t.id,
                json!({"tlp_id": t.id, "tlp_name": t.name, "tlp_bscolor": t.color}),
            ),
        })
        .collect())
}

async fn list_of(s: &AppState, actor: &Actor, kind: ReferenceKind) -> IrisResult {
    let rows = rows(s, actor, kind).await?;
    ok("", rows.into_iter().map(|(_, v)| v).collect::<Vec<_>>())
}

/// One row of a list by its id; `msg` answers an unknown one.
async fn one_of(s: &AppState, actor: &Actor, kind: ReferenceKind, raw: &str, msg: String) -> IrisResult {
    let id = path_id(raw, &msg)?;
    rows(s, actor, kind)
        .await?
        .into_iter()
        .find(|(i, _)| *i == id)
        .map_or_else(|| Err(IrisError::bad(msg.clone())), |(_, v)| ok("", v))
}

/// `Invalid TLP ID 12`: IRIS names the id it did not find.
fn unknown(prefix: &str, raw: &str) -> String {
    format!("{prefix} {}", raw.trim())
}

// ---- Read-only lists ----

async fn analysis_statuses(State(s): State<AppState>, IrisUser(a): IrisUser) -> IrisResult {
    list_of(&s, &a, ReferenceKind::AnalysisStatuses).await
}

async fn analysis_status(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    one_of(
        &s,
        &a,
        ReferenceKind::AnalysisStatuses,
        &id,
        format!("Analysis status ID {} not found", id.trim()),
    )
    .await
}

async fn event_categories(State(s): State<AppState>, IrisUser(a): IrisUser) -> IrisResult {
    list_of(&s, &a, ReferenceKind::EventCategories).await
}

async fn event_category(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    one_of(
        &s,
        &a,
        ReferenceKind::EventCategories,
        &id,
        format!("Event category ID {} not found", id.trim()),
    )
    .await
}

async fn task_statuses(State(s): State<AppState>, IrisUser(a): IrisUser) -> IrisResult {
    list_of(&s, &a, ReferenceKind::TaskStatuses).await
}

async fn task_status(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    one_of(
        &s,
        &a,
        ReferenceKind::TaskStatuses,
        &id,
        format!("Task status ID #{} not found", id.trim()),
    )
    .await
}

async fn compromise_statuses(State(s): State<AppState>, IrisUser(a): IrisUser) -> IrisResult {
    list_of(&s, &a, ReferenceKind::CompromiseStatuses).await
}

async fn outcome_statuses(IrisUser(_): IrisUser) -> IrisResult {
    let list: Vec<Value> = OUTCOMES
        .iter()
        .map(|(value, _, name)| json!({"value": value, "name": name}))
        .collect();
    ok("", list)
}

async fn tlps(State(s): State<AppState>, IrisUser(a): IrisUser) -> IrisResult {
    list_of(&s, &a, ReferenceKind::Tlp).await
}

async fn tlp(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    one_of(&s, &a, ReferenceKind::Tlp, &id, unknown("Invalid TLP ID", &id)).await
}

async fn alert_statuses(State(s): State<AppState>, IrisUser(a): IrisUser) -> IrisResult {
    list_of(&s, &a, ReferenceKind::AlertStates).await
}

async fn alert_status(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    one_of(
        &s,
        &a,
        ReferenceKind::AlertStates,
        &id,
        unknown("Invalid alert status ID", &id),
    )
    .await
}

/// IRIS alert resolution ids (crosswalk §2.4) with their names.
const ALERT_RESOLUTIONS: [(i64, Resolution, &str); 6] = [
    (1, Resolution::FalsePositive, "False Positive"),
    (2, Resolution::TruePositiveWithImpact, "True Positive With Impact"),
    (3, Resolution::TruePositiveWithoutImpact, "True Positive Without Impact"),
    (4, Resolution::NotApplicable, "Not Applicable"),
    (5, Resolution::Unknown, "Unknown"),
    (6, Resolution::Legitimate, "Legitimate"),
];

fn alert_resolution_json(id: i64, name: &str) -> Value {
    json!({"resolution_status_id": id, "resolution_status_name": name, "resolution_status_description": name})
}

async fn alert_resolutions(IrisUser(_): IrisUser) -> IrisResult {
    let list: Vec<Value> = ALERT_RESOLUTIONS
        .iter()
        .map(|(id, _, name)| alert_resolution_json(*id, name))
        .collect();
    ok("", list)
}

async fn alert_resolution(IrisUser(_): IrisUser, Path(id): Path<String>) -> IrisResult {
    let msg = unknown("Invalid alert resolution ID", &id);
    let n = path_id(&id, &msg)?;
    ALERT_RESOLUTIONS.iter().find(|(i, _, _)| *i == n).map_or_else(
        || Err(IrisError::bad(msg.clone())),
        |(i, _, name)| ok("", alert_resolution_json(*i, name)),
    )
}

async fn case_states(State(s): State<AppState>, IrisUser(a): IrisUser) -> IrisResult {
    list_of(&s, &a, ReferenceKind::CaseStates).await
}

async fn case_state(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    one_of(
        &s,
        &a,
        ReferenceKind::CaseStates,
        &id,
        unknown("Invalid case state ID", &id),
    )
    .await
}

/// IRIS severity names by id 1–6.
fn severity_json(id: i64) -> Option<Value> {
    let name = match id {
        1 => "Unspecified",
        2 => "Informational",
        3 => "Low",
        4 => "Medium",
        5 => "High",
        6 => "Critical",
        _ => return None,
    };
    Some(json!({"severity_id": id, "severity_name": name, "severity_description": name}))
}

async fn severities(IrisUser(_): IrisUser) -> IrisResult {
    // Every writable core severity has one id; listed in id order.
    let mut ids: Vec<i64> = [
        Severity::Unknown,
        Severity::Informational,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ]
    .iter()
    .map(|s| severity_id(*s))
    .collect();
    ids.sort_unstable();
    ok("", ids.into_iter().filter_map(severity_json).collect::<Vec<_>>())
}

async fn severity(IrisUser(_): IrisUser, Path(id): Path<String>) -> IrisResult {
    let msg = unknown("Invalid severity ID", &id);
    let n = path_id(&id, &msg)?;
    severity_json(n).map_or_else(|| Err(IrisError::bad(msg.clone())), |v| ok("", v))
}

async fn evidence_types(State(s): State<AppState>, IrisUser(a): IrisUser) -> IrisResult {
    list_of(&s, &a, ReferenceKind::EvidenceTypes).await
}

async fn evidence_type(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    one_of(
        &s,
        &a,
        ReferenceKind::EvidenceTypes,
        &id,
        unknown("Invalid evidence type ID", &id),
    )
    .await
}

// ---- Lists with admin writes ----

/// IRIS's schema minimum (`Length(min=2)`) for the given fields that are present.
fn min_two(f: &Fields, names: &[&str]) -> Result<(), IrisError> {
    for n in names {
        if let Some(v) = f.opt_str(n)?
            && v.trim().chars().count() < 2
        {
            return Err(IrisError::field(n, "Shorter than minimum length 2."));
        }
    }
    Ok(())
}

/// Every listed field must be present (IRIS's `required=True`).
fn required(f: &Fields, names: &[&str]) -> Result<(), IrisError> {
    for n in names {
        f.req_str(n)?;
    }
    Ok(())
}

/// A core error of a reference write: a taken name is IRIS's field message; a built-in row
/// keeps the core's explanation; any other conflict is the row being in use.
fn write_error(e: dossier_core::Error, names: &[(&str, &str)], taken: &str, in_use: &str, missing: &str) -> IrisError {
    match e {
        dossier_core::Error::Validation(fields) => {
            if let Some(f) = fields.iter().find(|f| f.code == "taken") {
                let field = names
                    .iter()
                    .find(|(from, _)| *from == f.field)
                    .map_or(f.field.as_str(), |(_, to)| to);
                return IrisError::field(field, taken);
            }
            IrisError::from_fields(&fields).rename(names)
        }
        dossier_core::Error::Conflict(m) if m.starts_with("built-in") => IrisError::bad(m),
        dossier_core::Error::Conflict(_) => IrisError::bad(in_use),
        other => IrisError::core(other, missing),
    }
}

async fn asset_types(State(s): State<AppState>, IrisUser(a): IrisUser) -> IrisResult {
    list_of(&s, &a, ReferenceKind::AssetTypes).await
}

async fn asset_type(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    let msg = unknown("Invalid asset type ID", &id);
    let n = path_id(&id, &msg)?;
    let t = s.core.asset_type(&a, n).await.map_err(|e| IrisError::core(e, &msg))?;
    ok("", asset_type_json(&t))
}

/// An asset type body: JSON (as IRIS 1.x took it). IRIS 2 takes multipart with icon files,
/// which this server does not store; the client itself refuses to send it.
fn asset_type_body(headers: &HeaderMap, bytes: &[u8]) -> Result<Fields, IrisError> {
    let multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/"));
    if multipart {
        return Err(IrisError::bad(
            "Asset types are added and updated as JSON (asset_name, asset_description); icon uploads are not supported",
        ));
    }
    let mut f = Fields::parse(bytes)?;
    f.0.remove("cid");
    Ok(f)
}

const ASSET_TYPE_FIELDS: [(&str, &str); 4] = [
    ("name", "asset_name"),
    ("description", "asset_description"),
    ("icon_compromised", "asset_icon_compromised"),
    ("icon_not_compromised", "asset_icon_not_compromised"),
];

fn asset_type_input(f: &Fields) -> Result<AssetTypeInput, IrisError> {
    min_two(f, &["asset_name", "asset_description"])?;
    Ok(AssetTypeInput {
        name: f.opt_str("asset_name")?,
        description: f.opt_str("asset_description")?,
        icon_compromised: f.opt_str("asset_icon_compromised")?,
        icon_not_compromised: f.opt_str("asset_icon_not_compromised")?,
    })
}

fn asset_type_error(e: dossier_core::Error, missing: &str) -> IrisError {
    write_error(
        e,
        &ASSET_TYPE_FIELDS,
        "Asset type name already exists",
        "Cannot delete a referenced asset type. Please delete any assets of this type first.",
        missing,
    )
}

async fn add_asset_type(
    State(s): State<AppState>,
    IrisUser(a): IrisUser,
    headers: HeaderMap,
    body: Bytes,
) -> IrisResult {
    require_admin(&a)?;
    let f = asset_type_body(&headers, &body)?;
    required(&f, &["asset_name", "asset_description"])?;
    let input = asset_type_input(&f)?;
    let t = s
        .core
        .create_asset_type(&a, input)
        .await
        .map_err(|e| asset_type_error(e, "Invalid asset type ID"))?;
    ok("Asset type added", asset_type_json(&t))
}

async fn update_asset_type(
    State(s): State<AppState>,
    IrisUser(a): IrisUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> IrisResult {
    require_admin(&a)?;
    let n = path_id(&id, "Invalid asset type ID")?;
    let f = asset_type_body(&headers, &body)?;
    let input = asset_type_input(&f)?;
    let t = s
        .core
        .update_asset_type(&a, n, input)
        .await
        .map_err(|e| asset_type_error(e, "Invalid asset type ID"))?;
    ok("Asset type updated", asset_type_json(&t))
}

async fn delete_asset_type(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    require_admin(&a)?;
    let n = path_id(&id, "Invalid asset ID")?;
    s.core
        .delete_asset_type(&a, n)
        .await
        .map_err(|e| asset_type_error(e, "Invalid asset ID"))?;
    done(format!("Deleted asset type ID {n} successfully"))
}

async fn ioc_types(State(s): State<AppState>, IrisUser(a): IrisUser) -> IrisResult {
    list_of(&s, &a, ReferenceKind::ObservableTypes).await
}

async fn ioc_type(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    let msg = unknown("Invalid ioc type ID", &id);
    let n = path_id(&id, &msg)?;
    let t = s
        .core
        .observable_type(&a, n)
        .await
        .map_err(|e| IrisError::core(e, &msg))?;
    ok("", ioc_type_json(&t))
}

const IOC_TYPE_FIELDS: [(&str, &str); 5] = [
    ("name", "type_name"),
    ("description", "type_description"),
    ("taxonomy", "type_taxonomy"),
    ("validation_regex", "type_validation_regex"),
    ("validation_hint", "type_validation_expect"),
];

fn ioc_type_input(f: &Fields) -> Result<ObservableTypeInput, IrisError> {
    min_two(f, &["type_name", "type_description"])?;
    Ok(ObservableTypeInput {
        name: f.opt_str("type_name")?,
        description: f.opt_str("type_description")?,
        taxonomy: f.opt_str("type_taxonomy")?,
        validation_regex: f.opt_str("type_validation_regex")?,
        validation_hint: f.opt_str("type_validation_expect")?,
    })
}

fn ioc_type_error(e: dossier_core::Error, missing: &str) -> IrisError {
    write_error(
        e,
        &IOC_TYPE_FIELDS,
        "IOC type name already exists",
        "Cannot delete a referenced ioc type. Please delete any ioc of this type first.",
        missing,
    )
}

async fn add_ioc_type(State(s): State<AppState>, IrisUser(a): IrisUser, Body(f): Body) -> IrisResult {
    require_admin(&a)?;
    required(&f, &["type_name", "type_description"])?;
    let input = ioc_type_input(&f)?;
    let t = s
        .core
        .create_observable_type(&a, input)
        .await
        .map_err(|e| ioc_type_error(e, "Invalid ioc type ID"))?;
    ok("Added successfully", ioc_type_json(&t))
}

async fn update_ioc_type(
    State(s): State<AppState>,
    IrisUser(a): IrisUser,
    Path(id): Path<String>,
    Body(f): Body,
) -> IrisResult {
    require_admin(&a)?;
    let msg = unknown("Invalid ioc type ID", &id);
    let n = path_id(&id, &msg)?;
    let input = ioc_type_input(&f)?;
    let t = s
        .core
        .update_observable_type(&a, n, input)
        .await
        .map_err(|e| ioc_type_error(e, &msg))?;
    ok("IOC type updated", ioc_type_json(&t))
}

async fn delete_ioc_type(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    require_admin(&a)?;
    let msg = format!("Attempted to delete ioc type ID {}, but was not found", id.trim());
    let n = path_id(&id, &msg)?;
    s.core
        .delete_observable_type(&a, n)
        .await
        .map_err(|e| ioc_type_error(e, &msg))?;
    done(format!("Deleted ioc type ID {n}"))
}

async fn classifications(State(s): State<AppState>, IrisUser(a): IrisUser) -> IrisResult {
    list_of(&s, &a, ReferenceKind::Classifications).await
}

async fn classification(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    let msg = unknown("Invalid case classification ID", &id);
    let n = path_id(&id, &msg)?;
    let c = s
        .core
        .classification(&a, n)
        .await
        .map_err(|e| IrisError::core(e, &msg))?;
    ok("", classification_json(&c))
}

const CLASSIFICATION_FIELDS: [(&str, &str); 3] = [
    ("name", "name"),
    ("name_expanded", "name_expanded"),
    ("description", "description"),
];

fn classification_input(f: &Fields) -> Result<ClassificationInput, IrisError> {
    min_two(f, &["name", "name_expanded", "description"])?;
    Ok(ClassificationInput {
        name: f.opt_str("name")?,
        name_expanded: f.opt_str("name_expanded")?,
        description: f.opt_str("description")?,
    })
}

fn classification_error(e: dossier_core::Error, missing: &str) -> IrisError {
    write_error(
        e,
        &CLASSIFICATION_FIELDS,
        "Case classification name already exists",
        "Cannot delete a referenced case classification. Please change the cases and alerts using it first.",
        missing,
    )
}

async fn add_classification(State(s): State<AppState>, IrisUser(a): IrisUser, Body(f): Body) -> IrisResult {
    require_admin(&a)?;
    required(&f, &["name", "name_expanded", "description"])?;
    let input = classification_input(&f)?;
    let c = s
        .core
        .create_classification(&a, input)
        .await
        .map_err(|e| classification_error(e, "Invalid case classification ID"))?;
    ok("Case classification added", classification_json(&c))
}

async fn update_classification(
    State(s): State<AppState>,
    IrisUser(a): IrisUser,
    Path(id): Path<String>,
    Body(f): Body,
) -> IrisResult {
    require_admin(&a)?;
    let msg = unknown("Invalid case classification ID", &id);
    let n = path_id(&id, &msg)?;
    let input = classification_input(&f)?;
    let c = s
        .core
        .update_classification(&a, n, input)
        .await
        .map_err(|e| classification_error(e, &msg))?;
    ok("Case classification updated", classification_json(&c))
}

async fn delete_classification(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    require_admin(&a)?;
    let msg = unknown("Invalid case classification ID", &id);
    let n = path_id(&id, &msg)?;
    s.core
        .delete_classification(&a, n)
        .await
        .map_err(|e| classification_error(e, &msg))?;
    done("Case classification deleted")
}
