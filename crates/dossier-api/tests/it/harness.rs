//! `TestApp`: the whole application over a fresh database, driven without sockets.

use std::{path::PathBuf, sync::Arc};

use axum::{
    Router,
    body::Body,
    http::{HeaderMap, Method, Request, StatusCode},
};
use dossier_api::{ApiConfig, AppState};
use dossier_core::{Backend, Bootstrap, Core, CoreConfig, DbOptions, DbTarget};
use dossier_testkit::PgDatabase;
use http_body_util::BodyExt as _;
use serde_json::Value;
use tower::ServiceExt as _;
use uuid::Uuid;

pub const ADMIN_KEY: &str = "dsk_test_admin_key_0123456789abcdef0123456789abcdef0123456789abcdef";
pub const ADMIN_PASSWORD: &str = "admin-password-1";

/// Removes the test's database when the test ends.
pub enum DbGuard {
    Sqlite(PathBuf),
    /// Dropped by `dossier-testkit`.
    Postgres(#[allow(dead_code)] PgDatabase),
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        if let DbGuard::Sqlite(dir) = self {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A fresh database of the given kind; `None` (with a visible note) when PostgreSQL is not
/// configured outside CI.
pub async fn fresh_db(backend: Backend) -> Option<(DbOptions, DbGuard)> {
    let target_and_guard = match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("dossier-test-{}", Uuid::now_v7().simple()));
            std::fs::create_dir_all(&dir).ok()?;
            (DbTarget::SqliteFile(dir.join("dossier.db")), DbGuard::Sqlite(dir))
        }
        Backend::Postgres => {
            // `None` outside CI when PostgreSQL is not configured; a failure under CI=true.
            let pg = PgDatabase::create("API test").await?;
            (DbTarget::Postgres(pg.url.clone()), DbGuard::Postgres(pg))
        }
    };
    let (target, guard) = target_and_guard;
    Some((
        DbOptions {
            target,
            max_connections: 4,
            acquire_timeout: std::time::Duration::from_secs(10),
        },
        guard,
    ))
}

/// Removes the test's blob directory.
pub struct FilesGuard(pub PathBuf);

impl Drop for FilesGuard {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub struct TestApp {
    /// The blob directory (evidence files) of this test.
    #[allow(dead_code)]
    pub files: FilesGuard,
    pub router: Router,
    #[allow(dead_code)]
    pub core: Arc<Core>,
    #[allow(dead_code)]
    pub backend: Backend,
    _guard: DbGuard,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Resp {
    /// Fails the test with the body when the status is not the expected one.
    #[track_caller]
    pub fn expect(self, status: u16) -> Resp {
        assert_eq!(self.status.as_u16(), status, "unexpected status; body: {}", self.text);
        self
    }
    pub fn json(&self) -> &Value {
        &self.body
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with(backend, CoreConfig::default()).await
    }

    pub async fn spawn_with(backend: Backend, cfg: CoreConfig) -> Option<TestApp> {
        let (opts, guard) = fresh_db(backend).await?;
        let files = std::env::temp_dir().join(format!("dossier-blobs-{}", Uuid::now_v7().simple()));
        let cfg = CoreConfig {
            blob_dir: files.join("blobs"),
            ..cfg
        };
        let core = Core::open(&opts, cfg).await.expect("open database");
        core.migrate().await.expect("migrate");
        core.bootstrap(Bootstrap {
            admin_password: Some(ADMIN_PASSWORD.into()),
            api_key: Some(ADMIN_KEY.into()),
        })
        .await
        .expect("bootstrap");
        let core = Arc::new(core);
        let router = dossier_api::app(AppState::new(
            Arc::clone(&core),
            ApiConfig {
                max_body_bytes: 1024 * 1024,
                ..ApiConfig::default()
            },
        ));
        Some(TestApp {
            router,
            core,
            backend,
            files: FilesGuard(files),
            _guard: guard,
        })
    }

    /// Sends a request; `body` is sent as JSON text when given.
    pub async fn call(&self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&str>) -> Resp {
        let mut req = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).expect("method"))
            .uri(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if body.is_some() && !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
            req = req.header("content-type", "application/json");
        }
        let req = req
            .body(body.map(|b| Body::from(b.to_owned())).unwrap_or_else(Body::empty))
            .expect("request");
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        assert!(
            status.as_u16() < 500 || status.as_u16() == 503,
            "server error {status} for {method} {path}: {text}"
        );
        Resp {
            status,
            headers,
            body,
            text,
        }
    }

    /// As the bootstrap admin.
    pub async fn admin(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        self.as_key(ADMIN_KEY, method, path, body).await
    }

    pub async fn as_key(&self, key: &str, method: &str, path: &str, body: Option<Value>) -> Resp {
        let auth = format!("Bearer {key}");
        let b = body.map(|v| v.to_string());
        self.call(method, path, &[("authorization", &auth)], b.as_deref()).await
    }

    /// An IRIS call as `dfir-iris-client` makes it: `Authorization: Bearer`, and
    /// `Content-Type: application/json` on every request, GETs included.
    pub async fn iris_as(&self, key: &str, method: &str, path: &str, body: Option<Value>) -> Resp {
        let auth = format!("Bearer {key}");
        let b = body.map(|v| v.to_string());
        self.call(
            method,
            path,
            &[("authorization", &auth), ("content-type", "application/json")],
            b.as_deref(),
        )
        .await
    }

    /// An IRIS call as the bootstrap admin; asserts the envelope and returns it.
    pub async fn iris(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        let r = self.iris_as(ADMIN_KEY, method, path, body).await;
        assert!(
            r.body["status"] == "success" || r.body["status"] == "error",
            "{method} {path}: not an IRIS envelope: {}",
            r.text
        );
        assert!(
            r.body.get("message").is_some_and(Value::is_string),
            "{method} {path}: no message: {}",
            r.text
        );
        assert!(
            r.body.get("data").is_some_and(|d| !d.is_null()),
            "{method} {path}: null data: {}",
            r.text
        );
        r
    }

    /// `data` of a successful IRIS call (asserts HTTP 200 and `status: success`).
    pub async fn iris_ok(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let r = self.iris(method, path, body).await;
        assert_eq!(r.status.as_u16(), 200, "{method} {path}: {}", r.text);
        assert_eq!(r.body["status"], "success", "{method} {path}: {}", r.text);
        r.body["data"].clone()
    }

    /// A new workspace with its own admin; returns (workspace id, admin's key).
    pub async fn tenant(&self, name: &str) -> (String, String) {
        let ws = self
            .admin("POST", "/api/v1/workspaces", Some(serde_json::json!({"name": name})))
            .await
            .expect(201);
        let ws_id = ws.body["id"].as_str().expect("id").to_owned();
        let h = [
            ("authorization", format!("Bearer {ADMIN_KEY}")),
            ("x-dossier-workspace", ws_id.clone()),
        ];
        let login = format!("admin-{}", name.to_lowercase().replace(' ', "-"));
        let body =
            serde_json::json!({"login": login, "email": format!("{login}@example.org"), "name": name, "role": "admin"});
        let hs: Vec<(&str, &str)> = h.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let u = self
            .call("POST", "/api/v1/users", &hs, Some(&body.to_string()))
            .await
            .expect(201);
        let uid = u.body["id"].as_str().expect("id").to_owned();
        let k = self
            .call(
                "POST",
                "/api/v1/api-keys",
                &hs,
                Some(&serde_json::json!({"user_id": uid, "bind_workspace": true}).to_string()),
            )
            .await
            .expect(201);
        (ws_id, k.body["secret"].as_str().expect("secret").to_owned())
    }

    /// A member of the default workspace with `role`; returns (user id, key).
    pub async fn member(&self, login: &str, role: &str) -> (String, String) {
        let body = serde_json::json!({"login": login, "email": format!("{login}@example.org"), "name": login, "role": role, "password": "correct horse battery"});
        let u = self.admin("POST", "/api/v1/users", Some(body)).await.expect(201);
        let uid = u.body["id"].as_str().expect("id").to_owned();
        let k = self
            .admin("POST", "/api/v1/api-keys", Some(serde_json::json!({"user_id": uid})))
            .await
            .expect(201);
        (uid, k.body["secret"].as_str().expect("secret").to_owned())
    }
}

/// Declares a test per backend for each async fn taking a `Backend`.
#[macro_export]
macro_rules! both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(dossier_core::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(dossier_core::Backend::Postgres).await
            }
        }
    )*};
}

/// The sorted keys of a JSON object: a shape snapshot of one IRIS object, compared field by
/// field with the contract's field list.
pub fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default();
    k.sort();
    k
}

/// `keys` of an expected field list, for comparison.
pub fn fields(list: &[&str]) -> Vec<String> {
    let mut k: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
    k.sort();
    k
}
