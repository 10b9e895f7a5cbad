//! Error rendering every dialect shares: the HTTP status of a core error, the text a client
//! may see for it, and the `Retry-After` it carries. Each dialect wraps these in its own body
//! (native problem JSON in `crate::error`, IRIS's envelope in `iris::wire`).

use axum::http::StatusCode;
use dossier_core::Error;

/// HTTP status for a core error; shared by dialects that keep HTTP semantics.
pub fn status_of(e: &Error) -> StatusCode {
    match e {
        Error::NotFound { .. } => StatusCode::NOT_FOUND,
        Error::Forbidden(_) => StatusCode::FORBIDDEN,
        Error::Unauthenticated => StatusCode::UNAUTHORIZED,
        Error::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
        Error::Conflict(_) => StatusCode::CONFLICT,
        Error::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        Error::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The text a client may see for a core error (internal causes are logged, not shown).
pub fn public_detail(e: &Error) -> String {
    match e {
        Error::Internal(cause) => {
            tracing::error!(cause = %cause, "internal error");
            "an internal error occurred; the request id identifies it in the server log".into()
        }
        Error::Unavailable(cause) => {
            tracing::warn!(cause = %cause, "service unavailable");
            "the service is temporarily unavailable; retry shortly".into()
        }
        Error::Validation(fields) if fields.len() == 1 => fields[0].message.clone(),
        Error::Validation(fields) => format!("{} fields are invalid", fields.len()),
        other => other.to_string(),
    }
}

/// Seconds a client should wait before retrying, for the errors that have one.
pub fn retry_after(e: &Error) -> Option<u64> {
    match e {
        Error::RateLimited { retry_after_secs } => Some(*retry_after_secs),
        Error::Unavailable(_) => Some(1),
        _ => None,
    }
}
