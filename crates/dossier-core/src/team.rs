//! Teams (IRIS groups, CaseBender teams) and case access.
//!
//! A team holds permission flags (IRIS's bits, OR-ed into its members' flags by dialects that
//! show them), members from its workspace, and case access rows. Every workspace has two
//! built-in teams, made on first use: 1 `Administrators` (every flag, follows every case with
//! full access; the workspace's admins at that moment become members) and 2 `Analysts`.
//!
//! Effective access of a user to a case, one rule for every dialect: the workspace role's
//! default (admin and analyst: full access; viewer: read only), overridden by the user's teams
//! (the highest level among them: a team's row on the case, else the level of a team that
//! follows every case), overridden by the user's membership in the case's customer, overridden
//! by a row for the user on the case. The role still limits what a user may do: a viewer never
//! writes, whatever the level.

use std::{collections::HashMap, sync::Arc};

use serde::Serialize;
use uuid::Uuid;

use crate::{
    Core,
    actor::Actor,
    error::{Error, Problems, Result},
    model::{Role, Timestamp, User, UserRef},
    store::{
        self, Ex, Tx,
        activity::{Audit, Entry},
        team::{CaseBrief, PRINCIPAL_TEAM, PRINCIPAL_USER, TeamRow, TeamValues},
    },
    time::now_us,
};

/// The permission flag of server administrators (IRIS `server_administrator`).
pub const ADMIN_FLAG: i64 = 0x2;
/// Every permission flag (IRIS's twelve).
pub const ALL_FLAGS: i64 = 0xFFF;
/// Flags of the built-in `Analysts` team: standard user, alerts read and write, search across
/// cases, customers read, activities read.
pub const ANALYST_FLAGS: i64 = 1133;
pub const MAX_TEAM_NAME: usize = 200;
pub const MAX_TEAM_DESCRIPTION: usize = 2000;
/// The most cases one access change may name.
pub const MAX_ACCESS_CASES: usize = 10_000;

const BUILTIN: [(&str, &str, i64, bool, i16); 2] = [
    ("Administrators", "Administrators", ALL_FLAGS, true, 4),
    ("Analysts", "Standard users", ANALYST_FLAGS, false, 0),
];

/// A level of access to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessLevel {
    DenyAll,
    ReadOnly,
    FullAccess,
}

impl AccessLevel {
    pub const ALL: [AccessLevel; 3] = [AccessLevel::DenyAll, AccessLevel::ReadOnly, AccessLevel::FullAccess];

    /// The stored value (IRIS's): 1 deny all, 2 read only, 4 full access.
    pub fn value(self) -> i16 {
        match self {
            AccessLevel::DenyAll => 1,
            AccessLevel::ReadOnly => 2,
            AccessLevel::FullAccess => 4,
        }
    }
    pub fn from_value(v: i64) -> Option<AccessLevel> {
        match v {
            1 => Some(AccessLevel::DenyAll),
            2 => Some(AccessLevel::ReadOnly),
            4 => Some(AccessLevel::FullAccess),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::DenyAll => "deny_all",
            AccessLevel::ReadOnly => "read_only",
            AccessLevel::FullAccess => "full_access",
        }
    }
    /// Whether the level lets a user read the case.
    pub fn can_read(self) -> bool {
        self >= AccessLevel::ReadOnly
    }
    /// Whether the level lets a user change the case (their role must allow writing too).
    pub fn can_write(self) -> bool {
        self == AccessLevel::FullAccess
    }
}

/// A member of a team.
#[derive(Debug, Clone, Serialize)]
pub struct TeamMember {
    pub user: UserRef,
    /// The user's number (IRIS `user_id`).
    pub number: i64,
}

/// A principal's access to one case.
#[derive(Debug, Clone, Serialize)]
pub struct CaseAccess {
    pub case_number: i64,
    pub case_title: String,
    pub level: AccessLevel,
}

#[derive(Debug, Clone, Serialize)]
pub struct Team {
    pub id: Uuid,
    /// Per-workspace team number (IRIS `group_id`).
    pub number: i64,
    pub name: String,
    pub description: Option<String>,
    /// Permission flags (IRIS bits).
    pub permissions: i64,
    /// Whether the team follows every case of the workspace.
    pub auto_follow: bool,
    /// The level it follows them with (0 when it never followed).
    pub auto_follow_level: i16,
    /// `Administrators` and `Analysts`, which cannot be deleted.
    pub builtin: bool,
    pub members: Vec<TeamMember>,
    /// Its level on each case: its own rows, and every other case when it follows them all.
    pub case_access: Vec<CaseAccess>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Default)]
pub struct NewTeam {
    pub name: String,
    pub description: Option<String>,
    pub permissions: i64,
}

/// A partial update: absent fields stay.
#[derive(Debug, Clone, Default)]
pub struct TeamPatch {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub permissions: Option<i64>,
}

/// How a team's case access changes.
#[derive(Debug, Clone)]
pub enum TeamAccessChange {
    /// These cases get this level; a team that followed every case stops following (the cases
    /// it reached keep its level as rows).
    Cases(Vec<i64>, AccessLevel),
    /// The team follows every case, present and future, with this level.
    FollowAll(AccessLevel),
}

/// A team as a user's profile names it.
#[derive(Debug, Clone, Serialize)]
pub struct TeamRef {
    pub id: Uuid,
    pub number: i64,
    pub name: String,
    pub permissions: i64,
}

/// A customer a user belongs to, with the membership's level.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerAccess {
    pub id: Uuid,
    pub number: i64,
    pub name: String,
    pub level: Option<AccessLevel>,
}

/// A workspace a user belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct WorkspaceMembership {
    /// The workspace's integer id (IRIS organisation id).
    pub number: i64,
    pub id: Uuid,
    pub name: String,
    pub role: Option<Role>,
    /// The user's default workspace.
    pub primary: bool,
}

/// Everything that decides a user's rights in the caller's workspace.
#[derive(Debug, Clone, Serialize)]
pub struct UserAccess {
    pub user: User,
    /// The user's role in the caller's workspace.
    pub role: Role,
    pub teams: Vec<TeamRef>,
    /// The rows naming the user on cases.
    pub cases: Vec<CaseAccess>,
    pub customers: Vec<CustomerAccess>,
    pub workspaces: Vec<WorkspaceMembership>,
    /// The integer id of the user's default workspace.
    pub primary_workspace: Option<i64>,
}

/// What set one level in a case access computation.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AccessSource {
    /// The default of the user's workspace role.
    Role { role: Role },
    /// A team the user belongs to (its row on the case, or its follow-every-case level).
    Team { number: i64, name: String },
    /// The user's membership in the case's customer.
    Customer,
    /// A row for the user on the case.
    User,
}

/// One step of a case access computation, in the order applied.
#[derive(Debug, Clone, Serialize)]
pub struct AccessStep {
    pub source: AccessSource,
    pub level: AccessLevel,
    /// Whether this step decided the result (a later step overrides it otherwise).
    pub effective: bool,
}

/// How a user's access to one case is made up.
#[derive(Debug, Clone, Serialize)]
pub struct CaseAccessTrace {
    pub case_number: i64,
    pub case_title: String,
    pub steps: Vec<AccessStep>,
    pub effective: AccessLevel,
}

/// Who access is computed for.
#[derive(Debug, Clone, Copy)]
struct Principal {
    ws: i64,
    user_id: i64,
    role: Role,
}

fn role_default(role: Role) -> AccessLevel {
    match role {
        Role::Admin | Role::Analyst => AccessLevel::FullAccess,
        Role::Viewer => AccessLevel::ReadOnly,
    }
}

fn level(v: i16) -> Option<AccessLevel> {
    AccessLevel::from_value(i64::from(v))
}

/// The level a team follows every case with, if it does.
fn follow_level(t: &TeamRow) -> Option<AccessLevel> {
    if t.auto_follow {
        level(t.auto_follow_level)
    } else {
        None
    }
}

/// The built-in teams are the first two of a workspace (made before any other).
fn is_builtin(t: &TeamRow) -> bool {
    t.seq <= 2
}

fn team_ref(t: &TeamRow) -> TeamRef {
    TeamRef {
        id: t.uuid,
        number: t.seq,
        name: t.name.clone(),
        permissions: t.permissions,
    }
}

fn check_permissions(p: &mut Problems, flags: i64) {
    if !(0..=ALL_FLAGS).contains(&flags) {
        p.push(
            "permissions",
            "invalid",
            format!("permissions must be a combination of the flags 0x1 to 0x800 (0 to {ALL_FLAGS})"),
        );
    }
}

fn taken(name: &str) -> Error {
    Error::field(
        "name",
        "taken",
        format!("a team named `{}` already exists in this workspace", name.trim()),
    )
}

fn name_conflict(e: Error, name: &str) -> Error {
    match e {
        Error::Conflict(m) if m.contains("teams") || m.contains("uniqueness") => taken(name),
        other => other,
    }
}

/// Whether the actor keeps the administrator flag once their teams are `teams_after`.
fn keeps_admin(actor: &Actor, teams_after: impl IntoIterator<Item = i64>) -> bool {
    actor.is_superuser || actor.role.is_admin() || teams_after.into_iter().any(|flags| flags & ADMIN_FLAG != 0)
}

const LOCKOUT: &str = "that change would remove your own administrator rights";

/// The team's number: an unknown number is "team not found".
async fn team_row(ex: Ex<'_, '_>, ws: i64, number: i64) -> Result<TeamRow> {
    store::team::by_seq(ex, ws, number)
        .await?
        .ok_or(Error::not_found("team"))
}

impl Core {
    /// Makes the built-in teams of a workspace the first time any team is needed there.
    async fn ensure_teams(&self, ws: i64) -> Result<()> {
        if store::team::count(&self.db, ws).await? > 0 {
            return Ok(());
        }
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    // Reserving nothing locks the counter row: a concurrent first use waits here
                    // and then sees the teams made by the first.
                    store::workspace::next_seq(tx, ws, "team", 0).await?;
                    if store::team::count(Ex::Tx(tx), ws).await? > 0 {
                        return Ok(());
                    }
                    let now = now_us();
                    let first = store::workspace::next_seq(tx, ws, "team", 2).await?;
                    let mut entries = Vec::new();
                    for (i, (name, description, flags, follow, follow_level)) in BUILTIN.iter().enumerate() {
                        let v = TeamValues {
                            name: (*name).to_owned(),
                            description: Some((*description).to_owned()),
                            permissions: *flags,
                            auto_follow: *follow,
                            auto_follow_level: *follow_level,
                        };
                        let seq = first + i64::try_from(i).unwrap_or(0);
                        let (id, uuid) = store::team::insert(tx, ws, seq, &v, None, now).await?;
                        if i == 0 {
                            store::team::add_workspace_admins(tx, ws, id, now).await?;
                        }
                        entries.push(Entry::new("team", id, uuid, "create").message("built-in team"));
                    }
                    store::activity::record(tx, &Audit::system(ws), now, &entries).await
                })
            })
            .await
    }

    /// Builds the views of some teams: members and case access.
    async fn team_views(&self, ws: i64, rows: Vec<TeamRow>) -> Result<Vec<Team>> {
        let ids: Vec<i64> = rows.iter().map(|t| t.id).collect();
        let mut members: HashMap<i64, Vec<TeamMember>> = HashMap::new();
        for m in store::team::members(&self.db, &ids).await? {
            members.entry(m.team_id).or_default().push(TeamMember {
                user: UserRef {
                    id: m.user_uuid,
                    login: m.login,
                    name: m.name,
                },
                number: m.user_id,
            });
        }
        let mut access: HashMap<i64, Vec<CaseAccess>> = HashMap::new();
        for r in store::team::access_rows(&self.db, PRINCIPAL_TEAM, &ids).await? {
            if let Some(l) = level(r.level) {
                access.entry(r.principal_id).or_default().push(CaseAccess {
                    case_number: r.case_seq,
                    case_title: r.case_title,
                    level: l,
                });
            }
        }
        // A team following every case reaches the cases it has no row for at its follow level.
        let all = if rows.iter().any(|t| follow_level(t).is_some()) {
            store::team::all_cases(&self.db, ws).await?
        } else {
            Vec::new()
        };
        Ok(rows
            .into_iter()
            .map(|t| {
                let mut cases = access.remove(&t.id).unwrap_or_default();
                if let Some(l) = follow_level(&t) {
                    let own: std::collections::HashSet<i64> = cases.iter().map(|c| c.case_number).collect();
                    cases.extend(all.iter().filter(|c| !own.contains(&c.seq)).map(|c| CaseAccess {
                        case_number: c.seq,
                        case_title: c.title.clone(),
                        level: l,
                    }));
                    cases.sort_by_key(|c| c.case_number);
                }
                Team {
                    id: t.uuid,
                    number: t.seq,
                    builtin: is_builtin(&t),
                    name: t.name,
                    description: t.description,
                    permissions: t.permissions,
                    auto_follow: t.auto_follow,
                    auto_follow_level: t.auto_follow_level,
                    members: members.remove(&t.id).unwrap_or_default(),
                    case_access: cases,
                    created_at: Timestamp(t.created_at),
                    updated_at: Timestamp(t.updated_at),
                }
            })
            .collect())
    }

    async fn team_view(&self, ws: i64, row: TeamRow) -> Result<Team> {
        self.team_views(ws, vec![row])
            .await?
            .pop()
            .ok_or(Error::not_found("team"))
    }

    /// The teams of the actor's workspace, by number (workspace admins).
    pub async fn list_teams(&self, actor: &Actor) -> Result<Vec<Team>> {
        actor.require_admin()?;
        let ws = actor.workspace_id.0;
        self.ensure_teams(ws).await?;
        let rows = store::team::list(&self.db, ws).await?;
        self.team_views(ws, rows).await
    }

    pub async fn get_team(&self, actor: &Actor, number: i64) -> Result<Team> {
        actor.require_admin()?;
        let ws = actor.workspace_id.0;
        self.ensure_teams(ws).await?;
        let row = team_row(Ex::Db(&self.db), ws, number).await?;
        self.team_view(ws, row).await
    }

    /// Creates a team; its name is unique in the workspace, case-insensitively.
    pub async fn create_team(&self, actor: &Actor, input: NewTeam) -> Result<Team> {
        actor.require_admin()?;
        let ws = actor.workspace_id.0;
        let mut p = Problems::new();
        p.text("name", &input.name, 2, MAX_TEAM_NAME);
        p.opt_text("description", input.description.as_deref(), MAX_TEAM_DESCRIPTION);
        check_permissions(&mut p, input.permissions);
        p.into_result()?;
        self.ensure_teams(ws).await?;
        let name = input.name.trim().to_owned();
        if store::team::by_name(&self.db, ws, &name).await?.is_some() {
            return Err(taken(&name));
        }
        let v = Arc::new(TeamValues {
            name: name.clone(),
            description: input.description.map(|d| d.trim().to_owned()),
            permissions: input.permissions,
            auto_follow: false,
            auto_follow_level: 0,
        });
        let audit = Audit::of(actor);
        let seq = self
            .db
            .write(move |tx| {
                let v = Arc::clone(&v);
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let seq = store::workspace::next_seq(tx, audit.ws, "team", 1).await?;
                    let (id, uuid) = store::team::insert(tx, audit.ws, seq, &v, audit.actor, now).await?;
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("team", id, uuid, "create").change(
                            "permissions",
                            None,
                            Some(v.permissions.to_string()),
                        )],
                    )
                    .await?;
                    Ok(seq)
                })
            })
            .await
            .map_err(|e| name_conflict(e, &name))?;
        self.get_team(actor, seq).await
    }

    /// Changes a team's name, description or flags. Refused when it would take the actor's
    /// last administrator flag away (a workspace admin keeps theirs through the role).
    pub async fn update_team(&self, actor: &Actor, number: i64, patch: TeamPatch) -> Result<Team> {
        actor.require_admin()?;
        let ws = actor.workspace_id.0;
        self.ensure_teams(ws).await?;
        let row = team_row(Ex::Db(&self.db), ws, number).await?;
        let mut p = Problems::new();
        if let Some(n) = &patch.name {
            p.text("name", n, 2, MAX_TEAM_NAME);
        }
        if let Some(Some(d)) = &patch.description {
            p.opt_text("description", Some(d), MAX_TEAM_DESCRIPTION);
        }
        if let Some(f) = patch.permissions {
            check_permissions(&mut p, f);
        }
        p.into_result()?;
        let name = patch.name.as_deref().map_or(row.name.clone(), |n| n.trim().to_owned());
        if !name.eq_ignore_ascii_case(&row.name)
            && let Some(other) = store::team::by_name(&self.db, ws, &name).await?
            && other.id != row.id
        {
            return Err(taken(&name));
        }
        let permissions = patch.permissions.unwrap_or(row.permissions);
        if permissions & ADMIN_FLAG == 0 && row.permissions & ADMIN_FLAG != 0 {
            let mine = store::team::of_user(&self.db, ws, actor.user_id.0).await?;
            if mine.iter().any(|t| t.id == row.id)
                && !keeps_admin(actor, mine.iter().filter(|t| t.id != row.id).map(|t| t.permissions))
            {
                return Err(Error::Conflict(LOCKOUT.into()));
            }
        }
        let v = Arc::new(TeamValues {
            name: name.clone(),
            description: match patch.description {
                Some(d) => d.map(|d| d.trim().to_owned()),
                None => row.description.clone(),
            },
            permissions,
            auto_follow: row.auto_follow,
            auto_follow_level: row.auto_follow_level,
        });
        let audit = Audit::of(actor);
        let before = row.clone();
        self.db
            .write(move |tx| {
                let v = Arc::clone(&v);
                let audit = audit.clone();
                let before = before.clone();
                Box::pin(async move {
                    let now = now_us();
                    store::team::update(tx, before.id, &v, now).await?;
                    let mut entries = Vec::new();
                    let e = || Entry::new("team", before.id, before.uuid, "update");
                    if v.name != before.name {
                        entries.push(e().change("name", Some(before.name.clone()), Some(v.name.clone())));
                    }
                    if v.description != before.description {
                        entries.push(e().change("description", before.description.clone(), v.description.clone()));
                    }
                    if v.permissions != before.permissions {
                        entries.push(e().change(
                            "permissions",
                            Some(before.permissions.to_string()),
                            Some(v.permissions.to_string()),
                        ));
                    }
                    store::activity::record(tx, &audit, now, &entries).await
                })
            })
            .await
            .map_err(|e| name_conflict(e, &name))?;
        self.get_team(actor, number).await
    }

    /// Deletes a team with its memberships and case access. The built-in teams stay; so does
    /// a team holding the actor's last administrator flag.
    pub async fn delete_team(&self, actor: &Actor, number: i64) -> Result<()> {
        actor.require_admin()?;
        let ws = actor.workspace_id.0;
        self.ensure_teams(ws).await?;
        let row = team_row(Ex::Db(&self.db), ws, number).await?;
        if is_builtin(&row) {
            return Err(Error::Conflict(format!(
                "the built-in team {} cannot be deleted",
                row.name
            )));
        }
        let mine = store::team::of_user(&self.db, ws, actor.user_id.0).await?;
        if mine.iter().any(|t| t.id == row.id)
            && !keeps_admin(actor, mine.iter().filter(|t| t.id != row.id).map(|t| t.permissions))
        {
            return Err(Error::Conflict(LOCKOUT.into()));
        }
        let audit = Audit::of(actor);
        let (id, uuid, name) = (row.id, row.uuid, row.name);
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                let name = name.clone();
                Box::pin(async move {
                    let now = now_us();
                    store::team::delete(tx, id).await?;
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("team", id, uuid, "delete").change("name", Some(name), None)],
                    )
                    .await
                })
            })
            .await
    }

    /// Makes the team's members exactly these users (by number). Numbers that are not members
    /// of the workspace are skipped; the actor stays a member when leaving would take their
    /// last administrator flag away.
    pub async fn set_team_members(&self, actor: &Actor, number: i64, users: &[i64]) -> Result<Team> {
        actor.require_admin()?;
        let ws = actor.workspace_id.0;
        self.ensure_teams(ws).await?;
        let row = team_row(Ex::Db(&self.db), ws, number).await?;
        let mut wanted = users.to_vec();
        wanted.sort_unstable();
        wanted.dedup();
        let wanted = store::team::workspace_members_among(&self.db, ws, &wanted).await?;
        let current: Vec<i64> = store::team::members(&self.db, &[row.id])
            .await?
            .into_iter()
            .map(|m| m.user_id)
            .collect();
        let add: Vec<i64> = wanted.iter().copied().filter(|u| !current.contains(u)).collect();
        let mut remove: Vec<i64> = current.iter().copied().filter(|u| !wanted.contains(u)).collect();
        if remove.contains(&actor.user_id.0) && row.permissions & ADMIN_FLAG != 0 {
            let mine = store::team::of_user(&self.db, ws, actor.user_id.0).await?;
            if !keeps_admin(actor, mine.iter().filter(|t| t.id != row.id).map(|t| t.permissions)) {
                remove.retain(|u| *u != actor.user_id.0);
            }
        }
        if !add.is_empty() || !remove.is_empty() {
            let audit = Audit::of(actor);
            let (id, uuid) = (row.id, row.uuid);
            let (add, remove) = (Arc::new(add), Arc::new(remove));
            self.db
                .write(move |tx| {
                    let audit = audit.clone();
                    let (add, remove) = (Arc::clone(&add), Arc::clone(&remove));
                    Box::pin(async move {
                        let now = now_us();
                        let mut entries = Vec::new();
                        for u in add.iter() {
                            store::team::add_member(tx, audit.ws, id, *u, now).await?;
                            entries.push(Entry::new("team", id, uuid, "update").change(
                                "members",
                                None,
                                Some(u.to_string()),
                            ));
                        }
                        for u in remove.iter() {
                            store::team::remove_member(tx, id, *u).await?;
                            entries.push(Entry::new("team", id, uuid, "update").change(
                                "members",
                                Some(u.to_string()),
                                None,
                            ));
                        }
                        store::activity::record(tx, &audit, now, &entries).await
                    })
                })
                .await?;
        }
        self.get_team(actor, number).await
    }

    /// Changes a team's case access: a level on some cases, or a level on every case.
    pub async fn set_team_case_access(&self, actor: &Actor, number: i64, change: TeamAccessChange) -> Result<Team> {
        actor.require_admin()?;
        let ws = actor.workspace_id.0;
        self.ensure_teams(ws).await?;
        let row = team_row(Ex::Db(&self.db), ws, number).await?;
        let cases = match &change {
            TeamAccessChange::Cases(numbers, _) => self.cases_named(ws, numbers).await?,
            TeamAccessChange::FollowAll(_) => Vec::new(),
        };
        let audit = Audit::of(actor);
        let before = row.clone();
        let cases = Arc::new(cases);
        let change = Arc::new(change);
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                let before = before.clone();
                let (cases, change) = (Arc::clone(&cases), Arc::clone(&change));
                Box::pin(async move {
                    let now = now_us();
                    let e = || Entry::new("team", before.id, before.uuid, "update");
                    let mut v = TeamValues {
                        name: before.name.clone(),
                        description: before.description.clone(),
                        permissions: before.permissions,
                        auto_follow: before.auto_follow,
                        auto_follow_level: before.auto_follow_level,
                    };
                    let mut entries = Vec::new();
                    match change.as_ref() {
                        TeamAccessChange::FollowAll(l) => {
                            store::team::clear_access(tx, PRINCIPAL_TEAM, before.id).await?;
                            v.auto_follow = true;
                            v.auto_follow_level = l.value();
                            entries.push(e().change("auto_follow", None, Some(l.as_str().to_owned())));
                        }
                        TeamAccessChange::Cases(_, l) => {
                            if let Some(old) = follow_level(&before) {
                                // Stop following: the cases reached so far keep the old level.
                                store::team::fill_access(tx, audit.ws, before.id, old.value(), now).await?;
                                v.auto_follow = false;
                                entries.push(e().change("auto_follow", Some(old.as_str().to_owned()), None));
                            }
                            let ids: Vec<i64> = cases.iter().map(|c| c.id).collect();
                            store::team::set_access(tx, audit.ws, PRINCIPAL_TEAM, before.id, &ids, l.value(), now)
                                .await?;
                            for c in cases.iter() {
                                entries.push(e().case(c.id).change("case_access", None, Some(l.as_str().to_owned())));
                            }
                        }
                    }
                    store::team::update(tx, before.id, &v, now).await?;
                    store::activity::record(tx, &audit, now, &entries).await
                })
            })
            .await?;
        self.get_team(actor, number).await
    }

    /// Live cases of the workspace by number; an unknown number is "case not found".
    async fn cases_named(&self, ws: i64, numbers: &[i64]) -> Result<Vec<CaseBrief>> {
        if numbers.len() > MAX_ACCESS_CASES {
            return Err(Error::field(
                "cases",
                "too_many",
                format!("at most {MAX_ACCESS_CASES} cases at once"),
            ));
        }
        let mut wanted = numbers.to_vec();
        wanted.sort_unstable();
        wanted.dedup();
        let found = store::team::cases_by_seq(&self.db, ws, &wanted).await?;
        if found.len() != wanted.len() {
            return Err(Error::not_found("case"));
        }
        Ok(found)
    }

    /// A user of the actor's workspace by number (deleted users and other workspaces' users
    /// are "user not found"), with their role there.
    pub(crate) async fn member_by_number(&self, ws: i64, number: i64) -> Result<(store::user::UserRow, Role)> {
        let u = store::user::by_id(&self.db, number)
            .await?
            .filter(|u| u.deleted_at.is_none())
            .ok_or(Error::not_found("user"))?;
        let role = store::workspace::role_of(&self.db, ws, u.id)
            .await?
            .ok_or(Error::not_found("user"))?;
        Ok((u, role))
    }

    /// Sets a user's own level on some cases (workspace admins).
    pub async fn set_user_case_access(
        &self,
        actor: &Actor,
        user: i64,
        cases: &[i64],
        level: AccessLevel,
    ) -> Result<UserAccess> {
        actor.require_admin()?;
        let ws = actor.workspace_id.0;
        let (u, _) = self.member_by_number(ws, user).await?;
        let cases = Arc::new(self.cases_named(ws, cases).await?);
        let audit = Audit::of(actor);
        let (uid, uuid) = (u.id, u.uuid);
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                let cases = Arc::clone(&cases);
                Box::pin(async move {
                    let now = now_us();
                    let ids: Vec<i64> = cases.iter().map(|c| c.id).collect();
                    store::team::set_access(tx, audit.ws, PRINCIPAL_USER, uid, &ids, level.value(), now).await?;
                    let entries: Vec<Entry> = cases
                        .iter()
                        .map(|c| {
                            Entry::new("user", uid, uuid, "update").case(c.id).change(
                                "case_access",
                                None,
                                Some(level.as_str().to_owned()),
                            )
                        })
                        .collect();
                    store::activity::record(tx, &audit, now, &entries).await
                })
            })
            .await?;
        self.user_access(actor, user).await
    }

    /// What decides a user's rights in the actor's workspace (workspace admins).
    pub async fn user_access(&self, actor: &Actor, user: i64) -> Result<UserAccess> {
        actor.require_admin()?;
        let ws = actor.workspace_id.0;
        self.ensure_teams(ws).await?;
        let (u, role) = self.member_by_number(ws, user).await?;
        let teams = store::team::of_user(&self.db, ws, u.id).await?;
        let cases = store::team::access_rows(&self.db, PRINCIPAL_USER, &[u.id])
            .await?
            .into_iter()
            .filter_map(|r| {
                level(r.level).map(|l| CaseAccess {
                    case_number: r.case_seq,
                    case_title: r.case_title,
                    level: l,
                })
            })
            .collect();
        let customers = store::team::customers_of_user(&self.db, ws, u.id)
            .await?
            .into_iter()
            .map(|c| CustomerAccess {
                id: c.customer_uuid,
                number: c.customer_seq,
                name: c.customer_name,
                level: level(c.level),
            })
            .collect();
        let primary = store::user::default_workspace_of(&self.db, u.id).await?;
        let workspaces = store::workspace::list_for_user(&self.db, u.id, false)
            .await?
            .into_iter()
            .map(|w| WorkspaceMembership {
                number: w.id,
                id: w.uuid,
                name: w.name,
                role: w.role.and_then(Role::from_ordinal),
                primary: Some(w.id) == primary,
            })
            .collect();
        Ok(UserAccess {
            user: crate::workspace::user_view(u),
            role,
            teams: teams.iter().map(team_ref).collect(),
            cases,
            customers,
            workspaces,
            primary_workspace: primary,
        })
    }

    /// The teams of a user of the actor's workspace (workspace admins).
    pub async fn teams_of_user(&self, actor: &Actor, user: i64) -> Result<Vec<TeamRef>> {
        actor.require_admin()?;
        let ws = actor.workspace_id.0;
        let (u, _) = self.member_by_number(ws, user).await?;
        Ok(store::team::of_user(&self.db, ws, u.id)
            .await?
            .iter()
            .map(team_ref)
            .collect())
    }

    /// The actor's effective access to case `number`; `None` when the case does not exist in
    /// the actor's workspace. The rule runs in SQL (`store/access.rs`), the same that filters
    /// every list; [`Core::trace_user_access`] explains it step by step.
    pub async fn case_access(&self, actor: &Actor, number: i64) -> Result<Option<AccessLevel>> {
        let scope = self.access_scope(actor).await?;
        let row = store::access::case_level(
            &self.db,
            &scope,
            actor.workspace_id.0,
            store::access::CaseKey::Client(crate::ids::Key::Seq(number)),
        )
        .await?;
        Ok(row.and_then(|r| AccessLevel::from_value(i64::from(r.level))))
    }

    /// How a user's access to every case of the actor's workspace is made up (workspace
    /// admins). Access is computed when read, so this is always current.
    pub async fn trace_user_access(&self, actor: &Actor, user: i64) -> Result<Vec<CaseAccessTrace>> {
        actor.require_admin()?;
        let ws = actor.workspace_id.0;
        self.ensure_teams(ws).await?;
        let (u, role) = self.member_by_number(ws, user).await?;
        let cases = store::team::all_cases(&self.db, ws).await?;
        self.trace(
            Principal {
                ws,
                user_id: u.id,
                role,
            },
            &cases,
        )
        .await
    }

    /// The access computation: one trace per case, in the order of `cases`.
    async fn trace(&self, p: Principal, cases: &[CaseBrief]) -> Result<Vec<CaseAccessTrace>> {
        let ids: Vec<i64> = cases.iter().map(|c| c.id).collect();
        let teams = store::team::of_user(&self.db, p.ws, p.user_id).await?;
        let team_ids: Vec<i64> = teams.iter().map(|t| t.id).collect();
        let mut team_rows: HashMap<(i64, i64), AccessLevel> = HashMap::new();
        let mut customer: HashMap<i64, AccessLevel> = HashMap::new();
        let mut user: HashMap<i64, AccessLevel> = HashMap::new();
        for chunk in ids.chunks(500) {
            for (team, case, l) in store::team::levels_on(&self.db, PRINCIPAL_TEAM, &team_ids, chunk).await? {
                if let Some(l) = level(l) {
                    team_rows.insert((team, case), l);
                }
            }
            for (case, l) in store::team::customer_levels_on(&self.db, p.user_id, chunk).await? {
                if let Some(l) = level(l) {
                    customer.insert(case, l);
                }
            }
            for (_, case, l) in store::team::levels_on(&self.db, PRINCIPAL_USER, &[p.user_id], chunk).await? {
                if let Some(l) = level(l) {
                    user.insert(case, l);
                }
            }
        }
        Ok(cases
            .iter()
            .map(|c| {
                let mut steps = vec![AccessStep {
                    source: AccessSource::Role { role: p.role },
                    level: role_default(p.role),
                    effective: false,
                }];
                let mut best: Option<(usize, AccessLevel)> = None;
                for t in &teams {
                    if let Some(l) = team_rows.get(&(t.id, c.id)).copied().or_else(|| follow_level(t)) {
                        steps.push(AccessStep {
                            source: AccessSource::Team {
                                number: t.seq,
                                name: t.name.clone(),
                            },
                            level: l,
                            effective: false,
                        });
                        if best.is_none_or(|(_, b)| l > b) {
                            best = Some((steps.len() - 1, l));
                        }
                    }
                }
                let mut decided = best.map_or(0, |(i, _)| i);
                if let Some(l) = customer.get(&c.id) {
                    steps.push(AccessStep {
                        source: AccessSource::Customer,
                        level: *l,
                        effective: false,
                    });
                    decided = steps.len() - 1;
                }
                if let Some(l) = user.get(&c.id) {
                    steps.push(AccessStep {
                        source: AccessSource::User,
                        level: *l,
                        effective: false,
                    });
                    decided = steps.len() - 1;
                }
                let effective = steps.get(decided).map_or(AccessLevel::DenyAll, |s| s.level);
                if let Some(s) = steps.get_mut(decided) {
                    s.effective = true;
                }
                CaseAccessTrace {
                    case_number: c.seq,
                    case_title: c.title.clone(),
                    steps,
                    effective,
                }
            })
            .collect())
    }
}

/// Removes a user's team memberships and case access rows in a workspace (when they leave it
/// or are deleted).
pub(crate) async fn forget_member(tx: &mut Tx<'_>, ws: i64, user_id: i64) -> Result<()> {
    store::team::remove_user_everywhere(tx, ws, user_id).await?;
    store::team::clear_user_access_in(tx, ws, user_id).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::test_actor as actor;

    #[test]
    fn access_levels_order_and_values() {
        assert!(AccessLevel::DenyAll < AccessLevel::ReadOnly && AccessLevel::ReadOnly < AccessLevel::FullAccess);
        for l in AccessLevel::ALL {
            assert_eq!(AccessLevel::from_value(i64::from(l.value())), Some(l));
        }
        assert_eq!(AccessLevel::from_value(3), None);
        assert!(!AccessLevel::DenyAll.can_read() && AccessLevel::ReadOnly.can_read());
        assert!(!AccessLevel::ReadOnly.can_write() && AccessLevel::FullAccess.can_write());
        assert_eq!(role_default(Role::Viewer), AccessLevel::ReadOnly);
        assert_eq!(role_default(Role::Analyst), AccessLevel::FullAccess);
    }

    #[test]
    fn admin_rights_come_from_the_role_or_a_team() {
        // A workspace admin or a server administrator keeps them whatever their teams.
        assert!(keeps_admin(&actor(Role::Admin, false), []));
        assert!(keeps_admin(&actor(Role::Viewer, true), []));
        // Anyone else keeps them only through a remaining team with the flag.
        assert!(!keeps_admin(&actor(Role::Analyst, false), [ANALYST_FLAGS, 0]));
        assert!(keeps_admin(
            &actor(Role::Analyst, false),
            [ANALYST_FLAGS, ADMIN_FLAG | 1]
        ));
    }
}
