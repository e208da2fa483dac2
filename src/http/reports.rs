//! `GET /reports/{kind}?format=&period=&businessUnit=&aiSystems=&framework=&table=`: a report of
//! the caller's organization, built now, as a download (readers: admin, editor, auditor,
//! executive). `GET /report-runs/{id}/{format}?table=`: a stored run's output, byte for byte as
//! it was stored and attached to the emails.

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use serde::Deserialize;

use super::AppState;
use super::admission::admit;
use super::response::app_error;
use crate::domain::reports::render::Format;
use crate::domain::reports::scope::Scope;
use crate::domain::reports::{self, ReportKind, Request, stored};
use crate::error::{AppError, AppResult};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportParams {
    format: Option<String>,
    period: Option<String>,
    business_unit: Option<String>,
    /// Comma-separated AI system ids.
    ai_systems: Option<String>,
    framework: Option<String>,
    table: Option<String>,
}

#[derive(Deserialize)]
pub struct TableParam {
    table: Option<String>,
}

/// The HTML report styles itself inline (as email needs) and runs no script.
const REPORT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'";

fn ai_system_ids(list: Option<&str>) -> AppResult<Vec<i32>> {
    list.map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.split(',')
                .map(|id| {
                    id.trim().parse::<i32>().map_err(|_| {
                        AppError::rule(
                            "aiSystems",
                            "integer_list",
                            "aiSystems must be comma-separated AI system ids",
                        )
                    })
                })
                .collect()
        })
        .unwrap_or_else(|| Ok(Vec::new()))
}

fn download_response(media_type: &str, file_name: &str, body: Vec<u8>) -> HttpResponse {
    // Browsers show HTML, text and PDF inline; spreadsheets and CSV download.
    let disposition = if media_type.starts_with("text/html")
        || media_type.starts_with("text/plain")
        || media_type == "application/pdf"
        || media_type == "application/json"
    {
        "inline"
    } else {
        "attachment"
    };
    HttpResponse::Ok()
        .content_type(media_type.to_string())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("{disposition}; filename=\"{file_name}\""),
        ))
        .insert_header((header::CONTENT_SECURITY_POLICY, REPORT_CSP))
        .body(body)
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
        let request = Request {
            kind: ReportKind::named("kind", &kind)?,
            period: params.period.clone(),
            scope: Scope {
                business_unit: params.business_unit.clone(),
                ai_system_ids: ai_system_ids(params.ai_systems.as_deref())?,
                framework: params.framework.clone(),
            },
        };
        let built = reports::build(&state.services, &viewer, &request).await?;
        reports::render_blocking(built, format, params.table.clone()).await
    }
    .await;
    match result {
        Ok(rendered) => download_response(rendered.media_type, &rendered.file_name, rendered.body),
        Err(err) => app_error(err),
    }
}

pub async fn stored_output(
    req: HttpRequest,
    path: web::Path<(i32, String)>,
    params: web::Query<TableParam>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let viewer = match admit(&req, &state).await {
        Ok(viewer) => viewer,
        Err(refusal) => return refusal.into_response(),
    };
    let (run_id, format) = path.into_inner();
    let result = async {
        let format = Format::parse(&format)?;
        stored::output(
            &state.services,
            &viewer,
            run_id,
            format,
            params.table.as_deref(),
        )
        .await
    }
    .await;
    match result {
        Ok((media_type, file_name, content)) => download_response(&media_type, &file_name, content),
        Err(err) => app_error(err),
    }
}
