//! Prometheus metrics: requests by route and status, a latency histogram per route, and the
//! database pool. Hand-rolled: a few counters do not justify a metrics framework.

use std::{
    collections::HashMap,
    fmt::Write as _,
    sync::Mutex,
    time::{Duration, Instant},
};

use axum::{
    extract::{MatchedPath, Request, State},
    middleware::Next,
    response::Response,
};

use crate::state::AppState;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Default)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

pub struct Metrics {
    started: Instant,
    requests: Mutex<HashMap<(&'static str, String, u16), u64>>,
    latency: Mutex<HashMap<(&'static str, String), Histogram>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            started: Instant::now(),
            requests: Mutex::default(),
            latency: Mutex::default(),
        }
    }
}

fn method_label(m: &axum::http::Method) -> &'static str {
    match *m {
        axum::http::Method::GET => "GET",
        axum::http::Method::POST => "POST",
        axum::http::Method::PUT => "PUT",
        axum::http::Method::PATCH => "PATCH",
        axum::http::Method::DELETE => "DELETE",
        axum::http::Method::HEAD => "HEAD",
        axum::http::Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

impl Metrics {
    pub fn record(&self, method: &'static str, route: &str, status: u16, elapsed: Duration) {
        if let Ok(mut m) = self.requests.lock() {
            *m.entry((method, route.to_owned(), status)).or_default() += 1;
        }
        let secs = elapsed.as_secs_f64();
        if let Ok(mut m) = self.latency.lock() {
            let h = m.entry((method, route.to_owned())).or_default();
            h.count += 1;
            h.sum += secs;
            for (i, le) in BUCKETS.iter().enumerate() {
                if secs <= *le {
                    h.buckets[i] += 1;
                }
            }
        }
    }

    pub fn render(&self, pool: Option<dossier_core::PoolStats>) -> String {
        let mut out = String::with_capacity(4096);
        let _ = writeln!(out, "# HELP dossier_uptime_seconds Seconds since the process started.");
        let _ = writeln!(out, "# TYPE dossier_uptime_seconds gauge");
        let _ = writeln!(
            out,
            "dossier_uptime_seconds {:.3}",
            self.started.elapsed().as_secs_f64()
        );
        let _ = writeln!(
            out,
            "# HELP dossier_http_requests_total HTTP requests by method, route and status."
        );
        let _ = writeln!(out, "# TYPE dossier_http_requests_total counter");
        if let Ok(m) = self.requests.lock() {
            let mut rows: Vec<_> = m.iter().collect();
            rows.sort();
            for ((method, route, status), n) in rows {
                let _ = writeln!(
                    out,
                    "dossier_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
                    escape(route)
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP dossier_http_request_duration_seconds Request latency by method and route."
        );
        let _ = writeln!(out, "# TYPE dossier_http_request_duration_seconds histogram");
        if let Ok(m) = self.latency.lock() {
            let mut rows: Vec<_> = m.iter().collect();
            rows.sort_by(|a, b| a.0.cmp(b.0));
            for ((method, route), h) in rows {
                let route = escape(route);
                for (i, le) in BUCKETS.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "dossier_http_request_duration_seconds_bucket{{method=\"{method}\",route=\"{route}\",le=\"{le}\"}} {}",
                        h.buckets[i]
                    );
                }
                let _ = writeln!(
                    out,
                    "dossier_http_request_duration_seconds_bucket{{method=\"{method}\",route=\"{route}\",le=\"+Inf\"}} {}",
                    h.count
                );
                let _ = writeln!(
                    out,
                    "dossier_http_request_duration_seconds_sum{{method=\"{method}\",route=\"{route}\"}} {}",
                    h.sum
                );
                let _ = writeln!(
                    out,
                    "dossier_http_request_duration_seconds_count{{method=\"{method}\",route=\"{route}\"}} {}",
                    h.count
                );
            }
        }
        if let Some(p) = pool {
            let _ = writeln!(out, "# HELP dossier_db_connections Database pool connections by state.");
            let _ = writeln!(out, "# TYPE dossier_db_connections gauge");
            let _ = writeln!(out, "dossier_db_connections{{state=\"idle\"}} {}", p.idle);
            let _ = writeln!(
                out,
                "dossier_db_connections{{state=\"in_use\"}} {}",
                p.size.saturating_sub(p.idle)
            );
            let _ = writeln!(out, "# HELP dossier_db_connections_max Configured pool size.");
            let _ = writeln!(out, "# TYPE dossier_db_connections_max gauge");
            let _ = writeln!(out, "dossier_db_connections_max {}", p.max);
        }
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Middleware: counts and times every request under its route template.
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(req.method());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let res = next.run(req).await;
    state
        .metrics
        .record(method, &route, res.status().as_u16(), started.elapsed());
    res
}
