//! IRIS dialect: a case's timeline (`/case/timeline/*`).

use dossier_core::Backend;
use serde_json::{Value, json};

use crate::{
    both,
    harness::{TestApp, fields, keys},
};

both!(
    events_round_trip_with_iris_shapes,
    timeline_lists_and_filters,
    event_input_errors_are_soft
);

const LISTED: &[&str] = &[
    "event_id",
    "event_uuid",
    "event_title",
    "event_date",
    "event_date_wtz",
    "event_tz",
    "event_color",
    "event_tags",
    "event_content",
    "event_in_summary",
    "event_in_graph",
    "event_category_id",
    "category_name",
    "iocs",
    "assets",
];

const DETAIL_EXTRA: &[&str] = &[
    "event_assets",
    "event_iocs",
    "parent_event_id",
    "event_raw",
    "event_source",
    "event_added",
    "user_id",
    "case_id",
    "custom_attributes",
];

fn detail_fields() -> Vec<String> {
    let mut all: Vec<&str> = LISTED.to_vec();
    all.extend_from_slice(DETAIL_EXTRA);
    fields(&all)
}

/// An event body as the client's `add_event` sends it.
fn event(title: &str, date: &str, tz: &str) -> Value {
    json!({
        "event_title": title, "event_in_graph": true, "event_in_summary": false, "event_content": "",
        "event_raw": "", "event_source": "", "event_assets": [], "event_iocs": [], "event_category_id": "1",
        "event_color": "", "event_date": date, "event_tags": "", "event_tz": tz, "custom_attributes": {},
        "event_sync_iocs_assets": false, "cid": 1
    })
}

fn with(mut base: Value, extra: Value) -> Value {
    if let (Value::Object(b), Value::Object(e)) = (&mut base, extra) {
        b.extend(e);
    }
    base
}

/// Case 1 with an asset and an IOC; returns their IRIS ids.
async fn setup(app: &TestApp) -> (i64, i64) {
    let a = app
        .iris_ok(
            "POST",
            "/case/assets/add",
            Some(json!({"asset_name": "WS-01", "asset_type_id": 9})),
        )
        .await;
    let i = app
        .iris_ok(
            "POST",
            "/case/ioc/add",
            Some(json!({"ioc_value": "10.0.0.1", "ioc_type_id": 76, "ioc_tlp_id": 2})),
        )
        .await;
    (
        a["asset_id"].as_i64().expect("asset_id"),
        i["ioc_id"].as_i64().expect("ioc_id"),
    )
}

async fn events_round_trip_with_iris_shapes(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (asset, ioc) = setup(&app).await;
    let empty = app.iris_ok("GET", "/case/timeline/events/list", None).await;
    assert_eq!(keys(&empty), fields(&["timeline", "state"]));
    assert_eq!(empty["timeline"], json!([]));

    let body = with(
        event("Lateral movement", "2025-02-10T14:33:03.123456", "+01:00"),
        json!({"event_content": "dummy content", "event_raw": "raw line", "event_source": "EDR",
               "event_category_id": "5", "event_color": "#fff", "event_tags": "tag1,tag2",
               "event_in_graph": false, "event_in_summary": true,
               "event_assets": [asset], "event_iocs": [ioc.to_string()]}),
    );
    let r = app.iris("POST", "/case/timeline/events/add", Some(body)).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "Event added");
    let e = &r.body["data"];
    assert_eq!(keys(e), detail_fields());
    let id = e["event_id"].as_i64().expect("event_id");
    assert_eq!(e["event_title"], "Lateral movement");
    // The wall time reads back as written, in its own zone.
    assert_eq!(e["event_date"], "2025-02-10T14:33:03.123456");
    assert_eq!(e["event_date_wtz"], "2025-02-10T14:33:03.123456");
    assert_eq!(e["event_tz"], "+01:00");
    assert_eq!(e["event_category_id"], 5);
    assert_eq!(e["category_name"], "Execution");
    assert_eq!(e["event_color"], "#fff");
    assert_eq!(e["event_tags"], "tag1,tag2");
    assert_eq!(e["event_content"], "dummy content");
    assert_eq!(e["event_raw"], "raw line");
    assert_eq!(e["event_source"], "EDR");
    assert_eq!(e["event_in_graph"], false);
    assert_eq!(e["event_in_summary"], true);
    assert_eq!(e["event_assets"], json!([asset]));
    assert_eq!(e["event_iocs"], json!([ioc]));
    assert_eq!(e["iocs"], json!([{"ioc_id": ioc, "ioc_value": "10.0.0.1"}]));
    assert_eq!(e["assets"][0]["asset_id"], asset);
    assert_eq!(e["assets"][0]["asset_name"], "WS-01");
    assert_eq!(e["parent_event_id"], Value::Null);
    assert_eq!(e["user_id"], 1);
    assert_eq!(e["case_id"], 1);
    // The instant is kept: the native API shows it in UTC.
    let native = app
        .admin("GET", &format!("/api/v1/timeline/{id}"), None)
        .await
        .expect(200);
    assert_eq!(native.body["occurred_at"], "2025-02-10T13:33:03.123456Z");

    // A child event; an off-palette colour is stored as "".
    let child = app
        .iris_ok(
            "POST",
            "/case/timeline/events/add",
            Some(with(
                event("Child", "2025-02-10T15:00:00.000000", "-05:00"),
                json!({"parent_event_id": id, "event_color": "#123456"}),
            )),
        )
        .await;
    assert_eq!(child["parent_event_id"], id);
    assert_eq!(child["event_color"], "");
    assert_eq!(child["event_tz"], "-05:00");
    assert_eq!(child["event_date"], "2025-02-10T15:00:00.000000");
    assert_eq!(child["event_content"], "");

    let got = app
        .iris_ok("GET", &format!("/case/timeline/events/{id}?cid=1"), None)
        .await;
    assert_eq!(keys(&got), detail_fields());
    assert_eq!(got["event_date"], "2025-02-10T14:33:03.123456");

    let list = app.iris_ok("GET", "/case/timeline/events/list", None).await;
    let items = list["timeline"].as_array().expect("timeline");
    assert_eq!(items.len(), 2);
    for item in items {
        assert_eq!(keys(item), fields(LISTED));
    }
    // By date: 13:33 UTC before 20:00 UTC.
    assert_eq!(items[0]["event_id"], id);
    assert_eq!(keys(&list["state"]), fields(&["object_state", "object_last_update"]));

    // The client's update re-sends what it read; linked assets and IOCs it does not name are
    // sent as [] and so cleared.
    let r = app
        .iris(
            "POST",
            &format!("/case/timeline/events/update/{id}"),
            Some(json!({
                "event_title": "new dummy title", "event_in_graph": got["event_in_graph"],
                "event_in_summary": got["event_in_summary"], "event_content": got["event_content"],
                "event_raw": got["event_raw"], "event_source": got["event_source"],
                "event_assets": [], "event_iocs": [], "event_category_id": got["event_category_id"],
                "event_color": got["event_color"], "event_date": "2025-03-01T08:00:00.000000",
                "event_tags": "tag3", "event_tz": "+05:30", "custom_attributes": got["custom_attributes"],
                "event_sync_iocs_assets": false, "cid": 1
            })),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "Event updated");
    let u = &r.body["data"];
    assert_eq!(keys(u), detail_fields());
    assert_eq!(u["event_title"], "new dummy title");
    assert_eq!(u["event_date"], "2025-03-01T08:00:00.000000");
    assert_eq!(u["event_tz"], "+05:30");
    assert_eq!(u["event_tags"], "tag3");
    assert_eq!(u["event_assets"], json!([]));
    assert_eq!(u["event_iocs"], json!([]));
    assert_eq!(u["event_color"], "#fff");
    assert_eq!(u["category_name"], "Execution");

    let state = app.iris_ok("GET", "/case/timeline/state", None).await;
    assert_eq!(keys(&state), fields(&["object_state", "object_last_update"]));

    let r = app
        .iris("POST", &format!("/case/timeline/events/delete/{id}"), Some(json!({})))
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], format!("Event ID {id} deleted"));
    // The child survives without a parent.
    let c = app
        .iris_ok("GET", &format!("/case/timeline/events/{}", child["event_id"]), None)
        .await;
    assert_eq!(c["parent_event_id"], Value::Null);
    let r = app
        .iris(
            "GET",
            &format!("/case/timeline/events/delete/{}?cid=1", child["event_id"]),
            None,
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "v1.0.1 deletes with GET: {}", r.text);
}

async fn timeline_lists_and_filters(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (asset, ioc) = setup(&app).await;
    let other = app
        .iris_ok(
            "POST",
            "/case/assets/add",
            Some(json!({"asset_name": "SRV-02", "asset_type_id": 10})),
        )
        .await["asset_id"]
        .as_i64()
        .expect("asset_id");
    let add = |body: Value| {
        let app = &app;
        async move {
            app.iris_ok("POST", "/case/timeline/events/add", Some(body)).await["event_id"]
                .as_i64()
                .expect("event_id")
        }
    };
    let first = add(with(
        event("Phishing mail opened", "2025-01-01T09:00:00.000000", "+00:00"),
        json!({"event_category_id": 4, "event_tags": "mail,initial", "event_assets": [asset],
               "event_content": "User clicked the link", "event_source": "Proxy"}),
    ))
    .await;
    let second = add(with(
        event("Beacon to C2", "2025-01-02T10:00:00.000000", "+00:00"),
        json!({"event_category_id": 13, "event_tags": "c2", "event_assets": [asset, other],
               "event_iocs": [ioc], "event_raw": "GET /beacon HTTP/1.1"}),
    ))
    .await;
    let third = add(event("Nothing linked", "2025-01-03T11:00:00.000000", "+00:00")).await;

    let ids = |v: &Value| -> Vec<i64> {
        v["timeline"]
            .as_array()
            .map(|a| a.iter().filter_map(|e| e["event_id"].as_i64()).collect())
            .unwrap_or_default()
    };
    let all = app.iris_ok("GET", "/case/timeline/events/list/filter/0", None).await;
    assert_eq!(ids(&all), [first, second, third]);
    assert_eq!(keys(&all), fields(&["timeline", "state"]));
    let by_asset = app
        .iris_ok("GET", &format!("/case/timeline/events/list/filter/{other}"), None)
        .await;
    assert_eq!(ids(&by_asset), [second]);
    assert_eq!(by_asset["timeline"][0]["assets"].as_array().map(Vec::len), Some(2));
    let none = app
        .iris_ok("GET", "/case/timeline/events/list/filter/111155551111", None)
        .await;
    assert_eq!(ids(&none), Vec::<i64>::new());

    let filter = |q: Value| {
        let app = &app;
        async move {
            let enc: String = url_encode(&q.to_string());
            // As the client sends it, stray `&?cid` included.
            app.iris_ok("GET", &format!("/case/timeline/advanced-filter?q={enc}&?cid=1"), None)
                .await
        }
    };
    let r = filter(json!({})).await;
    assert_eq!(ids(&r), [first, second, third]);
    for item in r["timeline"].as_array().expect("timeline") {
        assert_eq!(keys(item), fields(LISTED));
    }
    assert_eq!(ids(&filter(json!({"tag": ["%"]})).await), [first, second, third]);
    assert_eq!(
        ids(&filter(json!({"tag": ["randomrandomrandom"]})).await),
        Vec::<i64>::new()
    );
    assert_eq!(ids(&filter(json!({"tag": ["MAIL"]})).await), [first]);
    assert_eq!(ids(&filter(json!({"title": ["c%2"]})).await), [second]);
    assert_eq!(ids(&filter(json!({"description": ["clicked"]})).await), [first]);
    assert_eq!(ids(&filter(json!({"raw": ["beacon"]})).await), [second]);
    assert_eq!(ids(&filter(json!({"source": ["proxy"]})).await), [first]);
    assert_eq!(
        ids(&filter(json!({"category": ["Command and Control"]})).await),
        [second]
    );
    assert_eq!(ids(&filter(json!({"asset": ["ws-01"]})).await), [first, second]);
    assert_eq!(ids(&filter(json!({"asset": ["ws-01", "srv-02"]})).await), [second]);
    assert_eq!(ids(&filter(json!({"asset_id": [other]})).await), [second]);
    assert_eq!(ids(&filter(json!({"ioc": ["10.0.0.1"]})).await), [second]);
    assert_eq!(ids(&filter(json!({"ioc_id": [ioc]})).await), [second]);
    assert_eq!(
        ids(&filter(json!({"event_id": [first.to_string(), third]})).await),
        [first, third]
    );
    assert_eq!(
        ids(&filter(json!({"startDate": ["2025-01-02T00:00:00"], "endDate": ["2025-01-02T23:59:59"]})).await),
        [second]
    );
    assert_eq!(ids(&filter(json!({"flag": ["true"]})).await), Vec::<i64>::new());

    let r = app
        .iris("GET", "/case/timeline/advanced-filter?q=not%20json", None)
        .await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["message"], "Invalid query string");
    let r = app.iris("GET", "/case/timeline/advanced-filter", None).await;
    assert_eq!(r.body["message"], "Invalid query string");

    // event_sync_iocs_assets links the event's IOCs to its assets.
    add(with(
        event("Sync", "2025-01-04T11:00:00.000000", "+00:00"),
        json!({"event_assets": [other], "event_iocs": [ioc], "event_sync_iocs_assets": true}),
    ))
    .await;
    let a = app.iris_ok("GET", &format!("/case/assets/{other}"), None).await;
    assert_eq!(a["linked_ioc"][0]["ioc_id"], ioc);
    let a = app.iris_ok("GET", &format!("/case/assets/{asset}"), None).await;
    assert_eq!(a["linked_ioc"], json!([]), "only the event's assets");
}

fn url_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

async fn event_input_errors_are_soft(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (asset, _) = setup(&app).await;
    let add = |body: Value| {
        let app = &app;
        async move { app.iris("POST", "/case/timeline/events/add", Some(body)).await }
    };
    let base = event("Valid title", "2025-02-10T14:33:03.000000", "+00:00");
    for key in [
        "event_title",
        "event_date",
        "event_tz",
        "event_category_id",
        "event_assets",
        "event_iocs",
    ] {
        let mut body = base.clone();
        if let Value::Object(m) = &mut body {
            m.remove(key);
        }
        let r = add(body).await;
        assert_eq!(r.status.as_u16(), 400, "{key}: {}", r.text);
        assert_eq!(r.body["message"], "Data error");
        assert_eq!(r.body["data"][key], json!([format!("Missing field {key}")]), "{key}");
    }
    let r = add(with(base.clone(), json!({"event_title": "x"}))).await;
    assert!(r.body["data"]["event_title"].is_array(), "{}", r.text);
    for (date, tz) in [
        ("not a date", "+00:00"),
        ("2025-02-30T10:00:00.000000", "+00:00"),
        ("2025-02-10T14:33:03.000000", "Europe/Paris"),
        ("2025-02-10T14:33:03.000000", "+25:00"),
    ] {
        let r = add(with(base.clone(), json!({"event_date": date, "event_tz": tz}))).await;
        assert_eq!(r.status.as_u16(), 400, "{date} {tz}: {}", r.text);
        assert_eq!(
            r.body["data"]["event_date"],
            json!(["Invalid date time"]),
            "{date} {tz}"
        );
    }
    for cat in [json!(111155551111_i64), json!("dummy"), json!(0), json!(99)] {
        let r = add(with(base.clone(), json!({"event_category_id": cat}))).await;
        assert_eq!(r.status.as_u16(), 400, "{cat}: {}", r.text);
        assert_eq!(
            r.body["data"]["event_category_id"],
            json!(["Invalid event category ID"]),
            "{cat}"
        );
    }
    let r = add(with(base.clone(), json!({"event_assets": [asset, 111155551111_i64]}))).await;
    assert_eq!(r.body["data"]["event_assets"], json!(["Invalid assets ID"]));
    let r = add(with(base.clone(), json!({"event_iocs": [999]}))).await;
    assert_eq!(r.body["data"]["event_iocs"], json!(["Invalid IOC ID"]));
    let r = add(with(base.clone(), json!({"parent_event_id": 999}))).await;
    assert!(r.body["data"]["parent_event_id"].is_array(), "{}", r.text);
    let r = add(with(base.clone(), json!({"custom_attributes": [1]}))).await;
    assert!(r.body["data"]["custom_attributes"].is_array(), "{}", r.text);
    let r = add(with(base.clone(), json!({"event_in_graph": "maybe"}))).await;
    assert!(r.body["data"]["event_in_graph"].is_array(), "{}", r.text);

    let ok = add(base.clone()).await;
    assert_eq!(ok.status.as_u16(), 200, "{}", ok.text);
    let id = ok.body["data"]["event_id"].as_i64().expect("event_id");
    // Update checks the same keys.
    let mut partial = base.clone();
    if let Value::Object(m) = &mut partial {
        m.remove("event_iocs");
    }
    let r = app
        .iris("POST", &format!("/case/timeline/events/update/{id}"), Some(partial))
        .await;
    assert_eq!(r.body["data"]["event_iocs"], json!(["Missing field event_iocs"]));
    let r = app
        .iris(
            "POST",
            &format!("/case/timeline/events/update/{id}"),
            Some(with(base.clone(), json!({"event_category_id": 111155551111_i64}))),
        )
        .await;
    assert_eq!(
        r.body["data"]["event_category_id"],
        json!(["Invalid event category ID"])
    );

    for raw in ["111155551111", "-1", "abc"] {
        let r = app.iris("GET", &format!("/case/timeline/events/{raw}"), None).await;
        assert_eq!(r.status.as_u16(), 400, "{}", r.text);
        assert_eq!(r.body["message"], "Invalid event ID for this case");
        let r = app
            .iris(
                "POST",
                &format!("/case/timeline/events/update/{raw}"),
                Some(base.clone()),
            )
            .await;
        assert_eq!(r.body["message"], "Invalid event ID for this case");
        let r = app
            .iris("POST", &format!("/case/timeline/events/delete/{raw}"), None)
            .await;
        assert_eq!(r.status.as_u16(), 400, "{}", r.text);
        assert_eq!(r.body["message"], "Not a valid event ID for this case");
    }
    let r = app.iris("GET", "/case/timeline/events/list/filter/abc", None).await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text);

    // An event of another case is not one of this case.
    let c = app
        .admin("POST", "/api/v1/cases", Some(json!({"title": "Second"})))
        .await
        .expect(201);
    let second = c.body["number"].as_i64().expect("number");
    let r = app
        .iris("GET", &format!("/case/timeline/events/{id}?cid={second}"), None)
        .await;
    assert_eq!(r.body["message"], "Invalid event ID for this case");
    let r = app
        .iris("POST", &format!("/case/timeline/events/delete/{id}?cid={second}"), None)
        .await;
    assert_eq!(r.body["message"], "Not a valid event ID for this case");
    let r = app
        .iris(
            "POST",
            &format!("/case/timeline/events/add?cid={second}"),
            Some(with(base.clone(), json!({"event_assets": [asset], "cid": second}))),
        )
        .await;
    assert_eq!(
        r.body["data"]["event_assets"],
        json!(["Invalid assets ID"]),
        "an asset of another case"
    );

    let r = app.iris("GET", "/case/timeline/events/list?cid=999", None).await;
    assert_eq!(r.status.as_u16(), 403);
    assert_eq!(r.body["message"], "Permission denied");
    let (_, viewer) = app.member("watcher", "viewer").await;
    let r = app
        .iris_as(&viewer, "POST", "/case/timeline/events/add", Some(base.clone()))
        .await;
    assert_eq!(r.status.as_u16(), 403);
    let r = app
        .iris_as(&viewer, "POST", &format!("/case/timeline/events/delete/{id}"), None)
        .await;
    assert_eq!(r.status.as_u16(), 403);
    let r = app.iris_as(&viewer, "GET", "/case/timeline/events/list", None).await;
    assert_eq!(r.status.as_u16(), 200, "a viewer reads: {}", r.text);
    let (_, theirs) = app.tenant("Elsewhere").await;
    let r = app
        .iris_as(&theirs, "GET", &format!("/case/timeline/events/{id}"), None)
        .await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text);
    assert_eq!(r.body["message"], "Invalid event ID for this case");
}
