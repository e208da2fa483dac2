//! JSON error bodies for failures outside GraphQL execution, in the GraphQL error shape so clients
//! read one format: `{"errors":[{"message":..., "extensions":{"code":...}}]}`.

use actix_web::{HttpResponse, http::StatusCode};
use serde_json::json;

use crate::error_code::ErrorCode;

/// An HTTP error response with a stable code.
pub fn error(status: StatusCode, code: ErrorCode, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({
        "errors": [{ "message": message, "extensions": { "code": code.as_str() } }]
    }))
}

/// A domain error as an HTTP response with the matching status; internals are logged, not sent.
pub fn app_error(err: crate::error::AppError) -> HttpResponse {
    use crate::error::AppError;
    let status = match &err {
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Validation { .. } => StatusCode::BAD_REQUEST,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        AppError::Internal(source) => {
            tracing::error!(error = ?source, "internal error in an HTTP handler");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    let (field, rule) = err.field_and_rule();
    let mut extensions = json!({ "code": err.code().as_str() });
    if let Some(field) = field {
        extensions["field"] = json!(field);
    }
    if let Some(rule) = rule {
        extensions["rule"] = json!(rule);
    }
    HttpResponse::build(status).json(json!({
        "errors": [{ "message": err.to_string(), "extensions": extensions }]
    }))
}
