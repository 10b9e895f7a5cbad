//! Process-level harness: fresh databases, the real `dossier` binary as a child process, a
//! small HTTP/1.1 client over TCP and a TCP proxy for cutting the database connection.
//!
//! Every child process is killed when its handle drops, every database is removed when its
//! guard drops, and every wait is bounded.

use std::{
    collections::BTreeMap,
    io::{BufRead as _, BufReader, Read, Write as _},
    net::SocketAddr,
    path::PathBuf,
    process::{Child, Command, ExitStatus, Stdio},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use dossier_testkit::PgDatabase;
use serde_json::Value;
use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::{TcpListener, TcpStream},
    task::JoinHandle,
};
use uuid::Uuid;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_dossier");
pub const ADMIN_KEY: &str = "dsk_bt_admin_key_0123456789abcdef0123456789abcdef0123456789abcdef";
pub const ADMIN_PASSWORD: &str = "admin-password-bt-1";

/// How long a server may take from spawn to "listening" (debug build, first migration).
pub const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long one HTTP exchange may take.
pub const HTTP_TIMEOUT: Duration = Duration::from_secs(40);
/// How long a CLI command may take.
pub const CLI_TIMEOUT: Duration = Duration::from_secs(120);

/// Writes a note that the test harness does not capture.
pub fn say(msg: impl AsRef<str>) {
    let _ = writeln!(std::io::stderr(), "{}", msg.as_ref());
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// Splits `scheme://[userinfo@]host[:port][/db][?query]` into (scheme://userinfo@, host:port,
/// rest after the authority).
fn split_url(url: &str) -> (&str, &str, &str) {
    let scheme_end = url.find("://").map(|i| i + 3).unwrap_or(0);
    let after = &url[scheme_end..];
    let auth_end = after.find(['/', '?']).unwrap_or(after.len());
    let authority = &after[..auth_end];
    let at = authority.rfind('@').map(|i| i + 1).unwrap_or(0);
    (&url[..scheme_end + at], &authority[at..], &after[auth_end..])
}

/// `postgres://u@h:p/db?x` with `host:port` replaced.
pub fn pg_with_host(url: &str, host_port: &str) -> String {
    let (head, _, rest) = split_url(url);
    format!("{head}{host_port}{rest}")
}

/// `host:port` of a PostgreSQL URL (port 5432 when absent).
pub fn pg_host_port(url: &str) -> String {
    let (_, host, _) = split_url(url);
    let host = if host.is_empty() { "localhost" } else { host };
    if host.rsplit_once(':').is_some_and(|(_, p)| p.parse::<u16>().is_ok()) {
        host.to_owned()
    } else {
        format!("{host}:5432")
    }
}

/// A fresh database (and a scratch directory) for one test; removed on drop.
pub struct TestDb {
    /// Scratch directory of the test; the SQLite data lives in `dir/data`.
    pub dir: PathBuf,
    /// The PostgreSQL URL of the test's database.
    pub pg_url: Option<String>,
    /// The PostgreSQL database, dropped by `dossier-testkit`.
    _pg: Option<PgDatabase>,
}

impl TestDb {
    /// `None` when the backend is PostgreSQL and no server is configured (outside CI; under
    /// `CI=true` that fails the test).
    pub async fn fresh(kind: Kind, test: &str) -> Option<TestDb> {
        let dir = std::env::temp_dir().join(format!("dossier-bt-{}", Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).expect("create scratch directory");
        let pg = match kind {
            Kind::Sqlite => None,
            Kind::Postgres => match PgDatabase::create(test).await {
                Some(pg) => Some(pg),
                None => {
                    let _ = std::fs::remove_dir_all(&dir);
                    return None;
                }
            },
        };
        Some(TestDb {
            dir,
            pg_url: pg.as_ref().map(|p| p.url.clone()),
            _pg: pg,
        })
    }

    /// The flags that point `dossier` at this database.
    pub fn args(&self) -> Vec<String> {
        match &self.pg_url {
            Some(url) => vec!["--database-url".into(), url.clone()],
            None => vec!["--data-dir".into(), self.dir.join("data").display().to_string()],
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Declares a `sqlite` and a `postgres` test for each async fn taking a `Kind`.
#[macro_export]
macro_rules! both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::harness::Kind::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::harness::Kind::Postgres).await
            }
        }
    )*};
}

// ---------------------------------------------------------------------------------------------
// Child processes

/// A running `dossier` process with its output collected; killed (SIGKILL) on drop.
pub struct Proc {
    child: Option<Child>,
    pub pid: u32,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    readers: Vec<std::thread::JoinHandle<()>>,
    status: Option<ExitStatus>,
}

fn collect(mut from: impl Read + Send + 'static, into: Arc<Mutex<String>>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut r = BufReader::new(&mut from);
        let mut line = Vec::new();
        loop {
            line.clear();
            match r.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let s = String::from_utf8_lossy(&line);
                    if let Ok(mut buf) = into.lock() {
                        buf.push_str(&s);
                    }
                }
            }
        }
    })
}

impl Proc {
    /// Spawns `dossier ARGS` with a clean `DOSSIER_*` environment plus `envs`; `stdin` is
    /// written and closed (or stdin is empty).
    pub fn spawn(args: &[String], envs: &[(&str, &str)], stdin: Option<&str>) -> Proc {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env_remove("RUST_LOG")
            .env("NO_COLOR", "1");
        for (k, _) in std::env::vars_os() {
            if k.to_string_lossy().starts_with("DOSSIER_") {
                cmd.env_remove(k);
            }
        }
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn the dossier binary");
        // Standard input is written at once and closed (dropping the handle closes it).
        if let (Some(mut input), Some(text)) = (child.stdin.take(), stdin) {
            let _ = input.write_all(text.as_bytes());
        }
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut readers = Vec::new();
        if let Some(o) = child.stdout.take() {
            readers.push(collect(o, Arc::clone(&stdout)));
        }
        if let Some(e) = child.stderr.take() {
            readers.push(collect(e, Arc::clone(&stderr)));
        }
        Proc {
            pid: child.id(),
            child: Some(child),
            stdout,
            stderr,
            readers,
            status: None,
        }
    }

    pub fn stdout(&self) -> String {
        self.stdout.lock().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// The exit status, if the process has ended.
    pub fn try_status(&mut self) -> Option<ExitStatus> {
        if self.status.is_none()
            && let Some(c) = self.child.as_mut()
            && let Ok(Some(s)) = c.try_wait()
        {
            self.status = Some(s);
        }
        self.status
    }

    /// Waits up to `limit` for the process to end; then its output is complete.
    pub async fn wait_timeout(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(s) = self.try_status() {
                self.join_readers(deadline).await;
                return Some(s);
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn join_readers(&mut self, deadline: Instant) {
        // The pipes close when the process ends; give the reader threads a moment.
        while self.readers.iter().any(|r| !r.is_finished()) && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        for r in self.readers.drain(..).filter(|r| r.is_finished()) {
            let _ = r.join();
        }
    }

    /// SIGKILL (what `Child::kill` sends on Unix) and reap.
    pub async fn kill(&mut self) {
        if let Some(c) = self.child.as_mut() {
            let _ = c.kill();
        }
        let _ = self.wait_timeout(Duration::from_secs(10)).await;
    }

    /// Sends SIGTERM through `kill -TERM`.
    pub fn terminate(&self) {
        let ok = Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status()
            .expect("run kill -TERM")
            .success();
        assert!(ok, "kill -TERM {} failed", self.pid);
    }

    /// Output for failure messages.
    pub fn dump(&self) -> String {
        format!(
            "--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout(),
            tail(&self.stderr(), 6000)
        )
    }
}

fn tail(s: &str, n: usize) -> &str {
    if s.len() <= n {
        return s;
    }
    let mut i = s.len() - n;
    while !s.is_char_boundary(i) {
        i += 1;
    }
    &s[i..]
}

impl Drop for Proc {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            if self.status.is_none() {
                let _ = c.kill();
            }
            let _ = c.wait();
        }
    }
}

/// Output of a finished CLI command.
#[derive(Debug)]
pub struct CliOut {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl CliOut {
    #[track_caller]
    pub fn ok(self) -> CliOut {
        assert_eq!(
            self.code,
            Some(0),
            "command failed\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

/// Runs `dossier ARGS` to completion (bounded by [`CLI_TIMEOUT`]).
pub async fn cli(args: &[String], envs: &[(&str, &str)], stdin: Option<&str>) -> CliOut {
    let mut p = Proc::spawn(args, envs, stdin);
    let status = p.wait_timeout(CLI_TIMEOUT).await;
    assert!(
        status.is_some(),
        "dossier {args:?} did not finish within {CLI_TIMEOUT:?}\n{}",
        p.dump()
    );
    CliOut {
        code: status.and_then(|s| s.code()),
        stdout: p.stdout(),
        stderr: p.stderr(),
    }
}

/// Environment that makes the first start's credentials known.
pub const BOOT_ENV: &[(&str, &str)] = &[
    ("DOSSIER_BOOTSTRAP_API_KEY", ADMIN_KEY),
    ("DOSSIER_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD),
];

/// `dossier serve` on an ephemeral port, up and listening.
pub struct Server {
    pub proc: Proc,
    pub addr: SocketAddr,
}

impl Server {
    /// Starts on `db` with the known bootstrap credentials.
    pub async fn start(db: &TestDb) -> Server {
        Self::start_with(&db.args(), BOOT_ENV).await
    }

    /// Starts with these database flags and environment; panics (with the output) when the
    /// process exits or does not listen within [`START_TIMEOUT`].
    pub async fn start_with(db_args: &[String], envs: &[(&str, &str)]) -> Server {
        let mut args: Vec<String> = vec!["serve".into(), "--listen".into(), "127.0.0.1:0".into()];
        args.extend_from_slice(db_args);
        let mut proc = Proc::spawn(&args, envs, None);
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let out = proc.stdout();
            if let Some(addr) = out.lines().find_map(|l| l.strip_prefix("dossier listening on http://")) {
                let addr: SocketAddr = addr.trim().parse().expect("listening address");
                return Server { proc, addr };
            }
            if let Some(status) = proc.try_status() {
                let _ = proc.wait_timeout(Duration::from_secs(5)).await;
                panic!("dossier serve exited with {status} before listening\n{}", proc.dump());
            }
            if Instant::now() >= deadline {
                panic!("dossier serve did not listen within {START_TIMEOUT:?}\n{}", proc.dump());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// A client with the bootstrap admin key.
    pub fn admin(&self) -> Api {
        self.api(ADMIN_KEY)
    }

    pub fn api(&self, key: &str) -> Api {
        Api {
            addr: self.addr,
            key: key.to_owned(),
            workspace: None,
        }
    }

    pub fn stdout(&self) -> String {
        self.proc.stdout()
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP

#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub text: String,
    pub json: Value,
}

impl Resp {
    /// Fails the test with the body when the status is not the expected one.
    #[track_caller]
    pub fn expect(self, status: u16) -> Resp {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.text);
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn io_err(msg: impl Into<String>) -> std::io::Error {
    std::io::Error::other(msg.into())
}

/// One HTTP/1.1 exchange on a fresh connection (`Connection: close`), bounded by `limit`.
pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
    limit: Duration,
) -> std::io::Result<Resp> {
    match tokio::time::timeout(limit, exchange(addr, method, path, headers, body)).await {
        Ok(r) => r,
        Err(_) => Err(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!("{method} {path}: no complete response within {limit:?}"),
        )),
    }
}

async fn exchange(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> std::io::Result<Resp> {
    let mut s = TcpStream::connect(addr).await?;
    let body = body.unwrap_or("");
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || matches!(method, "POST" | "PUT" | "PATCH") {
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
            req.push_str("Content-Type: application/json\r\n");
        }
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).await?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await?;
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> std::io::Result<Resp> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| io_err(format!("incomplete response ({} bytes)", raw.len())))?;
    let head = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| io_err(format!("bad status line {status_line:?}")))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let header = |n: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(_, v)| v.clone())
    };
    if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        body = dechunk(&body)?;
    } else if let Some(len) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        if body.len() < len {
            return Err(io_err(format!("truncated body: {} of {len} bytes", body.len())));
        }
        body.truncate(len);
    }
    let text = String::from_utf8_lossy(&body).into_owned();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Ok(Resp {
        status,
        headers,
        text,
        json,
    })
}

fn dechunk(mut b: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let nl = b
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or_else(|| io_err("truncated chunked body"))?;
        let size_text = String::from_utf8_lossy(&b[..nl]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| io_err(format!("bad chunk size {size_text:?}")))?;
        b = &b[nl + 2..];
        if size == 0 {
            return Ok(out);
        }
        if b.len() < size + 2 {
            return Err(io_err("truncated chunk"));
        }
        out.extend_from_slice(&b[..size]);
        b = &b[size + 2..];
    }
}

/// A client of the native API with one credential.
#[derive(Debug, Clone)]
pub struct Api {
    pub addr: SocketAddr,
    pub key: String,
    /// Sent as `X-Dossier-Workspace` when set.
    pub workspace: Option<String>,
}

impl Api {
    pub fn in_workspace(&self, ws: &str) -> Api {
        Api {
            workspace: Some(ws.to_owned()),
            ..self.clone()
        }
    }

    /// The request; transport errors are returned.
    pub async fn try_call(&self, method: &str, path: &str, body: Option<&Value>) -> std::io::Result<Resp> {
        let auth = format!("Bearer {}", self.key);
        let mut h: Vec<(&str, &str)> = vec![("Authorization", &auth)];
        if let Some(ws) = &self.workspace {
            h.push(("X-Dossier-Workspace", ws));
        }
        let text = body.map(Value::to_string);
        http(self.addr, method, path, &h, text.as_deref(), HTTP_TIMEOUT).await
    }

    /// The request; a transport error fails the test.
    pub async fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Resp {
        match self.try_call(method, path, body).await {
            Ok(r) => r,
            Err(e) => panic!("{method} {path} on {}: {e}", self.addr),
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.call("GET", path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.call("POST", path, Some(&body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Resp {
        self.call("PATCH", path, Some(&body)).await
    }

    /// Every case visible in the workspace: number → title, following cursors; and the
    /// `total` the first page reported.
    pub async fn all_cases(&self) -> (BTreeMap<i64, String>, i64) {
        let mut out = BTreeMap::new();
        let mut total = None;
        let mut cursor: Option<String> = None;
        for _ in 0..10_000 {
            let path = match &cursor {
                None => "/api/v1/cases?limit=200&count=true".to_owned(),
                Some(c) => format!("/api/v1/cases?limit=200&count=true&cursor={c}"),
            };
            let page = self.get(&path).await.expect(200).json;
            if total.is_none() {
                total = page["total"].as_i64();
            }
            for item in page["items"].as_array().expect("items") {
                let n = item["number"].as_i64().expect("number");
                let title = item["title"].as_str().unwrap_or_default().to_owned();
                assert!(out.insert(n, title).is_none(), "case number {n} listed twice");
            }
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        (out, total.expect("total"))
    }
}

// ---------------------------------------------------------------------------------------------
// Write load

/// What a write-load worker saw.
#[derive(Debug, Default)]
pub struct LoadReport {
    /// Acknowledged creates (201): number → title.
    pub acked: BTreeMap<i64, String>,
    /// Responses other than 201, with the time they arrived.
    pub bad_status: Vec<(Instant, u16, String)>,
    /// Transport errors, with the time they happened.
    pub transport: Vec<(Instant, String)>,
}

/// Concurrent `POST /api/v1/cases` streams, each on fresh connections, until stopped or
/// until the first transport error of each worker.
pub struct Load {
    stop: Arc<AtomicBool>,
    workers: Vec<JoinHandle<LoadReport>>,
}

impl Load {
    pub fn start(api: &Api, workers: usize, prefix: &str) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let workers = (0..workers)
            .map(|w| {
                let api = api.clone();
                let stop = Arc::clone(&stop);
                let prefix = format!("{prefix}-{w}");
                tokio::spawn(async move {
                    let mut rep = LoadReport::default();
                    let mut i = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        i += 1;
                        let title = format!("{prefix}-{i}");
                        let body = serde_json::json!({ "title": title });
                        match api.try_call("POST", "/api/v1/cases", Some(&body)).await {
                            Ok(r) if r.status == 201 => {
                                let n = r.json["number"].as_i64().expect("number in 201");
                                let returned = r.json["title"].as_str().unwrap_or_default();
                                assert_eq!(returned, title, "201 body is another case");
                                assert!(rep.acked.insert(n, title).is_none(), "number {n} acknowledged twice");
                            }
                            Ok(r) => rep.bad_status.push((Instant::now(), r.status, r.text)),
                            Err(e) => {
                                rep.transport.push((Instant::now(), e.to_string()));
                                break;
                            }
                        }
                    }
                    rep
                })
            })
            .collect();
        Load { stop, workers }
    }

    /// Stops the workers and merges their reports (bounded: a request times out).
    pub async fn finish(self) -> LoadReport {
        self.stop.store(true, Ordering::Relaxed);
        let mut all = LoadReport::default();
        for w in self.workers {
            let rep = tokio::time::timeout(HTTP_TIMEOUT + Duration::from_secs(5), w)
                .await
                .expect("load worker did not stop")
                .expect("load worker panicked");
            for (n, t) in rep.acked {
                assert!(all.acked.insert(n, t).is_none(), "number {n} acknowledged twice");
            }
            all.bad_status.extend(rep.bad_status);
            all.transport.extend(rep.transport);
        }
        all
    }
}

// ---------------------------------------------------------------------------------------------
// TCP proxy

/// A TCP proxy in front of the database; `stop` closes the listener and every live
/// connection, `start_again` listens on the same port.
pub struct Proxy {
    pub port: u16,
    upstream: String,
    accept: Option<JoinHandle<()>>,
    conns: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    pub async fn start(upstream: &str) -> Proxy {
        let mut p = Proxy {
            port: 0,
            upstream: upstream.to_owned(),
            accept: None,
            conns: Arc::new(Mutex::new(Vec::new())),
        };
        p.listen().await;
        p
    }

    async fn listen(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let listener = loop {
            match TcpListener::bind(("127.0.0.1", self.port)).await {
                Ok(l) => break l,
                Err(e) if Instant::now() < deadline => {
                    say(format!("proxy: cannot bind port {} yet: {e}", self.port));
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("proxy: cannot bind port {}: {e}", self.port),
            }
        };
        self.port = listener.local_addr().expect("proxy address").port();
        let upstream = self.upstream.clone();
        let conns = Arc::clone(&self.conns);
        self.accept = Some(tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    continue;
                };
                let upstream = upstream.clone();
                let h = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                if let Ok(mut c) = conns.lock() {
                    c.retain(|h| !h.is_finished());
                    c.push(h);
                }
            }
        }));
    }

    /// Closes the listener and kills every live connection.
    pub async fn stop(&mut self) {
        if let Some(a) = self.accept.take() {
            a.abort();
            let _ = a.await;
        }
        let conns: Vec<JoinHandle<()>> = self.conns.lock().map(|mut c| c.drain(..).collect()).unwrap_or_default();
        for c in &conns {
            c.abort();
        }
        for c in conns {
            let _ = c.await;
        }
    }

    pub async fn start_again(&mut self) {
        self.listen().await;
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(a) = self.accept.take() {
            a.abort();
        }
        if let Ok(c) = self.conns.lock() {
            for h in c.iter() {
                h.abort();
            }
        }
    }
}
