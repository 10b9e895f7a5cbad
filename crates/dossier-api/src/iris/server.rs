//! Handshake and the caller's own permissions: `/api/ping`, `/api/versions`,
//! `/user/has-permission`, `/user/is-admin`.

use axum::extract::State;
use dossier_core::{Actor, Capability};

use crate::kit::route::{Routes, get, post};
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

/// The caller's flags: its role's baseline OR the flags of its groups (a core rule).
pub async fn caller_flags(s: &AppState, actor: &Actor) -> Result<i64, IrisError> {
    Ok(s.core.capabilities(actor).await?)
}

/// `(name, value)` pairs of the flags set in `mask`.
pub fn permission_list(mask: i64) -> Vec<serde_json::Value> {
    Capability::ALL
        .iter()
        .filter(|c| mask & c.bit() != 0)
        .map(|c| json!({"name": c.name(), "value": c.bit()}))
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
    let Some(flag) = Capability::ALL
        .iter()
        .map(|c| (c.name(), c.bit()))
        .find(|(n, _)| *n == name)
        .map(|(_, b)| b)
    else {
        return Err(IrisError::field("permission_name", "Invalid permission name"));
    };
    if flag != value {
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
