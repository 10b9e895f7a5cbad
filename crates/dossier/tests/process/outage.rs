//! PostgreSQL lost at run time and back: 503 (never 500) while it is gone, and recovery
//! without a restart. A TCP proxy in the test stands between the server and PostgreSQL.

use std::{
    collections::BTreeMap,
    time::{Duration, Instant},
};

use serde_json::json;

use crate::harness::*;

/// One round of probes: (readyz, list, create) statuses; transport errors fail the test.
async fn probe(server: &Server, api: &Api, seen: &mut BTreeMap<(&'static str, u16), usize>) -> (u16, u16, u16) {
    // Concurrently: each may wait for the pool's acquire timeout.
    let (ready, list, create) = tokio::join!(
        http(server.addr, "GET", "/readyz", &[], None, HTTP_TIMEOUT),
        api.get("/api/v1/cases?limit=5"),
        api.post("/api/v1/cases", json!({"title": "during the outage"})),
    );
    let ready = ready.expect("GET /readyz").status;
    for (what, r) in [("list", &list), ("create", &create)] {
        assert_ne!(
            r.status, 500,
            "{what} answered 500 during a database outage: {}",
            r.text
        );
        if r.status == 503 {
            assert_eq!(r.json["code"], "unavailable", "{what}: {}", r.text);
            assert!(r.header("retry-after").is_some(), "{what}: 503 without Retry-After");
        }
    }
    *seen.entry(("readyz", ready)).or_default() += 1;
    *seen.entry(("list", list.status)).or_default() += 1;
    *seen.entry(("create", create.status)).or_default() += 1;
    (ready, list.status, create.status)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_lost_and_recovered() {
    let Some(db) = TestDb::fresh(Kind::Postgres, "database outage").await else {
        return;
    };
    let url = db.pg_url.clone().expect("pg url");
    let mut proxy = Proxy::start(&pg_host_port(&url)).await;
    let via_proxy = pg_with_host(&url, &format!("127.0.0.1:{}", proxy.port));
    let server = Server::start_with(&["--database-url".into(), via_proxy], BOOT_ENV).await;
    let api = server.admin();
    http(server.addr, "GET", "/readyz", &[], None, HTTP_TIMEOUT)
        .await
        .expect("readyz")
        .expect(200);
    api.post("/api/v1/cases", json!({"title": "before the outage"}))
        .await
        .expect(201);
    api.get("/api/v1/cases").await.expect(200);

    // Writes keep coming across the outage, so that some are in flight at the cut.
    let load = Load::start(&api, 4, "outage");
    tokio::time::sleep(Duration::from_millis(500)).await;

    // The database goes away.
    proxy.stop().await;
    let lost = Instant::now();
    let mut seen = BTreeMap::new();
    loop {
        let r = probe(&server, &api, &mut seen).await;
        if r == (503, 503, 503) {
            break;
        }
        assert!(
            lost.elapsed() < Duration::from_secs(60),
            "still not 503 everywhere {:?} after the database went away: {seen:?}",
            lost.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let detected = lost.elapsed();
    // And stays 503 (not 500) on a second round.
    assert_eq!(probe(&server, &api, &mut seen).await, (503, 503, 503), "{seen:?}");
    server.admin().get("/healthz").await.expect(200);

    // It comes back on the same address.
    proxy.start_again().await;
    let back = Instant::now();
    loop {
        let r = probe(&server, &api, &mut seen).await;
        if r == (200, 200, 201) {
            break;
        }
        assert!(
            back.elapsed() < Duration::from_secs(60),
            "not recovered {:?} after the database came back: {seen:?}",
            back.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let recovered = back.elapsed();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rep = load.finish().await;
    let transport: Vec<&String> = rep.transport.iter().map(|(_, e)| e).collect();
    assert!(transport.is_empty(), "transport errors: {transport:?}");
    let unexpected: Vec<(u16, &String)> = rep
        .bad_status
        .iter()
        .filter(|(_, s, _)| *s != 503)
        .map(|(_, s, t)| (*s, t))
        .collect();
    assert!(
        unexpected.is_empty(),
        "creates across the outage answered: {unexpected:?}"
    );
    let (cases, total) = api.all_cases().await;
    assert!(cases.values().any(|t| t == "before the outage"));
    assert_eq!(total, cases.len() as i64);
    let lost: Vec<&i64> = rep
        .acked
        .iter()
        .filter(|(n, t)| cases.get(n) != Some(t))
        .map(|(n, _)| n)
        .collect();
    assert!(lost.is_empty(), "acknowledged creates missing: {lost:?}");
    let stderr = server.proc.stderr();
    assert!(!stderr.contains("panicked"), "{stderr}");
    say(format!(
        "outage: 503 everywhere {:.1} s after the cut, recovered {:.1} s after it came back; probes {seen:?}; \
         load: {} created, {} refused with 503",
        detected.as_secs_f64(),
        recovered.as_secs_f64(),
        rep.acked.len(),
        rep.bad_status.len()
    ));
}
