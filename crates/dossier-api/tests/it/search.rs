//! `/api/v1/search`: words and IOC-like substrings over cases and alerts, kinds, snippets,
//! paging, deleted objects, bad input and isolation.

use dossier_core::Backend;
use serde_json::{Value, json};

use crate::{both, harness::TestApp};

both!(
    finds_cases_by_word_and_alerts_by_indicator,
    kinds_filter_and_snippets,
    pages_newest_first,
    deleted_and_changed_objects,
    notes_and_observables_are_found,
    bad_queries_are_refused,
    other_workspaces_are_never_searched
);

const HASH: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

async fn seed(app: &TestApp, key: &str) {
    app.as_key(
        key,
        "POST",
        "/api/v1/cases",
        Some(json!({"title": "Phishing wave", "description": "Lure impersonating the payroll department"})),
    )
    .await
    .expect(201);
    app.as_key(
        key,
        "POST",
        "/api/v1/alerts",
        Some(json!({
            "title": "Beaconing detected",
            "description": format!("Host beacons to evil.example.com from 10.1.2.3; dropper sha256 {HASH}")
        })),
    )
    .await
    .expect(201);
}

async fn search(app: &TestApp, query: &str) -> Value {
    app.admin("GET", &format!("/api/v1/search?{query}"), None)
        .await
        .expect(200)
        .body
}

fn kinds(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap().to_owned())
        .collect()
}

async fn finds_cases_by_word_and_alerts_by_indicator(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    seed(&app, crate::harness::ADMIN_KEY).await;
    let case = app.admin("GET", "/api/v1/cases/1", None).await.expect(200).body;
    let alert = app.admin("GET", "/api/v1/alerts/1", None).await.expect(200).body;

    // A word of the case's description.
    let r = search(&app, "q=payroll").await;
    assert_eq!(kinds(&r), ["case"]);
    let hit = &r["items"][0];
    assert_eq!(hit["id"], case["id"]);
    assert_eq!(hit["number"], 1);
    assert_eq!(hit["title"], "Phishing wave");
    assert_eq!(hit["case"], Value::Null);
    assert!(hit["snippet"].as_str().unwrap().contains("payroll"), "{hit}");
    assert!(hit["updated_at"].is_string());
    // Several words anywhere in the text (not a phrase), any case.
    assert_eq!(kinds(&search(&app, "q=PAYROLL%20lure").await), ["case"]);
    assert_eq!(kinds(&search(&app, "q=phishing").await), ["case"]);

    // IOC-like substrings of the alert.
    for q in [
        "evil.example.com",
        "example.com",
        "10.1.2.3",
        "1.2.3",
        "4649b934ca495991",
        &HASH[..12],
        HASH,
    ] {
        let r = search(&app, &format!("q={q}")).await;
        assert_eq!(kinds(&r), ["alert"], "{q}");
        let hit = &r["items"][0];
        assert_eq!(hit["id"], alert["id"], "{q}");
        assert_eq!(hit["title"], "Beaconing detected");
        assert!(hit["snippet"].as_str().unwrap().contains(q), "{q}: {hit}");
    }
    // Both, newest first.
    let r = search(&app, "q=e").await;
    assert_eq!(kinds(&r), ["alert", "case"]);
    // Nothing.
    assert_eq!(search(&app, "q=nothing-like-this").await["items"], json!([]));
    assert_eq!(search(&app, "q=10.1.2.4").await["items"], json!([]));
    // Quotes and FTS syntax in the query are just text.
    assert_eq!(search(&app, "q=%22payroll%22%20OR%20*").await["items"], json!([]));
    // Whole-word matching ignores punctuation around a word.
    assert_eq!(kinds(&search(&app, "q=payroll%22").await), ["case"]);
    assert_eq!(search(&app, "q=%25").await["items"], json!([]));
}

async fn kinds_filter_and_snippets(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    seed(&app, crate::harness::ADMIN_KEY).await;
    let long = format!(
        "{} the intruder used evil.example.com for staging {}",
        "filler ".repeat(60),
        "tail ".repeat(60)
    );
    app.admin(
        "POST",
        "/api/v1/cases",
        Some(json!({"title": "Staging server", "description": long})),
    )
    .await
    .expect(201);
    let r = search(&app, "q=evil.example.com").await;
    assert_eq!(kinds(&r), ["case", "alert"]);
    let s = r["items"][0]["snippet"].as_str().unwrap();
    assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
    assert!(s.contains("evil.example.com for staging"), "{s}");
    assert!(s.chars().count() < 160, "{s}");

    assert_eq!(kinds(&search(&app, "q=evil.example.com&kinds=case").await), ["case"]);
    assert_eq!(kinds(&search(&app, "q=evil.example.com&kinds=alert").await), ["alert"]);
    assert_eq!(
        kinds(&search(&app, "q=evil.example.com&kinds=alert,case").await),
        ["case", "alert"]
    );
    assert_eq!(
        kinds(&search(&app, "q=evil.example.com&kinds=note&kinds=observable").await),
        Vec::<String>::new()
    );
}

async fn pages_newest_first(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    for i in 1..=5 {
        app.admin("POST", "/api/v1/cases", Some(json!({"title": format!("Quokka {i}")})))
            .await
            .expect(201);
    }
    app.admin("POST", "/api/v1/alerts", Some(json!({"title": "Quokka alert"})))
        .await
        .expect(201);
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let q = match &cursor {
            Some(c) => format!("q=quokka&limit=2&cursor={c}"),
            None => "q=quokka&limit=2".to_owned(),
        };
        let r = search(&app, &q).await;
        pages += 1;
        for h in r["items"].as_array().unwrap() {
            seen.push(h["title"].as_str().unwrap().to_owned());
        }
        match r["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(
        seen,
        [
            "Quokka alert",
            "Quokka 5",
            "Quokka 4",
            "Quokka 3",
            "Quokka 2",
            "Quokka 1"
        ]
    );
    // An update moves a case to the front.
    app.admin("PATCH", "/api/v1/cases/2", Some(json!({"description": "quokka again"})))
        .await
        .expect(200);
    let r = search(&app, "q=quokka&limit=1").await;
    assert_eq!(r["items"][0]["title"], "Quokka 2");
}

async fn deleted_and_changed_objects(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.admin(
        "POST",
        "/api/v1/cases",
        Some(json!({"title": "Wombat incident", "description": "old words"})),
    )
    .await
    .expect(201);
    app.admin("POST", "/api/v1/cases", Some(json!({"title": "Wombat two"})))
        .await
        .expect(201);
    assert_eq!(kinds(&search(&app, "q=wombat").await).len(), 2);
    app.admin("DELETE", "/api/v1/cases/1", None).await.expect(204);
    let r = search(&app, "q=wombat").await;
    assert_eq!(r["items"].as_array().unwrap().len(), 1);
    assert_eq!(r["items"][0]["title"], "Wombat two");
    // New text is found, old text is not.
    app.admin("PATCH", "/api/v1/cases/2", Some(json!({"description": "fresh words"})))
        .await
        .expect(200);
    assert_eq!(kinds(&search(&app, "q=fresh").await), ["case"]);
    assert_eq!(search(&app, "q=old%20words").await["items"], json!([]));
}

async fn bad_queries_are_refused(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let long = "a".repeat(201);
    for (q, field) in [
        ("", "q"),
        ("q=", "q"),
        ("q=%20%20", "q"),
        (&format!("q={long}") as &str, "q"),
        ("q=x&kinds=cases", "kinds"),
        ("q=x&limit=0", "limit"),
        ("q=x&limit=201", "limit"),
        ("q=x&cursor=abc", "cursor"),
        ("q=x&cursor=1.2", "cursor"),
        ("q=x&sort=new", "sort"),
        ("q=a%00b", "q"),
    ] {
        let r = app.admin("GET", &format!("/api/v1/search?{q}"), None).await.expect(422);
        assert_eq!(r.body["errors"][0]["field"], field, "{q}");
    }
    // 1 and 200 characters are fine.
    search(&app, "q=a").await;
    search(&app, &format!("q={}", "a".repeat(200))).await;
    // Unauthenticated.
    app.call("GET", "/api/v1/search?q=abc", &[], None).await.expect(401);
}

async fn other_workspaces_are_never_searched(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    seed(&app, crate::harness::ADMIN_KEY).await;
    let (_, other) = app.tenant("Other").await;
    let theirs = |q: String| {
        let app = &app;
        let other = other.clone();
        async move {
            app.as_key(&other, "GET", &format!("/api/v1/search?{q}"), None)
                .await
                .expect(200)
        }
    };
    for q in ["payroll", "evil.example.com", "10.1.2.3", &HASH[10..30], "e"] {
        let r = theirs(format!("q={q}")).await;
        assert_eq!(r.body["items"], json!([]), "{q}");
    }
    // Their own data, with the same words, is theirs alone.
    app.as_key(
        &other,
        "POST",
        "/api/v1/cases",
        Some(json!({"title": "Their payroll case", "description": "evil.example.com"})),
    )
    .await
    .expect(201);
    let r = theirs("q=payroll".to_owned()).await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(r.body["items"][0]["title"], "Their payroll case");
    let mine = search(&app, "q=payroll").await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    assert_eq!(mine["items"][0]["title"], "Phishing wave");
    // A cursor made from our results reveals nothing of ours to them.
    let page = search(&app, "q=e&limit=1").await;
    let c = page["next_cursor"].as_str().unwrap().to_owned();
    let r = theirs(format!("q=e&limit=1&cursor={c}")).await;
    assert!(
        !r.text.contains("Beaconing") && !r.text.contains("Phishing"),
        "{}",
        r.text
    );
}

async fn notes_and_observables_are_found(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let case = app
        .admin("POST", "/api/v1/cases", Some(json!({"title": "Data theft"})))
        .await
        .expect(201)
        .body;
    let note = app
        .admin(
            "POST",
            "/api/v1/cases/1/notes",
            Some(json!({"title": "Exfiltration path", "content": "Archives were sent to exfil.example.net over 443."})),
        )
        .await
        .expect(201)
        .body;
    let obs = app
        .admin(
            "POST",
            "/api/v1/cases/1/observables",
            Some(json!({"type": "domain", "value": "c2.example.org"})),
        )
        .await
        .expect(201)
        .body;

    let r = search(&app, "q=exfil.example").await;
    assert_eq!(kinds(&r), ["note"]);
    let hit = &r["items"][0];
    assert_eq!(hit["id"], note["id"]);
    assert_eq!(hit["number"], note["number"]);
    assert_eq!(hit["title"], "Exfiltration path");
    assert_eq!(
        hit["case"],
        json!({"id": case["id"], "number": 1, "title": "Data theft"})
    );
    assert!(hit["snippet"].as_str().unwrap().contains("exfil.example.net"), "{hit}");

    let r = search(&app, "q=c2.example.org").await;
    assert_eq!(kinds(&r), ["observable"]);
    let hit = &r["items"][0];
    assert_eq!(hit["id"], obs["observable"]["observable_id"]);
    assert_eq!(hit["number"], Value::Null);
    assert_eq!(hit["title"], "c2.example.org");
    assert_eq!(kinds(&search(&app, "q=example&kinds=note").await), ["note"]);
    assert_eq!(kinds(&search(&app, "q=example&kinds=observable").await), ["observable"]);

    // Another workspace finds none of it.
    let (_, other) = app.tenant("Other").await;
    for q in ["exfil.example", "c2.example.org", "example"] {
        let r = app
            .as_key(&other, "GET", &format!("/api/v1/search?q={q}"), None)
            .await
            .expect(200);
        assert_eq!(r.body["items"], json!([]), "{q}");
    }

    // A deleted note is no hit.
    let nid = note["id"].as_str().unwrap();
    app.admin("DELETE", &format!("/api/v1/notes/{nid}"), None)
        .await
        .expect(204);
    assert_eq!(search(&app, "q=exfil.example").await["items"], json!([]));
}
