//! `/api/v1/case-templates` and cases created from them.

use dossier_core::Backend;
use serde_json::json;

use crate::{both, harness::TestApp};

both!(template_seeds_a_new_case, templates_are_admin_only_and_isolated);

async fn template_seeds_a_new_case(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else { return };
    let t = app
        .admin(
            "POST",
            "/api/v1/case-templates",
            Some(json!({
                "name": "Phishing", "description": "Mail-borne lures",
                "content": {
                    "title_prefix": "[Phishing] ", "description": "Follow the phishing playbook.", "severity": "high",
                    "classification_id": 30, "tags": ["phishing"],
                    "tasks": [{"title": "Pull the message headers", "tags": ["email"]}, {"title": "Block the sender", "mandatory": true}],
                    "note_directories": ["Findings", "Comms"]
                }
            })),
        )
        .await
        .expect(201);
    assert_eq!(t.body["number"], 1);
    assert_eq!(t.body["tasks"][1]["mandatory"], true);
    let c = app
        .admin(
            "POST",
            "/api/v1/cases",
            Some(json!({"title": "Payroll lure", "tags": ["finance"], "template": "1"})),
        )
        .await
        .expect(201);
    assert_eq!(c.body["title"], "[Phishing] Payroll lure");
    assert_eq!(c.body["description"], "Follow the phishing playbook.");
    assert_eq!(c.body["severity"], "high");
    assert_eq!(c.body["classification"]["name"], "fraud:phishing");
    assert_eq!(c.body["tags"], json!(["phishing", "finance"]));
    let tasks = app.admin("GET", "/api/v1/cases/1/tasks", None).await.expect(200);
    let titles: Vec<&str> = tasks.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 2);
    assert!(titles.contains(&"Pull the message headers") && titles.contains(&"Block the sender"));
    let dirs = app
        .admin("GET", "/api/v1/cases/1/note-directories", None)
        .await
        .expect(200);
    let names: Vec<&str> = dirs.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Comms", "Findings"]);
    // The request's own values win over the template's defaults.
    let own = app
        .admin(
            "POST",
            "/api/v1/cases",
            Some(json!({"title": "t", "severity": "low", "description": "mine", "template": t.body["id"]})),
        )
        .await
        .expect(201);
    assert_eq!(own.body["severity"], "low");
    assert_eq!(own.body["description"], "mine");
    // Unknown template: nothing is created.
    let e = app
        .admin("POST", "/api/v1/cases", Some(json!({"title": "x", "template": "99"})))
        .await
        .expect(422);
    assert_eq!(e.body["errors"][0]["field"], "template");
    let all = app.admin("GET", "/api/v1/cases?count=true", None).await.expect(200);
    assert_eq!(all.body["total"], 2);
    // Replace, with a version check.
    let r = app
        .admin(
            "PUT",
            "/api/v1/case-templates/1",
            Some(json!({"name": "Phishing v2", "content": {"tags": ["mail"]}, "version": 1})),
        )
        .await
        .expect(200);
    assert_eq!(r.body["version"], 2);
    assert_eq!(r.body["tasks"], json!([]));
    app.admin(
        "PUT",
        "/api/v1/case-templates/1",
        Some(json!({"name": "x", "content": {}, "version": 1})),
    )
    .await
    .expect(409);
    // Bad content.
    let e = app
        .admin(
            "POST",
            "/api/v1/case-templates",
            Some(json!({"name": "Bad", "content": {"classification_id": 999, "tasks": [{"title": ""}]}})),
        )
        .await
        .expect(422);
    assert_eq!(e.body["errors"][0]["field"], "content.tasks[0].title");
    let e = app
        .admin(
            "POST",
            "/api/v1/case-templates",
            Some(json!({"name": "Bad", "content": {"classification_id": 999}})),
        )
        .await
        .expect(422);
    assert_eq!(e.body["errors"][0]["field"], "content.classification_id");
    let e = app
        .admin(
            "POST",
            "/api/v1/case-templates",
            Some(json!({"name": "phishing V2", "content": {}})),
        )
        .await
        .expect(422);
    assert_eq!(e.body["errors"][0]["code"], "taken");
    // A rename onto another template's name is refused too.
    app.admin(
        "POST",
        "/api/v1/case-templates",
        Some(json!({"name": "Malware", "content": {}})),
    )
    .await
    .expect(201);
    let e = app
        .admin(
            "PUT",
            "/api/v1/case-templates/1",
            Some(json!({"name": "MALWARE", "content": {}})),
        )
        .await
        .expect(422);
    assert_eq!(e.body["errors"][0]["code"], "taken");
    app.admin("DELETE", "/api/v1/case-templates/1", None).await.expect(204);
    app.admin("GET", "/api/v1/case-templates/1", None).await.expect(404);
}

async fn templates_are_admin_only_and_isolated(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else { return };
    let (_, analyst) = app.member("andy", "analyst").await;
    let body = json!({"name": "IR", "content": {"tasks": [{"title": "Scope"}]}});
    app.as_key(&analyst, "POST", "/api/v1/case-templates", Some(body.clone()))
        .await
        .expect(403);
    let t = app
        .admin("POST", "/api/v1/case-templates", Some(body))
        .await
        .expect(201);
    let id = t.body["id"].as_str().unwrap().to_owned();
    // Analysts may use and read templates.
    app.as_key(&analyst, "GET", "/api/v1/case-templates", None)
        .await
        .expect(200);
    app.as_key(
        &analyst,
        "POST",
        "/api/v1/cases",
        Some(json!({"title": "From IR", "template": "1"})),
    )
    .await
    .expect(201);
    let (_, other) = app.tenant("Other").await;
    let l = app
        .as_key(&other, "GET", "/api/v1/case-templates", None)
        .await
        .expect(200);
    assert_eq!(l.body, json!([]));
    for k in ["1", id.as_str()] {
        app.as_key(&other, "GET", &format!("/api/v1/case-templates/{k}"), None)
            .await
            .expect(404);
        app.as_key(
            &other,
            "PUT",
            &format!("/api/v1/case-templates/{k}"),
            Some(json!({"name": "x", "content": {}})),
        )
        .await
        .expect(404);
        app.as_key(&other, "DELETE", &format!("/api/v1/case-templates/{k}"), None)
            .await
            .expect(404);
        let e = app
            .as_key(
                &other,
                "POST",
                "/api/v1/cases",
                Some(json!({"title": "x", "template": k})),
            )
            .await
            .expect(422);
        assert_eq!(e.body["errors"][0]["field"], "template");
    }
    let still = app.admin("GET", "/api/v1/case-templates/1", None).await.expect(200);
    assert_eq!(still.body["name"], "IR");
    assert_eq!(still.body["version"], 1);
}
