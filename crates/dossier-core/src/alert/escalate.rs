//! Escalation (a new case from an alert), merging (into an existing case) and unmerging: one
//! set of rules for every API (see `alert/mod.rs`). Dialects choose what is imported and the
//! wording of what the case shows; the rules are not theirs to choose.

use std::sync::Arc;

use uuid::Uuid;

use super::{how, load, query::load_record, record::AlertRecord};
use crate::{
    Core,
    access::{self, Need},
    actor::Actor,
    capability::Capability,
    case::{insert_case, json_str, load as load_case},
    error::{Error, Problems, Result},
    ids::Key,
    model::{Alert, Case, Pap, Priority, Status, Tlp, alert_state},
    store::{
        self, Ex, Tx,
        access::{CaseKey, Scope},
        activity::{Audit, Entry},
        alert::AlertRow,
        case::{CaseRow, CaseValues},
        observable::LinkValues,
        term::Owner,
    },
    time::now_us,
    validate,
};

/// Which of an alert's observables (or assets) an escalation or a merge imports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Selection {
    /// Every one the alert names.
    #[default]
    All,
    /// The alert's links with these ids (unknown ones are ignored).
    Only(Vec<Uuid>),
}

impl Selection {
    fn takes(&self, link: &Uuid) -> bool {
        match self {
            Selection::All => true,
            Selection::Only(list) => list.contains(link),
        }
    }
}

/// What the wording of an escalation or a merge is made from.
#[derive(Debug, Clone, Copy)]
pub struct AlertText<'a> {
    pub number: i64,
    pub title: &'a str,
    pub description: &'a str,
    /// The escalation or merge note, when one was given (never blank).
    pub note: Option<&'a str>,
    /// The display name of the user escalating or merging.
    by: &'a str,
}

impl AlertText<'_> {
    pub fn by(&self) -> &str {
        self.by
    }
}

/// How a dialect words what an escalation or a merge writes: presentation only.
#[derive(Debug, Clone, Copy)]
pub struct Wording {
    /// The new case's title when none is given.
    pub case_title: fn(&AlertText<'_>) -> String,
    /// The new case's description.
    pub case_description: fn(&AlertText<'_>) -> String,
    /// What a merge note appends to the target case's description.
    pub merge_note: fn(&AlertText<'_>) -> String,
    /// The title of the timeline event an import may add.
    pub event_title: fn(&AlertText<'_>) -> String,
}

impl Wording {
    /// The native API's: the alert's own title and description, notes as plain paragraphs.
    pub const PLAIN: Wording = Wording {
        case_title: |a| a.title.to_owned(),
        case_description: |a| match a.note {
            Some(n) => format!("{}\n\n{n}", a.description),
            None => a.description.to_owned(),
        },
        merge_note: |a| format!("\n\n{}", a.note.unwrap_or_default()),
        event_title: |a| a.title.to_owned(),
    };
}

impl Default for Wording {
    fn default() -> Self {
        Wording::PLAIN
    }
}

/// What an escalation or a merge brings into the case, and how it is worded.
#[derive(Debug, Clone, Default)]
pub struct AlertImport {
    pub observables: Selection,
    pub assets: Selection,
    pub note: Option<String>,
    /// Also add a timeline event for the alert, linked to what was imported.
    pub as_event: bool,
    /// Escalation only: the new case's title (default: the wording's).
    pub case_title: Option<String>,
    /// Escalation only: the new case's tags (default: the alert's).
    pub case_tags: Option<Vec<String>>,
    pub wording: Wording,
}

/// The outcome of a merge: the alert and the case it joined.
#[derive(Debug, Clone)]
pub struct Merged {
    pub alert: Alert,
    pub case: Case,
}

fn text<'a>(a: &'a AlertRow, note: Option<&'a str>, by: &'a str) -> AlertText<'a> {
    AlertText {
        number: a.seq,
        title: &a.title,
        description: &a.description,
        note: note.filter(|n| !n.trim().is_empty()),
        by,
    }
}

/// The case a merge or an unmerge targets, in the caller's workspace, which the caller must be
/// able to change (the case access rule): a case hidden from them is "no such case".
async fn target_case(tx: &mut Tx<'_>, audit: &Audit, scope: &Scope, case: Key) -> Result<CaseRow> {
    let unknown = || Error::field("case_id", "not_found", "case_id: no such case in this workspace");
    let c = match access::check_in(Ex::Tx(tx), audit.ws, scope, CaseKey::Client(case), Need::Write).await {
        Ok(c) => c,
        Err(Error::NotFound { .. }) => return Err(unknown()),
        Err(e) => return Err(e),
    };
    store::case::get(&mut *tx, audit.ws, Key::Uuid(c.uuid()))
        .await?
        .ok_or_else(unknown)
}

impl Core {
    /// Opens a new case from an alert (the native "promote", IRIS "escalate"); the alert is
    /// linked and marked escalated. An alert already escalated is a conflict.
    pub async fn escalate_alert(&self, actor: &Actor, key: Key, import: AlertImport) -> Result<Case> {
        actor.require_write()?;
        self.require_capability(actor, Capability::AlertsWrite).await?;
        let mut p = Problems::new();
        if let Some(t) = &import.case_title {
            p.text("title", t, 1, validate::MAX_TITLE);
        }
        p.opt_text("note", import.note.as_deref(), validate::MAX_DESCRIPTION);
        let case_tags = import
            .case_tags
            .as_ref()
            .map(|t| validate::tags(&mut p, "case_tags", t));
        p.into_result()?;
        let audit = Audit::of(actor);
        let ws_uuid = actor.workspace_uuid;
        let by = actor.name.clone();
        let shared = Arc::new((import, case_tags, by));
        self.db
            .write(move |tx| {
                let shared = Arc::clone(&shared);
                let audit = audit.clone();
                Box::pin(async move {
                    let (import, case_tags, by) = &*shared;
                    let now = now_us();
                    let a = store::alert::get(&mut *tx, audit.ws, key)
                        .await?
                        .ok_or(Error::not_found("alert"))?;
                    if a.state_id == alert_state::ESCALATED {
                        let cases = store::alert::case_numbers_of(&mut *tx, &[a.id])
                            .await?
                            .remove(&a.id)
                            .unwrap_or_default();
                        let to = cases.first().map(|c| format!(" (case #{c})")).unwrap_or_default();
                        return Err(Error::Conflict(format!("alert #{} was already escalated{to}", a.seq)));
                    }
                    let d = store::alert::current_details(tx, a.id).await?;
                    let words = text(&a, import.note.as_deref(), by);
                    let title = match import.case_title.as_deref().map(str::trim) {
                        Some(t) if !t.is_empty() => t.to_owned(),
                        _ => (import.wording.case_title)(&words),
                    };
                    let tags = match case_tags {
                        Some(t) => t.clone(),
                        None => store::term::tags_of(&mut *tx, Owner::Alert, &[a.id])
                            .await?
                            .remove(&a.id)
                            .unwrap_or_default(),
                    };
                    let values = CaseValues {
                        title,
                        description: Some((import.wording.case_description)(&words)),
                        state_id: Status::New.default_case_state(),
                        status: Status::New.ordinal(),
                        severity: a.severity,
                        priority: Priority::Unknown.ordinal(),
                        resolution: None,
                        tlp: a.tlp.unwrap_or(Tlp::Amber.ordinal()),
                        pap: a.pap.unwrap_or(Pap::Amber.ordinal()).min(Pap::Red.ordinal()),
                        owner_id: a.owner_id.or(audit.actor),
                        reviewer_id: None,
                        customer_id: d.customer_id,
                        classification_id: d.classification_id,
                        external_ref: Some(a.seq.to_string()),
                        external_link: a.source_link.clone(),
                        closing_note: None,
                        custom: "{}".into(),
                        occurred_at: a.event_time,
                        closed_at: None,
                    };
                    let origin = format!("alert #{}", a.seq);
                    let (case_id, case_uuid) = insert_case(tx, &audit, &values, &tags, now, Some(&origin)).await?;
                    store::case::link_alert(tx, audit.ws, case_id, a.id, how::ESCALATE, now).await?;
                    let (obs, assets) = import_into_case(tx, &audit, case_id, a.id, import, now).await?;
                    if import.as_event {
                        let title = (import.wording.event_title)(&words);
                        alert_event(tx, &audit, case_id, &a, title, (&obs, &assets), now).await?;
                    }
                    mark(tx, &audit, case_id, &a, Mark::Escalated, now).await?;
                    load_case(store::Ex::Tx(tx), audit.ws, ws_uuid, Key::Uuid(case_uuid)).await
                })
            })
            .await
    }

    /// Attaches an alert to an existing case with the chosen observables and assets; a note is
    /// appended to the case's description. The alert is marked merged (an escalated alert
    /// stays escalated). Merging again into the same case reuses what the case holds.
    pub async fn merge_alert(&self, actor: &Actor, key: Key, case: Key, import: AlertImport) -> Result<Merged> {
        actor.require_write()?;
        self.require_capability(actor, Capability::AlertsWrite).await?;
        let scope = self.access_scope(actor).await?;
        let mut p = Problems::new();
        p.opt_text("note", import.note.as_deref(), validate::MAX_DESCRIPTION);
        p.into_result()?;
        let audit = Audit::of(actor);
        let ws_uuid = actor.workspace_uuid;
        let by = actor.name.clone();
        let shared = Arc::new((import, by));
        self.db
            .write(move |tx| {
                let shared = Arc::clone(&shared);
                let audit = audit.clone();
                Box::pin(async move {
                    let (import, by) = &*shared;
                    let now = now_us();
                    let a = store::alert::get(&mut *tx, audit.ws, key)
                        .await?
                        .ok_or(Error::not_found("alert"))?;
                    let c = target_case(tx, &audit, &scope, case).await?;
                    store::case::link_alert(tx, audit.ws, c.id, a.id, how::MERGE, now).await?;
                    let (obs, assets) = import_into_case(tx, &audit, c.id, a.id, import, now).await?;
                    let words = text(&a, import.note.as_deref(), by);
                    if import.as_event {
                        let title = (import.wording.event_title)(&words);
                        alert_event(tx, &audit, c.id, &a, title, (&obs, &assets), now).await?;
                    }
                    if words.note.is_some() {
                        let mut v = CaseValues::of(&c);
                        let before = v.description.clone().unwrap_or_default();
                        let after = format!("{before}{}", (import.wording.merge_note)(&words));
                        v.description = Some(after.clone());
                        if !store::case::update(tx, c.id, c.version, &v, now).await? {
                            return Err(Error::Conflict("the case changed while merging; retry".into()));
                        }
                        store::case::add_summary_version(tx, audit.ws, c.id, &after, audit.actor, now).await?;
                        store::activity::record(
                            tx,
                            &audit,
                            now,
                            &[Entry::new("case", c.id, c.uuid, "update").case(c.id).change(
                                "description",
                                json_str(&before),
                                json_str(&after),
                            )],
                        )
                        .await?;
                    } else {
                        store::case::touch(tx, c.id, now).await?;
                    }
                    let how = if a.state_id == alert_state::ESCALATED {
                        Mark::MergedKeepingEscalation
                    } else {
                        Mark::Merged
                    };
                    mark(tx, &audit, c.id, &a, how, now).await?;
                    let alert = load(store::Ex::Tx(tx), audit.ws, ws_uuid, Key::Uuid(a.uuid)).await?;
                    let case = load_case(store::Ex::Tx(tx), audit.ws, ws_uuid, Key::Uuid(c.uuid)).await?;
                    Ok(Merged { alert, case })
                })
            })
            .await
    }

    /// Detaches an alert from a case it was merged or escalated into. What was copied into the
    /// case stays there.
    pub async fn unmerge_alert(&self, actor: &Actor, key: Key, case: Key) -> Result<AlertRecord> {
        actor.require_write()?;
        self.require_capability(actor, Capability::AlertsWrite).await?;
        let scope = self.access_scope(actor).await?;
        let audit = Audit::of(actor);
        let ws_uuid = actor.workspace_uuid;
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let a = store::alert::get(&mut *tx, audit.ws, key)
                        .await?
                        .ok_or(Error::not_found("alert"))?;
                    let c = target_case(tx, &audit, &scope, case).await?;
                    if !store::alert::unlink_case(tx, c.id, a.id).await? {
                        return Err(Error::Conflict(format!(
                            "alert #{} is not merged into case #{}",
                            a.seq, c.seq
                        )));
                    }
                    store::case::touch(tx, c.id, now).await?;
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("alert", a.id, a.uuid, "unmerge")
                            .case(c.id)
                            .message(format!("alert #{} unmerged from case #{}", a.seq, c.seq))],
                    )
                    .await?;
                    load_record(store::Ex::Tx(tx), audit.ws, ws_uuid, Key::Uuid(a.uuid)).await
                })
            })
            .await
    }
}

/// What linking an alert to a case does to its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Escalated,
    Merged,
    /// Merged into another case after its escalation: the state stays escalated.
    MergedKeepingEscalation,
}

/// Marks an alert escalated or merged into a case, with its audit entries.
async fn mark(tx: &mut Tx<'_>, audit: &Audit, case_id: i64, a: &AlertRow, how: Mark, now: i64) -> Result<()> {
    let (action, state) = match how {
        Mark::Escalated => ("escalate", Some((alert_state::ESCALATED, "escalated"))),
        Mark::Merged => ("merge", Some((alert_state::MERGED, "merged"))),
        Mark::MergedKeepingEscalation => ("merge", None),
    };
    let mut entries = vec![
        Entry::new("alert", a.id, a.uuid, action)
            .case(case_id)
            .message(format!("alert #{} {action}d into this case", a.seq)),
    ];
    if let Some((state, code)) = state {
        store::alert::set_state(tx, a.id, state, Status::Closed.ordinal(), now).await?;
        entries.push(Entry::new("alert", a.id, a.uuid, "update").change(
            "state",
            json_str(&a.state_code),
            json_str(&code),
        ));
    } else {
        store::alert::touch(tx, a.id, now).await?;
    }
    store::activity::record(tx, audit, now, &entries).await
}

/// Copies chosen observables and assets of an alert into a case (what the case already holds
/// is reused); new assets are linked to the copied observables. Returns the case's observable
/// and asset link ids.
async fn import_into_case(
    tx: &mut Tx<'_>,
    audit: &Audit,
    case_id: i64,
    alert_id: i64,
    import: &AlertImport,
    now: i64,
) -> Result<(Vec<i64>, Vec<i64>)> {
    use store::observable::Link;
    let mut obs_ids = Vec::new();
    let mut entries = Vec::new();
    let rows = store::alert::observables_of(&mut *tx, &[alert_id])
        .await?
        .remove(&alert_id)
        .unwrap_or_default();
    for r in rows.into_iter().filter(|r| import.observables.takes(&r.uuid)) {
        if let Some(existing) = store::observable::link_of(&mut *tx, Link::Case, case_id, r.observable_id).await? {
            obs_ids.push(existing.id);
            continue;
        }
        let seq = store::workspace::next_seq(tx, audit.ws, "case_observable", 1).await?;
        let values = LinkValues {
            observable_id: r.observable_id,
            tlp: Some(r.tlp.unwrap_or(Tlp::Amber.ordinal())),
            description: r.description.clone(),
            tags_raw: r.tags_raw.clone(),
            is_ioc: r.is_ioc,
            custom: "{}".into(),
        };
        if let Some((id, uuid)) =
            store::observable::insert_case_link(tx, audit.ws, seq, case_id, &values, audit.actor, now).await?
        {
            obs_ids.push(id);
            entries.push(
                Entry::new("case_observable", id, uuid, "create")
                    .case(case_id)
                    .change("value", None, json_str(&r.value))
                    .message(format!(
                        "observable #{seq} ({} {}) imported from an alert",
                        r.type_name, r.value
                    )),
            );
        }
    }
    let mut asset_ids = Vec::new();
    let rows = store::alert::assets_of(&mut *tx, &[alert_id])
        .await?
        .remove(&alert_id)
        .unwrap_or_default();
    for r in rows.into_iter().filter(|r| import.assets.takes(&r.uuid)) {
        if let Some((existing, _)) = store::asset::link_of(&mut *tx, case_id, r.asset_id).await? {
            asset_ids.push(existing);
            continue;
        }
        let seq = store::workspace::next_seq(tx, audit.ws, "case_asset", 1).await?;
        let values = store::asset::CaseAssetValues {
            asset_id: r.asset_id,
            description: r.description.clone(),
            domain: r.domain.clone(),
            ip: r.ip.clone(),
            info: r.info.clone(),
            tags_raw: r.tags_raw.clone(),
            compromise_status: 0,
            analysis_status_id: 1,
            custom: "{}".into(),
        };
        if let Some((id, uuid)) = store::asset::insert(tx, audit.ws, seq, case_id, &values, audit.actor, now).await? {
            store::asset::set_observables(tx, audit.ws, id, &obs_ids, now).await?;
            asset_ids.push(id);
            entries.push(
                Entry::new("case_asset", id, uuid, "create")
                    .case(case_id)
                    .change("name", None, json_str(&r.name))
                    .message(format!(
                        "asset #{seq} ({}, {}) imported from an alert",
                        r.name, r.type_name
                    )),
            );
        }
    }
    store::activity::record(tx, audit, now, &entries).await?;
    Ok((obs_ids, asset_ids))
}

/// A timeline event for an alert in a case, linked to the case's copies of its observables
/// and assets.
async fn alert_event(
    tx: &mut Tx<'_>,
    audit: &Audit,
    case_id: i64,
    a: &AlertRow,
    title: String,
    links: (&[i64], &[i64]),
    now: i64,
) -> Result<()> {
    use store::timeline::Link;
    let d = store::alert::current_details(tx, a.id).await?;
    let raw = d
        .source_content
        .as_deref()
        .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
        .map(|v| serde_json::to_string_pretty(&v).unwrap_or_default());
    let values = store::timeline::EventValues {
        title,
        content: Some(a.description.clone()),
        raw,
        source: a.source.clone(),
        occurred_at: a.event_time.unwrap_or(a.created_at),
        tz: "+00:00".into(),
        category_id: 1,
        color: String::new(),
        tags_raw: d.tags_raw.clone(),
        in_summary: false,
        in_graph: true,
        flagged: false,
        parent_id: None,
        custom: "{}".into(),
    };
    let seq = store::workspace::next_seq(tx, audit.ws, "timeline_event", 1).await?;
    let (id, uuid) = store::timeline::insert(tx, audit.ws, seq, case_id, &values, audit.actor, now).await?;
    store::timeline::set_links(tx, Link::Asset, audit.ws, id, links.1, now).await?;
    store::timeline::set_links(tx, Link::Observable, audit.ws, id, links.0, now).await?;
    let body = format!("{}\n{}", a.description, a.source.as_deref().unwrap_or(""));
    store::search::upsert(
        tx,
        &store::search::Doc {
            ws: audit.ws,
            kind: "timeline_event",
            object_id: id,
            case_id: Some(case_id),
            title: &values.title,
            body: &body,
        },
        now,
    )
    .await?;
    store::activity::record(
        tx,
        audit,
        now,
        &[Entry::new("timeline_event", id, uuid, "create")
            .case(case_id)
            .change("title", None, json_str(&values.title))
            .message(format!("timeline event #{seq} created from alert #{}", a.seq))],
    )
    .await
}
