//! Two servers over one PostgreSQL database behave as one service.

use std::collections::BTreeSet;

use serde_json::json;

use crate::harness::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_share_one_database() {
    let Some(db) = TestDb::fresh(Kind::Postgres, "two replicas").await else {
        return;
    };
    // Started together on an empty database: one migrates and bootstraps, the other waits.
    let (a, b) = tokio::join!(Server::start(&db), Server::start(&db));
    let banners = [&a, &b].iter().filter(|s| s.stdout().contains("First start")).count();
    assert_eq!(banners, 1, "exactly one replica bootstraps");
    let (a, b) = (a.admin(), b.admin());

    // Alternating, one at a time.
    let mut numbers = Vec::new();
    for i in 0..10 {
        let via = if i % 2 == 0 { &a } else { &b };
        let r = via
            .post("/api/v1/cases", json!({"title": format!("alternate {i}")}))
            .await
            .expect(201);
        numbers.push(r.json["number"].as_i64().expect("number"));
    }
    assert_eq!(numbers, (1..=10).collect::<Vec<_>>(), "numbers in creation order");

    // Concurrently through both.
    let mut tasks = Vec::new();
    for (w, api) in [&a, &b, &a, &b].into_iter().enumerate() {
        let api = api.clone();
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            for i in 0..8 {
                let r = api
                    .post("/api/v1/cases", json!({"title": format!("concurrent {w}-{i}")}))
                    .await
                    .expect(201);
                got.push(r.json["number"].as_i64().expect("number"));
            }
            got
        }));
    }
    let mut all: Vec<i64> = numbers.clone();
    for t in tasks {
        all.extend(t.await.expect("task"));
    }
    let distinct: BTreeSet<i64> = all.iter().copied().collect();
    assert_eq!(distinct.len(), all.len(), "a number was handed out twice: {all:?}");
    let n = all.len() as i64;
    assert_eq!(distinct, (1..=n).collect(), "numbers are not 1..={n}");

    for api in [&a, &b] {
        let (cases, total) = api.all_cases().await;
        assert_eq!(total, n);
        assert_eq!(cases.keys().copied().collect::<BTreeSet<_>>(), distinct);
    }

    // An update through one is seen by the other; a stale version there is a conflict.
    let up = a
        .patch("/api/v1/cases/1", json!({"title": "x", "version": 1}))
        .await
        .expect(200);
    assert_eq!(up.json["version"], 2);
    let seen = b.get("/api/v1/cases/1").await.expect(200);
    assert_eq!(seen.json["title"], "x");
    assert_eq!(seen.json["version"], 2);
    let stale = b
        .patch("/api/v1/cases/1", json!({"title": "y", "version": 1}))
        .await
        .expect(409);
    assert_eq!(stale.json["code"], "conflict", "{}", stale.text);
    assert_eq!(a.get("/api/v1/cases/1").await.expect(200).json["title"], "x");
    say(format!("replicas: {n} cases through two servers, numbers 1..={n}"));
}
