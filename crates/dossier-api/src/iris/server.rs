//! Handshake and the caller's own permissions: `/api/ping`, `/api/versions`,
//! `/user/has-permission`, `/user/is-admin`.

use crate::kit::route::{Routes, get, post};
use axum::extract::State;
use dossier_core::{Actor, model::Role};
use serde_json::json;

use super::{
    ctx::{Body, IrisUser},
    wire::{IrisError, IrisResult, done, ok},
};
use crate::state::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/ping", get(ping))
        .route("/api/versions", get(versions))
        .route("/user/has-permission", post(has_permission))
        .route("/user/is-admin", get(is_admin))
}

/// IRIS global permission flags.
pub const PERMISSIONS: [(&str, i64); 12] = [
    ("standard_user", 0x1),
    ("server_administrator", 0x2),
    ("alerts_read", 0x4),
    ("alerts_write", 0x8),
    ("alerts_delete", 0x10),
    ("search_across_cases", 0x20),
    ("customers_read", 0x40),
    ("customers_write", 0x80),
    ("case_templates_read", 0x100),
    ("case_templates_write", 0x200),
    ("activities_read", 0x400),
    ("all_activities_read", 0x800),
];

/// The flags a caller holds: its workspace role's baseline (admin 4095; analyst 1133; viewer
/// 1093), and every flag for a server administrator.
pub fn permissions(actor: &Actor) -> i64 {
    if actor.is_superuser {
        return 4095;
    }
    match actor.role {
        Role::Admin => 4095,
        Role::Analyst => 1133,
        Role::Viewer => 1093,
    }
}

/// The caller's flags: its role's baseline OR the flags of its groups.
pub async fn caller_flags(s: &AppState, actor: &Actor) -> Result<i64, IrisError> {
    Ok(permissions(actor) | s.core.team_flags(actor).await?)
}

/// The caller must hold `flag` (its role's baseline or one of its groups'): else 403.
pub async fn require_flag(s: &AppState, actor: &Actor, flag: i64) -> Result<(), IrisError> {
    if caller_flags(s, actor).await? & flag == 0 {
        return Err(IrisError::denied());
    }
    Ok(())
}

/// `(name, value)` pairs of the flags set in `mask`.
pub fn permission_list(mask: i64) -> Vec<serde_json::Value> {
    PERMISSIONS
        .iter()
        .filter(|(_, v)| mask & v != 0)
        .map(|(n, v)| json!({"name": n, "value": v}))
        .collect()
}

async fn ping(IrisUser(_): IrisUser) -> IrisResult {
    done("pong")
}

async fn versions(State(s): State<AppState>, IrisUser(_): IrisUser) -> IrisResult {
    let c = &s.config;
    ok(
        "",
        json!({"iris_current": c.iris_version, "api_min": c.iris_api_min, "api_current": c.iris_api_current}),
    )
}

async fn has_permission(State(s): State<AppState>, IrisUser(actor): IrisUser, Body(f): Body) -> IrisResult {
    let name = f.req_str("permission_name")?;
    let value = f.req_int("permission_value")?;
    let Some((_, flag)) = PERMISSIONS.iter().find(|(n, _)| *n == name) else {
        return Err(IrisError::field("permission_name", "Invalid permission name"));
    };
    if *flag != value {
        return Err(IrisError::field(
            "permission_value",
            "Permission value does not match its name",
        ));
    }
    if caller_flags(&s, &actor).await? & flag != 0 {
        done("User has permission")
    } else {
        Err(IrisError::new(
            axum::http::StatusCode::FORBIDDEN,
            "User does not have permission",
            json!([]),
        ))
    }
}

async fn is_admin(IrisUser(_): IrisUser) -> IrisResult {
    Err(IrisError::gone(
        "Endpoint deprecated in v1.5.0. Use /user/has-permission instead.",
    ))
}
