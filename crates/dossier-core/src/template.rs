//! Case templates: tasks, note directories, tags and defaults a new case starts with.

use std::sync::Arc;

use crate::{
    Core,
    actor::Actor,
    error::{Error, Problems, Result},
    ids::Key,
    model::{CaseTemplate, NewCaseTemplate, TemplateContent, Timestamp},
    store::{
        self,
        activity::{Audit, Entry},
        template::TemplateRow,
    },
    time::now_us,
    validate,
};

pub const MAX_TEMPLATE_TASKS: usize = 100;

fn view(r: TemplateRow) -> CaseTemplate {
    CaseTemplate {
        id: r.uuid,
        number: r.seq,
        name: r.name,
        description: r.description,
        content: serde_json::from_str(&r.body).unwrap_or_default(),
        created_at: Timestamp(r.created_at),
        updated_at: Timestamp(r.updated_at),
        version: r.version,
    }
}

impl Core {
    /// Checks a template's content: lengths, tags, and that referenced rows exist.
    async fn check_template(&self, actor: &Actor, t: &NewCaseTemplate) -> Result<String> {
        let mut p = Problems::new();
        p.text("name", &t.name, 1, 200);
        p.opt_text("description", t.description.as_deref(), 10_000);
        let c = &t.content;
        p.opt_text("content.title_prefix", c.title_prefix.as_deref(), 50);
        p.opt_text(
            "content.description",
            c.description.as_deref(),
            validate::MAX_DESCRIPTION,
        );
        validate::tags(&mut p, "content.tags", &c.tags);
        if c.tasks.len() > MAX_TEMPLATE_TASKS {
            p.push(
                "content.tasks",
                "too_many",
                format!("at most {MAX_TEMPLATE_TASKS} tasks"),
            );
        }
        for (i, task) in c.tasks.iter().enumerate() {
            p.text(
                &format!("content.tasks[{i}].title"),
                &task.title,
                1,
                validate::MAX_TITLE,
            );
            validate::tags(&mut p, &format!("content.tasks[{i}].tags"), &task.tags);
        }
        for (i, d) in c.note_directories.iter().enumerate() {
            p.text(&format!("content.note_directories[{i}]"), d, 1, 200);
        }
        p.into_result()?;
        if let Some(cl) = c.classification_id {
            self.check_classification(actor, cl).await.map_err(|_| {
                Error::field(
                    "content.classification_id",
                    "unknown_value",
                    format!("no classification {cl}"),
                )
            })?;
        }
        serde_json::to_string(c).map_err(Error::internal)
    }

    pub async fn create_case_template(&self, actor: &Actor, t: NewCaseTemplate) -> Result<CaseTemplate> {
        actor.require_admin()?;
        let body = self.check_template(actor, &t).await?;
        if store::template::by_name(&self.db, actor.workspace_id.0, t.name.trim())
            .await?
            .is_some()
        {
            return Err(Error::field("name", "taken", "a template with that name exists"));
        }
        let audit = Audit::of(actor);
        let shared = Arc::new((t, body));
        let row = self
            .db
            .write(move |tx| {
                let shared = Arc::clone(&shared);
                let audit = audit.clone();
                Box::pin(async move {
                    let (t, body) = &*shared;
                    let now = now_us();
                    let seq = store::workspace::next_seq(tx, audit.ws, "template", 1).await?;
                    let (id, uuid) = store::template::insert(
                        tx,
                        audit.ws,
                        seq,
                        t.name.trim(),
                        t.description.as_deref(),
                        body,
                        audit.actor,
                        now,
                    )
                    .await?;
                    store::activity::record(tx, &audit, now, &[Entry::new("case_template", id, uuid, "create")])
                        .await?;
                    store::template::get(&mut *tx, audit.ws, Key::Uuid(uuid))
                        .await?
                        .ok_or(Error::not_found("template"))
                })
            })
            .await?;
        Ok(view(row))
    }

    pub async fn list_case_templates(&self, actor: &Actor) -> Result<Vec<CaseTemplate>> {
        Ok(store::template::list(&self.db, actor.workspace_id.0)
            .await?
            .into_iter()
            .map(view)
            .collect())
    }

    pub async fn get_case_template(&self, actor: &Actor, key: Key) -> Result<CaseTemplate> {
        store::template::get(&self.db, actor.workspace_id.0, key)
            .await?
            .map(view)
            .ok_or(Error::not_found("template"))
    }

    /// Replaces a template's name, description and content.
    pub async fn update_case_template(&self, actor: &Actor, key: Key, t: NewCaseTemplate) -> Result<CaseTemplate> {
        actor.require_admin()?;
        let row = store::template::get(&self.db, actor.workspace_id.0, key)
            .await?
            .ok_or(Error::not_found("template"))?;
        let version = t.version.unwrap_or(row.version);
        if version != row.version {
            return Err(Error::Conflict(format!(
                "the template changed since you read it (now version {})",
                row.version
            )));
        }
        let body = self.check_template(actor, &t).await?;
        if store::template::by_name(&self.db, actor.workspace_id.0, t.name.trim())
            .await?
            .is_some_and(|o| o.id != row.id)
        {
            return Err(Error::field("name", "taken", "a template with that name exists"));
        }
        let audit = Audit::of(actor);
        let shared = Arc::new((t, body));
        let (id, uuid) = (row.id, row.uuid);
        let row = self
            .db
            .write(move |tx| {
                let shared = Arc::clone(&shared);
                let audit = audit.clone();
                Box::pin(async move {
                    let (t, body) = &*shared;
                    let now = now_us();
                    if !store::template::update(tx, id, version, t.name.trim(), t.description.as_deref(), body, now)
                        .await?
                    {
                        return Err(Error::Conflict(
                            "the template changed while updating; reload and retry".into(),
                        ));
                    }
                    store::activity::record(tx, &audit, now, &[Entry::new("case_template", id, uuid, "update")])
                        .await?;
                    store::template::get(&mut *tx, audit.ws, Key::Uuid(uuid))
                        .await?
                        .ok_or(Error::not_found("template"))
                })
            })
            .await?;
        Ok(view(row))
    }

    pub async fn delete_case_template(&self, actor: &Actor, key: Key) -> Result<()> {
        actor.require_admin()?;
        let row = store::template::get(&self.db, actor.workspace_id.0, key)
            .await?
            .ok_or(Error::not_found("template"))?;
        let audit = Audit::of(actor);
        let (id, uuid) = (row.id, row.uuid);
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    store::template::delete(tx, id).await?;
                    store::activity::record(tx, &audit, now, &[Entry::new("case_template", id, uuid, "delete")]).await
                })
            })
            .await
    }

    /// The content of a template named by number or UUID, for a case being created.
    pub(crate) async fn template_content(&self, actor: &Actor, raw: &str) -> Result<(String, TemplateContent)> {
        let key = Key::parse(raw)
            .ok_or_else(|| Error::field("template", "invalid", "template must be a template id or number"))?;
        let row = store::template::get(&self.db, actor.workspace_id.0, key)
            .await?
            .ok_or_else(|| {
                Error::field(
                    "template",
                    "not_found",
                    "template: no such case template in this workspace",
                )
            })?;
        Ok((row.name.clone(), view(row).content))
    }
}
