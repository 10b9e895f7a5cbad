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
            let q = Sql::new(
                "INSERT INTO search_docs (workspace_id, kind, object_id, case_id, title, body, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (kind, object_id) DO UPDATE SET \
                 id = nextval(pg_get_serial_sequence('search_docs', 'id')), case_id = excluded.case_id, \
                 title = excluded.title, body = excluded.body, updated_at = excluded.updated_at \
                 WHERE search_docs.title <> excluded.title OR search_docs.body <> excluded.body \
                 OR search_docs.case_id IS DISTINCT FROM excluded.case_id",
            );
            with_doc(q, d, now).execute(tx).await?;
        }
        Backend::Sqlite => {
            let old: Option<(i64, String, String, Option<i64>)> =
                Sql::new("SELECT id, title, body, case_id FROM search_docs WHERE kind = $1 AND object_id = $2")
                    .arg(d.kind)
                    .arg(d.object_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let id = match old {
                Some((id, title, body, case_id)) => {
                    if title == d.title && body == d.body && case_id == d.case_id {
                        return Ok(());
                    }
                    fts_delete(tx, id, &title, &body).await?;
                    Sql::new("DELETE FROM search_docs WHERE id = $1")
                        .arg(id)
                        .execute(&mut *tx)
                        .await?;
                    insert_one(tx, d, now).await?
                }
                None => insert_one(tx, d, now).await?,
            };
            fts_insert(tx, id, d.title, d.body).await?;
        }
    }
    Ok(())
}

/// Inserts a document row (SQLite) under a new id, above every other: search orders by id.
async fn insert_one(tx: &mut Tx<'_>, d: &Doc<'_>, now: i64) -> Result<i64> {
    let q = Sql::new(
        "INSERT INTO search_docs (workspace_id, kind, object_id, case_id, title, body, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    );
    let (id,): (i64,) = with_doc(q, d, now).fetch_one(tx).await?;
    Ok(id)
}

/// `q` with a document's seven column values as `$1`…`$7`.
fn with_doc(q: Sql, d: &Doc<'_>, now: i64) -> Sql {
    q.arg(d.ws)
        .arg(d.kind)
        .arg(d.object_id)
        .arg(d.case_id)
        .arg(d.title)
        .arg(d.body)
        .arg(now)
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
    /// Appends a query of the ids (column `id`) of workspace `ws`'s documents in `[lo, hi)`
    /// that match `text`.
    fn push_candidates(&self, q: &mut Sql, ws: i64, text: &str, lo: i64, hi: i64);
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
    fn push_candidates(&self, q: &mut Sql, ws: i64, text: &str, lo: i64, hi: i64) {
        let text = text.trim();
        let words = fts_words(text);
        if text.chars().count() >= 3 {
            // Both indexes, within the range; the workspace is checked on the joined row.
            let phrase = format!("\"{}\"", text.replace('"', "\"\""));
            Self::push_fts(q, "search_docs_tri", phrase, lo, hi);
            if let Some(words) = words {
                q.push(" UNION ");
                Self::push_fts(q, "search_docs_fts", words, lo, hi);
            }
            return;
        }
        // Too short for trigrams: every document of the range is tested.
        q.push("SELECT d.id FROM search_docs d WHERE d.id >= ")
            .bind(lo)
            .push(" AND d.id < ")
            .bind(hi)
            .push(" AND +d.workspace_id = ")
            .bind(ws)
            .push(" AND ((d.title || ' ' || d.body) LIKE ")
            .bind(like_pattern(text))
            .push(" ESCAPE '\\'");
        if let Some(words) = words {
            q.push(" OR d.id IN (");
            Self::push_fts(q, "search_docs_fts", words, lo, hi);
            q.push(")");
        }
        q.push(")");
    }
}

impl SqliteFts {
    /// `SELECT rowid AS id FROM <table> WHERE <table> MATCH … AND rowid in [lo, hi)`: FTS5
    /// seeks to the range in its doclists.
    fn push_fts(q: &mut Sql, table: &'static str, expr: String, lo: i64, hi: i64) {
        q.push("SELECT rowid AS id FROM ")
            .push(table)
            .push(" WHERE ")
            .push(table)
            .push(" MATCH ")
            .bind(expr)
            .push(" AND rowid >= ")
            .bind(lo)
            .push(" AND rowid < ")
            .bind(hi);
    }
}

impl PgTextSearch {
    /// Appends ` AND (<d matches text>)`.
    fn push_match(q: &mut Sql, text: &str) {
        let text = text.trim();
        q.push(" AND ((d.title || ' ' || d.body) ILIKE ")
            .bind(like_pattern(text))
            .push(" ESCAPE '\\' OR to_tsvector('simple', d.title || ' ' || d.body) @@ plainto_tsquery('simple', ")
            .bind(text)
            .push("))");
    }
}

impl TextMatch for PgTextSearch {
    fn push_candidates(&self, q: &mut Sql, ws: i64, text: &str, lo: i64, hi: i64) {
        // A narrow range is walked by primary key with the text test on each row; the open
        // one goes through the trigram and word indexes (BitmapOr).
        q.push("SELECT d.id FROM search_docs d WHERE d.id >= ")
            .bind(lo)
            .push(" AND d.id < ")
            .bind(hi)
            .push(" AND d.workspace_id = ")
            .bind(ws);
        Self::push_match(q, text);
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

/// Id ranges searched in turn, newest first, before the rest of the index: a common word
/// fills a page from the first range without the database ranking every match, a rare one
/// costs a few cheap empty ranges before the unbounded search finds its few matches.
const WINDOWS: [i64; 3] = [1_024, 16_384, 262_144];

/// Documents of workspace `ws` matching `text`, the most recently written first (a document
/// gets a new id each time its text changes, so id order is write order), with ids below
/// `before`, at most `limit + 1`. Each kind is joined to its own table in the same workspace,
/// so a document whose object is gone (deleted concurrently) is no hit: `case` → cases,
/// `alert` → alerts, `observable` → observables (the workspace-wide identity), `note` → notes;
/// `search_docs.case_id` names the case a hit belongs to.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn search<'a, 'c: 'a>(
    ex: impl Into<super::Ex<'a, 'c>>,
    backend: Backend,
    ws: i64,
    scope: &super::access::Scope,
    text: &str,
    kinds: &[&'static str],
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<HitRow>> {
    let mut ex = ex.into();
    let want = i64::from(limit) + 1;
    let mut hi = match before {
        Some(id) => id,
        None => {
            let (max,): (Option<i64>,) = Sql::new("SELECT MAX(id) FROM search_docs")
                .fetch_one(ex.reborrow())
                .await?;
            max.unwrap_or(0) + 1
        }
    };
    let mut hits: Vec<HitRow> = Vec::new();
    for window in WINDOWS.iter().copied().map(Some).chain([None]) {
        let lo = window.map_or(0, |w| hi.saturating_sub(w).max(0));
        let n = want - hits.len() as i64;
        let q = search_sql(backend, ws, scope, text, kinds, lo, hi, n);
        hits.extend(q.fetch_all::<HitRow>(ex.reborrow()).await?);
        if hits.len() as i64 >= want || lo == 0 {
            break;
        }
        hi = lo;
    }
    Ok(hits)
}

/// One range `[lo, hi)` of the search: matches found through the text indexes within the
/// range, then ordered (at most the range's matches are sorted, never the whole index).
#[allow(clippy::too_many_arguments)]
pub(crate) fn search_sql(
    backend: Backend,
    ws: i64,
    scope: &super::access::Scope,
    text: &str,
    kinds: &[&'static str],
    lo: i64,
    hi: i64,
    n: i64,
) -> Sql {
    let mut q = Sql::new("");
    // The range decides the plan (narrow: walk it; open: the text indexes first). CROSS JOIN
    // keeps SQLite from driving the query from the workspace's documents instead of the matches.
    q.one_off();
    q.push("WITH m AS MATERIALIZED (");
    text_match(backend).push_candidates(&mut q, ws, text, lo, hi);
    q.push(
        ") SELECT d.id AS doc_id, d.kind, d.updated_at, d.title, substr(d.body, 1, 20000) AS body, \
         COALESCE(c.uuid, a.uuid, ob.uuid, n.uuid) AS object_uuid, \
         COALESCE(c.seq, a.seq, n.seq) AS object_seq, \
         COALESCE(c.title, a.title, ob.value, n.title) AS object_title, \
         pc.uuid AS case_uuid, pc.seq AS case_seq, pc.title AS case_title \
         FROM m CROSS JOIN search_docs d \
         LEFT JOIN cases c ON d.kind = 'case' AND c.id = d.object_id AND c.workspace_id = d.workspace_id \
           AND c.deleted_at IS NULL \
         LEFT JOIN alerts a ON d.kind = 'alert' AND a.id = d.object_id AND a.workspace_id = d.workspace_id \
           AND a.deleted_at IS NULL \
         LEFT JOIN observables ob ON d.kind = 'observable' AND ob.id = d.object_id \
           AND ob.workspace_id = d.workspace_id \
         LEFT JOIN notes n ON d.kind = 'note' AND n.id = d.object_id AND n.workspace_id = d.workspace_id \
         LEFT JOIN cases pc ON d.kind <> 'case' AND pc.id = d.case_id AND pc.workspace_id = d.workspace_id \
           AND pc.deleted_at IS NULL \
         WHERE d.id = m.id AND d.workspace_id = ",
    );
    q.bind(ws);
    q.push(" AND d.kind IN ").bind_list(kinds.iter().copied());
    q.push(" AND COALESCE(c.id, a.id, ob.id, n.id) IS NOT NULL");
    // Hits of cases the actor may not read, and of everything inside them, are no hits.
    scope.push_readable_or_none(&mut q, "COALESCE(c.id, pc.id)");
    if !scope.reads_all() {
        q.push(" AND (d.kind <> 'observable' OR ");
        scope.push_observable_visible(&mut q, "ob.id");
        q.push(")");
    }
    q.push(" ORDER BY d.id DESC").limit(n);
    q
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
    scope: &super::access::Scope,
    pattern: String,
    limit: i64,
) -> Result<Vec<ObservableMatchRow>> {
    let mut q = Sql::new(
        "SELECT c.seq AS case_seq, c.title AS case_title, cu.name AS customer_name, \
         l.seq AS link_seq, o.value, t.name AS type_name, l.description, l.tlp \
         FROM case_observables l JOIN observables o ON o.id = l.observable_id \
         JOIN observable_types t ON t.id = o.type_id JOIN cases c ON c.id = l.case_id \
         LEFT JOIN customers cu ON cu.id = c.customer_id \
         WHERE c.deleted_at IS NULL AND l.workspace_id = ",
    );
    q.one_off();
    q.bind(ws);
    push_like(&mut q, backend, "o.value", pattern);
    scope.push_readable(&mut q, "c.id");
    q.push(" ORDER BY c.seq, l.seq").limit(limit);
    q.fetch_all(ex).await
}

/// A note or a comment whose content matched, with its case and the case's customer.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct TextMatchRow {
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
    scope: &super::access::Scope,
    pattern: String,
    limit: i64,
) -> Result<Vec<TextMatchRow>> {
    let mut q = Sql::new(
        "SELECT c.seq AS case_seq, c.title AS case_title, cu.name AS customer_name, \
         n.seq, n.title AS text FROM notes n JOIN cases c ON c.id = n.case_id \
         LEFT JOIN customers cu ON cu.id = c.customer_id WHERE c.deleted_at IS NULL AND n.workspace_id = ",
    );
    q.one_off();
    q.bind(ws);
    push_like(&mut q, backend, "n.content", pattern);
    scope.push_readable(&mut q, "c.id");
    q.push(" ORDER BY c.seq, n.seq").limit(limit);
    q.fetch_all(ex).await
}

/// Comments on workspace `ws`'s live cases (and their objects) whose content matches
/// `pattern`; `text` is the content.
pub(crate) async fn comments_like<'a, 'c: 'a>(
    ex: impl Into<super::Ex<'a, 'c>>,
    backend: Backend,
    ws: i64,
    scope: &super::access::Scope,
    pattern: String,
    limit: i64,
) -> Result<Vec<TextMatchRow>> {
    let mut q = Sql::new(
        "SELECT c.seq AS case_seq, c.title AS case_title, cu.name AS customer_name, \
         m.seq, m.content AS text FROM comments m JOIN cases c ON c.id = m.case_id \
         LEFT JOIN customers cu ON cu.id = c.customer_id WHERE c.deleted_at IS NULL AND m.workspace_id = ",
    );
    q.one_off();
    q.bind(ws);
    push_like(&mut q, backend, "m.content", pattern);
    scope.push_readable(&mut q, "c.id");
    q.push(" ORDER BY c.seq, m.seq").limit(limit);
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
