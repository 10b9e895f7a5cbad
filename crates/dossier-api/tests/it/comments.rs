//! Comments on cases and alerts: add, list and page, reply, edit, delete, permissions, audit,
//! and what happens to them when their case goes.

use dossier_core::Backend;
use serde_json::{Value, json};

use crate::{
    both,
    harness::{Resp, TestApp},
};

both!(
    case_comments_lifecycle,
    alert_comments_lifecycle,
    paging_through_comments,
    replies_stay_on_their_object,
    content_limits,
    who_may_edit_and_delete,
    comments_in_the_case_trail,
    deleting_the_case_removes_its_comments
);

fn contents(r: &Resp) -> Vec<String> {
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["content"].as_str().unwrap().to_owned())
        .collect()
}

/// Adds a comment and returns its id.
async fn add(app: &TestApp, key: Option<&str>, path: &str, body: Value) -> String {
    let r = match key {
        Some(k) => app.as_key(k, "POST", path, Some(body)).await,
        None => app.admin("POST", path, Some(body)).await,
    }
    .expect(201);
    r.body["id"].as_str().unwrap().to_owned()
}

/// The lifecycle of a comment on an object at `base` (`/api/v1/cases/1` or `/api/v1/alerts/1`).
async fn lifecycle(app: &TestApp, base: &str) {
    let list_path = format!("{base}/comments");
    let empty = app.admin("GET", &list_path, None).await.expect(200);
    assert_eq!(empty.body["items"], json!([]));
    assert_eq!(empty.body["next_cursor"], Value::Null);

    let c = app
        .admin(
            "POST",
            &list_path,
            Some(json!({"content": "  Looked at the **headers**.\nSPF fails.  "})),
        )
        .await
        .expect(201);
    let v = c.json();
    // Content is kept as written (Markdown, spaces and all).
    assert_eq!(v["content"], "  Looked at the **headers**.\nSPF fails.  ");
    assert_eq!(v["author"]["login"], "admin");
    assert_eq!(v["parent_id"], Value::Null);
    assert_eq!(v["edited_at"], Value::Null);
    assert!(v["created_at"].is_string());
    assert!(v["number"].as_i64().unwrap() >= 1);
    let id = v["id"].as_str().unwrap().to_owned();

    let (_, alice) = app.member("alice", "analyst").await;
    let second = add(
        app,
        Some(&alice),
        &list_path,
        json!({"content": "Agreed, blocking the sender."}),
    )
    .await;

    let l = app.admin("GET", &list_path, None).await.expect(200);
    assert_eq!(
        contents(&l),
        [
            "  Looked at the **headers**.\nSPF fails.  ",
            "Agreed, blocking the sender."
        ],
        "oldest first"
    );
    assert_eq!(l.body["items"][1]["author"]["login"], "alice");
    assert_eq!(l.body["items"][1]["id"], second.as_str());
    assert!(
        l.body["items"][1]["number"].as_i64() > l.body["items"][0]["number"].as_i64(),
        "numbers grow"
    );

    let e = app
        .admin(
            "PATCH",
            &format!("/api/v1/comments/{id}"),
            Some(json!({"content": "SPF and DKIM fail."})),
        )
        .await
        .expect(200);
    assert_eq!(e.body["content"], "SPF and DKIM fail.");
    assert_eq!(e.body["id"], id.as_str());
    assert_eq!(e.body["number"], v["number"]);
    assert!(e.body["edited_at"].is_string());
    assert_eq!(e.body["created_at"], v["created_at"]);

    app.admin("DELETE", &format!("/api/v1/comments/{id}"), None)
        .await
        .expect(204);
    let l = app.admin("GET", &list_path, None).await.expect(200);
    assert_eq!(contents(&l), ["Agreed, blocking the sender."]);
    app.admin("DELETE", &format!("/api/v1/comments/{id}"), None)
        .await
        .expect(404);
    app.admin(
        "PATCH",
        &format!("/api/v1/comments/{id}"),
        Some(json!({"content": "x"})),
    )
    .await
    .expect(404);
}

async fn case_comments_lifecycle(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let c = app
        .admin("POST", "/api/v1/cases", Some(json!({"title": "Phish"})))
        .await
        .expect(201);
    lifecycle(&app, "/api/v1/cases/1").await;
    // The UUID names the same case.
    let id = c.body["id"].as_str().unwrap();
    let l = app
        .admin("GET", &format!("/api/v1/cases/{id}/comments"), None)
        .await
        .expect(200);
    assert_eq!(contents(&l), ["Agreed, blocking the sender."]);
    // Unknown and malformed cases.
    app.admin("GET", "/api/v1/cases/99/comments", None).await.expect(404);
    app.admin("POST", "/api/v1/cases/99/comments", Some(json!({"content": "x"})))
        .await
        .expect(404);
    app.admin("GET", "/api/v1/cases/abc/comments", None).await.expect(422);
    // A comment on the case is not one on alert #1 (which does not exist).
    app.admin("GET", "/api/v1/alerts/1/comments", None).await.expect(404);
}

async fn alert_comments_lifecycle(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.admin("POST", "/api/v1/alerts", Some(json!({"title": "Beacon"})))
        .await
        .expect(201);
    // A case #1 too, to see that the two threads stay apart.
    app.admin("POST", "/api/v1/cases", Some(json!({"title": "Other"})))
        .await
        .expect(201);
    add(
        &app,
        None,
        "/api/v1/cases/1/comments",
        json!({"content": "on the case"}),
    )
    .await;
    lifecycle(&app, "/api/v1/alerts/1").await;
    let l = app.admin("GET", "/api/v1/cases/1/comments", None).await.expect(200);
    assert_eq!(contents(&l), ["on the case"]);
    app.admin("GET", "/api/v1/alerts/2/comments", None).await.expect(404);
}

async fn paging_through_comments(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.admin("POST", "/api/v1/cases", Some(json!({"title": "Chatty"})))
        .await
        .expect(201);
    for i in 0..7 {
        add(
            &app,
            None,
            "/api/v1/cases/1/comments",
            json!({"content": format!("c{i}")}),
        )
        .await;
    }
    let mut seen = Vec::new();
    let mut pages = 0;
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/cases/1/comments?limit=3&cursor={c}"),
            None => "/api/v1/cases/1/comments?limit=3".to_owned(),
        };
        let r = app.admin("GET", &path, None).await.expect(200);
        let page = contents(&r);
        assert!(page.len() <= 3);
        seen.extend(page);
        pages += 1;
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ["c0", "c1", "c2", "c3", "c4", "c5", "c6"]);
    // Bad paging parameters.
    for q in ["limit=0", "limit=201", "limit=x", "cursor=garbage", "sort=id"] {
        let r = app
            .admin("GET", &format!("/api/v1/cases/1/comments?{q}"), None)
            .await
            .expect(422);
        assert_eq!(r.body["code"], "validation_failed", "{q}");
    }
}

async fn replies_stay_on_their_object(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    for t in ["A", "B"] {
        app.admin("POST", "/api/v1/cases", Some(json!({"title": t})))
            .await
            .expect(201);
    }
    app.admin("POST", "/api/v1/alerts", Some(json!({"title": "Al"})))
        .await
        .expect(201);
    let root = add(&app, None, "/api/v1/cases/1/comments", json!({"content": "root"})).await;
    let r = app
        .admin(
            "POST",
            "/api/v1/cases/1/comments",
            Some(json!({"content": "reply", "parent_id": root})),
        )
        .await
        .expect(201);
    assert_eq!(r.body["parent_id"], root.as_str());
    let reply = r.body["id"].as_str().unwrap().to_owned();
    // A reply to a reply.
    let r2 = app
        .admin(
            "POST",
            "/api/v1/cases/1/comments",
            Some(json!({"content": "reply 2", "parent_id": reply})),
        )
        .await
        .expect(201);
    assert_eq!(r2.body["parent_id"], reply.as_str());
    let l = app.admin("GET", "/api/v1/cases/1/comments", None).await.expect(200);
    let parents: Vec<Value> = l.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["parent_id"].clone())
        .collect();
    assert_eq!(parents, [Value::Null, json!(root), json!(reply)]);

    // The parent must be a comment on the same object.
    let on_alert = add(
        &app,
        None,
        "/api/v1/alerts/1/comments",
        json!({"content": "alert root"}),
    )
    .await;
    for (path, parent) in [
        ("/api/v1/cases/2/comments", root.clone()),
        ("/api/v1/cases/1/comments", on_alert.clone()),
        ("/api/v1/alerts/1/comments", root.clone()),
        (
            "/api/v1/cases/1/comments",
            "01890000-0000-7000-8000-000000000000".to_owned(),
        ),
    ] {
        let r = app
            .admin("POST", path, Some(json!({"content": "misplaced", "parent_id": parent})))
            .await
            .expect(422);
        assert_eq!(r.body["errors"][0]["field"], "parent_id", "{path}");
        assert_eq!(r.body["errors"][0]["code"], "not_found");
    }
    let r = app
        .admin(
            "POST",
            "/api/v1/cases/1/comments",
            Some(json!({"content": "x", "parent_id": "nope"})),
        )
        .await
        .expect(422);
    assert_eq!(r.body["errors"][0]["field"], "parent_id");
    // Nothing was added by the refused requests.
    for (path, n) in [
        ("/api/v1/cases/1/comments", 3),
        ("/api/v1/cases/2/comments", 0),
        ("/api/v1/alerts/1/comments", 1),
    ] {
        let l = app.admin("GET", path, None).await.expect(200);
        assert_eq!(l.body["items"].as_array().unwrap().len(), n, "{path}");
    }
    // Deleting a comment takes its replies with it.
    app.admin("DELETE", &format!("/api/v1/comments/{root}"), None)
        .await
        .expect(204);
    let l = app.admin("GET", "/api/v1/cases/1/comments", None).await.expect(200);
    assert_eq!(contents(&l), Vec::<String>::new());
}

async fn content_limits(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.admin("POST", "/api/v1/cases", Some(json!({"title": "Limits"})))
        .await
        .expect(201);
    for (content, code) in [
        (String::new(), "required"),
        ("   \n\t".to_owned(), "required"),
        ("x".repeat(5001), "too_long"),
        ("é".repeat(5001), "too_long"),
    ] {
        let r = app
            .admin("POST", "/api/v1/cases/1/comments", Some(json!({ "content": content })))
            .await
            .expect(422);
        assert_eq!(r.header("content-type"), Some("application/problem+json"));
        assert_eq!(r.body["errors"][0]["field"], "content");
        assert_eq!(r.body["errors"][0]["code"], code);
    }
    // 5000 characters (not bytes) is the limit.
    let max = "é".repeat(5000);
    let r = app
        .admin("POST", "/api/v1/cases/1/comments", Some(json!({ "content": max })))
        .await
        .expect(201);
    assert_eq!(r.body["content"].as_str().unwrap().chars().count(), 5000);
    let id = r.body["id"].as_str().unwrap().to_owned();
    // Editing has the same limits.
    for content in [String::new(), "y".repeat(5001)] {
        let r = app
            .admin(
                "PATCH",
                &format!("/api/v1/comments/{id}"),
                Some(json!({ "content": content })),
            )
            .await
            .expect(422);
        assert_eq!(r.body["errors"][0]["field"], "content");
    }
    // Shape errors.
    app.admin("POST", "/api/v1/cases/1/comments", Some(json!({})))
        .await
        .expect(422);
    app.admin(
        "POST",
        "/api/v1/cases/1/comments",
        Some(json!({"content": "x", "author": "someone"})),
    )
    .await
    .expect(422);
    app.admin(
        "PATCH",
        &format!("/api/v1/comments/{id}"),
        Some(json!({"content": "x", "parent_id": null})),
    )
    .await
    .expect(422);
    app.admin("PATCH", "/api/v1/comments/42", Some(json!({"content": "x"})))
        .await
        .expect(422);
    let l = app.admin("GET", "/api/v1/cases/1/comments", None).await.expect(200);
    assert_eq!(l.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(l.body["items"][0]["content"], max.as_str());
}

async fn who_may_edit_and_delete(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.admin("POST", "/api/v1/cases", Some(json!({"title": "Perms"})))
        .await
        .expect(201);
    let (_, alice) = app.member("alice", "analyst").await;
    let (_, bob) = app.member("bob", "analyst").await;
    let (_, vic) = app.member("vic", "viewer").await;
    let path = "/api/v1/cases/1/comments";
    let by_alice = add(&app, Some(&alice), path, json!({"content": "alice 1"})).await;
    let by_alice_2 = add(&app, Some(&alice), path, json!({"content": "alice 2"})).await;
    let by_admin = add(&app, None, path, json!({"content": "admin 1"})).await;

    // Only the author edits, not another analyst, not even an admin.
    let r = app
        .as_key(
            &bob,
            "PATCH",
            &format!("/api/v1/comments/{by_alice}"),
            Some(json!({"content": "bob was here"})),
        )
        .await
        .expect(403);
    assert_eq!(r.body["code"], "forbidden");
    app.admin(
        "PATCH",
        &format!("/api/v1/comments/{by_alice}"),
        Some(json!({"content": "admin was here"})),
    )
    .await
    .expect(403);
    let e = app
        .as_key(
            &alice,
            "PATCH",
            &format!("/api/v1/comments/{by_alice}"),
            Some(json!({"content": "alice 1 (edited)"})),
        )
        .await
        .expect(200);
    assert_eq!(e.body["author"]["login"], "alice");

    // A viewer reads but neither adds, edits nor deletes.
    let l = app.as_key(&vic, "GET", path, None).await.expect(200);
    assert_eq!(l.body["items"].as_array().unwrap().len(), 3);
    let r = app
        .as_key(&vic, "POST", path, Some(json!({"content": "viewer"})))
        .await
        .expect(403);
    assert_eq!(r.body["code"], "forbidden");
    app.as_key(
        &vic,
        "POST",
        "/api/v1/cases/1/comments",
        Some(json!({"content": "viewer reply", "parent_id": by_admin})),
    )
    .await
    .expect(403);
    app.as_key(&vic, "DELETE", &format!("/api/v1/comments/{by_alice}"), None)
        .await
        .expect(403);

    // An analyst may not delete another's comment; an admin may; the author may.
    let r = app
        .as_key(&bob, "DELETE", &format!("/api/v1/comments/{by_admin}"), None)
        .await
        .expect(403);
    assert_eq!(r.body["code"], "forbidden");
    app.as_key(&bob, "DELETE", &format!("/api/v1/comments/{by_alice}"), None)
        .await
        .expect(403);
    app.admin("DELETE", &format!("/api/v1/comments/{by_alice}"), None)
        .await
        .expect(204);
    app.as_key(&alice, "DELETE", &format!("/api/v1/comments/{by_alice_2}"), None)
        .await
        .expect(204);
    // A workspace admin who is not a server administrator may delete others' comments too.
    let (_, wadmin) = app.member("wadmin", "admin").await;
    let by_bob = add(&app, Some(&bob), path, json!({"content": "bob 1"})).await;
    app.as_key(&wadmin, "DELETE", &format!("/api/v1/comments/{by_bob}"), None)
        .await
        .expect(204);
    let l = app.admin("GET", path, None).await.expect(200);
    assert_eq!(contents(&l), ["admin 1"]);

    // Another workspace cannot see, edit or delete the comment.
    let (_, other) = app.tenant("Other").await;
    app.as_key(&other, "GET", path, None).await.expect(404);
    app.as_key(
        &other,
        "PATCH",
        &format!("/api/v1/comments/{by_admin}"),
        Some(json!({"content": "x"})),
    )
    .await
    .expect(404);
    app.as_key(&other, "DELETE", &format!("/api/v1/comments/{by_admin}"), None)
        .await
        .expect(404);
    let l = app.admin("GET", path, None).await.expect(200);
    assert_eq!(contents(&l), ["admin 1"]);
}

async fn comments_in_the_case_trail(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.admin("POST", "/api/v1/cases", Some(json!({"title": "Audited"})))
        .await
        .expect(201);
    let id = add(
        &app,
        None,
        "/api/v1/cases/1/comments",
        json!({"content": "first words"}),
    )
    .await;
    app.admin(
        "PATCH",
        &format!("/api/v1/comments/{id}"),
        Some(json!({"content": "better words"})),
    )
    .await
    .expect(200);
    app.admin("DELETE", &format!("/api/v1/comments/{id}"), None)
        .await
        .expect(204);
    let a = app.admin("GET", "/api/v1/cases/1/activity", None).await.expect(200);
    let items = a.body["items"].as_array().unwrap();
    let on_comment: Vec<&Value> = items.iter().filter(|i| i["object_kind"] == "comment").collect();
    let actions: Vec<&str> = on_comment.iter().map(|i| i["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["delete", "update", "create"], "newest first");
    for e in &on_comment {
        assert_eq!(e["object_id"], id.as_str());
        assert_eq!(e["actor"]["login"], "admin");
        assert_eq!(e["via"], "native");
        assert_eq!(e["field"], "content");
    }
    assert_eq!(on_comment[2]["old"], Value::Null);
    assert_eq!(on_comment[2]["new"], "first words");
    assert_eq!(on_comment[1]["old"], "first words");
    assert_eq!(on_comment[1]["new"], "better words");
    assert_eq!(on_comment[0]["old"], "better words");
    assert_eq!(on_comment[0]["new"], Value::Null);
    assert_eq!(items.last().unwrap()["action"], "create");
    assert_eq!(items.last().unwrap()["object_kind"], "case");
    assert_eq!(items.len(), 4);
}

async fn deleting_the_case_removes_its_comments(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    for t in ["Doomed", "Kept"] {
        app.admin("POST", "/api/v1/cases", Some(json!({"title": t})))
            .await
            .expect(201);
    }
    let (_, alice) = app.member("alice", "analyst").await;
    let root = add(
        &app,
        Some(&alice),
        "/api/v1/cases/1/comments",
        json!({"content": "will go"}),
    )
    .await;
    let reply = add(
        &app,
        None,
        "/api/v1/cases/1/comments",
        json!({"content": "will go too", "parent_id": root}),
    )
    .await;
    add(&app, None, "/api/v1/cases/2/comments", json!({"content": "stays"})).await;

    app.admin("DELETE", "/api/v1/cases/1", None).await.expect(204);
    let r = app.admin("GET", "/api/v1/cases/1/comments", None).await.expect(404);
    assert_eq!(r.body["code"], "not_found");
    app.admin("POST", "/api/v1/cases/1/comments", Some(json!({"content": "too late"})))
        .await
        .expect(404);
    // The comments themselves are gone, not just hidden behind the case.
    for (key, id) in [(Some(alice.as_str()), &root), (None, &reply)] {
        let r = match key {
            Some(k) => {
                app.as_key(
                    k,
                    "PATCH",
                    &format!("/api/v1/comments/{id}"),
                    Some(json!({"content": "ghost"})),
                )
                .await
            }
            None => {
                app.admin(
                    "PATCH",
                    &format!("/api/v1/comments/{id}"),
                    Some(json!({"content": "ghost"})),
                )
                .await
            }
        };
        assert_eq!(r.status.as_u16(), 404, "{}", r.text);
        app.admin("DELETE", &format!("/api/v1/comments/{id}"), None)
            .await
            .expect(404);
    }
    let l = app.admin("GET", "/api/v1/cases/2/comments", None).await.expect(200);
    assert_eq!(contents(&l), ["stays"]);
}
