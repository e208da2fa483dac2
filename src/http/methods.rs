//! What a path answers to a method it does not serve, and to a path that does not exist, in the
//! same JSON error shape as every other refusal.

use actix_web::{
    HttpRequest, HttpResponse, Resource, http::Method, http::StatusCode, http::header, web,
};

use super::response::error;
use crate::error_code::ErrorCode;

pub const GET: &str = "GET, OPTIONS";
pub const POST: &str = "POST, OPTIONS";
pub const GET_POST: &str = "GET, POST, OPTIONS";

/// A resource whose unmatched methods answer 405 (or 204 for `OPTIONS`) with `Allow: allow`.
pub fn resource(path: &str, allow: &'static str) -> Resource {
    web::resource(path).default_service(web::to(move |req: HttpRequest| async move {
        other_method(&req, allow)
    }))
}

fn other_method(req: &HttpRequest, allow: &'static str) -> HttpResponse {
    if req.method() == Method::OPTIONS {
        return HttpResponse::NoContent()
            .insert_header((header::ALLOW, allow))
            .finish();
    }
    let mut refused = error(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
        &format!("{} is not allowed here; use {allow}", req.method()),
    );
    if let Ok(value) = header::HeaderValue::from_str(allow) {
        refused.headers_mut().insert(header::ALLOW, value);
    }
    refused
}

/// Any path Accord does not serve.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    error(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        &format!("no such path: {}", req.path()),
    )
}
