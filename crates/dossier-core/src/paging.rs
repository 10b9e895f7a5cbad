//! Keyset cursors and page sizes shared by every list.

use crate::error::{Error, Result};

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;

/// A cursor is the sort key of the last row seen, as dot-separated integers.
pub(crate) fn encode(values: &[i64]) -> String {
    values.iter().map(i64::to_string).collect::<Vec<_>>().join(".")
}

pub(crate) fn decode(cursor: Option<&str>, parts: usize) -> Result<Option<Vec<i64>>> {
    let Some(c) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let values: Option<Vec<i64>> = c.split('.').map(|p| p.parse::<i64>().ok()).collect();
    match values {
        Some(v) if v.len() == parts => Ok(Some(v)),
        _ => Err(Error::field(
            "cursor",
            "invalid",
            "cursor is not one this list returned; start again without it",
        )),
    }
}

pub(crate) fn limit(requested: u32) -> Result<u32> {
    match requested {
        0 => Ok(DEFAULT_LIMIT),
        n if n <= MAX_LIMIT => Ok(n),
        _ => Err(Error::field(
            "limit",
            "out_of_range",
            format!("limit must be between 1 and {MAX_LIMIT}"),
        )),
    }
}

/// Drops the extra row of a `limit + 1` fetch and returns the cursor of the next page (the sort
/// key of the last row kept), or `None` on the last page.
pub(crate) fn next<R>(rows: &mut Vec<R>, limit: u32, key: impl Fn(&R) -> Vec<i64>) -> Option<String> {
    if trim(rows, limit) {
        rows.last().map(|r| encode(&key(r)))
    } else {
        None
    }
}

/// Splits the extra row off a `limit + 1` fetch; returns whether more pages follow.
fn trim<T>(rows: &mut Vec<T>, limit: u32) -> bool {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    more
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = encode(&[1_700_000_000_000_000, 42]);
        assert_eq!(
            decode(Some(&c), 2).ok().flatten(),
            Some(vec![1_700_000_000_000_000, 42])
        );
        assert!(decode(Some("abc"), 2).is_err());
        assert!(decode(Some("1.2.3"), 2).is_err());
        assert_eq!(decode(None, 2).ok().flatten(), None);
        assert!(limit(201).is_err());
        assert_eq!(limit(0).ok(), Some(50));
    }
}
