//! Tenant isolation: a user never sees or changes another workspace's data through any native
//! route. Every route that can name an object is tried, by number and by UUID, with the key of
//! another workspace's admin; lists, per-workspace numbering and `X-Dossier-Workspace` too.

use dossier_core::Backend;
use serde_json::{Value, json};

use crate::{
    both,
    harness::{ADMIN_KEY, TestApp},
};

both!(
    foreign_objects_cannot_be_read_or_changed,
    lists_and_numbers_are_per_workspace,
    workspace_header_is_checked
);

/// Text that only the default workspace's data holds: no answer to the other tenant may
/// contain any of it.
const MARK: &str = "Zebra-7319";

/// Two workspaces with their data.
struct World {
    /// The default workspace.
    ws: String,
    admin_uid: String,
    /// An admin of the default workspace only.
    dadmin_uid: String,
    dadmin_key: String,
    dadmin_key_id: String,
    /// An analyst of the default workspace only.
    alice_uid: String,
    alice_key: String,
    alice_key_id: String,
    /// Default workspace: case #2 and alert #2 (with a comment each) are the targets.
    case_uuid: String,
    case_comment: String,
    alert_uuid: String,
    alert_comment: String,
    /// The other workspace, its admin's key (bound to it) and user id.
    other_ws: String,
    other_key: String,
    other_uid: String,
    other_case_uuid: String,
    other_alert_uuid: String,
}

impl World {
    /// Everything that identifies the default workspace's data.
    fn secrets(&self) -> Vec<String> {
        vec![
            MARK.to_owned(),
            "default-only".to_owned(),
            "dadmin".to_owned(),
            "alice".to_owned(),
            self.ws.clone(),
            self.case_uuid.clone(),
            self.case_comment.clone(),
            self.alert_uuid.clone(),
            self.alert_comment.clone(),
            self.dadmin_key_id.clone(),
            self.alice_key_id.clone(),
        ]
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

async fn world(app: &TestApp) -> World {
    let me = app.admin("GET", "/api/v1/me", None).await.expect(200);
    let ws = me.body["workspace"]["id"].as_str().unwrap().to_owned();
    let admin_uid = me.body["user"]["id"].as_str().unwrap().to_owned();
    let (dadmin_uid, dadmin_key) = app.member("dadmin", "admin").await;
    let (alice_uid, alice_key) = app.member("alice", "analyst").await;
    let key_id = |k: String| async move {
        let r = app.as_key(&k, "GET", "/api/v1/api-keys", None).await.expect(200);
        id(&r.body[0])
    };
    let dadmin_key_id = key_id(dadmin_key.clone()).await;
    let alice_key_id = key_id(alice_key.clone()).await;

    app.admin(
        "POST",
        "/api/v1/cases",
        Some(json!({"title": format!("{MARK} first default case")})),
    )
    .await
    .expect(201);
    let c = app
        .admin(
            "POST",
            "/api/v1/cases",
            Some(json!({
                "title": format!("{MARK} target case"), "description": "default-only description",
                "tags": ["Email", "secret-tag-7319"], "assignee": alice_uid
            })),
        )
        .await
        .expect(201);
    assert_eq!(c.body["number"], 2);
    let case_uuid = id(&c.body);
    let cc = app
        .admin(
            "POST",
            "/api/v1/cases/2/comments",
            Some(json!({"content": format!("{MARK} case comment")})),
        )
        .await
        .expect(201);
    app.admin(
        "POST",
        "/api/v1/alerts",
        Some(json!({"title": format!("{MARK} first default alert")})),
    )
    .await
    .expect(201);
    let a = app
        .admin(
            "POST",
            "/api/v1/alerts",
            Some(json!({
                "title": format!("{MARK} target alert"), "description": "default-only alert text",
                "source": "edr", "source_ref": "EDR-7319", "tags": ["Email"]
            })),
        )
        .await
        .expect(201);
    assert_eq!(a.body["alert"]["number"], 2);
    let alert_uuid = id(&a.body["alert"]);
    let ac = app
        .admin(
            "POST",
            "/api/v1/alerts/2/comments",
            Some(json!({"content": format!("{MARK} alert comment")})),
        )
        .await
        .expect(201);

    let (other_ws, other_key) = app.tenant("Other").await;
    let ome = app.as_key(&other_key, "GET", "/api/v1/me", None).await.expect(200);
    assert_eq!(ome.body["workspace"]["id"], other_ws.as_str());
    let other_uid = ome.body["user"]["id"].as_str().unwrap().to_owned();
    let oc = app
        .as_key(
            &other_key,
            "POST",
            "/api/v1/cases",
            Some(json!({"title": "Other case", "tags": ["email"]})),
        )
        .await
        .expect(201);
    assert_eq!(oc.body["number"], 1, "numbers are per workspace");
    assert_eq!(
        oc.body["tags"],
        json!(["email"]),
        "a tag keeps the spelling of its own workspace"
    );
    // The same deduplication key as the default workspace's alert: a new alert here.
    let oa = app
        .as_key(
            &other_key,
            "POST",
            "/api/v1/alerts",
            Some(json!({"title": "Other alert", "source": "edr", "source_ref": "EDR-7319"})),
        )
        .await
        .expect(201);
    assert_eq!(oa.body["created"], true);
    assert_eq!(oa.body["alert"]["number"], 1);
    assert_eq!(oa.body["alert"]["occurrences"], 1);
    World {
        ws,
        admin_uid,
        dadmin_uid,
        dadmin_key,
        dadmin_key_id,
        alice_uid,
        alice_key,
        alice_key_id,
        case_uuid,
        case_comment: id(&cc.body),
        alert_uuid,
        alert_comment: id(&ac.body),
        other_ws,
        other_key,
        other_uid,
        other_case_uuid: id(&oc.body),
        other_alert_uuid: id(&oa.body["alert"]),
    }
}

/// One request and the only answer it may get.
struct Row {
    key: String,
    method: &'static str,
    path: String,
    body: Option<Value>,
    status: u16,
    code: &'static str,
    /// `(errors[0].field, errors[0].code)` of a 422.
    field: Option<(&'static str, &'static str)>,
}

fn row(key: &str, method: &'static str, path: String, body: Option<Value>) -> Row {
    Row {
        key: key.to_owned(),
        method,
        path,
        body,
        status: 404,
        code: "not_found",
        field: None,
    }
}

impl Row {
    fn forbidden(mut self) -> Row {
        self.status = 403;
        self.code = "forbidden";
        self
    }
    fn invalid(mut self, field: &'static str, code: &'static str) -> Row {
        self.status = 422;
        self.code = "validation_failed";
        self.field = Some((field, code));
        self
    }
}

/// Every native route that can name an object of the default workspace, as the other tenant.
fn foreign_rows(w: &World) -> Vec<Row> {
    let k = w.other_key.as_str();
    let mut rows = Vec::new();
    let pwn = || Some(json!({"title": "pwned"}));
    for case in ["2".to_owned(), w.case_uuid.clone()] {
        let p = format!("/api/v1/cases/{case}");
        rows.push(row(k, "GET", p.clone(), None));
        rows.push(row(k, "PATCH", p.clone(), pwn()));
        // With the right version: still "not found", never a 409 that would confirm it exists.
        rows.push(row(
            k,
            "PATCH",
            p.clone(),
            Some(json!({"title": "pwned", "version": 1})),
        ));
        rows.push(row(k, "PATCH", p.clone(), Some(json!({"status": "closed"}))));
        rows.push(row(k, "DELETE", p.clone(), None));
        rows.push(row(k, "GET", format!("{p}/activity"), None));
        rows.push(row(k, "GET", format!("{p}/comments"), None));
        rows.push(row(
            k,
            "POST",
            format!("{p}/comments"),
            Some(json!({"content": "pwned"})),
        ));
        // Merging the other tenant's own alert into the default workspace's case.
        rows.push(
            row(
                k,
                "POST",
                "/api/v1/alerts/1/merge".into(),
                Some(json!({"case_id": case})),
            )
            .invalid("case_id", "not_found"),
        );
    }
    for alert in ["2".to_owned(), w.alert_uuid.clone()] {
        let p = format!("/api/v1/alerts/{alert}");
        rows.push(row(k, "GET", p.clone(), None));
        rows.push(row(k, "PATCH", p.clone(), pwn()));
        rows.push(row(
            k,
            "PATCH",
            p.clone(),
            Some(json!({"status": "closed", "version": 1})),
        ));
        rows.push(row(k, "POST", format!("{p}/promote"), None));
        rows.push(row(k, "POST", format!("{p}/promote"), pwn()));
        // Into the other tenant's own case, by number and by UUID.
        rows.push(row(k, "POST", format!("{p}/merge"), Some(json!({"case_id": "1"}))));
        rows.push(row(
            k,
            "POST",
            format!("{p}/merge"),
            Some(json!({"case_id": w.other_case_uuid})),
        ));
        rows.push(row(k, "GET", format!("{p}/activity"), None));
        rows.push(row(k, "GET", format!("{p}/comments"), None));
        rows.push(row(
            k,
            "POST",
            format!("{p}/comments"),
            Some(json!({"content": "pwned"})),
        ));
    }
    for comment in [&w.case_comment, &w.alert_comment] {
        let p = format!("/api/v1/comments/{comment}");
        rows.push(row(k, "PATCH", p.clone(), Some(json!({"content": "pwned"}))));
        rows.push(row(k, "DELETE", p, None));
        // A reply on the other tenant's own objects to a comment of the default workspace.
        for target in ["cases/1", "alerts/1"] {
            rows.push(
                row(
                    k,
                    "POST",
                    format!("/api/v1/{target}/comments"),
                    Some(json!({"content": "reply", "parent_id": comment})),
                )
                .invalid("parent_id", "not_found"),
            );
        }
    }
    let ws = format!("/api/v1/workspaces/{}", w.ws);
    rows.push(row(k, "GET", ws.clone(), None));
    rows.push(row(k, "GET", format!("{ws}/members"), None));
    // Joining the default workspace, or changing / removing its members.
    rows.push(row(
        k,
        "PUT",
        format!("{ws}/members/{}", w.other_uid),
        Some(json!({"role": "admin"})),
    ));
    rows.push(row(
        k,
        "PUT",
        format!("{ws}/members/{}", w.alice_uid),
        Some(json!({"role": "viewer"})),
    ));
    rows.push(row(k, "DELETE", format!("{ws}/members/{}", w.alice_uid), None));
    rows.push(row(k, "DELETE", format!("{ws}/members/{}", w.dadmin_uid), None));
    rows.push(row(k, "DELETE", format!("{ws}/members/{}", w.admin_uid), None));
    for user in [&w.dadmin_uid, &w.alice_uid] {
        let p = format!("/api/v1/users/{user}");
        rows.push(row(k, "GET", p.clone(), None));
        rows.push(row(k, "PATCH", p.clone(), Some(json!({"name": "pwned"}))));
        rows.push(row(
            k,
            "PATCH",
            p.clone(),
            Some(json!({"password": "pwned-password-1"})),
        ));
        rows.push(row(k, "PATCH", p, Some(json!({"is_active": false}))));
        // Minting a key for a user of the default workspace.
        rows.push(row(
            k,
            "POST",
            "/api/v1/api-keys".into(),
            Some(json!({"user_id": user})),
        ));
    }
    // The server administrator is a member of both workspaces (he created the other one), but a
    // workspace admin still may not change him.
    rows.push(
        row(
            k,
            "PATCH",
            format!("/api/v1/users/{}", w.admin_uid),
            Some(json!({"name": "pwned"})),
        )
        .forbidden(),
    );
    for key in [&w.dadmin_key_id, &w.alice_key_id] {
        rows.push(row(k, "DELETE", format!("/api/v1/api-keys/{key}"), None));
    }
    // Assignees from the other workspace, both ways.
    rows.push(
        row(
            k,
            "PATCH",
            "/api/v1/cases/1".into(),
            Some(json!({"assignee": w.alice_uid})),
        )
        .invalid("assignee", "not_a_member"),
    );
    rows.push(
        row(
            k,
            "POST",
            "/api/v1/cases".into(),
            Some(json!({"title": "assigned across", "assignee": w.dadmin_uid})),
        )
        .invalid("assignee", "not_a_member"),
    );
    rows.push(
        row(
            k,
            "PATCH",
            "/api/v1/alerts/1".into(),
            Some(json!({"assignee": w.alice_uid})),
        )
        .invalid("assignee", "not_a_member"),
    );
    rows.push(
        row(
            ADMIN_KEY,
            "PATCH",
            "/api/v1/cases/2".into(),
            Some(json!({"assignee": w.other_uid})),
        )
        .invalid("assignee", "not_a_member"),
    );
    rows.push(
        row(
            &w.dadmin_key,
            "PATCH",
            "/api/v1/alerts/2".into(),
            Some(json!({"assignee": w.other_uid})),
        )
        .invalid("assignee", "not_a_member"),
    );
    rows
}

/// Sends every row; collects every mismatch so that one run shows them all.
async fn run(app: &TestApp, rows: &[Row], secrets: &[String]) {
    let mut failures = Vec::new();
    for r in rows {
        let res = app.as_key(&r.key, r.method, &r.path, r.body.clone()).await;
        let what = format!("{} {} {:?}", r.method, r.path, r.body);
        let b = &res.body;
        if res.status.as_u16() != r.status || b["code"] != r.code {
            failures.push(format!(
                "{what}: expected {} {}, got {}: {}",
                r.status, r.code, res.status, res.text
            ));
            continue;
        }
        if res.header("content-type") != Some("application/problem+json")
            || b["detail"].as_str().is_none_or(str::is_empty)
        {
            failures.push(format!("{what}: not problem JSON: {}", res.text));
        }
        if let Some((field, code)) = r.field
            && (b["errors"][0]["field"] != field || b["errors"][0]["code"] != code)
        {
            failures.push(format!("{what}: expected {field}/{code}: {}", res.text));
        }
        for s in secrets {
            if res.text.contains(s.as_str()) {
                failures.push(format!("{what}: the answer holds `{s}`: {}", res.text));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

/// What the default workspace's admin reads, to compare before and after.
async fn snapshot(app: &TestApp, w: &World) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let paths = [
        "/api/v1/cases/1".to_owned(),
        "/api/v1/cases/2".to_owned(),
        "/api/v1/cases/2/comments".to_owned(),
        "/api/v1/cases/2/activity".to_owned(),
        "/api/v1/alerts/1".to_owned(),
        "/api/v1/alerts/2".to_owned(),
        "/api/v1/alerts/2/comments".to_owned(),
        "/api/v1/alerts/2/activity".to_owned(),
        "/api/v1/cases?count=true&limit=200".to_owned(),
        "/api/v1/alerts?count=true&limit=200".to_owned(),
        format!("/api/v1/workspaces/{}", w.ws),
        format!("/api/v1/workspaces/{}/members", w.ws),
        format!("/api/v1/users/{}", w.dadmin_uid),
        format!("/api/v1/users/{}", w.alice_uid),
        format!("/api/v1/users/{}", w.admin_uid),
    ];
    for p in paths {
        let r = app.admin("GET", &p, None).await.expect(200);
        out.push((p, r.body));
    }
    out
}

/// The default workspace's keys still work and are not revoked.
async fn keys_intact(app: &TestApp, w: &World) {
    for (key, id) in [(&w.dadmin_key, &w.dadmin_key_id), (&w.alice_key, &w.alice_key_id)] {
        let me = app.as_key(key, "GET", "/api/v1/me", None).await.expect(200);
        assert_eq!(me.body["workspace"]["id"], w.ws.as_str());
        let keys = app.as_key(key, "GET", "/api/v1/api-keys", None).await.expect(200);
        let k = keys
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["id"] == id.as_str())
            .expect("the key is listed");
        assert_eq!(k["revoked_at"], Value::Null);
    }
    app.admin("GET", "/api/v1/me", None).await.expect(200);
}

async fn foreign_objects_cannot_be_read_or_changed(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let w = world(&app).await;
    let before = snapshot(&app, &w).await;
    let other_before = app
        .as_key(&w.other_key, "GET", "/api/v1/cases/1", None)
        .await
        .expect(200);

    let rows = foreign_rows(&w);
    assert!(rows.len() >= 60, "{} rows", rows.len());
    run(&app, &rows, &w.secrets()).await;

    // Nothing of the default workspace changed.
    let after = snapshot(&app, &w).await;
    for ((path, a), (_, b)) in before.iter().zip(&after) {
        assert_eq!(a, b, "{path} changed");
    }
    let case = &after[1].1;
    assert_eq!(case["title"], format!("{MARK} target case"));
    assert_eq!(case["version"], 1);
    assert_eq!(case["assignee"]["login"], "alice");
    assert_eq!(case["status"], "new");
    assert_eq!(after[2].1["items"].as_array().unwrap().len(), 1);
    assert_eq!(after[2].1["items"][0]["content"], format!("{MARK} case comment"));
    let alert = &after[5].1;
    assert_eq!(alert["title"], format!("{MARK} target alert"));
    assert_eq!(alert["version"], 1);
    assert_eq!(alert["occurrences"], 1);
    assert_eq!(alert["status"], "new");
    assert_eq!(alert["cases"], json!([]));
    assert_eq!(after[6].1["items"].as_array().unwrap().len(), 1);
    assert_eq!(after[8].1["total"], 2);
    assert_eq!(after[9].1["total"], 2);
    let logins: Vec<&str> = after[11]
        .1
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user"]["login"].as_str().unwrap())
        .collect();
    assert!(
        !logins.contains(&"admin-other"),
        "the other admin did not join: {logins:?}"
    );
    assert_eq!(after[12].1["name"], "dadmin");
    assert_eq!(after[12].1["is_active"], true);
    keys_intact(&app, &w).await;

    // Nor did the other tenant's own objects.
    let other_after = app
        .as_key(&w.other_key, "GET", "/api/v1/cases/1", None)
        .await
        .expect(200);
    assert_eq!(other_before.body, other_after.body);
    let oa = app
        .as_key(&w.other_key, "GET", "/api/v1/alerts/1", None)
        .await
        .expect(200);
    assert_eq!(oa.body["status"], "new");
    assert_eq!(oa.body["cases"], json!([]));
    assert_eq!(oa.body["version"], 1);
    let ol = app
        .as_key(&w.other_key, "GET", "/api/v1/cases?count=true", None)
        .await
        .expect(200);
    assert_eq!(ol.body["total"], 1, "no case was created by a failed row");
}

async fn lists_and_numbers_are_per_workspace(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let w = world(&app).await;
    let secrets = w.secrets();
    let k = w.other_key.as_str();
    let clean = |path: &str, text: &str| {
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "{path}: the answer holds `{s}`: {text}");
        }
    };
    let items = |v: &Value| v["items"].as_array().unwrap().clone();

    // Lists: only the caller's own rows, whatever the filter.
    for (path, own) in [
        ("/api/v1/cases?count=true&limit=200", 1),
        ("/api/v1/alerts?count=true&limit=200", 1),
        ("/api/v1/cases?q=Zebra-7319&count=true", 0),
        ("/api/v1/alerts?q=Zebra-7319&count=true", 0),
        ("/api/v1/cases?q=target&count=true", 0),
        ("/api/v1/cases?q=default-only&count=true", 0),
        ("/api/v1/alerts?q=default-only&count=true", 0),
        ("/api/v1/cases?tags=secret-tag-7319&count=true", 0),
        ("/api/v1/cases?tags=Email&count=true", 1),
        ("/api/v1/alerts?source=edr&count=true", 1),
        ("/api/v1/cases?sort=number&order=asc&count=true", 1),
        ("/api/v1/cases?status=new&severity=medium&count=true", 1),
    ] {
        let r = app.as_key(k, "GET", path, None).await.expect(200);
        clean(path, &r.text);
        assert_eq!(r.body["total"], own, "{path}: {}", r.text);
        for it in items(&r.body) {
            assert_eq!(it["workspace_id"], w.other_ws.as_str(), "{path}");
        }
    }
    let assigned = format!("/api/v1/cases?assignee={}&count=true", w.alice_uid);
    let r = app.as_key(k, "GET", &assigned, None).await.expect(200);
    assert_eq!(r.body["total"], 0);
    let tagged = app.as_key(k, "GET", "/api/v1/cases?tags=email", None).await.expect(200);
    assert_eq!(tagged.body["items"][0]["tags"], json!(["email"]));

    // The same lists for the default workspace hold none of the other one's rows.
    for path in [
        "/api/v1/cases?limit=200",
        "/api/v1/alerts?limit=200",
        "/api/v1/cases?q=Other",
        "/api/v1/alerts?q=Other",
    ] {
        let r = app.admin("GET", path, None).await.expect(200);
        for it in items(&r.body) {
            assert_eq!(it["workspace_id"], w.ws.as_str(), "{path}");
            assert!(!it["title"].as_str().unwrap().starts_with("Other"), "{path}");
        }
    }
    let r = app
        .admin("GET", "/api/v1/alerts?source=edr&count=true", None)
        .await
        .expect(200);
    assert_eq!(r.body["total"], 1);
    assert_eq!(
        r.body["items"][0]["occurrences"], 1,
        "the other tenant's alert with the same source_ref did not count here"
    );

    // Workspaces, users, members and keys the other admin can list.
    let r = app.as_key(k, "GET", "/api/v1/workspaces", None).await.expect(200);
    clean("/api/v1/workspaces", &r.text);
    let ids: Vec<&str> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![w.other_ws.as_str()]);
    for path in [
        "/api/v1/users".to_owned(),
        format!("/api/v1/workspaces/{}/members", w.other_ws),
        "/api/v1/api-keys".to_owned(),
        "/api/v1/me".to_owned(),
    ] {
        let r = app.as_key(k, "GET", &path, None).await.expect(200);
        clean(&path, &r.text);
    }

    // Numbers are per workspace: both have case and alert number 1; each key sees its own.
    for (kind, own_title) in [("cases", "Other case"), ("alerts", "Other alert")] {
        let path = format!("/api/v1/{kind}/1");
        let theirs = app.as_key(k, "GET", &path, None).await.expect(200);
        assert_eq!(theirs.body["title"], own_title);
        assert_eq!(theirs.body["workspace_id"], w.other_ws.as_str());
        let ours = app.admin("GET", &path, None).await.expect(200);
        assert!(ours.body["title"].as_str().unwrap().starts_with(MARK), "{}", ours.text);
        assert_eq!(ours.body["workspace_id"], w.ws.as_str());
        assert_ne!(theirs.body["id"], ours.body["id"]);
    }
    let by_uuid = app
        .as_key(k, "GET", &format!("/api/v1/alerts/{}", w.other_alert_uuid), None)
        .await
        .expect(200);
    assert_eq!(by_uuid.body["number"], 1);
    let c = app
        .as_key(k, "GET", &format!("/api/v1/cases/{}", w.other_case_uuid), None)
        .await
        .expect(200);
    assert_eq!(c.body["number"], 1);
    // The next number continues each workspace's own sequence.
    let n = app
        .as_key(k, "POST", "/api/v1/cases", Some(json!({"title": "Second"})))
        .await
        .expect(201);
    assert_eq!(n.body["number"], 2);
    let n = app
        .admin("POST", "/api/v1/cases", Some(json!({"title": "Third"})))
        .await
        .expect(201);
    assert_eq!(n.body["number"], 3);
}

async fn workspace_header_is_checked(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let w = world(&app).await;
    let missing = uuid::Uuid::now_v7().to_string();
    let malformed = format!("{}x", w.other_ws);
    // (key, X-Dossier-Workspace, status, code)
    let cases: Vec<(&str, &str, u16, &str)> = vec![
        // A key bound to the other workspace, naming the default one.
        (w.other_key.as_str(), w.ws.as_str(), 403, "forbidden"),
        (w.other_key.as_str(), missing.as_str(), 403, "forbidden"),
        (w.other_key.as_str(), "not-a-uuid", 400, "invalid_workspace_header"),
        (w.other_key.as_str(), "", 400, "invalid_workspace_header"),
        (w.other_key.as_str(), "2", 400, "invalid_workspace_header"),
        // Unbound keys of users who are members of the default workspace only.
        (w.alice_key.as_str(), w.other_ws.as_str(), 403, "forbidden"),
        (w.alice_key.as_str(), missing.as_str(), 403, "forbidden"),
        (
            w.alice_key.as_str(),
            malformed.as_str(),
            400,
            "invalid_workspace_header",
        ),
        (w.dadmin_key.as_str(), w.other_ws.as_str(), 403, "forbidden"),
        (w.dadmin_key.as_str(), missing.as_str(), 403, "forbidden"),
    ];
    let secrets = w.secrets();
    let mut failures = Vec::new();
    let mut tried = 0;
    for (key, ws, status, code) in &cases {
        let auth = format!("Bearer {key}");
        let h = [("authorization", auth.as_str()), ("x-dossier-workspace", *ws)];
        for (method, path, body) in [
            ("GET", "/api/v1/me", None),
            ("GET", "/api/v1/cases", None),
            ("GET", "/api/v1/cases/1", None),
            ("GET", "/api/v1/alerts?q=Other", None),
            ("GET", "/api/v1/alerts/1/comments", None),
            ("POST", "/api/v1/cases", Some(r#"{"title":"smuggled"}"#.to_owned())),
            ("POST", "/api/v1/alerts", Some(r#"{"title":"smuggled"}"#.to_owned())),
        ] {
            tried += 1;
            let r = app.call(method, path, &h, body.as_deref()).await;
            let what = format!("{method} {path} with X-Dossier-Workspace `{ws}`");
            if r.status.as_u16() != *status || r.body["code"] != *code {
                failures.push(format!(
                    "{what}: expected {status} {code}, got {}: {}",
                    r.status, r.text
                ));
            }
            if r.header("content-type") != Some("application/problem+json")
                || r.body["detail"].as_str().is_none_or(str::is_empty)
            {
                failures.push(format!("{what}: not problem JSON: {}", r.text));
            }
            if r.text.contains("Other") && *key != w.other_key.as_str() {
                failures.push(format!("{what}: the other workspace's data: {}", r.text));
            }
            if *key == w.other_key.as_str() {
                for s in &secrets {
                    if r.text.contains(s.as_str()) {
                        failures.push(format!("{what}: holds `{s}`: {}", r.text));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {tried} requests failed:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // Controls: the header naming one's own workspace works, and a member of both picks either.
    let auth = format!("Bearer {}", w.other_key);
    let own = app
        .call(
            "GET",
            "/api/v1/cases",
            &[
                ("authorization", auth.as_str()),
                ("x-dossier-workspace", w.other_ws.as_str()),
            ],
            None,
        )
        .await
        .expect(200);
    assert_eq!(own.body["items"][0]["title"], "Other case");
    let auth = format!("Bearer {ADMIN_KEY}");
    let picked = app
        .call(
            "GET",
            "/api/v1/cases/1",
            &[
                ("authorization", auth.as_str()),
                ("x-dossier-workspace", w.other_ws.as_str()),
            ],
            None,
        )
        .await
        .expect(200);
    assert_eq!(picked.body["title"], "Other case");

    // Nothing was smuggled into either workspace.
    for key in [ADMIN_KEY, w.other_key.as_str()] {
        for path in ["/api/v1/cases?q=smuggled", "/api/v1/alerts?q=smuggled"] {
            let r = app.as_key(key, "GET", path, None).await.expect(200);
            assert_eq!(r.body["items"], json!([]), "{path}");
        }
    }
}

// Regression tests for bugs found while this suite was written.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_user_cannot_be_pulled_into_a_workspace() {
    for b in [Backend::Sqlite, Backend::Postgres] {
        let Some(app) = TestApp::spawn(b).await else {
            continue;
        };
        let w = world(&app).await;
        // alice belongs to the default workspace only.
        let r = app
            .as_key(
                &w.other_key,
                "PUT",
                &format!("/api/v1/workspaces/{}/members/{}", w.other_ws, w.alice_uid),
                Some(json!({"role": "viewer"})),
            )
            .await;
        assert_eq!(
            r.status.as_u16(),
            404,
            "a user of another workspace is not visible: {}",
            r.text
        );
        let r = app
            .as_key(
                &w.other_key,
                "PATCH",
                &format!("/api/v1/users/{}", w.alice_uid),
                Some(json!({"password": "pwned-password-1"})),
            )
            .await;
        assert_eq!(r.status.as_u16(), 404, "{}", r.text);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenant_admin_cannot_revoke_keys_of_other_workspaces() {
    for b in [Backend::Sqlite, Backend::Postgres] {
        let Some(app) = TestApp::spawn(b).await else {
            continue;
        };
        let w = world(&app).await;
        // A key of the server administrator, bound to the default workspace.
        let k = app
            .admin(
                "POST",
                "/api/v1/api-keys",
                Some(json!({"name": "default only", "bind_workspace": true})),
            )
            .await
            .expect(201);
        let r = app
            .as_key(
                &w.other_key,
                "DELETE",
                &format!("/api/v1/api-keys/{}", id(&k.body)),
                None,
            )
            .await;
        assert!(matches!(r.status.as_u16(), 403 | 404), "got {}: {}", r.status, r.text);
        let secret = k.body["secret"].as_str().unwrap();
        app.as_key(secret, "GET", "/api/v1/me", None).await.expect(200);
    }
}
