//! `/api/v1/custom-fields`: definitions, and the checks they impose on case `custom` values.

use dossier_core::Backend;
use serde_json::json;

use crate::{both, harness::TestApp};

both!(
    definitions_type_check_case_values,
    definitions_admin_only_and_isolated,
    definitions_bind_every_object_kind
);

async fn definitions_type_check_case_values(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else { return };
    let def = |body| app.admin("POST", "/api/v1/custom-fields", Some(body));
    let sev = def(json!({"entity": "case", "key": "business_impact", "type": "select", "options": ["low", "high"], "mandatory": true, "label": "Business impact"}))
        .await
        .expect(201);
    assert_eq!(sev.body["type"], "select");
    assert_eq!(sev.body["options"], json!(["low", "high"]));
    def(json!({"entity": "case", "key": "hosts_affected", "type": "integer", "default": 0}))
        .await
        .expect(201);
    def(json!({"entity": "case", "key": "contained_on", "type": "date", "nullable": true}))
        .await
        .expect(201);
    def(json!({"entity": "alert", "key": "sensor", "type": "text"}))
        .await
        .expect(201);
    // Definition errors.
    let e = def(json!({"entity": "case", "key": "9bad", "type": "text"}))
        .await
        .expect(422);
    assert_eq!(e.body["errors"][0]["field"], "key");
    let e = def(json!({"entity": "case", "key": "id", "type": "text"}))
        .await
        .expect(422);
    assert_eq!(e.body["errors"][0]["code"], "reserved");
    let e = def(json!({"entity": "case", "key": "pick", "type": "select"}))
        .await
        .expect(422);
    assert_eq!(e.body["errors"][0]["field"], "options");
    let e = def(json!({"entity": "case", "key": "n", "type": "integer", "default": "x"}))
        .await
        .expect(422);
    assert_eq!(e.body["errors"][0]["field"], "default");
    let e = def(json!({"entity": "case", "key": "hosts_affected", "type": "text"}))
        .await
        .expect(422);
    assert_eq!(e.body["errors"][0]["code"], "taken");
    let listed = app
        .admin("GET", "/api/v1/custom-fields?entity=case", None)
        .await
        .expect(200);
    let keys: Vec<&str> = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["business_impact", "contained_on", "hosts_affected"]);

    // A mandatory field must be given; defaults fill in; free-form keys stay.
    let e = app
        .admin("POST", "/api/v1/cases", Some(json!({"title": "x"})))
        .await
        .expect(422);
    assert_eq!(e.body["errors"][0]["field"], "custom.business_impact");
    let c = app
        .admin(
            "POST",
            "/api/v1/cases",
            Some(json!({"title": "x", "custom": {"business_impact": "high", "note": "free"}})),
        )
        .await
        .expect(201);
    assert_eq!(
        c.body["custom"],
        json!({"business_impact": "high", "hosts_affected": 0, "note": "free"})
    );
    // Types are checked on update.
    for (bad, field) in [
        (json!({"business_impact": "medium"}), "custom.business_impact"),
        (
            json!({"business_impact": "low", "hosts_affected": 1.5}),
            "custom.hosts_affected",
        ),
        (
            json!({"business_impact": "low", "contained_on": "31/01/2026"}),
            "custom.contained_on",
        ),
        (json!({"business_impact": null}), "custom.business_impact"),
    ] {
        let e = app
            .admin("PATCH", "/api/v1/cases/1", Some(json!({"custom": bad})))
            .await
            .expect(422);
        assert_eq!(e.body["errors"][0]["field"], field, "{bad}");
    }
    let ok = app
        .admin(
            "PATCH",
            "/api/v1/cases/1",
            Some(json!({"custom": {"business_impact": "low", "hosts_affected": 12, "contained_on": "2026-01-31"}})),
        )
        .await
        .expect(200);
    assert_eq!(ok.body["custom"]["hosts_affected"], 12);
    assert_eq!(ok.body["custom"]["contained_on"], "2026-01-31");
    // Changing and removing a definition.
    let id = sev.body["id"].as_str().unwrap();
    let p = app
        .admin(
            "PATCH",
            &format!("/api/v1/custom-fields/{id}"),
            Some(json!({"options": ["low", "medium", "high"], "mandatory": false, "version": 1})),
        )
        .await
        .expect(200);
    assert_eq!(p.body["version"], 2);
    app.admin(
        "PATCH",
        &format!("/api/v1/custom-fields/{id}"),
        Some(json!({"label": "x", "version": 1})),
    )
    .await
    .expect(409);
    app.admin(
        "PATCH",
        "/api/v1/cases/1",
        Some(json!({"custom": {"business_impact": "medium"}})),
    )
    .await
    .expect(200);
    app.admin("DELETE", &format!("/api/v1/custom-fields/{id}"), None)
        .await
        .expect(204);
    app.admin("DELETE", &format!("/api/v1/custom-fields/{id}"), None)
        .await
        .expect(404);
    let c = app
        .admin("POST", "/api/v1/cases", Some(json!({"title": "y"})))
        .await
        .expect(201);
    assert_eq!(c.body["custom"], json!({"hosts_affected": 0}));
}

async fn definitions_admin_only_and_isolated(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else { return };
    let (_, analyst) = app.member("andy", "analyst").await;
    let body = json!({"entity": "case", "key": "impact", "type": "text", "mandatory": true});
    app.as_key(&analyst, "POST", "/api/v1/custom-fields", Some(body.clone()))
        .await
        .expect(403);
    let f = app.admin("POST", "/api/v1/custom-fields", Some(body)).await.expect(201);
    let id = f.body["id"].as_str().unwrap().to_owned();
    // Another workspace neither sees nor changes the definition, nor is bound by it.
    let (_, other) = app.tenant("Other").await;
    let l = app
        .as_key(&other, "GET", "/api/v1/custom-fields", None)
        .await
        .expect(200);
    assert_eq!(l.body, json!([]));
    app.as_key(
        &other,
        "PATCH",
        &format!("/api/v1/custom-fields/{id}"),
        Some(json!({"label": "x"})),
    )
    .await
    .expect(404);
    app.as_key(&other, "DELETE", &format!("/api/v1/custom-fields/{id}"), None)
        .await
        .expect(404);
    app.as_key(&other, "POST", "/api/v1/cases", Some(json!({"title": "free"})))
        .await
        .expect(201);
    let still = app.admin("GET", "/api/v1/custom-fields", None).await.expect(200);
    assert_eq!(still.body[0]["label"], serde_json::Value::Null);
    app.admin("GET", "/api/v1/custom-fields?entity=bogus", None)
        .await
        .expect(422);
}

async fn definitions_bind_every_object_kind(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else { return };
    for (entity, key) in [
        ("alert", "sensor"),
        ("task", "effort"),
        ("case_observable", "confidence"),
        ("timeline_event", "phase"),
    ] {
        let def = json!({"entity": entity, "key": key, "type": "integer", "mandatory": true});
        app.admin("POST", "/api/v1/custom-fields", Some(def)).await.expect(201);
    }
    app.admin("POST", "/api/v1/custom-fields", Some(json!({"entity": "note", "key": "audience", "type": "select", "options": ["internal", "client"], "default": "internal"}))).await.expect(201);
    // Alerts, single and batch.
    let e = app
        .admin("POST", "/api/v1/alerts", Some(json!({"title": "a"})))
        .await
        .expect(422);
    assert_eq!(e.body["errors"][0]["field"], "custom.sensor");
    let e = app
        .admin(
            "POST",
            "/api/v1/alerts/batch",
            Some(
                json!({"alerts": [{"title": "a", "custom": {"sensor": 1}}, {"title": "b", "custom": {"sensor": "x"}}]}),
            ),
        )
        .await
        .expect(422);
    assert_eq!(e.body["errors"][0]["field"], "alerts[1].custom.sensor");
    let a = app
        .admin(
            "POST",
            "/api/v1/alerts",
            Some(json!({"title": "a", "custom": {"sensor": 7}})),
        )
        .await
        .expect(201);
    assert_eq!(a.body["alert"]["custom"]["sensor"], 7);
    app.admin(
        "PATCH",
        "/api/v1/alerts/1",
        Some(json!({"custom": {"sensor": "seven"}})),
    )
    .await
    .expect(422);
    // Tasks, observables, timeline events, notes (default filled in).
    app.admin("POST", "/api/v1/cases", Some(json!({"title": "c"})))
        .await
        .expect(201);
    let e = app
        .admin("POST", "/api/v1/cases/1/tasks", Some(json!({"title": "t"})))
        .await
        .expect(422);
    assert_eq!(e.body["errors"][0]["field"], "custom.effort");
    app.admin(
        "POST",
        "/api/v1/cases/1/tasks",
        Some(json!({"title": "t", "custom": {"effort": 3}})),
    )
    .await
    .expect(201);
    let e = app
        .admin(
            "POST",
            "/api/v1/cases/1/observables",
            Some(json!({"type": "domain", "value": "a.example"})),
        )
        .await
        .expect(422);
    assert_eq!(e.body["errors"][0]["field"], "custom.confidence");
    app.admin(
        "POST",
        "/api/v1/cases/1/observables",
        Some(json!({"type": "domain", "value": "a.example", "custom": {"confidence": 80}})),
    )
    .await
    .expect(201);
    let e = app
        .admin(
            "POST",
            "/api/v1/cases/1/timeline",
            Some(json!({"title": "e", "occurred_at": "2026-01-02T10:00:00+02:00"})),
        )
        .await
        .expect(422);
    assert_eq!(e.body["errors"][0]["field"], "custom.phase");
    let n = app
        .admin(
            "POST",
            "/api/v1/cases/1/notes",
            Some(json!({"title": "n", "content": "x"})),
        )
        .await
        .expect(201);
    assert_eq!(n.body["custom"], json!({"audience": "internal"}));
    // Nothing was half-written by the refused requests.
    let alerts = app.admin("GET", "/api/v1/alerts?count=true", None).await.expect(200);
    assert_eq!(alerts.body["total"], 1);
}
