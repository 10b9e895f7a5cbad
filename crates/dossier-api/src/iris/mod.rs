//! The DFIR-IRIS legacy ("v1") API, mounted at the site root so that `dfir-iris-client`,
//! which takes a bare host, works unchanged. Translation only: routes, field names, lenient
//! parsing and IRIS's envelope; every rule is a core service shared with the native API.
//! The contract is `shared/reference/iris-v1.md`; `docs/compat-iris.md` lists each route's state.

pub mod ctx;
pub mod server;
pub mod wire;

use axum::Router;

use crate::state::AppState;

/// Every IRIS route.
pub fn router() -> Router<AppState> {
    Router::new().merge(server::routes())
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
