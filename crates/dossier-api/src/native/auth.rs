//! `/api/v1/auth`: password login to a session cookie (also usable as a bearer token).

use std::net::SocketAddr;

use axum::{
    Json,
    extract::{ConnectInfo, State},
    http::{HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use dossier_core::model::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::{
    SESSION_COOKIE,
    error::{ApiResult, Problem},
    extract::{JsonBody, presented_secret},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(login)).routes(routes!(logout))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    /// Login name or email.
    pub login: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Session {
    /// Also set as the `dossier_session` cookie; may be sent as a bearer token.
    pub token: String,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
    pub user_id: Uuid,
}

/// The client address: the connection's peer (proxies' headers are not trusted).
fn peer(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

fn cookie(state: &AppState, value: &str, max_age: i64) -> Option<HeaderValue> {
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .ok()
}

/// Log in with a password. Failed attempts are limited per account and per address (429).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = Login, security(()),
    responses((status = 200, body = Session), (status = 401, body = Problem), (status = 429, body = Problem)))]
async fn login(State(s): State<AppState>, parts: Parts, JsonBody(body): JsonBody<Login>) -> ApiResult<Response> {
    let addr = peer(&parts);
    let out = s.core.login(&body.login, &body.password, addr.as_deref()).await?;
    let max_age = (out.expires_at - dossier_core::time::now_us()) / 1_000_000;
    let session = Session {
        token: out.token.clone(),
        expires_at: Timestamp(out.expires_at),
        user_id: out.user_id,
    };
    let mut res = Json(session).into_response();
    if let Some(c) = cookie(&s, &out.token, max_age) {
        res.headers_mut().insert(header::SET_COOKIE, c);
    }
    Ok(res)
}

/// End the session (or revoke the presented key).
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204, description = "Logged out"), (status = 401, body = Problem)))]
async fn logout(State(s): State<AppState>, parts: Parts) -> ApiResult<Response> {
    let secret = presented_secret(&parts).ok_or(dossier_core::Error::Unauthenticated)?;
    // Authenticate first so that logout cannot be used to probe for keys.
    s.core.authenticate(&secret, None, dossier_core::Via::Native).await?;
    s.core.logout(&secret).await?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    if let Some(c) = cookie(&s, "", 0) {
        res.headers_mut().insert(header::SET_COOKIE, c);
    }
    Ok(res)
}
