//! The dialect kit: the route table is complete (every listed route reaches a handler), every
//! route lies under its mount's prefixes, unknown paths answer in the owning mount's shape, and
//! the IRIS case object is rendered one way.

use axum::{
    body::Body,
    http::{Method, Request},
};
use dossier_api::kit::{
    mount::{self, Unmatched},
    route::RouteInfo,
};
use dossier_core::Backend;
use http_body_util::BodyExt as _;
use serde_json::{Value, json};
use tower::ServiceExt as _;

use crate::{
    both,
    harness::{ADMIN_KEY, TestApp, keys},
};

both!(
    route_table_reaches_every_handler,
    unknown_paths_answer_in_their_mounts_shape,
    iris_case_objects_agree
);

#[test]
fn every_route_lives_under_its_mount() {
    let table = dossier_api::route_table();
    for api in ["native", "iris", dossier_api::OPS] {
        assert!(table.iter().any(|r| r.api == api), "no route of {api}");
    }
    let mut seen = std::collections::HashSet::new();
    for r in &table {
        assert!(seen.insert((r.method.clone(), r.path.clone())), "listed twice: {r:?}");
        let owner = mount::owner(&r.path).map(|m| m.name);
        if r.api == dossier_api::OPS {
            assert_eq!(owner, None, "an operational endpoint under a mount: {r:?}");
        } else {
            assert_eq!(owner, Some(r.api), "outside its mount's prefixes: {r:?}");
        }
    }
    // Spot checks that the table is the real one.
    let has = |api: &str, m: Method, p: &str| table.iter().any(|r| r.api == api && r.method == m && r.path == p);
    assert!(has("iris", Method::GET, "/case/ioc/{id}"));
    assert!(has("iris", Method::POST, "/manage/cases/delete/{id}"));
    assert!(has("iris", Method::GET, "/manage/cases/delete/{id}"));
    assert!(has("iris", Method::POST, "/case/assets/{id}/comments/{comment}/edit"));
    assert!(has("native", Method::GET, "/api/v1/cases/{id}"));
    assert!(has("native", Method::PATCH, "/api/v1/cases/{id}"));
    assert!(has(dossier_api::OPS, Method::GET, "/healthz"));
}

async fn send(app: &TestApp, r: &RouteInfo) -> (u16, bool, String) {
    let uri = r.path_with(|_| "1".to_owned());
    let mut req = Request::builder()
        .method(r.method.clone())
        .uri(&uri)
        .header("authorization", format!("Bearer {ADMIN_KEY}"))
        .header("content-type", "application/json");
    let body = if r.method == Method::GET {
        Body::empty()
    } else {
        req = req.header("content-length", "2");
        Body::from("{}")
    };
    let res = app
        .router
        .clone()
        .oneshot(req.body(body).expect("request"))
        .await
        .expect("infallible");
    let status = res.status().as_u16();
    let unmatched = res.extensions().get::<Unmatched>().is_some();
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    (status, unmatched, String::from_utf8_lossy(&bytes).into_owned())
}

/// Each route of the table, called with its own method and `1` for every placeholder, reaches
/// its handler: whatever it answers, it is not the router's 404/405 fallback.
async fn route_table_reaches_every_handler(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    // IRIS's first call makes case 1 and customer 1.
    app.iris_ok("GET", "/datastore/list/tree", None).await;
    let table = dossier_api::route_table();
    assert!(table.len() > 150, "{} routes", table.len());
    let mut missed = Vec::new();
    for r in &table {
        let (status, unmatched, text) = send(&app, r).await;
        if unmatched {
            missed.push(format!("{} {} {} -> {status} {text}", r.api, r.method, r.path));
        }
    }
    assert!(
        missed.is_empty(),
        "routes answered by the fallback:\n{}",
        missed.join("\n")
    );

    // The check itself tells a fallback apart: a path that is not in the table is unmatched.
    for (m, p) in [
        (Method::GET, "/case/ioc/no/such/route"),
        (Method::DELETE, "/case/ioc/list"),
        (Method::GET, "/api/v1/no-such-thing"),
        (Method::GET, "/tracecat/no-such-route"),
    ] {
        let probe = RouteInfo {
            api: "probe",
            method: m,
            path: p.to_owned(),
        };
        assert!(send(&app, &probe).await.1, "{p} should be unmatched");
    }
}

async fn unknown_paths_answer_in_their_mounts_shape(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let iris_404 = json!({"status": "error", "message": "Resource not found", "data": []});
    // Under IRIS's prefixes: IRIS's envelope.
    for p in [
        "/case/no-such-thing",
        "/manage/no/such",
        "/alerts/x/y/z",
        "/api/ping/extra",
        "/user",
    ] {
        let r = app.call("GET", p, &[], None).await.expect(404);
        assert_eq!(r.body, iris_404, "{p}");
    }
    let r = app.call("DELETE", "/manage/cases/list", &[], None).await.expect(405);
    assert_eq!(
        r.body,
        json!({"status": "error", "message": "Method not allowed", "data": []})
    );
    // Everything else: native problem JSON, including reserved mounts not built yet.
    for p in [
        "/nope",
        "/",
        "/cases",
        "/api/v1/nope",
        "/api/other",
        "/truu/cases/feed",
        "/ciso/api/incidents/",
        "/casebender/api/alerts",
        "/thehive/api/v1/query",
        "/ui/",
    ] {
        for m in ["GET", "POST"] {
            let r = app.call(m, p, &[], None).await.expect(404);
            assert_eq!(r.header("content-type"), Some("application/problem+json"), "{m} {p}");
            assert_eq!(r.body["code"], "route_not_found", "{m} {p}");
            assert_eq!(r.body["status"], 404, "{m} {p}");
        }
    }
    let r = app.call("GET", "/truu/cases/feed", &[], None).await;
    assert!(
        r.body["detail"].as_str().is_some_and(|d| d.contains("insider-threat")),
        "{}",
        r.text
    );
    // Tracecat is built: FastAPI's shapes under its prefix.
    let r = app.call("GET", "/tracecat/no/such", &[], None).await.expect(404);
    assert_eq!(r.body, json!({"detail": "Not Found"}));
    let r = app.call("PUT", "/tracecat/case-fields", &[], None).await.expect(405);
    assert_eq!(r.body, json!({"detail": "Method Not Allowed"}));
    let r = app.call("DELETE", "/api/v1/cases", &[], None).await.expect(405);
    assert_eq!(r.body["code"], "method_not_allowed");
    let r = app.call("POST", "/healthz", &[], None).await.expect(405);
    assert_eq!(r.body["code"], "method_not_allowed");
}

/// Regression: the case object IRIS returns from escalation and merging is the one case
/// creation and update return (one rendering, `review_status_id` 1 "No review required").
async fn iris_case_objects_agree(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.iris_ok("GET", "/datastore/list/tree", None).await;
    let created = app
        .iris_ok(
            "POST",
            "/manage/cases/add",
            Some(
                json!({"case_name": "Created", "case_description": "Described", "case_customer": 1,
                        "case_soc_id": "", "cid": 1}),
            ),
        )
        .await;
    assert_eq!(created["review_status_id"], 1);
    let alert = |title: &str| {
        json!({"alert_title": title, "alert_description": "d", "alert_source": "s",
               "alert_source_ref": title, "alert_severity_id": 4, "alert_status_id": 3,
               "alert_customer_id": 1})
    };
    let a = app.iris_ok("POST", "/alerts/add", Some(alert("one"))).await;
    let escalated = app
        .iris_ok(
            "POST",
            &format!("/alerts/escalate/{}", a["alert_id"]),
            Some(json!({"iocs_import_list": [], "assets_import_list": [], "note": "n", "case_title": "Escalated"})),
        )
        .await;
    assert_eq!(escalated["review_status_id"], 1, "{escalated}");
    assert_eq!(keys(&escalated), keys(&created));
    let case = escalated["case_id"].as_i64().expect("case_id");

    let m = app.iris_ok("POST", "/alerts/add", Some(alert("two"))).await;
    let merged = app
        .iris_ok(
            "POST",
            &format!("/alerts/merge/{}", m["alert_id"]),
            Some(json!({"target_case_id": case, "iocs_import_list": [], "assets_import_list": [], "note": "n"})),
        )
        .await;
    assert_eq!(merged["review_status_id"], 1, "{merged}");
    let updated = app
        .iris_ok(
            "POST",
            &format!("/manage/cases/update/{case}"),
            Some(json!({"cid": case})),
        )
        .await;
    // Merging and updating render the same case the same way, field by field (the update adds
    // to the history, which is compared by shape only).
    let without_history = |v: &Value| {
        let mut v = v.clone();
        v.as_object_mut().map(|o| o.remove("modification_history"));
        v
    };
    assert_eq!(without_history(&merged), without_history(&updated));
    assert!(merged["modification_history"].is_object());
}
