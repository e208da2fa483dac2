//! `GET /reports/{kind}?format=html|text|json`: a report of the caller's organization, built now,
//! as a download (readers: admin, editor, auditor, executive). `GET /report-runs/{id}/{format}`:
//! a stored run's output, byte for byte as it was attached to the emails.

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use serde::Deserialize;

use super::AppState;
use super::admission::admit;
use super::response::app_error;
use crate::domain::reports;
use crate::domain::reports::render::Format;

#[derive(Deserialize)]
pub struct ReportParams {
    format: Option<String>,
}

pub async fn download(
    req: HttpRequest,
    kind: web::Path<String>,
    params: web::Query<ReportParams>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let viewer = match admit(&req, &state).await {
        Ok(viewer) => viewer,
        Err(refusal) => return refusal.into_response(),
    };
    let result = async {
        let format = Format::parse(params.format.as_deref().unwrap_or("html"))?;
        reports::build(&state.services, &viewer, &kind, format).await
    }
    .await;
    match result {
        Ok(rendered) => HttpResponse::Ok()
            .content_type(rendered.media_type)
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{}\"", rendered.file_name),
            ))
            // The HTML report styles itself inline (as email needs) and runs no script.
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
            ))
            .body(rendered.body),
        Err(err) => app_error(err),
    }
}

pub async fn stored_output(
    req: HttpRequest,
    path: web::Path<(i32, String)>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let viewer = match admit(&req, &state).await {
        Ok(viewer) => viewer,
        Err(refusal) => return refusal.into_response(),
    };
    let (run_id, format) = path.into_inner();
    let result = async {
        let format = Format::parse(&format)?;
        crate::domain::delivery::runs::output(&state.services, &viewer, run_id, format).await
    }
    .await;
    match result {
        Ok((media_type, content)) => HttpResponse::Ok()
            .content_type(media_type)
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
            ))
            .body(content),
        Err(err) => app_error(err),
    }
}
