//! The two ways a list is paged, and the page sizes every list shares.
//!
//! - **Keyset cursors** (the native API's default): a page ends with the sort key of its last
//!   row; the next page starts after it. Any depth costs the same.
//! - **Offsets** ([`Offset`], for the APIs that page by `page`/`per_page` or `offset`/`limit`
//!   with a total): the answer is an [`crate::model::OffsetPage`] with the exact total. The
//!   total comes from counters kept with every write when the filter is empty or only names
//!   status, state or severity, else from a count over the list's index. A page's rows are
//!   found by reading only index entries up to the offset, from whichever end of the order is
//!   nearer (the total is known), and then read by id.

use crate::error::{Error, Result};

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;
/// How many "other cases" a correlation shows (the most recent ones).
pub const OTHER_CASES_SHOWN: u32 = 20;
/// Correlation counts stop at this many (then they are marked as a lower bound), so that the
/// count of a value held by half the workspace stays cheap.
pub const MAX_COUNTED: i64 = 10_000;

/// An offset page request: skip `offset` rows, return up to `limit` (0: the default size).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Offset {
    pub offset: u64,
    pub limit: u32,
}

impl Offset {
    /// Page `page` (1-based; 0 reads as 1) of `per_page` rows, `per_page` clamped to
    /// 1..=[`MAX_LIMIT`] as page-number protocols expect.
    pub fn page(page: u64, per_page: u32) -> Offset {
        let per_page = per_page.clamp(1, MAX_LIMIT);
        Offset {
            offset: page.max(1).saturating_sub(1).saturating_mul(u64::from(per_page)),
            limit: per_page,
        }
    }
}

/// A correlation's answer from a fetch of up to `cap + 1` entries and a count of all of them
/// taken with the bound `MAX_COUNTED + 1`.
pub(crate) fn capped<T>(mut items: Vec<T>, cap: u32, counted: i64) -> crate::model::Capped<T> {
    let more_rows = items.len() > cap as usize;
    items.truncate(cap as usize);
    let bounded = counted > MAX_COUNTED;
    let total = if bounded { MAX_COUNTED } else { counted }.max(items.len() as i64);
    crate::model::Capped {
        truncated: more_rows || total > items.len() as i64,
        items,
        total,
        total_is_lower_bound: bounded,
    }
}

/// Where one offset page lies in the index, read from the nearer end of the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    pub offset: i64,
    pub limit: i64,
    /// Read in the opposite order; the rows are turned back afterwards.
    pub reversed: bool,
}

/// The window of `at` in a list of `total` rows, or `None` when the page is past its end.
pub(crate) fn window(offset: u64, limit: u32, total: i64) -> Option<Window> {
    let offset = i64::try_from(offset).ok()?;
    let limit = i64::from(limit);
    if total <= 0 || offset >= total || limit <= 0 {
        return None;
    }
    let take = limit.min(total - offset);
    let from_end = total - offset - take;
    Some(if from_end < offset {
        Window {
            offset: from_end,
            limit: take,
            reversed: true,
        }
    } else {
        Window {
            offset,
            limit: take,
            reversed: false,
        }
    })
}

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

    #[test]
    fn capped_lists_say_what_they_leave_out() {
        let c = capped(vec![1, 2, 3], 2, 3);
        assert_eq!(
            (c.items, c.total, c.truncated, c.total_is_lower_bound),
            (vec![1, 2], 3, true, false)
        );
        let c = capped(vec![1, 2], 2, 2);
        assert_eq!(
            (c.items, c.total, c.truncated, c.total_is_lower_bound),
            (vec![1, 2], 2, false, false)
        );
        let c = capped(vec![1, 2, 3], 2, MAX_COUNTED + 1);
        assert_eq!(
            (c.total, c.truncated, c.total_is_lower_bound),
            (MAX_COUNTED, true, true)
        );
        let c = capped(Vec::<i32>::new(), 20, 0);
        assert_eq!((c.total, c.truncated), (0, false));
    }

    #[test]
    fn offset_windows_read_from_the_nearer_end() {
        // Page 1 and page 900 of 50,000 rows at 50 a page.
        assert_eq!(
            window(0, 50, 50_000),
            Some(Window {
                offset: 0,
                limit: 50,
                reversed: false
            })
        );
        let p900 = Offset::page(900, 50);
        assert_eq!(p900.offset, 44_950);
        assert_eq!(
            window(p900.offset, p900.limit, 50_000),
            Some(Window {
                offset: 5_000,
                limit: 50,
                reversed: true
            })
        );
        // The last, short page: only what is left, read from the end.
        assert_eq!(
            window(120, 50, 130),
            Some(Window {
                offset: 0,
                limit: 10,
                reversed: true
            })
        );
        // Past the end, or nothing to read.
        assert_eq!(window(130, 50, 130), None);
        assert_eq!(window(0, 50, 0), None);
        assert_eq!(window(u64::MAX, 50, 10), None);
        // Page numbers: 0 reads as 1, sizes are clamped.
        assert_eq!(Offset::page(0, 10), Offset { offset: 0, limit: 10 });
        assert_eq!(
            Offset::page(3, 1_000),
            Offset {
                offset: 400,
                limit: MAX_LIMIT
            }
        );
        assert_eq!(Offset::page(u64::MAX, 50).limit, 50);
    }
}

/// Offset pages and their totals through the services, on both backends: the counters stay
/// equal to a count of the rows through every kind of write, and every offset page (from
/// either end) holds the rows the keyset list has at that position.
#[cfg(test)]
mod service_tests {
    use super::Offset;
    use crate::{
        Backend,
        ids::Key,
        model::{AlertPatch, CaseFilter, CasePatch, CaseSort, NewAlert, NewCase, Severity, Status},
        observable::testkit::{env, on_both},
        store::counts,
    };

    on_both!(
        counters_follow_every_write,
        offset_pages_match_the_keyset_order,
        counters_hold_under_concurrency,
        correlation_is_capped
    );

    fn new_case(i: usize) -> NewCase {
        let severity = [Severity::Low, Severity::Medium, Severity::High, Severity::Critical][i % 4];
        let status = [Status::New, Status::InProgress, Status::Closed][i % 3];
        NewCase {
            title: format!("case {i}"),
            severity: Some(severity),
            status: Some(status),
            ..Default::default()
        }
    }

    fn new_alert(i: usize) -> NewAlert {
        NewAlert {
            title: format!("alert {i}"),
            severity: Some([Severity::Low, Severity::High][i % 2]),
            source: Some("test".into()),
            source_ref: Some(format!("ref-{i}")),
            ..Default::default()
        }
    }

    async fn no_drift(core: &crate::Core, when: &str) {
        let d = counts::drift(&core.db).await.expect("drift");
        assert!(d.is_empty(), "counters drifted after {when}: {d:?}");
    }

    async fn total(core: &crate::Core, a: &crate::Actor, f: CaseFilter) -> i64 {
        core.list_cases_at(a, f, Offset { offset: 0, limit: 1 })
            .await
            .expect("page")
            .total
    }

    async fn counters_follow_every_write(b: Backend) {
        let Some(e) = env(b).await else { return };
        let (core, a) = (&e.core, &e.admin);
        for i in 0..5 {
            core.create_case(a, new_case(i)).await.expect("case");
        }
        core.create_cases(a, (5..25).map(new_case).collect())
            .await
            .expect("batch");
        no_drift(core, "single and batch creates").await;
        assert_eq!(total(core, a, CaseFilter::default()).await, 25);
        let high = CaseFilter {
            severity: vec![Severity::High],
            ..Default::default()
        };
        assert_eq!(total(core, a, high.clone()).await, 6);
        // Status and severity changes move a case between buckets.
        core.update_case(
            a,
            Key::Seq(1),
            CasePatch {
                severity: Some(Severity::High),
                status: Some(Status::OnHold),
                ..Default::default()
            },
        )
        .await
        .expect("update");
        core.close_case(a, Key::Seq(2)).await.expect("close");
        core.reopen_case(a, Key::Seq(3)).await.expect("reopen");
        no_drift(core, "updates, close and reopen").await;
        assert_eq!(total(core, a, high.clone()).await, 7);
        let on_hold = CaseFilter {
            status: vec![Status::OnHold],
            ..Default::default()
        };
        assert_eq!(total(core, a, on_hold).await, 1);
        core.delete_case(a, Key::Seq(1)).await.expect("delete");
        no_drift(core, "a delete").await;
        assert_eq!(total(core, a, CaseFilter::default()).await, 24);
        assert_eq!(total(core, a, high).await, 6);
        // A filter the counters do not serve is counted from the rows, and agrees.
        let texts = CaseFilter {
            q: Some("case".into()),
            ..Default::default()
        };
        assert_eq!(total(core, a, texts).await, 24);
        // The other workspace counts on its own.
        core.create_case(&e.other, new_case(0)).await.expect("other");
        assert_eq!(total(core, &e.other, CaseFilter::default()).await, 1);
        assert_eq!(total(core, a, CaseFilter::default()).await, 24);
        // Alerts: batch ingest with a repeat, an update, a promotion, a delete.
        core.ingest_alerts(a, (0..10).map(new_alert).collect())
            .await
            .expect("ingest");
        let repeat = NewAlert {
            severity: Some(Severity::Critical),
            ..new_alert(0)
        };
        core.create_alert(a, repeat).await.expect("repeat");
        no_drift(core, "alert ingest and a repeat").await;
        core.update_alert(
            a,
            Key::Seq(2),
            AlertPatch {
                status: Some(Status::InProgress),
                ..Default::default()
            },
        )
        .await
        .expect("alert update");
        core.escalate_alert(a, Key::Seq(3), crate::AlertImport::default())
            .await
            .expect("promote");
        core.delete_alert(a, Key::Seq(4)).await.expect("alert delete");
        no_drift(core, "alert update, promotion and delete").await;
        let page = core
            .query_alert_records(
                a,
                crate::AlertQuery {
                    page: 1,
                    per_page: 50,
                    ..Default::default()
                },
            )
            .await
            .expect("alerts");
        assert_eq!(page.total, 9);
        assert_eq!(page.items.len(), 9);
        let critical = core
            .query_alert_records(
                a,
                crate::AlertQuery {
                    severity: Some(Severity::Critical),
                    page: 1,
                    per_page: 50,
                    ..Default::default()
                },
            )
            .await
            .expect("critical alerts");
        assert_eq!(critical.total, 1);
        assert_eq!(critical.items.len(), 1);
    }

    async fn offset_pages_match_the_keyset_order(b: Backend) {
        let Some(e) = env(b).await else { return };
        let (core, a) = (&e.core, &e.admin);
        core.create_cases(a, (0..23).map(new_case).collect())
            .await
            .expect("batch");
        for (sort, descending, severity) in [
            (CaseSort::CreatedAt, true, vec![]),
            (CaseSort::CreatedAt, false, vec![]),
            (CaseSort::Number, true, vec![Severity::High, Severity::Low]),
        ] {
            let f = CaseFilter {
                sort,
                descending,
                severity: severity.clone(),
                ..Default::default()
            };
            let all: Vec<i64> = core
                .list_cases(
                    a,
                    CaseFilter {
                        limit: 200,
                        ..f.clone()
                    },
                )
                .await
                .expect("keyset")
                .items
                .iter()
                .map(|c| c.number)
                .collect();
            for page in 1..=6u64 {
                let p = core
                    .list_cases_at(a, f.clone(), Offset::page(page, 5))
                    .await
                    .expect("offset page");
                let got: Vec<i64> = p.items.iter().map(|c| c.number).collect();
                let from = usize::try_from((page - 1) * 5).expect("small");
                let want: Vec<i64> = all.iter().skip(from).take(5).copied().collect();
                assert_eq!(got, want, "page {page} of {sort:?} desc={descending} {severity:?}");
                assert_eq!(p.total, all.len() as i64);
            }
        }
        // Alerts: every page of 4, both directions, against the full list.
        core.ingest_alerts(a, (0..11).map(new_alert).collect())
            .await
            .expect("ingest");
        for ascending in [true, false] {
            let mut seen = Vec::new();
            for page in 1..=4u32 {
                let p = core
                    .query_alert_records(
                        a,
                        crate::AlertQuery {
                            ascending,
                            page,
                            per_page: 4,
                            ..Default::default()
                        },
                    )
                    .await
                    .expect("alert page");
                assert_eq!(p.total, 11);
                seen.extend(p.items.iter().map(|r| r.alert.number));
            }
            let mut want: Vec<i64> = (1..=11).collect();
            if !ascending {
                want.reverse();
            }
            assert_eq!(seen, want, "alert pages ascending={ascending}");
        }
    }

    async fn counters_hold_under_concurrency(b: Backend) {
        let Some(e) = env(b).await else { return };
        let core = std::sync::Arc::new(e.core);
        let mut tasks = Vec::new();
        for t in 0..6usize {
            let (core, a) = (std::sync::Arc::clone(&core), e.admin.clone());
            tasks.push(tokio::spawn(async move {
                for i in 0..8 {
                    core.create_case(&a, new_case(t * 8 + i)).await.expect("case");
                }
                core.create_cases(&a, (0..5).map(new_case).collect())
                    .await
                    .expect("batch");
            }));
        }
        for t in tasks {
            t.await.expect("task");
        }
        // Concurrent moves of the same cases: each lands once.
        let mut tasks = Vec::new();
        for t in 0..6i64 {
            let (core, a) = (std::sync::Arc::clone(&core), e.admin.clone());
            tasks.push(tokio::spawn(async move {
                for n in 1..=10i64 {
                    let patch = CasePatch {
                        severity: Some(if (n + t) % 2 == 0 {
                            Severity::Critical
                        } else {
                            Severity::Low
                        }),
                        ..Default::default()
                    };
                    // A concurrent update may be refused as stale; that is fine.
                    let _ = core.update_case(&a, Key::Seq(n), patch).await;
                }
            }));
        }
        for t in tasks {
            t.await.expect("task");
        }
        no_drift(&core, "concurrent creates and updates").await;
        assert_eq!(total(&core, &e.admin, CaseFilter::default()).await, 78);
    }

    /// 26 cases hold one value (and one asset): each correlation shows the 20 most recent
    /// other holders, says how many there are, and that it left some out.
    async fn correlation_is_capped(b: Backend) {
        use crate::model::{NewCaseAsset, NewObservable, RefKey};
        let Some(e) = env(b).await else { return };
        let (core, a) = (&e.core, &e.admin);
        core.create_cases(a, (0..26).map(new_case).collect())
            .await
            .expect("batch");
        let value = || NewObservable {
            observable_type: RefKey::Name("domain".into()),
            value: "popular.example.net".into(),
            description: None,
            tlp: None,
            tags: Vec::new(),
            is_ioc: None,
            custom: None,
        };
        let asset = || NewCaseAsset {
            name: "dc01".into(),
            asset_type: RefKey::Id(1),
            description: None,
            domain: None,
            ip: None,
            info: None,
            tags: Vec::new(),
            compromise_status: None,
            analysis_status_id: None,
            custom: None,
            observables: Vec::new(),
        };
        let mut identity = None;
        for n in 1..=26 {
            let x = core
                .add_case_observable(a, Key::Seq(n), value())
                .await
                .expect("observable");
            identity = Some(x.observable.observable_id);
            core.add_case_asset(a, Key::Seq(n), asset()).await.expect("asset");
        }
        let elsewhere = core
            .observables_in_other_cases(a, Key::Seq(1))
            .await
            .expect("elsewhere");
        assert_eq!(elsewhere.len(), 1);
        let links = elsewhere.values().next().expect("the value");
        let shown: Vec<i64> = links.items.iter().map(|l| l.case.number).collect();
        assert_eq!(
            shown,
            (7..=26).rev().collect::<Vec<_>>(),
            "the 20 most recent other holders"
        );
        assert_eq!(
            (links.total, links.truncated, links.total_is_lower_bound),
            (25, true, false)
        );
        let assets = core
            .assets_in_other_cases(a, Key::Seq(1))
            .await
            .expect("asset elsewhere");
        let links = assets.values().next().expect("the asset");
        assert_eq!(links.items.len(), 20);
        assert_eq!(links.items[0].case.number, 26);
        assert_eq!((links.total, links.truncated), (25, true));
        // A case whose value is held by only one other: nothing left out.
        let few = core.create_case(a, new_case(0)).await.expect("case").number;
        let rare = NewObservable {
            value: "rare.example.net".into(),
            ..value()
        };
        core.add_case_observable(a, Key::Seq(few), rare.clone())
            .await
            .expect("rare");
        core.add_case_observable(a, Key::Seq(2), rare)
            .await
            .expect("rare again");
        let elsewhere = core
            .observables_in_other_cases(a, Key::Seq(few))
            .await
            .expect("elsewhere");
        let links = elsewhere.values().next().expect("the value");
        assert_eq!(links.items.len(), 1);
        assert_eq!((links.total, links.truncated), (1, false));
        // Related cases: the top `limit`, with the number found; case 2 shares a second value.
        for n in [1, 2] {
            let second = NewObservable {
                value: "second.example.net".into(),
                ..value()
            };
            core.add_case_observable(a, Key::Seq(n), second).await.expect("second");
        }
        let related = core.related_cases(a, Key::Seq(1), 5).await.expect("related");
        assert_eq!(related.items.len(), 5);
        assert_eq!(related.items[0].case.number, 2, "case 2 shares two values");
        assert_eq!(related.items[0].shared_count, 2);
        assert_eq!(
            (related.total, related.truncated, related.total_is_lower_bound),
            (25, true, false)
        );
        // The native list of holders: a page and the count of them all.
        let page = core
            .observable_cases(a, identity.expect("identity"), None, 10)
            .await
            .expect("holders");
        assert_eq!(page.items.len(), 10);
        assert_eq!(page.total, Some(26));
        assert!(page.next_cursor.is_some());
    }
}
