//! Helpers every IRIS route family uses: unpaginated lists over keyset pages, `state`,
//! core errors under IRIS field names, tags, case names, user numbers and
//! `modification_history`.

use std::{collections::HashMap, future::Future};

use dossier_core::{
    Actor, CaseFamily, Core, Error, FamilyState,
    model::{Activity, Page, UserRef},
};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::wire::{IrisError, opt_datetime};
use crate::state::AppState;

/// IRIS `state`: `{object_state, object_last_update}`.
pub(super) fn state_json(s: FamilyState) -> Value {
    json!({"object_state": s.counter, "object_last_update": opt_datetime(s.last_update)})
}

/// The change counter of one family of a case's objects, as IRIS shows it.
pub(super) async fn family_state(
    core: &Core,
    actor: &Actor,
    case: i64,
    family: CaseFamily,
) -> Result<Value, IrisError> {
    let s = core
        .case_family_state(actor, case, family)
        .await
        .map_err(|e| IrisError::core(e, "Invalid case ID"))?;
    Ok(state_json(s))
}

/// Every item of a keyset-paged core list (IRIS lists are not paginated).
pub(super) async fn all_pages<T, F, Fut>(mut page: F) -> Result<Vec<T>, Error>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>, Error>>,
{
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let p = page(cursor.take()).await?;
        out.extend(p.items);
        match p.next_cursor {
            Some(c) => cursor = Some(c),
            None => return Ok(out),
        }
    }
}

/// How a core field reads in this dialect: (core field, IRIS field, IRIS message for an
/// unknown reference value).
pub(super) type FieldMap = (&'static str, &'static str, Option<&'static str>);

/// A core error in IRIS's words: validation problems under the IRIS field names (reference
/// lookups with IRIS's own message), anything else as [`IrisError::core`].
pub(super) fn translate(e: Error, map: &[FieldMap], not_found: &str) -> IrisError {
    let Error::Validation(problems) = e else {
        return IrisError::core(e, not_found);
    };
    let mut data = Map::new();
    for p in problems {
        let top = p.field.split(['.', '[']).next().unwrap_or(&p.field);
        let (name, message) = match map.iter().find(|(core, _, _)| *core == top) {
            Some((_, iris, Some(fixed))) if p.code == "unknown_value" => ((*iris).to_owned(), (*fixed).to_owned()),
            Some((_, iris, _)) => ((*iris).to_owned(), p.message.clone()),
            None => (p.field.clone(), p.message.clone()),
        };
        if let Value::Array(list) = data.entry(name).or_insert_with(|| json!([])) {
            list.push(Value::String(message));
        }
    }
    IrisError::new(axum::http::StatusCode::BAD_REQUEST, "Data error", Value::Object(data))
}

/// IRIS tags are one comma-separated string; blanks between commas are ignored.
pub(super) use dossier_core::split_tags;

/// Tags as IRIS sends them back: joined with `,`, `null` when there are none.
pub(super) fn joined_tags(tags: &[String]) -> Value {
    if tags.is_empty() {
        Value::Null
    } else {
        Value::String(tags.join(","))
    }
}

/// A case name as IRIS shows it: `#<number> - <title>`.
pub(super) fn case_name(number: i64, title: &str) -> String {
    format!("#{number} - {title}")
}

/// The IRIS user id of a user reference (`null` for none).
pub(super) async fn user_id(core: &Core, user: Option<&UserRef>) -> Result<Value, IrisError> {
    let Some(u) = user else {
        return Ok(Value::Null);
    };
    let numbers = core.user_numbers(&[u.id]).await.map_err(IrisError::from)?;
    Ok(numbers.get(&u.id).map_or(Value::Null, |n| json!(n)))
}

/// IRIS `modification_history`: `{"<epoch seconds>": {user, user_id, action}}`, from an
/// object's audit trail.
pub(super) async fn history(core: &Core, trail: Result<Page<Activity>, Error>) -> Result<Value, IrisError> {
    let trail = trail.map_err(IrisError::from)?;
    let uuids: Vec<_> = trail
        .items
        .iter()
        .filter_map(|a| a.actor.as_ref().map(|u| u.id))
        .collect();
    let numbers = core.user_numbers(&uuids).await.map_err(IrisError::from)?;
    let mut out = Map::new();
    // Oldest first, so that the keys read in order.
    for a in trail.items.iter().rev() {
        let at = a.at.0;
        let key = format!("{}.{:06}", at.div_euclid(1_000_000), at.rem_euclid(1_000_000));
        let action = match a.action.as_str() {
            "create" => "created".to_owned(),
            "update" => "updated".to_owned(),
            "delete" => "deleted".to_owned(),
            other => other.to_owned(),
        };
        out.insert(
            key,
            json!({
                "user": a.actor.as_ref().map(|u| u.login.clone()),
                "user_id": a.actor.as_ref().and_then(|u| numbers.get(&u.id)),
                "action": action,
            }),
        );
    }
    Ok(Value::Object(out))
}

/// The IRIS number of each user in `refs` (absent ones are skipped).
pub(super) async fn user_numbers<'a>(
    s: &AppState,
    refs: impl IntoIterator<Item = &'a UserRef>,
) -> Result<HashMap<Uuid, i64>, IrisError> {
    let mut uuids: Vec<Uuid> = refs.into_iter().map(|u| u.id).collect();
    uuids.sort_unstable();
    uuids.dedup();
    Ok(s.core.user_numbers(&uuids).await?)
}

/// A user's IRIS number, `null` when there is none.
pub(super) fn number_of(numbers: &HashMap<Uuid, i64>, user: Option<&UserRef>) -> Value {
    user.and_then(|u| numbers.get(&u.id))
        .map_or(Value::Null, |n| Value::from(*n))
}
