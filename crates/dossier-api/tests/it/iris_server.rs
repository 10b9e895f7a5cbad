//! IRIS dialect: handshake, envelope, authentication, cid resolution, request quirks.

use dossier_core::Backend;
use serde_json::{Value, json};

use crate::{
    both,
    harness::{TestApp, fields, keys},
};

both!(
    handshake_answers_as_iris,
    case_one_exists_on_a_fresh_install,
    failures_use_the_envelope,
    doubled_slashes_and_stray_keys_are_tolerated,
    permissions_are_reported
);

async fn handshake_answers_as_iris(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let r = app.iris("GET", "/api/ping?cid=1", None).await;
    assert_eq!(r.status.as_u16(), 200);
    assert_eq!(r.body, json!({"status": "success", "message": "pong", "data": []}));
    let v = app.iris_ok("GET", "/api/versions?cid=1", None).await;
    assert_eq!(keys(&v), fields(&["api_current", "api_min", "iris_current"]));
    assert_eq!(v["api_min"], "2.0.4");
    assert_eq!(v["api_current"], "2.0.5");
    assert_eq!(v["iris_current"], "v2.4.20");
}

async fn case_one_exists_on_a_fresh_install(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    // The very first IRIS call names case 1 explicitly, as the client does.
    let v = app.iris_ok("GET", "/case/assets/list?cid=1", None).await;
    assert_eq!(v["assets"], json!([]));
    let r = app.iris("GET", "/case/assets/list?cid=2", None).await;
    assert_eq!(r.status.as_u16(), 403);
    assert_eq!(r.body["message"], "Permission denied");
    assert_eq!(r.body["data"]["case_id"], 2);
    let c = app.iris_ok("GET", "/manage/cases/1", None).await;
    assert_eq!(c["case_name"], "#1 - Initial Demo");
    assert_eq!(c["customer_name"], "IrisInitialClient");
    assert_eq!(c["customer_id"], 1);
}

async fn failures_use_the_envelope(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let r = app.iris_as("not-a-key", "GET", "/api/ping", None).await;
    assert_eq!(r.status.as_u16(), 401);
    assert_eq!(
        r.body,
        json!({"status": "error", "message": "Authentication required", "data": []})
    );
    let r = app.call("GET", "/api/ping", &[], None).await;
    assert_eq!(r.status.as_u16(), 401);
    assert_eq!(r.body["message"], "Authentication required");
    let r = app.iris("GET", "/manage/no-such-thing/list", None).await;
    assert_eq!(r.status.as_u16(), 404);
    assert_eq!(
        r.body,
        json!({"status": "error", "message": "Resource not found", "data": []})
    );
    let r = app.iris("DELETE", "/api/ping", None).await;
    assert_eq!(r.status.as_u16(), 405);
    assert_eq!(r.body["status"], "error");
    // The native API keeps its own error shape.
    let r = app.admin("GET", "/api/v1/no-such-thing", None).await;
    assert_eq!(r.status.as_u16(), 404);
    assert!(r.body.get("status").is_some_and(Value::is_number), "{}", r.text);
    let r = app.iris("GET", "/user/is-admin", None).await;
    assert_eq!(r.status.as_u16(), 410);
    assert!(r.body["message"].as_str().unwrap_or("").contains("deprecated"));
}

async fn doubled_slashes_and_stray_keys_are_tolerated(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let r = app.iris("GET", "//api//ping?cid=1&?cid=1", None).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "pong");
}

async fn permissions_are_reported(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let yes = app
        .iris(
            "POST",
            "/user/has-permission",
            Some(json!({"permission_name": "server_administrator", "permission_value": 2, "cid": 1})),
        )
        .await;
    assert_eq!(yes.status.as_u16(), 200, "{}", yes.text);
    assert_eq!(yes.body["message"], "User has permission");
    let (_, viewer) = app.member("watcher", "viewer").await;
    let no = app
        .iris_as(
            &viewer,
            "POST",
            "/user/has-permission",
            Some(json!({"permission_name": "alerts_write", "permission_value": 8})),
        )
        .await;
    assert_eq!(no.status.as_u16(), 403);
    assert_eq!(no.body["message"], "User does not have permission");
    let bad = app
        .iris(
            "POST",
            "/user/has-permission",
            Some(json!({"permission_name": "alerts_write", "permission_value": 4})),
        )
        .await;
    assert_eq!(bad.status.as_u16(), 400);
    assert_eq!(bad.body["message"], "Data error");
    assert!(bad.body["data"]["permission_value"].is_array());
}

// ==== Users, groups, access control and global search (helper H5) ====

mod users_groups_search {
    use dossier_core::{Backend, Via};
    use serde_json::{Value, json};

    use crate::{
        both,
        harness::{ADMIN_KEY, TestApp, fields, keys},
    };

    both!(
        user_lists_and_lookups,
        user_lifecycle,
        user_bad_input_and_permissions,
        user_case_access_and_audit,
        group_lifecycle,
        group_members_and_case_access,
        group_bad_input_and_isolation,
        search_iocs_notes_and_comments,
        search_scope_and_bad_input
    );

    const PASSWORD: &str = "StrongPassw0rd";

    /// Adds a user through IRIS; returns the `data` of the answer.
    async fn add_user(app: &TestApp, login: &str) -> Value {
        app.iris_ok(
            "POST",
            "/manage/users/add",
            Some(json!({
                "user_login": login,
                "user_name": format!("{login} name"),
                "user_email": format!("{}@example.org", login.replace(' ', ".")),
                "user_password": PASSWORD,
                "user_is_service_account": false,
                "cid": 1,
            })),
        )
        .await
    }

    /// Makes the workspace's primary case (IRIS case 1) now, as the first IRIS call does, so
    /// that the cases a test makes next are numbered from 2.
    async fn primary_case(app: &TestApp) {
        let actor = app.core.authenticate(ADMIN_KEY, None, Via::Iris).await.unwrap();
        assert_eq!(app.core.primary_case(&actor).await.unwrap(), 1);
    }

    /// `message` of a failed IRIS call, after checking its status.
    #[track_caller]
    fn failed(r: &crate::harness::Resp, status: u16) -> String {
        assert_eq!(r.status.as_u16(), status, "{}", r.text);
        assert_eq!(r.body["status"], "error", "{}", r.text);
        r.body["message"].as_str().unwrap_or_default().to_owned()
    }

    async fn user_lists_and_lookups(b: Backend) {
        let Some(app) = TestApp::spawn(b).await else {
            return;
        };
        let added = add_user(&app, "dummy user").await;
        let id = added["user_id"].as_i64().unwrap();

        let list = app.iris_ok("GET", "/manage/users/list", None).await;
        let rows = list.as_array().unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            keys(&rows[0]),
            fields(&[
                "user_active",
                "user_email",
                "user_id",
                "user_is_service_account",
                "user_login",
                "user_name",
                "user_uuid"
            ])
        );
        assert_eq!(rows[0]["user_login"], "admin");
        assert_eq!(rows[0]["user_id"], 1);
        assert_eq!(rows[1]["user_login"], "dummy user");
        assert_eq!(rows[1]["user_email"], "dummy.user@example.org");
        assert_eq!(rows[1]["user_active"], true);

        // The restricted list, for anyone (a viewer here).
        let (_, viewer) = app.member("watcher", "viewer").await;
        let r = app.iris_as(&viewer, "GET", "/manage/users/restricted/list", None).await;
        assert_eq!(r.status.as_u16(), 200, "{}", r.text);
        let rows = r.body["data"].as_array().unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            keys(&rows[1]),
            fields(&["user_active", "user_id", "user_login", "user_name", "user_uuid"])
        );
        assert!(rows.iter().any(|u| u["user_login"] == "watcher"));

        // Lookups: by login (percent-encoded) and by id.
        let by_login = app
            .iris_ok("GET", "/manage/users/lookup/login/dummy%20user", None)
            .await;
        assert_eq!(
            keys(&by_login),
            fields(&[
                "user_active",
                "user_email",
                "user_id",
                "user_login",
                "user_name",
                "user_uuid"
            ])
        );
        assert_eq!(by_login["user_id"], id);
        assert_eq!(by_login["user_name"], "dummy user name");
        assert_eq!(by_login["user_uuid"], added["user_uuid"]);
        let by_id = app.iris_ok("GET", &format!("/manage/users/lookup/id/{id}"), None).await;
        assert_eq!(
            by_id,
            json!({"user_id": id, "user_login": "dummy user", "user_name": "dummy user name"})
        );
        let r = app
            .iris_as(&viewer, "GET", &format!("/manage/users/lookup/id/{id}"), None)
            .await;
        assert_eq!(r.status.as_u16(), 200, "{}", r.text);

        // Unknown logins and ids.
        let r = app.iris("GET", "/manage/users/lookup/login/nonexistent", None).await;
        assert_eq!(failed(&r, 400), "Invalid login");
        for bad in ["999999999", "111155551111", "-1", "abc", "0"] {
            let r = app.iris("GET", &format!("/manage/users/lookup/id/{bad}"), None).await;
            assert_eq!(failed(&r, 400), "Invalid user ID", "{bad}");
            let r = app.iris("GET", &format!("/manage/users/{bad}"), None).await;
            assert_eq!(failed(&r, 400), "Invalid user ID", "{bad}");
        }

        // Another workspace's users are unknown here, and its lists hold only its own.
        let (_, other) = app.tenant("Other").await;
        let r = app
            .iris_as(&other, "GET", &format!("/manage/users/lookup/id/{id}"), None)
            .await;
        assert_eq!(failed(&r, 400), "Invalid user ID");
        let r = app
            .iris_as(&other, "GET", "/manage/users/lookup/login/dummy%20user", None)
            .await;
        assert_eq!(failed(&r, 400), "Invalid login");
        let r = app.iris_as(&other, "GET", "/manage/users/list", None).await;
        assert_eq!(r.status.as_u16(), 200, "{}", r.text);
        let logins: Vec<&str> = r.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["user_login"].as_str().unwrap())
            .collect();
        // (The server administrator who made the workspace is its member too.)
        assert_eq!(logins, ["admin", "admin-other"]);
    }

    async fn user_lifecycle(b: Backend) {
        let Some(app) = TestApp::spawn(b).await else {
            return;
        };
        let added = add_user(&app, "test_user").await;
        assert_eq!(
            keys(&added),
            fields(&[
                "active",
                "external_id",
                "has_deletion_confirmation",
                "has_mini_sidebar",
                "id",
                "in_dark_mode",
                "mfa_setup_complete",
                "user_active",
                "user_api_key",
                "user_email",
                "user_id",
                "user_is_service_account",
                "user_login",
                "user_name",
                "user_primary_organisation_id",
                "user_uuid",
                "uuid"
            ])
        );
        assert_eq!(added["active"], true);
        assert_eq!(added["has_deletion_confirmation"], false);
        assert_eq!(added["external_id"], Value::Null);
        assert_eq!(added["user_login"], "test_user");
        assert_eq!(added["user_name"], "test_user name");
        assert_eq!(added["user_email"], "test_user@example.org");
        assert_eq!(added["id"], added["user_id"]);
        assert!(added["uuid"].is_string());
        let id = added["id"].as_i64().unwrap();
        // The new key works at once, as an analyst of this workspace.
        let key = added["user_api_key"].as_str().unwrap().to_owned();
        let r = app.iris_as(&key, "GET", "/api/ping", None).await;
        assert_eq!(r.status.as_u16(), 200, "{}", r.text);
        let r = app.iris_as(&key, "GET", "/manage/users/list", None).await;
        assert_eq!(failed(&r, 403), "Permission denied");

        // The full record.
        let full = app.iris_ok("GET", &format!("/manage/users/{id}"), None).await;
        assert_eq!(
            keys(&full),
            fields(&[
                "user_active",
                "user_cases_access",
                "user_customers",
                "user_email",
                "user_groups",
                "user_id",
                "user_is_service_account",
                "user_login",
                "user_name",
                "user_organisations",
                "user_permissions",
                "user_primary_organisation_id",
                "user_uuid"
            ])
        );
        assert_eq!(full["user_groups"], json!([]));
        assert_eq!(full["user_cases_access"], json!([]));
        assert_eq!(full["user_customers"], json!([]));
        let orgs = full["user_organisations"].as_array().unwrap();
        assert_eq!(orgs.len(), 1);
        assert_eq!(
            keys(&orgs[0]),
            fields(&["is_primary_org", "org_id", "org_name", "org_uuid"])
        );
        assert_eq!(orgs[0]["is_primary_org"], true);
        assert_eq!(orgs[0]["org_id"], full["user_primary_organisation_id"]);
        // An analyst's flags: 1133.
        let perms = full["user_permissions"].as_object().unwrap();
        let total: i64 = perms.values().map(|p| p["value"].as_i64().unwrap()).sum();
        assert_eq!(total, 1133);
        assert_eq!(perms["32"]["name"], "search_across_cases");
        // The administrator is in Administrators with every flag.
        let admin = app.iris_ok("GET", "/manage/users/1", None).await;
        assert_eq!(admin["user_groups"][0]["group_name"], "Administrators");
        assert_eq!(admin["user_groups"][0]["group_id"], 1);
        assert_eq!(admin["user_permissions"].as_object().unwrap().len(), 12);

        // Update: the client sends `user_login: null` and `user_password: ""`, which keep them.
        let u = app
            .iris_ok(
                "POST",
                &format!("/manage/users/update/{id}"),
                Some(
                    json!({"user_login": null, "user_name": "Test User", "user_email": "tu@example.org",
                            "user_password": "", "cid": 1}),
                ),
            )
            .await;
        assert_eq!(u["user_login"], "test_user");
        assert_eq!(u["user_name"], "Test User");
        assert_eq!(u["user_email"], "tu@example.org");
        let again = app.iris_ok("GET", &format!("/manage/users/lookup/id/{id}"), None).await;
        assert_eq!(again["user_name"], "Test User");
        let r = app
            .iris(
                "POST",
                &format!("/manage/users/update/{id}"),
                Some(json!({"user_password": "NewPassw0rd12"})),
            )
            .await;
        assert_eq!(r.body["message"], "User updated", "{}", r.text);
        // The same login is accepted; another one is refused.
        let r = app
            .iris(
                "POST",
                &format!("/manage/users/update/{id}"),
                Some(json!({"user_login": "test_user"})),
            )
            .await;
        assert_eq!(r.status.as_u16(), 200, "{}", r.text);
        let r = app
            .iris(
                "POST",
                &format!("/manage/users/update/{id}"),
                Some(json!({"user_login": "renamed"})),
            )
            .await;
        assert_eq!(failed(&r, 400), "Data error");
        assert!(r.body["data"]["user_login"].is_array());

        // An active user cannot be deleted; deactivation revokes the key at once.
        let r = app
            .iris("POST", &format!("/manage/users/delete/{id}"), Some(json!({})))
            .await;
        assert_eq!(failed(&r, 400), "Cannot delete active user");
        let d = app
            .iris_ok("GET", &format!("/manage/users/deactivate/{id}"), None)
            .await;
        assert_eq!(d["user_active"], false);
        assert_eq!(d["active"], false);
        let r = app.iris_as(&key, "GET", "/api/ping", None).await;
        assert_eq!(r.status.as_u16(), 401);
        let listed = app.iris_ok("GET", "/manage/users/lookup/login/test_user", None).await;
        assert_eq!(listed["user_active"], false);
        let r = app.iris("GET", "/manage/users/deactivate/1", None).await;
        assert!(failed(&r, 400).contains("deactivating yourself"));
        // Reactivation works (the old key stays revoked).
        let a = app.iris_ok("GET", &format!("/manage/users/activate/{id}"), None).await;
        assert_eq!(a["user_active"], true);
        app.iris_ok("GET", &format!("/manage/users/deactivate/{id}"), None)
            .await;
        let r = app
            .iris("POST", &format!("/manage/users/delete/{id}"), Some(json!({})))
            .await;
        assert_eq!(r.status.as_u16(), 200, "{}", r.text);
        assert_eq!(r.body["message"], format!("Deleted user ID {id}"));
        // Gone from lookups and lists; the login and email can be used again.
        let r = app.iris("GET", &format!("/manage/users/lookup/id/{id}"), None).await;
        assert_eq!(failed(&r, 400), "Invalid user ID");
        let r = app.iris("POST", &format!("/manage/users/delete/{id}"), None).await;
        assert_eq!(failed(&r, 400), "Invalid user ID");
        let list = app.iris_ok("GET", "/manage/users/list", None).await;
        assert_eq!(list.as_array().unwrap().len(), 1);
        let again = add_user(&app, "test_user").await;
        assert_ne!(again["user_id"].as_i64().unwrap(), id);

        // A service account needs no password.
        let svc = app
            .iris_ok(
                "POST",
                "/manage/users/add",
                Some(
                    json!({"user_login": "svc-siem", "user_name": "SIEM", "user_email": "siem@example.org",
                            "user_is_service_account": true}),
                ),
            )
            .await;
        assert_eq!(svc["user_is_service_account"], true);
        assert!(svc["user_api_key"].as_str().is_some_and(|k| k.len() > 20));
    }

    async fn user_bad_input_and_permissions(b: Backend) {
        let Some(app) = TestApp::spawn(b).await else {
            return;
        };
        add_user(&app, "first").await;
        let base = json!({"user_login": "second", "user_name": "Second", "user_email": "second@example.org",
                          "user_password": PASSWORD});
        let with = |k: &str, v: Value| {
            let mut b = base.clone();
            b[k] = v;
            b
        };
        // Duplicates, in IRIS's words.
        let r = app
            .iris("POST", "/manage/users/add", Some(with("user_login", json!("FIRST"))))
            .await;
        assert_eq!(failed(&r, 400), "Data error");
        assert_eq!(r.body["data"], json!({"user_login": ["User name already taken"]}));
        let r = app
            .iris(
                "POST",
                "/manage/users/add",
                Some(with("user_email", json!("First@example.org"))),
            )
            .await;
        assert_eq!(failed(&r, 400), "Data error");
        assert_eq!(r.body["data"], json!({"user_email": ["User email already taken"]}));
        // Weak, missing and mistyped passwords.
        for pw in ["short1A", "alllowercase12", "ALLUPPERCASE12", "NoDigitsAtAllHere"] {
            let r = app
                .iris("POST", "/manage/users/add", Some(with("user_password", json!(pw))))
                .await;
            assert_eq!(failed(&r, 400), "Data error", "{pw}");
            assert!(r.body["data"]["user_password"].is_array(), "{}", r.text);
        }
        let mut no_pw = base.clone();
        no_pw.as_object_mut().unwrap().remove("user_password");
        let r = app.iris("POST", "/manage/users/add", Some(no_pw)).await;
        assert_eq!(failed(&r, 400), "Data error");
        assert!(r.body["data"]["user_password"].is_array());
        let r = app
            .iris("POST", "/manage/users/add", Some(with("user_password", json!(12))))
            .await;
        assert_eq!(failed(&r, 400), "Data error");
        // Missing, null, short or mistyped required fields.
        for (k, v) in [
            ("user_login", Value::Null),
            ("user_login", json!("x")),
            ("user_name", json!(["a"])),
            ("user_email", Value::Null),
            ("user_email", json!("not-an-email")),
            ("user_is_service_account", json!("maybe")),
        ] {
            let r = app.iris("POST", "/manage/users/add", Some(with(k, v.clone()))).await;
            assert_eq!(failed(&r, 400), "Data error", "{k}={v}");
            assert!(r.body["data"][k].is_array(), "{k}: {}", r.text);
        }
        let r = app.iris("POST", "/manage/users/add", Some(json!({}))).await;
        assert_eq!(failed(&r, 400), "Data error");
        let r = app
            .iris("POST", "/manage/users/update/2", Some(json!({"user_name": 12345})))
            .await;
        assert_eq!(r.status.as_u16(), 200, "numbers are taken as text: {}", r.text);
        let r = app
            .iris("POST", "/manage/users/update/2", Some(json!({"user_email": ["x"]})))
            .await;
        assert_eq!(failed(&r, 400), "Data error");
        let r = app
            .iris("POST", "/manage/users/update/2", Some(json!({"user_password": "weak"})))
            .await;
        assert_eq!(failed(&r, 400), "Data error");
        let r = app
            .iris(
                "POST",
                "/manage/users/update/111155551111",
                Some(json!({"user_name": "Nobody"})),
            )
            .await;
        assert_eq!(failed(&r, 400), "Invalid user ID");
        let r = app.iris("GET", "/manage/users/deactivate/-1", None).await;
        assert_eq!(failed(&r, 400), "Invalid user ID");

        // Analysts and viewers administer nothing.
        let (_, analyst) = app.member("ana", "analyst").await;
        let (_, viewer) = app.member("vic", "viewer").await;
        for key in [&analyst, &viewer] {
            for (m, p, body) in [
                ("GET", "/manage/users/list", None),
                ("GET", "/manage/users/2", None),
                ("POST", "/manage/users/add", Some(base.clone())),
                ("POST", "/manage/users/update/2", Some(json!({"user_name": "Hijacked"}))),
                ("GET", "/manage/users/deactivate/2", None),
                ("POST", "/manage/users/delete/2", None),
                (
                    "POST",
                    "/manage/users/2/cases-access/update",
                    Some(json!({"cases_list": [1], "access_level": 4})),
                ),
                ("GET", "/manage/access-control/audit/users/2", None),
                ("GET", "/manage/access-control/recompute-effective-users-ac", None),
            ] {
                let r = app.iris_as(key, m, p, body).await;
                assert_eq!(failed(&r, 403), "Permission denied", "{m} {p}");
            }
        }
        // A workspace admin manages memberships, not identities: changing another user needs a
        // server administrator.
        let (_, wadmin) = app.member("wadmin", "admin").await;
        let r = app
            .iris_as(
                &wadmin,
                "POST",
                "/manage/users/update/2",
                Some(json!({"user_name": "Renamed"})),
            )
            .await;
        assert_eq!(failed(&r, 403), "Permission denied");
        let r = app.iris_as(&wadmin, "GET", "/manage/users/list", None).await;
        assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    }

    async fn user_case_access_and_audit(b: Backend) {
        let Some(app) = TestApp::spawn(b).await else {
            return;
        };
        primary_case(&app).await;
        for t in ["First case", "Second case"] {
            app.admin("POST", "/api/v1/cases", Some(json!({"title": t})))
                .await
                .expect(201);
        }
        let id = add_user(&app, "reader").await["user_id"].as_i64().unwrap();
        let path = format!("/manage/users/{id}/cases-access/update");
        // The client sends ints; IRIS also takes a string level.
        let u = app
            .iris_ok(
                "POST",
                &path,
                Some(json!({"cases_list": [2, "3"], "access_level": "2", "cid": 1})),
            )
            .await;
        let access = u["user_cases_access"].as_array().unwrap();
        assert_eq!(access.len(), 2);
        assert_eq!(
            keys(&access[0]),
            fields(&["access_level", "access_level_list", "case_id", "case_name"])
        );
        assert_eq!(access[0]["case_id"], 2);
        assert_eq!(access[0]["case_name"], "#2 - First case");
        assert_eq!(access[0]["access_level"], 2);
        assert_eq!(
            access[0]["access_level_list"],
            json!([{"name": "read_only", "value": 2}])
        );
        // A second update replaces the level of the cases it names.
        let u = app
            .iris_ok("POST", &path, Some(json!({"cases_list": [3], "access_level": 1})))
            .await;
        assert_eq!(u["user_cases_access"][1]["access_level"], 1);
        assert_eq!(u["user_cases_access"][0]["access_level"], 2);

        // The audit shows how each case's access is made up.
        let audit = app
            .iris_ok("GET", &format!("/manage/access-control/audit/users/{id}"), None)
            .await;
        assert_eq!(keys(&audit), fields(&["access_audit", "permissions_audit"]));
        let c1 = &audit["access_audit"]["2"];
        assert_eq!(keys(c1), fields(&["case_info", "user_access", "user_effective_access"]));
        assert_eq!(c1["case_info"], json!({"case_name": "#2 - First case", "case_id": 2}));
        assert_eq!(c1["user_effective_access"], json!([{"name": "read_only", "value": 2}]));
        let steps = c1["user_access"].as_array().unwrap();
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[0]["state"], "Overwritten by self user access");
        assert_eq!(steps[0]["access_value"], 4);
        assert_eq!(steps[1]["state"], "Effective");
        assert_eq!(steps[1]["inherited_from"]["object_type"], "user_access_level");
        assert_eq!(audit["access_audit"]["3"]["user_effective_access"][0]["value"], 1);
        // A case without rows: the role decides.
        assert_eq!(audit["access_audit"]["1"]["user_effective_access"][0]["value"], 4);
        assert_eq!(audit["access_audit"]["1"]["user_access"][0]["state"], "Effective");
        assert_eq!(audit["permissions_audit"]["effective"], 1133);
        assert_eq!(
            keys(&audit["permissions_audit"]["details"]["1"]),
            fields(&["inherited_from", "name", "value"])
        );
        // Recomputing has nothing to do, and says so.
        for p in [
            format!("/manage/access-control/recompute-effective-user-ac/{id}"),
            "/manage/access-control/recompute-effective-users-ac".to_owned(),
        ] {
            let r = app.iris("GET", &p, None).await;
            assert_eq!(r.status.as_u16(), 200, "{}", r.text);
            assert_eq!(r.body["message"], "Updated");
        }
        let r = app
            .iris("GET", "/manage/access-control/recompute-effective-user-ac/999", None)
            .await;
        assert_eq!(failed(&r, 400), "Invalid user ID");
        let r = app.iris("GET", "/manage/access-control/audit/users/abc", None).await;
        assert_eq!(failed(&r, 400), "Invalid user ID");

        // Bad input.
        for (body, msg) in [
            (json!({"cases_list": [99], "access_level": 4}), "Invalid case ID"),
            (
                json!({"cases_list": 1, "access_level": 4}),
                "Expecting cases_list as list",
            ),
            (
                json!({"cases_list": [1], "access_level": "full"}),
                "Expecting access_level as int",
            ),
            (json!({"cases_list": [1]}), "Expecting access_level as int"),
            (json!({"cases_list": [1], "access_level": 3}), "Data error"),
            (json!({"cases_list": ["x"], "access_level": 4}), "Data error"),
        ] {
            let r = app.iris("POST", &path, Some(body.clone())).await;
            assert_eq!(failed(&r, 400), msg, "{body}");
        }
        let r = app
            .iris(
                "POST",
                "/manage/users/77/cases-access/update",
                Some(json!({"cases_list": [1], "access_level": 4})),
            )
            .await;
        assert_eq!(failed(&r, 400), "Invalid user ID");
        // Another workspace's case numbers are its own: case 2 does not exist there.
        let (_, other) = app.tenant("Other").await;
        let r = app
            .iris_as(
                &other,
                "POST",
                &path,
                Some(json!({"cases_list": [1], "access_level": 4})),
            )
            .await;
        assert_eq!(failed(&r, 400), "Invalid user ID");
    }

    fn group_keys() -> Vec<String> {
        fields(&[
            "group_auto_follow",
            "group_auto_follow_access_level",
            "group_cases_access",
            "group_description",
            "group_id",
            "group_members",
            "group_name",
            "group_permissions",
            "group_permissions_list",
            "group_uuid",
        ])
    }

    async fn group_lifecycle(b: Backend) {
        let Some(app) = TestApp::spawn(b).await else {
            return;
        };
        primary_case(&app).await;
        app.admin("POST", "/api/v1/cases", Some(json!({"title": "Only case"})))
            .await
            .expect(201);
        // The built-in groups exist from the first call.
        let list = app.iris_ok("GET", "/manage/groups/list?cid=1", None).await;
        let groups = list.as_array().unwrap();
        assert_eq!(groups.len(), 2);
        assert_eq!(keys(&groups[0]), group_keys());
        let adm = &groups[0];
        assert_eq!(adm["group_id"], 1);
        assert_eq!(adm["group_name"], "Administrators");
        assert_eq!(adm["group_description"], "Administrators");
        assert_eq!(adm["group_permissions"], 4095);
        assert_eq!(adm["group_permissions_list"].as_array().unwrap().len(), 12);
        assert_eq!(adm["group_auto_follow"], true);
        assert_eq!(adm["group_auto_follow_access_level"], 4);
        assert_eq!(
            adm["group_members"],
            json!([{"id": 1, "user": "admin", "name": "Administrator"}])
        );
        // Following every case, it reaches each with full access.
        assert_eq!(
            adm["group_cases_access"],
            json!([{"case_id": 1, "case_name": "#1 - Initial Demo", "access_level": 4,
                    "access_level_list": [{"name": "full_access", "value": 4}]},
                   {"case_id": 2, "case_name": "#2 - Only case", "access_level": 4,
                    "access_level_list": [{"name": "full_access", "value": 4}]}])
        );
        let ana = &groups[1];
        assert_eq!(ana["group_id"], 2);
        assert_eq!(ana["group_name"], "Analysts");
        assert_eq!(ana["group_permissions"], 1133);
        assert_eq!(ana["group_auto_follow"], false);
        assert_eq!(ana["group_auto_follow_access_level"], 0);
        assert_eq!(ana["group_members"], json!([]));
        assert_eq!(ana["group_cases_access"], json!([]));

        // Add: permissions come as a list of flags (OR-ed) or as one mask.
        let g = app
            .iris_ok(
                "POST",
                "/manage/groups/add",
                Some(
                    json!({"group_name": "test_group", "group_description": "test group description",
                            "group_permissions": [1, 64], "cid": 1}),
                ),
            )
            .await;
        assert_eq!(keys(&g), group_keys());
        assert_eq!(g["group_id"], 3);
        assert_eq!(g["group_name"], "test_group");
        assert_eq!(g["group_permissions"], 65);
        assert_eq!(
            g["group_permissions_list"],
            json!([{"name": "standard_user", "value": 1}, {"name": "customers_read", "value": 64}])
        );
        assert_eq!(g["group_auto_follow"], false);
        assert_eq!(g["group_auto_follow_access_level"], 0);
        assert!(g["group_uuid"].is_string());
        let got = app.iris_ok("GET", "/manage/groups/3", None).await;
        assert_eq!(got, g);

        // Update (the client re-sends name, description and permissions).
        let u = app
            .iris_ok(
                "POST",
                "/manage/groups/update/3",
                Some(
                    json!({"group_name": "test_group updated", "group_description": "changed",
                            "group_permissions": [2, 1]}),
                ),
            )
            .await;
        assert_eq!(u["group_name"], "test_group updated");
        assert_eq!(u["group_description"], "changed");
        assert_eq!(u["group_permissions"], 3);
        // A partial update keeps the rest.
        let u = app
            .iris_ok("POST", "/manage/groups/update/3", Some(json!({"group_permissions": 4})))
            .await;
        assert_eq!(u["group_name"], "test_group updated");
        assert_eq!(u["group_permissions"], 4);
        // Auto-follow through an update.
        let u = app
            .iris_ok(
                "POST",
                "/manage/groups/update/3",
                Some(json!({"group_auto_follow": true, "group_auto_follow_access_level": 2})),
            )
            .await;
        assert_eq!(u["group_auto_follow"], true);
        assert_eq!(u["group_auto_follow_access_level"], 2);
        assert_eq!(u["group_cases_access"][0]["access_level"], 2);

        // Delete, by id; then it is unknown.
        let r = app
            .iris("POST", "/manage/groups/delete/3", Some(json!({"cid": 1})))
            .await;
        assert_eq!(r.status.as_u16(), 200, "{}", r.text);
        assert_eq!(
            r.body,
            json!({"status": "success", "message": "Group deleted", "data": []})
        );
        let r = app.iris("GET", "/manage/groups/3", None).await;
        assert_eq!(failed(&r, 400), "Invalid group ID");
        let r = app.iris("POST", "/manage/groups/delete/3", None).await;
        assert_eq!(failed(&r, 400), "Invalid group ID");
        // Numbers are never reused.
        let g = app
            .iris_ok(
                "POST",
                "/manage/groups/add",
                Some(json!({"group_name": "test_group", "group_description": "again"})),
            )
            .await;
        assert_eq!(g["group_id"], 4);
        assert_eq!(g["group_permissions"], 0);
        // The built-in groups stay.
        for id in [1, 2] {
            let r = app.iris("POST", &format!("/manage/groups/delete/{id}"), None).await;
            assert!(failed(&r, 400).contains("built-in"), "{}", r.text);
        }
        assert_eq!(
            app.iris_ok("GET", "/manage/groups/list", None)
                .await
                .as_array()
                .unwrap()
                .len(),
            3
        );
    }

    async fn group_members_and_case_access(b: Backend) {
        let Some(app) = TestApp::spawn(b).await else {
            return;
        };
        primary_case(&app).await;
        for t in ["One", "Two", "Three"] {
            app.admin("POST", "/api/v1/cases", Some(json!({"title": t})))
                .await
                .expect(201);
        }
        let user = add_user(&app, "member").await["user_id"].as_i64().unwrap();
        let g = app
            .iris_ok(
                "POST",
                "/manage/groups/add",
                Some(json!({"group_name": "Responders", "group_description": "IR team", "group_permissions": [1]})),
            )
            .await;
        let gid = g["group_id"].as_i64().unwrap();
        let members = format!("/manage/groups/{gid}/members/update");
        // Members are replaced; unknown ids (and other workspaces' users) are skipped.
        let (_, other) = app.tenant("Other").await;
        let outsider = app.iris_as(&other, "GET", "/manage/users/list", None).await.body["data"][0]["user_id"]
            .as_i64()
            .unwrap();
        let g = app
            .iris_ok(
                "POST",
                &members,
                Some(json!({"group_members": [1, user, 999, outsider], "cid": 1})),
            )
            .await;
        assert_eq!(
            g["group_members"],
            json!([{"id": 1, "user": "admin", "name": "Administrator"},
                   {"id": user, "user": "member", "name": "member name"}])
        );
        let g = app
            .iris_ok("POST", &members, Some(json!({"group_members": [user.to_string()]})))
            .await;
        assert_eq!(g["group_members"].as_array().unwrap().len(), 1);
        assert_eq!(g["group_members"][0]["id"], user);
        // The member's record names the group, and its flags add to the member's.
        let full = app.iris_ok("GET", &format!("/manage/users/{user}"), None).await;
        assert_eq!(
            full["user_groups"],
            json!([{"group_id": gid, "group_uuid": g["group_uuid"], "group_name": "Responders"}])
        );
        let std = &full["user_permissions"]["1"];
        assert_eq!(std["inherited_from"], json!(["Workspace role analyst", "Responders"]));

        // Case access: the client sends `auto_follow`; IRIS reads `auto_follow_cases`.
        let cac = format!("/manage/groups/{gid}/cases-access/update");
        let g = app
            .iris_ok(
                "POST",
                &cac,
                Some(json!({"cases_list": [2], "access_level": 2, "auto_follow": false, "cid": 1})),
            )
            .await;
        assert_eq!(g["group_auto_follow"], false);
        assert_eq!(g["group_auto_follow_access_level"], 0);
        assert_eq!(
            g["group_cases_access"],
            json!([{"case_id": 2, "case_name": "#2 - One", "access_level": 2,
                    "access_level_list": [{"name": "read_only", "value": 2}]}])
        );
        // The member's audit shows the group deciding case 1.
        let audit = app
            .iris_ok("GET", &format!("/manage/access-control/audit/users/{user}"), None)
            .await;
        assert_eq!(audit["access_audit"]["2"]["user_effective_access"][0]["value"], 2);
        assert_eq!(
            audit["access_audit"]["2"]["user_access"][1]["inherited_from"]["object_name"],
            "Responders"
        );
        assert_eq!(audit["access_audit"]["3"]["user_effective_access"][0]["value"], 4);
        // Follow every case, present and future.
        let g = app
            .iris_ok(
                "POST",
                &cac,
                Some(json!({"cases_list": [], "access_level": 4, "auto_follow_cases": true})),
            )
            .await;
        assert_eq!(g["group_auto_follow"], true);
        assert_eq!(g["group_auto_follow_access_level"], 4);
        let levels: Vec<(i64, i64)> = g["group_cases_access"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["case_id"].as_i64().unwrap(), c["access_level"].as_i64().unwrap()))
            .collect();
        assert_eq!(levels, [(1, 4), (2, 4), (3, 4), (4, 4)]);
        app.admin("POST", "/api/v1/cases", Some(json!({"title": "Four"})))
            .await
            .expect(201);
        let g = app.iris_ok("GET", &format!("/manage/groups/{gid}"), None).await;
        assert_eq!(g["group_cases_access"].as_array().unwrap().len(), 5);
        // Naming cases stops following; the cases reached keep their level.
        let g = app
            .iris_ok(
                "POST",
                &cac,
                Some(json!({"cases_list": [3], "access_level": 1, "auto_follow": false})),
            )
            .await;
        assert_eq!(g["group_auto_follow"], false);
        let levels: Vec<(i64, i64)> = g["group_cases_access"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["case_id"].as_i64().unwrap(), c["access_level"].as_i64().unwrap()))
            .collect();
        assert_eq!(levels, [(1, 4), (2, 4), (3, 1), (4, 4), (5, 4)]);

        // Bad input.
        for (path, body, msg) in [
            (&cac, json!({"cases_list": [42], "access_level": 4}), "Invalid case ID"),
            (
                &cac,
                json!({"cases_list": "1", "access_level": 4}),
                "Expecting cases_list as list",
            ),
            (
                &cac,
                json!({"cases_list": [1], "access_level": null}),
                "Expecting access_level as int",
            ),
            (&cac, json!({"cases_list": [1], "access_level": 8}), "Data error"),
            (
                &cac,
                json!({"cases_list": [1], "access_level": 4, "auto_follow": "perhaps"}),
                "Data error",
            ),
            (&members, json!({"group_members": 1}), "Expecting a list of IDs"),
            (&members, json!({}), "Expecting a list of IDs"),
            (&members, json!({"group_members": ["one"]}), "Data error"),
        ] {
            let r = app.iris("POST", path, Some(body.clone())).await;
            assert_eq!(failed(&r, 400), msg, "{path} {body}");
        }
        for p in [
            "/manage/groups/99/members/update",
            "/manage/groups/99/cases-access/update",
        ] {
            let r = app
                .iris(
                    "POST",
                    p,
                    Some(json!({"group_members": [1], "cases_list": [1], "access_level": 4})),
                )
                .await;
            assert_eq!(failed(&r, 400), "Invalid group ID", "{p}");
        }
        // Deleting the group removes its memberships and access rows.
        app.iris_ok("POST", &format!("/manage/groups/delete/{gid}"), None).await;
        let full = app.iris_ok("GET", &format!("/manage/users/{user}"), None).await;
        assert_eq!(full["user_groups"], json!([]));
        let audit = app
            .iris_ok("GET", &format!("/manage/access-control/audit/users/{user}"), None)
            .await;
        assert_eq!(audit["access_audit"]["2"]["user_effective_access"][0]["value"], 4);
    }

    async fn group_bad_input_and_isolation(b: Backend) {
        let Some(app) = TestApp::spawn(b).await else {
            return;
        };
        app.iris_ok(
            "POST",
            "/manage/groups/add",
            Some(json!({"group_name": "Hunters", "group_description": "Threat hunting"})),
        )
        .await;
        // Names are unique case-insensitively, on add and on update.
        let r = app
            .iris(
                "POST",
                "/manage/groups/add",
                Some(json!({"group_name": "HUNTERS", "group_description": "again"})),
            )
            .await;
        assert_eq!(failed(&r, 400), "Data error");
        assert_eq!(r.body["data"], json!({"group_name": ["Group already exists"]}));
        let r = app
            .iris(
                "POST",
                "/manage/groups/update/2",
                Some(json!({"group_name": "hunters"})),
            )
            .await;
        assert_eq!(
            r.body["data"],
            json!({"group_name": ["Group already exists"]}),
            "{}",
            r.text
        );
        // Renaming to its own name in another case is fine.
        let r = app
            .iris(
                "POST",
                "/manage/groups/update/3",
                Some(json!({"group_name": "HUNTERS"})),
            )
            .await;
        assert_eq!(r.status.as_u16(), 200, "{}", r.text);
        // Missing, short or mistyped fields; out-of-range flags.
        for body in [
            json!({"group_description": "x"}),
            json!({"group_name": "H", "group_description": "x"}),
            json!({"group_name": null, "group_description": "x"}),
            json!({"group_name": "Valid", "group_description": 4}),
            json!({"group_name": "Valid"}),
            json!({"group_name": "Valid", "group_description": "x", "group_permissions": ["admin"]}),
            json!({"group_name": "Valid", "group_description": "x", "group_permissions": 4096}),
            json!({"group_name": "Valid", "group_description": "x", "group_permissions": -1}),
            json!({"group_name": "Valid", "group_description": "x", "group_auto_follow": true,
                   "group_auto_follow_access_level": 3}),
        ] {
            let r = app.iris("POST", "/manage/groups/add", Some(body.clone())).await;
            assert_eq!(failed(&r, 400), "Data error", "{body}");
        }
        let r = app
            .iris(
                "POST",
                "/manage/groups/add",
                Some(json!({"group_name": "Valid", "group_description": "x",
                                                              "group_permissions": 4096})),
            )
            .await;
        assert!(r.body["data"]["group_permissions"].is_array(), "{}", r.text);
        for bad in ["999999", "111155551111", "-1", "abc"] {
            let r = app.iris("GET", &format!("/manage/groups/{bad}"), None).await;
            assert_eq!(failed(&r, 400), "Invalid group ID", "{bad}");
            let r = app
                .iris(
                    "POST",
                    &format!("/manage/groups/update/{bad}"),
                    Some(json!({"group_name": "Zed"})),
                )
                .await;
            assert_eq!(failed(&r, 400), "Invalid group ID", "{bad}");
        }
        // Non-admins see no groups.
        let (_, analyst) = app.member("ana", "analyst").await;
        let (_, viewer) = app.member("vic", "viewer").await;
        for key in [&analyst, &viewer] {
            for (m, p, body) in [
                ("GET", "/manage/groups/list", None),
                ("GET", "/manage/groups/1", None),
                (
                    "POST",
                    "/manage/groups/add",
                    Some(json!({"group_name": "Mine", "group_description": "x"})),
                ),
                ("POST", "/manage/groups/update/3", Some(json!({"group_name": "Mine"}))),
                ("POST", "/manage/groups/delete/3", None),
                (
                    "POST",
                    "/manage/groups/3/members/update",
                    Some(json!({"group_members": [1]})),
                ),
                (
                    "POST",
                    "/manage/groups/3/cases-access/update",
                    Some(json!({"cases_list": [], "access_level": 4})),
                ),
            ] {
                let r = app.iris_as(key, m, p, body).await;
                assert_eq!(failed(&r, 403), "Permission denied", "{m} {p}");
            }
        }
        // Each workspace has its own groups, numbered from 1.
        let (_, other) = app.tenant("Other").await;
        let r = app.iris_as(&other, "GET", "/manage/groups/list", None).await;
        assert_eq!(r.status.as_u16(), 200, "{}", r.text);
        let names: Vec<&str> = r.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["group_name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Administrators", "Analysts"]);
        let members: Vec<&str> = r.body["data"][0]["group_members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["user"].as_str().unwrap())
            .collect();
        assert_eq!(members, ["admin", "admin-other"]);
        let r = app.iris_as(&other, "GET", "/manage/groups/3", None).await;
        assert_eq!(failed(&r, 400), "Invalid group ID");
        let r = app.iris_as(&other, "POST", "/manage/groups/delete/3", None).await;
        assert_eq!(failed(&r, 400), "Invalid group ID");
        assert_eq!(
            app.iris_ok("GET", "/manage/groups/3", None).await["group_name"],
            "HUNTERS"
        );
    }

    /// Two cases with a customer each, IOCs, notes and comments.
    async fn seed_search(app: &TestApp) {
        for (name, case) in [("Acme", "Phishing"), ("Globex", "Ransomware")] {
            let c = app
                .admin("POST", "/api/v1/customers", Some(json!({"name": name})))
                .await
                .expect(201)
                .body;
            let number = c["number"].as_i64().unwrap().to_string();
            app.admin(
                "POST",
                "/api/v1/cases",
                Some(json!({"title": case, "customer": number})),
            )
            .await
            .expect(201);
        }
        for (case, kind, value, description) in [
            (1, "ip-any", "10.0.0.1", Some("C2 server")),
            (1, "filename", "evil_dropper.exe", None),
            (2, "filename", "evilXdropper.exe", Some("lookalike")),
            (2, "ip-any", "10.0.0.2", Some("Exfil host")),
        ] {
            app.admin(
                "POST",
                &format!("/api/v1/cases/{case}/observables"),
                Some(json!({"type": kind, "value": value, "description": description, "tlp": "red"})),
            )
            .await
            .expect(201);
        }
        for (case, title, content) in [
            (1, "Triage", "The lure mentions the PAYROLL department."),
            (
                2,
                "Notes",
                "Ransom note found on the file server; payroll data encrypted.",
            ),
        ] {
            app.admin(
                "POST",
                &format!("/api/v1/cases/{case}/notes"),
                Some(json!({"title": title, "content": content})),
            )
            .await
            .expect(201);
        }
        app.admin(
            "POST",
            "/api/v1/cases/2/comments",
            Some(json!({"content": "Backups are 100% intact"})),
        )
        .await
        .expect(201);
    }

    async fn search(app: &TestApp, key: Option<&str>, kind: &str, value: &str) -> crate::harness::Resp {
        let body = Some(json!({"search_value": value, "search_type": kind, "cid": 1}));
        match key {
            Some(k) => app.iris_as(k, "POST", "/search", body).await,
            None => app.iris("POST", "/search", body).await,
        }
    }

    async fn search_iocs_notes_and_comments(b: Backend) {
        let Some(app) = TestApp::spawn(b).await else {
            return;
        };
        seed_search(&app).await;
        // `%` lists every IOC.
        let r = search(&app, None, "ioc", "%").await;
        assert_eq!(r.status.as_u16(), 200, "{}", r.text);
        assert_eq!(r.body["message"], "Results fetched");
        let rows = r.body["data"].as_array().unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(
            keys(&rows[0]),
            fields(&[
                "case_id",
                "case_name",
                "customer_name",
                "ioc_description",
                "ioc_misp",
                "ioc_name",
                "tlp_bscolor",
                "tlp_name",
                "type_name"
            ])
        );
        assert_eq!(
            rows[0],
            json!({"ioc_name": "10.0.0.1", "ioc_description": "C2 server", "ioc_misp": null, "type_name": "ip-any",
                   "tlp_name": "red", "tlp_bscolor": "danger", "case_name": "#1 - Phishing", "case_id": 1,
                   "customer_name": "Acme"})
        );
        // No description reads as an empty string.
        assert_eq!(rows[1]["ioc_description"], "");
        // A value matches as a whole; `%` is the only wildcard (`_` is literal).
        let names = |r: &crate::harness::Resp| -> Vec<String> {
            r.body["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x["ioc_name"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(names(&search(&app, None, "ioc", "10.0.0.1").await), ["10.0.0.1"]);
        assert_eq!(names(&search(&app, None, "ioc", "10.0.0").await), Vec::<String>::new());
        assert_eq!(
            names(&search(&app, None, "ioc", "10.0.0.%").await),
            ["10.0.0.1", "10.0.0.2"]
        );
        assert_eq!(
            names(&search(&app, None, "ioc", "evil_dropper.exe").await),
            ["evil_dropper.exe"]
        );
        assert_eq!(
            names(&search(&app, None, "ioc", "EVIL%").await),
            ["evil_dropper.exe", "evilXdropper.exe"]
        );

        // Notes: a substring of the content, case-insensitive.
        let r = search(&app, None, "notes", "payroll").await;
        let rows = r.body["data"].as_array().unwrap();
        assert_eq!(rows.len(), 2, "{}", r.text);
        assert_eq!(
            keys(&rows[0]),
            fields(&["case_id", "case_name", "client_name", "note_id", "note_title"])
        );
        assert_eq!(rows[0]["note_title"], "Triage");
        assert_eq!(rows[0]["client_name"], "Acme");
        assert_eq!(rows[0]["case_name"], "#1 - Phishing");
        assert!(rows[0]["note_id"].is_i64());
        let r = search(&app, None, "notes", "ransom%encrypted").await;
        assert_eq!(r.body["data"].as_array().unwrap().len(), 1);
        assert_eq!(r.body["data"][0]["case_id"], 2);
        assert_eq!(
            search(&app, None, "notes", "%").await.body["data"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(search(&app, None, "notes", "nowhere").await.body["data"], json!([]));

        // Comments.
        let r = search(&app, None, "comments", "100%").await;
        let rows = r.body["data"].as_array().unwrap();
        assert_eq!(rows.len(), 1, "{}", r.text);
        assert_eq!(
            rows[0],
            json!({"comment_id": rows[0]["comment_id"], "comment_text": "Backups are 100% intact",
                   "case_name": "#2 - Ransomware", "customer_name": "Globex", "case_id": 2})
        );
        assert!(rows[0]["comment_id"].is_i64());
    }

    async fn search_scope_and_bad_input(b: Backend) {
        let Some(app) = TestApp::spawn(b).await else {
            return;
        };
        seed_search(&app).await;
        // Bad input.
        for body in [
            json!({"search_type": "ioc"}),
            json!({"search_value": "%"}),
            json!({"search_value": "%", "search_type": "assets"}),
            json!({"search_value": null, "search_type": "ioc"}),
            json!({"search_value": 5, "search_type": "ioc"}),
            json!({"search_value": "", "search_type": "notes"}),
            json!({"search_value": "x".repeat(500), "search_type": "ioc"}),
        ] {
            let r = app.iris("POST", "/search", Some(body.clone())).await;
            assert_eq!(failed(&r, 400), "Data error", "{body}");
        }
        let r = app
            .iris(
                "POST",
                "/search",
                Some(json!({"search_value": "", "search_type": "notes"})),
            )
            .await;
        assert!(r.body["data"]["search_value"].is_array(), "{}", r.text);
        // A viewer lacks search_across_cases.
        let (_, viewer) = app.member("vic", "viewer").await;
        let r = search(&app, Some(&viewer), "ioc", "%").await;
        assert_eq!(failed(&r, 403), "Permission denied");
        // An analyst searches every case they may read: a deny row hides a case.
        let (_, analyst) = app.member("ana", "analyst").await;
        let r = search(&app, Some(&analyst), "ioc", "%").await;
        assert_eq!(r.body["data"].as_array().unwrap().len(), 4, "{}", r.text);
        let ana = app.iris_ok("GET", "/manage/users/lookup/login/ana", None).await["user_id"]
            .as_i64()
            .unwrap();
        app.iris_ok(
            "POST",
            &format!("/manage/users/{ana}/cases-access/update"),
            Some(json!({"cases_list": [2], "access_level": 1})),
        )
        .await;
        for (kind, value, expected) in [("ioc", "%", 2), ("notes", "payroll", 1), ("comments", "%", 0)] {
            let r = search(&app, Some(&analyst), kind, value).await;
            let rows = r.body["data"].as_array().unwrap();
            assert_eq!(rows.len(), expected, "{kind}: {}", r.text);
            assert!(rows.iter().all(|x| x["case_id"] == 1), "{kind}: {}", r.text);
        }
        // The admin still sees everything.
        assert_eq!(
            search(&app, None, "ioc", "%").await.body["data"]
                .as_array()
                .unwrap()
                .len(),
            4
        );
        // Another workspace finds none of it.
        let (_, other) = app.tenant("Other").await;
        for (kind, value) in [("ioc", "%"), ("notes", "%"), ("comments", "%")] {
            let r = search(&app, Some(&other), kind, value).await;
            assert_eq!(r.status.as_u16(), 200, "{}", r.text);
            assert_eq!(r.body["data"], json!([]), "{kind}");
        }
        // A deleted case's objects are no results.
        app.admin("DELETE", "/api/v1/cases/2", None).await;
        let r = search(&app, None, "ioc", "%").await;
        assert!(
            r.body["data"].as_array().unwrap().iter().all(|x| x["case_id"] == 1),
            "{}",
            r.text
        );
    }
}
