//! Notes and note directories: fields read back exactly, the default directory, revisions,
//! sanitised HTML, directory moves (cycles and other cases refused), deletion rules, filters
//! and paging, the core service directly, tenant isolation and case deletion.

use dossier_core::{
    Backend, Key, Via,
    model::{NewNote, NewNoteDirectory, NoteFilter, NotePatch},
};
use serde_json::{Value, json};

use crate::{
    both,
    harness::{ADMIN_KEY, TestApp},
    tasks::{denied, field_error, numbers, openapi_has, page_numbers, walk},
};

both!(
    directories_round_trip,
    directory_cycles_and_other_cases_are_refused,
    directory_deletion_rules,
    notes_round_trip_and_revisions,
    markdown_is_rendered_and_sanitised,
    notes_list_filters_and_pages,
    bad_input_is_refused,
    core_service,
    other_workspace_is_denied,
    deleting_a_case_removes_its_notes,
    openapi_covers_the_routes
);

async fn new_case(app: &TestApp, title: &str) -> String {
    let c = app
        .admin("POST", "/api/v1/cases", Some(json!({"title": title})))
        .await
        .expect(201);
    c.body["id"].as_str().unwrap().to_owned()
}

async fn dir(app: &TestApp, case: &str, name: &str, parent: Option<&str>) -> Value {
    let mut body = json!({"name": name});
    if let Some(p) = parent {
        body["parent_id"] = json!(p);
    }
    app.admin("POST", &format!("/api/v1/cases/{case}/note-directories"), Some(body))
        .await
        .expect(201)
        .body
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

fn names(items: &[Value]) -> Vec<String> {
    items.iter().map(|i| i["name"].as_str().unwrap().to_owned()).collect()
}

async fn directories_round_trip(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let case = new_case(&app, "Intrusion").await;
    let r = app
        .admin(
            "POST",
            "/api/v1/cases/1/note-directories",
            Some(json!({"name": "  Evidence  "})),
        )
        .await
        .expect(201);
    assert_eq!(r.header("etag"), Some("\"1\""));
    let ev = r.body;
    assert_eq!(ev["number"], 1);
    assert_eq!(ev["case_id"], case.as_str());
    assert_eq!(ev["parent_id"], Value::Null);
    assert_eq!(ev["name"], "Evidence");
    assert_eq!(ev["note_count"], 0);
    assert_eq!(ev["created_by"]["login"], "admin");
    assert_eq!(ev["version"], 1);
    let mem = dir(&app, &case, "Memory", Some(&id(&ev))).await;
    assert_eq!(mem["parent_id"], ev["id"]);
    assert_eq!(mem["number"], 2);
    let by_num = app.admin("GET", "/api/v1/note-directories/2", None).await.expect(200);
    let by_id = app
        .admin("GET", &format!("/api/v1/note-directories/{}", id(&mem)), None)
        .await
        .expect(200);
    assert_eq!(by_num.body, by_id.body);
    assert_eq!(by_num.body, mem);
    // Capitalised names sort the same under every collation.
    for n in ["Delta", "Alpha", "Charlie", "Bravo", "Echo"] {
        dir(&app, "1", n, None).await;
    }
    // Sorted by name, every page.
    let all = walk(&app, ADMIN_KEY, "/api/v1/cases/1/note-directories?limit=3").await;
    assert_eq!(
        names(&all),
        ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Evidence", "Memory"]
    );
    // Rename and move to the root.
    let moved = app
        .admin(
            "PATCH",
            "/api/v1/note-directories/2",
            Some(json!({"name": "RAM", "parent_id": null, "version": 1})),
        )
        .await
        .expect(200);
    assert_eq!(moved.body["name"], "RAM");
    assert_eq!(moved.body["parent_id"], Value::Null);
    assert_eq!(moved.body["version"], 2);
    // Into another directory of the case.
    let again = app
        .admin(
            "PATCH",
            &format!("/api/v1/note-directories/{}", id(&mem)),
            Some(json!({"parent_id": id(&ev)})),
        )
        .await
        .expect(200);
    assert_eq!(again.body["parent_id"], ev["id"]);
    assert_eq!(again.body["version"], 3);
    let stale = app
        .admin(
            "PATCH",
            "/api/v1/note-directories/2",
            Some(json!({"name": "x", "version": 2})),
        )
        .await
        .expect(409);
    assert_eq!(stale.body["code"], "conflict");
    // No-op: no new version.
    let same = app
        .admin("PATCH", "/api/v1/note-directories/2", Some(json!({"name": "RAM"})))
        .await
        .expect(200);
    assert_eq!(same.body["version"], 3);
    let trail = app
        .admin("GET", "/api/v1/cases/1/activity?limit=200", None)
        .await
        .expect(200);
    let rename = trail.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["object_kind"] == "note_directory" && i["field"] == "name" && i["action"] == "update")
        .cloned()
        .unwrap();
    assert_eq!(
        (rename["old"].clone(), rename["new"].clone()),
        (json!("Memory"), json!("RAM"))
    );
}

async fn directory_cycles_and_other_cases_are_refused(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let c1 = new_case(&app, "One").await;
    let c2 = new_case(&app, "Two").await;
    let a = dir(&app, &c1, "A", None).await;
    let bd = dir(&app, &c1, "B", Some(&id(&a))).await;
    let c = dir(&app, &c1, "C", Some(&id(&bd))).await;
    let other = dir(&app, &c2, "Elsewhere", None).await;
    for (target, parent) in [(&a, &c), (&a, &bd), (&a, &a), (&bd, &c)] {
        let r = app
            .admin(
                "PATCH",
                &format!("/api/v1/note-directories/{}", id(target)),
                Some(json!({"parent_id": id(parent)})),
            )
            .await;
        assert_eq!(
            field_error(&r),
            ("parent_id".into(), "cycle".into()),
            "{} under {}",
            target["name"],
            parent["name"]
        );
    }
    let r = app
        .admin(
            "PATCH",
            &format!("/api/v1/note-directories/{}", id(&bd)),
            Some(json!({"parent_id": id(&other)})),
        )
        .await;
    assert_eq!(field_error(&r), ("parent_id".into(), "other_case".into()));
    let r = app
        .admin(
            "POST",
            &format!("/api/v1/cases/{c1}/note-directories"),
            Some(json!({"name": "x", "parent_id": id(&other)})),
        )
        .await;
    assert_eq!(field_error(&r), ("parent_id".into(), "other_case".into()));
    let r = app
        .admin(
            "POST",
            "/api/v1/cases/1/note-directories",
            Some(json!({"name": "x", "parent_id": "0197a000-0000-7000-8000-000000000000"})),
        )
        .await;
    assert_eq!(field_error(&r), ("parent_id".into(), "not_found".into()));
    let r = app
        .admin(
            "POST",
            "/api/v1/cases/1/notes",
            Some(json!({"title": "x", "directory_id": id(&other)})),
        )
        .await;
    assert_eq!(field_error(&r), ("directory_id".into(), "other_case".into()));
    let n = app
        .admin(
            "POST",
            "/api/v1/cases/1/notes",
            Some(json!({"title": "n", "directory_id": id(&c)})),
        )
        .await
        .expect(201);
    let r = app
        .admin(
            "PATCH",
            &format!("/api/v1/notes/{}", id(&n.body)),
            Some(json!({"directory_id": id(&other)})),
        )
        .await;
    assert_eq!(field_error(&r), ("directory_id".into(), "other_case".into()));
    // Nothing moved.
    for d in [&a, &bd, &c] {
        let now = app
            .admin("GET", &format!("/api/v1/note-directories/{}", id(d)), None)
            .await
            .expect(200);
        assert_eq!(now.body["parent_id"], d["parent_id"]);
        assert_eq!(now.body["version"], 1);
    }
    // A legal move of the deepest directory to the root still works.
    app.admin(
        "PATCH",
        &format!("/api/v1/note-directories/{}", id(&c)),
        Some(json!({"parent_id": null})),
    )
    .await
    .expect(200);
    app.admin(
        "PATCH",
        &format!("/api/v1/note-directories/{}", id(&a)),
        Some(json!({"parent_id": id(&c)})),
    )
    .await
    .expect(200);
}

async fn directory_deletion_rules(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let case = new_case(&app, "Cleanup").await;
    let top = dir(&app, &case, "Top", None).await;
    let sub = dir(&app, &case, "Sub", Some(&id(&top))).await;
    let empty = dir(&app, &case, "Empty", None).await;
    let keep = dir(&app, &case, "Keep", None).await;
    let n1 = app
        .admin(
            "POST",
            "/api/v1/cases/1/notes",
            Some(json!({"title": "deep note", "content": "quokka-31 marker", "directory_id": id(&sub)})),
        )
        .await
        .expect(201);
    app.admin(
        "POST",
        "/api/v1/cases/1/notes",
        Some(json!({"title": "kept note", "directory_id": id(&keep)})),
    )
    .await
    .expect(201);
    let r = app
        .admin("DELETE", &format!("/api/v1/note-directories/{}", id(&top)), None)
        .await
        .expect(409);
    assert!(r.text.contains("recursive=true"), "{}", r.text);
    app.admin("DELETE", &format!("/api/v1/note-directories/{}", id(&sub)), None)
        .await
        .expect(409);
    let r = app
        .admin(
            "DELETE",
            &format!("/api/v1/note-directories/{}?recursive=maybe", id(&top)),
            None,
        )
        .await;
    assert_eq!(field_error(&r).0, "recursive");
    app.admin("DELETE", &format!("/api/v1/note-directories/{}", id(&empty)), None)
        .await
        .expect(204);
    app.admin(
        "DELETE",
        &format!("/api/v1/note-directories/{}?recursive=true", id(&top)),
        None,
    )
    .await
    .expect(204);
    for p in [
        format!("/api/v1/note-directories/{}", id(&top)),
        format!("/api/v1/note-directories/{}", id(&sub)),
        format!("/api/v1/note-directories/{}", id(&empty)),
        format!("/api/v1/notes/{}", id(&n1.body)),
        format!("/api/v1/notes/{}/revisions", id(&n1.body)),
    ] {
        app.admin("GET", &p, None).await.expect(404);
    }
    let left = app
        .admin("GET", "/api/v1/cases/1/note-directories", None)
        .await
        .expect(200);
    assert_eq!(names(left.body["items"].as_array().unwrap()), ["Keep"]);
    assert_eq!(left.body["items"][0]["note_count"], 1);
    let r = app
        .admin("GET", "/api/v1/cases/1/notes?q=quokka", None)
        .await
        .expect(200);
    assert_eq!(r.body["items"], json!([]));
    let r = app.admin("GET", "/api/v1/cases/1/notes", None).await.expect(200);
    assert_eq!(r.body["items"][0]["title"], "kept note");
    let trail = app
        .admin("GET", "/api/v1/cases/1/activity?limit=200", None)
        .await
        .expect(200);
    assert!(trail.body["items"].as_array().unwrap().iter().any(|i| {
        i["object_kind"] == "note_directory"
            && i["action"] == "delete"
            && i["message"]
                .as_str()
                .unwrap_or("")
                .contains("1 subdirectories and 1 notes")
    }));
}

async fn notes_round_trip_and_revisions(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let case = new_case(&app, "Notes").await;
    let content = "## Findings\n\n  indented line\ttab\n\nUnicode: é 漢字 ✓\n";
    let r = app
        .admin(
            "POST",
            &format!("/api/v1/cases/{case}/notes"),
            Some(json!({"title": "  Initial findings ", "content": content, "custom": {"shift": "night"}})),
        )
        .await
        .expect(201);
    assert_eq!(r.header("etag"), Some("\"1\""));
    let n = r.body;
    assert_eq!(n["number"], 1);
    assert_eq!(n["case_id"], case.as_str());
    assert_eq!(n["title"], "Initial findings");
    assert_eq!(n["content"], content, "content is kept byte for byte");
    assert_eq!(n["revision"], 1);
    assert_eq!(n["custom"], json!({"shift": "night"}));
    assert_eq!(n["created_by"]["login"], "admin");
    assert_eq!(n["updated_by"]["login"], "admin");
    assert_eq!(n["version"], 1);
    assert_eq!(
        n["directory"]["name"], "Notes",
        "the default directory is created on first use"
    );
    let by_num = app.admin("GET", "/api/v1/notes/1", None).await.expect(200);
    assert_eq!(by_num.body, n);
    let by_id = app
        .admin("GET", &format!("/api/v1/notes/{}", id(&n)), None)
        .await
        .expect(200);
    assert_eq!(by_id.body, n);
    // Later notes without a directory share it, even when created at the same time.
    let posts = (0..5).map(|i| {
        app.admin(
            "POST",
            "/api/v1/cases/1/notes",
            Some(json!({"title": format!("parallel {i}")})),
        )
    });
    for r in futures_util::future::join_all(posts).await {
        assert_eq!(r.expect(201).body["directory"], n["directory"]);
    }
    let dirs = app
        .admin("GET", "/api/v1/cases/1/note-directories", None)
        .await
        .expect(200);
    assert_eq!(dirs.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(dirs.body["items"][0]["note_count"], 6);
    // A new case gets its own default directory.
    new_case(&app, "Second").await;
    let other = app
        .admin("POST", "/api/v1/cases/2/notes", Some(json!({"title": "x"})))
        .await
        .expect(201);
    assert_ne!(other.body["directory"]["id"], n["directory"]["id"]);

    // Content and title changes are revisions; a move or custom change is not.
    let u = app
        .admin(
            "PATCH",
            "/api/v1/notes/1",
            Some(json!({"content": "second draft", "version": 1})),
        )
        .await
        .expect(200);
    assert_eq!(
        (u.body["revision"].clone(), u.body["version"].clone()),
        (json!(2), json!(2))
    );
    let u = app
        .admin("PATCH", "/api/v1/notes/1", Some(json!({"title": "Findings"})))
        .await
        .expect(200);
    assert_eq!(u.body["revision"], 3);
    let d = app
        .admin(
            "POST",
            "/api/v1/cases/1/note-directories",
            Some(json!({"name": "Archive"})),
        )
        .await
        .expect(201);
    let u = app
        .admin(
            "PATCH",
            "/api/v1/notes/1",
            Some(json!({"directory_id": id(&d.body), "custom": {"shift": "day"}})),
        )
        .await
        .expect(200);
    assert_eq!(u.body["revision"], 3);
    assert_eq!(u.body["version"], 4);
    assert_eq!(u.body["directory"]["name"], "Archive");
    assert_eq!(u.body["custom"], json!({"shift": "day"}));
    let same = app
        .admin(
            "PATCH",
            "/api/v1/notes/1",
            Some(json!({"title": "Findings", "content": "second draft"})),
        )
        .await
        .expect(200);
    assert_eq!(
        (same.body["revision"].clone(), same.body["version"].clone()),
        (json!(3), json!(4))
    );
    let stale = app
        .admin(
            "PATCH",
            "/api/v1/notes/1",
            Some(json!({"content": "lost", "version": 3})),
        )
        .await
        .expect(409);
    assert_eq!(stale.body["code"], "conflict");

    let revs = app.admin("GET", "/api/v1/notes/1/revisions", None).await.expect(200);
    let items = revs.body["items"].as_array().unwrap();
    let got: Vec<(i64, &str, &str)> = items
        .iter()
        .map(|r| {
            (
                r["revision"].as_i64().unwrap(),
                r["title"].as_str().unwrap(),
                r["content"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (3, "Findings", "second draft"),
            (2, "Initial findings", "second draft"),
            (1, "Initial findings", content),
        ]
    );
    assert_eq!(items[0]["author"]["login"], "admin");
    let p1 = app
        .admin("GET", "/api/v1/notes/1/revisions?limit=2", None)
        .await
        .expect(200);
    let c = p1.body["next_cursor"].as_str().unwrap();
    let p2 = app
        .admin("GET", &format!("/api/v1/notes/1/revisions?limit=2&cursor={c}"), None)
        .await
        .expect(200);
    assert_eq!(p2.body["items"][0]["revision"], 1);
    assert_eq!(p2.body["next_cursor"], Value::Null);

    let trail = app
        .admin("GET", "/api/v1/cases/1/activity?limit=200", None)
        .await
        .expect(200);
    let steps: Vec<(Value, Value)> = trail.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["object_kind"] == "note" && i["field"] == "revision")
        .map(|i| (i["old"].clone(), i["new"].clone()))
        .collect();
    assert_eq!(steps, vec![(json!(2), json!(3)), (json!(1), json!(2))]);

    app.admin("DELETE", &format!("/api/v1/notes/{}", id(&n)), None)
        .await
        .expect(204);
    app.admin("GET", "/api/v1/notes/1", None).await.expect(404);
    app.admin("GET", "/api/v1/notes/1/revisions", None).await.expect(404);
    app.admin("DELETE", "/api/v1/notes/1", None).await.expect(404);
}

async fn markdown_is_rendered_and_sanitised(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    new_case(&app, "Markdown").await;
    let md = "# Timeline summary\n\nSee [the report](https://example.org/r?a=1&b=2) and `whoami /all`.\n\n\
              ```powershell\nGet-Process | Where CPU -gt 10\n```\n\n\
              | host | state |\n|---|---|\n| ws-1 | **owned** |\n\n\
              <script>alert('xss')</script>\n\n\
              <img src=\"x\" onerror=\"alert(1)\">\n\n\
              [click me](javascript:alert(document.cookie))\n\n\
              <a href=\"JaVaScRiPt:alert(2)\" onclick=\"steal()\">raw link</a>\n\n\
              <iframe src=\"https://evil.example\"></iframe><style>body{display:none}</style>\n\n\
              <p style=\"background:url(javascript:alert(3))\">styled</p>\n";
    let n = app
        .admin(
            "POST",
            "/api/v1/cases/1/notes",
            Some(json!({"title": "XSS", "content": md})),
        )
        .await
        .expect(201);
    assert_eq!(n.body["content"], md, "the Markdown is stored as written");
    let html = n.body["content_html"].as_str().unwrap().to_owned();
    for kept in [
        "<h1>Timeline summary</h1>",
        "<a href=\"https://example.org/r?a=1&amp;b=2\" rel=\"noopener noreferrer\">the report</a>",
        "<code>whoami /all</code>",
        "<pre><code>Get-Process | Where CPU -gt 10\n</code></pre>",
        "<table>",
        "<strong>owned</strong>",
        "click me",
        "raw link",
        "styled",
    ] {
        assert!(html.contains(kept), "`{kept}` missing from:\n{html}");
    }
    let lower = html.to_lowercase();
    for gone in [
        "<script",
        "alert('xss')",
        "onerror",
        "onclick",
        "javascript:",
        "<iframe",
        "<style",
        "style=",
    ] {
        assert!(!lower.contains(gone), "`{gone}` survived in:\n{html}");
    }
    // A later edit is rendered the same way, and the list never carries content.
    let u = app
        .admin(
            "PATCH",
            "/api/v1/notes/1",
            Some(json!({"content": "## Next\n<svg onload=alert(1)><circle/></svg>[x](vbscript:msgbox)"})),
        )
        .await
        .expect(200);
    let html = u.body["content_html"].as_str().unwrap().to_lowercase();
    assert!(html.contains("<h2>next</h2>"), "{html}");
    assert!(
        !html.contains("onload") && !html.contains("<svg") && !html.contains("vbscript"),
        "{html}"
    );
    let list = app.admin("GET", "/api/v1/cases/1/notes", None).await.expect(200);
    assert!(list.body["items"][0].get("content").is_none());
    assert!(list.body["items"][0].get("content_html").is_none());
}

async fn notes_list_filters_and_pages(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let case = new_case(&app, "Lists").await;
    let c2 = new_case(&app, "Elsewhere").await;
    let a = dir(&app, &case, "A", None).await;
    let bd = dir(&app, &case, "B", None).await;
    let foreign_dir = dir(&app, &c2, "Not here", None).await;
    for i in 0..12 {
        let d = if i % 3 == 0 { &bd } else { &a };
        let mut body = json!({"title": format!("Note {i}"), "directory_id": id(d)});
        if i == 4 {
            body["content"] = json!("Beacon to EVIL.example.com every 60s");
        }
        if i == 9 {
            body["title"] = json!("Evil infrastructure");
        }
        app.admin("POST", "/api/v1/cases/1/notes", Some(body)).await.expect(201);
    }
    app.admin(
        "POST",
        "/api/v1/cases/2/notes",
        Some(json!({"title": "evil elsewhere"})),
    )
    .await
    .expect(201);
    let all = walk(&app, ADMIN_KEY, "/api/v1/cases/1/notes?limit=5").await;
    assert_eq!(numbers(&all), (1..=12).collect::<Vec<_>>());
    let r = app
        .admin("GET", "/api/v1/cases/1/notes?limit=5&count=true", None)
        .await
        .expect(200);
    assert_eq!(r.body["total"], 12);
    let in_b = walk(
        &app,
        ADMIN_KEY,
        &format!("/api/v1/cases/1/notes?directory={}&limit=2", id(&bd)),
    )
    .await;
    assert_eq!(numbers(&in_b), vec![1, 4, 7, 10]);
    assert!(in_b.iter().all(|n| n["directory"]["name"] == "B"));
    // Text over title and content, case-insensitive, this case only.
    let r = app.admin("GET", "/api/v1/cases/1/notes?q=evil", None).await.expect(200);
    assert_eq!(page_numbers(&r), vec![5, 10]);
    let r = app
        .admin("GET", "/api/v1/cases/1/notes?q=example.com%20every", None)
        .await
        .expect(200);
    assert_eq!(page_numbers(&r), vec![5]);
    let r = app
        .admin(
            "GET",
            &format!("/api/v1/cases/1/notes?q=evil&directory={}&count=true", id(&a)),
            None,
        )
        .await
        .expect(200);
    assert_eq!(page_numbers(&r), vec![5]);
    assert_eq!(r.body["total"], 1);
    let r = app
        .admin(
            "GET",
            &format!("/api/v1/cases/1/notes?directory={}", id(&foreign_dir)),
            None,
        )
        .await;
    assert_eq!(field_error(&r), ("directory".into(), "not_found".into()));
    for (path, field) in [
        ("/api/v1/cases/1/notes?directory=42", "directory"),
        ("/api/v1/cases/1/notes?q=", "q"),
        ("/api/v1/cases/1/notes?cursor=x", "cursor"),
        ("/api/v1/cases/1/notes?sort=title", "sort"),
        ("/api/v1/cases/1/note-directories?cursor=1.2", "cursor"),
        ("/api/v1/cases/1/note-directories?name=A", "name"),
    ] {
        let r = app.admin("GET", path, None).await;
        assert_eq!(field_error(&r).0, field, "{path}");
    }
    // A directory cursor whose directory was deleted is refused, not silently empty.
    let p = app
        .admin("GET", "/api/v1/cases/1/note-directories?limit=1", None)
        .await
        .expect(200);
    let c = p.body["next_cursor"].as_str().unwrap().to_owned();
    let gone = dir(&app, &case, "0 first", None).await;
    let p = app
        .admin("GET", "/api/v1/cases/1/note-directories?limit=1", None)
        .await
        .expect(200);
    assert_eq!(p.body["items"][0]["name"], "0 first");
    let c0 = p.body["next_cursor"].as_str().unwrap().to_owned();
    app.admin("DELETE", &format!("/api/v1/note-directories/{}", id(&gone)), None)
        .await
        .expect(204);
    let r = app
        .admin("GET", &format!("/api/v1/cases/1/note-directories?cursor={c0}"), None)
        .await;
    assert_eq!(field_error(&r).0, "cursor");
    let r = app
        .admin("GET", &format!("/api/v1/cases/1/note-directories?cursor={c}"), None)
        .await
        .expect(200);
    assert_eq!(names(r.body["items"].as_array().unwrap()), ["B"]);
}

async fn bad_input_is_refused(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    new_case(&app, "Inputs").await;
    for (body, field, code) in [
        (json!({"title": ""}), "title", "required"),
        (json!({"title": "x".repeat(155)}), "title", "too_long"),
        (json!({"title": "x", "content": 5}), "content", "invalid"),
        (json!({"title": "x", "directory_id": "nope"}), "directory_id", "invalid"),
        (
            json!({"title": "x", "directory_id": "0197a000-0000-7000-8000-000000000000"}),
            "directory_id",
            "not_found",
        ),
        (json!({"title": "x", "custom": "y"}), "custom", "invalid"),
        (json!({"title": "x", "revision": 7}), "revision", "invalid"),
    ] {
        let r = app.admin("POST", "/api/v1/cases/1/notes", Some(body.clone())).await;
        assert_eq!(field_error(&r), (field.to_owned(), code.to_owned()), "{body}");
    }
    let ok = app
        .admin("POST", "/api/v1/cases/1/notes", Some(json!({"title": "x".repeat(154)})))
        .await
        .expect(201);
    assert_eq!(ok.body["number"], 1);
    assert_eq!(ok.body["content"], "");
    for (body, field, code) in [
        (json!({"name": " "}), "name", "required"),
        (json!({"name": "x".repeat(256)}), "name", "too_long"),
        (json!({"name": "x", "parent_id": 3}), "parent_id", "invalid"),
    ] {
        let r = app
            .admin("POST", "/api/v1/cases/1/note-directories", Some(body.clone()))
            .await;
        assert_eq!(field_error(&r), (field.to_owned(), code.to_owned()), "{body}");
    }
    let r = app.admin("PATCH", "/api/v1/notes/1", Some(json!({"title": ""}))).await;
    assert_eq!(field_error(&r).0, "title");
    let r = app
        .admin("PATCH", "/api/v1/note-directories/1", Some(json!({"name": ""})))
        .await;
    assert_eq!(field_error(&r).0, "name");
    let h = [
        ("authorization", format!("Bearer {ADMIN_KEY}")),
        ("if-match", "soon".to_owned()),
    ];
    let hs: Vec<(&str, &str)> = h.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app
        .call("PATCH", "/api/v1/notes/1", &hs, Some(r#"{"content":"x"}"#))
        .await;
    assert_eq!(field_error(&r).0, "If-Match");
    app.admin("GET", "/api/v1/notes/x", None).await.expect(422);
    app.admin("GET", "/api/v1/note-directories/-1", None).await.expect(422);
    app.admin("POST", "/api/v1/cases/9/notes", Some(json!({"title": "x"})))
        .await
        .expect(404);
    app.admin("POST", "/api/v1/cases/9/note-directories", Some(json!({"name": "x"})))
        .await
        .expect(404);
    // A viewer reads but does not write.
    let (_, viewer) = app.member("vera", "viewer").await;
    app.as_key(&viewer, "GET", "/api/v1/notes/1", None).await.expect(200);
    app.as_key(&viewer, "POST", "/api/v1/cases/1/notes", Some(json!({"title": "no"})))
        .await
        .expect(403);
    app.as_key(&viewer, "DELETE", "/api/v1/note-directories/1?recursive=true", None)
        .await
        .expect(403);
}

async fn core_service(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (_, key) = app.member("dana", "analyst").await;
    let dana = app.core.authenticate(&key, None, Via::Native).await.unwrap();
    let case = new_case(&app, "Core").await;
    let ck = Key::parse(&case).unwrap();
    let d = app
        .core
        .create_note_directory(
            &dana,
            ck,
            NewNoteDirectory {
                name: "Host forensics".into(),
                parent_id: None,
            },
        )
        .await
        .unwrap();
    let n = app
        .core
        .create_note(
            &dana,
            ck,
            NewNote {
                title: "Prefetch".into(),
                content: "**evil.exe** ran <b onmouseover=x()>twice</b>".into(),
                directory_id: Some(d.id),
                custom: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(n.directory.id, d.id);
    assert_eq!(n.content_html, "<p><strong>evil.exe</strong> ran <b>twice</b></p>\n");
    let too_big = app
        .core
        .create_note(
            &dana,
            ck,
            NewNote {
                title: "Huge".into(),
                content: "x".repeat(1024 * 1024 + 1),
                ..Default::default()
            },
        )
        .await;
    assert!(
        matches!(too_big, Err(dossier_core::Error::Validation(ref f)) if f[0].field == "content" && f[0].code == "too_long"),
        "{too_big:?}"
    );
    // 1 MiB of distinct words (a list of hashes, say): more than PostgreSQL's text index takes
    // in one document, so only the start of it is indexed.
    let mut words = String::with_capacity(1024 * 1024);
    let mut i = 0u32;
    while words.len() + 9 <= 1024 * 1024 {
        words.push_str(&format!("{i:08x} "));
        i += 1;
    }
    words.push_str(&"z".repeat(1024 * 1024 - words.len()));
    let max = app
        .core
        .create_note(
            &dana,
            ck,
            NewNote {
                title: "Exactly 1 MiB".into(),
                content: words.clone(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(max.content.len(), 1024 * 1024);
    assert_eq!(max.content, words);
    let found = app
        .core
        .list_notes(
            &dana,
            ck,
            NoteFilter {
                q: Some("00000abc".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(found.items.len(), 1, "the indexed start of a long note is searchable");
    let u = app
        .core
        .update_note(
            &dana,
            Key::Uuid(n.id),
            NotePatch {
                content: Some("rewritten".into()),
                version: Some(1),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(u.revision, 2);
    let revs = app.core.note_revisions(&dana, Key::Uuid(n.id), None, 0).await.unwrap();
    assert_eq!(revs.items.len(), 2);
    assert_eq!(revs.items[1].content, n.content);
    let page = app
        .core
        .list_notes(
            &dana,
            ck,
            NoteFilter {
                q: Some("REWRITTEN".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].id, n.id);
    let busy = app.core.delete_note_directory(&dana, Key::Uuid(d.id), false).await;
    assert!(matches!(busy, Err(dossier_core::Error::Conflict(_))), "{busy:?}");
    app.core
        .delete_note_directory(&dana, Key::Uuid(d.id), true)
        .await
        .unwrap();
    assert!(matches!(
        app.core.get_note(&dana, Key::Uuid(n.id)).await,
        Err(dossier_core::Error::NotFound { .. })
    ));
}

async fn other_workspace_is_denied(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let case = new_case(&app, "Zebra-5512 case").await;
    let d = dir(&app, &case, "Zebra-5512 dir", None).await;
    let n = app
        .admin(
            "POST",
            "/api/v1/cases/1/notes",
            Some(json!({"title": "Zebra-5512 note", "content": "Zebra-5512 body", "directory_id": id(&d)})),
        )
        .await
        .expect(201)
        .body;
    let (_, other) = app.tenant("Other").await;
    app.as_key(&other, "POST", "/api/v1/cases", Some(json!({"title": "Mine"})))
        .await
        .expect(201);
    let own_dir = app
        .as_key(
            &other,
            "POST",
            "/api/v1/cases/1/note-directories",
            Some(json!({"name": "Mine"})),
        )
        .await
        .expect(201);
    assert_eq!(own_dir.body["number"], 1, "numbers are per workspace");
    let secrets = vec!["Zebra-5512".to_owned(), case.clone(), id(&d), id(&n)];
    for c in [case.as_str()] {
        let p = format!("/api/v1/cases/{c}");
        denied(&app, &other, "GET", &format!("{p}/note-directories"), None, &secrets).await;
        denied(
            &app,
            &other,
            "POST",
            &format!("{p}/note-directories"),
            Some(json!({"name": "pwned"})),
            &secrets,
        )
        .await;
        denied(&app, &other, "GET", &format!("{p}/notes"), None, &secrets).await;
        denied(&app, &other, "GET", &format!("{p}/notes?q=Zebra"), None, &secrets).await;
        denied(
            &app,
            &other,
            "POST",
            &format!("{p}/notes"),
            Some(json!({"title": "pwned"})),
            &secrets,
        )
        .await;
    }
    for dk in [id(&d), "2".to_owned()] {
        let p = format!("/api/v1/note-directories/{dk}");
        denied(&app, &other, "GET", &p, None, &secrets).await;
        denied(&app, &other, "PATCH", &p, Some(json!({"name": "pwned"})), &secrets).await;
        denied(
            &app,
            &other,
            "PATCH",
            &p,
            Some(json!({"parent_id": null, "version": 1})),
            &secrets,
        )
        .await;
        denied(&app, &other, "DELETE", &p, None, &secrets).await;
        denied(&app, &other, "DELETE", &format!("{p}?recursive=true"), None, &secrets).await;
    }
    for nk in [id(&n), "1".to_owned()] {
        let p = format!("/api/v1/notes/{nk}");
        denied(&app, &other, "GET", &p, None, &secrets).await;
        denied(&app, &other, "PATCH", &p, Some(json!({"content": "pwned"})), &secrets).await;
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
        denied(&app, &other, "GET", &format!("{p}/revisions"), None, &secrets).await;
    }
    // Naming the default workspace's directory from the other workspace's own case: not found.
    let r = app
        .as_key(
            &other,
            "POST",
            "/api/v1/cases/1/notes",
            Some(json!({"title": "x", "directory_id": id(&d)})),
        )
        .await;
    assert_eq!(field_error(&r), ("directory_id".into(), "not_found".into()));
    let r = app
        .as_key(
            &other,
            "POST",
            "/api/v1/cases/1/note-directories",
            Some(json!({"name": "x", "parent_id": id(&d)})),
        )
        .await;
    assert_eq!(field_error(&r), ("parent_id".into(), "not_found".into()));
    let r = app
        .as_key(
            &other,
            "PATCH",
            &format!("/api/v1/note-directories/{}", id(&own_dir.body)),
            Some(json!({"parent_id": id(&d)})),
        )
        .await;
    assert_eq!(field_error(&r), ("parent_id".into(), "not_found".into()));
    let r = app
        .as_key(
            &other,
            "GET",
            &format!("/api/v1/cases/1/notes?directory={}", id(&d)),
            None,
        )
        .await;
    assert_eq!(field_error(&r), ("directory".into(), "not_found".into()));
    for p in ["/api/v1/cases/1/notes?q=Zebra", "/api/v1/cases/1/note-directories"] {
        let r = app.as_key(&other, "GET", p, None).await.expect(200);
        for s in &secrets {
            assert!(!r.text.contains(s.as_str()), "{p} leaks {s}");
        }
    }
    // The owner's rows are unchanged.
    let after = app
        .admin("GET", &format!("/api/v1/notes/{}", id(&n)), None)
        .await
        .expect(200);
    assert_eq!(after.body, n);
    let after = app
        .admin("GET", &format!("/api/v1/note-directories/{}", id(&d)), None)
        .await
        .expect(200);
    assert_eq!(after.body["name"], d["name"]);
    assert_eq!(after.body["version"], 1);
    assert_eq!(after.body["note_count"], 1);
    let revs = app.admin("GET", "/api/v1/notes/1/revisions", None).await.expect(200);
    assert_eq!(revs.body["items"].as_array().unwrap().len(), 1);
}

async fn deleting_a_case_removes_its_notes(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let doomed = new_case(&app, "Doomed").await;
    let kept = new_case(&app, "Kept").await;
    let d = dir(&app, &doomed, "Doomed dir", None).await;
    let sub = dir(&app, &doomed, "Doomed sub", Some(&id(&d))).await;
    let n = app
        .admin(
            "POST",
            &format!("/api/v1/cases/{doomed}/notes"),
            Some(json!({"title": "Doomed note", "content": "wombat-77", "directory_id": id(&sub)})),
        )
        .await
        .expect(201)
        .body;
    let dflt = app
        .admin(
            "POST",
            &format!("/api/v1/cases/{doomed}/notes"),
            Some(json!({"title": "In default"})),
        )
        .await
        .expect(201)
        .body;
    let k = app
        .admin(
            "POST",
            &format!("/api/v1/cases/{kept}/notes"),
            Some(json!({"title": "Kept note", "content": "wombat-77"})),
        )
        .await
        .expect(201)
        .body;
    app.admin("DELETE", &format!("/api/v1/cases/{doomed}"), None)
        .await
        .expect(204);
    for p in [
        format!("/api/v1/note-directories/{}", id(&d)),
        format!("/api/v1/note-directories/{}", id(&sub)),
        format!("/api/v1/note-directories/{}", dflt["directory"]["id"].as_str().unwrap()),
        format!("/api/v1/notes/{}", id(&n)),
        format!("/api/v1/notes/{}", id(&dflt)),
        format!("/api/v1/notes/{}/revisions", id(&n)),
        format!("/api/v1/cases/{doomed}/notes"),
        format!("/api/v1/cases/{doomed}/note-directories"),
    ] {
        app.admin("GET", &p, None).await.expect(404);
    }
    let r = app
        .admin("GET", &format!("/api/v1/cases/{kept}/notes?q=wombat"), None)
        .await
        .expect(200);
    assert_eq!(r.body["items"][0]["id"], k["id"]);
    app.admin("GET", &format!("/api/v1/notes/{}", id(&k)), None)
        .await
        .expect(200);
}

async fn openapi_covers_the_routes(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    openapi_has(
        &app,
        &[
            ("/api/v1/cases/{id}/note-directories", &["get", "post"]),
            ("/api/v1/note-directories/{id}", &["delete", "get", "patch"]),
            ("/api/v1/cases/{id}/notes", &["get", "post"]),
            ("/api/v1/notes/{id}", &["delete", "get", "patch"]),
            ("/api/v1/notes/{id}/revisions", &["get"]),
        ],
        &[
            "Note",
            "NoteSummary",
            "NewNote",
            "NotePatch",
            "NoteRevision",
            "NoteDirectory",
            "NewNoteDirectory",
            "NoteDirectoryPatch",
            "NoteDirectoryRef",
        ],
    )
    .await;
}
