//! Teams (IRIS groups), their members, and the case access rows of users and teams.

use sqlx::FromRow;
use uuid::Uuid;

use super::{Ex, Tx, sql::Sql};
use crate::{error::Result, ids::new_uuid};

/// `case_access.principal_kind` of a user row.
pub(crate) const PRINCIPAL_USER: i16 = 0;
/// `case_access.principal_kind` of a team row.
pub(crate) const PRINCIPAL_TEAM: i16 = 1;

#[derive(Debug, Clone, FromRow)]
pub(crate) struct TeamRow {
    pub id: i64,
    pub uuid: Uuid,
    pub seq: i64,
    pub name: String,
    pub description: Option<String>,
    pub permissions: i64,
    pub auto_follow: bool,
    pub auto_follow_level: i16,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct TeamValues {
    pub name: String,
    pub description: Option<String>,
    pub permissions: i64,
    pub auto_follow: bool,
    pub auto_follow_level: i16,
}

/// A member of a team, with the user's identity.
#[derive(Debug, Clone, FromRow)]
pub(crate) struct TeamMemberRow {
    pub team_id: i64,
    pub user_id: i64,
    pub user_uuid: Uuid,
    pub login: String,
    pub name: String,
}

/// A case access row with its case.
#[derive(Debug, Clone, FromRow)]
pub(crate) struct AccessRow {
    pub principal_id: i64,
    pub case_seq: i64,
    pub case_title: String,
    pub level: i16,
}

/// A live case of a workspace: internal id, number, title.
#[derive(Debug, Clone, FromRow)]
pub(crate) struct CaseBrief {
    pub id: i64,
    pub seq: i64,
    pub title: String,
}

/// A customer a user belongs to.
#[derive(Debug, Clone, FromRow)]
pub(crate) struct CustomerMemberRow {
    pub customer_uuid: Uuid,
    pub customer_seq: i64,
    pub customer_name: String,
    pub level: i16,
}

const COLS: &str = "SELECT id, uuid, seq, name, description, permissions, auto_follow, auto_follow_level, \
                    created_at, updated_at FROM teams";

pub(crate) async fn count<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64) -> Result<i64> {
    let (n,): (i64,) = Sql::new("SELECT COUNT(*) FROM teams WHERE workspace_id = $1")
        .arg(ws)
        .fetch_one(ex)
        .await?;
    Ok(n)
}

pub(crate) async fn list<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64) -> Result<Vec<TeamRow>> {
    let mut q = Sql::new(COLS);
    q.push(" WHERE workspace_id = ").bind(ws).push(" ORDER BY seq");
    q.fetch_all(ex).await
}

pub(crate) async fn by_seq<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64, seq: i64) -> Result<Option<TeamRow>> {
    let mut q = Sql::new(COLS);
    q.push(" WHERE workspace_id = ").bind(ws).push(" AND seq = ").bind(seq);
    q.fetch_optional(ex).await
}

pub(crate) async fn by_name<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64, name: &str) -> Result<Option<TeamRow>> {
    let mut q = Sql::new(COLS);
    q.push(" WHERE workspace_id = ")
        .bind(ws)
        .push(" AND lower(name) = lower(")
        .bind(name)
        .push(")");
    q.fetch_optional(ex).await
}

/// The teams `user_id` belongs to in workspace `ws`.
pub(crate) async fn of_user<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64, user_id: i64) -> Result<Vec<TeamRow>> {
    let mut q = Sql::new(COLS);
    q.push(" WHERE workspace_id = ")
        .bind(ws)
        .push(" AND id IN (SELECT team_id FROM team_members WHERE user_id = ")
        .bind(user_id)
        .push(") ORDER BY seq");
    q.fetch_all(ex).await
}

pub(crate) async fn insert(
    tx: &mut Tx<'_>,
    ws: i64,
    seq: i64,
    v: &TeamValues,
    created_by: Option<i64>,
    now: i64,
) -> Result<(i64, Uuid)> {
    let uuid = new_uuid();
    let (id,): (i64,) = Sql::new(
        "INSERT INTO teams (uuid, workspace_id, seq, name, description, permissions, auto_follow, auto_follow_level, \
         created_at, updated_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id",
    )
    .arg(uuid)
    .arg(ws)
    .arg(seq)
    .arg(&v.name)
    .arg(v.description.clone())
    .arg(v.permissions)
    .arg(v.auto_follow)
    .arg(v.auto_follow_level)
    .arg(now)
    .arg(created_by)
    .fetch_one(tx)
    .await?;
    Ok((id, uuid))
}

pub(crate) async fn update(tx: &mut Tx<'_>, id: i64, v: &TeamValues, now: i64) -> Result<u64> {
    Sql::new(
        "UPDATE teams SET name = $2, description = $3, permissions = $4, auto_follow = $5, auto_follow_level = $6, \
         updated_at = $7, version = version + 1 WHERE id = $1",
    )
    .arg(id)
    .arg(&v.name)
    .arg(v.description.clone())
    .arg(v.permissions)
    .arg(v.auto_follow)
    .arg(v.auto_follow_level)
    .arg(now)
    .execute(tx)
    .await
}

/// Deletes a team with its memberships and case access rows (owner links cascade).
pub(crate) async fn delete(tx: &mut Tx<'_>, id: i64) -> Result<u64> {
    clear_access(tx, PRINCIPAL_TEAM, id).await?;
    Sql::new("DELETE FROM team_members WHERE team_id = $1")
        .arg(id)
        .execute(&mut *tx)
        .await?;
    Sql::new("DELETE FROM teams WHERE id = $1").arg(id).execute(tx).await
}

/// Members of the given teams (live users only), by login.
pub(crate) async fn members<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, team_ids: &[i64]) -> Result<Vec<TeamMemberRow>> {
    if team_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new(
        "SELECT tm.team_id, u.id AS user_id, u.uuid AS user_uuid, u.login, u.name FROM team_members tm \
         JOIN users u ON u.id = tm.user_id WHERE u.deleted_at IS NULL AND tm.team_id IN ",
    );
    q.bind_list(team_ids.iter().copied()).push(" ORDER BY u.id");
    q.fetch_all(ex).await
}

pub(crate) async fn add_member(tx: &mut Tx<'_>, ws: i64, team_id: i64, user_id: i64, now: i64) -> Result<()> {
    Sql::new(
        "INSERT INTO team_members (team_id, user_id, workspace_id, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (team_id, user_id) DO NOTHING",
    )
    .arg(team_id)
    .arg(user_id)
    .arg(ws)
    .arg(now)
    .execute(tx)
    .await?;
    Ok(())
}

pub(crate) async fn remove_member(tx: &mut Tx<'_>, team_id: i64, user_id: i64) -> Result<u64> {
    Sql::new("DELETE FROM team_members WHERE team_id = $1 AND user_id = $2")
        .arg(team_id)
        .arg(user_id)
        .execute(tx)
        .await
}

/// Removes a user from every team of a workspace.
pub(crate) async fn remove_user_everywhere(tx: &mut Tx<'_>, ws: i64, user_id: i64) -> Result<u64> {
    Sql::new("DELETE FROM team_members WHERE workspace_id = $1 AND user_id = $2")
        .arg(ws)
        .arg(user_id)
        .execute(tx)
        .await
}

/// Users of workspace `ws` among `user_ids` (live members only).
pub(crate) async fn workspace_members_among<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
    user_ids: &[i64],
) -> Result<Vec<i64>> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new(
        "SELECT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE u.deleted_at IS NULL AND m.workspace_id = ",
    );
    q.bind(ws)
        .push(" AND m.user_id IN ")
        .bind_list(user_ids.iter().copied());
    let rows: Vec<(i64,)> = q.fetch_all(ex).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Case access rows of some principals of one kind, with their live cases, by case number.
pub(crate) async fn access_rows<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    kind: i16,
    principal_ids: &[i64],
) -> Result<Vec<AccessRow>> {
    if principal_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new(
        "SELECT ca.principal_id, c.seq AS case_seq, c.title AS case_title, ca.level \
         FROM case_access ca JOIN cases c ON c.id = ca.case_id \
         WHERE c.deleted_at IS NULL AND ca.principal_kind = ",
    );
    q.bind(kind)
        .push(" AND ca.principal_id IN ")
        .bind_list(principal_ids.iter().copied())
        .push(" ORDER BY c.seq");
    q.fetch_all(ex).await
}

/// Access levels of one principal on some cases: `(case id, level)`.
pub(crate) async fn levels_on<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    kind: i16,
    principal_ids: &[i64],
    case_ids: &[i64],
) -> Result<Vec<(i64, i64, i16)>> {
    if principal_ids.is_empty() || case_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new("SELECT principal_id, case_id, level FROM case_access WHERE principal_kind = ");
    q.bind(kind)
        .push(" AND principal_id IN ")
        .bind_list(principal_ids.iter().copied())
        .push(" AND case_id IN ")
        .bind_list(case_ids.iter().copied());
    q.fetch_all(ex).await
}

/// The membership level of `user_id` in the customer of each case: `(case id, level)`.
pub(crate) async fn customer_levels_on<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    user_id: i64,
    case_ids: &[i64],
) -> Result<Vec<(i64, i16)>> {
    if case_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new(
        "SELECT c.id, cm.level FROM cases c JOIN customer_members cm ON cm.customer_id = c.customer_id \
         WHERE cm.user_id = ",
    );
    q.bind(user_id)
        .push(" AND c.id IN ")
        .bind_list(case_ids.iter().copied());
    q.fetch_all(ex).await
}

/// Sets one principal's level on some cases (replacing what was there).
pub(crate) async fn set_access(
    tx: &mut Tx<'_>,
    ws: i64,
    kind: i16,
    principal_id: i64,
    case_ids: &[i64],
    level: i16,
    now: i64,
) -> Result<()> {
    for chunk in case_ids.chunks(200) {
        let mut q = Sql::new(
            "INSERT INTO case_access (case_id, principal_kind, principal_id, workspace_id, level, created_at) VALUES ",
        );
        for (i, c) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.push("(")
                .bind(*c)
                .push(", ")
                .bind(kind)
                .push(", ")
                .bind(principal_id)
                .push(", ")
                .bind(ws)
                .push(", ")
                .bind(level)
                .push(", ")
                .bind(now)
                .push(")");
        }
        q.push(" ON CONFLICT (case_id, principal_kind, principal_id) DO UPDATE SET level = excluded.level");
        q.execute(&mut *tx).await?;
    }
    Ok(())
}

/// Gives a team `level` on every live case of the workspace that has no row for it yet.
pub(crate) async fn fill_access(tx: &mut Tx<'_>, ws: i64, team_id: i64, level: i16, now: i64) -> Result<u64> {
    Sql::new(
        "INSERT INTO case_access (case_id, principal_kind, principal_id, workspace_id, level, created_at) \
         SELECT c.id, $1, $2, c.workspace_id, $3, $4 FROM cases c WHERE c.workspace_id = $5 AND c.deleted_at IS NULL \
         AND NOT EXISTS (SELECT 1 FROM case_access x WHERE x.case_id = c.id AND x.principal_kind = $1 \
         AND x.principal_id = $2)",
    )
    .arg(PRINCIPAL_TEAM)
    .arg(team_id)
    .arg(level)
    .arg(now)
    .arg(ws)
    .execute(tx)
    .await
}

/// Removes every case access row of one principal.
pub(crate) async fn clear_access(tx: &mut Tx<'_>, kind: i16, principal_id: i64) -> Result<u64> {
    Sql::new("DELETE FROM case_access WHERE principal_kind = $1 AND principal_id = $2")
        .arg(kind)
        .arg(principal_id)
        .execute(tx)
        .await
}

/// Live cases of a workspace among the given numbers.
pub(crate) async fn cases_by_seq<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
    seqs: &[i64],
) -> Result<Vec<CaseBrief>> {
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new("SELECT id, seq, title FROM cases WHERE deleted_at IS NULL AND workspace_id = ");
    q.bind(ws).push(" AND seq IN ").bind_list(seqs.iter().copied());
    q.fetch_all(ex).await
}

/// Every live case of a workspace, by number.
pub(crate) async fn all_cases<'a, 'c: 'a>(ex: impl Into<Ex<'a, 'c>>, ws: i64) -> Result<Vec<CaseBrief>> {
    Sql::new("SELECT id, seq, title FROM cases WHERE deleted_at IS NULL AND workspace_id = $1 ORDER BY seq")
        .arg(ws)
        .fetch_all(ex)
        .await
}

/// The customers of workspace `ws` that `user_id` belongs to.
pub(crate) async fn customers_of_user<'a, 'c: 'a>(
    ex: impl Into<Ex<'a, 'c>>,
    ws: i64,
    user_id: i64,
) -> Result<Vec<CustomerMemberRow>> {
    Sql::new(
        "SELECT c.uuid AS customer_uuid, c.seq AS customer_seq, c.name AS customer_name, cm.level \
         FROM customer_members cm JOIN customers c ON c.id = cm.customer_id \
         WHERE cm.workspace_id = $1 AND cm.user_id = $2 ORDER BY c.seq",
    )
    .arg(ws)
    .arg(user_id)
    .fetch_all(ex)
    .await
}

/// Makes the admins of workspace `ws` members of a team.
pub(crate) async fn add_workspace_admins(tx: &mut Tx<'_>, ws: i64, team_id: i64, now: i64) -> Result<u64> {
    Sql::new(
        "INSERT INTO team_members (team_id, user_id, workspace_id, created_at) \
         SELECT $1, m.user_id, m.workspace_id, $2 FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.workspace_id = $3 AND m.role = $4 AND u.deleted_at IS NULL",
    )
    .arg(team_id)
    .arg(now)
    .arg(ws)
    .arg(crate::model::Role::Admin.ordinal())
    .execute(tx)
    .await
}

/// Removes a user's own case access rows in one workspace.
pub(crate) async fn clear_user_access_in(tx: &mut Tx<'_>, ws: i64, user_id: i64) -> Result<u64> {
    Sql::new("DELETE FROM case_access WHERE workspace_id = $1 AND principal_kind = $2 AND principal_id = $3")
        .arg(ws)
        .arg(PRINCIPAL_USER)
        .arg(user_id)
        .execute(tx)
        .await
}
