//! Customers (IRIS "clients"): create, read, list, update (optimistic concurrency), delete
//! (refused while a case or an alert names the customer), audit trail.

use std::sync::Arc;

use crate::model::FieldEntity;
use crate::{
    Core,
    actor::Actor,
    capability::Capability,
    case::{json_str, user_ref},
    error::{Error, Problems, Result},
    ids::Key,
    model::{Contact, Customer, CustomerFilter, CustomerPatch, NewCustomer, Page, Timestamp},
    paging,
    store::{
        self, Ex,
        activity::{Audit, Entry},
        customer::{CustomerRow, CustomerValues},
    },
    time::now_us,
    validate,
};

pub const MAX_NAME: usize = 200;
pub const MAX_SLA: usize = 10_000;
pub const MAX_CONTACTS: usize = 50;

fn view(r: CustomerRow) -> Customer {
    Customer {
        id: r.uuid,
        number: r.seq,
        name: r.name,
        description: r.description,
        sla: r.sla,
        contacts: serde_json::from_str(&r.contacts).unwrap_or_default(),
        custom: serde_json::from_str(&r.custom).unwrap_or_else(|_| serde_json::json!({})),
        created_at: Timestamp(r.created_at),
        updated_at: Timestamp(r.updated_at),
        created_by: user_ref(r.creator_uuid, r.creator_login, r.creator_name),
        version: r.version,
    }
}

fn taken(name: &str) -> Error {
    Error::field(
        "name",
        "taken",
        format!(
            "name: a customer named `{}` already exists in this workspace",
            name.trim()
        ),
    )
}

/// A unique-index violation on the name (two concurrent creations) reads as the same 422.
fn name_conflict(e: Error, name: &str) -> Error {
    match e {
        Error::Conflict(m) if m.contains("ux_customers_ws_name") => taken(name),
        other => other,
    }
}

/// Trims and checks the contacts; returns them as stored (JSON list).
fn contacts(p: &mut Problems, field: &str, list: &[Contact]) -> String {
    if list.len() > MAX_CONTACTS {
        p.push(field, "too_many", format!("at most {MAX_CONTACTS} contacts"));
    }
    let trim = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let mut out = Vec::with_capacity(list.len());
    for (i, c) in list.iter().enumerate() {
        let f = |name: &str| format!("{field}[{i}].{name}");
        p.text(&f("name"), &c.name, 1, MAX_NAME);
        let role = trim(&c.role);
        let email = trim(&c.email);
        let phone = trim(&c.phone);
        p.opt_text(&f("role"), role.as_deref(), 100);
        if let Some(e) = &email {
            let ok = e.chars().count() <= 254
                && !e.chars().any(|ch| ch.is_whitespace() || ch.is_control())
                && e.split_once('@')
                    .is_some_and(|(l, d)| !l.is_empty() && !d.is_empty() && !d.contains('@'));
            if !ok {
                p.push(f("email"), "invalid", format!("{}: not an e-mail address", f("email")));
            }
        }
        if let Some(ph) = &phone {
            let ok = ph.chars().count() <= 50
                && ph.chars().any(|ch| ch.is_ascii_digit())
                && ph
                    .chars()
                    .all(|ch| ch.is_ascii_digit() || matches!(ch, '+' | '-' | ' ' | '(' | ')' | '.' | '/' | 'x'));
            if !ok {
                p.push(
                    f("phone"),
                    "invalid",
                    format!("{}: a phone number has digits, spaces and + - ( ) . / x", f("phone")),
                );
            }
        }
        out.push(Contact {
            name: c.name.trim().to_owned(),
            role,
            email,
            phone,
        });
    }
    serde_json::to_string(&out).unwrap_or_else(|_| "[]".into())
}

fn no_control(p: &mut Problems, field: &str, v: Option<&str>) {
    if v.is_some_and(|v| v.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')) {
        p.push(field, "invalid", format!("{field} must not contain control characters"));
    }
}

impl Core {
    pub async fn create_customer(&self, actor: &Actor, input: NewCustomer) -> Result<Customer> {
        self.require_capability(actor, Capability::CustomersWrite).await?;
        let mut p = Problems::new();
        p.text("name", &input.name, 1, MAX_NAME);
        no_control(&mut p, "name", Some(&input.name));
        p.opt_text("description", input.description.as_deref(), validate::MAX_DESCRIPTION);
        p.opt_text("sla", input.sla.as_deref(), MAX_SLA);
        let contacts = contacts(&mut p, "contacts", &input.contacts);
        let custom = validate::custom(&mut p, "custom", input.custom.as_ref());
        p.into_result()?;
        let custom = self
            .check_custom(actor.workspace_id.0, FieldEntity::Customer, "custom", &custom, true)
            .await?;
        let values = CustomerValues {
            name: input.name.trim().to_owned(),
            description: input.description.clone(),
            sla: input.sla.clone(),
            contacts,
            custom,
        };
        let audit = Audit::of(actor);
        let name = values.name.clone();
        let values = Arc::new(values);
        self.db
            .write(move |tx| {
                let values = Arc::clone(&values);
                let audit = audit.clone();
                Box::pin(async move {
                    if store::customer::name_taken(&mut *tx, audit.ws, &values.name, None).await? {
                        return Err(taken(&values.name));
                    }
                    let now = now_us();
                    let seq = store::workspace::next_seq(tx, audit.ws, "customer", 1).await?;
                    let (id, uuid) = store::customer::insert(tx, audit.ws, seq, &values, audit.actor, now).await?;
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("customer", id, uuid, "create").message(format!("customer #{seq} created"))],
                    )
                    .await?;
                    store::customer::get(&mut *tx, audit.ws, Key::Uuid(uuid))
                        .await?
                        .map(view)
                        .ok_or(Error::not_found("customer"))
                })
            })
            .await
            .map_err(|e| name_conflict(e, &name))
    }

    pub async fn get_customer(&self, actor: &Actor, key: Key) -> Result<Customer> {
        self.require_capability(actor, Capability::CustomersRead).await?;
        store::customer::get(&self.db, actor.workspace_id.0, key)
            .await?
            .map(view)
            .ok_or(Error::not_found("customer"))
    }

    pub async fn list_customers(&self, actor: &Actor, f: CustomerFilter) -> Result<Page<Customer>> {
        self.require_capability(actor, Capability::CustomersRead).await?;
        let limit = paging::limit(f.limit)?;
        let after = paging::decode(f.cursor.as_deref(), 1)?.and_then(|v| v.first().copied());
        let mut p = Problems::new();
        if let Some(q) = &f.q {
            p.text("q", q, 1, 200);
        }
        p.into_result()?;
        let mut rows = store::customer::list(
            &self.db,
            self.db.backend(),
            actor.workspace_id.0,
            f.q.as_deref(),
            after,
            limit,
        )
        .await?;
        let next_cursor = paging::next(&mut rows, limit, |r| [r.seq].to_vec());
        Ok(Page {
            items: rows.into_iter().map(view).collect(),
            next_cursor,
            total: None,
        })
    }

    pub async fn update_customer(&self, actor: &Actor, key: Key, patch: CustomerPatch) -> Result<Customer> {
        self.require_capability(actor, Capability::CustomersWrite).await?;
        let mut p = Problems::new();
        if let Some(n) = &patch.name {
            p.text("name", n, 1, MAX_NAME);
            no_control(&mut p, "name", Some(n));
        }
        if let Some(Some(d)) = &patch.description {
            p.opt_text("description", Some(d), validate::MAX_DESCRIPTION);
        }
        if let Some(Some(s)) = &patch.sla {
            p.opt_text("sla", Some(s), MAX_SLA);
        }
        let contacts = patch.contacts.as_ref().map(|c| contacts(&mut p, "contacts", c));
        let custom = patch
            .custom
            .as_ref()
            .map(|c| validate::custom(&mut p, "custom", Some(c)));
        p.into_result()?;
        let custom = match custom {
            Some(c) => Some(
                self.check_custom(actor.workspace_id.0, FieldEntity::Customer, "custom", &c, true)
                    .await?,
            ),
            None => None,
        };
        let audit = Audit::of(actor);
        let name = patch.name.clone().unwrap_or_default();
        let shared = Arc::new((patch, contacts, custom));
        self.db
            .write(move |tx| {
                let shared = Arc::clone(&shared);
                let audit = audit.clone();
                Box::pin(async move {
                    let (patch, contacts, custom) = &*shared;
                    let row = store::customer::get(&mut *tx, audit.ws, key)
                        .await?
                        .ok_or(Error::not_found("customer"))?;
                    if let Some(v) = patch.version
                        && v != row.version
                    {
                        return Err(Error::Conflict(format!(
                            "the customer changed since you read it (version {v}, now {}); reload and retry",
                            row.version
                        )));
                    }
                    let old = CustomerValues::of(&row);
                    let mut new = old.clone();
                    if let Some(n) = &patch.name {
                        new.name = n.trim().to_owned();
                    }
                    if let Some(d) = &patch.description {
                        new.description = d.clone();
                    }
                    if let Some(s) = &patch.sla {
                        new.sla = s.clone();
                    }
                    if let Some(c) = contacts {
                        new.contacts = c.clone();
                    }
                    if let Some(c) = custom {
                        new.custom = c.clone();
                    }
                    if new == old {
                        return Ok(view(row));
                    }
                    if new.name != old.name
                        && store::customer::name_taken(&mut *tx, audit.ws, &new.name, Some(row.id)).await?
                    {
                        return Err(taken(&new.name));
                    }
                    let now = now_us();
                    let mut changes = Vec::new();
                    let mut change = |field: &'static str, o: Option<String>, n: Option<String>| {
                        if o != n {
                            changes.push(Entry::new("customer", row.id, row.uuid, "update").change(field, o, n));
                        }
                    };
                    change("name", json_str(&old.name), json_str(&new.name));
                    change("description", json_str(&old.description), json_str(&new.description));
                    change("sla", json_str(&old.sla), json_str(&new.sla));
                    change("contacts", Some(old.contacts.clone()), Some(new.contacts.clone()));
                    change("custom", Some(old.custom.clone()), Some(new.custom.clone()));
                    if !store::customer::update(tx, row.id, row.version, &new, now).await? {
                        return Err(Error::Conflict(
                            "the customer changed while updating; reload and retry".into(),
                        ));
                    }
                    store::activity::record(tx, &audit, now, &changes).await?;
                    store::customer::get(&mut *tx, audit.ws, Key::Uuid(row.uuid))
                        .await?
                        .map(view)
                        .ok_or(Error::not_found("customer"))
                })
            })
            .await
            .map_err(|e| name_conflict(e, &name))
    }

    /// Deletes a customer that no case or alert names (else 409).
    pub async fn delete_customer(&self, actor: &Actor, key: Key) -> Result<()> {
        self.require_capability(actor, Capability::CustomersWrite).await?;
        let audit = Audit::of(actor);
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                Box::pin(async move {
                    let row = store::customer::get(&mut *tx, audit.ws, key)
                        .await?
                        .ok_or(Error::not_found("customer"))?;
                    let (cases, alerts) = store::customer::references(tx, row.id).await?;
                    if cases > 0 || alerts > 0 {
                        return Err(Error::Conflict(format!(
                            "customer #{} is still named by {cases} case(s) and {alerts} alert(s); \
                             move them to another customer first",
                            row.seq
                        )));
                    }
                    let now = now_us();
                    let snapshot = json_str(&view(row.clone()));
                    store::customer::delete(tx, row.id).await?;
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("customer", row.id, row.uuid, "delete")
                            .change("customer", snapshot, None)
                            .message(format!("customer #{} deleted", row.seq))],
                    )
                    .await
                })
            })
            .await
    }

    /// The internal id of a customer of the actor's workspace, by number or UUID; `None` when
    /// there is no such customer. For the case service (a case belongs to one customer).
    #[allow(dead_code)]
    pub(crate) async fn customer_id(&self, actor: &Actor, key: Key) -> Result<Option<i64>> {
        store::customer::id_of(Ex::Db(&self.db), actor.workspace_id.0, key).await
    }
}
