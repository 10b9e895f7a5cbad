//! Workspaces (tenants), users and memberships.

use std::sync::Arc;

use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    Core,
    actor::{Actor, Via},
    auth::hash_blocking,
    error::{Error, Problems, Result},
    ids::{UserId, WorkspaceId},
    model::{Member, Role, Timestamp, User, UserRef, Workspace},
    store::{
        self,
        activity::{Audit, Entry},
        user::{NewUserRow, UserChanges, UserRow},
        workspace::WorkspaceRow,
    },
    time::now_us,
};

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWorkspace {
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub login: String,
    pub email: String,
    pub name: String,
    /// At least 8 characters. Without one the user can only use API keys.
    pub password: Option<String>,
    /// Role in the caller's workspace (default `analyst`).
    pub role: Option<Role>,
    /// Server administrator (only a server administrator may grant it).
    #[serde(default)]
    pub is_superuser: bool,
    #[serde(default)]
    pub is_service_account: bool,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    pub email: Option<String>,
    pub name: Option<String>,
    pub password: Option<String>,
    /// Deactivating revokes every credential of the user at once.
    pub is_active: Option<bool>,
}

/// The caller, as `GET /api/v1/me` shows it.
#[derive(Debug, Clone, serde::Serialize, ToSchema)]
pub struct Me {
    pub user: User,
    pub workspace: Workspace,
    pub role: Role,
}

pub(crate) fn user_view(u: UserRow) -> User {
    User {
        id: u.uuid,
        number: u.id,
        login: u.login,
        email: u.email,
        name: u.name,
        is_active: u.is_active,
        is_superuser: u.is_superuser,
        is_service_account: u.is_service_account,
        last_login_at: u.last_login_at.map(Timestamp),
        created_at: Timestamp(u.created_at),
    }
}

fn ws_view(w: WorkspaceRow, role: Option<Role>) -> Workspace {
    Workspace {
        id: w.uuid,
        name: w.name,
        description: w.description,
        is_default: w.is_default,
        created_at: Timestamp(w.created_at),
        role,
    }
}

fn check_password(p: &mut Problems, pw: &str) {
    let n = pw.chars().count();
    if n < 8 {
        p.push("password", "too_short", "password must have at least 8 characters");
    } else if n > 1024 {
        p.push("password", "too_long", "password must have at most 1024 characters");
    }
}

fn check_email(p: &mut Problems, email: &str) {
    let e = email.trim();
    if e.chars().count() > 320
        || !e.contains('@')
        || e.starts_with('@')
        || e.ends_with('@')
        || e.contains(char::is_whitespace)
    {
        p.push("email", "invalid", "email must be an address like name@example.org");
    }
}

impl Core {
    pub async fn me(&self, actor: &Actor) -> Result<Me> {
        let user = store::user::by_id(&self.db, actor.user_id.0)
            .await?
            .ok_or(Error::Unauthenticated)?;
        let ws = store::workspace::by_uuid(&self.db, actor.workspace_uuid)
            .await?
            .ok_or(Error::not_found("workspace"))?;
        Ok(Me {
            user: user_view(user),
            workspace: ws_view(ws, Some(actor.role)),
            role: actor.role,
        })
    }

    /// The caller's workspaces (every workspace for a server administrator).
    pub async fn list_workspaces(&self, actor: &Actor) -> Result<Vec<Workspace>> {
        let rows = store::workspace::list_for_user(&self.db, actor.user_id.0, actor.is_superuser).await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let role = r.role.and_then(Role::from_ordinal);
                ws_view(
                    WorkspaceRow {
                        id: r.id,
                        uuid: r.uuid,
                        name: r.name,
                        description: r.description,
                        is_default: r.is_default,
                        created_at: r.created_at,
                    },
                    role,
                )
            })
            .collect())
    }

    /// A workspace the caller can see (member, or server administrator); others are "not found".
    async fn visible_workspace(&self, actor: &Actor, id: Uuid) -> Result<(WorkspaceRow, Option<Role>)> {
        let ws = store::workspace::by_uuid(&self.db, id)
            .await?
            .ok_or(Error::not_found("workspace"))?;
        let role = store::workspace::role_of(&self.db, ws.id, actor.user_id.0).await?;
        if role.is_none() && !actor.is_superuser {
            return Err(Error::not_found("workspace"));
        }
        Ok((ws, role))
    }

    pub async fn get_workspace(&self, actor: &Actor, id: Uuid) -> Result<Workspace> {
        let (ws, role) = self.visible_workspace(actor, id).await?;
        Ok(ws_view(ws, role))
    }

    /// Creates a workspace (server administrators); the creator becomes its admin.
    pub async fn create_workspace(&self, actor: &Actor, input: NewWorkspace) -> Result<Workspace> {
        actor.require_superuser()?;
        let mut p = Problems::new();
        p.text("name", &input.name, 1, 200);
        p.opt_text("description", input.description.as_deref(), 2000);
        p.into_result()?;
        if store::workspace::by_name(&self.db, input.name.trim()).await?.is_some() {
            return Err(Error::field("name", "taken", "that workspace name is taken"));
        }
        let audit = Audit::of(actor);
        let input = Arc::new(input);
        self.db
            .write(move |tx| {
                let input = Arc::clone(&input);
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let (id, uuid) =
                        store::workspace::insert(tx, input.name.trim(), input.description.as_deref(), false, now)
                            .await?;
                    if let Some(u) = audit.actor {
                        store::workspace::set_member(tx, id, u, Role::Admin, now).await?;
                    }
                    let mut a = audit.clone();
                    a.ws = id;
                    store::activity::record(tx, &a, now, &[Entry::new("workspace", id, uuid, "create")]).await?;
                    let ws = store::workspace::by_uuid(&mut *tx, uuid)
                        .await?
                        .ok_or(Error::not_found("workspace"))?;
                    Ok(ws_view(ws, Some(Role::Admin)))
                })
            })
            .await
    }

    pub async fn list_members(&self, actor: &Actor, ws: Uuid) -> Result<Vec<Member>> {
        let (ws, _) = self.visible_workspace(actor, ws).await?;
        let rows = store::workspace::members(&self.db, ws.id).await?;
        Ok(rows
            .into_iter()
            .map(|m| Member {
                user: UserRef {
                    id: m.user_uuid,
                    login: m.login,
                    name: m.name,
                },
                role: Role::from_ordinal(m.role).unwrap_or(Role::Viewer),
                since: Timestamp(m.created_at),
            })
            .collect())
    }

    /// Adds a user to a workspace or changes their role (workspace admins).
    pub async fn set_member(&self, actor: &Actor, ws: Uuid, user: Uuid, role: Role) -> Result<Vec<Member>> {
        let (w, my_role) = self.visible_workspace(actor, ws).await?;
        if my_role != Some(Role::Admin) && !actor.is_superuser {
            return Err(Error::Forbidden("this needs the admin role in that workspace".into()));
        }
        let u = store::user::by_uuid(&self.db, user)
            .await?
            .ok_or(Error::not_found("user"))?;
        // A workspace admin may only bring in people they already administer elsewhere; anyone
        // else is invisible to them (users are global, workspaces are tenants).
        if !actor.is_superuser && !store::workspace::administers(&self.db, actor.user_id.0, u.id).await? {
            return Err(Error::not_found("user"));
        }
        let mut audit = Audit::of(actor);
        audit.ws = w.id;
        let (ws_id, user_id, uuid) = (w.id, u.id, u.uuid);
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let before = store::workspace::role_of(&mut *tx, ws_id, user_id).await?;
                    if before == Some(Role::Admin)
                        && role != Role::Admin
                        && store::workspace::count_admins(tx, ws_id).await? <= 1
                    {
                        return Err(Error::Conflict("a workspace keeps at least one admin".into()));
                    }
                    store::workspace::set_member(tx, ws_id, user_id, role, now).await?;
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("membership", user_id, uuid, "update").change(
                            "role",
                            before.map(|r| r.as_str().to_owned()),
                            Some(role.as_str().to_owned()),
                        )],
                    )
                    .await
                })
            })
            .await?;
        self.keys.invalidate();
        self.list_members(actor, ws).await
    }

    pub async fn remove_member(&self, actor: &Actor, ws: Uuid, user: Uuid) -> Result<()> {
        let (w, my_role) = self.visible_workspace(actor, ws).await?;
        if my_role != Some(Role::Admin) && !actor.is_superuser {
            return Err(Error::Forbidden("this needs the admin role in that workspace".into()));
        }
        let u = store::user::by_uuid(&self.db, user)
            .await?
            .ok_or(Error::not_found("user"))?;
        let mut audit = Audit::of(actor);
        audit.ws = w.id;
        let (ws_id, user_id, uuid) = (w.id, u.id, u.uuid);
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let before = store::workspace::role_of(&mut *tx, ws_id, user_id)
                        .await?
                        .ok_or(Error::not_found("member"))?;
                    if before == Role::Admin && store::workspace::count_admins(tx, ws_id).await? <= 1 {
                        return Err(Error::Conflict("a workspace keeps at least one admin".into()));
                    }
                    store::workspace::remove_member(tx, ws_id, user_id).await?;
                    crate::team::forget_member(tx, ws_id, user_id).await?;
                    store::activity::record(tx, &audit, now, &[Entry::new("membership", user_id, uuid, "delete")]).await
                })
            })
            .await?;
        self.keys.invalidate();
        Ok(())
    }

    /// Creates a user and makes them a member of the caller's workspace (workspace admins).
    pub async fn create_user(&self, actor: &Actor, input: NewUser) -> Result<User> {
        actor.require_admin()?;
        if input.is_superuser {
            actor.require_superuser()?;
        }
        let mut p = Problems::new();
        p.text("login", &input.login, 2, 64);
        if input.login.chars().any(char::is_control) || input.login.trim() != input.login {
            p.push(
                "login",
                "invalid",
                "login must not contain control characters or surrounding spaces",
            );
        }
        check_email(&mut p, &input.email);
        p.text("name", &input.name, 1, 200);
        if let Some(pw) = &input.password {
            check_password(&mut p, pw);
        }
        p.into_result()?;
        if store::user::by_login(&self.db, &input.login).await?.is_some() {
            return Err(Error::field("login", "taken", "that login is taken"));
        }
        if store::user::by_email(&self.db, input.email.trim()).await?.is_some() {
            return Err(Error::field("email", "taken", "that email is taken"));
        }
        let hash = match &input.password {
            Some(pw) => Some(hash_blocking(pw.clone()).await?),
            None => None,
        };
        let row = NewUserRow {
            login: input.login.clone(),
            email: input.email.trim().to_owned(),
            name: input.name.trim().to_owned(),
            password_hash: hash,
            is_superuser: input.is_superuser,
            is_service_account: input.is_service_account,
            default_workspace_id: Some(actor.workspace_id.0),
        };
        let role = input.role.unwrap_or(Role::Analyst);
        let audit = Audit::of(actor);
        let row = Arc::new(row);
        self.db
            .write(move |tx| {
                let row = Arc::clone(&row);
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let (id, uuid) = store::user::insert(tx, &row, now).await?;
                    store::workspace::set_member(tx, audit.ws, id, role, now).await?;
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("user", id, uuid, "create").change("role", None, Some(role.as_str().to_owned()))],
                    )
                    .await?;
                    let u = store::user::by_id(&mut *tx, id)
                        .await?
                        .ok_or(Error::not_found("user"))?;
                    Ok(user_view(u))
                })
            })
            .await
            .map_err(|e| match e {
                Error::Conflict(_) => Error::field("email", "taken", "that login or email is taken"),
                other => other,
            })
    }

    /// Users of the caller's workspace (every user for a server administrator).
    pub async fn list_users(&self, actor: &Actor) -> Result<Vec<User>> {
        actor.require_admin()?;
        let ws = if actor.is_superuser {
            None
        } else {
            Some(actor.workspace_id.0)
        };
        Ok(store::user::list(&self.db, ws)
            .await?
            .into_iter()
            .map(user_view)
            .collect())
    }

    /// A user the caller may see: themselves, a member of the workspace (admins), anyone
    /// (server administrators).
    async fn visible_user(&self, actor: &Actor, id: Uuid) -> Result<UserRow> {
        let u = store::user::by_uuid(&self.db, id)
            .await?
            .ok_or(Error::not_found("user"))?;
        if u.id == actor.user_id.0 || actor.is_superuser {
            return Ok(u);
        }
        if actor.role.is_admin()
            && store::workspace::role_of(&self.db, actor.workspace_id.0, u.id)
                .await?
                .is_some()
        {
            return Ok(u);
        }
        Err(Error::not_found("user"))
    }

    pub async fn get_user(&self, actor: &Actor, id: Uuid) -> Result<User> {
        Ok(user_view(self.visible_user(actor, id).await?))
    }

    pub async fn update_user(&self, actor: &Actor, id: Uuid, patch: UserPatch) -> Result<User> {
        let u = self.visible_user(actor, id).await?;
        let is_self = u.id == actor.user_id.0;
        // A user is global: only they, or a server administrator, change who they are. A
        // workspace admin manages memberships instead (remove_member).
        if !is_self && !actor.is_superuser {
            return Err(Error::Forbidden(
                "only the user or a server administrator may change a user; workspace admins manage memberships".into(),
            ));
        }
        if patch.is_active.is_some() && is_self {
            return Err(Error::field("is_active", "invalid", "you cannot deactivate yourself"));
        }
        let mut p = Problems::new();
        if let Some(e) = &patch.email {
            check_email(&mut p, e);
        }
        if let Some(n) = &patch.name {
            p.text("name", n, 1, 200);
        }
        if let Some(pw) = &patch.password {
            check_password(&mut p, pw);
        }
        p.into_result()?;
        let hash = match &patch.password {
            Some(pw) => Some(hash_blocking(pw.clone()).await?),
            None => None,
        };
        let changes = Arc::new(UserChanges {
            email: patch.email.as_ref().map(|e| e.trim().to_owned()),
            name: patch.name.as_ref().map(|n| n.trim().to_owned()),
            password_hash: hash,
            is_active: patch.is_active,
        });
        let audit = Audit::of(actor);
        let (uid, uuid) = (u.id, u.uuid);
        let user = self
            .db
            .write(move |tx| {
                let changes = Arc::clone(&changes);
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    store::user::update(tx, uid, &changes, now).await?;
                    if changes.is_active == Some(false) {
                        store::credential::revoke_all_of_user(tx, uid, now).await?;
                    }
                    let mut entries = Vec::new();
                    if let Some(e) = &changes.email {
                        entries.push(Entry::new("user", uid, uuid, "update").change("email", None, Some(e.clone())));
                    }
                    if let Some(n) = &changes.name {
                        entries.push(Entry::new("user", uid, uuid, "update").change("name", None, Some(n.clone())));
                    }
                    if changes.password_hash.is_some() {
                        // The hash itself never goes into the trail.
                        entries.push(Entry::new("user", uid, uuid, "update").change("password", None, None));
                    }
                    if let Some(a) = changes.is_active {
                        entries.push(Entry::new("user", uid, uuid, "update").change(
                            "is_active",
                            None,
                            Some(a.to_string()),
                        ));
                    }
                    store::activity::record(tx, &audit, now, &entries).await?;
                    let u = store::user::by_id(&mut *tx, uid)
                        .await?
                        .ok_or(Error::not_found("user"))?;
                    Ok(user_view(u))
                })
            })
            .await
            .map_err(|e| match e {
                Error::Conflict(_) => Error::field("email", "taken", "that email is taken"),
                other => other,
            })?;
        self.keys.invalidate();
        Ok(user)
    }

    /// The actor for operator commands (`dossier user …` on the server's console): the first
    /// active server administrator, in the named workspace or the default one.
    pub async fn operator(&self, workspace: Option<&str>) -> Result<Actor> {
        let admins = store::user::list(&self.db, None).await?;
        let admin = admins
            .into_iter()
            .filter(|u| u.is_superuser && u.is_active)
            .min_by_key(|u| u.id)
            .ok_or_else(|| {
                Error::Unavailable("no server administrator exists; start the server once to bootstrap".into())
            })?;
        let ws = match workspace {
            Some(name) => store::workspace::by_name(&self.db, name).await?,
            None => store::workspace::default_workspace(&self.db).await?,
        }
        .ok_or(Error::not_found("workspace"))?;
        Ok(Actor {
            user_id: UserId(admin.id),
            user_uuid: admin.uuid,
            login: admin.login,
            name: admin.name,
            is_superuser: true,
            workspace_id: WorkspaceId(ws.id),
            workspace_uuid: ws.uuid,
            role: Role::Admin,
            credential_id: None,
            via: Via::Cli,
            request_id: None,
        })
    }

    /// Finds a user by login (operator commands).
    pub async fn user_by_login(&self, login: &str) -> Result<User> {
        store::user::by_login(&self.db, login)
            .await?
            .map(user_view)
            .ok_or(Error::not_found("user"))
    }
}

/// The strong password rule some dialects enforce (IRIS's default policy): at least 12
/// characters with an upper-case letter, a lower-case letter and a digit. One message lists
/// every unmet requirement.
pub fn check_strong_password(password: &str) -> Result<()> {
    let mut missing = Vec::new();
    if password.chars().count() < 12 {
        missing.push("at least 12 characters");
    }
    if !password.chars().any(char::is_uppercase) {
        missing.push("an upper-case letter");
    }
    if !password.chars().any(char::is_lowercase) {
        missing.push("a lower-case letter");
    }
    if !password.chars().any(|c| c.is_ascii_digit()) {
        missing.push("a digit");
    }
    if missing.is_empty() {
        let mut p = Problems::new();
        check_password(&mut p, password);
        return p.into_result();
    }
    Err(Error::field(
        "password",
        "too_weak",
        format!("the password needs {}", missing.join(", ")),
    ))
}

impl Core {
    /// The users of the actor's workspace, deactivated ones included, by number (any member).
    pub async fn workspace_users(&self, actor: &Actor) -> Result<Vec<User>> {
        Ok(store::user::members_of(&self.db, actor.workspace_id.0)
            .await?
            .into_iter()
            .map(user_view)
            .collect())
    }

    /// A user of the actor's workspace by number (any member); users of other workspaces and
    /// deleted users are "user not found".
    pub async fn workspace_user(&self, actor: &Actor, number: i64) -> Result<User> {
        let (u, _) = self.member_by_number(actor.workspace_id.0, number).await?;
        Ok(user_view(u))
    }

    /// A user of the actor's workspace by login, case-insensitively (any member).
    pub async fn workspace_user_by_login(&self, actor: &Actor, login: &str) -> Result<User> {
        let u = store::user::by_login(&self.db, login)
            .await?
            .ok_or(Error::not_found("user"))?;
        if store::workspace::role_of(&self.db, actor.workspace_id.0, u.id)
            .await?
            .is_none()
        {
            return Err(Error::not_found("user"));
        }
        Ok(user_view(u))
    }

    /// Deletes a deactivated user (server administrators). The row stays as a tombstone for
    /// the history that names it: login and email are freed, memberships, team memberships,
    /// case access rows and credentials go. An active user is refused: deactivate first.
    pub async fn delete_user(&self, actor: &Actor, id: Uuid) -> Result<()> {
        let u = self.visible_user(actor, id).await?;
        actor.require_superuser()?;
        if u.is_active {
            return Err(Error::Conflict(
                "the user is active; deactivate them before deleting them".into(),
            ));
        }
        let audit = Audit::of(actor);
        let (uid, uuid, login) = (u.id, u.uuid, u.login);
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                let login = login.clone();
                Box::pin(async move {
                    let now = now_us();
                    let placeholder = format!("deleted-{}", uuid.simple());
                    let email = format!("{placeholder}@deleted.invalid");
                    if store::user::tombstone(tx, uid, &placeholder, &email, now).await? == 0 {
                        return Err(Error::not_found("user"));
                    }
                    store::credential::revoke_all_of_user(tx, uid, now).await?;
                    for ws in store::workspace::remove_all_memberships(tx, uid).await? {
                        crate::team::forget_member(tx, ws, uid).await?;
                    }
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new("user", uid, uuid, "delete").change("login", Some(login), None)],
                    )
                    .await
                })
            })
            .await?;
        self.keys.invalidate();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strong_passwords_need_length_cases_and_a_digit() {
        assert!(check_strong_password("TestPassword1-").is_ok());
        for weak in ["Short1a", "alllowercase12", "ALLUPPERCASE12", "NoDigitsAtAllHere", ""] {
            let Err(Error::Validation(f)) = check_strong_password(weak) else {
                panic!("{weak} passed");
            };
            assert_eq!(f[0].field, "password");
        }
        let Err(Error::Validation(f)) = check_strong_password("short") else {
            panic!("short passed");
        };
        assert!(
            f[0].message.contains("12 characters") && f[0].message.contains("a digit"),
            "{}",
            f[0].message
        );
    }
}
