//! Observables (IOCs): case and alert links, one identity per normalized (type, value),
//! validation, cross-case correlation, related cases, paging, audit, isolation.

use dossier_core::Backend;
use serde_json::{Value, json};

use crate::{
    both,
    harness::{Resp, TestApp},
};

both!(
    add_and_read_back_exactly,
    normalization_links_one_identity,
    invalid_values_and_types_are_refused,
    correlation_across_cases,
    related_cases_most_shared_first,
    update_version_and_delete,
    list_filters_and_every_page,
    bad_query_values_are_refused,
    alert_observables,
    identity_list_and_text_search,
    viewers_cannot_write,
    other_workspaces_see_nothing,
    concurrent_adds_link_once,
    comments_go_with_the_link,
    openapi_lists_the_routes
);

const MD5: &str = "D41D8CD98F00B204E9800998ECF8427E";

async fn new_case(app: &TestApp, key: &str, title: &str) -> (i64, String) {
    let c = app
        .as_key(key, "POST", "/api/v1/cases", Some(json!({"title": title})))
        .await
        .expect(201);
    (
        c.body["number"].as_i64().unwrap(),
        c.body["id"].as_str().unwrap().to_owned(),
    )
}

async fn add(app: &TestApp, case: &str, body: Value) -> Resp {
    app.admin("POST", &format!("/api/v1/cases/{case}/observables"), Some(body))
        .await
}

fn obs(r: &Resp) -> &Value {
    &r.body["observable"]
}

async fn add_and_read_back_exactly(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (n, case_uuid) = new_case(&app, crate::harness::ADMIN_KEY, "Phishing").await;
    let r = add(
        &app,
        &n.to_string(),
        json!({
            "type": "domain", "value": "Evil.Example.COM.", "description": "C2 domain seen in the proxy logs",
            "tlp": "red", "tags": ["c2", "Phishing", "c2"], "is_ioc": false, "custom": {"source": "proxy", "score": 7}
        }),
    )
    .await
    .expect(201);
    assert_eq!(r.body["created"], true);
    let o = obs(&r);
    assert_eq!(o["number"], 1);
    assert_eq!(o["type"], json!({"id": 20, "name": "domain"}));
    assert_eq!(
        o["value"], "evil.example.com",
        "domains are lower-cased, the trailing dot dropped"
    );
    assert_eq!(o["description"], "C2 domain seen in the proxy logs");
    assert_eq!(o["tlp"], "red");
    assert_eq!(o["tags"], json!(["c2", "Phishing"]));
    assert_eq!(o["is_ioc"], false);
    assert_eq!(o["custom"], json!({"source": "proxy", "score": 7}));
    assert_eq!(o["created_by"]["login"], "admin");
    assert_eq!(o["version"], 1);
    assert!(o["created_at"].as_str().unwrap().ends_with('Z'));
    let link = o["id"].as_str().unwrap().to_owned();
    let ident = o["observable_id"].as_str().unwrap().to_owned();
    assert_ne!(link, ident, "the link and the identity have their own ids");

    // By case number or UUID, by observable number or link UUID: the same object.
    let a = app
        .admin("GET", "/api/v1/cases/1/observables/1", None)
        .await
        .expect(200);
    assert_eq!(a.header("etag"), Some("\"1\""));
    let b2 = app
        .admin("GET", &format!("/api/v1/cases/{case_uuid}/observables/{link}"), None)
        .await
        .expect(200);
    assert_eq!(a.body, b2.body);
    assert_eq!(&a.body, o);

    // Defaults: amber, an IOC, no description, no tags, empty custom. Type by IRIS id.
    let d = add(&app, "1", json!({"type": 76, "value": "10.1.2.3"}))
        .await
        .expect(201);
    let d = obs(&d);
    assert_eq!(d["number"], 2);
    assert_eq!(d["type"], json!({"id": 76, "name": "ip-any"}));
    assert_eq!(d["tlp"], "amber");
    assert_eq!(d["is_ioc"], true);
    assert_eq!(d["description"], Value::Null);
    assert_eq!(d["tags"], json!([]));
    assert_eq!(d["custom"], json!({}));
    // A type given as a numeric string, and a type that keeps case (IRIS: `Hello` ≠ `hello`).
    let t = add(&app, "1", json!({"type": "135", "value": "Hello"}))
        .await
        .expect(201);
    assert_eq!(obs(&t)["type"]["name"], "text");
    let t2 = add(&app, "1", json!({"type": "text", "value": "hello"}))
        .await
        .expect(201);
    assert_ne!(obs(&t)["observable_id"], obs(&t2)["observable_id"]);
    assert_eq!(obs(&t2)["value"], "hello");

    // Tags are recorded in the workspace's vocabulary: a case can use the first spelling.
    let c = app
        .admin(
            "POST",
            "/api/v1/cases",
            Some(json!({"title": "t", "tags": ["PHISHING"]})),
        )
        .await
        .expect(201);
    assert_eq!(c.body["tags"], json!(["Phishing"]));

    // Audited in the case's trail.
    let act = app.admin("GET", "/api/v1/cases/1/activity", None).await.expect(200);
    let kinds: Vec<(&str, &str)> = act.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["object_kind"].as_str().unwrap(), e["action"].as_str().unwrap()))
        .collect();
    assert!(kinds.contains(&("case_observable", "create")), "{kinds:?}");
    assert!(kinds.contains(&("observable", "create")), "{kinds:?}");
}

async fn normalization_links_one_identity(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let k = crate::harness::ADMIN_KEY;
    new_case(&app, k, "One").await;
    new_case(&app, k, "Two").await;
    let md5l = MD5.to_lowercase();
    let pairs = [
        ("domain", "Evil.Example.COM.", "evil.example.com", "evil.example.com"),
        ("ip-any", "::FFFF:0a00:0001", "::ffff:10.0.0.1", "::ffff:10.0.0.1"),
        ("ip-dst", "2001:DB8:0:0:0:0:0:1", "2001:db8::1", "2001:db8::1"),
        ("md5", MD5, md5l.as_str(), md5l.as_str()),
        (
            "url",
            "HTTPS://Evil.Example.COM/Login?Next=A",
            "https://evil.example.com/Login?Next=A",
            "https://evil.example.com/Login?Next=A",
        ),
        ("ip-dst|port", "10.0.0.1|0443", "10.0.0.1|443", "10.0.0.1|443"),
        ("email", "Bob@Example.ORG", "Bob@example.org", "Bob@example.org"),
    ];
    for (ty, first, second, stored) in pairs {
        let a = add(&app, "1", json!({"type": ty, "value": first})).await.expect(201);
        assert_eq!(obs(&a)["value"], stored, "{ty} {first}");
        // The other spelling in the other case: the same identity.
        let c = add(&app, "2", json!({"type": ty, "value": second})).await.expect(201);
        assert_eq!(obs(&a)["observable_id"], obs(&c)["observable_id"], "{ty}");
        // And in the same case: the existing link, unchanged, 200.
        let again = add(
            &app,
            "1",
            json!({"type": ty, "value": second, "description": "ignored", "tlp": "red"}),
        )
        .await
        .expect(200);
        assert_eq!(again.body["created"], false);
        assert_eq!(obs(&again), obs(&a), "{ty}");
    }
    // Seven identities, each in both cases.
    let all = app
        .admin("GET", "/api/v1/observables?count=true", None)
        .await
        .expect(200);
    assert_eq!(all.body["total"], 7);
    for o in all.body["items"].as_array().unwrap() {
        assert_eq!(o["case_count"], 2, "{o}");
    }
    // ssdeep is not hex: kept as sent, so case matters.
    let s1 = add(&app, "1", json!({"type": "ssdeep", "value": "3:AbCd:EfG"}))
        .await
        .expect(201);
    let s2 = add(&app, "1", json!({"type": "ssdeep", "value": "3:abcd:efg"}))
        .await
        .expect(201);
    assert_ne!(obs(&s1)["observable_id"], obs(&s2)["observable_id"]);
    assert_eq!(obs(&s1)["value"], "3:AbCd:EfG");
}

async fn invalid_values_and_types_are_refused(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    new_case(&app, crate::harness::ADMIN_KEY, "Bad input").await;
    let check = |r: Resp, field: &str, code: &str| {
        let r = r.expect(422);
        assert_eq!(r.body["code"], "validation_failed", "{}", r.text);
        let e = &r.body["errors"][0];
        assert_eq!(e["field"], field, "{}", r.text);
        assert_eq!(e["code"], code, "{}", r.text);
        r
    };
    // A 31-character MD5: the hint says what is expected.
    let r = check(
        add(&app, "1", json!({"type": "md5", "value": &MD5[1..]})).await,
        "value",
        "invalid_format",
    );
    assert_eq!(
        r.body["errors"][0]["message"],
        "The input doesn't match the expected format (expected: 32 hexadecimal characters)"
    );
    check(
        add(&app, "1", json!({"type": 113, "value": "zz"})).await,
        "value",
        "invalid_format",
    );
    check(
        add(&app, "1", json!({"type": "filename|sha256", "value": "a.exe"})).await,
        "value",
        "invalid_format",
    );
    // IPs must parse.
    for bad in ["10.0.0.300", "evil.example.com", "10.0.0.1/40", "::g"] {
        check(
            add(&app, "1", json!({"type": "ip-src", "value": bad})).await,
            "value",
            "invalid_format",
        );
    }
    check(
        add(&app, "1", json!({"type": "ip-dst|port", "value": "10.0.0.1|https"})).await,
        "value",
        "invalid_format",
    );
    // Unknown types, by id, by name, by numeric string; names are exact.
    for t in [
        json!(9999),
        json!("no-such-type"),
        json!("9999"),
        json!("MD5"),
        json!(0),
        json!(-1),
    ] {
        let r = check(
            add(&app, "1", json!({"type": t, "value": "x"})).await,
            "type",
            "unknown_value",
        );
        assert!(
            r.body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("observable type")
        );
    }
    check(
        add(&app, "1", json!({"type": "text", "value": "   "})).await,
        "value",
        "required",
    );
    check(
        add(&app, "1", json!({"type": "text", "value": "x", "tags": ["a,b"]})).await,
        "tags[0]",
        "invalid",
    );
    check(
        add(&app, "1", json!({"type": "text", "value": "x", "custom": [1]})).await,
        "custom",
        "invalid",
    );
    // Shape errors name the field.
    check(
        add(&app, "1", json!({"type": "text", "value": "x", "tlp": "purple"})).await,
        "tlp",
        "invalid",
    );
    check(
        add(&app, "1", json!({"type": "text", "value": "x", "colour": 1})).await,
        "colour",
        "invalid",
    );
    check(add(&app, "1", json!({"type": "text"})).await, "body", "invalid");
    check(
        add(&app, "1", json!({"type": true, "value": "x"})).await,
        "type",
        "invalid",
    );
    // An unknown case is a 404 before anything else.
    add(&app, "99", json!({"type": "md5", "value": "x"})).await.expect(404);
    // Nothing was stored.
    let l = app
        .admin("GET", "/api/v1/observables?count=true", None)
        .await
        .expect(200);
    assert_eq!(l.body["total"], 0);
    // The case path must be a number or a UUID.
    app.admin("GET", "/api/v1/cases/abc/observables", None)
        .await
        .expect(422);
    app.admin("GET", "/api/v1/cases/1/observables/abc", None)
        .await
        .expect(422);
    app.admin("GET", "/api/v1/observables/42", None).await.expect(422);
}

async fn correlation_across_cases(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let k = crate::harness::ADMIN_KEY;
    let (_, u1) = new_case(&app, k, "Initial access").await;
    let (_, u2) = new_case(&app, k, "Lateral movement").await;
    new_case(&app, k, "Unrelated").await;
    app.admin("PATCH", "/api/v1/cases/2", Some(json!({"status": "in_progress"})))
        .await
        .expect(200);
    let a = add(
        &app,
        "1",
        json!({"type": "ip-any", "value": "10.1.2.3", "tlp": "green"}),
    )
    .await
    .expect(201);
    let b2 = add(
        &app,
        "2",
        json!({"type": "ip-any", "value": "10.1.2.3", "is_ioc": false}),
    )
    .await
    .expect(201);
    add(&app, "3", json!({"type": "ip-any", "value": "10.1.2.4"}))
        .await
        .expect(201);
    let ident = obs(&a)["observable_id"].as_str().unwrap().to_owned();
    assert_eq!(obs(&b2)["observable_id"], ident.as_str());
    // What one case says does not leak into the other.
    assert_eq!(obs(&a)["tlp"], "green");
    assert_eq!(obs(&b2)["tlp"], "amber");
    assert_eq!(obs(&b2)["is_ioc"], false);

    let one = app
        .admin("GET", &format!("/api/v1/observables/{ident}"), None)
        .await
        .expect(200);
    assert_eq!(one.body["value"], "10.1.2.3");
    assert_eq!(one.body["type"], json!({"id": 76, "name": "ip-any"}));
    assert_eq!(one.body["case_count"], 2);
    assert_eq!(one.body["alert_count"], 0);

    let cases = app
        .admin("GET", &format!("/api/v1/observables/{ident}/cases"), None)
        .await
        .expect(200);
    let items = cases.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{}", cases.text);
    // Newest link first.
    assert_eq!(
        items[0]["case"],
        json!({"id": u2, "number": 2, "title": "Lateral movement", "status": "in_progress"})
    );
    assert_eq!(items[0]["link_id"], obs(&b2)["id"]);
    assert_eq!(items[0]["link_number"], 2);
    assert_eq!(items[0]["is_ioc"], false);
    assert_eq!(items[1]["case"]["id"], u1.as_str());
    assert_eq!(items[1]["tlp"], "green");
    assert_eq!(cases.body["next_cursor"], Value::Null);
    // Paged one at a time.
    let p1 = app
        .admin("GET", &format!("/api/v1/observables/{ident}/cases?limit=1"), None)
        .await
        .expect(200);
    let c = p1.body["next_cursor"].as_str().unwrap().to_owned();
    // Every page says how many cases hold the value.
    assert_eq!(p1.body["total"], 2);
    let p2 = app
        .admin(
            "GET",
            &format!("/api/v1/observables/{ident}/cases?limit=1&cursor={c}"),
            None,
        )
        .await
        .expect(200);
    assert_eq!(p2.body["items"][0]["case"]["number"], 1);
    assert_eq!(p2.body["next_cursor"], Value::Null);

    // Unlinking from one case leaves the identity and the other case.
    app.admin("DELETE", "/api/v1/cases/2/observables/2", None)
        .await
        .expect(204);
    let after = app
        .admin("GET", &format!("/api/v1/observables/{ident}/cases"), None)
        .await
        .expect(200);
    assert_eq!(after.body["items"].as_array().unwrap().len(), 1);
    // Deleting a case removes its links from the correlation.
    app.admin("DELETE", "/api/v1/cases/1", None).await.expect(204);
    let gone = app
        .admin("GET", &format!("/api/v1/observables/{ident}"), None)
        .await
        .expect(200);
    assert_eq!(gone.body["case_count"], 0, "the identity stays, linked to nothing");
    app.admin("GET", &format!("/api/v1/observables/{}", uuid::Uuid::now_v7()), None)
        .await
        .expect(404);
}

async fn related_cases_most_shared_first(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let k = crate::harness::ADMIN_KEY;
    for t in ["Hub", "Shares two", "Shares one", "Shares none", "Shares two too"] {
        new_case(&app, k, t).await;
    }
    let vals = ["evil.example.com", "bad.example.net", "worse.example.org"];
    for v in vals {
        add(&app, "1", json!({"type": "domain", "value": v})).await.expect(201);
    }
    for v in &vals[..2] {
        add(&app, "2", json!({"type": "domain", "value": v.to_uppercase()}))
            .await
            .expect(201);
        add(&app, "5", json!({"type": "domain", "value": v})).await.expect(201);
    }
    add(&app, "3", json!({"type": "domain", "value": vals[2]}))
        .await
        .expect(201);
    // Same value, different type: not shared.
    add(&app, "4", json!({"type": "hostname", "value": vals[0]}))
        .await
        .expect(201);
    add(&app, "4", json!({"type": "text", "value": "only here"}))
        .await
        .expect(201);

    let r = app.admin("GET", "/api/v1/cases/1/related", None).await.expect(200);
    let items = r.body["items"].as_array().unwrap();
    let order: Vec<(i64, i64)> = items
        .iter()
        .map(|i| {
            (
                i["case"]["number"].as_i64().unwrap(),
                i["shared_count"].as_i64().unwrap(),
            )
        })
        .collect();
    // Most shared first, then the newest case.
    assert_eq!(order, [(5, 2), (2, 2), (3, 1)], "{}", r.text);
    let shared: Vec<&str> = items[1]["shared"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["value"].as_str().unwrap())
        .collect();
    assert_eq!(shared, ["evil.example.com", "bad.example.net"]);
    assert_eq!(items[2]["shared"][0]["type"], json!({"id": 20, "name": "domain"}));
    assert_eq!(items[0]["case"]["title"], "Shares two too");
    // A capped answer: everything found is shown here.
    assert_eq!(
        (
            r.body["total"].clone(),
            r.body["truncated"].clone(),
            r.body["total_is_lower_bound"].clone()
        ),
        (json!(3), json!(false), json!(false)),
        "{}",
        r.text
    );
    // From the other side, and with a limit.
    let r = app.admin("GET", "/api/v1/cases/3/related", None).await.expect(200);
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(r.body["items"][0]["case"]["number"], 1);
    let r = app
        .admin("GET", "/api/v1/cases/1/related?limit=1", None)
        .await
        .expect(200);
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        (r.body["total"].clone(), r.body["truncated"].clone()),
        (json!(3), json!(true))
    );
    let none = app.admin("GET", "/api/v1/cases/4/related", None).await.expect(200);
    assert_eq!(none.body["items"], json!([]));
    app.admin("GET", "/api/v1/cases/1/related?limit=0", None)
        .await
        .expect(422);
    app.admin("GET", "/api/v1/cases/1/related?cursor=1", None)
        .await
        .expect(422);
    app.admin("GET", "/api/v1/cases/77/related", None).await.expect(404);
}

async fn update_version_and_delete(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    new_case(&app, crate::harness::ADMIN_KEY, "Edits").await;
    let a = add(&app, "1", json!({"type": "md5", "value": MD5, "tags": ["x"]}))
        .await
        .expect(201);
    let ident = obs(&a)["observable_id"].as_str().unwrap().to_owned();
    add(&app, "1", json!({"type": "domain", "value": "taken.example.com"}))
        .await
        .expect(201);
    let u = app
        .admin(
            "PATCH",
            "/api/v1/cases/1/observables/1",
            Some(
                json!({"description": "dropper", "tlp": "clear", "tags": ["y", "z"], "is_ioc": false,
                "custom": {"k": "v"}, "version": 1}),
            ),
        )
        .await
        .expect(200);
    assert_eq!(u.body["description"], "dropper");
    assert_eq!(u.body["tlp"], "clear");
    assert_eq!(u.body["tags"], json!(["y", "z"]));
    assert_eq!(u.body["is_ioc"], false);
    assert_eq!(u.body["custom"], json!({"k": "v"}));
    assert_eq!(u.body["version"], 2);
    assert_eq!(u.body["value"], MD5.to_lowercase(), "the identity is untouched");
    assert_eq!(u.header("etag"), Some("\"2\""));
    // Stale version, in the body or If-Match: 409 and nothing changes.
    let stale = app
        .admin(
            "PATCH",
            "/api/v1/cases/1/observables/1",
            Some(json!({"description": "x", "version": 1})),
        )
        .await
        .expect(409);
    assert_eq!(stale.body["code"], "conflict");
    let auth = format!("Bearer {}", crate::harness::ADMIN_KEY);
    app.call(
        "PATCH",
        "/api/v1/cases/1/observables/1",
        &[("authorization", &auth), ("if-match", "\"1\"")],
        Some(r#"{"description": "x"}"#),
    )
    .await
    .expect(409);
    let ok = app
        .call(
            "PATCH",
            "/api/v1/cases/1/observables/1",
            &[("authorization", &auth), ("if-match", "\"2\"")],
            Some(r#"{"description": null}"#),
        )
        .await
        .expect(200);
    assert_eq!(ok.body["description"], Value::Null);
    assert_eq!(ok.body["version"], 3);
    // A no-op does not bump the version.
    let same = app
        .admin("PATCH", "/api/v1/cases/1/observables/1", Some(json!({"tlp": "clear"})))
        .await
        .expect(200);
    assert_eq!(same.body["version"], 3);
    // A new value re-points the link; the old identity stays.
    let moved = app
        .admin(
            "PATCH",
            "/api/v1/cases/1/observables/1",
            Some(json!({"type": "sha256", "value": "AB".repeat(32), "version": 3})),
        )
        .await
        .expect(200);
    assert_eq!(moved.body["type"]["name"], "sha256");
    assert_eq!(moved.body["value"], "ab".repeat(32));
    assert_ne!(moved.body["observable_id"], ident.as_str());
    assert_eq!(moved.body["number"], 1, "the link keeps its number");
    assert_eq!(moved.body["tlp"], "clear", "and what the case said");
    // Invalid for the type: 422; onto a value the case already has: 409.
    let bad = app
        .admin(
            "PATCH",
            "/api/v1/cases/1/observables/1",
            Some(json!({"value": "short"})),
        )
        .await
        .expect(422);
    assert!(
        bad.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("64 hexadecimal")
    );
    app.admin(
        "PATCH",
        "/api/v1/cases/1/observables/1",
        Some(json!({"type": "domain", "value": "TAKEN.example.com"})),
    )
    .await
    .expect(409);
    app.admin("PATCH", "/api/v1/cases/1/observables/1", Some(json!({"type": "nope"})))
        .await
        .expect(422);
    app.admin("PATCH", "/api/v1/cases/1/observables/1", Some(json!({"number": 5})))
        .await
        .expect(422);
    app.admin("PATCH", "/api/v1/cases/1/observables/9", Some(json!({"tlp": "red"})))
        .await
        .expect(404);
    let old = app
        .admin("GET", &format!("/api/v1/observables/{ident}"), None)
        .await
        .expect(200);
    assert_eq!(old.body["case_count"], 0);

    // Delete unlinks; the number is not reused.
    app.admin("DELETE", "/api/v1/cases/1/observables/1", None)
        .await
        .expect(204);
    app.admin("GET", "/api/v1/cases/1/observables/1", None)
        .await
        .expect(404);
    app.admin("DELETE", "/api/v1/cases/1/observables/1", None)
        .await
        .expect(404);
    let again = add(&app, "1", json!({"type": "sha256", "value": "ab".repeat(32)}))
        .await
        .expect(201);
    assert_eq!(obs(&again)["number"], 3);
    assert_eq!(obs(&again)["observable_id"], moved.body["observable_id"]);

    // The trail has each change.
    let act = app
        .admin("GET", "/api/v1/cases/1/activity?limit=100", None)
        .await
        .expect(200);
    let fields: Vec<(String, String)> = act.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["object_kind"] == "case_observable")
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["field"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    for want in [
        ("update", "description"),
        ("update", "tlp"),
        ("update", "tags"),
        ("update", "is_ioc"),
        ("update", "custom"),
        ("update", "type"),
        ("update", "value"),
        ("delete", "observable"),
        ("create", "value"),
    ] {
        assert!(
            fields.contains(&(want.0.to_owned(), want.1.to_owned())),
            "{want:?} in {fields:?}"
        );
    }
}

async fn list_filters_and_every_page(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    new_case(&app, crate::harness::ADMIN_KEY, "Many").await;
    new_case(&app, crate::harness::ADMIN_KEY, "Other").await;
    let tlps = ["clear", "green", "amber", "red"];
    for i in 0..23 {
        let mut body = json!({
            "type": if i % 2 == 0 { "ip-any" } else { "domain" },
            "value": if i % 2 == 0 { format!("10.0.0.{i}") } else { format!("host{i}.example.com") },
            "tlp": tlps[i % 4], "tags": [format!("t{}", i % 3)], "is_ioc": i % 5 != 0,
        });
        if i == 7 {
            body["description"] = json!("Beacon seen from the VPN");
        }
        add(&app, "1", body).await.expect(201);
    }
    add(&app, "2", json!({"type": "ip-any", "value": "10.9.9.9"}))
        .await
        .expect(201);

    // Every page, in number order, no duplicate, no loss.
    let mut seen: Vec<i64> = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/cases/1/observables?limit=5&cursor={c}"),
            None => "/api/v1/cases/1/observables?limit=5".to_owned(),
        };
        let r = app.admin("GET", &path, None).await.expect(200);
        pages += 1;
        for o in r.body["items"].as_array().unwrap() {
            seen.push(o["number"].as_i64().unwrap());
        }
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 5);
    assert_eq!(seen, (1..=23).collect::<Vec<i64>>());
    // Descending, with a count.
    let d = app
        .admin("GET", "/api/v1/cases/1/observables?order=desc&limit=3&count=true", None)
        .await
        .expect(200);
    let nums: Vec<i64> = d.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["number"].as_i64().unwrap())
        .collect();
    assert_eq!(nums, [23, 22, 21]);
    assert_eq!(d.body["total"], 23);
    let c = d.body["next_cursor"].as_str().unwrap();
    let d2 = app
        .admin(
            "GET",
            &format!("/api/v1/cases/1/observables?order=desc&limit=3&cursor={c}"),
            None,
        )
        .await
        .expect(200);
    assert_eq!(d2.body["items"][0]["number"], 20);

    let count = |q: &'static str| {
        let app = &app;
        async move {
            let r = app
                .admin(
                    "GET",
                    &format!("/api/v1/cases/1/observables?limit=200&count=true&{q}"),
                    None,
                )
                .await
                .expect(200);
            let n = r.body["items"].as_array().unwrap().len() as i64;
            assert_eq!(r.body["total"], n, "{q}");
            n
        }
    };
    assert_eq!(count("type=ip-any").await, 12);
    assert_eq!(count("type=20").await, 11);
    assert_eq!(count("type=ip-any,domain").await, 23);
    assert_eq!(count("tlp=red").await, 5);
    assert_eq!(count("tlp=red&tlp=clear").await, 11);
    assert_eq!(count("tags=t1").await, 8);
    assert_eq!(count("tags=T1").await, 8, "tags match case-insensitively");
    assert_eq!(count("tags=t1,t2").await, 0, "every tag must be present");
    assert_eq!(count("is_ioc=false").await, 5);
    assert_eq!(count("is_ioc=true&type=domain").await, 9);
    assert_eq!(
        count("q=HOST1").await,
        6,
        "host1, host11, host13, host15, host17, host19"
    );
    assert_eq!(count("q=vpn").await, 1, "descriptions match too");
    assert_eq!(count("q=10.0.0.2").await, 3, "10.0.0.2, .20, .22");
    assert_eq!(count("q=100%25").await, 0, "% is not a wildcard");
    assert_eq!(count("q=10.9.9.9").await, 0, "another case's observables stay out");
}

async fn bad_query_values_are_refused(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    new_case(&app, crate::harness::ADMIN_KEY, "Queries").await;
    let alert = app
        .admin("POST", "/api/v1/alerts", Some(json!({"title": "a"})))
        .await
        .expect(201);
    assert_eq!(alert.body["alert"]["number"], 1);
    for base in ["/api/v1/cases/1/observables", "/api/v1/alerts/1/observables"] {
        for (q, field) in [
            ("tlp=purple", "tlp"),
            ("is_ioc=maybe", "is_ioc"),
            ("limit=0", "limit"),
            ("limit=201", "limit"),
            ("limit=x", "limit"),
            ("cursor=abc", "cursor"),
            ("cursor=1.2", "cursor"),
            ("order=sideways", "order"),
            ("type=no-such-type", "type"),
            ("colour=red", "colour"),
        ] {
            let r = app.admin("GET", &format!("{base}?{q}"), None).await.expect(422);
            assert_eq!(r.body["errors"][0]["field"], field, "{base}?{q}: {}", r.text);
        }
        let long = "x".repeat(101);
        let r = app.admin("GET", &format!("{base}?tags={long}"), None).await.expect(422);
        assert_eq!(r.body["errors"][0]["field"], "tags[0]");
        assert_eq!(r.body["errors"][0]["code"], "too_long");
    }
    for (q, field) in [
        ("type=x", "type"),
        ("limit=-1", "limit"),
        ("cursor=zz", "cursor"),
        ("tlp=red", "tlp"),
    ] {
        let r = app
            .admin("GET", &format!("/api/v1/observables?{q}"), None)
            .await
            .expect(422);
        assert_eq!(r.body["errors"][0]["field"], field, "{q}: {}", r.text);
    }
    let id = uuid::Uuid::now_v7();
    app.admin("GET", &format!("/api/v1/observables/{id}/cases?cursor=x"), None)
        .await
        .expect(422);
    app.admin("GET", &format!("/api/v1/observables/{id}/cases?limit=1000"), None)
        .await
        .expect(422);
    app.admin("GET", &format!("/api/v1/observables/{id}/cases"), None)
        .await
        .expect(404);
}

async fn alert_observables(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let a = app
        .admin("POST", "/api/v1/alerts", Some(json!({"title": "EDR hit"})))
        .await
        .expect(201);
    let alert_uuid = a.body["alert"]["id"].as_str().unwrap().to_owned();
    let r = app
        .admin(
            "POST",
            "/api/v1/alerts/1/observables",
            Some(json!({"type": "sha256", "value": "AB".repeat(32), "description": "dropped file", "tags": ["edr"]})),
        )
        .await
        .expect(201);
    assert_eq!(r.body["created"], true);
    let o = &r.body["observable"];
    assert_eq!(o["value"], "ab".repeat(32));
    assert_eq!(o["type"], json!({"id": 113, "name": "sha256"}));
    assert_eq!(o["tlp"], Value::Null, "an alert observable has no TLP unless given");
    assert_eq!(o["is_ioc"], true);
    assert_eq!(o["tags"], json!(["edr"]));
    assert_eq!(o["description"], "dropped file");
    assert!(o.get("number").is_none());
    // The same value again (other spelling): 200, the existing link.
    let again = app
        .admin(
            "POST",
            &format!("/api/v1/alerts/{alert_uuid}/observables"),
            Some(json!({"type": 113, "value": "ab".repeat(32), "tlp": "red"})),
        )
        .await
        .expect(200);
    assert_eq!(again.body["created"], false);
    assert_eq!(&again.body["observable"], o);
    let second = app
        .admin(
            "POST",
            "/api/v1/alerts/1/observables",
            Some(json!({"type": "ip-src", "value": "192.0.2.1", "tlp": "green", "is_ioc": false})),
        )
        .await
        .expect(201);
    assert_eq!(second.body["observable"]["tlp"], "green");
    // Custom attributes belong to case links only.
    let c = app
        .admin(
            "POST",
            "/api/v1/alerts/1/observables",
            Some(json!({"type": "text", "value": "x", "custom": {"a": 1}})),
        )
        .await
        .expect(422);
    assert_eq!(c.body["errors"][0]["field"], "custom");
    app.admin(
        "POST",
        "/api/v1/alerts/1/observables",
        Some(json!({"type": "md5", "value": "123"})),
    )
    .await
    .expect(422);
    app.admin(
        "POST",
        "/api/v1/alerts/9/observables",
        Some(json!({"type": "md5", "value": MD5})),
    )
    .await
    .expect(404);

    let l = app
        .admin("GET", "/api/v1/alerts/1/observables?count=true", None)
        .await
        .expect(200);
    assert_eq!(l.body["total"], 2);
    assert_eq!(l.body["items"][0]["id"], o["id"], "oldest first");
    let f = app
        .admin("GET", "/api/v1/alerts/1/observables?is_ioc=false", None)
        .await
        .expect(200);
    assert_eq!(f.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(f.body["items"][0]["value"], "192.0.2.1");
    let p = app
        .admin("GET", "/api/v1/alerts/1/observables?limit=1", None)
        .await
        .expect(200);
    let cur = p.body["next_cursor"].as_str().unwrap();
    let p2 = app
        .admin(
            "GET",
            &format!("/api/v1/alerts/1/observables?limit=1&cursor={cur}"),
            None,
        )
        .await
        .expect(200);
    assert_eq!(p2.body["items"][0]["value"], "192.0.2.1");
    assert_eq!(p2.body["next_cursor"], Value::Null);

    // One identity across the alert and a case.
    new_case(&app, crate::harness::ADMIN_KEY, "Escalated").await;
    let c = add(&app, "1", json!({"type": "sha256", "value": "ab".repeat(32)}))
        .await
        .expect(201);
    assert_eq!(obs(&c)["observable_id"], o["observable_id"]);
    let ident = app
        .admin(
            "GET",
            &format!("/api/v1/observables/{}", o["observable_id"].as_str().unwrap()),
            None,
        )
        .await
        .expect(200);
    assert_eq!(ident.body["case_count"], 1);
    assert_eq!(ident.body["alert_count"], 1);
}

async fn identity_list_and_text_search(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    new_case(&app, crate::harness::ADMIN_KEY, "Search").await;
    add(&app, "1", json!({"type": "domain", "value": "evil.example.com"}))
        .await
        .expect(201);
    add(&app, "1", json!({"type": "hostname", "value": "evil.example.com"}))
        .await
        .expect(201);
    add(&app, "1", json!({"type": "ip-any", "value": "10.1.2.3"}))
        .await
        .expect(201);
    add(&app, "1", json!({"type": "md5", "value": MD5})).await.expect(201);
    for i in 0..7 {
        add(&app, "1", json!({"type": "text", "value": format!("note {i}")}))
            .await
            .expect(201);
    }
    let q = |path: String| {
        let app = &app;
        async move {
            let r = app.admin("GET", &path, None).await.expect(200);
            r.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| {
                    format!(
                        "{}:{}",
                        o["type"]["name"].as_str().unwrap(),
                        o["value"].as_str().unwrap()
                    )
                })
                .collect::<Vec<String>>()
        }
    };
    // Text search goes through the search index: IOC-like substrings work.
    assert_eq!(
        q("/api/v1/observables?q=evil.example".into()).await,
        ["hostname:evil.example.com", "domain:evil.example.com"]
    );
    assert_eq!(q("/api/v1/observables?q=10.1.2.3".into()).await, ["ip-any:10.1.2.3"]);
    assert_eq!(q("/api/v1/observables?q=1.2".into()).await, ["ip-any:10.1.2.3"]);
    assert_eq!(
        q("/api/v1/observables?q=D41D8CD9".into()).await,
        [format!("md5:{}", MD5.to_lowercase())]
    );
    assert_eq!(
        q("/api/v1/observables?q=evil&type=domain".into()).await,
        ["domain:evil.example.com"]
    );
    assert_eq!(q("/api/v1/observables?type=76,90".into()).await.len(), 2);
    assert!(q("/api/v1/observables?q=nothing-like-this".into()).await.is_empty());
    // Newest first; every page.
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/observables?limit=4&cursor={c}"),
            None => "/api/v1/observables?limit=4".into(),
        };
        let r = app.admin("GET", &path, None).await.expect(200);
        for o in r.body["items"].as_array().unwrap() {
            all.push(o["value"].as_str().unwrap().to_owned());
        }
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(all.len(), 11);
    assert_eq!(all[0], "note 6");
    assert_eq!(all[10], "evil.example.com");
    let mut dedup = all.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), 10, "two identities share a value with different types");
}

async fn viewers_cannot_write(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    new_case(&app, crate::harness::ADMIN_KEY, "Read only").await;
    app.admin("POST", "/api/v1/alerts", Some(json!({"title": "a"})))
        .await
        .expect(201);
    add(&app, "1", json!({"type": "md5", "value": MD5})).await.expect(201);
    let (_, viewer) = app.member("vera", "viewer").await;
    let body = json!({"type": "md5", "value": "0".repeat(32)});
    for (m, p, b) in [
        ("POST", "/api/v1/cases/1/observables", Some(body.clone())),
        ("PATCH", "/api/v1/cases/1/observables/1", Some(json!({"tlp": "red"}))),
        ("DELETE", "/api/v1/cases/1/observables/1", None),
        ("POST", "/api/v1/alerts/1/observables", Some(body.clone())),
    ] {
        app.as_key(&viewer, m, p, b).await.expect(403);
    }
    // Reading is fine.
    let r = app
        .as_key(&viewer, "GET", "/api/v1/cases/1/observables/1", None)
        .await
        .expect(200);
    assert_eq!(r.body["tlp"], "amber");
    app.as_key(&viewer, "GET", "/api/v1/observables", None)
        .await
        .expect(200);
    app.as_key(&viewer, "GET", "/api/v1/cases/1/related", None)
        .await
        .expect(200);
}

async fn other_workspaces_see_nothing(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    const MARK: &str = "zebra-7319.example.com";
    let k = crate::harness::ADMIN_KEY;
    let (_, case_uuid) = new_case(&app, k, "Owner case").await;
    new_case(&app, k, "Second owner case").await;
    let a = app
        .admin("POST", "/api/v1/alerts", Some(json!({"title": "Owner alert"})))
        .await
        .expect(201);
    let alert_uuid = a.body["alert"]["id"].as_str().unwrap().to_owned();
    let o = add(
        &app,
        "1",
        json!({"type": "domain", "value": MARK, "description": "secret-7319"}),
    )
    .await
    .expect(201);
    add(&app, "2", json!({"type": "domain", "value": MARK}))
        .await
        .expect(201);
    app.admin(
        "POST",
        "/api/v1/alerts/1/observables",
        Some(json!({"type": "domain", "value": MARK})),
    )
    .await
    .expect(201);
    let link = obs(&o)["id"].as_str().unwrap().to_owned();
    let ident = obs(&o)["observable_id"].as_str().unwrap().to_owned();

    let (_, other) = app.tenant("Other").await;
    // The other tenant has its own case #1 and alert #1, so numbers resolve there, not here.
    new_case(&app, &other, "Other case").await;
    app.as_key(&other, "POST", "/api/v1/alerts", Some(json!({"title": "Other alert"})))
        .await
        .expect(201);
    let before_owner = app
        .admin("GET", "/api/v1/cases/1/observables/1", None)
        .await
        .expect(200)
        .body;

    let pwn = json!({"type": "domain", "value": "pwned.example.com"});
    let mut rows: Vec<(&str, String, Option<Value>)> = Vec::new();
    for case in ["2".to_owned(), case_uuid.clone()] {
        rows.push(("POST", format!("/api/v1/cases/{case}/observables"), Some(pwn.clone())));
        rows.push(("GET", format!("/api/v1/cases/{case}/observables"), None));
        rows.push(("GET", format!("/api/v1/cases/{case}/related"), None));
    }
    for l in ["1".to_owned(), link.clone()] {
        rows.push(("GET", format!("/api/v1/cases/{case_uuid}/observables/{l}"), None));
        rows.push((
            "PATCH",
            format!("/api/v1/cases/{case_uuid}/observables/{l}"),
            Some(json!({"tlp": "clear", "version": 1})),
        ));
        rows.push(("DELETE", format!("/api/v1/cases/{case_uuid}/observables/{l}"), None));
    }
    // The owner's link id under the other tenant's own case #1.
    rows.push(("GET", format!("/api/v1/cases/1/observables/{link}"), None));
    rows.push((
        "PATCH",
        format!("/api/v1/cases/1/observables/{link}"),
        Some(json!({"tlp": "clear"})),
    ));
    rows.push(("DELETE", format!("/api/v1/cases/1/observables/{link}"), None));
    for alert in ["2".to_owned(), alert_uuid.clone()] {
        rows.push(("POST", format!("/api/v1/alerts/{alert}/observables"), Some(pwn.clone())));
        rows.push(("GET", format!("/api/v1/alerts/{alert}/observables"), None));
    }
    rows.push(("GET", format!("/api/v1/observables/{ident}"), None));
    rows.push(("GET", format!("/api/v1/observables/{ident}/cases"), None));
    for (m, p, body) in &rows {
        let r = app.as_key(&other, m, p, body.clone()).await;
        assert_eq!(r.status.as_u16(), 404, "{m} {p}: {}", r.text);
        assert_eq!(r.body["code"], "not_found", "{m} {p}");
        for secret in [MARK, "secret-7319", &ident, &link, &case_uuid, &alert_uuid] {
            assert!(!r.text.contains(secret), "{m} {p} leaks {secret}: {}", r.text);
        }
    }
    // Lists of the other tenant hold none of it; the same value there is a new identity.
    let l = app
        .as_key(&other, "GET", "/api/v1/observables?count=true", None)
        .await
        .expect(200);
    assert_eq!(l.body["total"], 0);
    let l = app
        .as_key(&other, "GET", "/api/v1/observables?q=zebra-7319", None)
        .await
        .expect(200);
    assert_eq!(l.body["items"], json!([]));
    let mine = app
        .as_key(
            &other,
            "POST",
            "/api/v1/cases/1/observables",
            Some(json!({"type": "domain", "value": MARK})),
        )
        .await
        .expect(201);
    assert_ne!(mine.body["observable"]["observable_id"], ident.as_str());
    assert_eq!(mine.body["observable"]["number"], 1, "numbers are per workspace");
    let rel = app
        .as_key(&other, "GET", "/api/v1/cases/1/related", None)
        .await
        .expect(200);
    assert_eq!(rel.body["items"], json!([]), "correlation stays within a workspace");
    let cases = app
        .as_key(
            &other,
            "GET",
            &format!(
                "/api/v1/observables/{}/cases",
                mine.body["observable"]["observable_id"].as_str().unwrap()
            ),
            None,
        )
        .await
        .expect(200);
    assert_eq!(cases.body["items"].as_array().unwrap().len(), 1);

    // The owner's data is unchanged.
    let after_owner = app
        .admin("GET", "/api/v1/cases/1/observables/1", None)
        .await
        .expect(200)
        .body;
    assert_eq!(before_owner, after_owner);
    let n = app
        .admin("GET", "/api/v1/cases/2/observables?count=true", None)
        .await
        .expect(200);
    assert_eq!(n.body["total"], 1);
    let al = app
        .admin("GET", "/api/v1/alerts/1/observables?count=true", None)
        .await
        .expect(200);
    assert_eq!(al.body["total"], 1);
    let id = app
        .admin("GET", &format!("/api/v1/observables/{ident}"), None)
        .await
        .expect(200);
    assert_eq!(id.body["case_count"], 2);
    assert_eq!(id.body["alert_count"], 1);
    let rel = app.admin("GET", "/api/v1/cases/1/related", None).await.expect(200);
    assert_eq!(rel.body["items"].as_array().unwrap().len(), 1);
}

async fn concurrent_adds_link_once(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    new_case(&app, crate::harness::ADMIN_KEY, "Race").await;
    // The same value, spelled differently, added eight times at once: one link, one identity.
    let spellings = [
        "Race.Example.COM",
        "race.example.com.",
        "RACE.example.com",
        "race.example.com",
    ];
    let calls = (0..8).map(|i| add(&app, "1", json!({"type": "domain", "value": spellings[i % 4]})));
    let results = futures_util::future::join_all(calls).await;
    let mut created = 0;
    let mut ids = Vec::new();
    for r in &results {
        assert!(r.status.as_u16() == 201 || r.status.as_u16() == 200, "{}", r.text);
        if r.body["created"] == true {
            created += 1;
        }
        ids.push(obs(r)["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(created, 1);
    ids.dedup();
    assert_eq!(ids.len(), 1, "every answer is the same link");
    let l = app
        .admin("GET", "/api/v1/cases/1/observables?count=true", None)
        .await
        .expect(200);
    assert_eq!(l.body["total"], 1);
    let all = app
        .admin("GET", "/api/v1/observables?count=true", None)
        .await
        .expect(200);
    assert_eq!(all.body["total"], 1);
}

async fn comments_go_with_the_link(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    new_case(&app, crate::harness::ADMIN_KEY, "One").await;
    new_case(&app, crate::harness::ADMIN_KEY, "Two").await;
    let o = add(&app, "1", json!({"type": "md5", "value": MD5})).await.expect(201);
    add(&app, "2", json!({"type": "md5", "value": MD5})).await.expect(201);
    let link = obs(&o)["id"].as_str().unwrap().to_owned();
    let c = app
        .admin(
            "POST",
            &format!("/api/v1/cases/1/observables/{link}/comments"),
            Some(json!({"content": "seen on three hosts"})),
        )
        .await
        .expect(201);
    let comment = c.body["id"].as_str().unwrap().to_owned();
    let l = app
        .admin("GET", "/api/v1/cases/1/observables/1/comments", None)
        .await
        .expect(200);
    assert_eq!(l.body["items"][0]["content"], "seen on three hosts");
    // The other case's link of the same value has its own (no) comments.
    let other = app
        .admin("GET", "/api/v1/cases/2/observables/2/comments", None)
        .await
        .expect(200);
    assert_eq!(other.body["items"], json!([]));
    // Unlinking deletes the link's comments.
    app.admin("DELETE", "/api/v1/cases/1/observables/1", None)
        .await
        .expect(204);
    app.admin(
        "PATCH",
        &format!("/api/v1/comments/{comment}"),
        Some(json!({"content": "x"})),
    )
    .await
    .expect(404);
}

async fn openapi_lists_the_routes(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let r = app.call("GET", "/api/openapi.json", &[], None).await.expect(200);
    let paths = &r.body["paths"];
    for (p, methods) in [
        ("/api/v1/cases/{id}/observables", &["get", "post"][..]),
        (
            "/api/v1/cases/{id}/observables/{observable_id}",
            &["delete", "get", "patch"][..],
        ),
        ("/api/v1/alerts/{id}/observables", &["get", "post"][..]),
        ("/api/v1/observables", &["get"][..]),
        ("/api/v1/observables/{id}", &["get"][..]),
        ("/api/v1/observables/{id}/cases", &["get"][..]),
        ("/api/v1/cases/{id}/related", &["get"][..]),
    ] {
        let mut got: Vec<&str> = paths[p]
            .as_object()
            .unwrap_or_else(|| panic!("{p} missing"))
            .keys()
            .map(String::as_str)
            .filter(|k| ["get", "post", "put", "patch", "delete"].contains(k))
            .collect();
        got.sort_unstable();
        assert_eq!(got, methods, "{p}");
    }
    let params: Vec<&str> = paths["/api/v1/cases/{id}/observables"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for want in ["id", "type", "tlp", "tags", "is_ioc", "q", "limit", "cursor"] {
        assert!(params.contains(&want), "{want} in {params:?}");
    }
    let schemas = &r.body["components"]["schemas"];
    for s in [
        "CaseObservable",
        "CaseObservableAdded",
        "NewObservable",
        "ObservablePatch",
        "RelatedCase",
        "Observable",
    ] {
        assert!(schemas[s].is_object(), "schema {s}");
    }
}
