//! Comments on cases and alerts (and, as they land, every other object).

use std::sync::Arc;

use uuid::Uuid;

use crate::{
    Core,
    access::Need,
    actor::Actor,
    case::user_ref,
    error::{Error, Problems, Result},
    ids::{Key, new_uuid},
    model::{Comment, NewComment, Page, TargetKind, Timestamp},
    paging,
    store::{
        self, Ex,
        activity::{Audit, Entry},
        comment::{CommentRow, NewCommentRow},
    },
    time::now_us,
};

pub const MAX_COMMENT: usize = 5000;

/// What a comment hangs on, resolved to rows of the actor's workspace.
struct Target {
    kind: TargetKind,
    id: i64,
    case_id: Option<i64>,
    alert_id: Option<i64>,
}

fn view(r: CommentRow) -> Comment {
    Comment {
        id: r.uuid,
        number: r.seq,
        content: r.content,
        author: user_ref(r.author_uuid, r.author_login, r.author_name),
        parent_id: r.parent_uuid,
        created_at: Timestamp(r.created_at),
        edited_at: r.edited_at.map(Timestamp),
    }
}

impl Core {
    async fn comment_target(&self, mut ex: Ex<'_, '_>, ws: i64, kind: TargetKind, key: Key) -> Result<Target> {
        match kind {
            TargetKind::Case => {
                let c = store::case::get(ex.reborrow(), ws, key)
                    .await?
                    .ok_or(Error::not_found("case"))?;
                Ok(Target {
                    kind,
                    id: c.id,
                    case_id: Some(c.id),
                    alert_id: None,
                })
            }
            TargetKind::Alert => {
                let a = store::alert::get(ex.reborrow(), ws, key)
                    .await?
                    .ok_or(Error::not_found("alert"))?;
                Ok(Target {
                    kind,
                    id: a.id,
                    case_id: None,
                    alert_id: Some(a.id),
                })
            }
            other => {
                let (table, what) = match other {
                    TargetKind::CaseAsset => ("case_assets", "asset"),
                    TargetKind::CaseObservable => ("case_observables", "observable"),
                    TargetKind::Note => ("notes", "note"),
                    TargetKind::Task => ("tasks", "task"),
                    TargetKind::Evidence => ("evidences", "evidence"),
                    TargetKind::TimelineEvent => ("timeline_events", "timeline event"),
                    TargetKind::Case | TargetKind::Alert => ("cases", "case"),
                };
                let (id, case_id) = store::comment::target(ex, table, ws, key)
                    .await?
                    .ok_or(Error::not_found(what))?;
                Ok(Target {
                    kind,
                    id,
                    case_id,
                    alert_id: None,
                })
            }
        }
    }

    pub async fn add_comment(&self, actor: &Actor, kind: TargetKind, key: Key, input: NewComment) -> Result<Comment> {
        self.add_comment_in(actor, None, kind, key, input).await
    }

    /// Resolves a comment target, checking that it belongs to `case` when given, and the
    /// actor's access to the case it is in.
    async fn scoped_target(
        &self,
        actor: &Actor,
        case: Option<Key>,
        kind: TargetKind,
        key: Key,
        need: Need,
    ) -> Result<Target> {
        if let Some(c) = case {
            let c = self.case_ref(actor, c, need).await?;
            let target = self
                .comment_target(Ex::Db(&self.db), actor.workspace_id.0, kind, key)
                .await?;
            if target.case_id != Some(c.id()) {
                return Err(Error::not_found("object in this case"));
            }
            return Ok(target);
        }
        let target = self
            .comment_target(Ex::Db(&self.db), actor.workspace_id.0, kind, key)
            .await?;
        self.case_ref_opt(actor, target.case_id, need, kind.name()).await?;
        Ok(target)
    }

    /// Adds a comment to an object, which must belong to `case` when one is named.
    pub async fn add_comment_in(
        &self,
        actor: &Actor,
        case: Option<Key>,
        kind: TargetKind,
        key: Key,
        input: NewComment,
    ) -> Result<Comment> {
        actor.require_write()?;
        let mut p = Problems::new();
        p.text("content", &input.content, 1, MAX_COMMENT);
        p.into_result()?;
        let audit = Audit::of(actor);
        let input = Arc::new(input);
        let target = self.scoped_target(actor, case, kind, key, Need::Write).await?;
        let target = Arc::new(target);
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                let input = Arc::clone(&input);
                let target = Arc::clone(&target);
                Box::pin(async move {
                    let now = now_us();
                    let parent_id = match input.parent_id {
                        Some(u) => {
                            let p = store::comment::by_uuid(&mut *tx, audit.ws, u)
                                .await?
                                .filter(|p| p.target_kind == target.kind.ordinal() && p.target_id == target.id)
                                .ok_or_else(|| {
                                    Error::field("parent_id", "not_found", "parent_id: no such comment on this object")
                                })?;
                            Some(p.id)
                        }
                        None => None,
                    };
                    let seq = store::workspace::next_seq(tx, audit.ws, "comment", 1).await?;
                    let uuid = new_uuid();
                    let id = store::comment::insert(
                        tx,
                        audit.ws,
                        &NewCommentRow {
                            uuid,
                            seq,
                            case_id: target.case_id,
                            alert_id: target.alert_id,
                            target_kind: target.kind.ordinal(),
                            target_id: target.id,
                            parent_id,
                            author_id: audit.actor,
                            content: input.content.clone(),
                        },
                        now,
                    )
                    .await?;
                    let mut e = Entry::new("comment", id, uuid, "create").change(
                        "content",
                        None,
                        serde_json::to_string(&input.content).ok(),
                    );
                    if let Some(c) = target.case_id {
                        e = e.case(c);
                    }
                    store::activity::record(tx, &audit, now, &[e]).await?;
                    Ok(view(store::comment::by_id(&mut *tx, id).await?))
                })
            })
            .await
    }

    pub async fn list_comments(
        &self,
        actor: &Actor,
        kind: TargetKind,
        key: Key,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<Comment>> {
        self.list_comments_in(actor, None, kind, key, cursor, limit).await
    }

    /// Comments on an object, which must belong to `case` when one is named.
    pub async fn list_comments_in(
        &self,
        actor: &Actor,
        case: Option<Key>,
        kind: TargetKind,
        key: Key,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<Comment>> {
        let limit = paging::limit(limit)?;
        let after = paging::decode(cursor, 1)?.and_then(|v| v.first().copied());
        let ws = actor.workspace_id.0;
        let target = self.scoped_target(actor, case, kind, key, Need::Read).await?;
        let mut rows = store::comment::list(&self.db, ws, target.kind.ordinal(), target.id, after, limit).await?;
        let next_cursor = paging::next(&mut rows, limit, |r| [r.id].to_vec());
        Ok(Page {
            items: rows.into_iter().map(view).collect(),
            next_cursor,
            total: None,
        })
    }

    /// One comment on an object, which must belong to `case` when one is named; a comment that
    /// hangs on another object is not found.
    pub async fn comment_on(
        &self,
        actor: &Actor,
        case: Option<Key>,
        kind: TargetKind,
        key: Key,
        comment: Key,
    ) -> Result<Comment> {
        let ws = actor.workspace_id.0;
        let target = self.scoped_target(actor, case, kind, key, Need::Read).await?;
        store::comment::by_key(&self.db, ws, comment)
            .await?
            .filter(|c| c.target_kind == target.kind.ordinal() && c.target_id == target.id)
            .map(view)
            .ok_or(Error::not_found("comment"))
    }

    /// Write access to the case a comment is in (comments on alerts have none).
    async fn comment_case(&self, actor: &Actor, id: Uuid) -> Result<()> {
        let c = store::comment::by_uuid(&self.db, actor.workspace_id.0, id)
            .await?
            .ok_or(Error::not_found("comment"))?;
        self.case_ref_opt(actor, c.case_id, Need::Write, "comment").await?;
        Ok(())
    }

    /// Edits a comment: its author only.
    pub async fn edit_comment(&self, actor: &Actor, id: Uuid, content: String) -> Result<Comment> {
        actor.require_write()?;
        let mut p = Problems::new();
        p.text("content", &content, 1, MAX_COMMENT);
        p.into_result()?;
        self.comment_case(actor, id).await?;
        let audit = Audit::of(actor);
        let content = Arc::new(content);
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                let content = Arc::clone(&content);
                Box::pin(async move {
                    let now = now_us();
                    let c = store::comment::by_uuid(&mut *tx, audit.ws, id)
                        .await?
                        .ok_or(Error::not_found("comment"))?;
                    if c.author_id != audit.actor {
                        return Err(Error::Forbidden("only the author may edit a comment".into()));
                    }
                    store::comment::set_content(tx, c.id, &content, now).await?;
                    let mut e = Entry::new("comment", c.id, c.uuid, "update").change(
                        "content",
                        serde_json::to_string(&c.content).ok(),
                        serde_json::to_string(&*content).ok(),
                    );
                    if let Some(case) = c.case_id {
                        e = e.case(case);
                    }
                    store::activity::record(tx, &audit, now, &[e]).await?;
                    Ok(view(store::comment::by_id(&mut *tx, c.id).await?))
                })
            })
            .await
    }

    /// Deletes a comment: its author, or a workspace admin.
    pub async fn delete_comment(&self, actor: &Actor, id: Uuid) -> Result<()> {
        actor.require_write()?;
        self.comment_case(actor, id).await?;
        let audit = Audit::of(actor);
        let is_admin = actor.role.is_admin() || actor.is_superuser;
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let c = store::comment::by_uuid(&mut *tx, audit.ws, id)
                        .await?
                        .ok_or(Error::not_found("comment"))?;
                    if c.author_id != audit.actor && !is_admin {
                        return Err(Error::Forbidden(
                            "only the author or an admin may delete a comment".into(),
                        ));
                    }
                    store::comment::delete(tx, c.id).await?;
                    let mut e = Entry::new("comment", c.id, c.uuid, "delete").change(
                        "content",
                        serde_json::to_string(&c.content).ok(),
                        None,
                    );
                    if let Some(case) = c.case_id {
                        e = e.case(case);
                    }
                    store::activity::record(tx, &audit, now, &[e]).await
                })
            })
            .await
    }
}
