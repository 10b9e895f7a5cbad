//! The IRIS wire format: the `{status, message, data}` envelope, IRIS's error kinds and
//! messages, and its date formats.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use dossier_core::{FieldError, model::Timestamp};
use serde::Serialize;
use serde_json::{Map, Value, json};

/// A reply of this dialect; handlers return `IrisResult`.
pub type IrisResult = Result<Response, IrisError>;

/// `200 {"status":"success","message":<message>,"data":<data>}`.
pub fn ok(message: impl Into<String>, data: impl Serialize) -> IrisResult {
    let data = serde_json::to_value(data).map_err(|e| IrisError::internal(e.to_string()))?;
    Ok(envelope(StatusCode::OK, "success", &message.into(), data))
}

/// Success with no payload: `data` is `[]`, never `null`.
pub fn done(message: impl Into<String>) -> IrisResult {
    ok(message, json!([]))
}

fn envelope(status: StatusCode, kind: &str, message: &str, data: Value) -> Response {
    let data = if data.is_null() { json!([]) } else { data };
    (status, Json(json!({"status": kind, "message": message, "data": data}))).into_response()
}

/// An error in IRIS's envelope.
#[derive(Debug)]
pub struct IrisError {
    pub status: StatusCode,
    pub message: String,
    pub data: Value,
}

impl IrisError {
    pub fn new(status: StatusCode, message: impl Into<String>, data: Value) -> Self {
        IrisError {
            status,
            message: message.into(),
            data,
        }
    }
    /// 400 with a route-specific message (IRIS's soft error: unknown id, business rule).
    pub fn bad(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message, json!([]))
    }
    /// 400 `Data error` with `{field: [message]}`.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut m = Map::new();
        m.insert(field.to_owned(), json!([message.into()]));
        Self::new(StatusCode::BAD_REQUEST, "Data error", Value::Object(m))
    }
    /// 400 with an explicit message and `{field: [message]}` data.
    pub fn field_with(message: &str, field: &str, text: impl Into<String>) -> Self {
        let mut e = Self::field(field, text);
        e.message = message.to_owned();
        e
    }
    pub fn unauthenticated() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "Authentication required", json!([]))
    }
    /// 403 for a global permission.
    pub fn denied() -> Self {
        Self::new(StatusCode::FORBIDDEN, "Permission denied", json!([]))
    }
    /// 403 for a case the caller may not reach, or that does not exist.
    pub fn case_denied(user: i64, case: i64) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "Permission denied",
            json!({"user_id": user, "case_id": case, "error_uuid": dossier_core::ids::new_uuid()}),
        )
    }
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "Resource not found", json!([]))
    }
    pub fn method_not_allowed() -> Self {
        Self::new(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed", json!([]))
    }
    pub fn gone(message: impl Into<String>) -> Self {
        Self::new(StatusCode::GONE, message, json!([]))
    }
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "IRIS request failed");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error", json!([]))
    }

    /// A core error, with the route's own not-found message (`Invalid asset ID for this case`).
    pub fn core(e: dossier_core::Error, not_found: &str) -> Self {
        use dossier_core::Error as E;
        match e {
            E::NotFound { .. } => Self::bad(not_found),
            E::Forbidden(_) => Self::denied(),
            E::Unauthenticated => Self::unauthenticated(),
            E::Validation(fields) => Self::from_fields(&fields),
            E::Conflict(msg) => Self::bad(msg),
            E::PayloadTooLarge { limit } => Self::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("The upload is larger than the limit of {limit} bytes"),
                json!([]),
            ),
            E::RateLimited { retry_after_secs } => Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!("Too many requests; retry in {retry_after_secs} s"),
                json!([]),
            ),
            E::Unavailable(_) => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "Service unavailable, retry shortly",
                json!([]),
            ),
            E::Internal(cause) => Self::internal(cause),
        }
    }

    /// `Data error` with each field's messages.
    pub fn from_fields(fields: &[FieldError]) -> Self {
        let mut m = Map::new();
        for f in fields {
            let list = m.entry(f.field.clone()).or_insert_with(|| json!([]));
            if let Value::Array(a) = list {
                a.push(Value::String(f.message.clone()));
            }
        }
        Self::new(StatusCode::BAD_REQUEST, "Data error", Value::Object(m))
    }

    /// Renames core field names to this dialect's (`title` → `case_name`) in `Data error` data.
    pub fn rename(mut self, pairs: &[(&str, &str)]) -> Self {
        if let Value::Object(m) = &mut self.data {
            let old = std::mem::take(m);
            for (k, v) in old {
                let top = k.split(['.', '[']).next().unwrap_or(&k);
                let name = pairs
                    .iter()
                    .find(|(from, _)| *from == top)
                    .map_or(k.clone(), |(_, to)| format!("{to}{}", &k[top.len()..]));
                m.insert(name, v);
            }
        }
        self
    }
}

impl From<dossier_core::Error> for IrisError {
    fn from(e: dossier_core::Error) -> Self {
        let entity = match &e {
            dossier_core::Error::NotFound { entity } => *entity,
            _ => "object",
        };
        let msg = format!("Invalid {entity} ID");
        IrisError::core(e, &msg)
    }
}

impl IntoResponse for IrisError {
    fn into_response(self) -> Response {
        envelope(self.status, "error", &self.message, self.data)
    }
}

/// Maps a core error to this dialect's with a fixed not-found message: `.map_err(nf("…"))`.
pub fn nf(message: &'static str) -> impl Fn(dossier_core::Error) -> IrisError {
    move |e| IrisError::core(e, message)
}

fn utc(t: Timestamp) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(t.0) * 1000).ok()
}

/// `2025-02-10T14:33:03.123456` (UTC, microseconds, no zone).
pub fn datetime(t: Timestamp) -> String {
    utc(t).map_or_else(String::new, |d| {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}",
            d.year(),
            u8::from(d.month()),
            d.day(),
            d.hour(),
            d.minute(),
            d.second(),
            d.microsecond()
        )
    })
}

/// `2025-02-10`.
pub fn date(t: Timestamp) -> String {
    utc(t).map_or_else(String::new, |d| {
        format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
    })
}

/// `02/10/2025` (the case list's format).
pub fn us_date(t: Timestamp) -> String {
    utc(t).map_or_else(String::new, |d| {
        format!("{:02}/{:02}/{:04}", u8::from(d.month()), d.day(), d.year())
    })
}

pub fn opt_datetime(t: Option<Timestamp>) -> Value {
    t.map_or(Value::Null, |t| Value::String(datetime(t)))
}

/// Parses IRIS's naive date-times (`YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.ffffff]]`, a space for
/// the `T`, or RFC 3339) as UTC microseconds.
pub fn parse_datetime(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Some(t) = dossier_core::time::parse_rfc3339(s) {
        return Some(t);
    }
    let (d, rest) = match s.find(['T', ' ']) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, ""),
    };
    let mut dp = d.split('-');
    let year: i32 = dp.next()?.parse().ok()?;
    let month: u8 = dp.next()?.parse().ok()?;
    let day: u8 = dp.next()?.parse().ok()?;
    if dp.next().is_some() {
        return None;
    }
    let date = time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()?;
    let (mut h, mut m, mut sec, mut micro) = (0u8, 0u8, 0u8, 0u32);
    if !rest.is_empty() {
        let (hms, frac) = match rest.split_once('.') {
            Some((a, b)) => (a, Some(b)),
            None => (rest, None),
        };
        let mut tp = hms.split(':');
        h = tp.next()?.parse().ok()?;
        m = tp.next()?.parse().ok()?;
        sec = match tp.next() {
            Some(x) => x.parse().ok()?,
            None => 0,
        };
        if tp.next().is_some() {
            return None;
        }
        if let Some(f) = frac {
            if f.is_empty() || f.len() > 9 || !f.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let padded = format!("{f:0<6}");
            micro = padded[..6].parse().ok()?;
        }
    }
    let t = time::Time::from_hms_micro(h, m, sec, micro).ok()?;
    let dt = time::PrimitiveDateTime::new(date, t).assume_utc();
    i64::try_from(dt.unix_timestamp_nanos() / 1000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_naive_datetimes() {
        let t = parse_datetime("2025-02-10T14:33:03.123456").unwrap_or_default();
        assert_eq!(datetime(Timestamp(t)), "2025-02-10T14:33:03.123456");
        assert_eq!(date(Timestamp(t)), "2025-02-10");
        assert_eq!(us_date(Timestamp(t)), "02/10/2025");
        assert_eq!(parse_datetime("2025-02-10"), parse_datetime("2025-02-10T00:00:00"));
        assert_eq!(
            parse_datetime("2025-02-10 14:33"),
            parse_datetime("2025-02-10T14:33:00.000")
        );
        assert_eq!(parse_datetime("2025-02-10T14:33:03.5"), Some(t - 123_456 + 500_000));
        assert_eq!(parse_datetime("2025-13-10"), None);
        assert_eq!(parse_datetime("yesterday"), None);
        assert_eq!(parse_datetime("2025-02-10T25:00:00"), None);
    }
}
