//! Case access through every route of every mounted API, enumerated from the route table (so a
//! new route cannot escape): a member denied on a case sees nothing of it through any route and
//! changes nothing of it; a member with read-only access changes nothing of it either.
//!
//! Each route is called with every method it has, its placeholders filled with the ids of the
//! target case and of the objects inside it (numbers for IRIS, ids for the native API), and for
//! IRIS with `?cid=` naming the case. Bodies are `{}`, and a few plausible ones per API.
//! Afterwards the admin's view of the case and everything in it must be exactly as before, and
//! no answer given to the denied member may hold a marker of the hidden case. The same sweep,
//! made by another workspace's admin, proves workspace isolation of every route.

use std::collections::HashMap;

use axum::http::Method;
use dossier_api::kit::route::RouteInfo;
use dossier_core::Backend;
use serde_json::{Value, json};

use crate::{both, harness::TestApp};

both!(
    every_route_keeps_hidden_and_read_only_cases,
    every_route_keeps_other_workspaces_out
);

/// The objects of one case, by kind: (number, uuid).
#[derive(Default, Clone)]
struct Objects {
    case: i64,
    ids: HashMap<&'static str, (i64, String)>,
    /// The workspace's id (Tracecat names it in every request).
    workspace: String,
}

async fn populate(app: &TestApp, case: i64, word: &str) -> Objects {
    let base = format!("/api/v1/cases/{case}");
    let mut o = Objects {
        case,
        workspace: app.admin("GET", "/api/v1/me", None).await.body["workspace"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        ..Objects::default()
    };
    let c = app.admin("GET", &base, None).await.expect(200);
    o.ids
        .insert("case", (case, c.body["id"].as_str().unwrap_or_default().to_owned()));
    let mut add = |kind: &'static str, r: &Value| {
        let n = r["number"].as_i64().unwrap_or(0);
        let id = r["id"].as_str().unwrap_or_default().to_owned();
        o.ids.insert(kind, (n, id));
    };
    let r = app
        .admin(
            "POST",
            &format!("{base}/observables"),
            Some(json!({"type": "domain", "value": format!("{word}.example")})),
        )
        .await
        .expect(201);
    let link = if r.body["observable"].is_object() {
        &r.body["observable"]
    } else {
        &r.body
    };
    add("observable", link);
    let identity = link["observable_id"].as_str().unwrap_or_default().to_owned();
    let r = app
        .admin(
            "POST",
            &format!("{base}/assets"),
            Some(json!({"name": format!("{word}-host"), "type": 9})),
        )
        .await
        .expect(201);
    add("asset", &r.body);
    let asset_identity = r.body["asset_id"].as_str().unwrap_or_default().to_owned();
    // One of each object kind inside the case, each holding the case's word.
    let objects = [
        ("task", "tasks", json!({"title": format!("{word} task")})),
        ("directory", "note-directories", json!({"name": format!("{word} dir")})),
        (
            "note",
            "notes",
            json!({"title": format!("{word} note"), "content": format!("{word} details")}),
        ),
        (
            "event",
            "timeline",
            json!({"title": format!("{word} event"), "occurred_at": "2026-01-02T10:00:00Z"}),
        ),
        (
            "evidence",
            "evidence",
            json!({"filename": format!("{word}.pst"), "size": 10}),
        ),
        ("comment", "comments", json!({"content": format!("{word} remark")})),
    ];
    for (kind, path, body) in objects {
        let r = app
            .admin("POST", &format!("{base}/{path}"), Some(body))
            .await
            .expect(201);
        add(kind, &r.body);
    }
    o.ids.insert("observable_identity", (0, identity));
    o.ids.insert("asset_identity", (0, asset_identity));
    o
}

/// Everything the admin sees of a case, to compare before and after.
async fn snapshot(app: &TestApp, o: &Objects) -> Vec<String> {
    let c = o.case;
    let mut paths: Vec<String> = [
        "",
        "/activity?limit=200",
        "/observables",
        "/assets",
        "/tasks",
        "/notes",
        "/note-directories",
        "/timeline",
        "/evidence",
        "/comments",
        "/summary-versions",
    ]
    .iter()
    .map(|p| format!("/api/v1/cases/{c}{p}"))
    .collect();
    for kind in ["note", "task", "event", "evidence", "directory"] {
        let id = &o.ids[kind].1;
        let p = match kind {
            "note" => format!("/api/v1/notes/{id}"),
            "task" => format!("/api/v1/tasks/{id}"),
            "event" => format!("/api/v1/timeline/{id}"),
            "evidence" => format!("/api/v1/evidence/{id}"),
            _ => format!("/api/v1/note-directories/{id}"),
        };
        paths.push(p);
    }
    paths.push(format!("/api/v1/observables/{}/cases", o.ids["observable_identity"].1));
    paths.push(format!("/api/v1/assets/{}/cases", o.ids["asset_identity"].1));
    let mut out = Vec::new();
    for p in paths {
        let r = app.admin("GET", &p, None).await;
        out.push(format!("{p} {} {}", r.status.as_u16(), r.text));
    }
    let ds = app.iris("GET", &format!("/datastore/list/tree?cid={c}"), None).await;
    out.push(format!("datastore {} {}", ds.status.as_u16(), ds.text));
    out
}

/// The path of `r` with its placeholders naming the objects of `o`.
fn fill(r: &RouteInfo, o: &Objects) -> String {
    let num = |k: &str| o.ids.get(k).map_or(1, |v| v.0).to_string();
    let id = |k: &str| o.ids.get(k).map_or_else(|| "1".to_owned(), |v| v.1.clone());
    let p = r.path.as_str();
    let path = r.path_with(|name| {
        if r.api == "tracecat" {
            return match name {
                "workspace_id" => o.workspace.clone(),
                "case_id" => id("case"),
                "comment_id" => id("comment"),
                _ => "1".to_owned(),
            };
        }
        if r.api == "native" {
            let object = |seg: &str| p.starts_with(seg);
            match name {
                "observable_id" => id("observable"),
                "asset_id" => id("asset"),
                _ if object("/api/v1/cases/") => o.case.to_string(),
                _ if object("/api/v1/notes/") => id("note"),
                _ if object("/api/v1/note-directories/") => id("directory"),
                _ if object("/api/v1/tasks/") => id("task"),
                _ if object("/api/v1/timeline/") => id("event"),
                _ if object("/api/v1/evidence/") => id("evidence"),
                _ if object("/api/v1/comments/") => id("comment"),
                _ if object("/api/v1/observables/") => id("observable_identity"),
                _ if object("/api/v1/assets/") => id("asset_identity"),
                _ => "1".to_owned(),
            }
        } else {
            let under = |seg: &str| p.contains(seg);
            match name {
                "comment" | "comment_id" => num("comment"),
                _ if under("/manage/cases/") => o.case.to_string(),
                _ if under("/case/ioc") => num("observable"),
                _ if under("/case/assets") => num("asset"),
                _ if under("/case/tasks") => num("task"),
                _ if under("/case/notes/directories") => num("directory"),
                _ if under("/case/notes") => num("note"),
                _ if under("/case/timeline") => num("event"),
                _ if under("/case/evidences") => num("evidence"),
                _ if name.contains("case") => o.case.to_string(),
                _ => "1".to_owned(),
            }
        }
    });
    match r.api {
        "native" => path,
        "tracecat" => format!("{path}?workspace_id={}", o.workspace),
        _ => format!("{path}?cid={}", o.case),
    }
}

/// Bodies tried on every write: empty, and plausible fields of each API.
fn bodies(api: &str, o: &Objects) -> Vec<Value> {
    match api {
        "tracecat" => vec![
            json!({}),
            json!({"summary": "changed", "description": "changed", "status": "closed", "priority": "low",
                   "severity": "low", "content": "changed"}),
        ],
        "native" => vec![
            json!({}),
            json!({"title": "changed", "content": "changed", "name": "changed", "status": "closed"}),
            json!({"type": "domain", "value": "changed.example"}),
        ],
        _ => vec![
            json!({}),
            json!({"cid": o.case, "case_name": "changed", "ioc_value": "changed", "ioc_type_id": 1,
                   "ioc_tlp_id": 1, "asset_name": "changed", "asset_type_id": 1, "task_title": "changed",
                   "task_status_id": 1, "note_title": "changed", "note_content": "changed",
                   "event_title": "changed", "event_date": "2026-01-01T00:00:00.000",
                   "event_tz": "+00:00", "filename": "changed", "comment_text": "changed",
                   "case_id": o.case, "cases_list": [o.case], "directory_id": o.ids["directory"].0}),
        ],
    }
}

/// Calls every route of the table as `key`, on the objects of `o`; returns what each answered.
async fn sweep(app: &TestApp, key: &str, o: &Objects, table: &[RouteInfo]) -> Vec<(String, u16, String)> {
    let mut out = Vec::new();
    for r in table {
        // Operational endpoints hold no case; logging out would end the member's key.
        if r.api == dossier_api::OPS || r.path.contains("logout") {
            continue;
        }
        let path = fill(r, o);
        let auth = format!("Bearer {key}");
        let headers = [("authorization", auth.as_str()), ("content-type", "application/json")];
        let what = format!("{} {path}", r.method);
        if r.method == Method::GET {
            let res = app.call("GET", &path, &headers, None).await;
            out.push((what, res.status.as_u16(), res.text));
            continue;
        }
        for body in bodies(r.api, o) {
            let text = body.to_string();
            let res = app.call(r.method.as_str(), &path, &headers, Some(&text)).await;
            out.push((format!("{what} {text}"), res.status.as_u16(), res.text));
        }
    }
    out
}

/// The markers of a case's data: its word and the ids of the case and everything in it.
fn markers(o: &Objects, word: &str) -> Vec<String> {
    let mut m = vec![word.to_owned()];
    m.extend(o.ids.values().map(|(_, id)| id.clone()).filter(|id| !id.is_empty()));
    m
}

/// Fails when an answer holds a marker the request did not name itself (an id the request
/// named may be echoed back: "Case with ID … not found").
fn nothing_leaks(answers: &[(String, u16, String)], markers: &[String]) {
    for (what, status, text) in answers {
        let lower = text.to_lowercase();
        for m in markers.iter().filter(|m| !what.contains(m.as_str())) {
            assert!(
                !lower.contains(&m.to_lowercase()),
                "{what} answered {status} with {m}: {text}"
            );
        }
    }
}

/// Fails with the views that differ.
fn same(before: &[String], after: &[String], what: &str) {
    let changed: Vec<String> = before
        .iter()
        .zip(after)
        .filter(|(a, b)| a != b)
        .map(|(a, b)| format!("before: {a}\nafter:  {b}"))
        .collect();
    assert!(changed.is_empty(), "{what} changed:\n{}", changed.join("\n"));
}

async fn every_route_keeps_hidden_and_read_only_cases(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    // IRIS's primary case is case 1; 2 is hidden from the member, 3 read-only.
    app.iris_ok("GET", "/manage/cases/list", None).await;
    app.admin(
        "POST",
        "/api/v1/cases",
        Some(json!({"title": "Hidden zebrafinch case", "description": "zebrafinch"})),
    )
    .await
    .expect(201);
    app.admin("POST", "/api/v1/cases", Some(json!({"title": "Read-only case"})))
        .await
        .expect(201);
    let hidden = populate(&app, 2, "zebrafinch").await;
    let read_only = populate(&app, 3, "readonly").await;
    let (_, ana) = app.member("ana", "analyst").await;
    let list = app.iris_ok("GET", "/manage/users/list", None).await;
    let n = list
        .as_array()
        .and_then(|l| l.iter().find(|u| u["user_login"] == "ana"))
        .and_then(|u| u["user_id"].as_i64())
        .unwrap_or_default();
    for (case, level) in [(2, 1), (3, 2)] {
        app.iris_ok(
            "POST",
            &format!("/manage/users/{n}/cases-access/update"),
            Some(json!({"cases_list": [case], "access_level": level})),
        )
        .await;
    }
    let table = dossier_api::route_table();
    let apis: Vec<&str> = table.iter().map(|r| r.api).collect();
    for api in ["native", "iris", "tracecat"] {
        assert!(apis.contains(&api), "no route of {api}");
    }

    // The hidden case: nothing of it in any answer, nothing of it changed.
    // The first datastore read makes the case's root folders: read once before comparing.
    snapshot(&app, &hidden).await;
    snapshot(&app, &read_only).await;
    let before = snapshot(&app, &hidden).await;
    let answers = sweep(&app, &ana, &hidden, &table).await;
    assert!(answers.len() > 300, "only {} calls", answers.len());
    // The member stayed signed in throughout, so every refusal is about the case.
    let unauthenticated: Vec<&String> = answers.iter().filter(|a| a.1 == 401).map(|a| &a.0).collect();
    assert!(unauthenticated.is_empty(), "401 for {unauthenticated:?}");
    nothing_leaks(&answers, &markers(&hidden, "zebrafinch"));
    same(&before, &snapshot(&app, &hidden).await, "the hidden case");

    // The read-only case: readable, and nothing of it changed.
    let before = snapshot(&app, &read_only).await;
    let answers = sweep(&app, &ana, &read_only, &table).await;
    let read = answers
        .iter()
        .filter(|(what, status, text)| {
            what.starts_with("GET /api/v1/cases/3") && *status == 200 && text.contains("readonly")
        })
        .count();
    assert!(read >= 5, "the read-only case's objects were not readable");
    same(&before, &snapshot(&app, &read_only).await, "the read-only case");
}

async fn every_route_keeps_other_workspaces_out(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.iris_ok("GET", "/manage/cases/list", None).await;
    app.admin(
        "POST",
        "/api/v1/cases",
        Some(json!({"title": "Tenant A zebrafinch case"})),
    )
    .await
    .expect(201);
    let a = populate(&app, 2, "zebrafinch").await;
    let (other_ws, other) = app.tenant("Tenant B").await;
    // Tenant B has data of its own, so that its lists are not empty.
    app.as_key(&other, "POST", "/api/v1/cases", Some(json!({"title": "B's case"})))
        .await
        .expect(201);
    snapshot(&app, &a).await;
    let before = snapshot(&app, &a).await;
    let table = dossier_api::route_table();
    // Once naming A's workspace (Tracecat), once naming B's own with A's ids.
    for ws in [a.workspace.clone(), other_ws] {
        let o = Objects {
            workspace: ws,
            ..a.clone()
        };
        let answers = sweep(&app, &other, &o, &table).await;
        assert!(answers.len() > 300, "only {} calls", answers.len());
        let unauthenticated: Vec<&String> = answers.iter().filter(|x| x.1 == 401).map(|x| &x.0).collect();
        assert!(unauthenticated.is_empty(), "401 for {unauthenticated:?}");
        nothing_leaks(&answers, &markers(&a, "zebrafinch"));
    }
    same(&before, &snapshot(&app, &a).await, "tenant A's case");
}
