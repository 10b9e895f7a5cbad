//! IRIS dialect: a case's IOCs (`/case/ioc/*`).

use dossier_core::Backend;
use serde_json::{Value, json};

use crate::{
    both,
    harness::{TestApp, fields, keys},
};

both!(
    iocs_round_trip_with_iris_shapes,
    iocs_are_per_case_and_linked_across_cases,
    ioc_input_errors_are_soft
);

const DETAIL: &[&str] = &[
    "ioc_id",
    "ioc_uuid",
    "ioc_value",
    "ioc_type_id",
    "ioc_type",
    "ioc_tlp_id",
    "ioc_description",
    "ioc_tags",
    "ioc_misp",
    "user_id",
    "custom_attributes",
    "ioc_enrichment",
    "modification_history",
];

const LISTED: &[&str] = &[
    "ioc_id",
    "ioc_uuid",
    "ioc_value",
    "ioc_type_id",
    "ioc_type",
    "ioc_description",
    "ioc_tags",
    "ioc_tlp_id",
    "tlp_name",
    "tlp_bscolor",
    "ioc_misp",
    "misp_link",
    "link",
];

/// Case 1 (customer 1) and a second case of the same customer.
async fn setup(app: &TestApp) -> i64 {
    app.iris_ok("GET", "/case/ioc/list", None).await;
    let c = app
        .admin(
            "POST",
            "/api/v1/cases",
            Some(json!({"title": "Second case", "customer": "1"})),
        )
        .await
        .expect(201);
    c.body["number"].as_i64().expect("number")
}

async fn iocs_round_trip_with_iris_shapes(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let empty = app.iris_ok("GET", "/case/ioc/list", None).await;
    assert_eq!(keys(&empty), fields(&["ioc", "state"]));
    assert_eq!(empty["ioc"], json!([]));
    assert_eq!(keys(&empty["state"]), fields(&["object_state", "object_last_update"]));

    let r = app
        .iris(
            "POST",
            "/case/ioc/add",
            Some(
                json!({"ioc_value": "dummy ioc", "ioc_type_id": 1, "ioc_tlp_id": 2, "cid": 1,
                        "ioc_description": "dummy description", "ioc_tags": "tag1,tag2"}),
            ),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "IOC added");
    let i = &r.body["data"];
    assert_eq!(keys(i), fields(DETAIL));
    let id = i["ioc_id"].as_i64().expect("ioc_id");
    assert_eq!(i["ioc_value"], "dummy ioc");
    assert_eq!(i["ioc_type_id"], 1);
    assert_eq!(i["ioc_type"], "AS");
    assert_eq!(i["ioc_tlp_id"], 2);
    assert_eq!(i["ioc_description"], "dummy description");
    assert_eq!(i["ioc_tags"], "tag1,tag2");
    assert_eq!(i["user_id"], 1);
    assert_eq!(i["ioc_misp"], Value::Null);

    // The TLP defaults to amber (2); the client's string ids are accepted.
    let red = app
        .iris_ok(
            "POST",
            "/case/ioc/add",
            Some(json!({"ioc_value": "10.0.0.1", "ioc_type_id": "76", "ioc_tlp_id": "1"})),
        )
        .await;
    assert_eq!(red["ioc_tlp_id"], 1);
    assert_eq!(red["ioc_tags"], Value::Null);
    assert_eq!(red["ioc_description"], Value::Null);
    let plain = app
        .iris_ok(
            "POST",
            "/case/ioc/add",
            Some(json!({"ioc_value": "evil.example", "ioc_type_id": 20})),
        )
        .await;
    assert_eq!(plain["ioc_tlp_id"], 2);
    // IRIS checks only hash-like types: a defanged address is kept as typed.
    let defanged = app
        .iris_ok(
            "POST",
            "/case/ioc/add",
            Some(json!({"ioc_value": "198.51.100[.]7", "ioc_type_id": 76})),
        )
        .await;
    assert_eq!(defanged["ioc_value"], "198.51.100[.]7");
    app.iris_ok("POST", &format!("/case/ioc/delete/{}", defanged["ioc_id"]), None)
        .await;

    // Adding the same value and type again returns the existing IOC (D11).
    let r = app
        .iris(
            "POST",
            "/case/ioc/add",
            Some(json!({"ioc_value": "dummy ioc", "ioc_type_id": 1, "ioc_tlp_id": 4, "ioc_tags": "other"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "IOC already exists and linked to this case");
    assert_eq!(r.body["data"]["ioc_id"], id);
    assert_eq!(r.body["data"]["ioc_tags"], "tag1,tag2", "unchanged");

    let got = app.iris_ok("GET", &format!("/case/ioc/{id}?cid=1"), None).await;
    assert_eq!(keys(&got), fields(DETAIL));
    assert_eq!(got["ioc_value"], "dummy ioc");

    let list = app.iris_ok("GET", "/case/ioc/list", None).await;
    let items = list["ioc"].as_array().expect("ioc");
    assert_eq!(items.len(), 3);
    for item in items {
        assert_eq!(keys(item), fields(LISTED));
        assert!(item["tlp_name"].is_string());
        assert_eq!(item["link"], json!([]));
    }
    // Sorted by type name: AS, domain, ip-any.
    let types: Vec<&str> = items.iter().filter_map(|i| i["ioc_type"].as_str()).collect();
    assert_eq!(types, ["AS", "domain", "ip-any"]);
    let r0 = items.iter().find(|i| i["ioc_id"] == red["ioc_id"]).expect("listed");
    assert_eq!(r0["tlp_name"], "red");
    assert_eq!(r0["tlp_bscolor"], "danger");
    assert!(list["state"]["object_state"].as_i64().unwrap_or(0) > 0);

    // A full update as the client sends it.
    let r = app
        .iris(
            "POST",
            &format!("/case/ioc/update/{id}"),
            Some(json!({"ioc_value": "new dummy ioc", "ioc_tlp_id": 3, "ioc_type_id": 1,
                        "ioc_description": "new dummy description", "ioc_tags": "tag3",
                        "custom_attributes": {}, "cid": 1})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "Updated ioc \"new dummy ioc\"");
    let u = &r.body["data"];
    assert_eq!(keys(u), fields(DETAIL));
    assert_eq!(u["ioc_id"], id);
    assert_eq!(u["ioc_value"], "new dummy ioc");
    assert_eq!(u["ioc_tlp_id"], 3);
    assert_eq!(u["ioc_description"], "new dummy description");
    assert_eq!(u["ioc_tags"], "tag3");
    assert!(
        u["modification_history"].as_object().is_some_and(|h| !h.is_empty()),
        "{u}"
    );

    let state = app.iris_ok("GET", "/case/ioc/state", None).await;
    assert_eq!(keys(&state), fields(&["object_state", "object_last_update"]));

    let r = app
        .iris("POST", &format!("/case/ioc/delete/{id}"), Some(json!({})))
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], format!("IOC {id} deleted"));
    let r = app
        .iris("GET", &format!("/case/ioc/delete/{}", red["ioc_id"]), None)
        .await;
    assert_eq!(r.status.as_u16(), 200, "v1.0.1 deletes with GET: {}", r.text);
    let r = app.iris("GET", &format!("/case/ioc/{id}"), None).await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["message"], "Invalid IOC ID for this case");
}

async fn iocs_are_per_case_and_linked_across_cases(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let second = setup(&app).await;
    let one = app
        .iris_ok(
            "POST",
            "/case/ioc/add?cid=1",
            Some(json!({"ioc_value": "203.0.113.9", "ioc_type_id": 76, "ioc_description": "first view"})),
        )
        .await;
    let two = app
        .iris_ok(
            "POST",
            &format!("/case/ioc/add?cid={second}"),
            Some(json!({"ioc_value": "203.0.113.9", "ioc_type_id": 76, "ioc_description": "second view"})),
        )
        .await;
    assert_ne!(one["ioc_id"], two["ioc_id"], "one IOC per case");
    // An edit in one case stays in that case.
    app.iris_ok(
        "POST",
        &format!("/case/ioc/update/{}?cid={second}", two["ioc_id"]),
        Some(json!({"ioc_value": "203.0.113.9", "ioc_type_id": 76, "ioc_tlp_id": 1,
                    "ioc_description": "edited there", "ioc_tags": "x"})),
    )
    .await;
    let mine = app.iris_ok("GET", &format!("/case/ioc/{}", one["ioc_id"]), None).await;
    assert_eq!(mine["ioc_description"], "first view");
    assert_eq!(mine["ioc_tlp_id"], 2);

    let list = app.iris_ok("GET", "/case/ioc/list?cid=1", None).await;
    let link = &list["ioc"][0]["link"];
    assert_eq!(
        link,
        &json!([{"case_id": second, "case_name": format!("#{second} - Second case"),
                 "client_name": "IrisInitialClient"}])
    );
    let list = app.iris_ok("GET", &format!("/case/ioc/list?cid={second}"), None).await;
    assert_eq!(list["ioc"][0]["link"][0]["case_id"], 1);
    // An IOC of another case is not one of this case.
    let r = app
        .iris("GET", &format!("/case/ioc/{}?cid=1", two["ioc_id"]), None)
        .await;
    assert_eq!(r.body["message"], "Invalid IOC ID for this case");
    let r = app
        .iris("POST", &format!("/case/ioc/delete/{}?cid=1", two["ioc_id"]), None)
        .await;
    assert_eq!(r.body["message"], "Not a valid IOC for this case");
    // Unlinking from one case leaves the other's.
    app.iris_ok("POST", &format!("/case/ioc/delete/{}?cid=1", one["ioc_id"]), None)
        .await;
    let list = app.iris_ok("GET", &format!("/case/ioc/list?cid={second}"), None).await;
    assert_eq!(list["ioc"][0]["link"], json!([]));
    assert_eq!(list["ioc"][0]["ioc_description"], "edited there");
}

async fn ioc_input_errors_are_soft(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    setup(&app).await;
    let add = |body: Value| {
        let app = &app;
        async move { app.iris("POST", "/case/ioc/add", Some(body)).await }
    };
    let r = add(json!({"ioc_value": "dummy ioc", "ioc_type_id": 111155551111_i64, "ioc_tlp_id": 2})).await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["message"], "Data error");
    assert_eq!(r.body["data"]["ioc_type_id"], json!(["Invalid ioc type ID"]));
    let r = add(json!({"ioc_value": "dummy ioc", "ioc_type_id": "AS", "ioc_tlp_id": 2})).await;
    assert_eq!(r.body["data"]["ioc_type_id"], json!(["Invalid ioc type ID"]));
    let r = add(json!({"ioc_value": "dummy ioc", "ioc_type_id": 1, "ioc_tlp_id": 111155551111_i64})).await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["data"]["ioc_tlp_id"], json!(["Invalid TLP ID"]));
    let r = add(json!({"ioc_value": "dummy ioc", "ioc_type_id": 1, "ioc_tlp_id": 0})).await;
    assert_eq!(r.body["data"]["ioc_tlp_id"], json!(["Invalid TLP ID"]));
    let r = add(json!({"ioc_type_id": 1})).await;
    assert_eq!(r.status.as_u16(), 400);
    assert!(r.body["data"]["ioc_value"].is_array(), "{}", r.text);
    let r = add(json!({"ioc_value": " ", "ioc_type_id": 1})).await;
    assert!(r.body["data"]["ioc_value"].is_array(), "{}", r.text);
    // Hash types are checked, with the type's hint.
    let r = add(json!({"ioc_value": "not-a-hash", "ioc_type_id": 113})).await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(
        r.body["data"]["ioc_ioc_value"],
        json!(["The input doesn't match the expected format (expected: 64 hexadecimal characters)"])
    );
    let ok = add(json!({"ioc_value": "A".repeat(64), "ioc_type_id": 113})).await;
    assert_eq!(ok.status.as_u16(), 200, "{}", ok.text);

    // Updates check the same way.
    let id = ok.body["data"]["ioc_id"].as_i64().expect("ioc_id");
    let r = app
        .iris(
            "POST",
            &format!("/case/ioc/update/{id}"),
            Some(json!({"ioc_type_id": 111155551111_i64})),
        )
        .await;
    assert_eq!(r.body["data"]["ioc_type_id"], json!(["Invalid ioc type ID"]));
    let r = app
        .iris(
            "POST",
            &format!("/case/ioc/update/{id}"),
            Some(json!({"ioc_tlp_id": 111155551111_i64})),
        )
        .await;
    assert_eq!(r.body["data"]["ioc_tlp_id"], json!(["Invalid TLP ID"]));

    for raw in ["111155551111", "-1", "abc"] {
        let r = app.iris("GET", &format!("/case/ioc/{raw}"), None).await;
        assert_eq!(r.status.as_u16(), 400, "{}", r.text);
        assert_eq!(r.body["message"], "Invalid IOC ID for this case");
        let r = app
            .iris(
                "POST",
                &format!("/case/ioc/update/{raw}"),
                Some(json!({"ioc_value": "x"})),
            )
            .await;
        assert_eq!(r.body["message"], "Invalid IOC ID for this case");
        let r = app.iris("POST", &format!("/case/ioc/delete/{raw}"), None).await;
        assert_eq!(r.status.as_u16(), 400, "{}", r.text);
        assert_eq!(r.body["message"], "Not a valid IOC for this case");
    }

    let r = app.iris("GET", "/case/ioc/list?cid=999", None).await;
    assert_eq!(r.status.as_u16(), 403);
    assert_eq!(r.body["message"], "Permission denied");
    let (_, viewer) = app.member("watcher", "viewer").await;
    let r = app
        .iris_as(
            &viewer,
            "POST",
            "/case/ioc/add",
            Some(json!({"ioc_value": "x", "ioc_type_id": 1})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 403);
    let r = app.iris_as(&viewer, "GET", &format!("/case/ioc/{id}"), None).await;
    assert_eq!(r.status.as_u16(), 200, "a viewer reads: {}", r.text);
    let (_, theirs) = app.tenant("Elsewhere").await;
    let r = app.iris_as(&theirs, "GET", &format!("/case/ioc/{id}"), None).await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text);
    assert_eq!(r.body["message"], "Invalid IOC ID for this case");
    let r = app
        .iris_as(&theirs, "POST", &format!("/case/ioc/delete/{id}"), None)
        .await;
    assert_eq!(r.body["message"], "Not a valid IOC for this case");
}
