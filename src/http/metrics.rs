//! `POST /ingest/metrics`: monitoring pipelines push points as CSV (`text/csv`) or NDJSON
//! (`application/x-ndjson`), optionally gzip-compressed (`Content-Encoding: gzip`), up to
//! [`MAX_BODY_BYTES`] on the wire and [`MAX_INFLATED_BYTES`] inflated. All or nothing: `200`
//! with what was stored, `422` with every bad line (the first 100) and nothing stored, or `413`
//! past a size limit (body, inflated body, 64 KiB a line, 5,000,000 points).

use std::io::Read;

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, http::header, web};
use flate2::read::MultiGzDecoder;
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use super::admission::admit;
use super::body::{BodyError, read_limited};
use super::response::{app_error, error};
use crate::domain::kernel::access::Permission;
use crate::domain::metrics::ingest::Format;
use crate::domain::metrics::intake::{self, Pushed};
use crate::error_code::ErrorCode;

/// Largest request body (compressed or not).
pub const MAX_BODY_BYTES: usize = 256 * 1024 * 1024;
/// Largest inflated body: a small gzip body cannot expand without bound.
pub const MAX_INFLATED_BYTES: u64 = 1024 * 1024 * 1024;

#[derive(Deserialize)]
pub struct IngestParams {
    format: Option<String>,
}

/// A reader that fails once more than `left` bytes have been read through it.
struct Capped<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.left = self.left.checked_sub(n as u64).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::FileTooLarge,
                format!("the inflated body exceeds {MAX_INFLATED_BYTES} bytes; split it"),
            )
        })?;
        Ok(n)
    }
}

fn header_value(req: &HttpRequest, name: header::HeaderName) -> String {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

fn format_of(req: &HttpRequest, param: Option<&str>) -> Option<Format> {
    match param.map(str::to_ascii_lowercase).as_deref() {
        Some("csv") => return Some(Format::Csv),
        Some("ndjson" | "jsonl") => return Some(Format::Ndjson),
        Some(_) => return None,
        None => {}
    }
    match header_value(req, header::CONTENT_TYPE).as_str() {
        "text/csv" => Some(Format::Csv),
        "application/x-ndjson" | "application/ndjson" | "application/jsonl" => Some(Format::Ndjson),
        _ => None,
    }
}

pub async fn ingest(
    req: HttpRequest,
    payload: web::Payload,
    params: web::Query<IngestParams>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let Some(format) = format_of(&req, params.format.as_deref()) else {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "send text/csv or application/x-ndjson (or ?format=csv|ndjson)",
        );
    };
    let gzip = match header_value(&req, header::CONTENT_ENCODING).as_str() {
        "" | "identity" => false,
        "gzip" | "x-gzip" => true,
        _ => {
            return error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "the only content encoding accepted is gzip",
            );
        }
    };
    let viewer = match admit(&req, &state).await {
        Ok(viewer) => viewer,
        Err(refusal) => return refusal.into_response(),
    };
    // Refused before the body is read: a caller without the permission buffers nothing.
    if let Err(err) = viewer.require(Permission::IngestMetrics) {
        return app_error(err);
    }
    let body = match read_limited(&req, payload, MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::PayloadTooLarge,
                "the body is larger than 256 MiB; split it",
            );
        }
        Err(BodyError::Broken) => {
            return error(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadRequest,
                "body could not be read",
            );
        }
    };
    let reader: Box<dyn Read + Send> = if gzip {
        Box::new(MultiGzDecoder::new(std::io::Cursor::new(body)))
    } else {
        Box::new(std::io::Cursor::new(body))
    };
    let reader = Capped {
        inner: reader,
        left: MAX_INFLATED_BYTES,
    };
    match intake::push_stream(&state.services, &viewer, format, reader, "http").await {
        Ok(Pushed::Stored(report)) => HttpResponse::Ok().json(json!({
            "points": report.points,
            "series": report.series,
            "chunks": report.chunks,
            "from": report.from,
            "to": report.to,
            "batchId": report.batch_id,
        })),
        Ok(Pushed::Rejected { errors, total }) => HttpResponse::UnprocessableEntity().json(json!({
            "errors": [{
                "message": format!("{total} bad line(s); nothing was stored"),
                "extensions": { "code": ErrorCode::Validation.as_str() },
            }],
            "badLines": total,
            "lines": errors,
        })),
        Ok(Pushed::TooLarge(message)) => error(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            &message,
        ),
        Err(err) => app_error(err),
    }
}
