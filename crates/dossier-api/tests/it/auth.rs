//! Authentication: credential schemes, password login and sessions, the login rate limit,
//! API keys, workspace-bound keys, deactivated users, read-only roles.

use dossier_core::{Backend, CoreConfig};
use serde_json::{Value, json};

use crate::{
    both,
    harness::{ADMIN_KEY, ADMIN_PASSWORD, Resp, TestApp},
};

both!(
    missing_or_unknown_credentials,
    every_credential_scheme,
    login_session_and_logout,
    wrong_password_and_rate_limit,
    rate_limit_ignores_the_case_of_the_login,
    api_keys_create_list_revoke,
    bound_key_stays_in_its_workspace,
    deactivated_user_is_locked_out,
    viewer_is_read_only,
    workspace_admin_powers_stay_in_the_workspace
);

async fn get_me(app: &TestApp, headers: &[(&str, &str)]) -> Resp {
    app.call("GET", "/api/v1/me", headers, None).await
}

#[track_caller]
fn assert_unauthenticated(r: &Resp) {
    assert_eq!(r.status.as_u16(), 401, "{}", r.text);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    assert_eq!(r.body["code"], "unauthenticated");
    assert_eq!(r.body["status"], 401);
    assert_eq!(r.body["type"], "urn:dossier:problem:unauthenticated");
}

async fn login(app: &TestApp, login: &str, password: &str) -> Resp {
    let body = json!({"login": login, "password": password}).to_string();
    app.call("POST", "/api/v1/auth/login", &[], Some(&body)).await
}

async fn missing_or_unknown_credentials(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    assert_unauthenticated(&get_me(&app, &[]).await);
    assert_unauthenticated(&app.call("GET", "/api/v1/cases", &[], None).await);
    assert_unauthenticated(&app.call("POST", "/api/v1/cases", &[], Some(r#"{"title":"x"}"#)).await);
    let unknown = "dsk_0000000000000000000000000000000000000000000000000000000000000000";
    for h in [
        ("authorization", format!("Bearer {unknown}")),
        ("authorization", "Bearer ".to_owned()),
        ("x-api-key", unknown.to_owned()),
        ("cookie", format!("dossier_session={unknown}")),
        ("authorization", format!("Bearer {ADMIN_KEY}x")),
    ] {
        let r = get_me(&app, &[(h.0, h.1.as_str())]).await;
        assert_unauthenticated(&r);
    }
}

async fn every_credential_scheme(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let k = ADMIN_KEY;
    let cases: Vec<(&str, String)> = vec![
        ("authorization", format!("Bearer {k}")),
        ("authorization", format!("bearer {k}")),
        ("authorization", format!("Token {k}")),
        ("authorization", k.to_owned()),
        ("X-API-Key", k.to_owned()),
        ("X-Api-Key", k.to_owned()),
        ("X-IRIS-AUTH", k.to_owned()),
        ("cookie", format!("dossier_session={k}")),
        ("cookie", format!("theme=dark; dossier_session={k}; lang=en")),
        ("cookie", format!("fastapiusersauth={k}")),
    ];
    for (name, value) in &cases {
        let r = get_me(&app, &[(name, value.as_str())]).await;
        assert_eq!(r.status.as_u16(), 200, "{name}: {value}: {}", r.text);
        assert_eq!(r.body["user"]["login"], "admin", "{name}");
        assert_eq!(r.body["user"]["is_superuser"], true);
        assert_eq!(r.body["role"], "admin");
        assert_eq!(r.body["workspace"]["name"], "Default");
        assert_eq!(r.body["workspace"]["is_default"], true);
    }
}

async fn login_session_and_logout(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let me = app.admin("GET", "/api/v1/me", None).await.expect(200);
    let admin_id = me.body["user"]["id"].as_str().unwrap().to_owned();
    assert_eq!(me.body["user"]["last_login_at"], Value::Null);

    for name in ["admin", "ADMIN", "admin@localhost", "Admin@Localhost"] {
        let r = login(&app, name, ADMIN_PASSWORD).await.expect(200);
        let token = r.body["token"].as_str().expect("token").to_owned();
        assert!(token.starts_with("dss_"), "{token}");
        assert_eq!(r.body["user_id"], admin_id.as_str());
        assert!(r.body["expires_at"].is_string());
        let cookie = r.header("set-cookie").expect("set-cookie").to_owned();
        assert!(cookie.starts_with(&format!("dossier_session={token};")), "{cookie}");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("Path=/"), "{cookie}");
        assert!(cookie.contains("SameSite=Lax"), "{cookie}");
        // 12 hours by default.
        assert!(
            cookie.contains("Max-Age=43199") || cookie.contains("Max-Age=43200"),
            "{cookie}"
        );
    }

    let r = login(&app, "admin", ADMIN_PASSWORD).await.expect(200);
    let token = r.body["token"].as_str().unwrap().to_owned();
    let bearer = format!("Bearer {token}");
    let cookie = format!("dossier_session={token}");
    let me = get_me(&app, &[("authorization", &bearer)]).await.expect(200);
    assert_eq!(me.body["user"]["login"], "admin");
    assert!(me.body["user"]["last_login_at"].is_string());
    get_me(&app, &[("cookie", &cookie)]).await.expect(200);
    // A session acts like any credential.
    app.call(
        "POST",
        "/api/v1/cases",
        &[("cookie", &cookie)],
        Some(r#"{"title":"from a session"}"#),
    )
    .await
    .expect(201);

    // Logout: 204, the cookie is cleared, the token stops working at once.
    let out = app
        .call("POST", "/api/v1/auth/logout", &[("cookie", &cookie)], None)
        .await
        .expect(204);
    let cleared = out.header("set-cookie").expect("set-cookie");
    assert!(cleared.starts_with("dossier_session=;"), "{cleared}");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_unauthenticated(&get_me(&app, &[("authorization", &bearer)]).await);
    assert_unauthenticated(&get_me(&app, &[("cookie", &cookie)]).await);
    // Logging out again, or without credentials, is a 401.
    assert_unauthenticated(
        &app.call("POST", "/api/v1/auth/logout", &[("cookie", &cookie)], None)
            .await,
    );
    assert_unauthenticated(&app.call("POST", "/api/v1/auth/logout", &[], None).await);
    // Other sessions and the API key are untouched.
    app.admin("GET", "/api/v1/me", None).await.expect(200);

    // Bad login bodies.
    let r = app
        .call("POST", "/api/v1/auth/login", &[], Some(r#"{"login":"","password":""}"#))
        .await
        .expect(422);
    let fields: Vec<&str> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["login", "password"]);
    app.call("POST", "/api/v1/auth/login", &[], Some(r#"{"login":"admin"}"#))
        .await
        .expect(422);
}

async fn wrong_password_and_rate_limit(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let r = login(&app, "admin", "not-the-password").await;
    assert_unauthenticated(&r);
    assert!(r.header("set-cookie").is_none());
    // An unknown account answers the same.
    let r = login(&app, "nobody", "whatever-password").await;
    assert_unauthenticated(&r);
    assert_eq!(r.body["detail"], login(&app, "admin", "nope").await.body["detail"]);

    // Eight more failures for `admin`: ten in all.
    for _ in 0..8 {
        assert_unauthenticated(&login(&app, "admin", "wrong-again").await);
    }
    // The eleventh attempt is refused, even with the right password.
    let r = login(&app, "admin", ADMIN_PASSWORD).await.expect(429);
    assert_eq!(r.body["code"], "rate_limited");
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    assert_eq!(r.header("retry-after"), Some("900"), "the 15-minute window");
    // Case does not make another account.
    login(&app, "ADMIN", ADMIN_PASSWORD).await.expect(429);
    // Other accounts and existing credentials are not affected.
    app.admin("GET", "/api/v1/me", None).await.expect(200);
    app.member("carol", "analyst").await;
    login(&app, "carol", "correct horse battery").await.expect(200);

    // A smaller limit and window from the configuration.
    let Some(app) = TestApp::spawn_with(
        b,
        CoreConfig {
            login_max_failures_per_account: 2,
            login_window: std::time::Duration::from_secs(60),
            ..CoreConfig::default()
        },
    )
    .await
    else {
        return;
    };
    login(&app, "admin", ADMIN_PASSWORD).await.expect(200);
    assert_unauthenticated(&login(&app, "admin", "x-wrong-1").await);
    login(&app, "admin", ADMIN_PASSWORD).await.expect(200);
    assert_unauthenticated(&login(&app, "admin", "x-wrong-2").await);
    let r = login(&app, "admin", ADMIN_PASSWORD).await.expect(429);
    assert_eq!(r.header("retry-after"), Some("60"));
}

/// The limit is per account: another case of the login does not buy more guesses.
async fn rate_limit_ignores_the_case_of_the_login(b: Backend) {
    let Some(app) = TestApp::spawn_with(
        b,
        CoreConfig {
            login_max_failures_per_account: 3,
            ..CoreConfig::default()
        },
    )
    .await
    else {
        return;
    };
    // Failures count for the account whatever the case of its login.
    for name in ["admin", "Admin", "ADMIN"] {
        assert_unauthenticated(&login(&app, name, "wrong").await);
    }
    login(&app, "admin", ADMIN_PASSWORD).await.expect(429);
    // Known bug (see `email_spelling_shares_the_account_limit`): the same account named by its
    // email still gets 401/200 here, not 429.
}

async fn api_keys_create_list_revoke(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (alice, alice_key) = app.member("alice", "analyst").await;
    let k = app
        .as_key(
            &alice_key,
            "POST",
            "/api/v1/api-keys",
            Some(json!({"name": "ci pipeline"})),
        )
        .await
        .expect(201);
    let secret = k.body["secret"].as_str().expect("secret").to_owned();
    let id = k.body["id"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("dsk_"), "{secret}");
    assert_eq!(k.body["name"], "ci pipeline");
    assert_eq!(k.body["workspace_id"], Value::Null);
    assert_eq!(k.body["revoked_at"], Value::Null);
    let prefix = k.body["prefix"].as_str().unwrap().to_owned();
    assert!(secret.starts_with(&prefix) && prefix.len() < secret.len() / 2);

    let me = app.as_key(&secret, "GET", "/api/v1/me", None).await.expect(200);
    assert_eq!(me.body["user"]["id"], alice.as_str());
    assert_eq!(me.body["role"], "analyst");

    let list = app
        .as_key(&alice_key, "GET", "/api/v1/api-keys", None)
        .await
        .expect(200);
    let items = list.body.as_array().unwrap();
    assert_eq!(items.len(), 2, "the harness's key and the new one");
    let listed = items.iter().find(|i| i["id"] == id.as_str()).unwrap();
    assert_eq!(listed["prefix"], prefix.as_str());
    assert_eq!(listed["name"], "ci pipeline");
    assert!(listed.get("secret").is_none(), "{listed}");
    assert!(!list.text.contains(&secret), "the secret is never listed");
    // Keys are per user: the admin does not see alice's keys in their own list.
    let mine = app.admin("GET", "/api/v1/api-keys", None).await.expect(200);
    assert!(!mine.text.contains(&id));

    // Another analyst cannot revoke alice's key.
    let (_, bob_key) = app.member("bob", "analyst").await;
    let r = app
        .as_key(&bob_key, "DELETE", &format!("/api/v1/api-keys/{id}"), None)
        .await
        .expect(403);
    assert_eq!(r.body["code"], "forbidden");
    app.as_key(&secret, "GET", "/api/v1/me", None).await.expect(200);

    app.as_key(&alice_key, "DELETE", &format!("/api/v1/api-keys/{id}"), None)
        .await
        .expect(204);
    assert_unauthenticated(&app.as_key(&secret, "GET", "/api/v1/me", None).await);
    let list = app
        .as_key(&alice_key, "GET", "/api/v1/api-keys", None)
        .await
        .expect(200);
    let revoked = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id.as_str())
        .unwrap()
        .clone();
    assert!(revoked["revoked_at"].is_string(), "{revoked}");
    // Alice's other key still works.
    app.as_key(&alice_key, "GET", "/api/v1/me", None).await.expect(200);

    // An admin may revoke a member's key.
    let k2 = app
        .as_key(&alice_key, "POST", "/api/v1/api-keys", Some(json!({})))
        .await
        .expect(201);
    let (id2, s2) = (
        k2.body["id"].as_str().unwrap().to_owned(),
        k2.body["secret"].as_str().unwrap().to_owned(),
    );
    app.admin("DELETE", &format!("/api/v1/api-keys/{id2}"), None)
        .await
        .expect(204);
    assert_unauthenticated(&app.as_key(&s2, "GET", "/api/v1/me", None).await);

    // Unknown and malformed ids; expiry in the past.
    app.admin("DELETE", "/api/v1/api-keys/01890000-0000-7000-8000-000000000000", None)
        .await
        .expect(404);
    app.admin("DELETE", "/api/v1/api-keys/nope", None).await.expect(422);
    let r = app
        .admin(
            "POST",
            "/api/v1/api-keys",
            Some(json!({"expires_at": "2000-01-01T00:00:00Z"})),
        )
        .await
        .expect(422);
    assert_eq!(r.body["errors"][0]["field"], "expires_at");
    // A key with a future expiry works and shows it.
    let k3 = app
        .admin(
            "POST",
            "/api/v1/api-keys",
            Some(json!({"expires_at": "2999-01-01T00:00:00Z"})),
        )
        .await
        .expect(201);
    assert_eq!(k3.body["expires_at"], "2999-01-01T00:00:00.000000Z");
    app.as_key(k3.body["secret"].as_str().unwrap(), "GET", "/api/v1/me", None)
        .await
        .expect(200);
}

async fn bound_key_stays_in_its_workspace(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let me = app.admin("GET", "/api/v1/me", None).await.expect(200);
    let default_ws = me.body["workspace"]["id"].as_str().unwrap().to_owned();
    // The admin creates "Blue" and is its admin too.
    let (blue, blue_key) = app.tenant("Blue").await;

    // The admin's unbound key may select either workspace.
    let h = |key: &str, ws: &str| {
        vec![
            ("authorization".to_owned(), format!("Bearer {key}")),
            ("x-dossier-workspace".to_owned(), ws.to_owned()),
        ]
    };
    for ws in [&default_ws, &blue] {
        let hv = h(ADMIN_KEY, ws);
        let hs: Vec<(&str, &str)> = hv.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = get_me(&app, &hs).await.expect(200);
        assert_eq!(r.body["workspace"]["id"], ws.as_str());
    }

    // A key of the same admin, bound to the default workspace.
    let k = app
        .admin(
            "POST",
            "/api/v1/api-keys",
            Some(json!({"name": "bound", "bind_workspace": true})),
        )
        .await
        .expect(201);
    assert_eq!(k.body["workspace_id"], default_ws.as_str());
    let bound = k.body["secret"].as_str().unwrap().to_owned();
    let r = app.as_key(&bound, "GET", "/api/v1/me", None).await.expect(200);
    assert_eq!(r.body["workspace"]["id"], default_ws.as_str());
    let hv = h(&bound, &default_ws);
    let hs: Vec<(&str, &str)> = hv.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    get_me(&app, &hs).await.expect(200);
    let hv = h(&bound, &blue);
    let hs: Vec<(&str, &str)> = hv.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = get_me(&app, &hs).await.expect(403);
    assert_eq!(r.body["code"], "forbidden");
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    app.call("GET", "/api/v1/cases", &hs, None).await.expect(403);

    // The tenant's key is bound to Blue: it acts there without a header, and nowhere else.
    let r = app.as_key(&blue_key, "GET", "/api/v1/me", None).await.expect(200);
    assert_eq!(r.body["workspace"]["id"], blue.as_str());
    assert_eq!(r.body["role"], "admin");
    let hv = h(&blue_key, &default_ws);
    let hs: Vec<(&str, &str)> = hv.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    get_me(&app, &hs).await.expect(403);
    // A workspace that does not exist, and a malformed header.
    let hv = h(ADMIN_KEY, "01890000-0000-7000-8000-000000000000");
    let hs: Vec<(&str, &str)> = hv.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    get_me(&app, &hs).await.expect(403);
    let hv = h(ADMIN_KEY, "blue");
    let hs: Vec<(&str, &str)> = hv.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = get_me(&app, &hs).await.expect(400);
    assert_eq!(r.body["code"], "invalid_workspace_header");
}

async fn deactivated_user_is_locked_out(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (dave, dave_key) = app.member("dave", "analyst").await;
    app.as_key(&dave_key, "GET", "/api/v1/me", None).await.expect(200);
    let s = login(&app, "dave", "correct horse battery").await.expect(200);
    let session = format!("Bearer {}", s.body["token"].as_str().unwrap());

    // A user cannot deactivate themselves, nor can another analyst.
    let r = app
        .as_key(
            &dave_key,
            "PATCH",
            &format!("/api/v1/users/{dave}"),
            Some(json!({"is_active": false})),
        )
        .await
        .expect(422);
    assert_eq!(r.body["errors"][0]["field"], "is_active");
    let (_, erin_key) = app.member("erin", "analyst").await;
    app.as_key(
        &erin_key,
        "PATCH",
        &format!("/api/v1/users/{dave}"),
        Some(json!({"is_active": false})),
    )
    .await
    .expect(404);
    app.as_key(&dave_key, "GET", "/api/v1/me", None).await.expect(200);

    let u = app
        .admin(
            "PATCH",
            &format!("/api/v1/users/{dave}"),
            Some(json!({"is_active": false})),
        )
        .await
        .expect(200);
    assert_eq!(u.body["is_active"], false);
    assert_unauthenticated(&app.as_key(&dave_key, "GET", "/api/v1/me", None).await);
    assert_unauthenticated(&get_me(&app, &[("authorization", &session)]).await);
    assert_unauthenticated(&login(&app, "dave", "correct horse battery").await);
    // The account is still visible to the admin, as inactive.
    let g = app
        .admin("GET", &format!("/api/v1/users/{dave}"), None)
        .await
        .expect(200);
    assert_eq!(g.body["is_active"], false);
    // Reactivating does not bring the revoked credentials back; a password login works again.
    app.admin(
        "PATCH",
        &format!("/api/v1/users/{dave}"),
        Some(json!({"is_active": true})),
    )
    .await
    .expect(200);
    assert_unauthenticated(&app.as_key(&dave_key, "GET", "/api/v1/me", None).await);
    login(&app, "dave", "correct horse battery").await.expect(200);
}

async fn viewer_is_read_only(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.admin("POST", "/api/v1/cases", Some(json!({"title": "Seen"})))
        .await
        .expect(201);
    app.admin("POST", "/api/v1/alerts", Some(json!({"title": "Seen too"})))
        .await
        .expect(201);
    // (A one-letter login such as "v" is refused: logins have at least 2 characters.)
    let (_, v) = app.member("vera", "viewer").await;
    let me = app.as_key(&v, "GET", "/api/v1/me", None).await.expect(200);
    assert_eq!(me.body["role"], "viewer");
    let l = app.as_key(&v, "GET", "/api/v1/cases", None).await.expect(200);
    assert_eq!(l.body["items"][0]["title"], "Seen");
    app.as_key(&v, "GET", "/api/v1/cases/1", None).await.expect(200);
    app.as_key(&v, "GET", "/api/v1/cases/1/activity", None)
        .await
        .expect(200);
    app.as_key(&v, "GET", "/api/v1/alerts/1", None).await.expect(200);
    for (method, path, body) in [
        ("POST", "/api/v1/cases", json!({"title": "Nope"})),
        ("PATCH", "/api/v1/cases/1", json!({"title": "Nope"})),
        ("POST", "/api/v1/alerts", json!({"title": "Nope"})),
        ("POST", "/api/v1/alerts/batch", json!({"alerts": [{"title": "Nope"}]})),
        ("PATCH", "/api/v1/alerts/1", json!({"title": "Nope"})),
        ("POST", "/api/v1/alerts/1/promote", json!({})),
        ("POST", "/api/v1/alerts/1/merge", json!({"case_id": "1"})),
        (
            "POST",
            "/api/v1/users",
            json!({"login": "x1", "email": "x1@example.org", "name": "x"}),
        ),
    ] {
        let r = app.as_key(&v, method, path, Some(body)).await;
        assert_eq!(r.status.as_u16(), 403, "{method} {path}: {}", r.text);
        assert_eq!(r.body["code"], "forbidden");
    }
    let r = app.as_key(&v, "DELETE", "/api/v1/cases/1", None).await.expect(403);
    assert_eq!(r.body["code"], "forbidden");
    // Nothing changed.
    let c = app.admin("GET", "/api/v1/cases/1", None).await.expect(200);
    assert_eq!(c.body["title"], "Seen");
    assert_eq!(c.body["version"], 1);
    let l = app.admin("GET", "/api/v1/alerts?count=true", None).await.expect(200);
    assert_eq!(l.body["total"], 1);
    // A viewer may still manage their own API keys.
    app.as_key(&v, "POST", "/api/v1/api-keys", Some(json!({"name": "mine"})))
        .await
        .expect(201);
}

/// A workspace admin manages the keys and accounts of their members, but must not gain access
/// to another workspace through them.
async fn workspace_admin_powers_stay_in_the_workspace(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.admin("POST", "/api/v1/cases", Some(json!({"title": "Default only"})))
        .await
        .expect(201);
    let (alice, alice_key) = app.member("alice", "analyst").await;
    let (bob, bob_key) = app.member("bob", "analyst").await;
    let (other, other_admin) = app.tenant("Other").await;

    // Users of the default workspace are invisible to Other's admin.
    app.as_key(&other_admin, "GET", &format!("/api/v1/users/{bob}"), None)
        .await
        .expect(404);
    app.as_key(&other_admin, "POST", "/api/v1/api-keys", Some(json!({"user_id": bob})))
        .await
        .expect(404);
    app.as_key(
        &other_admin,
        "PATCH",
        &format!("/api/v1/users/{bob}"),
        Some(json!({"password": "taken-over-1"})),
    )
    .await
    .expect(404);
    let bob_keys = app.as_key(&bob_key, "GET", "/api/v1/api-keys", None).await.expect(200);
    let bob_key_id = bob_keys.body[0]["id"].as_str().unwrap().to_owned();
    app.as_key(&other_admin, "DELETE", &format!("/api/v1/api-keys/{bob_key_id}"), None)
        .await
        .expect(404);
    app.as_key(&bob_key, "GET", "/api/v1/me", None).await.expect(200);

    // Known bug, tested in isolation.rs (`foreign_user_cannot_be_pulled_into_a_workspace`):
    // Other's admin may add bob to Other by UUID. Not sent here.

    // Alice is a member of both workspaces.
    app.admin(
        "PUT",
        &format!("/api/v1/workspaces/{other}/members/{alice}"),
        Some(json!({"role": "analyst"})),
    )
    .await
    .expect(200);
    // A key Other's admin mints for her, bound to Other, acts in Other only. (Known bug, see
    // `shared_member_cannot_be_used_to_reach_another_workspace`: an unbound one, or a password
    // reset, reaches the default workspace.)
    let k = app
        .as_key(
            &other_admin,
            "POST",
            "/api/v1/api-keys",
            Some(json!({"user_id": alice, "bind_workspace": true})),
        )
        .await
        .expect(201);
    assert_eq!(k.body["workspace_id"], other.as_str());
    let minted = k.body["secret"].as_str().unwrap().to_owned();
    let me = app.as_key(&minted, "GET", "/api/v1/me", None).await.expect(200);
    assert_eq!(me.body["user"]["id"], alice.as_str());
    assert_eq!(me.body["workspace"]["id"], other.as_str());
    let l = app.as_key(&minted, "GET", "/api/v1/cases", None).await.expect(200);
    assert_eq!(l.body["items"], json!([]), "Other has no cases");
    app.as_key(&alice_key, "GET", "/api/v1/me", None).await.expect(200);
}

// Regression tests for bugs found while this suite was written.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn email_spelling_shares_the_account_limit() {
    for b in [Backend::Sqlite, Backend::Postgres] {
        let Some(app) = TestApp::spawn_with(
            b,
            CoreConfig {
                login_max_failures_per_account: 3,
                ..CoreConfig::default()
            },
        )
        .await
        else {
            continue;
        };
        for _ in 0..3 {
            assert_unauthenticated(&login(&app, "admin", "wrong").await);
        }
        login(&app, "admin", ADMIN_PASSWORD).await.expect(429);
        login(&app, "admin@localhost", "wrong").await.expect(429);
        login(&app, "admin@localhost", ADMIN_PASSWORD).await.expect(429);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_member_cannot_be_used_to_reach_another_workspace() {
    for b in [Backend::Sqlite, Backend::Postgres] {
        let Some(app) = TestApp::spawn(b).await else {
            continue;
        };
        app.admin("POST", "/api/v1/cases", Some(json!({"title": "Default only"})))
            .await
            .expect(201);
        let (alice, alice_key) = app.member("alice", "analyst").await;
        let (other, other_admin) = app.tenant("Other").await;
        app.admin(
            "PUT",
            &format!("/api/v1/workspaces/{other}/members/{alice}"),
            Some(json!({"role": "analyst"})),
        )
        .await
        .expect(200);
        // An unbound key for alice, minted by Other's admin, must not reach the default
        // workspace (refused, or bound to Other).
        let k = app
            .as_key(
                &other_admin,
                "POST",
                "/api/v1/api-keys",
                Some(json!({"user_id": alice})),
            )
            .await;
        if k.status.as_u16() == 201 {
            let minted = k.body["secret"].as_str().unwrap();
            let l = app.as_key(minted, "GET", "/api/v1/cases", None).await;
            assert!(
                l.status.as_u16() == 403 || l.body["items"] == json!([]),
                "a key minted by Other's admin reads the default workspace: {}",
                l.text
            );
        } else {
            assert_eq!(k.status.as_u16(), 403, "{}", k.text);
        }
        // Nor may Other's admin take over or lock out alice's account.
        app.as_key(
            &other_admin,
            "PATCH",
            &format!("/api/v1/users/{alice}"),
            Some(json!({"password": "owned-by-other"})),
        )
        .await
        .expect(403);
        app.as_key(
            &other_admin,
            "PATCH",
            &format!("/api/v1/users/{alice}"),
            Some(json!({"is_active": false})),
        )
        .await
        .expect(403);
        app.as_key(&alice_key, "GET", "/api/v1/me", None).await.expect(200);
    }
}
