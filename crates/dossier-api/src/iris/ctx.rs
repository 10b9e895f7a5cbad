//! Who is calling, in which case, with what body: IRIS's lenient request rules.
//!
//! - Authentication failures are `401 Authentication required` in the envelope.
//! - The case (`cid`) comes from the query (`cid`, or the stray `?cid` key the client sends),
//!   then from a JSON body's `cid` (removed from the body), then the workspace's primary case.
//! - A case that does not exist, or that the caller may not write, is `403 Permission denied`.
//! - Bodies are read as a JSON object whatever the method; an empty body is `{}`; a GET body is
//!   never required. Integer fields take numbers or numeric strings.

use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Request},
    http::{Method, header, request::Parts},
};
use dossier_core::{Actor, Via};
use uuid::Uuid;

pub use super::fields::{Fields, lenient_int};
use super::wire::IrisError;
use crate::{extract::QueryMap, state::AppState};

/// The authenticated caller of an IRIS route that is not case-scoped.
pub struct IrisUser(pub Actor);

async fn actor(parts: &Parts, state: &AppState) -> Result<Actor, IrisError> {
    let ws = parts
        .headers
        .get("x-dossier-workspace")
        .and_then(|v| v.to_str().ok())
        .and_then(|s| Uuid::parse_str(s.trim()).ok());
    crate::extract::authenticate(state, parts, Via::Iris, ws)
        .await
        .map_err(|e| match e {
            dossier_core::Error::Unauthenticated | dossier_core::Error::Forbidden(_) => IrisError::unauthenticated(),
            other => IrisError::core(other, "Authentication required"),
        })
}

impl FromRequestParts<AppState> for IrisUser {
    type Rejection = IrisError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let actor = actor(parts, state).await?;
        // IRIS clients expect case 1 and customer 1 from their first call, whatever it is.
        state
            .core
            .primary_case(&actor)
            .await
            .map_err(|e| IrisError::core(e, "Invalid case ID"))?;
        Ok(IrisUser(actor))
    }
}

/// Reads a JSON body leniently: any content type, empty is `{}`.
async fn read_fields(req: Request, state: &AppState) -> Result<Fields, IrisError> {
    let bytes = Bytes::from_request(req, state).await.map_err(|e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            IrisError::new(e.status(), "The request body is too large", serde_json::json!([]))
        } else {
            IrisError::bad("The request body could not be read")
        }
    })?;
    Fields::parse(&bytes)
}

/// A path id: a positive integer. Anything else (negative, text, too large) is the route's
/// not-found error, as IRIS answers it.
pub fn path_id(raw: &str, not_found: &str) -> Result<i64, IrisError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0 && *n <= i64::from(i32::MAX) * 1_000_000)
        .ok_or_else(|| IrisError::bad(not_found))
}

/// A request on a case-scoped route: the caller, the case number and the body.
/// `WRITE` routes need write access to the case.
pub struct CaseReq<const WRITE: bool> {
    pub actor: Actor,
    /// The case number (IRIS `cid`).
    pub case: i64,
    pub body: Fields,
    pub query: QueryMap,
}

/// A case-scoped read (`R`).
pub type ReadCase = CaseReq<false>;
/// A case-scoped write (`W`).
pub type WriteCase = CaseReq<true>;

/// `cid` from the query: `cid` or the client's stray `?cid`; a non-integer or 0 is ignored.
pub fn query_cid(q: &QueryMap) -> Option<i64> {
    ["cid", "?cid"]
        .iter()
        .find_map(|k| q.get(k).and_then(|v| v.trim().parse::<i64>().ok()))
        .filter(|n| *n > 0)
}

/// The case a request addresses: query, then body (removing `cid` from it), then the primary
/// case. Returns the number and whether it was given explicitly.
pub async fn resolve_cid(
    state: &AppState,
    actor: &Actor,
    q: &QueryMap,
    body: &mut Fields,
) -> Result<(i64, bool), IrisError> {
    let from_body = body.0.remove("cid").and_then(|v| lenient_int(&v)).filter(|n| *n > 0);
    // Made on the first IRIS call of a workspace (remembered afterwards), so that a script's
    // first `?cid=1` on a fresh install finds case 1.
    let primary = state
        .core
        .primary_case(actor)
        .await
        .map_err(|e| IrisError::core(e, "Invalid case ID"))?;
    match query_cid(q).or(from_body) {
        Some(n) => Ok((n, true)),
        None => Ok((primary, false)),
    }
}

impl<const WRITE: bool> FromRequest<AppState> for CaseReq<WRITE> {
    type Rejection = IrisError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let actor = actor(&parts, state).await?;
        let query = QueryMap::parse(parts.uri.query());
        let json_body = parts.method != Method::GET
            || parts
                .headers
                .get(header::CONTENT_LENGTH)
                .is_some_and(|v| v.to_str().unwrap_or("0") != "0");
        let is_multipart = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("multipart/"));
        let mut fields = if json_body && !is_multipart {
            read_fields(Request::from_parts(parts, body), state).await?
        } else {
            Fields::default()
        };
        let (case, _) = resolve_cid(state, &actor, &query, &mut fields).await?;
        check_case(state, &actor, case, WRITE).await?;
        Ok(CaseReq {
            actor,
            case,
            body: fields,
            query,
        })
    }
}

/// The caller's effective access to the case (role, then groups, customer membership and a
/// per-user row, each overriding the one before): reads need read-only or full access, writes
/// full access and a role that writes. A case that does not exist is denied the same way.
pub async fn check_case(state: &AppState, actor: &Actor, case: i64, write: bool) -> Result<(), IrisError> {
    let level = state
        .core
        .case_access(actor, case)
        .await
        .map_err(|e| IrisError::core(e, "Permission denied"))?;
    let allowed = match level {
        None => false,
        Some(l) if write => l.can_write() && actor.require_write().is_ok(),
        Some(l) => l.can_read(),
    };
    if !allowed {
        return Err(IrisError::case_denied(actor.user_id.raw(), case));
    }
    Ok(())
}

/// A JSON body on a route that is not case-scoped (`cid` dropped, never required).
pub struct Body(pub Fields);

impl FromRequest<AppState> for Body {
    type Rejection = IrisError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let mut f = read_fields(req, state).await?;
        f.0.remove("cid");
        Ok(Body(f))
    }
}

/// The query string, parsed leniently.
pub struct Query(pub QueryMap);

impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = IrisError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Query(QueryMap::parse(parts.uri.query())))
    }
}

/// Server administrators only (IRIS `server_administrator`), answered as IRIS does.
pub fn require_admin(actor: &Actor) -> Result<(), IrisError> {
    actor.require_admin().map_err(|_| IrisError::denied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_ids_are_positive_integers() {
        assert_eq!(path_id("12", "x").ok(), Some(12));
        assert!(path_id("-1", "x").is_err());
        assert!(path_id("0", "x").is_err());
        assert!(path_id("abc", "x").is_err());
        assert_eq!(path_id("111155551111", "x").ok(), Some(111_155_551_111));
        assert!(path_id("99999999999999999999", "x").is_err());
    }
}
