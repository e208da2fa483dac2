//! Download and upload endpoints for integrators:
//! - `GET /exports/crosswalk.csv?from=&to=&via=` and `GET /exports/oscal/mapping.json?from=&to=&via=`
//! - `GET /exports/oscal/catalog/{slug}.json?version=`
//! - `POST /imports/crosswalk?format=csv|oscal&from=&to=` (body: the file; `text/csv` or
//!   `application/json`), all or nothing: 422 with every bad row when any row is bad.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, http::header, web};
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use super::admission::admit;
use super::body::{BodyError, read_limited};
use super::response::{app_error, error};
use crate::domain::interchange::export::{self, ExportFormat, Rendered};
use crate::domain::interchange::import::{self, Format, ImportOutcome, MAX_IMPORT_BYTES};
use crate::error_code::ErrorCode;

#[derive(Deserialize)]
pub struct CrosswalkParams {
    from: String,
    to: String,
    via: Option<String>,
}

#[derive(Deserialize)]
pub struct CatalogParams {
    version: Option<String>,
}

#[derive(Deserialize)]
pub struct ImportParams {
    format: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

fn download(rendered: Rendered) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(rendered.content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", rendered.file_name),
        ))
        .body(rendered.body)
}

async fn crosswalk_export(
    req: &HttpRequest,
    state: &AppState,
    params: CrosswalkParams,
    format: ExportFormat,
) -> HttpResponse {
    let viewer = match admit(req, state).await {
        Ok(viewer) => viewer,
        Err(refusal) => return refusal.into_response(),
    };
    let services = &state.services;
    let result = async {
        let from = services.catalog.framework(&params.from, None)?;
        let to = services.catalog.framework(&params.to, None)?;
        let via = export::parse_via(params.via.as_deref())?;
        export::crosswalk(services, &viewer, from, to, via, format).await
    }
    .await;
    match result {
        Ok(rendered) => download(rendered),
        Err(err) => app_error(err),
    }
}

pub async fn crosswalk_csv(
    req: HttpRequest,
    params: web::Query<CrosswalkParams>,
    state: web::Data<AppState>,
) -> HttpResponse {
    crosswalk_export(&req, &state, params.into_inner(), ExportFormat::Csv).await
}

pub async fn crosswalk_oscal(
    req: HttpRequest,
    params: web::Query<CrosswalkParams>,
    state: web::Data<AppState>,
) -> HttpResponse {
    crosswalk_export(&req, &state, params.into_inner(), ExportFormat::Oscal).await
}

pub async fn catalog_oscal(
    req: HttpRequest,
    path: web::Path<String>,
    params: web::Query<CatalogParams>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let viewer = match admit(&req, &state).await {
        Ok(viewer) => viewer,
        Err(refusal) => return refusal.into_response(),
    };
    let slug = path.into_inner();
    let slug = slug.strip_suffix(".json").unwrap_or(&slug);
    let services = &state.services;
    let result = services
        .catalog
        .framework(slug, params.version.as_deref())
        .and_then(|framework| export::catalog(services, &viewer, framework));
    match result {
        Ok(rendered) => download(rendered),
        Err(err) => app_error(err),
    }
}

pub async fn crosswalk_import(
    req: HttpRequest,
    payload: web::Payload,
    params: web::Query<ImportParams>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let essence = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    // Only non-"simple" media types: a cross-site form cannot send them without a preflight.
    let content_format = match essence.as_str() {
        "text/csv" => Format::Csv,
        "application/json" => Format::Oscal,
        _ => {
            return error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "send the file as text/csv or application/json",
            );
        }
    };
    let viewer = match admit(&req, &state).await {
        Ok(viewer) => viewer,
        Err(refusal) => return refusal.into_response(),
    };
    let body = match read_limited(&req, payload, MAX_IMPORT_BYTES).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::PayloadTooLarge,
                "import file too large",
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
    let Ok(text) = std::str::from_utf8(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadRequest,
            "the file must be UTF-8 text",
        );
    };
    let params = params.into_inner();
    let services = &state.services;
    let result = async {
        let format = match params.format.as_deref() {
            Some(f) => match f.parse::<ExportFormat>()? {
                ExportFormat::Csv => Format::Csv,
                ExportFormat::Oscal => Format::Oscal,
            },
            None => content_format,
        };
        let from = params
            .from
            .as_deref()
            .map(|s| services.catalog.framework(s, None))
            .transpose()?;
        let to = params
            .to
            .as_deref()
            .map(|s| services.catalog.framework(s, None))
            .transpose()?;
        import::import(services, &viewer, format, text, from, to).await
    }
    .await;
    match result {
        Ok(ImportOutcome::Imported(report)) => HttpResponse::Ok().json(json!({
            "created": report.created,
            "updated": report.updated,
            "skippedInferred": report.skipped_inferred,
        })),
        Ok(ImportOutcome::Rejected(rows)) => HttpResponse::UnprocessableEntity().json(json!({
            "errors": [{
                "message": format!("{} bad row(s); nothing was imported", rows.len()),
                "extensions": { "code": ErrorCode::Validation.as_str() },
            }],
            "rows": rows.iter().map(|r| json!({ "location": r.location, "reason": r.reason })).collect::<Vec<_>>(),
        })),
        Err(err) => app_error(err),
    }
}
