//! Operational endpoints: health, readiness, metrics, request ids, the OpenAPI document and
//! its viewer, and the problem JSON of unknown routes and methods.

use axum::{
    body::Body,
    http::{Request, header},
};
use dossier_core::Backend;
use http_body_util::BodyExt as _;
use serde_json::json;
use tower::ServiceExt as _;

use crate::{both, harness::TestApp};

both!(
    health_and_readiness,
    metrics_count_requests_by_route,
    request_ids_are_set_and_echoed,
    openapi_lists_every_native_route,
    docs_page_and_compressed_viewer,
    unknown_route_and_wrong_method_are_problems
);

async fn health_and_readiness(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    // Neither needs credentials.
    let h = app.call("GET", "/healthz", &[], None).await.expect(200);
    assert_eq!(h.body, json!({"status": "ok"}));
    let r = app.call("GET", "/readyz", &[], None).await.expect(200);
    assert_eq!(r.body["status"], "ready");
    assert_eq!(r.body["schema_version"], dossier_core::schema_version());
    assert!(dossier_core::schema_version() >= 2);
}

/// The value of the first sample line starting with `prefix`.
fn sample(text: &str, prefix: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(prefix))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

async fn metrics_count_requests_by_route(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.admin("GET", "/api/v1/cases", None).await.expect(200);
    app.admin("GET", "/api/v1/cases", None).await.expect(200);
    app.admin("POST", "/api/v1/cases", Some(json!({"title": "m"})))
        .await
        .expect(201);
    app.admin("GET", "/api/v1/cases/1", None).await.expect(200);
    app.call("GET", "/api/v1/cases", &[], None).await.expect(401);
    let m = app.call("GET", "/metrics", &[], None).await.expect(200);
    assert!(
        m.header("content-type").is_some_and(|c| c.starts_with("text/plain")),
        "{:?}",
        m.headers
    );
    let t = &m.text;
    assert!(t.contains("# TYPE dossier_http_requests_total counter"), "{t}");
    assert!(
        t.contains("# TYPE dossier_http_request_duration_seconds histogram"),
        "{t}"
    );
    assert_eq!(
        sample(
            t,
            r#"dossier_http_requests_total{method="GET",route="/api/v1/cases",status="200"}"#
        ),
        Some(2.0),
        "{t}"
    );
    assert_eq!(
        sample(
            t,
            r#"dossier_http_requests_total{method="POST",route="/api/v1/cases",status="201"}"#
        ),
        Some(1.0),
        "{t}"
    );
    assert_eq!(
        sample(
            t,
            r#"dossier_http_requests_total{method="GET",route="/api/v1/cases",status="401"}"#
        ),
        Some(1.0),
        "{t}"
    );
    // Labelled by the route template, not the concrete path.
    assert_eq!(
        sample(
            t,
            r#"dossier_http_requests_total{method="GET",route="/api/v1/cases/{id}",status="200"}"#
        ),
        Some(1.0),
        "{t}"
    );
    assert!(!t.contains(r#"route="/api/v1/cases/1""#), "{t}");
    assert!(
        t.contains(r#"dossier_http_request_duration_seconds_bucket{method="GET",route="/api/v1/cases",le="+Inf"} 3"#),
        "{t}"
    );
    assert!(
        t.contains(r#"dossier_http_request_duration_seconds_count{method="GET",route="/api/v1/cases"} 3"#),
        "{t}"
    );
    assert!(t.contains("dossier_db_connections_max "), "{t}");
    assert!(t.contains("dossier_uptime_seconds "), "{t}");
}

async fn request_ids_are_set_and_echoed(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let mut seen = Vec::new();
    for r in [
        app.call("GET", "/healthz", &[], None).await.expect(200),
        app.admin("GET", "/api/v1/me", None).await.expect(200),
        app.call("GET", "/api/v1/me", &[], None).await.expect(401),
        app.call("GET", "/nope", &[], None).await.expect(404),
    ] {
        let id = r.header("x-request-id").expect("x-request-id").to_owned();
        assert!(!id.is_empty());
        seen.push(id);
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "each request gets its own id");

    let r = app
        .call("GET", "/healthz", &[("x-request-id", "client-chosen-42")], None)
        .await
        .expect(200);
    assert_eq!(r.header("x-request-id"), Some("client-chosen-42"));

    // The id a client sends is the one the audit trail records.
    let h = [
        ("authorization", format!("Bearer {}", crate::harness::ADMIN_KEY)),
        ("x-request-id", "trace-me-7".to_owned()),
    ];
    let hs: Vec<(&str, &str)> = h.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let c = app
        .call("POST", "/api/v1/cases", &hs, Some(r#"{"title":"traced"}"#))
        .await
        .expect(201);
    assert_eq!(c.header("x-request-id"), Some("trace-me-7"));
    let a = app.admin("GET", "/api/v1/cases/1/activity", None).await.expect(200);
    assert_eq!(a.body["items"][0]["request_id"], "trace-me-7");
}

const NATIVE_ROUTES: &[&str] = &[
    "/api/v1/alerts",
    "/api/v1/alerts/batch",
    "/api/v1/alerts/{id}",
    "/api/v1/alerts/{id}/activity",
    "/api/v1/alerts/{id}/comments",
    "/api/v1/alerts/{id}/merge",
    "/api/v1/alerts/{id}/observables",
    "/api/v1/alerts/{id}/promote",
    "/api/v1/api-keys",
    "/api/v1/api-keys/{id}",
    "/api/v1/assets",
    "/api/v1/assets/{id}",
    "/api/v1/assets/{id}/cases",
    "/api/v1/auth/login",
    "/api/v1/auth/logout",
    "/api/v1/case-templates",
    "/api/v1/case-templates/{id}",
    "/api/v1/cases",
    "/api/v1/cases/batch",
    "/api/v1/cases/{case}/assets/{id}/comments",
    "/api/v1/cases/{case}/observables/{id}/comments",
    "/api/v1/cases/{id}",
    "/api/v1/cases/{id}/activity",
    "/api/v1/cases/{id}/assets",
    "/api/v1/cases/{id}/assets/{asset_id}",
    "/api/v1/cases/{id}/comments",
    "/api/v1/cases/{id}/evidence",
    "/api/v1/cases/{id}/note-directories",
    "/api/v1/cases/{id}/notes",
    "/api/v1/cases/{id}/observables",
    "/api/v1/cases/{id}/observables/{observable_id}",
    "/api/v1/cases/{id}/related",
    "/api/v1/cases/{id}/summary-versions",
    "/api/v1/cases/{id}/tasks",
    "/api/v1/cases/{id}/timeline",
    "/api/v1/comments/{id}",
    "/api/v1/custom-fields",
    "/api/v1/custom-fields/{id}",
    "/api/v1/customers",
    "/api/v1/customers/{id}",
    "/api/v1/evidence/{id}",
    "/api/v1/evidence/{id}/comments",
    "/api/v1/evidence/{id}/download",
    "/api/v1/me",
    "/api/v1/note-directories/{id}",
    "/api/v1/notes/{id}",
    "/api/v1/notes/{id}/comments",
    "/api/v1/notes/{id}/revisions",
    "/api/v1/observables",
    "/api/v1/observables/{id}",
    "/api/v1/observables/{id}/cases",
    "/api/v1/reference/observable-types/{id}",
    "/api/v1/reference/{kind}",
    "/api/v1/search",
    "/api/v1/tasks",
    "/api/v1/tasks/{id}",
    "/api/v1/tasks/{id}/activity",
    "/api/v1/tasks/{id}/comments",
    "/api/v1/timeline/{id}",
    "/api/v1/timeline/{id}/comments",
    "/api/v1/users",
    "/api/v1/users/{id}",
    "/api/v1/workspaces",
    "/api/v1/workspaces/{id}",
    "/api/v1/workspaces/{id}/members",
    "/api/v1/workspaces/{id}/members/{user_id}",
];

async fn openapi_lists_every_native_route(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let r = app.call("GET", "/api/openapi.json", &[], None).await.expect(200);
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.starts_with("application/json"))
    );
    let doc = &r.body;
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")),
        "{}",
        doc["openapi"]
    );
    assert!(doc["info"]["title"].is_string());
    let paths = doc["paths"].as_object().expect("paths");
    let got: Vec<&str> = paths.keys().map(String::as_str).collect();
    let missing: Vec<&&str> = NATIVE_ROUTES.iter().filter(|r| !got.contains(r)).collect();
    assert!(missing.is_empty(), "routes missing from the document: {missing:?}");
    assert!(
        got.iter().all(|p| p.starts_with("/api/v1/")),
        "only native routes are documented: {got:?}"
    );
    // Spot-check the methods of a few routes.
    let methods = |p: &str| -> Vec<String> {
        let mut m: Vec<String> = paths[p].as_object().unwrap().keys().cloned().collect();
        m.retain(|k| ["get", "post", "put", "patch", "delete"].contains(&k.as_str()));
        m.sort();
        m
    };
    assert_eq!(methods("/api/v1/cases"), ["get", "post"]);
    assert_eq!(methods("/api/v1/cases/{id}"), ["delete", "get", "patch"]);
    assert_eq!(methods("/api/v1/alerts/{id}"), ["get", "patch"]);
    assert_eq!(methods("/api/v1/comments/{id}"), ["delete", "patch"]);
    assert_eq!(methods("/api/v1/workspaces/{id}/members/{user_id}"), ["delete", "put"]);
    let schemes = doc["components"]["securitySchemes"]
        .as_object()
        .expect("securitySchemes");
    assert_eq!(schemes["bearer"]["type"], "http");
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["api_key"]["in"], "header");
    assert_eq!(schemes["api_key"]["name"], "X-API-Key");
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["session"]["name"], "dossier_session");
    // The document matches the one `dossier openapi` prints.
    let printed: serde_json::Value = serde_json::from_str(&dossier_api::openapi_json()).unwrap();
    assert_eq!(&printed, doc);
}

async fn docs_page_and_compressed_viewer(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    for path in ["/api/docs", "/api/docs/"] {
        let page = app.call("GET", path, &[], None).await.expect(200);
        assert!(
            page.header("content-type").is_some_and(|c| c.starts_with("text/html")),
            "{:?}",
            page.headers
        );
        assert!(page.text.contains("src=\"/api/docs/rapidoc-min.js\""), "{}", page.text);
        assert!(page.text.contains("spec-url=\"/api/openapi.json\""));
    }
    // The harness decodes bodies as text: read the raw bytes of the script here.
    let res = app
        .router
        .clone()
        .oneshot(
            Request::builder()
                .uri("/api/docs/rapidoc-min.js")
                .header(header::ACCEPT_ENCODING, "gzip")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        res.headers()
            .get(header::CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok()),
        Some("gzip")
    );
    assert!(
        res.headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.starts_with("text/javascript"))
    );
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    assert!(bytes.len() > 10_000, "{} bytes", bytes.len());
    assert_eq!(&bytes[..3], &[0x1f, 0x8b, 0x08], "gzip magic and deflate");
}

async fn unknown_route_and_wrong_method_are_problems(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    for path in ["/api/nope", "/api/v1/nope", "/api/v2/cases"] {
        let r = app.admin("GET", path, None).await.expect(404);
        assert_eq!(r.header("content-type"), Some("application/problem+json"));
        assert_eq!(r.body["code"], "route_not_found");
        assert_eq!(r.body["status"], 404);
        assert_eq!(r.body["type"], "urn:dossier:problem:route_not_found");
        assert!(r.body["title"].is_string());
        assert!(r.body["detail"].is_string());
    }
    // Without credentials, too: an unknown route is not an authentication question.
    let r = app.call("GET", "/api/v1/nope", &[], None).await.expect(404);
    assert_eq!(r.body["code"], "route_not_found");
    // IRIS answers in its envelope under its own prefixes only; a path no API claims is
    // native (tests/it/kit.rs covers every mount).
    let r = app.call("GET", "/manage/nope", &[], None).await.expect(404);
    assert_eq!(r.body["status"], "error");
    assert_eq!(r.body["message"], "Resource not found");
    let r = app.call("GET", "/nope", &[], None).await.expect(404);
    assert_eq!(r.body["code"], "route_not_found");

    for (method, path) in [
        ("DELETE", "/api/v1/alerts"),
        ("PUT", "/api/v1/cases"),
        ("GET", "/api/v1/auth/login"),
        ("POST", "/healthz"),
        ("DELETE", "/api/v1/me"),
    ] {
        let r = app.admin(method, path, None).await.expect(405);
        assert_eq!(
            r.header("content-type"),
            Some("application/problem+json"),
            "{method} {path}"
        );
        assert_eq!(r.body["code"], "method_not_allowed", "{method} {path}");
        assert_eq!(r.body["status"], 405);
    }
}
