//! Full-text search documents, one per searchable object, behind one interface:
//! SQLite keeps two FTS5 indexes (words, and trigrams for IOC-like substrings such as
//! `evil.example.com` or `10.1.2.3`), synced here in the writing transaction (no triggers);
//! PostgreSQL indexes the same rows with a tsvector GIN index and a pg_trgm GIN index.

use super::{Backend, Tx, sql::Sql};
use crate::error::Result;

pub(crate) struct Doc<'a> {
    pub ws: i64,
    pub kind: &'static str,
    pub object_id: i64,
    pub case_id: Option<i64>,
    pub title: &'a str,
    pub body: &'a str,
}

async fn fts_delete(tx: &mut Tx<'_>, id: i64, title: &str, body: &str) -> Result<()> {
    for table in [
        "INSERT INTO search_docs_fts (search_docs_fts, rowid, title, body) VALUES ('delete', $1, $2, $3)",
        "INSERT INTO search_docs_tri (search_docs_tri, rowid, title, body) VALUES ('delete', $1, $2, $3)",
    ] {
        Sql::new(table).arg(id).arg(title).arg(body).execute(&mut *tx).await?;
    }
    Ok(())
}

async fn fts_insert(tx: &mut Tx<'_>, id: i64, title: &str, body: &str) -> Result<()> {
    for table in [
        "INSERT INTO search_docs_fts (rowid, title, body) VALUES ($1, $2, $3)",
        "INSERT INTO search_docs_tri (rowid, title, body) VALUES ($1, $2, $3)",
    ] {
        Sql::new(table).arg(id).arg(title).arg(body).execute(&mut *tx).await?;
    }
    Ok(())
}

/// Creates or replaces the document of an object.
pub(crate) async fn upsert(tx: &mut Tx<'_>, d: &Doc<'_>, now: i64) -> Result<()> {
    match tx.backend() {
        Backend::Postgres => {
            Sql::new(
                "INSERT INTO search_docs (workspace_id, kind, object_id, case_id, title, body, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (kind, object_id) DO UPDATE SET \
                 case_id = excluded.case_id, title = excluded.title, body = excluded.body, updated_at = excluded.updated_at",
            )
            .arg(d.ws)
            .arg(d.kind)
            .arg(d.object_id)
            .arg(d.case_id)
            .arg(d.title)
            .arg(d.body)
            .arg(now)
            .execute(tx)
            .await?;
        }
        Backend::Sqlite => {
            let old: Option<(i64, String, String)> =
                Sql::new("SELECT id, title, body FROM search_docs WHERE kind = $1 AND object_id = $2")
                    .arg(d.kind)
                    .arg(d.object_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let id = match old {
                Some((id, title, body)) => {
                    if title == d.title && body == d.body {
                        return Ok(());
                    }
                    fts_delete(tx, id, &title, &body).await?;
                    Sql::new(
                        "UPDATE search_docs SET case_id = $2, title = $3, body = $4, updated_at = $5 WHERE id = $1",
                    )
                    .arg(id)
                    .arg(d.case_id)
                    .arg(d.title)
                    .arg(d.body)
                    .arg(now)
                    .execute(&mut *tx)
                    .await?;
                    id
                }
                None => {
                    let (id,): (i64,) = Sql::new(
                        "INSERT INTO search_docs (workspace_id, kind, object_id, case_id, title, body, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                    )
                    .arg(d.ws)
                    .arg(d.kind)
                    .arg(d.object_id)
                    .arg(d.case_id)
                    .arg(d.title)
                    .arg(d.body)
                    .arg(now)
                    .fetch_one(&mut *tx)
                    .await?;
                    id
                }
            };
            fts_insert(tx, id, d.title, d.body).await?;
        }
    }
    Ok(())
}

/// Inserts documents for new objects in bulk.
pub(crate) async fn insert_many(tx: &mut Tx<'_>, docs: &[Doc<'_>], now: i64) -> Result<()> {
    for chunk in docs.chunks(400) {
        let mut q = Sql::new(
            "INSERT INTO search_docs (workspace_id, kind, object_id, case_id, title, body, updated_at) VALUES ",
        );
        for (i, d) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.push("(")
                .bind(d.ws)
                .push(", ")
                .bind(d.kind)
                .push(", ")
                .bind(d.object_id)
                .push(", ")
                .bind(d.case_id);
            q.push(", ")
                .bind(d.title)
                .push(", ")
                .bind(d.body)
                .push(", ")
                .bind(now)
                .push(")");
        }
        if tx.backend() == Backend::Sqlite {
            q.push(" RETURNING id, title, body");
            let rows: Vec<(i64, String, String)> = q.fetch_all(&mut *tx).await?;
            for table in [
                "INSERT INTO search_docs_fts (rowid, title, body) VALUES ",
                "INSERT INTO search_docs_tri (rowid, title, body) VALUES ",
            ] {
                let mut f = Sql::new(table);
                for (i, (id, title, body)) in rows.iter().enumerate() {
                    if i > 0 {
                        f.push(", ");
                    }
                    f.push("(")
                        .bind(*id)
                        .push(", ")
                        .bind(title)
                        .push(", ")
                        .bind(body)
                        .push(")");
                }
                f.execute(&mut *tx).await?;
            }
        } else {
            q.execute(&mut *tx).await?;
        }
    }
    Ok(())
}

/// Removes the document of an object.
pub(crate) async fn delete(tx: &mut Tx<'_>, kind: &'static str, object_id: i64) -> Result<()> {
    if tx.backend() == Backend::Sqlite {
        let old: Option<(i64, String, String)> =
            Sql::new("SELECT id, title, body FROM search_docs WHERE kind = $1 AND object_id = $2")
                .arg(kind)
                .arg(object_id)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some((id, title, body)) = old {
            fts_delete(tx, id, &title, &body).await?;
        }
    }
    Sql::new("DELETE FROM search_docs WHERE kind = $1 AND object_id = $2")
        .arg(kind)
        .arg(object_id)
        .execute(tx)
        .await?;
    Ok(())
}

/// Escapes `%`, `_` and `\` for LIKE / ILIKE with `ESCAPE '\'`.
fn like_pattern(text: &str) -> String {
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

/// Appends ` AND <id_col> IN (ids of `kind` objects whose text contains `text`)`.
/// Matching is a case-insensitive substring match on both backends.
pub(crate) fn push_contains(
    q: &mut Sql,
    backend: Backend,
    ws: i64,
    kind: &'static str,
    id_col: &'static str,
    text: &str,
) {
    let text = text.trim();
    q.push(" AND ")
        .push(id_col)
        .push(" IN (SELECT d.object_id FROM search_docs d WHERE d.kind = ")
        .bind(kind);
    q.push(" AND d.workspace_id = ").bind(ws);
    match backend {
        Backend::Sqlite if text.chars().count() >= 3 => {
            let phrase = format!("\"{}\"", text.replace('"', "\"\""));
            q.push(" AND d.id IN (SELECT rowid FROM search_docs_tri WHERE search_docs_tri MATCH ")
                .bind(phrase)
                .push("))");
        }
        Backend::Sqlite => {
            q.push(" AND (d.title || ' ' || d.body) LIKE ")
                .bind(like_pattern(text))
                .push(" ESCAPE '\\')");
        }
        Backend::Postgres => {
            q.push(" AND (d.title || ' ' || d.body) ILIKE ")
                .bind(like_pattern(text))
                .push(" ESCAPE '\\')");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
