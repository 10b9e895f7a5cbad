//! Case access: one check for every case-scoped read and write, whatever API the request came
//! through.
//!
//! A service that acts on a case (or on anything inside one: observables, assets, tasks, notes,
//! timeline, evidence, datastore, comments) gets the case's internal id only from a
//! [`CaseRef`], and a `CaseRef` is made only here, after the actor's effective level on the
//! case was read (the rule is in `team.rs`; its SQL form in `store/access.rs`, so lists and
//! counts filter with the same rule inside the query, before paging).
//!
//! - A case the actor may not read (deny-all) does not exist for them: `NotFound("case")`, the
//!   same answer as for a case of another workspace, so its existence does not leak.
//! - A write needs a role that writes and full access: `Forbidden` on a read-only case.

use uuid::Uuid;

use crate::{
    Core,
    actor::Actor,
    error::{Error, Result},
    ids::Key,
    model::Role,
    store::{
        self, Ex,
        access::{CaseKey, FULL_ACCESS, READ_ONLY, Scope},
    },
    team::AccessLevel,
};

/// What a service is about to do with a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Read,
    Write,
}

/// A case the actor may act on, proven by the access check. Only the check makes one.
#[derive(Debug, Clone, Copy)]
pub struct CaseRef {
    id: i64,
    number: i64,
    uuid: Uuid,
    level: AccessLevel,
}

impl CaseRef {
    /// The per-workspace case number.
    pub fn number(&self) -> i64 {
        self.number
    }
    pub fn uuid(&self) -> Uuid {
        self.uuid
    }
    /// The actor's effective level on the case.
    pub fn level(&self) -> AccessLevel {
        self.level
    }
    /// The internal id, for the store.
    pub(crate) fn id(&self) -> i64 {
        self.id
    }
}

/// The level a workspace role gives on every case before teams, customers and rows refine it.
pub(crate) fn role_level(role: Role) -> i16 {
    match role {
        Role::Admin | Role::Analyst => FULL_ACCESS,
        Role::Viewer => READ_ONLY,
    }
}

impl Core {
    /// The actor's access rules in its workspace, for list filters (`Scope::push_readable`).
    pub(crate) async fn access_scope(&self, actor: &Actor) -> Result<Scope> {
        store::access::scope(&self.db, actor.workspace_id.0, actor.user_id.0, role_level(actor.role)).await
    }

    /// Checks the actor's access to the case a client named: `NotFound` when it does not
    /// exist for them, `Forbidden` when they may read but `need` is a write.
    pub async fn case_ref(&self, actor: &Actor, key: Key, need: Need) -> Result<CaseRef> {
        let scope = self.access_scope(actor).await?;
        check(Ex::Db(&self.db), actor, &scope, CaseKey::Client(key), need).await
    }

    /// The same check for the case an object belongs to (found by the object's own key).
    pub(crate) async fn case_ref_of(&self, actor: &Actor, case_id: i64, need: Need) -> Result<CaseRef> {
        let scope = self.access_scope(actor).await?;
        check(Ex::Db(&self.db), actor, &scope, CaseKey::Id(case_id), need).await
    }

    /// The same check for an object that may have no case (global tasks, alert comments):
    /// `None` passes. A case the actor may not read makes the object "not found" as `what`.
    pub(crate) async fn case_ref_opt(
        &self,
        actor: &Actor,
        case_id: Option<i64>,
        need: Need,
        what: &'static str,
    ) -> Result<Option<CaseRef>> {
        if need == Need::Write {
            actor.require_write()?;
        }
        match case_id {
            Some(id) => match self.case_ref_of(actor, id, need).await {
                Ok(c) => Ok(Some(c)),
                Err(Error::NotFound { .. }) => Err(Error::not_found(what)),
                Err(e) => Err(e),
            },
            None => Ok(None),
        }
    }

    /// Checks the case of an object the client named by the object's own key: `NotFound(what)`
    /// when the object does not exist or its case is hidden from the actor; `None` when the
    /// object belongs to no case.
    pub(crate) async fn owner_case(
        &self,
        actor: &Actor,
        owned: Owned,
        key: Key,
        need: Need,
    ) -> Result<Option<CaseRef>> {
        let (table, what) = owned.table();
        let (_, case_id) = store::comment::target(&self.db, table, actor.workspace_id.0, key)
            .await?
            .ok_or(Error::not_found(what))?;
        self.case_ref_opt(actor, case_id, need, what).await
    }
}

/// Objects inside cases that clients name by their own key.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Owned {
    Task,
    Note,
    NoteDirectory,
    TimelineEvent,
    Evidence,
}

impl Owned {
    /// The table (a fixed name, never input) and the object's name in errors.
    fn table(self) -> (&'static str, &'static str) {
        match self {
            Owned::Task => ("tasks", "task"),
            Owned::Note => ("notes", "note"),
            Owned::NoteDirectory => ("note_directories", "note directory"),
            Owned::TimelineEvent => ("timeline_events", "timeline event"),
            Owned::Evidence => ("evidences", "evidence"),
        }
    }
}

/// The check itself, on the read pool or inside a write transaction (`scope` read before).
pub(crate) async fn check(ex: Ex<'_, '_>, actor: &Actor, scope: &Scope, key: CaseKey, need: Need) -> Result<CaseRef> {
    if need == Need::Write {
        actor.require_write()?;
    }
    check_in(ex, actor.workspace_id.0, scope, key, need).await
}

/// [`check`] inside a write whose actor's role was checked already (the transaction knows the
/// workspace, not the actor).
pub(crate) async fn check_in(ex: Ex<'_, '_>, ws: i64, scope: &Scope, key: CaseKey, need: Need) -> Result<CaseRef> {
    let row = store::access::case_level(ex, scope, ws, key)
        .await?
        .ok_or(Error::not_found("case"))?;
    let level = AccessLevel::from_value(i64::from(row.level)).unwrap_or(AccessLevel::DenyAll);
    if !level.can_read() {
        return Err(Error::not_found("case"));
    }
    if need == Need::Write && !level.can_write() {
        return Err(Error::Forbidden(format!(
            "you have read-only access to case #{}",
            row.seq
        )));
    }
    Ok(CaseRef {
        id: row.id,
        number: row.seq,
        uuid: row.uuid,
        level,
    })
}
