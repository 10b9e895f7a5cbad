//! The audit trail: one row per change, written in the same transaction as the change.

use sqlx::FromRow;
use uuid::Uuid;

use super::{Ex, Tx, sql::Sql};
use crate::{actor::Actor, error::Result, ids::new_uuid};

/// Who and how, copied from the actor into write closures.
#[derive(Debug, Clone)]
pub(crate) struct Audit {
    pub ws: i64,
    pub actor: Option<i64>,
    pub credential: Option<i64>,
    pub via: &'static str,
    pub request_id: Option<String>,
}

impl Audit {
    pub fn of(a: &Actor) -> Self {
        Audit {
            ws: a.workspace_id.0,
            actor: Some(a.user_id.0),
            credential: a.credential_id.map(|c| c.0),
            via: a.via.as_str(),
            request_id: a.request_id.clone(),
        }
    }
    pub fn system(ws: i64) -> Self {
        Audit {
            ws,
            actor: None,
            credential: None,
            via: "system",
            request_id: None,
        }
    }
}

/// One audit entry.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub case_id: Option<i64>,
    pub object_kind: &'static str,
    pub object_id: Option<i64>,
    pub object_uuid: Option<Uuid>,
    pub action: &'static str,
    pub field: Option<&'static str>,
    pub old: Option<String>,
    pub new: Option<String>,
    pub message: Option<String>,
}

impl Entry {
    pub fn new(object_kind: &'static str, object_id: i64, object_uuid: Uuid, action: &'static str) -> Self {
        Entry {
            case_id: None,
            object_kind,
            object_id: Some(object_id),
            object_uuid: Some(object_uuid),
            action,
            field: None,
            old: None,
            new: None,
            message: None,
        }
    }
    pub fn case(mut self, case_id: i64) -> Self {
        self.case_id = Some(case_id);
        self
    }
    pub fn change(mut self, field: &'static str, old: Option<String>, new: Option<String>) -> Self {
        self.field = Some(field);
        self.old = old;
        self.new = new;
        self
    }
    pub fn message(mut self, m: impl Into<String>) -> Self {
        self.message = Some(m.into());
        self
    }
}

/// Writes entries in one multi-row insert.
pub(crate) async fn record(tx: &mut Tx<'_>, audit: &Audit, at: i64, entries: &[Entry]) -> Result<()> {
    // 15 values per row; stay far below both backends' parameter limits.
    for chunk in entries.chunks(500) {
        let mut q = Sql::new(
            "INSERT INTO activities (uuid, workspace_id, case_id, at, actor_user_id, credential_id, via, request_id, \
             object_kind, object_id, object_uuid, action, field, old, new, message) VALUES ",
        );
        for (i, e) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.push("(")
                .bind(new_uuid())
                .push(", ")
                .bind(audit.ws)
                .push(", ")
                .bind(e.case_id)
                .push(", ")
                .bind(at);
            q.push(", ")
                .bind(audit.actor)
                .push(", ")
                .bind(audit.credential)
                .push(", ")
                .bind(audit.via);
            q.push(", ")
                .bind(audit.request_id.clone())
                .push(", ")
                .bind(e.object_kind)
                .push(", ")
                .bind(e.object_id);
            q.push(", ")
                .bind(e.object_uuid)
                .push(", ")
                .bind(e.action)
                .push(", ")
                .bind(e.field);
            q.push(", ")
                .bind(e.old.clone())
                .push(", ")
                .bind(e.new.clone())
                .push(", ")
                .bind(e.message.clone())
                .push(")");
        }
        q.execute(&mut *tx).await?;
    }
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub(crate) struct ActivityRow {
    pub id: i64,
    pub uuid: Uuid,
    pub at: i64,
    pub actor_uuid: Option<Uuid>,
    pub actor_login: Option<String>,
    pub actor_name: Option<String>,
    pub via: String,
    pub request_id: Option<String>,
    pub object_kind: String,
    pub object_uuid: Option<Uuid>,
    pub action: String,
    pub field: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
    pub message: Option<String>,
}

/// What a trail is about: everything of a case, or one object.
pub(crate) enum Scope {
    Case(i64),
    Object(&'static str, i64),
}

/// Newest first, keyset-paged on id.
pub(crate) async fn list<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
    scope: Scope,
    before_id: Option<i64>,
    limit: u32,
) -> Result<Vec<ActivityRow>> {
    let mut q = Sql::new(
        "SELECT a.id, a.uuid, a.at, u.uuid AS actor_uuid, u.login AS actor_login, u.name AS actor_name, a.via, \
         a.request_id, a.object_kind, a.object_uuid, a.action, a.field, a.old, a.new, a.message \
         FROM activities a LEFT JOIN users u ON u.id = a.actor_user_id WHERE ",
    );
    match scope {
        Scope::Case(id) => {
            q.push("a.case_id = ").bind(id);
        }
        Scope::Object(kind, id) => {
            q.push("a.object_kind = ")
                .bind(kind)
                .push(" AND a.object_id = ")
                .bind(id);
        }
    }
    q.push(" AND a.workspace_id = ").bind(ws);
    if let Some(b) = before_id {
        q.push(" AND a.id < ").bind(b);
    }
    q.push(" ORDER BY a.id DESC").limit(i64::from(limit) + 1);
    q.fetch_all(ex).await
}
