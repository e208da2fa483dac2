//! Authentication: bearer JWTs (HS256 with a secret, RS256/ES256 with the identity provider's
//! public keys) and integrator API keys, turned into a domain [`Viewer`].
//!
//! jsonwebtoken's lax defaults are closed here: the algorithm is pinned by configuration, `exp` is
//! required, `nbf` is validated, `iss`/`aud` are *required* (not just checked when present) once
//! configured, the leeway is small, and HMAC secrets under 32 bytes are refused at start-up.

mod jwt;
mod keys;

pub use jwt::{AuthFailure, Claims, JwtVerifier, issue_token};
pub use keys::{KeyMaterial, load_key_material};

use crate::domain::Services;
use crate::domain::account::api_keys;
use crate::domain::account::organizations;
use crate::domain::kernel::viewer::{Credential, Principal, Role, Viewer};
use crate::error::AppError;

/// Verifies presented credentials.
pub struct Authenticator {
    verifier: JwtVerifier,
}

impl Authenticator {
    pub fn new(verifier: JwtVerifier) -> Self {
        Authenticator { verifier }
    }

    /// Resolves a bearer JWT to a viewer in its organization.
    pub async fn from_token(
        &self,
        services: &Services,
        token: &str,
    ) -> Result<Viewer, AuthFailure> {
        let claims = self.verifier.verify(token)?;
        let organization = match organizations::by_slug(services, &claims.org).await {
            Ok(org) => org,
            Err(AppError::NotFound(_)) => {
                return Err(AuthFailure::new("unknown organization", Some(&claims.sub)));
            }
            Err(_) => {
                return Err(AuthFailure::new(
                    "organization lookup failed",
                    Some(&claims.sub),
                ));
            }
        };
        let mut roles = Vec::new();
        for name in &claims.roles {
            match name.parse::<Role>() {
                Ok(role) if !roles.contains(&role) => roles.push(role),
                Ok(_) => {}
                Err(_) => {
                    tracing::warn!(subject = %claims.sub, role = %name, "ignoring an unknown role in a token")
                }
            }
        }
        Ok(Viewer::User(Principal {
            subject: claims.sub,
            organization_id: organization.id,
            organization_slug: organization.slug,
            roles,
            credential: Credential::Token,
        }))
    }

    /// Resolves an integrator API key.
    pub async fn from_api_key(
        &self,
        services: &Services,
        key: &str,
    ) -> Result<Viewer, AuthFailure> {
        match api_keys::authenticate(services, key).await {
            Ok(Some(principal)) => Ok(Viewer::User(principal)),
            Ok(None) => Err(AuthFailure::new("unknown or revoked API key", None)),
            Err(_) => Err(AuthFailure::new("API key lookup failed", None)),
        }
    }
}
