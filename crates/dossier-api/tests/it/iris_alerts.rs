//! IRIS dialect: alerts (`/alerts/*`): add, read, filter, update, delete, escalate, merge,
//! unmerge; permissions and workspace isolation.

use dossier_core::Backend;
use serde_json::{Value, json};

use crate::{
    both,
    harness::{TestApp, fields, keys},
};

both!(
    alerts_are_added_and_read_back,
    related_alerts_share_iocs_or_assets,
    alerts_are_filtered_and_paged,
    alerts_are_updated,
    alerts_are_deleted,
    alerts_are_escalated_into_new_cases,
    alerts_are_merged_and_unmerged,
    bad_input_is_a_soft_error,
    permissions_and_workspaces_are_respected,
    unknown_severity_or_resolution_ids_match_nothing,
    a_second_escalation_is_refused
);

const ALERT_FIELDS: &[&str] = &[
    "alert_id",
    "alert_uuid",
    "alert_title",
    "alert_description",
    "alert_source",
    "alert_source_ref",
    "alert_source_link",
    "alert_source_content",
    "alert_severity_id",
    "alert_status_id",
    "alert_context",
    "alert_source_event_time",
    "alert_creation_time",
    "alert_note",
    "alert_tags",
    "alert_owner_id",
    "alert_customer_id",
    "alert_classification_id",
    "alert_resolution_status_id",
    "modification_history",
    "owner",
    "severity",
    "status",
    "customer",
    "classification",
    "resolution_status",
    "iocs",
    "assets",
    "comments",
    "cases",
];

const IOC_FIELDS: &[&str] = &[
    "ioc_id",
    "ioc_uuid",
    "ioc_value",
    "ioc_type_id",
    "ioc_type",
    "ioc_description",
    "ioc_tags",
    "ioc_tlp_id",
    "ioc_misp",
    "ioc_enrichment",
    "user_id",
    "custom_attributes",
    "modification_history",
];

const ASSET_FIELDS: &[&str] = &[
    "asset_id",
    "asset_uuid",
    "asset_name",
    "asset_description",
    "asset_domain",
    "asset_ip",
    "asset_info",
    "asset_tags",
    "asset_type_id",
    "asset_type",
    "asset_compromise_status_id",
    "analysis_status_id",
    "asset_enrichment",
    "case_id",
    "date_added",
    "date_update",
    "user_id",
    "custom_attributes",
    "modification_history",
];

const CASE_FIELDS: &[&str] = &[
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

/// The client test suite's `resources/alert.json`, with a title of our own.
fn alert_body(title: &str) -> Value {
    json!({
        "alert_title": title,
        "alert_description": "This is a test alert",
        "alert_source": "Test Source",
        "alert_source_ref": "Test-123",
        "alert_source_link": "https://source_link.com",
        "alert_source_content": {},
        "alert_severity_id": 4,
        "alert_status_id": 3,
        "alert_context": {"context_key": "context_value"},
        "alert_source_event_time": "2023-03-26T03:00:30",
        "alert_note": "Test note",
        "alert_tags": "defender",
        "alert_iocs": [
            {"ioc_value": "tarzan5", "ioc_description": "description kwekwe", "ioc_tlp_id": 1, "ioc_type_id": 2,
             "ioc_tags": "tag1,tag2", "ioc_enrichment": {"provider_1": {"data": 2}}},
            {"ioc_value": "tarzan2", "ioc_description": "description_hey", "ioc_tlp_id": 2, "ioc_type_id": 4,
             "ioc_tags": "tag1,tag2"}
        ],
        "alert_assets": [{
            "asset_name": "My super nop",
            "asset_description": "Asset description",
            "asset_type_id": 1,
            "asset_ip": "1.1.1.1",
            "asset_domain": "",
            "asset_tags": "tag1,tag2",
            "asset_enrichment": {"enrich": {"enrich2": "super_enrich"}}
        }],
        "alert_customer_id": 1,
        "alert_classification_id": 1
    })
}

/// Makes the workspace's primary case and customer 1 (`IrisInitialClient`).
async fn prime(app: &TestApp) {
    app.iris_ok("GET", "/datastore/list/tree", None).await;
}

async fn add(app: &TestApp, title: &str) -> Value {
    app.iris_ok("POST", "/alerts/add", Some(alert_body(title))).await
}

async fn new_case(app: &TestApp, title: &str) -> i64 {
    let r = app
        .admin("POST", "/api/v1/cases", Some(json!({"title": title})))
        .await
        .expect(201);
    r.body["number"].as_i64().expect("number")
}

async fn alerts_are_added_and_read_back(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    prime(&app).await;
    let r = app.iris("POST", "/alerts/add", Some(alert_body("Super alert 5"))).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let a = r.body["data"].clone();
    assert_eq!(keys(&a), fields(ALERT_FIELDS));
    assert_eq!(a["alert_id"], 1);
    assert!(a["alert_uuid"].is_string());
    assert_eq!(a["alert_title"], "Super alert 5");
    assert_eq!(a["alert_description"], "This is a test alert");
    assert_eq!(a["alert_source"], "Test Source");
    assert_eq!(a["alert_source_ref"], "Test-123");
    assert_eq!(a["alert_source_link"], "https://source_link.com");
    assert_eq!(a["alert_source_content"], json!({}));
    assert_eq!(a["alert_context"], json!({"context_key": "context_value"}));
    assert_eq!(a["alert_severity_id"], 4);
    assert_eq!(a["alert_status_id"], 3);
    assert_eq!(a["alert_source_event_time"], "2023-03-26T03:00:30.000000");
    assert!(a["alert_creation_time"].as_str().unwrap().contains('T'));
    assert_eq!(a["alert_note"], "Test note");
    assert_eq!(a["alert_tags"], "defender");
    assert_eq!(a["alert_owner_id"], Value::Null);
    assert_eq!(a["owner"], Value::Null);
    assert_eq!(a["alert_customer_id"], 1);
    assert_eq!(a["alert_classification_id"], 1);
    assert_eq!(a["alert_resolution_status_id"], Value::Null);
    assert_eq!(
        a["severity"],
        json!({"severity_id": 4, "severity_name": "Medium", "severity_description": "Medium"})
    );
    assert_eq!(a["status"]["status_id"], 3);
    assert_eq!(a["status"]["status_name"], "Assigned");
    assert_eq!(
        keys(&a["status"]),
        fields(&["status_description", "status_id", "status_name"])
    );
    assert_eq!(a["customer"]["customer_id"], 1);
    assert_eq!(a["customer"]["customer_name"], "IrisInitialClient");
    assert_eq!(a["classification"]["id"], 1);
    assert_eq!(a["classification"]["name"], "abusive-content:spam");
    assert_eq!(
        keys(&a["classification"]),
        fields(&["creation_date", "description", "id", "name", "name_expanded"])
    );
    assert!(a["modification_history"].is_object());
    assert_eq!(a["comments"], json!([]));
    assert_eq!(a["cases"], json!([]));
    let iocs = a["iocs"].as_array().unwrap();
    assert_eq!(iocs.len(), 2);
    for i in iocs {
        assert_eq!(keys(i), fields(IOC_FIELDS));
        assert!(i["ioc_uuid"].is_string());
    }
    assert_eq!(iocs[0]["ioc_value"], "tarzan5");
    assert_eq!(iocs[0]["ioc_type_id"], 2);
    assert_eq!(iocs[0]["ioc_tlp_id"], 1);
    assert_eq!(iocs[0]["ioc_description"], "description kwekwe");
    assert_eq!(iocs[0]["ioc_tags"], "tag1,tag2");
    assert_eq!(iocs[1]["ioc_value"], "tarzan2");
    assert_eq!(iocs[1]["ioc_tlp_id"], 2);
    let assets = a["assets"].as_array().unwrap();
    assert_eq!(assets.len(), 1);
    assert_eq!(keys(&assets[0]), fields(ASSET_FIELDS));
    assert_eq!(assets[0]["asset_name"], "My super nop");
    assert_eq!(assets[0]["asset_type_id"], 1);
    assert_eq!(assets[0]["asset_type"], "Account");
    assert_eq!(assets[0]["asset_ip"], "1.1.1.1");
    assert_eq!(assets[0]["asset_tags"], "tag1,tag2");
    assert_eq!(
        assets[0]["asset_enrichment"],
        json!({"enrich": {"enrich2": "super_enrich"}})
    );

    // Read back, with related alerts.
    let g = app.iris_ok("GET", "/alerts/1", None).await;
    let mut expected: Vec<&str> = ALERT_FIELDS.to_vec();
    expected.push("related_alerts");
    assert_eq!(keys(&g), fields(&expected));
    assert_eq!(g["alert_title"], "Super alert 5");
    assert_eq!(g["iocs"], a["iocs"]);
    assert_eq!(g["assets"], a["assets"]);
    assert!(g["related_alerts"].is_object());
    assert_eq!(g["modification_history"].as_object().unwrap().len(), 1);

    // The same fixture again is a new alert (IRIS does not deduplicate).
    let again = add(&app, "Super alert 5").await;
    assert_eq!(again["alert_id"], 2);
    // An owner, a resolution and no optional text.
    let r = app
        .iris(
            "POST",
            "/alerts/add",
            Some(
                json!({"alert_title": "bare", "alert_severity_id": "6", "alert_status_id": 2,
                        "alert_customer_id": 1, "alert_owner_id": 1, "alert_resolution_status_id": 6}),
            ),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let bare = &r.body["data"];
    assert_eq!(bare["alert_severity_id"], 6);
    assert_eq!(bare["alert_owner_id"], 1);
    assert_eq!(
        keys(&bare["owner"]),
        fields(&["id", "user_email", "user_login", "user_name"])
    );
    assert_eq!(bare["alert_resolution_status_id"], 6);
    assert_eq!(bare["resolution_status"]["resolution_status_name"], "Legitimate");
    assert_eq!(bare["alert_source"], "");
    assert_eq!(bare["alert_note"], "");
    assert_eq!(bare["alert_context"], json!({}));
    assert_eq!(bare["alert_classification_id"], Value::Null);
    assert!(bare["alert_source_event_time"].is_string());
}

async fn related_alerts_share_iocs_or_assets(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    prime(&app).await;
    let first = add(&app, "first").await["alert_id"].as_i64().unwrap();
    let second = add(&app, "second").await["alert_id"].as_i64().unwrap();
    let lone = app
        .iris_ok(
            "POST",
            "/alerts/add",
            Some(json!({"alert_title": "lone", "alert_severity_id": 2, "alert_status_id": 2, "alert_customer_id": 1})),
        )
        .await["alert_id"]
        .as_i64()
        .unwrap();
    let g = app.iris_ok("GET", &format!("/alerts/{first}"), None).await;
    assert_eq!(g["related_alerts"], json!({"iocs": [second], "assets": [second]}));
    let g = app.iris_ok("GET", &format!("/alerts/{lone}"), None).await;
    assert_eq!(g["related_alerts"], json!({"iocs": [], "assets": []}));
}

async fn alerts_are_filtered_and_paged(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    prime(&app).await;
    for i in 0..5 {
        add(&app, &format!("Paged alert {i}")).await;
    }
    let other = app
        .iris_ok(
            "POST",
            "/alerts/add",
            Some(
                json!({"alert_title": "Different thing", "alert_severity_id": 5, "alert_status_id": 2,
                        "alert_customer_id": 1, "alert_source": "EDR", "alert_tags": "x,y",
                        "alert_source_event_time": "2024-01-02T00:00:00",
                        "alert_iocs": [{"ioc_value": "1.2.3.4", "ioc_type_id": 76}]}),
            ),
        )
        .await["alert_id"]
        .as_i64()
        .unwrap();
    let f = app
        .iris_ok("GET", "/alerts/filter?page=1&per_page=4&sort=desc", None)
        .await;
    assert_eq!(
        keys(&f),
        fields(&["alerts", "current_page", "last_page", "next_page", "total"])
    );
    assert_eq!(f["total"], 6);
    assert_eq!(f["current_page"], 1);
    assert_eq!(f["last_page"], 2);
    assert_eq!(f["next_page"], 2);
    let alerts = f["alerts"].as_array().unwrap();
    assert_eq!(alerts.len(), 4);
    for a in alerts {
        assert_eq!(keys(a), fields(ALERT_FIELDS));
    }
    // Newest source event first: the 2024 alert precedes the 2023 ones.
    assert_eq!(alerts[0]["alert_id"], other);
    let f = app.iris_ok("GET", "/alerts/filter?page=2&per_page=4", None).await;
    assert_eq!(f["alerts"].as_array().unwrap().len(), 2);
    assert_eq!(f["next_page"], Value::Null);
    let f = app
        .iris_ok("GET", "/alerts/filter?page=1&per_page=4&sort=asc", None)
        .await;
    assert_eq!(f["alerts"][0]["alert_id"], 1);

    let count = |v: &Value| v["total"].as_i64().unwrap();
    for (q, n) in [
        ("alert_title=paged alert", 5),
        ("alert_title=INVALID", 0),
        ("alert_description=This is a test alert", 5),
        ("alert_source=edr", 1),
        ("alert_tags=defender", 5),
        ("alert_status_id=3", 5),
        ("alert_status_id=2", 1),
        ("alert_severity_id=5", 1),
        ("alert_severity_id=99", 0),
        ("alert_classification_id=1", 5),
        ("alert_customer_id=1", 6),
        ("alert_customer_id=77", 0),
        ("alert_ids=1,2,99", 2),
        (&format!("alert_ids={other}"), 1),
        ("alert_iocs=tarzan5", 5),
        ("alert_iocs=1.2.3.4,nothing", 1),
        ("alert_assets=my super nop", 5),
        ("alert_owner_id=-1", 6),
        ("alert_owner_id=1", 0),
        ("case_id=1", 0),
        ("source_reference=test-1", 5),
        ("alert_start_date=2000-01-01&alert_end_date=2999-01-01", 6),
        ("creation_start_date=2999-01-01", 0),
        ("source_start_date=2024-01-01&source_end_date=2024-12-31", 1),
        ("alert_resolution_id=1", 0),
        ("alert_status_id=abc", 6),
        ("alert_title=some text&cid=1", 0),
    ] {
        let f = app
            .iris_ok("GET", &format!("/alerts/filter?{}", q.replace(' ', "%20")), None)
            .await;
        assert_eq!(count(&f), n, "{q}");
        assert_eq!(f["alerts"].as_array().unwrap().len() as i64, n.min(10), "{q}");
    }
    let r = app.iris("GET", "/alerts/filter?alert_ids=1,x", None).await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["message"], "Invalid alert id");
    // The client's multi-get.
    let f = app.iris_ok("GET", "/alerts/filter?alert_ids=1,2,3,4,5,6", None).await;
    assert_eq!(f["total"], 6);
}

async fn alerts_are_updated(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    prime(&app).await;
    let a = add(&app, "to update").await;
    let id = a["alert_id"].as_i64().unwrap();
    let r = app
        .iris(
            "POST",
            &format!("/alerts/update/{id}"),
            Some(json!({"alert_title": "test"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let u = &r.body["data"];
    assert_eq!(keys(u), fields(ALERT_FIELDS));
    assert_eq!(u["alert_title"], "test");
    assert_eq!(u["alert_description"], "This is a test alert");
    assert_eq!(u["iocs"], a["iocs"]);
    // IRIS gives an unowned alert to whoever updates it.
    assert_eq!(u["alert_owner_id"], 1);

    let r = app
        .iris(
            "POST",
            &format!("/alerts/update/{id}"),
            Some(json!({
                "alert_status_id": "6", "alert_severity_id": 2, "alert_resolution_status_id": 1,
                "alert_note": null, "alert_tags": "a,b", "alert_context": {"k": 1},
                "alert_classification_id": 36, "alert_source_event_time": "2022-01-01T10:00:00",
                "alert_iocs": [{"ioc_value": "evil.example.com", "ioc_type_id": 20, "ioc_tlp_id": 3}],
                "alert_assets": []
            })),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let u = &r.body["data"];
    assert_eq!(u["alert_status_id"], 6);
    assert_eq!(u["status"]["status_name"], "Closed");
    assert_eq!(u["alert_severity_id"], 2);
    assert_eq!(u["alert_resolution_status_id"], 1);
    assert_eq!(u["alert_note"], "");
    assert_eq!(u["alert_tags"], "a,b");
    assert_eq!(u["alert_context"], json!({"k": 1}));
    assert_eq!(u["alert_classification_id"], 36);
    assert_eq!(u["alert_source_event_time"], "2022-01-01T10:00:00.000000");
    assert_eq!(u["iocs"].as_array().unwrap().len(), 1);
    assert_eq!(u["iocs"][0]["ioc_value"], "evil.example.com");
    assert_eq!(u["iocs"][0]["ioc_tlp_id"], 3);
    assert_eq!(u["assets"], json!([]));
    let g = app.iris_ok("GET", &format!("/alerts/{id}"), None).await;
    assert_eq!(g["alert_title"], "test");
    assert_eq!(g["alert_tags"], "a,b");
    assert!(g["modification_history"].as_object().unwrap().len() >= 2);
    // The tags filter sees the new tags.
    let f = app.iris_ok("GET", "/alerts/filter?alert_tags=a,b", None).await;
    assert_eq!(f["total"], 1);
}

async fn alerts_are_deleted(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    prime(&app).await;
    let id = add(&app, "to delete").await["alert_id"].as_i64().unwrap();
    let r = app.iris("POST", &format!("/alerts/delete/{id}"), None).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["data"], json!({"alert_id": id}));
    let r = app.iris("GET", &format!("/alerts/{id}"), None).await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["message"], "Alert not found");
    let f = app.iris_ok("GET", "/alerts/filter", None).await;
    assert_eq!(f["total"], 0);
    let r = app.iris("POST", &format!("/alerts/delete/{id}"), None).await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["message"], "Alert not found");
    // The next alert gets a new number.
    assert_eq!(add(&app, "next").await["alert_id"], id + 1);
}

async fn alerts_are_escalated_into_new_cases(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    prime(&app).await;
    let a = add(&app, "to escalate").await;
    let id = a["alert_id"].as_i64().unwrap();
    let ioc = a["iocs"][0]["ioc_uuid"].as_str().unwrap().to_owned();
    let asset = a["assets"][0]["asset_uuid"].as_str().unwrap().to_owned();
    let r = app
        .iris(
            "POST",
            &format!("/alerts/escalate/{id}"),
            Some(json!({
                "iocs_import_list": [ioc, null, "INVALID", "00000000-0000-0000-0000-000000000000"],
                "assets_import_list": [asset],
                "note": "escalation note",
                "case_title": "test",
                "case_tags": "defender,test",
                "case_template_id": null,
                "import_as_event": true
            })),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let c = r.body["data"].clone();
    assert_eq!(keys(&c), fields(CASE_FIELDS));
    let case = c["case_id"].as_i64().unwrap();
    assert_eq!(c["case_name"], format!("#{case} - test"));
    assert_eq!(c["case_customer"], 1);
    assert_eq!(c["classification_id"], 1);
    assert_eq!(c["severity_id"], 4);
    assert_eq!(c["state_id"], 3);
    assert_eq!(c["status_id"], 0);
    assert_eq!(c["owner_id"], 1);
    assert_eq!(c["case_soc_id"], id.to_string());
    let desc = c["case_description"].as_str().unwrap();
    assert!(
        desc.contains("escalation note") && desc.contains("This is a test alert"),
        "{desc}"
    );
    assert!(c["modification_history"].is_object());

    // The case holds the imported IOC and asset only, linked, and an event for the alert.
    let obs = app
        .admin("GET", &format!("/api/v1/cases/{case}/observables"), None)
        .await
        .expect(200);
    let items = obs.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", obs.text);
    assert_eq!(items[0]["value"], "tarzan5");
    let assets = app
        .admin("GET", &format!("/api/v1/cases/{case}/assets"), None)
        .await
        .expect(200);
    let items = assets.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", assets.text);
    assert_eq!(items[0]["name"], "My super nop");
    assert_eq!(items[0]["ip"], "1.1.1.1");
    assert_eq!(
        items[0]["observables"].as_array().map(Vec::len),
        Some(1),
        "{}",
        assets.text
    );
    let tl = app
        .admin("GET", &format!("/api/v1/cases/{case}/timeline"), None)
        .await
        .expect(200);
    let items = tl.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", tl.text);
    assert_eq!(items[0]["title"], "[ALERT] to escalate");
    let native = app
        .admin("GET", &format!("/api/v1/cases/{case}"), None)
        .await
        .expect(200);
    let mut tags: Vec<String> = native.body["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_owned())
        .collect();
    tags.sort();
    assert_eq!(tags, ["defender", "test"]);

    // The alert is escalated and names its case.
    let g = app.iris_ok("GET", &format!("/alerts/{id}"), None).await;
    assert_eq!(g["alert_status_id"], 8);
    assert_eq!(g["status"]["status_name"], "Escalated");
    assert_eq!(g["cases"], json!([case]));
    let f = app
        .iris_ok("GET", &format!("/alerts/filter?case_id={case}"), None)
        .await;
    assert_eq!(f["total"], 1);

    // Without a title or anything to import: `[ALERT] <title>`, nothing copied.
    let b2 = add(&app, "second").await["alert_id"].as_i64().unwrap();
    let c2 = app
        .iris_ok(
            "POST",
            &format!("/alerts/escalate/{b2}"),
            Some(
                json!({"iocs_import_list": [null], "assets_import_list": [null], "note": null,
                        "case_title": null, "case_tags": "", "import_as_event": false}),
            ),
        )
        .await;
    assert_eq!(c2["case_name"], format!("#{} - [ALERT] second", c2["case_id"]));
    let obs = app
        .admin("GET", &format!("/api/v1/cases/{}/observables", c2["case_id"]), None)
        .await;
    assert_eq!(obs.body["items"], json!([]));
}

async fn alerts_are_merged_and_unmerged(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    prime(&app).await;
    let target = new_case(&app, "merge target").await;
    let a = add(&app, "to merge").await;
    let id = a["alert_id"].as_i64().unwrap();
    let ioc = a["iocs"][1]["ioc_uuid"].as_str().unwrap().to_owned();
    let r = app
        .iris(
            "POST",
            &format!("/alerts/merge/{id}"),
            Some(
                json!({"target_case_id": target, "iocs_import_list": [ioc], "assets_import_list": ["INVALID"],
                        "note": "merge note", "import_as_event": true}),
            ),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let c = &r.body["data"];
    assert_eq!(keys(c), fields(CASE_FIELDS));
    assert_eq!(c["case_id"], target);
    assert!(c["case_description"].as_str().unwrap().contains("merge note"));
    let obs = app
        .admin("GET", &format!("/api/v1/cases/{target}/observables"), None)
        .await;
    let items = obs.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["value"], "tarzan2");
    let assets = app.admin("GET", &format!("/api/v1/cases/{target}/assets"), None).await;
    assert_eq!(assets.body["items"], json!([]));
    let g = app.iris_ok("GET", &format!("/alerts/{id}"), None).await;
    assert_eq!(g["alert_status_id"], 7);
    assert_eq!(g["cases"], json!([target]));

    // Merging the same alert again into the same case reuses what is there.
    app.iris_ok(
        "POST",
        &format!("/alerts/merge/{id}"),
        Some(json!({"target_case_id": target, "iocs_import_list": [ioc], "assets_import_list": []})),
    )
    .await;
    let obs = app
        .admin("GET", &format!("/api/v1/cases/{target}/observables"), None)
        .await;
    assert_eq!(obs.body["items"].as_array().unwrap().len(), 1);

    let r = app
        .iris(
            "POST",
            &format!("/alerts/unmerge/{id}"),
            Some(json!({"target_case_id": target})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(keys(&r.body["data"]), fields(ALERT_FIELDS));
    assert_eq!(r.body["data"]["cases"], json!([]));
    // Not merged any more.
    let r = app
        .iris(
            "POST",
            &format!("/alerts/unmerge/{id}"),
            Some(json!({"target_case_id": target})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["status"], "error");

    // Unknown alert or case.
    for (path, body, message) in [
        ("/alerts/merge/-1", json!({"target_case_id": 1}), "Alert not found"),
        ("/alerts/merge/999", json!({"target_case_id": 1}), "Alert not found"),
        (
            &format!("/alerts/merge/{id}"),
            json!({"target_case_id": -1}),
            "Target case not found",
        ),
        (
            &format!("/alerts/merge/{id}"),
            json!({"target_case_id": 999}),
            "Target case not found",
        ),
        (&format!("/alerts/merge/{id}"), json!({}), "No target case id provided"),
        ("/alerts/unmerge/-1", json!({"target_case_id": 1}), "Alert not found"),
        (
            &format!("/alerts/unmerge/{id}"),
            json!({"target_case_id": -1}),
            "Target case not found",
        ),
        (
            &format!("/alerts/unmerge/{id}"),
            json!({"target_case_id": "x"}),
            "Target case not found",
        ),
    ] {
        let r = app.iris("POST", path, Some(body.clone())).await;
        assert_eq!(r.status.as_u16(), 400, "{path} {body}: {}", r.text);
        assert_eq!(r.body["message"], message, "{path} {body}");
    }
}

async fn bad_input_is_a_soft_error(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    prime(&app).await;
    // The client's invalid fixture: a null title and no description.
    let mut body = alert_body("x");
    body["alert_title"] = Value::Null;
    body.as_object_mut().unwrap().remove("alert_description");
    let r = app.iris("POST", "/alerts/add", Some(body)).await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text);
    assert_eq!(r.body["message"], "Data error");
    assert!(r.body["data"]["alert_title"].is_array());
    for (patch, field) in [
        (json!({"alert_severity_id": "x"}), "alert_severity_id"),
        (json!({"alert_severity_id": 9}), "alert_severity_id"),
        (json!({"alert_status_id": 99}), "alert_status_id"),
        (json!({"alert_status_id": null}), "alert_status_id"),
        (json!({"alert_customer_id": 42}), "alert_customer_id"),
        (json!({"alert_classification_id": 999}), "alert_classification_id"),
        (json!({"alert_owner_id": 999}), "alert_owner_id"),
        (
            json!({"alert_source_event_time": "yesterday"}),
            "alert_source_event_time",
        ),
        (json!({"alert_iocs": [{"ioc_value": "x"}]}), "alert_iocs"),
        (
            json!({"alert_iocs": [{"ioc_value": "x", "ioc_type_id": 9999}]}),
            "alert_iocs",
        ),
        (
            json!({"alert_iocs": [{"ioc_value": "nothex", "ioc_type_id": 90}]}),
            "alert_iocs",
        ),
        (json!({"alert_iocs": "x"}), "alert_iocs"),
        (
            json!({"alert_assets": [{"asset_name": "n", "asset_type_id": 999}]}),
            "alert_assets",
        ),
        (json!({"alert_assets": [{"asset_type_id": 1}]}), "alert_assets"),
        (json!({"alert_resolution_status_id": 42}), "alert_resolution_status_id"),
        (json!({"alert_title": ""}), "alert_title"),
    ] {
        let mut body = alert_body("bad");
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = app.iris("POST", "/alerts/add", Some(body)).await;
        assert_eq!(r.status.as_u16(), 400, "{patch}: {}", r.text);
        assert_eq!(r.body["message"], "Data error", "{patch}: {}", r.text);
        assert!(r.body["data"][field].is_array(), "{patch}: {}", r.text);
    }
    for field in [
        "alert_title",
        "alert_severity_id",
        "alert_status_id",
        "alert_customer_id",
    ] {
        let mut body = alert_body("missing");
        body.as_object_mut().unwrap().remove(field);
        let r = app.iris("POST", "/alerts/add", Some(body)).await;
        assert_eq!(r.status.as_u16(), 400, "{field}");
        assert!(r.body["data"][field].is_array(), "{field}: {}", r.text);
    }
    // Nothing was stored.
    assert_eq!(app.iris_ok("GET", "/alerts/filter", None).await["total"], 0);

    let id = add(&app, "target").await["alert_id"].as_i64().unwrap();
    let r = app
        .iris(
            "POST",
            &format!("/alerts/update/{id}"),
            Some(json!({"alert_title": null})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["message"], "Data error");
    let r = app
        .iris(
            "POST",
            &format!("/alerts/update/{id}"),
            Some(json!({"alert_severity_id": 0})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 400);
    for id in ["-1", "0", "abc", "999", "111155551111"] {
        for (method, path) in [
            ("GET", format!("/alerts/{id}")),
            ("POST", format!("/alerts/update/{id}")),
            ("POST", format!("/alerts/delete/{id}")),
            ("POST", format!("/alerts/escalate/{id}")),
        ] {
            let r = app.iris(method, &path, Some(json!({"alert_title": "x"}))).await;
            assert_eq!(r.status.as_u16(), 400, "{method} {path}: {}", r.text);
            assert_eq!(r.body["message"], "Alert not found", "{method} {path}");
        }
    }
    let r = app.iris("POST", "/alerts/add", Some(json!([1, 2]))).await;
    assert_eq!(r.status.as_u16(), 400);
}

async fn permissions_and_workspaces_are_respected(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    prime(&app).await;
    let id = add(&app, "guarded").await["alert_id"].as_i64().unwrap();

    // A viewer reads alerts but does not write them.
    let (_, viewer) = app.member("viewer1", "viewer").await;
    let r = app.iris_as(&viewer, "GET", &format!("/alerts/{id}"), None).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let r = app.iris_as(&viewer, "GET", "/alerts/filter", None).await;
    assert_eq!(r.status.as_u16(), 200);
    for (path, body) in [
        ("/alerts/add".to_owned(), alert_body("no")),
        (format!("/alerts/update/{id}"), json!({"alert_title": "no"})),
        (format!("/alerts/delete/{id}"), json!({})),
        (format!("/alerts/escalate/{id}"), json!({})),
        (format!("/alerts/merge/{id}"), json!({"target_case_id": 1})),
    ] {
        let r = app.iris_as(&viewer, "POST", &path, Some(body)).await;
        assert_eq!(r.status.as_u16(), 403, "{path}: {}", r.text);
        assert_eq!(r.body["message"], "Permission denied");
    }
    // An analyst writes but may not delete (no alerts_delete).
    let (_, analyst) = app.member("analyst1", "analyst").await;
    let r = app
        .iris_as(
            &analyst,
            "POST",
            &format!("/alerts/update/{id}"),
            Some(json!({"alert_note": "mine"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let r = app
        .iris_as(&analyst, "POST", &format!("/alerts/delete/{id}"), None)
        .await;
    assert_eq!(r.status.as_u16(), 403);

    // Another workspace sees none of ours, and its numbers are its own.
    let (_, other) = app.tenant("Other Org").await;
    let r = app.iris_as(&other, "GET", &format!("/alerts/{id}"), None).await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["message"], "Alert not found");
    let f = app.iris_as(&other, "GET", "/alerts/filter", None).await;
    assert_eq!(f.body["data"]["total"], 0);
    let r = app
        .iris_as(
            &other,
            "POST",
            &format!("/alerts/update/{id}"),
            Some(json!({"alert_title": "stolen"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 400);
    let r = app.iris_as(&other, "POST", &format!("/alerts/delete/{id}"), None).await;
    assert_eq!(r.status.as_u16(), 400);
    // Its first call made its own customer 1.
    let r = app
        .iris_as(&other, "POST", "/alerts/add", Some(alert_body("theirs")))
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["data"]["alert_id"], 1);
    // Our alert is untouched.
    let g = app.iris_ok("GET", &format!("/alerts/{id}"), None).await;
    assert_eq!(g["alert_title"], "guarded");
    // Merging our alert into their case number fails for them; for us their case is unknown.
    let r = app
        .iris(
            "POST",
            &format!("/alerts/merge/{id}"),
            Some(json!({"target_case_id": 99})),
        )
        .await;
    assert_eq!(r.body["message"], "Target case not found");
}

/// Regression: an unknown IRIS severity or resolution id in `/alerts/filter` matched the
/// alerts whose severity is `other` or resolution `duplicate` (what the unknown id used to be
/// mapped to); it matches nothing.
async fn unknown_severity_or_resolution_ids_match_nothing(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    prime(&app).await;
    // Alerts that read as no IRIS severity / resolution: `other` and `duplicate`.
    app.admin(
        "POST",
        "/api/v1/alerts",
        Some(json!({"title": "odd", "severity": "other"})),
    )
    .await
    .expect(201);
    app.admin("PATCH", "/api/v1/alerts/1", Some(json!({"resolution": "duplicate"})))
        .await
        .expect(200);
    add(&app, "medium").await;
    for (query, total) in [
        ("alert_severity_id=99", 0),
        ("alert_severity_id=0", 0),
        ("alert_resolution_id=99", 0),
        ("alert_resolution_id=0", 0),
        ("alert_severity_id=99&alert_title=odd", 0),
        ("alert_severity_id=4", 1),
        ("alert_resolution_id=4", 0),
        ("", 2),
    ] {
        let f = app.iris_ok("GET", &format!("/alerts/filter?{query}"), None).await;
        assert_eq!(f["total"], total, "{query}");
        assert_eq!(f["alerts"].as_array().map(Vec::len), Some(total as usize), "{query}");
    }
}

/// The rule of every API: an alert is escalated once. A second IRIS escalation is an error
/// and opens no case (IRIS used to open one more case each time).
async fn a_second_escalation_is_refused(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    prime(&app).await;
    let id = add(&app, "once").await["alert_id"].as_i64().unwrap();
    let body = json!({"iocs_import_list": [], "assets_import_list": [], "case_title": "first"});
    let c = app
        .iris_ok("POST", &format!("/alerts/escalate/{id}"), Some(body.clone()))
        .await;
    let r = app.iris("POST", &format!("/alerts/escalate/{id}"), Some(body)).await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text);
    assert_eq!(r.body["status"], "error");
    let g = app.iris_ok("GET", &format!("/alerts/{id}"), None).await;
    assert_eq!(g["cases"], json!([c["case_id"]]));
    // Merging the escalated alert into another case keeps it escalated.
    let other = new_case(&app, "other").await;
    app.iris_ok(
        "POST",
        &format!("/alerts/merge/{id}"),
        Some(json!({"target_case_id": other, "iocs_import_list": [], "assets_import_list": []})),
    )
    .await;
    let g = app.iris_ok("GET", &format!("/alerts/{id}"), None).await;
    assert_eq!(g["alert_status_id"], 8);
    assert_eq!(g["cases"], json!([c["case_id"], other]));
}
