//! Timeline events of a case: dated with the offset they were given in, categorised, linked to
//! the case's assets and observables, optionally nested under a parent event.

use std::sync::Arc;

use time::{OffsetDateTime, UtcOffset, format_description::well_known::Rfc3339};
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
        EventAssetRef, EventCategoryRef, EventObservableRef, NewTimelineEvent, Page, TimelineEvent, TimelineEventPatch,
        TimelineFilter, Timestamp,
    },
    paging,
    store::{
        self, Ex, Tx,
        activity::{Audit, Entry},
        reference::RefTable,
        timeline::{EventRow, EventValues, Link, LinkRow},
    },
    time::{now_us, to_datetime},
    validate,
};

pub const MAX_CONTENT: usize = 200_000;
pub const MAX_RAW: usize = 200_000;
pub const MAX_SOURCE: usize = 1000;
/// Most assets (or observables) linked to one event.
pub const MAX_LINKS: usize = 500;

/// Parses RFC 3339 with an offset into (epoch microseconds, `+HH:MM`).
pub(crate) fn parse_zoned(s: &str) -> Option<(i64, String)> {
    let dt = OffsetDateTime::parse(s.trim(), &Rfc3339).ok()?;
    let us = i64::try_from(dt.unix_timestamp_nanos() / 1000).ok()?;
    Some((us, format_offset(dt.offset())))
}

fn format_offset(o: UtcOffset) -> String {
    let total = o.whole_minutes();
    let sign = if total < 0 { '-' } else { '+' };
    let a = total.unsigned_abs();
    format!("{sign}{:02}:{:02}", a / 60, a % 60)
}

fn parse_offset(tz: &str) -> Option<UtcOffset> {
    let (sign, rest) = match tz.as_bytes().first()? {
        b'+' => (1i8, &tz[1..]),
        b'-' => (-1i8, &tz[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    let h: i8 = h.parse().ok()?;
    let m: i8 = m.parse().ok()?;
    UtcOffset::from_hms(sign * h, sign * m, 0).ok()
}

/// The instant as wall time at offset `tz`, RFC 3339 with microseconds.
pub(crate) fn local_time(us: i64, tz: &str) -> String {
    let off = parse_offset(tz).unwrap_or(UtcOffset::UTC);
    let dt = to_datetime(us).to_offset(off);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}{}",
        dt.year(),
        u8::from(dt.month()),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        dt.microsecond(),
        format_offset(off)
    )
}

fn valid_color(c: &str) -> bool {
    c.is_empty() || (c.len() == 7 && c.starts_with('#') && c[1..].bytes().all(|b| b.is_ascii_hexdigit()))
}

fn view(r: EventRow, assets: Vec<LinkRow>, observables: Vec<LinkRow>) -> TimelineEvent {
    TimelineEvent {
        id: r.uuid,
        number: r.seq,
        case_id: r.case_uuid,
        occurred_at: Timestamp(r.occurred_at),
        occurred_at_local: local_time(r.occurred_at, &r.tz),
        tz: r.tz,
        title: r.title,
        content: r.content,
        raw: r.raw,
        source: r.source,
        category: EventCategoryRef {
            id: r.category_id,
            name: r.category_name,
        },
        color: r.color,
        tags: crate::validate::split_tags(r.tags_raw.as_deref()),
        in_summary: r.in_summary,
        in_graph: r.in_graph,
        flagged: r.flagged,
        parent_id: r.parent_uuid,
        assets: assets
            .into_iter()
            .map(|l| EventAssetRef {
                id: l.uuid,
                name: l.label,
            })
            .collect(),
        observables: observables
            .into_iter()
            .map(|l| EventObservableRef {
                id: l.uuid,
                value: l.label,
            })
            .collect(),
        custom: serde_json::from_str(&r.custom).unwrap_or_else(|_| serde_json::json!({})),
        created_at: Timestamp(r.created_at),
        updated_at: Timestamp(r.updated_at),
        created_by: user_ref(r.creator_uuid, r.creator_login, r.creator_name),
        version: r.version,
    }
}

async fn load(mut ex: Ex<'_, '_>, ws: i64, key: Key) -> Result<TimelineEvent> {
    let row = store::timeline::get(ex.reborrow(), ws, key)
        .await?
        .ok_or(Error::not_found("timeline event"))?;
    let a = store::timeline::links_of(ex.reborrow(), Link::Asset, &[row.id])
        .await?
        .remove(&row.id)
        .unwrap_or_default();
    let o = store::timeline::links_of(ex, Link::Observable, &[row.id])
        .await?
        .remove(&row.id)
        .unwrap_or_default();
    Ok(view(row, a, o))
}

/// Checks the text fields; returns the parsed time when one is given.
fn check_fields(
    p: &mut Problems,
    occurred_at: Option<&str>,
    title: Option<&str>,
    content: Option<&str>,
    raw: Option<&str>,
    source: Option<&str>,
    color: Option<&str>,
) -> Option<(i64, String)> {
    if let Some(t) = title {
        p.text("title", t, 1, validate::MAX_TITLE);
    }
    p.opt_text("content", content, MAX_CONTENT);
    p.opt_text("raw", raw, MAX_RAW);
    p.opt_text("source", source, MAX_SOURCE);
    if let Some(c) = color
        && !valid_color(c)
    {
        p.push(
            "color",
            "invalid",
            format!("color: `{c}` is not a #RRGGBB colour (or empty)"),
        );
    }
    let when = occurred_at?;
    let parsed = parse_zoned(when);
    if parsed.is_none() {
        p.push(
            "occurred_at",
            "invalid",
            format!(
                "occurred_at: `{when}` is not an RFC 3339 date-time with an offset, such as 2026-01-02T10:00:00+02:00"
            ),
        );
    }
    parsed
}

fn check_link_count(p: &mut Problems, field: &str, n: usize) {
    if n > MAX_LINKS {
        p.push(field, "too_many", format!("at most {MAX_LINKS} {field}"));
    }
}

/// Resolves link UUIDs to the case's rows; a UUID that is not a link of this case is a 422.
async fn links(tx: &mut Tx<'_>, link: Link, case_id: i64, field: &str, uuids: &[Uuid]) -> Result<Vec<i64>> {
    let found = store::timeline::resolve_links(tx, link, case_id, uuids).await?;
    let mut out = Vec::with_capacity(uuids.len());
    let mut p = Problems::new();
    for (i, u) in uuids.iter().enumerate() {
        match found.get(u) {
            Some(id) => {
                if !out.contains(id) {
                    out.push(*id);
                }
            }
            None => p.push(
                format!("{field}[{i}]"),
                "not_found",
                format!("{field}[{i}]: not an {} of this case", link.what()),
            ),
        }
    }
    p.into_result()?;
    out.sort_unstable();
    Ok(out)
}

/// Resolves a parent event: another event of the same case; for an existing event, not one
/// below it.
async fn parent(tx: &mut Tx<'_>, ws: i64, case_id: i64, this: Option<i64>, u: Uuid) -> Result<i64> {
    let p = store::timeline::get(&mut *tx, ws, Key::Uuid(u))
        .await?
        .filter(|p| p.case_id == case_id)
        .ok_or_else(|| Error::field("parent_id", "not_found", "parent_id: no such event in this case"))?;
    if let Some(this) = this
        && store::timeline::is_within(tx, this, p.id).await?
    {
        return Err(Error::field(
            "parent_id",
            "cycle",
            "parent_id: an event cannot be its own parent or the parent of an event above it",
        ));
    }
    Ok(p.id)
}

async fn index_event(tx: &mut Tx<'_>, ws: i64, id: i64, case_id: i64, v: &EventValues, now: i64) -> Result<()> {
    let body = format!(
        "{}\n{}\n{}",
        v.content.as_deref().unwrap_or(""),
        v.source.as_deref().unwrap_or(""),
        v.raw.as_deref().unwrap_or("")
    );
    store::search::upsert(
        tx,
        &store::search::Doc {
            ws,
            kind: "timeline_event",
            object_id: id,
            case_id: Some(case_id),
            title: &v.title,
            body: crate::note::indexed(&body),
        },
        now,
    )
    .await
}

fn link_uuids(rows: &[LinkRow]) -> Vec<Uuid> {
    rows.iter().map(|r| r.uuid).collect()
}

impl Core {
    async fn check_category(&self, actor: &Actor, field: &str, id: i64) -> Result<()> {
        if store::reference::exists(&self.db, RefTable::EventCategory, actor.workspace_id.0, id).await? {
            Ok(())
        } else {
            Err(Error::field(
                field,
                "unknown_value",
                format!("{field}: no event category {id} (the built-in ones are 1 Unspecified … 15 Impact)"),
            ))
        }
    }

    pub async fn create_timeline_event(
        &self,
        actor: &Actor,
        case: Key,
        input: NewTimelineEvent,
    ) -> Result<TimelineEvent> {
        let c = self.case_ref(actor, case, Need::Write).await?;
        let mut p = Problems::new();
        let when = check_fields(
            &mut p,
            Some(&input.occurred_at),
            Some(&input.title),
            input.content.as_deref(),
            input.raw.as_deref(),
            input.source.as_deref(),
            input.color.as_deref(),
        );
        let tags = validate::tags(&mut p, "tags", &input.tags);
        let custom = validate::custom(&mut p, "custom", input.custom.as_ref());
        check_link_count(&mut p, "assets", input.assets.len());
        check_link_count(&mut p, "observables", input.observables.len());
        p.into_result()?;
        let custom = self
            .check_custom(
                actor.workspace_id.0,
                FieldEntity::TimelineEvent,
                "custom",
                &custom,
                true,
            )
            .await?;
        let (occurred_at, tz) = when.ok_or_else(|| Error::invalid("occurred_at", "occurred_at is required"))?;
        let category_id = input.category_id.unwrap_or(1);
        self.check_category(actor, "category_id", category_id).await?;
        let values = EventValues {
            title: input.title.trim().to_owned(),
            content: input.content.clone(),
            raw: input.raw.clone(),
            source: input.source.clone(),
            occurred_at,
            tz,
            category_id,
            color: input.color.clone().unwrap_or_default(),
            tags_raw: None,
            in_summary: input.in_summary,
            in_graph: input.in_graph.unwrap_or(true),
            flagged: input.flagged,
            parent_id: None,
            custom,
        };
        let audit = Audit::of(actor);
        let shared = Arc::new((input, values, tags));
        self.db
            .write(move |tx| {
                let shared = Arc::clone(&shared);
                let audit = audit.clone();
                Box::pin(async move {
                    let (input, values, tags) = &*shared;
                    let now = now_us();
                    let mut values = values.clone();
                    if let Some(u) = input.parent_id {
                        values.parent_id = Some(parent(tx, audit.ws, c.id(), None, u).await?);
                    }
                    let assets = links(tx, Link::Asset, c.id(), "assets", &input.assets).await?;
                    let observables = links(tx, Link::Observable, c.id(), "observables", &input.observables).await?;
                    values.tags_raw = store::task::canonical_tags(tx, audit.ws, tags, now).await?;
                    let seq = store::workspace::next_seq(tx, audit.ws, "timeline_event", 1).await?;
                    let (id, uuid) =
                        store::timeline::insert(tx, audit.ws, seq, c.id(), &values, audit.actor, now).await?;
                    store::timeline::set_links(tx, Link::Asset, audit.ws, id, &assets, now).await?;
                    store::timeline::set_links(tx, Link::Observable, audit.ws, id, &observables, now).await?;
                    index_event(tx, audit.ws, id, c.id(), &values, now).await?;
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("timeline_event", id, uuid, "create")
                            .case(c.id())
                            .change("title", None, json_str(&values.title))
                            .message(format!("timeline event #{seq} created"))],
                    )
                    .await?;
                    load(Ex::Tx(tx), audit.ws, Key::Uuid(uuid)).await
                })
            })
            .await
    }

    pub async fn get_timeline_event(&self, actor: &Actor, key: Key) -> Result<TimelineEvent> {
        self.owner_case(actor, Owned::TimelineEvent, key, Need::Read).await?;
        load(Ex::Db(&self.db), actor.workspace_id.0, key).await
    }

    /// An event of one case: an event of another case is not found.
    pub async fn get_case_timeline_event(&self, actor: &Actor, case: Key, key: Key) -> Result<TimelineEvent> {
        let c = self.case_ref(actor, case, Need::Read).await?;
        let ws = actor.workspace_id.0;
        let row = store::timeline::get(&self.db, ws, key)
            .await?
            .filter(|r| r.case_id == c.id())
            .ok_or(Error::not_found("timeline event"))?;
        load(Ex::Db(&self.db), ws, Key::Uuid(row.uuid)).await
    }

    /// A case's events by time (then creation order); keyset-paged.
    pub async fn list_timeline(&self, actor: &Actor, case: Key, f: TimelineFilter) -> Result<Page<TimelineEvent>> {
        let c = self.case_ref(actor, case, Need::Read).await?;
        let limit = paging::limit(f.limit)?;
        let after = paging::decode(f.cursor.as_deref(), 2)?;
        let mut p = Problems::new();
        let tags = validate::tags(&mut p, "tags", &f.tags);
        if let Some(q) = &f.q {
            p.text("q", q, 1, 200);
        }
        p.into_result()?;
        for c in &f.category {
            self.check_category(actor, "category", *c).await?;
        }
        let ws = actor.workspace_id.0;
        let filter = store::timeline::ListFilter {
            case_id: c.id(),
            category: f.category.clone(),
            tags,
            from: f.from,
            to: f.to,
            asset: f.asset,
            observable: f.observable,
            q: f.q.clone(),
            in_summary: f.in_summary,
        };
        let backend = self.db.backend();
        let mut rows =
            store::timeline::list(&self.db, backend, ws, &filter, f.descending, after.as_deref(), limit).await?;
        let next_cursor = paging::next(&mut rows, limit, |r| [r.occurred_at, r.id].to_vec());
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut assets = store::timeline::links_of(&self.db, Link::Asset, &ids).await?;
        let mut observables = store::timeline::links_of(&self.db, Link::Observable, &ids).await?;
        let total = if f.count {
            Some(store::timeline::count(&self.db, backend, ws, &filter).await?)
        } else {
            None
        };
        let items = rows
            .into_iter()
            .map(|r| {
                let a = assets.remove(&r.id).unwrap_or_default();
                let o = observables.remove(&r.id).unwrap_or_default();
                view(r, a, o)
            })
            .collect();
        Ok(Page {
            items,
            next_cursor,
            total,
        })
    }

    pub async fn update_timeline_event(
        &self,
        actor: &Actor,
        key: Key,
        patch: TimelineEventPatch,
    ) -> Result<TimelineEvent> {
        self.owner_case(actor, Owned::TimelineEvent, key, Need::Write).await?;
        let mut p = Problems::new();
        let when = check_fields(
            &mut p,
            patch.occurred_at.as_deref(),
            patch.title.as_deref(),
            patch.content.as_ref().and_then(|c| c.as_deref()),
            patch.raw.as_ref().and_then(|c| c.as_deref()),
            patch.source.as_ref().and_then(|c| c.as_deref()),
            patch.color.as_deref(),
        );
        let tags = patch.tags.as_ref().map(|t| validate::tags(&mut p, "tags", t));
        let custom = patch
            .custom
            .as_ref()
            .map(|c| validate::custom(&mut p, "custom", Some(c)));
        check_link_count(&mut p, "assets", patch.assets.as_ref().map_or(0, Vec::len));
        check_link_count(&mut p, "observables", patch.observables.as_ref().map_or(0, Vec::len));
        p.into_result()?;
        let custom = match custom {
            Some(c) => Some(
                self.check_custom(actor.workspace_id.0, FieldEntity::TimelineEvent, "custom", &c, true)
                    .await?,
            ),
            None => None,
        };
        if let Some(c) = patch.category_id {
            self.check_category(actor, "category_id", c).await?;
        }
        let audit = Audit::of(actor);
        let shared = Arc::new((patch, when, tags, custom));
        self.db
            .write(move |tx| {
                let shared = Arc::clone(&shared);
                let audit = audit.clone();
                Box::pin(async move {
                    let (patch, when, tags, custom) = &*shared;
                    let now = now_us();
                    let row = store::timeline::get(&mut *tx, audit.ws, key)
                        .await?
                        .ok_or(Error::not_found("timeline event"))?;
                    if let Some(v) = patch.version
                        && v != row.version
                    {
                        return Err(Error::Conflict(format!(
                            "the event changed since you read it (version {v}, now {}); reload and retry",
                            row.version
                        )));
                    }
                    let old = EventValues::of(&row);
                    let mut new = old.clone();
                    let mut changes: Vec<Entry> = Vec::new();
                    let mut change = |field: &'static str, o: Option<String>, n: Option<String>| {
                        if o != n {
                            changes.push(
                                Entry::new("timeline_event", row.id, row.uuid, "update")
                                    .case(row.case_id)
                                    .change(field, o, n),
                            );
                        }
                    };
                    if let Some((us, tz)) = when {
                        new.occurred_at = *us;
                        new.tz = tz.clone();
                        change(
                            "occurred_at",
                            json_str(&local_time(old.occurred_at, &old.tz)),
                            json_str(&local_time(new.occurred_at, &new.tz)),
                        );
                    }
                    if let Some(t) = &patch.title {
                        new.title = t.trim().to_owned();
                        change("title", json_str(&old.title), json_str(&new.title));
                    }
                    if let Some(c) = &patch.content {
                        new.content = c.clone();
                        change("content", json_str(&old.content), json_str(&new.content));
                    }
                    if let Some(c) = &patch.raw {
                        new.raw = c.clone();
                        change("raw", json_str(&old.raw), json_str(&new.raw));
                    }
                    if let Some(c) = &patch.source {
                        new.source = c.clone();
                        change("source", json_str(&old.source), json_str(&new.source));
                    }
                    if let Some(c) = patch.category_id {
                        new.category_id = c;
                        change("category_id", json_str(&old.category_id), json_str(&new.category_id));
                    }
                    if let Some(c) = &patch.color {
                        new.color = c.clone();
                        change("color", json_str(&old.color), json_str(&new.color));
                    }
                    if let Some(b) = patch.in_summary {
                        new.in_summary = b;
                        change("in_summary", json_str(&old.in_summary), json_str(&new.in_summary));
                    }
                    if let Some(b) = patch.in_graph {
                        new.in_graph = b;
                        change("in_graph", json_str(&old.in_graph), json_str(&new.in_graph));
                    }
                    if let Some(b) = patch.flagged {
                        new.flagged = b;
                        change("flagged", json_str(&old.flagged), json_str(&new.flagged));
                    }
                    if let Some(c) = custom {
                        new.custom = c.clone();
                        if old.custom != new.custom {
                            change("custom", Some(old.custom.clone()), Some(new.custom.clone()));
                        }
                    }
                    if let Some(pu) = &patch.parent_id {
                        new.parent_id = match pu {
                            Some(u) => Some(parent(tx, audit.ws, row.case_id, Some(row.id), *u).await?),
                            None => None,
                        };
                        if new.parent_id != old.parent_id {
                            change("parent_id", json_str(&row.parent_uuid), json_str(pu));
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
                    let mut relink: Vec<(Link, Vec<i64>)> = Vec::new();
                    for (link, field, wanted) in [
                        (Link::Asset, "assets", &patch.assets),
                        (Link::Observable, "observables", &patch.observables),
                    ] {
                        let Some(wanted) = wanted else { continue };
                        let ids = links(tx, link, row.case_id, field, wanted).await?;
                        let current = store::timeline::links_of(&mut *tx, link, &[row.id])
                            .await?
                            .remove(&row.id)
                            .unwrap_or_default();
                        let mut current_ids: Vec<i64> = current.iter().map(|l| l.link_id).collect();
                        current_ids.sort_unstable();
                        if current_ids != ids {
                            let mut is: Vec<Uuid> = Vec::new();
                            for u in wanted {
                                if !is.contains(u) {
                                    is.push(*u);
                                }
                            }
                            change(field, json_str(&link_uuids(&current)), json_str(&is));
                            relink.push((link, ids));
                        }
                    }
                    if changes.is_empty() {
                        return load(Ex::Tx(tx), audit.ws, Key::Uuid(row.uuid)).await;
                    }
                    if !store::timeline::update(tx, row.id, row.version, &new, now).await? {
                        return Err(Error::Conflict(
                            "the event changed while updating; reload and retry".into(),
                        ));
                    }
                    for (link, ids) in &relink {
                        store::timeline::set_links(tx, *link, audit.ws, row.id, ids, now).await?;
                    }
                    if new.title != old.title
                        || new.content != old.content
                        || new.source != old.source
                        || new.raw != old.raw
                    {
                        index_event(tx, audit.ws, row.id, row.case_id, &new, now).await?;
                    }
                    store::activity::record(tx, &audit, now, &changes).await?;
                    load(Ex::Tx(tx), audit.ws, Key::Uuid(row.uuid)).await
                })
            })
            .await
    }

    pub async fn delete_timeline_event(&self, actor: &Actor, key: Key) -> Result<()> {
        self.owner_case(actor, Owned::TimelineEvent, key, Need::Write).await?;
        let audit = Audit::of(actor);
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let event = load(Ex::Tx(tx), audit.ws, key).await?;
                    let row = store::timeline::get(&mut *tx, audit.ws, key)
                        .await?
                        .ok_or(Error::not_found("timeline event"))?;
                    store::timeline::delete(tx, row.id).await?;
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("timeline_event", row.id, row.uuid, "delete")
                            .case(row.case_id)
                            .change("timeline_event", json_str(&event), None)
                            .message(format!("timeline event #{} deleted", row.seq))],
                    )
                    .await
                })
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_offsets_and_renders_local_time() {
        let (us, tz) = parse_zoned("2026-01-02T10:00:00+02:00").unwrap_or_default();
        assert_eq!(tz, "+02:00");
        assert_eq!(crate::time::rfc3339(us), "2026-01-02T08:00:00.000000Z");
        assert_eq!(local_time(us, &tz), "2026-01-02T10:00:00.000000+02:00");
        let (us, tz) = parse_zoned("2026-01-02T05:15:00.5-03:30").unwrap_or_default();
        assert_eq!(tz, "-03:30");
        assert_eq!(local_time(us, &tz), "2026-01-02T05:15:00.500000-03:30");
        assert_eq!(
            parse_zoned("2026-01-02T09:30:00Z").map(|z| z.1).as_deref(),
            Some("+00:00")
        );
        assert!(parse_zoned("2026-01-02T10:00:00").is_none());
        assert!(parse_zoned("yesterday").is_none());
        assert!(valid_color("#00ffAA") && valid_color("") && !valid_color("red") && !valid_color("#fff"));
    }
}
