//! IRIS routes: a case's timeline (`/case/timeline/*`). An IRIS event id is the event's
//! number. IRIS dates an event by its wall time (`event_date`, `YYYY-MM-DDTHH:MM:SS.ffffff`)
//! and zone (`event_tz`, `+HH:MM`); the core keeps the instant and the zone, so the wall time
//! reads back exactly as it was written. Linked assets and IOCs are named by their IRIS ids.

use std::collections::HashMap;

use crate::kit::route::{Routes, get, post};
use axum::extract::{Path, State};
use dossier_core::{
    Actor, CaseFamily, Core, Error, Key, MAX_LIMIT,
    model::{
        CaseAsset, CaseAssetFilter, LinkFilter, NewTimelineEvent, TimelineEvent, TimelineEventPatch, TimelineFilter,
        Timestamp,
    },
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{
    common::{FieldMap, all_pages, family_state, split_tags, translate, user_id},
    ctx::{Fields, ReadCase, WriteCase, lenient_int, path_id},
    wire::{IrisError, IrisResult, datetime, done, ok, parse_datetime},
};
use crate::state::AppState;

const NOT_FOUND: &str = "Invalid event ID for this case";
const NOT_FOUND_DELETE: &str = "Not a valid event ID for this case";

/// The colours IRIS offers (any other is stored as `""`), with the `#RRGGBB` the core keeps for
/// each: IRIS's are translucent, and they stay distinct without the alpha.
const PALETTE: [(&str, &str); 7] = [
    ("#fff", "#ffffff"),
    ("#1572E899", "#1572E8"),
    ("#6861CE99", "#6861CE"),
    ("#48ABF799", "#48ABF7"),
    ("#31CE3699", "#31CE36"),
    ("#F2596199", "#F25961"),
    ("#FFAD4699", "#FFAD46"),
];

/// The core's colour for an IRIS one: `""` for none or one off the palette.
fn core_color(iris: &str) -> String {
    PALETTE
        .iter()
        .find(|(i, _)| *i == iris)
        .map_or_else(String::new, |(_, c)| (*c).to_owned())
}

/// The IRIS colour for the core's: the palette entry it stands for, else as stored.
fn iris_color(core: &str) -> String {
    PALETTE
        .iter()
        .find(|(_, c)| c.eq_ignore_ascii_case(core))
        .map_or_else(|| core.to_owned(), |(i, _)| (*i).to_owned())
}

/// Keys an event add or update must carry, in IRIS's order of checking.
const REQUIRED: [&str; 6] = [
    "event_title",
    "event_date",
    "event_tz",
    "event_category_id",
    "event_assets",
    "event_iocs",
];

const FIELDS: &[FieldMap] = &[
    ("title", "event_title", None),
    ("occurred_at", "event_date", None),
    ("content", "event_content", None),
    ("raw", "event_raw", None),
    ("source", "event_source", None),
    ("category_id", "event_category_id", Some("Invalid event category ID")),
    ("color", "event_color", None),
    ("tags", "event_tags", None),
    ("parent_id", "parent_event_id", None),
    ("assets", "event_assets", None),
    ("observables", "event_iocs", None),
    ("custom", "custom_attributes", None),
];

pub fn routes() -> Routes {
    Routes::new()
        .route("/case/timeline/state", get(state))
        .route("/case/timeline/advanced-filter", get(advanced_filter))
        .route("/case/timeline/events/list", get(list_all))
        .route("/case/timeline/events/list/filter/{asset}", get(list_filtered))
        .route("/case/timeline/events/add", post(add))
        .route("/case/timeline/events/update/{id}", post(update))
        .route("/case/timeline/events/delete/{id}", post(delete).get(delete))
        .route("/case/timeline/events/{id}", get(get_one))
}

// ---- Reading ----

/// The IRIS ids of the case's assets and IOCs, by link id.
struct Ids {
    assets: HashMap<Uuid, CaseAsset>,
    iocs: HashMap<Uuid, i64>,
}

impl Ids {
    /// Loads what `events` link to (nothing when they link to nothing).
    async fn load(core: &Core, actor: &Actor, case: i64, events: &[TimelineEvent]) -> Result<Ids, IrisError> {
        let mut ids = Ids {
            assets: HashMap::new(),
            iocs: HashMap::new(),
        };
        if events.iter().any(|e| !e.assets.is_empty()) {
            let assets = all_pages(|cursor| async move {
                core.list_case_assets(
                    actor,
                    Key::Seq(case),
                    CaseAssetFilter {
                        limit: MAX_LIMIT,
                        cursor,
                        ..Default::default()
                    },
                )
                .await
            })
            .await
            .map_err(IrisError::from)?;
            ids.assets = assets.into_iter().map(|a| (a.id, a)).collect();
        }
        if events.iter().any(|e| !e.observables.is_empty()) {
            let iocs = all_pages(|cursor| async move {
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
            .map_err(IrisError::from)?;
            ids.iocs = iocs.into_iter().map(|o| (o.id, o.number)).collect();
        }
        Ok(ids)
    }

    fn assets(&self, e: &TimelineEvent) -> Vec<Value> {
        e.assets
            .iter()
            .filter_map(|r| self.assets.get(&r.id))
            .map(|a| {
                json!({
                    "asset_id": a.number,
                    "asset_name": a.name,
                    "asset_type_id": a.asset_type.id,
                    "asset_type": a.asset_type.name,
                })
            })
            .collect()
    }

    fn iocs(&self, e: &TimelineEvent) -> Vec<Value> {
        e.observables
            .iter()
            .filter_map(|r| self.iocs.get(&r.id).map(|n| json!({"ioc_id": n, "ioc_value": r.value})))
            .collect()
    }
}

/// The event's wall time in its own zone, without the zone: `2026-01-02T10:00:00.000000`.
fn wall_time(e: &TimelineEvent) -> String {
    let local = &e.occurred_at_local;
    local
        .get(..local.len().saturating_sub(6))
        .map_or_else(|| datetime(e.occurred_at), str::to_owned)
}

/// One event as the timeline lists show it.
fn summary(e: &TimelineEvent, ids: &Ids) -> Value {
    let wall = wall_time(e);
    json!({
        "event_id": e.number,
        "event_uuid": e.id,
        "event_title": e.title,
        "event_date": wall,
        "event_date_wtz": wall,
        "event_tz": e.tz,
        "event_color": iris_color(&e.color),
        "event_tags": e.tags.join(","),
        "event_content": e.content.clone().unwrap_or_default(),
        "event_in_summary": e.in_summary,
        "event_in_graph": e.in_graph,
        "event_category_id": e.category.id,
        "category_name": e.category.name,
        "iocs": ids.iocs(e),
        "assets": ids.assets(e),
    })
}

/// One event as `GET /case/timeline/events/<id>` (and add, update) shows it.
async fn detail(core: &Core, actor: &Actor, case: i64, e: &TimelineEvent) -> Result<Value, IrisError> {
    let ids = Ids::load(core, actor, case, std::slice::from_ref(e)).await?;
    let mut v = summary(e, &ids);
    let parent = match e.parent_id {
        Some(p) => match core.get_timeline_event(actor, Key::Uuid(p)).await {
            Ok(p) => json!(p.number),
            Err(Error::NotFound { .. }) => Value::Null,
            Err(err) => return Err(IrisError::from(err)),
        },
        None => Value::Null,
    };
    if let Value::Object(m) = &mut v {
        let asset_ids: Vec<i64> = e
            .assets
            .iter()
            .filter_map(|r| ids.assets.get(&r.id).map(|a| a.number))
            .collect();
        let ioc_ids: Vec<i64> = e
            .observables
            .iter()
            .filter_map(|r| ids.iocs.get(&r.id).copied())
            .collect();
        m.insert("event_assets".into(), json!(asset_ids));
        m.insert("event_iocs".into(), json!(ioc_ids));
        m.insert("parent_event_id".into(), parent);
        m.insert("event_raw".into(), json!(e.raw));
        m.insert("event_source".into(), json!(e.source));
        m.insert("event_added".into(), json!(datetime(e.created_at)));
        m.insert("user_id".into(), user_id(core, e.created_by.as_ref()).await?);
        m.insert("case_id".into(), json!(case));
        m.insert("custom_attributes".into(), e.custom.clone());
    }
    Ok(v)
}

/// The case's whole timeline, by date; only the events linked to `asset` when given.
async fn events(core: &Core, actor: &Actor, case: i64, asset: Option<Uuid>) -> Result<Vec<TimelineEvent>, IrisError> {
    all_pages(|cursor| async move {
        core.list_timeline(
            actor,
            Key::Seq(case),
            TimelineFilter {
                asset,
                limit: MAX_LIMIT,
                cursor,
                ..Default::default()
            },
        )
        .await
    })
    .await
    .map_err(IrisError::from)
}

async fn timeline(core: &Core, actor: &Actor, case: i64, events: &[TimelineEvent]) -> IrisResult {
    let ids = Ids::load(core, actor, case, events).await?;
    let items: Vec<Value> = events.iter().map(|e| summary(e, &ids)).collect();
    let state = family_state(core, actor, case, CaseFamily::Timeline).await?;
    ok("", json!({"timeline": items, "state": state}))
}

async fn state(State(s): State<AppState>, req: ReadCase) -> IrisResult {
    ok(
        "",
        family_state(&s.core, &req.actor, req.case, CaseFamily::Timeline).await?,
    )
}

async fn list_all(State(s): State<AppState>, req: ReadCase) -> IrisResult {
    let list = events(&s.core, &req.actor, req.case, None).await?;
    timeline(&s.core, &req.actor, req.case, &list).await
}

/// `0` is the whole timeline; an asset that is not in the case has an empty one.
async fn list_filtered(State(s): State<AppState>, Path(asset): Path<String>, req: ReadCase) -> IrisResult {
    let (core, actor, case) = (&*s.core, &req.actor, req.case);
    let n: i64 = asset
        .trim()
        .parse()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(|| IrisError::bad("Invalid asset ID for this case"))?;
    let list = if n == 0 {
        events(core, actor, case, None).await?
    } else {
        match core.get_case_asset(actor, Key::Seq(case), Key::Seq(n)).await {
            Ok(a) => events(core, actor, case, Some(a.id)).await?,
            Err(Error::NotFound { .. }) => Vec::new(),
            Err(e) => return Err(IrisError::from(e)),
        }
    };
    timeline(core, actor, case, &list).await
}

async fn get_one(State(s): State<AppState>, Path(id): Path<String>, req: ReadCase) -> IrisResult {
    let id = path_id(&id, NOT_FOUND)?;
    let e = s
        .core
        .get_case_timeline_event(&req.actor, Key::Seq(req.case), Key::Seq(id))
        .await
        .map_err(|e| IrisError::core(e, NOT_FOUND))?;
    ok("", detail(&s.core, &req.actor, req.case, &e).await?)
}

// ---- Advanced filter ----

/// `text` contains `pattern`, ignoring case; in the pattern `%` is any run of characters and
/// `_` any one character (IRIS passes the terms to SQL `ILIKE '%term%'`).
fn like(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    // Anchored glob match of `%pattern%` over `text`, iteratively with one backtrack point.
    let mut wrapped = Vec::with_capacity(p.len() + 2);
    wrapped.push('%');
    wrapped.extend(p);
    wrapped.push('%');
    let (mut pi, mut ti) = (0usize, 0usize);
    let (mut star, mut mark) = (None::<usize>, 0usize);
    while ti < t.len() {
        if pi < wrapped.len() && (wrapped[pi] == '_' || (wrapped[pi] != '%' && wrapped[pi] == t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < wrapped.len() && wrapped[pi] == '%' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    wrapped[pi..].iter().all(|c| *c == '%')
}

/// The terms of one filter key: a list, or a single value; strings as given, numbers as text.
fn terms(v: &Value) -> Vec<String> {
    let one = |x: &Value| match x {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    match v {
        Value::Array(items) => items.iter().filter_map(one).collect(),
        Value::Null => Vec::new(),
        other => one(other).into_iter().collect(),
    }
}

/// What `?q=` asks for, parsed.
#[derive(Default)]
struct Query {
    assets: Vec<String>,
    asset_ids: Vec<i64>,
    event_ids: Vec<i64>,
    iocs: Vec<String>,
    ioc_ids: Vec<i64>,
    tags: Vec<String>,
    descriptions: Vec<String>,
    categories: Vec<String>,
    raws: Vec<String>,
    titles: Vec<String>,
    sources: Vec<String>,
    start: Option<i64>,
    end: Option<i64>,
    flag: Option<bool>,
}

fn parse_query(raw: Option<&str>) -> Result<Query, IrisError> {
    let invalid = || IrisError::bad("Invalid query string");
    let obj = match raw.map(|s| serde_json::from_str::<Value>(s.trim())) {
        Some(Ok(Value::Object(m))) => m,
        _ => return Err(invalid()),
    };
    let get = |k: &str| obj.get(k).map(terms).unwrap_or_default();
    let ints = |k: &str, err: &str| -> Result<Vec<i64>, IrisError> {
        obj.get(k)
            .map(|v| match v {
                Value::Array(items) => items.iter().map(lenient_int).collect::<Option<Vec<i64>>>(),
                Value::Null => Some(Vec::new()),
                other => lenient_int(other).map(|n| vec![n]),
            })
            .unwrap_or(Some(Vec::new()))
            .ok_or_else(|| IrisError::bad(err))
    };
    let first_date = |k: &str| get(k).first().and_then(|d| parse_datetime(d));
    Ok(Query {
        assets: get("asset"),
        asset_ids: ints("asset_id", "Invalid asset id")?,
        event_ids: ints("event_id", "Invalid event id")?,
        iocs: get("ioc"),
        ioc_ids: ints("ioc_id", "Invalid IOC id")?,
        tags: get("tag"),
        descriptions: get("description"),
        categories: get("category"),
        raws: get("raw"),
        titles: get("title"),
        sources: get("source"),
        start: first_date("startDate"),
        end: first_date("endDate"),
        flag: get("flag").first().map(|f| f.eq_ignore_ascii_case("true")),
    })
}

impl Query {
    fn matches(&self, e: &TimelineEvent, ids: &Ids) -> bool {
        let all_like = |terms: &[String], text: Option<&str>| terms.iter().all(|t| like(t, text.unwrap_or("")));
        let tags = e.tags.join(",");
        let wall = wall_time(e);
        let at = parse_datetime(&wall);
        let linked_assets: Vec<&CaseAsset> = e.assets.iter().filter_map(|r| ids.assets.get(&r.id)).collect();
        let linked_iocs: Vec<(i64, &str)> = e
            .observables
            .iter()
            .filter_map(|r| ids.iocs.get(&r.id).map(|n| (*n, r.value.as_str())))
            .collect();
        (self.event_ids.is_empty() || self.event_ids.contains(&e.number))
            && all_like(&self.tags, Some(&tags))
            && all_like(&self.titles, Some(&e.title))
            && all_like(&self.sources, e.source.as_deref())
            && all_like(&self.descriptions, e.content.as_deref())
            && all_like(&self.raws, e.raw.as_deref())
            && self.categories.iter().all(|c| c.eq_ignore_ascii_case(&e.category.name))
            && self.flag.is_none_or(|f| f == e.flagged)
            && self.start.is_none_or(|s| at.is_some_and(|a| a >= s))
            && self.end.is_none_or(|s| at.is_some_and(|a| a <= s))
            && self
                .assets
                .iter()
                .all(|t| linked_assets.iter().any(|a| like(t, &a.name)))
            && self
                .asset_ids
                .iter()
                .all(|n| linked_assets.iter().any(|a| a.number == *n))
            && (self.iocs.is_empty() || self.iocs.iter().any(|t| linked_iocs.iter().any(|(_, v)| like(t, v))))
            && (self.ioc_ids.is_empty() || linked_iocs.iter().any(|(n, _)| self.ioc_ids.contains(n)))
    }
}

async fn advanced_filter(State(s): State<AppState>, req: ReadCase) -> IrisResult {
    let (core, actor, case) = (&*s.core, &req.actor, req.case);
    let q = parse_query(req.query.get("q"))?;
    let list = events(core, actor, case, None).await?;
    let ids = Ids::load(core, actor, case, &list).await?;
    let items: Vec<Value> = list
        .iter()
        .filter(|e| q.matches(e, &ids))
        .map(|e| summary(e, &ids))
        .collect();
    let state = family_state(core, actor, case, CaseFamily::Timeline).await?;
    ok("ok", json!({"timeline": items, "state": state}))
}

// ---- Writing ----

/// `+HH:MM` / `-HH:MM` with hours 0–23 and minutes 0–59.
fn valid_zone(tz: &str) -> bool {
    let b = tz.as_bytes();
    b.len() == 6
        && matches!(b[0], b'+' | b'-')
        && b[3] == b':'
        && [b[1], b[2], b[4], b[5]].iter().all(u8::is_ascii_digit)
        && (b[1] - b'0') * 10 + (b[2] - b'0') < 24
        && (b[4] - b'0') * 10 + (b[5] - b'0') < 60
}

/// `event_date` (the wall time) and `event_tz` as one RFC 3339 instant with its offset.
fn occurred_at(f: &Fields) -> Result<String, IrisError> {
    let invalid = || IrisError::field("event_date", "Invalid date time");
    let date = f.opt_str("event_date")?.ok_or_else(invalid)?;
    let tz = f.opt_str("event_tz")?.unwrap_or_default();
    let tz = tz.trim();
    if !valid_zone(tz) {
        return Err(invalid());
    }
    let wall = parse_datetime(&date).ok_or_else(invalid)?;
    Ok(format!("{}{tz}", datetime(Timestamp(wall))))
}

/// Every required key is present (`Missing field <key>`).
fn require_keys(f: &Fields) -> Result<(), IrisError> {
    match REQUIRED.iter().find(|k| !f.has(k)) {
        Some(k) => Err(IrisError::field(k, format!("Missing field {k}"))),
        None => Ok(()),
    }
}

fn title(f: &Fields) -> Result<String, IrisError> {
    let t = f.req_str("event_title")?;
    if t.trim().chars().count() < 2 {
        return Err(IrisError::field("event_title", "Shorter than minimum length 2."));
    }
    Ok(t)
}

fn category(f: &Fields) -> Result<i64, IrisError> {
    f.req_int("event_category_id")
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| IrisError::field("event_category_id", "Invalid event category ID"))
}

/// An off-palette colour is stored as `""`, as IRIS does.
fn color(f: &Fields) -> Result<Option<String>, IrisError> {
    Ok(f.opt_str("event_color")?.map(|c| core_color(&c)))
}

/// The link ids of the case's assets (`event_assets`) named by IRIS id.
async fn asset_links(core: &Core, actor: &Actor, case: i64, f: &Fields) -> Result<Vec<Uuid>, IrisError> {
    let invalid = || IrisError::field("event_assets", "Invalid assets ID");
    let mut out = Vec::new();
    for n in f.int_list("event_assets").map_err(|_| invalid())? {
        if n <= 0 {
            return Err(invalid());
        }
        match core.get_case_asset(actor, Key::Seq(case), Key::Seq(n)).await {
            Ok(a) => out.push(a.id),
            Err(Error::NotFound { .. }) => return Err(invalid()),
            Err(e) => return Err(IrisError::from(e)),
        }
    }
    Ok(out)
}

/// The link ids of the case's IOCs (`event_iocs`) named by IRIS id.
async fn ioc_links(core: &Core, actor: &Actor, case: i64, f: &Fields) -> Result<Vec<Uuid>, IrisError> {
    let invalid = || IrisError::field("event_iocs", "Invalid IOC ID");
    let mut out = Vec::new();
    for n in f.int_list("event_iocs").map_err(|_| invalid())? {
        if n <= 0 {
            return Err(invalid());
        }
        match core.get_case_observable(actor, Key::Seq(case), Key::Seq(n)).await {
            Ok(o) => out.push(o.id),
            Err(Error::NotFound { .. }) => return Err(invalid()),
            Err(e) => return Err(IrisError::from(e)),
        }
    }
    Ok(out)
}

/// `parent_event_id`: another event of the case (absent, `null` or `0` for none).
async fn parent(core: &Core, actor: &Actor, case: i64, f: &Fields) -> Result<Option<Uuid>, IrisError> {
    let invalid = || IrisError::field("parent_event_id", "Invalid parent event ID");
    match f.opt_int("parent_event_id").map_err(|_| invalid())? {
        None | Some(0) => Ok(None),
        Some(n) if n < 0 => Err(invalid()),
        Some(n) => match core.get_case_timeline_event(actor, Key::Seq(case), Key::Seq(n)).await {
            Ok(p) => Ok(Some(p.id)),
            Err(Error::NotFound { .. }) => Err(invalid()),
            Err(e) => Err(IrisError::from(e)),
        },
    }
}

/// `event_sync_iocs_assets`: link each of the event's IOCs to each of its assets.
async fn sync_links(core: &Core, actor: &Actor, case: i64, f: &Fields, e: &TimelineEvent) -> Result<(), IrisError> {
    if f.opt_bool("event_sync_iocs_assets")? != Some(true) {
        return Ok(());
    }
    let assets: Vec<Key> = e.assets.iter().map(|a| Key::Uuid(a.id)).collect();
    let iocs: Vec<Key> = e.observables.iter().map(|o| Key::Uuid(o.id)).collect();
    core.link_case_assets_observables(actor, Key::Seq(case), &assets, &iocs)
        .await
        .map_err(|e| translate(e, FIELDS, NOT_FOUND))
}

/// A key that is present: `Some(value)` (`Some(None)` for `null`).
fn present(f: &Fields, key: &str) -> Result<Option<Option<String>>, IrisError> {
    if f.has(key) {
        Ok(Some(f.opt_str(key)?))
    } else {
        Ok(None)
    }
}

async fn add(State(s): State<AppState>, req: WriteCase) -> IrisResult {
    let (core, actor, case, f) = (&*s.core, &req.actor, req.case, &req.body);
    require_keys(f)?;
    let title = title(f)?;
    let category_id = category(f)?;
    let occurred_at = occurred_at(f)?;
    let input = NewTimelineEvent {
        occurred_at,
        title,
        content: f.opt_str("event_content")?,
        raw: f.opt_str("event_raw")?,
        source: f.opt_str("event_source")?,
        category_id: Some(category_id),
        color: color(f)?,
        tags: split_tags(f.opt_str("event_tags")?.as_deref()),
        in_summary: f.opt_bool("event_in_summary")?.unwrap_or(false),
        in_graph: Some(f.opt_bool("event_in_graph")?.unwrap_or(true)),
        flagged: false,
        parent_id: parent(core, actor, case, f).await?,
        assets: asset_links(core, actor, case, f).await?,
        observables: ioc_links(core, actor, case, f).await?,
        custom: f.opt_object("custom_attributes")?.map(Value::Object),
    };
    let e = core
        .create_timeline_event(actor, Key::Seq(case), input)
        .await
        .map_err(|e| translate(e, FIELDS, NOT_FOUND))?;
    sync_links(core, actor, case, f, &e).await?;
    ok("Event added", detail(core, actor, case, &e).await?)
}

async fn update(State(s): State<AppState>, Path(id): Path<String>, req: WriteCase) -> IrisResult {
    let (core, actor, case, f) = (&*s.core, &req.actor, req.case, &req.body);
    let id = path_id(&id, NOT_FOUND)?;
    // An unknown event is reported before anything in the body.
    let current = core
        .get_case_timeline_event(actor, Key::Seq(case), Key::Seq(id))
        .await
        .map_err(|e| IrisError::core(e, NOT_FOUND))?;
    require_keys(f)?;
    let patch = TimelineEventPatch {
        occurred_at: Some(occurred_at(f)?),
        title: Some(title(f)?),
        content: present(f, "event_content")?,
        raw: present(f, "event_raw")?,
        source: present(f, "event_source")?,
        category_id: Some(category(f)?),
        color: color(f)?,
        tags: present(f, "event_tags")?.map(|t| split_tags(t.as_deref())),
        in_summary: f.opt_bool("event_in_summary")?,
        in_graph: f.opt_bool("event_in_graph")?,
        flagged: None,
        // Absent or null keeps the parent (the client sends one only to set it).
        parent_id: parent(core, actor, case, f).await?.map(Some),
        assets: Some(asset_links(core, actor, case, f).await?),
        observables: Some(ioc_links(core, actor, case, f).await?),
        custom: f.opt_object("custom_attributes")?.map(Value::Object),
        version: None,
    };
    let e = core
        .update_timeline_event(actor, Key::Uuid(current.id), patch)
        .await
        .map_err(|e| translate(e, FIELDS, NOT_FOUND))?;
    sync_links(core, actor, case, f, &e).await?;
    ok("Event updated", detail(core, actor, case, &e).await?)
}

async fn delete(State(s): State<AppState>, Path(id): Path<String>, req: WriteCase) -> IrisResult {
    let (core, actor, case) = (&*s.core, &req.actor, req.case);
    let id = path_id(&id, NOT_FOUND_DELETE)?;
    let e = core
        .get_case_timeline_event(actor, Key::Seq(case), Key::Seq(id))
        .await
        .map_err(|e| IrisError::core(e, NOT_FOUND_DELETE))?;
    core.delete_timeline_event(actor, Key::Uuid(e.id))
        .await
        .map_err(|e| IrisError::core(e, NOT_FOUND_DELETE))?;
    done(format!("Event ID {id} deleted"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_is_a_case_insensitive_substring_with_wildcards() {
        assert!(like("%", ""));
        assert!(like("%", "anything"));
        assert!(like("", "x"));
        assert!(like("lat", "Lateral movement"));
        assert!(like("MOV", "lateral movement"));
        assert!(like("l%l", "lateral"));
        assert!(like("a_e", "lateral"));
        assert!(!like("a_e", "tag1"));
        assert!(!like("xyz", "lateral"));
        assert!(like("tag1", "tag1,tag2"));
        assert!(!like("tag3", "tag1,tag2"));
    }

    #[test]
    fn the_palette_round_trips() {
        for (iris, _) in PALETTE {
            assert_eq!(iris_color(&core_color(iris)), iris);
        }
        assert_eq!(core_color("#123456"), "");
        assert_eq!(core_color(""), "");
        assert_eq!(iris_color(""), "");
        assert_eq!(iris_color("#1572e8"), "#1572E899");
        assert_eq!(iris_color("#123456"), "#123456", "a native colour reads as stored");
    }

    #[test]
    fn zones_are_plus_or_minus_hh_mm() {
        assert!(valid_zone("+00:00") && valid_zone("-03:30") && valid_zone("+23:59"));
        assert!(!valid_zone("+24:00") && !valid_zone("01:00") && !valid_zone("+1:00") && !valid_zone("Z"));
    }

    #[test]
    fn queries_parse_like_iris() {
        assert!(parse_query(Some("{}")).is_ok());
        assert!(parse_query(Some("not json")).is_err());
        assert!(parse_query(None).is_err());
        assert!(parse_query(Some("[1]")).is_err());
        let q = parse_query(Some(r#"{"tag":["%"],"event_id":["3",4],"flag":["true"]}"#)).unwrap_or_default();
        assert_eq!(q.tags, vec!["%".to_owned()]);
        assert_eq!(q.event_ids, vec![3, 4]);
        assert_eq!(q.flag, Some(true));
        assert!(parse_query(Some(r#"{"event_id":["x"]}"#)).is_err());
    }
}
