//! Turns a request's credentials into a [`Viewer`]: `Authorization: Bearer <jwt | api key>` or
//! `X-Api-Key: <api key>`. No credentials means an anonymous viewer (catalog reads may be public);
//! bad credentials are refused (see `admission`), and the reason is logged without the token.

use actix_web::{HttpRequest, http::header};

use super::AppState;
use crate::auth::AuthFailure;
use crate::domain::account::api_keys::KEY_PREFIX;
use crate::domain::kernel::viewer::Viewer;

/// Authenticates the request; `None` when credentials were presented and refused (the reason
/// is logged here, with the subject when known and never the token).
pub async fn authenticate(req: &HttpRequest, state: &AppState) -> Option<Viewer> {
    let api_key = req
        .headers()
        .get("x-api-key")
        .map(|v| v.to_str().unwrap_or(""));
    let authorization = req
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or(""));
    let services = &state.services;
    let outcome = match (api_key, authorization) {
        (None, None) => return Some(Viewer::Anonymous),
        (Some(key), None) => state.authenticator.from_api_key(services, key.trim()).await,
        (None, Some(value)) => match bearer(value) {
            Some(key) if key.starts_with(KEY_PREFIX) => {
                state.authenticator.from_api_key(services, key).await
            }
            Some(token) => state.authenticator.from_token(services, token).await,
            None => Err(AuthFailure::new("unsupported authorization scheme", None)),
        },
        (Some(_), Some(_)) => Err(AuthFailure::new("two credentials presented", None)),
    };
    match outcome {
        Ok(viewer) => Some(viewer),
        Err(failure) => {
            tracing::warn!(
                subject = failure.subject.as_deref().unwrap_or("-"),
                reason = failure.reason,
                peer = %req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default(),
                "authentication failed"
            );
            None
        }
    }
}

fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
        .filter(|t| !t.is_empty())
}
