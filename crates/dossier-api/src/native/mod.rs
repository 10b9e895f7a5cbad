//! The native API under `/api/v1`: one module per resource. Handlers extract, call one core
//! service, and shape the response; no rule lives here.

mod alerts;
mod assets;
mod auth;
mod cases;
mod comments;
mod custom_fields;
mod customers;
mod evidence;
mod me;
mod notes;
mod observables;
mod reference;
mod search;
mod tasks;
mod templates;
mod timeline;
mod users;
mod workspaces;

use axum::http::{HeaderMap, header};
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;

use crate::{ApiDoc, error::ApiError, extract::QueryMap, state::AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(auth::router())
        .merge(me::router())
        .merge(cases::router())
        .merge(alerts::router())
        .merge(comments::router())
        .merge(workspaces::router())
        .merge(users::router())
        .merge(custom_fields::router())
        .merge(customers::router())
        .merge(reference::router())
        .merge(observables::router())
        .merge(assets::router())
        .merge(tasks::router())
        .merge(templates::router())
        .merge(notes::router())
        .merge(timeline::router())
        .merge(evidence::router())
        .merge(search::router())
}

/// `If-Match: "3"` (or `W/"3"`, or `3`) as a version number.
pub(crate) fn if_match(headers: &HeaderMap) -> Result<Option<i32>, ApiError> {
    let Some(v) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let s = v
        .to_str()
        .unwrap_or("")
        .trim()
        .trim_start_matches("W/")
        .trim_matches('"');
    s.parse::<i32>().map(Some).map_err(|_| {
        ApiError::field(
            "If-Match",
            "invalid",
            "If-Match must hold the version number read, like \"3\"",
        )
    })
}

/// `cursor` and `limit` of a list.
pub(crate) fn paging(q: &QueryMap) -> Result<(Option<String>, u32), ApiError> {
    let limit = q
        .int::<u32>("limit", 1, i64::from(dossier_core::MAX_LIMIT))?
        .unwrap_or(dossier_core::DEFAULT_LIMIT);
    Ok((q.get("cursor").map(str::to_owned), limit))
}
