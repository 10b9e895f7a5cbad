//! Asset rows: the inventory identity (workspace, type, lower-cased name), its links to cases
//! (`case_assets`) and their links to the same case's observables (`case_asset_observables`).

use std::collections::HashMap;

use sqlx::FromRow;
use uuid::Uuid;

use super::{
    Backend, Ex, Tx,
    observable::{contains_pattern, push_tag},
    search,
    sql::Sql,
};
use crate::{error::Result, ids::Key};

/// Finds the asset (type, name) of a workspace, creating it when missing. Returns
/// (id, uuid, created).
pub(crate) async fn ensure_identity(
    tx: &mut Tx<'_>,
    ws: i64,
    type_id: i64,
    name: &str,
    by: Option<i64>,
    now: i64,
) -> Result<(i64, Uuid, bool)> {
    let uuid = crate::ids::new_uuid();
    let lower = name.to_lowercase();
    let inserted: Option<(i64,)> = Sql::new(
        "INSERT INTO assets (uuid, workspace_id, type_id, name, name_lower, created_at, updated_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7) ON CONFLICT (workspace_id, type_id, name_lower) DO NOTHING RETURNING id",
    )
    .arg(uuid)
    .arg(ws)
    .arg(type_id)
    .arg(name)
    .arg(lower.clone())
    .arg(now)
    .arg(by)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((id,)) = inserted {
        return Ok((id, uuid, true));
    }
    let (id, uuid): (i64, Uuid) =
        Sql::new("SELECT id, uuid FROM assets WHERE workspace_id = $1 AND type_id = $2 AND name_lower = $3")
            .arg(ws)
            .arg(type_id)
            .arg(lower)
            .fetch_one(&mut *tx)
            .await?;
    Ok((id, uuid, false))
}

/// The search document of an asset: its name.
pub(crate) async fn index_identity(tx: &mut Tx<'_>, ws: i64, id: i64, name: &str, now: i64) -> Result<()> {
    search::upsert(
        tx,
        &search::Doc {
            ws,
            kind: "asset",
            object_id: id,
            case_id: None,
            title: name,
            body: "",
        },
        now,
    )
    .await
}

#[derive(Debug, Clone, FromRow)]
pub(crate) struct CaseAssetRow {
    pub id: i64,
    pub uuid: Uuid,
    pub seq: i64,
    pub asset_id: i64,
    pub asset_uuid: Uuid,
    pub name: String,
    pub type_id: i64,
    pub type_name: String,
    pub description: Option<String>,
    pub domain: Option<String>,
    pub ip: Option<String>,
    pub info: Option<String>,
    pub tags_raw: Option<String>,
    pub compromise_status: i16,
    pub analysis_status_id: i64,
    pub analysis_status_name: String,
    pub custom: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub creator_uuid: Option<Uuid>,
    pub creator_login: Option<String>,
    pub creator_name: Option<String>,
    pub version: i32,
}

const SELECT: &str = "SELECT l.id, l.uuid, l.seq, l.asset_id, a.uuid AS asset_uuid, a.name, a.type_id, \
    t.name AS type_name, l.description, l.domain, l.ip, l.info, l.tags_raw, l.compromise_status, l.analysis_status_id, \
    s.name AS analysis_status_name, l.custom, l.created_at, l.updated_at, u.uuid AS creator_uuid, \
    u.login AS creator_login, u.name AS creator_name, l.version \
    FROM case_assets l JOIN assets a ON a.id = l.asset_id JOIN asset_types t ON t.id = a.type_id \
    JOIN analysis_statuses s ON s.id = l.analysis_status_id LEFT JOIN users u ON u.id = l.created_by";

/// The writable columns of a case asset.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CaseAssetValues {
    pub asset_id: i64,
    pub description: Option<String>,
    pub domain: Option<String>,
    pub ip: Option<String>,
    pub info: Option<String>,
    pub tags_raw: Option<String>,
    pub compromise_status: i16,
    pub analysis_status_id: i64,
    pub custom: String,
}

impl CaseAssetValues {
    pub fn of(r: &CaseAssetRow) -> Self {
        CaseAssetValues {
            asset_id: r.asset_id,
            description: r.description.clone(),
            domain: r.domain.clone(),
            ip: r.ip.clone(),
            info: r.info.clone(),
            tags_raw: r.tags_raw.clone(),
            compromise_status: r.compromise_status,
            analysis_status_id: r.analysis_status_id,
            custom: r.custom.clone(),
        }
    }
}

pub(crate) async fn by_id<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, id: i64) -> Result<CaseAssetRow> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE l.id = ").bind(id);
    q.fetch_one(ex).await
}

/// A case's asset by number or link id.
pub(crate) async fn get<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
    case_id: i64,
    key: Key,
) -> Result<Option<CaseAssetRow>> {
    let mut q = Sql::new(SELECT);
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

/// The number of the case's link to an asset identity, if any.
pub(crate) async fn link_of<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    case_id: i64,
    asset_id: i64,
) -> Result<Option<(i64, i64)>> {
    Sql::new("SELECT id, seq FROM case_assets WHERE case_id = $1 AND asset_id = $2")
        .arg(case_id)
        .arg(asset_id)
        .fetch_optional(ex)
        .await
}

/// Adds an asset to a case; `None` when the case already holds it (a concurrent request).
pub(crate) async fn insert(
    tx: &mut Tx<'_>,
    ws: i64,
    seq: i64,
    case_id: i64,
    v: &CaseAssetValues,
    by: Option<i64>,
    now: i64,
) -> Result<Option<(i64, Uuid)>> {
    let uuid = crate::ids::new_uuid();
    let row: Option<(i64,)> = Sql::new(
        "INSERT INTO case_assets (uuid, workspace_id, seq, case_id, asset_id, description, domain, ip, info, tags_raw, \
         compromise_status, analysis_status_id, custom, created_at, updated_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15) \
         ON CONFLICT (case_id, asset_id) DO NOTHING RETURNING id",
    )
    .arg(uuid)
    .arg(ws)
    .arg(seq)
    .arg(case_id)
    .arg(v.asset_id)
    .arg(v.description.clone())
    .arg(v.domain.clone())
    .arg(v.ip.clone())
    .arg(v.info.clone())
    .arg(v.tags_raw.clone())
    .arg(v.compromise_status)
    .arg(v.analysis_status_id)
    .arg(&v.custom)
    .arg(now)
    .arg(by)
    .fetch_optional(tx)
    .await?;
    Ok(row.map(|(id,)| (id, uuid)))
}

/// Writes new values if the row is still at `version`; false when it moved on.
pub(crate) async fn update(tx: &mut Tx<'_>, id: i64, version: i32, v: &CaseAssetValues, now: i64) -> Result<bool> {
    let n = Sql::new(
        "UPDATE case_assets SET asset_id = $3, description = $4, domain = $5, ip = $6, info = $7, tags_raw = $8, \
         compromise_status = $9, analysis_status_id = $10, custom = $11, updated_at = $12, version = version + 1 \
         WHERE id = $1 AND version = $2",
    )
    .arg(id)
    .arg(version)
    .arg(v.asset_id)
    .arg(v.description.clone())
    .arg(v.domain.clone())
    .arg(v.ip.clone())
    .arg(v.info.clone())
    .arg(v.tags_raw.clone())
    .arg(v.compromise_status)
    .arg(v.analysis_status_id)
    .arg(&v.custom)
    .arg(now)
    .execute(tx)
    .await?;
    Ok(n == 1)
}

/// Bumps the version of a case asset whose only change is its observable links.
pub(crate) async fn touch(tx: &mut Tx<'_>, id: i64, version: i32, now: i64) -> Result<bool> {
    let n = Sql::new("UPDATE case_assets SET updated_at = $3, version = version + 1 WHERE id = $1 AND version = $2")
        .arg(id)
        .arg(version)
        .arg(now)
        .execute(tx)
        .await?;
    Ok(n == 1)
}

/// Removes an asset from a case with its comments; observable and event links go by cascade.
/// The inventory identity stays.
pub(crate) async fn delete(tx: &mut Tx<'_>, id: i64) -> Result<()> {
    super::comment::delete_on(tx, crate::model::TargetKind::CaseAsset, id).await?;
    Sql::new("DELETE FROM case_assets WHERE id = $1")
        .arg(id)
        .execute(tx)
        .await?;
    Ok(())
}

/// Replaces the observables a case asset is linked to (case observable ids of the same case).
pub(crate) async fn set_observables(
    tx: &mut Tx<'_>,
    ws: i64,
    case_asset_id: i64,
    observable_links: &[i64],
    now: i64,
) -> Result<()> {
    Sql::new("DELETE FROM case_asset_observables WHERE case_asset_id = $1")
        .arg(case_asset_id)
        .execute(&mut *tx)
        .await?;
    add_observables(tx, ws, case_asset_id, observable_links, now).await
}

/// Links a case asset to more observables of its case (links it already has stay as they are).
pub(crate) async fn add_observables(
    tx: &mut Tx<'_>,
    ws: i64,
    case_asset_id: i64,
    observable_links: &[i64],
    now: i64,
) -> Result<()> {
    for chunk in observable_links.chunks(200) {
        let mut q = Sql::new(
            "INSERT INTO case_asset_observables (case_asset_id, case_observable_id, workspace_id, created_at) VALUES ",
        );
        for (i, o) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.push("(")
                .bind(case_asset_id)
                .push(", ")
                .bind(*o)
                .push(", ")
                .bind(ws)
                .push(", ")
                .bind(now)
                .push(")");
        }
        q.push(" ON CONFLICT DO NOTHING");
        q.execute(&mut *tx).await?;
    }
    Ok(())
}

/// An observable linked to a case asset.
#[derive(Debug, Clone, FromRow)]
pub(crate) struct AssetObservableRow {
    pub case_asset_id: i64,
    pub uuid: Uuid,
    pub seq: i64,
    pub type_id: i64,
    pub type_name: String,
    pub value: String,
}

/// The linked observables of each case asset, by observable number.
pub(crate) async fn observables_of<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<AssetObservableRow>>> {
    let mut out: HashMap<i64, Vec<AssetObservableRow>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut ex = ex.into();
    for chunk in ids.chunks(500) {
        let mut q = Sql::new(
            "SELECT x.case_asset_id, co.uuid, co.seq, o.type_id, t.name AS type_name, o.value \
             FROM case_asset_observables x JOIN case_observables co ON co.id = x.case_observable_id \
             JOIN observables o ON o.id = co.observable_id JOIN observable_types t ON t.id = o.type_id \
             WHERE x.case_asset_id IN ",
        );
        q.bind_list(chunk.iter().copied())
            .push(" ORDER BY x.case_asset_id, co.seq");
        let rows: Vec<AssetObservableRow> = q.fetch_all(ex.reborrow()).await?;
        for r in rows {
            out.entry(r.case_asset_id).or_default().push(r);
        }
    }
    Ok(out)
}

/// Filters of a case's asset list, resolved.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListFilter {
    pub type_ids: Vec<i64>,
    pub compromise_status: Vec<i16>,
    pub analysis_status: Vec<i64>,
    pub tags: Vec<String>,
    pub q: Option<String>,
}

fn push_filters(q: &mut Sql, ws: i64, case_id: i64, f: &ListFilter) {
    q.push(" WHERE l.case_id = ")
        .bind(case_id)
        .push(" AND l.workspace_id = ")
        .bind(ws);
    if !f.type_ids.is_empty() {
        q.push(" AND a.type_id IN ").bind_list(f.type_ids.iter().copied());
    }
    if !f.compromise_status.is_empty() {
        q.push(" AND l.compromise_status IN ")
            .bind_list(f.compromise_status.iter().copied());
    }
    if !f.analysis_status.is_empty() {
        q.push(" AND l.analysis_status_id IN ")
            .bind_list(f.analysis_status.iter().copied());
    }
    for t in &f.tags {
        push_tag(q, t);
    }
    if let Some(text) = &f.q {
        let p = contains_pattern(text);
        q.push(" AND (a.name_lower LIKE ")
            .bind(p.clone())
            .push(" ESCAPE '\\' OR lower(COALESCE(l.description, '')) LIKE ")
            .bind(p.clone())
            .push(" ESCAPE '\\' OR lower(COALESCE(l.domain, '')) LIKE ")
            .bind(p.clone())
            .push(" ESCAPE '\\' OR lower(COALESCE(l.ip, '')) LIKE ")
            .bind(p)
            .push(" ESCAPE '\\')");
    }
}

/// One page (plus one row) of a case's assets, by number.
pub(crate) fn list_sql(ws: i64, case_id: i64, f: &ListFilter, after: Option<i64>, descending: bool, limit: u32) -> Sql {
    let mut q = Sql::new(SELECT);
    push_filters(&mut q, ws, case_id, f);
    if let Some(a) = after {
        q.push(if descending { " AND l.seq < " } else { " AND l.seq > " })
            .bind(a);
    }
    q.push(if descending {
        " ORDER BY l.seq DESC"
    } else {
        " ORDER BY l.seq ASC"
    });
    q.limit(i64::from(limit) + 1);
    q
}

pub(crate) async fn count<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64, case_id: i64, f: &ListFilter) -> Result<i64> {
    let mut q = Sql::new("SELECT COUNT(*) FROM case_assets l JOIN assets a ON a.id = l.asset_id");
    push_filters(&mut q, ws, case_id, f);
    let (n,): (i64,) = q.fetch_one(ex).await?;
    Ok(n)
}

// ---- The workspace's inventory ----

#[derive(Debug, Clone, FromRow)]
pub(crate) struct IdentityRow {
    pub id: i64,
    pub uuid: Uuid,
    pub name: String,
    pub type_id: i64,
    pub type_name: String,
    pub description: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub case_count: i64,
    pub compromised: bool,
}

/// `compromise_status` of a compromised asset.
const COMPROMISED: i16 = 1;

const IDENTITY_SELECT: &str = "SELECT a.id, a.uuid, a.name, a.type_id, t.name AS type_name, a.description, \
    a.created_at, a.updated_at, \
    (SELECT COUNT(*) FROM case_assets cl JOIN cases c ON c.id = cl.case_id \
     WHERE cl.asset_id = a.id AND c.deleted_at IS NULL) AS case_count, \
    EXISTS (SELECT 1 FROM case_assets cl JOIN cases c ON c.id = cl.case_id \
     WHERE cl.asset_id = a.id AND cl.compromise_status = 1 AND c.deleted_at IS NULL) AS compromised \
    FROM assets a JOIN asset_types t ON t.id = a.type_id";

pub(crate) async fn identity<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
    scope: &super::access::Scope,
    uuid: Uuid,
) -> Result<Option<IdentityRow>> {
    let mut q = Sql::new(IDENTITY_SELECT);
    q.push(" WHERE a.workspace_id = ")
        .bind(ws)
        .push(" AND a.uuid = ")
        .bind(uuid);
    if !scope.reads_all() {
        q.push(" AND ");
        scope.push_asset_visible(&mut q, "a.id");
    }
    q.fetch_optional(ex).await
}

#[derive(Debug, Clone, Default)]
pub(crate) struct IdentityFilter {
    pub type_ids: Vec<i64>,
    pub q: Option<String>,
    pub compromised: Option<bool>,
    /// Identities known only from cases the actor may not read are left out.
    pub access: super::access::Scope,
}

fn push_identity_filters(q: &mut Sql, backend: Backend, ws: i64, f: &IdentityFilter) {
    q.push(" WHERE a.workspace_id = ").bind(ws);
    if !f.access.reads_all() {
        q.push(" AND ");
        f.access.push_asset_visible(q, "a.id");
    }
    if !f.type_ids.is_empty() {
        q.push(" AND a.type_id IN ").bind_list(f.type_ids.iter().copied());
    }
    if let Some(c) = f.compromised {
        q.push(if c { " AND a.id IN " } else { " AND a.id NOT IN " })
            .push("(SELECT cl.asset_id FROM case_assets cl JOIN cases c ON c.id = cl.case_id WHERE cl.workspace_id = ")
            .bind(ws)
            .push(" AND cl.compromise_status = ")
            .bind(COMPROMISED)
            .push(" AND c.deleted_at IS NULL)");
    }
    if let Some(text) = &f.q {
        search::push_contains(q, backend, ws, "asset", "a.id", text);
    }
}

/// Newest first, keyset-paged on id.
pub(crate) fn identity_list_sql(backend: Backend, ws: i64, f: &IdentityFilter, before: Option<i64>, limit: u32) -> Sql {
    let mut q = Sql::new(IDENTITY_SELECT);
    push_identity_filters(&mut q, backend, ws, f);
    if let Some(b) = before {
        q.push(" AND a.id < ").bind(b);
    }
    q.push(" ORDER BY a.id DESC").limit(i64::from(limit) + 1);
    q
}

pub(crate) async fn identity_count<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    backend: Backend,
    ws: i64,
    f: &IdentityFilter,
) -> Result<i64> {
    let mut q = Sql::new("SELECT COUNT(*) FROM assets a");
    push_identity_filters(&mut q, backend, ws, f);
    let (n,): (i64,) = q.fetch_one(ex).await?;
    Ok(n)
}

/// A case that holds an asset.
#[derive(Debug, Clone, FromRow)]
pub(crate) struct IdentityCaseRow {
    pub link_id: i64,
    pub link_uuid: Uuid,
    pub link_seq: i64,
    pub compromise_status: i16,
    pub analysis_status_id: i64,
    pub analysis_status_name: String,
    pub linked_at: i64,
    pub case_uuid: Uuid,
    pub case_seq: i64,
    pub case_title: String,
    pub case_status: i16,
}

/// The cases of an asset, newest link first, keyset-paged on the link id.
pub(crate) fn identity_cases_sql(
    ws: i64,
    scope: &super::access::Scope,
    asset_id: i64,
    before: Option<i64>,
    limit: u32,
) -> Sql {
    let mut q = Sql::new(
        "SELECT l.id AS link_id, l.uuid AS link_uuid, l.seq AS link_seq, l.compromise_status, l.analysis_status_id, \
         s.name AS analysis_status_name, l.created_at AS linked_at, c.uuid AS case_uuid, c.seq AS case_seq, \
         c.title AS case_title, c.status AS case_status \
         FROM case_assets l JOIN cases c ON c.id = l.case_id JOIN analysis_statuses s ON s.id = l.analysis_status_id \
         WHERE l.asset_id = ",
    );
    q.bind(asset_id)
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

/// A case's asset also held by another case of the same customer.
#[derive(Debug, Clone, FromRow)]
pub(crate) struct ElsewhereRow {
    pub link_uuid: Uuid,
    pub link_seq: i64,
    pub description: Option<String>,
    pub compromise_status: i16,
    pub case_uuid: Uuid,
    pub case_seq: i64,
    pub case_title: String,
    pub case_status: i16,
    pub case_created_at: i64,
}

/// The assets of `case_id`: (link number, inventory asset id), and the case's customer.
pub(crate) async fn own_assets<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    case_id: i64,
) -> Result<(Vec<(i64, i64)>, Option<i64>)> {
    let mut ex = ex.into();
    let rows: Vec<(i64, i64)> = Sql::new("SELECT seq, asset_id FROM case_assets WHERE case_id = $1 ORDER BY seq")
        .arg(case_id)
        .fetch_all(ex.reborrow())
        .await?;
    let customer: Option<(Option<i64>,)> = Sql::new("SELECT customer_id FROM cases WHERE id = $1")
        .arg(case_id)
        .fetch_optional(ex)
        .await?;
    Ok((rows, customer.and_then(|c| c.0)))
}

fn push_same_customer(q: &mut Sql, customer: Option<i64>) {
    match customer {
        Some(c) => {
            q.push(" AND c.customer_id = ").bind(c);
        }
        None => {
            q.push(" AND c.customer_id IS NULL");
        }
    }
}

/// The most recent `limit` links of an inventory asset in other live cases of the same
/// customer (or, for `customer` `None`, of no customer), newest link first: a walk down the
/// `(asset_id, id)` index that stops after `limit` matches. This is where the other cases of
/// an asset's correlation are chosen.
pub(crate) fn elsewhere_sql(
    ws: i64,
    scope: &super::access::Scope,
    asset_id: i64,
    case_id: i64,
    customer: Option<i64>,
    limit: i64,
) -> Sql {
    let mut q = Sql::new(
        "SELECT l.uuid AS link_uuid, l.seq AS link_seq, l.description, l.compromise_status, \
         c.uuid AS case_uuid, c.seq AS case_seq, c.title AS case_title, c.status AS case_status, \
         c.created_at AS case_created_at \
         FROM case_assets l JOIN cases c ON c.id = l.case_id \
         WHERE l.asset_id = $1 AND l.case_id <> $2 AND l.workspace_id = $3 AND c.deleted_at IS NULL",
    )
    .arg(asset_id)
    .arg(case_id)
    .arg(ws);
    push_same_customer(&mut q, customer);
    scope.push_readable(&mut q, "l.case_id");
    q.push(" ORDER BY l.id DESC").limit(limit);
    q
}

pub(crate) async fn elsewhere<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
    scope: &super::access::Scope,
    asset_id: i64,
    case_id: i64,
    customer: Option<i64>,
    limit: i64,
) -> Result<Vec<ElsewhereRow>> {
    elsewhere_sql(ws, scope, asset_id, case_id, customer, limit)
        .fetch_all(ex)
        .await
}

/// How many cases (that `scope` may read) hold an inventory asset, from the `(asset_id, id)`
/// index alone for someone who reads every case.
pub(crate) async fn holders<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    scope: &super::access::Scope,
    asset_id: i64,
) -> Result<i64> {
    let mut q = Sql::new("SELECT COUNT(*) FROM case_assets l WHERE l.asset_id = $1").arg(asset_id);
    scope.push_readable(&mut q, "l.case_id");
    let (n,): (i64,) = q.fetch_one(ex).await?;
    Ok(n)
}

/// How many other live cases of the same customer hold the asset, stopping at `bound`.
pub(crate) async fn elsewhere_count<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    scope: &super::access::Scope,
    asset_id: i64,
    case_id: i64,
    customer: Option<i64>,
    bound: i64,
) -> Result<i64> {
    let mut q = Sql::new(
        "SELECT COUNT(*) FROM (SELECT l.id FROM case_assets l JOIN cases c ON c.id = l.case_id \
         WHERE l.asset_id = $1 AND l.case_id <> $2 AND c.deleted_at IS NULL",
    )
    .arg(asset_id)
    .arg(case_id);
    push_same_customer(&mut q, customer);
    scope.push_readable(&mut q, "l.case_id");
    q.limit(bound);
    q.push(") x");
    let (n,): (i64,) = q.fetch_one(ex).await?;
    Ok(n)
}
