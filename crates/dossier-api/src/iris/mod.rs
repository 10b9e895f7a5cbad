//! The DFIR-IRIS legacy ("v1") API, mounted at the site root so that `dfir-iris-client`,
//! which takes a bare host, works unchanged. Translation only: routes, field names, lenient
//! parsing and IRIS's envelope; every rule is a core service shared with the native API.
//! The contract is `shared/reference/iris-v1.md`; `docs/compat-iris.md` lists each route's state.

mod alerts;
mod assets;
mod cases;
mod comments;
mod common;
pub mod ctx;
mod customers;
mod datastore;
mod evidences;
mod iocs;
mod notes;
mod reference;
mod search;
pub mod server;
mod tasks;
mod timeline;
mod users;
pub mod wire;

use axum::Router;

use crate::state::AppState;

/// Every IRIS route.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(server::routes())
        .merge(alerts::routes())
        .merge(assets::routes())
        .merge(cases::routes())
        .merge(comments::routes())
        .merge(customers::routes())
        .merge(datastore::routes())
        .merge(evidences::routes())
        .merge(iocs::routes())
        .merge(notes::routes())
        .merge(reference::routes())
        .merge(search::routes())
        .merge(tasks::routes())
        .merge(timeline::routes())
        .merge(users::routes())
}

/// Whether a path belongs to this dialect (for the 404/405 fallbacks): the site root, except
/// `/api/…` (the native API and its documents; IRIS has only `/api/ping` and `/api/versions`
/// there) and the operational endpoints.
pub fn owns(path: &str) -> bool {
    if path.starts_with("/api/") || path == "/api" {
        return matches!(path, "/api/ping" | "/api/versions");
    }
    !matches!(path, "/healthz" | "/readyz" | "/metrics")
}
