//! Observable rows: the identity (workspace, type, SHA-256 of the normalized value) and its
//! links to cases (`case_observables`) and alerts (`alert_observables`).

use sqlx::FromRow;
use uuid::Uuid;

use super::{Backend, Ex, Tx, search, sql::Sql};
use crate::{error::Result, ids::Key};

/// `%text%` for LIKE with `ESCAPE '\'`, lower-cased (compare with `lower(column)`).
pub(crate) fn contains_pattern(text: &str) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for ch in text.trim().to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

/// `%,tag,%` for matching one tag of a comma-joined `tags_raw` (see [`push_tag`]).
fn tag_pattern(tag: &str) -> String {
    let inner = contains_pattern(tag);
    format!("%,{},%", &inner[1..inner.len() - 1])
}

/// Appends a case-insensitive "has this tag" condition on the `tags_raw` column of alias `l`.
pub(crate) fn push_tag(q: &mut Sql, tag: &str) {
    q.push(" AND (',' || replace(lower(COALESCE(l.tags_raw, '')), ', ', ',') || ',') LIKE ")
        .bind(tag_pattern(tag))
        .push(" ESCAPE '\\'");
}

/// The internal id of a live alert of the workspace.
pub(crate) async fn alert_id_of<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64, key: Key) -> Result<Option<i64>> {
    let mut q = Sql::new("SELECT id FROM alerts WHERE workspace_id = ");
    q.bind(ws).push(" AND deleted_at IS NULL AND ");
    match key {
        Key::Uuid(u) => q.push("uuid = ").bind(u),
        Key::Seq(n) => q.push("seq = ").bind(n),
    };
    let row: Option<(i64,)> = q.fetch_optional(ex).await?;
    Ok(row.map(|r| r.0))
}

// ---- Identity ----

/// Finds the identity of (type, value) in a workspace, creating it when missing; marks it seen
/// now. Returns (id, uuid, created).
pub(crate) async fn ensure_identity(
    tx: &mut Tx<'_>,
    ws: i64,
    type_id: i64,
    value: &str,
    sha: &[u8],
    by: Option<i64>,
    now: i64,
) -> Result<(i64, Uuid, bool)> {
    let uuid = crate::ids::new_uuid();
    let inserted: Option<(i64,)> = Sql::new(
        "INSERT INTO observables (uuid, workspace_id, type_id, value, value_sha, first_seen_at, last_seen_at, \
         created_at, updated_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $6, $6, $6, $7) \
         ON CONFLICT (workspace_id, type_id, value_sha) DO NOTHING RETURNING id",
    )
    .arg(uuid)
    .arg(ws)
    .arg(type_id)
    .arg(value)
    .arg(sha.to_vec())
    .arg(now)
    .arg(by)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((id,)) = inserted {
        return Ok((id, uuid, true));
    }
    let (id, uuid): (i64, Uuid) =
        Sql::new("SELECT id, uuid FROM observables WHERE workspace_id = $1 AND type_id = $2 AND value_sha = $3")
            .arg(ws)
            .arg(type_id)
            .arg(sha.to_vec())
            .fetch_one(&mut *tx)
            .await?;
    Sql::new("UPDATE observables SET last_seen_at = $2, updated_at = $2 WHERE id = $1 AND last_seen_at < $2")
        .arg(id)
        .arg(now)
        .execute(tx)
        .await?;
    Ok((id, uuid, false))
}

/// The search document of an identity (kind `observable`, no case): its value as the title,
/// its type name as the body.
pub(crate) async fn index_identity(
    tx: &mut Tx<'_>,
    ws: i64,
    id: i64,
    value: &str,
    type_name: &str,
    now: i64,
) -> Result<()> {
    search::upsert(
        tx,
        &search::Doc {
            ws,
            kind: "observable",
            object_id: id,
            case_id: None,
            title: value,
            body: type_name,
        },
        now,
    )
    .await
}

#[derive(Debug, Clone, FromRow)]
pub(crate) struct IdentityRow {
    pub id: i64,
    pub uuid: Uuid,
    pub type_id: i64,
    pub type_name: String,
    pub value: String,
    pub first_seen_at: i64,
    pub last_seen_at: i64,
    pub created_at: i64,
    pub case_count: i64,
    pub alert_count: i64,
}

const IDENTITY_SELECT: &str = "SELECT o.id, o.uuid, o.type_id, t.name AS type_name, o.value, o.first_seen_at, \
    o.last_seen_at, o.created_at, \
    (SELECT COUNT(*) FROM case_observables cl JOIN cases c ON c.id = cl.case_id \
     WHERE cl.observable_id = o.id AND c.deleted_at IS NULL) AS case_count, \
    (SELECT COUNT(*) FROM alert_observables al JOIN alerts a ON a.id = al.alert_id \
     WHERE al.observable_id = o.id AND a.deleted_at IS NULL) AS alert_count \
    FROM observables o JOIN observable_types t ON t.id = o.type_id";

pub(crate) async fn identity<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
    scope: &super::access::Scope,
    uuid: Uuid,
) -> Result<Option<IdentityRow>> {
    let mut q = Sql::new(IDENTITY_SELECT);
    q.push(" WHERE o.workspace_id = ")
        .bind(ws)
        .push(" AND o.uuid = ")
        .bind(uuid);
    if !scope.reads_all() {
        q.push(" AND ");
        scope.push_observable_visible(&mut q, "o.id");
    }
    q.fetch_optional(ex).await
}

/// Filters of the identity list, resolved.
#[derive(Debug, Clone, Default)]
pub(crate) struct IdentityFilter {
    pub type_ids: Vec<i64>,
    pub q: Option<String>,
    /// Identities known only from cases the actor may not read are left out.
    pub access: super::access::Scope,
}

fn push_identity_filters(q: &mut Sql, backend: Backend, ws: i64, f: &IdentityFilter) {
    q.push(" WHERE o.workspace_id = ").bind(ws);
    if !f.access.reads_all() {
        q.push(" AND ");
        f.access.push_observable_visible(q, "o.id");
    }
    if !f.type_ids.is_empty() {
        q.push(" AND o.type_id IN ").bind_list(f.type_ids.iter().copied());
    }
    if let Some(text) = &f.q {
        search::push_contains(q, backend, ws, "observable", "o.id", text);
    }
}

/// Newest first, keyset-paged on id.
pub(crate) fn identity_list_sql(backend: Backend, ws: i64, f: &IdentityFilter, before: Option<i64>, limit: u32) -> Sql {
    let mut q = Sql::new(IDENTITY_SELECT);
    push_identity_filters(&mut q, backend, ws, f);
    if let Some(b) = before {
        q.push(" AND o.id < ").bind(b);
    }
    q.push(" ORDER BY o.id DESC").limit(i64::from(limit) + 1);
    q
}

pub(crate) async fn identity_count<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    backend: Backend,
    ws: i64,
    f: &IdentityFilter,
) -> Result<i64> {
    let mut q = Sql::new("SELECT COUNT(*) FROM observables o");
    push_identity_filters(&mut q, backend, ws, f);
    let (n,): (i64,) = q.fetch_one(ex).await?;
    Ok(n)
}

/// A case that links an identity.
#[derive(Debug, Clone, FromRow)]
pub(crate) struct IdentityCaseRow {
    pub link_id: i64,
    pub link_uuid: Uuid,
    pub link_seq: i64,
    pub tlp: i16,
    pub is_ioc: bool,
    pub linked_at: i64,
    pub case_uuid: Uuid,
    pub case_seq: i64,
    pub case_title: String,
    pub case_status: i16,
}

/// The cases of an identity, newest link first, keyset-paged on the link id.
pub(crate) fn identity_cases_sql(
    ws: i64,
    scope: &super::access::Scope,
    observable_id: i64,
    before: Option<i64>,
    limit: u32,
) -> Sql {
    let mut q = Sql::new(
        "SELECT l.id AS link_id, l.uuid AS link_uuid, l.seq AS link_seq, l.tlp, l.is_ioc, l.created_at AS linked_at, \
         c.uuid AS case_uuid, c.seq AS case_seq, c.title AS case_title, c.status AS case_status \
         FROM case_observables l JOIN cases c ON c.id = l.case_id WHERE l.observable_id = ",
    );
    q.bind(observable_id)
        .push(" AND l.workspace_id = ")
        .bind(ws)
        .push(" AND c.deleted_at IS NULL");
    scope.push_readable(&mut q, "c.id");
    if let Some(b) = before {
        q.push(" AND l.id < ").bind(b);
    }
    q.push(" ORDER BY l.id DESC").limit(i64::from(limit) + 1);
    q
}

#[derive(Debug, Clone, FromRow)]
pub(crate) struct SharedRow {
    pub other_case_id: i64,
    pub observable_uuid: Uuid,
    pub type_id: i64,
    pub type_name: String,
    pub value: String,
}

/// The identities `case_id` shares with each of `others`, oldest identity first.
pub(crate) async fn shared_with<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    case_id: i64,
    others: &[i64],
) -> Result<Vec<SharedRow>> {
    if others.is_empty() {
        return Ok(Vec::new());
    }
    shared_sql(case_id, others).fetch_all(ex).await
}

fn shared_sql(case_id: i64, others: &[i64]) -> Sql {
    let mut q = Sql::new(
        "SELECT other.case_id AS other_case_id, o.uuid AS observable_uuid, o.type_id, t.name AS type_name, o.value \
         FROM case_observables mine \
         JOIN case_observables other ON other.observable_id = mine.observable_id \
         JOIN observables o ON o.id = mine.observable_id JOIN observable_types t ON t.id = o.type_id \
         WHERE mine.case_id = ",
    );
    q.bind(case_id)
        .push(" AND other.case_id IN ")
        .bind_list(others.iter().copied())
        .push(" ORDER BY other.case_id, o.id");
    q
}

// ---- Links ----

/// A link row with its identity and type joined in; alert links leave `seq` and `custom` at
/// their defaults.
#[derive(Debug, Clone, FromRow)]
pub(crate) struct LinkRow {
    pub id: i64,
    pub uuid: Uuid,
    pub seq: i64,
    pub observable_id: i64,
    pub observable_uuid: Uuid,
    pub type_id: i64,
    pub type_name: String,
    pub value: String,
    pub tlp: Option<i16>,
    pub description: Option<String>,
    pub tags_raw: Option<String>,
    pub is_ioc: bool,
    pub custom: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub creator_uuid: Option<Uuid>,
    pub creator_login: Option<String>,
    pub creator_name: Option<String>,
    pub version: i32,
}

/// Which link table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Link {
    Case,
    Alert,
}

impl Link {
    fn select(self) -> &'static str {
        match self {
            Link::Case => {
                "SELECT l.id, l.uuid, l.seq, l.observable_id, o.uuid AS observable_uuid, o.type_id, \
                 t.name AS type_name, o.value, l.tlp, l.description, l.tags_raw, l.is_ioc, l.custom, l.created_at, \
                 l.updated_at, u.uuid AS creator_uuid, u.login AS creator_login, u.name AS creator_name, l.version \
                 FROM case_observables l JOIN observables o ON o.id = l.observable_id \
                 JOIN observable_types t ON t.id = o.type_id LEFT JOIN users u ON u.id = l.created_by"
            }
            Link::Alert => {
                "SELECT l.id, l.uuid, CAST(0 AS BIGINT) AS seq, l.observable_id, o.uuid AS observable_uuid, \
                 o.type_id, t.name AS type_name, o.value, l.tlp, l.description, l.tags_raw, l.is_ioc, CAST('{}' AS TEXT) AS custom, \
                 l.created_at, l.updated_at, u.uuid AS creator_uuid, u.login AS creator_login, u.name AS creator_name, \
                 l.version FROM alert_observables l JOIN observables o ON o.id = l.observable_id \
                 JOIN observable_types t ON t.id = o.type_id LEFT JOIN users u ON u.id = l.created_by"
            }
        }
    }
    fn owner_col(self) -> &'static str {
        match self {
            Link::Case => "l.case_id",
            Link::Alert => "l.alert_id",
        }
    }
    /// The keyset column: case links by number, alert links by insertion.
    fn order_col(self) -> &'static str {
        match self {
            Link::Case => "l.seq",
            Link::Alert => "l.id",
        }
    }
}

/// The writable columns of a link.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LinkValues {
    pub observable_id: i64,
    pub tlp: Option<i16>,
    pub description: Option<String>,
    pub tags_raw: Option<String>,
    pub is_ioc: bool,
    pub custom: String,
}

impl LinkValues {
    pub fn of(r: &LinkRow) -> Self {
        LinkValues {
            observable_id: r.observable_id,
            tlp: r.tlp,
            description: r.description.clone(),
            tags_raw: r.tags_raw.clone(),
            is_ioc: r.is_ioc,
            custom: r.custom.clone(),
        }
    }
}

pub(crate) async fn link_by_id<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, link: Link, id: i64) -> Result<LinkRow> {
    let mut q = Sql::new(link.select());
    q.push(" WHERE l.id = ").bind(id);
    q.fetch_one(ex).await
}

/// The link of an identity to a case or alert, if any.
pub(crate) async fn link_of<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    link: Link,
    owner_id: i64,
    observable_id: i64,
) -> Result<Option<LinkRow>> {
    let mut q = Sql::new(link.select());
    q.push(" WHERE ")
        .push(link.owner_col())
        .push(" = ")
        .bind(owner_id)
        .push(" AND l.observable_id = ")
        .bind(observable_id);
    q.fetch_optional(ex).await
}

/// A case's observable by number or link id.
pub(crate) async fn case_link<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
    case_id: i64,
    key: Key,
) -> Result<Option<LinkRow>> {
    let mut q = Sql::new(Link::Case.select());
    q.push(" WHERE l.workspace_id = ")
        .bind(ws)
        .push(" AND l.case_id = ")
        .bind(case_id)
        .push(" AND ");
    match key {
        Key::Uuid(u) => q.push("l.uuid = ").bind(u),
        Key::Seq(n) => q.push("l.seq = ").bind(n),
    };
    q.fetch_optional(ex).await
}

/// Links an identity to a case; `None` when a concurrent request linked it first.
pub(crate) async fn insert_case_link(
    tx: &mut Tx<'_>,
    ws: i64,
    seq: i64,
    case_id: i64,
    v: &LinkValues,
    by: Option<i64>,
    now: i64,
) -> Result<Option<(i64, Uuid)>> {
    let uuid = crate::ids::new_uuid();
    let row: Option<(i64,)> = Sql::new(
        "INSERT INTO case_observables (uuid, workspace_id, seq, case_id, observable_id, tlp, description, tags_raw, \
         is_ioc, custom, created_at, updated_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12) \
         ON CONFLICT (case_id, observable_id) DO NOTHING RETURNING id",
    )
    .arg(uuid)
    .arg(ws)
    .arg(seq)
    .arg(case_id)
    .arg(v.observable_id)
    .arg(v.tlp.unwrap_or(2))
    .arg(v.description.clone())
    .arg(v.tags_raw.clone())
    .arg(v.is_ioc)
    .arg(&v.custom)
    .arg(now)
    .arg(by)
    .fetch_optional(tx)
    .await?;
    Ok(row.map(|(id,)| (id, uuid)))
}

/// Links an identity to an alert; `None` when a concurrent request linked it first.
pub(crate) async fn insert_alert_link(
    tx: &mut Tx<'_>,
    ws: i64,
    alert_id: i64,
    v: &LinkValues,
    by: Option<i64>,
    now: i64,
) -> Result<Option<(i64, Uuid)>> {
    let uuid = crate::ids::new_uuid();
    let row: Option<(i64,)> = Sql::new(
        "INSERT INTO alert_observables (uuid, workspace_id, alert_id, observable_id, tlp, description, tags_raw, \
         is_ioc, created_at, updated_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) \
         ON CONFLICT (alert_id, observable_id) DO NOTHING RETURNING id",
    )
    .arg(uuid)
    .arg(ws)
    .arg(alert_id)
    .arg(v.observable_id)
    .arg(v.tlp)
    .arg(v.description.clone())
    .arg(v.tags_raw.clone())
    .arg(v.is_ioc)
    .arg(now)
    .arg(by)
    .fetch_optional(tx)
    .await?;
    Ok(row.map(|(id,)| (id, uuid)))
}

/// Writes new values to a case link if it is still at `version`; false when it moved on.
pub(crate) async fn update_case_link(tx: &mut Tx<'_>, id: i64, version: i32, v: &LinkValues, now: i64) -> Result<bool> {
    let n = Sql::new(
        "UPDATE case_observables SET observable_id = $3, tlp = $4, description = $5, tags_raw = $6, is_ioc = $7, \
         custom = $8, updated_at = $9, version = version + 1 WHERE id = $1 AND version = $2",
    )
    .arg(id)
    .arg(version)
    .arg(v.observable_id)
    .arg(v.tlp.unwrap_or(2))
    .arg(v.description.clone())
    .arg(v.tags_raw.clone())
    .arg(v.is_ioc)
    .arg(&v.custom)
    .arg(now)
    .execute(tx)
    .await?;
    Ok(n == 1)
}

/// Unlinks an observable from a case, with its comments; asset and event links go by cascade.
/// The identity stays.
pub(crate) async fn delete_case_link(tx: &mut Tx<'_>, id: i64) -> Result<()> {
    super::comment::delete_on(tx, crate::model::TargetKind::CaseObservable, id).await?;
    Sql::new("DELETE FROM case_observables WHERE id = $1")
        .arg(id)
        .execute(tx)
        .await?;
    Ok(())
}

/// Filters of a link list, resolved to stored values.
#[derive(Debug, Clone, Default)]
pub(crate) struct LinkListFilter {
    pub type_ids: Vec<i64>,
    pub tlp: Vec<i16>,
    pub tags: Vec<String>,
    pub is_ioc: Option<bool>,
    pub q: Option<String>,
}

fn push_link_filters(q: &mut Sql, link: Link, ws: i64, owner_id: i64, f: &LinkListFilter) {
    q.push(" WHERE ")
        .push(link.owner_col())
        .push(" = ")
        .bind(owner_id)
        .push(" AND l.workspace_id = ")
        .bind(ws);
    if !f.type_ids.is_empty() {
        q.push(" AND o.type_id IN ").bind_list(f.type_ids.iter().copied());
    }
    if !f.tlp.is_empty() {
        q.push(" AND l.tlp IN ").bind_list(f.tlp.iter().copied());
    }
    if let Some(b) = f.is_ioc {
        q.push(" AND l.is_ioc = ").bind(b);
    }
    for t in &f.tags {
        push_tag(q, t);
    }
    if let Some(text) = &f.q {
        let p = contains_pattern(text);
        q.push(" AND (lower(o.value) LIKE ")
            .bind(p.clone())
            .push(" ESCAPE '\\' OR lower(COALESCE(l.description, '')) LIKE ")
            .bind(p)
            .push(" ESCAPE '\\')");
    }
}

/// One page (plus one row) of a case's or an alert's observables.
pub(crate) fn link_list_sql(
    link: Link,
    ws: i64,
    owner_id: i64,
    f: &LinkListFilter,
    after: Option<i64>,
    descending: bool,
    limit: u32,
) -> Sql {
    let mut q = Sql::new(link.select());
    push_link_filters(&mut q, link, ws, owner_id, f);
    if let Some(a) = after {
        q.push(" AND ")
            .push(link.order_col())
            .push(if descending { " < " } else { " > " })
            .bind(a);
    }
    q.push(" ORDER BY ")
        .push(link.order_col())
        .push(if descending { " DESC" } else { " ASC" });
    q.limit(i64::from(limit) + 1);
    q
}

pub(crate) async fn link_count<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    link: Link,
    ws: i64,
    owner_id: i64,
    f: &LinkListFilter,
) -> Result<i64> {
    let mut q = match link {
        Link::Case => Sql::new("SELECT COUNT(*) FROM case_observables l JOIN observables o ON o.id = l.observable_id"),
        Link::Alert => {
            Sql::new("SELECT COUNT(*) FROM alert_observables l JOIN observables o ON o.id = l.observable_id")
        }
    };
    push_link_filters(&mut q, link, ws, owner_id, f);
    let (n,): (i64,) = q.fetch_one(ex).await?;
    Ok(n)
}

/// Every list of observables and assets finds its rows through an index on both backends, and
/// the paged ones take their order from it (no sort step).
#[cfg(test)]
mod plans {
    use super::super::{Backend, Db, asset};
    use super::{
        IdentityFilter, Link, LinkListFilter, elsewhere_sql, holders_sql, identity_cases_sql, identity_list_sql,
        link_list_sql, shared_sql,
    };

    /// No full scan of any of `tables` (`(name, alias)`); with `sorted`, no sort step either.
    fn check(backend: Backend, tables: &[(&str, &str)], what: &str, plan: &str, sorted: bool) {
        for (table, alias) in tables {
            match backend {
                Backend::Sqlite => {
                    for l in plan.lines() {
                        let l = l.trim_start();
                        let full = (l == format!("SCAN {alias}") || l.starts_with(&format!("SCAN {alias} ")))
                            && !l.contains("USING");
                        assert!(!full, "{what}: full scan of {table}:\n{plan}");
                    }
                }
                Backend::Postgres => {
                    assert!(
                        !plan.contains(&format!("Seq Scan on {table} ")),
                        "{what}: full scan of {table}:\n{plan}"
                    );
                }
            }
        }
        if sorted {
            match backend {
                Backend::Sqlite => assert!(!plan.contains("TEMP B-TREE"), "{what}: sorts:\n{plan}"),
                Backend::Postgres => assert!(!plan.contains("Sort  ("), "{what}: sorts:\n{plan}"),
            }
        }
    }

    async fn explain_all(db: &Db) {
        let b = db.backend();
        let links = [("case_observables", "l"), ("alert_observables", "l")];
        let filters = [
            LinkListFilter::default(),
            LinkListFilter {
                type_ids: vec![76],
                tlp: vec![4],
                tags: vec!["c2".into()],
                is_ioc: Some(true),
                q: Some("evil.example.com".into()),
            },
        ];
        for link in [Link::Case, Link::Alert] {
            for f in &filters {
                for desc in [false, true] {
                    for after in [None, Some(5)] {
                        let what = format!("{link:?} observables {f:?} desc={desc} after={after:?}");
                        let p = super::super::tests::plan(db, &link_list_sql(link, 1, 1, f, after, desc, 51))
                            .await
                            .join("\n");
                        check(b, &links, &what, &p, true);
                    }
                }
            }
        }
        // The workspace's identities: all, of one type, by text; first and later pages.
        for f in [
            IdentityFilter {
                access: crate::store::access::Scope::Uniform(crate::store::access::FULL_ACCESS),
                ..IdentityFilter::default()
            },
            IdentityFilter {
                type_ids: vec![76],
                q: None,
                access: crate::store::access::Scope::Uniform(crate::store::access::FULL_ACCESS),
            },
            // Someone whose access varies per case: the visibility test runs per identity.
            IdentityFilter {
                access: crate::store::access::Scope::PerCase {
                    user: 1,
                    follow: None,
                    default: crate::store::access::FULL_ACCESS,
                },
                ..IdentityFilter::default()
            },
        ] {
            for before in [None, Some(9)] {
                let what = format!("identities {f:?} before={before:?}");
                let p = super::super::tests::plan(db, &identity_list_sql(b, 1, &f, before, 51))
                    .await
                    .join("\n");
                check(
                    b,
                    &[
                        ("observables", "o"),
                        ("case_observables", "cl"),
                        ("alert_observables", "al"),
                    ],
                    &what,
                    &p,
                    true,
                );
            }
        }
        let text = IdentityFilter {
            type_ids: vec![],
            q: Some("10.1.2.3".into()),
            access: crate::store::access::Scope::Uniform(crate::store::access::FULL_ACCESS),
        };
        let p = super::super::tests::plan(db, &identity_list_sql(b, 1, &text, None, 51))
            .await
            .join("\n");
        check(b, &[("observables", "o")], "identities by text", &p, false);
        for before in [None, Some(9)] {
            let p = super::super::tests::plan(
                db,
                &identity_cases_sql(
                    1,
                    &crate::store::access::Scope::PerCase {
                        user: 1,
                        follow: None,
                        default: crate::store::access::FULL_ACCESS,
                    },
                    1,
                    before,
                    51,
                ),
            )
            .await
            .join("\n");
            check(
                b,
                &[("case_observables", "l"), ("cases", "c")],
                "cases of an observable",
                &p,
                true,
            );
        }
        // Correlation: the most recent other holders of one value, in link order from the
        // index (no sort), and their count from the index alone.
        let p = super::super::tests::plan(
            db,
            &elsewhere_sql(
                1,
                &crate::store::access::Scope::Uniform(crate::store::access::FULL_ACCESS),
                1,
                1,
                21,
            ),
        )
        .await
        .join("\n");
        check(
            b,
            &[("case_observables", "l"), ("cases", "c")],
            "other cases of an observable",
            &p,
            true,
        );
        let p = super::super::tests::plan_index_only(
            db,
            &holders_sql(
                &crate::store::access::Scope::Uniform(crate::store::access::FULL_ACCESS),
                1,
                10_001,
            ),
        )
        .await
        .join("\n");
        check(b, &[("case_observables", "l")], "holders of an observable", &p, true);
        match b {
            Backend::Sqlite => assert!(p.contains("COVERING INDEX"), "holders count reads rows:\n{p}"),
            Backend::Postgres => assert!(p.contains("Index Only Scan"), "holders count reads rows:\n{p}"),
        }
        for customer in [None, Some(3)] {
            let p = super::super::tests::plan(
                db,
                &asset::elsewhere_sql(
                    1,
                    &crate::store::access::Scope::Uniform(crate::store::access::FULL_ACCESS),
                    1,
                    1,
                    customer,
                    21,
                ),
            )
            .await
            .join("\n");
            check(
                b,
                &[("case_assets", "l"), ("cases", "c")],
                "other cases of an asset",
                &p,
                true,
            );
        }
        let p = super::super::tests::plan(db, &shared_sql(1, &[2, 3])).await.join("\n");
        check(
            b,
            &[
                ("case_observables", "mine"),
                ("case_observables", "other"),
                ("observables", "o"),
            ],
            "shared values",
            &p,
            false,
        );

        // Assets: a case's, the inventory (all, by type, compromised or not, by text), the
        // cases of one.
        let af = [
            asset::ListFilter::default(),
            asset::ListFilter {
                type_ids: vec![9],
                compromise_status: vec![1],
                analysis_status: vec![2],
                tags: vec!["dmz".into()],
                q: Some("web".into()),
            },
        ];
        for f in &af {
            for desc in [false, true] {
                for after in [None, Some(3)] {
                    let what = format!("case assets {f:?} desc={desc} after={after:?}");
                    let p = super::super::tests::plan(db, &asset::list_sql(1, 1, f, after, desc, 51))
                        .await
                        .join("\n");
                    check(b, &[("case_assets", "l")], &what, &p, true);
                }
            }
        }
        for f in [
            asset::IdentityFilter {
                access: crate::store::access::Scope::Uniform(crate::store::access::FULL_ACCESS),
                ..asset::IdentityFilter::default()
            },
            asset::IdentityFilter {
                type_ids: vec![9],
                q: None,
                compromised: None,
                access: crate::store::access::Scope::Uniform(crate::store::access::FULL_ACCESS),
            },
            asset::IdentityFilter {
                type_ids: vec![],
                q: None,
                compromised: Some(true),
                access: crate::store::access::Scope::Uniform(crate::store::access::FULL_ACCESS),
            },
            asset::IdentityFilter {
                type_ids: vec![],
                q: None,
                compromised: Some(false),
                access: crate::store::access::Scope::PerCase {
                    user: 1,
                    follow: None,
                    default: crate::store::access::FULL_ACCESS,
                },
            },
        ] {
            for before in [None, Some(9)] {
                let what = format!("inventory {f:?} before={before:?}");
                let p = super::super::tests::plan(db, &asset::identity_list_sql(b, 1, &f, before, 51))
                    .await
                    .join("\n");
                check(b, &[("assets", "a"), ("case_assets", "cl")], &what, &p, true);
            }
        }
        let text = asset::IdentityFilter {
            type_ids: vec![],
            q: Some("dc01".into()),
            compromised: None,
            access: crate::store::access::Scope::Uniform(crate::store::access::FULL_ACCESS),
        };
        let p = super::super::tests::plan(db, &asset::identity_list_sql(b, 1, &text, None, 51))
            .await
            .join("\n");
        check(b, &[("assets", "a")], "inventory by text", &p, false);
        for before in [None, Some(9)] {
            let p = super::super::tests::plan(
                db,
                &asset::identity_cases_sql(
                    1,
                    &crate::store::access::Scope::PerCase {
                        user: 1,
                        follow: None,
                        default: crate::store::access::FULL_ACCESS,
                    },
                    1,
                    before,
                    51,
                ),
            )
            .await
            .join("\n");
            check(
                b,
                &[("case_assets", "l"), ("cases", "c")],
                "cases of an asset",
                &p,
                true,
            );
        }
    }

    #[tokio::test]
    async fn observable_and_asset_lists_use_indexes_on_sqlite() {
        let (db, dir) = super::super::tests::open_sqlite().await;
        explain_all(&db).await;
        db.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn observable_and_asset_lists_use_indexes_on_postgres() {
        let Some((db, _guard)) = super::super::tests::open_pg().await else {
            return;
        };
        explain_all(&db).await;
        db.close().await;
    }
}

/// A case's observable also linked by another case.
#[derive(Debug, Clone, FromRow)]
pub(crate) struct ElsewhereRow {
    pub link_uuid: Uuid,
    pub link_seq: i64,
    pub case_uuid: Uuid,
    pub case_seq: i64,
    pub case_title: String,
    pub case_status: i16,
    pub customer_name: Option<String>,
}

/// The observables of `case_id`: (link number, identity id).
pub(crate) async fn own_identities<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, case_id: i64) -> Result<Vec<(i64, i64)>> {
    Sql::new("SELECT seq, observable_id FROM case_observables WHERE case_id = $1 ORDER BY seq")
        .arg(case_id)
        .fetch_all(ex)
        .await
}

/// The most recent `limit` links of an identity in live cases other than `case_id`, newest
/// link first: a walk down the `(observable_id, id)` index that stops after `limit` rows.
/// This is where the other cases of a correlation are chosen.
/// Cases the actor may not read are not among them (`scope`).
pub(crate) fn elsewhere_sql(
    ws: i64,
    scope: &super::access::Scope,
    observable_id: i64,
    case_id: i64,
    limit: i64,
) -> Sql {
    let mut q = Sql::new(
        "SELECT l.uuid AS link_uuid, l.seq AS link_seq, c.uuid AS case_uuid, \
         c.seq AS case_seq, c.title AS case_title, c.status AS case_status, cu.name AS customer_name \
         FROM case_observables l JOIN cases c ON c.id = l.case_id LEFT JOIN customers cu ON cu.id = c.customer_id \
         WHERE l.observable_id = $1 AND l.case_id <> $2 AND l.workspace_id = $3 AND c.deleted_at IS NULL",
    )
    .arg(observable_id)
    .arg(case_id)
    .arg(ws);
    scope.push_readable(&mut q, "l.case_id");
    q.push(" ORDER BY l.id DESC").limit(limit);
    q
}

pub(crate) async fn elsewhere<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
    scope: &super::access::Scope,
    observable_id: i64,
    case_id: i64,
    limit: i64,
) -> Result<Vec<ElsewhereRow>> {
    elsewhere_sql(ws, scope, observable_id, case_id, limit)
        .fetch_all(ex)
        .await
}

/// How many cases (that `scope` may read) link an identity, counted from the
/// `(observable_id, id)` index alone for someone who reads every case, and stopping at `bound`.
pub(crate) fn holders_sql(scope: &super::access::Scope, observable_id: i64, bound: i64) -> Sql {
    let mut q = Sql::new("SELECT COUNT(*) FROM (SELECT l.id FROM case_observables l WHERE l.observable_id = $1");
    q = q.arg(observable_id);
    scope.push_readable(&mut q, "l.case_id");
    q.limit(bound);
    q.push(") x");
    q
}

pub(crate) async fn holders<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    scope: &super::access::Scope,
    observable_id: i64,
    bound: i64,
) -> Result<i64> {
    let (n,): (i64,) = holders_sql(scope, observable_id, bound).fetch_one(ex).await?;
    Ok(n)
}

/// How many cases link an identity, from the `(observable_id, id)` index alone.
pub(crate) async fn holders_all<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, observable_id: i64) -> Result<i64> {
    let (n,): (i64,) = Sql::new("SELECT COUNT(*) FROM case_observables WHERE observable_id = $1")
        .arg(observable_id)
        .fetch_one(ex)
        .await?;
    Ok(n)
}

/// The cases of the most recent `per_identity` links of each identity of `case_id` (other than
/// `case_id` itself), one row per link: the candidates of "related cases".
pub(crate) async fn recent_holders<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    scope: &super::access::Scope,
    observable_id: i64,
    case_id: i64,
    per_identity: i64,
) -> Result<Vec<i64>> {
    let mut q = Sql::new("SELECT l.case_id FROM case_observables l WHERE l.observable_id = $1 AND l.case_id <> $2")
        .arg(observable_id)
        .arg(case_id);
    scope.push_readable(&mut q, "l.case_id");
    q.push(" ORDER BY l.id DESC").limit(per_identity);
    let rows: Vec<(i64,)> = q.fetch_all(ex).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Live cases of the workspace by id, for related-case rows.
pub(crate) async fn related_rows<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
    ids: &[i64],
) -> Result<Vec<(i64, Uuid, i64, String, i16)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new("SELECT id, uuid, seq, title, status FROM cases WHERE workspace_id = ");
    q.bind(ws)
        .push(" AND deleted_at IS NULL AND id IN ")
        .bind_list(ids.iter().copied());
    q.fetch_all(ex).await
}
