//! Tasks: case tasks and global tasks. Create, read, list (filters, keyset paging), update with
//! optimistic concurrency, delete; every change is audited field by field.

use std::sync::Arc;

use uuid::Uuid;

use crate::model::FieldEntity;
use crate::{
    Core,
    access::{Need, Owned},
    actor::Actor,
    case::{json_str, user_ref},
    error::{Error, Problems, Result},
    ids::Key,
    model::{
        Activity, NewTask, Page, Task, TaskAssignee, TaskFilter, TaskPatch, TaskScope, TaskStatusRef, Timestamp,
        UserRef,
    },
    paging,
    store::{
        self, Ex,
        activity::{Audit, Entry, Scope},
        reference::RefTable,
        task::{AssigneeKey, AssigneeRow, ListFilter, TaskRow, TaskValues},
    },
    time::now_us,
    validate,
};

/// Most assignees on one task.
pub const MAX_ASSIGNEES: usize = 50;

fn view(r: TaskRow, assignees: Vec<AssigneeRow>) -> Task {
    Task {
        id: r.uuid,
        number: r.seq,
        case_id: r.case_uuid,
        case_number: r.case_seq,
        title: r.title,
        description: r.description.unwrap_or_default(),
        status: TaskStatusRef {
            id: r.status_id,
            name: r.status_name,
        },
        assignees: assignees
            .into_iter()
            .map(|a| UserRef {
                id: a.uuid,
                login: a.login,
                name: a.name,
            })
            .collect(),
        tags: crate::validate::split_tags(r.tags_raw.as_deref()),
        due_at: r.due_at.map(Timestamp),
        mandatory: r.mandatory,
        flagged: r.flagged,
        custom: serde_json::from_str(&r.custom).unwrap_or_else(|_| serde_json::json!({})),
        closed_at: r.closed_at.map(Timestamp),
        closed_by: user_ref(r.closer_uuid, r.closer_login, r.closer_name),
        created_at: Timestamp(r.created_at),
        updated_at: Timestamp(r.updated_at),
        created_by: user_ref(r.creator_uuid, r.creator_login, r.creator_name),
        updated_by: user_ref(r.updater_uuid, r.updater_login, r.updater_name),
        version: r.version,
    }
}

/// Reads one task with its assignees, inside or outside a transaction.
async fn load(mut ex: Ex<'_, '_>, ws: i64, key: Key) -> Result<Task> {
    let row = store::task::get(ex.reborrow(), ws, key)
        .await?
        .ok_or(Error::not_found("task"))?;
    let mut a = store::task::assignees_of(ex, &[row.id]).await?;
    let list = a.remove(&row.id).unwrap_or_default();
    Ok(view(row, list))
}

/// Field checks shared by create and update.
fn check_text(p: &mut Problems, title: Option<&str>, description: Option<&str>) {
    if let Some(t) = title {
        p.text("title", t, 1, validate::MAX_TITLE);
    }
    p.opt_text("description", description, validate::MAX_DESCRIPTION);
}

impl Core {
    /// Checks that a task status id exists for the actor's workspace.
    async fn check_task_status(&self, actor: &Actor, field: &str, id: i64) -> Result<()> {
        if store::reference::exists(&self.db, RefTable::TaskStatus, actor.workspace_id.0, id).await? {
            Ok(())
        } else {
            Err(Error::field(
                field,
                "unknown_value",
                format!("{field}: no task status {id} (the built-in ones are 1 To do … 5 Canceled)"),
            ))
        }
    }

    /// Resolves assignees to members of the workspace: (internal id, UUID), ordered by id,
    /// duplicates dropped.
    async fn task_assignees(&self, actor: &Actor, users: &[Uuid]) -> Result<Vec<(i64, Uuid)>> {
        if users.len() > MAX_ASSIGNEES {
            return Err(Error::field(
                "assignees",
                "too_many",
                format!("at most {MAX_ASSIGNEES} assignees"),
            ));
        }
        let mut ids = Vec::with_capacity(users.len());
        for (i, u) in users.iter().enumerate() {
            let id = self.assignee_id(actor, *u, &format!("assignees[{i}]")).await?;
            if !ids.iter().any(|(x, _)| *x == id) {
                ids.push((id, *u));
            }
        }
        ids.sort_unstable();
        Ok(ids)
    }

    /// Creates a task in a case (`case` given) or a global task.
    pub async fn create_task(&self, actor: &Actor, case: Option<Key>, input: NewTask) -> Result<Task> {
        actor.require_write()?;
        let mut p = Problems::new();
        check_text(&mut p, Some(&input.title), input.description.as_deref());
        let tags = validate::tags(&mut p, "tags", &input.tags);
        let custom = validate::custom(&mut p, "custom", input.custom.as_ref());
        p.into_result()?;
        let custom = self
            .check_custom(actor.workspace_id.0, FieldEntity::Task, "custom", &custom, true)
            .await?;
        let status_id = input.status_id.unwrap_or(1);
        self.check_task_status(actor, "status_id", status_id).await?;
        let assignees = self.task_assignees(actor, &input.assignees).await?;
        let values = TaskValues {
            title: input.title.trim().to_owned(),
            description: input.description.clone().filter(|d| !d.is_empty()),
            status_id,
            tags_raw: None,
            due_at: input.due_at.map(|t| t.0),
            mandatory: input.mandatory,
            flagged: input.flagged,
            closed_at: input.closed_at.map(|t| t.0),
            closed_by: input.closed_at.and(Some(actor.user_id.0)),
            custom,
        };
        let case_id = match case {
            Some(k) => Some(self.case_ref(actor, k, Need::Write).await?.id()),
            None => None,
        };
        let audit = Audit::of(actor);
        let shared = Arc::new((values, tags, assignees));
        self.db
            .write(move |tx| {
                let shared = Arc::clone(&shared);
                let audit = audit.clone();
                Box::pin(async move {
                    let (values, tags, assignees) = &*shared;
                    let now = now_us();
                    let users: Vec<i64> = assignees.iter().map(|a| a.0).collect();
                    let uuid = insert_task(tx, &audit, case_id, values, tags, &users, now).await?;
                    load(Ex::Tx(tx), audit.ws, Key::Uuid(uuid)).await
                })
            })
            .await
    }

    pub async fn get_task(&self, actor: &Actor, key: Key) -> Result<Task> {
        self.owner_case(actor, Owned::Task, key, Need::Read).await?;
        load(Ex::Db(&self.db), actor.workspace_id.0, key).await
    }

    /// Lists the tasks of one case (`case` given, or `f.case`), or the workspace's global (or all)
    /// tasks.
    pub async fn list_tasks(&self, actor: &Actor, case: Option<Key>, f: TaskFilter) -> Result<Page<Task>> {
        let limit = paging::limit(f.limit)?;
        let after = paging::decode(f.cursor.as_deref(), store::task::sort_len(f.sort))?;
        let mut p = Problems::new();
        let tags = validate::tags(&mut p, "tags", &f.tags);
        if let Some(q) = &f.q {
            p.text("q", q, 1, 200);
        }
        p.into_result()?;
        let ws = actor.workspace_id.0;
        for s in &f.status {
            self.check_task_status(actor, "status", *s).await?;
        }
        let scope = match case.or(f.case) {
            Some(k) => store::task::Scope::Case(self.case_ref(actor, k, Need::Read).await?.id()),
            None => match f.scope {
                TaskScope::Global => store::task::Scope::Global,
                // Tasks of cases the actor may not read are left out, inside the query.
                TaskScope::All => store::task::Scope::All(self.access_scope(actor).await?),
            },
        };
        let assignee = f.assignee.map(|a| match a {
            TaskAssignee::Me => Some(AssigneeKey::Id(actor.user_id.0)),
            TaskAssignee::Nobody => None,
            TaskAssignee::User(u) => Some(AssigneeKey::Uuid(u)),
        });
        let filter = ListFilter {
            scope,
            status: f.status.clone(),
            assignee,
            tags,
            q: f.q.clone(),
            due_after: f.due_after,
            due_before: f.due_before,
        };
        let backend = self.db.backend();
        let mut rows = store::task::list(
            &self.db,
            backend,
            ws,
            &filter,
            f.sort,
            f.descending,
            after.as_deref(),
            limit,
        )
        .await?;
        let next_cursor = paging::next(&mut rows, limit, |r| store::task::sort_values(f.sort, r));
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut assignees = store::task::assignees_of(&self.db, &ids).await?;
        let total = if f.count {
            Some(store::task::count(&self.db, backend, ws, &filter).await?)
        } else {
            None
        };
        let items = rows
            .into_iter()
            .map(|r| {
                let a = assignees.remove(&r.id).unwrap_or_default();
                view(r, a)
            })
            .collect();
        Ok(Page {
            items,
            next_cursor,
            total,
        })
    }

    pub async fn update_task(&self, actor: &Actor, key: Key, patch: TaskPatch) -> Result<Task> {
        self.owner_case(actor, Owned::Task, key, Need::Write).await?;
        let mut p = Problems::new();
        check_text(
            &mut p,
            patch.title.as_deref(),
            patch.description.as_ref().and_then(|d| d.as_deref()),
        );
        let tags = patch.tags.as_ref().map(|t| validate::tags(&mut p, "tags", t));
        let custom = patch
            .custom
            .as_ref()
            .map(|c| validate::custom(&mut p, "custom", Some(c)));
        p.into_result()?;
        let custom = match custom {
            Some(c) => Some(
                self.check_custom(actor.workspace_id.0, FieldEntity::Task, "custom", &c, true)
                    .await?,
            ),
            None => None,
        };
        if let Some(s) = patch.status_id {
            self.check_task_status(actor, "status_id", s).await?;
        }
        let assignees = match &patch.assignees {
            Some(a) => Some(self.task_assignees(actor, a).await?),
            None => None,
        };
        let audit = Audit::of(actor);
        let shared = Arc::new((patch, tags, custom, assignees));
        self.db
            .write(move |tx| {
                let shared = Arc::clone(&shared);
                let audit = audit.clone();
                Box::pin(async move {
                    let (patch, tags, custom, assignees) = &*shared;
                    let now = now_us();
                    let row = store::task::get(&mut *tx, audit.ws, key)
                        .await?
                        .ok_or(Error::not_found("task"))?;
                    if let Some(v) = patch.version
                        && v != row.version
                    {
                        return Err(Error::Conflict(format!(
                            "the task changed since you read it (version {v}, now {}); reload and retry",
                            row.version
                        )));
                    }
                    let old = TaskValues::of(&row);
                    let mut new = old.clone();
                    let mut changes: Vec<Entry> = Vec::new();
                    let mut change = |field: &'static str, o: Option<String>, n: Option<String>| {
                        if o != n {
                            let mut e = Entry::new("task", row.id, row.uuid, "update").change(field, o, n);
                            if let Some(c) = row.case_id {
                                e = e.case(c);
                            }
                            changes.push(e);
                        }
                    };
                    if let Some(t) = &patch.title {
                        new.title = t.trim().to_owned();
                        change("title", json_str(&old.title), json_str(&new.title));
                    }
                    if let Some(d) = &patch.description {
                        new.description = d.clone().filter(|d| !d.is_empty());
                        change("description", json_str(&old.description), json_str(&new.description));
                    }
                    if let Some(s) = patch.status_id {
                        new.status_id = s;
                        change("status_id", json_str(&old.status_id), json_str(&new.status_id));
                    }
                    if let Some(d) = &patch.due_at {
                        new.due_at = d.map(|t| t.0);
                        change(
                            "due_at",
                            json_str(&old.due_at.map(Timestamp)),
                            json_str(&new.due_at.map(Timestamp)),
                        );
                    }
                    if let Some(m) = patch.mandatory {
                        new.mandatory = m;
                        change("mandatory", json_str(&old.mandatory), json_str(&new.mandatory));
                    }
                    if let Some(f) = patch.flagged {
                        new.flagged = f;
                        change("flagged", json_str(&old.flagged), json_str(&new.flagged));
                    }
                    if let Some(c) = &patch.closed_at {
                        new.closed_at = c.map(|t| t.0);
                        if new.closed_at != old.closed_at {
                            new.closed_by = new.closed_at.and(audit.actor);
                        }
                        change(
                            "closed_at",
                            json_str(&old.closed_at.map(Timestamp)),
                            json_str(&new.closed_at.map(Timestamp)),
                        );
                    }
                    if let Some(c) = custom {
                        new.custom = c.clone();
                        if old.custom != new.custom {
                            change("custom", Some(old.custom.clone()), Some(new.custom.clone()));
                        }
                    }
                    if let Some(t) = tags {
                        let current = crate::validate::split_tags(old.tags_raw.as_deref());
                        let same = current.len() == t.len()
                            && current.iter().zip(t).all(|(a, b)| a.to_lowercase() == b.to_lowercase());
                        if !same {
                            new.tags_raw = store::task::canonical_tags(tx, audit.ws, t, now).await?;
                            let now_tags = crate::validate::split_tags(new.tags_raw.as_deref());
                            change("tags", json_str(&current), json_str(&now_tags));
                        }
                    }
                    let mut new_assignees: Option<Vec<i64>> = None;
                    if let Some(a) = assignees {
                        let wanted: Vec<i64> = a.iter().map(|x| x.0).collect();
                        let current = store::task::assignees_of(&mut *tx, &[row.id])
                            .await?
                            .remove(&row.id)
                            .unwrap_or_default();
                        let mut current_ids: Vec<i64> = current.iter().map(|x| x.user_id).collect();
                        current_ids.sort_unstable();
                        if current_ids != wanted {
                            let was: Vec<Uuid> = current.iter().map(|x| x.uuid).collect();
                            let is: Vec<Uuid> = a.iter().map(|x| x.1).collect();
                            change("assignees", json_str(&was), json_str(&is));
                            new_assignees = Some(wanted);
                        }
                    }
                    if changes.is_empty() {
                        return load(Ex::Tx(tx), audit.ws, Key::Uuid(row.uuid)).await;
                    }
                    if !store::task::update(tx, row.id, row.version, &new, audit.actor, now).await? {
                        return Err(Error::Conflict(
                            "the task changed while updating; reload and retry".into(),
                        ));
                    }
                    if let Some(a) = &new_assignees {
                        store::task::set_assignees(tx, audit.ws, row.id, a, now).await?;
                    }
                    if new.title != old.title || new.description != old.description {
                        index_task(tx, audit.ws, row.id, row.case_id, &new, now).await?;
                    }
                    store::activity::record(tx, &audit, now, &changes).await?;
                    load(Ex::Tx(tx), audit.ws, Key::Uuid(row.uuid)).await
                })
            })
            .await
    }

    pub async fn delete_task(&self, actor: &Actor, key: Key) -> Result<()> {
        self.owner_case(actor, Owned::Task, key, Need::Write).await?;
        let audit = Audit::of(actor);
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let task = load(Ex::Tx(tx), audit.ws, key).await?;
                    let row = store::task::get(&mut *tx, audit.ws, key)
                        .await?
                        .ok_or(Error::not_found("task"))?;
                    store::task::delete(tx, row.id).await?;
                    let mut e = Entry::new("task", row.id, row.uuid, "delete")
                        .change("task", json_str(&task), None)
                        .message(format!("task #{} deleted", row.seq));
                    if let Some(c) = row.case_id {
                        e = e.case(c);
                    }
                    store::activity::record(tx, &audit, now, &[e]).await
                })
            })
            .await
    }

    /// The task's audit trail, newest first.
    pub async fn task_activity(
        &self,
        actor: &Actor,
        key: Key,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<Activity>> {
        self.owner_case(actor, Owned::Task, key, Need::Read).await?;
        let ws = actor.workspace_id.0;
        let row = store::task::get(&self.db, ws, key)
            .await?
            .ok_or(Error::not_found("task"))?;
        self.activity_page(ws, Scope::Object("task", row.id), cursor, limit)
            .await
    }
}

/// Inserts a task with its tags, assignees, search document and audit entry (also used when a
/// case template creates tasks).
pub(crate) async fn insert_task(
    tx: &mut store::Tx<'_>,
    audit: &Audit,
    case_id: Option<i64>,
    values: &TaskValues,
    tags: &[String],
    assignees: &[i64],
    now: i64,
) -> Result<Uuid> {
    let mut values = values.clone();
    values.tags_raw = store::task::canonical_tags(tx, audit.ws, tags, now).await?;
    let seq = store::workspace::next_seq(tx, audit.ws, "task", 1).await?;
    let (id, uuid) = store::task::insert(tx, audit.ws, seq, case_id, &values, audit.actor, now).await?;
    store::task::set_assignees(tx, audit.ws, id, assignees, now).await?;
    index_task(tx, audit.ws, id, case_id, &values, now).await?;
    let mut e = Entry::new("task", id, uuid, "create").message(format!("task #{seq} created"));
    if let Some(c) = case_id {
        e = e.case(c);
    }
    store::activity::record(tx, audit, now, &[e]).await?;
    Ok(uuid)
}

async fn index_task(
    tx: &mut store::Tx<'_>,
    ws: i64,
    id: i64,
    case_id: Option<i64>,
    v: &TaskValues,
    now: i64,
) -> Result<()> {
    store::search::upsert(
        tx,
        &store::search::Doc {
            ws,
            kind: "task",
            object_id: id,
            case_id,
            title: &v.title,
            body: crate::note::indexed(v.description.as_deref().unwrap_or("")),
        },
        now,
    )
    .await
}
