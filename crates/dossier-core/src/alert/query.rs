//! Reading alerts: one alert, keyset lists (native), offset pages of records (IRIS), related
//! alerts, the audit trail.

use uuid::Uuid;

use super::{
    load,
    record::{AlertQuery, AlertRecord, AlertRecordPage, RelatedAlerts, record_view},
    views,
};
use crate::{
    Core,
    actor::Actor,
    capability::Capability,
    error::{Error, Problems, Result},
    ids::Key,
    model::{Activity, Alert, AlertFilter, Page, Resolution, Severity},
    paging,
    store::{self, Ex, activity::Scope, alert::AlertRow},
    validate,
};

/// Most related alerts reported per kind.
const MAX_RELATED: i64 = 100;

/// Alert records of these rows, in their order.
pub(super) async fn records(mut ex: Ex<'_, '_>, ws_uuid: Uuid, rows: Vec<AlertRow>) -> Result<Vec<AlertRecord>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut details = store::alert::details_of(ex.reborrow(), &ids).await?;
    let mut assets = store::alert::assets_of(ex.reborrow(), &ids).await?;
    let mut case_numbers = store::alert::case_numbers_of(ex.reborrow(), &ids).await?;
    let mut comments = store::alert::comment_numbers_of(ex.reborrow(), &ids).await?;
    let alerts = views(ex, ws_uuid, rows).await?;
    Ok(alerts
        .into_iter()
        .zip(ids)
        .map(|(alert, id)| {
            record_view(
                alert,
                details.remove(&id),
                assets.remove(&id).unwrap_or_default(),
                case_numbers.remove(&id).unwrap_or_default(),
                comments.remove(&id).unwrap_or_default(),
            )
        })
        .collect())
}

pub(super) async fn load_record(mut ex: Ex<'_, '_>, ws: i64, ws_uuid: Uuid, key: Key) -> Result<AlertRecord> {
    let row = store::alert::get(ex.reborrow(), ws, key)
        .await?
        .ok_or(Error::not_found("alert"))?;
    records(ex, ws_uuid, vec![row])
        .await?
        .pop()
        .ok_or(Error::not_found("alert"))
}

impl Core {
    pub async fn get_alert(&self, actor: &Actor, key: Key) -> Result<Alert> {
        self.require_capability(actor, Capability::AlertsRead).await?;
        load(Ex::Db(&self.db), actor.workspace_id.0, actor.workspace_uuid, key).await
    }

    pub async fn list_alerts(&self, actor: &Actor, f: AlertFilter) -> Result<Page<Alert>> {
        self.require_capability(actor, Capability::AlertsRead).await?;
        let limit = paging::limit(f.limit)?;
        let after = paging::decode(f.cursor.as_deref(), 2)?;
        let mut p = Problems::new();
        let tags = validate::tags(&mut p, "tags", &f.tags);
        let category = validate::tags(&mut p, "category", &f.category);
        if let Some(q) = &f.q {
            p.text("q", q, 1, 200);
        }
        p.into_result()?;
        let filter = store::alert::ListFilter {
            status: f.status.iter().map(|s| s.ordinal()).collect(),
            severity: f.severity.iter().map(|s| s.ordinal()).collect(),
            source: f.source.clone(),
            tags,
            category,
            subject_email: f.subject_email.as_deref().map(|e| e.trim().to_lowercase()),
            signal_type: f.signal_type.clone(),
            platform_event_id: f.platform_event_id.clone(),
            flagged: f.flagged,
            safe: f.safe,
            q: f.q.clone(),
            created_after: f.created_after,
            created_before: f.created_before,
        };
        let ws = actor.workspace_id.0;
        let backend = self.db.backend();
        let mut rows = store::alert::list(&self.db, backend, ws, &filter, after.as_deref(), limit).await?;
        let next_cursor = paging::next(&mut rows, limit, |r| [r.created_at, r.id].to_vec());
        let total = if f.count {
            Some(store::alert::count(&self.db, backend, ws, &filter).await?)
        } else {
            None
        };
        let items = views(Ex::Db(&self.db), actor.workspace_uuid, rows).await?;
        Ok(Page {
            items,
            next_cursor,
            total,
        })
    }

    pub async fn get_alert_record(&self, actor: &Actor, key: Key) -> Result<AlertRecord> {
        self.require_capability(actor, Capability::AlertsRead).await?;
        load_record(Ex::Db(&self.db), actor.workspace_id.0, actor.workspace_uuid, key).await
    }

    /// A page of alert records matching the query.
    pub async fn query_alert_records(&self, actor: &Actor, q: AlertQuery) -> Result<AlertRecordPage> {
        self.require_capability(actor, Capability::AlertsRead).await?;
        let ws = actor.workspace_id.0;
        let per_page = q.per_page.clamp(1, paging::MAX_LIMIT);
        let page = q.page.max(1);
        if q.matches_nothing {
            return Ok(AlertRecordPage {
                total: 0,
                items: Vec::new(),
            });
        }
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
        self.require_capability(actor, Capability::AlertsRead).await?;
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

    pub async fn alert_activity(
        &self,
        actor: &Actor,
        key: Key,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<Activity>> {
        self.require_capability(actor, Capability::AlertsRead).await?;
        let ws = actor.workspace_id.0;
        let row = store::alert::get(&self.db, ws, key)
            .await?
            .ok_or(Error::not_found("alert"))?;
        self.activity_page(ws, Scope::Object("alert", row.id), cursor, limit)
            .await
    }
}
