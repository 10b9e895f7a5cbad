//! IRIS dialect: case tasks (`/case/tasks/*`) and global tasks (`/global/tasks/*`): shapes field
//! by field, values read back, assignees by user number (unknown ones skipped), Done leaving the
//! close fields null, the IRIS messages of unknown ids, bad input, other cases, workspaces and
//! roles.

use dossier_core::Backend;
use serde_json::{Value, json};

use crate::{
    both,
    harness::{TestApp, fields, keys},
};

both!(
    case_task_round_trip,
    case_task_bad_input,
    case_tasks_stay_in_their_case,
    global_task_round_trip,
    global_task_bad_input
);

pub(crate) const TASK: &[&str] = &[
    "id",
    "task_uuid",
    "task_case_id",
    "task_title",
    "task_description",
    "task_tags",
    "task_status_id",
    "task_open_date",
    "task_close_date",
    "task_last_update",
    "task_userid_open",
    "task_userid_close",
    "task_userid_update",
    "task_assignees",
    "custom_attributes",
    "modification_history",
];

const LIST_TASK: &[&str] = &[
    "task_id",
    "task_uuid",
    "task_title",
    "task_description",
    "task_open_date",
    "task_tags",
    "task_status_id",
    "status_name",
    "status_bscolor",
    "task_assignees",
];

const GLOBAL_TASK: &[&str] = &[
    "task_id",
    "task_uuid",
    "task_title",
    "task_description",
    "task_tags",
    "task_assignee_id",
    "task_status_id",
    "task_open_date",
    "task_close_date",
    "task_last_update",
    "task_userid_open",
    "task_userid_close",
    "task_userid_update",
];

/// A new case made through the native API; returns its number (the IRIS `cid`).
pub(crate) async fn new_case(app: &TestApp, key: &str, title: &str) -> i64 {
    let r = app
        .as_key(key, "POST", "/api/v1/cases", Some(json!({"title": title})))
        .await
        .expect(201);
    r.body["number"].as_i64().unwrap()
}

/// A user's IRIS number.
pub(crate) async fn user_number(app: &TestApp, login: &str) -> i64 {
    app.core.user_by_login(login).await.unwrap().number
}

/// Asserts an IRIS error: HTTP status and exact message; returns the body.
#[track_caller]
pub(crate) fn err(r: &crate::harness::Resp, status: u16, message: &str) -> Value {
    assert_eq!(r.status.as_u16(), status, "{}", r.text);
    assert_eq!(r.body["status"], "error", "{}", r.text);
    assert_eq!(r.body["message"], message, "{}", r.text);
    r.body["data"].clone()
}

fn is_datetime(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| s.len() == 26 && s.as_bytes()[10] == b'T' && s.as_bytes()[19] == b'.')
}

async fn case_task_round_trip(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let cid = new_case(&app, crate::harness::ADMIN_KEY, "Tasks").await;
    let admin = user_number(&app, "admin").await;
    let (_, _) = app.member("bob", "analyst").await;
    let bob = user_number(&app, "bob").await;

    let before = app.iris_ok("GET", &format!("/case/tasks/state?cid={cid}"), None).await;
    assert_eq!(keys(&before), fields(&["object_last_update", "object_state"]));

    let r = app
        .iris(
            "POST",
            "/case/tasks/add",
            Some(json!({
                "task_title": "Collect triage", "task_status_id": "1", "task_description": "KAPE on DC01",
                "task_tags": "triage,dc", "task_assignees_id": [admin, 111155551111i64, bob, admin],
                "custom_attributes": {}, "cid": cid
            })),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "Task 'Collect triage' added");
    let t = r.body["data"].clone();
    assert_eq!(keys(&t), fields(TASK));
    let id = t["id"].as_i64().unwrap();
    assert_eq!(t["task_case_id"], cid);
    assert_eq!(t["task_title"], "Collect triage");
    assert_eq!(t["task_description"], "KAPE on DC01");
    assert_eq!(t["task_tags"], "triage,dc");
    assert_eq!(t["task_status_id"], 1);
    assert!(is_datetime(&t["task_open_date"]), "{t}");
    assert!(is_datetime(&t["task_last_update"]), "{t}");
    assert_eq!(t["task_close_date"], Value::Null);
    assert_eq!(t["task_userid_open"], admin);
    assert_eq!(t["task_userid_update"], admin);
    assert_eq!(t["task_userid_close"], Value::Null);
    assert_eq!(t["custom_attributes"], json!({}));
    let assignees = t["task_assignees"].as_array().unwrap();
    assert_eq!(
        assignees.len(),
        2,
        "the unknown number is skipped, the duplicate merged: {t}"
    );
    assert_eq!(keys(&assignees[0]), fields(&["id", "name", "user"]));
    assert_eq!(
        assignees[0],
        json!({"id": admin, "user": "admin", "name": assignees[0]["name"]})
    );
    assert_eq!(assignees[1]["id"], bob);
    assert_eq!(assignees[1]["user"], "bob");
    let history = t["modification_history"].as_object().unwrap();
    assert_eq!(history.len(), 1);
    let entry = history.values().next().unwrap();
    assert_eq!(entry["action"], "created");
    assert_eq!(entry["user_id"], admin);
    assert_eq!(entry["user"], "admin");

    let got = app.iris_ok("GET", &format!("/case/tasks/{id}?cid={cid}"), None).await;
    assert_eq!(got["task_title"], "Collect triage");
    assert_eq!(got["task_assignees"], t["task_assignees"]);

    let list = app.iris_ok("GET", &format!("/case/tasks/list?cid={cid}"), None).await;
    assert_eq!(keys(&list), fields(&["state", "tasks", "tasks_status"]));
    let statuses = list["tasks_status"].as_array().unwrap();
    assert_eq!(statuses.len(), 5);
    assert_eq!(
        keys(&statuses[0]),
        fields(&["id", "status_bscolor", "status_description", "status_name"])
    );
    assert_eq!(statuses[0]["status_name"], "To do");
    assert_eq!(
        statuses[3],
        json!({"id": 4, "status_name": "Done", "status_description": "", "status_bscolor": "success"})
    );
    let tasks = list["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 1);
    assert_eq!(keys(&tasks[0]), fields(LIST_TASK));
    assert_eq!(tasks[0]["task_id"], id);
    assert_eq!(tasks[0]["status_name"], "To do");
    assert_eq!(tasks[0]["status_bscolor"], "danger");
    assert_eq!(tasks[0]["task_assignees"], t["task_assignees"]);
    assert_eq!(keys(&list["state"]), fields(&["object_last_update", "object_state"]));
    assert!(list["state"]["object_state"].as_i64().unwrap() > before["object_state"].as_i64().unwrap());

    // A full update, as the client sends it: Done leaves the close fields null.
    let r = app
        .iris(
            "POST",
            &format!("/case/tasks/update/{id}"),
            Some(json!({
                "task_title": "Collect triage v2", "task_status_id": 4, "task_description": "done",
                "task_tags": "tag1,tag2", "task_assignees_id": [bob], "custom_attributes": {"k": 1}, "cid": cid
            })),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "Task 'Collect triage v2' updated");
    let u = r.body["data"].clone();
    assert_eq!(keys(&u), fields(TASK));
    assert_eq!(u["id"], id);
    assert_eq!(u["task_status_id"], 4);
    assert_eq!(u["task_close_date"], Value::Null);
    assert_eq!(u["task_userid_close"], Value::Null);
    assert_eq!(u["task_tags"], "tag1,tag2");
    assert_eq!(u["task_description"], "done");
    assert_eq!(u["custom_attributes"], json!({"k": 1}));
    assert_eq!(u["task_assignees"].as_array().unwrap().len(), 1);
    assert_eq!(u["task_assignees"][0]["id"], bob);
    assert!(
        u["modification_history"]
            .as_object()
            .unwrap()
            .values()
            .any(|e| e["action"] == "updated")
    );

    // The v1.0.1 single assignee is taken too (D4).
    let u = app
        .iris_ok(
            "POST",
            &format!("/case/tasks/update/{id}?cid={cid}"),
            Some(json!({"task_assignee_id": admin})),
        )
        .await;
    assert_eq!(u["task_assignees"][0]["id"], admin);
    assert_eq!(u["task_title"], "Collect triage v2", "absent fields stay");
    let single = app
        .iris_ok(
            "POST",
            &format!("/case/tasks/add?cid={cid}"),
            Some(json!({"task_title": "Single", "task_status_id": 2, "task_assignee_id": bob})),
        )
        .await;
    assert_eq!(single["task_assignees"][0]["id"], bob);
    assert_eq!(single["task_description"], "");
    assert_eq!(single["task_tags"], "");

    let r = app
        .iris("POST", &format!("/case/tasks/delete/{id}?cid={cid}"), None)
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "Task deleted");
    let r = app.iris("GET", &format!("/case/tasks/{id}?cid={cid}"), None).await;
    err(&r, 400, "Invalid task ID for this case");
    // Delete also answers GET (D2).
    let sid = single["id"].as_i64().unwrap();
    let r = app
        .iris("GET", &format!("/case/tasks/delete/{sid}?cid={cid}"), None)
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let list = app.iris_ok("GET", &format!("/case/tasks/list?cid={cid}"), None).await;
    assert_eq!(list["tasks"], json!([]));
}

async fn case_task_bad_input(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let cid = new_case(&app, crate::harness::ADMIN_KEY, "Bad").await;
    let add = |body: Value| {
        let app = &app;
        async move {
            app.iris("POST", &format!("/case/tasks/add?cid={cid}"), Some(body))
                .await
        }
    };
    let d = err(&add(json!({"task_status_id": 1})).await, 400, "Data error");
    assert!(d["task_title"].is_array(), "{d}");
    let d = err(
        &add(json!({"task_title": "x", "task_status_id": 1})).await,
        400,
        "Data error",
    );
    assert!(d["task_title"].is_array(), "{d}");
    let d = err(&add(json!({"task_title": "ok title"})).await, 400, "Data error");
    assert!(d["task_status_id"].is_array(), "{d}");
    let d = err(
        &add(json!({"task_title": "ok title", "task_status_id": 111155551111i64})).await,
        400,
        "Data error",
    );
    assert_eq!(d, json!({"task_status_id": ["Invalid task status ID"]}));
    let d = err(
        &add(json!({"task_title": "ok title", "task_status_id": "todo"})).await,
        400,
        "Data error",
    );
    assert_eq!(d, json!({"task_status_id": ["Invalid data type"]}));
    let d = err(
        &add(json!({"task_title": "ok title", "task_status_id": 1, "task_assignees_id": ["x"]})).await,
        400,
        "Data error",
    );
    assert!(d["task_assignees_id"].is_array(), "{d}");
    let d = err(
        &add(json!({"task_title": "ok title", "task_status_id": 1, "task_tags": 5})).await,
        400,
        "Data error",
    );
    assert!(d["task_tags"].is_array(), "{d}");
    let d = err(
        &add(json!({"task_title": "ok title", "task_status_id": 1, "custom_attributes": "x"})).await,
        400,
        "Data error",
    );
    assert!(d["custom_attributes"].is_array(), "{d}");
    let r = app
        .call(
            "POST",
            &format!("/case/tasks/add?cid={cid}"),
            &[("authorization", &format!("Bearer {}", crate::harness::ADMIN_KEY))],
            Some("{not json"),
        )
        .await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text);

    let t = add(json!({"task_title": "Real", "task_status_id": 1})).await;
    assert_eq!(t.status.as_u16(), 200, "{}", t.text);
    let id = t.body["data"]["id"].as_i64().unwrap();
    for raw in ["111155551111", "-1", "abc", "0", "99999999999999999999"] {
        for (m, p) in [
            ("GET", format!("/case/tasks/{raw}?cid={cid}")),
            ("POST", format!("/case/tasks/update/{raw}?cid={cid}")),
            ("POST", format!("/case/tasks/delete/{raw}?cid={cid}")),
        ] {
            let r = app.iris(m, &p, Some(json!({"task_title": "New title"}))).await;
            err(&r, 400, "Invalid task ID for this case");
        }
    }
    let d = err(
        &app.iris(
            "POST",
            &format!("/case/tasks/update/{id}?cid={cid}"),
            Some(json!({"task_status_id": 111155551111i64})),
        )
        .await,
        400,
        "Data error",
    );
    assert_eq!(d, json!({"task_status_id": ["Invalid task status ID"]}));
    // An unknown case is a 403 for everyone, in the envelope.
    let r = app.iris("GET", "/case/tasks/list?cid=111155551111", None).await;
    let d = err(&r, 403, "Permission denied");
    assert_eq!(d["case_id"], 111155551111i64);
    let r = app
        .iris(
            "POST",
            "/case/tasks/add?cid=999999",
            Some(json!({"task_title": "ok title", "task_status_id": 1})),
        )
        .await;
    err(&r, 403, "Permission denied");
    // A viewer reads but does not write.
    let (_, viewer) = app.member("vera", "viewer").await;
    let r = app
        .iris_as(&viewer, "GET", &format!("/case/tasks/list?cid={cid}"), None)
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    for (m, p) in [
        ("POST", format!("/case/tasks/add?cid={cid}")),
        ("POST", format!("/case/tasks/update/{id}?cid={cid}")),
        ("POST", format!("/case/tasks/delete/{id}?cid={cid}")),
    ] {
        let r = app
            .iris_as(
                &viewer,
                m,
                &p,
                Some(json!({"task_title": "ok title", "task_status_id": 1})),
            )
            .await;
        assert_eq!(r.status.as_u16(), 403, "{m} {p}: {}", r.text);
        assert_eq!(r.body["message"], "Permission denied");
    }
    let still = app.iris_ok("GET", &format!("/case/tasks/{id}?cid={cid}"), None).await;
    assert_eq!(still["task_title"], "Real");
    // No key.
    let r = app.call("GET", &format!("/case/tasks/list?cid={cid}"), &[], None).await;
    err(&r, 401, "Authentication required");
}

async fn case_tasks_stay_in_their_case(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let a = new_case(&app, crate::harness::ADMIN_KEY, "A").await;
    let other = new_case(&app, crate::harness::ADMIN_KEY, "B").await;
    let t = app
        .iris_ok(
            "POST",
            &format!("/case/tasks/add?cid={a}"),
            Some(json!({"task_title": "In A", "task_status_id": 1, "task_assignees_id": []})),
        )
        .await;
    let id = t["id"].as_i64().unwrap();
    for (m, p) in [
        ("GET", format!("/case/tasks/{id}?cid={other}")),
        ("POST", format!("/case/tasks/update/{id}?cid={other}")),
        ("POST", format!("/case/tasks/delete/{id}?cid={other}")),
    ] {
        let r = app.iris(m, &p, Some(json!({"task_title": "Moved"}))).await;
        err(&r, 400, "Invalid task ID for this case");
    }
    let list = app.iris_ok("GET", &format!("/case/tasks/list?cid={other}"), None).await;
    assert_eq!(list["tasks"], json!([]));
    // A global task is not a case task, nor the other way round.
    let g = app
        .iris_ok(
            "POST",
            "/global/tasks/add",
            Some(json!({"task_title": "Global", "task_status_id": 1, "task_assignee_id": user_number(&app, "admin").await})),
        )
        .await;
    let gid = g["task_id"].as_i64().unwrap();
    err(
        &app.iris("GET", &format!("/case/tasks/{gid}?cid={a}"), None).await,
        400,
        "Invalid task ID for this case",
    );
    err(
        &app.iris("GET", &format!("/global/tasks/{id}"), None).await,
        400,
        &format!("Global task ID {id} not found"),
    );
    // Another workspace reaches neither the case nor the task: its only case is its own
    // primary case (number 1), where the task number names nothing.
    let (_, tenant) = app.tenant("Elsewhere").await;
    let r = app
        .iris_as(&tenant, "GET", &format!("/case/tasks/{id}?cid={other}"), None)
        .await;
    err(&r, 403, "Permission denied");
    let r = app.iris_as(&tenant, "GET", &format!("/case/tasks/{id}"), None).await;
    err(&r, 400, "Invalid task ID for this case");
    let r = app.iris_as(&tenant, "GET", &format!("/global/tasks/{gid}"), None).await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text);
    assert_eq!(r.body["message"], format!("Global task ID {gid} not found"));
    let r = app
        .iris_as(&tenant, "POST", &format!("/global/tasks/delete/{gid}"), None)
        .await;
    assert_eq!(r.body["message"], "Invalid global task ID");
    let r = app.iris_as(&tenant, "GET", "/global/tasks/list", None).await;
    assert_eq!(r.body["data"]["tasks"], json!([]));
}

async fn global_task_round_trip(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let admin = user_number(&app, "admin").await;
    let (_, _) = app.member("carol", "analyst").await;
    let carol = user_number(&app, "carol").await;
    let r = app
        .iris(
            "POST",
            "/global/tasks/add",
            Some(json!({
                "task_assignee_id": admin, "task_description": "dummy description", "task_status_id": 1,
                "task_tags": "tag1,tag2", "task_title": "dummy title", "cid": 1
            })),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "Task added");
    let t = r.body["data"].clone();
    assert_eq!(keys(&t), fields(GLOBAL_TASK));
    let id = t["task_id"].as_i64().unwrap();
    assert_eq!(t["task_assignee_id"], admin);
    assert_eq!(t["task_title"], "dummy title");
    assert_eq!(t["task_description"], "dummy description");
    assert_eq!(t["task_tags"], "tag1,tag2");
    assert_eq!(t["task_status_id"], 1);
    assert_eq!(t["task_close_date"], Value::Null);
    assert_eq!(t["task_userid_close"], Value::Null);
    assert_eq!(t["task_userid_open"], admin);
    assert_eq!(t["task_userid_update"], admin);
    assert!(is_datetime(&t["task_open_date"]) && is_datetime(&t["task_last_update"]));

    let got = app.iris_ok("GET", &format!("/global/tasks/{id}?cid=1"), None).await;
    assert_eq!(got, t);

    let list = app.iris_ok("GET", "/global/tasks/list?cid=1", None).await;
    assert_eq!(keys(&list), fields(&["tasks", "tasks_status"]));
    assert_eq!(list["tasks_status"].as_array().unwrap().len(), 5);
    let items = list["tasks"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let mut want = GLOBAL_TASK.to_vec();
    want.extend(["user_name", "status_name", "status_bscolor"]);
    assert_eq!(keys(&items[0]), fields(&want));
    assert_eq!(items[0]["user_name"], "Administrator");
    assert_eq!(items[0]["status_name"], "To do");
    assert_eq!(items[0]["status_bscolor"], "danger");

    // The client's update sends every field and no cid (D15).
    let r = app
        .iris(
            "POST",
            &format!("/global/tasks/update/{id}"),
            Some(json!({
                "task_assignee_id": carol, "task_description": "dummy description", "task_status_id": 4,
                "task_tags": "tag1,tag2", "task_title": "new dummy title"
            })),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "Task updated");
    let u = r.body["data"].clone();
    assert_eq!(keys(&u), fields(GLOBAL_TASK));
    assert_eq!(u["task_title"], "new dummy title");
    assert_eq!(u["task_status_id"], 4);
    assert_eq!(u["task_assignee_id"], carol);
    assert_eq!(u["task_close_date"], Value::Null);
    assert_eq!(u["task_userid_close"], Value::Null);
    let list = app.iris_ok("GET", "/global/tasks/list", None).await;
    assert_eq!(list["tasks"][0]["user_name"], "carol");
    assert_eq!(list["tasks"][0]["status_name"], "Done");

    let r = app
        .iris("POST", &format!("/global/tasks/delete/{id}?cid=1"), None)
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "Task deleted");
    err(
        &app.iris("GET", &format!("/global/tasks/{id}"), None).await,
        400,
        &format!("Global task ID {id} not found"),
    );
    let list = app.iris_ok("GET", "/global/tasks/list", None).await;
    assert_eq!(list["tasks"], json!([]));
}

async fn global_task_bad_input(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let admin = user_number(&app, "admin").await;
    let add = |body: Value| {
        let app = &app;
        async move { app.iris("POST", "/global/tasks/add", Some(body)).await }
    };
    let d = err(
        &add(json!({"task_title": "dummy title", "task_status_id": 1, "task_assignee_id": 111155551111i64})).await,
        400,
        "Data error",
    );
    assert!(d["task_assignee_id"].is_array(), "{d}");
    let d = err(
        &add(json!({"task_title": "dummy title", "task_status_id": 1})).await,
        400,
        "Data error",
    );
    assert!(d["task_assignee_id"].is_array(), "{d}");
    let d = err(
        &add(json!({"task_title": "dummy title", "task_status_id": 111155551111i64, "task_assignee_id": admin})).await,
        400,
        "Data error",
    );
    assert_eq!(d, json!({"task_status_id": ["Invalid task status ID"]}));
    let d = err(
        &add(json!({"task_title": "d", "task_status_id": 1, "task_assignee_id": admin})).await,
        400,
        "Data error",
    );
    assert!(d["task_title"].is_array(), "{d}");

    for raw in ["111155551111", "-1", "x"] {
        err(
            &app.iris("GET", &format!("/global/tasks/{raw}"), None).await,
            400,
            &format!("Global task ID {raw} not found"),
        );
        let r = app
            .iris(
                "POST",
                &format!("/global/tasks/update/{raw}"),
                Some(json!({"task_title": "t2"})),
            )
            .await;
        assert_eq!(err(&r, 400, "Data error"), json!("Invalid task ID"));
        err(
            &app.iris("POST", &format!("/global/tasks/delete/{raw}"), None).await,
            400,
            "Invalid global task ID",
        );
    }
    let t = add(json!({"task_title": "dummy title", "task_status_id": 1, "task_assignee_id": admin})).await;
    let id = t.body["data"]["task_id"].as_i64().unwrap();
    let r = app
        .iris(
            "POST",
            &format!("/global/tasks/update/{id}"),
            Some(json!({"task_assignee_id": 111155551111i64, "task_title": "dummy title"})),
        )
        .await;
    let d = err(&r, 400, "Data error");
    assert!(d["task_assignee_id"].is_array(), "{d}");
    let r = app
        .iris(
            "POST",
            &format!("/global/tasks/update/{id}"),
            Some(json!({"task_status_id": 111155551111i64})),
        )
        .await;
    assert_eq!(
        err(&r, 400, "Data error"),
        json!({"task_status_id": ["Invalid task status ID"]})
    );
    // A viewer lists but does not write.
    let (_, viewer) = app.member("vic", "viewer").await;
    let r = app.iris_as(&viewer, "GET", "/global/tasks/list", None).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    for (p, body) in [
        (
            "/global/tasks/add".to_owned(),
            json!({"task_title": "dummy title", "task_status_id": 1, "task_assignee_id": admin}),
        ),
        (
            format!("/global/tasks/update/{id}"),
            json!({"task_title": "viewer title"}),
        ),
        (format!("/global/tasks/delete/{id}"), json!({})),
    ] {
        let r = app.iris_as(&viewer, "POST", &p, Some(body)).await;
        assert_eq!(r.status.as_u16(), 403, "{p}: {}", r.text);
        assert_eq!(r.body["message"], "Permission denied");
    }
    let got = app.iris_ok("GET", &format!("/global/tasks/{id}"), None).await;
    assert_eq!(got["task_title"], "dummy title");
}
