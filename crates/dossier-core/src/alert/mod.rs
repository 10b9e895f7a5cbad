//! Alerts: one service for every API. Dialects pass presentation in (titles, the wording of
//! the case a promotion opens) and get the same rules out.
//!
//! The rules, decided here once:
//!
//! - **Ingest** (single, batch, IRIS records: [`Core::create_alert`], [`Core::ingest_alerts`],
//!   [`Core::create_alert_record`]) goes through one path. An alert with a `source_ref` has
//!   the identity (workspace, `source`, `source_ref`); a repeat of a live alert with that
//!   identity — stored earlier or earlier in the same batch — creates nothing: it adds its
//!   `count` to `occurrences`, moves `last_seen_at`, takes the new title, the description,
//!   severity and signal fields it gives, adds the tags, categories, subcategories, teams,
//!   organisations and observables it names, and answers with the alert it repeats. State,
//!   assignee, customer and classification stay as they are. The one exception is a
//!   protocol whose create call is defined to make a new alert every time ([`Dedup::Never`]:
//!   IRIS `alerts/add`, whose own client suite posts one source reference many times and
//!   expects distinct alerts).
//! - **Escalation** ([`Core::escalate_alert`], the native "promote" and IRIS "escalate") opens
//!   a new case: title and description from the dialect's [`Wording`] (or the given title),
//!   the alert's severity, TLP, PAP, event time, link, customer and classification, the
//!   alert's number as external reference, the given tags or else the alert's. The case's
//!   owner is the alert's assignee, or the escalating user when the alert has none. What is
//!   imported is an [`AlertImport`] choice: every observable and asset of the alert (the
//!   default) or the chosen ones. An alert is escalated once: a second escalation is a
//!   conflict, whatever the API.
//! - **Merge** ([`Core::merge_alert`]) links the alert to an existing case with the same import
//!   choice; merging again into the same case reuses what the case holds. An alert may join
//!   several cases. It is marked merged, unless it was escalated (that state stays).
//!
//! Module layout: [`ingest`] (create, batch, records), [`items`] (an alert's observables and
//! assets: validation and storage), [`escalate`] (escalate, merge, unmerge), [`query`] (reads,
//! lists, offset pages), [`update`] (changes and deletion), [`record`] (the IRIS-shaped
//! record types).

mod escalate;
mod ingest;
mod items;
mod query;
mod record;
mod update;

use std::collections::HashMap;

use uuid::Uuid;

pub use escalate::{AlertImport, AlertText, Merged, Selection, Wording};
pub use ingest::{Dedup, MAX_BATCH};
pub use items::{MAX_RECORD_ITEMS, MAX_RECORD_JSON};
pub use record::{
    AlertAsset, AlertClassification, AlertCustomer, AlertQuery, AlertRecord, AlertRecordPage, AlertRecordPatch,
    NewAlertAsset, NewAlertRecord, RelatedAlerts,
};

use crate::{
    case::user_ref,
    error::{Error, Result},
    ids::Key,
    model::{Alert, AlertObservable, EntityRef, NamedRef, Pap, Resolution, Severity, StateRef, Status, Timestamp, Tlp},
    store::{self, Ex, alert::AlertRow, term, term::Owner},
};

/// How an alert came to a case (`case_alerts.how`).
mod how {
    pub const MERGE: i16 = 0;
    pub const ESCALATE: i16 = 1;
}

/// What an alert shows besides its own row, loaded for a page of alerts at once.
#[derive(Default)]
struct Linked {
    tags: HashMap<i64, Vec<String>>,
    category: HashMap<i64, Vec<String>>,
    subcategory: HashMap<i64, Vec<String>>,
    teams: HashMap<i64, Vec<(Uuid, String)>>,
    shares: HashMap<i64, Vec<(Uuid, String)>>,
    observables: HashMap<i64, Vec<store::alert::ObservableRow>>,
    cases: HashMap<i64, Vec<Uuid>>,
}

impl Linked {
    async fn load(mut ex: Ex<'_, '_>, ids: &[i64]) -> Result<Self> {
        Ok(Linked {
            tags: store::term::tags_of(ex.reborrow(), Owner::Alert, ids).await?,
            category: store::term::terms_of(ex.reborrow(), Owner::Alert, term::CATEGORY, ids).await?,
            subcategory: store::term::terms_of(ex.reborrow(), Owner::Alert, term::SUBCATEGORY, ids).await?,
            teams: store::alert::teams_of(ex.reborrow(), ids).await?,
            shares: store::alert::shares_of(ex.reborrow(), ids).await?,
            observables: store::alert::observables_of(ex.reborrow(), ids).await?,
            cases: store::alert::cases_of(ex, ids).await?,
        })
    }

    fn view(&mut self, r: AlertRow, ws: Uuid) -> Alert {
        let id = r.id;
        let refs = |l: Vec<(Uuid, String)>| l.into_iter().map(|(id, name)| EntityRef { id, name }).collect();
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
            tags: self.tags.remove(&id).unwrap_or_default(),
            assignee: user_ref(r.owner_uuid, r.owner_login, r.owner_name),
            subject_email: r.subject_email,
            subject_name: r.subject_name,
            signal_type: r.signal_type,
            category: self.category.remove(&id).unwrap_or_default(),
            subcategory: self.subcategory.remove(&id).unwrap_or_default(),
            platform_event_id: r.platform_event_id,
            flagged: r.flagged,
            safe: r.safe,
            teams: refs(self.teams.remove(&id).unwrap_or_default()),
            organizations: refs(self.shares.remove(&id).unwrap_or_default()),
            observables: self
                .observables
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .map(observable_view)
                .collect(),
            occurrences: r.occurrences,
            first_seen_at: Timestamp(r.first_seen_at),
            last_seen_at: Timestamp(r.last_seen_at),
            event_time: r.event_time.map(Timestamp),
            custom: serde_json::from_str(&r.custom).unwrap_or_else(|_| serde_json::json!({})),
            cases: self.cases.remove(&id).unwrap_or_default(),
            created_at: Timestamp(r.created_at),
            updated_at: Timestamp(r.updated_at),
            version: r.version,
        }
    }
}

fn observable_view(r: store::alert::ObservableRow) -> AlertObservable {
    AlertObservable {
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
    }
}

/// Alerts of these rows, in their order.
async fn views(mut ex: Ex<'_, '_>, ws_uuid: Uuid, rows: Vec<AlertRow>) -> Result<Vec<Alert>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut linked = Linked::load(ex.reborrow(), &ids).await?;
    Ok(rows.into_iter().map(|r| linked.view(r, ws_uuid)).collect())
}

async fn load(mut ex: Ex<'_, '_>, ws: i64, ws_uuid: Uuid, key: Key) -> Result<Alert> {
    let row = store::alert::get(ex.reborrow(), ws, key)
        .await?
        .ok_or(Error::not_found("alert"))?;
    views(ex, ws_uuid, vec![row])
        .await?
        .pop()
        .ok_or(Error::not_found("alert"))
}
