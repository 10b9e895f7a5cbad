//! IRIS dialect: cases (`/manage/cases/*`, summary, status, tasklog, export), customers and the
//! reference lookups, with their writes.

use dossier_core::Backend;
use serde_json::{Value, json};

use crate::{
    both,
    harness::{TestApp, fields, keys},
};

both!(
    cases_round_trip,
    case_list_and_filter,
    filter_pages_deep_and_counts,
    case_inputs_are_checked,
    closing_a_case_closes_its_alerts,
    summary_status_log_and_export,
    customers_round_trip,
    reference_lists_read_as_iris,
    reference_writes,
    writing_back_what_was_read_keeps_the_finer_value
);

const LIST_ROW: &[&str] = &[
    "case_id",
    "case_uuid",
    "case_name",
    "case_description",
    "case_soc_id",
    "client_name",
    "case_open_date",
    "case_close_date",
    "opened_by_user_id",
    "opened_by",
    "owner_id",
    "owner",
    "classification_id",
    "classification",
    "state_id",
    "state_name",
    "access_level",
];

const DETAILS: &[&str] = &[
    "case_id",
    "case_uuid",
    "case_name",
    "case_description",
    "case_soc_id",
    "open_date",
    "close_date",
    "initial_date",
    "customer_id",
    "customer_name",
    "open_by_user_id",
    "open_by_user",
    "owner_id",
    "owner",
    "reviewer_id",
    "reviewer",
    "status_id",
    "status_name",
    "state_id",
    "state_name",
    "classification_id",
    "classification",
    "severity_id",
    "case_tags",
    "custom_attributes",
    "modification_history",
    "protagonists",
];

const CASE: &[&str] = &[
    "case_id",
    "case_uuid",
    "case_name",
    "case_description",
    "case_soc_id",
    "case_customer",
    "classification_id",
    "severity_id",
    "state_id",
    "status_id",
    "owner_id",
    "user_id",
    "reviewer_id",
    "review_status_id",
    "open_date",
    "close_date",
    "initial_date",
    "closing_note",
    "custom_attributes",
    "modification_history",
];

/// Adds a case for customer 1 and returns its id.
async fn new_case(app: &TestApp, name: &str) -> i64 {
    let c = app
        .iris_ok(
            "POST",
            "/manage/cases/add",
            Some(
                json!({"case_name": name, "case_description": "Described", "case_customer": 1,
                        "case_soc_id": "", "classification_id": "", "cid": 1}),
            ),
        )
        .await;
    c["case_id"].as_i64().expect("case_id")
}

async fn cases_round_trip(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    // The first IRIS call makes the primary case 1 for customer 1.
    let one = app.iris_ok("GET", "/manage/cases/1", None).await;
    assert_eq!(keys(&one), fields(DETAILS));
    assert_eq!(one["case_name"], "#1 - Initial Demo");
    assert_eq!(one["customer_name"], "IrisInitialClient");
    assert_eq!(one["case_soc_id"], "soc_id_demo");
    assert_eq!(one["status_id"], 0);
    assert_eq!(one["status_name"], "Unknown");
    assert_eq!(one["state_id"], 3);
    assert_eq!(one["state_name"], "Open");
    assert_eq!(one["close_date"], Value::Null);
    assert_eq!(one["protagonists"], json!([]));
    let admin = one["open_by_user_id"].as_i64().expect("user number");
    assert_eq!(one["owner_id"], admin);
    assert_eq!(one["open_by_user"], "admin");

    // Add: the client's prefixed name loses its prefix; defaults as IRIS sets them.
    let r = app
        .iris(
            "POST",
            "/manage/cases/add",
            Some(
                json!({"case_name": "#7 - Phishing wave", "case_description": "Mails with links",
                        "case_customer": "1", "case_soc_id": "SOC-1", "classification_id": "",
                        "custom_attributes": {"Test": {"Test": "Test"}}, "cid": 1}),
            ),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "Case created");
    let c = &r.body["data"];
    assert_eq!(keys(c), fields(CASE));
    let id = c["case_id"].as_i64().expect("id");
    assert_eq!(c["case_name"], format!("#{id} - Phishing wave"));
    assert_eq!(c["case_customer"], 1);
    assert_eq!(c["case_soc_id"], "SOC-1");
    assert_eq!(c["classification_id"], Value::Null);
    assert_eq!(c["severity_id"], 4);
    assert_eq!(c["state_id"], 3);
    assert_eq!(c["status_id"], 0);
    assert_eq!(c["owner_id"], admin);
    assert_eq!(c["user_id"], admin);
    assert_eq!(c["review_status_id"], 1);
    assert_eq!(c["close_date"], Value::Null);
    assert_eq!(c["custom_attributes"], json!({"Test": {"Test": "Test"}}));
    assert!(c["modification_history"].as_object().is_some_and(|m| !m.is_empty()));

    // Update as the client does: everything re-sent, the name with its prefix.
    let r = app
        .iris(
            "POST",
            &format!("/manage/cases/update/{id}?cid={id}"),
            Some(json!({"case_name": format!("#{id} - Renamed"), "case_soc_id": "SOC-2",
                        "case_description": "New words", "classification_id": 36,
                        "custom_attributes": null, "owner_id": admin, "case_tags": "tag1,tag2",
                        "severity_id": "5", "reviewer_id": ""})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "updated");
    assert_eq!(keys(&r.body["data"]), fields(CASE));
    let g = app.iris_ok("GET", &format!("/manage/cases/{id}"), None).await;
    assert_eq!(g["case_name"], format!("#{id} - Renamed"));
    assert_eq!(g["case_description"], "New words");
    assert_eq!(g["case_soc_id"], "SOC-2");
    assert_eq!(g["case_tags"], "tag1,tag2");
    assert_eq!(g["classification_id"], 36);
    assert_eq!(g["classification"], "other:other");
    assert_eq!(g["severity_id"], 5);
    assert_eq!(g["reviewer_id"], Value::Null);
    assert_eq!(g["custom_attributes"], json!({"Test": {"Test": "Test"}}));

    // State 4 (Containment) and outcome 2 through the update.
    app.iris_ok(
        "POST",
        &format!("/manage/cases/update/{id}"),
        Some(json!({"state_id": 4, "status_id": 2, "case_tags": ""})),
    )
    .await;
    let g = app.iris_ok("GET", &format!("/manage/cases/{id}"), None).await;
    assert_eq!(
        (g["state_id"].clone(), g["state_name"].clone()),
        (json!(4), json!("Containment"))
    );
    assert_eq!(g["status_id"], 2);
    assert_eq!(g["status_name"], "True Positive With Impact");
    assert_eq!(g["case_tags"], "");

    // Close and reopen (POST, and GET as v1.0.1 did).
    let r = app
        .iris("POST", &format!("/manage/cases/close/{id}"), Some(json!({})))
        .await;
    assert_eq!(r.body["message"], "Case closed successfully");
    assert_eq!(keys(&r.body["data"]), fields(CASE));
    assert_eq!(r.body["data"]["state_id"], 9);
    assert!(r.body["data"]["close_date"].is_string());
    let list = app.iris_ok("GET", "/manage/cases/list", None).await;
    let row = list
        .as_array()
        .and_then(|l| l.iter().find(|c| c["case_id"] == id))
        .cloned()
        .unwrap_or_default();
    assert_eq!(row["state_name"], "Closed");
    let close = row["case_close_date"].as_str().unwrap_or("");
    assert_eq!((close.len(), &close[2..3], &close[5..6]), (10, "/", "/"), "{close}");
    let r = app.iris("GET", &format!("/manage/cases/reopen/{id}"), None).await;
    assert_eq!(r.body["message"], "Case reopen successfully");
    assert_eq!(r.body["data"]["state_id"], 3);
    assert_eq!(r.body["data"]["close_date"], Value::Null);
    // Entering Closed by an update closes too.
    app.iris_ok(
        "POST",
        &format!("/manage/cases/update/{id}"),
        Some(json!({"state_id": 9})),
    )
    .await;
    let g = app.iris_ok("GET", &format!("/manage/cases/{id}"), None).await;
    assert!(g["close_date"].is_string());
    app.iris_ok("POST", &format!("/manage/cases/reopen/{id}"), None).await;

    // Delete: the primary case stays; another case goes, then reads as unreachable.
    let r = app.iris("POST", "/manage/cases/delete/1?cid=1", Some(json!({}))).await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["message"], "Cannot delete a primary case to keep consistency");
    let r = app
        .iris("POST", &format!("/manage/cases/delete/{id}?cid=1"), None)
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "Case successfully deleted");
    assert_eq!(r.body["data"], json!([]));
    let r = app.iris("GET", &format!("/manage/cases/{id}"), None).await;
    assert_eq!(r.status.as_u16(), 403);
    assert_eq!(r.body["message"], "Permission denied");
    assert_eq!(keys(&r.body["data"]), fields(&["user_id", "case_id", "error_uuid"]));
    let id2 = new_case(&app, "Deleted by GET").await;
    let r = app.iris("GET", &format!("/manage/cases/delete/{id2}"), None).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
}

async fn case_list_and_filter(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let a = new_case(&app, "First listed").await;
    let bb = new_case(&app, "Second listed").await;
    let list = app.iris_ok("GET", "/manage/cases/list?cid=1", None).await;
    let rows = list.as_array().cloned().unwrap_or_default();
    let ids: Vec<i64> = rows.iter().filter_map(|r| r["case_id"].as_i64()).collect();
    assert_eq!(ids, vec![1, a, bb], "by open date");
    for r in &rows {
        assert_eq!(keys(r), fields(LIST_ROW));
        assert_eq!(r["access_level"], 4);
        assert_eq!(r["client_name"], "IrisInitialClient");
        assert_eq!(r["case_close_date"], "");
        assert!(r["opened_by"].is_string() && r["owner"].is_string());
    }
    let open = rows[1]["case_open_date"].as_str().unwrap_or("");
    assert_eq!((open.len(), &open[2..3]), (10, "/"), "{open}");
    assert_eq!(rows[1]["case_name"], format!("#{a} - First listed"));

    // A viewer reads the list with read-only access.
    let (_, viewer) = app.member("iris-list-viewer", "viewer").await;
    let r = app.iris_as(&viewer, "GET", "/manage/cases/list", None).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert!(
        r.body["data"]
            .as_array()
            .is_some_and(|l| l.len() == 3 && l.iter().all(|c| c["access_level"] == 2))
    );

    // Per-user case access: a denied case leaves the list and cannot be read; a read-only one
    // is listed with level 2 and cannot be written.
    let (_, analyst) = app.member("iris-list-analyst", "analyst").await;
    let who = app
        .iris_ok("GET", "/manage/users/lookup/login/iris-list-analyst", None)
        .await;
    let uid = who["user_id"].as_i64().expect("user number");
    for (case, level) in [(a, 1), (bb, 2)] {
        app.iris_ok(
            "POST",
            &format!("/manage/users/{uid}/cases-access/update"),
            Some(json!({"cases_list": [case], "access_level": level})),
        )
        .await;
    }
    let r = app.iris_as(&analyst, "GET", "/manage/cases/list", None).await;
    let seen: Vec<(i64, i64)> = r.body["data"]
        .as_array()
        .map(|l| {
            l.iter()
                .map(|c| {
                    (
                        c["case_id"].as_i64().unwrap_or(0),
                        c["access_level"].as_i64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(seen, vec![(1, 4), (bb, 2)]);
    let r = app.iris_as(&analyst, "GET", &format!("/manage/cases/{a}"), None).await;
    assert_eq!(r.status.as_u16(), 403, "{}", r.text);
    let r = app.iris_as(&analyst, "GET", &format!("/manage/cases/{bb}"), None).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let r = app
        .iris_as(&analyst, "POST", &format!("/manage/cases/close/{bb}"), None)
        .await;
    assert_eq!(r.status.as_u16(), 403, "{}", r.text);

    // The paginated filter.
    let f = app.iris_ok("GET", "/manage/cases/filter?page=2&per_page=2", None).await;
    assert_eq!(
        keys(&f),
        fields(&["total", "cases", "last_page", "current_page", "next_page", "draw"])
    );
    assert_eq!((f["total"].clone(), f["last_page"].clone()), (json!(3), json!(2)));
    assert_eq!(f["current_page"], 2);
    assert_eq!(f["next_page"], Value::Null);
    assert_eq!(f["cases"].as_array().map(Vec::len), Some(1));
    assert_eq!(f["cases"][0]["case_id"], bb);
    let f = app
        .iris_ok(
            "GET",
            "/manage/cases/filter?per_page=1&sort_dir=desc&case_severity_id=4",
            None,
        )
        .await;
    assert_eq!(f["cases"][0]["case_id"], bb);
    assert_eq!(f["next_page"], 2);
    let f = app.iris_ok("GET", "/manage/cases/filter?case_name=first", None).await;
    assert_eq!(f["total"], 1);
    let r = app.iris("GET", "/manage/cases/filter?page=x", None).await;
    assert_eq!(r.status.as_u16(), 400);
    let f = app.iris_ok("GET", "/manage/cases/filter?page=9", None).await;
    assert_eq!(f["cases"], json!([]));
    // Past the last page the total is still counted.
    assert_eq!((f["total"].clone(), f["last_page"].clone()), (json!(3), json!(1)));
}

/// Every page of `/manage/cases/filter` at 7 a page over 41 cases (40, and the one IRIS makes
/// on its first call; the deep pages are read from the end of the order) holds the cases the listing order puts there, with the right total; a
/// severity filter's total comes from the counters and follows a severity change.
async fn filter_pages_deep_and_counts(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let cases: Vec<Value> = (0..40)
        .map(|i| json!({"title": format!("paged {i}"), "severity": if i % 4 == 0 { "high" } else { "low" }}))
        .collect();
    app.admin("POST", "/api/v1/cases/batch", Some(json!({"cases": cases})))
        .await
        .expect(201);
    for dir in ["asc", "desc"] {
        let mut seen = Vec::new();
        for page in 1..=6 {
            let f = app
                .iris_ok(
                    "GET",
                    &format!("/manage/cases/filter?per_page=7&page={page}&sort_dir={dir}"),
                    None,
                )
                .await;
            assert_eq!(
                (f["total"].clone(), f["last_page"].clone()),
                (json!(41), json!(6)),
                "page {page}"
            );
            let rows = f["cases"].as_array().cloned().unwrap_or_default();
            seen.extend(rows.iter().map(|c| c["case_id"].as_i64().unwrap_or(0)));
        }
        let mut want: Vec<i64> = (1..=41).collect();
        if dir == "desc" {
            want.reverse();
        }
        assert_eq!(seen, want, "every case once, in order ({dir})");
    }
    // IRIS severity 5 is high.
    let high = app
        .iris_ok("GET", "/manage/cases/filter?per_page=50&case_severity_id=5", None)
        .await;
    assert_eq!(high["total"], 10);
    // Case 3 (low) becomes high, case 5 (high) goes.
    app.admin("PATCH", "/api/v1/cases/3", Some(json!({"severity": "high"})))
        .await
        .expect(200);
    app.admin("DELETE", "/api/v1/cases/5", None).await.expect(204);
    let high = app
        .iris_ok("GET", "/manage/cases/filter?per_page=50&case_severity_id=5", None)
        .await;
    assert_eq!(high["total"], 10, "one more high, and one high gone");
    assert_eq!(high["cases"].as_array().map(Vec::len), Some(10));
    let all = app
        .iris_ok("GET", "/manage/cases/filter?per_page=50&page=1", None)
        .await;
    assert_eq!(all["total"], 40);
}

async fn case_inputs_are_checked(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let base = json!({"case_name": "Valid name", "case_description": "Valid", "case_customer": 1, "case_soc_id": ""});
    let with = |k: &str, v: Value| {
        let mut body = base.clone();
        if v.is_null() && k.starts_with('-') {
            body.as_object_mut().map(|m| m.remove(&k[1..]));
        } else {
            body[k] = v;
        }
        body
    };
    for (body, field) in [
        (with("-case_name", Value::Null), "case_name"),
        (with("case_name", json!("#3 - x")), "case_name"),
        (with("case_description", json!("x")), "case_description"),
        (with("case_customer", json!(15551115)), "case_customer"),
        (with("case_customer", json!("abc")), "case_customer"),
        (with("case_customer", Value::Null), "case_customer"),
        (with("severity_id", json!(9)), "severity_id"),
        (with("classification_id", json!(999)), "classification_id"),
        (with("owner_id", json!(424242)), "owner_id"),
        (with("initial_date", json!("yesterday")), "initial_date"),
        (with("custom_attributes", json!([1])), "custom_attributes"),
        (with("case_name", json!(12)), "case_name"),
    ] {
        let r = app.iris("POST", "/manage/cases/add", Some(body.clone())).await;
        assert_eq!(r.status.as_u16(), 400, "{body}: {}", r.text);
        assert_eq!(r.body["message"], "Data error", "{body}: {}", r.text);
        assert!(r.body["data"].get(field).is_some(), "{body}: {}", r.text);
    }
    // Unknown, huge, negative and non-numeric case ids: 403 (or the route's error), never 500.
    for path in [
        "/manage/cases/999",
        "/manage/cases/111155551111",
        "/manage/cases/-1",
        "/manage/cases/abc",
    ] {
        let r = app.iris("GET", path, None).await;
        assert_eq!(r.status.as_u16(), 403, "{path}: {}", r.text);
        assert_eq!(r.body["message"], "Permission denied");
    }
    for path in [
        "/manage/cases/update/999",
        "/manage/cases/close/999",
        "/manage/cases/reopen/999",
        "/manage/cases/delete/999",
    ] {
        let r = app.iris("POST", path, Some(json!({}))).await;
        assert_eq!(r.status.as_u16(), 403, "{path}: {}", r.text);
    }
    let r = app.iris("GET", "/case/summary/fetch?cid=1111155555511111", None).await;
    assert_eq!(r.status.as_u16(), 403);
    let id = new_case(&app, "Checked").await;
    for (body, field) in [
        (json!({"case_name": "x"}), "case_name"),
        (json!({"severity_id": 0}), "severity_id"),
        (json!({"status_id": 8}), "status_id"),
        (json!({"state_id": 99}), "state_id"),
        (json!({"owner_id": "me"}), "owner_id"),
        (json!({"case_customer": 777}), "case_customer"),
    ] {
        let r = app
            .iris("POST", &format!("/manage/cases/update/{id}"), Some(body.clone()))
            .await;
        assert_eq!(r.status.as_u16(), 400, "{body}: {}", r.text);
        assert!(r.body["data"].get(field).is_some(), "{body}: {}", r.text);
    }

    // A viewer reads but does not write; another workspace's admin does not see the case.
    let (_, viewer) = app.member("iris-case-viewer", "viewer").await;
    let r = app.iris_as(&viewer, "GET", &format!("/manage/cases/{id}"), None).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    for (m, p) in [
        ("POST", format!("/manage/cases/update/{id}")),
        ("POST", format!("/manage/cases/close/{id}")),
        ("POST", format!("/manage/cases/delete/{id}")),
        ("POST", format!("/case/summary/update?cid={id}")),
    ] {
        let r = app
            .iris_as(&viewer, m, &p, Some(json!({"case_description": "xx"})))
            .await;
        assert_eq!(r.status.as_u16(), 403, "{p}: {}", r.text);
    }
    let r = app
        .iris_as(&viewer, "POST", "/manage/cases/add", Some(base.clone()))
        .await;
    assert_eq!(r.status.as_u16(), 403, "{}", r.text);
    let (_, other) = app.tenant("Elsewhere").await;
    let r = app.iris_as(&other, "GET", &format!("/manage/cases/{id}"), None).await;
    assert_eq!(r.status.as_u16(), 403, "{}", r.text);
    let r = app
        .iris_as(&other, "POST", &format!("/manage/cases/delete/{id}"), None)
        .await;
    assert_eq!(r.status.as_u16(), 403, "{}", r.text);
    let r = app.iris_as(&other, "GET", "/manage/cases/list", None).await;
    let ids: Vec<Value> = r.body["data"]
        .as_array()
        .map(|l| l.iter().map(|c| c["case_name"].clone()).collect())
        .unwrap_or_default();
    assert_eq!(ids, vec![json!("#1 - Initial Demo")], "its own primary case only");
}

async fn closing_a_case_closes_its_alerts(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let id = new_case(&app, "With alerts").await;
    let mut alerts = Vec::new();
    for t in ["one", "two"] {
        let al = app
            .admin("POST", "/api/v1/alerts", Some(json!({"title": t})))
            .await
            .expect(201);
        let aid = al.body["alert"]["id"].as_str().expect("alert id").to_owned();
        app.admin(
            "POST",
            &format!("/api/v1/alerts/{aid}/merge"),
            Some(json!({"case_id": id.to_string()})),
        )
        .await
        .expect(200);
        alerts.push(aid);
    }
    app.iris_ok("POST", &format!("/manage/cases/close/{id}"), None).await;
    for aid in &alerts {
        let al = app
            .admin("GET", &format!("/api/v1/alerts/{aid}"), None)
            .await
            .expect(200);
        assert_eq!(al.body["status"], "closed", "{}", al.text);
        assert_eq!(al.body["state"]["id"], 6, "{}", al.text);
    }
    // Reopening leaves them closed; the native update closes a case without touching them.
    app.iris_ok("POST", &format!("/manage/cases/reopen/{id}"), None).await;
    let al = app
        .admin("GET", &format!("/api/v1/alerts/{}", alerts[0]), None)
        .await
        .expect(200);
    assert_eq!(al.body["status"], "closed");
}

async fn summary_status_log_and_export(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let id = new_case(&app, "Summarised").await;
    let s = app.iris_ok("GET", &format!("/case/summary/fetch?cid={id}"), None).await;
    assert_eq!(keys(&s), fields(&["case_description", "crc32"]));
    assert_eq!(s["case_description"], "Described");
    let r = app
        .iris(
            "POST",
            "/case/summary/update",
            Some(json!({"case_description": "Dummy summary", "cid": id})),
        )
        .await;
    assert_eq!(r.body["message"], "Summary updated");
    assert_eq!(r.body["data"], 2_277_683_553_u32);
    let s = app.iris_ok("GET", &format!("/case/summary/fetch?cid={id}"), None).await;
    assert_eq!(s["case_description"], "Dummy summary");
    assert_eq!(s["crc32"], 2_277_683_553_u32);
    // The seed's field name (D3).
    app.iris_ok(
        "POST",
        &format!("/case/summary/update?cid={id}"),
        Some(json!({"summary": "From v1"})),
    )
    .await;
    let s = app.iris_ok("GET", &format!("/case/summary/fetch?cid={id}"), None).await;
    assert_eq!(s["case_description"], "From v1");
    let r = app
        .iris("POST", &format!("/case/summary/update?cid={id}"), Some(json!({})))
        .await;
    assert_eq!(r.status.as_u16(), 400);

    // Outcome.
    let r = app
        .iris(
            "POST",
            &format!("/case/update-status?cid={id}"),
            Some(json!({"status_id": "1"})),
        )
        .await;
    assert_eq!(r.body["message"], "Case status updated");
    assert_eq!(r.body["data"], id);
    let g = app.iris_ok("GET", &format!("/manage/cases/{id}"), None).await;
    assert_eq!(g["status_id"], 1);
    assert_eq!(g["status_name"], "False Positive");
    for bad in [json!({"status_id": 9}), json!({"status_id": -1})] {
        let r = app
            .iris("POST", &format!("/case/update-status?cid={id}"), Some(bad))
            .await;
        assert_eq!(r.status.as_u16(), 400);
        assert_eq!(r.body["message"], "Invalid status");
    }
    let r = app
        .iris(
            "POST",
            &format!("/case/update-status?cid={id}"),
            Some(json!({"status_id": "x"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 400);

    // Task log.
    let r = app
        .iris(
            "POST",
            "/case/tasklog/add",
            Some(json!({"log_content": "Called the user", "cid": id})),
        )
        .await;
    assert_eq!(r.body["message"], "Log saved");
    let l = &r.body["data"];
    assert_eq!(
        keys(l),
        fields(&[
            "id",
            "user_id",
            "case_id",
            "activity_date",
            "activity_desc",
            "user_input",
            "is_from_api",
            "display_in_ui"
        ])
    );
    assert_eq!(l["case_id"], id);
    assert_eq!(l["activity_desc"], "Called the user");
    assert_eq!(l["user_input"], true);

    // Export.
    let e = app.iris_ok("GET", &format!("/case/export?cid={id}"), None).await;
    assert_eq!(
        keys(&e),
        fields(&[
            "case",
            "assets",
            "iocs",
            "timeline",
            "tasks",
            "notes",
            "evidences",
            "export_date"
        ])
    );
    assert_eq!(keys(&e["case"]), fields(DETAILS));
    assert_eq!(e["case"]["case_description"], "From v1");
    assert_eq!(e["tasks"], json!([]));
}

const CUSTOMER: &[&str] = &[
    "customer_id",
    "customer_uuid",
    "customer_name",
    "customer_description",
    "customer_sla",
    "custom_attributes",
];

async fn customers_round_trip(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    // The primary case's customer exists after the first IRIS call.
    let l = app.iris_ok("GET", "//manage/customers/list", None).await;
    assert_eq!(keys(&l[0]), fields(CUSTOMER));
    assert_eq!(
        (l[0]["customer_id"].clone(), l[0]["customer_name"].clone()),
        (json!(1), json!("IrisInitialClient"))
    );

    let r = app
        .iris(
            "POST",
            "/manage/customers/add",
            Some(
                json!({"customer_name": "acme corp", "customer_description": "Anvils", "customer_sla": "4h",
                        "custom_attributes": null}),
            ),
        )
        .await;
    assert_eq!(r.body["message"], "Added successfully", "{}", r.text);
    let c = &r.body["data"];
    assert_eq!(keys(c), fields(CUSTOMER));
    let cid = c["customer_id"].as_i64().expect("id");
    assert_eq!(c["customer_sla"], "4h");
    let r = app
        .iris(
            "POST",
            "/manage/customers/add",
            Some(json!({"customer_name": "ACME Corp"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["message"], "Error adding customer");
    assert_eq!(r.body["data"], json!({"customer_name": ["Customer already exists"]}));
    for bad in [json!({}), json!({"customer_name": "x"}), json!({"customer_name": 5})] {
        let r = app.iris("POST", "/manage/customers/add", Some(bad.clone())).await;
        assert_eq!(r.status.as_u16(), 400, "{bad}");
        assert!(r.body["data"].get("customer_name").is_some(), "{bad}: {}", r.text);
    }

    let g = app.iris_ok("GET", &format!("//manage/customers/{cid}"), None).await;
    let mut want: Vec<&str> = CUSTOMER.to_vec();
    want.push("contacts");
    assert_eq!(keys(&g), fields(&want));
    assert_eq!(g["contacts"], json!([]));
    assert_eq!(g["customer_description"], "Anvils");

    let r = app
        .iris(
            "POST",
            &format!("//manage/customers/update/{cid}"),
            Some(json!({"customer_name": "acme two"})),
        )
        .await;
    assert_eq!(r.body["message"], "Customer updated");
    assert_eq!(r.body["data"]["customer_name"], "acme two");
    assert_eq!(r.body["data"]["customer_sla"], "4h");
    let r = app
        .iris(
            "POST",
            &format!("/manage/customers/update/{cid}"),
            Some(json!({"customer_name": "irisinitialclient"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["data"], json!({"customer_name": ["Customer already exists"]}));

    // A case naming it keeps it.
    let case = app
        .iris_ok(
            "POST",
            "/manage/cases/add",
            Some(
                json!({"case_name": "For acme", "case_description": "Theirs", "case_customer": cid, "case_soc_id": ""}),
            ),
        )
        .await;
    let g = app
        .iris_ok("GET", &format!("/manage/cases/{}", case["case_id"]), None)
        .await;
    assert_eq!(g["customer_name"], "acme two");
    let r = app.iris("POST", &format!("/manage/customers/delete/{cid}"), None).await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["message"], "Cannot delete a referenced customer");
    app.iris_ok("POST", &format!("/manage/cases/delete/{}", case["case_id"]), None)
        .await;
    let r = app
        .iris(
            "POST",
            &format!("/manage/customers/delete/{cid}?cid=1"),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.body["message"], "Deleted successfully");
    assert_eq!(r.body["data"], json!([]));

    for (m, p) in [
        ("GET", format!("/manage/customers/{cid}")),
        ("GET", "/manage/customers/111155551111".to_owned()),
        ("GET", "/manage/customers/-1".to_owned()),
        ("POST", format!("/manage/customers/update/{cid}")),
        ("POST", format!("/manage/customers/delete/{cid}")),
    ] {
        let r = app.iris(m, &p, Some(json!({"customer_name": "whatever"}))).await;
        assert_eq!(r.status.as_u16(), 400, "{p}: {}", r.text);
        assert_eq!(r.body["message"], "Invalid Customer ID", "{p}");
    }

    // A viewer reads customers but does not write them; another workspace has its own.
    let (_, viewer) = app.member("iris-customer-viewer", "viewer").await;
    let r = app.iris_as(&viewer, "GET", "/manage/customers/list", None).await;
    assert_eq!(r.status.as_u16(), 200);
    let r = app
        .iris_as(
            &viewer,
            "POST",
            "/manage/customers/add",
            Some(json!({"customer_name": "nope"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 403);
    assert_eq!(
        r.body,
        json!({"status": "error", "message": "Permission denied", "data": []})
    );
    let (_, other) = app.tenant("Other customers").await;
    let r = app.iris_as(&other, "GET", "/manage/customers/list", None).await;
    let names: Vec<Value> = r.body["data"]
        .as_array()
        .map(|l| l.iter().map(|c| c["customer_name"].clone()).collect())
        .unwrap_or_default();
    assert_eq!(names, vec![json!("IrisInitialClient")]);
}

/// `data` of a list, asserting every row has exactly `shape`.
async fn rows(app: &TestApp, path: &str, shape: &[&str]) -> Vec<Value> {
    let l = app.iris_ok("GET", path, None).await;
    let l = l.as_array().cloned().unwrap_or_default();
    assert!(!l.is_empty(), "{path}");
    for r in &l {
        assert_eq!(keys(r), fields(shape), "{path}");
    }
    l
}

fn id_of(rows: &[Value], name_key: &str, name: &str, id_key: &str) -> Option<i64> {
    rows.iter()
        .find(|r| r[name_key].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name)))
        .and_then(|r| r[id_key].as_i64())
}

async fn reference_lists_read_as_iris(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let at = rows(
        &app,
        "/manage/asset-type/list",
        &[
            "asset_id",
            "asset_name",
            "asset_description",
            "asset_icon_compromised",
            "asset_icon_not_compromised",
        ],
    )
    .await;
    assert_eq!(at.len(), 21);
    assert_eq!(id_of(&at, "asset_name", "Windows - Computer", "asset_id"), Some(9));
    assert_eq!(id_of(&at, "asset_name", "account", "asset_id"), Some(1));
    let it = rows(
        &app,
        "/manage/ioc-types/list?cid=1",
        &[
            "type_id",
            "type_name",
            "type_description",
            "type_taxonomy",
            "type_validation_regex",
            "type_validation_expect",
        ],
    )
    .await;
    assert_eq!(it.len(), 160);
    assert_eq!(id_of(&it, "type_name", "ip-any", "type_id"), Some(76));
    assert_eq!(id_of(&it, "type_name", "AS", "type_id"), Some(1));
    let tl = rows(&app, "/manage/tlp/list", &["tlp_id", "tlp_name", "tlp_bscolor"]).await;
    assert_eq!(id_of(&tl, "tlp_name", "amber", "tlp_id"), Some(2));
    assert_eq!(tl.len(), 5);
    let an = rows(&app, "/manage/analysis-status/list", &["id", "name"]).await;
    assert_eq!(id_of(&an, "name", "Unspecified", "id"), Some(1));
    let ev = rows(&app, "/manage/event-categories/list", &["id", "name"]).await;
    assert_eq!(id_of(&ev, "name", "Execution", "id"), Some(5));
    let ts = rows(
        &app,
        "/manage/task-status/list",
        &["id", "status_name", "status_description", "status_bscolor"],
    )
    .await;
    assert_eq!(id_of(&ts, "status_name", "To do", "id"), Some(1));
    assert_eq!(id_of(&ts, "status_name", "Done", "id"), Some(4));
    let cs = rows(&app, "/manage/compromise-status/list", &["value", "name"]).await;
    assert_eq!(
        cs,
        vec![
            json!({"value": 0, "name": "To be determined"}),
            json!({"value": 1, "name": "Compromised"}),
            json!({"value": 2, "name": "Not compromised"}),
            json!({"value": 3, "name": "Unknown"}),
        ]
    );
    let os = rows(&app, "//manage/outcome-status/list?cid=1", &["value", "name"]).await;
    assert_eq!(os.len(), 6);
    assert_eq!(id_of(&os, "name", "True positive with impact", "value"), Some(2));
    assert_eq!(id_of(&os, "name", "Legitimate", "value"), Some(5));
    let cl = rows(
        &app,
        "/manage/case-classifications/list?cid=1",
        &["id", "name", "name_expanded", "description", "creation_date"],
    )
    .await;
    assert_eq!(cl.len(), 36);
    assert_eq!(id_of(&cl, "name", "abusive-content:spam", "id"), Some(1));
    assert_eq!(id_of(&cl, "name", "other:other", "id"), Some(36));
    let als = rows(
        &app,
        "/manage/alert-status/list",
        &["status_id", "status_name", "status_description"],
    )
    .await;
    assert_eq!(id_of(&als, "status_name", "Merged", "status_id"), Some(7));
    let ar = rows(
        &app,
        "/manage/alert-resolutions/list",
        &[
            "resolution_status_id",
            "resolution_status_name",
            "resolution_status_description",
        ],
    )
    .await;
    assert_eq!(ar.len(), 6);
    let st = rows(
        &app,
        "/manage/case-states/list",
        &["state_id", "state_name", "state_description", "protected"],
    )
    .await;
    assert_eq!(id_of(&st, "state_name", "Closed", "state_id"), Some(9));
    assert_eq!(id_of(&st, "state_name", "Open", "state_id"), Some(3));
    let sv = rows(
        &app,
        "/manage/severities/list",
        &["severity_id", "severity_name", "severity_description"],
    )
    .await;
    assert_eq!(sv.len(), 6);
    assert_eq!(id_of(&sv, "severity_name", "Medium", "severity_id"), Some(4));
    let et = rows(&app, "/manage/evidence-types/list", &["id", "name", "description"]).await;
    assert_eq!(et.len(), 58);

    // One row by id, with the list's shape.
    for (path, key, want) in [
        ("/manage/asset-type/9", "asset_name", "Windows - Computer"),
        ("/manage/ioc-types/76", "type_name", "ip-any"),
        ("/manage/tlp/2", "tlp_name", "amber"),
        ("/manage/analysis-status/1", "name", "Unspecified"),
        ("/manage/event-categories/1", "name", "Unspecified"),
        ("/manage/task-status/4", "status_name", "Done"),
        ("/manage/case-classifications/1?cid=1", "name", "abusive-content:spam"),
        ("/manage/alert-status/2", "status_name", "New"),
        (
            "/manage/alert-resolutions/1",
            "resolution_status_name",
            "False Positive",
        ),
        ("/manage/case-states/9", "state_name", "Closed"),
        ("/manage/severities/6", "severity_name", "Critical"),
        ("/manage/evidence-types/1", "name", "Unspecified"),
    ] {
        let v = app.iris_ok("GET", path, None).await;
        assert_eq!(v[key], want, "{path}");
    }
    let c = app.iris_ok("GET", "/manage/case-classifications/1", None).await;
    assert!(c["creation_date"].is_string() && c["description"].is_string());

    // Unknown ids: IRIS's soft errors, never a 500.
    for (path, msg) in [
        ("/manage/asset-type/999", "Invalid asset type ID 999"),
        ("/manage/ioc-types/111155551111", "Invalid ioc type ID 111155551111"),
        ("/manage/tlp/0", "Invalid TLP ID 0"),
        ("/manage/analysis-status/-1", "Analysis status ID -1 not found"),
        ("/manage/event-categories/99", "Event category ID 99 not found"),
        ("/manage/task-status/abc", "Task status ID #abc not found"),
        (
            "/manage/case-classifications/999999",
            "Invalid case classification ID 999999",
        ),
        ("/manage/alert-status/99", "Invalid alert status ID 99"),
        ("/manage/alert-resolutions/7", "Invalid alert resolution ID 7"),
        ("/manage/case-states/99", "Invalid case state ID 99"),
        ("/manage/severities/7", "Invalid severity ID 7"),
        ("/manage/evidence-types/59", "Invalid evidence type ID 59"),
    ] {
        let r = app.iris("GET", path, None).await;
        assert_eq!(r.status.as_u16(), 400, "{path}: {}", r.text);
        assert_eq!(r.body["message"], msg, "{path}");
    }
    // Any user reads them.
    let (_, viewer) = app.member("iris-ref-viewer", "viewer").await;
    let r = app.iris_as(&viewer, "GET", "/manage/ioc-types/list", None).await;
    assert_eq!(r.status.as_u16(), 200);
}

async fn reference_writes(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    // Classifications.
    let body = json!({"name": "dummy case classification", "name_expanded": "Dummy: Classification",
                      "description": "A test one", "cid": 1});
    let r = app
        .iris("POST", "/manage/case-classifications/add", Some(body.clone()))
        .await;
    assert_eq!(r.body["message"], "Case classification added", "{}", r.text);
    assert_eq!(
        keys(&r.body["data"]),
        fields(&["id", "name", "name_expanded", "description", "creation_date"])
    );
    let cl = r.body["data"]["id"].as_i64().expect("id");
    assert!(cl > 36);
    let r = app
        .iris("POST", "/manage/case-classifications/add", Some(body.clone()))
        .await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["message"], "Data error");
    assert_eq!(
        r.body["data"],
        json!({"name": ["Case classification name already exists"]})
    );
    let r = app
        .iris(
            "POST",
            "/manage/case-classifications/add",
            Some(json!({"name": "OTHER:OTHER", "name_expanded": "x y", "description": "dup of a built-in"})),
        )
        .await;
    assert_eq!(
        r.body["data"],
        json!({"name": ["Case classification name already exists"]})
    );
    for bad in [
        json!({"name": "ab"}),
        json!({"name": "x", "name_expanded": "xx", "description": "xx"}),
    ] {
        let r = app
            .iris("POST", "/manage/case-classifications/add", Some(bad.clone()))
            .await;
        assert_eq!(r.status.as_u16(), 400, "{bad}");
        assert_eq!(r.body["message"], "Data error", "{bad}");
    }
    let r = app
        .iris(
            "POST",
            &format!("/manage/case-classifications/update/{cl}"),
            Some(json!({"name": "new dummy", "name_expanded": "New: Dummy", "description": "Changed", "cid": 1})),
        )
        .await;
    assert_eq!(r.body["message"], "Case classification updated");
    assert_eq!(r.body["data"]["name"], "new dummy");
    let r = app
        .iris(
            "POST",
            &format!("/manage/case-classifications/update/{cl}"),
            Some(json!({"name": "other:other"})),
        )
        .await;
    assert_eq!(
        r.body["data"],
        json!({"name": ["Case classification name already exists"]})
    );
    let r = app
        .iris(
            "POST",
            "/manage/case-classifications/update/36",
            Some(json!({"name": "mine now"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 400, "built-in rows are shared");
    // In use by a case: refused; free again: deleted.
    let case = app
        .iris_ok(
            "POST",
            "/manage/cases/add",
            Some(
                json!({"case_name": "Classified", "case_description": "Uses it", "case_customer": 1,
                        "case_soc_id": "", "classification_id": cl}),
            ),
        )
        .await;
    assert_eq!(case["classification_id"], cl);
    let r = app
        .iris("POST", &format!("/manage/case-classifications/delete/{cl}"), None)
        .await;
    assert_eq!(r.status.as_u16(), 400);
    app.iris_ok(
        "POST",
        &format!("/manage/cases/update/{}", case["case_id"]),
        Some(json!({"classification_id": null})),
    )
    .await;
    let r = app
        .iris("POST", &format!("/manage/case-classifications/delete/{cl}?cid=1"), None)
        .await;
    assert_eq!(r.body["message"], "Case classification deleted", "{}", r.text);
    let r = app
        .iris("GET", &format!("/manage/case-classifications/{cl}"), None)
        .await;
    assert_eq!(r.status.as_u16(), 400);
    let r = app
        .iris("POST", "/manage/case-classifications/delete/99999", None)
        .await;
    assert_eq!(r.body["message"], "Invalid case classification ID 99999");

    // IOC types.
    let r = app
        .iris(
            "POST",
            "/manage/ioc-types/add",
            Some(
                json!({"type_name": "dummy ioc type", "type_description": "dummy description",
                        "type_taxonomy": "dummy taxo", "cid": 1}),
            ),
        )
        .await;
    assert_eq!(r.body["message"], "Added successfully", "{}", r.text);
    let t = r.body["data"].clone();
    assert_eq!(
        keys(&t),
        fields(&[
            "type_id",
            "type_name",
            "type_description",
            "type_taxonomy",
            "type_validation_regex",
            "type_validation_expect"
        ])
    );
    assert_eq!(t["type_taxonomy"], "dummy taxo");
    let tid = t["type_id"].as_i64().expect("id");
    let r = app
        .iris(
            "POST",
            "/manage/ioc-types/add",
            Some(json!({"type_name": "AS", "type_description": "dummy description", "type_taxonomy": "x"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["message"], "Data error");
    assert_eq!(r.body["data"], json!({"type_name": ["IOC type name already exists"]}));
    let r = app
        .iris(
            "POST",
            &format!("/manage/ioc-types/update/{tid}"),
            Some(
                json!({"type_name": "renamed type", "type_description": "dummy description",
                        "type_taxonomy": "new taxo", "type_validation_regex": "[0-9]+",
                        "type_validation_expect": "digits"}),
            ),
        )
        .await;
    assert_eq!(r.body["message"], "IOC type updated", "{}", r.text);
    assert_eq!(r.body["data"]["type_validation_regex"], "[0-9]+");
    let g = app.iris_ok("GET", &format!("/manage/ioc-types/{tid}"), None).await;
    assert_eq!(g["type_name"], "renamed type");
    assert_eq!(g["type_taxonomy"], "new taxo");
    let r = app
        .iris(
            "POST",
            &format!("/manage/ioc-types/update/{tid}"),
            Some(json!({"type_validation_regex": "(["})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 400);
    assert!(r.body["data"].get("type_validation_regex").is_some(), "{}", r.text);
    let r = app.iris("POST", "/manage/ioc-types/delete/76", None).await;
    assert_eq!(r.status.as_u16(), 400, "built-in types stay");
    let r = app
        .iris("POST", &format!("/manage/ioc-types/delete/{tid}?cid=1"), None)
        .await;
    assert_eq!(r.body["message"], format!("Deleted ioc type ID {tid}"));
    let r = app.iris("POST", &format!("/manage/ioc-types/delete/{tid}"), None).await;
    assert_eq!(
        r.body["message"],
        format!("Attempted to delete ioc type ID {tid}, but was not found")
    );

    // Asset types, as JSON; multipart is refused with a clear reply.
    let r = app
        .iris(
            "POST",
            "/manage/asset-type/add",
            Some(json!({"asset_name": "dummy asset type", "asset_description": "dummy description", "cid": 1})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let at = r.body["data"].clone();
    assert_eq!(at["asset_icon_compromised"], "ioc_question-mark.png");
    let aid = at["asset_id"].as_i64().expect("id");
    let r = app
        .iris(
            "POST",
            "/manage/asset-type/add",
            Some(json!({"asset_name": "WAF", "asset_description": "dummy description"})),
        )
        .await;
    assert_eq!(
        r.body["data"],
        json!({"asset_name": ["Asset type name already exists"]})
    );
    let r = app
        .call(
            "POST",
            "/manage/asset-type/add",
            &[
                ("authorization", &format!("Bearer {}", crate::harness::ADMIN_KEY)),
                ("content-type", "multipart/form-data; boundary=x"),
            ],
            Some("--x--\r\n"),
        )
        .await;
    assert_eq!(r.status.as_u16(), 400);
    assert!(
        r.body["message"].as_str().is_some_and(|m| m.contains("JSON")),
        "{}",
        r.text
    );
    let r = app
        .iris(
            "POST",
            &format!("/manage/asset-type/update/{aid}"),
            Some(json!({"asset_name": "renamed asset type", "asset_description": "changed"})),
        )
        .await;
    assert_eq!(r.body["message"], "Asset type updated");
    let g = app.iris_ok("GET", &format!("/manage/asset-type/{aid}"), None).await;
    assert_eq!(g["asset_name"], "renamed asset type");
    let r = app
        .iris("POST", &format!("/manage/asset-type/delete/{aid}"), None)
        .await;
    assert_eq!(r.body["message"], format!("Deleted asset type ID {aid} successfully"));
    let r = app
        .iris(
            "POST",
            "/manage/asset-type/update/99999",
            Some(json!({"asset_name": "zz"})),
        )
        .await;
    assert_eq!(r.body["message"], "Invalid asset type ID");
    let r = app.iris("POST", "/manage/asset-type/delete/99999", None).await;
    assert_eq!(r.body["message"], "Invalid asset ID");

    // Only admins write; another workspace does not see this one's rows.
    let (_, analyst) = app.member("iris-ref-analyst", "analyst").await;
    let r = app
        .iris_as(
            &analyst,
            "POST",
            "/manage/case-classifications/add",
            Some(json!({"name": "analyst one", "name_expanded": "An: One", "description": "nope"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 403);
    let mine = app
        .iris_ok(
            "POST",
            "/manage/case-classifications/add",
            Some(json!({"name": "ours:only", "name_expanded": "Ours: Only", "description": "private"})),
        )
        .await;
    let (_, other) = app.tenant("Reference tenant").await;
    let r = app
        .iris_as(
            &other,
            "GET",
            &format!("/manage/case-classifications/{}", mine["id"]),
            None,
        )
        .await;
    assert_eq!(r.status.as_u16(), 400);
    let r = app
        .iris_as(&other, "GET", "/manage/case-classifications/list", None)
        .await;
    assert_eq!(r.body["data"].as_array().map(Vec::len), Some(36));
    let r = app
        .iris_as(
            &other,
            "POST",
            &format!("/manage/case-classifications/delete/{}", mine["id"]),
            None,
        )
        .await;
    assert_eq!(r.status.as_u16(), 400);
}

/// Regression: IRIS shows `fatal` as severity 6 (critical) and `duplicate` as outcome 3 (not
/// applicable). Writing back what was read keeps the finer value: the core decides it inside
/// the update, against the stored row.
async fn writing_back_what_was_read_keeps_the_finer_value(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let id = new_case(&app, "Lossy values").await;
    app.admin(
        "PATCH",
        &format!("/api/v1/cases/{id}"),
        Some(json!({"severity": "fatal", "resolution": "duplicate"})),
    )
    .await
    .expect(200);
    let read = app.iris_ok("GET", &format!("/manage/cases/{id}"), None).await;
    assert_eq!(read["severity_id"], 6);
    assert_eq!(read["status_id"], 3);
    app.iris_ok(
        "POST",
        &format!("/manage/cases/update/{id}"),
        Some(json!({"severity_id": read["severity_id"], "status_id": read["status_id"]})),
    )
    .await;
    let native = app.admin("GET", &format!("/api/v1/cases/{id}"), None).await.expect(200);
    assert_eq!(native.body["severity"], "fatal");
    assert_eq!(native.body["resolution"], "duplicate");
    // A different id is a change: 5 is high, 4 true positive without impact.
    app.iris_ok(
        "POST",
        &format!("/manage/cases/update/{id}"),
        Some(json!({"severity_id": 5, "status_id": 4})),
    )
    .await;
    let native = app.admin("GET", &format!("/api/v1/cases/{id}"), None).await.expect(200);
    assert_eq!(native.body["severity"], "high");
    assert_eq!(native.body["resolution"], "true_positive_without_impact");
    // And 6 over high is critical: the rule keeps only values shown alike.
    app.iris_ok(
        "POST",
        &format!("/manage/cases/update/{id}"),
        Some(json!({"severity_id": 6})),
    )
    .await;
    let native = app.admin("GET", &format!("/api/v1/cases/{id}"), None).await.expect(200);
    assert_eq!(native.body["severity"], "critical");
}
