//! Search across a workspace's cases, alerts, observables and notes: one query over the
//! `search_docs` of the caller's workspace only, through the backend's full-text indexes
//! (`store::search::TextMatch`), newest first, keyset-paged.

use crate::{
    Core,
    actor::Actor,
    error::{Error, Problems, Result},
    model::{Page, SearchCaseRef, SearchHit, SearchKind, SearchQuery, Timestamp},
    paging,
    store::{self, search::HitRow},
};

pub const MAX_QUERY: usize = 200;

/// Characters of context on each side of the match in a snippet.
const CONTEXT: usize = 60;

/// Byte offset of the first ASCII-case-insensitive occurrence of `needle` in `hay`.
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    // ASCII lower-casing keeps byte offsets, so they stay valid in `hay`.
    hay.to_ascii_lowercase().find(&needle.to_ascii_lowercase())
}

/// Byte offset `n` characters before `at` (or 0), and `n` characters after `end` (or the end).
fn window(s: &str, at: usize, end: usize, n: usize) -> (usize, usize) {
    let start = s[..at]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    let stop = s[end..].char_indices().nth(n).map_or(s.len(), |(i, _)| end + i);
    (start, stop)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A short excerpt of `body` (else `title`) around the first occurrence of the query or of one
/// of its words; the beginning of the text when neither occurs literally.
pub(crate) fn snippet(title: &str, body: &str, q: &str) -> String {
    let q = q.trim();
    let words = std::iter::once(q).chain(q.split_whitespace().filter(|w| w.chars().count() >= 2));
    for text in [body, title] {
        for w in words.clone() {
            if let Some(at) = find_ci(text, w) {
                let (start, stop) = window(text, at, at + w.len(), CONTEXT);
                let mut out = String::new();
                if start > 0 {
                    out.push('…');
                }
                out.push_str(&one_line(&text[start..stop]));
                if stop < text.len() {
                    out.push('…');
                }
                return out;
            }
        }
    }
    let text = if body.trim().is_empty() { title } else { body };
    let (_, stop) = window(text, 0, 0, 2 * CONTEXT);
    let mut out = one_line(&text[..stop]);
    if stop < text.len() {
        out.push('…');
    }
    out
}

fn hit(r: HitRow, q: &str) -> Option<SearchHit> {
    let kind = SearchKind::parse(&r.kind)?;
    let case = match (r.case_uuid, r.case_seq, r.case_title) {
        (Some(id), Some(number), Some(title)) => Some(SearchCaseRef { id, number, title }),
        _ => None,
    };
    Some(SearchHit {
        kind,
        id: r.object_uuid,
        number: r.object_seq,
        snippet: snippet(&r.title, &r.body, q),
        title: r.object_title,
        case,
        updated_at: Timestamp(r.updated_at),
    })
}

impl Core {
    /// Objects of the actor's workspace whose text matches `q`: any substring of three
    /// characters or more, or whole words.
    pub async fn search(&self, actor: &Actor, query: SearchQuery) -> Result<Page<SearchHit>> {
        let limit = paging::limit(query.limit)?;
        let after = paging::decode(query.cursor.as_deref(), 2)?.and_then(|v| match v.as_slice() {
            [t, id] => Some((*t, *id)),
            _ => None,
        });
        let q = query.q.trim();
        let mut p = Problems::new();
        p.text("q", q, 1, MAX_QUERY);
        p.into_result()?;
        if q.chars().any(char::is_control) {
            return Err(Error::field("q", "invalid", "q must not contain control characters"));
        }
        let mut kinds: Vec<&'static str> = if query.kinds.is_empty() {
            SearchKind::ALL.iter().map(|k| k.as_str()).collect()
        } else {
            query.kinds.iter().map(|k| k.as_str()).collect()
        };
        kinds.sort_unstable();
        kinds.dedup();
        let mut rows = store::search::search(
            &self.db,
            self.db.backend(),
            actor.workspace_id.0,
            q,
            &kinds,
            after,
            limit,
        )
        .await?;
        let next_cursor = paging::next(&mut rows, limit, |r| [r.updated_at, r.doc_id].to_vec());
        Ok(Page {
            items: rows.into_iter().filter_map(|r| hit(r, q)).collect(),
            next_cursor,
            total: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_surround_the_match() {
        let body = format!(
            "{} beacon to evil.example.com seen {}",
            "x ".repeat(100),
            "y ".repeat(100)
        );
        let s = snippet("t", &body, "EVIL.example");
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("evil.example.com"), "{s}");
        assert!(s.chars().count() <= 2 * CONTEXT + 20, "{s}");
        // A word of the query when the whole query does not occur.
        assert_eq!(snippet("t", "payroll lure\nsent", "lure payroll"), "payroll lure sent");
        // The title when the body does not hold it; the start of the body otherwise.
        assert_eq!(snippet("Phishing wave", "", "wave"), "Phishing wave");
        assert_eq!(snippet("T", "héllo wörld", "zzz"), "héllo wörld");
        // Multi-byte text around the match.
        assert_eq!(snippet("", "ünïcödé 10.1.2.3 ✓", "10.1.2"), "ünïcödé 10.1.2.3 ✓");
    }
}
