use std::{sync::Arc, time::Duration};

use dossier_core::Core;

use crate::metrics::Metrics;

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Largest JSON body accepted (bytes).
    pub max_body_bytes: usize,
    /// A request running longer is answered 503 and its work abandoned (writes already queued
    /// still commit).
    pub request_timeout: Duration,
    /// Mark the session cookie `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// What the IRIS dialect reports from `/api/versions`: the IRIS release it speaks for and
    /// the API range it accepts (`dfir-iris-client` requires `api_min <= its version <= api_current`).
    pub iris_version: String,
    pub iris_api_min: String,
    pub iris_api_current: String,
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            max_body_bytes: 16 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            secure_cookies: false,
            iris_version: "v2.4.20".into(),
            iris_api_min: "2.0.4".into(),
            iris_api_current: "2.0.5".into(),
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub core: Arc<Core>,
    pub metrics: Arc<Metrics>,
    pub config: Arc<ApiConfig>,
}

impl AppState {
    pub fn new(core: Arc<Core>, config: ApiConfig) -> Self {
        Self {
            core,
            metrics: Arc::new(Metrics::default()),
            config: Arc::new(config),
        }
    }
}
