//! Customer rows: reads with the creator joined in, a keyset-paged list by number, and the
//! checks a delete needs.

use sqlx::FromRow;
use uuid::Uuid;

use super::{Backend, Ex, Tx, sql::Sql};
use crate::{error::Result, ids::Key};

#[derive(Debug, Clone, FromRow)]
pub(crate) struct CustomerRow {
    pub id: i64,
    pub uuid: Uuid,
    pub seq: i64,
    pub name: String,
    pub description: Option<String>,
    pub sla: Option<String>,
    pub contacts: String,
    pub custom: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub creator_uuid: Option<Uuid>,
    pub creator_login: Option<String>,
    pub creator_name: Option<String>,
    pub version: i32,
}

const SELECT: &str = "SELECT c.id, c.uuid, c.seq, c.name, c.description, c.sla, c.contacts, c.custom, c.created_at, \
    c.updated_at, u.uuid AS creator_uuid, u.login AS creator_login, u.name AS creator_name, c.version \
    FROM customers c LEFT JOIN users u ON u.id = c.created_by";

/// The writable columns of a customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CustomerValues {
    pub name: String,
    pub description: Option<String>,
    pub sla: Option<String>,
    /// JSON list.
    pub contacts: String,
    /// JSON object.
    pub custom: String,
}

impl CustomerValues {
    pub fn of(r: &CustomerRow) -> Self {
        CustomerValues {
            name: r.name.clone(),
            description: r.description.clone(),
            sla: r.sla.clone(),
            contacts: r.contacts.clone(),
            custom: r.custom.clone(),
        }
    }
}

pub(crate) async fn get<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64, key: Key) -> Result<Option<CustomerRow>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE c.workspace_id = ").bind(ws).push(" AND ");
    match key {
        Key::Uuid(u) => q.push("c.uuid = ").bind(u),
        Key::Seq(n) => q.push("c.seq = ").bind(n),
    };
    q.fetch_optional(ex).await
}

/// The internal id of a customer of workspace `ws`, by number or UUID.
pub(crate) async fn id_of<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64, key: Key) -> Result<Option<i64>> {
    let mut q = Sql::new("SELECT id FROM customers WHERE workspace_id = ");
    q.bind(ws).push(" AND ");
    match key {
        Key::Uuid(u) => q.push("uuid = ").bind(u),
        Key::Seq(n) => q.push("seq = ").bind(n),
    };
    let row: Option<(i64,)> = q.fetch_optional(ex).await?;
    Ok(row.map(|(id,)| id))
}

/// The customer of `ws` whose name equals `name` case-insensitively, other than `except`.
pub(crate) async fn name_taken<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
    name: &str,
    except: Option<i64>,
) -> Result<bool> {
    let row: Option<(i64,)> =
        Sql::new("SELECT id FROM customers WHERE workspace_id = $1 AND lower(name) = lower($2) AND id <> $3")
            .arg(ws)
            .arg(name)
            .arg(except.unwrap_or(0))
            .fetch_optional(ex)
            .await?;
    Ok(row.is_some())
}

pub(crate) async fn insert(
    tx: &mut Tx<'_>,
    ws: i64,
    seq: i64,
    v: &CustomerValues,
    by: Option<i64>,
    now: i64,
) -> Result<(i64, Uuid)> {
    let uuid = crate::ids::new_uuid();
    let (id,): (i64,) = Sql::new(
        "INSERT INTO customers (uuid, workspace_id, seq, name, description, sla, contacts, custom, created_at, \
         updated_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id",
    )
    .arg(uuid)
    .arg(ws)
    .arg(seq)
    .arg(&v.name)
    .arg(v.description.clone())
    .arg(v.sla.clone())
    .arg(&v.contacts)
    .arg(&v.custom)
    .arg(now)
    .arg(by)
    .fetch_one(tx)
    .await?;
    Ok((id, uuid))
}

/// Writes new values if the row is still at `version`; false when it moved on.
pub(crate) async fn update(tx: &mut Tx<'_>, id: i64, version: i32, v: &CustomerValues, now: i64) -> Result<bool> {
    let n = Sql::new(
        "UPDATE customers SET name = $3, description = $4, sla = $5, contacts = $6, custom = $7, updated_at = $8, \
         version = version + 1 WHERE id = $1 AND version = $2",
    )
    .arg(id)
    .arg(version)
    .arg(&v.name)
    .arg(v.description.clone())
    .arg(v.sla.clone())
    .arg(&v.contacts)
    .arg(&v.custom)
    .arg(now)
    .execute(tx)
    .await?;
    Ok(n == 1)
}

/// How many cases and alerts name the customer.
pub(crate) async fn references(tx: &mut Tx<'_>, id: i64) -> Result<(i64, i64)> {
    let (cases,): (i64,) = Sql::new("SELECT COUNT(*) FROM cases WHERE customer_id = $1")
        .arg(id)
        .fetch_one(&mut *tx)
        .await?;
    let (alerts,): (i64,) = Sql::new("SELECT COUNT(*) FROM alerts WHERE customer_id = $1")
        .arg(id)
        .fetch_one(tx)
        .await?;
    Ok((cases, alerts))
}

pub(crate) async fn delete(tx: &mut Tx<'_>, id: i64) -> Result<()> {
    Sql::new("DELETE FROM customers WHERE id = $1")
        .arg(id)
        .execute(tx)
        .await?;
    Ok(())
}

/// Escapes `%`, `_` and `\` for LIKE / ILIKE with `ESCAPE '\'`.
pub(crate) fn like_pattern(text: &str) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

/// Appends a case-insensitive `LIKE` of `col` (ASCII case folding on SQLite, full on PostgreSQL).
pub(crate) fn push_like(q: &mut Sql, backend: Backend, col: &'static str, pattern: &str) {
    q.push(col);
    match backend {
        Backend::Sqlite => q.push(" LIKE "),
        Backend::Postgres => q.push(" ILIKE "),
    };
    q.bind(pattern).push(" ESCAPE '\\'");
}

/// One page by number (plus one row, to know whether another page follows).
pub(crate) async fn list<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    backend: Backend,
    ws: i64,
    text: Option<&str>,
    after: Option<i64>,
    limit: u32,
) -> Result<Vec<CustomerRow>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE c.workspace_id = ").bind(ws);
    if let Some(t) = text {
        let pattern = like_pattern(t.trim());
        q.push(" AND (");
        push_like(&mut q, backend, "c.name", &pattern);
        q.push(" OR ");
        push_like(&mut q, backend, "c.description", &pattern);
        q.push(")");
    }
    if let Some(a) = after {
        q.push(" AND c.seq > ").bind(a);
    }
    q.push(" ORDER BY c.seq ASC").limit(i64::from(limit) + 1);
    q.fetch_all(ex).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_pattern("a%b_c\\"), "%a\\%b\\_c\\\\%");
    }
}
