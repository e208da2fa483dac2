//! Loading verification keys, and generating the embedded default's HS256 secret once.

use std::path::{Path, PathBuf};

use jsonwebtoken::{DecodingKey, EncodingKey, jwk::JwkSet};

use crate::config::{AuthConfig, JwtAlgorithm};

/// Shortest HMAC secret accepted: 256 bits, the size of the HS256 output.
pub const MIN_SECRET_BYTES: usize = 32;

/// Keys for verifying tokens (and, with HS256, for minting them).
pub struct KeyMaterial {
    pub algorithm: JwtAlgorithm,
    /// `(kid, key)`; a token naming a `kid` is checked against that key only.
    pub decoding: Vec<(Option<String>, DecodingKey)>,
    /// Present for HS256 only: Accord can mint tokens when it holds the shared secret.
    pub encoding: Option<EncodingKey>,
    /// Where a generated secret was written, to tell the operator.
    pub generated_secret: Option<PathBuf>,
}

/// Where the embedded default keeps its generated secret.
pub fn generated_secret_path(data_dir: &Path) -> PathBuf {
    data_dir.join("secrets").join("jwt-hs256.key")
}

/// Loads keys as configured; refuses weak secrets and configurations without any key.
pub fn load_key_material(config: &AuthConfig, data_dir: &Path) -> anyhow::Result<KeyMaterial> {
    match config.algorithm {
        JwtAlgorithm::HS256 => load_hmac(config, data_dir),
        JwtAlgorithm::RS256 | JwtAlgorithm::ES256 => load_public_keys(config),
    }
}

fn load_hmac(config: &AuthConfig, data_dir: &Path) -> anyhow::Result<KeyMaterial> {
    let mut generated_secret = None;
    let secret: Vec<u8> = if let Some(secret) = &config.jwt_secret {
        secret.trim().as_bytes().to_vec()
    } else if let Some(file) = &config.jwt_secret_file {
        crate::secrets::read(file)?
    } else {
        let path = generated_secret_path(data_dir);
        let (secret, generated) = crate::secrets::read_or_generate(&path)?;
        if generated {
            generated_secret = Some(path);
        }
        secret
    };
    if secret.len() < MIN_SECRET_BYTES {
        anyhow::bail!(
            "the HS256 secret has {} bytes; at least {MIN_SECRET_BYTES} are required",
            secret.len()
        );
    }
    Ok(KeyMaterial {
        algorithm: JwtAlgorithm::HS256,
        decoding: vec![(None, DecodingKey::from_secret(&secret)?)],
        encoding: Some(EncodingKey::from_secret(&secret)?),
        generated_secret,
    })
}

fn load_public_keys(config: &AuthConfig) -> anyhow::Result<KeyMaterial> {
    let mut decoding = Vec::new();
    for file in &config.public_key_files {
        let pem = std::fs::read(file)
            .map_err(|err| anyhow::anyhow!("cannot read public key {}: {err}", file.display()))?;
        let key = match config.algorithm {
            JwtAlgorithm::RS256 => DecodingKey::from_rsa_pem(&pem),
            _ => DecodingKey::from_ec_pem(&pem),
        }
        .map_err(|err| anyhow::anyhow!("{} is not a usable public key: {err}", file.display()))?;
        decoding.push((None, key));
    }
    if let Some(file) = &config.jwks_file {
        let text = std::fs::read_to_string(file)
            .map_err(|err| anyhow::anyhow!("cannot read JWKS {}: {err}", file.display()))?;
        let set: JwkSet = serde_json::from_str(&text)
            .map_err(|err| anyhow::anyhow!("{} is not a JWKS document: {err}", file.display()))?;
        for jwk in &set.keys {
            let key = DecodingKey::from_jwk(jwk).map_err(|err| {
                anyhow::anyhow!("a key in {} is not usable: {err}", file.display())
            })?;
            decoding.push((jwk.common.key_id.clone(), key));
        }
    }
    if decoding.is_empty() {
        anyhow::bail!(
            "auth.algorithm = {:?} needs auth.public_key_files or auth.jwks_file",
            config.algorithm
        );
    }
    Ok(KeyMaterial {
        algorithm: config.algorithm,
        decoding,
        encoding: None,
        generated_secret: None,
    })
}
