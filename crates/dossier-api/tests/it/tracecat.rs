//! The Tracecat cases API (`/tracecat`): the seed's shapes, its refusals, and one data set
//! with the native API and IRIS.

use dossier_core::Backend;
use serde_json::{Value, json};

use crate::{
    both,
    harness::{ADMIN_KEY, ADMIN_PASSWORD, Resp, TestApp, fields, keys},
};

both!(
    workspace_and_credentials_are_checked_as_tracecat,
    cookie_login_and_logout,
    cases_round_trip_in_the_seed_shapes,
    bad_bodies_get_fastapi_details,
    comments_and_case_fields,
    events_follow_the_audit_trail,
    canonical_paths_page_with_the_cursor_envelope,
    one_data_set_with_native_and_iris,
);

async fn workspace(app: &TestApp) -> String {
    let me = app.admin("GET", "/api/v1/me", None).await.expect(200);
    me.body["workspace"]["id"].as_str().unwrap().to_owned()
}

async fn tc(app: &TestApp, method: &str, path: &str, body: Option<Value>) -> Resp {
    app.as_key(ADMIN_KEY, method, path, body).await
}

fn case_body(summary: &str) -> Value {
    json!({"summary": summary, "description": "", "status": "new", "priority": "high", "severity": "medium"})
}

/// The bare list, as an array.
async fn list(app: &TestApp, ws: &str) -> Vec<Value> {
    let r = tc(app, "GET", &format!("/tracecat/cases?workspace_id={ws}"), None)
        .await
        .expect(200);
    r.body.as_array().cloned().unwrap_or_default()
}

async fn workspace_and_credentials_are_checked_as_tracecat(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let ws = workspace(&app).await;
    // workspace_id is checked before credentials.
    let r = app.call("GET", "/tracecat/cases", &[], None).await;
    assert_eq!(r.status.as_u16(), 422);
    assert_eq!(
        r.body,
        json!({"detail": [{"type": "missing", "loc": ["query", "workspace_id"], "msg": "Field required", "input": null}]})
    );
    let r = app.call("GET", "/tracecat/cases?workspace_id=nope", &[], None).await;
    assert_eq!(r.status.as_u16(), 422);
    assert_eq!(r.body["detail"][0]["type"], "uuid_parsing");
    assert_eq!(r.body["detail"][0]["loc"], json!(["query", "workspace_id"]));
    // No credential, an unknown one: 403 Forbidden, not 401.
    let path = format!("/tracecat/cases?workspace_id={ws}");
    for h in [
        vec![],
        vec![("cookie", "fastapiusersauth=dss_nope")],
        vec![("authorization", "Bearer dsk_nope")],
    ] {
        let r = app.call("GET", &path, &h, None).await;
        assert_eq!(r.status.as_u16(), 403, "{h:?}");
        assert_eq!(r.body, json!({"detail": "Forbidden"}));
    }
    // Another workspace's member is refused in this one; a workspace of theirs works.
    let (other_ws, other_key) = app.tenant("Other").await;
    let r = app.as_key(&other_key, "GET", &path, None).await;
    assert_eq!(r.status.as_u16(), 403);
    let r = app
        .as_key(
            &other_key,
            "GET",
            &format!("/tracecat/cases?workspace_id={other_ws}"),
            None,
        )
        .await
        .expect(200);
    assert_eq!(r.body, json!([]));
    // An unknown path under the mount answers in Tracecat's shape.
    let r = app.call("GET", "/tracecat/nothing-here", &[], None).await;
    assert_eq!(r.status.as_u16(), 404);
    assert_eq!(r.body, json!({"detail": "Not Found"}));
}

async fn cookie_login_and_logout(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let ws = workspace(&app).await;
    let form = [("content-type", "application/x-www-form-urlencoded")];
    let r = app
        .call(
            "POST",
            "/tracecat/auth/login",
            &form,
            Some("username=admin&password=wrong"),
        )
        .await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body, json!({"detail": "LOGIN_BAD_CREDENTIALS"}));
    let r = app
        .call("POST", "/tracecat/auth/login", &form, Some("username=admin"))
        .await;
    assert_eq!(r.status.as_u16(), 422);
    assert_eq!(r.body["detail"][0]["loc"], json!(["body", "password"]));
    let r = app
        .call(
            "POST",
            "/tracecat/auth/login",
            &form,
            Some(&format!("username=admin&password={ADMIN_PASSWORD}")),
        )
        .await;
    assert_eq!(r.status.as_u16(), 204, "{}", r.text);
    assert!(r.text.is_empty());
    let set = r.header("set-cookie").unwrap_or_default().to_owned();
    assert!(
        set.starts_with("fastapiusersauth=dss_") && set.contains("HttpOnly"),
        "{set}"
    );
    let cookie = set.split(';').next().unwrap_or_default().to_owned();
    let path = format!("/tracecat/cases?workspace_id={ws}");
    app.call("GET", &path, &[("cookie", &cookie)], None).await.expect(200);
    app.call("POST", "/tracecat/auth/logout", &[("cookie", &cookie)], None)
        .await
        .expect(204);
    let r = app.call("GET", &path, &[("cookie", &cookie)], None).await;
    assert_eq!(r.status.as_u16(), 403);
    let r = app.call("POST", "/tracecat/auth/logout", &[], None).await;
    assert_eq!(r.status.as_u16(), 401);
}

async fn cases_round_trip_in_the_seed_shapes(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let ws = workspace(&app).await;
    let q = format!("?workspace_id={ws}");
    // Create answers 201 with null: the id is found by listing.
    let r = tc(
        &app,
        "POST",
        &format!("/tracecat/cases{q}"),
        Some(case_body("Phishing wave")),
    )
    .await
    .expect(201);
    assert_eq!(r.text, "null");
    tc(&app, "POST", &format!("/tracecat/cases{q}"), Some(case_body("Second")))
        .await
        .expect(201);
    let items = list(&app, &ws).await;
    assert_eq!(items.len(), 2);
    assert_eq!(
        keys(&items[0]),
        fields(&[
            "assignee",
            "created_at",
            "id",
            "priority",
            "severity",
            "short_id",
            "status",
            "summary",
            "updated_at"
        ])
    );
    // Ordered by number; short ids are zero-padded.
    assert_eq!(items[0]["short_id"], "CASE-0001");
    assert_eq!(items[1]["short_id"], "CASE-0002");
    assert_eq!(items[0]["summary"], "Phishing wave");
    assert_eq!(items[0]["status"], "new");
    assert_eq!(items[0]["priority"], "high");
    assert_eq!(items[0]["severity"], "medium");
    assert_eq!(items[0]["assignee"], Value::Null);
    let id = items[0]["id"].as_str().unwrap().to_owned();
    // One case: the minimal fields plus description and the reserved fields.
    let one = tc(&app, "GET", &format!("/tracecat/cases/{id}{q}"), None)
        .await
        .expect(200);
    assert_eq!(one.body["description"], "");
    let names: Vec<&str> = one.body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert_eq!(names, ["id", "created_at", "updated_at", "case_id"]);
    assert_eq!(one.body["fields"][0]["reserved"], true);
    // PATCH answers 204 and changes only what it names.
    let admin_id = app.admin("GET", "/api/v1/me", None).await.body["user"]["id"].clone();
    let r = tc(
        &app,
        "PATCH",
        &format!("/tracecat/cases/{id}{q}"),
        Some(json!({"status": "in_progress", "assignee_id": admin_id})),
    )
    .await
    .expect(204);
    assert!(r.text.is_empty());
    let one = tc(&app, "GET", &format!("/tracecat/cases/{id}{q}"), None)
        .await
        .expect(200);
    assert_eq!(one.body["status"], "in_progress");
    assert_eq!(one.body["priority"], "high");
    assert_eq!(one.body["summary"], "Phishing wave");
    assert_eq!(one.body["assignee"]["id"], admin_id);
    assert_eq!(
        keys(&one.body["assignee"]),
        fields(&[
            "email",
            "first_name",
            "id",
            "is_active",
            "is_superuser",
            "is_verified",
            "last_name",
            "role",
            "settings"
        ])
    );
    // Search (L1): a substring of summary or description, one status.
    let found = tc(
        &app,
        "GET",
        &format!("/tracecat/cases/search{q}&search_term=phish&status=in_progress"),
        None,
    )
    .await
    .expect(200);
    assert_eq!(found.body.as_array().map(Vec::len), Some(1));
    assert_eq!(found.body[0]["id"], json!(id));
    // Missing and malformed ids.
    let missing = "0191d6a0-0000-7000-8000-000000000000";
    let r = tc(&app, "GET", &format!("/tracecat/cases/{missing}{q}"), None).await;
    assert_eq!(r.status.as_u16(), 404);
    assert_eq!(r.body, json!({"detail": format!("Case with ID {missing} not found")}));
    let r = tc(&app, "GET", &format!("/tracecat/cases/12{q}"), None).await;
    assert_eq!(r.status.as_u16(), 422);
    assert_eq!(r.body["detail"][0]["loc"], json!(["path", "case_id"]));
    // Delete: admins only.
    let (_, analyst) = app.member("ana", "analyst").await;
    let r = app
        .as_key(&analyst, "DELETE", &format!("/tracecat/cases/{id}{q}"), None)
        .await;
    assert_eq!(r.status.as_u16(), 403);
    assert_eq!(r.body, json!({"detail": "Forbidden"}));
    tc(&app, "DELETE", &format!("/tracecat/cases/{id}{q}"), None)
        .await
        .expect(204);
    let r = tc(&app, "GET", &format!("/tracecat/cases/{id}{q}"), None).await;
    assert_eq!(r.status.as_u16(), 404);
    assert_eq!(list(&app, &ws).await.len(), 1);
}

async fn bad_bodies_get_fastapi_details(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let ws = workspace(&app).await;
    let path = format!("/tracecat/cases?workspace_id={ws}");
    let r = tc(&app, "POST", &path, Some(json!({"summary": "x", "status": "open"}))).await;
    assert_eq!(r.status.as_u16(), 422);
    let got: Vec<(String, Value)> = r.body["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["type"].as_str().unwrap_or_default().to_owned(), d["loc"].clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("missing".to_owned(), json!(["body", "description"])),
            ("enum".to_owned(), json!(["body", "status"])),
            ("missing".to_owned(), json!(["body", "priority"])),
            ("missing".to_owned(), json!(["body", "severity"])),
        ]
    );
    assert_eq!(r.body["detail"][1]["input"], "open");
    // Over-long text and unknown custom fields are 422, not 500.
    let mut long = case_body(&"x".repeat(256));
    long["fields"] = json!({"nope": 1});
    let r = tc(&app, "POST", &path, Some(long)).await;
    assert_eq!(r.status.as_u16(), 422, "{}", r.text);
    assert_eq!(r.body["detail"][0]["type"], "string_too_long");
    let mut unknown = case_body("ok");
    unknown["fields"] = json!({"nope": 1});
    let r = tc(&app, "POST", &path, Some(unknown)).await;
    assert_eq!(r.status.as_u16(), 422);
    assert_eq!(r.body["detail"][0]["loc"], json!(["body", "fields", "nope"]));
    // Not JSON, not an object, an empty summary (the core's rule, under Tracecat's name).
    let r = app
        .call(
            "POST",
            &path,
            &[("authorization", &format!("Bearer {ADMIN_KEY}"))],
            Some("{"),
        )
        .await;
    assert_eq!(r.status.as_u16(), 422);
    assert_eq!(r.body["detail"][0]["type"], "json_invalid");
    let r = tc(&app, "POST", &path, Some(json!([1]))).await;
    assert_eq!(r.status.as_u16(), 422);
    let r = tc(&app, "POST", &path, Some(case_body(""))).await;
    assert_eq!(r.status.as_u16(), 422);
    assert_eq!(r.body["detail"][0]["loc"], json!(["body", "summary"]));
    // Nothing was written.
    assert_eq!(list(&app, &ws).await.len(), 0);
    // Bad query values.
    let r = tc(
        &app,
        "GET",
        &format!("/tracecat/cases/search?workspace_id={ws}&status=x"),
        None,
    )
    .await;
    assert_eq!(r.status.as_u16(), 422);
    assert_eq!(r.body["detail"][0]["loc"], json!(["query", "status"]));
    let r = tc(&app, "GET", &format!("/tracecat/cases?workspace_id={ws}&limit=0"), None).await;
    assert_eq!(r.status.as_u16(), 422);
    let r = tc(
        &app,
        "GET",
        &format!("/tracecat/cases?workspace_id={ws}&cursor=zz"),
        None,
    )
    .await;
    assert_eq!(r.status.as_u16(), 400);
}

async fn comments_and_case_fields(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let ws = workspace(&app).await;
    let q = format!("?workspace_id={ws}");
    // Fields: defined by admins, typed, listed after the reserved ones.
    tc(
        &app,
        "POST",
        &format!("/tracecat/case-fields{q}"),
        Some(json!({"name": "hostname", "type": "TEXT"})),
    )
    .await
    .expect(201);
    tc(
        &app,
        "POST",
        &format!("/tracecat/case-fields{q}"),
        Some(json!({"name": "score", "type": "INTEGER", "nullable": true, "default": "5"})),
    )
    .await
    .expect(201);
    let r = tc(
        &app,
        "POST",
        &format!("/tracecat/case-fields{q}"),
        Some(json!({"name": "hostname", "type": "TEXT"})),
    )
    .await;
    assert_eq!(r.status.as_u16(), 409);
    for bad in [
        json!({"name": "id", "type": "TEXT"}),
        json!({"name": "9x", "type": "TEXT"}),
        json!({"name": "ok", "type": "TEXTY"}),
    ] {
        let r = tc(&app, "POST", &format!("/tracecat/case-fields{q}"), Some(bad.clone())).await;
        assert_eq!(r.status.as_u16(), 422, "{bad}");
    }
    let (_, analyst) = app.member("ana", "analyst").await;
    let r = app
        .as_key(
            &analyst,
            "POST",
            &format!("/tracecat/case-fields{q}"),
            Some(json!({"name": "x", "type": "TEXT"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 403);
    let defs = tc(&app, "GET", &format!("/tracecat/case-fields{q}"), None)
        .await
        .expect(200);
    let ids: Vec<&str> = defs
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert_eq!(ids, ["id", "created_at", "updated_at", "case_id", "hostname", "score"]);
    assert_eq!(defs.body[5]["type"], "INTEGER");
    assert_eq!(defs.body[5]["default"], "5");
    assert!(defs.body[5].get("value").is_none());
    // A case with values: PATCH merges `fields`; a wrong type is 422.
    let mut body = case_body("With fields");
    body["fields"] = json!({"hostname": "host-42"});
    tc(&app, "POST", &format!("/tracecat/cases{q}"), Some(body))
        .await
        .expect(201);
    let id = list(&app, &ws).await[0]["id"].as_str().unwrap().to_owned();
    tc(
        &app,
        "PATCH",
        &format!("/tracecat/cases/{id}{q}"),
        Some(json!({"fields": {"score": 9}})),
    )
    .await
    .expect(204);
    let r = tc(
        &app,
        "PATCH",
        &format!("/tracecat/cases/{id}{q}"),
        Some(json!({"fields": {"score": "high"}})),
    )
    .await;
    assert_eq!(r.status.as_u16(), 422);
    let one = tc(&app, "GET", &format!("/tracecat/cases/{id}{q}"), None)
        .await
        .expect(200);
    let value = |name: &str| {
        one.body["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == name)
            .map(|f| f["value"].clone())
    };
    assert_eq!(value("hostname"), Some(json!("host-42")));
    assert_eq!(value("score"), Some(json!(9)));
    assert_eq!(value("case_id"), Some(json!(id)));
    // Field updates keep name and type; reserved ones cannot go.
    tc(
        &app,
        "PATCH",
        &format!("/tracecat/case-fields/score{q}"),
        Some(json!({"nullable": false})),
    )
    .await
    .expect(204);
    let r = tc(
        &app,
        "PATCH",
        &format!("/tracecat/case-fields/score{q}"),
        Some(json!({"type": "TEXT"})),
    )
    .await;
    assert_eq!(r.status.as_u16(), 422);
    let r = tc(&app, "DELETE", &format!("/tracecat/case-fields/id{q}"), None).await;
    assert_eq!(r.status.as_u16(), 422);
    let r = tc(&app, "DELETE", &format!("/tracecat/case-fields/nope{q}"), None).await;
    assert_eq!(r.status.as_u16(), 404);
    tc(&app, "DELETE", &format!("/tracecat/case-fields/hostname{q}"), None)
        .await
        .expect(204);

    // Comments: oldest first, edited by their author, deleted.
    let path = format!("/tracecat/cases/{id}/comments{q}");
    tc(&app, "POST", &path, Some(json!({"content": "first"})))
        .await
        .expect(201);
    tc(&app, "POST", &path, Some(json!({"content": "second"})))
        .await
        .expect(201);
    let r = tc(&app, "POST", &path, Some(json!({"content": ""}))).await;
    assert_eq!(r.status.as_u16(), 422);
    let got = tc(&app, "GET", &path, None).await.expect(200);
    let list = got.body.as_array().unwrap().clone();
    assert_eq!(list.len(), 2);
    assert_eq!(
        keys(&list[0]),
        fields(&[
            "content",
            "created_at",
            "id",
            "last_edited_at",
            "parent_id",
            "updated_at",
            "user"
        ])
    );
    assert_eq!(list[0]["content"], "first");
    assert_eq!(list[0]["user"]["email"], "admin@localhost");
    let cid = list[0]["id"].as_str().unwrap();
    let one = format!("/tracecat/cases/{id}/comments/{cid}{q}");
    tc(&app, "PATCH", &one, Some(json!({"content": "first, edited"})))
        .await
        .expect(204);
    let got = tc(&app, "GET", &path, None).await.expect(200);
    assert_eq!(got.body[0]["content"], "first, edited");
    assert!(got.body[0]["last_edited_at"].is_string());
    let missing = format!("/tracecat/cases/{id}/comments/0191d6a0-0000-7000-8000-000000000000{q}");
    let r = tc(&app, "DELETE", &missing, None).await;
    assert_eq!(r.status.as_u16(), 404);
    assert_eq!(
        r.body,
        json!({"detail": "Comment with ID 0191d6a0-0000-7000-8000-000000000000 not found"})
    );
    tc(&app, "DELETE", &one, None).await.expect(204);
    let got = tc(&app, "GET", &path, None).await.expect(200);
    assert_eq!(got.body.as_array().map(Vec::len), Some(1));
}

async fn events_follow_the_audit_trail(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let ws = workspace(&app).await;
    let q = format!("?workspace_id={ws}");
    tc(&app, "POST", &format!("/tracecat/cases{q}"), Some(case_body("Events")))
        .await
        .expect(201);
    let id = list(&app, &ws).await[0]["id"].as_str().unwrap().to_owned();
    let patch = |body: Value| {
        let path = format!("/tracecat/cases/{id}{q}");
        let app = &app;
        async move { tc(app, "PATCH", &path, Some(body)).await.expect(204) }
    };
    patch(json!({"summary": "Events, renamed"})).await;
    patch(json!({"status": "closed", "severity": "high"})).await;
    patch(json!({"status": "in_progress"})).await;
    patch(json!({"priority": "low"})).await;
    // The native API changes the same case: the feed shows it too.
    app.admin("PATCH", "/api/v1/cases/1", Some(json!({"status": "on_hold"})))
        .await
        .expect(200);
    let r = tc(&app, "GET", &format!("/tracecat/cases/{id}/events{q}"), None)
        .await
        .expect(200);
    let kinds: Vec<&str> = r.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["type"].as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "case_created",
            "case_updated",
            "case_closed",
            "severity_changed",
            "case_reopened",
            "priority_changed",
            "status_changed"
        ]
    );
    let ev = &r.body["events"][1];
    assert_eq!(ev["field"], "summary");
    assert_eq!(ev["old"], "Events");
    assert_eq!(ev["new"], "Events, renamed");
    assert_eq!(r.body["events"][2]["new"], "closed");
    assert!(r.body["events"][0].get("wf_exec_id").is_none());
    assert_eq!(r.body["users"].as_array().map(Vec::len), Some(1));
    assert_eq!(r.body["users"][0]["id"], r.body["events"][0]["user_id"]);
}

async fn canonical_paths_page_with_the_cursor_envelope(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let ws = workspace(&app).await;
    let batch: Vec<Value> = (1..=45).map(|i| json!({"title": format!("Case {i}")})).collect();
    app.admin("POST", "/api/v1/cases/batch", Some(json!({"cases": batch})))
        .await
        .expect(201);
    let base = format!("/tracecat/workspaces/{ws}/cases");
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("{base}?limit=20&cursor={c}"),
            None => format!("{base}?limit=20"),
        };
        let r = tc(&app, "GET", &path, None).await.expect(200);
        assert_eq!(
            keys(&r.body),
            fields(&[
                "has_more",
                "has_previous",
                "items",
                "next_cursor",
                "prev_cursor",
                "total_estimate"
            ])
        );
        assert_eq!(r.body["total_estimate"], 45);
        assert_eq!(r.body["has_previous"], cursor.is_some());
        for c in r.body["items"].as_array().unwrap() {
            seen.push(c["short_id"].as_str().unwrap().to_owned());
        }
        match r.body["next_cursor"].as_str() {
            Some(c) => {
                assert_eq!(r.body["has_more"], true);
                cursor = Some(c.to_owned());
            }
            None => break,
        }
    }
    // Newest first, each case once.
    assert_eq!(seen.len(), 45);
    assert_eq!(seen[0], "CASE-0045");
    assert_eq!(seen[44], "CASE-0001");
    // The same paths serve one case; a query workspace_id must agree with the path's.
    let first = tc(
        &app,
        "GET",
        &format!("{base}?limit=1&order_by=created_at&sort=asc"),
        None,
    )
    .await
    .expect(200);
    let id = first.body["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(first.body["items"][0]["short_id"], "CASE-0001");
    tc(&app, "GET", &format!("{base}/{id}"), None).await.expect(200);
    // L3's short_id filter: `42` or `CASE-0042`; anything else is 400.
    for raw in ["7", "case-0007", "CASE-0007"] {
        let r = tc(&app, "GET", &format!("{base}?short_id={raw}"), None)
            .await
            .expect(200);
        assert_eq!(r.body["items"][0]["short_id"], "CASE-0007", "{raw}");
        assert_eq!(r.body["total_estimate"], 1);
    }
    let r = tc(&app, "GET", &format!("{base}?short_id=CASE-0999"), None)
        .await
        .expect(200);
    assert_eq!(r.body["items"], json!([]));
    let r = tc(&app, "GET", &format!("{base}?short_id=x7"), None).await;
    assert_eq!(r.status.as_u16(), 400);
    let (other_ws, _) = app.tenant("Other").await;
    let r = tc(&app, "GET", &format!("{base}?workspace_id={other_ws}"), None).await;
    assert_eq!(r.status.as_u16(), 400);
    let r = tc(&app, "GET", &format!("{base}?workspace_id={ws}"), None).await;
    assert_eq!(r.status.as_u16(), 200);
}

async fn one_data_set_with_native_and_iris(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let ws = workspace(&app).await;
    let q = format!("?workspace_id={ws}");
    // IRIS first: its primary case is case 1.
    app.iris_ok("GET", "/manage/cases/list", None).await;
    tc(
        &app,
        "POST",
        &format!("/tracecat/cases{q}"),
        Some(
            json!({"summary": "From Tracecat", "description": "d", "status": "on_hold",
                    "priority": "critical", "severity": "fatal"}),
        ),
    )
    .await
    .expect(201);
    // The native API and IRIS read the same case.
    let n = app.admin("GET", "/api/v1/cases/2", None).await.expect(200);
    assert_eq!(n.body["title"], "From Tracecat");
    assert_eq!(n.body["status"], "on_hold");
    assert_eq!(n.body["priority"], "critical");
    assert_eq!(n.body["severity"], "fatal");
    let iris = app.iris_ok("GET", "/manage/cases/2", None).await;
    assert_eq!(iris["case_description"], "d");
    assert!(iris["case_name"].as_str().unwrap_or_default().contains("From Tracecat"));
    // A case made natively, with a finer state, appears in Tracecat with its canonical status.
    app.admin(
        "POST",
        "/api/v1/cases",
        Some(json!({"title": "From native", "severity": "low", "state_id": 4})),
    )
    .await
    .expect(201);
    let items = list(&app, &ws).await;
    let native = items.iter().find(|c| c["summary"] == "From native").unwrap().clone();
    assert_eq!(native["short_id"], "CASE-0003");
    assert_eq!(native["severity"], "low");
    let state = app.admin("GET", "/api/v1/cases/3", None).await.body["state"].clone();
    // Writing back the status Tracecat read keeps the finer state.
    let id = native["id"].as_str().unwrap();
    tc(
        &app,
        "PATCH",
        &format!("/tracecat/cases/{id}{q}"),
        Some(json!({"status": native["status"], "summary": "From native, renamed"})),
    )
    .await
    .expect(204);
    let after = app.admin("GET", "/api/v1/cases/3", None).await.expect(200);
    assert_eq!(after.body["state"], state);
    assert_eq!(after.body["title"], "From native, renamed");
    // The case IRIS made is listed too.
    assert_eq!(items[0]["short_id"], "CASE-0001");
}
