//! Assets: case links to a workspace inventory, IRIS duplicate rule, linked observables,
//! validation, versions, the inventory lists, isolation.

use dossier_core::Backend;
use serde_json::{Value, json};

use crate::{
    both,
    harness::{ADMIN_KEY, Resp, TestApp},
};

both!(
    add_and_read_back_exactly,
    same_name_and_type_twice_conflicts,
    invalid_input_is_refused,
    update_version_and_delete,
    case_list_filters_and_every_page,
    inventory_lists_and_cases,
    viewers_cannot_write,
    other_workspaces_see_nothing,
    comments_go_with_the_link,
    openapi_lists_the_routes
);

async fn new_case(app: &TestApp, key: &str, title: &str) -> String {
    let c = app
        .as_key(key, "POST", "/api/v1/cases", Some(json!({"title": title})))
        .await
        .expect(201);
    c.body["id"].as_str().unwrap().to_owned()
}

async fn add(app: &TestApp, case: &str, body: Value) -> Resp {
    app.admin("POST", &format!("/api/v1/cases/{case}/assets"), Some(body))
        .await
}

async fn add_obs(app: &TestApp, case: &str, ty: &str, value: &str) -> Value {
    let r = app
        .admin(
            "POST",
            &format!("/api/v1/cases/{case}/observables"),
            Some(json!({"type": ty, "value": value})),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    r.body["observable"].clone()
}

async fn add_and_read_back_exactly(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let case_uuid = new_case(&app, ADMIN_KEY, "Ransomware").await;
    let ip = add_obs(&app, "1", "ip-any", "10.1.2.3").await;
    let dom = add_obs(&app, "1", "domain", "evil.example.com").await;
    let r = add(
        &app,
        "1",
        json!({
            "name": " WS-0042 ", "type": 9, "description": "Finance laptop", "domain": "corp.example.org",
            "ip": "2001:DB8::0:1", "info": "Last seen by the EDR on Monday", "tags": ["finance", "laptop"],
            "compromise_status": "compromised", "analysis_status_id": 3, "custom": {"owner": "j.doe"},
            "observables": [1, dom["id"]]
        }),
    )
    .await
    .expect(201);
    let a = &r.body;
    assert_eq!(a["number"], 1);
    assert_eq!(a["name"], "WS-0042");
    assert_eq!(a["type"], json!({"id": 9, "name": "Windows - Computer"}));
    assert_eq!(a["description"], "Finance laptop");
    assert_eq!(a["domain"], "corp.example.org");
    assert_eq!(a["ip"], "2001:db8::1", "stored in canonical form");
    assert_eq!(a["info"], "Last seen by the EDR on Monday");
    assert_eq!(a["tags"], json!(["finance", "laptop"]));
    assert_eq!(a["compromise_status"], "compromised");
    assert_eq!(a["analysis_status"], json!({"id": 3, "name": "Started"}));
    assert_eq!(a["custom"], json!({"owner": "j.doe"}));
    assert_eq!(
        a["observables"],
        json!([
            {"id": ip["id"], "number": 1, "type": {"id": 76, "name": "ip-any"}, "value": "10.1.2.3"},
            {"id": dom["id"], "number": 2, "type": {"id": 20, "name": "domain"}, "value": "evil.example.com"},
        ])
    );
    assert_eq!(a["created_by"]["login"], "admin");
    assert_eq!(a["version"], 1);
    assert_eq!(r.header("etag"), Some("\"1\""));
    let id = a["id"].as_str().unwrap();
    assert_ne!(a["asset_id"], a["id"]);

    let by_num = app.admin("GET", "/api/v1/cases/1/assets/1", None).await.expect(200);
    let by_id = app
        .admin("GET", &format!("/api/v1/cases/{case_uuid}/assets/{id}"), None)
        .await
        .expect(200);
    assert_eq!(by_num.body, by_id.body);
    assert_eq!(&by_num.body, a);

    // Defaults: to be determined, analysis status 1 (Unspecified), no observables. Type by name.
    let d = add(
        &app,
        "1",
        json!({"name": "svc-backup", "type": "Windows Account - AD - Service"}),
    )
    .await
    .expect(201);
    assert_eq!(d.body["number"], 2);
    assert_eq!(d.body["type"]["id"], 21);
    assert_eq!(d.body["compromise_status"], "to_be_determined");
    assert_eq!(d.body["analysis_status"], json!({"id": 1, "name": "Unspecified"}));
    assert_eq!(d.body["observables"], json!([]));
    assert_eq!(d.body["ip"], Value::Null);
    assert_eq!(d.body["tags"], json!([]));
    assert_eq!(d.body["custom"], json!({}));
    // A blank IP is no IP.
    let blank = add(&app, "1", json!({"name": "fw", "type": 2, "ip": " "}))
        .await
        .expect(201);
    assert_eq!(blank.body["ip"], Value::Null);

    // Audited.
    let act = app.admin("GET", "/api/v1/cases/1/activity", None).await.expect(200);
    let kinds: Vec<(&str, &str)> = act.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["object_kind"].as_str().unwrap(), e["action"].as_str().unwrap()))
        .collect();
    assert!(kinds.contains(&("case_asset", "create")), "{kinds:?}");
    assert!(kinds.contains(&("asset", "create")), "{kinds:?}");
}

async fn same_name_and_type_twice_conflicts(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    new_case(&app, ADMIN_KEY, "One").await;
    new_case(&app, ADMIN_KEY, "Two").await;
    let a = add(&app, "1", json!({"name": "DC01", "type": 11})).await.expect(201);
    // Same name in any case, same type: 409 with IRIS's meaning.
    let dup = add(
        &app,
        "1",
        json!({"name": "dc01", "type": "Windows - DC", "ip": "10.0.0.1"}),
    )
    .await
    .expect(409);
    assert_eq!(dup.body["code"], "conflict");
    assert!(
        dup.body["detail"]
            .as_str()
            .unwrap()
            .contains("asset already exists in this case")
    );
    // Same name, another type: another asset.
    let other_type = add(&app, "1", json!({"name": "DC01", "type": 10})).await.expect(201);
    assert_ne!(other_type.body["asset_id"], a.body["asset_id"]);
    // Same name and type in another case: the same inventory asset, its own details.
    let c2 = add(
        &app,
        "2",
        json!({"name": "Dc01", "type": 11, "compromise_status": "not_compromised"}),
    )
    .await
    .expect(201);
    assert_eq!(c2.body["asset_id"], a.body["asset_id"]);
    assert_eq!(c2.body["name"], "DC01", "the inventory keeps the first spelling");
    assert_eq!(c2.body["compromise_status"], "not_compromised");
    let a1 = app.admin("GET", "/api/v1/cases/1/assets/1", None).await.expect(200);
    assert_eq!(
        a1.body["compromise_status"], "to_be_determined",
        "details do not leak across cases"
    );
    // Nothing was stored by the refused request.
    let l = app
        .admin("GET", "/api/v1/cases/1/assets?count=true", None)
        .await
        .expect(200);
    assert_eq!(l.body["total"], 2);
}

async fn invalid_input_is_refused(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    new_case(&app, ADMIN_KEY, "One").await;
    new_case(&app, ADMIN_KEY, "Two").await;
    add_obs(&app, "1", "md5", &"a".repeat(32)).await;
    let other_case_obs = add_obs(&app, "2", "md5", &"b".repeat(32)).await;
    let check = |r: Resp, field: &str, code: &str| {
        let r = r.expect(422);
        assert_eq!(r.body["errors"][0]["field"], field, "{}", r.text);
        assert_eq!(r.body["errors"][0]["code"], code, "{}", r.text);
    };
    check(
        add(&app, "1", json!({"name": "h", "type": 9, "analysis_status_id": 7})).await,
        "analysis_status_id",
        "unknown_value",
    );
    check(
        add(&app, "1", json!({"name": "h", "type": 9, "analysis_status_id": 0})).await,
        "analysis_status_id",
        "unknown_value",
    );
    check(
        add(&app, "1", json!({"name": "h", "type": 22})).await,
        "type",
        "unknown_value",
    );
    check(
        add(&app, "1", json!({"name": "h", "type": "windows - computer"})).await,
        "type",
        "unknown_value",
    );
    check(
        add(&app, "1", json!({"name": "h", "type": 9, "ip": "10.0.0.256"})).await,
        "ip",
        "invalid",
    );
    check(
        add(&app, "1", json!({"name": "h", "type": 9, "ip": "host.example.com"})).await,
        "ip",
        "invalid",
    );
    check(
        add(&app, "1", json!({"name": "  ", "type": 9})).await,
        "name",
        "required",
    );
    check(
        add(&app, "1", json!({"name": "x".repeat(256), "type": 9})).await,
        "name",
        "too_long",
    );
    check(
        add(&app, "1", json!({"name": "h", "type": 9, "compromise_status": "pwned"})).await,
        "compromise_status",
        "invalid",
    );
    check(
        add(&app, "1", json!({"name": "h", "type": 9, "compromise_status": 1})).await,
        "compromise_status",
        "invalid",
    );
    // Observables must be this case's: by number, by link id, or nothing at all.
    check(
        add(
            &app,
            "1",
            json!({"name": "h", "type": 9, "observables": [other_case_obs["id"]]}),
        )
        .await,
        "observables[0]",
        "not_in_case",
    );
    check(
        add(&app, "1", json!({"name": "h", "type": 9, "observables": [1, 2]})).await,
        "observables[1]",
        "not_in_case",
    );
    check(
        add(&app, "1", json!({"name": "h", "type": 9, "observables": ["nope"]})).await,
        "observables[0]",
        "not_in_case",
    );
    check(
        add(&app, "1", json!({"name": "h", "type": 9, "observables": [0]})).await,
        "observables[0]",
        "not_in_case",
    );
    check(
        add(&app, "1", json!({"name": "h", "type": 9, "owner": "x"})).await,
        "owner",
        "invalid",
    );
    add(&app, "3", json!({"name": "h", "type": 9})).await.expect(404);
    // Nothing was stored.
    let l = app.admin("GET", "/api/v1/assets?count=true", None).await.expect(200);
    assert_eq!(l.body["total"], 0);
    // The same on update.
    add(&app, "1", json!({"name": "h", "type": 9})).await.expect(201);
    for (body, field) in [
        (json!({"analysis_status_id": 99}), "analysis_status_id"),
        (json!({"ip": "nope"}), "ip"),
        (json!({"type": 999}), "type"),
        (json!({"observables": [other_case_obs["number"]]}), "observables[0]"),
        (json!({"name": ""}), "name"),
    ] {
        let r = app
            .admin("PATCH", "/api/v1/cases/1/assets/1", Some(body.clone()))
            .await
            .expect(422);
        assert_eq!(r.body["errors"][0]["field"], field, "{body}: {}", r.text);
    }
    let unchanged = app.admin("GET", "/api/v1/cases/1/assets/1", None).await.expect(200);
    assert_eq!(unchanged.body["version"], 1);
}

async fn update_version_and_delete(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    new_case(&app, ADMIN_KEY, "Edits").await;
    let o1 = add_obs(&app, "1", "ip-any", "10.0.0.1").await;
    let o2 = add_obs(&app, "1", "ip-any", "10.0.0.2").await;
    let a = add(&app, "1", json!({"name": "web01", "type": 3, "observables": [1]}))
        .await
        .expect(201);
    add(&app, "1", json!({"name": "web02", "type": 3})).await.expect(201);
    let first_asset = a.body["asset_id"].as_str().unwrap().to_owned();
    let u = app
        .admin(
            "PATCH",
            "/api/v1/cases/1/assets/1",
            Some(
                json!({"description": "nginx front", "domain": "corp", "ip": "10.0.0.1", "info": "i",
                "tags": ["dmz"], "compromise_status": "compromised", "analysis_status_id": 6,
                "custom": {"a": 1}, "observables": [o2["id"], 1], "version": 1}),
            ),
        )
        .await
        .expect(200);
    assert_eq!(u.body["description"], "nginx front");
    assert_eq!(u.body["domain"], "corp");
    assert_eq!(u.body["ip"], "10.0.0.1");
    assert_eq!(u.body["info"], "i");
    assert_eq!(u.body["tags"], json!(["dmz"]));
    assert_eq!(u.body["compromise_status"], "compromised");
    assert_eq!(u.body["analysis_status"], json!({"id": 6, "name": "Done"}));
    assert_eq!(u.body["custom"], json!({"a": 1}));
    let linked: Vec<&Value> = u.body["observables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| &o["id"])
        .collect();
    assert_eq!(linked, [&o1["id"], &o2["id"]], "by observable number");
    assert_eq!(u.body["version"], 2);
    assert_eq!(u.header("etag"), Some("\"2\""));
    // Stale: 409, body or If-Match.
    app.admin(
        "PATCH",
        "/api/v1/cases/1/assets/1",
        Some(json!({"info": "x", "version": 1})),
    )
    .await
    .expect(409);
    let auth = format!("Bearer {ADMIN_KEY}");
    app.call(
        "PATCH",
        "/api/v1/cases/1/assets/1",
        &[("authorization", &auth), ("if-match", "\"1\"")],
        Some(r#"{"info": "x"}"#),
    )
    .await
    .expect(409);
    // Clearing fields with null; only the observable links changing still bumps the version.
    let c = app
        .admin(
            "PATCH",
            "/api/v1/cases/1/assets/1",
            Some(json!({"description": null, "ip": null, "domain": null, "info": null, "version": 2})),
        )
        .await
        .expect(200);
    assert_eq!(c.body["description"], Value::Null);
    assert_eq!(c.body["ip"], Value::Null);
    assert_eq!(c.body["version"], 3);
    let links = app
        .admin("PATCH", "/api/v1/cases/1/assets/1", Some(json!({"observables": []})))
        .await
        .expect(200);
    assert_eq!(links.body["observables"], json!([]));
    assert_eq!(links.body["version"], 4);
    let noop = app
        .admin(
            "PATCH",
            "/api/v1/cases/1/assets/1",
            Some(json!({"observables": [], "tags": ["dmz"]})),
        )
        .await
        .expect(200);
    assert_eq!(noop.body["version"], 4, "no change, no new version");
    // Renaming onto another asset of the case: 409; onto a new name: a new inventory asset.
    let dup = app
        .admin("PATCH", "/api/v1/cases/1/assets/1", Some(json!({"name": "WEB02"})))
        .await
        .expect(409);
    assert!(
        dup.body["detail"]
            .as_str()
            .unwrap()
            .contains("asset already exists in this case")
    );
    let renamed = app
        .admin(
            "PATCH",
            "/api/v1/cases/1/assets/1",
            Some(json!({"name": "web01-new", "type": 4})),
        )
        .await
        .expect(200);
    assert_eq!(renamed.body["name"], "web01-new");
    assert_eq!(renamed.body["type"]["id"], 4);
    assert_ne!(renamed.body["asset_id"], first_asset.as_str());
    assert_eq!(renamed.body["number"], 1);
    assert_eq!(
        renamed.body["compromise_status"], "compromised",
        "the case's details stay"
    );
    // Deleting an observable unlinks it from assets.
    app.admin("PATCH", "/api/v1/cases/1/assets/2", Some(json!({"observables": [2]})))
        .await
        .expect(200);
    app.admin("DELETE", "/api/v1/cases/1/observables/2", None)
        .await
        .expect(204);
    let w2 = app.admin("GET", "/api/v1/cases/1/assets/2", None).await.expect(200);
    assert_eq!(w2.body["observables"], json!([]));
    // Delete: the inventory keeps the asset.
    app.admin("DELETE", "/api/v1/cases/1/assets/1", None).await.expect(204);
    app.admin("GET", "/api/v1/cases/1/assets/1", None).await.expect(404);
    app.admin("DELETE", "/api/v1/cases/1/assets/1", None).await.expect(404);
    app.admin("PATCH", "/api/v1/cases/1/assets/1", Some(json!({"info": "x"})))
        .await
        .expect(404);
    let inv = app
        .admin("GET", &format!("/api/v1/assets/{first_asset}"), None)
        .await
        .expect(200);
    assert_eq!(inv.body["name"], "web01");
    assert_eq!(inv.body["case_count"], 0);
    let again = add(&app, "1", json!({"name": "web01-new", "type": 4}))
        .await
        .expect(201);
    assert_eq!(again.body["number"], 3, "numbers are not reused");
    assert_eq!(again.body["asset_id"], renamed.body["asset_id"]);
    // The trail.
    let act = app
        .admin("GET", "/api/v1/cases/1/activity?limit=200", None)
        .await
        .expect(200);
    let fields: Vec<(String, String)> = act.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["object_kind"] == "case_asset")
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["field"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    for want in [
        ("create", "name"),
        ("update", "description"),
        ("update", "ip"),
        ("update", "compromise_status"),
        ("update", "analysis_status_id"),
        ("update", "observables"),
        ("update", "name"),
        ("update", "type"),
        ("delete", "asset"),
    ] {
        assert!(
            fields.contains(&(want.0.to_owned(), want.1.to_owned())),
            "{want:?} in {fields:?}"
        );
    }
}

async fn case_list_filters_and_every_page(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    new_case(&app, ADMIN_KEY, "Many").await;
    let statuses = ["to_be_determined", "compromised", "not_compromised", "unknown"];
    for i in 0..17 {
        add(
            &app,
            "1",
            json!({"name": format!("host-{i:02}"), "type": if i % 2 == 0 { 9 } else { 3 },
                "compromise_status": statuses[i % 4], "analysis_status_id": 1 + (i % 6) as i64,
                "tags": [format!("t{}", i % 3)], "ip": format!("10.0.1.{i}"),
                "description": if i == 5 { "Jump host" } else { "" }}),
        )
        .await
        .expect(201);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/cases/1/assets?limit=4&cursor={c}"),
            None => "/api/v1/cases/1/assets?limit=4".into(),
        };
        let r = app.admin("GET", &path, None).await.expect(200);
        for a in r.body["items"].as_array().unwrap() {
            seen.push(a["number"].as_i64().unwrap());
        }
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, (1..=17).collect::<Vec<i64>>());
    let d = app
        .admin("GET", "/api/v1/cases/1/assets?order=desc&limit=2", None)
        .await
        .expect(200);
    assert_eq!(d.body["items"][0]["number"], 17);
    let count = |q: &'static str| {
        let app = &app;
        async move {
            let r = app
                .admin("GET", &format!("/api/v1/cases/1/assets?limit=200&count=true&{q}"), None)
                .await
                .expect(200);
            let n = r.body["items"].as_array().unwrap().len() as i64;
            assert_eq!(r.body["total"], n, "{q}");
            n
        }
    };
    assert_eq!(count("type=9").await, 9);
    assert_eq!(count("type=Linux%20-%20Server").await, 8);
    assert_eq!(count("compromise_status=compromised").await, 4);
    assert_eq!(count("compromise_status=compromised,unknown").await, 8);
    assert_eq!(count("analysis_status=1").await, 3);
    assert_eq!(count("analysis_status=1&analysis_status=6").await, 5);
    assert_eq!(count("tags=t0").await, 6);
    assert_eq!(count("q=HOST-1").await, 7, "host-10 … host-16");
    assert_eq!(count("q=jump").await, 1);
    assert_eq!(count("q=10.0.1.1").await, 8, "10.0.1.1 and 10.0.1.10 … 16");
    for (q, field) in [
        ("compromise_status=pwned", "compromise_status"),
        ("analysis_status=x", "analysis_status"),
        ("analysis_status=42", "analysis_status"),
        ("type=Nope", "type"),
        ("order=up", "order"),
        ("cursor=z", "cursor"),
        ("limit=0", "limit"),
        ("sort=name", "sort"),
    ] {
        let r = app
            .admin("GET", &format!("/api/v1/cases/1/assets?{q}"), None)
            .await
            .expect(422);
        assert_eq!(r.body["errors"][0]["field"], field, "{q}: {}", r.text);
    }
}

async fn inventory_lists_and_cases(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let u1 = new_case(&app, ADMIN_KEY, "First").await;
    new_case(&app, ADMIN_KEY, "Second").await;
    let a = add(
        &app,
        "1",
        json!({"name": "DC01", "type": 11, "compromise_status": "compromised"}),
    )
    .await
    .expect(201);
    add(&app, "2", json!({"name": "dc01", "type": 11, "analysis_status_id": 2}))
        .await
        .expect(201);
    add(&app, "2", json!({"name": "alice", "type": 18})).await.expect(201);
    add(
        &app,
        "2",
        json!({"name": "fw-edge", "type": 2, "compromise_status": "not_compromised"}),
    )
    .await
    .expect(201);
    let asset = a.body["asset_id"].as_str().unwrap().to_owned();
    let one = app
        .admin("GET", &format!("/api/v1/assets/{asset}"), None)
        .await
        .expect(200);
    assert_eq!(one.body["name"], "DC01");
    assert_eq!(one.body["type"], json!({"id": 11, "name": "Windows - DC"}));
    assert_eq!(one.body["case_count"], 2);
    assert_eq!(one.body["compromised"], true);

    let names = |path: String| {
        let app = &app;
        async move {
            let r = app.admin("GET", &path, None).await.expect(200);
            r.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["name"].as_str().unwrap().to_owned())
                .collect::<Vec<String>>()
        }
    };
    assert_eq!(names("/api/v1/assets".into()).await, ["fw-edge", "alice", "DC01"]);
    assert_eq!(names("/api/v1/assets?compromised=true".into()).await, ["DC01"]);
    assert_eq!(
        names("/api/v1/assets?compromised=false".into()).await,
        ["fw-edge", "alice"]
    );
    assert_eq!(names("/api/v1/assets?type=18".into()).await, ["alice"]);
    assert_eq!(
        names("/api/v1/assets?type=Firewall,11".into()).await,
        ["fw-edge", "DC01"]
    );
    assert_eq!(names("/api/v1/assets?q=dc0".into()).await, ["DC01"]);
    assert_eq!(names("/api/v1/assets?q=EDGE".into()).await, ["fw-edge"]);
    assert!(names("/api/v1/assets?q=zzz".into()).await.is_empty());
    let p1 = app
        .admin("GET", "/api/v1/assets?limit=2&count=true", None)
        .await
        .expect(200);
    assert_eq!(p1.body["total"], 3);
    let c = p1.body["next_cursor"].as_str().unwrap();
    assert_eq!(names(format!("/api/v1/assets?limit=2&cursor={c}")).await, ["DC01"]);
    for (q, field) in [
        ("compromised=maybe", "compromised"),
        ("type=nope", "type"),
        ("x=1", "x"),
        ("cursor=a", "cursor"),
    ] {
        let r = app.admin("GET", &format!("/api/v1/assets?{q}"), None).await.expect(422);
        assert_eq!(r.body["errors"][0]["field"], field, "{q}");
    }

    let cases = app
        .admin("GET", &format!("/api/v1/assets/{asset}/cases"), None)
        .await
        .expect(200);
    let items = cases.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["case"]["number"], 2, "newest link first");
    assert_eq!(items[0]["analysis_status"], json!({"id": 2, "name": "To be done"}));
    assert_eq!(items[0]["compromise_status"], "to_be_determined");
    assert_eq!(
        items[1]["case"],
        json!({"id": u1, "number": 1, "title": "First", "status": "new"})
    );
    assert_eq!(items[1]["link_id"], a.body["id"]);
    assert_eq!(items[1]["link_number"], 1);
    assert_eq!(items[1]["compromise_status"], "compromised");
    let p = app
        .admin("GET", &format!("/api/v1/assets/{asset}/cases?limit=1"), None)
        .await
        .expect(200);
    let c = p.body["next_cursor"].as_str().unwrap();
    let p2 = app
        .admin("GET", &format!("/api/v1/assets/{asset}/cases?limit=1&cursor={c}"), None)
        .await
        .expect(200);
    assert_eq!(p2.body["items"][0]["case"]["number"], 1);
    assert_eq!(p2.body["next_cursor"], Value::Null);
    app.admin("GET", &format!("/api/v1/assets/{}/cases", uuid::Uuid::now_v7()), None)
        .await
        .expect(404);
    app.admin("GET", "/api/v1/assets/1", None).await.expect(422);
    app.admin("GET", &format!("/api/v1/assets/{asset}/cases?limit=500"), None)
        .await
        .expect(422);
}

async fn viewers_cannot_write(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    new_case(&app, ADMIN_KEY, "Read only").await;
    add(&app, "1", json!({"name": "h", "type": 9})).await.expect(201);
    let (_, viewer) = app.member("vera", "viewer").await;
    for (m, p, b) in [
        ("POST", "/api/v1/cases/1/assets", Some(json!({"name": "x", "type": 9}))),
        ("PATCH", "/api/v1/cases/1/assets/1", Some(json!({"info": "x"}))),
        ("DELETE", "/api/v1/cases/1/assets/1", None),
    ] {
        app.as_key(&viewer, m, p, b).await.expect(403);
    }
    let r = app
        .as_key(&viewer, "GET", "/api/v1/cases/1/assets/1", None)
        .await
        .expect(200);
    assert_eq!(r.body["version"], 1);
    app.as_key(&viewer, "GET", "/api/v1/assets", None).await.expect(200);
}

async fn other_workspaces_see_nothing(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    const MARK: &str = "Zebra-7319-host";
    let case_uuid = new_case(&app, ADMIN_KEY, "Owner").await;
    new_case(&app, ADMIN_KEY, "Owner 2").await;
    add_obs(&app, "2", "md5", &"c".repeat(32)).await;
    let a = add(
        &app,
        "2",
        json!({"name": MARK, "type": 9, "info": "secret-7319", "observables": [1]}),
    )
    .await
    .expect(201);
    let link = a.body["id"].as_str().unwrap().to_owned();
    let asset = a.body["asset_id"].as_str().unwrap().to_owned();
    let case2 = app.admin("GET", "/api/v1/cases/2", None).await.expect(200);
    let case2_uuid = case2.body["id"].as_str().unwrap().to_owned();
    let before = app
        .admin("GET", "/api/v1/cases/2/assets/1", None)
        .await
        .expect(200)
        .body;

    let (_, other) = app.tenant("Other").await;
    new_case(&app, &other, "Other case").await;
    let mut rows: Vec<(&str, String, Option<Value>)> = Vec::new();
    let pwn = json!({"name": "pwned", "type": 9});
    for case in ["2".to_owned(), case2_uuid.clone(), case_uuid.clone()] {
        rows.push(("POST", format!("/api/v1/cases/{case}/assets"), Some(pwn.clone())));
        rows.push(("GET", format!("/api/v1/cases/{case}/assets"), None));
    }
    for l in ["1".to_owned(), link.clone()] {
        let p = format!("/api/v1/cases/{case2_uuid}/assets/{l}");
        rows.push(("GET", p.clone(), None));
        rows.push((
            "PATCH",
            p.clone(),
            Some(json!({"compromise_status": "unknown", "version": 1})),
        ));
        rows.push(("DELETE", p, None));
    }
    // The owner's asset link under the other tenant's own case #1.
    rows.push(("GET", format!("/api/v1/cases/1/assets/{link}"), None));
    rows.push((
        "PATCH",
        format!("/api/v1/cases/1/assets/{link}"),
        Some(json!({"info": "x"})),
    ));
    rows.push(("DELETE", format!("/api/v1/cases/1/assets/{link}"), None));
    rows.push(("GET", format!("/api/v1/assets/{asset}"), None));
    rows.push(("GET", format!("/api/v1/assets/{asset}/cases"), None));
    for (m, p, body) in &rows {
        let r = app.as_key(&other, m, p, body.clone()).await;
        assert_eq!(r.status.as_u16(), 404, "{m} {p}: {}", r.text);
        for secret in [MARK, "secret-7319", &asset, &link, &case2_uuid] {
            assert!(!r.text.contains(secret), "{m} {p} leaks {secret}");
        }
    }
    // The other tenant cannot link the owner's observables to its own asset.
    let r = app
        .as_key(
            &other,
            "POST",
            "/api/v1/cases/1/assets",
            Some(json!({"name": "mine", "type": 9, "observables": [1]})),
        )
        .await
        .expect(422);
    assert_eq!(r.body["errors"][0]["code"], "not_in_case");
    let l = app
        .as_key(&other, "GET", "/api/v1/assets?count=true", None)
        .await
        .expect(200);
    assert_eq!(l.body["total"], 0);
    let q = app
        .as_key(&other, "GET", "/api/v1/assets?q=zebra", None)
        .await
        .expect(200);
    assert_eq!(q.body["items"], json!([]));
    // The same name there is its own inventory asset.
    let mine = app
        .as_key(
            &other,
            "POST",
            "/api/v1/cases/1/assets",
            Some(json!({"name": MARK, "type": 9})),
        )
        .await
        .expect(201);
    assert_ne!(mine.body["asset_id"], asset.as_str());
    assert_eq!(mine.body["number"], 1);
    // The owner's data is unchanged.
    let after = app
        .admin("GET", "/api/v1/cases/2/assets/1", None)
        .await
        .expect(200)
        .body;
    assert_eq!(before, after);
    let inv = app
        .admin("GET", &format!("/api/v1/assets/{asset}"), None)
        .await
        .expect(200);
    assert_eq!(inv.body["case_count"], 1);
    let all = app.admin("GET", "/api/v1/assets?count=true", None).await.expect(200);
    assert_eq!(all.body["total"], 1);
}

async fn comments_go_with_the_link(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    new_case(&app, ADMIN_KEY, "One").await;
    add(&app, "1", json!({"name": "h", "type": 9})).await.expect(201);
    let c = app
        .admin(
            "POST",
            "/api/v1/cases/1/assets/1/comments",
            Some(json!({"content": "reimaged"})),
        )
        .await
        .expect(201);
    let comment = c.body["id"].as_str().unwrap().to_owned();
    let l = app
        .admin("GET", "/api/v1/cases/1/assets/1/comments", None)
        .await
        .expect(200);
    assert_eq!(l.body["items"][0]["content"], "reimaged");
    app.admin("DELETE", "/api/v1/cases/1/assets/1", None).await.expect(204);
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
        ("/api/v1/cases/{id}/assets", &["get", "post"][..]),
        ("/api/v1/cases/{id}/assets/{asset_id}", &["delete", "get", "patch"][..]),
        ("/api/v1/assets", &["get"][..]),
        ("/api/v1/assets/{id}", &["get"][..]),
        ("/api/v1/assets/{id}/cases", &["get"][..]),
        ("/api/v1/reference/{kind}", &["get"][..]),
        ("/api/v1/reference/observable-types/{id}", &["get"][..]),
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
    let schemas = &r.body["components"]["schemas"];
    for s in [
        "CaseAsset",
        "NewCaseAsset",
        "CaseAssetPatch",
        "CompromiseStatus",
        "Asset",
        "AssetCase",
        "ReferenceList",
    ] {
        assert!(schemas[s].is_object(), "schema {s}");
    }
    assert_eq!(
        schemas["CompromiseStatus"]["enum"],
        json!(["to_be_determined", "compromised", "not_compromised", "unknown"])
    );
}
