//! IRIS dialect: evidences (`/case/evidences/*`) and comments on a case's objects
//! (`/case/<obj>/<id>/comments/*`): shapes field by field, values read back, the IRIS messages
//! of unknown ids, bad input, authors, other cases, workspaces and roles.

use dossier_core::Backend;
use serde_json::{Value, json};

use crate::{
    both,
    harness::{ADMIN_KEY, TestApp, fields, keys},
    iris_tasks::{err, new_case, user_number},
};

both!(
    evidences_round_trip,
    evidences_bad_input,
    comments_on_every_object,
    comments_bad_input_and_authors
);

const EVIDENCE: &[&str] = &[
    "id",
    "file_uuid",
    "filename",
    "date_added",
    "acquisition_date",
    "file_hash",
    "file_description",
    "file_size",
    "start_date",
    "end_date",
    "case_id",
    "user_id",
    "type_id",
    "custom_attributes",
    "chain_of_custody",
    "modification_history",
];

const COMMENT: &[&str] = &[
    "comment_id",
    "comment_uuid",
    "comment_text",
    "comment_date",
    "comment_update_date",
    "comment_user_id",
    "name",
    "user",
];

async fn evidences_round_trip(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let cid = new_case(&app, ADMIN_KEY, "Evidence").await;
    let admin = user_number(&app, "admin").await;
    let before = app
        .iris_ok("GET", &format!("/case/evidences/state?cid={cid}"), None)
        .await;
    assert_eq!(keys(&before), fields(&["object_last_update", "object_state"]));
    let r = app
        .iris(
            "POST",
            "/case/evidences/add",
            Some(json!({
                "filename": "dummy evidence", "file_size": 478, "file_description": "dummy description",
                "file_hash": "dummy hash", "custom_attributes": {}, "cid": cid, "type_id": "2",
                "acquisition_date": "2025-02-10T14:33:03.123456", "start_date": "2025-02-09",
                "end_date": "2025-02-10 12:00", "chain_of_custody": [{"who": "jd", "when": "2025-02-10"}]
            })),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "Evidence added");
    let e = r.body["data"].clone();
    assert_eq!(keys(&e), fields(EVIDENCE));
    let id = e["id"].as_i64().unwrap();
    assert_eq!(e["filename"], "dummy evidence");
    assert_eq!(e["file_size"], 478);
    assert_eq!(e["file_description"], "dummy description");
    assert_eq!(e["file_hash"], "dummy hash");
    assert_eq!(e["type_id"], 2);
    assert_eq!(e["case_id"], cid);
    assert_eq!(e["user_id"], admin);
    assert_eq!(e["acquisition_date"], "2025-02-10T14:33:03.123456");
    assert_eq!(e["start_date"], "2025-02-09T00:00:00.000000");
    assert_eq!(e["end_date"], "2025-02-10T12:00:00.000000");
    assert_eq!(e["chain_of_custody"], json!([{"who": "jd", "when": "2025-02-10"}]));
    assert_eq!(e["custom_attributes"], json!({}));
    assert!(e["date_added"].as_str().is_some_and(|s| s.len() == 26), "{e}");
    assert!(e["file_uuid"].is_string());

    // The client's partial add: no description or hash.
    let p = app
        .iris_ok(
            "POST",
            &format!("/case/evidences/add?cid={cid}"),
            Some(json!({"filename": "partial", "file_size": 12, "file_description": null, "file_hash": null, "custom_attributes": {}})),
        )
        .await;
    assert_eq!(p["file_description"], Value::Null);
    assert_eq!(p["file_hash"], Value::Null);
    assert_eq!(p["type_id"], Value::Null);

    let got = app
        .iris_ok("GET", &format!("/case/evidences/{id}?cid={cid}"), None)
        .await;
    assert_eq!(keys(&got), fields(EVIDENCE));
    assert_eq!(got["filename"], "dummy evidence");

    let list = app
        .iris_ok("GET", &format!("/case/evidences/list?cid={cid}"), None)
        .await;
    assert_eq!(keys(&list), fields(&["evidences", "state"]));
    assert!(list["state"]["object_state"].as_i64().unwrap() > before["object_state"].as_i64().unwrap());
    let items = list["evidences"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], p["id"], "newest first");
    let mut want = EVIDENCE.to_vec();
    want.extend(["type", "user", "username"]);
    let first = items.iter().find(|i| i["id"] == id).unwrap();
    assert_eq!(keys(first), fields(&want));
    assert_eq!(first["username"], "admin");
    assert_eq!(
        first["user"],
        json!({"id": admin, "user_name": "Administrator", "user_login": "admin", "user_email": first["user"]["user_email"]})
    );
    assert!(first["user"]["user_email"].is_string());
    assert_eq!(keys(&first["type"]), fields(&["id", "name", "description"]));
    assert_eq!(first["type"]["id"], 2);
    assert_eq!(items[0]["type"], Value::Null);

    // A full update, as the client sends it.
    let r = app
        .iris(
            "POST",
            &format!("/case/evidences/update/{id}"),
            Some(json!({
                "filename": "new dummy evidence", "file_size": 30, "file_description": "dummy description",
                "file_hash": "new hash", "custom_attributes": {"k": "v"}, "cid": cid
            })),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "Evidence new dummy evidence updated");
    let u = r.body["data"].clone();
    assert_eq!(keys(&u), fields(EVIDENCE));
    assert_eq!(u["filename"], "new dummy evidence");
    assert_eq!(u["file_size"], 30);
    assert_eq!(u["file_hash"], "new hash");
    assert_eq!(u["custom_attributes"], json!({"k": "v"}));
    assert_eq!(u["type_id"], 2, "absent fields stay");
    assert_eq!(u["acquisition_date"], "2025-02-10T14:33:03.123456");
    assert!(
        u["modification_history"]
            .as_object()
            .unwrap()
            .values()
            .any(|h| h["action"] == "updated")
    );
    let cleared = app
        .iris_ok(
            "POST",
            &format!("/case/evidences/update/{id}?cid={cid}"),
            Some(json!({"acquisition_date": null, "file_description": null})),
        )
        .await;
    assert_eq!(cleared["acquisition_date"], Value::Null);
    assert_eq!(cleared["file_description"], Value::Null);
    assert_eq!(cleared["filename"], "new dummy evidence");

    let r = app
        .iris("POST", &format!("/case/evidences/delete/{id}?cid={cid}"), None)
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "Evidence deleted");
    err(
        &app.iris("GET", &format!("/case/evidences/{id}?cid={cid}"), None).await,
        400,
        "Invalid evidence ID for this case",
    );
    let pid = p["id"].as_i64().unwrap();
    let r = app
        .iris("GET", &format!("/case/evidences/delete/{pid}?cid={cid}"), None)
        .await;
    assert_eq!(r.status.as_u16(), 200, "delete answers GET too (D2): {}", r.text);
    let list = app
        .iris_ok("GET", &format!("/case/evidences/list?cid={cid}"), None)
        .await;
    assert_eq!(list["evidences"], json!([]));
}

async fn evidences_bad_input(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let cid = new_case(&app, ADMIN_KEY, "Bad").await;
    let other = new_case(&app, ADMIN_KEY, "Other").await;
    let add = |body: Value| {
        let app = &app;
        async move {
            app.iris("POST", &format!("/case/evidences/add?cid={cid}"), Some(body))
                .await
        }
    };
    let d = err(
        &add(json!({"filename": "dummy evidence", "file_size": "dummy_size"})).await,
        400,
        "Data error",
    );
    assert_eq!(d, json!({"file_size": ["Invalid data type"]}));
    assert!(err(&add(json!({"file_size": 1})).await, 400, "Data error")["filename"].is_array());
    assert!(err(&add(json!({"filename": ""})).await, 400, "Data error")["filename"].is_array());
    assert!(err(&add(json!({"filename": "f", "file_size": -1})).await, 400, "Data error")["file_size"].is_array());
    assert!(err(&add(json!({"filename": "f", "type_id": 9999})).await, 400, "Data error")["type_id"].is_array());
    assert!(
        err(
            &add(json!({"filename": "f", "start_date": "yesterday"})).await,
            400,
            "Data error"
        )["start_date"]
            .is_array()
    );
    assert!(
        err(
            &add(json!({"filename": "f", "start_date": "2025-02-10", "end_date": "2025-02-01"})).await,
            400,
            "Data error"
        )["end_date"]
            .is_array()
    );
    assert!(
        err(
            &add(json!({"filename": "f", "chain_of_custody": "text"})).await,
            400,
            "Data error"
        )["chain_of_custody"]
            .is_array()
    );
    let e = add(json!({"filename": "dummy evidence", "file_size": 478})).await;
    assert_eq!(e.status.as_u16(), 200, "{}", e.text);
    let id = e.body["data"]["id"].as_i64().unwrap();
    let d = err(
        &app.iris(
            "POST",
            &format!("/case/evidences/update/{id}?cid={cid}"),
            Some(json!({"file_size": "dummy size"})),
        )
        .await,
        400,
        "Data error",
    );
    assert_eq!(d, json!({"file_size": ["Invalid data type"]}));
    for raw in ["111155551111", "-1", "abc"] {
        for (m, p) in [
            ("GET", format!("/case/evidences/{raw}?cid={cid}")),
            ("POST", format!("/case/evidences/update/{raw}?cid={cid}")),
            ("POST", format!("/case/evidences/delete/{raw}?cid={cid}")),
        ] {
            err(
                &app.iris(m, &p, Some(json!({"filename": "x"}))).await,
                400,
                "Invalid evidence ID for this case",
            );
        }
    }
    // Another case of the workspace does not hold it.
    for (m, p) in [
        ("GET", format!("/case/evidences/{id}?cid={other}")),
        ("POST", format!("/case/evidences/update/{id}?cid={other}")),
        ("POST", format!("/case/evidences/delete/{id}?cid={other}")),
    ] {
        err(
            &app.iris(m, &p, Some(json!({"filename": "x"}))).await,
            400,
            "Invalid evidence ID for this case",
        );
    }
    err(
        &app.iris("GET", "/case/evidences/list?cid=111155551111", None).await,
        403,
        "Permission denied",
    );
    // A viewer reads but does not write; another workspace reaches nothing.
    let (_, viewer) = app.member("vera", "viewer").await;
    let r = app
        .iris_as(&viewer, "GET", &format!("/case/evidences/list?cid={cid}"), None)
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    // The tenant's only case is its own primary case (number 1): `other` names none of its
    // cases, and in its own case the evidence number names nothing.
    let (_, tenant) = app.tenant("Elsewhere").await;
    for (key, case) in [(&viewer, cid), (&tenant, other)] {
        for (p, body) in [
            ("/case/evidences/add".to_owned(), json!({"filename": "v"})),
            (format!("/case/evidences/update/{id}"), json!({"filename": "v"})),
            (format!("/case/evidences/delete/{id}"), json!({})),
        ] {
            let r = app.iris_as(key, "POST", &format!("{p}?cid={case}"), Some(body)).await;
            assert_eq!(r.status.as_u16(), 403, "{p}: {}", r.text);
            assert_eq!(r.body["message"], "Permission denied");
        }
    }
    for (m, p) in [
        ("GET", format!("/case/evidences/{id}")),
        ("POST", format!("/case/evidences/update/{id}")),
        ("POST", format!("/case/evidences/delete/{id}")),
    ] {
        let r = app.iris_as(&tenant, m, &p, Some(json!({"filename": "theirs"}))).await;
        err(&r, 400, "Invalid evidence ID for this case");
    }
    let still = app
        .iris_ok("GET", &format!("/case/evidences/{id}?cid={cid}"), None)
        .await;
    assert_eq!(still["filename"], "dummy evidence");
}

/// One object of each kind in case `cid`: (path prefix, IRIS id, added message).
async fn objects(app: &TestApp, cid: i64) -> Vec<(&'static str, i64, &'static str)> {
    let asset = app
        .admin(
            "POST",
            &format!("/api/v1/cases/{cid}/assets"),
            Some(json!({"name": "WS-1", "type": 9})),
        )
        .await
        .expect(201);
    let ioc = app
        .admin(
            "POST",
            &format!("/api/v1/cases/{cid}/observables"),
            Some(json!({"type": "domain", "value": "evil.example.org"})),
        )
        .await
        .expect(201);
    let event = app
        .admin(
            "POST",
            &format!("/api/v1/cases/{cid}/timeline"),
            Some(json!({"occurred_at": "2026-01-02T10:00:00Z", "title": "Beacon"})),
        )
        .await
        .expect(201);
    let dir = app
        .iris_ok(
            "POST",
            &format!("/case/notes/directories/add?cid={cid}"),
            Some(json!({"name": "D"})),
        )
        .await;
    let note = app
        .iris_ok(
            "POST",
            &format!("/case/notes/add?cid={cid}"),
            Some(json!({"note_title": "N", "directory_id": dir["id"]})),
        )
        .await;
    let task = app
        .iris_ok(
            "POST",
            &format!("/case/tasks/add?cid={cid}"),
            Some(json!({"task_title": "T1", "task_status_id": 1, "task_assignees_id": []})),
        )
        .await;
    let evidence = app
        .iris_ok(
            "POST",
            &format!("/case/evidences/add?cid={cid}"),
            Some(json!({"filename": "E"})),
        )
        .await;
    let event_id = event.body["number"].as_i64().unwrap();
    vec![
        ("assets", asset.body["number"].as_i64().unwrap(), "Asset commented"),
        (
            "ioc",
            ioc.body["observable"]["number"].as_i64().unwrap(),
            "IOC commented",
        ),
        ("notes", note["note_id"].as_i64().unwrap(), "Note commented"),
        ("tasks", task["id"].as_i64().unwrap(), "Task commented"),
        ("evidences", evidence["id"].as_i64().unwrap(), "Evidence commented"),
        ("timeline/events", event_id, "Event commented"),
        ("events", event_id, "Event commented"),
    ]
}

async fn comments_on_every_object(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let cid = new_case(&app, ADMIN_KEY, "Comments").await;
    let admin = user_number(&app, "admin").await;
    for (obj, id, added) in objects(&app, cid).await {
        let base = format!("/case/{obj}/{id}/comments");
        let r = app
            .iris(
                "POST",
                &format!("{base}/add?cid={cid}"),
                Some(json!({"comment_text": "dummy comment"})),
            )
            .await;
        assert_eq!(r.status.as_u16(), 200, "{obj}: {}", r.text);
        assert_eq!(r.body["message"], added);
        let c = r.body["data"].clone();
        assert_eq!(keys(&c), fields(COMMENT), "{obj}");
        assert_eq!(c["comment_text"], "dummy comment");
        assert_eq!(c["comment_user_id"], admin);
        assert_eq!(c["user"], "admin");
        assert_eq!(c["name"], "Administrator");
        assert!(c["comment_uuid"].is_string());
        assert!(c["comment_date"].as_str().is_some_and(|s| s.len() == 26));
        assert_eq!(c["comment_update_date"], c["comment_date"], "never edited");
        let cn = c["comment_id"].as_i64().unwrap();

        // The client lists with POST; IRIS with GET (D5).
        for m in ["POST", "GET"] {
            let list = app.iris_ok(m, &format!("{base}/list?cid={cid}"), None).await;
            let items = list.as_array().unwrap();
            assert_eq!(items.len(), 1, "{obj} {m}: {list}");
            assert_eq!(items[0], c);
        }
        let got = app.iris_ok("GET", &format!("{base}/{cn}?cid={cid}"), None).await;
        assert_eq!(got, c);

        let r = app
            .iris(
                "POST",
                &format!("{base}/{cn}/edit?cid={cid}"),
                Some(json!({"comment_text": "dummy comment updated"})),
            )
            .await;
        assert_eq!(r.status.as_u16(), 200, "{obj}: {}", r.text);
        assert_eq!(r.body["message"], "Comment edited");
        assert_eq!(keys(&r.body["data"]), fields(COMMENT));
        assert_eq!(r.body["data"]["comment_text"], "dummy comment updated");
        assert_eq!(r.body["data"]["comment_id"], cn);
        let list = app.iris_ok("POST", &format!("{base}/list?cid={cid}"), None).await;
        assert_eq!(list[0]["comment_text"], "dummy comment updated");

        let r = app.iris("POST", &format!("{base}/{cn}/delete?cid={cid}"), None).await;
        assert_eq!(r.status.as_u16(), 200, "{obj}: {}", r.text);
        assert_eq!(r.body["message"], "Comment deleted");
        err(
            &app.iris("GET", &format!("{base}/{cn}?cid={cid}"), None).await,
            400,
            "Invalid comment ID",
        );
        let list = app.iris_ok("GET", &format!("{base}/list?cid={cid}"), None).await;
        assert_eq!(list, json!([]));
    }
}

async fn comments_bad_input_and_authors(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let cid = new_case(&app, ADMIN_KEY, "Comments").await;
    let other = new_case(&app, ADMIN_KEY, "Other").await;
    let objs = objects(&app, cid).await;
    let messages = [
        ("assets", "Invalid asset ID for this case"),
        ("ioc", "Invalid IOC ID for this case"),
        ("notes", "Invalid note ID for this case"),
        ("tasks", "Invalid task ID for this case"),
        ("evidences", "Invalid evidence ID for this case"),
        ("timeline/events", "Invalid event ID for this case"),
        ("events", "Invalid event ID for this case"),
    ];
    for (obj, msg) in messages {
        let id = objs.iter().find(|o| o.0 == obj).unwrap().1;
        for bad in ["111155551111".to_owned(), "-1".to_owned(), "x".to_owned()] {
            let base = format!("/case/{obj}/{bad}/comments");
            err(
                &app.iris("POST", &format!("{base}/list?cid={cid}"), None).await,
                400,
                msg,
            );
            err(
                &app.iris(
                    "POST",
                    &format!("{base}/add?cid={cid}"),
                    Some(json!({"comment_text": "c"})),
                )
                .await,
                400,
                msg,
            );
            err(&app.iris("GET", &format!("{base}/1?cid={cid}"), None).await, 400, msg);
        }
        // The object is not in the other case.
        let base = format!("/case/{obj}/{id}/comments");
        err(
            &app.iris("GET", &format!("{base}/list?cid={other}"), None).await,
            400,
            msg,
        );
        err(
            &app.iris(
                "POST",
                &format!("{base}/add?cid={other}"),
                Some(json!({"comment_text": "c"})),
            )
            .await,
            400,
            msg,
        );
    }

    let (task, note) = (
        objs.iter().find(|o| o.0 == "tasks").unwrap().1,
        objs.iter().find(|o| o.0 == "notes").unwrap().1,
    );
    let base = format!("/case/tasks/{task}/comments");
    let d = err(
        &app.iris("POST", &format!("{base}/add?cid={cid}"), Some(json!({})))
            .await,
        400,
        "Data error",
    );
    assert!(d["comment_text"].is_array(), "{d}");
    let d = err(
        &app.iris(
            "POST",
            &format!("{base}/add?cid={cid}"),
            Some(json!({"comment_text": ""})),
        )
        .await,
        400,
        "Data error",
    );
    assert!(d["comment_text"].is_array(), "{d}");
    let d = err(
        &app.iris(
            "POST",
            &format!("{base}/add?cid={cid}"),
            Some(json!({"comment_text": 5})),
        )
        .await,
        400,
        "Data error",
    );
    assert!(d["comment_text"].is_array(), "{d}");

    // Authors: an analyst's comment; only they edit it; they or an admin delete it.
    let (_, ana) = app.member("ana", "analyst").await;
    let (_, bob) = app.member("bob", "analyst").await;
    let r = app
        .iris_as(
            &ana,
            "POST",
            &format!("{base}/add?cid={cid}"),
            Some(json!({"comment_text": "mine"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let c = r.body["data"].clone();
    assert_eq!(c["comment_user_id"], user_number(&app, "ana").await);
    assert_eq!(c["user"], "ana");
    let cn = c["comment_id"].as_i64().unwrap();
    for key in [ADMIN_KEY, bob.as_str()] {
        let r = app
            .iris_as(
                key,
                "POST",
                &format!("{base}/{cn}/edit?cid={cid}"),
                Some(json!({"comment_text": "theirs"})),
            )
            .await;
        assert_eq!(r.status.as_u16(), 403, "{}", r.text);
        assert_eq!(r.body["message"], "Permission denied");
    }
    let r = app
        .iris_as(&bob, "POST", &format!("{base}/{cn}/delete?cid={cid}"), None)
        .await;
    assert_eq!(r.status.as_u16(), 403, "{}", r.text);
    let d = err(
        &app.iris_as(
            &ana,
            "POST",
            &format!("{base}/{cn}/edit?cid={cid}"),
            Some(json!({"comment_text": ""})),
        )
        .await,
        400,
        "Data error",
    );
    assert!(d["comment_text"].is_array(), "{d}");
    let e = app
        .iris_as(
            &ana,
            "POST",
            &format!("{base}/{cn}/edit?cid={cid}"),
            Some(json!({"comment_text": "mine, edited"})),
        )
        .await;
    assert_eq!(e.status.as_u16(), 200, "{}", e.text);
    assert_eq!(e.body["data"]["comment_text"], "mine, edited");

    // A comment is found only under its own object.
    let wrong = format!("/case/notes/{note}/comments/{cn}");
    err(
        &app.iris("GET", &format!("{wrong}?cid={cid}"), None).await,
        400,
        "Invalid comment ID",
    );
    err(
        &app.iris(
            "POST",
            &format!("{wrong}/edit?cid={cid}"),
            Some(json!({"comment_text": "x"})),
        )
        .await,
        400,
        "Invalid comment ID",
    );
    err(
        &app.iris("POST", &format!("{wrong}/delete?cid={cid}"), None).await,
        400,
        "Invalid comment ID",
    );
    for bad in ["111155551111", "-1", "x"] {
        err(
            &app.iris("GET", &format!("{base}/{bad}?cid={cid}"), None).await,
            400,
            "Invalid comment ID",
        );
    }

    // A viewer lists (GET and POST) but does not write; another workspace reaches nothing.
    let (_, viewer) = app.member("vera", "viewer").await;
    for m in ["GET", "POST"] {
        let r = app.iris_as(&viewer, m, &format!("{base}/list?cid={cid}"), None).await;
        assert_eq!(r.status.as_u16(), 200, "{m}: {}", r.text);
        assert_eq!(r.body["data"].as_array().unwrap().len(), 1);
    }
    // The tenant's only case is its own primary case (number 1): `other` names none of its
    // cases, and in its own case the task number names nothing.
    let (_, tenant) = app.tenant("Elsewhere").await;
    for (key, case) in [(&viewer, cid), (&tenant, other)] {
        for (p, body) in [
            (format!("{base}/add"), json!({"comment_text": "v"})),
            (format!("{base}/{cn}/edit"), json!({"comment_text": "v"})),
            (format!("{base}/{cn}/delete"), json!({})),
        ] {
            let r = app.iris_as(key, "POST", &format!("{p}?cid={case}"), Some(body)).await;
            assert_eq!(r.status.as_u16(), 403, "{p}: {}", r.text);
            assert_eq!(r.body["message"], "Permission denied");
        }
    }
    for (p, body) in [
        (format!("{base}/add"), json!({"comment_text": "v"})),
        (format!("{base}/{cn}/edit"), json!({"comment_text": "v"})),
        (format!("{base}/list"), json!({})),
    ] {
        let r = app.iris_as(&tenant, "POST", &p, Some(body)).await;
        err(&r, 400, "Invalid task ID for this case");
    }
    // An admin may delete another's comment.
    let r = app.iris("POST", &format!("{base}/{cn}/delete?cid={cid}"), None).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    // Deleting the object removes its comments.
    let r = app
        .iris(
            "POST",
            &format!("{base}/add?cid={cid}"),
            Some(json!({"comment_text": "gone soon"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    app.iris_ok("POST", &format!("/case/tasks/delete/{task}?cid={cid}"), None)
        .await;
    err(
        &app.iris("POST", &format!("{base}/list?cid={cid}"), None).await,
        400,
        "Invalid task ID for this case",
    );
}
