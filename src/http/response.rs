//! JSON error bodies for failures outside GraphQL execution, in the GraphQL error shape so clients
//! read one format: `{"errors":[{"message":..., "extensions":{"code":...}}]}`.

use actix_web::{HttpResponse, http::StatusCode};
use serde_json::json;

/// An HTTP error response with a stable code.
pub fn error(status: StatusCode, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({
        "errors": [{ "message": message, "extensions": { "code": code } }]
    }))
}
