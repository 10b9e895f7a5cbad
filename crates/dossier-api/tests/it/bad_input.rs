//! Bad input, route by route: every rejection has its exact status, is problem JSON with a
//! `detail` and a stable `code` (naming the field where there is one), is never a 5xx, and
//! leaves nothing half-written.

use dossier_core::Backend;
use serde_json::{Value, json};

use crate::{
    both,
    harness::{ADMIN_KEY, TestApp},
};

both!(
    malformed_bodies_on_every_route,
    invalid_fields_on_every_route,
    bad_ids_in_paths,
    bad_query_values,
    batch_is_all_or_nothing
);

/// The harness's body limit is 1 MiB.
const LIMIT: usize = 1024 * 1024;

/// What the sweep works on: case #1 and alert #1 of the default workspace, a comment on each.
struct Seed {
    ws: String,
    ws_name: String,
    admin_uid: String,
    comment: String,
}

async fn seed(app: &TestApp) -> Seed {
    let me = app.admin("GET", "/api/v1/me", None).await.expect(200);
    app.admin(
        "POST",
        "/api/v1/cases",
        Some(json!({"title": "Seed case", "tags": ["seed"]})),
    )
    .await
    .expect(201);
    app.admin(
        "POST",
        "/api/v1/alerts",
        Some(json!({"title": "Seed alert", "source": "edr", "source_ref": "E-1"})),
    )
    .await
    .expect(201);
    let c = app
        .admin("POST", "/api/v1/cases/1/comments", Some(json!({"content": "seed"})))
        .await
        .expect(201);
    app.admin("POST", "/api/v1/alerts/1/comments", Some(json!({"content": "seed"})))
        .await
        .expect(201);
    Seed {
        ws: me.body["workspace"]["id"].as_str().unwrap().to_owned(),
        ws_name: me.body["workspace"]["name"].as_str().unwrap().to_owned(),
        admin_uid: me.body["user"]["id"].as_str().unwrap().to_owned(),
        comment: c.body["id"].as_str().unwrap().to_owned(),
    }
}

/// Everything a failed request must not have changed, as the admin reads it.
async fn snapshot(app: &TestApp, s: &Seed) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for p in [
        "/api/v1/cases?count=true&limit=200".to_owned(),
        "/api/v1/alerts?count=true&limit=200".to_owned(),
        "/api/v1/cases/1".to_owned(),
        "/api/v1/alerts/1".to_owned(),
        "/api/v1/cases/1/comments".to_owned(),
        "/api/v1/alerts/1/comments".to_owned(),
        "/api/v1/cases/1/activity?limit=200".to_owned(),
        "/api/v1/alerts/1/activity?limit=200".to_owned(),
        "/api/v1/workspaces".to_owned(),
        format!("/api/v1/workspaces/{}/members", s.ws),
        "/api/v1/users".to_owned(),
    ] {
        let r = app.admin("GET", &p, None).await.expect(200);
        out.push((p, r.body));
    }
    // Keys: their ids and revocation (last use is touched by every request).
    let keys = app.admin("GET", "/api/v1/api-keys", None).await.expect(200);
    let keys: Vec<Value> = keys
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|k| json!([k["id"], k["revoked_at"]]))
        .collect();
    out.push(("/api/v1/api-keys".into(), Value::Array(keys)));
    out
}

#[track_caller]
fn same(before: &[(String, Value)], after: &[(String, Value)]) {
    assert_eq!(before.len(), after.len());
    for ((path, a), (_, b)) in before.iter().zip(after) {
        assert_eq!(a, b, "{path} changed");
    }
}

/// One request and the problem it must get.
#[derive(Clone)]
struct Row {
    method: &'static str,
    path: String,
    body: Option<String>,
    content_type: Option<&'static str>,
    headers: Vec<(&'static str, String)>,
    status: u16,
    code: &'static str,
    /// errors[0].field and errors[0].code.
    field: Option<(String, &'static str)>,
    /// A word the detail must hold (for errors without a field of their own).
    detail_has: Option<&'static str>,
}

fn req(method: &'static str, path: impl Into<String>, body: Option<String>) -> Row {
    Row {
        method,
        path: path.into(),
        body,
        content_type: None,
        headers: Vec::new(),
        status: 0,
        code: "",
        field: None,
        detail_has: None,
    }
}

fn j(v: Value) -> Option<String> {
    Some(v.to_string())
}

fn raw(s: &str) -> Option<String> {
    Some(s.to_owned())
}

impl Row {
    fn is(mut self, status: u16, code: &'static str) -> Row {
        self.status = status;
        self.code = code;
        self
    }
    /// A 422 naming `field` with the field code `code`.
    fn bad(mut self, field: impl Into<String>, code: &'static str) -> Row {
        self.status = 422;
        self.code = "validation_failed";
        self.field = Some((field.into(), code));
        self
    }
    fn malformed(self) -> Row {
        self.is(400, "malformed_json")
    }
    fn not_found(self) -> Row {
        self.is(404, "not_found")
    }
    fn detail_has(mut self, word: &'static str) -> Row {
        self.detail_has = Some(word);
        self
    }
    fn content_type(mut self, ct: &'static str) -> Row {
        self.content_type = Some(ct);
        self
    }
    fn header(mut self, k: &'static str, v: &str) -> Row {
        self.headers.push((k, v.to_owned()));
        self
    }
}

/// Sends every row as the admin; returns every mismatch (the harness already fails on a 5xx).
async fn sweep(app: &TestApp, rows: &[Row]) {
    let auth = format!("Bearer {ADMIN_KEY}");
    let mut failures = Vec::new();
    for r in rows {
        assert!(r.status > 0, "row without expectation: {} {}", r.method, r.path);
        let mut h: Vec<(&str, &str)> = vec![("authorization", auth.as_str())];
        if let Some(ct) = r.content_type {
            h.push(("content-type", ct));
        }
        for (k, v) in &r.headers {
            h.push((k, v.as_str()));
        }
        let res = app.call(r.method, &r.path, &h, r.body.as_deref()).await;
        let body: String = r.body.as_deref().unwrap_or("<none>").chars().take(80).collect();
        let what = format!(
            "{} {} [{}] {body}",
            r.method,
            r.path.chars().take(120).collect::<String>(),
            r.content_type.unwrap_or("json")
        );
        let b = &res.body;
        let mut wrong = Vec::new();
        if res.status.as_u16() != r.status {
            wrong.push(format!("status {} (expected {})", res.status, r.status));
        }
        if res.header("content-type") != Some("application/problem+json") {
            wrong.push(format!("content-type {:?}", res.header("content-type")));
        }
        if b["code"] != r.code {
            wrong.push(format!("code {} (expected {})", b["code"], r.code));
        }
        if b["status"] != r.status {
            wrong.push("`status` member".to_owned());
        }
        if b["type"] != format!("urn:dossier:problem:{}", r.code) {
            wrong.push(format!("type {}", b["type"]));
        }
        if b["title"].as_str().is_none_or(str::is_empty) {
            wrong.push("empty title".to_owned());
        }
        let detail = b["detail"].as_str().unwrap_or("");
        if detail.trim().is_empty() {
            wrong.push("empty detail".to_owned());
        }
        if let Some(w) = r.detail_has
            && !detail.contains(w)
        {
            wrong.push(format!("detail lacks `{w}`"));
        }
        if r.code == "validation_failed" {
            match b["errors"].as_array() {
                Some(e) if !e.is_empty() => {
                    for e in e {
                        if e["message"].as_str().is_none_or(str::is_empty) {
                            wrong.push("a field error without message".to_owned());
                        }
                    }
                }
                _ => wrong.push("no `errors`".to_owned()),
            }
        }
        if let Some((field, code)) = &r.field
            && (b["errors"][0]["field"] != field.as_str() || b["errors"][0]["code"] != *code)
        {
            wrong.push(format!("expected errors[0] {field}/{code}"));
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "{what}: {}\n    -> {}",
                wrong.join(", "),
                res.text.chars().take(400).collect::<String>()
            ));
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

/// Every route that reads a JSON body (promote, whose body is optional, is covered apart),
/// with a field it knows: a truncated body must be a syntax error, not an unknown field.
fn json_routes(s: &Seed) -> Vec<(&'static str, String, &'static str, &'static str)> {
    vec![
        ("POST", "/api/v1/cases".into(), "title", r#""x""#),
        ("PATCH", "/api/v1/cases/1".into(), "title", r#""x""#),
        ("POST", "/api/v1/alerts".into(), "title", r#""x""#),
        ("POST", "/api/v1/alerts/batch".into(), "alerts", "[]"),
        ("PATCH", "/api/v1/alerts/1".into(), "title", r#""x""#),
        ("POST", "/api/v1/alerts/1/merge".into(), "case_id", r#""1""#),
        ("POST", "/api/v1/cases/1/comments".into(), "content", r#""x""#),
        ("POST", "/api/v1/alerts/1/comments".into(), "content", r#""x""#),
        ("PATCH", format!("/api/v1/comments/{}", s.comment), "content", r#""x""#),
        ("POST", "/api/v1/workspaces".into(), "name", r#""x""#),
        (
            "PUT",
            format!("/api/v1/workspaces/{}/members/{}", s.ws, s.admin_uid),
            "role",
            r#""viewer""#,
        ),
        ("POST", "/api/v1/users".into(), "login", r#""x""#),
        ("PATCH", format!("/api/v1/users/{}", s.admin_uid), "name", r#""x""#),
        ("POST", "/api/v1/api-keys".into(), "name", r#""x""#),
        ("POST", "/api/v1/auth/login".into(), "login", r#""x""#),
    ]
}

async fn malformed_bodies_on_every_route(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let s = seed(&app).await;
    let before = snapshot(&app, &s).await;
    let huge = format!(r#"{{"title":"{}"}}"#, "a".repeat(LIMIT + 1));
    let mut rows = Vec::new();
    for (m, p, f, v) in json_routes(&s) {
        let r = |body: Option<String>| req(m, p.clone(), body);
        rows.extend([
            r(Some(format!(r#"{{"{f}":"#))).malformed(),
            r(Some(format!(r#"{{"{f}": {v},}}"#))).malformed(),
            r(Some(format!("{{'{f}': {v}}}"))).malformed(),
            r(Some(format!(r#"{{"{f}": {v}"#))).malformed(),
            r(raw("{")).malformed(),
            r(raw("{,}")).malformed(),
            r(raw("")).malformed(),
            r(raw(" \n\t ")).malformed(),
            r(None).malformed(),
            r(raw("[]")).bad("body", "invalid"),
            r(raw("null")).bad("body", "invalid"),
            r(raw(r#""a string""#)).bad("body", "invalid"),
            r(raw("42")).bad("body", "invalid"),
            // deny_unknown_fields: the unknown field is named.
            r(raw(r#"{"zz_unknown": 1}"#))
                .bad("zz_unknown", "invalid")
                .detail_has("unknown field"),
            r(raw(r#"{"title":"x"}"#))
                .content_type("text/plain")
                .is(415, "unsupported_media_type"),
            r(raw("title=x"))
                .content_type("application/x-www-form-urlencoded")
                .is(415, "unsupported_media_type"),
            r(raw(r#"{"title":"x"}"#))
                .content_type("multipart/form-data; boundary=x")
                .is(415, "unsupported_media_type"),
            r(Some(huge.clone())).is(413, "payload_too_large"),
        ]);
    }
    // Promote takes an optional body: when one is sent it is checked like the others.
    let promote = |body: Option<String>| req("POST", "/api/v1/alerts/1/promote", body);
    rows.extend([
        promote(raw(r#"{"title":"#)).malformed(),
        promote(raw("[]")).bad("body", "invalid"),
        promote(raw("null")).bad("body", "invalid"),
        promote(raw(r#"{"zz_unknown": 1}"#)).bad("zz_unknown", "invalid"),
    ]);
    assert_eq!(rows.len(), 15 * 18 + 4);
    sweep(&app, &rows).await;
    same(&before, &snapshot(&app, &s).await);
}

async fn invalid_fields_on_every_route(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let s = seed(&app).await;
    let before = snapshot(&app, &s).await;
    let long = |n: usize| "a".repeat(n);
    let many_tags: Vec<String> = (0..51).map(|i| format!("t{i}")).collect();
    let nobody = uuid::Uuid::now_v7().to_string();
    let big_custom = json!({"blob": long(64 * 1024)});
    let mut rows = Vec::new();

    // POST /api/v1/cases
    let c = |v: Value| req("POST", "/api/v1/cases", j(v));
    rows.extend([
        c(json!({"title": 5})).bad("title", "invalid"),
        c(json!({"title": null})).bad("title", "invalid"),
        c(json!({"title": ["x"]})).bad("title", "invalid"),
        c(json!({"title": "x", "tags": "x"})).bad("tags", "invalid"),
        c(json!({"title": "x", "tags": [1]})).bad("tags[0]", "invalid"),
        c(json!({"title": "x", "tags": ["ok", {"a": 1}]})).bad("tags[1]", "invalid"),
        c(json!({"title": "x", "severity": "urgent"})).bad("severity", "invalid"),
        c(json!({"title": "x", "severity": "HIGH"})).bad("severity", "invalid"),
        c(json!({"title": "x", "status": "done"})).bad("status", "invalid"),
        c(json!({"title": "x", "priority": "p1"})).bad("priority", "invalid"),
        c(json!({"title": "x", "tlp": "purple"})).bad("tlp", "invalid"),
        c(json!({"title": "x", "pap": "red_plus"})).bad("pap", "unknown_value"),
        c(json!({"title": "x", "number": 7})).bad("number", "invalid"),
        c(json!({"title": "x", "workspace_id": s.ws})).bad("workspace_id", "invalid"),
        c(json!({"description": "no title"}))
            .bad("body", "invalid")
            .detail_has("missing field `title`"),
        c(json!({})).bad("body", "invalid").detail_has("title"),
        c(json!({"title": long(256)})).bad("title", "too_long"),
        c(json!({"title": ""})).bad("title", "required"),
        c(json!({"title": "  \t\n "})).bad("title", "required"),
        c(json!({"title": "x", "description": long(200_001)})).bad("description", "too_long"),
        c(json!({"title": "x", "tags": ["a,b"]})).bad("tags[0]", "invalid"),
        c(json!({"title": "x", "tags": ["ok", " "]})).bad("tags[1]", "required"),
        c(json!({"title": "x", "tags": [long(101)]})).bad("tags[0]", "too_long"),
        c(json!({"title": "x", "tags": many_tags})).bad("tags", "too_many"),
        c(json!({"title": "x", "custom": "x"})).bad("custom", "invalid"),
        c(json!({"title": "x", "custom": [1, 2]})).bad("custom", "invalid"),
        c(json!({"title": "x", "custom": 5})).bad("custom", "invalid"),
        c(json!({"title": "x", "custom": big_custom})).bad("custom", "too_large"),
        c(json!({"title": "x", "external_link": "not a url"})).bad("external_link", "invalid"),
        c(json!({"title": "x", "external_link": "javascript:alert(1)"})).bad("external_link", "invalid"),
        c(json!({"title": "x", "external_link": "ftp://example.org/x"})).bad("external_link", "invalid"),
        c(json!({"title": "x", "external_link": format!("https://{}", long(2048))})).bad("external_link", "too_long"),
        c(json!({"title": "x", "external_ref": long(101)})).bad("external_ref", "too_long"),
        c(json!({"title": "x", "occurred_at": "yesterday"})).bad("occurred_at", "invalid"),
        c(json!({"title": "x", "occurred_at": "2026-02-30T00:00:00Z"})).bad("occurred_at", "invalid"),
        c(json!({"title": "x", "occurred_at": 1_700_000_000})).bad("occurred_at", "invalid"),
        c(json!({"title": "x", "assignee": "not-a-uuid"})).bad("assignee", "invalid"),
        c(json!({"title": "x", "assignee": nobody})).bad("assignee", "unknown_user"),
        // Every problem at once, in field order.
        c(json!({"title": "", "tags": ["a,b"], "external_link": "x"}))
            .bad("title", "required")
            .detail_has("3 fields are invalid"),
    ]);

    // PATCH /api/v1/cases/1
    let p = |v: Value| req("PATCH", "/api/v1/cases/1", j(v));
    rows.extend([
        p(json!({"title": 5})).bad("title", "invalid"),
        p(json!({"title": ""})).bad("title", "required"),
        p(json!({"title": "   "})).bad("title", "required"),
        p(json!({"title": long(256)})).bad("title", "too_long"),
        p(json!({"description": long(200_001)})).bad("description", "too_long"),
        p(json!({"status": "done"})).bad("status", "invalid"),
        p(json!({"resolution": "fixed"})).bad("resolution", "invalid"),
        p(json!({"pap": "red_plus"})).bad("pap", "unknown_value"),
        p(json!({"tags": "x"})).bad("tags", "invalid"),
        p(json!({"tags": [1]})).bad("tags[0]", "invalid"),
        p(json!({"tags": ["a,b"]})).bad("tags[0]", "invalid"),
        p(json!({"tags": many_tags})).bad("tags", "too_many"),
        p(json!({"custom": "x"})).bad("custom", "invalid"),
        p(json!({"external_link": "nope"})).bad("external_link", "invalid"),
        p(json!({"closing_note": long(200_001)})).bad("closing_note", "too_long"),
        p(json!({"occurred_at": "yesterday"})).bad("occurred_at", "invalid"),
        p(json!({"assignee": "nope"})).bad("assignee", "invalid"),
        p(json!({"assignee": nobody})).bad("assignee", "unknown_user"),
        p(json!({"version": "x"})).bad("version", "invalid"),
        p(json!({"version": 99_999_999_999_i64})).bad("version", "invalid"),
        p(json!({"number": 2})).bad("number", "invalid"),
        p(json!({"title": "ok"}))
            .header("if-match", "abc")
            .bad("If-Match", "invalid"),
        p(json!({"title": "stale", "version": 99})).is(409, "conflict"),
        p(json!({"title": "stale"}))
            .header("if-match", "\"99\"")
            .is(409, "conflict"),
    ]);

    // POST /api/v1/alerts
    let a = |v: Value| req("POST", "/api/v1/alerts", j(v));
    rows.extend([
        a(json!({"title": 5})).bad("title", "invalid"),
        a(json!({"source": "edr"})).bad("body", "invalid").detail_has("title"),
        a(json!({"title": ""})).bad("title", "required"),
        a(json!({"title": long(256)})).bad("title", "too_long"),
        a(json!({"title": "x", "severity": "urgent"})).bad("severity", "invalid"),
        a(json!({"title": "x", "status": "done"})).bad("status", "invalid"),
        a(json!({"title": "x", "type": 5})).bad("type", "invalid"),
        a(json!({"title": "x", "priority": "high"})).bad("priority", "invalid"),
        a(json!({"title": "x", "tags": "x"})).bad("tags", "invalid"),
        a(json!({"title": "x", "tags": [1]})).bad("tags[0]", "invalid"),
        a(json!({"title": "x", "tags": ["a,b"]})).bad("tags[0]", "invalid"),
        a(json!({"title": "x", "tags": many_tags})).bad("tags", "too_many"),
        a(json!({"title": "x", "count": 0})).bad("count", "out_of_range"),
        a(json!({"title": "x", "count": -3})).bad("count", "out_of_range"),
        a(json!({"title": "x", "count": "2"})).bad("count", "invalid"),
        a(json!({"title": "x", "count": 99_999_999_999_i64})).bad("count", "invalid"),
        a(json!({"title": "x", "source_link": "not a url"})).bad("source_link", "invalid"),
        a(json!({"title": "x", "source": "s", "source_ref": " "})).bad("source_ref", "required"),
        a(json!({"title": "x", "source": long(201)})).bad("source", "too_long"),
        a(json!({"title": "x", "event_time": "yesterday"})).bad("event_time", "invalid"),
        a(json!({"title": "x", "custom": "x"})).bad("custom", "invalid"),
        a(json!({"title": "x", "description": long(200_001)})).bad("description", "too_long"),
    ]);

    // PATCH /api/v1/alerts/1
    let pa = |v: Value| req("PATCH", "/api/v1/alerts/1", j(v));
    rows.extend([
        pa(json!({"title": 5})).bad("title", "invalid"),
        pa(json!({"title": " "})).bad("title", "required"),
        pa(json!({"status": "done"})).bad("status", "invalid"),
        pa(json!({"resolution": "fixed"})).bad("resolution", "invalid"),
        pa(json!({"tags": "x"})).bad("tags", "invalid"),
        pa(json!({"tags": [long(101)]})).bad("tags[0]", "too_long"),
        pa(json!({"custom": 1})).bad("custom", "invalid"),
        pa(json!({"assignee": "nope"})).bad("assignee", "invalid"),
        pa(json!({"assignee": nobody})).bad("assignee", "unknown_user"),
        pa(json!({"count": 2})).bad("count", "invalid"),
        pa(json!({"version": "x"})).bad("version", "invalid"),
        pa(json!({"title": "ok"}))
            .header("if-match", "W/\"x\"")
            .bad("If-Match", "invalid"),
        pa(json!({"title": "stale", "version": 99})).is(409, "conflict"),
    ]);

    // POST /api/v1/alerts/1/promote and /merge
    let pr = |v: Value| req("POST", "/api/v1/alerts/1/promote", j(v));
    rows.extend([
        pr(json!({"title": 5})).bad("title", "invalid"),
        pr(json!({"title": ""})).bad("title", "required"),
        pr(json!({"title": "  "})).bad("title", "required"),
        pr(json!({"title": long(256)})).bad("title", "too_long"),
        pr(json!({"severity": "high"})).bad("severity", "invalid"),
    ]);
    let mg = |v: Value| req("POST", "/api/v1/alerts/1/merge", j(v));
    rows.extend([
        mg(json!({})).bad("body", "invalid").detail_has("case_id"),
        mg(json!({"case_id": 1})).bad("case_id", "invalid"),
        mg(json!({"case_id": null})).bad("case_id", "invalid"),
        mg(json!({"case_id": "abc"})).bad("case_id", "invalid_id"),
        mg(json!({"case_id": "0"})).bad("case_id", "invalid_id"),
        mg(json!({"case_id": "-1"})).bad("case_id", "invalid_id"),
        mg(json!({"case_id": "99999999999999999999"})).bad("case_id", "invalid_id"),
        mg(json!({"case_id": "99"})).bad("case_id", "not_found"),
        mg(json!({"case_id": nobody})).bad("case_id", "not_found"),
        mg(json!({"case_id": "1", "how": "x"})).bad("how", "invalid"),
    ]);

    // Comments.
    for target in ["cases", "alerts"] {
        let cm = |v: Value| req("POST", format!("/api/v1/{target}/1/comments"), j(v));
        rows.extend([
            cm(json!({"content": 5})).bad("content", "invalid"),
            cm(json!({"content": ""})).bad("content", "required"),
            cm(json!({"content": " \n "})).bad("content", "required"),
            cm(json!({"content": long(5001)})).bad("content", "too_long"),
            cm(json!({})).bad("body", "invalid").detail_has("content"),
            cm(json!({"content": "x", "parent_id": "x"})).bad("parent_id", "invalid"),
            cm(json!({"content": "x", "parent_id": nobody})).bad("parent_id", "not_found"),
            cm(json!({"content": "x", "author": "me"})).bad("author", "invalid"),
        ]);
    }
    // A reply must hang on the same object: the case's comment is not the alert's.
    rows.push(
        req(
            "POST",
            "/api/v1/alerts/1/comments",
            j(json!({"content": "x", "parent_id": s.comment})),
        )
        .bad("parent_id", "not_found"),
    );
    let ce = |v: Value| req("PATCH", format!("/api/v1/comments/{}", s.comment), j(v));
    rows.extend([
        ce(json!({"content": 5})).bad("content", "invalid"),
        ce(json!({"content": ""})).bad("content", "required"),
        ce(json!({"content": long(5001)})).bad("content", "too_long"),
        ce(json!({})).bad("body", "invalid").detail_has("content"),
        ce(json!({"content": "x", "parent_id": null})).bad("parent_id", "invalid"),
    ]);

    // Workspaces and members.
    let w = |v: Value| req("POST", "/api/v1/workspaces", j(v));
    rows.extend([
        w(json!({"name": 5})).bad("name", "invalid"),
        w(json!({"name": ""})).bad("name", "required"),
        w(json!({"name": long(201)})).bad("name", "too_long"),
        w(json!({"name": "x", "description": long(2001)})).bad("description", "too_long"),
        w(json!({"name": s.ws_name})).bad("name", "taken"),
        w(json!({"description": "x"})).bad("body", "invalid").detail_has("name"),
    ]);
    let m = |v: Value| {
        req(
            "PUT",
            format!("/api/v1/workspaces/{}/members/{}", s.ws, s.admin_uid),
            j(v),
        )
    };
    rows.extend([
        m(json!({"role": "owner"})).bad("role", "invalid"),
        m(json!({"role": "Admin"})).bad("role", "invalid"),
        m(json!({})).bad("body", "invalid").detail_has("role"),
        // The last admin keeps the role.
        m(json!({"role": "viewer"})).is(409, "conflict"),
    ]);
    rows.push(
        req(
            "PUT",
            format!("/api/v1/workspaces/{}/members/{nobody}", s.ws),
            j(json!({"role": "viewer"})),
        )
        .not_found(),
    );

    // Users.
    let u = |extra: Value| {
        let mut v = json!({"login": "newbie", "email": "newbie@example.org", "name": "Newbie"});
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        req("POST", "/api/v1/users", j(v))
    };
    rows.extend([
        u(json!({"role": "owner"})).bad("role", "invalid"),
        u(json!({"login": "a"})).bad("login", "too_short"),
        u(json!({"login": long(65)})).bad("login", "too_long"),
        u(json!({"login": " padded"})).bad("login", "invalid"),
        u(json!({"login": "admin"})).bad("login", "taken"),
        u(json!({"login": 5})).bad("login", "invalid"),
        u(json!({"email": "nope"})).bad("email", "invalid"),
        u(json!({"email": "a b@example.org"})).bad("email", "invalid"),
        u(json!({"name": ""})).bad("name", "required"),
        u(json!({"password": "short"})).bad("password", "too_short"),
        u(json!({"password": long(1025)})).bad("password", "too_long"),
        u(json!({"is_superuser": "yes"})).bad("is_superuser", "invalid"),
        u(json!({"workspace": "x"})).bad("workspace", "invalid"),
    ]);
    rows.push(
        req("POST", "/api/v1/users", j(json!({"login": "newbie"})))
            .bad("body", "invalid")
            .detail_has("missing field"),
    );
    let pu = |v: Value| req("PATCH", format!("/api/v1/users/{}", s.admin_uid), j(v));
    rows.extend([
        pu(json!({"email": "x"})).bad("email", "invalid"),
        pu(json!({"name": ""})).bad("name", "required"),
        pu(json!({"name": 5})).bad("name", "invalid"),
        pu(json!({"password": "short"})).bad("password", "too_short"),
        pu(json!({"is_active": "no"})).bad("is_active", "invalid"),
        pu(json!({"is_active": false})).bad("is_active", "invalid"),
        pu(json!({"login": "renamed"})).bad("login", "invalid"),
        pu(json!({"is_superuser": false})).bad("is_superuser", "invalid"),
    ]);

    // API keys.
    let k = |v: Value| req("POST", "/api/v1/api-keys", j(v));
    rows.extend([
        k(json!({"user_id": "x"})).bad("user_id", "invalid"),
        k(json!({"user_id": 5})).bad("user_id", "invalid"),
        k(json!({"user_id": nobody})).not_found(),
        k(json!({"expires_at": "yesterday"})).bad("expires_at", "invalid"),
        k(json!({"expires_at": "2000-01-01T00:00:00Z"})).bad("expires_at", "invalid"),
        k(json!({"bind_workspace": "yes"})).bad("bind_workspace", "invalid"),
        k(json!({"name": long(101)})).bad("name", "too_long"),
        k(json!({"secret": "chosen"})).bad("secret", "invalid"),
    ]);

    // Login (no failure is recorded for these: they never reach the password check).
    let l = |v: Value| req("POST", "/api/v1/auth/login", j(v));
    rows.extend([
        l(json!({})).bad("body", "invalid").detail_has("login"),
        l(json!({"login": "admin"}))
            .bad("body", "invalid")
            .detail_has("password"),
        l(json!({"login": 5, "password": "x"})).bad("login", "invalid"),
        l(json!({"login": "", "password": ""}))
            .bad("login", "required")
            .detail_has("2 fields are invalid"),
        l(json!({"login": "admin", "password": "x", "remember": true})).bad("remember", "invalid"),
    ]);

    assert!(rows.len() > 180, "{} rows", rows.len());
    sweep(&app, &rows).await;
    same(&before, &snapshot(&app, &s).await);

    // The edges just inside the limits are accepted, and numbering went on without gaps.
    let ok = app
        .admin(
            "POST",
            "/api/v1/cases",
            Some(json!({"title": long(255), "description": long(200_000), "tags": (0..50).map(|i| format!("t{i}")).collect::<Vec<_>>()})),
        )
        .await
        .expect(201);
    assert_eq!(ok.body["number"], 2, "no case number was used up");
    assert_eq!(ok.body["tags"].as_array().unwrap().len(), 50);
}

async fn bad_ids_in_paths(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let s = seed(&app).await;
    let before = snapshot(&app, &s).await;
    let nobody = uuid::Uuid::now_v7().to_string();
    let title = || j(json!({"title": "x"}));
    let content = || j(json!({"content": "x"}));
    let role = || j(json!({"role": "viewer"}));
    let mut rows = Vec::new();
    for bad in [
        "abc",
        "0",
        "-1",
        "1.5",
        "1e3",
        "99999999999999999999",
        "%20",
        "0x10",
        "01a222d7-9952-768d-8c7a-671777cd08eg",
    ] {
        rows.extend([
            req("GET", format!("/api/v1/cases/{bad}"), None),
            req("PATCH", format!("/api/v1/cases/{bad}"), title()),
            req("DELETE", format!("/api/v1/cases/{bad}"), None),
            req("GET", format!("/api/v1/cases/{bad}/activity"), None),
            req("GET", format!("/api/v1/cases/{bad}/comments"), None),
            req("POST", format!("/api/v1/cases/{bad}/comments"), content()),
            req("GET", format!("/api/v1/alerts/{bad}"), None),
            req("PATCH", format!("/api/v1/alerts/{bad}"), title()),
            req("POST", format!("/api/v1/alerts/{bad}/promote"), None),
            req(
                "POST",
                format!("/api/v1/alerts/{bad}/merge"),
                j(json!({"case_id": "1"})),
            ),
            req("GET", format!("/api/v1/alerts/{bad}/activity"), None),
            req("GET", format!("/api/v1/alerts/{bad}/comments"), None),
            req("POST", format!("/api/v1/alerts/{bad}/comments"), content()),
        ]);
    }
    // Routes that take UUIDs only: numbers are bad ids there too.
    for bad in ["not-a-uuid", "1", "%20", "01a222d7995276"] {
        rows.extend([
            req("PATCH", format!("/api/v1/comments/{bad}"), content()),
            req("DELETE", format!("/api/v1/comments/{bad}"), None),
            req("GET", format!("/api/v1/workspaces/{bad}"), None),
            req("GET", format!("/api/v1/workspaces/{bad}/members"), None),
            req(
                "PUT",
                format!("/api/v1/workspaces/{bad}/members/{}", s.admin_uid),
                role(),
            ),
            req("PUT", format!("/api/v1/workspaces/{}/members/{bad}", s.ws), role()),
            req("DELETE", format!("/api/v1/workspaces/{}/members/{bad}", s.ws), None),
            req("GET", format!("/api/v1/users/{bad}"), None),
            req("PATCH", format!("/api/v1/users/{bad}"), j(json!({"name": "x"}))),
            req("DELETE", format!("/api/v1/api-keys/{bad}"), None),
        ]);
    }
    let mut rows: Vec<Row> = rows.into_iter().map(|r| r.bad("id", "invalid_id")).collect();
    // Well-formed ids of nothing.
    for missing in ["999", nobody.as_str()] {
        rows.extend([
            req("GET", format!("/api/v1/cases/{missing}"), None).not_found(),
            req("PATCH", format!("/api/v1/cases/{missing}"), title()).not_found(),
            req("DELETE", format!("/api/v1/cases/{missing}"), None).not_found(),
            req("GET", format!("/api/v1/cases/{missing}/activity"), None).not_found(),
            req("POST", format!("/api/v1/cases/{missing}/comments"), content()).not_found(),
            req("GET", format!("/api/v1/alerts/{missing}"), None).not_found(),
            req("POST", format!("/api/v1/alerts/{missing}/promote"), None).not_found(),
            req(
                "POST",
                format!("/api/v1/alerts/{missing}/merge"),
                j(json!({"case_id": "1"})),
            )
            .not_found(),
            req("GET", format!("/api/v1/alerts/{missing}/comments"), None).not_found(),
        ]);
    }
    rows.extend([
        req("PATCH", format!("/api/v1/comments/{nobody}"), content()).not_found(),
        req("DELETE", format!("/api/v1/comments/{nobody}"), None).not_found(),
        req("GET", format!("/api/v1/workspaces/{nobody}"), None).not_found(),
        req("GET", format!("/api/v1/workspaces/{nobody}/members"), None).not_found(),
        req("DELETE", format!("/api/v1/workspaces/{}/members/{nobody}", s.ws), None).not_found(),
        req("GET", format!("/api/v1/users/{nobody}"), None).not_found(),
        req("DELETE", format!("/api/v1/api-keys/{nobody}"), None).not_found(),
        // No such route, and a route without that method.
        req("GET", "/api/v1/casez", None).is(404, "route_not_found"),
        req("GET", "/api/v1/cases/1/nothing", None).is(404, "route_not_found"),
        req("PUT", "/api/v1/cases/1", title()).is(405, "method_not_allowed"),
        req("DELETE", "/api/v1/alerts/1", None).is(405, "method_not_allowed"),
    ]);
    assert!(rows.len() > 150, "{} rows", rows.len());
    sweep(&app, &rows).await;
    same(&before, &snapshot(&app, &s).await);
}

async fn bad_query_values(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let s = seed(&app).await;
    let before = snapshot(&app, &s).await;
    // A real cursor of one sort is of the wrong shape for another.
    app.admin("POST", "/api/v1/cases", Some(json!({"title": "Second"})))
        .await
        .expect(201);
    let by_number = app
        .admin("GET", "/api/v1/cases?sort=number&limit=1", None)
        .await
        .expect(200);
    let number_cursor = by_number.body["next_cursor"].as_str().unwrap().to_owned();
    let by_created = app.admin("GET", "/api/v1/cases?limit=1", None).await.expect(200);
    let created_cursor = by_created.body["next_cursor"].as_str().unwrap().to_owned();
    let before_cases = app.admin("GET", "/api/v1/cases?count=true", None).await.expect(200);

    let q = |path: String| req("GET", path, None);
    let mut rows = Vec::new();
    let lists = [
        "/api/v1/cases",
        "/api/v1/alerts",
        "/api/v1/cases/1/activity",
        "/api/v1/alerts/1/activity",
        "/api/v1/cases/1/comments",
        "/api/v1/alerts/1/comments",
    ];
    // Paging, on every list.
    for l in lists {
        rows.extend([
            q(format!("{l}?limit=0")).bad("limit", "out_of_range"),
            q(format!("{l}?limit=201")).bad("limit", "out_of_range"),
            q(format!("{l}?limit=-1")).bad("limit", "out_of_range"),
            q(format!("{l}?limit=abc")).bad("limit", "invalid"),
            q(format!("{l}?limit=")).bad("limit", "invalid"),
            q(format!("{l}?limit=1.5")).bad("limit", "invalid"),
            q(format!("{l}?limit=99999999999999999999")).bad("limit", "invalid"),
            q(format!("{l}?cursor=garbage")).bad("cursor", "invalid"),
            q(format!("{l}?cursor=1.2.3.4")).bad("cursor", "invalid"),
            q(format!("{l}?cursor=1..2")).bad("cursor", "invalid"),
            q(format!("{l}?cursor=99999999999999999999")).bad("cursor", "invalid"),
            q(format!("{l}?bogus=1")).bad("bogus", "unknown_parameter"),
            q(format!("{l}?Limit=5")).bad("Limit", "unknown_parameter"),
        ]);
    }
    // Single-key cursors (activity, comments) refuse two keys, and the reverse.
    for l in &lists[2..] {
        rows.push(q(format!("{l}?cursor={created_cursor}")).bad("cursor", "invalid"));
        rows.push(q(format!("{l}?sort=number")).bad("sort", "unknown_parameter"));
    }
    rows.extend([
        q("/api/v1/alerts?cursor=5".into()).bad("cursor", "invalid"),
        q(format!("/api/v1/cases?cursor={number_cursor}")).bad("cursor", "invalid"),
        q(format!("/api/v1/cases?sort=number&cursor={created_cursor}")).bad("cursor", "invalid"),
        q(format!("/api/v1/cases?sort=severity&cursor={created_cursor}")).bad("cursor", "invalid"),
    ]);
    // Filters of the case list.
    let c = |qs: &str| q(format!("/api/v1/cases?{qs}"));
    rows.extend([
        c("sort=title").bad("sort", "unknown_value"),
        c("sort=").bad("sort", "unknown_value"),
        c("sort=NUMBER").bad("sort", "unknown_value"),
        c("order=up").bad("order", "unknown_value"),
        c("order=").bad("order", "unknown_value"),
        c("status=bogus").bad("status", "unknown_value"),
        c("status=new,bogus").bad("status", "unknown_value"),
        c("status=new&status=done").bad("status", "unknown_value"),
        c("severity=urgent").bad("severity", "unknown_value"),
        c("severity=3").bad("severity", "unknown_value"),
        c("priority=p1").bad("priority", "unknown_value"),
        c("count=maybe").bad("count", "invalid"),
        c("count=").bad("count", "invalid"),
        c("created_after=yesterday").bad("created_after", "invalid"),
        c("created_before=2026-13-01T00:00:00Z").bad("created_before", "invalid"),
        c("created_after=1700000000").bad("created_after", "invalid"),
        c("assignee=not-a-uuid").bad("assignee", "invalid"),
        c("assignee=").bad("assignee", "invalid"),
        c("assignee=1").bad("assignee", "invalid"),
        c("q=").bad("q", "required"),
        c("q=%20%20").bad("q", "required"),
        c(&format!("q={}", "a".repeat(201))).bad("q", "too_long"),
        c(&format!("tags={}", "a".repeat(101))).bad("tags[0]", "too_long"),
        c("source=edr").bad("source", "unknown_parameter"),
        c("title=x").bad("title", "unknown_parameter"),
    ]);
    // Filters of the alert list.
    let a = |qs: &str| q(format!("/api/v1/alerts?{qs}"));
    rows.extend([
        a("status=bogus").bad("status", "unknown_value"),
        a("severity=urgent").bad("severity", "unknown_value"),
        a("count=maybe").bad("count", "invalid"),
        a("created_after=yesterday").bad("created_after", "invalid"),
        a("created_before=soon").bad("created_before", "invalid"),
        a("q=").bad("q", "required"),
        a(&format!("q={}", "a".repeat(201))).bad("q", "too_long"),
        a(&format!("tags={}", "a".repeat(101))).bad("tags[0]", "too_long"),
        a("sort=created_at").bad("sort", "unknown_parameter"),
        a("assignee=none").bad("assignee", "unknown_parameter"),
        a("priority=high").bad("priority", "unknown_parameter"),
    ]);
    assert!(rows.len() > 120, "{} rows", rows.len());
    sweep(&app, &rows).await;

    // Valid values of the same parameters are accepted (the rows fail for their value only).
    for path in [
        "/api/v1/cases?limit=1&limit=200&count=true&sort=status&order=asc&status=new,closed&severity=medium&priority=unknown&assignee=none&created_after=2000-01-01T00:00:00Z&q=Seed&tags=seed",
        "/api/v1/alerts?limit=200&count=false&status=new&severity=medium&created_before=2100-01-01T00:00:00Z&q=Seed&source=edr",
        "/api/v1/cases/1/activity?limit=200",
        "/api/v1/alerts/1/comments?limit=1",
    ] {
        app.admin("GET", path, None).await.expect(200);
    }
    let after_cases = app.admin("GET", "/api/v1/cases?count=true", None).await.expect(200);
    assert_eq!(before_cases.body, after_cases.body);
    // Only "Second" was added on purpose.
    let after = snapshot(&app, &s).await;
    assert_eq!(after[0].1["total"], 2);
    same(&before[1..], &after[1..]);
}

async fn batch_is_all_or_nothing(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let s = seed(&app).await;
    let before = snapshot(&app, &s).await;
    let ok = |t: &str| json!({"title": t, "source": "edr", "source_ref": format!("ref-{t}")});
    // The first one repeats the seed alert: its count must not grow when the batch fails.
    let repeat = json!({"title": "Seed alert again", "source": "edr", "source_ref": "E-1"});
    let batch = |third: Value| j(json!({"alerts": [repeat.clone(), ok("two"), third, ok("four")]}));
    let br = |body: Option<String>| req("POST", "/api/v1/alerts/batch", body);
    let thousand_and_one: Vec<Value> = (0..1001).map(|i| json!({"title": format!("a{i}")})).collect();
    let rows = vec![
        br(batch(json!({"title": 5}))).bad("alerts[2].title", "invalid"),
        br(batch(json!({"title": ""}))).bad("alerts[2].title", "required"),
        br(batch(json!({"title": "a".repeat(256)}))).bad("alerts[2].title", "too_long"),
        br(batch(json!({"description": "no title"})))
            .bad("alerts[2]", "invalid")
            .detail_has("title"),
        br(batch(json!({"title": "x", "severity": "urgent"}))).bad("alerts[2].severity", "invalid"),
        br(batch(json!({"title": "x", "tags": ["a,b"]}))).bad("alerts[2].tags[0]", "invalid"),
        br(batch(json!({"title": "x", "source_link": "nope"}))).bad("alerts[2].source_link", "invalid"),
        br(batch(json!({"title": "x", "count": 0}))).bad("alerts[2].count", "out_of_range"),
        br(batch(json!({"title": "x", "custom": []}))).bad("alerts[2].custom", "invalid"),
        br(batch(json!({"title": "x", "bogus": 1}))).bad("alerts[2].bogus", "invalid"),
        br(batch(json!("just a string"))).bad("alerts[2]", "invalid"),
        br(j(json!({"alerts": []}))).bad("alerts", "required"),
        br(j(json!({"alerts": "x"}))).bad("alerts", "invalid"),
        br(j(json!({"alerts": {"title": "x"}}))).bad("alerts", "invalid"),
        br(j(json!({"alert": [ok("x")]}))).bad("alert", "invalid"),
        br(j(json!({"alerts": thousand_and_one}))).bad("alerts", "too_many"),
        // Several bad alerts: each is reported, the first one first.
        br(j(
            json!({"alerts": [ok("one"), {"title": ""}, ok("three"), {"title": "x", "count": 0}]}),
        ))
        .bad("alerts[1].title", "required")
        .detail_has("2 fields are invalid"),
    ];
    sweep(&app, &rows).await;

    // Nothing stored, nothing counted, no number used up.
    let after = snapshot(&app, &s).await;
    same(&before, &after);
    assert_eq!(after[1].1["total"], 1);
    assert_eq!(after[3].1["occurrences"], 1);
    let good = app
        .admin(
            "POST",
            "/api/v1/alerts/batch",
            Some(json!({"alerts": [repeat, ok("two"), ok("three")]})),
        )
        .await
        .expect(200);
    assert_eq!(good.body["created"], 2);
    assert_eq!(good.body["deduplicated"], 1);
    let numbers: Vec<i64> = good.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["number"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, vec![1, 2, 3]);
    let seed_alert = app.admin("GET", "/api/v1/alerts/1", None).await.expect(200);
    assert_eq!(seed_alert.body["occurrences"], 2);
}

// Regression tests for bugs found while this suite was written.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nul_characters_are_rejected_not_500() {
    for b in [Backend::Sqlite, Backend::Postgres] {
        let Some(app) = TestApp::spawn(b).await else {
            continue;
        };
        seed(&app).await;
        // `app.call` fails the test on any 5xx.
        for (m, p, body) in [
            ("POST", "/api/v1/cases", Some(r#"{"title":"a\u0000b"}"#)),
            ("POST", "/api/v1/cases", Some(r#"{"title":"x","tags":["a\u0000"]}"#)),
            ("POST", "/api/v1/alerts", Some(r#"{"title":"a\u0000b"}"#)),
            ("POST", "/api/v1/cases/1/comments", Some(r#"{"content":"a\u0000b"}"#)),
            (
                "POST",
                "/api/v1/auth/login",
                Some(r#"{"login":"a\u0000b","password":"x"}"#),
            ),
            ("GET", "/api/v1/cases?q=a%00b", None),
            ("GET", "/api/v1/alerts?q=a%00b", None),
            ("GET", "/api/v1/cases?tags=a%00b", None),
            ("GET", "/api/v1/alerts?source=a%00b", None),
        ] {
            let auth = format!("Bearer {ADMIN_KEY}");
            let r = app.call(m, p, &[("authorization", &auth)], body).await;
            // Stored as given or rejected with a 4xx; never a 5xx.
            assert!(r.status.as_u16() < 500, "{b:?} {m} {p}: {}", r.text);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn promote_checks_its_body_like_every_route() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    seed(&app).await;
    let huge = format!(r#"{{"title":"{}"}}"#, "a".repeat(LIMIT + 1));
    let rows = vec![
        req("POST", "/api/v1/alerts/1/promote", raw(r#"{"title":"x"}"#))
            .content_type("text/plain")
            .is(415, "unsupported_media_type"),
        req("POST", "/api/v1/alerts/1/promote", Some(huge)).is(413, "payload_too_large"),
    ];
    sweep(&app, &rows).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_arrays_are_not_objects() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    let s = seed(&app).await;
    let rows = vec![
        req("PATCH", format!("/api/v1/comments/{}", s.comment), raw(r#"["edited"]"#)).bad("body", "invalid"),
        req("POST", "/api/v1/cases/1/comments", raw(r#"["added", null]"#)).bad("body", "invalid"),
        req(
            "POST",
            "/api/v1/cases",
            raw(r#"["t", null, null, null, null, null, null, [], null, null, null, null, null]"#),
        )
        .bad("body", "invalid"),
    ];
    sweep(&app, &rows).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trailing_data_after_the_json_is_rejected() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    seed(&app).await;
    let rows = vec![
        req("POST", "/api/v1/api-keys", raw("{} trailing")).malformed(),
        req("PATCH", "/api/v1/cases/1", raw(r#"{"title":"t"} {"x":1}"#)).malformed(),
        req("POST", "/api/v1/cases", raw(r#"{"title":"t"}]"#)).malformed(),
    ];
    sweep(&app, &rows).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enum_fields_of_the_wrong_type_are_422() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    let s = seed(&app).await;
    let rows = vec![
        req("POST", "/api/v1/cases", j(json!({"title": "x", "severity": 3}))).bad("severity", "invalid"),
        req("PATCH", "/api/v1/cases/1", j(json!({"status": ["new"]}))).bad("status", "invalid"),
        req("POST", "/api/v1/alerts", j(json!({"title": "x", "severity": 3}))).bad("severity", "invalid"),
        req("PATCH", "/api/v1/alerts/1", j(json!({"severity": true}))).bad("severity", "invalid"),
        req(
            "PUT",
            format!("/api/v1/workspaces/{}/members/{}", s.ws, s.admin_uid),
            j(json!({"role": 0})),
        )
        .bad("role", "invalid"),
    ];
    sweep(&app, &rows).await;
}
