//! Evidence: streamed uploads into the content-addressed blob store, downloads, metadata-only
//! records, size limits, cut-off uploads, path-like file names, blob collection, isolation.

use std::path::{Path, PathBuf};

use axum::{
    body::{Body, Bytes},
    http::{HeaderMap, Request, StatusCode},
};
use dossier_core::{Backend, CoreConfig};
use http_body_util::BodyExt as _;
use serde_json::{Value, json};
use tower::ServiceExt as _;

use crate::{
    both,
    harness::{ADMIN_KEY, TestApp},
};

both!(
    upload_and_download,
    same_bytes_are_stored_once_and_collected,
    path_like_file_names_are_neutralised,
    upload_over_the_limit_is_refused,
    cut_off_uploads_leave_nothing,
    bad_uploads_are_refused,
    metadata_only_records,
    read_only_members_cannot_upload,
    deleting_a_case_or_evidence_takes_what_hangs_on_it,
    other_workspaces_cannot_reach_evidence
);

const BOUNDARY: &str = "dossier-test-boundary-7f3a";

/// Deterministic test bytes.
fn data(n: usize, seed: u8) -> Vec<u8> {
    (0..n)
        .map(|i| ((i % 251) as u8) ^ ((i / 251) % 256) as u8 ^ seed)
        .collect()
}
const BIG: usize = 3 * 1024 * 1024 + 17;
const BIG_SHA: &str = "c3bce643c65544bafe5b697d3fce1f800d256533bb700eebb0683644b6df2f13";
const SMALL: usize = 200_000;
const SMALL_SHA: &str = "cc8078dfb12a94f13cd2c19b14fb34fe4e69deeb991578d3d465784630e35d88";
const MIB_SHA: &str = "87dbd3b5ad46f6cbf6eb93481a3fd956bfd13288c4ab53f696145f2c5a86a311";

/// One part of a multipart body: a file part when `filename` is set.
struct Part<'a> {
    name: &'a str,
    filename: Option<&'a str>,
    data: &'a [u8],
}

fn text<'a>(name: &'a str, v: &'a str) -> Part<'a> {
    Part {
        name,
        filename: None,
        data: v.as_bytes(),
    }
}

fn file<'a>(filename: &'a str, data: &'a [u8]) -> Part<'a> {
    Part {
        name: "file",
        filename: Some(filename),
        data,
    }
}

fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        out.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match p.filename {
            Some(f) => out.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{}\"; filename=\"{f}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n",
                    p.name
                )
                .as_bytes(),
            ),
            None => {
                out.extend_from_slice(format!("Content-Disposition: form-data; name=\"{}\"\r\n\r\n", p.name).as_bytes())
            }
        }
        out.extend_from_slice(p.data);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

struct Raw {
    status: StatusCode,
    headers: HeaderMap,
    bytes: Bytes,
}

impl Raw {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
    #[track_caller]
    fn expect(self, status: u16) -> Raw {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            String::from_utf8_lossy(&self.bytes)
        );
        self
    }
}

async fn send(app: &TestApp, req: Request<Body>) -> Raw {
    let res = app.router.clone().oneshot(req).await.expect("infallible");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    assert!(
        status.as_u16() < 500,
        "server error {status}: {}",
        String::from_utf8_lossy(&bytes)
    );
    Raw { status, headers, bytes }
}

fn request(method: &str, path: &str, key: &str, content_type: Option<&str>, body: Body) -> Request<Body> {
    let mut r = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {key}"));
    if let Some(ct) = content_type {
        r = r.header("content-type", ct);
    }
    r.body(body).expect("request")
}

fn form_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

async fn upload(app: &TestApp, key: &str, case: &str, parts: &[Part<'_>]) -> Raw {
    let body = multipart(parts);
    let ct = form_type();
    send(
        app,
        request(
            "POST",
            &format!("/api/v1/cases/{case}/evidence"),
            key,
            Some(&ct),
            Body::from(body),
        ),
    )
    .await
}

async fn download(app: &TestApp, key: &str, id: &str) -> Raw {
    send(
        app,
        request(
            "GET",
            &format!("/api/v1/evidence/{id}/download"),
            key,
            None,
            Body::empty(),
        ),
    )
    .await
}

/// Every regular file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn blob_dir(app: &TestApp) -> PathBuf {
    app.files.0.join("blobs")
}

/// Stored blobs (not temporary files).
fn stored(app: &TestApp) -> Vec<PathBuf> {
    let tmp = blob_dir(app).join("tmp");
    files_under(&blob_dir(app))
        .into_iter()
        .filter(|p| !p.starts_with(&tmp))
        .collect()
}

fn temporary(app: &TestApp) -> Vec<PathBuf> {
    files_under(&blob_dir(app).join("tmp"))
}

async fn case(app: &TestApp, key: &str, title: &str) -> String {
    let r = app
        .as_key(key, "POST", "/api/v1/cases", Some(json!({"title": title})))
        .await
        .expect(201);
    r.body["id"].as_str().unwrap().to_owned()
}

async fn upload_and_download(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let case_id = case(&app, ADMIN_KEY, "Ransomware on FS01").await;
    let bytes = data(BIG, 0);
    let r = upload(
        &app,
        ADMIN_KEY,
        "1",
        &[
            text("description", "Disk image of FS01"),
            text("type_id", "2"),
            text("acquired_at", "2026-01-02T03:04:05Z"),
            text("chain_of_custody", r#"[{"by": "alice", "action": "acquired"}]"#),
            file("fs01 disk ü.dd", &bytes),
            text("custom", r#"{"lab": "L1"}"#),
        ],
    )
    .await
    .expect(201);
    let v = r.json();
    assert_eq!(v["number"], 1);
    assert_eq!(v["case"]["id"], case_id.as_str());
    assert_eq!(v["case"]["number"], 1);
    assert_eq!(v["filename"], "fs01 disk ü.dd");
    assert_eq!(v["size"], BIG as u64);
    assert_eq!(v["sha256"], BIG_SHA);
    assert_eq!(v["hash"], BIG_SHA);
    assert_eq!(v["has_file"], true);
    assert_eq!(v["description"], "Disk image of FS01");
    assert_eq!(v["type"]["id"], 2);
    assert!(v["type"]["name"].is_string());
    assert_eq!(v["acquired_at"], "2026-01-02T03:04:05.000000Z");
    assert_eq!(v["chain_of_custody"], json!([{"by": "alice", "action": "acquired"}]));
    assert_eq!(v["custom"], json!({"lab": "L1"}));
    assert_eq!(v["created_by"]["login"], "admin");
    assert_eq!(v["version"], 1);
    let id = v["id"].as_str().unwrap().to_owned();

    // By number and by id, and in the case's list.
    let by_num = app.admin("GET", "/api/v1/evidence/1", None).await.expect(200);
    let by_id = app
        .admin("GET", &format!("/api/v1/evidence/{id}"), None)
        .await
        .expect(200);
    assert_eq!(by_num.body, by_id.body);
    assert_eq!(by_id.body, v);
    let list = app.admin("GET", "/api/v1/cases/1/evidence", None).await.expect(200);
    assert_eq!(list.body["items"][0]["id"], id.as_str());

    // The bytes come back identical, with the name.
    let d = download(&app, ADMIN_KEY, &id).await.expect(200);
    assert_eq!(d.bytes.len(), BIG);
    assert!(d.bytes.as_ref() == bytes.as_slice(), "downloaded bytes differ");
    assert_eq!(d.headers["content-type"], "application/octet-stream");
    assert_eq!(d.headers["content-length"], BIG.to_string().as_str());
    assert_eq!(
        d.headers["content-disposition"],
        "attachment; filename=\"fs01 disk _.dd\"; filename*=UTF-8''fs01%20disk%20%C3%BC.dd"
    );
    let by_number = download(&app, ADMIN_KEY, "1").await.expect(200);
    assert_eq!(by_number.bytes.len(), BIG);

    // One blob, at its content address; no temporary file left.
    let on_disk = stored(&app);
    assert_eq!(on_disk.len(), 1, "{on_disk:?}");
    assert!(on_disk[0].ends_with(format!("{}/{}/{BIG_SHA}", &BIG_SHA[0..2], &BIG_SHA[2..4])));
    assert!(temporary(&app).is_empty());

    // The audit trail of the case records it.
    let act = app.admin("GET", "/api/v1/cases/1/activity", None).await.expect(200);
    assert!(
        act.text.contains("evidence #1 (file fs01 disk ü.dd) added to case #1"),
        "{}",
        act.text
    );

    // Metadata of an upload can change; its size and hash cannot.
    let u = app
        .admin(
            "PATCH",
            &format!("/api/v1/evidence/{id}"),
            Some(json!({"description": "FS01 image", "filename": "../fs01.dd", "version": 1})),
        )
        .await
        .expect(200);
    assert_eq!(u.body["filename"], "fs01.dd");
    assert_eq!(u.body["version"], 2);
    let e = app
        .admin("PATCH", &format!("/api/v1/evidence/{id}"), Some(json!({"size": 5})))
        .await
        .expect(422);
    assert_eq!(e.body["errors"][0]["field"], "size");
    assert_eq!(e.body["errors"][0]["code"], "read_only");
}

async fn same_bytes_are_stored_once_and_collected(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    case(&app, ADMIN_KEY, "One").await;
    case(&app, ADMIN_KEY, "Two").await;
    let bytes = data(SMALL, 1);
    let e1 = upload(&app, ADMIN_KEY, "1", &[file("a.bin", &bytes)]).await.expect(201);
    let e2 = upload(&app, ADMIN_KEY, "2", &[file("b.bin", &bytes)]).await.expect(201);
    assert_eq!(e1.json()["sha256"], SMALL_SHA);
    assert_eq!(e2.json()["sha256"], SMALL_SHA);
    assert_eq!(stored(&app).len(), 1, "the same bytes are stored once");
    assert!(temporary(&app).is_empty(), "the duplicate temporary file is gone");

    // Another workspace uploads the same bytes: its own blob row, the same file.
    let (_, other) = app.tenant("Other").await;
    case(&app, &other, "Theirs").await;
    let e3 = upload(&app, &other, "1", &[file("c.bin", &bytes)]).await.expect(201);
    assert_eq!(e3.json()["sha256"], SMALL_SHA);
    assert_eq!(stored(&app).len(), 1);

    // Deleting one record keeps the file while others use it.
    app.admin("DELETE", "/api/v1/evidence/1", None).await.expect(204);
    assert_eq!(stored(&app).len(), 1);
    download(&app, ADMIN_KEY, "2").await.expect(200);
    // The default workspace's last record goes; the other workspace still has the bytes.
    app.admin("DELETE", "/api/v1/evidence/2", None).await.expect(204);
    assert_eq!(stored(&app).len(), 1, "another workspace still names the blob");
    let d = download(&app, &other, "1").await.expect(200);
    assert!(d.bytes.as_ref() == bytes.as_slice());
    // The last reference goes: the file is collected.
    app.as_key(&other, "DELETE", "/api/v1/evidence/1", None)
        .await
        .expect(204);
    assert!(stored(&app).is_empty(), "{:?}", stored(&app));
    app.admin("GET", "/api/v1/evidence/2", None).await.expect(404);

    // Uploading the bytes again stores them again.
    upload(&app, ADMIN_KEY, "1", &[file("a.bin", &bytes)]).await.expect(201);
    assert_eq!(stored(&app).len(), 1);
    download(&app, ADMIN_KEY, "3").await.expect(200);
}

async fn path_like_file_names_are_neutralised(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    case(&app, ADMIN_KEY, "Names").await;
    let cases = [
        ("../../etc/passwd", "passwd"),
        ("C:\\x\\y.txt", "y.txt"),
        ("/abs/dir/", "unnamed"),
        ("..", "unnamed"),
        ("bad\tname\u{202e}txt.exe", "badnametxt.exe"),
    ];
    for (i, (raw, want)) in cases.iter().enumerate() {
        let bytes = data(1000 + i, 3);
        let r = upload(&app, ADMIN_KEY, "1", &[file(raw, &bytes)]).await.expect(201);
        assert_eq!(r.json()["filename"], *want, "{raw}");
        let d = download(&app, ADMIN_KEY, r.json()["id"].as_str().unwrap())
            .await
            .expect(200);
        assert_eq!(
            d.headers["content-disposition"],
            format!("attachment; filename=\"{want}\"; filename*=UTF-8''{want}").as_str()
        );
    }
    // A `filename` part is cleaned the same way.
    let r = upload(
        &app,
        ADMIN_KEY,
        "1",
        &[text("filename", "..\\..\\boot.ini"), file("x", b"abc")],
    )
    .await
    .expect(201);
    assert_eq!(r.json()["filename"], "boot.ini");
    // Nothing was written outside the content-addressed layout.
    let all = files_under(&app.files.0);
    assert_eq!(all.len(), cases.len() + 1, "{all:?}");
    for p in &all {
        let rel = p.strip_prefix(blob_dir(&app)).expect("inside the blob directory");
        let parts: Vec<_> = rel.iter().map(|c| c.to_string_lossy().into_owned()).collect();
        assert_eq!(parts.len(), 3, "{rel:?}");
        assert_eq!(parts[2].len(), 64, "{rel:?}");
        assert!(parts[2].starts_with(&format!("{}{}", parts[0], parts[1])), "{rel:?}");
    }
    assert!(!app.files.0.join("etc").exists());
}

async fn upload_over_the_limit_is_refused(b: Backend) {
    let Some(app) = TestApp::spawn_with(
        b,
        CoreConfig {
            max_upload_bytes: 1024 * 1024,
            ..Default::default()
        },
    )
    .await
    else {
        return;
    };
    case(&app, ADMIN_KEY, "Limits").await;
    // One byte over: refused while streaming.
    let over = data(1024 * 1024 + 1, 2);
    let r = upload(
        &app,
        ADMIN_KEY,
        "1",
        &[text("description", "big"), file("big.bin", &over)],
    )
    .await
    .expect(413);
    let v = r.json();
    assert_eq!(v["code"], "payload_too_large");
    assert_eq!(v["status"], 413);
    assert!(v["detail"].as_str().unwrap().contains("1048576"), "{v}");
    // Declared far too large: refused before reading (the body here is small).
    let body = multipart(&[file("huge.bin", b"tiny")]);
    let ct = form_type();
    let mut req = request(
        "POST",
        "/api/v1/cases/1/evidence",
        ADMIN_KEY,
        Some(&ct),
        Body::from(body),
    );
    req.headers_mut()
        .insert("content-length", (64u64 * 1024 * 1024 * 1024).into());
    let r = send(&app, req).await.expect(413);
    assert_eq!(r.json()["code"], "payload_too_large");
    // No row, no file.
    let list = app.admin("GET", "/api/v1/cases/1/evidence", None).await.expect(200);
    assert_eq!(list.body["items"], json!([]));
    assert!(stored(&app).is_empty());
    assert!(temporary(&app).is_empty());
    // Exactly the limit is accepted, although it is more than the JSON body limit (1 MiB
    // with the multipart framing).
    let exact = data(1024 * 1024, 2);
    let r = upload(&app, ADMIN_KEY, "1", &[file("exact.bin", &exact)])
        .await
        .expect(201);
    assert_eq!(r.json()["sha256"], MIB_SHA);
    assert_eq!(stored(&app).len(), 1);
    // The JSON body limit still applies to metadata records on the same route.
    let long = "x".repeat(1024 * 1024 + 10);
    let r = app
        .admin(
            "POST",
            "/api/v1/cases/1/evidence",
            Some(json!({"filename": "f", "description": long})),
        )
        .await
        .expect(413);
    assert_eq!(r.body["code"], "payload_too_large");
}

async fn cut_off_uploads_leave_nothing(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    case(&app, ADMIN_KEY, "Cut").await;
    let bytes = data(SMALL, 1);
    let full = multipart(&[text("description", "partial"), file("cut.bin", &bytes)]);
    let ct = form_type();

    // The client's stream fails after a few chunks.
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::copy_from_slice(&full[..1000])),
        Ok(Bytes::copy_from_slice(&full[1000..60_000])),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "client went away",
        )),
    ];
    let body = Body::from_stream(futures_util::stream::iter(chunks));
    let r = send(
        &app,
        request("POST", "/api/v1/cases/1/evidence", ADMIN_KEY, Some(&ct), body),
    )
    .await
    .expect(400);
    assert_eq!(r.json()["code"], "upload_incomplete");

    // The body just stops in the middle of the file (no closing boundary).
    let r = send(
        &app,
        request(
            "POST",
            "/api/v1/cases/1/evidence",
            ADMIN_KEY,
            Some(&ct),
            Body::from(full[..full.len() / 2].to_vec()),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.bytes);

    let list = app.admin("GET", "/api/v1/cases/1/evidence", None).await.expect(200);
    assert_eq!(list.body["items"], json!([]));
    assert!(stored(&app).is_empty(), "{:?}", stored(&app));
    assert!(temporary(&app).is_empty(), "{:?}", temporary(&app));

    // The whole body afterwards is fine.
    upload(&app, ADMIN_KEY, "1", &[file("cut.bin", &bytes)])
        .await
        .expect(201);
}

async fn bad_uploads_are_refused(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    case(&app, ADMIN_KEY, "Bad").await;
    let bytes = data(5000, 4);
    let field_of = |r: &Raw| r.json()["errors"][0]["field"].as_str().unwrap_or("").to_owned();

    // No file part.
    let r = upload(&app, ADMIN_KEY, "1", &[text("description", "no file")])
        .await
        .expect(422);
    assert_eq!(field_of(&r), "file");
    // Unknown part, duplicate part.
    let r = upload(&app, ADMIN_KEY, "1", &[file("a", &bytes), text("size", "5")])
        .await
        .expect(422);
    assert_eq!(field_of(&r), "size");
    assert_eq!(r.json()["errors"][0]["code"], "unknown_field");
    let r = upload(&app, ADMIN_KEY, "1", &[file("a", &bytes), file("b", &bytes)])
        .await
        .expect(422);
    assert_eq!(r.json()["errors"][0]["code"], "duplicate");
    // Bad values, before or after the file.
    for (part, value, field) in [
        ("type_id", "9999", "type_id"),
        ("type_id", "two", "type_id"),
        ("acquired_at", "yesterday", "acquired_at"),
        ("chain_of_custody", "{not json", "chain_of_custody"),
        ("chain_of_custody", "\"text\"", "chain_of_custody"),
        ("custom", "[1]", "custom"),
    ] {
        let r = upload(&app, ADMIN_KEY, "1", &[file("a", &bytes), text(part, value)])
            .await
            .expect(422);
        assert_eq!(field_of(&r), field, "{part}={value}");
    }
    let r = upload(
        &app,
        ADMIN_KEY,
        "1",
        &[
            text("start_at", "2026-01-02T00:00:00Z"),
            text("end_at", "2026-01-01T00:00:00Z"),
            file("a", &bytes),
        ],
    )
    .await
    .expect(422);
    assert_eq!(field_of(&r), "end_at");
    // Unknown case, bad case id.
    upload(&app, ADMIN_KEY, "99", &[file("a", &bytes)]).await.expect(404);
    upload(&app, ADMIN_KEY, "x-y", &[file("a", &bytes)]).await.expect(422);
    // Not multipart and not JSON; multipart without a boundary.
    let r = send(
        &app,
        request(
            "POST",
            "/api/v1/cases/1/evidence",
            ADMIN_KEY,
            Some("text/plain"),
            Body::from("hi"),
        ),
    )
    .await
    .expect(415);
    assert_eq!(r.json()["code"], "unsupported_media_type");
    let r = send(
        &app,
        request(
            "POST",
            "/api/v1/cases/1/evidence",
            ADMIN_KEY,
            Some("multipart/form-data"),
            Body::from("x"),
        ),
    )
    .await
    .expect(400);
    assert_eq!(r.json()["code"], "malformed_multipart");

    // Nothing was stored by any of these.
    let list = app.admin("GET", "/api/v1/cases/1/evidence", None).await.expect(200);
    assert_eq!(list.body["items"], json!([]));
    assert!(stored(&app).is_empty(), "{:?}", stored(&app));
    assert!(temporary(&app).is_empty(), "{:?}", temporary(&app));
}

async fn metadata_only_records(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    case(&app, ADMIN_KEY, "Received files").await;
    let r = app
        .admin(
            "POST",
            "/api/v1/cases/1/evidence",
            Some(json!({
                "filename": "C:\\Users\\bob\\mail.pst", "size": 123456, "hash": "d41d8cd98f00b204e9800998ecf8427e",
                "description": "Mailbox export", "type_id": 44, "start_at": "2026-01-01T00:00:00Z",
                "end_at": "2026-01-02T00:00:00Z", "chain_of_custody": {"received_from": "HR"}
            })),
        )
        .await
        .expect(201);
    let v = r.json().clone();
    assert_eq!(
        v["filename"], "C:\\Users\\bob\\mail.pst",
        "a record keeps the name it was given"
    );
    assert_eq!(v["has_file"], false);
    assert_eq!(v["size"], 123456);
    assert_eq!(v["hash"], "d41d8cd98f00b204e9800998ecf8427e");
    assert_eq!(v["sha256"], Value::Null);
    assert_eq!(v["type"]["id"], 44);
    assert_eq!(v["chain_of_custody"], json!({"received_from": "HR"}));
    let id = v["id"].as_str().unwrap().to_owned();

    // No bytes to download.
    let d = download(&app, ADMIN_KEY, &id).await.expect(404);
    assert_eq!(d.json()["code"], "no_file");
    assert!(d.json()["detail"].as_str().unwrap().contains("no file stored"));

    // Validation.
    for (body, field) in [
        (json!({"description": "no name"}), "filename"),
        (json!({"filename": "x", "type_id": 9999}), "type_id"),
        (json!({"filename": "x", "size": -1}), "size"),
        (json!({"filename": "a\u{1}b"}), "filename"),
        (json!({"filename": "x".repeat(256)}), "filename"),
        (json!({"filename": "x", "chain_of_custody": 5}), "chain_of_custody"),
    ] {
        let r = app
            .admin("POST", "/api/v1/cases/1/evidence", Some(body.clone()))
            .await
            .expect(422);
        assert_eq!(r.body["errors"][0]["field"], field, "{body}");
    }
    app.admin(
        "POST",
        "/api/v1/cases/1/evidence",
        Some(json!({"filename": "x", "sha": "1"})),
    )
    .await
    .expect(422);

    // Update with optimistic concurrency; a stale version is a 409.
    let u = app
        .admin(
            "PATCH",
            &format!("/api/v1/evidence/{id}"),
            Some(json!({"description": "Mailbox", "type_id": null, "size": 99, "version": 1})),
        )
        .await
        .expect(200);
    assert_eq!(u.body["description"], "Mailbox");
    assert_eq!(u.body["type"], Value::Null);
    assert_eq!(u.body["size"], 99);
    assert_eq!(u.body["version"], 2);
    assert_eq!(u.header("etag"), Some("\"2\""));
    let c = app
        .admin(
            "PATCH",
            &format!("/api/v1/evidence/{id}"),
            Some(json!({"description": "stale", "version": 1})),
        )
        .await
        .expect(409);
    assert_eq!(c.body["code"], "conflict");
    let c = app
        .call(
            "PATCH",
            &format!("/api/v1/evidence/{id}"),
            &[("authorization", &format!("Bearer {ADMIN_KEY}")), ("if-match", "\"1\"")],
            Some(r#"{"description": "stale"}"#),
        )
        .await
        .expect(409);
    assert_eq!(c.body["code"], "conflict");
    let t = app
        .admin(
            "PATCH",
            &format!("/api/v1/evidence/{id}"),
            Some(json!({"type_id": 424242})),
        )
        .await
        .expect(422);
    assert_eq!(t.body["errors"][0]["field"], "type_id");

    // Lists: filters and pages.
    for i in 0..4 {
        app.admin(
            "POST",
            "/api/v1/cases/1/evidence",
            Some(json!({"filename": format!("log-{i}.evtx"), "type_id": 45})),
        )
        .await
        .expect(201);
    }
    upload(&app, ADMIN_KEY, "1", &[file("memory.raw", &data(3000, 5))])
        .await
        .expect(201);
    let page = |q: &'static str| {
        let app = &app;
        async move {
            app.admin("GET", &format!("/api/v1/cases/1/evidence{q}"), None)
                .await
                .expect(200)
                .body
        }
    };
    let numbers = |v: &Value| -> Vec<i64> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["number"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(numbers(&page("").await), [6, 5, 4, 3, 2, 1]);
    assert_eq!(numbers(&page("?has_file=true").await), [6]);
    assert_eq!(numbers(&page("?has_file=false").await), [5, 4, 3, 2, 1]);
    assert_eq!(numbers(&page("?type=45").await), [5, 4, 3, 2]);
    assert_eq!(numbers(&page("?type=44,45&q=LOG-3").await), [5]);
    assert_eq!(numbers(&page("?q=mailbox").await), [1]);
    let p1 = page("?limit=4").await;
    assert_eq!(numbers(&p1), [6, 5, 4, 3]);
    let cursor = p1["next_cursor"].as_str().unwrap().to_owned();
    let p2 = app
        .admin(
            "GET",
            &format!("/api/v1/cases/1/evidence?limit=4&cursor={cursor}"),
            None,
        )
        .await
        .expect(200);
    assert_eq!(numbers(&p2.body), [2, 1]);
    assert_eq!(p2.body["next_cursor"], Value::Null);
    for bad in [
        "?type=x",
        "?has_file=maybe",
        "?limit=0",
        "?cursor=zz",
        "?bogus=1",
        "?q=",
    ] {
        app.admin("GET", &format!("/api/v1/cases/1/evidence{bad}"), None)
            .await
            .expect(422);
    }
    app.admin("GET", "/api/v1/cases/99/evidence", None).await.expect(404);

    // Delete.
    app.admin("DELETE", &format!("/api/v1/evidence/{id}"), None)
        .await
        .expect(204);
    app.admin("GET", &format!("/api/v1/evidence/{id}"), None)
        .await
        .expect(404);
    app.admin("DELETE", &format!("/api/v1/evidence/{id}"), None)
        .await
        .expect(404);
    let act = app.admin("GET", "/api/v1/cases/1/activity", None).await.expect(200);
    assert!(act.text.contains("evidence #1 deleted"), "{}", act.text);
}

async fn read_only_members_cannot_upload(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    case(&app, ADMIN_KEY, "Viewer").await;
    let (_, viewer) = app.member("vera", "viewer").await;
    let bytes = data(SMALL, 1);
    upload(&app, &viewer, "1", &[file("a.bin", &bytes)]).await.expect(403);
    assert!(stored(&app).is_empty());
    assert!(temporary(&app).is_empty());
    app.as_key(
        &viewer,
        "POST",
        "/api/v1/cases/1/evidence",
        Some(json!({"filename": "x"})),
    )
    .await
    .expect(403);
    // Readers read.
    let e = upload(&app, ADMIN_KEY, "1", &[file("a.bin", &bytes)]).await.expect(201);
    let id = e.json()["id"].as_str().unwrap().to_owned();
    app.as_key(&viewer, "GET", &format!("/api/v1/evidence/{id}"), None)
        .await
        .expect(200);
    download(&app, &viewer, &id).await.expect(200);
    app.as_key(
        &viewer,
        "PATCH",
        &format!("/api/v1/evidence/{id}"),
        Some(json!({"description": "x"})),
    )
    .await
    .expect(403);
    app.as_key(&viewer, "DELETE", &format!("/api/v1/evidence/{id}"), None)
        .await
        .expect(403);
    assert_eq!(stored(&app).len(), 1);
}

async fn other_workspaces_cannot_reach_evidence(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let case_id = case(&app, ADMIN_KEY, "Default only").await;
    let e = upload(&app, ADMIN_KEY, "1", &[file("secret-Zebra.bin", &data(SMALL, 1))])
        .await
        .expect(201);
    let ev = e.json()["id"].as_str().unwrap().to_owned();
    let rec = app
        .admin(
            "POST",
            "/api/v1/cases/1/evidence",
            Some(json!({"filename": "record-Zebra"})),
        )
        .await
        .expect(201);
    let rec = rec.body["id"].as_str().unwrap().to_owned();

    let (_, other) = app.tenant("Other").await;
    // The other workspace has its own case #1 and evidence #1..; it sees only those.
    case(&app, &other, "Theirs").await;
    let mine = app
        .as_key(
            &other,
            "POST",
            "/api/v1/cases/1/evidence",
            Some(json!({"filename": "theirs"})),
        )
        .await
        .expect(201);
    assert_eq!(mine.body["number"], 1);
    let l = app
        .as_key(&other, "GET", "/api/v1/cases/1/evidence", None)
        .await
        .expect(200);
    assert_eq!(l.body["items"].as_array().unwrap().len(), 1);
    assert!(!l.text.contains("Zebra"));

    let bytes = data(SMALL, 1);
    for target in [case_id.as_str()] {
        let r = upload(&app, &other, target, &[file("x.bin", &bytes)]).await.expect(404);
        assert!(!String::from_utf8_lossy(&r.bytes).contains("Zebra"));
        app.as_key(
            &other,
            "POST",
            &format!("/api/v1/cases/{target}/evidence"),
            Some(json!({"filename": "x"})),
        )
        .await
        .expect(404);
        app.as_key(&other, "GET", &format!("/api/v1/cases/{target}/evidence"), None)
            .await
            .expect(404);
    }
    for target in [ev.as_str(), rec.as_str()] {
        let r = app
            .as_key(&other, "GET", &format!("/api/v1/evidence/{target}"), None)
            .await
            .expect(404);
        assert!(!r.text.contains("Zebra"));
        app.as_key(
            &other,
            "PATCH",
            &format!("/api/v1/evidence/{target}"),
            Some(json!({"description": "mine"})),
        )
        .await
        .expect(404);
        download(&app, &other, target).await.expect(404);
        app.as_key(&other, "DELETE", &format!("/api/v1/evidence/{target}"), None)
            .await
            .expect(404);
    }
    // By number, the other workspace reaches its own evidence #1, never ours.
    let own = app.as_key(&other, "GET", "/api/v1/evidence/1", None).await.expect(200);
    assert_eq!(own.body["filename"], "theirs");
    download(&app, &other, "1").await.expect(404);
    app.as_key(&other, "GET", "/api/v1/evidence/2", None).await.expect(404);
    // Nothing of ours changed.
    let ours = app
        .admin("GET", &format!("/api/v1/evidence/{ev}"), None)
        .await
        .expect(200);
    assert_eq!(ours.body["version"], 1);
    assert_eq!(stored(&app).len(), 1);
    assert!(temporary(&app).is_empty());
}

async fn deleting_a_case_or_evidence_takes_what_hangs_on_it(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    case(&app, ADMIN_KEY, "Doomed").await;
    case(&app, ADMIN_KEY, "Other").await;
    let bytes = data(SMALL, 1);
    upload(&app, ADMIN_KEY, "1", &[file("a.bin", &bytes)]).await.expect(201);
    app.admin("POST", "/api/v1/cases/1/evidence", Some(json!({"filename": "record"})))
        .await
        .expect(201);
    // Comments on an evidence record go with it.
    let e = upload(&app, ADMIN_KEY, "2", &[file("other.bin", &data(3000, 6))])
        .await
        .expect(201);
    let ev = e.json()["id"].as_str().unwrap().to_owned();
    let c = app
        .admin(
            "POST",
            &format!("/api/v1/evidence/{ev}/comments"),
            Some(json!({"content": "hash verified"})),
        )
        .await
        .expect(201);
    let comment = c.body["id"].as_str().unwrap().to_owned();
    app.admin("DELETE", &format!("/api/v1/evidence/{ev}"), None)
        .await
        .expect(204);
    app.admin(
        "PATCH",
        &format!("/api/v1/comments/{comment}"),
        Some(json!({"content": "x"})),
    )
    .await
    .expect(404);
    assert_eq!(stored(&app).len(), 1);

    // Deleting the case deletes its evidence; the bytes are collected (at the latest by the
    // next collection, which any evidence deletion runs).
    app.admin("DELETE", "/api/v1/cases/1", None).await.expect(204);
    app.admin("GET", "/api/v1/evidence/1", None).await.expect(404);
    app.admin("GET", "/api/v1/evidence/2", None).await.expect(404);
    download(&app, ADMIN_KEY, "1").await.expect(404);
    let r = app
        .admin("POST", "/api/v1/cases/2/evidence", Some(json!({"filename": "trigger"})))
        .await
        .expect(201);
    let trigger = r.body["id"].as_str().unwrap().to_owned();
    let t = upload(&app, ADMIN_KEY, "2", &[file("t.bin", b"trigger")])
        .await
        .expect(201);
    app.admin("DELETE", &format!("/api/v1/evidence/{trigger}"), None)
        .await
        .expect(204);
    app.admin(
        "DELETE",
        &format!("/api/v1/evidence/{}", t.json()["id"].as_str().unwrap()),
        None,
    )
    .await
    .expect(204);
    assert!(stored(&app).is_empty(), "{:?}", stored(&app));
}
