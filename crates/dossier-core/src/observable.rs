//! Observables (IOCs). One identity per (workspace, type, normalized value); cases and alerts
//! link to it and keep their own TLP, description, tags, IOC flag and custom attributes on the
//! link, so an edit in one case never shows in another. Correlation is a join on the identity.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex, OnceLock},
};

use regex::{Regex, RegexBuilder};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::model::FieldEntity;
use crate::{
    Core,
    access::Need,
    actor::Actor,
    case::{json_str, user_ref},
    error::{Error, Problems, Result},
    ids::Key,
    model::{
        Activity, AlertObservable, AlertObservableAdded, Capped, CaseBrief, CaseObservable, CaseObservableAdded,
        LinkFilter, NamedRef, NewObservable, Observable, ObservableCase, ObservableFilter, ObservableInOtherCase,
        ObservablePatch, ObservableValue, Page, RefKey, RelatedCase, SharedObservable, Status, Timestamp, Tlp,
    },
    paging,
    store::{
        self, Ex,
        activity::{Audit, Entry},
        observable::{IdentityRow, Link, LinkListFilter, LinkRow, LinkValues},
        reference::ObservableTypeRow,
        term,
    },
    time::now_us,
    validate,
};

/// Longest accepted value, in characters (YARA rules and Sigma rules are values too).
pub const MAX_VALUE: usize = 100_000;

/// How many shared values a related case lists.
const MAX_SHARED_SHOWN: usize = 20;
/// Related cases are found among the cases of this many most recent links of each value.
const RELATED_PER_VALUE: i64 = 500;

// ---- Normalization ----

/// Hash types whose values are hexadecimal: compared lower-cased. (ssdeep, impfuzzy and vhash
/// are not hex and are kept as sent.)
const HEX_HASH_TYPES: &[&str] = &[
    "md5",
    "sha1",
    "sha224",
    "sha256",
    "sha384",
    "sha512",
    "sha512/224",
    "sha512/256",
    "sha3-224",
    "sha3-256",
    "sha3-384",
    "sha3-512",
    "imphash",
    "authentihash",
    "pehash",
    "telfhash",
    "tlsh",
    "hassh-md5",
    "hasshserver-md5",
    "ja3-fingerprint-md5",
    "jarm-fingerprint",
    "x509-fingerprint-md5",
    "x509-fingerprint-sha1",
    "x509-fingerprint-sha256",
    "git-commit-id",
];

const IP_TYPES: &[&str] = &["ip-any", "ip-src", "ip-dst"];
const HOST_TYPES: &[&str] = &["domain", "hostname"];
const EMAIL_TYPES: &[&str] = &[
    "email",
    "email-src",
    "email-dst",
    "email-reply-to",
    "target-email",
    "dns-soa-email",
    "whois-registrant-email",
];
const URL_TYPES: &[&str] = &["url", "link", "uri"];

/// A host name: lower-cased, one trailing dot dropped.
fn norm_host(s: &str) -> std::result::Result<String, String> {
    let h = s.trim().to_lowercase();
    let h = match h.strip_suffix('.') {
        Some(rest) if !rest.is_empty() => rest.to_owned(),
        _ => h,
    };
    if h.is_empty() {
        return Err("the host name is empty".into());
    }
    Ok(h)
}

/// An IP address (optionally with a `/prefix`), printed canonically.
fn norm_ip(s: &str) -> std::result::Result<String, String> {
    let s = s.trim();
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    let ip: IpAddr = addr
        .parse()
        .map_err(|_| format!("`{s}` is not an IPv4 or IPv6 address"))?;
    match prefix {
        None => Ok(ip.to_string()),
        Some(p) => {
            let max = if ip.is_ipv4() { 32 } else { 128 };
            match p.parse::<u8>() {
                Ok(n) if n <= max && p.bytes().all(|b| b.is_ascii_digit()) => Ok(format!("{ip}/{n}")),
                _ => Err(format!("`{s}` has an invalid prefix length (0 to {max})")),
            }
        }
    }
}

fn norm_port(s: &str) -> std::result::Result<String, String> {
    let p = s.trim();
    match p.parse::<u16>() {
        Ok(n) if p.bytes().all(|b| b.is_ascii_digit()) => Ok(n.to_string()),
        _ => Err(format!("`{p}` is not a port number (0 to 65535)")),
    }
}

/// `local@host`: the host part lower-cased.
fn norm_email(s: &str) -> std::result::Result<String, String> {
    let s = s.trim();
    match s.rsplit_once('@') {
        Some((local, host)) if !local.is_empty() && !host.is_empty() => Ok(format!("{local}@{}", norm_host(host)?)),
        _ => Ok(s.to_owned()),
    }
}

/// `scheme://user@host:port/path?query`: scheme and host lower-cased, a trailing dot of the host
/// dropped; everything else kept. Text without `://` is kept as sent.
fn norm_url(s: &str) -> String {
    let t = s.trim();
    let Some((scheme, rest)) = t.split_once("://") else {
        return s.to_owned();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let hostport = if hostport.starts_with('[') {
        hostport.to_lowercase()
    } else {
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => (h, Some(p)),
            _ => (hostport, None),
        };
        let host = norm_host(host).unwrap_or_default();
        match port {
            Some(p) => format!("{host}:{p}"),
            None => host,
        }
    };
    let mut out = format!("{}://", scheme.to_lowercase());
    if let Some(u) = userinfo {
        out.push_str(u);
        out.push('@');
    }
    out.push_str(&hostport);
    out.push_str(tail);
    out
}

/// The value as stored and compared for a type: lower-case domains and hashes, canonical IP
/// text; other types exactly as sent. An `Err` is the reason the value is refused.
pub(crate) fn normalize(type_name: &str, raw: &str) -> std::result::Result<String, String> {
    let t = type_name;
    if HEX_HASH_TYPES.contains(&t) {
        return Ok(raw.trim().to_lowercase());
    }
    if IP_TYPES.contains(&t) {
        return norm_ip(raw);
    }
    if HOST_TYPES.contains(&t) {
        return norm_host(raw);
    }
    if EMAIL_TYPES.contains(&t) {
        return norm_email(raw);
    }
    if URL_TYPES.contains(&t) {
        return Ok(norm_url(raw));
    }
    let split = |sep: char| {
        raw.rsplit_once(sep)
            .ok_or_else(|| format!("a {t} value is two parts joined by `{sep}`"))
    };
    match t {
        "ip-src|port" | "ip-dst|port" => {
            let (ip, port) = split('|')?;
            Ok(format!("{}|{}", norm_ip(ip)?, norm_port(port)?))
        }
        "hostname|port" => {
            let (host, port) = split('|')?;
            Ok(format!("{}|{}", norm_host(host)?, norm_port(port)?))
        }
        "domain|ip" => {
            let (host, ip) = raw
                .split_once('|')
                .ok_or_else(|| format!("a {t} value is two parts joined by `|`"))?;
            Ok(format!("{}|{}", norm_host(host)?, norm_ip(ip)?))
        }
        _ => {
            if let Some(hash) = t.strip_prefix("filename|")
                && HEX_HASH_TYPES.contains(&hash)
                && let Some((name, h)) = raw.rsplit_once('|')
            {
                return Ok(format!("{name}|{}", h.trim().to_lowercase()));
            }
            Ok(raw.to_owned())
        }
    }
}

/// Validation patterns, compiled once each. `None`: a pattern that does not compile (a
/// workspace's own type); such a type validates nothing.
fn pattern(p: &str) -> Option<Arc<Regex>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<Arc<Regex>>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Ok(map) = cache.lock()
        && let Some(r) = map.get(p)
    {
        return r.clone();
    }
    let whole = format!("^(?:{p})$");
    let build = |ci: bool| {
        RegexBuilder::new(&whole)
            .case_insensitive(ci)
            .size_limit(1 << 20)
            .build()
    };
    // Case-insensitive (as IRIS matches) where the pattern allows it.
    let compiled = build(true).or_else(|_| build(false)).ok().map(Arc::new);
    if compiled.is_none() {
        tracing::warn!(pattern = p, "an observable type's validation pattern does not compile");
    }
    if let Ok(mut map) = cache.lock() {
        if map.len() >= 1024 {
            map.clear();
        }
        map.insert(p.to_owned(), compiled.clone());
    }
    compiled
}

/// Normalizes and validates a value for its type; the problems go to `p` under `field`.
pub(crate) fn check_value(p: &mut Problems, field: &str, t: &ObservableTypeRow, raw: &str) -> String {
    check_value_with(p, field, t, raw, ObservableValue::Strict)
}

/// [`check_value`], reading a value that does not parse for its type as `mode` says.
pub(crate) fn check_value_with(
    p: &mut Problems,
    field: &str,
    t: &ObservableTypeRow,
    raw: &str,
    mode: ObservableValue,
) -> String {
    if raw.trim().is_empty() {
        p.push(field, "required", format!("{field} must not be empty"));
        return String::new();
    }
    if raw.chars().count() > MAX_VALUE {
        p.push(
            field,
            "too_long",
            format!("{field} must have at most {MAX_VALUE} characters"),
        );
        return String::new();
    }
    let value = match (normalize(&t.name, raw), mode) {
        (Ok(v), _) => v,
        (Err(_), ObservableValue::AsTyped) => raw.to_owned(),
        (Err(why), ObservableValue::Strict) => {
            p.push(
                field,
                "invalid_format",
                format!("{field}: not a valid {} value: {why}", t.name),
            );
            return String::new();
        }
    };
    if let Some(re) = t.validation_regex.as_deref().and_then(pattern)
        && !re.is_match(&value)
    {
        let hint = t
            .validation_hint
            .as_deref()
            .unwrap_or("a value matching the type's pattern");
        p.push(
            field,
            "invalid_format",
            format!("The input doesn't match the expected format (expected: {hint})"),
        );
    }
    value
}

pub(crate) fn value_sha(value: &str) -> Vec<u8> {
    Sha256::digest(value.as_bytes()).to_vec()
}

// ---- Reference lookups ----

/// An observable type visible in the workspace, by id or exact name; unknown → 422 on `field`.
pub(crate) async fn resolve_type(ex: Ex<'_, '_>, ws: i64, key: &RefKey, field: &str) -> Result<ObservableTypeRow> {
    let found = match key {
        RefKey::Id(id) => store::reference::observable_type_by_id(ex, ws, *id).await?,
        RefKey::Name(name) => {
            let mut ex = ex;
            match store::reference::observable_type_by_name(ex.reborrow(), ws, name).await? {
                Some(t) => Some(t),
                None => match name.trim().parse::<i64>() {
                    Ok(id) if name.trim().bytes().all(|b| b.is_ascii_digit()) => {
                        store::reference::observable_type_by_id(ex, ws, id).await?
                    }
                    _ => None,
                },
            }
        }
    };
    found.ok_or_else(|| {
        Error::field(
            field,
            "unknown_value",
            format!("{field}: no observable type `{key}` in this workspace (see /api/v1/reference/observable-types)"),
        )
    })
}

/// Type filters (ids or names) as type ids.
async fn type_ids(ex: Ex<'_, '_>, ws: i64, types: &[String]) -> Result<Vec<i64>> {
    let mut ex = ex;
    let mut out = Vec::with_capacity(types.len());
    for t in types {
        let key = RefKey::Name(t.clone());
        out.push(resolve_type(ex.reborrow(), ws, &key, "type").await?.id);
    }
    Ok(out)
}

// ---- Views ----

fn tags_raw(tags: &[String]) -> Option<String> {
    if tags.is_empty() { None } else { Some(tags.join(",")) }
}

fn custom_value(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|_| serde_json::json!({}))
}

fn case_view(r: LinkRow) -> CaseObservable {
    CaseObservable {
        id: r.uuid,
        number: r.seq,
        observable_id: r.observable_uuid,
        observable_type: NamedRef {
            id: r.type_id,
            name: r.type_name,
        },
        value: r.value,
        description: r.description,
        tlp: r.tlp.and_then(Tlp::from_ordinal).unwrap_or(Tlp::Amber),
        tags: crate::validate::split_tags(r.tags_raw.as_deref()),
        is_ioc: r.is_ioc,
        custom: custom_value(&r.custom),
        created_at: Timestamp(r.created_at),
        updated_at: Timestamp(r.updated_at),
        created_by: user_ref(r.creator_uuid, r.creator_login, r.creator_name),
        version: r.version,
    }
}

fn alert_view(r: LinkRow) -> AlertObservable {
    AlertObservable {
        id: r.uuid,
        observable_id: r.observable_uuid,
        observable_type: NamedRef {
            id: r.type_id,
            name: r.type_name,
        },
        value: r.value,
        description: r.description,
        tlp: r.tlp.and_then(Tlp::from_ordinal),
        tags: crate::validate::split_tags(r.tags_raw.as_deref()),
        is_ioc: r.is_ioc,
        created_at: Timestamp(r.created_at),
        updated_at: Timestamp(r.updated_at),
        created_by: user_ref(r.creator_uuid, r.creator_login, r.creator_name),
        version: r.version,
    }
}

fn identity_view(r: IdentityRow) -> Observable {
    Observable {
        id: r.uuid,
        observable_type: NamedRef {
            id: r.type_id,
            name: r.type_name,
        },
        value: r.value,
        first_seen_at: Timestamp(r.first_seen_at),
        last_seen_at: Timestamp(r.last_seen_at),
        created_at: Timestamp(r.created_at),
        case_count: r.case_count,
        alert_count: r.alert_count,
    }
}

pub(crate) fn case_brief(id: Uuid, number: i64, title: String, status: i16) -> CaseBrief {
    CaseBrief {
        id,
        number,
        title,
        status: Status::from_ordinal(status).unwrap_or(Status::Unknown),
    }
}

/// What a new link says, validated.
struct LinkInput {
    observable_type: ObservableTypeRow,
    value: String,
    sha: Vec<u8>,
    tlp: Option<i16>,
    description: Option<String>,
    tags: Vec<String>,
    is_ioc: bool,
    custom: String,
}

impl Core {
    /// Validates a new observable for a case (`for_case`) or an alert.
    async fn link_input(
        &self,
        actor: &Actor,
        input: &NewObservable,
        for_case: bool,
        mode: ObservableValue,
    ) -> Result<LinkInput> {
        let t = resolve_type(Ex::Db(&self.db), actor.workspace_id.0, &input.observable_type, "type").await?;
        let mut p = Problems::new();
        let value = check_value_with(&mut p, "value", &t, &input.value, mode);
        p.opt_text("description", input.description.as_deref(), validate::MAX_DESCRIPTION);
        let tags = validate::tags(&mut p, "tags", &input.tags);
        let custom = if for_case {
            validate::custom(&mut p, "custom", input.custom.as_ref())
        } else {
            if input.custom.is_some() {
                p.push(
                    "custom",
                    "invalid",
                    "custom: an alert's observables have no custom attributes",
                );
            }
            "{}".to_owned()
        };
        p.into_result()?;
        let custom = if for_case {
            self.check_custom(
                actor.workspace_id.0,
                FieldEntity::CaseObservable,
                "custom",
                &custom,
                true,
            )
            .await?
        } else {
            custom
        };
        let tlp = match (input.tlp, for_case) {
            (Some(t), _) => Some(t.ordinal()),
            (None, true) => Some(Tlp::Amber.ordinal()),
            (None, false) => None,
        };
        Ok(LinkInput {
            sha: value_sha(&value),
            observable_type: t,
            value,
            tlp,
            description: input.description.clone(),
            tags,
            is_ioc: input.is_ioc.unwrap_or(true),
            custom,
        })
    }

    /// Links an observable to a case. The same (type, normalized value) twice in one case returns
    /// the existing link unchanged (`created: false`).
    pub async fn add_case_observable(
        &self,
        actor: &Actor,
        case: Key,
        input: NewObservable,
    ) -> Result<CaseObservableAdded> {
        self.add_case_observable_with(actor, case, input, ObservableValue::Strict)
            .await
    }

    /// [`Core::add_case_observable`], reading the value as `mode` says.
    pub async fn add_case_observable_with(
        &self,
        actor: &Actor,
        case: Key,
        input: NewObservable,
        mode: ObservableValue,
    ) -> Result<CaseObservableAdded> {
        // An unknown case is a 404 whatever the body holds.
        let case_id = self.case_ref(actor, case, Need::Write).await?.id();
        let input = Arc::new(self.link_input(actor, &input, true, mode).await?);
        let audit = Audit::of(actor);
        self.db
            .write(move |tx| {
                let input = Arc::clone(&input);
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let obs = ensure(tx, &audit, &input, Some(case_id), now).await?;
                    if let Some(existing) = store::observable::link_of(&mut *tx, Link::Case, case_id, obs).await? {
                        return Ok(CaseObservableAdded {
                            observable: case_view(existing),
                            created: false,
                        });
                    }
                    let seq = store::workspace::next_seq(tx, audit.ws, "case_observable", 1).await?;
                    let values = LinkValues {
                        observable_id: obs,
                        tlp: input.tlp,
                        description: input.description.clone(),
                        tags_raw: tags_raw(&input.tags),
                        is_ioc: input.is_ioc,
                        custom: input.custom.clone(),
                    };
                    let Some((id, uuid)) =
                        store::observable::insert_case_link(tx, audit.ws, seq, case_id, &values, audit.actor, now)
                            .await?
                    else {
                        // Linked by a concurrent request since the check above.
                        let existing = store::observable::link_of(&mut *tx, Link::Case, case_id, obs)
                            .await?
                            .ok_or_else(|| Error::internal("a conflicting observable link vanished"))?;
                        return Ok(CaseObservableAdded {
                            observable: case_view(existing),
                            created: false,
                        });
                    };
                    term::ensure(tx, audit.ws, term::TAG, &input.tags, now).await?;
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("case_observable", id, uuid, "create")
                            .case(case_id)
                            .change("value", None, json_str(&input.value))
                            .message(format!(
                                "observable #{seq} ({} {}) added",
                                input.observable_type.name, input.value
                            ))],
                    )
                    .await?;
                    let row = store::observable::link_by_id(&mut *tx, Link::Case, id).await?;
                    Ok(CaseObservableAdded {
                        observable: case_view(row),
                        created: true,
                    })
                })
            })
            .await
    }

    pub async fn list_case_observables(&self, actor: &Actor, case: Key, f: LinkFilter) -> Result<Page<CaseObservable>> {
        let case_id = self.case_ref(actor, case, Need::Read).await?.id();
        let ws = actor.workspace_id.0;
        let page = self.link_page(ws, Link::Case, case_id, f).await?;
        Ok(Page {
            items: page.items.into_iter().map(case_view).collect(),
            next_cursor: page.next_cursor,
            total: page.total,
        })
    }

    async fn link_page(&self, ws: i64, link: Link, owner: i64, f: LinkFilter) -> Result<Page<LinkRow>> {
        let limit = paging::limit(f.limit)?;
        let after = paging::decode(f.cursor.as_deref(), 1)?.and_then(|v| v.first().copied());
        let mut p = Problems::new();
        let tags = validate::tags(&mut p, "tags", &f.tags);
        if let Some(q) = &f.q {
            p.text("q", q, 1, 200);
        }
        p.into_result()?;
        let filter = LinkListFilter {
            type_ids: type_ids(Ex::Db(&self.db), ws, &f.types).await?,
            tlp: f.tlp.iter().map(|t| t.ordinal()).collect(),
            tags,
            is_ioc: f.is_ioc,
            q: f.q.clone(),
        };
        let sql = store::observable::link_list_sql(link, ws, owner, &filter, after, f.descending, limit);
        let mut rows: Vec<LinkRow> = sql.fetch_all(&self.db).await?;
        let next_cursor = paging::next(&mut rows, limit, |r| match link {
            Link::Case => vec![r.seq],
            Link::Alert => vec![r.id],
        });
        let total = if f.count {
            Some(store::observable::link_count(&self.db, link, ws, owner, &filter).await?)
        } else {
            None
        };
        Ok(Page {
            items: rows,
            next_cursor,
            total,
        })
    }

    pub async fn get_case_observable(&self, actor: &Actor, case: Key, link: Key) -> Result<CaseObservable> {
        let case_id = self.case_ref(actor, case, Need::Read).await?.id();
        let ws = actor.workspace_id.0;
        let row = store::observable::case_link(&self.db, ws, case_id, link)
            .await?
            .ok_or(Error::not_found("observable"))?;
        Ok(case_view(row))
    }

    /// Changes what a case says about an observable. A new `type` or `value` points the link at
    /// that identity (409 if the case already has it).
    pub async fn update_case_observable(
        &self,
        actor: &Actor,
        case: Key,
        link: Key,
        patch: ObservablePatch,
    ) -> Result<CaseObservable> {
        self.update_case_observable_with(actor, case, link, patch, ObservableValue::Strict)
            .await
    }

    /// [`Core::update_case_observable`], reading a new value as `mode` says.
    pub async fn update_case_observable_with(
        &self,
        actor: &Actor,
        case: Key,
        link: Key,
        patch: ObservablePatch,
        mode: ObservableValue,
    ) -> Result<CaseObservable> {
        // An unknown case or observable is a 404 whatever the body holds.
        let case_id = self.case_ref(actor, case, Need::Write).await?.id();
        store::observable::case_link(&self.db, actor.workspace_id.0, case_id, link)
            .await?
            .ok_or(Error::not_found("observable"))?;
        let mut p = Problems::new();
        if let Some(Some(d)) = &patch.description {
            p.opt_text("description", Some(d), validate::MAX_DESCRIPTION);
        }
        let tags = patch.tags.as_ref().map(|t| validate::tags(&mut p, "tags", t));
        let custom = patch
            .custom
            .as_ref()
            .map(|c| validate::custom(&mut p, "custom", Some(c)));
        p.into_result()?;
        let custom = match custom {
            Some(c) => Some(
                self.check_custom(actor.workspace_id.0, FieldEntity::CaseObservable, "custom", &c, true)
                    .await?,
            ),
            None => None,
        };
        let new_type = match &patch.observable_type {
            Some(k) => Some(resolve_type(Ex::Db(&self.db), actor.workspace_id.0, k, "type").await?),
            None => None,
        };
        let audit = Audit::of(actor);
        let shared = Arc::new((patch, tags, custom, new_type));
        self.db
            .write(move |tx| {
                let shared = Arc::clone(&shared);
                let audit = audit.clone();
                Box::pin(async move {
                    let (patch, tags, custom, new_type) = &*shared;
                    let now = now_us();
                    let row = store::observable::case_link(&mut *tx, audit.ws, case_id, link)
                        .await?
                        .ok_or(Error::not_found("observable"))?;
                    if let Some(v) = patch.version
                        && v != row.version
                    {
                        return Err(Error::Conflict(format!(
                            "the observable changed since you read it (version {v}, now {}); reload and retry",
                            row.version
                        )));
                    }
                    let old = LinkValues::of(&row);
                    let mut new = old.clone();
                    let mut changes: Vec<Entry> = Vec::new();
                    let mut change = |field: &'static str, o: Option<String>, n: Option<String>| {
                        if o != n {
                            changes.push(
                                Entry::new("case_observable", row.id, row.uuid, "update")
                                    .case(case_id)
                                    .change(field, o, n),
                            );
                        }
                    };
                    // A new identity when the type or the value changes.
                    if new_type.is_some() || patch.value.is_some() {
                        let t = match new_type {
                            Some(t) => t.clone(),
                            None => store::reference::observable_type_by_id(&mut *tx, audit.ws, row.type_id)
                                .await?
                                .ok_or_else(|| Error::internal("a linked observable type vanished"))?,
                        };
                        let raw = patch.value.as_deref().unwrap_or(&row.value);
                        let mut p = Problems::new();
                        let value = check_value_with(&mut p, "value", &t, raw, mode);
                        p.into_result()?;
                        if t.id != row.type_id || value != row.value {
                            let input = LinkInput {
                                sha: value_sha(&value),
                                observable_type: t.clone(),
                                value: value.clone(),
                                tlp: None,
                                description: None,
                                tags: Vec::new(),
                                is_ioc: true,
                                custom: String::new(),
                            };
                            let obs = ensure(tx, &audit, &input, Some(case_id), now).await?;
                            if let Some(other) = store::observable::link_of(&mut *tx, Link::Case, case_id, obs).await? {
                                return Err(Error::Conflict(format!(
                                    "this case already has that observable (#{})",
                                    other.seq
                                )));
                            }
                            new.observable_id = obs;
                            if t.id != row.type_id {
                                change("type", json_str(&row.type_name), json_str(&t.name));
                            }
                            if value != row.value {
                                change("value", json_str(&row.value), json_str(&value));
                            }
                        }
                    }
                    if let Some(d) = &patch.description {
                        new.description = d.clone();
                        change("description", json_str(&old.description), json_str(&new.description));
                    }
                    if let Some(t) = patch.tlp {
                        new.tlp = Some(t.ordinal());
                        change("tlp", json_str(&old.tlp.and_then(Tlp::from_ordinal)), json_str(&t));
                    }
                    if let Some(t) = tags {
                        new.tags_raw = tags_raw(t);
                        change(
                            "tags",
                            json_str(&crate::validate::split_tags(old.tags_raw.as_deref())),
                            json_str(t),
                        );
                    }
                    if let Some(b) = patch.is_ioc {
                        new.is_ioc = b;
                        change("is_ioc", json_str(&old.is_ioc), json_str(&b));
                    }
                    if let Some(c) = custom {
                        new.custom = c.clone();
                        if old.custom != new.custom {
                            change("custom", Some(old.custom.clone()), Some(new.custom.clone()));
                        }
                    }
                    if changes.is_empty() {
                        return Ok(case_view(row));
                    }
                    if !store::observable::update_case_link(tx, row.id, row.version, &new, now).await? {
                        return Err(Error::Conflict(
                            "the observable changed while updating; reload and retry".into(),
                        ));
                    }
                    if let Some(t) = tags {
                        term::ensure(tx, audit.ws, term::TAG, t, now).await?;
                    }
                    store::activity::record(tx, &audit, now, &changes).await?;
                    Ok(case_view(
                        store::observable::link_by_id(&mut *tx, Link::Case, row.id).await?,
                    ))
                })
            })
            .await
    }

    /// Unlinks an observable from a case; the identity (and every other case's link) stays.
    pub async fn delete_case_observable(&self, actor: &Actor, case: Key, link: Key) -> Result<()> {
        let case_id = self.case_ref(actor, case, Need::Write).await?.id();
        let audit = Audit::of(actor);
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let row = store::observable::case_link(&mut *tx, audit.ws, case_id, link)
                        .await?
                        .ok_or(Error::not_found("observable"))?;
                    store::observable::delete_case_link(tx, row.id).await?;
                    let seq = row.seq;
                    let old = json_str(&case_view(row.clone()));
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("case_observable", row.id, row.uuid, "delete")
                            .case(case_id)
                            .change("observable", old, None)
                            .message(format!("observable #{seq} ({} {}) removed", row.type_name, row.value))],
                    )
                    .await
                })
            })
            .await
    }

    /// Links an observable to an alert (same identity rules as cases).
    pub async fn add_alert_observable(
        &self,
        actor: &Actor,
        alert: Key,
        input: NewObservable,
    ) -> Result<AlertObservableAdded> {
        actor.require_write()?;
        store::observable::alert_id_of(&self.db, actor.workspace_id.0, alert)
            .await?
            .ok_or(Error::not_found("alert"))?;
        let input = Arc::new(self.link_input(actor, &input, false, ObservableValue::Strict).await?);
        let audit = Audit::of(actor);
        self.db
            .write(move |tx| {
                let input = Arc::clone(&input);
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let alert_id = store::observable::alert_id_of(&mut *tx, audit.ws, alert)
                        .await?
                        .ok_or(Error::not_found("alert"))?;
                    let obs = ensure(tx, &audit, &input, None, now).await?;
                    if let Some(existing) = store::observable::link_of(&mut *tx, Link::Alert, alert_id, obs).await? {
                        return Ok(AlertObservableAdded {
                            observable: alert_view(existing),
                            created: false,
                        });
                    }
                    let values = LinkValues {
                        observable_id: obs,
                        tlp: input.tlp,
                        description: input.description.clone(),
                        tags_raw: tags_raw(&input.tags),
                        is_ioc: input.is_ioc,
                        custom: "{}".to_owned(),
                    };
                    let Some((id, uuid)) =
                        store::observable::insert_alert_link(tx, audit.ws, alert_id, &values, audit.actor, now).await?
                    else {
                        let existing = store::observable::link_of(&mut *tx, Link::Alert, alert_id, obs)
                            .await?
                            .ok_or_else(|| Error::internal("a conflicting observable link vanished"))?;
                        return Ok(AlertObservableAdded {
                            observable: alert_view(existing),
                            created: false,
                        });
                    };
                    term::ensure(tx, audit.ws, term::TAG, &input.tags, now).await?;
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("alert_observable", id, uuid, "create")
                            .change("value", None, json_str(&input.value))
                            .message(format!(
                                "observable ({} {}) added to an alert",
                                input.observable_type.name, input.value
                            ))],
                    )
                    .await?;
                    let row = store::observable::link_by_id(&mut *tx, Link::Alert, id).await?;
                    Ok(AlertObservableAdded {
                        observable: alert_view(row),
                        created: true,
                    })
                })
            })
            .await
    }

    pub async fn list_alert_observables(
        &self,
        actor: &Actor,
        alert: Key,
        f: LinkFilter,
    ) -> Result<Page<AlertObservable>> {
        let ws = actor.workspace_id.0;
        let alert_id = store::observable::alert_id_of(&self.db, ws, alert)
            .await?
            .ok_or(Error::not_found("alert"))?;
        let page = self.link_page(ws, Link::Alert, alert_id, f).await?;
        Ok(Page {
            items: page.items.into_iter().map(alert_view).collect(),
            next_cursor: page.next_cursor,
            total: page.total,
        })
    }

    /// The workspace's observable identities, newest first, with how many cases and alerts
    /// link each.
    pub async fn list_observables(&self, actor: &Actor, f: ObservableFilter) -> Result<Page<Observable>> {
        let ws = actor.workspace_id.0;
        let limit = paging::limit(f.limit)?;
        let before = paging::decode(f.cursor.as_deref(), 1)?.and_then(|v| v.first().copied());
        if let Some(q) = &f.q {
            let mut p = Problems::new();
            p.text("q", q, 1, 200);
            p.into_result()?;
        }
        let filter = store::observable::IdentityFilter {
            access: self.access_scope(actor).await?,
            type_ids: type_ids(Ex::Db(&self.db), ws, &f.types).await?,
            q: f.q.clone(),
        };
        let backend = self.db.backend();
        let mut rows: Vec<IdentityRow> = store::observable::identity_list_sql(backend, ws, &filter, before, limit)
            .fetch_all(&self.db)
            .await?;
        let next_cursor = paging::next(&mut rows, limit, |r| [r.id].to_vec());
        let total = if f.count {
            Some(store::observable::identity_count(&self.db, backend, ws, &filter).await?)
        } else {
            None
        };
        Ok(Page {
            items: rows.into_iter().map(identity_view).collect(),
            next_cursor,
            total,
        })
    }

    pub async fn get_observable(&self, actor: &Actor, id: Uuid) -> Result<Observable> {
        let scope = self.access_scope(actor).await?;
        store::observable::identity(&self.db, actor.workspace_id.0, &scope, id)
            .await?
            .map(identity_view)
            .ok_or(Error::not_found("observable"))
    }

    /// The cases of the workspace that link an observable, newest link first (keyset pages),
    /// with the number of them all.
    pub async fn observable_cases(
        &self,
        actor: &Actor,
        id: Uuid,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<ObservableCase>> {
        let ws = actor.workspace_id.0;
        let limit = paging::limit(limit)?;
        let before = paging::decode(cursor, 1)?.and_then(|v| v.first().copied());
        let scope = self.access_scope(actor).await?;
        let obs = store::observable::identity(&self.db, ws, &scope, id)
            .await?
            .ok_or(Error::not_found("observable"))?;
        let mut rows: Vec<store::observable::IdentityCaseRow> =
            store::observable::identity_cases_sql(ws, &scope, obs.id, before, limit)
                .fetch_all(&self.db)
                .await?;
        let next_cursor = paging::next(&mut rows, limit, |r| [r.link_id].to_vec());
        // Every case holding it, from the index alone.
        let total = store::observable::holders_all(&self.db, obs.id).await?;
        let items = rows
            .into_iter()
            .map(|r| ObservableCase {
                case: case_brief(r.case_uuid, r.case_seq, r.case_title, r.case_status),
                link_id: r.link_uuid,
                link_number: r.link_seq,
                tlp: Tlp::from_ordinal(r.tlp).unwrap_or(Tlp::Amber),
                is_ioc: r.is_ioc,
                linked_at: Timestamp(r.linked_at),
            })
            .collect();
        Ok(Page {
            items,
            next_cursor,
            total: Some(total),
        })
    }

    /// For each observable of a case (by link number), the workspace's other cases that link the
    /// same identity (IRIS `link`): the most recent [`paging::OTHER_CASES_SHOWN`] links, with
    /// how many there are in all (counted up to [`paging::MAX_COUNTED`]). Each answer costs a
    /// few index steps per observable, however many cases hold a value.
    pub async fn observables_in_other_cases(
        &self,
        actor: &Actor,
        case: Key,
    ) -> Result<HashMap<i64, Capped<ObservableInOtherCase>>> {
        let ws = actor.workspace_id.0;
        let case_id = self.case_ref(actor, case, Need::Read).await?.id();
        let scope = self.access_scope(actor).await?;
        let cap = paging::OTHER_CASES_SHOWN;
        let mut out = HashMap::new();
        for (own_seq, observable_id) in store::observable::own_identities(&self.db, case_id).await? {
            // The other cases: chosen in store::observable::elsewhere.
            let rows =
                store::observable::elsewhere(&self.db, ws, &scope, observable_id, case_id, i64::from(cap) + 1).await?;
            if rows.is_empty() {
                continue;
            }
            // Every holder but this case (its own link is one of them).
            let holders =
                store::observable::holders(&self.db, &scope, observable_id, paging::MAX_COUNTED + 2).await? - 1;
            let items = rows
                .into_iter()
                .map(|r| ObservableInOtherCase {
                    case: case_brief(r.case_uuid, r.case_seq, r.case_title, r.case_status),
                    customer: r.customer_name,
                    link_id: r.link_uuid,
                    link_number: r.link_seq,
                })
                .collect();
            out.insert(own_seq, paging::capped(items, cap, holders));
        }
        Ok(out)
    }

    /// The audit trail of one observable of a case, newest first.
    pub async fn case_observable_activity(
        &self,
        actor: &Actor,
        case: Key,
        link: Key,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<Activity>> {
        let case_id = self.case_ref(actor, case, Need::Read).await?.id();
        let ws = actor.workspace_id.0;
        let row = store::observable::case_link(&self.db, ws, case_id, link)
            .await?
            .ok_or(Error::not_found("observable"))?;
        self.activity_page(
            ws,
            store::activity::Scope::Object("case_observable", row.id),
            cursor,
            limit,
        )
        .await
    }

    /// Other cases of the workspace that share at least one observable with a case, most shared
    /// first (then newest case first); the top `limit` only. Candidates are the cases of the
    /// most recent [`RELATED_PER_VALUE`] other links of each of the case's values, so a value
    /// held by thousands of cases costs no more than one held by a few hundred; when a value
    /// has more links than that, the answer says so (`total_is_lower_bound`, and the shared
    /// counts are then lower bounds too).
    pub async fn related_cases(&self, actor: &Actor, case: Key, limit: u32) -> Result<Capped<RelatedCase>> {
        let ws = actor.workspace_id.0;
        let limit = paging::limit(limit)?;
        let case_id = self.case_ref(actor, case, Need::Read).await?.id();
        let scope = self.access_scope(actor).await?;
        let mut counts: HashMap<i64, i64> = HashMap::new();
        let mut cut = false;
        for (_, observable_id) in store::observable::own_identities(&self.db, case_id).await? {
            // The other cases: chosen in store::observable::recent_holders.
            let holders =
                store::observable::recent_holders(&self.db, &scope, observable_id, case_id, RELATED_PER_VALUE + 1)
                    .await?;
            cut |= holders.len() as i64 > RELATED_PER_VALUE;
            for id in holders.into_iter().take(RELATED_PER_VALUE as usize) {
                *counts.entry(id).or_default() += 1;
            }
        }
        let mut ranked: Vec<(i64, i64)> = counts.into_iter().collect();
        // Most shared first, then the newest case (ids grow with case numbers).
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
        let found = ranked.len() as i64;
        let top: Vec<(i64, i64)> = ranked.into_iter().take(limit as usize).collect();
        let ids: Vec<i64> = top.iter().map(|t| t.0).collect();
        let mut cases: HashMap<i64, (Uuid, i64, String, i16)> = store::observable::related_rows(&self.db, ws, &ids)
            .await?
            .into_iter()
            .map(|(id, uuid, seq, title, status)| (id, (uuid, seq, title, status)))
            .collect();
        let mut shared: HashMap<i64, Vec<SharedObservable>> = HashMap::new();
        for s in store::observable::shared_with(&self.db, case_id, &ids).await? {
            let v = shared.entry(s.other_case_id).or_default();
            if v.len() < MAX_SHARED_SHOWN {
                v.push(SharedObservable {
                    observable_id: s.observable_uuid,
                    observable_type: NamedRef {
                        id: s.type_id,
                        name: s.type_name,
                    },
                    value: s.value,
                });
            }
        }
        let items: Vec<RelatedCase> = top
            .into_iter()
            .filter_map(|(id, n)| {
                let (uuid, seq, title, status) = cases.remove(&id)?;
                Some(RelatedCase {
                    shared: shared.remove(&id).unwrap_or_default(),
                    case: case_brief(uuid, seq, title, status),
                    shared_count: n,
                })
            })
            .collect();
        let shown = items.len() as i64;
        Ok(Capped {
            truncated: cut || found > shown,
            total: found.max(shown),
            total_is_lower_bound: cut,
            items,
        })
    }
}

/// The identity of a validated value, created (with its search document and audit entry) when
/// new.
async fn ensure(
    tx: &mut store::Tx<'_>,
    audit: &Audit,
    input: &LinkInput,
    case_id: Option<i64>,
    now: i64,
) -> Result<i64> {
    let t = &input.observable_type;
    let (id, uuid, created) =
        store::observable::ensure_identity(tx, audit.ws, t.id, &input.value, &input.sha, audit.actor, now).await?;
    if created {
        store::observable::index_identity(tx, audit.ws, id, &input.value, &t.name, now).await?;
        let mut e = Entry::new("observable", id, uuid, "create")
            .change("value", None, json_str(&input.value))
            .message(format!("observable {} {} first seen", t.name, input.value));
        if let Some(c) = case_id {
            e = e.case(c);
        }
        store::activity::record(tx, audit, now, &[e]).await?;
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(name: &str, re: Option<&str>, hint: Option<&str>) -> ObservableTypeRow {
        ObservableTypeRow {
            id: 1,
            uuid: Uuid::nil(),
            workspace_id: None,
            name: name.into(),
            description: String::new(),
            taxonomy: String::new(),
            validation_regex: re.map(str::to_owned),
            validation_hint: hint.map(str::to_owned),
        }
    }

    fn ok(ty: &str, raw: &str) -> String {
        normalize(ty, raw).unwrap_or_else(|e| panic!("{ty} {raw}: {e}"))
    }

    #[test]
    fn normalizes_per_type() {
        assert_eq!(ok("domain", "Evil.Example.COM."), "evil.example.com");
        assert_eq!(ok("hostname", " Host-1.Corp "), "host-1.corp");
        assert_eq!(
            ok("md5", "D41D8CD98F00B204E9800998ECF8427E"),
            "d41d8cd98f00b204e9800998ecf8427e"
        );
        assert_eq!(
            ok("ssdeep", "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C"),
            "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C"
        );
        assert_eq!(ok("ip-any", "::FFFF:0a00:0001"), "::ffff:10.0.0.1");
        assert_eq!(ok("ip-src", "2001:DB8:0:0:0:0:0:1"), "2001:db8::1");
        assert_eq!(ok("ip-dst", " 10.1.2.3 "), "10.1.2.3");
        assert_eq!(ok("ip-src", "10.0.0.0/8"), "10.0.0.0/8");
        assert!(normalize("ip-any", "10.0.0.300").is_err());
        assert!(normalize("ip-any", "10.0.0.1/33").is_err());
        assert!(normalize("ip-any", "evil.example.com").is_err());
        assert_eq!(ok("ip-dst|port", "2001:DB8::1|0443"), "2001:db8::1|443");
        assert!(normalize("ip-dst|port", "10.0.0.1|http").is_err());
        assert!(normalize("ip-dst|port", "10.0.0.1").is_err());
        assert_eq!(ok("hostname|port", "WWW.Example.org.|8080"), "www.example.org|8080");
        assert_eq!(
            ok("domain|ip", "Example.ORG|::FFFF:1.2.3.4"),
            "example.org|::ffff:1.2.3.4"
        );
        assert_eq!(ok("email", "John.Doe@Example.COM."), "John.Doe@example.com");
        assert_eq!(
            ok("url", "HTTPS://User@Evil.Example.COM.:8443/Path/A?Q=B#F"),
            "https://User@evil.example.com:8443/Path/A?Q=B#F"
        );
        assert_eq!(ok("url", "no scheme/Path"), "no scheme/Path");
        assert_eq!(
            ok("filename|md5", "Report.DOCX|ABCDEF0123456789ABCDEF0123456789"),
            "Report.DOCX|abcdef0123456789abcdef0123456789"
        );
        assert_eq!(ok("filename|ssdeep", "A.exe|3:AbC:dEf"), "A.exe|3:AbC:dEf");
        // IRIS keeps case for every other type.
        assert_eq!(ok("text", "Hello"), "Hello");
        assert_eq!(ok("other", "  spaced  "), "  spaced  ");
    }

    #[test]
    fn validates_with_the_type_pattern() {
        let md5 = t("md5", Some("^[0-9a-fA-F]{32}$"), Some("32 hexadecimal characters"));
        let mut p = Problems::new();
        assert_eq!(
            check_value(&mut p, "value", &md5, "D41D8CD98F00B204E9800998ECF8427E"),
            "d41d8cd98f00b204e9800998ecf8427e"
        );
        assert!(p.is_empty());
        let mut p = Problems::new();
        check_value(&mut p, "value", &md5, "d41d8cd98f00b204e9800998ecf8427");
        let Err(Error::Validation(f)) = p.into_result() else {
            panic!("a 31-character md5 is refused")
        };
        assert_eq!(f[0].field, "value");
        assert_eq!(f[0].code, "invalid_format");
        assert!(f[0].message.contains("32 hexadecimal characters"), "{}", f[0].message);
        let fname = t(
            "filename|md5",
            Some("^.+\\|[0-9a-fA-F]{32}$"),
            Some("a file name, a pipe (|) and 32 hexadecimal characters"),
        );
        let mut p = Problems::new();
        check_value(&mut p, "value", &fname, "a.exe|D41D8CD98F00B204E9800998ECF8427E");
        assert!(p.is_empty());
        // A pattern that does not compile validates nothing.
        let broken = t("mine", Some("(unclosed"), None);
        let mut p = Problems::new();
        assert_eq!(check_value(&mut p, "value", &broken, "anything"), "anything");
        assert!(p.is_empty());
        // Empty and whitespace-only values are refused.
        let mut p = Problems::new();
        check_value(&mut p, "value", &broken, "   ");
        assert!(!p.is_empty());
    }

    #[test]
    fn tags_round_trip_through_the_raw_string() {
        let tags = vec!["a".to_owned(), "B c".to_owned()];
        assert_eq!(crate::validate::split_tags(tags_raw(&tags).as_deref()), tags);
        assert_eq!(crate::validate::split_tags(Some("x, y,,z ")), ["x", "y", "z"]);
        assert!(tags_raw(&[]).is_none());
    }
}

/// A core over a fresh database of either backend, for service tests.
#[cfg(test)]
pub(crate) mod testkit {
    use crate::{Actor, Backend, Bootstrap, Core, CoreConfig, DbOptions, DbTarget, NewWorkspace, Via};

    const KEY: &str = "dsk_service_test_key_0123456789abcdef0123456789abcdef0123456789ab";

    /// Removes the test's files, and its PostgreSQL database (`dossier-testkit`), when the
    /// test ends.
    pub(crate) struct Guard {
        dir: std::path::PathBuf,
        _pg: Option<dossier_testkit::PgDatabase>,
    }

    impl Drop for Guard {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    pub(crate) struct Env {
        pub core: Core,
        /// The server administrator in the default workspace.
        pub admin: Actor,
        /// The same administrator acting in a second workspace.
        pub other: Actor,
        _guard: Guard,
    }

    /// `None` for PostgreSQL when `DOSSIER_TEST_DATABASE_URL` is not set (outside CI; under
    /// `CI=true` that is a failure).
    pub(crate) async fn env(backend: Backend) -> Option<Env> {
        let dir = std::env::temp_dir().join(format!("dossier-svc-{}", uuid::Uuid::now_v7().simple()));
        let (target, pg) = match backend {
            Backend::Sqlite => (DbTarget::SqliteFile(dir.join("t.db")), None),
            Backend::Postgres => {
                // Fails under CI=true when PostgreSQL is not configured.
                let pg = dossier_testkit::PgDatabase::create("service test").await?;
                (DbTarget::Postgres(pg.url.clone()), Some(pg))
            }
        };
        let guard = Guard {
            dir: dir.clone(),
            _pg: pg,
        };
        let opts = DbOptions {
            target,
            max_connections: 2,
            acquire_timeout: std::time::Duration::from_secs(10),
        };
        let cfg = CoreConfig {
            blob_dir: dir.join("blobs"),
            ..CoreConfig::default()
        };
        let core = Core::open(&opts, cfg).await.expect("open");
        core.migrate().await.expect("migrate");
        core.bootstrap(Bootstrap {
            admin_password: Some("service-test-password".into()),
            api_key: Some(KEY.into()),
        })
        .await
        .expect("bootstrap");
        let admin = core.authenticate(KEY, None, Via::Native).await.expect("admin");
        let ws = core
            .create_workspace(
                &admin,
                NewWorkspace {
                    name: "Other".into(),
                    description: None,
                },
            )
            .await
            .expect("workspace");
        let other = core
            .authenticate(KEY, Some(ws.id), Via::Native)
            .await
            .expect("other workspace");
        Some(Env {
            core,
            admin,
            other,
            _guard: guard,
        })
    }

    /// Runs a service test on SQLite and, when configured, on PostgreSQL.
    macro_rules! on_both {
        ($($name:ident),* $(,)?) => {$(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(crate::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name(crate::Backend::Postgres).await
                }
            }
        )*};
    }
    pub(crate) use on_both;
}

/// The service itself, on both backends: identity, normalization, dedup, correlation,
/// versions, audit and workspace isolation, without HTTP.
#[cfg(test)]
mod service_tests {
    use super::testkit::{env, on_both};
    use crate::{
        Backend, Error,
        ids::Key,
        model::{LinkFilter, NewAlert, NewCase, NewObservable, ObservableFilter, ObservablePatch, RefKey, Tlp},
    };

    on_both!(identity_and_links, correlation_and_isolation, updates_and_audit);

    fn new(t: RefKey, value: &str) -> NewObservable {
        NewObservable {
            observable_type: t,
            value: value.into(),
            description: None,
            tlp: None,
            tags: Vec::new(),
            is_ioc: None,
            custom: None,
        }
    }

    async fn case(core: &crate::Core, actor: &crate::Actor, title: &str) -> i64 {
        core.create_case(
            actor,
            NewCase {
                title: title.into(),
                ..Default::default()
            },
        )
        .await
        .expect("case")
        .number
    }

    async fn identity_and_links(b: Backend) {
        let Some(e) = env(b).await else { return };
        let (core, a) = (&e.core, &e.admin);
        let c = case(core, a, "One").await;
        let first = core
            .add_case_observable(a, Key::Seq(c), new(RefKey::Name("md5".into()), &super::tests_md5()))
            .await
            .expect("add");
        assert!(first.created);
        assert_eq!(first.observable.value, super::tests_md5().to_lowercase());
        assert_eq!(first.observable.tlp, Tlp::Amber);
        assert!(first.observable.is_ioc);
        let again = core
            .add_case_observable(a, Key::Seq(c), new(RefKey::Id(90), &super::tests_md5().to_lowercase()))
            .await
            .expect("again");
        assert!(!again.created);
        assert_eq!(again.observable.id, first.observable.id);
        // Validation: the type's pattern, with its hint; unknown types; unknown cases.
        let bad = core
            .add_case_observable(a, Key::Seq(c), new(RefKey::Id(90), "abc"))
            .await;
        match bad {
            Err(Error::Validation(f)) => {
                assert_eq!(f[0].field, "value");
                assert!(f[0].message.contains("32 hexadecimal characters"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            core.add_case_observable(a, Key::Seq(c), new(RefKey::Id(1000), "x"))
                .await,
            Err(Error::Validation(_))
        ));
        assert!(matches!(
            core.add_case_observable(a, Key::Seq(99), new(RefKey::Id(90), "x"))
                .await,
            Err(Error::NotFound { .. })
        ));
        // Alerts share the identity.
        let alert = core
            .create_alert(
                a,
                NewAlert {
                    title: "EDR".into(),
                    ..Default::default()
                },
            )
            .await
            .expect("alert");
        let on_alert = core
            .add_alert_observable(
                a,
                Key::Seq(alert.alert.number),
                new(RefKey::Name("md5".into()), &super::tests_md5()),
            )
            .await
            .expect("alert observable");
        assert!(on_alert.created);
        assert_eq!(on_alert.observable.observable_id, first.observable.observable_id);
        assert_eq!(on_alert.observable.tlp, None);
        let ident = core
            .get_observable(a, first.observable.observable_id)
            .await
            .expect("identity");
        assert_eq!((ident.case_count, ident.alert_count), (1, 1));
        // The type lookup the validation uses.
        let t = core
            .find_observable_type(a, &RefKey::Name("ip-any".into()))
            .await
            .expect("type");
        assert_eq!(t.id, 76);
        assert!(t.builtin);
        assert!(matches!(
            core.find_observable_type(a, &RefKey::Id(0)).await,
            Err(Error::NotFound { .. })
        ));
    }

    async fn correlation_and_isolation(b: Backend) {
        let Some(e) = env(b).await else { return };
        let (core, a, o) = (&e.core, &e.admin, &e.other);
        let c1 = case(core, a, "One").await;
        let c2 = case(core, a, "Two").await;
        let x = core
            .add_case_observable(a, Key::Seq(c1), new(RefKey::Name("ip-any".into()), "::FFFF:0a00:0001"))
            .await
            .expect("add");
        let y = core
            .add_case_observable(a, Key::Seq(c2), new(RefKey::Name("ip-any".into()), "::ffff:10.0.0.1"))
            .await
            .expect("add");
        assert_eq!(x.observable.observable_id, y.observable.observable_id);
        let related = core.related_cases(a, Key::Seq(c1), 50).await.expect("related");
        assert_eq!(related.items.len(), 1);
        assert_eq!(related.items[0].case.number, c2);
        assert_eq!(related.items[0].shared_count, 1);
        assert_eq!(related.items[0].shared[0].value, "::ffff:10.0.0.1");
        let cases = core
            .observable_cases(a, x.observable.observable_id, None, 50)
            .await
            .expect("cases");
        assert_eq!(cases.items.len(), 2);

        // The other workspace: nothing by number or id, its own identity for the same value.
        let oc = case(core, o, "Theirs").await;
        assert_eq!(oc, 1);
        assert!(matches!(
            core.get_case_observable(o, Key::Seq(oc), Key::Uuid(x.observable.id))
                .await,
            Err(Error::NotFound { .. })
        ));
        assert!(matches!(
            core.get_observable(o, x.observable.observable_id).await,
            Err(Error::NotFound { .. })
        ));
        assert!(matches!(
            core.observable_cases(o, x.observable.observable_id, None, 50).await,
            Err(Error::NotFound { .. })
        ));
        assert!(matches!(
            core.delete_case_observable(o, Key::Seq(oc), Key::Uuid(x.observable.id))
                .await,
            Err(Error::NotFound { .. })
        ));
        let theirs = core
            .add_case_observable(o, Key::Seq(oc), new(RefKey::Id(76), "10.0.0.1"))
            .await
            .expect("theirs");
        assert_ne!(theirs.observable.observable_id, x.observable.observable_id);
        let listed = core
            .list_observables(o, ObservableFilter::default())
            .await
            .expect("list");
        assert_eq!(listed.items.len(), 1);
        assert_eq!(listed.items[0].case_count, 1);
        let mine = core
            .list_observables(a, ObservableFilter::default())
            .await
            .expect("list");
        assert_eq!(mine.items.len(), 1);
        assert_eq!(mine.items[0].case_count, 2);
    }

    async fn updates_and_audit(b: Backend) {
        let Some(e) = env(b).await else { return };
        let (core, a) = (&e.core, &e.admin);
        let c = case(core, a, "One").await;
        let x = core
            .add_case_observable(a, Key::Seq(c), new(RefKey::Name("domain".into()), "Evil.Example.COM."))
            .await
            .expect("add");
        let u = core
            .update_case_observable(
                a,
                Key::Seq(c),
                Key::Seq(x.observable.number),
                ObservablePatch {
                    tlp: Some(Tlp::Red),
                    tags: Some(vec!["c2".into()]),
                    version: Some(1),
                    ..Default::default()
                },
            )
            .await
            .expect("update");
        assert_eq!(u.version, 2);
        assert_eq!(u.tlp, Tlp::Red);
        let stale = core
            .update_case_observable(
                a,
                Key::Seq(c),
                Key::Seq(x.observable.number),
                ObservablePatch {
                    is_ioc: Some(false),
                    version: Some(1),
                    ..Default::default()
                },
            )
            .await;
        assert!(matches!(stale, Err(Error::Conflict(_))), "{stale:?}");
        let page = core
            .list_case_observables(
                a,
                Key::Seq(c),
                LinkFilter {
                    tags: vec!["C2".into()],
                    ..Default::default()
                },
            )
            .await
            .expect("list");
        assert_eq!(page.items.len(), 1);
        core.delete_case_observable(a, Key::Seq(c), Key::Uuid(x.observable.id))
            .await
            .expect("delete");
        let trail = core.case_activity(a, Key::Seq(c), None, 100).await.expect("activity");
        let kinds: Vec<(String, String)> = trail
            .items
            .iter()
            .map(|e| (e.object_kind.clone(), e.action.clone()))
            .collect();
        for want in [
            ("observable", "create"),
            ("case_observable", "create"),
            ("case_observable", "update"),
            ("case_observable", "delete"),
        ] {
            assert!(kinds.contains(&(want.0.into(), want.1.into())), "{want:?} in {kinds:?}");
        }
        // The identity stays.
        let ident = core
            .get_observable(a, x.observable.observable_id)
            .await
            .expect("identity");
        assert_eq!(ident.value, "evil.example.com");
        assert_eq!(ident.case_count, 0);
    }
}

#[cfg(test)]
fn tests_md5() -> String {
    "D41D8CD98F00B204E9800998ECF8427E".to_owned()
}
