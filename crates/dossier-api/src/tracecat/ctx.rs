//! Who is calling, in which workspace, with what body, as Tracecat answers it.
//!
//! - `workspace_id` is checked before authentication: missing or not a UUID is a 422 (any UUID
//!   version is accepted: Dossier's ids are v7). On the `/workspaces/{workspace_id}/…` paths a
//!   query `workspace_id` that names another workspace is a 400.
//! - No credential, an unknown one, or a workspace the caller is not a member of: 403
//!   `{"detail":"Forbidden"}` (not 401), as Tracecat answers.
//! - Bodies are JSON objects; each wrong field is one entry of the 422 `detail` list.

use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Request},
    http::request::Parts,
};
use dossier_core::{Actor, Via};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::wire::{Detail, TcError};
use crate::{extract::QueryMap, state::AppState};

/// The prefix of the paths that carry the workspace in the path (L3).
const WS_PATHS: &str = "/tracecat/workspaces/";

/// The workspace a request names.
pub fn workspace(parts: &Parts) -> Result<Uuid, TcError> {
    let q = QueryMap::parse(parts.uri.query());
    let from_query = q.get("workspace_id");
    if let Some(rest) = parts.uri.path().strip_prefix(WS_PATHS) {
        let raw = rest.split('/').next().unwrap_or_default();
        let ws = Uuid::parse_str(raw).map_err(|_| TcError::one(Detail::uuid(&["path", "workspace_id"], raw)))?;
        if let Some(other) = from_query
            && Uuid::parse_str(other).ok() != Some(ws)
        {
            return Err(TcError::bad("workspace_id in the path and in the query differ"));
        }
        return Ok(ws);
    }
    match from_query {
        None => Err(TcError::one(Detail::missing(&["query", "workspace_id"]))),
        Some(raw) => {
            Uuid::parse_str(raw.trim()).map_err(|_| TcError::one(Detail::uuid(&["query", "workspace_id"], raw)))
        }
    }
}

/// The authenticated caller, acting in the workspace the request names.
pub struct TcUser(pub Actor);

impl FromRequestParts<AppState> for TcUser {
    type Rejection = TcError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let ws = workspace(parts)?;
        crate::extract::authenticate(state, parts, Via::Tracecat, Some(ws))
            .await
            .map(TcUser)
            .map_err(|e| match e {
                dossier_core::Error::Unavailable(_) | dossier_core::Error::Internal(_) => TcError::from(e),
                _ => TcError::forbidden(),
            })
    }
}

/// The query string, leniently parsed.
pub struct Query(pub QueryMap);

impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = TcError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Query(QueryMap::parse(parts.uri.query())))
    }
}

/// A UUID path segment; anything else is FastAPI's 422 naming the parameter.
pub fn path_uuid(raw: &str, name: &str) -> Result<Uuid, TcError> {
    Uuid::parse_str(raw.trim()).map_err(|_| TcError::one(Detail::uuid(&["path", name], raw)))
}

/// A JSON object body whose fields are read one by one; every problem is collected.
pub struct Body {
    pub map: Map<String, Value>,
    pub problems: Vec<Detail>,
}

impl FromRequest<AppState> for Body {
    type Rejection = TcError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                TcError::Status(e.status(), "Request body too large".into())
            } else {
                TcError::bad("The request body could not be read")
            }
        })?;
        Body::parse(&bytes)
    }
}

impl Body {
    pub fn parse(bytes: &[u8]) -> Result<Body, TcError> {
        let v: Value = serde_json::from_slice(bytes).map_err(|e| {
            TcError::one(Detail::new(
                "json_invalid",
                &["body"],
                format!("JSON decode error: {e}"),
                Value::Null,
            ))
        })?;
        match v {
            Value::Object(map) => Ok(Body {
                map,
                problems: Vec::new(),
            }),
            other => Err(TcError::one(Detail::new(
                "model_attributes_type",
                &["body"],
                "Input should be a valid dictionary or object to extract fields from",
                other,
            ))),
        }
    }

    /// A string of at most `max` characters; `None` when absent (a problem when `required`).
    pub fn string(&mut self, name: &str, required: bool, max: usize) -> Option<String> {
        match self.map.get(name) {
            None => {
                if required {
                    self.problems.push(Detail::missing(&["body", name]));
                }
                None
            }
            Some(Value::String(s)) if s.chars().count() > max => {
                let mut d = Detail::new(
                    "string_too_long",
                    &["body", name],
                    format!("String should have at most {max} characters"),
                    Value::String(s.clone()),
                );
                d.ctx = Some(serde_json::json!({"max_length": max}));
                self.problems.push(d);
                None
            }
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                self.problems.push(Detail::new(
                    "string_type",
                    &["body", name],
                    "Input should be a valid string",
                    other.clone(),
                ));
                None
            }
        }
    }

    /// One of an enum's lowercase names (`ctx.expected` lists them).
    pub fn choice<T: serde::de::DeserializeOwned>(&mut self, name: &str, required: bool, names: &str) -> Option<T> {
        match self.map.get(name) {
            None => {
                if required {
                    self.problems.push(Detail::missing(&["body", name]));
                }
                None
            }
            Some(v) => match serde_json::from_value::<T>(v.clone()) {
                Ok(t) if v.is_string() => Some(t),
                _ => {
                    let mut d = Detail::new("enum", &["body", name], format!("Input should be {names}"), v.clone());
                    d.ctx = Some(serde_json::json!({"expected": names}));
                    self.problems.push(d);
                    None
                }
            },
        }
    }

    /// A UUID, or `null` (`Some(None)`); absent is `None`.
    pub fn uuid(&mut self, name: &str) -> Option<Option<Uuid>> {
        match self.map.get(name) {
            None => None,
            Some(Value::Null) => Some(None),
            Some(Value::String(s)) => match Uuid::parse_str(s) {
                Ok(u) => Some(Some(u)),
                Err(_) => {
                    self.problems.push(Detail::uuid(&["body", name], s));
                    None
                }
            },
            Some(other) => {
                self.problems.push(Detail::new(
                    "uuid_type",
                    &["body", name],
                    "UUID input should be a string, bytes or UUID object",
                    other.clone(),
                ));
                None
            }
        }
    }

    /// A JSON object.
    pub fn object(&mut self, name: &str) -> Option<Map<String, Value>> {
        match self.map.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Object(m)) => Some(m.clone()),
            Some(other) => {
                self.problems.push(Detail::new(
                    "dict_type",
                    &["body", name],
                    "Input should be a valid dictionary",
                    other.clone(),
                ));
                None
            }
        }
    }

    /// A boolean.
    pub fn boolean(&mut self, name: &str) -> Option<bool> {
        match self.map.get(name) {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => {
                self.problems.push(Detail::new(
                    "bool_type",
                    &["body", name],
                    "Input should be a valid boolean",
                    other.clone(),
                ));
                None
            }
        }
    }

    /// Fails with every problem found so far.
    pub fn done(&mut self) -> Result<(), TcError> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(TcError::Invalid(std::mem::take(&mut self.problems)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_collect_every_problem() {
        let mut b = Body::parse(br#"{"summary": 3, "status": "nope", "assignee_id": "x"}"#).unwrap_or_else(|_| Body {
            map: Map::new(),
            problems: Vec::new(),
        });
        assert_eq!(b.string("summary", true, 255), None);
        assert_eq!(b.string("description", true, 10), None);
        assert!(b.choice::<dossier_core::model::Status>("status", true, "x").is_none());
        assert_eq!(b.uuid("assignee_id"), None);
        let kinds: Vec<&str> = b.problems.iter().map(|d| d.kind).collect();
        assert_eq!(kinds, ["string_type", "missing", "enum", "uuid_parsing"]);
        assert!(Body::parse(b"[1]").is_err());
        assert!(Body::parse(b"{").is_err());
    }
}
