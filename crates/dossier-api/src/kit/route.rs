//! Route registration that records what it registers.
//!
//! A dialect builds its routes with [`Routes`] and the [`get`], [`post`], … functions of this
//! module instead of `axum::Router` and `axum::routing::*`. Each registration adds the handler
//! to the router *and* a `(method, path)` row to a table, so the router and the table cannot
//! disagree. [`crate::route_table`] returns the rows of every mounted API.
//!
//! The native API is registered through `utoipa_axum` (`OpenApiRouter::routes`), which does the
//! same for the OpenAPI document; its table is read from that document ([`Routes::openapi`]).
//!
//! # Using the table (access matrices, completeness checks)
//!
//! ```ignore
//! for r in dossier_api::route_table() {
//!     // r.api: "native", "iris", "ops", …; r.method: GET, POST, …;
//!     // r.path: the axum template, e.g. "/case/ioc/{id}" (fill the `{…}` placeholders).
//!     let uri = r.path_with(|_name| "1".to_owned());
//!     // send `r.method` to `uri` as a user denied on the case and check the refusal
//! }
//! ```
//!
//! A route registered any other way (a bare `Router::route`) is missing from the table; the
//! test `route_table_reaches_every_handler` (tests/it/kit.rs) checks that every row reaches a
//! handler, and `every_route_lives_under_its_mount` that each row lies under its API's prefixes.

use std::convert::Infallible;

use axum::{
    Router,
    extract::Request,
    handler::Handler,
    http::Method,
    response::IntoResponse,
    routing::{MethodRouter, Route},
};
use tower::{Layer, Service};

use crate::state::AppState;

/// One registered route of one API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteInfo {
    /// The mount that serves it (`native`, `iris`, `ops`, …): [`super::mount::Mount::name`].
    pub api: &'static str,
    pub method: Method,
    /// The axum path template, e.g. `/case/ioc/{id}` or `/api/v1/cases/{id}`.
    pub path: String,
}

impl RouteInfo {
    /// The path with each `{name}` placeholder replaced by `fill(name)`.
    pub fn path_with(&self, fill: impl Fn(&str) -> String) -> String {
        let mut out = String::with_capacity(self.path.len());
        let mut rest = self.path.as_str();
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            let name = rest[open + 1..open + close].trim_start_matches('*');
            out.push_str(&fill(name));
            rest = &rest[open + close + 1..];
        }
        out.push_str(rest);
        out
    }
}

/// A method router and the methods it answers. Built by [`get`], [`post`], [`put`],
/// [`patch`], [`delete`] and [`any`], chained like axum's (`get(a).post(b)`).
pub struct Methods {
    router: MethodRouter<AppState>,
    methods: Vec<Method>,
}

/// Methods recorded for a route registered with [`any`]: the ones clients send. The route
/// answers every method; the table lists these.
pub const ANY_METHODS: [Method; 2] = [Method::GET, Method::POST];

macro_rules! method_fns {
    ($($name:ident => $method:ident),+ $(,)?) => {
        $(
            #[doc = concat!("A `", stringify!($method), "` handler.")]
            pub fn $name<H, T>(handler: H) -> Methods
            where
                H: Handler<T, AppState>,
                T: 'static,
            {
                Methods { router: axum::routing::$name(handler), methods: vec![Method::$method] }
            }
        )+

        impl Methods {
            $(
                #[doc = concat!("Adds a `", stringify!($method), "` handler.")]
                pub fn $name<H, T>(mut self, handler: H) -> Methods
                where
                    H: Handler<T, AppState>,
                    T: 'static,
                {
                    self.router = self.router.$name(handler);
                    self.methods.push(Method::$method);
                    self
                }
            )+
        }
    };
}

method_fns!(get => GET, post => POST, put => PUT, patch => PATCH, delete => DELETE);

/// A handler for every method (listed in the table as [`ANY_METHODS`]).
pub fn any<H, T>(handler: H) -> Methods
where
    H: Handler<T, AppState>,
    T: 'static,
{
    Methods {
        router: axum::routing::any(handler),
        methods: ANY_METHODS.to_vec(),
    }
}

/// A router that records every route it registers.
#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    table: Vec<(Method, String)>,
}

impl Routes {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `methods` at `path` (as `axum::Router::route`).
    pub fn route(mut self, path: &str, methods: Methods) -> Self {
        self.router = self.router.route(path, methods.router);
        self.table
            .extend(methods.methods.into_iter().map(|m| (m, path.to_owned())));
        self
    }

    /// Adds the routes of `other` (as `axum::Router::merge`).
    pub fn merge(mut self, other: Routes) -> Self {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
        self
    }

    /// Wraps the routes registered so far in `layer` (as `axum::Router::layer`).
    pub fn layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<Route> + Clone + Send + Sync + 'static,
        L::Service: Service<Request> + Clone + Send + Sync + 'static,
        <L::Service as Service<Request>>::Response: IntoResponse + 'static,
        <L::Service as Service<Request>>::Error: Into<Infallible> + 'static,
        <L::Service as Service<Request>>::Future: Send + 'static,
    {
        self.router = self.router.layer(layer);
        self
    }

    /// The routes of a `utoipa_axum` router: its table is its OpenAPI document's operations,
    /// which `OpenApiRouter::routes` records together with the axum route.
    pub fn openapi(router: utoipa_axum::router::OpenApiRouter<AppState>) -> Self {
        let (router, api) = router.split_for_parts();
        let mut table = Vec::new();
        for (path, item) in &api.paths.paths {
            let ops = [
                (Method::GET, item.get.is_some()),
                (Method::POST, item.post.is_some()),
                (Method::PUT, item.put.is_some()),
                (Method::PATCH, item.patch.is_some()),
                (Method::DELETE, item.delete.is_some()),
                (Method::HEAD, item.head.is_some()),
                (Method::OPTIONS, item.options.is_some()),
                (Method::TRACE, item.trace.is_some()),
            ];
            for (m, present) in ops {
                if present {
                    table.push((m, path.clone()));
                }
            }
        }
        Routes { router, table }
    }

    /// The router and the table, each row attributed to `api`.
    pub fn into_parts(self, api: &'static str) -> (Router<AppState>, Vec<RouteInfo>) {
        let table = self
            .table
            .into_iter()
            .map(|(method, path)| RouteInfo { api, method, path })
            .collect();
        (self.router, table)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled() {
        let r = RouteInfo {
            api: "iris",
            method: Method::GET,
            path: "/case/{kind}/{id}/comments/{comment}".into(),
        };
        assert_eq!(r.path_with(|_| "1".into()), "/case/1/1/comments/1");
        assert_eq!(
            r.path_with(|n| format!("<{n}>")),
            "/case/<kind>/<id>/comments/<comment>"
        );
        let plain = RouteInfo {
            path: "/api/ping".into(),
            ..r
        };
        assert_eq!(plain.path_with(|_| "1".into()), "/api/ping");
    }

    #[test]
    fn registration_records_methods() {
        async fn h() {}
        let (_, table) = Routes::new()
            .route("/a", get(h).post(h))
            .merge(Routes::new().route("/b/{id}", any(h)))
            .into_parts("x");
        let rows: Vec<_> = table.iter().map(|r| (r.method.as_str(), r.path.as_str())).collect();
        assert_eq!(
            rows,
            [("GET", "/a"), ("POST", "/a"), ("GET", "/b/{id}"), ("POST", "/b/{id}")]
        );
        assert!(table.iter().all(|r| r.api == "x"));
    }
}
