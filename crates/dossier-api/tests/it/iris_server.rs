//! IRIS dialect: handshake, envelope, authentication, cid resolution, request quirks.

use dossier_core::Backend;
use serde_json::{Value, json};

use crate::{
    both,
    harness::{TestApp, fields, keys},
};

both!(
    handshake_answers_as_iris,
    failures_use_the_envelope,
    doubled_slashes_and_stray_keys_are_tolerated,
    permissions_are_reported
);

async fn handshake_answers_as_iris(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let r = app.iris("GET", "/api/ping?cid=1", None).await;
    assert_eq!(r.status.as_u16(), 200);
    assert_eq!(r.body, json!({"status": "success", "message": "pong", "data": []}));
    let v = app.iris_ok("GET", "/api/versions?cid=1", None).await;
    assert_eq!(keys(&v), fields(&["api_current", "api_min", "iris_current"]));
    assert_eq!(v["api_min"], "2.0.4");
    assert_eq!(v["api_current"], "2.0.5");
    assert_eq!(v["iris_current"], "v2.4.20");
}

async fn failures_use_the_envelope(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let r = app.iris_as("not-a-key", "GET", "/api/ping", None).await;
    assert_eq!(r.status.as_u16(), 401);
    assert_eq!(
        r.body,
        json!({"status": "error", "message": "Authentication required", "data": []})
    );
    let r = app.call("GET", "/api/ping", &[], None).await;
    assert_eq!(r.status.as_u16(), 401);
    assert_eq!(r.body["message"], "Authentication required");
    let r = app.iris("GET", "/manage/no-such-thing/list", None).await;
    assert_eq!(r.status.as_u16(), 404);
    assert_eq!(
        r.body,
        json!({"status": "error", "message": "Resource not found", "data": []})
    );
    let r = app.iris("DELETE", "/api/ping", None).await;
    assert_eq!(r.status.as_u16(), 405);
    assert_eq!(r.body["status"], "error");
    // The native API keeps its own error shape.
    let r = app.admin("GET", "/api/v1/no-such-thing", None).await;
    assert_eq!(r.status.as_u16(), 404);
    assert!(r.body.get("status").is_some_and(Value::is_number), "{}", r.text);
    let r = app.iris("GET", "/user/is-admin", None).await;
    assert_eq!(r.status.as_u16(), 410);
    assert!(r.body["message"].as_str().unwrap_or("").contains("deprecated"));
}

async fn doubled_slashes_and_stray_keys_are_tolerated(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let r = app.iris("GET", "//api//ping?cid=1&?cid=1", None).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "pong");
}

async fn permissions_are_reported(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let yes = app
        .iris(
            "POST",
            "/user/has-permission",
            Some(json!({"permission_name": "server_administrator", "permission_value": 2, "cid": 1})),
        )
        .await;
    assert_eq!(yes.status.as_u16(), 200, "{}", yes.text);
    assert_eq!(yes.body["message"], "User has permission");
    let (_, viewer) = app.member("watcher", "viewer").await;
    let no = app
        .iris_as(
            &viewer,
            "POST",
            "/user/has-permission",
            Some(json!({"permission_name": "alerts_write", "permission_value": 8})),
        )
        .await;
    assert_eq!(no.status.as_u16(), 403);
    assert_eq!(no.body["message"], "User does not have permission");
    let bad = app
        .iris(
            "POST",
            "/user/has-permission",
            Some(json!({"permission_name": "alerts_write", "permission_value": 4})),
        )
        .await;
    assert_eq!(bad.status.as_u16(), 400);
    assert_eq!(bad.body["message"], "Data error");
    assert!(bad.body["data"]["permission_value"].is_array());
}
