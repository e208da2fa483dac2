//! Configuration: built-in defaults, overridden by `accord.toml` (or `--config FILE`), overridden by
//! `ACCORD_*` environment variables (nested keys with `__`, e.g. `ACCORD_GRAPHQL__MAX_DEPTH`), and
//! `DATABASE_URL`. Unknown keys are errors that name the key, so a typo never silently does nothing.

use std::path::{Path, PathBuf};

use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use serde::{Deserialize, Serialize};

/// Everything the service can be told.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address and port to listen on.
    pub listen: String,
    /// Directory for the embedded database, generated secrets and stored files.
    pub data_dir: PathBuf,
    /// `sqlite://...` or `postgres://...`; defaults to a SQLite file under `data_dir`.
    pub database_url: Option<String>,
    /// HTTP worker threads (0 = one per core).
    pub workers: usize,
    pub database: DatabaseConfig,
    pub graphql: GraphqlConfig,
    pub auth: AuthConfig,
    pub rate_limit: RateLimitConfig,
    /// Origins allowed to call the API from a browser (CORS); none by default.
    pub cors_allowed_origins: Vec<String>,
    /// `tracing` filter, e.g. `info` or `accord=debug,info`.
    pub log: String,
    /// Where users reach this service (links in emails), e.g. `https://accord.example.com`.
    pub public_url: String,
    pub mail: MailConfig,
    pub jobs: JobsConfig,
}

/// Which transport carries email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TransportKind {
    /// `.eml` files under `mail.file_dir` (default `<data_dir>/outbox`): works with no server.
    File,
    Smtp,
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No TLS: refused unless the host is loopback.
    Plain,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MailConfig {
    pub transport: TransportKind,
    /// The From address, e.g. `Accord <reports@accord.example.com>`.
    pub from: String,
    pub file_dir: Option<PathBuf>,
    pub smtp: SmtpConfig,
    /// Attempts per message before it is given up and shown as failed.
    pub max_attempts: u32,
    /// First retry delay; each further retry doubles it (with jitter), up to `max_backoff_secs`.
    pub backoff_secs: u64,
    pub max_backoff_secs: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    /// The password, only from the environment (`ACCORD_MAIL__SMTP__PASSWORD`).
    #[serde(skip_serializing)]
    pub password: Option<String>,
    /// File holding the password; the alternative to the environment variable.
    pub password_file: Option<PathBuf>,
    /// Connect, command and reply timeout (lettre's default is 60 s).
    pub timeout_secs: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JobsConfig {
    /// Run the job runner (schedules and delivery) inside `accord serve`.
    pub enabled: bool,
    /// How often an idle runner looks for due schedules and ready jobs.
    pub poll_interval_ms: u64,
    /// How long a claimed job is the claimer's; a crashed instance's jobs run again after it.
    pub lease_secs: u64,
    /// Jobs one runner works on at once.
    pub concurrency: usize,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            transport: TransportKind::File,
            from: "Accord <accord@localhost>".into(),
            file_dir: None,
            smtp: SmtpConfig::default(),
            max_attempts: 8,
            backoff_secs: 30,
            max_backoff_secs: 3600,
        }
    }
}

impl Default for SmtpConfig {
    fn default() -> Self {
        SmtpConfig {
            host: "localhost".into(),
            port: 587,
            security: SmtpSecurity::Starttls,
            username: None,
            password: None,
            password_file: None,
            timeout_secs: 20,
        }
    }
}

impl Default for JobsConfig {
    fn default() -> Self {
        JobsConfig {
            enabled: true,
            poll_interval_ms: 1000,
            lease_secs: 120,
            concurrency: 4,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// Pool size. SQLite writes are serialized by the database either way.
    pub max_connections: u32,
    /// Apply pending migrations when the server starts.
    pub migrate_on_start: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GraphqlConfig {
    /// Largest accepted request body in bytes (answered with 413 beyond it).
    pub max_body_bytes: usize,
    pub max_depth: usize,
    pub max_complexity: usize,
    /// Fields, aliases included, in one document (async-graphql's complexity skips `__typename`).
    pub max_fields: usize,
    /// Operations per batched request; 0 or 1 turns batching off.
    pub max_batch: usize,
    pub introspection: bool,
    /// Wall-clock limit for one request's execution.
    pub timeout_secs: u64,
    /// Keep finished responses of crosswalk and catalog queries until the organization's data
    /// changes (checked on every request, across instances).
    pub response_cache: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            workers: 0,
            database: DatabaseConfig::default(),
            graphql: GraphqlConfig::default(),
            auth: AuthConfig::default(),
            rate_limit: RateLimitConfig::default(),
            cors_allowed_origins: Vec::new(),
            log: "info".into(),
            public_url: "http://127.0.0.1:8080".into(),
            mail: MailConfig::default(),
            jobs: JobsConfig::default(),
        }
    }
}

/// Signature algorithm for bearer tokens, pinned by configuration (never taken from the token).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum JwtAlgorithm {
    HS256,
    RS256,
    ES256,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    pub algorithm: JwtAlgorithm,
    /// HS256 secret (at least 32 bytes). Only from the environment (`ACCORD_AUTH__JWT_SECRET`).
    pub jwt_secret: Option<String>,
    /// File holding the HS256 secret. Without secret or keys, one is generated under `data_dir`.
    pub jwt_secret_file: Option<PathBuf>,
    /// RS256/ES256 public keys (PEM) of the identity provider.
    pub public_key_files: Vec<PathBuf>,
    /// RS256/ES256 public keys as a JWKS document.
    pub jwks_file: Option<PathBuf>,
    /// Required `iss` when set.
    pub issuer: Option<String>,
    /// Required `aud` when set.
    pub audience: Option<String>,
    /// Clock-skew allowance for `exp` and `nbf`, in seconds.
    pub leeway_secs: u64,
    /// Let unauthenticated callers read the framework catalogs.
    pub public_catalog: bool,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            algorithm: JwtAlgorithm::HS256,
            jwt_secret: None,
            jwt_secret_file: None,
            public_key_files: Vec::new(),
            jwks_file: None,
            issuer: None,
            audience: None,
            leeway_secs: 30,
            public_catalog: true,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RateLimitConfig {
    pub enabled: bool,
    /// Sustained requests per minute per subject (token subject, API key, else client IP).
    pub per_minute: u32,
    /// Requests a subject may make at once before the sustained rate applies.
    pub burst: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        RateLimitConfig {
            enabled: true,
            per_minute: 600,
            burst: 120,
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            max_connections: 8,
            migrate_on_start: true,
        }
    }
}

impl Default for GraphqlConfig {
    fn default() -> Self {
        GraphqlConfig {
            max_body_bytes: 256 * 1024,
            max_depth: 12,
            max_complexity: 20_000,
            max_fields: 300,
            max_batch: 0,
            introspection: true,
            timeout_secs: 30,
            response_cache: true,
        }
    }
}

/// A configuration that could not be read; the message names the file or key at fault.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(String);

impl Config {
    /// Loads defaults < config file < environment. An explicitly named file must exist;
    /// the default `accord.toml` in the working directory is optional.
    pub fn load(explicit_file: Option<&Path>) -> Result<Config, ConfigError> {
        let file = match explicit_file {
            Some(path) if !path.exists() => {
                return Err(ConfigError(format!(
                    "config file {} does not exist",
                    path.display()
                )));
            }
            Some(path) => path.to_path_buf(),
            None => PathBuf::from("accord.toml"),
        };
        // Secrets come from the environment or files, never from a config file that gets copied around.
        let from_file = Figment::from(Toml::file(&file));
        if from_file.find_value("mail.smtp.password").is_ok() {
            return Err(ConfigError(
                "mail.smtp.password may not be set in a config file: use ACCORD_MAIL__SMTP__PASSWORD or mail.smtp.password_file".into(),
            ));
        }
        if from_file.find_value("auth.jwt_secret").is_ok() {
            return Err(ConfigError(
                "auth.jwt_secret may not be set in a config file: use ACCORD_AUTH__JWT_SECRET or auth.jwt_secret_file".into(),
            ));
        }
        Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(file))
            .merge(Env::prefixed("ACCORD_").split("__"))
            .merge(Env::raw().only(&["DATABASE_URL"]))
            .extract()
            .map_err(|err| ConfigError(err.to_string()))
    }

    /// The database URL in effect: the configured one, else a SQLite file under the data directory.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.trim().is_empty() => url.clone(),
            _ => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("accord.db").display()
            ),
        }
    }
}
