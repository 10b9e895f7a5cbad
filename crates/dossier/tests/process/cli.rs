//! Operator commands of the binary, checked against a running server on the same data.

use serde_json::{Value, json};

use crate::{both, harness::*};

/// `dossier ARGS <db flags>` with the known bootstrap credentials.
async fn run(db: &TestDb, args: &[&str], stdin: Option<&str>) -> CliOut {
    let mut all: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    all.extend(db.args());
    cli(&all, BOOT_ENV, stdin).await
}

/// A failed command: non-zero exit, one `dossier: ...` line mentioning `word`.
#[track_caller]
fn failed(out: &CliOut, word: &str) {
    assert_ne!(out.code, Some(0), "expected failure: {out:?}");
    let lines: Vec<&str> = out.stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line on stderr: {out:?}");
    assert!(lines[0].starts_with("dossier: "), "{out:?}");
    assert!(
        lines[0].to_lowercase().contains(&word.to_lowercase()),
        "stderr does not mention {word:?}: {out:?}"
    );
}

async fn password_login(server: &Server, login: &str, password: &str) -> u16 {
    http(
        server.addr,
        "POST",
        "/api/v1/auth/login",
        &[],
        Some(&json!({"login": login, "password": password}).to_string()),
        HTTP_TIMEOUT,
    )
    .await
    .expect("login")
    .status
}

/// A change made by another process (the CLI) reaches a running server's key cache within its
/// 2-second lifetime: the key is refused within 3 seconds, and stays refused.
async fn refused_soon(server: &Server, key: &str) {
    let start = std::time::Instant::now();
    loop {
        let status = server.api(key).get("/api/v1/me").await.status;
        if status == 401 {
            break;
        }
        assert_eq!(status, 200, "before the change is seen the key still works");
        assert!(
            start.elapsed() < std::time::Duration::from_secs(3),
            "key still accepted after 3 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    server.api(key).get("/api/v1/me").await.expect(401);
}

async fn operator_commands(kind: Kind) {
    let Some(db) = TestDb::fresh(kind, "CLI").await else {
        return;
    };
    let mut printed = String::new();

    let m = run(&db, &["migrate"], None).await.ok();
    assert!(m.stdout.contains("applied migrations"), "{m:?}");
    let m = run(&db, &["migrate"], None).await.ok();
    assert!(m.stdout.contains("up to date"), "{m:?}");

    let pw = "u1-correct-horse-battery";
    let u = run(
        &db,
        &[
            "user",
            "create",
            "--login",
            "u1",
            "--email",
            "u1@example.org",
            "--name",
            "U1",
            "--password-stdin",
        ],
        Some(&format!("{pw}\n")),
    )
    .await
    .ok();
    assert!(u.stdout.contains("created user u1"), "{u:?}");
    printed.push_str(&u.stdout);
    let dup = run(
        &db,
        &[
            "user",
            "create",
            "--login",
            "u1",
            "--email",
            "u1b@example.org",
            "--name",
            "U1",
        ],
        None,
    )
    .await;
    // Should name the field ("login ... taken"); see `validation_errors_name_the_field`.
    failed(&dup, "");
    let bad_role = run(
        &db,
        &[
            "user",
            "create",
            "--login",
            "u2",
            "--email",
            "u2@example.org",
            "--name",
            "U2",
            "--role",
            "wizard",
        ],
        None,
    )
    .await;
    failed(&bad_role, "role");
    let no_pw = run(
        &db,
        &[
            "user",
            "create",
            "--login",
            "u3",
            "--email",
            "u3@example.org",
            "--name",
            "U3",
            "--password-stdin",
        ],
        Some(""),
    )
    .await;
    failed(&no_pw, "password");

    let list = run(&db, &["user", "list"], None).await.ok();
    let u1_line = list
        .stdout
        .lines()
        .find(|l| l.contains(" u1 "))
        .unwrap_or_else(|| panic!("u1 not listed: {list:?}"));
    assert!(
        u1_line.contains("u1@example.org") && !u1_line.contains("disabled"),
        "{u1_line}"
    );
    assert!(list.stdout.contains("admin"), "{list:?}");
    assert!(
        !list.stdout.contains(" u2 ") && !list.stdout.contains(" u3 "),
        "{list:?}"
    );

    let k = run(&db, &["apikey", "create", "--login", "u1", "--name", "ci"], None)
        .await
        .ok();
    let mut lines = k
        .stdout
        .lines()
        .filter(|l| !l.starts_with("First start") && !l.starts_with("  ") && !l.starts_with("These are"));
    let head = lines.next().expect("key header");
    let key1_id = head
        .strip_prefix("API key ")
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("unexpected output: {k:?}"))
        .to_owned();
    let key1 = lines.next().expect("secret line").trim().to_owned();
    failed(&run(&db, &["apikey", "create", "--login", "nobody"], None).await, "not");

    let w = run(&db, &["workspace", "create", "--name", "Lab"], None).await.ok();
    assert!(w.stdout.contains("created workspace Lab"), "{w:?}");
    let wl = run(&db, &["workspace", "list"], None).await.ok();
    assert!(wl.stdout.lines().any(|l| l.ends_with(" Lab")), "{wl:?}");
    assert!(wl.stdout.contains("(default)"), "{wl:?}");

    // A server on the same data honours what the commands did, also while it runs.
    let server = Server::start(&db).await;
    printed.push_str(&server.stdout());
    let me = server.api(&key1).get("/api/v1/me").await.expect(200);
    assert_eq!(me.json["user"]["login"], "u1");
    assert_eq!(password_login(&server, "u1", pw).await, 200);
    let admin = server.admin();
    let workspaces = admin.get("/api/v1/workspaces").await.expect(200).json;
    assert!(
        workspaces.as_array().expect("array").iter().any(|w| w["name"] == "Lab"),
        "{workspaces}"
    );

    let k2 = run(&db, &["apikey", "create", "--login", "u1"], None).await.ok();
    let key2 = k2.stdout.lines().nth(1).expect("secret line").trim().to_owned();
    let kl = run(&db, &["apikey", "list", "--login", "u1"], None).await.ok();
    assert_eq!(
        kl.stdout.lines().filter(|l| l.contains(" active ")).count(),
        2,
        "{kl:?}"
    );
    // `<id>  <prefix> <state> <name>`: pick the key by the prefix its secret starts with.
    let listed_id = kl
        .stdout
        .lines()
        .find_map(|l| {
            let mut cols = l.split_whitespace();
            let (id, prefix) = (cols.next()?, cols.next()?);
            (key1.starts_with(prefix) && !key2.starts_with(prefix)).then(|| id.to_owned())
        })
        .unwrap_or_else(|| panic!("key 1 not recognisable in the list: {kl:?}"));
    assert_eq!(listed_id, key1_id, "{kl:?}");
    run(&db, &["apikey", "revoke", "--id", &listed_id], None).await.ok();
    refused_soon(&server, &key1).await;
    server.api(&key2).get("/api/v1/me").await.expect(200);
    let kl = run(&db, &["apikey", "list", "--login", "u1"], None).await.ok();
    let revoked = kl
        .stdout
        .lines()
        .find(|l| l.starts_with(&key1_id))
        .expect("key 1 listed");
    assert!(revoked.contains("revoked"), "{kl:?}");
    failed(
        &run(
            &db,
            &["apikey", "revoke", "--id", &uuid::Uuid::now_v7().to_string()],
            None,
        )
        .await,
        "not",
    );

    let d = run(&db, &["user", "disable", "--login", "u1"], None).await.ok();
    assert!(d.stdout.contains("u1 disabled"), "{d:?}");
    refused_soon(&server, &key2).await;
    assert_eq!(password_login(&server, "u1", pw).await, 401);
    let list = run(&db, &["user", "list"], None).await.ok();
    assert!(
        list.stdout
            .lines()
            .any(|l| l.contains(" u1 ") && l.contains("disabled")),
        "{list:?}"
    );

    let demo = run(&db, &["demo"], None).await.ok();
    assert!(demo.stdout.contains("demo data loaded"), "{demo:?}");
    let again = run(&db, &["demo"], None).await.ok();
    assert!(again.stdout.contains("loaded before"), "{again:?}");
    let workspaces = admin.get("/api/v1/workspaces").await.expect(200).json;
    let mut total = 0;
    let mut with_cases = 0;
    for w in workspaces.as_array().expect("array") {
        let id = w["id"].as_str().expect("id");
        let (cases, n) = admin.in_workspace(id).all_cases().await;
        assert_eq!(n, cases.len() as i64);
        total += n;
        with_cases += usize::from(n > 0);
    }
    assert!(total > 40, "demo: {total} cases over all workspaces");
    assert!(with_cases >= 3, "demo: cases in {with_cases} workspaces");
    let stdout = server.stdout();
    assert!(!stdout.contains("First start"), "server bootstrapped again: {stdout}");
    assert_eq!(printed.matches("First start").count(), 1, "{printed}");
    say(format!("cli {kind:?}: demo visible through the server: {total} cases"));
}

both!(operator_commands);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_prints_the_document() {
    let out = cli(&["openapi".to_owned()], &[], None).await.ok();
    let doc: Value = serde_json::from_str(&out.stdout).expect("openapi prints JSON");
    let version = doc["openapi"].as_str().expect("openapi field");
    assert!(version.starts_with("3.1."), "openapi {version}");
    assert!(doc["paths"]["/api/v1/cases"].is_object(), "no /api/v1/cases path");
    assert!(out.stderr.trim().is_empty(), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_flags_are_usage_errors() {
    for args in [
        &["--bogus"][..],
        &["frobnicate"][..],
        &["user", "create", "--login", "x"][..],
        &["apikey", "revoke", "--id", "not-a-uuid"][..],
        &["--log-format", "xml", "openapi"][..],
        &["serve", "--listen"][..],
    ] {
        let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
        let out = cli(&args, &[], None).await;
        assert_eq!(out.code, Some(2), "{args:?}: {out:?}");
        assert!(out.stderr.starts_with("error: "), "{args:?}: {out:?}");
        assert!(
            out.stderr.contains("Usage:") || out.stderr.contains("--help"),
            "{args:?}: {out:?}"
        );
        assert!(out.stdout.is_empty(), "{args:?}: {out:?}");
    }
    let out = cli(
        &["--config".into(), "/nonexistent/dossier.toml".into(), "openapi".into()],
        &[],
        None,
    )
    .await;
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stderr.contains("does not exist"), "{out:?}");
    let help = cli(&["--help".to_owned()], &[], None).await.ok();
    for sub in ["serve", "migrate", "user", "apikey", "workspace", "demo", "openapi"] {
        assert!(help.stdout.contains(sub), "--help lacks {sub}: {}", help.stdout);
    }
}

/// The CLI names what is wrong with the input (`that login is taken`), not just that it failed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validation_errors_name_the_field() {
    let Some(db) = TestDb::fresh(Kind::Sqlite, "CLI validation message").await else {
        return;
    };
    let create = [
        "user",
        "create",
        "--login",
        "u1",
        "--email",
        "u1@example.org",
        "--name",
        "U1",
    ];
    run(&db, &create, None).await.ok();
    let dup = run(&db, &create, None).await;
    failed(&dup, "taken");
    let ws = ["workspace", "create", "--name", "Lab"];
    run(&db, &ws, None).await.ok();
    failed(&run(&db, &ws, None).await, "taken");
}
