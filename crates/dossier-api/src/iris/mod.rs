//! The DFIR-IRIS legacy ("v1") API, mounted at the site root so that `dfir-iris-client`,
//! which takes a bare host, works unchanged. Translation only: routes, field names, lenient
//! parsing and IRIS's envelope; every rule is a core service shared with the native API.
//! The contract is `shared/reference/iris-v1.md`; `docs/compat-iris.md` lists each route's state.

mod alerts;
mod assets;
mod cases;
mod comments;
mod customers;
mod datastore;
mod evidences;
mod iocs;
mod notes;
mod reference;
mod search;
mod tasks;
mod timeline;
mod users;
pub mod ctx;
pub mod server;
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

/// Whether a path belongs to this dialect (for the 404/405 fallbacks): everything but the
/// native API and the operational endpoints.
pub fn owns(path: &str) -> bool {
    !(path.starts_with("/api/v1/")
        || path == "/api/v1"
        || path.starts_with("/api/docs")
        || path == "/api/openapi.json"
        || matches!(path, "/healthz" | "/readyz" | "/metrics"))
}
