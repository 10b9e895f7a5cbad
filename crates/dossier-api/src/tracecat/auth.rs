//! `POST /auth/login` (form-encoded, 204 and the `fastapiusersauth` cookie) and
//! `POST /auth/logout`.

use std::net::SocketAddr;

use axum::{
    Json,
    body::Bytes,
    extract::{ConnectInfo, State},
    http::{HeaderValue, StatusCode, header, request::Parts},
    response::IntoResponse,
};
use serde_json::json;

use super::wire::{Detail, TcError, TcResult};
use crate::{extract::presented_secret, state::AppState};

/// The cookie Tracecat's clients keep.
pub const COOKIE: &str = "fastapiusersauth";

pub async fn login(State(s): State<AppState>, parts: Parts, body: Bytes) -> TcResult {
    let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let (username, password) = (get("username"), get("password"));
    let mut missing = Vec::new();
    for (name, v) in [("username", &username), ("password", &password)] {
        if v.is_none() {
            missing.push(Detail::missing(&["body", name]));
        }
    }
    if !missing.is_empty() {
        return Err(TcError::Invalid(missing));
    }
    let addr = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let out = s
        .core
        .login(
            &username.unwrap_or_default(),
            &password.unwrap_or_default(),
            addr.as_deref(),
        )
        .await
        .map_err(|e| match e {
            dossier_core::Error::Unauthenticated | dossier_core::Error::Validation(_) => {
                TcError::bad("LOGIN_BAD_CREDENTIALS")
            }
            other => TcError::from(other),
        })?;
    let max_age = (out.expires_at - dossier_core::time::now_us()) / 1_000_000;
    let secure = if s.config.secure_cookies { "; Secure" } else { "" };
    let mut res = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        out.token
    )) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}

pub async fn logout(State(s): State<AppState>, parts: Parts) -> TcResult {
    let Some(secret) = presented_secret(&parts) else {
        return Ok((StatusCode::UNAUTHORIZED, Json(json!({"detail": "Unauthorized"}))).into_response());
    };
    if s.core
        .authenticate(&secret, None, dossier_core::Via::Tracecat)
        .await
        .is_err()
    {
        return Ok((StatusCode::UNAUTHORIZED, Json(json!({"detail": "Unauthorized"}))).into_response());
    }
    s.core.logout(&secret).await?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("{COOKIE}=\"\"; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}
