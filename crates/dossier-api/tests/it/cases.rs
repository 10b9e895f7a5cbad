//! `/api/v1/cases`: CRUD, filters, sorting and keyset paging, optimistic concurrency, audit.

use dossier_core::Backend;
use serde_json::{Value, json};

use crate::{both, harness::TestApp};

both!(
    create_get_update_delete,
    list_filters_and_pages,
    stale_version_conflicts,
    close_and_reopen,
    activity_trail,
    detailed_state_reviewer_classification,
    summary_history,
    batch_create_is_all_or_nothing
);

async fn create_get_update_delete(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (uid, _) = app.member("alice", "analyst").await;
    let c = app
        .admin(
            "POST",
            "/api/v1/cases",
            Some(json!({
                "title": "  Phishing wave  ", "description": "Lure impersonating payroll", "severity": "high",
                "priority": "critical", "tlp": "red", "pap": "green", "tags": ["phishing", "Email", "phishing"],
                "assignee": uid, "external_ref": "SOC-1", "external_link": "https://ticket.example.org/1",
                "occurred_at": "2026-01-02T03:04:05Z", "custom": {"vip": true}
            })),
        )
        .await
        .expect(201);
    let v = c.json();
    assert_eq!(v["number"], 1);
    assert_eq!(v["title"], "Phishing wave");
    assert_eq!(v["status"], "new");
    assert_eq!(v["state"], json!({"id": 3, "code": "open", "label": "Open"}));
    assert_eq!(v["severity"], "high");
    assert_eq!(v["priority"], "critical");
    assert_eq!(v["tlp"], "red");
    assert_eq!(v["pap"], "green");
    assert_eq!(v["tags"], json!(["phishing", "Email"]));
    assert_eq!(v["assignee"]["login"], "alice");
    assert_eq!(v["external_ref"], "SOC-1");
    assert_eq!(v["occurred_at"], "2026-01-02T03:04:05.000000Z");
    assert_eq!(v["custom"], json!({"vip": true}));
    assert_eq!(v["created_by"]["login"], "admin");
    assert_eq!(v["version"], 1);
    assert_eq!(c.header("etag"), Some("\"1\""));
    let id = v["id"].as_str().unwrap().to_owned();

    // By number and by UUID.
    let by_num = app.admin("GET", "/api/v1/cases/1", None).await.expect(200);
    let by_id = app.admin("GET", &format!("/api/v1/cases/{id}"), None).await.expect(200);
    assert_eq!(by_num.body, by_id.body);

    let u = app
        .admin(
            "PATCH",
            "/api/v1/cases/1",
            Some(json!({"title": "Phishing wave (payroll)", "tags": ["email"], "assignee": null, "version": 1})),
        )
        .await
        .expect(200);
    assert_eq!(u.body["title"], "Phishing wave (payroll)");
    assert_eq!(
        u.body["tags"],
        json!(["Email"]),
        "a tag keeps the workspace's first spelling"
    );
    assert_eq!(u.body["assignee"], Value::Null);
    assert_eq!(u.body["version"], 2);
    assert_eq!(u.body["severity"], "high", "untouched fields stay");

    // A no-op update does not bump the version.
    let same = app
        .admin(
            "PATCH",
            "/api/v1/cases/1",
            Some(json!({"title": "Phishing wave (payroll)"})),
        )
        .await
        .expect(200);
    assert_eq!(same.body["version"], 2);

    app.admin("DELETE", &format!("/api/v1/cases/{id}"), None)
        .await
        .expect(204);
    app.admin("GET", "/api/v1/cases/1", None).await.expect(404);
    app.admin("DELETE", "/api/v1/cases/1", None).await.expect(404);
    // Numbers are never reused.
    let next = app
        .admin("POST", "/api/v1/cases", Some(json!({"title": "Next"})))
        .await
        .expect(201);
    assert_eq!(next.body["number"], 2);
}

async fn list_filters_and_pages(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (uid, _) = app.member("bob", "analyst").await;
    let sev = ["low", "medium", "high", "critical"];
    for i in 0..23 {
        let mut body = json!({"title": format!("Case {i}"), "severity": sev[i % 4], "tags": [format!("t{}", i % 3)]});
        if i % 5 == 0 {
            body["assignee"] = json!(uid);
        }
        if i == 7 {
            body["description"] = json!("beacon to evil.example.com seen");
        }
        app.admin("POST", "/api/v1/cases", Some(body)).await.expect(201);
    }
    // Default sort: newest first; walk every page.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/cases?limit=5&cursor={c}"),
            None => "/api/v1/cases?limit=5&count=true".to_owned(),
        };
        let r = app.admin("GET", &path, None).await.expect(200);
        if cursor.is_none() {
            assert_eq!(r.body["total"], 23);
        }
        for it in r.body["items"].as_array().unwrap() {
            seen.push(it["number"].as_i64().unwrap());
        }
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, (1..=23).rev().collect::<Vec<_>>());

    // Sorted by severity ascending, paged: every case once, severities non-decreasing.
    let mut sevs = Vec::new();
    let mut cursor: Option<String> = None;
    let rank = |s: &str| sev.iter().position(|x| *x == s).unwrap();
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/cases?sort=severity&order=asc&limit=4&cursor={c}"),
            None => "/api/v1/cases?sort=severity&order=asc&limit=4".to_owned(),
        };
        let r = app.admin("GET", &path, None).await.expect(200);
        for it in r.body["items"].as_array().unwrap() {
            sevs.push(rank(it["severity"].as_str().unwrap()));
        }
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(sevs.len(), 23);
    assert!(sevs.windows(2).all(|w| w[0] <= w[1]));

    let count = |r: &crate::harness::Resp| r.body["items"].as_array().unwrap().len();
    let r = app
        .admin("GET", "/api/v1/cases?severity=critical,low&limit=200", None)
        .await
        .expect(200);
    assert_eq!(count(&r), 11);
    let r = app
        .admin("GET", "/api/v1/cases?severity=critical&severity=low&limit=200", None)
        .await
        .expect(200);
    assert_eq!(count(&r), 11);
    let r = app
        .admin("GET", &format!("/api/v1/cases?assignee={uid}"), None)
        .await
        .expect(200);
    assert_eq!(count(&r), 5);
    let r = app
        .admin("GET", "/api/v1/cases?assignee=none&limit=200", None)
        .await
        .expect(200);
    assert_eq!(count(&r), 18);
    let r = app
        .admin("GET", "/api/v1/cases?tags=T1&limit=200", None)
        .await
        .expect(200);
    assert_eq!(count(&r), 8, "tags match case-insensitively");
    let r = app.admin("GET", "/api/v1/cases?q=EVIL.example", None).await.expect(200);
    assert_eq!(count(&r), 1);
    assert_eq!(r.body["items"][0]["number"], 8);
    let r = app.admin("GET", "/api/v1/cases?q=Case%2012", None).await.expect(200);
    assert_eq!(count(&r), 1);
    let r = app.admin("GET", "/api/v1/cases?status=closed", None).await.expect(200);
    assert_eq!(count(&r), 0);
    let r = app
        .admin(
            "GET",
            "/api/v1/cases?created_after=2000-01-01T00:00:00Z&created_before=2000-01-02T00:00:00Z",
            None,
        )
        .await
        .expect(200);
    assert_eq!(count(&r), 0);
    let r = app
        .admin("GET", "/api/v1/cases?sort=number&order=asc&limit=3", None)
        .await
        .expect(200);
    let nums: Vec<i64> = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_i64().unwrap())
        .collect();
    assert_eq!(nums, vec![1, 2, 3]);
}

async fn stale_version_conflicts(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.admin("POST", "/api/v1/cases", Some(json!({"title": "Race"})))
        .await
        .expect(201);
    app.admin(
        "PATCH",
        "/api/v1/cases/1",
        Some(json!({"severity": "low", "version": 1})),
    )
    .await
    .expect(200);
    let stale = app
        .admin(
            "PATCH",
            "/api/v1/cases/1",
            Some(json!({"severity": "critical", "version": 1})),
        )
        .await
        .expect(409);
    assert_eq!(stale.body["code"], "conflict");
    assert_eq!(stale.header("content-type"), Some("application/problem+json"));
    // If-Match carries the version too.
    let h = [
        ("authorization", format!("Bearer {}", crate::harness::ADMIN_KEY)),
        ("if-match", "\"1\"".to_owned()),
    ];
    let hs: Vec<(&str, &str)> = h.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.call("PATCH", "/api/v1/cases/1", &hs, Some(r#"{"severity":"critical"}"#))
        .await
        .expect(409);
    let h2 = [
        ("authorization", format!("Bearer {}", crate::harness::ADMIN_KEY)),
        ("if-match", "\"2\"".to_owned()),
    ];
    let hs2: Vec<(&str, &str)> = h2.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let ok = app
        .call("PATCH", "/api/v1/cases/1", &hs2, Some(r#"{"severity":"critical"}"#))
        .await
        .expect(200);
    assert_eq!(ok.body["severity"], "critical");
    assert_eq!(ok.body["version"], 3);
}

async fn close_and_reopen(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.admin("POST", "/api/v1/cases", Some(json!({"title": "Lifecycle"})))
        .await
        .expect(201);
    let c = app
        .admin(
            "PATCH",
            "/api/v1/cases/1",
            Some(json!({"status": "closed", "resolution": "false_positive", "closing_note": "benign"})),
        )
        .await
        .expect(200);
    assert_eq!(c.body["status"], "closed");
    assert_eq!(c.body["state"]["id"], 9);
    assert_eq!(c.body["resolution"], "false_positive");
    assert!(c.body["closed_at"].is_string());
    let r = app
        .admin("PATCH", "/api/v1/cases/1", Some(json!({"status": "in_progress"})))
        .await
        .expect(200);
    assert_eq!(r.body["state"]["code"], "in_progress");
    assert_eq!(r.body["closed_at"], Value::Null);
    let listed = app
        .admin("GET", "/api/v1/cases?status=in_progress", None)
        .await
        .expect(200);
    assert_eq!(listed.body["items"][0]["number"], 1);
}

async fn activity_trail(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.admin(
        "POST",
        "/api/v1/cases",
        Some(json!({"title": "Audited", "severity": "low"})),
    )
    .await
    .expect(201);
    app.admin(
        "PATCH",
        "/api/v1/cases/1",
        Some(json!({"severity": "high", "title": "Audited case"})),
    )
    .await
    .expect(200);
    let a = app.admin("GET", "/api/v1/cases/1/activity", None).await.expect(200);
    let items = a.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{items:?}");
    let sev = items.iter().find(|i| i["field"] == "severity").unwrap();
    assert_eq!(sev["old"], "low");
    assert_eq!(sev["new"], "high");
    assert_eq!(sev["actor"]["login"], "admin");
    assert_eq!(sev["via"], "native");
    assert!(sev["request_id"].is_string(), "request ids are recorded");
    assert_eq!(items.last().unwrap()["action"], "create");
    // Paging through the trail.
    let p1 = app
        .admin("GET", "/api/v1/cases/1/activity?limit=2", None)
        .await
        .expect(200);
    assert_eq!(p1.body["items"].as_array().unwrap().len(), 2);
    let c = p1.body["next_cursor"].as_str().unwrap();
    let p2 = app
        .admin("GET", &format!("/api/v1/cases/1/activity?limit=2&cursor={c}"), None)
        .await
        .expect(200);
    assert_eq!(p2.body["items"].as_array().unwrap().len(), 1);
}

async fn detailed_state_reviewer_classification(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else { return };
    let (rid, _) = app.member("rita", "analyst").await;
    // State 4 (Containment) reads as in_progress; classification 6 is malicious-code:ransomware.
    let c = app
        .admin(
            "POST",
            "/api/v1/cases",
            Some(json!({"title": "Contain", "state_id": 4, "reviewer": rid, "classification_id": 6})),
        )
        .await
        .expect(201);
    assert_eq!(c.body["status"], "in_progress");
    assert_eq!(c.body["state"]["id"], 4);
    assert_eq!(c.body["state"]["code"], "containment");
    assert_eq!(c.body["reviewer"]["login"], "rita");
    assert_eq!(
        c.body["classification"],
        json!({"id": 6, "name": "malicious-code:ransomware"})
    );
    // The same canonical status keeps the detailed state (echo rule).
    let same = app
        .admin("PATCH", "/api/v1/cases/1", Some(json!({"status": "in_progress"})))
        .await
        .expect(200);
    assert_eq!(same.body["state"]["id"], 4);
    assert_eq!(same.body["version"], 1);
    // Another detailed state; then closing through a state row sets closed_at.
    let r = app
        .admin("PATCH", "/api/v1/cases/1", Some(json!({"state_id": 5})))
        .await
        .expect(200);
    assert_eq!(r.body["state"]["code"], "eradication");
    let closed = app
        .admin("PATCH", "/api/v1/cases/1", Some(json!({"state_id": 9})))
        .await
        .expect(200);
    assert_eq!(closed.body["status"], "closed");
    assert!(closed.body["closed_at"].is_string());
    let cleared = app
        .admin(
            "PATCH",
            "/api/v1/cases/1",
            Some(json!({"reviewer": null, "classification_id": null})),
        )
        .await
        .expect(200);
    assert_eq!(cleared.body["reviewer"], Value::Null);
    assert_eq!(cleared.body["classification"], Value::Null);
    // Bad references.
    let e = app
        .admin("POST", "/api/v1/cases", Some(json!({"title": "x", "state_id": 999})))
        .await
        .expect(422);
    assert_eq!(e.body["errors"][0]["field"], "state_id");
    let e = app
        .admin(
            "POST",
            "/api/v1/cases",
            Some(json!({"title": "x", "status": "closed", "state_id": 4})),
        )
        .await
        .expect(422);
    assert_eq!(e.body["errors"][0]["field"], "status");
    let e = app
        .admin(
            "POST",
            "/api/v1/cases",
            Some(json!({"title": "x", "classification_id": 9999})),
        )
        .await
        .expect(422);
    assert_eq!(e.body["errors"][0]["field"], "classification_id");
    let e = app
        .admin("POST", "/api/v1/cases", Some(json!({"title": "x", "customer": "42"})))
        .await
        .expect(422);
    assert_eq!(e.body["errors"][0]["field"], "customer");
    let e = app.admin("GET", "/api/v1/cases?customer=nope", None).await.expect(422);
    assert_eq!(e.body["errors"][0]["field"], "customer");
    // A reviewer from another workspace is refused.
    let (_, other_key) = app.tenant("Elsewhere").await;
    let other = app.as_key(&other_key, "GET", "/api/v1/me", None).await.expect(200);
    let outsider = other.body["user"]["id"].as_str().unwrap().to_owned();
    let e = app
        .admin("PATCH", "/api/v1/cases/1", Some(json!({"reviewer": outsider})))
        .await
        .expect(422);
    assert_eq!(e.body["errors"][0]["field"], "reviewer");
    // Nothing was created by the refused requests.
    let list = app.admin("GET", "/api/v1/cases?count=true", None).await.expect(200);
    assert_eq!(list.body["total"], 1);
}

async fn summary_history(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else { return };
    app.admin(
        "POST",
        "/api/v1/cases",
        Some(json!({"title": "Summ", "description": "first"})),
    )
    .await
    .expect(201);
    app.admin("PATCH", "/api/v1/cases/1", Some(json!({"description": "second"})))
        .await
        .expect(200);
    app.admin("PATCH", "/api/v1/cases/1", Some(json!({"title": "Summary"})))
        .await
        .expect(200);
    app.admin("PATCH", "/api/v1/cases/1", Some(json!({"description": "third"})))
        .await
        .expect(200);
    let v = app
        .admin("GET", "/api/v1/cases/1/summary-versions", None)
        .await
        .expect(200);
    let items = v.body.as_array().unwrap();
    let got: Vec<(i64, &str)> = items
        .iter()
        .map(|i| (i["version"].as_i64().unwrap(), i["content"].as_str().unwrap()))
        .collect();
    assert_eq!(got, vec![(3, "third"), (2, "second"), (1, "first")]);
    assert_eq!(items[0]["author"]["login"], "admin");
    app.admin("GET", "/api/v1/cases/99/summary-versions", None)
        .await
        .expect(404);
    let (_, other) = app.tenant("Other").await;
    app.as_key(&other, "GET", "/api/v1/cases/1/summary-versions", None)
        .await
        .expect(404);
}

async fn batch_create_is_all_or_nothing(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.admin("POST", "/api/v1/cases", Some(json!({"title": "before"})))
        .await
        .expect(201);
    let r = app
        .admin(
            "POST",
            "/api/v1/cases/batch",
            Some(json!({"cases": [
                {"title": "one", "severity": "high", "tags": ["bulk"]},
                {"title": "two", "status": "closed"},
                {"title": "three", "description": "imported", "external_ref": "SOC-3"}
            ]})),
        )
        .await
        .expect(201);
    let created = r.json()["created"].as_array().cloned().unwrap_or_default();
    let numbers: Vec<i64> = created.iter().map(|c| c["number"].as_i64().unwrap_or(0)).collect();
    assert_eq!(numbers, vec![2, 3, 4]);
    let two = app.admin("GET", "/api/v1/cases/3", None).await.expect(200);
    assert_eq!(two.json()["title"], "two");
    assert_eq!(two.json()["status"], "closed");
    assert_eq!(two.json()["id"], created[1]["id"]);
    let one = app.admin("GET", "/api/v1/cases/2", None).await.expect(200);
    assert_eq!(one.json()["severity"], "high");
    assert_eq!(one.json()["tags"], json!(["bulk"]));
    let found = app.admin("GET", "/api/v1/search?q=imported", None).await.expect(200);
    assert!(
        found.text.contains("SOC-3") || found.text.contains("three"),
        "{}",
        found.text
    );

    // One bad case: nothing is written, and the bad one is named.
    let bad = app
        .admin(
            "POST",
            "/api/v1/cases/batch",
            Some(json!({"cases": [{"title": "fine"}, {"title": ""}, {"title": "x", "external_link": "not a link"}]})),
        )
        .await
        .expect(422);
    assert!(bad.text.contains("cases[1].title"), "{}", bad.text);
    assert!(bad.text.contains("cases[2].external_link"), "{}", bad.text);
    let all = app.admin("GET", "/api/v1/cases?count=true", None).await.expect(200);
    assert_eq!(all.json()["total"], 4);
    // The next case still gets the next number: a refused batch reserved none.
    let next = app
        .admin("POST", "/api/v1/cases", Some(json!({"title": "after"})))
        .await
        .expect(201);
    assert_eq!(next.json()["number"], 5);

    app.admin("POST", "/api/v1/cases/batch", Some(json!({"cases": []})))
        .await
        .expect(422);
    let many: Vec<Value> = (0..1001).map(|i| json!({"title": format!("c{i}")})).collect();
    app.admin("POST", "/api/v1/cases/batch", Some(json!({"cases": many})))
        .await
        .expect(422);
    let (_, viewer) = app.member("reader", "viewer").await;
    app.as_key(
        &viewer,
        "POST",
        "/api/v1/cases/batch",
        Some(json!({"cases": [{"title": "no"}]})),
    )
    .await
    .expect(403);
}
