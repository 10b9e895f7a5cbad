//! IRIS dialect: note directories and notes (`/case/notes/*`): shapes field by field, the
//! directory tree, values read back, search (body `search_term` and query `search_input`, D7),
//! the removed notes groups (410), unknown ids, bad input, other cases, workspaces and roles.

use dossier_core::Backend;
use serde_json::{Value, json};

use crate::{
    both,
    harness::{TestApp, fields, keys},
    iris_tasks::{err, new_case, user_number},
};

both!(
    directories_round_trip,
    notes_round_trip,
    search_finds_title_and_content,
    notes_bad_input,
    notes_stay_in_their_case
);

const DIRECTORY: &[&str] = &["id", "name", "parent_id", "case_id"];
const NOTE: &[&str] = &[
    "note_id",
    "note_uuid",
    "note_title",
    "note_content",
    "note_user",
    "note_creationdate",
    "note_lastupdate",
    "note_case_id",
    "directory_id",
    "directory",
    "custom_attributes",
    "modification_history",
];

async fn add_dir(app: &TestApp, cid: i64, body: Value) -> Value {
    app.iris_ok("POST", &format!("/case/notes/directories/add?cid={cid}"), Some(body))
        .await
}

async fn directories_round_trip(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let cid = new_case(&app, crate::harness::ADMIN_KEY, "Notes").await;
    let r = app
        .iris(
            "POST",
            &format!("/case/notes/directories/add?cid={cid}"),
            Some(json!({"name": "Triage"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "Directory added");
    let root = r.body["data"].clone();
    assert_eq!(keys(&root), fields(DIRECTORY));
    assert_eq!(root["name"], "Triage");
    assert_eq!(root["parent_id"], Value::Null);
    assert_eq!(root["case_id"], cid);
    let rid = root["id"].as_i64().unwrap();
    let child = add_dir(&app, cid, json!({"name": "Hosts", "parent_id": rid})).await;
    assert_eq!(child["parent_id"], rid);
    let cid_ = child["id"].as_i64().unwrap();
    let grandchild = add_dir(&app, cid, json!({"name": "DC01", "parent_id": cid_})).await;
    let zero = add_dir(&app, cid, json!({"name": "Analysis", "parent_id": 0})).await;
    assert_eq!(zero["parent_id"], Value::Null, "parent 0 is the root");

    let got = app
        .iris_ok("GET", &format!("/case/notes/directories/{cid_}?cid={cid}"), None)
        .await;
    assert_eq!(got, child);

    let note = app
        .iris_ok(
            "POST",
            &format!("/case/notes/add?cid={cid}"),
            Some(json!({"note_title": "DC01 notes", "note_content": "x", "directory_id": cid_})),
        )
        .await;
    let tree = app
        .iris_ok("GET", &format!("/case/notes/directories/filter?cid={cid}"), None)
        .await;
    let list = tree.as_array().unwrap();
    let names: Vec<&str> = list.iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["Analysis", "DC01", "Hosts", "Triage"],
        "every directory, by name"
    );
    for d in list {
        assert_eq!(
            keys(d),
            fields(&["id", "name", "note_count", "subdirectories", "notes"])
        );
    }
    let triage = list.iter().find(|d| d["id"] == rid).unwrap();
    assert_eq!(triage["note_count"], 0);
    assert_eq!(
        triage["subdirectories"],
        json!([{"id": cid_, "name": "Hosts", "note_count": 1, "subdirectories": [
            {"id": grandchild["id"], "name": "DC01", "note_count": 0, "subdirectories": []}
        ]}])
    );
    let hosts = list.iter().find(|d| d["id"] == cid_).unwrap();
    assert_eq!(hosts["notes"], json!([{"id": note["note_id"], "title": "DC01 notes"}]));

    // Rename and move; a directory cannot move below itself.
    let r = app
        .iris(
            "POST",
            &format!("/case/notes/directories/update/{cid_}?cid={cid}"),
            Some(json!({"name": "Servers"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "Directory modified");
    assert_eq!(r.body["data"]["name"], "Servers");
    assert_eq!(r.body["data"]["parent_id"], rid, "the parent stays when not sent");
    let moved = app
        .iris_ok(
            "POST",
            &format!("/case/notes/directories/update/{cid_}?cid={cid}"),
            Some(json!({"parent_id": zero["id"]})),
        )
        .await;
    assert_eq!(moved["parent_id"], zero["id"]);
    assert_eq!(moved["name"], "Servers");
    let r = app
        .iris(
            "POST",
            &format!("/case/notes/directories/update/{cid_}?cid={cid}"),
            Some(json!({"parent_id": grandchild["id"]})),
        )
        .await;
    let d = err(&r, 400, "Data error");
    assert!(d["parent_id"].is_array(), "{d}");
    let r = app
        .iris(
            "POST",
            &format!("/case/notes/directories/update/{cid_}?cid={cid}"),
            Some(json!({"parent_id": 111155551111i64})),
        )
        .await;
    assert!(err(&r, 400, "Data error")["parent_id"].is_array());

    // Delete removes the subdirectories and their notes.
    let r = app
        .iris(
            "POST",
            &format!("/case/notes/directories/delete/{cid_}?cid={cid}"),
            None,
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "Directory deleted");
    for id in [cid_, grandchild["id"].as_i64().unwrap()] {
        err(
            &app.iris("GET", &format!("/case/notes/directories/{id}?cid={cid}"), None)
                .await,
            400,
            "Invalid directory ID",
        );
    }
    err(
        &app.iris("GET", &format!("/case/notes/{}?cid={cid}", note["note_id"]), None)
            .await,
        400,
        "Invalid note ID",
    );
    let tree = app
        .iris_ok("GET", &format!("/case/notes/directories/filter?cid={cid}"), None)
        .await;
    assert_eq!(tree.as_array().unwrap().len(), 2);

    // The notes groups are gone.
    for (m, p) in [
        ("GET", "/case/notes/groups/list"),
        ("POST", "/case/notes/groups/add"),
        ("GET", "/case/notes/groups/1"),
        ("POST", "/case/notes/groups/update/1"),
        ("POST", "/case/notes/groups/delete/1"),
    ] {
        let r = app.iris(m, &format!("{p}?cid={cid}"), None).await;
        err(
            &r,
            410,
            "Endpoint deprecated in v2.4.0. Use /case/notes/directories/... .",
        );
    }
}

async fn notes_round_trip(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let cid = new_case(&app, crate::harness::ADMIN_KEY, "Notes").await;
    let admin = user_number(&app, "admin").await;
    let dir = add_dir(&app, cid, json!({"name": "Dummy title"})).await;
    let did = dir["id"].as_i64().unwrap();
    let before = app.iris_ok("GET", &format!("/case/notes/state?cid={cid}"), None).await;
    assert_eq!(keys(&before), fields(&["object_last_update", "object_state"]));
    let content = "# Dummy content with markdown\n## Very dummy";
    let r = app
        .iris(
            "POST",
            &format!("/case/notes/add?cid={cid}"),
            Some(json!({"note_title": "Dummy title", "note_content": content, "directory_id": did, "custom_attributes": {}})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let n = r.body["data"].clone();
    let id = n["note_id"].as_i64().unwrap();
    assert_eq!(r.body["message"], format!("Note ID {id} created"));
    assert_eq!(keys(&n), fields(NOTE));
    assert_eq!(n["note_title"], "Dummy title");
    assert_eq!(n["note_content"], content);
    assert_eq!(n["note_user"], admin);
    assert_eq!(n["note_case_id"], cid);
    assert_eq!(n["directory_id"], did);
    assert_eq!(n["directory"], dir);
    assert_eq!(n["custom_attributes"], json!({}));
    assert!(n["note_creationdate"].is_string() && n["note_lastupdate"].is_string());
    assert_eq!(
        n["modification_history"].as_object().unwrap().values().next().unwrap()["action"],
        "created"
    );
    let after = app.iris_ok("GET", &format!("/case/notes/state?cid={cid}"), None).await;
    assert!(after["object_state"].as_i64().unwrap() > before["object_state"].as_i64().unwrap());

    // The v1.0.1 `group_id` names the directory too.
    let g = app
        .iris_ok(
            "POST",
            &format!("/case/notes/add?cid={cid}"),
            Some(json!({"note_title": "G", "group_id": did})),
        )
        .await;
    assert_eq!(g["directory_id"], did);
    assert_eq!(g["note_content"], "");

    let other_dir = add_dir(&app, cid, json!({"name": "Other"})).await;
    let r = app
        .iris(
            "POST",
            &format!("/case/notes/update/{id}"),
            Some(json!({
                "note_title": "New dummy", "note_content": "New dummy content",
                "custom_attributes": {"Test": {"Test": "Test"}}, "cid": cid, "directory_id": other_dir["id"]
            })),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], format!("Note ID {id} saved"));
    assert_eq!(keys(&r.body["data"]), fields(NOTE));
    let got = app.iris_ok("GET", &format!("/case/notes/{id}?cid={cid}"), None).await;
    assert_eq!(keys(&got), fields(NOTE));
    assert_eq!(got["note_title"], "New dummy");
    assert_eq!(got["note_content"], "New dummy content");
    assert_eq!(got["custom_attributes"], json!({"Test": {"Test": "Test"}}));
    assert_eq!(got["directory_id"], other_dir["id"]);
    assert_eq!(got["directory"]["name"], "Other");
    // `custom_attributes: null` (the client's default) keeps them.
    let kept = app
        .iris_ok(
            "POST",
            &format!("/case/notes/update/{id}?cid={cid}"),
            Some(json!({"note_title": "New dummy", "note_content": "again", "custom_attributes": null})),
        )
        .await;
    assert_eq!(kept["custom_attributes"], json!({"Test": {"Test": "Test"}}));
    assert_eq!(kept["note_content"], "again");

    let r = app
        .iris("POST", &format!("/case/notes/delete/{id}?cid={cid}"), None)
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], format!("Note deleted {id}"));
    err(
        &app.iris("GET", &format!("/case/notes/{id}?cid={cid}"), None).await,
        400,
        "Invalid note ID",
    );
    let gid = g["note_id"].as_i64().unwrap();
    let r = app
        .iris("GET", &format!("/case/notes/delete/{gid}?cid={cid}"), None)
        .await;
    assert_eq!(r.status.as_u16(), 200, "delete answers GET too (D2): {}", r.text);
}

async fn search_finds_title_and_content(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let cid = new_case(&app, crate::harness::ADMIN_KEY, "Search").await;
    let other = new_case(&app, crate::harness::ADMIN_KEY, "Elsewhere").await;
    let dir = add_dir(&app, cid, json!({"name": "D"})).await;
    let odir = add_dir(&app, other, json!({"name": "D"})).await;
    let add = |c: i64, d: &Value, title: &str, content: &str| {
        let body = json!({"note_title": title, "note_content": content, "directory_id": d["id"]});
        let app = &app;
        async move {
            app.iris_ok("POST", &format!("/case/notes/add?cid={c}"), Some(body))
                .await
        }
    };
    let a = add(cid, &dir, "Lateral movement", "psexec from WS12").await;
    let b2 = add(cid, &dir, "Persistence", "Run key with PSEXESVC").await;
    add(cid, &dir, "Unrelated", "nothing here").await;
    add(other, &odir, "PsExec elsewhere", "psexec").await;
    let ids = |v: &Value| -> Vec<i64> {
        let mut x: Vec<i64> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["note_id"].as_i64().unwrap())
            .collect();
        x.sort_unstable();
        x
    };
    let found = app
        .iris_ok(
            "POST",
            "/case/notes/search",
            Some(json!({"search_term": "PSEXE", "cid": cid})),
        )
        .await;
    assert_eq!(
        ids(&found),
        [a["note_id"].as_i64().unwrap(), b2["note_id"].as_i64().unwrap()]
    );
    let item = &found.as_array().unwrap()[0];
    assert_eq!(
        keys(item),
        fields(&[
            "note_id",
            "note_uuid",
            "note_title",
            "note_user",
            "note_creationdate",
            "note_lastupdate",
            "note_case_id",
            "directory_id"
        ])
    );
    assert_eq!(item["note_case_id"], cid);
    let by_title = app
        .iris_ok(
            "GET",
            &format!("/case/notes/search?cid={cid}&search_input=lateral"),
            None,
        )
        .await;
    assert_eq!(ids(&by_title), [a["note_id"].as_i64().unwrap()]);
    let all = app
        .iris_ok(
            "POST",
            &format!("/case/notes/search?cid={cid}"),
            Some(json!({"search_term": "%"})),
        )
        .await;
    assert_eq!(
        all.as_array().unwrap().len(),
        3,
        "`%` alone matches every note of the case"
    );
    let wrapped = app
        .iris_ok(
            "POST",
            &format!("/case/notes/search?cid={cid}"),
            Some(json!({"search_term": "%run key%"})),
        )
        .await;
    assert_eq!(ids(&wrapped), [b2["note_id"].as_i64().unwrap()]);
    let none = app
        .iris_ok(
            "POST",
            &format!("/case/notes/search?cid={cid}"),
            Some(json!({"search_term": "zzzz"})),
        )
        .await;
    assert_eq!(none, json!([]));
    let r = app
        .iris(
            "POST",
            &format!("/case/notes/search?cid={cid}"),
            Some(json!({"search_term": "x".repeat(500)})),
        )
        .await;
    assert!(err(&r, 400, "Data error")["search_term"].is_array(), "{}", r.text);
}

async fn notes_bad_input(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let cid = new_case(&app, crate::harness::ADMIN_KEY, "Bad").await;
    let dir = add_dir(&app, cid, json!({"name": "D"})).await;
    let did = dir["id"].as_i64().unwrap();
    let add = |body: Value| {
        let app = &app;
        async move {
            app.iris("POST", &format!("/case/notes/add?cid={cid}"), Some(body))
                .await
        }
    };
    // Unknown directory (the client's test uses 111555411).
    err(
        &add(json!({"note_title": "t", "note_content": "c", "directory_id": 111555411})).await,
        400,
        "Invalid directory ID",
    );
    assert!(
        err(&add(json!({"note_title": "t"})).await, 400, "Data error")["directory_id"].is_array(),
        "directory_id is required"
    );
    assert!(err(&add(json!({"directory_id": did})).await, 400, "Data error")["note_title"].is_array());
    assert!(
        err(
            &add(json!({"note_title": "", "directory_id": did})).await,
            400,
            "Data error"
        )["note_title"]
            .is_array()
    );
    assert!(
        err(
            &add(json!({"note_title": "x".repeat(155), "directory_id": did})).await,
            400,
            "Data error"
        )["note_title"]
            .is_array()
    );
    assert!(
        err(
            &add(json!({"note_title": 5, "directory_id": did})).await,
            400,
            "Data error"
        )["note_title"]
            .is_array()
    );
    assert!(
        err(
            &add(json!({"note_title": "t", "directory_id": "x"})).await,
            400,
            "Data error"
        )["directory_id"]
            .is_array()
    );
    assert!(
        err(
            &add(json!({"note_title": "t", "directory_id": did, "custom_attributes": [1]})).await,
            400,
            "Data error"
        )["custom_attributes"]
            .is_array()
    );
    let ok_note = add(json!({"note_title": "t", "directory_id": did})).await;
    assert_eq!(ok_note.status.as_u16(), 200, "{}", ok_note.text);
    let nid = ok_note.body["data"]["note_id"].as_i64().unwrap();
    err(
        &app.iris(
            "POST",
            &format!("/case/notes/update/{nid}?cid={cid}"),
            Some(json!({"note_title": "t", "directory_id": 111555411})),
        )
        .await,
        400,
        "Invalid directory ID",
    );
    for raw in ["111555411", "-1", "abc"] {
        err(
            &app.iris("GET", &format!("/case/notes/{raw}?cid={cid}"), None).await,
            400,
            "Invalid note ID",
        );
        err(
            &app.iris(
                "POST",
                &format!("/case/notes/update/{raw}?cid={cid}"),
                Some(json!({"note_title": "Dummy title", "note_content": "Dummy content"})),
            )
            .await,
            400,
            "Invalid note ID for this case",
        );
        err(
            &app.iris("POST", &format!("/case/notes/delete/{raw}?cid={cid}"), None)
                .await,
            400,
            "Invalid note ID for this case",
        );
        for (m, p) in [
            ("GET", format!("/case/notes/directories/{raw}?cid={cid}")),
            ("POST", format!("/case/notes/directories/update/{raw}?cid={cid}")),
            ("POST", format!("/case/notes/directories/delete/{raw}?cid={cid}")),
        ] {
            err(
                &app.iris(m, &p, Some(json!({"name": "n"}))).await,
                400,
                "Invalid directory ID",
            );
        }
    }
    let d = err(
        &app.iris(
            "POST",
            &format!("/case/notes/directories/add?cid={cid}"),
            Some(json!({})),
        )
        .await,
        400,
        "Data error",
    );
    assert!(d["name"].is_array(), "{d}");
    let d = err(
        &app.iris(
            "POST",
            &format!("/case/notes/directories/add?cid={cid}"),
            Some(json!({"name": "x", "parent_id": 111555411})),
        )
        .await,
        400,
        "Data error",
    );
    assert!(d["parent_id"].is_array(), "{d}");
    // The client's test: deleting with an unknown cid is "permission denied".
    let r = app
        .iris("POST", "/case/notes/delete/111555411?cid=111555411", None)
        .await;
    err(&r, 403, "Permission denied");
    // A viewer reads but does not write.
    let (_, viewer) = app.member("vera", "viewer").await;
    let r = app
        .iris_as(&viewer, "GET", &format!("/case/notes/{nid}?cid={cid}"), None)
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let r = app
        .iris_as(
            &viewer,
            "POST",
            &format!("/case/notes/search?cid={cid}"),
            Some(json!({"search_term": "t"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "search is a read: {}", r.text);
    for (p, body) in [
        (
            "/case/notes/add".to_owned(),
            json!({"note_title": "t", "directory_id": did}),
        ),
        (format!("/case/notes/update/{nid}"), json!({"note_title": "v"})),
        (format!("/case/notes/delete/{nid}"), json!({})),
        ("/case/notes/directories/add".to_owned(), json!({"name": "v"})),
        (format!("/case/notes/directories/update/{did}"), json!({"name": "v"})),
        (format!("/case/notes/directories/delete/{did}"), json!({})),
    ] {
        let r = app
            .iris_as(&viewer, "POST", &format!("{p}?cid={cid}"), Some(body))
            .await;
        assert_eq!(r.status.as_u16(), 403, "{p}: {}", r.text);
        assert_eq!(r.body["message"], "Permission denied");
    }
    let still = app.iris_ok("GET", &format!("/case/notes/{nid}?cid={cid}"), None).await;
    assert_eq!(still["note_title"], "t");
}

async fn notes_stay_in_their_case(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let a = new_case(&app, crate::harness::ADMIN_KEY, "A").await;
    let other = new_case(&app, crate::harness::ADMIN_KEY, "B").await;
    let dir = add_dir(&app, a, json!({"name": "Mine"})).await;
    let did = dir["id"].as_i64().unwrap();
    let n = app
        .iris_ok(
            "POST",
            &format!("/case/notes/add?cid={a}"),
            Some(json!({"note_title": "secret", "directory_id": did})),
        )
        .await;
    let nid = n["note_id"].as_i64().unwrap();
    err(
        &app.iris("GET", &format!("/case/notes/{nid}?cid={other}"), None).await,
        400,
        "Invalid note ID",
    );
    err(
        &app.iris(
            "POST",
            &format!("/case/notes/update/{nid}?cid={other}"),
            Some(json!({"note_title": "x"})),
        )
        .await,
        400,
        "Invalid note ID for this case",
    );
    err(
        &app.iris("POST", &format!("/case/notes/delete/{nid}?cid={other}"), None)
            .await,
        400,
        "Invalid note ID for this case",
    );
    err(
        &app.iris("GET", &format!("/case/notes/directories/{did}?cid={other}"), None)
            .await,
        400,
        "Invalid directory ID",
    );
    err(
        &app.iris(
            "POST",
            &format!("/case/notes/add?cid={other}"),
            Some(json!({"note_title": "x", "directory_id": did})),
        )
        .await,
        400,
        "Invalid directory ID",
    );
    let r = app
        .iris(
            "POST",
            &format!("/case/notes/directories/add?cid={other}"),
            Some(json!({"name": "x", "parent_id": did})),
        )
        .await;
    assert!(err(&r, 400, "Data error")["parent_id"].is_array());
    let found = app
        .iris_ok(
            "POST",
            &format!("/case/notes/search?cid={other}"),
            Some(json!({"search_term": "secret"})),
        )
        .await;
    assert_eq!(found, json!([]));
    let tree = app
        .iris_ok("GET", &format!("/case/notes/directories/filter?cid={other}"), None)
        .await;
    assert_eq!(tree, json!([]));
    // Another workspace reaches nothing: its only case is its own primary case (number 1).
    let (_, tenant) = app.tenant("Elsewhere").await;
    let r = app
        .iris_as(&tenant, "GET", &format!("/case/notes/{nid}?cid={other}"), None)
        .await;
    err(&r, 403, "Permission denied");
    let r = app
        .iris_as(&tenant, "POST", &format!("/case/notes/delete/{nid}"), None)
        .await;
    err(&r, 400, "Invalid note ID for this case");
    let r = app.iris_as(&tenant, "GET", &format!("/case/notes/{nid}"), None).await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text);
    assert_eq!(r.body["message"], "Invalid note ID");
}
