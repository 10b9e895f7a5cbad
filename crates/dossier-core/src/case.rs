//! Cases: create, read, list, update (optimistic concurrency), delete, audit trail.

use std::sync::Arc;

use uuid::Uuid;

use crate::model::FieldEntity;
use crate::{
    Core,
    access::Need,
    actor::Actor,
    error::{Error, Problems, Result},
    ids::Key,
    model::{
        Activity, Case, CaseCreated, CaseFilter, CasePatch, CustomerRef, NamedRef, NewCase, OffsetPage, Page, Pap,
        Priority, Resolution, Severity, StateRef, Status, SummaryVersion, Timestamp, Tlp, UserRef,
    },
    paging,
    store::{
        self, Ex,
        activity::{Audit, Entry, Scope},
        case::{CaseRow, CaseValues},
        term::Owner,
    },
    time::now_us,
    validate,
};

/// Link changes of a case update, resolved before the transaction.
struct CaseLinks {
    reviewer: Option<Option<i64>>,
    customer: Option<Option<i64>>,
    classification: Option<Option<i64>>,
    state: Option<(i64, Status)>,
}

pub(crate) fn user_ref(uuid: Option<Uuid>, login: Option<String>, name: Option<String>) -> Option<UserRef> {
    match (uuid, login, name) {
        (Some(id), Some(login), Some(name)) => Some(UserRef { id, login, name }),
        _ => None,
    }
}

pub(crate) fn case_view(r: CaseRow, ws: Uuid, tags: Vec<String>) -> Case {
    Case {
        id: r.uuid,
        number: r.seq,
        workspace_id: ws,
        title: r.title,
        description: r.description.unwrap_or_default(),
        status: Status::from_ordinal(r.status).unwrap_or(Status::Unknown),
        state: StateRef {
            id: r.state_id,
            code: r.state_code,
            label: r.state_label,
        },
        severity: Severity::from_ordinal(r.severity).unwrap_or(Severity::Unknown),
        priority: Priority::from_ordinal(r.priority).unwrap_or(Priority::Unknown),
        resolution: r.resolution.and_then(Resolution::from_ordinal),
        tlp: Tlp::from_ordinal(r.tlp).unwrap_or(Tlp::Amber),
        pap: Pap::from_ordinal(r.pap).unwrap_or(Pap::Amber),
        tags,
        assignee: user_ref(r.owner_uuid, r.owner_login, r.owner_name),
        reviewer: user_ref(r.reviewer_uuid, r.reviewer_login, r.reviewer_name),
        customer: match (r.customer_uuid, r.customer_seq, r.customer_name) {
            (Some(id), Some(number), Some(name)) => Some(CustomerRef { id, number, name }),
            _ => None,
        },
        classification: match (r.classification_id, r.classification_name) {
            (Some(id), Some(name)) => Some(NamedRef { id, name }),
            _ => None,
        },
        external_ref: r.external_ref,
        external_link: r.external_link,
        closing_note: r.closing_note,
        custom: serde_json::from_str(&r.custom).unwrap_or_else(|_| serde_json::json!({})),
        occurred_at: r.occurred_at.map(Timestamp),
        closed_at: r.closed_at.map(Timestamp),
        created_at: Timestamp(r.created_at),
        updated_at: Timestamp(r.updated_at),
        created_by: user_ref(r.creator_uuid, r.creator_login, r.creator_name),
        version: r.version,
    }
}

/// Reads one case with its tags, inside or outside a transaction.
pub(crate) async fn load(mut ex: Ex<'_, '_>, ws: i64, ws_uuid: Uuid, key: Key) -> Result<Case> {
    let row = store::case::get(ex.reborrow(), ws, key)
        .await?
        .ok_or(Error::not_found("case"))?;
    let mut tags = store::term::tags_of(ex, Owner::Case, &[row.id]).await?;
    let t = tags.remove(&row.id).unwrap_or_default();
    Ok(case_view(row, ws_uuid, t))
}

/// Resolves an assignee given by user id to a member of the workspace.
pub(crate) async fn user_id(ex: Ex<'_, '_>, user: Uuid, field: &str) -> Result<i64> {
    let u = store::user::by_uuid(ex, user).await?;
    let Some(u) = u else {
        return Err(Error::field(field, "unknown_user", format!("{field}: no such user")));
    };
    Ok(u.id)
}

/// The JSON object `base` with the keys of the JSON object `over` set over it.
fn merge_json(base: &str, over: &str) -> String {
    let mut m: serde_json::Map<String, serde_json::Value> = serde_json::from_str(base).unwrap_or_default();
    let o: serde_json::Map<String, serde_json::Value> = serde_json::from_str(over).unwrap_or_default();
    m.extend(o);
    serde_json::Value::Object(m).to_string()
}

pub(crate) fn json_str<T: serde::Serialize>(v: &T) -> Option<String> {
    serde_json::to_string(v).ok()
}

impl Core {
    /// Checks a new case and resolves what it names (template, users, customer, state) into
    /// the row to insert. Nothing is written.
    async fn prepare_case(&self, actor: &Actor, mut input: NewCase) -> Result<PreparedCase> {
        // A template fills in what the request leaves out; its tasks and directories follow.
        let template = match input.template.take() {
            Some(t) => {
                let (name, content) = self.template_content(actor, &t).await?;
                if let Some(prefix) = &content.title_prefix {
                    input.title = format!("{prefix}{}", input.title.trim());
                }
                input.description = input.description.take().or_else(|| content.description.clone());
                input.severity = input.severity.or(content.severity);
                input.classification_id = input.classification_id.or(content.classification_id);
                let mut tags = content.tags.clone();
                tags.append(&mut input.tags);
                input.tags = tags;
                Some((name, content))
            }
            None => None,
        };
        let mut p = Problems::new();
        p.text("title", &input.title, 1, validate::MAX_TITLE);
        p.opt_text("description", input.description.as_deref(), validate::MAX_DESCRIPTION);
        p.opt_text("external_ref", input.external_ref.as_deref(), 100);
        validate::link(&mut p, "external_link", input.external_link.as_deref());
        let tags = validate::tags(&mut p, "tags", &input.tags);
        let custom = validate::custom(&mut p, "custom", input.custom.as_ref());
        if input.pap == Some(Pap::RedPlus) {
            p.push(
                "pap",
                "unknown_value",
                "a case's PAP is one of clear, green, amber, red",
            );
        }
        p.into_result()?;
        let custom = self
            .check_custom(actor.workspace_id.0, FieldEntity::Case, "custom", &custom, true)
            .await?;
        let owner = match input.assignee {
            Some(u) => Some(self.assignee_id(actor, u, "assignee").await?),
            None => None,
        };
        let reviewer = match input.reviewer {
            Some(u) => Some(self.assignee_id(actor, u, "reviewer").await?),
            None => None,
        };
        let customer_id = match &input.customer {
            Some(c) => Some(self.case_customer(actor, c).await?),
            None => None,
        };
        if let Some(c) = input.classification_id {
            self.check_classification(actor, c).await?;
        }
        let (state_id, status) = match input.state_id {
            Some(state) => {
                let canonical = self.case_state_status(actor, state).await?;
                if input.status.is_some_and(|s| s != canonical) {
                    return Err(Error::field(
                        "status",
                        "conflict",
                        format!(
                            "status `{}` disagrees with state_id {state}, which reads `{canonical}`",
                            input.status.map(|s| s.as_str()).unwrap_or("")
                        ),
                    ));
                }
                (state, canonical)
            }
            None => {
                let status = input.status.unwrap_or(Status::New);
                (status.default_case_state(), status)
            }
        };
        let now = now_us();
        let values = CaseValues {
            title: input.title.trim().to_owned(),
            description: input.description.clone(),
            state_id,
            status: status.ordinal(),
            severity: input.severity.unwrap_or(Severity::Medium).ordinal(),
            priority: input.priority.unwrap_or(Priority::Unknown).ordinal(),
            resolution: None,
            tlp: input.tlp.unwrap_or(Tlp::Amber).ordinal(),
            pap: input.pap.unwrap_or(Pap::Amber).ordinal(),
            owner_id: owner,
            reviewer_id: reviewer,
            customer_id,
            classification_id: input.classification_id,
            external_ref: input.external_ref.clone(),
            external_link: input.external_link.clone(),
            closing_note: None,
            custom,
            occurred_at: input.occurred_at.map(|t| t.0),
            closed_at: status.is_closed().then_some(now),
        };
        Ok(PreparedCase { values, tags, template })
    }

    pub async fn create_case(&self, actor: &Actor, input: NewCase) -> Result<Case> {
        actor.require_write()?;
        let prepared = self.prepare_case(actor, input).await?;
        let audit = Audit::of(actor);
        let ws_uuid = actor.workspace_uuid;
        let shared = Arc::new(prepared);
        self.db
            .write(move |tx| {
                let shared = Arc::clone(&shared);
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let seq = store::workspace::next_seq(tx, audit.ws, "case", 1).await?;
                    let (_, uuid) = insert_prepared(tx, &audit, seq, &shared, now).await?;
                    load(Ex::Tx(tx), audit.ws, ws_uuid, Key::Uuid(uuid)).await
                })
            })
            .await
    }

    /// Creates up to [`crate::MAX_BATCH`] cases in one transaction: all or none. A bad case
    /// is reported as `cases[i].<field>`. Numbers are reserved once for the whole batch.
    pub async fn create_cases(&self, actor: &Actor, inputs: Vec<NewCase>) -> Result<Vec<CaseCreated>> {
        actor.require_write()?;
        if inputs.is_empty() || inputs.len() > crate::MAX_BATCH {
            return Err(Error::field(
                "cases",
                "invalid",
                format!("cases must hold 1 to {} cases", crate::MAX_BATCH),
            ));
        }
        let mut prepared = Vec::with_capacity(inputs.len());
        let mut problems = Vec::new();
        for (i, input) in inputs.into_iter().enumerate() {
            match self.prepare_case(actor, input).await {
                Ok(p) => prepared.push(p),
                Err(Error::Validation(fields)) => problems.extend(fields.into_iter().map(|mut f| {
                    f.field = format!("cases[{i}].{}", f.field);
                    f.message = format!("cases[{i}]: {}", f.message);
                    f
                })),
                Err(e) => return Err(e),
            }
        }
        if !problems.is_empty() {
            return Err(Error::Validation(problems));
        }
        let audit = Audit::of(actor);
        let shared = Arc::new(prepared);
        self.db
            .write(move |tx| {
                let shared = Arc::clone(&shared);
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let first = store::workspace::next_seq(tx, audit.ws, "case", shared.len() as i64).await?;
                    let mut out = Vec::with_capacity(shared.len());
                    for (i, p) in shared.iter().enumerate() {
                        let number = first + i as i64;
                        let (_, id) = insert_prepared(tx, &audit, number, p, now).await?;
                        out.push(CaseCreated { id, number });
                    }
                    Ok(out)
                })
            })
            .await
    }

    pub async fn get_case(&self, actor: &Actor, key: Key) -> Result<Case> {
        let case = self.case_ref(actor, key, Need::Read).await?;
        load(
            Ex::Db(&self.db),
            actor.workspace_id.0,
            actor.workspace_uuid,
            Key::Uuid(case.uuid()),
        )
        .await
    }

    /// The stored form of a list filter; every case list (keyset or offset) goes through it.
    async fn case_list_filter(&self, actor: &Actor, f: &CaseFilter) -> Result<store::case::ListFilter> {
        let mut p = Problems::new();
        let tags = validate::tags(&mut p, "tags", &f.tags);
        if let Some(q) = &f.q {
            p.text("q", q, 1, 200);
        }
        p.into_result()?;
        let customer_id = match &f.customer {
            Some(c) => Some(self.case_customer(actor, c).await?),
            None => None,
        };
        let filter = store::case::ListFilter {
            customer_id,
            status: f.status.iter().map(|s| s.ordinal()).collect(),
            severity: f.severity.iter().map(|s| s.ordinal()).collect(),
            priority: f.priority.iter().map(|s| s.ordinal()).collect(),
            owner: f.assignee,
            tags,
            q: f.q.clone(),
            created_after: f.created_after,
            created_before: f.created_before,
            access: self.access_scope(actor).await?,
        };
        Ok(filter)
    }

    pub async fn list_cases(&self, actor: &Actor, f: CaseFilter) -> Result<Page<Case>> {
        let limit = paging::limit(f.limit)?;
        let cols = store::case::sort_columns(f.sort).len();
        let after = paging::decode(f.cursor.as_deref(), cols)?;
        let filter = self.case_list_filter(actor, &f).await?;
        let ws = actor.workspace_id.0;
        let backend = self.db.backend();
        let mut rows = store::case::list(
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
        let next_cursor = paging::next(&mut rows, limit, |r| store::case::sort_values(f.sort, r));
        let total = if f.count {
            Some(store::case::count(&self.db, backend, ws, &filter).await?)
        } else {
            None
        };
        let items = self.with_tags(actor, rows).await?;
        Ok(Page {
            items,
            next_cursor,
            total,
        })
    }

    /// Case rows of a page as cases, with their tags read in one query.
    async fn with_tags(&self, actor: &Actor, rows: Vec<CaseRow>) -> Result<Vec<Case>> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut tags = store::term::tags_of(&self.db, Owner::Case, &ids).await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let t = tags.remove(&r.id).unwrap_or_default();
                case_view(r, actor.workspace_uuid, t)
            })
            .collect())
    }

    /// One offset page of cases (`f`'s filters and sort; its cursor, limit and count are not
    /// used) with the exact total. See [`paging`] for how both stay fast at depth and at scale.
    pub async fn list_cases_at(&self, actor: &Actor, f: CaseFilter, at: paging::Offset) -> Result<OffsetPage<Case>> {
        let limit = paging::limit(at.limit)?;
        let filter = self.case_list_filter(actor, &f).await?;
        let ws = actor.workspace_id.0;
        let backend = self.db.backend();
        let total = store::case::count(&self.db, backend, ws, &filter).await?;
        let rows = match paging::window(at.offset, limit, total) {
            None => Vec::new(),
            Some(w) => {
                store::case::window(
                    &self.db,
                    backend,
                    ws,
                    &filter,
                    f.sort,
                    f.descending,
                    w.reversed,
                    w.offset,
                    w.limit,
                )
                .await?
            }
        };
        let items = self.with_tags(actor, rows).await?;
        Ok(OffsetPage {
            items,
            total,
            offset: at.offset,
            limit,
        })
    }

    pub async fn update_case(&self, actor: &Actor, key: Key, patch: CasePatch) -> Result<Case> {
        self.update_case_with(actor, key, patch, false).await
    }

    /// As [`Core::update_case`]; a case that enters a closed state also moves its linked alerts
    /// to the closed alert row (6, merged ones included), as closing a case does in IRIS.
    pub async fn update_case_and_alerts(&self, actor: &Actor, key: Key, patch: CasePatch) -> Result<Case> {
        self.update_case_with(actor, key, patch, true).await
    }

    /// Closes a case (row 9 Closed, `closed_at` set); its linked alerts move to the closed row.
    pub async fn close_case(&self, actor: &Actor, key: Key) -> Result<Case> {
        let patch = CasePatch {
            state_id: Some(Status::Closed.default_case_state()),
            ..CasePatch::default()
        };
        self.update_case_with(actor, key, patch, true).await
    }

    /// Reopens a case: row 3 Open, `closed_at` cleared.
    pub async fn reopen_case(&self, actor: &Actor, key: Key) -> Result<Case> {
        let patch = CasePatch {
            state_id: Some(Status::New.default_case_state()),
            ..CasePatch::default()
        };
        self.update_case_with(actor, key, patch, false).await
    }

    async fn update_case_with(&self, actor: &Actor, key: Key, patch: CasePatch, close_alerts: bool) -> Result<Case> {
        let key = Key::Uuid(self.case_ref(actor, key, Need::Write).await?.uuid());
        let mut p = Problems::new();
        if let Some(t) = &patch.title {
            p.text("title", t, 1, validate::MAX_TITLE);
        }
        p.opt_text("description", patch.description.as_deref(), validate::MAX_DESCRIPTION);
        if let Some(Some(r)) = &patch.external_ref {
            p.opt_text("external_ref", Some(r), 100);
        }
        if let Some(Some(l)) = &patch.external_link {
            validate::link(&mut p, "external_link", Some(l));
        }
        if let Some(Some(n)) = &patch.closing_note {
            p.opt_text("closing_note", Some(n), validate::MAX_DESCRIPTION);
        }
        let tags = patch.tags.as_ref().map(|t| validate::tags(&mut p, "tags", t));
        let custom = patch
            .custom
            .as_ref()
            .map(|c| validate::custom(&mut p, "custom", Some(c)));
        if patch.pap == Some(Pap::RedPlus) {
            p.push(
                "pap",
                "unknown_value",
                "a case's PAP is one of clear, green, amber, red",
            );
        }
        p.into_result()?;
        let custom = match custom {
            Some(c) => Some(
                self.check_custom(actor.workspace_id.0, FieldEntity::Case, "custom", &c, true)
                    .await?,
            ),
            None => None,
        };
        let owner = match patch.assignee {
            Some(Some(u)) => Some(Some(self.assignee_id(actor, u, "assignee").await?)),
            Some(None) => Some(None),
            None => None,
        };
        let links = CaseLinks {
            reviewer: match patch.reviewer {
                Some(Some(u)) => Some(Some(self.assignee_id(actor, u, "reviewer").await?)),
                Some(None) => Some(None),
                None => None,
            },
            customer: match &patch.customer {
                Some(Some(c)) => Some(Some(self.case_customer(actor, c).await?)),
                Some(None) => Some(None),
                None => None,
            },
            classification: match patch.classification_id {
                Some(Some(c)) => {
                    self.check_classification(actor, c).await?;
                    Some(Some(c))
                }
                Some(None) => Some(None),
                None => None,
            },
            state: match patch.state_id {
                Some(s) => Some((s, self.case_state_status(actor, s).await?)),
                None => None,
            },
        };
        let audit = Audit::of(actor);
        let ws_uuid = actor.workspace_uuid;
        let shared = Arc::new((patch, tags, custom, owner, links));
        self.db
            .write(move |tx| {
                let shared = Arc::clone(&shared);
                let audit = audit.clone();
                Box::pin(async move {
                    let (patch, tags, custom, owner, links) = &*shared;
                    let now = now_us();
                    let row = store::case::get(&mut *tx, audit.ws, key)
                        .await?
                        .ok_or(Error::not_found("case"))?;
                    if let Some(v) = patch.version
                        && v != row.version
                    {
                        return Err(Error::Conflict(format!(
                            "the case changed since you read it (version {v}, now {}); reload and retry",
                            row.version
                        )));
                    }
                    let old = CaseValues::of(&row);
                    let mut new = old.clone();
                    let mut changes: Vec<Entry> = Vec::new();
                    let mut change = |field: &'static str, o: Option<String>, n: Option<String>| {
                        if o != n {
                            changes.push(
                                Entry::new("case", row.id, row.uuid, "update")
                                    .case(row.id)
                                    .change(field, o, n),
                            );
                        }
                    };
                    if let Some(t) = &patch.title {
                        new.title = t.trim().to_owned();
                        change("title", json_str(&old.title), json_str(&new.title));
                    }
                    if let Some(d) = &patch.description {
                        new.description = Some(d.clone());
                        change("description", json_str(&old.description), json_str(&new.description));
                    }
                    if let Some(s) = patch.status {
                        // Echo rule: the same canonical status keeps the detailed state row.
                        if s.ordinal() != old.status {
                            new.status = s.ordinal();
                            new.state_id = s.default_case_state();
                            new.closed_at = if s.is_closed() { Some(now) } else { None };
                            let was = Status::from_ordinal(old.status);
                            change("status", json_str(&was), json_str(&s));
                        }
                    }
                    // The echo rule for lossy dialects: a value shown alike keeps the stored one.
                    let stored_severity = Severity::from_ordinal(old.severity);
                    if let Some(v) = patch.severity
                        && !stored_severity.is_some_and(|s| patch.severity_alike.contains(&s))
                    {
                        new.severity = v.ordinal();
                        change(
                            "severity",
                            json_str(&Severity::from_ordinal(old.severity)),
                            json_str(&v),
                        );
                    }
                    if let Some(v) = patch.priority {
                        new.priority = v.ordinal();
                        change(
                            "priority",
                            json_str(&Priority::from_ordinal(old.priority)),
                            json_str(&v),
                        );
                    }
                    let stored_resolution = old.resolution.and_then(Resolution::from_ordinal);
                    if let Some(v) = patch.resolution
                        && !patch.resolution_alike.contains(&stored_resolution)
                    {
                        new.resolution = v.map(Resolution::ordinal);
                        change(
                            "resolution",
                            json_str(&old.resolution.and_then(Resolution::from_ordinal)),
                            json_str(&v),
                        );
                    }
                    if let Some(v) = patch.tlp {
                        new.tlp = v.ordinal();
                        change("tlp", json_str(&Tlp::from_ordinal(old.tlp)), json_str(&v));
                    }
                    if let Some(v) = patch.pap {
                        new.pap = v.ordinal();
                        change("pap", json_str(&Pap::from_ordinal(old.pap)), json_str(&v));
                    }
                    if let Some((state, canonical)) = links.state
                        && state != old.state_id
                    {
                        new.state_id = state;
                        new.status = canonical.ordinal();
                        if canonical.is_closed() != Status::from_ordinal(old.status).is_some_and(Status::is_closed) {
                            new.closed_at = canonical.is_closed().then_some(now);
                        }
                        change("state_id", json_str(&old.state_id), json_str(&state));
                    }
                    if let Some(v) = owner {
                        new.owner_id = *v;
                        change("assignee", json_str(&old.owner_id), json_str(&new.owner_id));
                    }
                    if let Some(v) = links.reviewer {
                        new.reviewer_id = v;
                        change("reviewer", json_str(&old.reviewer_id), json_str(&new.reviewer_id));
                    }
                    if let Some(v) = links.customer {
                        new.customer_id = v;
                        change("customer", json_str(&old.customer_id), json_str(&new.customer_id));
                    }
                    if let Some(v) = links.classification {
                        new.classification_id = v;
                        change(
                            "classification_id",
                            json_str(&old.classification_id),
                            json_str(&new.classification_id),
                        );
                    }
                    if let Some(v) = &patch.external_ref {
                        new.external_ref = v.clone();
                        change("external_ref", json_str(&old.external_ref), json_str(&new.external_ref));
                    }
                    if let Some(v) = &patch.external_link {
                        new.external_link = v.clone();
                        change(
                            "external_link",
                            json_str(&old.external_link),
                            json_str(&new.external_link),
                        );
                    }
                    if let Some(v) = &patch.closing_note {
                        new.closing_note = v.clone();
                        change("closing_note", json_str(&old.closing_note), json_str(&new.closing_note));
                    }
                    if let Some(v) = &patch.occurred_at {
                        new.occurred_at = v.map(|t| t.0);
                        change("occurred_at", json_str(&old.occurred_at), json_str(&new.occurred_at));
                    }
                    if let Some(v) = custom {
                        new.custom = if patch.merge_custom {
                            merge_json(&old.custom, v)
                        } else {
                            v.clone()
                        };
                        if old.custom != new.custom {
                            change("custom", Some(old.custom.clone()), Some(new.custom.clone()));
                        }
                    }
                    let mut tags_changed = false;
                    if let Some(t) = tags {
                        let current = store::term::tags_of(&mut *tx, Owner::Case, &[row.id])
                            .await?
                            .remove(&row.id)
                            .unwrap_or_default();
                        if current != *t {
                            tags_changed = true;
                            change("tags", json_str(&current), json_str(t));
                        }
                    }
                    if changes.is_empty() {
                        return load(Ex::Tx(tx), audit.ws, ws_uuid, Key::Uuid(row.uuid)).await;
                    }
                    if !store::case::update(tx, row.id, row.version, &new, now).await? {
                        return Err(Error::Conflict(
                            "the case changed while updating; reload and retry".into(),
                        ));
                    }
                    if new.owner_id != old.owner_id {
                        store::case::set_owner(tx, audit.ws, row.id, new.owner_id, now).await?;
                    }
                    if tags_changed && let Some(t) = tags {
                        store::term::set_tags(tx, Owner::Case, audit.ws, &[(row.id, t.clone())], now, true).await?;
                    }
                    if new.description != old.description
                        && let Some(d) = new.description.as_deref()
                    {
                        store::case::add_summary_version(tx, audit.ws, row.id, d, audit.actor, now).await?;
                    }
                    if new.title != old.title
                        || new.description != old.description
                        || new.external_ref != old.external_ref
                    {
                        index_case(tx, audit.ws, row.id, &new, now).await?;
                    }
                    let was_closed = Status::from_ordinal(old.status).is_some_and(Status::is_closed);
                    let closing = Status::from_ordinal(new.status).is_some_and(Status::is_closed) && !was_closed;
                    if close_alerts && closing {
                        let closed = Status::Closed;
                        let alerts = store::case::close_linked_alerts(
                            tx,
                            row.id,
                            closed.default_alert_state(),
                            closed.ordinal(),
                            now,
                        )
                        .await?;
                        for (id, uuid, state) in alerts {
                            changes.push(
                                Entry::new("alert", id, uuid, "update")
                                    .case(row.id)
                                    .change("state_id", json_str(&state), json_str(&closed.default_alert_state()))
                                    .message(format!("closed with case #{}", row.seq)),
                            );
                        }
                    }
                    store::activity::record(tx, &audit, now, &changes).await?;
                    load(Ex::Tx(tx), audit.ws, ws_uuid, Key::Uuid(row.uuid)).await
                })
            })
            .await
    }

    /// Deletes a case and everything that belongs only to it (tasks, notes, timeline, evidence,
    /// comments, observable and asset links) in one transaction; observables and assets
    /// themselves stay for other cases. The audit trail keeps the case as it was.
    pub async fn delete_case(&self, actor: &Actor, key: Key) -> Result<()> {
        let key = Key::Uuid(self.case_ref(actor, key, Need::Write).await?.uuid());
        let primary = self.primary_case_if_any(actor.workspace_id.0).await?;
        let audit = Audit::of(actor);
        let ws_uuid = actor.workspace_uuid;
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let case = load(Ex::Tx(tx), audit.ws, ws_uuid, key).await?;
                    let row = store::case::get(&mut *tx, audit.ws, key)
                        .await?
                        .ok_or(Error::not_found("case"))?;
                    if primary == Some(row.seq) {
                        return Err(Error::Conflict(
                            "the workspace's primary case cannot be deleted, to keep consistency".into(),
                        ));
                    }
                    store::case::delete(tx, row.id).await?;
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("case", row.id, row.uuid, "delete")
                            .case(row.id)
                            .change("case", json_str(&case), None)
                            .message(format!("case #{} deleted", row.seq))],
                    )
                    .await
                })
            })
            .await?;
        // Files of the case's evidence that nothing else uses leave the blob store (after the
        // commit, so a rollback never loses bytes).
        self.collect_quietly().await;
        Ok(())
    }

    /// The case's audit trail, newest first.
    pub async fn case_activity(
        &self,
        actor: &Actor,
        key: Key,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<Activity>> {
        let case = self.case_ref(actor, key, Need::Read).await?;
        self.activity_page(actor.workspace_id.0, Scope::Case(case.id()), cursor, limit)
            .await
    }

    pub(crate) async fn activity_page(
        &self,
        ws: i64,
        scope: Scope,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<Activity>> {
        let limit = paging::limit(limit)?;
        let before = paging::decode(cursor, 1)?.and_then(|v| v.first().copied());
        let mut rows = store::activity::list(&self.db, ws, scope, before, limit).await?;
        let next_cursor = paging::next(&mut rows, limit, |r| [r.id].to_vec());
        let parse = |s: Option<String>| s.map(|s| serde_json::from_str(&s).unwrap_or(serde_json::Value::String(s)));
        let items = rows
            .into_iter()
            .map(|r| Activity {
                id: r.uuid,
                at: Timestamp(r.at),
                actor: user_ref(r.actor_uuid, r.actor_login, r.actor_name),
                via: r.via,
                request_id: r.request_id,
                object_kind: r.object_kind,
                object_id: r.object_uuid,
                action: r.action,
                field: r.field,
                old: parse(r.old),
                new: parse(r.new),
                message: r.message,
            })
            .collect();
        Ok(Page {
            items,
            next_cursor,
            total: None,
        })
    }

    /// The actor's effective access to cases of its workspace, by case number: the cases the
    /// caller names, which it has just read (when the level is the same on every case, numbers
    /// are not checked for existence). One query per 500 cases, with the rule in SQL, when the
    /// level varies per case; none otherwise.
    pub async fn case_access_levels(
        &self,
        actor: &Actor,
        numbers: &[i64],
    ) -> Result<std::collections::HashMap<i64, crate::team::AccessLevel>> {
        let scope = self.access_scope(actor).await?;
        let mut out = std::collections::HashMap::with_capacity(numbers.len());
        if let store::access::Scope::Uniform(l) = scope {
            // The same level everywhere: only which of the cases exist is left to read, and a
            // caller passes numbers it just listed. No query.
            if let Some(level) = crate::team::AccessLevel::from_value(i64::from(l)) {
                out.extend(numbers.iter().map(|n| (*n, level)));
            }
            return Ok(out);
        }
        for chunk in numbers.chunks(500) {
            for (seq, level) in store::access::levels(&self.db, &scope, actor.workspace_id.0, chunk).await? {
                if let Some(l) = crate::team::AccessLevel::from_value(i64::from(level)) {
                    out.insert(seq, l);
                }
            }
        }
        Ok(out)
    }

    /// Resolves a customer given by UUID or number in the actor's workspace.
    pub(crate) async fn case_customer(&self, actor: &Actor, raw: &str) -> Result<i64> {
        let key = Key::parse(raw)
            .ok_or_else(|| Error::field("customer", "invalid", "customer must be a customer id or number"))?;
        store::case::customer_id(&self.db, actor.workspace_id.0, key)
            .await?
            .ok_or_else(|| Error::field("customer", "not_found", "customer: no such customer in this workspace"))
    }

    pub(crate) async fn check_classification(&self, actor: &Actor, id: i64) -> Result<()> {
        if store::reference::exists(
            &self.db,
            store::reference::RefTable::Classification,
            actor.workspace_id.0,
            id,
        )
        .await?
        {
            Ok(())
        } else {
            Err(Error::field(
                "classification_id",
                "unknown_value",
                format!("classification_id: no classification {id}"),
            ))
        }
    }

    /// The canonical status a detailed case state reads as.
    pub(crate) async fn case_state_status(&self, actor: &Actor, state: i64) -> Result<Status> {
        store::case::state_canonical(&self.db, actor.workspace_id.0, state)
            .await?
            .and_then(Status::from_ordinal)
            .ok_or_else(|| Error::field("state_id", "unknown_value", format!("state_id: no case state {state}")))
    }

    /// Earlier versions of the case summary, newest first.
    pub async fn case_summary_versions(&self, actor: &Actor, key: Key) -> Result<Vec<SummaryVersion>> {
        let case = self.case_ref(actor, key, Need::Read).await?;
        Ok(store::case::summary_versions(&self.db, case.id())
            .await?
            .into_iter()
            .map(|v| SummaryVersion {
                version: v.version,
                content: v.content,
                author: user_ref(v.author_uuid, v.author_login, v.author_name),
                at: Timestamp(v.at),
            })
            .collect())
    }

    /// A user who may be assigned work in the actor's workspace.
    pub(crate) async fn assignee_id(&self, actor: &Actor, user: Uuid, field: &str) -> Result<i64> {
        let id = user_id(Ex::Db(&self.db), user, field).await?;
        if store::workspace::role_of(&self.db, actor.workspace_id.0, id)
            .await?
            .is_none()
        {
            return Err(Error::field(
                field,
                "not_a_member",
                format!("{field}: that user is not a member of this workspace"),
            ));
        }
        Ok(id)
    }
}

/// Inserts a case with its owner, tags, search document and audit entry; returns (id, uuid).
pub(crate) async fn insert_case(
    tx: &mut store::Tx<'_>,
    audit: &Audit,
    values: &CaseValues,
    tags: &[String],
    now: i64,
    origin: Option<&str>,
) -> Result<(i64, Uuid)> {
    let seq = store::workspace::next_seq(tx, audit.ws, "case", 1).await?;
    insert_case_numbered(tx, audit, seq, values, tags, now, origin).await
}

/// A checked new case: its row, tags and the template that shaped it.
struct PreparedCase {
    values: CaseValues,
    tags: Vec<String>,
    template: Option<(String, crate::model::TemplateContent)>,
}

/// Inserts a prepared case as number `seq`, then the template's tasks and directories.
async fn insert_prepared(
    tx: &mut store::Tx<'_>,
    audit: &Audit,
    seq: i64,
    p: &PreparedCase,
    now: i64,
) -> Result<(i64, Uuid)> {
    let origin = p.template.as_ref().map(|(name, _)| format!("template {name}"));
    let (id, uuid) = insert_case_numbered(tx, audit, seq, &p.values, &p.tags, now, origin.as_deref()).await?;
    if let Some((_, content)) = &p.template {
        apply_template(tx, audit, id, content, now).await?;
    }
    Ok((id, uuid))
}

/// Inserts a case under a number already reserved.
async fn insert_case_numbered(
    tx: &mut store::Tx<'_>,
    audit: &Audit,
    seq: i64,
    values: &CaseValues,
    tags: &[String],
    now: i64,
    origin: Option<&str>,
) -> Result<(i64, Uuid)> {
    let (id, uuid) = store::case::insert(tx, audit.ws, seq, values, audit.actor, now).await?;
    store::case::set_owner(tx, audit.ws, id, values.owner_id, now).await?;
    store::term::set_tags(tx, Owner::Case, audit.ws, &[(id, tags.to_vec())], now, false).await?;
    index_case(tx, audit.ws, id, values, now).await?;
    if let Some(d) = values.description.as_deref().filter(|d| !d.is_empty()) {
        store::case::add_summary_version(tx, audit.ws, id, d, audit.actor, now).await?;
    }
    let message = match origin {
        Some(o) => format!("case #{seq} created from {o}"),
        None => format!("case #{seq} created"),
    };
    store::activity::record(
        tx,
        audit,
        now,
        &[Entry::new("case", id, uuid, "create").case(id).message(message)],
    )
    .await?;
    Ok((id, uuid))
}

/// Creates a template's tasks and note directories in a new case.
async fn apply_template(
    tx: &mut store::Tx<'_>,
    audit: &Audit,
    case_id: i64,
    content: &crate::model::TemplateContent,
    now: i64,
) -> Result<()> {
    for t in &content.tasks {
        let values = store::task::TaskValues {
            title: t.title.trim().to_owned(),
            description: t.description.clone().filter(|d| !d.is_empty()),
            status_id: 1,
            tags_raw: None,
            due_at: None,
            mandatory: t.mandatory,
            flagged: false,
            closed_at: None,
            closed_by: None,
            custom: "{}".into(),
        };
        crate::task::insert_task(tx, audit, Some(case_id), &values, &t.tags, &[], now).await?;
    }
    for name in &content.note_directories {
        let seq = store::workspace::next_seq(tx, audit.ws, "note_directory", 1).await?;
        let (id, uuid) =
            store::note::insert_dir(tx, audit.ws, seq, case_id, None, name.trim(), audit.actor, now).await?;
        store::activity::record(
            tx,
            audit,
            now,
            &[Entry::new("note_directory", id, uuid, "create").case(case_id)],
        )
        .await?;
    }
    Ok(())
}

async fn index_case(tx: &mut store::Tx<'_>, ws: i64, id: i64, v: &CaseValues, now: i64) -> Result<()> {
    let body = format!(
        "{}\n{}",
        v.description.as_deref().unwrap_or(""),
        v.external_ref.as_deref().unwrap_or("")
    );
    store::search::upsert(
        tx,
        &store::search::Doc {
            ws,
            kind: "case",
            object_id: id,
            case_id: Some(id),
            title: &v.title,
            body: &body,
        },
        now,
    )
    .await
}
