//! Row counters per workspace (`workspace_counts`), kept in the transaction of every write that
//! inserts a case or an alert, deletes one, or moves it to another state or severity. They give
//! the total of an unfiltered list, or of one filtered on status, state or severity, without
//! counting rows: a sum over at most a few hundred counter rows, whatever the data size.
//!
//! Every write path calls this module: [`add_new`] after inserts, [`before`] and [`after`]
//! around an update or a delete of one row. A counter row is upserted (`ON CONFLICT … DO
//! UPDATE`), so two PostgreSQL transactions counting into the same bucket serialize on that row
//! and both increments land; the bucket is split over [`SLOTS`] rows (the counted row's id
//! modulo [`SLOTS`]) so that concurrent writers rarely wait for each other. On PostgreSQL the
//! row read by [`before`] is locked (`FOR UPDATE`) until the transaction ends, so the bucket it
//! leaves is the one it is in.

use std::collections::HashMap;

use super::{Backend, Ex, Tx, sql::Sql};
use crate::error::Result;

/// Counter rows per bucket.
pub(crate) const SLOTS: i64 = 8;

/// What is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Case,
    Alert,
}

impl Kind {
    fn code(self) -> i16 {
        match self {
            Kind::Case => 1,
            Kind::Alert => 2,
        }
    }
}

/// The counter bucket of one live row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Bucket {
    pub ws: i64,
    pub state_id: i64,
    pub status: i16,
    pub severity: i16,
    pub slot: i16,
}

impl Bucket {
    pub fn of(ws: i64, id: i64, state_id: i64, status: i16, severity: i16) -> Self {
        Bucket {
            ws,
            state_id,
            status,
            severity,
            slot: slot(id),
        }
    }
}

fn slot(id: i64) -> i16 {
    // In 0..SLOTS, so the cast cannot truncate.
    i16::try_from(id.rem_euclid(SLOTS)).unwrap_or(0)
}

/// Counter changes gathered in a transaction, written by [`Deltas::flush`] (one upsert per
/// bucket touched).
#[derive(Debug, Default)]
pub(crate) struct Deltas(HashMap<(Kind, Bucket), i64>);

impl Deltas {
    pub fn add(&mut self, kind: Kind, b: Bucket, n: i64) {
        *self.0.entry((kind, b)).or_default() += n;
    }

    pub async fn flush(self, tx: &mut Tx<'_>) -> Result<()> {
        let mut rows: Vec<_> = self.0.into_iter().filter(|(_, n)| *n != 0).collect();
        // One order for every writer: two PostgreSQL transactions never wait on each other's
        // counter rows in a cycle.
        rows.sort_by_key(|((k, b), _)| (k.code(), b.ws, b.state_id, b.status, b.severity, b.slot));
        for ((kind, b), n) in rows {
            Sql::new(
                "INSERT INTO workspace_counts (workspace_id, kind, state_id, status, severity, slot, n) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (workspace_id, kind, state_id, status, severity, slot) \
                 DO UPDATE SET n = workspace_counts.n + excluded.n",
            )
            .arg(b.ws)
            .arg(kind.code())
            .arg(b.state_id)
            .arg(b.status)
            .arg(b.severity)
            .arg(b.slot)
            .arg(n)
            .execute(&mut *tx)
            .await?;
        }
        Ok(())
    }
}

/// Counts freshly inserted rows, given by `(ws, id, state_id, status, severity)`.
pub(crate) async fn add_new(
    tx: &mut Tx<'_>,
    kind: Kind,
    rows: impl IntoIterator<Item = (i64, i64, i64, i16, i16)>,
) -> Result<()> {
    let mut d = Deltas::default();
    for (ws, id, state, status, severity) in rows {
        d.add(kind, Bucket::of(ws, id, state, status, severity), 1);
    }
    d.flush(tx).await
}

fn bucket_sql(kind: Kind) -> &'static str {
    match kind {
        Kind::Case => "SELECT workspace_id, state_id, status, severity FROM cases WHERE id = $1 AND deleted_at IS NULL",
        Kind::Alert => {
            "SELECT workspace_id, state_id, status, severity FROM alerts WHERE id = $1 AND deleted_at IS NULL"
        }
    }
}

/// The bucket of a live row before a write that may move or delete it (`None`: no such live
/// row). Locks the row on PostgreSQL.
pub(crate) async fn before(tx: &mut Tx<'_>, kind: Kind, id: i64) -> Result<Option<Bucket>> {
    let mut q = Sql::new(bucket_sql(kind));
    if tx.backend() == Backend::Postgres {
        q.push(" FOR UPDATE");
    }
    let row: Option<(i64, i64, i16, i16)> = q.arg(id).fetch_optional(&mut *tx).await?;
    Ok(row.map(|(ws, state, status, severity)| Bucket::of(ws, id, state, status, severity)))
}

/// After the write: moves the row's count from the bucket it was in to the one it is in now
/// (or drops it when the row is gone or hidden).
pub(crate) async fn after(tx: &mut Tx<'_>, kind: Kind, id: i64, was: Option<Bucket>) -> Result<()> {
    let Some(was) = was else {
        return Ok(());
    };
    let row: Option<(i64, i64, i16, i16)> = Sql::new(bucket_sql(kind)).arg(id).fetch_optional(&mut *tx).await?;
    let now = row.map(|(ws, state, status, severity)| Bucket::of(ws, id, state, status, severity));
    if now == Some(was) {
        return Ok(());
    }
    let mut d = Deltas::default();
    d.add(kind, was, -1);
    if let Some(now) = now {
        d.add(kind, now, 1);
    }
    d.flush(tx).await
}

/// What a counted total may be restricted to; an empty list means "any".
#[derive(Debug, Clone, Default)]
pub(crate) struct CountFilter {
    pub status: Vec<i16>,
    pub severity: Vec<i16>,
    pub state_id: Option<i64>,
}

/// The number of live rows of `kind` in `ws` matching `f`, from the counters.
pub(crate) async fn total<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64, kind: Kind, f: &CountFilter) -> Result<i64> {
    let mut q = Sql::new("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM workspace_counts WHERE workspace_id = ");
    q.bind(ws).push(" AND kind = ").bind(kind.code());
    if !f.status.is_empty() {
        q.push(" AND status IN ").bind_list(f.status.iter().copied());
    }
    if !f.severity.is_empty() {
        q.push(" AND severity IN ").bind_list(f.severity.iter().copied());
    }
    if let Some(s) = f.state_id {
        q.push(" AND state_id = ").bind(s);
    }
    let (n,): (i64,) = q.fetch_one(ex).await?;
    Ok(n)
}

/// Test check: every counter agrees with a count of the rows themselves.
#[cfg(test)]
pub(crate) async fn drift(db: &super::Db) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for (kind, table) in [(Kind::Case, "cases"), (Kind::Alert, "alerts")] {
        let counted: Vec<(i64, i64, i16, i16, i64)> = Sql::new(match table {
            "cases" => {
                "SELECT workspace_id, state_id, status, severity, COUNT(*) FROM cases WHERE deleted_at IS NULL \
                 GROUP BY workspace_id, state_id, status, severity"
            }
            _ => {
                "SELECT workspace_id, state_id, status, severity, COUNT(*) FROM alerts WHERE deleted_at IS NULL \
                 GROUP BY workspace_id, state_id, status, severity"
            }
        })
        .fetch_all(db)
        .await?;
        let kept: Vec<(i64, i64, i16, i16, i64)> = Sql::new(
            "SELECT workspace_id, state_id, status, severity, CAST(SUM(n) AS BIGINT) FROM workspace_counts \
             WHERE kind = $1 GROUP BY workspace_id, state_id, status, severity",
        )
        .arg(kind.code())
        .fetch_all(db)
        .await?;
        let a: HashMap<_, _> = counted
            .into_iter()
            .map(|(w, s, st, sv, n)| ((w, s, st, sv), n))
            .collect();
        let b: HashMap<_, _> = kept
            .into_iter()
            .filter(|r| r.4 != 0)
            .map(|(w, s, st, sv, n)| ((w, s, st, sv), n))
            .collect();
        if a != b {
            out.push(format!("{table}: rows {a:?}, counters {b:?}"));
        }
    }
    Ok(out)
}
