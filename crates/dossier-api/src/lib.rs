//! HTTP: the native API, the dialects, operational endpoints and middleware.

pub mod error;
pub mod extract;
pub mod iris;
pub mod kit;
pub mod metrics;
pub mod native;
pub mod ops;
pub mod state;
pub mod tracecat;

use std::sync::Arc;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    http::{HeaderName, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use tower_http::{
    catch_panic::CatchPanicLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};

pub use error::{ApiError, ApiResult};
pub use state::{ApiConfig, AppState};

/// Name of the session cookie set by `POST /api/v1/auth/login`.
pub const SESSION_COOKIE: &str = "dossier_session";

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The OpenAPI document of the native API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    native::router().into_openapi()
}

/// The operational endpoints and the native API's documents (outside every mount: their
/// errors are native problem JSON).
fn ops_routes(spec: Arc<String>) -> kit::route::Routes {
    use kit::route::{Routes, get};
    Routes::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route(
            "/api/openapi.json",
            get(move || {
                let spec = Arc::clone(&spec);
                async move { ([(header::CONTENT_TYPE, "application/json")], spec.as_str().to_owned()) }
            }),
        )
        .route("/api/docs", get(ops::docs_page))
        .route("/api/docs/", get(ops::docs_page))
        .route("/api/docs/rapidoc-min.js", get(ops::docs_script))
}

/// The name of the operational endpoints in [`route_table`].
pub const OPS: &str = "ops";

/// Every API's router and route table, built by the same registration calls: each built mount
/// of [`kit::mount::MOUNTS`], then the operational endpoints.
fn mounted(spec: Arc<String>) -> (Router<AppState>, Vec<kit::route::RouteInfo>) {
    let mut router = Router::new();
    let mut table = Vec::new();
    for m in kit::mount::MOUNTS {
        if let Some(build) = m.routes {
            let (r, t) = build().into_parts(m.name);
            router = router.merge(r);
            table.extend(t);
        }
    }
    let (r, t) = ops_routes(spec).into_parts(OPS);
    (router.merge(r), [table, t].concat())
}

/// Every route of every mounted API and of the operational endpoints: `(api, method, path
/// template)`, from the calls that build [`app`]'s router — a route cannot be served without
/// being listed. See [`kit::route`] for how to walk it (access matrices, completeness tests).
pub fn route_table() -> Vec<kit::route::RouteInfo> {
    mounted(Arc::new(String::new())).1
}

/// The whole application: every API, the ops endpoints and the middleware stack.
pub fn app(state: AppState) -> Router {
    let spec = Arc::new(serde_json::to_string(&openapi()).unwrap_or_else(|_| "{}".into()));
    let limit = state.config.max_body_bytes;
    let timeout = state.config.request_timeout;
    let inner = mounted(spec)
        .0
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn_with_state(timeout, deadline))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                let id = req
                    .headers()
                    .get(&REQUEST_ID)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", method = %req.method(), uri = %req.uri().path(), request_id = %id)
            }),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid))
        .with_state(state);
    // Runs before routing: the IRIS client builds paths like `//manage/customers/list`.
    Router::new().fallback_service(tower::Layer::layer(
        &axum::middleware::map_request(collapse_slashes),
        inner,
    ))
}

/// Collapses repeated slashes in the path (`//manage//x` → `/manage/x`); the query is kept.
async fn collapse_slashes(mut req: axum::extract::Request) -> axum::extract::Request {
    let uri = req.uri();
    if !uri.path().contains("//") {
        return req;
    }
    let mut path = String::with_capacity(uri.path().len());
    for c in uri.path().chars() {
        if !(c == '/' && path.ends_with('/')) {
            path.push(c);
        }
    }
    let pq = match uri.query() {
        Some(q) => format!("{path}?{q}"),
        None => path,
    };
    let mut parts = uri.clone().into_parts();
    if let Ok(p) = pq.parse() {
        parts.path_and_query = Some(p);
        if let Ok(u) = axum::http::Uri::from_parts(parts) {
            *req.uri_mut() = u;
        }
    }
    req
}

/// Answers 503 (problem JSON) when a request runs past the deadline. Writes it had queued
/// still commit; the client is told to retry.
async fn deadline(
    axum::extract::State(limit): axum::extract::State<std::time::Duration>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    // A streamed upload is bounded by its size limit and keeps making progress; the deadline
    // is for requests that stall.
    let streamed = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/"));
    if streamed {
        return next.run(req).await;
    }
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => {
            tracing::warn!(timeout_ms = limit.as_millis() as u64, "request timed out");
            let mut e = ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
                "the request took too long; retry shortly",
            );
            e.retry_after = Some(1);
            e.into_response()
        }
    }
}

/// An unknown path: the owning mount's 404 (native problem JSON outside every mount).
async fn not_found(uri: axum::http::Uri) -> Response {
    kit::mount::not_found(uri.path())
}

/// A known path with another method: the owning mount's 405.
async fn method_not_allowed(uri: axum::http::Uri) -> Response {
    kit::mount::method_not_allowed(uri.path())
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    let mut res = ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "an internal error occurred",
    )
    .into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The OpenAPI document's header: title, version and the accepted credentials.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "Dossier native API", description = "Security case management: cases, alerts, comments, audit trail."),
    modifiers(&SecuritySchemes),
    security(("bearer" = []), ("api_key" = []), ("session" = []))
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
        let c = api.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        c.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-API-Key"))),
        );
        c.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(SESSION_COOKIE))),
        );
    }
}

/// The spec as JSON text, for `dossier openapi`.
pub fn openapi_json() -> String {
    serde_json::to_string_pretty(&openapi()).unwrap_or_default()
}
