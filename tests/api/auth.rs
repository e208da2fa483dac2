//! Authentication over HTTP: each attack class on bearer tokens is refused with its code.

use accord::config::JwtAlgorithm;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::Utc;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(
    missing_and_garbage_credentials_are_refused,
    forged_and_stale_tokens_are_refused,
    issuer_and_audience_are_required_when_configured,
    rs256_es256_and_jwks_tokens_are_verified,
    algorithm_confusion_is_refused,
    private_catalog_needs_a_token,
);

const ME: &str = "{ me { subject roles credential organization { slug } } }";

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/keys")
        .join(name)
}

fn claims(org: &str, exp_offset: i64) -> Value {
    let now = Utc::now().timestamp();
    json!({ "sub": "mallory", "org": org, "roles": ["admin"], "exp": now + exp_offset })
}

fn hs256(secret: &[u8], claims: &Value) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret).expect("key"),
    )
    .expect("token")
}

async fn assert_refused(app: &TestApp, token: &str, why: &str) {
    let (status, body) = app.graphql_as(token, ME, json!({})).await;
    assert_eq!(status, 401, "{why}: {body}");
    assert_eq!(error_code(&body), "UNAUTHENTICATED", "{why}");
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert_eq!(
        message, "invalid or expired credentials",
        "generic body for {why}"
    );
}

async fn missing_and_garbage_credentials_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_org("acme").await;

    let anonymous = app.graphql(ME, json!({})).await;
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");
    let anonymous_mutation = app
        .graphql(r#"mutation { createApiKey(name: "x") { key } }"#, json!({}))
        .await;
    assert_eq!(error_code(&anonymous_mutation), "UNAUTHENTICATED");

    assert_refused(&app, "garbage", "garbage token").await;
    assert_refused(&app, "a.b.c", "three garbage segments").await;

    // alg: none with a valid-looking body and no signature.
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let body = URL_SAFE_NO_PAD.encode(claims("acme", 3600).to_string());
    assert_refused(&app, &format!("{header}.{body}."), "alg none").await;

    let basic = app
        .client
        .post(app.url("/graphql"))
        .header("Authorization", "Basic YWxpY2U6c2VjcmV0")
        .json(&json!({ "query": ME }))
        .send()
        .await
        .expect("sent");
    assert_eq!(basic.status(), 401, "unsupported scheme");

    let valid = app.token("alice", "acme", &["admin"]);
    let (status, body) = app.graphql_as(&valid, ME, json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["me"]["subject"], "alice");
    assert_eq!(body["data"]["me"]["roles"], json!(["ADMIN"]));
    assert_eq!(body["data"]["me"]["organization"]["slug"], "acme");

    let unknown_org = app.token("alice", "nope", &["admin"]);
    assert_refused(&app, &unknown_org, "organization that does not exist").await;
    app.stop().await;
}

async fn forged_and_stale_tokens_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_org("acme").await;
    let secret = std::fs::read_to_string(app.config.data_dir.join("secrets/jwt-hs256.key"))
        .expect("generated secret");
    let secret = secret.trim().as_bytes();

    assert_refused(
        &app,
        &hs256(
            b"another-secret-of-at-least-32-bytes!!",
            &claims("acme", 3600),
        ),
        "wrong signature",
    )
    .await;
    assert_refused(
        &app,
        &hs256(secret, &claims("acme", -120)),
        "expired beyond leeway",
    )
    .await;
    let mut early = claims("acme", 3600);
    early["nbf"] = json!(Utc::now().timestamp() + 600);
    assert_refused(&app, &hs256(secret, &early), "not yet valid").await;
    let mut no_exp = claims("acme", 0);
    no_exp.as_object_mut().expect("object").remove("exp");
    assert_refused(&app, &hs256(secret, &no_exp), "no exp claim").await;

    // Within the configured 30 s leeway a just-expired token still passes.
    let (status, _) = app
        .graphql_as(&hs256(secret, &claims("acme", -5)), ME, json!({}))
        .await;
    assert_eq!(status, 200, "5 s past exp is inside the leeway");
    app.stop().await;
}

async fn issuer_and_audience_are_required_when_configured(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| {
        config.auth.issuer = Some("https://idp.example.com".into());
        config.auth.audience = Some("accord".into());
    })
    .await;
    app.create_org("acme").await;
    let secret =
        std::fs::read_to_string(app.config.data_dir.join("secrets/jwt-hs256.key")).expect("secret");
    let secret = secret.trim().as_bytes();
    let with = |iss: Option<&str>, aud: Option<&str>| {
        let mut c = claims("acme", 3600);
        if let Some(iss) = iss {
            c["iss"] = json!(iss);
        }
        if let Some(aud) = aud {
            c["aud"] = json!(aud);
        }
        hs256(secret, &c)
    };
    assert_refused(
        &app,
        &with(Some("https://evil.example.com"), Some("accord")),
        "wrong issuer",
    )
    .await;
    assert_refused(
        &app,
        &with(Some("https://idp.example.com"), Some("other")),
        "wrong audience",
    )
    .await;
    assert_refused(&app, &with(None, Some("accord")), "missing issuer").await;
    assert_refused(
        &app,
        &with(Some("https://idp.example.com"), None),
        "missing audience",
    )
    .await;
    let (status, body) = app
        .graphql_as(
            &with(Some("https://idp.example.com"), Some("accord")),
            ME,
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["me"]["subject"], "mallory");
    app.stop().await;
}

async fn rs256_es256_and_jwks_tokens_are_verified(backend: Backend) {
    let cases = [
        (
            JwtAlgorithm::RS256,
            "rsa-private.pem",
            Some("rsa-public.pem"),
            None,
        ),
        (
            JwtAlgorithm::ES256,
            "ec-private.pem",
            Some("ec-public.pem"),
            None,
        ),
        (
            JwtAlgorithm::RS256,
            "rsa-private.pem",
            None,
            Some("test-rsa-1"),
        ),
    ];
    for (alg, private, public, kid) in cases {
        let app = TestApp::spawn_with(backend, |config| {
            config.auth.algorithm = alg;
            match public {
                Some(file) => config.auth.public_key_files = vec![fixture(file)],
                None => config.auth.jwks_file = Some(fixture("jwks.json")),
            }
        })
        .await;
        app.create_org("acme").await;
        let pem = std::fs::read(fixture(private)).expect("private key");
        let (algorithm, key) = match alg {
            JwtAlgorithm::ES256 => (
                Algorithm::ES256,
                EncodingKey::from_ec_pem(&pem).expect("ec"),
            ),
            _ => (
                Algorithm::RS256,
                EncodingKey::from_rsa_pem(&pem).expect("rsa"),
            ),
        };
        let mut header = Header::new(algorithm);
        header.kid = kid.map(str::to_string);
        let token = encode(&header, &claims("acme", 3600), &key).expect("token");
        let (status, body) = app.graphql_as(&token, ME, json!({})).await;
        assert_eq!(status, 200, "{alg:?}: {body}");
        assert_eq!(body["data"]["me"]["subject"], "mallory");
        if kid.is_some() {
            header.kid = Some("unknown-kid".into());
            let other = encode(&header, &claims("acme", 3600), &key).expect("token");
            assert_refused(&app, &other, "kid not in the JWKS").await;
        }
        app.stop().await;
    }
}

async fn algorithm_confusion_is_refused(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| {
        config.auth.algorithm = JwtAlgorithm::RS256;
        config.auth.public_key_files = vec![fixture("rsa-public.pem")];
    })
    .await;
    app.create_org("acme").await;
    // The classic attack: sign HS256 with the server's RSA public key as the HMAC secret.
    let public_pem = std::fs::read(fixture("rsa-public.pem")).expect("public key");
    assert_refused(
        &app,
        &hs256(&public_pem, &claims("acme", 3600)),
        "HS256 signed with the public key",
    )
    .await;
    app.stop().await;
}

async fn private_catalog_needs_a_token(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| config.auth.public_catalog = false).await;
    app.create_org("acme").await;
    let anonymous = app
        .graphql("{ frameworks { nodes { slug } } }", json!({}))
        .await;
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");
    let token = app.token("erin", "acme", &["executive"]);
    let (status, body) = app
        .graphql_as(&token, "{ frameworks { nodes { slug } } }", json!({}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["data"]["frameworks"]["nodes"]
            .as_array()
            .expect("list")
            .len(),
        3
    );
    app.stop().await;
}

/// A configured HMAC secret shorter than 32 bytes stops the server from starting.
#[tokio::test]
async fn short_hmac_secret_is_refused_at_start() {
    let dir = tempfile::tempdir().expect("dir");
    let config = accord::config::Config {
        listen: "127.0.0.1:0".into(),
        data_dir: dir.path().to_path_buf(),
        auth: accord::config::AuthConfig {
            jwt_secret: Some("too-short".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let started = accord::server::start(
        config,
        accord::server::StartOptions {
            handle_signals: false,
        },
    )
    .await;
    let error = started.err().expect("refused").to_string();
    assert!(error.contains("at least 32"), "{error}");
}

/// The generated secret is readable by its owner only.
#[cfg(unix)]
#[tokio::test]
async fn generated_secret_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let app = TestApp::spawn(Backend::Sqlite).await;
    let path = app.config.data_dir.join("secrets/jwt-hs256.key");
    let mode = std::fs::metadata(&path)
        .expect("secret exists")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    app.stop().await;
}
