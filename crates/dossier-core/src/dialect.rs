//! Rules that more than one dialect relies on: the workspace's primary case (IRIS's default
//! case 1, "context case"), the integer user numbers dialects show, the change counters of a
//! case's object families, and free-text log entries.

use std::{collections::HashMap, sync::Arc, sync::Mutex};

use uuid::Uuid;

use crate::{
    Core,
    access::Need,
    actor::Actor,
    error::{Error, Result},
    ids::Key,
    model::{Severity, Status, Timestamp, User},
    store::{self, activity::Audit, case::CaseValues, customer::CustomerValues},
    time::now_us,
};

/// Title of the primary case made on the first IRIS call in a workspace.
pub const PRIMARY_CASE_TITLE: &str = "Initial Demo";
/// The customer the primary case belongs to.
pub const PRIMARY_CUSTOMER: &str = "IrisInitialClient";

const SETTING: &str = "iris_context_case";

/// A family of case objects with its own change counter (IRIS `state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseFamily {
    Assets,
    Observables,
    Notes,
    Tasks,
    Evidences,
    Timeline,
}

impl CaseFamily {
    fn kind(self) -> &'static str {
        match self {
            CaseFamily::Assets => "case_asset",
            CaseFamily::Observables => "case_observable",
            CaseFamily::Notes => "note",
            CaseFamily::Tasks => "task",
            CaseFamily::Evidences => "evidence",
            CaseFamily::Timeline => "timeline_event",
        }
    }
}

/// How often a family changed: the newest audit entry's id (0 before any change) and time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FamilyState {
    pub counter: i64,
    pub last_update: Option<Timestamp>,
}

/// A log entry written by a user into a case's activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub id: i64,
    pub case_number: i64,
    pub at: Timestamp,
    pub message: String,
}

/// Per-process memory of facts that never change once true: a workspace's primary case number
/// (undeletable) and a user's number (fixed at creation). Correct on every replica.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    primary: Mutex<HashMap<i64, i64>>,
    users: Mutex<HashMap<Uuid, i64>>,
}

fn settings_json(raw: Option<&str>) -> serde_json::Map<String, serde_json::Value> {
    raw.and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
        .and_then(|v| match v {
            serde_json::Value::Object(m) => Some(m),
            _ => None,
        })
        .unwrap_or_default()
}

impl Core {
    /// The workspace's primary case number. The first call makes it, with the customer
    /// `IrisInitialClient`: in a fresh workspace they are case 1 and customer 1, as IRIS
    /// clients expect. The primary case cannot be deleted.
    pub async fn primary_case(&self, actor: &Actor) -> Result<i64> {
        let ws = actor.workspace_id.0;
        if let Some(n) = self.cache.primary.lock().ok().and_then(|m| m.get(&ws).copied()) {
            return Ok(n);
        }
        let known = store::dialect::settings_of(&self.db, ws).await?;
        let n = match settings_json(known.as_deref()).get(SETTING).and_then(|v| v.as_i64()) {
            Some(n) => n,
            None => self.make_primary_case(actor).await?,
        };
        if let Ok(mut m) = self.cache.primary.lock() {
            m.insert(ws, n);
        }
        Ok(n)
    }

    /// The primary case number if the workspace has one (without making it).
    pub(crate) async fn primary_case_if_any(&self, ws: i64) -> Result<Option<i64>> {
        if let Some(n) = self.cache.primary.lock().ok().and_then(|m| m.get(&ws).copied()) {
            return Ok(Some(n));
        }
        let known = store::dialect::settings_of(&self.db, ws).await?;
        Ok(settings_json(known.as_deref()).get(SETTING).and_then(|v| v.as_i64()))
    }

    async fn make_primary_case(&self, actor: &Actor) -> Result<i64> {
        let audit = Audit::of(actor);
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                Box::pin(async move {
                    let mut settings = settings_json(Some(&store::dialect::settings(tx, audit.ws).await?));
                    if let Some(n) = settings.get(SETTING).and_then(|v| v.as_i64()) {
                        return Ok(n);
                    }
                    let now = now_us();
                    let customer = match store::dialect::customer_by_name(tx, audit.ws, PRIMARY_CUSTOMER).await? {
                        Some(id) => id,
                        None => {
                            let seq = store::workspace::next_seq(tx, audit.ws, "customer", 1).await?;
                            let values = CustomerValues {
                                name: PRIMARY_CUSTOMER.into(),
                                description: Some("Customer of the workspace's primary case".into()),
                                sla: None,
                                contacts: "[]".into(),
                                custom: "{}".into(),
                            };
                            store::customer::insert(tx, audit.ws, seq, &values, audit.actor, now)
                                .await?
                                .0
                        }
                    };
                    let values = CaseValues {
                        title: PRIMARY_CASE_TITLE.into(),
                        description: Some("This is a demonstration.".into()),
                        state_id: Status::New.default_case_state(),
                        status: Status::New.ordinal(),
                        severity: Severity::Medium.ordinal(),
                        priority: 0,
                        resolution: None,
                        tlp: 2,
                        pap: 2,
                        owner_id: audit.actor,
                        reviewer_id: None,
                        customer_id: Some(customer),
                        classification_id: None,
                        external_ref: Some("soc_id_demo".into()),
                        external_link: None,
                        closing_note: None,
                        custom: "{}".into(),
                        occurred_at: None,
                        closed_at: None,
                    };
                    let (id, _) =
                        crate::case::insert_case(tx, &audit, &values, &[], now, Some("the IRIS primary case")).await?;
                    let seq = store::case::seq_of(&mut *tx, id).await?;
                    settings.insert(SETTING.into(), serde_json::Value::from(seq));
                    let text = serde_json::Value::Object(settings).to_string();
                    store::dialect::set_settings(tx, audit.ws, &text, now).await?;
                    Ok(seq)
                })
            })
            .await
    }

    /// Whether case `number` exists (and is not deleted) in the actor's workspace and the actor
    /// may read it.
    pub async fn case_exists(&self, actor: &Actor, number: i64) -> Result<bool> {
        match self.case_ref(actor, Key::Seq(number), Need::Read).await {
            Ok(_) => Ok(true),
            Err(Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The change counter of one family of a case's objects.
    pub async fn case_family_state(&self, actor: &Actor, number: i64, family: CaseFamily) -> Result<FamilyState> {
        let case = self.case_ref(actor, Key::Seq(number), Need::Read).await?.id();
        let last = store::dialect::last_change(&self.db, case, family.kind()).await?;
        Ok(FamilyState {
            counter: last.map_or(0, |l| l.0),
            last_update: last.map(|l| Timestamp(l.1)),
        })
    }

    /// Writes a user's free-text entry into a case's activity log.
    pub async fn log_case_entry(&self, actor: &Actor, number: i64, message: &str) -> Result<LogEntry> {
        if message.len() > crate::validate::MAX_DESCRIPTION {
            return Err(Error::field("message", "too_long", "the log entry is too long"));
        }
        let case = self.case_ref(actor, Key::Seq(number), Need::Write).await?.id();
        let audit = Audit::of(actor);
        let text = Arc::new(message.to_owned());
        let (id, at) = self
            .db
            .write(move |tx| {
                let audit = audit.clone();
                let text = Arc::clone(&text);
                Box::pin(async move {
                    let now = now_us();
                    let id = store::dialect::insert_log(tx, &audit, case, &text, now).await?;
                    Ok((id, now))
                })
            })
            .await?;
        Ok(LogEntry {
            id,
            case_number: number,
            at: Timestamp(at),
            message: message.to_owned(),
        })
    }

    /// The integer number of each user (the user id IRIS shows); unknown uuids are left out.
    pub async fn user_numbers(&self, uuids: &[Uuid]) -> Result<HashMap<Uuid, i64>> {
        let mut out = HashMap::with_capacity(uuids.len());
        let mut missing = Vec::new();
        if let Ok(m) = self.cache.users.lock() {
            for u in uuids {
                match m.get(u) {
                    Some(n) => {
                        out.insert(*u, *n);
                    }
                    None => missing.push(*u),
                }
            }
        } else {
            missing.extend_from_slice(uuids);
        }
        missing.sort_unstable();
        missing.dedup();
        if !missing.is_empty() {
            let found = store::dialect::user_ids(&self.db, &missing).await?;
            if let Ok(mut m) = self.cache.users.lock() {
                for (u, n) in &found {
                    m.insert(*u, *n);
                }
            }
            out.extend(found);
        }
        Ok(out)
    }

    /// A user by number, with that number.
    pub async fn user_by_number(&self, number: i64) -> Result<User> {
        let u = store::user::by_id(&self.db, number)
            .await?
            .filter(|u| u.deleted_at.is_none())
            .ok_or(Error::not_found("user"))?;
        Ok(crate::workspace::user_view(u))
    }

    /// The actor's own number.
    pub fn actor_number(actor: &Actor) -> i64 {
        actor.user_id.0
    }
}
