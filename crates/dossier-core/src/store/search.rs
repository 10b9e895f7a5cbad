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

/// Indexed text is cut to this many bytes. PostgreSQL's tsvector refuses documents over 1 MB
/// of lexemes, which about 1 MB of distinct words reaches; text beyond the cap is not searchable.
pub(crate) const MAX_INDEXED_BYTES: usize = 256 * 1024;

/// `s` cut to at most [`MAX_INDEXED_BYTES`], at a character boundary.
pub(crate) fn capped(s: &str) -> &str {
    if s.len() <= MAX_INDEXED_BYTES {
        return s;
    }
    let mut end = MAX_INDEXED_BYTES;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Creates or replaces the document of an object.
pub(crate) async fn upsert(tx: &mut Tx<'_>, d: &Doc<'_>, now: i64) -> Result<()> {
    let d = &Doc {
        title: capped(d.title),
        body: capped(d.body),
        ..*d
    };
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
    let docs: Vec<Doc<'_>> = docs
        .iter()
        .map(|d| Doc {
            title: capped(d.title),
            body: capped(d.body),
            ..*d
        })
        .collect();
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
    // A text pattern decides the plan: never reuse a generic one.
    q.one_off();
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

/// The per-backend part of search: how a document (alias `d` of `search_docs`) matches a
/// query. Both backends match any substring of three characters or more through their trigram
/// index (IOC-like tokens: `evil.example.com`, `10.1.2.3`, part of a hash), shorter text by a
/// plain case-insensitive `LIKE`, and whole words through their word index; a document matching
/// either way is a hit.
pub(crate) trait TextMatch: Sync {
    /// Appends ` AND (<d matches text>)`.
    fn push_match(&self, q: &mut Sql, text: &str);
}

/// SQLite: FTS5 `search_docs_tri` (trigram) and `search_docs_fts` (unicode61 words).
pub(crate) struct SqliteFts;

/// PostgreSQL: `ILIKE` on the `pgx_search_docs_trgm` expression or `@@` on the
/// `pgx_search_docs_tsv` expression (`simple` configuration); the planner combines both indexes
/// (BitmapOr) once the table's statistics are current.
pub(crate) struct PgTextSearch;

/// The matcher of a backend.
pub(crate) fn text_match(backend: Backend) -> &'static dyn TextMatch {
    match backend {
        Backend::Sqlite => &SqliteFts,
        Backend::Postgres => &PgTextSearch,
    }
}

/// An FTS5 query that needs every whitespace-separated token of `text` (each token a quoted
/// phrase, so no FTS5 syntax of the user's applies); `None` when no token has a letter or digit.
fn fts_words(text: &str) -> Option<String> {
    let tokens: Vec<String> = text
        .split_whitespace()
        .filter(|t| t.chars().any(char::is_alphanumeric))
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect();
    if tokens.is_empty() {
        None
    } else {
        Some(tokens.join(" "))
    }
}

impl TextMatch for SqliteFts {
    fn push_match(&self, q: &mut Sql, text: &str) {
        let text = text.trim();
        q.push(" AND (");
        if text.chars().count() >= 3 {
            let phrase = format!("\"{}\"", text.replace('"', "\"\""));
            q.push("d.id IN (SELECT rowid FROM search_docs_tri WHERE search_docs_tri MATCH ")
                .bind(phrase)
                .push(")");
        } else {
            q.push("(d.title || ' ' || d.body) LIKE ")
                .bind(like_pattern(text))
                .push(" ESCAPE '\\'");
        }
        if let Some(words) = fts_words(text) {
            q.push(" OR d.id IN (SELECT rowid FROM search_docs_fts WHERE search_docs_fts MATCH ")
                .bind(words)
                .push(")");
        }
        q.push(")");
    }
}

impl TextMatch for PgTextSearch {
    fn push_match(&self, q: &mut Sql, text: &str) {
        let text = text.trim();
        q.push(" AND ((d.title || ' ' || d.body) ILIKE ")
            .bind(like_pattern(text))
            .push(" ESCAPE '\\' OR to_tsvector('simple', d.title || ' ' || d.body) @@ plainto_tsquery('simple', ")
            .bind(text)
            .push("))");
    }
}

/// A search hit with its object (and the object's case) joined in.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct HitRow {
    pub doc_id: i64,
    pub kind: String,
    pub updated_at: i64,
    pub title: String,
    /// The first 20,000 characters of the document body (for the snippet).
    pub body: String,
    pub object_uuid: uuid::Uuid,
    /// None for observables (workspace-wide identities without a number).
    pub object_seq: Option<i64>,
    pub object_title: String,
    pub case_uuid: Option<uuid::Uuid>,
    pub case_seq: Option<i64>,
    pub case_title: Option<String>,
}

/// Documents of workspace `ws` matching `text`, newest first (`updated_at`, `id`), after the
/// keyset `after`, at most `limit + 1`. Each kind is joined to its own table in the same
/// workspace, so a document whose object is gone (deleted concurrently) is no hit:
/// `case` → cases, `alert` → alerts, `observable` → observables (the workspace-wide identity),
/// `note` → notes; `search_docs.case_id` names the case a hit belongs to.
pub(crate) async fn search<'a, 'c: 'a>(
    ex: impl Into<super::Ex<'a, 'c>>,
    backend: Backend,
    ws: i64,
    text: &str,
    kinds: &[&'static str],
    after: Option<(i64, i64)>,
    limit: u32,
) -> Result<Vec<HitRow>> {
    let mut q = Sql::new("");
    q.one_off();
    if backend == Backend::Postgres {
        // Find the matches through the text indexes first, then order them: walking the
        // (workspace, updated_at) index and testing every document is fast when matches are
        // common but scans the whole workspace when they are rare, the usual case for an IOC.
        q.push("WITH m AS MATERIALIZED (SELECT d.id FROM search_docs d WHERE d.workspace_id = ")
            .bind(ws)
            .push(" AND d.kind IN ")
            .bind_list(kinds.iter().copied());
        text_match(backend).push_match(&mut q, text);
        q.push(") ");
    }
    q.push(
        "SELECT d.id AS doc_id, d.kind, d.updated_at, d.title, substr(d.body, 1, 20000) AS body, COALESCE(c.uuid, a.uuid, ob.uuid, n.uuid) AS object_uuid, \
         COALESCE(c.seq, a.seq, n.seq) AS object_seq, \
         COALESCE(c.title, a.title, ob.value, n.title) AS object_title, \
         pc.uuid AS case_uuid, pc.seq AS case_seq, pc.title AS case_title \
         FROM search_docs d ",
    );
    if backend == Backend::Postgres {
        q.push("JOIN m ON m.id = d.id ");
    }
    q.push(
        "LEFT JOIN cases c ON d.kind = 'case' AND c.id = d.object_id AND c.workspace_id = d.workspace_id \
           AND c.deleted_at IS NULL \
         LEFT JOIN alerts a ON d.kind = 'alert' AND a.id = d.object_id AND a.workspace_id = d.workspace_id \
           AND a.deleted_at IS NULL \
         LEFT JOIN observables ob ON d.kind = 'observable' AND ob.id = d.object_id \
           AND ob.workspace_id = d.workspace_id \
         LEFT JOIN notes n ON d.kind = 'note' AND n.id = d.object_id AND n.workspace_id = d.workspace_id \
         LEFT JOIN cases pc ON d.kind <> 'case' AND pc.id = d.case_id AND pc.workspace_id = d.workspace_id \
           AND pc.deleted_at IS NULL \
         WHERE d.workspace_id = ",
    );
    q.bind(ws);
    q.push(" AND d.kind IN ").bind_list(kinds.iter().copied());
    if backend == Backend::Sqlite {
        text_match(backend).push_match(&mut q, text);
    }
    q.push(" AND COALESCE(c.id, a.id, ob.id, n.id) IS NOT NULL");
    if let Some((t, id)) = after {
        q.push(" AND (d.updated_at < ")
            .bind(t)
            .push(" OR (d.updated_at = ")
            .bind(t)
            .push(" AND d.id < ")
            .bind(id)
            .push("))");
    }
    q.push(" ORDER BY d.updated_at DESC, d.id DESC LIMIT ")
        .bind(i64::from(limit) + 1);
    q.fetch_all(ex).await
}

/// A LIKE pattern in which `%` is the only wildcard (`_` and `\` are literal, escaped for
/// `ESCAPE '\'`); `contains` wraps it in `%…%`.
pub(crate) fn percent_pattern(text: &str, contains: bool) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    if contains {
        p.push('%');
    }
    for ch in text.chars() {
        if matches!(ch, '_' | '\\') {
            p.push('\\');
        }
        p.push(ch);
    }
    if contains {
        p.push('%');
    }
    p
}

/// Appends a case-insensitive `LIKE` of `col` against `pattern` (escaped with `\`).
fn push_like(q: &mut Sql, backend: Backend, col: &'static str, pattern: String) {
    q.push(" AND ").push(col);
    match backend {
        Backend::Sqlite => q.push(" LIKE "),
        Backend::Postgres => q.push(" ILIKE "),
    };
    q.bind(pattern).push(" ESCAPE '\\'");
}

/// A case's observable whose value matched, with its case and the case's customer.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ObservableMatchRow {
    pub case_id: i64,
    pub case_seq: i64,
    pub case_title: String,
    pub customer_name: Option<String>,
    pub link_seq: i64,
    pub value: String,
    pub type_name: String,
    pub description: Option<String>,
    pub tlp: i16,
}

/// The observables of workspace `ws`'s live cases whose value matches `pattern` (a LIKE
/// pattern, see [`percent_pattern`]), by case and link number, at most `limit`.
pub(crate) async fn observables_like<'a, 'c: 'a>(
    ex: impl Into<super::Ex<'a, 'c>>,
    backend: Backend,
    ws: i64,
    pattern: String,
    limit: i64,
) -> Result<Vec<ObservableMatchRow>> {
    let mut q = Sql::new(
        "SELECT c.id AS case_id, c.seq AS case_seq, c.title AS case_title, cu.name AS customer_name, \
         l.seq AS link_seq, o.value, t.name AS type_name, l.description, l.tlp \
         FROM case_observables l JOIN observables o ON o.id = l.observable_id \
         JOIN observable_types t ON t.id = o.type_id JOIN cases c ON c.id = l.case_id \
         LEFT JOIN customers cu ON cu.id = c.customer_id \
         WHERE c.deleted_at IS NULL AND l.workspace_id = ",
    );
    q.one_off();
    q.bind(ws);
    push_like(&mut q, backend, "o.value", pattern);
    q.push(" ORDER BY c.seq, l.seq LIMIT ").bind(limit);
    q.fetch_all(ex).await
}

/// A note or a comment whose content matched, with its case and the case's customer.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct TextMatchRow {
    pub case_id: i64,
    pub case_seq: i64,
    pub case_title: String,
    pub customer_name: Option<String>,
    pub seq: i64,
    pub text: String,
}

/// Notes of workspace `ws`'s live cases whose content matches `pattern`; `text` is the title.
pub(crate) async fn notes_like<'a, 'c: 'a>(
    ex: impl Into<super::Ex<'a, 'c>>,
    backend: Backend,
    ws: i64,
    pattern: String,
    limit: i64,
) -> Result<Vec<TextMatchRow>> {
    let mut q = Sql::new(
        "SELECT c.id AS case_id, c.seq AS case_seq, c.title AS case_title, cu.name AS customer_name, \
         n.seq, n.title AS text FROM notes n JOIN cases c ON c.id = n.case_id \
         LEFT JOIN customers cu ON cu.id = c.customer_id WHERE c.deleted_at IS NULL AND n.workspace_id = ",
    );
    q.one_off();
    q.bind(ws);
    push_like(&mut q, backend, "n.content", pattern);
    q.push(" ORDER BY c.seq, n.seq LIMIT ").bind(limit);
    q.fetch_all(ex).await
}

/// Comments on workspace `ws`'s live cases (and their objects) whose content matches
/// `pattern`; `text` is the content.
pub(crate) async fn comments_like<'a, 'c: 'a>(
    ex: impl Into<super::Ex<'a, 'c>>,
    backend: Backend,
    ws: i64,
    pattern: String,
    limit: i64,
) -> Result<Vec<TextMatchRow>> {
    let mut q = Sql::new(
        "SELECT c.id AS case_id, c.seq AS case_seq, c.title AS case_title, cu.name AS customer_name, \
         m.seq, m.content AS text FROM comments m JOIN cases c ON c.id = m.case_id \
         LEFT JOIN customers cu ON cu.id = c.customer_id WHERE c.deleted_at IS NULL AND m.workspace_id = ",
    );
    q.one_off();
    q.bind(ws);
    push_like(&mut q, backend, "m.content", pattern);
    q.push(" ORDER BY c.seq, m.seq LIMIT ").bind(limit);
    q.fetch_all(ex).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn percent_patterns_keep_only_the_percent_wildcard() {
        assert_eq!(percent_pattern("10.0.%", false), "10.0.%");
        assert_eq!(percent_pattern("a_b\\c", true), "%a\\_b\\\\c%");
    }

    #[test]
    fn fts_words_quote_every_token() {
        assert_eq!(fts_words("evil \"x\" -"), Some("\"evil\" \"\"\"x\"\"\"".to_owned()));
        assert_eq!(fts_words(" - ; "), None);
    }
}
