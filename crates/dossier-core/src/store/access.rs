//! The case access rule in SQL, so that a single case, a list and a count all apply the same
//! rule inside the query (lists filter before paging, never after).
//!
//! The rule (see `team.rs`): a user's row on the case, else their customer membership on the
//! case's customer, else the best of their teams (a team that follows every case counts on
//! every case; following teams hold no rows), else the role's default.

use sqlx::FromRow;
use uuid::Uuid;

use super::{Ex, sql::Sql};
use crate::{error::Result, ids::Key};

/// Stored levels (IRIS's values).
pub(crate) const DENY_ALL: i16 = 1;
pub(crate) const READ_ONLY: i16 = 2;
pub(crate) const FULL_ACCESS: i16 = 4;

/// One actor's access rules in one workspace, read once per request.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scope {
    /// The same level on every case of the workspace: no row names the user, their customers
    /// or their (non-following) teams.
    Uniform(i16),
    /// The level depends on the case.
    PerCase {
        user: i64,
        /// The best level of the user's teams that follow every case.
        follow: Option<i16>,
        /// The role's default level.
        default: i16,
    },
}

/// Fails closed: a filter built without the actor's scope shows nothing.
impl Default for Scope {
    fn default() -> Self {
        Scope::Uniform(DENY_ALL)
    }
}

#[derive(FromRow)]
struct ScopeRow {
    rows: i64,
    follow: Option<i64>,
}

/// Reads what decides `user`'s access in `ws`: whether any access row or customer membership
/// names them or one of their teams, and the level of the teams that follow every case.
/// `default` is the role's level.
pub(crate) async fn scope<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64, user: i64, default: i16) -> Result<Scope> {
    let r: ScopeRow = Sql::new(
        "SELECT CAST(\
           (CASE WHEN EXISTS (SELECT 1 FROM case_access WHERE principal_kind = 0 AND principal_id = $1 \
                              AND workspace_id = $2) THEN 1 ELSE 0 END) \
         + (CASE WHEN EXISTS (SELECT 1 FROM customer_members WHERE user_id = $1 AND workspace_id = $2) \
                 THEN 1 ELSE 0 END) \
         + (CASE WHEN EXISTS (SELECT 1 FROM team_members m JOIN case_access ca ON ca.principal_kind = 1 \
                              AND ca.principal_id = m.team_id WHERE m.user_id = $1 AND m.workspace_id = $2) \
                 THEN 1 ELSE 0 END) AS BIGINT) AS rows, \
         (SELECT CAST(MAX(t.auto_follow_level) AS BIGINT) FROM teams t JOIN team_members m ON m.team_id = t.id \
          WHERE m.user_id = $1 AND m.workspace_id = $2 AND t.auto_follow) AS follow",
    )
    .arg(user)
    .arg(ws)
    .fetch_one(ex)
    .await?;
    let follow = r
        .follow
        .and_then(|f| i16::try_from(f).ok())
        .filter(|f| [DENY_ALL, READ_ONLY, FULL_ACCESS].contains(f));
    Ok(if r.rows == 0 {
        Scope::Uniform(follow.unwrap_or(default))
    } else {
        Scope::PerCase { user, follow, default }
    })
}

impl Scope {
    /// Appends the effective level of the case whose id is the SQL expression `case_id`.
    pub(crate) fn push_level(&self, q: &mut Sql, case_id: &'static str) {
        match *self {
            Scope::Uniform(l) => {
                q.push("CAST(").bind(l).push(" AS SMALLINT)");
            }
            Scope::PerCase { user, follow, default } => {
                q.push("COALESCE((SELECT ca.level FROM case_access ca WHERE ca.case_id = ")
                    .push(case_id)
                    .push(" AND ca.principal_kind = 0 AND ca.principal_id = ")
                    .bind(user)
                    .push(
                        "), (SELECT cm.level FROM cases cc JOIN customer_members cm ON cm.customer_id = cc.customer_id \
                           WHERE cc.id = ",
                    )
                    .push(case_id)
                    .push(" AND cm.user_id = ")
                    .bind(user)
                    .push("), ");
                let teams = |q: &mut Sql| {
                    q.push(
                        "(SELECT MAX(ca.level) FROM case_access ca JOIN team_members m ON m.team_id = ca.principal_id \
                         WHERE ca.case_id = ",
                    )
                    .push(case_id)
                    .push(" AND ca.principal_kind = 1 AND m.user_id = ")
                    .bind(user)
                    .push(")");
                };
                match follow {
                    None => teams(q),
                    Some(f) => {
                        q.push("CASE WHEN ");
                        teams(q);
                        q.push(" > ").bind(f).push(" THEN ");
                        teams(q);
                        q.push(" ELSE ").bind(f).push(" END");
                    }
                }
                q.push(", ").bind(default).push(")");
            }
        }
    }

    /// Appends ` AND <the case may be read>` for the case id expression `case_id` (nothing
    /// when every case may be read).
    pub(crate) fn push_readable(&self, q: &mut Sql, case_id: &'static str) {
        match *self {
            Scope::Uniform(l) if l >= READ_ONLY => {}
            Scope::Uniform(_) => {
                q.push(" AND 1 = 0");
            }
            Scope::PerCase { .. } => {
                q.push(" AND ");
                self.push_level(q, case_id);
                q.push(" >= ").bind(READ_ONLY);
            }
        }
    }

    /// As [`Scope::push_readable`] for a nullable case id: rows without a case stay.
    pub(crate) fn push_readable_or_none(&self, q: &mut Sql, case_id: &'static str) {
        match *self {
            Scope::Uniform(l) if l >= READ_ONLY => {}
            Scope::Uniform(_) => {
                q.push(" AND ").push(case_id).push(" IS NULL");
            }
            Scope::PerCase { .. } => {
                q.push(" AND (").push(case_id).push(" IS NULL OR ");
                self.push_level(q, case_id);
                q.push(" >= ").bind(READ_ONLY).push(")");
            }
        }
    }
}

impl Scope {
    /// Whether every case may be read (then no condition is needed).
    pub(crate) fn reads_all(&self) -> bool {
        matches!(self, Scope::Uniform(l) if *l >= READ_ONLY)
    }

    /// Appends the condition "the observable identity may be seen" for the observable id
    /// expression `obs`: an identity is seen through an alert, or through a case the actor may
    /// read, so the value of an indicator known only from a hidden case does not leak.
    pub(crate) fn push_observable_visible(&self, q: &mut Sql, obs: &'static str) {
        q.push("(EXISTS (SELECT 1 FROM alert_observables ao WHERE ao.observable_id = ")
            .push(obs)
            .push(") OR EXISTS (SELECT 1 FROM case_observables co WHERE co.observable_id = ")
            .push(obs);
        self.push_readable(q, "co.case_id");
        q.push("))");
    }

    /// The same for an asset identity (`obs` is the asset id expression).
    pub(crate) fn push_asset_visible(&self, q: &mut Sql, asset: &'static str) {
        q.push("(EXISTS (SELECT 1 FROM alert_assets aa WHERE aa.asset_id = ")
            .push(asset)
            .push(") OR EXISTS (SELECT 1 FROM case_assets ca2 WHERE ca2.asset_id = ")
            .push(asset);
        self.push_readable(q, "ca2.case_id");
        q.push("))");
    }
}

/// A live case of the workspace with the actor's level on it.
#[derive(Debug, Clone, FromRow)]
pub(crate) struct CaseLevel {
    pub id: i64,
    pub seq: i64,
    pub uuid: Uuid,
    pub level: i16,
}

/// The case `key` of `ws` and the level `scope` gives on it.
pub(crate) async fn case_level<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    scope: &Scope,
    ws: i64,
    key: CaseKey,
) -> Result<Option<CaseLevel>> {
    let mut q = Sql::new("SELECT c.id, c.seq, c.uuid, ");
    scope.push_level(&mut q, "c.id");
    q.push(" AS level FROM cases c WHERE c.workspace_id = ")
        .bind(ws)
        .push(" AND c.deleted_at IS NULL AND ");
    match key {
        CaseKey::Client(Key::Uuid(u)) => q.push("c.uuid = ").bind(u),
        CaseKey::Client(Key::Seq(n)) => q.push("c.seq = ").bind(n),
        CaseKey::Id(id) => q.push("c.id = ").bind(id),
    };
    q.fetch_optional(ex).await
}

/// The levels `scope` gives on the live cases numbered `numbers` of `ws`: `(number, level)`.
pub(crate) async fn levels<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    scope: &Scope,
    ws: i64,
    numbers: &[i64],
) -> Result<Vec<(i64, i16)>> {
    if numbers.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new("SELECT c.seq, ");
    scope.push_level(&mut q, "c.id");
    q.push(" FROM cases c WHERE c.workspace_id = ")
        .bind(ws)
        .push(" AND c.deleted_at IS NULL AND c.seq IN ")
        .bind_list(numbers.iter().copied());
    q.fetch_all(ex).await
}

/// How a case is named when its access is checked.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CaseKey {
    /// As a client names it (number or UUID).
    Client(Key),
    /// By internal id, when an object of the case was found first.
    Id(i64),
}
