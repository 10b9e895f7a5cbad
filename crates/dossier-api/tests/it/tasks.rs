//! Tasks: case tasks (`/api/v1/cases/{id}/tasks`) and global tasks (`/api/v1/tasks`): fields read
//! back exactly, filters, sorting and keyset paging, optimistic concurrency, audit, bad input,
//! the core service directly, tenant isolation and case deletion.

use dossier_core::{Backend, Key, Via, model::NewTask, model::TaskFilter, model::TaskPatch};
use serde_json::{Value, json};

use crate::{
    both,
    harness::{ADMIN_KEY, Resp, TestApp},
};

both!(
    case_task_round_trip,
    global_tasks_and_scopes,
    list_filters_and_pages,
    sort_by_due_date_pages,
    stale_version_conflicts,
    bad_input_is_refused,
    core_service,
    other_workspace_is_denied,
    deleting_a_case_removes_its_tasks,
    openapi_covers_the_routes
);

/// Every item of a list, following `next_cursor` (the path must already hold a `?`).
pub(crate) async fn walk(app: &TestApp, key: &str, path: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..1000 {
        let p = match &cursor {
            Some(c) => format!("{path}&cursor={c}"),
            None => path.to_owned(),
        };
        let r = app.as_key(key, "GET", &p, None).await.expect(200);
        out.extend(r.body["items"].as_array().unwrap().iter().cloned());
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return out,
        }
    }
    panic!("paging did not end");
}

/// The numbers of every item of a list, as the admin.
async fn nums(app: &TestApp, path: String) -> Vec<i64> {
    numbers(&walk(app, ADMIN_KEY, &path).await)
}

/// The `number` of each item.
pub(crate) fn numbers(items: &[Value]) -> Vec<i64> {
    items.iter().map(|i| i["number"].as_i64().unwrap()).collect()
}

/// The `number` of each item of one page.
pub(crate) fn page_numbers(r: &Resp) -> Vec<i64> {
    numbers(r.body["items"].as_array().unwrap())
}

/// The first field error of a 422.
#[track_caller]
pub(crate) fn field_error(r: &Resp) -> (String, String) {
    assert_eq!(r.status.as_u16(), 422, "{}", r.text);
    assert_eq!(r.body["code"], "validation_failed");
    let e = &r.body["errors"][0];
    (
        e["field"].as_str().unwrap().to_owned(),
        e["code"].as_str().unwrap().to_owned(),
    )
}

/// A request another tenant makes, which must be answered 404 without any of `secrets`.
pub(crate) async fn denied(
    app: &TestApp,
    key: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
    secrets: &[String],
) {
    let r = app.as_key(key, method, path, body).await;
    assert_eq!(r.status.as_u16(), 404, "{method} {path} by another tenant: {}", r.text);
    assert_eq!(r.body["code"], "not_found", "{method} {path}: {}", r.text);
    for s in secrets {
        assert!(!r.text.contains(s.as_str()), "{method} {path} leaks `{s}`: {}", r.text);
    }
}

/// The OpenAPI document lists exactly these methods for each path, and these schemas.
pub(crate) async fn openapi_has(app: &TestApp, routes: &[(&str, &[&str])], schemas: &[&str]) {
    let r = app.call("GET", "/api/openapi.json", &[], None).await.expect(200);
    for (p, methods) in routes {
        let ops = r.body["paths"][*p]
            .as_object()
            .unwrap_or_else(|| panic!("{p} missing from the OpenAPI document"));
        let mut got: Vec<&str> = ops
            .keys()
            .map(String::as_str)
            .filter(|k| ["get", "post", "put", "patch", "delete"].contains(k))
            .collect();
        got.sort_unstable();
        assert_eq!(got, *methods, "{p}");
        for m in got {
            assert!(
                ops[m]["responses"].as_object().is_some_and(|o| !o.is_empty()),
                "{m} {p}: responses"
            );
            assert!(ops[m]["tags"].is_array(), "{m} {p}: tag");
        }
    }
    for s in schemas {
        assert!(r.body["components"]["schemas"][*s].is_object(), "schema {s} missing");
    }
}

async fn new_case(app: &TestApp, title: &str) -> String {
    let c = app
        .admin("POST", "/api/v1/cases", Some(json!({"title": title})))
        .await
        .expect(201);
    c.body["id"].as_str().unwrap().to_owned()
}

async fn case_task_round_trip(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (alice, _) = app.member("alice", "analyst").await;
    let (bob, _) = app.member("bob", "analyst").await;
    let case = new_case(&app, "Ransomware").await;
    let t = app
        .admin(
            "POST",
            &format!("/api/v1/cases/{case}/tasks"),
            Some(json!({
                "title": "  Collect triage image  ", "description": "KAPE on *every* host", "status_id": 2,
                "assignees": [bob, alice, bob], "tags": ["Triage", "ir", "triage"],
                "due_at": "2026-03-01T12:00:00+01:00", "mandatory": true, "flagged": true,
                "custom": {"ticket": "T-1", "hosts": 3}
            })),
        )
        .await
        .expect(201);
    let v = t.json();
    assert_eq!(v["number"], 1);
    assert_eq!(v["case_id"], case.as_str());
    assert_eq!(v["case_number"], 1);
    assert_eq!(v["title"], "Collect triage image");
    assert_eq!(v["description"], "KAPE on *every* host");
    assert_eq!(v["status"], json!({"id": 2, "name": "In progress"}));
    let logins: Vec<&str> = v["assignees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["login"].as_str().unwrap())
        .collect();
    assert_eq!(logins, ["alice", "bob"], "assignees are deduplicated, ordered by login");
    assert_eq!(v["assignees"][0]["id"], alice.as_str());
    assert_eq!(v["tags"], json!(["Triage", "ir"]));
    assert_eq!(v["due_at"], "2026-03-01T11:00:00.000000Z");
    assert_eq!(v["mandatory"], true);
    assert_eq!(v["flagged"], true);
    assert_eq!(v["custom"], json!({"ticket": "T-1", "hosts": 3}));
    assert_eq!(v["closed_at"], Value::Null);
    assert_eq!(v["closed_by"], Value::Null);
    assert_eq!(v["created_by"]["login"], "admin");
    assert_eq!(v["updated_by"]["login"], "admin");
    assert_eq!(v["version"], 1);
    assert_eq!(t.header("etag"), Some("\"1\""));
    let id = v["id"].as_str().unwrap().to_owned();

    let by_num = app.admin("GET", "/api/v1/tasks/1", None).await.expect(200);
    let by_id = app.admin("GET", &format!("/api/v1/tasks/{id}"), None).await.expect(200);
    assert_eq!(by_num.body, by_id.body);
    assert_eq!(&by_num.body, v);
    let listed = app.admin("GET", "/api/v1/cases/1/tasks", None).await.expect(200);
    assert_eq!(listed.body["items"][0], *v);

    // Done leaves closed_at unset (IRIS clients expect that); it is set only explicitly.
    let done = app
        .admin("PATCH", "/api/v1/tasks/1", Some(json!({"status_id": 4, "version": 1})))
        .await
        .expect(200);
    assert_eq!(done.body["status"], json!({"id": 4, "name": "Done"}));
    assert_eq!(done.body["closed_at"], Value::Null);
    assert_eq!(done.body["version"], 2);
    let closed = app
        .admin(
            "PATCH",
            "/api/v1/tasks/1",
            Some(json!({"closed_at": "2026-03-02T08:00:00Z", "assignees": [alice], "tags": ["IR", "handover"]})),
        )
        .await
        .expect(200);
    assert_eq!(closed.body["closed_at"], "2026-03-02T08:00:00.000000Z");
    assert_eq!(closed.body["closed_by"]["login"], "admin");
    assert_eq!(closed.body["assignees"].as_array().unwrap().len(), 1);
    assert_eq!(
        closed.body["tags"],
        json!(["ir", "handover"]),
        "a tag keeps the workspace's first spelling"
    );
    let cleared = app
        .admin(
            "PATCH",
            "/api/v1/tasks/1",
            Some(json!({"closed_at": null, "description": null, "due_at": null, "assignees": [], "flagged": false})),
        )
        .await
        .expect(200);
    assert_eq!(cleared.body["closed_at"], Value::Null);
    assert_eq!(cleared.body["closed_by"], Value::Null);
    assert_eq!(cleared.body["description"], "");
    assert_eq!(cleared.body["due_at"], Value::Null);
    assert_eq!(cleared.body["assignees"], json!([]));
    assert_eq!(cleared.body["flagged"], false);
    assert_eq!(cleared.body["mandatory"], true, "untouched fields stay");
    assert_eq!(cleared.body["version"], 4);
    // A no-op update does not bump the version.
    let same = app
        .admin(
            "PATCH",
            "/api/v1/tasks/1",
            Some(json!({"title": "Collect triage image"})),
        )
        .await
        .expect(200);
    assert_eq!(same.body["version"], 4);

    // Every change is audited field by field, on the task and in its case's trail.
    let trail = app.admin("GET", "/api/v1/tasks/1/activity", None).await.expect(200);
    let items = trail.body["items"].as_array().unwrap();
    let status = items.iter().find(|i| i["field"] == "status_id").unwrap();
    assert_eq!((status["old"].clone(), status["new"].clone()), (json!(2), json!(4)));
    let assignees: Vec<&Value> = items.iter().filter(|i| i["field"] == "assignees").collect();
    assert_eq!(assignees.len(), 2, "newest first");
    assert_eq!(
        (assignees[0]["old"].clone(), assignees[0]["new"].clone()),
        (json!([alice]), json!([]))
    );
    assert_eq!(
        assignees[1]["old"],
        json!([alice, bob]),
        "users by id, ordered by login"
    );
    assert_eq!(assignees[1]["new"], json!([alice]));
    let closed_at = items.iter().filter(|i| i["field"] == "closed_at").collect::<Vec<_>>();
    assert_eq!(closed_at.len(), 2);
    assert_eq!(items.last().unwrap()["action"], "create");
    let case_trail = app
        .admin("GET", "/api/v1/cases/1/activity?limit=200", None)
        .await
        .expect(200);
    assert!(
        case_trail.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["object_kind"] == "task" && i["field"] == "tags")
    );

    app.admin("DELETE", &format!("/api/v1/tasks/{id}"), None)
        .await
        .expect(204);
    app.admin("GET", "/api/v1/tasks/1", None).await.expect(404);
    app.admin("DELETE", "/api/v1/tasks/1", None).await.expect(404);
    let next = app
        .admin("POST", "/api/v1/cases/1/tasks", Some(json!({"title": "Next"})))
        .await
        .expect(201);
    assert_eq!(next.body["number"], 2, "numbers are never reused");
    assert_eq!(next.body["status"], json!({"id": 1, "name": "To do"}));
    assert_eq!(next.body["tags"], json!([]));
    assert_eq!(next.body["mandatory"], false);
}

async fn global_tasks_and_scopes(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let case = new_case(&app, "Phishing").await;
    let g = app
        .admin(
            "POST",
            "/api/v1/tasks",
            Some(json!({"title": "Rotate on-call", "status_id": 3})),
        )
        .await
        .expect(201);
    assert_eq!(g.body["case_id"], Value::Null);
    assert_eq!(g.body["case_number"], Value::Null);
    assert_eq!(g.body["status"]["name"], "On hold");
    app.admin("POST", "/api/v1/cases/1/tasks", Some(json!({"title": "Block sender"})))
        .await
        .expect(201);
    app.admin("POST", "/api/v1/tasks", Some(json!({"title": "Patch VPN"})))
        .await
        .expect(201);
    let r = app.admin("GET", "/api/v1/tasks", None).await.expect(200);
    assert_eq!(page_numbers(&r), vec![1, 3], "global tasks by default");
    let r = app.admin("GET", "/api/v1/tasks?scope=global", None).await.expect(200);
    assert_eq!(page_numbers(&r), vec![1, 3]);
    let r = app
        .admin("GET", "/api/v1/tasks?scope=all&count=true", None)
        .await
        .expect(200);
    assert_eq!(page_numbers(&r), vec![1, 2, 3]);
    assert_eq!(r.body["total"], 3);
    for c in ["1", case.as_str()] {
        let r = app
            .admin("GET", &format!("/api/v1/tasks?case={c}"), None)
            .await
            .expect(200);
        assert_eq!(page_numbers(&r), vec![2]);
    }
    let r = app.admin("GET", "/api/v1/cases/1/tasks", None).await.expect(200);
    assert_eq!(page_numbers(&r), vec![2]);
    // A global task is reachable by number and can be changed like any other.
    let u = app
        .admin("PATCH", "/api/v1/tasks/3", Some(json!({"status_id": 5})))
        .await
        .expect(200);
    assert_eq!(u.body["status"], json!({"id": 5, "name": "Canceled"}));
    app.admin("GET", "/api/v1/tasks?case=99", None).await.expect(404);
    app.admin("GET", "/api/v1/cases/99/tasks", None).await.expect(404);
    app.admin("POST", "/api/v1/cases/99/tasks", Some(json!({"title": "x"})))
        .await
        .expect(404);
    let r = app.admin("GET", "/api/v1/tasks?scope=every", None).await;
    assert_eq!(field_error(&r), ("scope".into(), "unknown_value".into()));
    let r = app.admin("GET", "/api/v1/tasks?case=nope", None).await;
    assert_eq!(field_error(&r).0, "case");
    let r = app.admin("GET", "/api/v1/cases/1/tasks?scope=all", None).await;
    assert_eq!(
        field_error(&r),
        ("scope".into(), "unknown_parameter".into()),
        "scope applies to /api/v1/tasks only"
    );
}

async fn list_filters_and_pages(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (carol, carol_key) = app.member("carol", "analyst").await;
    let me = app.admin("GET", "/api/v1/me", None).await.expect(200);
    let admin = me.body["user"]["id"].as_str().unwrap().to_owned();
    for i in 0..23 {
        let mut body = json!({
            "title": format!("Task {i}"), "status_id": 1 + (i % 5),
            "tags": [format!("t{}", i % 3)],
        });
        if i % 4 == 0 {
            body["assignees"] = json!([carol]);
        } else if i % 4 == 1 {
            body["assignees"] = json!([admin, carol]);
        }
        if i % 2 == 0 {
            body["due_at"] = json!(format!("2026-05-{:02}T09:00:00Z", i + 1));
        }
        if i == 7 {
            body["description"] = json!("Check the 50% sample from evil.example.com");
            body["tags"] = json!(["t1", "Urgent"]);
        }
        app.admin("POST", "/api/v1/tasks", Some(body)).await.expect(201);
    }
    // Every page, ascending by number (the default), then descending.
    let all = walk(&app, ADMIN_KEY, "/api/v1/tasks?limit=5").await;
    assert_eq!(numbers(&all), (1..=23).collect::<Vec<_>>());
    let all = walk(&app, ADMIN_KEY, "/api/v1/tasks?limit=4&order=desc").await;
    assert_eq!(numbers(&all), (1..=23).rev().collect::<Vec<_>>());
    let r = app
        .admin("GET", "/api/v1/tasks?limit=5&count=true", None)
        .await
        .expect(200);
    assert_eq!(r.body["total"], 23);
    assert_eq!(r.body["items"].as_array().unwrap().len(), 5);

    let get = |path: &str| nums(&app, path.to_owned());
    // status: i % 5 == 1 → status 2.
    assert_eq!(get("/api/v1/tasks?status=2&limit=3").await, vec![2, 7, 12, 17, 22]);
    assert_eq!(get("/api/v1/tasks?status=1,5&limit=200").await.len(), 9);
    assert_eq!(get("/api/v1/tasks?status=1&status=5").await.len(), 9);
    // assignee: carol on i % 4 ∈ {0, 1}; admin on i % 4 == 1.
    assert_eq!(get(&format!("/api/v1/tasks?assignee={carol}")).await.len(), 12);
    assert_eq!(get("/api/v1/tasks?assignee=me").await, vec![2, 6, 10, 14, 18, 22]);
    let mine = walk(&app, &carol_key, "/api/v1/tasks?assignee=me&limit=5").await;
    assert_eq!(mine.len(), 12, "`me` is the caller");
    assert_eq!(get("/api/v1/tasks?assignee=none").await.len(), 11);
    // tags, case-insensitively; every listed tag must be present.
    assert_eq!(get("/api/v1/tasks?tags=T1").await, vec![2, 5, 8, 11, 14, 17, 20, 23]);
    assert_eq!(get("/api/v1/tasks?tags=t1,urgent").await, vec![8]);
    assert_eq!(
        get("/api/v1/tasks?tags=t%25").await,
        Vec::<i64>::new(),
        "LIKE wildcards are literal"
    );
    // due range: tasks 1, 3, 5, … are due on May 1st, 3rd, 5th, …
    assert_eq!(
        get("/api/v1/tasks?due_after=2026-05-05T00:00:00Z&due_before=2026-05-11T00:00:00%2B02:00").await,
        vec![5, 7, 9]
    );
    assert_eq!(get("/api/v1/tasks?due_before=2026-05-02T00:00:00Z").await, vec![1]);
    // text, over title and description.
    assert_eq!(get("/api/v1/tasks?q=EVIL.example").await, vec![8]);
    assert_eq!(get("/api/v1/tasks?q=50%25").await, vec![8]);
    assert_eq!(get("/api/v1/tasks?q=Task%2012").await, vec![13]);
    // Filters combine.
    assert_eq!(
        get("/api/v1/tasks?status=1&assignee=none&tags=t2&sort=due_at").await,
        vec![] as Vec<i64>
    );
    assert_eq!(get("/api/v1/tasks?status=3&tags=t2").await, vec![3, 18]);
    let r = app
        .admin("GET", "/api/v1/tasks?status=3&tags=t2&count=true", None)
        .await
        .expect(200);
    assert_eq!(r.body["total"], 2);
}

async fn sort_by_due_date_pages(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    new_case(&app, "Due dates").await;
    // Due dates out of creation order, ties, and undated tasks.
    let due = [
        Some("2026-02-03T00:00:00Z"),
        None,
        Some("2026-02-01T00:00:00Z"),
        Some("2026-02-03T00:00:00Z"),
        None,
        Some("2026-01-15T10:00:00-05:00"),
        Some("2026-02-02T00:00:00Z"),
    ];
    for (i, d) in due.iter().enumerate() {
        let mut body = json!({"title": format!("Due {i}")});
        if let Some(d) = d {
            body["due_at"] = json!(d);
        }
        app.admin("POST", "/api/v1/cases/1/tasks", Some(body)).await.expect(201);
    }
    let asc = walk(&app, ADMIN_KEY, "/api/v1/cases/1/tasks?sort=due_at&limit=2").await;
    assert_eq!(numbers(&asc), vec![6, 3, 7, 1, 4, 2, 5], "soonest first, undated last");
    let desc = walk(&app, ADMIN_KEY, "/api/v1/cases/1/tasks?sort=due_at&order=desc&limit=3").await;
    assert_eq!(numbers(&desc), vec![5, 2, 4, 1, 7, 3, 6]);
    let r = app.admin("GET", "/api/v1/cases/1/tasks?sort=title", None).await;
    assert_eq!(field_error(&r), ("sort".into(), "unknown_value".into()));
    // A cursor of one sort is refused by the other.
    let p = app
        .admin("GET", "/api/v1/cases/1/tasks?sort=due_at&limit=2", None)
        .await
        .expect(200);
    let c = p.body["next_cursor"].as_str().unwrap();
    let r = app
        .admin("GET", &format!("/api/v1/cases/1/tasks?limit=2&cursor={c}"), None)
        .await;
    assert_eq!(field_error(&r).0, "cursor");
}

async fn stale_version_conflicts(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.admin("POST", "/api/v1/tasks", Some(json!({"title": "Race"})))
        .await
        .expect(201);
    app.admin("PATCH", "/api/v1/tasks/1", Some(json!({"flagged": true, "version": 1})))
        .await
        .expect(200);
    let stale = app
        .admin("PATCH", "/api/v1/tasks/1", Some(json!({"status_id": 2, "version": 1})))
        .await
        .expect(409);
    assert_eq!(stale.body["code"], "conflict");
    let h = [
        ("authorization", format!("Bearer {ADMIN_KEY}")),
        ("if-match", "\"1\"".to_owned()),
    ];
    let hs: Vec<(&str, &str)> = h.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.call("PATCH", "/api/v1/tasks/1", &hs, Some(r#"{"status_id":2}"#))
        .await
        .expect(409);
    let h2 = [
        ("authorization", format!("Bearer {ADMIN_KEY}")),
        ("if-match", "W/\"2\"".to_owned()),
    ];
    let hs2: Vec<(&str, &str)> = h2.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let ok = app
        .call("PATCH", "/api/v1/tasks/1", &hs2, Some(r#"{"status_id":2}"#))
        .await
        .expect(200);
    assert_eq!(ok.body["version"], 3);
    assert_eq!(ok.header("etag"), Some("\"3\""));
    let t = app.admin("GET", "/api/v1/tasks/1", None).await.expect(200);
    assert_eq!(t.body["status"]["id"], 2);
    assert_eq!(t.body["flagged"], true);
}

async fn bad_input_is_refused(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    new_case(&app, "Inputs").await;
    let (_, other_key) = app.tenant("Elsewhere").await;
    let stranger = app.as_key(&other_key, "GET", "/api/v1/me", None).await.expect(200).body["user"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let post = |body: Value| {
        let app = &app;
        async move { app.admin("POST", "/api/v1/cases/1/tasks", Some(body)).await }
    };
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!({"title": "x", "status_id": 99}), "status_id", "unknown_value"),
        (json!({"title": "x", "status_id": 0}), "status_id", "unknown_value"),
        (
            json!({"title": "x", "assignees": [stranger]}),
            "assignees[0]",
            "not_a_member",
        ),
        (
            json!({"title": "x", "assignees": ["0197a000-0000-7000-8000-000000000000"]}),
            "assignees[0]",
            "unknown_user",
        ),
        (json!({"title": "x", "assignees": ["bob"]}), "assignees[0]", "invalid"),
        (json!({"title": "x", "due_at": "tomorrow"}), "due_at", "invalid"),
        (
            json!({"title": "x", "due_at": "2026-13-01T00:00:00Z"}),
            "due_at",
            "invalid",
        ),
        (json!({"title": "x", "closed_at": "2026-01-01"}), "closed_at", "invalid"),
        (json!({"title": "   "}), "title", "required"),
        (json!({"title": "x".repeat(256)}), "title", "too_long"),
        (json!({"title": "x", "tags": ["a,b"]}), "tags[0]", "invalid"),
        (json!({"title": "x", "custom": [1]}), "custom", "invalid"),
        (json!({"title": "x", "status": "done"}), "status", "invalid"),
    ];
    for (body, field, code) in cases {
        let r = post(body.clone()).await;
        assert_eq!(field_error(&r), (field.to_owned(), code.to_owned()), "{body}");
    }
    let r = post(json!({"title": "ok"})).await.expect(201);
    assert_eq!(r.body["number"], 1, "no refused request used a number");
    let r = app
        .admin("PATCH", "/api/v1/tasks/1", Some(json!({"status_id": 6})))
        .await;
    assert_eq!(field_error(&r), ("status_id".into(), "unknown_value".into()));
    let r = app
        .admin("PATCH", "/api/v1/tasks/1", Some(json!({"due_at": "soon"})))
        .await;
    assert_eq!(field_error(&r).0, "due_at");
    let r = app
        .admin("PATCH", "/api/v1/tasks/1", Some(json!({"title": null})))
        .await;
    assert_eq!(r.status.as_u16(), 200, "an absent or null title leaves it: {}", r.text);
    for (path, field, code) in [
        ("/api/v1/tasks?status=99", "status", "unknown_value"),
        ("/api/v1/tasks?status=todo", "status", "invalid"),
        ("/api/v1/tasks?assignee=someone", "assignee", "invalid"),
        ("/api/v1/tasks?due_before=friday", "due_before", "invalid"),
        ("/api/v1/tasks?due_after=2026-01-01", "due_after", "invalid"),
        ("/api/v1/tasks?order=up", "order", "unknown_value"),
        ("/api/v1/tasks?limit=0", "limit", "out_of_range"),
        ("/api/v1/tasks?cursor=abc", "cursor", "invalid"),
        ("/api/v1/tasks?colour=red", "colour", "unknown_parameter"),
        ("/api/v1/tasks?q=", "q", "required"),
    ] {
        let r = app.admin("GET", path, None).await;
        assert_eq!(field_error(&r), (field.to_owned(), code.to_owned()), "{path}");
    }
    // Blank tags in a filter are dropped.
    let r = app
        .admin("GET", "/api/v1/cases/1/tasks?tags=,%20,", None)
        .await
        .expect(200);
    assert_eq!(page_numbers(&r), vec![1]);
    app.admin("GET", "/api/v1/tasks/abc", None).await.expect(422);
    app.admin("GET", "/api/v1/tasks/0", None).await.expect(422);
    // A viewer reads but does not write.
    let (_, viewer) = app.member("vera", "viewer").await;
    app.as_key(&viewer, "GET", "/api/v1/tasks/1", None).await.expect(200);
    app.as_key(&viewer, "POST", "/api/v1/tasks", Some(json!({"title": "no"})))
        .await
        .expect(403);
    app.as_key(&viewer, "PATCH", "/api/v1/tasks/1", Some(json!({"title": "no"})))
        .await
        .expect(403);
    app.as_key(&viewer, "DELETE", "/api/v1/tasks/1", None).await.expect(403);
}

async fn core_service(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (uid, key) = app.member("dana", "analyst").await;
    let dana = app.core.authenticate(&key, None, Via::Native).await.unwrap();
    let admin = app.core.authenticate(ADMIN_KEY, None, Via::Native).await.unwrap();
    let case = new_case(&app, "Core").await;
    let case_key = Key::parse(&case).unwrap();
    let t = app
        .core
        .create_task(
            &dana,
            Some(case_key),
            NewTask {
                title: "Hunt lateral movement".into(),
                assignees: vec![dana.user_uuid],
                tags: vec!["hunt".into()],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(t.case_number, Some(1));
    assert_eq!(t.assignees[0].id.to_string(), uid);
    assert_eq!(t.created_by.as_ref().unwrap().login, "dana");
    let g = app
        .core
        .create_task(
            &admin,
            None,
            NewTask {
                title: "Global".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(g.case_id, None);
    assert_eq!(g.number, 2);
    let page = app
        .core
        .list_tasks(
            &dana,
            None,
            TaskFilter {
                scope: dossier_core::model::TaskScope::All,
                assignee: Some(dossier_core::model::TaskAssignee::Me),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].id, t.id);
    let u = app
        .core
        .update_task(
            &admin,
            Key::Seq(1),
            TaskPatch {
                status_id: Some(4),
                version: Some(1),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(u.status.name, "Done");
    assert_eq!(u.updated_by.as_ref().unwrap().login, "admin");
    let stale = app
        .core
        .update_task(
            &dana,
            Key::Seq(1),
            TaskPatch {
                flagged: Some(true),
                version: Some(1),
                ..Default::default()
            },
        )
        .await;
    assert!(matches!(stale, Err(dossier_core::Error::Conflict(_))), "{stale:?}");
    let bad = app
        .core
        .create_task(
            &dana,
            None,
            NewTask {
                title: "x".into(),
                status_id: Some(42),
                ..Default::default()
            },
        )
        .await;
    assert!(matches!(bad, Err(dossier_core::Error::Validation(ref f)) if f[0].field == "status_id"));
    app.core.delete_task(&dana, Key::Uuid(g.id)).await.unwrap();
    assert!(matches!(
        app.core.get_task(&dana, Key::Seq(2)).await,
        Err(dossier_core::Error::NotFound { .. })
    ));
    // A viewer cannot write through the core either.
    let (_, vkey) = app.member("vic", "viewer").await;
    let vic = app.core.authenticate(&vkey, None, Via::Native).await.unwrap();
    assert!(matches!(
        app.core.delete_task(&vic, Key::Seq(1)).await,
        Err(dossier_core::Error::Forbidden(_))
    ));
    assert_eq!(app.core.get_task(&vic, Key::Seq(1)).await.unwrap().id, t.id);
}

async fn other_workspace_is_denied(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (alice, _) = app.member("alice", "analyst").await;
    let case = new_case(&app, "Zebra-4411 case").await;
    let t = app
        .admin(
            "POST",
            "/api/v1/cases/1/tasks",
            Some(json!({"title": "Zebra-4411 task", "assignees": [alice], "tags": ["zebra-tag"]})),
        )
        .await
        .expect(201);
    let g = app
        .admin("POST", "/api/v1/tasks", Some(json!({"title": "Zebra-4411 global"})))
        .await
        .expect(201);
    let (_, other) = app.tenant("Other").await;
    // The other workspace has its own case #1 and task numbering.
    app.as_key(&other, "POST", "/api/v1/cases", Some(json!({"title": "Mine"})))
        .await
        .expect(201);
    let mine = app
        .as_key(&other, "POST", "/api/v1/cases/1/tasks", Some(json!({"title": "Mine"})))
        .await
        .expect(201);
    assert_eq!(mine.body["number"], 1, "numbers are per workspace");
    let tid = t.body["id"].as_str().unwrap().to_owned();
    let gid = g.body["id"].as_str().unwrap().to_owned();
    let secrets = vec![
        "Zebra-4411".to_owned(),
        tid.clone(),
        gid.clone(),
        case.clone(),
        alice.clone(),
    ];
    for task in [tid.as_str(), gid.as_str()] {
        let p = format!("/api/v1/tasks/{task}");
        denied(&app, &other, "GET", &p, None, &secrets).await;
        denied(&app, &other, "PATCH", &p, Some(json!({"title": "pwned"})), &secrets).await;
        denied(
            &app,
            &other,
            "PATCH",
            &p,
            Some(json!({"title": "pwned", "version": 1})),
            &secrets,
        )
        .await;
        denied(&app, &other, "DELETE", &p, None, &secrets).await;
        denied(&app, &other, "GET", &format!("{p}/activity"), None, &secrets).await;
    }
    // By number: task #2 does not exist over there.
    denied(&app, &other, "GET", "/api/v1/tasks/2", None, &secrets).await;
    denied(
        &app,
        &other,
        "PATCH",
        "/api/v1/tasks/2",
        Some(json!({"status_id": 5})),
        &secrets,
    )
    .await;
    denied(&app, &other, "DELETE", "/api/v1/tasks/2", None, &secrets).await;
    denied(&app, &other, "GET", "/api/v1/tasks/2/activity", None, &secrets).await;
    let cp = format!("/api/v1/cases/{case}/tasks");
    denied(&app, &other, "GET", &cp, None, &secrets).await;
    denied(&app, &other, "POST", &cp, Some(json!({"title": "pwned"})), &secrets).await;
    denied(
        &app,
        &other,
        "GET",
        &format!("/api/v1/tasks?case={case}"),
        None,
        &secrets,
    )
    .await;
    // Lists show only the other workspace's own tasks.
    for p in [
        "/api/v1/tasks?scope=all",
        "/api/v1/tasks",
        "/api/v1/tasks?q=Zebra",
        "/api/v1/cases/1/tasks",
    ] {
        let r = app.as_key(&other, "GET", p, None).await.expect(200);
        for s in &secrets {
            assert!(!r.text.contains(s.as_str()), "{p} leaks {s}: {}", r.text);
        }
    }
    let r = app
        .as_key(&other, "GET", "/api/v1/tasks?scope=all", None)
        .await
        .expect(200);
    assert_eq!(page_numbers(&r), vec![1]);
    // Users of the default workspace cannot be assigned over there.
    let r = app
        .as_key(
            &other,
            "POST",
            "/api/v1/tasks",
            Some(json!({"title": "x", "assignees": [alice]})),
        )
        .await;
    assert_eq!(field_error(&r), ("assignees[0]".into(), "not_a_member".into()));
    let r = app
        .as_key(
            &other,
            "GET",
            &format!("/api/v1/tasks?assignee={alice}&scope=all"),
            None,
        )
        .await
        .expect(200);
    assert_eq!(r.body["items"], json!([]));
    // The owner's rows are unchanged.
    let after = app
        .admin("GET", &format!("/api/v1/tasks/{tid}"), None)
        .await
        .expect(200);
    assert_eq!(after.body, t.body);
    let after = app
        .admin("GET", &format!("/api/v1/tasks/{gid}"), None)
        .await
        .expect(200);
    assert_eq!(after.body, g.body);
}

async fn deleting_a_case_removes_its_tasks(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let case = new_case(&app, "Doomed").await;
    new_case(&app, "Kept").await;
    let (alice, _) = app.member("alice", "analyst").await;
    let doomed = app
        .admin(
            "POST",
            "/api/v1/cases/1/tasks",
            Some(json!({"title": "Doomed task", "assignees": [alice]})),
        )
        .await
        .expect(201);
    app.admin("POST", "/api/v1/cases/2/tasks", Some(json!({"title": "Kept task"})))
        .await
        .expect(201);
    app.admin(
        "POST",
        "/api/v1/tasks",
        Some(json!({"title": "Global task", "assignees": [alice]})),
    )
    .await
    .expect(201);
    app.admin("DELETE", &format!("/api/v1/cases/{case}"), None)
        .await
        .expect(204);
    app.admin("GET", "/api/v1/tasks/1", None).await.expect(404);
    app.admin(
        "GET",
        &format!("/api/v1/tasks/{}", doomed.body["id"].as_str().unwrap()),
        None,
    )
    .await
    .expect(404);
    app.admin("GET", "/api/v1/tasks/2", None).await.expect(200);
    app.admin("GET", "/api/v1/tasks/3", None).await.expect(200);
    let r = app.admin("GET", "/api/v1/tasks?scope=all", None).await.expect(200);
    assert_eq!(page_numbers(&r), vec![2, 3]);
    let r = app
        .admin("GET", &format!("/api/v1/tasks?scope=all&assignee={alice}"), None)
        .await
        .expect(200);
    assert_eq!(page_numbers(&r), vec![3]);
    let r = app
        .admin("GET", "/api/v1/tasks?scope=all&q=Doomed", None)
        .await
        .expect(200);
    assert_eq!(r.body["items"], json!([]));
}

async fn openapi_covers_the_routes(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    openapi_has(
        &app,
        &[
            ("/api/v1/cases/{id}/tasks", &["get", "post"]),
            ("/api/v1/tasks", &["get", "post"]),
            ("/api/v1/tasks/{id}", &["delete", "get", "patch"]),
            ("/api/v1/tasks/{id}/activity", &["get"]),
        ],
        &["Task", "NewTask", "TaskPatch", "TaskStatusRef"],
    )
    .await;
    let r = app.call("GET", "/api/openapi.json", &[], None).await.expect(200);
    let params: Vec<&str> = r.body["paths"]["/api/v1/tasks"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for p in [
        "scope",
        "case",
        "status",
        "assignee",
        "tags",
        "due_after",
        "due_before",
        "q",
        "sort",
        "cursor",
    ] {
        assert!(params.contains(&p), "GET /api/v1/tasks documents `{p}`: {params:?}");
    }
}
