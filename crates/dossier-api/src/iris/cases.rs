//! IRIS cases: `/manage/cases/*` (list, filter, get, add, update, close, reopen, delete) and the
//! case-scoped `/case/update-status`, `/case/export`, `/case/summary/*` and `/case/tasklog/add`.
//!
//! A case's IRIS name is `#<number> - <title>`; the title is stored without the prefix, which is
//! stripped from what the client sends back. Severity ids 1–6, outcome (`status_id`) 0–5 and
//! user numbers are translated here; state ids are the core's state rows, which carry IRIS's ids.

use std::collections::HashMap;

use crate::kit::route::{Routes, get, post};
use axum::extract::{Path, State};
use dossier_core::{
    AccessLevel, Actor, Key, MAX_LIMIT, Offset,
    model::{
        Case, CaseAssetFilter, CaseFilter, CasePatch, CaseSort, EvidenceFilter, LinkFilter, NewCase, NoteFilter,
        Resolution, Severity, TaskFilter, TimelineFilter, Timestamp, UserRef,
    },
};
use serde::Serialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::{
    common::{all_pages, case_name, number_of, split_tags, user_numbers},
    ctx::{Body, IrisUser, Query, ReadCase, WriteCase, check_case},
    wire::{IrisError, IrisResult, date, datetime, done, ok, parse_datetime, us_date},
};
use crate::state::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .route("/manage/cases/list", get(list))
        .route("/manage/cases/filter", get(filter))
        .route("/manage/cases/add", post(add))
        .route("/manage/cases/{id}", get(get_one))
        .route("/manage/cases/update/{id}", post(update))
        .route("/manage/cases/close/{id}", post(close).get(close))
        .route("/manage/cases/reopen/{id}", post(reopen).get(reopen))
        .route("/manage/cases/delete/{id}", post(delete).get(delete))
        .route("/case/update-status", post(update_status))
        .route("/case/export", get(export))
        .route("/case/summary/fetch", get(summary))
        .route("/case/summary/update", post(set_summary))
        .route("/case/tasklog/add", post(tasklog))
}

// ---- Translations ----

/// Case outcomes: IRIS `status_id`, the core resolution, and the name IRIS lists.
pub(super) const OUTCOMES: [(i64, Option<Resolution>, &str); 6] = [
    (0, None, "Unknown"),
    (1, Some(Resolution::FalsePositive), "False positive"),
    (2, Some(Resolution::TruePositiveWithImpact), "True positive with impact"),
    (3, Some(Resolution::NotApplicable), "Not applicable"),
    (
        4,
        Some(Resolution::TruePositiveWithoutImpact),
        "True positive without impact",
    ),
    (5, Some(Resolution::Legitimate), "Legitimate"),
];

/// The outcome id a resolution reads as (crosswalk §2.4: none and unknown read 0, duplicate 3).
fn outcome_id(r: Option<Resolution>) -> i64 {
    match r {
        None | Some(Resolution::Unknown) => 0,
        Some(Resolution::Duplicate) => 3,
        Some(r) => OUTCOMES.iter().find(|o| o.1 == Some(r)).map_or(0, |o| o.0),
    }
}

/// The resolution an outcome id writes (`Some(None)` for 0, `None` for an unknown id).
fn outcome_resolution(id: i64) -> Option<Option<Resolution>> {
    OUTCOMES.iter().find(|o| o.0 == id).map(|o| o.1)
}

/// IRIS's title-cased outcome name (`True Positive With Impact`), as the case view shows it.
fn outcome_title(id: i64) -> String {
    let name = OUTCOMES.iter().find(|o| o.0 == id).map_or("Unknown", |o| o.2);
    name.split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// IRIS severity id (1 Unspecified … 6 Critical) of a core severity.
pub(super) fn severity_id(s: Severity) -> i64 {
    super::mapping::severity::to_dialect(s)
}

fn severity_of(id: i64) -> Option<Severity> {
    super::mapping::severity::to_core(&id)
}

/// The title without a leading `#<n> - ` (the client re-sends the name it read).
fn strip_prefix(name: &str) -> &str {
    let Some(rest) = name.strip_prefix('#') else {
        return name;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    match rest[digits..].strip_prefix(" - ") {
        Some(title) if digits > 0 => title,
        _ => name,
    }
}

fn iris_name(c: &Case) -> String {
    case_name(c.number, &c.title)
}

/// Core field names → IRIS's, for `Data error` replies.
const CASE_FIELDS: [(&str, &str); 11] = [
    ("title", "case_name"),
    ("description", "case_description"),
    ("external_ref", "case_soc_id"),
    ("customer", "case_customer"),
    ("assignee", "owner_id"),
    ("reviewer", "reviewer_id"),
    ("severity", "severity_id"),
    ("tags", "case_tags"),
    ("custom", "custom_attributes"),
    ("template", "case_template_id"),
    ("occurred_at", "initial_date"),
];

fn case_error(e: dossier_core::Error) -> IrisError {
    IrisError::core(e, "Case not found").rename(&CASE_FIELDS)
}

/// IRIS's `Length(min=2)` on a text field.
fn min_two(field: &str, v: &str) -> Result<(), IrisError> {
    if v.trim().chars().count() < 2 {
        return Err(IrisError::field(field, "Shorter than minimum length 2."));
    }
    Ok(())
}

/// The user behind an IRIS user number, for `field`.
async fn user_uuid(s: &AppState, field: &str, number: i64) -> Result<Uuid, IrisError> {
    s.core.user_by_number(number).await.map(|u| u.id).map_err(|e| match e {
        dossier_core::Error::NotFound { .. } => IrisError::field(field, "Invalid user ID"),
        other => IrisError::core(other, "Invalid user ID"),
    })
}

fn case_users(c: &Case) -> impl Iterator<Item = &UserRef> {
    [&c.created_by, &c.assignee, &c.reviewer].into_iter().flatten()
}

fn soc_id(c: &Case) -> String {
    c.external_ref.clone().unwrap_or_default()
}

// ---- Shapes ----

/// A row of `/manage/cases/list` (and of the filter's `cases`).
fn list_row(c: &Case, users: &HashMap<Uuid, i64>, access_level: i64) -> Value {
    json!({
        "case_id": c.number,
        "case_uuid": c.id,
        "case_name": iris_name(c),
        "case_description": c.description,
        "case_soc_id": soc_id(c),
        "client_name": c.customer.as_ref().map_or("", |cu| cu.name.as_str()),
        "case_open_date": us_date(c.created_at),
        "case_close_date": c.closed_at.map_or_else(String::new, us_date),
        "opened_by_user_id": number_of(users, c.created_by.as_ref()),
        "opened_by": c.created_by.as_ref().map(|u| u.login.clone()),
        "owner_id": number_of(users, c.assignee.as_ref()),
        "owner": c.assignee.as_ref().map(|u| u.name.clone()),
        "classification_id": c.classification.as_ref().map(|cl| cl.id),
        "classification": c.classification.as_ref().map(|cl| cl.name.clone()),
        "state_id": c.state.id,
        "state_name": c.state.label,
        "access_level": access_level,
    })
}

/// The caller's access level (1, 2 or 4) to each case, computed once for the list.
async fn access_levels(s: &AppState, actor: &Actor, cases: &[Case]) -> Result<HashMap<i64, i64>, IrisError> {
    let numbers: Vec<i64> = cases.iter().map(|c| c.number).collect();
    let levels = s.core.case_access_levels(actor, &numbers).await.map_err(case_error)?;
    Ok(levels.into_iter().map(|(n, l)| (n, i64::from(l.value()))).collect())
}

/// List rows of the cases the caller may see (`deny_all` ones are left out).
async fn list_rows(s: &AppState, actor: &Actor, cases: &[Case]) -> Result<Vec<Value>, IrisError> {
    let levels = access_levels(s, actor, cases).await?;
    let users = user_numbers(s, cases.iter().flat_map(case_users)).await?;
    Ok(cases
        .iter()
        .filter_map(|c| {
            let level = levels.get(&c.number).copied().unwrap_or(1);
            (level > 1).then(|| list_row(c, &users, level))
        })
        .collect())
}

fn initial_date(c: &Case) -> String {
    datetime(c.occurred_at.unwrap_or(c.created_at))
}

/// IRIS review status 1, "No review required".
const REVIEW_NOT_REQUIRED: i64 = 1;

/// The case as created, updated, closed or reopened, escalated into or merged into (IRIS's
/// `CaseSchema`).
#[derive(Serialize)]
struct CaseObject<'a> {
    case_id: i64,
    case_uuid: Uuid,
    case_name: String,
    case_description: &'a str,
    case_soc_id: String,
    case_customer: Option<i64>,
    classification_id: Option<i64>,
    severity_id: i64,
    state_id: i64,
    status_id: i64,
    owner_id: Value,
    user_id: Value,
    reviewer_id: Value,
    review_status_id: i64,
    open_date: String,
    close_date: Option<String>,
    initial_date: String,
    closing_note: Option<&'a str>,
    custom_attributes: &'a Value,
    modification_history: Value,
}

fn case_json<'a>(c: &'a Case, users: &HashMap<Uuid, i64>, history: Value) -> CaseObject<'a> {
    CaseObject {
        case_id: c.number,
        case_uuid: c.id,
        case_name: iris_name(c),
        case_description: &c.description,
        case_soc_id: soc_id(c),
        case_customer: c.customer.as_ref().map(|cu| cu.number),
        classification_id: c.classification.as_ref().map(|cl| cl.id),
        severity_id: severity_id(c.severity),
        state_id: c.state.id,
        status_id: outcome_id(c.resolution),
        owner_id: number_of(users, c.assignee.as_ref()),
        user_id: number_of(users, c.created_by.as_ref()),
        reviewer_id: number_of(users, c.reviewer.as_ref()),
        // No core service changes a case's review status yet: every case is 1, "No review
        // required" (iris-v1.md, review status table).
        review_status_id: REVIEW_NOT_REQUIRED,
        open_date: date(c.created_at),
        close_date: c.closed_at.map(date),
        initial_date: initial_date(c),
        closing_note: c.closing_note.as_deref(),
        custom_attributes: &c.custom,
        modification_history: history,
    }
}

/// `/manage/cases/<id>`: the case with names resolved.
fn details_json(c: &Case, users: &HashMap<Uuid, i64>, history: Value) -> Value {
    let status = outcome_id(c.resolution);
    json!({
        "case_id": c.number,
        "case_uuid": c.id,
        "case_name": iris_name(c),
        "case_description": c.description,
        "case_soc_id": soc_id(c),
        "open_date": date(c.created_at),
        "close_date": c.closed_at.map(date),
        "initial_date": initial_date(c),
        "customer_id": c.customer.as_ref().map(|cu| cu.number),
        "customer_name": c.customer.as_ref().map_or("", |cu| cu.name.as_str()),
        "open_by_user_id": number_of(users, c.created_by.as_ref()),
        "open_by_user": c.created_by.as_ref().map(|u| u.login.clone()),
        "owner_id": number_of(users, c.assignee.as_ref()),
        "owner": c.assignee.as_ref().map(|u| u.name.clone()),
        "reviewer_id": number_of(users, c.reviewer.as_ref()),
        "reviewer": c.reviewer.as_ref().map(|u| u.name.clone()),
        "status_id": status,
        "status_name": outcome_title(status),
        "state_id": c.state.id,
        "state_name": c.state.label,
        "classification_id": c.classification.as_ref().map(|cl| cl.id),
        "classification": c.classification.as_ref().map(|cl| cl.name.clone()),
        "severity_id": severity_id(c.severity),
        "case_tags": c.tags.join(","),
        "custom_attributes": c.custom,
        "modification_history": history,
        // Case protagonists are not kept by the core yet.
        "protagonists": [],
    })
}

/// IRIS's `modification_history`: `{"<epoch seconds>": {user, user_id, action}}` for the
/// case's own changes (newest 200).
async fn history(s: &AppState, actor: &Actor, number: i64) -> Result<Value, IrisError> {
    let page = s
        .core
        .case_activity(actor, Key::Seq(number), None, MAX_LIMIT)
        .await
        .map_err(case_error)?;
    let entries: Vec<_> = page.items.into_iter().filter(|a| a.object_kind == "case").collect();
    let users = user_numbers(s, entries.iter().filter_map(|a| a.actor.as_ref())).await?;
    let mut out = Map::new();
    for a in entries.iter().rev() {
        let action = match (&a.message, &a.field) {
            (Some(m), _) => m.clone(),
            (None, Some(f)) => format!("case {f} updated"),
            (None, None) => format!("case {}", a.action),
        };
        let key = format!("{}.{:06}", a.at.0.div_euclid(1_000_000), a.at.0.rem_euclid(1_000_000));
        out.insert(
            key,
            json!({
                "user": a.actor.as_ref().map(|u| u.login.clone()),
                "user_id": number_of(&users, a.actor.as_ref()),
                "action": action,
            }),
        );
    }
    Ok(Value::Object(out))
}

async fn case_reply(s: &AppState, actor: &Actor, c: &Case, message: &str) -> IrisResult {
    ok(message, case_object(s, actor, c).await?)
}

/// The case as IRIS's `CaseSchema` dumps it, with its history: the one rendering of what
/// case creation, update, close and reopen, and alert escalation and merging return.
pub(super) async fn case_object(s: &AppState, actor: &Actor, c: &Case) -> Result<Value, IrisError> {
    let users = user_numbers(s, case_users(c)).await?;
    let h = history(s, actor, c.number).await?;
    serde_json::to_value(case_json(c, &users, h)).map_err(IrisError::internal)
}

// ---- Lists ----

async fn all_cases(s: &AppState, actor: &Actor) -> Result<Vec<Case>, IrisError> {
    all_pages(|cursor| {
        s.core.list_cases(
            actor,
            CaseFilter {
                sort: CaseSort::CreatedAt,
                limit: MAX_LIMIT,
                cursor,
                ..CaseFilter::default()
            },
        )
    })
    .await
    .map_err(case_error)
}

async fn list(State(s): State<AppState>, IrisUser(a): IrisUser) -> IrisResult {
    let cases = all_cases(&s, &a).await?;
    ok("", list_rows(&s, &a, &cases).await?)
}

fn query_int(q: &crate::extract::QueryMap, key: &str) -> Result<Option<i64>, IrisError> {
    match q.get(key).map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .map(Some)
            .map_err(|_| IrisError::field(key, "Not a valid integer.")),
    }
}

fn query_date(q: &crate::extract::QueryMap, key: &str) -> Result<Option<i64>, IrisError> {
    match q.get(key).map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => parse_datetime(v)
            .map(Some)
            .ok_or_else(|| IrisError::field(key, "Invalid date time")),
    }
}

/// `/manage/cases/filter`: one page of cases (`page`, `per_page`, `sort_dir`) with the filters
/// the core has (`case_customer_id`, `case_owner_id`, `case_severity_id`, `case_name` or
/// `case_description` as a text search, `start_open_date`, `end_open_date`).
async fn filter(State(s): State<AppState>, IrisUser(a): IrisUser, Query(q): Query) -> IrisResult {
    let page = query_int(&q, "page")?.unwrap_or(1).max(1);
    let per_page = query_int(&q, "per_page")?.unwrap_or(10).clamp(1, i64::from(MAX_LIMIT));
    let draw = query_int(&q, "draw")?.unwrap_or(1);
    let descending = q.get("sort_dir").is_some_and(|d| d.eq_ignore_ascii_case("desc"));
    let owner = match query_int(&q, "case_owner_id")? {
        Some(n) => Some(Some(user_uuid(&s, "case_owner_id", n).await?)),
        None => None,
    };
    let severity = match query_int(&q, "case_severity_id")? {
        Some(n) => vec![severity_of(n).ok_or_else(|| IrisError::field("case_severity_id", "Invalid severity ID"))?],
        None => Vec::new(),
    };
    let text = ["case_name", "case_description", "search[value]"]
        .iter()
        .find_map(|k| q.get(k).map(str::trim).filter(|v| !v.is_empty()))
        .map(|v| strip_prefix(v).to_owned());
    let base = CaseFilter {
        customer: query_int(&q, "case_customer_id")?.map(|n| n.to_string()),
        assignee: owner,
        severity,
        q: text,
        created_after: query_date(&q, "start_open_date")?,
        created_before: query_date(&q, "end_open_date")?,
        sort: CaseSort::CreatedAt,
        descending,
        ..CaseFilter::default()
    };
    // One offset page with its total, both from core (index-only at any depth).
    let at = Offset::page(
        u64::try_from(page).unwrap_or(1),
        u32::try_from(per_page).unwrap_or(MAX_LIMIT),
    );
    let p = s.core.list_cases_at(&a, base, at).await.map_err(case_error)?;
    let (items, total) = (p.items, p.total);
    let rows = list_rows(&s, &a, &items).await?;
    let last_page = ((total + per_page - 1) / per_page).max(1);
    ok(
        "",
        json!({
            "total": total,
            "cases": rows,
            "last_page": last_page,
            "current_page": page,
            "next_page": if page < last_page { json!(page + 1) } else { Value::Null },
            "draw": draw,
        }),
    )
}

// ---- One case ----

/// A case path id the caller may read (or write): 403 for an unknown case, or one the caller's
/// effective access does not reach.
async fn reachable(s: &AppState, actor: &Actor, raw: &str, write: bool) -> Result<i64, IrisError> {
    let denied = |n: i64| IrisError::case_denied(actor.user_id.raw(), n);
    let n = raw
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| denied(0))?;
    check_case(s, actor, n, write).await?;
    let need = if write {
        AccessLevel::FullAccess
    } else {
        AccessLevel::ReadOnly
    };
    let level = s.core.case_access(actor, n).await.map_err(case_error)?;
    if level.is_none_or(|l| l < need) {
        return Err(denied(n));
    }
    Ok(n)
}

async fn get_one(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    let n = reachable(&s, &a, &id, false).await?;
    let c = s.core.get_case(&a, Key::Seq(n)).await.map_err(case_error)?;
    let users = user_numbers(&s, case_users(&c)).await?;
    let h = history(&s, &a, n).await?;
    ok("", details_json(&c, &users, h))
}

async fn add(State(s): State<AppState>, IrisUser(a): IrisUser, Body(f): Body) -> IrisResult {
    let name = f.req_str("case_name")?;
    let title = strip_prefix(name.trim()).to_owned();
    min_two("case_name", &title)?;
    let description = f.req_str("case_description")?;
    min_two("case_description", &description)?;
    let customer = f.req_int("case_customer")?;
    let soc = f.req_str("case_soc_id")?;
    let severity = match f.opt_int("severity_id")? {
        Some(n) => Some(severity_of(n).ok_or_else(|| IrisError::field("severity_id", "Invalid severity ID"))?),
        None => None,
    };
    let assignee = match f.opt_int("owner_id")? {
        Some(n) => user_uuid(&s, "owner_id", n).await?,
        None => a.user_uuid,
    };
    let reviewer = match f.opt_int("reviewer_id")? {
        Some(n) => Some(user_uuid(&s, "reviewer_id", n).await?),
        None => None,
    };
    let occurred_at = match f.opt_str("initial_date")?.filter(|d| !d.trim().is_empty()) {
        Some(d) => {
            Some(Timestamp(parse_datetime(&d).ok_or_else(|| {
                IrisError::field("initial_date", "Not a valid datetime.")
            })?))
        }
        None => None,
    };
    let input = NewCase {
        title,
        description: Some(description),
        severity,
        tags: f
            .opt_str("case_tags")?
            .map(|t| split_tags(Some(&t)))
            .unwrap_or_default(),
        assignee: Some(assignee),
        reviewer,
        customer: Some(customer.to_string()),
        classification_id: f.opt_int("classification_id")?,
        state_id: f.opt_int("state_id")?,
        template: f.opt_str("case_template_id")?.filter(|t| !t.trim().is_empty()),
        external_ref: Some(soc).filter(|s| !s.is_empty()),
        occurred_at,
        custom: f.opt_object("custom_attributes")?.map(Value::Object),
        ..NewCase::default()
    };
    let c = s.core.create_case(&a, input).await.map_err(case_error)?;
    case_reply(&s, &a, &c, "Case created").await
}

async fn update(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>, Body(f): Body) -> IrisResult {
    let n = reachable(&s, &a, &id, true).await?;
    let mut patch = CasePatch::default();
    if let Some(name) = f.opt_str("case_name")? {
        let title = strip_prefix(name.trim()).to_owned();
        min_two("case_name", &title)?;
        patch.title = Some(title);
    }
    if let Some(d) = f.opt_str("case_description")? {
        min_two("case_description", &d)?;
        patch.description = Some(d);
    }
    if f.has("case_soc_id") {
        patch.external_ref = Some(f.opt_str("case_soc_id")?.filter(|s| !s.is_empty()));
    }
    // IRIS keeps the customer when the value is empty or 0.
    if let Some(c) = f.opt_int("case_customer")?.filter(|c| *c != 0) {
        patch.customer = Some(Some(c.to_string()));
    }
    if f.has("classification_id") {
        patch.classification_id = Some(f.opt_int("classification_id")?);
    }
    if let Some(o) = f.opt_int("owner_id")? {
        patch.assignee = Some(Some(user_uuid(&s, "owner_id", o).await?));
    }
    if f.has("reviewer_id") {
        patch.reviewer = match f.opt_int("reviewer_id")? {
            Some(r) => Some(Some(user_uuid(&s, "reviewer_id", r).await?)),
            None => Some(None),
        };
    }
    if let Some(v) = f.opt_int("severity_id")? {
        patch.severity = Some(severity_of(v).ok_or_else(|| IrisError::field("severity_id", "Invalid severity ID"))?);
        // Writing back the id read keeps the finer severity (fatal reads as 6): a core rule.
        patch.severity_alike = super::mapping::severity::alike(&v);
    }
    patch.state_id = f.opt_int("state_id")?;
    if let Some(v) = f.opt_int("status_id")? {
        patch.resolution =
            Some(outcome_resolution(v).ok_or_else(|| IrisError::field("status_id", "Invalid status ID"))?);
        // The same outcome keeps the resolution it reads from (duplicate reads 3).
        patch.resolution_alike = std::iter::once(None)
            .chain(Resolution::ALL.iter().copied().map(Some))
            .filter(|r| outcome_id(*r) == v)
            .collect();
    }
    if let Some(t) = f.opt_str("case_tags")? {
        patch.tags = Some(split_tags(Some(&t)));
    }
    if let Some(c) = f.opt_object("custom_attributes")? {
        patch.custom = Some(Value::Object(c));
    }
    if f.has("initial_date") {
        patch.occurred_at = Some(match f.opt_str("initial_date")?.filter(|d| !d.trim().is_empty()) {
            Some(d) => {
                Some(Timestamp(parse_datetime(&d).ok_or_else(|| {
                    IrisError::field("initial_date", "Not a valid datetime.")
                })?))
            }
            None => None,
        });
    }
    let c = s
        .core
        .update_case_and_alerts(&a, Key::Seq(n), patch)
        .await
        .map_err(case_error)?;
    case_reply(&s, &a, &c, "updated").await
}

async fn close(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    let n = reachable(&s, &a, &id, true).await?;
    let c = s.core.close_case(&a, Key::Seq(n)).await.map_err(case_error)?;
    case_reply(&s, &a, &c, "Case closed successfully").await
}

async fn reopen(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    let n = reachable(&s, &a, &id, true).await?;
    let c = s.core.reopen_case(&a, Key::Seq(n)).await.map_err(case_error)?;
    case_reply(&s, &a, &c, "Case reopen successfully").await
}

async fn delete(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    let n = reachable(&s, &a, &id, true).await?;
    s.core.delete_case(&a, Key::Seq(n)).await.map_err(|e| match e {
        dossier_core::Error::Conflict(_) => IrisError::bad("Cannot delete a primary case to keep consistency"),
        other => case_error(other),
    })?;
    done("Case successfully deleted")
}

// ---- Case-scoped ----

async fn update_status(State(s): State<AppState>, req: WriteCase) -> IrisResult {
    let v = req.body.req_int("status_id")?;
    let r = outcome_resolution(v).ok_or_else(|| IrisError::bad("Invalid status"))?;
    let current = s
        .core
        .get_case(&req.actor, Key::Seq(req.case))
        .await
        .map_err(case_error)?;
    if outcome_id(current.resolution) != v {
        let patch = CasePatch {
            resolution: Some(r),
            ..CasePatch::default()
        };
        s.core
            .update_case(&req.actor, Key::Seq(req.case), patch)
            .await
            .map_err(case_error)?;
    }
    ok("Case status updated", req.case)
}

/// The CRC-32 (IEEE) of the summary's UTF-8 bytes, as IRIS reports it.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in data {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

async fn summary(State(s): State<AppState>, req: ReadCase) -> IrisResult {
    let c = s
        .core
        .get_case(&req.actor, Key::Seq(req.case))
        .await
        .map_err(case_error)?;
    ok(
        "Summary fetch",
        json!({"case_description": c.description, "crc32": crc32(c.description.as_bytes())}),
    )
}

async fn set_summary(State(s): State<AppState>, req: WriteCase) -> IrisResult {
    // `case_description`, else the seed's `summary` (D3).
    let text = match req.body.opt_str("case_description")? {
        Some(t) => t,
        None => match req.body.opt_str("summary")? {
            Some(t) => t,
            None => return Err(IrisError::field("case_description", "Missing data for required field.")),
        },
    };
    let patch = CasePatch {
        description: Some(text.clone()),
        ..CasePatch::default()
    };
    s.core
        .update_case(&req.actor, Key::Seq(req.case), patch)
        .await
        .map_err(case_error)?;
    ok("Summary updated", crc32(text.as_bytes()))
}

async fn tasklog(State(s): State<AppState>, req: WriteCase) -> IrisResult {
    let content = req.body.opt_str("log_content")?.unwrap_or_default();
    let entry = s
        .core
        .log_case_entry(&req.actor, req.case, &content)
        .await
        .map_err(|e| IrisError::core(e, "Invalid case ID").rename(&[("message", "log_content")]))?;
    ok(
        "Log saved",
        json!({
            "id": entry.id,
            "user_id": dossier_core::Core::actor_number(&req.actor),
            "case_id": entry.case_number,
            "activity_date": datetime(entry.at),
            "activity_desc": entry.message,
            "user_input": true,
            "is_from_api": true,
            "display_in_ui": true,
        }),
    )
}

/// The whole case: its IRIS view, and the native form of everything in it.
async fn export(State(s): State<AppState>, req: ReadCase) -> IrisResult {
    let (a, key) = (&req.actor, Key::Seq(req.case));
    let core = &s.core;
    let c = core.get_case(a, key).await.map_err(case_error)?;
    let users = user_numbers(&s, case_users(&c)).await?;
    let h = history(&s, a, c.number).await?;
    let assets = all_pages(|cursor| {
        core.list_case_assets(
            a,
            key,
            CaseAssetFilter {
                limit: MAX_LIMIT,
                cursor,
                ..CaseAssetFilter::default()
            },
        )
    })
    .await
    .map_err(case_error)?;
    let iocs = all_pages(|cursor| {
        core.list_case_observables(
            a,
            key,
            LinkFilter {
                limit: MAX_LIMIT,
                cursor,
                ..LinkFilter::default()
            },
        )
    })
    .await
    .map_err(case_error)?;
    let timeline = all_pages(|cursor| {
        core.list_timeline(
            a,
            key,
            TimelineFilter {
                limit: MAX_LIMIT,
                cursor,
                ..TimelineFilter::default()
            },
        )
    })
    .await
    .map_err(case_error)?;
    let tasks = all_pages(|cursor| {
        core.list_tasks(
            a,
            Some(key),
            TaskFilter {
                limit: MAX_LIMIT,
                cursor,
                ..TaskFilter::default()
            },
        )
    })
    .await
    .map_err(case_error)?;
    let notes = all_pages(|cursor| {
        core.list_notes(
            a,
            key,
            NoteFilter {
                limit: MAX_LIMIT,
                cursor,
                ..NoteFilter::default()
            },
        )
    })
    .await
    .map_err(case_error)?;
    let evidences = all_pages(|cursor| {
        core.list_evidence(
            a,
            key,
            EvidenceFilter {
                limit: MAX_LIMIT,
                cursor,
                ..EvidenceFilter::default()
            },
        )
    })
    .await
    .map_err(case_error)?;
    ok(
        "",
        json!({
            "case": details_json(&c, &users, h),
            "assets": assets,
            "iocs": iocs,
            "timeline": timeline,
            "tasks": tasks,
            "notes": notes,
            "evidences": evidences,
            "export_date": datetime(Timestamp(dossier_core::time::now_us())),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_prefix() {
        assert_eq!(strip_prefix("#12 - Phishing"), "Phishing");
        assert_eq!(strip_prefix("#1 - #2 - x"), "#2 - x");
        assert_eq!(strip_prefix("#x - y"), "#x - y");
        assert_eq!(strip_prefix("# - y"), "# - y");
        assert_eq!(strip_prefix("Plain"), "Plain");
    }

    #[test]
    fn crc32_is_the_ieee_one() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b"Dummy summary"), 2_277_683_553);
    }

    #[test]
    fn outcomes_and_severities_round_trip() {
        for (id, r, _) in OUTCOMES {
            assert_eq!(outcome_id(r), id);
            assert_eq!(outcome_resolution(id), Some(r));
        }
        assert_eq!(outcome_id(Some(Resolution::Duplicate)), 3);
        assert_eq!(outcome_resolution(6), None);
        assert_eq!(outcome_title(2), "True Positive With Impact");
        for id in 1..=6 {
            assert_eq!(severity_of(id).map(severity_id), Some(id));
        }
        assert_eq!(severity_of(7), None);
    }
}
