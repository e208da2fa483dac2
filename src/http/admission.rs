//! Admission of an API request: authenticate, then rate-limit by subject. Failed authentications
//! are charged to the client IP so guessing credentials is limited too.

use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, http::header};

use super::AppState;
use super::authn::authenticate;
use super::response::error;
use crate::domain::kernel::viewer::{Credential, Viewer};
use crate::error_code::ErrorCode;

/// Why a request was not admitted.
#[derive(Debug)]
pub enum Refusal {
    Unauthenticated,
    RateLimited { retry_after: Duration },
}

impl Refusal {
    /// The HTTP answer: a generic 401 (the reason is only logged) or a 429 with `Retry-After`.
    pub fn into_response(self) -> HttpResponse {
        match self {
            Refusal::Unauthenticated => {
                let mut response = error(
                    StatusCode::UNAUTHORIZED,
                    ErrorCode::Unauthenticated,
                    "invalid or expired credentials",
                );
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static("Bearer"),
                );
                response
            }
            Refusal::RateLimited { retry_after } => {
                let mut response = error(
                    StatusCode::TOO_MANY_REQUESTS,
                    ErrorCode::RateLimited,
                    "rate limit exceeded; retry later",
                );
                let seconds = retry_after.as_secs().max(1).to_string();
                if let Ok(value) = header::HeaderValue::from_str(&seconds) {
                    response.headers_mut().insert(header::RETRY_AFTER, value);
                }
                response
            }
        }
    }
}

/// The viewer of an admitted request, or why it is refused.
pub async fn admit(req: &HttpRequest, state: &AppState) -> Result<Viewer, Refusal> {
    let ip_subject = || {
        format!(
            "ip:{}",
            req.peer_addr()
                .map(|a| a.ip().to_string())
                .unwrap_or_default()
        )
    };
    let Some(viewer) = authenticate(req, state).await else {
        limit(state, &ip_subject())?;
        return Err(Refusal::Unauthenticated);
    };
    let subject = match &viewer {
        Viewer::User(p) => match p.credential {
            Credential::Token => format!("sub:{}:{}", p.organization_id, p.subject),
            Credential::ApiKey { id } => format!("key:{id}"),
        },
        _ => ip_subject(),
    };
    limit(state, &subject)?;
    Ok(viewer)
}

fn limit(state: &AppState, subject: &str) -> Result<(), Refusal> {
    state.rate_limiter.check(subject).map_err(|retry_after| {
        tracing::warn!(%subject, "rate limit exceeded");
        Refusal::RateLimited { retry_after }
    })
}
