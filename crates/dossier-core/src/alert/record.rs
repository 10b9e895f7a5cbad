//! The IRIS-shaped alert record: an alert with its customer, classification, note, raw tags,
//! source documents, observables and assets, and the inputs, patches and queries of records.

use serde::Serialize;
use uuid::Uuid;

use crate::{
    case::user_ref,
    model::{
        Alert, AlertObservable, NamedRef, NewAlert, NewObservable, RefKey, Resolution, Severity, Timestamp, UserRef,
    },
    store,
};

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

/// A new alert with every detail IRIS keeps: the alert, plus its state, assignee, customer,
/// classification, note, raw tags, source content, context and assets. It is ingested like
/// any alert (with [`super::Dedup::Never`], as IRIS `alerts/add` demands).
#[derive(Debug, Clone, Default)]
pub struct NewAlertRecord {
    /// Its `tags` are ignored: `tags` below is the raw string, split into tags.
    pub alert: NewAlert,
    /// An alert state row (`GET /api/v1/reference/alert-states`); its canonical status follows.
    pub state_id: Option<i64>,
    pub resolution: Option<Resolution>,
    pub owner: Option<Uuid>,
    /// Customer number.
    pub customer: Option<i64>,
    pub classification: Option<i64>,
    pub note: Option<String>,
    /// Comma-separated tags.
    pub tags: Option<String>,
    pub source_content: Option<serde_json::Value>,
    pub context: Option<serde_json::Value>,
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
    /// A filter named a value that exists nowhere (an unknown severity or resolution id): the
    /// query matches no alert.
    pub matches_nothing: bool,
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

pub(super) fn parse_doc(s: Option<&String>) -> Option<serde_json::Value> {
    s.map(|s| serde_json::from_str(s).unwrap_or_else(|_| serde_json::Value::String(s.clone())))
}

pub(super) fn record_view(
    alert: Alert,
    d: Option<store::alert::DetailRow>,
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
        observables: alert.observables.clone(),
        alert,
        customer,
        classification,
        note,
        tags_raw,
        source_content,
        context,
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

/// A comma-separated tag string as tags.
pub(super) fn raw_tags(p: &mut crate::error::Problems, field: &str, raw: Option<&str>) -> Vec<String> {
    let list: Vec<String> = raw
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    crate::validate::tags(p, field, &list)
}
