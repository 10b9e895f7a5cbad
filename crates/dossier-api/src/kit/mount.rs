//! The registry of mounts: which API owns which path prefixes, how its routes are built and
//! how it answers a path or method it does not know.
//!
//! Every API served by the application, and every one planned (docs: "Where each API lives"),
//! is one entry of [`MOUNTS`]. A path belongs to the mount with the longest prefix it lies
//! under (`/case` holds `/case` and `/case/…`, not `/cases`). An unknown path or method under a
//! built mount gets that mount's own 404/405 body; anything else — paths no mount claims, and
//! paths under a mount that is reserved but not built yet — gets the native problem JSON.
//!
//! Adding an API is one entry here (its routes, prefixes and error shape); `crate::app` and
//! `crate::route_table` read this list and nothing else.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};

use super::route::Routes;
use crate::ApiError;

/// How an API answers a route it does not have.
#[derive(Clone, Copy)]
pub struct ErrorShape {
    /// An unknown path under the mount's prefixes.
    pub not_found: fn() -> Response,
    /// A known path with a method it does not accept.
    pub method_not_allowed: fn() -> Response,
}

/// One API and the prefixes it owns.
pub struct Mount {
    /// Short name, used in the route table (`RouteInfo::api`).
    pub name: &'static str,
    /// Human name, for messages.
    pub title: &'static str,
    /// Path prefixes, without a trailing slash. Disjoint from every other mount's.
    pub prefixes: &'static [&'static str],
    /// The API's routes; `None` for a reserved prefix whose API is not built yet.
    pub routes: Option<fn() -> Routes>,
    /// Its 404/405 bodies (ignored while `routes` is `None`: native problem JSON is answered).
    pub errors: ErrorShape,
}

/// The native API's 404/405: problem JSON.
pub const NATIVE_ERRORS: ErrorShape = ErrorShape {
    not_found: native_not_found,
    method_not_allowed: native_method_not_allowed,
};

/// Every API, built or reserved. Prefixes are disjoint (checked by a test).
pub static MOUNTS: &[Mount] = &[
    Mount {
        name: "native",
        title: "native",
        prefixes: &["/api/v1"],
        routes: Some(native_routes),
        errors: NATIVE_ERRORS,
    },
    Mount {
        name: "iris",
        title: "DFIR-IRIS",
        // Explicit: every top-level prefix of iris/*.rs. A new IRIS route outside these fails
        // `every_route_lives_under_its_mount`.
        prefixes: &[
            "/api/ping",
            "/api/versions",
            "/alerts",
            "/case",
            "/datastore",
            "/dim",
            "/global",
            "/manage",
            "/search",
            "/user",
        ],
        routes: Some(crate::iris::routes),
        errors: ErrorShape {
            not_found: crate::iris::not_found,
            method_not_allowed: crate::iris::method_not_allowed,
        },
    },
    Mount {
        name: "tracecat",
        title: "Tracecat",
        prefixes: &["/tracecat"],
        routes: Some(crate::tracecat::routes),
        errors: ErrorShape {
            not_found: crate::tracecat::not_found,
            method_not_allowed: crate::tracecat::method_not_allowed,
        },
    },
    Mount {
        name: "truu",
        title: "insider-threat case feed",
        prefixes: &["/truu"],
        routes: None,
        errors: NATIVE_ERRORS,
    },
    Mount {
        name: "ciso",
        title: "CISO Assistant",
        prefixes: &["/ciso/api"],
        routes: None,
        errors: NATIVE_ERRORS,
    },
    Mount {
        name: "casebender",
        title: "CaseBender",
        prefixes: &["/casebender/api"],
        routes: None,
        errors: NATIVE_ERRORS,
    },
    Mount {
        name: "thehive",
        title: "TheHive",
        prefixes: &["/thehive"],
        routes: None,
        errors: NATIVE_ERRORS,
    },
    Mount {
        name: "ui",
        title: "web console",
        prefixes: &["/ui"],
        routes: None,
        errors: NATIVE_ERRORS,
    },
];

fn native_routes() -> Routes {
    Routes::openapi(crate::native::router())
}

/// Whether `path` is `prefix` or lies below it.
pub fn is_under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The mount that owns `path` (longest prefix), if any.
pub fn owner(path: &str) -> Option<&'static Mount> {
    MOUNTS
        .iter()
        .flat_map(|m| m.prefixes.iter().map(move |p| (m, *p)))
        .filter(|(_, p)| is_under(path, p))
        .max_by_key(|(_, p)| p.len())
        .map(|(m, _)| m)
}

impl Mount {
    pub fn is_built(&self) -> bool {
        self.routes.is_some()
    }

    fn not_found(&self) -> Response {
        if self.is_built() {
            return (self.errors.not_found)();
        }
        ApiError::new(
            StatusCode::NOT_FOUND,
            "route_not_found",
            format!("no such route: the {} API is not served by this server yet", self.title),
        )
        .into_response()
    }

    fn method_not_allowed(&self) -> Response {
        if self.is_built() {
            return (self.errors.method_not_allowed)();
        }
        native_method_not_allowed()
    }
}

/// Marks a response made by the router's 404/405 fallback (no handler was reached), in the
/// response's extensions: never sent on the wire, visible to in-process tests (the route table
/// test checks that no listed route gets it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unmatched;

fn unmatched(mut res: Response) -> Response {
    res.extensions_mut().insert(Unmatched);
    res
}

/// The 404 for `path`, in the shape of the API that owns it.
pub fn not_found(path: &str) -> Response {
    unmatched(owner(path).map_or_else(native_not_found, Mount::not_found))
}

/// The 405 for `path`, in the shape of the API that owns it.
pub fn method_not_allowed(path: &str) -> Response {
    unmatched(owner(path).map_or_else(native_method_not_allowed, Mount::method_not_allowed))
}

fn native_not_found() -> Response {
    ApiError::new(StatusCode::NOT_FOUND, "route_not_found", "no such route").into_response()
}

fn native_method_not_allowed() -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this route does not accept that method",
    )
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_disjoint_and_well_formed() {
        let all: Vec<(&str, &str)> = MOUNTS
            .iter()
            .flat_map(|m| m.prefixes.iter().map(move |p| (m.name, *p)))
            .collect();
        for (i, (a, pa)) in all.iter().enumerate() {
            assert!(pa.starts_with('/') && !pa.ends_with('/'), "{a}: {pa}");
            for (b, pb) in &all[i + 1..] {
                assert!(!is_under(pa, pb) && !is_under(pb, pa), "{a} {pa} and {b} {pb} overlap");
            }
        }
        let mut names: Vec<_> = MOUNTS.iter().map(|m| m.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), MOUNTS.len(), "mount names are unique");
    }

    #[test]
    fn paths_find_their_owner() {
        let name = |p: &str| owner(p).map(|m| m.name);
        assert_eq!(name("/api/v1/cases"), Some("native"));
        assert_eq!(name("/api/v1"), Some("native"));
        assert_eq!(name("/api/v10"), None);
        assert_eq!(name("/api/ping"), Some("iris"));
        assert_eq!(name("/api/pings"), None);
        assert_eq!(name("/api/openapi.json"), None);
        assert_eq!(name("/case/ioc/list"), Some("iris"));
        assert_eq!(name("/cases"), None);
        assert_eq!(name("/manage"), Some("iris"));
        assert_eq!(name("/tracecat/cases"), Some("tracecat"));
        assert_eq!(name("/ciso/api/incidents/"), Some("ciso"));
        assert_eq!(name("/ciso"), None);
        assert_eq!(name("/healthz"), None);
        assert_eq!(name("/"), None);
        assert_eq!(name("/nope"), None);
    }
}
