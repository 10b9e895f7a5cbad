//! Evidence: `/api/v1/cases/{id}/evidence` (upload or metadata record, list) and
//! `/api/v1/evidence/{id}` (read, change, delete, download).
//!
//! Uploads are `multipart/form-data` and are streamed to the blob store part by part: the
//! application's body limit does not apply to that route, the core's `max_upload_bytes` does
//! (413 beyond it), each text part is bounded, and nothing is left behind when the body is cut
//! off. Any other body on that route is a JSON metadata record, bounded by the usual limit.

use axum::{
    Json,
    body::{Body, Bytes},
    extract::{DefaultBodyLimit, FromRequest as _, Multipart, Path, RawQuery, Request, State, multipart::Field},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use dossier_core::{
    Actor, Error, Key,
    model::{Evidence, EvidenceFilter, EvidencePatch, NewEvidence, Page, Timestamp},
};
use futures_util::StreamExt as _;
use http_body_util::BodyExt as _;
use tokio::io::AsyncReadExt as _;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{cases::with_etag, if_match, paging};
use crate::{
    error::{ApiError, ApiResult, Problem},
    extract::{Auth, JsonBody, QueryMap, key, parse_json},
    state::AppState,
};

/// The most bytes one text part of an upload may hold.
const MAX_TEXT_PART: usize = 1024 * 1024;

/// What an upload may carry besides the file: every text part at its limit, and framing.
const TEXT_ALLOWANCE: u64 = 9 * MAX_TEXT_PART as u64 + 64 * 1024;

/// Chunk size of a download.
const READ_CHUNK: usize = 64 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        // Uploads are bounded by `max_upload_bytes` while streaming; JSON bodies by hand.
        .layer(DefaultBodyLimit::disable())
        .merge(
            OpenApiRouter::new()
                .routes(routes!(get_one, update, delete))
                .routes(routes!(download)),
        )
}

/// An upload (`multipart/form-data`): the `file` part and optional text parts.
#[derive(ToSchema)]
#[allow(dead_code)]
struct UploadForm {
    /// The bytes. The part's file name becomes the evidence's name (base name only).
    #[schema(content_media_type = "application/octet-stream", value_type = String, format = Binary)]
    file: Vec<u8>,
    /// Overrides the part's file name.
    filename: Option<String>,
    description: Option<String>,
    type_id: Option<i64>,
    #[schema(value_type = Option<String>, format = DateTime)]
    acquired_at: Option<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    start_at: Option<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    end_at: Option<String>,
    /// JSON object or array.
    chain_of_custody: Option<String>,
    /// JSON object.
    custom: Option<String>,
}

fn too_large(detail: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", detail)
}

fn cut_off() -> ApiError {
    ApiError::bad_request(
        "upload_incomplete",
        "the upload ended before it was complete; nothing was stored",
    )
}

/// A multipart framing or transport error as a 4xx.
fn multipart_error(e: &axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large("the request body is too large")
    } else if e.status().is_client_error() {
        ApiError::bad_request(
            "malformed_multipart",
            format!("the multipart body is malformed: {}", e.body_text()),
        )
    } else {
        cut_off()
    }
}

/// Reads a text part of at most `MAX_TEXT_PART` bytes.
async fn text_part(mut field: Field<'_>, name: &str) -> ApiResult<String> {
    let mut buf = Vec::new();
    loop {
        match field.chunk().await {
            Ok(Some(c)) => {
                if buf.len() + c.len() > MAX_TEXT_PART {
                    return Err(too_large(format!(
                        "{name}: a text part holds at most {MAX_TEXT_PART} bytes"
                    )));
                }
                buf.extend_from_slice(&c);
            }
            Ok(None) => break,
            Err(e) => return Err(multipart_error(&e)),
        }
    }
    let s =
        String::from_utf8(buf).map_err(|_| ApiError::field(name, "invalid", format!("{name} must be UTF-8 text")))?;
    if s.contains('\0') {
        return Err(ApiError::field(
            name,
            "invalid",
            format!("{name} must not contain NUL characters"),
        ));
    }
    Ok(s)
}

fn opt(s: String) -> Option<String> {
    if s.trim().is_empty() { None } else { Some(s) }
}

fn time_part(name: &str, v: String) -> ApiResult<Option<Timestamp>> {
    match opt(v) {
        None => Ok(None),
        Some(v) => dossier_core::time::parse_rfc3339(&v)
            .map(|t| Some(Timestamp(t)))
            .ok_or_else(|| ApiError::field(name, "invalid", format!("{name}: `{v}` is not an RFC 3339 date-time"))),
    }
}

fn json_part(name: &str, v: String) -> ApiResult<Option<serde_json::Value>> {
    match opt(v) {
        None => Ok(None),
        Some(v) => serde_json::from_str(&v)
            .map(Some)
            .map_err(|e| ApiError::field(name, "invalid", format!("{name}: not valid JSON ({e})"))),
    }
}

/// Streams a multipart upload into the blob store, then records the evidence.
async fn upload(s: &AppState, a: &Actor, case: Key, req: Request) -> ApiResult<Evidence> {
    let max = s.core.max_upload_bytes();
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max.saturating_add(TEXT_ALLOWANCE)) {
        return Err(Error::PayloadTooLarge { limit: max }.into());
    }
    let mut form = Multipart::from_request(req, &())
        .await
        .map_err(|e| ApiError::bad_request("malformed_multipart", e.body_text()))?;
    let mut meta = NewEvidence::default();
    let mut staged = None;
    let mut part_name: Option<String> = None;
    let mut seen: Vec<String> = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(multipart_error(&e)),
        };
        let name = field.name().unwrap_or("").to_owned();
        if seen.contains(&name) {
            return Err(ApiError::field(
                name.clone(),
                "duplicate",
                format!("{name}: the part appears more than once"),
            ));
        }
        seen.push(name.clone());
        match name.as_str() {
            "file" => {
                part_name = Some(field.file_name().unwrap_or("").to_owned());
                let mut failure: Option<StatusCode> = None;
                let data = field.map(|chunk| {
                    chunk.map_err(|e| {
                        failure = Some(e.status());
                        std::io::Error::other(e.body_text())
                    })
                });
                let result = s.core.stage_evidence_upload(a, case, data).await;
                match (result, failure) {
                    (Ok(st), _) => staged = Some(st),
                    (Err(_), Some(StatusCode::PAYLOAD_TOO_LARGE)) => {
                        return Err(too_large("the request body is too large"));
                    }
                    (Err(_), Some(_)) => return Err(cut_off()),
                    (Err(e), None) => return Err(e.into()),
                }
            }
            "filename" => meta.filename = text_part(field, &name).await?,
            "description" => meta.description = opt(text_part(field, &name).await?),
            "type_id" => {
                meta.type_id = match opt(text_part(field, &name).await?) {
                    None => None,
                    Some(v) => Some(v.trim().parse::<i64>().map_err(|_| {
                        ApiError::field("type_id", "invalid", format!("type_id: `{v}` is not an integer"))
                    })?),
                }
            }
            "acquired_at" => meta.acquired_at = time_part(&name, text_part(field, &name).await?)?,
            "start_at" => meta.start_at = time_part(&name, text_part(field, &name).await?)?,
            "end_at" => meta.end_at = time_part(&name, text_part(field, &name).await?)?,
            "chain_of_custody" => meta.chain_of_custody = json_part(&name, text_part(field, &name).await?)?,
            "custom" => meta.custom = json_part(&name, text_part(field, &name).await?)?,
            other => {
                return Err(ApiError::field(
                    other.to_owned(),
                    "unknown_field",
                    format!(
                        "unknown part `{other}`; accepted: file, filename, description, type_id, acquired_at, \
                         start_at, end_at, chain_of_custody, custom"
                    ),
                ));
            }
        }
    }
    let staged = staged.ok_or_else(|| ApiError::field("file", "required", "the `file` part is required"))?;
    if meta.filename.trim().is_empty() {
        meta.filename = part_name.unwrap_or_default();
    }
    Ok(s.core.add_evidence_file(a, case, meta, staged).await?)
}

/// A JSON body of at most the configured body limit.
async fn json_record(s: &AppState, req: Request) -> ApiResult<NewEvidence> {
    if let Some(ct) = req.headers().get(header::CONTENT_TYPE) {
        let ct = ct.to_str().unwrap_or("").to_ascii_lowercase();
        if !(ct.starts_with("application/json") || ct.contains("+json")) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "the body must be multipart/form-data (an upload) or JSON (a metadata record)",
            ));
        }
    }
    let limit = s.config.max_body_bytes;
    let body = http_body_util::Limited::new(req.into_body(), limit);
    let bytes = body.collect().await.map_err(|e| {
        if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() {
            too_large("the request body is too large")
        } else {
            ApiError::bad_request("unreadable_body", format!("the request body could not be read: {e}"))
        }
    })?;
    parse_json(&bytes.to_bytes())
}

/// Add evidence to a case: upload a file (`multipart/form-data`, streamed; size and SHA-256
/// computed by the server) or record one without its bytes (JSON: `filename` required).
#[utoipa::path(post, path = "/api/v1/cases/{id}/evidence", tag = "evidence",
    params(("id" = String, Path, description = "Case number or UUID")),
    request_body(content((UploadForm = "multipart/form-data"), (NewEvidence = "application/json"))),
    responses((status = 201, description = "Created", body = Evidence), (status = 400, body = Problem),
        (status = 404, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
async fn create(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>, req: Request) -> ApiResult<Response> {
    let case = key(&id, "case")?;
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"));
    let ev = if multipart {
        upload(&s, &a, case, req).await?
    } else {
        let input = json_record(&s, req).await?;
        s.core.add_evidence(&a, case, input).await?
    };
    Ok(with_etag(ev.version, (StatusCode::CREATED, Json(ev))))
}

/// A case's evidence, newest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/evidence", tag = "evidence",
    params(("id" = String, Path, description = "Case number or UUID"),
        ("type" = Option<String>, Query, description = "Evidence type ids, comma-separated or repeated"),
        ("q" = Option<String>, Query, description = "Case-insensitive substring of file name or description"),
        ("has_file" = Option<bool>, Query, description = "Only uploads (true) or only metadata records (false)"),
        ("limit" = Option<u32>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = Page<Evidence>), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn list(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Page<Evidence>>> {
    let case = key(&id, "case")?;
    let q = QueryMap::parse(raw.as_deref());
    q.only(&["type", "q", "has_file", "limit", "cursor"])?;
    let (cursor, limit) = paging(&q)?;
    let type_ids = q
        .list("type")
        .iter()
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| ApiError::field("type", "invalid", format!("type: `{v}` is not an evidence type id")))
        })
        .collect::<ApiResult<Vec<i64>>>()?;
    let filter = EvidenceFilter {
        type_ids,
        q: q.get("q").map(str::to_owned),
        has_file: q.bool("has_file")?,
        limit,
        cursor,
    };
    Ok(Json(s.core.list_evidence(&a, case, filter).await?))
}

/// One evidence record, by number or id.
#[utoipa::path(get, path = "/api/v1/evidence/{id}", tag = "evidence",
    params(("id" = String, Path, description = "Evidence number or UUID")),
    responses((status = 200, body = Evidence), (status = 404, body = Problem)))]
async fn get_one(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>) -> ApiResult<Response> {
    let ev = s.core.get_evidence(&a, key(&id, "evidence")?).await?;
    Ok(with_etag(ev.version, Json(ev)))
}

/// Change an evidence record's metadata. Send the `version` you read (or `If-Match`).
#[utoipa::path(patch, path = "/api/v1/evidence/{id}", tag = "evidence", request_body = EvidencePatch,
    params(("id" = String, Path, description = "Evidence number or UUID")),
    responses((status = 200, body = Evidence), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn update(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(mut patch): JsonBody<EvidencePatch>,
) -> ApiResult<Response> {
    let k = key(&id, "evidence")?;
    if patch.version.is_none() {
        patch.version = if_match(&headers)?;
    }
    let ev = s.core.update_evidence(&a, k, patch).await?;
    Ok(with_etag(ev.version, Json(ev)))
}

/// Delete an evidence record; its stored file goes when nothing else uses the same bytes.
#[utoipa::path(delete, path = "/api/v1/evidence/{id}", tag = "evidence",
    params(("id" = String, Path, description = "Evidence number or UUID")),
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem)))]
async fn delete(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>) -> ApiResult<StatusCode> {
    s.core.delete_evidence(&a, key(&id, "evidence")?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>` (RFC 6266,
/// RFC 8187).
fn content_disposition(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() || c == ' ') && !matches!(c, '"' | '\\' | '%') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::with_capacity(name.len() * 3);
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// Download the stored file of an evidence record, with its name.
#[utoipa::path(get, path = "/api/v1/evidence/{id}/download", tag = "evidence",
    params(("id" = String, Path, description = "Evidence number or UUID")),
    responses((status = 200, description = "The bytes", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 404, body = Problem)))]
async fn download(State(s): State<AppState>, Auth(a): Auth, Path(id): Path<String>) -> ApiResult<Response> {
    let d = match s.core.open_evidence_file(&a, key(&id, "evidence")?).await {
        Err(Error::NotFound { entity: "stored file" }) => {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "no_file",
                "no file stored: this evidence is a metadata-only record",
            ));
        }
        other => other?,
    };
    let stream = futures_util::stream::unfold(Some(d.file), |file| async move {
        let mut file = file?;
        let mut buf = vec![0u8; READ_CHUNK];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(Bytes::from(buf)), Some(file)))
            }
            Err(e) => {
                tracing::error!(error = %e, "reading a stored evidence file failed");
                Some((Err(e), None))
            }
        }
    });
    let mut res = Body::from_stream(stream).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(d.size));
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    if let Ok(v) = HeaderValue::from_str(&content_disposition(&d.filename)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", d.sha256)) {
        h.insert(header::ETAG, v);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_disposition_quotes_and_encodes() {
        assert_eq!(
            content_disposition("report.pdf"),
            "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf"
        );
        assert_eq!(
            content_disposition("a \"b\"\\c%ü.txt"),
            "attachment; filename=\"a _b__c__.txt\"; filename*=UTF-8''a%20%22b%22%5Cc%25%C3%BC.txt"
        );
    }
}
