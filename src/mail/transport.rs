//! Transports: SMTP (STARTTLS, implicit TLS, or plain to loopback only, with optional
//! authentication and a bounded timeout) and a file transport writing `.eml` files. A send ends
//! in one of three [`Outcome`]s; only the SMTP server's permanent refusal (5xx) is final.
//! lettre leaves "connection refused", timeouts and a dropped reply unclassified (neither
//! transient nor permanent): those are retried, because the mail may well go through later.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::message::Email;
use crate::config::{MailConfig, SmtpSecurity, TransportKind};
use crate::error::{AppError, AppResult};

/// How one send ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted: the server's reply (or where the file was written).
    Sent(String),
    /// Worth retrying later: the reason.
    Retry(String),
    /// Refused for good (5xx): the server's reply.
    Permanent(String),
}

/// A configured transport.
#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(PathBuf),
}

impl Mailer {
    /// Builds the configured transport; refuses plain SMTP to anything but loopback, and
    /// reads the SMTP password from its file (secrets never sit in `accord.toml`).
    pub fn from_config(config: &MailConfig, data_dir: &std::path::Path) -> AppResult<Mailer> {
        match config.transport {
            TransportKind::File => {
                let dir = config
                    .file_dir
                    .clone()
                    .unwrap_or_else(|| data_dir.join("outbox"));
                std::fs::create_dir_all(&dir).map_err(AppError::internal)?;
                Ok(Mailer::File(dir))
            }
            TransportKind::Smtp => {
                let smtp = &config.smtp;
                let host = smtp.host.as_str();
                let builder = match smtp.security {
                    SmtpSecurity::Starttls => {
                        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                            .map_err(|e| config_error(format!("mail.smtp: {e}")))?
                    }
                    SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
                        .map_err(|e| config_error(format!("mail.smtp: {e}")))?,
                    SmtpSecurity::Plain => {
                        if !is_loopback(host) {
                            return Err(config_error(format!(
                                "mail.smtp.security = \"plain\" sends credentials and reports in the clear: only allowed to loopback, not {host}"
                            )));
                        }
                        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                    }
                };
                let mut builder = builder
                    .port(smtp.port)
                    .timeout(Some(Duration::from_secs(smtp.timeout_secs.max(1))));
                if let Some(username) = &smtp.username {
                    let password = match &smtp.password_file {
                        Some(path) => std::fs::read_to_string(path)
                            .map_err(|e| {
                                config_error(format!(
                                    "mail.smtp.password_file {}: {e}",
                                    path.display()
                                ))
                            })?
                            .trim()
                            .to_string(),
                        None => smtp.password.clone().unwrap_or_default(),
                    };
                    builder = builder.credentials(Credentials::new(username.clone(), password));
                }
                Ok(Mailer::Smtp(builder.build()))
            }
        }
    }

    /// Sends one email.
    pub async fn send(&self, email: &Email) -> Outcome {
        let message = match email.to_message() {
            Ok(message) => message,
            Err(err) => return Outcome::Permanent(format!("cannot encode the email: {err}")),
        };
        match self {
            Mailer::File(dir) => {
                match AsyncFileTransport::<Tokio1Executor>::new(dir)
                    .send(message)
                    .await
                {
                    Ok(id) => Outcome::Sent(format!("written {}/{id}.eml", dir.display())),
                    Err(err) => Outcome::Retry(format!("writing the .eml file: {err}")),
                }
            }
            Mailer::Smtp(transport) => match transport.send(message).await {
                Ok(response) => Outcome::Sent(format!(
                    "{} {}",
                    response.code(),
                    response.message().collect::<Vec<_>>().join(" ")
                )),
                Err(err) if err.is_permanent() => Outcome::Permanent(err.to_string()),
                Err(err) => Outcome::Retry(err.to_string()),
            },
        }
    }
}

fn config_error(message: String) -> AppError {
    AppError::internal(anyhow::anyhow!(message))
}

fn is_loopback(host: &str) -> bool {
    host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_smtp_only_to_loopback() {
        assert!(is_loopback("127.0.0.1"));
        assert!(is_loopback("::1"));
        assert!(is_loopback("localhost"));
        assert!(!is_loopback("smtp.example.com"));
        assert!(!is_loopback("10.0.0.1"));
    }
}
