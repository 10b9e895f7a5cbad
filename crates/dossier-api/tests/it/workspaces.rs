//! `/api/v1/workspaces` and `/api/v1/users`: creating workspaces, memberships and roles, the
//! last-admin rule, user administration and self-service.

use dossier_core::Backend;
use serde_json::{Value, json};

use crate::{
    both,
    harness::{ADMIN_KEY, Resp, TestApp},
};

both!(
    list_and_create_workspaces,
    members_roles_and_removal,
    last_admin_is_kept,
    user_administration,
    self_service_profile_and_password
);

/// A request with a key, in a chosen workspace.
async fn in_ws(app: &TestApp, key: &str, ws: &str, method: &str, path: &str, body: Option<Value>) -> Resp {
    let auth = format!("Bearer {key}");
    let b = body.map(|v| v.to_string());
    app.call(
        method,
        path,
        &[("authorization", &auth), ("x-dossier-workspace", ws)],
        b.as_deref(),
    )
    .await
}

async fn login(app: &TestApp, login: &str, password: &str) -> Resp {
    let body = json!({"login": login, "password": password}).to_string();
    app.call("POST", "/api/v1/auth/login", &[], Some(&body)).await
}

fn field_codes(r: &Resp) -> Vec<(String, String)> {
    r.body["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    (
                        e["field"].as_str().unwrap_or("").to_owned(),
                        e["code"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn list_and_create_workspaces(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let l = app.admin("GET", "/api/v1/workspaces", None).await.expect(200);
    let all = l.body.as_array().unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["name"], "Default");
    assert_eq!(all[0]["is_default"], true);
    assert_eq!(all[0]["role"], "admin");
    let default_ws = all[0]["id"].as_str().unwrap().to_owned();

    let w = app
        .admin(
            "POST",
            "/api/v1/workspaces",
            Some(json!({"name": "  Red team  ", "description": "Offensive exercises"})),
        )
        .await
        .expect(201);
    assert_eq!(w.body["name"], "Red team");
    assert_eq!(w.body["description"], "Offensive exercises");
    assert_eq!(w.body["is_default"], false);
    assert_eq!(w.body["role"], "admin");
    let red = w.body["id"].as_str().unwrap().to_owned();
    assert_ne!(red, default_ws);

    // The creator is its admin member.
    let m = app
        .admin("GET", &format!("/api/v1/workspaces/{red}/members"), None)
        .await
        .expect(200);
    let members = m.body.as_array().unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0]["user"]["login"], "admin");
    assert_eq!(members[0]["role"], "admin");
    assert!(members[0]["since"].is_string());
    let g = app
        .admin("GET", &format!("/api/v1/workspaces/{red}"), None)
        .await
        .expect(200);
    assert_eq!(g.body["name"], "Red team");
    assert_eq!(g.body["role"], "admin");
    let l = app.admin("GET", "/api/v1/workspaces", None).await.expect(200);
    let names: Vec<&str> = l
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"Default") && names.contains(&"Red team"));

    // Work in the new workspace is numbered on its own.
    let c = in_ws(
        &app,
        ADMIN_KEY,
        &red,
        "POST",
        "/api/v1/cases",
        Some(json!({"title": "Red 1"})),
    )
    .await
    .expect(201);
    assert_eq!(c.body["number"], 1);
    assert_eq!(c.body["workspace_id"], red.as_str());

    // Duplicate names, also after trimming; empty names.
    for name in ["Red team", " Red team ", "Default"] {
        let r = app
            .admin("POST", "/api/v1/workspaces", Some(json!({"name": name})))
            .await
            .expect(422);
        assert_eq!(field_codes(&r), [("name".into(), "taken".into())]);
    }
    let r = app
        .admin("POST", "/api/v1/workspaces", Some(json!({"name": "  "})))
        .await
        .expect(422);
    assert_eq!(field_codes(&r), [("name".into(), "required".into())]);

    // Only a server administrator creates workspaces: not a workspace admin, not an analyst.
    let (_, wadmin) = app.member("wadmin", "admin").await;
    let (_, analyst) = app.member("ana", "analyst").await;
    for k in [&wadmin, &analyst] {
        let r = app
            .as_key(k, "POST", "/api/v1/workspaces", Some(json!({"name": "Mine"})))
            .await
            .expect(403);
        assert_eq!(r.body["code"], "forbidden");
    }
    // A member sees only their workspaces, with their role; others are "not found".
    let l = app
        .as_key(&analyst, "GET", "/api/v1/workspaces", None)
        .await
        .expect(200);
    let ws = l.body.as_array().unwrap();
    assert_eq!(ws.len(), 1);
    assert_eq!(ws[0]["id"], default_ws.as_str());
    assert_eq!(ws[0]["role"], "analyst");
    app.as_key(&analyst, "GET", &format!("/api/v1/workspaces/{red}"), None)
        .await
        .expect(404);
    app.as_key(&analyst, "GET", &format!("/api/v1/workspaces/{red}/members"), None)
        .await
        .expect(404);
    app.admin("GET", "/api/v1/workspaces/01890000-0000-7000-8000-000000000000", None)
        .await
        .expect(404);
}

async fn members_roles_and_removal(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (alice, alice_key) = app.member("alice", "analyst").await;
    let w = app
        .admin("POST", "/api/v1/workspaces", Some(json!({"name": "Blue"})))
        .await
        .expect(201);
    let blue = w.body["id"].as_str().unwrap().to_owned();

    // Not a member yet.
    let r = in_ws(&app, &alice_key, &blue, "GET", "/api/v1/me", None)
        .await
        .expect(403);
    assert_eq!(r.body["code"], "forbidden");
    // She cannot select it, nor add herself to it: to her it does not exist.
    app.as_key(
        &alice_key,
        "PUT",
        &format!("/api/v1/workspaces/{blue}/members/{alice}"),
        Some(json!({"role": "admin"})),
    )
    .await
    .expect(404);

    let path = format!("/api/v1/workspaces/{blue}/members/{alice}");
    let m = app
        .admin("PUT", &path, Some(json!({"role": "analyst"})))
        .await
        .expect(200);
    let roles: Vec<(String, String)> = m
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["user"]["login"].as_str().unwrap().to_owned(),
                m["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(roles.len(), 2);
    assert!(roles.contains(&("alice".into(), "analyst".into())));
    assert!(roles.contains(&("admin".into(), "admin".into())));

    let me = in_ws(&app, &alice_key, &blue, "GET", "/api/v1/me", None)
        .await
        .expect(200);
    assert_eq!(me.body["role"], "analyst");
    assert_eq!(me.body["workspace"]["id"], blue.as_str());
    assert_eq!(me.body["workspace"]["name"], "Blue");
    in_ws(
        &app,
        &alice_key,
        &blue,
        "POST",
        "/api/v1/cases",
        Some(json!({"title": "Blue case"})),
    )
    .await
    .expect(201);
    // Alice now sees both workspaces.
    let l = app
        .as_key(&alice_key, "GET", "/api/v1/workspaces", None)
        .await
        .expect(200);
    assert_eq!(l.body.as_array().unwrap().len(), 2);
    // As an analyst of Blue she still may not manage members there.
    let r = in_ws(&app, &alice_key, &blue, "PUT", &path, Some(json!({"role": "admin"})))
        .await
        .expect(403);
    assert_eq!(r.body["code"], "forbidden");

    // Demote to viewer: visible in /me, writes refused in Blue, still an analyst in Default.
    let m = app
        .admin("PUT", &path, Some(json!({"role": "viewer"})))
        .await
        .expect(200);
    let a = m
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user"]["id"] == alice.as_str())
        .unwrap()
        .clone();
    assert_eq!(a["role"], "viewer");
    let me = in_ws(&app, &alice_key, &blue, "GET", "/api/v1/me", None)
        .await
        .expect(200);
    assert_eq!(me.body["role"], "viewer");
    in_ws(
        &app,
        &alice_key,
        &blue,
        "POST",
        "/api/v1/cases",
        Some(json!({"title": "Nope"})),
    )
    .await
    .expect(403);
    let l = in_ws(&app, &alice_key, &blue, "GET", "/api/v1/cases", None)
        .await
        .expect(200);
    assert_eq!(l.body["items"][0]["title"], "Blue case");
    let me = app.as_key(&alice_key, "GET", "/api/v1/me", None).await.expect(200);
    assert_eq!(me.body["role"], "analyst");
    assert_eq!(me.body["workspace"]["name"], "Default");

    // Bad role and unknown user.
    app.admin("PUT", &path, Some(json!({"role": "owner"})))
        .await
        .expect(422);
    app.admin(
        "PUT",
        &format!("/api/v1/workspaces/{blue}/members/01890000-0000-7000-8000-000000000000"),
        Some(json!({"role": "viewer"})),
    )
    .await
    .expect(404);

    // Removal: 204, then no access to Blue; Default is untouched.
    app.admin("DELETE", &path, None).await.expect(204);
    let r = in_ws(&app, &alice_key, &blue, "GET", "/api/v1/me", None)
        .await
        .expect(403);
    assert_eq!(r.body["code"], "forbidden");
    in_ws(&app, &alice_key, &blue, "GET", "/api/v1/cases", None)
        .await
        .expect(403);
    let m = app
        .admin("GET", &format!("/api/v1/workspaces/{blue}/members"), None)
        .await
        .expect(200);
    assert_eq!(m.body.as_array().unwrap().len(), 1);
    app.admin("DELETE", &path, None).await.expect(404);
    app.as_key(&alice_key, "GET", "/api/v1/me", None).await.expect(200);
}

async fn last_admin_is_kept(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let me = app.admin("GET", "/api/v1/me", None).await.expect(200);
    let admin = me.body["user"]["id"].as_str().unwrap().to_owned();
    let default_ws = me.body["workspace"]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/workspaces/{default_ws}/members/{admin}");

    for role in ["analyst", "viewer"] {
        let r = app.admin("PUT", &path, Some(json!({"role": role}))).await.expect(409);
        assert_eq!(r.body["code"], "conflict");
        assert_eq!(r.header("content-type"), Some("application/problem+json"));
    }
    let r = app.admin("DELETE", &path, None).await.expect(409);
    assert_eq!(r.body["code"], "conflict");
    // Re-affirming the admin role is fine.
    app.admin("PUT", &path, Some(json!({"role": "admin"})))
        .await
        .expect(200);

    // With a second admin, the first may step down; then the second is the last one.
    let (bob, bob_key) = app.member("bob", "admin").await;
    let m = app
        .admin("PUT", &path, Some(json!({"role": "analyst"})))
        .await
        .expect(200);
    let admins: Vec<&str> = m
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "admin")
        .map(|m| m["user"]["login"].as_str().unwrap())
        .collect();
    assert_eq!(admins, ["bob"]);
    let bob_path = format!("/api/v1/workspaces/{default_ws}/members/{bob}");
    app.as_key(&bob_key, "DELETE", &bob_path, None).await.expect(409);
    app.as_key(&bob_key, "PUT", &bob_path, Some(json!({"role": "viewer"})))
        .await
        .expect(409);
    // Bob, a workspace admin, restores the server administrator's role.
    app.as_key(&bob_key, "PUT", &path, Some(json!({"role": "admin"})))
        .await
        .expect(200);
    app.as_key(&bob_key, "DELETE", &bob_path, None).await.expect(204);
}

async fn user_administration(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (_, analyst) = app.member("ana", "analyst").await;
    let r = app
        .as_key(
            &analyst,
            "POST",
            "/api/v1/users",
            Some(json!({"login": "mallory", "email": "m@example.org", "name": "M"})),
        )
        .await
        .expect(403);
    assert_eq!(r.body["code"], "forbidden");
    app.as_key(&analyst, "GET", "/api/v1/users", None).await.expect(403);

    let u = app
        .admin(
            "POST",
            "/api/v1/users",
            Some(
                json!({"login": "grace", "email": " grace@example.org ", "name": " Grace H ",
                "password": "12345678", "role": "viewer"}),
            ),
        )
        .await
        .expect(201);
    assert_eq!(u.body["login"], "grace");
    assert_eq!(u.body["email"], "grace@example.org");
    assert_eq!(u.body["name"], "Grace H");
    assert_eq!(u.body["is_active"], true);
    assert_eq!(u.body["is_superuser"], false);
    assert_eq!(u.body["is_service_account"], false);
    assert_eq!(u.body["last_login_at"], Value::Null);
    assert!(u.body.get("password").is_none() && u.body.get("password_hash").is_none());
    let grace = u.body["id"].as_str().unwrap().to_owned();
    // The role applies in the admin's workspace; the password works at once.
    let s = login(&app, "grace", "12345678").await.expect(200);
    let me = app
        .as_key(s.body["token"].as_str().unwrap(), "GET", "/api/v1/me", None)
        .await
        .expect(200);
    assert_eq!(me.body["role"], "viewer");
    assert_eq!(me.body["user"]["id"], grace.as_str());
    // Without a role: analyst.
    let u = app
        .admin(
            "POST",
            "/api/v1/users",
            Some(json!({"login": "svc-siem", "email": "siem@example.org", "name": "SIEM", "is_service_account": true})),
        )
        .await
        .expect(201);
    assert_eq!(u.body["is_service_account"], true);
    let svc = u.body["id"].as_str().unwrap().to_owned();
    let me_ws = app.admin("GET", "/api/v1/me", None).await.expect(200);
    let default_ws = me_ws.body["workspace"]["id"].as_str().unwrap().to_owned();
    let m = app
        .admin("GET", &format!("/api/v1/workspaces/{default_ws}/members"), None)
        .await
        .expect(200);
    let svc_role = m
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user"]["id"] == svc.as_str())
        .unwrap()["role"]
        .clone();
    assert_eq!(svc_role, "analyst");

    // Validation.
    let bad = |body: Value| {
        let app = &app;
        async move { app.admin("POST", "/api/v1/users", Some(body)).await.expect(422) }
    };
    let r = bad(json!({"login": "h1", "email": "h1@example.org", "name": "H", "password": "1234567"})).await;
    assert_eq!(field_codes(&r), [("password".into(), "too_short".into())]);
    for email in ["not-an-email", "@example.org", "h2@", "h 2@example.org", ""] {
        let r = bad(json!({"login": "h2", "email": email, "name": "H"})).await;
        assert_eq!(field_codes(&r), [("email".into(), "invalid".into())], "{email}");
    }
    let r = bad(json!({"login": "GRACE", "email": "other@example.org", "name": "G2"})).await;
    assert_eq!(field_codes(&r), [("login".into(), "taken".into())]);
    assert_eq!(r.body["code"], "validation_failed");
    let r = bad(json!({"login": "grace2", "email": "Grace@Example.org", "name": "G2"})).await;
    assert_eq!(field_codes(&r), [("email".into(), "taken".into())]);
    let r = bad(json!({"login": "x", "email": "x@example.org", "name": ""})).await;
    assert_eq!(
        field_codes(&r),
        [("login".into(), "too_short".into()), ("name".into(), "required".into())]
    );
    let r = bad(json!({"login": " padded", "email": "p@example.org", "name": "P"})).await;
    assert_eq!(field_codes(&r), [("login".into(), "invalid".into())]);
    // Only a server administrator grants server administration.
    let (_, wadmin) = app.member("wadmin", "admin").await;
    app.as_key(
        &wadmin,
        "POST",
        "/api/v1/users",
        Some(json!({"login": "root2", "email": "root2@example.org", "name": "R", "is_superuser": true})),
    )
    .await
    .expect(403);
    // A workspace admin may create plain users in their workspace.
    app.as_key(
        &wadmin,
        "POST",
        "/api/v1/users",
        Some(json!({"login": "henry", "email": "henry@example.org", "name": "Henry"})),
    )
    .await
    .expect(201);

    // Listing: every user for the server administrator, the workspace's users for its admin.
    let l = app.admin("GET", "/api/v1/users", None).await.expect(200);
    let mut logins: Vec<&str> = l
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["login"].as_str().unwrap())
        .collect();
    logins.sort_unstable();
    assert_eq!(logins, ["admin", "ana", "grace", "henry", "svc-siem", "wadmin"]);
    let (other_ws, other_admin) = app.tenant("Other").await;
    let l = app.as_key(&other_admin, "GET", "/api/v1/users", None).await.expect(200);
    let logins: Vec<&str> = l
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["login"].as_str().unwrap())
        .collect();
    assert!(
        !logins.contains(&"grace") && logins.contains(&"admin-other"),
        "{logins:?} in {other_ws}"
    );
    // Nor may that admin read or change a user of another workspace.
    app.as_key(&other_admin, "GET", &format!("/api/v1/users/{grace}"), None)
        .await
        .expect(404);
    app.as_key(
        &other_admin,
        "PATCH",
        &format!("/api/v1/users/{grace}"),
        Some(json!({"name": "Hijacked"})),
    )
    .await
    .expect(404);
    let g = app
        .admin("GET", &format!("/api/v1/users/{grace}"), None)
        .await
        .expect(200);
    assert_eq!(g.body["name"], "Grace H");
    assert!(g.body["last_login_at"].is_string());
    app.admin("GET", "/api/v1/users/not-a-uuid", None).await.expect(422);
}

async fn self_service_profile_and_password(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (ivan, ivan_key) = app.member("ivan", "analyst").await;
    let (judy, _) = app.member("judy", "analyst").await;
    let own = format!("/api/v1/users/{ivan}");

    let g = app.as_key(&ivan_key, "GET", &own, None).await.expect(200);
    assert_eq!(g.body["login"], "ivan");
    assert_eq!(g.body["email"], "ivan@example.org");
    // Another analyst's record is not visible to an analyst.
    app.as_key(&ivan_key, "GET", &format!("/api/v1/users/{judy}"), None)
        .await
        .expect(404);
    app.as_key(
        &ivan_key,
        "PATCH",
        &format!("/api/v1/users/{judy}"),
        Some(json!({"name": "Pwned"})),
    )
    .await
    .expect(404);

    let p = app
        .as_key(
            &ivan_key,
            "PATCH",
            &own,
            Some(json!({"name": "  Ivan the Analyst ", "email": "ivan@corp.example"})),
        )
        .await
        .expect(200);
    assert_eq!(p.body["name"], "Ivan the Analyst");
    assert_eq!(p.body["email"], "ivan@corp.example");
    assert_eq!(p.body["login"], "ivan");
    let me = app.as_key(&ivan_key, "GET", "/api/v1/me", None).await.expect(200);
    assert_eq!(me.body["user"]["name"], "Ivan the Analyst");

    // Invalid changes.
    let r = app
        .as_key(&ivan_key, "PATCH", &own, Some(json!({"password": "short"})))
        .await
        .expect(422);
    assert_eq!(field_codes(&r), [("password".into(), "too_short".into())]);
    let r = app
        .as_key(&ivan_key, "PATCH", &own, Some(json!({"email": "nope"})))
        .await
        .expect(422);
    assert_eq!(field_codes(&r), [("email".into(), "invalid".into())]);
    let r = app
        .as_key(&ivan_key, "PATCH", &own, Some(json!({"email": "JUDY@example.org"})))
        .await
        .expect(422);
    assert_eq!(field_codes(&r), [("email".into(), "taken".into())]);
    let r = app
        .as_key(&ivan_key, "PATCH", &own, Some(json!({"name": " "})))
        .await
        .expect(422);
    assert_eq!(field_codes(&r), [("name".into(), "required".into())]);
    app.as_key(&ivan_key, "PATCH", &own, Some(json!({"login": "ivan2"})))
        .await
        .expect(422);

    // Password change: the new one logs in (by login or the new email), the old one does not.
    login(&app, "ivan", "correct horse battery").await.expect(200);
    app.as_key(
        &ivan_key,
        "PATCH",
        &own,
        Some(json!({"password": "a much better passphrase"})),
    )
    .await
    .expect(200);
    let old = login(&app, "ivan", "correct horse battery").await;
    assert_eq!(old.status.as_u16(), 401, "{}", old.text);
    login(&app, "ivan", "a much better passphrase").await.expect(200);
    login(&app, "ivan@corp.example", "a much better passphrase")
        .await
        .expect(200);
    // The API key is unaffected by the password change.
    app.as_key(&ivan_key, "GET", "/api/v1/me", None).await.expect(200);

    // A workspace admin may not change a server administrator.
    let (_, wadmin) = app.member("wadmin", "admin").await;
    let admin_id = app.admin("GET", "/api/v1/me", None).await.body["user"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .as_key(
            &wadmin,
            "PATCH",
            &format!("/api/v1/users/{admin_id}"),
            Some(json!({"password": "taken-over-1"})),
        )
        .await
        .expect(403);
    assert_eq!(r.body["code"], "forbidden");
    // Users are global: a workspace admin manages memberships, not identities, even of
    // their own members; a server administrator may.
    let r = app
        .as_key(
            &wadmin,
            "PATCH",
            &format!("/api/v1/users/{judy}"),
            Some(json!({"name": "Judy J"})),
        )
        .await
        .expect(403);
    assert_eq!(r.body["code"], "forbidden");
    let r = app
        .admin(
            "PATCH",
            &format!("/api/v1/users/{judy}"),
            Some(json!({"name": "Judy J"})),
        )
        .await
        .expect(200);
    assert_eq!(r.body["name"], "Judy J");
}
