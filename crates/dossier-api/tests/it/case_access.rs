//! Case access is one core rule: what IRIS's access settings decide holds through the native
//! API too, for the case, everything inside it, lists, counts and search.

use dossier_core::Backend;
use serde_json::{Value, json};

use crate::{both, harness::TestApp};

both!(
    deny_all_and_read_only_hold_in_every_api,
    teams_and_rows_override_in_order,
    alerts_follow_case_access_and_capabilities,
);

/// The IRIS number of a user of the default workspace, by login.
async fn iris_number(app: &TestApp, login: &str) -> i64 {
    let list = app.iris_ok("GET", "/manage/users/list", None).await;
    list.as_array()
        .and_then(|l| l.iter().find(|u| u["user_login"] == login))
        .and_then(|u| u["user_id"].as_i64())
        .unwrap_or_else(|| panic!("no IRIS user {login}: {list}"))
}

async fn set_user_access(app: &TestApp, user: i64, cases: &[i64], level: i64) {
    app.iris_ok(
        "POST",
        &format!("/manage/users/{user}/cases-access/update"),
        Some(json!({"cases_list": cases, "access_level": level})),
    )
    .await;
}

fn numbers(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .map(|l| l.iter().filter_map(|c| c["number"].as_i64()).collect())
        .unwrap_or_default()
}

async fn deny_all_and_read_only_hold_in_every_api(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    // Case 1 is IRIS's primary case; 2 will be hidden, 3 read-only, 4 untouched.
    app.iris_ok("GET", "/manage/cases/list", None).await;
    for t in ["Hidden quuxotic case", "Read-only case", "Open case"] {
        app.admin("POST", "/api/v1/cases", Some(json!({"title": t})))
            .await
            .expect(201);
    }
    // Things inside the hidden case, made by the admin.
    app.admin(
        "POST",
        "/api/v1/cases/2/observables",
        Some(json!({"type": "domain", "value": "quuxotic.example"})),
    )
    .await
    .expect(201);
    let task = app
        .admin("POST", "/api/v1/cases/2/tasks", Some(json!({"title": "Hidden task"})))
        .await
        .expect(201);
    let note = app
        .admin(
            "POST",
            "/api/v1/cases/2/notes",
            Some(json!({"title": "Hidden note", "content": "quuxotic details"})),
        )
        .await
        .expect(201);
    app.admin(
        "POST",
        "/api/v1/cases/2/comments",
        Some(json!({"content": "hidden words"})),
    )
    .await
    .expect(201);

    let (_, ana) = app.member("ana", "analyst").await;
    let n = iris_number(&app, "ana").await;
    set_user_access(&app, n, &[2], 1).await;
    set_user_access(&app, n, &[3], 2).await;

    // The hidden case does not exist for her, whatever names it.
    let task_id = task.body["id"].as_str().unwrap_or_default().to_owned();
    let note_id = note.body["id"].as_str().unwrap_or_default().to_owned();
    for path in [
        "/api/v1/cases/2".to_owned(),
        "/api/v1/cases/2/activity".to_owned(),
        "/api/v1/cases/2/observables".to_owned(),
        "/api/v1/cases/2/assets".to_owned(),
        "/api/v1/cases/2/tasks".to_owned(),
        "/api/v1/cases/2/notes".to_owned(),
        "/api/v1/cases/2/note-directories".to_owned(),
        "/api/v1/cases/2/timeline".to_owned(),
        "/api/v1/cases/2/evidence".to_owned(),
        "/api/v1/cases/2/comments".to_owned(),
        "/api/v1/cases/2/related".to_owned(),
        "/api/v1/cases/2/summary-versions".to_owned(),
        format!("/api/v1/tasks/{task_id}"),
        format!("/api/v1/notes/{note_id}"),
        format!("/api/v1/notes/{note_id}/revisions"),
    ] {
        let r = app.as_key(&ana, "GET", &path, None).await;
        assert_eq!(r.status.as_u16(), 404, "GET {path}: {}", r.text);
    }
    for (m, path, body) in [
        ("PATCH", "/api/v1/cases/2", json!({"title": "x"})),
        ("DELETE", "/api/v1/cases/2", Value::Null),
        ("POST", "/api/v1/cases/2/tasks", json!({"title": "x"})),
        ("POST", "/api/v1/cases/2/comments", json!({"content": "x"})),
    ] {
        let body = (!body.is_null()).then_some(body);
        let r = app.as_key(&ana, m, path, body).await;
        assert_eq!(r.status.as_u16(), 404, "{m} {path}: {}", r.text);
    }
    let r = app
        .as_key(
            &ana,
            "PATCH",
            &format!("/api/v1/tasks/{task_id}"),
            Some(json!({"title": "x"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 404, "{}", r.text);

    // Lists and counts leave it out inside the query: the total agrees with the items.
    let page = app
        .as_key(&ana, "GET", "/api/v1/cases?count=true", None)
        .await
        .expect(200);
    assert_eq!(numbers(&page.body), [4, 3, 1]);
    assert_eq!(page.body["total"], 3);
    let one = app.as_key(&ana, "GET", "/api/v1/cases?limit=1", None).await.expect(200);
    assert_eq!(numbers(&one.body), [4]);
    let all = app.admin("GET", "/api/v1/cases?count=true", None).await.expect(200);
    assert_eq!(all.body["total"], 4);
    let tasks = app
        .as_key(&ana, "GET", "/api/v1/tasks?scope=all", None)
        .await
        .expect(200);
    assert_eq!(tasks.body["items"].as_array().map(Vec::len), Some(0), "{}", tasks.text);
    let tasks = app.admin("GET", "/api/v1/tasks?scope=all", None).await.expect(200);
    assert_eq!(tasks.body["items"].as_array().map(Vec::len), Some(1));
    // Search: the admin finds the hidden case and its note; she finds neither.
    let hits = |v: &Value| v["items"].as_array().map_or(0, Vec::len);
    let mine = app
        .as_key(&ana, "GET", "/api/v1/search?q=quuxotic", None)
        .await
        .expect(200);
    assert_eq!(hits(&mine.body), 0, "{}", mine.text);
    let theirs = app.admin("GET", "/api/v1/search?q=quuxotic", None).await.expect(200);
    assert!(hits(&theirs.body) >= 2, "{}", theirs.text);

    // The read-only case reads but refuses every write, with 403.
    app.as_key(&ana, "GET", "/api/v1/cases/3", None).await.expect(200);
    app.as_key(&ana, "GET", "/api/v1/cases/3/observables", None)
        .await
        .expect(200);
    for (m, path, body) in [
        ("PATCH", "/api/v1/cases/3", json!({"severity": "high"})),
        (
            "POST",
            "/api/v1/cases/3/observables",
            json!({"type": "ip", "value": "192.0.2.1"}),
        ),
        ("POST", "/api/v1/cases/3/tasks", json!({"title": "x"})),
        ("POST", "/api/v1/cases/3/notes", json!({"title": "x", "content": "y"})),
        ("POST", "/api/v1/cases/3/comments", json!({"content": "x"})),
    ] {
        let r = app.as_key(&ana, m, path, Some(body)).await;
        assert_eq!(r.status.as_u16(), 403, "{m} {path}: {}", r.text);
    }
    let r = app.as_key(&ana, "DELETE", "/api/v1/cases/3", None).await;
    assert_eq!(r.status.as_u16(), 403, "{}", r.text);
    // An untouched case is hers to change.
    app.as_key(&ana, "PATCH", "/api/v1/cases/4", Some(json!({"severity": "high"})))
        .await
        .expect(200);
    app.as_key(&ana, "POST", "/api/v1/cases/4/tasks", Some(json!({"title": "Mine"})))
        .await
        .expect(201);

    // IRIS answers the same rule in its own shape.
    let r = app.iris_as(&ana, "GET", "/case/ioc/list?cid=2", None).await;
    assert_eq!(r.status.as_u16(), 403, "{}", r.text);
    let r = app
        .iris_as(
            &ana,
            "POST",
            "/case/ioc/add?cid=3",
            Some(json!({"ioc_value": "x", "ioc_type_id": 1})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 403, "{}", r.text);
    let r = app.iris_as(&ana, "GET", "/case/ioc/list?cid=3", None).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);

    // Lifting the row makes the case visible again, at once.
    set_user_access(&app, n, &[2], 4).await;
    app.as_key(&ana, "GET", "/api/v1/cases/2", None).await.expect(200);
    let page = app
        .as_key(&ana, "GET", "/api/v1/cases?count=true", None)
        .await
        .expect(200);
    assert_eq!(page.body["total"], 4);
}

/// The rule's order: role, then teams (a following team on every case), then the user's own
/// row (customer memberships sit between the two; nothing sets them yet). The native reads agree with IRIS's step-by-step audit.
async fn teams_and_rows_override_in_order(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.iris_ok("GET", "/manage/cases/list", None).await;
    for t in ["Two", "Three", "Four", "Five"] {
        app.admin("POST", "/api/v1/cases", Some(json!({"title": t})))
            .await
            .expect(201);
    }
    let (_, bob) = app.member("bob", "analyst").await;
    let n = iris_number(&app, "bob").await;
    // A team that follows every case with read-only access lowers the analyst's default.
    let g = app
        .iris_ok(
            "POST",
            "/manage/groups/add",
            Some(json!({"group_name": "Readers", "group_description": "r", "group_permissions": [1]})),
        )
        .await;
    let gid = g["group_id"].as_i64().unwrap_or_default();
    app.iris_ok(
        "POST",
        &format!("/manage/groups/{gid}/members/update"),
        Some(json!({"group_members": [n]})),
    )
    .await;
    app.iris_ok(
        "POST",
        &format!("/manage/groups/{gid}/cases-access/update"),
        Some(json!({"cases_list": [], "access_level": 2, "auto_follow_cases": true})),
    )
    .await;
    // A second team grants full access on case 3 only: the best team wins there.
    let g2 = app
        .iris_ok(
            "POST",
            "/manage/groups/add",
            Some(json!({"group_name": "Case three", "group_description": "w", "group_permissions": [1]})),
        )
        .await;
    let gid2 = g2["group_id"].as_i64().unwrap_or_default();
    app.iris_ok(
        "POST",
        &format!("/manage/groups/{gid2}/members/update"),
        Some(json!({"group_members": [n]})),
    )
    .await;
    app.iris_ok(
        "POST",
        &format!("/manage/groups/{gid2}/cases-access/update"),
        Some(json!({"cases_list": [3], "access_level": 4, "auto_follow": false})),
    )
    .await;
    // His own row denies case 5, and one lifts case 4 to full access.
    set_user_access(&app, n, &[5], 1).await;
    set_user_access(&app, n, &[4], 4).await;

    // What each case allows him, read from the native API: 404 hidden, 403 read-only, 200 full.
    let mut seen = Vec::new();
    for case in 1..=5 {
        let read = app.as_key(&bob, "GET", &format!("/api/v1/cases/{case}"), None).await;
        let level = match read.status.as_u16() {
            404 => 1,
            200 => {
                let w = app
                    .as_key(&bob, "PATCH", &format!("/api/v1/cases/{case}"), Some(json!({})))
                    .await;
                match w.status.as_u16() {
                    200 => 4,
                    403 => 2,
                    s => panic!("case {case}: write answered {s}: {}", w.text),
                }
            }
            s => panic!("case {case}: read answered {s}: {}", read.text),
        };
        seen.push(level);
    }
    assert_eq!(seen, [2, 2, 4, 4, 1]);
    // The list holds exactly the readable ones.
    let page = app
        .as_key(&bob, "GET", "/api/v1/cases?count=true", None)
        .await
        .expect(200);
    assert_eq!(numbers(&page.body), [4, 3, 2, 1]);
    assert_eq!(page.body["total"], 4);
    // IRIS's audit (computed step by step in Rust) agrees with the SQL rule the reads used.
    let audit = app
        .iris_ok("GET", &format!("/manage/access-control/audit/users/{n}"), None)
        .await;
    for (case, level) in (1..=5).zip(seen) {
        assert_eq!(
            audit["access_audit"][case.to_string()]["user_effective_access"][0]["value"],
            level,
            "case {case}: {audit}"
        );
    }
}

/// Merging an alert needs write access to the target case; deleting an alert needs the
/// `alerts_delete` capability (the admin role's, or a team's). Both are core rules.
async fn alerts_follow_case_access_and_capabilities(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.iris_ok("GET", "/manage/cases/list", None).await;
    for t in ["Hidden", "Read-only"] {
        app.admin("POST", "/api/v1/cases", Some(json!({"title": t})))
            .await
            .expect(201);
    }
    for r in ["a-1", "a-2"] {
        app.admin(
            "POST",
            "/api/v1/alerts",
            Some(json!({"title": r, "source": "edr", "source_ref": r})),
        )
        .await
        .expect(201);
    }
    let (_, ana) = app.member("ana", "analyst").await;
    let n = iris_number(&app, "ana").await;
    set_user_access(&app, n, &[2], 1).await;
    set_user_access(&app, n, &[3], 2).await;
    // A hidden target case is no such case; a read-only one refuses the merge.
    let r = app
        .as_key(&ana, "POST", "/api/v1/alerts/1/merge", Some(json!({"case_id": "2"})))
        .await;
    assert_eq!(r.status.as_u16(), 422, "{}", r.text);
    let r = app
        .as_key(&ana, "POST", "/api/v1/alerts/1/merge", Some(json!({"case_id": "3"})))
        .await;
    assert_eq!(r.status.as_u16(), 403, "{}", r.text);
    let alert = app.admin("GET", "/api/v1/alerts/1", None).await.expect(200);
    assert_eq!(alert.body["cases"], json!([]));
    app.as_key(&ana, "POST", "/api/v1/alerts/1/merge", Some(json!({"case_id": "1"})))
        .await
        .expect(200);
    // Analysts read and change alerts but do not delete them.
    let r = app.iris_as(&ana, "POST", "/alerts/delete/2", None).await;
    assert_eq!(r.status.as_u16(), 403, "{}", r.text);
    // A team with alerts_delete (0x10) grants it.
    let g = app
        .iris_ok(
            "POST",
            "/manage/groups/add",
            Some(json!({"group_name": "Cleaners", "group_description": "c", "group_permissions": [16]})),
        )
        .await;
    let gid = g["group_id"].as_i64().unwrap_or_default();
    app.iris_ok(
        "POST",
        &format!("/manage/groups/{gid}/members/update"),
        Some(json!({"group_members": [n]})),
    )
    .await;
    let r = app.iris_as(&ana, "POST", "/alerts/delete/2", None).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let r = app.admin("GET", "/api/v1/alerts/2", None).await;
    assert_eq!(r.status.as_u16(), 404);
}
