//! IRIS users, groups and access control: `/manage/users/*`, `/manage/groups/*` and
//! `/manage/access-control/*`.
//!
//! User ids are the core's user numbers; only users of the caller's workspace are visible here.
//! Groups are the core's teams (group id = team number). A user's IRIS permission flags are
//! their workspace role's baseline OR-ed with their teams' flags. Access is computed when read,
//! so the recompute routes only confirm.

use std::collections::BTreeMap;

use crate::kit::route::{Routes, get, post};
use axum::extract::{Path, State};
use dossier_core::{
    AccessLevel, AccessSource, Actor, CaseAccess, CaseAccessTrace, Error, NewTeam, NewUser, Team, TeamAccessChange,
    TeamPatch, UserAccess, UserPatch, check_strong_password,
    model::{Role, User},
};
use serde_json::{Map, Value, json};

use super::{
    common::case_name,
    ctx::{Body, Fields, IrisUser, path_id, require_admin},
    server::permission_list,
    wire::{IrisError, IrisResult, done, ok},
};
use crate::state::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .route("/manage/users/list", get(list_users))
        .route("/manage/users/restricted/list", get(list_users_restricted))
        .route("/manage/users/lookup/login/{login}", get(lookup_login))
        .route("/manage/users/lookup/id/{id}", get(lookup_id))
        .route("/manage/users/add", post(add_user))
        .route("/manage/users/{id}", get(get_user))
        .route("/manage/users/update/{id}", post(update_user))
        .route(
            "/manage/users/deactivate/{id}",
            get(deactivate_user).post(deactivate_user),
        )
        .route("/manage/users/activate/{id}", get(activate_user).post(activate_user))
        .route("/manage/users/delete/{id}", post(delete_user).get(delete_user))
        .route("/manage/users/{id}/cases-access/update", post(user_cases_access))
        .route("/manage/access-control/audit/users/{id}", get(audit_user))
        .route(
            "/manage/access-control/recompute-effective-user-ac/{id}",
            get(recompute_user),
        )
        .route(
            "/manage/access-control/recompute-effective-users-ac",
            get(recompute_all),
        )
        .route("/manage/groups/list", get(list_groups))
        .route("/manage/groups/add", post(add_group))
        .route("/manage/groups/{id}", get(get_group))
        .route("/manage/groups/update/{id}", post(update_group))
        .route("/manage/groups/delete/{id}", post(delete_group))
        .route("/manage/groups/{id}/members/update", post(group_members))
        .route("/manage/groups/{id}/cases-access/update", post(group_cases_access))
}

const INVALID_USER: &str = "Invalid user ID";
const INVALID_GROUP: &str = "Invalid group ID";

// ---- Translations ----

/// `[{name, value}]` of an access level (IRIS's `access_level_list`).
fn level_list(l: AccessLevel) -> Value {
    json!([{"name": l.as_str(), "value": l.value()}])
}

fn case_access(c: &CaseAccess) -> Value {
    json!({
        "case_id": c.case_number,
        "case_name": case_name(c.case_number, &c.case_title),
        "access_level": c.level.value(),
        "access_level_list": level_list(c.level),
    })
}

/// The IRIS flags of a workspace role (the same baseline as the caller's own flags).
fn role_flags(actor: &Actor, role: Role, superuser: bool) -> i64 {
    let mut a = actor.clone();
    a.role = role;
    a.is_superuser = superuser;
    dossier_core::role_flags(&a)
}

/// An IRIS access level in a body: an int or a numeric string, 1, 2 or 4.
fn access_level(f: &Fields) -> Result<AccessLevel, IrisError> {
    let raw = f
        .opt_int("access_level")
        .map_err(|_| IrisError::bad("Expecting access_level as int"))?
        .ok_or_else(|| IrisError::bad("Expecting access_level as int"))?;
    AccessLevel::from_value(raw).ok_or_else(|| IrisError::field("access_level", "Invalid access level"))
}

/// A list of case numbers in `cases_list`.
fn cases_list(f: &Fields) -> Result<Vec<i64>, IrisError> {
    match f.raw("cases_list") {
        Some(Value::Array(_)) => f.int_list("cases_list"),
        _ => Err(IrisError::bad("Expecting cases_list as list")),
    }
}

// ---- Users ----

fn user_basic(u: &User) -> Value {
    json!({
        "user_id": u.number,
        "user_uuid": u.id,
        "user_name": u.name,
        "user_login": u.login,
        "user_email": u.email,
        "user_active": u.is_active,
        "user_is_service_account": u.is_service_account,
    })
}

fn user_restricted(u: &User) -> Value {
    json!({
        "user_id": u.number,
        "user_uuid": u.id,
        "user_name": u.name,
        "user_login": u.login,
        "user_active": u.is_active,
    })
}

/// A user as IRIS's user schema dumps it (add, update, deactivate).
fn user_record(u: &User, primary_org: i64) -> Value {
    json!({
        "id": u.number,
        "user_id": u.number,
        "uuid": u.id,
        "user_uuid": u.id,
        "user_name": u.name,
        "user_login": u.login,
        "user_email": u.email,
        "active": u.is_active,
        "user_active": u.is_active,
        "user_is_service_account": u.is_service_account,
        "user_primary_organisation_id": primary_org,
        "external_id": null,
        "in_dark_mode": null,
        "has_mini_sidebar": false,
        "has_deletion_confirmation": false,
        "mfa_setup_complete": false,
    })
}

/// Per flag: its name, value and what grants it (the role, the teams).
fn permission_sources(actor: &Actor, a: &UserAccess) -> (i64, BTreeMap<i64, (&'static str, Vec<Value>)>) {
    let base = role_flags(actor, a.role, a.user.is_superuser);
    let mut out: BTreeMap<i64, (&'static str, Vec<Value>)> = BTreeMap::new();
    let mut effective = base;
    for (name, value) in dossier_core::Capability::ALL.iter().map(|c| (c.name(), c.bit())) {
        if base & value != 0 {
            out.entry(value)
                .or_insert((name, Vec::new()))
                .1
                .push(json!({"object_type": "role", "object_name": format!("Workspace role {}", a.role.as_str())}));
        }
        for t in &a.teams {
            if t.permissions & value != 0 {
                effective |= value;
                out.entry(value).or_insert((name, Vec::new())).1.push(json!({
                    "object_type": "group",
                    "object_name": t.name,
                    "object_id": t.number,
                    "object_uuid": t.id,
                }));
            }
        }
    }
    (effective, out)
}

/// `GET /manage/users/<id>`: the user with groups, organisations, permissions, case access and
/// customers.
fn user_full(actor: &Actor, a: &UserAccess) -> Value {
    let (_, sources) = permission_sources(actor, a);
    let mut perms = Map::new();
    for (value, (name, from)) in sources {
        let names: Vec<Value> = from.iter().map(|f| f["object_name"].clone()).collect();
        perms.insert(
            value.to_string(),
            json!({"name": name, "value": value, "inherited_from": names}),
        );
    }
    let mut v = user_basic(&a.user);
    if let Value::Object(m) = &mut v {
        m.insert(
            "user_groups".into(),
            a.teams
                .iter()
                .map(|t| json!({"group_id": t.number, "group_uuid": t.id, "group_name": t.name}))
                .collect(),
        );
        m.insert(
            "user_organisations".into(),
            a.workspaces
                .iter()
                .map(|w| json!({"org_id": w.number, "org_uuid": w.id, "org_name": w.name, "is_primary_org": w.primary}))
                .collect(),
        );
        m.insert("user_permissions".into(), Value::Object(perms));
        m.insert("user_cases_access".into(), a.cases.iter().map(case_access).collect());
        m.insert(
            "user_customers".into(),
            a.customers
                .iter()
                .map(|c| json!({"customer_id": c.number, "client_uuid": c.id, "customer_name": c.name}))
                .collect(),
        );
        m.insert(
            "user_primary_organisation_id".into(),
            json!(a.primary_workspace.unwrap_or(actor.workspace_id.raw())),
        );
    }
    v
}

/// Core errors on user writes, in IRIS's words.
fn user_error(e: Error) -> IrisError {
    match e {
        Error::Validation(fields) => {
            let mut m = Map::new();
            for f in fields {
                let (field, text) = match (f.field.as_str(), f.code.as_str()) {
                    ("login", "taken") => ("user_login", "User name already taken".to_owned()),
                    ("email", "taken") => ("user_email", "User email already taken".to_owned()),
                    ("login", _) => ("user_login", f.message),
                    ("email", _) => ("user_email", f.message),
                    ("name", _) => ("user_name", f.message),
                    ("password", _) => ("user_password", f.message),
                    ("is_active", _) => {
                        return IrisError::bad("We do not recommend deactivating yourself for obvious reasons");
                    }
                    (other, _) => (other, f.message),
                };
                if let Value::Array(list) = m.entry(field.to_owned()).or_insert_with(|| json!([])) {
                    list.push(Value::String(text));
                }
            }
            IrisError::new(axum::http::StatusCode::BAD_REQUEST, "Data error", Value::Object(m))
        }
        other => IrisError::core(other, INVALID_USER),
    }
}

/// A user of the caller's workspace from a path id.
async fn member(s: &AppState, actor: &Actor, raw: &str) -> Result<User, IrisError> {
    let n = path_id(raw, INVALID_USER)?;
    s.core
        .workspace_user(actor, n)
        .await
        .map_err(|e| IrisError::core(e, INVALID_USER))
}

/// A required text field of at least two characters.
fn text2(f: &Fields, name: &str) -> Result<String, IrisError> {
    let v = f.req_str(name)?;
    if v.trim().chars().count() < 2 {
        return Err(IrisError::field(name, "Shorter than minimum length 2."));
    }
    Ok(v)
}

async fn list_users(State(s): State<AppState>, IrisUser(a): IrisUser) -> IrisResult {
    require_admin(&a)?;
    let users = s.core.workspace_users(&a).await?;
    ok("", users.iter().map(user_basic).collect::<Vec<_>>())
}

async fn list_users_restricted(State(s): State<AppState>, IrisUser(a): IrisUser) -> IrisResult {
    let users = s.core.workspace_users(&a).await?;
    ok("", users.iter().map(user_restricted).collect::<Vec<_>>())
}

async fn lookup_login(State(s): State<AppState>, IrisUser(a): IrisUser, Path(login): Path<String>) -> IrisResult {
    let u = s
        .core
        .workspace_user_by_login(&a, login.trim())
        .await
        .map_err(|e| IrisError::core(e, "Invalid login"))?;
    ok(
        "",
        json!({
            "user_id": u.number,
            "user_uuid": u.id,
            "user_login": u.login,
            "user_name": u.name,
            "user_email": u.email,
            "user_active": u.is_active,
        }),
    )
}

async fn lookup_id(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    let u = member(&s, &a, &id).await?;
    ok(
        "",
        json!({"user_id": u.number, "user_login": u.login, "user_name": u.name}),
    )
}

async fn get_user(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    require_admin(&a)?;
    let n = path_id(&id, INVALID_USER)?;
    let access = s
        .core
        .user_access(&a, n)
        .await
        .map_err(|e| IrisError::core(e, INVALID_USER))?;
    ok("", user_full(&a, &access))
}

async fn add_user(State(s): State<AppState>, IrisUser(a): IrisUser, Body(f): Body) -> IrisResult {
    require_admin(&a)?;
    let login = text2(&f, "user_login")?;
    let name = text2(&f, "user_name")?;
    let email = f.req_str("user_email")?;
    let service = f.opt_bool("user_is_service_account")?.unwrap_or(false);
    let active = f.opt_bool("active")?.unwrap_or(true);
    let password = f.opt_str("user_password")?.filter(|p| !p.is_empty());
    match &password {
        Some(p) => check_strong_password(p).map_err(user_error)?,
        None if !service => return Err(IrisError::field("user_password", "Missing data for required field.")),
        None => {}
    }
    let u = s
        .core
        .create_user(
            &a,
            NewUser {
                login,
                email,
                name,
                password,
                role: None,
                is_superuser: false,
                is_service_account: service,
            },
        )
        .await
        .map_err(user_error)?;
    let key = s
        .core
        .create_api_key(&a, Some(u.id), Some("IRIS API key".into()), false, None)
        .await?;
    let u = if active {
        u
    } else {
        let patch = UserPatch {
            is_active: Some(false),
            ..UserPatch::default()
        };
        s.core.update_user(&a, u.id, patch).await.map_err(user_error)?
    };
    let mut v = user_record(&u, a.workspace_id.raw());
    if let Value::Object(m) = &mut v {
        m.insert("user_api_key".into(), Value::String(key.secret));
    }
    ok("user created", v)
}

async fn update_user(
    State(s): State<AppState>,
    IrisUser(a): IrisUser,
    Path(id): Path<String>,
    Body(f): Body,
) -> IrisResult {
    require_admin(&a)?;
    let u = member(&s, &a, &id).await?;
    // A login is an identity: it is kept (the client sends null), and sending another is refused.
    if let Some(login) = f.opt_str("user_login")?
        && login != u.login
    {
        return Err(IrisError::field("user_login", "The login of a user cannot be changed"));
    }
    let name = match f.opt_str("user_name")? {
        Some(n) if n.trim().chars().count() < 2 => {
            return Err(IrisError::field("user_name", "Shorter than minimum length 2."));
        }
        other => other.filter(|n| *n != u.name),
    };
    let email = f.opt_str("user_email")?.filter(|e| *e != u.email);
    let password = f.opt_str("user_password")?.filter(|p| !p.is_empty());
    if let Some(p) = &password {
        check_strong_password(p).map_err(user_error)?;
    }
    let patch = UserPatch {
        email,
        name,
        password,
        is_active: None,
    };
    let u = s.core.update_user(&a, u.id, patch).await.map_err(user_error)?;
    ok("User updated", user_record(&u, a.workspace_id.raw()))
}

async fn set_active(s: &AppState, a: &Actor, id: &str, active: bool) -> Result<User, IrisError> {
    require_admin(a)?;
    let u = member(s, a, id).await?;
    let patch = UserPatch {
        is_active: Some(active),
        ..UserPatch::default()
    };
    s.core.update_user(a, u.id, patch).await.map_err(user_error)
}

async fn deactivate_user(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    let u = set_active(&s, &a, &id, false).await?;
    ok("User deactivated", user_record(&u, a.workspace_id.raw()))
}

async fn activate_user(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    let u = set_active(&s, &a, &id, true).await?;
    ok("User activated", user_record(&u, a.workspace_id.raw()))
}

async fn delete_user(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    require_admin(&a)?;
    let u = member(&s, &a, &id).await?;
    s.core.delete_user(&a, u.id).await.map_err(|e| match e {
        Error::Conflict(_) => IrisError::bad("Cannot delete active user"),
        other => IrisError::core(other, INVALID_USER),
    })?;
    done(format!("Deleted user ID {}", u.number))
}

async fn user_cases_access(
    State(s): State<AppState>,
    IrisUser(a): IrisUser,
    Path(id): Path<String>,
    Body(f): Body,
) -> IrisResult {
    require_admin(&a)?;
    let n = path_id(&id, INVALID_USER)?;
    s.core
        .workspace_user(&a, n)
        .await
        .map_err(|e| IrisError::core(e, INVALID_USER))?;
    let level = access_level(&f)?;
    let cases = cases_list(&f)?;
    let access = s
        .core
        .set_user_case_access(&a, n, &cases, level)
        .await
        .map_err(|e| match e {
            Error::NotFound { entity: "case" } => IrisError::bad("Invalid case ID"),
            other => IrisError::core(other, INVALID_USER),
        })?;
    ok("", user_full(&a, &access))
}

// ---- Access control ----

/// Who an access step comes from, as IRIS's trace names it.
fn step_origin(source: &AccessSource, user: &User) -> (Value, String) {
    match source {
        AccessSource::Role { role } => (
            json!({
                "object_type": "default_access_level",
                "object_name": format!("Workspace role {}", role.as_str()),
                "object_id": "",
                "object_uuid": "",
            }),
            format!("workspace role {}", role.as_str()),
        ),
        AccessSource::Team { number, name } => (
            json!({
                "object_type": "group_access_level",
                "object_name": name,
                "object_id": number,
                "object_uuid": "",
            }),
            format!("group {name}"),
        ),
        AccessSource::Customer => (
            json!({
                "object_type": "customer_access_level",
                "object_name": "Customer membership",
                "object_id": "",
                "object_uuid": "",
            }),
            "customer membership".to_owned(),
        ),
        AccessSource::User => (
            json!({
                "object_type": "user_access_level",
                "object_name": user.name,
                "object_id": user.number,
                "object_uuid": user.id,
            }),
            "self user access".to_owned(),
        ),
    }
}

/// One case of IRIS's access trace: every step, the one that decided marked `Effective`, the
/// others `Overwritten by <what decided>`.
fn trace_entry(t: &CaseAccessTrace, user: &User) -> Value {
    let decider = t
        .steps
        .iter()
        .find(|s| s.effective)
        .map_or_else(String::new, |s| step_origin(&s.source, user).1);
    let steps: Vec<Value> = t
        .steps
        .iter()
        .map(|s| {
            json!({
                "state": if s.effective { "Effective".to_owned() } else { format!("Overwritten by {decider}") },
                "access_list": level_list(s.level),
                "access_value": s.level.value(),
                "inherited_from": step_origin(&s.source, user).0,
            })
        })
        .collect();
    json!({
        "case_info": {"case_name": case_name(t.case_number, &t.case_title), "case_id": t.case_number},
        "user_access": steps,
        "user_effective_access": level_list(t.effective),
    })
}

async fn audit_user(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    require_admin(&a)?;
    let n = path_id(&id, INVALID_USER)?;
    let access = s
        .core
        .user_access(&a, n)
        .await
        .map_err(|e| IrisError::core(e, INVALID_USER))?;
    let traces = s
        .core
        .trace_user_access(&a, n)
        .await
        .map_err(|e| IrisError::core(e, INVALID_USER))?;
    let mut cases = Map::new();
    for t in &traces {
        cases.insert(t.case_number.to_string(), trace_entry(t, &access.user));
    }
    let (effective, sources) = permission_sources(&a, &access);
    let mut details = Map::new();
    for (value, (name, from)) in sources {
        details.insert(
            value.to_string(),
            json!({"name": name, "value": value, "inherited_from": from}),
        );
    }
    ok(
        "",
        json!({
            "access_audit": cases,
            "permissions_audit": {"details": details, "effective": effective},
        }),
    )
}

async fn recompute_user(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    require_admin(&a)?;
    member(&s, &a, &id).await?;
    // Access is computed when it is checked: there is nothing to recompute.
    done("Updated")
}

async fn recompute_all(IrisUser(a): IrisUser) -> IrisResult {
    require_admin(&a)?;
    done("Updated")
}

// ---- Groups ----

fn group_view(t: &Team) -> Value {
    json!({
        "group_id": t.number,
        "group_uuid": t.id,
        "group_name": t.name,
        "group_description": t.description.clone().unwrap_or_default(),
        "group_permissions": t.permissions,
        "group_permissions_list": permission_list(t.permissions),
        "group_auto_follow": t.auto_follow,
        "group_auto_follow_access_level": t.auto_follow_level,
        "group_members": t.members.iter().map(|m| json!({"id": m.number, "user": m.user.login, "name": m.user.name})).collect::<Vec<_>>(),
        "group_cases_access": t.case_access.iter().map(case_access).collect::<Vec<_>>(),
    })
}

/// Core errors on group writes, in IRIS's words.
fn group_error(e: Error) -> IrisError {
    match e {
        Error::Validation(fields) if fields.iter().any(|f| f.field == "name" && f.code == "taken") => {
            IrisError::field("group_name", "Group already exists")
        }
        Error::NotFound { entity: "case" } => IrisError::bad("Invalid case ID"),
        other => IrisError::core(other, INVALID_GROUP).rename(&[
            ("name", "group_name"),
            ("description", "group_description"),
            ("permissions", "group_permissions"),
        ]),
    }
}

/// `group_permissions`: a list of flags (OR-ed), or one mask.
fn group_permissions(f: &Fields) -> Result<Option<i64>, IrisError> {
    match f.raw("group_permissions") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(_)) => Ok(Some(
            f.int_list("group_permissions")?.into_iter().fold(0, |acc, v| acc | v),
        )),
        Some(_) => f.opt_int("group_permissions"),
    }
}

/// The follow-every-case settings of an add or update, if the body has them.
fn follow_change(f: &Fields) -> Result<Option<TeamAccessChange>, IrisError> {
    let Some(follow) = f.opt_bool("group_auto_follow")? else {
        return Ok(None);
    };
    if !follow {
        return Ok(Some(TeamAccessChange::Cases(Vec::new(), AccessLevel::DenyAll)));
    }
    let level = f
        .opt_int("group_auto_follow_access_level")?
        .map(|v| {
            AccessLevel::from_value(v)
                .ok_or_else(|| IrisError::field("group_auto_follow_access_level", "Invalid access level"))
        })
        .transpose()?
        .unwrap_or(AccessLevel::FullAccess);
    Ok(Some(TeamAccessChange::FollowAll(level)))
}

fn group_number(raw: &str) -> Result<i64, IrisError> {
    path_id(raw, INVALID_GROUP)
}

async fn list_groups(State(s): State<AppState>, IrisUser(a): IrisUser) -> IrisResult {
    require_admin(&a)?;
    let teams = s.core.list_teams(&a).await?;
    ok("", teams.iter().map(group_view).collect::<Vec<_>>())
}

async fn get_group(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    require_admin(&a)?;
    let t = s
        .core
        .get_team(&a, group_number(&id)?)
        .await
        .map_err(|e| IrisError::core(e, INVALID_GROUP))?;
    ok("", group_view(&t))
}

async fn add_group(State(s): State<AppState>, IrisUser(a): IrisUser, Body(f): Body) -> IrisResult {
    require_admin(&a)?;
    let name = text2(&f, "group_name")?;
    let description = f.req_str("group_description")?;
    let permissions = group_permissions(&f)?.unwrap_or(0);
    let follow = follow_change(&f)?;
    let mut t = s
        .core
        .create_team(
            &a,
            NewTeam {
                name,
                description: Some(description),
                permissions,
            },
        )
        .await
        .map_err(group_error)?;
    if let Some(change @ TeamAccessChange::FollowAll(_)) = follow {
        t = s
            .core
            .set_team_case_access(&a, t.number, change)
            .await
            .map_err(group_error)?;
    }
    ok("", group_view(&t))
}

async fn update_group(
    State(s): State<AppState>,
    IrisUser(a): IrisUser,
    Path(id): Path<String>,
    Body(f): Body,
) -> IrisResult {
    require_admin(&a)?;
    let n = group_number(&id)?;
    let name = match f.opt_str("group_name")? {
        Some(v) if v.trim().chars().count() < 2 => {
            return Err(IrisError::field("group_name", "Shorter than minimum length 2."));
        }
        other => other,
    };
    let patch = TeamPatch {
        name,
        description: f.opt_str("group_description")?.map(Some),
        permissions: group_permissions(&f)?,
    };
    let follow = follow_change(&f)?;
    let mut t = s.core.update_team(&a, n, patch).await.map_err(group_error)?;
    if let Some(change) = follow
        && (matches!(change, TeamAccessChange::FollowAll(_)) || t.auto_follow)
    {
        t = s.core.set_team_case_access(&a, n, change).await.map_err(group_error)?;
    }
    ok("", group_view(&t))
}

async fn delete_group(State(s): State<AppState>, IrisUser(a): IrisUser, Path(id): Path<String>) -> IrisResult {
    require_admin(&a)?;
    s.core.delete_team(&a, group_number(&id)?).await.map_err(group_error)?;
    done("Group deleted")
}

async fn group_members(
    State(s): State<AppState>,
    IrisUser(a): IrisUser,
    Path(id): Path<String>,
    Body(f): Body,
) -> IrisResult {
    require_admin(&a)?;
    let n = group_number(&id)?;
    if !matches!(f.raw("group_members"), Some(Value::Array(_))) {
        // An unknown group reads as such before the body is judged.
        s.core
            .get_team(&a, n)
            .await
            .map_err(|e| IrisError::core(e, INVALID_GROUP))?;
        return Err(IrisError::bad("Expecting a list of IDs"));
    }
    let members = f.int_list("group_members")?;
    let t = s.core.set_team_members(&a, n, &members).await.map_err(group_error)?;
    ok("", group_view(&t))
}

async fn group_cases_access(
    State(s): State<AppState>,
    IrisUser(a): IrisUser,
    Path(id): Path<String>,
    Body(f): Body,
) -> IrisResult {
    require_admin(&a)?;
    let n = group_number(&id)?;
    s.core
        .get_team(&a, n)
        .await
        .map_err(|e| IrisError::core(e, INVALID_GROUP))?;
    let level = access_level(&f)?;
    // IRIS reads `auto_follow_cases`; the client sends `auto_follow` (D8).
    let follow = match f.opt_bool("auto_follow_cases")? {
        Some(v) => v,
        None => f.opt_bool("auto_follow")?.unwrap_or(false),
    };
    let change = if follow {
        TeamAccessChange::FollowAll(level)
    } else {
        TeamAccessChange::Cases(cases_list(&f)?, level)
    };
    let t = s.core.set_team_case_access(&a, n, change).await.map_err(group_error)?;
    ok("", group_view(&t))
}
