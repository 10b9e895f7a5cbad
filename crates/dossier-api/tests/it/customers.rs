//! `/api/v1/customers`: CRUD, unique names, contacts, paging, optimistic concurrency, the
//! referenced-delete rule, roles and isolation.

use dossier_core::Backend;
use serde_json::{Value, json};

use crate::{
    both,
    harness::{ADMIN_KEY, TestApp},
};

both!(
    create_get_update_delete,
    names_are_unique_per_workspace,
    contacts_are_validated,
    list_filters_and_pages,
    referenced_customers_cannot_be_deleted,
    only_admins_change_customers,
    other_workspaces_cannot_reach_customers
);

async fn create_get_update_delete(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let c = app
        .admin(
            "POST",
            "/api/v1/customers",
            Some(json!({
                "name": "  Acme Corp  ", "description": "Widgets", "sla": "P1: 1h, P2: 4h",
                "contacts": [{"name": " Wile E. ", "role": "CISO", "email": "wile@acme.example", "phone": "+1 (555) 010-0100"},
                             {"name": "Road Runner"}],
                "custom": {"tier": "gold"}
            })),
        )
        .await
        .expect(201);
    let v = c.json().clone();
    assert_eq!(v["number"], 1);
    assert_eq!(v["name"], "Acme Corp");
    assert_eq!(v["description"], "Widgets");
    assert_eq!(v["sla"], "P1: 1h, P2: 4h");
    assert_eq!(
        v["contacts"],
        json!([
            {"name": "Wile E.", "role": "CISO", "email": "wile@acme.example", "phone": "+1 (555) 010-0100"},
            {"name": "Road Runner", "role": null, "email": null, "phone": null}
        ])
    );
    assert_eq!(v["custom"], json!({"tier": "gold"}));
    assert_eq!(v["created_by"]["login"], "admin");
    assert_eq!(v["version"], 1);
    assert_eq!(c.header("etag"), Some("\"1\""));
    let id = v["id"].as_str().unwrap().to_owned();

    let by_num = app.admin("GET", "/api/v1/customers/1", None).await.expect(200);
    let by_id = app
        .admin("GET", &format!("/api/v1/customers/{id}"), None)
        .await
        .expect(200);
    assert_eq!(by_num.body, by_id.body);
    assert_eq!(by_num.body, v);

    let u = app
        .admin(
            "PATCH",
            "/api/v1/customers/1",
            Some(json!({"sla": null, "description": "Anvils", "contacts": [], "version": 1})),
        )
        .await
        .expect(200);
    assert_eq!(u.body["sla"], Value::Null);
    assert_eq!(u.body["description"], "Anvils");
    assert_eq!(u.body["contacts"], json!([]));
    assert_eq!(u.body["name"], "Acme Corp");
    assert_eq!(u.body["version"], 2);
    // No change: same version.
    let same = app
        .admin("PATCH", "/api/v1/customers/1", Some(json!({"description": "Anvils"})))
        .await
        .expect(200);
    assert_eq!(same.body["version"], 2);
    // Stale versions, in the body or If-Match.
    let c = app
        .admin("PATCH", "/api/v1/customers/1", Some(json!({"name": "X", "version": 1})))
        .await
        .expect(409);
    assert_eq!(c.body["code"], "conflict");
    app.call(
        "PATCH",
        "/api/v1/customers/1",
        &[("authorization", &format!("Bearer {ADMIN_KEY}")), ("if-match", "\"1\"")],
        Some(r#"{"name": "X"}"#),
    )
    .await
    .expect(409);

    // Validation.
    for (body, field) in [
        (json!({"name": ""}), "name"),
        (json!({"name": "x".repeat(201)}), "name"),
        (json!({"name": "a\u{1}b"}), "name"),
        (json!({"name": "ok", "custom": [1]}), "custom"),
        (json!({"name": "ok", "sla": "x".repeat(10_001)}), "sla"),
    ] {
        let r = app
            .admin("POST", "/api/v1/customers", Some(body.clone()))
            .await
            .expect(422);
        assert_eq!(r.body["errors"][0]["field"], field, "{body}");
    }
    app.admin("POST", "/api/v1/customers", Some(json!({"name": "ok", "clients": 1})))
        .await
        .expect(422);

    // The audit trail names the changes.
    let d = app.admin("DELETE", "/api/v1/customers/1", None).await.expect(204);
    assert!(d.text.is_empty());
    app.admin("GET", &format!("/api/v1/customers/{id}"), None)
        .await
        .expect(404);
    app.admin("DELETE", "/api/v1/customers/1", None).await.expect(404);
    app.admin("PATCH", "/api/v1/customers/1", Some(json!({"name": "x"})))
        .await
        .expect(404);
    app.admin("GET", "/api/v1/customers/not-an-id", None).await.expect(422);
    // Numbers are never reused.
    let n = app
        .admin("POST", "/api/v1/customers", Some(json!({"name": "Acme Corp"})))
        .await
        .expect(201);
    assert_eq!(n.body["number"], 2);
}

async fn names_are_unique_per_workspace(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.admin("POST", "/api/v1/customers", Some(json!({"name": "Globex"})))
        .await
        .expect(201);
    app.admin("POST", "/api/v1/customers", Some(json!({"name": "Initech"})))
        .await
        .expect(201);
    for name in ["Globex", "globex", "  GLOBEX "] {
        let r = app
            .admin("POST", "/api/v1/customers", Some(json!({"name": name})))
            .await
            .expect(422);
        assert_eq!(r.body["errors"][0]["field"], "name");
        assert_eq!(r.body["errors"][0]["code"], "taken");
    }
    // Renaming onto another's name is refused; a change of case of one's own name is fine.
    let r = app
        .admin("PATCH", "/api/v1/customers/2", Some(json!({"name": "GLOBEX"})))
        .await
        .expect(422);
    assert_eq!(r.body["errors"][0]["code"], "taken");
    let r = app
        .admin("PATCH", "/api/v1/customers/1", Some(json!({"name": "GLOBEX"})))
        .await
        .expect(200);
    assert_eq!(r.body["name"], "GLOBEX");
    // Another workspace may use the same name.
    let (_, other) = app.tenant("Other").await;
    app.as_key(&other, "POST", "/api/v1/customers", Some(json!({"name": "Globex"})))
        .await
        .expect(201);
}

async fn contacts_are_validated(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    for (contact, field) in [
        (json!({"name": ""}), "contacts[0].name"),
        (json!({"name": "a", "email": "not-an-address"}), "contacts[0].email"),
        (json!({"name": "a", "email": "a@b@c"}), "contacts[0].email"),
        (json!({"name": "a", "phone": "call me"}), "contacts[0].phone"),
        (json!({"name": "a", "role": "r".repeat(101)}), "contacts[0].role"),
    ] {
        let r = app
            .admin(
                "POST",
                "/api/v1/customers",
                Some(json!({"name": "C", "contacts": [contact.clone()]})),
            )
            .await
            .expect(422);
        assert_eq!(r.body["errors"][0]["field"], field, "{contact}");
    }
    // Shape errors name the field.
    let r = app
        .admin(
            "POST",
            "/api/v1/customers",
            Some(json!({"name": "C", "contacts": [{"name": "a", "fax": "1"}]})),
        )
        .await
        .expect(422);
    assert!(
        r.body["errors"][0]["field"]
            .as_str()
            .unwrap()
            .starts_with("contacts[0]")
    );
    let many: Vec<Value> = (0..51).map(|i| json!({"name": format!("p{i}")})).collect();
    let r = app
        .admin(
            "POST",
            "/api/v1/customers",
            Some(json!({"name": "C", "contacts": many})),
        )
        .await
        .expect(422);
    assert_eq!(r.body["errors"][0]["code"], "too_many");
    // On update too.
    app.admin("POST", "/api/v1/customers", Some(json!({"name": "C"})))
        .await
        .expect(201);
    let r = app
        .admin(
            "PATCH",
            "/api/v1/customers/1",
            Some(json!({"contacts": [{"name": "a", "email": "nope"}]})),
        )
        .await
        .expect(422);
    assert_eq!(r.body["errors"][0]["field"], "contacts[0].email");
}

async fn list_filters_and_pages(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    for (name, desc) in [
        ("Alpha Bank", "retail banking"),
        ("Beta Telecom", "mobile 50%_off"),
        ("Gamma Health", "Hospitals"),
        ("Delta Air", "airline, BANKING partner"),
        ("Epsilon", "energy"),
    ] {
        app.admin(
            "POST",
            "/api/v1/customers",
            Some(json!({"name": name, "description": desc})),
        )
        .await
        .expect(201);
    }
    let names = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let p1 = app.admin("GET", "/api/v1/customers?limit=2", None).await.expect(200);
    assert_eq!(names(&p1.body), ["Alpha Bank", "Beta Telecom"]);
    let c = p1.body["next_cursor"].as_str().unwrap().to_owned();
    let p2 = app
        .admin("GET", &format!("/api/v1/customers?limit=2&cursor={c}"), None)
        .await
        .expect(200);
    assert_eq!(names(&p2.body), ["Gamma Health", "Delta Air"]);
    let c = p2.body["next_cursor"].as_str().unwrap().to_owned();
    let p3 = app
        .admin("GET", &format!("/api/v1/customers?limit=2&cursor={c}"), None)
        .await
        .expect(200);
    assert_eq!(names(&p3.body), ["Epsilon"]);
    assert_eq!(p3.body["next_cursor"], Value::Null);

    let q = app.admin("GET", "/api/v1/customers?q=bank", None).await.expect(200);
    assert_eq!(names(&q.body), ["Alpha Bank", "Delta Air"]);
    // LIKE wildcards are literal.
    let q = app.admin("GET", "/api/v1/customers?q=50%25_", None).await.expect(200);
    assert_eq!(names(&q.body), ["Beta Telecom"]);
    let q = app.admin("GET", "/api/v1/customers?q=%25", None).await.expect(200);
    assert_eq!(names(&q.body), ["Beta Telecom"]);
    for bad in ["?q=", "?limit=0", "?limit=201", "?cursor=abc", "?sort=name"] {
        app.admin("GET", &format!("/api/v1/customers{bad}"), None)
            .await
            .expect(422);
    }
}

async fn referenced_customers_cannot_be_deleted(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let c = app
        .admin("POST", "/api/v1/customers", Some(json!({"name": "Umbrella"})))
        .await
        .expect(201);
    let cid = c.body["id"].as_str().unwrap().to_owned();
    // A case of that customer (by number).
    let case = app
        .admin(
            "POST",
            "/api/v1/cases",
            Some(json!({"title": "Outbreak", "customer": "1"})),
        )
        .await
        .expect(201);
    assert_eq!(case.body["customer"]["id"], cid.as_str());
    let r = app.admin("DELETE", "/api/v1/customers/1", None).await.expect(409);
    assert_eq!(r.body["code"], "conflict");
    assert!(r.body["detail"].as_str().unwrap().contains("1 case(s)"), "{}", r.text);
    app.admin("GET", "/api/v1/customers/1", None).await.expect(200);
    // Once no case names it, it can go.
    app.admin("PATCH", "/api/v1/cases/1", Some(json!({"customer": null})))
        .await
        .expect(200);
    app.admin("DELETE", &format!("/api/v1/customers/{cid}"), None)
        .await
        .expect(204);
}

async fn only_admins_change_customers(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.admin("POST", "/api/v1/customers", Some(json!({"name": "Hooli"})))
        .await
        .expect(201);
    let (_, analyst) = app.member("ana", "analyst").await;
    let (_, viewer) = app.member("vic", "viewer").await;
    for key in [&analyst, &viewer] {
        app.as_key(key, "GET", "/api/v1/customers", None).await.expect(200);
        app.as_key(key, "GET", "/api/v1/customers/1", None).await.expect(200);
        app.as_key(key, "POST", "/api/v1/customers", Some(json!({"name": "Pied Piper"})))
            .await
            .expect(403);
        app.as_key(key, "PATCH", "/api/v1/customers/1", Some(json!({"name": "Mine"})))
            .await
            .expect(403);
        app.as_key(key, "DELETE", "/api/v1/customers/1", None).await.expect(403);
    }
    let r = app.admin("GET", "/api/v1/customers/1", None).await.expect(200);
    assert_eq!(r.body["name"], "Hooli");
    assert_eq!(r.body["version"], 1);
}

async fn other_workspaces_cannot_reach_customers(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let c = app
        .admin(
            "POST",
            "/api/v1/customers",
            Some(json!({"name": "Zebra-7319 Ltd", "contacts": [{"name": "Zed"}]})),
        )
        .await
        .expect(201);
    let id = c.body["id"].as_str().unwrap().to_owned();
    let (_, other) = app.tenant("Other").await;
    let l = app.as_key(&other, "GET", "/api/v1/customers", None).await.expect(200);
    assert_eq!(l.body["items"], json!([]));
    let l = app
        .as_key(&other, "GET", "/api/v1/customers?q=zebra", None)
        .await
        .expect(200);
    assert_eq!(l.body["items"], json!([]));
    for target in [id.as_str(), "1"] {
        let r = app
            .as_key(&other, "GET", &format!("/api/v1/customers/{target}"), None)
            .await
            .expect(404);
        assert!(!r.text.contains("Zebra"));
        app.as_key(
            &other,
            "PATCH",
            &format!("/api/v1/customers/{target}"),
            Some(json!({"name": "Stolen"})),
        )
        .await
        .expect(404);
        app.as_key(&other, "DELETE", &format!("/api/v1/customers/{target}"), None)
            .await
            .expect(404);
    }
    // Its own customer #1 is its own.
    let mine = app
        .as_key(&other, "POST", "/api/v1/customers", Some(json!({"name": "Theirs"})))
        .await
        .expect(201);
    assert_eq!(mine.body["number"], 1);
    // A case of the other workspace cannot name our customer.
    app.as_key(
        &other,
        "POST",
        "/api/v1/cases",
        Some(json!({"title": "t", "customer": id})),
    )
    .await
    .expect(422);
    let ours = app.admin("GET", "/api/v1/customers/1", None).await.expect(200);
    assert_eq!(ours.body["name"], "Zebra-7319 Ltd");
    assert_eq!(ours.body["version"], 1);
}
