//! Search across a workspace's cases, alerts, observables and notes: one query over the
//! `search_docs` of the caller's workspace only, through the backend's full-text indexes
//! (`store::search::TextMatch`), newest first, keyset-paged.

use serde::Serialize;

use crate::{
    Core,
    actor::Actor,
    capability::Capability,
    error::{Error, Problems, Result},
    model::{Page, SearchCaseRef, SearchHit, SearchKind, SearchQuery, Timestamp, Tlp},
    paging,
    store::{
        self,
        search::{HitRow, TextMatchRow, percent_pattern},
    },
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
        let before = paging::decode(query.cursor.as_deref(), 1)?.and_then(|v| v.first().copied());
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
        let scope = self.access_scope(actor).await?;
        let mut rows = store::search::search(
            &self.db,
            self.db.backend(),
            actor.workspace_id.0,
            &scope,
            q,
            &kinds,
            before,
            limit,
        )
        .await?;
        let next_cursor = paging::next(&mut rows, limit, |r| vec![r.doc_id]);
        Ok(Page {
            items: rows.into_iter().filter_map(|r| hit(r, q)).collect(),
            next_cursor,
            total: None,
        })
    }
}

/// The most matches a pattern search returns.
pub const MAX_MATCHES: i64 = 1000;

/// The case a pattern match belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct MatchCase {
    pub number: i64,
    pub title: String,
    pub customer: Option<String>,
}

/// A case's observable whose value matched a pattern.
#[derive(Debug, Clone, Serialize)]
pub struct ObservableMatch {
    pub case: MatchCase,
    /// The number of the case's link to the observable (IRIS `ioc_id`).
    pub number: i64,
    pub value: String,
    pub type_name: String,
    pub description: Option<String>,
    pub tlp: Tlp,
}

/// A note or a comment whose content matched.
#[derive(Debug, Clone, Serialize)]
pub struct TextMatch {
    pub case: MatchCase,
    /// The note's or comment's number.
    pub number: i64,
    /// A note's title; a comment's content.
    pub text: String,
}

fn check_pattern(field: &str, text: &str) -> Result<()> {
    let mut p = Problems::new();
    p.text(field, text, 1, MAX_QUERY);
    p.into_result()?;
    if text.chars().any(char::is_control) {
        return Err(Error::field(
            field,
            "invalid",
            format!("{field} must not contain control characters"),
        ));
    }
    Ok(())
}

fn match_case(case_seq: i64, case_title: String, customer: Option<String>) -> MatchCase {
    MatchCase {
        number: case_seq,
        title: case_title,
        customer,
    }
}

impl Core {
    /// The observables of the actor's cases whose value matches `pattern` as a whole,
    /// case-insensitively, where `%` stands for any text (`%` alone matches every value).
    /// Cases the actor may not read are left out; at most [`MAX_MATCHES`], by case.
    pub async fn find_case_observables(&self, actor: &Actor, pattern: &str) -> Result<Vec<ObservableMatch>> {
        check_pattern("pattern", pattern)?;
        self.require_capability(actor, Capability::SearchAcrossCases).await?;
        let scope = self.access_scope(actor).await?;
        let rows = store::search::observables_like(
            &self.db,
            self.db.backend(),
            actor.workspace_id.0,
            &scope,
            percent_pattern(pattern, false),
            MAX_MATCHES,
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| ObservableMatch {
                case: match_case(r.case_seq, r.case_title, r.customer_name),
                number: r.link_seq,
                value: r.value,
                type_name: r.type_name,
                description: r.description,
                tlp: Tlp::from_ordinal(r.tlp).unwrap_or(Tlp::Amber),
            })
            .collect())
    }

    /// Notes of the actor's cases whose content contains `text`, case-insensitively (`%` stands
    /// for any text). Cases the actor may not read are left out; at most [`MAX_MATCHES`].
    pub async fn find_notes_containing(&self, actor: &Actor, text: &str) -> Result<Vec<TextMatch>> {
        check_pattern("text", text)?;
        self.require_capability(actor, Capability::SearchAcrossCases).await?;
        let scope = self.access_scope(actor).await?;
        let rows = store::search::notes_like(
            &self.db,
            self.db.backend(),
            actor.workspace_id.0,
            &scope,
            percent_pattern(text, true),
            MAX_MATCHES,
        )
        .await?;
        Ok(text_matches(rows))
    }

    /// Comments on the actor's cases and their objects whose content contains `text`, as for
    /// notes.
    pub async fn find_comments_containing(&self, actor: &Actor, text: &str) -> Result<Vec<TextMatch>> {
        check_pattern("text", text)?;
        self.require_capability(actor, Capability::SearchAcrossCases).await?;
        let scope = self.access_scope(actor).await?;
        let rows = store::search::comments_like(
            &self.db,
            self.db.backend(),
            actor.workspace_id.0,
            &scope,
            percent_pattern(text, true),
            MAX_MATCHES,
        )
        .await?;
        Ok(text_matches(rows))
    }
}

fn text_matches(rows: Vec<TextMatchRow>) -> Vec<TextMatch> {
    rows.into_iter()
        .map(|r| TextMatch {
            case: match_case(r.case_seq, r.case_title, r.customer_name),
            number: r.seq,
            text: r.text,
        })
        .collect()
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
