//! Timeline events: fields read back exactly (with the time zone they were given in), ordering
//! across time zones, links to the case's assets and observables, parent events, filters and
//! paging, bad input, the core service directly, tenant isolation and case deletion.

use dossier_core::{
    Backend, Key, Via,
    model::{NewTimelineEvent, TimelineEventPatch, TimelineFilter},
};
use serde_json::{Value, json};

use crate::{
    both,
    harness::{ADMIN_KEY, TestApp},
    tasks::{denied, field_error, numbers, openapi_has, page_numbers, walk},
};

both!(
    event_round_trip,
    ordering_across_time_zones,
    list_filters_and_pages,
    bad_input_is_refused,
    core_service,
    other_workspace_is_denied,
    deleting_a_case_removes_its_events,
    openapi_covers_the_routes
);

async fn new_case(app: &TestApp, key: &str, title: &str) -> String {
    let c = app
        .as_key(key, "POST", "/api/v1/cases", Some(json!({"title": title})))
        .await
        .expect(201);
    c.body["id"].as_str().unwrap().to_owned()
}

/// A case asset (Windows computer); returns its link id.
async fn asset(app: &TestApp, key: &str, case: &str, name: &str) -> String {
    let r = app
        .as_key(
            key,
            "POST",
            &format!("/api/v1/cases/{case}/assets"),
            Some(json!({"name": name, "type": 9})),
        )
        .await
        .expect(201);
    r.body["id"].as_str().unwrap().to_owned()
}

/// A case observable (ip-any); returns its link id (the answer is `{"observable", "created"}`).
async fn observable(app: &TestApp, key: &str, case: &str, value: &str) -> String {
    let r = app
        .as_key(
            key,
            "POST",
            &format!("/api/v1/cases/{case}/observables"),
            Some(json!({"type": 76, "value": value})),
        )
        .await
        .expect(201);
    r.body["observable"]["id"].as_str().unwrap().to_owned()
}

async fn event(app: &TestApp, case: &str, body: Value) -> Value {
    app.admin("POST", &format!("/api/v1/cases/{case}/timeline"), Some(body))
        .await
        .expect(201)
        .body
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn event_round_trip(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let case = new_case(&app, ADMIN_KEY, "Intrusion").await;
    let ws1 = asset(&app, ADMIN_KEY, &case, "WS-001").await;
    let dc = asset(&app, ADMIN_KEY, &case, "DC-01").await;
    let ip1 = observable(&app, ADMIN_KEY, &case, "203.0.113.7").await;
    let ip2 = observable(&app, ADMIN_KEY, &case, "198.51.100.9").await;
    let r = app
        .admin(
            "POST",
            &format!("/api/v1/cases/{case}/timeline"),
            Some(json!({
                "occurred_at": "2026-01-02T10:00:00.123456+02:00", "title": "  Beacon started  ",
                "content": "Cobalt Strike beacon <b>not HTML</b>", "raw": "{\"EventID\": 4688}",
                "source": "EDR", "category_id": 5, "color": "#1572E8", "tags": ["c2", "Beacon", "C2"],
                "in_summary": true, "in_graph": false, "flagged": true,
                "assets": [ws1, dc, ws1], "observables": [ip1], "custom": {"confidence": "high"}
            })),
        )
        .await
        .expect(201);
    assert_eq!(r.header("etag"), Some("\"1\""));
    let e = r.body;
    assert_eq!(e["number"], 1);
    assert_eq!(e["case_id"], case.as_str());
    assert_eq!(e["occurred_at"], "2026-01-02T08:00:00.123456Z");
    assert_eq!(e["tz"], "+02:00");
    assert_eq!(e["occurred_at_local"], "2026-01-02T10:00:00.123456+02:00");
    assert_eq!(e["title"], "Beacon started");
    assert_eq!(
        e["content"], "Cobalt Strike beacon <b>not HTML</b>",
        "content is text, kept as written"
    );
    assert_eq!(e["raw"], "{\"EventID\": 4688}");
    assert_eq!(e["source"], "EDR");
    assert_eq!(e["category"], json!({"id": 5, "name": "Execution"}));
    assert_eq!(e["color"], "#1572E8");
    assert_eq!(e["tags"], json!(["c2", "Beacon"]));
    assert_eq!(e["in_summary"], true);
    assert_eq!(e["in_graph"], false);
    assert_eq!(e["flagged"], true);
    assert_eq!(e["parent_id"], Value::Null);
    assert_eq!(
        e["assets"],
        json!([{"id": dc, "name": "DC-01"}, {"id": ws1, "name": "WS-001"}]),
        "deduplicated, by name"
    );
    assert_eq!(e["observables"], json!([{"id": ip1, "value": "203.0.113.7"}]));
    assert_eq!(e["custom"], json!({"confidence": "high"}));
    assert_eq!(e["created_by"]["login"], "admin");
    assert_eq!(e["version"], 1);
    let by_num = app.admin("GET", "/api/v1/timeline/1", None).await.expect(200);
    assert_eq!(by_num.body, e);
    let by_id = app
        .admin("GET", &format!("/api/v1/timeline/{}", id(&e)), None)
        .await
        .expect(200);
    assert_eq!(by_id.body, e);
    let listed = app.admin("GET", "/api/v1/cases/1/timeline", None).await.expect(200);
    assert_eq!(listed.body["items"][0], e);

    // Defaults.
    let child = event(
        &app,
        "1",
        json!({"occurred_at": "2026-01-02T09:00:00Z", "title": "Child", "parent_id": id(&e)}),
    )
    .await;
    assert_eq!(child["tz"], "+00:00");
    assert_eq!(child["occurred_at_local"], "2026-01-02T09:00:00.000000+00:00");
    assert_eq!(child["category"], json!({"id": 1, "name": "Unspecified"}));
    assert_eq!(child["color"], "");
    assert_eq!(child["in_graph"], true);
    assert_eq!(child["in_summary"], false);
    assert_eq!(child["content"], Value::Null);
    assert_eq!(child["tags"], json!([]));
    assert_eq!(child["assets"], json!([]));
    assert_eq!(child["parent_id"], e["id"]);

    // Changes: a new offset, links replaced or cleared, nullable fields cleared.
    let u = app
        .admin(
            "PATCH",
            "/api/v1/timeline/1",
            Some(json!({
                "occurred_at": "2026-01-02T01:00:00-05:00", "assets": [], "observables": [ip2, ip1],
                "content": null, "color": "", "category_id": 13, "tags": ["BEACON"], "in_graph": true,
                "version": 1
            })),
        )
        .await
        .expect(200);
    let v = &u.body;
    assert_eq!(v["occurred_at"], "2026-01-02T06:00:00.000000Z");
    assert_eq!(v["tz"], "-05:00");
    assert_eq!(v["occurred_at_local"], "2026-01-02T01:00:00.000000-05:00");
    assert_eq!(v["assets"], json!([]));
    assert_eq!(
        v["observables"],
        json!([{"id": ip2, "value": "198.51.100.9"}, {"id": ip1, "value": "203.0.113.7"}])
    );
    assert_eq!(v["content"], Value::Null);
    assert_eq!(v["color"], "");
    assert_eq!(v["category"], json!({"id": 13, "name": "Command and Control"}));
    assert_eq!(
        v["tags"],
        json!(["Beacon"]),
        "a tag keeps the workspace's first spelling"
    );
    assert_eq!(v["raw"], e["raw"], "untouched fields stay");
    assert_eq!(v["version"], 2);
    let same = app
        .admin(
            "PATCH",
            "/api/v1/timeline/1",
            Some(json!({"title": "Beacon started", "observables": [ip1, ip2]})),
        )
        .await
        .expect(200);
    assert_eq!(same.body["version"], 2, "a no-op does not bump the version");
    app.admin(
        "PATCH",
        "/api/v1/timeline/1",
        Some(json!({"flagged": false, "version": 1})),
    )
    .await
    .expect(409);
    let moved = app
        .admin(
            "PATCH",
            &format!("/api/v1/timeline/{}", id(&child)),
            Some(json!({"parent_id": null})),
        )
        .await
        .expect(200);
    assert_eq!(moved.body["parent_id"], Value::Null);
    app.admin(
        "PATCH",
        &format!("/api/v1/timeline/{}", id(&child)),
        Some(json!({"parent_id": id(&e)})),
    )
    .await
    .expect(200);

    let trail = app
        .admin("GET", "/api/v1/cases/1/activity?limit=200", None)
        .await
        .expect(200);
    let items = trail.body["items"].as_array().unwrap();
    let when = items
        .iter()
        .find(|i| i["object_kind"] == "timeline_event" && i["field"] == "occurred_at")
        .unwrap();
    assert_eq!(when["old"], "2026-01-02T10:00:00.123456+02:00");
    assert_eq!(when["new"], "2026-01-02T01:00:00.000000-05:00");
    let links = items
        .iter()
        .find(|i| i["object_kind"] == "timeline_event" && i["field"] == "assets")
        .unwrap();
    assert_eq!(links["new"], json!([]));
    assert_eq!(links["old"].as_array().unwrap().len(), 2);

    // Removing an observable from the case removes its links to events.
    app.admin("DELETE", &format!("/api/v1/cases/1/observables/{ip2}"), None)
        .await
        .expect(204);
    let now = app.admin("GET", "/api/v1/timeline/1", None).await.expect(200);
    assert_eq!(now.body["observables"], json!([{"id": ip1, "value": "203.0.113.7"}]));
    let r = app
        .admin("GET", &format!("/api/v1/cases/1/timeline?observable={ip2}"), None)
        .await
        .expect(200);
    assert_eq!(r.body["items"], json!([]));

    // Deleting the parent leaves the child without one.
    app.admin("DELETE", &format!("/api/v1/timeline/{}", id(&e)), None)
        .await
        .expect(204);
    app.admin("GET", "/api/v1/timeline/1", None).await.expect(404);
    app.admin("DELETE", "/api/v1/timeline/1", None).await.expect(404);
    let orphan = app.admin("GET", "/api/v1/timeline/2", None).await.expect(200);
    assert_eq!(orphan.body["parent_id"], Value::Null);
    // The linked assets and observables are untouched.
    app.admin("GET", &format!("/api/v1/cases/1/assets/{ws1}"), None)
        .await
        .expect(200);
}

async fn ordering_across_time_zones(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    new_case(&app, ADMIN_KEY, "Zones").await;
    let inputs = [
        ("A", "2026-03-01T09:30:00Z"),
        ("B", "2026-03-01T10:00:00+02:00"),
        ("C", "2026-03-01T05:00:00-05:00"),
        ("D", "2026-03-01T08:00:00.000000Z"),
        ("E", "2026-02-28T23:59:59.999999-12:00"),
        ("F", "2026-03-01T13:15:00+05:45"),
    ];
    for (t, when) in inputs {
        event(&app, "1", json!({"occurred_at": when, "title": t})).await;
    }
    let titles =
        |items: &[Value]| -> Vec<String> { items.iter().map(|i| i["title"].as_str().unwrap().to_owned()).collect() };
    // B (08:00Z) and D (08:00Z) tie on the instant and keep their creation order; F is 07:30Z.
    let asc = walk(&app, ADMIN_KEY, "/api/v1/cases/1/timeline?limit=1").await;
    assert_eq!(titles(&asc), ["F", "B", "D", "A", "C", "E"]);
    let tz: Vec<&str> = asc.iter().map(|i| i["tz"].as_str().unwrap()).collect();
    assert_eq!(tz, ["+05:45", "+02:00", "+00:00", "+00:00", "-05:00", "-12:00"]);
    assert_eq!(asc[1]["occurred_at_local"], "2026-03-01T10:00:00.000000+02:00");
    assert_eq!(asc[5]["occurred_at"], "2026-03-01T11:59:59.999999Z");
    assert_eq!(asc[5]["occurred_at_local"], "2026-02-28T23:59:59.999999-12:00");
    let desc = walk(&app, ADMIN_KEY, "/api/v1/cases/1/timeline?limit=4&order=desc").await;
    assert_eq!(titles(&desc), ["E", "C", "A", "D", "B", "F"]);
    // A range in any offset selects by instant: [08:00Z, 09:30Z).
    let r = app
        .admin(
            "GET",
            "/api/v1/cases/1/timeline?from=2026-03-01T10:00:00%2B02:00&to=2026-03-01T04:30:00-05:00",
            None,
        )
        .await
        .expect(200);
    assert_eq!(titles(r.body["items"].as_array().unwrap()), ["B", "D"]);
}

async fn list_filters_and_pages(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let case = new_case(&app, ADMIN_KEY, "Lists").await;
    let other_case = new_case(&app, ADMIN_KEY, "Other").await;
    let host = asset(&app, ADMIN_KEY, &case, "HOST-7").await;
    let ip = observable(&app, ADMIN_KEY, &case, "192.0.2.44").await;
    let foreign_asset = asset(&app, ADMIN_KEY, &other_case, "HOST-7").await;
    for i in 0..25i64 {
        let mut body = json!({
            "occurred_at": format!("2026-04-{:02}T12:00:00+01:00", i + 1),
            "title": format!("Event {i}"),
            "category_id": 1 + (i % 4),
            "tags": [format!("t{}", i % 3)],
            "in_summary": i % 5 == 0,
        });
        if i % 6 == 0 {
            body["assets"] = json!([host]);
        }
        if i % 7 == 0 {
            body["observables"] = json!([ip]);
        }
        if i == 11 {
            body["raw"] = json!("powershell -enc SQBFAFgA");
            body["tags"] = json!(["t2", "Lateral"]);
        }
        if i == 17 {
            body["source"] = json!("Sysmon on HOST-7");
        }
        event(&app, &case, body).await;
    }
    // An event of the other case, linked to its own asset of the same name.
    event(
        &app,
        &other_case,
        json!({"occurred_at": "2026-04-05T00:00:00Z", "title": "Event elsewhere", "assets": [foreign_asset]}),
    )
    .await;
    let all = walk(&app, ADMIN_KEY, "/api/v1/cases/1/timeline?limit=4").await;
    assert_eq!(numbers(&all), (1..=25).collect::<Vec<_>>());
    let r = app
        .admin("GET", "/api/v1/cases/1/timeline?limit=4&count=true", None)
        .await
        .expect(200);
    assert_eq!(r.body["total"], 25);
    let get = |path: String| {
        let app = &app;
        async move { numbers(&walk(app, ADMIN_KEY, &path).await) }
    };
    // Numbers are i + 1.
    assert_eq!(
        get("/api/v1/cases/1/timeline?category=2&limit=3".into()).await,
        vec![2, 6, 10, 14, 18, 22]
    );
    assert_eq!(get("/api/v1/cases/1/timeline?category=3,4".into()).await.len(), 12);
    assert_eq!(
        get("/api/v1/cases/1/timeline?tags=T2".into()).await,
        vec![3, 6, 9, 12, 15, 18, 21, 24]
    );
    assert_eq!(get("/api/v1/cases/1/timeline?tags=t2,lateral".into()).await, vec![12]);
    assert_eq!(
        get("/api/v1/cases/1/timeline?in_summary=true".into()).await,
        vec![1, 6, 11, 16, 21]
    );
    assert_eq!(get("/api/v1/cases/1/timeline?in_summary=false".into()).await.len(), 20);
    assert_eq!(
        get(format!("/api/v1/cases/1/timeline?asset={host}")).await,
        vec![1, 7, 13, 19, 25]
    );
    assert_eq!(
        get(format!("/api/v1/cases/1/timeline?observable={ip}")).await,
        vec![1, 8, 15, 22]
    );
    assert_eq!(
        get(format!("/api/v1/cases/1/timeline?asset={host}&observable={ip}")).await,
        vec![1]
    );
    assert_eq!(
        get(format!("/api/v1/cases/1/timeline?asset={foreign_asset}")).await,
        Vec::<i64>::new(),
        "another case's asset matches nothing here"
    );
    // Dates: the 5th to before the 8th (the events are at 11:00Z).
    assert_eq!(
        get("/api/v1/cases/1/timeline?from=2026-04-05T11:00:00Z&to=2026-04-08T11:00:00Z".into()).await,
        vec![5, 6, 7]
    );
    // Text over title, content, source and raw.
    assert_eq!(get("/api/v1/cases/1/timeline?q=SQBFAFgA".into()).await, vec![12]);
    assert_eq!(
        get("/api/v1/cases/1/timeline?q=sysmon%20on%20host".into()).await,
        vec![18]
    );
    assert_eq!(
        get("/api/v1/cases/1/timeline?q=Event%202".into()).await,
        vec![3, 21, 22, 23, 24, 25]
    );
    assert_eq!(get("/api/v1/cases/2/timeline?q=elsewhere".into()).await, vec![26]);
    // Combined, newest first.
    assert_eq!(
        get("/api/v1/cases/1/timeline?category=1&in_summary=true&order=desc".into()).await,
        vec![21, 1]
    );
    let r = app
        .admin("GET", "/api/v1/cases/1/timeline?category=1&tags=t0&count=true", None)
        .await
        .expect(200);
    // category 1: i % 4 == 0; tag t0: i % 3 == 0 → i ∈ {0, 12, 24}.
    assert_eq!(page_numbers(&r), vec![1, 13, 25]);
    assert_eq!(r.body["total"], 3);
}

async fn bad_input_is_refused(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let c1 = new_case(&app, ADMIN_KEY, "One").await;
    let c2 = new_case(&app, ADMIN_KEY, "Two").await;
    let foreign_asset = asset(&app, ADMIN_KEY, &c2, "SRV-9").await;
    let foreign_ip = observable(&app, ADMIN_KEY, &c2, "192.0.2.1").await;
    let foreign_event = event(&app, &c2, json!({"occurred_at": "2026-01-01T00:00:00Z", "title": "x"})).await;
    let ok = json!({"occurred_at": "2026-01-01T00:00:00Z", "title": "ok"});
    let with = |k: &str, v: Value| {
        let mut b = ok.clone();
        b[k] = v;
        b
    };
    let cases: Vec<(Value, &str, &str)> = vec![
        (with("occurred_at", json!("yesterday")), "occurred_at", "invalid"),
        (
            with("occurred_at", json!("2026-01-02T10:00:00")),
            "occurred_at",
            "invalid",
        ),
        (
            with("occurred_at", json!("2026-02-30T10:00:00Z")),
            "occurred_at",
            "invalid",
        ),
        (with("occurred_at", json!(1_767_225_600)), "occurred_at", "invalid"),
        (with("category_id", json!(16)), "category_id", "unknown_value"),
        (with("category_id", json!(0)), "category_id", "unknown_value"),
        (with("category_id", json!("5")), "category_id", "invalid"),
        (with("color", json!("red")), "color", "invalid"),
        (with("color", json!("#12345")), "color", "invalid"),
        (with("color", json!("#1572E899")), "color", "invalid"),
        (with("color", json!("#GGGGGG")), "color", "invalid"),
        (with("title", json!(" ")), "title", "required"),
        (with("title", json!("t".repeat(256))), "title", "too_long"),
        (with("tags", json!(["a,b"])), "tags[0]", "invalid"),
        (with("assets", json!([foreign_asset])), "assets[0]", "not_found"),
        (with("assets", json!(["not-a-uuid"])), "assets[0]", "invalid"),
        (
            with("observables", json!(["0197a000-0000-7000-8000-000000000000"])),
            "observables[0]",
            "not_found",
        ),
        (with("observables", json!([foreign_ip])), "observables[0]", "not_found"),
        (with("parent_id", json!(id(&foreign_event))), "parent_id", "not_found"),
        (with("custom", json!(true)), "custom", "invalid"),
        (with("entry_type", json!("detection")), "entry_type", "invalid"),
    ];
    for (body, field, code) in cases {
        let r = app
            .admin("POST", &format!("/api/v1/cases/{c1}/timeline"), Some(body.clone()))
            .await;
        assert_eq!(field_error(&r), (field.to_owned(), code.to_owned()), "{body}");
    }
    let r = app
        .admin("POST", "/api/v1/cases/1/timeline", Some(json!({"title": "no date"})))
        .await;
    assert_eq!(r.status.as_u16(), 422);
    assert!(r.text.contains("occurred_at"), "{}", r.text);
    // Nothing was created by a refused request.
    let r = app.admin("GET", "/api/v1/cases/1/timeline", None).await.expect(200);
    assert_eq!(r.body["items"], json!([]));

    let a = event(&app, &c1, ok.clone()).await;
    let bv = event(&app, &c1, with("parent_id", json!(id(&a)))).await;
    let c = event(&app, &c1, with("parent_id", json!(id(&bv)))).await;
    for (target, parent) in [(&a, &c), (&a, &a), (&bv, &c)] {
        let r = app
            .admin(
                "PATCH",
                &format!("/api/v1/timeline/{}", id(target)),
                Some(json!({"parent_id": id(parent)})),
            )
            .await;
        assert_eq!(field_error(&r), ("parent_id".into(), "cycle".into()));
    }
    for (body, field) in [
        (json!({"occurred_at": "soon"}), "occurred_at"),
        (json!({"occurred_at": null}), "occurred_at"),
        (json!({"color": "blue"}), "color"),
        (json!({"category_id": 99}), "category_id"),
        (json!({"assets": [foreign_asset]}), "assets[0]"),
        (json!({"parent_id": id(&foreign_event)}), "parent_id"),
    ] {
        let r = app
            .admin("PATCH", &format!("/api/v1/timeline/{}", id(&a)), Some(body.clone()))
            .await;
        if body["occurred_at"].is_null() && body.get("occurred_at").is_some() {
            // `null` is no time at all: the field is required, so it stays as it was.
            assert_eq!(r.status.as_u16(), 200, "{}", r.text);
            continue;
        }
        assert_eq!(field_error(&r).0, field, "{body}");
    }
    let after = app
        .admin("GET", &format!("/api/v1/timeline/{}", id(&a)), None)
        .await
        .expect(200);
    assert_eq!(after.body["version"], 1, "refused changes leave the event as it was");
    for (path, field, code) in [
        ("/api/v1/cases/1/timeline?from=yesterday", "from", "invalid"),
        ("/api/v1/cases/1/timeline?to=2026-01-01", "to", "invalid"),
        ("/api/v1/cases/1/timeline?category=abc", "category", "invalid"),
        ("/api/v1/cases/1/timeline?category=99", "category", "unknown_value"),
        ("/api/v1/cases/1/timeline?asset=host", "asset", "invalid"),
        ("/api/v1/cases/1/timeline?observable=1", "observable", "invalid"),
        ("/api/v1/cases/1/timeline?in_summary=maybe", "in_summary", "invalid"),
        ("/api/v1/cases/1/timeline?order=sideways", "order", "unknown_value"),
        ("/api/v1/cases/1/timeline?cursor=12", "cursor", "invalid"),
        ("/api/v1/cases/1/timeline?sort=title", "sort", "unknown_parameter"),
        ("/api/v1/cases/1/timeline?limit=201", "limit", "out_of_range"),
    ] {
        let r = app.admin("GET", path, None).await;
        assert_eq!(field_error(&r), (field.to_owned(), code.to_owned()), "{path}");
    }
    app.admin("GET", "/api/v1/timeline/zz", None).await.expect(422);
    app.admin("POST", "/api/v1/cases/77/timeline", Some(ok.clone()))
        .await
        .expect(404);
    let (_, viewer) = app.member("vera", "viewer").await;
    app.as_key(&viewer, "GET", "/api/v1/cases/1/timeline", None)
        .await
        .expect(200);
    app.as_key(&viewer, "POST", "/api/v1/cases/1/timeline", Some(ok.clone()))
        .await
        .expect(403);
    app.as_key(&viewer, "DELETE", &format!("/api/v1/timeline/{}", id(&a)), None)
        .await
        .expect(403);
}

async fn core_service(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (_, key) = app.member("dana", "analyst").await;
    let dana = app.core.authenticate(&key, None, Via::Native).await.unwrap();
    let case = new_case(&app, ADMIN_KEY, "Core").await;
    let ck = Key::parse(&case).unwrap();
    let e = app
        .core
        .create_timeline_event(
            &dana,
            ck,
            NewTimelineEvent {
                occurred_at: "2026-06-01T12:00:00+09:00".into(),
                title: "Logon".into(),
                category_id: Some(4),
                tags: vec!["auth".into()],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(e.tz, "+09:00");
    assert_eq!(e.category.name, "Initial Access");
    assert!(e.in_graph);
    let bad = app
        .core
        .create_timeline_event(
            &dana,
            ck,
            NewTimelineEvent {
                occurred_at: "2026-06-01".into(),
                title: "x".into(),
                color: Some("#abc".into()),
                ..Default::default()
            },
        )
        .await;
    match bad {
        Err(dossier_core::Error::Validation(f)) => {
            let fields: Vec<&str> = f.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["color", "occurred_at"], "every problem at once");
        }
        other => panic!("{other:?}"),
    }
    let u = app
        .core
        .update_timeline_event(
            &dana,
            Key::Uuid(e.id),
            TimelineEventPatch {
                occurred_at: Some("2026-06-01T03:00:00Z".into()),
                in_summary: Some(true),
                version: Some(1),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(u.occurred_at, e.occurred_at, "the same instant in another offset");
    assert_eq!(u.tz, "+00:00");
    assert_eq!(u.version, 2);
    let page = app
        .core
        .list_timeline(
            &dana,
            ck,
            TimelineFilter {
                in_summary: Some(true),
                tags: vec!["AUTH".into()],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    app.core.delete_timeline_event(&dana, Key::Seq(e.number)).await.unwrap();
    assert!(matches!(
        app.core.get_timeline_event(&dana, Key::Uuid(e.id)).await,
        Err(dossier_core::Error::NotFound { .. })
    ));
}

async fn other_workspace_is_denied(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let case = new_case(&app, ADMIN_KEY, "Zebra-6623 case").await;
    let host = asset(&app, ADMIN_KEY, &case, "ZEBRA-HOST").await;
    let ip = observable(&app, ADMIN_KEY, &case, "192.0.2.66").await;
    let e = event(
        &app,
        &case,
        json!({
            "occurred_at": "2026-01-01T00:00:00Z", "title": "Zebra-6623 event", "content": "Zebra-6623 content",
            "assets": [host], "observables": [ip], "tags": ["zebra-tag"]
        }),
    )
    .await;
    let (_, other) = app.tenant("Other").await;
    let own_case = new_case(&app, &other, "Mine").await;
    let own = app
        .as_key(
            &other,
            "POST",
            &format!("/api/v1/cases/{own_case}/timeline"),
            Some(json!({"occurred_at": "2026-01-01T00:00:00Z", "title": "Mine"})),
        )
        .await
        .expect(201);
    assert_eq!(own.body["number"], 1, "numbers are per workspace");
    let secrets = vec!["Zebra-6623".to_owned(), case.clone(), id(&e), host.clone(), ip.clone()];
    let ok = json!({"occurred_at": "2026-01-01T00:00:00Z", "title": "pwned"});
    let cp = format!("/api/v1/cases/{case}/timeline");
    denied(&app, &other, "GET", &cp, None, &secrets).await;
    denied(&app, &other, "GET", &format!("{cp}?q=Zebra"), None, &secrets).await;
    denied(&app, &other, "POST", &cp, Some(ok.clone()), &secrets).await;
    for ek in [id(&e), "2".to_owned()] {
        let p = format!("/api/v1/timeline/{ek}");
        denied(&app, &other, "GET", &p, None, &secrets).await;
        denied(&app, &other, "PATCH", &p, Some(json!({"title": "pwned"})), &secrets).await;
        denied(
            &app,
            &other,
            "PATCH",
            &p,
            Some(json!({"assets": [], "version": 1})),
            &secrets,
        )
        .await;
        denied(&app, &other, "DELETE", &p, None, &secrets).await;
    }
    // The default workspace's links and events, named from the other workspace's own case.
    let own_path = format!("/api/v1/cases/{own_case}/timeline");
    for (k, v, field) in [
        ("assets", json!([host]), "assets[0]"),
        ("observables", json!([ip]), "observables[0]"),
        ("parent_id", json!(id(&e)), "parent_id"),
    ] {
        let mut body = ok.clone();
        body[k] = v.clone();
        let r = app.as_key(&other, "POST", &own_path, Some(body)).await;
        assert_eq!(field_error(&r), (field.to_owned(), "not_found".to_owned()));
        for s in &secrets {
            assert!(!r.text.contains(s.as_str()), "{k}: leaks {s}");
        }
        let r = app
            .as_key(&other, "PATCH", "/api/v1/timeline/1", Some(json!({k: v})))
            .await;
        assert_eq!(field_error(&r).1, "not_found");
    }
    for p in [
        format!("{own_path}?asset={host}"),
        format!("{own_path}?observable={ip}"),
        format!("{own_path}?q=Zebra"),
        format!("{own_path}?tags=zebra-tag"),
    ] {
        let r = app.as_key(&other, "GET", &p, None).await.expect(200);
        assert_eq!(r.body["items"], json!([]), "{p}");
    }
    // The owner's event is unchanged.
    let after = app
        .admin("GET", &format!("/api/v1/timeline/{}", id(&e)), None)
        .await
        .expect(200);
    assert_eq!(after.body, e);
}

async fn deleting_a_case_removes_its_events(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let doomed = new_case(&app, ADMIN_KEY, "Doomed").await;
    let kept = new_case(&app, ADMIN_KEY, "Kept").await;
    let host = asset(&app, ADMIN_KEY, &doomed, "DOOMED-HOST").await;
    let parent = event(
        &app,
        &doomed,
        json!({"occurred_at": "2026-01-01T00:00:00Z", "title": "Doomed parent", "assets": [host]}),
    )
    .await;
    let child = event(
        &app,
        &doomed,
        json!({"occurred_at": "2026-01-02T00:00:00Z", "title": "Doomed child", "parent_id": id(&parent)}),
    )
    .await;
    let k = event(
        &app,
        &kept,
        json!({"occurred_at": "2026-01-03T00:00:00Z", "title": "Kept event"}),
    )
    .await;
    app.admin("DELETE", &format!("/api/v1/cases/{doomed}"), None)
        .await
        .expect(204);
    for p in [
        format!("/api/v1/timeline/{}", id(&parent)),
        format!("/api/v1/timeline/{}", id(&child)),
        "/api/v1/timeline/1".to_owned(),
        format!("/api/v1/cases/{doomed}/timeline"),
    ] {
        app.admin("GET", &p, None).await.expect(404);
    }
    let r = app
        .admin("GET", &format!("/api/v1/cases/{kept}/timeline"), None)
        .await
        .expect(200);
    assert_eq!(r.body["items"], json!([k]));
}

async fn openapi_covers_the_routes(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    openapi_has(
        &app,
        &[
            ("/api/v1/cases/{id}/timeline", &["get", "post"]),
            ("/api/v1/timeline/{id}", &["delete", "get", "patch"]),
        ],
        &[
            "TimelineEvent",
            "NewTimelineEvent",
            "TimelineEventPatch",
            "EventCategoryRef",
            "EventAssetRef",
            "EventObservableRef",
        ],
    )
    .await;
}
