//! IRIS dialect: a case's assets (`/case/assets/*`).

use dossier_core::Backend;
use serde_json::{Value, json};

use crate::{
    both,
    harness::{TestApp, fields, keys},
};

both!(
    assets_round_trip_with_iris_shapes,
    assets_link_iocs_and_other_cases,
    asset_input_errors_are_soft
);

const DETAIL: &[&str] = &[
    "asset_id",
    "asset_uuid",
    "asset_name",
    "asset_description",
    "asset_domain",
    "asset_ip",
    "asset_info",
    "asset_tags",
    "asset_type_id",
    "asset_compromise_status_id",
    "analysis_status_id",
    "case_id",
    "user_id",
    "date_added",
    "date_update",
    "custom_attributes",
    "asset_enrichment",
    "modification_history",
    "linked_ioc",
];

const LISTED: &[&str] = &[
    "asset_id",
    "asset_uuid",
    "asset_name",
    "asset_description",
    "asset_domain",
    "asset_ip",
    "asset_tags",
    "asset_type_id",
    "asset_type",
    "asset_icon_compromised",
    "asset_icon_not_compromised",
    "asset_compromise_status_id",
    "analysis_status_id",
    "analysis_status",
    "ioc_links",
    "link",
];

/// Makes the workspace's primary case (case 1, customer 1 `IrisInitialClient`) and returns a
/// second case of the same customer.
async fn setup(app: &TestApp) -> i64 {
    app.iris_ok("GET", "/case/assets/list", None).await;
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

fn error_field<'a>(r: &'a crate::harness::Resp, field: &str) -> &'a Value {
    &r.body["data"][field]
}

async fn assets_round_trip_with_iris_shapes(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    // The first call without a cid makes the workspace's primary case, case 1.
    let empty = app.iris_ok("GET", "/case/assets/list", None).await;
    assert_eq!(keys(&empty), fields(&["assets", "state"]));
    assert_eq!(empty["assets"], json!([]));
    assert_eq!(keys(&empty["state"]), fields(&["object_state", "object_last_update"]));
    let before = empty["state"]["object_state"].as_i64().unwrap_or(-1);

    // Everything given, as the client sends it (ids as strings are fine).
    let r = app
        .iris(
            "POST",
            "/case/assets/add",
            Some(json!({
                "asset_name": "WS-01", "asset_type_id": "9", "analysis_status_id": 3, "cid": 1,
                "asset_description": "Finance laptop", "asset_domain": "corp.example", "asset_ip": "dummy IP",
                "asset_info": "Seen by the EDR", "asset_compromise_status_id": 1, "asset_tags": "tag1,tag2",
                "custom_attributes": {}, "ioc_links": []
            })),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "Asset added");
    let a = &r.body["data"];
    assert_eq!(keys(a), fields(DETAIL));
    let id = a["asset_id"].as_i64().expect("asset_id");
    assert_eq!(a["asset_name"], "WS-01");
    assert_eq!(a["asset_type_id"], 9);
    assert_eq!(a["analysis_status_id"], 3);
    assert_eq!(a["asset_compromise_status_id"], 1);
    assert_eq!(a["asset_description"], "Finance laptop");
    assert_eq!(a["asset_domain"], "corp.example");
    assert_eq!(a["asset_ip"], "dummy IP", "IRIS keeps the IP field as typed");
    assert_eq!(a["asset_info"], "Seen by the EDR");
    assert_eq!(a["asset_tags"], "tag1,tag2");
    assert_eq!(a["custom_attributes"], json!({}));
    assert_eq!(a["case_id"], 1);
    assert_eq!(a["user_id"], 1);
    assert!(a["date_added"].as_str().is_some_and(|d| d.len() == 26), "{a}");
    assert_eq!(a["linked_ioc"], json!([]));
    assert!(
        a["modification_history"].as_object().is_some_and(|h| h.len() == 1),
        "{a}"
    );

    // The minimum: unset optionals read null in the answer; the analysis status defaults to 1.
    let p = app
        .iris_ok(
            "POST",
            "/case/assets/add",
            Some(json!({"asset_name": "svc-backup", "asset_type_id": 1, "analysis_status_id": null})),
        )
        .await;
    assert_eq!(p["asset_compromise_status_id"], Value::Null);
    assert_eq!(p["custom_attributes"], Value::Null);
    assert_eq!(p["asset_description"], Value::Null);
    assert_eq!(p["asset_ip"], Value::Null);
    assert_eq!(p["asset_tags"], Value::Null);
    assert_eq!(p["analysis_status_id"], 1);
    let pid = p["asset_id"].as_i64().expect("asset_id");
    // v1.0.1's boolean.
    let v1 = app
        .iris_ok(
            "POST",
            "/case/assets/add",
            Some(json!({"asset_name": "old-style", "asset_type_id": 3, "asset_compromised": false})),
        )
        .await;
    assert_eq!(v1["asset_compromise_status_id"], 2);

    let got = app.iris_ok("GET", &format!("/case/assets/{id}?cid=1"), None).await;
    assert_eq!(keys(&got), fields(DETAIL));
    assert_eq!(got["asset_ip"], "dummy IP");
    assert_eq!(got["asset_tags"], "tag1,tag2");
    // Stored defaults read back on GET.
    let gp = app.iris_ok("GET", &format!("/case/assets/{pid}"), None).await;
    assert_eq!(gp["asset_compromise_status_id"], 0);
    assert_eq!(gp["custom_attributes"], json!({}));

    let list = app.iris_ok("GET", "/case/assets/list", None).await;
    let items = list["assets"].as_array().expect("assets");
    assert_eq!(items.len(), 3);
    for item in items {
        assert_eq!(keys(item), fields(LISTED));
        assert!(item["analysis_status"].is_string());
        assert!(item["link"].is_array());
    }
    let ws = items.iter().find(|i| i["asset_id"] == id).expect("listed");
    assert_eq!(ws["asset_type"], "Windows - Computer");
    assert_eq!(ws["asset_icon_compromised"], "ioc_windows_desktop.png");
    assert_eq!(ws["asset_icon_not_compromised"], "windows_desktop.png");
    assert_eq!(ws["analysis_status"], "Started");
    let svc = items.iter().find(|i| i["asset_id"] == pid).expect("listed");
    assert_eq!(svc["analysis_status"], "Unspecified");
    assert!(list["state"]["object_state"].as_i64().unwrap_or(0) > before);

    // A full update as the client makes it: everything re-sent; the description is what was
    // sent (D17: the client sends the analysis status when none is given).
    let r = app
        .iris(
            "POST",
            &format!("/case/assets/update/{id}"),
            Some(json!({
                "asset_name": "WS-01-renamed", "asset_type_id": 10, "analysis_status_id": 6,
                "asset_description": null, "asset_domain": "corp.example", "asset_ip": "10.0.0.7",
                "asset_info": "Seen by the EDR", "asset_compromise_status_id": 3, "asset_tags": "tag3",
                "custom_attributes": {}, "cid": 1
            })),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "Updated asset WS-01-renamed");
    let u = &r.body["data"];
    assert_eq!(keys(u), fields(DETAIL));
    assert_eq!(u["asset_name"], "WS-01-renamed");
    assert_eq!(u["asset_type_id"], 10);
    assert_eq!(u["analysis_status_id"], 6);
    assert_eq!(u["asset_compromise_status_id"], 3);
    assert_eq!(u["asset_description"], Value::Null);
    assert_eq!(u["asset_ip"], "10.0.0.7");
    assert_eq!(u["asset_tags"], "tag3");
    assert_eq!(u["asset_id"], id, "the id stays");
    assert!(
        u["modification_history"].as_object().is_some_and(|h| h.len() >= 2),
        "{u}"
    );

    let state = app.iris_ok("GET", "/case/assets/state?cid=1", None).await;
    assert_eq!(keys(&state), fields(&["object_state", "object_last_update"]));
    assert!(state["object_last_update"].is_string());

    let r = app
        .iris("POST", &format!("/case/assets/delete/{id}"), Some(json!({})))
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "Deleted");
    assert_eq!(r.body["data"], json!([]));
    // v1.0.1 deletes with GET.
    let r = app.iris("GET", &format!("/case/assets/delete/{pid}?cid=1"), None).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let r = app.iris("GET", &format!("/case/assets/{id}"), None).await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["message"], "Invalid asset ID for this case");
    let r = app.iris("POST", &format!("/case/assets/delete/{id}"), None).await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["message"], "Invalid asset ID for this case");
}

async fn assets_link_iocs_and_other_cases(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let second = setup(&app).await;
    let ioc = app
        .iris_ok(
            "POST",
            "/case/ioc/add",
            Some(
                json!({"ioc_value": "10.1.2.3", "ioc_type_id": 76, "ioc_tlp_id": 1, "ioc_tags": "c2",
                        "ioc_description": "beacon", "cid": 1}),
            ),
        )
        .await;
    let ioc_id = ioc["ioc_id"].as_i64().expect("ioc_id");
    // The client sends the links as strings.
    let a = app
        .iris_ok(
            "POST",
            "/case/assets/add?cid=1",
            Some(json!({"asset_name": "DC01", "asset_type_id": 11, "ioc_links": [ioc_id.to_string()]})),
        )
        .await;
    let id = a["asset_id"].as_i64().expect("asset_id");
    assert_eq!(a["linked_ioc"].as_array().map(Vec::len), Some(1));
    let l = &a["linked_ioc"][0];
    assert_eq!(
        keys(l),
        fields(&[
            "ioc_id",
            "ioc_value",
            "ioc_type_id",
            "type_name",
            "ioc_tlp_id",
            "ioc_description",
            "ioc_tags"
        ])
    );
    assert_eq!(l["ioc_id"], ioc_id);
    assert_eq!(l["ioc_value"], "10.1.2.3");
    assert_eq!(l["ioc_type_id"], 76);
    assert_eq!(l["type_name"], "ip-any");
    assert_eq!(l["ioc_tlp_id"], 1);
    assert_eq!(l["ioc_description"], "beacon");
    assert_eq!(l["ioc_tags"], "c2");
    let list = app.iris_ok("GET", "/case/assets/list", None).await;
    assert_eq!(
        list["assets"][0]["ioc_links"],
        json!([{"ioc_id": ioc_id, "ioc_value": "10.1.2.3"}])
    );
    assert_eq!(list["assets"][0]["link"], json!([]));

    // A link that is not an IOC of the case: the asset is still written, the answer says so.
    let r = app
        .iris(
            "POST",
            "/case/assets/add",
            Some(json!({"asset_name": "WS-09", "asset_type_id": 9, "ioc_links": [ioc_id, 111155551111_i64]})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text);
    assert_eq!(
        r.body["message"],
        "Encountered errors while linking IOC. Asset has still been updated."
    );
    let list = app.iris_ok("GET", "/case/assets/list", None).await;
    let ws09 = list["assets"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["asset_name"] == "WS-09"))
        .expect("written anyway");
    assert_eq!(ws09["ioc_links"].as_array().map(Vec::len), Some(1));

    // `ioc_links: []` on update clears the links; leaving the key out keeps them.
    let u = app
        .iris_ok(
            "POST",
            &format!("/case/assets/update/{id}"),
            Some(json!({"asset_name": "DC01", "asset_type_id": 11})),
        )
        .await;
    assert_eq!(u["linked_ioc"].as_array().map(Vec::len), Some(1));
    let u = app
        .iris_ok(
            "POST",
            &format!("/case/assets/update/{id}"),
            Some(json!({"asset_name": "DC01", "asset_type_id": 11, "ioc_links": []})),
        )
        .await;
    assert_eq!(u["linked_ioc"], json!([]));

    // The same asset (name case-insensitive, same type) in another case of the same customer
    // shows in `link`; a case of another customer does not.
    app.iris_ok(
        "POST",
        &format!("/case/assets/add?cid={second}"),
        Some(
            json!({"asset_name": "dc01", "asset_type_id": 11, "asset_description": "there too",
                    "asset_compromise_status_id": 1}),
        ),
    )
    .await;
    let other = app
        .admin("POST", "/api/v1/cases", Some(json!({"title": "No customer"})))
        .await
        .expect(201);
    let other = other.body["number"].as_i64().expect("number");
    app.iris_ok(
        "POST",
        &format!("/case/assets/add?cid={other}"),
        Some(json!({"asset_name": "DC01", "asset_type_id": 11})),
    )
    .await;
    let list = app.iris_ok("GET", "/case/assets/list?cid=1", None).await;
    let dc = list["assets"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["asset_id"] == id))
        .expect("listed");
    let links = dc["link"].as_array().expect("link");
    assert_eq!(links.len(), 1, "{links:?}");
    assert_eq!(
        keys(&links[0]),
        fields(&[
            "asset_id",
            "case_id",
            "case_name",
            "case_open_date",
            "asset_description",
            "asset_compromise_status_id"
        ])
    );
    assert_eq!(links[0]["case_id"], second);
    assert_eq!(links[0]["case_name"], format!("#{second} - Second case"));
    assert_eq!(links[0]["asset_description"], "there too");
    assert_eq!(links[0]["asset_compromise_status_id"], 1);
}

async fn asset_input_errors_are_soft(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    setup(&app).await;
    let add = |body: Value| {
        let app = &app;
        async move { app.iris("POST", "/case/assets/add", Some(body)).await }
    };
    let r = add(json!({"asset_type_id": 9})).await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["message"], "Data error");
    assert!(error_field(&r, "asset_name").is_array(), "{}", r.text);
    let r = add(json!({"asset_name": "x", "asset_type_id": 111155551111_i64})).await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(error_field(&r, "asset_type_id"), &json!(["Invalid asset type ID"]));
    let r = add(json!({"asset_name": "x", "asset_type_id": "nine"})).await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(error_field(&r, "asset_type_id"), &json!(["Invalid data type"]));
    let r = add(json!({"asset_name": "x", "asset_type_id": 9, "analysis_status_id": 111155551111_i64})).await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(
        error_field(&r, "analysis_status_id"),
        &json!(["Invalid analysis status ID"])
    );
    let r = add(json!({"asset_name": "x", "asset_type_id": 9, "asset_compromise_status_id": 7})).await;
    assert_eq!(r.status.as_u16(), 400);
    assert!(error_field(&r, "asset_compromise_status_id").is_array(), "{}", r.text);
    let r = add(json!({"asset_name": "x", "asset_type_id": 9, "custom_attributes": "nope"})).await;
    assert_eq!(r.status.as_u16(), 400);
    assert!(error_field(&r, "custom_attributes").is_array(), "{}", r.text);

    // The same name (any case) and type twice in one case.
    app.iris_ok(
        "POST",
        "/case/assets/add",
        Some(json!({"asset_name": "Laptop-7", "asset_type_id": 9})),
    )
    .await;
    let r = add(json!({"asset_name": "LAPTOP-7", "asset_type_id": 9})).await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["message"], "Data error");
    assert_eq!(
        error_field(&r, "asset_name"),
        &json!(["Asset name already exists in this case"])
    );
    // Another type is another asset.
    let other = app
        .iris_ok(
            "POST",
            "/case/assets/add",
            Some(json!({"asset_name": "LAPTOP-7", "asset_type_id": 4})),
        )
        .await;
    let r = app
        .iris(
            "POST",
            &format!("/case/assets/update/{}", other["asset_id"]),
            Some(json!({"asset_name": "laptop-7", "asset_type_id": 9})),
        )
        .await;
    assert_eq!(
        error_field(&r, "asset_name"),
        &json!(["Asset name already exists in this case"])
    );

    // Unknown ids, whatever their form.
    for id in ["111155551111", "-1", "abc", "0"] {
        for (method, path) in [
            ("GET", format!("/case/assets/{id}")),
            ("POST", format!("/case/assets/update/{id}")),
            ("POST", format!("/case/assets/delete/{id}")),
        ] {
            let r = app
                .iris(method, &path, Some(json!({"asset_name": "x", "asset_type_id": 9})))
                .await;
            assert_eq!(r.status.as_u16(), 400, "{method} {path}: {}", r.text);
            assert_eq!(r.body["message"], "Invalid asset ID for this case", "{path}");
        }
    }
    // An asset of another case is not one of this case.
    let mine = app
        .iris_ok(
            "POST",
            "/case/assets/add",
            Some(json!({"asset_name": "only-in-1", "asset_type_id": 9})),
        )
        .await;
    let r = app
        .iris("GET", &format!("/case/assets/{}?cid=2", mine["asset_id"]), None)
        .await;
    assert_eq!(r.body["message"], "Invalid asset ID for this case");

    // An unknown case, a viewer writing, another workspace.
    let r = app.iris("GET", "/case/assets/list?cid=999", None).await;
    assert_eq!(r.status.as_u16(), 403);
    assert_eq!(r.body["message"], "Permission denied");
    assert_eq!(r.body["data"]["case_id"], 999);
    let (_, viewer) = app.member("watcher", "viewer").await;
    let r = app
        .iris_as(
            &viewer,
            "POST",
            "/case/assets/add",
            Some(json!({"asset_name": "v", "asset_type_id": 9})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 403);
    assert_eq!(r.body["message"], "Permission denied");
    let r = app.iris_as(&viewer, "GET", "/case/assets/list", None).await;
    assert_eq!(r.status.as_u16(), 200, "a viewer reads: {}", r.text);
    let r = app
        .iris_as(
            &viewer,
            "POST",
            &format!("/case/assets/delete/{}", mine["asset_id"]),
            None,
        )
        .await;
    assert_eq!(r.status.as_u16(), 403);
    let (_, theirs) = app.tenant("Elsewhere").await;
    let r = app
        .iris_as(&theirs, "GET", &format!("/case/assets/{}", mine["asset_id"]), None)
        .await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text);
    assert_eq!(r.body["message"], "Invalid asset ID for this case");
    let r = app.iris_as(&theirs, "GET", "/case/assets/list?cid=2", None).await;
    assert_eq!(r.status.as_u16(), 403, "{}", r.text);
    let r = app.iris_as(&theirs, "GET", "/case/assets/list", None).await;
    assert_eq!(r.body["data"]["assets"], json!([]), "{}", r.text);
}
