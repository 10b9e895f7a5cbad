//! First start: the credentials are printed once and work; later starts print nothing and
//! keep the data.

use std::time::Duration;

use serde_json::json;

use crate::{both, harness::*};

fn field<'a>(out: &'a str, prefix: &str) -> Option<&'a str> {
    out.lines().find_map(|l| l.strip_prefix(prefix)).map(str::trim)
}

async fn first_start_prints_credentials_once(kind: Kind) {
    let Some(db) = TestDb::fresh(kind, "bootstrap").await else {
        return;
    };
    // No DOSSIER_BOOTSTRAP_*: generated credentials.
    let mut server = Server::start_with(&db.args(), &[]).await;
    let out = server.stdout();
    assert_eq!(out.matches("First start").count(), 1, "stdout:\n{out}");
    assert_eq!(out.matches("admin password:").count(), 1, "stdout:\n{out}");
    assert_eq!(out.matches("admin API key:").count(), 1, "stdout:\n{out}");
    let password = field(&out, "  admin password: ").expect("password line");
    let key = field(&out, "  admin API key:  ").expect("API key line");
    assert!(password.len() >= 12, "weak generated password {password:?}");
    assert!(key.len() >= 32, "short generated key {key:?}");
    let first = out.find("First start").expect("banner");
    let listening = out.find("dossier listening on").expect("listening line");
    assert!(first < listening, "credentials printed after listening:\n{out}");

    let api = server.api(key);
    let me = api.get("/api/v1/me").await.expect(200);
    assert_eq!(me.json["user"]["login"], "admin", "{}", me.text);
    assert_eq!(me.json["user"]["is_superuser"], true, "{}", me.text);
    // The password works too.
    let login = http(
        server.addr,
        "POST",
        "/api/v1/auth/login",
        &[],
        Some(&json!({"login": "admin", "password": password}).to_string()),
        HTTP_TIMEOUT,
    )
    .await
    .expect("login")
    .expect(200);
    let token = login.json["token"].as_str().expect("session token");
    server.api(token).get("/api/v1/me").await.expect(200);

    let case = api
        .post("/api/v1/cases", json!({"title": "made before the restart"}))
        .await
        .expect(201);
    let number = case.json["number"].as_i64().expect("number");

    server.proc.terminate();
    let status = server.proc.wait_timeout(Duration::from_secs(20)).await;
    assert!(status.is_some_and(|s| s.success()), "stop: {status:?}");
    let stderr = server.proc.stderr();
    assert!(!stderr.contains(key), "the API key was logged");
    assert!(!stderr.contains(password), "the admin password was logged");
    drop(server);

    // Bootstrap variables on a later start are ignored.
    let other_key = "dsk_bt_other_key_ffffffffffffffffffffffffffffffffffffffffffffffff";
    let server = Server::start_with(
        &db.args(),
        &[
            ("DOSSIER_BOOTSTRAP_API_KEY", other_key),
            ("DOSSIER_BOOTSTRAP_ADMIN_PASSWORD", "another-password-1"),
        ],
    )
    .await;
    let out = server.stdout();
    assert!(!out.contains("First start"), "second start bootstrapped:\n{out}");
    assert!(!out.contains("admin password"), "second start printed:\n{out}");
    assert!(!out.contains("API key"), "second start printed:\n{out}");
    let api = server.api(key);
    let got = api.get(&format!("/api/v1/cases/{number}")).await.expect(200);
    assert_eq!(got.json["title"], "made before the restart");
    server.api(other_key).get("/api/v1/me").await.expect(401);
}

both!(first_start_prints_credentials_once);
