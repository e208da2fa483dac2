//! `GET /lineage/{datasetId}.svg` (a picture of the dataset's lineage both ways) and
//! `GET /lineage/{datasetId}.json` (the same graph as W3C PROV-JSON), for auditors.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};

use super::AppState;
use super::admission::admit;
use super::response::{app_error, error};
use crate::domain::datasets::lineage::export;
use crate::error_code::ErrorCode;

pub async fn download(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let file = path.into_inner();
    let parsed = file
        .rsplit_once('.')
        .and_then(|(id, ext)| Some((id.parse::<i32>().ok()?, ext.to_ascii_lowercase())));
    let Some((dataset_id, extension)) = parsed.filter(|(_, e)| e == "svg" || e == "json") else {
        return error(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "ask for /lineage/{datasetId}.svg or /lineage/{datasetId}.json",
        );
    };
    let viewer = match admit(&req, &state).await {
        Ok(viewer) => viewer,
        Err(refusal) => return refusal.into_response(),
    };
    match export::around(&state.services, &viewer, dataset_id).await {
        Ok(around) if extension == "svg" => HttpResponse::Ok()
            .content_type("image/svg+xml")
            .body(export::svg(&around)),
        Ok(around) => HttpResponse::Ok()
            .content_type("application/json")
            .body(export::prov_json(&around).to_string()),
        Err(err) => app_error(err),
    }
}
