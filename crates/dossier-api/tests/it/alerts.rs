//! `/api/v1/alerts`: ingest with deduplication, batches, filters and keyset paging, updates
//! with optimistic concurrency, promotion to a case, merging into a case, the audit trail; the
//! alert service's rules (dedup, escalation, merge) checked across the native and IRIS APIs.

use std::collections::HashSet;

use dossier_core::Backend;
use serde_json::{Value, json};

use crate::{
    both,
    harness::{Resp, TestApp},
};

both!(
    create_echoes_every_field,
    repeats_are_deduplicated,
    dedup_needs_source_ref_and_matches_source,
    batch_counts_and_order,
    batch_limits_and_atomicity,
    list_filters,
    keyset_paging_and_count,
    get_by_number_and_uuid,
    update_version_status_assignee_tags,
    promote_to_case,
    merge_into_case,
    activity_trail,
    observables_travel_with_the_alert,
    signal_fields_round_trip_and_filter,
    inline_observables_and_dedup_single_and_batch,
    escalation_rules_hold_for_every_api,
    merge_rules_hold_for_every_api,
    unknown_references_are_refused
);

fn numbers(r: &Resp) -> Vec<i64> {
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["number"].as_i64().unwrap())
        .collect()
}

fn tag_set(v: &Value) -> HashSet<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_owned())
        .collect()
}

async fn total(app: &TestApp, query: &str) -> i64 {
    let sep = if query.is_empty() { "" } else { "&" };
    let r = app
        .admin("GET", &format!("/api/v1/alerts?count=true{sep}{query}"), None)
        .await
        .expect(200);
    r.body["total"].as_i64().unwrap()
}

async fn create_echoes_every_field(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let r = app
        .admin(
            "POST",
            "/api/v1/alerts",
            Some(json!({
                "title": "  Impossible travel for j.doe  ", "description": "Logins from FR and BR within 10 minutes",
                "severity": "high", "source": "siem", "source_ref": "evt-0001",
                "source_link": "https://siem.example.org/evt/1", "type": "identity",
                "tags": ["travel", "Identity", "travel"], "tlp": "amber_strict", "pap": "red_plus",
                "event_time": "2026-01-02T03:04:05.123456Z", "custom": {"user": "j.doe", "score": 87}
            })),
        )
        .await
        .expect(201);
    assert_eq!(r.body["created"], true);
    let a = &r.body["alert"];
    assert_eq!(a["number"], 1);
    assert_eq!(a["title"], "Impossible travel for j.doe");
    assert_eq!(a["description"], "Logins from FR and BR within 10 minutes");
    assert_eq!(a["status"], "new");
    assert_eq!(a["state"], json!({"id": 2, "code": "new", "label": "New"}));
    assert_eq!(a["severity"], "high");
    assert_eq!(a["resolution"], Value::Null);
    assert_eq!(a["source"], "siem");
    assert_eq!(a["source_ref"], "evt-0001");
    assert_eq!(a["source_link"], "https://siem.example.org/evt/1");
    assert_eq!(a["type"], "identity");
    assert_eq!(a["tags"], json!(["travel", "Identity"]));
    assert_eq!(a["tlp"], "amber_strict");
    assert_eq!(a["pap"], "red_plus");
    assert_eq!(a["event_time"], "2026-01-02T03:04:05.123456Z");
    assert_eq!(a["custom"], json!({"user": "j.doe", "score": 87}));
    assert_eq!(a["assignee"], Value::Null);
    assert_eq!(a["occurrences"], 1);
    assert_eq!(a["cases"], json!([]));
    assert_eq!(a["first_seen_at"], a["last_seen_at"]);
    assert_eq!(a["created_at"], a["first_seen_at"]);
    assert_eq!(a["version"], 1);
    let me = app.admin("GET", "/api/v1/me", None).await.expect(200);
    assert_eq!(a["workspace_id"], me.body["workspace"]["id"]);

    // Defaults of a minimal alert.
    let m = app
        .admin("POST", "/api/v1/alerts", Some(json!({"title": "Bare"})))
        .await
        .expect(201);
    let a = &m.body["alert"];
    assert_eq!(a["number"], 2);
    assert_eq!(a["severity"], "medium");
    assert_eq!(a["description"], "");
    assert_eq!(a["source"], Value::Null);
    assert_eq!(a["source_ref"], Value::Null);
    assert_eq!(a["type"], Value::Null);
    assert_eq!(a["tlp"], Value::Null);
    assert_eq!(a["pap"], Value::Null);
    assert_eq!(a["tags"], json!([]));
    assert_eq!(a["custom"], json!({}));
    assert_eq!(a["event_time"], Value::Null);
    // A status may be given at ingest.
    let s = app
        .admin(
            "POST",
            "/api/v1/alerts",
            Some(json!({"title": "Triaged upstream", "status": "in_progress"})),
        )
        .await
        .expect(201);
    assert_eq!(s.body["alert"]["status"], "in_progress");
    assert_eq!(s.body["alert"]["state"]["code"], "in_progress");

    // Invalid alerts name every bad field.
    let r = app
        .admin(
            "POST",
            "/api/v1/alerts",
            Some(
                json!({"title": " ", "source_link": "ftp://x", "source_ref": " ", "count": 0,
                "tags": ["a,b"], "custom": [1]}),
            ),
        )
        .await
        .expect(422);
    let mut fields: Vec<&str> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        ["count", "custom", "source_link", "source_ref", "tags[0]", "title"]
    );
    app.admin(
        "POST",
        "/api/v1/alerts",
        Some(json!({"title": "x", "severity": "apocalyptic"})),
    )
    .await
    .expect(422);
    app.admin(
        "POST",
        "/api/v1/alerts",
        Some(json!({"title": "x", "unknown_field": 1})),
    )
    .await
    .expect(422);
    assert_eq!(total(&app, "").await, 3);
}

async fn repeats_are_deduplicated(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let first = app
        .admin(
            "POST",
            "/api/v1/alerts",
            Some(
                json!({"title": "Malware on host-1", "description": "EICAR found", "severity": "high",
                "source": "edr", "source_ref": "det-42", "tags": ["malware", "Host-1"]}),
            ),
        )
        .await
        .expect(201);
    let a1 = first.body["alert"].clone();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;

    let again = app
        .admin(
            "POST",
            "/api/v1/alerts",
            Some(
                json!({"title": "  Malware on host-1 (still)  ", "source": "edr", "source_ref": "det-42",
                "tags": ["host-1", "quarantine-failed"]}),
            ),
        )
        .await
        .expect(200);
    assert_eq!(again.body["created"], false);
    let a2 = &again.body["alert"];
    assert_eq!(a2["id"], a1["id"]);
    assert_eq!(a2["number"], 1);
    assert_eq!(a2["occurrences"], 2);
    assert_eq!(a2["title"], "Malware on host-1 (still)", "title refreshed");
    assert_eq!(a2["description"], "EICAR found", "not given: kept");
    assert_eq!(a2["severity"], "high", "not given: kept");
    assert_eq!(
        tag_set(&a2["tags"]),
        ["malware", "Host-1", "quarantine-failed"].map(str::to_owned).into(),
        "tags are unioned, case-insensitively"
    );
    assert_eq!(a2["first_seen_at"], a1["first_seen_at"]);
    assert_eq!(a2["created_at"], a1["created_at"]);
    assert!(
        a2["last_seen_at"].as_str().unwrap() > a1["last_seen_at"].as_str().unwrap(),
        "{} then {}",
        a1["last_seen_at"],
        a2["last_seen_at"]
    );
    assert!(a2["version"].as_i64().unwrap() > a1["version"].as_i64().unwrap());
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;

    // `count` says how many occurrences one submission stands for; given fields refresh.
    let third = app
        .admin(
            "POST",
            "/api/v1/alerts",
            Some(
                json!({"title": "Malware on host-1", "description": "EICAR quarantined", "severity": "low",
                "source": "edr", "source_ref": "det-42", "count": 5}),
            ),
        )
        .await
        .expect(200);
    let a3 = &third.body["alert"];
    assert_eq!(third.body["created"], false);
    assert_eq!(a3["occurrences"], 7);
    assert_eq!(a3["description"], "EICAR quarantined");
    assert_eq!(a3["severity"], "low");
    assert_eq!(tag_set(&a3["tags"]).len(), 3, "no tags given: kept");
    assert!(a3["last_seen_at"].as_str().unwrap() > a2["last_seen_at"].as_str().unwrap());

    // Stored state agrees; still one alert.
    let g = app.admin("GET", "/api/v1/alerts/1", None).await.expect(200);
    assert_eq!(g.body["occurrences"], 7);
    assert_eq!(g.body["title"], "Malware on host-1");
    assert_eq!(total(&app, "").await, 1);
    // The refreshed title is what search finds.
    assert_eq!(total(&app, "q=still").await, 0);
    assert_eq!(total(&app, "q=host-1").await, 1);
    // A first submission may also carry a count.
    let c = app
        .admin(
            "POST",
            "/api/v1/alerts",
            Some(json!({"title": "Port scan", "source": "ids", "source_ref": "scan-1", "count": 250})),
        )
        .await
        .expect(201);
    assert_eq!(c.body["alert"]["occurrences"], 250);
}

async fn dedup_needs_source_ref_and_matches_source(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    // Without source_ref: never deduplicated.
    let mut ids = HashSet::new();
    for n in 1..=2 {
        let r = app
            .admin(
                "POST",
                "/api/v1/alerts",
                Some(json!({"title": "Same", "source": "siem"})),
            )
            .await
            .expect(201);
        assert_eq!(r.body["created"], true);
        assert_eq!(r.body["alert"]["number"], n);
        assert_eq!(r.body["alert"]["occurrences"], 1);
        ids.insert(r.body["alert"]["id"].as_str().unwrap().to_owned());
    }
    // Same source_ref, different or no source: distinct alerts.
    for (n, source) in [(3, json!("siem")), (4, json!("edr")), (5, Value::Null)] {
        let r = app
            .admin(
                "POST",
                "/api/v1/alerts",
                Some(json!({"title": "Ref 7", "source": source, "source_ref": "ref-7"})),
            )
            .await
            .expect(201);
        assert_eq!(r.body["alert"]["number"], n);
        ids.insert(r.body["alert"]["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 5);
    // source_ref is compared exactly.
    app.admin(
        "POST",
        "/api/v1/alerts",
        Some(json!({"title": "Ref 7", "source": "siem", "source_ref": "REF-7"})),
    )
    .await
    .expect(201);
    // And each pair still deduplicates against its own.
    for (source, n) in [(json!("edr"), 4), (Value::Null, 5)] {
        let r = app
            .admin(
                "POST",
                "/api/v1/alerts",
                Some(json!({"title": "Ref 7", "source": source, "source_ref": "ref-7"})),
            )
            .await
            .expect(200);
        assert_eq!(r.body["alert"]["number"], n);
        assert_eq!(r.body["alert"]["occurrences"], 2);
    }
    assert_eq!(total(&app, "").await, 6);
    // Deduplication is per workspace.
    let (_, other) = app.tenant("Other").await;
    let r = app
        .as_key(
            &other,
            "POST",
            "/api/v1/alerts",
            Some(json!({"title": "Ref 7", "source": "siem", "source_ref": "ref-7"})),
        )
        .await
        .expect(201);
    assert_eq!(r.body["alert"]["number"], 1);
    assert_eq!(r.body["alert"]["occurrences"], 1);
}

async fn batch_counts_and_order(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    // 20 stored alerts: #1..#20.
    let pre: Vec<Value> = (0..20)
        .map(|i| json!({"title": format!("Pre {i}"), "source": "edr", "source_ref": format!("pre-{i}")}))
        .collect();
    let r = app
        .admin("POST", "/api/v1/alerts/batch", Some(json!({"alerts": pre})))
        .await
        .expect(200);
    assert_eq!(r.body["created"], 20);
    assert_eq!(r.body["deduplicated"], 0);

    // 300 alerts: 20 repeats of stored ones, 140 new refs, 120 repeats of those (in reverse
    // order), and 20 alerts without source_ref.
    let mut alerts = Vec::new();
    for i in 0..20 {
        alerts.push(
            json!({"title": format!("Pre {i} again"), "source": "edr", "source_ref": format!("pre-{i}"),
            "tags": ["repeat"]}),
        );
    }
    for k in 0..140 {
        alerts.push(
            json!({"title": format!("New {k}"), "source": "edr", "source_ref": format!("b-{k}"),
            "severity": "low", "tags": ["first"]}),
        );
    }
    for k in (0..120).rev() {
        alerts.push(
            json!({"title": format!("New {k} (2)"), "source": "edr", "source_ref": format!("b-{k}"),
            "severity": "critical", "tags": ["second"]}),
        );
    }
    for k in 0..20 {
        alerts.push(json!({"title": format!("Loose {k}"), "source": "edr"}));
    }
    assert_eq!(alerts.len(), 300);
    let r = app
        .admin("POST", "/api/v1/alerts/batch", Some(json!({ "alerts": alerts })))
        .await
        .expect(200);
    let items = r.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 300);
    // Known bug (see `in_batch_repeats_count_as_deduplicated`): the 120 in-batch repeats are
    // reported `created: true` and counted in `created` (280 / 20 instead of 160 / 140), so
    // the exact counts and the flags of items 160..280 are left unasserted here.
    assert_eq!(
        r.body["created"].as_u64().unwrap() + r.body["deduplicated"].as_u64().unwrap(),
        300
    );
    let num = |i: usize| items[i]["number"].as_i64().unwrap();
    let created = |i: usize| items[i]["created"].as_bool().unwrap();
    for i in 0..20 {
        assert!(!created(i), "item {i}");
        assert_eq!(num(i), i as i64 + 1);
    }
    // New alerts are numbered in input order, after the stored ones.
    for k in 0..140 {
        assert!(created(20 + k), "item {}", 20 + k);
        assert_eq!(num(20 + k), 21 + k as i64);
    }
    for (j, k) in (0..120).rev().enumerate() {
        let i = 160 + j;
        assert_eq!(num(i), 21 + k as i64, "item {i}");
        assert_eq!(items[i]["id"], items[20 + k]["id"]);
    }
    for k in 0..20 {
        assert!(created(280 + k));
        assert_eq!(num(280 + k), 161 + k as i64);
    }
    let ids: HashSet<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 180, "20 stored + 140 new with refs + 20 loose");

    assert_eq!(total(&app, "").await, 180);
    // A stored alert repeated: counted, title refreshed, tags unioned.
    let g = app.admin("GET", "/api/v1/alerts/3", None).await.expect(200);
    assert_eq!(g.body["occurrences"], 2);
    assert_eq!(g.body["title"], "Pre 2 again");
    assert_eq!(g.body["tags"], json!(["repeat"]));
    // Repeated inside the batch: one alert with both occurrences, the last title and severity.
    let g = app.admin("GET", "/api/v1/alerts/21", None).await.expect(200);
    assert_eq!(g.body["source_ref"], "b-0");
    assert_eq!(g.body["occurrences"], 2);
    assert_eq!(g.body["title"], "New 0 (2)");
    assert_eq!(g.body["severity"], "critical");
    assert_eq!(tag_set(&g.body["tags"]), ["first", "second"].map(str::to_owned).into());
    // Seen once only.
    let g = app.admin("GET", "/api/v1/alerts/150", None).await.expect(200);
    assert_eq!(g.body["source_ref"], "b-129");
    assert_eq!(g.body["occurrences"], 1);
    assert_eq!(g.body["severity"], "low");
    assert_eq!(total(&app, "severity=critical").await, 120);

    // The same batch once more: everything with a ref is a repeat now; the loose ones are new.
    let r = app
        .admin(
            "POST",
            "/api/v1/alerts/batch",
            Some(json!({"alerts": [
                {"title": "x", "source": "edr", "source_ref": "b-139"},
                {"title": "y", "source": "edr"},
                {"title": "z", "source": "edr", "source_ref": "pre-0"},
                {"title": "z2", "source": "edr", "source_ref": "pre-0", "count": 3}
            ]})),
        )
        .await
        .expect(200);
    assert_eq!(r.body["created"], 1);
    assert_eq!(r.body["deduplicated"], 3);
    assert_eq!(
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (i["number"].as_i64().unwrap(), i["created"].as_bool().unwrap()))
            .collect::<Vec<_>>(),
        [(160, false), (181, true), (1, false), (1, false)]
    );
    let g = app.admin("GET", "/api/v1/alerts/1", None).await.expect(200);
    assert_eq!(g.body["occurrences"], 2 + 1 + 3);
    assert_eq!(g.body["title"], "z2");
}

async fn batch_limits_and_atomicity(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.admin("POST", "/api/v1/alerts", Some(json!({"title": "Stored"})))
        .await
        .expect(201);

    let r = app
        .admin("POST", "/api/v1/alerts/batch", Some(json!({"alerts": []})))
        .await
        .expect(422);
    assert_eq!(r.body["errors"][0]["field"], "alerts");
    assert_eq!(r.body["errors"][0]["code"], "required");

    let many: Vec<Value> = (0..1001).map(|i| json!({"title": format!("A{i}")})).collect();
    let r = app
        .admin("POST", "/api/v1/alerts/batch", Some(json!({ "alerts": many })))
        .await
        .expect(422);
    assert_eq!(r.body["errors"][0]["field"], "alerts");
    assert_eq!(r.body["errors"][0]["code"], "too_many");
    assert_eq!(total(&app, "").await, 1);

    // One bad alert fails the whole batch, naming its index; nothing is stored.
    let mut batch: Vec<Value> = (0..10)
        .map(|i| json!({"title": format!("B{i}"), "source": "s", "source_ref": format!("r{i}")}))
        .collect();
    batch[7]["title"] = json!("   ");
    batch[8]["tags"] = json!(["ok", ""]);
    let r = app
        .admin("POST", "/api/v1/alerts/batch", Some(json!({ "alerts": batch })))
        .await
        .expect(422);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    let errors: Vec<(String, String)> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            ("alerts[7].title".to_owned(), "required".to_owned()),
            ("alerts[8].tags[1]".to_owned(), "required".to_owned())
        ]
    );
    assert_eq!(total(&app, "").await, 1);
    // A wrongly typed field names its index too.
    let r = app
        .admin(
            "POST",
            "/api/v1/alerts/batch",
            Some(json!({"alerts": [{"title": "ok"}, {"title": 5}]})),
        )
        .await
        .expect(422);
    assert!(
        r.body["errors"][0]["field"]
            .as_str()
            .unwrap()
            .starts_with("alerts[1].title"),
        "{}",
        r.text
    );
    // A 1000-alert batch is accepted.
    let max: Vec<Value> = (0..1000)
        .map(|i| json!({"title": format!("M{i}"), "source": "bulk", "source_ref": format!("m{i}")}))
        .collect();
    let r = app
        .admin("POST", "/api/v1/alerts/batch", Some(json!({ "alerts": max })))
        .await
        .expect(200);
    assert_eq!(r.body["created"], 1000);
    assert_eq!(r.body["items"][999]["number"], 1001);
    assert_eq!(total(&app, "").await, 1001);
    assert_eq!(total(&app, "source=bulk").await, 1000);
}

async fn list_filters(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let sev = ["low", "medium", "high", "critical"];
    let src = ["siem", "edr", "ids"];
    for i in 0..12 {
        let mut body = json!({"title": format!("Alert {i}"), "severity": sev[i % 4],
            "source": src[i % 3], "tags": [format!("g{}", i % 2)]});
        if i % 4 == 0 {
            body["status"] = json!("in_progress");
        }
        if i == 4 {
            body["description"] = json!("callback to bad.example.net observed");
        }
        if i == 9 {
            body["tags"] = json!(["g1", "vip"]);
        }
        app.admin("POST", "/api/v1/alerts", Some(body)).await.expect(201);
    }
    let list = |q: &'static str| {
        let app = &app;
        async move {
            let r = app
                .admin("GET", &format!("/api/v1/alerts?limit=200&{q}"), None)
                .await
                .expect(200);
            let mut n = numbers(&r);
            n.sort_unstable();
            n
        }
    };
    // Numbers are i + 1.
    assert_eq!(list("status=in_progress").await, [1, 5, 9]);
    assert_eq!(list("status=new").await.len(), 9);
    assert_eq!(list("status=new,in_progress").await.len(), 12);
    assert_eq!(list("status=new&status=in_progress").await.len(), 12);
    assert_eq!(list("status=closed").await, Vec::<i64>::new());
    assert_eq!(list("severity=critical").await, [4, 8, 12]);
    assert_eq!(list("severity=low,high").await, [1, 3, 5, 7, 9, 11]);
    assert_eq!(list("source=edr").await, [2, 5, 8, 11]);
    assert_eq!(list("source=EDR").await, Vec::<i64>::new());
    assert_eq!(list("tags=G1").await, [2, 4, 6, 8, 10, 12]);
    assert_eq!(list("tags=g1,vip").await, [10], "every tag must match");
    assert_eq!(list("tags=g0,g1").await, Vec::<i64>::new());
    assert_eq!(list("q=BAD.example").await, [5], "substring of the description");
    assert_eq!(list("q=alert%2011").await, [12], "substring of the title");
    assert_eq!(list("q=rt%201").await, [2, 11, 12]);
    assert_eq!(list("source=siem&severity=low").await, [1]);
    assert_eq!(list("source=siem&tags=g1&status=new").await, [4, 10]);

    // Time bounds: created_after is inclusive, created_before exclusive.
    let all = app.admin("GET", "/api/v1/alerts?limit=200", None).await.expect(200);
    let stamps: Vec<(i64, String)> = all.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["number"].as_i64().unwrap(),
                a["created_at"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let pivot = stamps.iter().find(|(n, _)| *n == 6).unwrap().1.clone();
    let after: Vec<i64> = {
        let mut v: Vec<i64> = stamps.iter().filter(|(_, t)| *t >= pivot).map(|(n, _)| *n).collect();
        v.sort_unstable();
        v
    };
    let r = app
        .admin("GET", &format!("/api/v1/alerts?limit=200&created_after={pivot}"), None)
        .await
        .expect(200);
    let mut got = numbers(&r);
    got.sort_unstable();
    assert_eq!(got, after);
    assert!(got.contains(&6) && !got.contains(&1));
    let r = app
        .admin(
            "GET",
            &format!("/api/v1/alerts?limit=200&created_before={pivot}&count=true"),
            None,
        )
        .await
        .expect(200);
    assert_eq!(r.body["total"].as_i64().unwrap() as usize, 12 - after.len());
    assert!(!numbers(&r).contains(&6));
    assert_eq!(
        list("created_after=2000-01-01T00:00:00Z&created_before=2000-01-02T00:00:00Z").await,
        Vec::<i64>::new()
    );
    assert_eq!(list("created_after=2000-01-01T00:00:00Z").await.len(), 12);

    // Bad filters are 422s naming the parameter.
    for (q, field) in [
        ("status=bogus", "status"),
        ("severity=huge", "severity"),
        ("created_after=yesterday", "created_after"),
        ("count=maybe", "count"),
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("cursor=abc", "cursor"),
        ("assignee=none", "assignee"),
        ("sort=severity", "sort"),
    ] {
        let r = app.admin("GET", &format!("/api/v1/alerts?{q}"), None).await.expect(422);
        assert_eq!(r.body["errors"][0]["field"], field, "{q}");
    }
}

async fn keyset_paging_and_count(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let alerts: Vec<Value> = (0..23)
        .map(|i| json!({"title": format!("P{i}"), "severity": if i % 2 == 0 { "high" } else { "low" }}))
        .collect();
    app.admin("POST", "/api/v1/alerts/batch", Some(json!({ "alerts": alerts })))
        .await
        .expect(200);
    // A batch shares one timestamp: the id breaks the tie.
    for i in 23..27 {
        app.admin(
            "POST",
            "/api/v1/alerts",
            Some(json!({"title": format!("P{i}"), "severity": "high"})),
        )
        .await
        .expect(201);
    }
    let walk = |filter: &'static str, limit: u32| {
        let app = &app;
        async move {
            let mut seen = Vec::new();
            let mut pages = 0;
            let mut cursor: Option<String> = None;
            loop {
                let path = match &cursor {
                    Some(c) => format!("/api/v1/alerts?limit={limit}{filter}&cursor={c}"),
                    None => format!("/api/v1/alerts?limit={limit}{filter}"),
                };
                let r = app.admin("GET", &path, None).await.expect(200);
                assert!(r.body.get("total").is_none(), "total only on request");
                let page = numbers(&r);
                assert!(page.len() <= limit as usize);
                seen.extend(page);
                pages += 1;
                match r.body["next_cursor"].as_str() {
                    Some(c) => cursor = Some(c.to_owned()),
                    None => break,
                }
            }
            (seen, pages)
        }
    };
    let (seen, pages) = walk("", 5).await;
    assert_eq!(seen, (1..=27).rev().collect::<Vec<_>>(), "newest first, once each");
    assert_eq!(pages, 6);
    let (seen, _) = walk("&severity=high", 4).await;
    let want: Vec<i64> = (1..=27).rev().filter(|n| *n > 23 || (n - 1) % 2 == 0).collect();
    assert_eq!(seen, want);
    // Exactly one page when the limit fits.
    let (seen, pages) = walk("", 27).await;
    assert_eq!((seen.len(), pages), (27, 1));

    let r = app
        .admin("GET", "/api/v1/alerts?count=true&limit=2", None)
        .await
        .expect(200);
    assert_eq!(r.body["total"], 27);
    assert_eq!(numbers(&r), [27, 26]);
    let r = app
        .admin("GET", "/api/v1/alerts?count=true&severity=low", None)
        .await
        .expect(200);
    assert_eq!(r.body["total"], 11);
    let r = app.admin("GET", "/api/v1/alerts?count=false", None).await.expect(200);
    assert!(r.body.get("total").is_none());
    assert_eq!(numbers(&r).len(), 27, "default limit is 50");
}

async fn get_by_number_and_uuid(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    for t in ["One", "Two"] {
        app.admin("POST", "/api/v1/alerts", Some(json!({"title": t, "tags": ["x"]})))
            .await
            .expect(201);
    }
    let by_num = app.admin("GET", "/api/v1/alerts/2", None).await.expect(200);
    assert_eq!(by_num.body["title"], "Two");
    assert_eq!(by_num.header("etag"), Some("\"1\""));
    let id = by_num.body["id"].as_str().unwrap().to_owned();
    let by_id = app
        .admin("GET", &format!("/api/v1/alerts/{id}"), None)
        .await
        .expect(200);
    assert_eq!(by_num.body, by_id.body);
    // The list shows the same representation.
    let l = app.admin("GET", "/api/v1/alerts", None).await.expect(200);
    assert_eq!(l.body["items"][0], by_num.body);

    for missing in ["3", "01890000-0000-7000-8000-000000000000"] {
        let r = app
            .admin("GET", &format!("/api/v1/alerts/{missing}"), None)
            .await
            .expect(404);
        assert_eq!(r.body["code"], "not_found");
    }
    for bad in ["0", "-1", "abc", "1.5"] {
        let r = app
            .admin("GET", &format!("/api/v1/alerts/{bad}"), None)
            .await
            .expect(422);
        assert_eq!(r.body["errors"][0]["code"], "invalid_id", "{bad}");
    }
    // Another workspace's alert is not found, by number or by id.
    let (_, other) = app.tenant("Other").await;
    app.as_key(&other, "GET", "/api/v1/alerts/1", None).await.expect(404);
    app.as_key(&other, "GET", &format!("/api/v1/alerts/{id}"), None)
        .await
        .expect(404);
}

async fn update_version_status_assignee_tags(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (alice, alice_key) = app.member("alice", "analyst").await;
    app.admin(
        "POST",
        "/api/v1/alerts",
        Some(json!({"title": "Triage me", "tags": ["a", "b"], "severity": "low"})),
    )
    .await
    .expect(201);

    let u = app
        .admin(
            "PATCH",
            "/api/v1/alerts/1",
            Some(json!({"title": "  Triaged  ", "severity": "high", "version": 1})),
        )
        .await
        .expect(200);
    assert_eq!(u.body["title"], "Triaged");
    assert_eq!(u.body["severity"], "high");
    assert_eq!(u.body["version"], 2);
    assert_eq!(u.header("etag"), Some("\"2\""));
    // A stale version conflicts and changes nothing.
    let stale = app
        .admin(
            "PATCH",
            "/api/v1/alerts/1",
            Some(json!({"title": "Lost update", "version": 1})),
        )
        .await
        .expect(409);
    assert_eq!(stale.body["code"], "conflict");
    assert_eq!(stale.header("content-type"), Some("application/problem+json"));
    let h = [
        ("authorization", format!("Bearer {}", crate::harness::ADMIN_KEY)),
        ("if-match", "\"1\"".to_owned()),
    ];
    let hs: Vec<(&str, &str)> = h.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.call("PATCH", "/api/v1/alerts/1", &hs, Some(r#"{"title":"Lost too"}"#))
        .await
        .expect(409);
    let g = app.admin("GET", "/api/v1/alerts/1", None).await.expect(200);
    assert_eq!(g.body["title"], "Triaged");
    assert_eq!(g.body["version"], 2);

    // Status: the detailed state follows.
    let s = app
        .as_key(
            &alice_key,
            "PATCH",
            "/api/v1/alerts/1",
            Some(json!({"status": "in_progress", "version": 2})),
        )
        .await
        .expect(200);
    assert_eq!(s.body["status"], "in_progress");
    assert_eq!(s.body["state"]["code"], "in_progress");
    assert_eq!(s.body["version"], 3);
    let s = app
        .admin(
            "PATCH",
            "/api/v1/alerts/1",
            Some(json!({"status": "closed", "resolution": "false_positive"})),
        )
        .await
        .expect(200);
    assert_eq!(s.body["status"], "closed");
    assert_eq!(s.body["state"]["code"], "closed");
    assert_eq!(s.body["resolution"], "false_positive");
    let l = app.admin("GET", "/api/v1/alerts?status=closed", None).await.expect(200);
    assert_eq!(numbers(&l), [1]);

    // Assignee: a member of the workspace; not a user of another one, not an unknown user.
    let a = app
        .admin("PATCH", "/api/v1/alerts/1", Some(json!({"assignee": alice})))
        .await
        .expect(200);
    assert_eq!(a.body["assignee"]["id"], alice.as_str());
    assert_eq!(a.body["assignee"]["login"], "alice");
    let (_, other_key) = app.tenant("Other").await;
    let outsider = app.as_key(&other_key, "GET", "/api/v1/me", None).await.expect(200).body["user"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .admin("PATCH", "/api/v1/alerts/1", Some(json!({"assignee": outsider})))
        .await
        .expect(422);
    assert_eq!(r.body["errors"][0]["field"], "assignee");
    assert_eq!(r.body["errors"][0]["code"], "not_a_member");
    let r = app
        .admin(
            "PATCH",
            "/api/v1/alerts/1",
            Some(json!({"assignee": "01890000-0000-7000-8000-000000000000"})),
        )
        .await
        .expect(422);
    assert_eq!(r.body["errors"][0]["field"], "assignee");
    app.admin("PATCH", "/api/v1/alerts/1", Some(json!({"assignee": "alice"})))
        .await
        .expect(422);
    let g = app.admin("GET", "/api/v1/alerts/1", None).await.expect(200);
    assert_eq!(g.body["assignee"]["login"], "alice");

    // Tags are replaced by the given list; null clears the assignee.
    let t = app
        .admin(
            "PATCH",
            "/api/v1/alerts/1",
            Some(json!({"tags": ["B", "c", "c"], "assignee": null, "custom": {"k": 1}})),
        )
        .await
        .expect(200);
    assert_eq!(t.body["tags"], json!(["b", "c"]), "the workspace's first spelling");
    assert_eq!(t.body["assignee"], Value::Null);
    assert_eq!(t.body["custom"], json!({"k": 1}));
    assert_eq!(t.body["title"], "Triaged", "untouched fields stay");
    let v = t.body["version"].as_i64().unwrap();
    // A no-op does not bump the version.
    let same = app
        .admin("PATCH", "/api/v1/alerts/1", Some(json!({"tags": ["b", "c"]})))
        .await
        .expect(200);
    assert_eq!(same.body["version"], v);
    let l = app.admin("GET", "/api/v1/alerts?tags=a", None).await.expect(200);
    assert_eq!(numbers(&l), Vec::<i64>::new());

    // Validation and unknown alerts.
    let r = app
        .admin("PATCH", "/api/v1/alerts/1", Some(json!({"title": ""})))
        .await
        .expect(422);
    assert_eq!(r.body["errors"][0]["field"], "title");
    app.admin("PATCH", "/api/v1/alerts/1", Some(json!({"source": "changed"})))
        .await
        .expect(422);
    app.admin("PATCH", "/api/v1/alerts/9", Some(json!({"title": "x"})))
        .await
        .expect(404);
}

async fn promote_to_case(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (alice, _) = app.member("alice", "analyst").await;
    let a = app
        .admin(
            "POST",
            "/api/v1/alerts",
            Some(
                json!({"title": "Ransomware note on fs-02", "description": "README_DECRYPT.txt everywhere",
                "severity": "critical", "tags": ["ransomware", "fs-02"], "tlp": "red", "pap": "amber",
                "source": "edr", "source_ref": "r-1", "source_link": "https://edr.example.org/r/1",
                "event_time": "2026-03-04T05:06:07Z"}),
            ),
        )
        .await
        .expect(201);
    let alert_id = a.body["alert"]["id"].as_str().unwrap().to_owned();
    app.admin("PATCH", "/api/v1/alerts/1", Some(json!({"assignee": alice})))
        .await
        .expect(200);

    let c = app
        .admin("POST", &format!("/api/v1/alerts/{alert_id}/promote"), None)
        .await
        .expect(201);
    let case = c.json();
    assert_eq!(case["number"], 1);
    assert_eq!(case["title"], "Ransomware note on fs-02");
    assert_eq!(case["description"], "README_DECRYPT.txt everywhere");
    assert_eq!(case["severity"], "critical");
    assert_eq!(case["tags"], json!(["ransomware", "fs-02"]));
    assert_eq!(case["tlp"], "red");
    assert_eq!(case["pap"], "amber");
    assert_eq!(case["status"], "new");
    assert_eq!(case["assignee"]["login"], "alice");
    assert_eq!(case["external_link"], "https://edr.example.org/r/1");
    assert_eq!(case["occurred_at"], "2026-03-04T05:06:07.000000Z");
    assert_eq!(case["created_by"]["login"], "admin");
    let case_id = case["id"].as_str().unwrap().to_owned();

    let g = app.admin("GET", "/api/v1/alerts/1", None).await.expect(200);
    assert_eq!(g.body["status"], "closed");
    assert_eq!(g.body["state"]["code"], "escalated");
    assert_eq!(g.body["state"]["id"], 8);
    assert_eq!(g.body["cases"], json!([case_id]));
    // An escalated alert is not promoted again.
    let again = app.admin("POST", "/api/v1/alerts/1/promote", None).await.expect(409);
    assert_eq!(again.body["code"], "conflict");
    let got = app
        .admin("GET", &format!("/api/v1/cases/{case_id}"), None)
        .await
        .expect(200);
    assert_eq!(got.body["title"], "Ransomware note on fs-02");
    app.admin("GET", "/api/v1/cases/1", None).await.expect(200);
    // The case's trail tells where it came from and holds the escalation.
    let t = app.admin("GET", "/api/v1/cases/1/activity", None).await.expect(200);
    let items = t.body["items"].as_array().unwrap();
    assert!(
        items.iter().any(|i| i["action"] == "create"
            && i["object_kind"] == "case"
            && i["message"] == "case #1 created from alert #1"),
        "{items:?}"
    );
    assert!(
        items
            .iter()
            .any(|i| i["action"] == "escalate" && i["object_id"] == alert_id.as_str()),
        "{items:?}"
    );

    // A title may be given; the body may also be an empty object. Numbers go on.
    app.admin(
        "POST",
        "/api/v1/alerts",
        Some(json!({"title": "Second", "tags": ["t"]})),
    )
    .await
    .expect(201);
    let c2 = app
        .admin(
            "POST",
            "/api/v1/alerts/2/promote",
            Some(json!({"title": "  Named case  "})),
        )
        .await
        .expect(201);
    assert_eq!(c2.body["number"], 2);
    assert_eq!(c2.body["title"], "Named case");
    assert_eq!(c2.body["severity"], "medium");
    assert_eq!(c2.body["tlp"], "amber", "the default TLP when the alert has none");
    app.admin("POST", "/api/v1/alerts", Some(json!({"title": "Third"})))
        .await
        .expect(201);
    app.admin("POST", "/api/v1/alerts/3/promote", Some(json!({})))
        .await
        .expect(201);
    let r = app
        .admin("POST", "/api/v1/alerts/3/promote", Some(json!({"title": ""})))
        .await
        .expect(422);
    assert_eq!(r.body["errors"][0]["field"], "title");
    app.admin("POST", "/api/v1/alerts/3/promote", Some(json!({"bogus": 1})))
        .await
        .expect(422);
    app.admin("POST", "/api/v1/alerts/99/promote", None).await.expect(404);
    let l = app.admin("GET", "/api/v1/cases?count=true", None).await.expect(200);
    assert_eq!(l.body["total"], 3);
    let l = app
        .admin("GET", "/api/v1/alerts?status=closed&count=true", None)
        .await
        .expect(200);
    assert_eq!(l.body["total"], 3);
}

async fn merge_into_case(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let c = app
        .admin("POST", "/api/v1/cases", Some(json!({"title": "Campaign"})))
        .await
        .expect(201);
    let case_id = c.body["id"].as_str().unwrap().to_owned();
    let case_version = c.body["version"].as_i64().unwrap();
    for t in ["Phish 1", "Phish 2", "Phish 3"] {
        app.admin("POST", "/api/v1/alerts", Some(json!({"title": t})))
            .await
            .expect(201);
    }

    // By case number.
    let m = app
        .admin("POST", "/api/v1/alerts/1/merge", Some(json!({"case_id": "1"})))
        .await
        .expect(200);
    assert_eq!(m.body["number"], 1);
    assert_eq!(m.body["status"], "closed");
    assert_eq!(m.body["state"]["code"], "merged");
    assert_eq!(m.body["state"]["id"], 7);
    assert_eq!(m.body["cases"], json!([case_id]));
    // By case UUID.
    let m = app
        .admin("POST", "/api/v1/alerts/2/merge", Some(json!({ "case_id": case_id })))
        .await
        .expect(200);
    assert_eq!(m.body["state"]["code"], "merged");
    assert_eq!(m.body["cases"], json!([case_id]));
    // Merging twice into the same case links once.
    let m = app
        .admin("POST", "/api/v1/alerts/2/merge", Some(json!({"case_id": "1"})))
        .await
        .expect(200);
    assert_eq!(m.body["cases"], json!([case_id]));
    let g = app.admin("GET", "/api/v1/alerts/1", None).await.expect(200);
    assert_eq!(g.body["cases"], json!([case_id]));
    // The case shows it changed.
    let cc = app.admin("GET", "/api/v1/cases/1", None).await.expect(200);
    assert!(cc.body["version"].as_i64().unwrap() > case_version);

    // An alert may join a second case.
    let c2 = app
        .admin("POST", "/api/v1/cases", Some(json!({"title": "Other campaign"})))
        .await
        .expect(201);
    let m = app
        .admin("POST", "/api/v1/alerts/1/merge", Some(json!({"case_id": "2"})))
        .await
        .expect(200);
    assert_eq!(m.body["cases"], json!([case_id, c2.body["id"]]));

    // Unknown or malformed cases: 422 on case_id, and the alert is untouched.
    for bad in ["99", "01890000-0000-7000-8000-000000000000"] {
        let r = app
            .admin("POST", "/api/v1/alerts/3/merge", Some(json!({ "case_id": bad })))
            .await
            .expect(422);
        assert_eq!(r.body["errors"][0]["field"], "case_id");
        assert_eq!(r.body["errors"][0]["code"], "not_found");
    }
    for bad in ["abc", "0", ""] {
        let r = app
            .admin("POST", "/api/v1/alerts/3/merge", Some(json!({ "case_id": bad })))
            .await
            .expect(422);
        assert_eq!(r.body["errors"][0]["field"], "case_id", "{bad}");
    }
    app.admin("POST", "/api/v1/alerts/3/merge", Some(json!({"case_id": 1})))
        .await
        .expect(422);
    app.admin("POST", "/api/v1/alerts/3/merge", Some(json!({})))
        .await
        .expect(422);
    let g = app.admin("GET", "/api/v1/alerts/3", None).await.expect(200);
    assert_eq!(g.body["status"], "new");
    assert_eq!(g.body["state"]["code"], "new");
    assert_eq!(g.body["cases"], json!([]));
    // Unknown alert.
    app.admin("POST", "/api/v1/alerts/42/merge", Some(json!({"case_id": "1"})))
        .await
        .expect(404);
    // A case of another workspace is unknown here.
    let (_, other) = app.tenant("Other").await;
    let oc = app
        .as_key(&other, "POST", "/api/v1/cases", Some(json!({"title": "Theirs"})))
        .await
        .expect(201);
    let r = app
        .admin(
            "POST",
            "/api/v1/alerts/3/merge",
            Some(json!({"case_id": oc.body["id"]})),
        )
        .await
        .expect(422);
    assert_eq!(r.body["errors"][0]["field"], "case_id");
    // Deleting a case drops it from its alerts' `cases`.
    app.admin("DELETE", "/api/v1/cases/2", None).await.expect(204);
    let g = app.admin("GET", "/api/v1/alerts/1", None).await.expect(200);
    assert_eq!(g.body["cases"], json!([case_id]));
}

async fn activity_trail(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let a = app
        .admin(
            "POST",
            "/api/v1/alerts",
            Some(json!({"title": "Audited", "source": "s", "source_ref": "r", "severity": "low"})),
        )
        .await
        .expect(201);
    let alert_id = a.body["alert"]["id"].as_str().unwrap().to_owned();
    app.admin(
        "POST",
        "/api/v1/alerts",
        Some(json!({"title": "Audited", "source": "s", "source_ref": "r", "count": 4})),
    )
    .await
    .expect(200);
    app.admin(
        "PATCH",
        "/api/v1/alerts/1",
        Some(json!({"severity": "high", "title": "Audited alert"})),
    )
    .await
    .expect(200);
    // Another alert's activity stays out of this trail.
    app.admin("POST", "/api/v1/alerts", Some(json!({"title": "Noise"})))
        .await
        .expect(201);

    let t = app.admin("GET", "/api/v1/alerts/1/activity", None).await.expect(200);
    let items = t.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 4, "{items:?}");
    let actions: Vec<&str> = items.iter().map(|i| i["action"].as_str().unwrap()).collect();
    assert_eq!(&actions[2..], ["repeat", "create"], "newest first");
    assert_eq!(actions[..2], ["update", "update"]);
    for i in items {
        assert_eq!(i["object_kind"], "alert");
        assert_eq!(i["actor"]["login"], "admin");
        assert_eq!(i["via"], "native");
        assert!(i["request_id"].is_string());
    }
    let create = &items[3];
    assert_eq!(create["object_id"], alert_id.as_str());
    let repeat = &items[2];
    assert_eq!(repeat["field"], "occurrences");
    // The running total before and after, and the count received.
    assert_eq!(repeat["old"], 1);
    assert_eq!(repeat["new"], 5);
    assert_eq!(repeat["message"], "received again 4 time(s)");
    assert_eq!(repeat["object_id"], alert_id.as_str());
    let sev = items.iter().find(|i| i["field"] == "severity").unwrap();
    assert_eq!(sev["old"], "low");
    assert_eq!(sev["new"], "high");
    assert_eq!(sev["object_id"], alert_id.as_str());
    let title = items.iter().find(|i| i["field"] == "title").unwrap();
    assert_eq!(title["old"], "Audited");
    assert_eq!(title["new"], "Audited alert");

    // Paging through the trail.
    let p1 = app
        .admin("GET", "/api/v1/alerts/1/activity?limit=3", None)
        .await
        .expect(200);
    assert_eq!(p1.body["items"].as_array().unwrap().len(), 3);
    let c = p1.body["next_cursor"].as_str().unwrap();
    let p2 = app
        .admin("GET", &format!("/api/v1/alerts/1/activity?limit=3&cursor={c}"), None)
        .await
        .expect(200);
    assert_eq!(p2.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(p2.body["items"][0]["action"], "create");
    assert_eq!(p2.body["next_cursor"], Value::Null);

    // Merging adds its entries to the alert's trail.
    app.admin("POST", "/api/v1/cases", Some(json!({"title": "Home"})))
        .await
        .expect(201);
    app.admin("POST", "/api/v1/alerts/1/merge", Some(json!({"case_id": "1"})))
        .await
        .expect(200);
    let t = app
        .admin("GET", "/api/v1/alerts/1/activity?limit=2", None)
        .await
        .expect(200);
    let mut top: Vec<(String, Value)> = t.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["action"].as_str().unwrap().to_owned(), i["new"].clone()))
        .collect();
    top.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        top,
        [
            ("merge".to_owned(), Value::Null),
            ("update".to_owned(), json!("merged"))
        ]
    );
    app.admin("GET", "/api/v1/alerts/9/activity", None).await.expect(404);
    app.admin("GET", "/api/v1/alerts/1/activity?foo=1", None)
        .await
        .expect(422);
}

// Regression tests for bugs found while this suite was written.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_batch_repeats_count_as_deduplicated() {
    for b in [Backend::Sqlite, Backend::Postgres] {
        let Some(app) = TestApp::spawn(b).await else {
            continue;
        };
        let r = app
            .admin(
                "POST",
                "/api/v1/alerts/batch",
                Some(json!({"alerts": [
                    {"title": "a", "source": "s", "source_ref": "1"},
                    {"title": "b", "source": "s", "source_ref": "2"},
                    {"title": "a again", "source": "s", "source_ref": "1"}
                ]})),
            )
            .await
            .expect(200);
        assert_eq!(r.body["items"][2]["id"], r.body["items"][0]["id"]);
        assert_eq!(r.body["items"][2]["number"], 1);
        assert_eq!(
            r.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["created"].clone())
                .collect::<Vec<_>>(),
            [true, true, false]
        );
        assert_eq!(r.body["created"], 2);
        assert_eq!(r.body["deduplicated"], 1);
    }
}

/// Promoting or merging an alert brings its observables into the case (once each).
async fn observables_travel_with_the_alert(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else { return };
    app.admin(
        "POST",
        "/api/v1/alerts",
        Some(json!({"title": "Beacon", "source": "edr", "source_ref": "1"})),
    )
    .await
    .expect(201);
    for (t, v) in [("domain", "Evil.Example.com"), ("ip-any", "10.1.2.3")] {
        app.admin(
            "POST",
            "/api/v1/alerts/1/observables",
            Some(json!({"type": t, "value": v, "tlp": "red"})),
        )
        .await
        .expect(201);
    }
    let case = app.admin("POST", "/api/v1/alerts/1/promote", None).await.expect(201);
    let number = case.body["number"].as_i64().unwrap();
    let obs = app
        .admin("GET", &format!("/api/v1/cases/{number}/observables"), None)
        .await
        .expect(200);
    let mut values: Vec<&str> = obs.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["value"].as_str().unwrap())
        .collect();
    values.sort_unstable();
    assert_eq!(values, ["10.1.2.3", "evil.example.com"]);
    assert!(obs.body["items"].as_array().unwrap().iter().all(|o| o["tlp"] == "red"));
    // A second alert sharing one value, merged into the same case: only the new value is added.
    app.admin(
        "POST",
        "/api/v1/alerts",
        Some(json!({"title": "Beacon 2", "source": "edr", "source_ref": "2"})),
    )
    .await
    .expect(201);
    for (t, v) in [
        ("domain", "evil.example.com"),
        ("md5", "D41D8CD98F00B204E9800998ECF8427E"),
    ] {
        app.admin(
            "POST",
            "/api/v1/alerts/2/observables",
            Some(json!({"type": t, "value": v})),
        )
        .await
        .expect(201);
    }
    app.admin(
        "POST",
        "/api/v1/alerts/2/merge",
        Some(json!({"case_id": number.to_string()})),
    )
    .await
    .expect(200);
    let obs = app
        .admin("GET", &format!("/api/v1/cases/{number}/observables"), None)
        .await
        .expect(200);
    let mut values: Vec<&str> = obs.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["value"].as_str().unwrap())
        .collect();
    values.sort_unstable();
    assert_eq!(
        values,
        ["10.1.2.3", "d41d8cd98f00b204e9800998ecf8427e", "evil.example.com"]
    );
}

/// A team (IRIS group) of the default workspace; its id.
async fn team(app: &TestApp, name: &str) -> String {
    let g = app
        .iris_ok(
            "POST",
            "/manage/groups/add",
            Some(json!({"group_name": name, "group_description": "d"})),
        )
        .await;
    g["group_uuid"].as_str().unwrap().to_owned()
}

/// The signal fields, teams, organisations, observables and custom fields are stored, shown
/// and (the signal ones) filtered on.
async fn signal_fields_round_trip_and_filter(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let soc = team(&app, "SOC").await;
    let other = app
        .admin("POST", "/api/v1/workspaces", Some(json!({"name": "MSSP client"})))
        .await
        .expect(201);
    let other_id = other.body["id"].as_str().unwrap().to_owned();
    app.admin(
        "POST",
        "/api/v1/custom-fields",
        Some(json!({"entity": "alert", "key": "sensor", "type": "text"})),
    )
    .await
    .expect(201);
    let r = app
        .admin(
            "POST",
            "/api/v1/alerts",
            Some(json!({
                "title": "Impossible travel", "source": "duo", "source_ref": "DUO-1",
                "subject_email": " J.Doe@Example.com ", "subject_name": "Jane Doe",
                "signal_type": "core_iam", "category": ["data", "Identity"], "subcategory": ["exfiltration"],
                "platform_event_id": "DUO-123", "flagged": true, "safe": false,
                "teams": [soc], "organizations": [other_id],
                "observables": [{"type": "ip-any", "value": "10.0.0.1"}, {"type": "domain", "value": "Evil.Example.com", "tlp": "red"}],
                "custom": {"sensor": "edr-1"}
            })),
        )
        .await
        .expect(201);
    let a = r.body["alert"].clone();
    assert_eq!(a["subject_email"], "j.doe@example.com");
    assert_eq!(a["subject_name"], "Jane Doe");
    assert_eq!(a["signal_type"], "core_iam");
    assert_eq!(a["category"], json!(["data", "Identity"]));
    assert_eq!(a["subcategory"], json!(["exfiltration"]));
    assert_eq!(a["platform_event_id"], "DUO-123");
    assert_eq!(a["flagged"], true);
    assert_eq!(a["safe"], false);
    assert_eq!(a["teams"], json!([{"id": soc, "name": "SOC"}]));
    assert_eq!(a["organizations"], json!([{"id": other_id, "name": "MSSP client"}]));
    assert_eq!(a["custom"], json!({"sensor": "edr-1"}));
    let values: Vec<&str> = a["observables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["value"].as_str().unwrap())
        .collect();
    assert_eq!(values, ["10.0.0.1", "evil.example.com"]);
    assert_eq!(a["observables"][1]["tlp"], "red");
    // Read back as stored, by number.
    let g = app.admin("GET", "/api/v1/alerts/1", None).await.expect(200);
    for k in [
        "subject_email",
        "subject_name",
        "signal_type",
        "category",
        "subcategory",
        "platform_event_id",
        "flagged",
        "safe",
        "teams",
        "organizations",
        "observables",
        "custom",
    ] {
        assert_eq!(g.body[k], a[k], "{k}");
    }
    // The same observables are the alert's own list.
    let o = app.admin("GET", "/api/v1/alerts/1/observables", None).await.expect(200);
    assert_eq!(o.body["items"].as_array().unwrap().len(), 2);

    // Two more alerts: one benign from another user, one bare.
    app.admin(
        "POST",
        "/api/v1/alerts",
        Some(
            json!({"title": "Login", "subject_email": "bob@example.com", "signal_type": "okta",
                    "platform_event_id": "OK-1", "safe": true, "category": ["identity"]}),
        ),
    )
    .await
    .expect(201);
    app.admin("POST", "/api/v1/alerts", Some(json!({"title": "Bare"})))
        .await
        .expect(201);
    for (query, expected) in [
        ("subject_email=J.DOE@example.com", vec![1]),
        ("subject_email=bob@example.com", vec![2]),
        ("subject_email=nobody@example.com", vec![]),
        ("signal_type=core_iam", vec![1]),
        ("signal_type=okta", vec![2]),
        ("platform_event_id=DUO-123", vec![1]),
        ("platform_event_id=DUO", vec![]),
        ("flagged=true", vec![1]),
        ("flagged=false", vec![3, 2]),
        ("safe=true", vec![2]),
        ("safe=false", vec![3, 1]),
        ("category=identity", vec![2, 1]),
        ("category=data&category=identity", vec![1]),
        ("flagged=false&safe=true", vec![2]),
    ] {
        let r = app
            .admin("GET", &format!("/api/v1/alerts?{query}"), None)
            .await
            .expect(200);
        assert_eq!(numbers(&r), expected, "{query}");
        assert_eq!(total(&app, query).await, expected.len() as i64, "{query}");
    }
    let r = app.admin("GET", "/api/v1/alerts?flagged=maybe", None).await.expect(422);
    assert_eq!(r.body["errors"][0]["field"], "flagged");

    // The batch endpoint takes the same fields.
    let r = app
        .admin(
            "POST",
            "/api/v1/alerts/batch",
            Some(json!({"alerts": [
                {"title": "b1", "subject_email": "Carol@Example.com", "signal_type": "core_iam", "flagged": true,
                 "category": ["data"], "teams": [soc], "organizations": [other_id],
                 "observables": [{"type": "ip-any", "value": "10.0.0.1"}]},
                {"title": "b2", "platform_event_id": "P-2", "safe": true, "custom": {"sensor": "s"}}
            ]})),
        )
        .await
        .expect(200);
    assert_eq!(r.body["created"], 2);
    let b1 = app.admin("GET", "/api/v1/alerts/4", None).await.expect(200);
    assert_eq!(b1.body["subject_email"], "carol@example.com");
    assert_eq!(b1.body["category"], json!(["data"]));
    assert_eq!(b1.body["teams"][0]["id"], soc.as_str());
    assert_eq!(b1.body["organizations"][0]["id"], other_id.as_str());
    assert_eq!(b1.body["observables"][0]["value"], "10.0.0.1");
    // The observable identity is shared with alert 1's.
    assert_eq!(
        b1.body["observables"][0]["observable_id"],
        a["observables"][0]["observable_id"]
    );
    let b2 = app.admin("GET", "/api/v1/alerts/5", None).await.expect(200);
    assert_eq!(b2.body["platform_event_id"], "P-2");
    assert_eq!(b2.body["safe"], true);
    assert_eq!(b2.body["custom"], json!({"sensor": "s"}));
    assert_eq!(
        numbers(&app.admin("GET", "/api/v1/alerts?signal_type=core_iam", None).await),
        [4, 1]
    );
}

/// Dedup on (source, source_ref): single and batch, repeats inside one batch, occurrences, and
/// what a repeat adds (observables, categories, teams) or refreshes (signal fields).
async fn inline_observables_and_dedup_single_and_batch(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let soc = team(&app, "SOC").await;
    let first = app
        .admin(
            "POST",
            "/api/v1/alerts",
            Some(
                json!({"title": "Beacon", "source": "edr", "source_ref": "x-1", "signal_type": "edr",
                        "category": ["malware"], "observables": [{"type": "ip-any", "value": "10.9.9.9"}]}),
            ),
        )
        .await
        .expect(201);
    let id = first.body["alert"]["id"].as_str().unwrap().to_owned();
    // A repeat: the same alert, counted, with what it adds.
    let again = app
        .admin(
            "POST",
            "/api/v1/alerts",
            Some(json!({"title": "Beacon (again)", "source": "edr", "source_ref": "x-1", "count": 2,
                        "flagged": true, "category": ["MALWARE", "c2"], "teams": [soc],
                        "observables": [{"type": "ip-any", "value": "10.9.9.9"}, {"type": "domain", "value": "c2.example.com"}]})),
        )
        .await
        .expect(200);
    assert_eq!(again.body["created"], false);
    let a = &again.body["alert"];
    assert_eq!(a["id"], id.as_str());
    assert_eq!(a["occurrences"], 3);
    assert_eq!(a["title"], "Beacon (again)");
    assert_eq!(a["signal_type"], "edr", "kept when the repeat does not give it");
    assert_eq!(a["flagged"], true);
    assert_eq!(a["category"], json!(["malware", "c2"]));
    assert_eq!(a["teams"][0]["name"], "SOC");
    let values: Vec<&str> = a["observables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["value"].as_str().unwrap())
        .collect();
    assert_eq!(values, ["10.9.9.9", "c2.example.com"], "each observable once");

    // A batch: repeats of a stored alert and within the batch, with observables on each.
    let r = app
        .admin(
            "POST",
            "/api/v1/alerts/batch",
            Some(json!({"alerts": [
                {"title": "n1", "source": "edr", "source_ref": "x-2", "observables": [{"type": "md5", "value": "D41D8CD98F00B204E9800998ECF8427E"}]},
                {"title": "Beacon 3", "source": "edr", "source_ref": "x-1", "observables": [{"type": "domain", "value": "c2b.example.com"}]},
                {"title": "n1 again", "source": "edr", "source_ref": "x-2", "count": 4, "subject_email": "X@Example.com",
                 "observables": [{"type": "md5", "value": "d41d8cd98f00b204e9800998ecf8427e"}, {"type": "ip-any", "value": "10.1.1.1"}]},
                {"title": "other source", "source": "ids", "source_ref": "x-2"}
            ]})),
        )
        .await
        .expect(200);
    assert_eq!(r.body["created"], 2);
    assert_eq!(r.body["deduplicated"], 2);
    let created: Vec<bool> = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["created"].as_bool().unwrap())
        .collect();
    assert_eq!(created, [true, false, false, true]);
    assert_eq!(r.body["items"][1]["id"], id.as_str());
    assert_eq!(r.body["items"][2]["id"], r.body["items"][0]["id"]);
    assert_ne!(r.body["items"][3]["id"], r.body["items"][0]["id"]);
    let n1 = r.body["items"][0]["number"].as_i64().unwrap();
    let g = app
        .admin("GET", &format!("/api/v1/alerts/{n1}"), None)
        .await
        .expect(200);
    assert_eq!(g.body["occurrences"], 5);
    assert_eq!(g.body["title"], "n1 again");
    assert_eq!(g.body["subject_email"], "x@example.com");
    assert_eq!(g.body["observables"].as_array().unwrap().len(), 2);
    let g = app
        .admin("GET", &format!("/api/v1/alerts/{id}"), None)
        .await
        .expect(200);
    assert_eq!(g.body["occurrences"], 4);
    assert_eq!(g.body["observables"].as_array().unwrap().len(), 3);
    assert_eq!(total(&app, "").await, 3);
    // IRIS `alerts/add` always creates: two IRIS alerts with one source reference are two.
    for _ in 0..2 {
        app.iris_ok(
            "POST",
            "/alerts/add",
            Some(
                json!({"alert_title": "iris", "alert_severity_id": 4, "alert_status_id": 2,
                        "alert_customer_id": 1, "alert_source": "edr", "alert_source_ref": "x-1"}),
            ),
        )
        .await;
    }
    assert_eq!(total(&app, "").await, 5);
    // ...and a native repeat still counts onto the native alert.
    let r = app
        .admin(
            "POST",
            "/api/v1/alerts",
            Some(json!({"title": "Beacon", "source": "edr", "source_ref": "x-1"})),
        )
        .await
        .expect(200);
    assert_eq!(r.body["alert"]["id"], id.as_str());
}

/// One escalation for every API: a second one is a conflict (native promote and IRIS
/// escalate alike); the case takes the alert's customer, classification, observables and
/// assets; the owner is the alert's assignee, else the escalating user.
async fn escalation_rules_hold_for_every_api(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    // An IRIS alert with a customer, a classification, an IOC and an asset, promoted natively.
    let a = app
        .iris_ok(
            "POST",
            "/alerts/add",
            Some(
                json!({"alert_title": "Phish", "alert_description": "d", "alert_severity_id": 5,
                        "alert_status_id": 2, "alert_customer_id": 1, "alert_classification_id": 1,
                        "alert_iocs": [{"ioc_value": "evil.example.com", "ioc_type_id": 20, "ioc_tlp_id": 1,
                                        "ioc_description": "", "ioc_tags": ""}],
                        "alert_assets": [{"asset_name": "pc-1", "asset_type_id": 1}]}),
            ),
        )
        .await;
    let n = a["alert_id"].as_i64().unwrap();
    let c = app
        .admin("POST", &format!("/api/v1/alerts/{n}/promote"), None)
        .await
        .expect(201);
    assert_eq!(c.body["title"], "Phish");
    assert_eq!(c.body["customer"]["number"], 1);
    assert_eq!(c.body["classification"]["id"], 1);
    assert_eq!(c.body["severity"], "high");
    assert_eq!(c.body["external_ref"], n.to_string());
    assert_eq!(
        c.body["assignee"]["login"], "admin",
        "an unassigned alert's case is the caller's"
    );
    let case = c.body["number"].as_i64().unwrap();
    let cases = app
        .admin("GET", "/api/v1/cases?count=true", None)
        .await
        .expect(200)
        .body["total"]
        .clone();
    let obs = app
        .admin("GET", &format!("/api/v1/cases/{case}/observables"), None)
        .await
        .expect(200);
    assert_eq!(obs.body["items"][0]["value"], "evil.example.com");
    assert_eq!(obs.body["items"][0]["tlp"], "red");
    let assets = app
        .admin("GET", &format!("/api/v1/cases/{case}/assets"), None)
        .await
        .expect(200);
    assert_eq!(assets.body["items"][0]["name"], "pc-1");
    // A second escalation, through either API, is refused and opens nothing.
    let r = app
        .admin("POST", &format!("/api/v1/alerts/{n}/promote"), None)
        .await
        .expect(409);
    assert_eq!(r.body["code"], "conflict");
    let r = app
        .iris(
            "POST",
            &format!("/alerts/escalate/{n}"),
            Some(json!({"iocs_import_list": [], "assets_import_list": []})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text);
    assert_eq!(r.body["status"], "error");
    let l = app.admin("GET", "/api/v1/cases?count=true", None).await.expect(200);
    assert_eq!(l.body["total"], cases, "no case opened");

    // A native alert with an assignee, escalated through IRIS: the assignee owns the case,
    // the IRIS wording titles it, and the chosen (none) observables stay behind.
    let (alice, _) = app.member("alice", "analyst").await;
    let n2 = app
        .admin(
            "POST",
            "/api/v1/alerts",
            Some(json!({"title": "Native", "description": "nd", "observables": [{"type": "ip-any", "value": "10.2.2.2"}]})),
        )
        .await
        .expect(201)
        .body["alert"]["number"]
        .as_i64()
        .unwrap();
    app.admin(
        "PATCH",
        &format!("/api/v1/alerts/{n2}"),
        Some(json!({"assignee": alice})),
    )
    .await
    .expect(200);
    let c2 = app
        .iris_ok(
            "POST",
            &format!("/alerts/escalate/{n2}"),
            Some(json!({"iocs_import_list": [], "assets_import_list": [], "note": "look"})),
        )
        .await;
    let case2 = c2["case_id"].as_i64().unwrap();
    let native = app
        .admin("GET", &format!("/api/v1/cases/{case2}"), None)
        .await
        .expect(200);
    assert_eq!(native.body["title"], "[ALERT] Native");
    assert_eq!(native.body["assignee"]["login"], "alice");
    let desc = native.body["description"].as_str().unwrap();
    assert!(desc.contains("look") && desc.contains("nd"), "{desc}");
    let obs = app
        .admin("GET", &format!("/api/v1/cases/{case2}/observables"), None)
        .await
        .expect(200);
    assert_eq!(obs.body["items"], json!([]));
    app.admin("POST", &format!("/api/v1/alerts/{n2}/promote"), None)
        .await
        .expect(409);
}

/// One merge for every API: observables and assets carried (all natively, the chosen ones
/// through IRIS), merging again reuses them, an escalated alert stays escalated.
async fn merge_rules_hold_for_every_api(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let target = app
        .admin("POST", "/api/v1/cases", Some(json!({"title": "Campaign"})))
        .await
        .expect(201)
        .body["number"]
        .as_i64()
        .unwrap();
    let a = app
        .iris_ok(
            "POST",
            "/alerts/add",
            Some(json!({"alert_title": "Phish", "alert_severity_id": 4, "alert_status_id": 2, "alert_customer_id": 1,
                        "alert_iocs": [{"ioc_value": "a.example.com", "ioc_type_id": 20, "ioc_description": "", "ioc_tags": ""},
                                       {"ioc_value": "b.example.com", "ioc_type_id": 20, "ioc_description": "", "ioc_tags": ""}],
                        "alert_assets": [{"asset_name": "pc-2", "asset_type_id": 1}]})),
        )
        .await;
    let n = a["alert_id"].as_i64().unwrap();
    // Natively: everything the alert names.
    let m = app
        .admin(
            "POST",
            &format!("/api/v1/alerts/{n}/merge"),
            Some(json!({"case_id": target.to_string()})),
        )
        .await
        .expect(200);
    assert_eq!(m.body["state"]["code"], "merged");
    let obs = app
        .admin("GET", &format!("/api/v1/cases/{target}/observables"), None)
        .await
        .expect(200);
    assert_eq!(obs.body["items"].as_array().unwrap().len(), 2);
    let assets = app
        .admin("GET", &format!("/api/v1/cases/{target}/assets"), None)
        .await
        .expect(200);
    assert_eq!(assets.body["items"].as_array().unwrap().len(), 1);
    // Again through IRIS with one IOC chosen: what the case holds is reused.
    let ioc = a["iocs"][0]["ioc_uuid"].as_str().unwrap();
    app.iris_ok(
        "POST",
        &format!("/alerts/merge/{n}"),
        Some(json!({"target_case_id": target, "iocs_import_list": [ioc], "assets_import_list": [], "note": "again"})),
    )
    .await;
    let obs = app
        .admin("GET", &format!("/api/v1/cases/{target}/observables"), None)
        .await
        .expect(200);
    assert_eq!(obs.body["items"].as_array().unwrap().len(), 2);
    let c = app
        .admin("GET", &format!("/api/v1/cases/{target}"), None)
        .await
        .expect(200);
    assert!(c.body["description"].as_str().unwrap().contains("again"));

    // An escalated alert merged into another case stays escalated and joins both.
    let n2 = app
        .admin(
            "POST",
            "/api/v1/alerts",
            Some(json!({"title": "Escalated first", "observables": [{"type": "ip-any", "value": "10.3.3.3"}]})),
        )
        .await
        .expect(201)
        .body["alert"]["number"]
        .as_i64()
        .unwrap();
    let promoted = app
        .admin("POST", &format!("/api/v1/alerts/{n2}/promote"), None)
        .await
        .expect(201);
    let m = app
        .admin(
            "POST",
            &format!("/api/v1/alerts/{n2}/merge"),
            Some(json!({"case_id": target.to_string()})),
        )
        .await
        .expect(200);
    assert_eq!(m.body["state"]["code"], "escalated");
    assert_eq!(m.body["cases"].as_array().unwrap().len(), 2);
    assert_eq!(m.body["cases"][0], promoted.body["id"]);
    let obs = app
        .admin("GET", &format!("/api/v1/cases/{target}/observables"), None)
        .await
        .expect(200);
    assert_eq!(obs.body["items"].as_array().unwrap().len(), 3);
}

/// Teams, organisations and observable types an alert names must exist (and an organisation
/// must be one the caller belongs to); nothing is stored otherwise.
async fn unknown_references_are_refused(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (foreign, _) = app.tenant("Foreign").await;
    let nobody = "01890000-0000-7000-8000-000000000000";
    for (body, field) in [
        (json!({"title": "t", "teams": [nobody]}), "teams[0]"),
        (json!({"title": "t", "organizations": [nobody]}), "organizations[0]"),
        (
            json!({"title": "t", "observables": [{"type": "no-such-type", "value": "x"}]}),
            "observables[0].type",
        ),
        (
            json!({"title": "t", "subject_email": "not an address"}),
            "subject_email",
        ),
    ] {
        let r = app
            .admin("POST", "/api/v1/alerts", Some(body.clone()))
            .await
            .expect(422);
        assert_eq!(r.body["errors"][0]["field"], field, "{body}");
    }
    // The admin created "Foreign", so belongs to it; a user of the default workspace only does not.
    let (_, key) = app.member("bob", "analyst").await;
    let r = app
        .as_key(
            &key,
            "POST",
            "/api/v1/alerts",
            Some(json!({"title": "t", "organizations": [foreign]})),
        )
        .await
        .expect(422);
    assert_eq!(r.body["errors"][0]["field"], "organizations[0]");
    let r = app
        .admin(
            "POST",
            "/api/v1/alerts/batch",
            Some(json!({"alerts": [{"title": "ok"}, {"title": "t", "teams": [nobody]}]})),
        )
        .await
        .expect(422);
    assert_eq!(r.body["errors"][0]["field"], "alerts[1].teams[0]");
    assert_eq!(total(&app, "").await, 0);
}
