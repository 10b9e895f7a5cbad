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
mod fields;
mod iocs;
mod mapping;
mod notes;
mod reference;
mod search;
pub mod server;
mod tasks;
mod timeline;
mod users;
pub mod wire;

use axum::response::{IntoResponse as _, Response};

use crate::kit::route::Routes;

/// Every IRIS route. Its prefixes are the `iris` entry of [`crate::kit::mount::MOUNTS`].
pub fn routes() -> Routes {
    Routes::new()
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

/// An unknown path under IRIS's prefixes: `404 Resource not found` in the envelope.
pub fn not_found() -> Response {
    wire::IrisError::not_found().into_response()
}

/// A known IRIS path with another method: `405 Method not allowed` in the envelope.
pub fn method_not_allowed() -> Response {
    wire::IrisError::method_not_allowed().into_response()
}
