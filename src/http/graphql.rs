//! The GraphQL endpoint.
//!
//! - POST only with `Content-Type: application/json` (a `text/plain` form post is a CSRF vector:
//!   async-graphql would parse any non-multipart body as JSON), body read under a size limit (413).
//! - GET runs queries only: a mutation over GET is refused with 405.
//! - Batches are off unless configured, and capped when on.
//! - Execution runs under a wall-clock timeout; every error leaves with an `extensions.code`.

use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, http::header, web};
use async_graphql::{
    BatchRequest, BatchResponse, Request, Response, Variables,
    parser::{parse_query, types::OperationType},
};
use serde::Deserialize;

use super::AppState;
use super::admission::admit;
use super::body::{BodyError, read_limited};
use super::response::error;
use super::response_cache;
use crate::domain::kernel::viewer::Viewer;
use crate::error_code::ErrorCode;
use crate::graphql::errors::{coded_error, finalize_errors};
use crate::graphql::nesting;

pub async fn post(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    if !is_json(&req) {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "POST /graphql needs Content-Type: application/json",
        );
    }
    let viewer = match admit(&req, &state).await {
        Ok(viewer) => viewer,
        Err(refusal) => return refusal.into_response(),
    };
    let limit = state.config.graphql.max_body_bytes;
    let body = match read_limited(&req, payload, limit).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::PayloadTooLarge,
                &format!("request body exceeds {limit} bytes"),
            );
        }
        Err(BodyError::Broken) => {
            return error(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadRequest,
                "request body could not be read",
            );
        }
    };
    let batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(batch) => batch,
        Err(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadRequest,
                "body must be a GraphQL request: {\"query\": ..., \"variables\": ..., \"operationName\": ...}",
            );
        }
    };
    match batch {
        BatchRequest::Single(request) => execute_single(&state, &viewer, request).await,
        BatchRequest::Batch(requests) => {
            let max = state.config.graphql.max_batch;
            if max <= 1 {
                return error(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::BatchNotAllowed,
                    "batched requests are disabled",
                );
            }
            if requests.len() > max {
                return error(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::BatchTooLarge,
                    &format!("a batch may hold at most {max} operations"),
                );
            }
            let mut responses = Vec::with_capacity(requests.len());
            for request in requests {
                responses.push(execute(&state, &viewer, request).await);
            }
            respond_json(&BatchResponse::Batch(responses))
        }
    }
}

/// Query-string form of a GraphQL request.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetParams {
    query: String,
    operation_name: Option<String>,
    variables: Option<String>,
}

pub async fn get(
    req: HttpRequest,
    params: web::Query<GetParams>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let params = params.into_inner();
    if runs_mutation(&params.query, params.operation_name.as_deref()) {
        let mut refused = error(
            StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::MethodNotAllowed,
            "mutations must be sent with POST",
        );
        refused
            .headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
        return refused;
    }
    let variables = match params
        .variables
        .as_deref()
        .map(serde_json::from_str::<serde_json::Value>)
    {
        None => Variables::default(),
        Some(Ok(value)) => Variables::from_json(value),
        Some(Err(_)) => {
            return error(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadRequest,
                "variables must be a JSON object",
            );
        }
    };
    let viewer = match admit(&req, &state).await {
        Ok(viewer) => viewer,
        Err(refusal) => return refusal.into_response(),
    };
    let mut request = Request::new(params.query).variables(variables);
    if let Some(name) = params.operation_name {
        request = request.operation_name(name);
    }
    execute_single(&state, &viewer, request).await
}

/// Runs one request, answering from (and filling) the organization's response cache when the
/// request only reads the crosswalk read model and the catalogs.
async fn execute_single(state: &AppState, viewer: &Viewer, request: Request) -> HttpResponse {
    let cached = state
        .config
        .graphql
        .response_cache
        .then(|| response_cache::key(viewer, &request))
        .flatten();
    let Some((organization_id, key)) = cached else {
        return respond(execute(state, viewer, request).await);
    };
    let model = match state
        .services
        .read_model
        .organization(&state.services, organization_id)
        .await
    {
        Ok(model) => model,
        Err(_) => return respond(execute(state, viewer, request).await),
    };
    if let Some(body) = model.response(key) {
        return HttpResponse::Ok()
            .content_type("application/json")
            .body(body.to_vec());
    }
    let response = execute(state, viewer, request).await;
    if !response.errors.is_empty() {
        return respond(response);
    }
    match serde_json::to_vec(&response) {
        Ok(bytes) => {
            let body: std::sync::Arc<[u8]> = bytes.into();
            model.keep_response(key, body.clone());
            HttpResponse::Ok()
                .content_type("application/json")
                .body(body.to_vec())
        }
        Err(_) => respond(response),
    }
}

/// True when the operation that would run is not a query. A document that does not parse, or
/// nests too deep to parse safely, is left to the executor, which refuses it with its code.
fn runs_mutation(query: &str, operation_name: Option<&str>) -> bool {
    if nesting::check(query, nesting::MAX_NESTING).is_err() {
        return false;
    }
    let Ok(document) = parse_query(query) else {
        return false;
    };
    document.operations.iter().any(|(name, operation)| {
        let selected = match operation_name {
            Some(wanted) => name.is_some_and(|n| n.as_str() == wanted),
            None => true,
        };
        selected && operation.node.ty != OperationType::Query
    })
}

fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

async fn execute(state: &AppState, viewer: &Viewer, request: Request) -> Response {
    let timeout = Duration::from_secs(state.config.graphql.timeout_secs.max(1));
    let request = request.data(viewer.clone());
    let mut response = match tokio::time::timeout(timeout, state.schema.execute(request)).await {
        Ok(response) => response,
        Err(_) => Response::from_errors(vec![coded_error("request timed out", ErrorCode::Timeout)]),
    };
    finalize_errors(&mut response.errors);
    log_refusals(viewer, &response);
    response
}

/// Authentication and authorization refusals are logged with who was refused and why.
fn log_refusals(viewer: &Viewer, response: &Response) {
    for error in &response.errors {
        let code = error
            .extensions
            .as_ref()
            .and_then(|ext| ext.get("code"))
            .map(|code| code.to_string());
        if let Some(code) = code.filter(|c| {
            c.contains(ErrorCode::Forbidden.as_str())
                || c.contains(ErrorCode::Unauthenticated.as_str())
        }) {
            tracing::warn!(
                subject = %viewer.describe(),
                code = %code.trim_matches('"'),
                reason = %error.message,
                path = ?error.path,
                "request refused"
            );
        }
    }
}

fn respond(response: Response) -> HttpResponse {
    respond_json(&response)
}

fn respond_json<T: serde::Serialize>(body: &T) -> HttpResponse {
    match serde_json::to_vec(body) {
        Ok(bytes) => HttpResponse::Ok()
            .content_type("application/json")
            .body(bytes),
        Err(err) => {
            tracing::error!(%err, "cannot serialize a GraphQL response");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
                "internal error",
            )
        }
    }
}
