//! Offset page parameters as dialects send them — `page`/`per_page` (IRIS, the feed, CISO
//! Assistant's `page`), `limit`/`offset` (DRF), `from`/`to` ranges (TheHive) — turned into
//! the one `(offset, limit)` form the core's offset paging takes.
//!
//! The kit clamps rather than refuses: a dialect that must reject a bad value (its own
//! message, its own shape) checks it before calling these.

/// How a dialect's lists page: the page size when none is asked for, and the largest allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRules {
    pub default_limit: u32,
    pub max_limit: u32,
}

impl PageRules {
    /// The core's defaults (`DEFAULT_LIMIT`, `MAX_LIMIT`).
    pub const CORE: PageRules = PageRules {
        default_limit: dossier_core::DEFAULT_LIMIT,
        max_limit: dossier_core::MAX_LIMIT,
    };

    /// A page size within `1..=max_limit`, the default when absent.
    pub fn limit(&self, asked: Option<i64>) -> u32 {
        let max = self.max_limit.max(1);
        match asked {
            None => self.default_limit.clamp(1, max),
            Some(n) => u32::try_from(n.clamp(1, i64::from(max))).unwrap_or(max),
        }
    }
}

/// Skip `offset` rows, return at most `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OffsetPage {
    pub offset: u64,
    pub limit: u32,
}

impl OffsetPage {
    /// `page` (1-based; absent or below 1 is 1) of `per_page` rows.
    pub fn from_page_number(page: Option<i64>, per_page: Option<i64>, rules: PageRules) -> Self {
        let limit = rules.limit(per_page);
        let page = u64::try_from(page.unwrap_or(1).max(1)).unwrap_or(1);
        OffsetPage {
            offset: (page - 1).saturating_mul(u64::from(limit)),
            limit,
        }
    }

    /// `limit` rows after `offset` (absent or negative offset is 0).
    pub fn from_limit_offset(limit: Option<i64>, offset: Option<i64>, rules: PageRules) -> Self {
        OffsetPage {
            offset: u64::try_from(offset.unwrap_or(0).max(0)).unwrap_or(0),
            limit: rules.limit(limit),
        }
    }

    /// Rows `from` (inclusive) to `to` (exclusive), TheHive's range; the size is capped by
    /// `max_limit`, an empty or inverted range is one row.
    pub fn from_range(from: Option<i64>, to: Option<i64>, rules: PageRules) -> Self {
        let from = from.unwrap_or(0).max(0);
        let size = to.map(|to| to.saturating_sub(from));
        OffsetPage {
            offset: u64::try_from(from).unwrap_or(0),
            limit: rules.limit(size),
        }
    }

    /// The 1-based page number this offset falls on, at this page size.
    pub fn page_number(&self) -> u64 {
        self.offset / u64::from(self.limit.max(1)) + 1
    }
}

/// The number of pages for `total` rows (at least 1: an empty list has one, empty, page).
pub fn last_page(total: u64, per_page: u32) -> u64 {
    total.div_ceil(u64::from(per_page.max(1))).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: PageRules = PageRules {
        default_limit: 10,
        max_limit: 100,
    };

    #[test]
    fn page_numbers() {
        assert_eq!(
            OffsetPage::from_page_number(None, None, R),
            OffsetPage { offset: 0, limit: 10 }
        );
        assert_eq!(
            OffsetPage::from_page_number(Some(3), Some(50), R),
            OffsetPage { offset: 100, limit: 50 }
        );
        assert_eq!(
            OffsetPage::from_page_number(Some(0), Some(0), R),
            OffsetPage { offset: 0, limit: 1 }
        );
        assert_eq!(OffsetPage::from_page_number(Some(-4), Some(1000), R).limit, 100);
        assert_eq!(OffsetPage::from_page_number(Some(900), Some(50), R).offset, 44_950);
        assert_eq!(OffsetPage::from_page_number(Some(900), Some(50), R).page_number(), 900);
        assert_eq!(
            OffsetPage::from_page_number(Some(i64::MAX), Some(100), R).offset,
            u64::MAX
        );
    }

    #[test]
    fn limit_offset_and_ranges() {
        assert_eq!(
            OffsetPage::from_limit_offset(Some(20), Some(40), R),
            OffsetPage { offset: 40, limit: 20 }
        );
        assert_eq!(
            OffsetPage::from_limit_offset(None, Some(-1), R),
            OffsetPage { offset: 0, limit: 10 }
        );
        assert_eq!(
            OffsetPage::from_range(Some(10), Some(25), R),
            OffsetPage { offset: 10, limit: 15 }
        );
        assert_eq!(OffsetPage::from_range(Some(10), Some(5), R).limit, 1);
        assert_eq!(
            OffsetPage::from_range(None, None, R),
            OffsetPage { offset: 0, limit: 10 }
        );
    }

    #[test]
    fn last_pages() {
        assert_eq!(last_page(0, 10), 1);
        assert_eq!(last_page(10, 10), 1);
        assert_eq!(last_page(11, 10), 2);
        assert_eq!(last_page(50_000, 50), 1000);
    }
}
