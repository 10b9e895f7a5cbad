//! No acknowledged write is lost: not when the process is SIGKILLed under load, not when it
//! is asked to stop (SIGTERM) while requests are in flight.

use std::time::{Duration, Instant};

use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::TcpStream,
};

use crate::{both, harness::*};

const WORKERS: usize = 8;

/// Every response was a 201, and no transport error happened before `cut`.
fn check_load(rep: &LoadReport, cut: Instant) {
    assert!(
        rep.bad_status.is_empty(),
        "creates answered with an error status: {:?}",
        rep.bad_status.iter().map(|(_, s, t)| (s, t)).collect::<Vec<_>>()
    );
    let early: Vec<&String> = rep.transport.iter().filter(|(t, _)| *t < cut).map(|(_, e)| e).collect();
    assert!(
        early.is_empty(),
        "transport errors before the process was stopped: {early:?}"
    );
    assert!(
        rep.acked.len() >= 20,
        "only {} creates were acknowledged; the test means nothing",
        rep.acked.len()
    );
}

/// After a restart: every acknowledged case is there with its title, numbers have no gaps,
/// and nothing beyond the requests in flight at the cut appeared.
async fn check_present(api: &Api, rep: &LoadReport) {
    let (cases, total) = api.all_cases().await;
    let missing: Vec<i64> = rep
        .acked
        .iter()
        .filter(|(n, title)| cases.get(n) != Some(title))
        .map(|(n, _)| *n)
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged cases are missing or changed after restart: {:?}",
        missing.len(),
        rep.acked.len(),
        &missing[..missing.len().min(20)]
    );
    assert_eq!(total, cases.len() as i64, "count=true total vs listed items");
    let expected: Vec<i64> = (1..=total).collect();
    assert_eq!(
        cases.keys().copied().collect::<Vec<_>>(),
        expected,
        "case numbers are not 1..=total"
    );
    assert!(
        cases.len() <= rep.acked.len() + WORKERS,
        "{} cases stored but only {} acknowledged with {WORKERS} in flight",
        cases.len(),
        rep.acked.len()
    );
}

async fn sigkill_loses_no_acknowledged_write(kind: Kind) {
    let Some(db) = TestDb::fresh(kind, "SIGKILL durability").await else {
        return;
    };
    let started = Instant::now();
    let mut server = Server::start(&db).await;
    let api = server.admin();
    api.get("/api/v1/me").await.expect(200);
    let load = Load::start(&api, WORKERS, "kill");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let cut = Instant::now();
    server.proc.kill().await;
    let rep = load.finish().await;
    check_load(&rep, cut);
    drop(server);

    let server = Server::start(&db).await;
    check_present(&server.admin(), &rep).await;
    say(format!(
        "durability {kind:?}: {} creates acknowledged in 2 s before SIGKILL, all present after restart ({:.1} s)",
        rep.acked.len(),
        started.elapsed().as_secs_f64()
    ));
}

/// An idle keep-alive connection that has finished one exchange.
async fn idle_keep_alive(server: &Server) -> TcpStream {
    let mut s = TcpStream::connect(server.addr).await.expect("connect");
    let req = format!("GET /healthz HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr);
    s.write_all(req.as_bytes()).await.expect("write");
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    let deadline = Instant::now() + Duration::from_secs(10);
    // The body is `{"status":"ok"}`.
    while !got.ends_with(b"}") {
        assert!(Instant::now() < deadline, "no keep-alive response");
        let n = tokio::time::timeout(Duration::from_secs(10), s.read(&mut buf))
            .await
            .expect("keep-alive read timed out")
            .expect("keep-alive read");
        assert!(n > 0, "keep-alive connection closed early");
        got.extend_from_slice(&buf[..n]);
    }
    assert!(got.starts_with(b"HTTP/1.1 200"));
    s
}

/// A create whose headers and first half of the body are sent; returns the stream and the
/// rest of the body.
async fn slow_create(server: &Server, title: &str) -> (TcpStream, String) {
    let body = serde_json::json!({ "title": title }).to_string();
    let (first, rest) = body.split_at(body.len() / 2);
    let mut s = TcpStream::connect(server.addr).await.expect("connect");
    let head = format!(
        "POST /api/v1/cases HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {ADMIN_KEY}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{first}",
        server.addr,
        body.len()
    );
    s.write_all(head.as_bytes()).await.expect("write");
    (s, rest.to_owned())
}

async fn sigterm_finishes_in_flight_writes_and_exits_zero(kind: Kind) {
    let Some(db) = TestDb::fresh(kind, "SIGTERM shutdown").await else {
        return;
    };
    let mut server = Server::start(&db).await;
    let api = server.admin();
    api.get("/api/v1/me").await.expect(200);
    // Clients that keep connections open must not hold the shutdown up.
    let _idle = idle_keep_alive(&server).await;
    let _silent = TcpStream::connect(server.addr).await.expect("connect");
    // A request in flight for sure: its body arrives only after the signal.
    let (mut slow, rest) = slow_create(&server, "sent across the shutdown").await;
    let load = Load::start(&api, WORKERS, "term");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let cut = Instant::now();
    server.proc.terminate();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        server.proc.try_status().is_none(),
        "exited with a request in flight\n{}",
        server.proc.dump()
    );
    slow.write_all(rest.as_bytes()).await.expect("finish the slow body");
    let mut answer = Vec::new();
    tokio::time::timeout(HTTP_TIMEOUT, slow.read_to_end(&mut answer))
        .await
        .expect("slow request: no answer")
        .expect("slow request: read");
    let answer = String::from_utf8_lossy(&answer).into_owned();
    assert!(
        answer.starts_with("HTTP/1.1 201"),
        "request in flight at SIGTERM: {answer}"
    );
    let slow_case: serde_json::Value = answer
        .split_once("\r\n\r\n")
        .and_then(|(_, b)| serde_json::from_str(b).ok())
        .unwrap_or_default();
    let slow_number = slow_case["number"].as_i64().expect("number of the slow create");
    let status = server.proc.wait_timeout(Duration::from_secs(20)).await;
    let took = cut.elapsed();
    let mut rep = load.finish().await;
    let Some(status) = status else {
        panic!("no exit within 20 s of SIGTERM\n{}", server.proc.dump());
    };
    assert!(
        status.success(),
        "exit status after SIGTERM: {status}\n{}",
        server.proc.dump()
    );
    assert!(
        took < Duration::from_secs(10),
        "shutdown took {took:?}\n{}",
        server.proc.dump()
    );
    check_load(&rep, cut);
    rep.acked.insert(slow_number, "sent across the shutdown".into());
    drop(server);

    let server = Server::start(&db).await;
    check_present(&server.admin(), &rep).await;
    say(format!(
        "shutdown {kind:?}: exit 0 {:.2} s after SIGTERM; {} acknowledged creates all present",
        took.as_secs_f64(),
        rep.acked.len()
    ));
}

both!(
    sigkill_loses_no_acknowledged_write,
    sigterm_finishes_in_flight_writes_and_exits_zero
);

/// A client that sent only part of a request head cannot hold a SIGTERM shutdown up beyond
/// the server's grace period (10 s).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_with_a_half_sent_request_head() {
    let Some(db) = TestDb::fresh(Kind::Sqlite, "SIGTERM with a stalled client").await else {
        return;
    };
    let mut server = Server::start(&db).await;
    let mut stalled = TcpStream::connect(server.addr).await.expect("connect");
    stalled
        .write_all(b"POST /api/v1/cases HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    tokio::time::sleep(Duration::from_millis(200)).await;
    server.proc.terminate();
    let status = server.proc.wait_timeout(Duration::from_secs(20)).await;
    assert!(
        status.is_some(),
        "still running 20 s after SIGTERM because one client stalled mid-request-head"
    );
    drop(stalled);
}
