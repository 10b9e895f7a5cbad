//! `/api/v1/reference/{kind}`: the built-in rows with the exact DFIR-IRIS ids and names.

use dossier_core::Backend;
use serde_json::{Value, json};

use crate::{both, harness::TestApp};

both!(
    lists_carry_the_iris_ids,
    observable_type_lookup,
    unknown_lists_and_bad_requests,
    other_workspaces_and_visibility
);

async fn items(app: &TestApp, kind: &str) -> Vec<Value> {
    let r = app
        .admin("GET", &format!("/api/v1/reference/{kind}"), None)
        .await
        .expect(200);
    assert_eq!(r.body["kind"], kind);
    r.body["items"].as_array().unwrap().clone()
}

fn by_id(list: &[Value], id: i64) -> &Value {
    list.iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("id {id} in {list:?}"))
}

fn names(list: &[Value]) -> Vec<(i64, String)> {
    list.iter()
        .map(|r| (r["id"].as_i64().unwrap(), r["name"].as_str().unwrap().to_owned()))
        .collect()
}

fn ids_ascend(list: &[Value]) {
    let ids: Vec<i64> = list.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "ordered by id");
}

async fn lists_carry_the_iris_ids(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    // Observable (IOC) types: 160, consecutive ids, MISP names.
    let ot = items(&app, "observable-types").await;
    assert_eq!(ot.len(), 160);
    ids_ascend(&ot);
    assert_eq!(ot[0]["id"], 1);
    assert_eq!(ot[159]["id"], 160);
    for (id, name) in [
        (1, "AS"),
        (20, "domain"),
        (22, "email"),
        (42, "filename|md5"),
        (69, "hostname"),
        (76, "ip-any"),
        (77, "ip-dst"),
        (78, "ip-dst|port"),
        (79, "ip-src"),
        (90, "md5"),
        (95, "named pipe"),
        (113, "sha256"),
        (125, "ssdeep"),
        (135, "text"),
        (141, "url"),
        (160, "zeek"),
    ] {
        assert_eq!(by_id(&ot, id)["name"], name, "observable type {id}");
    }
    let md5 = by_id(&ot, 90);
    assert_eq!(md5["validation_regex"], "^[0-9a-fA-F]{32}$");
    assert_eq!(md5["validation_hint"], "32 hexadecimal characters");
    assert_eq!(md5["taxonomy"], "");
    assert_eq!(md5["builtin"], true);
    assert!(md5["uuid"].is_string());
    assert_eq!(by_id(&ot, 113)["validation_regex"], "^[0-9a-fA-F]{64}$");
    assert_eq!(
        by_id(&ot, 76)["validation_regex"],
        Value::Null,
        "IPs are checked by parsing"
    );
    assert_eq!(by_id(&ot, 125)["validation_regex"], Value::Null, "ssdeep is not hex");

    // Asset types: 21 with their icons.
    let at = items(&app, "asset-types").await;
    assert_eq!(at.len(), 21);
    ids_ascend(&at);
    let win = by_id(&at, 9);
    assert_eq!(win["name"], "Windows - Computer");
    assert_eq!(win["icon_not_compromised"], "windows_desktop.png");
    assert_eq!(win["icon_compromised"], "ioc_windows_desktop.png");
    assert_eq!(by_id(&at, 1)["name"], "Account");
    assert_eq!(by_id(&at, 12)["icon_not_compromised"], "router.png");
    assert_eq!(by_id(&at, 21)["name"], "Windows Account - AD - Service");

    // Analysis statuses 1–6.
    let an = items(&app, "analysis-statuses").await;
    assert_eq!(
        names(&an),
        [
            (1, "Unspecified".into()),
            (2, "To be done".into()),
            (3, "Started".into()),
            (4, "Pending".into()),
            (5, "Canceled".into()),
            (6, "Done".into())
        ]
    );
    assert!(an[0]["description"].is_string());

    // TLP: IRIS ids with the native wire value.
    let tlp = items(&app, "tlp").await;
    assert_eq!(
        tlp,
        [
            json!({"id": 1, "code": "red", "name": "red", "color": "danger"}),
            json!({"id": 2, "code": "amber", "name": "amber", "color": "warning"}),
            json!({"id": 3, "code": "green", "name": "green", "color": "success"}),
            json!({"id": 4, "code": "clear", "name": "clear", "color": "black"}),
            json!({"id": 5, "code": "amber_strict", "name": "amber+strict", "color": "warning"}),
        ]
    );
    // Compromise statuses 0–3.
    let cs = items(&app, "compromise-statuses").await;
    assert_eq!(
        cs,
        [
            json!({"id": 0, "code": "to_be_determined", "name": "To be determined"}),
            json!({"id": 1, "code": "compromised", "name": "Compromised"}),
            json!({"id": 2, "code": "not_compromised", "name": "Not compromised"}),
            json!({"id": 3, "code": "unknown", "name": "Unknown"}),
        ]
    );

    // The other lists, spot-checked.
    let cl = items(&app, "classifications").await;
    assert_eq!(cl.len(), 36);
    assert_eq!(by_id(&cl, 1)["name"], "abusive-content:spam");
    assert_eq!(by_id(&cl, 36)["name"], "other:other");
    assert_eq!(by_id(&cl, 17)["threat_type"], "privilege_escalation");
    assert_eq!(by_id(&cl, 1)["threat_type"], Value::Null);
    let st = items(&app, "case-states").await;
    assert_eq!(st.len(), 15);
    let closed = by_id(&st, 9);
    assert_eq!(closed["code"], "closed");
    assert_eq!(closed["label"], "Closed");
    assert_eq!(closed["canonical"], "closed");
    assert_eq!(closed["protected"], true);
    assert_eq!(by_id(&st, 4)["label"], "Containment");
    assert_eq!(by_id(&st, 4)["canonical"], "in_progress");
    let ast = items(&app, "alert-states").await;
    assert_eq!(ast.len(), 11);
    assert_eq!(by_id(&ast, 7)["code"], "merged");
    let ts = items(&app, "task-statuses").await;
    assert_eq!(
        names(&ts),
        [
            (1, "To do".into()),
            (2, "In progress".into()),
            (3, "On hold".into()),
            (4, "Done".into()),
            (5, "Canceled".into())
        ]
    );
    assert_eq!(by_id(&ts, 1)["color"], "danger");
    assert_eq!(by_id(&ts, 4)["canonical"], "done");
    let ec = items(&app, "event-categories").await;
    assert_eq!(ec.len(), 15);
    assert_eq!(by_id(&ec, 1)["name"], "Unspecified");
    assert_eq!(by_id(&ec, 5)["name"], "Execution");
    assert_eq!(by_id(&ec, 15)["name"], "Impact");
    let et = items(&app, "evidence-types").await;
    assert_eq!(et.len(), 58);
    assert_eq!(by_id(&et, 1)["name"], "Unspecified");
    assert_eq!(by_id(&et, 58)["name"], "Generic - Data blob");
    for list in [&cl, &st, &ast, &ts, &ec, &et, &at, &an] {
        ids_ascend(list);
        assert!(list.iter().all(|r| r["builtin"] == true));
    }
}

async fn observable_type_lookup(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let by_id = app
        .admin("GET", "/api/v1/reference/observable-types/90", None)
        .await
        .expect(200);
    let by_name = app
        .admin("GET", "/api/v1/reference/observable-types/md5", None)
        .await
        .expect(200);
    assert_eq!(by_id.body, by_name.body);
    assert_eq!(by_id.body["id"], 90);
    assert_eq!(by_id.body["validation_hint"], "32 hexadecimal characters");
    // Names with a slash or a space, percent-encoded.
    let s = app
        .admin("GET", "/api/v1/reference/observable-types/sha512%2F256", None)
        .await
        .expect(200);
    assert_eq!(s.body["id"], 121);
    assert_eq!(s.body["validation_hint"], "64 hexadecimal characters");
    let p = app
        .admin("GET", "/api/v1/reference/observable-types/named%20pipe", None)
        .await
        .expect(200);
    assert_eq!(p.body["id"], 95);
    // Exact names only; unknown ids.
    for bad in ["MD5", "0", "161", "99999999999999999999", "nope"] {
        let r = app
            .admin("GET", &format!("/api/v1/reference/observable-types/{bad}"), None)
            .await
            .expect(404);
        assert_eq!(r.body["code"], "not_found", "{bad}");
    }
}

async fn unknown_lists_and_bad_requests(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    for kind in ["ioc-types", "Observable-Types", "users", "tlp2", "%20"] {
        let r = app
            .admin("GET", &format!("/api/v1/reference/{kind}"), None)
            .await
            .expect(404);
        assert_eq!(r.body["code"], "not_found", "{kind}");
        assert!(
            r.body["detail"].as_str().unwrap().contains("observable-types"),
            "{}",
            r.text
        );
    }
    // Credentials are required; the lists are read-only.
    app.call("GET", "/api/v1/reference/tlp", &[], None).await.expect(401);
    app.admin("POST", "/api/v1/reference/tlp", Some(json!({})))
        .await
        .expect(405);
    app.admin("DELETE", "/api/v1/reference/observable-types/90", None)
        .await
        .expect(405);
}

async fn other_workspaces_and_visibility(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (ws, other) = app.tenant("Other").await;
    // Built-in rows are the same everywhere.
    for kind in ["observable-types", "asset-types", "analysis-statuses", "tlp"] {
        let mine = app
            .admin("GET", &format!("/api/v1/reference/{kind}"), None)
            .await
            .expect(200);
        let theirs = app
            .as_key(&other, "GET", &format!("/api/v1/reference/{kind}"), None)
            .await
            .expect(200);
        assert_eq!(mine.body, theirs.body, "{kind}");
    }
    // A key bound to the other workspace cannot read this one's lists by naming it.
    let me = app.admin("GET", "/api/v1/me", None).await.expect(200);
    let home = me.body["workspace"]["id"].as_str().unwrap().to_owned();
    let auth = format!("Bearer {other}");
    let r = app
        .call(
            "GET",
            "/api/v1/reference/observable-types",
            &[("authorization", &auth), ("x-dossier-workspace", &home)],
            None,
        )
        .await;
    assert_eq!(r.status.as_u16(), 403, "{}", r.text);
    assert!(!r.text.contains("ip-any"));
    // Its own workspace is fine.
    app.call(
        "GET",
        "/api/v1/reference/observable-types/76",
        &[("authorization", &auth), ("x-dossier-workspace", &ws)],
        None,
    )
    .await
    .expect(200);
}
