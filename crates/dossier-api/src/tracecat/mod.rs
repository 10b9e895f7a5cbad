//! The Tracecat cases API under `/tracecat`: the seed's case router (L0: bare-array list,
//! case CRUD, comments, custom case fields, cookie login), L1's assignee and search, L2's
//! activity feed, and L3's `/workspaces/{workspace_id}/cases…` paths with the cursor envelope.
//! Translation only; every rule is a core service. Contract: `shared/reference/tracecat.md`;
//! route states: `docs/compat-tracecat.md`.

mod auth;
mod cases;
mod comments;
pub mod ctx;
mod fields;
mod mapping;
pub mod wire;

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};

use crate::kit::route::{Routes, get, patch, post};

/// Every Tracecat route, at the seed's paths and at the workspace-scoped ones.
pub fn routes() -> Routes {
    let mut r = Routes::new()
        .route("/tracecat/auth/login", post(auth::login))
        .route("/tracecat/auth/logout", post(auth::logout))
        .route("/tracecat/case-fields", get(fields::list).post(fields::create))
        .route(
            "/tracecat/case-fields/{field_id}",
            patch(fields::update).delete(fields::delete),
        );
    for base in ["/tracecat/cases", "/tracecat/workspaces/{workspace_id}/cases"] {
        r = r
            .route(base, get(cases::list).post(cases::create))
            .route(&format!("{base}/search"), get(cases::search))
            .route(
                &format!("{base}/{{case_id}}"),
                get(cases::get_one).patch(cases::update).delete(cases::delete),
            )
            .route(&format!("{base}/{{case_id}}/events"), get(cases::events))
            .route(
                &format!("{base}/{{case_id}}/comments"),
                get(comments::list).post(comments::create),
            )
            .route(
                &format!("{base}/{{case_id}}/comments/{{comment_id}}"),
                patch(comments::update).delete(comments::delete),
            );
    }
    r
}

/// An unknown path under `/tracecat`: FastAPI's `{"detail": "Not Found"}`.
pub fn not_found() -> Response {
    wire::TcError::not_found("Not Found").into_response()
}

/// A known path with another method: `{"detail": "Method Not Allowed"}`.
pub fn method_not_allowed() -> Response {
    wire::TcError::Status(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed".into()).into_response()
}
