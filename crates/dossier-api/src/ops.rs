//! Operational endpoints: liveness, readiness, metrics, the OpenAPI document and its viewer.

use axum::{
    Json,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use serde_json::json;

use crate::state::AppState;

/// Process is up.
pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

/// Database reachable and schema current.
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.core.ready().await {
        Ok(version) => Json(json!({"status": "ready", "schema_version": version})).into_response(),
        Err(e) => {
            // The cause goes to the log only: this endpoint needs no credentials.
            tracing::warn!(error = %e, "not ready");
            let reason = match e {
                dossier_core::Error::Unavailable(m) if m.contains("schema version") => "database schema out of date",
                _ => "database unreachable",
            };
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable", "reason": reason})),
            )
                .into_response()
        }
    }
}

pub async fn metrics(State(state): State<AppState>) -> Response {
    let body = state.metrics.render(Some(state.core.pool_stats()));
    let mut res = body.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    res
}

const RAPIDOC_GZ: &[u8] = include_bytes!("../assets/rapidoc/rapidoc-min.js.gz");

pub async fn docs_page() -> Html<&'static str> {
    Html(concat!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Dossier API</title>",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        "<script type=\"module\" src=\"/api/docs/rapidoc-min.js\"></script></head><body>",
        "<rapi-doc spec-url=\"/api/openapi.json\" render-style=\"read\" show-header=\"false\" ",
        "allow-try=\"true\" regular-font=\"system-ui, sans-serif\" mono-font=\"ui-monospace, monospace\" ",
        "load-fonts=\"false\"></rapi-doc></body></html>"
    ))
}

/// The embedded viewer, served pre-compressed.
pub async fn docs_script() -> Response {
    let mut res = RAPIDOC_GZ.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    res
}
