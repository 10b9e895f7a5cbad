//! IRIS routes: a case's IOCs (`/case/ioc/*`). An IRIS IOC is the case's link to an observable
//! identity: its id is the link number, and everything but the type and value lives on the
//! link, so an edit in one case never shows in another (D11). `link` lists the other cases
//! that hold the same identity. Values are checked as IRIS checks them: hash-like types against
//! their pattern; a value that does not parse for its type (a defanged address) is kept as sent.

use crate::kit::route::{Routes, get, post};
use axum::extract::{Path, State};
use dossier_core::{
    Actor, CaseFamily, Core, Key, MAX_LIMIT,
    model::{
        CaseObservable, LinkFilter, NewObservable, ObservablePatch, ObservableValue, RefKey, ReferenceKind,
        ReferenceRow, Tlp, TlpRow,
    },
};
use serde_json::{Value, json};

use super::{
    common::{FieldMap, all_pages, case_name, family_state, history, joined_tags, split_tags, translate, user_id},
    ctx::{Fields, ReadCase, WriteCase, path_id},
    wire::{IrisError, IrisResult, done, ok},
};
use crate::state::AppState;

const NOT_FOUND: &str = "Invalid IOC ID for this case";
const NOT_FOUND_DELETE: &str = "Not a valid IOC for this case";

pub fn routes() -> Routes {
    Routes::new()
        .route("/case/ioc/list", get(list))
        .route("/case/ioc/state", get(state))
        .route("/case/ioc/add", post(add))
        .route("/case/ioc/update/{id}", post(update))
        .route("/case/ioc/delete/{id}", post(delete).get(delete))
        .route("/case/ioc/{id}", get(get_one))
}

/// The TLP levels with their IRIS ids (1 red, 2 amber, 3 green, 4 clear, 5 amber+strict).
pub(super) struct Tlps(Vec<TlpRow>);

impl Tlps {
    pub(super) async fn load(core: &Core, actor: &Actor) -> Result<Tlps, IrisError> {
        let list = core
            .reference_list(actor, ReferenceKind::Tlp)
            .await
            .map_err(IrisError::from)?;
        Ok(Tlps(
            list.items
                .into_iter()
                .filter_map(|r| match r {
                    ReferenceRow::Tlp(t) => Some(t),
                    _ => None,
                })
                .collect(),
        ))
    }
    fn row(&self, t: Tlp) -> Option<&TlpRow> {
        self.0.iter().find(|r| r.code == t)
    }
    pub(super) fn iris_id(&self, t: Tlp) -> Option<i64> {
        self.row(t).map(|r| r.id)
    }
    /// The level of an IRIS TLP id; anything else is `{"ioc_tlp_id": ["Invalid TLP ID"]}` (D9).
    fn parse(&self, id: i64) -> Result<Tlp, IrisError> {
        self.0
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.code)
            .ok_or_else(|| IrisError::field("ioc_tlp_id", "Invalid TLP ID"))
    }
}

const FIELDS: &[FieldMap] = &[
    ("type", "ioc_type_id", Some("Invalid ioc type ID")),
    ("value", "ioc_ioc_value", None),
    ("description", "ioc_description", None),
    ("tags", "ioc_tags", None),
    ("tlp", "ioc_tlp_id", None),
    ("custom", "custom_attributes", None),
];

/// One IOC as `GET /case/ioc/<id>` (and add, update) shows it.
async fn detail(core: &Core, actor: &Actor, case: i64, tlps: &Tlps, o: &CaseObservable) -> Result<Value, IrisError> {
    let trail = core
        .case_observable_activity(actor, Key::Seq(case), Key::Uuid(o.id), None, MAX_LIMIT)
        .await;
    Ok(json!({
        "ioc_id": o.number,
        "ioc_uuid": o.id,
        "ioc_value": o.value,
        "ioc_type_id": o.observable_type.id,
        "ioc_type": o.observable_type.name,
        "ioc_tlp_id": tlps.iris_id(o.tlp),
        "ioc_description": o.description,
        "ioc_tags": joined_tags(&o.tags),
        "ioc_misp": Value::Null,
        "user_id": user_id(core, o.created_by.as_ref()).await?,
        "custom_attributes": o.custom,
        "ioc_enrichment": Value::Null,
        "modification_history": history(core, trail).await?,
    }))
}

async fn list(State(s): State<AppState>, req: ReadCase) -> IrisResult {
    let (core, actor, case) = (&*s.core, &req.actor, req.case);
    let mut iocs = all_pages(|cursor| async move {
        core.list_case_observables(
            actor,
            Key::Seq(case),
            LinkFilter {
                limit: MAX_LIMIT,
                cursor,
                ..Default::default()
            },
        )
        .await
    })
    .await
    .map_err(|e| IrisError::core(e, NOT_FOUND))?;
    // IRIS lists IOCs by type.
    iocs.sort_by(|a, b| (a.observable_type.name.as_str(), a.number).cmp(&(b.observable_type.name.as_str(), b.number)));
    let tlps = Tlps::load(core, actor).await?;
    let mut elsewhere = core
        .observables_in_other_cases(actor, Key::Seq(case))
        .await
        .map_err(|e| IrisError::core(e, NOT_FOUND))?;
    let items: Vec<Value> = iocs
        .iter()
        .map(|o| {
            let tlp = tlps.row(o.tlp);
            let links: Vec<Value> = elsewhere
                .remove(&o.number)
                .unwrap_or_default()
                .items
                .into_iter()
                .map(|l| {
                    json!({
                        "case_id": l.case.number,
                        "case_name": case_name(l.case.number, &l.case.title),
                        "client_name": l.customer,
                    })
                })
                .collect();
            json!({
                "ioc_id": o.number,
                "ioc_uuid": o.id,
                "ioc_value": o.value,
                "ioc_type_id": o.observable_type.id,
                "ioc_type": o.observable_type.name,
                "ioc_description": o.description,
                "ioc_tags": joined_tags(&o.tags),
                "ioc_tlp_id": tlp.map(|t| t.id),
                "tlp_name": tlp.map(|t| t.name.clone()),
                "tlp_bscolor": tlp.map(|t| t.color.clone()),
                "ioc_misp": Value::Null,
                "misp_link": Value::Null,
                "link": links,
            })
        })
        .collect();
    let state = family_state(core, actor, case, CaseFamily::Observables).await?;
    ok("", json!({"ioc": items, "state": state}))
}

async fn state(State(s): State<AppState>, req: ReadCase) -> IrisResult {
    ok(
        "",
        family_state(&s.core, &req.actor, req.case, CaseFamily::Observables).await?,
    )
}

async fn get_one(State(s): State<AppState>, Path(id): Path<String>, req: ReadCase) -> IrisResult {
    let id = path_id(&id, NOT_FOUND)?;
    let o = s
        .core
        .get_case_observable(&req.actor, Key::Seq(req.case), Key::Seq(id))
        .await
        .map_err(|e| IrisError::core(e, NOT_FOUND))?;
    let tlps = Tlps::load(&s.core, &req.actor).await?;
    ok("", detail(&s.core, &req.actor, req.case, &tlps, &o).await?)
}

/// `ioc_value` must not be empty (IRIS: at least one character).
fn value(f: &Fields, required: bool) -> Result<Option<String>, IrisError> {
    let v = if required {
        Some(f.req_str("ioc_value")?)
    } else {
        f.opt_str("ioc_value")?
    };
    if v.as_deref().is_some_and(|v| v.trim().is_empty()) {
        return Err(IrisError::field("ioc_value", "Shorter than minimum length 1."));
    }
    Ok(v)
}

/// `ioc_type_id`: a positive integer, else `{"ioc_type_id": ["Invalid ioc type ID"]}` (D9).
fn type_id(f: &Fields, required: bool) -> Result<Option<i64>, IrisError> {
    let invalid = || IrisError::field("ioc_type_id", "Invalid ioc type ID");
    let n = if required {
        Some(f.req_int("ioc_type_id").map_err(|_| invalid())?)
    } else {
        f.opt_int("ioc_type_id").map_err(|_| invalid())?
    };
    match n {
        Some(n) if n <= 0 => Err(invalid()),
        other => Ok(other),
    }
}

fn tlp(f: &Fields, tlps: &Tlps) -> Result<Option<Tlp>, IrisError> {
    let invalid = || IrisError::field("ioc_tlp_id", "Invalid TLP ID");
    match f.opt_int("ioc_tlp_id").map_err(|_| invalid())? {
        Some(n) => tlps.parse(n).map(Some),
        None => Ok(None),
    }
}

async fn add(State(s): State<AppState>, req: WriteCase) -> IrisResult {
    let (core, actor, case, f) = (&*s.core, &req.actor, req.case, &req.body);
    let tlps = Tlps::load(core, actor).await?;
    let type_id = type_id(f, true)?.unwrap_or_default();
    let value = value(f, true)?.unwrap_or_default();
    let input = NewObservable {
        observable_type: RefKey::Id(type_id),
        value,
        description: f.opt_str("ioc_description")?,
        tlp: Some(tlp(f, &tlps)?.unwrap_or(Tlp::Amber)),
        tags: split_tags(f.opt_str("ioc_tags")?.as_deref()),
        is_ioc: Some(true),
        custom: f.opt_object("custom_attributes")?.map(Value::Object),
    };
    let added = core
        .add_case_observable_with(actor, Key::Seq(case), input, ObservableValue::AsTyped)
        .await
        .map_err(|e| translate(e, FIELDS, NOT_FOUND))?;
    let message = if added.created {
        "IOC added"
    } else {
        "IOC already exists and linked to this case"
    };
    ok(message, detail(core, actor, case, &tlps, &added.observable).await?)
}

async fn update(State(s): State<AppState>, Path(id): Path<String>, req: WriteCase) -> IrisResult {
    let (core, actor, case, f) = (&*s.core, &req.actor, req.case, &req.body);
    let id = path_id(&id, NOT_FOUND)?;
    // An unknown IOC is reported before anything in the body.
    core.get_case_observable(actor, Key::Seq(case), Key::Seq(id))
        .await
        .map_err(|e| IrisError::core(e, NOT_FOUND))?;
    let tlps = Tlps::load(core, actor).await?;
    let patch = ObservablePatch {
        observable_type: type_id(f, false)?.map(RefKey::Id),
        value: value(f, false)?,
        description: if f.has("ioc_description") {
            Some(f.opt_str("ioc_description")?)
        } else {
            None
        },
        tlp: tlp(f, &tlps)?,
        tags: if f.has("ioc_tags") {
            Some(split_tags(f.opt_str("ioc_tags")?.as_deref()))
        } else {
            None
        },
        is_ioc: None,
        custom: f.opt_object("custom_attributes")?.map(Value::Object),
        version: None,
    };
    let o = core
        .update_case_observable_with(actor, Key::Seq(case), Key::Seq(id), patch, ObservableValue::AsTyped)
        .await
        .map_err(|e| translate(e, FIELDS, NOT_FOUND))?;
    let message = format!("Updated ioc \"{}\"", o.value);
    ok(message, detail(core, actor, case, &tlps, &o).await?)
}

async fn delete(State(s): State<AppState>, Path(id): Path<String>, req: WriteCase) -> IrisResult {
    let id = path_id(&id, NOT_FOUND_DELETE)?;
    s.core
        .delete_case_observable(&req.actor, Key::Seq(req.case), Key::Seq(id))
        .await
        .map_err(|e| IrisError::core(e, NOT_FOUND_DELETE))?;
    done(format!("IOC {id} deleted"))
}
