//! IRIS customers (`/manage/customers/*`): list, get, add, update, delete. Reading needs the
//! `customers_read` flag, writing `customers_write`; the core refuses a duplicate name (any
//! case) and the deletion of a customer that a case or an alert names.

use crate::kit::route::{Routes, get, post};
use axum::extract::{Path, State};
use dossier_core::{
    Key, MAX_LIMIT,
    model::{Customer, CustomerFilter, CustomerPatch, NewCustomer},
};
use serde_json::{Value, json};

use super::{
    ctx::{Body, Fields, IrisUser, path_id},
    wire::{IrisError, IrisResult, done, ok},
};
use crate::state::AppState;

const UNKNOWN: &str = "Invalid Customer ID";

pub fn routes() -> Routes {
    Routes::new()
        .route("/manage/customers/list", get(list))
        .route("/manage/customers/add", post(add))
        .route("/manage/customers/{id}", get(get_one))
        .route("/manage/customers/update/{id}", post(update))
        .route("/manage/customers/delete/{id}", post(delete).get(delete))
}

fn customer_json(c: &Customer) -> Value {
    json!({
        "customer_id": c.number,
        "customer_uuid": c.id,
        "customer_name": c.name,
        "customer_description": c.description,
        "customer_sla": c.sla,
        "custom_attributes": c.custom,
    })
}

/// The customer with its contacts (IRIS contact fields; the core keeps one phone number).
fn customer_details(c: &Customer) -> Value {
    let mut v = customer_json(c);
    let contacts: Vec<Value> = c
        .contacts
        .iter()
        .map(|k| {
            json!({
                "contact_name": k.name,
                "contact_role": k.role,
                "contact_email": k.email,
                "contact_work_phone": k.phone,
                "contact_mobile_phone": null,
                "contact_note": null,
                "custom_attributes": {},
                "client_id": c.number,
            })
        })
        .collect();
    if let Value::Object(m) = &mut v {
        m.insert("contacts".into(), Value::Array(contacts));
    }
    v
}

const FIELDS: [(&str, &str); 4] = [
    ("name", "customer_name"),
    ("description", "customer_description"),
    ("sla", "customer_sla"),
    ("custom", "custom_attributes"),
];

/// A core error of a customer write: a taken name is IRIS's `Customer already exists` (under
/// `message`), a conflict on delete is the customer still being used.
fn write_error(e: dossier_core::Error, message: &str) -> IrisError {
    match e {
        dossier_core::Error::Validation(fields) if fields.iter().any(|f| f.code == "taken") => {
            IrisError::field_with(message, "customer_name", "Customer already exists")
        }
        dossier_core::Error::Conflict(_) => IrisError::bad("Cannot delete a referenced customer"),
        other => IrisError::core(other, UNKNOWN).rename(&FIELDS),
    }
}

fn name(f: &Fields) -> Result<Option<String>, IrisError> {
    let n = f.opt_str("customer_name")?;
    if let Some(n) = &n
        && n.trim().chars().count() < 2
    {
        return Err(IrisError::field("customer_name", "Shorter than minimum length 2."));
    }
    Ok(n)
}

async fn list(State(s): State<AppState>, IrisUser(a): IrisUser) -> IrisResult {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let page = s
            .core
            .list_customers(
                &a,
                CustomerFilter {
                    limit: MAX_LIMIT,
                    cursor,
                    ..CustomerFilter::default()
                },
            )
            .await
            .map_err(|e| IrisError::core(e, UNKNOWN))?;
        out.extend(page.items.iter().map(customer_json));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    ok("", out)
}

async fn get_one(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    let n = path_id(&id, UNKNOWN)?;
    let c = s
        .core
        .get_customer(&a, Key::Seq(n))
        .await
        .map_err(|e| IrisError::core(e, UNKNOWN))?;
    ok("", customer_details(&c))
}

async fn add(State(s): State<AppState>, IrisUser(a): IrisUser, Body(f): Body) -> IrisResult {
    f.req_str("customer_name")?;
    let input = NewCustomer {
        name: name(&f)?.unwrap_or_default(),
        description: f.opt_str("customer_description")?,
        sla: f.opt_str("customer_sla")?,
        custom: f.opt_object("custom_attributes")?.map(Value::Object),
        ..NewCustomer::default()
    };
    let c = s
        .core
        .create_customer(&a, input)
        .await
        .map_err(|e| write_error(e, "Error adding customer"))?;
    ok("Added successfully", customer_json(&c))
}

async fn update(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>, Body(f): Body) -> IrisResult {
    let n = path_id(&id, UNKNOWN)?;
    let mut patch = CustomerPatch {
        name: name(&f)?,
        custom: f.opt_object("custom_attributes")?.map(Value::Object),
        ..CustomerPatch::default()
    };
    if f.has("customer_description") {
        patch.description = Some(f.opt_str("customer_description")?);
    }
    if f.has("customer_sla") {
        patch.sla = Some(f.opt_str("customer_sla")?);
    }
    let c = s
        .core
        .update_customer(&a, Key::Seq(n), patch)
        .await
        .map_err(|e| write_error(e, "Data error"))?;
    ok("Customer updated", customer_json(&c))
}

async fn delete(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    let n = path_id(&id, UNKNOWN)?;
    s.core
        .delete_customer(&a, Key::Seq(n))
        .await
        .map_err(|e| write_error(e, "Data error"))?;
    done("Deleted successfully")
}
