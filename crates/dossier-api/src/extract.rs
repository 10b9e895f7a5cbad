//! Request extractors that turn every kind of bad input into a precise 4xx.

use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Request},
    http::{StatusCode, header, request::Parts},
};
use dossier_core::{Actor, Key, Via};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::{error::ApiError, state::AppState};

/// A JSON object body. Malformed JSON is a 400; well-formed JSON of the wrong shape is a 422
/// naming the field (`tags[2]: invalid type: integer, expected a string`); too large is a 413;
/// a Content-Type other than JSON is a 415.
pub struct JsonBody<T>(pub T);

/// Like [`JsonBody`], but an empty body stands for `T::default()`.
pub struct OptionalJsonBody<T>(pub T);

async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    if let Some(ct) = req.headers().get(header::CONTENT_TYPE) {
        let ct = ct.to_str().unwrap_or("").to_ascii_lowercase();
        if !(ct.starts_with("application/json") || ct.contains("+json")) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "the body must be JSON (Content-Type: application/json)",
            ));
        }
    }
    Bytes::from_request(req, state).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "the request body is too large",
            )
        } else {
            ApiError::bad_request("unreadable_body", format!("the request body could not be read: {e}"))
        }
    })
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = body_bytes(req, state).await?;
        parse_json(&bytes).map(JsonBody)
    }
}

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for OptionalJsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = body_bytes(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJsonBody(T::default()));
        }
        parse_json(&bytes).map(OptionalJsonBody)
    }
}

/// Whether the JSON text holds a `\u0000` escape (a NUL character in some string).
fn has_nul_escape(bytes: &[u8]) -> bool {
    let mut backslashes = 0usize;
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\\' {
            backslashes += 1;
            continue;
        }
        if *b == b'u' && backslashes % 2 == 1 && bytes.get(i + 1..i + 5) == Some(b"0000") {
            return true;
        }
        backslashes = 0;
    }
    false
}

/// Deserializes a JSON object, reporting the path of the first bad field. Every problem is a
/// 4xx: 400 for text that is not JSON, 422 for JSON of the wrong shape.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    match first {
        None => {
            return Err(ApiError::bad_request(
                "malformed_json",
                "the request body is empty; a JSON object is expected",
            ));
        }
        Some(b'{') => {}
        Some(_) if serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok() => {
            return Err(ApiError::field("body", "invalid", "body: expected a JSON object"));
        }
        Some(_) => {}
    }
    if has_nul_escape(bytes) {
        return Err(ApiError::field(
            "body",
            "invalid",
            "text must not contain NUL (\\u0000) characters",
        ));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let result = serde_path_to_error::deserialize::<_, T>(&mut *de);
    match result {
        Ok(v) => match de.end() {
            Ok(()) => Ok(v),
            Err(e) => Err(ApiError::bad_request(
                "malformed_json",
                format!("unexpected text after the JSON object: {e}"),
            )),
        },
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            let syntax = matches!(
                inner.classify(),
                serde_json::error::Category::Syntax
                    | serde_json::error::Category::Eof
                    | serde_json::error::Category::Io
            );
            // serde reports some type mismatches (a number for an enum) as syntax errors: if the
            // text parses as JSON, the fault is the shape, not the syntax.
            if syntax && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_err() {
                return Err(ApiError::bad_request(
                    "malformed_json",
                    format!("the body is not valid JSON: {inner}"),
                ));
            }
            let field = if path == "." || path.is_empty() {
                "body".to_owned()
            } else {
                path
            };
            let msg = strip_position(&inner.to_string());
            let msg = if syntax {
                format!("unexpected value type ({msg})")
            } else {
                msg
            };
            Err(ApiError::field(field.clone(), "invalid", format!("{field}: {msg}")))
        }
    }
}

/// serde_json appends "at line 1 column 17"; the field path says more.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

/// The secret a request presents, from any header scheme a dialect uses.
pub fn presented_secret(parts: &Parts) -> Option<String> {
    let h = &parts.headers;
    let strip = |v: &str| -> String {
        let v = v.trim();
        for scheme in ["Bearer ", "bearer ", "Token ", "token "] {
            if let Some(rest) = v.strip_prefix(scheme) {
                return rest.trim().to_owned();
            }
        }
        v.to_owned()
    };
    for name in ["x-iris-auth", "authorization", "x-api-key"] {
        if let Some(v) = h.get(name).and_then(|v| v.to_str().ok()) {
            let s = strip(v);
            if !s.is_empty() {
                return Some(s);
            }
        }
    }
    cookie(parts, crate::SESSION_COOKIE).or_else(|| cookie(parts, "fastapiusersauth"))
}

pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    for v in parts.headers.get_all(header::COOKIE) {
        let Ok(v) = v.to_str() else { continue };
        for pair in v.split(';') {
            if let Some((k, val)) = pair.trim().split_once('=')
                && k == name
                && !val.is_empty()
            {
                return Some(val.trim_matches('"').to_owned());
            }
        }
    }
    None
}

pub fn request_id(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Authenticates the request for `via`, selecting the workspace named by `workspace` if any.
pub async fn authenticate(
    state: &AppState,
    parts: &Parts,
    via: Via,
    workspace: Option<Uuid>,
) -> Result<Actor, dossier_core::Error> {
    let secret = presented_secret(parts).ok_or(dossier_core::Error::Unauthenticated)?;
    let actor = state.core.authenticate(&secret, workspace, via).await?;
    Ok(actor.with_request_id(request_id(parts)))
}

/// The native API's authenticated caller. `X-Dossier-Workspace: <uuid>` picks a workspace;
/// otherwise the key's bound workspace or the user's default applies.
pub struct Auth(pub Actor);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let ws = match parts.headers.get("x-dossier-workspace") {
            None => None,
            Some(v) => Some(
                v.to_str()
                    .ok()
                    .and_then(|s| Uuid::parse_str(s.trim()).ok())
                    .ok_or_else(|| {
                        ApiError::bad_request(
                            "invalid_workspace_header",
                            "X-Dossier-Workspace must be a workspace UUID",
                        )
                    })?,
            ),
        };
        Ok(Auth(authenticate(state, parts, Via::Native, ws).await?))
    }
}

/// Parses an object id from a path segment: a number or a UUID.
pub fn key(raw: &str, what: &str) -> Result<Key, ApiError> {
    Key::parse(raw)
        .ok_or_else(|| ApiError::field("id", "invalid_id", format!("`{raw}` is not a {what} number or UUID")))
}

pub fn uuid(raw: &str, what: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw.trim())
        .map_err(|_| ApiError::field("id", "invalid_id", format!("`{raw}` is not a valid {what} UUID")))
}

/// Query-string access that accepts repeated keys and comma lists.
pub struct QueryMap(pub Vec<(String, String)>);

impl QueryMap {
    pub fn parse(raw: Option<&str>) -> Self {
        QueryMap(
            form_urlencoded::parse(raw.unwrap_or("").as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
    /// All values of `key`, comma lists split, blanks dropped.
    pub fn list(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(','))
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    }
    /// Rejects keys the route does not know, so a typo is not silently ignored.
    pub fn only(&self, allowed: &[&str]) -> Result<(), ApiError> {
        for (k, v) in &self.0 {
            if k.contains('\0') || v.contains('\0') {
                return Err(ApiError::field(
                    k.clone(),
                    "invalid",
                    "query values must not contain NUL characters",
                ));
            }
            if !allowed.contains(&k.as_str()) {
                return Err(ApiError::field(
                    k.clone(),
                    "unknown_parameter",
                    format!("unknown query parameter `{k}`; accepted: {}", allowed.join(", ")),
                ));
            }
        }
        Ok(())
    }
    pub fn enums<T>(&self, key: &str, parse: impl Fn(&str) -> Option<T>, names: &str) -> Result<Vec<T>, ApiError> {
        self.list(key)
            .iter()
            .map(|v| {
                parse(v).ok_or_else(|| {
                    ApiError::field(
                        key,
                        "unknown_value",
                        format!("{key}: unknown value `{v}`; expected one of {names}"),
                    )
                })
            })
            .collect()
    }
    pub fn int<T: std::str::FromStr>(&self, key: &str, min: i64, max: i64) -> Result<Option<T>, ApiError> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        let n: i64 = v
            .trim()
            .parse()
            .map_err(|_| ApiError::field(key, "invalid", format!("{key}: `{v}` is not an integer")))?;
        if n < min || n > max {
            return Err(ApiError::field(
                key,
                "out_of_range",
                format!("{key} must be between {min} and {max}"),
            ));
        }
        v.trim()
            .parse::<T>()
            .map(Some)
            .map_err(|_| ApiError::field(key, "invalid", format!("{key}: `{v}` is out of range")))
    }
    pub fn bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some("true" | "1" | "yes") => Ok(Some(true)),
            Some("false" | "0" | "no") => Ok(Some(false)),
            Some(v) => Err(ApiError::field(
                key,
                "invalid",
                format!("{key}: `{v}` is not a boolean (true/false)"),
            )),
        }
    }
    pub fn time(&self, key: &str) -> Result<Option<i64>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => dossier_core::time::parse_rfc3339(v)
                .map(Some)
                .ok_or_else(|| ApiError::field(key, "invalid", format!("{key}: `{v}` is not an RFC 3339 date-time"))),
        }
    }
}
