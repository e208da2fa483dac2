//! Artefact files: `POST /uploads/artifact?kind=&title=&aiSystemId=&modelVersionId=&controlId=`
//! with the file as the body (any media type but form types, up to 10 MiB), and
//! `GET /artifacts/{id}/content` to download a stored file.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, http::header, web};
use serde::Deserialize;

use super::AppState;
use super::admission::admit;
use super::body::{BodyError, read_limited};
use super::response::{app_error, error};
use crate::domain::artifacts::{self, ArtifactKind, MAX_CONTENT_BYTES, NewArtifact};
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::error_code::ErrorCode;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadParams {
    kind: String,
    title: String,
    ai_system_id: Option<i32>,
    model_version_id: Option<i32>,
    control_id: Option<i32>,
}

pub async fn upload(
    req: HttpRequest,
    payload: web::Payload,
    params: web::Query<UploadParams>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let media_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
        .unwrap_or_else(|| "application/octet-stream".into());
    // Media types a cross-site HTML form can send are refused, so uploads always need a preflight.
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if matches!(
        essence.as_str(),
        "application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain"
    ) {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "send the file with its own media type (e.g. application/pdf)",
        );
    }
    let viewer = match admit(&req, &state).await {
        Ok(viewer) => viewer,
        Err(refusal) => return refusal.into_response(),
    };
    let body = match read_limited(&req, payload, MAX_CONTENT_BYTES).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::PayloadTooLarge,
                "artefact files are limited to 10 MiB",
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
    let params = params.into_inner();
    let kind = match ArtifactKind::parse("kind", &params.kind) {
        Ok(kind) => kind,
        Err(err) => return app_error(err),
    };
    let input = NewArtifact {
        kind,
        title: params.title,
        ai_system_id: params.ai_system_id,
        model_version_id: params.model_version_id,
        control_id: params.control_id,
        media_type: Some(media_type),
        uri: None,
        sha256: None,
        size: None,
        content: Some(body.to_vec()),
    };
    match artifacts::add(&state.services, &viewer, input).await {
        Ok(artifact) => HttpResponse::Created().json(serde_json::json!({
            "id": artifact.id,
            "version": artifact.version,
            "sha256": artifact.sha256,
            "size": artifact.size,
        })),
        Err(err) => app_error(err),
    }
}

pub async fn content(
    req: HttpRequest,
    path: web::Path<i32>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let viewer = match admit(&req, &state).await {
        Ok(viewer) => viewer,
        Err(refusal) => return refusal.into_response(),
    };
    match artifacts::content(&state.services, &viewer, path.into_inner()).await {
        Ok((artifact, bytes)) => HttpResponse::Ok()
            .content_type(
                artifact
                    .media_type
                    .unwrap_or_else(|| "application/octet-stream".into()),
            )
            .insert_header(("X-Content-SHA256", artifact.sha256))
            .insert_header((header::CONTENT_DISPOSITION, "attachment"))
            .body(bytes),
        Err(err) => app_error(err),
    }
}
