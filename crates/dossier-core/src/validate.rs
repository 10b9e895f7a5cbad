//! Input checks shared by the services.

use crate::error::Problems;

pub const MAX_TITLE: usize = 255;
pub const MAX_DESCRIPTION: usize = 200_000;
pub const MAX_TAGS: usize = 50;
pub const MAX_TAG: usize = 100;
pub const MAX_CUSTOM_BYTES: usize = 64 * 1024;

/// Tags kept or sent as one comma-separated string (`tags_raw`, the dialects' tag fields), in
/// order; blanks between commas are dropped.
pub fn split_tags(raw: Option<&str>) -> Vec<String> {
    raw.unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Trims tags, drops case-insensitive duplicates, and reports empty, long or comma-holding ones
/// (dialects join tags with commas).
pub(crate) fn tags(p: &mut Problems, field: &str, raw: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for (i, t) in raw.iter().enumerate() {
        let t = t.trim();
        if t.is_empty() {
            p.push(format!("{field}[{i}]"), "required", "tags must not be empty");
        } else if t.chars().count() > MAX_TAG {
            p.push(
                format!("{field}[{i}]"),
                "too_long",
                format!("a tag has at most {MAX_TAG} characters"),
            );
        } else if t.contains(',') {
            p.push(format!("{field}[{i}]"), "invalid", "a tag must not contain a comma");
        } else if !out.iter().any(|o| o.eq_ignore_ascii_case(t)) {
            out.push(t.to_owned());
        }
    }
    if out.len() > MAX_TAGS {
        p.push(field, "too_many", format!("at most {MAX_TAGS} tags"));
    }
    out
}

/// Custom attributes: a JSON object of bounded size.
pub(crate) fn custom(p: &mut Problems, field: &str, v: Option<&serde_json::Value>) -> String {
    match v {
        None => "{}".to_owned(),
        Some(serde_json::Value::Object(_)) => {
            let s = v.map(serde_json::Value::to_string).unwrap_or_default();
            if s.len() > MAX_CUSTOM_BYTES {
                p.push(
                    field,
                    "too_large",
                    format!("{field} must be at most {MAX_CUSTOM_BYTES} bytes of JSON"),
                );
            }
            s
        }
        Some(_) => {
            p.push(field, "invalid", format!("{field} must be a JSON object"));
            "{}".to_owned()
        }
    }
}

/// An optional URL: absolute http(s).
pub(crate) fn link(p: &mut Problems, field: &str, v: Option<&str>) {
    if let Some(v) = v {
        if v.chars().count() > 2048 {
            p.push(field, "too_long", format!("{field} has at most 2048 characters"));
        } else if !(v.starts_with("https://") || v.starts_with("http://")) {
            p.push(field, "invalid", format!("{field} must be an http(s) URL"));
        }
    }
}
