//! Terms (tags and other labels) and their ordered links to cases and alerts.

use std::collections::HashMap;

use super::{Ex, Tx, sql::Sql};
use crate::{error::Result, ids::new_uuid};

/// `terms.kind` values.
pub(crate) const TAG: i16 = 0;
/// A signal category (alerts).
pub(crate) const CATEGORY: i16 = 3;
/// A signal subcategory (alerts).
pub(crate) const SUBCATEGORY: i16 = 4;

/// Which link table.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Owner {
    Case,
    Alert,
}

impl Owner {
    fn delete_sql(self) -> &'static str {
        match self {
            Owner::Case => {
                "DELETE FROM case_terms WHERE case_id = $1 AND term_id IN (SELECT id FROM terms WHERE kind = $2)"
            }
            Owner::Alert => {
                "DELETE FROM alert_terms WHERE alert_id = $1 AND term_id IN (SELECT id FROM terms WHERE kind = $2)"
            }
        }
    }
    fn insert_head(self) -> &'static str {
        match self {
            Owner::Case => "INSERT INTO case_terms (case_id, term_id, workspace_id, position, created_at) VALUES ",
            Owner::Alert => "INSERT INTO alert_terms (alert_id, term_id, workspace_id, position, created_at) VALUES ",
        }
    }
}

/// Ids of the named terms, creating the missing ones. Names match case-insensitively; the
/// first spelling used is kept.
pub(crate) async fn ensure(
    tx: &mut Tx<'_>,
    ws: i64,
    kind: i16,
    names: &[String],
    now: i64,
) -> Result<HashMap<String, i64>> {
    let mut out = HashMap::new();
    if names.is_empty() {
        return Ok(out);
    }
    for chunk in names.chunks(200) {
        let mut ins = Sql::new("INSERT INTO terms (uuid, workspace_id, kind, name, created_at, updated_at) VALUES ");
        for (i, n) in chunk.iter().enumerate() {
            if i > 0 {
                ins.push(", ");
            }
            ins.push("(")
                .bind(new_uuid())
                .push(", ")
                .bind(ws)
                .push(", ")
                .bind(kind)
                .push(", ")
                .bind(n);
            ins.push(", ").bind(now).push(", ").bind(now).push(")");
        }
        ins.push(" ON CONFLICT DO NOTHING");
        ins.execute(&mut *tx).await?;
        let mut sel = Sql::new("SELECT id, name FROM terms WHERE workspace_id = ");
        sel.bind(ws)
            .push(" AND kind = ")
            .bind(kind)
            .push(" AND lower(name) IN ");
        sel.bind_list(chunk.iter().map(|n| n.to_lowercase()));
        let rows: Vec<(i64, String)> = sel.fetch_all(&mut *tx).await?;
        for (id, name) in rows {
            out.insert(name.to_lowercase(), id);
        }
    }
    Ok(out)
}

/// Replaces the tags of several owners at once (`links`: owner id → names in order).
pub(crate) async fn set_tags(
    tx: &mut Tx<'_>,
    owner: Owner,
    ws: i64,
    links: &[(i64, Vec<String>)],
    now: i64,
    replace: bool,
) -> Result<()> {
    set_terms(tx, owner, ws, TAG, links, now, replace).await
}

/// [`set_tags`] for terms of any kind.
pub(crate) async fn set_terms(
    tx: &mut Tx<'_>,
    owner: Owner,
    ws: i64,
    kind: i16,
    links: &[(i64, Vec<String>)],
    now: i64,
    replace: bool,
) -> Result<()> {
    let mut all: Vec<String> = links.iter().flat_map(|(_, n)| n.iter().cloned()).collect();
    all.sort_by_key(|n| n.to_lowercase());
    all.dedup_by_key(|n| n.to_lowercase());
    let ids = ensure(tx, ws, kind, &all, now).await?;
    if replace {
        for (owner_id, _) in links {
            Sql::new(owner.delete_sql())
                .arg(*owner_id)
                .arg(kind)
                .execute(&mut *tx)
                .await?;
        }
    }
    let rows: Vec<(i64, i64, i32)> = links
        .iter()
        .flat_map(|(owner_id, names)| {
            names.iter().enumerate().filter_map(|(pos, n)| {
                ids.get(&n.to_lowercase())
                    .map(|t| (*owner_id, *t, i32::try_from(pos).unwrap_or(i32::MAX)))
            })
        })
        .collect();
    for chunk in rows.chunks(500) {
        let mut q = Sql::new(owner.insert_head());
        for (i, (o, t, pos)) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.push("(")
                .bind(*o)
                .push(", ")
                .bind(*t)
                .push(", ")
                .bind(ws)
                .push(", ")
                .bind(*pos)
                .push(", ")
                .bind(now)
                .push(")");
        }
        q.push(" ON CONFLICT DO NOTHING");
        q.execute(&mut *tx).await?;
    }
    Ok(())
}

/// Tag names of each owner, in order.
pub(crate) async fn tags_of<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    owner: Owner,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<String>>> {
    terms_of(ex, owner, TAG, ids).await
}

/// [`tags_of`] for terms of any kind.
pub(crate) async fn terms_of<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    owner: Owner,
    kind: i16,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<String>>> {
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut q = match owner {
        Owner::Case => {
            Sql::new("SELECT l.case_id, t.name FROM case_terms l JOIN terms t ON t.id = l.term_id WHERE l.case_id IN ")
        }
        Owner::Alert => Sql::new(
            "SELECT l.alert_id, t.name FROM alert_terms l JOIN terms t ON t.id = l.term_id WHERE l.alert_id IN ",
        ),
    };
    q.bind_list(ids.iter().copied())
        .push(" AND t.kind = ")
        .bind(kind)
        .push(" ORDER BY 1, l.position");
    let rows: Vec<(i64, String)> = q.fetch_all(ex).await?;
    for (id, name) in rows {
        out.entry(id).or_default().push(name);
    }
    Ok(out)
}
