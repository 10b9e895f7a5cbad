//! IRIS dialect: the datastore (`/datastore/*`: tree, folders, streamed uploads, downloads)
//! and manual hooks (`/dim/hooks/call`).

use axum::{
    body::{Body, Bytes},
    http::{HeaderMap, Request, StatusCode},
};
use dossier_core::Backend;
use http_body_util::BodyExt as _;
use serde_json::{Value, json};
use tower::ServiceExt as _;

use crate::{
    both,
    harness::{ADMIN_KEY, TestApp, fields, keys},
};

both!(
    the_tree_is_made_on_first_read,
    folders_are_added_renamed_moved_and_deleted,
    files_are_uploaded_read_updated_and_downloaded,
    bad_uploads_and_unknown_ids_are_soft_errors,
    flags_bring_an_ioc_and_an_evidence,
    access_is_checked,
    hooks_are_queued
);

const BOUNDARY: &str = "iris-datastore-boundary-41";

const FOLDER_FIELDS: &[&str] = &[
    "path_id",
    "path_uuid",
    "path_name",
    "path_parent_id",
    "path_case_id",
    "path_is_root",
];

const FILE_FIELDS: &[&str] = &[
    "file_id",
    "file_uuid",
    "file_original_name",
    "file_description",
    "file_size",
    "file_sha256",
    "file_is_ioc",
    "file_is_evidence",
    "file_password",
    "file_tags",
    "file_date_added",
    "file_case_id",
    "file_parent_id",
    "added_by_user_id",
    "modification_history",
];

struct Raw {
    status: StatusCode,
    headers: HeaderMap,
    bytes: Bytes,
}

impl Raw {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
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

/// A multipart body as `requests` sends it: text fields, then the file part when given.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, v) in fields {
        out.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n").as_bytes(),
        );
        out.extend_from_slice(v.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if let Some((name, data)) = file {
        out.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file_content\"; filename=\"{name}\"\r\n\r\n"
            )
            .as_bytes(),
        );
        out.extend_from_slice(data);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

async fn post_raw(app: &TestApp, key: &str, path: &str, content_type: &str, body: Vec<u8>) -> Raw {
    let req = Request::builder()
        .method("POST")
        .uri(path)
        .header("authorization", format!("Bearer {key}"))
        .header("content-type", content_type)
        .body(Body::from(body))
        .expect("request");
    send(app, req).await
}

/// `add_ds_file` as the client sends it.
#[allow(clippy::too_many_arguments)]
async fn upload(
    app: &TestApp,
    key: &str,
    case: i64,
    parent: i64,
    name: &str,
    data: Option<&[u8]>,
    ioc: bool,
    evidence: bool,
) -> Raw {
    let yn = |b: bool| if b { "y" } else { "n" };
    let body = multipart(
        &[
            ("file_original_name", name),
            ("file_password", ""),
            ("file_is_ioc", yn(ioc)),
            ("file_is_evidence", yn(evidence)),
            ("file_description", "a description"),
            ("file_tags", "t1,t2"),
        ],
        data.map(|d| (name, d)),
    );
    post_raw(
        app,
        key,
        &format!("/datastore/file/add/{parent}?cid={case}"),
        &format!("multipart/form-data; boundary={BOUNDARY}"),
        body,
    )
    .await
}

async fn download(app: &TestApp, key: &str, case: i64, id: i64) -> Raw {
    let req = Request::builder()
        .method("GET")
        .uri(format!("/datastore/file/view/{id}?cid={case}"))
        .header("authorization", format!("Bearer {key}"))
        .header("content-type", "application/json")
        .body(Body::empty())
        .expect("request");
    send(app, req).await
}

async fn new_case(app: &TestApp, key: &str, title: &str) -> i64 {
    let r = app
        .as_key(key, "POST", "/api/v1/cases", Some(json!({"title": title})))
        .await
        .expect(201);
    r.body["number"].as_i64().expect("number")
}

/// The tree of a case: (root id, root node).
async fn root(app: &TestApp, case: i64) -> (i64, Value) {
    let t = app
        .iris_ok("GET", &format!("/datastore/list/tree?cid={case}"), None)
        .await;
    let obj = t.as_object().expect("tree object");
    assert_eq!(obj.len(), 1, "{t}");
    let (k, v) = obj.iter().next().expect("root");
    let id = k.strip_prefix("d-").expect("d- key").parse::<i64>().expect("id");
    (id, v.clone())
}

fn child_named<'a>(node: &'a Value, name: &str) -> Option<(i64, &'a Value)> {
    node["children"]
        .as_object()?
        .iter()
        .find_map(|(k, v)| (v["name"] == name).then(|| (k[2..].parse::<i64>().unwrap_or(0), v)))
}

async fn the_tree_is_made_on_first_read(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let case = new_case(&app, ADMIN_KEY, "Datastore tree").await;
    let (id, node) = root(&app, case).await;
    assert_eq!(node["name"], format!("Case {case}"));
    assert_eq!(node["type"], "directory");
    assert_eq!(node["is_root"], true);
    assert_eq!(keys(&node), fields(&["children", "is_root", "name", "type"]));
    let mut names: Vec<String> = node["children"]
        .as_object()
        .unwrap()
        .values()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["Evidences", "IOCs", "Images"]);
    for (k, c) in node["children"].as_object().unwrap() {
        assert!(k.starts_with("d-"), "{k}");
        assert_eq!(keys(c), fields(&["children", "name", "type"]));
        assert_eq!(c["type"], "directory");
    }
    // A second read keeps the same root.
    let (again, _) = root(&app, case).await;
    assert_eq!(again, id);
    // Another case has its own root.
    let other = new_case(&app, ADMIN_KEY, "Datastore tree 2").await;
    let (other_root, other_node) = root(&app, other).await;
    assert_ne!(other_root, id);
    assert_eq!(other_node["name"], format!("Case {other}"));
}

async fn folders_are_added_renamed_moved_and_deleted(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let case = new_case(&app, ADMIN_KEY, "Folders").await;
    let (root_id, _) = root(&app, case).await;
    let r = app
        .iris(
            "POST",
            &format!("/datastore/folder/add?cid={case}"),
            Some(json!({"parent_node": root_id.to_string(), "folder_name": "dummy folder"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "Folder added");
    let f = r.body["data"].clone();
    assert_eq!(keys(&f), fields(FOLDER_FIELDS));
    assert_eq!(f["path_name"], "dummy folder");
    assert_eq!(f["path_parent_id"], root_id);
    assert_eq!(f["path_case_id"], case);
    assert_eq!(f["path_is_root"], false);
    assert!(f["path_uuid"].is_string());
    let folder = f["path_id"].as_i64().unwrap();

    let r = app
        .iris(
            "POST",
            &format!("/datastore/folder/rename/{folder}?cid={case}"),
            Some(json!({"parent_node": folder, "folder_name": "renamed"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "Folder renamed");
    assert_eq!(r.body["data"]["path_name"], "renamed");

    // Another parent id than the folder's own is refused, as IRIS does.
    let r = app
        .iris(
            "POST",
            &format!("/datastore/folder/rename/{folder}?cid={case}"),
            Some(json!({"parent_node": root_id, "folder_name": "x"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["message"], "Invalid data");

    let sub = app
        .iris_ok(
            "POST",
            &format!("/datastore/folder/add?cid={case}"),
            Some(json!({"parent_node": folder, "folder_name": "sub"})),
        )
        .await["path_id"]
        .as_i64()
        .unwrap();
    // A folder cannot go below itself.
    let r = app
        .iris(
            "POST",
            &format!("/datastore/folder/move/{folder}?cid={case}"),
            Some(json!({"destination-node": sub})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text);
    let r = app
        .iris(
            "POST",
            &format!("/datastore/folder/move/{folder}?cid={case}"),
            Some(json!({"destination-node": folder})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text);
    // Move `sub` to the root.
    let r = app
        .iris(
            "POST",
            &format!("/datastore/folder/move/{sub}?cid={case}"),
            Some(json!({"destination-node": root_id})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(
        r.body["message"],
        format!("Folder \"sub\" successfully moved to \"Case {case}\"")
    );
    assert_eq!(r.body["data"]["path_parent_id"], root_id);
    assert_eq!(keys(&r.body["data"]), fields(FOLDER_FIELDS));
    // And back under `renamed`, with a file in it; deleting `renamed` takes both.
    app.iris_ok(
        "POST",
        &format!("/datastore/folder/move/{sub}?cid={case}"),
        Some(json!({"destination-node": folder.to_string()})),
    )
    .await;
    let up = upload(&app, ADMIN_KEY, case, sub, "inner.txt", Some(b"inner"), false, false).await;
    assert_eq!(up.status.as_u16(), 200, "{}", up.text());
    let file_id = up.json()["data"]["file_id"].as_i64().unwrap();
    let (_, node) = root(&app, case).await;
    let (_, renamed) = child_named(&node, "renamed").expect("renamed under root");
    let (_, sub_node) = child_named(renamed, "sub").expect("sub under renamed");
    assert_eq!(
        sub_node["children"][format!("f-{file_id}")]["file_original_name"],
        "inner.txt"
    );
    assert_eq!(sub_node["children"][format!("f-{file_id}")]["type"], "file");

    let r = app
        .iris(
            "POST",
            &format!("/datastore/folder/delete/{folder}?cid={case}"),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "Folder and children deleted");
    let (_, node) = root(&app, case).await;
    assert!(child_named(&node, "renamed").is_none());
    let r = app
        .iris("GET", &format!("/datastore/file/info/{file_id}?cid={case}"), None)
        .await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["message"], "Invalid file ID for this case");
    let r = app
        .iris(
            "POST",
            &format!("/datastore/folder/delete/{sub}?cid={case}"),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.body["message"], "Parent node is invalid for this case");

    // The root itself may go (the client's own test deletes it); the next read makes a new one.
    app.iris_ok("POST", &format!("/datastore/folder/delete/{root_id}?cid={case}"), None)
        .await;
    let (new_root, node) = root(&app, case).await;
    assert_ne!(new_root, root_id);
    assert_eq!(node["children"].as_object().unwrap().len(), 3);

    // Unknown ids and bad input.
    for (path, body, message) in [
        (
            "/datastore/folder/add",
            json!({"parent_node": 999_999_999, "folder_name": "x"}),
            "Parent node is invalid for this case",
        ),
        ("/datastore/folder/add", json!({"folder_name": "x"}), "Invalid data"),
        (
            "/datastore/folder/add",
            json!({"parent_node": new_root}),
            "Invalid data",
        ),
        (
            "/datastore/folder/add",
            json!({"parent_node": "abc", "folder_name": "x"}),
            "Invalid data",
        ),
        (
            "/datastore/folder/rename/999999999",
            json!({"parent_node": 999_999_999, "folder_name": "x"}),
            "Parent node is invalid for this case",
        ),
        (
            "/datastore/folder/rename/-1",
            json!({"folder_name": "x"}),
            "Parent node is invalid for this case",
        ),
        (
            "/datastore/folder/delete/999999999",
            json!({}),
            "Parent node is invalid for this case",
        ),
        (
            "/datastore/folder/delete/111155551111",
            json!({}),
            "Parent node is invalid for this case",
        ),
        (
            "/datastore/folder/move/999999999",
            json!({"destination-node": new_root}),
            "Invalid file ID for this case",
        ),
        (
            &format!("/datastore/folder/move/{new_root}"),
            json!({"destination-node": 999_999_999}),
            "Invalid destination node ID for this case",
        ),
    ] {
        let r = app
            .iris("POST", &format!("{path}?cid={case}"), Some(body.clone()))
            .await;
        assert_eq!(r.status.as_u16(), 400, "{path} {body}: {}", r.text);
        assert_eq!(r.body["status"], "error");
        assert_eq!(r.body["message"], message, "{path} {body}");
    }
    let long = "x".repeat(300);
    let r = app
        .iris(
            "POST",
            &format!("/datastore/folder/add?cid={case}"),
            Some(json!({"parent_node": new_root, "folder_name": long})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["message"], "Data error");
    assert!(r.body["data"]["folder_name"].is_array(), "{}", r.text);
}

async fn files_are_uploaded_read_updated_and_downloaded(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let case = new_case(&app, ADMIN_KEY, "Files").await;
    let (root_id, node) = root(&app, case).await;
    let (images, _) = child_named(&node, "Images").unwrap();
    let bytes: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
    let r = upload(&app, ADMIN_KEY, case, root_id, "dummy file", Some(&bytes), false, false).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    let body = r.json();
    assert_eq!(body["message"], "File saved in datastore");
    let f = body["data"].clone();
    assert_eq!(keys(&f), fields(FILE_FIELDS));
    assert_eq!(f["file_original_name"], "dummy file");
    assert_eq!(f["file_description"], "a description");
    assert_eq!(f["file_size"], bytes.len());
    assert_eq!(f["file_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(f["file_is_ioc"], false);
    assert_eq!(f["file_is_evidence"], false);
    assert_eq!(f["file_password"], "");
    assert_eq!(f["file_tags"], "t1,t2");
    assert_eq!(f["file_case_id"], case);
    assert_eq!(f["file_parent_id"], root_id);
    assert_eq!(f["added_by_user_id"], 1);
    assert!(f["file_uuid"].is_string());
    assert!(f["file_date_added"].as_str().unwrap().contains('T'));
    assert!(f["modification_history"].is_object());
    let id = f["file_id"].as_i64().unwrap();

    let info = app
        .iris_ok("GET", &format!("/datastore/file/info/{id}?cid={case}"), None)
        .await;
    assert_eq!(keys(&info), fields(FILE_FIELDS));
    assert_eq!(info["file_sha256"], f["file_sha256"]);
    assert_eq!(info["modification_history"].as_object().unwrap().len(), 1);

    let d = download(&app, ADMIN_KEY, case, id).await;
    assert_eq!(d.status.as_u16(), 200);
    assert_eq!(d.bytes.as_ref(), bytes.as_slice());
    assert!(
        d.headers
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("dummy file"))
    );

    // The client's update is a plain form (no file part).
    let form = "file_original_name=renamed+file&file_password=secret&file_is_ioc=n&file_is_evidence=n\
                &file_description=dummy+description+updated&file_tags=a%2Cb";
    let r = post_raw(
        &app,
        ADMIN_KEY,
        &format!("/datastore/file/update/{id}?cid={case}"),
        "application/x-www-form-urlencoded",
        form.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    let body = r.json();
    assert_eq!(body["message"], "File updated in datastore");
    let u = &body["data"];
    assert_eq!(u["file_original_name"], "renamed file");
    assert_eq!(u["file_description"], "dummy description updated");
    assert_eq!(u["file_password"], "secret");
    assert_eq!(u["file_tags"], "a,b");
    assert_eq!(u["file_sha256"], f["file_sha256"]);
    // A multipart update may replace the bytes.
    let r = post_raw(
        &app,
        ADMIN_KEY,
        &format!("/datastore/file/update/{id}?cid={case}"),
        &format!("multipart/form-data; boundary={BOUNDARY}"),
        multipart(&[("file_is_ioc", "n")], Some(("new.bin", b"new bytes"))),
    )
    .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    assert_eq!(r.json()["data"]["file_size"], 9);
    assert_eq!(r.json()["data"]["file_original_name"], "renamed file");
    let d = download(&app, ADMIN_KEY, case, id).await;
    assert_eq!(d.bytes.as_ref(), b"new bytes");

    // Move to Images.
    let r = app
        .iris(
            "POST",
            &format!("/datastore/file/move/{id}?cid={case}"),
            Some(json!({"destination-node": images})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], "File successfully moved to Images");
    let info = app
        .iris_ok("GET", &format!("/datastore/file/info/{id}?cid={case}"), None)
        .await;
    assert_eq!(info["file_parent_id"], images);
    let (_, node) = root(&app, case).await;
    let (_, img) = child_named(&node, "Images").unwrap();
    let leaf = &img["children"][format!("f-{id}")];
    assert_eq!(leaf["type"], "file");
    assert_eq!(leaf["file_original_name"], "renamed file");

    let r = app
        .iris(
            "POST",
            &format!("/datastore/file/delete/{id}?cid={case}"),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.body["message"], format!("File {id} deleted"));
    let d = download(&app, ADMIN_KEY, case, id).await;
    assert_eq!(d.status.as_u16(), 400);
    assert_eq!(d.json()["message"], "Unable to get requested file ID");
}

async fn bad_uploads_and_unknown_ids_are_soft_errors(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let case = new_case(&app, ADMIN_KEY, "Bad uploads").await;
    let (root_id, _) = root(&app, case).await;
    // No file part (the client skips a `None` stream).
    let r = upload(&app, ADMIN_KEY, case, root_id, "dummy file", None, true, true).await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text());
    assert_eq!(r.json()["data"][0], "No file provided");
    // Unknown parent, checked before the body.
    let r = upload(&app, ADMIN_KEY, case, root_id + 100, "dummy file", None, true, true).await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.json()["message"], "Invalid path node for this case");
    let r = upload(&app, ADMIN_KEY, case, -1, "x", Some(b"x"), false, false).await;
    assert_eq!(r.json()["message"], "Invalid path node for this case");
    // Malformed multipart.
    let r = post_raw(
        &app,
        ADMIN_KEY,
        &format!("/datastore/file/add/{root_id}?cid={case}"),
        &format!("multipart/form-data; boundary={BOUNDARY}"),
        b"--nonsense".to_vec(),
    )
    .await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text());
    assert_eq!(r.json()["status"], "error");
    // Unknown file ids.
    for id in ["999999999", "111155551111", "-1", "abc"] {
        let r = app
            .iris("GET", &format!("/datastore/file/info/{id}?cid={case}"), None)
            .await;
        assert_eq!(r.status.as_u16(), 400, "{id}");
        assert_eq!(r.body["message"], "Invalid file ID for this case");
        let r = app
            .iris(
                "POST",
                &format!("/datastore/file/delete/{id}?cid={case}"),
                Some(json!({})),
            )
            .await;
        assert_eq!(r.body["message"], "Invalid file ID for this case");
        let r = app
            .iris(
                "POST",
                &format!("/datastore/file/move/{id}?cid={case}"),
                Some(json!({"destination-node": root_id})),
            )
            .await;
        assert_eq!(r.body["message"], "Invalid file ID for this case");
        let r = post_raw(
            &app,
            ADMIN_KEY,
            &format!("/datastore/file/update/{id}?cid={case}"),
            "application/x-www-form-urlencoded",
            b"file_description=x".to_vec(),
        )
        .await;
        assert_eq!(r.status.as_u16(), 400);
        assert_eq!(r.json()["message"], "Invalid file ID for this case");
        let d = download(&app, ADMIN_KEY, case, 999_999_999).await;
        assert_eq!(d.status.as_u16(), 400);
        assert_eq!(d.json()["message"], "Unable to get requested file ID");
    }
    let r = app
        .iris("GET", &format!("/datastore/file/view/abc?cid={case}"), None)
        .await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["message"], "Unable to get requested file ID");
    // A bad destination.
    let up = upload(&app, ADMIN_KEY, case, root_id, "f", Some(b"f"), false, false).await;
    let id = up.json()["data"]["file_id"].as_i64().unwrap();
    for dest in [json!(999_999_999), json!("x"), json!(null)] {
        let r = app
            .iris(
                "POST",
                &format!("/datastore/file/move/{id}?cid={case}"),
                Some(json!({"destination-node": dest})),
            )
            .await;
        assert_eq!(r.status.as_u16(), 400);
        assert_eq!(r.body["message"], "Invalid destination node ID for this case");
    }
    // A bad tag list is a field error.
    let long = "t".repeat(200);
    let r = post_raw(
        &app,
        ADMIN_KEY,
        &format!("/datastore/file/update/{id}?cid={case}"),
        "application/x-www-form-urlencoded",
        format!("file_tags={long}").into_bytes(),
    )
    .await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text());
    assert_eq!(r.json()["message"], "Data error");
    assert!(r.json()["data"]["file_tags"].is_array(), "{}", r.text());
}

async fn flags_bring_an_ioc_and_an_evidence(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let case = new_case(&app, ADMIN_KEY, "Flags").await;
    let (root_id, _) = root(&app, case).await;
    let r = upload(
        &app,
        ADMIN_KEY,
        case,
        root_id,
        "malware.bin",
        Some(b"MZ evil"),
        true,
        true,
    )
    .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    let body = r.json();
    assert_eq!(body["message"], "File saved in datastore and added in IOC and evidence");
    assert_eq!(body["data"]["file_is_ioc"], true);
    assert_eq!(body["data"]["file_is_evidence"], true);
    let sha = body["data"]["file_sha256"].as_str().unwrap().to_owned();
    let obs = app
        .admin("GET", &format!("/api/v1/cases/{case}/observables"), None)
        .await
        .expect(200);
    let items = obs.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", obs.text);
    assert_eq!(items[0]["value"], sha);
    assert_eq!(items[0]["type"]["name"], "sha256");
    let ev = app
        .admin("GET", &format!("/api/v1/cases/{case}/evidence"), None)
        .await
        .expect(200);
    let items = ev.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", ev.text);
    assert_eq!(items[0]["filename"], "malware.bin");
    assert_eq!(items[0]["hash"], sha);
    // The same bytes again: no second observable or evidence.
    let r = upload(&app, ADMIN_KEY, case, root_id, "copy.bin", Some(b"MZ evil"), true, true).await;
    assert_eq!(r.status.as_u16(), 200);
    let obs = app
        .admin("GET", &format!("/api/v1/cases/{case}/observables"), None)
        .await;
    assert_eq!(obs.body["items"].as_array().unwrap().len(), 1);
    let ev = app.admin("GET", &format!("/api/v1/cases/{case}/evidence"), None).await;
    assert_eq!(ev.body["items"].as_array().unwrap().len(), 1);
    // D14: anything but y/true/1 is false, and an update can set the flags.
    let r = post_raw(
        &app,
        ADMIN_KEY,
        &format!("/datastore/file/add/{root_id}?cid={case}"),
        &format!("multipart/form-data; boundary={BOUNDARY}"),
        multipart(
            &[("file_is_ioc", "n"), ("file_is_evidence", "maybe")],
            Some(("plain.txt", b"plain")),
        ),
    )
    .await;
    let plain = r.json()["data"].clone();
    assert_eq!(plain["file_is_ioc"], false);
    assert_eq!(plain["file_is_evidence"], false);
    assert_eq!(plain["file_original_name"], "plain.txt");
    let id = plain["file_id"].as_i64().unwrap();
    let r = post_raw(
        &app,
        ADMIN_KEY,
        &format!("/datastore/file/update/{id}?cid={case}"),
        "application/x-www-form-urlencoded",
        b"file_is_ioc=y&file_is_evidence=y".to_vec(),
    )
    .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    assert_eq!(r.json()["data"]["file_is_ioc"], true);
    assert_eq!(r.json()["data"]["file_is_evidence"], true);
    let obs = app
        .admin("GET", &format!("/api/v1/cases/{case}/observables"), None)
        .await;
    assert_eq!(obs.body["items"].as_array().unwrap().len(), 2);
    let ev = app.admin("GET", &format!("/api/v1/cases/{case}/evidence"), None).await;
    assert_eq!(ev.body["items"].as_array().unwrap().len(), 2);
}

async fn access_is_checked(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    // Our case number is above 1: another workspace's first call makes its own case 1.
    new_case(&app, ADMIN_KEY, "Access 0").await;
    let case = new_case(&app, ADMIN_KEY, "Access").await;
    assert!(case > 1);
    let (root_id, _) = root(&app, case).await;
    let up = upload(&app, ADMIN_KEY, case, root_id, "mine.txt", Some(b"mine"), false, false).await;
    let file = up.json()["data"]["file_id"].as_i64().unwrap();

    // A viewer reads but does not write.
    let (_, viewer) = app.member("viewer1", "viewer").await;
    let r = app
        .iris_as(&viewer, "GET", &format!("/datastore/list/tree?cid={case}"), None)
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let d = download(&app, &viewer, case, file).await;
    assert_eq!(d.status.as_u16(), 200);
    let r = app
        .iris_as(
            &viewer,
            "POST",
            &format!("/datastore/folder/add?cid={case}"),
            Some(json!({"parent_node": root_id, "folder_name": "no"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 403);
    assert_eq!(r.body["message"], "Permission denied");
    let r = upload(&app, &viewer, case, root_id, "no.txt", Some(b"no"), false, false).await;
    assert_eq!(r.status.as_u16(), 403, "{}", r.text());
    let r = app
        .iris_as(
            &viewer,
            "POST",
            &format!("/datastore/file/delete/{file}?cid={case}"),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 403);
    let r = app
        .iris_as(
            &viewer,
            "POST",
            &format!("/dim/hooks/call?cid={case}"),
            Some(json!({"hook_name": "on_manual_trigger_ioc", "module_name": "m", "targets": [1], "type": "ioc"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 403);

    // Unknown case: 403 for everyone.
    let r = app.iris("GET", "/datastore/list/tree?cid=999", None).await;
    assert_eq!(r.status.as_u16(), 403);
    assert_eq!(r.body["data"]["case_id"], 999);

    // Another workspace reaches neither the case nor, through its own case, our objects.
    let (_, other) = app.tenant("Other Org").await;
    let r = app
        .iris_as(&other, "GET", &format!("/datastore/list/tree?cid={case}"), None)
        .await;
    assert_eq!(r.status.as_u16(), 403);
    let r = upload(&app, &other, case, root_id, "x.txt", Some(b"x"), false, false).await;
    assert_eq!(r.status.as_u16(), 403, "{}", r.text());
    let own = app.iris_as(&other, "GET", "/datastore/list/tree", None).await;
    assert_eq!(own.status.as_u16(), 200, "{}", own.text);
    let own_case = 1;
    let r = app
        .iris_as(
            &other,
            "GET",
            &format!("/datastore/file/info/{file}?cid={own_case}"),
            None,
        )
        .await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["message"], "Invalid file ID for this case");
    let d = download(&app, &other, own_case, file).await;
    assert_eq!(d.status.as_u16(), 400);
    // Our folder numbers beyond theirs (their workspace counts its own from 1).
    let ours = app
        .iris_ok(
            "POST",
            &format!("/datastore/folder/add?cid={case}"),
            Some(json!({"parent_node": root_id, "folder_name": "ours"})),
        )
        .await["path_id"]
        .as_i64()
        .unwrap();
    let r = app
        .iris_as(
            &other,
            "POST",
            &format!("/datastore/folder/delete/{ours}?cid={own_case}"),
            None,
        )
        .await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["message"], "Parent node is invalid for this case");
    // Our file is untouched.
    let d = download(&app, ADMIN_KEY, case, file).await;
    assert_eq!(d.bytes.as_ref(), b"mine");
}

async fn hooks_are_queued(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let case = new_case(&app, ADMIN_KEY, "Hooks").await;
    let r = app
        .iris(
            "POST",
            "/dim/hooks/call",
            Some(json!({
                "hook_name": "on_manual_trigger_ioc",
                "hook_ui_name": "iris_check_module::on_manual_trigger_case",
                "module_name": "iris_check_module",
                "targets": [1, "2"],
                "type": "case",
                "cid": case
            })),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(
        r.body,
        json!({"status": "success", "message": "Hook queued", "data": []})
    );
    let act = app
        .admin("GET", &format!("/api/v1/cases/{case}/activity"), None)
        .await
        .expect(200);
    assert!(
        act.text.contains("hook on_manual_trigger_ioc") && act.text.contains("iris_check_module"),
        "{}",
        act.text
    );
    for (body, message) in [
        (
            json!({"module_name": "m", "targets": [1], "type": "ioc"}),
            "Missing hook_name",
        ),
        (
            json!({"hook_name": "h", "module_name": "m", "targets": [], "type": "ioc"}),
            "Missing targets",
        ),
        (
            json!({"hook_name": "h", "module_name": "m", "type": "ioc"}),
            "Missing targets",
        ),
        (
            json!({"hook_name": "h", "module_name": "m", "targets": ["x"], "type": "ioc"}),
            "Invalid target",
        ),
        (
            json!({"hook_name": "h", "module_name": "m", "targets": 3, "type": "ioc"}),
            "Invalid target",
        ),
        (
            json!({"hook_name": "h", "module_name": "m", "targets": [1]}),
            "Missing data type",
        ),
        (
            json!({"hook_name": 5, "module_name": "m", "targets": [1], "type": "ioc"}),
            "Missing hook_name",
        ),
    ] {
        let r = app
            .iris("POST", &format!("/dim/hooks/call?cid={case}"), Some(body.clone()))
            .await;
        assert_eq!(r.status.as_u16(), 400, "{body}: {}", r.text);
        assert_eq!(r.body["message"], message, "{body}");
    }
    let r = app
        .iris(
            "POST",
            "/dim/hooks/call?cid=999",
            Some(json!({"hook_name": "h", "module_name": "m", "targets": [1], "type": "ioc"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 403);
}
