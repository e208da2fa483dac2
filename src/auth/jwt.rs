//! Verifying and minting bearer JWTs.

use jsonwebtoken::{
    Algorithm, DecodingKey, Header, Validation, decode, decode_header, encode, errors::ErrorKind,
};
use serde::{Deserialize, Serialize};

use super::keys::KeyMaterial;
use crate::config::{AuthConfig, JwtAlgorithm};

/// Accord's claims: who (`sub`), which organization (`org`, a slug) and which `roles`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub org: String,
    #[serde(default)]
    pub roles: Vec<String>,
    pub exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
}

/// Why a credential was refused: logged with the subject when known, never shown to the caller
/// (who gets a generic 401) and never containing the token.
#[derive(Debug, Clone)]
pub struct AuthFailure {
    pub reason: &'static str,
    pub subject: Option<String>,
}

impl AuthFailure {
    pub fn new(reason: &'static str, subject: Option<&str>) -> Self {
        AuthFailure {
            reason,
            subject: subject.map(str::to_string),
        }
    }
}

fn algorithm(alg: JwtAlgorithm) -> Algorithm {
    match alg {
        JwtAlgorithm::HS256 => Algorithm::HS256,
        JwtAlgorithm::RS256 => Algorithm::RS256,
        JwtAlgorithm::ES256 => Algorithm::ES256,
    }
}

/// Checks tokens against the configured keys with a strict validation.
pub struct JwtVerifier {
    algorithm: Algorithm,
    keys: Vec<(Option<String>, DecodingKey)>,
    validation: Validation,
}

impl JwtVerifier {
    pub fn new(config: &AuthConfig, keys: &KeyMaterial) -> JwtVerifier {
        let algorithm = algorithm(keys.algorithm);
        // `Validation::new` pins the algorithm list to exactly this one.
        let mut validation = Validation::new(algorithm);
        validation.leeway = config.leeway_secs;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        let mut required = vec!["exp", "sub"];
        match &config.issuer {
            Some(issuer) => {
                validation.set_issuer(&[issuer]);
                required.push("iss");
            }
            None => validation.iss = None,
        }
        match &config.audience {
            Some(audience) => {
                validation.set_audience(&[audience]);
                required.push("aud");
            }
            // Without a configured audience an `aud` claim cannot be checked against anything.
            None => validation.validate_aud = false,
        }
        validation.set_required_spec_claims(&required);
        JwtVerifier {
            algorithm,
            keys: keys.decoding.clone(),
            validation,
        }
    }

    /// Verifies signature, algorithm and claims.
    pub fn verify(&self, token: &str) -> Result<Claims, AuthFailure> {
        let header = decode_header(token).map_err(|_| AuthFailure::new("malformed token", None))?;
        if header.alg != self.algorithm {
            return Err(AuthFailure::new("algorithm not accepted", None));
        }
        let candidates = self
            .keys
            .iter()
            .filter(|(kid, _)| match (&header.kid, kid) {
                (Some(wanted), Some(have)) => wanted == have,
                _ => true,
            });
        let mut last = AuthFailure::new("no key matches the token", None);
        for (_, key) in candidates {
            match decode::<Claims>(token, key, &self.validation) {
                Ok(data) => return Ok(data.claims),
                Err(err) => {
                    last = AuthFailure::new(reason(err.kind()), None);
                    // Only a bad signature is worth trying the next key for.
                    if !matches!(err.kind(), ErrorKind::InvalidSignature) {
                        break;
                    }
                }
            }
        }
        Err(last)
    }
}

fn reason(kind: &ErrorKind) -> &'static str {
    match kind {
        ErrorKind::ExpiredSignature => "token expired",
        ErrorKind::ImmatureSignature => "token not yet valid",
        ErrorKind::InvalidIssuer => "wrong issuer",
        ErrorKind::InvalidAudience => "wrong audience",
        ErrorKind::InvalidSignature => "bad signature",
        ErrorKind::InvalidAlgorithm => "algorithm not accepted",
        ErrorKind::MissingRequiredClaim(_) => "missing required claim",
        _ => "malformed token",
    }
}

/// Mints an HS256 token (the embedded default, or any deployment that holds the shared secret).
pub fn issue_token(
    config: &AuthConfig,
    keys: &KeyMaterial,
    subject: &str,
    organization: &str,
    roles: &[String],
    ttl_secs: i64,
) -> anyhow::Result<String> {
    let Some(encoding) = &keys.encoding else {
        anyhow::bail!(
            "tokens for auth.algorithm = {:?} are minted by your identity provider, not by accord",
            keys.algorithm
        );
    };
    // Minting runs outside the domain (CLI, tests); tokens are checked against real time.
    let now = crate::domain::kernel::clock::Clock::system()
        .now()
        .timestamp();
    let claims = Claims {
        sub: subject.to_string(),
        org: organization.to_string(),
        roles: roles.to_vec(),
        exp: now + ttl_secs,
        nbf: Some(now),
        iat: Some(now),
        iss: config.issuer.clone(),
        aud: config.audience.clone(),
    };
    Ok(encode(&Header::new(Algorithm::HS256), &claims, encoding)?)
}
